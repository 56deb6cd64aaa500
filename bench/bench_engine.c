/*
 * bench_engine: schedule+run throughput of the event engine.
 *
 * Defaults: 10000000 events, 1000 pending, 0% cancelled.
 *
 * It seeds `pending` events at random times; each handler schedules one
 * replacement at now + a random delay (1 ns .. 1 ms, so keys land all over the
 * heap and many share an instant), keeping the queue at `pending` events until
 * `events` have been scheduled. With cancel_percent > 0 each handler also
 * schedules an extra event that it cancels immediately (a re-armed timer), to
 * measure the cost of dead heap keys. Prints events run per second of wall
 * time (benchmarks may read the wall clock; the simulator never does).
 *
 * The reference: the same work on a minimal binary heap of 16-byte (time, seq)
 * keys with no handlers, records or cancellation, the floor the engine is
 * measured against (issue 16). Both run `rounds` times, interleaved (engine,
 * reference, engine, ...), and the medians are printed; with no cancellation
 * both must run the events in the same order (same checksum).
 *
 * Usage: bench_engine [events] [pending] [cancel_percent] [rounds]   (rounds: 3)
 */
#define _POSIX_C_SOURCE 199309L

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "engine/sim.h"

typedef struct bench_state {
    uint64_t to_schedule; /* replacements still to schedule */
    uint64_t cancel_percent;
    uint64_t checksum; /* folds the run order, so the work cannot be elided */
    uint64_t cancelled;
} bench_state;

static void bench_on_event(sim *s, void *a, void *b) {
    bench_state *st = a;
    (void)b;
    rng *r = sim_rng(s);
    st->checksum = st->checksum * 31 + sim_now(s);
    if (st->to_schedule > 0) {
        st->to_schedule--;
        sim_schedule(s, 1 + rng_below(r, SIM_MS), bench_on_event, st, NULL, NULL);
    }
    if (st->cancel_percent && rng_below(r, 100) < st->cancel_percent) {
        sim_event_id id = sim_schedule(s, SIM_S, bench_on_event, st, NULL, NULL);
        sim_cancel(s, id);
        st->cancelled++;
    }
}

static double bench_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* The reference: a binary min-heap of (time, seq) keys and nothing else. */
typedef struct ref_key {
    uint64_t time, seq;
} ref_key;

static inline int ref_before(ref_key x, ref_key y) {
    return (x.time < y.time) | ((x.time == y.time) & (x.seq < y.seq));
}

static void ref_push(ref_key *heap, size_t *len, ref_key x) {
    size_t i = (*len)++;
    while (i > 0 && ref_before(x, heap[(i - 1) / 2])) {
        heap[i] = heap[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    heap[i] = x;
}

/* Floyd's bottom-up pop with branch-free child choice: the fastest binary heap
 * we know, so the floor is a hard one. */
static ref_key ref_pop(ref_key *heap, size_t *len) {
    ref_key top = heap[0];
    size_t n = --*len, i = 0;
    if (n == 0)
        return top;
    ref_key x = heap[n];
    for (;;) {
        size_t c = 2 * i + 1;
        if (c + 1 < n)
            c += (size_t)ref_before(heap[c + 1], heap[c]);
        else if (c >= n)
            break;
        heap[i] = heap[c];
        i = c;
    }
    while (i > 0 && ref_before(x, heap[(i - 1) / 2])) {
        heap[i] = heap[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    heap[i] = x;
    return top;
}

typedef struct bench_result {
    double rate; /* M events/s */
    uint64_t ran, cancelled, checksum;
    int ok;
} bench_result;

static bench_result bench_engine_round(uint64_t events, uint64_t pending, uint64_t cancel_percent) {
    bench_result res = {0};
    sim *s = sim_new(42);
    if (!s)
        return res;
    bench_state st = {events - pending, cancel_percent, 0, 0};
    double t0 = bench_seconds();
    for (uint64_t i = 0; i < pending; i++)
        sim_schedule(s, 1 + rng_below(sim_rng(s), SIM_MS), bench_on_event, &st, NULL, NULL);
    sim_status status = sim_run(s, SIM_FOREVER, 0);
    double elapsed = bench_seconds() - t0;
    res.ran = sim_events_run(s);
    res.rate = (double)res.ran / elapsed / 1e6;
    res.cancelled = st.cancelled;
    res.checksum = st.checksum;
    res.ok = res.ran == events && status == SIM_DONE;
    sim_free(s);
    return res;
}

static bench_result bench_reference_round(uint64_t events, uint64_t pending) {
    bench_result res = {0};
    ref_key *heap = malloc(pending * sizeof *heap);
    if (!heap)
        return res;
    rng r;
    rng_seed(&r, 42);
    size_t len = 0;
    uint64_t seq = 0, now = 0, to_schedule = events - pending, checksum = 0, ran = 0;
    double t0 = bench_seconds();
    for (uint64_t i = 0; i < pending; i++)
        ref_push(heap, &len, (ref_key){1 + rng_below(&r, SIM_MS), ++seq});
    while (len > 0) {
        now = ref_pop(heap, &len).time;
        ran++;
        checksum = checksum * 31 + now;
        if (to_schedule > 0) {
            to_schedule--;
            ref_push(heap, &len, (ref_key){now + 1 + rng_below(&r, SIM_MS), ++seq});
        }
    }
    double elapsed = bench_seconds() - t0;
    free(heap);
    res.ran = ran;
    res.rate = (double)ran / elapsed / 1e6;
    res.checksum = checksum;
    res.ok = ran == events;
    return res;
}

static int bench_by_rate(const void *x, const void *y) {
    double a = ((const bench_result *)x)->rate, b = ((const bench_result *)y)->rate;
    return (a > b) - (a < b);
}

#define BENCH_MAX_ROUNDS 15

int main(int argc, char **argv) {
    uint64_t events = argc > 1 ? strtoull(argv[1], NULL, 10) : 10000000;
    uint64_t pending = argc > 2 ? strtoull(argv[2], NULL, 10) : 1000;
    uint64_t cancel_percent = argc > 3 ? strtoull(argv[3], NULL, 10) : 0;
    uint64_t rounds = argc > 4 ? strtoull(argv[4], NULL, 10) : 3;
    if (pending == 0 || pending > events || rounds == 0 || rounds > BENCH_MAX_ROUNDS) {
        fprintf(stderr, "bench_engine: need 0 < pending <= events and 1 <= rounds <= %d\n",
                BENCH_MAX_ROUNDS);
        return 2;
    }
    bench_result eng[BENCH_MAX_ROUNDS], ref[BENCH_MAX_ROUNDS];
    int ok = 1;
    for (uint64_t i = 0; i < rounds; i++) {
        eng[i] = bench_engine_round(events, pending, cancel_percent);
        ref[i] = bench_reference_round(events, pending);
        ok &= eng[i].ok & ref[i].ok;
    }
    bench_result e = eng[0], f = ref[0];
    qsort(eng, rounds, sizeof *eng, bench_by_rate);
    qsort(ref, rounds, sizeof *ref, bench_by_rate);
    printf("bench_engine: %" PRIu64 " events (%" PRIu64 " pending, %" PRIu64
           " cancelled), median of %" PRIu64 " interleaved rounds: engine %.2f M events/s, "
           "minimal binary heap %.2f M events/s (engine/heap %.2f; checksum %016" PRIx64 ")\n",
           e.ran, pending, e.cancelled, rounds, eng[rounds / 2].rate, ref[rounds / 2].rate,
           eng[rounds / 2].rate / ref[rounds / 2].rate, e.checksum);
    if (cancel_percent == 0 && e.checksum != f.checksum) {
        fprintf(stderr, "bench_engine: the engine and the reference ran events in different "
                        "orders\n");
        ok = 0;
    }
    return ok ? 0 : 1;
}
