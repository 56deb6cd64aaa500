/*
 * test_udp: UDP sockets (stack/udp.c). Binding: a taken port is refused (-1,
 * EADDRINUSE); port 0 draws an ephemeral port from the seed, in 32768-60999,
 * the same for the same seed, the next free one when the drawn one is taken;
 * a closed port can be bound again. Between two real hosts H1 10.0.0.1 and
 * H2 10.0.0.2 on one link: a datagram and its answer, with exact ports,
 * lengths and a checksum that verifies; the receiving socket may close itself
 * in its callback. A datagram to a closed port is answered with ICMP port
 * unreachable quoting it, and traced as a drop. A datagram with a bad checksum
 * (injected by a fake node) is dropped, not delivered. The state lines are
 * sorted by port. A host's own ephemeral range is used (and still drawn from
 * the seed); a socket sends from 0.0.0.0 out of a chosen interface to the
 * broadcast address (what DHCP needs), and its receiver learns the arriving
 * interface and the destination address. Every test ends leak-free.
 */
#include "fake_net.h"

#include "engine/rng.h"
#include "stack/udp.h"
#include "wire/udp.h"

static const mac_addr MAC_1 = {{0x02, 0x00, 0x00, 0x00, 0x00, 0x01}};
static const mac_addr MAC_2 = {{0x02, 0x00, 0x00, 0x00, 0x00, 0x02}};
static const ipv4_addr IP_1 = 0x0A000001, IP_2 = 0x0A000002;

typedef struct rx_log {
    int count;
    ipv4_addr src;
    uint16_t src_port;
    uint8_t data[64];
    size_t len;
    sim_time at;
    sim *sim;
    bool reply;     /* answer "world" to the sender */
    bool close_now; /* close the socket inside the callback */
} rx_log;

static void on_datagram(void *ctx, udp_socket *s, ipv4_addr src, uint16_t src_port,
                        const uint8_t *data, size_t len) {
    rx_log *r = ctx;
    r->count++;
    r->src = src;
    r->src_port = src_port;
    r->len = len < sizeof r->data ? len : sizeof r->data;
    memcpy(r->data, data, r->len);
    r->at = sim_now(r->sim);
    if (r->reply)
        assert_int_equal(udp_sendto(s, src, src_port, (const uint8_t *)"world", 5), 0);
    if (r->close_now)
        udp_close(s);
}

static node *make_host(fake_net *fx, const char *name, mac_addr mac, ipv4_addr ip) {
    model_iface ifc = fake_iface("eth0", mac, ip, 24);
    model_device d = fake_device(name, DEVICE_HOST, &ifc, 1);
    node *n = ip_device_new(fx->net, &d);
    network_add_node(fx->net, n);
    return n;
}

static void two_hosts(fake_net *fx, node **h1, node **h2) {
    *h1 = make_host(fx, "H1", MAC_1, IP_1);
    *h2 = make_host(fx, "H2", MAC_2, IP_2);
    fake_link(fx, &(*h1)->ports[0], &(*h2)->ports[0]);
    fake_build(fx);
}

/* The first ephemeral port a run with `seed` draws. */
static uint16_t first_ephemeral(uint64_t seed) {
    rng r;
    rng_seed(&r, seed);
    return (uint16_t)(UDP_EPHEMERAL_LOW +
                      rng_below(&r, UDP_EPHEMERAL_HIGH - UDP_EPHEMERAL_LOW + 1));
}

static void test_bind_conflict(void **state) {
    fake_net *fx = *state;
    node *h1, *h2;
    two_hosts(fx, &h1, &h2);
    ip_stack *st = ip_device_stack(h1);
    udp_socket *a, *b;
    assert_int_equal(udp_bind(st, 5000, on_datagram, NULL, &a), 0);
    assert_int_equal(udp_local_port(a), 5000);
    b = (udp_socket *)0x1; /* must stay untouched on failure */
    assert_int_equal(udp_bind(st, 5000, on_datagram, NULL, &b), IP_ERR_ADDRINUSE);
    assert_ptr_equal(b, (udp_socket *)0x1);
    /* Another host may use the same port. */
    assert_int_equal(udp_bind(ip_device_stack(h2), 5000, on_datagram, NULL, &b), 0);
    /* Closed, the port is free again. */
    udp_close(a);
    assert_int_equal(udp_bind(st, 5000, on_datagram, NULL, &a), 0);
    udp_close(NULL);
}

static void test_ephemeral_ports(void **state) {
    fake_net *fx = *state;
    node *h1, *h2;
    two_hosts(fx, &h1, &h2);
    ip_stack *st = ip_device_stack(h1);
    uint16_t want = first_ephemeral(1);
    udp_socket *s;
    assert_int_equal(udp_bind(st, 0, on_datagram, NULL, &s), 0);
    assert_int_equal(udp_local_port(s), want);
    /* Many more: all in range, all distinct. */
    static bool seen[65536];
    memset(seen, 0, sizeof seen);
    seen[want] = true;
    for (int i = 0; i < 2000; i++) {
        assert_int_equal(udp_bind(st, 0, on_datagram, NULL, &s), 0);
        uint16_t p = udp_local_port(s);
        assert_true(p >= 32768 && p <= 60999);
        assert_false(seen[p]);
        seen[p] = true;
    }

    /* Same seed, same port; when the drawn port is taken, the next free one. */
    fake_net *fx2 = fake_net_new(1);
    node *h = make_host(fx2, "H", MAC_1, IP_1);
    udp_socket *taken, *t2;
    assert_int_equal(udp_bind(ip_device_stack(h), want, on_datagram, NULL, &taken), 0);
    assert_int_equal(udp_bind(ip_device_stack(h), want + 1, on_datagram, NULL, &t2), 0);
    assert_int_equal(udp_bind(ip_device_stack(h), 0, on_datagram, NULL, &s), 0);
    assert_int_equal(udp_local_port(s), want + 2);
    fake_net_free(fx2);

    fake_net *fx3 = fake_net_new(1);
    h = make_host(fx3, "H", MAC_1, IP_1);
    assert_int_equal(udp_bind(ip_device_stack(h), 0, on_datagram, NULL, &s), 0);
    assert_int_equal(udp_local_port(s), want);
    fake_net_free(fx3);

    /* Another seed draws another port. */
    assert_int_not_equal(first_ephemeral(2), want);
}

/* H1 (ephemeral port) sends "hello" to H2:5000; H2 answers "world". */
static void test_send_receive(void **state) {
    fake_net *fx = *state;
    node *h1, *h2;
    two_hosts(fx, &h1, &h2);
    rx_log r1 = {.sim = fx->sim}, r2 = {.sim = fx->sim, .reply = true};
    udp_socket *s1, *s2;
    assert_int_equal(udp_bind(ip_device_stack(h1), 0, on_datagram, &r1, &s1), 0);
    assert_int_equal(udp_bind(ip_device_stack(h2), 5000, on_datagram, &r2, &s2), 0);
    uint16_t p1 = udp_local_port(s1);
    assert_int_equal(udp_sendto(s1, IP_2, 5000, (const uint8_t *)"hello", 5), 0);
    assert_int_equal(fake_run(fx), SIM_DONE);

    assert_int_equal(r2.count, 1);
    assert_int_equal(r2.src, IP_1);
    assert_int_equal(r2.src_port, p1);
    assert_int_equal(r2.len, 5);
    assert_memory_equal(r2.data, "hello", 5);
    assert_int_equal(r1.count, 1);
    assert_int_equal(r1.src, IP_2);
    assert_int_equal(r1.src_port, 5000);
    assert_int_equal(r1.len, 5);
    assert_memory_equal(r1.data, "world", 5);

    /* On the wire (after ARP): 14 + 20 + 8 + 5 = 47 bytes, padded to 60. */
    const cap_event *w = NULL;
    for (size_t i = 0; i < fx->cap.n && !w; i++)
        if (fx->cap.ev[i].kind == TRACE_WIRE && wire_get16(fx->cap.ev[i].frame + 12) == 0x0800)
            w = &fx->cap.ev[i];
    assert_non_null(w);
    assert_int_equal(w->frame_len, 60);
    const uint8_t *ip = w->frame + ETH_HEADER_LEN;
    assert_int_equal(ip[9], IPPROTO_UDP_NUM);
    assert_int_equal(wire_get16(ip + 2), 20 + 8 + 5);
    udp_header uh;
    assert_int_equal(udp_parse(ip + 20, 13, IP_1, IP_2, &uh), WIRE_OK);
    assert_int_equal(uh.src_port, p1);
    assert_int_equal(uh.dst_port, 5000);
    assert_int_equal(uh.length, 13);
    assert_int_not_equal(uh.checksum, 0);
    assert_memory_equal(ip + 28, "hello", 5);

    const cap_event *e = cap_find_why(&fx->cap, TRACE_DELIVER, "H2", "datagram for UDP port 5000");
    assert_non_null(e);
    assert_text(e->port, "eth0");
    assert_non_null(e->frame);
    char why[64];
    snprintf(why, sizeof why, "datagram for UDP port %u", p1);
    assert_non_null(cap_find_why(&fx->cap, TRACE_DELIVER, "H1", why));
    assert_int_equal(cap_count(&fx->cap, TRACE_DROP, NULL), 0);
}

/* A socket that closes itself in its callback; the next datagram finds the
 * port closed. */
static void test_close_in_callback(void **state) {
    fake_net *fx = *state;
    node *h1, *h2;
    two_hosts(fx, &h1, &h2);
    rx_log r2 = {.sim = fx->sim, .close_now = true};
    udp_socket *s1, *s2;
    assert_int_equal(udp_bind(ip_device_stack(h1), 4000, on_datagram, NULL, &s1), 0);
    assert_int_equal(udp_bind(ip_device_stack(h2), 5000, on_datagram, &r2, &s2), 0);
    udp_sendto(s1, IP_2, 5000, (const uint8_t *)"a", 1);
    assert_int_equal(fake_run(fx), SIM_DONE);
    udp_sendto(s1, IP_2, 5000, (const uint8_t *)"b", 1);
    assert_int_equal(fake_run(fx), SIM_DONE);
    assert_int_equal(r2.count, 1);
    assert_int_equal(cap_count_why(&fx->cap, TRACE_DROP, "H2", "no socket on UDP port 5000"), 1);
}

/* Nothing on H2:9: ICMP port unreachable (type 3 code 3) back to H1,
 * quoting the datagram's IP header and its 8-byte UDP header. */
static void test_port_unreachable(void **state) {
    fake_net *fx = *state;
    node *h1, *h2;
    two_hosts(fx, &h1, &h2);
    udp_socket *s1;
    assert_int_equal(udp_bind(ip_device_stack(h1), 4000, on_datagram, NULL, &s1), 0);
    assert_int_equal(udp_sendto(s1, IP_2, 9, (const uint8_t *)"ping?", 5), 0);
    assert_int_equal(fake_run(fx), SIM_DONE);

    const cap_event *d = cap_nth(&fx->cap, TRACE_DROP, "H2", 0);
    assert_non_null(d);
    assert_text(d->why, "no socket on UDP port 9");
    assert_int_equal(d->reason, TRACE_REASON_NO_SOCKET);
    /* It follows the datagram's receive, and names its packet. */
    size_t at = cap_index(&fx->cap, d);
    assert_true(at > 0);
    assert_int_equal(fx->cap.ev[at - 1].kind, TRACE_RECEIVE);
    assert_int_equal(d->packet_id, fx->cap.ev[at - 1].packet_id);
    assert_true(d->packet_id != 0);
    assert_int_equal(cap_count(&fx->cap, TRACE_DROP, "H2"), 1);
    /* Cause before effect: the drop, then the port unreachable it triggers. */
    size_t icmp_send = 0;
    for (size_t i = 0; i < fx->cap.n && !icmp_send; i++) {
        const cap_event *e = &fx->cap.ev[i];
        if (e->kind == TRACE_SEND && fake_streq(e->device, "H2") && e->frame &&
            wire_get16(e->frame + 12) == ETHERTYPE_IPV4 &&
            e->frame[ETH_HEADER_LEN + 9] == IPPROTO_ICMP_NUM)
            icmp_send = i;
    }
    assert_true(icmp_send > at);

    const cap_event *icmp = NULL;
    for (size_t i = 0; i < fx->cap.n; i++) {
        const cap_event *e = &fx->cap.ev[i];
        if (e->kind == TRACE_WIRE && fake_streq(e->device, "H2") &&
            wire_get16(e->frame + 12) == ETHERTYPE_IPV4 &&
            e->frame[ETH_HEADER_LEN + 9] == IPPROTO_ICMP_NUM)
            icmp = e;
    }
    assert_non_null(icmp);
    const uint8_t *ip = icmp->frame + ETH_HEADER_LEN;
    assert_int_equal(wire_get32(ip + 12), IP_2);
    assert_int_equal(wire_get32(ip + 16), IP_1);
    const uint8_t *msg = ip + 20;
    assert_int_equal(msg[0], ICMP_DEST_UNREACHABLE);
    assert_int_equal(msg[1], ICMP_UNREACH_PORT);
    assert_int_equal(wire_get16(ip + 2), 20 + 8 + 20 + 8);
    const uint8_t *quoted = msg + 8;
    assert_int_equal(wire_get32(quoted + 12), IP_1);
    assert_int_equal(wire_get32(quoted + 16), IP_2);
    assert_int_equal(wire_get16(quoted + 20), 4000);
    assert_int_equal(wire_get16(quoted + 22), 9);
    assert_int_equal(wire_get16(quoted + 24), 13);
    /* No socket on H2 got anything, and H1 sees the error (nobody listens
     * for ICMP about port 4000, so it is dropped there with that reason). */
    assert_non_null(cap_find_why(&fx->cap, TRACE_DROP, "H1",
                                 "ICMP error about a packet no application waits for"));
}

/* F sends a datagram to H:5000 whose checksum is wrong by one bit. */
static void test_bad_checksum_dropped(void **state) {
    fake_net *fx = *state;
    node *h = make_host(fx, "H", MAC_1, IP_1);
    fake_node *f = fake_node_new(fx, "F", 1, MAC_2);
    fake_link(fx, &h->ports[0], fake_port(f, 0));
    fake_build(fx);
    rx_log r = {.sim = fx->sim};
    udp_socket *s;
    assert_int_equal(udp_bind(ip_device_stack(h), 5000, on_datagram, &r, &s), 0);
    uint8_t dgram[UDP_HEADER_LEN + 3] = {0, 0, 0, 0, 0, 0, 0, 0, 'a', 'b', 'c'};
    udp_header uh = {.src_port = 7777, .dst_port = 5000};
    udp_emit(&uh, dgram, sizeof dgram, IP_2, IP_1);
    uint8_t good[sizeof dgram];
    memcpy(good, dgram, sizeof good);
    dgram[9] ^= 0x01;
    fake_send_at(
        fx, fake_port(f, 0),
        fake_ipv4_frame(fx, MAC_1, MAC_2, IP_2, IP_1, 64, IPPROTO_UDP_NUM, dgram, sizeof dgram), 0);
    fake_send_at(
        fx, fake_port(f, 0),
        fake_ipv4_frame(fx, MAC_1, MAC_2, IP_2, IP_1, 64, IPPROTO_UDP_NUM, good, sizeof good),
        SIM_MS);
    assert_int_equal(fake_run(fx), SIM_DONE);
    assert_int_equal(cap_count_why(&fx->cap, TRACE_DROP, "H", "bad UDP datagram (bad checksum)"),
                     1);
    assert_int_equal(cap_nth(&fx->cap, TRACE_DROP, "H", 0)->reason, TRACE_REASON_BAD_CHECKSUM);
    assert_int_equal(r.count, 1);
    assert_int_equal(r.src_port, 7777);
    assert_memory_equal(r.data, "abc", 3);
    /* The bad one got no ICMP answer: F received nothing. */
    assert_int_equal(f->n_rx, 0);
}

static void test_write_state(void **state) {
    fake_net *fx = *state;
    node *h = make_host(fx, "H", MAC_1, IP_1);
    ip_stack *st = ip_device_stack(h);
    FILE *out = tmpfile();
    assert_non_null(out);
    udp_write_state(st, out); /* no sockets: nothing at all */
    assert_int_equal(ftell(out), 0);
    udp_socket *s;
    uint16_t ports[] = {5353, 53, 40000, 67};
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(udp_bind(st, ports[i], on_datagram, NULL, &s), 0);
    udp_write_state(st, out);
    char buf[512];
    size_t size = (size_t)ftell(out);
    rewind(out);
    assert_true(size < sizeof buf);
    assert_int_equal(fread(buf, 1, size, out), size);
    buf[size] = '\0';
    fclose(out);
    assert_string_equal(buf, "  udp sockets:\n"
                             "    Proto Local Address           Foreign Address\n"
                             "    udp   0.0.0.0:53              *:*\n"
                             "    udp   0.0.0.0:67              *:*\n"
                             "    udp   0.0.0.0:5353            *:*\n"
                             "    udp   0.0.0.0:40000           *:*\n");
}

typedef struct rx_info {
    int count;
    uint32_t iface;
    ipv4_addr dst;
} rx_info;

static void on_info(void *ctx, udp_socket *s, ipv4_addr src, uint16_t src_port, const uint8_t *data,
                    size_t len) {
    (void)src;
    (void)src_port;
    (void)data;
    (void)len;
    rx_info *r = ctx;
    r->count++;
    r->iface = udp_rx_iface(s);
    r->dst = udp_rx_dst(s);
}

static void test_ephemeral_range(void **state) {
    fake_net *fx = *state;
    node *h1, *h2;
    two_hosts(fx, &h1, &h2);
    ip_stack *st = ip_device_stack(h1);
    uint16_t lo, hi;
    udp_ephemeral_range(st, &lo, &hi);
    assert_int_equal(lo, UDP_EPHEMERAL_LOW);
    assert_int_equal(hi, UDP_EPHEMERAL_HIGH);
    udp_set_ephemeral_range(st, 40000, 40002);
    udp_ephemeral_range(st, &lo, &hi);
    assert_int_equal(lo, 40000);
    assert_int_equal(hi, 40002);
    /* Three ports in the range, then none left. */
    bool seen[3] = {false, false, false};
    udp_socket *s;
    for (int i = 0; i < 3; i++) {
        assert_int_equal(udp_bind(st, 0, on_datagram, NULL, &s), 0);
        uint16_t p = udp_local_port(s);
        assert_true(p >= 40000 && p <= 40002);
        assert_false(seen[p - 40000]);
        seen[p - 40000] = true;
    }
    assert_int_equal(udp_bind(st, 0, on_datagram, NULL, &s), IP_ERR_AGAIN);
    /* A well-known port outside the range is still fine. */
    assert_int_equal(udp_bind(st, 53, on_datagram, NULL, &s), 0);
    /* The other host keeps the default range. */
    udp_ephemeral_range(ip_device_stack(h2), &lo, &hi);
    assert_int_equal(lo, UDP_EPHEMERAL_LOW);
}

static void test_sendto_on_broadcast(void **state) {
    fake_net *fx = *state;
    model_iface ifc = fake_iface("eth0", MAC_1, 0, 0); /* no address yet, as a DHCP client */
    model_device d = fake_device("H1", DEVICE_HOST, &ifc, 1);
    node *h1 = ip_device_new(fx->net, &d);
    network_add_node(fx->net, h1);
    node *h2 = make_host(fx, "H2", MAC_2, IP_2);
    fake_link(fx, &h1->ports[0], &h2->ports[0]);
    fake_build(fx);
    udp_socket *c, *srv;
    rx_info r = {0};
    assert_int_equal(udp_bind(ip_device_stack(h1), 68, on_datagram, NULL, &c), 0);
    assert_int_equal(udp_bind(ip_device_stack(h2), 67, on_info, &r, &srv), 0);
    assert_int_equal(udp_sendto_on(c, 0, 0, 0xffffffffu, 67, (const uint8_t *)"disc", 4), 0);
    assert_int_equal(udp_sendto_on(c, 7, 0, 0xffffffffu, 67, (const uint8_t *)"x", 1), -1);
    assert_int_equal(fake_run(fx), SIM_DONE);
    assert_int_equal(r.count, 1);
    assert_int_equal(r.iface, 0);
    assert_int_equal(r.dst, 0xffffffffu);
    /* On the wire: to ff:ff:ff:ff:ff:ff, 0.0.0.0:68 > 255.255.255.255:67, a
     * checksum over that pseudo-header, and no ARP before it. */
    const cap_event *w = cap_nth(&fx->cap, TRACE_WIRE, "H1", 0);
    assert_non_null(w);
    static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    assert_memory_equal(w->frame, bcast, 6);
    assert_int_equal(wire_get16(w->frame + 12), 0x0800);
    const uint8_t *ip = w->frame + ETH_HEADER_LEN;
    assert_int_equal(wire_get32(ip + 12), 0);
    assert_int_equal(wire_get32(ip + 16), 0xffffffffu);
    udp_header uh;
    assert_int_equal(udp_parse(ip + 20, 12, 0, 0xffffffffu, &uh), WIRE_OK);
    assert_int_equal(uh.src_port, 68);
    assert_int_equal(uh.dst_port, 67);
    /* Too long for a frame: refused and traced, like udp_sendto. */
    static uint8_t big[65494];
    assert_int_equal(udp_sendto_on(c, 0, 0, 0xffffffffu, 67, big, sizeof big), IP_ERR_MSGSIZE);
    assert_non_null(cap_find_why(&fx->cap, TRACE_DROP, "H1",
                                 "UDP datagram of 65494 bytes is too long (at most 65493: "
                                 "EMSGSIZE)"));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_bind_conflict, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_ephemeral_ports, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_send_receive, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_close_in_callback, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_port_unreachable, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_bad_checksum_dropped, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_write_state, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_ephemeral_range, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_sendto_on_broadcast, fake_setup, fake_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
