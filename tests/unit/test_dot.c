#define _POSIX_C_SOURCE 200809L /* setenv, mkdtemp, rmdir, unlink */
/*
 * test_dot: the Graphviz output of the diagrams. Escaping of hostile names,
 * exactly (HTML-like labels: entities, doubled backslashes, numeric
 * references for non-ASCII, U+FFFD for invalid UTF-8); the DOT of a small
 * fixed network compared in full (subnet clusters, a router-to-router subnet
 * on its link, interface rows, port ids); a decorated view (styles, arrows,
 * labels, hidden devices); the host grid of a busy switch; the step page's
 * escaping; and the diagrams recorder end to end with `dot` off PATH (the
 * .dot files and the note). Runs under the sanitizers: LeakSanitizer fails
 * it if anything leaks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "diagrams/diagrams.h"
#include "diagrams/dot.h"
#include "model/topology.h"
#include "sinks/hop_table.h"
#include "trace/trace.h"
#include "wire/addr.h"
#include "wire/arp.h"
#include "wire/ethernet.h"
#include "wire/icmp.h"
#include "wire/ipv4.h"

/* --- helpers --- */

static char *xdup(const char *s) {
    char *p = malloc(strlen(s) + 1);
    assert_non_null(p);
    strcpy(p, s);
    return p;
}

static ipv4_addr ip(const char *text) {
    ipv4_addr a;
    assert_int_equal(ipv4_parse(text, &a), 0);
    return a;
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

static char *read_file(const char *path) {
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    return slurp(f);
}

static void assert_escape(const char *in, const char *expected) {
    char *out = dot_escape_html(in);
    assert_string_equal(out, expected);
    free(out);
}

/* --- escaping --- */

static void test_escape_hostile(void **state) {
    (void)state;
    assert_escape("host \"A\" <1> & co.", "host &quot;A&quot; &lt;1&gt; &amp; co.");
    assert_escape("sw-1.core \\ back\\N \\n", "sw-1.core \\\\ back\\\\N \\\\n");
    assert_escape("'r' // not a comment", "&#39;r&#39; // not a comment");
    assert_escape("B&amp;<b>bold</b> </script>",
                  "B&amp;amp;&lt;b&gt;bold&lt;/b&gt; &lt;/script&gt;");
    assert_escape("hub-2 ]; node [shape=star", "hub-2 ]; node [shape=star");
    assert_escape("", "");
}

static void test_escape_non_ascii(void **state) {
    (void)state;
    /* Ü (2 bytes), 日本 (3 bytes each), U+1F600 (4 bytes). */
    assert_escape("\xc3\x9cn \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80",
                  "&#220;n &#26085;&#26412; &#128512;");
    /* A lone continuation byte, an overlong '/', a surrogate, a cut sequence. */
    assert_escape("a\x80z", "a&#65533;z");
    assert_escape("\xc0\xaf", "&#65533;&#65533;");
    assert_escape("\xed\xa0\x80", "&#65533;&#65533;&#65533;");
    assert_escape("x\xe6\x97", "x&#65533;&#65533;");
    /* Control characters become spaces: one label line stays one line. */
    assert_escape("a\tb\nc\x7f", "a b c ");
}

/* --- a small fixed network --- */

static void set_iface(model_iface *f, const char *name, uint64_t mac, const char *addr, int len) {
    f->name = xdup(name);
    f->mac = mac_from_u64(mac);
    if (addr) {
        f->has_ip = true;
        f->ip = ip(addr);
        f->prefix_len = len;
    }
}

static void set_device(model_device *d, const char *name, device_type type, size_t n_ifaces) {
    d->name = xdup(name);
    d->type = type;
    d->n_ifaces = n_ifaces;
    d->ifaces = calloc(n_ifaces, sizeof *d->ifaces);
    assert_non_null(d->ifaces);
}

static model_link link_of(size_t a, size_t ai, size_t b, size_t bi) {
    return (model_link){.a = {a, ai}, .b = {b, bi}};
}

/* A <1> -- sw1 -- r1 -- r2, with a spare switch port: */
static model_topology *small_network(void) {
    model_topology *t = calloc(1, sizeof *t);
    assert_non_null(t);
    t->name = xdup("small");
    t->n_devices = 4;
    t->devices = calloc(4, sizeof *t->devices);
    assert_non_null(t->devices);
    set_device(&t->devices[0], "A <1>", DEVICE_HOST, 1);
    set_iface(&t->devices[0].ifaces[0], "eth0", 0x020000010001ull, "10.0.1.10", 24);
    t->devices[0].has_gateway = true;
    t->devices[0].gateway = ip("10.0.1.1");
    set_device(&t->devices[1], "sw1", DEVICE_SWITCH, 3);
    set_iface(&t->devices[1].ifaces[0], "p1", 0x020000020001ull, NULL, 0);
    set_iface(&t->devices[1].ifaces[1], "p2", 0x020000020002ull, NULL, 0);
    set_iface(&t->devices[1].ifaces[2], "p3", 0x020000020003ull, NULL, 0);
    set_device(&t->devices[2], "r1", DEVICE_ROUTER, 2);
    set_iface(&t->devices[2].ifaces[0], "eth0", 0x020000030001ull, "10.0.1.1", 24);
    set_iface(&t->devices[2].ifaces[1], "eth1", 0x020000030002ull, "10.0.2.1", 30);
    set_device(&t->devices[3], "r2", DEVICE_ROUTER, 1);
    set_iface(&t->devices[3].ifaces[0], "eth0", 0x020000040001ull, "10.0.2.2", 30);
    t->n_links = 3;
    t->links = calloc(3, sizeof *t->links);
    assert_non_null(t->links);
    t->links[0] = link_of(0, 0, 1, 0);
    t->links[1] = link_of(1, 1, 2, 0);
    t->links[2] = link_of(2, 1, 3, 0);
    return t;
}

static char *dot_of(const model_topology *t, const dot_view *v) {
    dot_topology *d = dot_topology_new(t);
    assert_non_null(d);
    FILE *f = tmpfile();
    assert_non_null(f);
    dot_write_topology(f, d, v);
    dot_topology_free(d);
    return slurp(f);
}

#define TABLE   "<TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"0\" CELLPADDING=\"1\">"
#define KIND(k) " <FONT POINT-SIZE=\"8\" COLOR=\"#555555\">" k "</FONT></TD></TR>"

static const char small_dot[] =
    "graph topology {\n"
    "  graph [rankdir=LR, fontname=\"Helvetica\", fontsize=11, nodesep=0.3, ranksep=0.45, "
    "pad=0.2, newrank=true];\n"
    "  node [fontname=\"Helvetica\", fontsize=11, margin=\"0.08,0.04\", penwidth=1.2];\n"
    "  edge [fontname=\"Helvetica\", fontsize=9, color=\"#5b6770\", penwidth=1.6];\n"
    "  subgraph cluster_1 {\n"
    "    graph [id=\"cluster_1\", label=<<B>10.0.1.0/24</B>>, style=\"rounded,filled\", "
    "fillcolor=\"#f4f7fa\", color=\"#9cb4cc\", fontcolor=\"#35506b\", labeljust=l, labelloc=t, "
    "margin=10];\n"
    "    n1 [id=\"n1\", shape=box, style=\"rounded,filled\", fillcolor=\"#dbeafe\", "
    "color=\"#1d4ed8\", label=<" TABLE "<TR><TD><B>A &lt;1&gt;</B>" KIND(
        "host") "<TR><TD PORT=\"i0\" ALIGN=\"LEFT\"><FONT POINT-SIZE=\"9\">eth0 10.0.1.10/24<BR "
                "ALIGN=\"LEFT\"/>02:00:00:01:00:01</FONT></TD></TR><TR><TD ALIGN=\"LEFT\"><FONT "
                "POINT-SIZE=\"8\" COLOR=\"#555555\">gateway 10.0.1.1</FONT></TD></TR></TABLE>>];\n"
                "    n2 [id=\"n2\", shape=box3d, style=\"filled\", fillcolor=\"#dcfce7\", "
                "color=\"#15803d\", label=<" TABLE "<TR><TD><B>sw1</B>" KIND(
                    "switch") "<TR><TD PORT=\"i0\"><FONT "
                              "POINT-SIZE=\"9\">p1</FONT></TD></TR><TR><TD PORT=\"i1\"><FONT "
                              "POINT-SIZE=\"9\">p2</FONT></TD></TR></TABLE>>];\n"
                              "  }\n"
                              "  n3 [id=\"n3\", shape=cylinder, style=\"filled\", "
                              "fillcolor=\"#fee2e2\", "
                              "color=\"#b91c1c\", label=<" TABLE "<TR><TD><B>r1</B>" KIND(
                                  "router") "<TR><TD PORT=\"i0\" ALIGN=\"LEFT\"><FONT "
                                            "POINT-SIZE=\"9\">eth0 10.0.1.1/24<BR "
                                            "ALIGN=\"LEFT\"/>02:00:00:03:00:01</FONT></TD></"
                                            "TR><TR><TD PORT=\"i1\" ALIGN=\"LEFT\"><FONT "
                                            "POINT-SIZE=\"9\">eth1 10.0.2.1/30<BR "
                                            "ALIGN=\"LEFT\"/>02:00:00:03:00:02</FONT></TD></TR>"
                                            "</TABLE>>];\n"
                                            "  n4 [id=\"n4\", shape=cylinder, style=\"filled\", "
                                            "fillcolor=\"#fee2e2\", "
                                            "color=\"#b91c1c\", label=<" TABLE
                                            "<TR><TD><B>r2</B>" KIND(
                                                "router") "<TR><TD PORT=\"i0\" "
                                                          "ALIGN=\"LEFT\"><FONT "
                                                          "POINT-SIZE=\"9\">eth0 10.0.2.2/30<BR "
                                                          "ALIGN=\"LEFT\"/>02:00:00:04:00:01</"
                                                          "FONT></TD></TR></TABLE>>];\n"
                                                          "  n1:i0 -- n2:i0 [id=\"l0\"];\n"
                                                          "  n2:i1 -- n3:i0 [id=\"l1\"];\n"
                                                          "  n3:i1 -- n4:i0 [id=\"l2\", "
                                                          "label=<<FONT POINT-SIZE=\"8\" "
                                                          "COLOR=\"#35506b\">10.0.2.0/30</"
                                                          "FONT>>];\n"
                                                          "}\n";

static void test_topology_dot(void **state) {
    (void)state;
    model_topology *t = small_network();
    char *text = dot_of(t, NULL);
    assert_string_equal(text, small_dot);
    free(text);
    dot_topology *d = dot_topology_new(t);
    assert_int_equal(dot_topology_cluster_count(d), 1);
    dot_topology_free(d);
    model_free(t);
}

static void test_decorated_view(void **state) {
    (void)state;
    model_topology *t = small_network();
    dot_link_style styles[3] = {
        {.color = "#d97706", .penwidth = 3, .dir = DOT_DIR_BA, .label = "<B>1</B>"},
        {0},
        {.dir = DOT_DIR_BOTH},
    };
    bool show[4] = {true, true, true, false};
    dot_view v = {.links = styles,
                  .dim_plain_links = true,
                  .show = show,
                  .label = "caption &amp; more",
                  .label_at_bottom = true,
                  .extra = "  mark [label=<x>];\n  n3 -- mark;\n"};
    char *text = dot_of(t, &v);
    assert_non_null(strstr(text, "pad=0.2, newrank=true, labelloc=b, label=<caption &amp; "
                                 "more>];\n"));
    assert_non_null(strstr(text, "  n1:i0 -- n2:i0 [id=\"l0\", color=\"#d97706\", "
                                 "fontcolor=\"#d97706\", penwidth=3.0, dir=back, arrowsize=0.8, "
                                 "label=<<B>1</B>>];\n"));
    assert_non_null(strstr(text, "  n2:i1 -- n3:i0 [id=\"l1\", color=\"#b4bcc5\", penwidth=1];\n"));
    /* The extra statements come after the links, inside the graph. */
    assert_non_null(strstr(text, "[id=\"l1\", color=\"#b4bcc5\", penwidth=1];\n  mark "
                                 "[label=<x>];\n  n3 -- mark;\n}\n"));
    /* r2 is hidden, and so is its link. */
    assert_null(strstr(text, "n4"));
    assert_null(strstr(text, "l2"));
    free(text);
    model_free(t);
}

/* Two subnets behind one switch are listed together; six hosts on one
 * switch side become a grid of two columns (rows of three). */
static void test_clusters_and_grid(void **state) {
    (void)state;
    model_topology *t = calloc(1, sizeof *t);
    assert_non_null(t);
    t->name = xdup("grid");
    t->n_devices = 7;
    t->devices = calloc(7, sizeof *t->devices);
    assert_non_null(t->devices);
    set_device(&t->devices[0], "sw", DEVICE_HUB, 6);
    t->n_links = 6;
    t->links = calloc(6, sizeof *t->links);
    assert_non_null(t->links);
    for (size_t i = 0; i < 6; i++) {
        char name[8], addr[16];
        snprintf(name, sizeof name, "p%zu", i + 1);
        set_iface(&t->devices[0].ifaces[i], name, 0x020000000100ull + i, NULL, 0);
        snprintf(name, sizeof name, "h%zu", i);
        snprintf(addr, sizeof addr, "10.0.%d.%zu", i < 3 ? 1 : 2, i + 1);
        set_device(&t->devices[i + 1], name, DEVICE_HOST, 1);
        set_iface(&t->devices[i + 1].ifaces[0], "eth0", 0x020000000200ull + i, addr, 24);
        t->links[i] = link_of(i + 1, 0, 0, i);
    }
    char *text = dot_of(t, NULL);
    assert_non_null(strstr(text, "label=<<B>10.0.1.0/24, 10.0.2.0/24</B>>"));
    assert_non_null(strstr(text, "  n5 -- n2 [style=invis];\n"
                                 "  n6 -- n3 [style=invis];\n"
                                 "  n7 -- n4 [style=invis];\n}\n"));
    free(text);
    model_free(t);
}

/* --- the step page --- */

static void test_steps_page_escaping(void **state) {
    (void)state;
    steps_page_step steps[2] = {
        {"001.svg", "caption </script><b>\"x\" & 'y' \\ \xe6\x97\xa5 \xf0\x9f\x98\x80", NULL},
        {"002.svg", "second", "0.000001  A.eth0  send"},
    };
    FILE *f = tmpfile();
    assert_non_null(f);
    assert_int_equal(steps_html_write(f, "t <&>", steps, 2, "note \"n\""), 0);
    char *page = slurp(f);
    /* The only </script> is the page's own. */
    const char *end = strstr(page, "</script>");
    assert_non_null(end);
    assert_null(strstr(end + 1, "</script>"));
    assert_non_null(strstr(page, "<title>t &lt;&amp;&gt;</title>"));
    assert_non_null(strstr(page, "<p class=\"note\">note &quot;n&quot;</p>"));
    assert_non_null(strstr(page, "{svg: \"001.svg\", caption: \"caption "
                                 "\\u003c/script\\u003e\\u003cb\\u003e\\\"x\\\" \\u0026 "
                                 "\\u0027y\\u0027 \\\\ \\u65e5 \\ud83d\\ude00\", line: \"\"},\n"));
    assert_non_null(strstr(page, "{svg: \"002.svg\", caption: \"second\", line: \"0.000001  "
                                 "A.eth0  send\"}\n];\n"));
    /* In the no-script list, HTML entities. */
    assert_non_null(strstr(page, "<li><a href=\"001.svg\">caption &lt;/script&gt;&lt;b&gt;"
                                 "&quot;x&quot; &amp; &#39;y&#39; \\ &#26085; &#128512;</a>"
                                 "</li>\n"));
    for (const char *p = page; *p; p++)
        assert_true((unsigned char)*p < 0x80);
    free(page);
}

/* --- the recorder, end to end, without Graphviz --- */

#define ICMP_LEN (ETH_HEADER_LEN + IPV4_HEADER_LEN + ICMP_HEADER_LEN + 8)

static void put_eth(uint8_t *buf, uint64_t src, uint64_t dst, uint16_t ethertype) {
    eth_header e = {.dst = mac_from_u64(dst), .src = mac_from_u64(src), .ethertype = ethertype};
    eth_emit(&e, buf);
}

static void build_echo(uint8_t *buf, uint64_t mac_src, uint64_t mac_dst, const char *ip_src,
                       const char *ip_dst, uint8_t ttl, uint16_t seq) {
    memset(buf, 0, ICMP_LEN);
    put_eth(buf, mac_src, mac_dst, ETHERTYPE_IPV4);
    ipv4_header h = {.header_len = IPV4_HEADER_LEN,
                     .total_len = ICMP_LEN - ETH_HEADER_LEN,
                     .id = 7,
                     .ttl = ttl,
                     .protocol = IPPROTO_ICMP_NUM,
                     .src = ip(ip_src),
                     .dst = ip(ip_dst)};
    ipv4_emit(&h, buf + ETH_HEADER_LEN);
    icmp_header ih = {.type = ICMP_ECHO_REQUEST, .id = 0x1c2b, .seq = seq};
    icmp_emit(&ih, buf + ETH_HEADER_LEN + IPV4_HEADER_LEN,
              ICMP_LEN - ETH_HEADER_LEN - IPV4_HEADER_LEN);
}

static void build_arp_request(uint8_t *buf, uint64_t sender_mac, const char *sender_ip,
                              const char *target_ip) {
    memset(buf, 0, ETH_MIN_FRAME_LEN);
    put_eth(buf, sender_mac, 0xffffffffffffull, ETHERTYPE_ARP);
    arp_packet p = {.op = ARP_OP_REQUEST,
                    .sender_mac = mac_from_u64(sender_mac),
                    .sender_ip = ip(sender_ip),
                    .target_ip = ip(target_ip)};
    arp_emit(&p, buf + ETH_HEADER_LEN);
}

/* The recorder test's links: wire events carry their ends as facts, as
 * net_trace_wire sets them; a port that is no end of the link gets none. */
static const hop_link recorder_links[] = {
    {"A.eth0--sw1.p1", {"A <1>", "sw1"}, {"eth0", "p1"}, NULL},
    {"sw1.p2--r1.eth0", {"sw1", "r1"}, {"p2", "eth0"}, NULL},
    {"r1.eth1--r2.eth0", {"r1", "r2"}, {"eth1", "eth0"}, NULL}};

static trace_wire_ends wire_ends(trace_kind kind, int link, const char *device, const char *port) {
    trace_wire_ends w = {0};
    if (kind != TRACE_WIRE || link < 0 || link >= 3)
        return w;
    const hop_link *l = &recorder_links[link];
    for (int side = 0; side < 2; side++)
        if (strcmp(l->device[side], device) == 0 && strcmp(l->port[side], port) == 0)
            return (trace_wire_ends){.tx_device = l->device[side],
                                     .tx_port = l->port[side],
                                     .rx_device = l->device[1 - side],
                                     .rx_port = l->port[1 - side],
                                     .tx_side = side};
    return w;
}

static void emit(trace_bus *bus, trace_kind kind, uint64_t time, int link, const char *device,
                 const char *port, uint32_t packet, const uint8_t *frame, size_t len,
                 const char *why) {
    trace_event ev = {.time = time,
                      .wire = wire_ends(kind, link, device, port),
                      .kind = kind,
                      .device = device,
                      .port = port,
                      .link = link,
                      .frame = frame,
                      .frame_len = len,
                      .packet_id = packet,
                      .why = why};
    trace_emit(bus, &ev);
}

/* A delivery or drop of `packet` at r2.eth0. */
static void emit_fate(trace_bus *bus, trace_kind kind, uint64_t time, uint32_t packet,
                      const uint8_t *frame, size_t len, const char *why, trace_reason reason) {
    trace_event ev = {.time = time,
                      .kind = kind,
                      .device = "r2",
                      .port = "eth0",
                      .link = -1,
                      .frame = frame,
                      .frame_len = len,
                      .packet_id = packet,
                      .why = why,
                      .reason = reason};
    trace_emit(bus, &ev);
}

static void remove_tree(const char *dir) {
    static const char *const files[] = {"topology.dot",
                                        "ladder.dot",
                                        "ladder-10.0.1.1--10.0.1.10.dot",
                                        "ladder-10.0.1.10--10.0.2.2.dot",
                                        "ladder-10.0.2.1--10.0.2.2.dot",
                                        "paths/1.dot",
                                        "paths/2.dot",
                                        "paths/3.dot",
                                        "steps/001.dot",
                                        "steps/002.dot",
                                        "steps/003.dot",
                                        "steps/004.dot",
                                        "steps/005.dot",
                                        "steps/index.html"};
    char path[512];
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        unlink(path);
    }
    snprintf(path, sizeof path, "%s/paths", dir);
    assert_int_equal(rmdir(path), 0);
    snprintf(path, sizeof path, "%s/steps", dir);
    assert_int_equal(rmdir(path), 0);
    assert_int_equal(rmdir(dir), 0);
}

static void test_recorder_without_dot(void **state) {
    (void)state;
    model_topology *t = small_network();
    const hop_link *links = recorder_links;
    static const hop_device devices[] = {
        {"A <1>", 0, 0}, {"sw1", 0, 1}, {"r1", 0, 0}, {"r2", 0, 0}};
    hop_table *hops = hop_table_new(links, 3, devices, 4);
    diagram_options o = {.steps = true};
    diagrams *d = diagrams_new(t, &o);
    trace_bus *bus = trace_bus_new();
    assert_non_null(hops);
    assert_non_null(d);
    assert_non_null(bus);
    trace_bus_subscribe(bus, hop_table_as_sink(hops));
    trace_bus_subscribe(bus, diagrams_as_sink(d));

    uint8_t arp[ETH_MIN_FRAME_LEN], echo1[ICMP_LEN], echo2[ICMP_LEN];
    build_arp_request(arp, 0x020000010001ull, "10.0.1.10", "10.0.1.1");
    emit(bus, TRACE_SEND, 0, -1, "A <1>", "eth0", 2, arp, sizeof arp, "ARP cache miss");
    emit(bus, TRACE_WIRE, 0, 0, "A <1>", "eth0", 2, arp, sizeof arp, NULL);
    build_echo(echo1, 0x020000010001ull, 0x020000030001ull, "10.0.1.10", "10.0.2.2", 64, 1);
    build_echo(echo2, 0x020000030002ull, 0x020000040001ull, "10.0.1.10", "10.0.2.2", 63, 1);
    emit(bus, TRACE_SEND, 1000, -1, "A <1>", "eth0", 1, echo1, sizeof echo1, NULL);
    emit(bus, TRACE_FORWARD, 1000, -1, "sw1", "p1", 1, echo1, sizeof echo1, NULL);
    emit(bus, TRACE_WIRE, 1000, 1, "sw1", "p2", 1, echo1, sizeof echo1, NULL);
    emit(bus, TRACE_WIRE, 2000, 2, "r1", "eth1", 1, echo2, sizeof echo2, NULL);
    /* Packet 3 leaves r1 with another source address: an IP rewrite, as by NAT. */
    uint8_t nat_in[ICMP_LEN], nat_out[ICMP_LEN];
    build_echo(nat_in, 0x020000010001ull, 0x020000030001ull, "10.0.1.10", "10.0.2.2", 64, 2);
    build_echo(nat_out, 0x020000030002ull, 0x020000040001ull, "10.0.2.1", "10.0.2.2", 63, 2);
    emit(bus, TRACE_SEND, 4000, -1, "A <1>", "eth0", 3, nat_in, sizeof nat_in, NULL);
    emit(bus, TRACE_WIRE, 4000, 1, "sw1", "p2", 3, nat_in, sizeof nat_in, NULL);
    emit(bus, TRACE_WIRE, 5000, 2, "r1", "eth1", 3, nat_out, sizeof nat_out, NULL);
    /* Ignored: an unknown link, and a transmitter that is not an end of the link. */
    emit(bus, TRACE_WIRE, 3000, 9, "r1", "eth1", 1, echo2, sizeof echo2, NULL);
    emit(bus, TRACE_WIRE, 3000, 0, "r2", "eth0", 1, echo2, sizeof echo2, NULL);
    /* Fates: r2 drops packet 1 and so sends packet 4 at the same instant; it
     * delivers packet 3. */
    emit_fate(bus, TRACE_DROP, 6000, 1, echo2, sizeof echo2, "TTL expired in transit",
              TRACE_REASON_TTL_EXPIRED);
    uint8_t error[ICMP_LEN];
    build_echo(error, 0x020000040001ull, 0x020000030002ull, "10.0.2.2", "10.0.1.10", 64, 9);
    emit(bus, TRACE_SEND, 6000, -1, "r2", "eth0", 4, error, sizeof error, NULL);
    emit_fate(bus, TRACE_DELIVER, 7000, 3, nat_out, sizeof nat_out,
              "echo request for this host: replying", TRACE_REASON_NONE);

    char dir[] = "/tmp/test_dot_XXXXXX";
    assert_non_null(mkdtemp(dir));
    const char *saved = getenv("PATH");
    char *path_env = saved ? xdup(saved) : NULL;
    assert_int_equal(setenv("PATH", "/nonexistent", 1), 0);
    ns_error err = {0};
    char note[512];
    int rc = diagrams_write(d, hops, dir, &err, note, sizeof note);
    if (path_env) {
        setenv("PATH", path_env, 1);
        free(path_env);
    }
    assert_int_equal(rc, 0);
    assert_string_equal(note, "Graphviz's dot is not on PATH: wrote the .dot diagrams only "
                              "(install graphviz to get .svg)");

    char file[512];
    snprintf(file, sizeof file, "%s/ladder.dot", dir);
    char *ladder = read_file(file);
    assert_non_null(strstr(ladder, "label=<<FONT COLOR=\"#6b7280\">#2</FONT> ARP who-has "
                                   "10.0.1.1>"));
    /* One arrow per packet, end to end: packet 1 from A to r2, which drops it. */
    assert_non_null(strstr(ladder, "label=<<FONT COLOR=\"#6b7280\">#1</FONT> ICMP echo request "
                                   "seq=1 <FONT COLOR=\"#b91c1c\">&#215; dropped at r2 "
                                   "(ttl_expired)</FONT>>"));
    assert_non_null(strstr(ladder, "<B>A &lt;1&gt;</B>"));
    /* Columns for the ends only, in order of first appearance; the switch
     * between them gets none. */
    char *a = strstr(ladder, "  h0 ["), *r1 = strstr(ladder, "  h1 ["),
         *r2 = strstr(ladder, "  h2 [");
    assert_true(a && r1 && r2);
    assert_true(strstr(a, "<B>A &lt;1&gt;</B>") < r1 && strstr(r1, "<B>r1</B>") < r2);
    assert_non_null(strstr(r2, "<B>r2</B>"));
    assert_null(strstr(ladder, "<B>sw1</B>"));
    assert_non_null(strstr(ladder, "  l3 [")); /* four packets sent: rows 0 to 3 */
    assert_null(strstr(ladder, "  l4 ["));
    free(ladder);
    snprintf(file, sizeof file, "%s/ladder-10.0.1.10--10.0.2.2.dot", dir);
    char *flow = read_file(file);
    assert_non_null(strstr(flow, "10.0.1.10 &#8596; 10.0.2.2"));
    free(flow);
    snprintf(file, sizeof file, "%s/paths/1.dot", dir);
    char *path1 = read_file(file);
    assert_non_null(strstr(path1, "MAC rewritten by r1, IP unchanged, TTL 64 -&gt; 63"));
    assert_non_null(strstr(path1, "n3:i1 -- n4:i0 [id=\"l2\", color=\"#d97706\""));
    /* Where it died: a mark at r2 and a last row, from the drop's facts. */
    assert_non_null(strstr(path1, "  fate1 [id=\"fate1\", shape=octagon, "));
    assert_non_null(strstr(path1, "label=<<B>&#10005; dropped by r2.eth0</B><BR/>TTL expired in "
                                  "transit (ttl_expired)<BR/>&#8594; packet #4: ICMP echo request "
                                  "seq=9>];\n  n4 -- fate1 [color=\"#b91c1c\", style=dashed"));
    assert_non_null(strstr(path1, "<B>dropped</B>: TTL expired in transit (ttl_expired) &#8594; "
                                  "packet #4: ICMP echo request seq=9</FONT></TD></TR></TABLE>"));
    free(path1);
    snprintf(file, sizeof file, "%s/steps/index.html", dir);
    char *page = read_file(file);
    assert_non_null(strstr(page, "{svg: \"001.svg\", caption: \"step 1 of 5"));
    assert_non_null(strstr(page, "line: \"0.000000000  A \\u003c1\\u003e.eth0  send  #2  "
                                 "02:00:00:01:00:01 \\u003e ff:ff:ff:ff:ff:ff  ARP who-has "
                                 "10.0.1.1 tell 10.0.1.10  (ARP cache miss)\"}"));
    free(page);
    snprintf(file, sizeof file, "%s/steps/003.dot", dir);
    char *step3 = read_file(file);
    assert_non_null(strstr(step3, "step 3 of 5"));
    assert_non_null(strstr(step3, "n3:i1 -- n4:i0 [id=\"l2\", color=\"#1d4ed8\""));
    free(step3);
    snprintf(file, sizeof file, "%s/paths/3.dot", dir);
    char *path3 = read_file(file);
    assert_non_null(strstr(path3, "n3:i1 -- n4:i0 [id=\"l2\", color=\"#dc2626\", "
                                  "fontcolor=\"#dc2626\", penwidth=3.0, dir=forward"));
    assert_non_null(strstr(path3, "<TD><FONT COLOR=\"#dc2626\"><B>IP rewritten</B></FONT></TD>"));
    assert_non_null(strstr(path3, "IP rewritten by r1: 10.0.1.10 -&gt; 10.0.2.1, TTL 64 -&gt; 63"));
    assert_non_null(strstr(path3, "<FONT COLOR=\"#dc2626\"><B>10.0.2.1 &#8594; "
                                  "10.0.2.2</B></FONT>"));
    assert_non_null(strstr(path3, "label=<&#10003; delivered to r2.eth0<BR/>echo request for "
                                  "this host: replying>];\n  n4 -- fate1 [color=\"#15803d\", "
                                  "style=dotted"));
    assert_null(strstr(path3, "dropped"));
    free(path3);
    snprintf(file, sizeof file, "%s/paths/2.dot", dir);
    char *path2 = read_file(file);
    assert_null(strstr(path2, "fate1")); /* no delivery or drop traced */
    free(path2);

    remove_tree(dir);
    trace_bus_free(bus);
    diagrams_free(d);
    hop_table_free(hops);
    model_free(t);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escape_hostile),       cmocka_unit_test(test_escape_non_ascii),
        cmocka_unit_test(test_topology_dot),         cmocka_unit_test(test_decorated_view),
        cmocka_unit_test(test_clusters_and_grid),    cmocka_unit_test(test_steps_page_escaping),
        cmocka_unit_test(test_recorder_without_dot),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
