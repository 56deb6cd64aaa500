/*
 * test_engine_sim_queue: the event queue's order under churn, with the
 * engine built small: seq runs out after 511 schedules (so the pending keys
 * are renumbered again and again) and 8 dead keys make a rebuild. Handlers
 * schedule (the first schedule takes the running key's place in the heap),
 * cancel (earlier, later and already-run events) and add background events;
 * every event checks that it is the smallest pending (time, schedule order)
 * of a plain list kept beside the engine. Marks (sim_mark_at) must give the
 * same run as the events they stand for, across renumberings.
 */
#define SIM_SEQ_LIMIT            512
#define SIM_MIN_DEAD_FOR_REBUILD 8
#include "engine/sim.c"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

enum { QUEUE_MAX = 6000 };

typedef struct queue_event {
    sim_time at;
    sim_event_id id;
    bool pending, background;
    int runs, drops;
} queue_event;

typedef struct queue_test {
    queue_event ev[QUEUE_MAX];
    int n;      /* events scheduled so far, in order: the index is the order */
    int budget; /* schedules left */
    int ran;
    bool calm; /* handlers neither schedule nor cancel */
    rng r;     /* the test's own draws */
} queue_test;

static void queue_run(sim *s, void *a, void *b);

static void queue_on_drop(void *b) {
    queue_event *e = b;
    e->drops++;
    e->pending = false;
}

static int queue_schedule(queue_test *q, sim *s, sim_time delay, bool background) {
    if (q->budget == 0 || q->n == QUEUE_MAX || s->live >= 300) /* seqs for all pending */
        return -1;
    q->budget--;
    int i = q->n++;
    queue_event *e = &q->ev[i];
    e->at = sim_now(s) + delay;
    e->pending = true;
    e->background = background;
    e->id = background ? sim_schedule_background_at(s, e->at, queue_run, q, e)
                       : sim_schedule(s, delay, queue_run, q, e, queue_on_drop);
    return i;
}

/* The smallest pending (time, order) of the list, or -1. */
static int queue_expected(const queue_test *q) {
    int best = -1;
    for (int i = 0; i < q->n; i++)
        if (q->ev[i].pending && (best < 0 || q->ev[i].at < q->ev[best].at))
            best = i;
    return best;
}

/* Cancels one event drawn from all scheduled so far (often one that already
 * ran), or now and then nine in ten of the pending ones (dead keys then
 * outnumber live ones: the heap is rebuilt inside a handler). */
static void queue_cancel_some(queue_test *q, sim *s) {
    uint64_t roll = rng_below(&q->r, 100);
    for (int c = 0; c < q->n; c++) {
        queue_event *v = &q->ev[c];
        if (v->background)
            continue; /* no dropper: left to run */
        bool pick = roll < 3 ? v->pending && rng_below(&q->r, 10) < 9
                             : roll < 40 && c == (int)(roll * 7919 % (uint64_t)q->n);
        if (!pick)
            continue;
        bool was = v->pending;
        assert_int_equal(sim_cancel(s, v->id), was);
        assert_false(v->pending);
    }
}

static void queue_run(sim *s, void *a, void *b) {
    queue_test *q = a;
    queue_event *e = b;
    int i = (int)(e - q->ev);
    assert_int_equal(i, queue_expected(q));
    assert_int_equal(sim_now(s), e->at);
    e->pending = false;
    e->runs++;
    q->ran++;
    assert_false(sim_cancel(s, e->id)); /* already running: not pending */
    if (q->calm)
        return;
    bool cancel_first = rng_below(&q->r, 2); /* before or after the running key is replaced */
    if (cancel_first)
        queue_cancel_some(q, s);
    int k = (int)rng_below(&q->r, 4); /* 0 to 3 new events, many ties */
    for (int j = 0; j < k; j++)
        queue_schedule(q, s, rng_below(&q->r, 20), rng_below(&q->r, 10) == 0);
    if (!cancel_first)
        queue_cancel_some(q, s);
}

static void test_order_under_churn(void **state) {
    (void)state;
    queue_test *q = calloc(1, sizeof *q);
    assert_non_null(q);
    rng_seed(&q->r, 7);
    q->budget = QUEUE_MAX;
    sim *s = sim_new(1);
    while (q->budget > 0) { /* a round: fresh events, run until done */
        int first = q->n;
        for (int i = 0; i < 30; i++)
            queue_schedule(q, s, rng_below(&q->r, 20), false);
        for (int i = first; i < q->n; i += 7) /* dead keys before the run */
            if (q->ev[i].pending) {
                assert_true(sim_cancel(s, q->ev[i].id));
                assert_int_equal(q->ev[i].drops, 1);
            }
        assert_int_equal(sim_run(s, SIM_FOREVER, 0), SIM_DONE);
        assert_int_equal(sim_events_pending(s), 0); /* background events may remain */
    }
    for (int i = 0; i < q->n; i++) {
        assert_true(q->ev[i].runs + q->ev[i].drops + q->ev[i].pending == 1);
        if (q->ev[i].pending)
            assert_true(q->ev[i].background);
    }
    assert_true(q->ran > QUEUE_MAX / 2);
    assert_true(q->n > 10 * SIM_SEQ_LIMIT); /* renumbered many times on the way */
    sim_free(s);
    free(q);
}

static void on_nothing(sim *s, void *a, void *b) {
    (void)s;
    (void)a;
    (void)b;
    fail();
}

static void on_nothing_ok(sim *s, void *a, void *b) {
    (void)s;
    (void)a;
    (void)b;
}

/* Renumbering keeps ties in schedule order: 90 events at each of three
 * instants, scheduled latest instant first, then 1000 events scheduled and
 * cancelled at once, so that seq runs out twice with dead keys in the heap. */
static void test_ties_survive_renumbering(void **state) {
    (void)state;
    queue_test *q = calloc(1, sizeof *q);
    assert_non_null(q);
    rng_seed(&q->r, 8);
    q->budget = QUEUE_MAX;
    q->calm = true;
    sim *s = sim_new(1);
    for (int i = 0; i < 270; i++)
        queue_schedule(q, s, 30 - 10 * (sim_time)(i / 90), false);
    for (int i = 0; i < 1000; i++)
        assert_true(sim_cancel(s, sim_schedule(s, i % 40, on_nothing, NULL, NULL, NULL)));
    assert_true(s->next_seq < 1270); /* renumbered */
    assert_int_equal(sim_run(s, SIM_FOREVER, 0), SIM_DONE);
    assert_int_equal(q->ran, 270);
    sim_free(s);
    free(q);
}

/* Marks (sim_mark_at) stand for events: transmitters that free themselves
 * with a real event at the end of every job, and the same transmitters that
 * keep a mark and schedule the event only when a job waits (as the network's
 * links do), must run the same jobs at the same moments in the same order,
 * ties included, while seqs are renumbered again and again (the hook turns the
 * marks still ahead into events). Jobs arrive at random, and each job starts
 * the next arrival, so any change of order changes every later draw. */
enum { MARK_TX = 16, MARK_JOBS = 3000 };

typedef struct mark_tx {
    int waiting;
    bool done_pending;
    sim_mark free_at; /* lazy */
    bool busy;        /* eager */
} mark_tx;

typedef struct mark_world {
    sim *s;
    bool lazy;
    mark_tx tx[MARK_TX];
    rng r;
    int arrivals, coming;    /* arrivals scheduled, and those not yet run */
    uint64_t log[MARK_JOBS]; /* (time << 8 | transmitter) of every start */
    int n_log;
} mark_world;

static void mark_start(mark_world *w, int t);

static void mark_done(sim *s, void *a, void *b) {
    (void)s;
    mark_world *w = a;
    int t = (int)((mark_tx *)b - w->tx);
    w->tx[t].busy = false;
    w->tx[t].done_pending = false;
    mark_start(w, t);
}

static void mark_start(mark_world *w, int t) {
    mark_tx *x = &w->tx[t];
    if (x->waiting == 0)
        return;
    if (w->lazy) {
        if (x->done_pending)
            return;
        if (!sim_mark_passed(w->s, x->free_at)) {
            x->done_pending = true;
            sim_schedule_mark(w->s, x->free_at, mark_done, w, x, NULL);
            return;
        }
    } else if (x->busy) {
        return;
    }
    x->waiting--;
    assert_true(w->n_log < MARK_JOBS);
    w->log[w->n_log++] = sim_now(w->s) << 8 | (uint64_t)t;
    sim_time d = rng_below(&w->r, 8); /* 0 to 7: many ties, and busy transmitters */
    if (w->lazy) {
        x->free_at = sim_mark_at(w->s, sim_now(w->s) + d);
        if (x->waiting > 0) {
            x->done_pending = true;
            sim_schedule_mark(w->s, x->free_at, mark_done, w, x, NULL);
        }
    } else {
        x->busy = true;
        sim_schedule(w->s, d, mark_done, w, x, NULL);
    }
}

static void mark_arrive(sim *s, void *a, void *b) {
    mark_world *w = a;
    (void)b;
    w->coming--;
    int t = (int)rng_below(&w->r, MARK_TX);
    w->tx[t].waiting++;
    mark_start(w, t);
    /* 0 to 2 more arrivals, at most 2 ticks on, about 4 on the way at a time */
    int more = (int)rng_below(&w->r, 2) + (w->coming < 4);
    for (; more > 0 && w->arrivals < MARK_JOBS; more--, w->arrivals++, w->coming++)
        sim_schedule(s, rng_below(&w->r, 3), mark_arrive, w, NULL, NULL);
}

static void mark_materialize(void *ctx) {
    mark_world *w = ctx;
    for (int t = 0; t < MARK_TX; t++) {
        mark_tx *x = &w->tx[t];
        if (!x->done_pending && !sim_mark_passed(w->s, x->free_at)) {
            x->done_pending = true;
            sim_schedule_mark(w->s, x->free_at, mark_done, w, x, NULL);
        }
    }
}

static void mark_world_run(mark_world *w, bool lazy) {
    memset(w, 0, sizeof *w);
    w->lazy = lazy;
    w->s = sim_new(1);
    rng_seed(&w->r, 9);
    if (lazy)
        sim_on_renumber(w->s, mark_materialize, w);
    for (; w->arrivals < 3; w->arrivals++, w->coming++)
        sim_schedule(w->s, 0, mark_arrive, w, NULL, NULL);
    /* In slices, so that marks are also asked about between runs. */
    for (sim_time until = 0; sim_run(w->s, until, 0) != SIM_DONE; until += 5)
        ;
    sim_free(w->s);
}

static void test_marks_stand_for_events(void **state) {
    (void)state;
    mark_world *eager = calloc(1, sizeof *eager), *lazy = calloc(1, sizeof *lazy);
    assert_non_null(eager);
    assert_non_null(lazy);
    mark_world_run(eager, false);
    mark_world_run(lazy, true);
    assert_int_equal(eager->n_log, MARK_JOBS); /* every job ran */
    assert_int_equal(lazy->n_log, eager->n_log);
    assert_memory_equal(lazy->log, eager->log, sizeof eager->log[0] * (size_t)eager->n_log);
    free(eager);
    free(lazy);
}

/* A zero mark has passed; a mark taken at the running event's moment has not
 * until the loop reaches it; a run stopped by `until` has passed everything at
 * `until`. */
static void test_mark_passed(void **state) {
    (void)state;
    sim *s = sim_new(1);
    assert_true(sim_mark_passed(s, (sim_mark){0}));
    sim_mark m = sim_mark_at(s, 0);
    assert_false(sim_mark_passed(s, m));
    sim_mark later = sim_mark_at(s, 10);
    assert_int_equal(sim_run(s, 10, 0), SIM_DONE); /* no events: the clock stays */
    assert_false(sim_mark_passed(s, m));
    sim_schedule(s, 3, on_nothing_ok, NULL, NULL, NULL);
    assert_int_equal(sim_run(s, SIM_FOREVER, 0), SIM_DONE);
    assert_true(sim_mark_passed(s, m)); /* (0, 1) is behind (3, ...) */
    assert_false(sim_mark_passed(s, later));
    assert_int_equal(sim_run(s, 10, 0), SIM_DONE);
    assert_false(sim_mark_passed(s, later)); /* nothing ran: the clock stays at 3 */
    sim_schedule(s, 20, on_nothing_ok, NULL, NULL, NULL);
    assert_int_equal(sim_run(s, 10, 0), SIM_UNTIL);
    assert_true(sim_mark_passed(s, later)); /* everything at 10 has run */
    sim_mark again = sim_mark_at(s, 10);    /* taken after the stop: still ahead */
    assert_false(sim_mark_passed(s, again));
    sim_schedule_mark(s, again, on_nothing_ok, NULL, NULL, NULL);
    assert_int_equal(sim_run(s, 10, 0), SIM_UNTIL);
    assert_true(sim_mark_passed(s, again));
    sim_free(s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_order_under_churn),
        cmocka_unit_test(test_ties_survive_renumbering),
        cmocka_unit_test(test_marks_stand_for_events),
        cmocka_unit_test(test_mark_passed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
