/*
 * trace_text: the human trace, one aligned line per event (layout in
 * docs/trace-format.md):
 *
 *   TIME  WHERE  ACTION PKT  SRC > DST  SUMMARY  (WHY)  DETAIL
 *
 * A "show" (TRACE_SHOW) is the exception to one line per event: its table
 * in the tool's layout (show_text), one "|" line each, as a program's output.
 *
 * Folding: the steps one device takes at one instant (a "visit": receive,
 * then drop) are often repeated word for word by many devices, as when a
 * broadcast reaches every host of a LAN. When at least TRACE_TEXT_FOLD_MIN devices in a
 * row repeat the visit just printed, they become one "same" line naming them
 * all: a LAN of 1,000 hosts shows each ARP broadcast in a few lines, not
 * 2,000 (issue 16). trace.jsonl keeps every event.
 *
 * Invariants: exactly one line per other event, but for folded visits
 * (control characters inside names and texts are written as spaces, so a
 * stray '\n' cannot split a line);
 * no line ends in a space (padding is only written once something follows it);
 * output goes through the caller's stdio buffer and is never flushed here, so a
 * trace of millions of lines costs no system call per line.
 */
#include "sinks/trace_text.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "sinks/show_text.h"
#include "util/alloc.h"
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

/* One step's line inside a visit's `lines`, as byte offsets: the device name
 * starts at `where`, ".port" (if any) at `port`, the action column at `rest`;
 * `end` is one past its '\n'. */
typedef struct step_line {
    size_t line, where, port, where_end, rest, end;
} step_line;

/* The steps of one device at one instant, rendered and held until the next
 * visit shows whether it repeats them. */
typedef struct visit {
    bool open;
    uint64_t time;
    uint32_t packet_id; /* the first step's packet, for the "same" line */
    strbuf device;      /* the event's device name, as given */
    strbuf lines;
    step_line *steps;
    size_t n_steps, cap_steps;
} visit;

struct text_sink {
    FILE *out;
    int where_width;
    size_t action_width;              /* the widest word below plus one */
    const char *action[ACTION_COUNT]; /* action_words in the run's language */
    const char *run_tag[3];           /* "start", "end", "description" translated */
    const char *run_colon;            /* after "* run", in the run's language */
    const char *same;                 /* the action word of a folded line */
    strbuf show;                      /* a shown table's lines, reused */
    strbuf scratch;                   /* put_head_bytes' copy, reused */
    /* Folding: `head` is the last visit printed; `repeats` names the devices
     * that repeated it since (NUL-separated), not printed yet. */
    visit a, b, *head, *cur;
    strbuf repeats;
    size_t n_repeats;
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

/* The action and packet columns: "receive  #2     " (no "#" for packet 0). */
static void put_action(const text_sink *s, text_line *l, const char *action, uint32_t packet_id) {
    text_line_field(l, action, s->action_width);
    text_line_space(l, 1);
    char packet[1 + TEXT_U64_LEN] = "";
    if (packet_id) {
        packet[0] = '#';
        text_format_u64(packet_id, packet + 1);
    }
    text_line_field(l, packet, PACKET_WIDTH);
    text_line_space(l, 1);
}

/* The step `ev` appended to visit `v` as one line: time, where, action,
 * packet, frame, why, detail. */
static void emit_step(const text_sink *s, visit *v, const trace_event *ev) {
    size_t where_width = s->where_width > 0 ? (size_t)s->where_width : 0;
    text_line l = {.to = &v->lines};
    step_line sl = {.line = v->lines.len};
    char stamp[TEXT_TIME_LEN];
    text_line_field(&l, text_format_time(ev->time, stamp), TIME_WIDTH);
    text_line_space(&l, 2);
    size_t start = text_line_at(&l);
    sl.where = v->lines.len + l.pending;
    text_line_put(&l, ev->device ? ev->device : "-");
    sl.port = v->lines.len;
    if (ev->port) {
        text_line_put(&l, ".");
        text_line_put(&l, ev->port);
    }
    sl.where_end = v->lines.len;
    text_line_pad_to(&l, start + where_width);
    text_line_space(&l, 2);
    sl.rest = v->lines.len + l.pending;

    put_action(s, &l, action_word(s, ev->kind), ev->packet_id);

    if (ev->frame) {
        put_frame(&l, ev);
        put_why(&l, 2, ev->why);
        put_part(&l, 2, ev->detail);
    } else {
        /* No frame: the detail ("learned ... on p1") takes the frame's place. */
        put_part(&l, 0, ev->detail);
        put_why(&l, ev->detail ? 2 : 0, ev->why);
    }
    text_line_end(&l);
    sl.end = v->lines.len;
    if (v->n_steps == v->cap_steps) {
        v->cap_steps = v->cap_steps ? 2 * v->cap_steps : 8;
        v->steps = ns_xrealloc(v->steps, v->cap_steps * sizeof *v->steps);
    }
    v->steps[v->n_steps++] = sl;
}

/* Whether `b` repeats `a`'s steps at another device: same instant, same
 * ports, and every line the same from the action column on. */
static bool same_steps(const visit *a, const visit *b) {
    if (a->time != b->time || a->n_steps != b->n_steps)
        return false;
    for (size_t i = 0; i < a->n_steps; i++) {
        const step_line *x = &a->steps[i], *y = &b->steps[i];
        size_t port = x->where_end - x->port, rest = x->end - x->rest;
        if (port != y->where_end - y->port || rest != y->end - y->rest ||
            memcmp(a->lines.s + x->port, b->lines.s + y->port, port) != 0 ||
            memcmp(a->lines.s + x->rest, b->lines.s + y->rest, rest) != 0)
            return false;
    }
    return true;
}

/* Appends bytes [from, to) of the head's lines through `l`, so owed spaces
 * come before them as before any text (the bytes are already printable). */
static void put_head_bytes(text_sink *s, text_line *l, size_t from, size_t to) {
    strbuf_clear(&s->scratch);
    strbuf_put(&s->scratch, s->head->lines.s + from, to - from);
    text_line_put(l, s->scratch.s);
}

/* "time  device.port  " as the head's step `sl` would have it at `device`. */
static void put_where(text_sink *s, text_line *l, const step_line *sl, const char *device) {
    size_t where_width = s->where_width > 0 ? (size_t)s->where_width : 0;
    char stamp[TEXT_TIME_LEN];
    text_line_field(l, text_format_time(s->head->time, stamp), TIME_WIDTH);
    text_line_space(l, 2);
    size_t start = text_line_at(l);
    text_line_put(l, device);
    put_head_bytes(s, l, sl->port, sl->where_end);
    text_line_pad_to(l, start + where_width);
    text_line_space(l, 2);
}

/* The repeats of the head: each printed in full when there are few, else
 * one line: "TIME  FIRST  same  #ID  as HEAD above (N steps each) at M
 * ports: FIRST, SECOND, ...". */
static void flush_repeats(text_sink *s) {
    if (s->n_repeats == 0)
        return;
    const visit *h = s->head;
    strbuf out = {0};
    text_line l = {.to = &out};
    if (s->n_repeats < TRACE_TEXT_FOLD_MIN) {
        for (const char *d = s->repeats.s; d < s->repeats.s + s->repeats.len; d += strlen(d) + 1)
            for (size_t i = 0; i < h->n_steps; i++) {
                const step_line *sl = &h->steps[i];
                put_where(s, &l, sl, d);
                put_head_bytes(s, &l, sl->rest, sl->end - 1); /* without its '\n' */
                text_line_end(&l);
            }
    } else {
        put_where(s, &l, &h->steps[0], s->repeats.s);
        put_action(s, &l, s->same, h->packet_id);
        /* The head's own where, as printed. */
        const step_line *first = &h->steps[0];
        strbuf head_where = {0};
        strbuf_put(&head_where, h->lines.s + first->where, first->where_end - first->where);
        strbuf what = {0};
        /* TRANSLATORS: trace.txt's folded line: many devices did exactly
         * what the device named by %s (a "device.port") did just above.
         * The next two strings follow it, each with its own separators:
         * "as h2.eth0 above (2 steps each) at 998 ports: h3.eth0, ...". */
        strbuf_printf(&what, _("as %s above"), head_where.s);
        strbuf_printf(&what, ngettext(" (%zu step each)", " (%zu steps each)", h->n_steps),
                      h->n_steps);
        strbuf_printf(&what, ngettext(" at %zu port: ", " at %zu ports: ", s->n_repeats),
                      s->n_repeats);
        text_line_put(&l, what.s);
        const char *sep = "";
        for (const char *d = s->repeats.s; d < s->repeats.s + s->repeats.len; d += strlen(d) + 1) {
            text_line_put(&l, sep);
            text_line_put(&l, d);
            put_head_bytes(s, &l, first->port, first->where_end);
            sep = ", ";
        }
        text_line_end(&l);
        strbuf_free(&what);
        strbuf_free(&head_where);
    }
    strbuf_write(&out, s->out);
    strbuf_free(&out);
    strbuf_clear(&s->repeats);
    s->n_repeats = 0;
}

/* Ends the visit in progress: a repeat of the head is held back; anything
 * else ends the head's repeats and is printed, becoming the new head. */
static void close_visit(text_sink *s) {
    visit *v = s->cur;
    if (!v->open)
        return;
    v->open = false;
    if (s->head->n_steps > 0 && same_steps(s->head, v)) {
        strbuf_put(&s->repeats, v->device.s, v->device.len + 1);
        s->n_repeats++;
        return;
    }
    flush_repeats(s);
    strbuf_write(&v->lines, s->out);
    s->cur = s->head;
    s->head = v;
}

/* Prints everything held: the visit in progress and the head's repeats.
 * Afterwards nothing can fold into what was printed. */
static void flush_visits(text_sink *s) {
    close_visit(s);
    flush_repeats(s);
    s->head->n_steps = 0;
}

/* Starts a visit for `ev` unless it continues the one in progress. */
static void add_step(text_sink *s, const trace_event *ev) {
    visit *v = s->cur;
    const char *device = ev->device ? ev->device : "-";
    if (v->open && (v->time != ev->time || strcmp(v->device.s, device) != 0))
        close_visit(s);
    v = s->cur;
    if (!v->open) {
        v->open = true;
        v->time = ev->time;
        v->packet_id = ev->packet_id;
        strbuf_clear(&v->device);
        strbuf_puts(&v->device, device);
        strbuf_clear(&v->lines);
        v->n_steps = 0;
    }
    emit_step(s, v, ev);
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
    size_t where_width = s->where_width > 0 ? (size_t)s->where_width : 0;
    if (ev->kind == TRACE_APP && !ev->detail && ev->result)
        return; /* a program's result with no line of its own: nothing to print */
    if (ev->kind != TRACE_RUN && ev->kind != TRACE_APP && !(ev->kind == TRACE_SHOW && ev->show)) {
        add_step(s, ev);
        return;
    }
    flush_visits(s);
    if (ev->kind == TRACE_SHOW) {
        emit_show(s, ev, where_width);
        return;
    }

    text_line l = {.out = s->out};
    char stamp[TEXT_TIME_LEN];
    text_line_field(&l, text_format_time(ev->time, stamp), TIME_WIDTH);
    text_line_space(&l, 2);

    if (ev->kind == TRACE_RUN)
        emit_run(s, &l, ev);
    else
        emit_app(&l, ev, where_width);
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
    /* TRANSLATORS: trace.txt's action column of a folded line: many devices
     * did the same steps as the one above (one short word). */
    s->same = _("same");
    if (text_width(s->same) + 1 > s->action_width)
        s->action_width = text_width(s->same) + 1;
    s->head = &s->a;
    s->cur = &s->b;
    return s;
}

trace_sink text_sink_as_sink(text_sink *s) {
    return (trace_sink){.emit = text_emit, .self = s};
}

static void visit_free(visit *v) {
    strbuf_free(&v->device);
    strbuf_free(&v->lines);
    free(v->steps);
}

void text_sink_free(text_sink *s) {
    if (!s)
        return;
    flush_visits(s);
    strbuf_free(&s->show);
    strbuf_free(&s->repeats);
    strbuf_free(&s->scratch);
    visit_free(&s->a);
    visit_free(&s->b);
    free(s);
}
