/*
 * hop_internal: what the hop-table files share, and nothing else includes.
 * hop_table.c collects hops, hop_fate.c the end of each journey, hop_resolve.c
 * orders a packet's hops, hop_cells.c writes the cell texts and hop_write.c
 * the text tables, paths.json and the rows for the diagrams.
 *
 * Names with a double underscore (hop__...) are internal to these files.
 */
#ifndef NETSIM_SINKS_HOP_INTERNAL_H
#define NETSIM_SINKS_HOP_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "sinks/hop_table.h"
#include "trace/trace.h"
#include "util/strbuf.h"
#include "util/strmap.h"
#include "util/text.h"
#include "util/u64map.h"
#include "wire/addr.h"

#define NO_HOP       UINT32_MAX
#define ENDPOINT_LEN 24 /* "255.255.255.255:65535" plus NUL */
#define NET_TEXT_LEN 64 /* two endpoints joined by " > " */
#define TTL_TEXT_LEN 8
#define COLUMN_GAP   2

/* What the "ip src > dst" column holds for a hop. */
enum {
    HOP_NET_NONE, /* neither IPv4 nor ARP (or a header that did not parse) */
    HOP_NET_IPV4, /* src, dst: the IPv4 header's addresses; ttl valid */
    HOP_NET_ARP,  /* src, dst: the ARP sender and target protocol addresses */
};

/* A hop's decoded header fields. Every copy of a flooded frame has the same,
 * so each distinct one is kept once (hop__header) and compared as bytes: no
 * padding, and unused fields zero. */
typedef struct hop_header {
    mac_addr eth_src, eth_dst;
    uint8_t net; /* HOP_NET_* */
    uint8_t ttl;
    uint8_t has_ports; /* UDP or TCP: sport and dport are valid */
    uint8_t unused;
    ipv4_addr src, dst;
    uint16_t sport, dport;
} hop_header;

/* One frame crossing one link (24 bytes). */
typedef struct hop_rec {
    uint64_t time;
    uint32_t link;
    uint32_t next;   /* the packet's next hop in arrival order, or NO_HOP */
    uint32_t header; /* index into the table's headers */
    uint8_t side;    /* which end of the link transmitted: 0 or 1 */
} hop_rec;

/* A place a packet ended or was received at: "device.port" or "device" as
 * the tables show it, and its parts (port NULL when the event named none).
 * Texts are the table's, one copy each. */
typedef struct hop_place {
    const char *where;
    const char *device, *port;
} hop_place;

/* What became of a packet at one place: a TRACE_DELIVER, TRACE_DROP or TRACE_FILTER event
 * (a flooded broadcast may have several; 32 bytes, as a flood to a thousand
 * ports keeps a thousand). Texts are ids (hop__text). */
typedef struct fate_rec {
    uint64_t time;
    uint32_t next;            /* the packet's next fate, or NO_HOP */
    uint32_t trigger;         /* drops: the packet id the dropping device sent next, or 0 */
    uint32_t place;           /* index into places */
    uint32_t why;             /* the event's prose (hop__text), 0 for none */
    uint32_t trigger_summary; /* frame_describe of the triggered packet (hop__text), or 0 */
    uint16_t reason;          /* trace_reason */
    uint8_t kind;             /* HOP_FATE_DELIVERED, _DROPPED or _FILTERED */
} fate_rec;

typedef struct packet_rec {
    uint32_t id;
    uint32_t first, last; /* hop chain in arrival order */
    uint32_t n_hops;
    uint32_t fate_first, fate_last; /* fate chain in arrival order */
    uint64_t last_wire;             /* the latest hop's time */
    uint64_t rx_time;               /* the latest TRACE_RECEIVE's time */
    uint32_t rx_place;              /* and where (index into places), or NO_HOP */
    char *summary;                  /* frame_describe of the first frame seen; owned */
} packet_rec;

struct hop_table {
    hop_link *links; /* copied array; strings borrowed */
    int32_t (*link_dev)[2];
    size_t n_links;
    hop_device *devices; /* copied, plus devices named only by links */
    size_t n_devices;
    strmap *dev_index;
    hop_rec *hops;
    size_t n_hops, cap_hops;
    hop_header *headers;
    size_t n_headers, cap_headers;
    u64map *header_index; /* a header's bytes folded (then + 1, + 2 ...) -> index */
    packet_rec *packets;
    size_t n_packets, cap_packets;
    u64map *by_id; /* packet id -> uint32_t index into packets */
    fate_rec *fates;
    size_t n_fates, cap_fates;
    uint32_t max_id;  /* the highest packet id any event carried so far */
    uint32_t pending; /* the latest drop, waiting for the send it triggers, or NO_HOP */
    /* Every text a fate or receive keeps, once: a flood's thousand drops
     * share one "why", and keeping a text costs a lookup, not a malloc. */
    strmap *text_index; /* text -> index into texts */
    char **texts;       /* owned */
    size_t n_texts, cap_texts;
    strmap *place_index; /* hop__place's key -> index into places */
    hop_place *places;
    size_t n_places, cap_places;
    strbuf scratch; /* a place's key and text before they are kept */
};

/* --- hop_table.c --- */

/* Returns the array `items` of `*cap` elements of `size` bytes, grown if
 * needed so that element `n` fits (capacity doubling from `first`); exits via
 * ns_out_of_memory. */
void *hop__grow(void *items, size_t *cap, size_t n, size_t size, size_t first);

/* The header fields of hop `h`. */
static inline const hop_header *hop__hdr(const hop_table *t, const hop_rec *h) {
    return &t->headers[h->header];
}

/* The packet with id `id`, or NULL if it never crossed a link. */
const packet_rec *hop__packet_find(const hop_table *t, uint32_t id);

/* `s` kept by the table for its lifetime, one copy per distinct text: its
 * id for hop__text, 0 for NULL. */
uint32_t hop__text_id(hop_table *t, const char *s);

/* The text of an id hop__text_id gave; NULL for 0. */
const char *hop__text(const hop_table *t, uint32_t id);

/* The place of an event's device and port ("?" for no device), kept once:
 * its index into t->places. */
uint32_t hop__place(hop_table *t, const trace_event *ev);

/* --- hop_fate.c: the end of each journey --- */

/* Follows the deliveries, drops and receives of packets that crossed a link,
 * and the packet a drop triggers; called for every event before it is
 * looked at as a hop. Returns true when the event was such a fate. */
bool hop__fate_emit(hop_table *t, const trace_event *ev);

/* Frees the fate records. */
void hop__fate_free(hop_table *t);

/* --- hop_resolve.c: predecessors, hop numbers, display order --- */

/* A sort entry: by time, then key (arrival, later hop number), then idx. */
typedef struct hop_order {
    uint64_t time;
    uint32_t key;
    uint32_t idx;
} hop_order;

int hop__order_cmp(const void *a, const void *b);

/* Scratch space for resolving one packet at a time. Positions ("pos") index
 * the packet's hops in (time, arrival) order; rows are the display order. */
typedef struct resolver {
    const hop_table *t;
    uint32_t *last_pos; /* per device: latest hop received there (arrival) */
    uint64_t *last_stamp;
    uint32_t *group_pos; /* per device: latest hop received there this instant */
    uint64_t *group_stamp;
    uint64_t stamp;
    hop_order *order; /* by pos: idx = index into t->hops */
    uint32_t *pred;   /* by pos: predecessor's pos, or NO_HOP */
    uint32_t *number; /* by pos: hop number */
    uint32_t *stack;
    hop_order *rows;  /* by row: idx = pos */
    uint32_t *row_of; /* by pos: its row */
    uint32_t n;
    strbuf text; /* the cell being written (format_change, format_fate) */
} resolver;

void hop__resolver_init(resolver *r, const hop_table *t);
void hop__resolver_free(resolver *r);

/* Resolves packet `p`: fills order, pred, number, rows and row_of. */
void hop__resolve(resolver *r, const packet_rec *p);

/* The hop at display row `row` and its predecessor (NULL for a root). */
const hop_rec *hop__row_hop(const resolver *r, uint32_t row, const hop_rec **pred);

/* The device that transmitted hop `h`. */
int32_t hop__from_dev(const hop_table *t, const hop_rec *h);

/* --- hop_cells.c: cell texts shared by every format --- */

/* The "ip src > dst" cell: IPv4 (or ARP sender > target) addresses, "-"
 * when the frame carries neither. */
void hop__format_net(const hop_header *h, char buf[NET_TEXT_LEN]);

/* The TTL cell: the number for IPv4, else "-". */
void hop__format_ttl(const hop_header *h, char buf[TTL_TEXT_LEN]);

/* The change cell (rules in docs/hop-table.md), into r->text; returns the
 * rule that applied. `p` is the predecessor, NULL for a root. */
hop_change hop__format_change(resolver *r, const hop_rec *h, const hop_rec *p);

/* --- hop_fate.c: the fate rows --- */

/* The packet's last text rows: "end", the time, and its fate from the link
 * column on (one row per delivery or drop; one "in flight" row if none).
 * `hop_width` and `time_width` are the table's first two column widths. */
void hop__fate_write_text(resolver *r, const packet_rec *p, size_t hop_width, size_t time_width,
                          FILE *out);

/* The packet's fate objects in paths.json. */
void hop__fate_write_json(resolver *r, const packet_rec *p, strbuf *out);

/* The packet's fates for hop_table_visit, in arrival order, into `*views`
 * (grown as needed; `*cap` its capacity). Returns how many (at least one:
 * received or in flight when nothing was delivered or dropped). */
size_t hop__fate_views(const hop_table *t, const packet_rec *p, hop_fate_view **views, size_t *cap);

/* --- hop_write.c --- */

/* Puts `text` as a table cell of `width` columns followed by the column gap. */
void hop__cell(text_line *l, const char *text, size_t width);

/* Writes `, "time": "S.NNNNNNNNN", "t": NS` (paths.json's two forms of a time). */
void hop__json_time(strbuf *out, uint64_t ns);

#endif
