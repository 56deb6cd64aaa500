/*
 * reader/paths: DIR/paths.json back into hop_view and hop_fate_view rows
 * (reader/paths.h). The document is checked as every topology is (strict
 * syntax, then each key's type), so a damaged file gets a message with its
 * line, column and JSON path instead of a wrong comparison.
 *
 * Invariant: after loader_paths_read succeeded, every string in the rows and
 * the link table points into the cJSON tree or into `names`, both owned here.
 */
#include "reader/paths.h"

#include <stdlib.h>
#include <string.h>

#include "reader/internal.h"
#include "util/alloc.h"
#include "util/strmap.h"

typedef struct paths_packet {
    uint32_t id;
    const char *summary;
    hop_view *rows;
    size_t n_rows;
    hop_fate_view *fates;
    size_t n_fates;
} paths_packet;

struct loader_paths {
    cJSON *root;
    paths_packet *packets;
    size_t n_packets;
    hop_link *links;
    size_t n_links;
    strmap *link_index; /* link name -> index in links */
    char **names;       /* "device" and "port" halves of the ends, owned */
    size_t n_names;
};

static const char *keep_name(loader_paths *p, const char *s, size_t n) {
    p->names = ns_xrealloc(p->names, (p->n_names + 1) * sizeof *p->names);
    char *copy = ns_xmalloc(n + 1);
    memcpy(copy, s, n);
    copy[n] = '\0';
    return p->names[p->n_names++] = copy;
}

/* A required string member. */
static int get_string(loader *ld, const cJSON *obj, const char *key, const char **out) {
    const cJSON *n = loader__member(obj, key);
    if (!n)
        return loader__missing(ld, obj, key, _("a string"));
    return loader__string(ld, n, _("a string"), out);
}

/* An optional string member (NULL when absent). */
static int opt_string(loader *ld, const cJSON *obj, const char *key, const char **out) {
    const cJSON *n = loader__member(obj, key);
    *out = NULL;
    return n ? loader__string(ld, n, _("a string"), out) : 0;
}

/* A required (when `need`) or optional integer member lo..hi. */
static int get_int(loader *ld, const cJSON *obj, const char *key, bool need, long long hi,
                   long long *out) {
    const cJSON *n = loader__member(obj, key);
    if (!n)
        return need ? loader__missing(ld, obj, key, _("an integer")) : 0;
    return loader__int(ld, n, 0, hi, out);
}

static int get_addr(loader *ld, const cJSON *obj, const char *key, ipv4_addr *out) {
    const cJSON *n = loader__member(obj, key);
    return n ? loader__addr(ld, n, out) : loader__missing(ld, obj, key, LOADER_EXPECT_ADDR);
}

static int get_mac(loader *ld, const cJSON *obj, const char *key, mac_addr *out) {
    const char *s;
    if (get_string(ld, obj, key, &s) != 0)
        return NS_ERR_INPUT;
    if (mac_parse(s, out) != 0)
        return loader__fail(ld, loader__member(obj, key),
                            _("\"%s\" is not a MAC address; expected \"xx:xx:xx:xx:xx:xx\""), s);
    return 0;
}

/* The link of a hop: found by name, or added with its ends split at the
 * last '.' ("r1.eth0": device r1, port eth0), as link ends are written. */
static uint32_t link_of(loader_paths *p, const char *name, const char *from, const char *to) {
    int i = strmap_get(p->link_index, name);
    if (i >= 0)
        return (uint32_t)i;
    p->links = ns_xrealloc(p->links, (p->n_links + 1) * sizeof *p->links);
    hop_link *l = &p->links[p->n_links];
    const char *ends[2] = {from, to};
    l->name = keep_name(p, name, strlen(name));
    for (int side = 0; side < 2; side++) {
        const char *dot = strrchr(ends[side], '.');
        size_t n = dot ? (size_t)(dot - ends[side]) : strlen(ends[side]);
        l->device[side] = keep_name(p, ends[side], n);
        l->port[side] = dot ? keep_name(p, dot + 1, strlen(dot + 1)) : NULL;
    }
    if (!strmap_put(p->link_index, l->name, (int)p->n_links))
        ns_out_of_memory();
    return (uint32_t)p->n_links++;
}

static int read_hop(loader *ld, loader_paths *p, const cJSON *h, size_t n_before, hop_view *v) {
    long long x = 0;
    const char *link, *from, *to;
    memset(v, 0, sizeof *v);
    v->prev = UINT32_MAX;
    if (!cJSON_IsObject(h))
        return loader__type_error(ld, h, _("a hop object"));
    if (get_int(ld, h, "hop", true, UINT32_MAX, &x) != 0)
        return NS_ERR_INPUT;
    v->number = (uint32_t)x;
    x = -1;
    if (get_int(ld, h, "prev", false, (long long)n_before - 1, &x) != 0)
        return NS_ERR_INPUT;
    v->prev = x < 0 ? UINT32_MAX : (uint32_t)x;
    v->change = x < 0 ? HOP_CHANGE_SENT : HOP_CHANGE_FORWARDED;
    if (get_int(ld, h, "t", true, INT64_MAX, &x) != 0)
        return NS_ERR_INPUT;
    v->time = (uint64_t)x;
    if (get_string(ld, h, "link", &link) || get_string(ld, h, "from", &from) ||
        get_string(ld, h, "to", &to) || get_mac(ld, h, "eth_src", &v->eth_src) ||
        get_mac(ld, h, "eth_dst", &v->eth_dst) || get_string(ld, h, "change", &v->change_text))
        return NS_ERR_INPUT;
    v->link = link_of(p, link, from, to);
    /* The side is the end named "from"; a link read first from its other
     * end has them swapped, which is fine: only the ends' names matter. */
    const hop_link *l = &p->links[v->link];
    size_t dev_len = strlen(l->device[0]);
    bool end0 = strncmp(from, l->device[0], dev_len) == 0 &&
                (l->port[0] ? from[dev_len] == '.' && strcmp(from + dev_len + 1, l->port[0]) == 0
                            : from[dev_len] == '\0');
    v->from_side = !end0;
    if (loader__member(h, "ip_src")) {
        v->addr = HOP_ADDR_IPV4;
        if (get_addr(ld, h, "ip_src", &v->src) || get_addr(ld, h, "ip_dst", &v->dst) ||
            get_int(ld, h, "ttl", true, 255, &x))
            return NS_ERR_INPUT;
        v->ttl = (uint8_t)x;
    } else if (loader__member(h, "arp_sender_ip")) {
        v->addr = HOP_ADDR_ARP;
        if (get_addr(ld, h, "arp_sender_ip", &v->src) || get_addr(ld, h, "arp_target_ip", &v->dst))
            return NS_ERR_INPUT;
    }
    if (loader__member(h, "src_port")) {
        v->has_ports = 1;
        if (get_int(ld, h, "src_port", true, 65535, &x) != 0)
            return NS_ERR_INPUT;
        v->sport = (uint16_t)x;
        if (get_int(ld, h, "dst_port", true, 65535, &x) != 0)
            return NS_ERR_INPUT;
        v->dport = (uint16_t)x;
    }
    return 0;
}

static int read_fate(loader *ld, loader_paths *p, const cJSON *f, hop_fate_view *v) {
    /* In hop_fate_kind's order. */
    static const char *const kinds[] = {"delivered", "dropped", "filtered", "received",
                                        "in_flight"};
    const cJSON *kind = loader__member(f, "fate");
    const char *at = NULL, *reason = NULL;
    long long t = 0, trigger = 0;
    size_t k = 0;
    memset(v, 0, sizeof *v);
    if (!cJSON_IsObject(f))
        return loader__type_error(ld, f, _("a fate object"));
    if (!kind)
        return loader__missing(ld, f, "fate", "\"delivered\", \"dropped\", ...");
    if (loader__choice(ld, kind, LOADER_KEYS(kinds), _("a fate"), &k) != 0)
        return NS_ERR_INPUT;
    v->kind = (hop_fate_kind)k;
    bool placed = v->kind != HOP_FATE_IN_FLIGHT;
    if (get_int(ld, f, "t", placed, INT64_MAX, &t) || opt_string(ld, f, "at", &at) ||
        opt_string(ld, f, "why", &v->why) || opt_string(ld, f, "reason", &reason) ||
        get_int(ld, f, "triggered", false, UINT32_MAX, &trigger))
        return NS_ERR_INPUT;
    v->time = placed ? (uint64_t)t : 0;
    v->trigger = (uint32_t)trigger;
    if (at) {
        const char *dot = strrchr(at, '.');
        v->where = at;
        v->device = dot ? keep_name(p, at, (size_t)(dot - at)) : at;
        v->port = dot ? dot + 1 : NULL;
    }
    if (reason) {
        for (int r = 1; r < TRACE_REASON_COUNT_ && !v->reason; r++)
            if (strcmp(trace_reason_name((trace_reason)r), reason) == 0)
                v->reason = (trace_reason)r;
        if (!v->reason)
            return loader__fail(ld, loader__member(f, "reason"),
                                _("\"%s\" is not a drop reason code (docs/trace-format.md)"),
                                reason);
    }
    return 0;
}

static int read_packet(loader *ld, loader_paths *p, const cJSON *obj, paths_packet *pk) {
    long long id = 0;
    const cJSON *hops = loader__member(obj, "hops"), *fates = loader__member(obj, "fate");
    if (!cJSON_IsObject(obj))
        return loader__type_error(ld, obj, _("a packet object"));
    if (get_int(ld, obj, "id", true, UINT32_MAX, &id) ||
        get_string(ld, obj, "summary", &pk->summary))
        return NS_ERR_INPUT;
    pk->id = (uint32_t)id;
    if (!cJSON_IsArray(hops))
        return hops ? loader__type_error(ld, hops, _("an array of hops"))
                    : loader__missing(ld, obj, "hops", _("an array of hops"));
    if (!cJSON_IsArray(fates))
        return fates ? loader__type_error(ld, fates, _("an array of fates"))
                     : loader__missing(ld, obj, "fate", _("an array of fates"));
    pk->rows = ns_xcalloc(loader__count(hops) + 1, sizeof *pk->rows);
    pk->fates = ns_xcalloc(loader__count(fates) + 1, sizeof *pk->fates);
    for (const cJSON *h = hops->child; h; h = h->next, pk->n_rows++)
        if (read_hop(ld, p, h, pk->n_rows, &pk->rows[pk->n_rows]) != 0)
            return NS_ERR_INPUT;
    for (const cJSON *f = fates->child; f; f = f->next, pk->n_fates++)
        if (read_fate(ld, p, f, &pk->fates[pk->n_fates]) != 0)
            return NS_ERR_INPUT;
    return 0;
}

int loader_paths_read(const char *text, size_t len, const char *source, loader_paths **out,
                      ns_error *err) {
    loader ld = {.source = source, .text = text, .len = len, .err = err};
    int rc = loader__parse(&ld);
    if (rc != 0)
        return rc;
    loader_paths *p = ns_xcalloc(1, sizeof *p);
    p->root = ld.root;
    p->link_index = strmap_new();
    if (!p->link_index)
        ns_out_of_memory();
    const cJSON *packets = loader__member(ld.root, "packets");
    if (!cJSON_IsObject(ld.root)) {
        rc = loader__type_error(&ld, ld.root, _("an object {\"packets\": [...]}"));
    } else if (!cJSON_IsArray(packets)) {
        rc = packets ? loader__type_error(&ld, packets, _("an array of packets"))
                     : loader__missing(&ld, ld.root, "packets", _("an array of packets"));
    } else {
        p->packets = ns_xcalloc(loader__count(packets) + 1, sizeof *p->packets);
        for (const cJSON *c = packets->child; c && rc == 0; c = c->next)
            rc = read_packet(&ld, p, c, &p->packets[p->n_packets++]);
    }
    if (rc != 0) {
        loader_paths_free(p);
        return rc;
    }
    *out = p;
    return 0;
}

const hop_link *loader_paths_links(const loader_paths *p, size_t *n) {
    *n = p->n_links;
    return p->links;
}

void loader_paths_visit(const loader_paths *p, hop_table_visitor visit, void *ctx) {
    for (size_t i = 0; i < p->n_packets; i++) {
        const paths_packet *pk = &p->packets[i];
        visit(ctx, pk->id, pk->summary, pk->rows, pk->n_rows, pk->fates, pk->n_fates);
    }
}

void loader_paths_free(loader_paths *p) {
    if (!p)
        return;
    for (size_t i = 0; i < p->n_packets; i++) {
        free(p->packets[i].rows);
        free(p->packets[i].fates);
    }
    free(p->packets);
    for (size_t i = 0; i < p->n_names; i++)
        free(p->names[i]);
    free(p->names);
    free(p->links);
    strmap_free(p->link_index);
    loader__tree_free(p->root);
    free(p);
}
