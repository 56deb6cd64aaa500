#define _GNU_SOURCE /* open_memstream, fopencookie */
/*
 * viewer: the recorder and view.html's writer (see viewer.h).
 *
 * Events are recorded by trace_jsonl's own sink writing into an
 * open_memstream buffer, so the page's events are trace.jsonl's byte for
 * byte; frames are kept once per distinct byte string (a map from CRC-32 and
 * length to a chain of candidates compared in full), so the thousand copies
 * of one ARP broadcast cost one entry. Tables at t=0 are collected as rows
 * and sorted, never written in hash order.
 */
#include "viewer/viewer.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "devices/devices.h"
#include "diagrams/dot.h"
#include "sinks/trace_jsonl.h"
#include "stack/ip_stack.h"
#include "util/alloc.h"
#include "util/crc32.h"
#include "util/u64map.h"
#include "viewer/assets.h"
#include "viewer/json_guard.h"
#include "wire/dissect.h"

#define SVG_MAX_BYTES (32u * 1024 * 1024) /* a larger topology.svg is left out of the page */

typedef struct frame_ref {
    size_t off;   /* into viewer.bytes */
    size_t len;   /* the frame's length */
    int32_t next; /* the next frame with the same hash key, or -1 */
} frame_ref;

typedef struct table_row {
    size_t device;
    const char *table; /* a literal */
    char *key, *value;
} table_row;

struct viewer {
    const model_topology *t;
    const network *net;
    const char *const *link_names;
    size_t n_links;
    viewer_options o;
    uint64_t max_events;

    FILE *mem; /* the events as JSON Lines, after the format line */
    char *mem_buf;
    size_t mem_len;
    long events_start;
    jsonl_sink *jsonl;
    trace_sink jsonl_as_sink;
    uint64_t n_events;
    bool over; /* the bounds were passed: recording stopped, only counting */
    bool over_bytes;

    uint8_t *bytes; /* every distinct frame, back to back */
    size_t bytes_len, bytes_cap;
    frame_ref *frames;
    size_t n_frames, frames_cap;
    u64map *frame_heads; /* (len << 32 | crc32) -> int32_t first frame index */
    int32_t *event_frames;
    size_t event_frames_cap;

    table_row *rows; /* tables at t=0, sorted */
    size_t n_rows, rows_cap;
};

/* --- recording --- */

static void *grow(void *p, size_t *cap, size_t need, size_t size) {
    if (need <= *cap)
        return p;
    size_t cap2 = *cap ? *cap : 64;
    while (cap2 < need)
        cap2 *= 2;
    *cap = cap2;
    return ns_xrealloc(p, cap2 * size);
}

/* The index of the frame with these bytes, added if new. */
static int32_t frame_intern(viewer *v, const uint8_t *data, size_t len) {
    uint64_t key = (uint64_t)len << 32 | crc32_update(0, data, len);
    bool created = false;
    int32_t *head = u64map_put(v->frame_heads, key, &created);
    if (!created)
        for (int32_t i = *head; i >= 0; i = v->frames[i].next)
            if (v->frames[i].len == len && memcmp(v->bytes + v->frames[i].off, data, len) == 0)
                return i;
    int32_t index = (int32_t)v->n_frames;
    v->frames = grow(v->frames, &v->frames_cap, v->n_frames + 1, sizeof *v->frames);
    v->bytes = grow(v->bytes, &v->bytes_cap, v->bytes_len + len + 1, 1);
    memcpy(v->bytes + v->bytes_len, data, len);
    v->frames[v->n_frames++] =
        (frame_ref){.off = v->bytes_len, .len = len, .next = created ? -1 : *head};
    v->bytes_len += len;
    *head = index;
    return index;
}

/* Recorded bytes as the page will hold them (a frame's hex is twice its size). */
static uint64_t recorded_bytes(const viewer *v) {
    long events = ftell(v->mem);
    return (uint64_t)(events > 0 ? events : 0) + 2 * (uint64_t)v->bytes_len +
           8 * (uint64_t)v->n_events;
}

/* Past the bounds: keep counting, free what was recorded. */
static void stop_recording(viewer *v, bool bytes) {
    v->over = true;
    v->over_bytes = bytes;
    fclose(v->mem);
    v->mem = NULL;
    free(v->mem_buf);
    v->mem_buf = NULL;
    free(v->bytes);
    free(v->frames);
    free(v->event_frames);
    v->bytes = NULL, v->frames = NULL, v->event_frames = NULL;
    u64map_free(v->frame_heads);
    v->frame_heads = NULL;
}

static void viewer_emit(void *self, const trace_event *ev) {
    viewer *v = self;
    v->n_events++;
    if (v->over)
        return;
    v->jsonl_as_sink.emit(v->jsonl_as_sink.self, ev);
    v->event_frames =
        grow(v->event_frames, &v->event_frames_cap, (size_t)v->n_events, sizeof *v->event_frames);
    v->event_frames[v->n_events - 1] = ev->frame ? frame_intern(v, ev->frame, ev->frame_len) : -1;
    if (v->o.force)
        return;
    if (v->n_events > v->max_events)
        stop_recording(v, false);
    else if (recorded_bytes(v) > VIEWER_MAX_BYTES)
        stop_recording(v, true);
}

trace_sink viewer_as_sink(viewer *v) {
    return (trace_sink){.emit = viewer_emit, .self = v};
}

/* --- tables at t=0 --- */

typedef struct row_ctx {
    viewer *v;
    size_t device;
} row_ctx;

static void add_row(void *ctx, const char *table, const char *key, const char *value) {
    row_ctx *c = ctx;
    viewer *v = c->v;
    v->rows = grow(v->rows, &v->rows_cap, v->n_rows + 1, sizeof *v->rows);
    v->rows[v->n_rows++] = (table_row){
        .device = c->device, .table = table, .key = ns_xstrdup(key), .value = ns_xstrdup(value)};
}

static int row_order(const void *a, const void *b) {
    const table_row *x = a, *y = b;
    if (x->device != y->device)
        return x->device < y->device ? -1 : 1;
    int c = strcmp(x->table, y->table);
    return c ? c : strcmp(x->key, y->key);
}

static void collect_tables(viewer *v) {
    for (uint32_t i = 0; i < v->net->n_nodes; i++) {
        node *n = v->net->nodes[i];
        row_ctx c = {.v = v, .device = i};
        if (n->type == DEVICE_HOST || n->type == DEVICE_ROUTER)
            ip_stack_table_rows(ip_device_stack(n), add_row, &c);
        /* A switch's MAC table is empty before the first frame; a hub has none. */
    }
    if (v->n_rows)
        qsort(v->rows, v->n_rows, sizeof *v->rows, row_order);
}

/* --- life cycle --- */

/* NETSIM_VIEW_MAX_EVENTS, a test hook: a positive whole number. */
static uint64_t max_events_from_env(void) {
    const char *s = getenv("NETSIM_VIEW_MAX_EVENTS");
    if (!s || !*s)
        return 0;
    char *end;
    unsigned long long n = strtoull(s, &end, 10);
    return *end == '\0' && s[0] != '-' ? (uint64_t)n : 0;
}

viewer *viewer_new(const model_topology *t, const network *net, const char *const *link_names,
                   size_t n_links, const viewer_options *o) {
    viewer *v = ns_xcalloc(1, sizeof *v);
    v->t = t;
    v->net = net;
    v->link_names = link_names;
    v->n_links = n_links;
    v->o = *o;
    v->max_events = o->max_events ? o->max_events : max_events_from_env();
    if (!v->max_events)
        v->max_events = VIEWER_MAX_EVENTS;
    v->mem = open_memstream(&v->mem_buf, &v->mem_len);
    v->frame_heads = u64map_new(sizeof(int32_t));
    if (!v->mem || !v->frame_heads)
        ns_out_of_memory();
    v->jsonl = jsonl_sink_new(v->mem, link_names, n_links);
    if (!v->jsonl)
        ns_out_of_memory();
    v->jsonl_as_sink = jsonl_sink_as_sink(v->jsonl);
    v->events_start = ftell(v->mem); /* the events follow the format line */
    collect_tables(v);
    return v;
}

void viewer_free(viewer *v) {
    if (!v)
        return;
    if (v->mem)
        fclose(v->mem);
    free(v->mem_buf);
    jsonl_sink_free(v->jsonl);
    free(v->bytes);
    free(v->frames);
    free(v->event_frames);
    u64map_free(v->frame_heads);
    for (size_t i = 0; i < v->n_rows; i++) {
        free(v->rows[i].key);
        free(v->rows[i].value);
    }
    free(v->rows);
    free(v);
}

/* --- the data --- */

static void json_key(FILE *out, const char *key) {
    fprintf(out, ",\"%s\":", key);
}

static const char *device_kind(const model_device *d) {
    if (d->type == DEVICE_ROUTER && d->nat.enabled)
        return "nat";
    return device_type_name(d->type);
}

static void write_devices(const viewer *v, FILE *out) {
    const model_topology *t = v->t;
    fputc('[', out);
    for (size_t i = 0; i < t->n_devices; i++) {
        const model_device *d = &t->devices[i];
        char id[DOT_ID_LEN];
        fputs(i ? ",{\"name\":" : "{\"name\":", out);
        json_write_string(out, d->name);
        json_key(out, "type");
        json_write_string(out, device_kind(d));
        json_key(out, "dot_id");
        json_write_string(out, dot_node_id(id, sizeof id, i));
        json_key(out, "ifaces");
        fputc('[', out);
        for (size_t k = 0; k < d->n_ifaces; k++) {
            const model_iface *f = &d->ifaces[k];
            char ip[IPV4_TEXT_LEN], mask[IPV4_TEXT_LEN], mac[MAC_TEXT_LEN];
            fputs(k ? ",{\"name\":" : "{\"name\":", out);
            json_write_string(out, f->name);
            json_key(out, "dot_id");
            json_write_string(out, dot_port_id(id, sizeof id, k));
            if (f->has_ip)
                fprintf(out, ",\"ip\":\"%s\",\"prefix\":%d,\"netmask\":\"%s\"",
                        ipv4_format(f->ip, ip), f->prefix_len,
                        ipv4_format(ipv4_netmask(f->prefix_len), mask));
            fprintf(out, ",\"mac\":\"%s\"}", mac_format(f->mac, mac));
        }
        fputs("]}", out);
    }
    fputc(']', out);
}

static void write_links(const viewer *v, FILE *out) {
    const model_topology *t = v->t;
    fputc('[', out);
    for (size_t i = 0; i < t->n_links; i++) {
        const model_link *l = &t->links[i];
        char edge[4 * DOT_ID_LEN];
        fputs(i ? ",{\"name\":" : "{\"name\":", out);
        json_write_string(out, i < v->n_links ? v->link_names[i] : "");
        json_key(out, "a");
        json_write_string(out, t->devices[l->a.device].name);
        json_key(out, "a_port");
        json_write_string(out, t->devices[l->a.device].ifaces[l->a.iface].name);
        json_key(out, "b");
        json_write_string(out, t->devices[l->b.device].name);
        json_key(out, "b_port");
        json_write_string(out, t->devices[l->b.device].ifaces[l->b.iface].name);
        json_key(out, "dot_edge");
        json_write_string(out, dot_edge_id(edge, sizeof edge, l));
        fputc('}', out);
    }
    fputc(']', out);
}

/* Every device's tables at t=0, every table named (empty ones as []). */
static void write_tables0(const viewer *v, FILE *out) {
    static const char *const tables[] = {"address", "route", "arp", "mac",
                                         "nat",     "tcp",   "udp", "dhcp"};
    size_t r = 0;
    fputc('{', out);
    for (size_t i = 0; i < v->t->n_devices; i++) {
        if (i)
            fputc(',', out);
        json_write_string(out, v->t->devices[i].name);
        fputc(':', out);
        for (size_t k = 0; k < sizeof tables / sizeof *tables; k++) {
            fputs(k ? "," : "{", out);
            json_write_string(out, tables[k]);
            fputs(":[", out);
            bool first = true;
            for (size_t j = r; j < v->n_rows && v->rows[j].device == i; j++) {
                if (strcmp(v->rows[j].table, tables[k]) != 0)
                    continue;
                fputs(first ? "[" : ",[", out);
                json_write_string(out, v->rows[j].key);
                fputc(',', out);
                json_write_string(out, v->rows[j].value);
                fputc(']', out);
                first = false;
            }
            fputc(']', out);
        }
        fputc('}', out);
        while (r < v->n_rows && v->rows[r].device == i)
            r++;
    }
    fputc('}', out);
}

/* The dissector's layers and fields as JSON, streamed. */
typedef struct layer_writer {
    FILE *out;
    bool any_layer, any_field;
} layer_writer;

static void on_layer(void *ctx, const char *name, size_t off, size_t len) {
    layer_writer *w = ctx;
    fputs(w->any_layer ? "]},{\"name\":" : "{\"name\":", w->out);
    json_write_string(w->out, name);
    fprintf(w->out, ",\"off\":%zu,\"len\":%zu,\"fields\":[", off, len);
    w->any_layer = true;
    w->any_field = false;
}

static void on_field(void *ctx, const dissect_field *f) {
    layer_writer *w = ctx;
    fputs(w->any_field ? ",{\"name\":" : "{\"name\":", w->out);
    json_write_string(w->out, f->name);
    fprintf(w->out, ",\"off\":%zu,\"len\":%zu,\"value\":", f->off, f->len);
    json_write_string(w->out, f->value);
    if (f->meaning) {
        json_key(w->out, "meaning");
        json_write_string(w->out, f->meaning);
    }
    if (f->bits) {
        json_key(w->out, "bits");
        json_write_string(w->out, f->bits);
    }
    fputc('}', w->out);
    w->any_field = true;
}

static void write_frames(const viewer *v, FILE *out) {
    static const char hex[] = "0123456789abcdef";
    fputc('[', out);
    for (size_t i = 0; i < v->n_frames; i++) {
        const uint8_t *b = v->bytes + v->frames[i].off;
        size_t len = v->frames[i].len;
        fputs(i ? ",{\"hex\":\"" : "{\"hex\":\"", out);
        for (size_t k = 0; k < len; k++) {
            putc(hex[b[k] >> 4], out);
            putc(hex[b[k] & 0xf], out);
        }
        fputs("\",\"layers\":[", out);
        layer_writer w = {.out = out};
        dissect_frame(b, len, &(dissect_visitor){.layer = on_layer, .field = on_field, .ctx = &w});
        fputs(w.any_layer ? "]}]}" : "]}", out);
    }
    fputc(']', out);
}

/* The recorded JSON Lines as array elements: each line's newline becomes a
 * comma but the last (a newline never occurs inside a JSON Lines record). */
static void write_events(const viewer *v, FILE *out) {
    fflush(v->mem);
    size_t start = (size_t)v->events_start, len = v->mem_len;
    fputc('[', out);
    for (size_t k = start; k < len; k++) {
        char c = v->mem_buf[k];
        if (c == '\n') {
            if (k + 1 < len)
                putc(',', out);
        } else {
            putc(c, out);
        }
    }
    fputc(']', out);
}

static void write_data(const viewer *v, FILE *out, const viewer_end *end, const char *svg) {
    fputs("{\"format\":\"netsim-view\",\"version\":1,\"topology\":", out);
    json_write_string(out, v->t->name);
    json_key(out, "description");
    json_write_string(out, v->t->description); /* null when absent */
    fprintf(out, ",\"seed\":%" PRIu64, v->o.seed);
    fprintf(out,
            ",\"end\":{\"t\":%" PRIu64 ",\"time\":\"%" PRIu64 ".%09" PRIu64
            "\",\"status\":\"%s\",\"events\":%" PRIu64 "}",
            end->time, end->time / 1000000000u, end->time % 1000000000u, end->status, v->n_events);
    json_key(out, "devices");
    write_devices(v, out);
    json_key(out, "links");
    write_links(v, out);
    json_key(out, "svg");
    json_write_string(out, svg);
    json_key(out, "tables0");
    write_tables0(v, out);
    json_key(out, "frames");
    write_frames(v, out);
    json_key(out, "events");
    write_events(v, out);
    json_key(out, "event_frames");
    fputc('[', out);
    for (uint64_t i = 0; i < v->n_events; i++)
        fprintf(out, i ? ",%" PRId32 : "%" PRId32, v->event_frames[i]);
    fputs("]}", out);
}

/* --- the page --- */

/* 61234 -> "61,234". */
static const char *with_commas(uint64_t n, char *buf, size_t cap) {
    char digits[24];
    int len = snprintf(digits, sizeof digits, "%" PRIu64, n);
    size_t k = 0;
    for (int i = 0; i < len && k + 2 < cap; i++) {
        if (i && (len - i) % 3 == 0)
            buf[k++] = ',';
        buf[k++] = digits[i];
    }
    buf[k] = '\0';
    return buf;
}

/* The SVG element of Graphviz's output, without the XML declaration and
 * DOCTYPE before it (the DOCTYPE names an external URL). */
static const char *svg_element(const char *svg) {
    return svg ? strstr(svg, "<svg") : NULL;
}

/* Writes the template with its @@NAME@@ markers filled. */
static void write_page(const viewer *v, FILE *out, const viewer_end *end, const char *svg) {
    const char *tpl = (const char *)viewer_asset_view_html;
    const char *p = tpl, *stop = tpl + viewer_asset_view_html_len;
    while (p < stop) {
        const char *m = strstr(p, "@@");
        const char *close = m ? strstr(m + 2, "@@") : NULL;
        if (!m || !close) {
            fwrite(p, 1, (size_t)(stop - p), out);
            break;
        }
        fwrite(p, 1, (size_t)(m - p), out);
        size_t name_len = (size_t)(close - m - 2);
        if (name_len == 5 && memcmp(m + 2, "STYLE", 5) == 0)
            fwrite(viewer_asset_view_css, 1, viewer_asset_view_css_len, out);
        else if (name_len == 6 && memcmp(m + 2, "SCRIPT", 6) == 0)
            fwrite(viewer_asset_view_js, 1, viewer_asset_view_js_len, out);
        else if (name_len == 3 && memcmp(m + 2, "SVG", 3) == 0) {
            if (svg)
                fputs(svg, out);
        } else if (name_len == 4 && memcmp(m + 2, "DATA", 4) == 0) {
            FILE *guarded = json_guard_open(out);
            write_data(v, guarded, end, svg);
            fclose(guarded);
        } else {
            fwrite(m, 1, (size_t)(close + 2 - m), out); /* not a marker: as it is */
        }
        p = close + 2;
    }
}

int viewer_write(viewer *v, outdir *out, const viewer_end *end, char *note, size_t note_cap,
                 ns_error *err) {
    note[0] = '\0';
    if (v->over) {
        char count[32], limit[32];
        if (v->over_bytes)
            snprintf(note, note_cap,
                     "view.html skipped: its data would pass the viewer's %u MiB (use --view to "
                     "write it anyway, or --filter to keep fewer events)",
                     VIEWER_MAX_BYTES / (1024 * 1024));
        else
            snprintf(note, note_cap,
                     "view.html skipped: %s events is above the viewer's %s (use --view to write "
                     "it anyway, or --filter to keep fewer)",
                     with_commas(v->n_events, count, sizeof count),
                     with_commas(v->max_events, limit, sizeof limit));
        return 0;
    }
    char *svg = NULL;
    size_t svg_len = 0;
    if (outdir_read(out, "topology.svg", SVG_MAX_BYTES, &svg, &svg_len) != 0)
        svg = NULL;
    FILE *page = outdir_fopen(out, "view.html", "w", err);
    if (!page) {
        free(svg);
        return NS_ERR_IO;
    }
    write_page(v, page, end, svg_element(svg));
    fclose(page); /* a failed write is the output directory's to report */
    free(svg);
    return 0;
}
