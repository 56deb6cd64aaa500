/*
 * run: one simulation run from a topology file to the output directory:
 * load, build, run, write trace.txt, trace.jsonl, pcap/, state.txt.
 * Nothing is written when loading fails.
 */
#ifndef NETSIM_RUNNER_RUN_H
#define NETSIM_RUNNER_RUN_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "engine/sim.h"
#include "trace/filter.h"
#include "trace/trace.h"
#include "util/error.h"

typedef enum {
    STDOUT_TEXT,  /* the human trace */
    STDOUT_JSONL, /* the JSON Lines trace */
} stdout_format;

typedef enum {
    TRACE_FULL,    /* every step: trace.txt, trace.jsonl, pcap/ */
    TRACE_SUMMARY, /* application output and run lines only; no captures */
    TRACE_NONE,    /* no trace at all (benchmarks): state.txt only */
} trace_level;

typedef enum {
    VIEW_AUTO,   /* view.html unless the run is above the viewer's bounds (default) */
    VIEW_ALWAYS, /* --view: whatever its size */
    VIEW_NEVER,  /* --no-view */
} view_mode;

typedef struct run_options {
    const char *topology_path;
    const char *out_dir; /* NULL: out/<topology name> */
    uint64_t seed;       /* default 1 */
    sim_time until;      /* SIM_FOREVER: until no events remain */
    uint64_t max_events; /* 0: no limit; RESOURCES_EVENTS_DEFAULT: by the topology */
    stdout_format format;
    bool quiet;                 /* nothing on stdout */
    trace_level trace;          /* default TRACE_FULL */
    uint32_t packet;            /* non-zero: stdout shows only this packet's hop table */
    const trace_filter *filter; /* NULL or borrowed: which events the traces show */
    bool png;                   /* diagrams as PNG too */
    bool steps;                 /* one slide per frame step, and steps/index.html */
    bool force;                 /* write into a non-empty directory netsim did not make */
    view_mode view;             /* DIR/view.html (docs/viewer.md) */
    uint64_t max_output;        /* bytes the output files may take (0: no limit) */
    uint64_t max_memory;        /* bytes the run may need by its estimate (0: no limit) */
    /* Borrowed, may be NULL: set to a signal number (by a signal handler) to
     * stop the run at the next slice of events; the outputs are then labelled
     * partial. */
    const volatile sig_atomic_t *interrupt;
    const trace_sink *extra_sink; /* NULL or borrowed: one more sink on the bus (tests) */
    /* The process ends right after the run: a large network (RUN_LEAVE_TO_EXIT
     * devices or more) is left for the kernel to take back at once rather than
     * freed object by object (2.5 s for 1,000,000 hosts). Not under a
     * sanitizer, whose leak check would report it. */
    bool exit_after;
} run_options;

#define RUN_LEAVE_TO_EXIT 10000

typedef enum {
    RUN_COMPLETE,     /* no events remained, or the --until time was reached */
    RUN_EVENT_LIMIT,  /* stopped by --max-events */
    RUN_STORM,        /* stopped: frames looping between switches */
    RUN_NO_PACKET,    /* finished, but the --packet asked for never crossed a link */
    RUN_INTERRUPTED,  /* stopped by a signal (run_result.signal); partial outputs */
    RUN_OUTPUT_LIMIT, /* stopped when the outputs reached max_output; partial outputs */
} run_outcome;

typedef struct run_result {
    run_outcome outcome;
    int signal; /* RUN_INTERRUPTED: the signal */
    uint64_t events;
    sim_time end_time;
    uint64_t frames_delivered;
    /* Wall-clock cost of each phase, for --stats and the benchmarks (never
     * written to any output file: outputs depend on the input and seed only). */
    double load_seconds, build_seconds, run_seconds, output_seconds;
    char out_dir[4096];
    char summary[640];   /* one line saying how the run ended */
    char note[1024];     /* a remark for the user, e.g. Graphviz is missing; may be empty */
    char view_note[256]; /* why view.html was skipped; may be empty */
} run_result;

/* Runs options->topology_path. Returns 0 (see result->outcome), or a negative
 * NS_ERR_* code with err set (invalid topology, unwritable output, a memory
 * estimate above max_memory: NS_ERR_NOMEM). The outputs are written as
 * io/outdir.h says: the directory holds the previous run or this one. */
int run_topology(const run_options *options, run_result *result, ns_error *err);

/* A run kept in memory, for grading (`netsim test`) and comparing (`netsim
 * diff`): no output directory, no file written, no trace on standard output. */
struct model_topology;
struct network;
struct hop_table;

typedef struct run_memory_options {
    const char *topology_path;
    uint64_t seed;           /* default 1 */
    sim_time until;          /* SIM_FOREVER: until no events remain */
    uint64_t max_events;     /* as run_options.max_events */
    uint64_t max_memory;     /* 0: no limit */
    bool skip_own_expect;    /* the topology's "expect" left unread (LOADER_NO_EXPECT) */
    const trace_sink *sinks; /* borrowed: subscribed after the hop table, in order */
    size_t n_sinks;
    /* Called after building, before the first event (schedule probes on the
     * engine here), then after the run's end event; either may be NULL. The
     * model, network and hop table are borrowed for the call's duration. */
    void (*before_run)(void *ctx, const struct model_topology *t, struct network *net,
                       struct hop_table *hops);
    void (*after_run)(void *ctx, const struct model_topology *t, struct network *net,
                      const struct hop_table *hops, const struct run_result *result);
    void *ctx;
} run_memory_options;

/* Loads, builds and runs o->topology_path as run_topology does, with every
 * packet's journey collected in a hop table, and writes nothing. Returns 0
 * (see result->outcome: RUN_COMPLETE, RUN_EVENT_LIMIT, RUN_STORM) or a
 * negative NS_ERR_* code with err set (invalid topology, memory estimate). */
int run_in_memory(const run_memory_options *o, run_result *result, ns_error *err);

/* Validates a topology without running it, its memory estimate included
 * (max_memory 0: no limit). Returns 0 or NS_ERR_* with err set. */
int run_check(const char *topology_path, uint64_t max_memory, ns_error *err);

#endif
