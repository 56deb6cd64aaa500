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
#include "util/text.h"

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

void strbuf_put_u64(strbuf *b, uint64_t v) {
    strbuf_reserve(b, TEXT_U64_LEN);
    b->len += text_put_u64(b->s + b->len, v);
    b->s[b->len] = '\0';
}

void strbuf_write(strbuf *b, FILE *out) {
    if (b->len)
        fwrite(b->s, 1, b->len, out);
    b->len = 0;
    if (b->s)
        b->s[0] = '\0';
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

/* strbuf_fmt's positional form ("%2$s ... %1$s", as a translation may
 * reorder a sentence): the conversions' types by position, the arguments
 * taken in order, then the text written. */
#define FMT_MAX_ARGS 9

static void fmt_positional(strbuf *b, const char *fmt, va_list ap) {
    char type[FMT_MAX_ARGS] = {0};
    unsigned n = 0;
    for (const char *p = fmt; *p; p++) {
        if (*p != '%' || *++p == '%')
            continue;
        if (*p < '1' || *p > '9' || p[1] != '$' || (p[2] != 's' && p[2] != 'u'))
            abort(); /* all conversions positional, %N$s or %N$u only */
        unsigned i = (unsigned)(*p - '1');
        type[i] = p[2];
        n = i + 1 > n ? i + 1 : n;
        p += 2;
    }
    union {
        const char *s;
        unsigned u;
    } arg[FMT_MAX_ARGS];
    for (unsigned i = 0; i < n; i++) {
        if (type[i] == 's')
            arg[i].s = va_arg(ap, const char *);
        else if (type[i] == 'u')
            arg[i].u = va_arg(ap, unsigned);
        else
            abort(); /* a position no conversion names */
    }
    const char *run = fmt;
    for (const char *p = fmt; *p; p++) {
        if (*p != '%')
            continue;
        strbuf_put(b, run, (size_t)(p - run));
        if (*++p == '%') {
            strbuf_putc(b, '%');
        } else {
            unsigned i = (unsigned)(*p - '1');
            p += 2;
            if (*p == 's')
                strbuf_puts(b, arg[i].s);
            else
                strbuf_put_u64(b, arg[i].u);
        }
        run = p + 1;
    }
    strbuf_puts(b, run);
}

void strbuf_fmt(strbuf *b, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    const char *pct = strchr(fmt, '%');
    if (pct && pct[1] >= '1' && pct[1] <= '9' && pct[2] == '$') {
        fmt_positional(b, fmt, ap);
        va_end(ap);
        return;
    }
    const char *run = fmt;
    for (const char *p = fmt; *p; p++) {
        if (*p != '%')
            continue;
        strbuf_put(b, run, (size_t)(p - run));
        p++;
        if (*p == 's')
            strbuf_puts(b, va_arg(ap, const char *));
        else if (*p == 'u')
            strbuf_put_u64(b, va_arg(ap, unsigned));
        else if (*p == '%')
            strbuf_putc(b, '%');
        else
            abort(); /* a conversion strbuf_fmt does not do: use strbuf_printf */
        run = p + 1;
    }
    strbuf_puts(b, run);
    va_end(ap);
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
