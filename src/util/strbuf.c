/*
 * strbuf: a growable string (see strbuf.h). Capacity doubles from 64 bytes,
 * so n appended bytes cost O(n) amortised; `s` stays NUL-terminated after
 * every write, so a caller may read it at any time.
 */
#include "util/strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"

void strbuf_reserve(strbuf *b, size_t extra) {
    if (b->len + extra + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1)
        cap *= 2;
    b->s = ns_xrealloc(b->s, cap);
    b->cap = cap;
}

void strbuf_clear(strbuf *b) {
    strbuf_reserve(b, 0);
    b->len = 0;
    b->s[0] = '\0';
}

void strbuf_put(strbuf *b, const char *s, size_t n) {
    strbuf_reserve(b, n);
    if (n)
        memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void strbuf_puts(strbuf *b, const char *s) {
    strbuf_put(b, s, strlen(s));
}

void strbuf_printf(strbuf *b, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        ns_out_of_memory(); /* only an encoding error; no format here can make one */
    strbuf_reserve(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

char *strbuf_take(strbuf *b) {
    strbuf_reserve(b, 0);
    char *s = b->s;
    s[b->len] = '\0';
    *b = (strbuf){0};
    return s;
}

void strbuf_free(strbuf *b) {
    if (!b)
        return;
    free(b->s);
    *b = (strbuf){0};
}
