/*
 * graphviz: runs Graphviz's `dot` over a list of files, bounded
 * (docs/diagrams.md, "Bounds").
 *
 * Each file is one child process, started with fork and exec (an argument
 * vector, no shell), in a process group of its own, with its address space
 * limited (setrlimit RLIMIT_AS, which posix_spawn cannot set), its standard
 * input and output on /dev/null and its standard error captured. At most
 * GRAPHVIZ_PARALLEL run at once. A child that runs longer than the
 * per-diagram timeout, or past the run's total budget, is killed with its
 * whole process group and reaped; on Linux a child is also killed when
 * netsim dies (PR_SET_PDEATHSIG), so no `dot` outlives the run.
 *
 * Invariants: every child started is reaped before graphviz_run returns; an
 * output file is left only by a child that exited with status 0 (the partial
 * output of any other is removed, and nothing else is); the caller's signal
 * mask and SIGCHLD disposition are restored.
 */
#ifndef NETSIM_IO_GRAPHVIZ_H
#define NETSIM_IO_GRAPHVIZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

#define GRAPHVIZ_TIMEOUT_S  20   /* wall-clock seconds for one diagram */
#define GRAPHVIZ_BUDGET_S   300  /* wall-clock seconds for all diagrams of a run */
#define GRAPHVIZ_MEMORY_MIB 1024 /* address space of one dot process, MiB */
#define GRAPHVIZ_PARALLEL   4    /* dot processes at once */

/* The bounds of one graphviz_run. */
typedef struct graphviz_limits {
    uint32_t timeout_s; /* per diagram */
    uint32_t budget_s;  /* all diagrams together */
    uint64_t memory;    /* bytes of address space per process */
} graphviz_limits;

/* The defaults above, each overridden by an environment variable holding a
 * positive whole number, meant for tests: NETSIM_DOT_TIMEOUT and
 * NETSIM_DOT_BUDGET (seconds, at most 86400), NETSIM_DOT_MEMORY (MiB, at most
 * 1048576). Other values are ignored. The memory bound is lowered to
 * netsim's own RLIMIT_AS or RLIMIT_DATA (--max-memory) when that is lower,
 * since the children inherit it. */
void graphviz_limits_get(graphviz_limits *l);

/* How a job ended. */
typedef enum {
    GRAPHVIZ_DONE,        /* exit status 0: the output is written */
    GRAPHVIZ_FAILED,      /* another exit status, not at the memory bound */
    GRAPHVIZ_TIMEOUT,     /* killed after timeout_s */
    GRAPHVIZ_MEMORY,      /* failed at the memory bound (its message or its size says so) */
    GRAPHVIZ_CRASHED,     /* killed by a signal not netsim's, with no sign of the bound:
                             a crash, perhaps at the bound all the same */
    GRAPHVIZ_BUDGET,      /* killed, or never started, when budget_s ran out */
    GRAPHVIZ_INTERRUPTED, /* a signal handler ran while waiting (Ctrl-C): stopped */
} graphviz_outcome;

/* One dot process. The caller fills argv, out and in (all borrowed; argv[0]
 * is the program's name, the list ends with NULL); graphviz_run fills the
 * rest. */
typedef struct graphviz_job {
    const char *argv[12];
    const char *out; /* the file dot writes (removed unless GRAPHVIZ_DONE) */
    const char *in;  /* the input: after a timeout or the memory bound on an
                        input, its other jobs are not started and get the same
                        outcome with `skipped` set */
    graphviz_outcome outcome;
    bool skipped;
    int status;        /* the wait status, for GRAPHVIZ_FAILED */
    char message[512]; /* the first line dot wrote on standard error, or "" */
    size_t stderr_len; /* bytes it wrote there (GRAPHVIZ_DONE with some: a warning) */
} graphviz_job;

/* Runs `dot` (a path to the program) for each of the n jobs, in order, at
 * most GRAPHVIZ_PARALLEL at once, within `limits`. Returns 0 when every job
 * has an outcome, or NS_ERR_IO with err set when a process could not be
 * started (no temporary file, fork failed); the jobs started by then are
 * finished as usual, the others get GRAPHVIZ_INTERRUPTED. */
int graphviz_run(const char *dot, graphviz_job *jobs, size_t n, const graphviz_limits *limits,
                 ns_error *err);

#endif
