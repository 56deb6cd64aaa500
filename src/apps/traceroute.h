/*
 * traceroute: Linux traceroute's classic UDP method (traceroute(8)): probes to
 * ports from 33434 up, with TTL 1, 2, 3 ...; each router where a probe's TTL
 * runs out answers ICMP time exceeded (naming itself), and the destination
 * answers ICMP port unreachable, which ends the trace. Probes are sent one at
 * a time, each waiting for its answer or `wait`. Output lines are TRACE_APP.
 */
#ifndef NETSIM_APPS_TRACEROUTE_H
#define NETSIM_APPS_TRACEROUTE_H

#include "apps/netconf.h"
#include "model/topology.h"
#include "stack/ip_stack.h"

/* traceroute(8)'s defaults. */
#define TRACEROUTE_DEFAULT_MAX_HOPS 30          /* -m */
#define TRACEROUTE_DEFAULT_PROBES   3           /* -q: probes per hop */
#define TRACEROUTE_DEFAULT_WAIT_NS  (5 * SIM_S) /* -w: per probe */
#define TRACEROUTE_DEFAULT_PORT     33434       /* -p: the first destination port */

/* Sets *cfg to the defaults above, with no target. */
void traceroute_defaults(model_traceroute *cfg);

typedef struct traceroute traceroute;

/* A traceroute on `st` (borrowed, must outlive it) per `cfg` (copied), started
 * at absolute time `at`, on a host whose configuration `nc` (may be NULL) it
 * waits for (DHCP), resolving a target given by name (cfg->to_name) first.
 * Caller frees with traceroute_free. */
traceroute *traceroute_new_on(ip_stack *st, netconf *nc, const model_traceroute *cfg, sim_time at);

/* NULL is a no-op; the void* form is for device app lists. */
void traceroute_free(void *t);

#endif
