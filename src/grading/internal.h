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
    char **names, **values;
    size_t n;
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

/* grading/apps.c: ping, connect, download, http, dhcp, dns (app result facts). */
bool grade_app_check(grade_run *r, const expect_check *c, strbuf *msg);

/* grading/describe.c: shared text. */
void grade_time(strbuf *b, uint64_t ns);
void grade_selector_text(strbuf *b, const expect_selector *s);
void grade_default_name(strbuf *b, const expect_check *c);
char *grade_strdup(const char *s);

#endif
