/*
 * file_transfer: the file server (a tcp_service) and the downloader.
 *
 * Invariant: the server's contents are fixed at build time, so every client
 * asking for a name gets the same bytes. A generated file's seed is drawn
 * then, but its bytes are made only when a client asks for it and freed once
 * tcp_send has copied them into the connection's send buffer (TCP keeps its
 * own copy of unacknowledged data): a {"size": N} file is never held twice.
 */
#include "apps/file_transfer.h"
#include "util/alloc.h"

#include <stdlib.h>
#include <string.h>

#include "apps/app.h"
#include "apps/launch.h"
#include "apps/tcp_service.h"
#include "engine/rng.h"
#include "util/crc32.h"
#include "util/i18n.h"

/* The downloader turns TCP keepalive on as curl does (SO_KEEPALIVE with
 * TCP_KEEPIDLE and TCP_KEEPINTVL 60 s, curl's defaults), with Linux's
 * default count (net.ipv4.tcp_keepalive_probes = 9): a server that has gone
 * silent, its path cut, is given up after 60 + 9 * 60 = 600 s without a
 * segment, and recv() fails with ETIMEDOUT. Without it a receiver that has
 * nothing to send would wait forever: only a sender's retransmissions time
 * out (tcp_retries2). */
#define DOWNLOAD_KEEPIDLE  (60 * SIM_S)
#define DOWNLOAD_KEEPINTVL (60 * SIM_S)
#define DOWNLOAD_KEEPCNT   9

typedef struct file_content {
    const char *name;
    const uint8_t *data; /* the model's; NULL for a generated file */
    bool generated;      /* `size` bytes from a generator seeded with `seed` */
    uint64_t seed;
    size_t size;
    uint32_t crc; /* of `data`; a generated file's is computed when it is sent */
} file_content;

struct file_server {
    tcp_service svc;
    file_content *files; /* n_files of them: the server's own copy of the list */
    size_t n_files;
};

typedef struct file_session {
    tcp_session base;
    bool answered; /* the name has come and been answered */
} file_session;

/* A generated file's `size` bytes: the same for the same seed. Caller frees. */
static uint8_t *file_content_generate(const file_content *f) {
    rng r;
    rng_seed(&r, f->seed);
    uint8_t *bytes = malloc(f->size);
    if (!bytes)
        ns_out_of_memory();
    for (size_t k = 0; k < f->size; k += 8) {
        uint64_t x = rng_next(&r);
        for (size_t j = 0; j < 8 && k + j < f->size; j++)
            bytes[k + j] = (uint8_t)(x >> (8 * j));
    }
    return bytes;
}

/* Adds the client of session `s` to result `r`: "to" (its address) and "port". */
static void file_server_to(trace_rows *r, const tcp_session *s) {
    char a[IPV4_TEXT_LEN];
    trace_rows_add(r, "to", "%s", ipv4_format(s->peer, a));
    trace_rows_add(r, "port", "%u", s->peer_port);
}

/* Sends f's content on `s` and says so. */
static void file_server_send(tcp_session *s, const file_content *f) {
    uint8_t *made = f->generated && f->size ? file_content_generate(f) : NULL;
    const uint8_t *data = made ? made : f->data;
    uint32_t crc = made ? crc32_update(0, made, f->size) : f->crc;
    trace_rows *r = app_result("file_server", "sending");
    trace_rows_add(r, "file", "%s", f->name);
    trace_rows_add(r, "bytes", "%zu", f->size);
    trace_rows_add(r, "crc32", "%08lx", (unsigned long)crc);
    file_server_to(r, s);
    app_say_result(s->svc->st, r, _("sending %s: %zu bytes, crc32 %08lx"), f->name, f->size,
                   (unsigned long)crc);
    if (f->size)
        tcp_send(s->conn, data, f->size); /* copied into the send buffer */
    free(made);
}

static const file_content *file_server_find(const file_server *srv, const uint8_t *name,
                                            size_t len) {
    for (size_t i = 0; i < srv->n_files; i++)
        if (strlen(srv->files[i].name) == len && memcmp(srv->files[i].name, name, len) == 0)
            return &srv->files[i];
    return NULL;
}

static void file_server_received(tcp_session *s, const uint8_t *data, size_t len) {
    file_session *fs = (file_session *)s;
    const file_server *srv = s->svc->app;
    char text[APP_TEXT_CAP];
    if (fs->answered)
        return; /* the notes' server reads the name once */
    fs->answered = true;
    app_text(data, len, text, sizeof text);
    app_say(s->svc->st, _("%s wants to download: %s"), s->peer_text, text);
    const file_content *f = file_server_find(srv, data, len);
    if (!f) {
        trace_rows *r = app_result("file_server", "not_found");
        trace_rows_add(r, "file", "%s", text);
        file_server_to(r, s);
        app_say_result(s->svc->st, r, _("cannot open %s: No such file or directory"), text);
    } else {
        file_server_send(s, f);
    }
    tcp_close(s->conn); /* the FIN follows the content */
}

static void file_server_closed(tcp_session *s, tcp_end why) {
    if (why != TCP_END_NORMAL)
        app_say(s->svc->st, _("connection with %s: %s"), s->peer_text,
                tcp_service_end_text(why, true));
}

static const tcp_service_ops file_server_ops = {
    .session_size = sizeof(file_session),
    .received = file_server_received,
    .closed = file_server_closed,
};

file_server *file_server_new(ip_stack *st, const model_file_server *cfg, sim_time at) {
    file_server *srv = calloc(1, sizeof *srv);
    if (!srv)
        ns_out_of_memory();
    srv->files = calloc(cfg->n_files ? cfg->n_files : 1, sizeof *srv->files);
    if (!srv->files)
        ns_out_of_memory();
    srv->n_files = cfg->n_files;
    for (size_t i = 0; i < cfg->n_files; i++) {
        const model_file *m = &cfg->files[i];
        file_content *f = &srv->files[i];
        f->name = m->name;
        f->size = m->size;
        if (m->source == FILE_GENERATED && m->size) {
            /* One draw from the run's generator seeds this file's bytes: the
             * same seed gives the same file, another seed another. */
            f->generated = true;
            f->seed = rng_next(sim_rng(st->node->net->sim));
        } else {
            f->data = m->data;
            f->crc = crc32_update(0, f->data, f->size);
        }
    }
    tcp_service_start_at(&srv->svc, st, "file_server", cfg->port, 0, &file_server_ops, srv, at);
    return srv;
}

void file_server_free(void *p) {
    file_server *srv = p;
    if (!srv)
        return;
    tcp_service_cleanup(&srv->svc);
    free(srv->files);
    free(srv);
}

/* ---- the downloader ------------------------------------------------------ */

struct file_download {
    ip_stack *st;
    const model_file_download *cfg;
    launch launcher;
    tcp_conn *conn;
    char server[24];
    ipv4_addr to;
    bool connected;
    bool finished; /* the server closed: the download is complete */
    size_t received;
    uint32_t crc;
    sim_time started;
};

/* A result of this download: "file" first. */
static trace_rows *file_download_result(const file_download *d, const char *event) {
    trace_rows *r = app_result("file_download", event);
    trace_rows_add(r, "file", "%s", d->cfg->file);
    return r;
}

/* The download failed with `error` after `d->received` bytes. */
static trace_rows *file_download_failed(const file_download *d, const char *error) {
    trace_rows *r = file_download_result(d, "failed");
    trace_rows_add(r, "error", "%s", error);
    trace_rows_add(r, "bytes", "%zu", d->received);
    return r;
}

static void file_download_connected(void *ctx, tcp_conn *conn) {
    file_download *d = ctx;
    d->connected = true;
    d->started = sim_now(d->st->node->net->sim);
    app_say(d->st, _("connected to %s, asking for %s"), d->server, d->cfg->file);
    tcp_send(conn, (const uint8_t *)d->cfg->file, strlen(d->cfg->file));
}

static void file_download_received(void *ctx, tcp_conn *conn, const uint8_t *data, size_t len) {
    (void)conn;
    file_download *d = ctx;
    d->received += len;
    d->crc = crc32_update(d->crc, data, len);
}

static void file_download_peer_closed(void *ctx, tcp_conn *conn) {
    file_download *d = ctx;
    sim_time took = sim_now(d->st->node->net->sim) - d->started;
    d->finished = true;
    char a[IPV4_TEXT_LEN];
    trace_rows *r = file_download_result(d, "finished");
    trace_rows_add(r, "server", "%s", ipv4_format(d->to, a));
    trace_rows_add(r, "bytes", "%zu", d->received);
    trace_rows_add(r, "crc32", "%08lx", (unsigned long)d->crc);
    trace_rows_add(r, "time_ms", "%llu", (unsigned long long)(took / SIM_MS));
    if (d->received == 0)
        app_say_result(d->st, r, _("the downloaded file is empty"));
    else
        app_say_result(d->st, r,
                       _("download finished: %s, %zu bytes in %llu.%03llu s, crc32 %08lx"),
                       d->cfg->file, d->received, (unsigned long long)(took / SIM_S),
                       (unsigned long long)(took % SIM_S / SIM_MS), (unsigned long)d->crc);
    tcp_close(conn);
}

static void file_download_closed(void *ctx, tcp_conn *conn, tcp_end why) {
    (void)conn;
    file_download *d = ctx;
    d->conn = NULL;
    if (why == TCP_END_NORMAL)
        return;
    /* The failure's result goes on its last line: "download failed" when
     * one follows, else the connect error. */
    const char *error = tcp_service_end_name(why, d->connected);
    if (d->connected)
        app_say(d->st, "recv: %s", tcp_service_end_text(why, true));
    else
        app_say_result(d->st, file_download_failed(d, error), "connect: %s",
                       tcp_service_end_text(why, false));
    if (d->connected && !d->finished)
        app_say_result(d->st, file_download_failed(d, error),
                       _("download failed: %s, %zu bytes received before the connection was lost"),
                       d->cfg->file, d->received);
}

static const tcp_handler file_download_handler = {
    .connected = file_download_connected,
    .received = file_download_received,
    .peer_closed = file_download_peer_closed,
    .closed = file_download_closed,
};

static void file_download_start(void *ctx, ipv4_addr to) {
    file_download *d = ctx;
    d->to = to;
    ipv4_format_endpoint(to, d->cfg->port, d->server);
    int rc = tcp_connect(d->st, to, d->cfg->port, &file_download_handler, d, &d->conn);
    if (rc != 0) {
        d->conn = NULL;
        app_say_result(d->st, file_download_failed(d, ip_stack_errname(rc)), "connect: %s",
                       ip_stack_strerror(rc));
        return;
    }
    tcp_set_keepalive(d->conn, DOWNLOAD_KEEPIDLE, DOWNLOAD_KEEPINTVL, DOWNLOAD_KEEPCNT);
}

file_download *file_download_new(ip_stack *st, netconf *nc, const model_file_download *cfg,
                                 sim_time at) {
    file_download *d = calloc(1, sizeof *d);
    if (!d)
        ns_out_of_memory();
    d->st = st;
    d->cfg = cfg;
    launch_start_at(&d->launcher, st, nc, "file_download", cfg->to.name, cfg->to.addr, at,
                    file_download_start, d);
    return d;
}

void file_download_free(void *p) {
    file_download *d = p;
    if (!d)
        return;
    launch_cleanup(&d->launcher);
    free(d);
}
