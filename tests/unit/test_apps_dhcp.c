/*
 * Unit tests of the DHCP programs (apps/dhcp_server, apps/dhcp_client).
 *
 * The pool on its own: the lowest free address, the same offer again for
 * the same MAC, a requested address when free, exhaustion, requests for the
 * offered or a free address (ACK) or someone else's (NAK), release.
 *
 * A whole exchange between two real hosts, C (no address) and S (10.0.0.1,
 * serving 10.0.0.100-10.0.0.101): Discover, Offer, Request, ACK, every one a
 * broadcast between 0.0.0.0:68 or 10.0.0.1:67 and 255.255.255.255 with the
 * broadcast flag; then C's interface, default route and resolver are
 * configured and its waiting programs run once. A client without a server
 * sends DISCOVER at 0, 4, 12 and 28 s and gives up at 60 s; its waiters run
 * then too. A static "dns" is not replaced by the server's.
 */
#include "fake_net.h"

#include "apps/dhcp_client.h"
#include "apps/dhcp_server.h"
#include "apps/netconf.h"
#include "wire/dhcp.h"
#include "wire/udp.h"

static const mac_addr MAC_C = {{0x02, 0x00, 0x00, 0x00, 0x00, 0x0c}};
static const mac_addr MAC_S = {{0x02, 0x00, 0x00, 0x00, 0x00, 0x05}};

static void test_pool(void **state) {
    (void)state;
    mac_addr a = MAC(2, 0, 0, 0, 0, 1), b = MAC(2, 0, 0, 0, 0, 2), c = MAC(2, 0, 0, 0, 0, 3);
    dhcp_pool *p = dhcp_pool_new(IP4(10, 0, 0, 100), IP4(10, 0, 0, 101));
    assert_int_equal(dhcp_pool_offer(p, a, 0), IP4(10, 0, 0, 100));
    assert_int_equal(dhcp_pool_offer(p, a, 0), IP4(10, 0, 0, 100)); /* the same again */
    assert_int_equal(dhcp_pool_lease_of(p, a), 0);                  /* offered, not leased */
    assert_int_equal(dhcp_pool_offer(p, b, 0), IP4(10, 0, 0, 101));
    assert_int_equal(dhcp_pool_offer(p, c, 0), 0);             /* exhausted */
    assert_false(dhcp_pool_request(p, a, IP4(10, 0, 0, 101))); /* b's offer: NAK */
    assert_true(dhcp_pool_request(p, a, IP4(10, 0, 0, 100)));
    assert_int_equal(dhcp_pool_lease_of(p, a), IP4(10, 0, 0, 100));
    dhcp_pool_release(p, b);
    assert_int_equal(dhcp_pool_offer(p, c, 0), IP4(10, 0, 0, 101)); /* b's address is free */
    dhcp_pool_release(p, a);
    dhcp_pool_release(p, a); /* twice is harmless */
    assert_int_equal(dhcp_pool_lease_of(p, a), 0);
    /* A free address in the pool may be requested directly (INIT-REBOOT). */
    assert_true(dhcp_pool_request(p, a, IP4(10, 0, 0, 100)));
    assert_false(dhcp_pool_request(p, b, IP4(10, 0, 0, 100)));
    assert_false(dhcp_pool_request(p, b, IP4(10, 0, 0, 50))); /* outside the pool */
    dhcp_pool_free(p);
    dhcp_pool_free(NULL);

    /* A requested address is honoured when free; else the lowest. */
    p = dhcp_pool_new(IP4(10, 0, 0, 100), IP4(10, 0, 0, 199));
    assert_int_equal(dhcp_pool_offer(p, a, IP4(10, 0, 0, 150)), IP4(10, 0, 0, 150));
    assert_int_equal(dhcp_pool_offer(p, b, IP4(10, 0, 0, 150)), IP4(10, 0, 0, 100));
    assert_int_equal(dhcp_pool_offer(p, c, IP4(10, 0, 0, 7)), IP4(10, 0, 0, 101));
    dhcp_pool_free(p);
}

typedef struct waiter {
    int runs;
    sim_time at;
    sim *sim;
} waiter;

static void on_settled(void *ctx) {
    waiter *w = ctx;
    w->runs++;
    w->at = sim_now(w->sim);
}

static node *make_host(fake_net *fx, const char *name, mac_addr mac, ipv4_addr ip) {
    model_iface ifc = fake_iface("eth0", mac, ip, 24);
    model_device d = fake_device(name, DEVICE_HOST, &ifc, 1);
    node *n = ip_device_new(fx->net, &d);
    network_add_node(fx->net, n);
    return n;
}

/* The DHCP messages on the wire, in order, as "type src:sport>dst:dport". */
static size_t wire_dhcp(const fake_net *fx, const char *device, dhcp_message *out, char lines[][80],
                        size_t max) {
    size_t n = 0;
    for (size_t i = 0; i < fx->cap.n && n < max; i++) {
        const cap_event *e = &fx->cap.ev[i];
        if (e->kind != TRACE_WIRE || !fake_streq(e->device, device) ||
            wire_get16(e->frame + 12) != 0x0800 || e->frame[ETH_HEADER_LEN + 9] != 17)
            continue;
        const uint8_t *ip = e->frame + ETH_HEADER_LEN;
        ipv4_addr src = wire_get32(ip + 12), dst = wire_get32(ip + 16);
        udp_header uh;
        assert_int_equal(udp_parse(ip + 20, wire_get16(ip + 2) - 20u, src, dst, &uh), WIRE_OK);
        assert_int_equal(dhcp_parse(ip + 28, uh.length - 8u, &out[n]), WIRE_OK);
        assert_true(mac_is_broadcast(
            mac_from_u64(((uint64_t)wire_get16(e->frame) << 32) | wire_get32(e->frame + 2))));
        char a[IPV4_TEXT_LEN], b[IPV4_TEXT_LEN];
        snprintf(lines[n], 80, "%s %s:%u>%s:%u", dhcp_message_type_name(out[n].message_type),
                 ipv4_format(src, a), uh.src_port, ipv4_format(dst, b), uh.dst_port);
        n++;
    }
    return n;
}

static void test_exchange(void **state) {
    fake_net *fx = *state;
    node *c = make_host(fx, "C", MAC_C, 0), *s = make_host(fx, "S", MAC_S, IP4(10, 0, 0, 1));
    fake_link(fx, &c->ports[0], &s->ports[0]);
    fake_build(fx);
    model_dhcp_server cfg = {.iface = 0,
                             .pool_lo = IP4(10, 0, 0, 100),
                             .pool_hi = IP4(10, 0, 0, 101),
                             .lease_s = 3600,
                             .router = IP4(10, 0, 0, 1),
                             .dns = {IP4(10, 0, 0, 53)},
                             .n_dns = 1};
    ip_device_add_app(s, dhcp_server_new(ip_device_stack(s), &cfg, 0), dhcp_server_free);
    netconf *nc = netconf_new(ip_device_stack(c), true, 0);
    ip_device_add_app(c, nc, netconf_free);
    ip_device_add_app(c, dhcp_client_new(nc, 0, 0), dhcp_client_free);
    waiter w = {.sim = fx->sim};
    netconf_when_settled(nc, on_settled, &w);
    assert_false(netconf_settled(nc));
    assert_int_equal(w.runs, 0);
    assert_int_equal(fake_run(fx), SIM_DONE);

    /* Configured: address, mask, default route, resolver. */
    ip_stack *st = ip_device_stack(c);
    assert_true(st->ifaces[0].has_ip);
    assert_int_equal(st->ifaces[0].ip, IP4(10, 0, 0, 100));
    assert_int_equal(st->ifaces[0].prefix_len, 24);
    bool default_route = false;
    for (uint32_t i = 0; i < st->n_routes; i++)
        default_route |= st->routes[i].prefix_len == 0 && st->routes[i].via == IP4(10, 0, 0, 1);
    assert_true(default_route);
    assert_true(netconf_settled(nc));
    assert_int_equal(netconf_dns(nc), IP4(10, 0, 0, 53));
    assert_int_equal(w.runs, 1);
    /* A waiter added now runs at once. */
    netconf_when_settled(nc, on_settled, &w);
    assert_int_equal(w.runs, 2);

    dhcp_message m[8];
    char lines[8][80];
    size_t nc_msgs = wire_dhcp(fx, "C", m, lines, 8);
    size_t ns_msgs = wire_dhcp(fx, "S", m + 2, lines + 2, 6);
    assert_int_equal(nc_msgs, 2);
    assert_int_equal(ns_msgs, 2);
    /* C's two, then S's two (sorted by sender, not time). */
    assert_string_equal(lines[0], "Discover 0.0.0.0:68>255.255.255.255:67");
    assert_string_equal(lines[1], "Request 0.0.0.0:68>255.255.255.255:67");
    assert_string_equal(lines[2], "Offer 10.0.0.1:67>255.255.255.255:68");
    assert_string_equal(lines[3], "ACK 10.0.0.1:67>255.255.255.255:68");
    for (int i = 0; i < 4; i++) {
        assert_true(m[i].broadcast);
        assert_int_equal(m[i].xid, m[0].xid);
        assert_true(mac_equal(m[i].chaddr, MAC_C));
    }
    assert_int_equal(m[1].requested_ip, IP4(10, 0, 0, 100));
    assert_int_equal(m[1].server_id, IP4(10, 0, 0, 1));
    assert_int_equal(m[3].yiaddr, IP4(10, 0, 0, 100));
    assert_int_equal(m[3].subnet_mask, IP4(255, 255, 255, 0));
    assert_int_equal(m[3].router, IP4(10, 0, 0, 1));
    assert_int_equal(m[3].lease_time, 3600);
    assert_int_equal(m[3].dns_count, 1);
    assert_int_equal(m[3].dns_servers[0], IP4(10, 0, 0, 53));

    /* What the programs printed. */
    static const char *const client[] = {
        "DHCPDISCOVER on eth0 to 255.255.255.255 port 67 interval 4",
        "DHCPOFFER of 10.0.0.100 from 10.0.0.1",
        "DHCPREQUEST for 10.0.0.100 on eth0 to 255.255.255.255 port 67",
        "DHCPACK of 10.0.0.100 from 10.0.0.1",
        "bound to 10.0.0.100 -- lease 3600 seconds.",
    };
    for (size_t i = 0; i < 5; i++)
        assert_text(cap_nth(&fx->cap, TRACE_APP, "C", i)->detail, client[i]);
    static const char *const server[] = {
        "DHCPDISCOVER(eth0) 02:00:00:00:00:0c",
        "DHCPOFFER(eth0) 10.0.0.100 02:00:00:00:00:0c",
        "DHCPREQUEST(eth0) 10.0.0.100 02:00:00:00:00:0c",
        "DHCPACK(eth0) 10.0.0.100 02:00:00:00:00:0c",
    };
    for (size_t i = 0; i < 4; i++)
        assert_text(cap_nth(&fx->cap, TRACE_APP, "S", i)->detail, server[i]);
    assert_non_null(cap_find_why(&fx->cap, TRACE_TABLE, "C", "address configured"));

    /* The lease tables: the server's offer then lease by MAC, the client's by interface. */
    const cap_event *offer =
        cap_find_why(&fx->cap, TRACE_TABLE, "S", "DHCPDISCOVER: address reserved for an offer");
    assert_non_null(offer);
    assert_int_equal(offer->table, TRACE_TABLE_DHCP);
    assert_text(offer->key, "02:00:00:00:00:0c");
    assert_text(offer->old_value, NULL);
    assert_text(offer->new_value, "10.0.0.100 offered");
    const cap_event *lease =
        cap_find_why(&fx->cap, TRACE_TABLE, "S", "DHCPREQUEST granted: address leased");
    assert_non_null(lease);
    assert_text(lease->old_value, "10.0.0.100 offered");
    char until[48];
    snprintf(until, sizeof until, "10.0.0.100 until %llu.%09llu",
             (unsigned long long)(lease->time / SIM_S + 3600),
             (unsigned long long)(lease->time % SIM_S));
    assert_text(lease->new_value, until);
    const cap_event *bound = cap_find_why(&fx->cap, TRACE_TABLE, "C", "DHCPACK: lease bound");
    assert_non_null(bound);
    assert_int_equal(bound->table, TRACE_TABLE_DHCP);
    assert_text(bound->key, "eth0");
    assert_text(bound->old_value, NULL);
}

static void test_no_server(void **state) {
    fake_net *fx = *state;
    node *c = make_host(fx, "C", MAC_C, 0), *s = make_host(fx, "S", MAC_S, IP4(10, 0, 0, 1));
    fake_link(fx, &c->ports[0], &s->ports[0]);
    fake_build(fx);
    netconf *nc = netconf_new(ip_device_stack(c), true, 0);
    ip_device_add_app(c, nc, netconf_free);
    ip_device_add_app(c, dhcp_client_new(nc, 0, 2 * SIM_S), dhcp_client_free);
    waiter w = {.sim = fx->sim};
    netconf_when_settled(nc, on_settled, &w);
    assert_int_equal(fake_run(fx), SIM_DONE);
    static const sim_time at[] = {2, 6, 14, 30};
    for (size_t i = 0; i < 4; i++) {
        const cap_event *e = cap_nth(&fx->cap, TRACE_APP, "C", i);
        assert_non_null(e);
        assert_int_equal(e->time, at[i] * SIM_S);
        char want[80];
        snprintf(want, sizeof want, "DHCPDISCOVER on eth0 to 255.255.255.255 port 67 interval %u",
                 4u << i);
        assert_text(e->detail, want);
    }
    const cap_event *e = cap_nth(&fx->cap, TRACE_APP, "C", 4);
    assert_text(e->detail, "No DHCPOFFERS received.");
    assert_int_equal(e->time, 62 * SIM_S);
    assert_int_equal(w.runs, 1);
    assert_int_equal(w.at, 62 * SIM_S);
    assert_false(ip_device_stack(c)->ifaces[0].has_ip);
    /* S has no server: it drops each broadcast (no ICMP about a broadcast). */
    assert_int_equal(cap_count_why(&fx->cap, TRACE_DROP, "S", "no socket on UDP port 67"), 4);
    assert_int_equal(cap_count(&fx->cap, TRACE_SEND, "S"), 0);
}

static void test_static_dns_kept(void **state) {
    (void)state;
    netconf *nc = netconf_new(NULL, true, IP4(192, 0, 2, 53));
    netconf_offer_dns(nc, IP4(10, 0, 0, 53));
    assert_int_equal(netconf_dns(nc), IP4(192, 0, 2, 53));
    netconf_free(nc);
    nc = netconf_new(NULL, true, 0);
    assert_int_equal(netconf_dns(nc), 0);
    netconf_offer_dns(nc, IP4(10, 0, 0, 53));
    assert_int_equal(netconf_dns(nc), IP4(10, 0, 0, 53));
    netconf_settle(nc);
    netconf_settle(nc); /* once only */
    assert_true(netconf_settled(nc));
    netconf_free(nc);
    netconf_free(NULL);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pool),
        cmocka_unit_test_setup_teardown(test_exchange, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_no_server, fake_setup, fake_teardown),
        cmocka_unit_test(test_static_dns_kept),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
