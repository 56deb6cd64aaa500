/*
 * traceroute: one probe at a time, lines formatted as traceroute(8) prints
 * them: " 1  10.0.1.1 (10.0.1.1)  0.045 ms  0.023 ms  0.020 ms", "*" for a
 * probe that timed out, "!H", "!N", "!P", "!X" for other unreachables.
 */
#include "apps/traceroute.h"
#include "util/alloc.h"

#include <stdlib.h>
#include <string.h>

#include "apps/app.h"
#include "apps/launch.h"
#include "stack/udp.h"
#include "util/i18n.h"
#include "wire/icmp.h"
#include "wire/ipv4.h"
#include "wire/udp.h"

#define PROBE_DATA 32 /* 60-byte probes: 20 IP + 8 UDP + 32, as traceroute sends */

struct traceroute {
    ip_stack *st;
    model_traceroute cfg;
    uint16_t src_port;
    uint32_t ttl, probe, sent; /* current hop, probe within it, probes sent */
    sim_time sent_at;
    sim_event_id timeout_ev;
    ipv4_addr last_from;  /* the address already printed on this hop's line */
    ipv4_addr first_from; /* the first address that answered on this hop (0: none) */
    uint32_t answers;     /* probes of this hop that were answered */
    bool reached, finished;
    char line[512];
    size_t used;
    launch launcher;
};

static void append(traceroute *t, const char *text) {
    size_t len = strlen(text);
    if (t->used + len < sizeof t->line) {
        memcpy(t->line + t->used, text, len + 1);
        t->used += len;
    }
}

static void send_probe(traceroute *t);

/* The hop's line, with the result "hop"; after the last one, the result
 * "done" (no line: traceroute prints none). */
static void end_hop(traceroute *t) {
    char a[IPV4_TEXT_LEN];
    trace_rows *r = app_result("traceroute", "hop");
    trace_rows_add(r, "ttl", "%u", t->ttl);
    if (t->first_from)
        trace_rows_add(r, "from", "%s", ipv4_format(t->first_from, a));
    trace_rows_add(r, "answers", "%u", t->answers);
    app_say_result(t->st, r, "%s", t->line);
    if (t->reached || t->ttl >= t->cfg.max_hops) {
        t->finished = true;
        r = app_result("traceroute", "done");
        trace_rows_add(r, "to", "%s", ipv4_format(t->cfg.to, a));
        trace_rows_add(r, "reached", "%s", t->reached ? "yes" : "no");
        trace_rows_add(r, "hops", "%u", t->ttl);
        app_result_only(t->st, r);
        return;
    }
    t->ttl++;
    t->probe = 0;
    t->last_from = 0;
    t->first_from = 0;
    t->answers = 0;
    send_probe(t);
}

static void next_probe(traceroute *t) {
    if (++t->probe >= t->cfg.probes)
        end_hop(t);
    else
        send_probe(t);
}

static void on_timeout(sim *s, void *a, void *b) {
    (void)s;
    (void)b;
    traceroute *t = a;
    t->timeout_ev = 0;
    append(t, " *");
    next_probe(t);
}

static const char *unreachable_flag(uint8_t code) {
    switch (code) {
    case ICMP_UNREACH_NET:
        return " !N";
    case ICMP_UNREACH_HOST:
        return " !H";
    case ICMP_UNREACH_PROTOCOL:
        return " !P";
    case ICMP_UNREACH_FILTERED:
        return " !X";
    default:
        return " !";
    }
}

static void on_notice(void *ctx, const icmp_notice *n) {
    traceroute *t = ctx;
    /* Only the answer to the probe in flight counts (its destination port). */
    if (t->finished || !t->timeout_ev || n->seq != (uint16_t)(t->cfg.port + t->sent - 1))
        return;
    if (n->type != ICMP_TIME_EXCEEDED && n->type != ICMP_DEST_UNREACHABLE)
        return;
    sim_cancel(t->st->node->net->sim, t->timeout_ev);
    t->timeout_ev = 0;
    char text[96], addr[IPV4_TEXT_LEN];
    if (n->from != t->last_from) {
        ipv4_format(n->from, addr);
        snprintf(text, sizeof text, " %s (%s)", addr, addr);
        append(t, text);
        t->last_from = n->from;
    }
    if (!t->first_from)
        t->first_from = n->from;
    t->answers++;
    sim_time rtt = sim_now(t->st->node->net->sim) - t->sent_at;
    snprintf(text, sizeof text, "  %llu.%03llu ms", (unsigned long long)(rtt / SIM_MS),
             (unsigned long long)((rtt % SIM_MS) / SIM_US));
    append(t, text);
    if (n->type == ICMP_DEST_UNREACHABLE) {
        t->reached = true; /* port unreachable: the destination itself answered */
        if (n->code != ICMP_UNREACH_PORT)
            append(t, unreachable_flag(n->code));
    }
    next_probe(t);
}

static void send_probe(traceroute *t) {
    if (t->probe == 0) {
        snprintf(t->line, sizeof t->line, "%2u ", t->ttl);
        t->used = strlen(t->line);
    }
    sim *s = t->st->node->net->sim;
    uint8_t dgram[UDP_HEADER_LEN + PROBE_DATA];
    memset(dgram, 0, sizeof dgram);
    /* One look-up gives the source (the checksum covers it) and the way out.
     * DF clear: traceroute sets IP_PMTUDISC_DONT unless -F is given. */
    ip_send_route r = ip_stack_route_for(t->st, t->cfg.to);
    r.dont_fragment = false;
    ipv4_addr src = r.src;
    udp_header h = {.src_port = t->src_port, .dst_port = (uint16_t)(t->cfg.port + t->sent)};
    for (size_t i = 0; i < PROBE_DATA; i++)
        dgram[UDP_HEADER_LEN + i] = (uint8_t)(0x40 + i); /* traceroute's data: "@ABC..." */
    udp_emit(&h, dgram, sizeof dgram, src, t->cfg.to);
    t->sent++;
    t->sent_at = sim_now(s);
    int rc = ip_stack_send_routed(t->st, &r, t->cfg.to, IPPROTO_UDP_NUM, dgram, sizeof dgram,
                                  (uint8_t)t->ttl, NULL);
    if (rc != 0) {
        /* traceroute's do_send() ends the program with error("send") for
         * anything but ENOBUFS, EAGAIN and EMSGSIZE (EPERM: the firewall). */
        trace_rows *res = app_result("traceroute", "failed");
        trace_rows_add(res, "error", "%s", ip_stack_errname(rc));
        if (rc == IP_ERR_NETUNREACH)
            app_say_result(t->st, res, "traceroute: connect: %s", ip_stack_strerror(rc));
        else
            app_say_result(t->st, res, "send: %s", ip_stack_strerror(rc));
        t->finished = true;
        return;
    }
    t->timeout_ev = sim_schedule(s, t->cfg.wait_ns, on_timeout, t, NULL, NULL);
}

static void start(void *ctx, ipv4_addr to) {
    traceroute *t = ctx;
    char dst[IPV4_TEXT_LEN];
    t->cfg.to = to;
    if (!app_connect(t->st, "traceroute", to)) {
        t->finished = true;
        return;
    }
    ipv4_format(t->cfg.to, dst);
    app_say(t->st, _("traceroute to %s (%s), %u hops max, %u byte packets"),
            t->cfg.to_name ? t->cfg.to_name : dst, dst, t->cfg.max_hops,
            IPV4_HEADER_LEN + UDP_HEADER_LEN + PROBE_DATA);
    t->ttl = 1;
    send_probe(t);
}

void traceroute_defaults(model_traceroute *cfg) {
    *cfg = (model_traceroute){.max_hops = TRACEROUTE_DEFAULT_MAX_HOPS,
                              .probes = TRACEROUTE_DEFAULT_PROBES,
                              .wait_ns = TRACEROUTE_DEFAULT_WAIT_NS,
                              .port = TRACEROUTE_DEFAULT_PORT};
}

traceroute *traceroute_new_on(ip_stack *st, netconf *nc, const model_traceroute *cfg, sim_time at) {
    traceroute *t = calloc(1, sizeof *t);
    if (!t)
        ns_out_of_memory();
    t->st = st;
    t->cfg = *cfg;
    sim *s = st->node->net->sim;
    uint16_t lo, hi;
    udp_ephemeral_range(st, &lo, &hi); /* the host's ip_local_port_range */
    do
        t->src_port = (uint16_t)(lo + rng_below(sim_rng(s), (uint64_t)hi - lo + 1));
    while (!ip_stack_listen_icmp(st, IPPROTO_UDP_NUM, t->src_port, on_notice, t));
    launch_start_at(&t->launcher, st, nc, "traceroute", cfg->to_name, cfg->to, at, start, t);
    return t;
}

void traceroute_free(void *p) {
    traceroute *t = p;
    if (!t)
        return;
    launch_cleanup(&t->launcher);
    free(t);
}
