/*
 * paths: DIR/paths/<id>.dot, one packet's journey (the first max_paths
 * packets, by id): the topology with the packet's hops drawn on its links,
 * numbered and coloured by what changed (rewrites win), and under it the
 * packet's hop table. The rows come from the hop table (sinks/hop_table.h),
 * so hop numbers and change texts match trace.txt and paths.json.
 *
 * The whole topology is shown when it is small (diagrams.h), else only the
 * devices the packet went through, and no picture when those are too many.
 * A flood's copies and the drops they meet fold where the hop table says
 * the text folds them (hop_view.folds, hop_fate_view.folds): one table row
 * each, and one mark for the drops.
 */
#include "diagrams/internal.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"
#include "util/i18n.h"

static const char *change_color(hop_change c) {
    switch (c) {
    case HOP_CHANGE_SENT:
        return "#1d4ed8";
    case HOP_CHANGE_FORWARDED:
        return "#15803d";
    case HOP_CHANGE_REPEATED:
        return "#6b7280";
    case HOP_CHANGE_MAC:
        return "#d97706";
    case HOP_CHANGE_ADDRESSES:
        return "#a21caf";
    case HOP_CHANGE_IP:
        return "#dc2626";
    }
    return "#6b7280";
}

/* The legend under a path diagram (N_: translated where it is drawn). */
static const char *change_legend(hop_change c) {
    switch (c) {
    case HOP_CHANGE_SENT:
        return N_("sent");
    case HOP_CHANGE_FORWARDED:
        return N_("forwarded unchanged");
    case HOP_CHANGE_REPEATED:
        return N_("repeated by a hub");
    case HOP_CHANGE_MAC:
        return N_("MAC rewritten (router)");
    case HOP_CHANGE_ADDRESSES:
        return N_("addresses rewritten");
    case HOP_CHANGE_IP:
        return N_("IP rewritten (NAT)");
    }
    return "";
}

/* Which colour wins on a link crossed by several hops: the rewrites first. */
static int change_weight(hop_change c) {
    switch (c) {
    case HOP_CHANGE_IP:
        return 5;
    case HOP_CHANGE_ADDRESSES:
        return 4;
    case HOP_CHANGE_MAC:
        return 3;
    case HOP_CHANGE_SENT:
        return 2;
    case HOP_CHANGE_FORWARDED:
        return 1;
    case HOP_CHANGE_REPEATED:
        return 0;
    }
    return 0;
}

/* A short mark for the edge beside the hop number: rewrites only. */
static const char *change_mark(hop_change c) {
    switch (c) {
    case HOP_CHANGE_MAC:
        return N_("MAC rewritten");
    case HOP_CHANGE_ADDRESSES:
        return N_("addresses rewritten");
    case HOP_CHANGE_IP:
        return N_("IP rewritten");
    case HOP_CHANGE_SENT:
    case HOP_CHANGE_FORWARDED:
    case HOP_CHANGE_REPEATED:
        break;
    }
    return NULL;
}

/* printf into the HTML label `b`, escaped: for translated texts with values. */
__attribute__((format(printf, 2, 3))) static void put_htmlf(strbuf *b, const char *fmt, ...) {
    char text[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    dg_put_html(b, text);
}

static void put_badge(strbuf *b, const hop_view *h) {
    strbuf_printf(
        b, "<TD BGCOLOR=\"%s\"><FONT COLOR=\"white\"><B>&#160;%" PRIu32 "&#160;</B></FONT></TD>",
        change_color(h->change), h->number);
}

/* One row of the hop table under a path diagram: number, link, what
 * happened, MAC src -> dst, IP src -> dst, TTL; the rewritten cell is drawn
 * in the hop's colour. */
/* The end of link `h->link` that transmitted hop `h`, or the other one. */
static const model_endpoint *hop_end(const diagrams *d, const hop_view *h, bool sender) {
    const model_link *l = &d->t->links[h->link];
    return (h->from_side == 0) == sender ? &l->a : &l->b;
}

/* "sw1.p2 &#8594; pc1.eth0": the ports hop `h` went from and to. */
static void put_hop_link(strbuf *b, const diagrams *d, const hop_view *h) {
    const model_endpoint *from = hop_end(d, h, true), *to = hop_end(d, h, false);
    dg_put_html(b, dg_dev_name(d, from->device));
    strbuf_printf(b, ".%s &#8594; ", dg_iface_name(d, from));
    dg_put_html(b, dg_dev_name(d, to->device));
    strbuf_printf(b, ".%s", dg_iface_name(d, to));
}

static void put_hop_row(strbuf *b, const diagrams *d, const hop_view *h) {
    const char *c = change_color(h->change);
    char src[32], dst[32];
    strbuf_puts(b, "<TR>");
    put_badge(b, h);
    strbuf_puts(b, "<TD ALIGN=\"LEFT\">");
    put_hop_link(b, d, h);
    strbuf_printf(b, "</TD><TD ALIGN=\"LEFT\"><FONT COLOR=\"%s\">", c);
    dg_put_html(b, h->change_text);
    bool mac_mark = h->change == HOP_CHANGE_MAC;
    bool ip_mark = h->change == HOP_CHANGE_IP || h->change == HOP_CHANGE_ADDRESSES;
    strbuf_printf(b, "</FONT></TD><TD ALIGN=\"LEFT\">%s%s%s%s &#8594; %s%s</TD>",
                  mac_mark ? "<FONT COLOR=\"" : "", mac_mark ? c : "", mac_mark ? "\"><B>" : "",
                  mac_format(h->eth_src, src), mac_format(h->eth_dst, dst),
                  mac_mark ? "</B></FONT>" : "");
    if (h->addr == HOP_ADDR_NONE) {
        strbuf_puts(b, "<TD ALIGN=\"LEFT\">-</TD><TD>-</TD>");
    } else {
        hop_format_endpoint(h->src, h->has_ports, h->sport, src, sizeof src);
        hop_format_endpoint(h->dst, h->has_ports, h->dport, dst, sizeof dst);
        strbuf_printf(b, "<TD ALIGN=\"LEFT\">%s%s%s%s%s &#8594; %s%s</TD>",
                      ip_mark ? "<FONT COLOR=\"" : "", ip_mark ? c : "", ip_mark ? "\"><B>" : "",
                      h->addr == HOP_ADDR_ARP ? "ARP " : "", src, dst,
                      ip_mark ? "</B></FONT>" : "");
        if (h->addr == HOP_ADDR_IPV4)
            strbuf_printf(b, "<TD>%u</TD>", h->ttl);
        else
            strbuf_puts(b, "<TD>-</TD>");
    }
    strbuf_puts(b, "</TR>");
}

#define FOLD_PER_LINE 4 /* names per line of a folded row */

/* ", " between the names of a folded row, a left-aligned line break after
 * every FOLD_PER_LINE of them. */
static void put_fold_sep(strbuf *b, size_t i) {
    if (i > 0)
        strbuf_puts(b, i % FOLD_PER_LINE == 0 ? ",<BR ALIGN=\"LEFT\"/>" : ", ");
}

/* One row for the `n` rows from `rows` on, which repeat the row above
 * them: "the same as above on 19 more links: sw1.p3 &#8594; pc2.eth0, ...". */
static void put_hop_fold(strbuf *b, const diagrams *d, const hop_view *rows, size_t n) {
    strbuf_puts(b, "<TR>");
    put_badge(b, &rows[0]);
    strbuf_printf(b, "<TD COLSPAN=\"5\" ALIGN=\"LEFT\"><FONT COLOR=\"%s\">",
                  change_color(rows[0].change));
    put_htmlf(
        b,
        ngettext("the same as above on %u more link: ", "the same as above on %u more links: ", n),
        (unsigned)n);
    strbuf_puts(b, "</FONT><BR ALIGN=\"LEFT\"/>");
    for (size_t i = 0; i < n; i++) {
        put_fold_sep(b, i);
        put_hop_link(b, d, &rows[i]);
    }
    strbuf_puts(b, "<BR ALIGN=\"LEFT\"/></TD></TR>");
}

/* --- fates: where the packet was delivered or died --- */

#define DROP_COLOR    "#b91c1c"
#define DROP_FILL     "#fee2e2"
#define DELIVER_COLOR "#15803d"

/* The model device of a fate the diagrams mark (a delivery or a drop at a
 * device of the topology), or -1. */
static int fate_device(const diagrams *d, const hop_fate_view *f) {
    if (f->kind != HOP_FATE_DELIVERED && f->kind != HOP_FATE_DROPPED)
        return -1;
    return f->device ? strmap_get(d->dev_index, f->device) : -1;
}

/* What the fate says beyond its place: "TTL expired in transit
 * (ttl_expired)" (the prose, then the reason code of a drop), then for a
 * drop that made its device send a packet, `sep` and "&#8594; packet #6:
 * ICMP time exceeded (TTL)". `lead` goes first when there is anything. */
static void put_fate_detail(strbuf *b, const hop_fate_view *f, const char *lead, const char *sep) {
    bool dropped = f->kind == HOP_FATE_DROPPED;
    const char *code = dropped ? trace_reason_name(f->reason) : NULL;
    if (f->why || code)
        strbuf_puts(b, lead);
    if (f->why)
        dg_put_html(b, f->why);
    if (code)
        strbuf_printf(b, "%s(%s)", f->why ? " " : "", code);
    if (f->trigger) {
        char label[512];
        dg_short_label(f->trigger_summary ? f->trigger_summary : "?", label, sizeof label);
        strbuf_printf(b, "%s&#8594; ", sep);
        put_htmlf(b, _("packet #%u"), (unsigned)f->trigger);
        strbuf_puts(b, ": ");
        dg_put_html(b, label);
    }
}

/* The rows after the hops: one per delivery or drop ("&#10005; r2.eth0
 * dropped: ..."), in the order they happened, and one for the fates that
 * repeat it when they fold; the first DG_FATE_MARKS groups. */
static void put_fate_rows(strbuf *b, const diagrams *d, const hop_fate_view *fates,
                          size_t n_fates) {
    size_t groups = 0, hidden = 0;
    for (size_t i = 0, end; i < n_fates; i = end) {
        end = i + 1;
        const hop_fate_view *f = &fates[i];
        if (fate_device(d, f) < 0)
            continue;
        end = i + 1 + f->folds;
        if (groups++ >= DG_FATE_MARKS) {
            hidden += end - i;
            continue;
        }
        bool dropped = f->kind == HOP_FATE_DROPPED;
        const char *c = dropped ? DROP_COLOR : DELIVER_COLOR;
        strbuf_printf(b,
                      "<TR><TD BGCOLOR=\"%s\"><FONT COLOR=\"white\"><B>%s</B></FONT></TD>"
                      "<TD ALIGN=\"LEFT\">",
                      c, dropped ? "&#10005;" : "&#10003;");
        dg_put_html(b, f->where);
        strbuf_printf(b, "</TD><TD COLSPAN=\"4\" ALIGN=\"LEFT\"><FONT COLOR=\"%s\">%s", c,
                      dropped ? "<B>" : "");
        dg_put_html(b, dropped ? _("dropped") : _("delivered"));
        strbuf_puts(b, dropped ? "</B>" : "");
        put_fate_detail(b, f, ": ", " ");
        strbuf_puts(b, "</FONT></TD></TR>");
        if (end - i > 1) {
            strbuf_printf(b,
                          "<TR><TD BGCOLOR=\"%s\"><FONT COLOR=\"white\"><B>%s</B></FONT></TD>"
                          "<TD COLSPAN=\"5\" ALIGN=\"LEFT\"><FONT COLOR=\"%s\">",
                          c, dropped ? "&#10005;" : "&#10003;", c);
            /* The same sentence as the hop table's folded fates. */
            put_htmlf(b,
                      dropped ? ngettext("dropped the same way at %u more place: ",
                                         "dropped the same way at %u more places: ", end - i - 1)
                              : ngettext("delivered the same way at %u more place: ",
                                         "delivered the same way at %u more places: ", end - i - 1),
                      (unsigned)(end - i - 1));
            strbuf_puts(b, "</FONT><BR ALIGN=\"LEFT\"/>");
            for (size_t k = i + 1; k < end; k++) {
                put_fold_sep(b, k - i - 1);
                dg_put_html(b, fates[k].where);
            }
            strbuf_puts(b, "<BR ALIGN=\"LEFT\"/></TD></TR>");
        }
    }
    if (hidden > 0) {
        strbuf_puts(b, "<TR><TD COLSPAN=\"6\" ALIGN=\"LEFT\">");
        put_htmlf(b,
                  ngettext("... and %zu more delivery or drop (all in paths.json)",
                           "... and %zu more deliveries or drops (all in paths.json)", hidden),
                  hidden);
        strbuf_puts(b, "</TD></TR>");
    }
}

/* The marks beside the devices (DOT statements for dot_view.extra): a red
 * octagon where the packet was dropped, a light note where it was
 * delivered, each tied to its device by a short edge; fates that fold share
 * one mark ("dropped by pc1.eth0 and at 18 more places"), tied to the first
 * of them drawn. `show` as in dot_view (NULL: all devices are drawn). */
static void put_fate_marks(strbuf *x, const diagrams *d, const hop_fate_view *fates, size_t n_fates,
                           const bool *show) {
    uint32_t k = 0;
    for (size_t i = 0, end; i < n_fates && k < DG_FATE_MARKS; i = end) {
        end = i + 1;
        const hop_fate_view *f = &fates[i];
        if (fate_device(d, f) < 0)
            continue;
        end = i + 1 + f->folds;
        k++;
        /* The mark is tied by one edge to the first of its devices drawn:
         * an edge to each of a flood's hosts would cross the whole picture,
         * and the caption lists them all. */
        size_t first = i;
        while (first < end && show && !show[fate_device(d, &fates[first])])
            first++;
        if (first == end)
            continue;
        bool dropped = f->kind == HOP_FATE_DROPPED;
        if (dropped)
            strbuf_printf(x,
                          "  fate%" PRIu32 " [id=\"fate%" PRIu32 "\", shape=octagon, "
                          "style=filled, fillcolor=\"" DROP_FILL "\", color=\"" DROP_COLOR
                          "\", fontcolor=\"" DROP_COLOR "\", fontsize=10, margin=\"0.04,0.02\", "
                          "label=<<B>&#10005; ",
                          k, k);
        else
            strbuf_printf(x,
                          "  fate%" PRIu32 " [id=\"fate%" PRIu32 "\", shape=plaintext, "
                          "fontcolor=\"" DELIVER_COLOR "\", fontsize=9, label=<&#10003; ",
                          k, k);
        put_htmlf(x, dropped ? _("dropped by %s") : _("delivered to %s"), f->where);
        if (end - i > 1) {
            strbuf_puts(x, "<BR/>");
            /* TRANSLATORS: a path diagram's mark for a drop (or a
             * delivery) that N more devices repeated, under "dropped by
             * pc1.eth0". */
            put_htmlf(x, ngettext("and at %zu more place", "and at %zu more places", end - i - 1),
                      end - i - 1);
        }
        strbuf_puts(x, dropped ? "</B>" : "");
        put_fate_detail(x, f, "<BR/>", "<BR/>");
        strbuf_puts(x, ">];\n");
        strbuf_printf(x, "  n%d -- fate%" PRIu32 " [color=\"%s\", style=%s, penwidth=1.2];\n",
                      fate_device(d, &fates[first]) + 1, k, dropped ? DROP_COLOR : DELIVER_COLOR,
                      dropped ? "dashed" : "dotted");
    }
}

/* --- one packet's picture --- */

#define PATH_TABLE_ROWS 40 /* hop table rows under a path diagram */

/* The heads of the hop table under a path diagram (N_: translated where
 * drawn). */
static const char *const hop_heads[] = {
    N_("hop"),
    N_("link"),
    N_("what happened"),
    N_("MAC src \xe2\x86\x92 dst"),
    N_("IP src \xe2\x86\x92 dst"),
    N_("TTL"),
};

/* The caption under the picture: the packet, a legend of the colours
 * used, its hop table and its fates. */
static void put_caption(strbuf *cap, const diagrams *d, uint32_t packet_id, const char *summary,
                        const hop_view *rows, size_t n_rows, const bool *present,
                        const hop_fate_view *fates, size_t n_fates) {
    strbuf_clear(cap);
    strbuf_puts(cap, "<TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"0\" CELLPADDING=\"2\">"
                     "<TR><TD COLSPAN=\"6\"><FONT POINT-SIZE=\"12\">");
    strbuf_puts(cap, "<B>");
    put_htmlf(cap, _("packet #%u"), (unsigned)packet_id);
    /* The language's colon in bold, the space after it (if any) not:
     * "packet #1:</B> ...", "数据包 #1：</B>...". */
    const char *colon = _(": ");
    size_t bold = strcspn(colon, " ");
    strbuf_put(cap, colon, bold);
    strbuf_puts(cap, "</B>");
    strbuf_puts(cap, colon + bold);
    dg_put_html(cap, summary);
    strbuf_puts(cap, "</FONT></TD></TR><TR><TD COLSPAN=\"6\"><FONT POINT-SIZE=\"9\">");
    bool first = true;
    for (int c = 0; c <= HOP_CHANGE_IP; c++) {
        if (!present[c])
            continue;
        strbuf_printf(cap, "%s<FONT COLOR=\"%s\">&#9632; ", first ? "" : "&#160;&#160;",
                      change_color((hop_change)c));
        dg_put_html(cap, _(change_legend((hop_change)c)));
        strbuf_puts(cap, "</FONT>");
        first = false;
    }
    bool dropped = false, delivered = false;
    for (size_t i = 0, n = 0, end; i < n_fates && n < DG_FATE_MARKS; i = end) {
        end = i + 1;
        if (fate_device(d, &fates[i]) < 0)
            continue;
        end = i + 1 + fates[i].folds;
        n++;
        dropped |= fates[i].kind == HOP_FATE_DROPPED;
        delivered |= fates[i].kind == HOP_FATE_DELIVERED;
    }
    if (dropped) {
        strbuf_printf(cap, "%s<FONT COLOR=\"" DROP_COLOR "\">&#10005; ",
                      first ? "" : "&#160;&#160;");
        dg_put_html(cap, _("dropped"));
        strbuf_puts(cap, "</FONT>");
    }
    if (delivered) {
        strbuf_printf(cap, "%s<FONT COLOR=\"" DELIVER_COLOR "\">&#10003; ",
                      first && !dropped ? "" : "&#160;&#160;");
        dg_put_html(cap, _("delivered"));
        strbuf_puts(cap, "</FONT>");
    }
    strbuf_puts(cap, "</FONT></TD></TR><TR>");
    for (size_t i = 0; i < sizeof hop_heads / sizeof hop_heads[0]; i++) {
        bool narrow = i == 0 || i + 1 == sizeof hop_heads / sizeof hop_heads[0];
        strbuf_puts(cap, narrow ? "<TD>" : "<TD ALIGN=\"LEFT\">");
        strbuf_puts(cap, i == 0 ? "<FONT POINT-SIZE=\"9\"><B>" : "<B>");
        dg_put_html(cap, _(hop_heads[i]));
        strbuf_puts(cap, i == 0 ? "</B></FONT></TD>" : "</B></TD>");
    }
    strbuf_puts(cap, "</TR>");
    /* A row, then the rows that repeat it folded into one: PATH_TABLE_ROWS
     * table rows at most. */
    size_t r = 0;
    for (size_t shown = 0; r < n_rows && shown < PATH_TABLE_ROWS; shown++) {
        put_hop_row(cap, d, &rows[r]);
        size_t folded = rows[r].folds;
        if (folded > 0 && ++shown < PATH_TABLE_ROWS) {
            put_hop_fold(cap, d, &rows[r + 1], folded);
            r += folded;
        }
        r++;
    }
    if (r < n_rows) {
        strbuf_puts(cap, "<TR><TD COLSPAN=\"6\" ALIGN=\"LEFT\">");
        put_htmlf(cap,
                  ngettext("... and %zu more hop (all in paths.json)",
                           "... and %zu more hops (all in paths.json)", n_rows - r),
                  n_rows - r);
        strbuf_puts(cap, "</TD></TR>");
    }
    put_fate_rows(cap, d, fates, n_fates);
    strbuf_puts(cap, "</TABLE>");
}

typedef struct path_state {
    writer *w;
    dot_link_style *styles; /* per link */
    strbuf *labels;         /* per link: its badges */
    int *weight;            /* per link: weight of its colour, -1 if not crossed */
    bool *show;             /* per device */
    uint32_t *touched;      /* links crossed by the current packet */
    strbuf marks;           /* the fate marks (dot_view.extra) */
} path_state;

static void path_visit(void *ctx, uint32_t packet_id, const char *summary, const hop_view *rows,
                       size_t n_rows, const hop_fate_view *fates, size_t n_fates) {
    path_state *ps = ctx;
    writer *w = ps->w;
    const model_topology *t = w->d->t;
    if (w->rc != 0)
        return;
    bool whole = t->n_devices <= DIAGRAMS_SLIDE_DEVICES && w->topo_size <= DIAGRAMS_DRAW_FULL;
    for (size_t i = 0; i < t->n_devices; i++)
        ps->show[i] = whole;
    bool present[HOP_CHANGE_IP + 1] = {false};
    size_t n_touched = 0;
    for (size_t r = 0; r < n_rows; r++) {
        const hop_view *h = &rows[r];
        uint32_t l = h->link;
        if (l >= t->n_links)
            continue;
        ps->show[t->links[l].a.device] = true;
        ps->show[t->links[l].b.device] = true;
        dot_dir dir = h->from_side == 0 ? DOT_DIR_AB : DOT_DIR_BA;
        strbuf *lb = &ps->labels[l];
        if (ps->weight[l] < 0) {
            ps->touched[n_touched++] = l;
            strbuf_clear(lb);
            strbuf_puts(lb,
                        "<TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"1\" CELLPADDING=\"1\" "
                        "BGCOLOR=\"white\"><TR>");
            ps->styles[l].dir = dir;
        } else if (ps->styles[l].dir != dir) {
            ps->styles[l].dir = DOT_DIR_BOTH;
        }
        if (change_weight(h->change) > ps->weight[l]) {
            ps->weight[l] = change_weight(h->change);
            ps->styles[l].color = change_color(h->change);
        }
        if (lb->len < 2000) { /* a link crossed over and over (a storm) keeps a few badges */
            put_badge(lb, h);
            if (change_mark(h->change)) {
                strbuf_printf(lb, "<TD><FONT COLOR=\"%s\"><B>", change_color(h->change));
                dg_put_html(lb, _(change_mark(h->change)));
                strbuf_puts(lb, "</B></FONT></TD>");
            }
        }
        present[h->change] = true;
    }
    size_t n_shown = 0;
    for (size_t i = 0; i < t->n_devices; i++)
        n_shown += ps->show[i];
    if (n_shown > DIAGRAMS_SLIDE_DEVICES) {
        w->paths_skipped++;
    } else if (!whole && dot_topology_size(w->topo, ps->show) > DIAGRAMS_DRAW_FULL) {
        w->paths_too_big++;
    } else {
        for (size_t k = 0; k < n_touched; k++) {
            uint32_t l = ps->touched[k];
            strbuf_puts(&ps->labels[l], "</TR></TABLE>");
            ps->styles[l].label = ps->labels[l].s;
            ps->styles[l].penwidth = 3;
        }
        strbuf *cap = &w->scratch;
        put_caption(cap, w->d, packet_id, summary, rows, n_rows, present, fates, n_fates);
        strbuf_clear(&ps->marks);
        put_fate_marks(&ps->marks, w->d, fates, n_fates, whole ? NULL : ps->show);
        char name[40];
        snprintf(name, sizeof name, "paths/%" PRIu32 ".dot", packet_id);
        char *path = dg_path_join(w->base, name);
        FILE *f = dg_open_file(w, path);
        if (f) {
            dot_view v = {.links = ps->styles,
                          .dim_plain_links = true,
                          .show = whole ? NULL : ps->show,
                          .label = cap->s,
                          .label_at_bottom = true,
                          .extra = ps->marks.s};
            dot_write_topology(f, w->topo, &v);
            dg_close_file(w, f, path);
            dg_file_list_add(&w->dot_files, path);
            if (w->d->o.png)
                dg_file_list_add(&w->png_dot, path);
        }
        free(path);
    }
    for (size_t k = 0; k < n_touched; k++) {
        uint32_t l = ps->touched[k];
        ps->styles[l] = (dot_link_style){0};
        ps->weight[l] = -1;
    }
}

void dg_write_paths(writer *w, const hop_table *hops) {
    const model_topology *t = w->d->t;
    char *dir = dg_path_join(w->base, "paths");
    dg_make_dir(w, dir);
    free(dir);
    if (w->rc != 0 || !hops)
        return;
    path_state ps = {.w = w,
                     .styles = ns_xcalloc(t->n_links, sizeof *ps.styles),
                     .labels = ns_xcalloc(t->n_links, sizeof *ps.labels),
                     .weight = ns_xcalloc(t->n_links, sizeof *ps.weight),
                     .show = ns_xcalloc(t->n_devices, sizeof *ps.show),
                     .touched = ns_xcalloc(t->n_links, sizeof *ps.touched)};
    for (size_t l = 0; l < t->n_links; l++)
        ps.weight[l] = -1;
    hop_table_visit(hops, w->d->o.max_paths, path_visit, &ps);
    for (size_t l = 0; l < t->n_links; l++)
        strbuf_free(&ps.labels[l]);
    strbuf_free(&ps.marks);
    free(ps.styles);
    free(ps.labels);
    free(ps.weight);
    free(ps.show);
    free(ps.touched);
}
