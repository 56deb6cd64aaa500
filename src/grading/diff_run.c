/*
 * grading/diff_run: one run as netsim diff compares it (diff_internal.h).
 * A topology is run in memory (runner/run.h) and its hop table visited; an
 * output directory's paths.json is read back by reader/paths into the same
 * rows, so both go through one visitor (add_packet) and one conversion.
 * The final tables come from state.txt's text in both cases (for a topology,
 * state_write into a memory stream), cut into one section per device.
 *
 * Invariant: packets are sorted by the time of their first hop, then id, and
 * each carries its key and occurrence number once loading is done.
 */
#define _POSIX_C_SOURCE 200809L /* open_memstream */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "grading/diff_internal.h"
#include "net/network.h"
#include "reader/paths.h"
#include "runner/run.h"
#include "sinks/state.h"
#include "util/alloc.h"
#include "util/strbuf.h"
#include "util/strmap.h"

typedef struct visit_ctx {
    diff_run *run;
    const hop_link *links;
    size_t n_links;
} visit_ctx;

static char *dup_or_null(const char *s) {
    return s ? ns_xstrdup(s) : NULL;
}

/* "device.port", or "device" for an end without a port name. */
static char *end_name(const hop_link *l, int side) {
    strbuf b = {0};
    strbuf_puts(&b, l->device[side]);
    if (l->port[side])
        strbuf_printf(&b, ".%s", l->port[side]);
    return strbuf_take(&b);
}

static void convert_hop(const visit_ctx *c, const hop_view *v, diff_hop *h) {
    const hop_link *l = &c->links[v->link];
    int side = v->from_side ? 1 : 0;
    memset(h, 0, sizeof *h);
    h->t = v->time;
    h->number = v->number;
    h->prev = v->prev;
    h->link = ns_xstrdup(l->name);
    h->from = end_name(l, side);
    h->to = end_name(l, !side);
    h->from_dev = ns_xstrdup(l->device[side]);
    h->to_dev = ns_xstrdup(l->device[!side]);
    mac_format(v->eth_src, h->eth_src);
    mac_format(v->eth_dst, h->eth_dst);
    h->addr = v->addr;
    if (v->addr != HOP_ADDR_NONE) {
        ipv4_format(v->src, h->src);
        ipv4_format(v->dst, h->dst);
    }
    h->has_ports = v->has_ports;
    h->sport = v->sport;
    h->dport = v->dport;
    h->ttl = v->addr == HOP_ADDR_IPV4 ? v->ttl : -1;
    /* paths.json carries the change cell's words, not its rule (reader/paths
     * gives FORWARDED): there the English words still say "repeated". */
    h->repeated = v->change == HOP_CHANGE_REPEATED ||
                  (v->change_text && strncmp(v->change_text, "repeated", 8) == 0);
}

static void convert_fate(const hop_fate_view *v, diff_fate *f) {
    f->kind = v->kind;
    f->t = v->time;
    f->at = dup_or_null(v->where);
    f->reason = v->kind == HOP_FATE_DROPPED ? dup_or_null(trace_reason_name(v->reason)) : NULL;
    f->why = dup_or_null(v->why);
}

/* The hop_table_visitor both sources go through. */
static void add_packet(void *ctx, uint32_t id, const char *summary, const hop_view *rows,
                       size_t n_rows, const hop_fate_view *fates, size_t n_fates) {
    visit_ctx *c = ctx;
    diff_run *r = c->run;
    if (n_rows == 0)
        return;
    r->packets = ns_xrealloc(r->packets, (r->n_packets + 1) * sizeof *r->packets);
    diff_packet *p = &r->packets[r->n_packets++];
    memset(p, 0, sizeof *p);
    p->id = id;
    p->summary = ns_xstrdup(summary ? summary : "");
    p->hops = ns_xcalloc(n_rows, sizeof *p->hops);
    p->n_hops = n_rows;
    for (size_t i = 0; i < n_rows; i++)
        convert_hop(c, &rows[i], &p->hops[i]);
    p->fates = ns_xcalloc(n_fates ? n_fates : 1, sizeof *p->fates);
    p->n_fates = n_fates;
    for (size_t i = 0; i < n_fates; i++)
        convert_fate(&fates[i], &p->fates[i]);
}

/* The kind of a packet: the summary's leading words up to the first one
 * holding a digit or '=' (an address, "id=..."), so "ICMP echo request",
 * "ARP who-has", "ARP reply", "DHCP discover"; TCP adds its flags ("[S.]");
 * UDP and TCP add the service port: the lower of the two ports, which is the
 * destination port of a request and the source port of its answer, so an
 * ephemeral port drawn differently (another seed) changes no key. */
char *diff_packet_key(const char *summary, const diff_hop *first) {
    strbuf b = {0};
    strbuf_printf(&b, "%s|", first->from_dev);
    const char *s = summary;
    bool any = false;
    while (*s) {
        while (*s == ' ')
            s++;
        size_t n = strcspn(s, " ");
        if (n == 0 || strcspn(s, "0123456789=") < n)
            break;
        strbuf_printf(&b, "%s%.*s", any ? " " : "", (int)n, s);
        any = true;
        s += n;
    }
    const char *flags = strncmp(summary, "TCP ", 4) == 0 ? strchr(summary, '[') : NULL;
    if (flags)
        strbuf_printf(&b, " %.*s", (int)(strcspn(flags, "]") + 1), flags);
    if (first->has_ports)
        strbuf_printf(&b, " port %u", first->dport < first->sport ? first->dport : first->sport);
    strbuf_printf(&b, "|%s>%s", first->src, first->dst);
    return strbuf_take(&b);
}

static int by_time(const void *x, const void *y) {
    const diff_packet *a = x, *b = y;
    if (a->hops[0].t != b->hops[0].t)
        return a->hops[0].t < b->hops[0].t ? -1 : 1;
    return a->id < b->id ? -1 : a->id > b->id;
}

/* Sorts the packets into time order and numbers each key's occurrences. */
static void finish_packets(diff_run *r) {
    if (r->n_packets)
        qsort(r->packets, r->n_packets, sizeof *r->packets, by_time);
    strmap *seen = strmap_new(); /* key (borrowed from the packet) -> its counter */
    uint32_t *counts = ns_xcalloc(r->n_packets + 1, sizeof *counts);
    size_t n_keys = 0;
    if (!seen)
        ns_out_of_memory();
    for (size_t i = 0; i < r->n_packets; i++) {
        diff_packet *p = &r->packets[i];
        p->key = diff_packet_key(p->summary, &p->hops[0]);
        int k = strmap_get(seen, p->key);
        if (k < 0) {
            k = (int)n_keys++;
            strmap_put(seen, p->key, k);
        }
        p->occurrence = ++counts[k];
    }
    free(counts);
    strmap_free(seen);
}

/* Adds `text` with every run of spaces made one: columns are padded to the
 * widest cell of the table, so one longer name elsewhere must not make
 * every row differ. */
static void add_line(diff_section *s, const char *text) {
    char *copy = ns_xstrdup(text);
    size_t n = 0;
    for (const char *c = text; *c; c++)
        if (*c != ' ' || (n && copy[n - 1] != ' '))
            copy[n++] = *c;
    while (n && copy[n - 1] == ' ')
        n--;
    copy[n] = '\0';
    s->lines = ns_xrealloc(s->lines, (s->n_lines + 1) * sizeof *s->lines);
    s->lines[s->n_lines++] = copy;
}

/* state.txt: "# ..." is the header; a line at column 0 opens a device's
 * section; "  heading:" a table; deeper lines are rows of the last heading,
 * kept as "heading row" so a row only in one run says which table it is in. */
static void parse_state(diff_run *r, const char *text) {
    char heading[256] = "";
    diff_section *cur = NULL;
    strbuf line = {0};
    while (*text) {
        size_t n = strcspn(text, "\n");
        strbuf_clear(&line);
        strbuf_put(&line, text, n);
        text += n + (text[n] == '\n');
        const char *l = line.s;
        size_t indent = strspn(l, " ");
        if (l[indent] == '\0')
            continue;
        if (l[0] == '#' && !r->header) {
            r->header = ns_xstrdup(l);
        } else if (indent == 0) {
            r->sections = ns_xrealloc(r->sections, (r->n_sections + 1) * sizeof *r->sections);
            cur = &r->sections[r->n_sections++];
            *cur = (diff_section){.title = ns_xstrdup(l)};
            heading[0] = '\0';
        } else if (cur && indent <= 2) {
            snprintf(heading, sizeof heading, "%s", l + indent);
            add_line(cur, heading);
        } else if (cur) {
            strbuf row = {0};
            strbuf_printf(&row, "%s %s", heading, l + indent);
            add_line(cur, row.s);
            strbuf_free(&row);
        }
    }
    strbuf_free(&line);
}

static diff_run *run_new(const char *source) {
    diff_run *r = ns_xcalloc(1, sizeof *r);
    r->source = ns_xstrdup(source);
    return r;
}

static int from_paths_text(diff_run *r, const char *text, size_t len, const char *source,
                           ns_error *err) {
    loader_paths *p = NULL;
    int rc = loader_paths_read(text, len, source, &p, err);
    if (rc != 0)
        return rc;
    visit_ctx c = {.run = r};
    c.links = loader_paths_links(p, &c.n_links);
    loader_paths_visit(p, add_packet, &c);
    loader_paths_free(p);
    finish_packets(r);
    return 0;
}

int diff_run_from_text(const char *paths_json, const char *state_txt, const char *source,
                       diff_run **out, ns_error *err) {
    diff_run *r = run_new(source);
    int rc = from_paths_text(r, paths_json, strlen(paths_json), source, err);
    if (rc != 0) {
        diff_run_free(r);
        return rc;
    }
    parse_state(r, state_txt);
    *out = r;
    return 0;
}

/* after_run of the in-memory run: the hop table's rows and state.txt's text. */
static void collect(void *ctx, const struct model_topology *t, struct network *net,
                    const struct hop_table *hops, const struct run_result *result) {
    (void)t;
    diff_run *r = ctx;
    hop_link *links = ns_xcalloc(net->n_links ? net->n_links : 1, sizeof *links);
    for (uint32_t i = 0; i < net->n_links; i++) {
        const link *l = net->links[i];
        links[i].name = l->name;
        for (int side = 0; side < 2; side++) {
            links[i].device[side] = l->end[side]->owner->name;
            links[i].port[side] = l->end[side]->name;
        }
    }
    visit_ctx c = {.run = r, .links = links, .n_links = net->n_links};
    hop_table_visit(hops, 0, add_packet, &c);
    free(links);
    finish_packets(r);
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    if (!mem)
        ns_out_of_memory();
    state_write(net, mem, result->outcome == RUN_COMPLETE ? "" : result->summary);
    if (fclose(mem) != 0)
        ns_out_of_memory();
    parse_state(r, text);
    free(text);
    if (result->outcome != RUN_COMPLETE)
        snprintf(r->note, sizeof r->note, "%s", result->summary);
}

static int from_topology(const char *path, const diff_load_options *o, diff_run **out,
                         ns_error *err) {
    diff_run *r = run_new(path);
    run_memory_options m = {.topology_path = path,
                            .seed = o ? o->seed : 1,
                            .until = SIM_FOREVER,
                            .max_events = o ? o->max_events : 0,
                            .max_memory = o ? o->max_memory : 0,
                            .after_run = collect,
                            .ctx = r};
    run_result result;
    int rc = run_in_memory(&m, &result, err);
    if (rc != 0) {
        diff_run_free(r);
        return rc;
    }
    *out = r;
    return 0;
}

static int from_directory(const char *path, diff_run **out, ns_error *err) {
    char *paths = NULL, *state = NULL;
    size_t paths_len = 0;
    diff_run *r = NULL;
    int rc = diff_dir_read(path, &paths, &paths_len, &state, err);
    if (rc == 0) {
        strbuf source = {0};
        strbuf_printf(&source, "%s/paths.json", path);
        r = run_new(path);
        rc = from_paths_text(r, paths, paths_len, source.s, err);
        strbuf_free(&source);
        if (rc == 0)
            parse_state(r, state);
    }
    free(paths);
    free(state);
    if (rc != 0) {
        diff_run_free(r);
        return rc;
    }
    *out = r;
    return 0;
}

int diff_run_load(const char *path, const diff_load_options *o, diff_run **out, ns_error *err) {
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return from_directory(path, out, err);
    return from_topology(path, o, out, err);
}

const char *diff_run_note(const diff_run *r) {
    return r->note;
}

void diff_run_free(diff_run *r) {
    if (!r)
        return;
    for (size_t i = 0; i < r->n_packets; i++) {
        diff_packet *p = &r->packets[i];
        for (size_t k = 0; k < p->n_hops; k++) {
            diff_hop *h = &p->hops[k];
            free(h->link), free(h->from), free(h->to), free(h->from_dev), free(h->to_dev);
        }
        for (size_t k = 0; k < p->n_fates; k++)
            free(p->fates[k].at), free(p->fates[k].reason), free(p->fates[k].why);
        free(p->hops), free(p->fates), free(p->summary), free(p->key);
    }
    free(r->packets);
    for (size_t i = 0; i < r->n_sections; i++) {
        for (size_t k = 0; k < r->sections[i].n_lines; k++)
            free(r->sections[i].lines[k]);
        free(r->sections[i].lines);
        free(r->sections[i].title);
    }
    free(r->sections);
    free(r->header);
    free(r->source);
    free(r);
}
