/*
 * tcp: TCP connections on an ip_stack, following RFC 9293 (section numbers in
 * the comments refer to it unless another RFC is named).
 *
 * What it does, and the choices where the RFCs leave one (docs/transport.md
 * says the same for readers of traces):
 *  - every state of 3.3.2; segment arrival processed in the order of 3.10.7
 *    (sequence check, RST, SYN, ACK, data, FIN), RST and SYN checks with the
 *    challenge ACK of RFC 5961 that 3.10.7.4 adopts;
 *  - ISS and ephemeral ports (32768-60999) drawn from the run's seeded
 *    generator, so a run is reproducible from its seed;
 *  - Linux's SYN options: MSS 1460, SACK-permitted, timestamps, window scale
 *    7; each used only when both sides offered it. Timestamps on every later
 *    segment (RFC 7323: TS.Recent, RTT samples); the peer's MSS (536 when
 *    absent, 3.7.1) less the timestamps bounds our segments;
 *  - Linux's windows: 64240 on a SYN, 65160 on a SYN-ACK, then scaled and
 *    growing as data arrives (tcp_grow_window, tcp_rcv_space_adjust). The
 *    application takes in-order data as it arrives (the `received`
 *    callback); out-of-order segments are held inside the window, reported
 *    in SACK blocks (RFC 2018) and delivered when the hole fills;
 *  - send buffer unbounded; segments of min(MSS, usable window, data
 *    waiting), PSH on the segment that empties the queue; no Nagle, no
 *    silly-window avoidance;
 *  - Linux's delayed ACK (RFC 1122 4.2.3.2): quick-ACK mode at the start (a
 *    bare ACK before the application hears of the data), then an ACK for
 *    every second full-sized segment, at once for out-of-order data, when
 *    the application read a small segment unless the connection is
 *    interactive (pingpong), else after the ACK timeout (40 ms at least);
 *  - RFC 6298 timer: initial RTO 1 s, minimum 200 ms (Linux's TCP_RTO_MIN;
 *    the RFC says 1 s), maximum 60 s, Karn's algorithm (no sample from a
 *    retransmitted segment), doubling on every timeout; 3 s after a handshake
 *    without a sample (RFC 6298 5.7). Give up after 15 retransmissions
 *    (Linux's tcp_retries2), 6 for a SYN (tcp_syn_retries), 5 for a SYN-ACK
 *    (tcp_synack_retries);
 *  - congestion control RFC 5681: initial window 10 segments (RFC 6928, as
 *    Linux), slow start, congestion avoidance; loss recovery by the SACK
 *    scoreboard (RFC 6675) when SACK was agreed, else NewReno (RFC 6582);
 *    on a timeout cwnd falls to one segment and sending resumes from the
 *    oldest unacknowledged byte, skipping what was SACKed (as Linux does);
 *  - persist timer: with a zero window and data waiting, a probe is sent
 *    every RTO, doubling up to 60 s (Linux's zero-window probe: one segment
 *    with an already acknowledged sequence number, which the receiver must
 *    answer with an ACK carrying its current window, 3.8.6.1);
 *  - keepalive (RFC 1122 4.2.3.6), off unless the application turns it on
 *    (tcp_set_keepalive, Linux's SO_KEEPALIVE): after `idle` without a
 *    segment from the peer, and nothing in flight, a probe (an already
 *    acknowledged sequence number, no data) every `interval`; after `probes`
 *    unanswered ones, RST and ETIMEDOUT, as Linux's tcp_keepalive_timer;
 *  - TIME-WAIT lasts 60 s, Linux's fixed TCP_TIMEWAIT_LEN (RFC 9293 asks for
 *    2*MSL, which its 2-minute MSL would make 4 minutes);
 *  - a segment for no connection is answered with RST (3.10.7.1).
 *
 * Invariants: a connection is in the stack's table (by its four-tuple, or by
 * port for a listener) exactly while it is not CLOSED; its timers are engine
 * events that carry the connection pointer and no dropper, and are cancelled
 * when it closes, so no event outlives it during a run (after teardown the
 * engine never runs them). A connection is freed only when no call on the
 * stack is still using it (`busy`), which lets callbacks close or abort it.
 */
#include "stack/tcp.h"
#include "stack/udp.h"
#include "util/alloc.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "stack/internal.h"
#include "stack/nat.h"
#include "util/i18n.h"
#include "wire/ethernet.h"
#include "wire/ipv4.h"
#include "wire/tcp.h"
#include "wire/wire.h"

#define TCP_MSS_ETHERNET   1460 /* 1500 - 20 (IPv4) - 20 (TCP) */
#define TCP_MSS_DEFAULT    536  /* 3.7.1: when the peer sends no MSS option */
#define TCP_RCV_BUFFER     65535
#define TCP_RTO_INITIAL    (1 * SIM_S)    /* RFC 6298 2.1 */
#define TCP_RTO_FALLBACK   (3 * SIM_S)    /* RFC 6298 5.7 */
#define TCP_RTO_MIN        (200 * SIM_MS) /* Linux TCP_RTO_MIN */
#define TCP_RTO_MAX        (60 * SIM_S)   /* RFC 6298 2.5 */
#define TCP_RETRIES        15             /* Linux tcp_retries2 */
#define TCP_SYN_RETRIES    6              /* Linux tcp_syn_retries */
#define TCP_SYNACK_RETRIES 5              /* Linux tcp_synack_retries */
#define TCP_TIME_WAIT_LEN  (60 * SIM_S)   /* Linux TCP_TIMEWAIT_LEN (RFC 9293: 2*MSL) */
#define TCP_INIT_CWND      10             /* segments, RFC 6928 */
#define TCP_DUPACK_THRESH  3              /* RFC 5681 3.2 */
#define TCP_CWND_MAX       (1u << 30)     /* keeps cwnd arithmetic far from overflow */

/* Options and windows as Linux's defaults make them (tcp_select_initial_window
 * with tcp_rmem = 4096 131072 6291456): half the 128 KB receive buffer is
 * window, 65536 bytes, offered rounded down to a multiple of the MSS (64240 =
 * 44 * 1460 on a SYN, 65160 = 45 * 1448 on a SYN-ACK answering timestamps);
 * the scale 7 is what 6 MB needs (ilog2(6291456) - 15). */
#define TCP_RCV_SPACE     65536u
#define TCP_RCV_SPACE_MAX (6291456u / 2) /* tcp_rmem[2], half of it window */
#define TCP_WSCALE        7
#define TCP_TS_ALIGNED    12  /* NOP, NOP, timestamps: 12 bytes on every segment */
#define TCP_GROW_MIN_LEN  128 /* tcp_grow_window: only segments this long */

/* Delayed ACK (RFC 1122 4.2.3.2, RFC 9293 3.8.6.3) as Linux's
 * include/net/tcp.h defines it. */
#define TCP_ATO_MIN       (40 * SIM_MS)  /* TCP_ATO_MIN, TCP_DELACK_MIN: HZ/25 */
#define TCP_DELACK_MAX    (200 * SIM_MS) /* TCP_DELACK_MAX: HZ/5 */
#define TCP_ATO_MAX_IDLE  (500 * SIM_MS) /* tcp_send_delayed_ack's HZ/2 */
#define TCP_MAX_QUICKACKS 16
#define TCP_MIN_MSS       88 /* TCP_MIN_MSS */
#define TCP_PINGPONG      1  /* net.ipv4.tcp_pingpong_thresh */

/* A segment held because it arrived ahead of a hole (3.10.7.4, seventh). */
typedef struct tcp_ooo {
    uint32_t seq, len;
    bool fin;
    uint8_t *data;
    struct tcp_ooo *next;
} tcp_ooo;

struct tcp_conn {
    ip_stack *st;
    tcp_state state;
    bool is_listener;   /* registered by port, not by four-tuple */
    bool passive;       /* created by a listener */
    tcp_conn *listener; /* the listener, while this passive connection is SYN-RECEIVED */
    ipv4_addr local_ip, remote_ip;
    uint16_t local_port, remote_port;
    const tcp_handler *h;
    void *ctx;
    tcp_conn *hash_next; /* next connection under the same table key */

    /* Send sequence variables (3.3.1); snd_max is the highest sequence
     * number sent, snd_nxt goes back to snd_una after a timeout. */
    uint32_t iss, snd_una, snd_nxt, snd_max, snd_wnd, snd_wl1, snd_wl2;
    uint16_t mss; /* the most data one segment carries: min(peer's MSS, ours) */
    /* Data not yet acknowledged: sbuf[sbuf_head .. sbuf_head + sbuf_len)
     * holds the bytes from sequence number sbuf_seq on. */
    uint8_t *sbuf;
    size_t sbuf_head, sbuf_len, sbuf_cap;
    uint32_t sbuf_seq;
    bool close_requested; /* a FIN follows the data */
    bool fin_sent;
    bool fin_acked;

    /* Receive sequence variables (3.3.1). */
    uint32_t irs, rcv_nxt;
    tcp_ooo *ooo; /* sorted by sequence number */
    bool fin_received;

    /* Options negotiated on the SYNs (RFC 7323, RFC 2018): each only when
     * both sides offered it, as Linux does. */
    bool ts_ok, sack_ok;
    uint8_t snd_wscale, rcv_wscale; /* 0 without window scaling */
    uint32_t ts_offset;             /* added to the 1 ms clock for TSval */
    uint32_t ts_recent;             /* TS.Recent (RFC 7323 4.3) */
    uint16_t advmss;                /* what we take per segment: 1460, 1448 with timestamps */

    /* The offered window (Linux's tcp_select_window): rcv_wnd offered when
     * rcv_nxt was rcv_wup; rcv_ssthresh grows towards window_clamp as data
     * arrives (tcp_grow_window); window_clamp follows what the application
     * read in a round trip (tcp_rcv_space_adjust). */
    uint32_t rcv_wnd, rcv_wup, rcv_ssthresh, window_clamp;
    uint32_t rcvq_space, rcvq_seq; /* bytes read in the last measured round trip */
    sim_time rcvq_time, rcv_rtt;

    /* Delayed ACK, as Linux's icsk_ack: an ACK is owed (ack_sched), sent at
     * once in quick-ACK mode (ack_quick left, not pingpong), when more than
     * one full segment is unacknowledged, or when ack_now; else by the
     * delayed-ACK timer after ato. */
    bool ack_sched, ack_now, ack_pushed, ack_pushed2;
    uint32_t ack_quick, pingpong;
    sim_time ack_ato, ack_lrcv, delack_at;
    uint16_t rcv_mss;       /* the peer's segment size as we see it */
    uint32_t last_seg_size; /* tcp_measure_rcv_mss's memory */
    sim_event_id delack_ev;

    /* SACK blocks we report (RFC 2018 section 4): the first holds the
     * latest segment that arrived out of order. */
    tcp_sack_block rsack[TCP_MAX_SACK_BLOCKS];
    uint8_t n_rsack;

    /* The sender's scoreboard (RFC 6675): ranges the peer SACKed, sorted,
     * above snd_una; high_rxt is HighRxt. */
    tcp_sack_block *sacked;
    size_t n_sacked, cap_sacked;
    uint32_t high_rxt;

    /* RFC 6298. */
    sim_time srtt, rttvar, rto;
    bool have_rtt;
    bool rtt_timing;  /* a segment is being timed (Karn: never a retransmitted one) */
    uint32_t rtt_seq; /* ... and its ACK will cover this sequence number */
    sim_time rtt_sent;
    uint32_t retries; /* retransmissions by timeout since the last progress */
    bool handshake_retransmitted;
    sim_event_id rto_ev, persist_ev, time_wait_ev;
    uint32_t probes; /* zero-window probes since the window closed */

    /* Keepalive (RFC 1122 4.2.3.6); ka_idle 0: off. */
    sim_time ka_idle, ka_interval;
    uint32_t ka_max, ka_sent; /* probes allowed, probes unanswered */
    sim_time last_rcv;        /* when the peer last sent us a segment */
    sim_event_id keepalive_ev;

    /* RFC 5681 / RFC 6582. */
    uint32_t cwnd, ssthresh, recover;
    uint32_t dupacks;
    bool in_recovery;

    uint32_t busy; /* calls on the stack using this connection */
    bool dead;     /* CLOSED: freed when busy drops to 0 */
};

struct tcp_table {
    u64map *conns;     /* tcp_key() -> tcp_conn * (chained through hash_next) */
    u64map *listeners; /* port -> tcp_conn * */
    u64map *ports;     /* local port -> uint32_t users (listeners and connections) */
    /* The segment tcp_input is processing while its fate is not yet traced
     * (see seg_trace_accepted); NULL otherwise. */
    struct tcp_seg *accepting;
};

/* An arriving segment. */
typedef struct tcp_seg {
    tcp_header h;
    const uint8_t *data;
    uint32_t len; /* data bytes */
    ipv4_addr src, dst;
    frame *f;
    const port *p;
    tcp_conn *conn; /* the listener or connection processing it, once found */
} tcp_seg;

/* --- sequence numbers (3.4: arithmetic modulo 2^32) --- */

static bool seq_lt(uint32_t a, uint32_t b) {
    return (int32_t)(a - b) < 0;
}
static bool seq_leq(uint32_t a, uint32_t b) {
    return (int32_t)(a - b) <= 0;
}
static bool seq_gt(uint32_t a, uint32_t b) {
    return (int32_t)(a - b) > 0;
}
static bool seq_geq(uint32_t a, uint32_t b) {
    return (int32_t)(a - b) >= 0;
}

static uint32_t min_u32(uint32_t a, uint32_t b) {
    return a < b ? a : b;
}

const char *tcp_state_name(tcp_state s) {
    static const char *const names[] = {
        [TCP_CLOSED] = "CLOSED",           [TCP_LISTEN] = "LISTEN",
        [TCP_SYN_SENT] = "SYN-SENT",       [TCP_SYN_RECEIVED] = "SYN-RECEIVED",
        [TCP_ESTABLISHED] = "ESTABLISHED", [TCP_FIN_WAIT_1] = "FIN-WAIT-1",
        [TCP_FIN_WAIT_2] = "FIN-WAIT-2",   [TCP_CLOSE_WAIT] = "CLOSE-WAIT",
        [TCP_CLOSING] = "CLOSING",         [TCP_LAST_ACK] = "LAST-ACK",
        [TCP_TIME_WAIT] = "TIME-WAIT",
    };
    return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "?";
}

/* --- the table --- */

static uint64_t tcp_key(uint16_t local_port, ipv4_addr remote_ip, uint16_t remote_port) {
    return (uint64_t)local_port << 48 | (uint64_t)remote_port << 32 | remote_ip;
}

static struct tcp_table *tcp_table_get(ip_stack *st) {
    if (!st->tcp) {
        st->tcp = calloc(1, sizeof *st->tcp);
        if (!st->tcp)
            ns_out_of_memory();
        st->tcp->conns = u64map_new(sizeof(tcp_conn *));
        st->tcp->listeners = u64map_new(sizeof(tcp_conn *));
        st->tcp->ports = u64map_new(sizeof(uint32_t));
        if (!st->tcp->conns || !st->tcp->listeners || !st->tcp->ports)
            ns_out_of_memory();
    }
    return st->tcp;
}

static void table_port_ref(struct tcp_table *t, uint16_t port_number) {
    uint32_t *users = u64map_put(t->ports, port_number, NULL);
    (*users)++;
}

static void table_port_unref(struct tcp_table *t, uint16_t port_number) {
    uint32_t *users = u64map_get(t->ports, port_number);
    if (users && --*users == 0)
        u64map_remove(t->ports, port_number);
}

static bool table_port_used(const ip_stack *st, uint16_t port_number) {
    return st->tcp && u64map_get(st->tcp->ports, port_number) != NULL;
}

bool tcp_port_bound(const ip_stack *st, uint16_t port_number) {
    return table_port_used(st, port_number);
}

static tcp_conn *table_find_listener(const ip_stack *st, uint16_t port_number) {
    if (!st->tcp)
        return NULL;
    tcp_conn **slot = u64map_get(st->tcp->listeners, port_number);
    return slot ? *slot : NULL;
}

static tcp_conn *table_find(const ip_stack *st, ipv4_addr local_ip, uint16_t local_port,
                            ipv4_addr remote_ip, uint16_t remote_port) {
    if (!st->tcp)
        return NULL;
    tcp_conn **slot = u64map_get(st->tcp->conns, tcp_key(local_port, remote_ip, remote_port));
    for (tcp_conn *c = slot ? *slot : NULL; c; c = c->hash_next)
        if (c->local_ip == local_ip)
            return c;
    return NULL;
}

static void table_add(tcp_conn *c) {
    struct tcp_table *t = tcp_table_get(c->st);
    if (c->is_listener) {
        tcp_conn **slot = u64map_put(t->listeners, c->local_port, NULL);
        *slot = c;
    } else {
        bool created;
        tcp_conn **slot =
            u64map_put(t->conns, tcp_key(c->local_port, c->remote_ip, c->remote_port), &created);
        c->hash_next = created ? NULL : *slot;
        *slot = c;
    }
    table_port_ref(t, c->local_port);
}

static void table_remove(tcp_conn *c) {
    struct tcp_table *t = c->st->tcp;
    if (c->is_listener) {
        u64map_remove(t->listeners, c->local_port);
    } else {
        uint64_t key = tcp_key(c->local_port, c->remote_ip, c->remote_port);
        tcp_conn **slot = u64map_get(t->conns, key);
        tcp_conn **pp = slot;
        while (*pp && *pp != c)
            pp = &(*pp)->hash_next;
        if (*pp)
            *pp = c->hash_next;
        if (!*slot)
            u64map_remove(t->conns, key);
    }
    table_port_unref(t, c->local_port);
}

/* --- tracing --- */

static network *conn_net(const tcp_conn *c) {
    return c->st->node->net;
}

static sim *conn_sim(const tcp_conn *c) {
    return c->st->node->net->sim;
}

static const port *tcp_port_of(const ip_stack *st, uint32_t iface) {
    return iface < st->n_ifaces ? st->ifaces[iface].port : &ip_loopback_port;
}

/* "10.0.0.1:40000 > 10.0.0.2:7", or "0.0.0.0:7" for a listener. */
static void conn_addr_text(const tcp_conn *c, char *buf, size_t cap) {
    char l[IPV4_TEXT_LEN], r[IPV4_TEXT_LEN];
    if (c->is_listener)
        snprintf(buf, cap, "0.0.0.0:%u", c->local_port);
    else
        snprintf(buf, cap, "%s:%u > %s:%u", ipv4_format(c->local_ip, l), c->local_port,
                 ipv4_format(c->remote_ip, r), c->remote_port);
}

/* "SYN-ACK", "SYN", "RST", "FIN", "ACK": what a segment without data is. */
static const char *seg_kind(const tcp_seg *s) {
    uint8_t flags = s->h.flags;
    if ((flags & (TCP_SYN | TCP_ACK)) == (TCP_SYN | TCP_ACK))
        return "SYN-ACK";
    if (flags & TCP_SYN)
        return "SYN";
    if (flags & TCP_RST)
        return "RST";
    if (flags & TCP_FIN)
        return "FIN";
    return s->len ? N_("segment") : "ACK";
}

/* A segment is either dropped (seg_drop), or its data handed to the
 * application (conn_take_data), or accepted by TCP for its flags alone: then
 * this traces it, once, as delivered to the connection that took it, just
 * before the first thing it causes (a state change, a segment sent, a call
 * to the application) or at the end of its processing. `state` is the state
 * it leads to; `why` NULL says "<kind> accepted: <state>". The event names
 * the listener or connection (table "tcp", its entry looked at). */
static void seg_trace_accepted(ip_stack *st, tcp_state state, const char *why) {
    struct tcp_table *t = st->tcp;
    tcp_seg *s = t ? t->accepting : NULL;
    if (!s)
        return;
    t->accepting = NULL;
    if (!net_tracing(st->node->net))
        return;
    char addrs[64], text[128];
    conn_addr_text(s->conn, addrs, sizeof addrs);
    if (!why) {
        /* TRANSLATORS: "SYN accepted: LISTEN"; %1$s is a segment's kind (SYN, ACK, FIN, RST,
         * SYN-ACK or the translation of "segment"), %2$s the state it leads to. */
        snprintf(text, sizeof text, _("%s accepted: %s"), _(seg_kind(s)), tcp_state_name(state));
        why = text;
    }
    trace_change change = {.table = TRACE_TABLE_TCP,
                           .key = addrs,
                           .old_value = tcp_state_name(s->conn->state),
                           .new_value = tcp_state_name(s->conn->state)};
    net_trace_change(st->node->net, TRACE_DELIVER, st->node, s->p, s->f, &change, why, NULL);
}

/* seg_trace_accepted in the state the connection is in now. */
static void seg_trace_accepted_now(ip_stack *st) {
    if (st->tcp && st->tcp->accepting)
        seg_trace_accepted(st, st->tcp->accepting->conn->state, NULL);
}

/* Every state change is traced: detail "addrs FROM -> TO", why the reason;
 * as a table change, the connection's entry goes from FROM to TO (CLOSED is
 * no entry). */
static void conn_set_state(tcp_conn *c, tcp_state to, const char *why) {
    char addrs[64], detail[128];
    conn_addr_text(c, addrs, sizeof addrs);
    snprintf(detail, sizeof detail, "%s %s -> %s", addrs, tcp_state_name(c->state),
             tcp_state_name(to));
    trace_change change = {
        .table = TRACE_TABLE_TCP,
        .key = addrs,
        .old_value = c->state == TCP_CLOSED ? NULL : tcp_state_name(c->state),
        .new_value = to == TCP_CLOSED ? NULL : tcp_state_name(to),
    };
    seg_trace_accepted(c->st, to, NULL);
    c->state = to;
    net_trace_change(conn_net(c), TRACE_STATE, c->st->node, NULL, NULL, &change, why, detail);
}

/* --- sending --- */

/* Builds one segment (header, options, data) and hands it to IP from
 * `src` to `dst`; `again`: it is a retransmission (the packet carries the
 * mark, trace_event.retransmission). */
static void tcp_send_raw(ip_stack *st, ipv4_addr src, ipv4_addr dst, const tcp_header *h,
                         const uint8_t *data, size_t len, bool again) {
    uint8_t buf[TCP_MAX_HEADER_LEN + TCP_MSS_ETHERNET];
    size_t hl = tcp_header_len_for(&h->opt);
    if (len)
        memcpy(buf + hl, data, len);
    seg_trace_accepted_now(st);
    tcp_emit(h, buf, hl + len, src, dst);
    ip_send_route r = ip_stack_route_for(st, dst);
    if (src)
        r.src = src;
    r.retransmission = again;
    ip_stack_send_routed(st, &r, dst, IPPROTO_TCP_NUM, buf, hl + len, 0, NULL);
}

/* --- windows and timestamps --- */

/* TSval: a 1 ms clock (Linux's tcp_time_stamp_ms) plus this connection's
 * offset (RFC 7323 section 5.4). */
static uint32_t ts_now(const tcp_conn *c) {
    return (uint32_t)(sim_now(c->st->node->net->sim) / SIM_MS) + c->ts_offset;
}

/* tcp_receive_window: what is left of the window we offered last. */
static uint32_t window_left(const tcp_conn *c) {
    int32_t left = (int32_t)(c->rcv_wup + c->rcv_wnd - c->rcv_nxt);
    return left > 0 ? (uint32_t)left : 0;
}

/* Linux's __tcp_select_window for an application that reads in-order data
 * as it arrives: the free space is the whole window_clamp (segments held out
 * of order are not counted against it), offered up to rcv_ssthresh; with
 * scaling rounded up to the scale's unit, without it kept while within one
 * MSS of the free space, else a multiple of the MSS. */
static uint32_t window_select(const tcp_conn *c) {
    uint32_t free_space = min_u32(c->window_clamp, c->rcv_ssthresh);
    if (c->rcv_wscale) {
        uint32_t unit = 1u << c->rcv_wscale;
        return (free_space + unit - 1) & ~(unit - 1);
    }
    uint32_t window = c->rcv_wnd, mss = c->rcv_mss ? c->rcv_mss : 1;
    if (window + mss <= free_space || window > free_space)
        window = free_space / mss * mss;
    return window;
}

/* tcp_select_window: the window field of a segment other than a SYN. The
 * window offered never shrinks (RFC 9293 3.8.6.2.2); rcv_wup moves to
 * rcv_nxt. */
static uint16_t window_field(tcp_conn *c) {
    uint32_t cur = window_left(c), win = window_select(c);
    uint32_t unit = 1u << c->rcv_wscale;
    if (win < cur)
        win = (cur + unit - 1) & ~(unit - 1);
    c->rcv_wnd = win;
    c->rcv_wup = c->rcv_nxt;
    uint32_t max = 65535u << c->rcv_wscale;
    return (uint16_t)(min_u32(win, max) >> c->rcv_wscale);
}

/* tcp_select_initial_window: the window of our SYN or SYN-ACK, the space
 * rounded down to a multiple of the MSS we take, never scaled (RFC 7323
 * 2.2); also where rcv_ssthresh and window_clamp start. */
static uint16_t window_initial(tcp_conn *c) {
    uint32_t mss = c->advmss;
    c->rcv_wnd = min_u32(TCP_RCV_SPACE / mss * mss, 65535);
    c->rcv_ssthresh = c->rcv_wnd;
    c->window_clamp = TCP_RCV_SPACE;
    c->rcv_wup = c->rcv_nxt;
    return (uint16_t)c->rcv_wnd;
}

/* --- delayed ACK (Linux's icsk_ack) --- */

static void on_delack(sim *s, void *a, void *b);
static void conn_send_ack(tcp_conn *c);

/* tcp_incr_quickack: up to 16 ACKs at once, fewer in a small window. */
static void ack_incr_quick(tcp_conn *c) {
    uint32_t quick = c->rcv_wnd / (2u * c->rcv_mss);
    if (quick == 0)
        quick = 2;
    quick = min_u32(quick, TCP_MAX_QUICKACKS);
    if (quick > c->ack_quick)
        c->ack_quick = quick;
}

/* tcp_enter_quickack_mode: after out-of-order or duplicate data. */
static void ack_enter_quick(tcp_conn *c) {
    ack_incr_quick(c);
    c->pingpong = 0;
    c->ack_ato = TCP_ATO_MIN;
}

static bool ack_in_quick_mode(const tcp_conn *c) {
    return c->ack_quick > 0 && c->pingpong < TCP_PINGPONG;
}

/* A segment carrying an ACK leaves (tcp_event_ack_sent): one quick ACK
 * used if one was owed (tcp_dec_quickack_mode), nothing owed any more. */
static void ack_sent(tcp_conn *c) {
    if (c->ack_quick && c->ack_sched) {
        if (--c->ack_quick == 0)
            c->ack_ato = TCP_ATO_MIN;
    }
    c->ack_sched = c->ack_now = c->ack_pushed = c->ack_pushed2 = false;
    if (c->delack_ev)
        sim_cancel(conn_sim(c), c->delack_ev);
    c->delack_ev = 0;
}

/* tcp_measure_rcv_mss: a segment at least as long as the estimate sets it;
 * a shorter one marks the ACK "pushed" (sent when the application reads the
 * data), unless two in a row of one plausible size show a smaller MSS. */
static void measure_rcv_mss(tcp_conn *c, uint32_t len, uint32_t header_len, uint8_t flags) {
    if (len >= c->rcv_mss) {
        c->rcv_mss = (uint16_t)min_u32(len, c->advmss);
        return;
    }
    uint32_t whole = len + header_len; /* with its TCP header */
    bool remnant = flags & (TCP_FIN | TCP_URG | TCP_RST | TCP_PSH);
    if (whole >= TCP_MSS_DEFAULT + TCP_HEADER_LEN ||
        (whole >= TCP_MIN_MSS + TCP_HEADER_LEN && !remnant)) {
        uint32_t seg = whole - TCP_HEADER_LEN - (c->ts_ok ? TCP_TS_ALIGNED : 0);
        uint32_t lss = c->last_seg_size;
        c->last_seg_size = seg;
        if (seg == lss) {
            c->rcv_mss = (uint16_t)seg;
            return;
        }
    }
    if (c->ack_pushed)
        c->ack_pushed2 = true;
    c->ack_pushed = true;
}

/* In-order data arrived (tcp_event_data_recv): an ACK is owed; the first
 * data of a connection starts quick-ACK mode; the ACK timeout (ato) follows
 * the gaps between arrivals. */
static void ack_data_arrived(tcp_conn *c, uint32_t len, uint32_t header_len, uint8_t flags) {
    sim_time now = sim_now(conn_sim(c));
    c->ack_sched = true;
    measure_rcv_mss(c, len, header_len, flags);
    if (!c->ack_ato) {
        ack_incr_quick(c);
        c->ack_ato = TCP_ATO_MIN;
    } else {
        sim_time m = now - c->ack_lrcv;
        if (m <= TCP_ATO_MIN / 2) {
            c->ack_ato = c->ack_ato / 2 + TCP_ATO_MIN / 2;
        } else if (m < c->ack_ato) {
            c->ack_ato = c->ack_ato / 2 + m;
            if (c->ack_ato > c->rto)
                c->ack_ato = c->rto;
        } else if (m > c->rto) {
            ack_incr_quick(c); /* a long silence: the sender restarts */
        }
    }
    c->ack_lrcv = now;
}

/* tcp_send_delayed_ack: the timer runs ato (at most 200 ms, bounded by the
 * RTT once ato grew past 40 ms); an older, earlier deadline stands. */
static void ack_delay(tcp_conn *c) {
    sim *s = conn_sim(c);
    sim_time ato = c->ack_ato;
    if (ato > TCP_ATO_MIN) {
        sim_time max_ato =
            (c->pingpong >= TCP_PINGPONG || c->ack_pushed) ? TCP_DELACK_MAX : TCP_ATO_MAX_IDLE;
        if (c->have_rtt) {
            sim_time rtt = c->srtt > TCP_ATO_MIN ? c->srtt : TCP_ATO_MIN;
            if (rtt < max_ato)
                max_ato = rtt;
        }
        if (ato > max_ato)
            ato = max_ato;
    }
    if (ato > TCP_DELACK_MAX)
        ato = TCP_DELACK_MAX;
    sim_time at = sim_now(s) + ato;
    if (c->delack_ev) {
        if (c->delack_at <= sim_now(s) + ato / 4) {
            conn_send_ack(c); /* the timer is about to fire anyway */
            return;
        }
        if (at >= c->delack_at)
            return;
        sim_cancel(s, c->delack_ev);
    }
    c->delack_at = at;
    c->delack_ev = sim_schedule(s, ato, on_delack, c, NULL, NULL);
}

/* __tcp_ack_snd_check: with an ACK owed, send it now when more than one
 * full-sized segment is unacknowledged (and the window would not shrink),
 * in quick-ACK mode, when out-of-order data is held (RFC 5681 4.2) or when
 * the protocol wants it at once; otherwise start the delayed-ACK timer. */
static void ack_check(tcp_conn *c) {
    if (c->dead || !c->ack_sched)
        return;
    bool two_full = c->rcv_nxt - c->rcv_wup > c->rcv_mss && window_select(c) >= c->rcv_wnd;
    if (two_full || ack_in_quick_mode(c) || c->ack_now || c->ooo)
        conn_send_ack(c);
    else
        ack_delay(c);
}

/* The application read what arrived (tcp_cleanup_rbuf): an ACK still owed
 * for a small segment goes now unless the connection is interactive
 * (pingpong), where the answer will carry it. */
static void ack_after_read(tcp_conn *c) {
    if (c->dead || !c->ack_sched)
        return;
    if (c->ack_pushed2 || (c->ack_pushed && c->pingpong < TCP_PINGPONG)) {
        conn_send_ack(c);
        return;
    }
    /* A window opened "significantly" (twice what is left) is offered at once. */
    uint32_t left = window_left(c);
    if (!c->fin_received && 2 * left <= c->window_clamp) {
        uint32_t win = window_select(c);
        if (win && win >= 2 * left)
            conn_send_ack(c);
    }
}

static void on_delack(sim *s, void *a, void *b) {
    (void)s;
    (void)b;
    tcp_conn *c = a;
    c->delack_ev = 0;
    if (c->dead || !c->ack_sched)
        return;
    if (c->pingpong < TCP_PINGPONG) {
        /* Delayed ACK missed: inflate ATO (tcp_delack_timer_handler). */
        c->ack_ato = c->ack_ato * 2 < c->rto ? c->ack_ato * 2 : c->rto;
    } else {
        /* ... and leave interactive mode. */
        c->pingpong = 0;
        c->ack_ato = TCP_ATO_MIN;
    }
    char addrs[64], detail[128];
    conn_addr_text(c, addrs, sizeof addrs);
    snprintf(detail, sizeof detail, "%s ack=%lu", addrs, (unsigned long)c->rcv_nxt);
    net_trace(conn_net(c), TRACE_SEND, c->st->node, NULL, NULL, _("delayed ACK (timer)"), detail);
    conn_send_ack(c);
}

/* The options of a segment of ours: on SYNs what we offer (MSS; SACK-
 * permitted, timestamps and window scale, answering only what the peer
 * offered on a SYN-ACK), later timestamps and SACK blocks if agreed. */
static void conn_options(tcp_conn *c, uint8_t flags, tcp_options *o) {
    *o = tcp_options_none();
    if (flags & TCP_SYN) {
        o->mss = TCP_MSS_ETHERNET; /* 3.7.1: announce what we can receive */
        bool offer = !(flags & TCP_ACK);
        o->sack_permitted = offer || c->sack_ok;
        o->has_timestamps = offer || c->ts_ok;
        if (offer || c->rcv_wscale)
            o->window_scale = (int8_t)c->rcv_wscale;
    } else {
        o->has_timestamps = c->ts_ok;
        if (c->sack_ok && (flags & TCP_ACK) && !(flags & TCP_RST)) {
            uint8_t room = c->ts_ok ? 3 : TCP_MAX_SACK_BLOCKS;
            o->sack_count = c->n_rsack < room ? c->n_rsack : room;
            memcpy(o->sack, c->rsack, o->sack_count * sizeof o->sack[0]);
        }
    }
    if (o->has_timestamps) {
        o->ts_val = ts_now(c);
        /* RFC 7323 3.2: TSecr is TS.Recent when ACK is set, else 0. */
        o->ts_ecr = (flags & TCP_ACK) ? c->ts_recent : 0;
    }
}

/* Sends a segment of this connection: `len` data bytes from the send buffer
 * starting at sequence number `seq` (0 bytes for control segments). */
static void conn_send_segment(tcp_conn *c, uint32_t seq, uint8_t flags, uint32_t len, bool again) {
    tcp_header h = {.src_port = c->local_port,
                    .dst_port = c->remote_port,
                    .seq = seq,
                    .ack = (flags & TCP_ACK) ? c->rcv_nxt : 0,
                    .flags = flags};
    conn_options(c, flags, &h.opt);
    h.window = (flags & TCP_SYN) ? window_initial(c) : window_field(c);
    const uint8_t *data = NULL;
    if (len) {
        assert(seq_geq(seq, c->sbuf_seq) && seq - c->sbuf_seq + len <= c->sbuf_len);
        data = c->sbuf + c->sbuf_head + (seq - c->sbuf_seq);
        /* tcp_event_data_sent: an answer within ato of the last arrival
         * makes the connection interactive (pingpong). */
        if (c->ack_ato && sim_now(conn_sim(c)) - c->ack_lrcv < c->ack_ato &&
            c->pingpong < TCP_PINGPONG)
            c->pingpong++;
    }
    if (flags & TCP_ACK)
        ack_sent(c);
    tcp_send_raw(c->st, c->local_ip, c->remote_ip, &h, data, len, again);
}

/* A segment sent for the first time (or an ACK, RST...). */
static void conn_send(tcp_conn *c, uint32_t seq, uint8_t flags, uint32_t len) {
    conn_send_segment(c, seq, flags, len, false);
}

/* <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>: the ACK of 3.10.7.4. */
static void conn_send_ack(tcp_conn *c) {
    conn_send(c, c->snd_nxt, TCP_ACK, 0);
}

/* A reset in answer to a segment that belongs to no connection (3.10.7.1):
 * with ACK, <SEQ=SEG.ACK><CTL=RST>; else <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>. */
static void tcp_send_reset_for(ip_stack *st, const tcp_header *in, ipv4_addr src, ipv4_addr dst,
                               uint32_t seg_len) {
    tcp_header h = {.src_port = in->dst_port, .dst_port = in->src_port, .opt = tcp_options_none()};
    if (in->flags & TCP_ACK) {
        h.seq = in->ack;
        h.flags = TCP_RST;
    } else {
        h.ack = in->seq + seg_len;
        h.flags = TCP_RST | TCP_ACK;
    }
    tcp_send_raw(st, dst, src, &h, NULL, 0, false);
}

/* --- timers --- */

static void on_rto(sim *s, void *a, void *b);
static void on_persist(sim *s, void *a, void *b);
static void on_time_wait(sim *s, void *a, void *b);
static void on_keepalive(sim *s, void *a, void *b);

static void timer_cancel(tcp_conn *c, sim_event_id *ev) {
    if (*ev)
        sim_cancel(conn_sim(c), *ev);
    *ev = 0;
}

static void rto_start(tcp_conn *c) {
    timer_cancel(c, &c->rto_ev);
    c->rto_ev = sim_schedule(conn_sim(c), c->rto, on_rto, c, NULL, NULL);
}

/* RFC 6298 5.1: a segment that occupies sequence space starts the timer if
 * it is not running. */
static void rto_ensure(tcp_conn *c) {
    if (!c->rto_ev)
        rto_start(c);
}

static void timers_cancel_all(tcp_conn *c) {
    timer_cancel(c, &c->rto_ev);
    timer_cancel(c, &c->persist_ev);
    timer_cancel(c, &c->time_wait_ev);
    timer_cancel(c, &c->keepalive_ev);
}

static void keepalive_start(tcp_conn *c, sim_time after) {
    timer_cancel(c, &c->keepalive_ev);
    c->keepalive_ev = sim_schedule(conn_sim(c), after, on_keepalive, c, NULL, NULL);
}

/* RFC 6298 section 2: a new round-trip sample r. */
static void rtt_sample(tcp_conn *c, sim_time r) {
    if (!c->have_rtt) {
        c->srtt = r;
        c->rttvar = r / 2;
        c->have_rtt = true;
    } else {
        sim_time diff = c->srtt > r ? c->srtt - r : r - c->srtt;
        c->rttvar = (3 * c->rttvar + diff) / 4;
        c->srtt = (7 * c->srtt + r) / 8;
    }
    /* RTO = SRTT + max(G, 4*RTTVAR); the engine's clock granularity G is 1 ns. */
    sim_time rto = c->srtt + (4 * c->rttvar > 0 ? 4 * c->rttvar : 1);
    c->rto = rto < TCP_RTO_MIN ? TCP_RTO_MIN : rto > TCP_RTO_MAX ? TCP_RTO_MAX : rto;
}

/* --- connection life --- */

static void conn_free(tcp_conn *c) {
    for (tcp_ooo *o = c->ooo, *next; o; o = next) {
        next = o->next;
        free(o->data);
        free(o);
    }
    free(c->sbuf);
    free(c->sacked);
    free(c);
}

static void conn_hold(tcp_conn *c) {
    c->busy++;
}

static void conn_release(tcp_conn *c) {
    if (--c->busy == 0 && c->dead)
        conn_free(c);
}

/* The end: traced as "-> CLOSED", removed from the table, timers cancelled,
 * the application told (when `notify`), freed once no call uses it. */
static void conn_finish(tcp_conn *c, tcp_end end, bool notify, const char *why) {
    if (c->dead)
        return;
    timers_cancel_all(c);
    table_remove(c);
    conn_set_state(c, TCP_CLOSED, why);
    c->dead = true;
    conn_hold(c);
    if (notify && c->h && c->h->closed)
        c->h->closed(c->ctx, c, end);
    conn_release(c);
}

static tcp_conn *conn_new(ip_stack *st, const tcp_handler *h, void *ctx) {
    tcp_conn *c = calloc(1, sizeof *c);
    if (!c)
        ns_out_of_memory();
    c->st = st;
    c->h = h;
    c->ctx = ctx;
    c->state = TCP_CLOSED;
    c->rto = TCP_RTO_INITIAL;
    c->ssthresh = UINT32_MAX; /* RFC 5681 3.1: arbitrarily high */
    return c;
}

/* ISS from the run's generator (3.4.1 asks for an unpredictable ISN; here it
 * is reproducible from the seed instead). Sets the send variables. The
 * timestamp offset is a hash of the ISS and the four-tuple, as Linux's
 * secure_tcp_ts_off hashes the addresses with a secret: it draws nothing from
 * the run's generator, so ports and ISNs stay what they were. */
static void conn_choose_iss(tcp_conn *c) {
    c->iss = (uint32_t)rng_next(sim_rng(conn_sim(c)));
    uint64_t mix = (uint64_t)c->iss << 32 ^ (uint64_t)c->local_ip << 16 ^ c->remote_ip ^
                   (uint64_t)c->local_port << 48 ^ c->remote_port ^ 0x7473u; /* "ts" */
    c->ts_offset = (uint32_t)rng_splitmix64(&mix);
    c->snd_una = c->iss;
    c->snd_nxt = c->iss + 1;
    c->snd_max = c->iss + 1;
    c->sbuf_seq = c->iss + 1;
    c->recover = c->iss;
    c->high_rxt = c->iss;
}

/* The peer's SYN or SYN-ACK settles the options: each of timestamps,
 * SACK and window scaling is used only when both sides offered it (RFC 7323
 * 1.3, RFC 2018 section 2), as Linux does. The peer's MSS option (3.7.1)
 * sets our segment size, less the 12 bytes of timestamps every segment then
 * carries (1448), and the initial congestion window. */
static void conn_negotiate(tcp_conn *c, const tcp_header *h) {
    c->ts_ok = h->opt.has_timestamps;
    if (c->ts_ok)
        c->ts_recent = h->opt.ts_val;
    c->sack_ok = h->opt.sack_permitted;
    if (h->opt.window_scale >= 0) {
        c->snd_wscale = (uint8_t)h->opt.window_scale;
        c->rcv_wscale = TCP_WSCALE;
    } else {
        c->snd_wscale = c->rcv_wscale = 0;
    }
    uint16_t opt_len = c->ts_ok ? TCP_TS_ALIGNED : 0;
    uint16_t peer = h->opt.mss ? h->opt.mss : TCP_MSS_DEFAULT;
    c->mss = (uint16_t)((peer < TCP_MSS_ETHERNET ? peer : TCP_MSS_ETHERNET) - opt_len);
    c->advmss = (uint16_t)(TCP_MSS_ETHERNET - opt_len);
    c->cwnd = TCP_INIT_CWND * (uint32_t)c->mss;
    /* tcp_initialize_rcv_mss: a guess until data shows the peer's size. */
    uint32_t hint = min_u32(min_u32(c->advmss, c->mss), TCP_MSS_DEFAULT);
    c->rcv_mss = (uint16_t)(hint < TCP_MIN_MSS ? TCP_MIN_MSS : hint);
}

/* The connection is established: the receive-buffer tuning starts
 * (tcp_init_buffer_space: a first round trip is expected to bring at most
 * the initial window of 10 segments). */
static void rcvq_start(tcp_conn *c) {
    c->rcvq_space = min_u32(min_u32(c->rcv_ssthresh, c->rcv_wnd), TCP_INIT_CWND * c->advmss);
    c->rcvq_seq = c->rcv_nxt;
    c->rcvq_time = sim_now(conn_sim(c));
}

/* An ACK acknowledged new data (or our SYN): an RTT sample. With timestamps
 * from the echoed TSval on every such ACK (RFC 7323 section 4.1; 1 ms
 * granularity, at least 1 ms as Linux's tcp_rtt_tsopt_us); without them from
 * the one timed segment (RFC 6298, Karn's algorithm). */
static void rtt_on_ack(tcp_conn *c, const tcp_header *h, uint32_t ack) {
    if (c->ts_ok && h->opt.has_timestamps && h->opt.ts_ecr) {
        uint32_t ms = ts_now(c) - h->opt.ts_ecr;
        if (ms < 0x7fffffffu)
            rtt_sample(c, (ms ? ms : 1) * SIM_MS);
        c->rtt_timing = false;
        return;
    }
    if (c->rtt_timing && seq_geq(ack, c->rtt_seq)) {
        rtt_sample(c, sim_now(conn_sim(c)) - c->rtt_sent);
        c->rtt_timing = false;
    }
}

/* Starts timing the segment whose ACK will cover `end`, unless one is timed
 * already (RFC 6298 allows one sample per round trip). */
static void rtt_start(tcp_conn *c, uint32_t end) {
    if (c->rtt_timing)
        return;
    c->rtt_timing = true;
    c->rtt_seq = end;
    c->rtt_sent = sim_now(conn_sim(c));
}

/* --- output --- */

static bool state_can_send(tcp_state s) {
    return s == TCP_ESTABLISHED || s == TCP_CLOSE_WAIT || s == TCP_FIN_WAIT_1 || s == TCP_CLOSING ||
           s == TCP_LAST_ACK;
}

static uint32_t data_end(const tcp_conn *c) {
    return c->sbuf_seq + (uint32_t)c->sbuf_len;
}

/* Traces a segment sent again, just before IP sends it (and traces it
 * again, with its packet id, on the port it leaves by). */
static void trace_retransmission(tcp_conn *c, const char *why, uint8_t flags, uint32_t seq,
                                 uint32_t len) {
    char addrs[64], detail[256], f[TCP_FLAGS_TEXT_LEN];
    conn_addr_text(c, addrs, sizeof addrs);
    snprintf(detail, sizeof detail, _("%s [%s] seq=%lu len=%lu, timeouts %u, RTO %llu ms"), addrs,
             tcp_flags_text(flags, f), (unsigned long)seq, (unsigned long)len, c->retries,
             (unsigned long long)(c->rto / SIM_MS));
    seg_trace_accepted_now(c->st);
    network *net = conn_net(c);
    if (!trace_bus_active(net->trace))
        return;
    trace_event ev = net_event(net, TRACE_SEND, c->st->node, NULL, NULL, why, detail);
    ev.retransmission = true;
    trace_emit(net->trace, &ev);
}

/* Our FIN leaves for the first time: ESTABLISHED -> FIN-WAIT-1 or
 * CLOSE-WAIT -> LAST-ACK (3.10.4). */
static void conn_fin_sent(tcp_conn *c) {
    c->fin_sent = true;
    if (c->state == TCP_ESTABLISHED)
        conn_set_state(c, TCP_FIN_WAIT_1, _("close: FIN sent after the queued data"));
    else if (c->state == TCP_CLOSE_WAIT)
        conn_set_state(c, TCP_LAST_ACK, _("close: FIN sent after the queued data"));
}

/* --- the SACK scoreboard (RFC 6675) --- */

/* The bytes SACKed in all. */
static uint32_t sb_total(const tcp_conn *c) {
    uint32_t n = 0;
    for (size_t i = 0; i < c->n_sacked; i++)
        n += c->sacked[i].right - c->sacked[i].left;
    return n;
}

/* The peer SACKed [left, right): merged into the sorted list. */
static void sb_insert(tcp_conn *c, uint32_t left, uint32_t right) {
    size_t i = 0;
    while (i < c->n_sacked && seq_lt(c->sacked[i].right, left))
        i++;
    size_t j = i;
    while (j < c->n_sacked && seq_leq(c->sacked[j].left, right)) {
        if (seq_lt(c->sacked[j].left, left))
            left = c->sacked[j].left;
        if (seq_gt(c->sacked[j].right, right))
            right = c->sacked[j].right;
        j++;
    }
    if (j == i) { /* no overlap: make room at i */
        if (c->n_sacked == c->cap_sacked) {
            c->cap_sacked = c->cap_sacked ? 2 * c->cap_sacked : 8;
            tcp_sack_block *grown = realloc(c->sacked, c->cap_sacked * sizeof *grown);
            if (!grown)
                ns_out_of_memory();
            c->sacked = grown;
        }
        memmove(c->sacked + i + 1, c->sacked + i, (c->n_sacked - i) * sizeof *c->sacked);
        c->n_sacked++;
    } else if (j > i + 1) { /* ranges i..j-1 become one */
        memmove(c->sacked + i + 1, c->sacked + j, (c->n_sacked - j) * sizeof *c->sacked);
        c->n_sacked -= j - i - 1;
    }
    c->sacked[i].left = left;
    c->sacked[i].right = right;
}

/* The SACK blocks of an ACK, clipped to what is outstanding above it (a
 * block at or below the ACK reports a duplicate, RFC 2883: nothing to mark). */
static void sb_update(tcp_conn *c, const tcp_header *h) {
    if (!c->sack_ok)
        return;
    for (size_t i = 0; i < h->opt.sack_count; i++) {
        uint32_t left = h->opt.sack[i].left, right = h->opt.sack[i].right;
        if (seq_lt(left, h->ack))
            left = h->ack;
        if (seq_gt(right, c->snd_max))
            right = c->snd_max;
        if (seq_lt(left, right))
            sb_insert(c, left, right);
    }
}

/* snd_una moved: what it passed leaves the scoreboard. */
static void sb_trim(tcp_conn *c) {
    size_t n = 0;
    for (size_t i = 0; i < c->n_sacked; i++) {
        tcp_sack_block b = c->sacked[i];
        if (seq_leq(b.right, c->snd_una))
            continue;
        if (seq_lt(b.left, c->snd_una))
            b.left = c->snd_una;
        c->sacked[n++] = b;
    }
    c->n_sacked = n;
}

/* RFC 6675 IsLost(seq): more than (DupThresh - 1) * SMSS bytes, or
 * DupThresh discontiguous ranges, SACKed above it. */
static bool sb_is_lost(const tcp_conn *c, uint32_t seq) {
    uint32_t bytes = 0, ranges = 0;
    for (size_t i = c->n_sacked; i-- > 0;) {
        tcp_sack_block b = c->sacked[i];
        if (seq_leq(b.right, seq))
            break;
        bytes += b.right - (seq_gt(b.left, seq) ? b.left : seq);
        ranges++;
    }
    return bytes > (TCP_DUPACK_THRESH - 1) * (uint32_t)c->mss || ranges >= TCP_DUPACK_THRESH;
}

/* The first gap in the scoreboard at or after `seq` below snd_max:
 * [*left, *right); false when there is none. */
static bool sb_hole_from(const tcp_conn *c, uint32_t seq, uint32_t *left, uint32_t *right) {
    for (size_t i = 0; i < c->n_sacked; i++) {
        tcp_sack_block b = c->sacked[i];
        if (seq_leq(b.right, seq))
            continue;
        if (seq_lt(seq, b.left)) {
            *left = seq;
            *right = b.left;
            return true;
        }
        seq = b.right;
    }
    *left = seq;
    *right = c->snd_max;
    return seq_lt(seq, c->snd_max);
}

/* RFC 6675 SetPipe: the bytes still in the network, counted by segment:
 * every one not SACKed and not lost, plus every one retransmitted. */
static uint32_t sb_pipe(const tcp_conn *c) {
    uint32_t pipe = 0, left, right, seq = c->snd_una;
    while (sb_hole_from(c, seq, &left, &right)) {
        for (uint32_t p = left; seq_lt(p, right); p += c->mss) {
            uint32_t n = min_u32(c->mss, right - p);
            if (!sb_is_lost(c, p))
                pipe += n;
            if (seq_lt(p, c->high_rxt))
                pipe += n;
        }
        seq = right;
    }
    return pipe;
}

/* Sends `space` sequence numbers from `seq` again: data up to the end of
 * the buffer, the FIN if it was sent and lies in that range. */
static void conn_resend(tcp_conn *c, uint32_t seq, uint32_t space, const char *why) {
    uint32_t end = data_end(c);
    uint32_t n = seq_lt(seq, end) ? min_u32(space, end - seq) : 0;
    bool fin = c->fin_sent && seq_leq(seq, end) && seq_geq(seq + space, end + 1);
    uint8_t flags = TCP_ACK | (n > 0 && seq + n == end ? TCP_PSH : 0) | (fin ? TCP_FIN : 0);
    c->rtt_timing = false; /* Karn */
    trace_retransmission(c, why, flags, seq, n);
    conn_send_segment(c, seq, flags, n, true);
    rto_ensure(c);
}

/* One new segment from snd_nxt within `usable` bytes of window (and the FIN
 * once all data has left, which like BSD's needs no window). Returns false
 * when nothing could go. */
static bool conn_send_new(tcp_conn *c, uint32_t usable) {
    uint32_t end = data_end(c);
    uint32_t avail = seq_lt(c->snd_nxt, end) ? end - c->snd_nxt : 0;
    uint32_t n = min_u32(min_u32(c->mss, usable), avail);
    bool fin = c->close_requested && n == avail && c->snd_nxt + n == end;
    if (fin && c->fin_sent && seq_geq(c->snd_nxt, end + 1))
        fin = false; /* it left already */
    if (n == 0 && !fin)
        return false;
    uint8_t flags = TCP_ACK;
    if (n > 0 && n == avail)
        flags |= TCP_PSH; /* the last segment of this burst */
    if (fin)
        flags |= TCP_FIN;
    uint32_t seq = c->snd_nxt;
    uint32_t seg_end = seq + n + (fin ? 1 : 0);
    bool again = seq_lt(seq, c->snd_max);
    if (again) {
        c->rtt_timing = false; /* Karn */
        trace_retransmission(c, _("retransmission (timeout)"), flags, seq, n);
    } else {
        rtt_start(c, seg_end);
    }
    if (fin && !c->fin_sent)
        conn_fin_sent(c); /* the state changes as the FIN leaves */
    conn_send_segment(c, seq, flags, n, again);
    c->snd_nxt = seg_end;
    if (seq_gt(seg_end, c->snd_max))
        c->snd_max = seg_end;
    rto_ensure(c);
    return !fin;
}

/* RFC 6675 section 5 (4.4 and C): while cwnd leaves room for a segment
 * beyond pipe, NextSeg: (1) the first lost segment not yet retransmitted,
 * (2) new data the peer's window takes, (3) the first segment not yet
 * retransmitted with SACKed data above it. */
static void sack_recovery_send(tcp_conn *c) {
    for (;;) {
        if (c->cwnd < sb_pipe(c) + c->mss)
            return;
        uint32_t left, right;
        uint32_t from = seq_gt(c->high_rxt, c->snd_una) ? c->high_rxt : c->snd_una;
        bool hole = sb_hole_from(c, from, &left, &right);
        if (hole && sb_is_lost(c, left)) { /* (1) */
            uint32_t n = min_u32(c->mss, right - left);
            conn_resend(c, left, n, _("retransmission (SACK recovery, RFC 6675)"));
            c->high_rxt = left + n;
            continue;
        }
        uint32_t wnd_end = c->snd_una + c->snd_wnd;
        uint32_t usable = seq_lt(c->snd_nxt, wnd_end) ? wnd_end - c->snd_nxt : 0;
        if (c->snd_nxt == c->snd_max && conn_send_new(c, usable)) /* (2) */
            continue;
        if (hole && c->n_sacked && seq_lt(left, c->sacked[c->n_sacked - 1].left)) { /* (3) */
            uint32_t n = min_u32(c->mss, right - left);
            conn_resend(c, left, n, _("retransmission (SACK recovery, RFC 6675)"));
            c->high_rxt = left + n;
            continue;
        }
        return;
    }
}

/* Sends what the windows allow from snd_nxt on (3.8.6.2.1 for the offered
 * window, RFC 5681 for cwnd), then the FIN once all data has left. Going
 * back after a timeout, what the peer SACKed is not sent again (as Linux
 * keeps its SACK marks). In SACK recovery RFC 6675 decides instead. */
static void conn_output(tcp_conn *c) {
    if (c->dead || !state_can_send(c->state))
        return;
    if (c->in_recovery && c->sack_ok) {
        sack_recovery_send(c);
        return;
    }
    for (;;) {
        uint32_t limit = UINT32_MAX;
        if (seq_lt(c->snd_nxt, c->snd_max) && c->n_sacked) {
            uint32_t left, right;
            if (!sb_hole_from(c, c->snd_nxt, &left, &right)) {
                c->snd_nxt = c->snd_max; /* the rest is SACKed */
            } else {
                c->snd_nxt = left;
                if (seq_lt(right, c->snd_max))
                    limit = right - left;
            }
        }
        uint32_t wnd = min_u32(c->snd_wnd, c->cwnd);
        uint32_t flight = c->snd_nxt - c->snd_una;
        uint32_t usable = wnd > flight ? wnd - flight : 0;
        if (!conn_send_new(c, min_u32(usable, limit)))
            break;
    }
}

/* RFC 6298 5.2 and 3.8.6.1: the retransmission timer runs while something is
 * in flight; the persist timer while data waits behind a zero window. */
static void conn_update_timers(tcp_conn *c) {
    if (c->dead)
        return;
    if (c->snd_una == c->snd_nxt)
        timer_cancel(c, &c->rto_ev);
    bool blocked = state_can_send(c->state) && c->snd_wnd == 0 && c->snd_una == c->snd_nxt &&
                   seq_lt(c->snd_nxt, data_end(c));
    if (!blocked) {
        timer_cancel(c, &c->persist_ev);
        c->probes = 0;
    } else if (!c->persist_ev) {
        sim_time t = c->rto;
        for (uint32_t i = 0; i < c->probes && t < TCP_RTO_MAX; i++)
            t *= 2;
        c->persist_ev =
            sim_schedule(conn_sim(c), t < TCP_RTO_MAX ? t : TCP_RTO_MAX, on_persist, c, NULL, NULL);
    }
}

/* Retransmits the oldest unacknowledged segment without moving snd_nxt
 * (fast retransmit, RFC 5681 3.2 step 4; partial ACK, RFC 6582 3.2 step 5). */
static void conn_retransmit_first(tcp_conn *c, const char *why) {
    uint32_t end = data_end(c);
    uint32_t avail = seq_lt(c->snd_una, end) ? end - c->snd_una : 0;
    uint32_t n = min_u32(c->mss, avail);
    bool fin = c->fin_sent && c->snd_una + n == end;
    if (n == 0 && !fin)
        return;
    conn_resend(c, c->snd_una, n + (fin ? 1u : 0u), why);
    if (seq_gt(c->snd_una + n, c->high_rxt))
        c->high_rxt = c->snd_una + n + (fin ? 1u : 0u);
}

/* --- timers' work --- */

static void on_rto(sim *s, void *a, void *b) {
    (void)s;
    (void)b;
    tcp_conn *c = a;
    c->rto_ev = 0;
    conn_hold(c);
    uint32_t limit = c->state == TCP_SYN_SENT       ? TCP_SYN_RETRIES
                     : c->state == TCP_SYN_RECEIVED ? TCP_SYNACK_RETRIES
                                                    : TCP_RETRIES;
    if (c->retries >= limit) {
        char why[192];
        if (c->state == TCP_SYN_SENT)
            snprintf(why, sizeof why, _("no answer to the SYN after %u retransmissions"), limit);
        else
            snprintf(why, sizeof why, _("no ACK after %u retransmissions: giving up"), limit);
        /* A passive connection nobody accepted yet goes quietly. */
        bool known = !(c->state == TCP_SYN_RECEIVED && c->passive);
        conn_finish(c, TCP_END_TIMEOUT, known, why);
        conn_release(c);
        return;
    }
    c->retries++;
    /* RFC 6298 5.5: back off. */
    c->rto = c->rto * 2 < TCP_RTO_MAX ? c->rto * 2 : TCP_RTO_MAX;
    c->rtt_timing = false;
    if (c->state == TCP_SYN_SENT || c->state == TCP_SYN_RECEIVED) {
        uint8_t flags = c->state == TCP_SYN_SENT ? TCP_SYN : TCP_SYN | TCP_ACK;
        c->handshake_retransmitted = true;
        trace_retransmission(c, _("retransmission (timeout)"), flags, c->iss, 0);
        conn_send_segment(c, c->iss, flags, 0, true);
        rto_start(c);
        conn_release(c);
        return;
    }
    /* RFC 5681 3.1 (4): after a loss detected by the timer, one segment;
     * RFC 6582 3.2: no fast retransmit for what was sent before. */
    uint32_t flight = c->snd_max - c->snd_una;
    uint32_t half = flight / 2;
    c->ssthresh = half > 2u * c->mss ? half : 2u * c->mss;
    c->cwnd = c->mss;
    c->in_recovery = false;
    c->dupacks = 0;
    c->recover = c->snd_max;
    c->snd_nxt = c->snd_una; /* go back: resend from the oldest byte */
    conn_output(c);
    conn_update_timers(c);
    conn_release(c);
}

static void on_persist(sim *s, void *a, void *b) {
    (void)s;
    (void)b;
    tcp_conn *c = a;
    c->persist_ev = 0;
    char addrs[64], detail[160];
    conn_addr_text(c, addrs, sizeof addrs);
    c->probes++;
    snprintf(detail, sizeof detail, _("%s seq=%lu len=0, probe %u"), addrs,
             (unsigned long)(c->snd_una - 1), c->probes);
    net_trace(conn_net(c), TRACE_SEND, c->st->node, NULL, NULL,
              _("zero-window probe (persist timer)"), detail);
    /* An old sequence number: the receiver answers with its window (3.10.7.4). */
    conn_send(c, c->snd_una - 1, TCP_ACK, 0);
    conn_update_timers(c);
}

static void on_time_wait(sim *s, void *a, void *b) {
    (void)s;
    (void)b;
    tcp_conn *c = a;
    c->time_wait_ev = 0;
    conn_finish(
        c, TCP_END_NORMAL, true,
        _("60 s in TIME-WAIT elapsed: Linux's fixed TCP_TIMEWAIT_LEN; RFC 9293 says 2*MSL"));
}

/* RFC 1122 4.2.3.6 as Linux's tcp_keepalive_timer does it: while data is
 * in flight or waiting, the retransmission and persist timers watch the peer
 * and this one only looks again later; otherwise, once the peer has been
 * silent for ka_idle, a probe every ka_interval, and after ka_max unanswered
 * probes a RST (tcp_send_active_reset) and ETIMEDOUT. Any segment from the
 * peer answers (conn_input resets the count). */
static void on_keepalive(sim *s, void *a, void *b) {
    (void)b;
    tcp_conn *c = a;
    c->keepalive_ev = 0;
    if (c->dead || c->state == TCP_TIME_WAIT)
        return;
    if (c->snd_una != c->snd_max || seq_lt(c->snd_nxt, data_end(c))) {
        keepalive_start(c, c->ka_idle);
        return;
    }
    sim_time silent = sim_now(s) - c->last_rcv;
    if (silent < c->ka_idle) {
        keepalive_start(c, c->ka_idle - silent);
        return;
    }
    char addrs[64], detail[160];
    conn_addr_text(c, addrs, sizeof addrs);
    if (c->ka_sent >= c->ka_max) {
        char why[256];
        snprintf(why, sizeof why,
                 _("no answer to %u keepalive probes: giving up (RST sent, ETIMEDOUT)"), c->ka_max);
        conn_hold(c);
        conn_send(c, c->snd_nxt, TCP_RST | TCP_ACK, 0);
        conn_finish(c, TCP_END_TIMEOUT, true, why);
        conn_release(c);
        return;
    }
    c->ka_sent++;
    snprintf(detail, sizeof detail, _("%s seq=%lu len=0, probe %u of %u"), addrs,
             (unsigned long)(c->snd_una - 1), c->ka_sent, c->ka_max);
    net_trace(conn_net(c), TRACE_SEND, c->st->node, NULL, NULL,
              _("keepalive probe (keepalive timer)"), detail);
    /* An old sequence number: the peer, if alive, answers with an ACK. */
    conn_send(c, c->snd_una - 1, TCP_ACK, 0);
    keepalive_start(c, c->ka_interval);
}

static void conn_enter_time_wait(tcp_conn *c, const char *why) {
    timer_cancel(c, &c->rto_ev);
    timer_cancel(c, &c->persist_ev);
    timer_cancel(c, &c->time_wait_ev);
    timer_cancel(c, &c->keepalive_ev);
    conn_set_state(c, TCP_TIME_WAIT, why);
    c->time_wait_ev = sim_schedule(conn_sim(c), TCP_TIME_WAIT_LEN, on_time_wait, c, NULL, NULL);
}

/* --- the application's calls --- */

/* An ephemeral port from the host's range (Linux's ip_local_port_range,
 * shared with UDP: "ephemeral_ports" in the topology); on a NAT box, not a
 * mapping's outside port (as in udp_pick_ephemeral). */
static uint16_t tcp_pick_ephemeral(ip_stack *st) {
    uint16_t lo, hi;
    udp_ephemeral_range(st, &lo, &hi);
    const uint32_t span = (uint32_t)(hi - lo) + 1;
    uint32_t start = (uint32_t)rng_below(sim_rng(st->node->net->sim), span);
    for (uint32_t i = 0; i < span; i++) {
        uint16_t p = (uint16_t)(lo + (start + i) % span);
        if (!table_port_used(st, p) && !(st->nat && nat_port_mapped(st->nat, IPPROTO_TCP_NUM, p)))
            return p;
    }
    return 0;
}

int tcp_listen(ip_stack *st, uint16_t local_port, const tcp_handler *h, void *ctx, tcp_conn **out) {
    if (local_port == 0 || table_find_listener(st, local_port))
        return -1;
    tcp_conn *c = conn_new(st, h, ctx);
    c->local_port = local_port;
    c->is_listener = true;
    conn_set_state(c, TCP_LISTEN, _("passive open (listen)"));
    table_add(c);
    *out = c;
    return 0;
}

int tcp_connect(ip_stack *st, ipv4_addr dst, uint16_t dst_port, const tcp_handler *h, void *ctx,
                tcp_conn **out) {
    return tcp_connect_from(st, 0, dst, dst_port, h, ctx, out);
}

int tcp_connect_from(ip_stack *st, uint16_t local_port, ipv4_addr dst, uint16_t dst_port,
                     const tcp_handler *h, void *ctx, tcp_conn **out) {
    /* Linux's order: bind() (the given port) first, then connect() picks a
     * route, then an ephemeral port (__inet_hash_connect: EADDRNOTAVAIL). */
    if (local_port && table_port_used(st, local_port)) {
        net_trace_drop(st->node->net, st->node, NULL, NULL, TRACE_REASON_PORT_IN_USE,
                       _("local TCP port already in use (EADDRINUSE)"));
        return IP_ERR_ADDRINUSE;
    }
    int rc = ip_stack_connect(st, dst);
    if (rc != 0)
        return rc;
    if (!local_port)
        local_port = tcp_pick_ephemeral(st);
    if (local_port == 0) {
        net_trace_drop(st->node->net, st->node, NULL, NULL, TRACE_REASON_NO_EPHEMERAL_PORT,
                       _("no free ephemeral TCP port (EADDRNOTAVAIL)"));
        return IP_ERR_ADDRNOTAVAIL;
    }
    tcp_conn *c = conn_new(st, h, ctx);
    c->local_ip = ip_stack_source_for(st, dst);
    c->local_port = local_port;
    c->remote_ip = dst;
    c->remote_port = dst_port;
    c->mss = TCP_MSS_DEFAULT;
    c->advmss = TCP_MSS_ETHERNET; /* nothing known yet: the SYN offers 64240 */
    c->rcv_wscale = TCP_WSCALE;
    conn_choose_iss(c);
    table_add(c);
    conn_set_state(c, TCP_SYN_SENT, _("active open (connect): SYN sent"));
    rtt_start(c, c->iss + 1);
    conn_send(c, c->iss, TCP_SYN, 0);
    rto_start(c);
    *out = c;
    return 0;
}

size_t tcp_send(tcp_conn *c, const uint8_t *data, size_t len) {
    if (c->dead || c->close_requested || len == 0)
        return 0;
    if (c->state != TCP_SYN_SENT && c->state != TCP_SYN_RECEIVED && c->state != TCP_ESTABLISHED &&
        c->state != TCP_CLOSE_WAIT)
        return 0;
    if (c->sbuf_head > 0 && c->sbuf_head + c->sbuf_len + len > c->sbuf_cap) {
        memmove(c->sbuf, c->sbuf + c->sbuf_head, c->sbuf_len);
        c->sbuf_head = 0;
    }
    if (c->sbuf_len + len > c->sbuf_cap) {
        size_t cap = c->sbuf_cap ? c->sbuf_cap : 4096;
        while (cap < c->sbuf_len + len)
            cap *= 2;
        uint8_t *grown = realloc(c->sbuf, cap);
        if (!grown)
            ns_out_of_memory();
        c->sbuf = grown;
        c->sbuf_cap = cap;
    }
    memcpy(c->sbuf + c->sbuf_head + c->sbuf_len, data, len);
    c->sbuf_len += len;
    conn_hold(c);
    conn_output(c);
    conn_update_timers(c);
    conn_release(c);
    return len;
}

static void listener_close(tcp_conn *l, tcp_end end, const char *why);

void tcp_close(tcp_conn *c) {
    if (c->dead)
        return;
    conn_hold(c);
    switch (c->state) {
    case TCP_LISTEN:
        listener_close(c, TCP_END_NORMAL, _("listener closed"));
        break;
    case TCP_SYN_SENT:
        /* 3.10.4 deletes a SYN-SENT connection at once; here, as for
         * SYN-RECEIVED, the FIN waits for ESTABLISHED and follows the
         * queued data, so connect-send-close works without waiting. */
    case TCP_SYN_RECEIVED:
    case TCP_ESTABLISHED:
    case TCP_CLOSE_WAIT:
        c->close_requested = true;
        conn_output(c);
        conn_update_timers(c);
        break;
    default: /* already closing */
        break;
    }
    conn_release(c);
}

void tcp_abort(tcp_conn *c) {
    if (c->dead)
        return;
    conn_hold(c);
    switch (c->state) {
    case TCP_LISTEN:
        listener_close(c, TCP_END_RESET, _("listener aborted"));
        break;
    case TCP_SYN_RECEIVED:
    case TCP_ESTABLISHED:
    case TCP_FIN_WAIT_1:
    case TCP_FIN_WAIT_2:
    case TCP_CLOSE_WAIT:
        /* 3.10.5: <SEQ=SND.NXT><CTL=RST>. */
        conn_send(c, c->snd_nxt, TCP_RST, 0);
        conn_finish(c, TCP_END_RESET, true, _("abort: RST sent"));
        break;
    default: /* SYN-SENT, CLOSING, LAST-ACK, TIME-WAIT: no RST (3.10.5) */
        conn_finish(c, c->state == TCP_TIME_WAIT ? TCP_END_NORMAL : TCP_END_RESET, true,
                    _("abort"));
        break;
    }
    conn_release(c);
}

static int conn_order(const void *pa, const void *pb);

/* A listener stops: connections it created that are still in the handshake
 * are reset (nobody will accept them, as Linux resets its accept queue);
 * accepted ones live on. */
static void listener_close(tcp_conn *l, tcp_end end, const char *why) {
    struct tcp_table *t = l->st->tcp;
    size_t n = u64map_size(t->conns), k = 0, cursor = 0;
    tcp_conn **orphans = malloc((n ? n : 1) * sizeof *orphans);
    if (!orphans)
        ns_out_of_memory();
    uint64_t key;
    tcp_conn **slot;
    while ((slot = u64map_next(t->conns, &cursor, &key)))
        for (tcp_conn *c = *slot; c; c = c->hash_next)
            if (c->listener == l)
                orphans[k++] = c;
    qsort(orphans, k, sizeof *orphans, conn_order); /* table order depends on its size */
    for (size_t i = 0; i < k; i++) {
        conn_send(orphans[i], orphans[i]->snd_nxt, TCP_RST, 0);
        conn_finish(orphans[i], TCP_END_RESET, false, _("its listener closed: RST sent"));
    }
    free(orphans);
    conn_finish(l, end, true, why);
}

void tcp_set_keepalive(tcp_conn *c, sim_time idle, sim_time interval, uint32_t probes) {
    if (c->dead || c->is_listener)
        return;
    c->ka_idle = idle;
    c->ka_interval = interval;
    c->ka_max = probes;
    c->ka_sent = 0;
    if (!idle)
        timer_cancel(c, &c->keepalive_ev);
    else if (c->state != TCP_SYN_SENT && c->state != TCP_SYN_RECEIVED && c->state != TCP_TIME_WAIT)
        keepalive_start(c, idle);
}

void tcp_set_handler(tcp_conn *c, const tcp_handler *h, void *ctx) {
    c->h = h;
    c->ctx = ctx;
}

tcp_state tcp_conn_state(const tcp_conn *c) {
    return c->state;
}

ipv4_addr tcp_remote_addr(const tcp_conn *c) {
    return c->remote_ip;
}

uint16_t tcp_remote_port(const tcp_conn *c) {
    return c->remote_port;
}

uint16_t tcp_local_port(const tcp_conn *c) {
    return c->local_port;
}

/* --- input --- */

/* SEG.LEN: data plus one for SYN and one for FIN (3.3.1). */
static uint32_t seg_space(const tcp_seg *s) {
    return s->len + ((s->h.flags & TCP_SYN) ? 1u : 0u) + ((s->h.flags & TCP_FIN) ? 1u : 0u);
}

static void seg_drop(ip_stack *st, const tcp_seg *s, trace_reason reason, const char *why) {
    if (st->tcp)
        st->tcp->accepting = NULL; /* its fate is traced */
    net_trace_drop(st->node->net, st->node, s->p, s->f, reason, why);
}

/* 3.10.7.1: nothing here for this segment. */
static void input_closed(ip_stack *st, const tcp_seg *s) {
    char why[192];
    if (s->h.flags & TCP_RST) {
        snprintf(why, sizeof why, _("RST for no connection on TCP port %u: ignored"),
                 s->h.dst_port);
        seg_drop(st, s, TRACE_REASON_NO_SOCKET, why);
        return;
    }
    snprintf(why, sizeof why, _("no listener on TCP port %u: answered with RST"), s->h.dst_port);
    seg_drop(st, s, TRACE_REASON_NO_SOCKET, why);
    tcp_send_reset_for(st, &s->h, s->src, s->dst, seg_space(s));
}

/* 3.10.7.2: a segment for a listener. */
static void input_listen(tcp_conn *l, const tcp_seg *s) {
    ip_stack *st = l->st;
    if (s->h.flags & TCP_RST) {
        seg_drop(st, s, TRACE_REASON_TCP_RST_IGNORED, _("RST to a listening port: ignored"));
        return;
    }
    if (s->h.flags & TCP_ACK) {
        seg_drop(st, s, TRACE_REASON_TCP_UNACCEPTABLE_ACK,
                 _("ACK to a listening port for no connection: answered with RST"));
        tcp_send_reset_for(st, &s->h, s->src, s->dst, seg_space(s));
        return;
    }
    if (!(s->h.flags & TCP_SYN)) {
        seg_drop(st, s, TRACE_REASON_TCP_NO_SYN, _("segment without SYN to a listening port"));
        return;
    }
    /* Data on a SYN is not taken (Linux without Fast Open): the peer sends it
     * again after the handshake. */
    tcp_conn *c = conn_new(st, l->h, l->ctx);
    c->passive = true;
    c->listener = l;
    c->local_ip = s->dst;
    c->local_port = s->h.dst_port;
    c->remote_ip = s->src;
    c->remote_port = s->h.src_port;
    c->irs = s->h.seq;
    c->rcv_nxt = s->h.seq + 1;
    conn_choose_iss(c);
    conn_negotiate(c, &s->h);
    c->state = TCP_LISTEN; /* as the RFC's diagram draws it: LISTEN -> SYN-RECEIVED */
    table_add(c);
    conn_set_state(c, TCP_SYN_RECEIVED, _("SYN received on a listening port: SYN-ACK sent"));
    rtt_start(c, c->iss + 1);
    conn_send(c, c->iss, TCP_SYN | TCP_ACK, 0);
    rto_start(c);
}

/* The handshake is complete: RFC 6298 5.7 when it gave no RTT sample. */
static void conn_established(tcp_conn *c, const char *why) {
    timer_cancel(c, &c->rto_ev);
    c->retries = 0;
    if (!c->have_rtt && c->handshake_retransmitted)
        c->rto = TCP_RTO_FALLBACK;
    conn_set_state(c, TCP_ESTABLISHED, why);
    rcvq_start(c);
    if (c->ka_idle)
        keepalive_start(c, c->ka_idle); /* Linux: tcp_finish_connect */
}

/* 3.10.7.3: a segment for SYN-SENT. */
static void input_syn_sent(tcp_conn *c, const tcp_seg *s) {
    ip_stack *st = c->st;
    const tcp_header *h = &s->h;
    if (h->flags & TCP_ACK) {
        if (seq_leq(h->ack, c->iss) || seq_gt(h->ack, c->snd_max)) {
            if (h->flags & TCP_RST) {
                seg_drop(st, s, TRACE_REASON_TCP_UNACCEPTABLE_ACK,
                         _("RST with an ACK for something we never sent: ignored"));
            } else {
                seg_drop(st, s, TRACE_REASON_TCP_UNACCEPTABLE_ACK,
                         _("ACK for something we never sent: answered with RST"));
                tcp_send_reset_for(st, h, s->src, s->dst, seg_space(s));
            }
            return;
        }
    }
    if (h->flags & TCP_RST) {
        if (h->flags & TCP_ACK)
            conn_finish(c, TCP_END_REFUSED, true,
                        _("RST in answer to our SYN: connection refused"));
        else
            seg_drop(st, s, TRACE_REASON_TCP_RST_IGNORED,
                     _("RST without ACK in SYN-SENT: ignored"));
        return;
    }
    if (!(h->flags & TCP_SYN)) {
        seg_drop(st, s, TRACE_REASON_TCP_NO_SYN, _("segment without SYN in SYN-SENT"));
        return;
    }
    c->irs = h->seq;
    c->rcv_nxt = h->seq + 1;
    c->rcv_wup = c->rcv_nxt;
    conn_negotiate(c, h);
    c->snd_wnd = h->window; /* never scaled on a SYN (RFC 7323 2.2) */
    c->snd_wl1 = h->seq;
    if (h->flags & TCP_ACK) {
        c->snd_una = h->ack;
        c->snd_wl2 = h->ack;
        rtt_on_ack(c, h, h->ack);
        conn_established(c, _("SYN-ACK received: ACK sent (three-way handshake complete)"));
        conn_send_ack(c);
        if (c->h && c->h->connected)
            c->h->connected(c->ctx, c);
        conn_output(c);
        conn_update_timers(c);
        return;
    }
    /* Simultaneous open (3.5, figure 7): answer with SYN-ACK, same ISS. */
    c->snd_wl2 = c->iss;
    c->rtt_timing = false; /* the SYN-ACK resends our SYN */
    conn_set_state(c, TCP_SYN_RECEIVED,
                   _("SYN received in SYN-SENT (simultaneous open): SYN-ACK sent"));
    conn_send(c, c->iss, TCP_SYN | TCP_ACK, 0);
}

/* Acceptability of a segment (3.10.7.4, first check). */
static bool seg_acceptable(const tcp_conn *c, uint32_t seq, uint32_t space) {
    uint32_t wnd = window_left(c);
    uint32_t lo = c->rcv_nxt, hi = c->rcv_nxt + wnd;
    if (space == 0)
        return wnd == 0 ? seq == lo : seq_leq(lo, seq) && seq_lt(seq, hi);
    if (wnd == 0)
        return false;
    uint32_t last = seq + space - 1;
    return (seq_leq(lo, seq) && seq_lt(seq, hi)) || (seq_leq(lo, last) && seq_lt(last, hi));
}

static void rsack_trim(tcp_conn *c);

/* The FIN is in order (3.10.7.4, eighth check): the state changes; the
 * ACK is owed. In FIN-WAIT it leaves at once (Linux's tcp_fin sends it);
 * in ESTABLISHED the connection turns interactive (pingpong), so the ACK
 * waits for the delayed-ACK timer or rides on the application's answer,
 * its FIN if it closes at once. The application hears of it afterwards. */
static void conn_fin_arrived(tcp_conn *c) {
    c->rcv_nxt++;
    rsack_trim(c);
    c->fin_received = true;
    c->ack_sched = true;
    switch (c->state) {
    case TCP_SYN_RECEIVED:
    case TCP_ESTABLISHED:
        conn_set_state(c, TCP_CLOSE_WAIT, _("FIN received: ACK owed"));
        c->pingpong = TCP_PINGPONG;
        break;
    case TCP_FIN_WAIT_1:
        c->ack_now = true;
        if (c->fin_acked)
            conn_enter_time_wait(c, _("FIN received, ours acknowledged: ACK sent"));
        else
            conn_set_state(c, TCP_CLOSING,
                           _("FIN received before the ACK of ours (simultaneous close): ACK sent"));
        break;
    case TCP_FIN_WAIT_2:
        c->ack_now = true;
        conn_enter_time_wait(c, _("FIN received: ACK sent"));
        break;
    default:
        break;
    }
}

/* --- SACK blocks we send (RFC 2018 section 4) --- */

/* A segment [left, right) was held out of order: its block, merged with any
 * block it touches, goes first; the others keep their order
 * (tcp_sack_new_ofo_skb). */
static void rsack_add(tcp_conn *c, uint32_t left, uint32_t right) {
    tcp_sack_block nb = {left, right}, keep[TCP_MAX_SACK_BLOCKS];
    size_t n = 0;
    for (size_t i = 0; i < c->n_rsack; i++) {
        tcp_sack_block b = c->rsack[i];
        if (seq_leq(b.left, nb.right) && seq_leq(nb.left, b.right)) {
            if (seq_lt(b.left, nb.left))
                nb.left = b.left;
            if (seq_gt(b.right, nb.right))
                nb.right = b.right;
        } else {
            keep[n++] = b;
        }
    }
    c->rsack[0] = nb;
    if (n > TCP_MAX_SACK_BLOCKS - 1)
        n = TCP_MAX_SACK_BLOCKS - 1;
    memcpy(c->rsack + 1, keep, n * sizeof keep[0]);
    c->n_rsack = (uint8_t)(n + 1);
}

/* rcv_nxt moved: blocks it reached are no longer reported (tcp_sack_remove). */
static void rsack_trim(tcp_conn *c) {
    size_t n = 0;
    for (size_t i = 0; i < c->n_rsack; i++)
        if (seq_gt(c->rsack[i].right, c->rcv_nxt))
            c->rsack[n++] = c->rsack[i];
    c->n_rsack = (uint8_t)n;
}

/* Holds a segment that arrived ahead of rcv_nxt. */
static void ooo_insert(tcp_conn *c, uint32_t seq, const uint8_t *data, uint32_t len, bool fin) {
    rsack_add(c, seq, seq + len + (fin ? 1u : 0u));
    tcp_ooo **pp = &c->ooo;
    while (*pp && seq_lt((*pp)->seq, seq))
        pp = &(*pp)->next;
    if (*pp && (*pp)->seq == seq && (*pp)->len >= len && ((*pp)->fin || !fin))
        return; /* a copy of what we hold */
    tcp_ooo *o = calloc(1, sizeof *o);
    if (!o)
        ns_out_of_memory();
    o->seq = seq;
    o->len = len;
    o->fin = fin;
    if (len) {
        o->data = malloc(len);
        if (!o->data)
            ns_out_of_memory();
        memcpy(o->data, data, len);
    }
    o->next = *pp;
    *pp = o;
}

/* --- receive window growth --- */

/* tcp_grow_window: a segment of 128 bytes or more lets rcv_ssthresh, and
 * so the window offered, grow by twice the segment (at least two MSS) up
 * to window_clamp; growing asks for one quick ACK to show it. */
static void window_grow(tcp_conn *c, uint32_t len) {
    if (len < TCP_GROW_MIN_LEN || c->rcv_ssthresh >= c->window_clamp)
        return;
    uint32_t room = c->window_clamp - c->rcv_ssthresh;
    uint32_t incr = 2u * c->advmss > 2 * len ? 2u * c->advmss : 2 * len;
    c->rcv_ssthresh += min_u32(room, incr);
    c->ack_quick |= 1;
}

/* tcp_rcv_space_adjust, once per receiver round trip: when the application
 * read more than in the round trip before, the buffer (window_clamp) grows
 * to twice that plus 16 segments, more while the sender's rate grows, up to
 * half of tcp_rmem[2]. */
static void rcv_space_adjust(tcp_conn *c) {
    sim_time now = sim_now(conn_sim(c));
    if (c->rcv_rtt == 0 || now - c->rcvq_time < c->rcv_rtt)
        return;
    uint32_t copied = c->rcv_nxt - c->rcvq_seq;
    if (copied > c->rcvq_space) {
        uint64_t rcvwin = 2ull * copied + 16ull * c->advmss;
        uint64_t grow = rcvwin * (copied - c->rcvq_space) / c->rcvq_space;
        rcvwin += 2 * grow;
        if (rcvwin > TCP_RCV_SPACE_MAX)
            rcvwin = TCP_RCV_SPACE_MAX;
        if (rcvwin > c->window_clamp)
            c->window_clamp = (uint32_t)rcvwin;
        c->rcvq_space = copied;
    }
    c->rcvq_seq = c->rcv_nxt;
    c->rcvq_time = now;
}

/* tcp_rcv_rtt_measure_ts: the receiver's own RTT estimate, from the TSecr
 * of full-sized data segments (a 1/8 moving average, as tcp_rcv_rtt_update).
 * Without timestamps the sender's smoothed RTT stands in. */
static void rcv_rtt_measure(tcp_conn *c, const tcp_header *h, uint32_t len) {
    if (!c->ts_ok) {
        c->rcv_rtt = c->have_rtt ? c->srtt : 0;
        return;
    }
    if (!h->opt.has_timestamps || !h->opt.ts_ecr || len < c->rcv_mss)
        return;
    uint32_t ms = ts_now(c) - h->opt.ts_ecr;
    if (ms >= 0x7fffffffu)
        return;
    sim_time sample = (ms ? ms : 1) * SIM_MS;
    if (!c->rcv_rtt)
        c->rcv_rtt = sample;
    else if (sample > c->rcv_rtt)
        c->rcv_rtt += (sample - c->rcv_rtt) / 8;
    else
        c->rcv_rtt -= (c->rcv_rtt - sample) / 8;
}

/* In-order data at rcv_nxt: take it and whatever held segments it joins up
 * with, trace its delivery, and say whether a FIN became in order. The
 * bytes for the application are *out (`joined`, which the caller frees, or
 * `data`) and *out_len; the application hears of them after the ACK
 * decision, as Linux's softirq acknowledges before the reader wakes. */
static bool conn_take_data(tcp_conn *c, const tcp_seg *s, const uint8_t *data, uint32_t len,
                           uint8_t **joined_out, size_t *out_len) {
    uint8_t *joined = NULL;
    size_t total = len, cap = 0;
    uint32_t held = 0;
    bool fin = false;
    c->rcv_nxt += len;
    bool had_ooo = c->ooo != NULL;
    while (c->ooo && seq_leq(c->ooo->seq, c->rcv_nxt)) {
        tcp_ooo *o = c->ooo;
        c->ooo = o->next;
        uint32_t skip = c->rcv_nxt - o->seq;
        if (skip < o->len) {
            uint32_t add = o->len - skip;
            if (!joined) {
                cap = total + add + 4096;
                joined = malloc(cap);
                if (!joined)
                    ns_out_of_memory();
                memcpy(joined, data, len);
            } else if (total + add > cap) {
                cap = 2 * (total + add);
                uint8_t *grown = realloc(joined, cap);
                if (!grown)
                    ns_out_of_memory();
                joined = grown;
            }
            memcpy(joined + total, o->data + skip, add);
            total += add;
            held += add;
            c->rcv_nxt += add;
        }
        if (o->fin && skip <= o->len)
            fin = true;
        free(o->data);
        free(o);
        if (fin)
            break;
    }
    rsack_trim(c);
    /* RFC 5681 4.2: an ACK at once when a hole is filled. */
    if (had_ooo && !c->ooo)
        c->ack_now = true;
    if (total) {
        char why[128], detail[192];
        snprintf(why, sizeof why, _("%zu bytes for port %u"), total, c->local_port);
        if (held)
            snprintf(detail, sizeof detail,
                     _("the hole is filled: %lu bytes had arrived out of order"),
                     (unsigned long)held);
        c->st->tcp->accepting = NULL; /* this delivery is its fate */
        net_trace(conn_net(c), TRACE_DELIVER, c->st->node, s->p, s->f, why, held ? detail : NULL);
    }
    *joined_out = joined;
    *out_len = total;
    return fin;
}

/* 3.10.7.4 fifth check, for the synchronized states: the ACK field.
 * Returns false when the segment must go no further. */
static bool conn_process_ack(tcp_conn *c, const tcp_seg *s) {
    const tcp_header *h = &s->h;
    uint32_t ack = h->ack;
    if (seq_gt(ack, c->snd_max)) {
        seg_drop(c->st, s, TRACE_REASON_TCP_ACK_UNSENT, _("ACK for data not yet sent: ACK sent"));
        conn_send_ack(c);
        return false;
    }
    uint32_t old_wnd = c->snd_wnd, seg_wnd = (uint32_t)h->window << c->snd_wscale;
    uint32_t sacked_before = c->n_sacked ? sb_total(c) : 0;
    sb_update(c, h);
    if (seq_leq(c->snd_una, ack)) {
        /* Window update (3.10.7.4): only from a newer segment. */
        if (seq_lt(c->snd_wl1, h->seq) || (c->snd_wl1 == h->seq && seq_leq(c->snd_wl2, ack))) {
            c->snd_wnd = seg_wnd;
            c->snd_wl1 = h->seq;
            c->snd_wl2 = ack;
        }
    }
    if (seq_gt(ack, c->snd_una)) {
        uint32_t acked = ack - c->snd_una;
        /* Forward progress confirms the neighbour (Linux tcp_ack -> sk_dst_confirm). */
        ip_stack_confirm_neighbour(c->st, c->remote_ip);
        rtt_on_ack(c, h, ack);
        size_t had_data = c->sbuf_len;
        if (seq_gt(ack, c->sbuf_seq)) {
            uint32_t n = min_u32(ack - c->sbuf_seq, (uint32_t)c->sbuf_len);
            c->sbuf_head += n;
            c->sbuf_len -= n;
            c->sbuf_seq += n;
            if (c->sbuf_len == 0)
                c->sbuf_head = 0;
        }
        c->snd_una = ack;
        if (seq_lt(c->snd_nxt, ack))
            c->snd_nxt = ack;
        sb_trim(c);
        c->retries = 0;
        if (c->fin_sent && seq_geq(ack, data_end(c) + 1))
            c->fin_acked = true;
        /* Congestion control: RFC 6582 3.2 in recovery, else RFC 5681 3.1. */
        if (c->in_recovery) {
            if (seq_geq(ack, c->recover)) {
                uint32_t flight = c->snd_max - c->snd_una;
                c->cwnd = min_u32(c->ssthresh, flight + c->mss);
                c->in_recovery = false;
            } else if (c->sack_ok) {
                /* RFC 6675: a partial ACK only moves the scoreboard; the
                 * transmission loop (conn_output) finds what to send. */
            } else {
                conn_retransmit_first(c, _("retransmission (partial ACK in fast recovery)"));
                c->cwnd = c->cwnd > acked ? c->cwnd - acked : 0;
                c->cwnd += c->mss;
            }
        } else if (c->cwnd < c->ssthresh) {
            c->cwnd += min_u32(acked, c->mss);
        } else {
            uint32_t inc = (uint32_t)((uint64_t)c->mss * c->mss / c->cwnd);
            c->cwnd += inc ? inc : 1;
        }
        if (c->cwnd > TCP_CWND_MAX)
            c->cwnd = TCP_CWND_MAX;
        c->dupacks = 0;
        /* RFC 6298 5.2 / 5.3. */
        if (c->snd_una == c->snd_nxt)
            timer_cancel(c, &c->rto_ev);
        else
            rto_start(c);
        if (had_data && c->sbuf_len == 0 && c->h && c->h->sent) {
            seg_trace_accepted_now(c->st);
            c->h->sent(c->ctx, c);
            if (c->dead)
                return false;
        }
        return true;
    }
    /* RFC 5681 section 2: a duplicate ACK acknowledges nothing new, carries
     * no data, no SYN or FIN, the same window, while data is outstanding.
     * With SACK (RFC 6675 section 2) it must SACK new data, and the window
     * may differ (ours grows as data arrives, as Linux's does). */
    bool dup = ack == c->snd_una && c->snd_max != c->snd_una && s->len == 0 &&
               !(h->flags & (TCP_SYN | TCP_FIN));
    if (dup && c->sack_ok) {
        if (sb_total(c) > sacked_before)
            c->dupacks++;
        /* RFC 6675 section 5 (2) and (3): loss recovery starts at the
         * third duplicate ACK or once the scoreboard shows the first
         * segment lost. */
        /* ... unless the first segment was already resent in the recovery
         * just ended and that copy is still on its way (HighRxt above it):
         * if it is lost too, the timer resends it. */
        if (!c->in_recovery && seq_gt(ack, c->recover) && !seq_lt(c->snd_una, c->high_rxt) &&
            (c->dupacks >= TCP_DUPACK_THRESH || sb_is_lost(c, c->snd_una))) {
            uint32_t flight = c->snd_max - c->snd_una;
            uint32_t half = flight / 2;
            c->ssthresh = c->cwnd = half > 2u * c->mss ? half : 2u * c->mss;
            c->recover = c->snd_max;
            c->in_recovery = true;
            c->high_rxt = c->snd_una;
            conn_retransmit_first(c, c->dupacks >= TCP_DUPACK_THRESH
                                         ? _("fast retransmit (3 duplicate ACKs)")
                                         : _("fast retransmit (SACKed data shows a loss)"));
        }
        return true;
    }
    if (dup && seg_wnd == old_wnd) {
        c->dupacks++;
        if (c->dupacks == TCP_DUPACK_THRESH && !c->in_recovery && seq_gt(ack, c->recover)) {
            uint32_t flight = c->snd_max - c->snd_una;
            uint32_t half = flight / 2;
            c->ssthresh = half > 2u * c->mss ? half : 2u * c->mss;
            c->recover = c->snd_max;
            c->in_recovery = true;
            conn_retransmit_first(c, _("fast retransmit (3 duplicate ACKs)"));
            c->cwnd = c->ssthresh + TCP_DUPACK_THRESH * (uint32_t)c->mss;
        } else if (c->dupacks > TCP_DUPACK_THRESH && c->in_recovery && c->cwnd < TCP_CWND_MAX) {
            c->cwnd += c->mss; /* RFC 5681 3.2 step 5: inflate */
        }
    }
    return true;
}

/* 3.10.7.4: a segment for a synchronized state or SYN-RECEIVED. */
static void input_synchronized(tcp_conn *c, tcp_seg *s) {
    ip_stack *st = c->st;
    tcp_header *h = &s->h;
    /* A retransmitted SYN in SYN-RECEIVED: our SYN-ACK was lost (Linux's
     * tcp_check_req resends it). */
    if (c->state == TCP_SYN_RECEIVED && (h->flags & (TCP_SYN | TCP_ACK | TCP_RST)) == TCP_SYN &&
        h->seq == c->irs) {
        seg_drop(st, s, TRACE_REASON_TCP_OLD_SEQUENCE, _("SYN again: SYN-ACK sent again"));
        c->rtt_timing = false; /* Karn: which SYN-ACK will the ACK answer? */
        c->handshake_retransmitted = true;
        conn_send(c, c->iss, TCP_SYN | TCP_ACK, 0);
        return;
    }
    /* Simultaneous open, figure 7 line 6: the peer's SYN-ACK repeats the SYN
     * we already have; its ACK completes our side. */
    if (c->state == TCP_SYN_RECEIVED && (h->flags & TCP_SYN) && (h->flags & TCP_ACK) &&
        h->seq == c->irs) {
        h->flags &= (uint8_t)~TCP_SYN;
        h->seq++;
    }
    uint32_t space = seg_space(s);
    /* First: is it in the window? */
    if (!seg_acceptable(c, h->seq, space)) {
        if (c->state == TCP_TIME_WAIT && (h->flags & TCP_FIN) && h->seq + space == c->rcv_nxt) {
            /* The peer did not hear our last ACK (eighth check, TIME-WAIT). */
            seg_drop(st, s, TRACE_REASON_TCP_OLD_SEQUENCE,
                     _("FIN again in TIME-WAIT: ACK sent again, its 60 s restarted"));
            conn_send_ack(c);
            timer_cancel(c, &c->time_wait_ev);
            c->time_wait_ev =
                sim_schedule(conn_sim(c), TCP_TIME_WAIT_LEN, on_time_wait, c, NULL, NULL);
            return;
        }
        if (h->flags & TCP_RST) {
            seg_drop(st, s, TRACE_REASON_TCP_OUT_OF_WINDOW,
                     _("RST outside the receive window: ignored"));
            return;
        }
        if (seq_leq(h->seq + space, c->rcv_nxt))
            seg_drop(st, s, TRACE_REASON_TCP_OLD_SEQUENCE,
                     space ? _("duplicate segment (already received): ACK sent again")
                           : _("old sequence number (a window probe?): ACK sent with the window"));
        else
            seg_drop(st, s, TRACE_REASON_TCP_OUT_OF_WINDOW,
                     _("segment outside the receive window: ACK sent"));
        conn_send_ack(c);
        return;
    }
    /* Second: RST (RFC 5961 3.2: exactly at RCV.NXT, else a challenge ACK). */
    if (h->flags & TCP_RST) {
        if (h->seq != c->rcv_nxt) {
            seg_drop(st, s, TRACE_REASON_TCP_RST_CHALLENGE,
                     _("RST not at the expected sequence number: challenge ACK (RFC 5961)"));
            conn_send_ack(c);
            return;
        }
        if (c->state == TCP_SYN_RECEIVED && c->passive)
            conn_finish(c, TCP_END_RESET, false, _("RST received: the handshake is abandoned"));
        else if (c->state == TCP_SYN_RECEIVED)
            conn_finish(c, TCP_END_REFUSED, true, _("RST received: connection refused"));
        else if (c->state == TCP_TIME_WAIT)
            conn_finish(c, TCP_END_NORMAL, true, _("RST received in TIME-WAIT"));
        else
            conn_finish(c, TCP_END_RESET, true, _("RST received: connection reset by peer"));
        return;
    }
    /* Fourth: SYN in a synchronized state (RFC 5961 4.2: challenge ACK). */
    if (h->flags & TCP_SYN) {
        seg_drop(st, s, TRACE_REASON_TCP_SYN_CHALLENGE,
                 _("SYN on a synchronized connection: challenge ACK (RFC 5961)"));
        conn_send_ack(c);
        return;
    }
    /* RFC 7323 4.3: TS.Recent follows the segments at or before the last
     * ACK sent (rcv_wup), never backwards. */
    if (c->ts_ok && h->opt.has_timestamps && seq_leq(h->seq, c->rcv_wup) &&
        (int32_t)(h->opt.ts_val - c->ts_recent) >= 0)
        c->ts_recent = h->opt.ts_val;
    /* Fifth: ACK. */
    if (!(h->flags & TCP_ACK)) {
        seg_drop(st, s, TRACE_REASON_TCP_NO_ACK, _("segment without ACK"));
        return;
    }
    if (c->state == TCP_SYN_RECEIVED) {
        if (!(seq_lt(c->snd_una, h->ack) && seq_leq(h->ack, c->snd_max))) {
            seg_drop(st, s, TRACE_REASON_TCP_UNACCEPTABLE_ACK,
                     _("ACK does not acknowledge our SYN: answered with RST"));
            tcp_send_reset_for(st, h, s->src, s->dst, space);
            return;
        }
        c->snd_una = h->ack;
        c->snd_wnd = (uint32_t)h->window << c->snd_wscale;
        c->snd_wl1 = h->seq;
        c->snd_wl2 = h->ack;
        rtt_on_ack(c, h, h->ack);
        conn_established(c, _("ACK of our SYN received (three-way handshake complete)"));
        tcp_conn *l = c->listener;
        c->listener = NULL;
        if (c->passive && c->h && c->h->accepted)
            c->h->accepted(c->ctx, l, c);
        else if (!c->passive && c->h && c->h->connected)
            c->h->connected(c->ctx, c);
        if (c->dead)
            return;
    } else {
        if (!conn_process_ack(c, s))
            return;
        if (c->state == TCP_FIN_WAIT_1 && c->fin_acked)
            conn_set_state(c, TCP_FIN_WAIT_2, _("ACK of our FIN received"));
        else if (c->state == TCP_CLOSING && c->fin_acked)
            conn_enter_time_wait(c, _("ACK of our FIN received"));
        else if (c->state == TCP_LAST_ACK && c->fin_acked) {
            conn_finish(c, TCP_END_NORMAL, true, _("ACK of our FIN received"));
            return;
        }
    }
    /* Seventh: data. Trim what we already have (3.10.7.4 first check). */
    uint32_t seq = h->seq;
    const uint8_t *data = s->data;
    uint32_t len = s->len;
    bool fin = (h->flags & TCP_FIN) != 0;
    if (seq_lt(seq, c->rcv_nxt)) {
        uint32_t skip = c->rcv_nxt - seq;
        if (skip > len)
            skip = len;
        data += skip;
        len -= skip;
        seq += skip;
    }
    uint32_t wnd = window_left(c);
    if (len > 0 && seq_gt(seq + len, c->rcv_nxt + wnd)) {
        len = c->rcv_nxt + wnd - seq; /* beyond the window: not ours to keep */
        fin = false;
    }
    bool receiving =
        c->state == TCP_ESTABLISHED || c->state == TCP_FIN_WAIT_1 || c->state == TCP_FIN_WAIT_2;
    if ((len > 0 || fin) && !receiving && !c->fin_received) {
        seg_drop(st, s, TRACE_REASON_TCP_NO_DATA_STATE, _("data in a state that takes none"));
        return;
    }
    uint8_t *joined = NULL;
    size_t deliver = 0;
    bool fin_now = false;
    if (len > 0 || fin) {
        if (c->fin_received) {
            /* Nothing can follow the peer's FIN; a retransmission of it was
             * answered above, as the window check found it old. */
            c->ack_sched = c->ack_now = true;
        } else if (seq == c->rcv_nxt) {
            fin_now = fin;
            if (len > 0) {
                ack_data_arrived(c, len, h->header_len, h->flags);
                rcv_rtt_measure(c, h, len);
                window_grow(c, len);
                if (conn_take_data(c, s, data, len, &joined, &deliver))
                    fin_now = true;
            }
            if (fin_now)
                conn_fin_arrived(c);
            if (c->dead) {
                free(joined);
                return;
            }
        } else {
            /* Ahead of a hole: keep it, and say at once what we miss
             * (RFC 5681 4.2: an immediate duplicate ACK, with SACK blocks
             * when agreed, RFC 2018). */
            char why[192];
            snprintf(why, sizeof why, _("%lu bytes held out of order (bytes before them missing)"),
                     (unsigned long)len);
            seg_trace_accepted(st, c->state, why);
            ooo_insert(c, seq, data, len, fin);
            /* Linux grows rcv_ssthresh here too, but the memory the held
             * data takes keeps its offered window from growing; netsim
             * does not count that memory, so it leaves the window as is. */
            ack_enter_quick(c);
            c->ack_sched = c->ack_now = true;
        }
    }
    /* As Linux's tcp_rcv_established ends: data the window now lets out
     * (carrying the ACK), then the ACK if one is still owed and due; the
     * application reads afterwards. */
    conn_output(c);
    ack_check(c);
    if (deliver && !c->dead && c->h && c->h->received) {
        c->h->received(c->ctx, c, joined ? joined : data, deliver);
        rcv_space_adjust(c);
        ack_after_read(c);
    }
    free(joined);
    if (fin_now && !c->dead && c->h && c->h->peer_closed)
        c->h->peer_closed(c->ctx, c);
    if (c->dead)
        return;
    conn_update_timers(c);
}

static void conn_input(tcp_conn *c, tcp_seg *s) {
    conn_hold(c);
    c->last_rcv = sim_now(conn_sim(c));
    c->ka_sent = 0; /* the peer is alive */
    if (c->state == TCP_SYN_SENT)
        input_syn_sent(c, s);
    else
        input_synchronized(c, s);
    seg_trace_accepted_now(c->st); /* accepted, and it caused nothing traced */
    conn_release(c);
}

void tcp_input(ip_stack *st, uint32_t iface, frame *f, const ipv4_header *h) {
    tcp_seg s = {.f = f, .p = tcp_port_of(st, iface)};
    char why[160];
    const uint8_t *ip = f->data + ETH_HEADER_LEN;
    const ipv4_header ih = *h;
    size_t seg_len = (size_t)ih.total_len - ih.header_len;
    int rc = tcp_parse(ip + ih.header_len, seg_len, ih.src, ih.dst, &s.h);
    if (rc != WIRE_OK) {
        snprintf(why, sizeof why, _("bad TCP segment (%s)"), _(wire_strerror(rc)));
        seg_drop(st, &s, stack_wire_reason(rc), why);
        frame_free(f);
        return;
    }
    s.src = ih.src;
    s.dst = ih.dst;
    s.data = ip + ih.header_len + s.h.header_len;
    s.len = (uint32_t)(seg_len - s.h.header_len);
    /* RFC 1122 4.2.3.10 / RFC 9293 3.9.1: TCP is unicast only. */
    if (!ipv4_is_loopback(ih.dst) && ip_stack_iface_of_addr(st, ih.dst) < 0) {
        seg_drop(st, &s, TRACE_REASON_TCP_NOT_UNICAST, _("TCP segment to a broadcast address"));
        frame_free(f);
        return;
    }
    tcp_conn *c = table_find(st, ih.dst, s.h.dst_port, ih.src, s.h.src_port);
    tcp_conn *l = c ? NULL : table_find_listener(st, s.h.dst_port);
    s.conn = c ? c : l;
    if (s.conn)
        st->tcp->accepting = &s;
    if (c)
        conn_input(c, &s);
    else if (l)
        input_listen(l, &s);
    else
        input_closed(st, &s);
    if (st->tcp)
        st->tcp->accepting = NULL;
    frame_free(f);
}

/* --- state and teardown --- */

static int conn_order(const void *pa, const void *pb) {
    const tcp_conn *a = *(const tcp_conn *const *)pa, *b = *(const tcp_conn *const *)pb;
    uint64_t ka = (uint64_t)a->local_ip << 16 | a->local_port;
    uint64_t kb = (uint64_t)b->local_ip << 16 | b->local_port;
    if (ka != kb)
        return ka < kb ? -1 : 1;
    ka = (uint64_t)a->remote_ip << 16 | a->remote_port;
    kb = (uint64_t)b->remote_ip << 16 | b->remote_port;
    return ka < kb ? -1 : ka > kb;
}

void tcp_table_rows(const ip_stack *st, ip_table_row_fn fn, void *ctx) {
    const struct tcp_table *t = st->tcp;
    size_t cursor = 0;
    uint64_t key;
    tcp_conn **slot;
    char addrs[64];
    while (t && (slot = u64map_next(t->listeners, &cursor, &key))) {
        conn_addr_text(*slot, addrs, sizeof addrs);
        fn(ctx, "tcp", addrs, tcp_state_name((*slot)->state));
    }
    cursor = 0;
    while (t && (slot = u64map_next(t->conns, &cursor, &key)))
        for (tcp_conn *c = *slot; c; c = c->hash_next) {
            conn_addr_text(c, addrs, sizeof addrs);
            fn(ctx, "tcp", addrs, tcp_state_name(c->state));
        }
}

/* Listeners and connections sorted by local, then remote endpoint (NULL
 * when there are none); caller frees. */
static const tcp_conn **sorted_conns(const ip_stack *st, size_t *count) {
    const struct tcp_table *t = st->tcp;
    *count = 0;
    if (!t)
        return NULL;
    size_t n = u64map_size(t->listeners), cursor = 0, k = 0;
    uint64_t key;
    tcp_conn **slot;
    while ((slot = u64map_next(t->conns, &cursor, &key)))
        for (tcp_conn *c = *slot; c; c = c->hash_next)
            n++;
    if (n == 0)
        return NULL;
    const tcp_conn **sorted = malloc(n * sizeof *sorted);
    if (!sorted)
        ns_out_of_memory();
    cursor = 0;
    while ((slot = u64map_next(t->listeners, &cursor, &key)))
        sorted[k++] = *slot;
    cursor = 0;
    while ((slot = u64map_next(t->conns, &cursor, &key)))
        for (tcp_conn *c = *slot; c; c = c->hash_next)
            sorted[k++] = c;
    qsort(sorted, n, sizeof *sorted, conn_order);
    *count = n;
    return sorted;
}

/* net-tools netstat's name for a state (its tcp_state[] table). */
static const char *netstat_state(tcp_state s) {
    static const char *const names[] = {
        [TCP_CLOSED] = "CLOSE",
        [TCP_LISTEN] = "LISTEN",
        [TCP_SYN_SENT] = "SYN_SENT",
        [TCP_SYN_RECEIVED] = "SYN_RECV",
        [TCP_ESTABLISHED] = "ESTABLISHED",
        [TCP_FIN_WAIT_1] = "FIN_WAIT1",
        [TCP_FIN_WAIT_2] = "FIN_WAIT2",
        [TCP_CLOSE_WAIT] = "CLOSE_WAIT",
        [TCP_CLOSING] = "CLOSING",
        [TCP_LAST_ACK] = "LAST_ACK",
        [TCP_TIME_WAIT] = "TIME_WAIT",
    };
    return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "UNKNOWN";
}

void tcp_show_rows(const ip_stack *st, trace_rows *rows) {
    size_t n;
    const tcp_conn **sorted = sorted_conns(st, &n);
    for (size_t i = 0; i < n; i++) {
        const tcp_conn *c = sorted[i];
        char local[IPV4_ENDPOINT_TEXT_LEN], remote[IPV4_ENDPOINT_TEXT_LEN];
        trace_rows_begin(rows);
        trace_rows_add(rows, "proto", "tcp");
        trace_rows_add(rows, "recv_q", "0"); /* the programs read at once */
        trace_rows_add(rows, "send_q", "%zu", c->sbuf_len);
        trace_rows_add(rows, "local", "%s",
                       ipv4_format_endpoint(c->local_ip, c->local_port, local));
        if (c->state == TCP_LISTEN)
            trace_rows_add(rows, "foreign", "0.0.0.0:*");
        else
            trace_rows_add(rows, "foreign", "%s",
                           ipv4_format_endpoint(c->remote_ip, c->remote_port, remote));
        trace_rows_add(rows, "state", "%s", netstat_state(c->state));
    }
    free(sorted);
}

void tcp_write_state(const ip_stack *st, FILE *out) {
    size_t n;
    const tcp_conn **sorted = sorted_conns(st, &n);
    if (n == 0)
        return;
    fprintf(out, "  tcp connections:\n");
    fprintf(out, "    %-5s %-23s %-23s %s\n", "Proto", "Local Address", "Foreign Address", "State");
    for (size_t i = 0; i < n; i++) {
        const tcp_conn *c = sorted[i];
        char local[IPV4_ENDPOINT_TEXT_LEN], remote[IPV4_ENDPOINT_TEXT_LEN];
        ipv4_format_endpoint(c->local_ip, c->local_port, local);
        if (c->state == TCP_LISTEN)
            snprintf(remote, sizeof remote, "0.0.0.0:*");
        else
            ipv4_format_endpoint(c->remote_ip, c->remote_port, remote);
        fprintf(out, "    %-5s %-23s %-23s %s\n", "tcp", local, remote, tcp_state_name(c->state));
    }
    free(sorted);
}

void tcp_power_off(ip_stack *st) {
    struct tcp_table *t = st->tcp;
    if (!t)
        return;
    /* Collect first: finishing a connection removes it from the table. */
    size_t n = 0, cap = 16, cursor = 0;
    uint64_t key;
    tcp_conn **slot, **all = malloc(cap * sizeof *all);
    if (!all)
        ns_out_of_memory();
    while ((slot = u64map_next(t->conns, &cursor, &key)))
        for (tcp_conn *c = *slot; c; c = c->hash_next) {
            if (n == cap) {
                cap *= 2;
                tcp_conn **grown = realloc(all, cap * sizeof *all);
                if (!grown)
                    ns_out_of_memory();
                all = grown;
            }
            all[n++] = c;
        }
    qsort(all, n, sizeof *all, conn_order); /* table order depends on its size */
    for (size_t i = 0; i < n; i++)
        conn_hold(all[i]);
    for (size_t i = 0; i < n; i++)
        conn_finish(all[i], TCP_END_RESET, true, _("powered off"));
    for (size_t i = 0; i < n; i++)
        conn_release(all[i]);
    free(all);
}

void tcp_destroy_all(ip_stack *st) {
    struct tcp_table *t = st->tcp;
    if (!t)
        return;
    /* No callbacks and no engine calls: the applications and perhaps the
     * engine are being torn down too, and pending timers never run again. */
    size_t cursor = 0;
    uint64_t key;
    tcp_conn **slot;
    while ((slot = u64map_next(t->listeners, &cursor, &key)))
        conn_free(*slot);
    cursor = 0;
    while ((slot = u64map_next(t->conns, &cursor, &key)))
        for (tcp_conn *c = *slot, *next; c; c = next) {
            next = c->hash_next;
            conn_free(c);
        }
    u64map_free(t->conns);
    u64map_free(t->listeners);
    u64map_free(t->ports);
    free(t);
    st->tcp = NULL;
}
