/*
 * filter: which trace events a reader wants (--filter): by device, by
 * protocol (arp, icmp, udp, tcp, dhcp, dns), by packet id. Criteria of
 * different kinds must all hold; values of one kind are alternatives:
 *   --filter proto=icmp,arp --filter device=r1
 * keeps ICMP and ARP events at r1. Run events (start, end, storm) are always
 * kept. An event without a frame has a protocol only when it is about one:
 * ARP cache changes are "arp", connection state changes "tcp".
 */
#ifndef NETSIM_TRACE_FILTER_H
#define NETSIM_TRACE_FILTER_H

#include <stdbool.h>
#include <stddef.h>

#include "trace/trace.h"

typedef struct trace_filter trace_filter;

/* An empty filter (keeps everything). Exits via ns_out_of_memory on allocation failure; caller
 * frees with trace_filter_free. */
trace_filter *trace_filter_new(void);

/* NULL is a no-op. */
void trace_filter_free(trace_filter *f);

/* Adds the criteria of one --filter argument, "key=value[,value...]".
 * Returns 0, or -1 with a one-line message in msg[cap] naming the bad part
 * and what was expected. */
int trace_filter_add(trace_filter *f, const char *spec, char *msg, size_t cap);

/* The names of the device=... criteria (borrowed), in the order given, and
 * their count: the caller checks them against the topology. */
size_t trace_filter_devices(const trace_filter *f, const char *const **names);

/* Whether the filter has any criteria. */
bool trace_filter_active(const trace_filter *f);

/* Whether `ev` passes. */
bool trace_filter_match(const trace_filter *f, const trace_event *ev);

/* The protocol name of a frame for filtering: "dhcp" and "dns" when UDP on
 * their ports, else "arp", "icmp", "udp", "tcp", "ipv4" or "ethernet". */
const char *trace_filter_protocol(const uint8_t *frame, size_t len);

#endif
