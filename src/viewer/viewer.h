/*
 * viewer: DIR/view.html, one self-contained page replaying a run
 * (docs/viewer.md; the data format is agreed in docs/viewer.md, "Data").
 *
 * A trace sink records what the page needs while the run goes: every event
 * as trace.jsonl writes it (a second JSON Lines sink writing into memory),
 * the frames' bytes once per distinct frame, and for each event the frame it
 * carries. viewer_write then fills the page's template (compiled in from
 * src/viewer/assets) with the style, the script, the topology picture and
 * the data: devices and links with their Graphviz ids, each device's tables
 * at t=0, the frames dissected layer by layer (wire/dissect.h), the events.
 *
 * Bounds: above VIEWER_MAX_EVENTS events or VIEWER_MAX_BYTES of recorded
 * data the recording stops (memory stays bounded) and view.html is skipped
 * with a note, unless forced (--view). Invariants: the output depends only
 * on the topology, the seed and the trace (byte-identical across runs); the
 * JSON never contains "</" or U+2028/U+2029 unescaped, so it cannot end its
 * <script> element.
 */
#ifndef NETSIM_VIEWER_VIEWER_H
#define NETSIM_VIEWER_VIEWER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "model/topology.h"
#include "net/network.h"
#include "trace/trace.h"

#define VIEWER_MAX_EVENTS 50000u              /* events a view.html holds unless forced */
#define VIEWER_MAX_BYTES  (64u * 1024 * 1024) /* bytes of recorded events and frames */

typedef struct viewer_options {
    bool force;          /* --view: write view.html whatever its size */
    uint64_t max_events; /* 0: VIEWER_MAX_EVENTS, or the test hook NETSIM_VIEW_MAX_EVENTS */
    uint64_t seed;       /* the run's seed, shown in the page */
} viewer_options;

typedef struct viewer viewer;

/* A recorder for the network `net` built from `t` (both borrowed; they must
 * outlive the viewer). Call it after building and before the run: it takes
 * each device's tables now, as they are at t=0. `link_names[i]` names link i
 * in the events as trace.jsonl names it (borrowed). `o` is copied. Exits via
 * ns_out_of_memory on allocation failure; caller frees with viewer_free. */
viewer *viewer_new(const model_topology *t, const network *net, const char *const *link_names,
                   size_t n_links, const viewer_options *o);

/* The sink to subscribe to the trace bus, behind the same filter as
 * trace.jsonl (the page's events are trace.jsonl's). */
trace_sink viewer_as_sink(viewer *v);

/* How the run ended, for the page's "end" object. */
typedef struct viewer_end {
    uint64_t time;      /* simulated nanoseconds */
    const char *status; /* "complete", "interrupted" or "stopped" */
} viewer_end;

/* Whether the run is above the bounds and not forced: then view.html is not
 * written and `note` (note_cap bytes) gets the one line saying so; otherwise
 * note is "". */
bool viewer_skipped(const viewer *v, char *note, size_t note_cap);

/* A topology.svg larger than this is left out of the page. */
#define VIEWER_MAX_SVG_BYTES (32u * 1024 * 1024)

/* Writes the page into `page`: the template filled with the style, the
 * script, the topology picture `svg` (Graphviz's topology.svg, or NULL when
 * none was drawn) and the data. Write errors are left in `page`'s error state
 * for the caller (the output directory reports them). */
void viewer_write(viewer *v, FILE *page, const viewer_end *end, const char *svg);

/* NULL is a no-op. */
void viewer_free(viewer *v);

#endif
