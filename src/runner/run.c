#define _POSIX_C_SOURCE 200809L /* clock_gettime, mkdir, opendir */
/*
 * run: orchestration of one run. The order matters for "nothing half-written":
 * the topology is loaded and built before the output directory is touched.
 */
#include "runner/run.h"
#include "util/alloc.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "io/diagrams.h"
#include "io/hop_table.h"
#include "io/loader.h"
#include "io/pcap.h"
#include "io/trace_jsonl.h"
#include "io/trace_text.h"
#include "net/network.h"
#include "runner/builder.h"
#include "util/strmap.h"

/* mkdir -p: creates `path` and its missing parents. */
static int make_dirs(const char *path, ns_error *err) {
    char buf[4096];
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
        return ns_error_set(err, NS_ERR_IO, "%s: output path too long", path);
    for (char *p = buf + 1;; p++) {
        if (*p == '/' || *p == '\0') {
            char saved = *p;
            *p = '\0';
            if (mkdir(buf, 0777) != 0 && errno != EEXIST)
                return ns_error_set(err, NS_ERR_IO, "%s: cannot create directory: %s", buf,
                                    strerror(errno));
            *p = saved;
            if (saved == '\0')
                break;
        }
    }
    struct stat sb;
    if (stat(path, &sb) != 0 || !S_ISDIR(sb.st_mode))
        return ns_error_set(err, NS_ERR_IO, "%s: not a directory", path);
    return 0;
}

/* Removes the captures of an earlier run, so pcap/ holds this run's only. */
static void remove_old_captures(const char *dir) {
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    char path[4096 + 256];
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len > 5 && strcmp(e->d_name + len - 5, ".pcap") == 0) {
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            remove(path);
        }
    }
    closedir(d);
}

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
        size_t base = strlen(n->name);
        if (base > width)
            width = base;
        for (uint32_t p = 0; p < n->n_ports; p++)
            if (base + 1 + strlen(n->ports[p].name) > width)
                width = base + 1 + strlen(n->ports[p].name);
    }
    return width > 40 ? 40 : (int)width;
}

static void write_state(const network *net, FILE *out) {
    sim_time now = sim_now(net->sim);
    fprintf(out, "# device tables at the end of the run (t=%llu.%09llu s)\n",
            (unsigned long long)(now / SIM_S), (unsigned long long)(now % SIM_S));
    for (uint32_t i = 0; i < net->n_nodes; i++) {
        const node *n = net->nodes[i];
        fputc('\n', out);
        if (n->ops->write_state)
            n->ops->write_state(n, out);
        else
            fprintf(out, "%s %s\n  (no tables: a hub repeats every frame)\n",
                    device_type_name(n->type), n->name);
    }
}

static FILE *open_output(const char *dir, const char *file, ns_error *err) {
    char path[4096 + 64];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    FILE *f = fopen(path, "w");
    if (!f)
        ns_error_set(err, NS_ERR_IO, "%s: cannot write: %s", path, strerror(errno));
    return f;
}

/* What a reader sees of the trace: --trace summary keeps only application
 * output and the run's own lines; --filter keeps what it names. Captures and
 * hop tables always get every event. */
typedef struct trace_view {
    trace_sink inner;
    trace_level level;
    const trace_filter *filter;
} trace_view;

static void view_emit(void *self, const trace_event *ev) {
    const trace_view *v = self;
    if (v->level == TRACE_SUMMARY && ev->kind != TRACE_APP && ev->kind != TRACE_RUN)
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

int run_check(const char *topology_path, ns_error *err) {
    model_topology *t = NULL;
    int rc = loader_load_file(topology_path, &t, err);
    if (rc != 0)
        return rc;
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

int run_topology(const run_options *o, run_result *result, ns_error *err) {
    model_topology *t = NULL;
    double t0 = wall_seconds();
    int rc = loader_load_file(o->topology_path, &t, err);
    if (rc != 0)
        return rc;
    memset(result, 0, sizeof *result);
    result->load_seconds = wall_seconds() - t0;
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
    trace_view diagram_view;
    hop_link *hop_links = NULL;
    hop_device *hop_devices = NULL;
    if (!s || !bus)
        ns_out_of_memory();
    rc = builder_build(t, net, err);
    if (rc != 0)
        goto done;
    result->build_seconds = wall_seconds() - t0;

    if (o->out_dir)
        snprintf(result->out_dir, sizeof result->out_dir, "%s", o->out_dir);
    else
        snprintf(result->out_dir, sizeof result->out_dir, "out/%s", t->name);
    char pcap_dir[4096 + 8];
    snprintf(pcap_dir, sizeof pcap_dir, "%s/pcap", result->out_dir);
    if ((rc = make_dirs(result->out_dir, err)) != 0)
        goto done;
    if (o->trace == TRACE_FULL && (rc = make_dirs(pcap_dir, err)) != 0)
        goto done;
    remove_old_captures(pcap_dir);
    trace_view views[4];
    int width = where_width(net);
    if (o->trace != TRACE_NONE) {
        if (!(txt = open_output(result->out_dir, "trace.txt", err)) ||
            !(jsonl = open_output(result->out_dir, "trace.jsonl", err))) {
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
        if (o->trace == TRACE_FULL) {
            pcap = pcap_sink_new(pcap_dir, (const char *const *)captures, net->n_links);
            if (!pcap)
                ns_out_of_memory();
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

    char line[640];
    snprintf(line, sizeof line, "topology %s: %zu devices, %zu links, seed %llu", t->name,
             t->n_devices, t->n_links, (unsigned long long)o->seed);
    run_event(net, "start", line);
    if (t->description)
        run_event(net, "description", t->description);

    t0 = wall_seconds();
    sim_status status = sim_run(s, o->until, o->max_events);
    result->run_seconds = wall_seconds() - t0;
    t0 = wall_seconds();
    result->events = sim_events_run(s);
    result->end_time = sim_now(s);
    result->frames_delivered = net->frames_delivered;
    const char *how = "no events left";
    result->outcome = RUN_COMPLETE;
    if (net->stop_reason == NET_STOP_STORM) {
        result->outcome = RUN_STORM;
        how = net->stop_message;
    } else if (status == SIM_MAX_EVENTS) {
        result->outcome = RUN_EVENT_LIMIT;
        how = "stopped: the --max-events limit was reached (a runaway topology?)";
    } else if (status == SIM_UNTIL) {
        how = "the --until time was reached";
    }
    snprintf(result->summary, sizeof result->summary,
             "run ended at %llu.%09llu s after %llu events, %llu frames delivered: %s",
             (unsigned long long)(result->end_time / SIM_S),
             (unsigned long long)(result->end_time % SIM_S), (unsigned long long)result->events,
             (unsigned long long)result->frames_delivered, how);
    run_event(net, "end", result->summary);

    if (hops) {
        /* The hop tables follow the step log, in trace.txt as on stdout. */
        const char *title = "\n# hop tables: every packet's journey, hop by hop\n\n";
        fputs(title, txt);
        hop_table_write_text(hops, txt, 0);
        if (out_text) {
            fputs(title, stdout);
            hop_table_write_text(hops, stdout, 0);
        }
        FILE *paths = open_output(result->out_dir, "paths.json", err);
        if (!paths) {
            rc = NS_ERR_IO;
            goto done;
        }
        hop_table_write_json(hops, paths);
        if (fclose(paths) != 0) {
            rc = ns_error_set(err, NS_ERR_IO, "%s/paths.json: write failed", result->out_dir);
            goto done;
        }
        if (o->packet) {
            if (hop_table_hop_count(hops, o->packet) == 0)
                result->outcome = RUN_NO_PACKET;
            else if (!o->quiet)
                hop_table_write_text(hops, stdout, o->packet);
        }
    }

    FILE *state = open_output(result->out_dir, "state.txt", err);
    if (!state) {
        rc = NS_ERR_IO;
        goto done;
    }
    write_state(net, state);
    if (fclose(state) != 0)
        rc = ns_error_set(err, NS_ERR_IO, "%s/state.txt: write failed", result->out_dir);
    if (rc == 0 && dia)
        rc = diagrams_write(dia, hops, result->out_dir, err, result->note, sizeof result->note);

done:
    if (pcap) {
        ns_error pcap_err;
        if (pcap_sink_close(pcap, &pcap_err) != 0 && rc == 0) {
            rc = NS_ERR_IO;
            if (err)
                *err = pcap_err;
        }
    }
    diagrams_free(dia);
    hop_table_free(hops);
    free(hop_links);
    free(hop_devices);
    text_sink_free(txt_sink);
    text_sink_free(out_text);
    jsonl_sink_free(jsonl_file);
    jsonl_sink_free(out_jsonl);
    if (txt && fclose(txt) != 0 && rc == 0)
        rc = ns_error_set(err, NS_ERR_IO, "%s/trace.txt: write failed", result->out_dir);
    if (jsonl && fclose(jsonl) != 0 && rc == 0)
        rc = ns_error_set(err, NS_ERR_IO, "%s/trace.jsonl: write failed", result->out_dir);
    if (!o->quiet)
        fflush(stdout);
    result->output_seconds = wall_seconds() - t0;
    if (captures)
        for (uint32_t i = 0; i < net->n_links; i++)
            free(captures[i]);
    free(captures);
    network_free(net);
    sim_free(s);
    trace_bus_free(bus);
    model_free(t);
    return rc;
}
