/*
 * test_switch: the learning bridge (devices/switch.c) between fake stations:
 * the first frame from a MAC creates an entry on its ingress port; broadcast,
 * multicast and unknown unicast reach every port but the ingress, once each;
 * known unicast leaves by exactly one port; local traffic is filtered; a
 * moving MAC is re-learned; an entry as old as mac_aging is gone (exact
 * boundary); a switching loop stops the run with NET_STOP_STORM. Every test
 * frees the network, the engine and the bus, so LeakSanitizer fails on leaks.
 */
#include "fake_net.h"

#define ETHERTYPE_TEST 0x88b5 /* IEEE local experimental EtherType */

static const mac_addr MAC_A = {{0x02, 0x00, 0x00, 0x00, 0x00, 0x0a}};
static const mac_addr MAC_B = {{0x02, 0x00, 0x00, 0x00, 0x00, 0x0b}};
static const mac_addr MAC_C = {{0x02, 0x00, 0x00, 0x00, 0x00, 0x0c}};

/* One switch sw1 (p1..p4) with fake stations h1..h4 on p1..p4. */
typedef struct bench {
    node *sw;
    fake_node *h[4];
} bench;

static void bench_make(fake_net *fx, bench *b, sim_time aging) {
    model_iface ports[4] = {
        fake_iface("p1", MAC(0x02, 0, 0, 0, 0x05, 1), 0, 0),
        fake_iface("p2", MAC(0x02, 0, 0, 0, 0x05, 2), 0, 0),
        fake_iface("p3", MAC(0x02, 0, 0, 0, 0x05, 3), 0, 0),
        fake_iface("p4", MAC(0x02, 0, 0, 0, 0x05, 4), 0, 0),
    };
    model_device d = fake_device("sw1", DEVICE_SWITCH, ports, 4);
    d.mac_aging_ns = aging;
    b->sw = switch_new(fx->net, &d);
    network_add_node(fx->net, b->sw);
    static const char *const names[4] = {"h1", "h2", "h3", "h4"};
    for (uint32_t i = 0; i < 4; i++) {
        b->h[i] = fake_node_new(fx, names[i], 1, MAC(0x02, 0, 0, 0, 0x10 + i, 0));
        fake_link(fx, fake_port(b->h[i], 0), &b->sw->ports[i]);
    }
    fake_build(fx);
}

/* A 60-byte test frame whose payload starts with `tag`. */
static frame *test_frame(fake_net *fx, mac_addr dst, mac_addr src, uint8_t tag) {
    uint8_t payload[4] = {tag, 0xde, 0xad, tag};
    return fake_eth_frame(fx, dst, src, ETHERTYPE_TEST, payload, sizeof payload);
}

/* Frames received by h whose first byte after the header is `tag`. */
static size_t rx_tagged(const fake_node *h, uint8_t tag) {
    size_t k = 0;
    for (size_t i = 0; i < h->n_rx; i++)
        k += h->rx[i].len > ETH_HEADER_LEN && h->rx[i].data[ETH_HEADER_LEN] == tag;
    return k;
}

static void test_first_frame_creates_entry(void **state) {
    fake_net *fx = *state;
    bench b;
    bench_make(fx, &b, 300 * SIM_S);
    port_send(fake_port(b.h[0], 0), test_frame(fx, MAC_BROADCAST, MAC_A, 1));
    assert_int_equal(fake_run(fx), SIM_DONE);

    assert_int_equal(cap_count(&fx->cap, TRACE_LEARN, "sw1"), 1);
    const cap_event *e = cap_nth(&fx->cap, TRACE_LEARN, "sw1", 0);
    assert_text(e->port, "p1");
    assert_text(e->why, "new source MAC");
    assert_text(e->detail, "02:00:00:00:00:0a is on p1");
    assert_int_equal(e->time, FAKE_HOP_60); /* learned when the frame arrived */
    /* As a table change: the MAC table's entry for A, from none to p1. */
    assert_int_equal(e->table, TRACE_TABLE_MAC);
    assert_text(e->key, "02:00:00:00:00:0a");
    assert_null(e->old_value);
    assert_text(e->new_value, "p1");

    /* The same source again on the same port teaches nothing new. */
    fake_send_at(fx, fake_port(b.h[0], 0), test_frame(fx, MAC_BROADCAST, MAC_A, 2), SIM_MS);
    assert_int_equal(fake_run(fx), SIM_DONE);
    assert_int_equal(cap_count(&fx->cap, TRACE_LEARN, "sw1"), 1);
    assert_int_equal(cap_count(&fx->cap, TRACE_TABLE, "sw1"), 0);
}

static void test_broadcast_flooded_to_all_but_ingress(void **state) {
    fake_net *fx = *state;
    bench b;
    bench_make(fx, &b, 300 * SIM_S);
    frame *f = test_frame(fx, MAC_BROADCAST, MAC_B, 7);
    uint8_t sent[ETH_MIN_FRAME_LEN];
    memcpy(sent, f->data, sizeof sent);
    uint32_t id = f->packet_id;
    port_send(fake_port(b.h[1], 0), f);
    assert_int_equal(fake_run(fx), SIM_DONE);

    assert_int_equal(b.h[1]->n_rx, 0); /* never back out of the ingress port */
    for (int i = 0; i < 4; i++) {
        if (i == 1)
            continue;
        assert_int_equal(b.h[i]->n_rx, 1);
        const fake_rx *r = &b.h[i]->rx[0];
        fake_assert_bytes(r->data, r->len, sent, sizeof sent); /* a bridge changes no byte */
        assert_int_equal(r->packet_id, id);
        assert_int_equal(r->time, 2 * FAKE_HOP_60); /* three idle links, in parallel */
    }
    assert_int_equal(cap_count(&fx->cap, TRACE_FLOOD, "sw1"), 1);
    const cap_event *e = cap_nth(&fx->cap, TRACE_FLOOD, "sw1", 0);
    assert_text(e->port, "p2");
    assert_text(e->why, "broadcast destination");
    assert_text(e->detail, "to p1, p3, p4");
    assert_int_equal(cap_count(&fx->cap, TRACE_FORWARD, "sw1"), 0);
}

static void test_unknown_unicast_flooded(void **state) {
    fake_net *fx = *state;
    bench b;
    bench_make(fx, &b, 300 * SIM_S);
    port_send(fake_port(b.h[0], 0), test_frame(fx, MAC_C, MAC_A, 3));
    assert_int_equal(fake_run(fx), SIM_DONE);
    assert_int_equal(b.h[0]->n_rx, 0);
    assert_int_equal(b.h[1]->n_rx, 1);
    assert_int_equal(b.h[2]->n_rx, 1);
    assert_int_equal(b.h[3]->n_rx, 1);
    const cap_event *e = cap_nth(&fx->cap, TRACE_FLOOD, "sw1", 0);
    assert_non_null(e);
    assert_text(e->port, "p1");
    assert_text(e->why, "destination MAC unknown");
    assert_text(e->detail, "to p2, p3, p4");
}

static void test_multicast_flooded_and_never_learned(void **state) {
    fake_net *fx = *state;
    bench b;
    bench_make(fx, &b, 300 * SIM_S);
    const mac_addr group = MAC(0x01, 0x00, 0x5e, 0x00, 0x00, 0x01);
    /* A group address as source is bogus (802.1D 7.8): it must not be learned... */
    port_send(fake_port(b.h[0], 0), test_frame(fx, MAC_BROADCAST, group, 1));
    /* ...so a frame to that group from h2 is flooded as multicast. */
    fake_send_at(fx, fake_port(b.h[1], 0), test_frame(fx, group, MAC_B, 2), SIM_MS);
    assert_int_equal(fake_run(fx), SIM_DONE);
    assert_int_equal(cap_count(&fx->cap, TRACE_LEARN, "sw1"), 1); /* only MAC_B */
    assert_text(cap_nth(&fx->cap, TRACE_LEARN, "sw1", 0)->detail, "02:00:00:00:00:0b is on p2");
    assert_non_null(cap_find_why(&fx->cap, TRACE_FLOOD, "sw1", "multicast destination"));
    assert_int_equal(rx_tagged(b.h[0], 2), 1);
    assert_int_equal(rx_tagged(b.h[1], 2), 0);
    assert_int_equal(rx_tagged(b.h[2], 2), 1);
    assert_int_equal(rx_tagged(b.h[3], 2), 1);
}

static void test_known_unicast_forwarded_to_one_port(void **state) {
    fake_net *fx = *state;
    bench b;
    bench_make(fx, &b, 300 * SIM_S);
    port_send(fake_port(b.h[1], 0), test_frame(fx, MAC_BROADCAST, MAC_B, 1)); /* B on p2 */
    fake_send_at(fx, fake_port(b.h[0], 0), test_frame(fx, MAC_B, MAC_A, 2), SIM_MS);
    fake_send_at(fx, fake_port(b.h[1], 0), test_frame(fx, MAC_A, MAC_B, 3), 2 * SIM_MS);
    assert_int_equal(fake_run(fx), SIM_DONE);

    /* A -> B: only h2. */
    assert_int_equal(rx_tagged(b.h[0], 2), 0);
    assert_int_equal(rx_tagged(b.h[1], 2), 1);
    assert_int_equal(rx_tagged(b.h[2], 2), 0);
    assert_int_equal(rx_tagged(b.h[3], 2), 0);
    assert_int_equal(b.h[1]->rx[0].time, SIM_MS + 2 * FAKE_HOP_60);
    /* B -> A: A was learned from the previous frame, so only h1. */
    assert_int_equal(rx_tagged(b.h[0], 3), 1);
    assert_int_equal(rx_tagged(b.h[1], 3), 0);
    assert_int_equal(rx_tagged(b.h[2], 3), 0);
    assert_int_equal(rx_tagged(b.h[3], 3), 0);

    assert_int_equal(cap_count(&fx->cap, TRACE_FLOOD, "sw1"), 1); /* the broadcast only */
    assert_int_equal(cap_count(&fx->cap, TRACE_FORWARD, "sw1"), 2);
    const cap_event *e = cap_nth(&fx->cap, TRACE_FORWARD, "sw1", 0);
    assert_text(e->port, "p1");
    assert_text(e->why, "destination MAC in the table");
    assert_text(e->detail, "to p2");
    e = cap_nth(&fx->cap, TRACE_FORWARD, "sw1", 1);
    assert_text(e->port, "p2");
    assert_text(e->detail, "to p1");
}

static void test_destination_on_ingress_port_filtered(void **state) {
    fake_net *fx = *state;
    bench b;
    bench_make(fx, &b, 300 * SIM_S);
    port_send(fake_port(b.h[0], 0), test_frame(fx, MAC_BROADCAST, MAC_A, 1)); /* A on p1 */
    /* C sits behind p1 too (say, on a hub) and talks to A. */
    frame *f = test_frame(fx, MAC_A, MAC_C, 2);
    uint32_t id = f->packet_id;
    fake_send_at(fx, fake_port(b.h[0], 0), f, SIM_MS);
    assert_int_equal(fake_run(fx), SIM_DONE);

    for (int i = 0; i < 4; i++)
        assert_int_equal(rx_tagged(b.h[i], 2), 0);
    assert_int_equal(cap_count(&fx->cap, TRACE_FILTER, "sw1"), 1);
    const cap_event *e = cap_nth(&fx->cap, TRACE_FILTER, "sw1", 0);
    assert_text(e->port, "p1");
    assert_text(e->why, "destination is on the ingress port");
    assert_int_equal(e->packet_id, id);
    assert_int_equal(e->time, SIM_MS + FAKE_HOP_60);
    /* C was still learned, on p1. */
    assert_non_null(cap_find_detail(&fx->cap, TRACE_LEARN, "sw1", "02:00:00:00:00:0c is on p1"));
}

static void test_moved_mac_is_relearned(void **state) {
    fake_net *fx = *state;
    bench b;
    bench_make(fx, &b, 300 * SIM_S);
    port_send(fake_port(b.h[0], 0), test_frame(fx, MAC_BROADCAST, MAC_A, 1));
    fake_send_at(fx, fake_port(b.h[2], 0), test_frame(fx, MAC_BROADCAST, MAC_A, 2), SIM_MS);
    fake_send_at(fx, fake_port(b.h[1], 0), test_frame(fx, MAC_A, MAC_B, 3), 2 * SIM_MS);
    assert_int_equal(fake_run(fx), SIM_DONE);

    const cap_event *e =
        cap_find_why(&fx->cap, TRACE_LEARN, "sw1", "source MAC seen on another port");
    assert_non_null(e);
    assert_text(e->port, "p3");
    assert_text(e->detail, "02:00:00:00:00:0a moved from p1 to p3");
    assert_int_equal(e->table, TRACE_TABLE_MAC);
    assert_text(e->key, "02:00:00:00:00:0a");
    assert_text(e->old_value, "p1");
    assert_text(e->new_value, "p3");
    assert_int_equal(e->time, SIM_MS + FAKE_HOP_60);
    /* B -> A now goes to p3 only. */
    assert_int_equal(rx_tagged(b.h[0], 3), 0);
    assert_int_equal(rx_tagged(b.h[2], 3), 1);
    assert_int_equal(rx_tagged(b.h[3], 3), 0);
    const cap_event *fwd = cap_nth(&fx->cap, TRACE_FORWARD, "sw1", 0);
    assert_non_null(fwd);
    assert_text(fwd->detail, "to p3");
}

/* B is learned when its frame arrives (t = 7720 ns). A frame for B arriving
 * 1 ns before the entry is mac_aging old is forwarded; one arriving when it is
 * exactly mac_aging old finds it gone (Linux: expired when updated + ageing
 * <= now) and is flooded. */
static void test_entry_ages_out(void **state) {
    fake_net *fx = *state;
    bench b;
    const sim_time aging = 10 * SIM_S;
    bench_make(fx, &b, aging);
    port_send(fake_port(b.h[1], 0), test_frame(fx, MAC_BROADCAST, MAC_B, 1));
    fake_send_at(fx, fake_port(b.h[2], 0), test_frame(fx, MAC_B, MAC_C, 2), aging - 1);
    fake_send_at(fx, fake_port(b.h[0], 0), test_frame(fx, MAC_B, MAC_A, 3), aging);
    fake_send_at(fx, fake_port(b.h[3], 0), test_frame(fx, MAC_B, MAC(2, 0, 0, 0, 0, 0x0d), 4),
                 aging + SIM_S);
    assert_int_equal(fake_run(fx), SIM_DONE);

    /* Frame 2, 1 ns short of the aging time: forwarded to h2 only. */
    assert_int_equal(rx_tagged(b.h[0], 2), 0);
    assert_int_equal(rx_tagged(b.h[1], 2), 1);
    assert_int_equal(rx_tagged(b.h[3], 2), 0);
    const cap_event *fwd = cap_nth(&fx->cap, TRACE_FORWARD, "sw1", 0);
    assert_non_null(fwd);
    assert_int_equal(fwd->time, aging - 1 + FAKE_HOP_60);
    assert_text(fwd->detail, "to p2");

    /* Frame 3: the entry is exactly aging old, gone, so flooded. */
    assert_int_equal(cap_count(&fx->cap, TRACE_TABLE, "sw1"), 1);
    const cap_event *aged = cap_nth(&fx->cap, TRACE_TABLE, "sw1", 0);
    assert_int_equal(aged->time, aging + FAKE_HOP_60);
    assert_null(aged->port);
    assert_text(aged->why, "not seen within the aging time");
    assert_text(aged->detail, "02:00:00:00:00:0b (was on p2) aged out");
    assert_int_equal(aged->table, TRACE_TABLE_MAC);
    assert_text(aged->key, "02:00:00:00:00:0b");
    assert_text(aged->old_value, "p2");
    assert_null(aged->new_value);
    assert_int_equal(rx_tagged(b.h[0], 3), 0);
    assert_int_equal(rx_tagged(b.h[1], 3), 1);
    assert_int_equal(rx_tagged(b.h[2], 3), 1);
    assert_int_equal(rx_tagged(b.h[3], 3), 1);
    const cap_event *fl = cap_nth(&fx->cap, TRACE_FLOOD, "sw1", 1);
    assert_non_null(fl);
    assert_int_equal(fl->time, aging + FAKE_HOP_60);
    assert_text(fl->why, "destination MAC unknown");

    /* Frame 4: the entry was removed, not merely expired: flooded again, and
     * no second "aged out". */
    assert_int_equal(rx_tagged(b.h[0], 4), 1);
    assert_int_equal(rx_tagged(b.h[1], 4), 1);
    assert_int_equal(rx_tagged(b.h[2], 4), 1);
    assert_int_equal(cap_count(&fx->cap, TRACE_FLOOD, "sw1"), 3);
    assert_int_equal(cap_count(&fx->cap, TRACE_TABLE, "sw1"), 1);
}

/* switch.c's header: entries "are removed when next looked up, as ns-3's
 * bridge does; the result is the same as a periodic sweep". After a sweep an
 * aged entry is gone, so its MAC showing up again is a new entry, whichever
 * port it appears on, and is traced as such. */
static void test_aged_entry_relearned_as_new(void **state) {
    fake_net *fx = *state;
    bench b;
    const sim_time aging = 10 * SIM_S;
    bench_make(fx, &b, aging);
    port_send(fake_port(b.h[1], 0), test_frame(fx, MAC_BROADCAST, MAC_B, 1)); /* B on p2 */
    port_send(fake_port(b.h[0], 0), test_frame(fx, MAC_BROADCAST, MAC_A, 2)); /* A on p1 */
    /* Long after aging: B again on p2, A now on p3. */
    fake_send_at(fx, fake_port(b.h[1], 0), test_frame(fx, MAC_BROADCAST, MAC_B, 3), 2 * aging);
    fake_send_at(fx, fake_port(b.h[2], 0), test_frame(fx, MAC_BROADCAST, MAC_A, 4), 2 * aging);
    assert_int_equal(fake_run(fx), SIM_DONE);

    assert_int_equal(cap_count(&fx->cap, TRACE_LEARN, "sw1"), 4);
    const cap_event *e = cap_nth(&fx->cap, TRACE_LEARN, "sw1", 2);
    assert_int_equal(e->time, 2 * aging + FAKE_HOP_60);
    assert_text(e->why, "new source MAC");
    assert_text(e->detail, "02:00:00:00:00:0b is on p2");
    e = cap_nth(&fx->cap, TRACE_LEARN, "sw1", 3);
    assert_text(e->why, "new source MAC");
    assert_text(e->detail, "02:00:00:00:00:0a is on p3");
}

/* Two switches joined by two links, and h1 on sw1, h2 on sw2. */
static void make_two_switches(fake_net *fx, bool loop, fake_node **h1, fake_node **h2) {
    model_iface p1[3] = {fake_iface("p1", MAC(2, 0, 0, 0, 0x21, 1), 0, 0),
                         fake_iface("p2", MAC(2, 0, 0, 0, 0x21, 2), 0, 0),
                         fake_iface("p3", MAC(2, 0, 0, 0, 0x21, 3), 0, 0)};
    model_iface p2[3] = {fake_iface("p1", MAC(2, 0, 0, 0, 0x22, 1), 0, 0),
                         fake_iface("p2", MAC(2, 0, 0, 0, 0x22, 2), 0, 0),
                         fake_iface("p3", MAC(2, 0, 0, 0, 0x22, 3), 0, 0)};
    model_device d1 = fake_device("sw1", DEVICE_SWITCH, p1, 3);
    model_device d2 = fake_device("sw2", DEVICE_SWITCH, p2, 3);
    node *sw1 = switch_new(fx->net, &d1);
    node *sw2 = switch_new(fx->net, &d2);
    network_add_node(fx->net, sw1);
    network_add_node(fx->net, sw2);
    *h1 = fake_node_new(fx, "h1", 1, MAC(2, 0, 0, 0, 0x31, 0));
    *h2 = fake_node_new(fx, "h2", 1, MAC(2, 0, 0, 0, 0x32, 0));
    fake_link(fx, &sw1->ports[0], &sw2->ports[0]);
    if (loop)
        fake_link(fx, &sw1->ports[1], &sw2->ports[1]);
    fake_link(fx, fake_port(*h1, 0), &sw1->ports[2]);
    fake_link(fx, fake_port(*h2, 0), &sw2->ports[2]);
    fake_build(fx);
}

static void test_switching_loop_stops_run(void **state) {
    fake_net *fx = *state;
    fake_node *h1, *h2;
    make_two_switches(fx, true, &h1, &h2);
    port_send(fake_port(h1, 0), test_frame(fx, MAC_BROADCAST, MAC_A, 1));
    assert_int_equal(sim_run(fx->sim, 10 * SIM_S, 100000), SIM_STOPPED);

    network *net = fx->net;
    assert_int_equal(net->stop_reason, NET_STOP_STORM);
    assert_int_equal(net->storm_count, net->storm_limit);
    /* The wording belongs to whoever owns the message; the facts are fixed:
     * the switches of the loop, the packet, the count and the word "loop". */
    assert_non_null(strstr(net->stop_message, "sw1, sw2"));
    assert_non_null(strstr(net->stop_message, "packet #1 "));
    assert_non_null(strstr(net->stop_message, "16 frames"));
    assert_non_null(strstr(net->stop_message, "loop"));
    assert_int_equal(cap_count(&fx->cap, TRACE_RUN, NULL), 1);
    const cap_event *e = cap_nth(&fx->cap, TRACE_RUN, NULL, 0);
    assert_text(e->why, "switching loop");
    assert_text(e->detail, net->stop_message);
    /* The frame that tripped the detector is dropped, with its packet id and
     * a reason code, after the run event that explains it. */
    const cap_event *d = cap_next(&fx->cap, TRACE_DROP, NULL, (size_t)(e - fx->cap.ev));
    assert_non_null(d);
    assert_int_equal(d->reason, TRACE_REASON_STORM_STOPPED);
    assert_int_equal(d->packet_id, 1);
    /* The loop made h2 see the one broadcast more than once before the stop. */
    assert_true(h2->n_rx > 1);
    /* Teardown frees the frames still in flight: LeakSanitizer checks it. */
}

static void test_loop_free_chain_delivers_once(void **state) {
    fake_net *fx = *state;
    fake_node *h1, *h2;
    make_two_switches(fx, false, &h1, &h2);
    port_send(fake_port(h1, 0), test_frame(fx, MAC_BROADCAST, MAC_A, 1));
    assert_int_equal(fake_run(fx), SIM_DONE);
    assert_int_equal(fx->net->stop_reason, NET_STOP_NONE);
    assert_int_equal(fx->net->storm_count, 0);
    assert_int_equal(h1->n_rx, 0);
    assert_int_equal(h2->n_rx, 1);
    assert_int_equal(h2->rx[0].time, 3 * FAKE_HOP_60);
    assert_int_equal(cap_count(&fx->cap, TRACE_RUN, NULL), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_first_frame_creates_entry, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_broadcast_flooded_to_all_but_ingress, fake_setup,
                                        fake_teardown),
        cmocka_unit_test_setup_teardown(test_unknown_unicast_flooded, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_multicast_flooded_and_never_learned, fake_setup,
                                        fake_teardown),
        cmocka_unit_test_setup_teardown(test_known_unicast_forwarded_to_one_port, fake_setup,
                                        fake_teardown),
        cmocka_unit_test_setup_teardown(test_destination_on_ingress_port_filtered, fake_setup,
                                        fake_teardown),
        cmocka_unit_test_setup_teardown(test_moved_mac_is_relearned, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_entry_ages_out, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_aged_entry_relearned_as_new, fake_setup,
                                        fake_teardown),
        cmocka_unit_test_setup_teardown(test_switching_loop_stops_run, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_loop_free_chain_delivers_once, fake_setup,
                                        fake_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
