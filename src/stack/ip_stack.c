/*
 * ip_stack: interfaces, routing (longest-prefix match), IPv4 input, local
 * delivery, forwarding and output. ARP lives in arp.c, ICMP in icmp.c.
 */
#include "stack/ip_stack.h"
#include "util/alloc.h"

#include <stdlib.h>
#include <string.h>

#include "stack/internal.h"
#include "stack/nat.h"
#include "stack/tcp.h"
#include "stack/udp.h"
#include "util/i18n.h"
#include "wire/ethernet.h"
#include "wire/icmp.h"
#include "wire/ipv4.h"
#include "wire/wire.h"

/* Loopback delivery takes this long: a Linux lo round trip is tens of µs. */
#define LOOPBACK_DELAY (10 * SIM_US)

port ip_loopback_port = {.name = "lo"};

const char *ip_stack_strerror(int err) {
    switch ((ip_err)err) {
    case IP_ERR_NETUNREACH:
        return _("Network is unreachable");
    case IP_ERR_PERM:
        return _("Operation not permitted");
    case IP_ERR_ADDRINUSE:
        return _("Address already in use");
    case IP_ERR_ADDRNOTAVAIL:
        return _("Cannot assign requested address");
    case IP_ERR_AGAIN:
        return _("Resource temporarily unavailable");
    case IP_ERR_MSGSIZE:
        return _("Message too long");
    }
    return err == 0 ? _("Success") : _("Unknown error");
}

const char *ip_stack_errname(int err) {
    switch ((ip_err)err) {
    case IP_ERR_NETUNREACH:
        return "network_unreachable";
    case IP_ERR_PERM:
        return "not_permitted";
    case IP_ERR_ADDRINUSE:
        return "address_in_use";
    case IP_ERR_ADDRNOTAVAIL:
        return "address_not_available";
    case IP_ERR_AGAIN:
        return "try_again";
    case IP_ERR_MSGSIZE:
        return "message_too_long";
    }
    return err == 0 ? "ok" : "unknown";
}

static int route_order(const void *pa, const void *pb) {
    const ip_route *a = pa, *b = pb;
    if (a->prefix_len != b->prefix_len)
        return b->prefix_len - a->prefix_len;
    if (a->metric != b->metric)
        return a->metric < b->metric ? -1 : 1;
    return 0;
}

static void add_route(ip_stack *st, ip_route r) {
    ip_route *grown = realloc(st->routes, (st->n_routes + 1) * sizeof *grown);
    if (!grown)
        ns_out_of_memory();
    st->routes = grown;
    st->routes[st->n_routes++] = r;
}

int ip_stack_iface_on_link(const ip_stack *st, ipv4_addr a) {
    for (uint32_t i = 0; i < st->n_ifaces; i++)
        if (st->ifaces[i].has_ip && ipv4_same_subnet(a, st->ifaces[i].ip, st->ifaces[i].prefix_len))
            return (int)i;
    return -1;
}

/* A stack with many interfaces or routes (a core router) finds its own
 * addresses and its routes by hash instead of a scan per packet. The answers
 * are the scans': the first interface with the address, the first route in
 * sorted order that matches. */
#define IP_INDEX_MIN 16

typedef struct ip_index {
    u64map *addrs;     /* address -> uint32_t, the first interface that has it */
    u64map *routes;    /* route_key() -> uint32_t, the first route of that subnet */
    uint8_t plens[33]; /* the prefix lengths routes have, longest first */
    uint32_t n_plens;
} ip_index;

static int clamp_prefix(int prefix_len) {
    return prefix_len < 0 ? 0 : prefix_len > 32 ? 32 : prefix_len;
}

static uint64_t route_key(int prefix_len, ipv4_addr a) {
    return (uint64_t)(prefix_len + 1) << 32 | (a & ipv4_netmask(prefix_len));
}

static void index_free(ip_index *x) {
    if (!x)
        return;
    u64map_free(x->addrs);
    u64map_free(x->routes);
    free(x);
}

/* (Re)builds st->index after the interfaces or routes changed. */
static void index_build(ip_stack *st) {
    index_free(st->index);
    st->index = NULL;
    if (st->n_ifaces < IP_INDEX_MIN && st->n_routes < IP_INDEX_MIN)
        return;
    ip_index *x = ns_xcalloc(1, sizeof *x);
    x->addrs = u64map_new(sizeof(uint32_t));
    x->routes = u64map_new(sizeof(uint32_t));
    if (!x->addrs || !x->routes)
        ns_out_of_memory();
    bool created;
    for (uint32_t i = 0; i < st->n_ifaces; i++) {
        if (!st->ifaces[i].has_ip)
            continue;
        uint32_t *v = u64map_put(x->addrs, st->ifaces[i].ip, &created);
        if (created)
            *v = i;
    }
    for (uint32_t i = 0; i < st->n_routes; i++) {
        int len = clamp_prefix(st->routes[i].prefix_len);
        uint32_t *v = u64map_put(x->routes, route_key(len, st->routes[i].dst), &created);
        if (!created)
            continue;
        *v = i;
        if (x->n_plens == 0 || x->plens[x->n_plens - 1] != len)
            x->plens[x->n_plens++] = (uint8_t)len; /* sorted longest first already */
    }
    st->index = x;
}

/* Insertion sort: stable, so equal routes keep the order they were given in.
 * Every change to the routes or addresses ends here, so the index follows. */
static void sort_routes(ip_stack *st) {
    for (uint32_t i = 1; i < st->n_routes; i++) {
        ip_route r = st->routes[i];
        uint32_t j = i;
        for (; j > 0 && route_order(&r, &st->routes[j - 1]) < 0; j--)
            st->routes[j] = st->routes[j - 1];
        st->routes[j] = r;
    }
    index_build(st);
}

void ip_stack_init(ip_stack *st, node *n, const model_device *d, bool forwarding) {
    memset(st, 0, sizeof *st);
    st->node = n;
    st->forwarding = forwarding;
    st->ttl = d->ttl ? d->ttl : IP_DEFAULT_TTL;
    st->arp_base_reachable = d->arp_timeout_ns;
    st->arp_retry = d->arp_retry_ns;
    st->arp_retries = d->arp_retries;
    st->arp_queue = d->arp_queue;
    arp_init(st);
    st->arp = u64map_new(sizeof(arp_entry));
    if (!st->arp)
        ns_out_of_memory();
    st->n_ifaces = n->n_ports;
    st->ifaces = calloc(n->n_ports ? n->n_ports : 1, sizeof *st->ifaces);
    if (!st->ifaces)
        ns_out_of_memory();
    for (uint32_t i = 0; i < n->n_ports; i++) {
        ip_iface *ifc = &st->ifaces[i];
        ifc->port = &n->ports[i];
        ifc->has_ip = d->ifaces[i].has_ip;
        ifc->ip = d->ifaces[i].ip;
        ifc->prefix_len = d->ifaces[i].prefix_len;
        if (ifc->has_ip)
            add_route(st, (ip_route){.dst = ifc->ip & ipv4_netmask(ifc->prefix_len),
                                     .prefix_len = ifc->prefix_len,
                                     .iface = i,
                                     .connected = true});
    }
    for (size_t i = 0; i < d->n_routes; i++) {
        const model_route *mr = &d->routes[i];
        int iface = mr->iface >= 0 ? mr->iface : ip_stack_iface_on_link(st, mr->via);
        if (iface < 0)
            continue; /* the loader rejects next hops on no connected subnet */
        add_route(st, (ip_route){.dst = mr->dst,
                                 .prefix_len = mr->prefix_len,
                                 .has_via = mr->has_via,
                                 .via = mr->via,
                                 .iface = (uint32_t)iface,
                                 .metric = mr->metric});
    }
    for (size_t i = 0; i < d->n_static_arp; i++) {
        int iface = ip_stack_iface_on_link(st, d->static_arp[i].ip);
        arp_add_static(st, d->static_arp[i].ip, d->static_arp[i].mac,
                       iface >= 0 ? (uint32_t)iface : 0);
    }
    if (d->nat)
        st->nat = nat_new(st, d->nat);
    if (d->has_firewall) {
        st->fw = ns_xmalloc(sizeof *st->fw);
        *st->fw =
            (firewall){.policy = d->fw_default, .rules = d->fw_rules, .n_rules = d->n_fw_rules};
    }
    if (d->has_gateway) {
        int iface = ip_stack_iface_on_link(st, d->gateway);
        if (iface >= 0)
            add_route(st, (ip_route){.has_via = true, .via = d->gateway, .iface = (uint32_t)iface});
    }
    sort_routes(st);
}

void ip_stack_power_off(ip_stack *st) {
    arp_forget(st);
    if (st->nat)
        nat_forget(st->nat);
    tcp_power_off(st);
}

void ip_stack_destroy(ip_stack *st) {
    nat_free(st->nat);
    tcp_destroy_all(st);
    udp_destroy_all(st);
    arp_destroy(st);
    free(st->ifaces);
    free(st->routes);
    index_free(st->index);
    free(st->listeners);
    free(st->fw);
}

int ip_stack_iface_of_addr(const ip_stack *st, ipv4_addr a) {
    if (st->index) {
        const uint32_t *i = u64map_get(st->index->addrs, a);
        return i ? (int)*i : -1;
    }
    for (uint32_t i = 0; i < st->n_ifaces; i++)
        if (st->ifaces[i].has_ip && st->ifaces[i].ip == a)
            return (int)i;
    return -1;
}

const ip_route *ip_stack_lookup(const ip_stack *st, ipv4_addr dst) {
    const ip_index *x = st->index;
    if (x) {
        for (uint32_t k = 0; k < x->n_plens; k++) {
            const uint32_t *i = u64map_get(x->routes, route_key(x->plens[k], dst));
            if (i)
                return &st->routes[*i];
        }
        return NULL;
    }
    /* Routes are sorted most specific first: the first match is the longest. */
    for (uint32_t i = 0; i < st->n_routes; i++) {
        const ip_route *r = &st->routes[i];
        if (ipv4_same_subnet(dst, r->dst, r->prefix_len))
            return r;
    }
    return NULL;
}

static void drop(ip_stack *st, const port *p, frame *f, trace_reason reason, const char *why) {
    net_trace_drop(st->node->net, st->node, p, f, reason, why);
    frame_free(f);
}

static bool is_local(const ip_stack *st, ipv4_addr a) {
    return ipv4_is_loopback(a) || ip_stack_iface_of_addr(st, a) >= 0;
}

int ip_stack_connect(ip_stack *st, ipv4_addr dst) {
    if (is_local(st, dst) || ip_stack_lookup(st, dst))
        return 0;
    char why[192], text[IPV4_TEXT_LEN];
    snprintf(why, sizeof why, _("no route to %s (no matching route and no default gateway)"),
             ipv4_format(dst, text));
    net_trace_drop(st->node->net, st->node, NULL, NULL, TRACE_REASON_NO_ROUTE, why);
    return IP_ERR_NETUNREACH;
}

ip_send_route ip_stack_route_for(const ip_stack *st, ipv4_addr dst) {
    ip_send_route r = {.local = is_local(st, dst), .dont_fragment = true};
    if (ipv4_is_loopback(dst)) {
        r.src = 0x7f000001; /* 127.0.0.1 */
        return r;
    }
    if (r.local) {
        r.src = dst;
        return r;
    }
    r.route = ip_stack_lookup(st, dst);
    if (r.route && st->ifaces[r.route->iface].has_ip) {
        r.src = st->ifaces[r.route->iface].ip;
        return r;
    }
    /* No route, or one out of an unnumbered interface: any address we have. */
    for (uint32_t i = 0; i < st->n_ifaces; i++)
        if (st->ifaces[i].has_ip) {
            r.src = st->ifaces[i].ip;
            break;
        }
    return r;
}

ipv4_addr ip_stack_source_for(const ip_stack *st, ipv4_addr dst) {
    return ip_stack_route_for(st, dst).src;
}

bool ip_stack_listen_icmp(ip_stack *st, uint8_t about, uint16_t id, icmp_listener_fn fn,
                          void *ctx) {
    for (uint32_t i = 0; i < st->n_listeners; i++)
        if (st->listeners[i].about == about && st->listeners[i].id == id)
            return false;
    icmp_listener *grown = realloc(st->listeners, (st->n_listeners + 1) * sizeof *grown);
    if (!grown)
        ns_out_of_memory();
    st->listeners = grown;
    st->listeners[st->n_listeners++] =
        (icmp_listener){.about = about, .id = id, .fn = fn, .ctx = ctx};
    return true;
}

void ip_stack_unlisten_icmp(ip_stack *st, uint8_t about, uint16_t id) {
    for (uint32_t i = 0; i < st->n_listeners; i++)
        if (st->listeners[i].about == about && st->listeners[i].id == id) {
            st->listeners[i] = st->listeners[--st->n_listeners];
            return;
        }
}

bool ip_stack_listen_icmp_unreported(ip_stack *st, uint16_t id) {
    if (!ip_stack_listen_icmp(st, IPPROTO_UDP_NUM, id, NULL, NULL)) /* never called */
        return false;
    st->listeners[st->n_listeners - 1].unreported = true;
    return true;
}

/* --- firewall --- */

/* Runs the firewall on the packet in f (IP header at ETH_HEADER_LEN; `h` its
 * parsed header on input, NULL on output). Returns true if it passes;
 * otherwise the packet has been traced, answered when the rule rejects an
 * incoming packet, and freed. */
static bool filter(ip_stack *st, uint8_t chain, int iface, const port *p, frame *f,
                   const ipv4_header *h) {
    if (!st->fw)
        return true;
    int rule;
    const uint8_t *ip = f->data + ETH_HEADER_LEN;
    size_t len = h ? h->total_len : ipv4_get_total_len(ip);
    fw_action verdict = firewall_check(st->fw, chain, iface, ip, len, &rule);
    if (verdict == FW_ALLOW)
        return true;
    char why[320];
    firewall_describe(st->fw, rule, why, sizeof why);
    trace_reason reason = rule < 0 ? TRACE_REASON_FIREWALL_POLICY : TRACE_REASON_FIREWALL_RULE;
    if (verdict == FW_REJECT && h) {
        stack_drop_and_report(st, p, f, h, reason, why, ICMP_DEST_UNREACHABLE,
                              ICMP_UNREACH_FILTERED);
        return false;
    }
    net_trace_drop(st->node->net, st->node, p, f, reason, why);
    frame_free(f);
    return false;
}

/* --- output --- */

static void loopback_arrive(sim *s, void *a, void *b) {
    (void)s;
    ip_stack *st = a;
    frame *f = b;
    net_trace(st->node->net, TRACE_RECEIVE, st->node, &ip_loopback_port, f, NULL, NULL);
    /* The one parse of this packet's header on its way in. */
    ipv4_header h;
    int rc = ipv4_header_parse(f->data + ETH_HEADER_LEN, f->len - ETH_HEADER_LEN, &h);
    if (rc != WIRE_OK) {
        drop(st, &ip_loopback_port, f, stack_wire_reason(rc), _("bad IPv4 header"));
        return;
    }
    ip_stack_deliver_local(st, UINT32_MAX, f, &h);
}

/* Puts the packet in f (IP header complete at ETH_HEADER_LEN) on its way
 * along `r`, the one look-up made for it: loopback, or the route, the
 * firewall's out chain and ARP. Consumes f. Returns 0 (a later loss, such as
 * a failed ARP resolution, is not reported), IP_ERR_NETUNREACH (no route) or
 * IP_ERR_PERM (the out chain refused it); both are traced as drops of the
 * packet. */
static int output(ip_stack *st, frame *f, const ip_send_route *sr) {
    network *net = st->node->net;
    ipv4_addr dst = ipv4_get_dst(f->data + ETH_HEADER_LEN);
    if (sr->local) {
        /* Linux's lo: an Ethernet header of zero MACs, never on any wire. */
        eth_header eh = {.dst = MAC_ZERO, .src = MAC_ZERO, .ethertype = ETHERTYPE_IPV4};
        eth_emit(&eh, f->data);
        net_trace(net, TRACE_SEND, st->node, &ip_loopback_port, f,
                  _("loopback: the destination is this host, the packet never reaches a wire"),
                  NULL);
        sim_schedule(net->sim, LOOPBACK_DELAY, loopback_arrive, st, f, frame_drop);
        return 0;
    }
    const ip_route *r = sr->route;
    if (!r) {
        char why[192], text[IPV4_TEXT_LEN];
        snprintf(why, sizeof why, _("no route to %s (no matching route and no default gateway)"),
                 ipv4_format(dst, text));
        net_trace_drop(net, st->node, NULL, f, TRACE_REASON_NO_ROUTE, why);
        frame_free(f);
        return IP_ERR_NETUNREACH;
    }
    ip_iface *ifc = &st->ifaces[r->iface];
    /* The Ethernet header goes on before the firewall looks, so a refused
     * packet is traced as what it is (an IPv4 packet, the next hop's MAC not
     * yet known), not as an empty frame. */
    eth_header eh = {.dst = MAC_ZERO, .src = ifc->port->mac, .ethertype = ETHERTYPE_IPV4};
    eth_emit(&eh, f->data);
    if (!filter(st, FW_CHAIN_OUT, (int)r->iface, ifc->port, f, NULL))
        return IP_ERR_PERM;
    arp_resolve_and_send(st, r->iface, r->has_via ? r->via : dst, f);
    return 0;
}

int ip_stack_send(ip_stack *st, ipv4_addr dst, uint8_t protocol, const uint8_t *payload, size_t len,
                  uint8_t ttl, uint32_t *packet_id) {
    return ip_stack_send_from(st, 0, dst, protocol, payload, len, ttl, packet_id);
}

/* A new frame holding an IPv4 packet (Ethernet header left for the output
 * path), with a new journey id; DF set when `df` (see ip_send_route). */
static frame *build_packet(ip_stack *st, ipv4_addr src, ipv4_addr dst, uint8_t protocol,
                           const uint8_t *payload, size_t len, uint8_t ttl, bool df,
                           uint32_t *packet_id) {
    size_t ip_len = IPV4_HEADER_LEN + len;
    size_t frame_len = ETH_HEADER_LEN + ip_len;
    frame *f = frame_new(frame_len < ETH_MIN_FRAME_LEN ? ETH_MIN_FRAME_LEN : frame_len);
    ipv4_header h = {
        .header_len = IPV4_HEADER_LEN,
        .total_len = (uint16_t)ip_len,
        .id = st->next_ip_id++,
        .dont_fragment = df,
        .ttl = ttl ? ttl : st->ttl,
        .protocol = protocol,
        .src = src,
        .dst = dst,
    };
    ipv4_emit(&h, f->data + ETH_HEADER_LEN);
    memcpy(f->data + ETH_HEADER_LEN + IPV4_HEADER_LEN, payload, len);
    f->packet_id = network_new_packet_id(st->node->net);
    if (packet_id)
        *packet_id = f->packet_id;
    return f;
}

int ip_stack_send_routed(ip_stack *st, const ip_send_route *r, ipv4_addr dst, uint8_t protocol,
                         const uint8_t *payload, size_t len, uint8_t ttl, uint32_t *packet_id) {
    /* No ip_stack_connect here: without a route the packet is built anyway
     * and output() drops it, so the drop names the packet. */
    frame *f =
        build_packet(st, r->src, dst, protocol, payload, len, ttl, r->dont_fragment, packet_id);
    f->retransmission = r->retransmission;
    return output(st, f, r);
}

int ip_stack_send_from(ip_stack *st, ipv4_addr src, ipv4_addr dst, uint8_t protocol,
                       const uint8_t *payload, size_t len, uint8_t ttl, uint32_t *packet_id) {
    ip_send_route r = ip_stack_route_for(st, dst);
    if (src)
        r.src = src;
    return ip_stack_send_routed(st, &r, dst, protocol, payload, len, ttl, packet_id);
}

int ip_stack_send_on(ip_stack *st, uint32_t iface, ipv4_addr src, ipv4_addr dst, uint8_t protocol,
                     const uint8_t *payload, size_t len, uint8_t ttl, uint32_t *packet_id) {
    if (iface >= st->n_ifaces)
        return IP_ERR_NETUNREACH;
    /* DF clear: the DHCP client and server send through packet sockets, and
     * ISC dhclient/dhcpd build the IP header with ip_off 0
     * (common/packet.c assemble_udp_ip_header). */
    frame *f = build_packet(st, src, dst, protocol, payload, len, ttl, false, packet_id);
    ip_iface *ifc = &st->ifaces[iface];
    eth_header eh = {.dst = MAC_ZERO, .src = ifc->port->mac, .ethertype = ETHERTYPE_IPV4};
    eth_emit(&eh, f->data);
    if (!filter(st, FW_CHAIN_OUT, (int)iface, ifc->port, f, NULL))
        return IP_ERR_PERM;
    arp_resolve_and_send(st, iface, dst, f);
    return 0;
}

void ip_stack_configure(ip_stack *st, uint32_t iface, ipv4_addr ip, int prefix_len,
                        ipv4_addr gateway) {
    ip_iface *ifc = &st->ifaces[iface];
    bool had_ip = ifc->has_ip;
    ipv4_addr old_ip = ifc->ip;
    int old_prefix = ifc->prefix_len;
    /* Drop the interface's old connected route and the old default route. */
    uint32_t kept = 0;
    for (uint32_t i = 0; i < st->n_routes; i++) {
        const ip_route *r = &st->routes[i];
        bool old_connected = r->connected && r->iface == iface;
        bool old_default = gateway && r->prefix_len == 0;
        if (!old_connected && !old_default)
            st->routes[kept++] = *r;
    }
    st->n_routes = kept;
    ifc->has_ip = true;
    ifc->ip = ip;
    ifc->prefix_len = prefix_len;
    add_route(st, (ip_route){.dst = ip & ipv4_netmask(prefix_len),
                             .prefix_len = prefix_len,
                             .iface = iface,
                             .connected = true});
    if (gateway)
        add_route(st, (ip_route){.has_via = true, .via = gateway, .iface = iface});
    sort_routes(st);
    char detail[192], a[IPV4_TEXT_LEN], g[IPV4_TEXT_LEN];
    if (gateway)
        /* TRANSLATORS: interface, address/prefix, then the default gateway. */
        snprintf(detail, sizeof detail, _("%s %s/%d, default via %s"), ifc->port->name,
                 ipv4_format(ip, a), prefix_len, ipv4_format(gateway, g));
    else
        snprintf(detail, sizeof detail, "%s %s/%d", ifc->port->name, ipv4_format(ip, a),
                 prefix_len);
    char old_value[24], new_value[24], route[64];
    if (had_ip)
        snprintf(old_value, sizeof old_value, "%s/%d", ipv4_format(old_ip, a), old_prefix);
    snprintf(new_value, sizeof new_value, "%s/%d", ipv4_format(ip, a), prefix_len);
    if (gateway)
        snprintf(route, sizeof route, "default via %s dev %s", ipv4_format(gateway, g),
                 ifc->port->name);
    trace_event ev = net_event(st->node->net, TRACE_TABLE, st->node, ifc->port, NULL,
                               _("address configured"), detail);
    ev.change = (trace_change){.table = TRACE_TABLE_ADDRESS,
                               .key = ifc->port->name,
                               .old_value = had_ip ? old_value : NULL,
                               .new_value = new_value};
    ev.route = gateway ? route : NULL;
    trace_emit(st->node->net->trace, &ev);
}

/* --- input --- */

void stack_drop_and_report(ip_stack *st, const port *p, frame *f, const ipv4_header *h,
                           trace_reason reason, const char *why, uint8_t icmp_type,
                           uint8_t icmp_code) {
    net_trace_drop(st->node->net, st->node, p, f, reason, why);
    if (h)
        icmp_send_error(st, f, h, icmp_type, icmp_code);
    frame_free(f);
}

/* "10.0.2.0/24 via 10.0.1.2 dev eth1", "default via ...", "10.0.1.0/24 dev
 * eth0" (as `ip route` shows routes). */
static void route_format(const ip_stack *st, const ip_route *r, char *buf, size_t cap) {
    char dst[IPV4_TEXT_LEN], via[IPV4_TEXT_LEN], prefix[24];
    if (r->prefix_len == 0)
        snprintf(prefix, sizeof prefix, "default");
    else
        snprintf(prefix, sizeof prefix, "%s/%d", ipv4_format(r->dst, dst), r->prefix_len);
    if (r->has_via)
        snprintf(buf, cap, "%s via %s dev %s", prefix, ipv4_format(r->via, via),
                 st->ifaces[r->iface].port->name);
    else
        snprintf(buf, cap, "%s dev %s", prefix, st->ifaces[r->iface].port->name);
}

void ip_stack_deliver_local(ip_stack *st, uint32_t iface, frame *f, const ipv4_header *h) {
    const port *p = iface < st->n_ifaces ? st->ifaces[iface].port : &ip_loopback_port;
    if (h->protocol == IPPROTO_ICMP_NUM) {
        icmp_receive(st, iface, f, h);
        return;
    }
    if (h->protocol == IPPROTO_UDP_NUM) {
        udp_input(st, iface, f, h);
        return;
    }
    if (h->protocol == IPPROTO_TCP_NUM) {
        tcp_input(st, iface, f, h);
        return;
    }
    /* RFC 1122 section 3.2.2.1: an unknown protocol gets protocol unreachable. */
    char why[128];
    snprintf(why, sizeof why, _("no handler for IP protocol %u"), h->protocol);
    stack_drop_and_report(st, p, f, h, TRACE_REASON_PROTOCOL_UNREACHABLE, why,
                          ICMP_DEST_UNREACHABLE, ICMP_UNREACH_PROTOCOL);
}

/* Routes a packet that is not ours one hop further (RFC 1812 section 5.2). */
static void forward(ip_stack *st, uint32_t in, frame *f, const ipv4_header *h) {
    network *net = st->node->net;
    const port *p = st->ifaces[in].port;
    char why[256], text[IPV4_TEXT_LEN], detail[64];
    mac_addr eth_dst;
    memcpy(eth_dst.b, f->data, 6);
    if (mac_is_multicast(eth_dst)) {
        /* RFC 1812 5.3.4: a packet that arrived in a link-layer broadcast
         * (or multicast) is not forwarded, unless it is an IP multicast,
         * which this stack does not route. Linux's ip_forward drops it
         * silently (pkt_type != PACKET_HOST); no ICMP error either. */
        snprintf(why, sizeof why,
                 mac_is_broadcast(eth_dst)
                     ? _("unicast IP packet for %s arrived in a link-layer broadcast: not "
                         "forwarded (RFC 1812 5.3.4)")
                     : _("unicast IP packet for %s arrived in a link-layer multicast: not "
                         "forwarded (RFC 1812 5.3.4)"),
                 ipv4_format(h->dst, text));
        drop(st, p, f, TRACE_REASON_LINK_BROADCAST_NOT_FORWARDED, why);
        return;
    }
    if (h->ttl <= 1) {
        stack_drop_and_report(st, p, f, h, TRACE_REASON_TTL_EXPIRED, _("TTL expired in transit"),
                              ICMP_TIME_EXCEEDED, ICMP_TIME_EXCEEDED_TTL);
        return;
    }
    const ip_route *r = ip_stack_lookup(st, h->dst);
    if (!r) {
        snprintf(why, sizeof why, _("no route to %s"), ipv4_format(h->dst, text));
        stack_drop_and_report(st, p, f, h, TRACE_REASON_NO_ROUTE, why, ICMP_DEST_UNREACHABLE,
                              ICMP_UNREACH_NET);
        return;
    }
    if (!filter(st, FW_CHAIN_FORWARD, (int)in, p, f, h))
        return;
    ipv4_addr next_hop = r->has_via ? r->via : h->dst;
    port *out = st->ifaces[r->iface].port;
    if (net_tracing(net)) {
        if (r->has_via)
            snprintf(why, sizeof why, _("routed out of %s to next hop %s"), out->name,
                     ipv4_format(next_hop, text));
        else
            snprintf(why, sizeof why, _("routed out of %s, destination on that subnet"), out->name);
        snprintf(detail, sizeof detail, "TTL %u -> %u", h->ttl, h->ttl - 1);
        char route[96];
        route_format(st, r, route, sizeof route);
        trace_event ev = net_event(net, TRACE_FORWARD, st->node, p, f, why, detail);
        ev.has_ttl = true;
        ev.ttl_old = h->ttl;
        ev.ttl_new = (uint8_t)(h->ttl - 1);
        ev.route = route;
        trace_emit(net->trace, &ev);
    }
    ipv4_decrement_ttl(f->data + ETH_HEADER_LEN);
    f->l2_hops = 0; /* a new Ethernet frame starts here */
    /* Source NAT happens last, after routing and the TTL (Linux POSTROUTING). */
    if (st->nat && r->iface == nat_outside_iface(st->nat) && in != r->iface &&
        !nat_outbound(st->nat, f))
        return;
    eth_header eh = {.dst = MAC_ZERO, .src = out->mac, .ethertype = ETHERTYPE_IPV4};
    eth_emit(&eh, f->data);
    arp_resolve_and_send(st, r->iface, next_hop, f);
}

static bool is_broadcast_for(const ip_stack *st, uint32_t iface, ipv4_addr dst) {
    if (ipv4_is_limited_broadcast(dst))
        return true;
    if (iface >= st->n_ifaces || !st->ifaces[iface].has_ip)
        return false;
    const ip_iface *ifc = &st->ifaces[iface];
    return ifc->prefix_len < 31 && dst == (ifc->ip | ~ipv4_netmask(ifc->prefix_len));
}

static void ipv4_receive(ip_stack *st, uint32_t iface, frame *f) {
    const port *p = st->ifaces[iface].port;
    ipv4_header h;
    int rc = ipv4_header_parse(f->data + ETH_HEADER_LEN, f->len - ETH_HEADER_LEN, &h);
    if (rc != WIRE_OK) {
        char why[160];
        snprintf(why, sizeof why, _("bad IPv4 header (%s)"), _(wire_strerror(rc)));
        drop(st, p, f, stack_wire_reason(rc), why);
        return;
    }
    if (st->nat && iface == nat_outside_iface(st->nat) && h.dst == st->ifaces[iface].ip) {
        /* Destination NAT first (Linux PREROUTING): replies and port forwards
         * go on to the inside; anything else is for the NAT box itself. */
        nat_inbound_result r = nat_inbound(st->nat, f);
        if (r == NAT_IN_DROPPED)
            return;
        if (r == NAT_IN_TRANSLATED) {
            /* NAT rewrote the destination and the checksums, nothing else. */
            h.dst = ipv4_get_dst(f->data + ETH_HEADER_LEN);
            h.checksum = wire_get16(f->data + ETH_HEADER_LEN + IPV4_OFF_CHECKSUM);
            forward(st, iface, f, &h);
            return;
        }
    }
    if (ip_stack_iface_of_addr(st, h.dst) >= 0 || is_broadcast_for(st, iface, h.dst)) {
        if (filter(st, FW_CHAIN_IN, (int)iface, p, f, &h))
            ip_stack_deliver_local(st, iface, f, &h);
        return;
    }
    if (st->forwarding) {
        forward(st, iface, f, &h);
        return;
    }
    char why[192], text[IPV4_TEXT_LEN];
    snprintf(why, sizeof why, _("IP destination %s is not this host and it does not forward"),
             ipv4_format(h.dst, text));
    drop(st, p, f, TRACE_REASON_IP_NOT_OURS, why);
}

void ip_stack_receive(ip_stack *st, port *in, frame *f) {
    eth_header eh;
    if (eth_parse(f->data, f->len, &eh) != WIRE_OK) {
        drop(st, in, f, TRACE_REASON_TRUNCATED, _("runt frame"));
        return;
    }
    if (eh.ethertype == ETHERTYPE_ARP) {
        arp_receive(st, in->index, f);
    } else if (eh.ethertype == ETHERTYPE_IPV4) {
        ipv4_receive(st, in->index, f);
    } else {
        char why[128];
        snprintf(why, sizeof why, _("unknown EtherType 0x%04x"), eh.ethertype);
        drop(st, in, f, TRACE_REASON_UNKNOWN_ETHERTYPE, why);
    }
}

/* --- state --- */

/* Routes as `ip route` shows them: "default via 10.0.1.1 dev eth0 metric 0",
 * "10.0.1.0/24 dev eth0 scope link". */
static void route_rows(const ip_stack *st, ip_table_row_fn fn, void *ctx) {
    for (uint32_t i = 0; i < st->n_routes; i++) {
        const ip_route *r = &st->routes[i];
        char a[IPV4_TEXT_LEN], dst[24], value[96];
        if (r->prefix_len == 0 && r->dst == 0)
            snprintf(dst, sizeof dst, "default");
        else
            snprintf(dst, sizeof dst, "%s/%d", ipv4_format(r->dst, a), r->prefix_len);
        const char *dev = st->ifaces[r->iface].port->name;
        if (r->has_via)
            snprintf(value, sizeof value, "via %s dev %s metric %u", ipv4_format(r->via, a), dev,
                     r->metric);
        else
            snprintf(value, sizeof value, "dev %s scope link", dev);
        fn(ctx, "route", dst, value);
    }
}

void ip_stack_table_rows(const ip_stack *st, ip_table_row_fn fn, void *ctx) {
    for (uint32_t i = 0; i < st->n_ifaces; i++) {
        const ip_iface *ifc = &st->ifaces[i];
        char a[IPV4_TEXT_LEN], value[24];
        if (!ifc->has_ip)
            continue;
        snprintf(value, sizeof value, "%s/%d", ipv4_format(ifc->ip, a), ifc->prefix_len);
        fn(ctx, "address", ifc->port->name, value);
    }
    route_rows(st, fn, ctx);
    arp_table_rows(st, fn, ctx);
    if (st->nat)
        nat_table_rows(st->nat, fn, ctx);
    udp_table_rows(st, fn, ctx);
    tcp_table_rows(st, fn, ctx);
}

/* The routing table as `ip route` prints it (iproute2 print_route): fields
 * dst ("default" or "a.b.c.d/n"), via, dev, proto ("kernel" for a connected
 * route; a static route's "boot" is not printed, so not given), scope
 * ("link" without a gateway), src (connected routes: the interface's
 * address), metric (when not 0). */
static int route_show_order(const void *pa, const void *pb) {
    const ip_route *a = *(const ip_route *const *)pa, *b = *(const ip_route *const *)pb;
    if (a->dst != b->dst)
        return a->dst < b->dst ? -1 : 1;
    if (a->prefix_len != b->prefix_len)
        return a->prefix_len > b->prefix_len ? -1 : 1;
    if (a->metric != b->metric)
        return a->metric < b->metric ? -1 : 1;
    return a < b ? -1 : a > b; /* table order */
}

/* In the order Linux dumps its FIB trie: by destination address (so
 * "default" first), a longer prefix before a shorter one of the same
 * address, then by metric. */
static void route_show_rows(const ip_stack *st, trace_rows *rows) {
    const ip_route **order = malloc((st->n_routes ? st->n_routes : 1) * sizeof *order);
    if (!order)
        ns_out_of_memory();
    for (uint32_t i = 0; i < st->n_routes; i++)
        order[i] = &st->routes[i];
    qsort(order, st->n_routes, sizeof *order, route_show_order);
    for (uint32_t i = 0; i < st->n_routes; i++) {
        const ip_route *r = order[i];
        const ip_iface *ifc = &st->ifaces[r->iface];
        char a[IPV4_TEXT_LEN];
        trace_rows_begin(rows);
        if (r->prefix_len == 0 && r->dst == 0)
            trace_rows_add(rows, "dst", "default");
        else
            trace_rows_add(rows, "dst", "%s/%d", ipv4_format(r->dst, a), r->prefix_len);
        if (r->has_via)
            trace_rows_add(rows, "via", "%s", ipv4_format(r->via, a));
        trace_rows_add(rows, "dev", "%s", ifc->port->name);
        if (r->connected)
            trace_rows_add(rows, "proto", "kernel");
        if (!r->has_via)
            trace_rows_add(rows, "scope", "link");
        if (r->connected && ifc->has_ip)
            trace_rows_add(rows, "src", "%s", ipv4_format(ifc->ip, a));
        if (r->metric)
            trace_rows_add(rows, "metric", "%u", r->metric);
    }
    free(order);
}

/* Each interface as `ifconfig` shows it: name, then inet, netmask and
 * broadcast when it has an address, then the port's fields
 * (net_show_port). */
static void iface_show_rows(const ip_stack *st, trace_rows *rows) {
    for (uint32_t i = 0; i < st->n_ifaces; i++) {
        const ip_iface *ifc = &st->ifaces[i];
        char a[IPV4_TEXT_LEN];
        trace_rows_begin(rows);
        trace_rows_add(rows, "name", "%s", ifc->port->name);
        if (ifc->has_ip) {
            ipv4_addr mask = ipv4_netmask(ifc->prefix_len);
            trace_rows_add(rows, "inet", "%s", ipv4_format(ifc->ip, a));
            trace_rows_add(rows, "netmask", "%s", ipv4_format(mask, a));
            if (ifc->prefix_len < 31)
                trace_rows_add(rows, "broadcast", "%s", ipv4_format(ifc->ip | ~mask, a));
        }
        net_show_port(ifc->port, rows);
    }
}

bool ip_stack_show(const ip_stack *st, trace_show_table t, trace_rows *rows) {
    switch (t) {
    case TRACE_SHOW_INTERFACES:
        iface_show_rows(st, rows);
        return true;
    case TRACE_SHOW_ROUTE:
        route_show_rows(st, rows);
        return true;
    case TRACE_SHOW_ARP:
    case TRACE_SHOW_NEIGH:
        arp_show_rows(st, rows);
        return true;
    case TRACE_SHOW_NAT:
        if (!st->nat)
            return false;
        nat_show_rows(st->nat, rows);
        return true;
    case TRACE_SHOW_SOCKETS:
        tcp_show_rows(st, rows);
        udp_show_rows(st, rows);
        return true;
    case TRACE_SHOW_MAC:
    case TRACE_SHOW_COUNT_:
        break;
    }
    return false;
}

void ip_stack_write_state(const ip_stack *st, FILE *out) {
    char a[IPV4_TEXT_LEN], b[IPV4_TEXT_LEN], m[MAC_TEXT_LEN];
    fprintf(out, "  interfaces:\n");
    for (uint32_t i = 0; i < st->n_ifaces; i++) {
        const ip_iface *ifc = &st->ifaces[i];
        if (ifc->has_ip)
            fprintf(out, "    %-8s %s/%d  mac %s\n", ifc->port->name, ipv4_format(ifc->ip, a),
                    ifc->prefix_len, mac_format(ifc->port->mac, m));
        else
            fprintf(out, "    %-8s (no address)  mac %s\n", ifc->port->name,
                    mac_format(ifc->port->mac, m));
    }
    fprintf(out, "  routes:%s\n", st->n_routes ? "" : " (none)");
    for (uint32_t i = 0; i < st->n_routes; i++) {
        const ip_route *r = &st->routes[i];
        char dst[24];
        snprintf(dst, sizeof dst, "%s/%d", ipv4_format(r->dst, a), r->prefix_len);
        if (r->has_via)
            fprintf(out, "    %-18s via %-15s dev %s metric %u\n", dst, ipv4_format(r->via, b),
                    st->ifaces[r->iface].port->name, r->metric);
        else
            fprintf(out, "    %-18s dev %s%s\n", dst, st->ifaces[r->iface].port->name,
                    r->connected ? " (connected)" : "");
    }
    arp_write_state(st, out);
    if (st->fw)
        firewall_write_state(st->fw, out);
    if (st->nat)
        nat_write_state(st->nat, out);
    udp_write_state(st, out);
    tcp_write_state(st, out);
}
