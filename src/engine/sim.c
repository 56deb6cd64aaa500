/*
 * sim: the event loop. Two structures share the work:
 *  - a 4-ary min-heap of 16-byte keys (time, tag), tag = seq << 32 | slot,
 *    ordered by time and then by tag. seq is a counter bumped on every
 *    schedule and fills the tag's high half, so events at the same instant run
 *    in the order they were scheduled (ns-3's (time, uid) rule); the low half
 *    names the event's record. Four children of 16 bytes fill one 64-byte
 *    cache line (the array is offset so that they share one), and the tree is
 *    half as deep as a binary heap's: a pop touches half as many lines.
 *  - a slab of event records (handler, arguments, dropper) with a free list;
 *    the record remembers the seq of the event it holds, so a key whose record
 *    was cancelled (and perhaps reused) is recognised as dead. No hashing on
 *    the hot path.
 *
 * seq has 32 bits. When it runs out (after 4 billion schedules) the pending
 * keys are renumbered 1, 2, ... in the order they will run, which keeps every
 * (time, insertion order) relation, and counting goes on from there. Slots
 * have 32 bits too: 4 billion pending events is far beyond memory anyway.
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
 * live; id 0 is never valid; 0 < seq < SIM_SEQ_LIMIT.
 */
#include "engine/sim.h"
#include "util/alloc.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Dead heap keys tolerated before a rebuild is considered (small heaps are
 * cheaper to leave alone). */
#ifndef SIM_MIN_DEAD_FOR_REBUILD
#define SIM_MIN_DEAD_FOR_REBUILD 1024
#endif

/* One past the largest seq; a test may build this file with a small one to
 * exercise renumbering. */
#ifndef SIM_SEQ_LIMIT
#define SIM_SEQ_LIMIT ((uint64_t)1 << 32)
#endif

/* Keys before heap[0] in the allocation, so that the four children of any
 * node (4i+1 .. 4i+4) start on a 64-byte boundary. */
#define SIM_HEAP_PAD 3
#define SIM_LINE     64

typedef struct sim_key {
    sim_time time;
    uint64_t tag; /* seq << 32 | slot */
} sim_key;

static inline uint32_t sim__slot_of(sim_key k) {
    return (uint32_t)k.tag;
}

static inline uint32_t sim__seq_of(sim_key k) {
    return (uint32_t)(k.tag >> 32);
}

typedef struct sim_record {
    sim_handler fn;
    void *a;
    void *b;
    sim_dropper drop;
    uint32_t seq;        /* of the event held; 0 when the slot is free */
    uint32_t gen;        /* bumped on every reuse: part of the event id */
    uint32_t next_free;  /* the free list's link while free */
    uint32_t background; /* 1: does not keep the run going (sim_schedule_background_at) */
} sim_record;

#define SIM_NO_SLOT UINT32_MAX

struct sim {
    sim_time now;
    uint64_t next_seq; /* the next event's seq; starts at 1 */
    sim_key *heap;     /* heap[0] is the root; SIM_HEAP_PAD keys before it are unused */
    sim_key *heap_mem; /* the allocation (64-byte aligned) */
    size_t heap_len;
    size_t heap_cap;
    sim_record *slots;
    uint32_t n_slots, cap_slots, free_slot; /* free_slot: head of the free list */
    uint64_t live;                          /* pending (not cancelled) events */
    uint64_t live_background;               /* how many of them are background events */
    uint64_t events_run;
    bool stop;
    bool running;
    bool top_spent; /* heap[0] is the running event's key, to be replaced or popped */
    rng rng;
    uint64_t seed; /* what the generator was seeded with */
    /* The last place in the order the loop has reached: every key up to it
     * has run (marks are compared with it). */
    sim_time reached_time;
    uint32_t reached_seq;
    uint32_t epoch; /* renumberings so far */
    void (*renumber_hook)(void *ctx);
    void *renumber_ctx;
};

/* Whether x runs before y: (time, tag) compared as one 128-bit number, which
 * compilers turn into cmp + sbb with no branch (heap comparisons on random
 * times mispredict about half the time). Keys are never equal (seqs are
 * unique). */
__extension__ typedef unsigned __int128 sim_u128;

static inline bool sim__before(sim_key x, sim_key y) {
    return ((sim_u128)x.time << 64 | x.tag) < ((sim_u128)y.time << 64 | y.tag);
}

/* c ? y : x, without a branch. */
static inline size_t sim__pick(bool c, size_t x, size_t y) {
    return x ^ ((x ^ y) & ((size_t)0 - (size_t)c));
}

static void sim__oom(void) {
    ns_out_of_memory();
}

/* The index of the smallest of the children c .. c+3 (all present), by a
 * branch-free tournament. */
static inline size_t sim__min4(const sim_key *heap, size_t c) {
    size_t x = c + (size_t)sim__before(heap[c + 1], heap[c]);
    size_t y = c + 2 + (size_t)sim__before(heap[c + 3], heap[c + 2]);
    return sim__pick(sim__before(heap[y], heap[x]), x, y);
}

/* The index of the smallest child of the node whose first child is c, or
 * `len` when it has none. */
static inline size_t sim__min_child(const sim_key *heap, size_t len, size_t c) {
    if (c + 3 < len)
        return sim__min4(heap, c);
    if (c >= len)
        return len;
    size_t m = c;
    for (size_t j = c + 1; j < len; j++)
        if (sim__before(heap[j], heap[m]))
            m = j;
    return m;
}

/* Moves x up from the hole at `i` to its place. */
static inline void sim__sift_up(sim_key *heap, size_t i, sim_key x) {
    while (i > 0) {
        size_t parent = (i - 1) / 4;
        if (!sim__before(x, heap[parent]))
            break;
        heap[i] = heap[parent];
        i = parent;
    }
    heap[i] = x;
}

/* Moves x down from the hole at `i` to its place. */
static inline void sim__sift_down(sim_key *heap, size_t len, size_t i, sim_key x) {
    for (;;) {
        size_t c = sim__min_child(heap, len, 4 * i + 1);
        if (c == len || !sim__before(heap[c], x))
            break;
        heap[i] = heap[c];
        i = c;
    }
    heap[i] = x;
}

/* Grows the heap's array, keeping it 64-byte aligned with the pad in front. */
static void sim__grow_heap(sim *s) {
    size_t cap = s->heap_cap ? s->heap_cap * 2 : 256;
    if (cap > SIZE_MAX / sizeof *s->heap - SIM_HEAP_PAD - SIM_LINE)
        sim__oom();
    size_t bytes = (cap + SIM_HEAP_PAD + 1) * sizeof *s->heap;
    bytes = (bytes + SIM_LINE - 1) / SIM_LINE * SIM_LINE; /* aligned_alloc wants a multiple */
    sim_key *mem = aligned_alloc(SIM_LINE, bytes);
    if (!mem)
        sim__oom();
    if (s->heap_len)
        memcpy(mem + SIM_HEAP_PAD, s->heap, s->heap_len * sizeof *s->heap);
    free(s->heap_mem);
    s->heap_mem = mem;
    s->heap = mem + SIM_HEAP_PAD;
    s->heap_cap = cap;
}

/* Puts x in place of the smallest key, as a pop and a push would but in one
 * walk (the heap must not be empty). Floyd's bottom-up variant: the hole left
 * at the root walks down to a leaf along the smallest children, then x is
 * sifted up from there. A new key or the heap's last one usually belongs near
 * the bottom, so it rarely climbs far, and this saves the comparison with it
 * on every level of the way down. */
static inline void sim__replace_top(sim_key *heap, size_t len, sim_key x) {
    size_t i = 0;
    for (;;) {
        size_t c = 4 * i + 1;
        if (c + 3 < len) {
            c = sim__min4(heap, c);
        } else {
            c = sim__min_child(heap, len, c);
            if (c == len)
                break;
        }
        heap[i] = heap[c];
        i = c;
    }
    sim__sift_up(heap, i, x);
}

/* Removes the smallest key; the heap must not be empty. */
static inline void sim__pop(sim *s) {
    assert(s->heap_len > 0);
    size_t len = --s->heap_len;
    if (len > 0)
        sim__replace_top(s->heap, len, s->heap[len]);
}

/* The running event's key stays at the root while its handler runs
 * (top_spent): the handler's first schedule takes its place in one walk
 * (sim__replace_top) rather than a pop and a push, and the loop pops it only
 * if nothing took it. Nearly every handler schedules something. */
static void sim__push(sim *s, sim_key x) {
    if (s->top_spent) {
        s->top_spent = false;
        sim__replace_top(s->heap, s->heap_len, x);
        return;
    }
    if (s->heap_len == s->heap_cap)
        sim__grow_heap(s);
    sim__sift_up(s->heap, s->heap_len++, x);
}

static inline bool sim__alive(const sim *s, sim_key k) {
    return s->slots[sim__slot_of(k)].seq == sim__seq_of(k);
}

/* Drops dead keys (cancelled events) from the heap and restores the heap order
 * bottom-up (Floyd), in O(heap_len). */
static void sim__rebuild(sim *s) {
    s->top_spent = false; /* the running event's key is dead: dropped here */
    size_t live = 0;
    for (size_t i = 0; i < s->heap_len; i++)
        if (sim__alive(s, s->heap[i]))
            s->heap[live++] = s->heap[i];
    s->heap_len = live;
    for (size_t i = live / 4 + 1; i-- > 0;)
        if (i < live)
            sim__sift_down(s->heap, live, i, s->heap[i]);
}

static int sim__key_order(const void *x, const void *y) {
    sim_key a = *(const sim_key *)x, b = *(const sim_key *)y;
    return sim__before(a, b) ? -1 : sim__before(b, a);
}

/* seq ran out: renumbers the live keys 1, 2, ... in the order they will run
 * (a sorted array is a valid heap) and their records with them. O(n log n),
 * once every SIM_SEQ_LIMIT schedules. */
static void sim__renumber(sim *s) {
    if (s->renumber_hook) {
        void (*hook)(void *) = s->renumber_hook;
        s->renumber_hook = NULL; /* its schedules must not renumber again */
        hook(s->renumber_ctx);
        s->renumber_hook = hook;
    }
    sim__rebuild(s);
    qsort(s->heap, s->heap_len, sizeof *s->heap, sim__key_order);
    if (s->heap_len + 1 >= SIM_SEQ_LIMIT)
        sim__oom(); /* more pending events than seqs */
    for (size_t i = 0; i < s->heap_len; i++) {
        uint32_t slot = sim__slot_of(s->heap[i]);
        uint32_t seq = (uint32_t)(i + 1);
        s->slots[slot].seq = seq;
        s->heap[i].tag = (uint64_t)seq << 32 | slot;
    }
    s->next_seq = s->heap_len + 1;
    s->reached_seq = 0; /* every pending key now has a seq above it */
    s->epoch++;
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
        sim_record r = sim__free_slot(s, sim__slot_of(k));
        if (r.drop)
            r.drop(r.b);
    }
    assert(s->live == 0 && s->live_background == 0);
    free(s->slots);
    free(s->heap_mem);
    free(s);
}

sim_time sim_now(const sim *s) {
    return s->now;
}

/* Schedules with a seq already taken (by sim_schedule_at just now, or by a
 * mark). Marks taken before a renumbering were scheduled by its hook. */
static sim_event_id sim__schedule_seq(sim *s, sim_time at, uint32_t seq, sim_handler fn, void *a,
                                      void *b, sim_dropper drop) {
    uint32_t slot = sim__alloc_slot(s);
    sim_record *rec = &s->slots[slot];
    rec->fn = fn;
    rec->a = a;
    rec->b = b;
    rec->drop = drop;
    rec->background = 0;
    rec->seq = seq;
    s->live++;
    sim__push(s, (sim_key){at, (uint64_t)seq << 32 | slot});
    return (sim_event_id)rec->gen << 32 | (slot + 1);
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
    if (s->next_seq == SIM_SEQ_LIMIT)
        sim__renumber(s);
    return sim__schedule_seq(s, at, (uint32_t)s->next_seq++, fn, a, b, drop);
}

sim_mark sim_mark_at(sim *s, sim_time at) {
    if (at < s->now)
        at = s->now;
    if (s->next_seq == SIM_SEQ_LIMIT)
        sim__renumber(s);
    return (sim_mark){at, (uint32_t)s->next_seq++, s->epoch};
}

bool sim_mark_passed(const sim *s, sim_mark m) {
    if (m.seq == 0 || m.epoch != s->epoch)
        return true;
    return m.time < s->reached_time || (m.time == s->reached_time && m.seq <= s->reached_seq);
}

sim_event_id sim_schedule_mark(sim *s, sim_mark m, sim_handler fn, void *a, void *b,
                               sim_dropper drop) {
    assert(fn && !sim_mark_passed(s, m));
    return sim__schedule_seq(s, m.time, m.seq, fn, a, b, drop);
}

void sim_on_renumber(sim *s, void (*hook)(void *ctx), void *ctx) {
    s->renumber_hook = hook;
    s->renumber_ctx = ctx;
}

sim_event_id sim_schedule_background_at(sim *s, sim_time at, sim_handler fn, void *a, void *b) {
    sim_event_id id = sim_schedule_at(s, at, fn, a, b, NULL);
    s->slots[(uint32_t)id - 1].background = 1;
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
            /* Every key taken so far up to `until` has run, marks included;
             * one taken from now on at `until` itself has not. */
            s->reached_time = s->now;
            s->reached_seq = (uint32_t)(s->next_seq - 1);
            status = SIM_UNTIL;
            break;
        }
        if (max_events != 0 && ran >= max_events) {
            status = SIM_MAX_EVENTS;
            break;
        }
        sim_record r = sim__free_slot(s, sim__slot_of(top));
        s->top_spent = true;
        s->now = top.time;
        s->reached_time = top.time;
        s->reached_seq = sim__seq_of(top);
        s->events_run++;
        ran++;
        r.fn(s, r.a, r.b);
        if (s->top_spent) {
            s->top_spent = false;
            sim__pop(s);
        }
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
