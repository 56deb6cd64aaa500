/*
 * Unit tests of apps/ipcalc (`netsim ip`): the computed values for every
 * class, /0, /31, /32 and the network and broadcast addresses as input; the
 * classification at the edges of every special-purpose block; the exact
 * output of whole runs; every error message, with nothing on stdout.
 */
#define _POSIX_C_SOURCE 200809L

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "apps/ipcalc.h"

/* 10.0.0.1 as 0x0a000001, for readable tables. */
#define IP(a, b, c, d) ((ipv4_addr)(a) << 24 | (ipv4_addr)(b) << 16 | (ipv4_addr)(c) << 8 | (d))

/* ---------------------------------------------------------------- running */

typedef struct run_output {
    int status;
    char *out, *err; /* caller frees with free_run */
} run_output;

static run_output run_argv(int argc, char **argv) {
    run_output r;
    size_t out_len, err_len;
    FILE *out = open_memstream(&r.out, &out_len);
    FILE *err = open_memstream(&r.err, &err_len);
    assert_non_null(out);
    assert_non_null(err);
    r.status = ipcalc_main(argc, argv, out, err);
    fclose(out);
    fclose(err);
    return r;
}

/* Runs `netsim ip` with `args` split at spaces (no empty arguments). */
static run_output run_line(const char *args) {
    char copy[256], *argv[8];
    int argc = 0;
    assert_true(strlen(args) < sizeof copy);
    strcpy(copy, args);
    for (char *tok = strtok(copy, " "); tok; tok = strtok(NULL, " ")) {
        assert_true(argc < 8);
        argv[argc++] = tok;
    }
    return run_argv(argc, argv);
}

static void free_run(run_output *r) {
    free(r->out);
    free(r->err);
}

static void expect_output(const char *args, const char *expected) {
    run_output r = run_line(args);
    if (strcmp(r.out, expected) != 0)
        print_error("netsim ip %s printed:\n%s\nexpected:\n%s\n", args, r.out, expected);
    assert_string_equal(r.out, expected);
    assert_string_equal(r.err, "");
    assert_int_equal(r.status, IPCALC_EXIT_OK);
    free_run(&r);
}

static void expect_error(int argc, char **argv, const char *message) {
    run_output r = run_argv(argc, argv);
    assert_string_equal(r.err, message);
    assert_string_equal(r.out, "");
    assert_int_equal(r.status, IPCALC_EXIT_USAGE);
    free_run(&r);
}

static void expect_error_line(const char *args, const char *message) {
    char copy[256], *argv[8];
    int argc = 0;
    strcpy(copy, args);
    for (char *tok = strtok(copy, " "); tok; tok = strtok(NULL, " "))
        argv[argc++] = tok;
    expect_error(argc, argv, message);
}

/* ---------------------------------------------------------------- binary */

static void test_format_binary(void **state) {
    (void)state;
    char buf[IPCALC_BINARY_LEN];
    ipv4_addr a = IP(192, 168, 1, 10);
    assert_string_equal(ipcalc_format_binary(a, -1, buf), "11000000.10101000.00000001.00001010");
    assert_ptr_equal(ipcalc_format_binary(a, 24, buf), buf);
    assert_string_equal(buf, "11000000.10101000.00000001|00001010"); /* '|' replaces '.' */
    assert_string_equal(ipcalc_format_binary(a, 20, buf), "11000000.10101000.0000|0001.00001010");
    assert_string_equal(ipcalc_format_binary(a, 0, buf), "|11000000.10101000.00000001.00001010");
    assert_string_equal(ipcalc_format_binary(a, 32, buf), "11000000.10101000.00000001.00001010|");
    assert_string_equal(ipcalc_format_binary(a, 1, buf), "1|1000000.10101000.00000001.00001010");
    assert_string_equal(ipcalc_format_binary(a, 31, buf), "11000000.10101000.00000001.0000101|0");
    assert_string_equal(ipcalc_format_binary(0xffffffffu, 8, buf),
                        "11111111|11111111.11111111.11111111");
    /* The longest form fits the buffer exactly. */
    assert_int_equal(strlen(ipcalc_format_binary(a, 4, buf)), IPCALC_BINARY_LEN - 1);
}

/* ---------------------------------------------------------------- values */

static void test_compute_host_in_24(void **state) {
    (void)state;
    ipcalc_result r;
    ipcalc_compute(IP(192, 168, 1, 10), 24, &r);
    assert_int_equal(r.addr, IP(192, 168, 1, 10));
    assert_int_equal(r.addr_class, IPCALC_CLASS_C);
    assert_int_equal(r.kind, IPCALC_KIND_PRIVATE);
    assert_int_equal(r.block->base, IP(192, 168, 0, 0));
    assert_int_equal(r.block->prefix_len, 16);
    assert_true(r.has_split);
    assert_false(r.default_mask);
    assert_int_equal(r.prefix_len, 24);
    assert_int_equal(r.netmask, IP(255, 255, 255, 0));
    assert_int_equal(r.wildcard, IP(0, 0, 0, 255));
    assert_int_equal(r.network, IP(192, 168, 1, 0));
    assert_true(r.has_broadcast);
    assert_int_equal(r.broadcast, IP(192, 168, 1, 255));
    assert_int_equal(r.first_host, IP(192, 168, 1, 1));
    assert_int_equal(r.last_host, IP(192, 168, 1, 254));
    assert_int_equal(r.usable_hosts, 254);
    assert_int_equal(r.role, IPCALC_ROLE_HOST);
}

static void test_compute_non_octet_prefix(void **state) {
    (void)state;
    ipcalc_result r;
    ipcalc_compute(IP(172, 16, 5, 4), 20, &r);
    assert_int_equal(r.netmask, IP(255, 255, 240, 0));
    assert_int_equal(r.wildcard, IP(0, 0, 15, 255));
    assert_int_equal(r.network, IP(172, 16, 0, 0));
    assert_int_equal(r.broadcast, IP(172, 16, 15, 255));
    assert_int_equal(r.first_host, IP(172, 16, 0, 1));
    assert_int_equal(r.last_host, IP(172, 16, 15, 254));
    assert_int_equal(r.usable_hosts, 4094);
    ipcalc_compute(IP(10, 1, 2, 200), 26, &r);
    assert_int_equal(r.network, IP(10, 1, 2, 192));
    assert_int_equal(r.broadcast, IP(10, 1, 2, 255));
    assert_int_equal(r.usable_hosts, 62);
}

/* Every prefix length of one address, checked against counting the subnet. */
static void test_compute_every_prefix(void **state) {
    (void)state;
    ipv4_addr a = IP(203, 0, 113, 77);
    for (int len = 0; len <= 32; len++) {
        ipcalc_result r;
        ipcalc_compute(a, len, &r);
        uint64_t size = UINT64_C(1) << (32 - len);
        assert_int_equal(r.prefix_len, len);
        assert_int_equal(r.netmask | r.wildcard, 0xffffffffu);
        assert_int_equal(r.netmask & r.wildcard, 0);
        assert_int_equal(r.network % size, 0);
        assert_true(r.network <= a && (uint64_t)a < r.network + size);
        if (len <= 30) {
            assert_true(r.has_broadcast);
            assert_int_equal((uint64_t)r.broadcast, r.network + size - 1);
            assert_int_equal(r.first_host, r.network + 1);
            assert_int_equal(r.last_host, r.broadcast - 1);
            assert_int_equal(r.usable_hosts, size - 2);
        } else {
            assert_false(r.has_broadcast);
            assert_int_equal(r.usable_hosts, size);
        }
    }
}

static void test_compute_slash_0(void **state) {
    (void)state;
    ipcalc_result r;
    ipcalc_compute(IP(8, 8, 8, 8), 0, &r);
    assert_int_equal(r.netmask, 0);
    assert_int_equal(r.wildcard, 0xffffffffu);
    assert_int_equal(r.network, 0);
    assert_int_equal(r.broadcast, 0xffffffffu);
    assert_int_equal(r.first_host, IP(0, 0, 0, 1));
    assert_int_equal(r.last_host, IP(255, 255, 255, 254));
    assert_int_equal(r.usable_hosts, UINT64_C(4294967294));
    assert_int_equal(r.role, IPCALC_ROLE_HOST);
}

static void test_compute_slash_31(void **state) {
    (void)state;
    ipcalc_result r;
    ipcalc_compute(IP(10, 0, 0, 1), 31, &r);
    assert_int_equal(r.netmask, IP(255, 255, 255, 254));
    assert_int_equal(r.network, IP(10, 0, 0, 0));
    assert_false(r.has_broadcast);
    assert_int_equal(r.broadcast, 0);
    assert_int_equal(r.first_host, IP(10, 0, 0, 0));
    assert_int_equal(r.last_host, IP(10, 0, 0, 1));
    assert_int_equal(r.usable_hosts, 2);
    assert_int_equal(r.role, IPCALC_ROLE_POINT_TO_POINT);
    /* The lower address is a host too, not a network address (RFC 3021). */
    ipcalc_compute(IP(10, 0, 0, 0), 31, &r);
    assert_int_equal(r.role, IPCALC_ROLE_POINT_TO_POINT);
}

static void test_compute_slash_32(void **state) {
    (void)state;
    ipcalc_result r;
    ipcalc_compute(IP(8, 8, 4, 4), 32, &r);
    assert_int_equal(r.netmask, 0xffffffffu);
    assert_int_equal(r.wildcard, 0);
    assert_int_equal(r.network, IP(8, 8, 4, 4));
    assert_false(r.has_broadcast);
    assert_int_equal(r.first_host, IP(8, 8, 4, 4));
    assert_int_equal(r.last_host, IP(8, 8, 4, 4));
    assert_int_equal(r.usable_hosts, 1);
    assert_int_equal(r.role, IPCALC_ROLE_SINGLE_HOST);
}

static void test_compute_roles(void **state) {
    (void)state;
    ipcalc_result r;
    ipcalc_compute(IP(192, 168, 1, 0), 24, &r);
    assert_int_equal(r.role, IPCALC_ROLE_NETWORK);
    ipcalc_compute(IP(192, 168, 1, 255), 24, &r);
    assert_int_equal(r.role, IPCALC_ROLE_BROADCAST);
    ipcalc_compute(IP(192, 168, 1, 1), 24, &r);
    assert_int_equal(r.role, IPCALC_ROLE_HOST);
    ipcalc_compute(IP(192, 168, 1, 254), 24, &r);
    assert_int_equal(r.role, IPCALC_ROLE_HOST);
    ipcalc_compute(IP(10, 1, 2, 63), 26, &r); /* broadcast of 10.1.2.0/26 */
    assert_int_equal(r.role, IPCALC_ROLE_BROADCAST);
    ipcalc_compute(IP(10, 1, 2, 64), 26, &r); /* network of 10.1.2.64/26 */
    assert_int_equal(r.role, IPCALC_ROLE_NETWORK);
    ipcalc_compute(IP(10, 1, 2, 3), 30, &r);
    assert_int_equal(r.role, IPCALC_ROLE_BROADCAST);
    /* With no mask, the classful default decides. */
    ipcalc_compute(IP(172, 16, 0, 0), IPCALC_NO_PREFIX, &r);
    assert_int_equal(r.role, IPCALC_ROLE_NETWORK);
    ipcalc_compute(IP(10, 255, 255, 255), IPCALC_NO_PREFIX, &r);
    assert_int_equal(r.role, IPCALC_ROLE_BROADCAST);
}

static void test_classes(void **state) {
    (void)state;
    static const struct {
        ipv4_addr a;
        ipcalc_class c;
    } cases[] = {
        {IP(0, 0, 0, 0), IPCALC_CLASS_A},         {IP(10, 0, 0, 5), IPCALC_CLASS_A},
        {IP(127, 255, 255, 255), IPCALC_CLASS_A}, {IP(128, 0, 0, 0), IPCALC_CLASS_B},
        {IP(191, 255, 255, 255), IPCALC_CLASS_B}, {IP(192, 0, 0, 0), IPCALC_CLASS_C},
        {IP(223, 255, 255, 255), IPCALC_CLASS_C}, {IP(224, 0, 0, 0), IPCALC_CLASS_D},
        {IP(239, 255, 255, 255), IPCALC_CLASS_D}, {IP(240, 0, 0, 0), IPCALC_CLASS_E},
        {IP(255, 255, 255, 255), IPCALC_CLASS_E},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (ipcalc_class_of(cases[i].a) != cases[i].c)
            fail_msg("case %zu: class %d, expected %d", i, (int)ipcalc_class_of(cases[i].a),
                     (int)cases[i].c);
    }
}

/* No mask: the classful default for A-C, no split for D and E. */
static void test_classful_defaults(void **state) {
    (void)state;
    ipcalc_result r;
    ipcalc_compute(IP(10, 0, 0, 5), IPCALC_NO_PREFIX, &r);
    assert_true(r.has_split && r.default_mask);
    assert_int_equal(r.prefix_len, 8);
    assert_int_equal(r.netmask, IP(255, 0, 0, 0));
    ipcalc_compute(IP(172, 16, 5, 4), IPCALC_NO_PREFIX, &r);
    assert_true(r.has_split && r.default_mask);
    assert_int_equal(r.prefix_len, 16);
    assert_int_equal(r.network, IP(172, 16, 0, 0));
    ipcalc_compute(IP(192, 168, 1, 10), IPCALC_NO_PREFIX, &r);
    assert_true(r.has_split && r.default_mask);
    assert_int_equal(r.prefix_len, 24);
    for (int i = 0; i < 2; i++) {
        ipcalc_compute(i == 0 ? IP(224, 0, 0, 1) : IP(250, 1, 2, 3), IPCALC_NO_PREFIX, &r);
        assert_false(r.has_split);
        assert_false(r.default_mask);
        assert_int_equal(r.prefix_len, IPCALC_NO_PREFIX);
        assert_int_equal(r.role, IPCALC_ROLE_NONE);
        assert_int_equal(r.netmask, 0);
        assert_int_equal(r.usable_hosts, 0);
    }
    /* A mask given for class D is used as given. */
    ipcalc_compute(IP(224, 0, 0, 1), 24, &r);
    assert_true(r.has_split);
    assert_false(r.default_mask);
    assert_int_equal(r.network, IP(224, 0, 0, 0));
}

/* Each block at its first and last address, and the public neighbours. */
static void test_kinds(void **state) {
    (void)state;
    static const struct {
        ipv4_addr a;
        ipcalc_kind kind;
        ipv4_addr block;
        int len;
    } cases[] = {
        {IP(0, 0, 0, 0), IPCALC_KIND_THIS_NETWORK, IP(0, 0, 0, 0), 8},
        {IP(0, 255, 255, 255), IPCALC_KIND_THIS_NETWORK, IP(0, 0, 0, 0), 8},
        {IP(1, 0, 0, 0), IPCALC_KIND_PUBLIC, 0, 0},
        {IP(9, 255, 255, 255), IPCALC_KIND_PUBLIC, 0, 0},
        {IP(10, 0, 0, 0), IPCALC_KIND_PRIVATE, IP(10, 0, 0, 0), 8},
        {IP(10, 255, 255, 255), IPCALC_KIND_PRIVATE, IP(10, 0, 0, 0), 8},
        {IP(11, 0, 0, 0), IPCALC_KIND_PUBLIC, 0, 0},
        {IP(100, 63, 255, 255), IPCALC_KIND_PUBLIC, 0, 0},
        {IP(100, 64, 0, 0), IPCALC_KIND_SHARED, IP(100, 64, 0, 0), 10},
        {IP(100, 127, 255, 255), IPCALC_KIND_SHARED, IP(100, 64, 0, 0), 10},
        {IP(100, 128, 0, 0), IPCALC_KIND_PUBLIC, 0, 0},
        {IP(126, 255, 255, 255), IPCALC_KIND_PUBLIC, 0, 0},
        {IP(127, 0, 0, 1), IPCALC_KIND_LOOPBACK, IP(127, 0, 0, 0), 8},
        {IP(127, 255, 255, 255), IPCALC_KIND_LOOPBACK, IP(127, 0, 0, 0), 8},
        {IP(128, 0, 0, 0), IPCALC_KIND_PUBLIC, 0, 0},
        {IP(169, 253, 255, 255), IPCALC_KIND_PUBLIC, 0, 0},
        {IP(169, 254, 0, 0), IPCALC_KIND_LINK_LOCAL, IP(169, 254, 0, 0), 16},
        {IP(169, 254, 255, 255), IPCALC_KIND_LINK_LOCAL, IP(169, 254, 0, 0), 16},
        {IP(169, 255, 0, 0), IPCALC_KIND_PUBLIC, 0, 0},
        {IP(172, 15, 255, 255), IPCALC_KIND_PUBLIC, 0, 0},
        {IP(172, 16, 0, 0), IPCALC_KIND_PRIVATE, IP(172, 16, 0, 0), 12},
        {IP(172, 31, 255, 255), IPCALC_KIND_PRIVATE, IP(172, 16, 0, 0), 12},
        {IP(172, 32, 0, 0), IPCALC_KIND_PUBLIC, 0, 0},
        {IP(192, 0, 0, 8), IPCALC_KIND_IETF_PROTOCOL, IP(192, 0, 0, 0), 24},
        {IP(192, 0, 1, 0), IPCALC_KIND_PUBLIC, 0, 0},
        {IP(192, 0, 2, 0), IPCALC_KIND_DOCUMENTATION, IP(192, 0, 2, 0), 24},
        {IP(192, 0, 2, 255), IPCALC_KIND_DOCUMENTATION, IP(192, 0, 2, 0), 24},
        {IP(192, 0, 3, 0), IPCALC_KIND_PUBLIC, 0, 0},
        {IP(192, 167, 255, 255), IPCALC_KIND_PUBLIC, 0, 0},
        {IP(192, 168, 0, 0), IPCALC_KIND_PRIVATE, IP(192, 168, 0, 0), 16},
        {IP(192, 168, 255, 255), IPCALC_KIND_PRIVATE, IP(192, 168, 0, 0), 16},
        {IP(192, 169, 0, 0), IPCALC_KIND_PUBLIC, 0, 0},
        {IP(198, 17, 255, 255), IPCALC_KIND_PUBLIC, 0, 0},
        {IP(198, 18, 0, 0), IPCALC_KIND_BENCHMARKING, IP(198, 18, 0, 0), 15},
        {IP(198, 19, 255, 255), IPCALC_KIND_BENCHMARKING, IP(198, 18, 0, 0), 15},
        {IP(198, 20, 0, 0), IPCALC_KIND_PUBLIC, 0, 0},
        {IP(198, 51, 100, 7), IPCALC_KIND_DOCUMENTATION, IP(198, 51, 100, 0), 24},
        {IP(198, 51, 101, 0), IPCALC_KIND_PUBLIC, 0, 0},
        {IP(203, 0, 112, 255), IPCALC_KIND_PUBLIC, 0, 0},
        {IP(203, 0, 113, 9), IPCALC_KIND_DOCUMENTATION, IP(203, 0, 113, 0), 24},
        {IP(203, 0, 114, 0), IPCALC_KIND_PUBLIC, 0, 0},
        {IP(223, 255, 255, 255), IPCALC_KIND_PUBLIC, 0, 0},
        {IP(224, 0, 0, 0), IPCALC_KIND_MULTICAST, IP(224, 0, 0, 0), 4},
        {IP(239, 255, 255, 255), IPCALC_KIND_MULTICAST, IP(224, 0, 0, 0), 4},
        {IP(240, 0, 0, 0), IPCALC_KIND_RESERVED, IP(240, 0, 0, 0), 4},
        {IP(255, 255, 255, 254), IPCALC_KIND_RESERVED, IP(240, 0, 0, 0), 4},
        {IP(255, 255, 255, 255), IPCALC_KIND_LIMITED_BROADCAST, IP(255, 255, 255, 255), 32},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[IPV4_TEXT_LEN];
        const ipcalc_block *b = ipcalc_block_of(cases[i].a);
        if (b->kind != cases[i].kind || b->base != cases[i].block || b->prefix_len != cases[i].len)
            fail_msg("%s: %s, expected %s", ipv4_format(cases[i].a, text),
                     ipcalc_kind_name(b->kind), ipcalc_kind_name(cases[i].kind));
        ipcalc_result r;
        ipcalc_compute(cases[i].a, 24, &r);
        assert_int_equal(r.kind, cases[i].kind);
        assert_ptr_equal(r.block, b);
    }
}

static void test_kind_names(void **state) {
    (void)state;
    assert_string_equal(ipcalc_kind_name(IPCALC_KIND_PRIVATE), "private");
    assert_string_equal(ipcalc_kind_name(IPCALC_KIND_LOOPBACK), "loopback");
    assert_string_equal(ipcalc_kind_name(IPCALC_KIND_LIMITED_BROADCAST), "limited broadcast");
    assert_string_equal(ipcalc_kind_name(IPCALC_KIND_THIS_NETWORK), "this network");
    assert_string_equal(ipcalc_kind_name(IPCALC_KIND_PUBLIC), "public");
}

/* ---------------------------------------------------------------- output */

static void test_output_class_c_host(void **state) {
    (void)state;
    expect_output(
        "192.168.1.10/24",
        "Address:      192.168.1.10        11000000.10101000.00000001|00001010\n"
        "Netmask:      255.255.255.0       11111111.11111111.11111111|00000000\n"
        "Wildcard:     0.0.0.255           00000000.00000000.00000000|11111111\n"
        "Network:      192.168.1.0/24      11000000.10101000.00000001|00000000\n"
        "Broadcast:    192.168.1.255       11000000.10101000.00000001|11111111\n"
        "First host:   192.168.1.1         11000000.10101000.00000001|00000001\n"
        "Last host:    192.168.1.254       11000000.10101000.00000001|11111110\n"
        "Prefix:       /24                 24 network bits | 8 host bits\n"
        "Usable hosts: 254                 2^8 - 2: the network and broadcast addresses are not "
        "hosts\n"
        "Class:        C                   leading bits 110 (192.0.0.0 - 223.255.255.255)\n"
        "Type:         private             192.168.0.0/16, RFC 1918: not routed on the Internet\n"
        "Role:         host address        not the network or broadcast address of "
        "192.168.1.0/24\n");
}

static void test_output_class_a_with_netmask(void **state) {
    (void)state;
    expect_output(
        "10.0.0.5 255.0.0.0",
        "Address:      10.0.0.5            00001010|00000000.00000000.00000101\n"
        "Netmask:      255.0.0.0           11111111|00000000.00000000.00000000\n"
        "Wildcard:     0.255.255.255       00000000|11111111.11111111.11111111\n"
        "Network:      10.0.0.0/8          00001010|00000000.00000000.00000000\n"
        "Broadcast:    10.255.255.255      00001010|11111111.11111111.11111111\n"
        "First host:   10.0.0.1            00001010|00000000.00000000.00000001\n"
        "Last host:    10.255.255.254      00001010|11111111.11111111.11111110\n"
        "Prefix:       /8                  8 network bits | 24 host bits\n"
        "Usable hosts: 16777214            2^24 - 2: the network and broadcast addresses are not "
        "hosts\n"
        "Class:        A                   leading bits 0 (0.0.0.0 - 127.255.255.255)\n"
        "Type:         private             10.0.0.0/8, RFC 1918: not routed on the Internet\n"
        "Role:         host address        not the network or broadcast address of 10.0.0.0/8\n");
}

static void test_output_class_b_default_mask(void **state) {
    (void)state;
    expect_output(
        "172.16.5.4",
        "Address:      172.16.5.4          10101100.00010000|00000101.00000100\n"
        "Netmask:      255.255.0.0         11111111.11111111|00000000.00000000\n"
        "Wildcard:     0.0.255.255         00000000.00000000|11111111.11111111\n"
        "Network:      172.16.0.0/16       10101100.00010000|00000000.00000000\n"
        "Broadcast:    172.16.255.255      10101100.00010000|11111111.11111111\n"
        "First host:   172.16.0.1          10101100.00010000|00000000.00000001\n"
        "Last host:    172.16.255.254      10101100.00010000|11111111.11111110\n"
        "Prefix:       /16                 16 network bits | 16 host bits\n"
        "Usable hosts: 65534               2^16 - 2: the network and broadcast addresses are not "
        "hosts\n"
        "Class:        B                   leading bits 10 (128.0.0.0 - 191.255.255.255)\n"
        "Type:         private             172.16.0.0/12, RFC 1918: not routed on the Internet\n"
        "Role:         host address        not the network or broadcast address of "
        "172.16.0.0/16\n"
        "Note:         no mask given       using the classful default of class B, /16\n");
}

static void test_output_loopback_default_mask(void **state) {
    (void)state;
    expect_output(
        "127.0.0.1",
        "Address:      127.0.0.1           01111111|00000000.00000000.00000001\n"
        "Netmask:      255.0.0.0           11111111|00000000.00000000.00000000\n"
        "Wildcard:     0.255.255.255       00000000|11111111.11111111.11111111\n"
        "Network:      127.0.0.0/8         01111111|00000000.00000000.00000000\n"
        "Broadcast:    127.255.255.255     01111111|11111111.11111111.11111111\n"
        "First host:   127.0.0.1           01111111|00000000.00000000.00000001\n"
        "Last host:    127.255.255.254     01111111|11111111.11111111.11111110\n"
        "Prefix:       /8                  8 network bits | 24 host bits\n"
        "Usable hosts: 16777214            2^24 - 2: the network and broadcast addresses are not "
        "hosts\n"
        "Class:        A                   leading bits 0 (0.0.0.0 - 127.255.255.255)\n"
        "Type:         loopback            127.0.0.0/8, RFC 1122: this machine, never sent on a "
        "link\n"
        "Role:         host address        not the network or broadcast address of 127.0.0.0/8\n"
        "Note:         no mask given       using the classful default of class A, /8\n");
}

static void test_output_class_c_default_network_address(void **state) {
    (void)state;
    expect_output(
        "192.168.1.0",
        "Address:      192.168.1.0         11000000.10101000.00000001|00000000\n"
        "Netmask:      255.255.255.0       11111111.11111111.11111111|00000000\n"
        "Wildcard:     0.0.0.255           00000000.00000000.00000000|11111111\n"
        "Network:      192.168.1.0/24      11000000.10101000.00000001|00000000\n"
        "Broadcast:    192.168.1.255       11000000.10101000.00000001|11111111\n"
        "First host:   192.168.1.1         11000000.10101000.00000001|00000001\n"
        "Last host:    192.168.1.254       11000000.10101000.00000001|11111110\n"
        "Prefix:       /24                 24 network bits | 8 host bits\n"
        "Usable hosts: 254                 2^8 - 2: the network and broadcast addresses are not "
        "hosts\n"
        "Class:        C                   leading bits 110 (192.0.0.0 - 223.255.255.255)\n"
        "Type:         private             192.168.0.0/16, RFC 1918: not routed on the Internet\n"
        "Role:         network address     names the subnet 192.168.1.0/24: not usable by a host\n"
        "Note:         no mask given       using the classful default of class C, /24\n");
}

static void test_output_broadcast_address(void **state) {
    (void)state;
    expect_output(
        "192.168.1.255/24",
        "Address:      192.168.1.255       11000000.10101000.00000001|11111111\n"
        "Netmask:      255.255.255.0       11111111.11111111.11111111|00000000\n"
        "Wildcard:     0.0.0.255           00000000.00000000.00000000|11111111\n"
        "Network:      192.168.1.0/24      11000000.10101000.00000001|00000000\n"
        "Broadcast:    192.168.1.255       11000000.10101000.00000001|11111111\n"
        "First host:   192.168.1.1         11000000.10101000.00000001|00000001\n"
        "Last host:    192.168.1.254       11000000.10101000.00000001|11111110\n"
        "Prefix:       /24                 24 network bits | 8 host bits\n"
        "Usable hosts: 254                 2^8 - 2: the network and broadcast addresses are not "
        "hosts\n"
        "Class:        C                   leading bits 110 (192.0.0.0 - 223.255.255.255)\n"
        "Type:         private             192.168.0.0/16, RFC 1918: not routed on the Internet\n"
        "Role:         broadcast address   reaches all hosts of 192.168.1.0/24: not usable by a "
        "host\n");
}

static void test_output_split_inside_octet(void **state) {
    (void)state;
    expect_output(
        "198.51.100.77/27",
        "Address:      198.51.100.77       11000110.00110011.01100100.010|01101\n"
        "Netmask:      255.255.255.224     11111111.11111111.11111111.111|00000\n"
        "Wildcard:     0.0.0.31            00000000.00000000.00000000.000|11111\n"
        "Network:      198.51.100.64/27    11000110.00110011.01100100.010|00000\n"
        "Broadcast:    198.51.100.95       11000110.00110011.01100100.010|11111\n"
        "First host:   198.51.100.65       11000110.00110011.01100100.010|00001\n"
        "Last host:    198.51.100.94       11000110.00110011.01100100.010|11110\n"
        "Prefix:       /27                 27 network bits | 5 host bits\n"
        "Usable hosts: 30                  2^5 - 2: the network and broadcast addresses are not "
        "hosts\n"
        "Class:        C                   leading bits 110 (192.0.0.0 - 223.255.255.255)\n"
        "Type:         documentation       198.51.100.0/24, RFC 5737: TEST-NET-2, for examples in "
        "documents\n"
        "Role:         host address        not the network or broadcast address of "
        "198.51.100.64/27\n");
}

static void test_output_slash_31(void **state) {
    (void)state;
    expect_output(
        "10.0.0.0/31",
        "Address:      10.0.0.0            00001010.00000000.00000000.0000000|0\n"
        "Netmask:      255.255.255.254     11111111.11111111.11111111.1111111|0\n"
        "Wildcard:     0.0.0.1             00000000.00000000.00000000.0000000|1\n"
        "Network:      10.0.0.0/31         00001010.00000000.00000000.0000000|0\n"
        "Broadcast:    none                a /31 point-to-point link has none (RFC 3021)\n"
        "First host:   10.0.0.0            00001010.00000000.00000000.0000000|0\n"
        "Last host:    10.0.0.1            00001010.00000000.00000000.0000000|1\n"
        "Prefix:       /31                 31 network bits | 1 host bit\n"
        "Usable hosts: 2                   a point-to-point link: both are hosts (RFC 3021)\n"
        "Class:        A                   leading bits 0 (0.0.0.0 - 127.255.255.255)\n"
        "Type:         private             10.0.0.0/8, RFC 1918: not routed on the Internet\n"
        "Role:         point-to-point      one of the 2 hosts of 10.0.0.0/31 (RFC 3021)\n");
}

static void test_output_slash_32_public(void **state) {
    (void)state;
    expect_output(
        "8.8.8.8/32",
        "Address:      8.8.8.8             00001000.00001000.00001000.00001000|\n"
        "Netmask:      255.255.255.255     11111111.11111111.11111111.11111111|\n"
        "Wildcard:     0.0.0.0             00000000.00000000.00000000.00000000|\n"
        "Network:      8.8.8.8/32          00001000.00001000.00001000.00001000|\n"
        "Broadcast:    none                a /32 is a single address\n"
        "First host:   8.8.8.8             00001000.00001000.00001000.00001000|\n"
        "Last host:    8.8.8.8             00001000.00001000.00001000.00001000|\n"
        "Prefix:       /32                 32 network bits | 0 host bits\n"
        "Usable hosts: 1                   a single host\n"
        "Class:        A                   leading bits 0 (0.0.0.0 - 127.255.255.255)\n"
        "Type:         public              routable on the Internet (in no special-purpose "
        "block, RFC 6890)\n"
        "Role:         single host         the only address of 8.8.8.8/32\n");
}

static void test_output_slash_0(void **state) {
    (void)state;
    expect_output(
        "0.0.0.0/0",
        "Address:      0.0.0.0             |00000000.00000000.00000000.00000000\n"
        "Netmask:      0.0.0.0             |00000000.00000000.00000000.00000000\n"
        "Wildcard:     255.255.255.255     |11111111.11111111.11111111.11111111\n"
        "Network:      0.0.0.0/0           |00000000.00000000.00000000.00000000\n"
        "Broadcast:    255.255.255.255     |11111111.11111111.11111111.11111111\n"
        "First host:   0.0.0.1             |00000000.00000000.00000000.00000001\n"
        "Last host:    255.255.255.254     |11111111.11111111.11111111.11111110\n"
        "Prefix:       /0                  0 network bits | 32 host bits\n"
        "Usable hosts: 4294967294          2^32 - 2: the network and broadcast addresses are "
        "not hosts\n"
        "Class:        A                   leading bits 0 (0.0.0.0 - 127.255.255.255)\n"
        "Type:         this network        0.0.0.0/8, RFC 1122: \"this network\", only a source "
        "while booting\n"
        "Role:         network address     names the subnet 0.0.0.0/0: not usable by a host\n");
}

static void test_output_class_d_no_split(void **state) {
    (void)state;
    expect_output(
        "224.0.0.1",
        "Address:      224.0.0.1           11100000.00000000.00000000.00000001\n"
        "Netmask:      none                no mask given, and class D has no network/host split\n"
        "Class:        D                   leading bits 1110 (224.0.0.0 - 239.255.255.255)\n"
        "Type:         multicast           224.0.0.0/4, RFC 5771: a group of receivers (class "
        "D)\n");
}

static void test_output_class_e_no_split(void **state) {
    (void)state;
    expect_output(
        "250.1.2.3",
        "Address:      250.1.2.3           11111010.00000001.00000010.00000011\n"
        "Netmask:      none                no mask given, and class E has no network/host split\n"
        "Class:        E                   leading bits 1111 (240.0.0.0 - 255.255.255.255)\n"
        "Type:         reserved            240.0.0.0/4, RFC 1112: reserved for future use (class "
        "E)\n");
}

static void test_output_limited_broadcast(void **state) {
    (void)state;
    expect_output(
        "255.255.255.255",
        "Address:      255.255.255.255     11111111.11111111.11111111.11111111\n"
        "Netmask:      none                no mask given, and class E has no network/host split\n"
        "Class:        E                   leading bits 1111 (240.0.0.0 - 255.255.255.255)\n"
        "Type:         limited broadcast   255.255.255.255/32, RFC 919: every host on this "
        "link, never routed\n");
}

/* The Type and Class lines of the kinds not shown whole above. */
static void test_output_type_lines(void **state) {
    (void)state;
    static const struct {
        const char *args, *type_line;
    } cases[] = {
        {"169.254.10.20/16", "Type:         link-local          169.254.0.0/16, RFC 3927: "
                             "self-assigned when DHCP fails\n"},
        {"100.64.1.1/10", "Type:         shared              100.64.0.0/10, RFC 6598: shared "
                          "address space of carrier-grade NAT\n"},
        {"192.0.2.1/24", "Type:         documentation       192.0.2.0/24, RFC 5737: TEST-NET-1, "
                         "for examples in documents\n"},
        {"203.0.113.5/24", "Type:         documentation       203.0.113.0/24, RFC 5737: "
                           "TEST-NET-3, for examples in documents\n"},
        {"198.18.0.1/15", "Type:         benchmarking        198.18.0.0/15, RFC 2544: for "
                          "testing network equipment\n"},
        {"192.0.0.9/24", "Type:         IETF protocol       192.0.0.0/24, RFC 6890: IETF "
                         "protocol assignments\n"},
        {"172.32.0.1/16", "Type:         public              routable on the Internet (in no "
                          "special-purpose block, RFC 6890)\n"},
        {"239.1.2.3/8", "Type:         multicast           224.0.0.0/4, RFC 5771: a group of "
                        "receivers (class D)\n"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        run_output r = run_line(cases[i].args);
        assert_int_equal(r.status, IPCALC_EXIT_OK);
        if (!strstr(r.out, cases[i].type_line))
            fail_msg("netsim ip %s: no line \"%s\" in:\n%s", cases[i].args, cases[i].type_line,
                     r.out);
        free_run(&r);
    }
}

/* ---------------------------------------------------------------- errors */

static void test_error_no_arguments(void **state) {
    (void)state;
    expect_error(0, NULL,
                 "netsim: ip needs an IPv4 address, e.g. 192.168.1.10/24, 10.0.0.5 255.0.0.0 or "
                 "172.16.5.4\n");
}

static void test_error_extra_argument(void **state) {
    (void)state;
    expect_error_line("10.0.0.5 255.0.0.0 extra", "netsim: ip takes an address and at most one "
                                                  "netmask, got an extra argument \"extra\"\n");
    /* The extra argument is named even when the others are bad too. */
    expect_error_line("x y z w", "netsim: ip takes an address and at most one netmask, got an "
                                 "extra argument \"z\"\n");
}

static void test_error_bad_address(void **state) {
    (void)state;
    static const char *const bad[] = {"300.1.1.1", "10.0.0",   "10.0.0.010", "10.0.0.5.",
                                      "ten",       "-1.0.0.0", "10.0.0.5 "};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char expected[256];
        snprintf(expected, sizeof expected,
                 "netsim: bad IPv4 address \"%s\": expected four numbers 0-255 separated by dots "
                 "(no leading zeros), e.g. 192.168.1.10\n",
                 bad[i]);
        char *argv[] = {(char *)bad[i]};
        expect_error(1, argv, expected);
    }
    char *empty[] = {(char *)""};
    expect_error(1, empty,
                 "netsim: bad IPv4 address \"\": expected four numbers 0-255 separated by dots "
                 "(no leading zeros), e.g. 192.168.1.10\n");
    /* A bad address is reported before the netmask is looked at. */
    expect_error_line("10.0.0.256 255.0.255.0",
                      "netsim: bad IPv4 address \"10.0.0.256\": expected four numbers 0-255 "
                      "separated by dots (no leading zeros), e.g. 192.168.1.10\n");
}

static void test_error_bad_address_with_prefix(void **state) {
    (void)state;
    expect_error_line("abc/24", "netsim: bad IPv4 address \"abc\" in \"abc/24\": expected four "
                                "numbers 0-255 separated by dots (no leading zeros), e.g. "
                                "192.168.1.10\n");
    expect_error_line("192.168.1.300/24",
                      "netsim: bad IPv4 address \"192.168.1.300\" in \"192.168.1.300/24\": "
                      "expected four numbers 0-255 separated by dots (no leading zeros), e.g. "
                      "192.168.1.10\n");
    /* Longer than any dotted quad. */
    expect_error_line("1234567890123456789/8",
                      "netsim: bad IPv4 address \"1234567890123456789\" in "
                      "\"1234567890123456789/8\": expected four numbers 0-255 separated by dots "
                      "(no leading zeros), e.g. 192.168.1.10\n");
}

static void test_error_bad_prefix(void **state) {
    (void)state;
    static const char *const bad[][2] = {
        {"10.0.0.1/33", "33"},   {"10.0.0.1/", ""},         {"10.0.0.1/024", "024"},
        {"10.0.0.1/-1", "-1"},   {"10.0.0.1/x", "x"},       {"10.0.0.1/24/8", "24/8"},
        {"10.0.0.1/255", "255"}, {"10.0.0.1/1000", "1000"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char expected[256];
        snprintf(expected, sizeof expected,
                 "netsim: bad prefix length \"%s\" in \"%s\": expected a number 0-32 (no leading "
                 "zeros), e.g. /24\n",
                 bad[i][1], bad[i][0]);
        char *argv[] = {(char *)bad[i][0]};
        expect_error(1, argv, expected);
    }
}

static void test_error_prefix_and_netmask(void **state) {
    (void)state;
    expect_error_line("10.0.0.5/8 255.0.0.0",
                      "netsim: got both a prefix length in \"10.0.0.5/8\" and a netmask "
                      "\"255.0.0.0\": expected one or the other\n");
}

static void test_error_bad_netmask_text(void **state) {
    (void)state;
    expect_error_line("10.0.0.5 255.0.0", "netsim: bad netmask \"255.0.0\": expected four numbers "
                                          "0-255 separated by dots (no leading zeros), e.g. "
                                          "255.255.255.0\n");
    expect_error_line("10.0.0.5 /24", "netsim: bad netmask \"/24\": expected four numbers 0-255 "
                                      "separated by dots (no leading zeros), e.g. "
                                      "255.255.255.0\n");
    expect_error_line("10.0.0.5 24", "netsim: bad netmask \"24\": expected four numbers 0-255 "
                                     "separated by dots (no leading zeros), e.g. "
                                     "255.255.255.0\n");
}

static void test_error_non_contiguous_netmask(void **state) {
    (void)state;
    expect_error_line("10.0.0.5 255.0.255.0",
                      "netsim: bad netmask \"255.0.255.0\" = 11111111.00000000.11111111.00000000: "
                      "expected all its 1 bits before its 0 bits, e.g. 255.255.255.0\n");
    expect_error_line("10.0.0.5 0.255.255.255",
                      "netsim: bad netmask \"0.255.255.255\" = "
                      "00000000.11111111.11111111.11111111: expected all its 1 bits before its 0 "
                      "bits, e.g. 255.255.255.0\n");
    expect_error_line("10.0.0.5 255.255.255.253",
                      "netsim: bad netmask \"255.255.255.253\" = "
                      "11111111.11111111.11111111.11111101: expected all its 1 bits before its 0 "
                      "bits, e.g. 255.255.255.0\n");
}

/* Every contiguous netmask is accepted and gives its prefix length. */
static void test_every_netmask_accepted(void **state) {
    (void)state;
    for (int len = 0; len <= 32; len++) {
        char mask[IPV4_TEXT_LEN], line[64], expected[80];
        snprintf(line, sizeof line, "10.0.0.5 %s", ipv4_format(ipv4_netmask(len), mask));
        run_output r = run_line(line);
        assert_int_equal(r.status, IPCALC_EXIT_OK);
        assert_string_equal(r.err, "");
        snprintf(expected, sizeof expected, "\nPrefix:       /%d ", len);
        if (!strstr(r.out, expected))
            fail_msg("netsim ip %s: no \"Prefix: /%d\" line in:\n%s", line, len, r.out);
        free_run(&r);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format_binary),
        cmocka_unit_test(test_compute_host_in_24),
        cmocka_unit_test(test_compute_non_octet_prefix),
        cmocka_unit_test(test_compute_every_prefix),
        cmocka_unit_test(test_compute_slash_0),
        cmocka_unit_test(test_compute_slash_31),
        cmocka_unit_test(test_compute_slash_32),
        cmocka_unit_test(test_compute_roles),
        cmocka_unit_test(test_classes),
        cmocka_unit_test(test_classful_defaults),
        cmocka_unit_test(test_kinds),
        cmocka_unit_test(test_kind_names),
        cmocka_unit_test(test_output_class_c_host),
        cmocka_unit_test(test_output_class_a_with_netmask),
        cmocka_unit_test(test_output_class_b_default_mask),
        cmocka_unit_test(test_output_loopback_default_mask),
        cmocka_unit_test(test_output_class_c_default_network_address),
        cmocka_unit_test(test_output_broadcast_address),
        cmocka_unit_test(test_output_split_inside_octet),
        cmocka_unit_test(test_output_slash_31),
        cmocka_unit_test(test_output_slash_32_public),
        cmocka_unit_test(test_output_slash_0),
        cmocka_unit_test(test_output_class_d_no_split),
        cmocka_unit_test(test_output_class_e_no_split),
        cmocka_unit_test(test_output_limited_broadcast),
        cmocka_unit_test(test_output_type_lines),
        cmocka_unit_test(test_error_no_arguments),
        cmocka_unit_test(test_error_extra_argument),
        cmocka_unit_test(test_error_bad_address),
        cmocka_unit_test(test_error_bad_address_with_prefix),
        cmocka_unit_test(test_error_bad_prefix),
        cmocka_unit_test(test_error_prefix_and_netmask),
        cmocka_unit_test(test_error_bad_netmask_text),
        cmocka_unit_test(test_error_non_contiguous_netmask),
        cmocka_unit_test(test_every_netmask_accepted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
