/*
 * text: UTF-8, display width, time and column formatting (see text.h).
 * The decoder is the strict one every caller shares: a byte that does not
 * start a valid sequence is never taken as part of a character.
 */
#include "util/text.h"

#include <inttypes.h>
#include <string.h>

#include "util/strbuf.h"

size_t text_utf8_decode(const unsigned char *s, size_t len, uint32_t *cp) {
    if (len == 0)
        return 0;
    size_t n;
    uint32_t c, min;
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    } else if ((s[0] & 0xe0) == 0xc0) {
        n = 2, c = s[0] & 0x1fu, min = 0x80;
    } else if ((s[0] & 0xf0) == 0xe0) {
        n = 3, c = s[0] & 0x0fu, min = 0x800;
    } else if ((s[0] & 0xf8) == 0xf0) {
        n = 4, c = s[0] & 0x07u, min = 0x10000;
    } else {
        return 0; /* a continuation byte or 0xf8..0xff */
    }
    if (n > len)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0; /* also stops at a terminating NUL */
        c = (c << 6) | (s[i] & 0x3fu);
    }
    if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
        return 0;
    *cp = c;
    return n;
}

size_t text_utf8_next(const unsigned char *s, size_t len, uint32_t *cp) {
    size_t n = text_utf8_decode(s, len, cp);
    if (n)
        return n;
    *cp = 0xfffd;
    return 1;
}

/* East Asian Wide and Fullwidth blocks (Unicode UAX #11), coarsely: whole
 * blocks, so a teaching tool's names line up without a full table. */
static const uint32_t wide_ranges[][2] = {
    {0x1100, 0x115f},   /* Hangul Jamo initial consonants */
    {0x2e80, 0x303e},   /* CJK radicals, punctuation */
    {0x3041, 0x33ff},   /* kana, CJK compatibility */
    {0x3400, 0x4dbf},   /* CJK extension A */
    {0x4e00, 0x9fff},   /* CJK unified ideographs */
    {0xa000, 0xa4cf},   /* Yi */
    {0xac00, 0xd7a3},   /* Hangul syllables */
    {0xf900, 0xfaff},   /* CJK compatibility ideographs */
    {0xfe30, 0xfe4f},   /* CJK compatibility forms */
    {0xff00, 0xff60},   /* fullwidth forms */
    {0xffe0, 0xffe6},   /* fullwidth signs */
    {0x1f300, 0x1f64f}, /* pictographs, emoticons */
    {0x1f900, 0x1f9ff}, /* supplemental pictographs */
    {0x20000, 0x3fffd}, /* CJK extensions B and later */
};

size_t text_cp_width(uint32_t cp) {
    for (size_t i = 0; i < sizeof wide_ranges / sizeof wide_ranges[0]; i++)
        if (cp >= wide_ranges[i][0] && cp <= wide_ranges[i][1])
            return 2;
    return 1;
}

size_t text_width_n(const char *s, size_t len) {
    const unsigned char *p = (const unsigned char *)s;
    size_t width = 0;
    while (len > 0) {
        uint32_t cp;
        size_t n = text_utf8_next(p, len, &cp);
        width += text_cp_width(cp);
        p += n;
        len -= n;
    }
    return width;
}

size_t text_width(const char *s) {
    return text_width_n(s, strlen(s));
}

size_t text_utf8_cut(const char *s, size_t len, size_t limit) {
    if (len <= limit)
        return len;
    size_t cut = limit;
    while (cut > 0 && ((unsigned char)s[cut] & 0xc0) == 0x80)
        cut--;
    return cut;
}

size_t text_put_u64(char *dst, uint64_t v) {
    char rev[20];
    size_t n = 0;
    do {
        rev[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (size_t i = 0; i < n; i++)
        dst[i] = rev[n - 1 - i];
    return n;
}

char *text_format_u64(uint64_t v, char buf[TEXT_U64_LEN]) {
    buf[text_put_u64(buf, v)] = '\0';
    return buf;
}

char *text_format_time(uint64_t ns, char buf[TEXT_TIME_LEN]) {
    size_t n = text_put_u64(buf, ns / 1000000000u);
    buf[n] = '.';
    uint32_t frac = (uint32_t)(ns % 1000000000u);
    for (int i = 9; i >= 1; i--, frac /= 10)
        buf[n + (size_t)i] = (char)('0' + frac % 10);
    buf[n + 10] = '\0';
    return buf;
}

static int is_blank(unsigned char c) {
    return c == ' ' || c < 0x20 || c == 0x7f;
}

/* Appends n bytes to the line, writing the buffer out when it is full. */
static void line_append(text_line *l, const char *s, size_t n) {
    if (l->to) {
        strbuf_put(l->to, s, n);
        return;
    }
    while (n > 0) {
        if (l->len == sizeof l->buf) {
            fwrite(l->buf, 1, l->len, l->out);
            l->len = 0;
        }
        size_t room = sizeof l->buf - l->len;
        size_t k = n < room ? n : room;
        memcpy(l->buf + l->len, s, k);
        l->len += k;
        s += k;
        n -= k;
    }
}

void text_line_put(text_line *l, const char *text) {
    const unsigned char *p = (const unsigned char *)text;
    while (*p) {
        if (is_blank(*p)) {
            l->pending++;
            p++;
            continue;
        }
        const unsigned char *run = p;
        unsigned char high = 0; /* any byte >= 0x80: the run is not plain ASCII */
        while (!is_blank(*p))   /* a NUL is blank too: the run ends there */
            high |= *p++;
        static const char spaces[] = "                                ";
        while (l->pending > 0) {
            size_t n = l->pending < sizeof spaces - 1 ? l->pending : sizeof spaces - 1;
            line_append(l, spaces, n);
            l->pending -= n;
            l->col += n;
        }
        size_t n = (size_t)(p - run);
        line_append(l, (const char *)run, n);
        l->col += high & 0x80 ? text_width_n((const char *)run, n) : n;
    }
}

void text_line_space(text_line *l, size_t n) {
    l->pending += n;
}

void text_line_pad_to(text_line *l, size_t col) {
    if (l->col + l->pending < col)
        l->pending = col - l->col;
}

size_t text_line_at(const text_line *l) {
    return l->col + l->pending;
}

void text_line_field(text_line *l, const char *text, size_t width) {
    size_t start = text_line_at(l);
    text_line_put(l, text);
    text_line_pad_to(l, start + width);
}

void text_line_end(text_line *l) {
    line_append(l, "\n", 1);
    if (!l->to)
        fwrite(l->buf, 1, l->len, l->out);
    l->len = 0;
    l->col = 0;
    l->pending = 0;
}

static char text_ascii_lower(char c) {
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

bool text_equal_nocase(const char *a, const char *b) {
    for (; *a && *b; a++, b++)
        if (text_ascii_lower(*a) != text_ascii_lower(*b))
            return false;
    return *a == *b;
}
