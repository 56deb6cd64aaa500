/*
 * text: the one copy of the text helpers every writer shares: UTF-8 decoding
 * (RFC 3629), display width for column layout, UTF-8-safe truncation, the
 * simulated-time format, and a line cursor that pads columns to a display
 * width without ever ending a line in a blank.
 *
 * Invariant: nothing here reads past the length it is given, and the same
 * bytes always give the same output (no locale, no wcwidth), so traces stay
 * byte-identical on every host.
 */
#ifndef NETSIM_UTIL_TEXT_H
#define NETSIM_UTIL_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Decodes one UTF-8 character from s[0..len) (RFC 3629 section 3: no
 * overlong forms, no surrogates, nothing above U+10FFFF). Returns its length
 * (1 to 4) and sets *cp; returns 0, leaving *cp alone, when the bytes are not
 * valid UTF-8 or the sequence is cut short by `len` (or by a NUL byte). */
size_t text_utf8_decode(const unsigned char *s, size_t len, uint32_t *cp);

/* As text_utf8_decode, but always advances: an invalid byte is U+FFFD of
 * length 1. `len` must be at least 1. */
size_t text_utf8_next(const unsigned char *s, size_t len, uint32_t *cp);

/* Columns a terminal gives code point `cp`: 2 for East Asian wide and
 * fullwidth characters (CJK, Hangul, kana, fullwidth forms, emoji), else 1. */
size_t text_cp_width(uint32_t cp);

/* Display width of s[0..len): wide characters count 2, every other
 * character (and every invalid byte) 1. */
size_t text_width_n(const char *s, size_t len);

/* text_width_n of a NUL-terminated string. */
size_t text_width(const char *s);

/* The longest prefix of s[0..len) of at most `limit` bytes that does not end
 * inside a UTF-8 sequence (it never splits before a continuation byte). */
size_t text_utf8_cut(const char *s, size_t len, size_t limit);

/* Enough for any uint64_t nanoseconds: 20 digits, '.', 9 digits, NUL. */
#define TEXT_TIME_LEN 32

/* Whether `a` and `b` are equal with ASCII letters compared without case, as
 * DNS names compare (RFC 4343 section 3: nothing else is folded, so "a." and
 * "a" differ) and HTTP field names (RFC 9110 section 5.1). Not locale-aware. */
bool text_equal_nocase(const char *a, const char *b);

/* Enough for any uint64_t in decimal: 20 digits, NUL. */
#define TEXT_U64_LEN 21

/* Writes `v` in decimal (no sign, no leading zeros; "0" for 0) at `dst`,
 * without a NUL, and returns the number of digits (1 to 20). `dst` needs room
 * for 20. The one integer-to-text helper of the writers: no printf, no locale. */
size_t text_put_u64(char *dst, uint64_t v);

/* text_put_u64 into buf, NUL-terminated. Returns `buf`. */
char *text_format_u64(uint64_t v, char buf[TEXT_U64_LEN]);

/* Simulated nanoseconds as seconds with nine decimals ("1.000500000"), in
 * integers only so the text is exact on every host. Returns `buf`. */
char *text_format_time(uint64_t ns, char buf[TEXT_TIME_LEN]);

/*
 * A cursor over one output line. Spaces are never written at once: they are
 * owed (`pending`) and written just before the next visible character, so
 * padding and trailing blanks in texts can never end a line. Control
 * characters inside texts are written as spaces, so a stray '\n' cannot split
 * a line. `col` counts display columns (text_width), so names with wide
 * characters stay aligned.
 */
#define TEXT_LINE_BUF 1024

struct strbuf;

typedef struct text_line {
    FILE *out;         /* borrowed */
    struct strbuf *to; /* when set, the line goes here instead of `out` (borrowed) */
    size_t col;        /* display columns written so far */
    size_t pending;    /* spaces owed before the next visible character */
    /* The line so far, handed to `out` in one fwrite at text_line_end (or
     * when full): stdio costs a call, not a byte (issue 16). */
    size_t len;
    char buf[TEXT_LINE_BUF];
} text_line;

/* Appends `text`; spaces and control characters become owed spaces. */
void text_line_put(text_line *l, const char *text);

/* Owes `n` more spaces. */
void text_line_space(text_line *l, size_t n);

/* Owes enough spaces to reach column `col` (none if already past it). */
void text_line_pad_to(text_line *l, size_t col);

/* The column the next visible character would start at. */
size_t text_line_at(const text_line *l);

/* Appends `text` padded to at least `width` columns. */
void text_line_field(text_line *l, const char *text, size_t width);

/* Ends the line and writes it; owed spaces are dropped, so it never ends in
 * a blank. */
void text_line_end(text_line *l);

#endif
