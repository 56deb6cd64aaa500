/*
 * test_engine_sim: the event loop's contract. Every event carries a tag that
 * counts how often its handler and its dropper ran, and a shared log records the
 * order and times of runs and drops, so each test can assert exact sequences.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "engine/sim.h"

#define LOG_MAX 20000

typedef struct event_log {
    int ran[LOG_MAX]; /* tag ids in the order the handlers ran */
    sim_time at[LOG_MAX];
    int nran;
    int dropped[LOG_MAX]; /* tag ids in the order the droppers ran */
    int ndropped;
} event_log;

typedef struct tag {
    event_log *log;
    int id;
    int runs;
    int drops;
    sim_event_id self; /* filled in by tests that need it */
} tag;

static event_log *log_new(void) {
    event_log *l = calloc(1, sizeof *l);
    assert_non_null(l);
    return l;
}

static void on_run(sim *s, void *a, void *b) {
    event_log *l = a;
    tag *t = b;
    assert_ptr_equal(t->log, l);
    t->runs++;
    assert_true(l->nran < LOG_MAX);
    l->ran[l->nran] = t->id;
    l->at[l->nran] = sim_now(s);
    l->nran++;
}

static void on_drop(void *b) {
    tag *t = b;
    t->drops++;
    t->log->dropped[t->log->ndropped++] = t->id;
}

static tag *tags_new(event_log *l, int n) {
    tag *t = calloc((size_t)n, sizeof *t);
    assert_non_null(t);
    for (int i = 0; i < n; i++) {
        t[i].log = l;
        t[i].id = i;
    }
    return t;
}

static sim_event_id sched(sim *s, sim_time delay, tag *t) {
    return sim_schedule(s, delay, on_run, t->log, t, on_drop);
}

static void test_new_engine(void **state) {
    (void)state;
    sim *s = sim_new(1);
    assert_non_null(s);
    assert_int_equal(sim_now(s), 0);
    assert_int_equal(sim_events_run(s), 0);
    assert_int_equal(sim_events_pending(s), 0);
    assert_int_equal(sim_run(s, SIM_FOREVER, 0), SIM_DONE);
    assert_int_equal(sim_now(s), 0);
    sim_free(s);
    sim_free(NULL);
}

static void test_order_by_time(void **state) {
    (void)state;
    event_log *l = log_new();
    tag *t = tags_new(l, 5);
    sim *s = sim_new(1);
    sched(s, 30, &t[0]);
    sched(s, 10, &t[1]);
    sched(s, 50 * SIM_MS, &t[2]);
    sched(s, 20, &t[3]);
    sched(s, 1, &t[4]);
    assert_int_equal(sim_events_pending(s), 5);
    assert_int_equal(sim_run(s, SIM_FOREVER, 0), SIM_DONE);
    static const int order[] = {4, 1, 3, 0, 2};
    static const sim_time at[] = {1, 10, 20, 30, 50 * SIM_MS};
    assert_int_equal(l->nran, 5);
    for (int i = 0; i < 5; i++) {
        assert_int_equal(l->ran[i], order[i]);
        assert_int_equal(l->at[i], at[i]);
        assert_int_equal(t[i].runs, 1);
        assert_int_equal(t[i].drops, 0);
    }
    assert_int_equal(sim_now(s), 50 * SIM_MS);
    assert_int_equal(sim_events_run(s), 5);
    assert_int_equal(sim_events_pending(s), 0);
    sim_free(s);
    assert_int_equal(l->ndropped, 0);
    free(t);
    free(l);
}

/* Events at one instant run in scheduling order, interleaved with other times. */
static void test_fifo_on_ties(void **state) {
    (void)state;
    event_log *l = log_new();
    tag *t = tags_new(l, 300);
    sim *s = sim_new(1);
    for (int i = 0; i < 300; i++)
        sched(s, (sim_time)(i % 3) * 100, &t[i]);
    assert_int_equal(sim_run(s, SIM_FOREVER, 0), SIM_DONE);
    assert_int_equal(l->nran, 300);
    int k = 0;
    for (int when = 0; when < 3; when++)
        for (int i = when; i < 300; i += 3, k++) {
            assert_int_equal(l->ran[k], i);
            assert_int_equal(l->at[k], (sim_time)when * 100);
        }
    sim_free(s);
    free(t);
    free(l);
}

static void test_ids_nonzero_and_distinct(void **state) {
    (void)state;
    event_log *l = log_new();
    tag *t = tags_new(l, 100);
    sim *s = sim_new(1);
    sim_event_id prev = 0;
    for (int i = 0; i < 100; i++) {
        sim_event_id id = sched(s, 5, &t[i]);
        assert_true(id != 0);
        assert_true(id > prev);
        prev = id;
    }
    sim_free(s);
    assert_int_equal(l->ndropped, 100);
    free(t);
    free(l);
}

static void test_cancel(void **state) {
    (void)state;
    event_log *l = log_new();
    tag *t = tags_new(l, 4);
    sim *s = sim_new(1);
    sim_event_id a = sched(s, 10, &t[0]);
    sim_event_id b = sched(s, 20, &t[1]);
    sim_event_id c = sched(s, 30, &t[2]);
    sim_event_id d = sim_schedule(s, 40, on_run, l, &t[3], NULL); /* no dropper */
    assert_int_equal(sim_events_pending(s), 4);

    assert_true(sim_cancel(s, b));
    assert_int_equal(t[1].drops, 1); /* dropped at once, not later */
    assert_int_equal(l->ndropped, 1);
    assert_int_equal(sim_events_pending(s), 3);
    assert_false(sim_cancel(s, b)); /* already cancelled */
    assert_int_equal(t[1].drops, 1);
    assert_true(sim_cancel(s, d));
    assert_int_equal(sim_events_pending(s), 2);
    assert_false(sim_cancel(s, 0));
    assert_false(sim_cancel(s, c + 1000)); /* never scheduled */

    assert_int_equal(sim_run(s, SIM_FOREVER, 0), SIM_DONE);
    assert_int_equal(l->nran, 2);
    assert_int_equal(l->ran[0], 0);
    assert_int_equal(l->ran[1], 2);
    assert_int_equal(t[1].runs, 0);
    assert_int_equal(t[3].runs, 0);
    assert_int_equal(sim_events_run(s), 2); /* cancelled events are not counted */
    assert_int_equal(sim_now(s), 30);

    assert_false(sim_cancel(s, a)); /* already ran */
    assert_false(sim_cancel(s, c));
    assert_int_equal(t[0].drops, 0);
    assert_int_equal(t[2].drops, 0);
    sim_free(s);
    assert_int_equal(l->ndropped, 1);
    free(t);
    free(l);
}

/* A handler that cancels the event named by its tag's `self` (set by the test)
 * and checks that cancelling the running event itself reports false. */
typedef struct canceller {
    sim_event_id victim;
    sim_event_id own;
    bool victim_was_pending;
    bool own_was_pending;
} canceller;

static void on_cancel_other(sim *s, void *a, void *b) {
    canceller *c = a;
    (void)b;
    c->victim_was_pending = sim_cancel(s, c->victim);
    c->own_was_pending = sim_cancel(s, c->own);
}

static void test_cancel_from_handler(void **state) {
    (void)state;
    event_log *l = log_new();
    tag *t = tags_new(l, 2);
    sim *s = sim_new(1);
    canceller c = {0};
    c.own = sim_schedule(s, 10, on_cancel_other, &c, NULL, NULL);
    c.victim = sched(s, 10, &t[0]); /* same instant, but scheduled later */
    sched(s, 20, &t[1]);
    assert_int_equal(sim_run(s, SIM_FOREVER, 0), SIM_DONE);
    assert_true(c.victim_was_pending);
    assert_false(c.own_was_pending);
    assert_int_equal(t[0].runs, 0);
    assert_int_equal(t[0].drops, 1);
    assert_int_equal(t[1].runs, 1);
    assert_int_equal(sim_events_run(s), 2);
    sim_free(s);
    free(t);
    free(l);
}

static void test_until(void **state) {
    (void)state;
    event_log *l = log_new();
    tag *t = tags_new(l, 3);
    sim *s = sim_new(1);
    sched(s, 10, &t[0]);
    sched(s, 20, &t[1]);
    sched(s, 30, &t[2]);

    /* An event exactly at `until` runs. */
    assert_int_equal(sim_run(s, 20, 0), SIM_UNTIL);
    assert_int_equal(l->nran, 2);
    assert_int_equal(sim_now(s), 20);

    assert_int_equal(sim_run(s, 25, 0), SIM_UNTIL);
    assert_int_equal(l->nran, 2);
    assert_int_equal(sim_now(s), 25); /* the clock reads `until` */

    /* Resume: delays now count from 25. */
    sched(s, 1, &t[0]);
    assert_int_equal(sim_run(s, SIM_FOREVER, 0), SIM_DONE);
    assert_int_equal(l->nran, 4);
    assert_int_equal(l->ran[2], 0);
    assert_int_equal(l->at[2], 26);
    assert_int_equal(l->ran[3], 2);
    assert_int_equal(l->at[3], 30);
    assert_int_equal(sim_now(s), 30); /* SIM_DONE leaves the clock at the last event */

    /* An earlier `until` never moves the clock back. */
    sched(s, 100, &t[1]);
    assert_int_equal(sim_run(s, 5, 0), SIM_UNTIL);
    assert_int_equal(sim_now(s), 30);
    assert_int_equal(sim_events_pending(s), 1);
    sim_free(s);
    assert_int_equal(t[1].drops, 1);
    free(t);
    free(l);
}

/* Only cancelled events left, even beyond `until`: the run is done. */
static void test_only_cancelled_left_is_done(void **state) {
    (void)state;
    event_log *l = log_new();
    tag *t = tags_new(l, 2);
    sim *s = sim_new(1);
    sched(s, 10, &t[0]);
    sim_event_id late = sched(s, 100, &t[1]);
    assert_true(sim_cancel(s, late));
    assert_int_equal(sim_run(s, 50, 0), SIM_DONE);
    assert_int_equal(sim_now(s), 10);
    assert_int_equal(sim_events_pending(s), 0);
    sim_free(s);
    assert_int_equal(t[1].drops, 1);
    assert_int_equal(t[1].runs, 0);
    free(t);
    free(l);
}

/* Background events run in their turn while other events remain, but do
 * not keep the run going: with only background events left, SIM_DONE, the
 * clock at the last event run, the background events still pending; a
 * cancelled one is gone; sim_free drops the rest quietly. */
static void test_background_events(void **state) {
    (void)state;
    event_log *l = log_new();
    tag *t = tags_new(l, 4);
    sim *s = sim_new(1);
    sim_schedule_background_at(s, 5, on_run, l, &t[0]);
    sched(s, 10, &t[1]);
    sim_schedule_background_at(s, 20, on_run, l, &t[2]);
    sim_event_id gone = sim_schedule_background_at(s, 30, on_run, l, &t[3]);
    assert_true(sim_cancel(s, gone));
    assert_int_equal(sim_events_pending(s), 1); /* background events do not count */
    assert_int_equal(sim_run(s, 1000, 0), SIM_DONE);
    assert_int_equal(l->nran, 2);
    assert_int_equal(l->ran[0], 0);
    assert_int_equal(l->ran[1], 1);
    assert_int_equal(sim_now(s), 10);
    assert_int_equal(sim_events_pending(s), 0);
    /* A later event lets it run in its turn. */
    sched(s, 20, &t[1]);
    assert_int_equal(sim_run(s, 1000, 0), SIM_DONE);
    assert_int_equal(l->nran, 4);
    assert_int_equal(l->ran[2], 2);
    assert_int_equal(l->at[2], 20);
    assert_int_equal(l->ran[3], 1);
    assert_int_equal(l->at[3], 30);
    sim_schedule_background_at(s, 40, on_run, l, &t[0]);
    assert_int_equal(sim_run(s, 1000, 0), SIM_DONE);
    assert_int_equal(t[0].runs, 1);
    sim_free(s);
    assert_int_equal(l->ndropped, 0);
    free(t);
    free(l);
}

static void test_max_events(void **state) {
    (void)state;
    event_log *l = log_new();
    tag *t = tags_new(l, 5);
    sim *s = sim_new(1);
    for (int i = 0; i < 5; i++)
        sched(s, (sim_time)i + 1, &t[i]);
    assert_int_equal(sim_run(s, SIM_FOREVER, 2), SIM_MAX_EVENTS);
    assert_int_equal(sim_events_run(s), 2);
    assert_int_equal(sim_now(s), 2);
    assert_int_equal(sim_run(s, SIM_FOREVER, 2), SIM_MAX_EVENTS); /* counts per call */
    assert_int_equal(sim_events_run(s), 4);
    /* The limit is reported only when it held an event back. */
    assert_int_equal(sim_run(s, SIM_FOREVER, 1), SIM_DONE);
    assert_int_equal(sim_events_run(s), 5);
    for (int i = 0; i < 5; i++)
        assert_int_equal(l->ran[i], i);

    /* now == 5 */
    sim_schedule_at(s, 10, on_run, l, &t[0], on_drop);
    assert_int_equal(sim_run(s, 12, 1), SIM_DONE);
    sim_schedule_at(s, 20, on_run, l, &t[0], on_drop);
    sim_schedule_at(s, 30, on_run, l, &t[1], on_drop);
    assert_int_equal(sim_run(s, 35, 1), SIM_MAX_EVENTS);
    assert_int_equal(sim_now(s), 20);
    assert_int_equal(sim_run(s, 35, 1), SIM_DONE);
    sim_schedule_at(s, 40, on_run, l, &t[0], on_drop);
    sim_schedule_at(s, 60, on_run, l, &t[1], on_drop);
    /* After one event the next lies beyond 55: that, not the limit, ends the run. */
    assert_int_equal(sim_run(s, 55, 1), SIM_UNTIL);
    assert_int_equal(sim_now(s), 55);
    sim_free(s);
    free(t);
    free(l);
}

typedef struct stopper {
    int calls;
    int stop_at;
} stopper;

static void on_maybe_stop(sim *s, void *a, void *b) {
    stopper *st = a;
    (void)b;
    if (++st->calls == st->stop_at)
        sim_stop(s);
}

static void test_stop_and_resume(void **state) {
    (void)state;
    sim *s = sim_new(1);
    stopper st = {0, 2};
    for (int i = 0; i < 5; i++)
        sim_schedule(s, 10, on_maybe_stop, &st, NULL, NULL);
    assert_int_equal(sim_run(s, SIM_FOREVER, 0), SIM_STOPPED);
    assert_int_equal(st.calls, 2); /* stops right after the current event */
    assert_int_equal(sim_events_run(s), 2);
    assert_int_equal(sim_events_pending(s), 3);
    assert_int_equal(sim_now(s), 10);

    /* Stop wins over the event limit when both apply to the same event. */
    st.stop_at = 3;
    assert_int_equal(sim_run(s, SIM_FOREVER, 1), SIM_STOPPED);
    assert_int_equal(sim_run(s, SIM_FOREVER, 0), SIM_DONE);
    assert_int_equal(st.calls, 5);

    /* A stop asked for outside a run does not affect the next run. */
    sim_schedule(s, 10, on_maybe_stop, &st, NULL, NULL);
    sim_stop(s);
    assert_int_equal(sim_run(s, SIM_FOREVER, 0), SIM_DONE);
    assert_int_equal(st.calls, 6);
    sim_free(s);
}

/* A chain: each run schedules the next, with delay 0 landing after the events
 * already pending at the same instant. */
typedef struct chain {
    int left;
    sim_time delay;
    sim_time at[64];
    int n;
} chain;

static void on_chain(sim *s, void *a, void *b) {
    chain *c = a;
    (void)b;
    c->at[c->n++] = sim_now(s);
    if (c->left-- > 0)
        sim_schedule(s, c->delay, on_chain, c, NULL, NULL);
}

static void test_schedule_from_handler(void **state) {
    (void)state;
    sim *s = sim_new(1);
    chain c = {.left = 10, .delay = 5};
    sim_schedule(s, 0, on_chain, &c, NULL, NULL);
    assert_int_equal(sim_run(s, SIM_FOREVER, 0), SIM_DONE);
    assert_int_equal(c.n, 11);
    for (int i = 0; i < 11; i++)
        assert_int_equal(c.at[i], (sim_time)i * 5);
    assert_int_equal(sim_now(s), 50);
    assert_int_equal(sim_events_run(s), 11);
    sim_free(s);
}

static void on_schedule_zero(sim *s, void *a, void *b) {
    tag *t = b;
    on_run(s, a, b);
    if (t->id == 0)
        sim_schedule(s, 0, on_run, a, t + 3, on_drop); /* tag 3 */
}

static void test_delay_zero_from_handler_runs_after_peers(void **state) {
    (void)state;
    event_log *l = log_new();
    tag *t = tags_new(l, 4);
    sim *s = sim_new(1);
    sim_schedule(s, 7, on_schedule_zero, l, &t[0], on_drop);
    sched(s, 7, &t[1]);
    sched(s, 7, &t[2]);
    assert_int_equal(sim_run(s, SIM_FOREVER, 0), SIM_DONE);
    static const int order[] = {0, 1, 2, 3};
    assert_int_equal(l->nran, 4);
    for (int i = 0; i < 4; i++) {
        assert_int_equal(l->ran[i], order[i]);
        assert_int_equal(l->at[i], 7);
    }
    sim_free(s);
    free(t);
    free(l);
}

static void test_schedule_at(void **state) {
    (void)state;
    event_log *l = log_new();
    tag *t = tags_new(l, 3);
    sim *s = sim_new(1);
    sched(s, 100, &t[0]);
    assert_int_equal(sim_run(s, SIM_FOREVER, 0), SIM_DONE);
    sim_schedule_at(s, 150, on_run, l, &t[1], on_drop);
    sim_schedule_at(s, 40, on_run, l, &t[2], on_drop); /* in the past: runs now */
    assert_int_equal(sim_run(s, SIM_FOREVER, 0), SIM_DONE);
    assert_int_equal(l->ran[1], 2);
    assert_int_equal(l->at[1], 100);
    assert_int_equal(l->ran[2], 1);
    assert_int_equal(l->at[2], 150);
    sim_free(s);
    free(t);
    free(l);
}

/* A delay past the end of time saturates at SIM_FOREVER instead of wrapping. */
static void test_delay_saturates(void **state) {
    (void)state;
    event_log *l = log_new();
    tag *t = tags_new(l, 2);
    sim *s = sim_new(1);
    sched(s, 10, &t[0]);
    assert_int_equal(sim_run(s, SIM_FOREVER, 0), SIM_DONE);
    sched(s, UINT64_MAX, &t[1]);
    assert_int_equal(sim_run(s, UINT64_MAX - 1, 0), SIM_UNTIL);
    assert_int_equal(t[1].runs, 0);
    assert_int_equal(sim_run(s, SIM_FOREVER, 0), SIM_DONE);
    assert_int_equal(l->at[1], SIM_FOREVER);
    sim_free(s);
    free(t);
    free(l);
}

static void test_free_drops_pending_in_time_order(void **state) {
    (void)state;
    event_log *l = log_new();
    tag *t = tags_new(l, 6);
    sim *s = sim_new(1);
    sched(s, 50, &t[0]);
    sched(s, 10, &t[1]);
    sim_event_id gone = sched(s, 20, &t[2]);
    sched(s, 10, &t[3]);
    sched(s, 5, &t[4]);
    sim_schedule(s, 1, on_run, l, &t[5], NULL);
    assert_true(sim_cancel(s, gone));
    assert_int_equal(sim_run(s, 7, 0), SIM_UNTIL); /* runs 5 and 4 */
    assert_int_equal(l->nran, 2);
    assert_int_equal(sim_events_pending(s), 3);
    sim_free(s);
    static const int dropped[] = {2, 1, 3, 0};
    assert_int_equal(l->ndropped, 4);
    for (int i = 0; i < 4; i++)
        assert_int_equal(l->dropped[i], dropped[i]);
    for (int i = 0; i < 6; i++)
        assert_int_equal(t[i].runs + t[i].drops, 1); /* exactly one of the two */
    free(t);
    free(l);
}

/* Many cancellations (enough to trigger the heap rebuild several times) mixed
 * with runs: the events that run are exactly the uncancelled ones, in (time,
 * schedule order), and every cancelled one is dropped once. */
static const sim_time *sort_when; /* qsort has no context argument */

static int sort_by_time_then_id(const void *x, const void *y) {
    int a = *(const int *)x, b = *(const int *)y;
    if (sort_when[a] != sort_when[b])
        return sort_when[a] < sort_when[b] ? -1 : 1;
    return (a > b) - (a < b);
}

static void test_many_cancellations_against_reference(void **state) {
    (void)state;
    enum { N = 12000 };
    event_log *l = log_new();
    tag *t = tags_new(l, N);
    sim_event_id *ids = calloc(N, sizeof *ids);
    sim_time *when = calloc(N, sizeof *when);
    bool *cancelled = calloc(N, sizeof *cancelled);
    int *expect = calloc(N, sizeof *expect);
    assert_non_null(ids);
    assert_non_null(when);
    assert_non_null(cancelled);
    assert_non_null(expect);
    sim *s = sim_new(99);
    rng *r = sim_rng(s);
    int live = 0;
    for (int i = 0; i < N; i++) {
        when[i] = rng_below(r, 500); /* many ties */
        ids[i] = sched(s, when[i], &t[i]);
        if (i > 0 && rng_below(r, 100) < 85) { /* cancel a random earlier one */
            int k = (int)rng_below(r, (uint64_t)i);
            bool was = !cancelled[k];
            assert_int_equal(sim_cancel(s, ids[k]), was);
            cancelled[k] = true;
        }
        if (i == N / 2) {
            /* Cancel 90% of what is pending: dead keys then far outnumber live
             * ones, which makes the engine rebuild its heap. */
            for (int k = 0; k <= i; k++) {
                if (!cancelled[k] && rng_below(r, 10) < 9) {
                    assert_true(sim_cancel(s, ids[k]));
                    cancelled[k] = true;
                }
            }
        }
    }
    for (int i = 0; i < N; i++)
        if (!cancelled[i])
            expect[live++] = i;
    assert_int_equal(sim_events_pending(s), (uint64_t)live);
    sort_when = when;
    qsort(expect, (size_t)live, sizeof *expect, sort_by_time_then_id);

    assert_int_equal(sim_run(s, SIM_FOREVER, 0), SIM_DONE);
    assert_int_equal(l->nran, live);
    for (int i = 0; i < live; i++) {
        assert_int_equal(l->ran[i], expect[i]);
        assert_int_equal(l->at[i], when[expect[i]]);
    }
    for (int i = 0; i < N; i++) {
        assert_int_equal(t[i].runs, cancelled[i] ? 0 : 1);
        assert_int_equal(t[i].drops, cancelled[i] ? 1 : 0);
    }
    sim_free(s);
    free(expect);
    free(cancelled);
    free(when);
    free(ids);
    free(t);
    free(l);
}

/* The engine's generator is seeded from sim_new's seed (the same sequence as
 * rng_seed gives) and is the same for the same seed. */
static void test_same_seed_same_rng(void **state) {
    (void)state;
    sim *a = sim_new(42), *b = sim_new(42), *c = sim_new(43);
    assert_int_equal(rng_next(sim_rng(a)), 0x15780B2E0C2EC716ULL);
    assert_int_equal(rng_next(sim_rng(b)), 0x15780B2E0C2EC716ULL);
    assert_true(rng_next(sim_rng(c)) != 0x15780B2E0C2EC716ULL);
    for (int i = 0; i < 1000; i++)
        assert_int_equal(rng_next(sim_rng(a)), rng_next(sim_rng(b)));
    sim_free(a);
    sim_free(b);
    sim_free(c);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_new_engine),
        cmocka_unit_test(test_order_by_time),
        cmocka_unit_test(test_fifo_on_ties),
        cmocka_unit_test(test_ids_nonzero_and_distinct),
        cmocka_unit_test(test_cancel),
        cmocka_unit_test(test_cancel_from_handler),
        cmocka_unit_test(test_until),
        cmocka_unit_test(test_only_cancelled_left_is_done),
        cmocka_unit_test(test_background_events),
        cmocka_unit_test(test_max_events),
        cmocka_unit_test(test_stop_and_resume),
        cmocka_unit_test(test_schedule_from_handler),
        cmocka_unit_test(test_delay_zero_from_handler_runs_after_peers),
        cmocka_unit_test(test_schedule_at),
        cmocka_unit_test(test_delay_saturates),
        cmocka_unit_test(test_free_drops_pending_in_time_order),
        cmocka_unit_test(test_many_cancellations_against_reference),
        cmocka_unit_test(test_same_seed_same_rng),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
