/*
 * trace_jsonl: the machine-readable trace, one JSON object per event and line,
 * after one first line naming the format and its version
 * ({"format":"netsim-trace","version":2}).
 *
 * Invariants: keys always appear in one fixed order (t, time, kind, device,
 * port, link, packet, eth_src, eth_dst, ethertype, proto, ip_src, ip_dst, ttl,
 * ip_id, icmp_type, icmp_code, icmp_id, icmp_seq, arp_op, summary, len, why,
 * detail, then the typed facts: reason, tx_device, tx_port, rx_device,
 * rx_port, table, key, old, new, ttl_old, ttl_new, route, translation, show,
 * rows, result, retransmission) and absent values are omitted, never written as null, so the same
 * run gives byte-identical files and a reader can rely on types per key. The JSON is written by
 * hand (RFC 8259): it is a handful of flat keys, and the writer never allocates. Output is buffered
 * by stdio; nothing is flushed here.
 */
#include "sinks/trace_jsonl.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "util/text.h"
#include "wire/addr.h"

struct jsonl_sink {
    FILE *out;
    const char *const *link_names;
    size_t n_links;
};

/* RFC 8259 section 7: '"', '\\' and U+0000..U+001F must be escaped; these
 * have a two-character form, the other control characters are \u00XX. */
static const char short_escapes[][3] = {
    ['"'] = "\\\"", ['\\'] = "\\\\", ['\b'] = "\\b", ['\f'] = "\\f",
    ['\n'] = "\\n", ['\r'] = "\\r",  ['\t'] = "\\t",
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
        if (c < sizeof short_escapes / sizeof short_escapes[0] && short_escapes[c][0]) {
            fputs(short_escapes[c], out);
        } else {
            fputs("\\u00", out);
            putc(hex[c >> 4], out);
            putc(hex[c & 0xf], out);
        }
    }
    putc('"', out);
}

/* ,"key": — every key but the first ("t") is preceded by a comma. */
static void key(FILE *out, const char *name) {
    char buf[64];
    size_t n = strlen(name);
    if (n > sizeof buf - 4) {
        putc(',', out);
        putc('"', out);
        fputs(name, out);
        fputs("\":", out);
        return;
    }
    buf[0] = ',';
    buf[1] = '"';
    memcpy(buf + 2, name, n);
    buf[n + 2] = '"';
    buf[n + 3] = ':';
    fwrite(buf, 1, n + 4, out); /* one call, not five (issue 16) */
}

/* A number in decimal, without printf (issue 16: a full trace writes
 * millions of them). */
static void write_uint(FILE *out, uint64_t value) {
    char buf[TEXT_U64_LEN];
    fwrite(buf, 1, text_put_u64(buf, value), out);
}

/* A string field; omitted when `value` is NULL (never written as null). */
static void field_string(FILE *out, const char *name, const char *value) {
    if (!value)
        return;
    key(out, name);
    json_write_string(out, value);
}

static void field_uint(FILE *out, const char *name, uint64_t value) {
    key(out, name);
    write_uint(out, value);
}

static const char *arp_op_text(uint16_t op, char buf[8]) {
    if (op == 1)
        return "request";
    if (op == 2)
        return "reply";
    snprintf(buf, 8, "%u", (unsigned)op); /* a string still: one type per key */
    return buf;
}

/* Everything decoded from the frame, in key order from eth_src to len. */
static void write_frame(FILE *out, const trace_event *ev) {
    const frame_info *fi = trace_event_frame(ev);
    char buf[MAC_TEXT_LEN];
    if (ev->frame_len >= 14) {
        field_string(out, "eth_src", mac_format(fi->eth_src, buf));
        field_string(out, "eth_dst", mac_format(fi->eth_dst, buf));
        static const char hex[] = "0123456789abcdef";
        buf[0] = '0';
        buf[1] = 'x';
        for (int i = 0; i < 4; i++)
            buf[2 + i] = hex[(fi->ethertype >> (12 - 4 * i)) & 15];
        buf[6] = '\0';
        field_string(out, "ethertype", buf);
    }
    field_string(out, "proto", fi->proto);
    if (fi->has_ip) {
        field_string(out, "ip_src", ipv4_format(fi->ip_src, buf));
        field_string(out, "ip_dst", ipv4_format(fi->ip_dst, buf));
        field_uint(out, "ttl", fi->ttl);
        field_uint(out, "ip_id", fi->ip_id);
    }
    if (fi->has_icmp) {
        field_uint(out, "icmp_type", fi->icmp_type);
        field_uint(out, "icmp_code", fi->icmp_code);
        /* Identifier and sequence number exist only in echo messages (RFC 792). */
        if (fi->icmp_type == 0 || fi->icmp_type == 8) {
            field_uint(out, "icmp_id", fi->icmp_id);
            field_uint(out, "icmp_seq", fi->icmp_seq);
        }
    }
    if (fi->has_arp)
        field_string(out, "arp_op", arp_op_text(fi->arp_op, buf));
    field_string(out, "summary", trace_event_summary(ev));
    field_uint(out, "len", ev->frame_len);
}

/* A row as an object: its field names as keys in their order, every value
 * a string. */
static void write_row(FILE *out, const trace_row *r) {
    putc('{', out);
    for (size_t k = 0; k < r->n_fields; k++) {
        if (k)
            putc(',', out);
        json_write_string(out, r->fields[k].name);
        putc(':', out);
        json_write_string(out, r->fields[k].value);
    }
    putc('}', out);
}

/* A shown table: "show" (its name) and "rows", an array of row objects. */
static void write_show(FILE *out, const trace_show *sh) {
    field_string(out, "show", trace_show_table_name(sh->table));
    key(out, "rows");
    putc('[', out);
    for (size_t i = 0; i < sh->n_rows; i++) {
        if (i)
            putc(',', out);
        write_row(out, &sh->rows[i]);
    }
    putc(']', out);
}

/* The typed facts beside the prose, in key order from reason to retransmission. */
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
    field_string(out, "translation", trace_translation_name(ev->translation));
    if (ev->kind == TRACE_SHOW && ev->show)
        write_show(out, ev->show);
    if (ev->result) {
        key(out, "result");
        write_row(out, ev->result);
    }
    if (ev->retransmission) {
        key(out, "retransmission");
        fputs("true", out);
    }
}

static void jsonl_emit(void *self, const trace_event *ev) {
    jsonl_sink *s = self;
    FILE *out = s->out;

    char time[TEXT_TIME_LEN];
    fputs("{\"t\":", out);
    write_uint(out, ev->time);
    field_string(out, "time", text_format_time(ev->time, time));
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
