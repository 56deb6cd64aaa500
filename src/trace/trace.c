/* trace: the bus fans each event out to its sinks, in subscription order. */
#include "trace/trace.h"
#include "util/alloc.h"

#include <stdlib.h>

struct trace_bus {
    trace_sink *sinks;
    size_t n, cap;
};

static const char *const kind_names[] = {
    [TRACE_SEND] = "send",       [TRACE_RECEIVE] = "receive", [TRACE_REPEAT] = "repeat",
    [TRACE_COLLIDE] = "collide", [TRACE_BACKOFF] = "backoff", [TRACE_LEARN] = "learn",
    [TRACE_FLOOD] = "flood",     [TRACE_FILTER] = "filter",   [TRACE_FORWARD] = "forward",
    [TRACE_DELIVER] = "deliver", [TRACE_DROP] = "drop",       [TRACE_ARP] = "arp",
    [TRACE_TABLE] = "table",     [TRACE_STATE] = "state",     [TRACE_TRANSLATE] = "translate",
    [TRACE_APP] = "app",         [TRACE_WIRE] = "wire",       [TRACE_RUN] = "run",
};

const char *trace_kind_name(trace_kind k) {
    if ((size_t)k < sizeof kind_names / sizeof kind_names[0] && kind_names[k])
        return kind_names[k];
    return "?";
}

trace_bus *trace_bus_new(void) {
    return calloc(1, sizeof(trace_bus));
}

void trace_bus_free(trace_bus *bus) {
    if (!bus)
        return;
    free(bus->sinks);
    free(bus);
}

void trace_bus_subscribe(trace_bus *bus, trace_sink sink) {
    if (bus->n == bus->cap) {
        size_t cap = bus->cap ? bus->cap * 2 : 4;
        trace_sink *grown = realloc(bus->sinks, cap * sizeof *grown);
        if (!grown)
            ns_out_of_memory();
        bus->sinks = grown;
        bus->cap = cap;
    }
    bus->sinks[bus->n++] = sink;
}

bool trace_bus_active(const trace_bus *bus) {
    return bus && bus->n > 0;
}

void trace_emit(trace_bus *bus, const trace_event *ev) {
    if (!bus)
        return;
    for (size_t i = 0; i < bus->n; i++)
        bus->sinks[i].emit(bus->sinks[i].self, ev);
}
