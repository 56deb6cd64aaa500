/*
 * strbuf: a growable, always NUL-terminated string for texts whose length
 * depends on names (table cells, labels, JSON keys). One copy for every
 * writer (sinks, diagrams, viewer).
 *
 * Invariant: once anything was written, `s` is a NUL-terminated string of
 * `len` bytes inside `cap`. A zeroed strbuf ({0}) is empty and valid; its `s`
 * is NULL until the first write. Allocation failure ends in
 * ns_out_of_memory (util/alloc.h), so no function here returns an error.
 */
#ifndef NETSIM_UTIL_STRBUF_H
#define NETSIM_UTIL_STRBUF_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef struct strbuf {
    char *s; /* owned; caller frees with strbuf_free (or free(b.s) to keep nothing) */
    size_t len, cap;
} strbuf;

/* Makes room for `extra` more bytes plus the NUL. */
void strbuf_reserve(strbuf *b, size_t extra);

/* Empties the buffer, keeping its memory; afterwards `s` is "" (never NULL). */
void strbuf_clear(strbuf *b);

/* Appends `s` (borrowed). */
void strbuf_puts(strbuf *b, const char *s);

/* Appends `n` bytes of `s` (borrowed; may contain NUL bytes). Inline: the
 * writers append millions of short pieces (issue 16). */
static inline void strbuf_put(strbuf *b, const char *s, size_t n) {
    if (b->len + n + 1 > b->cap)
        strbuf_reserve(b, n);
    if (n)
        memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

/* Appends one byte. */
static inline void strbuf_putc(strbuf *b, char c) {
    strbuf_put(b, &c, 1);
}

/* Appends `v` in decimal (text_put_u64). */
void strbuf_put_u64(strbuf *b, uint64_t v);

/* Writes the contents to `out` in one fwrite and empties the buffer. */
void strbuf_write(strbuf *b, FILE *out);

/* Appends printf-formatted text. */
__attribute__((format(printf, 2, 3))) void strbuf_printf(strbuf *b, const char *fmt, ...);

/* Appends `fmt` with only %s (a string), %u (an unsigned int) and %% filled
 * in, by hand: for per-event texts, where vsnprintf was most of the cost
 * (issue 16), while the sentence stays one format string. A translation may
 * number them instead (%2$s, %1$u: all or none, as in printf). Any other
 * conversion is a programming error (aborts). */
void strbuf_fmt(strbuf *b, const char *fmt, ...);

/* Hands the string over: the caller frees it with free(); `b` is left empty
 * and zeroed. Returns "" (allocated) for a buffer never written. */
char *strbuf_take(strbuf *b);

/* Frees the memory and zeroes `b`. NULL is a no-op. */
void strbuf_free(strbuf *b);

#endif
