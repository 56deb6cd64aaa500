/*
 * test_util_units: exact values for durations and bit rates (no floating-point
 * rounding anywhere), every kind of rejection, and formatting in the largest
 * exact unit, including the parse(format(x)) == x round trip.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "util/units.h"

typedef struct good_case {
    const char *text;
    uint64_t value;
} good_case;

static void test_duration_values(void **state) {
    (void)state;
    static const good_case cases[] = {
        {"250us", 250000ULL},
        {"1.5s", 1500000000ULL},
        {"0ms", 0},
        {"0s", 0},
        {"0.0s", 0},
        {"10ns", 10},
        {"0.1s", 100000000ULL},
        {"0.3s", 300000000ULL},
        {"300s", 300000000000ULL},
        {"1.000000001s", 1000000001ULL},
        {"0.5ms", 500000ULL},
        {"1.5us", 1500},
        {"0.001us", 1},
        {"2.25ms", 2250000ULL},
        {"007ms", 7000000ULL},
        {"1.0ns", 1},
        {"2.50000000000s", 2500000000ULL}, /* zeros beyond 1 ns are exact */
        {"18446744073709551615ns", UINT64_MAX},
        {"18446744073.709551615s", UINT64_MAX},
        {"18446744073709.551615ms", UINT64_MAX},
        {"18446744073s", 18446744073000000000ULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint64_t ns = 12345;
        if (units_parse_duration(cases[i].text, &ns) != 0)
            fail_msg("rejected \"%s\"", cases[i].text);
        if (ns != cases[i].value)
            fail_msg("\"%s\" gave %llu", cases[i].text, (unsigned long long)ns);
    }
}

static void test_duration_rejections(void **state) {
    (void)state;
    static const char *const bad[] = {
        "",                          /* empty */
        "ms",                        /* no number */
        "10",                        /* missing unit */
        "1.5",                       /* missing unit */
        "-1s",                       /* negative */
        "+1s",                       /* sign */
        " 1s",                       /* leading space */
        "1s ",                       /* trailing space */
        "1 s",                       /* space before the unit */
        "1.s",                       /* no fraction digits */
        ".5s",                       /* no integer digits */
        "1..5s",                     /* two points */
        "1.5.0s",                    /* junk */
        "1.5ns",                     /* finer than 1 ns */
        "0.0000000001s",             /* finer than 1 ns */
        "1.0001us",                  /* finer than 1 ns */
        "1sec",                      /* unknown unit */
        "1S",                        /* units are case-sensitive */
        "1Ms",                       /* unknown unit */
        "1m",                        /* minutes are not a unit here */
        "1h",                        /* unknown unit */
        "1e3ns",                     /* no exponents */
        "0x10ns",                    /* no hexadecimal */
        "10mss",                     /* trailing junk */
        "10ms5",                     /* trailing junk */
        "18446744073709551616ns",    /* 2^64 */
        "99999999999999999999999ns", /* overflows while reading digits */
        "18446744074s",              /* overflows when scaled */
        "18446744073.709551616s",    /* overflows when the fraction is added */
        "18446744073709552ms",       /* overflows when scaled */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint64_t ns = 4242;
        if (units_parse_duration(bad[i], &ns) != -1)
            fail_msg("accepted \"%s\"", bad[i]);
        assert_int_equal(ns, 4242); /* untouched on error */
    }
    uint64_t ns = 1;
    assert_int_equal(units_parse_duration(NULL, &ns), -1);
}

static void test_bitrate_values(void **state) {
    (void)state;
    static const good_case cases[] = {
        {"100Mbps", 100000000ULL},
        {"1.5Gbps", 1500000000ULL},
        {"9600bps", 9600},
        {"10kbps", 10000},
        {"0.5kbps", 500},
        {"1bps", 1},
        {"56.6kbps", 56600},
        {"0.1Gbps", 100000000ULL},
        {"2.048Mbps", 2048000ULL},
        {"10.000Gbps", 10000000000ULL},
        {"18446744073709551615bps", UINT64_MAX},
        {"18446744073.709551615Gbps", UINT64_MAX},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint64_t bps = 12345;
        if (units_parse_bitrate(cases[i].text, &bps) != 0)
            fail_msg("rejected \"%s\"", cases[i].text);
        if (bps != cases[i].value)
            fail_msg("\"%s\" gave %llu", cases[i].text, (unsigned long long)bps);
    }
}

static void test_bitrate_rejections(void **state) {
    (void)state;
    static const char *const bad[] = {
        "",                          /* empty */
        "0bps",                      /* zero */
        "0.0Mbps",                   /* zero */
        "Mbps",                      /* no number */
        "100",                       /* missing unit */
        "-1Mbps",                    /* negative */
        "100mbps",                   /* case matters: m is milli */
        "100MBps",                   /* bytes are not bits */
        "100Kbps",                   /* the kilo prefix is k */
        "100 Mbps",                  /* space */
        "100Mbps ",                  /* trailing space */
        "1.5bps",                    /* finer than 1 bit/s */
        "1.0001kbps",                /* finer than 1 bit/s */
        "100Mbps/s",                 /* trailing junk */
        "100Mb",                     /* unknown unit */
        "1Tbps",                     /* unknown unit */
        "1.Gbps",                    /* no fraction digits */
        "18446744073709551616bps",   /* 2^64 */
        "18446744074Gbps",           /* overflows when scaled */
        "18446744073.709551616Gbps", /* overflows when the fraction is added */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint64_t bps = 4242;
        if (units_parse_bitrate(bad[i], &bps) != -1)
            fail_msg("accepted \"%s\"", bad[i]);
        assert_int_equal(bps, 4242);
    }
    uint64_t bps = 1;
    assert_int_equal(units_parse_bitrate(NULL, &bps), -1);
}

static void test_format_duration(void **state) {
    (void)state;
    static const struct {
        uint64_t ns;
        const char *text;
    } cases[] = {
        {300000000000ULL, "300s"},
        {1500000, "1500us"},
        {0, "0s"},
        {1, "1ns"},
        {999, "999ns"},
        {1000, "1us"},
        {1500, "1500ns"},
        {1000000, "1ms"},
        {2500000000ULL, "2500ms"},
        {1000000000ULL, "1s"},
        {1000000001ULL, "1000000001ns"},
        {UINT64_MAX, "18446744073709551615ns"},
        {18446744073000000000ULL, "18446744073s"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buf[32];
        assert_ptr_equal(units_format_duration(cases[i].ns, buf, sizeof buf), buf);
        assert_string_equal(buf, cases[i].text);
        uint64_t back = 0;
        assert_int_equal(units_parse_duration(buf, &back), 0);
        assert_int_equal(back, cases[i].ns);
    }
}

static void test_format_truncates_safely(void **state) {
    (void)state;
    char buf[8] = "xxxxxxx";
    assert_ptr_equal(units_format_duration(300000000000ULL, buf, 3), buf);
    assert_string_equal(buf, "30");
    assert_int_equal(buf[3], 'x'); /* nothing written past cap */
    buf[0] = 'y';
    units_format_duration(5, buf, 0); /* cap 0 writes nothing */
    assert_int_equal(buf[0], 'y');
}

static void test_round_trip(void **state) {
    (void)state;
    uint64_t x = 0x9E3779B97F4A7C15ULL;
    for (int i = 0; i < 10000; i++) {
        /* Values with many trailing decimal zeros and values with none. */
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        uint64_t ns = (i % 2) ? x : (x >> 20) / 1000 * 1000;
        char buf[32];
        units_format_duration(ns, buf, sizeof buf);
        uint64_t back = 0;
        assert_int_equal(units_parse_duration(buf, &back), 0);
        assert_int_equal(back, ns);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_duration_values), cmocka_unit_test(test_duration_rejections),
        cmocka_unit_test(test_bitrate_values),  cmocka_unit_test(test_bitrate_rejections),
        cmocka_unit_test(test_format_duration), cmocka_unit_test(test_format_truncates_safely),
        cmocka_unit_test(test_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
