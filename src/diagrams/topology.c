/*
 * topology: DIR/topology.dot, the network as the lecturer drew it, one box
 * per IPv4 subnet (the graph itself is dot.c's). How it is drawn depends on
 * its size (diagrams.h): dot with subnet boxes, sfdp without them, or not at
 * all (the .dot is still written).
 */
#include "diagrams/internal.h"

#include <stdlib.h>

#include "util/alloc.h"

/* topology.dot: with subnet boxes up to DIAGRAMS_DRAW_FULL, light up to
 * DIAGRAMS_DRAW_LIGHT (SVG only), and above that written with the boxes
 * (for whoever wants to give Graphviz the time) but not rendered. */
void dg_write_topology(writer *w) {
    char *path = dg_path_join(w->base, "topology.dot");
    FILE *f = dg_open_file(w, path);
    if (f) {
        bool light = w->topo_size > DIAGRAMS_DRAW_FULL && w->topo_size <= DIAGRAMS_DRAW_LIGHT;
        strbuf *b = &w->scratch;
        strbuf_clear(b);
        strbuf_puts(b, "<FONT POINT-SIZE=\"13\"><B>");
        dg_put_html(b, w->d->t->name);
        strbuf_puts(b, "</B></FONT>");
        dot_view v = {.label = b->s, .light = light};
        dot_write_topology(f, w->topo, &v);
        dg_close_file(w, f, path);
        if (w->topo_size <= DIAGRAMS_DRAW_LIGHT) {
            dg_file_list_add(&w->dot_files, path);
            if (w->d->o.png && !light) /* a bitmap of a large graph: hundreds of MB, no use */
                dg_file_list_add(&w->png_dot, path);
        }
        if (light)
            w->light_dot = ns_xstrdup(path);
    }
    free(path);
}
