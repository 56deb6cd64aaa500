/*
 * hub: a multiport repeater (IEEE 802.3 clause 9). It has no tables and makes
 * no decisions; its hub segment (net/hub_segment.c) repeats frames and
 * detects collisions, and traces them in the hub's name.
 */
#include <stdlib.h>

#include "devices/devices.h"
#include "util/alloc.h"
#include "util/i18n.h"

static void receive(node *n, port *in, frame *f) {
    /* Unreachable: a hub's ports belong to its segment, which never calls this. */
    net_trace_drop(n->net, n, in, f, TRACE_REASON_NOT_IN_SEGMENT, _("hub port outside a segment"));
    frame_free(f);
}

static void destroy(node *n) {
    free(n);
}

/* A hub has no tables; its ports count what they repeat ("interfaces"). */
static bool show(const node *n, trace_show_table t, trace_rows *rows) {
    if (t != TRACE_SHOW_INTERFACES)
        return false;
    net_show_interfaces(n, rows);
    return true;
}

static const node_ops hub_ops = {
    .receive = receive, .write_state = NULL, .destroy = destroy, .show = show};

node *hub_new(network *net, const model_device *d) {
    node *n = calloc(1, sizeof *n);
    if (!n)
        ns_out_of_memory();
    n->name = d->name;
    n->type = DEVICE_HUB;
    n->ops = &hub_ops;
    n->net = net;
    node_init_ports(n, d->ifaces, (uint32_t)d->n_ifaces);
    return n;
}
