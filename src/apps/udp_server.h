/*
 * udp_server: the notes' UDP server (section 4.2.1): bind a port, and for
 * each datagram print what it says and who sent it ("received: hello",
 * "from 10.0.0.1:41234"), then answer the sender with the configured reply,
 * or with the datagram itself (an echo server). With `count`, the socket
 * closes after that many datagrams (the notes' server closes after one);
 * without, it serves until the run ends and shows in state.txt.
 */
#ifndef NETSIM_APPS_UDP_SERVER_H
#define NETSIM_APPS_UDP_SERVER_H

#include "model/topology.h"
#include "stack/ip_stack.h"

typedef struct udp_server udp_server;

/* Binds at `at` on `st` per `cfg` (borrowed from the model). Caller frees
 * with udp_server_free (void* for device app lists). */
udp_server *udp_server_new(ip_stack *st, const model_udp_server *cfg, sim_time at);
void udp_server_free(void *s);

#endif
