/*
 * hub_segment: CSMA/CD on a shared medium (IEEE 802.3 clause 4.2.3); see the
 * header for the model. Every transmission ends in exactly one terminal event:
 * `deliver` (it got through) or `expire` (it collided and its jam has died
 * away); that event removes it from the medium and frees it.
 */
#include "net/hub_segment.h"
#include "util/alloc.h"
#include "util/i18n.h"

#include <stdlib.h>
#include <string.h>

#define ATTEMPT_LIMIT 16  /* attemptLimit, clause 4.2.7.2 */
#define BACKOFF_LIMIT 10  /* backoffLimit */
#define SLOT_BITS     512 /* slotTime */
#define JAM_BITS      32  /* jamSize */
#define GAP_BITS      96  /* interFrameGap */

typedef struct station station;

typedef struct transmission {
    station *st;
    frame *f;
    sim_time start, end; /* first and last bit sent (jam included after a collision) */
    bool collided;
    bool sent; /* the station has sent the last bit (on_done ran) */
    sim_event_id done_ev, deliver_ev;
} transmission;

struct station {
    port *port;
    link_tx *queue; /* the station's side of its link */
    frame *current; /* the frame being attempted, kept across collisions */
    uint32_t attempts;
    bool busy; /* transmitting, jamming, deferring or backing off */
};

struct hub_segment {
    network *net;
    uint32_t index;
    node **hubs;
    uint32_t n_hubs, cap_hubs;
    link **links;
    uint32_t n_links, cap_links;
    station *stations;
    uint32_t n_stations, cap_stations;
    transmission **active; /* on the medium now, in start order */
    uint32_t n_active, cap_active;
    sim_time prop;
    uint64_t bps;
};

static void *append(void *array, uint32_t *n, uint32_t *cap, size_t elem) {
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 4;
        array = realloc(array, (size_t)*cap * elem);
        if (!array)
            ns_out_of_memory();
    }
    (*n)++;
    return array;
}

hub_segment *hub_segment_new(network *net, uint32_t index) {
    hub_segment *seg = calloc(1, sizeof *seg);
    if (!seg)
        ns_out_of_memory();
    seg->net = net;
    seg->index = index;
    return seg;
}

void hub_segment_add_hub(hub_segment *seg, node *hub) {
    seg->hubs = append(seg->hubs, &seg->n_hubs, &seg->cap_hubs, sizeof *seg->hubs);
    seg->hubs[seg->n_hubs - 1] = hub;
}

void hub_segment_add_link(hub_segment *seg, link *l) {
    seg->links = append(seg->links, &seg->n_links, &seg->cap_links, sizeof *seg->links);
    seg->links[seg->n_links - 1] = l;
    for (int side = 0; side < 2; side++) {
        port *p = l->end[side];
        if (p->owner->type == DEVICE_HUB)
            continue;
        seg->stations =
            append(seg->stations, &seg->n_stations, &seg->cap_stations, sizeof *seg->stations);
        station *st = &seg->stations[seg->n_stations - 1];
        memset(st, 0, sizeof *st);
        st->port = p;
        st->queue = &l->tx[side];
    }
}

void hub_segment_finish(hub_segment *seg) {
    sim_time longest_station_link = 0, hub_links = 0;
    seg->bps = UINT64_MAX;
    for (uint32_t i = 0; i < seg->n_links; i++) {
        link *l = seg->links[i];
        bool between_hubs =
            l->end[0]->owner->type == DEVICE_HUB && l->end[1]->owner->type == DEVICE_HUB;
        if (between_hubs)
            hub_links += l->delay;
        else if (l->delay > longest_station_link)
            longest_station_link = l->delay;
        if (l->bandwidth_bps < seg->bps)
            seg->bps = l->bandwidth_bps;
    }
    if (seg->bps == UINT64_MAX)
        seg->bps = LINK_DEFAULT_BANDWIDTH_BPS;
    seg->prop = 2 * longest_station_link + hub_links;
}

static sim_time bit_time(const hub_segment *seg, uint64_t bits) {
    return (sim_time)((bits * SIM_S + seg->bps - 1) / seg->bps);
}

static station *station_of(hub_segment *seg, const port *p) {
    for (uint32_t i = 0; i < seg->n_stations; i++)
        if (seg->stations[i].port == p)
            return &seg->stations[i];
    return NULL;
}

static void remove_active(hub_segment *seg, transmission *x) {
    for (uint32_t i = 0; i < seg->n_active; i++) {
        if (seg->active[i] == x) {
            memmove(&seg->active[i], &seg->active[i + 1],
                    (seg->n_active - i - 1) * sizeof *seg->active);
            seg->n_active--;
            return;
        }
    }
}

static void station_try(hub_segment *seg, station *st);

static void on_retry(sim *s, void *a, void *b) {
    (void)s;
    station *st = b;
    st->busy = false;
    station_try(a, st);
}

static void schedule_retry(hub_segment *seg, station *st, sim_time at) {
    st->busy = true;
    sim_schedule_at(seg->net->sim, at, on_retry, seg, st, NULL);
}

/* The last bit left the station: it may send its next frame after the gap. */
static void on_done(sim *s, void *a, void *b) {
    (void)s;
    hub_segment *seg = a;
    transmission *x = b;
    x->sent = true;
    x->st->attempts = 0;
    frame_free(x->st->current); /* x carries the copy being delivered */
    x->st->current = NULL;
    schedule_retry(seg, x->st, x->end + bit_time(seg, GAP_BITS));
}

/* The frame's way across the segment, in the order the signal travels: the
 * sender's link, then each hub (breadth first from the sender's) repeating it
 * out of every port but the one it arrived on. Every link of the segment gets
 * one TRACE_WIRE from the port that transmits on it; the hubs' ports count
 * what they received and repeated, traced or not. */
static void repeat_through_hubs(hub_segment *seg, port *sender, const frame *f) {
    network *net = seg->net;
    port *ingress[64];
    node *order[64];
    uint32_t n_order = 0;
    bool tracing = net_tracing(net);
    net_wire_crossed(net, sender->link, sender, f);
    port *entry = port_peer(sender);
    if (entry) {
        order[n_order] = entry->owner;
        ingress[n_order++] = entry;
    }
    for (uint32_t k = 0; k < n_order; k++) {
        node *hub = order[k];
        ingress[k]->rx_packets++;
        ingress[k]->rx_bytes += f->len;
        char out[256];
        size_t used = 0;
        out[0] = '\0';
        for (uint32_t p = 0; p < hub->n_ports; p++) {
            const port *hp = &hub->ports[p];
            if (hp == ingress[k] || !hp->link)
                continue;
            if (tracing && used < sizeof out - 16)
                used += (size_t)snprintf(out + used, sizeof out - used, "%s%s", used ? ", " : "",
                                         hp->name);
            port *next = port_peer(hp);
            bool seen = false;
            for (uint32_t q = 0; q < n_order; q++)
                seen |= order[q] == next->owner;
            if (next->owner->type == DEVICE_HUB && !seen && n_order < 64) {
                order[n_order] = next->owner;
                ingress[n_order++] = next;
            }
        }
        if (tracing) {
            char to[300];
            snprintf(to, sizeof to, _("to %s"), out);
            net_trace(net, TRACE_REPEAT, hub, ingress[k], f,
                      _("a hub repeats every frame out of every other port"), to);
        }
        for (uint32_t p = 0; p < hub->n_ports; p++) {
            const port *hp = &hub->ports[p];
            if (hp != ingress[k] && hp->link)
                net_wire_crossed(net, hp->link, &hub->ports[p], f);
        }
    }
}

/* The frame has crossed the whole segment: every hub repeated it and every
 * other station received it. */
static void on_deliver(sim *s, void *a, void *b) {
    (void)s;
    hub_segment *seg = a;
    transmission *x = b;
    network *net = seg->net;
    remove_active(seg, x);
    frame *f = x->f;
    for (uint32_t h = 0; h < seg->n_hubs; h++)
        if (seg->hubs[h]->off) {
            net_trace_drop(net, seg->hubs[h], NULL, f, TRACE_REASON_DEVICE_OFF,
                           _("the hub is powered off: nothing is repeated"));
            frame_free(f);
            free(x);
            return;
        }
    repeat_through_hubs(seg, x->st->port, f);
    station *last = NULL;
    for (uint32_t i = 0; i < seg->n_stations; i++)
        if (&seg->stations[i] != x->st)
            last = &seg->stations[i];
    for (uint32_t i = 0; i < seg->n_stations; i++) {
        station *st = &seg->stations[i];
        if (st == x->st)
            continue;
        frame *copy = st == last ? f : frame_clone(f);
        trace_reason reason = st->port->link->down   ? TRACE_REASON_LINK_DOWN
                              : st->port->owner->off ? TRACE_REASON_DEVICE_OFF
                                                     : TRACE_REASON_NONE;
        if (reason != TRACE_REASON_NONE) {
            net_trace_drop(net, st->port->owner, st->port, copy, reason,
                           reason == TRACE_REASON_LINK_DOWN ? _("lost: the link is down")
                                                            : _("the device is powered off"));
            frame_free(copy);
            continue;
        }
        net_deliver(net, st->port, copy);
    }
    if (!last)
        frame_free(f);
    free(x);
}

/* A collided transmission's jam has died away: it leaves the medium. */
static void on_expire(sim *s, void *a, void *b) {
    (void)s;
    transmission *x = b;
    remove_active(a, x);
    frame_free(x->f);
    free(x);
}

/* A station hears the collision: it jams, then backs off (clause 4.2.3.2.5). */
static void on_collision_detected(sim *s, void *a, void *b) {
    hub_segment *seg = a;
    transmission *x = b;
    station *st = x->st;
    network *net = seg->net;
    char detail[128];
    st->attempts++;
    net_trace(net, TRACE_COLLIDE, st->port->owner, st->port, st->current,
              _("another station transmitted at the same time"), _("sending 32-bit jam"));
    sim_time resume = x->end;
    if (st->attempts >= ATTEMPT_LIMIT) {
        net_trace_drop(net, st->port->owner, st->port, st->current, TRACE_REASON_COLLISION_LIMIT,
                       _("excessive collisions (16 attempts)"));
        frame_free(st->current);
        st->current = NULL;
        st->attempts = 0;
    } else {
        uint32_t exponent = st->attempts < BACKOFF_LIMIT ? st->attempts : BACKOFF_LIMIT;
        uint64_t slots = rng_below(sim_rng(s), (uint64_t)1 << exponent);
        sim_time wait = slots * bit_time(seg, SLOT_BITS);
        snprintf(detail, sizeof detail, _("attempt %u: waiting %llu of %llu slot times (%llu ns)"),
                 st->attempts + 1, (unsigned long long)slots,
                 (unsigned long long)((uint64_t)1 << exponent), (unsigned long long)wait);
        net_trace(net, TRACE_BACKOFF, st->port->owner, st->port, st->current,
                  _("binary exponential backoff"), detail);
        resume += wait;
    }
    schedule_retry(seg, st, resume);
    sim_schedule_at(s, x->end + seg->prop, on_expire, seg, x, NULL);
}

/* Marks the transmissions in `group` as collided: none will be delivered, and
 * each station detects the collision when the first other signal reaches it. */
static void collide(hub_segment *seg, transmission **group, uint32_t n) {
    sim *s = seg->net->sim;
    for (uint32_t i = 0; i < n; i++) {
        transmission *t = group[i];
        if (t->collided) /* already jamming from an earlier collision */
            continue;
        t->collided = true;
        sim_cancel(s, t->deliver_ev);
        if (t->sent) {
            /* Its sender has finished and cannot hear the collision: the frame
             * is simply lost. Only a segment longer than the slot time allows
             * can do this (a "late collision"). */
            net_trace_drop(seg->net, t->st->port->owner, t->st->port, t->f,
                           TRACE_REASON_LATE_COLLISION,
                           _("late collision: corrupted after its sender had finished (segment "
                             "too long for the slot time)"));
            sim_schedule_at(s, t->end + seg->prop, on_expire, seg, t, NULL);
            continue;
        }
        /* The station hears the collision when the first other signal reaches it. */
        sim_time first = SIM_FOREVER;
        for (uint32_t j = 0; j < n; j++)
            if (j != i && group[j]->start + seg->prop < first)
                first = group[j]->start + seg->prop;
        sim_time detect = first > t->start ? first : t->start;
        sim_cancel(s, t->done_ev);
        t->end = detect + bit_time(seg, JAM_BITS);
        sim_schedule_at(s, detect, on_collision_detected, seg, t, NULL);
    }
    for (uint32_t h = 0; h < seg->n_hubs; h++) {
        char who[160], detail[240];
        size_t used = 0;
        who[0] = '\0';
        for (uint32_t i = 0; i < n && used < sizeof who - 40; i++) {
            const port *p = group[i]->st->port;
            /* TRANSLATORS: joins the ports that collided ("A.eth0 and B.eth0"). */
            used += (size_t)snprintf(who + used, sizeof who - used, "%s%s.%s", i ? _(" and ") : "",
                                     p->owner->name, p->name);
        }
        snprintf(detail, sizeof detail, _("%s transmitted at once"), who);
        net_trace(seg->net, TRACE_COLLIDE, seg->hubs[h], NULL, NULL,
                  _("signals overlapped on the shared medium"), detail);
    }
}

static void station_try(hub_segment *seg, station *st) {
    network *net = seg->net;
    sim_time now = sim_now(net->sim);
    if (st->busy)
        return;
    if (!st->current) {
        link_tx *q = st->queue;
        if (q->count == 0)
            return;
        st->current = link_tx_pop(q);
    }
    /* Carrier sense: a signal that has reached this station and not yet ended. */
    sim_time busy_until = 0;
    for (uint32_t i = 0; i < seg->n_active; i++) {
        transmission *y = seg->active[i];
        if (y->st != st && y->start + seg->prop <= now && now < y->end + seg->prop &&
            y->end + seg->prop > busy_until)
            busy_until = y->end + seg->prop;
    }
    if (busy_until) {
        net_trace(net, TRACE_BACKOFF, st->port->owner, st->port, st->current,
                  _("carrier sensed: medium busy"), _("deferring until it is idle"));
        schedule_retry(seg, st, busy_until + bit_time(seg, GAP_BITS));
        return;
    }
    transmission *x = calloc(1, sizeof *x);
    if (!x)
        ns_out_of_memory();
    x->st = st;
    x->f = frame_clone(st->current); /* the station keeps its copy for retries */
    x->start = now;
    x->end = now + wire_time(x->f->len, seg->bps);
    st->busy = true;
    seg->active = append(seg->active, &seg->n_active, &seg->cap_active, sizeof *seg->active);
    seg->active[seg->n_active - 1] = x;
    /* Stations whose signal has not reached us yet: we could not hear them. */
    transmission *group[64];
    uint32_t n = 0;
    for (uint32_t i = 0; i < seg->n_active && n < 63; i++) {
        transmission *y = seg->active[i];
        if (y->st != st && now < y->start + seg->prop && now < y->end + seg->prop)
            group[n++] = y;
    }
    if (n > 0) {
        group[n++] = x;
        collide(seg, group, n);
        return;
    }
    x->done_ev = sim_schedule_at(net->sim, x->end, on_done, seg, x, NULL);
    x->deliver_ev = sim_schedule_at(net->sim, x->end + seg->prop, on_deliver, seg, x, NULL);
}

void hub_segment_send(hub_segment *seg, port *p, frame *f) {
    station *st = station_of(seg, p);
    link_tx *q = st->queue;
    if (!link_tx_push(q, f)) {
        char why[128];
        snprintf(why, sizeof why, _("transmit queue full (%u frames)"), q->cap);
        net_trace_drop(seg->net, p->owner, p, f, TRACE_REASON_QUEUE_FULL, why);
        frame_free(f);
        return;
    }
    station_try(seg, st);
}

void hub_segment_free(hub_segment *seg) {
    if (!seg)
        return;
    for (uint32_t i = 0; i < seg->n_active; i++) {
        frame_free(seg->active[i]->f);
        free(seg->active[i]);
    }
    for (uint32_t i = 0; i < seg->n_stations; i++)
        frame_free(seg->stations[i].current);
    free(seg->active);
    free(seg->stations);
    free(seg->links);
    free(seg->hubs);
    free(seg);
}
