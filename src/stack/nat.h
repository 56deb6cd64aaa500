/*
 * nat: network address and port translation (NAPT, RFC 3022) on the stack of
 * a NAT box, with endpoint-independent mapping and filtering as RFC 4787
 * recommends for a home router: an inside ip:port leaving through the outside
 * interface gets one outside port (the same one if it is free: port
 * preservation; else one from the run's seeded generator), used for every
 * remote; replies to that port are translated back; unsolicited inbound
 * traffic is dropped unless a port forward (DNAT) names it. ICMP echo
 * identifiers are translated like ports, and ICMP errors about a translated
 * packet are translated back, the quoted header included (RFC 5508).
 * Mappings expire after their timeout (UDP, TCP established / transitory per
 * RFC 5382, ICMP); creation, use and expiry are traced, each translation with
 * the rule it applied (trace_translation: source NAT, reply, port forward,
 * ICMP error). An outside port is either a mapping's or the box's own
 * sockets', never both.
 */
#ifndef NETSIM_STACK_NAT_H
#define NETSIM_STACK_NAT_H

#include <stdbool.h>
#include <stdio.h>

#include "model/nat_config.h"
#include "net/frame.h"
#include "trace/rows.h"

struct ip_stack;
typedef struct nat nat;

/* The translator of `st` configured by `cfg` (borrowed: it must outlive the
 * NAT). Pinned mappings and port forwards are installed now. Caller frees with
 * nat_free. */
nat *nat_new(struct ip_stack *st, const model_nat *cfg);

/* NULL is a no-op. */
void nat_free(nat *n);

/* The interface inside and outside. */
uint32_t nat_inside_iface(const nat *n);
uint32_t nat_outside_iface(const nat *n);

/* A packet routed from the inside out of the outside interface, TTL already
 * decremented: its source becomes the outside address and a mapped port
 * (checksums updated). Returns false if it could not be translated and was
 * dropped (traced, freed). */
bool nat_outbound(nat *n, frame *f);

typedef enum {
    NAT_IN_TRANSLATED, /* destination rewritten to the inside: route it on */
    NAT_IN_LOCAL,      /* not a translated flow: deliver to the NAT box itself */
    NAT_IN_DROPPED,    /* unsolicited: dropped (traced, freed) */
} nat_inbound_result;

/* A packet that arrived on the outside interface addressed to the outside
 * address. A mapping's port is translated (replies and port forwards win over
 * the box's own sockets, as Linux's PREROUTING comes before local delivery);
 * TCP or UDP to another port is the box's own when one of its sockets holds
 * that port (its services, the DNS forwarder's upstream queries), else it is
 * unsolicited and dropped. Traffic the box itself sends is never translated:
 * it leaves from the outside address already. */
nat_inbound_result nat_inbound(nat *n, frame *f);

/* Whether `port_number` of `protocol` (IPPROTO_TCP_NUM, IPPROTO_UDP_NUM) is
 * the outside port of a mapping: the box's own sockets take no such port. */
bool nat_port_mapped(const nat *n, uint8_t protocol, uint16_t port_number);

/* Forgets every mapping but the pinned ones and port forwards (power off). */
void nat_forget(nat *n);

/* The translation table for state.txt. */
void nat_write_state(const nat *n, FILE *out);

/* The mappings used so far as `conntrack -L` lists connections, for a
 * "show nat": fields proto, proto_num, timeout, state (TCP), src, dst, sport,
 * dport (ICMP: type, code, id), the same with "reply_" before them, status
 * ("UNREPLIED" or "ASSURED"); sorted by protocol and outside port. */
void nat_show_rows(const nat *n, trace_rows *rows);

/* Each mapping as a row "nat": key "tcp 192.168.1.2:6789" (its inside
 * endpoint, as traced), value its outside endpoint. */
void nat_table_rows(const nat *n,
                    void (*fn)(void *ctx, const char *table, const char *key, const char *value),
                    void *ctx);

#endif
