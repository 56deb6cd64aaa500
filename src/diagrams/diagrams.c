#define _POSIX_C_SOURCE 200809L /* mkdir */
/*
 * diagrams: draws the lecture diagrams of a run into its output directory
 * (see diagrams.h and docs/diagrams.md): the pictures one after the other
 * (topology.c, paths.c, ladders.c, steps.c, from what recorder.c kept), then
 * the notes on what the size limits left out, then Graphviz over every .dot
 * file written (render.c).
 *
 * Files: everything is written into the directory given, which netsim made
 * for this run: files are created new (O_EXCL, so nothing already there is
 * followed or overwritten), and the only files ever removed are the partial
 * pictures of dot processes that did not finish.
 */
#include "diagrams/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "util/alloc.h"
#include "util/i18n.h"

/* --- output files --- */

void dg_file_list_add(file_list *f, const char *path) {
    if (f->n == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 16;
        f->paths = ns_xrealloc(f->paths, f->cap * sizeof *f->paths);
    }
    f->paths[f->n++] = ns_xstrdup(path);
}

void dg_file_list_free(file_list *f) {
    for (size_t i = 0; i < f->n; i++)
        free(f->paths[i]);
    free(f->paths);
}

FILE *dg_open_file(writer *w, const char *path) {
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        if (w->rc == 0)
            w->rc = ns_error_set(w->err, NS_ERR_IO, "%s: cannot write: %s", path, strerror(e));
    }
    return f;
}

void dg_close_file(writer *w, FILE *f, const char *path) {
    if (fclose(f) != 0 && w->rc == 0)
        w->rc = ns_error_set(w->err, NS_ERR_IO, "%s: write failed: %s", path, strerror(errno));
}

char *dg_path_join(const char *a, const char *b) {
    strbuf p = {0};
    strbuf_printf(&p, "%s/%s", a, b);
    return p.s;
}

int dg_make_dir(writer *w, const char *path) {
    if (mkdir(path, 0777) != 0)
        return w->rc = ns_error_set(w->err, NS_ERR_IO, "%s: cannot create directory: %s", path,
                                    strerror(errno));
    return 0;
}

bool dg_slides_drawn(const writer *w) {
    return w->d->t->n_devices <= DIAGRAMS_SLIDE_DEVICES && w->topo_size <= DIAGRAMS_DRAW_FULL;
}

void dg_note_add(char *note, size_t cap, const char *text) {
    if (!note || cap == 0)
        return;
    size_t len = strlen(note);
    snprintf(note + len, cap - len, "%s%s", len ? "; " : "", text);
}

/* The notes of the size limits (paths and slides left out, the light or
 * skipped topology). */
static void note_sizes(const writer *w, char *note, size_t note_cap) {
    const diagrams *d = w->d;
    char text[512];
    if (w->topo_size > DIAGRAMS_DRAW_LIGHT) {
        snprintf(text, sizeof text,
                 _("topology.svg not drawn: the network has %zu devices, interfaces and links "
                   "(more than %d); topology.dot is written"),
                 w->topo_size, DIAGRAMS_DRAW_LIGHT);
        dg_note_add(note, note_cap, text);
    } else if (w->topo_size > DIAGRAMS_DRAW_FULL && w->have_dot) {
        snprintf(text, sizeof text,
                 d->o.png ? _("topology.svg is drawn by sfdp without subnet boxes (and no "
                              "topology.png): the network has %zu devices, interfaces and links "
                              "(more than %d)")
                          : _("topology.svg is drawn by sfdp without subnet boxes: the network "
                              "has %zu devices, interfaces and links (more than %d)"),
                 w->topo_size, DIAGRAMS_DRAW_FULL);
        dg_note_add(note, note_cap, text);
    }
    if (d->o.steps && d->t->n_devices > DIAGRAMS_SLIDE_DEVICES) {
        snprintf(text, sizeof text,
                 _("--steps: step slides are drawn for topologies of at most %d devices (this "
                   "one has %zu)"),
                 DIAGRAMS_SLIDE_DEVICES, d->t->n_devices);
        dg_note_add(note, note_cap, text);
    } else if (d->o.steps && !dg_slides_drawn(w)) {
        snprintf(text, sizeof text,
                 _("--steps: step slides are drawn for topologies of at most %d devices, "
                   "interfaces and links (this one has %zu)"),
                 DIAGRAMS_DRAW_FULL, w->topo_size);
        dg_note_add(note, note_cap, text);
    }
    if (w->paths_skipped) {
        snprintf(text, sizeof text,
                 ngettext("%zu path diagram not drawn: the packet went through more than %d "
                          "devices",
                          "%zu path diagrams not drawn: the packet went through more than %d "
                          "devices",
                          w->paths_skipped),
                 w->paths_skipped, DIAGRAMS_SLIDE_DEVICES);
        dg_note_add(note, note_cap, text);
    }
    if (w->paths_too_big) {
        snprintf(text, sizeof text,
                 ngettext("%zu path diagram not drawn: the devices the packet went through have "
                          "more than %d devices, interfaces and links together",
                          "%zu path diagrams not drawn: the devices the packet went through have "
                          "more than %d devices, interfaces and links together",
                          w->paths_too_big),
                 w->paths_too_big, DIAGRAMS_DRAW_FULL);
        dg_note_add(note, note_cap, text);
    }
}

int diagrams_write(diagrams *d, const hop_table *hops, const char *dir, ns_error *err, char *note,
                   size_t note_cap) {
    if (note && note_cap)
        note[0] = '\0';
    writer w = {.d = d, .dir = dir, .err = err};
    w.base = dir[0] == '/' ? ns_xstrdup(dir) : dg_path_join(".", dir);
    w.topo = dot_topology_new(d->t);
    if (!w.topo)
        ns_out_of_memory();
    w.topo_size = dot_topology_size(w.topo, NULL);
    char *dot = dg_find_program("dot");
    w.have_dot = dot != NULL;
    dg_write_topology(&w);
    if (w.rc == 0)
        dg_write_paths(&w, hops);
    if (w.rc == 0)
        dg_write_ladders(&w);
    if (w.rc == 0)
        dg_write_steps(&w);
    if (w.rc == 0)
        note_sizes(&w, note, note_cap);
    if (w.rc == 0 && !dot) {
        dg_note_add(note, note_cap,
                    _("Graphviz's dot is not on PATH: wrote the .dot diagrams only (install "
                      "graphviz to get .svg)"));
    } else if (w.rc == 0) {
        dg_render(&w, dot, note, note_cap);
    }
    free(dot);
    dg_file_list_free(&w.dot_files);
    dg_file_list_free(&w.neato_files);
    dg_file_list_free(&w.step_files);
    dg_file_list_free(&w.png_dot);
    dg_file_list_free(&w.png_neato);
    strbuf_free(&w.scratch);
    free(w.light_dot);
    dot_topology_free(w.topo);
    free(w.base);
    return w.rc;
}
