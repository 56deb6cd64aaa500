#define _POSIX_C_SOURCE 200809L /* clock_gettime, mkdir, opendir */
/*
 * run: orchestration of one run. The order matters for "nothing half-written":
 * the topology is loaded and built before the output directory is touched.
 */
#include "runner/run.h"
#include "util/alloc.h"
#include "util/i18n.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "diagrams/diagrams.h"
#include "net/network.h"
#include "reader/reader.h"
#include "runner/builder.h"
#include "runner/outdir.h"
#include "runner/resources.h"
#include "sinks/hop_table.h"
#include "sinks/pcap.h"
#include "sinks/state.h"
#include "sinks/trace_jsonl.h"
#include "sinks/trace_text.h"
#include "util/strmap.h"
#include "util/suggest.h"
#include "util/text.h"
#include "viewer/viewer.h"

/* A link's capture file name: its name with anything but letters, digits,
 * '.', '-' and '_' replaced by '_', made unique with a "~N" suffix. */
static char **capture_names(const network *net) {
    char **names = calloc(net->n_links ? net->n_links : 1, sizeof *names);
    strmap *seen = strmap_new();
    if (!names || !seen)
        ns_out_of_memory();
    for (uint32_t i = 0; i < net->n_links; i++) {
        const char *src = net->links[i]->name;
        size_t len = strlen(src);
        char *name = malloc(len + 16);
        if (!name)
            ns_out_of_memory();
        for (size_t k = 0; k <= len; k++) {
            char c = src[k];
            bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_' || c == '\0';
            name[k] = safe ? c : '_';
        }
        for (int n = 2; strmap_get(seen, name) >= 0; n++)
            snprintf(name + len, 16, "~%d", n);
        strmap_put(seen, name, (int)i);
        names[i] = name;
    }
    strmap_free(seen);
    return names;
}

static int where_width(const network *net) {
    size_t width = 8;
    for (uint32_t i = 0; i < net->n_nodes; i++) {
        const node *n = net->nodes[i];
        size_t base = text_width(n->name); /* display columns, as trace_text pads */
        if (base > width)
            width = base;
        for (uint32_t p = 0; p < n->n_ports; p++)
            if (base + 1 + text_width(n->ports[p].name) > width)
                width = base + 1 + text_width(n->ports[p].name);
    }
    return width > 40 ? 40 : (int)width;
}

/* pcap_opener over the output directory: captures are counted and checked. */
static FILE *open_capture(void *ctx, const char *path, bool append) {
    return outdir_fopen(ctx, path, append ? "a" : "w", NULL);
}

/* What a reader sees of the trace: --trace summary keeps only application
 * output, shown tables and the run's own lines; --filter keeps what it names. Captures and
 * hop tables always get every event. */
typedef struct trace_view {
    trace_sink inner;
    trace_level level;
    const trace_filter *filter;
} trace_view;

static void view_emit(void *self, const trace_event *ev) {
    const trace_view *v = self;
    if (v->level == TRACE_SUMMARY && ev->kind != TRACE_APP && ev->kind != TRACE_SHOW &&
        ev->kind != TRACE_RUN)
        return;
    if (!trace_filter_match(v->filter, ev))
        return;
    v->inner.emit(v->inner.self, ev);
}

static void subscribe(trace_bus *bus, const run_options *o, trace_view *view, trace_sink sink) {
    if (o->trace == TRACE_SUMMARY || trace_filter_active(o->filter)) {
        *view = (trace_view){.inner = sink, .level = o->trace, .filter = o->filter};
        sink = (trace_sink){.emit = view_emit, .self = view};
    }
    trace_bus_subscribe(bus, sink);
}

/* The hop table needs each link's ends and each device's kind. */
static hop_table *hop_table_for(const network *net, char **capture_names, hop_link **links,
                                hop_device **devices) {
    *links = calloc(net->n_links ? net->n_links : 1, sizeof **links);
    *devices = calloc(net->n_nodes ? net->n_nodes : 1, sizeof **devices);
    if (!*links || !*devices)
        ns_out_of_memory();
    for (uint32_t i = 0; i < net->n_links; i++) {
        const link *l = net->links[i];
        (*links)[i].name = capture_names[i];
        (*links)[i].label = l->name;
        for (int side = 0; side < 2; side++) {
            (*links)[i].device[side] = l->end[side]->owner->name;
            (*links)[i].port[side] = l->end[side]->name;
        }
    }
    for (uint32_t i = 0; i < net->n_nodes; i++)
        (*devices)[i] = (hop_device){.name = net->nodes[i]->name,
                                     .is_hub = net->nodes[i]->type == DEVICE_HUB,
                                     .is_switch = net->nodes[i]->type == DEVICE_SWITCH};
    hop_table *t = hop_table_new(*links, net->n_links, *devices, net->n_nodes);
    if (!t)
        ns_out_of_memory();
    return t;
}

static void run_event(network *net, const char *why, const char *detail) {
    net_trace(net, TRACE_RUN, NULL, NULL, NULL, why, detail);
}

int run_check(const char *topology_path, uint64_t max_memory, ns_error *err) {
    model_topology *t = NULL;
    int rc = loader_load_file(topology_path, &t, err);
    if (rc != 0)
        return rc;
    if ((rc = resources_check(t, max_memory, err)) != 0) {
        model_free(t);
        return rc;
    }
    sim *s = sim_new(1);
    network *net = network_new(s, NULL);
    rc = builder_build(t, net, err);
    network_free(net);
    sim_free(s);
    model_free(t);
    return rc;
}

/* Wall-clock seconds, for the phase costs in run_result only. */
static double wall_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* How many events run between two looks at the signals, the output budget and
 * write errors: often enough to stop "at once", rarely enough to cost nothing. */
#define RUN_SLICE 4096u

/* Runs the simulation in slices, stopping early for a signal, a write error or
 * the output budget, and after `max_events` (0: no limit). Returns the
 * engine's status for the run as a whole. */
static sim_status run_sliced(const run_options *o, uint64_t max_events, sim *s, outdir *out,
                             run_result *result) {
    uint64_t left = max_events;
    for (;;) {
        uint64_t slice = left == 0 || left > RUN_SLICE ? RUN_SLICE : left;
        sim_status status = sim_run(s, o->until, slice);
        if (o->interrupt && *o->interrupt) {
            result->outcome = RUN_INTERRUPTED;
            result->signal = *o->interrupt;
            return SIM_STOPPED;
        }
        if (out && outdir_failed(out, NULL))
            return SIM_STOPPED;
        if (out && o->max_output && outdir_bytes(out) >= o->max_output - o->max_output / 16) {
            /* The last sixteenth is left for state.txt and the labels. */
            result->outcome = RUN_OUTPUT_LIMIT;
            return SIM_STOPPED;
        }
        if (status != SIM_MAX_EVENTS)
            return status;
        if (max_events != 0) {
            left -= slice;
            if (left == 0)
                return SIM_MAX_EVENTS;
        }
    }
}

static const char *signal_name(int sig) {
    return sig == SIGINT ? "SIGINT (Ctrl-C)" : sig == SIGTERM ? "SIGTERM" : _("a signal");
}

/* Fills the result's counts, outcome and summary line after the engine
 * stopped with `status`, emits the run's end event, and writes into
 * label[cap] why the run is partial (empty when it is not). `budget` is
 * --max-output as text, for that message. */
static void run_end(network *net, sim_status status, const char *budget, run_result *result,
                    char *label, size_t cap) {
    sim *s = net->sim;
    result->events = sim_events_run(s);
    result->end_time = sim_now(s);
    result->frames_delivered = net->frames_delivered;
    char how[sizeof net->stop_message];
    snprintf(how, sizeof how, "%s", _("no events left"));
    label[0] = '\0';
    if (net->stop_reason == NET_STOP_STORM) {
        result->outcome = RUN_STORM;
        snprintf(how, sizeof how, "%s", net->stop_message);
        snprintf(label, cap, _("stopped: broadcast storm"));
    } else if (result->outcome == RUN_INTERRUPTED) {
        snprintf(how, sizeof how, _("interrupted by %s: the outputs are partial"),
                 signal_name(result->signal));
        snprintf(label, cap, _("interrupted by %s"), signal_name(result->signal));
    } else if (result->outcome == RUN_OUTPUT_LIMIT) {
        snprintf(how, sizeof how,
                 _("stopped: the outputs reached the limit of %s (--max-output); they are partial"),
                 budget);
        snprintf(label, cap, _("stopped at the output limit of %s (--max-output)"), budget);
    } else if (status == SIM_MAX_EVENTS) {
        result->outcome = RUN_EVENT_LIMIT;
        snprintf(how, sizeof how,
                 _("stopped: the --max-events limit was reached (a runaway topology?)"));
        snprintf(label, cap, _("stopped at the --max-events limit"));
    } else if (status == SIM_UNTIL) {
        snprintf(how, sizeof how, _("the --until time was reached"));
    }
    char end_time[TEXT_TIME_LEN];
    snprintf(result->summary, sizeof result->summary,
             _("run ended at %s s after %llu events, %llu frames delivered: %s"),
             text_format_time(result->end_time, end_time), (unsigned long long)result->events,
             (unsigned long long)result->frames_delivered, how);
    run_event(net, "end", result->summary);
}

/* The run's first events: what it is, and the topology's description. */
static void run_start(network *net, const model_topology *t, uint64_t seed) {
    char line[640], devices[48], links[48];
    snprintf(devices, sizeof devices, ngettext("%zu device", "%zu devices", t->n_devices),
             t->n_devices);
    snprintf(links, sizeof links, ngettext("%zu link", "%zu links", t->n_links), t->n_links);
    /* TRANSLATORS: the run's first line: the topology's name, "N devices",
     * "N links" and the seed. */
    snprintf(line, sizeof line, _("topology %s: %s, %s, seed %llu"), t->name, devices, links,
             (unsigned long long)seed);
    run_event(net, "start", line);
    if (t->description)
        run_event(net, "description", t->description);
}

/* The outputs are nearly as large as allowed: stop after the current event
 * (run_sliced then reports RUN_OUTPUT_LIMIT). */
static void stop_near_limit(void *ctx) {
    sim_stop(ctx);
}

/* An allocation failure abandons the run: the staging directory goes, the
 * previous outputs stay. */
static void abandon_outputs(void *ctx) {
    outdir_free(ctx);
}

/* Frees what a run built, in the order that keeps borrowed names valid. */
static void run_free(char **captures, network *net, sim *s, trace_bus *bus, model_topology *t) {
    if (captures)
        for (uint32_t i = 0; i < net->n_links; i++)
            free(captures[i]);
    free(captures);
    network_free(net);
    sim_free(s);
    trace_bus_free(bus);
    model_free(t);
}

/* Every device --filter names is one of the topology's: a misspelt name
 * ("R1" for r1) would otherwise keep nothing, without a word. */
static int check_filter_devices(const model_topology *t, const trace_filter *f, ns_error *err) {
    const char *const *wanted;
    size_t n_wanted = f ? trace_filter_devices(f, &wanted) : 0;
    for (size_t w = 0; w < n_wanted; w++) {
        size_t d = 0;
        while (d < t->n_devices && strcmp(t->devices[d].name, wanted[w]) != 0)
            d++;
        if (d < t->n_devices)
            continue;
        const char **names = ns_xcalloc(t->n_devices ? t->n_devices : 1, sizeof *names);
        for (d = 0; d < t->n_devices; d++)
            names[d] = t->devices[d].name;
        const char *close = suggest_closest(wanted[w], names, t->n_devices);
        int rc =
            close ? ns_error_set(err, NS_ERR_INPUT,
                                 _("--filter device=%s: %s has no device %s; did you mean \"%s\"?"),
                                 wanted[w], t->source, wanted[w], close)
                  : ns_error_set(err, NS_ERR_INPUT,
                                 _("--filter device=%s: %s has no device %s; expected one of its "
                                   "devices, e.g. \"%s\""),
                                 wanted[w], t->source, wanted[w],
                                 t->n_devices ? t->devices[0].name : "");
        free(names);
        return rc;
    }
    return 0;
}

int run_topology(const run_options *o, run_result *result, ns_error *err) {
    model_topology *t = NULL;
    double t0 = wall_seconds();
    int rc = loader_load_file(o->topology_path, &t, err);
    if (rc != 0)
        return rc;
    memset(result, 0, sizeof *result);
    result->load_seconds = wall_seconds() - t0;
    if ((rc = check_filter_devices(t, o->filter, err)) != 0 ||
        (rc = resources_check(t, o->max_memory, err)) != 0) {
        model_free(t);
        return rc;
    }
    t0 = wall_seconds();
    sim *s = sim_new(o->seed);
    trace_bus *bus = trace_bus_new();
    network *net = network_new(s, bus);
    char **captures = NULL;
    FILE *txt = NULL, *jsonl = NULL;
    text_sink *txt_sink = NULL, *out_text = NULL;
    jsonl_sink *jsonl_file = NULL, *out_jsonl = NULL;
    pcap_sink *pcap = NULL;
    hop_table *hops = NULL;
    diagrams *dia = NULL;
    outdir *out = NULL;
    trace_view diagram_view;
    hop_link *hop_links = NULL;
    hop_device *hop_devices = NULL;
    viewer *view = NULL;
    if (!s || !bus)
        ns_out_of_memory();
    rc = builder_build(t, net, err);
    if (rc != 0)
        goto done;
    result->build_seconds = wall_seconds() - t0;

    char *given = result->out_dir;
    if (o->out_dir)
        snprintf(given, sizeof result->out_dir, "%s", o->out_dir);
    else
        snprintf(given, sizeof result->out_dir, "out/%s", t->name);
    outdir_options oo = {.path = given,
                         .force = o->force,
                         .max_bytes = o->max_output,
                         .on_near_limit = stop_near_limit,
                         .ctx = s};
    if ((rc = outdir_open(&oo, &out, err)) != 0)
        goto done;
    ns_alloc_on_fatal(abandon_outputs, out);
    if (o->trace == TRACE_FULL && (rc = outdir_mkdir(out, "pcap", err)) != 0)
        goto done;
    trace_view views[5];
    int width = where_width(net);
    if (o->trace != TRACE_NONE) {
        if (!(txt = outdir_fopen(out, "trace.txt", "w", err)) ||
            !(jsonl = outdir_fopen(out, "trace.jsonl", "w", err))) {
            rc = NS_ERR_IO;
            goto done;
        }
        captures = capture_names(net);
        txt_sink = text_sink_new(txt, width);
        jsonl_file = jsonl_sink_new(jsonl, (const char *const *)captures, net->n_links);
        if (!txt_sink || !jsonl_file)
            ns_out_of_memory();
        subscribe(bus, o, &views[0], text_sink_as_sink(txt_sink));
        subscribe(bus, o, &views[1], jsonl_sink_as_sink(jsonl_file));
        if (o->view != VIEW_NEVER) {
            /* The page's events are trace.jsonl's: the same filter applies. */
            viewer_options vo = {.force = o->view == VIEW_ALWAYS, .seed = o->seed};
            view = viewer_new(t, net, (const char *const *)captures, net->n_links, &vo);
            subscribe(bus, o, &views[4], viewer_as_sink(view));
        }
        if (o->trace == TRACE_FULL) {
            pcap = pcap_sink_new("pcap", (const char *const *)captures, net->n_links);
            if (!pcap)
                ns_out_of_memory();
            pcap_sink_set_opener(pcap, open_capture, out);
            trace_bus_subscribe(bus, pcap_sink_as_sink(pcap));
            hops = hop_table_for(net, captures, &hop_links, &hop_devices);
            trace_bus_subscribe(bus, hop_table_as_sink(hops));
            diagram_options dopt = {.png = o->png, .steps = o->steps};
            if (!(dia = diagrams_new(t, &dopt)))
                ns_out_of_memory();
            /* --filter applies to the ladder and step slides as to the traces (a
             * frame's device is the one that sent it); path diagrams come from
             * the hop tables, which stay complete. */
            if (trace_filter_active(o->filter)) {
                diagram_view = (trace_view){
                    .inner = diagrams_as_sink(dia), .level = TRACE_FULL, .filter = o->filter};
                trace_bus_subscribe(bus, (trace_sink){.emit = view_emit, .self = &diagram_view});
            } else {
                trace_bus_subscribe(bus, diagrams_as_sink(dia));
            }
        }
        if (o->packet) {
            /* stdout is for that one journey's hop table, printed at the end. */
        } else if (!o->quiet && o->format == STDOUT_TEXT) {
            out_text = text_sink_new(stdout, width);
            subscribe(bus, o, &views[2], text_sink_as_sink(out_text));
        } else if (!o->quiet) {
            out_jsonl = jsonl_sink_new(stdout, (const char *const *)captures, net->n_links);
            subscribe(bus, o, &views[3], jsonl_sink_as_sink(out_jsonl));
        }
    }

    if (o->extra_sink)
        trace_bus_subscribe(bus, *o->extra_sink);
    run_start(net, t, o->seed);

    t0 = wall_seconds();
    result->outcome = RUN_COMPLETE;
    sim_status status = run_sliced(o, resources_max_events(t, o->max_events), s, out, result);
    result->run_seconds = wall_seconds() - t0;
    t0 = wall_seconds();
    if (outdir_failed(out, err)) {
        rc = NS_ERR_IO; /* the previous outputs stay: the staging directory goes */
        goto done;
    }
    char budget[32];
    resources_format_bytes(budget, sizeof budget, o->max_output);
    char label[320] = ""; /* non-empty: the run is partial, and why */
    run_end(net, status, budget, result, label, sizeof label);

    /* An interrupted or budget-stopped run writes only its tables: the user asked
     * to stop, or the outputs are already as large as allowed. */
    bool cut_short = result->outcome == RUN_INTERRUPTED || result->outcome == RUN_OUTPUT_LIMIT;
    if (hops && !cut_short) {
        /* The hop tables follow the step log, in trace.txt as on stdout. */
        const char *title = _("\n# hop tables: every packet's journey, hop by hop\n\n");
        fputs(title, txt);
        hop_table_write_text(hops, txt, 0);
        if (out_text) {
            fputs(title, stdout);
            hop_table_write_text(hops, stdout, 0);
        }
        FILE *paths = outdir_fopen(out, "paths.json", "w", err);
        if (!paths) {
            rc = NS_ERR_IO;
            goto done;
        }
        hop_table_write_json(hops, paths);
        fclose(paths);
        if (o->packet) {
            if (hop_table_hop_count(hops, o->packet) == 0)
                result->outcome = RUN_NO_PACKET;
            else if (!o->quiet)
                hop_table_write_text(hops, stdout, o->packet);
        }
    }

    FILE *state = outdir_fopen(out, "state.txt", "w", err);
    if (!state) {
        rc = NS_ERR_IO;
        goto done;
    }
    state_write(net, state, label);
    fclose(state);
    if (dia && !cut_short && !outdir_failed(out, NULL)) {
        rc = diagrams_write(dia, hops, outdir_staging(out), err, result->note, sizeof result->note);
        if (rc == 0 && o->interrupt && *o->interrupt) {
            /* Ctrl-C while Graphviz drew: the run is whole, its pictures not. */
            result->outcome = RUN_INTERRUPTED;
            result->signal = *o->interrupt;
            snprintf(result->summary, sizeof result->summary,
                     _("interrupted by %s while drawing the diagrams: some pictures are missing"),
                     signal_name(result->signal));
        }
    } else if (dia)
        snprintf(
            result->note, sizeof result->note, "%s",
            result->outcome == RUN_INTERRUPTED
                ? _("hop tables, paths.json and diagrams were not written: the run was "
                    "interrupted")
                : _("hop tables, paths.json and diagrams were not written: the run was stopped "
                    "at --max-output"));
    if (view && rc == 0 && !outdir_failed(out, NULL)) {
        /* After the diagrams: the page shows the topology.svg they drew. */
        viewer_end end = {.time = result->end_time,
                          .status =
                              result->outcome == RUN_COMPLETE || result->outcome == RUN_NO_PACKET
                                  ? "complete"
                              : result->outcome == RUN_INTERRUPTED ? "interrupted"
                                                                   : "stopped"};
        if (!viewer_skipped(view, result->view_note, sizeof result->view_note)) {
            char *svg = NULL;
            size_t svg_len = 0;
            if (outdir_read(out, "topology.svg", VIEWER_MAX_SVG_BYTES, &svg, &svg_len) != 0)
                svg = NULL; /* no picture: the page draws its own layout */
            FILE *page = outdir_fopen(out, "view.html", "w", err);
            if (page) {
                viewer_write(view, page, &end, svg);
                fclose(page); /* a failed write is the output directory's to report */
            } else {
                rc = NS_ERR_IO;
            }
            free(svg);
        }
    }

done:
    if (pcap) {
        ns_error pcap_err;
        /* A capture cut by the output budget is labelled, not an error; a
         * failed write is reported by the output directory, with its reason. */
        if (pcap_sink_close(pcap, &pcap_err) != 0 && rc == 0 && !outdir_budget_hit(out) &&
            !outdir_failed(out, NULL)) {
            rc = NS_ERR_IO;
            if (err)
                *err = pcap_err;
        }
    }
    diagrams_free(dia);
    viewer_free(view);
    hop_table_free(hops);
    free(hop_links);
    free(hop_devices);
    text_sink_free(txt_sink);
    text_sink_free(out_text);
    jsonl_sink_free(jsonl_file);
    jsonl_sink_free(out_jsonl);
    if (txt)
        fclose(txt);
    if (jsonl)
        fclose(jsonl);
    if (!o->quiet)
        fflush(stdout);
    if (rc == 0 && out && outdir_failed(out, err))
        rc = NS_ERR_IO;
    if (rc == 0 && out && outdir_budget_hit(out)) {
        /* Files were cut mid-way at the budget: say so at their end. */
        bool was_complete = result->outcome == RUN_COMPLETE;
        if (was_complete)
            result->outcome = RUN_OUTPUT_LIMIT;
        char cut[400];
        snprintf(cut, sizeof cut,
                 _("\n# netsim: the outputs reached the limit of %s (--max-output): this run is "
                   "partial and its files are cut\n"),
                 budget);
        if (o->trace != TRACE_NONE)
            rc = outdir_append_label(out, "trace.txt", cut, err);
        if (rc == 0)
            rc = outdir_append_label(out, "state.txt", cut, err);
        if (rc == 0 && was_complete) /* the limit was met while writing the tables */
            snprintf(result->summary, sizeof result->summary,
                     _("stopped: the outputs reached the limit of %s (--max-output); the run in "
                       "%.300s is partial"),
                     budget, result->out_dir);
    }
    if (rc == 0 && out) {
        const char *how_status = result->outcome == RUN_COMPLETE || result->outcome == RUN_NO_PACKET
                                     ? "complete"
                                 : result->outcome == RUN_INTERRUPTED ? "interrupted"
                                                                      : "stopped";
        char note[1024];
        rc = outdir_commit(out, how_status, note, sizeof note, err);
        if (rc == 0 && note[0] && !result->note[0])
            snprintf(result->note, sizeof result->note, "%s", note);
    }
    ns_alloc_on_fatal(NULL, NULL);
    outdir_free(out);
    result->output_seconds = wall_seconds() - t0;
    if (!o->exit_after || net->n_nodes < RUN_LEAVE_TO_EXIT)
        run_free(captures, net, s, bus, t);
    return rc;
}

int run_in_memory(const run_memory_options *m, run_result *result, ns_error *err) {
    model_topology *t = NULL;
    int rc =
        loader_load_file_with(m->topology_path, m->skip_own_expect ? LOADER_NO_EXPECT : 0, &t, err);
    if (rc != 0)
        return rc;
    memset(result, 0, sizeof *result);
    if ((rc = resources_check(t, m->max_memory, err)) != 0) {
        model_free(t);
        return rc;
    }
    sim *s = sim_new(m->seed);
    trace_bus *bus = trace_bus_new();
    network *net = network_new(s, bus);
    if (!s || !bus)
        ns_out_of_memory();
    char **captures = NULL;
    hop_link *hop_links = NULL;
    hop_device *hop_devices = NULL;
    hop_table *hops = NULL;
    rc = builder_build(t, net, err);
    if (rc == 0) {
        captures = capture_names(net);
        hops = hop_table_for(net, captures, &hop_links, &hop_devices);
        trace_bus_subscribe(bus, hop_table_as_sink(hops));
        for (size_t i = 0; i < m->n_sinks; i++)
            trace_bus_subscribe(bus, m->sinks[i]);
        if (m->before_run)
            m->before_run(m->ctx, t, net, hops);
        run_start(net, t, m->seed);
        run_options ro = {.until = m->until};
        result->outcome = RUN_COMPLETE;
        sim_status status =
            run_sliced(&ro, resources_max_events(t, m->max_events), s, NULL, result);
        char label[320];
        run_end(net, status, "", result, label, sizeof label);
        if (m->after_run)
            m->after_run(m->ctx, t, net, hops, result);
    }
    hop_table_free(hops);
    free(hop_links);
    free(hop_devices);
    run_free(captures, net, s, bus, t);
    return rc;
}
