/* builder: model -> devices, links, segments and scheduled actions. */
#include "runner/builder.h"

#include "apps/arp_spoof.h"
#include "apps/ping.h"
#include "apps/traceroute.h"
#include "devices/devices.h"

static node *device_new(network *net, const model_device *d) {
    switch (d->type) {
    case DEVICE_HOST:
    case DEVICE_ROUTER:
        return ip_device_new(net, d);
    case DEVICE_SWITCH:
        return switch_new(net, d);
    case DEVICE_HUB:
        return hub_new(net, d);
    }
    return NULL;
}

int builder_build(const model_topology *t, network *net, ns_error *err) {
    for (size_t i = 0; i < t->n_devices; i++)
        network_add_node(net, device_new(net, &t->devices[i]));
    for (size_t i = 0; i < t->n_links; i++) {
        const model_link *l = &t->links[i];
        port *a = &net->nodes[l->a.device]->ports[l->a.iface];
        port *b = &net->nodes[l->b.device]->ports[l->b.iface];
        link *lk = network_connect(net, a, b, l->delay_ns, l->bandwidth_bps, l->queue_frames);
        lk->loss = l->loss;
    }
    char message[512];
    if (network_build_segments(net, message, sizeof message) != 0)
        return ns_error_set(err, NS_ERR_INPUT, "%s: %s", t->source, message);
    for (size_t i = 0; i < t->n_actions; i++) {
        const model_action *a = &t->actions[i];
        node *n = net->nodes[a->device];
        switch (a->kind) {
        case ACTION_PING:
            ip_device_add_app(n, ping_new(ip_device_stack(n), &a->u.ping, a->at_ns), ping_free_app);
            break;
        case ACTION_TRACEROUTE:
            ip_device_add_app(n, traceroute_new(ip_device_stack(n), &a->u.traceroute, a->at_ns),
                              traceroute_free);
            break;
        case ACTION_ARP_SPOOF:
            ip_device_add_app(n, arp_spoof_new(ip_device_stack(n), &a->u.arp_spoof, a->at_ns),
                              arp_spoof_free);
            break;
        }
    }
    return 0;
}
