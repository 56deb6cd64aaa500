/*
 * resolver: one look-up at a time: socket, query, timer, answer.
 *
 * Invariants: while a look-up is in flight the resolver holds its socket and
 * its timer; both are gone before the callback runs. ICMP port unreachable
 * from the server (nothing listens on port 53) ends the look-up at once with
 * RESOLVE_AGAIN, as glibc's connected socket reports ECONNREFUSED.
 */
#include "apps/resolver.h"
#include "util/alloc.h"

#include <stdlib.h>
#include <string.h>

#include "apps/app.h"
#include "stack/udp.h"
#include "util/i18n.h"
#include "util/text.h"
#include "wire/dns.h"
#include "wire/icmp.h"
#include "wire/ipv4.h"
#include "wire/wire.h"

#define RESOLVER_TIMEOUT  (5 * SIM_S) /* resolv.conf "timeout:5" */
#define RESOLVER_ATTEMPTS 2           /* resolv.conf "attempts:2" */

struct resolver {
    ip_stack *st;
    bool busy;
    ipv4_addr server;
    char name[DNS_NAME_TEXT_LEN];
    uint16_t id;
    uint32_t attempts;
    udp_socket *sock;
    sim_event_id timer;
    resolver_fn fn;
    void *ctx;
};

const char *resolve_strerror(resolve_status s) {
    switch (s) {
    case RESOLVE_OK:
        return _("Success");
    case RESOLVE_NONAME:
        return _("Name or service not known");
    case RESOLVE_NODATA:
        return _("No address associated with hostname");
    case RESOLVE_AGAIN:
        return _("Temporary failure in name resolution");
    }
    return _("Unknown error");
}

const char *resolve_errname(resolve_status s) {
    switch (s) {
    case RESOLVE_OK:
        return "ok";
    case RESOLVE_NONAME:
        return "no_such_name";
    case RESOLVE_NODATA:
        return "no_address";
    case RESOLVE_AGAIN:
        return "temporary_failure";
    }
    return "unknown";
}

resolver *resolver_new(ip_stack *st) {
    resolver *r = calloc(1, sizeof *r);
    if (!r)
        ns_out_of_memory();
    r->st = st;
    return r;
}

void resolver_free(resolver *r) {
    free(r); /* its socket, if any, is the stack's; timers never outlive the run */
}

static sim *resolver_sim(const resolver *r) {
    return r->st->node->net->sim;
}

/* The look-up's result ("dns": "answer" or "failed"), a fact with no line
 * of its own: glibc's resolver prints nothing, its caller says what failed. */
static void resolver_report(const resolver *r, resolve_status status, ipv4_addr addr) {
    char a[IPV4_TEXT_LEN];
    trace_rows *res = app_result("dns", status == RESOLVE_OK ? "answer" : "failed");
    trace_rows_add(res, "name", "%s", r->name);
    if (status == RESOLVE_OK)
        trace_rows_add(res, "address", "%s", ipv4_format(addr, a));
    else
        trace_rows_add(res, "error", "%s", resolve_errname(status));
    if (r->server)
        trace_rows_add(res, "server", "%s", ipv4_format(r->server, a));
    app_result_only(r->st, res);
}

static void resolver_finish(resolver *r, resolve_status status, ipv4_addr addr) {
    if (!r->busy)
        return;
    resolver_report(r, status, addr);
    r->busy = false;
    sim_cancel(resolver_sim(r), r->timer);
    r->timer = 0;
    udp_close(r->sock);
    r->sock = NULL;
    r->fn(r->ctx, status, addr);
}

static void resolver_send(resolver *r);

static void resolver_on_timeout(sim *s, void *a, void *b) {
    (void)s;
    (void)b;
    resolver *r = a;
    r->timer = 0;
    if (r->attempts >= RESOLVER_ATTEMPTS)
        resolver_finish(r, RESOLVE_AGAIN, 0);
    else
        resolver_send(r);
}

static void resolver_send(resolver *r) {
    dns_message q;
    uint8_t buf[DNS_HEADER_LEN + DNS_NAME_WIRE_MAX + 4];
    dns_query_init(&q, r->id, r->name, DNS_TYPE_A);
    int len = dns_emit(&q, buf, sizeof buf);
    r->attempts++;
    if (len < 0 || udp_sendto(r->sock, r->server, DNS_PORT, buf, (size_t)len) != 0) {
        resolver_finish(r, RESOLVE_AGAIN, 0);
        return;
    }
    r->timer = sim_schedule(resolver_sim(r), RESOLVER_TIMEOUT, resolver_on_timeout, r, NULL, NULL);
}

static void resolver_on_answer(void *ctx, udp_socket *s, ipv4_addr src, uint16_t src_port,
                               const uint8_t *data, size_t len) {
    (void)s;
    resolver *r = ctx;
    dns_message m;
    if (!r->busy || src != r->server || src_port != DNS_PORT ||
        dns_parse(data, len, &m) != WIRE_OK || !m.qr || m.id != r->id || m.qdcount != 1 ||
        !text_equal_nocase(m.questions[0].name, r->name))
        return; /* not the answer to our question: keep waiting */
    ipv4_addr addr = 0;
    if (m.rcode == DNS_RCODE_NXDOMAIN)
        resolver_finish(r, RESOLVE_NONAME, 0);
    else if (m.rcode != DNS_RCODE_NOERROR)
        resolver_finish(r, RESOLVE_AGAIN, 0);
    else if (dns_find_a(&m, &addr))
        resolver_finish(r, RESOLVE_OK, addr);
    else
        resolver_finish(r, RESOLVE_NODATA, 0);
}

static void resolver_on_icmp(void *ctx, const icmp_notice *n) {
    resolver *r = ctx;
    if (r->busy && r->sock && n->id == udp_local_port(r->sock) && n->seq == DNS_PORT &&
        n->type == ICMP_DEST_UNREACHABLE)
        resolver_finish(r, RESOLVE_AGAIN, 0);
}

void resolver_lookup(resolver *r, ipv4_addr server, const char *name, resolver_fn fn, void *ctx) {
    r->fn = fn;
    r->ctx = ctx;
    r->busy = true;
    r->server = server;
    r->attempts = 0;
    snprintf(r->name, sizeof r->name, "%s", name);
    if (server == 0 || udp_bind(r->st, 0, resolver_on_answer, r, &r->sock) != 0) {
        resolver_finish(r, RESOLVE_AGAIN, 0);
        return;
    }
    r->id = (uint16_t)rng_below(sim_rng(resolver_sim(r)), 65536);
    /* Taken only if an earlier program used this port: then the timeout
     * alone ends a look-up the server never answers. */
    ip_stack_listen_icmp(r->st, IPPROTO_UDP_NUM, udp_local_port(r->sock), resolver_on_icmp, r);
    resolver_send(r);
}
