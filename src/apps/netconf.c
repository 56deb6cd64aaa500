/*
 * netconf: settled flag, resolver address and a FIFO of waiters.
 */
#include "apps/netconf.h"
#include "util/alloc.h"

#include <stdlib.h>

typedef struct netconf_waiter {
    netconf_fn fn;
    void *ctx;
} netconf_waiter;

struct netconf {
    ip_stack *st;
    bool settled;
    bool dns_static;
    ipv4_addr dns;
    netconf_waiter *waiters;
    size_t n_waiters, cap_waiters;
};

netconf *netconf_new(ip_stack *st, bool by_dhcp, ipv4_addr dns) {
    netconf *nc = calloc(1, sizeof *nc);
    if (!nc)
        ns_out_of_memory();
    nc->st = st;
    nc->settled = !by_dhcp;
    nc->dns = dns;
    nc->dns_static = dns != 0;
    return nc;
}

void netconf_free(void *p) {
    netconf *nc = p;
    if (!nc)
        return;
    free(nc->waiters);
    free(nc);
}

ip_stack *netconf_stack(const netconf *nc) {
    return nc->st;
}

bool netconf_settled(const netconf *nc) {
    return nc->settled;
}

void netconf_when_settled(netconf *nc, netconf_fn fn, void *ctx) {
    if (nc->settled) {
        fn(ctx);
        return;
    }
    if (nc->n_waiters == nc->cap_waiters) {
        nc->cap_waiters = nc->cap_waiters ? nc->cap_waiters * 2 : 4;
        nc->waiters = realloc(nc->waiters, nc->cap_waiters * sizeof *nc->waiters);
        if (!nc->waiters)
            ns_out_of_memory();
    }
    nc->waiters[nc->n_waiters++] = (netconf_waiter){fn, ctx};
}

void netconf_settle(netconf *nc) {
    if (nc->settled)
        return;
    nc->settled = true;
    /* A waiter may add waiters: they run at once (settled is set). */
    for (size_t i = 0; i < nc->n_waiters; i++)
        nc->waiters[i].fn(nc->waiters[i].ctx);
    nc->n_waiters = 0;
}

ipv4_addr netconf_dns(const netconf *nc) {
    return nc->dns;
}

void netconf_offer_dns(netconf *nc, ipv4_addr dns) {
    if (!nc->dns_static)
        nc->dns = dns;
}
