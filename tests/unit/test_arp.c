/*
 * test_arp: ARP (stack/arp.c) between real hosts (ip_device_new) and fake
 * stations: a ping's first packet waits for resolution behind a broadcast
 * who-has (exact bytes, padding included); the target learns the requester
 * (RFC 826) and answers unicast; the queued packet leaves when the reply
 * arrives; an overheard request teaches nothing new but refreshes an existing
 * entry; an unsolicited reply is ignored; an unanswered request is sent
 * arp_retries times arp_retry apart, then the packet is dropped and ping says
 * "Destination Host Unreachable"; an entry lives exactly arp_timeout; the
 * queue of waiting packets is bounded. Every test ends leak-free.
 */
#include "fake_net.h"

#include "apps/ping.h"
#include "stack/internal.h"

static const mac_addr MAC_H1 = {{0x02, 0x00, 0x00, 0x00, 0x00, 0x01}};
static const mac_addr MAC_H2 = {{0x02, 0x00, 0x00, 0x00, 0x00, 0x02}};
static const mac_addr MAC_H3 = {{0x02, 0x00, 0x00, 0x00, 0x00, 0x03}};
static const mac_addr MAC_F = {{0x02, 0x00, 0x00, 0x00, 0x00, 0xf0}};

/* 02:00:00:00:00:01 (10.0.0.1) asks who has 10.0.0.2, padded to 60 bytes. */
static const uint8_t who_has_2_tell_1[60] = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, /* dst, src */
    0x08, 0x06,                                                             /* ARP */
    0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01,             /* Ethernet/IPv4, request */
    0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x01, /* sender */
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x02, /* target */
};

/* 10.0.0.2 is-at 02:00:00:00:00:02, unicast to the requester. */
static const uint8_t is_at_2_for_1[60] = {
    0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02, /* dst, src */
    0x08, 0x06,                                                             /* ARP */
    0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x02,             /* Ethernet/IPv4, reply */
    0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x0a, 0x00, 0x00, 0x02, /* sender */
    0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x01, /* target */
};

/* 02:00:00:00:00:01 (10.0.0.1) asks who has 10.0.0.9. */
static const uint8_t who_has_9_tell_1[60] = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06,
    0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
    0x0a, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x09,
};

/* A host with one interface eth0 `ip`/24 and the default ARP settings
 * (60 s lifetime, 1 s between requests, 3 requests, 3 queued packets). */
static node *make_host(fake_net *fx, const char *name, mac_addr mac, ipv4_addr ip) {
    model_iface ifc = fake_iface("eth0", mac, ip, 24);
    model_device d = fake_device(name, DEVICE_HOST, &ifc, 1);
    node *n = ip_device_new(fx->net, &d);
    network_add_node(fx->net, n);
    return n;
}

/* `count` pings from `n` to `to`, `interval` apart, starting at `at`; the
 * device frees the app. */
static void start_ping(node *n, ipv4_addr to, uint32_t count, sim_time interval, sim_time at) {
    model_ping cfg = {
        .to = to, .count = count, .interval_ns = interval, .size = 56, .timeout_ns = 10 * SIM_S};
    ip_device_add_app(n, ping_new(ip_device_stack(n), &cfg, at), ping_free_app);
}

static const arp_entry *arp_of(node *n, ipv4_addr ip) {
    return u64map_get(ip_device_stack(n)->arp, ip);
}

static size_t arp_size(node *n) {
    return u64map_size(ip_device_stack(n)->arp);
}

static bool is_arp(const uint8_t *f, size_t len, uint16_t op) {
    return len >= ETH_HEADER_LEN + ARP_PACKET_LEN && wire_get16(f + 12) == ETHERTYPE_ARP &&
           wire_get16(f + ETH_HEADER_LEN + 6) == op;
}

/* ARP requests on any wire whose sender MAC is `mac`. */
static size_t wire_requests_from(const capture *c, mac_addr mac) {
    size_t k = 0;
    for (size_t i = 0; i < c->n; i++) {
        const cap_event *e = &c->ev[i];
        if (e->kind == TRACE_WIRE && is_arp(e->frame, e->frame_len, ARP_OP_REQUEST) &&
            memcmp(e->frame + ETH_HEADER_LEN + 8, mac.b, 6) == 0)
            k++;
    }
    return k;
}

/* H1 10.0.0.1 pings H2 10.0.0.2 over one link. Frame timings on an idle
 * 100 Mbit/s, 1 µs link: 60 bytes arrive after 7720 ns, the 98-byte echo
 * after (98 + 24) * 80 + 1000 = 10760 ns. */
static void test_ping_waits_for_arp(void **state) {
    fake_net *fx = *state;
    node *h1 = make_host(fx, "H1", MAC_H1, IP4(10, 0, 0, 1));
    node *h2 = make_host(fx, "H2", MAC_H2, IP4(10, 0, 0, 2));
    fake_link(fx, &h1->ports[0], &h2->ports[0]);
    fake_build(fx);
    start_ping(h1, IP4(10, 0, 0, 2), 1, SIM_S, 0);
    assert_int_equal(fake_run(fx), SIM_DONE);

    /* On the wire: request, reply, the echo that waited, the echo reply. */
    assert_int_equal(cap_count(&fx->cap, TRACE_WIRE, NULL), 4);
    const cap_event *w = cap_nth(&fx->cap, TRACE_WIRE, NULL, 0);
    assert_int_equal(w->time, 0);
    fake_assert_bytes(w->frame, w->frame_len, who_has_2_tell_1, sizeof who_has_2_tell_1);
    w = cap_nth(&fx->cap, TRACE_WIRE, NULL, 1);
    assert_int_equal(w->time, FAKE_HOP_60);
    fake_assert_bytes(w->frame, w->frame_len, is_at_2_for_1, sizeof is_at_2_for_1);
    w = cap_nth(&fx->cap, TRACE_WIRE, NULL, 2);
    assert_int_equal(w->time, 2 * FAKE_HOP_60);
    assert_int_equal(w->frame_len, 98);
    assert_memory_equal(w->frame, MAC_H2.b, 6);
    assert_memory_equal(w->frame + 6, MAC_H1.b, 6);
    assert_int_equal(wire_get16(w->frame + 12), ETHERTYPE_IPV4);
    assert_int_equal(w->packet_id, 1); /* the ping's packet, the first journey */
    w = cap_nth(&fx->cap, TRACE_WIRE, NULL, 3);
    assert_int_equal(w->time, 2 * FAKE_HOP_60 + 10760);
    assert_memory_equal(w->frame, MAC_H1.b, 6);
    assert_int_equal(wire_get16(w->frame + 12), ETHERTYPE_IPV4);

    /* H1: entry created, packet queued, request sent, then resolved and sent. */
    const cap_event *e = cap_find_why(&fx->cap, TRACE_ARP, "H1", "next hop MAC unknown");
    assert_non_null(e);
    assert_text(e->detail, "new incomplete entry for 10.0.0.2");
    e = cap_find_why(&fx->cap, TRACE_ARP, "H1", "queued until ARP resolves");
    assert_non_null(e);
    assert_text(e->detail, "packet #1 waits for the MAC of 10.0.0.2");
    e = cap_find_why(&fx->cap, TRACE_SEND, "H1", "ARP cache has no entry for 10.0.0.2");
    assert_non_null(e);
    assert_int_equal(e->time, 0);
    e = cap_find_why(&fx->cap, TRACE_ARP, "H1", "learned from the ARP reply");
    assert_non_null(e);
    assert_text(e->detail, "10.0.0.2 is-at 02:00:00:00:00:02");
    assert_int_equal(e->time, 2 * FAKE_HOP_60);
    e = cap_find_why(&fx->cap, TRACE_SEND, "H1", "ARP resolved: sending the queued packet");
    assert_non_null(e);
    assert_int_equal(e->time, 2 * FAKE_HOP_60);
    assert_int_equal(e->packet_id, 1);

    /* H2 learned H1 from the request itself (RFC 826), so it never asked. */
    e = cap_find_why(&fx->cap, TRACE_ARP, "H2", "learned from the request's sender (RFC 826)");
    assert_non_null(e);
    assert_text(e->detail, "10.0.0.1 is-at 02:00:00:00:00:01");
    assert_int_equal(e->time, FAKE_HOP_60);
    assert_non_null(cap_find_why(&fx->cap, TRACE_SEND, "H2", "answering the ARP request"));
    assert_int_equal(wire_requests_from(&fx->cap, MAC_H2), 0);

    const arp_entry *a = arp_of(h2, IP4(10, 0, 0, 1));
    assert_non_null(a);
    assert_int_equal(a->state, ARP_REACHABLE);
    assert_memory_equal(a->mac.b, MAC_H1.b, 6);
    assert_int_equal(a->expires, FAKE_HOP_60 + 60 * SIM_S);
    a = arp_of(h1, IP4(10, 0, 0, 2));
    assert_non_null(a);
    assert_int_equal(a->state, ARP_REACHABLE);
    assert_memory_equal(a->mac.b, MAC_H2.b, 6);
    assert_int_equal(a->expires, 2 * FAKE_HOP_60 + 60 * SIM_S);
    assert_int_equal(a->n_pending, 0);

    /* The RTT counts the wait for ARP: 15440 + 2 * 10760 ns = 36.96 µs. */
    assert_non_null(cap_find_detail(&fx->cap, TRACE_APP, "H1",
                                    "64 bytes from 10.0.0.2: icmp_seq=1 ttl=64 time=0.036 ms"));
}

/* Three hosts on a switch: C overhears A's request for B. */
static void test_overheard_request_teaches_nothing(void **state) {
    fake_net *fx = *state;
    model_iface ports[3] = {fake_iface("p1", MAC(2, 0, 0, 0, 5, 1), 0, 0),
                            fake_iface("p2", MAC(2, 0, 0, 0, 5, 2), 0, 0),
                            fake_iface("p3", MAC(2, 0, 0, 0, 5, 3), 0, 0)};
    model_device sd = fake_device("sw", DEVICE_SWITCH, ports, 3);
    node *sw = switch_new(fx->net, &sd);
    network_add_node(fx->net, sw);
    node *h1 = make_host(fx, "H1", MAC_H1, IP4(10, 0, 0, 1));
    node *h2 = make_host(fx, "H2", MAC_H2, IP4(10, 0, 0, 2));
    node *h3 = make_host(fx, "H3", MAC_H3, IP4(10, 0, 0, 3));
    fake_link(fx, &h1->ports[0], &sw->ports[0]);
    fake_link(fx, &h2->ports[0], &sw->ports[1]);
    fake_link(fx, &h3->ports[0], &sw->ports[2]);
    fake_build(fx);
    start_ping(h1, IP4(10, 0, 0, 2), 1, SIM_S, 0);
    assert_int_equal(fake_run(fx), SIM_DONE);

    assert_int_equal(arp_size(h3), 0);
    assert_int_equal(cap_count(&fx->cap, TRACE_RECEIVE, "H3"), 1); /* the broadcast only */
    assert_int_equal(cap_count(&fx->cap, TRACE_SEND, "H3"), 0);
    assert_int_equal(cap_count(&fx->cap, TRACE_ARP, "H3"), 0);
    const cap_event *e = cap_nth(&fx->cap, TRACE_DROP, "H3", 0);
    assert_non_null(e);
    assert_text(e->why, "ARP request for 10.0.0.2, not this host (nothing learned)");
    /* The exchange itself went through, the reply unicast past H3: two
     * 7720 ns hops each way for ARP, two 10760 ns hops each way for the echo. */
    assert_non_null(cap_find_detail(&fx->cap, TRACE_APP, "H1",
                                    "64 bytes from 10.0.0.2: icmp_seq=1 ttl=64 time=0.073 ms"));
    assert_non_null(arp_of(h1, IP4(10, 0, 0, 2)));
    assert_non_null(arp_of(h2, IP4(10, 0, 0, 1)));
}

/* RFC 826 merge: a host that already has an entry for the sender of an
 * overheard request updates it (and still does not answer). */
static void test_overheard_request_refreshes_existing_entry(void **state) {
    fake_net *fx = *state;
    node *h = make_host(fx, "H3", MAC_H3, IP4(10, 0, 0, 3));
    fake_node *f = fake_node_new(fx, "F", 1, MAC_F);
    fake_link(fx, fake_port(f, 0), &h->ports[0]);
    fake_build(fx);
    const mac_addr x1 = MAC(2, 0, 0, 0, 0, 0x51), x2 = MAC(2, 0, 0, 0, 0, 0x52);
    /* 10.0.0.1 at x1 asks for H3: H3 learns it and answers. */
    port_send(fake_port(f, 0), fake_arp_frame(fx, MAC_BROADCAST, x1, ARP_OP_REQUEST, x1,
                                              IP4(10, 0, 0, 1), MAC_ZERO, IP4(10, 0, 0, 3)));
    /* Later 10.0.0.1, now at x2, asks for someone else. */
    fake_send_at(fx, fake_port(f, 0),
                 fake_arp_frame(fx, MAC_BROADCAST, x2, ARP_OP_REQUEST, x2, IP4(10, 0, 0, 1),
                                MAC_ZERO, IP4(10, 0, 0, 2)),
                 SIM_MS);
    assert_int_equal(fake_run(fx), SIM_DONE);

    assert_int_equal(f->n_rx, 1); /* only the answer to the first request */
    assert_true(is_arp(f->rx[0].data, f->rx[0].len, ARP_OP_REPLY));
    assert_memory_equal(f->rx[0].data, x1.b, 6);
    const arp_entry *a = arp_of(h, IP4(10, 0, 0, 1));
    assert_non_null(a);
    assert_memory_equal(a->mac.b, x2.b, 6);
    assert_int_equal(a->expires, SIM_MS + FAKE_HOP_60 + 60 * SIM_S);
    /* A known address that moves is reported with its old MAC: the trace of
     * an ARP spoofing attack shows exactly this. */
    const cap_event *e = cap_find_why(&fx->cap, TRACE_ARP, "H3", "entry changed");
    assert_non_null(e);
    assert_text(e->detail, "10.0.0.1 is-at 02:00:00:00:00:52 (was 02:00:00:00:00:51)");
    assert_non_null(
        cap_find_why(&fx->cap, TRACE_DROP, "H3", "ARP request for 10.0.0.2, not this host"));
}

static void test_unsolicited_reply_ignored(void **state) {
    fake_net *fx = *state;
    node *h = make_host(fx, "H1", MAC_H1, IP4(10, 0, 0, 1));
    fake_node *f = fake_node_new(fx, "F", 1, MAC_F);
    fake_link(fx, fake_port(f, 0), &h->ports[0]);
    fake_build(fx);
    port_send(fake_port(f, 0), fake_arp_frame(fx, MAC_H1, MAC_F, ARP_OP_REPLY, MAC_F,
                                              IP4(10, 0, 0, 9), MAC_H1, IP4(10, 0, 0, 1)));
    assert_int_equal(fake_run(fx), SIM_DONE);
    assert_int_equal(arp_size(h), 0);
    const cap_event *e = cap_find_why(&fx->cap, TRACE_DROP, "H1", "unsolicited ARP reply ignored");
    assert_non_null(e);
    assert_int_equal(e->time, FAKE_HOP_60);
    assert_int_equal(cap_count(&fx->cap, TRACE_ARP, "H1"), 0);
    assert_int_equal(f->n_rx, 0);

    /* Nothing was cached: a packet to 10.0.0.9 has to ask. */
    start_ping(h, IP4(10, 0, 0, 9), 1, SIM_S, SIM_MS);
    assert_int_equal(sim_run(fx->sim, 2 * SIM_MS, 0), SIM_UNTIL);
    assert_int_equal(f->n_rx, 1);
    fake_assert_bytes(f->rx[0].data, f->rx[0].len, who_has_9_tell_1, sizeof who_has_9_tell_1);
}

/* Nobody answers: requests at 0, 1 s and 2 s (arp_retries 3 in all, the
 * model's "requests sent before giving up"), failure at 3 s. */
static void test_unanswered_request_gives_up(void **state) {
    fake_net *fx = *state;
    node *h = make_host(fx, "H1", MAC_H1, IP4(10, 0, 0, 1));
    fake_node *f = fake_node_new(fx, "F", 1, MAC_F);
    fake_link(fx, fake_port(f, 0), &h->ports[0]);
    fake_build(fx);
    start_ping(h, IP4(10, 0, 0, 9), 1, SIM_S, 0);
    assert_int_equal(fake_run(fx), SIM_DONE);

    assert_int_equal(f->n_rx, 3);
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(f->rx[i].time, i * SIM_S + FAKE_HOP_60);
        fake_assert_bytes(f->rx[i].data, f->rx[i].len, who_has_9_tell_1, sizeof who_has_9_tell_1);
    }
    assert_int_equal(cap_count(&fx->cap, TRACE_WIRE, NULL), 3);
    static const char *const whys[3] = {"ARP cache has no entry for 10.0.0.9",
                                        "no reply yet: request 2 of 3",
                                        "no reply yet: request 3 of 3"};
    for (size_t i = 0; i < 3; i++) {
        const cap_event *e = cap_nth(&fx->cap, TRACE_SEND, "H1", i);
        assert_non_null(e);
        assert_text(e->why, whys[i]);
        assert_int_equal(e->time, i * SIM_S);
    }
    assert_int_equal(cap_count(&fx->cap, TRACE_SEND, "H1"), 4); /* + the error via lo */

    const cap_event *e = cap_find_why(&fx->cap, TRACE_ARP, "H1", "resolution failed");
    assert_non_null(e);
    assert_int_equal(e->time, 3 * SIM_S);
    assert_text(e->detail, "removed incomplete entry for 10.0.0.9");
    e = cap_find_why(&fx->cap, TRACE_DROP, "H1", "ARP: no reply from 10.0.0.9 after 3 requests");
    assert_non_null(e);
    assert_int_equal(e->time, 3 * SIM_S);
    assert_int_equal(e->packet_id, 1);
    assert_text(e->port, "eth0");
    e = cap_find_detail(&fx->cap, TRACE_APP, "H1",
                        "From 10.0.0.1 icmp_seq=1 Destination Host Unreachable");
    assert_non_null(e);
    assert_int_equal(e->time, 3 * SIM_S + 10 * SIM_US); /* via loopback */
    assert_non_null(cap_find_detail(&fx->cap, TRACE_APP, "H1",
                                    "1 packets transmitted, 0 received, +1 errors, 100% packet "
                                    "loss, time 3000ms"));
    assert_int_equal(arp_size(h), 0);
}

/* H1 learns H2 at 15440 ns, so the entry is usable until 60 s + 15440 ns
 * (exclusive). H1 pings twice, the second ping leaving at `interval`; returns
 * how many ARP requests H1 sent, after checking both pings were answered. */
static size_t requests_with_second_ping_at(fake_net *fx, sim_time interval) {
    node *h1 = make_host(fx, "H1", MAC_H1, IP4(10, 0, 0, 1));
    node *h2 = make_host(fx, "H2", MAC_H2, IP4(10, 0, 0, 2));
    fake_link(fx, &h1->ports[0], &h2->ports[0]);
    fake_build(fx);
    start_ping(h1, IP4(10, 0, 0, 2), 2, interval, 0);
    assert_int_equal(fake_run(fx), SIM_DONE);
    size_t replies = 0;
    for (size_t i = 0; i < fx->cap.n; i++)
        replies += fx->cap.ev[i].kind == TRACE_APP && fx->cap.ev[i].detail &&
                   strncmp(fx->cap.ev[i].detail, "64 bytes from 10.0.0.2: ", 24) == 0;
    assert_int_equal(replies, 2);
    /* H1's sends: request, echo 1, then at `interval` echo 2 or a new request. */
    const cap_event *s = cap_nth(&fx->cap, TRACE_SEND, "H1", 2);
    assert_non_null(s);
    assert_int_equal(s->time, interval);
    return wire_requests_from(&fx->cap, MAC_H1);
}

static void test_entry_still_valid_before_timeout(void **state) {
    fake_net *fx = *state;
    const sim_time interval = 60 * SIM_S + 2 * FAKE_HOP_60 - 1;
    assert_int_equal(requests_with_second_ping_at(fx, interval), 1);
    const cap_event *s = cap_nth(&fx->cap, TRACE_SEND, "H1", 2);
    assert_null(s->why); /* straight out: the MAC was known */
    assert_int_equal(wire_get16(s->frame + 12), ETHERTYPE_IPV4);
    assert_memory_equal(s->frame, MAC_H2.b, 6);
}

static void test_entry_expires_after_timeout(void **state) {
    fake_net *fx = *state;
    const sim_time interval = 60 * SIM_S + 2 * FAKE_HOP_60;
    assert_int_equal(requests_with_second_ping_at(fx, interval), 2);
    const cap_event *e =
        cap_find_why(&fx->cap, TRACE_ARP, "H1", "entry older than the ARP timeout");
    assert_non_null(e);
    assert_int_equal(e->time, interval);
    assert_text(e->detail, "entry for 10.0.0.2 expired");
    const cap_event *s = cap_nth(&fx->cap, TRACE_SEND, "H1", 2);
    assert_text(s->why, "ARP cache has no entry for 10.0.0.2");
    assert_true(is_arp(s->frame, s->frame_len, ARP_OP_REQUEST));
}

/* Five packets for an unresolved address with arp_queue 3: sends them,
 * runs 100 ms, answers the request, runs to the end. ids[] gets the five
 * packet ids in order of sending. */
static fake_node *overflow_queue(fake_net *fx, uint32_t ids[5]) {
    node *h = make_host(fx, "H1", MAC_H1, IP4(10, 0, 0, 1));
    fake_node *f = fake_node_new(fx, "F", 1, MAC_F);
    fake_link(fx, fake_port(f, 0), &h->ports[0]);
    fake_build(fx);
    for (uint16_t seq = 1; seq <= 5; seq++) {
        uint8_t msg[ICMP_HEADER_LEN + 8] = {0};
        icmp_header ih = {.type = ICMP_ECHO_REQUEST, .id = 0x4242, .seq = seq};
        icmp_emit(&ih, msg, sizeof msg);
        assert_int_equal(ip_stack_send(ip_device_stack(h), IP4(10, 0, 0, 9), IPPROTO_ICMP_NUM, msg,
                                       sizeof msg, 0, &ids[seq - 1]),
                         0);
    }
    assert_int_equal(sim_run(fx->sim, 100 * SIM_MS, 0), SIM_UNTIL);
    assert_int_equal(fake_rx_count(f, ETHERTYPE_ARP), 1);
    assert_int_equal(fake_rx_count(f, ETHERTYPE_IPV4), 0);
    port_send(fake_port(f, 0), fake_arp_frame(fx, MAC_H1, MAC_F, ARP_OP_REPLY, MAC_F,
                                              IP4(10, 0, 0, 9), MAC_H1, IP4(10, 0, 0, 1)));
    assert_int_equal(fake_run(fx), SIM_DONE);
    return f;
}

static void test_queue_overflow_drop_is_traced(void **state) {
    fake_net *fx = *state;
    uint32_t ids[5];
    fake_node *f = overflow_queue(fx, ids);
    /* Every packet is queued; each one beyond arp_queue pushes out the oldest. */
    assert_int_equal(cap_count_why(&fx->cap, TRACE_ARP, "H1", "queued until ARP resolves"), 5);
    assert_int_equal(
        cap_count_why(&fx->cap, TRACE_DROP, "H1", "ARP queue full: oldest waiting packet dropped"),
        2);
    const cap_event *e =
        cap_find_why(&fx->cap, TRACE_DROP, "H1", "ARP queue full: oldest waiting packet dropped");
    assert_int_equal(e->time, 0);
    assert_int_equal(e->packet_id, ids[0]);
    assert_text(e->port, "eth0");
    /* Three packets left once the reply came, unicast to F, and no more requests. */
    assert_int_equal(fake_rx_count(f, ETHERTYPE_ARP), 1);
    assert_int_equal(fake_rx_count(f, ETHERTYPE_IPV4), 3);
    for (size_t i = 0; i < 3; i++) {
        const fake_rx *r = fake_rx_nth(f, ETHERTYPE_IPV4, i);
        assert_memory_equal(r->data, MAC_F.b, 6);
        assert_memory_equal(r->data + 6, MAC_H1.b, 6);
        assert_int_equal(r->len, ETH_MIN_FRAME_LEN); /* 14 + 20 + 16 = 50, padded */
        for (size_t k = ETH_HEADER_LEN + IPV4_HEADER_LEN + 16; k < ETH_MIN_FRAME_LEN; k++)
            assert_int_equal(r->data[k], 0);
    }
    assert_int_equal(
        cap_count_why(&fx->cap, TRACE_SEND, "H1", "ARP resolved: sending the queued packet"), 3);
}

/* arp.c's header: "the oldest is dropped beyond that, as Linux's unres_qlen
 * does" (Linux __neigh_event_send dequeues the head of arp_queue). So the
 * first two packets are the ones lost and the last three go out in order. */
static void test_queue_overflow_drops_oldest(void **state) {
    fake_net *fx = *state;
    uint32_t ids[5];
    fake_node *f = overflow_queue(fx, ids);
    const cap_event *d0 = cap_nth(&fx->cap, TRACE_DROP, "H1", 0);
    const cap_event *d1 = cap_nth(&fx->cap, TRACE_DROP, "H1", 1);
    assert_non_null(d0);
    assert_non_null(d1);
    assert_int_equal(d0->packet_id, ids[0]);
    assert_int_equal(d1->packet_id, ids[1]);
    for (size_t i = 0; i < 3; i++) {
        const fake_rx *r = fake_rx_nth(f, ETHERTYPE_IPV4, i);
        assert_non_null(r);
        assert_int_equal(r->packet_id, ids[i + 2]);
        assert_int_equal(wire_get16(r->data + ETH_HEADER_LEN + IPV4_HEADER_LEN + 6), i + 3);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_ping_waits_for_arp, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_overheard_request_teaches_nothing, fake_setup,
                                        fake_teardown),
        cmocka_unit_test_setup_teardown(test_overheard_request_refreshes_existing_entry, fake_setup,
                                        fake_teardown),
        cmocka_unit_test_setup_teardown(test_unsolicited_reply_ignored, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_unanswered_request_gives_up, fake_setup,
                                        fake_teardown),
        cmocka_unit_test_setup_teardown(test_entry_still_valid_before_timeout, fake_setup,
                                        fake_teardown),
        cmocka_unit_test_setup_teardown(test_entry_expires_after_timeout, fake_setup,
                                        fake_teardown),
        cmocka_unit_test_setup_teardown(test_queue_overflow_drop_is_traced, fake_setup,
                                        fake_teardown),
        cmocka_unit_test_setup_teardown(test_queue_overflow_drops_oldest, fake_setup,
                                        fake_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
