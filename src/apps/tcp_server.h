/*
 * tcp_server: the notes' TCP server (section 5.4.2), serving any number of
 * clients, each on its own connection: print each request ("request from
 * 10.0.0.1:52612: hello"), answer it (the request itself, an echo server,
 * or the configured reply), and close when the client closes (recv()
 * returning b'' in the notes).
 */
#ifndef NETSIM_APPS_TCP_SERVER_H
#define NETSIM_APPS_TCP_SERVER_H

#include "model/topology.h"
#include "stack/ip_stack.h"

typedef struct tcp_server tcp_server;

/* Listens at `at` on `st` per `cfg` (borrowed from the model). Caller frees
 * with tcp_server_free (void* for device app lists). */
tcp_server *tcp_server_new(ip_stack *st, const model_tcp_server *cfg, sim_time at);
void tcp_server_free(void *s);

#endif
