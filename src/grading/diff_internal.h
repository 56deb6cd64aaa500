/*
 * grading/diff_internal.h: the description of one run that netsim diff
 * compares (shared by diff_run.c, which builds it, and diff.c, which aligns
 * and compares). Every string is owned by the run.
 */
#ifndef NETSIM_GRADING_DIFF_INTERNAL_H
#define NETSIM_GRADING_DIFF_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "grading/diff.h"
#include "sinks/hop_table.h"

typedef struct diff_hop {
    uint64_t t;
    uint32_t number, prev;  /* prev: index of the predecessor or UINT32_MAX */
    char *link, *from, *to; /* "A.eth0--sw1.p1", "A.eth0", "sw1.p1" */
    char *from_dev, *to_dev;
    char eth_src[18], eth_dst[18];
    hop_addr_kind addr;
    char src[16], dst[16]; /* IPv4 addresses, or the ARP addresses; "" when none */
    int has_ports;
    uint16_t sport, dport;
    int ttl;       /* -1: not IPv4 */
    bool repeated; /* a hub repeated it (hop_change, not the change cell's words) */
} diff_hop;

typedef struct diff_fate {
    hop_fate_kind kind;
    uint64_t t;
    char *at;     /* "r1.eth0", or NULL in flight */
    char *reason; /* drops: the reason code; else NULL */
    char *why;    /* the event's prose, or NULL */
} diff_fate;

typedef struct diff_packet {
    uint32_t id;
    char *summary;
    diff_hop *hops; /* in the hop table's order (time, hop number) */
    size_t n_hops;
    diff_fate *fates;
    size_t n_fates;
    char *key;           /* origin|kind|src>dst: survives renumbering */
    uint32_t occurrence; /* 1 for the first packet with this key, in time order */
} diff_packet;

/* One device's part of state.txt: its title ("router r1") and its lines,
 * each "table: row" (the row with its table heading) or the heading alone. */
typedef struct diff_section {
    char *title;
    char **lines;
    size_t n_lines;
} diff_section;

struct diff_run {
    char *source;
    diff_packet *packets; /* in time order of their first hop, then id */
    size_t n_packets;
    char *header; /* state.txt's first line, or NULL */
    diff_section *sections;
    size_t n_sections;
    char note[640];
};

/* diff_run.c: the key of a packet, from its summary and first hop (caller
 * frees). */
char *diff_packet_key(const char *summary, const diff_hop *first);

/* diff_dir.c: reads DIR/paths.json (its length in *paths_len) and
 * DIR/state.txt, regular files inside DIR only (a symbolic link is refused,
 * never followed). Returns 0 (caller frees both texts) or NS_ERR_IO. */
int diff_dir_read(const char *dir, char **paths, size_t *paths_len, char **state, ns_error *err);

#endif
