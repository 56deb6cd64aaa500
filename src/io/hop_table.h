/*
 * hop_table: a packet's journey, hop by hop. A trace sink that collects every
 * TRACE_WIRE event (a frame crossing a link) by packet id and, after the run,
 * prints per packet one table row per hop: time, link, transmitting port,
 * Ethernet src > dst, IP src > dst, TTL and what changed at that hop ("MAC
 * rewritten by r1, IP unchanged, TTL 64 -> 63"), as text (a slide) or as
 * DIR/paths.json. Layout, columns and rules: docs/hop-table.md.
 *
 * Invariants: only decoded header fields are kept per hop (never frame bytes
 * and never a pointer into an event); link and device names are borrowed from
 * the constructor's arrays; loading is linear in the number of events; output
 * order is by packet id, then (time, hop number, arrival), never hash order.
 */
#ifndef NETSIM_IO_HOP_TABLE_H
#define NETSIM_IO_HOP_TABLE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "trace/trace.h"

/* Link i of the network (the `link` index of TRACE_WIRE events): its name as
 * in the captures ("A.eth0--sw1.p1") and its two ends. All strings borrowed. */
typedef struct hop_link {
    const char *name;
    const char *device[2];
    const char *port[2];
} hop_link;

/* A device and its kind (name borrowed). is_hub picks "repeated by" over
 * "forwarded by" in the change column; is_switch is recorded for rules to
 * come and changes nothing yet (any device that passes a frame on unchanged
 * "forwards" it). */
typedef struct hop_device {
    const char *name;
    int is_hub;
    int is_switch;
} hop_device;

typedef struct hop_table hop_table;

/* A table for the network described by `links[n_links]` and
 * `devices[n_devices]`. The arrays themselves are copied; the strings they
 * point to are borrowed and must outlive the table. A device named by a link
 * but missing from `devices` counts as neither hub nor switch. Returns NULL on
 * allocation failure; caller frees with hop_table_free. */
hop_table *hop_table_new(const hop_link *links, size_t n_links, const hop_device *devices,
                         size_t n_devices);

/* The sink to subscribe to the trace bus. It keeps TRACE_WIRE events with a
 * packet id (other kinds, id 0, an unknown link index, or a transmitter that is
 * not an end of the link are ignored). Aborts on allocation failure. */
trace_sink hop_table_as_sink(hop_table *t);

/* Writes the text tables to `out` (borrowed): every packet in id order when
 * `only_packet` is 0, else that packet's table only (or one line saying it
 * never crossed a link). Tables are separated by a blank line; nothing is
 * written when no packet was seen and `only_packet` is 0. Aborts on allocation
 * failure (as do the other writers below). */
void hop_table_write_text(const hop_table *t, FILE *out, uint32_t only_packet);

/* Writes every packet's hops as one JSON document (DIR/paths.json) to `out`. */
void hop_table_write_json(const hop_table *t, FILE *out);

/* How many packets crossed at least one link. */
size_t hop_table_packet_count(const hop_table *t);

/* How many hops packet `packet_id` made; 0 if it never crossed a link (so a
 * caller can reject an unknown --packet before writing). */
size_t hop_table_hop_count(const hop_table *t, uint32_t packet_id);

/* NULL is a no-op. */
void hop_table_free(hop_table *t);

#endif
