/*
 * rows: builds the rows of a shown table (trace_show) for a device that is
 * asked for one. A device adds a row, then its fields by name; the builder
 * owns every string, so a device formats a value into a stack buffer and
 * forgets it. trace_rows_view lends the finished table to a trace event.
 * A program's result (trace_event.result) is built the same way, as the one
 * row of a table whose id is never read (apps/app.h, app_result).
 *
 * Invariant: fields belong to the row begun last; the view stays valid until
 * the next change or trace_rows_free.
 */
#ifndef NETSIM_TRACE_ROWS_H
#define NETSIM_TRACE_ROWS_H

#include <stddef.h>

#include "trace/trace.h"

typedef struct trace_rows trace_rows;

/* An empty table `t`. Aborts on allocation failure (ns_out_of_memory);
 * caller frees with trace_rows_free. */
trace_rows *trace_rows_new(trace_show_table t);

/* Frees the builder and its strings. NULL is a no-op. */
void trace_rows_free(trace_rows *r);

/* Starts a new row; fields added next belong to it. */
void trace_rows_begin(trace_rows *r);

/* Adds field `name` (a string literal, kept as the pointer) with the
 * printf-formatted value to the current row (one must have begun). */
__attribute__((format(printf, 3, 4))) void trace_rows_add(trace_rows *r, const char *name,
                                                          const char *fmt, ...);

/* The table as an event carries it; borrowed from `r` (see the invariant). */
const trace_show *trace_rows_view(trace_rows *r);

#endif
