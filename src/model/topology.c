/*
 * topology: freeing the model and naming its enums. The model is plain data;
 * model_free accepts a partly built model (NULL members, zeroed counts), so
 * the loader can free it on any error path.
 */
#include "model/topology.h"

#include <stdlib.h>
#include <string.h>

const char *device_type_name(device_type t) {
    switch (t) {
    case DEVICE_HOST:
        return "host";
    case DEVICE_HUB:
        return "hub";
    case DEVICE_SWITCH:
        return "switch";
    case DEVICE_ROUTER:
        return "router";
    }
    return "unknown";
}

const char *action_kind_name(action_kind k) {
    switch (k) {
    case ACTION_PING:
        return "ping";
    case ACTION_TRACEROUTE:
        return "traceroute";
    case ACTION_ARP_SPOOF:
        return "arp_spoof";
    case ACTION_UDP_SERVER:
        return "udp_server";
    case ACTION_UDP_SEND:
        return "udp_send";
    case ACTION_TCP_SERVER:
        return "tcp_server";
    case ACTION_TCP_CLIENT:
        return "tcp_client";
    case ACTION_FILE_SERVER:
        return "file_server";
    case ACTION_FILE_DOWNLOAD:
        return "file_download";
    case ACTION_HTTP_SERVER:
        return "http_server";
    case ACTION_HTTP_GET:
        return "http_get";
    case ACTION_SHOW:
        return "show";
    case ACTION_LINK_DOWN:
        return "link_down";
    case ACTION_LINK_UP:
        return "link_up";
    case ACTION_DEVICE_OFF:
        return "device_off";
    case ACTION_DEVICE_ON:
        return "device_on";
    }
    return "unknown";
}

void model_action_clear(model_action *a) {
    switch (a->kind) {
    case ACTION_PING:
        free(a->u.ping.to_name);
        break;
    case ACTION_TRACEROUTE:
        free(a->u.traceroute.to_name);
        break;
    case ACTION_ARP_SPOOF:
        break;
    case ACTION_UDP_SERVER:
        free(a->u.udp_server.reply);
        break;
    case ACTION_UDP_SEND:
        free(a->u.udp_send.to.name);
        free(a->u.udp_send.data);
        break;
    case ACTION_TCP_SERVER:
        free(a->u.tcp_server.reply);
        break;
    case ACTION_TCP_CLIENT: {
        model_tcp_client *c = &a->u.tcp_client;
        free(c->to.name);
        for (size_t i = 0; c->messages && i < c->n_messages; i++)
            free(c->messages[i]);
        free(c->messages);
        for (size_t i = 0; c->steps && i < c->n_steps; i++)
            free(c->steps[i].data);
        free(c->steps);
        break;
    }
    case ACTION_FILE_SERVER: {
        model_file_server *f = &a->u.file_server;
        for (size_t i = 0; f->files && i < f->n_files; i++) {
            free(f->files[i].name);
            free(f->files[i].data);
        }
        free(f->files);
        break;
    }
    case ACTION_FILE_DOWNLOAD:
        free(a->u.file_download.to.name);
        free(a->u.file_download.file);
        break;
    case ACTION_HTTP_SERVER: {
        model_http_server *h = &a->u.http_server;
        for (size_t i = 0; h->pages && i < h->n_pages; i++) {
            free(h->pages[i].path);
            free(h->pages[i].body);
        }
        free(h->pages);
        break;
    }
    case ACTION_HTTP_GET:
        free(a->u.http_get.url);
        free(a->u.http_get.host.name);
        free(a->u.http_get.host_text);
        free(a->u.http_get.path);
        break;
    case ACTION_SHOW:
    case ACTION_LINK_DOWN:
    case ACTION_LINK_UP:
    case ACTION_DEVICE_OFF:
    case ACTION_DEVICE_ON:
        break;
    }
    memset(&a->u, 0, sizeof a->u);
}

static void model_device_clear(model_device *dev) {
    for (size_t i = 0; dev->ifaces && !dev->iface_names_inline && i < dev->n_ifaces; i++)
        free(dev->ifaces[i].name);
    free(dev->ifaces);
    free(dev->routes);
    free(dev->fw_rules);
    free(dev->static_arp);
    if (dev->nat) {
        free(dev->nat->forwards);
        free(dev->nat->pins);
        free(dev->nat);
    }
    free(dev->dhcp_server);
    if (dev->dns_server) {
        for (size_t i = 0; dev->dns_server->records && i < dev->dns_server->n_records; i++)
            free(dev->dns_server->records[i].name);
        free(dev->dns_server->records);
        free(dev->dns_server);
    }
    free(dev->name);
}

void model_free(model_topology *t) {
    if (!t)
        return;
    for (size_t d = 0; t->devices && d < t->n_devices; d++)
        model_device_clear(&t->devices[d]);
    for (size_t i = 0; t->actions && i < t->n_actions; i++)
        model_action_clear(&t->actions[i]);
    free(t->devices);
    free(t->links);
    free(t->actions);
    model_expect_clear(&t->expect);
    free(t->source);
    free(t->name);
    free(t->description);
    free(t);
}

/* Whether endpoint text `s` names end `e`: "dev" or "dev.iface". */
static bool model_names_end(const model_topology *t, const char *s, const model_endpoint *e) {
    const model_device *d = &t->devices[e->device];
    size_t n = strlen(d->name);
    if (strcmp(s, d->name) == 0)
        return true;
    return strncmp(s, d->name, n) == 0 && s[n] == '.' &&
           strcmp(s + n + 1, d->ifaces[e->iface].name) == 0;
}

size_t model_links_joining(const model_topology *t, const char *x, const char *y, size_t *which) {
    size_t found = 0;
    for (size_t k = 0; k < t->n_links; k++) {
        const model_endpoint *a = &t->links[k].a, *b = &t->links[k].b;
        if ((model_names_end(t, x, a) && model_names_end(t, y, b)) ||
            (model_names_end(t, x, b) && model_names_end(t, y, a))) {
            found++;
            *which = k;
        }
    }
    return found;
}
