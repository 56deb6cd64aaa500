/*
 * tcp_client: the notes' TCP client (section 5.4.1): connect, then for each
 * message: send it and wait for the server's response before the next one
 * (the notes' input()/send()/recv() loop), printing both; stop at the
 * message "exit" (which is not sent) or after the last message, and close.
 */
#ifndef NETSIM_APPS_TCP_CLIENT_H
#define NETSIM_APPS_TCP_CLIENT_H

#include "apps/netconf.h"
#include "model/topology.h"
#include "stack/ip_stack.h"

typedef struct tcp_client tcp_client;

/* Connects at `at` (after DHCP and name resolution through `nc`, which may
 * be NULL on a static host) per `cfg` (borrowed from the model). Caller
 * frees with tcp_client_free (void* for device app lists). */
tcp_client *tcp_client_new(ip_stack *st, netconf *nc, const model_tcp_client *cfg, sim_time at);
void tcp_client_free(void *c);

#endif
