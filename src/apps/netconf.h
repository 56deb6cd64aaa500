/*
 * netconf: a host's network configuration as its programs see it: whether
 * its address is settled (static, or DHCP finished) and which DNS server
 * resolves names for it (the "dns" key, or DHCP's option 6). One per device
 * that needs it; programs wait on it before they start.
 *
 * Invariant: waiters run exactly once, in the order they asked, when the
 * configuration settles (or at once when it already has).
 */
#ifndef NETSIM_APPS_NETCONF_H
#define NETSIM_APPS_NETCONF_H

#include <stdbool.h>

#include "stack/ip_stack.h"

typedef struct netconf netconf;

typedef void (*netconf_fn)(void *ctx);

/* The configuration of `st` (borrowed): settled from the start unless
 * `by_dhcp`; `dns` is the resolver, 0 for none yet. Caller frees with
 * netconf_free (a device app). */
netconf *netconf_new(ip_stack *st, bool by_dhcp, ipv4_addr dns);

/* NULL is a no-op; void* for device app lists. */
void netconf_free(void *nc);

ip_stack *netconf_stack(const netconf *nc);

/* Whether the address is settled: static, or DHCP bound or given up. */
bool netconf_settled(const netconf *nc);

/* Calls fn(ctx) once the configuration is settled: now, when it already is;
 * else from netconf_settle. */
void netconf_when_settled(netconf *nc, netconf_fn fn, void *ctx);

/* DHCP is done (bound, or given up): runs the waiters in order. */
void netconf_settle(netconf *nc);

/* The DNS server, or 0. */
ipv4_addr netconf_dns(const netconf *nc);

/* Sets the DNS server unless one was configured statically (DHCP's offer
 * does not override "dns", as dhclient's "supersede" would not be set). */
void netconf_offer_dns(netconf *nc, ipv4_addr dns);

#endif
