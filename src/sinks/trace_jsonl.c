/*
 * trace_jsonl: the machine-readable trace, one JSON object per event and line,
 * after one first line naming the format and its version
 * ({"format":"netsim-trace","version":2}).
 *
 * Invariants: keys always appear in one fixed order (t, time, kind, device,
 * port, link, packet, eth_src, eth_dst, ethertype, proto, ip_src, ip_dst, ttl,
 * ip_id, icmp_type, icmp_code, icmp_id, icmp_seq, arp_op, summary, len, why,
 * detail, then the typed facts: reason, tx_device, tx_port, rx_device,
 * rx_port, table, key, old, new, ttl_old, ttl_new, route) and absent values
 * are omitted, never written as null, so the same
 * run gives byte-identical files and a reader can rely on types per key. The
 * JSON is written by hand (RFC 8259): it is a handful of flat keys, and the
 * writer never allocates. Output is buffered by stdio; nothing is flushed here.
 */
#include "sinks/trace_jsonl.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "wire/addr.h"
#include "wire/describe.h"

#define SUMMARY_CAP 512

struct jsonl_sink {
    FILE *out;
    const char *const *link_names;
    size_t n_links;
};

void json_write_string(FILE *out, const char *s) {
    static const char hex[] = "0123456789abcdef";
    if (!s) {
        fputs("null", out);
        return;
    }
    putc('"', out);
    const char *run = s;
    for (const char *p = s;; p++) {
        unsigned char c = (unsigned char)*p;
        if (c >= 0x20 && c != '"' && c != '\\')
            continue; /* ordinary byte (UTF-8 included): part of the current run */
        fwrite(run, 1, (size_t)(p - run), out);
        if (c == 0)
            break;
        run = p + 1;
        /* RFC 8259 section 7: '"', '\\' and U+0000..U+001F must be escaped. */
        switch (c) {
        case '"':
            fputs("\\\"", out);
            break;
        case '\\':
            fputs("\\\\", out);
            break;
        case '\b':
            fputs("\\b", out);
            break;
        case '\f':
            fputs("\\f", out);
            break;
        case '\n':
            fputs("\\n", out);
            break;
        case '\r':
            fputs("\\r", out);
            break;
        case '\t':
            fputs("\\t", out);
            break;
        default:
            fputs("\\u00", out);
            putc(hex[c >> 4], out);
            putc(hex[c & 0xf], out);
            break;
        }
    }
    putc('"', out);
}

/* ,"key": — every key but the first ("t") is preceded by a comma. */
static void key(FILE *out, const char *name) {
    fprintf(out, ",\"%s\":", name);
}

static void field_string(FILE *out, const char *name, const char *value) {
    if (!value)
        return;
    key(out, name);
    json_write_string(out, value);
}

static void field_uint(FILE *out, const char *name, uint64_t value) {
    key(out, name);
    fprintf(out, "%" PRIu64, value);
}

static void field_mac(FILE *out, const char *name, mac_addr mac) {
    char buf[MAC_TEXT_LEN];
    key(out, name);
    fprintf(out, "\"%s\"", mac_format(mac, buf));
}

static void field_ipv4(FILE *out, const char *name, ipv4_addr ip) {
    char buf[IPV4_TEXT_LEN];
    key(out, name);
    fprintf(out, "\"%s\"", ipv4_format(ip, buf));
}

static void write_arp_op(FILE *out, uint16_t op) {
    key(out, "arp_op");
    if (op == 1)
        fputs("\"request\"", out);
    else if (op == 2)
        fputs("\"reply\"", out);
    else
        fprintf(out, "\"%u\"", (unsigned)op); /* a string still: one type per key */
}

/* Everything decoded from the frame, in key order from eth_src to len. */
static void write_frame(FILE *out, const trace_event *ev) {
    frame_info fi;
    frame_decode(ev->frame, ev->frame_len, &fi);
    if (ev->frame_len >= 14) {
        field_mac(out, "eth_src", fi.eth_src);
        field_mac(out, "eth_dst", fi.eth_dst);
        key(out, "ethertype");
        fprintf(out, "\"0x%04x\"", (unsigned)fi.ethertype);
    }
    field_string(out, "proto", fi.proto);
    if (fi.has_ip) {
        field_ipv4(out, "ip_src", fi.ip_src);
        field_ipv4(out, "ip_dst", fi.ip_dst);
        field_uint(out, "ttl", fi.ttl);
        field_uint(out, "ip_id", fi.ip_id);
    }
    if (fi.has_icmp) {
        field_uint(out, "icmp_type", fi.icmp_type);
        field_uint(out, "icmp_code", fi.icmp_code);
        /* Identifier and sequence number exist only in echo messages (RFC 792). */
        if (fi.icmp_type == 0 || fi.icmp_type == 8) {
            field_uint(out, "icmp_id", fi.icmp_id);
            field_uint(out, "icmp_seq", fi.icmp_seq);
        }
    }
    if (fi.has_arp)
        write_arp_op(out, fi.arp_op);
    char summary[SUMMARY_CAP];
    field_string(out, "summary", frame_describe(ev->frame, ev->frame_len, summary, sizeof summary));
    field_uint(out, "len", ev->frame_len);
}

/* The typed facts beside the prose, in key order from reason to route. */
static void write_facts(FILE *out, const trace_event *ev) {
    field_string(out, "reason", trace_reason_name(ev->reason));
    if (ev->wire.tx_device) {
        field_string(out, "tx_device", ev->wire.tx_device);
        field_string(out, "tx_port", ev->wire.tx_port);
        field_string(out, "rx_device", ev->wire.rx_device);
        field_string(out, "rx_port", ev->wire.rx_port);
    }
    if (ev->change.table != TRACE_TABLE_NONE) {
        field_string(out, "table", trace_table_name(ev->change.table));
        field_string(out, "key", ev->change.key);
        field_string(out, "old", ev->change.old_value);
        field_string(out, "new", ev->change.new_value);
    }
    if (ev->has_ttl) {
        field_uint(out, "ttl_old", ev->ttl_old);
        field_uint(out, "ttl_new", ev->ttl_new);
    }
    field_string(out, "route", ev->route);
}

static void jsonl_emit(void *self, const trace_event *ev) {
    jsonl_sink *s = self;
    FILE *out = s->out;

    fprintf(out, "{\"t\":%" PRIu64, ev->time);
    key(out, "time");
    fprintf(out, "\"%" PRIu64 ".%09" PRIu64 "\"", ev->time / 1000000000u, ev->time % 1000000000u);
    field_string(out, "kind", trace_kind_name(ev->kind));
    field_string(out, "device", ev->device);
    field_string(out, "port", ev->port);
    if (ev->kind == TRACE_WIRE && ev->link >= 0 && (size_t)ev->link < s->n_links && s->link_names)
        field_string(out, "link", s->link_names[ev->link]);
    if (ev->packet_id)
        field_uint(out, "packet", ev->packet_id);
    if (ev->frame)
        write_frame(out, ev);
    field_string(out, "why", ev->why);
    field_string(out, "detail", ev->detail);
    write_facts(out, ev);
    fputs("}\n", out);
}

jsonl_sink *jsonl_sink_new(FILE *out, const char *const *link_names, size_t n_links) {
    jsonl_sink *s = malloc(sizeof *s);
    if (!s)
        return NULL;
    s->out = out;
    s->link_names = link_names;
    s->n_links = n_links;
    fprintf(out, "{\"format\":\"netsim-trace\",\"version\":%d}\n", JSONL_FORMAT_VERSION);
    return s;
}

trace_sink jsonl_sink_as_sink(jsonl_sink *s) {
    return (trace_sink){.emit = jsonl_emit, .self = s};
}

void jsonl_sink_free(jsonl_sink *s) {
    free(s);
}
