/*
 * switch: a learning bridge (IEEE 802.1D-2004 clause 7.8): the source MAC of
 * every frame is learned on its ingress port; a frame to a known unicast MAC
 * goes out of that port only (or is filtered when that is the ingress port);
 * broadcast, multicast and unknown unicast are flooded to every other port.
 * Entries not refreshed within mac_aging are removed when next looked up, as
 * ns-3's bridge does; the result is the same as a periodic sweep.
 */
#include <stdlib.h>
#include <string.h>

#include "devices/devices.h"
#include "util/alloc.h"
#include "util/i18n.h"
#include "util/u64map.h"
#include "wire/ethernet.h"

typedef struct mac_entry {
    uint32_t port;
    sim_time last_seen;
} mac_entry;

typedef struct learning_switch {
    node base;
    u64map *table; /* MAC (48 bits) -> mac_entry */
    sim_time aging;
} learning_switch;

/* Traces a change of the MAC table's entry for `mac`: from port `old_port`
 * to port `new_port` (NULL: no entry before / removed). */
static void trace_table(learning_switch *sw, const port *p, trace_kind kind, mac_addr mac,
                        const char *old_port, const char *new_port, const char *why,
                        const char *detail) {
    char key[MAC_TEXT_LEN];
    trace_change c = {.table = TRACE_TABLE_MAC,
                      .key = mac_format(mac, key),
                      .old_value = old_port,
                      .new_value = new_port};
    net_trace_change(sw->base.net, kind, &sw->base, p, NULL, &c, why, detail);
}

static void learn(learning_switch *sw, port *in, mac_addr src, sim_time now) {
    if (mac_is_multicast(src))
        return; /* a group address is never a source (802.1D 7.8) */
    bool created;
    mac_entry *e = u64map_put(sw->table, mac_to_u64(src), &created);
    char detail[96], m[MAC_TEXT_LEN];
    if (!created && now - e->last_seen >= sw->aging)
        created = true; /* aged out: as if a sweep had removed it */
    if (!net_tracing(sw->base.net)) {
        /* nobody reads the texts */
    } else if (created) {
        /* TRANSLATORS: a switch learned that MAC address %1$s is reachable through its port %2$s.
         */
        snprintf(detail, sizeof detail, _("%s is on %s"), mac_format(src, m), in->name);
        trace_table(sw, in, TRACE_LEARN, src, NULL, in->name, _("new source MAC"), detail);
    } else if (e->port != in->index) {
        snprintf(detail, sizeof detail, _("%s moved from %s to %s"), mac_format(src, m),
                 sw->base.ports[e->port].name, in->name);
        trace_table(sw, in, TRACE_LEARN, src, sw->base.ports[e->port].name, in->name,
                    _("source MAC seen on another port"), detail);
    }
    e->port = in->index;
    e->last_seen = now;
}

/* The port of `dst`, or -1 when unknown (entries past their age are removed). */
static int lookup(learning_switch *sw, mac_addr dst, sim_time now) {
    mac_entry *e = u64map_get(sw->table, mac_to_u64(dst));
    if (!e)
        return -1;
    if (now - e->last_seen >= sw->aging) {
        char detail[96], m[MAC_TEXT_LEN];
        snprintf(detail, sizeof detail, _("%s (was on %s) aged out"), mac_format(dst, m),
                 sw->base.ports[e->port].name);
        trace_table(sw, NULL, TRACE_TABLE, dst, sw->base.ports[e->port].name, NULL,
                    _("not seen within the aging time"), detail);
        u64map_remove(sw->table, mac_to_u64(dst));
        return -1;
    }
    return (int)e->port;
}

static void flood(learning_switch *sw, port *in, frame *f, const char *why) {
    char out[256];
    size_t used = 0;
    uint32_t n_out = 0;
    out[0] = '\0';
    for (uint32_t i = 0; i < sw->base.n_ports && net_tracing(sw->base.net); i++) {
        port *p = &sw->base.ports[i];
        if (p == in || !p->link)
            continue;
        n_out++;
        if (used < sizeof out - 16)
            used +=
                (size_t)snprintf(out + used, sizeof out - used, "%s%s", used ? ", " : "", p->name);
        else if (used < sizeof out - 1)
            used += (size_t)snprintf(out + used, sizeof out - used, "...");
    }
    if (net_tracing(sw->base.net) && n_out == 0) {
        /* Nowhere to flood it: the frame ends here, as a filtered one does. */
        char alone[160];
        /* TRANSLATORS: why the switch would flood ("broadcast destination"). */
        snprintf(alone, sizeof alone, _("%s, and no other port is connected"), _(why));
        net_trace(sw->base.net, TRACE_FILTER, &sw->base, in, f, alone, NULL);
    } else if (net_tracing(sw->base.net)) {
        /* TRANSLATORS: the ports a frame is flooded out of ("p2, p3"). */
        char to[300];
        snprintf(to, sizeof to, _("to %s"), out);
        net_trace(sw->base.net, TRACE_FLOOD, &sw->base, in, f, _(why), to);
    }
    port *last = NULL;
    for (uint32_t i = 0; i < sw->base.n_ports; i++) {
        port *p = &sw->base.ports[i];
        if (p == in || !p->link)
            continue;
        if (last)
            port_send(last, frame_clone(f));
        last = p;
    }
    if (last)
        port_send(last, f);
    else
        frame_free(f);
}

static void receive(node *n, port *in, frame *f) {
    learning_switch *sw = (learning_switch *)n;
    if (net_check_loop(n->net, n, f)) {
        net_trace_drop(n->net, n, in, f, TRACE_REASON_STORM_STOPPED,
                       _("switching loop: the run is stopping (broadcast storm)"));
        frame_free(f);
        return;
    }
    sim_time now = sim_now(n->net->sim);
    mac_addr dst, src;
    memcpy(dst.b, f->data + ETH_OFF_DST, sizeof dst.b);
    memcpy(src.b, f->data + ETH_OFF_SRC, sizeof src.b);
    learn(sw, in, src, now);
    if (mac_is_broadcast(dst)) {
        flood(sw, in, f, N_("broadcast destination"));
        return;
    }
    if (mac_is_multicast(dst)) {
        flood(sw, in, f, N_("multicast destination"));
        return;
    }
    int out = lookup(sw, dst, now);
    if (out < 0) {
        flood(sw, in, f, N_("destination MAC unknown"));
        return;
    }
    port *p = &n->ports[out];
    if (p == in) {
        if (net_tracing(n->net))
            net_trace(n->net, TRACE_FILTER, n, in, f, _("destination is on the ingress port"),
                      NULL);
        frame_free(f);
        return;
    }
    if (net_tracing(n->net)) {
        char detail[64];
        snprintf(detail, sizeof detail, _("to %s"), p->name);
        net_trace(n->net, TRACE_FORWARD, n, in, f, _("destination MAC in the table"), detail);
    }
    port_send(p, f);
}

typedef struct table_row {
    uint64_t mac;
    mac_entry e;
} table_row;

static int row_order(const void *a, const void *b) {
    const table_row *x = a, *y = b;
    if (x->e.port != y->e.port)
        return x->e.port < y->e.port ? -1 : 1;
    return x->mac < y->mac ? -1 : x->mac > y->mac;
}

/* The table's entries sorted by port, then MAC; caller frees. */
static table_row *sorted_rows(const learning_switch *sw, size_t *count) {
    size_t cursor = 0, k = 0;
    *count = u64map_size(sw->table);
    table_row *rows = malloc((*count ? *count : 1) * sizeof *rows);
    if (!rows)
        ns_out_of_memory();
    uint64_t key;
    mac_entry *e;
    while ((e = u64map_next(sw->table, &cursor, &key)))
        rows[k++] = (table_row){key, *e};
    qsort(rows, *count, sizeof *rows, row_order);
    return rows;
}

/* The MAC address table as a switch's `show mac address-table` lists it:
 * fields vlan, mac, type ("DYNAMIC"), port, age (seconds since last seen).
 * Entries past their aging time are left out: the lazy expiry would remove
 * them at the next look-up, a sweeping switch already has. */
static void show_mac(const learning_switch *sw, trace_rows *out) {
    size_t count;
    table_row *rows = sorted_rows(sw, &count);
    sim_time now = sim_now(sw->base.net->sim);
    for (size_t i = 0; i < count; i++) {
        char m[MAC_TEXT_LEN];
        sim_time age = now - rows[i].e.last_seen;
        if (age >= sw->aging)
            continue;
        trace_rows_begin(out);
        trace_rows_add(out, "vlan", "1");
        trace_rows_add(out, "mac", "%s", mac_format(mac_from_u64(rows[i].mac), m));
        trace_rows_add(out, "type", "DYNAMIC");
        trace_rows_add(out, "port", "%s", sw->base.ports[rows[i].e.port].name);
        trace_rows_add(out, "age", "%llu", (unsigned long long)(age / SIM_S));
    }
    free(rows);
}

static bool show(const node *n, trace_show_table t, trace_rows *rows) {
    if (t == TRACE_SHOW_INTERFACES)
        net_show_interfaces(n, rows);
    else if (t == TRACE_SHOW_MAC)
        show_mac((const learning_switch *)n, rows);
    else
        return false;
    return true;
}

static void write_state(const node *n, FILE *out) {
    const learning_switch *sw = (const learning_switch *)n;
    size_t count;
    table_row *rows = sorted_rows(sw, &count);
    sim_time now = sim_now(n->net->sim);
    fprintf(out, "switch %s\n  mac table:%s\n", n->name, count ? "" : " (empty)");
    for (size_t i = 0; i < count; i++) {
        char m[MAC_TEXT_LEN];
        sim_time age = now - rows[i].e.last_seen;
        fprintf(out, "    %s  %-6s  age %llu ms%s\n", mac_format(mac_from_u64(rows[i].mac), m),
                n->ports[rows[i].e.port].name, (unsigned long long)(age / SIM_MS),
                age >= sw->aging ? " (expired)" : "");
    }
    free(rows);
}

static void destroy(node *n) {
    learning_switch *sw = (learning_switch *)n;
    u64map_free(sw->table);
    free(sw);
}

static void power_off(node *n) {
    learning_switch *sw = (learning_switch *)n;
    u64map_clear(sw->table);
    trace_change c = {.table = TRACE_TABLE_MAC}; /* no key: the whole table */
    net_trace_change(n->net, TRACE_TABLE, n, NULL, NULL, &c, _("powered off"),
                     _("MAC table cleared"));
}

static const node_ops switch_ops = {
    .receive = receive,
    .write_state = write_state,
    .destroy = destroy,
    .power_off = power_off,
    .show = show,
};

node *switch_new(network *net, const model_device *d) {
    learning_switch *sw = calloc(1, sizeof *sw);
    if (!sw)
        ns_out_of_memory();
    sw->table = u64map_new(sizeof(mac_entry));
    if (!sw->table)
        ns_out_of_memory();
    sw->aging = d->mac_aging_ns;
    sw->base.name = d->name;
    sw->base.type = DEVICE_SWITCH;
    sw->base.ops = &switch_ops;
    sw->base.net = net;
    node_init_ports(&sw->base, d->ifaces, (uint32_t)d->n_ifaces);
    return &sw->base;
}
