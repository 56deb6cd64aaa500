/*
 * test_diff: netsim diff on fixed small runs written as paths.json and
 * state.txt texts (grading/diff.h, reader/paths.h). Covers the alignment
 * across renumbering (an extra ARP exchange in B shifts every id), the
 * first-divergence line of a drop against a forward, of a header (TTL)
 * difference and of a packet found in one run only, the final tables'
 * lines only in run A / only in run B, identical runs, and a damaged paths.json
 * (the reader's file:line:col message). Runs under the sanitizers.
 */
#define _POSIX_C_SOURCE 200809L /* open_memstream */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "grading/diff.h"
#include "util/strbuf.h"

/* One hop object: from "DEV.PORT" to "DEV.PORT" at t ns; ip NULL for ARP. */
static void hop(strbuf *b, int number, int prev, unsigned long t, const char *from, const char *to,
                const char *src, const char *dst, int ttl, bool arp) {
    strbuf_printf(b, "%s{\"hop\": %d, ", b->s && b->s[b->len - 1] == '}' ? ", " : "", number);
    if (prev >= 0)
        strbuf_printf(b, "\"prev\": %d, ", prev);
    strbuf_printf(
        b,
        "\"time\": \"x\", \"t\": %lu, \"link\": \"%s--%s\", \"from\": \"%s\", \"to\": "
        "\"%s\", \"eth_src\": \"02:00:00:00:00:01\", \"eth_dst\": \"02:00:00:00:00:02\", ",
        t, from, to, from, to);
    if (arp)
        strbuf_printf(b, "\"arp_sender_ip\": \"%s\", \"arp_target_ip\": \"%s\", ", src, dst);
    else
        strbuf_printf(b, "\"ip_src\": \"%s\", \"ip_dst\": \"%s\", \"ttl\": %d, ", src, dst, ttl);
    strbuf_printf(b, "\"change\": \"%s\"}", prev < 0 ? "sent" : "forwarded");
}

static void packet_open(strbuf *b, unsigned id, const char *summary) {
    strbuf_printf(b, "%s{\"id\": %u, \"summary\": \"%s\", \"hops\": [", b->len > 14 ? ", " : "", id,
                  summary);
}

static void delivered(strbuf *b, unsigned long t, const char *at) {
    strbuf_printf(b,
                  "], \"fate\": [{\"fate\": \"delivered\", \"t\": %lu, \"at\": \"%s\", "
                  "\"text\": \"x\"}]}",
                  t, at);
}

static void dropped(strbuf *b, unsigned long t, const char *at, const char *why,
                    const char *reason) {
    strbuf_printf(b,
                  "], \"fate\": [{\"fate\": \"dropped\", \"t\": %lu, \"at\": \"%s\", "
                  "\"reason\": \"%s\", \"why\": \"%s\", \"text\": \"x\"}]}",
                  t, at, reason, why);
}

/* An ARP exchange between A (10.0.1.10) and `who` starting at t: ids id, id+1. */
static void arp_exchange(strbuf *b, unsigned id, unsigned long t, const char *who, const char *ip) {
    char summary[128], port[32];
    snprintf(port, sizeof port, "%s.eth0", who);
    snprintf(summary, sizeof summary, "ARP who-has %s tell 10.0.1.10", ip);
    packet_open(b, id, summary);
    hop(b, 1, -1, t, "A.eth0", port, "10.0.1.10", ip, 0, true);
    delivered(b, t + 5, port);
    snprintf(summary, sizeof summary, "ARP reply %s is-at 02:00:00:00:00:02", ip);
    packet_open(b, id + 1, summary);
    hop(b, 1, -1, t + 5, port, "A.eth0", ip, "10.0.1.10", 0, true);
    delivered(b, t + 10, "A.eth0");
}

#define ECHO "ICMP echo request 10.0.1.10 > 10.0.3.30 id=0xb3f2 seq=1 ttl=64"

/* The echo request, forwarded by r1 to C (ttl at C: c_ttl), or dropped at r1. */
static void echo(strbuf *b, unsigned id, unsigned long t, bool reaches, int c_ttl) {
    packet_open(b, id, ECHO);
    hop(b, 1, -1, t, "A.eth0", "r1.eth0", "10.0.1.10", "10.0.3.30", 64, false);
    if (reaches) {
        hop(b, 2, 0, t + 20, "r1.eth1", "C.eth0", "10.0.1.10", "10.0.3.30", c_ttl, false);
        delivered(b, t + 30, "C.eth0");
    } else {
        dropped(b, t + 10, "r1.eth0", "no route to 10.0.3.30", "no_route");
    }
}

static diff_run *load(strbuf *b, const char *state) {
    strbuf_puts(b, "]}");
    diff_run *r = NULL;
    ns_error err = {0};
    int rc = diff_run_from_text(b->s, state, "test", &r, &err);
    if (rc != 0)
        fail_msg("%s", err.message);
    strbuf_free(b);
    return r;
}

static const char state_a[] = "# device tables at the end of the run (t=1.000000000 s)\n\n"
                              "router r1\n  routes:\n    10.0.1.0/24   dev eth0 (connected)\n"
                              "    10.0.3.0/24   dev eth1 (connected)\n";
static const char state_b[] = "# device tables at the end of the run (t=1.000000000 s)\n\n"
                              "router r1\n  routes:\n    10.0.1.0/24 dev eth0 (connected)\n";

/* B has an extra ARP exchange (with H) before A's: every id moves by two. */
static void test_align_renumbered(void **state) {
    (void)state;
    strbuf a = {.len = 0}, b = {.len = 0};
    strbuf_puts(&a, "{\"packets\": [");
    arp_exchange(&a, 1, 100, "r1", "10.0.1.1");
    echo(&a, 3, 200, true, 63);
    strbuf_puts(&b, "{\"packets\": [");
    arp_exchange(&b, 1, 10, "H", "10.0.1.20");
    arp_exchange(&b, 3, 100, "r1", "10.0.1.1");
    echo(&b, 5, 200, true, 63);
    diff_run *ra = load(&a, state_a), *rb = load(&b, state_a);
    diff_pair *pairs = NULL;
    size_t n = diff_align(ra, rb, &pairs);
    assert_int_equal(n, 5);
    const diff_pair expected[] = {{0, 1}, {0, 2}, {1, 3}, {2, 4}, {3, 5}};
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(pairs[i].a, expected[i].a);
        assert_int_equal(pairs[i].b, expected[i].b);
    }
    free(pairs);
    char line[512];
    assert_int_equal(diff_first(ra, rb, line, sizeof line), 1);
    assert_string_equal(line, "first difference at 0.000000010 s: packet #1 of run B (ARP who-has "
                              "10.0.1.20 tell 10.0.1.10) run A: no such packet; run B: sent by A "
                              "to H");
    diff_run_free(ra);
    diff_run_free(rb);
}

/* The same packet twice in a run matches by its occurrence number. */
static void test_align_occurrences(void **state) {
    (void)state;
    strbuf a = {.len = 0}, b = {.len = 0};
    strbuf_puts(&a, "{\"packets\": [");
    echo(&a, 1, 100, true, 63);
    echo(&a, 2, 300, true, 63);
    strbuf_puts(&b, "{\"packets\": [");
    echo(&b, 1, 100, true, 63);
    diff_run *ra = load(&a, state_a), *rb = load(&b, state_a);
    diff_pair *pairs = NULL;
    assert_int_equal(diff_align(ra, rb, &pairs), 2);
    assert_int_equal(pairs[0].a, 1);
    assert_int_equal(pairs[0].b, 1);
    assert_int_equal(pairs[1].a, 2);
    assert_int_equal(pairs[1].b, 0);
    free(pairs);
    diff_run_free(ra);
    diff_run_free(rb);
}

static void test_first_divergence_drop(void **state) {
    (void)state;
    strbuf a = {.len = 0}, b = {.len = 0};
    strbuf_puts(&a, "{\"packets\": [");
    echo(&a, 4, 52400, true, 63);
    strbuf_puts(&b, "{\"packets\": [");
    echo(&b, 4, 52400, false, 0);
    diff_run *ra = load(&a, state_a), *rb = load(&b, state_a);
    char line[512];
    assert_int_equal(diff_first(ra, rb, line, sizeof line), 1);
    assert_string_equal(line, "first difference at 0.000052410 s: packet #4 (ICMP echo request "
                              "10.0.1.10 > 10.0.3.30) run A: forwarded by r1 to C; run B: dropped "
                              "at r1.eth0, no route to 10.0.3.30 (no_route)");
    diff_run_free(ra);
    diff_run_free(rb);
}

static void test_first_divergence_ttl(void **state) {
    (void)state;
    strbuf a = {.len = 0}, b = {.len = 0};
    strbuf_puts(&a, "{\"packets\": [");
    echo(&a, 1, 100, true, 63);
    strbuf_puts(&b, "{\"packets\": [");
    echo(&b, 1, 100, true, 62);
    diff_run *ra = load(&a, state_a), *rb = load(&b, state_a);
    char line[512];
    assert_int_equal(diff_first(ra, rb, line, sizeof line), 1);
    assert_string_equal(line, "first difference at 0.000000120 s: packet #1 (ICMP echo request "
                              "10.0.1.10 > 10.0.3.30) run A: forwarded by r1 to C with ttl 63; "
                              "run B: with ttl 62");
    diff_run_free(ra);
    diff_run_free(rb);
}

static char *report(const diff_run *a, const diff_run *b, int *status) {
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_non_null(f);
    *status = diff_write(a, b, f);
    fclose(f);
    return text;
}

static void test_tables_and_identical(void **state) {
    (void)state;
    strbuf a = {.len = 0}, b = {.len = 0}, c = {.len = 0};
    strbuf_puts(&a, "{\"packets\": [");
    echo(&a, 1, 100, true, 63);
    strbuf_puts(&b, "{\"packets\": [");
    echo(&b, 1, 100, true, 63);
    strbuf_puts(&c, "{\"packets\": [");
    echo(&c, 1, 100, true, 63);
    diff_run *ra = load(&a, state_a), *rb = load(&b, state_b), *rc = load(&c, state_a);
    int status = -1;
    char *text = report(ra, rb, &status);
    assert_int_equal(status, 1);
    assert_string_equal(text,
                        "first difference in the final tables: router r1: only in run A: "
                        "routes: 10.0.3.0/24 dev eth1 (connected)\n"
                        "\nfinal tables (1):\n"
                        "  router r1: only in run A: routes: 10.0.3.0/24 dev eth1 (connected)\n"
                        "\n1 difference\n");
    free(text);
    text = report(ra, rc, &status);
    assert_int_equal(status, 0);
    assert_string_equal(text, "no differences: the runs are identical (1 packet with the same "
                              "paths, headers and fates, and the same final tables)\n");
    free(text);
    diff_run_free(ra);
    diff_run_free(rb);
    diff_run_free(rc);
}

static void test_damaged_paths(void **state) {
    (void)state;
    diff_run *r = NULL;
    ns_error err = {0};
    const char *text = "{\"packets\": [\n  {\"id\": 1, \"hops\": [], \"fate\": []}\n]}";
    assert_int_equal(diff_run_from_text(text, "", "DIR/paths.json", &r, &err), NS_ERR_INPUT);
    assert_string_equal(err.message, "DIR/paths.json:2:3: packets[0]: missing key \"summary\"; "
                                     "expected a string");
    assert_int_equal(diff_run_from_text("{\"packets\": [}", "", "p.json", &r, &err), NS_ERR_INPUT);
    assert_non_null(strstr(err.message, "p.json:1:14: invalid JSON"));
    assert_null(r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_align_renumbered),      cmocka_unit_test(test_align_occurrences),
        cmocka_unit_test(test_first_divergence_drop), cmocka_unit_test(test_first_divergence_ttl),
        cmocka_unit_test(test_tables_and_identical),  cmocka_unit_test(test_damaged_paths),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
