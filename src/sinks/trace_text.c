/*
 * trace_text: the human trace, one aligned line per event (layout in
 * docs/trace-format.md):
 *
 *   TIME  WHERE  ACTION PKT  SRC > DST  SUMMARY  (WHY)  DETAIL
 *
 * A "show" (TRACE_SHOW) is the exception to one line per event: its table
 * in the tool's layout (show_text), one "|" line each, as a program's output.
 *
 * Invariants: exactly one line per other event (control characters inside
 * names and texts are written as spaces, so a stray '\n' cannot split a line);
 * no line ends in a space (padding is only written once something follows it);
 * output goes through the caller's stdio buffer and is never flushed here, so a
 * trace of millions of lines costs no system call per line.
 */
#include "sinks/trace_text.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "sinks/show_text.h"
#include "util/i18n.h"
#include "util/strbuf.h"
#include "util/text.h"
#include "wire/addr.h"

#define TIME_WIDTH   11 /* "0.000000000": seconds below 10 keep every column aligned */
#define ACTION_WIDTH 8  /* at least the longest English action ("receive") plus one space */
#define PACKET_WIDTH 6  /* "#12345" */

/* The action column's words, a person's view of trace_kind_name (which
 * stays the same in every language: trace.jsonl's "kind"). */
static const char *const action_words[] = {
    /* TRANSLATORS: the text trace's action column (trace.txt): one short word
     * each, what a device did with a frame at that step. */
    [TRACE_SEND] = N_("send"),
    [TRACE_RECEIVE] = N_("receive"),
    /* TRANSLATORS: a hub repeating a frame out of its other ports. */
    [TRACE_REPEAT] = N_("repeat"),
    [TRACE_COLLIDE] = N_("collide"),
    [TRACE_BACKOFF] = N_("backoff"),
    /* TRANSLATORS: a switch learning a source MAC address. */
    [TRACE_LEARN] = N_("learn"),
    [TRACE_FLOOD] = N_("flood"),
    /* TRANSLATORS: a switch discarding a frame whose destination is on the port it came in. */
    [TRACE_FILTER] = N_("filter"),
    [TRACE_FORWARD] = N_("forward"),
    [TRACE_DELIVER] = N_("deliver"),
    [TRACE_DROP] = N_("drop"),
    [TRACE_ARP] = N_("arp"),
    /* TRANSLATORS: a routing, MAC or ARP table changing. */
    [TRACE_TABLE] = N_("table"),
    /* TRANSLATORS: a TCP connection changing state. */
    [TRACE_STATE] = N_("state"),
    /* TRANSLATORS: the NAT box rewriting an address and port. */
    [TRACE_TRANSLATE] = N_("translate"),
    [TRACE_APP] = N_("app"),
    [TRACE_WIRE] = N_("wire"),
    [TRACE_RUN] = N_("run"),
    [TRACE_SHOW] = N_("show"),
};

#define ACTION_COUNT (sizeof action_words / sizeof action_words[0])

struct text_sink {
    FILE *out;
    int where_width;
    size_t action_width;              /* the widest word below plus one */
    const char *action[ACTION_COUNT]; /* action_words in the run's language */
    const char *run_tag[3];           /* "start", "end", "description" translated */
    const char *run_colon;            /* after "* run", in the run's language */
    strbuf show;                      /* a shown table's lines, reused */
};

/* The run's own events carry these tags as their why (trace.jsonl keeps
 * them); the text trace shows them in the run's language. */
static const char *const run_tags[] = {
    /* TRANSLATORS: trace.txt's tags of the run's first lines and last line:
     * "* run: topology ... (start)", "(description)", "(end)". */
    N_("start"),
    N_("end"),
    N_("description"),
};

/* `gap` spaces, then `text`; nothing at all when `text` is NULL. */
static void put_part(text_line *l, size_t gap, const char *text) {
    if (!text)
        return;
    text_line_space(l, gap);
    text_line_put(l, text);
}

/* `gap` spaces, then "(why)"; nothing at all when `why` is NULL. */
static void put_why(text_line *l, size_t gap, const char *why) {
    if (!why)
        return;
    put_part(l, gap, "(");
    text_line_put(l, why);
    text_line_put(l, ")");
}

static const char *action_word(const text_sink *s, trace_kind k) {
    return (size_t)k < ACTION_COUNT && s->action[k] ? s->action[k] : trace_kind_name(k);
}

static void emit_run(const text_sink *s, text_line *l, const trace_event *ev) {
    text_line_put(l, "* ");
    text_line_put(l, action_word(s, TRACE_RUN));
    if (ev->detail) {
        text_line_put(l, s->run_colon);
        text_line_put(l, ev->detail);
    }
    const char *why = ev->why;
    for (size_t i = 0; why && i < sizeof run_tags / sizeof run_tags[0]; i++)
        if (strcmp(why, run_tags[i]) == 0)
            why = s->run_tag[i];
    put_why(l, 1, why);
}

static void emit_app(text_line *l, const trace_event *ev, size_t where_width) {
    text_line_field(l, ev->device ? ev->device : "-", where_width);
    put_part(l, 2, "|");
    put_part(l, 1, ev->detail);
    put_why(l, 2, ev->why);
}

/* The frame part: "src > dst  summary" (a frame too short for an Ethernet
 * header shows only the summary, which says so). */
static void put_frame(text_line *l, const trace_event *ev) {
    if (ev->frame_len >= 14) {
        const frame_info *fi = trace_event_frame(ev);
        char src[MAC_TEXT_LEN], dst[MAC_TEXT_LEN];
        text_line_put(l, mac_format(fi->eth_src, src));
        text_line_put(l, " > ");
        text_line_put(l, mac_format(fi->eth_dst, dst));
        text_line_space(l, 2);
    }
    text_line_put(l, trace_event_summary(ev));
}

static void emit_step(const text_sink *s, text_line *l, const trace_event *ev, size_t where_width) {
    size_t start = text_line_at(l);
    text_line_put(l, ev->device ? ev->device : "-");
    if (ev->port) {
        text_line_put(l, ".");
        text_line_put(l, ev->port);
    }
    text_line_pad_to(l, start + where_width);
    text_line_space(l, 2);

    text_line_field(l, action_word(s, ev->kind), s->action_width);
    text_line_space(l, 1);
    char packet[1 + TEXT_U64_LEN] = "";
    if (ev->packet_id) {
        packet[0] = '#';
        text_format_u64(ev->packet_id, packet + 1);
    }
    text_line_field(l, packet, PACKET_WIDTH);
    text_line_space(l, 1);

    if (ev->frame) {
        put_frame(l, ev);
        put_why(l, 2, ev->why);
        put_part(l, 2, ev->detail);
    } else {
        /* No frame: the detail ("learned ... on p1") takes the frame's place. */
        put_part(l, 0, ev->detail);
        put_why(l, ev->detail ? 2 : 0, ev->why);
    }
}

/* A shown table: each of its lines as "time  device  | line". */
static void emit_show(text_sink *s, const trace_event *ev, size_t where_width) {
    strbuf_clear(&s->show);
    show_text_format(ev->show, &s->show);
    char stamp[TEXT_TIME_LEN];
    text_format_time(ev->time, stamp);
    for (char *line = s->show.s; *line;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        text_line l = {.out = s->out};
        text_line_field(&l, stamp, TIME_WIDTH);
        text_line_space(&l, 2);
        text_line_field(&l, ev->device ? ev->device : "-", where_width);
        put_part(&l, 2, "|");
        put_part(&l, 1, line);
        text_line_end(&l);
        if (!nl)
            break;
        line = nl + 1;
    }
}

static void text_emit(void *self, const trace_event *ev) {
    text_sink *s = self;
    if (ev->kind == TRACE_WIRE)
        return; /* captures only; the send/receive lines already show the frame */
    size_t show_width = s->where_width > 0 ? (size_t)s->where_width : 0;
    if (ev->kind == TRACE_APP && !ev->detail && ev->result)
        return; /* a program's result with no line of its own: nothing to print */
    if (ev->kind == TRACE_SHOW && ev->show) {
        emit_show(s, ev, show_width);
        return;
    }

    text_line l = {.out = s->out};
    char stamp[TEXT_TIME_LEN];
    text_line_field(&l, text_format_time(ev->time, stamp), TIME_WIDTH);
    text_line_space(&l, 2);

    size_t where_width = s->where_width > 0 ? (size_t)s->where_width : 0;
    if (ev->kind == TRACE_RUN)
        emit_run(s, &l, ev);
    else if (ev->kind == TRACE_APP)
        emit_app(&l, ev, where_width);
    else
        emit_step(s, &l, ev, where_width);
    text_line_end(&l);
}

text_sink *text_sink_new(FILE *out, int where_width) {
    text_sink *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->out = out;
    s->where_width = where_width;
    /* Translated once here, not per line. A translation's column fits its
     * widest word by display width (a Chinese character is two columns); the
     * English column stays ACTION_WIDTH, which "translate" overruns by one. */
    s->action_width = ACTION_WIDTH;
    for (size_t k = 0; k < ACTION_COUNT; k++) {
        s->action[k] = action_words[k] ? _(action_words[k]) : NULL;
        if (s->action[k] && s->action[k] != action_words[k] &&
            text_width(s->action[k]) + 1 > s->action_width)
            s->action_width = text_width(s->action[k]) + 1;
    }
    for (size_t i = 0; i < sizeof run_tags / sizeof run_tags[0]; i++)
        s->run_tag[i] = _(run_tags[i]);
    /* TRANSLATORS: between "* run" and the text of trace.txt's run lines
     * ("* run: topology two-subnets: 5 devices ..."); a full-width colon
     * wants no space after it. */
    s->run_colon = _(": ");
    return s;
}

trace_sink text_sink_as_sink(text_sink *s) {
    return (trace_sink){.emit = text_emit, .self = s};
}

void text_sink_free(text_sink *s) {
    if (s)
        strbuf_free(&s->show);
    free(s);
}
