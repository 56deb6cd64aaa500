/*
 * udp: UDP sockets on an ip_stack (RFC 768; RFC 1122 section 4.1).
 *
 * Each stack keeps its sockets in a udp_table, created on first bind: a map
 * from local port to socket. A socket listens on every address of its host
 * (bind to 0.0.0.0), so the port alone finds it. Ephemeral ports are drawn
 * from the run's seeded generator, uniformly in 32768-60999 (Linux's
 * ip_local_port_range) or the host's own range, then the next free one
 * upwards if that is taken, so a run is reproducible from its seed.
 *
 * Input: a datagram whose checksum fails is dropped (traced); one for a bound
 * port is traced as delivered and handed to the socket's callback; any other
 * is answered with ICMP port unreachable (RFC 1122 4.1.3.1) and dropped.
 *
 * Invariants: the table holds exactly the open sockets; a socket's port is in
 * the table until udp_close; sockets are freed by udp_close or
 * udp_destroy_all, never by anyone else.
 */
#include "stack/udp.h"
#include "util/alloc.h"

#include <stdlib.h>
#include <string.h>

#include "stack/internal.h"
#include "stack/nat.h"
#include "util/i18n.h"
#include "wire/ethernet.h"
#include "wire/icmp.h"
#include "wire/ipv4.h"
#include "wire/udp.h"
#include "wire/wire.h"

/* The most data one datagram can carry here: the IPv4 total length is 16
 * bits, and a frame (Ethernet header included) must fit a frame's 16-bit
 * length. */

struct udp_socket {
    ip_stack *st;
    uint16_t port;
    udp_receive_fn fn;
    void *ctx;
    uint32_t rx_iface; /* of the datagram being delivered */
    ipv4_addr rx_dst;
};

struct udp_table {
    u64map *by_port; /* local port -> udp_socket * */
    uint16_t ephemeral_lo, ephemeral_hi;
};

static struct udp_table *udp_table_get(ip_stack *st) {
    if (!st->udp) {
        st->udp = calloc(1, sizeof *st->udp);
        if (!st->udp)
            ns_out_of_memory();
        st->udp->by_port = u64map_new(sizeof(udp_socket *));
        if (!st->udp->by_port)
            ns_out_of_memory();
        st->udp->ephemeral_lo = UDP_EPHEMERAL_LOW;
        st->udp->ephemeral_hi = UDP_EPHEMERAL_HIGH;
    }
    return st->udp;
}

static udp_socket *udp_socket_find(const ip_stack *st, uint16_t port_number) {
    if (!st->udp)
        return NULL;
    udp_socket **slot = u64map_get(st->udp->by_port, port_number);
    return slot ? *slot : NULL;
}

bool udp_port_bound(const ip_stack *st, uint16_t port_number) {
    return udp_socket_find(st, port_number) != NULL;
}

/* A free port in the ephemeral range, starting from a seeded random draw;
 * 0 if every port of the range is bound. On a NAT box a port that is some
 * mapping's outside port is not free either: the replies to it would be
 * translated to the inside (Linux's conntrack keeps the two apart). */
static uint16_t udp_pick_ephemeral(ip_stack *st) {
    uint16_t lo, hi;
    udp_ephemeral_range(st, &lo, &hi);
    const uint32_t span = (uint32_t)hi - lo + 1;
    uint32_t start = (uint32_t)rng_below(sim_rng(st->node->net->sim), span);
    for (uint32_t i = 0; i < span; i++) {
        uint16_t port_number = (uint16_t)(lo + (start + i) % span);
        if (!udp_socket_find(st, port_number) &&
            !(st->nat && nat_port_mapped(st->nat, IPPROTO_UDP_NUM, port_number)))
            return port_number;
    }
    return 0;
}

int udp_bind(ip_stack *st, uint16_t local_port, udp_receive_fn fn, void *ctx, udp_socket **out) {
    if (local_port == 0) {
        local_port = udp_pick_ephemeral(st);
        if (local_port == 0) {
            net_trace_drop(st->node->net, st->node, NULL, NULL, TRACE_REASON_NO_EPHEMERAL_PORT,
                           _("no free ephemeral UDP port (EAGAIN)"));
            return IP_ERR_AGAIN;
        }
    } else if (udp_socket_find(st, local_port)) {
        return IP_ERR_ADDRINUSE;
    }
    udp_socket *s = calloc(1, sizeof *s);
    if (!s)
        ns_out_of_memory();
    s->st = st;
    s->port = local_port;
    s->fn = fn;
    s->ctx = ctx;
    udp_socket **slot = u64map_put(udp_table_get(st)->by_port, local_port, NULL);
    *slot = s;
    *out = s;
    return 0;
}

void udp_set_ephemeral_range(ip_stack *st, uint16_t lo, uint16_t hi) {
    struct udp_table *t = udp_table_get(st);
    t->ephemeral_lo = lo <= hi ? lo : hi;
    t->ephemeral_hi = lo <= hi ? hi : lo;
}

void udp_ephemeral_range(const ip_stack *st, uint16_t *lo, uint16_t *hi) {
    *lo = st->udp ? st->udp->ephemeral_lo : UDP_EPHEMERAL_LOW;
    *hi = st->udp ? st->udp->ephemeral_hi : UDP_EPHEMERAL_HIGH;
}

/* A datagram of `len` data bytes from s's port, its checksum over the given
 * addresses; NULL (traced) when it is too long for one frame. Caller frees. */
static uint8_t *udp_build(udp_socket *s, ipv4_addr src, ipv4_addr dst, uint16_t dst_port,
                          const uint8_t *data, size_t len) {
    ip_stack *st = s->st;
    if (len > UDP_MAX_DATA) {
        char why[192];
        snprintf(why, sizeof why, _("UDP datagram of %zu bytes is too long (at most %d: EMSGSIZE)"),
                 len, UDP_MAX_DATA);
        net_trace_drop(st->node->net, st->node, NULL, NULL, TRACE_REASON_MESSAGE_TOO_LONG, why);
        return NULL;
    }
    uint8_t *dgram = malloc(UDP_HEADER_LEN + len);
    if (!dgram)
        ns_out_of_memory();
    if (len)
        memcpy(dgram + UDP_HEADER_LEN, data, len);
    udp_header h = {.src_port = s->port, .dst_port = dst_port};
    udp_emit(&h, dgram, UDP_HEADER_LEN + len, src, dst);
    return dgram;
}

int udp_sendto(udp_socket *s, ipv4_addr dst, uint16_t dst_port, const uint8_t *data, size_t len) {
    /* The checksum covers the source address: the route that gives it is
     * looked up here, once, and the packet then leaves along it. */
    ip_send_route r = ip_stack_route_for(s->st, dst);
    uint8_t *dgram = udp_build(s, r.src, dst, dst_port, data, len);
    if (!dgram)
        return IP_ERR_MSGSIZE;
    int rc =
        ip_stack_send_routed(s->st, &r, dst, IPPROTO_UDP_NUM, dgram, UDP_HEADER_LEN + len, 0, NULL);
    free(dgram);
    return rc;
}

int udp_sendto_on(udp_socket *s, uint32_t iface, ipv4_addr src, ipv4_addr dst, uint16_t dst_port,
                  const uint8_t *data, size_t len) {
    uint8_t *dgram = udp_build(s, src, dst, dst_port, data, len);
    if (!dgram)
        return IP_ERR_MSGSIZE;
    int rc = ip_stack_send_on(s->st, iface, src, dst, IPPROTO_UDP_NUM, dgram, UDP_HEADER_LEN + len,
                              0, NULL);
    free(dgram);
    return rc;
}

uint32_t udp_rx_iface(const udp_socket *s) {
    return s->rx_iface;
}

ipv4_addr udp_rx_dst(const udp_socket *s) {
    return s->rx_dst;
}

void udp_close(udp_socket *s) {
    if (!s)
        return;
    u64map_remove(s->st->udp->by_port, s->port);
    free(s);
}

uint16_t udp_local_port(const udp_socket *s) {
    return s->port;
}

static const port *udp_port_of(const ip_stack *st, uint32_t iface) {
    return iface < st->n_ifaces ? st->ifaces[iface].port : &ip_loopback_port;
}

static void udp_drop(ip_stack *st, uint32_t iface, frame *f, trace_reason reason, const char *why) {
    net_trace_drop(st->node->net, st->node, udp_port_of(st, iface), f, reason, why);
    frame_free(f);
}

void udp_input(ip_stack *st, uint32_t iface, frame *f, const ipv4_header *h) {
    char why[128];
    const uint8_t *ip = f->data + ETH_HEADER_LEN;
    const ipv4_header ih = *h;
    udp_header uh;
    int rc =
        udp_parse(ip + ih.header_len, (size_t)ih.total_len - ih.header_len, ih.src, ih.dst, &uh);
    if (rc != WIRE_OK) {
        snprintf(why, sizeof why, _("bad UDP datagram (%s)"), _(wire_strerror(rc)));
        udp_drop(st, iface, f, stack_wire_reason(rc), why);
        return;
    }
    udp_socket *s = udp_socket_find(st, uh.dst_port);
    if (!s) {
        snprintf(why, sizeof why, _("no socket on UDP port %u"), uh.dst_port);
        /* RFC 1122 4.1.3.1: port unreachable, traced after the drop it follows. */
        stack_drop_and_report(st, udp_port_of(st, iface), f, h, TRACE_REASON_NO_SOCKET, why,
                              ICMP_DEST_UNREACHABLE, ICMP_UNREACH_PORT);
        return;
    }
    if (net_tracing(st->node->net)) { /* every datagram: no text when nobody reads it */
        snprintf(why, sizeof why, _("datagram for UDP port %u"), uh.dst_port);
        net_trace(st->node->net, TRACE_DELIVER, st->node, udp_port_of(st, iface), f, why, NULL);
    }
    /* The callback may close the socket: `s` is not used after it. */
    s->rx_iface = iface;
    s->rx_dst = ih.dst;
    if (s->fn)
        s->fn(s->ctx, s, ih.src, uh.src_port, ip + ih.header_len + UDP_HEADER_LEN,
              (size_t)uh.length - UDP_HEADER_LEN);
    frame_free(f);
}

static int udp_by_port(const void *pa, const void *pb) {
    const udp_socket *a = *(const udp_socket *const *)pa, *b = *(const udp_socket *const *)pb;
    return (int)a->port - (int)b->port;
}

void udp_table_rows(const ip_stack *st, ip_table_row_fn fn, void *ctx) {
    size_t cursor = 0;
    uint64_t key;
    udp_socket **slot;
    while (st->udp && (slot = u64map_next(st->udp->by_port, &cursor, &key))) {
        char local[24];
        snprintf(local, sizeof local, "0.0.0.0:%u", (*slot)->port);
        fn(ctx, "udp", local, "*:*");
    }
}

/* The sockets sorted by port (NULL when there are none); caller frees. */
static const udp_socket **sorted_sockets(const ip_stack *st, size_t *count) {
    size_t n = st->udp ? u64map_size(st->udp->by_port) : 0;
    *count = n;
    if (n == 0)
        return NULL;
    const udp_socket **sorted = malloc(n * sizeof *sorted);
    if (!sorted)
        ns_out_of_memory();
    size_t cursor = 0, k = 0;
    uint64_t key;
    udp_socket **slot;
    while ((slot = u64map_next(st->udp->by_port, &cursor, &key)))
        sorted[k++] = *slot;
    qsort(sorted, n, sizeof *sorted, udp_by_port);
    return sorted;
}

void udp_show_rows(const ip_stack *st, trace_rows *rows) {
    size_t n;
    const udp_socket **sorted = sorted_sockets(st, &n);
    for (size_t i = 0; i < n; i++) {
        trace_rows_begin(rows);
        trace_rows_add(rows, "proto", "udp");
        trace_rows_add(rows, "recv_q", "0");
        trace_rows_add(rows, "send_q", "0");
        trace_rows_add(rows, "local", "0.0.0.0:%u", sorted[i]->port);
        trace_rows_add(rows, "foreign", "0.0.0.0:*");
    }
    free(sorted);
}

void udp_write_state(const ip_stack *st, FILE *out) {
    size_t n;
    const udp_socket **sorted = sorted_sockets(st, &n);
    if (n == 0)
        return;
    fprintf(out, "  udp sockets:\n");
    fprintf(out, "    %-5s %-23s %s\n", "Proto", "Local Address", "Foreign Address");
    for (size_t i = 0; i < n; i++) {
        char local[24];
        snprintf(local, sizeof local, "0.0.0.0:%u", sorted[i]->port);
        fprintf(out, "    %-5s %-23s %s\n", "udp", local, "*:*");
    }
    free(sorted);
}

void udp_destroy_all(ip_stack *st) {
    if (!st->udp)
        return;
    size_t cursor = 0;
    uint64_t key;
    udp_socket **slot;
    while ((slot = u64map_next(st->udp->by_port, &cursor, &key)))
        free(*slot);
    u64map_free(st->udp->by_port);
    free(st->udp);
    st->udp = NULL;
}
