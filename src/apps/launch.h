/*
 * launch: how every program of a script starts. At its time `at`, it waits
 * for the host's address to settle (a DHCP client's programs wait for the
 * lease), then, when its target is a host name, resolves it by DNS, and only
 * then calls the program's start with the address. A name that cannot be
 * resolved ends the program with the line getaddrinfo's callers print:
 * "ping: www.example.com: Name or service not known".
 *
 * A launch is embedded in its program and lives as long as it (the
 * resolver's ICMP listener points into it).
 */
#ifndef NETSIM_APPS_LAUNCH_H
#define NETSIM_APPS_LAUNCH_H

#include "apps/netconf.h"
#include "apps/resolver.h"

/* The program's start: `to` is the target's address (0 when it has none). */
typedef void (*launch_fn)(void *ctx, ipv4_addr to);

typedef struct launch {
    ip_stack *st;
    netconf *nc;      /* NULL: a static host with no resolver */
    const char *tool; /* "ping": names the program in failure lines */
    const char *name; /* host name to resolve, or NULL */
    ipv4_addr addr;
    launch_fn fn;
    void *ctx;
    resolver *res;
} launch;

/* Sets up `l` and schedules it at absolute time `at`. `nc` may be NULL only
 * when `name` is. Strings are borrowed and must outlive the launch. */
void launch_start_at(launch *l, ip_stack *st, netconf *nc, const char *tool, const char *name,
                     ipv4_addr addr, sim_time at, launch_fn fn, void *ctx);

/* Frees what the launch allocated (not `l`). */
void launch_cleanup(launch *l);

#endif
