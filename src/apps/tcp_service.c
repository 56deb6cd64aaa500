/*
 * tcp_service: listener and sessions. The listener's handler has the service
 * as context; each accepted connection is handed its session as context.
 *
 * Invariants: `sessions` lists exactly the sessions whose connection is not
 * yet gone; a session's memory is freed once, by its closed callback or by
 * tcp_service_cleanup.
 */
#include "apps/tcp_service.h"
#include "util/alloc.h"

#include <stdlib.h>

#include "apps/app.h"
#include "util/i18n.h"

static void session_received(void *ctx, tcp_conn *c, const uint8_t *data, size_t len) {
    (void)c;
    tcp_session *s = ctx;
    if (s->svc->ops->received)
        s->svc->ops->received(s, data, len);
}

static void session_peer_closed(void *ctx, tcp_conn *c) {
    (void)c;
    tcp_session *s = ctx;
    if (s->svc->ops->peer_closed)
        s->svc->ops->peer_closed(s);
}

static void session_unlink_free(tcp_session *s) {
    tcp_service *svc = s->svc;
    for (tcp_session **p = &svc->sessions; *p; p = &(*p)->next)
        if (*p == s) {
            *p = s->next;
            break;
        }
    if (svc->ops->free_session)
        svc->ops->free_session(s);
    free(s);
}

static void session_closed(void *ctx, tcp_conn *c, tcp_end why) {
    (void)c;
    tcp_session *s = ctx;
    s->conn = NULL;
    if (s->svc->ops->closed)
        s->svc->ops->closed(s, why);
    session_unlink_free(s);
}

static const tcp_handler session_handler = {
    .received = session_received,
    .peer_closed = session_peer_closed,
    .closed = session_closed,
};

static void service_accepted(void *ctx, tcp_conn *listener, tcp_conn *c) {
    (void)listener;
    tcp_service *svc = ctx;
    tcp_session *s = calloc(1, svc->ops->session_size);
    if (!s)
        ns_out_of_memory();
    s->svc = svc;
    s->conn = c;
    s->peer = tcp_remote_addr(c);
    s->peer_port = tcp_remote_port(c);
    ipv4_format_endpoint(s->peer, s->peer_port, s->peer_text);
    s->next = svc->sessions;
    svc->sessions = s;
    tcp_set_handler(c, &session_handler, s);
    if (svc->max_clients && ++svc->clients >= svc->max_clients) {
        /* The notes' server: tcp_server.close() once its client is served;
         * accepted connections live on. */
        tcp_conn *l = svc->listener;
        svc->listener = NULL;
        tcp_close(l);
    }
    if (svc->ops->accepted)
        svc->ops->accepted(s);
}

static void service_closed(void *ctx, tcp_conn *c, tcp_end why) {
    (void)c;
    (void)why;
    tcp_service *svc = ctx;
    svc->listener = NULL;
}

static const tcp_handler service_handler = {
    .accepted = service_accepted,
    .closed = service_closed,
};

static void service_listen(sim *sm, void *a, void *b) {
    (void)sm;
    (void)b;
    tcp_service *svc = a;
    if (tcp_listen(svc->st, svc->port, &service_handler, svc, &svc->listener) != 0)
        app_say(svc->st, _("%s: bind TCP port %u: Address already in use"), svc->tool, svc->port);
}

void tcp_service_start_at(tcp_service *svc, ip_stack *st, const char *tool, uint16_t port_number,
                          uint32_t max_clients, const tcp_service_ops *ops, void *app,
                          sim_time at) {
    *svc = (tcp_service){.st = st,
                         .tool = tool,
                         .port = port_number,
                         .max_clients = max_clients,
                         .ops = ops,
                         .app = app};
    sim_schedule_at(st->node->net->sim, at, service_listen, svc, NULL, NULL);
}

void tcp_service_cleanup(tcp_service *svc) {
    while (svc->sessions) {
        tcp_session *s = svc->sessions;
        svc->sessions = s->next;
        if (svc->ops->free_session)
            svc->ops->free_session(s);
        free(s);
    }
}

const char *tcp_service_end_text(tcp_end why, bool established) {
    switch (why) {
    case TCP_END_NORMAL:
        return _("Success");
    case TCP_END_RESET:
        return established ? _("Connection reset by peer") : _("Connection refused");
    case TCP_END_REFUSED:
        return _("Connection refused");
    case TCP_END_TIMEOUT:
        return _("Connection timed out");
    }
    return _("Unknown error");
}

const char *tcp_service_end_name(tcp_end why, bool established) {
    switch (why) {
    case TCP_END_NORMAL:
        return "ok";
    case TCP_END_RESET:
        return established ? "connection_reset" : "connection_refused";
    case TCP_END_REFUSED:
        return "connection_refused";
    case TCP_END_TIMEOUT:
        return "timed_out";
    }
    return "unknown";
}
