/*
 * ip_device: hosts and routers. The NIC accepts frames for its own MAC and
 * broadcasts (a hub shows every station everyone's frames; the NIC is what
 * ignores them), then hands them to the shared IPv4 stack.
 */
#include <stdlib.h>

#include "devices/devices.h"
#include "util/alloc.h"
#include "util/i18n.h"
#include "wire/ethernet.h"

typedef struct app_slot {
    void *app;
    void (*free_app)(void *);
} app_slot;

/* The programs a device runs, with their count in the same block, so an
 * ip_device is 240 bytes (a 256-byte allocation; 288 before). */
typedef struct app_list {
    uint32_t n;
    app_slot slots[];
} app_list;

typedef struct ip_device {
    node base; /* first: a node* is an ip_device* */
    ip_stack stack;
    app_list *apps; /* NULL until the first program */
} ip_device;

static void receive(node *n, port *in, frame *f) {
    ip_device *d = (ip_device *)n;
    mac_addr dst;
    for (int i = 0; i < 6; i++)
        dst.b[i] = f->data[i];
    if (mac_equal(dst, in->mac) || mac_is_broadcast(dst)) {
        ip_stack_receive(&d->stack, in, f);
        return;
    }
    if (mac_is_multicast(dst))
        net_trace_drop(n->net, n, in, f, TRACE_REASON_MULTICAST_NOT_JOINED,
                       _("multicast group not joined"));
    else
        net_trace_drop(n->net, n, in, f, TRACE_REASON_MAC_NOT_OURS,
                       _("destination MAC is not this NIC's"));
    frame_free(f);
}

static void write_state(const node *n, FILE *out) {
    const ip_device *d = (const ip_device *)n;
    fprintf(out, "%s %s\n", device_type_name(n->type), n->name);
    ip_stack_write_state(&d->stack, out);
}

static bool show(const node *n, trace_show_table t, trace_rows *rows) {
    return ip_stack_show(&((const ip_device *)n)->stack, t, rows);
}

static void destroy(node *n) {
    ip_device *d = (ip_device *)n;
    for (uint32_t i = 0; d->apps && i < d->apps->n; i++)
        d->apps->slots[i].free_app(d->apps->slots[i].app);
    free(d->apps);
    ip_stack_destroy(&d->stack);
    free(d);
}

static void power_off(node *n) {
    ip_stack_power_off(&((ip_device *)n)->stack);
}

static const node_ops ip_device_ops = {
    .receive = receive,
    .write_state = write_state,
    .destroy = destroy,
    .power_off = power_off,
    .show = show,
};

node *ip_device_new(network *net, const model_device *md) {
    ip_device *d = calloc(1, sizeof *d);
    if (!d)
        ns_out_of_memory();
    d->base.name = md->name;
    d->base.type = md->type;
    d->base.ops = &ip_device_ops;
    d->base.net = net;
    node_init_ports(&d->base, md->ifaces, (uint32_t)md->n_ifaces);
    ip_stack_init(&d->stack, &d->base, md, md->type == DEVICE_ROUTER || md->forwarding);
    return &d->base;
}

ip_stack *ip_device_stack(node *n) {
    return &((ip_device *)n)->stack;
}

void ip_device_add_app(node *n, void *app, void (*free_app)(void *)) {
    ip_device *d = (ip_device *)n;
    uint32_t k = d->apps ? d->apps->n : 0;
    app_list *grown = realloc(d->apps, sizeof *grown + (k + 1) * sizeof grown->slots[0]);
    if (!grown)
        ns_out_of_memory();
    grown->slots[k] = (app_slot){app, free_app};
    grown->n = k + 1;
    d->apps = grown;
}
