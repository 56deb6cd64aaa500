/*
 * tcp_client: connect, then a send/receive lock-step over the messages.
 *
 * Invariant: `conn` is NULL once the stack has told us the connection is
 * gone (it frees it after our closed callback).
 */
#include "apps/tcp_client.h"
#include "util/alloc.h"

#include <stdlib.h>
#include <string.h>

#include "apps/app.h"
#include "apps/launch.h"
#include "apps/tcp_service.h"

struct tcp_client {
    ip_stack *st;
    const model_tcp_client *cfg;
    launch launcher;
    tcp_conn *conn;
    char server[24];
    size_t next;    /* the next message to send */
    bool waiting;   /* a request is out; its response has not come */
    bool connected; /* the handshake completed */
    bool closing;   /* we called tcp_close */
};

static void tcp_client_close(tcp_client *c) {
    if (c->conn && !c->closing) {
        c->closing = true;
        tcp_close(c->conn);
    }
}

/* The notes' loop body: the next message, or the end. */
static void tcp_client_send_next(tcp_client *c) {
    if (c->next >= c->cfg->n_messages || strcmp(c->cfg->messages[c->next], "exit") == 0) {
        tcp_client_close(c);
        return;
    }
    const char *msg = c->cfg->messages[c->next++];
    char text[APP_TEXT_CAP];
    size_t len = strlen(msg);
    app_say(c->st, "request: %s", app_text((const uint8_t *)msg, len, text, sizeof text));
    c->waiting = true;
    tcp_send(c->conn, (const uint8_t *)msg, len);
}

static void tcp_client_connected(void *ctx, tcp_conn *conn) {
    tcp_client *c = ctx;
    c->connected = true;
    app_say(c->st, "connected to %s from port %u", c->server, tcp_local_port(conn));
    tcp_client_send_next(c);
}

static void tcp_client_received(void *ctx, tcp_conn *conn, const uint8_t *data, size_t len) {
    (void)conn;
    tcp_client *c = ctx;
    char text[APP_TEXT_CAP];
    app_say(c->st, "response from the server: %s", app_text(data, len, text, sizeof text));
    if (c->waiting && !c->closing) {
        c->waiting = false;
        tcp_client_send_next(c);
    }
}

static void tcp_client_peer_closed(void *ctx, tcp_conn *conn) {
    (void)conn;
    tcp_client *c = ctx;
    if (!c->closing)
        app_say(c->st, "the server closed the connection");
    tcp_client_close(c);
}

static void tcp_client_closed(void *ctx, tcp_conn *conn, tcp_end why) {
    (void)conn;
    tcp_client *c = ctx;
    c->conn = NULL;
    if (why == TCP_END_NORMAL)
        return;
    app_say(c->st, "%s: %s", c->connected ? "recv" : "connect",
            tcp_service_end_text(why, c->connected));
}

static const tcp_handler tcp_client_handler = {
    .connected = tcp_client_connected,
    .received = tcp_client_received,
    .peer_closed = tcp_client_peer_closed,
    .closed = tcp_client_closed,
};

static void tcp_client_start(void *ctx, ipv4_addr to) {
    tcp_client *c = ctx;
    ipv4_format_endpoint(to, c->cfg->port, c->server);
    int rc = tcp_connect_from(c->st, c->cfg->local_port, to, c->cfg->port, &tcp_client_handler, c,
                              &c->conn);
    if (rc == IP_ERR_ADDRINUSE) {
        c->conn = NULL;
        app_say(c->st, "tcp_client: bind TCP port %u: %s", c->cfg->local_port,
                ip_stack_strerror(rc));
    } else if (rc != 0) {
        c->conn = NULL;
        app_say(c->st, "connect: %s", ip_stack_strerror(rc));
    }
}

tcp_client *tcp_client_new(ip_stack *st, netconf *nc, const model_tcp_client *cfg, sim_time at) {
    tcp_client *c = calloc(1, sizeof *c);
    if (!c)
        ns_out_of_memory();
    c->st = st;
    c->cfg = cfg;
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
