/*
 * grading: `netsim test` (docs/grading.md). Runs a topology in memory
 * (runner/run.h run_in_memory), records the facts its checks need (a trace
 * sink, silent table probes, the hop table after the run) and evaluates each
 * check (model/expect.h) to pass or fail with a message saying what was
 * expected, what was seen instead and where to look. Facts only: no check
 * reads the prose of an event. Reports: text, JUnit XML and CSV.
 *
 * Ownership: a grade_file owns its strings (grade_file_clear frees them).
 */
#ifndef NETSIM_GRADING_GRADING_H
#define NETSIM_GRADING_GRADING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "model/expect.h"
#include "util/error.h"

/* One evaluated check. */
typedef struct grade_check {
    char *name; /* the line shown */
    char *kind; /* "ping", ..., or "loads" */
    bool pass;
    char *message; /* what was expected and seen (failures; may be NULL on a pass) */
    char *hint;    /* the lecturer's hint, or NULL */
    uint32_t points;
} grade_check;

/* One topology's checks, in the order given. */
typedef struct grade_file {
    char *path;
    grade_check *checks;
    size_t n_checks;
} grade_file;

typedef struct grade_options {
    uint64_t seed;             /* default 1 */
    const model_expect *tests; /* borrowed: a checks file's checks, or NULL: the inline ones */
    uint64_t max_events;       /* as run_options.max_events */
    uint64_t max_memory;       /* 0: no limit */
} grade_options;

/* Runs `path` and evaluates its checks into *out (cleared first). An invalid
 * or unreadable topology is one failed check named "loads" with the loader's
 * message. Returns 0, or NS_ERR_NOMEM. */
int grade_topology(const char *path, const grade_options *o, grade_file *out);

/* Frees what `f` owns and zeroes it. */
void grade_file_clear(grade_file *f);

/* Counts over files[n]: checks passed and failed, points scored and possible. */
void grade_totals(const grade_file *files, size_t n, size_t *passed, size_t *failed,
                  uint64_t *score, uint64_t *possible);

/* The text report (docs/grading.md "Output"): per file its path, one line
 * per check, failure details and hint indented, then the score and
 * "N passed, M failed". */
void grade_write_text(const grade_file *files, size_t n, FILE *out);

/* JUnit XML: one <testsuite> per file, one <testcase> per check. */
void grade_write_junit(const grade_file *files, size_t n, FILE *out);

/* CSV (RFC 4180): file,check,name,result,points,message. */
void grade_write_csv(const grade_file *files, size_t n, FILE *out);

/* Writes `path` with `write` through a temporary file beside it, renamed
 * into place: never through a symbolic link, never a half-written file.
 * Returns 0, or NS_ERR_IO with err set. */
int grade_write_report(const char *path, void (*write)(const grade_file *, size_t, FILE *),
                       const grade_file *files, size_t n, ns_error *err);

#endif
