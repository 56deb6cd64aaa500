/*
 * Unit tests of wire/addr: MAC and IPv4 text forms (strict parsing, exact
 * formatting), netmask arithmetic and address classification.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "wire/addr.h"

static const mac_addr MAC_A = {{0x02, 0x00, 0x00, 0x00, 0x01, 0x01}};

/* A value no successful parse in these tests produces, to show a failed
 * parse leaves *out alone. */
#define SENTINEL_IP 0xdeadbeefu

static void test_mac_format(void **state) {
    (void)state;
    char buf[MAC_TEXT_LEN];
    assert_string_equal(mac_format(MAC_A, buf), "02:00:00:00:01:01");
    mac_addr m = {{0xab, 0xcd, 0xef, 0x0a, 0xff, 0x00}};
    assert_ptr_equal(mac_format(m, buf), buf);
    assert_string_equal(buf, "ab:cd:ef:0a:ff:00");
    assert_string_equal(mac_format(MAC_BROADCAST, buf), "ff:ff:ff:ff:ff:ff");
    assert_string_equal(mac_format(MAC_ZERO, buf), "00:00:00:00:00:00");
    mac_addr m2 = {{0x10, 0x9a, 0x0f, 0xf0, 0x01, 0xfe}};
    assert_string_equal(mac_format(m2, buf), "10:9a:0f:f0:01:fe");
}

static void test_mac_parse_accepts(void **state) {
    (void)state;
    mac_addr m;
    assert_int_equal(mac_parse("02:00:00:00:01:01", &m), 0);
    assert_memory_equal(m.b, MAC_A.b, 6);
    assert_int_equal(mac_parse("02-00-00-00-01-01", &m), 0);
    assert_memory_equal(m.b, MAC_A.b, 6);
    assert_int_equal(mac_parse("AB:cd:Ef:0A:fF:00", &m), 0);
    const uint8_t expect[6] = {0xab, 0xcd, 0xef, 0x0a, 0xff, 0x00};
    assert_memory_equal(m.b, expect, 6);
}

static void test_mac_parse_rejects(void **state) {
    (void)state;
    static const char *const bad[] = {
        "",
        "02:00:00:00:01",       /* five groups */
        "02:00:00:00:01:01:",   /* trailing separator */
        "02:00:00:00:01:01:02", /* seven groups */
        "02:00-00:00:01:01",    /* mixed separators */
        "02-00-00-00-01:01",    /* mixed, late */
        "2:00:00:00:01:01",     /* one digit */
        "002:00:00:00:01:01",   /* three digits */
        "02:00:00:00:01:0g",    /* not hex */
        "02:00:00:00:01:01 ",   /* trailing space */
        " 02:00:00:00:01:01",   /* leading space */
        "02.00.00.00.01.01",    /* wrong separator */
        "020000000101",         /* no separators */
        "0200.0000.0101",       /* Cisco style */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        mac_addr m = MAC_ZERO;
        if (mac_parse(bad[i], &m) != -1)
            fail_msg("mac_parse accepted \"%s\"", bad[i]);
        assert_memory_equal(m.b, MAC_ZERO.b, 6);
    }
}

static void test_mac_classify(void **state) {
    (void)state;
    assert_true(mac_is_broadcast(MAC_BROADCAST));
    assert_false(mac_is_broadcast(MAC_A));
    assert_true(mac_is_multicast(MAC_BROADCAST));
    mac_addr mcast = {{0x01, 0x00, 0x5e, 0x00, 0x00, 0x01}};
    assert_true(mac_is_multicast(mcast));
    assert_false(mac_is_broadcast(mcast));
    assert_false(mac_is_multicast(MAC_A)); /* 0x02: locally administered, unicast */
    assert_true(mac_equal(MAC_A, MAC_A));
    mac_addr other = MAC_A;
    other.b[5] = 0x02;
    assert_false(mac_equal(MAC_A, other));
}

static void test_mac_u64(void **state) {
    (void)state;
    assert_int_equal(mac_to_u64(MAC_A), 0x020000000101ull);
    assert_int_equal(mac_to_u64(MAC_BROADCAST), 0xffffffffffffull);
    mac_addr m = mac_from_u64(0x0a0b0c0d0e0full);
    const uint8_t expect[6] = {0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f};
    assert_memory_equal(m.b, expect, 6);
    /* Bits above 48 are dropped. */
    m = mac_from_u64(0xffff020000000101ull);
    assert_memory_equal(m.b, MAC_A.b, 6);
    /* The first byte is the most significant, so integers sort like the text. */
    mac_addr later = {{0x02, 0x00, 0x00, 0x00, 0x02, 0x00}};
    assert_true(mac_to_u64(MAC_A) < mac_to_u64(later));
}

static void test_ipv4_format(void **state) {
    (void)state;
    char buf[IPV4_TEXT_LEN];
    assert_string_equal(ipv4_format(0x0a000001u, buf), "10.0.0.1");
    assert_string_equal(ipv4_format(0, buf), "0.0.0.0");
    assert_string_equal(ipv4_format(0xffffffffu, buf), "255.255.255.255");
    assert_string_equal(ipv4_format(0x74e234d4u, buf), "116.226.52.212");
    assert_ptr_equal(ipv4_format(0xc0a80102u, buf), buf);
    assert_string_equal(buf, "192.168.1.2");
    assert_string_equal(ipv4_format(0x01020304u, buf), "1.2.3.4");
    assert_string_equal(ipv4_format(0x64090a63u, buf), "100.9.10.99");
}

static void test_ipv4_format_endpoint(void **state) {
    (void)state;
    char buf[IPV4_ENDPOINT_TEXT_LEN];
    assert_string_equal(ipv4_format_endpoint(0, 0, buf), "0.0.0.0:0");
    assert_string_equal(ipv4_format_endpoint(0xffffffffu, 65535, buf), "255.255.255.255:65535");
    assert_ptr_equal(ipv4_format_endpoint(0x0a000001u, 80, buf), buf);
    assert_string_equal(buf, "10.0.0.1:80");
}

static void test_ipv4_parse_accepts(void **state) {
    (void)state;
    static const struct {
        const char *text;
        ipv4_addr value;
    } good[] = {
        {"10.0.0.1", 0x0a000001u},        {"0.0.0.0", 0},
        {"255.255.255.255", 0xffffffffu}, {"192.168.1.2", 0xc0a80102u},
        {"116.226.52.212", 0x74e234d4u},  {"1.20.199.0", 0x0114c700u},
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        ipv4_addr a = SENTINEL_IP;
        if (ipv4_parse(good[i].text, &a) != 0)
            fail_msg("ipv4_parse rejected \"%s\"", good[i].text);
        assert_int_equal(a, good[i].value);
    }
}

static void test_ipv4_parse_rejects(void **state) {
    (void)state;
    static const char *const bad[] = {
        "",          "10.0.0.256", "256.0.0.1", "010.0.0.1", "10.0.0.01",  "00.0.0.0",
        "1.2.3",     "1.2.3.4.5",  "1.2.3.4 ",  " 1.2.3.4",  "+1.2.3.4",   "1.2.3.-4",
        "1..2.3",    "1.2.3.",     ".1.2.3",    "0x1.2.3.4", "1000.2.3.4", "1.2.3.4/24",
        "1.2.3.4\n", "a.b.c.d",    "1,2,3,4",   "1.2.3.4a",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ipv4_addr a = SENTINEL_IP;
        if (ipv4_parse(bad[i], &a) != -1)
            fail_msg("ipv4_parse accepted \"%s\"", bad[i]);
        assert_int_equal(a, SENTINEL_IP);
    }
}

static void test_ipv4_parse_prefix(void **state) {
    (void)state;
    ipv4_addr a = 0;
    int len = -1;
    assert_int_equal(ipv4_parse_prefix("10.0.0.1/24", &a, &len), 0);
    assert_int_equal(a, 0x0a000001u);
    assert_int_equal(len, 24);
    assert_int_equal(ipv4_parse_prefix("0.0.0.0/0", &a, &len), 0);
    assert_int_equal(a, 0);
    assert_int_equal(len, 0);
    assert_int_equal(ipv4_parse_prefix("192.168.1.2/32", &a, &len), 0);
    assert_int_equal(a, 0xc0a80102u);
    assert_int_equal(len, 32);

    static const char *const bad[] = {
        "10.0.0.1/33", "10.0.0.1/",     "10.0.0.1",  "10.0.0.1/024", "10.0.0.1/-1",  "10.0.0.1/24 ",
        "10.0.0.1/2a", "10.0.0.256/24", "10.0.0/24", "/24",          "10.0.0.1//24", "10.0.0.1/100",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        a = SENTINEL_IP;
        len = 99;
        if (ipv4_parse_prefix(bad[i], &a, &len) != -1)
            fail_msg("ipv4_parse_prefix accepted \"%s\"", bad[i]);
        assert_int_equal(a, SENTINEL_IP);
        assert_int_equal(len, 99);
    }
}

static void test_ipv4_parse_prefix_or_mask(void **state) {
    (void)state;
    ipv4_addr a = 0, m = 0;
    int len = -1;
    assert_int_equal(ipv4_parse_prefix_or_mask("10.1.0.10/24", &a, &len, &m), 0);
    assert_int_equal(a, 0x0a01000au);
    assert_int_equal(len, 24);
    assert_int_equal(ipv4_parse_prefix_or_mask("10.1.0.10/255.255.255.0", &a, &len, &m), 0);
    assert_int_equal(a, 0x0a01000au);
    assert_int_equal(len, 24);
    assert_int_equal(m, 0xffffff00u);
    assert_int_equal(ipv4_parse_prefix_or_mask("172.16.5.4/255.255.240.0", &a, &len, &m), 0);
    assert_int_equal(a, 0xac100504u);
    assert_int_equal(len, 20);
    assert_int_equal(ipv4_parse_prefix_or_mask("0.0.0.0/0.0.0.0", &a, &len, &m), 0);
    assert_int_equal(len, 0);
    assert_int_equal(ipv4_parse_prefix_or_mask("10.0.0.1/255.255.255.255", &a, &len, &m), 0);
    assert_int_equal(len, 32);
    /* Well formed, but the 1 bits of the mask are not all first. */
    assert_int_equal(ipv4_parse_prefix_or_mask("10.1.0.10/255.0.255.0", &a, &len, &m), -2);
    assert_int_equal(a, 0x0a01000au);
    assert_int_equal(m, 0xff00ff00u);
    assert_int_equal(len, -1);

    static const char *const bad[] = {
        "10.0.0.1",         "10.0.0.1/255.255.255", "10.0.0.1/255.255.255.256",
        "10.0.0.1/33",      "10.0.0.1/24.",         "10.0.0.1/255.255.255.0 ",
        "10.0.0/255.0.0.0", "/255.255.255.0",       "10.0.0.1//255.255.255.0",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        a = SENTINEL_IP;
        len = 99;
        if (ipv4_parse_prefix_or_mask(bad[i], &a, &len, &m) != -1)
            fail_msg("ipv4_parse_prefix_or_mask accepted \"%s\"", bad[i]);
        assert_int_equal(a, SENTINEL_IP);
        assert_int_equal(len, 99);
    }
}

static void test_ipv4_netmask(void **state) {
    (void)state;
    assert_int_equal(ipv4_netmask(0), 0);
    assert_int_equal(ipv4_netmask(1), 0x80000000u);
    assert_int_equal(ipv4_netmask(8), 0xff000000u);
    assert_int_equal(ipv4_netmask(24), 0xffffff00u);
    assert_int_equal(ipv4_netmask(31), 0xfffffffeu);
    assert_int_equal(ipv4_netmask(32), 0xffffffffu);
    /* Out-of-range lengths clamp instead of shifting by 32 or more (UB). */
    assert_int_equal(ipv4_netmask(-1), 0);
    assert_int_equal(ipv4_netmask(33), 0xffffffffu);
}

static void test_ipv4_mask_to_prefix(void **state) {
    (void)state;
    for (int len = 0; len <= 32; len++)
        assert_int_equal(ipv4_mask_to_prefix(ipv4_netmask(len)), len);
    assert_int_equal(ipv4_mask_to_prefix(0xffffff00u), 24);
    assert_int_equal(ipv4_mask_to_prefix(0xff00ff00u), -1); /* 255.0.255.0 */
    assert_int_equal(ipv4_mask_to_prefix(0x00ffffffu), -1); /* 0.255.255.255 */
    assert_int_equal(ipv4_mask_to_prefix(0xffffff01u), -1); /* 255.255.255.1 */
    assert_int_equal(ipv4_mask_to_prefix(0x00000001u), -1);
    assert_int_equal(ipv4_mask_to_prefix(0xfffffffdu), -1);
}

static void test_ipv4_classify(void **state) {
    (void)state;
    assert_true(ipv4_same_subnet(0x0a000101u, 0x0a0001feu, 24));
    assert_false(ipv4_same_subnet(0x0a000101u, 0x0a000201u, 24));
    assert_true(ipv4_same_subnet(0x0a000101u, 0x0a000201u, 16));
    assert_true(ipv4_same_subnet(0x01020304u, 0xfefefefeu, 0));
    assert_false(ipv4_same_subnet(0x0a000001u, 0x0a000002u, 32));

    assert_true(ipv4_is_loopback(0x7f000001u));
    assert_true(ipv4_is_loopback(0x7fffffffu));
    assert_false(ipv4_is_loopback(0x80000001u));
    assert_false(ipv4_is_loopback(0x0a000001u));

    assert_true(ipv4_is_multicast(0xe0000001u));  /* 224.0.0.1 */
    assert_true(ipv4_is_multicast(0xefffffffu));  /* 239.255.255.255 */
    assert_false(ipv4_is_multicast(0xdfffffffu)); /* 223.255.255.255 */
    assert_false(ipv4_is_multicast(0xf0000000u)); /* 240.0.0.0, class E */

    assert_true(ipv4_is_limited_broadcast(0xffffffffu));
    assert_false(ipv4_is_limited_broadcast(0x0a0000ffu));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mac_format),
        cmocka_unit_test(test_mac_parse_accepts),
        cmocka_unit_test(test_mac_parse_rejects),
        cmocka_unit_test(test_mac_classify),
        cmocka_unit_test(test_mac_u64),
        cmocka_unit_test(test_ipv4_format),
        cmocka_unit_test(test_ipv4_format_endpoint),
        cmocka_unit_test(test_ipv4_parse_accepts),
        cmocka_unit_test(test_ipv4_parse_rejects),
        cmocka_unit_test(test_ipv4_parse_prefix),
        cmocka_unit_test(test_ipv4_parse_prefix_or_mask),
        cmocka_unit_test(test_ipv4_netmask),
        cmocka_unit_test(test_ipv4_mask_to_prefix),
        cmocka_unit_test(test_ipv4_classify),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
