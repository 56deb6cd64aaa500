/*
 * nat: NAPT with endpoint-independent mapping; see the header. A mapping is
 * stored twice: by its inside endpoint (protocol, ip, port) and by its outside
 * port. Timers refer to mappings by key, never by pointer: the maps move their
 * storage as they grow.
 */
#include "stack/nat.h"
#include "util/alloc.h"

#include <stdlib.h>
#include <string.h>

#include "stack/internal.h"
#include "util/i18n.h"
#include "util/u64map.h"
#include "wire/checksum.h"
#include "wire/ethernet.h"
#include "wire/icmp.h"
#include "wire/ipv4.h"
#include "wire/tcp.h"
#include "wire/udp.h"
#include "wire/wire.h"

#define PORT_LOW  1024 /* ports allocated when the inside port is taken */
#define PORT_HIGH 65535

/* What a mapping is, which decides how its packets are explained: traffic
 * from the inside opens a dynamic or pinned mapping (source NAT; what comes
 * back is the reply), while a port forward is opened from the outside
 * (destination NAT; what the inside server sends back is the reply). Pinned
 * mappings and port forwards never expire. */
typedef enum {
    MAPPING_DYNAMIC, /* made by the first packet from the inside; expires when idle */
    MAPPING_PINNED,  /* "pin": an inside endpoint that always leaves as one port */
    MAPPING_FORWARD, /* "forward": an outside port published to an inside server */
} mapping_kind;

typedef struct mapping {
    uint8_t protocol;
    ipv4_addr inside_ip;
    uint16_t inside_port; /* TCP/UDP port, or ICMP echo identifier */
    uint16_t outside_port;
    mapping_kind kind;
    bool seen_out, seen_in, closing;
    /* The first flow through the mapping, for `show nat` (conntrack's
     * tuples): the remote endpoint, and who sent first. */
    bool has_remote, from_inside;
    ipv4_addr remote_ip;
    uint16_t remote_port; /* TCP/UDP; unused for ICMP */
    sim_time last_used, timer_at;
    sim_event_id timer;
} mapping;

struct nat {
    ip_stack *st;
    const model_nat *cfg;
    u64map *by_inside;  /* inside key -> mapping */
    u64map *by_outside; /* outside key -> inside key */
};

static uint64_t inside_key(uint8_t protocol, ipv4_addr ip, uint16_t l4port) {
    return (uint64_t)protocol << 48 | (uint64_t)ip << 16 | l4port;
}

static uint64_t outside_key(uint8_t protocol, uint16_t l4port) {
    return (uint64_t)protocol << 16 | l4port;
}

static const char *proto_name(uint8_t protocol) {
    return protocol == IPPROTO_TCP_NUM ? "tcp" : protocol == IPPROTO_UDP_NUM ? "udp" : "icmp";
}

static ipv4_addr outside_ip(const nat *n) {
    return n->st->ifaces[n->cfg->outside_iface].ip;
}

static sim_time now(const nat *n) {
    return sim_now(n->st->node->net->sim);
}

static sim_time timeout_of(const nat *n, const mapping *m) {
    if (m->protocol == IPPROTO_UDP_NUM)
        return n->cfg->udp_timeout_ns;
    if (m->protocol == IPPROTO_ICMP_NUM)
        return n->cfg->icmp_timeout_ns;
    bool established = m->seen_in && m->seen_out && !m->closing;
    return established ? n->cfg->tcp_established_ns : n->cfg->tcp_transitory_ns;
}

/* "tcp 192.168.1.2:6789 <-> 116.226.52.212:6539" */
static void describe_mapping(const nat *n, const mapping *m, char *buf, size_t cap) {
    char in[IPV4_TEXT_LEN], out[IPV4_TEXT_LEN];
    if (m->protocol == IPPROTO_ICMP_NUM)
        snprintf(buf, cap, "icmp %s id %u <-> %s id %u", ipv4_format(m->inside_ip, in),
                 m->inside_port, ipv4_format(outside_ip(n), out), m->outside_port);
    else
        snprintf(buf, cap, "%s %s:%u <-> %s:%u", proto_name(m->protocol),
                 ipv4_format(m->inside_ip, in), m->inside_port, ipv4_format(outside_ip(n), out),
                 m->outside_port);
}

/* "192.168.1.2:6789", or "192.168.1.2 id 5" for ICMP (an endpoint of a mapping). */
static const char *endpoint_text(uint8_t protocol, ipv4_addr ip, uint16_t l4port, char *buf,
                                 size_t cap) {
    char a[IPV4_ENDPOINT_TEXT_LEN];
    if (protocol == IPPROTO_ICMP_NUM)
        snprintf(buf, cap, "%s id %u", ipv4_format(ip, a), l4port);
    else
        snprintf(buf, cap, "%s", ipv4_format_endpoint(ip, l4port, a));
    return buf;
}

/* The key a mapping is traced under: "tcp 192.168.1.2:6789" (its inside endpoint). */
static const char *mapping_key(uint8_t protocol, ipv4_addr ip, uint16_t l4port, char *buf,
                               size_t cap) {
    char ep[40];
    snprintf(buf, cap, "%s %s", proto_name(protocol),
             endpoint_text(protocol, ip, l4port, ep, sizeof ep));
    return buf;
}

/* A mapping created (`added`) or removed: its outside endpoint is the value.
 * `why` is a msgid (N_), translated here. */
static void trace_table(nat *n, const char *why, const mapping *m, bool added) {
    char detail[128], key[64], outside[40];
    describe_mapping(n, m, detail, sizeof detail);
    trace_change c = {
        .table = TRACE_TABLE_NAT,
        .key = mapping_key(m->protocol, m->inside_ip, m->inside_port, key, sizeof key),
    };
    endpoint_text(m->protocol, outside_ip(n), m->outside_port, outside, sizeof outside);
    if (added)
        c.new_value = outside;
    else
        c.old_value = outside;
    net_trace_change(n->st->node->net, TRACE_TABLE, n->st->node,
                     n->st->ifaces[n->cfg->outside_iface].port, NULL, &c, _(why), detail);
}

static void remove_mapping(nat *n, uint64_t key) {
    mapping *m = u64map_get(n->by_inside, key);
    u64map_remove(n->by_outside, outside_key(m->protocol, m->outside_port));
    u64map_remove(n->by_inside, key);
}

static void on_timer(sim *s, void *a, void *b) {
    nat *n = a;
    uint64_t key = (uint64_t)(uintptr_t)b;
    mapping *m = u64map_get(n->by_inside, key);
    if (!m)
        return;
    sim_time deadline = m->last_used + timeout_of(n, m);
    m->timer = 0;
    if (sim_now(s) < deadline) {
        m->timer_at = deadline;
        m->timer = sim_schedule_at(s, deadline, on_timer, n, b, NULL);
        return;
    }
    trace_table(n, N_("NAT mapping expired (idle longer than its timeout)"), m, false);
    remove_mapping(n, key);
}

/* Marks the mapping used now and keeps its timer no later than its deadline. */
static void touch(nat *n, uint64_t key, mapping *m) {
    m->last_used = now(n);
    if (m->kind != MAPPING_DYNAMIC)
        return;
    sim_time deadline = m->last_used + timeout_of(n, m);
    if (m->timer && m->timer_at <= deadline)
        return; /* fires earlier and re-arms itself for the new deadline */
    sim *s = n->st->node->net->sim;
    sim_cancel(s, m->timer);
    m->timer_at = deadline;
    m->timer = sim_schedule_at(s, deadline, on_timer, n, (void *)(uintptr_t)key, NULL);
}

static mapping *add_mapping(nat *n, uint8_t protocol, ipv4_addr ip, uint16_t l4port,
                            uint16_t outside_port, mapping_kind kind) {
    uint64_t key = inside_key(protocol, ip, l4port);
    bool created;
    mapping *m = u64map_put(n->by_inside, key, &created);
    memset(m, 0, sizeof *m);
    m->protocol = protocol;
    m->inside_ip = ip;
    m->inside_port = l4port;
    m->outside_port = outside_port;
    m->kind = kind;
    uint64_t *back = u64map_put(n->by_outside, outside_key(protocol, outside_port), &created);
    *back = key;
    return m;
}

/* Whether the box's own sockets hold `l4port` (TCP, UDP; ICMP identifiers
 * are never the box's: its pings' replies find no mapping and stay local). */
static bool port_is_local(const nat *n, uint8_t protocol, uint16_t l4port) {
    if (protocol == IPPROTO_UDP_NUM)
        return udp_port_bound(n->st, l4port);
    if (protocol == IPPROTO_TCP_NUM)
        return tcp_port_bound(n->st, l4port);
    return false;
}

static bool port_is_free(const nat *n, uint8_t protocol, uint16_t l4port) {
    return !u64map_get(n->by_outside, outside_key(protocol, l4port)) &&
           !port_is_local(n, protocol, l4port);
}

bool nat_port_mapped(const nat *n, uint8_t protocol, uint16_t port_number) {
    return u64map_get(n->by_outside, outside_key(protocol, port_number)) != NULL;
}

/* Port preservation when the inside l4port is free outside; otherwise a port
 * drawn from the run's generator (RFC 4787 REQ-3 allows either). A port the
 * box's own sockets hold is not free. */
static bool choose_port(nat *n, uint8_t protocol, uint16_t wanted, uint16_t *out) {
    if (wanted >= PORT_LOW && port_is_free(n, protocol, wanted)) {
        *out = wanted;
        return true;
    }
    rng *r = sim_rng(n->st->node->net->sim);
    for (int tries = 0; tries < 1000; tries++) {
        uint16_t p = (uint16_t)(PORT_LOW + rng_below(r, PORT_HIGH - PORT_LOW + 1));
        if (port_is_free(n, protocol, p)) {
            *out = p;
            return true;
        }
    }
    return false;
}

nat *nat_new(ip_stack *st, const model_nat *cfg) {
    nat *n = calloc(1, sizeof *n);
    if (!n)
        ns_out_of_memory();
    n->st = st;
    n->cfg = cfg;
    n->by_inside = u64map_new(sizeof(mapping));
    n->by_outside = u64map_new(sizeof(uint64_t));
    if (!n->by_inside || !n->by_outside)
        ns_out_of_memory();
    for (size_t i = 0; i < cfg->n_pins; i++) {
        const model_nat_pin *p = &cfg->pins[i];
        add_mapping(n, p->protocol, p->inside_ip, p->inside_port, p->outside_port, MAPPING_PINNED);
    }
    for (size_t i = 0; i < cfg->n_forwards; i++) {
        const model_nat_forward *f = &cfg->forwards[i];
        add_mapping(n, f->protocol, f->inside_ip, f->inside_port, f->outside_port, MAPPING_FORWARD);
    }
    return n;
}

void nat_free(nat *n) {
    if (!n)
        return;
    u64map_free(n->by_inside);
    u64map_free(n->by_outside);
    free(n);
}

uint32_t nat_inside_iface(const nat *n) {
    return n->cfg->inside_iface;
}

uint32_t nat_outside_iface(const nat *n) {
    return n->cfg->outside_iface;
}

/* --- checksums --- */

/* RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'), for one 16-bit word that changed. */
static void checksum_adjust(uint8_t *field, uint16_t old_word, uint16_t new_word) {
    uint32_t sum = (uint16_t)~wire_get16(field);
    sum += (uint16_t)~old_word;
    sum += new_word;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    wire_put16(field, (uint16_t)~sum);
}

static void checksum_adjust32(uint8_t *field, uint32_t old_value, uint32_t new_value) {
    checksum_adjust(field, (uint16_t)(old_value >> 16), (uint16_t)(new_value >> 16));
    checksum_adjust(field, (uint16_t)old_value, (uint16_t)new_value);
}

/* Where the transport checksum sits, or -1 for a protocol without one here. */
static int checksum_offset(uint8_t protocol) {
    switch (protocol) {
    case IPPROTO_TCP_NUM:
        return TCP_OFF_CHECKSUM;
    case IPPROTO_UDP_NUM:
        return UDP_OFF_CHECKSUM;
    case IPPROTO_ICMP_NUM:
        return ICMP_OFF_CHECKSUM;
    default:
        return -1;
    }
}

/* Recomputes the IP header checksum and the whole transport checksum. */
static void fix_checksums(uint8_t *ip) {
    size_t hlen = ipv4_get_header_len(ip);
    size_t len = ipv4_get_total_len(ip) - hlen;
    uint8_t *l4 = ip + hlen;
    ipv4_update_checksum(ip);
    uint8_t protocol = ipv4_get_protocol(ip);
    int sum_at = checksum_offset(protocol);
    if (sum_at < 0)
        return;
    if (protocol == IPPROTO_UDP_NUM && wire_get16(l4 + UDP_OFF_CHECKSUM) == 0)
        return; /* a UDP datagram sent without a checksum stays without one */
    wire_put16(l4 + sum_at, 0);
    uint32_t sum =
        protocol == IPPROTO_ICMP_NUM
            ? 0 /* ICMP sums its message only */
            : ipv4_pseudo_header_sum(ipv4_get_src(ip), ipv4_get_dst(ip), protocol, (uint16_t)len);
    uint16_t folded = checksum_finish(checksum_add(sum, l4, len));
    if (protocol == IPPROTO_UDP_NUM && folded == 0)
        folded = 0xffff;
    wire_put16(l4 + sum_at, folded);
}

/* --- translation --- */

static bool is_icmp_error(uint8_t type) {
    return type == ICMP_DEST_UNREACHABLE || type == ICMP_TIME_EXCEEDED;
}

/* A rewrite of from -> to by rule `rule` under the mapping whose inside
 * endpoint is (key_ip, key_port); `address_only`: no port or identifier was
 * rewritten. `why` is a msgid (N_), translated only when someone listens. */
static void trace_translate(nat *n, const frame *f, trace_translation rule, const char *why,
                            uint8_t protocol, ipv4_addr from_ip, uint16_t from_port,
                            ipv4_addr to_ip, uint16_t to_port, ipv4_addr key_ip, uint16_t key_port,
                            bool address_only) {
    if (!net_tracing(n->st->node->net))
        return;
    char a[IPV4_TEXT_LEN], b[IPV4_TEXT_LEN], detail[128], key[64], old_value[40], new_value[40];
    if (protocol == IPPROTO_ICMP_NUM)
        snprintf(detail, sizeof detail, "icmp %s id %u -> %s id %u", ipv4_format(from_ip, a),
                 from_port, ipv4_format(to_ip, b), to_port);
    else
        snprintf(detail, sizeof detail, "%s %s:%u -> %s:%u", proto_name(protocol),
                 ipv4_format(from_ip, a), from_port, ipv4_format(to_ip, b), to_port);
    trace_change c = {.table = TRACE_TABLE_NAT};
    if (address_only) {
        snprintf(key, sizeof key, "%s %s", proto_name(protocol), ipv4_format(key_ip, a));
        c.old_value = ipv4_format(from_ip, old_value);
        c.new_value = ipv4_format(to_ip, new_value);
    } else {
        mapping_key(protocol, key_ip, key_port, key, sizeof key);
        c.old_value = endpoint_text(protocol, from_ip, from_port, old_value, sizeof old_value);
        c.new_value = endpoint_text(protocol, to_ip, to_port, new_value, sizeof new_value);
    }
    c.key = key;
    network *net = n->st->node->net;
    trace_event ev = net_event(net, TRACE_TRANSLATE, n->st->node, NULL, f, _(why), detail);
    ev.change = c;
    ev.translation = rule;
    trace_emit(net->trace, &ev);
}

/* Remembers the first flow's remote end and direction (conntrack's tuples). */
static void note_remote(mapping *m, bool from_inside, ipv4_addr ip, uint16_t l4port) {
    if (m->has_remote)
        return;
    m->has_remote = true;
    m->from_inside = from_inside;
    m->remote_ip = ip;
    m->remote_port = l4port;
}

static void drop(nat *n, frame *f, trace_reason reason, const char *why) {
    net_trace_drop(n->st->node->net, n->st->node, n->st->ifaces[n->cfg->outside_iface].port, f,
                   reason, why);
    frame_free(f);
}

bool nat_outbound(nat *n, frame *f) {
    uint8_t *ip = f->data + ETH_HEADER_LEN;
    size_t hlen = ipv4_get_header_len(ip);
    uint8_t *l4 = ip + hlen;
    size_t l4len = ipv4_get_total_len(ip) - hlen;
    uint8_t protocol = ipv4_get_protocol(ip);
    ipv4_addr src = ipv4_get_src(ip);
    size_t port_at; /* where the translated identifier sits in the transport header */
    if ((protocol == IPPROTO_TCP_NUM || protocol == IPPROTO_UDP_NUM) && l4len >= UDP_HEADER_LEN)
        port_at = UDP_OFF_SRC_PORT; /* TCP's ports sit where UDP's do */
    else if (protocol == IPPROTO_ICMP_NUM && l4len >= ICMP_HEADER_LEN &&
             (l4[ICMP_OFF_TYPE] == ICMP_ECHO_REQUEST || l4[ICMP_OFF_TYPE] == ICMP_ECHO_REPLY))
        port_at = ICMP_OFF_ID;
    else {
        /* Anything else (an ICMP error from inside, another protocol) leaves
         * with the outside address only. */
        trace_translate(n, f, TRACE_TRANSLATION_SNAT, N_("source NAT: address only"), protocol, src,
                        0, outside_ip(n), 0, src, 0, true);
        ipv4_set_src(ip, outside_ip(n));
        fix_checksums(ip);
        return true;
    }
    uint16_t l4port = wire_get16(l4 + port_at);
    uint64_t key = inside_key(protocol, src, l4port);
    mapping *m = u64map_get(n->by_inside, key);
    if (!m) {
        uint16_t outside_port;
        if (!choose_port(n, protocol, l4port, &outside_port)) {
            drop(n, f, TRACE_REASON_NAT_NO_PORT, _("NAT: no free outside port"));
            return false;
        }
        m = add_mapping(n, protocol, src, l4port, outside_port, MAPPING_DYNAMIC);
        trace_table(n, N_("new NAT mapping"), m, true);
    }
    m->seen_out = true;
    note_remote(m, true, ipv4_get_dst(ip),
                port_at == UDP_OFF_SRC_PORT ? wire_get16(l4 + UDP_OFF_DST_PORT) : 0);
    if (protocol == IPPROTO_TCP_NUM && (l4[TCP_OFF_FLAGS] & (TCP_FIN | TCP_RST)))
        m->closing = true;
    /* What a port-forwarded server sends is the reply of a connection opened
     * from the outside: its destination NAT undone (Linux conntrack's reply
     * direction), not a new source NAT. */
    if (m->kind == MAPPING_FORWARD)
        trace_translate(n, f, TRACE_TRANSLATION_REPLY,
                        N_("reply from the port-forwarded server translated back to the outside"),
                        protocol, src, l4port, outside_ip(n), m->outside_port, src, l4port, false);
    else
        trace_translate(n, f, TRACE_TRANSLATION_SNAT,
                        N_("source NAT: inside address and port rewritten"), protocol, src, l4port,
                        outside_ip(n), m->outside_port, src, l4port, false);
    ipv4_set_src(ip, outside_ip(n));
    wire_put16(l4 + port_at, m->outside_port);
    fix_checksums(ip);
    touch(n, key, m);
    return true;
}

/* An ICMP error about a packet we translated on its way out: the quoted
 * header names our outside address and l4port; put the inside ones back, in
 * the quote and as the error's destination (RFC 5508 section 4.2). */
static nat_inbound_result inbound_error(nat *n, frame *f, uint8_t *ip, uint8_t *l4, size_t l4len) {
    uint8_t *inner = l4 + ICMP_HEADER_LEN;
    size_t inner_hlen = ipv4_get_header_len(inner);
    if (l4len < ICMP_HEADER_LEN + inner_hlen + ICMP_QUOTED_PAYLOAD ||
        ipv4_get_src(inner) != outside_ip(n))
        return NAT_IN_LOCAL;
    uint8_t protocol = ipv4_get_protocol(inner);
    uint8_t *inner_l4 = inner + inner_hlen;
    size_t port_at = protocol == IPPROTO_ICMP_NUM ? ICMP_OFF_ID : UDP_OFF_SRC_PORT;
    uint16_t l4port = wire_get16(inner_l4 + port_at);
    uint64_t *key = u64map_get(n->by_outside, outside_key(protocol, l4port));
    if (!key)
        return NAT_IN_LOCAL;
    mapping *m = u64map_get(n->by_inside, *key);
    trace_translate(n, f, TRACE_TRANSLATION_ICMP_ERROR,
                    N_("ICMP error translated back to the inside (RFC 5508)"), protocol,
                    outside_ip(n), l4port, m->inside_ip, m->inside_port, m->inside_ip,
                    m->inside_port, false);
    /* The quoted transport checksum covers the quoted addresses and l4port:
     * adjust it incrementally, as the whole datagram is not quoted. */
    int inner_sum_at = checksum_offset(protocol);
    bool adjust = inner_sum_at >= 0 && inner_sum_at + 2 <= ICMP_QUOTED_PAYLOAD &&
                  !(protocol == IPPROTO_UDP_NUM && wire_get16(inner_l4 + UDP_OFF_CHECKSUM) == 0);
    if (adjust) {
        if (protocol != IPPROTO_ICMP_NUM)
            checksum_adjust32(inner_l4 + inner_sum_at, outside_ip(n), m->inside_ip);
        checksum_adjust(inner_l4 + inner_sum_at, l4port, m->inside_port);
    }
    ipv4_set_src(inner, m->inside_ip);
    wire_put16(inner_l4 + port_at, m->inside_port);
    ipv4_update_checksum(inner);
    ipv4_set_dst(ip, m->inside_ip);
    fix_checksums(ip);
    touch(n, *key, m);
    return NAT_IN_TRANSLATED;
}

nat_inbound_result nat_inbound(nat *n, frame *f) {
    uint8_t *ip = f->data + ETH_HEADER_LEN;
    size_t hlen = ipv4_get_header_len(ip);
    uint8_t *l4 = ip + hlen;
    size_t l4len = ipv4_get_total_len(ip) - hlen;
    uint8_t protocol = ipv4_get_protocol(ip);
    size_t port_at;
    if ((protocol == IPPROTO_TCP_NUM || protocol == IPPROTO_UDP_NUM) && l4len >= UDP_HEADER_LEN)
        port_at = UDP_OFF_DST_PORT; /* TCP's ports sit where UDP's do */
    else if (protocol == IPPROTO_ICMP_NUM && l4len >= ICMP_HEADER_LEN &&
             l4[ICMP_OFF_TYPE] == ICMP_ECHO_REPLY)
        port_at = ICMP_OFF_ID;
    else if (protocol == IPPROTO_ICMP_NUM && l4len >= ICMP_HEADER_LEN &&
             is_icmp_error(l4[ICMP_OFF_TYPE]))
        return inbound_error(n, f, ip, l4, l4len);
    else
        return NAT_IN_LOCAL; /* a ping to the NAT box itself, say */
    uint16_t l4port = wire_get16(l4 + port_at);
    uint64_t *key = u64map_get(n->by_outside, outside_key(protocol, l4port));
    if (!key) {
        if (protocol == IPPROTO_ICMP_NUM || port_is_local(n, protocol, l4port))
            return NAT_IN_LOCAL; /* for the box itself: no translation (Linux INPUT) */
        char why[256];
        snprintf(why, sizeof why,
                 _("NAT: unsolicited inbound %s to port %u (no mapping, no port forward)"),
                 proto_name(protocol), l4port);
        drop(n, f, TRACE_REASON_NAT_NO_MAPPING, why);
        return NAT_IN_DROPPED;
    }
    uint64_t inside = *key;
    mapping *m = u64map_get(n->by_inside, inside);
    m->seen_in = true;
    note_remote(m, false, ipv4_get_src(ip),
                port_at == UDP_OFF_DST_PORT ? wire_get16(l4 + UDP_OFF_SRC_PORT) : 0);
    if (protocol == IPPROTO_TCP_NUM && (l4[TCP_OFF_FLAGS] & (TCP_FIN | TCP_RST)))
        m->closing = true;
    /* A reply through a mapping the inside opened, dynamic or pinned alike;
     * only a port forward rewrites traffic the outside starts. */
    bool forward = m->kind == MAPPING_FORWARD;
    trace_translate(n, f, forward ? TRACE_TRANSLATION_PORT_FORWARD : TRACE_TRANSLATION_REPLY,
                    forward ? N_("destination NAT: port forward to the inside")
                            : N_("destination NAT: reply translated back to the inside"),
                    protocol, outside_ip(n), l4port, m->inside_ip, m->inside_port, m->inside_ip,
                    m->inside_port, false);
    ipv4_set_dst(ip, m->inside_ip);
    wire_put16(l4 + port_at, m->inside_port);
    fix_checksums(ip);
    touch(n, inside, m);
    return NAT_IN_TRANSLATED;
}

void nat_forget(nat *n) {
    size_t count = u64map_size(n->by_inside), cursor = 0, k = 0;
    uint64_t *keys = malloc((count ? count : 1) * sizeof *keys), key;
    if (!keys)
        ns_out_of_memory();
    mapping *m;
    while ((m = u64map_next(n->by_inside, &cursor, &key)))
        if (m->kind == MAPPING_DYNAMIC)
            keys[k++] = key;
    for (size_t i = 0; i < k; i++) {
        m = u64map_get(n->by_inside, keys[i]);
        sim_cancel(n->st->node->net->sim, m->timer);
        remove_mapping(n, keys[i]);
    }
    free(keys);
    if (k) {
        trace_change c = {.table = TRACE_TABLE_NAT}; /* no key: the whole table */
        net_trace_change(n->st->node->net, TRACE_TABLE, n->st->node, NULL, NULL, &c,
                         _("powered off"), _("NAT mappings forgotten"));
    }
}

static int by_outside_port(const void *a, const void *b) {
    const mapping *x = *(const mapping *const *)a, *y = *(const mapping *const *)b;
    if (x->protocol != y->protocol)
        return x->protocol < y->protocol ? -1 : 1;
    return x->outside_port < y->outside_port ? -1 : x->outside_port > y->outside_port;
}

void nat_table_rows(const nat *n,
                    void (*fn)(void *ctx, const char *table, const char *key, const char *value),
                    void *ctx) {
    size_t cursor = 0;
    uint64_t key;
    mapping *m;
    while ((m = u64map_next(n->by_inside, &cursor, &key))) {
        char k[64], outside[40];
        fn(ctx, "nat", mapping_key(m->protocol, m->inside_ip, m->inside_port, k, sizeof k),
           endpoint_text(m->protocol, outside_ip(n), m->outside_port, outside, sizeof outside));
    }
}

/* The mappings sorted by protocol and outside port; caller frees. */
static const mapping **sorted_mappings(const nat *n, size_t *count) {
    size_t cursor = 0, k = 0;
    *count = u64map_size(n->by_inside);
    const mapping **rows = malloc((*count ? *count : 1) * sizeof *rows);
    if (!rows)
        ns_out_of_memory();
    uint64_t key;
    mapping *m;
    while ((m = u64map_next(n->by_inside, &cursor, &key)))
        rows[k++] = m;
    qsort(rows, *count, sizeof *rows, by_outside_port);
    return rows;
}

/* Seconds until the mapping expires if unused (a pinned one is renewed). */
static unsigned long long seconds_left(const nat *n, const mapping *m) {
    sim_time deadline = m->last_used + timeout_of(n, m), t = now(n);
    return (unsigned long long)((deadline > t ? deadline - t : 0) / SIM_S);
}

/* conntrack's TCP state for the mapping, as far as the NAT follows it. */
static const char *tcp_track_state(const mapping *m) {
    if (m->closing)
        return "TIME_WAIT";
    return m->seen_in && m->seen_out ? "ESTABLISHED" : "SYN_SENT";
}

/* One tuple's fields under `prefix` ("" original, "reply_"): ports, or the
 * ICMP type, code and identifier. */
static void tuple_fields(trace_rows *rows, bool reply, uint8_t protocol, ipv4_addr src,
                         uint16_t sport, ipv4_addr dst, uint16_t dport, uint8_t icmp_type) {
    char a[IPV4_TEXT_LEN], b[IPV4_TEXT_LEN];
    trace_rows_add(rows, reply ? "reply_src" : "src", "%s", ipv4_format(src, a));
    trace_rows_add(rows, reply ? "reply_dst" : "dst", "%s", ipv4_format(dst, b));
    if (protocol == IPPROTO_ICMP_NUM) {
        trace_rows_add(rows, reply ? "reply_type" : "type", "%u", icmp_type);
        trace_rows_add(rows, reply ? "reply_code" : "code", "%u", 0u);
        trace_rows_add(rows, reply ? "reply_id" : "id", "%u", sport);
        return;
    }
    trace_rows_add(rows, reply ? "reply_sport" : "sport", "%u", sport);
    trace_rows_add(rows, reply ? "reply_dport" : "dport", "%u", dport);
}

void nat_show_rows(const nat *n, trace_rows *rows) {
    size_t count;
    const mapping **sorted = sorted_mappings(n, &count);
    ipv4_addr out_ip = outside_ip(n);
    for (size_t i = 0; i < count; i++) {
        const mapping *m = sorted[i];
        if (!m->has_remote)
            continue; /* a port forward nobody used yet: a rule, no connection */
        bool icmp = m->protocol == IPPROTO_ICMP_NUM;
        trace_rows_begin(rows);
        trace_rows_add(rows, "proto", "%s", proto_name(m->protocol));
        trace_rows_add(rows, "proto_num", "%u", m->protocol);
        trace_rows_add(rows, "timeout", "%llu", seconds_left(n, m));
        if (m->protocol == IPPROTO_TCP_NUM)
            trace_rows_add(rows, "state", "%s", tcp_track_state(m));
        if (m->from_inside || icmp) {
            tuple_fields(rows, false, m->protocol, m->inside_ip, m->inside_port, m->remote_ip,
                         m->remote_port, ICMP_ECHO_REQUEST);
            tuple_fields(rows, true, m->protocol, m->remote_ip,
                         icmp ? m->outside_port : m->remote_port, out_ip, m->outside_port,
                         ICMP_ECHO_REPLY);
        } else {
            tuple_fields(rows, false, m->protocol, m->remote_ip, m->remote_port, out_ip,
                         m->outside_port, 0);
            tuple_fields(rows, true, m->protocol, m->inside_ip, m->inside_port, m->remote_ip,
                         m->remote_port, 0);
        }
        bool replied = m->from_inside ? m->seen_in : m->seen_out;
        trace_rows_add(rows, "status", "%s", !replied ? "UNREPLIED" : "ASSURED");
    }
    free(sorted);
}

void nat_write_state(const nat *n, FILE *out) {
    size_t count;
    const mapping **rows = sorted_mappings(n, &count);
    char o[IPV4_TEXT_LEN];
    fprintf(out, "  nat (inside %s, outside %s %s):%s\n",
            n->st->ifaces[n->cfg->inside_iface].port->name,
            n->st->ifaces[n->cfg->outside_iface].port->name, ipv4_format(outside_ip(n), o),
            count ? "" : " no mappings");
    for (size_t i = 0; i < count; i++) {
        char line[128], state[64];
        describe_mapping(n, rows[i], line, sizeof line);
        if (rows[i]->kind != MAPPING_DYNAMIC)
            snprintf(state, sizeof state, "permanent");
        else
            snprintf(state, sizeof state, "%s, expires in %llu s",
                     rows[i]->protocol != IPPROTO_TCP_NUM                   ? "active"
                     : timeout_of(n, rows[i]) == n->cfg->tcp_established_ns ? "established"
                                                                            : "transitory",
                     seconds_left(n, rows[i]));
        fprintf(out, "    %-52s %s\n", line, state);
    }
    free(rows);
}
