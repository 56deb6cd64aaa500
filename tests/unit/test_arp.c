/*
 * test_arp: ARP (stack/arp.c) between real hosts (ip_device_new) and fake
 * stations: a ping's first packet waits for resolution behind a broadcast
 * who-has (exact bytes, padding included); the target learns the requester
 * (RFC 826) and answers unicast; the queued packet leaves when the reply
 * arrives; an overheard request teaches nothing new but refreshes an existing
 * entry; an unsolicited reply is ignored; an unanswered request is sent
 * arp_retries times arp_retry apart, then the packet is dropped and ping says
 * "Destination Host Unreachable"; the queue of waiting packets is bounded.
 * The neighbour states as Linux runs them: an entry learned from a request
 * is STALE; used, it waits 5 s in DELAY, then PROBE sends unicast requests
 * (exact bytes) and, unanswered three times, the entry fails; TCP progress
 * (ip_stack_confirm_neighbour) makes a DELAY entry REACHABLE instead; a
 * REACHABLE entry turns STALE after the reachable time, drawn in [30 s, 90 s)
 * from the device's own stream. Every test ends leak-free.
 */
#include "fake_net.h"

#include "apps/ping.h"
#include "stack/internal.h"
#include "stack/tcp.h"

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
    /* Up to 1 s: H2's check of H1 (5 s after its reply) comes later. */
    assert_int_equal(sim_run(fx->sim, SIM_S, 0), SIM_UNTIL);

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
    sim_time reach = ip_device_stack(h1)->arp_reachable;
    assert_true(reach >= 30 * SIM_S && reach < 90 * SIM_S); /* arp_timeout 60 s here */
    char want[96];
    snprintf(want, sizeof want,
             "10.0.0.2 is-at 02:00:00:00:00:02, INCOMPLETE -> REACHABLE for %llu.%03llu s",
             (unsigned long long)(reach / SIM_S), (unsigned long long)(reach % SIM_S / SIM_MS));
    assert_text(e->detail, want);
    assert_text(e->old_value, "incomplete");
    assert_text(e->new_value, "02:00:00:00:00:02 REACHABLE");
    assert_int_equal(e->time, 2 * FAKE_HOP_60);
    e = cap_find_why(&fx->cap, TRACE_SEND, "H1", "ARP resolved: sending the queued packet");
    assert_non_null(e);
    assert_int_equal(e->time, 2 * FAKE_HOP_60);
    assert_int_equal(e->packet_id, 1);

    /* H2 learned H1 from the request itself (RFC 826), so it never asked. */
    e = cap_find_why(&fx->cap, TRACE_ARP, "H2", "learned from the request's sender (RFC 826)");
    assert_non_null(e);
    assert_text(e->detail, "10.0.0.1 is-at 02:00:00:00:00:01, STALE");
    assert_null(e->old_value);
    assert_text(e->new_value, "02:00:00:00:00:01 STALE");
    assert_int_equal(e->time, FAKE_HOP_60);
    assert_non_null(cap_find_why(&fx->cap, TRACE_SEND, "H2", "answering the ARP request"));
    assert_int_equal(wire_requests_from(&fx->cap, MAC_H2), 0);

    /* H2's entry, learned from a request, was STALE; the echo reply used it:
     * DELAY, for 5 s from then. */
    const arp_entry *a = arp_of(h2, IP4(10, 0, 0, 1));
    assert_non_null(a);
    assert_int_equal(a->state, ARP_DELAY);
    assert_memory_equal(a->mac.b, MAC_H1.b, 6);
    assert_int_equal(a->used, 2 * FAKE_HOP_60 + 10760); /* the echo request's arrival */
    e = cap_find_why(&fx->cap, TRACE_ARP, "H2", "used while STALE: waiting 5 s for confirmation");
    assert_non_null(e);
    assert_text(e->detail, "10.0.0.1 STALE -> DELAY");
    assert_text(e->old_value, "02:00:00:00:00:01 STALE");
    assert_text(e->new_value, "02:00:00:00:00:01 DELAY");
    assert_int_equal(e->time, a->used);
    a = arp_of(h1, IP4(10, 0, 0, 2));
    assert_non_null(a);
    assert_int_equal(a->state, ARP_REACHABLE);
    assert_memory_equal(a->mac.b, MAC_H2.b, 6);
    assert_int_equal(a->confirmed, 2 * FAKE_HOP_60);
    assert_int_equal(arp_pending_count(a), 0);

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
    assert_int_equal(a->state, ARP_STALE); /* a request confirms nothing */
    /* A known address that moves is reported with its old MAC: the trace of
     * an ARP spoofing attack shows exactly this. */
    const cap_event *e = cap_find_why(&fx->cap, TRACE_ARP, "H3", "entry changed");
    assert_non_null(e);
    assert_text(e->detail, "10.0.0.1 is-at 02:00:00:00:00:52 (was 02:00:00:00:00:51)");
    assert_text(e->old_value, "02:00:00:00:00:51 STALE");
    assert_text(e->new_value, "02:00:00:00:00:52 STALE");
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

/* --- neighbour states (Linux's NUD machine) --- */

/* H1 and a fake F (10.0.0.9, MAC_F) on one link; F's who-has for 10.0.0.1
 * leaves F at time 0, so H1 learns F at FAKE_HOP_60. */
static fake_node *host_learns_fake(fake_net *fx, node **h, bool f_answers_arp) {
    *h = make_host(fx, "H1", MAC_H1, IP4(10, 0, 0, 1));
    fake_node *f = fake_node_new(fx, "F", 1, MAC_F);
    f->ip[0] = IP4(10, 0, 0, 9);
    f->answer_arp = f_answers_arp;
    fake_link(fx, fake_port(f, 0), &(*h)->ports[0]);
    fake_build(fx);
    port_send(fake_port(f, 0), fake_arp_frame(fx, MAC_BROADCAST, MAC_F, ARP_OP_REQUEST, MAC_F,
                                              IP4(10, 0, 0, 9), MAC_ZERO, IP4(10, 0, 0, 1)));
    return f;
}

/* 02:00:00:00:00:01 (10.0.0.1) asks 02:00:00:00:00:f0 itself who has
 * 10.0.0.9: Linux's unicast probe (arp_solicit: the cached MAC as Ethernet
 * destination, the target MAC field zero). */
static const uint8_t probe_9_tell_1[60] = {
    0x02, 0x00, 0x00, 0x00, 0x00, 0xf0, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, /* dst F, src H1 */
    0x08, 0x06,                                                             /* ARP */
    0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01,             /* Ethernet/IPv4, request */
    0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x01, /* sender */
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x09, /* target */
};

/* Learned from a request (Linux's neigh_event_ns): STALE, no timer, the
 * run over once the reply is out. */
static void test_request_learning_is_stale(void **state) {
    fake_net *fx = *state;
    node *h;
    fake_node *f = host_learns_fake(fx, &h, false);
    assert_int_equal(fake_run(fx), SIM_DONE);
    assert_int_equal(sim_now(fx->sim), 2 * FAKE_HOP_60); /* the reply's arrival */
    const arp_entry *a = arp_of(h, IP4(10, 0, 0, 9));
    assert_non_null(a);
    assert_int_equal(a->state, ARP_STALE);
    assert_memory_equal(a->mac.b, MAC_F.b, 6);
    assert_int_equal(a->timer_ev, 0);
    assert_int_equal(a->used, FAKE_HOP_60);
    const cap_event *e =
        cap_find_why(&fx->cap, TRACE_ARP, "H1", "learned from the request's sender (RFC 826)");
    assert_non_null(e);
    assert_int_equal(e->time, FAKE_HOP_60);
    assert_int_equal(e->table, TRACE_TABLE_ARP);
    assert_text(e->key, "10.0.0.9");
    assert_null(e->old_value);
    assert_text(e->new_value, "02:00:00:00:00:f0 STALE");
    assert_text(e->detail, "10.0.0.9 is-at 02:00:00:00:00:f0, STALE");
    assert_int_equal(cap_count(&fx->cap, TRACE_ARP, "H1"), 1);
    assert_int_equal(f->n_rx, 1); /* the reply, nothing else */
    assert_true(is_arp(f->rx[0].data, f->rx[0].len, ARP_OP_REPLY));
}

/* The STALE entry is used at 1 s (a ping to F): DELAY; nothing confirms it
 * (ICMP does not), so at 6 s PROBE sends a unicast request; F's reply makes
 * the entry REACHABLE. */
static void test_delay_then_unicast_probe(void **state) {
    fake_net *fx = *state;
    node *h;
    fake_node *f = host_learns_fake(fx, &h, true);
    start_ping(h, IP4(10, 0, 0, 9), 1, SIM_S, SIM_S);
    assert_int_equal(fake_run(fx), SIM_DONE);

    const cap_event *e =
        cap_find_why(&fx->cap, TRACE_ARP, "H1", "used while STALE: waiting 5 s for confirmation");
    assert_non_null(e);
    assert_int_equal(e->time, SIM_S);
    assert_text(e->detail, "10.0.0.9 STALE -> DELAY");
    /* The echo left at once, to the cached MAC. */
    const fake_rx *r = fake_rx_nth(f, ETHERTYPE_IPV4, 0);
    assert_non_null(r);
    assert_int_equal(r->time, SIM_S + 10760);
    e = cap_find_why(&fx->cap, TRACE_ARP, "H1", "no confirmation: probing with unicast ARP");
    assert_non_null(e);
    assert_int_equal(e->time, 6 * SIM_S);
    assert_text(e->detail, "10.0.0.9 DELAY -> PROBE");
    assert_text(e->old_value, "02:00:00:00:00:f0 DELAY");
    assert_text(e->new_value, "02:00:00:00:00:f0 PROBE");
    e = cap_find_why(&fx->cap, TRACE_SEND, "H1", "checking the cached MAC: unicast request 1 of 3");
    assert_non_null(e);
    assert_int_equal(e->time, 6 * SIM_S);
    /* F got its reply, the echo, then the probe; F answered the probe. */
    assert_int_equal(f->n_rx, 3);
    assert_int_equal(f->rx[2].time, 6 * SIM_S + FAKE_HOP_60);
    fake_assert_bytes(f->rx[2].data, f->rx[2].len, probe_9_tell_1, sizeof probe_9_tell_1);
    e = cap_find_why(&fx->cap, TRACE_ARP, "H1", "learned from the ARP reply");
    assert_non_null(e);
    assert_int_equal(e->time, 6 * SIM_S + 2 * FAKE_HOP_60);
    assert_text(e->new_value, "02:00:00:00:00:f0 REACHABLE");
    const arp_entry *a = arp_of(h, IP4(10, 0, 0, 9));
    assert_int_equal(a->state, ARP_REACHABLE);
    assert_int_equal(a->confirmed, 6 * SIM_S + 2 * FAKE_HOP_60);
    assert_int_equal(wire_requests_from(&fx->cap, MAC_H1), 1);
}

/* Three unanswered probes, one a second (ucast_solicit, retrans_time): the
 * entry fails at 9 s and is removed; the next use starts over with a
 * broadcast. */
static void test_probe_unanswered_fails(void **state) {
    fake_net *fx = *state;
    node *h;
    fake_node *f = host_learns_fake(fx, &h, false);
    start_ping(h, IP4(10, 0, 0, 9), 1, SIM_S, SIM_S);
    assert_int_equal(sim_run(fx->sim, 9 * SIM_S - 1, 0), SIM_UNTIL);
    assert_int_equal(fake_rx_count(f, ETHERTYPE_ARP), 4); /* reply + 3 probes */
    for (size_t i = 0; i < 3; i++) {
        const fake_rx *r = fake_rx_nth(f, ETHERTYPE_ARP, i + 1);
        assert_int_equal(r->time, (6 + i) * SIM_S + FAKE_HOP_60);
        fake_assert_bytes(r->data, r->len, probe_9_tell_1, sizeof probe_9_tell_1);
        char why[64];
        snprintf(why, sizeof why, "checking the cached MAC: unicast request %zu of 3", i + 1);
        assert_non_null(cap_find_why(&fx->cap, TRACE_SEND, "H1", why));
    }
    assert_int_equal(arp_of(h, IP4(10, 0, 0, 9))->state, ARP_PROBE);
    assert_int_equal(sim_run(fx->sim, 9 * SIM_S, 0), SIM_UNTIL);
    const cap_event *e = cap_find_why(&fx->cap, TRACE_ARP, "H1", "no reply to 3 unicast requests");
    assert_non_null(e);
    assert_int_equal(e->time, 9 * SIM_S);
    assert_text(e->detail, "10.0.0.9 PROBE -> FAILED: entry removed");
    assert_text(e->old_value, "02:00:00:00:00:f0 PROBE");
    assert_null(e->new_value);
    assert_int_equal(arp_size(h), 0);
    assert_int_equal(fake_run(fx), SIM_DONE);
    assert_int_equal(fake_rx_count(f, ETHERTYPE_ARP), 4);
    /* A new packet asks again, by broadcast. */
    start_ping(h, IP4(10, 0, 0, 9), 1, SIM_S, 20 * SIM_S);
    assert_int_equal(sim_run(fx->sim, 21 * SIM_S, 0), SIM_UNTIL);
    const fake_rx *r = fake_rx_nth(f, ETHERTYPE_ARP, 4);
    assert_non_null(r);
    fake_assert_bytes(r->data, r->len, who_has_9_tell_1, sizeof who_has_9_tell_1);
}

/* A TCP server sends 100 bytes; the client's ACK of them is forward
 * progress (tcp.c calls ip_stack_confirm_neighbour), so the server's DELAY
 * entry for the client becomes REACHABLE 5 s after it entered DELAY, with no
 * probe. */
typedef struct tcp_pair {
    tcp_conn *listener, *server, *client;
} tcp_pair;

static void on_accepted_keep(void *ctx, tcp_conn *listener, tcp_conn *c) {
    (void)listener;
    ((tcp_pair *)ctx)->server = c;
}

static void on_connected_keep(void *ctx, tcp_conn *c) {
    ((tcp_pair *)ctx)->client = c;
}

static const tcp_handler KEEP = {.accepted = on_accepted_keep, .connected = on_connected_keep};

static void test_tcp_progress_confirms(void **state) {
    fake_net *fx = *state;
    node *h1 = make_host(fx, "H1", MAC_H1, IP4(10, 0, 0, 1));
    node *h2 = make_host(fx, "H2", MAC_H2, IP4(10, 0, 0, 2));
    fake_link(fx, &h1->ports[0], &h2->ports[0]);
    fake_build(fx);
    tcp_pair p = {0};
    assert_int_equal(tcp_listen(ip_device_stack(h2), 7, &KEEP, &p, &p.listener), 0);
    tcp_conn *c;
    assert_int_equal(tcp_connect(ip_device_stack(h1), IP4(10, 0, 0, 2), 7, &KEEP, &p, &c), 0);
    assert_int_equal(sim_run(fx->sim, SIM_S, 0), SIM_UNTIL);
    assert_non_null(p.server);
    /* H2 learned H1 from its request (STALE) and answered the SYN: DELAY. */
    const arp_entry *a = arp_of(h2, IP4(10, 0, 0, 1));
    assert_int_equal(a->state, ARP_DELAY);
    const cap_event *d =
        cap_find_why(&fx->cap, TRACE_ARP, "H2", "used while STALE: waiting 5 s for confirmation");
    assert_non_null(d);
    sim_time delay_at = d->time;
    uint8_t data[100] = {0};
    assert_int_equal(tcp_send(p.server, data, sizeof data), sizeof data);
    assert_int_equal(sim_run(fx->sim, 2 * SIM_S, 0), SIM_UNTIL);
    assert_true(a->confirmed > SIM_S && a->confirmed < SIM_S + SIM_MS); /* the ACK's arrival */
    /* Then nothing but the entries' REACHABLE timers is left: the run ends. */
    assert_int_equal(sim_run(fx->sim, 10 * SIM_S, 0), SIM_DONE);
    const cap_event *e = cap_find_why(&fx->cap, TRACE_ARP, "H2", "confirmed by TCP progress");
    assert_non_null(e);
    assert_int_equal(e->time, delay_at + 5 * SIM_S);
    assert_text(e->detail, "10.0.0.1 DELAY -> REACHABLE");
    assert_text(e->old_value, "02:00:00:00:00:01 DELAY");
    assert_text(e->new_value, "02:00:00:00:00:01 REACHABLE");
    assert_int_equal(a->state, ARP_REACHABLE);
    assert_int_equal(wire_requests_from(&fx->cap, MAC_H2), 0); /* never probed */
    assert_null(
        cap_find_why(&fx->cap, TRACE_ARP, "H2", "no confirmation: probing with unicast ARP"));
    tcp_abort(p.server);
    tcp_abort(c);
    tcp_close(p.listener);
    assert_int_equal(fake_run(fx), SIM_DONE);
}

/* The Linux capture of a ping between two hosts: the target, which learned
 * the pinger from its request, checks it with a unicast request 5 s after
 * its first reply (echo replies confirm nothing), and the pinger answers. */
static void test_icmp_does_not_confirm(void **state) {
    fake_net *fx = *state;
    node *h1 = make_host(fx, "H1", MAC_H1, IP4(10, 0, 0, 1));
    node *h2 = make_host(fx, "H2", MAC_H2, IP4(10, 0, 0, 2));
    fake_link(fx, &h1->ports[0], &h2->ports[0]);
    fake_build(fx);
    start_ping(h1, IP4(10, 0, 0, 2), 3, SIM_S, 0);
    assert_int_equal(fake_run(fx), SIM_DONE);
    const sim_time first_reply = 2 * FAKE_HOP_60 + 10760;
    const cap_event *e =
        cap_find_why(&fx->cap, TRACE_SEND, "H2", "checking the cached MAC: unicast request 1 of 3");
    assert_non_null(e);
    assert_int_equal(e->time, first_reply + 5 * SIM_S);
    assert_memory_equal(e->frame, MAC_H1.b, 6);
    assert_int_equal(cap_count_why(&fx->cap, TRACE_SEND, "H1", "answering the ARP request"), 1);
    assert_int_equal(arp_of(h2, IP4(10, 0, 0, 1))->state, ARP_REACHABLE);
    assert_int_equal(wire_requests_from(&fx->cap, MAC_H2), 1);
    assert_int_equal(wire_requests_from(&fx->cap, MAC_H1), 1);
}

/* A no-op that keeps a run going up to a time. */
static void nothing(sim *s, void *a, void *b) {
    (void)s;
    (void)a;
    (void)b;
}

/* REACHABLE lasts the device's reachable time (drawn once per device from
 * its own stream, in [30 s, 90 s) for the 60 s arp_timeout here), then STALE; its timer alone does
 * not keep a run going. */
static void test_reachable_turns_stale(void **state) {
    fake_net *fx = *state;
    node *h = make_host(fx, "H1", MAC_H1, IP4(10, 0, 0, 1));
    fake_node *f = fake_node_new(fx, "F", 1, MAC_F);
    f->ip[0] = IP4(10, 0, 0, 9);
    f->answer_arp = true;
    fake_link(fx, fake_port(f, 0), &h->ports[0]);
    fake_build(fx);
    start_ping(h, IP4(10, 0, 0, 9), 1, SIM_S, 0);
    assert_int_equal(fake_run(fx), SIM_DONE);
    assert_int_equal(arp_of(h, IP4(10, 0, 0, 9))->state, ARP_REACHABLE);
    assert_null(cap_find_why(&fx->cap, TRACE_ARP, "H1", "reachable time expired"));
    sim_time reach = ip_device_stack(h)->arp_reachable;
    assert_true(reach >= 30 * SIM_S && reach < 90 * SIM_S); /* arp_timeout 60 s here */
    sim_schedule_at(fx->sim, 100 * SIM_S, nothing, NULL, NULL, NULL);
    assert_int_equal(fake_run(fx), SIM_DONE);
    const cap_event *e = cap_find_why(&fx->cap, TRACE_ARP, "H1", "reachable time expired");
    assert_non_null(e);
    assert_int_equal(e->time, 2 * FAKE_HOP_60 + reach);
    assert_text(e->detail, "10.0.0.9 REACHABLE -> STALE");
    assert_text(e->old_value, "02:00:00:00:00:f0 REACHABLE");
    assert_text(e->new_value, "02:00:00:00:00:f0 STALE");
    assert_int_equal(arp_of(h, IP4(10, 0, 0, 9))->state, ARP_STALE);
    /* Another seed draws another reachable time; the same seed, the same. */
    fake_net *other = fake_net_new(2), *same = fake_net_new(1);
    node *h2 = make_host(other, "H1", MAC_H1, IP4(10, 0, 0, 1));
    node *h3 = make_host(same, "H1", MAC_H1, IP4(10, 0, 0, 1));
    assert_int_not_equal(ip_device_stack(h2)->arp_reachable, reach);
    assert_int_equal(ip_device_stack(h3)->arp_reachable, reach);
    fake_net_free(other);
    fake_net_free(same);
}

/* F asks for H1 from `n` addresses 10.0.0.2, 10.0.0.3, ..., one a
 * millisecond from time 0: H1 caches each sender STALE. */
static fake_node *many_stale(fake_net *fx, node **h, int n) {
    *h = make_host(fx, "H1", MAC_H1, IP4(10, 0, 0, 1));
    fake_node *f = fake_node_new(fx, "F", 1, MAC_F);
    fake_link(fx, fake_port(f, 0), &(*h)->ports[0]);
    fake_build(fx);
    for (int i = 0; i < n; i++)
        fake_send_at(fx, fake_port(f, 0),
                     fake_arp_frame(fx, MAC_BROADCAST, MAC_F, ARP_OP_REQUEST, MAC_F,
                                    IP4(10, 0, 0, 2 + i), MAC_ZERO, IP4(10, 0, 0, 1)),
                     (sim_time)i * SIM_MS);
    assert_int_equal(fake_run(fx), SIM_DONE);
    assert_int_equal(arp_size(*h), (size_t)n);
    return f;
}

/* Garbage collection as Linux's: nothing below gc_thresh1 (128) entries;
 * at 128, a new entry sweeps out the STALE ones unused for 60 s, in address
 * order, each traced. */
static void test_garbage_collection(void **state) {
    fake_net *fx = *state;
    node *h;
    fake_node *f = many_stale(fx, &h, ARP_GC_THRESH1);
    /* 60 s after the first was learned: only the first is older than 60 s. */
    fake_send_at(fx, fake_port(f, 0),
                 fake_arp_frame(fx, MAC_BROADCAST, MAC_F, ARP_OP_REQUEST, MAC_F, IP4(10, 0, 0, 200),
                                MAC_ZERO, IP4(10, 0, 0, 1)),
                 60 * SIM_S + SIM_US);
    assert_int_equal(fake_run(fx), SIM_DONE);
    assert_int_equal(
        cap_count_why(&fx->cap, TRACE_ARP, "H1", "garbage collection: unused for 60 s"), 1);
    const cap_event *e =
        cap_find_why(&fx->cap, TRACE_ARP, "H1", "garbage collection: unused for 60 s");
    assert_text(e->key, "10.0.0.2");
    assert_text(e->old_value, "02:00:00:00:00:f0 STALE");
    assert_null(e->new_value);
    assert_null(arp_of(h, IP4(10, 0, 0, 2)));
    assert_non_null(arp_of(h, IP4(10, 0, 0, 3)));
    assert_int_equal(arp_size(h), ARP_GC_THRESH1);
    /* Much later, every old STALE entry goes at once. */
    fake_send_at(fx, fake_port(f, 0),
                 fake_arp_frame(fx, MAC_BROADCAST, MAC_F, ARP_OP_REQUEST, MAC_F, IP4(10, 0, 0, 201),
                                MAC_ZERO, IP4(10, 0, 0, 1)),
                 200 * SIM_S);
    assert_int_equal(fake_run(fx), SIM_DONE);
    assert_int_equal(
        cap_count_why(&fx->cap, TRACE_ARP, "H1", "garbage collection: unused for 60 s"),
        1 + ARP_GC_THRESH1);
    assert_int_equal(arp_size(h), 1);
    assert_non_null(arp_of(h, IP4(10, 0, 0, 201)));
}

/* Below gc_thresh1, STALE entries stay however old they are. */
static void test_no_garbage_collection_below_thresh1(void **state) {
    fake_net *fx = *state;
    node *h;
    fake_node *f = many_stale(fx, &h, ARP_GC_THRESH1 - 1);
    fake_send_at(fx, fake_port(f, 0),
                 fake_arp_frame(fx, MAC_BROADCAST, MAC_F, ARP_OP_REQUEST, MAC_F, IP4(10, 0, 0, 200),
                                MAC_ZERO, IP4(10, 0, 0, 1)),
                 500 * SIM_S);
    assert_int_equal(fake_run(fx), SIM_DONE);
    assert_int_equal(arp_size(h), ARP_GC_THRESH1);
    assert_null(cap_find_why(&fx->cap, TRACE_ARP, "H1", "garbage collection: unused for 60 s"));
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
        cmocka_unit_test_setup_teardown(test_request_learning_is_stale, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_delay_then_unicast_probe, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_probe_unanswered_fails, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_tcp_progress_confirms, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_icmp_does_not_confirm, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_reachable_turns_stale, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_garbage_collection, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_no_garbage_collection_below_thresh1, fake_setup,
                                        fake_teardown),
        cmocka_unit_test_setup_teardown(test_queue_overflow_drop_is_traced, fake_setup,
                                        fake_teardown),
        cmocka_unit_test_setup_teardown(test_queue_overflow_drops_oldest, fake_setup,
                                        fake_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
