/*
 * dhcp_client: INIT -> SELECTING -> REQUESTING -> BOUND (RFC 2131 figure 5,
 * without the renewal states).
 *
 * Invariants: a message is accepted only with our xid and our MAC in chaddr
 * (other clients' broadcasts reach us too); at most one retransmission timer
 * is pending; after BOUND or giving up nothing is sent again.
 */
#include "apps/dhcp_client.h"
#include "util/alloc.h"

#include <stdlib.h>
#include <string.h>

#include "apps/app.h"
#include "stack/udp.h"
#include "util/i18n.h"
#include "wire/dhcp.h"
#include "wire/wire.h"

/* Transmissions of one message: after waits of 4, 8, 16 and 32 s it gives
 * up, 60 s after the first, as dhclient's default "timeout 60". */
#define DHCP_CLIENT_TRIES 4

typedef enum {
    DHCP_CLIENT_INIT,
    DHCP_CLIENT_SELECTING,
    DHCP_CLIENT_REQUESTING,
    DHCP_CLIENT_BOUND,
    DHCP_CLIENT_FAILED,
} dhcp_client_state;

struct dhcp_client {
    netconf *nc;
    ip_stack *st;
    uint32_t iface;
    dhcp_client_state state;
    udp_socket *sock;
    uint32_t xid;
    uint32_t tries; /* transmissions of the current message */
    uint32_t naks;  /* DHCPNAKs so far: a server that refuses every time ends it */
    sim_time started;
    ipv4_addr offered, server;
    sim_event_id timer;
};

static sim *dhcp_client_sim(const dhcp_client *c) {
    return c->st->node->net->sim;
}

static const char *dhcp_client_ifname(const dhcp_client *c) {
    return c->st->ifaces[c->iface].port->name;
}

/* Seconds to wait after the n-th transmission (1-based): 4, 8, 16, 32. */
static uint32_t dhcp_client_interval(uint32_t n) {
    return 4u << (n - 1);
}

static void dhcp_client_on_timer(sim *s, void *a, void *b);

/* Broadcasts the message of the current state and arms the timer. */
static void dhcp_client_send(dhcp_client *c) {
    char a[IPV4_TEXT_LEN];
    sim *s = dhcp_client_sim(c);
    c->tries++;
    uint32_t interval = dhcp_client_interval(c->tries);
    dhcp_message m = {
        .op = BOOTP_OP_REQUEST,
        .xid = c->xid,
        .secs = (uint16_t)((sim_now(s) - c->started) / SIM_S),
        .broadcast = true,
        .chaddr = c->st->ifaces[c->iface].port->mac,
    };
    if (c->state == DHCP_CLIENT_SELECTING) {
        m.message_type = DHCP_DISCOVER;
        app_say(c->st, _("DHCPDISCOVER on %s to 255.255.255.255 port 67 interval %u"),
                dhcp_client_ifname(c), interval);
    } else {
        m.message_type = DHCP_REQUEST;
        m.requested_ip = c->offered;
        m.server_id = c->server;
        app_say(c->st, _("DHCPREQUEST for %s on %s to 255.255.255.255 port 67"),
                ipv4_format(c->offered, a), dhcp_client_ifname(c));
    }
    uint8_t buf[DHCP_BOOTP_LEN + 64];
    int len = dhcp_emit(&m, buf, sizeof buf);
    if (len > 0)
        udp_sendto_on(c->sock, c->iface, 0, 0xffffffffu, DHCP_SERVER_PORT, buf, (size_t)len);
    c->timer = sim_schedule(s, (sim_time)interval * SIM_S, dhcp_client_on_timer, c, NULL, NULL);
}

/* The client's failure result ("dhcp", "failed") on interface `c->iface`. */
static trace_rows *dhcp_client_failed(const dhcp_client *c, const char *error) {
    trace_rows *r = app_result("dhcp", "failed");
    trace_rows_add(r, "interface", "%s", dhcp_client_ifname(c));
    trace_rows_add(r, "error", "%s", error);
    return r;
}

static void dhcp_client_give_up(dhcp_client *c) {
    bool selecting = c->state == DHCP_CLIENT_SELECTING;
    app_say_result(c->st, dhcp_client_failed(c, selecting ? "no_offer" : "no_ack"),
                   selecting ? _("No DHCPOFFERS received.") : _("No DHCPACK received."));
    c->state = DHCP_CLIENT_FAILED;
    netconf_settle(c->nc);
}

static void dhcp_client_on_timer(sim *s, void *a, void *b) {
    (void)s;
    (void)b;
    dhcp_client *c = a;
    c->timer = 0;
    if (c->tries >= DHCP_CLIENT_TRIES)
        dhcp_client_give_up(c);
    else
        dhcp_client_send(c);
}

static void dhcp_client_discover(dhcp_client *c) {
    c->state = DHCP_CLIENT_SELECTING;
    c->tries = 0;
    c->xid = (uint32_t)rng_next(sim_rng(dhcp_client_sim(c)));
    dhcp_client_send(c);
}

/* A mask as a prefix length; without option 1, the class's (RFC 2131 says
 * nothing better, and Linux does the same). */
static int dhcp_client_prefix(ipv4_addr ip, ipv4_addr mask) {
    int len = mask ? ipv4_mask_to_prefix(mask) : -1;
    if (len > 0)
        return len;
    return (ip >> 31) == 0 ? 8 : (ip >> 30) == 2 ? 16 : 24;
}

/* The lease as a table change (table "dhcp", key the interface): the client
 * had none before (it neither renews nor rebinds). */
static void dhcp_client_trace_lease(dhcp_client *c, const dhcp_message *m) {
    char a[IPV4_TEXT_LEN], s[IPV4_TEXT_LEN], value[48], detail[192];
    sim_time until = sim_now(dhcp_client_sim(c)) + (sim_time)m->lease_time * SIM_S;
    snprintf(value, sizeof value, "%s until %llu.%09llu", ipv4_format(m->yiaddr, a),
             (unsigned long long)(until / SIM_S), (unsigned long long)(until % SIM_S));
    snprintf(detail, sizeof detail, _("lease on %s: %s from %s"), dhcp_client_ifname(c), value,
             ipv4_format(c->server, s));
    trace_change change = {
        .table = TRACE_TABLE_DHCP, .key = dhcp_client_ifname(c), .new_value = value};
    net_trace_change(c->st->node->net, TRACE_TABLE, c->st->node, c->st->ifaces[c->iface].port, NULL,
                     &change, _("DHCPACK: lease bound"), detail);
}

static void dhcp_client_bind(dhcp_client *c, const dhcp_message *m) {
    char a[IPV4_TEXT_LEN];
    sim_cancel(dhcp_client_sim(c), c->timer);
    c->timer = 0;
    c->state = DHCP_CLIENT_BOUND;
    dhcp_client_trace_lease(c, m);
    ip_stack_configure(c->st, c->iface, m->yiaddr, dhcp_client_prefix(m->yiaddr, m->subnet_mask),
                       m->router);
    if (m->dns_count)
        netconf_offer_dns(c->nc, m->dns_servers[0]);
    trace_rows *r = app_result("dhcp", "bound");
    trace_rows_add(r, "address", "%s", ipv4_format(m->yiaddr, a));
    trace_rows_add(r, "server", "%s", ipv4_format(c->server, a));
    if (m->router)
        trace_rows_add(r, "router", "%s", ipv4_format(m->router, a));
    trace_rows_add(r, "prefix", "%d", dhcp_client_prefix(m->yiaddr, m->subnet_mask));
    if (m->dns_count)
        trace_rows_add(r, "dns", "%s", ipv4_format(m->dns_servers[0], a));
    trace_rows_add(r, "lease", "%lu", (unsigned long)m->lease_time);
    trace_rows_add(r, "interface", "%s", dhcp_client_ifname(c));
    app_say_result(c->st, r, _("bound to %s -- lease %lu seconds."), ipv4_format(m->yiaddr, a),
                   (unsigned long)m->lease_time);
    netconf_settle(c->nc);
}

static void dhcp_client_on_datagram(void *ctx, udp_socket *s, ipv4_addr src, uint16_t src_port,
                                    const uint8_t *data, size_t len) {
    (void)s;
    (void)src_port;
    dhcp_client *c = ctx;
    dhcp_message m;
    char a[IPV4_TEXT_LEN], b[IPV4_TEXT_LEN];
    if (dhcp_parse(data, len, &m) != WIRE_OK || m.op != BOOTP_OP_REPLY || m.xid != c->xid ||
        !mac_equal(m.chaddr, c->st->ifaces[c->iface].port->mac))
        return; /* another client's exchange, heard by broadcast */
    ipv4_addr server = m.server_id ? m.server_id : src;
    if (c->state == DHCP_CLIENT_SELECTING && m.message_type == DHCP_OFFER && m.yiaddr) {
        app_say(c->st, _("DHCPOFFER of %s from %s"), ipv4_format(m.yiaddr, a),
                ipv4_format(server, b));
        sim_cancel(dhcp_client_sim(c), c->timer);
        c->timer = 0;
        c->offered = m.yiaddr;
        c->server = server;
        c->state = DHCP_CLIENT_REQUESTING;
        c->tries = 0;
        dhcp_client_send(c);
    } else if (c->state == DHCP_CLIENT_REQUESTING && server == c->server) {
        if (m.message_type == DHCP_ACK && m.yiaddr == c->offered) {
            app_say(c->st, _("DHCPACK of %s from %s"), ipv4_format(m.yiaddr, a),
                    ipv4_format(server, b));
            dhcp_client_bind(c, &m);
        } else if (m.message_type == DHCP_NAK) {
            app_say(c->st, _("DHCPNAK from %s"), ipv4_format(server, b));
            sim_cancel(dhcp_client_sim(c), c->timer);
            c->timer = 0;
            if (++c->naks >= DHCP_CLIENT_TRIES)
                dhcp_client_give_up(c);
            else
                dhcp_client_discover(c);
        }
    }
}

static void dhcp_client_start(sim *s, void *a, void *b) {
    (void)b;
    dhcp_client *c = a;
    c->started = sim_now(s);
    if (udp_bind(c->st, DHCP_CLIENT_PORT, dhcp_client_on_datagram, c, &c->sock) != 0) {
        app_say_result(c->st, dhcp_client_failed(c, ip_stack_errname(IP_ERR_ADDRINUSE)),
                       _("dhclient: bind UDP port 68: Address already in use"));
        c->state = DHCP_CLIENT_FAILED;
        netconf_settle(c->nc);
        return;
    }
    dhcp_client_discover(c);
}

dhcp_client *dhcp_client_new(netconf *nc, uint32_t iface, sim_time at) {
    dhcp_client *c = calloc(1, sizeof *c);
    if (!c)
        ns_out_of_memory();
    c->nc = nc;
    c->st = netconf_stack(nc);
    c->iface = iface;
    sim_schedule_at(c->st->node->net->sim, at, dhcp_client_start, c, NULL, NULL);
    return c;
}

void dhcp_client_free(void *c) {
    free(c);
}
