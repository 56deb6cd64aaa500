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
 * hand (RFC 8259) into one line buffer, reused, and written in one fwrite
 * per event; stdio buffers it further; nothing is flushed here.
 */
#include "sinks/trace_jsonl.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "util/strbuf.h"
#include "util/text.h"
#include "wire/addr.h"

struct jsonl_sink {
    FILE *out;
    const char *const *link_names;
    size_t n_links;
    strbuf line; /* the event's line, written in one fwrite (issue 16) */
};

/* RFC 8259 section 7: '"', '\\' and U+0000..U+001F must be escaped; these
 * have a two-character form, the other control characters are \u00XX. */
static const char short_escapes[][3] = {
    ['"'] = "\\\"", ['\\'] = "\\\\", ['\b'] = "\\b", ['\f'] = "\\f",
    ['\n'] = "\\n", ['\r'] = "\\r",  ['\t'] = "\\t",
};

void json_put_string(strbuf *b, const char *s) {
    static const char hex[] = "0123456789abcdef";
    if (!s) {
        strbuf_put(b, "null", 4);
        return;
    }
    strbuf_putc(b, '"');
    const char *run = s;
    for (const char *p = s;; p++) {
        unsigned char c = (unsigned char)*p;
        if (c >= 0x20 && c != '"' && c != '\\')
            continue; /* ordinary byte (UTF-8 included): part of the current run */
        strbuf_put(b, run, (size_t)(p - run));
        if (c == 0)
            break;
        run = p + 1;
        if (c < sizeof short_escapes / sizeof short_escapes[0] && short_escapes[c][0]) {
            strbuf_put(b, short_escapes[c], 2);
        } else {
            char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xf]};
            strbuf_put(b, esc, sizeof esc);
        }
    }
    strbuf_putc(b, '"');
}

void json_write_string(FILE *out, const char *s) {
    strbuf b = {0};
    json_put_string(&b, s);
    strbuf_write(&b, out);
    strbuf_free(&b);
}

/* ,"key": — every key but the first ("t") is preceded by a comma. */
static void key(strbuf *b, const char *name) {
    size_t n = strlen(name);
    strbuf_reserve(b, n + 4);
    char *p = b->s + b->len;
    p[0] = ',';
    p[1] = '"';
    memcpy(p + 2, name, n);
    p[n + 2] = '"';
    p[n + 3] = ':';
    b->len += n + 4;
    b->s[b->len] = '\0';
}

/* A string field; omitted when `value` is NULL (never written as null). */
static void field_string(strbuf *b, const char *name, const char *value) {
    if (!value)
        return;
    key(b, name);
    json_put_string(b, value);
}

/* A field whose value needs no escaping (addresses, fixed names). */
static void field_plain(strbuf *b, const char *name, const char *value, size_t len) {
    key(b, name);
    strbuf_putc(b, '"');
    strbuf_put(b, value, len);
    strbuf_putc(b, '"');
}

static void field_uint(strbuf *b, const char *name, uint64_t value) {
    key(b, name);
    strbuf_put_u64(b, value);
}

static const char *arp_op_text(uint16_t op, char buf[8]) {
    if (op == 1)
        return "request";
    if (op == 2)
        return "reply";
    buf[text_put_u64(buf, op)] = '\0'; /* a string still: one type per key; 5 digits at most */
    return buf;
}

/* Everything decoded from the frame, in key order from eth_src to len. */
static void write_frame(strbuf *b, const trace_event *ev) {
    const frame_info *fi = trace_event_frame(ev);
    char buf[MAC_TEXT_LEN];
    if (ev->frame_len >= 14) {
        field_plain(b, "eth_src", mac_format(fi->eth_src, buf), MAC_TEXT_LEN - 1);
        field_plain(b, "eth_dst", mac_format(fi->eth_dst, buf), MAC_TEXT_LEN - 1);
        static const char hex[] = "0123456789abcdef";
        buf[0] = '0';
        buf[1] = 'x';
        for (int i = 0; i < 4; i++)
            buf[2 + i] = hex[(fi->ethertype >> (12 - 4 * i)) & 15];
        field_plain(b, "ethertype", buf, 6);
    }
    field_string(b, "proto", fi->proto);
    if (fi->has_ip) {
        field_plain(b, "ip_src", buf, strlen(ipv4_format(fi->ip_src, buf)));
        field_plain(b, "ip_dst", buf, strlen(ipv4_format(fi->ip_dst, buf)));
        field_uint(b, "ttl", fi->ttl);
        field_uint(b, "ip_id", fi->ip_id);
    }
    if (fi->has_icmp) {
        field_uint(b, "icmp_type", fi->icmp_type);
        field_uint(b, "icmp_code", fi->icmp_code);
        /* Identifier and sequence number exist only in echo messages (RFC 792). */
        if (fi->icmp_type == 0 || fi->icmp_type == 8) {
            field_uint(b, "icmp_id", fi->icmp_id);
            field_uint(b, "icmp_seq", fi->icmp_seq);
        }
    }
    if (fi->has_arp)
        field_string(b, "arp_op", arp_op_text(fi->arp_op, buf));
    field_string(b, "summary", trace_event_summary(ev));
    field_uint(b, "len", ev->frame_len);
}

/* A row as an object: its field names as keys in their order, every value
 * a string. */
static void write_row(strbuf *b, const trace_row *r) {
    strbuf_putc(b, '{');
    for (size_t k = 0; k < r->n_fields; k++) {
        if (k)
            strbuf_putc(b, ',');
        json_put_string(b, r->fields[k].name);
        strbuf_putc(b, ':');
        json_put_string(b, r->fields[k].value);
    }
    strbuf_putc(b, '}');
}

/* A shown table: "show" (its name) and "rows", an array of row objects. */
static void write_show(strbuf *b, const trace_show *sh) {
    field_string(b, "show", trace_show_table_name(sh->table));
    key(b, "rows");
    strbuf_putc(b, '[');
    for (size_t i = 0; i < sh->n_rows; i++) {
        if (i)
            strbuf_putc(b, ',');
        write_row(b, &sh->rows[i]);
    }
    strbuf_putc(b, ']');
}

/* The typed facts beside the prose, in key order from reason to retransmission. */
static void write_facts(strbuf *b, const trace_event *ev) {
    field_string(b, "reason", trace_reason_name(ev->reason));
    if (ev->wire.tx_device) {
        field_string(b, "tx_device", ev->wire.tx_device);
        field_string(b, "tx_port", ev->wire.tx_port);
        field_string(b, "rx_device", ev->wire.rx_device);
        field_string(b, "rx_port", ev->wire.rx_port);
    }
    if (ev->change.table != TRACE_TABLE_NONE) {
        field_string(b, "table", trace_table_name(ev->change.table));
        field_string(b, "key", ev->change.key);
        field_string(b, "old", ev->change.old_value);
        field_string(b, "new", ev->change.new_value);
    }
    if (ev->has_ttl) {
        field_uint(b, "ttl_old", ev->ttl_old);
        field_uint(b, "ttl_new", ev->ttl_new);
    }
    field_string(b, "route", ev->route);
    field_string(b, "translation", trace_translation_name(ev->translation));
    if (ev->kind == TRACE_SHOW && ev->show)
        write_show(b, ev->show);
    if (ev->result) {
        key(b, "result");
        write_row(b, ev->result);
    }
    if (ev->retransmission)
        strbuf_put(b, ",\"retransmission\":true", 22);
}

/* {"t":NS,"time":"S.NNNNNNNNN" — the time is formatted once: "t" is the
 * same digits without the point (and without leading zeros). */
static void write_time(strbuf *b, uint64_t ns) {
    char time[TEXT_TIME_LEN];
    size_t n = strlen(text_format_time(ns, time));
    size_t secs = n - 10; /* digits before the point */
    strbuf_reserve(b, 2 * n + 20);
    char *p = b->s + b->len;
    memcpy(p, "{\"t\":", 5);
    p += 5;
    if (ns >= 1000000000u) {
        memcpy(p, time, secs);
        memcpy(p + secs, time + secs + 1, 9);
        p += secs + 9;
    } else {
        const char *frac = time + secs + 1;
        size_t skip = 0;
        while (skip < 8 && frac[skip] == '0')
            skip++;
        memcpy(p, frac + skip, 9 - skip);
        p += 9 - skip;
    }
    memcpy(p, ",\"time\":\"", 9);
    p += 9;
    memcpy(p, time, n);
    p += n;
    *p++ = '"';
    b->len = (size_t)(p - b->s);
    b->s[b->len] = '\0';
}

static void jsonl_emit(void *self, const trace_event *ev) {
    jsonl_sink *s = self;
    strbuf *b = &s->line;
    b->len = 0;
    write_time(b, ev->time);
    field_string(b, "kind", trace_kind_name(ev->kind));
    field_string(b, "device", ev->device);
    field_string(b, "port", ev->port);
    if (ev->kind == TRACE_WIRE && ev->link >= 0 && (size_t)ev->link < s->n_links && s->link_names)
        field_string(b, "link", s->link_names[ev->link]);
    if (ev->packet_id)
        field_uint(b, "packet", ev->packet_id);
    if (ev->frame)
        write_frame(b, ev);
    field_string(b, "why", ev->why);
    field_string(b, "detail", ev->detail);
    write_facts(b, ev);
    strbuf_put(b, "}\n", 2);
    strbuf_write(b, s->out);
}

jsonl_sink *jsonl_sink_new(FILE *out, const char *const *link_names, size_t n_links) {
    jsonl_sink *s = calloc(1, sizeof *s);
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
    if (s)
        strbuf_free(&s->line);
    free(s);
}
