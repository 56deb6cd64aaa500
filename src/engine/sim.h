/*
 * sim: the discrete-event engine. It owns the clock (integer nanoseconds), the
 * event queue and the run's one seeded random generator.
 *
 * Invariants: events run in (time, insertion order); the clock never goes back;
 * a cancelled event never runs; the wall clock is never read. Cost: schedule and
 * pop are O(log n) (a 4-ary heap of 16-byte keys), cancel is O(1) (a mark the
 * loop skips).
 */
#ifndef NETSIM_ENGINE_SIM_H
#define NETSIM_ENGINE_SIM_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/rng.h"

typedef uint64_t sim_time; /* nanoseconds since the start of the run */

#define SIM_NS      ((sim_time)1)
#define SIM_US      ((sim_time)1000)
#define SIM_MS      ((sim_time)1000000)
#define SIM_S       ((sim_time)1000000000)
#define SIM_FOREVER UINT64_MAX

typedef struct sim sim;

/* An event's work. `a` and `b` are the two pointers given to sim_schedule. */
typedef void (*sim_handler)(sim *s, void *a, void *b);

/* Called instead of the handler when an event is cancelled or still pending at
 * sim_free, so whatever `b` owns (a frame in flight, say) is freed on every path. */
typedef void (*sim_dropper)(void *b);

/* Handle of a scheduled event; 0 is never a valid id. */
typedef uint64_t sim_event_id;

typedef enum {
    SIM_DONE = 0,   /* no events remain */
    SIM_UNTIL,      /* the next event lies beyond the time limit */
    SIM_MAX_EVENTS, /* the event-count limit was reached */
    SIM_STOPPED,    /* sim_stop was called (storm detected, say) */
} sim_status;

/* A new engine at time 0 whose generator is seeded with `seed`.
 * Returns NULL on allocation failure; caller frees with sim_free. */
sim *sim_new(uint64_t seed);

/* Frees the engine; events still pending get their dropper called. NULL is a no-op. */
void sim_free(sim *s);

sim_time sim_now(const sim *s);

/* Schedules `fn(s, a, b)` at now + delay. `drop` may be NULL.
 * Returns the event's id (never 0). Exits via ns_out_of_memory on allocation failure. */
sim_event_id sim_schedule(sim *s, sim_time delay, sim_handler fn, void *a, void *b,
                          sim_dropper drop);

/* Same, at an absolute time; `at` earlier than now is treated as now. */
sim_event_id sim_schedule_at(sim *s, sim_time at, sim_handler fn, void *a, void *b,
                             sim_dropper drop);

/* Same, for a background event: one that does not keep the run going.
 * sim_run returns SIM_DONE when only background events are pending; they
 * stay pending, and run in their turn if a later sim_run has other events
 * to run. For bookkeeping timers that put nothing on a wire (a neighbour
 * entry ageing from REACHABLE to STALE), so that they do not stretch a run
 * that is otherwise over. No dropper: the event must own nothing. */
sim_event_id sim_schedule_background_at(sim *s, sim_time at, sim_handler fn, void *a, void *b);

/* A place in the run's order that no event holds yet: the key (time, seq) an
 * event scheduled now would get, taken without scheduling it. A holder that
 * usually finds it has nothing to do at that moment (a transmitter whose queue
 * is empty when its frame has left) keeps a mark instead of an event, asks
 * whether the run has gone past it, and turns it into the event it stands for
 * only when there is work, with the same place in the order, so the run is the
 * same as if the event had been there all along. */
typedef struct sim_mark {
    sim_time time;
    uint32_t seq;
    uint32_t epoch; /* marks from before a renumbering of seqs count as passed */
} sim_mark;

/* Takes a mark at `at` (earlier than now is treated as now), as sim_schedule_at
 * would take its place. */
sim_mark sim_mark_at(sim *s, sim_time at);

/* Whether an event at `m` would have run by now. A zero mark has passed. */
bool sim_mark_passed(const sim *s, sim_mark m);

/* Schedules `fn(s, a, b)` at the mark's place; the mark must not have passed
 * and must be used at most once. */
sim_event_id sim_schedule_mark(sim *s, sim_mark m, sim_handler fn, void *a, void *b,
                               sim_dropper drop);

/* Called before seqs are renumbered (once every 4 billion schedules): the
 * holder must schedule (sim_schedule_mark) every mark it keeps that has not
 * passed; after it, older marks count as passed. One hook per engine. */
void sim_on_renumber(sim *s, void (*hook)(void *ctx), void *ctx);

/* Cancels a pending event: it will not run, and its dropper (if any) is called now.
 * Returns true if the event was pending, false if it already ran, was cancelled, or
 * `id` is 0. */
bool sim_cancel(sim *s, sim_event_id id);

/* Runs events until none remain, the next one lies after `until`, `max_events`
 * events have run (0 means no limit) or sim_stop is called. After SIM_UNTIL the
 * clock reads `until`. May be called again to continue. */
sim_status sim_run(sim *s, sim_time until, uint64_t max_events);

/* Asks the running loop to stop after the current event. */
void sim_stop(sim *s);

/* Number of events run so far (cancelled ones are not counted). */
uint64_t sim_events_run(const sim *s);

/* Number of events currently pending that keep the run going (cancelled and
 * background ones excluded): 0 when sim_run would return SIM_DONE. */
uint64_t sim_events_pending(const sim *s);

/* The run's one random generator: every random choice draws from it. Borrowed. */
rng *sim_rng(sim *s);

/* The seed given to sim_new, for a module that needs a stream of its own
 * (seeded from this mixed with a constant), so its draws never shift the
 * draws others make from sim_rng. */
uint64_t sim_seed(const sim *s);

#endif
