/*
 * hop_table: collects TRACE_WIRE events per packet id and writes each
 * packet's journey as a table (text) or as paths.json. Layout and rules are
 * documented in docs/hop-table.md. This file builds the table and collects
 * the hops; the end of each journey is hop_fate.c, the order of a packet's
 * hops hop_resolve.c, cell texts hop_cells.c and the writers hop_write.c.
 *
 * Storage: one array of compact hop records for the whole run (decoded MACs,
 * IPv4 or ARP addresses, TTL; never frame bytes), chained per packet in
 * arrival order, and one record per packet found through a u64map keyed by
 * packet id. Each event costs one hash look-up and an amortised append, so
 * loading is linear. The frame is decoded once per event for every sink
 * (trace_event_frame), never again here.
 */
#include <stdlib.h>
#include <string.h>

#include "sinks/hop_internal.h"
#include "util/alloc.h"

/* --- construction --- */

/* The index of device `name`, added (as neither hub nor switch) if unknown. */
static int32_t device_index(hop_table *t, const char *name) {
    int idx = strmap_get(t->dev_index, name);
    if (idx >= 0)
        return idx;
    hop_device *d = &t->devices[t->n_devices];
    d->name = name;
    d->is_hub = 0;
    d->is_switch = 0;
    strmap_put(t->dev_index, name, (int)t->n_devices);
    return (int32_t)t->n_devices++;
}

hop_table *hop_table_new(const hop_link *links, size_t n_links, const hop_device *devices,
                         size_t n_devices) {
    hop_table *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    /* Every link end may name a device missing from `devices`. */
    size_t cap_devices = n_devices + 2 * n_links;
    t->links = malloc((n_links ? n_links : 1) * sizeof *t->links);
    t->link_dev = malloc((n_links ? n_links : 1) * sizeof *t->link_dev);
    t->devices = malloc((cap_devices ? cap_devices : 1) * sizeof *t->devices);
    t->dev_index = strmap_new();
    t->by_id = u64map_new(sizeof(uint32_t));
    t->header_index = u64map_new(sizeof(uint32_t));
    if (!t->links || !t->link_dev || !t->devices || !t->dev_index || !t->by_id || !t->header_index)
        goto err;
    if (n_links)
        memcpy(t->links, links, n_links * sizeof *links);
    t->n_links = n_links;
    t->pending = NO_HOP;
    for (size_t i = 0; i < n_devices; i++) {
        if (!devices[i].name || strmap_get(t->dev_index, devices[i].name) >= 0)
            continue; /* a duplicate name keeps its first kind */
        strmap_put(t->dev_index, devices[i].name, (int)t->n_devices);
        t->devices[t->n_devices++] = devices[i];
    }
    for (size_t i = 0; i < n_links; i++)
        for (int side = 0; side < 2; side++)
            t->link_dev[i][side] =
                device_index(t, links[i].device[side] ? links[i].device[side] : "?");
    return t;
err:
    hop_table_free(t);
    return NULL;
}

void hop_table_free(hop_table *t) {
    if (!t)
        return;
    for (size_t i = 0; i < t->n_packets; i++) {
        free(t->packets[i].summary);
    }
    hop__fate_free(t);
    for (size_t i = 0; i < t->n_texts; i++)
        free(t->texts[i]);
    free(t->texts);
    strmap_free(t->text_index);
    strmap_free(t->place_index);
    free(t->places);
    strbuf_free(&t->scratch);
    free(t->packets);
    free(t->hops);
    free(t->headers);
    u64map_free(t->header_index);
    u64map_free(t->by_id);
    strmap_free(t->dev_index);
    free(t->devices);
    free(t->link_dev);
    free(t->links);
    free(t);
}

void *hop__grow(void *items, size_t *cap, size_t n, size_t size, size_t first) {
    if (n < *cap)
        return items;
    size_t grown = *cap ? *cap * 2 : first;
    if (grown >= NO_HOP)
        ns_out_of_memory(); /* 4 billion records: beyond any run this table is meant for */
    *cap = grown;
    return ns_xrealloc(items, grown * size);
}

uint32_t hop__text_id(hop_table *t, const char *s) {
    if (!s)
        return 0;
    if (!t->text_index && !(t->text_index = strmap_new()))
        ns_out_of_memory();
    int i = strmap_get(t->text_index, s);
    if (i >= 0)
        return (uint32_t)i + 1;
    if (t->n_texts >= INT32_MAX)
        ns_out_of_memory();
    t->texts = hop__grow(t->texts, &t->cap_texts, t->n_texts, sizeof *t->texts, 64);
    char *copy = ns_xstrdup(s);
    t->texts[t->n_texts] = copy;
    strmap_put(t->text_index, copy, (int)t->n_texts++);
    return (uint32_t)t->n_texts;
}

const char *hop__text(const hop_table *t, uint32_t id) {
    return id ? t->texts[id - 1] : NULL;
}

uint32_t hop__place(hop_table *t, const trace_event *ev) {
    /* The key keeps device and port apart ("a.b" + "c" is not "a" + "b.c")
     * and no device from a device named "?": names hold no control
     * characters. */
    const char *device = ev->device ? ev->device : "?";
    strbuf_clear(&t->scratch);
    strbuf_puts(&t->scratch, ev->device ? ev->device : "\x01");
    if (ev->port) {
        strbuf_putc(&t->scratch, '\n');
        strbuf_puts(&t->scratch, ev->port);
    }
    if (!t->place_index && !(t->place_index = strmap_new()))
        ns_out_of_memory();
    int i = strmap_get(t->place_index, t->scratch.s);
    if (i >= 0)
        return (uint32_t)i;
    if (t->n_places >= INT32_MAX)
        ns_out_of_memory();
    t->places = hop__grow(t->places, &t->cap_places, t->n_places, sizeof *t->places, 64);
    hop_place *pl = &t->places[t->n_places];
    strmap_put(t->place_index, hop__text(t, hop__text_id(t, t->scratch.s)), (int)t->n_places);
    pl->device = hop__text(t, hop__text_id(t, ev->device));
    pl->port = hop__text(t, hop__text_id(t, ev->port));
    strbuf_clear(&t->scratch);
    strbuf_puts(&t->scratch, device);
    if (ev->port) {
        strbuf_putc(&t->scratch, '.');
        strbuf_puts(&t->scratch, ev->port);
    }
    pl->where = hop__text(t, hop__text_id(t, t->scratch.s));
    return (uint32_t)t->n_places++;
}

/* --- collection --- */

static uint32_t packet_new(hop_table *t, const trace_event *ev) {
    t->packets = hop__grow(t->packets, &t->cap_packets, t->n_packets, sizeof *t->packets, 64);
    packet_rec *p = &t->packets[t->n_packets];
    p->id = ev->packet_id;
    p->first = p->last = NO_HOP;
    p->n_hops = 0;
    p->fate_first = p->fate_last = NO_HOP;
    p->last_wire = p->rx_time = 0;
    p->rx_place = NO_HOP;
    p->summary = ns_xstrdup(trace_event_summary(ev));
    return (uint32_t)t->n_packets++;
}

/* The index of header `hd` among the kept ones, kept now if it is new. */
static uint32_t header_id(hop_table *t, const hop_header *hd) {
    uint64_t key = (uint64_t)hd->src << 32 ^ hd->dst;
    for (int i = 0; i < 6; i++)
        key = key * 31 + hd->eth_src.b[i] * 7 + hd->eth_dst.b[i];
    key ^= (uint64_t)hd->sport << 48 ^ (uint64_t)hd->dport << 32 ^ (uint64_t)hd->ttl << 8 ^ hd->net;
    for (;; key++) { /* equal keys, different headers: the next key */
        bool created = false;
        uint32_t *slot = u64map_put(t->header_index, key, &created);
        if (!created) {
            if (memcmp(&t->headers[*slot], hd, sizeof *hd) == 0)
                return *slot;
            continue;
        }
        t->headers = hop__grow(t->headers, &t->cap_headers, t->n_headers, sizeof *t->headers, 64);
        t->headers[t->n_headers] = *hd;
        *slot = (uint32_t)t->n_headers;
        return (uint32_t)t->n_headers++;
    }
}

static hop_rec *hop_append(hop_table *t) {
    t->hops = hop__grow(t->hops, &t->cap_hops, t->n_hops, sizeof *t->hops, 256);
    hop_rec *h = &t->hops[t->n_hops++];
    memset(h, 0, sizeof *h);
    return h;
}

static void hop_table_emit(void *self, const trace_event *ev) {
    hop_table *t = self;
    if (hop__fate_emit(t, ev))
        return;
    if (ev->kind != TRACE_WIRE || ev->packet_id == 0 || !ev->frame || ev->link < 0 ||
        (size_t)ev->link >= t->n_links || !ev->wire.tx_device)
        return;
    int side = ev->wire.tx_side ? 1 : 0;
    bool created = false;
    uint32_t *slot = u64map_put(t->by_id, ev->packet_id, &created);
    if (created)
        *slot = packet_new(t, ev);
    packet_rec *p = &t->packets[*slot];

    const frame_info *fi = trace_event_frame(ev);
    hop_rec *h = hop_append(t);
    uint32_t hi = (uint32_t)(t->n_hops - 1);
    h->time = ev->time;
    h->link = (uint32_t)ev->link;
    h->next = NO_HOP;
    h->side = (uint8_t)side;
    hop_header hd;
    memset(&hd, 0, sizeof hd); /* headers are compared as bytes */
    hd.eth_src = fi->eth_src;
    hd.eth_dst = fi->eth_dst;
    if (fi->has_ip) {
        hd.net = HOP_NET_IPV4;
        hd.src = fi->ip_src;
        hd.dst = fi->ip_dst;
        hd.ttl = fi->ttl;
        hd.has_ports = (uint8_t)(fi->has_ports != 0);
        hd.sport = fi->src_port;
        hd.dport = fi->dst_port;
    } else if (fi->has_arp) {
        hd.net = HOP_NET_ARP;
        hd.src = fi->arp_sender_ip;
        hd.dst = fi->arp_target_ip;
    } else {
        hd.net = HOP_NET_NONE;
    }
    h->header = header_id(t, &hd);
    if (p->last == NO_HOP)
        p->first = hi;
    else
        t->hops[p->last].next = hi;
    p->last = hi;
    p->n_hops++;
    p->last_wire = ev->time;
}

trace_sink hop_table_as_sink(hop_table *t) {
    trace_sink s = {.emit = hop_table_emit, .self = t};
    return s;
}

size_t hop_table_packet_count(const hop_table *t) {
    return t->n_packets;
}

const packet_rec *hop__packet_find(const hop_table *t, uint32_t id) {
    const uint32_t *slot = u64map_get(t->by_id, id);
    return slot ? &t->packets[*slot] : NULL;
}

size_t hop_table_hop_count(const hop_table *t, uint32_t packet_id) {
    const packet_rec *p = hop__packet_find(t, packet_id);
    return p ? p->n_hops : 0;
}
