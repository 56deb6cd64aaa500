/*
 * test_tcp: TCP connections (stack/tcp.c) between two real hosts on a direct
 * link (H1 10.0.0.1, H2 10.0.0.2), or between a real host A (10.0.0.1) and a
 * fake node F (10.0.0.2) through which the test injects exact segments and
 * sees exactly what A sends.
 *
 * Covered: the three-way handshake (flags, seq, ack, windows 64240, 65160
 * and 502, the SYN's exact option bytes, timestamps echoed; ISNs and the
 * ephemeral port from the seed); MSS segmentation (5000 bytes -> 1448, 1448,
 * 1448, 656, PSH on the last) with a quick ACK per segment; the close (FIN,
 * FIN-ACK, ACK) with TIME-WAIT ending exactly 60 s later as the run's last
 * event; a peer without options getting none; quick ACKs, then an ACK every
 * second full-sized segment, the 40 ms delayed-ACK timer and the ACK after a
 * read; interactive (pingpong) mode; SACK blocks; RFC 6675 recovery of two
 * losses in one window; the paced 11-segment exchange; RST from a closed port (connect ->
 * TCP_END_REFUSED); retransmission by timeout at RTO (200 ms after a LAN handshake) with doubling,
 * and giving up after 15 (data) or 6 (SYN) retransmissions; fast retransmit on the third duplicate
 * ACK; out-of-order segments held and delivered in one piece when the hole fills; a file crossing a
 * lossy link intact, twice identically; flow control (a 1000-byte window, a zero window, persist
 * probes with backoff, the window reopening); simultaneous open and close (SYN-RECEIVED and
 * CLOSING); every state transition traced with its four-tuple; the state table. Every test ends
 * leak-free (LeakSanitizer).
 */
#include "fake_net.h"

#include "engine/rng.h"
#include "stack/tcp.h"
#include "wire/tcp.h"

static const mac_addr MAC_1 = {{0x02, 0x00, 0x00, 0x00, 0x00, 0x01}};
static const mac_addr MAC_2 = {{0x02, 0x00, 0x00, 0x00, 0x00, 0x02}};
static const ipv4_addr IP_1 = 0x0A000001, IP_2 = 0x0A000002;

/* Ports and ISNs as the seeded generator draws them: connect() takes an
 * ephemeral port, then the ISS; a listener's ISS is the next draw. */
#define EPH_SPAN 28232u /* 32768-60999 */

typedef struct seed_draws {
    uint16_t port;
    uint32_t isn_client, isn_server;
} seed_draws;

static seed_draws draws_for(uint64_t seed) {
    rng r;
    rng_seed(&r, seed);
    seed_draws d;
    d.port = (uint16_t)(32768 + rng_below(&r, EPH_SPAN));
    d.isn_client = (uint32_t)rng_next(&r);
    d.isn_server = (uint32_t)rng_next(&r);
    return d;
}

/* --- a test application --- */

typedef struct app {
    const char *name;
    tcp_conn *conn; /* from connect, or the accepted one */
    tcp_conn *listener;
    int connected, accepted, peer_closed, closed, sent;
    tcp_end end;
    sim_time closed_at, peer_closed_at, connected_at;
    uint8_t *rx;
    size_t rx_len, rx_cap, deliveries;
    bool close_on_peer_close;
    sim *sim;
} app;

static void on_connected(void *ctx, tcp_conn *c) {
    app *a = ctx;
    a->connected++;
    a->conn = c;
    a->connected_at = sim_now(a->sim);
}

static void on_accepted(void *ctx, tcp_conn *listener, tcp_conn *c) {
    app *a = ctx;
    a->accepted++;
    assert_ptr_equal(listener, a->listener);
    a->conn = c;
}

static void on_received(void *ctx, tcp_conn *c, const uint8_t *data, size_t len) {
    (void)c;
    app *a = ctx;
    if (a->rx_len + len > a->rx_cap) {
        a->rx_cap = (a->rx_len + len) * 2;
        a->rx = realloc(a->rx, a->rx_cap);
        assert_non_null(a->rx);
    }
    memcpy(a->rx + a->rx_len, data, len);
    a->rx_len += len;
    a->deliveries++;
}

static void on_peer_closed(void *ctx, tcp_conn *c) {
    app *a = ctx;
    a->peer_closed++;
    a->peer_closed_at = sim_now(a->sim);
    if (a->close_on_peer_close)
        tcp_close(c);
}

static void on_closed(void *ctx, tcp_conn *c, tcp_end why) {
    app *a = ctx;
    if (c == a->conn) {
        a->closed++;
        a->end = why;
        a->closed_at = sim_now(a->sim);
        a->conn = NULL;
    }
    if (c == a->listener)
        a->listener = NULL;
}

static void on_sent(void *ctx, tcp_conn *c) {
    (void)c;
    app *a = ctx;
    a->sent++;
}

static const tcp_handler HANDLER = {
    .connected = on_connected,
    .accepted = on_accepted,
    .received = on_received,
    .peer_closed = on_peer_closed,
    .closed = on_closed,
    .sent = on_sent,
};

static app app_new(fake_net *fx, const char *name) {
    app a = {.name = name, .sim = fx->sim};
    return a;
}

static void app_free(app *a) {
    free(a->rx);
    a->rx = NULL;
}

/* --- network --- */

static node *make_host(fake_net *fx, const char *name, mac_addr mac, ipv4_addr ip) {
    model_iface ifc = fake_iface("eth0", mac, ip, 24);
    model_device d = fake_device(name, DEVICE_HOST, &ifc, 1);
    node *n = ip_device_new(fx->net, &d);
    network_add_node(fx->net, n);
    return n;
}

static ip_stack *stack_of(node *n) {
    return ip_device_stack(n);
}

/* H1 and H2 on one link. */
static void two_hosts(fake_net *fx, node **h1, node **h2) {
    *h1 = make_host(fx, "H1", MAC_1, IP_1);
    *h2 = make_host(fx, "H2", MAC_2, IP_2);
    fake_link(fx, &(*h1)->ports[0], &(*h2)->ports[0]);
    fake_build(fx);
}

/* A (real) and F (fake, answers ARP for 10.0.0.2) on one link. */
static void host_and_fake(fake_net *fx, node **a, fake_node **f) {
    *a = make_host(fx, "A", MAC_1, IP_1);
    *f = fake_node_new(fx, "F", 1, MAC_2);
    (*f)->answer_arp = true;
    (*f)->ip[0] = IP_2;
    fake_link(fx, &(*a)->ports[0], fake_port(*f, 0));
    fake_build(fx);
}

/* Runs the events up to `t`. The clock then reads `t` only if an event
 * lies beyond it; otherwise it stays at the last event (SIM_DONE). */
static void run_until(fake_net *fx, sim_time t) {
    sim_run(fx->sim, t, 0);
}

/* --- segments --- */

typedef struct seg {
    sim_time time;
    ipv4_addr src, dst;
    tcp_header h;
    uint32_t len; /* data bytes */
    const uint8_t *data;
} seg;

/* Parses an Ethernet frame as a TCP segment (checksum verified). */
static bool seg_parse(const uint8_t *f, size_t flen, sim_time time, seg *out) {
    if (flen < ETH_HEADER_LEN + IPV4_HEADER_LEN || wire_get16(f + 12) != ETHERTYPE_IPV4)
        return false;
    ipv4_header ih;
    if (ipv4_header_parse(f + ETH_HEADER_LEN, flen - ETH_HEADER_LEN, &ih) != WIRE_OK ||
        ih.protocol != IPPROTO_TCP_NUM)
        return false;
    const uint8_t *t = f + ETH_HEADER_LEN + ih.header_len;
    size_t tlen = (size_t)ih.total_len - ih.header_len;
    assert_int_equal(tcp_parse(t, tlen, ih.src, ih.dst, &out->h), WIRE_OK);
    out->time = time;
    out->src = ih.src;
    out->dst = ih.dst;
    out->len = (uint32_t)(tlen - out->h.header_len);
    out->data = t + out->h.header_len;
    return true;
}

/* The nth TCP segment that crossed a wire (any direction, in order). */
static bool wire_seg(const fake_net *fx, size_t nth, seg *out) {
    for (size_t i = 0; i < fx->cap.n; i++) {
        const cap_event *e = &fx->cap.ev[i];
        if (e->kind == TRACE_WIRE && seg_parse(e->frame, e->frame_len, e->time, out) && nth-- == 0)
            return true;
    }
    return false;
}

/* The nth TCP segment sent by `src` that crossed a wire. */
static bool wire_seg_from(const fake_net *fx, ipv4_addr src, size_t nth, seg *out) {
    seg s = {0};
    for (size_t i = 0; wire_seg(fx, i, &s); i++)
        if (s.src == src && nth-- == 0) {
            *out = s;
            return true;
        }
    return false;
}

static size_t wire_seg_count(const fake_net *fx) {
    seg s = {0};
    size_t n = 0;
    while (wire_seg(fx, n, &s))
        n++;
    return n;
}

/* The nth TCP segment the fake node received. */
static bool fake_seg(const fake_node *f, size_t nth, seg *out) {
    for (size_t i = 0; i < f->n_rx; i++)
        if (seg_parse(f->rx[i].data, f->rx[i].len, f->rx[i].time, out) && nth-- == 0)
            return true;
    return false;
}

static size_t fake_seg_count(const fake_node *f) {
    seg s = {0};
    size_t n = 0;
    while (fake_seg(f, n, &s))
        n++;
    return n;
}

#define check_seg(s, flags_, seq_, ack_, len_)                                                     \
    do {                                                                                           \
        char want_[TCP_FLAGS_TEXT_LEN], got_[TCP_FLAGS_TEXT_LEN];                                  \
        tcp_flags_text((flags_), want_);                                                           \
        tcp_flags_text((s)->h.flags, got_);                                                        \
        assert_string_equal(got_, want_);                                                          \
        assert_int_equal((s)->h.seq, (uint32_t)(seq_));                                            \
        assert_int_equal((s)->h.ack, (uint32_t)(ack_));                                            \
        assert_int_equal((s)->len, (len_));                                                        \
    } while (0)

/* Sends a segment with options `opt` from F (10.0.0.2 at MAC_2) to A
 * (10.0.0.1) at time `at`. */
static void fake_inject_opt(fake_net *fx, fake_node *f, sim_time at, uint16_t sport, uint16_t dport,
                            uint32_t seqno, uint32_t ackno, uint8_t flags, uint16_t window,
                            const tcp_options *opt, const uint8_t *data, size_t len) {
    tcp_header h = {.src_port = sport,
                    .dst_port = dport,
                    .seq = seqno,
                    .ack = ackno,
                    .flags = flags,
                    .window = window,
                    .opt = *opt};
    uint8_t buf[TCP_MAX_HEADER_LEN + 1460];
    size_t hl = tcp_header_len_for(&h.opt);
    assert_true(len <= 1460);
    if (len)
        memcpy(buf + hl, data, len);
    tcp_emit(&h, buf, hl + len, IP_2, IP_1);
    frame *fr = fake_ipv4_frame(fx, MAC_1, MAC_2, IP_2, IP_1, 64, IPPROTO_TCP_NUM, buf, hl + len);
    fake_send_at(fx, fake_port(f, 0), fr, at);
}

/* fake_inject_opt with no option but MSS (0: none). */
static void fake_inject(fake_net *fx, fake_node *f, sim_time at, uint16_t sport, uint16_t dport,
                        uint32_t seqno, uint32_t ackno, uint8_t flags, uint16_t window,
                        uint16_t mss, const uint8_t *data, size_t len) {
    tcp_options opt = tcp_options_none();
    opt.mss = mss;
    fake_inject_opt(fx, f, at, sport, dport, seqno, ackno, flags, window, &opt, data, len);
}

/* --- trace helpers --- */

/* The TRACE_STATE details of `device`, joined with "; ". */
static void state_trail(const fake_net *fx, const char *device, char *out, size_t cap) {
    out[0] = '\0';
    for (size_t i = 0; i < fx->cap.n; i++) {
        const cap_event *e = &fx->cap.ev[i];
        if (e->kind != TRACE_STATE || !fake_streq(e->device, device))
            continue;
        size_t n = strlen(out);
        snprintf(out + n, cap - n, "%s%s", n ? "; " : "", e->detail);
    }
}

/* The nth (from 0) event of `kind` by `device` whose why is `why`. */
static const cap_event *nth_why(const fake_net *fx, trace_kind kind, const char *device,
                                const char *why, size_t nth) {
    for (size_t i = 0; i < fx->cap.n; i++) {
        const cap_event *e = &fx->cap.ev[i];
        if (cap_match(e, kind, device) && fake_streq(e->why, why) && nth-- == 0)
            return e;
    }
    fail_msg("no event %zu with why \"%s\" on %s", nth, why, device);
    return NULL;
}

static sim_time state_time(const fake_net *fx, const char *device, const char *detail) {
    const cap_event *e = cap_find_detail(&fx->cap, TRACE_STATE, device, detail);
    if (!e)
        fail_msg("no state change \"%s\" on %s", detail, device);
    return e->time;
}

/* --- a connection between two real hosts --- */

typedef struct pair {
    node *h1, *h2;
    app client, server;
    seed_draws d;
} pair;

/* H2 listens on 7, H1 connects at time 0; runs until 1 ms (handshake done). */
static void pair_connect(fake_net *fx, pair *p, uint64_t seed) {
    two_hosts(fx, &p->h1, &p->h2);
    p->client = app_new(fx, "client");
    p->server = app_new(fx, "server");
    p->d = draws_for(seed);
    assert_int_equal(tcp_listen(stack_of(p->h2), 7, &HANDLER, &p->server, &p->server.listener), 0);
    tcp_conn *c = NULL;
    assert_int_equal(tcp_connect(stack_of(p->h1), IP_2, 7, &HANDLER, &p->client, &c), 0);
    p->client.conn = c;
    assert_int_equal(tcp_local_port(c), p->d.port);
    assert_int_equal(tcp_conn_state(c), TCP_SYN_SENT);
    run_until(fx, 1 * SIM_MS);
    assert_int_equal(p->client.connected, 1);
    assert_int_equal(p->server.accepted, 1);
}

static void pair_free(pair *p) {
    app_free(&p->client);
    app_free(&p->server);
}

/* --- tests --- */

static void test_handshake(void **state) {
    fake_net *fx = *state;
    pair p;
    pair_connect(fx, &p, 1);
    uint16_t cport = p.d.port;
    uint32_t a = p.d.isn_client, b = p.d.isn_server;

    /* Exactly three segments: SYN, SYN-ACK, ACK. */
    assert_int_equal(wire_seg_count(fx), 3);
    seg s = {0};
    assert_true(wire_seg(fx, 0, &s));
    assert_int_equal(s.src, IP_1);
    assert_int_equal(s.h.src_port, cport);
    assert_int_equal(s.h.dst_port, 7);
    check_seg(&s, TCP_SYN, a, 0, 0);
    /* Linux's SYN: window 64240 (44 * 1460), 20 option bytes: MSS 1460,
     * SACK-permitted, timestamps (TSecr 0), NOP, window scale 7. */
    assert_int_equal(s.h.window, 64240);
    assert_int_equal(s.h.header_len, 40);
    uint32_t tsval = s.h.opt.ts_val;
    const uint8_t syn_opts[20] = {0x02,
                                  0x04,
                                  0x05,
                                  0xb4,
                                  0x04,
                                  0x02,
                                  0x08,
                                  0x0a,
                                  (uint8_t)(tsval >> 24),
                                  (uint8_t)(tsval >> 16),
                                  (uint8_t)(tsval >> 8),
                                  (uint8_t)tsval,
                                  0,
                                  0,
                                  0,
                                  0,
                                  0x01,
                                  0x03,
                                  0x03,
                                  0x07};
    assert_memory_equal(s.data - 20, syn_opts, 20);
    uint32_t syn_tsval = tsval;

    /* The SYN-ACK answers each option: window 65160 (45 * 1448: its MSS
     * less 12 bytes of timestamps), TSecr the SYN's TSval. */
    assert_true(wire_seg(fx, 1, &s));
    assert_int_equal(s.src, IP_2);
    assert_int_equal(s.h.src_port, 7);
    assert_int_equal(s.h.dst_port, cport);
    check_seg(&s, TCP_SYN | TCP_ACK, b, a + 1, 0);
    assert_int_equal(s.h.window, 65160);
    assert_int_equal(s.h.header_len, 40);
    assert_int_equal(s.h.opt.mss, 1460);
    assert_true(s.h.opt.sack_permitted);
    assert_int_equal(s.h.opt.window_scale, 7);
    assert_true(s.h.opt.has_timestamps);
    assert_int_equal(s.h.opt.ts_ecr, syn_tsval);
    uint32_t synack_tsval = s.h.opt.ts_val;

    /* The ACK: NOP, NOP, timestamps; the window scaled: 64256 >> 7 = 502. */
    assert_true(wire_seg(fx, 2, &s));
    assert_int_equal(s.src, IP_1);
    check_seg(&s, TCP_ACK, a + 1, b + 1, 0);
    assert_int_equal(s.h.header_len, 32);
    assert_int_equal(s.h.window, 502);
    const uint8_t ack_opts[4] = {0x01, 0x01, 0x08, 0x0a};
    assert_memory_equal(s.data - 12, ack_opts, 4);
    assert_int_equal(s.h.opt.ts_ecr, synack_tsval);
    assert_int_equal(s.h.opt.ts_val, syn_tsval); /* the same millisecond */
    assert_int_equal(s.h.opt.sack_count, 0);

    /* States, with the four-tuple. */
    char want[512], trail[1024];
    state_trail(fx, "H1", trail, sizeof trail);
    snprintf(want, sizeof want,
             "10.0.0.1:%u > 10.0.0.2:7 CLOSED -> SYN-SENT; "
             "10.0.0.1:%u > 10.0.0.2:7 SYN-SENT -> ESTABLISHED",
             cport, cport);
    assert_string_equal(trail, want);
    state_trail(fx, "H2", trail, sizeof trail);
    snprintf(want, sizeof want,
             "0.0.0.0:7 CLOSED -> LISTEN; "
             "10.0.0.2:7 > 10.0.0.1:%u LISTEN -> SYN-RECEIVED; "
             "10.0.0.2:7 > 10.0.0.1:%u SYN-RECEIVED -> ESTABLISHED",
             cport, cport);
    assert_string_equal(trail, want);
    const cap_event *e = cap_find_why(&fx->cap, TRACE_STATE, "H1",
                                      "SYN-ACK received: ACK sent (three-way handshake complete)");
    assert_non_null(e);

    /* Both ends see each other. */
    assert_int_equal(tcp_conn_state(p.client.conn), TCP_ESTABLISHED);
    assert_int_equal(tcp_conn_state(p.server.conn), TCP_ESTABLISHED);
    assert_int_equal(tcp_remote_addr(p.server.conn), IP_1);
    assert_int_equal(tcp_remote_port(p.server.conn), cport);
    assert_int_equal(tcp_local_port(p.server.conn), 7);
    assert_int_equal(tcp_remote_addr(p.client.conn), IP_2);
    assert_int_equal(tcp_remote_port(p.client.conn), 7);
    assert_int_equal(tcp_conn_state(p.server.listener), TCP_LISTEN);

    /* Nothing pending once established but H2's ARP entry for H1 (learned
     * from a request, used for the SYN/ACK: DELAY, checked 5 s later). */
    assert_int_equal(sim_events_pending(fx->sim), 1);

    /* Another seed, other numbers. */
    seed_draws d2 = draws_for(2);
    assert_true(d2.port != cport || d2.isn_client != a);
    pair_free(&p);
}

/* Each handshake segment is accepted for its flags alone: its journey ends
 * with a deliver naming the listener or connection that took it, traced
 * before the state change it causes (cause before effect). */
static void test_handshake_segments_delivered(void **state) {
    fake_net *fx = *state;
    pair p;
    pair_connect(fx, &p, 1);
    const cap_event *syn =
        cap_find_why(&fx->cap, TRACE_DELIVER, "H2", "SYN accepted: SYN-RECEIVED");
    assert_non_null(syn);
    assert_int_not_equal(syn->packet_id, 0);
    assert_int_equal(syn->table, TRACE_TABLE_TCP);
    assert_string_equal(syn->key, "0.0.0.0:7");
    assert_string_equal(syn->old_value, "LISTEN");
    assert_string_equal(syn->new_value, "LISTEN");
    const cap_event *syn_state = cap_next(&fx->cap, TRACE_STATE, "H2", (size_t)(syn - fx->cap.ev));
    assert_non_null(syn_state);
    assert_true(strstr(syn_state->detail, "LISTEN -> SYN-RECEIVED") != NULL);
    const cap_event *synack =
        cap_find_why(&fx->cap, TRACE_DELIVER, "H1", "SYN-ACK accepted: ESTABLISHED");
    assert_non_null(synack);
    assert_string_equal(synack->old_value, "SYN-SENT");
    assert_non_null(cap_find_why(&fx->cap, TRACE_DELIVER, "H2", "ACK accepted: ESTABLISHED"));
    size_t tcp_delivers = 0; /* the ARP exchange has its own */
    for (size_t i = 0; i < fx->cap.n; i++)
        tcp_delivers +=
            fx->cap.ev[i].kind == TRACE_DELIVER && fx->cap.ev[i].table == TRACE_TABLE_TCP;
    assert_int_equal(tcp_delivers, 3);
    pair_free(&p);
}

static void test_listen_port_taken(void **state) {
    fake_net *fx = *state;
    node *h1, *h2;
    two_hosts(fx, &h1, &h2);
    app a = app_new(fx, "a");
    tcp_conn *l1, *l2;
    assert_int_equal(tcp_listen(stack_of(h2), 80, &HANDLER, &a, &l1), 0);
    assert_int_equal(tcp_listen(stack_of(h2), 80, &HANDLER, &a, &l2), -1);
    a.listener = l1;
    tcp_close(l1);
    assert_null(a.listener); /* closed was called for the listener */
    assert_int_equal(tcp_listen(stack_of(h2), 80, &HANDLER, &a, &l2), 0);
    char trail[256];
    state_trail(fx, "H2", trail, sizeof trail);
    assert_string_equal(trail, "0.0.0.0:80 CLOSED -> LISTEN; 0.0.0.0:80 LISTEN -> CLOSED; "
                               "0.0.0.0:80 CLOSED -> LISTEN");
    app_free(&a);
}

/* 5000 bytes with MSS 1460 less 12 bytes of timestamps: 1448, 1448, 1448,
 * 656 back to back (initial window 10 segments), PSH on the last; each
 * acknowledged at once (quick-ACK mode at the start of a connection), the
 * window growing as data arrives (rcv_ssthresh: 65160 -> 65536). */
static void test_mss_segmentation(void **state) {
    fake_net *fx = *state;
    pair p;
    pair_connect(fx, &p, 1);
    uint32_t a = p.d.isn_client, b = p.d.isn_server;
    uint8_t data[5000];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)(i * 7 + i / 256);
    size_t before = wire_seg_count(fx);
    sim_time t0 = sim_now(fx->sim);
    assert_int_equal(tcp_send(p.client.conn, data, sizeof data), sizeof data);
    run_until(fx, 2 * SIM_MS);

    static const uint32_t lens[] = {1448, 1448, 1448, 656};
    uint32_t off = 0;
    for (size_t i = 0; i < 4; i++) {
        seg s = {0};
        assert_true(wire_seg_from(fx, IP_1, 2 + i, &s)); /* after SYN and ACK */
        check_seg(&s, i == 3 ? TCP_PSH | TCP_ACK : TCP_ACK, a + 1 + off, b + 1, lens[i]);
        assert_memory_equal(s.data, data + off, lens[i]);
        assert_int_equal(s.time, t0 + i * (1514 + 24) * 80); /* back to back at 100 Mbit/s */
        off += lens[i];
    }
    /* H2's four ACKs, one per segment, each as it arrives. */
    off = 0;
    for (size_t i = 0; i < 4; i++) {
        seg s = {0};
        off += lens[i];
        assert_true(wire_seg_from(fx, IP_2, 1 + i, &s)); /* after the SYN-ACK */
        check_seg(&s, TCP_ACK, b + 1, a + 1 + off, 0);
        assert_int_equal(s.h.window, 512); /* 65536 >> 7 */
    }
    assert_int_equal(wire_seg_count(fx), before + 8);

    /* Delivered intact, traced per segment. */
    assert_int_equal(p.server.rx_len, sizeof data);
    assert_memory_equal(p.server.rx, data, sizeof data);
    assert_int_equal(p.server.deliveries, 4);
    assert_int_equal(cap_count_why(&fx->cap, TRACE_DELIVER, "H2", "1448 bytes for port 7"), 3);
    assert_int_equal(cap_count_why(&fx->cap, TRACE_DELIVER, "H2", "656 bytes for port 7"), 1);
    assert_int_equal(p.client.sent, 1);
    assert_int_equal(sim_events_pending(fx->sim), 1); /* H2's ARP entry in DELAY */
    pair_free(&p);
}

/* H1 closes; H2 closes as soon as it hears of it. As in Linux the ACK of
 * the FIN is delayed (the connection turns interactive when the FIN
 * arrives), so H2's FIN carries it: FIN, FIN-ACK, ACK. H1 stays in
 * TIME-WAIT for exactly 60 s, the run's last event. */
static void test_four_way_close(void **state) {
    fake_net *fx = *state;
    pair p;
    pair_connect(fx, &p, 1);
    uint32_t a = p.d.isn_client, b = p.d.isn_server;
    uint16_t cport = p.d.port;
    p.server.close_on_peer_close = true;
    size_t before = wire_seg_count(fx);
    tcp_close(p.client.conn);
    assert_int_equal(fake_run(fx), SIM_DONE);

    assert_int_equal(wire_seg_count(fx), before + 3);
    seg s = {0};
    assert_true(wire_seg(fx, before, &s));
    assert_int_equal(s.src, IP_1);
    check_seg(&s, TCP_FIN | TCP_ACK, a + 1, b + 1, 0);
    assert_true(wire_seg(fx, before + 1, &s));
    assert_int_equal(s.src, IP_2);
    check_seg(&s, TCP_FIN | TCP_ACK, b + 1, a + 2, 0);
    assert_true(wire_seg(fx, before + 2, &s));
    assert_int_equal(s.src, IP_1);
    check_seg(&s, TCP_ACK, a + 2, b + 2, 0);
    assert_int_equal(cap_count_why(&fx->cap, TRACE_SEND, "H2", "delayed ACK (timer)"), 0);

    char want[1024], trail[2048];
    state_trail(fx, "H1", trail, sizeof trail);
    snprintf(want, sizeof want,
             "10.0.0.1:%u > 10.0.0.2:7 CLOSED -> SYN-SENT; "
             "10.0.0.1:%u > 10.0.0.2:7 SYN-SENT -> ESTABLISHED; "
             "10.0.0.1:%u > 10.0.0.2:7 ESTABLISHED -> FIN-WAIT-1; "
             "10.0.0.1:%u > 10.0.0.2:7 FIN-WAIT-1 -> FIN-WAIT-2; "
             "10.0.0.1:%u > 10.0.0.2:7 FIN-WAIT-2 -> TIME-WAIT; "
             "10.0.0.1:%u > 10.0.0.2:7 TIME-WAIT -> CLOSED",
             cport, cport, cport, cport, cport, cport);
    assert_string_equal(trail, want);
    state_trail(fx, "H2", trail, sizeof trail);
    snprintf(want, sizeof want,
             "0.0.0.0:7 CLOSED -> LISTEN; "
             "10.0.0.2:7 > 10.0.0.1:%u LISTEN -> SYN-RECEIVED; "
             "10.0.0.2:7 > 10.0.0.1:%u SYN-RECEIVED -> ESTABLISHED; "
             "10.0.0.2:7 > 10.0.0.1:%u ESTABLISHED -> CLOSE-WAIT; "
             "10.0.0.2:7 > 10.0.0.1:%u CLOSE-WAIT -> LAST-ACK; "
             "10.0.0.2:7 > 10.0.0.1:%u LAST-ACK -> CLOSED",
             cport, cport, cport, cport, cport);
    assert_string_equal(trail, want);

    /* TIME-WAIT: 2*MSL = 60 s, then the run is over. */
    char detail[96];
    snprintf(detail, sizeof detail, "10.0.0.1:%u > 10.0.0.2:7 FIN-WAIT-2 -> TIME-WAIT", cport);
    sim_time tw = state_time(fx, "H1", detail);
    assert_int_equal(p.client.closed, 1);
    assert_int_equal(p.client.end, TCP_END_NORMAL);
    assert_int_equal(p.client.closed_at, tw + 60 * SIM_S);
    assert_int_equal(sim_now(fx->sim), tw + 60 * SIM_S);
    assert_non_null(cap_find_why(
        &fx->cap, TRACE_STATE, "H1",
        "60 s in TIME-WAIT elapsed: Linux's fixed TCP_TIMEWAIT_LEN; RFC 9293 says 2*MSL"));
    assert_int_equal(p.server.peer_closed, 1);
    assert_int_equal(p.server.closed, 1);
    assert_int_equal(p.server.end, TCP_END_NORMAL);
    assert_true(p.server.closed_at < 2 * SIM_MS);
    assert_int_equal(p.client.peer_closed, 1);
    /* The listener lives on. */
    assert_non_null(p.server.listener);
    pair_free(&p);
}

static void test_rst_to_closed_port(void **state) {
    fake_net *fx = *state;
    node *h1, *h2;
    two_hosts(fx, &h1, &h2);
    seed_draws d = draws_for(1);
    app a = app_new(fx, "a");
    tcp_conn *c;
    assert_int_equal(tcp_connect(stack_of(h1), IP_2, 9, &HANDLER, &a, &c), 0);
    a.conn = c;
    assert_int_equal(fake_run(fx), SIM_DONE);
    assert_int_equal(wire_seg_count(fx), 2);
    seg s = {0};
    assert_true(wire_seg(fx, 1, &s));
    assert_int_equal(s.src, IP_2);
    assert_int_equal(s.h.src_port, 9);
    assert_int_equal(s.h.dst_port, d.port);
    check_seg(&s, TCP_RST | TCP_ACK, 0, d.isn_client + 1, 0);
    assert_int_equal(s.h.window, 0);
    assert_int_equal(a.closed, 1);
    assert_int_equal(a.end, TCP_END_REFUSED);
    assert_int_equal(a.connected, 0);
    const cap_event *e = cap_nth(&fx->cap, TRACE_DROP, "H2", 0);
    assert_non_null(e);
    assert_text(e->why, "no listener on TCP port 9: answered with RST");
    assert_non_null(e->frame);
    char detail[96];
    snprintf(detail, sizeof detail, "10.0.0.1:%u > 10.0.0.2:9 SYN-SENT -> CLOSED", d.port);
    e = cap_find_detail(&fx->cap, TRACE_STATE, "H1", detail);
    assert_non_null(e);
    assert_text(e->why, "RST in answer to our SYN: connection refused");
    app_free(&a);
}

/* A connects to F:80; F completes the handshake by hand (window `win`).
 * Returns A's ISN; the connection is ESTABLISHED by then (about 0.52 ms). */
static uint32_t fake_handshake(fake_net *fx, node **a_node, fake_node **f, app *a, uint16_t win,
                               uint16_t *cport) {
    host_and_fake(fx, a_node, f);
    tcp_conn *c;
    assert_int_equal(tcp_connect(stack_of(*a_node), IP_2, 80, &HANDLER, a, &c), 0);
    a->conn = c;
    run_until(fx, 500 * SIM_US);
    seg s = {0};
    assert_true(fake_seg(*f, 0, &s));
    assert_int_equal(s.h.flags, TCP_SYN);
    *cport = s.h.src_port;
    fake_inject(fx, *f, 500 * SIM_US, 80, s.h.src_port, 5000, s.h.seq + 1, TCP_SYN | TCP_ACK, win,
                1460, NULL, 0);
    run_until(fx, 1 * SIM_MS);
    assert_int_equal(a->connected, 1);
    assert_int_equal(fake_seg_count(*f), 2); /* SYN, ACK */
    return s.h.seq;
}

/* F never acknowledges 100 bytes: retransmissions at RTO = 200 ms (the
 * minimum: the LAN's RTT is microseconds), then 400, 800 ms... capped at 60 s;
 * after 15 A gives up (TCP_END_TIMEOUT). */
static void test_retransmission_timeout(void **state) {
    fake_net *fx = *state;
    node *an;
    fake_node *f;
    app a = app_new(fx, "a");
    uint16_t cport;
    uint32_t isn = fake_handshake(fx, &an, &f, &a, 65535, &cport);
    uint8_t data[100];
    memset(data, 'x', sizeof data);
    sim_time t0 = sim_now(fx->sim);
    assert_int_equal(tcp_send(a.conn, data, sizeof data), 100);
    assert_int_equal(fake_run(fx), SIM_DONE);

    /* The original and 15 retransmissions, as traced when TCP sends them. */
    assert_int_equal(cap_count_why(&fx->cap, TRACE_SEND, "A", "retransmission (timeout)"), 15);
    sim_time t = t0, rto = 200 * SIM_MS;
    for (size_t i = 0; i < 15; i++) {
        t += rto;
        const cap_event *e = nth_why(fx, TRACE_SEND, "A", "retransmission (timeout)", i);
        assert_int_equal(e->time, t);
        rto = rto * 2 > 60 * SIM_S ? 60 * SIM_S : rto * 2;
        if (i == 0) {
            char detail[128];
            snprintf(detail, sizeof detail,
                     "10.0.0.1:%u > 10.0.0.2:80 [P.] seq=%lu len=100, timeouts 1, RTO 400 ms",
                     cport, (unsigned long)(isn + 1));
            assert_text(e->detail, detail);
        }
    }
    /* On the wire: the same 100 bytes every time. */
    assert_int_equal(fake_seg_count(f), 2 + 16);
    for (size_t i = 2; i < 18; i++) {
        seg s = {0};
        assert_true(fake_seg(f, i, &s));
        check_seg(&s, TCP_PSH | TCP_ACK, isn + 1, 5001, 100);
    }
    assert_int_equal(a.closed, 1);
    assert_int_equal(a.end, TCP_END_TIMEOUT);
    assert_int_equal(a.closed_at, t + rto);
    assert_non_null(
        cap_find_why(&fx->cap, TRACE_STATE, "A", "no ACK after 15 retransmissions: giving up"));
    app_free(&a);
}

/* An ACK ends the retransmissions; the doubled RTO stays until a new sample. */
static void test_retransmission_then_ack(void **state) {
    fake_net *fx = *state;
    node *an;
    fake_node *f;
    app a = app_new(fx, "a");
    uint16_t cport;
    uint32_t isn = fake_handshake(fx, &an, &f, &a, 65535, &cport);
    uint8_t data[10] = "0123456789";
    sim_time t0 = sim_now(fx->sim);
    tcp_send(a.conn, data, sizeof data);
    /* Retransmissions 200 ms and 600 ms later; the ACK arrives at 700 ms. */
    fake_inject(fx, f, 700 * SIM_MS, 80, cport, 5001, isn + 11, TCP_ACK, 65535, 0, NULL, 0);
    assert_int_equal(fake_run(fx), SIM_DONE);
    assert_int_equal(cap_count_why(&fx->cap, TRACE_SEND, "A", "retransmission (timeout)"), 2);
    assert_int_equal(nth_why(fx, TRACE_SEND, "A", "retransmission (timeout)", 0)->time,
                     t0 + 200 * SIM_MS);
    assert_int_equal(nth_why(fx, TRACE_SEND, "A", "retransmission (timeout)", 1)->time,
                     t0 + 600 * SIM_MS);
    assert_int_equal(a.sent, 1);
    assert_int_equal(a.closed, 0);
    assert_int_equal(tcp_conn_state(a.conn), TCP_ESTABLISHED);
    app_free(&a);
}

/* Nobody answers the SYN: 6 retransmissions at 1, 3, 7, 15, 31, 63 s, then
 * TCP_END_TIMEOUT at 63 + 60 s (the RTO is capped at 60 s). */
static void test_syn_retries(void **state) {
    fake_net *fx = *state;
    node *an;
    fake_node *f;
    host_and_fake(fx, &an, &f);
    app a = app_new(fx, "a");
    tcp_conn *c;
    assert_int_equal(tcp_connect(stack_of(an), IP_2, 80, &HANDLER, &a, &c), 0);
    a.conn = c;
    assert_int_equal(fake_run(fx), SIM_DONE);
    static const sim_time at[] = {1, 3, 7, 15, 31, 63};
    assert_int_equal(cap_count_why(&fx->cap, TRACE_SEND, "A", "retransmission (timeout)"), 6);
    for (size_t i = 0; i < 6; i++)
        assert_int_equal(nth_why(fx, TRACE_SEND, "A", "retransmission (timeout)", i)->time,
                         at[i] * SIM_S);
    assert_int_equal(fake_seg_count(f), 7);
    for (size_t i = 0; i < 7; i++) {
        seg s = {0};
        assert_true(fake_seg(f, i, &s));
        assert_int_equal(s.h.flags, TCP_SYN);
    }
    assert_int_equal(a.closed, 1);
    assert_int_equal(a.end, TCP_END_TIMEOUT);
    assert_int_equal(a.closed_at, 123 * SIM_S);
    assert_non_null(
        cap_find_why(&fx->cap, TRACE_STATE, "A", "no answer to the SYN after 6 retransmissions"));
    app_free(&a);
}

/* Five segments leave; F acknowledges the first, then repeats that ACK three
 * times (segment 2 was lost): A resends segment 2 on the third duplicate,
 * long before its RTO. */
static void test_fast_retransmit(void **state) {
    fake_net *fx = *state;
    node *an;
    fake_node *f;
    app a = app_new(fx, "a");
    uint16_t cport;
    uint32_t isn = fake_handshake(fx, &an, &f, &a, 65535, &cport);
    uint8_t data[5 * 1460];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)i;
    tcp_send(a.conn, data, sizeof data);
    run_until(fx, 2 * SIM_MS);
    assert_int_equal(fake_seg_count(f), 2 + 5);
    uint32_t one = isn + 1 + 1460;
    fake_inject(fx, f, 2 * SIM_MS, 80, cport, 5001, one, TCP_ACK, 65535, 0, NULL, 0);
    for (int i = 0; i < 3; i++)
        fake_inject(fx, f, 2 * SIM_MS + 100 * SIM_US * (sim_time)(i + 1), 80, cport, 5001, one,
                    TCP_ACK, 65535, 0, NULL, 0);
    run_until(fx, 3 * SIM_MS);
    const cap_event *e =
        cap_find_why(&fx->cap, TRACE_SEND, "A", "fast retransmit (3 duplicate ACKs)");
    assert_non_null(e);
    /* The third duplicate arrives 300 µs + 7.72 µs (a 60-byte frame) later. */
    assert_int_equal(e->time, 2 * SIM_MS + 300 * SIM_US + FAKE_HOP_60);
    /* The typed fact: the step is a retransmission, and so is every event of
     * the segment it announces (the next one A sends); no earlier send was. */
    assert_true(e->retransmission);
    const cap_event *again = cap_next(&fx->cap, TRACE_SEND, "A", cap_index(&fx->cap, e) + 1);
    assert_non_null(again);
    assert_true(again->packet_id != 0 && again->retransmission);
    for (size_t i = 0; i < fx->cap.n; i++) {
        const cap_event *x = &fx->cap.ev[i];
        if (x->packet_id)
            assert_int_equal(x->retransmission, x->packet_id == again->packet_id);
        else if (i < cap_index(&fx->cap, e))
            assert_false(x->retransmission);
    }
    /* Segment 2 again, and nothing else new is allowed yet: F's ACKs leave
     * no room beyond the 10-segment window anyway (all data is out). */
    assert_int_equal(fake_seg_count(f), 2 + 6);
    seg s = {0};
    assert_true(fake_seg(f, 7, &s));
    check_seg(&s, TCP_ACK, one, 5001, 1460);
    assert_memory_equal(s.data, data + 1460, 1460);
    /* Everything acknowledged: no timeout retransmission ever follows. */
    fake_inject(fx, f, 3 * SIM_MS, 80, cport, 5001, isn + 1 + sizeof data, TCP_ACK, 65535, 0, NULL,
                0);
    assert_int_equal(fake_run(fx), SIM_DONE);
    assert_int_equal(cap_count_why(&fx->cap, TRACE_SEND, "A", "retransmission (timeout)"), 0);
    assert_int_equal(fake_seg_count(f), 2 + 6);
    assert_int_equal(a.sent, 1);
    app_free(&a);
}

/* F connects to A's listener, then sends bytes 1000-1999 and 2000-2999
 * before 0-999: A holds them, answers each with a duplicate ACK, and delivers
 * all 3000 bytes at once, in order, when the hole fills. */
static void test_out_of_order(void **state) {
    fake_net *fx = *state;
    node *an;
    fake_node *f;
    host_and_fake(fx, &an, &f);
    app a = app_new(fx, "a");
    assert_int_equal(tcp_listen(stack_of(an), 80, &HANDLER, &a, &a.listener), 0);
    fake_inject(fx, f, 0, 5555, 80, 1000, 0, TCP_SYN, 65535, 1460, NULL, 0);
    run_until(fx, 500 * SIM_US);
    seg s = {0};
    assert_true(fake_seg(f, 0, &s));
    assert_int_equal(s.h.flags, TCP_SYN | TCP_ACK);
    assert_int_equal(s.h.ack, 1001);
    uint32_t isn = s.h.seq;
    fake_inject(fx, f, 500 * SIM_US, 5555, 80, 1001, isn + 1, TCP_ACK, 65535, 0, NULL, 0);
    run_until(fx, 1 * SIM_MS);
    assert_int_equal(a.accepted, 1);

    uint8_t part[3][1000];
    for (int i = 0; i < 3; i++)
        memset(part[i], 'A' + i, 1000);
    fake_inject(fx, f, 2 * SIM_MS, 5555, 80, 2001, isn + 1, TCP_ACK, 65535, 0, part[1], 1000);
    fake_inject(fx, f, 3 * SIM_MS, 5555, 80, 3001, isn + 1, TCP_ACK, 65535, 0, part[2], 1000);
    run_until(fx, 4 * SIM_MS);
    assert_int_equal(a.rx_len, 0);
    assert_int_equal(fake_seg_count(f), 3);
    for (size_t i = 1; i < 3; i++) {
        assert_true(fake_seg(f, i, &s));
        check_seg(&s, TCP_ACK, isn + 1, 1001, 0); /* duplicate ACKs: 1001 is missing */
    }
    fake_inject(fx, f, 4 * SIM_MS, 5555, 80, 1001, isn + 1, TCP_ACK | TCP_PSH, 65535, 0, part[0],
                1000);
    assert_int_equal(fake_run(fx), SIM_DONE);
    assert_int_equal(a.deliveries, 1);
    assert_int_equal(a.rx_len, 3000);
    for (int i = 0; i < 3; i++)
        assert_memory_equal(a.rx + 1000 * i, part[i], 1000);
    assert_true(fake_seg(f, 3, &s));
    check_seg(&s, TCP_ACK, isn + 1, 4001, 0);
    const cap_event *e = cap_find_why(&fx->cap, TRACE_DELIVER, "A", "3000 bytes for port 80");
    assert_non_null(e);
    assert_text(e->detail, "the hole is filled: 2000 bytes had arrived out of order");
    app_free(&a);
}

/* H1 sends a 200 kB file to H2 over a link that loses 5% of the frames in
 * each direction: it arrives intact, and the same seed gives the same run. */
static sim_time lossy_transfer(uint64_t seed, size_t *events, size_t *rexmit) {
    fake_net *fx = fake_net_new(seed);
    node *h1 = make_host(fx, "H1", MAC_1, IP_1);
    node *h2 = make_host(fx, "H2", MAC_2, IP_2);
    link *l = fake_link(fx, &h1->ports[0], &h2->ports[0]);
    l->loss = 0.05;
    fake_build(fx);
    app client = app_new(fx, "client"), server = app_new(fx, "server");
    server.close_on_peer_close = true;
    assert_int_equal(tcp_listen(stack_of(h2), 21, &HANDLER, &server, &server.listener), 0);
    tcp_conn *c;
    assert_int_equal(tcp_connect(stack_of(h1), IP_2, 21, &HANDLER, &client, &c), 0);
    client.conn = c;
    enum { SIZE = 200000 };
    uint8_t *file = malloc(SIZE);
    assert_non_null(file);
    for (size_t i = 0; i < SIZE; i++)
        file[i] = (uint8_t)(i ^ (i >> 8) ^ (i >> 16));
    assert_int_equal(tcp_send(c, file, SIZE), SIZE);
    tcp_close(c);
    assert_int_equal(fake_run(fx), SIM_DONE);
    assert_int_equal(server.rx_len, SIZE);
    assert_memory_equal(server.rx, file, SIZE);
    assert_int_equal(server.peer_closed, 1);
    assert_int_equal(client.closed, 1);
    assert_int_equal(client.end, TCP_END_NORMAL);
    assert_int_equal(server.closed, 1);
    assert_int_equal(server.end, TCP_END_NORMAL);
    assert_true(cap_count(&fx->cap, TRACE_DROP, NULL) > 0); /* the link did lose frames */
    *events = fx->cap.n;
    *rexmit =
        cap_count_why(&fx->cap, TRACE_SEND, "H1", "retransmission (timeout)") +
        cap_count_why(&fx->cap, TRACE_SEND, "H1", "fast retransmit (3 duplicate ACKs)") +
        cap_count_why(&fx->cap, TRACE_SEND, "H1", "retransmission (partial ACK in fast recovery)");
    sim_time end = sim_now(fx->sim);
    free(file);
    app_free(&client);
    app_free(&server);
    fake_net_free(fx);
    return end;
}

static void test_lossy_link_file_intact(void **state) {
    (void)state;
    size_t ev1, ev2, rx1, rx2;
    sim_time t1 = lossy_transfer(7, &ev1, &rx1);
    sim_time t2 = lossy_transfer(7, &ev2, &rx2);
    assert_int_equal(t1, t2);
    assert_int_equal(ev1, ev2);
    assert_int_equal(rx1, rx2);
    assert_true(rx1 > 0);
}

/* F offers a 1000-byte window: A sends 1000 of its 3000 bytes. F then
 * closes the window: A probes at RTO (200 ms), then 400 ms later; when F
 * opens 2000 bytes A sends 1460 + 540. */
static void test_flow_control_and_persist(void **state) {
    fake_net *fx = *state;
    node *an;
    fake_node *f;
    app a = app_new(fx, "a");
    uint16_t cport;
    uint32_t isn = fake_handshake(fx, &an, &f, &a, 1000, &cport);
    uint8_t data[3000];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)(i * 3);
    tcp_send(a.conn, data, sizeof data);
    run_until(fx, 2 * SIM_MS);
    assert_int_equal(fake_seg_count(f), 3);
    seg s = {0};
    assert_true(fake_seg(f, 2, &s));
    check_seg(&s, TCP_ACK, isn + 1, 5001, 1000);

    /* ACK with a zero window at 2 ms (arrives 2 ms + 7.72 µs). */
    fake_inject(fx, f, 2 * SIM_MS, 80, cport, 5001, isn + 1001, TCP_ACK, 0, 0, NULL, 0);
    run_until(fx, 800 * SIM_MS);
    sim_time ack_at = 2 * SIM_MS + FAKE_HOP_60;
    assert_int_equal(cap_count_why(&fx->cap, TRACE_SEND, "A", "zero-window probe (persist timer)"),
                     2);
    const cap_event *p0 = nth_why(fx, TRACE_SEND, "A", "zero-window probe (persist timer)", 0);
    const cap_event *p1 = nth_why(fx, TRACE_SEND, "A", "zero-window probe (persist timer)", 1);
    assert_int_equal(p0->time, ack_at + 200 * SIM_MS);
    assert_int_equal(p1->time, ack_at + 600 * SIM_MS);
    assert_int_equal(fake_seg_count(f), 5);
    for (size_t i = 3; i < 5; i++) {
        assert_true(fake_seg(f, i, &s));
        check_seg(&s, TCP_ACK, isn + 1000, 5001, 0); /* an old sequence number */
    }
    assert_int_equal(cap_count_why(&fx->cap, TRACE_SEND, "A", "retransmission (timeout)"), 0);

    /* The window opens: 2000 bytes left, 2000 offered -> 1460 + 540 (PSH). */
    fake_inject(fx, f, 800 * SIM_MS, 80, cport, 5001, isn + 1001, TCP_ACK, 2000, 0, NULL, 0);
    run_until(fx, 801 * SIM_MS);
    assert_int_equal(fake_seg_count(f), 7);
    assert_true(fake_seg(f, 5, &s));
    check_seg(&s, TCP_ACK, isn + 1001, 5001, 1460);
    assert_memory_equal(s.data, data + 1000, 1460);
    assert_true(fake_seg(f, 6, &s));
    check_seg(&s, TCP_PSH | TCP_ACK, isn + 2461, 5001, 540);
    /* No probe after the window opened. */
    fake_inject(fx, f, 801 * SIM_MS, 80, cport, 5001, isn + 3001, TCP_ACK, 4000, 0, NULL, 0);
    assert_int_equal(fake_run(fx), SIM_DONE);
    assert_int_equal(cap_count_why(&fx->cap, TRACE_SEND, "A", "zero-window probe (persist timer)"),
                     2);
    assert_int_equal(a.sent, 1);
    app_free(&a);
}

/* Both ends close at the same instant: FIN-WAIT-1 -> CLOSING -> TIME-WAIT
 * on both, each then CLOSED 60 s after its TIME-WAIT began. */
static void test_simultaneous_close(void **state) {
    fake_net *fx = *state;
    pair p;
    pair_connect(fx, &p, 1);
    uint32_t a = p.d.isn_client, b = p.d.isn_server;
    uint16_t cport = p.d.port;
    size_t before = wire_seg_count(fx);
    tcp_close(p.client.conn);
    tcp_close(p.server.conn);
    assert_int_equal(fake_run(fx), SIM_DONE);
    assert_int_equal(wire_seg_count(fx), before + 4);
    seg s = {0};
    assert_true(wire_seg(fx, before, &s));
    check_seg(&s, TCP_FIN | TCP_ACK, a + 1, b + 1, 0);
    assert_true(wire_seg(fx, before + 1, &s));
    check_seg(&s, TCP_FIN | TCP_ACK, b + 1, a + 1, 0);
    char want[1024], trail[2048];
    state_trail(fx, "H1", trail, sizeof trail);
    snprintf(want, sizeof want,
             "10.0.0.1:%u > 10.0.0.2:7 CLOSED -> SYN-SENT; "
             "10.0.0.1:%u > 10.0.0.2:7 SYN-SENT -> ESTABLISHED; "
             "10.0.0.1:%u > 10.0.0.2:7 ESTABLISHED -> FIN-WAIT-1; "
             "10.0.0.1:%u > 10.0.0.2:7 FIN-WAIT-1 -> CLOSING; "
             "10.0.0.1:%u > 10.0.0.2:7 CLOSING -> TIME-WAIT; "
             "10.0.0.1:%u > 10.0.0.2:7 TIME-WAIT -> CLOSED",
             cport, cport, cport, cport, cport, cport);
    assert_string_equal(trail, want);
    state_trail(fx, "H2", trail, sizeof trail);
    snprintf(want, sizeof want,
             "0.0.0.0:7 CLOSED -> LISTEN; "
             "10.0.0.2:7 > 10.0.0.1:%u LISTEN -> SYN-RECEIVED; "
             "10.0.0.2:7 > 10.0.0.1:%u SYN-RECEIVED -> ESTABLISHED; "
             "10.0.0.2:7 > 10.0.0.1:%u ESTABLISHED -> FIN-WAIT-1; "
             "10.0.0.2:7 > 10.0.0.1:%u FIN-WAIT-1 -> CLOSING; "
             "10.0.0.2:7 > 10.0.0.1:%u CLOSING -> TIME-WAIT; "
             "10.0.0.2:7 > 10.0.0.1:%u TIME-WAIT -> CLOSED",
             cport, cport, cport, cport, cport, cport);
    assert_string_equal(trail, want);
    assert_non_null(
        cap_find_why(&fx->cap, TRACE_STATE, "H1",
                     "FIN received before the ACK of ours (simultaneous close): ACK sent"));
    char detail[96];
    snprintf(detail, sizeof detail, "10.0.0.1:%u > 10.0.0.2:7 CLOSING -> TIME-WAIT", cport);
    assert_int_equal(p.client.closed_at, state_time(fx, "H1", detail) + 60 * SIM_S);
    assert_int_equal(p.client.end, TCP_END_NORMAL);
    assert_int_equal(p.server.end, TCP_END_NORMAL);
    pair_free(&p);
}

/* Simultaneous open (RFC 9293 figure 7): A's SYN crosses F's SYN to the
 * same ports. A answers SYN-ACK, F's SYN-ACK completes A's side. */
static void test_simultaneous_open(void **state) {
    fake_net *fx = *state;
    node *an;
    fake_node *f;
    host_and_fake(fx, &an, &f);
    app a = app_new(fx, "a");
    tcp_conn *c;
    assert_int_equal(tcp_connect(stack_of(an), IP_2, 80, &HANDLER, &a, &c), 0);
    a.conn = c;
    run_until(fx, 500 * SIM_US);
    seg s = {0};
    assert_true(fake_seg(f, 0, &s));
    uint32_t isn = s.h.seq;
    uint16_t cport = s.h.src_port;
    fake_inject(fx, f, 500 * SIM_US, 80, cport, 7000, 0, TCP_SYN, 65535, 1460, NULL, 0);
    run_until(fx, 1 * SIM_MS);
    assert_true(fake_seg(f, 1, &s));
    check_seg(&s, TCP_SYN | TCP_ACK, isn, 7001, 0);
    assert_int_equal(s.h.opt.mss, 1460);
    assert_int_equal(tcp_conn_state(c), TCP_SYN_RECEIVED);
    fake_inject(fx, f, 1 * SIM_MS, 80, cport, 7000, isn + 1, TCP_SYN | TCP_ACK, 65535, 1460, NULL,
                0);
    run_until(fx, 2 * SIM_MS);
    assert_int_equal(tcp_conn_state(c), TCP_ESTABLISHED);
    assert_int_equal(a.connected, 1);
    char want[512], trail[1024];
    state_trail(fx, "A", trail, sizeof trail);
    snprintf(want, sizeof want,
             "10.0.0.1:%u > 10.0.0.2:80 CLOSED -> SYN-SENT; "
             "10.0.0.1:%u > 10.0.0.2:80 SYN-SENT -> SYN-RECEIVED; "
             "10.0.0.1:%u > 10.0.0.2:80 SYN-RECEIVED -> ESTABLISHED",
             cport, cport, cport);
    assert_string_equal(trail, want);
    assert_int_equal(fake_seg_count(f), 2); /* nothing more was needed */
    tcp_abort(c);
    assert_int_equal(fake_run(fx), SIM_DONE);
    assert_true(fake_seg(f, 2, &s));
    check_seg(&s, TCP_RST, isn + 1, 0, 0);
    assert_int_equal(a.end, TCP_END_RESET);
    app_free(&a);
}

/* The peer resets an established connection: closed(TCP_END_RESET); a RST
 * with the wrong sequence number only earns a challenge ACK (RFC 5961). */
static void test_rst_received(void **state) {
    fake_net *fx = *state;
    node *an;
    fake_node *f;
    app a = app_new(fx, "a");
    uint16_t cport;
    uint32_t isn = fake_handshake(fx, &an, &f, &a, 65535, &cport);
    fake_inject(fx, f, 2 * SIM_MS, 80, cport, 5100, 0, TCP_RST, 0, 0, NULL, 0);
    run_until(fx, 3 * SIM_MS);
    assert_int_equal(a.closed, 0);
    seg s = {0};
    assert_true(fake_seg(f, 2, &s));
    check_seg(&s, TCP_ACK, isn + 1, 5001, 0);
    assert_non_null(
        cap_find_why(&fx->cap, TRACE_DROP, "A",
                     "RST not at the expected sequence number: challenge ACK (RFC 5961)"));
    fake_inject(fx, f, 3 * SIM_MS, 80, cport, 5001, 0, TCP_RST, 0, 0, NULL, 0);
    assert_int_equal(fake_run(fx), SIM_DONE);
    assert_int_equal(a.closed, 1);
    assert_int_equal(a.end, TCP_END_RESET);
    assert_non_null(
        cap_find_why(&fx->cap, TRACE_STATE, "A", "RST received: connection reset by peer"));
    app_free(&a);
}

/* Echo inside the callback: the reply carries the ACK (no separate ACK). */
static void echo_received(void *ctx, tcp_conn *c, const uint8_t *data, size_t len) {
    on_received(ctx, c, data, len);
    tcp_send(c, data, len);
}

/* Quick ACK, then interactive (pingpong) mode, as Linux: the first request
 * gets a bare ACK before the echo (quick-ACK mode acknowledges before the
 * application runs); the echo came within 40 ms, so the server turns
 * interactive and the second echo carries the ACK; the client, interactive
 * too, acknowledges the second echo 40 ms later by its delayed-ACK timer. */
static void test_quick_ack_then_ack_rides_on_reply(void **state) {
    fake_net *fx = *state;
    pair p;
    static const tcp_handler echo = {.accepted = on_accepted, .received = echo_received};
    two_hosts(fx, &p.h1, &p.h2);
    p.client = app_new(fx, "client");
    p.server = app_new(fx, "server");
    assert_int_equal(tcp_listen(stack_of(p.h2), 7, &echo, &p.server, &p.server.listener), 0);
    tcp_conn *c;
    assert_int_equal(tcp_connect(stack_of(p.h1), IP_2, 7, &HANDLER, &p.client, &c), 0);
    p.client.conn = c;
    tcp_send(c, (const uint8_t *)"hello", 5); /* queued until ESTABLISHED */
    run_until(fx, 1 * SIM_MS);
    assert_int_equal(p.client.rx_len, 5);
    assert_memory_equal(p.client.rx, "hello", 5);
    /* SYN, SYN-ACK, ACK, data, its quick ACK, the echo, its quick ACK. */
    assert_int_equal(wire_seg_count(fx), 7);
    seg s = {0};
    assert_true(wire_seg(fx, 2, &s));
    assert_int_equal(s.len, 0); /* the handshake's ACK leaves on its own */
    assert_true(wire_seg(fx, 3, &s));
    uint32_t a = s.h.seq;
    check_seg(&s, TCP_PSH | TCP_ACK, a, s.h.ack, 5);
    uint32_t b = s.h.ack;
    assert_true(wire_seg(fx, 4, &s));
    assert_int_equal(s.src, IP_2);
    check_seg(&s, TCP_ACK, b, a + 5, 0);
    assert_true(wire_seg(fx, 5, &s));
    assert_int_equal(s.src, IP_2);
    check_seg(&s, TCP_PSH | TCP_ACK, b, a + 5, 5);
    assert_true(wire_seg(fx, 6, &s));
    assert_int_equal(s.src, IP_1);
    check_seg(&s, TCP_ACK, a + 5, b + 5, 0);

    /* Again, 1 ms later: the echo carries the ACK; the client's ACK waits. */
    run_until(fx, 2 * SIM_MS);
    tcp_send(c, (const uint8_t *)"again", 5);
    run_until(fx, 3 * SIM_MS);
    assert_int_equal(wire_seg_count(fx), 9);
    assert_true(wire_seg(fx, 7, &s));
    check_seg(&s, TCP_PSH | TCP_ACK, a + 5, b + 5, 5);
    assert_true(wire_seg(fx, 8, &s));
    assert_int_equal(s.src, IP_2);
    check_seg(&s, TCP_PSH | TCP_ACK, b + 5, a + 10, 5);
    sim_time echo_at = s.time;
    run_until(fx, 100 * SIM_MS);
    assert_int_equal(wire_seg_count(fx), 10);
    assert_true(wire_seg(fx, 9, &s));
    assert_int_equal(s.src, IP_1);
    check_seg(&s, TCP_ACK, a + 10, b + 10, 0);
    const cap_event *e = cap_find_why(&fx->cap, TRACE_SEND, "H1", "delayed ACK (timer)");
    assert_non_null(e);
    /* 40 ms after the echo reached H1 (its frame takes FAKE_HOP_* to cross). */
    assert_true(e->time - echo_at >= 40 * SIM_MS && e->time - echo_at < 40 * SIM_MS + 20 * SIM_US);

    FILE *out = tmpfile();
    assert_non_null(out);
    tcp_write_state(stack_of(p.h2), out);
    char buf[1024];
    size_t size = (size_t)ftell(out);
    rewind(out);
    assert_true(size < sizeof buf);
    assert_int_equal(fread(buf, 1, size, out), size);
    buf[size] = '\0';
    fclose(out);
    char want[512];
    snprintf(want, sizeof want,
             "  tcp connections:\n"
             "    Proto Local Address           Foreign Address         State\n"
             "    tcp   0.0.0.0:7               0.0.0.0:*               LISTEN\n"
             "    tcp   10.0.0.2:7              10.0.0.1:%-14u ESTABLISHED\n",
             tcp_local_port(c));
    assert_string_equal(buf, want);
    pair_free(&p);
}

/* F accepts a connection from A's listener on 80 offering only the MSS
 * option (and, with `sack`, SACK-permitted). Returns A's ISS. */
static uint32_t fake_accepted(fake_net *fx, node **an, fake_node **f, app *a, bool sack) {
    host_and_fake(fx, an, f);
    assert_int_equal(tcp_listen(stack_of(*an), 80, &HANDLER, a, &a->listener), 0);
    tcp_options o = tcp_options_none();
    o.mss = 1460;
    o.sack_permitted = sack;
    fake_inject_opt(fx, *f, 0, 5555, 80, 1000, 0, TCP_SYN, 65535, &o, NULL, 0);
    run_until(fx, 500 * SIM_US);
    seg s = {0};
    assert_true(fake_seg(*f, 0, &s));
    assert_int_equal(s.h.flags, TCP_SYN | TCP_ACK);
    fake_inject(fx, *f, 500 * SIM_US, 5555, 80, 1001, s.h.seq + 1, TCP_ACK, 65535, 0, NULL, 0);
    run_until(fx, 1 * SIM_MS);
    assert_int_equal(a->accepted, 1);
    return s.h.seq;
}

/* A peer that offers only the MSS gets only the MSS back (Linux answers
 * what was offered): no timestamps, no scaling, window 64240 (44 * 1460).
 * Delayed ACKs as Linux: the first 17 data segments are acknowledged at
 * once (quick-ACK mode), then every second full-sized segment; a lone one
 * 40 ms later (TCP_DELACK_MIN); a small pushed one when the application
 * has read it. */
static void test_no_options_and_delayed_ack(void **state) {
    fake_net *fx = *state;
    node *an;
    fake_node *f;
    app a = app_new(fx, "a");
    uint32_t isn = fake_accepted(fx, &an, &f, &a, false);
    seg s = {0};
    assert_true(fake_seg(f, 0, &s));
    assert_int_equal(s.h.header_len, 24);
    assert_int_equal(s.h.opt.mss, 1460);
    assert_false(s.h.opt.sack_permitted);
    assert_false(s.h.opt.has_timestamps);
    assert_int_equal(s.h.opt.window_scale, -1);
    assert_int_equal(s.h.window, 64240);

    uint8_t data[1460];
    memset(data, 'd', sizeof data);
    for (uint32_t i = 0; i < 19; i++)
        fake_inject(fx, f, 2 * SIM_MS + i * 200 * SIM_US, 5555, 80, 1001 + i * 1460, isn + 1,
                    TCP_ACK, 65535, 0, data, sizeof data);
    run_until(fx, 6 * SIM_MS);
    /* The SYN-ACK, 17 quick ACKs (16, and one more as the first segment
     * grew the window: tcp_grow_window's quick |= 1), one for segments 18
     * and 19. */
    assert_int_equal(fake_seg_count(f), 1 + 18);
    for (uint32_t i = 0; i < 17; i++) {
        assert_true(fake_seg(f, 1 + i, &s));
        if (s.h.ack != 1001 + (i + 1) * 1460)
            fail_msg("ACK %u: ack %u", i, s.h.ack - 1001);
        check_seg(&s, TCP_ACK, isn + 1, 1001 + (i + 1) * 1460, 0);
        assert_int_equal(s.h.header_len, 20);
        assert_int_equal(s.h.window, 64240);
    }
    assert_true(fake_seg(f, 18, &s));
    check_seg(&s, TCP_ACK, isn + 1, 1001 + 19 * 1460, 0);
    sim_time t19 = 2 * SIM_MS + 18 * 200 * SIM_US;
    assert_true(s.time > t19 && s.time < t19 + 200 * SIM_US);

    /* One more full-sized segment: its ACK waits 40 ms. */
    sim_time t20 = 10 * SIM_MS;
    fake_inject(fx, f, t20, 5555, 80, 1001 + 19 * 1460, isn + 1, TCP_ACK, 65535, 0, data,
                sizeof data);
    run_until(fx, 45 * SIM_MS);
    assert_int_equal(fake_seg_count(f), 19);
    run_until(fx, 60 * SIM_MS);
    assert_int_equal(fake_seg_count(f), 20);
    assert_true(fake_seg(f, 19, &s));
    check_seg(&s, TCP_ACK, isn + 1, 1001 + 20 * 1460, 0);
    const cap_event *e = cap_find_why(&fx->cap, TRACE_SEND, "A", "delayed ACK (timer)");
    assert_non_null(e);
    /* The segment's 1514-byte frame takes 124.04 µs to arrive (1 µs of cable). */
    assert_int_equal(e->time, t20 + (1514 + 24) * 80 + 1000 + 40 * SIM_MS);

    /* A small pushed segment: acknowledged once the application read it. */
    fake_inject(fx, f, 100 * SIM_MS, 5555, 80, 1001 + 20 * 1460, isn + 1, TCP_ACK | TCP_PSH, 65535,
                0, data, 10);
    run_until(fx, 101 * SIM_MS);
    assert_int_equal(fake_seg_count(f), 21);
    assert_true(fake_seg(f, 20, &s));
    check_seg(&s, TCP_ACK, isn + 1, 1001 + 20 * 1460 + 10, 0);
    assert_true(s.time < 100 * SIM_MS + 100 * SIM_US);
    assert_int_equal(a.rx_len, 20 * 1460 + 10);
    app_free(&a);
}

/* RFC 2018: with SACK-permitted agreed, the duplicate ACKs after a hole
 * carry SACK blocks, the latest segment's block first; they go once the
 * hole is filled. */
static void test_sack_blocks(void **state) {
    fake_net *fx = *state;
    node *an;
    fake_node *f;
    app a = app_new(fx, "a");
    uint32_t isn = fake_accepted(fx, &an, &f, &a, true);
    seg s = {0};
    assert_true(fake_seg(f, 0, &s));
    assert_true(s.h.opt.sack_permitted);
    assert_false(s.h.opt.has_timestamps);
    assert_int_equal(s.h.header_len, 28); /* MSS; NOP, NOP, SACK-permitted */
    uint8_t d[100];
    memset(d, 's', sizeof d);
    /* Bytes 1101-1200 and 1401-1500 arrive; 1001-1100 and 1201-1400 do not. */
    fake_inject(fx, f, 2 * SIM_MS, 5555, 80, 1101, isn + 1, TCP_ACK, 65535, 0, d, 100);
    fake_inject(fx, f, 3 * SIM_MS, 5555, 80, 1401, isn + 1, TCP_ACK, 65535, 0, d, 100);
    run_until(fx, 4 * SIM_MS);
    assert_int_equal(fake_seg_count(f), 3);
    assert_true(fake_seg(f, 1, &s));
    check_seg(&s, TCP_ACK, isn + 1, 1001, 0);
    assert_int_equal(s.h.opt.sack_count, 1);
    assert_int_equal(s.h.opt.sack[0].left, 1101);
    assert_int_equal(s.h.opt.sack[0].right, 1201);
    assert_true(fake_seg(f, 2, &s));
    check_seg(&s, TCP_ACK, isn + 1, 1001, 0);
    /* The exact bytes: NOP, NOP, SACK, length 18, two blocks, newest first. */
    assert_int_equal(s.h.header_len, 40);
    const uint8_t opts[20] = {0x01, 0x01, 0x05, 0x12, 0,    0,    0x05, 0x79, 0,    0,
                              0x05, 0xdd, 0,    0,    0x04, 0x4d, 0,    0,    0x04, 0xb1};
    assert_memory_equal(s.data - 20, opts, 20);
    /* The first hole fills: one block left. */
    fake_inject(fx, f, 5 * SIM_MS, 5555, 80, 1001, isn + 1, TCP_ACK, 65535, 0, d, 100);
    run_until(fx, 6 * SIM_MS);
    assert_true(fake_seg(f, 3, &s));
    check_seg(&s, TCP_ACK, isn + 1, 1201, 0);
    assert_int_equal(s.h.opt.sack_count, 1);
    assert_int_equal(s.h.opt.sack[0].left, 1401);
    /* The second: no block, ACK at once. */
    uint8_t d2[200];
    memset(d2, 't', sizeof d2);
    fake_inject(fx, f, 7 * SIM_MS, 5555, 80, 1201, isn + 1, TCP_ACK, 65535, 0, d2, 200);
    run_until(fx, 8 * SIM_MS);
    assert_true(fake_seg(f, 4, &s));
    check_seg(&s, TCP_ACK, isn + 1, 1501, 0);
    assert_int_equal(s.h.opt.sack_count, 0);
    assert_int_equal(s.h.header_len, 20);
    assert_int_equal(a.rx_len, 500);
    app_free(&a);
}

/* RFC 6675 at the sender: F (SACK-permitted) loses segments 2 and 6 of 10
 * and SACKs the others. On the third duplicate ACK A resends segment 2;
 * the scoreboard then shows segment 6 lost too and A resends it in the
 * same recovery, without waiting for a partial ACK (NewReno would). */
static void test_sack_recovery(void **state) {
    fake_net *fx = *state;
    node *an;
    fake_node *f;
    app a = app_new(fx, "a");
    host_and_fake(fx, &an, &f);
    tcp_conn *c;
    assert_int_equal(tcp_connect(stack_of(an), IP_2, 80, &HANDLER, &a, &c), 0);
    a.conn = c;
    run_until(fx, 500 * SIM_US);
    seg s = {0};
    assert_true(fake_seg(f, 0, &s));
    uint16_t cport = s.h.src_port;
    uint32_t isn = s.h.seq;
    tcp_options o = tcp_options_none();
    o.mss = 1460;
    o.sack_permitted = true;
    fake_inject_opt(fx, f, 500 * SIM_US, 80, cport, 5000, isn + 1, TCP_SYN | TCP_ACK, 65535, &o,
                    NULL, 0);
    run_until(fx, 1 * SIM_MS);
    assert_int_equal(a.connected, 1);
    uint8_t data[10 * 1460];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)(i * 3);
    tcp_send(c, data, sizeof data);
    run_until(fx, 3 * SIM_MS);
    assert_int_equal(fake_seg_count(f), 2 + 10);
    uint32_t base = isn + 1, seg2 = base + 1460, seg6 = base + 5 * 1460;
    /* ACK of segment 1, then duplicates SACKing 3, 3-4, 3-5, 3-5 + 7 ... */
    sim_time t = 3 * SIM_MS;
    fake_inject(fx, f, t, 80, cport, 5001, seg2, TCP_ACK, 65535, 0, NULL, 0);
    static const uint32_t sacked[][2] = {{2, 3}, {2, 4}, {2, 5}};
    for (size_t i = 0; i < 3; i++) {
        tcp_options so = tcp_options_none();
        so.sack_count = 1;
        so.sack[0].left = base + sacked[i][0] * 1460;
        so.sack[0].right = base + sacked[i][1] * 1460;
        t += 100 * SIM_US;
        fake_inject_opt(fx, f, t, 80, cport, 5001, seg2, TCP_ACK, 65535, &so, NULL, 0);
    }
    run_until(fx, t + 90 * SIM_US);
    const cap_event *e =
        cap_find_why(&fx->cap, TRACE_SEND, "A", "fast retransmit (3 duplicate ACKs)");
    assert_non_null(e);
    run_until(fx, t + 300 * SIM_US);
    assert_int_equal(fake_seg_count(f), 2 + 11);
    assert_true(fake_seg(f, 12, &s));
    check_seg(&s, TCP_ACK, seg2, 5001, 1460);
    assert_memory_equal(s.data, data + 1460, 1460);
    /* Segments 7-10 SACKed: segment 6 is lost by RFC 6675's IsLost. */
    for (size_t i = 0; i < 4; i++) {
        tcp_options so = tcp_options_none();
        so.sack_count = 2;
        so.sack[0].left = base + 6 * 1460;
        so.sack[0].right = base + (7 + (uint32_t)i) * 1460;
        so.sack[1].left = base + 2 * 1460;
        so.sack[1].right = base + 5 * 1460;
        t += 100 * SIM_US;
        fake_inject_opt(fx, f, t, 80, cport, 5001, seg2, TCP_ACK, 65535, &so, NULL, 0);
    }
    run_until(fx, t + 90 * SIM_US);
    assert_int_equal(
        cap_count_why(&fx->cap, TRACE_SEND, "A", "retransmission (SACK recovery, RFC 6675)"), 1);
    run_until(fx, t + 300 * SIM_US);
    assert_true(fake_seg(f, 13, &s));
    check_seg(&s, TCP_ACK, seg6, 5001, 1460);
    assert_memory_equal(s.data, data + 5 * 1460, 1460);
    /* Everything acknowledged: recovery ends, no timeout. */
    fake_inject(fx, f, t + 100 * SIM_US, 80, cport, 5001, base + sizeof data, TCP_ACK, 65535, 0,
                NULL, 0);
    assert_int_equal(fake_run(fx), SIM_DONE);
    assert_int_equal(cap_count_why(&fx->cap, TRACE_SEND, "A", "retransmission (timeout)"), 0);
    assert_int_equal(fake_seg_count(f), 2 + 12);
    app_free(&a);
}

/* --- the exchange: programs that pause 0.2 s between steps --- */

typedef struct paced {
    sim *sim;
    tcp_conn *conn;
    tcp_conn *listener;
    size_t answer; /* bytes the server answers with */
} paced;

static void paced_send_request(sim *s, void *a, void *b) {
    (void)s;
    (void)b;
    paced *p = a;
    uint8_t req[34];
    memset(req, 'q', sizeof req);
    tcp_send(p->conn, req, sizeof req);
}

static void paced_send_answer(sim *s, void *a, void *b) {
    (void)s;
    (void)b;
    paced *p = a;
    uint8_t ans[97];
    memset(ans, 'a', sizeof ans);
    tcp_send(p->conn, ans, p->answer);
}

static void paced_close(sim *s, void *a, void *b) {
    (void)s;
    (void)b;
    paced *p = a;
    tcp_close(p->conn);
}

static void paced_connected(void *ctx, tcp_conn *c) {
    paced *p = ctx;
    p->conn = c;
    sim_schedule(p->sim, 200 * SIM_MS, paced_send_request, p, NULL, NULL);
}

static void paced_accepted(void *ctx, tcp_conn *l, tcp_conn *c) {
    (void)l;
    paced *p = ctx;
    p->conn = c;
}

static void paced_client_received(void *ctx, tcp_conn *c, const uint8_t *d, size_t len) {
    (void)c;
    (void)d;
    (void)len;
    paced *p = ctx;
    sim_schedule(p->sim, 200 * SIM_MS, paced_close, p, NULL, NULL);
}

static void paced_server_received(void *ctx, tcp_conn *c, const uint8_t *d, size_t len) {
    (void)c;
    (void)d;
    (void)len;
    paced *p = ctx;
    sim_schedule(p->sim, 200 * SIM_MS, paced_send_answer, p, NULL, NULL);
}

static void paced_peer_closed(void *ctx, tcp_conn *c) {
    (void)c;
    paced *p = ctx;
    sim_schedule(p->sim, 200 * SIM_MS, paced_close, p, NULL, NULL);
}

static void paced_closed(void *ctx, tcp_conn *c, tcp_end why) {
    (void)c;
    (void)why;
    paced *p = ctx;
    if (c == p->listener)
        p->listener = NULL;
}

/* The Done-when: a client sends 34 bytes, the server answers 97,
 * each program pausing 0.2 s between its steps. As in Linux's capture: SYN,
 * SYN-ACK, ACK, PSH/ACK(34), ACK, PSH/ACK(97), ACK, FIN/ACK, ACK, FIN/ACK,
 * ACK. The request and the answer are each acknowledged at once (quick-ACK
 * mode); the client's FIN 40 ms later by the delayed-ACK timer (a FIN turns
 * the connection interactive, so Linux waits for an answer to carry it). */
static void test_paced_request_answer(void **state) {
    fake_net *fx = *state;
    node *h1, *h2;
    two_hosts(fx, &h1, &h2);
    static const tcp_handler client_h = {
        .connected = paced_connected, .received = paced_client_received, .closed = paced_closed};
    static const tcp_handler server_h = {.accepted = paced_accepted,
                                         .received = paced_server_received,
                                         .peer_closed = paced_peer_closed,
                                         .closed = paced_closed};
    paced client = {.sim = fx->sim}, server = {.sim = fx->sim, .answer = 97};
    assert_int_equal(tcp_listen(stack_of(h2), 80, &server_h, &server, &server.listener), 0);
    tcp_conn *c;
    assert_int_equal(tcp_connect(stack_of(h1), IP_2, 80, &client_h, &client, &c), 0);
    client.conn = c;
    assert_int_equal(fake_run(fx), SIM_DONE);

    static const struct {
        ipv4_addr src;
        uint8_t flags;
        uint32_t len;
    } want[] = {
        {IP_1, TCP_SYN, 0}, {IP_2, TCP_SYN | TCP_ACK, 0},
        {IP_1, TCP_ACK, 0}, {IP_1, TCP_PSH | TCP_ACK, 34},
        {IP_2, TCP_ACK, 0}, {IP_2, TCP_PSH | TCP_ACK, 97},
        {IP_1, TCP_ACK, 0}, {IP_1, TCP_FIN | TCP_ACK, 0},
        {IP_2, TCP_ACK, 0}, {IP_2, TCP_FIN | TCP_ACK, 0},
        {IP_1, TCP_ACK, 0},
    };
    assert_int_equal(wire_seg_count(fx), 11);
    seg s = {0}, fin = {0};
    for (size_t i = 0; i < 11; i++) {
        assert_true(wire_seg(fx, i, &s));
        char got[TCP_FLAGS_TEXT_LEN], exp[TCP_FLAGS_TEXT_LEN];
        if (s.src != want[i].src || s.h.flags != want[i].flags || s.len != want[i].len)
            fail_msg("segment %zu: [%s] len %u from %08x; want [%s] len %u", i + 1,
                     tcp_flags_text(s.h.flags, got), s.len, s.src,
                     tcp_flags_text(want[i].flags, exp), want[i].len);
        if (i == 7)
            fin = s;
    }
    /* The ACK of the client's FIN: 40 ms after it arrived. */
    assert_true(wire_seg(fx, 8, &s));
    assert_true(s.time - fin.time >= 40 * SIM_MS && s.time - fin.time < 40 * SIM_MS + 100 * SIM_US);
    assert_int_equal(cap_count_why(&fx->cap, TRACE_SEND, "H2", "delayed ACK (timer)"), 1);
}

static void test_state_names(void **state) {
    (void)state;
    static const char *const names[] = {"CLOSED",      "LISTEN",     "SYN-SENT",   "SYN-RECEIVED",
                                        "ESTABLISHED", "FIN-WAIT-1", "FIN-WAIT-2", "CLOSE-WAIT",
                                        "CLOSING",     "LAST-ACK",   "TIME-WAIT"};
    for (int s = TCP_CLOSED; s <= TCP_TIME_WAIT; s++)
        assert_string_equal(tcp_state_name((tcp_state)s), names[s]);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_handshake, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_handshake_segments_delivered, fake_setup,
                                        fake_teardown),
        cmocka_unit_test_setup_teardown(test_listen_port_taken, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_mss_segmentation, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_four_way_close, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_rst_to_closed_port, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_retransmission_timeout, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_retransmission_then_ack, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_syn_retries, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_fast_retransmit, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_out_of_order, fake_setup, fake_teardown),
        cmocka_unit_test(test_lossy_link_file_intact),
        cmocka_unit_test_setup_teardown(test_flow_control_and_persist, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_simultaneous_close, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_simultaneous_open, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_rst_received, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_quick_ack_then_ack_rides_on_reply, fake_setup,
                                        fake_teardown),
        cmocka_unit_test_setup_teardown(test_no_options_and_delayed_ack, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_sack_blocks, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_sack_recovery, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_paced_request_answer, fake_setup, fake_teardown),
        cmocka_unit_test(test_state_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
