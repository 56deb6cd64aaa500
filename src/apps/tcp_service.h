/*
 * tcp_service: what the TCP server programs (tcp_server, file_server,
 * http_server) share, the notes' server skeleton: socket, bind and listen
 * at the start time; accept each client into its own session (the notes'
 * "new_socket", one per client); close the listening socket after
 * `max_clients` clients (0: never, so it shows as LISTEN in state.txt).
 *
 * A session is allocated by the service (ops->session_size bytes, starting
 * with a tcp_session) when a connection is accepted, and freed when that
 * connection is gone, or with the service at the end of the run.
 */
#ifndef NETSIM_APPS_TCP_SERVICE_H
#define NETSIM_APPS_TCP_SERVICE_H

#include <stdbool.h>

#include "stack/ip_stack.h"
#include "stack/tcp.h"

typedef struct tcp_service tcp_service;

typedef struct tcp_session {
    tcp_service *svc;
    tcp_conn *conn; /* NULL once the connection is gone */
    ipv4_addr peer;
    uint16_t peer_port;
    char peer_text[24]; /* "10.0.0.1:52612" */
    struct tcp_session *next;
} tcp_session;

typedef struct tcp_service_ops {
    size_t session_size;              /* at least sizeof(tcp_session); the rest starts zeroed */
    void (*accepted)(tcp_session *s); /* may be NULL */
    void (*received)(tcp_session *s, const uint8_t *data, size_t len); /* may be NULL */
    void (*peer_closed)(tcp_session *s);                               /* may be NULL */
    void (*closed)(tcp_session *s, tcp_end why); /* before the session is freed; may be NULL */
    void (*free_session)(tcp_session *s);        /* frees what the session owns; may be NULL */
} tcp_service_ops;

struct tcp_service {
    ip_stack *st;
    const char *tool; /* "tcp_server": names the program in error lines */
    uint16_t port;
    uint32_t max_clients, clients;
    const tcp_service_ops *ops;
    void *app; /* the program, for the callbacks */
    tcp_conn *listener;
    tcp_session *sessions;
};

/* Sets up `svc` (embedded in its program) and schedules the listen at `at`.
 * `ops` and `tool` are borrowed and must outlive it. */
void tcp_service_start_at(tcp_service *svc, ip_stack *st, const char *tool, uint16_t port_number,
                          uint32_t max_clients, const tcp_service_ops *ops, void *app, sim_time at);

/* Frees the sessions still open (the stack frees their connections). */
void tcp_service_cleanup(tcp_service *svc);

/* What a socket call reports for a connection that ended with `why`: the
 * errno text, e.g. "Connection refused" (before it was established),
 * "Connection reset by peer", "Connection timed out". */
const char *tcp_service_end_text(tcp_end why, bool established);

/* The same as a program's result names it: "connection_reset" (or
 * "connection_refused" before the connection was established),
 * "connection_refused", "timed_out"; "ok" for TCP_END_NORMAL. */
const char *tcp_service_end_name(tcp_end why, bool established);

#endif
