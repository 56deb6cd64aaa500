/*
 * tcp_client: the notes' TCP client (section 5.4.1): connect, then for each
 * message: send it and wait for the server's response before the next one
 * (the notes' input()/send()/recv() loop), printing both; stop at the
 * message "exit" (which is not sent) or after the last message, and close.
 *
 * With "steps" instead, the client connects and then runs them in order:
 * a send sends and waits for the answer (the first data back) before the
 * next step; "after" pauses; "close" closes (FIN) and goes on at once;
 * "connect" opens a new connection (a new ephemeral port) and waits for the
 * handshake. Without a last close the connection stays open, idle, until
 * the run ends: the notes' long connection. A send on a connection that is
 * gone (the server closed it, or connect failed) prints why and skips to
 * the next connect.
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
