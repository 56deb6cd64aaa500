/*
 * dhcp_server: the pool (two maps: MAC -> binding, address -> MAC) and the
 * message handling of RFC 2131 section 4.3.
 *
 * Invariants: every address in `by_ip` is in the pool and belongs to exactly
 * the binding of `by_mac` that names it; `lowest` is at or below the lowest
 * free address, so allocation scans upward from it.
 */
#include "apps/dhcp_server.h"
#include "util/alloc.h"

#include <stdlib.h>
#include <string.h>

#include "apps/app.h"
#include "stack/udp.h"
#include "util/i18n.h"
#include "util/u64map.h"
#include "wire/dhcp.h"
#include "wire/wire.h"

typedef struct dhcp_binding {
    ipv4_addr ip;
    bool leased;    /* false: offered only */
    sim_time until; /* when leased: the end of the lease (set by the server) */
} dhcp_binding;

struct dhcp_pool {
    ipv4_addr lo, hi, lowest;
    u64map *by_mac; /* mac_to_u64 -> dhcp_binding */
    u64map *by_ip;  /* address -> mac_to_u64 */
};

dhcp_pool *dhcp_pool_new(ipv4_addr lo, ipv4_addr hi) {
    dhcp_pool *p = calloc(1, sizeof *p);
    if (!p)
        ns_out_of_memory();
    p->lo = lo;
    p->hi = hi;
    p->lowest = lo;
    p->by_mac = u64map_new(sizeof(dhcp_binding));
    p->by_ip = u64map_new(sizeof(uint64_t));
    if (!p->by_mac || !p->by_ip)
        ns_out_of_memory();
    return p;
}

void dhcp_pool_free(dhcp_pool *p) {
    if (!p)
        return;
    u64map_free(p->by_mac);
    u64map_free(p->by_ip);
    free(p);
}

static bool dhcp_pool_holds(const dhcp_pool *p, ipv4_addr ip) {
    return ip >= p->lo && ip <= p->hi;
}

static bool dhcp_pool_free_addr(const dhcp_pool *p, ipv4_addr ip) {
    return dhcp_pool_holds(p, ip) && !u64map_get(p->by_ip, ip);
}

static void dhcp_pool_bind(dhcp_pool *p, mac_addr mac, ipv4_addr ip, bool leased) {
    uint64_t key = mac_to_u64(mac);
    dhcp_binding *b = u64map_put(p->by_mac, key, NULL);
    if (b->ip && b->ip != ip)
        u64map_remove(p->by_ip, b->ip);
    b->ip = ip;
    b->leased = leased;
    *(uint64_t *)u64map_put(p->by_ip, ip, NULL) = key;
}

ipv4_addr dhcp_pool_offer(dhcp_pool *p, mac_addr mac, ipv4_addr requested) {
    dhcp_binding *b = u64map_get(p->by_mac, mac_to_u64(mac));
    if (b)
        return b->ip;
    ipv4_addr ip = 0;
    if (requested && dhcp_pool_free_addr(p, requested)) {
        ip = requested;
    } else {
        while (p->lowest <= p->hi && !dhcp_pool_free_addr(p, p->lowest)) {
            if (p->lowest == p->hi)
                return 0;
            p->lowest++;
        }
        if (p->lowest > p->hi)
            return 0;
        ip = p->lowest;
    }
    dhcp_pool_bind(p, mac, ip, false);
    return ip;
}

bool dhcp_pool_request(dhcp_pool *p, mac_addr mac, ipv4_addr ip) {
    dhcp_binding *b = u64map_get(p->by_mac, mac_to_u64(mac));
    if (b && b->ip != ip)
        return false; /* it was offered another address */
    if (!b && !dhcp_pool_free_addr(p, ip))
        return false;
    dhcp_pool_bind(p, mac, ip, true);
    return true;
}

void dhcp_pool_release(dhcp_pool *p, mac_addr mac) {
    uint64_t key = mac_to_u64(mac);
    dhcp_binding *b = u64map_get(p->by_mac, key);
    if (!b)
        return;
    u64map_remove(p->by_ip, b->ip);
    if (b->ip < p->lowest)
        p->lowest = b->ip;
    u64map_remove(p->by_mac, key);
}

ipv4_addr dhcp_pool_lease_of(const dhcp_pool *p, mac_addr mac) {
    const dhcp_binding *b = u64map_get(p->by_mac, mac_to_u64(mac));
    return b && b->leased ? b->ip : 0;
}

/* ---- the server ---------------------------------------------------------- */

struct dhcp_server {
    ip_stack *st;
    const model_dhcp_server *cfg;
    dhcp_pool *pool;
    udp_socket *sock;
};

static ipv4_addr dhcp_server_addr(const dhcp_server *srv) {
    return srv->st->ifaces[srv->cfg->iface].ip;
}

static const char *dhcp_server_ifname(const dhcp_server *srv) {
    return srv->st->ifaces[srv->cfg->iface].port->name;
}

/* ---- the lease table as the trace shows it ------------------------------ */

/* A client's entry as it was before a step, to trace what the step changed. */
typedef struct lease_snapshot {
    bool exists;
    dhcp_binding b;
} lease_snapshot;

static lease_snapshot lease_snapshot_of(const dhcp_server *srv, mac_addr mac) {
    const dhcp_binding *b = u64map_get(srv->pool->by_mac, mac_to_u64(mac));
    lease_snapshot snap = {.exists = b != NULL};
    if (b)
        snap.b = *b;
    return snap;
}

/* "192.168.1.100 offered", "192.168.1.100 until 3600.000181680". */
static const char *lease_text(const dhcp_binding *b, char *buf, size_t cap) {
    char a[IPV4_TEXT_LEN];
    ipv4_format(b->ip, a);
    if (b->leased)
        snprintf(buf, cap, "%s until %llu.%09llu", a, (unsigned long long)(b->until / SIM_S),
                 (unsigned long long)(b->until % SIM_S));
    else
        snprintf(buf, cap, "%s offered", a);
    return buf;
}

/* Traces the change a step made to `mac`'s entry since `before` (table
 * "dhcp", key the client's MAC); nothing when the step left it as it was. */
static void lease_trace_change(dhcp_server *srv, mac_addr mac, const lease_snapshot *before,
                               const char *why) {
    lease_snapshot after = lease_snapshot_of(srv, mac);
    if (after.exists == before->exists &&
        (!after.exists || (after.b.ip == before->b.ip && after.b.leased == before->b.leased &&
                           after.b.until == before->b.until)))
        return;
    char key[MAC_TEXT_LEN], old_value[48], new_value[48], detail[224];
    mac_format(mac, key);
    trace_change c = {
        .table = TRACE_TABLE_DHCP,
        .key = key,
        .old_value = before->exists ? lease_text(&before->b, old_value, sizeof old_value) : NULL,
        .new_value = after.exists ? lease_text(&after.b, new_value, sizeof new_value) : NULL,
    };
    if (c.new_value)
        snprintf(detail, sizeof detail, _("lease of %s: %s"), key, c.new_value);
    else
        snprintf(detail, sizeof detail, _("lease of %s removed (was %s)"), key, c.old_value);
    net_trace_change(srv->st->node->net, TRACE_TABLE, srv->st->node,
                     srv->st->ifaces[srv->cfg->iface].port, NULL, &c, why, detail);
}

/* Sends a reply of `type` about `req`: broadcast while the client has no
 * address (RFC 2131 4.1, "If 'giaddr' is zero and 'ciaddr' is zero ..."),
 * unicast to ciaddr otherwise. */
static void dhcp_server_reply(dhcp_server *srv, const dhcp_message *req, uint8_t type,
                              ipv4_addr yiaddr) {
    const model_dhcp_server *cfg = srv->cfg;
    const ip_iface *ifc = &srv->st->ifaces[cfg->iface];
    dhcp_message m = {
        .op = BOOTP_OP_REPLY,
        .xid = req->xid,
        .broadcast = req->broadcast,
        .ciaddr = type == DHCP_NAK ? 0 : req->ciaddr,
        .yiaddr = yiaddr,
        .giaddr = req->giaddr,
        .chaddr = req->chaddr,
        .message_type = type,
        .server_id = ifc->ip,
    };
    if (type != DHCP_NAK) {
        m.lease_time = cfg->lease_s;
        m.subnet_mask = ipv4_netmask(ifc->prefix_len);
        m.router = cfg->router;
        m.dns_count = (uint8_t)cfg->n_dns;
        memcpy(m.dns_servers, cfg->dns, cfg->n_dns * sizeof cfg->dns[0]);
    }
    uint8_t buf[DHCP_BOOTP_LEN + 64];
    int len = dhcp_emit(&m, buf, sizeof buf);
    if (len < 0)
        return;
    ipv4_addr dst = req->ciaddr && type != DHCP_NAK ? req->ciaddr : 0xffffffffu;
    udp_sendto_on(srv->sock, (uint32_t)cfg->iface, ifc->ip, dst, DHCP_CLIENT_PORT, buf,
                  (size_t)len);
}

static void dhcp_server_on_request(dhcp_server *srv, const dhcp_message *m, const char *ifn,
                                   const char *mac) {
    char a[IPV4_TEXT_LEN];
    lease_snapshot before = lease_snapshot_of(srv, m->chaddr);
    if (m->server_id && m->server_id != dhcp_server_addr(srv)) {
        /* RFC 2131 4.3.2: the client chose another server's offer. */
        dhcp_pool_release(srv->pool, m->chaddr);
        lease_trace_change(srv, m->chaddr, &before, _("the client chose another server's offer"));
        return;
    }
    ipv4_addr ip = m->requested_ip ? m->requested_ip : m->ciaddr;
    app_say(srv->st, "DHCPREQUEST(%s) %s %s", ifn, ipv4_format(ip, a), mac);
    if (!m->server_id && !dhcp_pool_lease_of(srv->pool, m->chaddr) &&
        dhcp_pool_holds(srv->pool, ip))
        return; /* INIT-REBOOT for a lease we never gave: RFC 2131 says stay silent */
    if (ip && dhcp_pool_request(srv->pool, m->chaddr, ip)) {
        dhcp_binding *b = u64map_get(srv->pool->by_mac, mac_to_u64(m->chaddr));
        b->until = sim_now(srv->st->node->net->sim) + (sim_time)srv->cfg->lease_s * SIM_S;
        lease_trace_change(srv, m->chaddr, &before, _("DHCPREQUEST granted: address leased"));
        app_say(srv->st, "DHCPACK(%s) %s %s", ifn, a, mac);
        dhcp_server_reply(srv, m, DHCP_ACK, ip);
    } else {
        app_say(srv->st, _("DHCPNAK(%s) %s %s address not available"), ifn, a, mac);
        dhcp_server_reply(srv, m, DHCP_NAK, 0);
    }
}

static void dhcp_server_on_datagram(void *ctx, udp_socket *s, ipv4_addr src, uint16_t src_port,
                                    const uint8_t *data, size_t len) {
    (void)src;
    (void)src_port;
    dhcp_server *srv = ctx;
    dhcp_message m;
    char mac[MAC_TEXT_LEN], a[IPV4_TEXT_LEN];
    if (dhcp_parse(data, len, &m) != WIRE_OK || m.op != BOOTP_OP_REQUEST)
        return; /* not a client's message: dnsmasq ignores it too */
    mac_format(m.chaddr, mac);
    uint32_t in = udp_rx_iface(s);
    const char *ifn = in < srv->st->n_ifaces ? srv->st->ifaces[in].port->name : "lo";
    if (in != srv->cfg->iface) {
        app_say(srv->st, _("no address range available for DHCP request via %s"), ifn);
        return;
    }
    ifn = dhcp_server_ifname(srv);
    switch (m.message_type) {
    case DHCP_DISCOVER: {
        app_say(srv->st, "DHCPDISCOVER(%s) %s", ifn, mac);
        lease_snapshot before = lease_snapshot_of(srv, m.chaddr);
        ipv4_addr ip = dhcp_pool_offer(srv->pool, m.chaddr, m.requested_ip);
        lease_trace_change(srv, m.chaddr, &before,
                           _("DHCPDISCOVER: address reserved for an offer"));
        if (!ip) {
            app_say(srv->st, _("DHCPDISCOVER(%s) %s no address available"), ifn, mac);
            return;
        }
        app_say(srv->st, "DHCPOFFER(%s) %s %s", ifn, ipv4_format(ip, a), mac);
        dhcp_server_reply(srv, &m, DHCP_OFFER, ip);
        return;
    }
    case DHCP_REQUEST:
        dhcp_server_on_request(srv, &m, ifn, mac);
        return;
    case DHCP_RELEASE: {
        app_say(srv->st, "DHCPRELEASE(%s) %s %s", ifn, ipv4_format(m.ciaddr, a), mac);
        lease_snapshot before = lease_snapshot_of(srv, m.chaddr);
        dhcp_pool_release(srv->pool, m.chaddr);
        lease_trace_change(srv, m.chaddr, &before, _("DHCPRELEASE: address freed"));
        return;
    }
    default: {
        /* dnsmasq spells the types in capitals: DHCPINFORM, DHCPDECLINE. */
        char name[16];
        snprintf(name, sizeof name, "%s", dhcp_message_type_name(m.message_type));
        for (char *c = name; *c; c++)
            if (*c >= 'a' && *c <= 'z')
                *c = (char)(*c - 'a' + 'A');
        app_say(srv->st, _("DHCP%s(%s) %s ignored (not supported here)"), name, ifn, mac);
        return;
    }
    }
}

static void dhcp_server_start(sim *s, void *a, void *b) {
    (void)s;
    (void)b;
    dhcp_server *srv = a;
    if (udp_bind(srv->st, DHCP_SERVER_PORT, dhcp_server_on_datagram, srv, &srv->sock) != 0)
        app_say(srv->st, _("dhcp server: bind UDP port 67: Address already in use"));
}

dhcp_server *dhcp_server_new(ip_stack *st, const model_dhcp_server *cfg, sim_time at) {
    dhcp_server *srv = calloc(1, sizeof *srv);
    if (!srv)
        ns_out_of_memory();
    srv->st = st;
    srv->cfg = cfg;
    srv->pool = dhcp_pool_new(cfg->pool_lo, cfg->pool_hi);
    sim_schedule_at(st->node->net->sim, at, dhcp_server_start, srv, NULL, NULL);
    return srv;
}

void dhcp_server_free(void *p) {
    dhcp_server *srv = p;
    if (!srv)
        return;
    dhcp_pool_free(srv->pool);
    free(srv);
}
