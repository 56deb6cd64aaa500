/*
 * test_hop_table: the per-packet hop table, fed synthetic TRACE_WIRE events
 * whose frames are real bytes built with the wire emit functions. Covers a
 * routed path (host -> switch -> router -> switch -> host: MACs rewritten,
 * TTL 64 -> 63, IPs unchanged), a flooded ARP broadcast (a tree: two hop-2
 * rows), a hub segment whose wire events arrive in link order (the station's
 * hop after the hub's), an IP rewrite (NAT), a same-instant predecessor cycle,
 * ignored events, `only_packet` filtering, the exact text and the JSON parsed
 * back with cJSON. Runs under the sanitizers: LeakSanitizer fails it if the
 * table leaks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "sinks/hop_table.h"
#include "trace/trace.h"
#include "wire/addr.h"
#include "wire/arp.h"
#include "wire/ethernet.h"
#include "wire/icmp.h"
#include "wire/ipv4.h"
#include "wire/udp.h"

#define MAC_A    0x020000010001ull
#define MAC_B    0x020000030001ull
#define MAC_C    0x020000040001ull
#define MAC_R1_0 0x020000050001ull
#define MAC_R1_1 0x020000050002ull
#define MAC_BC   0xffffffffffffull
#define ICMP_LEN (ETH_HEADER_LEN + IPV4_HEADER_LEN + ICMP_HEADER_LEN + 56)

/* --- frame builders --- */

static ipv4_addr ip(const char *text) {
    ipv4_addr a;
    assert_int_equal(ipv4_parse(text, &a), 0);
    return a;
}

static void put_eth(uint8_t *buf, uint64_t src, uint64_t dst, uint16_t ethertype) {
    eth_header e = {.dst = mac_from_u64(dst), .src = mac_from_u64(src), .ethertype = ethertype};
    eth_emit(&e, buf);
}

/* An ICMP echo request; buf holds ICMP_LEN bytes. */
static void build_echo(uint8_t *buf, uint64_t mac_src, uint64_t mac_dst, const char *ip_src,
                       const char *ip_dst, uint8_t ttl) {
    memset(buf, 0, ICMP_LEN);
    put_eth(buf, mac_src, mac_dst, ETHERTYPE_IPV4);
    ipv4_header h = {.header_len = IPV4_HEADER_LEN,
                     .total_len = ICMP_LEN - ETH_HEADER_LEN,
                     .id = 0x1234,
                     .dont_fragment = true,
                     .ttl = ttl,
                     .protocol = IPPROTO_ICMP_NUM,
                     .src = ip(ip_src),
                     .dst = ip(ip_dst)};
    ipv4_emit(&h, buf + ETH_HEADER_LEN);
    uint8_t *msg = buf + ETH_HEADER_LEN + IPV4_HEADER_LEN;
    for (size_t i = ICMP_HEADER_LEN; i < ICMP_LEN - ETH_HEADER_LEN - IPV4_HEADER_LEN; i++)
        msg[i] = (uint8_t)i;
    icmp_header ih = {.type = ICMP_ECHO_REQUEST, .id = 0x1c2b, .seq = 1};
    icmp_emit(&ih, msg, ICMP_LEN - ETH_HEADER_LEN - IPV4_HEADER_LEN);
}

/* An ARP packet padded to the 60-byte minimum; buf holds ETH_MIN_FRAME_LEN. */
static void build_arp(uint8_t *buf, uint64_t eth_dst, uint16_t op, uint64_t sender_mac,
                      const char *sender_ip, uint64_t target_mac, const char *target_ip) {
    memset(buf, 0, ETH_MIN_FRAME_LEN);
    put_eth(buf, sender_mac, eth_dst, ETHERTYPE_ARP);
    arp_packet p = {.op = op,
                    .sender_mac = mac_from_u64(sender_mac),
                    .sender_ip = ip(sender_ip),
                    .target_mac = mac_from_u64(target_mac),
                    .target_ip = ip(target_ip)};
    arp_emit(&p, buf + ETH_HEADER_LEN);
}

/* --- running the sink --- */

/* The links of the table under test: wire events carry their tx/rx ends as
 * facts, as net_trace_wire sets them. */
static const hop_link *g_links;
static size_t g_n_links;

static trace_wire_ends wire_ends(int link, const char *device, const char *port) {
    trace_wire_ends w = {0};
    if (link < 0 || (size_t)link >= g_n_links)
        return w;
    const hop_link *l = &g_links[link];
    for (int side = 0; side < 2; side++)
        if (l->device[side] && l->port[side] && strcmp(l->device[side], device) == 0 &&
            strcmp(l->port[side], port) == 0)
            return (trace_wire_ends){.tx_device = l->device[side],
                                     .tx_port = l->port[side],
                                     .rx_device = l->device[1 - side],
                                     .rx_port = l->port[1 - side],
                                     .tx_side = side};
    return w;
}

static void wire(trace_bus *bus, uint64_t time, int link, const char *device, const char *port,
                 uint32_t packet, const uint8_t *frame, size_t len) {
    trace_event ev = {.time = time,
                      .wire = wire_ends(link, device, port),
                      .kind = TRACE_WIRE,
                      .device = device,
                      .port = port,
                      .link = link,
                      .frame = frame,
                      .frame_len = len,
                      .packet_id = packet};
    trace_emit(bus, &ev);
}

static char *slurp(FILE *f) {
    long size = ftell(f);
    assert_true(size >= 0);
    rewind(f);
    char *text = malloc((size_t)size + 1);
    assert_non_null(text);
    assert_int_equal(fread(text, 1, (size_t)size, f), (size_t)size);
    text[size] = '\0';
    fclose(f);
    return text;
}

static char *text_of(const hop_table *t, uint32_t only) {
    FILE *f = tmpfile();
    assert_non_null(f);
    hop_table_write_text(t, f, only);
    return slurp(f);
}

static char *json_of(const hop_table *t) {
    FILE *f = tmpfile();
    assert_non_null(f);
    hop_table_write_json(t, f);
    return slurp(f);
}

/* No line may end in a blank. */
static void assert_no_trailing_blanks(const char *text) {
    for (const char *p = text; *p; p++)
        if (*p == '\n' && p > text)
            assert_true(p[-1] != ' ');
}

/* --- the routed network: A, C -- sw1 -- r1 -- sw2 -- B --- */

static const hop_link routed_links[] = {
    {"A.eth0--sw1.p1", {"A", "sw1"}, {"eth0", "p1"}, NULL},
    {"sw1.p2--r1.eth0", {"sw1", "r1"}, {"p2", "eth0"}, NULL},
    {"r1.eth1--sw2.p1", {"r1", "sw2"}, {"eth1", "p1"}, NULL},
    {"sw2.p2--B.eth0", {"sw2", "B"}, {"p2", "eth0"}, NULL},
    {"sw1.p3--C.eth0", {"sw1", "C"}, {"p3", "eth0"}, NULL},
};

static const hop_device routed_devices[] = {
    {"A", 0, 0}, {"sw1", 0, 1}, {"r1", 0, 0}, {"sw2", 0, 1}, {"B", 0, 0}, {"C", 0, 0},
};

/* A table of `links` in *t (the links the helpers check against), and a bus
 * that feeds it. */
static trace_bus *table_bus(hop_table **t, const hop_link *links, size_t n_links,
                            const hop_device *devices, size_t n_devices) {
    *t = hop_table_new(links, n_links, devices, n_devices);
    assert_non_null(*t);
    g_links = links;
    g_n_links = n_links;
    trace_bus *bus = trace_bus_new();
    assert_non_null(bus);
    trace_bus_subscribe(bus, hop_table_as_sink(*t));
    return bus;
}

/* A table of the routed network in *t, and a bus that feeds it. */
static trace_bus *routed_bus(hop_table **t) {
    return table_bus(t, routed_links, 5, routed_devices, 6);
}

/* Packet 2: A's ARP who-has for its gateway, flooded by sw1 (to p3 first);
 * packet 3: r1's unicast reply; packet 1: the echo request A -> B, routed. */
static hop_table *routed_run(void) {
    hop_table *t;
    trace_bus *bus = routed_bus(&t);

    uint8_t req[ETH_MIN_FRAME_LEN], rep[ETH_MIN_FRAME_LEN];
    build_arp(req, MAC_BC, ARP_OP_REQUEST, MAC_A, "10.0.1.10", 0, "10.0.1.1");
    build_arp(rep, MAC_A, ARP_OP_REPLY, MAC_R1_0, "10.0.1.1", MAC_A, "10.0.1.10");
    wire(bus, 0, 0, "A", "eth0", 2, req, sizeof req);
    wire(bus, 7720, 4, "sw1", "p3", 2, req, sizeof req);
    wire(bus, 7720, 1, "sw1", "p2", 2, req, sizeof req);
    wire(bus, 15440, 1, "r1", "eth0", 3, rep, sizeof rep);
    wire(bus, 23160, 0, "sw1", "p1", 3, rep, sizeof rep);

    uint8_t e1[ICMP_LEN], e2[ICMP_LEN];
    build_echo(e1, MAC_A, MAC_R1_0, "10.0.1.10", "10.0.2.20", 64);
    build_echo(e2, MAC_R1_1, MAC_B, "10.0.1.10", "10.0.2.20", 63);
    wire(bus, 30880, 0, "A", "eth0", 1, e1, sizeof e1);
    wire(bus, 41640, 1, "sw1", "p2", 1, e1, sizeof e1);
    wire(bus, 60000, 2, "r1", "eth1", 1, e2, sizeof e2);
    wire(bus, 70760, 3, "sw2", "p2", 1, e2, sizeof e2);

    /* Ignored: not a wire event, no packet id, no such link, not a link end. */
    trace_event send = {.time = 1,
                        .kind = TRACE_SEND,
                        .device = "A",
                        .port = "eth0",
                        .link = -1,
                        .frame = e1,
                        .frame_len = sizeof e1,
                        .packet_id = 9};
    trace_emit(bus, &send);
    wire(bus, 2, 0, "A", "eth0", 0, e1, sizeof e1);
    wire(bus, 3, 5, "A", "eth0", 10, e1, sizeof e1);
    wire(bus, 4, 0, "B", "eth0", 11, e1, sizeof e1);
    wire(bus, 5, -1, "A", "eth0", 12, e1, sizeof e1);
    trace_bus_free(bus);
    return t;
}

static const char routed_packet1[] =
    "packet #1: ICMP echo request 10.0.1.10 > 10.0.2.20 id=0x1c2b seq=1 ttl=64\n"
    "hop  time         link             from     eth src > dst                          ip src > "
    "dst           ttl  change\n"
    "1    0.000030880  A.eth0--sw1.p1   A.eth0   02:00:00:01:00:01 > 02:00:00:05:00:01  "
    "10.0.1.10 > 10.0.2.20  64   sent by A\n"
    "2    0.000041640  sw1.p2--r1.eth0  sw1.p2   02:00:00:01:00:01 > 02:00:00:05:00:01  "
    "10.0.1.10 > 10.0.2.20  64   forwarded by sw1, unchanged\n"
    "3    0.000060000  r1.eth1--sw2.p1  r1.eth1  02:00:00:05:00:02 > 02:00:00:03:00:01  "
    "10.0.1.10 > 10.0.2.20  63   MAC rewritten by r1, IP unchanged, TTL 64 -> 63\n"
    "4    0.000070760  sw2.p2--B.eth0   sw2.p2   02:00:00:05:00:02 > 02:00:00:03:00:01  "
    "10.0.1.10 > 10.0.2.20  63   forwarded by sw2, unchanged\n"
    "end  -            still in flight at the end of the run\n";

static const char routed_packet2[] =
    "packet #2: ARP who-has 10.0.1.1 tell 10.0.1.10\n"
    "hop  time         link             from    eth src > dst                          ip src > "
    "dst          ttl  change\n"
    "1    0.000000000  A.eth0--sw1.p1   A.eth0  02:00:00:01:00:01 > ff:ff:ff:ff:ff:ff  10.0.1.10 "
    "> 10.0.1.1  -    sent by A\n"
    "2    0.000007720  sw1.p3--C.eth0   sw1.p3  02:00:00:01:00:01 > ff:ff:ff:ff:ff:ff  10.0.1.10 "
    "> 10.0.1.1  -    forwarded by sw1, unchanged\n"
    "2    0.000007720  sw1.p2--r1.eth0  sw1.p2  02:00:00:01:00:01 > ff:ff:ff:ff:ff:ff  10.0.1.10 "
    "> 10.0.1.1  -    forwarded by sw1, unchanged\n"
    "end  -            still in flight at the end of the run\n";

static const char routed_packet3[] =
    "packet #3: ARP reply 10.0.1.1 is-at 02:00:00:05:00:01\n"
    "hop  time         link             from     eth src > dst                          ip src > "
    "dst          ttl  change\n"
    "1    0.000015440  sw1.p2--r1.eth0  r1.eth0  02:00:00:05:00:01 > 02:00:00:01:00:01  10.0.1.1 "
    "> 10.0.1.10  -    sent by r1\n"
    "2    0.000023160  A.eth0--sw1.p1   sw1.p1   02:00:00:05:00:01 > 02:00:00:01:00:01  10.0.1.1 "
    "> 10.0.1.10  -    forwarded by sw1, unchanged\n"
    "end  -            still in flight at the end of the run\n";

static void test_routed_text(void **state) {
    (void)state;
    hop_table *t = routed_run();
    assert_int_equal(hop_table_packet_count(t), 3);
    assert_int_equal(hop_table_hop_count(t, 1), 4);
    assert_int_equal(hop_table_hop_count(t, 2), 3);
    assert_int_equal(hop_table_hop_count(t, 3), 2);
    assert_int_equal(hop_table_hop_count(t, 9), 0);  /* a send event, not wire */
    assert_int_equal(hop_table_hop_count(t, 10), 0); /* bad link index */
    assert_int_equal(hop_table_hop_count(t, 11), 0); /* B is not an end of link 0 */

    char expected[4096];
    snprintf(expected, sizeof expected, "%s\n%s\n%s", routed_packet1, routed_packet2,
             routed_packet3);
    char *text = text_of(t, 0);
    assert_string_equal(text, expected);
    assert_no_trailing_blanks(text);
    free(text);
    hop_table_free(t);
}

static void test_only_packet(void **state) {
    (void)state;
    hop_table *t = routed_run();
    char *text = text_of(t, 2);
    assert_string_equal(text, routed_packet2);
    free(text);
    text = text_of(t, 1);
    assert_string_equal(text, routed_packet1);
    free(text);
    text = text_of(t, 42);
    assert_string_equal(text, "packet #42: not seen on any link\n");
    free(text);
    hop_table_free(t);
}

static const cJSON *item(const cJSON *obj, const char *key) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    assert_non_null(v);
    return v;
}

static void assert_str(const cJSON *obj, const char *key, const char *want) {
    const cJSON *v = item(obj, key);
    assert_true(cJSON_IsString(v));
    assert_string_equal(v->valuestring, want);
}

static void assert_num(const cJSON *obj, const char *key, double want) {
    const cJSON *v = item(obj, key);
    assert_true(cJSON_IsNumber(v));
    assert_true(v->valuedouble == want);
}

static void test_routed_json(void **state) {
    (void)state;
    hop_table *t = routed_run();
    char *text = json_of(t);
    cJSON *doc = cJSON_Parse(text);
    assert_non_null(doc);
    const cJSON *packets = item(doc, "packets");
    assert_int_equal(cJSON_GetArraySize(packets), 3);
    for (int i = 0; i < 3; i++)
        assert_num(cJSON_GetArrayItem(packets, i), "id", i + 1);

    const cJSON *p1 = cJSON_GetArrayItem(packets, 0);
    assert_str(p1, "summary", "ICMP echo request 10.0.1.10 > 10.0.2.20 id=0x1c2b seq=1 ttl=64");
    const cJSON *hops = item(p1, "hops");
    assert_int_equal(cJSON_GetArraySize(hops), 4);
    const cJSON *h0 = cJSON_GetArrayItem(hops, 0);
    assert_num(h0, "hop", 1);
    assert_null(cJSON_GetObjectItemCaseSensitive(h0, "prev"));
    assert_str(h0, "change", "sent by A");
    assert_str(h0, "from", "A.eth0");
    assert_str(h0, "to", "sw1.p1");
    const cJSON *h2 = cJSON_GetArrayItem(hops, 2);
    assert_num(h2, "hop", 3);
    assert_num(h2, "prev", 1);
    assert_str(h2, "time", "0.000060000");
    assert_num(h2, "t", 60000);
    assert_str(h2, "link", "r1.eth1--sw2.p1");
    assert_str(h2, "from", "r1.eth1");
    assert_str(h2, "to", "sw2.p1");
    assert_str(h2, "eth_src", "02:00:00:05:00:02");
    assert_str(h2, "eth_dst", "02:00:00:03:00:01");
    assert_str(h2, "ip_src", "10.0.1.10");
    assert_str(h2, "ip_dst", "10.0.2.20");
    assert_num(h2, "ttl", 63);
    assert_str(h2, "change", "MAC rewritten by r1, IP unchanged, TTL 64 -> 63");

    /* The ARP flood: both hop-2 rows point at row 0; ARP keys, no IP keys. */
    const cJSON *p2 = item(cJSON_GetArrayItem(packets, 1), "hops");
    assert_int_equal(cJSON_GetArraySize(p2), 3);
    for (int i = 1; i < 3; i++) {
        const cJSON *h = cJSON_GetArrayItem(p2, i);
        assert_num(h, "hop", 2);
        assert_num(h, "prev", 0);
        assert_str(h, "from", i == 1 ? "sw1.p3" : "sw1.p2");
        assert_str(h, "to", i == 1 ? "C.eth0" : "r1.eth0");
        assert_str(h, "arp_sender_ip", "10.0.1.10");
        assert_str(h, "arp_target_ip", "10.0.1.1");
        assert_str(h, "eth_dst", "ff:ff:ff:ff:ff:ff");
        assert_null(cJSON_GetObjectItemCaseSensitive(h, "ip_src"));
        assert_null(cJSON_GetObjectItemCaseSensitive(h, "ttl"));
    }
    /* The reply was transmitted by side 1 of link 1. */
    const cJSON *r0 = cJSON_GetArrayItem(item(cJSON_GetArrayItem(packets, 2), "hops"), 0);
    assert_str(r0, "from", "r1.eth0");
    assert_str(r0, "to", "sw1.p2");
    cJSON_Delete(doc);
    free(text);
    hop_table_free(t);
}

/* --- a hub segment: wire events arrive in link order --- */

static void test_hub_segment(void **state) {
    (void)state;
    static const hop_link links[] = {
        {"H1.eth0--hub1.p1", {"H1", "hub1"}, {"eth0", "p1"}, NULL},
        {"H2.eth0--hub1.p2", {"H2", "hub1"}, {"eth0", "p2"}, NULL},
        {"H3.eth0--hub1.p3", {"H3", "hub1"}, {"eth0", "p3"}, NULL},
    };
    static const hop_device devices[] = {{"H1", 0, 0}, {"H2", 0, 0}, {"H3", 0, 0}, {"hub1", 1, 0}};
    hop_table *t;
    trace_bus *bus = table_bus(&t, links, 3, devices, 4);
    uint8_t f[ICMP_LEN];
    build_echo(f, 0x020000000002ull, 0x020000000001ull, "192.168.1.20", "192.168.1.10", 64);
    /* H2 sends; the segment reports links 0, 1, 2 at once: hub1, H2, hub1. */
    wire(bus, 1000, 0, "hub1", "p1", 7, f, sizeof f);
    wire(bus, 1000, 1, "H2", "eth0", 7, f, sizeof f);
    wire(bus, 1000, 2, "hub1", "p3", 7, f, sizeof f);
    trace_bus_free(bus);

    char *text = text_of(t, 0);
    assert_string_equal(
        text, "packet #7: ICMP echo request 192.168.1.20 > 192.168.1.10 id=0x1c2b seq=1 ttl=64\n"
              "hop  time         link              from     eth src > dst                          "
              "ip src > dst                 ttl  change\n"
              "1    0.000001000  H2.eth0--hub1.p2  H2.eth0  02:00:00:00:00:02 > 02:00:00:00:00:01  "
              "192.168.1.20 > 192.168.1.10  64   sent by H2\n"
              "2    0.000001000  H1.eth0--hub1.p1  hub1.p1  02:00:00:00:00:02 > 02:00:00:00:00:01  "
              "192.168.1.20 > 192.168.1.10  64   repeated by hub1\n"
              "2    0.000001000  H3.eth0--hub1.p3  hub1.p3  02:00:00:00:00:02 > 02:00:00:00:00:01  "
              "192.168.1.20 > 192.168.1.10  64   repeated by hub1\n"
              "end  -            still in flight at the end of the run\n");
    free(text);

    text = json_of(t);
    cJSON *doc = cJSON_Parse(text);
    assert_non_null(doc);
    const cJSON *hops = item(cJSON_GetArrayItem(item(doc, "packets"), 0), "hops");
    assert_int_equal(cJSON_GetArraySize(hops), 3);
    assert_str(cJSON_GetArrayItem(hops, 0), "from", "H2.eth0");
    assert_num(cJSON_GetArrayItem(hops, 1), "prev", 0);
    assert_num(cJSON_GetArrayItem(hops, 2), "prev", 0);
    assert_str(cJSON_GetArrayItem(hops, 2), "to", "H3.eth0");
    cJSON_Delete(doc);
    free(text);
    hop_table_free(t);
}

/* --- a flood's copies folded in the text table --- */

/* What the visitor says folds in the flood below: each row's and fate's
 * `folds`, as a string of counts ("0 0 8 0 ..."). */
static char g_folds[256];

static void keep_folds(void *ctx, uint32_t packet_id, const char *summary, const hop_view *rows,
                       size_t n_rows, const hop_fate_view *fates, size_t n_fates) {
    char *out = ctx;
    (void)packet_id, (void)summary;
    size_t len = 0;
    len += (size_t)snprintf(out + len, 256 - len, "rows");
    for (size_t i = 0; i < n_rows; i++)
        len += (size_t)snprintf(out + len, 256 - len, " %u", (unsigned)rows[i].folds);
    len += (size_t)snprintf(out + len, 256 - len, "; fates");
    for (size_t i = 0; i < n_fates; i++)
        len += (size_t)snprintf(out + len, 256 - len, " %u", (unsigned)fates[i].folds);
}

/* A hub of `stations` hosts H1..: H1's echo request, packet 7, is repeated to
 * every other host at one instant, and each drops it (MAC not its own).
 * Returns the text table (caller frees). */
static char *hub_flood_text(size_t stations) {
    static char names[3][12][64]; /* room for any size_t: -Wformat-truncation */
    static hop_link links[12];
    static hop_device devices[13];
    assert_true(stations <= 12);
    for (size_t i = 0; i < stations; i++) {
        snprintf(names[0][i], sizeof names[0][i], "H%zu", i + 1);
        snprintf(names[1][i], sizeof names[1][i], "p%zu", i + 1);
        snprintf(names[2][i], sizeof names[2][i], "H%zu.eth0--hub1.p%zu", i + 1, i + 1);
        links[i] = (hop_link){names[2][i], {names[0][i], "hub1"}, {"eth0", names[1][i]}, NULL};
        devices[i] = (hop_device){names[0][i], 0, 0};
    }
    devices[stations] = (hop_device){"hub1", 1, 0};
    hop_table *t;
    trace_bus *bus = table_bus(&t, links, stations, devices, stations + 1);
    uint8_t f[ICMP_LEN];
    build_echo(f, 0x020000000001ull, 0x020000000099ull, "192.168.1.10", "192.168.1.99", 64);
    wire(bus, 1000, 0, "H1", "eth0", 7, f, sizeof f);
    for (size_t i = 1; i < stations; i++)
        wire(bus, 1000, (int)i, "hub1", names[1][i], 7, f, sizeof f);
    for (size_t i = 1; i < stations; i++) {
        trace_event drop = {.time = 2000,
                            .kind = TRACE_DROP,
                            .device = names[0][i],
                            .port = "eth0",
                            .link = -1,
                            .packet_id = 7,
                            .reason = TRACE_REASON_MAC_NOT_OURS,
                            .why = "not my MAC"};
        trace_emit(bus, &drop);
    }
    trace_bus_free(bus);
    char *text = text_of(t, 0);
    hop_table_visit(t, 0, keep_folds, &g_folds);
    hop_table_free(t);
    return text;
}

/* The table's first rows. The link and from columns fit the widest link
 * printed: H9's with nine stations, and with ten too, since H10's longer name
 * is only listed in the folded row. */
#define FLOOD_HEAD                                                                                 \
    "packet #7: ICMP echo request 192.168.1.10 > 192.168.1.99 id=0x1c2b seq=1 ttl=64\n"            \
    "hop  time         link              from     "                                                \
    "eth src > dst                          "                                                      \
    "ip src > dst                 ttl  change\n"                                                   \
    "1    0.000001000  H1.eth0--hub1.p1  H1.eth0  "                                                \
    "02:00:00:00:00:01 > 02:00:00:00:00:99  "                                                      \
    "192.168.1.10 > 192.168.1.99  64   sent by H1\n"                                               \
    "2    0.000001000  H2.eth0--hub1.p2  hub1.p2  "                                                \
    "02:00:00:00:00:01 > 02:00:00:00:00:99  "                                                      \
    "192.168.1.10 > 192.168.1.99  64   repeated by hub1\n"
#define FLOOD_ROW(k)                                                                               \
    "2    0.000001000  H" #k ".eth0--hub1.p" #k "  hub1.p" #k "  02:00:00:00:00:01 > "             \
    "02:00:00:00:00:99  192.168.1.10 > 192.168.1.99  64   repeated by hub1\n"
#define FLOOD_DROP(k) "end  0.000002000  dropped by H" #k ".eth0: not my MAC (mac_not_ours)\n"

/* Ten stations: the hub's eight repeats after the first are one row, and so
 * are the eight drops after the first; the folded links do not widen the
 * columns. */
static void test_flood_folded(void **state) {
    (void)state;
    char *text = hub_flood_text(10);
    assert_string_equal(text, FLOOD_HEAD
                        "2    0.000001000  the same as above on 8 more links: "
                        "H3.eth0--hub1.p3, H4.eth0--hub1.p4, H5.eth0--hub1.p5, "
                        "H6.eth0--hub1.p6, H7.eth0--hub1.p7, H8.eth0--hub1.p8, "
                        "H9.eth0--hub1.p9, H10.eth0--hub1.p10\n" FLOOD_DROP(
                            2) "end  0.000002000  dropped the same way at 8 more places: "
                               "H3.eth0, H4.eth0, H5.eth0, H6.eth0, H7.eth0, H8.eth0, "
                               "H9.eth0, H10.eth0\n");
    free(text);
    /* The diagrams are told the same: the second row and the first fate
     * head eight repeats each. */
    assert_string_equal(g_folds, "rows 0 8 0 0 0 0 0 0 0 0; fates 8 0 0 0 0 0 0 0 0");
}

/* Nine stations: seven repeats are shown row by row. */
static void test_small_flood_in_full(void **state) {
    (void)state;
    char *text = hub_flood_text(9);
    assert_string_equal(text, FLOOD_HEAD FLOOD_ROW(3) FLOOD_ROW(4) FLOOD_ROW(5) FLOOD_ROW(6)
                                  FLOOD_ROW(7) FLOOD_ROW(8) FLOOD_ROW(9) FLOOD_DROP(2) FLOOD_DROP(3)
                                      FLOOD_DROP(4) FLOOD_DROP(5) FLOOD_DROP(6) FLOOD_DROP(7)
                                          FLOOD_DROP(8) FLOOD_DROP(9));
    free(text);
    assert_string_equal(g_folds, "rows 0 0 0 0 0 0 0 0 0; fates 0 0 0 0 0 0 0 0");
}

/* A switch that keeps a frame (its destination is on the port it came in
 * on) ends the journey there: "filtered", not "received ... (no delivery or
 * drop traced)", in the text, in paths.json and for the visitor. */
static void test_filtered_fate(void **state) {
    (void)state;
    static const hop_link links[] = {{"A.eth0--sw1.p1", {"A", "sw1"}, {"eth0", "p1"}, NULL}};
    hop_table *t;
    trace_bus *bus = table_bus(&t, links, 1, NULL, 0);
    uint8_t f[ICMP_LEN];
    build_echo(f, 0x020000000001ull, 0x020000000002ull, "10.0.0.1", "10.0.0.2", 64);
    wire(bus, 1000, 0, "A", "eth0", 3, f, sizeof f);
    trace_event filter = {.time = 2000,
                          .kind = TRACE_FILTER,
                          .device = "sw1",
                          .port = "p1",
                          .link = -1,
                          .packet_id = 3,
                          .why = "destination is on the ingress port"};
    trace_emit(bus, &filter);
    trace_bus_free(bus);
    char *text = text_of(t, 3);
    assert_non_null(strstr(
        text, "\nend  0.000002000  filtered by sw1.p1: destination is on the ingress port\n"));
    free(text);
    text = json_of(t);
    assert_non_null(strstr(text, "{\"fate\": \"filtered\", \"time\": \"0.000002000\""));
    free(text);
    hop_table_free(t);
}

/* --- an IP rewrite (the NAT box), devices known only from the links --- */

static hop_table *nat_run(void) {
    static const hop_link links[] = {
        {"P.eth0--nat1.lan", {"P", "nat1"}, {"eth0", "lan"}, NULL},
        {"nat1.wan--S.eth0", {"nat1", "S"}, {"wan", "eth0"}, NULL},
    };
    hop_table *t;
    trace_bus *bus = table_bus(&t, links, 2, NULL, 0);
    uint8_t in[ICMP_LEN], out[ICMP_LEN];
    build_echo(in, 0x020000000a01ull, 0x020000000b01ull, "192.168.1.2", "1.2.3.4", 64);
    build_echo(out, 0x020000000b02ull, 0x020000000c01ull, "116.226.52.212", "1.2.3.4", 63);
    wire(bus, 5, 0, "P", "eth0", 4, in, sizeof in);
    wire(bus, 1000000007, 1, "nat1", "wan", 4, out, sizeof out);
    trace_bus_free(bus);
    return t;
}

static void test_ip_rewrite(void **state) {
    (void)state;
    hop_table *t = nat_run();
    char *text = text_of(t, 4);
    assert_string_equal(
        text,
        "packet #4: ICMP echo request 192.168.1.2 > 1.2.3.4 id=0x1c2b seq=1 ttl=64\n"
        "hop  time         link              from      eth src > dst                          ip "
        "src > dst              ttl  change\n"
        "1    0.000000005  P.eth0--nat1.lan  P.eth0    02:00:00:00:0a:01 > 02:00:00:00:0b:01  "
        "192.168.1.2 > 1.2.3.4     64   sent by P\n"
        "2    1.000000007  nat1.wan--S.eth0  nat1.wan  02:00:00:00:0b:02 > 02:00:00:00:0c:01  "
        "116.226.52.212 > 1.2.3.4  63   IP rewritten by nat1: 192.168.1.2 -> 116.226.52.212, TTL "
        "64 -> 63\n"
        "end  -            still in flight at the end of the run\n");
    free(text);

    /* The whole document, byte for byte. */
    text = json_of(t);
    assert_string_equal(
        text, "{\"packets\": [\n"
              "  {\"id\": 4, \"summary\": \"ICMP echo request 192.168.1.2 > 1.2.3.4 id=0x1c2b "
              "seq=1 ttl=64\", \"hops\": [\n"
              "    {\"hop\": 1, \"time\": \"0.000000005\", \"t\": 5, \"link\": "
              "\"P.eth0--nat1.lan\", \"from\": \"P.eth0\", \"to\": \"nat1.lan\", \"eth_src\": "
              "\"02:00:00:00:0a:01\", \"eth_dst\": \"02:00:00:00:0b:01\", \"ip_src\": "
              "\"192.168.1.2\", \"ip_dst\": \"1.2.3.4\", \"ttl\": 64, \"change\": \"sent by P\"},\n"
              "    {\"hop\": 2, \"prev\": 0, \"time\": \"1.000000007\", \"t\": 1000000007, "
              "\"link\": \"nat1.wan--S.eth0\", \"from\": \"nat1.wan\", \"to\": \"S.eth0\", "
              "\"eth_src\": \"02:00:00:00:0b:02\", \"eth_dst\": \"02:00:00:00:0c:01\", "
              "\"ip_src\": \"116.226.52.212\", \"ip_dst\": \"1.2.3.4\", \"ttl\": 63, \"change\": "
              "\"IP rewritten by nat1: 192.168.1.2 -> 116.226.52.212, TTL 64 -> 63\"}\n"
              "  ], \"fate\": [\n"
              "    {\"fate\": \"in_flight\", \"text\": \"still in flight at the end of the run\"}\n"
              "  ]}\n"
              "]}\n");
    cJSON *doc = cJSON_Parse(text);
    assert_non_null(doc);
    cJSON_Delete(doc);
    free(text);
    hop_table_free(t);
}

/* --- odd inputs --- */

/* Two same-instant hops, each the other's candidate predecessor: the cycle is
 * cut, every hop still gets a number, and names with control characters or
 * JSON specials stay on one line and parse back. */
static void test_cycle_and_names(void **state) {
    (void)state;
    static const hop_link links[] = {
        {"X.p--Y\"q", {"X", "Y\"q"}, {"p\tq", "p"}, NULL},
        {"Y\"q.r--X.r", {"Y\"q", "X"}, {"r", "r"}, NULL},
    };
    static const hop_device devices[] = {{"X", 0, 1}, {"Y\"q", 0, 1}, {"X", 1, 0}};
    hop_table *t;
    trace_bus *bus = table_bus(&t, links, 2, devices, 3);
    uint8_t f[ETH_MIN_FRAME_LEN];
    build_arp(f, MAC_BC, ARP_OP_REQUEST, MAC_A, "10.0.0.1", 0, "10.0.0.2");
    wire(bus, 9, 0, "X", "p\tq", 5, f, sizeof f);
    wire(bus, 9, 1, "Y\"q", "r", 5, f, sizeof f);
    trace_bus_free(bus);

    char *text = text_of(t, 0);
    assert_string_equal(
        text, "packet #5: ARP who-has 10.0.0.2 tell 10.0.0.1\n"
              "hop  time         link        from   eth src > dst                          ip src "
              "> dst         ttl  change\n"
              "1    0.000000009  X.p--Y\"q    X.p q  02:00:00:01:00:01 > ff:ff:ff:ff:ff:ff  "
              "10.0.0.1 > 10.0.0.2  -    sent by X\n"
              "2    0.000000009  Y\"q.r--X.r  Y\"q.r  02:00:00:01:00:01 > ff:ff:ff:ff:ff:ff  "
              "10.0.0.1 > 10.0.0.2  -    forwarded by Y\"q, unchanged\n"
              "end  -            still in flight at the end of the run\n");
    free(text);
    text = json_of(t);
    cJSON *doc = cJSON_Parse(text);
    assert_non_null(doc);
    const cJSON *hops = item(cJSON_GetArrayItem(item(doc, "packets"), 0), "hops");
    assert_str(cJSON_GetArrayItem(hops, 0), "from", "X.p\tq");
    assert_num(cJSON_GetArrayItem(hops, 1), "prev", 0);
    assert_str(cJSON_GetArrayItem(hops, 1), "from", "Y\"q.r");
    assert_str(cJSON_GetArrayItem(hops, 1), "change", "forwarded by Y\"q, unchanged");
    cJSON_Delete(doc);
    free(text);
    hop_table_free(t);
}

/* A link named in Chinese: the text table shows the topology's name, its
 * column padded by display width (two columns a character), while
 * paths.json keeps the capture file's name. */
static void test_wide_link_label(void **state) {
    (void)state;
    static const hop_link links[] = {
        {"______A.eth0--_________.p1",
         {"电脑A", "交换机"},
         {"eth0", "p1"},
         "电脑A.eth0--交换机.p1"},
    };
    static const hop_device devices[] = {{"电脑A", 0, 0}, {"交换机", 0, 1}};
    hop_table *t;
    trace_bus *bus = table_bus(&t, links, 1, devices, 2);
    uint8_t f[ETH_MIN_FRAME_LEN];
    build_arp(f, MAC_BC, ARP_OP_REQUEST, MAC_A, "10.0.0.1", 0, "10.0.0.2");
    wire(bus, 9, 0, "电脑A", "eth0", 5, f, sizeof f);
    trace_bus_free(bus);

    char *text = text_of(t, 0);
    assert_string_equal(text, "packet #5: ARP who-has 10.0.0.2 tell 10.0.0.1\n"
                              "hop  time         link                   from        eth src > dst  "
                              "                        ip src > dst         ttl  change\n"
                              "1    0.000000009  电脑A.eth0--交换机.p1  电脑A.eth0  "
                              "02:00:00:01:00:01 > ff:ff:ff:ff:ff:ff  10.0.0.1 > 10.0.0.2  -    "
                              "sent by 电脑A\n"
                              "end  -            still in flight at the end of the run\n");
    free(text);
    text = json_of(t);
    cJSON *doc = cJSON_Parse(text);
    assert_non_null(doc);
    const cJSON *hops = item(cJSON_GetArrayItem(item(doc, "packets"), 0), "hops");
    assert_str(cJSON_GetArrayItem(hops, 0), "link", "______A.eth0--_________.p1");
    cJSON_Delete(doc);
    free(text);
    hop_table_free(t);
}

/* Hops keep each distinct header once: an ICMP echo and a UDP datagram
 * from port 0 to port 0 with the same MACs, addresses and TTL differ only in
 * having ports, and must stay two headers (the UDP hop shows its ports). */
static void test_headers_kept_apart(void **state) {
    (void)state;
    hop_table *t;
    trace_bus *bus = routed_bus(&t);
    enum { UDP_LEN = ETH_HEADER_LEN + IPV4_HEADER_LEN + UDP_HEADER_LEN + 4 };
    uint8_t echo[ICMP_LEN], udp[UDP_LEN] = {0};
    build_echo(echo, MAC_A, MAC_R1_0, "10.0.1.10", "10.0.2.20", 64);
    put_eth(udp, MAC_A, MAC_R1_0, ETHERTYPE_IPV4);
    ipv4_header h = {.header_len = IPV4_HEADER_LEN,
                     .total_len = UDP_LEN - ETH_HEADER_LEN,
                     .id = 0x1234,
                     .ttl = 64,
                     .protocol = IPPROTO_UDP_NUM,
                     .src = ip("10.0.1.10"),
                     .dst = ip("10.0.2.20")};
    ipv4_emit(&h, udp + ETH_HEADER_LEN);
    udp_header u = {.src_port = 0, .dst_port = 0, .length = UDP_HEADER_LEN + 4};
    udp_emit(&u, udp + ETH_HEADER_LEN + IPV4_HEADER_LEN, UDP_HEADER_LEN + 4, h.src, h.dst);
    wire(bus, 10, 0, "A", "eth0", 1, echo, sizeof echo);
    wire(bus, 20, 0, "A", "eth0", 2, udp, sizeof udp);
    wire(bus, 30, 0, "A", "eth0", 3, echo, sizeof echo);
    trace_bus_free(bus);
    char *json = json_of(t);
    cJSON *doc = cJSON_Parse(json);
    assert_non_null(doc);
    const cJSON *packets = item(doc, "packets");
    assert_int_equal(cJSON_GetArraySize(packets), 3);
    for (int i = 0; i < 3; i++) {
        const cJSON *hop = cJSON_GetArrayItem(item(cJSON_GetArrayItem(packets, i), "hops"), 0);
        assert_str(hop, "ip_src", "10.0.1.10");
        assert_num(hop, "ttl", 64);
        bool ports = cJSON_GetObjectItemCaseSensitive(hop, "src_port") != NULL;
        assert_int_equal(ports, i == 1);
        if (ports)
            assert_num(hop, "dst_port", 0);
    }
    cJSON_Delete(doc);
    free(json);
    hop_table_free(t);
}

static void test_empty(void **state) {
    (void)state;
    hop_table *t = hop_table_new(NULL, 0, NULL, 0);
    g_links = NULL;
    g_n_links = 0;
    assert_non_null(t);
    assert_int_equal(hop_table_packet_count(t), 0);
    char *text = text_of(t, 0);
    assert_string_equal(text, "no packet crossed a link in this run\n");
    free(text);
    text = json_of(t);
    assert_string_equal(text, "{\"packets\": []}\n");
    free(text);
    hop_table_free(t);
    hop_table_free(NULL);
}

/* --- the visitor's fates --- */

typedef struct seen_fates {
    size_t n_packets;
    hop_fate_kind kind[4];
    char where[4][32];
    char device[4][16];
    char port[4][16];
    trace_reason reason[4];
    uint32_t trigger[4];
    char trigger_summary[4][96];
    uint64_t time[4];
} seen_fates;

static void keep_fates(void *ctx, uint32_t packet_id, const char *summary, const hop_view *rows,
                       size_t n_rows, const hop_fate_view *fates, size_t n_fates) {
    seen_fates *s = ctx;
    (void)summary, (void)rows, (void)n_rows;
    assert_int_equal(n_fates, 1);
    assert_int_equal(packet_id, s->n_packets + 1);
    size_t i = s->n_packets++;
    const hop_fate_view *f = &fates[0];
    s->kind[i] = f->kind;
    s->time[i] = f->time;
    snprintf(s->where[i], sizeof s->where[i], "%s", f->where ? f->where : "-");
    snprintf(s->device[i], sizeof s->device[i], "%s", f->device ? f->device : "-");
    snprintf(s->port[i], sizeof s->port[i], "%s", f->port ? f->port : "-");
    s->reason[i] = f->reason;
    s->trigger[i] = f->trigger;
    snprintf(s->trigger_summary[i], sizeof s->trigger_summary[i], "%s",
             f->trigger_summary ? f->trigger_summary : "-");
}

/* Packets 1 to 4 cross A's link, then `ev[n]` (no link) happen; returns the
 * fates hop_table_visit gives, and frees the table. */
static seen_fates fates_after(trace_event *ev, size_t n) {
    hop_table *t;
    trace_bus *bus = routed_bus(&t);
    uint8_t e1[ICMP_LEN];
    build_echo(e1, MAC_A, MAC_R1_0, "10.0.1.10", "10.0.2.20", 64);
    for (uint32_t id = 1; id <= 4; id++)
        wire(bus, 10 * id, 0, "A", "eth0", id, e1, sizeof e1);
    for (size_t i = 0; i < n; i++) {
        ev[i].link = -1;
        trace_emit(bus, &ev[i]);
    }
    trace_bus_free(bus);
    seen_fates s = {0};
    hop_table_visit(t, 0, keep_fates, &s);
    hop_table_free(t);
    return s;
}

/* Delivered, dropped (triggering a new packet at the same instant),
 * received without a delivery, still in flight: one of each. */
static void test_visit_fates(void **state) {
    (void)state;
    uint8_t e2[ICMP_LEN];
    build_echo(e2, MAC_R1_0, MAC_A, "10.0.1.1", "10.0.1.10", 64);
    trace_event ev[] = {
        {.time = 100, .kind = TRACE_DELIVER, .device = "sw1", .port = "p1", .packet_id = 1},
        {.time = 200,
         .kind = TRACE_DROP,
         .device = "sw1",
         .port = "p1",
         .packet_id = 2,
         .reason = TRACE_REASON_LINK_DOWN,
         .why = "link down"},
        {.time = 200,
         .kind = TRACE_SEND,
         .device = "sw1",
         .port = "p1",
         .frame = e2,
         .frame_len = sizeof e2,
         .packet_id = 5},
        {.time = 300, .kind = TRACE_RECEIVE, .device = "sw1", .port = "p1", .packet_id = 3},
    };
    seen_fates s = fates_after(ev, sizeof ev / sizeof ev[0]);
    assert_int_equal(s.n_packets, 4);
    assert_int_equal(s.kind[0], HOP_FATE_DELIVERED);
    assert_string_equal(s.where[0], "sw1.p1");
    assert_int_equal(s.time[0], 100);
    assert_int_equal(s.kind[1], HOP_FATE_DROPPED);
    assert_string_equal(s.port[1], "p1");
    assert_int_equal(s.reason[1], TRACE_REASON_LINK_DOWN);
    assert_int_equal(s.trigger[1], 5);
    assert_string_equal(s.trigger_summary[1],
                        "ICMP echo request 10.0.1.1 > 10.0.1.10 id=0x1c2b seq=1 ttl=64");
    assert_int_equal(s.kind[2], HOP_FATE_RECEIVED);
    assert_int_equal(s.time[2], 300);
    assert_int_equal(s.trigger[2], 0);
    assert_int_equal(s.kind[3], HOP_FATE_IN_FLIGHT);
    assert_string_equal(s.where[3], "-");
}

/* Places are kept once each, by device and port: "a.b" + "c" and "a" +
 * "b.c" show the same "a.b.c" but are two places; a device named "?" is
 * not an event without a device (shown as "?" too). */
static void test_places_apart(void **state) {
    (void)state;
    trace_event ev[] = {
        {.time = 100, .kind = TRACE_DELIVER, .device = "a.b", .port = "c", .packet_id = 1},
        {.time = 101, .kind = TRACE_DELIVER, .device = "a", .port = "b.c", .packet_id = 2},
        {.time = 102, .kind = TRACE_DELIVER, .device = "?", .packet_id = 3},
        {.time = 103, .kind = TRACE_DELIVER, .packet_id = 4},
    };
    seen_fates s = fates_after(ev, sizeof ev / sizeof ev[0]);
    assert_int_equal(s.n_packets, 4);
    static const char *const want[4][3] = {
        {"a.b.c", "a.b", "c"}, {"a.b.c", "a", "b.c"}, {"?", "?", "-"}, {"?", "-", "-"}};
    for (size_t i = 0; i < 4; i++) {
        assert_string_equal(s.where[i], want[i][0]);
        assert_string_equal(s.device[i], want[i][1]);
        assert_string_equal(s.port[i], want[i][2]);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_routed_text),         cmocka_unit_test(test_only_packet),
        cmocka_unit_test(test_routed_json),         cmocka_unit_test(test_hub_segment),
        cmocka_unit_test(test_ip_rewrite),          cmocka_unit_test(test_cycle_and_names),
        cmocka_unit_test(test_wide_link_label),     cmocka_unit_test(test_empty),
        cmocka_unit_test(test_visit_fates),         cmocka_unit_test(test_places_apart),
        cmocka_unit_test(test_headers_kept_apart),  cmocka_unit_test(test_flood_folded),
        cmocka_unit_test(test_small_flood_in_full), cmocka_unit_test(test_filtered_fate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
