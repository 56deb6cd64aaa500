/*
 * web: the server's sessions gather the request head, answer once and
 * close; the client gathers the whole response until the server closes.
 */
#include "apps/web.h"
#include "util/alloc.h"

#include <stdlib.h>
#include <string.h>

#include "apps/app.h"
#include "apps/http.h"
#include "apps/launch.h"
#include "apps/tcp_service.h"
#include "util/i18n.h"

/* ---- the server ---------------------------------------------------------- */

struct http_server {
    tcp_service svc;
    const model_http_server *cfg;
};

typedef struct http_session {
    tcp_session base;
    uint8_t *buf; /* the request head so far */
    size_t len;
    bool answered;
} http_session;

/* The first line of what came, for the log ("GET / HTTP/1.1"). */
static void http_first_line(const uint8_t *buf, size_t len, char *out, size_t cap) {
    size_t n = 0;
    while (n < len && buf[n] != '\r' && buf[n] != '\n')
        n++;
    char text[APP_TEXT_CAP];
    app_text(buf, n, text, sizeof text);
    snprintf(out, cap, "%s", text);
}

static void http_server_answer(http_session *hs, http_parse_status status,
                               const http_request *req) {
    tcp_session *s = &hs->base;
    const http_server *srv = s->svc->app;
    http_answer a;
    char head[512], line[APP_TEXT_CAP];
    if (status == HTTP_PARSE_BAD && hs->len > HTTP_HEAD_MAX) {
        http_route(srv->cfg, HTTP_PARSE_BAD, req, &a);
        a.status = 431;
        a.reason = http_reason(431);
    } else {
        http_route(srv->cfg, status, req, &a);
    }
    hs->answered = true;
    size_t n = http_format_head(&a, head, sizeof head);
    http_first_line(hs->buf, hs->len, line, sizeof line);
    char peer[IPV4_TEXT_LEN];
    trace_rows *r = app_result("http_server", "request");
    trace_rows_add(r, "from", "%s", ipv4_format(s->peer, peer));
    trace_rows_add(r, "request", "%s", line);
    trace_rows_add(r, "status", "%d", a.status);
    trace_rows_add(r, "bytes", "%zu", a.head_only ? 0 : a.body_len);
    app_say_result(s->svc->st, r, "%s - - \"%s\" %d %zu", peer, line, a.status,
                   a.head_only ? 0 : a.body_len);
    /* Head and body in one write, so a small page is one segment. */
    size_t body = a.head_only ? 0 : a.body_len;
    uint8_t *msg = malloc(n + body + 1);
    if (!msg)
        ns_out_of_memory();
    memcpy(msg, head, n);
    if (body)
        memcpy(msg + n, a.body, body);
    tcp_send(s->conn, msg, n + body);
    free(msg);
    tcp_close(s->conn); /* Connection: close */
}

static void http_server_received(tcp_session *s, const uint8_t *data, size_t len) {
    http_session *hs = (http_session *)s;
    if (hs->answered)
        return;
    size_t take = len;
    if (hs->len + take > HTTP_HEAD_MAX + 1)
        take = HTTP_HEAD_MAX + 1 - hs->len; /* enough to know it is too long */
    uint8_t *grown = realloc(hs->buf, hs->len + take + 1);
    if (!grown)
        ns_out_of_memory();
    hs->buf = grown;
    memcpy(hs->buf + hs->len, data, take);
    hs->len += take;
    http_request req;
    http_parse_status status = http_parse_request(hs->buf, hs->len, &req);
    if (status != HTTP_PARSE_INCOMPLETE)
        http_server_answer(hs, status, &req);
}

static void http_server_peer_closed(tcp_session *s) {
    /* The client closed before a whole request came: nothing to answer. */
    if (!((http_session *)s)->answered)
        tcp_close(s->conn);
}

static void http_server_free_session(tcp_session *s) {
    free(((http_session *)s)->buf);
}

static const tcp_service_ops http_server_ops = {
    .session_size = sizeof(http_session),
    .received = http_server_received,
    .peer_closed = http_server_peer_closed,
    .free_session = http_server_free_session,
};

http_server *http_server_new(ip_stack *st, const model_http_server *cfg, sim_time at) {
    http_server *srv = calloc(1, sizeof *srv);
    if (!srv)
        ns_out_of_memory();
    srv->cfg = cfg;
    tcp_service_start_at(&srv->svc, st, "http_server", cfg->port, 0, &http_server_ops, srv, at);
    return srv;
}

void http_server_free(void *p) {
    http_server *srv = p;
    if (!srv)
        return;
    tcp_service_cleanup(&srv->svc);
    free(srv);
}

/* ---- the client ---------------------------------------------------------- */

struct http_get {
    ip_stack *st;
    const model_http_get *cfg;
    launch launcher;
    tcp_conn *conn;
    char where[400]; /* wget's "www.example.com (www.example.com)|93.184.216.34|:80" */
    bool connected;
    uint8_t *buf; /* the response so far */
    size_t len, cap;
};

static void http_get_connected(void *ctx, tcp_conn *conn) {
    http_get *g = ctx;
    char req[4096];
    g->connected = true;
    app_say(g->st, _("Connecting to %s... connected."), g->where);
    int n = snprintf(req, sizeof req,
                     "GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: netsim\r\nAccept: */*\r\n"
                     "Connection: close\r\n\r\n",
                     g->cfg->path, g->cfg->host_text);
    if (n > 0 && (size_t)n < sizeof req)
        tcp_send(conn, (const uint8_t *)req, (size_t)n);
    app_say(g->st, _("HTTP request sent, awaiting response..."));
}

static void http_get_received(void *ctx, tcp_conn *conn, const uint8_t *data, size_t len) {
    (void)conn;
    http_get *g = ctx;
    if (g->len + len > g->cap) {
        size_t cap = g->cap ? g->cap : 4096;
        while (cap < g->len + len)
            cap *= 2;
        uint8_t *grown = realloc(g->buf, cap);
        if (!grown)
            ns_out_of_memory();
        g->buf = grown;
        g->cap = cap;
    }
    memcpy(g->buf + g->len, data, len);
    g->len += len;
}

/* A result of this client: "url" first. */
static trace_rows *http_get_result(const http_get *g, const char *event) {
    trace_rows *r = app_result("http_get", event);
    trace_rows_add(r, "url", "%s", g->cfg->url);
    return r;
}

/* The request failed with `error`. */
static trace_rows *http_get_failed(const http_get *g, const char *error) {
    trace_rows *r = http_get_result(g, "failed");
    trace_rows_add(r, "error", "%s", error);
    return r;
}

/* The response is complete (the server closed): what wget prints. */
static void http_get_report(http_get *g) {
    http_response r;
    if (g->len == 0) {
        app_say_result(g->st, http_get_failed(g, "no_data"), _("No data received."));
        return;
    }
    if (http_parse_response(g->buf, g->len, &r) != HTTP_PARSE_OK) {
        app_say_result(g->st, http_get_failed(g, "malformed_response"), _("Malformed status line"));
        return;
    }
    size_t body = g->len - r.head_len;
    trace_rows *res = http_get_result(g, "response");
    trace_rows_add(res, "status", "%d", r.status);
    trace_rows_add(res, "bytes", "%zu", body);
    if (r.has_length)
        trace_rows_add(res, "length", "%zu", r.content_length);
    app_say_result(g->st, res, "%s %d %s", r.version, r.status, r.reason);
    if (r.status >= 400) {
        app_say(g->st, _("ERROR %d: %s."), r.status, r.reason);
        return;
    }
    const char *type = r.content_type[0] ? r.content_type : "text/plain";
    if (r.has_length)
        app_say(g->st, _("Length: %zu [%s]"), r.content_length, type);
    else
        app_say(g->st, _("Length: unspecified [%s]"), type);
    if (r.has_length && body != r.content_length)
        app_say(g->st, _("%zu bytes of body received, but Content-Length said %zu (truncated)"),
                body, r.content_length);
    else
        app_say(g->st, _("%zu bytes of body received [%zu/%zu]"), body, body,
                r.has_length ? r.content_length : body);
}

static void http_get_peer_closed(void *ctx, tcp_conn *conn) {
    http_get *g = ctx;
    http_get_report(g);
    tcp_close(conn);
}

static void http_get_closed(void *ctx, tcp_conn *conn, tcp_end why) {
    (void)conn;
    http_get *g = ctx;
    g->conn = NULL;
    if (why == TCP_END_NORMAL)
        return;
    trace_rows *r = http_get_failed(g, tcp_service_end_name(why, g->connected));
    if (!g->connected)
        app_say_result(g->st, r, _("Connecting to %s... failed: %s."), g->where,
                       tcp_service_end_text(why, false));
    else
        app_say_result(g->st, r, _("Read error (%s)."), tcp_service_end_text(why, true));
}

static const tcp_handler http_get_handler = {
    .connected = http_get_connected,
    .received = http_get_received,
    .peer_closed = http_get_peer_closed,
    .closed = http_get_closed,
};

static void http_get_start(void *ctx, ipv4_addr to) {
    http_get *g = ctx;
    char a[IPV4_TEXT_LEN];
    const char *host = g->cfg->host_text;
    ipv4_format(to, a);
    if (g->cfg->host.name) {
        app_say(g->st, _("Resolving %s (%s)... %s"), host, host, a);
        snprintf(g->where, sizeof g->where, "%s (%s)|%s|:%u", host, host, a, g->cfg->port);
    } else {
        snprintf(g->where, sizeof g->where, "%s:%u", a, g->cfg->port);
    }
    int rc = tcp_connect(g->st, to, g->cfg->port, &http_get_handler, g, &g->conn);
    if (rc != 0) {
        g->conn = NULL;
        app_say_result(g->st, http_get_failed(g, ip_stack_errname(rc)),
                       _("Connecting to %s... failed: %s."), g->where, ip_stack_strerror(rc));
    }
}

http_get *http_get_new(ip_stack *st, netconf *nc, const model_http_get *cfg, sim_time at) {
    http_get *g = calloc(1, sizeof *g);
    if (!g)
        ns_out_of_memory();
    g->st = st;
    g->cfg = cfg;
    launch_start_at(&g->launcher, st, nc, "http_get", cfg->host.name, cfg->host.addr, at,
                    http_get_start, g);
    return g;
}

void http_get_free(void *p) {
    http_get *g = p;
    if (!g)
        return;
    launch_cleanup(&g->launcher);
    free(g->buf);
    free(g);
}
