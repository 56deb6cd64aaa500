/*
 * builder: model -> devices, links, segments, the devices' services (DHCP
 * and DNS servers, DHCP clients) and the script's programs, all scheduled on
 * the engine (nothing is traced before the run starts).
 *
 * Order, so that runs are reproducible: devices in file order; then each
 * device's services in file order (servers before its DHCP client); then
 * the actions in the model's order (by time, ties in file order). Events at
 * one instant run in the order they were scheduled.
 */
#include "runner/builder.h"
#include "util/alloc.h"

#include <assert.h>
#include <stdlib.h>

#include "apps/arp_spoof.h"
#include "apps/dhcp_client.h"
#include "apps/dhcp_server.h"
#include "apps/dns_server.h"
#include "apps/file_transfer.h"
#include "apps/netconf.h"
#include "apps/ping.h"
#include "apps/tcp_client.h"
#include "apps/tcp_server.h"
#include "apps/traceroute.h"
#include "apps/udp_client.h"
#include "apps/udp_server.h"
#include "apps/web.h"
#include "devices/devices.h"
#include "stack/udp.h"

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

/* The services of a host, router or NAT box; returns its netconf (NULL for a static
 * host without resolver, whose programs need none). */
static netconf *builder_services(node *n, const model_device *d) {
    ip_stack *st = ip_device_stack(n);
    netconf *nc = NULL;
    if (d->ephemeral_lo &&
        (d->ephemeral_lo != UDP_EPHEMERAL_LOW || d->ephemeral_hi != UDP_EPHEMERAL_HIGH))
        udp_set_ephemeral_range(st, d->ephemeral_lo, d->ephemeral_hi);
    if (d->dhcp || d->has_dns) {
        nc = netconf_new(st, d->dhcp, d->has_dns ? d->dns : 0);
        ip_device_add_app(n, nc, netconf_free);
    }
    if (d->dhcp_server)
        ip_device_add_app(n, dhcp_server_new(st, d->dhcp_server, 0), dhcp_server_free);
    if (d->dns_server)
        ip_device_add_app(n, dns_server_new(st, d->dns_server, 0), dns_server_free);
    if (d->dhcp)
        ip_device_add_app(n, dhcp_client_new(nc, 0, d->dhcp_at_ns), dhcp_client_free);
    return nc;
}

static void builder_action(node *n, netconf *nc, const model_action *a) {
    ip_stack *st = ip_device_stack(n);
    sim_time at = a->at_ns;
    switch (a->kind) {
    case ACTION_PING:
        ip_device_add_app(n, ping_new_on(st, nc, &a->u.ping, at), ping_free_app);
        break;
    case ACTION_TRACEROUTE:
        ip_device_add_app(n, traceroute_new_on(st, nc, &a->u.traceroute, at), traceroute_free);
        break;
    case ACTION_ARP_SPOOF:
        ip_device_add_app(n, arp_spoof_new(st, &a->u.arp_spoof, at), arp_spoof_free);
        break;
    case ACTION_UDP_SERVER:
        ip_device_add_app(n, udp_server_new(st, &a->u.udp_server, at), udp_server_free);
        break;
    case ACTION_UDP_SEND:
        ip_device_add_app(n, udp_client_new(st, nc, &a->u.udp_send, at), udp_client_free);
        break;
    case ACTION_TCP_SERVER:
        ip_device_add_app(n, tcp_server_new(st, &a->u.tcp_server, at), tcp_server_free);
        break;
    case ACTION_TCP_CLIENT:
        ip_device_add_app(n, tcp_client_new(st, nc, &a->u.tcp_client, at), tcp_client_free);
        break;
    case ACTION_FILE_SERVER:
        ip_device_add_app(n, file_server_new(st, &a->u.file_server, at), file_server_free);
        break;
    case ACTION_FILE_DOWNLOAD:
        ip_device_add_app(n, file_download_new(st, nc, &a->u.file_download, at),
                          file_download_free);
        break;
    case ACTION_HTTP_SERVER:
        ip_device_add_app(n, http_server_new(st, &a->u.http_server, at), http_server_free);
        break;
    case ACTION_HTTP_GET:
        ip_device_add_app(n, http_get_new(st, nc, &a->u.http_get, at), http_get_free);
        break;
    case ACTION_SHOW:
    case ACTION_LINK_DOWN:
    case ACTION_LINK_UP:
    case ACTION_DEVICE_OFF:
    case ACTION_DEVICE_ON:
        break; /* scheduled by builder_fault */
    }
}

/* "show": each table named, as the device has it now, into the trace. The
 * reader let through only tables the device has. */
static void show_tables(sim *s, void *a, void *b) {
    (void)s;
    node *n = a;
    const model_show *sh = b;
    if (!net_tracing(n->net))
        return;
    for (size_t i = 0; i < sh->n_tables; i++) {
        trace_rows *rows = trace_rows_new((trace_show_table)sh->tables[i]);
        bool has = n->ops->show && n->ops->show(n, (trace_show_table)sh->tables[i], rows);
        assert(has);
        (void)has;
        net_trace_show(n->net, n, rows);
        trace_rows_free(rows);
    }
}

static void fault_link_down(sim *s, void *a, void *b) {
    (void)s;
    network_set_link(a, b, false);
}

static void fault_link_up(sim *s, void *a, void *b) {
    (void)s;
    network_set_link(a, b, true);
}

static void fault_device_off(sim *s, void *a, void *b) {
    (void)s;
    network_set_power(a, b, false);
}

static void fault_device_on(sim *s, void *a, void *b) {
    (void)s;
    network_set_power(a, b, true);
}

/* Faults are the network's, not a device's program, and "show" looks at any
 * device: they run as engine events. */
static bool builder_fault(network *net, const model_action *a) {
    static const sim_handler handlers[] = {fault_link_down, fault_link_up, fault_device_off,
                                           fault_device_on};
    switch (a->kind) {
    case ACTION_LINK_DOWN:
    case ACTION_LINK_UP:
        sim_schedule_at(net->sim, a->at_ns, handlers[a->kind - ACTION_LINK_DOWN], net,
                        net->links[a->u.link], NULL);
        return true;
    case ACTION_DEVICE_OFF:
    case ACTION_DEVICE_ON:
        sim_schedule_at(net->sim, a->at_ns, handlers[a->kind - ACTION_LINK_DOWN], net,
                        net->nodes[a->device], NULL);
        return true;
    case ACTION_SHOW:
        sim_schedule_at(net->sim, a->at_ns, show_tables, net->nodes[a->device], (void *)&a->u.show,
                        NULL);
        return true;
    default:
        return false;
    }
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
    netconf **ncs = calloc(t->n_devices ? t->n_devices : 1, sizeof *ncs);
    if (!ncs)
        ns_out_of_memory();
    for (size_t i = 0; i < t->n_devices; i++) {
        const model_device *d = &t->devices[i];
        if (d->type == DEVICE_HOST || d->type == DEVICE_ROUTER)
            ncs[i] = builder_services(net->nodes[i], d);
    }
    for (size_t i = 0; i < t->n_actions; i++) {
        const model_action *a = &t->actions[i];
        if (!builder_fault(net, a))
            builder_action(net->nodes[a->device], ncs[a->device], a);
    }
    free(ncs);
    return 0;
}
