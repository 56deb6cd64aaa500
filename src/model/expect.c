/*
 * model/expect: names of the check kinds and freeing of expectation lists.
 * model_expect_clear accepts a partly filled list (the loader frees one on
 * any error path).
 */
#include "model/expect.h"

#include <stdlib.h>

const char *expect_kind_name(expect_kind k) {
    static const char *const names[EXPECT_KINDS_] = {"ping",  "connect", "download", "http",
                                                     "dhcp",  "dns",     "path",     "header",
                                                     "count", "drop",    "table"};
    return (unsigned)k < EXPECT_KINDS_ ? names[k] : NULL;
}

static void expect_selector_clear(expect_selector *s) {
    free(s->from);
    free(s->proto);
    free(s->src);
    free(s->dst);
}

static void expect_rows_free(expect_row *rows, size_t n) {
    for (size_t i = 0; rows && i < n; i++) {
        for (size_t f = 0; f < rows[i].n; f++) {
            free(rows[i].names[f]);
            free(rows[i].values[f]);
        }
        free(rows[i].names);
        free(rows[i].values);
    }
    free(rows);
}

static void expect_check_clear(expect_check *c) {
    free(c->name);
    free(c->hint);
    free(c->on);
    free(c->to);
    free(c->file);
    free(c->address);
    free(c->dns_name);
    free(c->answer);
    expect_selector_clear(&c->packet);
    expect_selector_clear(&c->header);
    for (size_t i = 0; c->path && i < c->n_path; i++)
        free(c->path[i]);
    free(c->path);
    free(c->at);
    free(c->link.end[0]);
    free(c->link.end[1]);
    free(c->seen_by);
    free(c->sent_by);
    expect_rows_free(c->has, c->n_has);
    expect_rows_free(c->lacks, c->n_lacks);
}

void model_expect_clear(model_expect *e) {
    for (size_t i = 0; e->checks && i < e->n_checks; i++)
        expect_check_clear(&e->checks[i]);
    free(e->checks);
    free(e->source);
    free(e->name);
    free(e->description);
    *e = (model_expect){0};
}

void model_expect_free(model_expect *e) {
    if (!e)
        return;
    model_expect_clear(e);
    free(e);
}
