/*
 * trace_text: the human trace, one aligned line per event (layout in
 * docs/trace-format.md):
 *
 *   TIME  WHERE  ACTION PKT  SRC > DST  SUMMARY  (WHY)  DETAIL
 *
 * Invariants: exactly one line per shown event (control characters inside
 * names and texts are written as spaces, so a stray '\n' cannot split a line);
 * no line ends in a space (padding is only written once something follows it);
 * output goes through the caller's stdio buffer and is never flushed here, so a
 * trace of millions of lines costs no system call per line.
 */
#include "sinks/trace_text.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "wire/addr.h"
#include "wire/describe.h"

#define TIME_WIDTH   11  /* "0.000000000": seconds below 10 keep every column aligned */
#define ACTION_WIDTH 8   /* the longest kind name ("receive") plus one space */
#define PACKET_WIDTH 6   /* "#12345" */
#define SUMMARY_CAP  512 /* frame_describe truncates longer summaries */

struct text_sink {
    FILE *out;
    int where_width;
};

/* A cursor over one output line. Spaces are never written at once: they are
 * counted in `pending` and written just before the next visible character, so
 * padding and trailing blanks in texts can never end a line. */
typedef struct line {
    FILE *out;
    size_t col;     /* visible characters written so far */
    size_t pending; /* spaces owed before the next visible character */
} line;

static int is_blank(unsigned char c) {
    return c == ' ' || c < 0x20 || c == 0x7f;
}

/* Appends text; spaces and control characters become (pending) spaces. */
static void line_put(line *l, const char *text) {
    const char *p = text;
    while (*p) {
        if (is_blank((unsigned char)*p)) {
            l->pending++;
            p++;
            continue;
        }
        const char *run = p;
        while (*p && !is_blank((unsigned char)*p))
            p++;
        for (; l->pending > 0; l->pending--, l->col++)
            putc(' ', l->out);
        fwrite(run, 1, (size_t)(p - run), l->out);
        l->col += (size_t)(p - run);
    }
}

/* Owes `n` more spaces. */
static void line_space(line *l, size_t n) {
    l->pending += n;
}

/* Owes enough spaces to reach column `col` (none if already past it). */
static void line_pad_to(line *l, size_t col) {
    if (l->col + l->pending < col)
        l->pending = col - l->col;
}

/* Appends text padded to at least `width` columns. */
static void line_field(line *l, const char *text, size_t width) {
    size_t start = l->col + l->pending;
    line_put(l, text);
    line_pad_to(l, start + width);
}

static void line_end(line *l) {
    putc('\n', l->out); /* pending spaces are dropped: no trailing blanks */
}

/* Simulated nanoseconds as seconds with nine decimals, in integers only so the
 * text is exact and identical on every host. */
static void format_time(uint64_t ns, char buf[32]) {
    snprintf(buf, 32, "%" PRIu64 ".%09" PRIu64, ns / 1000000000u, ns % 1000000000u);
}

static void put_why(line *l, const char *why) {
    if (!why)
        return;
    line_put(l, "(");
    line_put(l, why);
    line_put(l, ")");
}

static void emit_run(line *l, const trace_event *ev) {
    line_put(l, "* run");
    if (ev->detail) {
        line_put(l, ":");
        line_space(l, 1);
        line_put(l, ev->detail);
    }
    if (ev->why) {
        line_space(l, 1);
        put_why(l, ev->why);
    }
}

static void emit_app(line *l, const trace_event *ev, size_t where_width) {
    line_field(l, ev->device ? ev->device : "-", where_width);
    line_space(l, 2);
    line_put(l, "|");
    if (ev->detail) {
        line_space(l, 1);
        line_put(l, ev->detail);
    }
    if (ev->why) {
        line_space(l, 2);
        put_why(l, ev->why);
    }
}

/* The frame part: "src > dst  summary" (a frame too short for an Ethernet
 * header shows only the summary, which says so). */
static void put_frame(line *l, const trace_event *ev) {
    char summary[SUMMARY_CAP];
    frame_describe(ev->frame, ev->frame_len, summary, sizeof summary);
    if (ev->frame_len >= 14) {
        frame_info fi;
        char src[MAC_TEXT_LEN], dst[MAC_TEXT_LEN];
        frame_decode(ev->frame, ev->frame_len, &fi);
        line_put(l, mac_format(fi.eth_src, src));
        line_put(l, " > ");
        line_put(l, mac_format(fi.eth_dst, dst));
        line_space(l, 2);
    }
    line_put(l, summary);
}

static void emit_step(line *l, const trace_event *ev, size_t where_width) {
    size_t start = l->col + l->pending;
    line_put(l, ev->device ? ev->device : "-");
    if (ev->port) {
        line_put(l, ".");
        line_put(l, ev->port);
    }
    line_pad_to(l, start + where_width);
    line_space(l, 2);

    line_field(l, trace_kind_name(ev->kind), ACTION_WIDTH);
    line_space(l, 1);
    char packet[16] = "";
    if (ev->packet_id)
        snprintf(packet, sizeof packet, "#%" PRIu32, ev->packet_id);
    line_field(l, packet, PACKET_WIDTH);
    line_space(l, 1);

    if (ev->frame) {
        put_frame(l, ev);
        if (ev->why) {
            line_space(l, 2);
            put_why(l, ev->why);
        }
        if (ev->detail) {
            line_space(l, 2);
            line_put(l, ev->detail);
        }
    } else {
        /* No frame: the detail ("learned ... on p1") takes the frame's place. */
        if (ev->detail) {
            line_put(l, ev->detail);
            line_space(l, 2);
        }
        put_why(l, ev->why);
    }
}

static void text_emit(void *self, const trace_event *ev) {
    text_sink *s = self;
    if (ev->kind == TRACE_WIRE)
        return; /* captures only; the send/receive lines already show the frame */

    line l = {.out = s->out, .col = 0, .pending = 0};
    char stamp[32];
    format_time(ev->time, stamp);
    line_field(&l, stamp, TIME_WIDTH);
    line_space(&l, 2);

    size_t where_width = s->where_width > 0 ? (size_t)s->where_width : 0;
    if (ev->kind == TRACE_RUN)
        emit_run(&l, ev);
    else if (ev->kind == TRACE_APP)
        emit_app(&l, ev, where_width);
    else
        emit_step(&l, ev, where_width);
    line_end(&l);
}

text_sink *text_sink_new(FILE *out, int where_width) {
    text_sink *s = malloc(sizeof *s);
    if (!s)
        return NULL;
    s->out = out;
    s->where_width = where_width;
    return s;
}

trace_sink text_sink_as_sink(text_sink *s) {
    return (trace_sink){.emit = text_emit, .self = s};
}

void text_sink_free(text_sink *s) {
    free(s);
}
