/*
 * topology: the validated model of a topology file: plain data, no behaviour.
 * The reader (src/reader) produces it; the builder (build/builder) turns it into
 * a running network. Every default is already applied here, so the builder never
 * guesses. All strings and arrays are owned by the model; model_free frees them.
 */
#ifndef NETSIM_MODEL_TOPOLOGY_H
#define NETSIM_MODEL_TOPOLOGY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/expect.h"
#include "model/nat_config.h"
#include "wire/addr.h"

typedef enum {
    DEVICE_HOST,
    DEVICE_HUB,
    DEVICE_SWITCH,
    DEVICE_ROUTER,
} device_type;

/* "host", "hub", "switch", "router". */
const char *device_type_name(device_type t);

typedef struct model_iface {
    char *name; /* "eth0" for hosts and routers, "p1".."pN" for hubs and switches */
    mac_addr mac;
    bool has_ip;
    ipv4_addr ip;
    int prefix_len;
} model_iface;

typedef struct model_route {
    ipv4_addr dst;
    int prefix_len;
    bool has_via;  /* false: destination directly on the interface */
    ipv4_addr via; /* next hop */
    int iface;     /* index into ifaces, or -1: the interface whose subnet holds `via` */
    uint32_t metric;
} model_route;

typedef enum {
    FW_ALLOW,  /* let the packet pass */
    FW_DENY,   /* drop it silently (iptables DROP) */
    FW_REJECT, /* drop it and answer ICMP "administratively prohibited" (iptables REJECT) */
} fw_action;

/* Which packets a rule sees, as iptables' chains: */
#define FW_CHAIN_IN      1 /* addressed to this device */
#define FW_CHAIN_OUT     2 /* sent by this device */
#define FW_CHAIN_FORWARD 4 /* routed through this device */
#define FW_CHAIN_ALL     7

typedef struct model_fw_rule {
    fw_action action;
    uint8_t protocol; /* 0: any; else IPPROTO_ICMP_NUM, _TCP_NUM or _UDP_NUM */
    ipv4_addr src;    /* with src_len 0: any */
    int src_len;
    ipv4_addr dst;
    int dst_len;
    uint16_t src_port_lo, src_port_hi; /* 0-65535: any (TCP and UDP only) */
    uint16_t dst_port_lo, dst_port_hi;
    int icmp_type;  /* -1: any (ICMP only) */
    uint8_t chains; /* FW_CHAIN_* bits */
    int iface;      /* -1: any; else the interface it arrives on (in, forward) or leaves by (out) */
} model_fw_rule;

typedef struct model_static_arp {
    ipv4_addr ip;
    mac_addr mac;
} model_static_arp;

#define MODEL_DNS_SERVERS_MAX 4 /* DNS servers a DHCP server hands out (option 6) */

/* "dhcp_server": a DHCP server (RFC 2131) on the interface whose subnet holds
 * the pool. The pool holds no static address of the topology, nor the
 * server's own or the router's. */
typedef struct model_dhcp_server {
    size_t iface;               /* the interface serving the pool */
    ipv4_addr pool_lo, pool_hi; /* inclusive */
    uint32_t lease_s;           /* default 3600 */
    ipv4_addr router;           /* option 3; 0: none (a router defaults to its own address) */
    ipv4_addr dns[MODEL_DNS_SERVERS_MAX]; /* option 6 */
    size_t n_dns;
} model_dhcp_server;

typedef struct model_dns_record {
    char *name; /* as written, without a trailing dot */
    ipv4_addr addr;
} model_dns_record;

/* "dns_server": an authoritative DNS server (RFC 1035) answering A queries
 * for its records on UDP port 53; any other name is forwarded to the
 * upstream server when there is one (a forwarder, as dnsmasq), else NXDOMAIN. */
typedef struct model_dns_server {
    model_dns_record *records; /* in file order; names unique without regard to case */
    size_t n_records;
    uint32_t ttl;       /* TTL of the answers, default 300 s */
    bool has_upstream;  /* forwards the names it has no record of */
    ipv4_addr upstream; /* to this server, UDP port 53 */
} model_dns_server;

/* One per device, kept for the whole run (names, diagrams and the viewer
 * borrow from it): pointers and 64-bit fields first, then the narrow ones, so
 * no padding; a NAT box's settings live out of line. */
typedef struct model_device {
    char *name;
    model_iface *ifaces; /* hosts/routers: their interfaces; hubs/switches: their ports */
    size_t n_ifaces;
    model_route *routes;
    size_t n_routes;
    uint64_t mac_aging_ns;   /* switches: default 300 s (IEEE 802.1D) */
    uint64_t arp_timeout_ns; /* hosts/routers: life of a resolved ARP entry, default 60 s */
    uint64_t arp_retry_ns;   /* interval between ARP requests, default 1 s */
    uint64_t dhcp_at_ns;     /* when the DHCP client starts, default 0 */
    model_fw_rule *fw_rules; /* first match wins */
    size_t n_fw_rules;
    model_static_arp *static_arp; /* permanent ARP entries ("arp": {ip: mac}) */
    size_t n_static_arp;
    model_nat *nat;                 /* a NAT box's translation; NULL: not a NAT box */
    model_dhcp_server *dhcp_server; /* NULL: none */
    model_dns_server *dns_server;   /* NULL: none */
    device_type type;
    ipv4_addr gateway;                   /* hosts: the default gateway */
    ipv4_addr dns;                       /* the resolver ("dns"); DHCP may supply one */
    uint32_t arp_retries;                /* requests sent before giving up, default 3 */
    uint32_t arp_queue;                  /* packets held per unresolved address, default 3 */
    fw_action fw_default;                /* the policy when no rule matches, default allow */
    uint16_t ephemeral_lo, ephemeral_hi; /* default 32768-60999 (Linux ip_local_port_range) */
    uint8_t ttl;                         /* default 64 (Linux net.ipv4.ip_default_ttl) */
    bool has_gateway;
    bool forwarding; /* routers always; a host with "forwarding": true too */
    bool has_firewall;
    bool dhcp; /* hosts: the first interface asks DHCP */
    bool has_dns;
    bool iface_names_inline; /* the ifaces' names live in their block: not freed one by one */
} model_device;

typedef struct model_endpoint {
    size_t device; /* index into devices */
    size_t iface;  /* index into that device's ifaces */
} model_endpoint;

typedef struct model_link {
    model_endpoint a, b;
    uint64_t delay_ns;      /* propagation delay, default 1 us */
    uint64_t bandwidth_bps; /* default 100 Mbit/s */
    uint32_t queue_frames;  /* transmit queue capacity per port, default 100 */
    double loss;            /* probability that a frame is lost in transit, default 0 */
} model_link;

typedef enum {
    ACTION_PING,
    ACTION_TRACEROUTE,
    ACTION_ARP_SPOOF,
    ACTION_UDP_SERVER,
    ACTION_UDP_SEND,
    ACTION_TCP_SERVER,
    ACTION_TCP_CLIENT,
    ACTION_FILE_SERVER,
    ACTION_FILE_DOWNLOAD,
    ACTION_HTTP_SERVER,
    ACTION_HTTP_GET,
    ACTION_SHOW,      /* print a device's tables into the trace (any device) */
    ACTION_LINK_DOWN, /* faults: cut a link ("link"), restore it, */
    ACTION_LINK_UP,
    ACTION_DEVICE_OFF, /* power a device off, on again */
    ACTION_DEVICE_ON,
} action_kind;

#define ACTION_KINDS (ACTION_DEVICE_ON + 1) /* how many kinds there are: keep DEVICE_ON last */

/* "ping", "udp_server", ... as written in "do". */
const char *action_kind_name(action_kind k);

/* Where an action sends to: `to` is an address, or a host name the device
 * resolves by DNS first (then `addr` is 0 and `name` is set). */
typedef struct model_target {
    ipv4_addr addr;
    char *name; /* NULL for an address */
} model_target;

/* The programs' settings share model_action's union: no member is larger
 * than 48 bytes (fields ordered to leave no padding), so an action is 72. */
typedef struct model_ping {
    char *to_name;        /* the host name to resolve first, or NULL (then `to` is set) */
    uint64_t interval_ns; /* default 1 s */
    uint64_t timeout_ns;  /* how long to wait for the last reply, default 10 s */
    ipv4_addr to;
    uint32_t count; /* default 1 */
    uint32_t size;  /* ICMP data bytes, default 56 (as ping -s) */
    uint8_t ttl;    /* 0: the device's default */
    bool has_id;    /* the identifier was given ("id"); else random, as iputils */
    uint16_t id;    /* the ICMP identifier when has_id */
} model_ping;

typedef struct model_traceroute {
    ipv4_addr to;
    char *to_name;     /* the host name to resolve first, or NULL */
    uint32_t max_hops; /* default 30 (traceroute -m) */
    uint32_t probes;   /* per hop, default 3 (-q) */
    uint64_t wait_ns;  /* per probe, default 5 s (-w) */
    uint32_t port;     /* first destination port, default 33434 (-p) */
} model_traceroute;

typedef struct model_arp_spoof {
    ipv4_addr victim;      /* whose cache to poison (0 with gratuitous: everyone's) */
    ipv4_addr impersonate; /* the address to claim */
    uint32_t count;        /* forged replies to send, default 5 */
    uint64_t interval_ns;  /* between them, default 1 s */
    bool gratuitous;       /* broadcast instead of unicast to the victim */
} model_arp_spoof;

/* The notes' UDP server (section 4): bind, print each datagram and its
 * sender, answer with `reply` or echo the datagram. */
typedef struct model_udp_server {
    uint16_t port;
    char *reply; /* NULL: echo */
    size_t reply_len;
    uint32_t count; /* datagrams before the socket closes; 0: never closes */
} model_udp_server;

/* The notes' UDP client: sendto, then wait `timeout` for one reply. */
typedef struct model_udp_send {
    model_target to;
    uint16_t port;
    uint16_t local_port; /* 0: an ephemeral port */
    char *data;
    size_t data_len;
    uint64_t timeout_ns; /* default 5 s; 0: do not wait */
    bool connect;        /* connect(), send, recv: ICMP errors reported (ECONNREFUSED) */
} model_udp_send;

/* The notes' TCP echo server (section 5), serving any number of clients. */
typedef struct model_tcp_server {
    uint16_t port;
    char *reply; /* NULL: echo */
    size_t reply_len;
    uint32_t count;          /* clients before the listener closes; 0: never closes */
    uint64_t close_after_ns; /* pause between a client's close and ours; 0: at once */
} model_tcp_server;

/* One step of a scripted TCP client ("steps"). */
typedef enum {
    TCP_STEP_SEND,    /* send `data`, then wait for the answer */
    TCP_STEP_AFTER,   /* pause `after_ns` */
    TCP_STEP_CLOSE,   /* close the connection (FIN) */
    TCP_STEP_CONNECT, /* open a new connection and wait for the handshake */
} model_tcp_step_kind;

typedef struct model_tcp_step {
    model_tcp_step_kind kind;
    char *data; /* TCP_STEP_SEND: the message, owned */
    size_t len;
    uint64_t after_ns; /* TCP_STEP_AFTER */
} model_tcp_step;

/* The notes' TCP client: connect, send each message and wait for the
 * answer, close at "exit" or after the last one ("send": messages); or,
 * with "steps", any sequence of sends, pauses, closes and new connections
 * after the first connection. Exactly one of messages and steps is set. */
typedef struct model_tcp_client {
    model_target to;
    uint16_t port;
    uint16_t local_port; /* 0: an ephemeral port */
    char **messages;
    model_tcp_step *steps;
    uint32_t n_messages;
    uint32_t n_steps;
} model_tcp_client;

typedef enum {
    FILE_INLINE,    /* the text given in the topology */
    FILE_GENERATED, /* `size` pseudo-random bytes from the run's seed */
    FILE_LOADED,    /* a file next to the topology, read by the loader */
} model_file_source;

typedef struct model_file {
    char *name;
    model_file_source source;
    uint8_t *data; /* FILE_INLINE, FILE_LOADED: the content; NULL when size is 0 */
    size_t size;
} model_file;

/* The notes' file server (section 7): receive a name, send that file, close. */
typedef struct model_file_server {
    uint16_t port;
    model_file *files;
    size_t n_files;
} model_file_server;

typedef struct model_file_download {
    model_target to;
    uint16_t port;
    char *file;
} model_file_download;

typedef struct model_http_page {
    char *path; /* starts with '/' */
    char *body;
    size_t body_len;
} model_http_page;

typedef struct model_http_server {
    uint16_t port; /* default 80 */
    model_http_page *pages;
    size_t n_pages;
} model_http_server;

/* http://host[:port][/path] */
typedef struct model_http_get {
    char *url;
    model_target host; /* name: the host part when it is not an address */
    char *host_text;   /* the host part as written (the Host header) */
    uint16_t port;     /* default 80 */
    char *path;        /* default "/" */
} model_http_get;

/* How many tables one "show" may name: each at most once. */
#define MODEL_SHOW_MAX 8

/* "show": the tables to print, in the order written; each a
 * trace_show_table value (trace/trace.h), checked against the device. */
typedef struct model_show {
    uint8_t tables[MODEL_SHOW_MAX];
    size_t n_tables;
} model_show;

typedef struct model_action {
    uint64_t at_ns;
    size_t device; /* index into devices */
    action_kind kind;
    union {
        model_ping ping;
        model_traceroute traceroute;
        model_arp_spoof arp_spoof;
        model_udp_server udp_server;
        model_udp_send udp_send;
        model_tcp_server tcp_server;
        model_tcp_client tcp_client;
        model_file_server file_server;
        model_file_download file_download;
        model_http_server http_server;
        model_http_get http_get;
        model_show show;
        size_t link; /* link_down, link_up: index into links */
    } u;
} model_action;

/* Frees what one action owns (its strings and arrays) and zeroes them; the
 * action itself is not freed. Safe on a zeroed or partly filled action. */
void model_action_clear(model_action *a);

typedef struct model_topology {
    char *source;      /* the file name as given, for messages */
    char *name;        /* "name" from the file, default: the file's base name */
    char *description; /* may be NULL */
    model_device *devices;
    size_t n_devices;
    model_link *links;
    size_t n_links;
    model_action *actions; /* sorted by at_ns, ties in file order */
    size_t n_actions;
    model_expect expect; /* the "expect" list (docs/grading.md); empty when none */
} model_topology;

/* How many links join the ends written `x` and `y` ("dev" or "dev.iface",
 * either order); *which is the last of them. For a fault's or a check's "link". */
size_t model_links_joining(const model_topology *t, const char *x, const char *y, size_t *which);

/* Frees everything the model owns, and the model. NULL is a no-op. */
void model_free(model_topology *t);

#endif
