/*
 * tcp_client: connect, then run the steps: the notes' send/receive
 * lock-step over "send" (read as steps: send each message, close at "exit"
 * or after the last), or the script's "steps" (send, after, close, connect).
 *
 * Invariants: `conn` is the current connection, NULL once the stack has
 * told us it is gone (it frees it after our closed callback); a connection
 * we closed keeps running its FIN exchange, its callbacks still come here
 * and are told apart by comparing with `conn`. At most one thing is pending
 * at a time: the handshake, the answer to a send, or a pause.
 */
#include "apps/tcp_client.h"
#include "util/alloc.h"

#include <stdlib.h>
#include <string.h>

#include "apps/app.h"
#include "apps/launch.h"
#include "apps/tcp_service.h"
#include "util/i18n.h"

struct tcp_client {
    ip_stack *st;
    const model_tcp_client *cfg;
    launch launcher;
    tcp_conn *conn;
    ipv4_addr to;
    char server[24];
    size_t next;    /* the next step to run */
    size_t end;     /* "send": the index of the implied close ("exit" or the end) */
    bool waiting;   /* a request is out; its response has not come */
    bool connected; /* the current connection's handshake completed */
    bool closing;   /* we called tcp_close on the current connection */
};

/* Step i, or false past the last. "send" reads as its messages up to
 * "exit" (not sent) followed by a close. */
static bool tcp_client_step(const tcp_client *c, size_t i, model_tcp_step *out) {
    const model_tcp_client *cfg = c->cfg;
    if (cfg->steps) {
        if (i >= cfg->n_steps)
            return false;
        *out = cfg->steps[i];
        return true;
    }
    if (i > c->end)
        return false;
    *out = (model_tcp_step){.kind = TCP_STEP_CLOSE};
    if (i < c->end)
        *out = (model_tcp_step){
            .kind = TCP_STEP_SEND, .data = cfg->messages[i], .len = strlen(cfg->messages[i])};
    return true;
}

static void tcp_client_close(tcp_client *c) {
    if (c->conn && !c->closing) {
        c->closing = true;
        tcp_close(c->conn);
    }
}

static void tcp_client_run(tcp_client *c);

/* A result of this client about the server: "to" and "port" first. */
static trace_rows *tcp_client_result(const tcp_client *c, const char *event) {
    char a[IPV4_TEXT_LEN];
    trace_rows *r = app_result("tcp_client", event);
    trace_rows_add(r, "to", "%s", ipv4_format(c->to, a));
    trace_rows_add(r, "port", "%u", c->cfg->port);
    return r;
}

static const tcp_handler tcp_client_handler;

/* Skips the steps that need the connection that is gone, up to the next
 * {"connect": true}. */
static void tcp_client_skip(tcp_client *c) {
    model_tcp_step st;
    while (tcp_client_step(c, c->next, &st) && st.kind != TCP_STEP_CONNECT)
        c->next++;
}

/* Opens a connection to c->to; false when connect() failed at once. */
static bool tcp_client_connect(tcp_client *c) {
    c->connected = false;
    c->closing = false;
    int rc = tcp_connect_from(c->st, c->cfg->local_port, c->to, c->cfg->port, &tcp_client_handler,
                              c, &c->conn);
    if (rc == 0)
        return true;
    c->conn = NULL;
    trace_rows *r = tcp_client_result(c, "failed");
    trace_rows_add(r, "error", "%s", ip_stack_errname(rc));
    if (rc == IP_ERR_ADDRINUSE)
        app_say_result(c->st, r, _("tcp_client: bind TCP port %u: %s"), c->cfg->local_port,
                       ip_stack_strerror(rc));
    else
        app_say_result(c->st, r, "connect: %s", ip_stack_strerror(rc));
    return false;
}

static void tcp_client_resume(sim *s, void *a, void *b) {
    (void)s;
    (void)b;
    tcp_client_run(a);
}

/* Runs steps until one has to wait: for the answer to a send, the end of
 * a pause or a handshake. */
static void tcp_client_run(tcp_client *c) {
    model_tcp_step st;
    char text[APP_TEXT_CAP];
    while (tcp_client_step(c, c->next++, &st)) {
        switch (st.kind) {
        case TCP_STEP_SEND:
            if (!c->conn || c->closing) {
                app_say(c->st, _("send: the connection is closed; skipping to the next connect"));
                tcp_client_skip(c);
                break;
            }
            app_say(c->st, _("request: %s"),
                    app_text((const uint8_t *)st.data, st.len, text, sizeof text));
            c->waiting = true;
            tcp_send(c->conn, (const uint8_t *)st.data, st.len);
            return;
        case TCP_STEP_AFTER:
            sim_schedule(c->st->node->net->sim, st.after_ns, tcp_client_resume, c, NULL, NULL);
            return;
        case TCP_STEP_CLOSE:
            tcp_client_close(c);
            break;
        case TCP_STEP_CONNECT:
            if (tcp_client_connect(c))
                return;
            tcp_client_skip(c);
            break;
        }
    }
}

static void tcp_client_connected(void *ctx, tcp_conn *conn) {
    tcp_client *c = ctx;
    c->connected = true;
    trace_rows *r = tcp_client_result(c, "connected");
    trace_rows_add(r, "local_port", "%u", tcp_local_port(conn));
    app_say_result(c->st, r, _("connected to %s from port %u"), c->server, tcp_local_port(conn));
    tcp_client_run(c);
}

static void tcp_client_received(void *ctx, tcp_conn *conn, const uint8_t *data, size_t len) {
    tcp_client *c = ctx;
    char text[APP_TEXT_CAP];
    trace_rows *r = app_result("tcp_client", "received");
    trace_rows_add(r, "bytes", "%zu", len);
    app_say_result(c->st, r, _("response from the server: %s"),
                   app_text(data, len, text, sizeof text));
    if (conn == c->conn && c->waiting && !c->closing) {
        c->waiting = false;
        tcp_client_run(c);
    }
}

static void tcp_client_peer_closed(void *ctx, tcp_conn *conn) {
    tcp_client *c = ctx;
    if (conn != c->conn)
        return; /* an earlier connection we closed: its FIN answers ours */
    if (!c->closing)
        app_say_result(c->st, tcp_client_result(c, "closed"),
                       _("the server closed the connection"));
    tcp_client_close(c);
    /* With steps, a send that waits for an answer goes on (and finds the
     * connection closed); the notes' loop simply ends. */
    if (c->cfg->steps && c->waiting) {
        c->waiting = false;
        tcp_client_run(c);
    }
}

static void tcp_client_closed(void *ctx, tcp_conn *conn, tcp_end why) {
    tcp_client *c = ctx;
    bool current = conn == c->conn;
    if (current)
        c->conn = NULL;
    if (why == TCP_END_NORMAL)
        return;
    /* Before the handshake completed: the connect failed; after: the
     * connection was lost (reset, timed out). */
    bool established = !current || c->connected;
    trace_rows *r = tcp_client_result(c, established ? "error" : "failed");
    trace_rows_add(r, "error", "%s", tcp_service_end_name(why, established));
    app_say_result(c->st, r, "%s: %s", established ? "recv" : "connect",
                   tcp_service_end_text(why, established));
    /* With steps, a failed connection skips to the next connect. */
    if (current && c->cfg->steps && (c->waiting || !c->connected)) {
        c->waiting = false;
        tcp_client_skip(c);
        tcp_client_run(c);
    }
}

static const tcp_handler tcp_client_handler = {
    .connected = tcp_client_connected,
    .received = tcp_client_received,
    .peer_closed = tcp_client_peer_closed,
    .closed = tcp_client_closed,
};

static void tcp_client_start(void *ctx, ipv4_addr to) {
    tcp_client *c = ctx;
    c->to = to;
    ipv4_format_endpoint(to, c->cfg->port, c->server);
    if (!tcp_client_connect(c) && c->cfg->steps) {
        tcp_client_skip(c);
        tcp_client_run(c);
    }
}

tcp_client *tcp_client_new(ip_stack *st, netconf *nc, const model_tcp_client *cfg, sim_time at) {
    tcp_client *c = calloc(1, sizeof *c);
    if (!c)
        ns_out_of_memory();
    c->st = st;
    c->cfg = cfg;
    while (c->end < cfg->n_messages && strcmp(cfg->messages[c->end], "exit") != 0)
        c->end++;
    launch_start_at(&c->launcher, st, nc, "tcp_client", cfg->to.name, cfg->to.addr, at,
                    tcp_client_start, c);
    return c;
}

void tcp_client_free(void *p) {
    tcp_client *c = p;
    if (!c)
        return;
    launch_cleanup(&c->launcher);
    free(c);
}
