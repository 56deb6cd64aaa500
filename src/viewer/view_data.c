#define _GNU_SOURCE /* open_memstream */
/*
 * view_data: the JSON data object of view.html (docs/viewer.md, "Data"),
 * written from the recorder's state: devices and links with their Graphviz
 * ids, the tables at t=0, each distinct frame dissected, the events as
 * trace.jsonl wrote them, each event's frame. Arrays follow the topology
 * file's order or the run's, never hash order.
 */
#include <inttypes.h>
#include <string.h>

#include "diagrams/dot.h"
#include "sinks/trace_jsonl.h"
#include "viewer/internal.h"
#include "wire/dissect.h"

/* --- the data --- */

static void json_key(FILE *out, const char *key) {
    fprintf(out, ",\"%s\":", key);
}

static const char *device_kind(const model_device *d) {
    if (d->type == DEVICE_ROUTER && d->nat)
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

void viewer_write_data(const viewer *v, FILE *out, const viewer_end *end, const char *svg) {
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
