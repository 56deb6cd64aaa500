/*
 * topology: the validated model of a topology file: plain data, no behaviour.
 * The loader (io/loader) produces it; the builder (build/builder) turns it into
 * a running network. Every default is already applied here, so the builder never
 * guesses. All strings and arrays are owned by the model; model_free frees them.
 */
#ifndef NETSIM_MODEL_TOPOLOGY_H
#define NETSIM_MODEL_TOPOLOGY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

typedef struct model_device {
    char *name;
    device_type type;
    model_iface *ifaces; /* hosts/routers: their interfaces; hubs/switches: their ports */
    size_t n_ifaces;
    bool has_gateway;
    ipv4_addr gateway; /* hosts: the default gateway */
    model_route *routes;
    size_t n_routes;
    uint8_t ttl;             /* default 64 (Linux net.ipv4.ip_default_ttl) */
    uint64_t mac_aging_ns;   /* switches: default 300 s (IEEE 802.1D) */
    uint64_t arp_timeout_ns; /* hosts/routers: life of a resolved ARP entry, default 60 s */
    uint64_t arp_retry_ns;   /* interval between ARP requests, default 1 s */
    uint32_t arp_retries;    /* requests sent before giving up, default 3 */
    uint32_t arp_queue;      /* packets held per unresolved address, default 3 */
    bool forwarding;         /* routers always; a host with "forwarding": true too */
    bool has_firewall;
    fw_action fw_default;    /* the policy when no rule matches, default allow */
    model_fw_rule *fw_rules; /* first match wins */
    size_t n_fw_rules;
    model_static_arp *static_arp; /* permanent ARP entries ("arp": {ip: mac}) */
    size_t n_static_arp;
    model_nat nat; /* a NAT box's translation (nat.enabled) */
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
} action_kind;

typedef struct model_ping {
    ipv4_addr to;
    uint32_t count;       /* default 1 */
    uint64_t interval_ns; /* default 1 s */
    uint32_t size;        /* ICMP data bytes, default 56 (as ping -s) */
    uint64_t timeout_ns;  /* how long to wait for the last reply, default 10 s */
    uint8_t ttl;          /* 0: the device's default */
} model_ping;

typedef struct model_traceroute {
    ipv4_addr to;
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

typedef struct model_action {
    uint64_t at_ns;
    size_t device; /* index into devices */
    action_kind kind;
    union {
        model_ping ping;
        model_traceroute traceroute;
        model_arp_spoof arp_spoof;
    } u;
} model_action;

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
} model_topology;

/* Frees everything the model owns, and the model. NULL is a no-op. */
void model_free(model_topology *t);

#endif
