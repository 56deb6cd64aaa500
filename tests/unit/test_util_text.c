/*
 * Unit tests of util/text against fixed bytes: valid 1- to 4-byte UTF-8,
 * overlong forms, surrogates, code points above U+10FFFF, sequences cut short
 * by the length or a NUL, stray continuation bytes; display width ("电脑A" is
 * 5 columns); UTF-8-safe truncation; the time format; and the line cursor's
 * padding by display width with no trailing blanks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/text.h"

static size_t decode(const char *bytes, size_t len, uint32_t *cp) {
    *cp = 0xdeadbeef;
    return text_utf8_decode((const unsigned char *)bytes, len, cp);
}

static void test_decode_valid(void **state) {
    (void)state;
    uint32_t cp;
    assert_int_equal(decode("A", 1, &cp), 1);
    assert_int_equal(cp, 0x41);
    assert_int_equal(decode("\xc2\x80", 2, &cp), 2); /* smallest 2-byte */
    assert_int_equal(cp, 0x80);
    assert_int_equal(decode("\xc3\xa9", 2, &cp), 2); /* é */
    assert_int_equal(cp, 0xe9);
    assert_int_equal(decode("\xe7\x94\xb5", 3, &cp), 3); /* 电 */
    assert_int_equal(cp, 0x7535);
    assert_int_equal(decode("\xef\xbf\xbd", 3, &cp), 3); /* U+FFFD */
    assert_int_equal(cp, 0xfffd);
    assert_int_equal(decode("\xf0\x9f\x98\x80", 4, &cp), 4); /* U+1F600 */
    assert_int_equal(cp, 0x1f600);
    assert_int_equal(decode("\xf4\x8f\xbf\xbf", 4, &cp), 4); /* U+10FFFF */
    assert_int_equal(cp, 0x10ffff);
}

static void test_decode_invalid(void **state) {
    (void)state;
    uint32_t cp;
    assert_int_equal(decode("\xc0\xaf", 2, &cp), 0);             /* overlong '/' */
    assert_int_equal(decode("\xc1\xbf", 2, &cp), 0);             /* overlong */
    assert_int_equal(decode("\xe0\x80\xaf", 3, &cp), 0);         /* overlong 3-byte */
    assert_int_equal(decode("\xf0\x80\x80\xaf", 4, &cp), 0);     /* overlong 4-byte */
    assert_int_equal(decode("\xed\xa0\x80", 3, &cp), 0);         /* U+D800 */
    assert_int_equal(decode("\xed\xbf\xbf", 3, &cp), 0);         /* U+DFFF */
    assert_int_equal(decode("\xf4\x90\x80\x80", 4, &cp), 0);     /* U+110000 */
    assert_int_equal(decode("\xf8\x88\x80\x80\x80", 5, &cp), 0); /* 5-byte form */
    assert_int_equal(decode("\x80", 1, &cp), 0);                 /* stray continuation */
    assert_int_equal(decode("\xe7\x94\xb5", 2, &cp), 0);         /* cut by the length */
    assert_int_equal(decode("\xe7\x94", 3, &cp), 0);             /* cut by a NUL */
    assert_int_equal(decode("\xc3(", 2, &cp), 0);                /* not a continuation */
    assert_int_equal(decode("A", 0, &cp), 0);                    /* nothing to read */
    assert_int_equal(cp, 0xdeadbeef);                            /* untouched when invalid */
}

static void test_next_replaces(void **state) {
    (void)state;
    uint32_t cp;
    assert_int_equal(text_utf8_next((const unsigned char *)"\xed\xa0\x80", 3, &cp), 1);
    assert_int_equal(cp, 0xfffd);
    assert_int_equal(text_utf8_next((const unsigned char *)"\xc3\xa9", 2, &cp), 2);
    assert_int_equal(cp, 0xe9);
}

static void test_width(void **state) {
    (void)state;
    assert_int_equal(text_width("\xe7\x94\xb5\xe8\x84\x91"
                                "A"),
                     5); /* 电脑A */
    assert_int_equal(text_width("r1.eth0"), 7);
    assert_int_equal(text_width("\xc3\x9c"
                                "n"
                                "\xc3\xaf"
                                "c"),
                     4);                             /* Ünïc */
    assert_int_equal(text_width("\xed\x95\x9c"), 2); /* 한 */
    assert_int_equal(text_width("\xef\xbc\xa1"), 2); /* fullwidth A */
    assert_int_equal(text_width("\xff\xfe"), 2);     /* invalid: 1 a byte */
    assert_int_equal(text_width_n("\xe7\x94\xb5\xe8\x84\x91", 3), 2);
    assert_int_equal(text_width(""), 0);
}

static void test_cut(void **state) {
    (void)state;
    const char *s = "ab\xe7\x94\xb5"
                    "c"; /* ab电c: 6 bytes */
    assert_int_equal(text_utf8_cut(s, 6, 10), 6);
    assert_int_equal(text_utf8_cut(s, 6, 6), 6);
    assert_int_equal(text_utf8_cut(s, 6, 5), 5);
    assert_int_equal(text_utf8_cut(s, 6, 4), 2); /* not inside 电 */
    assert_int_equal(text_utf8_cut(s, 6, 3), 2);
    assert_int_equal(text_utf8_cut(s, 6, 2), 2);
    assert_int_equal(text_utf8_cut(s, 6, 0), 0);
}

static void test_time(void **state) {
    (void)state;
    char buf[TEXT_TIME_LEN];
    assert_string_equal(text_format_time(0, buf), "0.000000000");
    assert_string_equal(text_format_time(1000500000u, buf), "1.000500000");
    assert_string_equal(text_format_time(UINT64_MAX, buf), "18446744073.709551615");
    assert_string_equal(text_format_time(1, buf), "0.000000001");
    assert_string_equal(text_format_time(999999999u, buf), "0.999999999");
    assert_string_equal(text_format_time(1000000000u, buf), "1.000000000");
    assert_string_equal(text_format_time(86400000000123ull, buf), "86400.000000123");
}

static void test_u64(void **state) {
    (void)state;
    char buf[TEXT_U64_LEN];
    assert_string_equal(text_format_u64(0, buf), "0");
    assert_string_equal(text_format_u64(7, buf), "7");
    assert_string_equal(text_format_u64(10, buf), "10");
    assert_string_equal(text_format_u64(4294967295u, buf), "4294967295");
    assert_string_equal(text_format_u64(UINT64_MAX, buf), "18446744073709551615");
    char raw[24];
    memset(raw, 'x', sizeof raw);
    assert_int_equal(text_put_u64(raw, 12345), 5);
    assert_memory_equal(raw, "12345x", 6); /* no NUL written */
}

/* Runs `write` on a line over a memory stream; returns the text (caller frees). */
static char *line_text(void (*write)(text_line *l)) {
    FILE *out = tmpfile();
    assert_non_null(out);
    text_line l = {.out = out};
    write(&l);
    long size = ftell(out);
    assert_true(size >= 0);
    char *text = calloc((size_t)size + 1, 1);
    assert_non_null(text);
    rewind(out);
    assert_int_equal(fread(text, 1, (size_t)size, out), (size_t)size);
    fclose(out);
    return text;
}

static void write_columns(text_line *l) {
    text_line_field(l,
                    "\xe7\x94\xb5\xe8\x84\x91"
                    "A",
                    8); /* 5 columns + 3 */
    text_line_put(l, "|");
    text_line_end(l);
    text_line_field(l, "host12", 8);
    text_line_put(l, "|");
    text_line_space(l, 4);
    text_line_end(l);
    text_line_put(l, "a\nb\t ");
    text_line_pad_to(l, 10);
    text_line_end(l);
    text_line_put(l, "x");
    text_line_pad_to(l, 71); /* more spaces than one run of the writer */
    text_line_put(l, "y");
    text_line_end(l);
}

/* DNS names (RFC 4343) and HTTP field names: ASCII case only, nothing else. */
static void test_equal_nocase(void **state) {
    (void)state;
    assert_true(text_equal_nocase("www.Example.COM", "WWW.example.com"));
    assert_true(text_equal_nocase("Content-Length", "content-length"));
    assert_true(text_equal_nocase("", ""));
    assert_false(text_equal_nocase("a.", "a"));              /* a trailing dot is not folded */
    assert_false(text_equal_nocase("host", "hos"));          /* a prefix is not equal */
    assert_false(text_equal_nocase("[", "{"));               /* only A-Z fold: '[' + 32 is '{' */
    assert_false(text_equal_nocase("\xc3\x89", "\xc3\xa9")); /* É and é: not ASCII */
}

static void test_line(void **state) {
    (void)state;
    char *text = line_text(write_columns);
    assert_string_equal(
        text, "\xe7\x94\xb5\xe8\x84\x91"
              "A   |\n"
              "host12  |\n"
              "a b\n"
              "x                                                                      y\n");
    free(text);
}

/* A line longer than the line buffer (TEXT_LINE_BUF) is written whole, in
 * order, its padding included. */
static void write_long(text_line *l) {
    for (int i = 0; i < 700; i++)
        text_line_field(l, "ab", 4);
    text_line_put(l, "\xe7\x94\xb5"
                     "end");
    text_line_end(l);
    text_line_put(l, "next");
    text_line_end(l);
}

static void test_long_line(void **state) {
    (void)state;
    char *text = line_text(write_long);
    assert_int_equal(strlen(text), 700 * 4 + 6 + 1 + 5);
    for (int i = 0; i < 700; i++)
        assert_memory_equal(text + 4 * i, "ab  ", 4);
    assert_string_equal(text + 2800, "\xe7\x94\xb5"
                                     "end\nnext\n");
    free(text);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decode_valid),  cmocka_unit_test(test_decode_invalid),
        cmocka_unit_test(test_next_replaces), cmocka_unit_test(test_width),
        cmocka_unit_test(test_cut),           cmocka_unit_test(test_time),
        cmocka_unit_test(test_u64),           cmocka_unit_test(test_line),
        cmocka_unit_test(test_equal_nocase),  cmocka_unit_test(test_long_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
