/*
 * recorder: the trace sink behind the diagrams. While the run goes it keeps
 * what the pictures need, as copies (events are borrowed), never frame bytes.
 *
 * Packets (the ladders): each packet id gets a record at its first
 * TRACE_SEND, with the source device and the decoded fields its arrow's
 * label needs; its TRACE_DELIVER and TRACE_DROP events and the receiving
 * end of its TRACE_WIRE events say where it ended. A packet is kept when it
 * is among the first DIAGRAMS_LADDER_FRAMES sent (the overall ladder) or
 * belongs to one of the first DIAGRAMS_MAX_FLOWS flows that has room left;
 * past those caps a send costs a decode and a hash look-up.
 *
 * Frames (the step slides): each TRACE_WIRE event (a frame crossing a link)
 * gets an index in arrival order, which is time order; the first max_steps
 * are kept (decoded fields and two short texts in the arena). The
 * transmitting end comes from the event's wire facts.
 *
 * Fates are not kept for the path diagrams: they draw the deliveries and
 * drops the hop table's visitor hands them (sinks/hop_table.h), so both
 * follow one rule.
 *
 * --steps: each device's latest send/forward/flood/repeat line is kept, to
 * be shown beside the frame that follows it on a link.
 */
#include "diagrams/internal.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"
#include "wire/describe.h"
#include "wire/dhcp.h"
#include "wire/dns.h"
#include "wire/ipv4.h"

#define SUMMARY_CAP 512
#define LABEL_MAX   56 /* characters of a ladder arrow's label */

const char *const dg_proto_color[] = {
    [PROTO_OTHER] = "#6b7280", [PROTO_ARP] = "#c2410c", [PROTO_ICMP] = "#1d4ed8",
    [PROTO_UDP] = "#0f766e",   [PROTO_TCP] = "#7c3aed", [PROTO_SERVICE] = "#0e7490",
};

/* --- shared small helpers --- */

/* Stores `s` in the arena; returns its offset. */
static size_t arena_put(diagrams *d, const char *s) {
    size_t at = d->text.len;
    strbuf_put(&d->text, s, strlen(s) + 1); /* keep the NUL: strings are stored back to back */
    return at;
}

const char *dg_text(const diagrams *d, size_t at) {
    return at == DG_NO_TEXT ? NULL : d->text.s + at;
}

const char *dg_dev_name(const diagrams *d, size_t dev) {
    return d->t->devices[dev].name;
}

const char *dg_iface_name(const diagrams *d, const model_endpoint *e) {
    return d->t->devices[e->device].ifaces[e->iface].name;
}

void dg_put_html(strbuf *b, const char *s) {
    char *e = dot_escape_html(s);
    strbuf_puts(b, e);
    free(e);
}

/* --- construction --- */

diagrams *diagrams_new(const model_topology *t, const diagram_options *o) {
    diagrams *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    d->t = t;
    if (o)
        d->o = *o;
    if (d->o.max_paths == 0)
        d->o.max_paths = DIAGRAMS_MAX_PATHS;
    if (d->o.max_steps == 0)
        d->o.max_steps = DIAGRAMS_MAX_STEPS;
    if (!d->o.steps)
        d->o.max_steps = 0;
    d->dev_index = strmap_new();
    d->flow_by_key = u64map_new(sizeof(uint32_t));
    d->packet_by_id = u64map_new(sizeof(uint32_t));
    d->flows = calloc(DIAGRAMS_MAX_FLOWS, sizeof *d->flows);
    if (!d->dev_index || !d->flow_by_key || !d->packet_by_id || !d->flows) {
        diagrams_free(d);
        return NULL;
    }
    for (size_t i = 0; i < t->n_devices; i++)
        strmap_put(d->dev_index, t->devices[i].name, (int)i);
    if (d->o.steps) {
        d->dev_line = ns_xcalloc(t->n_devices, sizeof *d->dev_line);
        d->dev_line_pkt = ns_xcalloc(t->n_devices, sizeof *d->dev_line_pkt);
    }
    return d;
}

void diagrams_free(diagrams *d) {
    if (!d)
        return;
    if (d->dev_line)
        for (size_t i = 0; i < d->t->n_devices; i++)
            free(d->dev_line[i]);
    free(d->dev_line);
    free(d->dev_line_pkt);
    strbuf_free(&d->text);
    free(d->flows);
    u64map_free(d->flow_by_key);
    u64map_free(d->packet_by_id);
    free(d->packets);
    free(d->frames);
    strmap_free(d->dev_index);
    free(d);
}

/* --- frames --- */

static proto_kind classify(const frame_info *fi) {
    if (fi->has_arp)
        return PROTO_ARP;
    if (!fi->has_ip)
        return PROTO_OTHER;
    if (fi->has_ports) {
        uint16_t s = fi->src_port, t = fi->dst_port;
        if (s == DNS_PORT || t == DNS_PORT || s == DHCP_SERVER_PORT || t == DHCP_SERVER_PORT ||
            s == DHCP_CLIENT_PORT || t == DHCP_CLIENT_PORT)
            return PROTO_SERVICE;
    }
    switch (fi->ip_protocol) {
    case IPPROTO_ICMP_NUM:
        return PROTO_ICMP;
    case IPPROTO_TCP_NUM:
        return PROTO_TCP;
    case IPPROTO_UDP_NUM:
        return PROTO_UDP;
    default:
        return PROTO_OTHER;
    }
}

static bool is_mac_text(const char *s, size_t n) {
    return n == MAC_TEXT_LEN - 1 && s[2] == ':' && s[5] == ':';
}

static bool starts_with(const char *s, size_t n, const char *prefix) {
    size_t p = strlen(prefix);
    return n >= p && memcmp(s, prefix, p) == 0;
}

static bool is_word(const char *s, size_t n, const char *word) {
    return n == strlen(word) && memcmp(s, word, n) == 0;
}

/* The short arrow label of a summary: "ICMP echo request 10.0.0.1 >
 * 10.0.0.2 id=0x1c2b seq=1 ttl=64" becomes "ICMP echo request seq=1". Drops
 * "a > b" address pairs (kept as "port > port" for UDP, which has little
 * else to show), id=, xid=, ttl=, win=, len=0, "tell IP", and "from MAC" /
 * "to MAC"; cuts what is left at LABEL_MAX characters. */
void dg_short_label(const char *summary, char *out, size_t cap) {
    const char *tok[64];
    size_t len[64], n = 0;
    for (const char *p = summary; *p && n < 64;) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        tok[n] = p;
        while (*p && *p != ' ')
            p++;
        len[n] = (size_t)(p - tok[n]);
        n++;
    }
    bool udp = n > 0 && is_word(tok[0], len[0], "UDP");
    strbuf b = {0};
    strbuf_clear(&b);
    for (size_t i = 0; i < n; i++) {
        if (i + 2 < n && is_word(tok[i + 1], len[i + 1], ">")) {
            const char *ps = memchr(tok[i], ':', len[i]);
            const char *pd = memchr(tok[i + 2], ':', len[i + 2]);
            if (udp && ps && pd)
                strbuf_printf(&b, "%s%.*s > %.*s", b.len ? " " : "",
                              (int)(tok[i] + len[i] - ps - 1), ps + 1,
                              (int)(tok[i + 2] + len[i + 2] - pd - 1), pd + 1);
            i += 2;
            continue;
        }
        if (starts_with(tok[i], len[i], "id=") || starts_with(tok[i], len[i], "xid=") ||
            starts_with(tok[i], len[i], "ttl=") || starts_with(tok[i], len[i], "win=") ||
            is_word(tok[i], len[i], "len=0"))
            continue;
        if (i + 1 < n && (is_word(tok[i], len[i], "tell") ||
                          ((is_word(tok[i], len[i], "from") || is_word(tok[i], len[i], "to")) &&
                           is_mac_text(tok[i + 1], len[i + 1])))) {
            i++;
            continue;
        }
        strbuf_printf(&b, "%s%.*s", b.len ? " " : "", (int)len[i], tok[i]);
    }
    if (b.len > LABEL_MAX)
        snprintf(out, cap, "%.*s...", LABEL_MAX - 3, b.s);
    else
        snprintf(out, cap, "%s", b.s);
    strbuf_free(&b);
}

/* The flow of a sent packet: an index into d->flows, created while there is
 * room, or DG_NO_FLOW (not IPv4 or ARP, no room, or the flow's ladder is
 * full). */
static uint32_t flow_of(diagrams *d, const frame_info *fi) {
    ipv4_addr a, b;
    if (fi->has_ip)
        a = fi->ip_src, b = fi->ip_dst;
    else if (fi->has_arp)
        a = fi->arp_sender_ip, b = fi->arp_target_ip;
    else
        return DG_NO_FLOW;
    ipv4_addr lo = a < b ? a : b, hi = a < b ? b : a;
    uint64_t key = ((uint64_t)lo << 32) | hi;
    uint32_t *slot = u64map_get(d->flow_by_key, key);
    if (!slot) {
        if (d->n_flows >= DIAGRAMS_MAX_FLOWS)
            return DG_NO_FLOW;
        slot = u64map_put(d->flow_by_key, key, NULL);
        *slot = (uint32_t)d->n_flows;
        d->flows[d->n_flows++] = (flow_rec){.lo = lo, .hi = hi, .n_packets = 0};
        d->open_flows++;
    }
    flow_rec *f = &d->flows[*slot];
    if (f->n_packets >= DIAGRAMS_LADDER_FRAMES)
        return DG_NO_FLOW;
    if (++f->n_packets == DIAGRAMS_LADDER_FRAMES)
        d->open_flows--;
    return *slot;
}

/* The device index of `name`, or DG_NO_DEVICE. */
static uint32_t device_of(const diagrams *d, const char *name) {
    int i = name ? strmap_get(d->dev_index, name) : -1;
    return i < 0 ? DG_NO_DEVICE : (uint32_t)i;
}

/* The kept record of packet `id`, or NULL. */
static packet_rec *packet_of(diagrams *d, uint32_t id) {
    uint32_t *slot = id ? u64map_get(d->packet_by_id, id) : NULL;
    return slot ? &d->packets[*slot] : NULL;
}

/* A packet's first send: its record, when a ladder has room for it. */
static void record_send(diagrams *d, const trace_event *ev) {
    uint32_t src = device_of(d, ev->device);
    if (!ev->packet_id || src == DG_NO_DEVICE || u64map_get(d->packet_by_id, ev->packet_id))
        return;
    /* Past the cap a packet may be counted again at each send (a router
     * sends a packet queued for ARP): only "more" is known, not how many. */
    bool in_main = d->n_main < DIAGRAMS_LADDER_FRAMES;
    if (in_main)
        d->n_main++;
    else
        d->more_packets = true;
    if (!in_main && d->open_flows == 0 && d->n_flows >= DIAGRAMS_MAX_FLOWS)
        return;
    const frame_info *fi = trace_event_frame(ev);
    uint32_t flow = flow_of(d, fi);
    if (!in_main && flow == DG_NO_FLOW)
        return;
    if (d->n_packets == d->cap_packets) {
        d->cap_packets = d->cap_packets ? d->cap_packets * 2 : 128;
        d->packets = ns_xrealloc(d->packets, d->cap_packets * sizeof *d->packets);
    }
    char label[SUMMARY_CAP];
    dg_short_label(trace_event_summary(ev), label, sizeof label);
    *(uint32_t *)u64map_put(d->packet_by_id, ev->packet_id, NULL) = (uint32_t)d->n_packets;
    d->packets[d->n_packets++] = (packet_rec){.time = ev->time,
                                              .id = ev->packet_id,
                                              .flow = flow,
                                              .src = src,
                                              .deliver = DG_NO_DEVICE,
                                              .last_rx = DG_NO_DEVICE,
                                              .drop = DG_NO_DEVICE,
                                              .proto = (uint8_t)classify(fi),
                                              .broadcast = mac_is_broadcast(fi->eth_dst),
                                              .in_main = in_main,
                                              .ttl = fi->has_ip ? fi->ttl : 0,
                                              .ip_src = fi->has_ip ? fi->ip_src : 0,
                                              .ip_dst = fi->has_ip    ? fi->ip_dst
                                                        : fi->has_arp ? fi->arp_target_ip
                                                                      : 0,
                                              .label = arena_put(d, label),
                                              .has_tcp = fi->has_tcp != 0,
                                              .tcp_flags = fi->tcp_flags,
                                              .tcp_seq = fi->tcp_seq,
                                              .tcp_ack = fi->tcp_ack,
                                              .tcp_len = fi->tcp_payload_len,
                                              .src_port = fi->has_ports ? fi->src_port : 0,
                                              .dst_port = fi->has_ports ? fi->dst_port : 0};
    packet_rec *p = &d->packets[d->n_packets - 1];
    p->rx_src = p->ip_src, p->rx_dst = p->ip_dst;
    p->rx_sport = p->src_port, p->rx_dport = p->dst_port;
}

/* Where a kept packet went: its first delivery, its first drop (with the
 * rule's code), the last device that got it from a link. */
static void record_fate(diagrams *d, const trace_event *ev) {
    packet_rec *p = packet_of(d, ev->packet_id);
    if (!p)
        return;
    if (ev->kind == TRACE_WIRE) {
        uint32_t rx = device_of(d, ev->wire.rx_device);
        if (rx != DG_NO_DEVICE)
            p->last_rx = rx;
    } else if (ev->kind == TRACE_DELIVER && p->deliver == DG_NO_DEVICE) {
        p->deliver = device_of(d, ev->device);
        const frame_info *fi = ev->frame ? trace_event_frame(ev) : NULL;
        if (fi && fi->has_ip && fi->has_ports) {
            p->rx_src = fi->ip_src, p->rx_dst = fi->ip_dst;
            p->rx_sport = fi->src_port, p->rx_dport = fi->dst_port;
        }
    } else if (ev->kind == TRACE_DROP && p->drop == DG_NO_DEVICE) {
        p->drop = device_of(d, ev->device);
        p->drop_reason = (uint8_t)ev->reason;
    }
}

/* --steps: the first max_steps frames on links. */
static void record_wire(diagrams *d, const trace_event *ev) {
    if (ev->link < 0 || (size_t)ev->link >= d->t->n_links || !ev->frame || !ev->wire.tx_device)
        return;
    uint32_t l = (uint32_t)ev->link;
    int side = ev->wire.tx_side ? 1 : 0;
    uint64_t idx = d->n_wire++;
    if (idx >= d->o.max_steps)
        return;
    const frame_info *fi = trace_event_frame(ev);
    if (d->n_frames == d->cap_frames) {
        d->cap_frames = d->cap_frames ? d->cap_frames * 2 : 256;
        d->frames = ns_xrealloc(d->frames, d->cap_frames * sizeof *d->frames);
    }
    const char *summary = trace_event_summary(ev);
    char label[SUMMARY_CAP];
    dg_short_label(summary, label, sizeof label);
    frame_rec *r = &d->frames[d->n_frames++];
    *r = (frame_rec){.time = ev->time,
                     .link = l,
                     .packet = ev->packet_id,
                     .label = arena_put(d, label),
                     .summary = arena_put(d, summary),
                     .line = DG_NO_TEXT,
                     .eth_src = fi->eth_src,
                     .eth_dst = fi->eth_dst,
                     .side = (uint8_t)side,
                     .proto = (uint8_t)classify(fi),
                     .broadcast = mac_is_broadcast(fi->eth_dst),
                     .is_step = 1};
    if (d->dev_line) {
        const model_link *ml = &d->t->links[l];
        size_t dev = side == 0 ? ml->a.device : ml->b.device;
        if (d->dev_line[dev] && d->dev_line_pkt[dev] == ev->packet_id)
            r->line = arena_put(d, d->dev_line[dev]);
    }
}

/* --steps: remembers a device's latest send/forward/flood/repeat line in the
 * layout of trace.txt (columns separated by two spaces, not padded), to show
 * beside the frame that follows it on a link. */
static void remember_line(diagrams *d, const trace_event *ev) {
    int dev = strmap_get(d->dev_index, ev->device);
    if (dev < 0)
        return;
    char time[TEXT_TIME_LEN], src[MAC_TEXT_LEN], dst[MAC_TEXT_LEN], summary[SUMMARY_CAP];
    frame_info fi;
    frame_decode(ev->frame, ev->frame_len, &fi);
    frame_describe(ev->frame, ev->frame_len, summary, sizeof summary);
    text_format_time(ev->time, time);
    strbuf b = {0};
    strbuf_printf(&b, "%s  %s%s%s  %s", time, ev->device, ev->port ? "." : "",
                  ev->port ? ev->port : "", trace_kind_name(ev->kind));
    if (ev->packet_id)
        strbuf_printf(&b, "  #%" PRIu32, ev->packet_id);
    strbuf_printf(&b, "  %s > %s  %s", mac_format(fi.eth_src, src), mac_format(fi.eth_dst, dst),
                  summary);
    if (ev->why)
        strbuf_printf(&b, "  (%s)", ev->why);
    if (ev->detail)
        strbuf_printf(&b, "  %s", ev->detail);
    for (char *p = b.s; *p; p++)
        if ((unsigned char)*p < 0x20)
            *p = ' ';
    free(d->dev_line[dev]);
    d->dev_line[dev] = b.s;
    d->dev_line_pkt[dev] = ev->packet_id;
}

static void diagrams_emit(void *self, const trace_event *ev) {
    diagrams *d = self;
    if (ev->kind == TRACE_SEND && ev->frame)
        record_send(d, ev);
    else if (ev->kind == TRACE_WIRE || ev->kind == TRACE_DELIVER || ev->kind == TRACE_DROP)
        record_fate(d, ev);
    if (ev->kind == TRACE_WIRE) {
        record_wire(d, ev);
        return;
    }
    if (!d->dev_line || d->n_wire >= d->o.max_steps || !ev->frame || !ev->device)
        return;
    if (ev->kind == TRACE_SEND || ev->kind == TRACE_FORWARD || ev->kind == TRACE_FLOOD ||
        ev->kind == TRACE_REPEAT)
        remember_line(d, ev);
}

trace_sink diagrams_as_sink(diagrams *d) {
    trace_sink s = {.emit = diagrams_emit, .self = d};
    return s;
}
