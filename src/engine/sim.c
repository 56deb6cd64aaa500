/*
 * sim: the event loop. Two structures share the work:
 *  - a binary min-heap of (time, seq, slot) keys ordered by time and then by
 *    seq, a counter bumped on every schedule, so events at the same instant run
 *    in the order they were scheduled (ns-3's (time, uid) rule);
 *  - a slab of event records (handler, arguments, dropper) with a free list;
 *    a key names its record by slot, and the record remembers the seq of the
 *    event it holds, so a key whose record was cancelled (and perhaps reused)
 *    is recognised as dead. No hashing on the hot path.
 *
 * An event id is (generation << 32 | slot + 1): the generation of a slot grows
 * each time it is reused, so an old id never cancels a newer event. Cancelling
 * frees the record at once (calling the dropper) and leaves its heap key
 * behind; the loop discards dead keys when it reaches them, and when dead keys
 * outnumber live ones the heap is rebuilt without them, so a timer re-armed on
 * every packet (TCP's) cannot grow the heap without bound. Schedule and pop
 * are O(log n); cancel is O(1).
 *
 * Invariants: now only grows; every heap key's time is >= now; heap_len >=
 * live; id 0 is never valid.
 */
#include "engine/sim.h"
#include "util/alloc.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>

/* Dead heap keys tolerated before a rebuild is considered (small heaps are
 * cheaper to leave alone). */
#define SIM_MIN_DEAD_FOR_REBUILD 1024

typedef struct sim_key {
    sim_time time;
    uint64_t seq;
    uint32_t slot;
} sim_key;

typedef struct sim_record {
    sim_handler fn;
    void *a;
    void *b;
    sim_dropper drop;
    bool background; /* does not keep the run going (sim_schedule_background_at) */
    uint64_t seq;    /* of the event held; 0 when the slot is free */
    uint32_t gen;    /* bumped on every reuse: part of the event id */
    uint32_t next_free;
} sim_record;

#define SIM_NO_SLOT UINT32_MAX

struct sim {
    sim_time now;
    uint64_t next_seq; /* the next event's id; starts at 1 */
    sim_key *heap;
    size_t heap_len;
    size_t heap_cap;
    sim_record *slots;
    uint32_t n_slots, cap_slots, free_slot; /* free_slot: head of the free list */
    uint64_t live;                          /* pending (not cancelled) events */
    uint64_t live_background;               /* how many of them are background events */
    uint64_t events_run;
    bool stop;
    bool running;
    rng rng;
    uint64_t seed; /* what the generator was seeded with */
};

/* Whether x runs before y. Written with & and | rather than && and || so the
 * compiler emits no branches: heap comparisons on random times mispredict
 * about half the time, and removing those branches was worth ~15% in
 * bench_engine. */
static inline bool sim__before(sim_key x, sim_key y) {
    return (x.time < y.time) | ((x.time == y.time) & (x.seq < y.seq));
}

static void sim__oom(void) {
    ns_out_of_memory();
}

/* Moves the key at `i` down to its place, treating `i` as a hole to fill. */
static inline void sim__sift_down(sim_key *heap, size_t len, size_t i, sim_key x) {
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= len)
            break;
        if (c + 1 < len && sim__before(heap[c + 1], heap[c]))
            c++;
        if (!sim__before(heap[c], x))
            break;
        heap[i] = heap[c];
        i = c;
    }
    heap[i] = x;
}

static void sim__push(sim *s, sim_key x) {
    if (s->heap_len == s->heap_cap) {
        size_t cap = s->heap_cap ? s->heap_cap * 2 : 256;
        if (cap > SIZE_MAX / sizeof *s->heap)
            sim__oom();
        sim_key *heap = realloc(s->heap, cap * sizeof *heap);
        if (!heap)
            sim__oom();
        s->heap = heap;
        s->heap_cap = cap;
    }
    sim_key *heap = s->heap;
    size_t i = s->heap_len++;
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!sim__before(x, heap[parent]))
            break;
        heap[i] = heap[parent];
        i = parent;
    }
    heap[i] = x;
}

/* Removes the smallest key; the heap must not be empty. Floyd's bottom-up
 * variant: the hole left at the root walks down to a leaf along the smaller
 * children (one comparison per level), then the last key is sifted up from
 * there. The last key came from the bottom, so it rarely climbs far, and this
 * costs about half the comparisons of the textbook sift-down. */
static inline void sim__pop(sim *s) {
    assert(s->heap_len > 0);
    sim_key *heap = s->heap;
    size_t len = --s->heap_len;
    if (len == 0)
        return;
    sim_key x = heap[len];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c + 1 < len) {
            c += sim__before(heap[c + 1], heap[c]);
        } else if (c >= len) {
            break;
        }
        heap[i] = heap[c];
        i = c;
    }
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!sim__before(x, heap[parent]))
            break;
        heap[i] = heap[parent];
        i = parent;
    }
    heap[i] = x;
}

/* Drops dead keys (cancelled events) from the heap and restores the heap order
 * bottom-up (Floyd), in O(heap_len). */
static inline bool sim__alive(const sim *s, sim_key k) {
    return s->slots[k.slot].seq == k.seq;
}

static void sim__rebuild(sim *s) {
    size_t live = 0;
    for (size_t i = 0; i < s->heap_len; i++)
        if (sim__alive(s, s->heap[i]))
            s->heap[live++] = s->heap[i];
    s->heap_len = live;
    for (size_t i = live / 2; i-- > 0;)
        sim__sift_down(s->heap, live, i, s->heap[i]);
}

/* A free record slot (its seq still 0). */
static uint32_t sim__alloc_slot(sim *s) {
    if (s->free_slot != SIM_NO_SLOT) {
        uint32_t slot = s->free_slot;
        s->free_slot = s->slots[slot].next_free;
        s->slots[slot].gen++;
        return slot;
    }
    if (s->n_slots == s->cap_slots) {
        uint32_t cap = s->cap_slots ? s->cap_slots * 2 : 256;
        if (cap <= s->cap_slots || cap >= SIM_NO_SLOT)
            sim__oom();
        sim_record *slots = realloc(s->slots, (size_t)cap * sizeof *slots);
        if (!slots)
            sim__oom();
        s->slots = slots;
        s->cap_slots = cap;
    }
    s->slots[s->n_slots] = (sim_record){0};
    return s->n_slots++;
}

/* Empties a slot and puts it on the free list; returns what it held. */
static sim_record sim__free_slot(sim *s, uint32_t slot) {
    sim_record r = s->slots[slot];
    s->slots[slot].seq = 0;
    s->slots[slot].next_free = s->free_slot;
    s->free_slot = slot;
    s->live--;
    s->live_background -= r.background;
    return r;
}

sim *sim_new(uint64_t seed) {
    sim *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->free_slot = SIM_NO_SLOT;
    s->next_seq = 1;
    rng_seed(&s->rng, seed);
    s->seed = seed;
    return s;
}

/* Drops the pending events in the order they would have run, so anything the
 * droppers report comes out in a stable order. Droppers must not schedule. */
void sim_free(sim *s) {
    if (!s)
        return;
    assert(!s->running);
    while (s->heap_len > 0) {
        sim_key k = s->heap[0];
        sim__pop(s);
        if (!sim__alive(s, k))
            continue;
        sim_record r = sim__free_slot(s, k.slot);
        if (r.drop)
            r.drop(r.b);
    }
    assert(s->live == 0 && s->live_background == 0);
    free(s->slots);
    free(s->heap);
    free(s);
}

sim_time sim_now(const sim *s) {
    return s->now;
}

sim_event_id sim_schedule(sim *s, sim_time delay, sim_handler fn, void *a, void *b,
                          sim_dropper drop) {
    /* Saturate rather than wrap: a delay past the end of time means "never". */
    sim_time at = delay > SIM_FOREVER - s->now ? SIM_FOREVER : s->now + delay;
    return sim_schedule_at(s, at, fn, a, b, drop);
}

sim_event_id sim_schedule_at(sim *s, sim_time at, sim_handler fn, void *a, void *b,
                             sim_dropper drop) {
    assert(fn);
    if (at < s->now)
        at = s->now;
    uint64_t seq = s->next_seq++;
    uint32_t slot = sim__alloc_slot(s);
    sim_record *rec = &s->slots[slot];
    rec->fn = fn;
    rec->a = a;
    rec->b = b;
    rec->drop = drop;
    rec->background = false;
    rec->seq = seq;
    s->live++;
    sim__push(s, (sim_key){at, seq, slot});
    return (sim_event_id)rec->gen << 32 | (slot + 1);
}

sim_event_id sim_schedule_background_at(sim *s, sim_time at, sim_handler fn, void *a, void *b) {
    sim_event_id id = sim_schedule_at(s, at, fn, a, b, NULL);
    s->slots[(uint32_t)id - 1].background = true;
    s->live_background++;
    return id;
}

/* The record leaves the map before the dropper runs, so a dropper that cancels
 * (even this same id) sees a consistent engine. */
bool sim_cancel(sim *s, sim_event_id id) {
    uint32_t slot = (uint32_t)id - 1;
    if (id == 0 || (uint32_t)id == 0 || slot >= s->n_slots)
        return false;
    sim_record *rec = &s->slots[slot];
    if (rec->seq == 0 || rec->gen != (uint32_t)(id >> 32))
        return false;
    sim_record r = sim__free_slot(s, slot);
    size_t dead = s->heap_len - s->live;
    if (dead >= SIM_MIN_DEAD_FOR_REBUILD && dead > s->heap_len / 2)
        sim__rebuild(s);
    if (r.drop)
        r.drop(r.b);
    return true;
}

/* The loop. Limits are checked before each event in this order: no live event
 * left but background ones (SIM_DONE), next event after `until` (SIM_UNTIL, clock set to `until`),
 * `max_events` already run in this call (SIM_MAX_EVENTS); so SIM_MAX_EVENTS is
 * returned only when the limit actually held an event back. sim_stop is checked
 * after each event. A stop requested outside a run is forgotten when the next
 * run starts (as Redis's aeMain does). Handlers may schedule and cancel freely
 * but must not call sim_run or sim_free. */
sim_status sim_run(sim *s, sim_time until, uint64_t max_events) {
    assert(!s->running);
    s->running = true;
    s->stop = false;
    uint64_t ran = 0;
    sim_status status;
    for (;;) {
        while (s->heap_len > 0 && !sim__alive(s, s->heap[0]))
            sim__pop(s); /* a cancelled event's key */
        if (s->live == s->live_background) {
            status = SIM_DONE; /* nothing left but background events, if any */
            break;
        }
        sim_key top = s->heap[0];
        if (top.time > until) {
            if (until > s->now)
                s->now = until;
            status = SIM_UNTIL;
            break;
        }
        if (max_events != 0 && ran >= max_events) {
            status = SIM_MAX_EVENTS;
            break;
        }
        sim_record r = sim__free_slot(s, top.slot);
        sim__pop(s);
        s->now = top.time;
        s->events_run++;
        ran++;
        r.fn(s, r.a, r.b);
        if (s->stop) {
            status = SIM_STOPPED;
            break;
        }
    }
    s->stop = false;
    s->running = false;
    return status;
}

void sim_stop(sim *s) {
    s->stop = true;
}

uint64_t sim_events_run(const sim *s) {
    return s->events_run;
}

uint64_t sim_events_pending(const sim *s) {
    return s->live - s->live_background;
}

uint64_t sim_seed(const sim *s) {
    return s->seed;
}

rng *sim_rng(sim *s) {
    return &s->rng;
}
