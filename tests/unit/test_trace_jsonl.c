/*
 * test_trace_jsonl: the JSON Lines sink, checked against exact expected lines
 * for fixed events (a real ARP request and a real ICMP echo request), and every
 * line parsed back with cJSON to prove it is valid JSON with its keys in the
 * documented order.
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

#include "sinks/trace_jsonl.h"

static const uint8_t arp_request[60] = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x00, 0x00, 0x00, 0x01, 0x01, 0x08, 0x06,
    0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x01, 0x01,
    0x0a, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x02,
};

static const uint8_t icmp_echo[98] = {
    0x02, 0x00, 0x00, 0x00, 0x02, 0x01, 0x02, 0x00, 0x00, 0x00, 0x01, 0x01, 0x08, 0x00,
    0x45, 0x00, 0x00, 0x54, 0x12, 0x34, 0x40, 0x00, 0x40, 0x01, 0x14, 0x73, 0x0a, 0x00,
    0x00, 0x01, 0x0a, 0x00, 0x00, 0x02, 0x08, 0x00, 0x22, 0xff, 0x1c, 0x2b, 0x00, 0x01,
    0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d,
    0x1e, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x2b,
    0x2c, 0x2d, 0x2e, 0x2f, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39,
    0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f, 0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47,
};

static const char *const key_order[] = {
    "t",       "time",        "kind",      "device",  "port",      "link",    "packet",
    "eth_src", "eth_dst",     "ethertype", "proto",   "ip_src",    "ip_dst",  "ttl",
    "ip_id",   "icmp_type",   "icmp_code", "icmp_id", "icmp_seq",  "arp_op",  "summary",
    "len",     "why",         "detail",    "reason",  "tx_device", "tx_port", "rx_device",
    "rx_port", "table",       "key",       "old",     "new",       "ttl_old", "ttl_new",
    "route",   "translation",
};

#define FORMAT_LINE "{\"format\":\"netsim-trace\",\"version\":2}\n"

static const char *const link_names[] = {"A.eth0--sw1.p1", "sw1.p2--B.eth0"};

static trace_event event(uint64_t time, trace_kind kind, const char *device, const char *port) {
    trace_event ev = {.time = time, .kind = kind, .device = device, .port = port, .link = -1};
    return ev;
}

static trace_event with_frame(trace_event ev, const uint8_t *frame, size_t len) {
    ev.frame = frame;
    ev.frame_len = len;
    return ev;
}

/* Reads everything written to f (caller frees). */
static char *slurp(FILE *f) {
    long size = ftell(f);
    assert_true(size >= 0);
    rewind(f);
    char *text = malloc((size_t)size + 1);
    assert_non_null(text);
    assert_int_equal(fread(text, 1, (size_t)size, f), (size_t)size);
    text[size] = '\0';
    return text;
}

static char *render(const trace_event *evs, size_t n) {
    FILE *f = tmpfile();
    assert_non_null(f);
    jsonl_sink *sink = jsonl_sink_new(f, link_names, 2);
    assert_non_null(sink);
    trace_bus *bus = trace_bus_new();
    trace_bus_subscribe(bus, jsonl_sink_as_sink(sink));
    for (size_t i = 0; i < n; i++)
        trace_emit(bus, &evs[i]);
    trace_bus_free(bus);
    jsonl_sink_free(sink);
    char *text = slurp(f);
    fclose(f);
    /* The first line names the format and its version; the events follow. */
    assert_true(strncmp(text, FORMAT_LINE, strlen(FORMAT_LINE)) == 0);
    memmove(text, text + strlen(FORMAT_LINE), strlen(text) - strlen(FORMAT_LINE) + 1);
    return text;
}

/* Parses every line; each must be one JSON object whose keys follow key_order. */
static size_t check_lines(char *text) {
    size_t lines = 0;
    for (char *line = text; *line;) {
        char *nl = strchr(line, '\n');
        assert_non_null(nl);
        *nl = '\0';
        cJSON *obj = cJSON_Parse(line);
        assert_non_null(obj);
        assert_true(cJSON_IsObject(obj));
        size_t next = 0;
        for (cJSON *item = obj->child; item; item = item->next) {
            while (next < sizeof key_order / sizeof key_order[0] &&
                   strcmp(key_order[next], item->string) != 0)
                next++;
            assert_true(next < sizeof key_order / sizeof key_order[0]); /* known, in order */
            next++;
        }
        cJSON_Delete(obj);
        *nl = '\n';
        line = nl + 1;
        lines++;
    }
    return lines;
}

static void test_exact_lines(void **state) {
    (void)state;
    trace_event evs[5];
    evs[0] = with_frame(event(0, TRACE_SEND, "A", "eth0"), arp_request, sizeof arp_request);
    evs[0].packet_id = 1;
    evs[0].why = "ARP cache miss";
    evs[1] = with_frame(event(1000006720, TRACE_WIRE, NULL, NULL), icmp_echo, sizeof icmp_echo);
    evs[1].link = 1;
    evs[1].packet_id = 2;
    evs[2] = event(5120, TRACE_LEARN, "sw1", NULL);
    evs[2].detail = "learned 02:00:00:00:01:01 on p1";
    evs[3] = event(60000000000, TRACE_RUN, NULL, NULL);
    evs[3].detail = "end";
    evs[4] = with_frame(event(7, TRACE_WIRE, NULL, NULL), arp_request, sizeof arp_request);
    evs[4].link = 2; /* no such link: the name is left out */
    char *text = render(evs, 5);
    assert_string_equal(
        text,
        "{\"t\":0,\"time\":\"0.000000000\",\"kind\":\"send\",\"device\":\"A\",\"port\":\"eth0\","
        "\"packet\":1,\"eth_src\":\"02:00:00:00:01:01\",\"eth_dst\":\"ff:ff:ff:ff:ff:ff\","
        "\"ethertype\":\"0x0806\",\"proto\":\"arp\",\"arp_op\":\"request\","
        "\"summary\":\"ARP who-has 10.0.0.2 tell 10.0.0.1\",\"len\":60,"
        "\"why\":\"ARP cache miss\"}\n"
        "{\"t\":1000006720,\"time\":\"1.000006720\",\"kind\":\"wire\","
        "\"link\":\"sw1.p2--B.eth0\",\"packet\":2,\"eth_src\":\"02:00:00:00:01:01\","
        "\"eth_dst\":\"02:00:00:00:02:01\",\"ethertype\":\"0x0800\",\"proto\":\"icmp\","
        "\"ip_src\":\"10.0.0.1\",\"ip_dst\":\"10.0.0.2\",\"ttl\":64,\"ip_id\":4660,"
        "\"icmp_type\":8,\"icmp_code\":0,\"icmp_id\":7211,\"icmp_seq\":1,"
        "\"summary\":\"ICMP echo request 10.0.0.1 > 10.0.0.2 id=0x1c2b seq=1 ttl=64\","
        "\"len\":98}\n"
        "{\"t\":5120,\"time\":\"0.000005120\",\"kind\":\"learn\",\"device\":\"sw1\","
        "\"detail\":\"learned 02:00:00:00:01:01 on p1\"}\n"
        "{\"t\":60000000000,\"time\":\"60.000000000\",\"kind\":\"run\",\"detail\":\"end\"}\n"
        "{\"t\":7,\"time\":\"0.000000007\",\"kind\":\"wire\",\"eth_src\":\"02:00:00:00:01:01\","
        "\"eth_dst\":\"ff:ff:ff:ff:ff:ff\",\"ethertype\":\"0x0806\",\"proto\":\"arp\","
        "\"arp_op\":\"request\",\"summary\":\"ARP who-has 10.0.0.2 tell 10.0.0.1\","
        "\"len\":60}\n");
    assert_int_equal(check_lines(text), 5);
    free(text);
}

/* Every kind, with awkward strings, parses back and keeps its values. */
static void test_parse_back(void **state) {
    (void)state;
    static const char nasty[] = "quote \" back\\slash \n\t\x01\x1f caf\xc3\xa9 \x7f end";
    trace_event evs[TRACE_RUN + 1];
    for (int k = 0; k <= TRACE_RUN; k++) {
        evs[k] = event((uint64_t)k * 1000000001u, (trace_kind)k, "dev\"ice", nasty);
        evs[k].why = nasty;
        evs[k].detail = nasty;
        evs[k].packet_id = (uint32_t)k;
        if (k % 2)
            evs[k] = with_frame(evs[k], k % 4 == 1 ? icmp_echo : arp_request,
                                k % 4 == 1 ? sizeof icmp_echo : sizeof arp_request);
        if (k == TRACE_WIRE)
            evs[k].link = 0;
    }
    char *text = render(evs, TRACE_RUN + 1);
    assert_int_equal(check_lines(text), TRACE_RUN + 1);

    char *line = text;
    for (int k = 0; k <= TRACE_RUN; k++) {
        char *nl = strchr(line, '\n');
        *nl = '\0';
        cJSON *obj = cJSON_Parse(line);
        assert_non_null(obj);
        assert_string_equal(cJSON_GetObjectItemCaseSensitive(obj, "kind")->valuestring,
                            trace_kind_name((trace_kind)k));
        assert_string_equal(cJSON_GetObjectItemCaseSensitive(obj, "port")->valuestring, nasty);
        assert_string_equal(cJSON_GetObjectItemCaseSensitive(obj, "detail")->valuestring, nasty);
        assert_string_equal(cJSON_GetObjectItemCaseSensitive(obj, "device")->valuestring,
                            "dev\"ice");
        assert_true(cJSON_GetObjectItemCaseSensitive(obj, "t")->valuedouble ==
                    (double)((uint64_t)k * 1000000001u));
        cJSON *packet = cJSON_GetObjectItemCaseSensitive(obj, "packet");
        if (k == 0)
            assert_null(packet);
        else
            assert_int_equal(packet->valueint, k);
        cJSON *link = cJSON_GetObjectItemCaseSensitive(obj, "link");
        if (k == TRACE_WIRE)
            assert_string_equal(link->valuestring, "A.eth0--sw1.p1");
        else
            assert_null(link);
        assert_true((cJSON_GetObjectItemCaseSensitive(obj, "len") != NULL) == (k % 2 == 1));
        cJSON_Delete(obj);
        line = nl + 1;
    }
    free(text);
}

/* The typed facts: a drop's reason, a wire event's two ends, a table change,
 * a router's TTL and route, a NAT box's translation rule, each written after
 * the prose keys. */
static void test_facts(void **state) {
    (void)state;
    trace_event evs[6];
    evs[0] = with_frame(event(10, TRACE_DROP, "r1", "eth0"), icmp_echo, sizeof icmp_echo);
    evs[0].packet_id = 3;
    evs[0].why = "TTL expired in transit";
    evs[0].reason = TRACE_REASON_TTL_EXPIRED;
    evs[1] = event(11, TRACE_WIRE, "sw1", "p2");
    evs[1].link = 1;
    evs[1].wire = (trace_wire_ends){
        .tx_device = "sw1", .tx_port = "p2", .rx_device = "B", .rx_port = "eth0", .tx_side = 0};
    evs[2] = event(12, TRACE_LEARN, "sw1", "p1");
    evs[2].change = (trace_change){
        .table = TRACE_TABLE_MAC, .key = "02:00:00:00:01:01", .old_value = "p1", .new_value = "p2"};
    evs[3] = event(13, TRACE_ARP, "A", "eth0");
    evs[3].change = (trace_change){.table = TRACE_TABLE_ARP, .key = "10.0.0.2", .old_value = "x"};
    evs[4] = event(14, TRACE_FORWARD, "r1", "eth0");
    evs[4].has_ttl = true;
    evs[4].ttl_old = 8;
    evs[4].ttl_new = 7;
    evs[4].route = "default via 10.0.2.1 dev eth1";
    evs[5] = event(15, TRACE_TRANSLATE, "nat1", NULL);
    evs[5].change = (trace_change){.table = TRACE_TABLE_NAT,
                                   .key = "tcp 192.168.1.2:6789",
                                   .old_value = "116.226.52.212:6539",
                                   .new_value = "192.168.1.2:6789"};
    evs[5].translation = TRACE_TRANSLATION_REPLY;
    char *text = render(evs, 6);
    const char *want_drop_tail = "\"why\":\"TTL expired in transit\",\"reason\":\"ttl_expired\"}\n";
    char *first_nl = strchr(text, '\n');
    assert_non_null(first_nl);
    size_t tail_len = strlen(want_drop_tail);
    assert_true((size_t)(first_nl + 1 - text) >= tail_len);
    assert_true(strncmp(first_nl + 1 - tail_len, want_drop_tail, tail_len) == 0);
    assert_string_equal(
        first_nl + 1,
        "{\"t\":11,\"time\":\"0.000000011\",\"kind\":\"wire\",\"device\":\"sw1\",\"port\":\"p2\","
        "\"link\":\"sw1.p2--B.eth0\",\"tx_device\":\"sw1\",\"tx_port\":\"p2\",\"rx_device\":\"B\","
        "\"rx_port\":\"eth0\"}\n"
        "{\"t\":12,\"time\":\"0.000000012\",\"kind\":\"learn\",\"device\":\"sw1\",\"port\":\"p1\","
        "\"table\":\"mac\",\"key\":\"02:00:00:00:01:01\",\"old\":\"p1\",\"new\":\"p2\"}\n"
        "{\"t\":13,\"time\":\"0.000000013\",\"kind\":\"arp\",\"device\":\"A\",\"port\":\"eth0\","
        "\"table\":\"arp\",\"key\":\"10.0.0.2\",\"old\":\"x\"}\n"
        "{\"t\":14,\"time\":\"0.000000014\",\"kind\":\"forward\",\"device\":\"r1\",\"port\":"
        "\"eth0\","
        "\"ttl_old\":8,\"ttl_new\":7,\"route\":\"default via 10.0.2.1 dev eth1\"}\n"
        "{\"t\":15,\"time\":\"0.000000015\",\"kind\":\"translate\",\"device\":\"nat1\","
        "\"table\":\"nat\",\"key\":\"tcp 192.168.1.2:6789\",\"old\":\"116.226.52.212:6539\","
        "\"new\":\"192.168.1.2:6789\",\"translation\":\"reply\"}\n");
    assert_int_equal(check_lines(text), 6);
    free(text);
}

/* Every reason and table has a distinct snake_case name; NONE has none. */
static void test_reason_names(void **state) {
    (void)state;
    assert_null(trace_reason_name(TRACE_REASON_NONE));
    assert_null(trace_reason_name(TRACE_REASON_COUNT_));
    for (int r = 1; r < TRACE_REASON_COUNT_; r++) {
        const char *name = trace_reason_name((trace_reason)r);
        assert_non_null(name);
        assert_true(name[0] >= 'a' && name[0] <= 'z');
        for (const char *c = name; *c; c++)
            assert_true((*c >= 'a' && *c <= 'z') || *c == '_');
        for (int q = 1; q < r; q++)
            assert_string_not_equal(name, trace_reason_name((trace_reason)q));
    }
    assert_null(trace_table_name(TRACE_TABLE_NONE));
    for (int t = 1; t < TRACE_TABLE_COUNT_; t++)
        assert_non_null(trace_table_name((trace_table_id)t));
    assert_string_equal(trace_reason_name(TRACE_REASON_TTL_EXPIRED), "ttl_expired");
    assert_string_equal(trace_reason_name(TRACE_REASON_NO_ROUTE), "no_route");
    assert_null(trace_translation_name(TRACE_TRANSLATION_NONE));
    assert_null(trace_translation_name(TRACE_TRANSLATION_COUNT_));
    for (int t = 1; t < TRACE_TRANSLATION_COUNT_; t++)
        assert_non_null(trace_translation_name((trace_translation)t));
    assert_string_equal(trace_translation_name(TRACE_TRANSLATION_SNAT), "snat");
    assert_string_equal(trace_translation_name(TRACE_TRANSLATION_REPLY), "reply");
    assert_string_equal(trace_translation_name(TRACE_TRANSLATION_PORT_FORWARD), "port_forward");
    assert_string_equal(trace_translation_name(TRACE_TRANSLATION_ICMP_ERROR), "icmp_error");
}

static void test_json_write_string(void **state) {
    (void)state;
    FILE *f = tmpfile();
    assert_non_null(f);
    json_write_string(f, "plain");
    putc(' ', f);
    json_write_string(f, "a\"b\\c/d\b\f\n\r\t\x01\x1f\x7f caf\xc3\xa9");
    putc(' ', f);
    json_write_string(f, "");
    putc(' ', f);
    json_write_string(f, NULL);
    char *text = slurp(f);
    fclose(f);
    assert_string_equal(text, "\"plain\" \"a\\\"b\\\\c/d\\b\\f\\n\\r\\t\\u0001\\u001f\x7f "
                              "caf\xc3\xa9\" \"\" null");
    free(text);
}

/* The bus shares one decode among events whose frames have the same bytes,
 * and never among events whose bytes differ, even in the same buffer (a
 * device reuses its frame buffer). */
static void test_shared_memo(void **state) {
    (void)state;
    uint8_t buf[sizeof icmp_echo];
    memcpy(buf, arp_request, sizeof arp_request);
    uint8_t copy[sizeof arp_request];
    memcpy(copy, arp_request, sizeof arp_request);
    trace_event evs[5];
    evs[0] = with_frame(event(1, TRACE_SEND, "A", "eth0"), buf, sizeof arp_request);
    evs[1] = with_frame(event(2, TRACE_SEND, "A", "eth0"), copy, sizeof copy);
    evs[2] = with_frame(event(3, TRACE_SEND, "A", "eth0"), buf, sizeof arp_request);
    evs[3] = with_frame(event(4, TRACE_SEND, "A", "eth0"), buf, sizeof icmp_echo);
    evs[4] = with_frame(event(5, TRACE_SEND, "A", "eth0"), buf, sizeof icmp_echo - 1);
    FILE *f = tmpfile();
    assert_non_null(f);
    jsonl_sink *sink = jsonl_sink_new(f, link_names, 2);
    trace_bus *bus = trace_bus_new();
    trace_bus_subscribe(bus, jsonl_sink_as_sink(sink));
    trace_emit(bus, &evs[0]);
    trace_emit(bus, &evs[1]); /* same bytes, another buffer */
    buf[41] = 3;              /* same buffer and length, another target */
    trace_emit(bus, &evs[2]);
    memcpy(buf, icmp_echo, sizeof icmp_echo);
    trace_emit(bus, &evs[3]);
    trace_emit(bus, &evs[4]); /* the same bytes but one: a truncated frame */
    trace_bus_free(bus);
    jsonl_sink_free(sink);
    char *text = slurp(f);
    fclose(f);
    const char *who_has_2 = "\"summary\":\"ARP who-has 10.0.0.2 tell 10.0.0.1\"";
    char *at = strstr(text, "\"t\":1,");
    assert_non_null(at);
    assert_non_null(at = strstr(at, who_has_2));
    assert_non_null(at = strstr(at, "\"t\":2,"));
    assert_non_null(at = strstr(at, who_has_2));
    assert_non_null(at = strstr(at, "\"t\":3,"));
    assert_non_null(at = strstr(at, "\"summary\":\"ARP who-has 10.0.0.3 tell 10.0.0.1\""));
    assert_non_null(at = strstr(at, "\"t\":4,"));
    assert_non_null(at = strstr(at, "\"summary\":\"ICMP echo request 10.0.0.1 > 10.0.0.2"));
    assert_non_null(at = strstr(at, "\"t\":5,"));
    assert_null(strstr(at, "\"summary\":\"ICMP echo request"));
    assert_non_null(strstr(at, "\"len\":97}"));
    free(text);
}

static void test_free_null(void **state) {
    (void)state;
    jsonl_sink_free(NULL);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exact_lines),
        cmocka_unit_test(test_parse_back),
        cmocka_unit_test(test_facts),
        cmocka_unit_test(test_reason_names),
        cmocka_unit_test(test_json_write_string),
        cmocka_unit_test(test_shared_memo),
        cmocka_unit_test(test_free_null),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
