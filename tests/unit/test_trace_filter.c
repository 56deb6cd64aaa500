/*
 * test_trace_filter: --filter parsing (exact messages) and matching by
 * device, protocol (dhcp and dns recognised by port) and packet id.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "trace/filter.h"

/* Ethernet + IPv4 (ihl 5) + the first 4 bytes of a UDP header. */
static void udp_frame(uint8_t *f, unsigned sport, unsigned dport) {
    memset(f, 0, 42);
    f[12] = 0x08;
    f[14] = 0x45;
    f[23] = 17;
    f[34] = (uint8_t)(sport >> 8);
    f[35] = (uint8_t)sport;
    f[36] = (uint8_t)(dport >> 8);
    f[37] = (uint8_t)dport;
}

static trace_event event(trace_kind kind, const char *device, const uint8_t *frame, size_t len,
                         uint32_t packet) {
    return (trace_event){.kind = kind,
                         .device = device,
                         .frame = frame,
                         .frame_len = len,
                         .packet_id = packet,
                         .link = -1};
}

static void test_protocol_of_frames(void **state) {
    (void)state;
    uint8_t f[60];
    udp_frame(f, 68, 67);
    assert_string_equal(trace_filter_protocol(f, 42), "dhcp");
    udp_frame(f, 40000, 53);
    assert_string_equal(trace_filter_protocol(f, 42), "dns");
    udp_frame(f, 40000, 9);
    assert_string_equal(trace_filter_protocol(f, 42), "udp");
    f[23] = 6;
    assert_string_equal(trace_filter_protocol(f, 42), "tcp");
    f[23] = 1;
    assert_string_equal(trace_filter_protocol(f, 42), "icmp");
    f[12] = 0x08;
    f[13] = 0x06;
    assert_string_equal(trace_filter_protocol(f, 42), "arp");
    assert_string_equal(trace_filter_protocol(f, 10), "ethernet");
}

static void test_kinds_combine(void **state) {
    (void)state;
    trace_filter *f = trace_filter_new();
    char msg[256];
    assert_false(trace_filter_active(f));
    assert_int_equal(trace_filter_add(f, "proto=icmp,dns", msg, sizeof msg), 0);
    assert_int_equal(trace_filter_add(f, "device=r1", msg, sizeof msg), 0);
    assert_true(trace_filter_active(f));
    uint8_t dns[60], dhcp[60];
    udp_frame(dns, 40000, 53);
    udp_frame(dhcp, 68, 67);
    trace_event e = event(TRACE_SEND, "r1", dns, 42, 7);
    assert_true(trace_filter_match(f, &e));
    e.device = "A"; /* right protocol, wrong device */
    assert_false(trace_filter_match(f, &e));
    e = event(TRACE_SEND, "r1", dhcp, 42, 7); /* right device, wrong protocol */
    assert_false(trace_filter_match(f, &e));
    e = event(TRACE_LEARN, "r1", NULL, 0, 0); /* no frame, no protocol */
    assert_false(trace_filter_match(f, &e));
    e = event(TRACE_RUN, NULL, NULL, 0, 0); /* run lines always pass */
    assert_true(trace_filter_match(f, &e));
    trace_filter_free(f);
}

static void test_udp_includes_dhcp_and_dns(void **state) {
    (void)state;
    trace_filter *f = trace_filter_new();
    char msg[256];
    assert_int_equal(trace_filter_add(f, "proto=udp", msg, sizeof msg), 0);
    uint8_t dhcp[60];
    udp_frame(dhcp, 68, 67);
    trace_event e = event(TRACE_SEND, "A", dhcp, 42, 1);
    assert_true(trace_filter_match(f, &e));
    trace_filter_free(f);
}

static void test_frameless_protocols(void **state) {
    (void)state;
    trace_filter *f = trace_filter_new();
    char msg[256];
    assert_int_equal(trace_filter_add(f, "proto=arp", msg, sizeof msg), 0);
    trace_event e = event(TRACE_ARP, "A", NULL, 0, 0);
    assert_true(trace_filter_match(f, &e));
    e.kind = TRACE_STATE;
    assert_false(trace_filter_match(f, &e));
    trace_filter_free(f);
}

static void test_packets(void **state) {
    (void)state;
    trace_filter *f = trace_filter_new();
    char msg[256];
    assert_int_equal(trace_filter_add(f, "packet=3,12", msg, sizeof msg), 0);
    trace_event e = event(TRACE_SEND, "A", NULL, 0, 12);
    assert_true(trace_filter_match(f, &e));
    e.packet_id = 1;
    assert_false(trace_filter_match(f, &e));
    e.packet_id = 0;
    assert_false(trace_filter_match(f, &e));
    trace_filter_free(f);
}

static void test_errors(void **state) {
    (void)state;
    trace_filter *f = trace_filter_new();
    char msg[256];
    assert_int_equal(trace_filter_add(f, "colour=red", msg, sizeof msg), -1);
    assert_string_equal(msg, "--filter \"colour=red\": expected device=NAME, proto=PROTOCOL or "
                             "packet=ID (several values separated by commas)");
    assert_int_equal(trace_filter_add(f, "proto=http", msg, sizeof msg), -1);
    assert_string_equal(msg, "--filter \"proto=http\": \"http\" is not a protocol; expected arp, "
                             "icmp, udp, tcp, dhcp or dns");
    assert_int_equal(trace_filter_add(f, "packet=-2", msg, sizeof msg), -1);
    assert_string_equal(msg, "--filter \"packet=-2\": \"-2\" is not a packet number; expected a "
                             "number such as 3 (the #3 of the trace)");
    assert_int_equal(trace_filter_add(f, "device=A,,B", msg, sizeof msg), -1);
    assert_string_equal(msg, "--filter \"device=A,,B\": an empty value; expected device=VALUE");
    trace_filter_free(f);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_protocol_of_frames),
        cmocka_unit_test(test_kinds_combine),
        cmocka_unit_test(test_udp_includes_dhcp_and_dns),
        cmocka_unit_test(test_frameless_protocols),
        cmocka_unit_test(test_packets),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
