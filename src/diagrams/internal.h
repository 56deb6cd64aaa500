/*
 * diagrams/internal.h: what the diagram files share, not for other modules.
 *
 * The recorder (recorder.c) fills a `diagrams` while the run goes;
 * diagrams_write (diagrams.c) then hands a `writer` to each picture in turn:
 * the topology (topology.c), the path diagrams (paths.c), the ladders
 * (ladders.c) and the step slides (steps.c) write their .dot files into the
 * run's directory and list them for rendering, and render.c has Graphviz
 * draw the lists (graphviz.c runs the processes). Names shared across these
 * files start with dg_.
 *
 * Invariants: the recorder keeps copies (events are borrowed), never frame
 * bytes, and no more than the caps of diagrams.h allow; every string that
 * reaches a .dot file from a name or a trace text goes through
 * dot_escape_html (dg_put_html).
 */
#ifndef NETSIM_DIAGRAMS_INTERNAL_H
#define NETSIM_DIAGRAMS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "diagrams/diagrams.h"
#include "diagrams/dot.h"
#include "util/strbuf.h"
#include "util/strmap.h"
#include "util/text.h"
#include "util/u64map.h"
#include "wire/addr.h"

#define DG_NO_TEXT    SIZE_MAX   /* an arena offset that holds nothing */
#define DG_NO_FLOW    UINT32_MAX /* a packet in no per-flow ladder */
#define DG_NO_DEVICE  UINT32_MAX /* a device index not known (yet) */
#define DG_FATE_MARKS 8          /* fates drawn per path diagram (a flood has many) */

/* What a frame carries, for its colour. */
typedef enum {
    PROTO_OTHER,
    PROTO_ARP,
    PROTO_ICMP,
    PROTO_UDP,
    PROTO_TCP,
    PROTO_SERVICE, /* DHCP or DNS */
} proto_kind;

/* "#rrggbb" per proto_kind. */
extern const char *const dg_proto_color[];

/* One frame that crossed a link (a step slide). */
typedef struct frame_rec {
    uint64_t time;
    uint32_t link;
    uint32_t packet;
    size_t label; /* arena offsets: the short label, the full summary, */
    size_t summary;
    size_t line; /* and the trace line behind it (DG_NO_TEXT if unknown) */
    mac_addr eth_src, eth_dst;
    uint8_t side; /* the transmitting end of the link: 0 is model_link.a */
    uint8_t proto;
    uint8_t broadcast;
    uint8_t is_step; /* a step slide */
} frame_rec;

/* One end-to-end packet (a packet id), a ladder's arrow: from its send at
 * the source to its delivery, or its drop, as the trace events say. */
typedef struct packet_rec {
    uint64_t time; /* of the send */
    uint32_t id;
    uint32_t flow;       /* index into flows, or DG_NO_FLOW */
    uint32_t src;        /* device indices: the sender, */
    uint32_t deliver;    /* the first device it was delivered to, */
    uint32_t last_rx;    /* the last one that got it from a link, */
    uint32_t drop;       /* and the first that dropped it (each DG_NO_DEVICE if none) */
    uint8_t drop_reason; /* trace_reason of that drop */
    uint8_t proto;
    uint8_t broadcast;
    uint8_t in_main;   /* drawn in ladder.svg */
    uint8_t ttl;       /* the IP TTL at the source (0: not IPv4) */
    ipv4_addr ip_dst;  /* IPv4 destination (ARP: target), 0 if none */
    size_t label;      /* arena: the short label (TCP: rebuilt from the fields below) */
    uint8_t has_tcp;   /* then: */
    uint8_t tcp_flags; /* as on the wire */
    uint32_t tcp_seq, tcp_ack;
    uint16_t tcp_len;
    ipv4_addr ip_src;
    uint16_t src_port, dst_port;
    /* The addresses and ports as delivered (NAT rewrites them on the way);
     * the sent ones until a delivery says otherwise. */
    ipv4_addr rx_src, rx_dst;
    uint16_t rx_sport, rx_dport;
} packet_rec;

/* A flow: the packets between two IPv4 addresses (either way; ARP counts by
 * its sender and target protocol addresses), as they were sent. */
typedef struct flow_rec {
    ipv4_addr lo, hi;
    uint32_t n_packets;
} flow_rec;

struct diagrams {
    const model_topology *t;
    diagram_options o;
    strmap *dev_index; /* device name -> index (names borrowed from the model) */
    frame_rec *frames;
    size_t n_frames, cap_frames;
    uint64_t n_wire; /* frames seen on known links, kept or not */
    packet_rec *packets;
    size_t n_packets, cap_packets;
    uint64_t n_main;      /* packets in ladder.svg (at most DIAGRAMS_LADDER_FRAMES) */
    bool more_packets;    /* some were sent past that cap */
    u64map *packet_by_id; /* packet id -> index into packets */
    u64map *flow_by_key;
    flow_rec *flows;
    size_t n_flows, open_flows;
    strbuf text;            /* arena of NUL-terminated strings, back to back */
    char **dev_line;        /* --steps: per device, its latest send/forward line */
    uint32_t *dev_line_pkt; /* and that line's packet id */
};

/* The string at arena offset `at`, or NULL for DG_NO_TEXT. */
const char *dg_text(const diagrams *d, size_t at);

const char *dg_dev_name(const diagrams *d, size_t dev);
const char *dg_iface_name(const diagrams *d, const model_endpoint *e);

/* Appends `s` escaped for an HTML-like label (dot_escape_html). */
void dg_put_html(strbuf *b, const char *s);

/* The short arrow label of a frame's summary (frame_describe), into `out`. */
void dg_short_label(const char *summary, char *out, size_t cap);

/* --- output --- */

/* The files written for rendering, by renderer. */
typedef struct file_list {
    char **paths; /* "DIR/paths/1.dot", as given to dot */
    size_t n, cap;
} file_list;

void dg_file_list_add(file_list *f, const char *path);
void dg_file_list_free(file_list *f);

/* The context of one diagrams_write call. */
typedef struct writer {
    diagrams *d;
    const char *dir; /* as given */
    char *base;      /* dir, with "./" in front when it does not start with '/' so
                        that dot never takes a file name for an option */
    dot_topology *topo;
    ns_error *err;
    int rc;
    file_list dot_files;   /* rendered by dot: topology, paths */
    file_list neato_files; /* rendered by neato -n2: ladders */
    file_list step_files;  /* rendered by dot, SVG only */
    file_list png_dot;     /* --png: dot layout */
    file_list png_neato;   /* --png: neato -n2 */
    size_t topo_size;      /* dot_topology_size of the whole topology */
    size_t paths_skipped;  /* path diagrams through more than DIAGRAMS_SLIDE_DEVICES devices */
    size_t paths_too_big;  /* path diagrams over DIAGRAMS_DRAW_FULL (devices, interfaces, links) */
    char *light_dot;       /* topology.dot when drawn by sfdp (its failure is a note), or NULL */
    bool have_dot;         /* Graphviz's dot is on PATH */
    strbuf scratch;
} writer;

/* A new file: the directory is this run's own, so anything already at
 * `path` (a link included) is an error, never followed or overwritten.
 * NULL with w->rc set on failure. */
FILE *dg_open_file(writer *w, const char *path);

/* Closes `f`; a failed write sets w->rc. */
void dg_close_file(writer *w, FILE *f, const char *path);

/* "a/b"; caller frees. */
char *dg_path_join(const char *a, const char *b);

/* A new directory (one that exists already is an error, as for files).
 * Returns 0, or w->rc. */
int dg_make_dir(writer *w, const char *path);

/* Step slides are drawn for small topologies only: every slide is the
 * whole topology. */
bool dg_slides_drawn(const writer *w);

/* Appends `text` to the user's note, "; " between two. */
void dg_note_add(char *note, size_t cap, const char *text);

/* The pictures: each writes its .dot files and lists them in `w`. */
void dg_write_topology(writer *w);
void dg_write_paths(writer *w, const hop_table *hops);
void dg_write_ladders(writer *w);
void dg_write_steps(writer *w);

/* The path of an executable `name` on PATH, or NULL (caller frees). */
char *dg_find_program(const char *name);

/* Runs `dot` (its path) over every listed file, bounded (graphviz.h), and
 * turns the outcomes into w->rc or lines of the note. */
void dg_render(writer *w, const char *dot, char *note, size_t note_cap);

#endif
