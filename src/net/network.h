/*
 * network: devices (nodes), their ports, and the media between ports.
 *
 * A device reaches another only through ports and links, never by pointer.
 * Two kinds of medium exist:
 *  - a full-duplex point-to-point link: each direction has its own transmitter
 *    with a FIFO queue; serialization delay follows the frame length and the
 *    bandwidth, then the frame propagates for the link's delay;
 *  - a hub segment (collision domain): hubs and everything plugged into them
 *    share one half-duplex medium with CSMA/CD (IEEE 802.3 clause 4), modelled
 *    in net/hub_segment.c.
 *
 * Every frame that crosses a link is reported as TRACE_WIRE (captures use it);
 * every drop in this layer is traced with its reason.
 */
#ifndef NETSIM_NET_NETWORK_H
#define NETSIM_NET_NETWORK_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "engine/sim.h"
#include "model/topology.h"
#include "net/frame.h"
#include "trace/rows.h"
#include "trace/trace.h"
#include "wire/addr.h"

typedef struct network network;
typedef struct node node;
typedef struct port port;
typedef struct link link;
typedef struct hub_segment hub_segment;

/* Bytes a frame occupies on the wire beyond what is captured: preamble and SFD
 * (8), FCS (4) and the inter-frame gap (12). Serialization time counts them. */
#define WIRE_OVERHEAD_BYTES 24

/* A link's defaults: Fast Ethernet over a short cable. */
#define LINK_DEFAULT_DELAY_NS      (1 * SIM_US) /* propagation delay */
#define LINK_DEFAULT_BANDWIDTH_BPS 100000000ull /* 100 Mbit/s */
#define LINK_DEFAULT_QUEUE_FRAMES  100          /* transmit queue per port */

/* One direction of a link: the transmitter at one end and its queue. */
typedef struct link_tx {
    frame **queue;                    /* ring buffer of waiting frames, grown on demand up to cap */
    uint32_t head, count, cap, slots; /* slots: allocated entries of queue */
    /* Where in the run's order the frame being serialized has left: until
     * then the transmitter is busy. An event is scheduled there only when a
     * frame waits (link.tx_done_pending); most frames find the queue empty when the
     * one before them is gone, and then no event is needed. */
    sim_mark free_at;
} link_tx;

/* Appends to the queue (consumes f on success). Returns false when it holds
 * `cap` frames already. Storage grows only as frames wait, so a network of
 * 100,000 idle links costs almost nothing. */
bool link_tx_push(link_tx *tx, frame *f);

/* Removes and returns the oldest waiting frame, or NULL. */
frame *link_tx_pop(link_tx *tx);

struct link {
    char *name;     /* "A.eth0--sw1.p1", for messages and captures */
    port *end[2];   /* the two ports */
    link_tx tx[2];  /* tx[i]: frames sent by end[i] */
    sim_time delay; /* propagation */
    uint64_t bandwidth_bps;
    double loss;          /* probability that a frame is lost in transit (seeded draw) */
    hub_segment *segment; /* non-NULL: this link belongs to a hub's collision domain */
    uint32_t index;
    uint32_t epoch;          /* counts the times it went down: frames in flight from an
                                earlier epoch were lost with the link */
    bool down;               /* cut by a "link_down" action */
    bool tx_done_pending[2]; /* p2p_tx_done is scheduled for tx[i] (here, not in
                                link_tx, where it would cost 8 bytes of padding) */
};

struct port {
    node *owner;
    const char *name; /* borrowed from the model */
    link *link;       /* NULL while unconnected */
    uint32_t index;   /* within the owner */
    int side;         /* which end of the link this port is */
    mac_addr mac;
    /* What `ifconfig` counts: frames (and their captured bytes, no FCS) this
     * port received from its medium and transmitted onto it. */
    uint64_t rx_packets, rx_bytes, tx_packets, tx_bytes;
};

typedef struct node_ops {
    /* A frame arrived at `in`: the device owns `f` now. */
    void (*receive)(node *n, port *in, frame *f);
    /* Writes the device's tables for state.txt; may be NULL. */
    void (*write_state)(const node *n, FILE *out);
    /* Frees what the device allocated beyond the node itself, and the node. */
    void (*destroy)(node *n);
    /* The device lost power: forget what a reboot forgets (ARP cache, MAC
     * table, NAT mappings, TCP connections). May be NULL. */
    void (*power_off)(node *n);
    /* Adds the rows of table `t` to `rows` as they are now (a script's
     * "show"). Returns false when this device has no such table; the reader
     * refuses that case before the run. Every device has "interfaces". */
    bool (*show)(const node *n, trace_show_table t, trace_rows *rows);
} node_ops;

struct node {
    const char *name; /* borrowed from the model */
    device_type type;
    uint32_t id; /* index in network.nodes */
    port *ports;
    uint32_t n_ports;
    const node_ops *ops;
    network *net;
    bool off; /* powered off by a "device_off" action: sends and receives nothing */
};

/* Why a run stopped early, besides the engine's own limits. */
typedef enum {
    NET_STOP_NONE = 0,
    NET_STOP_STORM, /* frames kept coming back to the same switches */
} net_stop_reason;

struct network {
    sim *sim;
    trace_bus *trace; /* borrowed; may have no sinks */
    node **nodes;
    uint32_t n_nodes;
    uint32_t n_switches; /* nodes of type DEVICE_SWITCH, for loop detection */
    link **links;
    uint32_t n_links;
    hub_segment **segments;
    uint32_t n_segments;
    uint32_t next_packet_id;
    uint32_t storm_limit; /* frames seen again by a switch before the run stops */
    uint32_t storm_count;
    net_stop_reason stop_reason;
    char stop_message[512];
    uint64_t frames_delivered; /* frames handed to a device by a medium */
};

/* A network with no nodes, driven by `s`, reporting to `trace` (both borrowed).
 * Exits via ns_out_of_memory on allocation failure; caller frees with network_free. */
network *network_new(sim *s, trace_bus *trace);

/* Frees every node, link and segment, and frames still queued. NULL is a no-op. */
void network_free(network *net);

/* Adds a node the caller has allocated and initialised (ports included); the
 * network owns it from now on and sets its id and net. */
void network_add_node(network *net, node *n);

/* Allocates `count` ports for a node and names and addresses them from the
 * model's interfaces (names borrowed). */
void node_init_ports(node *n, const model_iface *ifaces, uint32_t count);

/* Connects two free ports with a link. Links must be added before
 * network_build_segments. Returns the link. */
link *network_connect(network *net, port *a, port *b, sim_time delay, uint64_t bandwidth_bps,
                      uint32_t queue_frames);

/* Groups hubs and the links touching them into collision domains. Returns 0,
 * or -1 when hub links form a loop, with `message` describing it. */
int network_build_segments(network *net, char *message, size_t cap);

/* Cuts (up false) or restores a link. Cutting drops what waits in its queues
 * and, on arrival, what was on the wire. Traced. */
void network_set_link(network *net, link *l, bool up);

/* Powers a device off (it forgets its tables and drops every frame) or on
 * again. Traced. */
void network_set_power(network *net, node *n, bool on);

/* A fresh packet id (journeys are numbered from 1 in order of creation). */
uint32_t network_new_packet_id(network *net);

/* Sends `f` out of port `p` (consumes f): queued behind earlier frames, or
 * dropped with a traced reason when the port is unconnected or its queue full. */
void port_send(port *p, frame *f);

/* The port at the other end of p's link, or NULL. */
port *port_peer(const port *p);

/* Serialization time of a frame of `len` captured bytes at `bps`. */
sim_time wire_time(size_t len, uint64_t bps);

/* Whether anyone listens to the trace: hot paths skip formatting their why
 * and detail texts when nobody will read them. */
static inline bool net_tracing(const network *net) {
    return trace_bus_active(net->trace);
}

/* Emits a trace event stamped with the current time. `n`, `p`, `f`, `why` and
 * `detail` may be NULL. */
void net_trace(network *net, trace_kind kind, const node *n, const port *p, const frame *f,
               const char *why, const char *detail);

/* An event stamped with the current time, from the same parts as net_trace,
 * for a caller that adds typed facts (reason, change, TTL, route) before
 * emitting it with trace_emit(net->trace, &ev). Everything it points to is
 * borrowed. */
trace_event net_event(network *net, trace_kind kind, const node *n, const port *p, const frame *f,
                      const char *why, const char *detail);

/* Traces a drop of `f` by the rule `reason` (never TRACE_REASON_NONE), `why`
 * saying it in words. `f` is NULL only when no packet exists yet (a socket
 * call refused before anything was built); otherwise the event carries the
 * frame and its packet id. Does not free f. */
void net_trace_drop(network *net, const node *n, const port *p, const frame *f, trace_reason reason,
                    const char *why);

/* Traces a table change (`kind` TRACE_ARP, TRACE_TABLE, TRACE_LEARN,
 * TRACE_STATE or TRACE_TRANSLATE) with its typed facts `c` (borrowed). */
void net_trace_change(network *net, trace_kind kind, const node *n, const port *p, const frame *f,
                      const trace_change *c, const char *why, const char *detail);

/* `f` crossed link `l`, sent by port `from` and received (or about to be) by
 * the port at the other end: counted in from's TX counters and reported as
 * TRACE_WIRE (the captures and the hop table are built from these; the event
 * names both ends). The one place a transmission is counted. */
void net_wire_crossed(network *net, const link *l, port *from, const frame *f);

/* A medium hands `f` (consumed) to the device owning `to`: counted in to's RX
 * counters and the network's frames_delivered, traced as TRACE_RECEIVE, then
 * given to the device. The one place a reception is counted. */
void net_deliver(network *net, port *to, frame *f);

/* Adds one "interfaces" row per port of `n` with the fields every device has
 * (name, mac, mtu, counters); an IP device adds its address first
 * (net_show_port for one port). */
void net_show_interfaces(const node *n, trace_rows *rows);

/* Adds the link-layer fields of port `p` to the current row: "mac", "mtu",
 * "up" (the device is on), "link" (a link that is up), "rx_packets",
 * "rx_bytes", "tx_packets", "tx_bytes". */
void net_show_port(const port *p, trace_rows *rows);

/* Emits TRACE_SHOW: device `n`'s table as `rows` holds it now. */
void net_trace_show(network *net, const node *n, trace_rows *rows);

/* Called by a switch for every frame it handles: detects a frame coming back
 * to a switch it already crossed (a switching loop: one of the last
 * FRAME_MAX_VISITED switches it crossed, or more switches crossed than the
 * network has) and stops the run after storm_limit such frames, with a report.
 * Never fires on a loop-free network. Returns true if the frame must be
 * dropped because the run is stopping. */
bool net_check_loop(network *net, const node *sw, frame *f);

#endif
