/* rows: the builder of a shown table's rows (see rows.h). */
#include "trace/rows.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "util/alloc.h"

struct trace_rows {
    trace_show view;
    trace_field *fields; /* every row's fields, one after the other */
    size_t n_fields, cap_fields;
    size_t *first; /* first[i]: index in fields of row i's first field */
    size_t n_rows, cap_rows;
    trace_row *rows; /* built by trace_rows_view */
};

trace_rows *trace_rows_new(trace_show_table t) {
    trace_rows *r = calloc(1, sizeof *r);
    if (!r)
        ns_out_of_memory();
    r->view.table = t;
    return r;
}

void trace_rows_free(trace_rows *r) {
    if (!r)
        return;
    for (size_t i = 0; i < r->n_fields; i++)
        free((char *)r->fields[i].value);
    free(r->fields);
    free(r->first);
    free(r->rows);
    free(r);
}

void trace_rows_begin(trace_rows *r) {
    if (r->n_rows == r->cap_rows) {
        r->cap_rows = r->cap_rows ? r->cap_rows * 2 : 8;
        r->first = ns_xrealloc(r->first, r->cap_rows * sizeof *r->first);
    }
    r->first[r->n_rows++] = r->n_fields;
}

void trace_rows_add(trace_rows *r, const char *name, const char *fmt, ...) {
    assert(r->n_rows > 0);
    va_list ap, again;
    va_start(ap, fmt);
    va_copy(again, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    size_t size = (size_t)(n < 0 ? 0 : n) + 1;
    char *value = ns_xmalloc(size);
    value[0] = '\0';
    if (n > 0)
        vsnprintf(value, size, fmt, again);
    va_end(again);
    if (r->n_fields == r->cap_fields) {
        r->cap_fields = r->cap_fields ? r->cap_fields * 2 : 32;
        r->fields = ns_xrealloc(r->fields, r->cap_fields * sizeof *r->fields);
    }
    r->fields[r->n_fields++] = (trace_field){.name = name, .value = value};
}

const trace_show *trace_rows_view(trace_rows *r) {
    free(r->rows);
    r->rows = NULL;
    if (r->n_rows) {
        r->rows = malloc(r->n_rows * sizeof *r->rows);
        if (!r->rows)
            ns_out_of_memory();
    }
    for (size_t i = 0; i < r->n_rows; i++) {
        size_t end = i + 1 < r->n_rows ? r->first[i + 1] : r->n_fields;
        r->rows[i] = (trace_row){.fields = r->fields + r->first[i], .n_fields = end - r->first[i]};
    }
    r->view.rows = r->rows;
    r->view.n_rows = r->n_rows;
    return &r->view;
}
