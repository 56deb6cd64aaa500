/*
 * bench_engine: schedule+run throughput of the event engine.
 *
 * Usage: bench_engine [events] [pending] [cancel_percent]
 * Defaults: 10000000 events, 1000 pending, 0% cancelled.
 *
 * It seeds `pending` events at random times; each handler schedules one
 * replacement at now + a random delay (1 ns .. 1 ms, so keys land all over the
 * heap and many share an instant), keeping the queue at `pending` events until
 * `events` have been scheduled. With cancel_percent > 0 each handler also
 * schedules an extra event that it cancels immediately (a re-armed timer), to
 * measure the cost of dead heap keys. Prints events run per second of wall
 * time (benchmarks may read the wall clock; the simulator never does).
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

int main(int argc, char **argv) {
    uint64_t events = argc > 1 ? strtoull(argv[1], NULL, 10) : 10000000;
    uint64_t pending = argc > 2 ? strtoull(argv[2], NULL, 10) : 1000;
    uint64_t cancel_percent = argc > 3 ? strtoull(argv[3], NULL, 10) : 0;
    if (pending == 0 || pending > events) {
        fprintf(stderr, "bench_engine: need 0 < pending <= events\n");
        return 2;
    }
    sim *s = sim_new(42);
    if (!s)
        return 1;
    bench_state st = {events - pending, cancel_percent, 0, 0};

    double t0 = bench_seconds();
    for (uint64_t i = 0; i < pending; i++)
        sim_schedule(s, 1 + rng_below(sim_rng(s), SIM_MS), bench_on_event, &st, NULL, NULL);
    sim_status status = sim_run(s, SIM_FOREVER, 0);
    double elapsed = bench_seconds() - t0;

    uint64_t ran = sim_events_run(s);
    printf("bench_engine: %" PRIu64 " events (%" PRIu64 " pending, %" PRIu64
           " cancelled) in %.3f s: %.2f M events/s (status %d, checksum %016" PRIx64 ")\n",
           ran, pending, st.cancelled, elapsed, (double)ran / elapsed / 1e6, (int)status,
           st.checksum);
    sim_free(s);
    return ran == events && status == SIM_DONE ? 0 : 1;
}
