/*
 * ping: sends `count` ICMP echo requests `interval` apart and prints what
 * iputils' ping prints (formats from iputils ping_common.c).
 */
#include "apps/ping.h"
#include "util/alloc.h"

#include <stdlib.h>
#include <string.h>

#include "apps/app.h"
#include "apps/launch.h"
#include "util/i18n.h"
#include "util/isqrt.h"
#include "wire/icmp.h"
#include "wire/ipv4.h"

#define DNS_NAME_LEN 256 /* a host name as text, 253 characters and NUL */

/* One per ping of the script: 8-byte fields first, then the narrow ones (200
 * bytes, not 224). */
struct ping {
    ip_stack *st;
    model_ping cfg;
    sim_time start, *sent_at; /* sent_at[seq-1]: send time, for the RTT */
    uint8_t *answered;        /* per sequence number: a reply or error came back */
    uint64_t rtt_sum, rtt_sum2, rtt_min, rtt_max; /* in µs, as iputils counts */
    sim_event_id timeout_ev;
    launch launcher;
    uint32_t sent, received, errors, dups;
    uint16_t id;
    bool finished;
    bool id_taken; /* the configured identifier belongs to another ping here */
};

/* What ping calls the destination: its name as given, or its address. */
static const char *ping_dest(const ping *p, char *buf) {
    return p->cfg.to_name ? p->cfg.to_name : ipv4_format(p->cfg.to, buf);
}

/* iputils prints RTTs with 3 significant digits at most 3 decimals. */
static void format_rtt(sim_time ns, char *buf, size_t cap) {
    unsigned long long us = ns / 1000;
    if (us >= 100000)
        snprintf(buf, cap, "%llu", us / 1000);
    else if (us >= 10000)
        snprintf(buf, cap, "%llu.%01llu", us / 1000, (us % 1000) / 100);
    else if (us >= 1000)
        snprintf(buf, cap, "%llu.%02llu", us / 1000, (us % 1000) / 10);
    else
        snprintf(buf, cap, "%llu.%03llu", us / 1000, us % 1000);
}

static void finish(ping *p) {
    if (p->finished)
        return;
    p->finished = true;
    sim_cancel(p->st->node->net->sim, p->timeout_ev);
    char dst[IPV4_TEXT_LEN], errs[64] = "";
    sim_time elapsed = sim_now(p->st->node->net->sim) - p->start;
    app_say(p->st, "%s", ""); /* the blank line before the statistics */
    app_say(p->st, _("--- %s ping statistics ---"), ping_dest(p, dst));
    if (p->errors)
        /* TRANSLATORS: inserted after "%u received" in the statistics line. */
        snprintf(errs, sizeof errs, _(", +%u errors"), p->errors);
    double loss = p->sent ? (double)(p->sent - p->received) * 100.0 / p->sent : 0.0;
    trace_rows *r = app_result("ping", "statistics");
    trace_rows_add(r, "to", "%s", ipv4_format(p->cfg.to, dst));
    if (p->cfg.to_name)
        trace_rows_add(r, "name", "%s", p->cfg.to_name);
    trace_rows_add(r, "transmitted", "%u", p->sent);
    trace_rows_add(r, "received", "%u", p->received);
    trace_rows_add(r, "errors", "%u", p->errors);
    trace_rows_add(r, "duplicates", "%u", p->dups);
    /* TRANSLATORS: as iputils' ping prints it; %3$s is ", +N errors" or empty. */
    app_say_result(p->st, r,
                   _("%u packets transmitted, %u received%s, %g%% packet loss, time %llums"),
                   p->sent, p->received, errs, loss, (unsigned long long)(elapsed / SIM_MS));
    if (p->received) {
        uint64_t avg = p->rtt_sum / p->received;
        uint64_t mean2 = p->rtt_sum2 / p->received;
        uint64_t mdev = mean2 > avg * avg ? isqrt_floor(mean2 - avg * avg) : 0;
        app_say(p->st, "rtt min/avg/max/mdev = %llu.%03llu/%llu.%03llu/%llu.%03llu/%llu.%03llu ms",
                (unsigned long long)(p->rtt_min / 1000), (unsigned long long)(p->rtt_min % 1000),
                (unsigned long long)(avg / 1000), (unsigned long long)(avg % 1000),
                (unsigned long long)(p->rtt_max / 1000), (unsigned long long)(p->rtt_max % 1000),
                (unsigned long long)(mdev / 1000), (unsigned long long)(mdev % 1000));
    }
}

static void on_timeout(sim *s, void *a, void *b) {
    (void)s;
    (void)b;
    finish(a);
}

static bool all_answered(const ping *p) {
    return p->sent == p->cfg.count && p->received + p->errors >= p->sent;
}

static void on_notice(void *ctx, const icmp_notice *n) {
    ping *p = ctx;
    char from[IPV4_TEXT_LEN];
    if (p->finished || n->seq == 0 || n->seq > p->sent)
        return;
    bool dup = p->answered[n->seq - 1];
    ipv4_format(n->from, from);
    if (n->type == ICMP_ECHO_REPLY) {
        sim_time rtt = sim_now(p->st->node->net->sim) - p->sent_at[n->seq - 1];
        char rtt_text[32];
        format_rtt(rtt, rtt_text, sizeof rtt_text);
        trace_rows *r = app_result("ping", "reply");
        trace_rows_add(r, "from", "%s", from);
        trace_rows_add(r, "seq", "%u", n->seq);
        trace_rows_add(r, "ttl", "%u", n->ttl);
        trace_rows_add(r, "bytes", "%u", n->data_len);
        trace_rows_add(r, "time_ms", "%s", rtt_text);
        trace_rows_add(r, "duplicate", "%s", dup ? "yes" : "no");
        app_say_result(p->st, r, _("%u bytes from %s: icmp_seq=%u ttl=%u time=%s ms%s"),
                       n->data_len, from, n->seq, n->ttl, rtt_text, dup ? _(" (DUP!)") : "");
        if (dup) {
            p->dups++;
            return;
        }
        uint64_t us = rtt / SIM_US;
        if (p->received == 0 || us < p->rtt_min)
            p->rtt_min = us;
        if (us > p->rtt_max)
            p->rtt_max = us;
        p->rtt_sum += us;
        p->rtt_sum2 += us * us;
        p->received++;
    } else {
        /* The line's text, and the result's error and code ("net"...). */
        const char *what = N_("Destination Unreachable"), *code = NULL;
        if (n->type == ICMP_TIME_EXCEEDED)
            what = N_("Time to live exceeded");
        else if (n->code == ICMP_UNREACH_NET)
            what = N_("Destination Net Unreachable"), code = "net";
        else if (n->code == ICMP_UNREACH_HOST)
            what = N_("Destination Host Unreachable"), code = "host";
        else if (n->code == ICMP_UNREACH_PORT)
            what = N_("Destination Port Unreachable"), code = "port";
        else if (n->code == ICMP_UNREACH_PROTOCOL)
            what = N_("Destination Protocol Unreachable"), code = "protocol";
        else if (n->code == ICMP_UNREACH_FILTERED)
            what = N_("Packet filtered"), code = "filtered";
        trace_rows *r = app_result("ping", "error");
        trace_rows_add(r, "from", "%s", from);
        trace_rows_add(r, "seq", "%u", n->seq);
        bool ttl = n->type == ICMP_TIME_EXCEEDED;
        trace_rows_add(r, "error", "%s", ttl ? "ttl_exceeded" : "unreachable");
        if (!ttl && code)
            trace_rows_add(r, "code", "%s", code);
        else if (!ttl)
            trace_rows_add(r, "code", "%u", n->code);
        trace_rows_add(r, "duplicate", "%s", dup ? "yes" : "no");
        app_say_result(p->st, r, _("From %s icmp_seq=%u %s"), from, n->seq, _(what));
        if (dup)
            return;
        p->errors++;
    }
    p->answered[n->seq - 1] = 1;
    if (all_answered(p))
        finish(p);
}

static void send_next(sim *s, void *a, void *b) {
    (void)b;
    ping *p = a;
    if (p->finished)
        return;
    uint32_t seq = ++p->sent;
    size_t len = ICMP_HEADER_LEN + p->cfg.size;
    uint8_t *msg = calloc(1, len);
    if (!msg)
        ns_out_of_memory();
    /* Data as iputils fills it: a struct timeval (x86-64 layout, little-endian)
     * of the send time, then bytes counting up from 0x10. */
    uint8_t *data = msg + ICMP_HEADER_LEN;
    sim_time now = sim_now(s);
    uint64_t sec = now / SIM_S, usec = (now % SIM_S) / SIM_US;
    for (size_t i = 0; i < p->cfg.size; i++) {
        if (i < 8)
            data[i] = (uint8_t)(sec >> (8 * i));
        else if (i < 16)
            data[i] = (uint8_t)(usec >> (8 * (i - 8)));
        else
            data[i] = (uint8_t)i;
    }
    icmp_header h = {.type = ICMP_ECHO_REQUEST, .id = p->id, .seq = (uint16_t)seq};
    icmp_emit(&h, msg, len);
    p->sent_at[seq - 1] = now;
    int rc = ip_stack_send(p->st, p->cfg.to, IPPROTO_ICMP_NUM, msg, len, p->cfg.ttl, NULL);
    free(msg);
    if (rc == IP_ERR_PERM) {
        /* iputils' pinger(): a hard local error; it pretends the packet was
         * sent (it counts as transmitted and lost) and goes on. */
        trace_rows *r = app_result("ping", "send_failed");
        trace_rows_add(r, "seq", "%u", seq);
        trace_rows_add(r, "error", "%s", ip_stack_errname(rc));
        app_say_result(p->st, r, "ping: sendmsg: %s", ip_stack_strerror(rc));
    } else if (rc < 0) {
        trace_rows *r = app_result("ping", "failed");
        trace_rows_add(r, "error", "%s", ip_stack_errname(IP_ERR_NETUNREACH));
        app_say_result(p->st, r, _("ping: connect: Network is unreachable"));
        p->finished = true;
        return;
    }
    if (p->sent < p->cfg.count)
        sim_schedule(s, p->cfg.interval_ns, send_next, p, NULL, NULL);
    else
        p->timeout_ev = sim_schedule(s, p->cfg.timeout_ns, on_timeout, p, NULL, NULL);
}

static void start(void *ctx, ipv4_addr to) {
    ping *p = ctx;
    sim *s = p->st->node->net->sim;
    char dst[DNS_NAME_LEN], addr[IPV4_TEXT_LEN];
    p->cfg.to = to;
    if (p->id_taken) {
        trace_rows *r = app_result("ping", "failed");
        trace_rows_add(r, "error", "identifier_in_use");
        app_say_result(
            p->st, r,
            _("ping: identifier %u (0x%04x) is already used by another ping on this host"), p->id,
            p->id);
        p->finished = true;
        return;
    }
    if (!app_connect(p->st, "ping", to)) { /* before printing anything else, as iputils */
        p->finished = true;
        return;
    }
    app_say(p->st, _("PING %s (%s) %u(%u) bytes of data."), ping_dest(p, dst),
            ipv4_format(p->cfg.to, addr), p->cfg.size,
            p->cfg.size + ICMP_HEADER_LEN + IPV4_HEADER_LEN);
    p->start = sim_now(s);
    send_next(s, p, NULL);
}

void ping_defaults(model_ping *cfg) {
    *cfg = (model_ping){.count = PING_DEFAULT_COUNT,
                        .interval_ns = PING_DEFAULT_INTERVAL_NS,
                        .size = PING_DEFAULT_SIZE,
                        .timeout_ns = PING_DEFAULT_TIMEOUT_NS};
}

ping *ping_new(ip_stack *st, const model_ping *cfg, sim_time at) {
    return ping_new_on(st, NULL, cfg, at);
}

ping *ping_new_on(ip_stack *st, netconf *nc, const model_ping *cfg, sim_time at) {
    ping *p = calloc(1, sizeof *p);
    if (!p)
        ns_out_of_memory();
    p->st = st;
    p->cfg = *cfg;
    p->sent_at = calloc(cfg->count, sizeof *p->sent_at);
    p->answered = calloc(cfg->count, 1);
    if (!p->sent_at || !p->answered)
        ns_out_of_memory();
    sim *s = st->node->net->sim;
    if (cfg->has_id) {
        /* The identifier the script gave: a second ping with it on this host
         * would take the first one's replies, so it is refused. */
        p->id = cfg->id;
        p->id_taken = !ip_stack_listen_icmp(st, IPPROTO_ICMP_NUM, p->id, on_notice, p);
    } else {
        /* A random identifier, as iputils uses, unique on this host. */
        do
            p->id = (uint16_t)rng_below(sim_rng(s), 65536);
        while (!ip_stack_listen_icmp(st, IPPROTO_ICMP_NUM, p->id, on_notice, p));
    }
    launch_start_at(&p->launcher, st, nc, "ping", cfg->to_name, cfg->to, at, start, p);
    return p;
}

void ping_free(ping *p) {
    if (!p)
        return;
    launch_cleanup(&p->launcher);
    free(p->sent_at);
    free(p->answered);
    free(p);
}

void ping_free_app(void *p) {
    ping_free(p);
}
