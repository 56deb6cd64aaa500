#define _GNU_SOURCE /* fopencookie */
/*
 * json_guard: the escaping stream (see json_guard.h). A UTF-8 line separator
 * is E2 80 A8 (U+2028) or E2 80 A9 (U+2029); the stream holds back a partial
 * E2 or E2 80 across writes until it knows what follows.
 */
#include "viewer/json_guard.h"

#include <stdbool.h>
#include <stdlib.h>
#include <sys/types.h>

#include "util/alloc.h"

typedef struct guard {
    FILE *out;
    int held; /* 0, 1 (E2 held back) or 2 (E2 80 held back) */
    bool after_lt;
} guard;

static void put_held(guard *g) {
    if (g->held >= 1)
        putc(0xe2, g->out);
    if (g->held == 2)
        putc(0x80, g->out);
    g->held = 0;
}

static void put_byte(guard *g, unsigned char c) {
    if (g->held == 2 && (c == 0xa8 || c == 0xa9)) {
        fputs(c == 0xa8 ? "\\u2028" : "\\u2029", g->out);
        g->held = 0;
        g->after_lt = false;
        return;
    }
    if (g->held == 1 && c == 0x80) {
        g->held = 2;
        return;
    }
    put_held(g);
    if (c == 0xe2) {
        g->held = 1;
        g->after_lt = false;
        return;
    }
    if (c == '/' && g->after_lt)
        putc('\\', g->out);
    putc(c, g->out);
    g->after_lt = c == '<';
}

static ssize_t guard_write(void *cookie, const char *buf, size_t size) {
    guard *g = cookie;
    for (size_t i = 0; i < size; i++)
        put_byte(g, (unsigned char)buf[i]);
    return ferror(g->out) ? -1 : (ssize_t)size;
}

static int guard_close(void *cookie) {
    guard *g = cookie;
    put_held(g);
    free(g);
    return 0;
}

FILE *json_guard_open(FILE *out) {
    guard *g = ns_xcalloc(1, sizeof *g);
    g->out = out;
    FILE *f =
        fopencookie(g, "w", (cookie_io_functions_t){.write = guard_write, .close = guard_close});
    if (!f)
        ns_out_of_memory();
    setvbuf(f, NULL, _IOFBF, 1 << 16);
    return f;
}
