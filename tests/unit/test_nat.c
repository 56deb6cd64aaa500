/*
 * Unit tests of NAT (stack/nat) on a NAT box between a fake inside host and
 * a fake outside host, with the rule each translation names (the typed fact
 * `translation`, and the why beside it): source NAT and its reply through a
 * dynamic mapping; source NAT and its reply through a pinned mapping, which
 * is a reply and never a port forward; a port forward and its inside
 * server's reply; an unsolicited datagram dropped. And the box's own
 * sockets: a datagram to a port one of them holds is delivered to it
 * untranslated, a new mapping does not take such a port, and the box's
 * ephemeral ports skip the mappings' outside ports.
 */
#include "fake_net.h"

#include "stack/udp.h"
#include "wire/udp.h"

static const mac_addr MAC_IN = {{0x02, 0x00, 0x00, 0x00, 0x00, 0x0a}};
static const mac_addr MAC_OUT = {{0x02, 0x00, 0x00, 0x00, 0x00, 0x0b}};
static const mac_addr MAC_N0 = {{0x02, 0x00, 0x00, 0x00, 0x01, 0x00}};
static const mac_addr MAC_N1 = {{0x02, 0x00, 0x00, 0x00, 0x01, 0x01}};
static const ipv4_addr IP_IN = IP4(192, 168, 1, 2), IP_OUT = IP4(116, 226, 52, 99);
static const ipv4_addr IP_PUBLIC = IP4(116, 226, 52, 212);

/* The NAT box's model: the stack keeps pointing at its translation settings,
 * so it lives as long as the test. */
typedef struct box {
    model_iface ifaces[2];
    model_nat_pin pin;
    model_nat_forward forward;
    model_nat nat_cfg;
    model_device dev;
    node *nat;
    fake_node *in, *out;
} box;

static void box_build(fake_net *fx, box *b) {
    b->ifaces[0] = fake_iface("eth0", MAC_N0, IP4(192, 168, 1, 1), 24);
    b->ifaces[1] = fake_iface("eth1", MAC_N1, IP_PUBLIC, 24);
    b->pin = (model_nat_pin){
        .protocol = IPPROTO_UDP_NUM, .inside_ip = IP_IN, .inside_port = 6789, .outside_port = 6539};
    b->forward = (model_nat_forward){
        .protocol = IPPROTO_UDP_NUM, .outside_port = 8080, .inside_ip = IP_IN, .inside_port = 80};
    b->dev = fake_device("nat1", DEVICE_ROUTER, b->ifaces, 2);
    b->dev.nat = &b->nat_cfg;
    b->nat_cfg = (model_nat){.enabled = true,
                             .inside_iface = 0,
                             .outside_iface = 1,
                             .pins = &b->pin,
                             .n_pins = 1,
                             .forwards = &b->forward,
                             .n_forwards = 1,
                             .udp_timeout_ns = NAT_DEFAULT_UDP_TIMEOUT_NS,
                             .tcp_established_ns = NAT_DEFAULT_TCP_ESTABLISHED_NS,
                             .tcp_transitory_ns = NAT_DEFAULT_TCP_TRANSITORY_NS,
                             .icmp_timeout_ns = NAT_DEFAULT_ICMP_TIMEOUT_NS};
    b->nat = ip_device_new(fx->net, &b->dev);
    network_add_node(fx->net, b->nat);
    b->in = fake_node_new(fx, "in", 1, MAC_IN);
    b->in->ip[0] = IP_IN;
    b->in->answer_arp = true;
    b->out = fake_node_new(fx, "out", 1, MAC_OUT);
    b->out->ip[0] = IP_OUT;
    b->out->answer_arp = true;
    fake_link(fx, fake_port(b->in, 0), &b->nat->ports[0]);
    fake_link(fx, &b->nat->ports[1], fake_port(b->out, 0));
    fake_build(fx);
}

/* A UDP datagram "x" without checksum (RFC 768: zero means none). */
static frame *udp_frame(fake_net *fx, mac_addr dst_mac, mac_addr src_mac, ipv4_addr src,
                        uint16_t sport, ipv4_addr dst, uint16_t dport) {
    uint8_t u[UDP_HEADER_LEN + 1] = {0};
    wire_put16(u + UDP_OFF_SRC_PORT, sport);
    wire_put16(u + UDP_OFF_DST_PORT, dport);
    wire_put16(u + 4, sizeof u);
    u[UDP_HEADER_LEN] = 'x';
    return fake_ipv4_frame(fx, dst_mac, src_mac, src, dst, 64, IPPROTO_UDP_NUM, u, sizeof u);
}

static void from_inside(fake_net *fx, box *b, uint16_t sport, sim_time at) {
    fake_send_at(fx, fake_port(b->in, 0), udp_frame(fx, MAC_N0, MAC_IN, IP_IN, sport, IP_OUT, 9),
                 at);
}

static void from_outside(fake_net *fx, box *b, uint16_t dport, sim_time at) {
    fake_send_at(fx, fake_port(b->out, 0),
                 udp_frame(fx, MAC_N1, MAC_OUT, IP_OUT, 9, IP_PUBLIC, dport), at);
}

/* The UDP source port of the nth IPv4 frame `fn` received. */
static uint16_t rx_sport(const fake_node *fn, size_t nth) {
    const fake_rx *r = fake_rx_nth(fn, ETHERTYPE_IPV4, nth);
    assert_non_null(r);
    return wire_get16(r->data + ETH_HEADER_LEN + IPV4_HEADER_LEN + UDP_OFF_SRC_PORT);
}

static void test_translations(void **state) {
    fake_net *fx = *state;
    box b;
    box_build(fx, &b);
    from_inside(fx, &b, 5000, 0);           /* a dynamic mapping */
    from_outside(fx, &b, 5000, 1 * SIM_MS); /* its reply */
    from_inside(fx, &b, 6789, 2 * SIM_MS);  /* the pinned mapping */
    from_outside(fx, &b, 6539, 3 * SIM_MS); /* its reply */
    from_outside(fx, &b, 8080, 4 * SIM_MS); /* the port forward */
    from_inside(fx, &b, 80, 5 * SIM_MS);    /* the inside server's reply */
    from_outside(fx, &b, 7777, 6 * SIM_MS); /* nothing: dropped */
    assert_int_equal(fake_run(fx), SIM_DONE);

    static const trace_translation want[] = {
        TRACE_TRANSLATION_SNAT,  TRACE_TRANSLATION_REPLY,        TRACE_TRANSLATION_SNAT,
        TRACE_TRANSLATION_REPLY, TRACE_TRANSLATION_PORT_FORWARD, TRACE_TRANSLATION_REPLY,
    };
    static const char *const new_values[] = {
        "116.226.52.212:5000", "192.168.1.2:5000", "116.226.52.212:6539",
        "192.168.1.2:6789",    "192.168.1.2:80",   "116.226.52.212:8080",
    };
    size_t n = sizeof want / sizeof want[0];
    assert_int_equal(cap_count(&fx->cap, TRACE_TRANSLATE, "nat1"), n);
    for (size_t i = 0; i < n; i++) {
        const cap_event *e = cap_nth(&fx->cap, TRACE_TRANSLATE, "nat1", i);
        assert_int_equal(e->translation, want[i]);
        assert_int_equal(e->table, TRACE_TABLE_NAT);
        assert_text(e->new_value, new_values[i]);
    }
    /* The pinned mapping's reply is a reply, in the fact and in the words. */
    const cap_event *pinned = cap_nth(&fx->cap, TRACE_TRANSLATE, "nat1", 3);
    assert_text(pinned->why, "destination NAT: reply translated back to the inside");
    assert_null(strstr(pinned->why, "port forward"));
    assert_text(cap_nth(&fx->cap, TRACE_TRANSLATE, "nat1", 4)->why,
                "destination NAT: port forward to the inside");
    assert_text(cap_nth(&fx->cap, TRACE_TRANSLATE, "nat1", 5)->why,
                "reply from the port-forwarded server translated back to the outside");
    assert_non_null(cap_find_why(&fx->cap, TRACE_DROP, "nat1",
                                 "NAT: unsolicited inbound udp to port 7777 (no mapping, no port "
                                 "forward)"));
    /* No other event carries a translation. */
    for (size_t i = 0; i < fx->cap.n; i++)
        if (fx->cap.ev[i].kind != TRACE_TRANSLATE)
            assert_int_equal(fx->cap.ev[i].translation, TRACE_TRANSLATION_NONE);
}

typedef struct heard {
    int count;
    ipv4_addr src;
    uint16_t src_port;
} heard;

static void on_datagram(void *ctx, udp_socket *s, ipv4_addr src, uint16_t src_port,
                        const uint8_t *data, size_t len) {
    (void)s;
    (void)data;
    (void)len;
    heard *h = ctx;
    h->count++;
    h->src = src;
    h->src_port = src_port;
}

static void test_own_sockets(void **state) {
    fake_net *fx = *state;
    box b;
    box_build(fx, &b);
    ip_stack *st = ip_device_stack(b.nat);
    heard h = {0};
    udp_socket *s7777 = NULL, *s5001 = NULL, *eph = NULL;
    assert_int_equal(udp_bind(st, 7777, on_datagram, &h, &s7777), 0);
    assert_int_equal(udp_bind(st, 5001, on_datagram, &h, &s5001), 0);
    from_outside(fx, &b, 7777, 0);         /* for the box itself */
    from_inside(fx, &b, 5001, 1 * SIM_MS); /* wants outside port 5001: the box's own */
    assert_int_equal(fake_run(fx), SIM_DONE);
    assert_int_equal(h.count, 1);
    assert_int_equal(h.src, IP_OUT);
    assert_int_equal(cap_count(&fx->cap, TRACE_TRANSLATE, "nat1"), 1); /* the inside one only */
    assert_int_equal(cap_count(&fx->cap, TRACE_DROP, "nat1"), 0);
    uint16_t mapped = rx_sport(b.out, 0);
    assert_int_not_equal(mapped, 5001);
    assert_true(mapped >= 1024);
    /* The box's ephemeral ports skip the pinned mapping's outside port. */
    udp_set_ephemeral_range(st, 6539, 6540);
    assert_int_equal(udp_bind(st, 0, on_datagram, &h, &eph), 0);
    assert_int_equal(udp_local_port(eph), 6540);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_translations, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_own_sockets, fake_setup, fake_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
