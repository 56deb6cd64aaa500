/*
 * diff: `netsim diff A B` (docs/diff.md). Two runs, each a topology run in
 * memory or an output directory of `netsim run` (paths.json + state.txt),
 * become one description each (diff_run: every packet's hops and fates, and
 * the final tables by device); the packets are aligned by a key that
 * survives renumbering, and the report says where the runs first diverge,
 * then every difference. Deterministic: the report depends on the inputs only.
 *
 * Ownership: a diff_run owns everything in it; diff_run_free frees it.
 */
#ifndef NETSIM_GRADING_DIFF_H
#define NETSIM_GRADING_DIFF_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "util/error.h"

typedef struct diff_run diff_run;

typedef struct diff_load_options {
    uint64_t seed;       /* topologies: the run's seed (default 1) */
    uint64_t max_events; /* topologies: as run_options.max_events */
    uint64_t max_memory; /* topologies: 0 for no limit */
} diff_load_options;

/* Loads `path`: a directory is read as `netsim run` output (DIR/paths.json
 * and DIR/state.txt, regular files only: a symbolic link is refused, never
 * followed); anything else is run as a topology in memory. Returns 0 and
 * sets *out (caller frees with diff_run_free), or a negative NS_ERR_* with
 * err set: NS_ERR_INPUT for an invalid topology (the loader's message) or a
 * damaged paths.json, NS_ERR_IO for a file that cannot be read. */
int diff_run_load(const char *path, const diff_load_options *o, diff_run **out, ns_error *err);

/* The same from texts (tests): paths.json and state.txt as written by
 * `netsim run`; `source` names them in messages. */
int diff_run_from_text(const char *paths_json, const char *state_txt, const char *source,
                       diff_run **out, ns_error *err);

/* Why the run ended early ("stopped after 100 events"), or "" (borrowed). */
const char *diff_run_note(const diff_run *r);

/* NULL is a no-op. */
void diff_run_free(diff_run *r);

/* One line of the alignment: packet ids in A and in B (0: not in that run). */
typedef struct diff_pair {
    uint32_t a, b;
} diff_pair;

/* The alignment of a and b's packets in time order: matched packets, and
 * packets found in one run only. Sets *pairs (caller frees with free()) and
 * returns their number. */
size_t diff_align(const diff_run *a, const diff_run *b, diff_pair **pairs);

/* Writes the report (first divergence, then every difference, then a count;
 * or one line saying the runs are identical) to `out`. Returns 0 when the
 * runs are identical, 1 when they differ. */
int diff_write(const diff_run *a, const diff_run *b, FILE *out);

/* The first-divergence line alone, without its newline, into buf[cap];
 * "" when the runs are identical. Returns 1 if they differ, else 0. */
int diff_first(const diff_run *a, const diff_run *b, char *buf, size_t cap);

#endif
