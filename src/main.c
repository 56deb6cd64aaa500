/*
 * main: the command line only. Parses arguments, calls the runner, prints
 * errors and chooses the exit status. Everything else lives in libnetsim_core.
 */
#define _POSIX_C_SOURCE 200809L /* sigaction */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "apps/ipcalc.h"
#include "grading/diff.h"
#include "grading/grading.h"
#include "reader/reader.h"
#include "runner/resources.h"
#include "runner/run.h"
#include "util/alloc.h"
#include "util/i18n.h"
#include "util/units.h"

/* Exit statuses, documented in docs/cli.md and --help. */
enum {
    EXIT_OK = 0,
    EXIT_INVALID = 1, /* the topology is invalid */
    EXIT_USAGE = 2,   /* bad command-line arguments */
    EXIT_STOPPED = 3, /* the run was stopped early: --max-events, or a broadcast storm */
    EXIT_IO = 4,      /* an input or output file could not be read or written */
    EXIT_NO_MEMORY = NS_EXIT_NO_MEMORY, /* the run needs more memory than --max-memory */
    EXIT_SIGNAL = 128, /* + the signal's number: interrupted (SIGINT 130, SIGTERM 143) */
};

#define DEFAULT_MAX_OUTPUT (1ull << 30) /* 1 GiB of output files */
#define DEFAULT_MAX_MEMORY (2ull << 30) /* 2 GiB of memory */

/* TRANSLATORS: keep the command and option names; indent the continuation lines
 * under the first argument of their command. */
static const char *const usage_text =
    N_("usage: netsim run FILE [--out DIR] [--seed N] [--until TIME] [--max-events N]\n"
       "                       [--format text|jsonl] [--trace full|summary|none] [--packet ID]\n"
       "                       [--filter KEY=VALUE[,VALUE...]]... [--png] [--steps]\n"
       "                       [--quiet] [--stats] [--force] [--max-output SIZE]\n"
       "                       [--max-memory SIZE] [--view | --no-view]\n"
       "       netsim check FILE [--max-memory SIZE]\n"
       "       netsim test FILE... [--expect CHECKS] [--junit OUT.xml] [--csv OUT.csv]\n"
       "                           [--seed N]\n"
       "       netsim diff A B [--seed N]\n"
       "       netsim ip ADDRESS[/PREFIX] [NETMASK]\n"
       "       netsim --help | --version\n"
       "       (every command also takes --lang zh|en)\n");

/* --help after the usage: one message per section, so a translator sees whole
 * paragraphs; printed with a blank line between sections.
 * TRANSLATORS: --help keeps option names, file names and values as they are;
 * descriptions start at the same display column as in English (a Chinese
 * character takes two columns); tests/i18n_help_check.sh checks it. */
static const char *const help_sections[] = {
    N_("netsim: a network simulator for teaching. It runs a JSON topology of hosts,\n"
       "hubs, switches and routers and shows every frame, hop by hop.\n"),
    N_("Commands:\n"
       "  run FILE       simulate FILE; print the step-by-step trace and write the outputs\n"
       "  check FILE     validate FILE only; print nothing and exit 0 when it is valid\n"
       "  test FILE...   run each FILE in memory and grade it against its \"expect\"\n"
       "                 checks (or those of --expect CHECKS): one line per check,\n"
       "                 then \"N passed, M failed\" (docs/grading.md)\n"
       "  diff A B       compare two runs (topology files, run in memory, or output\n"
       "                 directories of run): the first step where they diverge, then\n"
       "                 every difference in paths, headers, fates and final tables;\n"
       "                 exit 0 when identical, 1 when different (docs/diff.md)\n"
       "  ip ADDR[/LEN] [MASK]  the address calculator: class, network, broadcast, hosts,\n"
       "                 netmask in binary, private/public (docs/ipcalc.md)\n"),
    N_("Options of run:\n"
       "  --out DIR          output directory (default: out/<topology name>). netsim\n"
       "                     writes the run beside it and moves it into place when done,\n"
       "                     so DIR holds the previous run or the new one, never a mix;\n"
       "                     it replaces only the files its manifest (DIR/.netsim-manifest)\n"
       "                     lists, never follows a link inside DIR, and refuses /, the\n"
       "                     current directory, the home directory and a non-empty\n"
       "                     directory it did not write\n"
       "  --force            write into a non-empty DIR netsim did not write (its files\n"
       "                     of the same names are replaced; nothing else is deleted)\n"
       "  --seed N           seed of the run's random generator (default 1); the same\n"
       "                     topology and seed give byte-identical outputs\n"
       "  --until TIME       stop at this simulated time, e.g. 500ms, 2s (default: when no\n"
       "                     events remain)\n"
       "  --max-events N     stop after N events (default 100000000, or 250 a device\n"
       "                     when that is more; 0: no limit)\n"
       "  --max-output SIZE  stop when the output files reach SIZE, e.g. 200M, 4G\n"
       "                     (default 1G; 0: no limit); the run is then labelled partial\n"
       "  --max-memory SIZE  refuse a topology whose memory estimate exceeds SIZE, and\n"
       "                     stop with a message if the run's memory reaches it\n"
       "                     (default 2G; 0: no limit)\n"
       "  --format text|jsonl  format of the trace on standard output (default text)\n"
       "  --trace full|summary|none  how much to trace (default full): summary keeps only\n"
       "                     application output (ping) and the run's start and end, and\n"
       "                     writes no captures; none writes no trace at all, only state.txt\n"
       "  --filter KEY=VALUES  show only matching steps in the traces (stdout, trace.txt,\n"
       "                     trace.jsonl); KEY is device, proto (arp, icmp, udp, tcp, dhcp,\n"
       "                     dns) or packet; several values are alternatives, several\n"
       "                     --filter options must all hold: --filter proto=icmp,arp\n"
       "                     --filter device=r1. The ladder and step diagrams follow it;\n"
       "                     captures, hop tables and path diagrams stay complete\n"
       "  --packet ID        print only packet ID's journey (its hop table) on standard\n"
       "                     output; the files are written as usual\n"
       "  --png              draw the diagrams as PNG too (topology, paths, ladders)\n"
       "  --steps            draw one slide per frame step, and steps/index.html to step\n"
       "                     through them with the arrow keys\n"
       "  --view             write view.html even above its size bound (docs/viewer.md)\n"
       "  --no-view          do not write view.html\n"
       "  --quiet            print nothing on standard output (files are still written)\n"
       "  --stats            print the wall-clock cost of loading, building, running and\n"
       "                     writing, and events per second, on standard error\n"),
    N_("Options of test:\n"
       "  --expect CHECKS    grade with the checks of the file CHECKS ({\"expect\": [...]})\n"
       "                     instead of each FILE's own \"expect\" list\n"
       "  --junit OUT.xml    also write the results as JUnit XML (one testsuite per FILE)\n"
       "  --csv OUT.csv      also write them as CSV: file,check,name,result,points,message\n"
       "  --seed N           seed of every run (default 1)\n"
       "  Exit status of test: 0 every check passed; 1 a check failed or a FILE is\n"
       "  invalid (its message is the failed check \"loads\"), or CHECKS is invalid;\n"
       "  2 bad arguments; 4 CHECKS could not be read or a report not written\n"),
    N_("Outputs in DIR:\n"
       "  trace.txt      the human-readable trace (what standard output shows)\n"
       "  trace.jsonl    the same steps as JSON Lines (docs/trace-format.md)\n"
       "  pcap/*.pcap    one capture per link, for Wireshark or tshark\n"
       "  paths.json     every packet's journey hop by hop (the hop tables of trace.txt)\n"
       "  topology.dot/.svg  the network for slides (Graphviz); paths/ID.svg: one packet's\n"
       "                 journey drawn on it; ladder.svg: every frame as a sequence diagram\n"
       "  state.txt      device tables at the end: ARP caches, routes, MAC tables\n"
       "  view.html      the run replayed in a browser, offline: events, animation,\n"
       "                 frames by layer, device tables at any step (docs/viewer.md)\n"),
    N_("Exit status:\n"
       "  0  success\n"
       "  1  the topology is invalid (the message names file:line:column and JSON path);\n"
       "     diff: the runs differ\n"
       "  2  bad command-line arguments\n"
       "  3  the run was stopped early: --max-events or --max-output reached, or a\n"
       "     broadcast storm detected (the outputs are written, labelled partial)\n"
       "  4  a file could not be read or written (the previous outputs are left intact)\n"
       "  5  the run needs more memory than --max-memory allows\n"
       "  130, 143  interrupted by SIGINT (Ctrl-C) or SIGTERM: the outputs are written,\n"
       "     labelled partial\n"),
    N_("Documentation: docs/cli.md, docs/topology-format.md, docs/trace-format.md.\n"),
};

__attribute__((format(printf, 1, 2))) static int usage_error(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "netsim: ");
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n%s", _(usage_text));
    return EXIT_USAGE;
}

static int exit_for(int code) {
    return code == NS_ERR_INPUT ? EXIT_INVALID : code == NS_ERR_NOMEM ? EXIT_NO_MEMORY : EXIT_IO;
}

/* SIGINT and SIGTERM ask the run to stop at its next slice of events; a
 * second one ends netsim at once (SA_RESETHAND), the previous outputs intact. */
static volatile sig_atomic_t interrupted;

static void on_signal(int sig) {
    interrupted = sig;
}

static void catch_signals(void) {
    struct sigaction sa = {.sa_handler = on_signal, .sa_flags = SA_RESETHAND};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    /* `netsim run ... | head` or quitting less closes stdout early: the run
     * goes on and its files are written; only what stdout would show is
     * lost (writes to it then fail with EPIPE instead of killing netsim). */
    struct sigaction ignore = {.sa_handler = SIG_IGN};
    sigemptyset(&ignore.sa_mask);
    sigaction(SIGPIPE, &ignore, NULL);
}

#if defined(__SANITIZE_ADDRESS__)
#define NETSIM_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define NETSIM_ASAN 1
#endif
#endif

/* The memory bound at run time: past it an allocation fails and netsim says
 * so (util/alloc.h) instead of the kernel's OOM killer ending it silently.
 * Not under AddressSanitizer, whose shadow memory the limit would count. */
static void limit_memory(uint64_t max_memory) {
    char bound[64], size[32];
    resources_format_bytes(size, sizeof size, max_memory);
    snprintf(bound, sizeof bound, "--max-memory %s", size);
    ns_alloc_set_bound(max_memory ? bound : _("the machine's memory"));
    ns_alloc_set_limit(max_memory);
#ifndef NETSIM_ASAN
    if (max_memory) {
        struct rlimit rl;
        if (getrlimit(RLIMIT_DATA, &rl) == 0 &&
            (rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= max_memory)) {
            rl.rlim_cur = max_memory;
            setrlimit(RLIMIT_DATA, &rl);
        }
    }
#endif
}

/* The command line as given (choose_language takes --lang out of argv). */
static char **original_argv;

/* Topology files from this size on are read with a heap of 2 MiB pages. */
#define HUGE_PAGES_FROM ((off_t)16 << 20)

/* A topology of tens of megabytes grows a heap of gigabytes, and taking it
 * 4 KiB at a time, a page fault each, was nearly half of the 1,000,000-host
 * campus's load and build (22.3 s; 11.5 s with 2 MiB pages). glibc backs its
 * heap with transparent huge pages only when told at start-up (the tunable
 * glibc.malloc.hugetlb=1, glibc 2.35 and later; older ones ignore it), so for
 * such a file netsim runs itself again, once, with the tunable added to the
 * environment. Smaller runs keep 4 KiB pages, which huge ones would round up;
 * a tunable already set, by the user or by the first pass, is left alone. */
static void prefer_huge_pages(const char *topology) {
#ifndef NETSIM_ASAN
    struct stat st;
    const char *tunables = getenv("GLIBC_TUNABLES");
    if (!original_argv || stat(topology, &st) != 0 || !S_ISREG(st.st_mode) ||
        st.st_size < HUGE_PAGES_FROM || (tunables && strstr(tunables, "glibc.malloc.hugetlb")))
        return;
    char value[1024];
    int n = snprintf(value, sizeof value, "%s%sglibc.malloc.hugetlb=1", tunables ? tunables : "",
                     tunables && *tunables ? ":" : "");
    if (n < 0 || (size_t)n >= sizeof value || setenv("GLIBC_TUNABLES", value, 1) != 0)
        return;
    execv("/proc/self/exe", original_argv);
    /* No exec (no /proc, say): the same run on 4 KiB pages. */
    if (tunables)
        setenv("GLIBC_TUNABLES", tunables, 1);
    else
        unsetenv("GLIBC_TUNABLES");
#else
    (void)topology;
#endif
}

static int parse_size(const char *option, const char *value, uint64_t *out) {
    if (!value || units_parse_size(value, out) != 0)
        return usage_error(_("%s needs a size such as 500M or 4G, got \"%s\""), option,
                           value ? value : "");
    return 0;
}

static int parse_count(const char *text, uint64_t *out) {
    if (!text || !*text || *text == '-' || *text == '+')
        return -1;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno || *end)
        return -1;
    *out = v;
    return 0;
}

/* --stats: the wall-clock cost of each phase, on stderr (outputs stay
 * deterministic: they never contain timings). */
static void print_stats(const run_result *r) {
    double rate = r->run_seconds > 0 ? (double)r->events / r->run_seconds : 0.0;
    fprintf(stderr,
            _("netsim: stats: load %.3f s, build %.3f s, run %.3f s, outputs %.3f s; %llu events "
              "(%.2f M events/s), %llu frames delivered, simulated %llu.%09llu s\n"),
            r->load_seconds, r->build_seconds, r->run_seconds, r->output_seconds,
            (unsigned long long)r->events, rate / 1e6, (unsigned long long)r->frames_delivered,
            (unsigned long long)(r->end_time / SIM_S), (unsigned long long)(r->end_time % SIM_S));
}

static int command_run_with(int argc, char **argv, trace_filter *filter) {
    bool stats = false;
    run_options o = {.seed = 1,
                     .until = SIM_FOREVER,
                     .max_events = RESOURCES_EVENTS_DEFAULT,
                     .max_output = DEFAULT_MAX_OUTPUT,
                     .max_memory = DEFAULT_MAX_MEMORY,
                     .filter = filter,
                     .interrupt = &interrupted};
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(arg, "--quiet") == 0 || strcmp(arg, "-q") == 0) {
            o.quiet = true;
        } else if (strcmp(arg, "--stats") == 0) {
            stats = true;
        } else if (strcmp(arg, "--png") == 0) {
            o.png = true;
        } else if (strcmp(arg, "--steps") == 0) {
            o.steps = true;
        } else if (strcmp(arg, "--view") == 0 || strcmp(arg, "--no-view") == 0) {
            o.view = arg[2] == 'v' ? VIEW_ALWAYS : VIEW_NEVER;
        } else if (strcmp(arg, "--force") == 0) {
            o.force = true;
        } else if (strcmp(arg, "--max-output") == 0 || strcmp(arg, "--max-memory") == 0) {
            if (parse_size(arg, value, arg[6] == 'o' ? &o.max_output : &o.max_memory) != 0)
                return EXIT_USAGE;
            i++;
        } else if (strcmp(arg, "--out") == 0) {
            if (!value)
                return usage_error(_("%s needs a directory"), arg);
            o.out_dir = value;
            i++;
        } else if (strcmp(arg, "--seed") == 0) {
            if (parse_count(value, &o.seed) != 0)
                return usage_error(_("--seed needs a non-negative integer, got \"%s\""),
                                   value ? value : "");
            i++;
        } else if (strcmp(arg, "--until") == 0) {
            if (!value || units_parse_duration(value, &o.until) != 0)
                return usage_error(_("--until needs a duration such as 500ms or 2s, got \"%s\""),
                                   value ? value : "");
            i++;
        } else if (strcmp(arg, "--max-events") == 0) {
            if (parse_count(value, &o.max_events) != 0)
                return usage_error(_("--max-events needs a non-negative integer, got \"%s\""),
                                   value ? value : "");
            if (o.max_events == RESOURCES_EVENTS_DEFAULT)
                o.max_events = 0; /* a bound no run can reach, not "the default" */
            i++;
        } else if (strcmp(arg, "--packet") == 0) {
            uint64_t id = 0;
            if (parse_count(value, &id) != 0 || id == 0 || id > UINT32_MAX)
                return usage_error(_("--packet needs a packet number such as 3, got \"%s\""),
                                   value ? value : "");
            o.packet = (uint32_t)id;
            i++;
        } else if (strcmp(arg, "--filter") == 0) {
            char msg[512];
            if (!value)
                return usage_error("%s",
                                   _("--filter needs device=NAME, proto=PROTOCOL or packet=ID"));
            if (trace_filter_add(filter, value, msg, sizeof msg) != 0)
                return usage_error("%s", msg);
            i++;
        } else if (strcmp(arg, "--trace") == 0) {
            if (value && strcmp(value, "full") == 0)
                o.trace = TRACE_FULL;
            else if (value && strcmp(value, "summary") == 0)
                o.trace = TRACE_SUMMARY;
            else if (value && strcmp(value, "none") == 0)
                o.trace = TRACE_NONE;
            else
                return usage_error(_("--trace needs full, summary or none, got \"%s\""),
                                   value ? value : "");
            i++;
        } else if (strcmp(arg, "--format") == 0) {
            if (value && strcmp(value, "text") == 0)
                o.format = STDOUT_TEXT;
            else if (value && strcmp(value, "jsonl") == 0)
                o.format = STDOUT_JSONL;
            else
                return usage_error(_("--format needs text or jsonl, got \"%s\""),
                                   value ? value : "");
            i++;
        } else if (arg[0] == '-' && arg[1] != '\0') {
            return usage_error(_("unknown option \"%s\""), arg);
        } else if (!o.topology_path) {
            o.topology_path = arg;
        } else {
            return usage_error(_("one topology file at a time (extra argument \"%s\")"), arg);
        }
    }
    if (!o.topology_path)
        return usage_error("%s", _("run needs a topology FILE"));
    prefer_huge_pages(o.topology_path);
#ifndef NETSIM_ASAN
    o.exit_after = true;
#endif
    limit_memory(o.max_memory);
    catch_signals();
    run_result result;
    ns_error err = {0};
    int rc = run_topology(&o, &result, &err);
    if (rc != 0) {
        fprintf(stderr, "netsim: %s\n", err.message);
        return exit_for(rc);
    }
    if (stats)
        print_stats(&result);
    /* How the run ended comes first, then any note about the outputs. */
    int status = EXIT_OK;
    if (result.outcome == RUN_INTERRUPTED) {
        fprintf(stderr, _("netsim: %s; written to %s\n"), result.summary, result.out_dir);
        status = EXIT_SIGNAL + result.signal;
    } else if (result.outcome != RUN_COMPLETE && result.outcome != RUN_NO_PACKET) {
        fprintf(stderr, "netsim: %s\n", result.summary);
        status = EXIT_STOPPED;
    }
    if (result.note[0])
        fprintf(stderr, _("netsim: note: %s\n"), result.note);
    if (result.view_note[0])
        fprintf(stderr, _("netsim: note: %s\n"), result.view_note);
    if (result.outcome == RUN_NO_PACKET) {
        fprintf(stderr, _("netsim: --packet %u: no such packet crossed a link in this run\n"),
                o.packet);
        status = EXIT_USAGE;
    }
    return status;
}

static int command_run(int argc, char **argv) {
    trace_filter *filter = trace_filter_new();
    int status = command_run_with(argc, argv, filter);
    trace_filter_free(filter);
    return status;
}

static int command_check(int argc, char **argv) {
    const char *file = NULL;
    uint64_t max_memory = DEFAULT_MAX_MEMORY;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--max-memory") == 0) {
            if (parse_size(argv[i], i + 1 < argc ? argv[i + 1] : NULL, &max_memory) != 0)
                return EXIT_USAGE;
            i++;
        } else if (file || (argv[i][0] == '-' && argv[i][1] != '\0')) {
            return usage_error("%s", _("check needs exactly one topology FILE"));
        } else {
            file = argv[i];
        }
    }
    if (!file)
        return usage_error("%s", _("check needs exactly one topology FILE"));
    prefer_huge_pages(file);
    limit_memory(max_memory);
    ns_error err = {0};
    int rc = run_check(file, max_memory, &err);
    if (rc != 0) {
        fprintf(stderr, "netsim: %s\n", err.message);
        return exit_for(rc);
    }
    return EXIT_OK;
}

/* netsim test: the command line only; grading/ does the work. */
static int command_test(int argc, char **argv) {
    const char *expect_path = NULL, *junit = NULL, *csv = NULL;
    grade_options o = {
        .seed = 1, .max_events = RESOURCES_EVENTS_DEFAULT, .max_memory = DEFAULT_MAX_MEMORY};
    const char **paths = calloc((size_t)argc + 1, sizeof *paths);
    size_t n = 0;
    if (!paths)
        ns_out_of_memory();
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i], *value = i + 1 < argc ? argv[i + 1] : NULL;
        const char **slot = strcmp(arg, "--expect") == 0  ? &expect_path
                            : strcmp(arg, "--junit") == 0 ? &junit
                            : strcmp(arg, "--csv") == 0   ? &csv
                                                          : NULL;
        if (slot) {
            if (!value) {
                free(paths);
                return usage_error(_("%s needs a file"), arg);
            }
            *slot = value;
            i++;
        } else if (strcmp(arg, "--seed") == 0) {
            if (parse_count(value, &o.seed) != 0) {
                free(paths);
                return usage_error(_("--seed needs a non-negative integer, got \"%s\""),
                                   value ? value : "");
            }
            i++;
        } else if (arg[0] == '-' && arg[1] != '\0') {
            free(paths);
            return usage_error(_("unknown option \"%s\""), arg);
        } else {
            paths[n++] = arg;
        }
    }
    if (n == 0) {
        free(paths);
        return usage_error("%s", _("test needs at least one topology FILE"));
    }
    limit_memory(o.max_memory);
    ns_error err = {0};
    model_expect *checks = NULL;
    int rc = expect_path ? loader_load_expect_file(expect_path, &checks, &err) : 0;
    if (rc != 0) {
        free(paths);
        fprintf(stderr, "netsim: %s\n", err.message);
        return exit_for(rc);
    }
    o.tests = checks;
    grade_file *files = calloc(n, sizeof *files);
    if (!files)
        ns_out_of_memory();
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = grade_topology(paths[i], &o, &files[i]);
    int status = EXIT_OK;
    if (rc != 0) {
        fprintf(stderr, "%s", _("netsim: out of memory\n"));
        status = EXIT_NO_MEMORY;
    } else {
        grade_write_text(files, n, stdout);
        size_t passed, failed;
        uint64_t score, possible;
        grade_totals(files, n, &passed, &failed, &score, &possible);
        status = failed ? EXIT_INVALID : EXIT_OK;
        if ((junit && grade_write_report(junit, grade_write_junit, files, n, &err) != 0) ||
            (csv && grade_write_report(csv, grade_write_csv, files, n, &err) != 0)) {
            fprintf(stderr, "netsim: %s\n", err.message);
            status = EXIT_IO;
        }
    }
    for (size_t i = 0; i < n; i++)
        grade_file_clear(&files[i]);
    free(files);
    free(paths);
    model_expect_free(checks);
    return status;
}

/* netsim diff A B [--seed N]: the report on stdout; exit 0 identical, 1
 * different or an invalid topology (the loader's message), 2 usage, 4 I/O. */
static int command_diff(int argc, char **argv) {
    const char *paths[2] = {NULL, NULL};
    diff_load_options o = {
        .seed = 1, .max_events = RESOURCES_EVENTS_DEFAULT, .max_memory = DEFAULT_MAX_MEMORY};
    size_t n = 0;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--seed") == 0) {
            const char *value = i + 1 < argc ? argv[i + 1] : NULL;
            if (parse_count(value, &o.seed) != 0)
                return usage_error(_("--seed needs a non-negative integer, got \"%s\""),
                                   value ? value : "");
            i++;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            return usage_error(_("unknown option \"%s\""), argv[i]);
        } else if (n == 2) {
            return usage_error(_("diff compares two runs (extra argument \"%s\")"), argv[i]);
        } else {
            paths[n++] = argv[i];
        }
    }
    if (n != 2)
        return usage_error("%s", _("diff needs two topology files or output directories, A and B"));
    limit_memory(o.max_memory);
    diff_run *runs[2] = {NULL, NULL};
    for (int k = 0; k < 2; k++) {
        ns_error err = {0};
        int rc = diff_run_load(paths[k], &o, &runs[k], &err);
        if (rc != 0) {
            fprintf(stderr, "netsim: %s\n", err.message);
            diff_run_free(runs[0]);
            return exit_for(rc);
        }
        if (diff_run_note(runs[k])[0])
            fprintf(stderr, _("netsim: note: %s (%c): %s\n"), paths[k], "AB"[k],
                    diff_run_note(runs[k]));
    }
    int status = diff_write(runs[0], runs[1], stdout) ? EXIT_INVALID : EXIT_OK;
    diff_run_free(runs[0]);
    diff_run_free(runs[1]);
    if (fflush(stdout) != 0)
        return EXIT_IO;
    return status;
}

/* --lang LANG (or --lang=LANG) may stand anywhere among the arguments of any
 * command; it is taken out before the command parses the rest. Returns 0 or
 * EXIT_USAGE. Without it the locale variables choose (util/i18n.h). */
static int choose_language(int *argc, char **argv) {
    const char *flag = NULL;
    int kept = 1;
    for (int i = 1; i < *argc; i++) {
        if (strcmp(argv[i], "--lang") == 0) {
            if (i + 1 >= *argc) {
                i18n_init(NULL, argv[0]); /* the complaint in the environment's language */
                return usage_error("%s", _("--lang needs zh or en"));
            }
            flag = argv[++i];
        } else if (strncmp(argv[i], "--lang=", 7) == 0) {
            flag = argv[i] + 7;
        } else {
            argv[kept++] = argv[i];
        }
    }
    argv[kept] = NULL;
    *argc = kept;
    if (i18n_init(flag, argv[0]) != 0) {
        i18n_init(NULL, argv[0]); /* the complaint in the environment's language */
        return usage_error(_("--lang needs zh or en, got \"%s\""), flag);
    }
    return 0;
}

int main(int argc, char **argv) {
    original_argv = ns_xmalloc(((size_t)argc + 1) * sizeof *argv); /* kept to the end */
    memcpy(original_argv, argv, ((size_t)argc + 1) * sizeof *argv);
    if (choose_language(&argc, argv) != 0)
        return EXIT_USAGE;
    if (argc < 2)
        return usage_error("%s", _("no command given"));
    const char *command = argv[1];
    /* "netsim run --help" asks for the same help as "netsim --help" (a
     * student types it first), not for an "unknown option" error. */
    bool help = strcmp(command, "help") == 0;
    for (int i = 1; i < argc && !help; i++)
        help = strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0;
    if (help) {
        fputs(_(usage_text), stdout);
        for (size_t i = 0; i < sizeof help_sections / sizeof help_sections[0]; i++) {
            fputc('\n', stdout);
            fputs(_(help_sections[i]), stdout);
        }
        return EXIT_OK;
    }
    if (strcmp(command, "--version") == 0) {
        printf("netsim %s\n", NETSIM_VERSION);
        return EXIT_OK;
    }
    if (strcmp(command, "run") == 0)
        return command_run(argc - 2, argv + 2);
    if (strcmp(command, "ip") == 0)
        return ipcalc_main(argc - 2, argv + 2, stdout, stderr);
    if (strcmp(command, "check") == 0)
        return command_check(argc - 2, argv + 2);
    if (strcmp(command, "test") == 0)
        return command_test(argc - 2, argv + 2);
    if (strcmp(command, "diff") == 0)
        return command_diff(argc - 2, argv + 2);
    return usage_error(_("unknown command \"%s\""), command);
}
