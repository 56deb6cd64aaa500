/*
 * grading/internal.h: what the grading files share. `grade_run` holds one
 * run's facts: per packet its first sighting (decoded as sent) and its hops
 * and fates (copied from the hop table after the run), every drop, every
 * application result, and the tables the probes took. Strings are copies
 * owned by the run (names of the model are borrowed: the model outlives it
 * only during after_run, where every check is evaluated).
 */
#ifndef NETSIM_GRADING_INTERNAL_H
#define NETSIM_GRADING_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "grading/grading.h"
#include "model/topology.h"
#include "sinks/hop_table.h"
#include "trace/trace.h"
#include "util/strbuf.h"
#include "wire/describe.h"

/* One hop (a link crossing) of a packet. */
typedef struct grade_hop {
    uint32_t number, prev; /* prev: index in the packet's hops, UINT32_MAX: none */
    uint64_t time;
    uint32_t link;
    const char *tx, *rx; /* devices (borrowed from the network) */
    mac_addr eth_src, eth_dst;
    bool has_ip;
    ipv4_addr src, dst;
    bool has_ports;
    uint16_t sport, dport;
    uint8_t ttl;
} grade_hop;

/* How a journey ended at one place (hop_fate_view, copied). */
typedef struct grade_fate {
    hop_fate_kind kind;
    uint64_t time;
    char *device, *where, *why;
    trace_reason reason;
} grade_fate;

typedef struct grade_packet {
    bool seen;           /* a framed event carried this id */
    char *from;          /* the device of its first framed event */
    frame_info first;    /* its first frame, decoded */
    const char *proto;   /* trace_filter_protocol of it */
    bool retransmission; /* a TCP segment sent again */
    grade_hop *hops;
    size_t n_hops;
    grade_fate *fates;
    size_t n_fates;
} grade_packet;

typedef struct grade_drop {
    uint64_t time;
    uint32_t packet;
    char *device, *port, *why;
    trace_reason reason;
} grade_drop;

/* An application's typed result (trace_event.result), copied. */
typedef struct grade_app {
    uint64_t time;
    char *device;
    trace_row row; /* its fields, owned (names and values copied) */
} grade_app;

/* A table a probe took (or NULL rows when the device has none). */
typedef struct grade_table {
    bool taken, exists;
    uint64_t time;
    char ***names, ***values; /* per row, per field */
    size_t *n_fields;
    size_t n_rows;
} grade_table;

typedef struct grade_run {
    const model_topology *t;
    const model_expect *e;
    struct network *net;
    grade_packet *packets; /* by id; [0] unused */
    size_t n_packets;      /* ids below this */
    grade_drop *drops;
    size_t n_drops, cap_drops;
    grade_app *apps;
    size_t n_apps, cap_apps;
    grade_table *tables; /* per check */
    size_t n_tables;
    uint64_t end_time;
    grade_file *out;
} grade_run;

/* grading/facts.c: the sink, the probes, the hop table's copy. */
trace_sink grade_facts_sink(grade_run *r);
void grade_probes_schedule(grade_run *r);
void grade_probe_now(grade_run *r, size_t check);
void grade_copy_hops(grade_run *r, const hop_table *hops);
void grade_run_free(grade_run *r);
const char *grade_app_get(const grade_app *a, const char *name);

/* grading/checks.c: one check into *out (name, pass, message). */
void grade_evaluate(grade_run *r, size_t check, grade_check *out);

/* Where a journey ended, as the hop table or a drop says. */
typedef struct grade_end {
    hop_fate_kind kind;
    uint64_t time;
    const char *device, *where, *why;
    trace_reason reason;
    bool known;
} grade_end;

/* A packet's journey: the devices from its sender to where it ended, and how. */
typedef struct grade_journey {
    const char **devices;
    size_t n;
    size_t last_hop; /* index in hops of the hop that reached the end, or SIZE_MAX */
    grade_end end;
} grade_journey;

/* grading/checks.c: shared with the application checks. Whether `text` (an
 * IPv4 address or a device name) denotes `a`; the selected packet's id (0:
 * none); its journey (caller frees j->devices); how it ended, in words. */
bool grade_host_is(const grade_run *r, const char *text, ipv4_addr a);
uint32_t grade_select(const grade_run *r, const expect_selector *s);
void grade_journey_of(const grade_run *r, uint32_t id, grade_journey *j);
void grade_end_text(strbuf *b, uint32_t id, const grade_end *e);

/* grading/apps.c: ping, connect, download, http, dhcp, dns (app result facts). */
bool grade_app_check(grade_run *r, const expect_check *c, strbuf *msg);

/* grading/describe.c: shared text. grade_why_reason: what follows "dropped
 * at X": ", why (reason)" with either part optional (NULL); grade_clause_join:
 * b[0..at) and the clause appended after it joined as "A; B" in the reader's
 * language (nothing to join when at is 0 or nothing was appended). */
void grade_time(strbuf *b, uint64_t ns);
void grade_why_reason(strbuf *b, const char *why, const char *reason);
void grade_clause_join(strbuf *b, size_t at);
void grade_count_range(strbuf *b, const expect_check *c);        /* "3", "at least 2", ... */
void grade_names(strbuf *b, const char *const *names, size_t n); /* "A sw1 r1" */
void grade_selector_text(strbuf *b, const expect_selector *s);
void grade_default_name(strbuf *b, const expect_check *c);
char *grade_strdup(const char *s);

#endif
