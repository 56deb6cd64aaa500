/*
 * ladders: DIR/ladder.dot, a sequence diagram of the run (one column per
 * device that sent or got a frame, in topology order; one arrow per frame on
 * a link, time going down; dashed: broadcast), and ladder-A--B.dot, the same
 * for the frames between two IPv4 addresses (the flows the recorder kept).
 *
 * Laid out here, every node pinned with pos, and rendered by neato -n2: no
 * layout search, so a ladder of hundreds of frames draws in a moment and
 * always the same way.
 */
#include "diagrams/internal.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"

/* Geometry, in points (neato -n2 takes positions in points). */
#define LADDER_ROW     22.0 /* between two frames */
#define LADDER_TOP     52.0 /* from the column heads to the first frame */
#define LADDER_TIME_X  34.0 /* centre of the time column */
#define LADDER_LEFT    86.0 /* left edge of the first column head */
#define LADDER_MIN_GAP 96.0
#define LADDER_MAX_GAP 420.0
#define LABEL_CHAR_W   5.3 /* a 9 pt Helvetica character, generously */
#define HEAD_CHAR_W    7.6 /* an 11 pt bold character */

/* Width of a column head, in points. */
static double head_width(const model_device *dev) {
    size_t n = strlen(dev->name), k = strlen(device_type_name(dev->type));
    double w = (double)n * HEAD_CHAR_W, wk = (double)k * 5.0;
    return (w > wk ? w : wk) + 24.0;
}

/* Writes a ladder of the frames frames[rows[0..n)] (time order). */
static void put_ladder(const diagrams *d, FILE *out, const uint32_t *rows, size_t n,
                       const char *title_html) {
    const model_topology *t = d->t;
    int32_t *col = ns_xcalloc(t->n_devices, sizeof *col);
    for (size_t i = 0; i < t->n_devices; i++)
        col[i] = -1;
    for (size_t r = 0; r < n; r++) {
        const frame_rec *f = &d->frames[rows[r]];
        col[t->links[f->link].a.device] = 0;
        col[t->links[f->link].b.device] = 0;
    }
    size_t n_cols = 0;
    size_t *dev_of = ns_xcalloc(t->n_devices, sizeof *dev_of);
    for (size_t i = 0; i < t->n_devices; i++)
        if (col[i] == 0) {
            dev_of[n_cols] = i;
            col[i] = (int32_t)n_cols++;
        }
    /* One gap between neighbouring columns, wide enough for every head and
     * for every label spread over the columns its arrow spans. */
    double gap = LADDER_MIN_GAP;
    for (size_t c = 0; c + 1 < n_cols; c++) {
        double need =
            (head_width(&t->devices[dev_of[c]]) + head_width(&t->devices[dev_of[c + 1]])) / 2.0 +
            16.0;
        if (need > gap)
            gap = need;
    }
    for (size_t r = 0; r < n; r++) {
        const frame_rec *f = &d->frames[rows[r]];
        int32_t a = col[t->links[f->link].a.device], b = col[t->links[f->link].b.device];
        int32_t span = a > b ? a - b : b - a;
        double need = ((double)strlen(dg_text(d, f->label)) + 4.0) * LABEL_CHAR_W + 16.0;
        if (span > 0 && need / span > gap)
            gap = need / span;
    }
    if (gap > LADDER_MAX_GAP)
        gap = LADDER_MAX_GAP;
    double x0 = LADDER_LEFT + (n_cols ? head_width(&t->devices[dev_of[0]]) / 2.0 : 0.0);
    double bottom = -LADDER_TOP - (double)(n ? n - 1 : 0) * LADDER_ROW - 18.0;

    fputs("digraph ladder {\n"
          "  graph [splines=line, outputorder=edgesfirst, pad=0.2, fontname=\"Helvetica\"",
          out);
    if (title_html)
        fprintf(out, ", labelloc=t, label=<%s>", title_html);
    fputs("];\n"
          "  node [fontname=\"Helvetica\", fontsize=11];\n"
          "  edge [fontname=\"Helvetica\", fontsize=9, arrowsize=0.7];\n",
          out);
    for (size_t c = 0; c < n_cols; c++) {
        const model_device *dev = &t->devices[dev_of[c]];
        double x = x0 + (double)c * gap;
        fprintf(out, "  h%zu [pos=\"%.1f,0\", %s, margin=\"0.08,0.03\", label=<<B>", c, x,
                dot_device_attrs(dev->type));
        dot_put_html(out, dev->name);
        fprintf(out, "</B><BR/><FONT POINT-SIZE=\"8\" COLOR=\"#555555\">%s</FONT>>];\n",
                device_type_name(dev->type));
        fprintf(out,
                "  e%zu [pos=\"%.1f,%.1f\", shape=point, width=0.01, style=invis];\n"
                "  h%zu -> e%zu [arrowhead=none, style=dashed, color=\"#9ca3af\"];\n",
                c, x, bottom, c, c);
    }
    fprintf(out,
            "  time [pos=\"%.1f,0\", shape=plaintext, fontsize=8, fontcolor=\"#6b7280\", "
            "label=\"time (s)\"];\n",
            LADDER_TIME_X);
    uint64_t last_time = UINT64_MAX;
    for (size_t r = 0; r < n; r++) {
        const frame_rec *f = &d->frames[rows[r]];
        const model_link *l = &t->links[f->link];
        int32_t from = col[f->side == 0 ? l->a.device : l->b.device];
        int32_t to = col[f->side == 0 ? l->b.device : l->a.device];
        double y = -LADDER_TOP - (double)r * LADDER_ROW;
        double xf = x0 + from * gap, xt = x0 + to * gap;
        const char *color = dg_proto_color[f->proto];
        if (f->time != last_time) {
            char time[TEXT_TIME_LEN];
            text_format_time(f->time, time);
            fprintf(
                out,
                "  t%zu [pos=\"%.1f,%.1f\", shape=plaintext, fontsize=8, fontcolor=\"#6b7280\", "
                "width=0.01, height=0.01, margin=0, label=\"%s\"];\n",
                r, LADDER_TIME_X, y, time);
            last_time = f->time;
        }
        fprintf(out,
                "  a%zu [pos=\"%.1f,%.1f\", shape=point, width=0.01, style=invis];\n"
                "  b%zu [pos=\"%.1f,%.1f\", shape=point, width=0.01, style=invis];\n"
                "  a%zu -> b%zu [color=\"%s\", penwidth=1.4%s];\n",
                r, xf, y, r, xt, y, r, r, color, f->broadcast ? ", style=dashed" : "");
        fprintf(out,
                "  l%zu [pos=\"%.1f,%.1f\", shape=plaintext, fontsize=9, fontcolor=\"%s\", "
                "width=0.01, height=0.01, margin=0, label=<",
                r, (xf + xt) / 2.0, y + 7.5, color);
        if (f->packet)
            fprintf(out, "<FONT COLOR=\"#6b7280\">#%" PRIu32 "</FONT> ", f->packet);
        dot_put_html(out, dg_text(d, f->label));
        fputs(">];\n", out);
    }
    fputs("}\n", out);
    free(dev_of);
    free(col);
}

static void write_ladder_file(writer *w, const char *name, const uint32_t *rows, size_t n,
                              const char *title_html) {
    char *path = dg_path_join(w->base, name);
    FILE *f = dg_open_file(w, path);
    if (f) {
        put_ladder(w->d, f, rows, n, title_html);
        dg_close_file(w, f, path);
        dg_file_list_add(&w->neato_files, path);
        if (w->d->o.png)
            dg_file_list_add(&w->png_neato, path);
    }
    free(path);
}

void dg_write_ladders(writer *w) {
    diagrams *d = w->d;
    uint32_t *rows = ns_xcalloc(d->n_frames, sizeof *rows);
    size_t n = 0;
    for (size_t i = 0; i < d->n_frames; i++)
        if (d->frames[i].in_main)
            rows[n++] = (uint32_t)i;
    strbuf *title = &w->scratch;
    strbuf_clear(title);
    strbuf_puts(title, "<FONT POINT-SIZE=\"13\"><B>");
    dg_put_html(title, d->t->name);
    strbuf_puts(title, "</B></FONT><BR/><FONT POINT-SIZE=\"9\">every frame on a link, time going "
                       "down (dashed: broadcast)");
    if (d->n_wire > n)
        strbuf_printf(title, "; the first %zu of %" PRIu64 " frames", n, d->n_wire);
    else if (n == 0)
        strbuf_puts(title, "; no frame crossed a link");
    strbuf_puts(title, "</FONT>");
    write_ladder_file(w, "ladder.dot", rows, n, title->s);
    for (size_t fl = 0; fl < d->n_flows && w->rc == 0; fl++) {
        n = 0;
        for (size_t i = 0; i < d->n_frames; i++)
            if (d->frames[i].flow == fl)
                rows[n++] = (uint32_t)i;
        char lo[IPV4_TEXT_LEN], hi[IPV4_TEXT_LEN], name[64];
        ipv4_format(d->flows[fl].lo, lo);
        ipv4_format(d->flows[fl].hi, hi);
        snprintf(name, sizeof name, "ladder-%s--%s.dot", lo, hi);
        strbuf_clear(title);
        strbuf_printf(title,
                      "<FONT POINT-SIZE=\"13\"><B>%s &#8596; %s</B></FONT><BR/><FONT "
                      "POINT-SIZE=\"9\">the frames between these two addresses, time going down",
                      lo, hi);
        if (d->flows[fl].n_frames >= DIAGRAMS_LADDER_FRAMES)
            strbuf_printf(title, " (the first %d)", DIAGRAMS_LADDER_FRAMES);
        strbuf_puts(title, "</FONT>");
        write_ladder_file(w, name, rows, n, title->s);
    }
    free(rows);
}
