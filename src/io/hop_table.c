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
#include "io/hop_table.h"
#include "util/alloc.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "io/trace_jsonl.h"
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

typedef struct packet_rec {
    uint32_t id;
    uint32_t first, last; /* hop chain in arrival order */
    uint32_t n_hops;
    char *summary; /* frame_describe of the first frame seen; owned */
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
};

/* --- a growable string, for texts whose length depends on names --- */

typedef struct strbuf {
    char *s;
    size_t len, cap;
} strbuf;

static void sb_reserve(strbuf *b, size_t extra) {
    if (b->len + extra + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1)
        cap *= 2;
    char *s = realloc(b->s, cap);
    if (!s)
        ns_out_of_memory();
    b->s = s;
    b->cap = cap;
}

static void sb_clear(strbuf *b) {
    sb_reserve(b, 0);
    b->len = 0;
    b->s[0] = '\0';
}

__attribute__((format(printf, 2, 3))) static void sb_printf(strbuf *b, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        ns_out_of_memory();
    sb_reserve(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

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
        free(t->packets[i].summary);
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

/* Which end of link `l` sent the event's frame: 0, 1, or -1 if neither. The
 * port is compared too, for a link joining two ports of one device. */
static int transmitting_side(const hop_link *l, const trace_event *ev) {
    for (int side = 0; side < 2; side++)
        if (name_equal(l->device[side], ev->device) && name_equal(l->port[side], ev->port))
            return side;
    return -1;
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

static void hop_table_emit(void *self, const trace_event *ev) {
    hop_table *t = self;
    if (ev->kind != TRACE_WIRE || ev->packet_id == 0 || !ev->frame || ev->link < 0 ||
        (size_t)ev->link >= t->n_links)
        return;
    int side = transmitting_side(&t->links[ev->link], ev);
    if (side < 0)
        return;
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

static void *xcalloc(size_t n, size_t size) {
    void *p = calloc(n ? n : 1, size);
    if (!p)
        ns_out_of_memory();
    return p;
}

static void resolver_init(resolver *r, const hop_table *t) {
    memset(r, 0, sizeof *r);
    r->t = t;
    size_t max_hops = 0;
    for (size_t i = 0; i < t->n_packets; i++)
        if (t->packets[i].n_hops > max_hops)
            max_hops = t->packets[i].n_hops;
    r->last_pos = xcalloc(t->n_devices, sizeof *r->last_pos);
    r->last_stamp = xcalloc(t->n_devices, sizeof *r->last_stamp);
    r->group_pos = xcalloc(t->n_devices, sizeof *r->group_pos);
    r->group_stamp = xcalloc(t->n_devices, sizeof *r->group_stamp);
    r->order = xcalloc(max_hops, sizeof *r->order);
    r->pred = xcalloc(max_hops, sizeof *r->pred);
    r->number = xcalloc(max_hops, sizeof *r->number);
    r->stack = xcalloc(max_hops, sizeof *r->stack);
    r->rows = xcalloc(max_hops, sizeof *r->rows);
    r->row_of = xcalloc(max_hops, sizeof *r->row_of);
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
    sb_clear(b);
    if (!p) {
        sb_printf(b, "sent by %s", d);
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
        sb_printf(b, "%s rewritten by %s: %s -> %s", ports ? "IP and port" : "IP", d, was, now);
        kind = HOP_CHANGE_IP;
    } else if (addresses_changed(h, p)) {
        char was[NET_TEXT_LEN], now[NET_TEXT_LEN];
        format_net(p, was);
        format_net(h, now);
        sb_printf(b, "%s rewritten by %s: %s becomes %s", both_ip ? "IP" : "addresses", d, was,
                  now);
        kind = both_ip ? HOP_CHANGE_IP : HOP_CHANGE_ADDRESSES;
    } else if (mac_changed) {
        sb_printf(b, "MAC rewritten by %s%s", d, both_ip ? ", IP unchanged" : "");
        kind = HOP_CHANGE_MAC;
    } else if (t->devices[hop_from_dev(t, h)].is_hub) {
        sb_printf(b, "repeated by %s", d);
        kind = HOP_CHANGE_REPEATED;
    } else if (ttl_changed) {
        sb_printf(b, "forwarded by %s, MAC and IP unchanged", d);
        kind = HOP_CHANGE_FORWARDED;
    } else {
        sb_printf(b, "forwarded by %s, unchanged", d);
        kind = HOP_CHANGE_FORWARDED;
    }
    if (ttl_changed)
        sb_printf(b, ", TTL %u -> %u", p->ttl, h->ttl);
    return kind;
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
}

/* Packet indices in id order (caller frees). */
static uint32_t *packets_by_id(const hop_table *t) {
    uint32_t *idx = xcalloc(t->n_packets, sizeof *idx);
    hop_order *keys = xcalloc(t->n_packets, sizeof *keys);
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
    sb_clear(b);
    sb_printf(b, "%s.%s", l->device[side] ? l->device[side] : "?",
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
        fputs("\n  ]}", out);
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
    hop_view *rows = xcalloc(max_hops, sizeof *rows);
    size_t *net_at = xcalloc(max_hops, sizeof *net_at);
    size_t *change_at = xcalloc(max_hops, sizeof *change_at);
    strbuf texts = {0};
    for (size_t i = 0; i < n_packets; i++) {
        const packet_rec *p = &t->packets[by_id[i]];
        resolve(&r, p);
        sb_clear(&texts);
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
            sb_printf(&texts, "%s%c", net, '\0');
            change_at[row] = texts.len;
            sb_printf(&texts, "%s%c", r.text.s, '\0');
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
