/*
 * grading/grade: one topology graded. Runs it in memory (run_in_memory) with
 * the facts sink subscribed, table probes scheduled before the first event,
 * and every check evaluated after the run's end event, while the model and
 * the network are still there. A topology that does not load is one failed
 * check, "loads", with the loader's message.
 */
#include <stdlib.h>
#include <string.h>

#include "grading/internal.h"
#include "runner/run.h"
#include "util/alloc.h"
#include "util/i18n.h"

static void grade_before(void *ctx, const model_topology *t, struct network *net,
                         struct hop_table *hops) {
    grade_run *r = ctx;
    (void)hops;
    r->t = t;
    r->net = net;
    if (!r->e)
        r->e = &t->expect;
    grade_probes_schedule(r);
}

static void grade_after(void *ctx, const model_topology *t, struct network *net,
                        const struct hop_table *hops, const run_result *result) {
    grade_run *r = ctx;
    (void)t;
    (void)net;
    r->end_time = result->end_time;
    grade_copy_hops(r, hops);
    grade_file *out = r->out;
    out->n_checks = r->e->n_checks;
    out->checks = ns_xcalloc(out->n_checks ? out->n_checks : 1, sizeof *out->checks);
    for (size_t i = 0; i < r->e->n_checks; i++)
        grade_evaluate(r, i, &out->checks[i]);
}

int grade_topology(const char *path, const grade_options *o, grade_file *out) {
    *out = (grade_file){.path = ns_xstrdup(path)};
    grade_run r = {.e = o->tests, .out = out};
    trace_sink sink = grade_facts_sink(&r);
    run_memory_options m = {.topology_path = path,
                            .seed = o->seed,
                            .until = SIM_FOREVER,
                            .max_events = o->max_events,
                            .max_memory = o->max_memory,
                            .skip_own_expect = o->tests != NULL, /* graded by --expect's */
                            .sinks = &sink,
                            .n_sinks = 1,
                            .before_run = grade_before,
                            .after_run = grade_after,
                            .ctx = &r};
    run_result result;
    ns_error err = {0};
    int rc = run_in_memory(&m, &result, &err);
    grade_run_free(&r);
    if (rc == NS_ERR_NOMEM)
        return rc;
    if (rc != 0) {
        /* Graded by a checks file, a file that does not load loses what the
         * checks are worth, so every student's score is out of the same. */
        uint32_t points = 0;
        for (size_t i = 0; o->tests && i < o->tests->n_checks; i++)
            points += o->tests->checks[i].points;
        out->checks = ns_xcalloc(1, sizeof *out->checks);
        out->n_checks = 1;
        /* TRANSLATORS: the line of the one check a topology that cannot be
         * loaded gets ("FAIL  loads"); its kind in JUnit and CSV stays "loads". */
        out->checks[0] = (grade_check){.name = ns_xstrdup(_("loads")),
                                       .kind = ns_xstrdup("loads"),
                                       .message = ns_xstrdup(err.message),
                                       .points = points ? points : 1};
    }
    return 0;
}

void grade_file_clear(grade_file *f) {
    for (size_t i = 0; i < f->n_checks; i++) {
        free(f->checks[i].name);
        free(f->checks[i].kind);
        free(f->checks[i].message);
        free(f->checks[i].hint);
    }
    free(f->checks);
    free(f->path);
    *f = (grade_file){0};
}

void grade_totals(const grade_file *files, size_t n, size_t *passed, size_t *failed,
                  uint64_t *score, uint64_t *possible) {
    *passed = *failed = 0;
    *score = *possible = 0;
    for (size_t f = 0; f < n; f++)
        for (size_t i = 0; i < files[f].n_checks; i++) {
            const grade_check *c = &files[f].checks[i];
            *possible += c->points;
            if (c->pass) {
                (*passed)++;
                *score += c->points;
            } else {
                (*failed)++;
            }
        }
}
