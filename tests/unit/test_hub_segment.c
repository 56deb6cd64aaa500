/*
 * test_hub_segment: the shared medium of hubs (net/hub_segment.c, CSMA/CD
 * after IEEE 802.3 clause 4.2.3) with fake stations: a frame reaches every
 * other station once, repeated by the hub, after its serialization time at
 * the segment's (slowest) bandwidth plus the segment's propagation time; a
 * station that hears a carrier defers; stations that start together collide,
 * jam, back off and each frame is still delivered exactly once; the first
 * signal to reach a station is when it detects the collision; the same seed
 * gives the same run; 16 collisions drop the frame ("excessive
 * collisions"); hubs joined in a loop are refused at build time.
 */
#include "fake_net.h"

#define ETHERTYPE_TEST 0x88b5
#define BPS_10M        10000000ULL

/* At 10 Mbit/s: a 60-byte frame takes (60 + 24) * 8 * 100 ns; the jam is 32
 * bits, the inter-frame gap 96, a slot 512. */
#define T60_10M  ((sim_time)67200)
#define JAM_10M  ((sim_time)3200)
#define GAP_10M  ((sim_time)9600)
#define SLOT_10M ((sim_time)51200)

static const char *const port_names[8] = {"p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8"};

static node *make_hub(fake_net *fx, const char *name, uint32_t n_ports) {
    model_iface ports[8];
    assert_true(n_ports <= 8);
    for (uint32_t i = 0; i < n_ports; i++)
        ports[i] = fake_iface(port_names[i], MAC(2, 0, 0, 0, 0x40, i), 0, 0);
    model_device d = fake_device(name, DEVICE_HUB, ports, n_ports);
    node *h = hub_new(fx->net, &d);
    network_add_node(fx->net, h);
    return h;
}

/* A hub "hub" (p1..p3) and stations S1..S3 on links of `delay` at `bps`. */
typedef struct bench {
    node *hub;
    fake_node *s[3];
} bench;

static void bench_make_with(fake_net *fx, bench *b, sim_time delay, uint64_t bps) {
    static const char *const names[3] = {"S1", "S2", "S3"};
    b->hub = make_hub(fx, "hub", 3);
    for (uint32_t i = 0; i < 3; i++) {
        b->s[i] = fake_node_new(fx, names[i], 1, MAC(2, 0, 0, 0, 0x50 + i, 0));
        network_connect(fx->net, fake_port(b->s[i], 0), &b->hub->ports[i], delay, bps, 100);
    }
    fake_build(fx);
}

/* The usual bench: 1 µs, 10 Mbit/s links, so the segment's propagation time
 * is 2 µs. */
static void bench_make(fake_net *fx, bench *b) {
    bench_make_with(fx, b, SIM_US, BPS_10M);
}

static frame *tagged(fake_net *fx, const fake_node *from, uint8_t tag) {
    uint8_t payload[2] = {tag, tag};
    return fake_eth_frame(fx, MAC_BROADCAST, from->base.ports[0].mac, ETHERTYPE_TEST, payload,
                          sizeof payload);
}

static size_t rx_tagged(const fake_node *s, uint8_t tag) {
    size_t k = 0;
    for (size_t i = 0; i < s->n_rx; i++)
        k += s->rx[i].data[ETH_HEADER_LEN] == tag;
    return k;
}

static void test_frame_reaches_every_other_station(void **state) {
    fake_net *fx = *state;
    bench b;
    bench_make(fx, &b);
    frame *f = tagged(fx, b.s[0], 1);
    uint8_t sent[60];
    memcpy(sent, f->data, sizeof sent);
    port_send(fake_port(b.s[0], 0), f);
    assert_int_equal(fake_run(fx), SIM_DONE);

    const sim_time arrive = T60_10M + 2 * SIM_US;
    assert_int_equal(b.s[0]->n_rx, 0);
    for (int i = 1; i < 3; i++) {
        assert_int_equal(b.s[i]->n_rx, 1);
        assert_int_equal(b.s[i]->rx[0].time, arrive);
        fake_assert_bytes(b.s[i]->rx[0].data, b.s[i]->rx[0].len, sent, sizeof sent);
    }
    assert_int_equal(cap_count(&fx->cap, TRACE_REPEAT, NULL), 1);
    const cap_event *e = cap_nth(&fx->cap, TRACE_REPEAT, "hub", 0);
    assert_non_null(e);
    assert_int_equal(e->time, arrive);
    assert_text(e->port, "p1");
    assert_text(e->why, "a hub repeats every frame out of every other port");
    assert_text(e->detail, "to p2, p3");
    assert_int_equal(cap_count(&fx->cap, TRACE_WIRE, NULL), 3); /* one per link */
    assert_int_equal(cap_count(&fx->cap, TRACE_COLLIDE, NULL), 0);
    assert_int_equal(cap_count(&fx->cap, TRACE_BACKOFF, NULL), 0);
    assert_int_equal(fx->net->frames_delivered, 2);

    /* A long frame: 1000 bytes take (1000 + 24) * 800 ns. */
    uint8_t big[986];
    memset(big, 0x5a, sizeof big);
    fake_send_at(fx, fake_port(b.s[1], 0),
                 fake_eth_frame(fx, MAC_BROADCAST, MAC(2, 0, 0, 0, 0x51, 0), ETHERTYPE_TEST, big,
                                sizeof big),
                 SIM_MS);
    assert_int_equal(fake_run(fx), SIM_DONE);
    assert_int_equal(b.s[0]->n_rx, 1);
    assert_int_equal(b.s[0]->rx[0].len, 1000);
    assert_int_equal(b.s[0]->rx[0].time, SIM_MS + 819200 + 2 * SIM_US);
}

/* Two hubs: H1 (p1 S1 1 µs at 100M, p2 S2 3 µs at 10M, p3 to H2 5 µs) and H2
 * (p1 from H1, p2 S3 2 µs). One segment: propagation 2 * 3 + 5 = 11 µs at
 * the slowest link's 10 Mbit/s. S1 sends one frame. */
static void two_hubs_send(fake_net *fx, fake_node *s[3]) {
    node *h1 = make_hub(fx, "H1", 3);
    node *h2 = make_hub(fx, "H2", 2);
    s[0] = fake_node_new(fx, "S1", 1, MAC(2, 0, 0, 0, 0x61, 0));
    s[1] = fake_node_new(fx, "S2", 1, MAC(2, 0, 0, 0, 0x62, 0));
    s[2] = fake_node_new(fx, "S3", 1, MAC(2, 0, 0, 0, 0x63, 0));
    network_connect(fx->net, fake_port(s[0], 0), &h1->ports[0], 1 * SIM_US, 100000000, 100);
    network_connect(fx->net, fake_port(s[1], 0), &h1->ports[1], 3 * SIM_US, BPS_10M, 100);
    network_connect(fx->net, &h1->ports[2], &h2->ports[0], 5 * SIM_US, 100000000, 100);
    network_connect(fx->net, fake_port(s[2], 0), &h2->ports[1], 2 * SIM_US, 100000000, 100);
    fake_build(fx);
    assert_int_equal(fx->net->n_segments, 1);
    port_send(fake_port(s[0], 0), tagged(fx, s[0], 1));
    assert_int_equal(fake_run(fx), SIM_DONE);
}

static void test_two_hub_segment_timing(void **state) {
    fake_net *fx = *state;
    fake_node *s[3];
    two_hubs_send(fx, s);
    const sim_time arrive = T60_10M + 11 * SIM_US;
    assert_int_equal(s[0]->n_rx, 0);
    assert_int_equal(s[1]->n_rx, 1);
    assert_int_equal(s[2]->n_rx, 1);
    assert_int_equal(s[1]->rx[0].time, arrive);
    assert_int_equal(s[2]->rx[0].time, arrive);
    assert_int_equal(cap_count(&fx->cap, TRACE_REPEAT, NULL), 2); /* one per hub */
    const cap_event *e = cap_nth(&fx->cap, TRACE_REPEAT, "H1", 0);
    assert_non_null(e);
    assert_text(e->port, "p1");
    assert_text(e->detail, "to p2, p3");
}

/* H2 gets the frame on p1 (from H1) and repeats it out of its other port
 * only (IEEE 802.3 clause 9: every port but the receiving one). */
static void test_downstream_hub_repeat_names_its_ingress(void **state) {
    fake_net *fx = *state;
    fake_node *s[3];
    two_hubs_send(fx, s);
    const cap_event *e = cap_nth(&fx->cap, TRACE_REPEAT, "H2", 0);
    assert_non_null(e);
    assert_text(e->port, "p1");
    assert_text(e->detail, "to p2");
}

/* S1 starts at 0; at 10 µs S2 hears it and defers until S1's signal is gone
 * (end + propagation) plus the inter-frame gap. */
static void test_carrier_sense_defers(void **state) {
    fake_net *fx = *state;
    bench b;
    bench_make(fx, &b);
    port_send(fake_port(b.s[0], 0), tagged(fx, b.s[0], 1));
    fake_send_at(fx, fake_port(b.s[1], 0), tagged(fx, b.s[1], 2), 10 * SIM_US);
    assert_int_equal(fake_run(fx), SIM_DONE);

    assert_int_equal(cap_count(&fx->cap, TRACE_COLLIDE, NULL), 0);
    assert_int_equal(cap_count(&fx->cap, TRACE_BACKOFF, NULL), 1);
    const cap_event *e = cap_nth(&fx->cap, TRACE_BACKOFF, "S2", 0);
    assert_non_null(e);
    assert_int_equal(e->time, 10 * SIM_US);
    assert_text(e->why, "carrier sensed: medium busy");
    assert_text(e->detail, "deferring until it is idle");
    const sim_time s2_start = T60_10M + 2 * SIM_US + GAP_10M;
    assert_int_equal(b.s[0]->n_rx, 1);
    assert_int_equal(b.s[0]->rx[0].time, s2_start + T60_10M + 2 * SIM_US);
    assert_int_equal(rx_tagged(b.s[2], 1), 1);
    assert_int_equal(rx_tagged(b.s[2], 2), 1);
    assert_int_equal(b.s[2]->rx[1].time, s2_start + T60_10M + 2 * SIM_US);
}

/* Runs S1 and S2 sending one frame each at the same instant on a fresh
 * fixture with `seed` (stored in *state, so teardown frees it). */
static fake_net *collide_two(void **state, uint64_t seed, bench *b) {
    fake_net_free(*state);
    fake_net *fx = fake_net_new(seed);
    *state = fx;
    bench_make(fx, b);
    port_send(fake_port(b->s[0], 0), tagged(fx, b->s[0], 1));
    port_send(fake_port(b->s[1], 0), tagged(fx, b->s[1], 2));
    assert_int_equal(fake_run(fx), SIM_DONE);
    return fx;
}

static void test_simultaneous_sends_collide(void **state) {
    bench b;
    fake_net *fx = collide_two(state, 1, &b);

    const cap_event *e = cap_nth(&fx->cap, TRACE_COLLIDE, "hub", 0);
    assert_non_null(e);
    assert_int_equal(e->time, 0);
    assert_null(e->port);
    assert_text(e->why, "signals overlapped on the shared medium");
    assert_text(e->detail, "S1.eth0 and S2.eth0 transmitted at once");
    for (int i = 0; i < 2; i++) {
        const char *name = b.s[i]->base.name;
        e = cap_nth(&fx->cap, TRACE_COLLIDE, name, 0);
        assert_non_null(e);
        assert_int_equal(e->time, 2 * SIM_US); /* the other's signal arrives */
        assert_text(e->port, "eth0");
        assert_text(e->why, "another station transmitted at the same time");
        assert_text(e->detail, "sending 32-bit jam");
        e = cap_nth(&fx->cap, TRACE_BACKOFF, name, 0);
        assert_non_null(e);
        assert_int_equal(e->time, 2 * SIM_US);
        assert_text(e->why, "binary exponential backoff");
        if (!fake_streq(e->detail, "attempt 2: waiting 0 of 2 slot times (0 ns)") &&
            !fake_streq(e->detail, "attempt 2: waiting 1 of 2 slot times (51200 ns)"))
            fail_msg("unexpected backoff: %s", e->detail);
    }
    assert_int_equal(rx_tagged(b.s[0], 2), 1);
    assert_int_equal(rx_tagged(b.s[1], 1), 1);
    assert_int_equal(b.s[0]->n_rx, 1);
    assert_int_equal(b.s[1]->n_rx, 1);
    assert_int_equal(b.s[2]->n_rx, 2);
    assert_int_equal(cap_count(&fx->cap, TRACE_DROP, NULL), 0);
}

/* Whatever the backoff draws, both frames get through exactly once. */
static void test_collisions_resolve_for_many_seeds(void **state) {
    for (uint64_t seed = 1; seed <= 200; seed++) {
        bench b;
        fake_net *fx = collide_two(state, seed, &b);
        if (b.s[0]->n_rx != 1 || b.s[1]->n_rx != 1 || b.s[2]->n_rx != 2 ||
            rx_tagged(b.s[0], 2) != 1 || rx_tagged(b.s[1], 1) != 1 || rx_tagged(b.s[2], 1) != 1)
            fail_msg("seed %llu: S1 got %zu, S2 %zu, S3 %zu frames", (unsigned long long)seed,
                     b.s[0]->n_rx, b.s[1]->n_rx, b.s[2]->n_rx);
        assert_true(cap_count(&fx->cap, TRACE_COLLIDE, "S1") >= 1);
        assert_int_equal(cap_count(&fx->cap, TRACE_DROP, NULL), 0);
    }
}

/* Three stations at once, over many seeds: each gets the other two frames. */
static void test_three_way_collision_resolves(void **state) {
    for (uint64_t seed = 1; seed <= 100; seed++) {
        fake_net_free(*state);
        fake_net *fx = fake_net_new(seed);
        *state = fx;
        bench b;
        bench_make(fx, &b);
        for (int i = 0; i < 3; i++)
            port_send(fake_port(b.s[i], 0), tagged(fx, b.s[i], (uint8_t)(i + 1)));
        assert_int_equal(fake_run(fx), SIM_DONE);
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++)
                if (rx_tagged(b.s[i], (uint8_t)(j + 1)) != (i == j ? 0u : 1u))
                    fail_msg("seed %llu: S%d got %zu copies of S%d's frame",
                             (unsigned long long)seed, i + 1, rx_tagged(b.s[i], (uint8_t)(j + 1)),
                             j + 1);
        }
    }
}

/* S1 at 0, S2 at 0.5 µs, S3 at 1.5 µs: nobody hears anybody in time. A
 * station detects the collision when the first other signal reaches it
 * (clause 4.2.3.2.4; the header says so too): S1 when S2's arrives (2.5 µs),
 * S2 and S3 when S1's arrives (2 µs). */
static void test_collision_detected_at_first_signal(void **state) {
    fake_net *fx = *state;
    bench b;
    bench_make(fx, &b);
    port_send(fake_port(b.s[0], 0), tagged(fx, b.s[0], 1));
    fake_send_at(fx, fake_port(b.s[1], 0), tagged(fx, b.s[1], 2), 500);
    fake_send_at(fx, fake_port(b.s[2], 0), tagged(fx, b.s[2], 3), 1500);
    assert_int_equal(fake_run(fx), SIM_DONE);
    const cap_event *e1 = cap_nth(&fx->cap, TRACE_COLLIDE, "S1", 0);
    const cap_event *e2 = cap_nth(&fx->cap, TRACE_COLLIDE, "S2", 0);
    const cap_event *e3 = cap_nth(&fx->cap, TRACE_COLLIDE, "S3", 0);
    assert_non_null(e1);
    assert_non_null(e2);
    assert_non_null(e3);
    assert_int_equal(e1->time, 2500);
    assert_int_equal(e2->time, 2000);
    assert_int_equal(e3->time, 2000);
}

/* Longer cables (5 µs station links at 100 Mbit/s: propagation 10 µs, longer
 * than a minimum frame plus the gap, 7.68 µs). One station sends two frames
 * back to back: there is one transmitter, so nothing can collide, and both
 * frames arrive, 6720 + 960 ns apart. */
static void test_station_never_collides_with_itself(void **state) {
    fake_net *fx = *state;
    bench b;
    bench_make_with(fx, &b, 5 * SIM_US, 100000000);
    port_send(fake_port(b.s[0], 0), tagged(fx, b.s[0], 1));
    port_send(fake_port(b.s[0], 0), tagged(fx, b.s[0], 2));
    assert_int_equal(fake_run(fx), SIM_DONE);
    assert_int_equal(cap_count(&fx->cap, TRACE_COLLIDE, NULL), 0);
    assert_int_equal(cap_count(&fx->cap, TRACE_DROP, NULL), 0);
    for (int i = 1; i < 3; i++) {
        assert_int_equal(b.s[i]->n_rx, 2);
        assert_int_equal(b.s[i]->rx[0].data[ETH_HEADER_LEN], 1);
        assert_int_equal(b.s[i]->rx[0].time, 6720 + 10 * SIM_US);
        assert_int_equal(b.s[i]->rx[1].data[ETH_HEADER_LEN], 2);
        assert_int_equal(b.s[i]->rx[1].time, 6720 + 960 + 6720 + 10 * SIM_US);
    }
}

/* Same cables. S1's frame has left S1 (6.72 µs) before S2 starts at 7 µs,
 * and S1's signal only reaches S2 at 10 µs: they collide at the hub after S1
 * stopped transmitting (a late collision S1 cannot detect). Whatever the
 * model makes of that, no frame may vanish: each is delivered or dropped
 * with a traced reason, and a station with nothing to send does not back off. */
static void test_late_collision_loses_nothing_silently(void **state) {
    fake_net *fx = *state;
    bench b;
    bench_make_with(fx, &b, 5 * SIM_US, 100000000);
    frame *f1 = tagged(fx, b.s[0], 1);
    frame *f2 = tagged(fx, b.s[1], 2);
    uint32_t ids[2] = {f1->packet_id, f2->packet_id};
    port_send(fake_port(b.s[0], 0), f1);
    fake_send_at(fx, fake_port(b.s[1], 0), f2, 7 * SIM_US);
    assert_int_equal(fake_run(fx), SIM_DONE);
    for (int k = 0; k < 2; k++) {
        bool delivered = false, dropped = false;
        for (size_t i = 0; i < b.s[2]->n_rx; i++)
            delivered |= b.s[2]->rx[i].packet_id == ids[k];
        for (size_t i = 0; i < fx->cap.n; i++)
            dropped |= fx->cap.ev[i].kind == TRACE_DROP && fx->cap.ev[i].packet_id == ids[k];
        if (!delivered && !dropped)
            fail_msg("packet #%u (from S%d) vanished: neither delivered nor dropped", ids[k],
                     k + 1);
    }
    for (size_t i = 0; i < fx->cap.n; i++) {
        const cap_event *e = &fx->cap.ev[i];
        if ((e->kind == TRACE_COLLIDE || e->kind == TRACE_BACKOFF) && e->port && !e->frame)
            fail_msg("%s backs off at %llu ns with no frame to send", e->device,
                     (unsigned long long)e->time);
    }
}

/* The whole captured run, field by field. */
static bool same_run(const capture *a, const capture *b) {
    if (a->n != b->n)
        return false;
    for (size_t i = 0; i < a->n; i++) {
        const cap_event *x = &a->ev[i], *y = &b->ev[i];
        if (x->time != y->time || x->kind != y->kind || x->link != y->link ||
            x->packet_id != y->packet_id || !fake_streq(x->device, y->device) ||
            !fake_streq(x->port, y->port) || !fake_streq(x->why, y->why) ||
            !fake_streq(x->detail, y->detail) || x->frame_len != y->frame_len ||
            (x->frame_len && memcmp(x->frame, y->frame, x->frame_len) != 0))
            return false;
    }
    return true;
}

/* Four frames from each of the three stations at once: plenty of collisions.
 * The fixture goes to *slot first, so whoever owns the slot frees it even if
 * an assertion fails here. */
static void busy_run(fake_net **slot, uint64_t seed) {
    fake_net_free(*slot);
    fake_net *fx = *slot = fake_net_new(seed);
    bench b;
    bench_make(fx, &b);
    for (int k = 0; k < 4; k++)
        for (int i = 0; i < 3; i++)
            port_send(fake_port(b.s[i], 0), tagged(fx, b.s[i], (uint8_t)(16 * i + k)));
    assert_int_equal(fake_run(fx), SIM_DONE);
    for (int i = 0; i < 3; i++)
        assert_int_equal(b.s[i]->n_rx, 8);
}

typedef struct pair {
    fake_net *a, *b;
} pair;

static int pair_teardown(void **state) {
    pair *p = *state;
    fake_net_free(p->a);
    fake_net_free(p->b);
    free(p);
    return 0;
}

static int pair_setup(void **state) {
    *state = calloc(1, sizeof(pair));
    return *state ? 0 : -1;
}

static void test_same_seed_same_run(void **state) {
    pair *p = *state;
    busy_run(&p->a, 42);
    busy_run(&p->b, 42);
    assert_true(cap_count(&p->a->cap, TRACE_COLLIDE, NULL) > 0);
    assert_true(same_run(&p->a->cap, &p->b->cap));
    /* Another seed draws other backoffs: some seed must give another run. */
    bool differs = false;
    for (uint64_t seed = 43; seed < 63 && !differs; seed++) {
        busy_run(&p->b, seed);
        differs = !same_run(&p->a->cap, &p->b->cap);
    }
    assert_true(differs);
}

/* Forcing 16 collisions: at 10 Gbit/s a slot is 51.2 ns, so even the widest
 * backoff (1023 slots, 52.4 µs) is shorter than the 200 µs propagation time
 * of 100 µs station links. Both stations then hear each other's jam, defer
 * to the same instant and collide again, every time, whatever the seed. */
static void test_sixteen_collisions_drop_the_frame(void **state) {
    fake_net *fx = *state;
    node *hub = make_hub(fx, "hub", 3);
    fake_node *s[3];
    static const char *const names[3] = {"S1", "S2", "S3"};
    for (uint32_t i = 0; i < 3; i++) {
        s[i] = fake_node_new(fx, names[i], 1, MAC(2, 0, 0, 0, 0x70 + i, 0));
        network_connect(fx->net, fake_port(s[i], 0), &hub->ports[i], 100 * SIM_US, 10000000000ULL,
                        100);
    }
    fake_build(fx);
    port_send(fake_port(s[0], 0), tagged(fx, s[0], 1));
    port_send(fake_port(s[0], 0), tagged(fx, s[0], 3)); /* queued behind */
    port_send(fake_port(s[1], 0), tagged(fx, s[1], 2));
    assert_int_equal(fake_run(fx), SIM_DONE);

    for (int i = 0; i < 2; i++) {
        const char *name = names[i];
        assert_int_equal(cap_count(&fx->cap, TRACE_COLLIDE, name), 16);
        assert_int_equal(cap_count_why(&fx->cap, TRACE_BACKOFF, name, "binary exponential backoff"),
                         15);
        const cap_event *d =
            cap_find_why(&fx->cap, TRACE_DROP, name, "excessive collisions (16 attempts)");
        assert_non_null(d);
        assert_text(d->port, "eth0");
        assert_int_equal(d->packet_id, i == 0 ? 1 : 3);
        assert_int_equal(d->frame_len, 60);
        assert_int_equal(d->frame[ETH_HEADER_LEN], i == 0 ? 1 : 2);
    }
    assert_int_equal(cap_count(&fx->cap, TRACE_DROP, NULL), 2);
    /* The 15th backoff draws from 1024 slots (the exponent stops at 10). */
    size_t n15 = 0;
    for (size_t i = 0; i < fx->cap.n; i++)
        n15 += fx->cap.ev[i].kind == TRACE_BACKOFF && fx->cap.ev[i].detail &&
               strncmp(fx->cap.ev[i].detail, "attempt 16: waiting ", 20) == 0 &&
               strstr(fx->cap.ev[i].detail, " of 1024 slot times (") != NULL;
    assert_int_equal(n15, 2);
    /* Frames 1 and 2 reached nobody; S1's next frame went through afterwards. */
    assert_int_equal(rx_tagged(s[2], 1), 0);
    assert_int_equal(rx_tagged(s[2], 2), 0);
    assert_int_equal(rx_tagged(s[0], 2), 0);
    assert_int_equal(rx_tagged(s[1], 1), 0);
    assert_int_equal(rx_tagged(s[1], 3), 1);
    assert_int_equal(rx_tagged(s[2], 3), 1);
}

static void test_hub_loop_refused(void **state) {
    fake_net *fx = *state;
    node *h1 = make_hub(fx, "H1", 2);
    node *h2 = make_hub(fx, "H2", 2);
    network_connect(fx->net, &h1->ports[0], &h2->ports[0], SIM_US, BPS_10M, 100);
    network_connect(fx->net, &h1->ports[1], &h2->ports[1], SIM_US, BPS_10M, 100);
    char message[512] = "";
    assert_int_equal(network_build_segments(fx->net, message, sizeof message), -1);
    /* The wording is the error-message owner's; the facts are asserted here:
     * a loop, the link that closes it and the two hubs it joins. */
    assert_non_null(strstr(message, "loop"));
    assert_non_null(strstr(message, "H1.p2--H2.p2"));
    assert_non_null(strstr(message, "H1 and H2"));
    assert_int_equal(fx->net->n_segments, 0);
}

static void test_hub_wired_to_itself_refused(void **state) {
    fake_net *fx = *state;
    node *h = make_hub(fx, "H1", 2);
    network_connect(fx->net, &h->ports[0], &h->ports[1], SIM_US, BPS_10M, 100);
    char message[512] = "";
    assert_int_equal(network_build_segments(fx->net, message, sizeof message), -1);
    assert_non_null(strstr(message, "loop"));
    assert_non_null(strstr(message, "H1.p1--H1.p2"));
}

/* A chain of hubs is one segment; two unconnected hubs are two. */
static void test_hub_tree_is_one_segment(void **state) {
    fake_net *fx = *state;
    node *h1 = make_hub(fx, "H1", 2);
    node *h2 = make_hub(fx, "H2", 3);
    node *h3 = make_hub(fx, "H3", 2);
    make_hub(fx, "H4", 2);
    network_connect(fx->net, &h1->ports[0], &h2->ports[0], SIM_US, BPS_10M, 100);
    network_connect(fx->net, &h2->ports[1], &h3->ports[0], SIM_US, BPS_10M, 100);
    char message[512] = "";
    assert_int_equal(network_build_segments(fx->net, message, sizeof message), 0);
    assert_int_equal(fx->net->n_segments, 2);
    assert_ptr_equal(fx->net->links[0]->segment, fx->net->links[1]->segment);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_frame_reaches_every_other_station, fake_setup,
                                        fake_teardown),
        cmocka_unit_test_setup_teardown(test_two_hub_segment_timing, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_downstream_hub_repeat_names_its_ingress, fake_setup,
                                        fake_teardown),
        cmocka_unit_test_setup_teardown(test_carrier_sense_defers, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_simultaneous_sends_collide, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_collisions_resolve_for_many_seeds, fake_setup,
                                        fake_teardown),
        cmocka_unit_test_setup_teardown(test_three_way_collision_resolves, fake_setup,
                                        fake_teardown),
        cmocka_unit_test_setup_teardown(test_collision_detected_at_first_signal, fake_setup,
                                        fake_teardown),
        cmocka_unit_test_setup_teardown(test_station_never_collides_with_itself, fake_setup,
                                        fake_teardown),
        cmocka_unit_test_setup_teardown(test_late_collision_loses_nothing_silently, fake_setup,
                                        fake_teardown),
        cmocka_unit_test_setup_teardown(test_same_seed_same_run, pair_setup, pair_teardown),
        cmocka_unit_test_setup_teardown(test_sixteen_collisions_drop_the_frame, fake_setup,
                                        fake_teardown),
        cmocka_unit_test_setup_teardown(test_hub_loop_refused, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_hub_wired_to_itself_refused, fake_setup,
                                        fake_teardown),
        cmocka_unit_test_setup_teardown(test_hub_tree_is_one_segment, fake_setup, fake_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
