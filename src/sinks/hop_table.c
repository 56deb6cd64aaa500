/*
 * hop_table: collects TRACE_WIRE events per packet id and writes each
 * packet's journey as a table (text) or as paths.json. Layout and rules are
 * documented in docs/hop-table.md.
 *
 * Storage: one array of compact hop records for the whole run (decoded MACs,
 * IPv4 or ARP addresses, TTL; never frame bytes), chained per packet in
 * arrival order, and one record per packet found through a u64map keyed by
 * packet id. Each event costs one hash look-up and an amortised append, so
 * loading is linear.
 *
 * Resolution (at write time, per packet, O(h log h) for h hops): hops are
 * put in (time, arrival) order; a hop's predecessor is the latest earlier hop
 * whose link's receiving end is the device that transmitted this one. Hops at
 * the same instant are one group: a hub segment reports all its links at
 * once, in link order, so the station's hop may arrive after the hub's; within
 * a group a receiving hop that arrived before wins, else one that arrived
 * after, else the latest from an earlier instant. Per-device "latest hop"
 * slots are reset lazily by stamps, so each packet costs O(h), not O(devices).
 * A cycle of predecessors (possible only among same-instant hops) is cut, so
 * every hop gets a finite number. Rows are then shown in (time, hop number,
 * arrival) order: never hash order, so output is byte-identical across runs.
 */
#include "sinks/hop_table.h"
#include "util/alloc.h"
#include "util/strbuf.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "sinks/trace_jsonl.h"
#include "util/strmap.h"
#include "util/u64map.h"
#include "wire/addr.h"
#include "wire/describe.h"

#define NO_HOP        UINT32_MAX
#define VISITING      UINT32_MAX /* a hop number being computed (cycle check) */
#define SUMMARY_CAP   512        /* frame_describe truncates longer summaries */
#define TIME_TEXT_LEN 32
#define ENDPOINT_LEN  24 /* "255.255.255.255:65535" plus NUL */
#define NET_TEXT_LEN  64 /* two endpoints joined by " > " */
#define COLUMN_GAP    2

/* What the "ip src > dst" column holds for a hop. */
enum {
    HOP_NET_NONE, /* neither IPv4 nor ARP (or a header that did not parse) */
    HOP_NET_IPV4, /* src, dst: the IPv4 header's addresses; ttl valid */
    HOP_NET_ARP,  /* src, dst: the ARP sender and target protocol addresses */
};

/* One frame crossing one link, decoded (48 bytes). */
typedef struct hop_rec {
    uint64_t time;
    uint32_t link;
    uint32_t next; /* the packet's next hop in arrival order, or NO_HOP */
    mac_addr eth_src, eth_dst;
    uint8_t side; /* which end of the link transmitted: 0 or 1 */
    uint8_t net;  /* HOP_NET_* */
    uint8_t ttl;
    /* UDP/TCP ports: frame_info does not carry them yet. When it does (the
     * NAT box), set has_ports, sport and dport in hop_table_emit; the IP
     * column, the "IP rewritten" rule and paths.json already show them. */
    uint8_t has_ports;
    ipv4_addr src, dst;
    uint16_t sport, dport;
} hop_rec;

/* What became of a packet at one place: a TRACE_DELIVER or TRACE_DROP event
 * (a flooded broadcast may have several). Texts are copies. */
typedef struct fate_rec {
    uint64_t time;
    uint32_t next;    /* the packet's next fate, or NO_HOP */
    uint32_t trigger; /* drops: the packet id the dropping device sent next, or 0 */
    bool dropped;
    trace_reason reason;
    char *where;           /* "device.port" or "device"; owned */
    char *why;             /* the event's prose, or NULL; owned */
    char *trigger_summary; /* frame_describe of the triggered packet; owned */
} fate_rec;

typedef struct packet_rec {
    uint32_t id;
    uint32_t first, last; /* hop chain in arrival order */
    uint32_t n_hops;
    uint32_t fate_first, fate_last; /* fate chain in arrival order */
    uint64_t last_wire;             /* the latest hop's time */
    uint64_t rx_time;               /* the latest TRACE_RECEIVE's time */
    char *rx_where;                 /* and where ("device.port"); owned, NULL if none */
    char *summary;                  /* frame_describe of the first frame seen; owned */
} packet_rec;

struct hop_table {
    hop_link *links; /* copied array; strings borrowed */
    int32_t (*link_dev)[2];
    size_t n_links;
    hop_device *devices; /* copied, plus devices named only by links */
    size_t n_devices;
    strmap *dev_index;
    hop_rec *hops;
    size_t n_hops, cap_hops;
    packet_rec *packets;
    size_t n_packets, cap_packets;
    u64map *by_id; /* packet id -> uint32_t index into packets */
    fate_rec *fates;
    size_t n_fates, cap_fates;
    uint32_t max_id;   /* the highest packet id any event carried so far */
    uint32_t pending;  /* the latest drop, waiting for the send it triggers, or NO_HOP */
    char *pending_dev; /* that drop's device; owned */
};

/* --- construction and collection --- */

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
    if (!t->links || !t->link_dev || !t->devices || !t->dev_index || !t->by_id)
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
    for (size_t i = 0; i < t->n_packets; i++)
        free(t->packets[i].summary), free(t->packets[i].rx_where);
    for (size_t i = 0; i < t->n_fates; i++) {
        free(t->fates[i].where);
        free(t->fates[i].why);
        free(t->fates[i].trigger_summary);
    }
    free(t->fates);
    free(t->pending_dev);
    free(t->packets);
    free(t->hops);
    u64map_free(t->by_id);
    strmap_free(t->dev_index);
    free(t->devices);
    free(t->link_dev);
    free(t->links);
    free(t);
}

static bool name_equal(const char *a, const char *b) {
    return a && b && strcmp(a, b) == 0;
}

static uint32_t packet_new(hop_table *t, const trace_event *ev) {
    if (t->n_packets == t->cap_packets) {
        size_t cap = t->cap_packets ? t->cap_packets * 2 : 64;
        packet_rec *p = realloc(t->packets, cap * sizeof *p);
        if (!p)
            ns_out_of_memory();
        t->packets = p;
        t->cap_packets = cap;
    }
    char summary[SUMMARY_CAP];
    frame_describe(ev->frame, ev->frame_len, summary, sizeof summary);
    packet_rec *p = &t->packets[t->n_packets];
    p->id = ev->packet_id;
    p->first = p->last = NO_HOP;
    p->n_hops = 0;
    p->fate_first = p->fate_last = NO_HOP;
    p->last_wire = p->rx_time = 0;
    p->rx_where = NULL;
    p->summary = malloc(strlen(summary) + 1);
    if (!p->summary)
        ns_out_of_memory();
    strcpy(p->summary, summary);
    return (uint32_t)t->n_packets++;
}

static hop_rec *hop_append(hop_table *t) {
    if (t->n_hops == t->cap_hops) {
        size_t cap = t->cap_hops ? t->cap_hops * 2 : 256;
        if (cap >= NO_HOP)
            ns_out_of_memory(); /* 4 billion hops: beyond any run this table is meant for */
        hop_rec *h = realloc(t->hops, cap * sizeof *h);
        if (!h)
            ns_out_of_memory();
        t->hops = h;
        t->cap_hops = cap;
    }
    hop_rec *h = &t->hops[t->n_hops++];
    memset(h, 0, sizeof *h);
    return h;
}

static char *copy_text(const char *s) {
    return s ? ns_xstrdup(s) : NULL;
}

/* Records a delivery or drop of a packet that crossed a link. */
static void fate_add(hop_table *t, const trace_event *ev) {
    const uint32_t *slot = u64map_get(t->by_id, ev->packet_id);
    if (!slot)
        return; /* never crossed a link: no table to end */
    if (t->n_fates == t->cap_fates) {
        size_t cap = t->cap_fates ? t->cap_fates * 2 : 64;
        fate_rec *f = realloc(t->fates, cap * sizeof *f);
        if (!f)
            ns_out_of_memory();
        t->fates = f;
        t->cap_fates = cap;
    }
    uint32_t fi = (uint32_t)t->n_fates++;
    fate_rec *f = &t->fates[fi];
    strbuf where = {0};
    strbuf_printf(&where, "%s%s%s", ev->device ? ev->device : "?", ev->port ? "." : "",
                  ev->port ? ev->port : "");
    *f = (fate_rec){.time = ev->time,
                    .next = NO_HOP,
                    .dropped = ev->kind == TRACE_DROP,
                    .reason = ev->reason,
                    .where = where.s,
                    .why = copy_text(ev->why)};
    packet_rec *p = &t->packets[*slot];
    if (p->fate_last == NO_HOP)
        p->fate_first = fi;
    else
        t->fates[p->fate_last].next = fi;
    p->fate_last = fi;
    if (f->dropped) {
        t->pending = fi;
        free(t->pending_dev);
        t->pending_dev = copy_text(ev->device);
    }
}

/* Notes where a packet was last received: a packet that arrived but was
 * neither delivered nor dropped (a TCP segment without data) is not in flight. */
static void receive_note(hop_table *t, const trace_event *ev) {
    const uint32_t *slot = u64map_get(t->by_id, ev->packet_id);
    if (!slot)
        return;
    packet_rec *p = &t->packets[*slot];
    strbuf where = {0};
    strbuf_printf(&where, "%s%s%s", ev->device ? ev->device : "?", ev->port ? "." : "",
                  ev->port ? ev->port : "");
    free(p->rx_where);
    p->rx_where = where.s;
    p->rx_time = ev->time;
}

/* A drop triggers the next packet its device sends at the same instant (an
 * ICMP error), if that packet is new: found from the facts, never the prose. */
static void fate_watch(hop_table *t, const trace_event *ev) {
    if (t->pending == NO_HOP)
        return;
    fate_rec *f = &t->fates[t->pending];
    if (ev->time != f->time) {
        t->pending = NO_HOP;
        return;
    }
    if (ev->kind != TRACE_SEND || !name_equal(ev->device, t->pending_dev))
        return;
    if (ev->packet_id > t->max_id && ev->frame) {
        char summary[SUMMARY_CAP];
        frame_describe(ev->frame, ev->frame_len, summary, sizeof summary);
        f->trigger = ev->packet_id;
        f->trigger_summary = copy_text(summary);
    }
    t->pending = NO_HOP;
}

static void hop_table_emit(void *self, const trace_event *ev) {
    hop_table *t = self;
    fate_watch(t, ev);
    if (ev->packet_id > t->max_id)
        t->max_id = ev->packet_id;
    if ((ev->kind == TRACE_DELIVER || ev->kind == TRACE_DROP) && ev->packet_id != 0) {
        fate_add(t, ev);
        return;
    }
    if (ev->kind == TRACE_RECEIVE && ev->packet_id != 0) {
        receive_note(t, ev);
        return;
    }
    if (ev->kind != TRACE_WIRE || ev->packet_id == 0 || !ev->frame || ev->link < 0 ||
        (size_t)ev->link >= t->n_links || !ev->wire.tx_device)
        return;
    int side = ev->wire.tx_side ? 1 : 0;
    bool created = false;
    uint32_t *slot = u64map_put(t->by_id, ev->packet_id, &created);
    if (created)
        *slot = packet_new(t, ev);
    packet_rec *p = &t->packets[*slot];

    frame_info fi;
    frame_decode(ev->frame, ev->frame_len, &fi);
    hop_rec *h = hop_append(t);
    uint32_t hi = (uint32_t)(t->n_hops - 1);
    h->time = ev->time;
    h->link = (uint32_t)ev->link;
    h->next = NO_HOP;
    h->side = (uint8_t)side;
    h->eth_src = fi.eth_src;
    h->eth_dst = fi.eth_dst;
    if (fi.has_ip) {
        h->net = HOP_NET_IPV4;
        h->src = fi.ip_src;
        h->dst = fi.ip_dst;
        h->ttl = fi.ttl;
        h->has_ports = (uint8_t)(fi.has_ports != 0);
        h->sport = fi.src_port;
        h->dport = fi.dst_port;
    } else if (fi.has_arp) {
        h->net = HOP_NET_ARP;
        h->src = fi.arp_sender_ip;
        h->dst = fi.arp_target_ip;
    } else {
        h->net = HOP_NET_NONE;
    }
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

static const packet_rec *packet_find(const hop_table *t, uint32_t id) {
    const uint32_t *slot = u64map_get(t->by_id, id);
    return slot ? &t->packets[*slot] : NULL;
}

size_t hop_table_hop_count(const hop_table *t, uint32_t packet_id) {
    const packet_rec *p = packet_find(t, packet_id);
    return p ? p->n_hops : 0;
}

/* --- resolution: predecessors, hop numbers, display order --- */

/* A sort entry: by time, then key (arrival, later hop number), then idx. */
typedef struct hop_order {
    uint64_t time;
    uint32_t key;
    uint32_t idx;
} hop_order;

static int hop_order_cmp(const void *a, const void *b) {
    const hop_order *x = a, *y = b;
    if (x->time != y->time)
        return x->time < y->time ? -1 : 1;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return (x->idx > y->idx) - (x->idx < y->idx);
}

/* Scratch space for resolving one packet at a time. Positions ("pos") index
 * the packet's hops in (time, arrival) order; rows are the display order. */
typedef struct resolver {
    const hop_table *t;
    uint32_t *last_pos; /* per device: latest hop received there (arrival) */
    uint64_t *last_stamp;
    uint32_t *group_pos; /* per device: latest hop received there this instant */
    uint64_t *group_stamp;
    uint64_t stamp;
    hop_order *order; /* by pos: idx = index into t->hops */
    uint32_t *pred;   /* by pos: predecessor's pos, or NO_HOP */
    uint32_t *number; /* by pos: hop number */
    uint32_t *stack;
    hop_order *rows;  /* by row: idx = pos */
    uint32_t *row_of; /* by pos: its row */
    uint32_t n;
    strbuf text;
} resolver;

static void resolver_init(resolver *r, const hop_table *t) {
    memset(r, 0, sizeof *r);
    r->t = t;
    size_t max_hops = 0;
    for (size_t i = 0; i < t->n_packets; i++)
        if (t->packets[i].n_hops > max_hops)
            max_hops = t->packets[i].n_hops;
    r->last_pos = ns_xcalloc(t->n_devices, sizeof *r->last_pos);
    r->last_stamp = ns_xcalloc(t->n_devices, sizeof *r->last_stamp);
    r->group_pos = ns_xcalloc(t->n_devices, sizeof *r->group_pos);
    r->group_stamp = ns_xcalloc(t->n_devices, sizeof *r->group_stamp);
    r->order = ns_xcalloc(max_hops, sizeof *r->order);
    r->pred = ns_xcalloc(max_hops, sizeof *r->pred);
    r->number = ns_xcalloc(max_hops, sizeof *r->number);
    r->stack = ns_xcalloc(max_hops, sizeof *r->stack);
    r->rows = ns_xcalloc(max_hops, sizeof *r->rows);
    r->row_of = ns_xcalloc(max_hops, sizeof *r->row_of);
}

static void resolver_free(resolver *r) {
    free(r->last_pos);
    free(r->last_stamp);
    free(r->group_pos);
    free(r->group_stamp);
    free(r->order);
    free(r->pred);
    free(r->number);
    free(r->stack);
    free(r->rows);
    free(r->row_of);
    free(r->text.s);
}

static const hop_rec *hop_at(const resolver *r, uint32_t pos) {
    return &r->t->hops[r->order[pos].idx];
}

static int32_t hop_from_dev(const hop_table *t, const hop_rec *h) {
    return t->link_dev[h->link][h->side];
}

static int32_t hop_to_dev(const hop_table *t, const hop_rec *h) {
    return t->link_dev[h->link][1 - h->side];
}

/* Predecessors of the hops at positions [begin, end), all at one instant. */
static void resolve_group(resolver *r, uint32_t begin, uint32_t end, uint64_t packet_stamp) {
    const hop_table *t = r->t;
    uint64_t g = ++r->stamp;
    for (uint32_t k = begin; k < end; k++) {
        int32_t to = hop_to_dev(t, hop_at(r, k));
        r->group_pos[to] = k;
        r->group_stamp[to] = g;
    }
    for (uint32_t k = begin; k < end; k++) {
        const hop_rec *h = hop_at(r, k);
        int32_t from = hop_from_dev(t, h);
        uint32_t before = r->last_stamp[from] == packet_stamp ? r->last_pos[from] : NO_HOP;
        if (before != NO_HOP && before >= begin)
            r->pred[k] = before; /* same instant, arrived earlier */
        else if (r->group_stamp[from] == g && r->group_pos[from] != k)
            r->pred[k] = r->group_pos[from]; /* same instant, arrived later */
        else
            r->pred[k] = before; /* an earlier instant, or none */
        int32_t to = hop_to_dev(t, h);
        r->last_pos[to] = k;
        r->last_stamp[to] = packet_stamp;
    }
}

/* Hop numbers: 1 for a hop without predecessor, else predecessor's + 1.
 * Iterative, each hop is numbered once; a cycle is cut where it closes. */
static void number_hops(resolver *r) {
    for (uint32_t k = 0; k < r->n; k++)
        r->number[k] = 0;
    for (uint32_t k = 0; k < r->n; k++) {
        if (r->number[k] != 0)
            continue;
        uint32_t depth = 0;
        uint32_t x = k;
        while (x != NO_HOP && r->number[x] == 0) {
            r->number[x] = VISITING;
            r->stack[depth++] = x;
            x = r->pred[x];
        }
        uint32_t cut = NO_HOP;
        if (x != NO_HOP && r->number[x] == VISITING) {
            cut = x; /* the chain came back to itself: x becomes a root */
            r->pred[x] = NO_HOP;
            r->number[x] = 1;
        }
        while (depth > 0) {
            uint32_t s = r->stack[--depth];
            if (s == cut)
                continue;
            r->number[s] = r->pred[s] == NO_HOP ? 1 : r->number[r->pred[s]] + 1;
        }
    }
}

/* Resolves packet `p`: fills order, pred, number, rows and row_of. */
static void resolve(resolver *r, const packet_rec *p) {
    const hop_table *t = r->t;
    uint32_t n = 0;
    for (uint32_t hi = p->first; hi != NO_HOP; hi = t->hops[hi].next) {
        r->order[n] = (hop_order){.time = t->hops[hi].time, .key = n, .idx = hi};
        n++;
    }
    r->n = n;
    qsort(r->order, n, sizeof *r->order, hop_order_cmp);

    uint64_t packet_stamp = ++r->stamp;
    for (uint32_t begin = 0; begin < n;) {
        uint32_t end = begin + 1;
        while (end < n && r->order[end].time == r->order[begin].time)
            end++;
        resolve_group(r, begin, end, packet_stamp);
        begin = end;
    }
    number_hops(r);

    for (uint32_t k = 0; k < n; k++)
        r->rows[k] = (hop_order){.time = r->order[k].time, .key = r->number[k], .idx = k};
    qsort(r->rows, n, sizeof *r->rows, hop_order_cmp);
    for (uint32_t row = 0; row < n; row++)
        r->row_of[r->rows[row].idx] = row;
}

/* --- cell texts shared by both formats --- */

static void format_time(uint64_t ns, char buf[TIME_TEXT_LEN]) {
    snprintf(buf, TIME_TEXT_LEN, "%" PRIu64 ".%09" PRIu64, ns / 1000000000u, ns % 1000000000u);
}

/* "a.b.c.d", with ":port" when the hop carries ports. */
static void format_endpoint(ipv4_addr a, int has_port, uint16_t port, char *buf, size_t cap) {
    char ip[IPV4_TEXT_LEN];
    ipv4_format(a, ip);
    if (has_port)
        snprintf(buf, cap, "%s:%u", ip, port);
    else
        snprintf(buf, cap, "%s", ip);
}

/* The "ip src > dst" cell: IPv4 (or ARP sender > target) addresses, "-"
 * when the frame carries neither. */
static void format_net(const hop_rec *h, char buf[NET_TEXT_LEN]) {
    if (h->net == HOP_NET_NONE) {
        snprintf(buf, NET_TEXT_LEN, "-");
        return;
    }
    char src[ENDPOINT_LEN], dst[ENDPOINT_LEN];
    format_endpoint(h->src, h->has_ports, h->sport, src, sizeof src);
    format_endpoint(h->dst, h->has_ports, h->dport, dst, sizeof dst);
    snprintf(buf, NET_TEXT_LEN, "%s > %s", src, dst);
}

static void format_ttl(const hop_rec *h, char buf[8]) {
    if (h->net == HOP_NET_IPV4)
        snprintf(buf, 8, "%u", h->ttl);
    else
        snprintf(buf, 8, "-");
}

static bool addresses_changed(const hop_rec *h, const hop_rec *p) {
    if (h->net != p->net || h->src != p->src || h->dst != p->dst || h->has_ports != p->has_ports)
        return true;
    return h->has_ports && (h->sport != p->sport || h->dport != p->dport);
}

/* The change cell (rules in docs/hop-table.md), into r->text; returns the
 * rule that applied. */
static hop_change format_change(resolver *r, const hop_rec *h, const hop_rec *p) {
    const hop_table *t = r->t;
    const char *d = t->links[h->link].device[h->side];
    strbuf *b = &r->text;
    hop_change kind;
    strbuf_clear(b);
    if (!p) {
        strbuf_printf(b, "sent by %s", d);
        return HOP_CHANGE_SENT;
    }
    bool both_ip = h->net == HOP_NET_IPV4 && p->net == HOP_NET_IPV4;
    bool mac_changed = !mac_equal(h->eth_src, p->eth_src) || !mac_equal(h->eth_dst, p->eth_dst);
    bool ttl_changed = both_ip && h->ttl != p->ttl;
    bool src_changed = h->src != p->src || (h->has_ports && h->sport != p->sport);
    bool dst_changed = h->dst != p->dst || (h->has_ports && h->dport != p->dport);
    if (addresses_changed(h, p) && both_ip && h->has_ports == p->has_ports &&
        src_changed != dst_changed) {
        /* A NAT box rewrites one end: name just that end, before and after. */
        char was[ENDPOINT_LEN], now[ENDPOINT_LEN];
        bool ports = h->has_ports && (src_changed ? h->sport != p->sport : h->dport != p->dport);
        format_endpoint(src_changed ? p->src : p->dst, h->has_ports,
                        src_changed ? p->sport : p->dport, was, sizeof was);
        format_endpoint(src_changed ? h->src : h->dst, h->has_ports,
                        src_changed ? h->sport : h->dport, now, sizeof now);
        strbuf_printf(b, "%s rewritten by %s: %s -> %s", ports ? "IP and port" : "IP", d, was, now);
        kind = HOP_CHANGE_IP;
    } else if (addresses_changed(h, p)) {
        char was[NET_TEXT_LEN], now[NET_TEXT_LEN];
        format_net(p, was);
        format_net(h, now);
        strbuf_printf(b, "%s rewritten by %s: %s becomes %s", both_ip ? "IP" : "addresses", d, was,
                      now);
        kind = both_ip ? HOP_CHANGE_IP : HOP_CHANGE_ADDRESSES;
    } else if (mac_changed) {
        strbuf_printf(b, "MAC rewritten by %s%s", d, both_ip ? ", IP unchanged" : "");
        kind = HOP_CHANGE_MAC;
    } else if (t->devices[hop_from_dev(t, h)].is_hub) {
        strbuf_printf(b, "repeated by %s", d);
        kind = HOP_CHANGE_REPEATED;
    } else if (ttl_changed) {
        strbuf_printf(b, "forwarded by %s, MAC and IP unchanged", d);
        kind = HOP_CHANGE_FORWARDED;
    } else {
        strbuf_printf(b, "forwarded by %s, unchanged", d);
        kind = HOP_CHANGE_FORWARDED;
    }
    if (ttl_changed)
        strbuf_printf(b, ", TTL %u -> %u", p->ttl, h->ttl);
    return kind;
}

/* Whether a packet without a delivery or drop was received after its last
 * hop started (so it arrived somewhere) rather than still on a link. */
static bool fate_arrived(const packet_rec *p) {
    return p->rx_where && p->rx_time > p->last_wire;
}

/* The fate cell: "delivered to B.eth0: why", "dropped by r2.eth0: why
 * (reason) -> packet #N: summary"; `f` NULL: no delivery or drop traced. */
static void format_fate(strbuf *b, const packet_rec *p, const fate_rec *f) {
    strbuf_clear(b);
    if (!f && fate_arrived(p)) {
        strbuf_printf(b, "received by %s (no delivery or drop traced)", p->rx_where);
        return;
    }
    if (!f) {
        strbuf_printf(b, "still in flight at the end of the run");
        return;
    }
    strbuf_printf(b, "%s %s", f->dropped ? "dropped by" : "delivered to", f->where);
    if (f->why)
        strbuf_printf(b, ": %s", f->why);
    const char *code = f->dropped ? trace_reason_name(f->reason) : NULL;
    if (code)
        strbuf_printf(b, " (%s)", code);
    if (f->trigger)
        strbuf_printf(b, " -> packet #%" PRIu32 ": %s", f->trigger,
                      f->trigger_summary ? f->trigger_summary : "?");
}

/* The hop at display row `row` and its predecessor (NULL for a root). */
static const hop_rec *row_hop(const resolver *r, uint32_t row, const hop_rec **pred) {
    uint32_t pos = r->rows[row].idx;
    *pred = r->pred[pos] == NO_HOP ? NULL : hop_at(r, r->pred[pos]);
    return hop_at(r, pos);
}

/* --- text --- */

/* A cursor over one output line, as in trace_text: spaces are owed and only
 * written before the next visible character, so no line ends in a blank, and
 * control characters inside names are written as spaces. */
typedef struct line {
    FILE *out;
    size_t col;
    size_t pending;
} line;

static int is_blank(unsigned char c) {
    return c == ' ' || c < 0x20 || c == 0x7f;
}

static void line_put(line *l, const char *text) {
    const char *p = text;
    while (*p) {
        if (is_blank((unsigned char)*p)) {
            l->pending++;
            p++;
            continue;
        }
        const char *run = p;
        while (*p && !is_blank((unsigned char)*p))
            p++;
        for (; l->pending > 0; l->pending--, l->col++)
            putc(' ', l->out);
        fwrite(run, 1, (size_t)(p - run), l->out);
        l->col += (size_t)(p - run);
    }
}

/* Owes spaces up to column `col` (none if already there). */
static void line_pad_to(line *l, size_t col) {
    if (l->col + l->pending < col)
        l->pending = col - l->col;
}

/* Puts `text` as a cell of `width` columns followed by the column gap. */
static void line_cell(line *l, const char *text, size_t width) {
    size_t start = l->col + l->pending;
    line_put(l, text);
    line_pad_to(l, start + width + COLUMN_GAP);
}

static void line_end(line *l) {
    putc('\n', l->out);
}

static size_t max_size(size_t a, size_t b) {
    return a > b ? a : b;
}

/* Column widths of one packet's table (bytes; headers included). */
typedef struct widths {
    size_t hop, time, link, from, eth, net, ttl;
} widths;

static const char *const header[] = {"hop",           "time",         "link", "from",
                                     "eth src > dst", "ip src > dst", "ttl",  "change"};

static size_t port_text_len(const hop_link *l, int side) {
    return strlen(l->device[side] ? l->device[side] : "?") + 1 +
           strlen(l->port[side] ? l->port[side] : "?");
}

static widths table_widths(const resolver *r) {
    widths w = {strlen(header[0]), strlen(header[1]), strlen(header[2]), strlen(header[3]),
                strlen(header[4]), strlen(header[5]), strlen(header[6])};
    for (uint32_t row = 0; row < r->n; row++) {
        const hop_rec *p;
        const hop_rec *h = row_hop(r, row, &p);
        const hop_link *l = &r->t->links[h->link];
        char buf[NET_TEXT_LEN];
        w.hop = max_size(
            w.hop, (size_t)snprintf(buf, sizeof buf, "%" PRIu32, r->number[r->rows[row].idx]));
        format_time(h->time, buf);
        w.time = max_size(w.time, strlen(buf));
        w.link = max_size(w.link, strlen(l->name ? l->name : "?"));
        w.from = max_size(w.from, port_text_len(l, h->side));
        w.eth = max_size(w.eth, 2 * (MAC_TEXT_LEN - 1) + 3);
        format_net(h, buf);
        w.net = max_size(w.net, strlen(buf));
        format_ttl(h, buf);
        w.ttl = max_size(w.ttl, strlen(buf));
    }
    return w;
}

static void line_port(line *l, const hop_link *link, int side, size_t width) {
    size_t start = l->col + l->pending;
    line_put(l, link->device[side] ? link->device[side] : "?");
    line_put(l, ".");
    line_put(l, link->port[side] ? link->port[side] : "?");
    line_pad_to(l, start + width + COLUMN_GAP);
}

/* The packet's last rows: "end", the time, and its fate from the link
 * column on (one row per delivery or drop; one "in flight" row if none). */
static void write_text_fates(resolver *r, const packet_rec *p, const widths *w, FILE *out) {
    const hop_table *t = r->t;
    uint32_t fi = p->fate_first;
    do {
        const fate_rec *f = fi == NO_HOP ? NULL : &t->fates[fi];
        line l = {.out = out};
        char buf[TIME_TEXT_LEN];
        line_cell(&l, "end", w->hop);
        if (f)
            format_time(f->time, buf);
        else if (fate_arrived(p))
            format_time(p->rx_time, buf);
        else
            snprintf(buf, sizeof buf, "-");
        line_cell(&l, buf, w->time);
        format_fate(&r->text, p, f);
        line_put(&l, r->text.s);
        line_end(&l);
        fi = f ? f->next : NO_HOP;
    } while (fi != NO_HOP);
}

static void write_text_packet(resolver *r, const packet_rec *p, FILE *out) {
    resolve(r, p);
    widths w = table_widths(r);
    line l = {.out = out, .col = 0, .pending = 0};
    char id[24];
    snprintf(id, sizeof id, "packet #%" PRIu32 ":", p->id);
    line_put(&l, id);
    line_put(&l, " ");
    line_put(&l, p->summary);
    line_end(&l);

    l = (line){.out = out};
    const size_t cols[] = {w.hop, w.time, w.link, w.from, w.eth, w.net, w.ttl};
    for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++)
        line_cell(&l, header[c], cols[c]);
    line_put(&l, header[7]);
    line_end(&l);

    for (uint32_t row = 0; row < r->n; row++) {
        const hop_rec *pred;
        const hop_rec *h = row_hop(r, row, &pred);
        const hop_link *link = &r->t->links[h->link];
        char buf[NET_TEXT_LEN], src[MAC_TEXT_LEN], dst[MAC_TEXT_LEN];
        l = (line){.out = out};
        snprintf(buf, sizeof buf, "%" PRIu32, r->number[r->rows[row].idx]);
        line_cell(&l, buf, w.hop);
        format_time(h->time, buf);
        line_cell(&l, buf, w.time);
        line_cell(&l, link->name ? link->name : "?", w.link);
        line_port(&l, link, h->side, w.from);
        snprintf(buf, sizeof buf, "%s > %s", mac_format(h->eth_src, src),
                 mac_format(h->eth_dst, dst));
        line_cell(&l, buf, w.eth);
        format_net(h, buf);
        line_cell(&l, buf, w.net);
        format_ttl(h, buf);
        line_cell(&l, buf, w.ttl);
        format_change(r, h, pred);
        line_put(&l, r->text.s);
        line_end(&l);
    }
    write_text_fates(r, p, &w, out);
}

/* Packet indices in id order (caller frees). */
static uint32_t *packets_by_id(const hop_table *t) {
    uint32_t *idx = ns_xcalloc(t->n_packets, sizeof *idx);
    hop_order *keys = ns_xcalloc(t->n_packets, sizeof *keys);
    for (size_t i = 0; i < t->n_packets; i++)
        keys[i] = (hop_order){.time = t->packets[i].id, .key = 0, .idx = (uint32_t)i};
    qsort(keys, t->n_packets, sizeof *keys, hop_order_cmp);
    for (size_t i = 0; i < t->n_packets; i++)
        idx[i] = keys[i].idx;
    free(keys);
    return idx;
}

void hop_table_write_text(const hop_table *t, FILE *out, uint32_t only_packet) {
    resolver r;
    resolver_init(&r, t);
    if (only_packet != 0) {
        const packet_rec *p = packet_find(t, only_packet);
        if (p)
            write_text_packet(&r, p, out);
        else
            fprintf(out, "packet #%" PRIu32 ": not seen on any link\n", only_packet);
    } else {
        uint32_t *by_id = packets_by_id(t);
        for (size_t i = 0; i < t->n_packets; i++) {
            if (i > 0)
                putc('\n', out);
            write_text_packet(&r, &t->packets[by_id[i]], out);
        }
        free(by_id);
    }
    resolver_free(&r);
}

/* --- JSON --- */

static void json_port(FILE *out, strbuf *b, const hop_link *l, int side) {
    strbuf_clear(b);
    strbuf_printf(b, "%s.%s", l->device[side] ? l->device[side] : "?",
                  l->port[side] ? l->port[side] : "?");
    json_write_string(out, b->s);
}

static void json_hop(resolver *r, uint32_t row, FILE *out) {
    const hop_rec *pred;
    const hop_rec *h = row_hop(r, row, &pred);
    uint32_t pos = r->rows[row].idx;
    const hop_link *l = &r->t->links[h->link];
    char buf[NET_TEXT_LEN], src[MAC_TEXT_LEN], dst[MAC_TEXT_LEN];
    fprintf(out, "    {\"hop\": %" PRIu32, r->number[pos]);
    if (r->pred[pos] != NO_HOP)
        fprintf(out, ", \"prev\": %" PRIu32, r->row_of[r->pred[pos]]);
    format_time(h->time, buf);
    fprintf(out, ", \"time\": \"%s\", \"t\": %" PRIu64 ", \"link\": ", buf, h->time);
    json_write_string(out, l->name ? l->name : "?");
    fputs(", \"from\": ", out);
    json_port(out, &r->text, l, h->side);
    fputs(", \"to\": ", out);
    json_port(out, &r->text, l, 1 - h->side);
    fprintf(out, ", \"eth_src\": \"%s\", \"eth_dst\": \"%s\"", mac_format(h->eth_src, src),
            mac_format(h->eth_dst, dst));
    if (h->net != HOP_NET_NONE) {
        ipv4_format(h->src, src);
        ipv4_format(h->dst, dst);
        if (h->net == HOP_NET_IPV4)
            fprintf(out, ", \"ip_src\": \"%s\", \"ip_dst\": \"%s\"", src, dst);
        else
            fprintf(out, ", \"arp_sender_ip\": \"%s\", \"arp_target_ip\": \"%s\"", src, dst);
        if (h->has_ports)
            fprintf(out, ", \"src_port\": %u, \"dst_port\": %u", h->sport, h->dport);
        if (h->net == HOP_NET_IPV4)
            fprintf(out, ", \"ttl\": %u", h->ttl);
    }
    fputs(", \"change\": ", out);
    format_change(r, h, pred);
    json_write_string(out, r->text.s);
    putc('}', out);
}

/* The packet's fate objects (docs/hop-table.md, paths.json). */
static void json_fates(resolver *r, const packet_rec *p, FILE *out) {
    const hop_table *t = r->t;
    uint32_t fi = p->fate_first;
    do {
        const fate_rec *f = fi == NO_HOP ? NULL : &t->fates[fi];
        char buf[TIME_TEXT_LEN];
        fputs(fi == p->fate_first ? "\n    {" : ",\n    {", out);
        if (!f && fate_arrived(p)) {
            format_time(p->rx_time, buf);
            fprintf(out,
                    "\"fate\": \"received\", \"time\": \"%s\", \"t\": %" PRIu64 ", \"at\": ", buf,
                    p->rx_time);
            json_write_string(out, p->rx_where);
        } else if (!f) {
            fputs("\"fate\": \"in_flight\"", out);
        } else {
            format_time(f->time, buf);
            fprintf(out, "\"fate\": \"%s\", \"time\": \"%s\", \"t\": %" PRIu64 ", \"at\": ",
                    f->dropped ? "dropped" : "delivered", buf, f->time);
            json_write_string(out, f->where);
            const char *code = f->dropped ? trace_reason_name(f->reason) : NULL;
            if (code)
                fprintf(out, ", \"reason\": \"%s\"", code);
            if (f->why) {
                fputs(", \"why\": ", out);
                json_write_string(out, f->why);
            }
            if (f->trigger)
                fprintf(out, ", \"triggered\": %" PRIu32, f->trigger);
        }
        fputs(", \"text\": ", out);
        format_fate(&r->text, p, f);
        json_write_string(out, r->text.s);
        putc('}', out);
        fi = f ? f->next : NO_HOP;
    } while (fi != NO_HOP);
    fputs("\n  ", out);
}

void hop_table_write_json(const hop_table *t, FILE *out) {
    resolver r;
    resolver_init(&r, t);
    uint32_t *by_id = packets_by_id(t);
    fputs("{\"packets\": [", out);
    for (size_t i = 0; i < t->n_packets; i++) {
        const packet_rec *p = &t->packets[by_id[i]];
        resolve(&r, p);
        fprintf(out, "%s\n  {\"id\": %" PRIu32 ", \"summary\": ", i ? "," : "", p->id);
        json_write_string(out, p->summary);
        fputs(", \"hops\": [", out);
        for (uint32_t row = 0; row < r.n; row++) {
            fputs(row ? ",\n" : "\n", out);
            json_hop(&r, row, out);
        }
        fputs("\n  ], \"fate\": [", out);
        json_fates(&r, p, out);
        fputs("]}", out);
    }
    fputs(t->n_packets ? "\n]}\n" : "]}\n", out);
    free(by_id);
    resolver_free(&r);
}

/* --- rows for other writers (diagrams) --- */

void hop_table_visit(const hop_table *t, size_t max_packets, hop_table_visitor visit, void *ctx) {
    resolver r;
    resolver_init(&r, t);
    uint32_t *by_id = packets_by_id(t);
    size_t n_packets = max_packets && max_packets < t->n_packets ? max_packets : t->n_packets;
    size_t max_hops = 0;
    for (size_t i = 0; i < t->n_packets; i++)
        if (t->packets[i].n_hops > max_hops)
            max_hops = t->packets[i].n_hops;
    hop_view *rows = ns_xcalloc(max_hops, sizeof *rows);
    size_t *net_at = ns_xcalloc(max_hops, sizeof *net_at);
    size_t *change_at = ns_xcalloc(max_hops, sizeof *change_at);
    strbuf texts = {0};
    for (size_t i = 0; i < n_packets; i++) {
        const packet_rec *p = &t->packets[by_id[i]];
        resolve(&r, p);
        strbuf_clear(&texts);
        for (uint32_t row = 0; row < r.n; row++) {
            const hop_rec *pred;
            const hop_rec *h = row_hop(&r, row, &pred);
            uint32_t pos = r.rows[row].idx;
            char net[NET_TEXT_LEN];
            hop_view *v = &rows[row];
            *v = (hop_view){.number = r.number[pos],
                            .prev = r.pred[pos] == NO_HOP ? UINT32_MAX : r.row_of[r.pred[pos]],
                            .time = h->time,
                            .link = h->link,
                            .from_side = h->side,
                            .eth_src = h->eth_src,
                            .eth_dst = h->eth_dst,
                            .addr = h->net == HOP_NET_IPV4  ? HOP_ADDR_IPV4
                                    : h->net == HOP_NET_ARP ? HOP_ADDR_ARP
                                                            : HOP_ADDR_NONE,
                            .src = h->src,
                            .dst = h->dst,
                            .has_ports = h->has_ports,
                            .sport = h->sport,
                            .dport = h->dport,
                            .ttl = h->ttl};
            v->change = format_change(&r, h, pred);
            /* Texts go into one buffer that may move: offsets now, pointers after. */
            format_net(h, net);
            net_at[row] = texts.len;
            strbuf_printf(&texts, "%s%c", net, '\0');
            change_at[row] = texts.len;
            strbuf_printf(&texts, "%s%c", r.text.s, '\0');
        }
        for (uint32_t row = 0; row < r.n; row++) {
            rows[row].net_text = texts.s + net_at[row];
            rows[row].change_text = texts.s + change_at[row];
        }
        visit(ctx, p->id, p->summary, rows, r.n);
    }
    free(texts.s);
    free(change_at);
    free(net_at);
    free(rows);
    free(by_id);
    resolver_free(&r);
}
