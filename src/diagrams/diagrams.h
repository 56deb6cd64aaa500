/*
 * diagrams: the lecture pictures of a run, drawn with Graphviz
 * (docs/diagrams.md):
 *
 *   DIR/topology.dot, .svg (.png)   the network, one cluster per IPv4 subnet
 *   DIR/paths/<id>.dot, .svg (.png) one packet's journey: numbered hops, the
 *                                   rewrites marked, where it was dropped (and why)
 *                                   or delivered (first DIAGRAMS_MAX_PATHS packets)
 *   DIR/ladder.dot, .svg (.png)     sequence diagram: one arrow per frame on a link
 *   DIR/ladder-<a>--<b>.dot, ...    the same per flow (pair of IPv4 addresses)
 *   DIR/steps/NNN.dot, .svg         --steps: one slide per frame on a link
 *   DIR/steps/index.html            --steps: a page stepping through them (arrow keys)
 *
 * A trace sink (recorder.c) records what the pictures need while the run
 * goes (copies: events are borrowed), and diagrams_write (diagrams.c) draws
 * everything afterwards, one file per picture kind (docs/diagrams.md,
 * "Source files"). The .dot files are always written; they are rendered
 * when Graphviz's `dot` is on PATH, run directly (no shell) a few at a
 * time, bounded in time and memory (graphviz.h), its standard error
 * captured: a failure is an error, a warning a note, a bound hit or a size
 * limit a note.
 *
 * Invariants: memory is bounded by the caps below, not by the run's length
 * (frames beyond them are counted, not kept); .dot output depends only on the
 * topology and the trace (no dates, no absolute paths, never hash order), so
 * the same run gives byte-identical .dot files; device names reach DOT and
 * HTML only through the escapers of dot.h and steps_html.c.
 */
#ifndef NETSIM_IO_DIAGRAMS_H
#define NETSIM_IO_DIAGRAMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "model/topology.h"
#include "sinks/hop_table.h"
#include "trace/trace.h"
#include "util/error.h"

/* The limits, so that a large run does not draw a picture per packet or per
 * frame, nor keep Graphviz busy for hours (docs/diagrams.md). The size of a
 * picture is its devices + interfaces + links (dot_topology_size): the
 * topology is drawn by dot with subnet boxes up to DIAGRAMS_DRAW_FULL, by
 * sfdp without them up to DIAGRAMS_DRAW_LIGHT, and not at all above (its
 * .dot is written). A path diagram shows the whole topology when it has at
 * most DIAGRAMS_SLIDE_DEVICES devices and a size of at most
 * DIAGRAMS_DRAW_FULL, else only the devices the packet went through, and
 * none if those are more or larger; step slides are drawn for topologies
 * within both limits. Each dot process is bounded in time and memory
 * (graphviz.h). */
#define DIAGRAMS_MAX_PATHS     200   /* path diagrams: the first N packets (by id) */
#define DIAGRAMS_MAX_STEPS     500   /* step slides: the first N frames on links */
#define DIAGRAMS_LADDER_FRAMES 300   /* arrows per ladder (the overall one and each flow's) */
#define DIAGRAMS_MAX_FLOWS     32    /* per-flow ladders: the first N flows */
#define DIAGRAMS_SLIDE_DEVICES 60    /* devices in a path diagram or a step slide */
#define DIAGRAMS_DRAW_FULL     1000  /* size drawn by dot with subnet boxes */
#define DIAGRAMS_DRAW_LIGHT    10000 /* size drawn by sfdp; larger: .dot only */

typedef struct diagram_options {
    bool png;           /* also render topology, paths and ladders as PNG (144 dpi) */
    bool steps;         /* write steps/NNN.svg and steps/index.html */
    uint32_t max_paths; /* 0: DIAGRAMS_MAX_PATHS */
    uint32_t max_steps; /* 0: DIAGRAMS_MAX_STEPS */
} diagram_options;

typedef struct diagrams diagrams;

/* A recorder for the network built from `t` (borrowed: it must outlive the
 * recorder; link i of the model is link i of the TRACE_WIRE events, as the
 * builder makes them). `o` is copied; NULL means the defaults. Returns NULL
 * on allocation failure; caller frees with diagrams_free. */
diagrams *diagrams_new(const model_topology *t, const diagram_options *o);

/* The sink to subscribe to the trace bus (unfiltered: it needs every
 * TRACE_WIRE event, and with --steps the send/forward/flood/repeat lines).
 * Exits via ns_out_of_memory on allocation failure. */
trace_sink diagrams_as_sink(diagrams *d);

/* Writes every diagram into `dir`, a new, empty directory made for this
 * run (paths/ and steps/ are created in it; nothing already there is
 * followed, overwritten or removed). `hops` (borrowed, may be NULL: then no
 * path diagrams) is the run's hop table, whose rows the path diagrams draw.
 * Returns 0, or NS_ERR_IO with err set when a file cannot be written or
 * `dot` fails on a diagram of normal size. `note` (note_cap bytes, may be
 * NULL) receives one line for the user, empty when there is nothing to
 * say, e.g. "Graphviz's dot is not on PATH: wrote the .dot diagrams only
 * (install graphviz to get .svg)", Graphviz's first warning, which pictures
 * the size limits left out, or which were not drawn because Graphviz took
 * too long or too much memory ("topology.svg not drawn: Graphviz took more
 * than 20 s; topology.dot is written"). */
int diagrams_write(diagrams *d, const hop_table *hops, const char *dir, ns_error *err, char *note,
                   size_t note_cap);

/* NULL is a no-op. */
void diagrams_free(diagrams *d);

/* --- the step-by-step page (steps_html.c) --- */

typedef struct steps_page_step {
    const char *svg;     /* file name relative to the page ("001.svg") */
    const char *caption; /* one line: what crossed which link */
    const char *line;    /* the trace line behind the step, or NULL */
} steps_page_step;

/* Writes steps/index.html: one self-contained page (inline CSS and script, no
 * network access) showing one step's picture, caption and trace line at a
 * time, stepped with the arrow keys, Page Up/Down, Home/End or the buttons.
 * It opens at the step named by the URL fragment (#5, #step=5) or query
 * (?step=5), keeps the fragment in step, and with #selftest presses
 * ArrowRight itself and writes PASS or FAIL into the element #selftest (the
 * browser test reads it). `title` and `note` (may be NULL) are shown on top.
 * All strings borrowed. Returns 0, or -1 when writing failed. */
int steps_html_write(FILE *out, const char *title, const steps_page_step *steps, size_t n,
                     const char *note);

#endif
