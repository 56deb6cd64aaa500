/*
 * test_loader: the topology loader against in-memory JSON. Valid inputs are
 * checked field by field (every default applied, port and endpoint
 * resolution, action order); invalid inputs by their whole message. Every
 * model is freed, so a sanitizer build also checks that no path leaks.
 */
#define _POSIX_C_SOURCE 200809L /* mkstemp, fdopen */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "model/topology.h"
#include "reader/reader.h"
#include "util/alloc.h"
#include "wire/addr.h"

static model_topology *load_ok(const char *json) {
    model_topology *t = NULL;
    ns_error err = {0};
    int rc = loader_load_string(json, strlen(json), "test.json", &t, &err);
    if (rc != 0)
        fail_msg("unexpected error: %s", err.message);
    assert_non_null(t);
    return t;
}

/* Loads `json` as "t.json", expects NS_ERR_INPUT and returns the message. */
static const char *load_err(const char *json, ns_error *err) {
    model_topology *t = (model_topology *)(uintptr_t)1; /* must stay untouched */
    int rc = loader_load_string(json, strlen(json), "t.json", &t, err);
    assert_int_equal(rc, NS_ERR_INPUT);
    assert_int_equal(err->code, NS_ERR_INPUT);
    assert_ptr_equal(t, (model_topology *)(uintptr_t)1);
    return err->message;
}

static void assert_mac(mac_addr m, const char *text) {
    char buf[MAC_TEXT_LEN];
    assert_string_equal(mac_format(m, buf), text);
}

static void assert_ip(ipv4_addr a, const char *text) {
    char buf[IPV4_TEXT_LEN];
    assert_string_equal(ipv4_format(a, buf), text);
}

static const model_iface *iface_of(const model_topology *t, model_endpoint e) {
    assert_true(e.device < t->n_devices);
    assert_true(e.iface < t->devices[e.device].n_ifaces);
    return &t->devices[e.device].ifaces[e.iface];
}

/* "A.eth0" for an endpoint. */
static const char *endpoint_text(const model_topology *t, model_endpoint e, char *buf, size_t cap) {
    snprintf(buf, cap, "%s.%s", t->devices[e.device].name, iface_of(t, e)->name);
    return buf;
}

static void assert_link(const model_topology *t, size_t k, const char *a, const char *b) {
    char x[128], y[128];
    assert_true(k < t->n_links);
    assert_string_equal(endpoint_text(t, t->links[k].a, x, sizeof x), a);
    assert_string_equal(endpoint_text(t, t->links[k].b, y, sizeof y), b);
}

static void test_defaults(void **state) {
    (void)state;
    const char *json = "{\"devices\": {\n"
                       "  \"A\": {\"type\": \"host\", \"ip\": \"10.0.0.1/24\"},\n"
                       "  \"sw1\": {\"type\": \"switch\", \"ports\": 2},\n"
                       "  \"B\": {\"type\": \"host\"}\n"
                       "}, \"links\": [[\"A\", \"sw1\"], [\"sw1\", \"B\"]]}";
    model_topology *t = NULL;
    ns_error err = {0};
    assert_int_equal(loader_load_string(json, strlen(json), "dir/two-hosts.json", &t, &err), 0);
    assert_string_equal(t->source, "dir/two-hosts.json");
    assert_string_equal(t->name, "two-hosts");
    assert_null(t->description);
    assert_int_equal(t->n_devices, 3);
    assert_int_equal(t->n_actions, 0);
    assert_null(t->actions);

    const model_device *a = &t->devices[0];
    assert_string_equal(a->name, "A");
    assert_int_equal(a->type, DEVICE_HOST);
    assert_int_equal(a->n_ifaces, 1);
    assert_string_equal(a->ifaces[0].name, "eth0");
    assert_mac(a->ifaces[0].mac, "02:00:00:01:00:01");
    assert_true(a->ifaces[0].has_ip);
    assert_ip(a->ifaces[0].ip, "10.0.0.1");
    assert_int_equal(a->ifaces[0].prefix_len, 24);
    assert_false(a->has_gateway);
    assert_int_equal(a->n_routes, 0);
    assert_int_equal(a->ttl, 64);
    assert_int_equal(a->arp_timeout_ns, 30000000000ull); /* base_reachable_time */
    assert_int_equal(a->arp_retry_ns, 1000000000ull);
    assert_int_equal(a->arp_retries, 3);
    assert_int_equal(a->arp_queue, 3);
    assert_int_equal(a->mac_aging_ns, 0);

    const model_device *sw = &t->devices[1];
    assert_int_equal(sw->type, DEVICE_SWITCH);
    assert_int_equal(sw->mac_aging_ns, 300000000000ull);
    assert_int_equal(sw->n_ifaces, 2);
    assert_string_equal(sw->ifaces[0].name, "p1");
    assert_string_equal(sw->ifaces[1].name, "p2");
    assert_mac(sw->ifaces[1].mac, "02:00:00:02:00:02");
    assert_false(sw->ifaces[0].has_ip);

    const model_device *b = &t->devices[2]; /* a host without any address */
    assert_int_equal(b->n_ifaces, 1);
    assert_string_equal(b->ifaces[0].name, "eth0");
    assert_false(b->ifaces[0].has_ip);
    assert_mac(b->ifaces[0].mac, "02:00:00:03:00:01");

    assert_int_equal(t->n_links, 2);
    assert_link(t, 0, "A.eth0", "sw1.p1");
    assert_link(t, 1, "sw1.p2", "B.eth0");
    for (size_t k = 0; k < 2; k++) {
        assert_int_equal(t->links[k].delay_ns, 1000);
        assert_int_equal(t->links[k].bandwidth_bps, 100000000);
        assert_int_equal(t->links[k].queue_frames, 100);
    }
    model_free(t);
}

/* The example of docs/topology-format.md, every field given. */
static void test_full_example(void **state) {
    (void)state;
    const char *json =
        "{\n"
        "  \"name\": \"switch\",\n"
        "  \"description\": \"A pings B\",\n"
        "  \"devices\": {\n"
        "    \"A\": {\"type\": \"host\", \"ip\": \"10.0.0.1/24\", \"gateway\": \"10.0.0.254\",\n"
        "          \"mac\": \"02:aa:00:00:00:01\", \"ttl\": 32, \"arp_timeout\": \"30s\",\n"
        "          \"arp_retry\": \"500ms\", \"arp_retries\": 5, \"arp_queue\": 0},\n"
        "    \"B\": {\"type\": \"host\", \"interfaces\": {\"eth0\": {\"ip\": \"10.0.0.2/24\"}}},\n"
        "    \"sw1\": {\"type\": \"switch\", \"ports\": 4, \"mac_aging\": \"10s\"},\n"
        "    \"hub1\": {\"type\": \"hub\", \"ports\": 3},\n"
        "    \"r1\": {\"type\": \"router\",\n"
        "           \"interfaces\": {\"eth0\": {\"ip\": \"10.0.0.254/24\"},\n"
        "                          \"eth1\": {\"ip\": \"10.0.2.1/24\", \"mac\": "
        "\"02:bb:00:00:00:02\"}},\n"
        "           \"routes\": [{\"to\": \"10.0.3.0/24\", \"via\": \"10.0.2.2\"},\n"
        "                      {\"to\": \"0.0.0.0/0\", \"via\": \"10.0.2.254\", \"interface\": "
        "\"eth1\", \"metric\": 10},\n"
        "                      {\"to\": \"10.0.4.0/24\", \"interface\": \"eth0\"}]}\n"
        "  },\n"
        "  \"links\": [[\"A\", \"sw1\"], [\"B\", \"sw1.p2\"],\n"
        "            {\"ends\": [\"sw1\", \"r1.eth0\"], \"delay\": \"5us\", \"bandwidth\": "
        "\"1Gbps\", \"queue\": 50}],\n"
        "  \"script\": [{\"at\": \"0ms\", \"on\": \"A\", \"do\": \"ping\", \"to\": \"10.0.0.2\", "
        "\"count\": 2,\n"
        "              \"interval\": \"2s\", \"size\": 100, \"timeout\": \"5s\", \"ttl\": 7}]\n"
        "}\n";
    model_topology *t = load_ok(json);
    assert_string_equal(t->name, "switch");
    assert_string_equal(t->description, "A pings B");

    const model_device *a = &t->devices[0];
    assert_mac(a->ifaces[0].mac, "02:aa:00:00:00:01");
    assert_true(a->has_gateway);
    assert_ip(a->gateway, "10.0.0.254");
    assert_int_equal(a->ttl, 32);
    assert_int_equal(a->arp_timeout_ns, 30000000000ull);
    assert_int_equal(a->arp_retry_ns, 500000000ull);
    assert_int_equal(a->arp_retries, 5);
    assert_int_equal(a->arp_queue, 0);

    assert_mac(t->devices[1].ifaces[0].mac, "02:00:00:02:00:01");
    assert_int_equal(t->devices[2].mac_aging_ns, 10000000000ull);
    assert_int_equal(t->devices[3].type, DEVICE_HUB);
    assert_int_equal(t->devices[3].n_ifaces, 3);
    assert_int_equal(t->devices[3].mac_aging_ns, 0);

    const model_device *r = &t->devices[4];
    assert_int_equal(r->type, DEVICE_ROUTER);
    assert_int_equal(r->n_ifaces, 2);
    assert_mac(r->ifaces[0].mac, "02:00:00:05:00:01");
    assert_mac(r->ifaces[1].mac, "02:bb:00:00:00:02");
    assert_int_equal(r->ttl, 64);
    assert_int_equal(r->n_routes, 3);
    assert_ip(r->routes[0].dst, "10.0.3.0");
    assert_int_equal(r->routes[0].prefix_len, 24);
    assert_true(r->routes[0].has_via);
    assert_ip(r->routes[0].via, "10.0.2.2");
    assert_int_equal(r->routes[0].iface, -1);
    assert_int_equal(r->routes[0].metric, 0);
    assert_ip(r->routes[1].dst, "0.0.0.0");
    assert_int_equal(r->routes[1].prefix_len, 0);
    assert_int_equal(r->routes[1].iface, 1);
    assert_int_equal(r->routes[1].metric, 10);
    assert_false(r->routes[2].has_via);
    assert_int_equal(r->routes[2].iface, 0);

    assert_link(t, 0, "A.eth0", "sw1.p1");
    assert_link(t, 1, "B.eth0", "sw1.p2");
    assert_link(t, 2, "sw1.p3", "r1.eth0");
    assert_int_equal(t->links[2].delay_ns, 5000);
    assert_int_equal(t->links[2].bandwidth_bps, 1000000000ull);
    assert_int_equal(t->links[2].queue_frames, 50);

    assert_int_equal(t->n_actions, 1);
    const model_action *act = &t->actions[0];
    assert_int_equal(act->at_ns, 0);
    assert_int_equal(act->device, 0);
    assert_int_equal(act->kind, ACTION_PING);
    assert_ip(act->u.ping.to, "10.0.0.2");
    assert_int_equal(act->u.ping.count, 2);
    assert_int_equal(act->u.ping.interval_ns, 2000000000ull);
    assert_int_equal(act->u.ping.size, 100);
    assert_int_equal(act->u.ping.timeout_ns, 5000000000ull);
    assert_int_equal(act->u.ping.ttl, 7);
    model_free(t);
}

/* Named ports are claimed first; bare names then take the lowest free port
 * in file order. Without "ports", one port per link end naming the device. */
static void test_port_assignment(void **state) {
    (void)state;
    const char *json =
        "{\"devices\": {\"A\": {\"type\": \"host\"}, \"B\": {\"type\": \"host\"},\n"
        "  \"C\": {\"type\": \"host\"}, \"D\": {\"type\": \"host\"},\n"
        "  \"sw1\": {\"type\": \"switch\"}, \"hub1\": {\"type\": \"hub\", \"ports\": "
        "5}},\n"
        " \"links\": [[\"A\", \"sw1\"], [\"sw1.p1\", \"B\"], [\"C\", \"sw1\"],\n"
        "           [\"hub1\", \"sw1\"], [\"hub1.p2\", \"D\"]]}";
    model_topology *t = load_ok(json);
    assert_int_equal(t->devices[4].n_ifaces, 4); /* sw1: four link ends */
    assert_int_equal(t->devices[5].n_ifaces, 5);
    assert_link(t, 0, "A.eth0", "sw1.p2");
    assert_link(t, 1, "sw1.p1", "B.eth0");
    assert_link(t, 2, "C.eth0", "sw1.p3");
    assert_link(t, 3, "hub1.p1", "sw1.p4");
    assert_link(t, 4, "hub1.p2", "D.eth0");
    assert_mac(t->devices[4].ifaces[3].mac, "02:00:00:05:00:04");
    model_free(t);
}

/* The whole string is tried as a device name first, then split at the last
 * '.'; interface and port names are exact. */
static void test_endpoint_names(void **state) {
    (void)state;
    const char *json =
        "{\"devices\": {\n"
        "  \"my.pc\": {\"type\": \"host\", \"ip\": \"10.0.0.1/24\"},\n"
        "  \"lab pc-2\": {\"type\": \"host\", \"ip\": \"10.0.0.2/24\"},\n"
        "  \"r.1\": {\"type\": \"router\", \"interfaces\": {\"eth0\": {}, \"eth1\": "
        "{}}},\n"
        "  \"sw\": {\"type\": \"switch\", \"ports\": 12}\n"
        "}, \"links\": [[\"my.pc\", \"sw.p10\"], [\"lab pc-2.eth0\", \"r.1.eth1\"],\n"
        "              [\"r.1.eth0\", \"sw\"]]}";
    model_topology *t = load_ok(json);
    assert_link(t, 0, "my.pc.eth0", "sw.p10");
    assert_link(t, 1, "lab pc-2.eth0", "r.1.eth1");
    assert_link(t, 2, "r.1.eth0", "sw.p1");
    assert_false(t->devices[2].ifaces[0].has_ip);
    model_free(t);
}

/* Actions are sorted by time, ties kept in file order. */
static void test_action_order(void **state) {
    (void)state;
    const char *json =
        "{\"devices\": {\"A\": {\"type\": \"host\", \"ip\": \"10.0.0.1/24\", \"ttl\": 99},\n"
        "  \"B\": {\"type\": \"host\", \"ip\": \"10.0.0.2/24\"}},\n"
        " \"links\": [[\"A\", \"B\"]],\n"
        " \"script\": [\n"
        "  {\"at\": \"2s\", \"on\": \"A\", \"do\": \"ping\", \"to\": \"10.0.0.1\"},\n"
        "  {\"at\": \"0ms\", \"on\": \"B\", \"do\": \"ping\", \"to\": \"10.0.0.2\"},\n"
        "  {\"at\": \"1s\", \"on\": \"A\", \"do\": \"ping\", \"to\": \"10.0.0.3\"},\n"
        "  {\"at\": \"0ns\", \"on\": \"A\", \"do\": \"ping\", \"to\": \"10.0.0.4\"},\n"
        "  {\"at\": \"1000ms\", \"on\": \"B\", \"do\": \"ping\", \"to\": \"10.0.0.5\"}]}";
    model_topology *t = load_ok(json);
    static const char *const order[] = {"10.0.0.2", "10.0.0.4", "10.0.0.3", "10.0.0.5", "10.0.0.1"};
    assert_int_equal(t->n_actions, 5);
    for (size_t i = 0; i < 5; i++)
        assert_ip(t->actions[i].u.ping.to, order[i]);
    assert_int_equal(t->actions[2].at_ns, 1000000000ull);
    /* Defaults, ttl from the device. */
    const model_ping *p = &t->actions[1].u.ping;
    assert_int_equal(t->actions[1].device, 0);
    assert_int_equal(p->count, 1);
    assert_int_equal(p->interval_ns, 1000000000ull);
    assert_int_equal(p->size, 56);
    assert_int_equal(p->timeout_ns, 10000000000ull);
    assert_int_equal(p->ttl, 99);
    assert_int_equal(t->actions[0].u.ping.ttl, 64);
    model_free(t);
}

typedef struct error_case {
    const char *json;
    const char *message;
} error_case;

static const error_case error_cases[] = {
    {"{\"devices\": {\"A\": {\"type\": \"host\", \"gatway\": \"10.0.0.1\"}}}",
     "t.json:1:36: devices.A: unknown key \"gatway\"; did you mean \"gateway\"?"},
    {"{\"devices\": {\"sw1\": {\"type\": \"switch\", \"ports\": \"four\"}}}",
     "t.json:1:49: devices.sw1.ports: \"four\" is a string; expected an integer from 1 to 65535"},
    {"{\"devices\": {\"sw1\": {\"type\": \"hub\", \"ports\": 4.5}}}",
     "t.json:1:46: devices.sw1.ports: 4.5 is not an integer; expected an integer from 1 to 65535"},
    {"{\"devices\": {\"sw1\": {\"type\": \"hub\", \"ports\": 1e6}}}",
     "t.json:1:46: devices.sw1.ports: 1e6 is out of range; expected an integer from 1 to 65535"},
    {"{\"devices\": {\"A\": {\"type\": \"host\", \"ip\": \"10.0.0.300/24\"}}}",
     "t.json:1:42: devices.A.ip: \"10.0.0.300/24\" is not an IPv4 address with a prefix length "
     "(300 is more than 255); "
     "expected \"a.b.c.d/len\" or \"a.b.c.d/netmask\", e.g. \"10.0.0.1/24\" or "
     "\"10.0.0.1/255.255.255.0\""},
    {"{\"devices\": {\"A\": {\"type\": \"host\", \"ip\": \"192.168.01.10/24\"}}}",
     "t.json:1:42: devices.A.ip: \"192.168.01.10/24\" is not an IPv4 address with a prefix length "
     "(01 has a leading zero); "
     "expected \"a.b.c.d/len\" or \"a.b.c.d/netmask\", e.g. \"10.0.0.1/24\" or "
     "\"10.0.0.1/255.255.255.0\""},
    {"{\"devices\": {\"A\": {\"type\": \"host\", \"ip\": \"10.0.0.1/24 \"}}}",
     "t.json:1:42: devices.A.ip: \"10.0.0.1/24 \" is not an IPv4 address with a prefix length (a "
     "space at the start or end); "
     "expected \"a.b.c.d/len\" or \"a.b.c.d/netmask\", e.g. \"10.0.0.1/24\" or "
     "\"10.0.0.1/255.255.255.0\""},
    {"{\"devices\": {\"A\": {\"type\": \"host\", \"ip\": \"10..0.1/24\"}}}",
     "t.json:1:42: devices.A.ip: \"10..0.1/24\" is not an IPv4 address with a prefix length (an "
     "empty number between dots); "
     "expected \"a.b.c.d/len\" or \"a.b.c.d/netmask\", e.g. \"10.0.0.1/24\" or "
     "\"10.0.0.1/255.255.255.0\""},
    {"{\"devices\": {\"A\": {\"type\": \"host\", \"ip\": \"10.0.0.1.5/24\"}}}",
     "t.json:1:42: devices.A.ip: \"10.0.0.1.5/24\" is not an IPv4 address with a prefix length (5 "
     "numbers, not 4); "
     "expected \"a.b.c.d/len\" or \"a.b.c.d/netmask\", e.g. \"10.0.0.1/24\" or "
     "\"10.0.0.1/255.255.255.0\""},
    {"{\"devices\": {\"A\": {\"type\": \"host\", \"ip\": \"10.0.0.1/\"}}}",
     "t.json:1:42: devices.A.ip: \"10.0.0.1/\" is not an IPv4 address with a prefix length "
     "(nothing after '/'); "
     "expected \"a.b.c.d/len\" or \"a.b.c.d/netmask\", e.g. \"10.0.0.1/24\" or "
     "\"10.0.0.1/255.255.255.0\""},
    {"{\"devices\": {\"A\": {\"type\": \"host\", \"ip\": \"10.0.0.1/024\"}}}",
     "t.json:1:42: devices.A.ip: \"10.0.0.1/024\" is not an IPv4 address with a prefix length "
     "(prefix length 024 has a leading zero); "
     "expected \"a.b.c.d/len\" or \"a.b.c.d/netmask\", e.g. \"10.0.0.1/24\" or "
     "\"10.0.0.1/255.255.255.0\""},
    {"{\"devices\": {\"A\": {\"type\": \"host\", \"ip\": \"10.0.0.1/33\"}}}",
     "t.json:1:42: devices.A.ip: \"10.0.0.1/33\" is not an IPv4 address with a prefix length "
     "(prefix length 33 is more than 32); "
     "expected \"a.b.c.d/len\" or \"a.b.c.d/netmask\", e.g. \"10.0.0.1/24\" or "
     "\"10.0.0.1/255.255.255.0\""},
    {"{\"devices\": {\"A\": {\"type\": \"host\", \"ip\": \"abc/24\"}}}",
     "t.json:1:42: devices.A.ip: \"abc/24\" is not an IPv4 address with a prefix length; "
     "expected \"a.b.c.d/len\" or \"a.b.c.d/netmask\", e.g. \"10.0.0.1/24\" or "
     "\"10.0.0.1/255.255.255.0\""},
    {"{\"devices\": {\"A\": {\"type\": \"host\", \"ip\": \"10.1.0.10\", \"netmask\": "
     "\"255.0.255.0\"}}}",
     "t.json:1:66: devices.A.netmask: \"255.0.255.0\" is not a netmask: its 1 bits must come "
     "first; expected e.g. \"255.255.255.0\" (/24)"},
    {"{\"devices\": {\"A\": {\"type\": \"host\", \"ip\": \"10.1.0.10/24\", \"gateway\": "
     "\"10.1.0.255\"}}}",
     "t.json:1:69: devices.A.gateway: \"10.1.0.255\" is the broadcast address of 10.1.0.0/24, "
     "not a router's (Linux: \"Nexthop has invalid gateway\"); expected a gateway from 10.1.0.1 "
     "to 10.1.0.254"},
    {"{\"devices\": {\"my.pc\": {\"type\": \"host\", \"mac\": \"ff:ff:ff:ff:ff:ff\"}}}",
     "t.json:1:47: devices[\"my.pc\"].mac: \"ff:ff:ff:ff:ff:ff\" is a group (multicast) address; "
     "expected a unicast MAC, whose first byte is even, e.g. \"02:00:00:00:00:01\""},
    {"{\"devices\": {\"A\": {\"type\": \"host\"}, \"B\": {\"type\": \"host\"}, \"B\": {}}}",
     "t.json:1:60: devices: duplicate key \"B\" (first at 1:37); expected each key once"},
    {"{\"devices\": {\"r1\": {\"type\": \"router\", \"interfaces\": {\"eth0\": {\"ip\": "
     "\"10.0.1.1/24\"}},\n"
     "  \"routes\": [{\"to\": \"10.0.3.1/24\", \"via\": \"10.0.1.2\"}]}}}",
     "t.json:2:21: devices.r1.routes[0].to: \"10.0.3.1/24\" has host bits set; expected the "
     "network "
     "address \"10.0.3.0/24\""},
    {"{\"devices\": {\"A\": {\"type\": \"host\", \"ip\": \"10.0.0.1/24\"},\n"
     " \"r1\": {\"type\": \"router\", \"interfaces\": {\"eth0\": {}, \"eth1\": {}}}},\n"
     " \"links\": [[\"A\", \"r2.eth1\"]]}",
     "t.json:3:18: links[0][1]: \"r2.eth1\" names no device; did you mean \"r1.eth1\"?"},
    {"{\"devices\": {\"A\": {\"type\": \"host\"}, \"r1\": {\"type\": \"router\", \"interfaces\": "
     "{\"eth0\": {}, \"eth1\": {}}}},\n"
     " \"links\": [[\"A\", \"r1\"]]}",
     "t.json:2:18: links[0][1]: \"r1\" is ambiguous: r1 has 2 interfaces; expected one of "
     "\"r1.eth0\" or \"r1.eth1\""},
    {"{\"devices\": {\"A\": {\"type\": \"host\"}, \"B\": {\"type\": \"host\"}, \"C\": {\"type\": "
     "\"host\"},\n"
     " \"sw1\": {\"type\": \"switch\", \"ports\": 4}},\n"
     " \"links\": [[\"A\", \"sw1.p1\"], [\"B\", \"sw1.p2\"], [\"C\", \"sw1\"], [\"sw1.p2\", "
     "\"C\"]]}",
     "t.json:3:61: links[3][0]: \"sw1.p2\" is already connected by links[1][1]; expected each port "
     "in one link only"},
    {"{\"devices\": {\"A\": {\"type\": \"host\"}, \"sw1\": {\"type\": \"switch\"}},\n"
     " \"links\": [[\"A\", \"sw1.p2\"]]}",
     "t.json:2:18: links[0][1]: \"sw1.p2\" names no port of sw1; expected \"sw1.p1\" (without "
     "\"ports\" it has one port per link end naming it)"},
    {"{\"devices\": {\"A\": {\"type\": \"host\"}}, \"script\": [{\"at\": \"0s\", \"on\": \"A\", "
     "\"do\": \"teleport\", \"to\": \"10.0.0.1\"}]}",
     "t.json:1:79: script[0].do: \"teleport\" is not an action; expected \"ping\", "
     "\"traceroute\", \"arp_spoof\", \"udp_server\", \"udp_send\", \"tcp_server\", "
     "\"tcp_client\", \"file_server\", \"file_download\", \"http_server\", \"http_get\", "
     "\"show\", \"link_down\", \"link_up\", \"device_off\" or \"device_on\""},
    {"{\"devices\": {\"A\": {\"type\": \"host\"}}, \"script\": [{\"at\": 5, \"on\": \"A\", "
     "\"do\": \"ping\", \"to\": \"10.0.0.1\"}]}",
     "t.json:1:56: script[0].at: 5 is a number; expected a duration such as \"1.5ms\" (a number "
     "and "
     "a unit: ns, us, ms or s)"},
    {"{\"devices\": {\"A\": {\"type\": \"host\"}}, \"script\": [{\"at\": \"0s\", \"on\": \"a\", "
     "\"do\": \"ping\", \"to\": \"10.0.0.1\"}]}",
     "t.json:1:68: script[0].on: \"a\" names no device; did you mean \"A\"?"},
    {"{\"devices\": {\"A\": {\"type\": \"host\", \"ip\": \"10.0.0.1/30\", \"gateway\": "
     "\"10.0.0.1\"}}}",
     "t.json:1:68: devices.A.gateway: \"10.0.0.1\" is A's own address; expected the address of "
     "another device in its subnet, e.g. a router's"},
    /* Positions stay right after strings holding brackets, colons and escapes. */
    {"{\"description\": \"a: {b} [c], \\\"d\\\" \\u00e9\",\n"
     "\t\"devices\": {\"x\\\"y\": {\"type\": \"host\", \"ttl\": 0}}}",
     "t.json:2:46: devices[\"x\\\"y\"].ttl: 0 is out of range; expected an integer from 1 to 255"},
    {"{\"devices\": {\"A\": {\"type\": \"host\"}}, \"links\": [[\"A\", \"A\"]]}",
     "t.json:1:54: links[0][1]: \"A\" is on A, like links[0][0]; expected a link between two "
     "different devices"},
    {"{\"devices\": {\"A\": {\"type\": \"host\", \"ip\": \"10.0.0.1/24\"},\n"
     "  \"B\": {\"type\": \"host\", \"interfaces\": {\"eth 0\": {}}}}}",
     "t.json:2:40: devices.B.interfaces: \"eth 0\" is not an interface name; expected 1 to 32 "
     "letters, digits, '-' or '_', e.g. \"eth0\""},
    {"{\"devices\": {\"A\": {\"type\": \"host\"}}, \"name\": \"..\"}",
     "t.json:1:46: name: \"..\" is not a safe directory name; expected a name of letters, digits, "
     "'-', '_' and '.' (it names the output directory), e.g. \"two-subnets\""},
    {"{\"devices\": {\"A\": {\"type\": \"host\"}}, \"links\": [{\"ends\": [\"A\", \"B\"]}]}",
     "t.json:1:63: links[0].ends[1]: \"B\" names no device; expected \"A\""},
    {"{\"devices\": {\"A\": {\"type\": \"host\"}, \"B\": {\"type\": \"host\"}}, \"links\": "
     "[{\"ends\": [\"A\", \"B\"], \"queue\": 0}]}",
     "t.json:1:101: links[0].queue: 0 is out of range; expected an integer from 1 to 1000000"},
    {"{\"devices\": {\"A\": {\"type\": \"host\", \"ip\": \"127.0.0.1/8\"}}}",
     "t.json:1:42: devices.A.ip: \"127.0.0.1/8\" is a loopback address; expected an address "
     "outside "
     "127.0.0.0/8 (every device has loopback built in)"},
    {"{\"devices\": {\"A\": {\"type\": \"host\", \"arp_retry\": \"0ms\"}}}",
     "t.json:1:49: devices.A.arp_retry: \"0ms\" is zero; expected a duration above zero, e.g. "
     "\"1s\""},
    {"\n\n   {\"devices\": {\"A\": {\"type\": \"host\"}},}",
     "t.json:3:40: invalid JSON: unexpected '}' (JSON allows no comma before '}'); expected a key "
     "in double quotes"},
    {"{\"devices\": [1, 2, 01]}",
     "t.json:1:20: invalid JSON: malformed number '01'; expected a JSON number such as 42, -1, 0.5 "
     "or 1e3 (no leading zeros, no '+', no hex)"},
    {"{\"devices\": {\"A\": {\"type\": \"host\"}}, \"x\": \"\\ud800\"}",
     "t.json:1:44: invalid JSON: unpaired high surrogate \\ud800; expected a low surrogate "
     "\\uDC00-\\uDFFF right after it"},
    {"{\"devices\": {\"A\": {\"type\": \"host\"}}} {}",
     "t.json:1:38: invalid JSON: unexpected '{'; expected the end of the text after the top-level "
     "value"},
};

static void test_error_messages(void **state) {
    (void)state;
    for (size_t i = 0; i < sizeof error_cases / sizeof error_cases[0]; i++) {
        ns_error err = {0};
        const char *msg = load_err(error_cases[i].json, &err);
        if (strcmp(msg, error_cases[i].message) != 0)
            print_error("case %zu:\n  got      %s\n  expected %s\n", i, msg,
                        error_cases[i].message);
        assert_string_equal(msg, error_cases[i].message);
    }
}

static void test_nesting_limit(void **state) {
    (void)state;
    char json[512];
    size_t n = 0;
    n +=
        (size_t)snprintf(json, sizeof json, "{\"devices\": {\"A\": {\"type\": \"host\"}}, \"x\": ");
    for (int i = 0; i < 63; i++) /* the top object plus 63 arrays: exactly 64 levels */
        json[n++] = '[';
    for (int i = 0; i < 63; i++)
        json[n++] = ']';
    json[n++] = '}';
    json[n] = '\0';
    ns_error err = {0};
    /* 64 levels pass the syntax check; "x" is then refused as a key. */
    assert_string_equal(load_err(json, &err),
                        "t.json:1:38: (top level): unknown key \"x\"; expected one of \"name\", "
                        "\"description\", \"devices\", \"links\", \"script\" or \"expect\"");

    memmove(json + 43, json + 42, n - 42 + 1); /* one more '[' ... */
    json[42] = '[';
    n++;
    memmove(json + n - 1, json + n - 2, 2); /* ... and one more ']' */
    json[n - 2] = ']';
    assert_string_equal(load_err(json, &err),
                        "t.json:1:106: invalid JSON: '[' nests deeper than 64 levels; expected "
                        "at most 64 levels of nested objects and arrays");
}

/* A byte order mark is skipped (columns count from after it) and the input
 * need not end in NUL: it is copied into an exact-size buffer here, so the
 * sanitizers catch any read past the end. */
static void test_bom_and_exact_buffer(void **state) {
    (void)state;
    const char *json = "\xEF\xBB\xBF{\"devices\": {\"A\": {\"type\": \"host\"}}}";
    size_t n = strlen(json);
    char *buf = malloc(n);
    assert_non_null(buf);
    memcpy(buf, json, n);
    model_topology *t = NULL;
    ns_error err = {0};
    assert_int_equal(loader_load_string(buf, n, "bom.json", &t, &err), 0);
    assert_string_equal(t->name, "bom");
    model_free(t);
    memcpy(buf, "\xEF\xBB\xBF{\"devices\": 7", 16);
    assert_int_equal(loader_load_string(buf, 16, "bom.json", &t, &err), NS_ERR_INPUT);
    assert_string_equal(err.message, "bom.json:1:14: invalid JSON: unexpected end of input; "
                                     "expected ',' or '}' (the object opened at 1:1 is not "
                                     "closed)");
    free(buf);
}

/* Ports are bounded by what --max-memory holds at 192 bytes each (beside
 * 16 MiB for netsim itself) before any is made: 64 MiB holds 262,144, so the
 * fifth switch of 65,535 ports is refused with exit status 5; with no bound
 * the same five load. */
static void test_ports_within_memory(void **state) {
    (void)state;
    char text[512] = "{\"devices\": {";
    for (int i = 0; i < 5; i++)
        snprintf(text + strlen(text), sizeof text - strlen(text),
                 "%s\"sw%d\": {\"type\": \"switch\", \"ports\": 65535}", i ? ", " : "", i);
    strcat(text, "}}");
    model_topology *t = NULL;
    ns_error err = {0};
    ns_alloc_set_bound("--max-memory 64 MiB");
    ns_alloc_set_limit((uint64_t)64 << 20);
    assert_int_equal(loader_load_string(text, strlen(text), "ports.json", &t, &err), NS_ERR_NOMEM);
    assert_string_equal(err.message,
                        "ports.json:1:221: devices.sw4.ports: 65535 ports bring the topology's "
                        "switch and hub ports to 327675, more than --max-memory 64 MiB holds at "
                        "about 192 bytes a port; expected at most 262144 in all or a larger "
                        "--max-memory");
    assert_null(t);
    ns_alloc_set_limit(0);
    ns_alloc_set_bound("the machine's memory");
    assert_int_equal(loader_load_string(text, strlen(text), "ports.json", &t, &err), 0);
    assert_int_equal(t->n_devices, 5);
    assert_int_equal(t->devices[4].n_ifaces, 65535);
    model_free(t);
}

static void test_file_errors(void **state) {
    (void)state;
    model_topology *t = NULL;
    ns_error err = {0};
    assert_int_equal(loader_load_file("/nonexistent/x.json", &t, &err), NS_ERR_IO);
    assert_string_equal(err.message, "/nonexistent/x.json: cannot read: No such file or directory");
    assert_null(t);

    /* A file is bounded by --max-memory / 8: one byte more is refused before
     * it is read (exit status 5, as memory), the bound itself is read. */
    ns_alloc_set_bound("--max-memory 8 MiB");
    ns_alloc_set_limit((uint64_t)8 << 20);
    char big[] = "/tmp/test_loader_big_XXXXXX";
    int big_fd = mkstemp(big);
    assert_true(big_fd >= 0);
    FILE *bf = fdopen(big_fd, "w");
    assert_non_null(bf);
    for (size_t i = 0; i < ((size_t)1 << 20); i++)
        fputc(' ', bf);
    fflush(bf);
    assert_int_equal(loader_load_file(big, &t, &err), NS_ERR_INPUT); /* empty document */
    fputc(' ', bf);
    fclose(bf);
    assert_int_equal(loader_load_file(big, &t, &err), NS_ERR_NOMEM);
    char big_expected[512];
    snprintf(big_expected, sizeof big_expected,
             "%s: larger than 1048576 bytes, the most --max-memory 8 MiB allows (loading takes "
             "about 8 bytes of memory per byte of the file); expected a smaller file or a larger "
             "--max-memory",
             big);
    assert_string_equal(err.message, big_expected);
    ns_alloc_set_limit(0);
    ns_alloc_set_bound("the machine's memory");
    assert_int_equal(loader_load_file(big, &t, &err), NS_ERR_INPUT); /* no bound: read */
    remove(big);
    assert_null(t);

    /* A real file loads through the same path; its default name drops ".json". */
    char path[] = "/tmp/test_loader_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    assert_non_null(f);
    fputs("{\"devices\": {\"A\": {\"type\": \"host\", \"ttl\": \"x\"}}}", f);
    fclose(f);
    assert_int_equal(loader_load_file(path, &t, &err), NS_ERR_INPUT);
    char expected[256];
    snprintf(expected, sizeof expected,
             "%s:1:43: devices.A.ttl: \"x\" is a string; expected an integer from 1 to 255", path);
    assert_string_equal(err.message, expected);
    remove(path);
    assert_null(t);
}

/* Scale: 100,000 hosts on four switches without "ports" (25,000 ports each)
 * under a core switch, and a ping script. Loading is linear, so this takes
 * well under a second without sanitizers. */
static void test_many_hosts(void **state) {
    (void)state;
    enum { N = 100000, LEAVES = 4 };
    size_t cap = (size_t)N * 160 + 4096, n = 0;
    char *json = malloc(cap);
    assert_non_null(json);
    n += (size_t)snprintf(json + n, cap - n, "{\"devices\": {\"core\": {\"type\": \"switch\"}");
    for (int s = 0; s < LEAVES; s++)
        n += (size_t)snprintf(json + n, cap - n, ", \"s%d\": {\"type\": \"switch\"}", s);
    for (int i = 0; i < N; i++)
        n += (size_t)snprintf(json + n, cap - n,
                              ", \"h%d\": {\"type\": \"host\", \"ip\": \"10.%d.%d.%d/8\"}", i,
                              (i + 1) >> 16, ((i + 1) >> 8) & 255, (i + 1) & 255);
    n += (size_t)snprintf(json + n, cap - n, "}, \"links\": [");
    for (int s = 0; s < LEAVES; s++)
        n += (size_t)snprintf(json + n, cap - n, "[\"core\", \"s%d\"], ", s);
    for (int i = 0; i < N; i++)
        n += (size_t)snprintf(json + n, cap - n, "%s[\"h%d\", \"s%d\"]", i ? ", " : "", i,
                              i % LEAVES);
    n += (size_t)snprintf(json + n, cap - n, "], \"script\": [");
    for (int i = 0; i < 1000; i++)
        n += (size_t)snprintf(json + n, cap - n,
                              "%s{\"at\": \"%dms\", \"on\": \"h%d\", \"do\": \"ping\", \"to\": "
                              "\"10.0.0.1\"}",
                              i ? ", " : "", 999 - i, i);
    n += (size_t)snprintf(json + n, cap - n, "]}");
    assert_true(n < cap);
    model_topology *t = load_ok(json);
    assert_int_equal(t->n_devices, N + LEAVES + 1);
    assert_int_equal(t->devices[0].n_ifaces, LEAVES);
    assert_int_equal(t->devices[1].n_ifaces, N / LEAVES + 1);
    assert_int_equal(t->n_links, N + LEAVES);
    assert_link(t, 0, "core.p1", "s0.p1");
    assert_link(t, N + LEAVES - 1, "h99999.eth0", "s3.p25001");
    assert_mac(t->devices[N + LEAVES].ifaces[0].mac, "02:01:86:a5:00:01");
    assert_int_equal(t->actions[0].device, 999 + LEAVES + 1);
    model_free(t);

    /* The same file with one typo: the suggestion search is linear too. */
    char *typo = strstr(json, "[\"h77777\", \"s1\"]");
    assert_non_null(typo);
    typo[12] = 'x';
    ns_error err = {0};
    const char *msg = load_err(json, &err);
    assert_non_null(strstr(msg, "links[77781][1]: \"x1\" names no device; did you mean \"s1\"?"));
    free(json);
}

/* The notes' notation: a dotted netmask beside the address or after the
 * slash gives the same interface as the prefix length; routes and firewall
 * networks take it too. */
static void test_netmask_forms(void **state) {
    (void)state;
    model_topology *t = load_ok(
        "{\"devices\": {"
        "\"A\": {\"type\": \"host\", \"ip\": \"10.1.0.10\", \"netmask\": \"255.255.255.0\", "
        "\"gateway\": \"10.1.0.1\"},"
        "\"B\": {\"type\": \"host\", \"ip\": \"10.1.0.11/255.255.255.0\","
        " \"firewall\": {\"rules\": [{\"src\": \"10.2.0.0/255.255.0.0\", \"action\": \"deny\"}]}},"
        "\"C\": {\"type\": \"host\", \"interfaces\": {\"eth0\": {\"ip\": \"10.1.0.12/20\", "
        "\"netmask\": \"255.255.240.0\"}}},"
        "\"r1\": {\"type\": \"router\", \"interfaces\": {\"eth0\": {\"ip\": \"10.1.0.1\", "
        "\"netmask\": \"255.255.255.0\"}}, \"routes\": [{\"to\": \"10.9.0.0/255.255.0.0\", "
        "\"via\": \"10.1.0.254\"}]}}}");
    assert_ip(t->devices[0].ifaces[0].ip, "10.1.0.10");
    assert_int_equal(t->devices[0].ifaces[0].prefix_len, 24);
    assert_ip(t->devices[0].gateway, "10.1.0.1");
    assert_ip(t->devices[1].ifaces[0].ip, "10.1.0.11");
    assert_int_equal(t->devices[1].ifaces[0].prefix_len, 24);
    assert_int_equal(t->devices[2].ifaces[0].prefix_len, 20);
    assert_ip(t->devices[3].ifaces[0].ip, "10.1.0.1");
    assert_int_equal(t->devices[3].ifaces[0].prefix_len, 24);
    assert_ip(t->devices[3].routes[0].dst, "10.9.0.0");
    assert_int_equal(t->devices[3].routes[0].prefix_len, 16);
    model_free(t);
}

/* tcp_client "steps" in the model, and ping's "id" as a number, as hex
 * text, and absent (random at run time). */
static void test_steps_and_ping_id(void **state) {
    (void)state;
    model_topology *t =
        load_ok("{\"devices\": {\"A\": {\"type\": \"host\", \"ip\": \"10.0.0.1/24\"}},"
                " \"script\": ["
                "{\"at\": \"0s\", \"on\": \"A\", \"do\": \"tcp_client\", \"to\": \"10.0.0.2\", "
                "\"port\": 80, \"steps\": [{\"send\": \"GET\"}, {\"after\": \"0.2s\"}, {\"close\": "
                "true}, {\"connect\": true}, {\"send\": \"x\"}]},"
                "{\"at\": \"1s\", \"on\": \"A\", \"do\": \"ping\", \"to\": \"10.0.0.2\", \"id\": "
                "4660},"
                "{\"at\": \"2s\", \"on\": \"A\", \"do\": \"ping\", \"to\": \"10.0.0.2\", \"id\": "
                "\"0xBEEF\"},"
                "{\"at\": \"3s\", \"on\": \"A\", \"do\": \"ping\", \"to\": \"10.0.0.2\"}]}");
    assert_int_equal(t->n_actions, 4);
    const model_tcp_client *c = &t->actions[0].u.tcp_client;
    assert_null(c->messages);
    assert_int_equal(c->n_steps, 5);
    assert_int_equal(c->steps[0].kind, TCP_STEP_SEND);
    assert_string_equal(c->steps[0].data, "GET");
    assert_int_equal(c->steps[0].len, 3);
    assert_int_equal(c->steps[1].kind, TCP_STEP_AFTER);
    assert_int_equal(c->steps[1].after_ns, 200000000ull);
    assert_int_equal(c->steps[2].kind, TCP_STEP_CLOSE);
    assert_int_equal(c->steps[3].kind, TCP_STEP_CONNECT);
    assert_int_equal(c->steps[4].kind, TCP_STEP_SEND);
    assert_true(t->actions[1].u.ping.has_id);
    assert_int_equal(t->actions[1].u.ping.id, 0x1234);
    assert_true(t->actions[2].u.ping.has_id);
    assert_int_equal(t->actions[2].u.ping.id, 0xbeef);
    assert_false(t->actions[3].u.ping.has_id);
    model_free(t);
}

static void test_model_basics(void **state) {
    (void)state;
    model_free(NULL);
    assert_string_equal(device_type_name(DEVICE_HOST), "host");
    assert_string_equal(device_type_name(DEVICE_HUB), "hub");
    assert_string_equal(device_type_name(DEVICE_SWITCH), "switch");
    assert_string_equal(device_type_name(DEVICE_ROUTER), "router");
    /* A NULL error record is allowed. */
    model_topology *t = NULL;
    assert_int_equal(loader_load_string("[]", 2, "x.json", &t, NULL), NS_ERR_INPUT);
    assert_null(t);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),        cmocka_unit_test(test_full_example),
        cmocka_unit_test(test_port_assignment), cmocka_unit_test(test_endpoint_names),
        cmocka_unit_test(test_action_order),    cmocka_unit_test(test_error_messages),
        cmocka_unit_test(test_nesting_limit),   cmocka_unit_test(test_bom_and_exact_buffer),
        cmocka_unit_test(test_file_errors),     cmocka_unit_test(test_ports_within_memory),
        cmocka_unit_test(test_many_hosts),      cmocka_unit_test(test_model_basics),
        cmocka_unit_test(test_netmask_forms),   cmocka_unit_test(test_steps_and_ping_id),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
