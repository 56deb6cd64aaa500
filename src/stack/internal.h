/*
 * internal: what the stack's files (ip_stack.c, arp.c, icmp.c, udp.c, tcp.c)
 * share and nothing else may use.
 */
#ifndef NETSIM_STACK_INTERNAL_H
#define NETSIM_STACK_INTERNAL_H

#include "stack/ip_stack.h"
#include "wire/ipv4.h"
#include "wire/wire.h"

/* Trace events name loopback traffic after Linux's "lo" interface. It
 * belongs to no device and no link. */
extern port ip_loopback_port;

/* Linux's neighbour states (NUD_*, net/core/neighbour.c); FAILED is not
 * kept: a failed entry is removed (docs/topology-format.md, "The neighbour
 * cache (ARP)"). */
typedef enum {
    ARP_INCOMPLETE, /* broadcast requests sent, no reply yet; packets wait in `pending` */
    ARP_REACHABLE,  /* confirmed less than the reachable time ago */
    ARP_STALE,      /* not confirmed lately, or learned from a request: usable */
    ARP_DELAY,      /* used while STALE: waits delay_first_probe_time for a confirmation */
    ARP_PROBE,      /* unicast requests to the cached MAC, still usable */
    ARP_PERMANENT,  /* configured ("arp" in the topology): never expires, never overwritten */
} arp_state;

/* Frames ready but for the destination MAC, oldest first (at most the
 * stack's arp_queue). Kept out of the entry: most entries never hold any. */
typedef struct arp_pending {
    uint32_t n;
    frame *frames[];
} arp_pending;

/* An ARP cache entry: a value of u64map st->arp, so its size is paid for every
 * slot of every cache (a router's holds an entry per neighbour). Fields are
 * ordered and narrowed to fit 48 bytes: `state` holds an arp_state, `probes`
 * is at most arp_retries (the reader allows up to 100). */
typedef struct arp_entry {
    sim_time confirmed;    /* last confirmation: a unicast ARP reply, or TCP progress */
    sim_time used;         /* creation, then each use while not REACHABLE (Linux's) */
    sim_event_id timer_ev; /* the entry's one timer (INCOMPLETE, REACHABLE, DELAY, PROBE) */
    arp_pending *pending;  /* NULL: no frame waits */
    ipv4_addr ip;
    uint32_t iface;
    mac_addr mac;
    uint8_t state;  /* an arp_state */
    uint8_t probes; /* requests sent in this INCOMPLETE or PROBE period */
} arp_entry;

/* How many frames wait in e's queue. */
static inline uint32_t arp_pending_count(const arp_entry *e) {
    return e->pending ? e->pending->n : 0;
}

/* "INCOMPLETE", "REACHABLE", "STALE", "DELAY", "PROBE" or "PERMANENT". */
const char *arp_state_name(arp_state s);

/* Seeds the stack's neighbour-cache stream and draws the first reachable
 * time (st->node and the ARP settings must be set). */
void arp_init(ip_stack *st);

/* Hands a finished frame (Ethernet source set, destination not yet) for
 * next hop `next_hop` to interface `iface`: sent at once if the MAC is known,
 * else queued while ARP resolves it. Consumes f. */
void arp_resolve_and_send(ip_stack *st, uint32_t iface, ipv4_addr next_hop, frame *f);

/* An ARP packet arrived on `iface` (consumes f). */
void arp_receive(ip_stack *st, uint32_t iface, frame *f);

/* Adds a permanent entry (a static "arp" entry of the topology). */
void arp_add_static(ip_stack *st, ipv4_addr ip, mac_addr mac, uint32_t iface);

/* The interface whose subnet holds `a`, or -1. */
int ip_stack_iface_on_link(const ip_stack *st, ipv4_addr a);

/* Forgets every dynamic entry (power off); frames waiting are dropped. */
void arp_forget(ip_stack *st);

/* Frees the cache and the frames it holds. */
void arp_destroy(ip_stack *st);

void arp_write_state(const ip_stack *st, FILE *out);

/* The ARP cache as `arp -a` lists it, sorted by address: fields ip, mac
 * (not when incomplete), dev, state (INCOMPLETE, REACHABLE, STALE, DELAY,
 * PROBE, PERMANENT: `ip neigh`'s names). */
void arp_show_rows(const ip_stack *st, trace_rows *rows);

/* The ARP cache as rows "arp" ip -> "MAC STATE" or "incomplete"
 * (ip_stack_table_rows). */
void arp_table_rows(const ip_stack *st, ip_table_row_fn fn, void *ctx);

/* The receive path parses an IPv4 header once (ipv4_receive, or the loopback's
 * arrival) and hands the parsed header `h` (borrowed) down with the frame,
 * whose IP header is at ETH_HEADER_LEN: no layer above parses it again. */

/* An ICMP message addressed to this stack (consumes f). */
void icmp_receive(ip_stack *st, uint32_t iface, frame *f, const ipv4_header *h);

/* A UDP datagram addressed to this stack (consumes f). */
void udp_input(ip_stack *st, uint32_t iface, frame *f, const ipv4_header *h);

/* A TCP segment addressed to this stack (consumes f). */
void tcp_input(ip_stack *st, uint32_t iface, frame *f, const ipv4_header *h);

/* Whether a local socket, listener or connection holds UDP or TCP port
 * `port_number` on this stack: a NAT box's translator leaves such ports to
 * the box's own programs (its services, the DNS forwarder's queries). */
bool udp_port_bound(const ip_stack *st, uint16_t port_number);
bool tcp_port_bound(const ip_stack *st, uint16_t port_number);

/* Reports a problem with the IPv4 packet in f (header `h`) back to its
 * source with an ICMP error (RFC 792; RFC 1812 section 4.3.2.7 says when not
 * to). If the source is this stack, the error is delivered locally. Does not
 * consume f. */
void icmp_send_error(ip_stack *st, const frame *f, const ipv4_header *h, uint8_t type,
                     uint8_t code);

/* The drop reason for a failed wire parse (a WIRE_ERR_* value). */
static inline trace_reason stack_wire_reason(int rc) {
    return rc == WIRE_ERR_CHECKSUM      ? TRACE_REASON_BAD_CHECKSUM
           : rc == WIRE_ERR_UNSUPPORTED ? TRACE_REASON_UNSUPPORTED
           : rc == WIRE_ERR_TRUNCATED   ? TRACE_REASON_TRUNCATED
                                        : TRACE_REASON_MALFORMED;
}

/* Traces the drop of the packet in f (header `h`) on port p, then reports it
 * to its source with an ICMP error (none when `h` is NULL: no valid header to
 * quote), then frees f: the decision comes before what it triggers (cause
 * before effect in the trace). */
void stack_drop_and_report(ip_stack *st, const port *p, frame *f, const ipv4_header *h,
                           trace_reason reason, const char *why, uint8_t icmp_type,
                           uint8_t icmp_code);

/* The interface whose address is `a`, or -1. */
int ip_stack_iface_of_addr(const ip_stack *st, ipv4_addr a);

/* Route look-up: the route for `dst`, or NULL. */
const ip_route *ip_stack_lookup(const ip_stack *st, ipv4_addr dst);

/* Delivers an IPv4 packet (header `h`) to this stack as if it had arrived
 * on `iface` (consumes f). */
void ip_stack_deliver_local(ip_stack *st, uint32_t iface, frame *f, const ipv4_header *h);

#endif
