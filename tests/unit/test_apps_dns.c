/*
 * Unit tests of the DNS programs: the server's answers (apps/dns_server:
 * A records without regard to case, NXDOMAIN, NODATA, FORMERR, NOTIMP,
 * REFUSED, responses ignored) and the stub resolver (apps/resolver) against
 * it over a real link: an answer, NXDOMAIN, no DNS server on the host
 * (ICMP port unreachable: at once), a silent server (two attempts 5 s apart,
 * then "Temporary failure" at 10 s), an unreachable server, no server
 * configured; ping given a name (apps/launch): the query first, then
 * "PING name (address)", or getaddrinfo's message when it fails; and the
 * forwarder (a DNS server with an upstream, as dnsmasq on a home router):
 * its own records answered, other names asked upstream from a fresh port
 * under a fresh id, the answer (or NXDOMAIN) relayed with the client's id.
 */
#include "fake_net.h"

#include "apps/dns_server.h"
#include "apps/netconf.h"
#include "apps/ping.h"
#include "apps/resolver.h"

static const mac_addr MAC_C = {{0x02, 0x00, 0x00, 0x00, 0x00, 0x0c}};
static const mac_addr MAC_D = {{0x02, 0x00, 0x00, 0x00, 0x00, 0x0d}};
static const mac_addr MAC_F0 = {{0x02, 0x00, 0x00, 0x00, 0x00, 0xf0}};
static const mac_addr MAC_F1 = {{0x02, 0x00, 0x00, 0x00, 0x00, 0xf1}};
static const ipv4_addr IP_C = IP4(10, 0, 0, 10), IP_D = IP4(10, 0, 0, 53);

static model_dns_record RECORDS[] = {
    {.name = "www.example.com", .addr = IP4(93, 184, 216, 34)},
    {.name = "ns.lab", .addr = IP4(10, 0, 0, 53)},
};
static const model_dns_server ZONE = {.records = RECORDS, .n_records = 2, .ttl = 300};

static void test_answers(void **state) {
    (void)state;
    dns_message q, r;
    assert_int_equal(dns_query_init(&q, 0x1234, "WWW.Example.COM", DNS_TYPE_A), WIRE_OK);
    assert_true(dns_server_answer(&ZONE, &q, &r));
    assert_true(r.qr);
    assert_true(r.aa);
    assert_int_equal(r.id, 0x1234);
    assert_int_equal(r.rcode, DNS_RCODE_NOERROR);
    assert_int_equal(r.ancount, 1);
    assert_int_equal(r.answers[0].type, DNS_TYPE_A);
    assert_int_equal(r.answers[0].a, IP4(93, 184, 216, 34));
    assert_int_equal(r.answers[0].ttl, 300);
    assert_string_equal(r.answers[0].name, "WWW.Example.COM"); /* as asked */
    ipv4_addr a = 0;
    assert_true(dns_find_a(&r, &a));

    dns_query_init(&q, 1, "nosuch.example.com", DNS_TYPE_A);
    assert_true(dns_server_answer(&ZONE, &q, &r));
    assert_int_equal(r.rcode, DNS_RCODE_NXDOMAIN);
    assert_int_equal(r.ancount, 0);

    dns_query_init(&q, 2, "www.example.com", DNS_TYPE_AAAA); /* exists, no AAAA: NODATA */
    assert_true(dns_server_answer(&ZONE, &q, &r));
    assert_int_equal(r.rcode, DNS_RCODE_NOERROR);
    assert_int_equal(r.ancount, 0);

    dns_query_init(&q, 3, "ns.lab", DNS_TYPE_A);
    q.qdcount = 2;
    q.questions[1] = q.questions[0];
    assert_true(dns_server_answer(&ZONE, &q, &r));
    assert_int_equal(r.rcode, DNS_RCODE_FORMERR);

    dns_query_init(&q, 4, "ns.lab", DNS_TYPE_A);
    q.opcode = 2; /* STATUS */
    assert_true(dns_server_answer(&ZONE, &q, &r));
    assert_int_equal(r.rcode, DNS_RCODE_NOTIMP);

    dns_query_init(&q, 5, "ns.lab", DNS_TYPE_A);
    q.questions[0].qclass = 3; /* CHAOS */
    assert_true(dns_server_answer(&ZONE, &q, &r));
    assert_int_equal(r.rcode, DNS_RCODE_REFUSED);

    dns_query_init(&q, 6, "ns.lab", DNS_TYPE_A);
    q.qr = true; /* a response: no answer to it */
    assert_false(dns_server_answer(&ZONE, &q, &r));
}

static node *make_host(fake_net *fx, const char *name, mac_addr mac, ipv4_addr ip) {
    model_iface ifc = fake_iface("eth0", mac, ip, 24);
    model_device d = fake_device(name, DEVICE_HOST, &ifc, 1);
    node *n = ip_device_new(fx->net, &d);
    network_add_node(fx->net, n);
    return n;
}

typedef struct result {
    int calls;
    resolve_status status;
    ipv4_addr addr;
    sim_time at;
    sim *sim;
} result;

static void on_result(void *ctx, resolve_status status, ipv4_addr addr) {
    result *r = ctx;
    r->calls++;
    r->status = status;
    r->addr = addr;
    r->at = sim_now(r->sim);
}

/* C and D on one link; D runs the DNS server when `serve`. */
static void two_hosts(fake_net *fx, bool serve, node **c, node **d) {
    *c = make_host(fx, "C", MAC_C, IP_C);
    *d = make_host(fx, "D", MAC_D, IP_D);
    fake_link(fx, &(*c)->ports[0], &(*d)->ports[0]);
    fake_build(fx);
    if (serve)
        ip_device_add_app(*d, dns_server_new(ip_device_stack(*d), &ZONE, 0), dns_server_free);
}

static void test_resolve(void **state) {
    fake_net *fx = *state;
    node *c, *d;
    two_hosts(fx, true, &c, &d);
    resolver *r = resolver_new(ip_device_stack(c));
    result res = {.sim = fx->sim};
    fake_run(fx); /* the server binds */
    resolver_lookup(r, IP_D, "www.EXAMPLE.com", on_result, &res);
    assert_int_equal(fake_run(fx), SIM_DONE);
    assert_int_equal(res.calls, 1);
    assert_int_equal(res.status, RESOLVE_OK);
    assert_int_equal(res.addr, IP4(93, 184, 216, 34));
    assert_text(cap_nth(&fx->cap, TRACE_APP, "D", 0)->detail,
                "query[A] www.EXAMPLE.com from 10.0.0.10");
    assert_text(cap_nth(&fx->cap, TRACE_APP, "D", 1)->detail,
                "config www.EXAMPLE.com is 93.184.216.34");

    resolver_lookup(r, IP_D, "nosuch.example.com", on_result, &res);
    assert_int_equal(fake_run(fx), SIM_DONE);
    assert_int_equal(res.calls, 2);
    assert_int_equal(res.status, RESOLVE_NONAME);
    assert_string_equal(resolve_strerror(res.status), "Name or service not known");
    assert_text(cap_nth(&fx->cap, TRACE_APP, "D", 3)->detail,
                "config nosuch.example.com is NXDOMAIN");
    resolver_free(r);
}

static void test_no_server_process(void **state) {
    fake_net *fx = *state;
    node *c, *d;
    two_hosts(fx, false, &c, &d);
    resolver *r = resolver_new(ip_device_stack(c));
    result res = {.sim = fx->sim};
    resolver_lookup(r, IP_D, "www.example.com", on_result, &res);
    assert_int_equal(fake_run(fx), SIM_DONE);
    /* ICMP port unreachable ends it at once, no second attempt. */
    assert_int_equal(res.calls, 1);
    assert_int_equal(res.status, RESOLVE_AGAIN);
    assert_true(res.at < SIM_MS);
    assert_string_equal(resolve_strerror(res.status), "Temporary failure in name resolution");
    assert_int_equal(cap_count_why(&fx->cap, TRACE_DROP, "D", "no socket on UDP port 53"), 1);
    resolver_free(r);
}

static void test_silent_server(void **state) {
    fake_net *fx = *state;
    node *c = make_host(fx, "C", MAC_C, IP_C);
    fake_node *d = fake_node_new(fx, "D", 1, MAC_D);
    d->ip[0] = IP_D;
    d->answer_arp = true; /* answers ARP, swallows everything else */
    fake_link(fx, &c->ports[0], fake_port(d, 0));
    fake_build(fx);
    resolver *r = resolver_new(ip_device_stack(c));
    result res = {.sim = fx->sim};
    resolver_lookup(r, IP_D, "www.example.com", on_result, &res);
    assert_int_equal(fake_run(fx), SIM_DONE);
    assert_int_equal(res.calls, 1);
    assert_int_equal(res.status, RESOLVE_AGAIN);
    assert_int_equal(res.at, 10 * SIM_S); /* attempts:2 timeout:5 */
    assert_int_equal(fake_rx_count(d, 0x0800), 2);
    assert_true(fake_rx_nth(d, 0x0800, 1)->time > 5 * SIM_S);
    /* No server configured: fails at once, without a packet. */
    resolver_lookup(r, 0, "www.example.com", on_result, &res);
    assert_int_equal(res.calls, 2);
    assert_int_equal(res.status, RESOLVE_AGAIN);
    resolver_free(r);
}

static void test_unreachable_server(void **state) {
    fake_net *fx = *state;
    node *c, *d;
    two_hosts(fx, true, &c, &d);
    resolver *r = resolver_new(ip_device_stack(c));
    result res = {.sim = fx->sim};
    /* 10.0.0.99 is on the link but nobody answers its ARP: host unreachable. */
    resolver_lookup(r, IP4(10, 0, 0, 99), "www.example.com", on_result, &res);
    assert_int_equal(fake_run(fx), SIM_DONE);
    assert_int_equal(res.calls, 1);
    assert_int_equal(res.status, RESOLVE_AGAIN);
    assert_true(res.at < 5 * SIM_S); /* the ARP failure, not the timer, ended it */
    resolver_free(r);
}

static void test_ping_by_name(void **state) {
    fake_net *fx = *state;
    node *c, *d;
    two_hosts(fx, true, &c, &d);
    netconf *nc = netconf_new(ip_device_stack(c), false, IP_D);
    ip_device_add_app(c, nc, netconf_free);
    model_ping ok = {.to_name = "ns.lab",
                     .count = 1,
                     .interval_ns = SIM_S,
                     .size = 56,
                     .timeout_ns = SIM_S,
                     .ttl = 64};
    model_ping bad = ok;
    bad.to_name = "nosuch.lab";
    ip_device_add_app(c, ping_new_on(ip_device_stack(c), nc, &ok, SIM_S), ping_free_app);
    ip_device_add_app(c, ping_new_on(ip_device_stack(c), nc, &bad, 3 * SIM_S), ping_free_app);
    assert_int_equal(fake_run(fx), SIM_DONE);
    /* The resolver's answer, a fact with no line, then ping's first line. */
    const cap_event *e = cap_nth(&fx->cap, TRACE_APP, "C", 0);
    assert_null(e->detail);
    assert_text(e->result,
                "program=dns event=answer name=ns.lab address=10.0.0.53 server=10.0.0.53");
    e = cap_nth(&fx->cap, TRACE_APP, "C", 1);
    assert_text(e->detail, "PING ns.lab (10.0.0.53) 56(84) bytes of data.");
    assert_true(e->time > SIM_S); /* after the answer came */
    assert_non_null(cap_find_result(&fx->cap, "C",
                                    "program=dns event=failed name=nosuch.lab "
                                    "error=no_such_name server=10.0.0.53"));
    assert_non_null(cap_find_result(&fx->cap, "C",
                                    "program=ping event=statistics to=10.0.0.53 name=ns.lab "
                                    "transmitted=1 received=1 errors=0 duplicates=0"));
    assert_non_null(cap_find_detail(&fx->cap, TRACE_APP, "C", "--- ns.lab ping statistics ---"));
    assert_non_null(
        cap_find_detail(&fx->cap, TRACE_APP, "C", "ping: nosuch.lab: Name or service not known"));
    /* The failed name sent no echo request: one reply only. */
    assert_int_equal(cap_count_why(&fx->cap, TRACE_DELIVER, "C", "echo reply for ping"), 1);
}

/* C -- F (a router running a forwarder: one record of its own, the rest
 * asked at U) -- U (the upstream server with ZONE). */
static void test_forwarder(void **state) {
    fake_net *fx = *state;
    static model_dns_record local[] = {{.name = "router.lan", .addr = IP4(10, 0, 0, 1)}};
    static model_dns_server fwd = {.records = local,
                                   .n_records = 1,
                                   .ttl = 0,
                                   .has_upstream = true,
                                   .upstream = IP4(10, 0, 1, 53)};
    node *c = make_host(fx, "C", MAC_C, IP_C);
    model_iface fi[2] = {fake_iface("eth0", MAC_F0, IP4(10, 0, 0, 1), 24),
                         fake_iface("eth1", MAC_F1, IP4(10, 0, 1, 1), 24)};
    model_device fd = fake_device("F", DEVICE_ROUTER, fi, 2);
    node *f = ip_device_new(fx->net, &fd);
    network_add_node(fx->net, f);
    node *u = make_host(fx, "U", MAC_D, IP4(10, 0, 1, 53));
    fake_link(fx, &c->ports[0], &f->ports[0]);
    fake_link(fx, &f->ports[1], &u->ports[0]);
    fake_build(fx);
    ip_device_add_app(f, dns_server_new(ip_device_stack(f), &fwd, 0), dns_server_free);
    ip_device_add_app(u, dns_server_new(ip_device_stack(u), &ZONE, 0), dns_server_free);
    resolver *r = resolver_new(ip_device_stack(c));
    result res = {.sim = fx->sim};
    fake_run(fx); /* the servers bind */

    resolver_lookup(r, IP4(10, 0, 0, 1), "www.example.com", on_result, &res);
    assert_int_equal(fake_run(fx), SIM_DONE);
    assert_int_equal(res.calls, 1);
    assert_int_equal(res.status, RESOLVE_OK);
    assert_int_equal(res.addr, IP4(93, 184, 216, 34));
    assert_text(cap_nth(&fx->cap, TRACE_APP, "F", 0)->detail,
                "query[A] www.example.com from 10.0.0.10");
    assert_text(cap_nth(&fx->cap, TRACE_APP, "F", 1)->detail,
                "forwarded www.example.com to 10.0.1.53");
    assert_text(cap_nth(&fx->cap, TRACE_APP, "U", 0)->detail,
                "query[A] www.example.com from 10.0.1.1");
    assert_text(cap_nth(&fx->cap, TRACE_APP, "F", 2)->detail,
                "reply www.example.com is 93.184.216.34");
    /* Upstream, the query has its own id and port; the client got its own
     * id back from port 53 (else its resolver had ignored the answer). */
    const cap_event *asked = cap_find_why(&fx->cap, TRACE_DELIVER, "U", "datagram for UDP port 53");
    const cap_event *first = cap_find_why(&fx->cap, TRACE_DELIVER, "F", "datagram for UDP port 53");
    assert_non_null(asked);
    assert_non_null(first);
    const size_t dns_at = ETH_HEADER_LEN + IPV4_HEADER_LEN + 8;
    assert_int_not_equal(wire_get16(asked->frame + dns_at), wire_get16(first->frame + dns_at));
    assert_int_not_equal(wire_get16(asked->frame + ETH_HEADER_LEN + IPV4_HEADER_LEN),
                         wire_get16(first->frame + ETH_HEADER_LEN + IPV4_HEADER_LEN));
    assert_int_equal(wire_get16(asked->frame + ETH_HEADER_LEN + IPV4_HEADER_LEN + 2), 53);

    /* Its own record: answered at once, nothing asked upstream. */
    resolver_lookup(r, IP4(10, 0, 0, 1), "router.lan", on_result, &res);
    assert_int_equal(fake_run(fx), SIM_DONE);
    assert_int_equal(res.status, RESOLVE_OK);
    assert_int_equal(res.addr, IP4(10, 0, 0, 1));
    assert_int_equal(cap_count(&fx->cap, TRACE_APP, "U"), 2);

    /* NXDOMAIN upstream: relayed as it came. */
    resolver_lookup(r, IP4(10, 0, 0, 1), "nosuch.example.com", on_result, &res);
    assert_int_equal(fake_run(fx), SIM_DONE);
    assert_int_equal(res.calls, 3);
    assert_int_equal(res.status, RESOLVE_NONAME);
    assert_non_null(
        cap_find_detail(&fx->cap, TRACE_APP, "F", "reply nosuch.example.com is NXDOMAIN"));
    resolver_free(r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_answers),
        cmocka_unit_test_setup_teardown(test_resolve, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_no_server_process, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_silent_server, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_unreachable_server, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_ping_by_name, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_forwarder, fake_setup, fake_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
