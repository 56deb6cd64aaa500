/*
 * expect: a lecturer's expectations about a run, as plain data (docs/grading.md).
 * The reader fills them from a topology's "expect" list or from a separate
 * checks file; src/grading evaluates them against a run's facts. Device and
 * link names are kept as written: a separate file is read without the
 * topology it will be used with, so they are resolved when a check is
 * evaluated (inline checks were resolved by the reader already).
 *
 * Ownership: every string and array belongs to the model_expect that holds
 * the check; model_expect_clear frees them.
 */
#ifndef NETSIM_MODEL_EXPECT_H
#define NETSIM_MODEL_EXPECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire/addr.h"

typedef enum {
    EXPECT_PING,
    EXPECT_CONNECT,
    EXPECT_DOWNLOAD,
    EXPECT_HTTP,
    EXPECT_DHCP,
    EXPECT_DNS,
    EXPECT_PATH,
    EXPECT_HEADER,
    EXPECT_COUNT,
    EXPECT_DROP,
    EXPECT_TABLE,
    EXPECT_KINDS_
} expect_kind;

/* "ping", "connect", ... as the files write them; NULL beyond the kinds. */
const char *expect_kind_name(expect_kind k);

/* Which keys a packet selector or a header check gave (bits of `has`). */
enum {
    EXPECT_SEL_ID = 1u << 0,
    EXPECT_SEL_FROM = 1u << 1,
    EXPECT_SEL_PROTO = 1u << 2,
    EXPECT_SEL_ICMP = 1u << 3,
    EXPECT_SEL_ARP = 1u << 4,
    EXPECT_SEL_TCP_FLAGS = 1u << 5,
    EXPECT_SEL_SRC = 1u << 6,
    EXPECT_SEL_DST = 1u << 7,
    EXPECT_SEL_SPORT = 1u << 8,
    EXPECT_SEL_DPORT = 1u << 9,
    EXPECT_SEL_MAC_SRC = 1u << 10,
    EXPECT_SEL_MAC_DST = 1u << 11,
    EXPECT_SEL_RETRANSMISSION = 1u << 12,
    EXPECT_SEL_TTL = 1u << 13, /* header checks only */
};

/* A packet selector: matches a packet by its first hop's headers (as sent). */
typedef struct expect_selector {
    uint32_t has; /* EXPECT_SEL_* bits */
    uint32_t id;
    char *from;        /* the device that sent its first hop */
    char *proto;       /* "arp", "icmp", "udp", "tcp", "dhcp", "dns" */
    uint8_t icmp_type; /* ICMP type (8 echo request, 0 reply, 11, 3) */
    uint16_t arp_op;   /* 1 request, 2 reply */
    uint8_t tcp_flags; /* exactly these flags (wire/tcp.h bits) */
    char *src, *dst;   /* an IPv4 address, or a device name (any of its addresses) */
    uint16_t sport, dport;
    mac_addr mac_src, mac_dst;
    bool retransmission;
    uint8_t ttl;  /* header checks only */
    uint32_t nth; /* 1-based; 0: the last match */
} expect_selector;

/* One "has"/"lacks" row: fields a table row must all hold (name = value). */
typedef struct expect_row {
    char **names, **values;
    size_t n;
} expect_row;

/* "link": its two ends as written ("sw1", "r1.eth0"). */
typedef struct expect_link {
    char *end[2];
} expect_link;

typedef struct expect_check {
    expect_kind kind;
    char *name; /* NULL: generated from the check */
    char *hint; /* NULL: none */
    uint32_t points;
    char *on;    /* ping ... dns, drop, table: the device */
    bool has_by; /* "by": a time limit (default: the end of the run) */
    uint64_t by_ns;
    bool succeeds; /* apps: default true */
    char *to;      /* ping, connect: an IPv4 address or a device name */
    uint16_t port; /* connect */
    bool has_replies;
    uint32_t replies;       /* ping: exact count */
    char *file;             /* download: NULL any */
    uint32_t status;        /* http: default 200 */
    char *address;          /* dhcp: NULL any */
    char *dns_name;         /* dns: the name */
    char *answer;           /* dns: NULL any */
    expect_selector packet; /* path, header, drop (has 0: any); count: frames */
    char **path;            /* path: device names */
    size_t n_path;
    bool via; /* path: "via" (in order, others between) */
    char *at; /* header: the receiving device */
    bool has_link;
    expect_link link;        /* header, count */
    expect_selector header;  /* header: the values (EXPECT_SEL_* bits) */
    char *seen_by, *sent_by; /* count */
    bool has_equals, has_min, has_max;
    uint64_t equals, min, max; /* count */
    int reason;                /* drop: a trace_reason value */
    bool has_count;
    uint32_t count; /* drop: exact count */
    uint8_t table;  /* table: a trace_show_table value */
    bool at_end;    /* table: "at": "end" (default) */
    uint64_t at_ns;
    expect_row *has, *lacks;
    size_t n_has, n_lacks;
    bool has_rows;
    uint32_t rows;
} expect_check;

/* A list of checks: a topology's "expect", or a checks file. */
typedef struct model_expect {
    char *source;      /* the checks file as given (NULL: inline) */
    char *name;        /* a checks file's "name", or NULL */
    char *description; /* or NULL */
    expect_check *checks;
    size_t n_checks;
} model_expect;

/* Frees what `e` owns and zeroes it (not `e` itself). Safe on a zeroed or
 * partly filled list. */
void model_expect_clear(model_expect *e);

/* Frees a list made by the loader, and the list. NULL is a no-op. */
void model_expect_free(model_expect *e);

#endif
