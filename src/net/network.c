/*
 * network: nodes, ports and point-to-point links; hub segments are in
 * hub_segment.c. Frames in flight are carried by engine events whose dropper
 * frees them, so nothing leaks when a run stops early.
 */
#include "net/network.h"
#include "util/alloc.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "net/hub_segment.h"
#include "util/i18n.h"

static void p2p_materialize(void *ctx);

network *network_new(sim *s, trace_bus *trace) {
    network *net = calloc(1, sizeof *net);
    if (!net)
        ns_out_of_memory();
    net->sim = s;
    net->trace = trace;
    net->storm_limit = 16;
    sim_on_renumber(s, p2p_materialize, net);
    return net;
}

void network_free(network *net) {
    if (!net)
        return;
    sim_on_renumber(net->sim, NULL, NULL);
    for (uint32_t i = 0; i < net->n_segments; i++)
        hub_segment_free(net->segments[i]);
    free(net->segments);
    for (uint32_t i = 0; i < net->n_links; i++) {
        link *l = net->links[i];
        for (int side = 0; side < 2; side++) {
            link_tx *tx = &l->tx[side];
            for (uint32_t k = 0; k < tx->count; k++)
                frame_free(tx->queue[(tx->head + k) % tx->slots]);
            free(tx->queue);
        }
        free(l->name);
        free(l);
    }
    free(net->links);
    for (uint32_t i = 0; i < net->n_nodes; i++) {
        node *n = net->nodes[i];
        free(n->ports);
        n->ops->destroy(n);
    }
    free(net->nodes);
    free(net);
}

/* Makes room for element `count` of an array grown by appending: capacity
 * doubles whenever count reaches a power of two, so appends cost O(1) amortised. */
static void *grow(void *array, uint32_t count, size_t elem) {
    if (count & (count - 1))
        return array;
    size_t cap = count ? (size_t)count * 2 : 1;
    void *grown = realloc(array, cap * elem);
    if (!grown)
        ns_out_of_memory();
    return grown;
}

void network_add_node(network *net, node *n) {
    net->nodes = grow(net->nodes, net->n_nodes, sizeof *net->nodes);
    n->id = net->n_nodes;
    n->net = net;
    net->nodes[net->n_nodes++] = n;
    if (n->type == DEVICE_SWITCH)
        net->n_switches++;
}

void node_init_ports(node *n, const model_iface *ifaces, uint32_t count) {
    n->ports = calloc(count ? count : 1, sizeof(port));
    if (!n->ports)
        ns_out_of_memory();
    n->n_ports = count;
    for (uint32_t i = 0; i < count; i++) {
        n->ports[i].owner = n;
        n->ports[i].index = i;
        n->ports[i].name = ifaces[i].name;
        n->ports[i].mac = ifaces[i].mac;
    }
}

static char *link_name(const port *a, const port *b) {
    size_t len =
        strlen(a->owner->name) + strlen(a->name) + strlen(b->owner->name) + strlen(b->name) + 5;
    char *s = malloc(len);
    if (!s)
        ns_out_of_memory();
    snprintf(s, len, "%s.%s--%s.%s", a->owner->name, a->name, b->owner->name, b->name);
    return s;
}

link *network_connect(network *net, port *a, port *b, sim_time delay, uint64_t bandwidth_bps,
                      uint32_t queue_frames) {
    net->links = grow(net->links, net->n_links, sizeof *net->links);
    uint32_t index = net->n_links++;
    link *l = calloc(1, sizeof *l);
    if (!l)
        ns_out_of_memory();
    net->links[index] = l;
    l->index = index;
    l->name = link_name(a, b);
    l->end[0] = a;
    l->end[1] = b;
    l->delay = delay;
    l->bandwidth_bps = bandwidth_bps;
    for (int side = 0; side < 2; side++)
        l->tx[side].cap = queue_frames;
    a->side = 0;
    b->side = 1;
    a->link = l;
    b->link = l;
    return l;
}

/* --- hub segments: union-find over hubs joined by hub-to-hub links --- */

static uint32_t find_root(uint32_t *parent, uint32_t x) {
    while (parent[x] != x) {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    return x;
}

int network_build_segments(network *net, char *message, size_t cap) {
    uint32_t *parent = malloc(((size_t)net->n_nodes + 1) * sizeof *parent);
    uint32_t *segment_of = malloc(((size_t)net->n_nodes + 1) * sizeof *segment_of);
    if (!parent || !segment_of)
        ns_out_of_memory();
    for (uint32_t i = 0; i < net->n_nodes; i++) {
        parent[i] = i;
        segment_of[i] = UINT32_MAX;
    }
    int rc = 0;
    for (uint32_t i = 0; i < net->n_links && rc == 0; i++) {
        link *l = net->links[i];
        node *x = l->end[0]->owner, *y = l->end[1]->owner;
        if (x->type != DEVICE_HUB || y->type != DEVICE_HUB)
            continue;
        uint32_t rx = find_root(parent, x->id), ry = find_root(parent, y->id);
        if (rx == ry) {
            snprintf(message, cap,
                     _("links[%u]: \"%s\" closes a loop of hubs (%s and %s are already "
                       "connected): a hub repeats every frame out of every other port, so every "
                       "frame would circle the loop forever (a broadcast storm); expected hubs "
                       "wired as a tree"),
                     l->index, l->name, x->name, y->name);
            rc = -1;
        }
        parent[rx] = ry;
    }
    for (uint32_t i = 0; i < net->n_nodes && rc == 0; i++) {
        node *n = net->nodes[i];
        if (n->type != DEVICE_HUB)
            continue;
        uint32_t root = find_root(parent, n->id);
        if (segment_of[root] == UINT32_MAX) {
            segment_of[root] = net->n_segments;
            net->segments = grow(net->segments, net->n_segments, sizeof *net->segments);
            net->segments[net->n_segments] = hub_segment_new(net, net->n_segments);
            net->n_segments++;
        }
        hub_segment_add_hub(net->segments[segment_of[root]], n);
    }
    for (uint32_t i = 0; i < net->n_links && rc == 0; i++) {
        link *l = net->links[i];
        node *hub = l->end[0]->owner->type == DEVICE_HUB   ? l->end[0]->owner
                    : l->end[1]->owner->type == DEVICE_HUB ? l->end[1]->owner
                                                           : NULL;
        if (!hub)
            continue;
        hub_segment *seg = net->segments[segment_of[find_root(parent, hub->id)]];
        l->segment = seg;
        hub_segment_add_link(seg, l);
    }
    for (uint32_t i = 0; i < net->n_segments && rc == 0; i++)
        hub_segment_finish(net->segments[i]);
    free(parent);
    free(segment_of);
    return rc;
}

uint32_t network_new_packet_id(network *net) {
    return ++net->next_packet_id;
}

port *port_peer(const port *p) {
    return p->link ? p->link->end[1 - p->side] : NULL;
}

sim_time wire_time(size_t len, uint64_t bps) {
    uint64_t bits = (uint64_t)(len + WIRE_OVERHEAD_BYTES) * 8;
    return (sim_time)((bits * SIM_S + bps - 1) / bps);
}

trace_event net_event(network *net, trace_kind kind, const node *n, const port *p, const frame *f,
                      const char *why, const char *detail) {
    return (trace_event){
        .time = sim_now(net->sim),
        .kind = kind,
        .device = n ? n->name : NULL,
        .port = p ? p->name : NULL,
        .link = -1,
        .frame = f ? f->data : NULL,
        .frame_len = f ? f->len : 0,
        .packet_id = f ? f->packet_id : 0,
        .retransmission = f && f->retransmission,
        .why = why,
        .detail = detail,
    };
}

void net_trace(network *net, trace_kind kind, const node *n, const port *p, const frame *f,
               const char *why, const char *detail) {
    if (!trace_bus_active(net->trace))
        return;
    trace_event ev = net_event(net, kind, n, p, f, why, detail);
    trace_emit(net->trace, &ev);
}

void net_trace_drop(network *net, const node *n, const port *p, const frame *f, trace_reason reason,
                    const char *why) {
    assert(reason != TRACE_REASON_NONE);
    if (!trace_bus_active(net->trace))
        return;
    trace_event ev = net_event(net, TRACE_DROP, n, p, f, why, NULL);
    ev.reason = reason;
    trace_emit(net->trace, &ev);
}

void net_trace_change(network *net, trace_kind kind, const node *n, const port *p, const frame *f,
                      const trace_change *c, const char *why, const char *detail) {
    if (!trace_bus_active(net->trace))
        return;
    trace_event ev = net_event(net, kind, n, p, f, why, detail);
    ev.change = *c;
    trace_emit(net->trace, &ev);
}

void net_wire_crossed(network *net, const link *l, port *from, const frame *f) {
    from->tx_packets++;
    from->tx_bytes += f->len;
    if (!trace_bus_active(net->trace))
        return;
    int side = l->end[0] == from ? 0 : 1;
    const port *to = l->end[1 - side];
    trace_event ev = net_event(net, TRACE_WIRE, from->owner, from, f, NULL, NULL);
    ev.link = (int)l->index;
    ev.wire = (trace_wire_ends){.tx_device = from->owner->name,
                                .tx_port = from->name,
                                .rx_device = to->owner->name,
                                .rx_port = to->name,
                                .tx_side = side};
    trace_emit(net->trace, &ev);
}

/* --- transmit queues --- */

bool link_tx_push(link_tx *tx, frame *f) {
    if (tx->count == tx->cap)
        return false;
    if (tx->count == tx->slots) {
        /* Grow (doubling, at most to cap) and unwrap the ring into the new array. */
        uint32_t slots = tx->slots ? tx->slots * 2 : 4;
        if (slots > tx->cap)
            slots = tx->cap;
        frame **q = malloc((size_t)slots * sizeof *q);
        if (!q)
            ns_out_of_memory();
        for (uint32_t k = 0; k < tx->count; k++)
            q[k] = tx->queue[(tx->head + k) % tx->slots];
        free(tx->queue);
        tx->queue = q;
        tx->slots = slots;
        tx->head = 0;
    }
    tx->queue[(tx->head + tx->count) % tx->slots] = f;
    tx->count++;
    return true;
}

frame *link_tx_pop(link_tx *tx) {
    if (tx->count == 0)
        return NULL;
    frame *f = tx->queue[tx->head];
    tx->head = (tx->head + 1) % tx->slots;
    tx->count--;
    return f;
}

/* --- point-to-point transmission --- */

static void p2p_start(network *net, link *l, int side);

/* The frame's last bit reached the far end: hand it to the device there. */
static void p2p_arrive(sim *s, void *a, void *b) {
    (void)s;
    port *to = a;
    frame *f = b;
    network *net = to->owner->net;
    if (to->link->down || f->link_epoch != to->link->epoch) {
        net_trace_drop(net, to->owner, to, f, TRACE_REASON_LINK_DOWN,
                       _("lost: the link went down while it was on it"));
        frame_free(f);
        return;
    }
    if (to->owner->off) {
        net_trace_drop(net, to->owner, to, f, TRACE_REASON_DEVICE_OFF,
                       _("the device is powered off"));
        frame_free(f);
        return;
    }
    if (to->link->loss > 0 && rng_unit(sim_rng(net->sim)) < to->link->loss) {
        char why[128];
        snprintf(why, sizeof why, _("lost in transit (link loss probability %g)"), to->link->loss);
        net_trace_drop(net, to->owner, to, f, TRACE_REASON_LINK_LOSS, why);
        frame_free(f);
        return;
    }
    net_deliver(net, to, f);
}

void net_deliver(network *net, port *to, frame *f) {
    net->frames_delivered++;
    to->rx_packets++;
    to->rx_bytes += f->len;
    net_trace(net, TRACE_RECEIVE, to->owner, to, f, NULL, NULL);
    to->owner->ops->receive(to->owner, to, f);
}

/* --- show --- */

void net_show_port(const port *p, trace_rows *rows) {
    char m[MAC_TEXT_LEN];
    trace_rows_add(rows, "mac", "%s", mac_format(p->mac, m));
    trace_rows_add(rows, "mtu", "%u", 1500u);
    trace_rows_add(rows, "up", "%s", p->owner->off ? "no" : "yes");
    trace_rows_add(rows, "link", "%s", p->link && !p->link->down ? "yes" : "no");
    trace_rows_add(rows, "rx_packets", "%llu", (unsigned long long)p->rx_packets);
    trace_rows_add(rows, "rx_bytes", "%llu", (unsigned long long)p->rx_bytes);
    trace_rows_add(rows, "tx_packets", "%llu", (unsigned long long)p->tx_packets);
    trace_rows_add(rows, "tx_bytes", "%llu", (unsigned long long)p->tx_bytes);
}

void net_show_interfaces(const node *n, trace_rows *rows) {
    for (uint32_t i = 0; i < n->n_ports; i++) {
        trace_rows_begin(rows);
        trace_rows_add(rows, "name", "%s", n->ports[i].name);
        net_show_port(&n->ports[i], rows);
    }
}

void net_trace_show(network *net, const node *n, trace_rows *rows) {
    if (!trace_bus_active(net->trace))
        return;
    trace_event ev = net_event(net, TRACE_SHOW, n, NULL, NULL, NULL, NULL);
    ev.show = trace_rows_view(rows);
    trace_emit(net->trace, &ev);
}

/* The transmitter finished serializing and a frame waits: start it. */
static void p2p_tx_done(sim *s, void *a, void *b) {
    (void)s;
    port *from = a;
    (void)b;
    link *l = from->link;
    l->tx_done_pending[from->side] = false;
    p2p_start(from->owner->net, l, from->side);
}

/* Schedules p2p_tx_done at the moment tx[side]'s frame has left, unless it is
 * scheduled already or that moment has passed. */
static void p2p_done_at_mark(network *net, link *l, int side) {
    if (l->tx_done_pending[side] || sim_mark_passed(net->sim, l->tx[side].free_at))
        return;
    l->tx_done_pending[side] = true;
    sim_schedule_mark(net->sim, l->tx[side].free_at, p2p_tx_done, l->end[side], NULL, NULL);
}

/* Starts the next waiting frame if the transmitter is free, or makes sure the
 * event that frees it is scheduled. */
static void p2p_start(network *net, link *l, int side) {
    link_tx *tx = &l->tx[side];
    if (tx->count == 0 || l->tx_done_pending[side])
        return;
    if (!sim_mark_passed(net->sim, tx->free_at)) {
        p2p_done_at_mark(net, l, side);
        return;
    }
    frame *f = link_tx_pop(tx);
    sim_time serialize = wire_time(f->len, l->bandwidth_bps);
    f->link_epoch = l->epoch;
    net_wire_crossed(net, l, l->end[side], f);
    tx->free_at = sim_mark_at(net->sim, sim_now(net->sim) + serialize);
    sim_schedule(net->sim, serialize + l->delay, p2p_arrive, l->end[1 - side], f, frame_drop);
    if (tx->count > 0)
        p2p_done_at_mark(net, l, side);
}

/* Seqs are about to be renumbered: every transmitter still busy gets the event
 * that frees it, so that its place in the order is renumbered with the rest. */
static void p2p_materialize(void *ctx) {
    network *net = ctx;
    for (uint32_t i = 0; i < net->n_links; i++)
        for (int side = 0; side < 2; side++)
            p2p_done_at_mark(net, net->links[i], side);
}

void port_send(port *p, frame *f) {
    network *net = p->owner->net;
    trace_reason reason = !p->link        ? TRACE_REASON_PORT_UNCONNECTED
                          : p->owner->off ? TRACE_REASON_DEVICE_OFF
                          : p->link->down ? TRACE_REASON_LINK_DOWN
                                          : TRACE_REASON_NONE;
    if (reason != TRACE_REASON_NONE) {
        const char *refused = reason == TRACE_REASON_PORT_UNCONNECTED ? _("port not connected")
                              : reason == TRACE_REASON_DEVICE_OFF ? _("the device is powered off")
                                                                  : _("the link is down");
        net_trace_drop(net, p->owner, p, f, reason, refused);
        frame_free(f);
        return;
    }
    if (p->link->segment) {
        hub_segment_send(p->link->segment, p, f);
        return;
    }
    link_tx *tx = &p->link->tx[p->side];
    if (!link_tx_push(tx, f)) {
        char why[128];
        snprintf(why, sizeof why, _("transmit queue full (%u frames)"), tx->cap);
        net_trace_drop(net, p->owner, p, f, TRACE_REASON_QUEUE_FULL, why);
        frame_free(f);
        return;
    }
    p2p_start(net, p->link, p->side);
}

/* --- faults --- */

void network_set_link(network *net, link *l, bool up) {
    if (l->down == !up)
        return;
    l->down = !up;
    char detail[300];
    snprintf(detail, sizeof detail, up ? _("link %s is up again") : _("link %s is down"), l->name);
    net_trace(net, TRACE_RUN, NULL, NULL, NULL, up ? _("link up") : _("link down"), detail);
    if (up)
        return;
    l->epoch++;
    for (int side = 0; side < 2; side++) {
        link_tx *tx = &l->tx[side];
        frame *f;
        while ((f = link_tx_pop(tx))) {
            net_trace_drop(net, l->end[side]->owner, l->end[side], f, TRACE_REASON_LINK_DOWN,
                           _("the link went down: queued frame lost"));
            frame_free(f);
        }
    }
}

void network_set_power(network *net, node *n, bool on) {
    if (n->off == !on)
        return;
    n->off = !on;
    char detail[300];
    snprintf(detail, sizeof detail,
             on ? _("%s is powered on: its tables start empty") : _("%s is powered off"), n->name);
    net_trace(net, TRACE_RUN, n, NULL, NULL, on ? _("device on") : _("device off"), detail);
    if (!on && n->ops->power_off)
        n->ops->power_off(n);
}

/* --- switching loops --- */

bool net_check_loop(network *net, const node *sw, frame *f) {
    uint32_t seen = f->l2_hops < FRAME_MAX_VISITED ? f->l2_hops : FRAME_MAX_VISITED;
    bool again = false;
    for (uint32_t i = 0; i < seen; i++)
        if (f->visited[i] == sw->id)
            again = true;
    f->visited[f->l2_hops % FRAME_MAX_VISITED] = sw->id;
    f->l2_hops++;
    /* A loop longer than the window we remember is caught by counting: in a
     * loop-free network a switch never sends a frame back where it came from,
     * so a frame's path is simple and crosses each switch at most once. A frame
     * that has crossed more switches than the network has must have crossed
     * one twice (pigeonhole), so this never fires on a loop-free network of
     * any size. */
    if (!again && f->l2_hops <= net->n_switches)
        return net->stop_reason != NET_STOP_NONE;
    net->storm_count++;
    if (net->storm_count < net->storm_limit || net->stop_reason != NET_STOP_NONE)
        return net->stop_reason != NET_STOP_NONE;
    char where[256] = "";
    size_t used = 0;
    for (uint32_t i = 0; i < seen && used < sizeof where - 1; i++) {
        const char *name = net->nodes[f->visited[i]]->name;
        bool dup = false;
        for (uint32_t j = 0; j < i; j++)
            dup |= f->visited[j] == f->visited[i];
        if (!dup)
            used +=
                (size_t)snprintf(where + used, sizeof where - used, "%s%s", used ? ", " : "", name);
    }
    snprintf(net->stop_message, sizeof net->stop_message,
             _("broadcast storm suspected: %u frames came back to a switch they had already "
               "crossed (packet #%u last went through %s); the switches form a loop"),
             net->storm_count, f->packet_id, where);
    net->stop_reason = NET_STOP_STORM;
    net_trace(net, TRACE_RUN, NULL, NULL, f, _("switching loop"), net->stop_message);
    sim_stop(net->sim);
    return true;
}
