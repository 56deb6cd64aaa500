/*
 * ip_stack: the one IPv4 stack. Hosts and routers are the same stack; a router
 * has forwarding on. It owns the interfaces' addresses, the routing table
 * (longest-prefix match), the ARP cache with its queue of packets waiting for
 * resolution, and ICMP (echo, errors). Applications reach the network only
 * through it.
 *
 * Behaviour follows Linux where the RFCs leave a choice: the target of an ARP
 * request learns the requester (RFC 826 merge), an overheard request teaches
 * nothing, an unsolicited reply is ignored, TTL 64, a failed resolution makes
 * the sender's own stack report "Destination Host Unreachable"; the ARP
 * cache runs Linux's neighbour states (REACHABLE, STALE, DELAY, PROBE: see
 * stack/arp.c); DF is set per kind of packet as Linux sets it.
 */
#ifndef NETSIM_STACK_IP_STACK_H
#define NETSIM_STACK_IP_STACK_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "engine/rng.h"
#include "model/topology.h"
#include "net/network.h"
#include "stack/firewall.h"
#include "util/u64map.h"

/* A host's or router's stack when the topology says nothing. */
#define IP_DEFAULT_TTL         64           /* Linux net.ipv4.ip_default_ttl */
#define ARP_DEFAULT_TIMEOUT_NS (30 * SIM_S) /* Linux neigh base_reachable_time */
#define ARP_DEFAULT_RETRY_NS   (1 * SIM_S)  /* between requests (Linux neigh retrans_time) */
#define ARP_DEFAULT_RETRIES    3 /* requests before giving up (mcast_solicit, ucast_solicit) */
#define ARP_DEFAULT_QUEUE      3 /* packets held per unresolved address */
#define ARP_DELAY_FIRST_PROBE  (5 * SIM_S)   /* Linux neigh delay_first_probe_time */
#define ARP_REACHABLE_REDRAW   (300 * SIM_S) /* Linux re-draws reachable_time this often */
#define ARP_GC_STALE_TIME      (60 * SIM_S)  /* Linux neigh gc_stale_time */
#define ARP_GC_THRESH1         128           /* Linux gc_thresh1: no garbage collection below */

/* Why the stack refused to send or connect: the errno a Linux program would
 * get, as a negative code (libuv's manner). Functions below return 0 or one
 * of these; ip_stack_strerror gives the text strerror() gives for it. */
typedef enum {
    IP_ERR_NETUNREACH = -1,   /* ENETUNREACH: no route (also the old "-1") */
    IP_ERR_PERM = -2,         /* EPERM: the firewall's out chain refused the packet */
    IP_ERR_ADDRINUSE = -3,    /* EADDRINUSE: the local port is taken */
    IP_ERR_ADDRNOTAVAIL = -4, /* EADDRNOTAVAIL: connect() found no free ephemeral port */
    IP_ERR_AGAIN = -5,        /* EAGAIN: sendto() could not bind an ephemeral port */
    IP_ERR_MSGSIZE = -6,      /* EMSGSIZE: a datagram too long for one frame */
} ip_err;

/* strerror()'s text for an ip_err ("Network is unreachable", ...). */
const char *ip_stack_strerror(int err);

/* The same error as a program's result names it ("network_unreachable",
 * "not_permitted", "address_in_use", "address_not_available", "try_again",
 * "message_too_long"; docs/trace-format.md). */
const char *ip_stack_errname(int err);

typedef struct ip_iface {
    port *port; /* the device's port of the same index */
    bool has_ip;
    ipv4_addr ip;
    int prefix_len;
} ip_iface;

typedef struct ip_route {
    ipv4_addr dst;
    int prefix_len;
    bool has_via;
    ipv4_addr via;
    uint32_t iface;
    uint32_t metric;
    bool connected; /* added automatically for an interface's subnet */
} ip_route;

/* What an application hears back from ICMP: an echo reply, or an error about
 * a packet it sent (an echo request, or a UDP datagram). */
typedef struct icmp_notice {
    uint8_t type, code;
    ipv4_addr from;    /* the sender of the ICMP message */
    uint8_t about;     /* IPPROTO_ICMP_NUM (an echo) or IPPROTO_UDP_NUM */
    uint16_t id, seq;  /* echo: identifier and sequence; UDP: source and destination port */
    uint8_t ttl;       /* TTL of the arriving packet */
    uint32_t data_len; /* ICMP message length */
    uint32_t packet_id;
} icmp_notice;

typedef void (*icmp_listener_fn)(void *ctx, const icmp_notice *n);

typedef struct icmp_listener {
    uint8_t about;
    uint16_t id;
    bool unreported; /* an error is taken and not passed on (fn NULL; see below) */
    icmp_listener_fn fn;
    void *ctx;
} icmp_listener;

/* Embedded in every host and router: 8-byte fields first, then the narrow
 * ones, so no padding; the rarely used firewall is out of line. */
typedef struct ip_stack {
    node *node; /* the device this stack runs on (borrowed) */
    ip_iface *ifaces;
    ip_route *routes;            /* most specific first, then by metric, then in order given */
    struct ip_index *index;      /* hashed look-ups for many interfaces or routes, else NULL */
    u64map *arp;                 /* ipv4_addr -> arp entry */
    sim_time arp_gc_floor;       /* no STALE entry is collectable before this (arp.c) */
    sim_time arp_base_reachable; /* the topology's arp_timeout (base_reachable_time) */
    sim_time arp_reachable;      /* drawn in [base/2, 3*base/2), as Linux's reachable_time */
    sim_time arp_reachable_at;   /* when it was drawn */
    rng arp_rng;                 /* the stack's own stream (never sim_rng: see arp.c) */
    sim_time arp_retry;
    icmp_listener *listeners;
    firewall *fw;          /* NULL: no firewall */
    struct nat *nat;       /* a NAT box's translator, or NULL */
    struct udp_table *udp; /* sockets, owned by stack/udp.c (NULL until first use) */
    struct tcp_table *tcp; /* connections, owned by stack/tcp.c (NULL until first use) */
    uint32_t n_ifaces;
    uint32_t n_routes;
    uint32_t arp_retries, arp_queue;
    uint32_t n_listeners;
    uint16_t next_ip_id;
    bool forwarding;
    uint8_t ttl;
} ip_stack;

/* Sets up the stack of `n` from the model: interfaces (n's ports must exist),
 * connected routes, the gateway as a default route, static routes, options. */
void ip_stack_init(ip_stack *st, node *n, const model_device *d, bool forwarding);

/* Frees what the stack owns, frames waiting for ARP included. */
void ip_stack_destroy(ip_stack *st);

/* A frame accepted by the device's NIC on `in` (consumed). */
void ip_stack_receive(ip_stack *st, port *in, frame *f);

/* Sends an IPv4 packet carrying `payload` from this stack. `ttl` 0 means the
 * stack's default. The packet gets a new journey id, returned through
 * *packet_id when non-NULL. Returns 0; IP_ERR_NETUNREACH if there is no route
 * (traced, nothing built); IP_ERR_PERM if the firewall's out chain refused it
 * (traced as a drop of the packet, as Linux's OUTPUT chain makes sendmsg()
 * fail with EPERM). */
int ip_stack_send(ip_stack *st, ipv4_addr dst, uint8_t protocol, const uint8_t *payload, size_t len,
                  uint8_t ttl, uint32_t *packet_id);

/* Sends an IPv4 packet out of interface `iface` without routing, from `src`
 * (0.0.0.0 is allowed: a DHCP client has no address yet) to `dst` (the limited
 * broadcast 255.255.255.255, or an address on that interface's link). The
 * firewall's out chain still applies. DF is clear, as in the IP header ISC
 * dhclient and dhcpd build for their packet sockets. Returns 0,
 * IP_ERR_NETUNREACH for a bad interface, or IP_ERR_PERM when the out chain
 * refused it (traced). */
int ip_stack_send_on(ip_stack *st, uint32_t iface, ipv4_addr src, ipv4_addr dst, uint8_t protocol,
                     const uint8_t *payload, size_t len, uint8_t ttl, uint32_t *packet_id);

/* Gives interface `iface` the address ip/prefix_len (replacing its connected
 * route) and, when `gateway` is not 0, a default route via it (replacing any
 * other default route): what a DHCP client does with its lease. Traced. */
void ip_stack_configure(ip_stack *st, uint32_t iface, ipv4_addr ip, int prefix_len,
                        ipv4_addr gateway);

/* Registers an ICMP listener: for `about` IPPROTO_ICMP_NUM, echo replies and
 * errors about echo requests with identifier `id`; for IPPROTO_UDP_NUM, errors
 * about UDP datagrams sent from port `id`. Returns false if taken. */
bool ip_stack_listen_icmp(ip_stack *st, uint8_t about, uint16_t id, icmp_listener_fn fn, void *ctx);

/* The UDP socket on port `id` is not connected: Linux takes an ICMP error
 * about its datagrams and reports nothing to the program (__udp4_lib_err:
 * only a connected socket, or one with IP_RECVERR, gets ECONNREFUSED), so
 * recvfrom keeps waiting. The error is traced as such and not passed on. */
bool ip_stack_listen_icmp_unreported(ip_stack *st, uint16_t id);

/* Removes the listener for (`about`, `id`), if any: its socket is closed. */
void ip_stack_unlisten_icmp(ip_stack *st, uint8_t about, uint16_t id);

/* ip_stack_send with an explicit source address (0: chosen by the route), for
 * protocols whose checksum covers the source address (UDP). */
int ip_stack_send_from(ip_stack *st, ipv4_addr src, ipv4_addr dst, uint8_t protocol,
                       const uint8_t *payload, size_t len, uint8_t ttl, uint32_t *packet_id);

/* What connect() checks for an application: whether a packet to `dst` can
 * leave (or loop back). Returns 0, or IP_ERR_NETUNREACH after tracing why not
 * (no route). */
int ip_stack_connect(ip_stack *st, ipv4_addr dst);

/* The address this stack would use as source towards `dst`, or 0. */
ipv4_addr ip_stack_source_for(const ip_stack *st, ipv4_addr dst);

/* One route look-up for one packet to a destination: the way out and the
 * source address it gives. Borrowed from the stack: valid until its routes
 * change, so use it at once and never keep it across events. */
typedef struct ip_send_route {
    bool local;            /* the destination is this host: loopback */
    const ip_route *route; /* NULL when local, or when there is no route */
    ipv4_addr src;         /* what ip_stack_source_for gives */
    /* Set DF (true from ip_stack_route_for): Linux sockets default to
     * IP_PMTUDISC_WANT, so TCP, UDP and ping set DF (RFC 1191). Senders that
     * use IP_PMTUDISC_DONT clear it: the kernel's ICMP socket (echo replies,
     * errors) and traceroute's probes. See docs/transport.md. */
    bool dont_fragment;
    /* The packet is a TCP segment sent again: its frame carries the mark
     * (frame.retransmission) for the trace. False from ip_stack_route_for. */
    bool retransmission;
} ip_send_route;

/* Looks the route to `dst` up, for a transport that needs the source address
 * (its checksum covers it) before it builds the packet it then hands to
 * ip_stack_send_routed: one look-up per packet. */
ip_send_route ip_stack_route_for(const ip_stack *st, ipv4_addr dst);

/* ip_stack_send from r->src along `r` (from ip_stack_route_for(st, dst)),
 * without a second look-up, DF as r->dont_fragment says. Same results as
 * ip_stack_send. */
int ip_stack_send_routed(ip_stack *st, const ip_send_route *r, ipv4_addr dst, uint8_t protocol,
                         const uint8_t *payload, size_t len, uint8_t ttl, uint32_t *packet_id);

/* Sends a forged ARP reply claiming that `claimed` is at this stack's MAC, on
 * the interface whose subnet holds `victim`: unicast to the victim when its
 * MAC is in this stack's cache, else broadcast; with `gratuitous`, a broadcast
 * announcement to everyone (victim may be 0). For the arp_spoof attack
 * application. Returns 0, or -1 when no interface reaches the victim. */
int ip_stack_arp_claim(ip_stack *st, ipv4_addr claimed, ipv4_addr victim, bool gratuitous);

/* The device lost power: the ARP cache (dynamic entries), the NAT mappings
 * (but pinned ones and port forwards) and the TCP connections are lost
 * (applications are told their connections were reset). Configured
 * addresses, routes, listeners and sockets stay: they are configuration and
 * services that come back at boot. Traced. */
void ip_stack_power_off(ip_stack *st);

/* Upper-layer confirmation that the neighbour towards `dst` (its next hop)
 * is reachable, as Linux's dst_confirm_neigh: TCP calls it when an ACK
 * acknowledges new data. Records the time only; the entry's timer acts on it
 * (a DELAY entry becomes REACHABLE instead of being probed). ICMP and UDP do
 * not confirm. No-op without an entry or a route. */
void ip_stack_confirm_neighbour(ip_stack *st, ipv4_addr dst);

/* Writes interfaces, routes and the ARP cache for state.txt. */
void ip_stack_write_state(const ip_stack *st, FILE *out);

/* Adds the rows of table `t` as they are now, for a "show" (formats in
 * docs/apps.md, fields in docs/trace-format.md): interfaces, route, arp,
 * sockets, and nat on a NAT box. Returns false for a table the stack does
 * not have (mac; nat without NAT). */
bool ip_stack_show(const ip_stack *st, trace_show_table t, trace_rows *rows);

/* One row of a device table, for the viewer's tables at t=0: `table` is
 * "address", "route", "arp", "nat", "udp" or "tcp"; key and value are
 * written as the trace's table facts write them (docs/trace-format.md), so
 * later changes apply to these rows. All strings borrowed for the call. */
typedef void (*ip_table_row_fn)(void *ctx, const char *table, const char *key, const char *value);

/* Reports every row of the stack's tables now (interfaces' addresses,
 * routes, ARP cache, NAT mappings, UDP sockets, TCP connections), in no
 * particular order: the caller sorts. */
void ip_stack_table_rows(const ip_stack *st, ip_table_row_fn fn, void *ctx);

#endif
