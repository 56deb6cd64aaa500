/*
 * test_route: routing in the IPv4 stack. Longest-prefix match with
 * ip_stack_lookup over connected routes, static routes (model_route) and the
 * gateway: /32 beats /24 beats /16 beats /0, equal prefixes by metric then in
 * the order given, no route is NULL; ip_stack_source_for. Then a real router
 * (DEVICE_ROUTER) between two fake stations that answer ARP: TTL minus one
 * with a header checksum that verifies (for every TTL), Ethernet addresses
 * rewritten for the next hop, IP addresses and payload untouched; TTL 1 gives
 * ICMP time exceeded and no route ICMP net unreachable, each quoting the
 * original IP header and 8 bytes (RFC 792), from the router's address; a
 * unicast packet that came in a link-layer broadcast is not forwarded (RFC
 * 1812 5.3.4).
 */
#include <string.h>

#include "fake_net.h"

#include "stack/internal.h"
#include "wire/checksum.h"

/* --- look-up --- */

/* R1: eth0 10.0.0.1/24, eth1 10.1.0.1/16, eth2 192.168.1.1/24, gateway
 * 10.0.0.254 and these static routes, then `filler` routes 198.18.K.0/24 via
 * 10.0.0.9 (16 or more make the stack look routes up by hash). */
static node *make_lookup_router_with(fake_net *fx, int filler) {
    model_iface ifaces[3] = {
        fake_iface("eth0", MAC(2, 0, 0, 0, 1, 0), IP4(10, 0, 0, 1), 24),
        fake_iface("eth1", MAC(2, 0, 0, 0, 1, 1), IP4(10, 1, 0, 1), 16),
        fake_iface("eth2", MAC(2, 0, 0, 0, 1, 2), IP4(192, 168, 1, 1), 24),
    };
    model_route routes[] = {
        {.dst = IP4(10, 2, 0, 0),
         .prefix_len = 16,
         .has_via = true,
         .via = IP4(10, 0, 0, 254),
         .iface = -1},
        {.dst = IP4(10, 2, 3, 0),
         .prefix_len = 24,
         .has_via = true,
         .via = IP4(10, 1, 0, 254),
         .iface = -1},
        {.dst = IP4(10, 2, 3, 4),
         .prefix_len = 32,
         .has_via = true,
         .via = IP4(192, 168, 1, 254),
         .iface = -1},
        {.dst = IP4(172, 16, 0, 0),
         .prefix_len = 12,
         .has_via = true,
         .via = IP4(10, 0, 0, 2),
         .iface = -1,
         .metric = 10},
        {.dst = IP4(172, 16, 0, 0),
         .prefix_len = 12,
         .has_via = true,
         .via = IP4(10, 0, 0, 3),
         .iface = -1,
         .metric = 5},
        {.dst = IP4(172, 16, 0, 0),
         .prefix_len = 12,
         .has_via = true,
         .via = IP4(10, 0, 0, 4),
         .iface = -1,
         .metric = 5},
        {.dst = IP4(203, 0, 113, 0), .prefix_len = 24, .has_via = false, .iface = 2},
    };
    enum { GIVEN = sizeof routes / sizeof routes[0] };
    model_route all[GIVEN + 32];
    assert_true(filler <= 32);
    memcpy(all, routes, sizeof routes);
    for (int k = 0; k < filler; k++)
        all[GIVEN + k] = (model_route){.dst = IP4(198, 18, k, 0),
                                       .prefix_len = 24,
                                       .has_via = true,
                                       .via = IP4(10, 0, 0, 9),
                                       .iface = -1};
    model_device d = fake_device("R1", DEVICE_ROUTER, ifaces, 3);
    d.routes = all;
    d.n_routes = GIVEN + (size_t)filler;
    d.has_gateway = true;
    d.gateway = IP4(10, 0, 0, 254);
    node *n = ip_device_new(fx->net, &d);
    network_add_node(fx->net, n);
    return n;
}

static node *make_lookup_router(fake_net *fx) {
    return make_lookup_router_with(fx, 0);
}

static void check_route(const ip_stack *st, ipv4_addr dst, ipv4_addr want_dst, int want_len,
                        bool want_via, ipv4_addr via, uint32_t iface) {
    const ip_route *r = ip_stack_lookup(st, dst);
    if (!r)
        fail_msg("no route for %08x", dst);
    assert_int_equal(r->dst, want_dst);
    assert_int_equal(r->prefix_len, want_len);
    assert_int_equal(r->has_via, want_via);
    if (want_via)
        assert_int_equal(r->via, via);
    assert_int_equal(r->iface, iface);
}

static void check_longest_prefix(const ip_stack *st) {
    /* /32 over /24 over /16 over /0, all covering 10.2.3.4. */
    check_route(st, IP4(10, 2, 3, 4), IP4(10, 2, 3, 4), 32, true, IP4(192, 168, 1, 254), 2);
    check_route(st, IP4(10, 2, 3, 5), IP4(10, 2, 3, 0), 24, true, IP4(10, 1, 0, 254), 1);
    check_route(st, IP4(10, 2, 4, 1), IP4(10, 2, 0, 0), 16, true, IP4(10, 0, 0, 254), 0);
    check_route(st, IP4(8, 8, 8, 8), 0, 0, true, IP4(10, 0, 0, 254), 0);
    /* Connected subnets, no next hop. */
    check_route(st, IP4(10, 0, 0, 77), IP4(10, 0, 0, 0), 24, false, 0, 0);
    check_route(st, IP4(10, 1, 200, 3), IP4(10, 1, 0, 0), 16, false, 0, 1);
    check_route(st, IP4(192, 168, 1, 255), IP4(192, 168, 1, 0), 24, false, 0, 2);
    /* A static route straight onto an interface. */
    check_route(st, IP4(203, 0, 113, 9), IP4(203, 0, 113, 0), 24, false, 0, 2);
    /* Just outside the /24 and /32: the next shorter prefix. */
    check_route(st, IP4(10, 2, 2, 255), IP4(10, 2, 0, 0), 16, true, IP4(10, 0, 0, 254), 0);
    check_route(st, IP4(10, 3, 0, 0), 0, 0, true, IP4(10, 0, 0, 254), 0);
    /* 172.16/12: the lower metric, then the one given first (10.0.0.3). */
    check_route(st, IP4(172, 20, 1, 1), IP4(172, 16, 0, 0), 12, true, IP4(10, 0, 0, 3), 0);
    /* The stack's own addresses, and one it does not have. */
    assert_int_equal(ip_stack_iface_of_addr(st, IP4(192, 168, 1, 1)), 2);
    assert_int_equal(ip_stack_iface_of_addr(st, IP4(10, 0, 0, 1)), 0);
    assert_int_equal(ip_stack_iface_of_addr(st, IP4(10, 0, 0, 2)), -1);
}

static void test_longest_prefix_wins(void **state) {
    check_longest_prefix(ip_device_stack(make_lookup_router(*state)));
}

/* The same answers from a stack of many routes, which looks them up by hash
 * (one table per prefix length, longest first). */
static void test_longest_prefix_wins_indexed(void **state) {
    const ip_stack *st = ip_device_stack(make_lookup_router_with(*state, 20));
    assert_non_null(st->index);
    check_longest_prefix(st);
    check_route(st, IP4(198, 18, 19, 7), IP4(198, 18, 19, 0), 24, true, IP4(10, 0, 0, 9), 0);
    check_route(st, IP4(198, 18, 20, 7), 0, 0, true, IP4(10, 0, 0, 254), 0);
}

/* 172.16/12 is given three times: metric 10, 5, 5. The lower metric wins, and
 * between the two of metric 5 the one given first. */
static void test_equal_prefixes_by_metric_then_order(void **state) {
    fake_net *fx = *state;
    const ip_stack *st = ip_device_stack(make_lookup_router(fx));
    const ip_route *r = ip_stack_lookup(st, IP4(172, 20, 1, 1));
    assert_non_null(r);
    assert_int_equal(r->prefix_len, 12);
    assert_int_equal(r->via, IP4(10, 0, 0, 3));
    assert_int_equal(r->metric, 5);

    /* The whole table, in look-up order. */
    static const struct {
        ipv4_addr dst;
        int len;
        ipv4_addr via; /* 0: none */
        uint32_t metric;
    } want[] = {
        {IP4(10, 2, 3, 4), 32, IP4(192, 168, 1, 254), 0},
        {IP4(10, 0, 0, 0), 24, 0, 0},
        {IP4(192, 168, 1, 0), 24, 0, 0},
        {IP4(10, 2, 3, 0), 24, IP4(10, 1, 0, 254), 0},
        {IP4(203, 0, 113, 0), 24, 0, 0},
        {IP4(10, 1, 0, 0), 16, 0, 0},
        {IP4(10, 2, 0, 0), 16, IP4(10, 0, 0, 254), 0},
        {IP4(172, 16, 0, 0), 12, IP4(10, 0, 0, 3), 5},
        {IP4(172, 16, 0, 0), 12, IP4(10, 0, 0, 4), 5},
        {IP4(172, 16, 0, 0), 12, IP4(10, 0, 0, 2), 10},
        {0, 0, IP4(10, 0, 0, 254), 0},
    };
    assert_int_equal(st->n_routes, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < st->n_routes; i++) {
        assert_int_equal(st->routes[i].dst, want[i].dst);
        assert_int_equal(st->routes[i].prefix_len, want[i].len);
        assert_int_equal(st->routes[i].has_via, want[i].via != 0);
        if (want[i].via)
            assert_int_equal(st->routes[i].via, want[i].via);
        assert_int_equal(st->routes[i].metric, want[i].metric);
    }
}

static void test_no_route_is_null(void **state) {
    fake_net *fx = *state;
    /* eth0 without an address, eth1 10.5.0.1/24, a gateway on no subnet of ours
     * (ignored: it cannot be reached) and a route via an unreachable next hop. */
    model_iface ifaces[2] = {fake_iface("eth0", MAC(2, 0, 0, 0, 2, 0), 0, 0),
                             fake_iface("eth1", MAC(2, 0, 0, 0, 2, 1), IP4(10, 5, 0, 1), 24)};
    model_route routes[1] = {{.dst = IP4(198, 51, 100, 0),
                              .prefix_len = 24,
                              .has_via = true,
                              .via = IP4(1, 2, 3, 4),
                              .iface = -1}};
    model_device d = fake_device("H", DEVICE_HOST, ifaces, 2);
    d.routes = routes;
    d.n_routes = 1;
    d.has_gateway = true;
    d.gateway = IP4(10, 9, 9, 9);
    node *h = ip_device_new(fx->net, &d);
    network_add_node(fx->net, h);
    ip_stack *st = ip_device_stack(h);
    assert_int_equal(st->n_routes, 1); /* the connected /24 only */
    assert_null(ip_stack_lookup(st, IP4(8, 8, 8, 8)));
    assert_null(ip_stack_lookup(st, IP4(198, 51, 100, 7)));
    assert_null(ip_stack_lookup(st, IP4(10, 5, 1, 1)));
    assert_non_null(ip_stack_lookup(st, IP4(10, 5, 0, 200)));

    /* Sending there fails at once: the packet is built, then dropped with
     * its id and the reason no_route, and nothing is scheduled. */
    uint8_t payload[8] = {0};
    uint32_t id = 0;
    assert_int_equal(
        ip_stack_send(st, IP4(8, 8, 8, 8), IPPROTO_UDP_NUM, payload, sizeof payload, 0, &id), -1);
    const cap_event *e = cap_nth(&fx->cap, TRACE_DROP, "H", 0);
    assert_non_null(e);
    assert_text(e->why, "no route to 8.8.8.8 (no matching route and no default gateway)");
    assert_int_equal(e->reason, TRACE_REASON_NO_ROUTE);
    assert_int_equal(id, 1);
    assert_int_equal(e->packet_id, 1);
    assert_non_null(e->frame);
    assert_int_equal(sim_events_pending(fx->sim), 0);

    /* connect() refuses before any packet exists: a drop with no packet. */
    assert_int_equal(ip_stack_connect(st, IP4(8, 8, 4, 4)), -1);
    e = cap_nth(&fx->cap, TRACE_DROP, "H", 1);
    assert_non_null(e);
    assert_int_equal(e->reason, TRACE_REASON_NO_ROUTE);
    assert_int_equal(e->packet_id, 0);
    assert_null(e->frame);
    assert_int_equal(fx->net->next_packet_id, 1);
}

static void test_source_for(void **state) {
    fake_net *fx = *state;
    const ip_stack *st = ip_device_stack(make_lookup_router(fx));
    assert_int_equal(ip_stack_source_for(st, IP4(127, 0, 0, 5)), IP4(127, 0, 0, 1));
    assert_int_equal(ip_stack_source_for(st, IP4(10, 1, 0, 1)), IP4(10, 1, 0, 1));
    assert_int_equal(ip_stack_source_for(st, IP4(10, 2, 3, 4)), IP4(192, 168, 1, 1));
    assert_int_equal(ip_stack_source_for(st, IP4(10, 2, 3, 5)), IP4(10, 1, 0, 1));
    assert_int_equal(ip_stack_source_for(st, IP4(8, 8, 8, 8)), IP4(10, 0, 0, 1));
    assert_int_equal(ip_stack_source_for(st, IP4(203, 0, 113, 9)), IP4(192, 168, 1, 1));

    /* No route: the first address the device has; no address at all: 0. */
    model_iface h_if[2] = {fake_iface("eth0", MAC(2, 0, 0, 0, 3, 0), 0, 0),
                           fake_iface("eth1", MAC(2, 0, 0, 0, 3, 1), IP4(10, 5, 0, 1), 24)};
    model_device hd = fake_device("H", DEVICE_HOST, h_if, 2);
    node *h = ip_device_new(fx->net, &hd);
    network_add_node(fx->net, h);
    assert_int_equal(ip_stack_source_for(ip_device_stack(h), IP4(8, 8, 8, 8)), IP4(10, 5, 0, 1));
    model_iface b_if[1] = {fake_iface("eth0", MAC(2, 0, 0, 0, 4, 0), 0, 0)};
    model_device bd = fake_device("B", DEVICE_HOST, b_if, 1);
    node *b = ip_device_new(fx->net, &bd);
    network_add_node(fx->net, b);
    assert_int_equal(ip_stack_source_for(ip_device_stack(b), IP4(8, 8, 8, 8)), 0);
}

/* --- forwarding --- */

static const mac_addr MAC_RA = {{0x02, 0x00, 0x00, 0x00, 0x01, 0x00}}; /* R eth0 */
static const mac_addr MAC_RB = {{0x02, 0x00, 0x00, 0x00, 0x01, 0x01}}; /* R eth1 */
static const mac_addr MAC_L = {{0x02, 0x00, 0x00, 0x00, 0x0a, 0x00}};
static const mac_addr MAC_R = {{0x02, 0x00, 0x00, 0x00, 0x0b, 0x00}};

/* L (10.0.0.2) -- eth0 R eth1 -- Rt (10.0.1.2); R routes 172.16/16 via Rt. */
typedef struct fwd {
    node *r;
    fake_node *l, *rt;
} fwd;

static void make_fwd(fake_net *fx, fwd *w) {
    model_iface ifaces[2] = {fake_iface("eth0", MAC_RA, IP4(10, 0, 0, 1), 24),
                             fake_iface("eth1", MAC_RB, IP4(10, 0, 1, 1), 24)};
    model_route routes[1] = {{.dst = IP4(172, 16, 0, 0),
                              .prefix_len = 16,
                              .has_via = true,
                              .via = IP4(10, 0, 1, 2),
                              .iface = -1}};
    model_device d = fake_device("R", DEVICE_ROUTER, ifaces, 2);
    d.routes = routes;
    d.n_routes = 1;
    w->r = ip_device_new(fx->net, &d);
    network_add_node(fx->net, w->r);
    w->l = fake_node_new(fx, "L", 1, MAC_L);
    w->rt = fake_node_new(fx, "Rt", 1, MAC_R);
    w->l->ip[0] = IP4(10, 0, 0, 2);
    w->rt->ip[0] = IP4(10, 0, 1, 2);
    w->l->answer_arp = w->rt->answer_arp = true;
    fake_link(fx, fake_port(w->l, 0), &w->r->ports[0]);
    fake_link(fx, &w->r->ports[1], fake_port(w->rt, 0));
    fake_build(fx);
}

/* The frame `in` as the router must send it on: new Ethernet addresses, TTL
 * one less, header checksum recomputed from scratch; everything else equal. */
static void expect_forwarded(const uint8_t *in, size_t len, mac_addr dst, mac_addr src,
                             uint8_t *out) {
    memcpy(out, in, len);
    memcpy(out, dst.b, 6);
    memcpy(out + 6, src.b, 6);
    uint8_t *ip = out + ETH_HEADER_LEN;
    ip[8]--;
    wire_put16(ip + 10, 0);
    wire_put16(ip + 10, checksum_compute(ip, IPV4_HEADER_LEN));
}

/* Echo L -> Rt: 98 bytes take 10760 ns a hop, 60-byte ARP 7720 ns. */
static void test_forward_rewrites_ethernet_and_ttl(void **state) {
    fake_net *fx = *state;
    fwd w;
    make_fwd(fx, &w);
    frame *f =
        fake_echo_frame(fx, MAC_RA, MAC_L, IP4(10, 0, 0, 2), IP4(10, 0, 1, 2), 64, 0x77, 1, 56);
    uint8_t sent[98];
    assert_int_equal(f->len, sizeof sent);
    memcpy(sent, f->data, sizeof sent);
    uint32_t id = f->packet_id;
    port_send(fake_port(w.l, 0), f);
    assert_int_equal(fake_run(fx), SIM_DONE);

    /* Rt: R's who-has for 10.0.1.2, then the packet. */
    assert_int_equal(w.rt->n_rx, 2);
    const fake_rx *a = &w.rt->rx[0];
    assert_int_equal(wire_get16(a->data + 12), ETHERTYPE_ARP);
    arp_packet ap;
    assert_int_equal(arp_parse(a->data + ETH_HEADER_LEN, a->len - ETH_HEADER_LEN, &ap), WIRE_OK);
    assert_int_equal(ap.op, ARP_OP_REQUEST);
    assert_memory_equal(ap.sender_mac.b, MAC_RB.b, 6);
    assert_int_equal(ap.sender_ip, IP4(10, 0, 1, 1));
    assert_int_equal(ap.target_ip, IP4(10, 0, 1, 2));

    const fake_rx *p = &w.rt->rx[1];
    uint8_t want[98];
    expect_forwarded(sent, sizeof sent, MAC_R, MAC_RB, want);
    fake_assert_bytes(p->data, p->len, want, sizeof want);
    ipv4_header h;
    assert_int_equal(ipv4_header_parse(p->data + ETH_HEADER_LEN, p->len - ETH_HEADER_LEN, &h),
                     WIRE_OK);
    assert_int_equal(h.ttl, 63);
    assert_int_equal(h.src, IP4(10, 0, 0, 2));
    assert_int_equal(h.dst, IP4(10, 0, 1, 2));
    assert_int_equal(p->packet_id, id); /* the same journey */
    assert_int_equal(p->time, 10760 + 2 * FAKE_HOP_60 + 10760);

    const cap_event *e = cap_nth(&fx->cap, TRACE_FORWARD, "R", 0);
    assert_non_null(e);
    assert_text(e->port, "eth0");
    assert_text(e->why, "routed out of eth1, destination on that subnet");
    assert_text(e->detail, "TTL 64 -> 63");
    /* The same as typed facts: TTL before and after, and the route used. */
    assert_true(e->has_ttl);
    assert_int_equal(e->ttl_old, 64);
    assert_int_equal(e->ttl_new, 63);
    assert_text(e->route, "10.0.1.0/24 dev eth1");
    assert_int_equal(e->packet_id, id);
    assert_int_equal(w.l->n_rx, 0); /* nothing comes back */

    /* Each wire event names its transmitter and receiver: L.eth0 -> R.eth0
     * (L is end 0 of the first link), then R.eth1 -> Rt.eth0. */
    const cap_event *w0 = cap_nth(&fx->cap, TRACE_WIRE, "L", 0);
    assert_non_null(w0);
    assert_text(w0->tx_device, "L");
    assert_text(w0->tx_port, "eth0");
    assert_text(w0->rx_device, "R");
    assert_text(w0->rx_port, "eth0");
    assert_int_equal(w0->tx_side, 0);
    const cap_event *w1 = cap_nth(&fx->cap, TRACE_WIRE, "R", 0);
    assert_non_null(w1);
    assert_text(w1->tx_device, "R");
    assert_text(w1->tx_port, "eth1");
    assert_text(w1->rx_device, "Rt");
    assert_text(w1->rx_port, "eth0");
    assert_int_equal(w1->tx_side, 0);
    /* Rt's ARP reply goes the other way on the same link: end 1 transmits. */
    const cap_event *w2 = cap_nth(&fx->cap, TRACE_WIRE, "Rt", 0);
    assert_non_null(w2);
    assert_text(w2->rx_device, "R");
    assert_text(w2->rx_port, "eth1");
    assert_int_equal(w2->tx_side, 1);
    assert_int_equal(w2->link, w1->link);
    /* A receive or forward carries no wire ends. */
    assert_null(e->tx_device);
}

/* Routed via a next hop: ARP asks for the next hop, not the destination. */
static void test_forward_via_next_hop(void **state) {
    fake_net *fx = *state;
    fwd w;
    make_fwd(fx, &w);
    frame *f =
        fake_echo_frame(fx, MAC_RA, MAC_L, IP4(10, 0, 0, 2), IP4(172, 16, 5, 5), 9, 0x77, 1, 8);
    uint8_t sent[60];
    memcpy(sent, f->data, sizeof sent);
    port_send(fake_port(w.l, 0), f);
    assert_int_equal(fake_run(fx), SIM_DONE);
    assert_int_equal(w.rt->n_rx, 2);
    arp_packet ap;
    assert_int_equal(
        arp_parse(w.rt->rx[0].data + ETH_HEADER_LEN, w.rt->rx[0].len - ETH_HEADER_LEN, &ap),
        WIRE_OK);
    assert_int_equal(ap.target_ip, IP4(10, 0, 1, 2));
    uint8_t want[60];
    expect_forwarded(sent, sizeof sent, MAC_R, MAC_RB, want);
    fake_assert_bytes(w.rt->rx[1].data, w.rt->rx[1].len, want, sizeof want);
    const cap_event *e = cap_nth(&fx->cap, TRACE_FORWARD, "R", 0);
    assert_text(e->why, "routed out of eth1 to next hop 10.0.1.2");
    assert_text(e->detail, "TTL 9 -> 8");
    assert_int_equal(e->ttl_old, 9);
    assert_int_equal(e->ttl_new, 8);
    assert_text(e->route, "172.16.0.0/16 via 10.0.1.2 dev eth1");
}

/* The incremental checksum update (RFC 1624) must agree with a full
 * recomputation for every TTL and a spread of header contents. */
static void test_forwarded_checksum_verifies_for_every_ttl(void **state) {
    fake_net *fx = *state;
    fwd w;
    make_fwd(fx, &w);
    uint8_t sent[256][60];
    size_t n = 0;
    for (unsigned ttl = 2; ttl <= 255; ttl++, n++) {
        uint8_t msg[ICMP_HEADER_LEN] = {0};
        icmp_header ih = {.type = ICMP_ECHO_REQUEST, .id = (uint16_t)(ttl * 0x0101), .seq = 1};
        icmp_emit(&ih, msg, sizeof msg);
        ipv4_header h = {.id = (uint16_t)(ttl * 0x1f3d),
                         .tos = (uint8_t)(ttl * 7),
                         .dont_fragment = (ttl & 1) != 0,
                         .ttl = (uint8_t)ttl,
                         .protocol = IPPROTO_ICMP_NUM,
                         .src = IP4(10, 0, 0, 2),
                         .dst = IP4(10, 0, 1, 2)};
        frame *f = fake_ipv4_frame_h(fx, MAC_RA, MAC_L, h, msg, sizeof msg);
        memcpy(sent[n], f->data, 60);
        fake_send_at(fx, fake_port(w.l, 0), f, n * 20 * SIM_US);
    }
    assert_int_equal(fake_run(fx), SIM_DONE);
    assert_int_equal(fake_rx_count(w.rt, ETHERTYPE_IPV4), n);
    for (size_t i = 0; i < n; i++) {
        const fake_rx *r = fake_rx_nth(w.rt, ETHERTYPE_IPV4, i);
        ipv4_header h;
        if (ipv4_header_parse(r->data + ETH_HEADER_LEN, r->len - ETH_HEADER_LEN, &h) != WIRE_OK)
            fail_msg("TTL %zu: forwarded header does not parse", i + 2);
        assert_int_equal(h.ttl, i + 1);
        uint8_t want[60];
        expect_forwarded(sent[i], 60, MAC_R, MAC_RB, want);
        fake_assert_bytes(r->data, r->len, want, sizeof want);
    }
}

/* Checks an ICMP error L received from R: from 10.0.0.1 to 10.0.0.2, type and
 * code, unused word zero, quoting the 20-byte header and 8 bytes of `sent`. */
static void check_icmp_error(const fake_rx *r, const uint8_t *sent, uint8_t type, uint8_t code) {
    assert_int_equal(r->len, ETH_HEADER_LEN + IPV4_HEADER_LEN + ICMP_HEADER_LEN + 28);
    assert_memory_equal(r->data, MAC_L.b, 6);
    assert_memory_equal(r->data + 6, MAC_RA.b, 6);
    assert_int_equal(wire_get16(r->data + 12), ETHERTYPE_IPV4);
    ipv4_header h;
    assert_int_equal(ipv4_header_parse(r->data + ETH_HEADER_LEN, r->len - ETH_HEADER_LEN, &h),
                     WIRE_OK);
    assert_int_equal(h.src, IP4(10, 0, 0, 1));
    assert_int_equal(h.dst, IP4(10, 0, 0, 2));
    assert_int_equal(h.protocol, IPPROTO_ICMP_NUM);
    assert_int_equal(h.ttl, 64);
    assert_int_equal(h.total_len, IPV4_HEADER_LEN + ICMP_HEADER_LEN + 28);
    const uint8_t *msg = r->data + ETH_HEADER_LEN + IPV4_HEADER_LEN;
    icmp_header ih;
    assert_int_equal(icmp_parse(msg, ICMP_HEADER_LEN + 28, &ih), WIRE_OK);
    uint8_t want[ICMP_HEADER_LEN + 28] = {type, code, 0, 0, 0, 0, 0, 0};
    memcpy(want + ICMP_HEADER_LEN, sent + ETH_HEADER_LEN, 28); /* as received: TTL unchanged */
    wire_put16(want + 2, checksum_compute(want, sizeof want));
    fake_assert_bytes(msg, ICMP_HEADER_LEN + 28, want, sizeof want);
}

static void test_ttl_1_time_exceeded(void **state) {
    fake_net *fx = *state;
    fwd w;
    make_fwd(fx, &w);
    frame *f =
        fake_echo_frame(fx, MAC_RA, MAC_L, IP4(10, 0, 0, 2), IP4(10, 0, 1, 2), 1, 0x77, 3, 56);
    uint8_t sent[98];
    memcpy(sent, f->data, sizeof sent);
    uint32_t id = f->packet_id;
    port_send(fake_port(w.l, 0), f);
    assert_int_equal(fake_run(fx), SIM_DONE);

    assert_int_equal(w.rt->n_rx, 0); /* never forwarded */
    const cap_event *e = cap_find_why(&fx->cap, TRACE_DROP, "R", "TTL expired in transit");
    assert_non_null(e);
    assert_text(e->port, "eth0");
    assert_int_equal(e->reason, TRACE_REASON_TTL_EXPIRED);
    assert_int_equal(e->packet_id, id);
    assert_non_null(e->frame);
    assert_int_equal(cap_count(&fx->cap, TRACE_FORWARD, "R"), 0);
    /* Cause before effect: the receive, the drop, then what the drop
     * triggers (resolving L for the ICMP error, then sending it). */
    size_t at = cap_index(&fx->cap, e);
    assert_true(cap_index(&fx->cap, cap_nth(&fx->cap, TRACE_RECEIVE, "R", 0)) < at);
    assert_true(cap_index(&fx->cap, cap_nth(&fx->cap, TRACE_ARP, "R", 0)) > at);
    assert_true(cap_index(&fx->cap, cap_nth(&fx->cap, TRACE_SEND, "R", 0)) > at);
    assert_int_equal(fake_rx_count(w.l, ETHERTYPE_ARP), 1); /* R resolves L first */
    assert_int_equal(fake_rx_count(w.l, ETHERTYPE_IPV4), 1);
    check_icmp_error(fake_rx_nth(w.l, ETHERTYPE_IPV4, 0), sent, ICMP_TIME_EXCEEDED,
                     ICMP_TIME_EXCEEDED_TTL);
}

static void test_no_route_net_unreachable(void **state) {
    fake_net *fx = *state;
    fwd w;
    make_fwd(fx, &w);
    frame *f =
        fake_echo_frame(fx, MAC_RA, MAC_L, IP4(10, 0, 0, 2), IP4(192, 0, 2, 1), 64, 0x77, 4, 56);
    uint8_t sent[98];
    memcpy(sent, f->data, sizeof sent);
    port_send(fake_port(w.l, 0), f);
    assert_int_equal(fake_run(fx), SIM_DONE);

    assert_int_equal(w.rt->n_rx, 0);
    const cap_event *e = cap_find_why(&fx->cap, TRACE_DROP, "R", "no route to 192.0.2.1");
    assert_non_null(e);
    assert_text(e->port, "eth0");
    assert_int_equal(e->reason, TRACE_REASON_NO_ROUTE);
    assert_int_equal(e->packet_id, fx->cap.ev[0].packet_id);
    assert_true(cap_index(&fx->cap, cap_nth(&fx->cap, TRACE_SEND, "R", 0)) >
                cap_index(&fx->cap, e));
    assert_int_equal(fake_rx_count(w.l, ETHERTYPE_IPV4), 1);
    check_icmp_error(fake_rx_nth(w.l, ETHERTYPE_IPV4, 0), sent, ICMP_DEST_UNREACHABLE,
                     ICMP_UNREACH_NET);
}

/* The next hop never answers ARP: after 3 requests 1 s apart the router
 * drops the packet and tells the sender "host unreachable" (RFC 1812 section
 * 4.3.3.1), quoting the packet as it was queued, TTL already decremented (as
 * Linux does: ip_forward decrements before neighbour output). */
static void test_unresolved_next_hop_host_unreachable(void **state) {
    fake_net *fx = *state;
    fwd w;
    make_fwd(fx, &w);
    w.rt->answer_arp = false;
    frame *f =
        fake_echo_frame(fx, MAC_RA, MAC_L, IP4(10, 0, 0, 2), IP4(10, 0, 1, 2), 64, 0x77, 5, 56);
    uint8_t sent[98], queued[98];
    memcpy(sent, f->data, sizeof sent);
    uint32_t id = f->packet_id;
    port_send(fake_port(w.l, 0), f);
    assert_int_equal(fake_run(fx), SIM_DONE);

    assert_int_equal(fake_rx_count(w.rt, ETHERTYPE_ARP), 3);
    assert_int_equal(fake_rx_count(w.rt, ETHERTYPE_IPV4), 0);
    const cap_event *e =
        cap_find_why(&fx->cap, TRACE_DROP, "R", "ARP: no reply from 10.0.1.2 after 3 requests");
    assert_non_null(e);
    assert_int_equal(e->packet_id, id);
    assert_int_equal(e->reason, TRACE_REASON_ARP_TIMEOUT);
    assert_int_equal(e->time, 10760 + 3 * SIM_S);
    /* The ARP entry's life as table changes: created incomplete, the packet
     * queued on it (unchanged), then removed when resolution failed. */
    const cap_event *a = cap_nth(&fx->cap, TRACE_ARP, "R", 0);
    assert_int_equal(a->table, TRACE_TABLE_ARP);
    assert_text(a->key, "10.0.1.2");
    assert_null(a->old_value);
    assert_text(a->new_value, "incomplete");
    a = cap_nth(&fx->cap, TRACE_ARP, "R", 1);
    assert_text(a->key, "10.0.1.2");
    assert_text(a->old_value, "incomplete");
    assert_text(a->new_value, "incomplete");
    a = cap_find_why(&fx->cap, TRACE_ARP, "R", "resolution failed");
    assert_non_null(a);
    assert_text(a->key, "10.0.1.2");
    assert_text(a->old_value, "incomplete");
    assert_null(a->new_value);
    /* The drop comes before the ICMP error it triggers (sent once L is
     * resolved: R's next ARP change is about L). */
    assert_true(cap_index(&fx->cap, a) < cap_index(&fx->cap, e));
    const cap_event *l_entry = cap_next(&fx->cap, TRACE_ARP, "R", cap_index(&fx->cap, e));
    assert_non_null(l_entry);
    assert_text(l_entry->key, "10.0.0.2");
    assert_int_equal(fake_rx_count(w.l, ETHERTYPE_IPV4), 1);
    expect_forwarded(sent, sizeof sent, MAC_ZERO, MAC_RB, queued);
    check_icmp_error(fake_rx_nth(w.l, ETHERTYPE_IPV4, 0), queued, ICMP_DEST_UNREACHABLE,
                     ICMP_UNREACH_HOST);
}

/* A host does not forward: the packet is dropped, no ICMP. */
static void test_host_does_not_forward(void **state) {
    fake_net *fx = *state;
    model_iface ifaces[2] = {fake_iface("eth0", MAC_RA, IP4(10, 0, 0, 1), 24),
                             fake_iface("eth1", MAC_RB, IP4(10, 0, 1, 1), 24)};
    model_device d = fake_device("H", DEVICE_HOST, ifaces, 2);
    node *h = ip_device_new(fx->net, &d);
    network_add_node(fx->net, h);
    fake_node *l = fake_node_new(fx, "L", 1, MAC_L);
    l->ip[0] = IP4(10, 0, 0, 2);
    l->answer_arp = true;
    fake_link(fx, fake_port(l, 0), &h->ports[0]);
    fake_build(fx);
    port_send(fake_port(l, 0), fake_echo_frame(fx, MAC_RA, MAC_L, IP4(10, 0, 0, 2),
                                               IP4(10, 0, 1, 2), 64, 0x77, 1, 56));
    assert_int_equal(fake_run(fx), SIM_DONE);
    assert_non_null(
        cap_find_why(&fx->cap, TRACE_DROP, "H",
                     "IP destination 10.0.1.2 is not this host and it does not forward"));
    assert_int_equal(cap_nth(&fx->cap, TRACE_DROP, "H", 0)->reason, TRACE_REASON_IP_NOT_OURS);
    assert_int_equal(l->n_rx, 0);
    assert_int_equal(cap_count(&fx->cap, TRACE_FORWARD, "H"), 0);
}

/* RFC 1812 5.3.4: an echo for 10.0.1.2 (another subnet) that reaches R in an
 * Ethernet broadcast, as a host whose gateway is a broadcast address sends
 * it, is dropped by R with its own reason and the packet's id: not
 * forwarded, no ARP for the next hop, no ICMP error back. */
static void test_router_drops_unicast_ip_in_link_broadcast(void **state) {
    fake_net *fx = *state;
    fwd w;
    make_fwd(fx, &w);
    frame *f = fake_echo_frame(fx, MAC_BROADCAST, MAC_L, IP4(10, 0, 0, 2), IP4(10, 0, 1, 2), 64,
                               0x77, 1, 56);
    uint32_t id = f->packet_id;
    port_send(fake_port(w.l, 0), f);
    assert_int_equal(fake_run(fx), SIM_DONE);

    const cap_event *d = cap_nth(&fx->cap, TRACE_DROP, "R", 0);
    assert_non_null(d);
    assert_int_equal(d->reason, TRACE_REASON_LINK_BROADCAST_NOT_FORWARDED);
    assert_string_equal(trace_reason_name(d->reason), "link_broadcast_not_forwarded");
    assert_int_equal(d->packet_id, id);
    assert_int_equal(d->time, 10760); /* 98 bytes, one hop */
    assert_text(d->port, "eth0");
    assert_text(d->why, "unicast IP packet for 10.0.1.2 arrived in a link-layer broadcast: not "
                        "forwarded (RFC 1812 5.3.4)");
    assert_int_equal(cap_count(&fx->cap, TRACE_DROP, "R"), 1);
    assert_int_equal(cap_count(&fx->cap, TRACE_FORWARD, "R"), 0);
    assert_int_equal(cap_count(&fx->cap, TRACE_SEND, "R"), 0);
    assert_int_equal(w.rt->n_rx, 0);
    assert_int_equal(w.l->n_rx, 0);

    /* The same packet in a unicast frame to R is forwarded. */
    port_send(fake_port(w.l, 0), fake_echo_frame(fx, MAC_RA, MAC_L, IP4(10, 0, 0, 2),
                                                 IP4(10, 0, 1, 2), 64, 0x77, 2, 56));
    assert_int_equal(fake_run(fx), SIM_DONE);
    assert_int_equal(cap_count(&fx->cap, TRACE_FORWARD, "R"), 1);
    assert_int_equal(fake_rx_count(w.rt, ETHERTYPE_IPV4), 1);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_longest_prefix_wins, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_longest_prefix_wins_indexed, fake_setup,
                                        fake_teardown),
        cmocka_unit_test_setup_teardown(test_equal_prefixes_by_metric_then_order, fake_setup,
                                        fake_teardown),
        cmocka_unit_test_setup_teardown(test_no_route_is_null, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_source_for, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_forward_rewrites_ethernet_and_ttl, fake_setup,
                                        fake_teardown),
        cmocka_unit_test_setup_teardown(test_forward_via_next_hop, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_forwarded_checksum_verifies_for_every_ttl, fake_setup,
                                        fake_teardown),
        cmocka_unit_test_setup_teardown(test_ttl_1_time_exceeded, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_no_route_net_unreachable, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_unresolved_next_hop_host_unreachable, fake_setup,
                                        fake_teardown),
        cmocka_unit_test_setup_teardown(test_host_does_not_forward, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_router_drops_unicast_ip_in_link_broadcast, fake_setup,
                                        fake_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
