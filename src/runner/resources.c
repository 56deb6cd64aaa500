/* resources: the memory estimate of a topology (runner/resources.h), the sum
 * of model/costs.h's per-item costs: a host with its interface, its switch
 * port, its link and its traffic takes 2.3 KiB at run time, the estimate
 * 3.1 KiB. */
#include "runner/resources.h"

#include <stdio.h>

#include "model/costs.h"
#include "util/i18n.h"

#define FILE_COPIES   3ull         /* the server's copy, TCP's send buffer, the receiver's */
#define EVENTS_LEAST  100000000ull /* the default event bound of a small topology */
#define EVENTS_DEVICE 250ull       /* ... and of a large one, per device */

static uint64_t add_sat(uint64_t a, uint64_t b) {
    return a + b < a ? UINT64_MAX : a + b;
}

static uint64_t mul_sat(uint64_t a, uint64_t b) {
    return b && a > UINT64_MAX / b ? UINT64_MAX : a * b;
}

void resources_estimate_of(const model_topology *t, resources_estimate *e) {
    *e = (resources_estimate){.base = MODEL_COST_BASE};
    for (size_t i = 0; i < t->n_devices; i++) {
        e->devices = add_sat(e->devices, MODEL_COST_DEVICE);
        e->ports = add_sat(e->ports, mul_sat(t->devices[i].n_ifaces, MODEL_COST_PORT));
    }
    e->links = mul_sat(t->n_links, MODEL_COST_LINK);
    for (size_t i = 0; i < t->n_actions; i++) {
        const model_action *a = &t->actions[i];
        if (a->kind == ACTION_FILE_SERVER)
            for (size_t f = 0; f < a->u.file_server.n_files; f++)
                e->files = add_sat(e->files, mul_sat(a->u.file_server.files[f].size, FILE_COPIES));
        else if (a->kind == ACTION_PING)
            e->apps = add_sat(e->apps, mul_sat(a->u.ping.count, MODEL_COST_PING_SLOT));
    }
    uint64_t parts[] = {e->base, e->devices, e->ports, e->links, e->files, e->apps};
    for (size_t i = 0; i < sizeof parts / sizeof *parts; i++)
        e->total = add_sat(e->total, parts[i]);
}

uint64_t resources_max_events(const model_topology *t, uint64_t asked) {
    if (asked != RESOURCES_EVENTS_DEFAULT)
        return asked;
    uint64_t scaled = mul_sat(t->n_devices, EVENTS_DEVICE);
    return scaled > EVENTS_LEAST ? scaled : EVENTS_LEAST;
}

void resources_format_bytes(char *buf, size_t cap, uint64_t bytes) {
    if (bytes >= (1ull << 30) && bytes % (1ull << 30) == 0)
        snprintf(buf, cap, "%llu GiB", (unsigned long long)(bytes >> 30));
    else if (bytes >= (10ull << 30))
        snprintf(buf, cap, "%llu GiB", (unsigned long long)(bytes >> 30));
    else if (bytes >= (1ull << 30))
        snprintf(buf, cap, "%.1f GiB", (double)bytes / (double)(1ull << 30));
    else if (bytes >= (1ull << 20))
        snprintf(buf, cap, "%llu MiB", (unsigned long long)((bytes + (1ull << 20) - 1) >> 20));
    else
        snprintf(buf, cap, "%llu KiB", (unsigned long long)((bytes + 1023) >> 10));
}

int resources_check(const model_topology *t, uint64_t max_memory, ns_error *err) {
    resources_estimate e;
    resources_estimate_of(t, &e);
    if (max_memory == 0 || e.total <= max_memory)
        return 0;
    struct {
        const char *what;
        uint64_t bytes;
    } parts[] = {{_("netsim itself"), e.base},
                 {_("devices"), e.devices},
                 {_("switch and hub ports and interfaces"), e.ports},
                 {_("links"), e.links},
                 {_("file servers' files"), e.files},
                 {_("ping records"), e.apps}};
    size_t top = 0;
    for (size_t i = 1; i < sizeof parts / sizeof *parts; i++)
        if (parts[i].bytes > parts[top].bytes)
            top = i;
    char total[32], part[32], limit[32];
    resources_format_bytes(total, sizeof total, e.total);
    resources_format_bytes(part, sizeof part, parts[top].bytes);
    resources_format_bytes(limit, sizeof limit, max_memory);
    return ns_error_set(err, NS_ERR_NOMEM,
                        _("%s: the run would need about %s of memory (%s: %s), more than the "
                          "limit of %s; make the topology smaller or raise --max-memory"),
                        t->source, total, parts[top].what, part, limit);
}
