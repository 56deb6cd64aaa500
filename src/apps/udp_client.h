/*
 * udp_client: the "udp_send" action, the notes' UDP client: sendto() one
 * datagram to the server, then wait `timeout` for one reply and print it
 * like the server prints what it receives ("received: ...", "from
 * ip:port"). ICMP port unreachable in answer (no server on that port) is
 * reported as "recvfrom: Connection refused", as on a connected socket.
 */
#ifndef NETSIM_APPS_UDP_CLIENT_H
#define NETSIM_APPS_UDP_CLIENT_H

#include "apps/netconf.h"
#include "model/topology.h"
#include "stack/ip_stack.h"

#define UDP_CLIENT_DEFAULT_DATA       "hello"     /* what it sends */
#define UDP_CLIENT_DEFAULT_TIMEOUT_NS (5 * SIM_S) /* how long it waits for the reply */

/* Sets *cfg to the defaults above, except `data`, which stays NULL: the
 * model owns its bytes, so whoever fills it copies UDP_CLIENT_DEFAULT_DATA. */
void udp_client_defaults(model_udp_send *cfg);

typedef struct udp_client udp_client;

/* Sends at `at` (after DHCP and name resolution, through `nc`, which may be
 * NULL on a static host) per `cfg` (borrowed from the model). Caller frees
 * with udp_client_free (void* for device app lists). */
udp_client *udp_client_new(ip_stack *st, netconf *nc, const model_udp_send *cfg, sim_time at);
void udp_client_free(void *c);

#endif
