/*
 * hop_resolve: a packet's hops in order. Hops are put in (time, arrival)
 * order; a hop's predecessor is the latest earlier hop whose link's receiving
 * end is the device that transmitted this one. Hops at the same instant are
 * one group: a hub segment reports all its links at once, in link order, so
 * the station's hop may arrive after the hub's; within a group a receiving
 * hop that arrived before wins, else one that arrived after, else the latest
 * from an earlier instant. Per-device "latest hop" slots are reset lazily by
 * stamps, so each packet costs O(h log h) for h hops, not O(devices). A cycle
 * of predecessors (possible only among same-instant hops) is cut, so every hop
 * gets a finite number. Rows are then shown in (time, hop number, arrival)
 * order: never hash order, so output is byte-identical across runs.
 */
#include <stdlib.h>
#include <string.h>

#include "sinks/hop_internal.h"
#include "util/alloc.h"

#define VISITING UINT32_MAX /* a hop number being computed (cycle check) */

int hop__order_cmp(const void *a, const void *b) {
    const hop_order *x = a, *y = b;
    if (x->time != y->time)
        return x->time < y->time ? -1 : 1;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return (x->idx > y->idx) - (x->idx < y->idx);
}

void hop__resolver_init(resolver *r, const hop_table *t) {
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

void hop__resolver_free(resolver *r) {
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

int32_t hop__from_dev(const hop_table *t, const hop_rec *h) {
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
        int32_t from = hop__from_dev(t, h);
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

void hop__resolve(resolver *r, const packet_rec *p) {
    const hop_table *t = r->t;
    uint32_t n = 0;
    for (uint32_t hi = p->first; hi != NO_HOP; hi = t->hops[hi].next) {
        r->order[n] = (hop_order){.time = t->hops[hi].time, .key = n, .idx = hi};
        n++;
    }
    r->n = n;
    qsort(r->order, n, sizeof *r->order, hop__order_cmp);

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
    qsort(r->rows, n, sizeof *r->rows, hop__order_cmp);
    for (uint32_t row = 0; row < n; row++)
        r->row_of[r->rows[row].idx] = row;
}

const hop_rec *hop__row_hop(const resolver *r, uint32_t row, const hop_rec **pred) {
    uint32_t pos = r->rows[row].idx;
    *pred = r->pred[pos] == NO_HOP ? NULL : hop_at(r, r->pred[pos]);
    return hop_at(r, pos);
}
