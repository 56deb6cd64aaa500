/*
 * trace_jsonl: the machine-readable trace, one JSON object per line with
 * stable field names (documented in docs/trace-format.md). Every event kind is
 * written, TRACE_WIRE included. Fields whose value is absent are omitted.
 */
#ifndef NETSIM_SINKS_TRACE_JSONL_H
#define NETSIM_SINKS_TRACE_JSONL_H

#include <stdio.h>

#include "trace/trace.h"
#include "util/strbuf.h"

typedef struct jsonl_sink jsonl_sink;

/* The format's version, written on the first line. Version 1 had no such line;
 * version 2 added it and the typed facts (reason, tx_/rx_ ends, table
 * changes, TTL and route). Keys are only ever added, never renamed. */
#define JSONL_FORMAT_VERSION 2

/* A sink writing to `out` (borrowed). It writes the format line
 * {"format":"netsim-trace","version":2} at once, then one line per event.
 * `link_names[i]` names link i (borrowed, must outlive the sink). Returns NULL
 * on allocation failure (nothing written); caller frees with jsonl_sink_free. */
jsonl_sink *jsonl_sink_new(FILE *out, const char *const *link_names, size_t n_links);

trace_sink jsonl_sink_as_sink(jsonl_sink *s);

/* NULL is a no-op. */
void jsonl_sink_free(jsonl_sink *s);

/* Writes `s` as a JSON string literal (quotes included, UTF-8 passed through,
 * control characters, '"' and '\\' escaped). Shared with other JSON writers. */
void json_write_string(FILE *out, const char *s);

/* json_write_string appended to `b`. */
void json_put_string(strbuf *b, const char *s);

#endif
