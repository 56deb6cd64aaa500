/*
 * Unit tests of util/strbuf against fixed strings: a zeroed buffer is empty,
 * puts/put/printf append and keep the text NUL-terminated, growth past the
 * first 64 bytes keeps every byte, clear keeps the memory and empties the
 * text, take hands the string over and leaves the buffer zeroed, free of a
 * zeroed buffer or NULL is harmless. Runs under the sanitizers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/strbuf.h"

static void test_append(void **state) {
    (void)state;
    strbuf b = {0};
    strbuf_puts(&b, "sent by ");
    strbuf_printf(&b, "%s, TTL %u -> %u", "r1", 64u, 63u);
    strbuf_put(&b, "!?", 1);
    assert_string_equal(b.s, "sent by r1, TTL 64 -> 63!");
    assert_int_equal(b.len, strlen("sent by r1, TTL 64 -> 63!"));
    strbuf_free(&b);
    assert_null(b.s);
    assert_int_equal(b.len, 0);
}

static void test_growth(void **state) {
    (void)state;
    strbuf b = {0};
    for (int i = 0; i < 100; i++)
        strbuf_printf(&b, "%02d,", i);
    assert_int_equal(b.len, 300);
    assert_true(b.cap > 300);
    assert_memory_equal(b.s, "00,01,02,", 9);
    assert_string_equal(b.s + 291, "97,98,99,");
    strbuf_free(&b);
}

static void test_clear_and_embedded_nul(void **state) {
    (void)state;
    strbuf b = {0};
    strbuf_clear(&b);
    assert_string_equal(b.s, "");
    strbuf_puts(&b, "abc");
    size_t cap = b.cap;
    strbuf_clear(&b);
    assert_string_equal(b.s, "");
    assert_int_equal(b.cap, cap);
    strbuf_printf(&b, "%s%c", "net", '\0');
    strbuf_printf(&b, "%s%c", "change", '\0');
    assert_int_equal(b.len, 11);
    assert_string_equal(b.s, "net");
    assert_string_equal(b.s + 4, "change");
    strbuf_free(&b);
}

static void test_take(void **state) {
    (void)state;
    strbuf b = {0};
    char *empty = strbuf_take(&b);
    assert_string_equal(empty, "");
    free(empty);
    strbuf_puts(&b, "A.eth0");
    char *s = strbuf_take(&b);
    assert_string_equal(s, "A.eth0");
    assert_null(b.s);
    assert_int_equal(b.len, 0);
    assert_int_equal(b.cap, 0);
    free(s);
    strbuf_free(&b);
    strbuf_free(NULL);
}

/* A translation reorders the arguments: %2$s before %1$s, the same bytes
 * as printf gives. */
static void test_fmt_positional(void **state) {
    (void)state;
    strbuf b = {0};
    strbuf_fmt(&b, "%2$s 改写了 %1$s：%3$s -> %4$s (%5$u%%)", "IP", "nat1", "10.0.0.2:1234",
               "203.0.113.1:40000", 7u);
    assert_string_equal(b.s, "nat1 改写了 IP：10.0.0.2:1234 -> 203.0.113.1:40000 (7%)");
    strbuf_clear(&b);
    strbuf_fmt(&b, "%1$s/%1$s %2$u", "a", 0u);
    assert_string_equal(b.s, "a/a 0");
    strbuf_free(&b);
}

static void test_fmt_and_numbers(void **state) {
    (void)state;
    strbuf b = {0};
    strbuf_fmt(&b, "sent by %s", "h0");
    strbuf_fmt(&b, ", TTL %u -> %u (100%%)%s", 64u, 63u, "");
    assert_string_equal(b.s, "sent by h0, TTL 64 -> 63 (100%)");
    strbuf_clear(&b);
    strbuf_put_u64(&b, 0);
    strbuf_putc(&b, ' ');
    strbuf_put_u64(&b, UINT64_MAX);
    assert_string_equal(b.s, "0 18446744073709551615");
    assert_int_equal(b.len, 22);
    FILE *f = tmpfile();
    assert_non_null(f);
    strbuf_write(&b, f);
    assert_int_equal(b.len, 0);
    assert_string_equal(b.s, "");
    strbuf_puts(&b, "!");
    strbuf_write(&b, f);
    assert_int_equal(ftell(f), 23);
    rewind(f);
    char text[32] = "";
    assert_int_equal(fread(text, 1, sizeof text - 1, f), 23);
    assert_string_equal(text, "0 18446744073709551615!");
    fclose(f);
    strbuf_free(&b);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_append),
        cmocka_unit_test(test_growth),
        cmocka_unit_test(test_clear_and_embedded_nul),
        cmocka_unit_test(test_take),
        cmocka_unit_test(test_fmt_and_numbers),
        cmocka_unit_test(test_fmt_positional),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
