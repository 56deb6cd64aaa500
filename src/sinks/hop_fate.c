/*
 * hop_fate: the end of each journey (docs/hop-table.md, "fate"). Follows the
 * deliveries and drops of packets that crossed a link, where each was last
 * received, and the packet a drop triggers (the ICMP error its device sends
 * next, at the same instant), then writes the last rows of each table and
 * the "fate" objects of paths.json, and hands the same fates to
 * hop_table_visit's visitors (hop_fate_view): the one copy of the rule.
 *
 * Invariant: facts only, never the prose: a trigger is the next new packet
 * id the dropping device sends at the drop's instant.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "sinks/hop_internal.h"
#include "sinks/trace_jsonl.h"
#include "sinks/trace_text.h"
#include "util/alloc.h"
#include "util/i18n.h"

/* --- collection --- */

static bool name_equal(const char *a, const char *b) {
    return a && b && strcmp(a, b) == 0;
}

_Static_assert(TRACE_REASON_COUNT_ <= UINT16_MAX + 1, "fate_rec keeps a reason in 16 bits");

/* Records a delivery or drop of a packet that crossed a link. */
static void fate_add(hop_table *t, const trace_event *ev) {
    const uint32_t *slot = u64map_get(t->by_id, ev->packet_id);
    if (!slot)
        return; /* never crossed a link: no table to end */
    t->fates = hop__grow(t->fates, &t->cap_fates, t->n_fates, sizeof *t->fates, 64);
    uint32_t fi = (uint32_t)t->n_fates++;
    fate_rec *f = &t->fates[fi];
    *f = (fate_rec){.time = ev->time,
                    .next = NO_HOP,
                    .kind = ev->kind == TRACE_DROP     ? HOP_FATE_DROPPED
                            : ev->kind == TRACE_FILTER ? HOP_FATE_FILTERED
                                                       : HOP_FATE_DELIVERED,
                    .reason = (uint16_t)ev->reason,
                    .place = hop__place(t, ev),
                    .why = hop__text_id(t, ev->why)};
    packet_rec *p = &t->packets[*slot];
    if (p->fate_last == NO_HOP)
        p->fate_first = fi;
    else
        t->fates[p->fate_last].next = fi;
    p->fate_last = fi;
    if (f->kind == HOP_FATE_DROPPED)
        t->pending = fi;
}

/* Notes where a packet was last received: a packet that arrived but was
 * neither delivered nor dropped (a TCP segment without data) is not in flight. */
static void receive_note(hop_table *t, const trace_event *ev) {
    const uint32_t *slot = u64map_get(t->by_id, ev->packet_id);
    if (!slot)
        return;
    packet_rec *p = &t->packets[*slot];
    p->rx_place = hop__place(t, ev);
    p->rx_time = ev->time;
}

/* A drop triggers the next packet its device sends at the same instant (an
 * ICMP error), if that packet is new: found from the facts, never the prose. */
static void fate_watch(hop_table *t, const trace_event *ev) {
    if (t->pending == NO_HOP)
        return;
    fate_rec *f = &t->fates[t->pending];
    if (ev->time != f->time) {
        t->pending = NO_HOP;
        return;
    }
    if (ev->kind != TRACE_SEND || !name_equal(ev->device, t->places[f->place].device))
        return;
    if (ev->packet_id > t->max_id && ev->frame) {
        f->trigger = ev->packet_id;
        f->trigger_summary = hop__text_id(t, trace_event_summary(ev));
    }
    t->pending = NO_HOP;
}

bool hop__fate_emit(hop_table *t, const trace_event *ev) {
    fate_watch(t, ev);
    if (ev->packet_id > t->max_id)
        t->max_id = ev->packet_id;
    if ((ev->kind == TRACE_DELIVER || ev->kind == TRACE_DROP || ev->kind == TRACE_FILTER) &&
        ev->packet_id != 0) {
        fate_add(t, ev);
        return true;
    }
    if (ev->kind == TRACE_RECEIVE && ev->packet_id != 0) {
        receive_note(t, ev);
        return true;
    }
    return false;
}

void hop__fate_free(hop_table *t) {
    free(t->fates);
}

/* --- the fate cell and rows --- */

/* Whether a packet without a delivery or drop was received after its last
 * hop started (so it arrived somewhere) rather than still on a link. */
static bool fate_arrived(const packet_rec *p) {
    return p->rx_place != NO_HOP && p->rx_time > p->last_wire;
}

/* The fate cell: "delivered to B.eth0: why", "dropped by r2.eth0: why
 * (reason) -> packet #N: summary", "filtered by sw1.p3: why"; `f` NULL: no
 * delivery or drop traced. */
static void format_fate(const hop_table *t, strbuf *b, const packet_rec *p, const fate_rec *f) {
    strbuf_clear(b);
    if (!f && fate_arrived(p)) {
        strbuf_fmt(b, _("received by %s (no delivery or drop traced)"),
                   t->places[p->rx_place].where);
        return;
    }
    if (!f) {
        strbuf_puts(b, _("still in flight at the end of the run"));
        return;
    }
    const char *where = t->places[f->place].where, *why = hop__text(t, f->why);
    /* TRANSLATORS: the hop table's last row: where the packet ended, and why. */
    bool dropped = f->kind == HOP_FATE_DROPPED, filtered = f->kind == HOP_FATE_FILTERED;
    if (why)
        strbuf_fmt(b,
                   dropped    ? _("dropped by %s: %s")
                   : filtered ? _("filtered by %s: %s")
                              : _("delivered to %s: %s"),
                   where, why);
    else
        strbuf_fmt(b,
                   dropped    ? _("dropped by %s")
                   : filtered ? _("filtered by %s")
                              : _("delivered to %s"),
                   where);
    const char *code = dropped ? trace_reason_name((trace_reason)f->reason) : NULL;
    if (code)
        strbuf_fmt(b, " (%s)", code);
    if (f->trigger) {
        const char *summary = hop__text(t, f->trigger_summary);
        strbuf_fmt(b, _(" -> packet #%u: %s"), (unsigned)f->trigger, summary ? summary : "?");
    }
}

/* When the journey ended: the fate's time, else the last receive's, else none. */
static bool fate_time(const packet_rec *p, const fate_rec *f, uint64_t *ns) {
    if (f)
        *ns = f->time;
    else if (fate_arrived(p))
        *ns = p->rx_time;
    return f || fate_arrived(p);
}

/* Whether fate `f` repeats fate `g` at another place: the same kind,
 * instant, why and reason at a port of the same name, triggering nothing. */
static bool same_fate(const hop_table *t, const fate_rec *g, const fate_rec *f) {
    const hop_place *gp = &t->places[g->place], *fp = &t->places[f->place];
    return f->kind == g->kind && f->time == g->time && f->why == g->why && f->reason == g->reason &&
           !f->trigger && !g->trigger && gp->port && fp->port && strcmp(gp->port, fp->port) == 0;
}

/* How many fates after index `fi` repeat it (same_fate), counted while
 * they do. The text folds them, and the visitor's fates say so
 * (hop_fate_view.folds). */
static uint32_t fates_repeating(const hop_table *t, uint32_t fi) {
    const fate_rec *head = &t->fates[fi];
    uint32_t n = 0;
    for (uint32_t next = head->next; next != NO_HOP && same_fate(t, head, &t->fates[next]);
         next = t->fates[next].next)
        n++;
    return n;
}

static void fate_row(resolver *r, const packet_rec *p, const fate_rec *f, size_t hop_width,
                     size_t time_width, text_line *l) {
    char buf[TEXT_TIME_LEN];
    uint64_t ns;
    /* TRANSLATORS: the hop column of a hop table's last row. */
    hop__cell(l, _("end"), hop_width);
    hop__cell(l, fate_time(p, f, &ns) ? text_format_time(ns, buf) : "-", time_width);
    format_fate(r->t, &r->text, p, f);
    text_line_put(l, r->text.s);
    text_line_end(l);
}

/* The `n` fates from index `fi` on repeat the one printed before them: each
 * printed when there are few (TRACE_TEXT_FOLD_MIN), else one line naming
 * their places. */
static void fate_repeats(resolver *r, const packet_rec *p, uint32_t fi, size_t n, size_t hop_width,
                         size_t time_width, text_line *l) {
    const fate_rec *f = &r->t->fates[fi];
    if (n < TRACE_TEXT_FOLD_MIN) {
        for (size_t i = 0; i < n; i++) {
            fate_row(r, p, f, hop_width, time_width, l);
            if (f->next != NO_HOP)
                f = &r->t->fates[f->next];
        }
        return;
    }
    char buf[TEXT_TIME_LEN];
    hop__cell(l, _("end"), hop_width);
    hop__cell(l, text_format_time(f->time, buf), time_width);
    strbuf_clear(&r->text);
    strbuf_fmt(&r->text,
               /* TRANSLATORS: a hop table's folded last rows: the packet ended
                * as in the row above (delivered or dropped, for the same
                * reason) at N more places, listed after the colon. */
               f->kind == HOP_FATE_DROPPED ? ngettext("dropped the same way at %u more place: ",
                                                      "dropped the same way at %u more places: ", n)
               : f->kind == HOP_FATE_FILTERED
                   ? ngettext("filtered the same way at %u more place: ",
                              "filtered the same way at %u more places: ", n)
                   : ngettext("delivered the same way at %u more place: ",
                              "delivered the same way at %u more places: ", n),
               (unsigned)n);
    text_line_put(l, r->text.s);
    for (size_t i = 0; i < n; i++) {
        text_line_put(l, i == 0 ? "" : ", ");
        text_line_put(l, r->t->places[f->place].where);
        if (f->next != NO_HOP)
            f = &r->t->fates[f->next];
    }
    text_line_end(l);
}

void hop__fate_write_text(resolver *r, const packet_rec *p, size_t hop_width, size_t time_width,
                          FILE *out) {
    text_line l = {.out = out};
    uint32_t fi = p->fate_first;
    if (fi == NO_HOP) {
        fate_row(r, p, NULL, hop_width, time_width, &l);
        return;
    }
    /* A fate is printed, then the fates that repeat it, folded when many. */
    while (fi != NO_HOP) {
        const fate_rec *head = &r->t->fates[fi];
        fate_row(r, p, head, hop_width, time_width, &l);
        uint32_t n = fates_repeating(r->t, fi);
        fi = head->next;
        if (n > 0)
            fate_repeats(r, p, fi, n, hop_width, time_width, &l);
        for (uint32_t i = 0; i < n; i++)
            fi = r->t->fates[fi].next;
    }
}

void hop__fate_write_json(resolver *r, const packet_rec *p, strbuf *out) {
    uint32_t fi = p->fate_first;
    do {
        const fate_rec *f = fi == NO_HOP ? NULL : &r->t->fates[fi];
        uint64_t ns;
        strbuf_puts(out, fi == p->fate_first ? "\n    {\"fate\": \"" : ",\n    {\"fate\": \"");
        strbuf_puts(out, f                 ? (f->kind == HOP_FATE_DROPPED    ? "dropped"
                                              : f->kind == HOP_FATE_FILTERED ? "filtered"
                                                                             : "delivered")
                         : fate_arrived(p) ? "received"
                                           : "in_flight");
        strbuf_putc(out, '"');
        if (fate_time(p, f, &ns)) {
            hop__json_time(out, ns);
            strbuf_puts(out, ", \"at\": ");
            json_put_string(out, r->t->places[f ? f->place : p->rx_place].where);
        }
        if (f) {
            const char *code =
                f->kind == HOP_FATE_DROPPED ? trace_reason_name((trace_reason)f->reason) : NULL;
            if (code) {
                strbuf_puts(out, ", \"reason\": \"");
                strbuf_puts(out, code);
                strbuf_putc(out, '"');
            }
            if (f->why) {
                strbuf_puts(out, ", \"why\": ");
                json_put_string(out, hop__text(r->t, f->why));
            }
            if (f->trigger) {
                strbuf_puts(out, ", \"triggered\": ");
                strbuf_put_u64(out, f->trigger);
            }
        }
        strbuf_puts(out, ", \"text\": ");
        format_fate(r->t, &r->text, p, f);
        json_put_string(out, r->text.s);
        strbuf_putc(out, '}');
        fi = f ? f->next : NO_HOP;
    } while (fi != NO_HOP);
    strbuf_puts(out, "\n  ");
}

size_t hop__fate_views(const hop_table *t, const packet_rec *p, hop_fate_view **views,
                       size_t *cap) {
    size_t n = 0;
    uint32_t fi = p->fate_first, repeats_left = 0;
    do {
        const fate_rec *f = fi == NO_HOP ? NULL : &t->fates[fi];
        *views = hop__grow(*views, cap, n, sizeof **views, 8);
        hop_fate_view *v = &(*views)[n++];
        const hop_place *at = f                 ? &t->places[f->place]
                              : fate_arrived(p) ? &t->places[p->rx_place]
                                                : NULL;
        if (f)
            *v = (hop_fate_view){.kind = (hop_fate_kind)f->kind,
                                 .time = f->time,
                                 .device = at->device,
                                 .port = at->port,
                                 .where = at->where,
                                 .why = hop__text(t, f->why),
                                 .reason = (trace_reason)f->reason,
                                 .trigger = f->trigger,
                                 .trigger_summary = hop__text(t, f->trigger_summary)};
        else if (fate_arrived(p))
            *v = (hop_fate_view){.kind = HOP_FATE_RECEIVED,
                                 .time = p->rx_time,
                                 .device = at->device,
                                 .port = at->port,
                                 .where = at->where};
        else
            *v = (hop_fate_view){.kind = HOP_FATE_IN_FLIGHT};
        if (f && repeats_left > 0) {
            repeats_left--;
        } else if (f) {
            repeats_left = fates_repeating(t, fi);
            v->folds = repeats_left >= TRACE_TEXT_FOLD_MIN ? repeats_left : 0;
        }
        fi = f ? f->next : NO_HOP;
    } while (fi != NO_HOP);
    return n;
}
