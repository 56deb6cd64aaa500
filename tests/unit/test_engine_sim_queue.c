/*
 * test_engine_sim_queue: the event queue's order under churn, with the
 * engine built small: seq runs out after 511 schedules (so the pending keys
 * are renumbered again and again) and 8 dead keys make a rebuild. Handlers
 * schedule (the first schedule takes the running key's place in the heap),
 * cancel (earlier, later and already-run events) and add background events;
 * every event checks that it is the smallest pending (time, schedule order)
 * of a plain list kept beside the engine.
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

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_order_under_churn),
        cmocka_unit_test(test_ties_survive_renumbering),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
