/*
 * viewer internals: the recorder's state, shared by viewer.c (recording, the
 * page) and view_data.c (the page's JSON data). Not for other modules.
 */
#ifndef NETSIM_VIEWER_INTERNAL_H
#define NETSIM_VIEWER_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sinks/trace_jsonl.h"
#include "util/u64map.h"
#include "viewer/viewer.h"

typedef struct frame_ref {
    size_t off;   /* into viewer.bytes */
    size_t len;   /* the frame's length */
    int32_t next; /* the next frame with the same hash key, or -1 */
} frame_ref;

typedef struct table_row {
    size_t device;
    const char *table; /* a literal */
    char *key, *value;
} table_row;

struct viewer {
    const model_topology *t;
    const network *net;
    const char *const *link_names;
    size_t n_links;
    viewer_options o;
    uint64_t max_events;

    FILE *mem; /* the events as JSON Lines, after the format line */
    char *mem_buf;
    size_t mem_len;
    long events_start;
    jsonl_sink *jsonl;
    trace_sink jsonl_as_sink;
    uint64_t n_events;
    bool over; /* the bounds were passed: recording stopped, only counting */
    bool over_bytes;

    uint8_t *bytes; /* every distinct frame, back to back */
    size_t bytes_len, bytes_cap;
    frame_ref *frames;
    size_t n_frames, frames_cap;
    u64map *frame_heads; /* (len << 32 | crc32) -> int32_t first frame index */
    int32_t *event_frames;
    size_t event_frames_cap;

    table_row *rows; /* tables at t=0, sorted */
    size_t n_rows, rows_cap;
};

/* Writes the data object (docs/viewer.md, "Data") to `out`, which must be a
 * json_guard stream; `svg` (may be NULL) is the topology picture. */
void viewer_write_data(const viewer *v, FILE *out, const viewer_end *end, const char *svg);

#endif
