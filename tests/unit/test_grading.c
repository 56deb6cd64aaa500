/*
 * test_grading: the evaluator of `netsim test` (src/grading) on small fixed
 * runs: every check kind once passing and once failing, each failure with
 * its exact message (what was expected, what was seen, where to look). A
 * router topology written here covers path, header, count, drop, table and
 * ping; the repository's lecture topologies (dns-web, dhcp, file-download,
 * tcp-echo) cover the other programs. Checks come from checks files (the
 * --expect path), so names the topology lacks are tested too.
 */
#define _POSIX_C_SOURCE 200809L /* mkstemp */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "grading/grading.h"
#include "reader/reader.h"

static const char router_topology[] =
    "{\"devices\": {"
    " \"A\": {\"type\": \"host\", \"ip\": \"10.0.1.10/24\", \"gateway\": \"10.0.1.1\"},"
    " \"r1\": {\"type\": \"router\", \"interfaces\": {\"eth0\": {\"ip\": \"10.0.1.1/24\"},"
    "          \"eth1\": {\"ip\": \"10.0.2.1/24\"}}},"
    " \"B\": {\"type\": \"host\", \"ip\": \"10.0.2.20/24\", \"gateway\": \"10.0.2.1\"},"
    " \"sw1\": {\"type\": \"switch\", \"ports\": 2}},"
    " \"links\": [[\"A\", \"sw1\"], [\"sw1\", \"r1.eth0\"], [\"r1.eth1\", \"B\"]],"
    " \"script\": ["
    "  {\"at\": \"0ms\", \"on\": \"A\", \"do\": \"ping\", \"to\": \"10.0.2.20\", \"count\": 1},"
    "  {\"at\": \"1s\", \"on\": \"A\", \"do\": \"ping\", \"to\": \"10.0.9.9\", \"count\": 1}]}";

/* One check and what it must give: pass, and on a failure the message. */
typedef struct want {
    const char *check; /* a JSON object */
    bool pass;
    const char *name;
    const char *message; /* NULL: not compared (passes) */
} want;

static void write_file(const char *path, const char *text) {
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* Grades `topology` with the checks of wants[n] and compares every result. */
static void grade_with(const char *topology, const want *wants, size_t n) {
    char checks_path[] = "/tmp/netsim-test-grading-XXXXXX";
    int fd = mkstemp(checks_path);
    assert_true(fd >= 0);
    close(fd);
    size_t cap = 64;
    for (size_t i = 0; i < n; i++)
        cap += strlen(wants[i].check) + 2;
    char *text = malloc(cap);
    assert_non_null(text);
    strcpy(text, "{\"expect\": [");
    for (size_t i = 0; i < n; i++) {
        strcat(text, i ? "," : "");
        strcat(text, wants[i].check);
    }
    strcat(text, "]}");
    write_file(checks_path, text);
    free(text);
    model_expect *e = NULL;
    ns_error err = {0};
    assert_int_equal(loader_load_expect_file(checks_path, &e, &err), 0);
    unlink(checks_path);
    grade_options o = {.seed = 1, .tests = e};
    grade_file f;
    assert_int_equal(grade_topology(topology, &o, &f), 0);
    assert_int_equal(f.n_checks, n);
    for (size_t i = 0; i < n; i++) {
        const grade_check *c = &f.checks[i];
        if (c->pass != wants[i].pass)
            fail_msg("check %zu (%s): %s: %s", i, wants[i].check, c->pass ? "passed" : "failed",
                     c->message);
        assert_string_equal(c->name, wants[i].name);
        if (wants[i].message)
            assert_string_equal(c->message, wants[i].message);
    }
    grade_file_clear(&f);
    model_expect_free(e);
}

static char router_path[] = "/tmp/netsim-test-router-XXXXXX";

static int setup(void **state) {
    (void)state;
    int fd = mkstemp(router_path);
    if (fd < 0)
        return -1;
    close(fd);
    write_file(router_path, router_topology);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    unlink(router_path);
    return 0;
}

#define DROP_909 "packet #7 dropped at r1.eth0, no route to 10.0.9.9 (no_route) at 1.000021520 s"

static void test_path(void **state) {
    (void)state;
    const want w[] = {
        {"{\"check\": \"path\", \"packet\": {\"from\": \"A\", \"icmp\": \"echo-request\"},"
         " \"path\": [\"A\", \"sw1\", \"r1\", \"B\"]}",
         true, "the ICMP echo request from A takes the path A sw1 r1 B", NULL},
        {"{\"check\": \"path\", \"packet\": {\"from\": \"A\", \"icmp\": \"echo-request\","
         " \"nth\": \"last\"}, \"path\": [\"A\", \"sw1\", \"r1\", \"B\"]}",
         false, "the last ICMP echo request from A takes the path A sw1 r1 B",
         "expected path A sw1 r1 B; saw A sw1 r1: " DROP_909},
        {"{\"check\": \"path\", \"packet\": {\"from\": \"B\", \"icmp\": \"echo-reply\"},"
         " \"via\": [\"r1\", \"A\"]}",
         true, "the ICMP echo reply from B goes via r1 A", NULL},
        {"{\"check\": \"path\", \"packet\": {\"proto\": \"dns\"}, \"via\": [\"r1\"]}", false,
         "the DNS packet goes via r1", "expected a path via r1; saw no DNS packet in the run"},
    };
    grade_with(router_path, w, sizeof w / sizeof w[0]);
}

static void test_header(void **state) {
    (void)state;
    const want w[] = {
        {"{\"check\": \"header\", \"packet\": {\"icmp\": \"echo-request\", \"dst\": \"B\"},"
         " \"at\": \"B\", \"ttl\": 63, \"src\": \"10.0.1.10\"}",
         true, "the ICMP echo request to B has TTL 63 src 10.0.1.10 at B", NULL},
        {"{\"check\": \"header\", \"packet\": {\"icmp\": \"echo-request\", \"dst\": \"B\"},"
         " \"link\": [\"r1\", \"B\"], \"ttl\": 64}",
         false, "the ICMP echo request to B has TTL 64 on r1--B",
         "expected TTL 64 on r1--B, saw TTL 63: packet #1 hop 3 (r1 to B) at 0.000067840 s"},
        {"{\"check\": \"header\", \"packet\": {\"icmp\": \"echo-request\", \"dst\": "
         "\"10.0.9.9\"}, \"at\": \"B\", \"ttl\": 63}",
         false, "the ICMP echo request to 10.0.9.9 has TTL 63 at B",
         "expected TTL 63 at B, saw none: " DROP_909},
    };
    grade_with(router_path, w, sizeof w / sizeof w[0]);
}

static void test_count_and_drop(void **state) {
    (void)state;
    const want w[] = {
        {"{\"check\": \"count\", \"frames\": {\"arp\": \"request\"}, \"sent_by\": \"A\","
         " \"equals\": 1}",
         true, "ARP request frames sent by A: 1", NULL},
        {"{\"check\": \"count\", \"frames\": {}, \"seen_by\": \"B\", \"max\": 1}", false,
         "all frames seen by B: at most 1",
         "expected at most 1 frame, saw 3 (packets #1, #4, #10)"},
        {"{\"check\": \"drop\", \"on\": \"r1\", \"reason\": \"no_route\", \"count\": 1}", true,
         "r1 drops 1 for no_route", NULL},
        {"{\"check\": \"drop\", \"on\": \"r1\", \"reason\": \"ttl_expired\"}", false,
         "r1 drops for ttl_expired",
         "expected a drop at r1 for ttl_expired, saw 0; another drop there: " DROP_909},
        {"{\"check\": \"drop\", \"on\": \"r9\", \"reason\": \"no_route\"}", false,
         "r9 drops for no_route", "no device r9 in this topology"},
    };
    grade_with(router_path, w, sizeof w / sizeof w[0]);
}

static void test_table(void **state) {
    (void)state;
    const want w[] = {
        {"{\"check\": \"table\", \"on\": \"A\", \"table\": \"arp\", \"has\": {\"ip\": "
         "\"10.0.1.1\", \"dev\": \"eth0\"}, \"lacks\": {\"ip\": \"10.0.2.20\"}}",
         true, "A's arp table at the end has ip=10.0.1.1 dev=eth0; lacks ip=10.0.2.20", NULL},
        {"{\"check\": \"table\", \"on\": \"A\", \"table\": \"arp\", \"at\": \"0s\", \"has\": "
         "{\"ip\": \"10.0.1.1\", \"state\": \"REACHABLE\"}}",
         false, "A's arp table at 0.000000000 s has ip=10.0.1.1 state=REACHABLE",
         "A's arp table at 0.000000000 s: expected a row with ip=10.0.1.1 state=REACHABLE, saw "
         "none; 1 row: ip=10.0.1.1 dev=eth0 state=INCOMPLETE"},
        {"{\"check\": \"table\", \"on\": \"sw1\", \"table\": \"arp\", \"rows\": 0}", false,
         "sw1's arp table at the end has 0 rows", "sw1 has no arp table"},
    };
    grade_with(router_path, w, sizeof w / sizeof w[0]);
}

static void test_ping(void **state) {
    (void)state;
    const want w[] = {
        {"{\"check\": \"ping\", \"on\": \"A\", \"to\": \"B\", \"replies\": 1}", true,
         "A pings B (1 reply)", NULL},
        {"{\"check\": \"ping\", \"on\": \"A\", \"to\": \"10.0.9.9\", \"hint\": \"r1\"}", false,
         "A pings 10.0.9.9",
         "expected a reply from 10.0.9.9 by the end of the run, saw 0; ping said unreachable "
         "from 10.0.1.1; " DROP_909},
    };
    grade_with(router_path, w, sizeof w / sizeof w[0]);
}

static void test_programs(void **state) {
    (void)state;
    const want tcp[] = {
        {"{\"check\": \"connect\", \"on\": \"A\", \"to\": \"192.168.1.20\", \"port\": 8081}", true,
         "A connects to 192.168.1.20 port 8081", NULL},
        {"{\"check\": \"connect\", \"on\": \"A\", \"to\": \"192.168.1.20\", \"port\": 9999}", false,
         "A connects to 192.168.1.20 port 9999",
         "expected a connection to 192.168.1.20 port 9999 by the end of the run, saw it fail: "
         "connection_refused at 2.000033120 s"},
    };
    grade_with(NETSIM_SOURCE_DIR "/topologies/tcp-echo.json", tcp, 2);
    const want files[] = {
        {"{\"check\": \"download\", \"on\": \"C\", \"file\": \"big.bin\"}", true,
         "C downloads big.bin", NULL},
        {"{\"check\": \"download\", \"on\": \"D\", \"file\": \"missing.txt\"}", false,
         "D downloads missing.txt",
         "expected missing.txt to arrive intact by the end of the run, saw it finish with 0 "
         "bytes, crc32 00000000 (the server sent crc32 none) at 5.000150160 s"},
    };
    grade_with(NETSIM_SOURCE_DIR "/topologies/file-download.json", files, 2);
    const want web[] = {
        {"{\"check\": \"http\", \"on\": \"C\", \"status\": 404}", true, "C gets HTTP status 404",
         NULL},
        {"{\"check\": \"http\", \"on\": \"C\", \"status\": 500}", false, "C gets HTTP status 500",
         "expected an HTTP response with status 500 by the end of the run, saw status 200 for "
         "http://www.example.com/ at 0.000301040 s"},
        {"{\"check\": \"dns\", \"on\": \"C\", \"name\": \"www.example.com\", \"answer\": "
         "\"93.184.216.34\"}",
         true, "C resolves www.example.com to 93.184.216.34", NULL},
        {"{\"check\": \"connect\", \"on\": \"C\", \"to\": \"W\", \"port\": 80}", true,
         "C connects to W port 80", NULL}, /* http_get's connection: the TCP table's fact */
        {"{\"check\": \"dns\", \"on\": \"C\", \"name\": \"nosuch.example.com\"}", false,
         "C resolves nosuch.example.com",
         "expected an answer for nosuch.example.com by the end of the run, saw the lookup "
         "fail: no_such_name at 2.000054960 s"},
    };
    grade_with(NETSIM_SOURCE_DIR "/topologies/dns-web.json", web, 5);
    const want dhcp[] = {
        {"{\"check\": \"dhcp\", \"on\": \"C1\", \"address\": \"192.168.1.100\"}", true,
         "C1 gets a DHCP lease of 192.168.1.100", NULL},
        {"{\"check\": \"dhcp\", \"on\": \"C1\", \"address\": \"192.168.1.200\", \"by\": "
         "\"100us\"}",
         false, "C1 gets a DHCP lease of 192.168.1.200",
         "expected a lease of 192.168.1.200 by 0.000100000 s, saw no lease"},
    };
    grade_with(NETSIM_SOURCE_DIR "/topologies/dhcp.json", dhcp, 2);
}

/* An invalid topology is one failed check, "loads", with the loader's message. */
static void test_invalid_topology(void **state) {
    (void)state;
    char path[] = "/tmp/netsim-test-invalid-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    write_file(path, "{\"devices\": {}");
    grade_options o = {.seed = 1};
    grade_file f;
    assert_int_equal(grade_topology(path, &o, &f), 0);
    unlink(path);
    assert_int_equal(f.n_checks, 1);
    assert_string_equal(f.checks[0].name, "loads");
    assert_false(f.checks[0].pass);
    assert_non_null(strstr(f.checks[0].message, "invalid JSON"));
    grade_file_clear(&f);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_path),
        cmocka_unit_test(test_header),
        cmocka_unit_test(test_count_and_drop),
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_ping),
        cmocka_unit_test(test_programs),
        cmocka_unit_test(test_invalid_topology),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
