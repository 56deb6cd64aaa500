/*
 * test_trace_text: the human trace sink, checked against exact expected text
 * for fixed events carrying a real ARP request and a real ICMP echo request.
 * Every expectation is the whole output, so any change of spacing fails.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sinks/trace_text.h"

/* 02:00:00:00:01:01 (10.0.0.1) asks who has 10.0.0.2; padded to 60 bytes. */
static const uint8_t arp_request[60] = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x00, 0x00, 0x00, 0x01, 0x01, 0x08, 0x06,
    0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x01, 0x01,
    0x0a, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x02,
};

/* Echo request 10.0.0.1 > 10.0.0.2, id 0x1c2b, seq 1, TTL 64, IP id 0x1234,
 * 56 data bytes 0x10..0x47; both checksums correct. */
static const uint8_t icmp_echo[98] = {
    0x02, 0x00, 0x00, 0x00, 0x02, 0x01, 0x02, 0x00, 0x00, 0x00, 0x01, 0x01, 0x08, 0x00,
    0x45, 0x00, 0x00, 0x54, 0x12, 0x34, 0x40, 0x00, 0x40, 0x01, 0x14, 0x73, 0x0a, 0x00,
    0x00, 0x01, 0x0a, 0x00, 0x00, 0x02, 0x08, 0x00, 0x22, 0xff, 0x1c, 0x2b, 0x00, 0x01,
    0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d,
    0x1e, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x2b,
    0x2c, 0x2d, 0x2e, 0x2f, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39,
    0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f, 0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47,
};

static trace_event event(uint64_t time, trace_kind kind, const char *device, const char *port) {
    trace_event ev = {.time = time, .kind = kind, .device = device, .port = port, .link = -1};
    return ev;
}

static trace_event with_frame(trace_event ev, const uint8_t *frame, size_t len) {
    ev.frame = frame;
    ev.frame_len = len;
    return ev;
}

/* Runs the events through a text sink on the bus and returns everything it
 * wrote (caller frees). */
static char *render(const trace_event *evs, size_t n, int where_width) {
    FILE *f = tmpfile();
    assert_non_null(f);
    text_sink *sink = text_sink_new(f, where_width);
    assert_non_null(sink);
    trace_bus *bus = trace_bus_new();
    assert_non_null(bus);
    trace_bus_subscribe(bus, text_sink_as_sink(sink));
    for (size_t i = 0; i < n; i++)
        trace_emit(bus, &evs[i]);
    trace_bus_free(bus);
    text_sink_free(sink);

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

static void expect_text(const trace_event *evs, size_t n, int where_width, const char *expected) {
    char *text = render(evs, n, where_width);
    assert_string_equal(text, expected);
    free(text);
}

static void test_frame_events(void **state) {
    (void)state;
    trace_event evs[4];
    evs[0] = with_frame(event(0, TRACE_SEND, "A", "eth0"), arp_request, sizeof arp_request);
    evs[0].packet_id = 1;
    evs[0].why = "ARP cache miss";
    evs[1] = with_frame(event(1000006720, TRACE_RECEIVE, "B", "eth0"), icmp_echo, sizeof icmp_echo);
    evs[1].packet_id = 2;
    evs[2] =
        with_frame(event(1000012000, TRACE_FORWARD, "r1", "eth1"), icmp_echo, sizeof icmp_echo);
    evs[2].packet_id = 2;
    evs[2].why = "route 10.0.2.0/24";
    evs[2].detail = "ttl 64 -> 63";
    evs[3] = with_frame(event(5120, TRACE_FLOOD, "sw1", "p2"), arp_request, sizeof arp_request);
    evs[3].packet_id = 123456; /* wider than its column: still separated */
    evs[3].why = "destination MAC unknown";
    expect_text(evs, 4, 9,
                "0.000000000  A.eth0     send     #1     02:00:00:00:01:01 > ff:ff:ff:ff:ff:ff  "
                "ARP who-has 10.0.0.2 tell 10.0.0.1  (ARP cache miss)\n"
                "1.000006720  B.eth0     receive  #2     02:00:00:00:01:01 > 02:00:00:00:02:01  "
                "ICMP echo request 10.0.0.1 > 10.0.0.2 id=0x1c2b seq=1 ttl=64\n"
                "1.000012000  r1.eth1    forward  #2     02:00:00:00:01:01 > 02:00:00:00:02:01  "
                "ICMP echo request 10.0.0.1 > 10.0.0.2 id=0x1c2b seq=1 ttl=64  "
                "(route 10.0.2.0/24)  ttl 64 -> 63\n"
                "0.000005120  sw1.p2     flood    #123456 02:00:00:00:01:01 > ff:ff:ff:ff:ff:ff  "
                "ARP who-has 10.0.0.2 tell 10.0.0.1  (destination MAC unknown)\n");
}

static void test_frameless_events(void **state) {
    (void)state;
    trace_event evs[5];
    evs[0] = event(5120, TRACE_LEARN, "sw1", NULL);
    evs[0].detail = "learned 02:00:00:00:01:01 on p1";
    evs[1] = event(7000, TRACE_ARP, "A", NULL);
    evs[1].detail = "10.0.0.2 is-at 02:00:00:00:02:01";
    evs[1].why = "reply received";
    evs[1].packet_id = 1;
    evs[2] = event(9000, TRACE_DROP, "r1", "eth1");
    evs[3] = event(9000, TRACE_BACKOFF, "H1", "eth0");
    evs[3].why = "collision 1, waiting 2 slots";
    evs[4] = event(300000000000, TRACE_TABLE, "sw1", NULL);
    evs[4].detail = "02:00:00:00:01:01 aged out";
    expect_text(evs, 5, 9,
                "0.000005120  sw1        learn           learned 02:00:00:00:01:01 on p1\n"
                "0.000007000  A          arp      #1     10.0.0.2 is-at 02:00:00:00:02:01  "
                "(reply received)\n"
                "0.000009000  r1.eth1    drop\n"
                "0.000009000  H1.eth0    backoff         (collision 1, waiting 2 slots)\n"
                "300.000000000  sw1        table           02:00:00:00:01:01 aged out\n");
}

static void test_app_run_and_wire(void **state) {
    (void)state;
    trace_event evs[6];
    evs[0] = event(0, TRACE_RUN, NULL, NULL);
    evs[0].detail = "start two-hosts";
    evs[0].why = "seed 1";
    evs[1] = with_frame(event(0, TRACE_WIRE, NULL, NULL), arp_request, sizeof arp_request);
    evs[1].link = 0;
    evs[2] = event(1000006720, TRACE_APP, "A", NULL);
    evs[2].detail = "64 bytes from 10.0.0.2: icmp_seq=1 ttl=64 time=0.013 ms";
    evs[3] = event(1000006720, TRACE_APP, "A", NULL);
    evs[4] = event(60000000000, TRACE_RUN, NULL, NULL);
    evs[4].detail = "end";
    evs[5] = event(60000000000, TRACE_RUN, NULL, NULL);
    expect_text(
        evs, 6, 9,
        "0.000000000  * run: start two-hosts (seed 1)\n"
        "1.000006720  A          | 64 bytes from 10.0.0.2: icmp_seq=1 ttl=64 time=0.013 ms\n"
        "1.000006720  A          |\n"
        "60.000000000  * run: end\n"
        "60.000000000  * run\n");
}

static void test_where_column(void **state) {
    (void)state;
    trace_event evs[3];
    evs[0] = event(1, TRACE_RECEIVE, "router-with-long-name", "eth10");
    evs[0].detail = "x";
    evs[1] = event(2, TRACE_RECEIVE, NULL, "p1");
    evs[1].detail = "y";
    evs[2] = event(3, TRACE_RECEIVE, "h", "e");
    evs[2].detail = "z";
    expect_text(evs, 3, 4,
                "0.000000001  router-with-long-name.eth10  receive         x\n"
                "0.000000002  -.p1  receive         y\n"
                "0.000000003  h.e   receive         z\n");
    /* A zero or negative width just separates the columns. */
    expect_text(evs + 2, 1, -5, "0.000000003  h.e  receive         z\n");
    /* Wide characters take two columns: "电脑A.p1" (12 bytes) is 8 columns. */
    evs[0].device = "\xe7\x94\xb5\xe8\x84\x91"
                    "A";
    evs[0].port = "p1";
    expect_text(evs, 1, 10,
                "0.000000001  \xe7\x94\xb5\xe8\x84\x91"
                "A.p1    receive         x\n");
}

static void test_one_line_no_trailing_blanks(void **state) {
    (void)state;
    trace_event evs[3];
    evs[0] = event(0, TRACE_APP, "A", NULL);
    evs[0].detail = "two\nlines\r\tand trailing   \n";
    evs[1] = event(0, TRACE_DELIVER, "A ", "eth0 ");
    evs[1].why = "  ";
    evs[2] = event(0, TRACE_TABLE, "sw1", NULL);
    evs[2].detail = "   ";
    expect_text(evs, 3, 6,
                "0.000000000  A       | two lines  and trailing\n"
                "0.000000000  A .eth0   deliver         (  )\n" /* the name's blank counts */
                "0.000000000  sw1     table\n");
}

/* A broadcast reaching hosts h2.. at one instant: each receives it and drops
 * it (two steps); host i's port is `ports[i]` when given, else eth0. */
static size_t flood_visits(trace_event *evs, size_t hosts, const char *const *ports) {
    static char names[32][8];
    size_t n = 0;
    for (size_t i = 0; i < hosts; i++) {
        snprintf(names[i], sizeof names[i], "h%zu", i + 2);
        const char *port = ports && ports[i] ? ports[i] : "eth0";
        evs[n] = with_frame(event(15440, TRACE_RECEIVE, names[i], port), arp_request,
                            sizeof arp_request);
        evs[n++].packet_id = 2;
        evs[n] =
            with_frame(event(15440, TRACE_DROP, names[i], port), arp_request, sizeof arp_request);
        evs[n].packet_id = 2;
        evs[n++].why = "not this host";
    }
    return n;
}

#define RECEIVED(host)                                                                             \
    "0.000015440  " host "  receive  #2     02:00:00:00:01:01 > ff:ff:ff:ff:ff:ff  "               \
    "ARP who-has 10.0.0.2 tell 10.0.0.1\n"
#define DROPPED(host)                                                                              \
    "0.000015440  " host "  drop     #2     02:00:00:00:01:01 > ff:ff:ff:ff:ff:ff  "               \
    "ARP who-has 10.0.0.2 tell 10.0.0.1  (not this host)\n"

/* Eight hosts repeating the first one's steps become one line naming them. */
static void test_fold_repeats(void **state) {
    (void)state;
    trace_event evs[64];
    size_t n = flood_visits(evs, 9, NULL);
    evs[n] = event(15440, TRACE_TABLE, "sw1", NULL); /* another device: ends the group */
    evs[n++].detail = "x";
    expect_text(evs, n, 8,
                RECEIVED("h2.eth0 ")
                    DROPPED("h2.eth0 ") "0.000015440  h3.eth0   same     #2     as h2.eth0 above "
                                        "(2 steps each) at 8 "
                                        "ports: h3.eth0, h4.eth0, h5.eth0, h6.eth0, h7.eth0, "
                                        "h8.eth0, h9.eth0, h10.eth0\n"
                                        "0.000015440  sw1       table           x\n");
    /* The end of the trace ends the group too. */
    expect_text(evs, n - 1, 8,
                RECEIVED("h2.eth0 ")
                    DROPPED("h2.eth0 ") "0.000015440  h3.eth0   same     #2     as h2.eth0 above "
                                        "(2 steps each) at 8 "
                                        "ports: h3.eth0, h4.eth0, h5.eth0, h6.eth0, h7.eth0, "
                                        "h8.eth0, h9.eth0, h10.eth0\n");
}

/* Seven repeats are printed as they are: a small LAN's trace shows every host. */
static void test_few_repeats_in_full(void **state) {
    (void)state;
    trace_event evs[64];
    size_t n = flood_visits(evs, 8, NULL);
    expect_text(evs, n, 7,
                RECEIVED("h2.eth0") DROPPED("h2.eth0") RECEIVED("h3.eth0") DROPPED("h3.eth0")
                    RECEIVED("h4.eth0") DROPPED("h4.eth0") RECEIVED("h5.eth0") DROPPED("h5.eth0")
                        RECEIVED("h6.eth0") DROPPED("h6.eth0") RECEIVED("h7.eth0")
                            DROPPED("h7.eth0") RECEIVED("h8.eth0") DROPPED("h8.eth0")
                                RECEIVED("h9.eth0") DROPPED("h9.eth0"));
}

/* Only the same steps at a port of the same name fold: h4 on eth1 ends the
 * group started by h2 (h3 is printed in full) and starts its own. */
static void test_fold_needs_same_port(void **state) {
    (void)state;
    trace_event evs[64];
    const char *ports[12] = {[2] = "eth1"};
    size_t n = flood_visits(evs, 12, ports);
    expect_text(evs, n, 8,
                RECEIVED("h2.eth0 ") DROPPED("h2.eth0 ") RECEIVED("h3.eth0 ") DROPPED("h3.eth0 ")
                    RECEIVED("h4.eth1 ") DROPPED("h4.eth1 ") RECEIVED("h5.eth0 ")
                        DROPPED("h5.eth0 ") "0.000015440  h6.eth0   same     #2     as h5.eth0 "
                                            "above (2 steps each) at 8 "
                                            "ports: h6.eth0, h7.eth0, h8.eth0, h9.eth0, h10.eth0, "
                                            "h11.eth0, h12.eth0, "
                                            "h13.eth0\n");
}

static void test_free_null(void **state) {
    (void)state;
    text_sink_free(NULL);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_frame_events),
        cmocka_unit_test(test_frameless_events),
        cmocka_unit_test(test_app_run_and_wire),
        cmocka_unit_test(test_where_column),
        cmocka_unit_test(test_one_line_no_trailing_blanks),
        cmocka_unit_test(test_fold_repeats),
        cmocka_unit_test(test_few_repeats_in_full),
        cmocka_unit_test(test_fold_needs_same_port),
        cmocka_unit_test(test_free_null),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
