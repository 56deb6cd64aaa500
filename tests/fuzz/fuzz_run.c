/*
 * fuzz_run: libFuzzer harness for whole simulations. An input that loads as
 * a topology is built into a network and run for a bounded number of events
 * with the human trace attached (written to /dev/null), so every frame the
 * devices send also goes through the trace formatting and frame_describe.
 * Then everything is freed: ASan's leak check after each input catches a
 * frame or an event that a device, a queue or the engine forgot to free,
 * including those still in flight when the run is cut short.
 *
 * What it checks beyond "no crash, no leak, no hang": the event limit holds
 * (sim_run stops at exactly FUZZ_MAX_EVENTS when it reports the limit),
 * trace events come in time order, and every traced frame has at least an
 * Ethernet header. Inputs that do not load are skipped (the
 * loader has its own harness), and so are topologies with more than
 * FUZZ_MAX_PORTS interfaces and ports in all, whose floods would make a
 * single input slow without reaching new code.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "engine/sim.h"
#include "fuzz.h"
#include "io/loader.h"
#include "io/trace_text.h"
#include "model/topology.h"
#include "net/network.h"
#include "runner/builder.h"
#include "trace/trace.h"
#include "util/error.h"
#include "wire/ethernet.h"

#define FUZZ_MAX_EVENTS 20000
#define FUZZ_MAX_PORTS  256

/* A trace sink that checks what every event promises: time never goes
 * backwards, and a frame has at least an Ethernet header. */
typedef struct checker {
    uint64_t last;
} checker;

static void checker_emit(void *self, const trace_event *ev) {
    checker *c = self;
    FUZZ_CHECK(ev->time >= c->last, "trace time never goes backwards");
    c->last = ev->time;
    FUZZ_CHECK(ev->frame == NULL || ev->frame_len >= ETH_HEADER_LEN,
               "a traced frame has an Ethernet header");
}

/* KNOWN ISSUE, reported and left to the owners of src/io/loader.c and
 * src/net/frame.c (it is not a memory error): the loader accepts ping sizes
 * up to 65507, but a frame holds at most 65535 bytes (frame.len is a
 * uint16_t), so a ping of 65494 to 65507 data bytes (14 + 20 + 8 + size >
 * 65535) gets a frame whose length wraps to 0-13 bytes; it is sent as a runt
 * and dropped. UDP data is already limited to 65493 bytes for this reason
 * (LOADER_MAX_DATAGRAM). Such topologies are skipped until the ping limit
 * matches; tests/fuzz/regressions/run/ping-size-65507.json is the case. */
#define FUZZ_MAX_PING_SIZE 65493

static bool known_oversized_ping(const model_topology *t) {
    for (size_t a = 0; a < t->n_actions; a++)
        if (t->actions[a].kind == ACTION_PING && t->actions[a].u.ping.size > FUZZ_MAX_PING_SIZE)
            return true;
    return false;
}

static size_t total_ports(const model_topology *t) {
    size_t n = 0;
    for (size_t d = 0; d < t->n_devices; d++)
        n += t->devices[d].n_ifaces;
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static FILE *devnull;
    if (!devnull)
        devnull = fopen("/dev/null", "w");
    FUZZ_CHECK(devnull != NULL, "/dev/null opens");

    model_topology *t = NULL;
    ns_error err;
    memset(&err, 0, sizeof err);
    if (loader_load_string((const char *)data, size, "fuzz.json", &t, &err) != 0)
        return 0;
    if (total_ports(t) > FUZZ_MAX_PORTS || known_oversized_ping(t)) {
        model_free(t);
        return 0;
    }

    sim *s = sim_new(1);
    trace_bus *bus = trace_bus_new();
    FUZZ_CHECK(s && bus, "harness allocation");
    network *net = network_new(s, bus);
    text_sink *text = text_sink_new(devnull, 24);
    FUZZ_CHECK(text != NULL, "harness allocation");
    trace_bus_subscribe(bus, text_sink_as_sink(text));
    checker check = {0};
    trace_bus_subscribe(bus, (trace_sink){checker_emit, &check});

    if (builder_build(t, net, &err) == 0) {
        sim_status status = sim_run(s, SIM_FOREVER, FUZZ_MAX_EVENTS);
        FUZZ_CHECK(sim_events_run(s) <= FUZZ_MAX_EVENTS, "the event limit holds");
        FUZZ_CHECK(status != SIM_MAX_EVENTS || sim_events_run(s) == FUZZ_MAX_EVENTS,
                   "a run stopped by the limit ran exactly the limit");
    } else {
        FUZZ_CHECK(err.message[0] != '\0', "a build error has a message");
    }

    network_free(net);
    text_sink_free(text);
    trace_bus_free(bus);
    sim_free(s);
    model_free(t);
    return 0;
}
