/*
 * test_show_text: each "show" table's formatter (sinks/show_text) on fixed
 * rows built with trace/rows, against the whole expected text, so any change
 * of spacing fails; then the same table through the text and JSON Lines
 * trace sinks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sinks/show_text.h"
#include "sinks/trace_jsonl.h"
#include "sinks/trace_text.h"
#include "trace/rows.h"

/* The formatted text of `rows` (caller frees). */
static char *format(trace_rows *rows) {
    strbuf out = {0};
    show_text_format(trace_rows_view(rows), &out);
    trace_rows_free(rows);
    return strbuf_take(&out);
}

/* Three cache entries (one in `state_first`, one incomplete, one static),
 * as the ARP cache gives them to `arp` and `neigh`. */
static trace_rows *cache_rows(trace_show_table table, const char *state_first) {
    trace_rows *r = trace_rows_new(table);
    trace_rows_begin(r);
    trace_rows_add(r, "ip", "192.168.1.20");
    trace_rows_add(r, "mac", "02:00:00:02:00:01");
    trace_rows_add(r, "dev", "eth0");
    trace_rows_add(r, "state", "%s", state_first);
    trace_rows_begin(r);
    trace_rows_add(r, "ip", "192.168.1.99");
    trace_rows_add(r, "dev", "eth0");
    trace_rows_add(r, "state", "INCOMPLETE");
    trace_rows_begin(r);
    trace_rows_add(r, "ip", "192.168.1.254");
    trace_rows_add(r, "mac", "02:00:00:09:00:01");
    trace_rows_add(r, "dev", "eth1");
    trace_rows_add(r, "state", "PERMANENT");
    return r;
}

static void test_arp(void **state) {
    (void)state;
    char *text = format(cache_rows(TRACE_SHOW_ARP, "REACHABLE"));
    assert_string_equal(text, "$ arp -a\n"
                              "? (192.168.1.20) at 02:00:00:02:00:01 [ether] on eth0\n"
                              "? (192.168.1.99) at <incomplete> on eth0\n"
                              "? (192.168.1.254) at 02:00:00:09:00:01 [ether] PERM on eth1\n");
    free(text);
}

/* `ip neigh`: the same rows with their states (DELAY while waiting for a
 * confirmation), no lladdr while incomplete. */
static void test_neigh(void **state) {
    (void)state;
    char *text = format(cache_rows(TRACE_SHOW_NEIGH, "DELAY"));
    assert_string_equal(text, "$ ip neigh\n"
                              "192.168.1.20 dev eth0 lladdr 02:00:00:02:00:01 DELAY\n"
                              "192.168.1.99 dev eth0 INCOMPLETE\n"
                              "192.168.1.254 dev eth1 lladdr 02:00:00:09:00:01 PERMANENT\n");
    free(text);
}

static void test_route(void **state) {
    (void)state;
    trace_rows *r = trace_rows_new(TRACE_SHOW_ROUTE);
    trace_rows_begin(r);
    trace_rows_add(r, "dst", "10.0.0.0/24");
    trace_rows_add(r, "dev", "eth0");
    trace_rows_add(r, "proto", "kernel");
    trace_rows_add(r, "scope", "link");
    trace_rows_add(r, "src", "10.0.0.10");
    trace_rows_begin(r);
    trace_rows_add(r, "dst", "10.0.2.0/24");
    trace_rows_add(r, "via", "10.0.0.2");
    trace_rows_add(r, "dev", "eth0");
    trace_rows_add(r, "metric", "5");
    trace_rows_begin(r);
    trace_rows_add(r, "dst", "default");
    trace_rows_add(r, "via", "10.0.0.1");
    trace_rows_add(r, "dev", "eth0");
    char *text = format(r);
    assert_string_equal(text, "$ ip route\n"
                              "10.0.0.0/24 dev eth0 proto kernel scope link src 10.0.0.10\n"
                              "10.0.2.0/24 via 10.0.0.2 dev eth0 metric 5\n"
                              "default via 10.0.0.1 dev eth0\n");
    free(text);
}

static void port_fields(trace_rows *r, const char *up, const char *link, const char *rx,
                        const char *rx_bytes) {
    trace_rows_add(r, "mac", "02:00:00:01:00:01");
    trace_rows_add(r, "mtu", "1500");
    trace_rows_add(r, "up", "%s", up);
    trace_rows_add(r, "link", "%s", link);
    trace_rows_add(r, "rx_packets", "%s", rx);
    trace_rows_add(r, "rx_bytes", "%s", rx_bytes);
    trace_rows_add(r, "tx_packets", "3");
    trace_rows_add(r, "tx_bytes", "218");
}

static void test_interfaces(void **state) {
    (void)state;
    trace_rows *r = trace_rows_new(TRACE_SHOW_INTERFACES);
    trace_rows_begin(r);
    trace_rows_add(r, "name", "eth0");
    trace_rows_add(r, "inet", "10.0.0.1");
    trace_rows_add(r, "netmask", "255.255.255.0");
    trace_rows_add(r, "broadcast", "10.0.0.255");
    port_fields(r, "yes", "yes", "2", "1536");
    trace_rows_begin(r);
    trace_rows_add(r, "name", "p2");
    port_fields(r, "yes", "no", "0", "0");
    char *text = format(r);
    assert_string_equal(text, "$ ifconfig\n"
                              "eth0: flags=4163<UP,BROADCAST,RUNNING,MULTICAST>  mtu 1500\n"
                              "        inet 10.0.0.1  netmask 255.255.255.0  broadcast 10.0.0.255\n"
                              "        ether 02:00:00:01:00:01  txqueuelen 1000  (Ethernet)\n"
                              "        RX packets 2  bytes 1536 (1.5 KiB)\n"
                              "        RX errors 0  dropped 0  overruns 0  frame 0\n"
                              "        TX packets 3  bytes 218 (218.0 B)\n"
                              "        TX errors 0  dropped 0 overruns 0  carrier 0  collisions 0\n"
                              "\n"
                              "p2: flags=4099<UP,BROADCAST,MULTICAST>  mtu 1500\n"
                              "        ether 02:00:00:01:00:01  txqueuelen 1000  (Ethernet)\n"
                              "        RX packets 0  bytes 0 (0.0 B)\n"
                              "        RX errors 0  dropped 0  overruns 0  frame 0\n"
                              "        TX packets 3  bytes 218 (218.0 B)\n"
                              "        TX errors 0  dropped 0 overruns 0  carrier 0  collisions 0\n"
                              "\n");
    free(text);
}

static void test_mac(void **state) {
    (void)state;
    trace_rows *r = trace_rows_new(TRACE_SHOW_MAC);
    trace_rows_begin(r);
    trace_rows_add(r, "vlan", "1");
    trace_rows_add(r, "mac", "02:00:00:01:00:01");
    trace_rows_add(r, "type", "DYNAMIC");
    trace_rows_add(r, "port", "p1");
    trace_rows_add(r, "age", "12");
    char *text = format(r);
    assert_string_equal(text, "# show mac address-table\n"
                              "          Mac Address Table\n"
                              "-------------------------------------------\n"
                              "\n"
                              "Vlan    Mac Address       Type        Ports   Age\n"
                              "----    -----------       --------    -----   ---\n"
                              "   1    0200.0001.0001    DYNAMIC     p1      12\n"
                              "Total Mac Addresses for this criterion: 1\n");
    free(text);
}

/* One conntrack row: `tuple` pairs after the common fields. */
static void nat_row(trace_rows *r, const char *proto, const char *num, const char *timeout,
                    const char *state, const char *const *kv, const char *status) {
    trace_rows_begin(r);
    trace_rows_add(r, "proto", "%s", proto);
    trace_rows_add(r, "proto_num", "%s", num);
    trace_rows_add(r, "timeout", "%s", timeout);
    if (state)
        trace_rows_add(r, "state", "%s", state);
    for (size_t k = 0; kv[k]; k += 2)
        trace_rows_add(r, kv[k], "%s", kv[k + 1]);
    trace_rows_add(r, "status", "%s", status);
}

static void test_nat(void **state) {
    (void)state;
    static const char *const tcp[] = {
        "src",         "192.168.1.2", "dst",         "203.0.113.5", "sport",     "40000",
        "dport",       "80",          "reply_src",   "203.0.113.5", "reply_dst", "198.51.100.1",
        "reply_sport", "80",          "reply_dport", "40000",       NULL};
    static const char *const udp[] = {
        "src",         "192.168.1.2", "dst",         "203.0.113.53", "sport",     "5353",
        "dport",       "53",          "reply_src",   "203.0.113.53", "reply_dst", "198.51.100.1",
        "reply_sport", "53",          "reply_dport", "5353",         NULL};
    static const char *const icmp[] = {
        "src",       "192.168.1.2", "dst",       "203.0.113.5",  "type",
        "8",         "code",        "0",         "id",           "7",
        "reply_src", "203.0.113.5", "reply_dst", "198.51.100.1", "reply_type",
        "0",         "reply_code",  "0",         "reply_id",     "7",
        NULL};
    trace_rows *r = trace_rows_new(TRACE_SHOW_NAT);
    nat_row(r, "tcp", "6", "7439", "ESTABLISHED", tcp, "ASSURED");
    nat_row(r, "udp", "17", "29", NULL, udp, "UNREPLIED");
    nat_row(r, "icmp", "1", "29", NULL, icmp, "ASSURED");
    char *text = format(r);
    assert_string_equal(
        text, "$ conntrack -L\n"
              "tcp      6 7439 ESTABLISHED src=192.168.1.2 dst=203.0.113.5 sport=40000 dport=80 "
              "src=203.0.113.5 dst=198.51.100.1 sport=80 dport=40000 [ASSURED] mark=0 use=1\n"
              "udp      17 29 src=192.168.1.2 dst=203.0.113.53 sport=5353 dport=53 [UNREPLIED] "
              "src=203.0.113.53 dst=198.51.100.1 sport=53 dport=5353 mark=0 use=1\n"
              "icmp     1 29 src=192.168.1.2 dst=203.0.113.5 type=8 code=0 id=7 "
              "src=203.0.113.5 dst=198.51.100.1 type=0 code=0 id=7 [ASSURED] mark=0 use=1\n");
    free(text);
}

static void socket_row(trace_rows *r, const char *proto, const char *send_q, const char *local,
                       const char *foreign, const char *state) {
    trace_rows_begin(r);
    trace_rows_add(r, "proto", "%s", proto);
    trace_rows_add(r, "recv_q", "0");
    trace_rows_add(r, "send_q", "%s", send_q);
    trace_rows_add(r, "local", "%s", local);
    trace_rows_add(r, "foreign", "%s", foreign);
    if (state)
        trace_rows_add(r, "state", "%s", state);
}

static void test_sockets(void **state) {
    (void)state;
    trace_rows *r = trace_rows_new(TRACE_SHOW_SOCKETS);
    socket_row(r, "tcp", "0", "10.0.0.2:7", "0.0.0.0:*", "LISTEN");
    socket_row(r, "tcp", "34", "10.0.0.2:7", "10.0.0.1:49152", "ESTABLISHED");
    socket_row(r, "udp", "0", "0.0.0.0:53", "0.0.0.0:*", NULL);
    char *text = format(r);
    assert_string_equal(
        text, "$ netstat -an\n"
              "Active Internet connections (servers and established)\n"
              "Proto Recv-Q Send-Q Local Address           Foreign Address         State\n"
              "tcp        0      0 10.0.0.2:7              0.0.0.0:*               LISTEN\n"
              "tcp        0     34 10.0.0.2:7              10.0.0.1:49152          ESTABLISHED\n"
              "udp        0      0 0.0.0.0:53              0.0.0.0:*\n");
    free(text);
}

/* What one sink wrote for one show event (caller frees). */
static char *through(bool jsonl) {
    trace_rows *r = trace_rows_new(TRACE_SHOW_ARP);
    trace_rows_begin(r);
    trace_rows_add(r, "ip", "10.0.0.2");
    trace_rows_add(r, "mac", "02:00:00:02:00:01");
    trace_rows_add(r, "dev", "eth0");
    trace_rows_add(r, "state", "REACHABLE");
    trace_event ev = {.time = 1500000000, .kind = TRACE_SHOW, .device = "A", .link = -1};
    ev.show = trace_rows_view(r);
    FILE *f = tmpfile();
    assert_non_null(f);
    trace_bus *bus = trace_bus_new();
    text_sink *ts = NULL;
    jsonl_sink *js = NULL;
    if (jsonl) {
        js = jsonl_sink_new(f, NULL, 0);
        trace_bus_subscribe(bus, jsonl_sink_as_sink(js));
    } else {
        ts = text_sink_new(f, 4);
        trace_bus_subscribe(bus, text_sink_as_sink(ts));
    }
    trace_emit(bus, &ev);
    trace_bus_free(bus);
    text_sink_free(ts);
    jsonl_sink_free(js);
    trace_rows_free(r);
    long n = ftell(f);
    rewind(f);
    char *text = calloc(1, (size_t)n + 1);
    assert_int_equal(fread(text, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    return text;
}

static void test_sinks(void **state) {
    (void)state;
    char *text = through(false);
    assert_string_equal(text,
                        "1.500000000  A     | $ arp -a\n"
                        "1.500000000  A     | ? (10.0.0.2) at 02:00:00:02:00:01 [ether] on eth0\n");
    free(text);
    char *json = through(true);
    const char *line = strchr(json, '\n') + 1;
    assert_string_equal(line, "{\"t\":1500000000,\"time\":\"1.500000000\",\"kind\":\"show\","
                              "\"device\":\"A\",\"show\":\"arp\",\"rows\":[{\"ip\":\"10.0.0.2\","
                              "\"mac\":\"02:00:00:02:00:01\",\"dev\":\"eth0\","
                              "\"state\":\"REACHABLE\"}]}\n");
    free(json);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_arp),        cmocka_unit_test(test_route),
        cmocka_unit_test(test_interfaces), cmocka_unit_test(test_mac),
        cmocka_unit_test(test_nat),        cmocka_unit_test(test_sockets),
        cmocka_unit_test(test_sinks),      cmocka_unit_test(test_neigh),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
