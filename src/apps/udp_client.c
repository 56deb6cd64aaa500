/*
 * udp_client: bind (an ephemeral port, or local_port), sendto, wait for one
 * reply, close. The socket is closed once the program is done, so it is
 * gone from state.txt, as a finished process's socket is. As the notes'
 * program (sendto, recvfrom) the socket is not connected, so an ICMP error
 * about the datagram is not reported to it (Linux's __udp4_lib_err) and it
 * waits until its timeout; with "connect" it is connected (connect, send,
 * recv) and the error ends the wait: ECONNREFUSED for port unreachable.
 */
#include "apps/udp_client.h"
#include "util/alloc.h"

#include <stdlib.h>

#include "apps/app.h"
#include "apps/launch.h"
#include "stack/udp.h"
#include "util/i18n.h"
#include "util/units.h"
#include "wire/icmp.h"
#include "wire/ipv4.h"

/* One per udp_send of the script: `to` and `done` share the last word (104
 * bytes, not 112). */
struct udp_client {
    ip_stack *st;
    const model_udp_send *cfg;
    launch launcher;
    udp_socket *sock;
    sim_event_id timer;
    ipv4_addr to;
    bool done;
    bool listening; /* this client's ICMP listener is registered */
};

static void udp_client_done(udp_client *c) {
    c->done = true;
    sim_cancel(c->st->node->net->sim, c->timer);
    c->timer = 0;
    if (c->sock && c->listening)
        ip_stack_unlisten_icmp(c->st, IPPROTO_UDP_NUM, udp_local_port(c->sock));
    c->listening = false;
    udp_close(c->sock);
    c->sock = NULL;
}

/* The client's failure result with `error`. */
static trace_rows *udp_client_failed(const char *error) {
    trace_rows *r = app_result("udp_send", "failed");
    trace_rows_add(r, "error", "%s", error);
    return r;
}

static void udp_client_on_datagram(void *ctx, udp_socket *s, ipv4_addr src, uint16_t src_port,
                                   const uint8_t *data, size_t len) {
    (void)s;
    udp_client *c = ctx;
    char text[APP_TEXT_CAP], from[24];
    if (c->done)
        return;
    char a[IPV4_TEXT_LEN];
    trace_rows *r = app_result("udp_send", "received");
    trace_rows_add(r, "from", "%s", ipv4_format(src, a));
    trace_rows_add(r, "port", "%u", src_port);
    trace_rows_add(r, "bytes", "%zu", len);
    app_say_result(c->st, r, _("received: %s"), app_text(data, len, text, sizeof text));
    app_say(c->st, _("from %s"), ipv4_format_endpoint(src, src_port, from));
    udp_client_done(c);
}

static void udp_client_on_icmp(void *ctx, const icmp_notice *n) {
    udp_client *c = ctx;
    char from[IPV4_TEXT_LEN];
    if (c->done || !c->sock || n->id != udp_local_port(c->sock) || n->seq != c->cfg->port)
        return;
    if (n->type != ICMP_DEST_UNREACHABLE)
        return;
    bool refused = n->code == ICMP_UNREACH_PORT;
    trace_rows *r = udp_client_failed(refused ? "connection_refused" : "host_unreachable");
    trace_rows_add(r, "from", "%s", ipv4_format(n->from, from));
    if (refused)
        app_say_result(c->st, r, _("recv: Connection refused (ICMP port unreachable from %s)"),
                       from);
    else
        app_say_result(c->st, r, _("recv: No route to host (ICMP destination unreachable from %s)"),
                       from);
    udp_client_done(c);
}

static void udp_client_on_timeout(sim *s, void *a, void *b) {
    (void)s;
    (void)b;
    udp_client *c = a;
    char dst[24], t[32];
    c->timer = 0;
    app_say_result(c->st, udp_client_failed("timed_out"),
                   _("no reply from %s within %s (recvfrom timed out)"),
                   ipv4_format_endpoint(c->to, c->cfg->port, dst),
                   units_format_duration(c->cfg->timeout_ns, t, sizeof t));
    udp_client_done(c);
}

static void udp_client_start(void *ctx, ipv4_addr to) {
    udp_client *c = ctx;
    char dst[24], text[APP_TEXT_CAP];
    c->to = to;
    int rc = udp_bind(c->st, c->cfg->local_port, udp_client_on_datagram, c, &c->sock);
    if (rc != 0) {
        /* With local_port, bind() fails (EADDRINUSE); without, the program
         * never binds and sendto()'s implicit bind fails (EAGAIN). */
        trace_rows *r = udp_client_failed(ip_stack_errname(rc));
        if (c->cfg->local_port)
            app_say_result(c->st, r, _("udp_send: bind UDP port %u: %s"), c->cfg->local_port,
                           ip_stack_strerror(rc));
        else
            app_say_result(c->st, r, "sendto: %s", ip_stack_strerror(rc));
        c->done = true;
        return;
    }
    uint16_t local = udp_local_port(c->sock);
    c->listening = c->cfg->connect
                       ? ip_stack_listen_icmp(c->st, IPPROTO_UDP_NUM, local, udp_client_on_icmp, c)
                       : ip_stack_listen_icmp_unreported(c->st, local);
    if (ip_stack_connect(c->st, to) != 0) { /* traced: no route */
        app_say_result(c->st, udp_client_failed(ip_stack_errname(IP_ERR_NETUNREACH)),
                       _("sendto: Network is unreachable"));
        udp_client_done(c);
        return;
    }
    rc = udp_sendto(c->sock, to, c->cfg->port, (const uint8_t *)c->cfg->data, c->cfg->data_len);
    if (rc != 0) { /* traced: refused by the firewall's out chain, say */
        app_say_result(c->st, udp_client_failed(ip_stack_errname(rc)), "sendto: %s",
                       ip_stack_strerror(rc));
        udp_client_done(c);
        return;
    }
    char a[IPV4_TEXT_LEN];
    trace_rows *r = app_result("udp_send", "sent");
    trace_rows_add(r, "to", "%s", ipv4_format(to, a));
    trace_rows_add(r, "port", "%u", c->cfg->port);
    trace_rows_add(r, "local_port", "%u", local);
    trace_rows_add(r, "bytes", "%zu", c->cfg->data_len);
    app_say_result(c->st, r, _("sent %zu bytes to %s from port %u: %s"), c->cfg->data_len,
                   ipv4_format_endpoint(to, c->cfg->port, dst), local,
                   app_text((const uint8_t *)c->cfg->data, c->cfg->data_len, text, sizeof text));
    if (c->cfg->timeout_ns == 0) {
        udp_client_done(c);
        return;
    }
    c->timer = sim_schedule(c->st->node->net->sim, c->cfg->timeout_ns, udp_client_on_timeout, c,
                            NULL, NULL);
}

void udp_client_defaults(model_udp_send *cfg) {
    *cfg = (model_udp_send){.timeout_ns = UDP_CLIENT_DEFAULT_TIMEOUT_NS};
}

udp_client *udp_client_new(ip_stack *st, netconf *nc, const model_udp_send *cfg, sim_time at) {
    udp_client *c = calloc(1, sizeof *c);
    if (!c)
        ns_out_of_memory();
    c->st = st;
    c->cfg = cfg;
    launch_start_at(&c->launcher, st, nc, "udp_send", cfg->to.name, cfg->to.addr, at,
                    udp_client_start, c);
    return c;
}

void udp_client_free(void *p) {
    udp_client *c = p;
    if (!c)
        return;
    launch_cleanup(&c->launcher);
    free(c);
}
