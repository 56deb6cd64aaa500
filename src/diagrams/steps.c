/*
 * steps: --steps, DIR/steps/NNN.dot, one slide per frame on a link (the
 * first max_steps), each the whole topology with the link the frame crossed
 * drawn thick in the frame's colour and arrowed from its transmitter, and a
 * caption (step, time, link, Ethernet addresses, what it carries); and
 * steps/index.html (steps_html.c) stepping through them.
 *
 * Every slide of one run has the same nodes, edges and caption size, so dot
 * places everything identically and only the highlighted link moves.
 */
#include "diagrams/internal.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"
#include "util/i18n.h"

#define CAPTION_MAX    110 /* characters of a step caption line */
#define CAPTION_CHAR_W 7.0 /* a 12 pt character */
#define CAPTION_LINES  4

/* A step's caption: which step and when, the link crossed, the Ethernet
 * addresses, what the frame carries. */
static void step_caption_lines(const diagrams *d, const frame_rec *f, size_t k, size_t n,
                               char lines[CAPTION_LINES][CAPTION_MAX + 8]) {
    const model_link *l = &d->t->links[f->link];
    const model_endpoint *from = f->side == 0 ? &l->a : &l->b;
    const model_endpoint *to = f->side == 0 ? &l->b : &l->a;
    char time[TEXT_TIME_LEN];
    text_format_time(f->time, time);
    /* TRANSLATORS: a step slide's caption: step k of n, the time, the packet's number. */
    snprintf(lines[0], CAPTION_MAX + 8, _("step %zu of %zu   t = %s s   packet #%lu"), k, n, time,
             (unsigned long)f->packet);
    snprintf(lines[1], CAPTION_MAX + 8, "%.50s.%s \xe2\x86\x92 %.50s.%s",
             dg_dev_name(d, from->device), dg_iface_name(d, from), dg_dev_name(d, to->device),
             dg_iface_name(d, to));
    char src[MAC_TEXT_LEN], dst[MAC_TEXT_LEN];
    /* TRANSLATORS: a step slide's caption: the frame's source and destination MACs. */
    snprintf(lines[2], CAPTION_MAX + 8,
             f->broadcast ? _("Ethernet %s \xe2\x86\x92 %s (broadcast)")
                          : _("Ethernet %s \xe2\x86\x92 %s"),
             mac_format(f->eth_src, src), mac_format(f->eth_dst, dst));
    const char *s = dg_text(d, f->summary);
    if (strlen(s) > CAPTION_MAX)
        snprintf(lines[3], CAPTION_MAX + 8, "%.*s...", CAPTION_MAX - 3, s);
    else
        snprintf(lines[3], CAPTION_MAX + 8, "%s", s);
}

void dg_write_steps(writer *w) {
    diagrams *d = w->d;
    char *dir = dg_path_join(w->base, "steps");
    if (!d->o.steps || dg_make_dir(w, dir) != 0) {
        free(dir);
        return;
    }
    size_t n = 0;
    for (size_t i = 0; i < d->n_frames; i++)
        n += d->frames[i].is_step;
    int digits = 3;
    for (size_t m = n; m >= 1000; m /= 10)
        digits++;
    /* One caption size for all: the layout, and so the picture, stays put. */
    size_t widest = 20;
    char lines[CAPTION_LINES][CAPTION_MAX + 8];
    size_t k = 0;
    for (size_t i = 0; i < d->n_frames; i++) {
        if (!d->frames[i].is_step)
            continue;
        step_caption_lines(d, &d->frames[i], ++k, n, lines);
        for (int j = 0; j < CAPTION_LINES; j++)
            if (strlen(lines[j]) >
                widest) /* bytes, as before; 3 of a Chinese character cover its 2 columns */
                widest = strlen(lines[j]);
    }
    double cap_w = (double)widest * CAPTION_CHAR_W + 24.0;
    dot_link_style *styles = ns_xcalloc(d->t->n_links, sizeof *styles);
    steps_page_step *page = ns_xcalloc(n, sizeof *page);
    char **names = ns_xcalloc(n, sizeof *names);
    char **captions = ns_xcalloc(n, sizeof *captions);
    bool render = dg_slides_drawn(w);
    k = 0;
    for (size_t i = 0; i < d->n_frames && w->rc == 0 && render; i++) {
        const frame_rec *f = &d->frames[i];
        if (!f->is_step)
            continue;
        step_caption_lines(d, f, k + 1, n, lines);
        strbuf *b = &w->scratch;
        strbuf_clear(b);
        strbuf_printf(b,
                      "<TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"0\" CELLPADDING=\"2\" "
                      "FIXEDSIZE=\"TRUE\" WIDTH=\"%.0f\" HEIGHT=\"72\"><TR><TD><FONT "
                      "POINT-SIZE=\"12\"><B>",
                      cap_w);
        dg_put_html(b, lines[0]);
        strbuf_puts(b, "</B><BR/>");
        dg_put_html(b, lines[1]);
        strbuf_puts(b, "<BR/>");
        dg_put_html(b, lines[2]);
        strbuf_printf(b, "<BR/><FONT COLOR=\"%s\">", dg_proto_color[f->proto]);
        dg_put_html(b, lines[3]);
        strbuf_puts(b, "</FONT></FONT></TD></TR></TABLE>");
        styles[f->link] = (dot_link_style){.color = dg_proto_color[f->proto],
                                           .penwidth = 4.5,
                                           .dir = f->side == 0 ? DOT_DIR_AB : DOT_DIR_BA};
        char name[32];
        snprintf(name, sizeof name, "%0*zu.dot", digits, k + 1);
        char *rel = dg_path_join("steps", name);
        char *path = dg_path_join(w->base, rel);
        FILE *out = dg_open_file(w, path);
        if (out) {
            dot_view v = {
                .links = styles, .dim_plain_links = true, .label = b->s, .label_at_bottom = true};
            dot_write_topology(out, w->topo, &v);
            dg_close_file(w, out, path);
            dg_file_list_add(&w->step_files, path);
        }
        styles[f->link] = (dot_link_style){0};
        snprintf(name, sizeof name, "%0*zu.svg", digits, k + 1);
        names[k] = ns_xstrdup(name);
        strbuf cap = {0};
        strbuf_printf(&cap, "%s \xc2\xb7 %s \xc2\xb7 %s \xc2\xb7 %s", lines[0], lines[1], lines[3],
                      lines[2]);
        captions[k] = cap.s;
        page[k] =
            (steps_page_step){.svg = names[k], .caption = captions[k], .line = dg_text(d, f->line)};
        k++;
        free(path);
        free(rel);
    }
    if (w->rc == 0) {
        char *path = dg_path_join(dir, "index.html");
        FILE *out = dg_open_file(w, path);
        if (out) {
            char note[256];
            if (!render)
                snprintf(note, sizeof note,
                         _("The topology is too large for step slides (more than %d devices, or "
                           "more than %d devices, interfaces and links)."),
                         DIAGRAMS_SLIDE_DEVICES, DIAGRAMS_DRAW_FULL);
            else
                snprintf(note, sizeof note, "%s",
                         _("Graphviz's dot was not installed when this run was made, so the "
                           "pictures are missing: install graphviz and run netsim again."));
            strbuf title = {0};
            /* TRANSLATORS: the step page's title; %s is the topology's name. */
            strbuf_printf(&title, _("%s: step by step"), d->t->name);
            bool noted = !render || !w->have_dot;
            if (steps_html_write(out, title.s, page, k, noted ? note : NULL) != 0 && w->rc == 0)
                w->rc = ns_error_set(w->err, NS_ERR_IO, "%s: write failed", path);
            free(title.s);
            dg_close_file(w, out, path);
        }
        free(path);
    }
    for (size_t i = 0; i < n; i++) {
        free(names[i]);
        free(captions[i]);
    }
    free(names);
    free(captions);
    free(page);
    free(styles);
    free(dir);
}
