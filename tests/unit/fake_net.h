/*
 * fake_net: what the device tests share, after lwIP's test/unit: a fixture
 * (engine, trace bus, network) whose teardown frees everything so that
 * LeakSanitizer fails the run if anything is still allocated; a trace sink
 * that copies every event it sees (strings and frame bytes) so tests can
 * assert on the exact sequence; fake nodes whose receive() records every frame
 * they get (and may answer ARP requests for their addresses), through which a
 * test injects exact frames; and frame builders over the wire emit functions.
 *
 * Header-only and every function `static inline`, so a test that uses only
 * part of it compiles without unused-function warnings. Not named test_*.c:
 * each of those becomes an executable.
 */
#ifndef NETSIM_TESTS_UNIT_FAKE_NET_H
#define NETSIM_TESTS_UNIT_FAKE_NET_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "devices/devices.h"
#include "engine/sim.h"
#include "model/topology.h"
#include "net/frame.h"
#include "net/network.h"
#include "trace/trace.h"
#include "wire/addr.h"
#include "wire/arp.h"
#include "wire/ethernet.h"
#include "wire/icmp.h"
#include "wire/ipv4.h"
#include "wire/wire.h"

/* Link defaults for tests: 1 µs, 100 Mbit/s, 100 frames of queue. A 60-byte
 * frame then takes (60 + 24) * 8 bits / 100 Mbit/s = 6720 ns to serialize and
 * arrives 7720 ns after it was sent on an idle link. */
#define FAKE_DELAY  (1 * SIM_US)
#define FAKE_BPS    100000000ULL
#define FAKE_QUEUE  100
#define FAKE_HOP_60 ((sim_time)7720)

#define FAKE_MAX_PORTS 8

#define MAC(a, b, c, d, e, f)                                                                      \
    ((mac_addr){                                                                                   \
        {(uint8_t)(a), (uint8_t)(b), (uint8_t)(c), (uint8_t)(d), (uint8_t)(e), (uint8_t)(f)}})
#define IP4(a, b, c, d)                                                                            \
    ((ipv4_addr)(((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) |            \
                 (uint32_t)(d)))

/* --- capture sink --- */

typedef struct cap_event {
    sim_time time;
    trace_kind kind;
    char *device, *port, *why, *detail; /* NULL when the event had none */
    int link;
    uint32_t packet_id;
    uint8_t *frame; /* copy of the bytes, or NULL */
    size_t frame_len;
    /* the typed facts, copied */
    trace_reason reason;
    char *tx_device, *tx_port, *rx_device, *rx_port;
    int tx_side;
    trace_table_id table;
    char *key, *old_value, *new_value;
    bool has_ttl;
    uint8_t ttl_old, ttl_new;
    char *route;
    trace_translation translation;
    char *result; /* "program=ping event=reply from=10.0.0.2 ...", or NULL */
    bool retransmission;
} cap_event;

typedef struct capture {
    cap_event *ev;
    size_t n, cap;
} capture;

static inline char *fake_strdup(const char *s) {
    if (!s)
        return NULL;
    size_t len = strlen(s) + 1;
    char *c = malloc(len);
    if (!c)
        abort();
    memcpy(c, s, len);
    return c;
}

static inline bool fake_streq(const char *a, const char *b) {
    if (!a || !b)
        return a == b;
    return strcmp(a, b) == 0;
}

/* A result row as "name=value name=value ...". */
static inline char *fake_result_text(const trace_row *r) {
    if (!r)
        return NULL;
    size_t len = 1;
    for (size_t i = 0; i < r->n_fields; i++)
        len += strlen(r->fields[i].name) + strlen(r->fields[i].value) + 2;
    char *s = malloc(len), *p = s;
    if (!s)
        abort();
    for (size_t i = 0; i < r->n_fields; i++)
        p += sprintf(p, "%s%s=%s", i ? " " : "", r->fields[i].name, r->fields[i].value);
    *p = '\0';
    return s;
}

static inline void capture_emit(void *self, const trace_event *ev) {
    capture *c = self;
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 64;
        c->ev = realloc(c->ev, c->cap * sizeof *c->ev);
        if (!c->ev)
            abort();
    }
    cap_event *e = &c->ev[c->n++];
    memset(e, 0, sizeof *e);
    e->time = ev->time;
    e->kind = ev->kind;
    e->device = fake_strdup(ev->device);
    e->port = fake_strdup(ev->port);
    e->why = fake_strdup(ev->why);
    e->detail = fake_strdup(ev->detail);
    e->link = ev->link;
    e->packet_id = ev->packet_id;
    e->reason = ev->reason;
    e->tx_device = fake_strdup(ev->wire.tx_device);
    e->tx_port = fake_strdup(ev->wire.tx_port);
    e->rx_device = fake_strdup(ev->wire.rx_device);
    e->rx_port = fake_strdup(ev->wire.rx_port);
    e->tx_side = ev->wire.tx_side;
    e->table = ev->change.table;
    e->key = fake_strdup(ev->change.key);
    e->old_value = fake_strdup(ev->change.old_value);
    e->new_value = fake_strdup(ev->change.new_value);
    e->has_ttl = ev->has_ttl;
    e->ttl_old = ev->ttl_old;
    e->ttl_new = ev->ttl_new;
    e->route = fake_strdup(ev->route);
    e->translation = ev->translation;
    e->result = fake_result_text(ev->result);
    e->retransmission = ev->retransmission;
    if (ev->frame) {
        e->frame = malloc(ev->frame_len ? ev->frame_len : 1);
        if (!e->frame)
            abort();
        memcpy(e->frame, ev->frame, ev->frame_len);
        e->frame_len = ev->frame_len;
    }
}

static inline void capture_clear(capture *c) {
    for (size_t i = 0; i < c->n; i++) {
        free(c->ev[i].device);
        free(c->ev[i].port);
        free(c->ev[i].why);
        free(c->ev[i].detail);
        free(c->ev[i].frame);
        free(c->ev[i].tx_device);
        free(c->ev[i].tx_port);
        free(c->ev[i].rx_device);
        free(c->ev[i].rx_port);
        free(c->ev[i].key);
        free(c->ev[i].old_value);
        free(c->ev[i].new_value);
        free(c->ev[i].route);
        free(c->ev[i].result);
    }
    c->n = 0;
}

static inline void capture_free(capture *c) {
    capture_clear(c);
    free(c->ev);
    c->ev = NULL;
    c->cap = 0;
}

/* Whether `e` is of `kind` and (when non-NULL) by `device`. */
static inline bool cap_match(const cap_event *e, trace_kind kind, const char *device) {
    return e->kind == kind && (!device || fake_streq(e->device, device));
}

static inline size_t cap_count(const capture *c, trace_kind kind, const char *device) {
    size_t k = 0;
    for (size_t i = 0; i < c->n; i++)
        k += cap_match(&c->ev[i], kind, device);
    return k;
}

/* The nth (from 0) event of `kind` by `device` (any device when NULL), or NULL. */
static inline const cap_event *cap_nth(const capture *c, trace_kind kind, const char *device,
                                       size_t nth) {
    for (size_t i = 0; i < c->n; i++)
        if (cap_match(&c->ev[i], kind, device) && nth-- == 0)
            return &c->ev[i];
    return NULL;
}

/* Events of `kind` by `device` whose why is exactly `why`. */
static inline size_t cap_count_why(const capture *c, trace_kind kind, const char *device,
                                   const char *why) {
    size_t k = 0;
    for (size_t i = 0; i < c->n; i++)
        k += cap_match(&c->ev[i], kind, device) && fake_streq(c->ev[i].why, why);
    return k;
}

static inline const cap_event *cap_find_why(const capture *c, trace_kind kind, const char *device,
                                            const char *why) {
    for (size_t i = 0; i < c->n; i++)
        if (cap_match(&c->ev[i], kind, device) && fake_streq(c->ev[i].why, why))
            return &c->ev[i];
    return NULL;
}

/* The first event of `device` whose result (fake_result_text) is `result`. */
static inline const cap_event *cap_find_result(const capture *c, const char *device,
                                               const char *result) {
    for (size_t i = 0; i < c->n; i++)
        if (c->ev[i].kind == TRACE_APP && fake_streq(c->ev[i].device, device) &&
            fake_streq(c->ev[i].result, result))
            return &c->ev[i];
    return NULL;
}

static inline const cap_event *cap_find_detail(const capture *c, trace_kind kind,
                                               const char *device, const char *detail) {
    for (size_t i = 0; i < c->n; i++)
        if (cap_match(&c->ev[i], kind, device) && fake_streq(c->ev[i].detail, detail))
            return &c->ev[i];
    return NULL;
}

/* The position of `e` (from cap_nth and friends) in the capture, to check the
 * order of events. */
static inline size_t cap_index(const capture *c, const cap_event *e) {
    assert_non_null(e);
    return (size_t)(e - c->ev);
}

/* The first event of `kind` by `device` at or after position `from`, or NULL. */
static inline const cap_event *cap_next(const capture *c, trace_kind kind, const char *device,
                                        size_t from) {
    for (size_t i = from; i < c->n; i++)
        if (cap_match(&c->ev[i], kind, device))
            return &c->ev[i];
    return NULL;
}

/* assert_string_equal for strings that may be NULL (cmocka's crashes on NULL). */
#define assert_text(got, want)                                                                     \
    do {                                                                                           \
        const char *got_ = (got), *want_ = (want);                                                 \
        if (!fake_streq(got_, want_))                                                              \
            fail_msg("got \"%s\", want \"%s\"", got_ ? got_ : "(null)", want_ ? want_ : "(null)"); \
    } while (0)

/* --- fixture --- */

typedef struct fake_net {
    sim *sim;
    trace_bus *bus;
    network *net;
    capture cap;
} fake_net;

static inline fake_net *fake_net_new(uint64_t seed) {
    fake_net *fx = calloc(1, sizeof *fx);
    if (!fx)
        abort();
    fx->sim = sim_new(seed);
    fx->bus = trace_bus_new();
    if (!fx->sim || !fx->bus)
        abort();
    trace_bus_subscribe(fx->bus, (trace_sink){.emit = capture_emit, .self = &fx->cap});
    fx->net = network_new(fx->sim, fx->bus);
    return fx;
}

/* Frees the network (its nodes, links, queued frames), then the engine (whose
 * pending events drop the frames they carry), the bus and the capture. */
static inline void fake_net_free(fake_net *fx) {
    if (!fx)
        return;
    network_free(fx->net);
    sim_free(fx->sim);
    trace_bus_free(fx->bus);
    capture_free(&fx->cap);
    free(fx);
}

/* cmocka setup/teardown for tests that take a fresh fixture with seed 1. */
static inline int fake_setup(void **state) {
    *state = fake_net_new(1);
    return 0;
}

static inline int fake_teardown(void **state) {
    fake_net_free(*state);
    return 0;
}

/* --- model helpers --- */

static inline model_iface fake_iface(const char *name, mac_addr mac, ipv4_addr ip, int prefix_len) {
    model_iface i = {.name = (char *)name, .mac = mac, .has_ip = ip != 0, .ip = ip};
    i.prefix_len = ip ? prefix_len : 0;
    return i;
}

/* A device with the loader's defaults: TTL 64, MAC aging 300 s, ARP entries
 * 60 s, requests 1 s apart, 3 requests, 3 queued packets. */
static inline model_device fake_device(const char *name, device_type type, model_iface *ifaces,
                                       size_t n_ifaces) {
    model_device d = {
        .name = (char *)name,
        .type = type,
        .ifaces = ifaces,
        .n_ifaces = n_ifaces,
        .ttl = 64,
        .mac_aging_ns = 300 * SIM_S,
        .arp_timeout_ns = 60 * SIM_S,
        .arp_retry_ns = 1 * SIM_S,
        .arp_retries = 3,
        .arp_queue = 3,
    };
    return d;
}

static inline link *fake_link(fake_net *fx, port *a, port *b) {
    return network_connect(fx->net, a, b, FAKE_DELAY, FAKE_BPS, FAKE_QUEUE);
}

static inline void fake_build(fake_net *fx) {
    char message[512] = "";
    int rc = network_build_segments(fx->net, message, sizeof message);
    if (rc != 0)
        fail_msg("network_build_segments: %s", message);
}

/* --- fake nodes --- */

typedef struct fake_rx {
    sim_time time;
    uint32_t port; /* index of the receiving port */
    uint32_t packet_id;
    uint8_t *data;
    size_t len;
} fake_rx;

typedef struct fake_node {
    node base; /* first: a node* is a fake_node* */
    model_iface ifaces[FAKE_MAX_PORTS];
    char names[FAKE_MAX_PORTS][16];
    ipv4_addr ip[FAKE_MAX_PORTS]; /* answered in ARP when answer_arp is set */
    bool answer_arp;
    fake_rx *rx;
    size_t n_rx, cap_rx;
} fake_node;

static inline frame *fake_arp_frame(fake_net *fx, mac_addr eth_dst, mac_addr eth_src, uint16_t op,
                                    mac_addr sha, ipv4_addr spa, mac_addr tha, ipv4_addr tpa);

/* Records the frame; answers an ARP request for one of its addresses (when
 * told to) out of the port it came in on; frees the frame. */
static inline void fake_node_receive(node *n, port *in, frame *f) {
    fake_node *fn = (fake_node *)n;
    if (fn->n_rx == fn->cap_rx) {
        fn->cap_rx = fn->cap_rx ? fn->cap_rx * 2 : 16;
        fn->rx = realloc(fn->rx, fn->cap_rx * sizeof *fn->rx);
        if (!fn->rx)
            abort();
    }
    fake_rx *r = &fn->rx[fn->n_rx++];
    r->time = sim_now(n->net->sim);
    r->port = in->index;
    r->packet_id = f->packet_id;
    r->len = f->len;
    r->data = malloc(f->len ? f->len : 1);
    if (!r->data)
        abort();
    memcpy(r->data, f->data, f->len);
    arp_packet ap;
    if (fn->answer_arp && f->len >= ETH_HEADER_LEN + ARP_PACKET_LEN &&
        wire_get16(f->data + 12) == ETHERTYPE_ARP &&
        arp_parse(f->data + ETH_HEADER_LEN, f->len - ETH_HEADER_LEN, &ap) == WIRE_OK &&
        ap.op == ARP_OP_REQUEST && fn->ip[in->index] && ap.target_ip == fn->ip[in->index]) {
        frame *reply = fake_arp_frame(NULL, ap.sender_mac, in->mac, ARP_OP_REPLY, in->mac,
                                      fn->ip[in->index], ap.sender_mac, ap.sender_ip);
        reply->packet_id = network_new_packet_id(n->net);
        port_send(in, reply);
    }
    frame_free(f);
}

static inline void fake_node_destroy(node *n) {
    fake_node *fn = (fake_node *)n;
    for (size_t i = 0; i < fn->n_rx; i++)
        free(fn->rx[i].data);
    free(fn->rx);
    free(fn);
}

/* A fake node named `name` (borrowed) with ports eth0.. whose MACs are `mac`,
 * then `mac` with the last byte plus 1, ...; added to the network. */
static inline fake_node *fake_node_new(fake_net *fx, const char *name, uint32_t n_ports,
                                       mac_addr mac) {
    assert_true(n_ports >= 1 && n_ports <= FAKE_MAX_PORTS);
    fake_node *fn = calloc(1, sizeof *fn);
    if (!fn)
        abort();
    for (uint32_t i = 0; i < n_ports; i++) {
        snprintf(fn->names[i], sizeof fn->names[i], "eth%u", i);
        fn->ifaces[i].name = fn->names[i];
        fn->ifaces[i].mac = mac;
        fn->ifaces[i].mac.b[5] = (uint8_t)(mac.b[5] + i);
    }
    fn->base.name = name;
    fn->base.type = DEVICE_HOST;
    static const node_ops fake_node_ops = {
        .receive = fake_node_receive,
        .write_state = NULL,
        .destroy = fake_node_destroy,
    };
    fn->base.ops = &fake_node_ops;
    node_init_ports(&fn->base, fn->ifaces, n_ports);
    network_add_node(fx->net, &fn->base);
    return fn;
}

static inline port *fake_port(fake_node *fn, uint32_t i) {
    return &fn->base.ports[i];
}

/* Frames received, optionally only those with `ethertype` (0: all). */
static inline size_t fake_rx_count(const fake_node *fn, uint16_t ethertype) {
    size_t k = 0;
    for (size_t i = 0; i < fn->n_rx; i++)
        k += !ethertype || wire_get16(fn->rx[i].data + 12) == ethertype;
    return k;
}

/* The nth (from 0) received frame with `ethertype` (0: any), or NULL. */
static inline const fake_rx *fake_rx_nth(const fake_node *fn, uint16_t ethertype, size_t nth) {
    for (size_t i = 0; i < fn->n_rx; i++)
        if ((!ethertype || wire_get16(fn->rx[i].data + 12) == ethertype) && nth-- == 0)
            return &fn->rx[i];
    return NULL;
}

/* --- frames --- */

/* A frame of ETH header + payload, padded with zeros to 60 bytes; it gets a
 * new packet id when `fx` is non-NULL (else 0). */
static inline frame *fake_eth_frame(fake_net *fx, mac_addr dst, mac_addr src, uint16_t ethertype,
                                    const uint8_t *payload, size_t len) {
    size_t flen = ETH_HEADER_LEN + len;
    frame *f = frame_new(flen < ETH_MIN_FRAME_LEN ? ETH_MIN_FRAME_LEN : flen);
    eth_header eh = {.dst = dst, .src = src, .ethertype = ethertype};
    eth_emit(&eh, f->data);
    if (len)
        memcpy(f->data + ETH_HEADER_LEN, payload, len);
    if (fx)
        f->packet_id = network_new_packet_id(fx->net);
    return f;
}

static inline frame *fake_arp_frame(fake_net *fx, mac_addr eth_dst, mac_addr eth_src, uint16_t op,
                                    mac_addr sha, ipv4_addr spa, mac_addr tha, ipv4_addr tpa) {
    uint8_t buf[ARP_PACKET_LEN];
    arp_packet ap = {
        .op = op, .sender_mac = sha, .sender_ip = spa, .target_mac = tha, .target_ip = tpa};
    arp_emit(&ap, buf);
    return fake_eth_frame(fx, eth_dst, eth_src, ETHERTYPE_ARP, buf, sizeof buf);
}

/* An IPv4 packet with header `h` (total_len and header_len are set here)
 * carrying `payload`. */
static inline frame *fake_ipv4_frame_h(fake_net *fx, mac_addr eth_dst, mac_addr eth_src,
                                       ipv4_header h, const uint8_t *payload, size_t len) {
    uint8_t buf[IPV4_HEADER_LEN + 1480];
    assert_true(len <= 1480);
    h.header_len = IPV4_HEADER_LEN;
    h.total_len = (uint16_t)(IPV4_HEADER_LEN + len);
    ipv4_emit(&h, buf);
    if (len)
        memcpy(buf + IPV4_HEADER_LEN, payload, len);
    return fake_eth_frame(fx, eth_dst, eth_src, ETHERTYPE_IPV4, buf, IPV4_HEADER_LEN + len);
}

/* An IPv4 packet (20-byte header, DF, id 0x1234) carrying `payload`. */
static inline frame *fake_ipv4_frame(fake_net *fx, mac_addr eth_dst, mac_addr eth_src,
                                     ipv4_addr src, ipv4_addr dst, uint8_t ttl, uint8_t protocol,
                                     const uint8_t *payload, size_t len) {
    ipv4_header h = {.id = 0x1234,
                     .dont_fragment = true,
                     .ttl = ttl,
                     .protocol = protocol,
                     .src = src,
                     .dst = dst};
    return fake_ipv4_frame_h(fx, eth_dst, eth_src, h, payload, len);
}

/* An ICMP echo request with `data_len` data bytes counting up from 0x10. */
static inline frame *fake_echo_frame(fake_net *fx, mac_addr eth_dst, mac_addr eth_src,
                                     ipv4_addr src, ipv4_addr dst, uint8_t ttl, uint16_t id,
                                     uint16_t seq, size_t data_len) {
    uint8_t msg[ICMP_HEADER_LEN + 256];
    assert_true(data_len <= 256);
    for (size_t i = 0; i < data_len; i++)
        msg[ICMP_HEADER_LEN + i] = (uint8_t)(0x10 + i);
    icmp_header ih = {.type = ICMP_ECHO_REQUEST, .id = id, .seq = seq};
    icmp_emit(&ih, msg, ICMP_HEADER_LEN + data_len);
    return fake_ipv4_frame(fx, eth_dst, eth_src, src, dst, ttl, IPPROTO_ICMP_NUM, msg,
                           ICMP_HEADER_LEN + data_len);
}

/* --- injection at a given time --- */

static inline void fake_send_event(sim *s, void *a, void *b) {
    (void)s;
    port_send(a, b);
}

/* Sends `f` (consumed) out of `p` at absolute time `at`; freed if never sent. */
static inline void fake_send_at(fake_net *fx, port *p, frame *f, sim_time at) {
    sim_schedule_at(fx->sim, at, fake_send_event, p, f, frame_drop);
}

/* Runs to completion (bounded, so a bug cannot hang the test). */
static inline sim_status fake_run(fake_net *fx) {
    return sim_run(fx->sim, 3600 * SIM_S, 1000000);
}

/* Asserts that `len` bytes at `got` equal `want`, naming the first difference. */
static inline void fake_assert_bytes(const uint8_t *got, size_t got_len, const uint8_t *want,
                                     size_t want_len) {
    assert_int_equal(got_len, want_len);
    for (size_t i = 0; i < want_len; i++)
        if (got[i] != want[i])
            fail_msg("byte %zu: got 0x%02x, want 0x%02x", i, got[i], want[i]);
}

#endif
