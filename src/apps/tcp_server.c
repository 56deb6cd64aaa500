/*
 * tcp_server: a tcp_service whose sessions echo (or answer) every chunk of
 * data as it arrives, as the notes' loop of recv(1024) and send() does.
 */
#include "apps/tcp_server.h"
#include "util/alloc.h"

#include <stdlib.h>

#include "apps/app.h"
#include "apps/tcp_service.h"
#include "util/i18n.h"

struct tcp_server {
    tcp_service svc;
    const model_tcp_server *cfg;
};

/* A session whose close may wait for `close_after` (a person, or a program,
 * pausing between the peer's close and ours). */
typedef struct server_session {
    tcp_session base;
    sim_event_id close_timer; /* 0: none pending */
} server_session;

static sim *session_sim(const tcp_session *s) {
    return s->svc->st->node->net->sim;
}

static void server_session_cancel(tcp_session *s) {
    server_session *ss = (server_session *)s;
    if (ss->close_timer)
        sim_cancel(session_sim(s), ss->close_timer);
    ss->close_timer = 0;
}

static void tcp_server_accepted(tcp_session *s) {
    app_say(s->svc->st, _("accepted a connection from %s"), s->peer_text);
}

static void tcp_server_received(tcp_session *s, const uint8_t *data, size_t len) {
    const tcp_server *srv = s->svc->app;
    char text[APP_TEXT_CAP];
    app_say(s->svc->st, _("request from %s: %s"), s->peer_text,
            app_text(data, len, text, sizeof text));
    const uint8_t *reply = srv->cfg->reply ? (const uint8_t *)srv->cfg->reply : data;
    size_t reply_len = srv->cfg->reply ? srv->cfg->reply_len : len;
    app_say(s->svc->st, _("response to %s: %s"), s->peer_text,
            app_text(reply, reply_len, text, sizeof text));
    tcp_send(s->conn, reply, reply_len);
}

static void tcp_server_close_now(sim *sm, void *a, void *b) {
    (void)sm;
    (void)b;
    tcp_session *s = a;
    ((server_session *)s)->close_timer = 0;
    if (s->conn)
        tcp_close(s->conn);
}

static void tcp_server_peer_closed(tcp_session *s) {
    const tcp_server *srv = s->svc->app;
    app_say(s->svc->st, _("%s closed the connection: closing ours"), s->peer_text);
    if (srv->cfg->close_after_ns == 0) {
        tcp_close(s->conn);
        return;
    }
    ((server_session *)s)->close_timer =
        sim_schedule(session_sim(s), srv->cfg->close_after_ns, tcp_server_close_now, s, NULL, NULL);
}

static void tcp_server_closed(tcp_session *s, tcp_end why) {
    server_session_cancel(s);
    if (why != TCP_END_NORMAL)
        app_say(s->svc->st, _("connection with %s: %s"), s->peer_text,
                tcp_service_end_text(why, true));
}

static const tcp_service_ops tcp_server_ops = {
    .session_size = sizeof(server_session),
    .accepted = tcp_server_accepted,
    .received = tcp_server_received,
    .peer_closed = tcp_server_peer_closed,
    .closed = tcp_server_closed,
    .free_session = server_session_cancel,
};

tcp_server *tcp_server_new(ip_stack *st, const model_tcp_server *cfg, sim_time at) {
    tcp_server *srv = calloc(1, sizeof *srv);
    if (!srv)
        ns_out_of_memory();
    srv->cfg = cfg;
    tcp_service_start_at(&srv->svc, st, "tcp_server", cfg->port, cfg->count, &tcp_server_ops, srv,
                         at);
    return srv;
}

void tcp_server_free(void *p) {
    tcp_server *srv = p;
    if (!srv)
        return;
    tcp_service_cleanup(&srv->svc);
    free(srv);
}
