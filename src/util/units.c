/*
 * units: parsing and printing of durations and bit rates in exact integer
 * arithmetic. A number is split into its integer digits and fraction digits,
 * and the fraction is scaled by the unit's power of ten digit by digit, so
 * "0.1s" is exactly 100000000 ns with no floating point in between.
 *
 * Grammar (nothing else is accepted: no sign, no spaces, no exponent):
 *     number unit    where  number = digits [ "." digits ]
 * Fraction digits finer than the base unit (1 ns, 1 bit/s) must be zeros.
 */
#include "util/units.h"

#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

typedef struct units_unit {
    const char *name;
    unsigned digits; /* the unit is 10^digits base units */
} units_unit;

static const units_unit units_durations[] = {
    {"ns", 0},
    {"us", 3},
    {"ms", 6},
    {"s", 9},
};

static const units_unit units_bitrates[] = {
    {"bps", 0},
    {"kbps", 3},
    {"Mbps", 6},
    {"Gbps", 9},
};

static int units__is_digit(char c) {
    return c >= '0' && c <= '9';
}

/* Parses `text` as number + one of `units` (n of them) into base units.
 * Returns 0, or -1 if the text is malformed, names no known unit, is more
 * precise than one base unit, or does not fit 64 bits. */
static int units__parse(const char *text, const units_unit *units, size_t n, uint64_t *out) {
    if (!text || !units__is_digit(*text))
        return -1;
    const char *p = text;
    uint64_t whole = 0;
    for (; units__is_digit(*p); p++) {
        unsigned d = (unsigned)(*p - '0');
        if (whole > (UINT64_MAX - d) / 10)
            return -1;
        whole = whole * 10 + d;
    }
    const char *frac = p, *frac_end = p;
    if (*p == '.') {
        frac = ++p;
        if (!units__is_digit(*p))
            return -1;
        while (units__is_digit(*p))
            p++;
        frac_end = p;
    }
    const units_unit *unit = NULL;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(p, units[i].name) == 0) {
            unit = &units[i];
            break;
        }
    }
    if (!unit)
        return -1; /* missing, unknown, or followed by junk */

    uint64_t scale = 1;
    for (unsigned i = 0; i < unit->digits; i++)
        scale *= 10;
    /* The fraction in base units: its first `digits` digits, padded with zeros. */
    uint64_t part = 0;
    unsigned used = 0;
    for (const char *q = frac; q < frac_end; q++) {
        unsigned d = (unsigned)(*q - '0');
        if (used < unit->digits) {
            part = part * 10 + d;
            used++;
        } else if (d != 0) {
            return -1; /* finer than one base unit */
        }
    }
    for (; used < unit->digits; used++)
        part *= 10;

    if (whole > UINT64_MAX / scale)
        return -1;
    uint64_t value = whole * scale;
    if (value > UINT64_MAX - part)
        return -1;
    *out = value + part;
    return 0;
}

int units_parse_duration(const char *text, uint64_t *ns) {
    uint64_t v;
    if (units__parse(text, units_durations, sizeof units_durations / sizeof units_durations[0],
                     &v) != 0)
        return -1;
    *ns = v;
    return 0;
}

int units_parse_bitrate(const char *text, uint64_t *bits_per_second) {
    uint64_t v;
    if (units__parse(text, units_bitrates, sizeof units_bitrates / sizeof units_bitrates[0], &v) !=
            0 ||
        v == 0)
        return -1;
    *bits_per_second = v;
    return 0;
}

/* Picks the largest unit that divides the value exactly, so the text parses
 * back to the same number of nanoseconds. A buffer of 24 bytes always fits;
 * a shorter one gets a truncated, NUL-terminated string. */
char *units_format_duration(uint64_t ns, char *buf, unsigned cap) {
    if (!buf || cap == 0)
        return buf;
    static const struct {
        uint64_t size;
        const char *name;
    } steps[] = {{1000000000, "s"}, {1000000, "ms"}, {1000, "us"}};
    if (ns == 0) {
        snprintf(buf, cap, "0s");
        return buf;
    }
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        if (ns % steps[i].size == 0) {
            snprintf(buf, cap, "%" PRIu64 "%s", ns / steps[i].size, steps[i].name);
            return buf;
        }
    }
    snprintf(buf, cap, "%" PRIu64 "ns", ns);
    return buf;
}

int units_parse_size(const char *text, uint64_t *bytes) {
    static const struct {
        const char *name;
        unsigned shift;
    } sizes[] = {{"", 0},     {"B", 0},  {"K", 10},   {"KiB", 10}, {"M", 20},
                 {"MiB", 20}, {"G", 30}, {"GiB", 30}, {"T", 40},   {"TiB", 40}};
    if (!text || !units__is_digit(*text))
        return -1;
    uint64_t whole = 0;
    const char *p = text;
    for (; units__is_digit(*p); p++) {
        unsigned d = (unsigned)(*p - '0');
        if (whole > (UINT64_MAX - d) / 10)
            return -1;
        whole = whole * 10 + d;
    }
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        if (strcmp(p, sizes[i].name) != 0)
            continue;
        if (whole > (UINT64_MAX >> sizes[i].shift))
            return -1;
        *bytes = whole << sizes[i].shift;
        return 0;
    }
    return -1;
}
