/*
 * dot: Graphviz DOT output for the lecture diagrams: escaping of names, and
 * the topology graph that the topology, path and step diagrams all draw.
 *
 * Invariants: user text (device names) never reaches DOT unescaped: nodes,
 * clusters and edges get generated ids (n1, cluster_1, l0) and the real names
 * go only into HTML-like labels, escaped by dot_escape_html, which emits
 * ASCII only (non-ASCII UTF-8 becomes numeric character references, invalid
 * bytes U+FFFD), so the output never depends on Graphviz's charset
 * handling. Output order follows
 * the topology file (devices, links, subnets by first member), never hash
 * order, so the same topology always gives byte-identical DOT.
 */
#ifndef NETSIM_IO_DOT_H
#define NETSIM_IO_DOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "model/topology.h"

/* --- escaping --- */

/* `s` as text inside a Graphviz HTML-like label (<...>): & < > " ' become
 * entities, a backslash is doubled (Graphviz expands escString sequences
 * such as \N, the node's id, even inside HTML-like labels, and reads "\\" as
 * one backslash), control characters become spaces, non-ASCII characters
 * &#N; (an invalid UTF-8 byte &#65533;). Returns a new string; caller frees.
 * Exits via ns_out_of_memory on allocation failure.
 *
 * There is deliberately no escaper for quoted DOT strings: Graphviz undoes
 * backslashes in them differently per attribute (a label once, a tooltip
 * twice), so user text only ever goes into HTML-like labels. */
char *dot_escape_html(const char *s);

/* Writes dot_escape_html(s) to `out`. */
void dot_put_html(FILE *out, const char *s);

/* --- the topology graph --- */

/* The ids every topology graph uses, which Graphviz's SVG keeps (the viewer
 * finds its devices and links there by them): device i (model order) is the
 * node "n<i+1>", its interface k the port "i<k>", and link i the edge
 * "n<a>:i<k>--n<b>:i<m>" (the SVG's <title> writes each '-' as &#45;). Each
 * writes into buf[cap] and returns buf. */
#define DOT_ID_LEN 64
char *dot_node_id(char *buf, size_t cap, size_t device);
char *dot_port_id(char *buf, size_t cap, size_t iface);
char *dot_edge_id(char *buf, size_t cap, const model_link *l);

/* Node attributes of a device kind: its shape and colours, e.g.
 * `shape=cylinder, style="filled", fillcolor="#fee2e2", color="#b91c1c"`. */
const char *dot_device_attrs(device_type type);

/* A device's type as a diagram names it, in the run's language: "host",
 * "switch", "hub", "router"; dot_device_kind_label says "NAT router" for a
 * router doing NAT. */
const char *dot_device_type_label(device_type type);
const char *dot_device_kind_label(const model_device *dev);

/* The fontname list of a diagram of `t`: "Helvetica", or, when the language
 * is Chinese or a name in `t` is not ASCII, Helvetica then Noto Sans CJK SC
 * (see dot.c; docs/diagrams.md, "Chinese"). */
const char *dot_font(const model_topology *t);

/* The fill colour of a device kind ("#fee2e2"), for legends. */
const char *dot_device_fill(device_type type);

/* The topology with its IPv4 subnets worked out: every broadcast domain (the
 * hosts' and routers' interfaces joined through links, switches and hubs)
 * becomes a cluster labelled with its subnets ("192.168.1.0/24") holding its
 * hosts, switches and hubs; routers and hosts attached to several domains
 * sit between clusters. */
typedef struct dot_topology dot_topology;

/* Borrows `t`, which must outlive the result. Returns NULL on allocation
 * failure; caller frees with dot_topology_free. */
dot_topology *dot_topology_new(const model_topology *t);

/* NULL is a no-op. */
void dot_topology_free(dot_topology *d);

/* The number of subnet clusters. */
size_t dot_topology_cluster_count(const dot_topology *d);

/* Which way a decorated link is drawn. Link ends follow the model: end a is
 * model_link.a. */
typedef enum {
    DOT_DIR_NONE, /* no arrowheads */
    DOT_DIR_AB,   /* an arrow from end a to end b */
    DOT_DIR_BA,   /* an arrow from end b to end a */
    DOT_DIR_BOTH, /* arrows both ways */
} dot_dir;

/* How one link is drawn in a decorated view. */
typedef struct dot_link_style {
    const char *color; /* "#rrggbb", or NULL: the default grey */
    double penwidth;   /* 0: the default */
    dot_dir dir;
    const char *label; /* the body of an HTML-like label (escaped, without the outer <>),
                          or NULL */
} dot_link_style;

/* What the topology writer draws beyond the bare topology (all borrowed). */
typedef struct dot_view {
    const dot_link_style *links; /* one per model link, or NULL: all default */
    bool dim_plain_links;        /* links whose style has no colour are drawn light grey */
    const bool *show;            /* one per device: which to draw, or NULL: all. A link is
                                    drawn when both its ends are. */
    const char *label;           /* the body of an HTML-like graph label, or NULL */
    bool label_at_bottom;        /* the graph label below the drawing (else on top) */
    bool light;                  /* for large graphs: no subnet clusters and no host grids,
                                    laid out by sfdp (layout=sfdp in the file) with straight
                                    edges, which dot's ranking and crossing minimisation would
                                    take minutes over */
    const char *extra;           /* DOT statements written after the links, or NULL: marks
                                    beside devices (whose nodes are n1, n2, ... in file
                                    order). The caller escapes any user text in them. */
} dot_view;

/* The size of what dot_write_topology draws for `show` (one flag per device,
 * or NULL: all): devices, plus their interface rows (a switch's or hub's
 * connected ports, every interface of a host or router), plus links whose
 * ends are both drawn. Graphviz's time and memory grow with it (faster than
 * linearly for dot), so it decides how, and whether, a diagram is rendered. */
size_t dot_topology_size(const dot_topology *d, const bool *show);

/* Writes the topology as an undirected DOT graph to `out`: one node per
 * device (n1, n2, ... in file order; shape and colour by kind; an HTML-like
 * label with the name and one row per interface: name, IP/prefix and MAC for
 * hosts and routers, the port name for switches and hubs), one edge per link
 * from interface row to interface row (ids l0, l1, ...), one cluster per
 * subnet. `view` may be NULL (the plain topology). */
void dot_write_topology(FILE *out, const dot_topology *d, const dot_view *view);

#endif
