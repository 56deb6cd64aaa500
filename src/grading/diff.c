/*
 * grading/diff: aligns two runs' packets and reports their differences
 * (docs/diff.md).
 *
 * Alignment: a packet's key is its origin device, its kind (ARP request or
 * reply, ICMP type, TCP flags, UDP/TCP destination port) and its IP source
 * and destination; with the number of earlier packets of the same key in
 * time order (its occurrence) it names one packet per run. Packets match
 * when key and occurrence are equal: an extra ARP exchange in one run
 * renumbers every later packet but changes no other packet's key or
 * occurrence. Because (key, occurrence) is unique in each run, the matching
 * is exact without a search: an LCS would only differ by refusing matches
 * that cross in time, and a packet sent later in B than in A (after a
 * retransmission, a slower path) is still the same packet to a student.
 * The pairs are then listed in time order (the earlier of the two sends).
 *
 * Every difference found gets a time (when the runs stopped agreeing on it);
 * the first divergence is the earliest, ties going to the one found first in
 * pair order (paths before headers before fates).
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "grading/diff_internal.h"
#include "grading/internal.h"
#include "util/alloc.h"
#include "util/i18n.h"
#include "util/strbuf.h"
#include "util/strmap.h"
#include "util/text.h"

typedef enum {
    DIFF_ONLY_A,
    DIFF_ONLY_B,
    DIFF_PATH,
    DIFF_HEADER,
    DIFF_FATE,
    DIFF_KIND_COUNT_,
} diff_kind;

static const char *const kind_titles[DIFF_KIND_COUNT_] = {
    N_("packets only in run A"), N_("packets only in run B"), N_("different paths"),
    N_("different headers"),     N_("different fates"),
};

typedef struct difference {
    diff_kind kind;
    uint64_t t;
    char *line;  /* the entry in its section */
    char *first; /* the first-divergence line, were this the first */
} difference;

typedef struct report {
    difference *items;
    size_t n;
    strbuf tables; /* the final tables' differences, already written */
    size_t n_tables;
} report;

/* ---- alignment ---------------------------------------------------------- */

static uint64_t pair_time(const diff_run *a, const diff_run *b, size_t ia, size_t ib) {
    uint64_t ta = ia != SIZE_MAX ? a->packets[ia].hops[0].t : UINT64_MAX;
    uint64_t tb = ib != SIZE_MAX ? b->packets[ib].hops[0].t : UINT64_MAX;
    return ta < tb ? ta : tb;
}

/* Pairs as indexes into the runs' packet arrays (SIZE_MAX: none). */
typedef struct index_pair {
    size_t a, b;
    uint64_t t;
} index_pair;

static int index_pair_cmp(const void *x, const void *y) {
    const index_pair *p = x, *q = y;
    if (p->t != q->t)
        return p->t < q->t ? -1 : 1;
    /* Same instant: A's order first, then B's (both are time-ordered). */
    size_t pa = p->a != SIZE_MAX ? p->a : SIZE_MAX - 1, qa = q->a != SIZE_MAX ? q->a : SIZE_MAX - 1;
    if (pa != qa)
        return pa < qa ? -1 : 1;
    return p->b < q->b ? -1 : p->b > q->b;
}

static char *occurrence_key(const diff_packet *p) {
    strbuf b = {0};
    strbuf_printf(&b, "%s#%u", p->key, p->occurrence);
    return strbuf_take(&b);
}

static size_t align_indexes(const diff_run *a, const diff_run *b, index_pair **out) {
    strmap *in_b = strmap_new();
    bool *used = ns_xcalloc(b->n_packets + 1, sizeof *used);
    index_pair *pairs = ns_xcalloc(a->n_packets + b->n_packets + 1, sizeof *pairs);
    size_t n = 0;
    if (!in_b)
        ns_out_of_memory();
    /* The map borrows its keys: B's stay allocated until it is freed.
     * (key, occurrence) is unique within a run, so every put succeeds. */
    char **keys_b = ns_xcalloc(b->n_packets + 1, sizeof *keys_b);
    for (size_t i = 0; i < b->n_packets; i++) {
        keys_b[i] = occurrence_key(&b->packets[i]);
        strmap_put(in_b, keys_b[i], (int)i);
    }
    for (size_t i = 0; i < a->n_packets; i++) {
        char *k = occurrence_key(&a->packets[i]);
        int j = strmap_get(in_b, k);
        free(k);
        size_t jb = j >= 0 ? (size_t)j : SIZE_MAX;
        if (j >= 0)
            used[j] = true;
        pairs[n++] = (index_pair){i, jb, pair_time(a, b, i, jb)};
    }
    for (size_t j = 0; j < b->n_packets; j++)
        if (!used[j])
            pairs[n++] = (index_pair){SIZE_MAX, j, pair_time(a, b, SIZE_MAX, j)};
    if (n)
        qsort(pairs, n, sizeof *pairs, index_pair_cmp);
    strmap_free(in_b);
    for (size_t i = 0; i < b->n_packets; i++)
        free(keys_b[i]);
    free(keys_b);
    free(used);
    *out = pairs;
    return n;
}

size_t diff_align(const diff_run *a, const diff_run *b, diff_pair **out) {
    index_pair *ip = NULL;
    size_t n = align_indexes(a, b, &ip);
    diff_pair *pairs = ns_xcalloc(n + 1, sizeof *pairs);
    for (size_t i = 0; i < n; i++)
        pairs[i] = (diff_pair){ip[i].a != SIZE_MAX ? a->packets[ip[i].a].id : 0,
                               ip[i].b != SIZE_MAX ? b->packets[ip[i].b].id : 0};
    free(ip);
    *out = pairs;
    return n;
}

/* ---- words ---------------------------------------------------------------- */

/* The summary up to its first "name=value" word: "ICMP echo request 10.0.1.10
 * > 10.0.3.10", "TCP 10.0.1.10:49152 > 10.0.3.10:80 [S]". */
static void short_summary(strbuf *b, const char *summary) {
    const char *s = summary;
    size_t keep = 0;
    while (s[keep]) {
        size_t start = keep + strspn(s + keep, " ");
        size_t n = strcspn(s + start, " ");
        if (n == 0 || memchr(s + start, '=', n))
            break;
        keep = start + n;
    }
    strbuf_put(b, s, keep);
}

static void packet_name(strbuf *b, const diff_packet *pa, const diff_packet *pb) {
    strbuf sum = {0};
    short_summary(&sum, (pa ? pa : pb)->summary);
    const char *what = sum.s ? sum.s : "";
    /* TRANSLATORS: the last %s is the packet's summary as tcpdump prints it. */
    if (pa && pb && pa->id == pb->id)
        strbuf_printf(b, _("packet #%u (%s)"), pa->id, what);
    else if (pa && pb)
        strbuf_printf(b, _("packet #%u in run A, #%u in run B (%s)"), pa->id, pb->id, what);
    else if (pa)
        strbuf_printf(b, _("packet #%u of run A (%s)"), pa->id, what);
    else
        strbuf_printf(b, _("packet #%u of run B (%s)"), pb->id, what);
    strbuf_free(&sum);
}

static void hop_words(strbuf *b, const diff_hop *h) {
    if (h->prev == UINT32_MAX)
        strbuf_printf(b, _("sent by %s to %s"), h->from_dev, h->to_dev);
    else if (h->repeated)
        strbuf_printf(b, _("repeated by %s to %s"), h->from_dev, h->to_dev);
    else
        strbuf_printf(b, _("forwarded by %s to %s"), h->from_dev, h->to_dev);
}

static void fate_words(strbuf *b, const diff_fate *f) {
    const char *at = f->at ? f->at : "?";
    strbuf tail = {0};
    switch (f->kind) {
    case HOP_FATE_DELIVERED:
        strbuf_printf(b, _("delivered to %s"), at);
        break;
    case HOP_FATE_DROPPED:
        grade_why_reason(&tail, f->why, f->reason);
        /* TRANSLATORS: a device, then ", why (reason code)". */
        strbuf_printf(b, _("dropped at %s%s"), at, tail.s ? tail.s : "");
        break;
    case HOP_FATE_FILTERED:
        grade_why_reason(&tail, f->why, NULL);
        /* TRANSLATORS: a switch port, then ", why". */
        strbuf_printf(b, _("filtered at %s%s"), at, tail.s ? tail.s : "");
        break;
    case HOP_FATE_RECEIVED:
        strbuf_printf(b, _("received by %s (no delivery or drop traced)"), at);
        break;
    case HOP_FATE_IN_FLIGHT:
        strbuf_puts(b, _("still in flight at the end of the run"));
        break;
    }
    strbuf_free(&tail);
}

static void fates_words(strbuf *b, const diff_packet *p) {
    for (size_t i = 0; i < p->n_fates; i++) {
        size_t at = b->len;
        fate_words(b, &p->fates[i]);
        if (i)
            grade_clause_join(b, at);
    }
    if (p->n_fates == 0)
        strbuf_puts(b, _("no fate recorded"));
}

/* What the run did at hop index k: that hop, or how the journey ended. */
static void step_words(strbuf *b, const diff_packet *p, size_t k) {
    if (k < p->n_hops)
        hop_words(b, &p->hops[k]);
    else
        fates_words(b, p);
}

static void device_list(strbuf *b, const diff_packet *p) {
    strbuf_puts(b, p->hops[0].from_dev);
    for (size_t i = 0; i < p->n_hops; i++)
        strbuf_printf(b, " %s", p->hops[i].to_dev);
}

static uint64_t min_t(uint64_t x, uint64_t y) {
    return x < y ? x : y;
}

/* When a journey that has no hop k ended: its first placed fate. */
static uint64_t end_time(const diff_packet *p) {
    uint64_t t = UINT64_MAX;
    for (size_t i = 0; i < p->n_fates; i++)
        if (p->fates[i].kind != HOP_FATE_IN_FLIGHT)
            t = min_t(t, p->fates[i].t);
    return t != UINT64_MAX ? t : p->hops[p->n_hops - 1].t;
}

static uint64_t step_time(const diff_packet *p, size_t k) {
    return k < p->n_hops ? p->hops[k].t : end_time(p);
}

/* ---- recording differences ----------------------------------------------- */

static void add(report *r, diff_kind kind, uint64_t t, strbuf *line, strbuf *first) {
    r->items = ns_xrealloc(r->items, (r->n + 1) * sizeof *r->items);
    r->items[r->n++] = (difference){kind, t, strbuf_take(line), strbuf_take(first)};
}

/* The first-divergence line: when, which packet, what A and B did there. */
static void first_words(strbuf *b, uint64_t t, const diff_packet *pa, const diff_packet *pb,
                        const strbuf *in_a, const strbuf *in_b) {
    char when[TEXT_TIME_LEN];
    strbuf name = {0};
    packet_name(&name, pa, pb);
    /* TRANSLATORS: a time, the packet, what run A did, what run B did. */
    strbuf_printf(b, _("first difference at %s s: %s run A: %s; run B: %s"),
                  text_format_time(t, when), name.s, in_a->s ? in_a->s : "",
                  in_b->s ? in_b->s : "");
    strbuf_free(&name);
}

static void only_in(report *r, const diff_packet *p, bool in_a) {
    strbuf line = {0}, first = {0}, sum = {0}, fates = {0}, did = {0}, none = {0};
    char when[TEXT_TIME_LEN];
    short_summary(&sum, p->summary);
    fates_words(&fates, p);
    /* TRANSLATORS: packet id, time, its summary (tcpdump's words), the
     * device that sent it, how its journey ended. */
    strbuf_printf(&line, _("#%u at %s s: %s, sent by %s, %s"), p->id,
                  text_format_time(p->hops[0].t, when), sum.s ? sum.s : "", p->hops[0].from_dev,
                  fates.s);
    hop_words(&did, &p->hops[0]);
    strbuf_puts(&none, _("no such packet"));
    first_words(&first, p->hops[0].t, in_a ? p : NULL, in_a ? NULL : p, in_a ? &did : &none,
                in_a ? &none : &did);
    strbuf_free(&sum);
    strbuf_free(&fates);
    strbuf_free(&did);
    strbuf_free(&none);
    add(r, in_a ? DIFF_ONLY_A : DIFF_ONLY_B, p->hops[0].t, &line, &first);
}

static bool same_step(const diff_hop *x, const diff_hop *y) {
    return strcmp(x->from, y->from) == 0 && strcmp(x->to, y->to) == 0 &&
           (x->prev == UINT32_MAX) == (y->prev == UINT32_MAX);
}

static void compare_paths(report *r, const diff_packet *pa, const diff_packet *pb, size_t *k_out) {
    size_t k = 0;
    while (k < pa->n_hops && k < pb->n_hops && same_step(&pa->hops[k], &pb->hops[k]))
        k++;
    *k_out = k;
    if (k == pa->n_hops && k == pb->n_hops)
        return;
    strbuf line = {0}, first = {0}, name = {0}, la = {0}, lb = {0};
    packet_name(&name, pa, pb);
    device_list(&la, pa);
    device_list(&lb, pb);
    /* TRANSLATORS: the packet, the devices it crossed in run A, in run B. */
    strbuf_printf(&line, _("%s: run A: %s; run B: %s"), name.s, la.s, lb.s);
    uint64_t t = min_t(step_time(pa, k), step_time(pb, k));
    strbuf_clear(&la);
    strbuf_clear(&lb);
    step_words(&la, pa, k);
    step_words(&lb, pb, k);
    first_words(&first, t, pa, pb, &la, &lb);
    strbuf_free(&name);
    strbuf_free(&la);
    strbuf_free(&lb);
    add(r, DIFF_PATH, t, &line, &first);
}

/* Which header fields differ between x and y: one bit per field. */
enum { F_MAC_SRC = 1, F_MAC_DST = 2, F_SRC = 4, F_DST = 8, F_SPORT = 16, F_DPORT = 32, F_TTL = 64 };

static unsigned header_mask(const diff_hop *x, const diff_hop *y) {
    bool ports = x->has_ports && y->has_ports;
    return (strcmp(x->eth_src, y->eth_src) ? F_MAC_SRC : 0u) |
           (strcmp(x->eth_dst, y->eth_dst) ? F_MAC_DST : 0u) |
           (strcmp(x->src, y->src) ? F_SRC : 0u) | (strcmp(x->dst, y->dst) ? F_DST : 0u) |
           (ports && x->sport != y->sport ? F_SPORT : 0u) |
           (ports && x->dport != y->dport ? F_DPORT : 0u) | (x->ttl != y->ttl ? F_TTL : 0u);
}

/* x's values of the fields in mask: "ttl 63, mac dst ...". */
static void header_words(strbuf *b, const diff_hop *x, unsigned mask) {
    const char *sep = "";
#define FIELD(bit, ...)                                                                            \
    do {                                                                                           \
        if (mask & (bit)) {                                                                        \
            strbuf_puts(b, sep);                                                                   \
            strbuf_printf(b, __VA_ARGS__);                                                         \
            sep = ", ";                                                                            \
        }                                                                                          \
    } while (0)
    FIELD(F_MAC_SRC, "mac src %s", x->eth_src);
    FIELD(F_MAC_DST, "mac dst %s", x->eth_dst);
    FIELD(F_SRC, "src %s", x->src[0] ? x->src : "-");
    FIELD(F_DST, "dst %s", x->dst[0] ? x->dst : "-");
    FIELD(F_SPORT, "sport %u", x->sport);
    FIELD(F_DPORT, "dport %u", x->dport);
    FIELD(F_TTL, "ttl %s%d", x->ttl < 0 ? "none" : "", x->ttl < 0 ? 0 : x->ttl);
#undef FIELD
}

/* A header difference is reported at the hop where it appears: a later hop
 * whose differing fields are the ones its predecessor hop already showed
 * (a TTL one lower all the way, a port carried unchanged) adds nothing. */
static void compare_headers(report *r, const diff_packet *pa, const diff_packet *pb, size_t n) {
    unsigned *masks = ns_xcalloc(n + 1, sizeof *masks);
    for (size_t k = 0; k < n; k++) {
        const diff_hop *x = &pa->hops[k], *y = &pb->hops[k];
        masks[k] = header_mask(x, y);
        unsigned before = x->prev < k ? masks[x->prev] : 0;
        if (!masks[k] || masks[k] == before)
            continue;
        strbuf wa = {0}, wb = {0}, line = {0}, first = {0}, name = {0}, da = {0}, db = {0};
        header_words(&wa, x, masks[k]);
        header_words(&wb, y, masks[k]);
        packet_name(&name, pa, pb);
        /* TRANSLATORS: the packet, the hop's number, its two ends, the
         * differing fields in run A, in run B. */
        strbuf_printf(&line, _("%s, hop %u %s > %s: run A: %s; run B: %s"), name.s, x->number,
                      x->from, x->to, wa.s, wb.s);
        uint64_t t = min_t(x->t, y->t);
        hop_words(&da, x);
        /* TRANSLATORS: what a run did at a hop, then the differing fields. */
        strbuf_printf(&da, _(" with %s"), wa.s);
        strbuf_printf(&db, _("with %s"), wb.s);
        first_words(&first, t, pa, pb, &da, &db);
        add(r, DIFF_HEADER, t, &line, &first);
        strbuf_free(&wa);
        strbuf_free(&wb);
        strbuf_free(&name);
        strbuf_free(&da);
        strbuf_free(&db);
    }
    free(masks);
}

static bool same_fate(const diff_fate *x, const diff_fate *y) {
    return x->kind == y->kind && strcmp(x->at ? x->at : "", y->at ? y->at : "") == 0 &&
           strcmp(x->reason ? x->reason : "", y->reason ? y->reason : "") == 0;
}

static void compare_fates(report *r, const diff_packet *pa, const diff_packet *pb) {
    size_t k = 0;
    while (k < pa->n_fates && k < pb->n_fates && same_fate(&pa->fates[k], &pb->fates[k]))
        k++;
    if (k == pa->n_fates && k == pb->n_fates)
        return;
    uint64_t t = UINT64_MAX;
    if (k < pa->n_fates && pa->fates[k].kind != HOP_FATE_IN_FLIGHT)
        t = pa->fates[k].t;
    if (k < pb->n_fates && pb->fates[k].kind != HOP_FATE_IN_FLIGHT)
        t = min_t(t, pb->fates[k].t);
    if (t == UINT64_MAX)
        t = min_t(end_time(pa), end_time(pb));
    strbuf line = {0}, first = {0}, name = {0}, fa = {0}, fb = {0};
    packet_name(&name, pa, pb);
    fates_words(&fa, pa);
    fates_words(&fb, pb);
    strbuf_printf(&line, _("%s: run A: %s; run B: %s"), name.s, fa.s, fb.s);
    first_words(&first, t, pa, pb, &fa, &fb);
    strbuf_free(&name);
    strbuf_free(&fa);
    strbuf_free(&fb);
    add(r, DIFF_FATE, t, &line, &first);
}

static void compare_packets(report *r, const diff_run *a, const diff_run *b) {
    index_pair *pairs = NULL;
    size_t n = align_indexes(a, b, &pairs);
    for (size_t i = 0; i < n; i++) {
        const diff_packet *pa = pairs[i].a != SIZE_MAX ? &a->packets[pairs[i].a] : NULL;
        const diff_packet *pb = pairs[i].b != SIZE_MAX ? &b->packets[pairs[i].b] : NULL;
        if (!pa || !pb) {
            only_in(r, pa ? pa : pb, pa != NULL);
            continue;
        }
        size_t common = 0;
        compare_paths(r, pa, pb, &common);
        compare_headers(r, pa, pb, common);
        compare_fates(r, pa, pb);
    }
    free(pairs);
}

/* ---- final tables ---------------------------------------------------------- */

typedef struct line_ref {
    const char *text;
    size_t index;
} line_ref;

static int line_ref_cmp(const void *x, const void *y) {
    const line_ref *p = x, *q = y;
    int c = strcmp(p->text, q->text);
    return c ? c : (p->index < q->index ? -1 : p->index > q->index);
}

/* Marks in matched_x which of x's lines have an equal line in y (as a
 * multiset: a line twice in x and once in y matches once). Sorting keeps
 * this O(n log n) for a switch's MAC table of 100,000 rows. */
static void match_lines(const diff_section *x, const diff_section *y, bool *matched_x) {
    line_ref *sx = ns_xcalloc(x->n_lines + 1, sizeof *sx);
    line_ref *sy = ns_xcalloc(y->n_lines + 1, sizeof *sy);
    for (size_t i = 0; i < x->n_lines; i++)
        sx[i] = (line_ref){x->lines[i], i};
    for (size_t i = 0; i < y->n_lines; i++)
        sy[i] = (line_ref){y->lines[i], i};
    if (x->n_lines)
        qsort(sx, x->n_lines, sizeof *sx, line_ref_cmp);
    if (y->n_lines)
        qsort(sy, y->n_lines, sizeof *sy, line_ref_cmp);
    for (size_t i = 0, j = 0; i < x->n_lines && j < y->n_lines;) {
        int c = strcmp(sx[i].text, sy[j].text);
        if (c == 0) {
            matched_x[sx[i].index] = true;
            i++, j++;
        } else if (c < 0) {
            i++;
        } else {
            j++;
        }
    }
    free(sx);
    free(sy);
}

static void unmatched_lines(report *r, const diff_section *x, const diff_section *y,
                            const char *which) {
    bool *matched = ns_xcalloc(x->n_lines + 1, sizeof *matched);
    if (y)
        match_lines(x, y, matched);
    for (size_t i = 0; i < x->n_lines; i++) {
        size_t len = strlen(x->lines[i]);
        /* A bare heading ("arp cache:") only says the table has rows: they are
         * listed. (A translated heading may end in a full-width colon.) */
        bool bare_heading = (len && x->lines[i][len - 1] == ':') ||
                            (len >= 3 && strcmp(x->lines[i] + len - 3, "\xEF\xBC\x9A") == 0);
        if (!matched[i] && !bare_heading) {
            strbuf_puts(&r->tables, "  ");
            /* TRANSLATORS: a device ("router r1"), the run (A or B), a table row. */
            strbuf_printf(&r->tables, _("%s: only in %s: %s"), x->title, which, x->lines[i]);
            strbuf_puts(&r->tables, "\n");
            r->n_tables++;
        }
    }
    free(matched);
}

/* Device title -> section index (titles borrowed from the run). */
static strmap *section_index(const diff_run *run) {
    strmap *m = strmap_new();
    if (!m)
        ns_out_of_memory();
    for (size_t i = 0; i < run->n_sections; i++)
        strmap_put(m, run->sections[i].title, (int)i);
    return m;
}

static void compare_tables(report *r, const diff_run *a, const diff_run *b) {
    const char *ha = a->header ? a->header : "", *hb = b->header ? b->header : "";
    if (strcmp(ha, hb) != 0) {
        /* "# device tables at the end of the run (t=5.000115560 s)": the
         * end times when both say only that, else the whole lines. */
        const char *ta = strstr(ha, "run (t="), *tb = strstr(hb, "run (t=");
        if (ta && tb && ta - ha == tb - hb && strncmp(ha, hb, (size_t)(ta - ha)) == 0)
            strbuf_printf(&r->tables, _("  end of the run: run A: %.*s; run B: %.*s\n"),
                          (int)strcspn(ta + 5, ")"), ta + 5, (int)strcspn(tb + 5, ")"), tb + 5);
        else
            strbuf_printf(&r->tables, _("  state.txt: run A: %s; run B: %s\n"),
                          ha + strspn(ha, "# "), hb + strspn(hb, "# "));
        r->n_tables++;
    }
    strmap *in_a = section_index(a), *in_b = section_index(b);
    for (size_t i = 0; i < a->n_sections; i++) {
        int k = strmap_get(in_b, a->sections[i].title);
        if (k < 0) {
            strbuf_printf(&r->tables, _("  %s: only in run A\n"), a->sections[i].title);
            r->n_tables++;
            continue;
        }
        unmatched_lines(r, &a->sections[i], &b->sections[k], _("run A"));
        unmatched_lines(r, &b->sections[k], &a->sections[i], _("run B"));
    }
    for (size_t i = 0; i < b->n_sections; i++)
        if (strmap_get(in_a, b->sections[i].title) < 0) {
            strbuf_printf(&r->tables, _("  %s: only in run B\n"), b->sections[i].title);
            r->n_tables++;
        }
    strmap_free(in_a);
    strmap_free(in_b);
}

/* ---- the report ------------------------------------------------------------ */

static void report_build(report *r, const diff_run *a, const diff_run *b) {
    memset(r, 0, sizeof *r);
    compare_packets(r, a, b);
    compare_tables(r, a, b);
}

static void report_free(report *r) {
    for (size_t i = 0; i < r->n; i++) {
        free(r->items[i].line);
        free(r->items[i].first);
    }
    free(r->items);
    strbuf_free(&r->tables);
}

/* The earliest difference (ties: the first recorded), or NULL. */
static const difference *earliest(const report *r) {
    const difference *best = NULL;
    for (size_t i = 0; i < r->n; i++)
        if (!best || r->items[i].t < best->t)
            best = &r->items[i];
    return best;
}

static void first_line(const report *r, strbuf *b) {
    const difference *d = earliest(r);
    if (d) {
        strbuf_puts(b, d->first);
    } else if (r->n_tables) {
        /* Same packets everywhere: the tables' first difference. */
        const char *t = r->tables.s + 2;
        strbuf_printf(b, _("first difference in the final tables: %.*s"), (int)strcspn(t, "\n"), t);
    }
}

int diff_first(const diff_run *a, const diff_run *b, char *buf, size_t cap) {
    report r;
    strbuf line = {0};
    report_build(&r, a, b);
    first_line(&r, &line);
    snprintf(buf, cap, "%s", line.s ? line.s : "");
    int differ = r.n || r.n_tables;
    strbuf_free(&line);
    report_free(&r);
    return differ;
}

int diff_write(const diff_run *a, const diff_run *b, FILE *out) {
    report r;
    report_build(&r, a, b);
    if (!r.n && !r.n_tables) {
        fprintf(out,
                ngettext("no differences: the runs are identical (%zu packet with the same "
                         "paths, headers and fates, and the same final tables)\n",
                         "no differences: the runs are identical (%zu packets with the same "
                         "paths, headers and fates, and the same final tables)\n",
                         a->n_packets),
                a->n_packets);
        report_free(&r);
        return 0;
    }
    strbuf line = {0};
    first_line(&r, &line);
    fprintf(out, "%s\n", line.s);
    strbuf_free(&line);
    for (int kind = 0; kind < DIFF_KIND_COUNT_; kind++) {
        size_t count = 0;
        for (size_t i = 0; i < r.n; i++)
            count += r.items[i].kind == (diff_kind)kind;
        if (!count)
            continue;
        fputc('\n', out);
        /* TRANSLATORS: a section's title and how many entries it has. */
        fprintf(out, _("%s (%zu):"), _(kind_titles[kind]), count);
        fputc('\n', out);
        for (size_t i = 0; i < r.n; i++)
            if (r.items[i].kind == (diff_kind)kind)
                fprintf(out, "  %s\n", r.items[i].line);
    }
    if (r.n_tables)
        fputc('\n', out);
    fprintf(out, _("%s (%zu):"), _("final tables"), r.n_tables);
    fprintf(out, "\n%s", r.tables.s);
    fputc('\n', out);
    fprintf(out, ngettext("%zu difference", "%zu differences", r.n + r.n_tables), r.n + r.n_tables);
    fputc('\n', out);
    report_free(&r);
    return 1;
}
