#define _GNU_SOURCE /* open_memstream */
/*
 * viewer: the recorder and view.html's writer (see viewer.h).
 *
 * Events are recorded by trace_jsonl's own sink writing into an
 * open_memstream buffer, so the page's events are trace.jsonl's byte for
 * byte; frames are kept once per distinct byte string (a map from CRC-32 and
 * length to a chain of candidates compared in full), so the thousand copies
 * of one ARP broadcast cost one entry. Tables at t=0 are collected as rows
 * and sorted, never written in hash order. The data's JSON is view_data.c's.
 */
#include "viewer/viewer.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "devices/devices.h"
#include "stack/ip_stack.h"
#include "util/alloc.h"
#include "util/crc32.h"
#include "util/i18n.h"
#include "viewer/assets.h"
#include "viewer/internal.h"
#include "viewer/json_guard.h"
#include "viewer/page_text.h"

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

/* Writes the template with its @@NAME@@ markers filled: @@T:text@@ is the
 * text in the run's language, @@TEXT@@ the script's dictionary (page_text.h). */
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
        } else if (name_len == 4 && memcmp(m + 2, "LANG", 4) == 0) {
            fputs(i18n_html_lang(), out);
        } else if (name_len > 2 && memcmp(m + 2, "T:", 2) == 0) {
            page_text_put(out, m + 4, name_len - 2);
        } else if (name_len == 4 && memcmp(m + 2, "TEXT", 4) == 0) {
            page_text_put_dictionary(out);
        } else if (name_len == 4 && memcmp(m + 2, "DATA", 4) == 0) {
            FILE *guarded = json_guard_open(out);
            viewer_write_data(v, guarded, end, svg);
            fclose(guarded);
        } else {
            fwrite(m, 1, (size_t)(close + 2 - m), out); /* not a marker: as it is */
        }
        p = close + 2;
    }
}

bool viewer_skipped(const viewer *v, char *note, size_t note_cap) {
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
        return true;
    }
    return false;
}

void viewer_write(viewer *v, FILE *page, const viewer_end *end, const char *svg) {
    write_page(v, page, end, svg_element(svg));
}
