/*
 * Unit tests of viewer/json_guard: JSON made safe inside <script>. "</"
 * becomes "<\/", U+2028 / U+2029 become \u2028 / \u2029, everything else
 * passes unchanged, whatever the chunks the text is written in.
 */
#define _GNU_SOURCE /* open_memstream */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "viewer/json_guard.h"

/* `text` written through a guard `chunk` bytes at a time (each fflushed). */
static char *guarded(const char *text, size_t chunk) {
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    assert_non_null(mem);
    FILE *g = json_guard_open(mem);
    for (size_t i = 0, n = strlen(text); i < n; i += chunk) {
        fwrite(text + i, 1, n - i < chunk ? n - i : chunk, g);
        fflush(g);
    }
    fclose(g);
    fclose(mem);
    return buf;
}

static void expect(const char *in, const char *out) {
    for (size_t chunk = 1; chunk <= strlen(in) + 1; chunk++) {
        char *got = guarded(in, chunk);
        assert_string_equal(got, out);
        free(got);
    }
}

static void test_script_end_escaped(void **state) {
    (void)state;
    expect("{\"svg\":\"<svg><g></g></svg>\"}", "{\"svg\":\"<svg><g><\\/g><\\/svg>\"}");
    expect("\"</script>\"", "\"<\\/script>\"");
    expect("a/b <b> 1/2 <", "a/b <b> 1/2 <"); /* a lone '/' or '<' is left alone */
}

static void test_line_separators_escaped(void **state) {
    (void)state;
    expect("\"a\xe2\x80\xa8"
           "b\xe2\x80\xa9"
           "c\"",
           "\"a\\u2028b\\u2029c\"");
    /* Other characters starting with E2 80 pass through: U+2019, U+2020. */
    expect("\"\xe2\x80\x99\xe2\x80\xa0\xe2\x82\xac\"", "\"\xe2\x80\x99\xe2\x80\xa0\xe2\x82\xac\"");
    expect("\xe2", "\xe2"); /* held back, then flushed at the end */
    expect("\xe2\x80", "\xe2\x80");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_script_end_escaped),
        cmocka_unit_test(test_line_separators_escaped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
