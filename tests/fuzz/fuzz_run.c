/*
 * fuzz_run: libFuzzer harness for whole runs, outputs included. An input is
 * written to a file and run by run_topology exactly as `netsim run` does, for
 * a bounded number of events, with every output written into the same
 * directory each time (so each run replaces the previous one, through the
 * output directory's exchange). Graphviz is kept off PATH: the .dot files are
 * written, nothing is rendered. Then everything is freed: ASan's leak check
 * after each input catches a frame or an event that a device, a queue or the
 * engine forgot to free, including those still in flight when a run is cut
 * short.
 *
 * What it checks beyond "no crash, no leak, no hang" (the resource mode of
 * docs/fuzzing.md): trace events come in time order and every traced frame has
 * at least an Ethernet header; a failed run says why; a run that succeeded
 * left a manifest whose every entry exists, no staging directory beside the
 * output directory, counted outputs within the output budget (plus the
 * partial-run labels), and the event limit held. No input is skipped for its
 * size: the loader's and the estimate's bounds are what keeps a run small,
 * and this harness checks that they do.
 */
#define _GNU_SOURCE /* mkdtemp */
#include <dirent.h>
#include <ftw.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"
#include "runner/run.h"
#include "trace/trace.h"
#include "util/alloc.h"
#include "util/error.h"
#include "wire/ethernet.h"

#define FUZZ_MAX_EVENTS 20000
#define FUZZ_MAX_OUTPUT (1u << 20) /* 1 MiB of counted outputs */
#define FUZZ_LABELS     4096u      /* the partial-run labels beyond the budget */

/* A trace sink that checks what every event promises: time never goes
 * backwards, and a frame has at least an Ethernet header. */
typedef struct checker {
    uint64_t last;
} checker;

static void checker_emit(void *self, const trace_event *ev) {
    checker *c = self;
    FUZZ_CHECK(ev->time >= c->last, "trace time never goes backwards");
    c->last = ev->time;
    FUZZ_CHECK(ev->frame == NULL || ev->frame_len >= ETH_HEADER_LEN,
               "a traced frame has an Ethernet header");
}

static char work[64];
static char input_path[128], out_path[128];

static int remove_entry(const char *path, const struct stat *sb, int type, struct FTW *ftw) {
    (void)sb;
    (void)type;
    (void)ftw;
    return remove(path);
}

static void clean_up(void) {
    nftw(work, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void set_up(void) {
    if (work[0])
        return;
    snprintf(work, sizeof work, "/tmp/netsim-fuzz-run-XXXXXX");
    FUZZ_CHECK(mkdtemp(work) != NULL, "a work directory");
    atexit(clean_up);
    snprintf(input_path, sizeof input_path, "%s/input.json", work);
    snprintf(out_path, sizeof out_path, "%s/out", work);
    setenv("PATH", "/nonexistent", 1);   /* no Graphviz: .dot files only */
    ns_alloc_set_limit(FUZZ_MAX_MEMORY); /* as main does for --max-memory */
}

static uint64_t file_size(const char *dir, const char *name) {
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    struct stat sb;
    return stat(path, &sb) == 0 ? (uint64_t)sb.st_size : 0;
}

/* The bytes of the outputs the budget counts: traces, captures, tables. */
static uint64_t counted_bytes(void) {
    uint64_t total = file_size(out_path, "trace.txt") + file_size(out_path, "trace.jsonl") +
                     file_size(out_path, "paths.json") + file_size(out_path, "state.txt");
    char pcap[256];
    snprintf(pcap, sizeof pcap, "%s/pcap", out_path);
    DIR *d = opendir(pcap);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)))
            if (e->d_name[0] != '.')
                total += file_size(pcap, e->d_name);
        closedir(d);
    }
    return total;
}

/* Every entry of the manifest exists, and nothing but the output directory
 * and the input are left in the work directory. */
static void check_outputs(void) {
    char path[256];
    snprintf(path, sizeof path, "%s/.netsim-manifest", out_path);
    FILE *f = fopen(path, "r");
    FUZZ_CHECK(f != NULL, "a finished run has a manifest");
    char line[1024];
    FUZZ_CHECK(fgets(line, sizeof line, f) && strcmp(line, "netsim output manifest 1\n") == 0,
               "the manifest starts with its header");
    while (fgets(line, sizeof line, f)) {
        size_t len = strcspn(line, "\n");
        line[len] = '\0';
        if (line[0] != 'd' && line[0] != 'f')
            continue;
        char entry[1400];
        snprintf(entry, sizeof entry, "%s/%s", out_path, line + 2);
        struct stat sb;
        FUZZ_CHECK(lstat(entry, &sb) == 0, "every manifest entry exists");
        FUZZ_CHECK(line[0] == 'd' ? S_ISDIR(sb.st_mode) : S_ISREG(sb.st_mode),
                   "every manifest entry has its kind");
    }
    fclose(f);
    DIR *d = opendir(work);
    FUZZ_CHECK(d != NULL, "the work directory opens");
    struct dirent *e;
    while ((e = readdir(d)))
        FUZZ_CHECK(strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
                       strcmp(e->d_name, "out") == 0 || strcmp(e->d_name, "input.json") == 0,
                   "no staging directory is left beside the outputs");
    closedir(d);
    FUZZ_CHECK(counted_bytes() <= FUZZ_MAX_OUTPUT + FUZZ_LABELS, "the output budget holds");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    set_up();
    FILE *f = fopen(input_path, "wb");
    FUZZ_CHECK(f != NULL, "the input file opens");
    FUZZ_CHECK(fwrite(data, 1, size, f) == size && fclose(f) == 0, "the input file is written");

    checker check = {0};
    trace_sink extra = {checker_emit, &check};
    run_options o = {.topology_path = input_path,
                     .out_dir = out_path,
                     .seed = 1,
                     .until = SIM_FOREVER,
                     .max_events = FUZZ_MAX_EVENTS,
                     .quiet = true,
                     .max_output = FUZZ_MAX_OUTPUT,
                     .max_memory = FUZZ_MAX_MEMORY,
                     .extra_sink = &extra};
    run_result result;
    ns_error err;
    memset(&err, 0, sizeof err);
    int rc = run_topology(&o, &result, &err);
    if (rc != 0) {
        FUZZ_CHECK(err.message[0] != '\0', "a failed run says why");
        return 0;
    }
    FUZZ_CHECK(result.events <= FUZZ_MAX_EVENTS, "the event limit holds");
    check_outputs();
    return 0;
}
