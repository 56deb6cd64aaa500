/*
 * ping: the ping application as iputils' ping behaves: echo requests with a
 * random identifier (or the one the script gives, "id") and sequence
 * numbers from 1, one line per reply or error,
 * and the statistics summary when every request is answered or the timeout
 * after the last one has passed. Its lines are TRACE_APP events. A target
 * given by name is resolved first ("PING www.example.com (93.184.216.34)").
 */
#ifndef NETSIM_APPS_PING_H
#define NETSIM_APPS_PING_H

#include "apps/netconf.h"
#include "model/topology.h"
#include "stack/ip_stack.h"

/* What ping does when the script does not say: iputils' defaults, except
 * the count (ping runs until interrupted; a script needs an end). */
#define PING_DEFAULT_COUNT       1
#define PING_DEFAULT_INTERVAL_NS (1 * SIM_S)  /* ping -i */
#define PING_DEFAULT_SIZE        56           /* ping -s: ICMP data bytes */
#define PING_DEFAULT_TIMEOUT_NS  (10 * SIM_S) /* wait for the last reply */

/* Sets *cfg to the defaults above, with no target and TTL 0 (the device's). */
void ping_defaults(model_ping *cfg);

typedef struct ping ping;

/* A ping on stack `st` (borrowed; must outlive it) configured by `cfg`
 * (copied), started at absolute time `at`. Caller frees with ping_free after
 * the engine that runs it is done. */
ping *ping_new(ip_stack *st, const model_ping *cfg, sim_time at);

/* The same on a host whose configuration `nc` (borrowed; may be NULL for a
 * static host without resolver) it waits for: the lease of a DHCP client,
 * and the resolver for a target given by name (cfg->to_name). */
ping *ping_new_on(ip_stack *st, netconf *nc, const model_ping *cfg, sim_time at);

/* NULL is a no-op. */
void ping_free(ping *p);

/* ping_free with a void* signature, for device app lists. */
void ping_free_app(void *p);

#endif
