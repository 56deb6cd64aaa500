/*
 * hop_cells: the cell texts every hop-table format shares (text tables,
 * paths.json, the diagrams' rows): addresses, TTL, and the change column,
 * whose rules are in docs/hop-table.md.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "sinks/hop_internal.h"
#include "util/i18n.h"

void hop_format_endpoint(ipv4_addr a, bool has_port, uint16_t port, char *buf, size_t cap) {
    char text[IPV4_ENDPOINT_TEXT_LEN];
    const char *t = has_port ? ipv4_format_endpoint(a, port, text) : ipv4_format(a, text);
    size_t n = strlen(t);
    if (cap == 0)
        return;
    if (n >= cap)
        n = cap - 1;
    memcpy(buf, t, n);
    buf[n] = '\0';
}

void hop__format_net(const hop_rec *h, char buf[NET_TEXT_LEN]) {
    if (h->net == HOP_NET_NONE) {
        memcpy(buf, "-", 2);
        return;
    }
    /* Two endpoints of at most 21 characters and " > " fit NET_TEXT_LEN. */
    char *p = buf;
    char src[ENDPOINT_LEN], dst[ENDPOINT_LEN];
    hop_format_endpoint(h->src, h->has_ports, h->sport, src, sizeof src);
    hop_format_endpoint(h->dst, h->has_ports, h->dport, dst, sizeof dst);
    size_t n = strlen(src);
    memcpy(p, src, n);
    p += n;
    memcpy(p, " > ", 3);
    p += 3;
    memcpy(p, dst, strlen(dst) + 1);
}

void hop__format_ttl(const hop_rec *h, char buf[TTL_TEXT_LEN]) {
    if (h->net == HOP_NET_IPV4)
        buf[text_put_u64(buf, h->ttl)] = '\0'; /* at most 3 digits */
    else
        memcpy(buf, "-", 2);
}

static bool addresses_changed(const hop_rec *h, const hop_rec *p) {
    if (h->net != p->net || h->src != p->src || h->dst != p->dst || h->has_ports != p->has_ports)
        return true;
    return h->has_ports && (h->sport != p->sport || h->dport != p->dport);
}

hop_change hop__format_change(resolver *r, const hop_rec *h, const hop_rec *p) {
    const hop_table *t = r->t;
    const char *d = t->links[h->link].device[h->side];
    strbuf *b = &r->text;
    hop_change kind;
    strbuf_clear(b);
    if (!p) {
        strbuf_fmt(b, _("sent by %s"), d);
        return HOP_CHANGE_SENT;
    }
    bool both_ip = h->net == HOP_NET_IPV4 && p->net == HOP_NET_IPV4;
    bool mac_changed = !mac_equal(h->eth_src, p->eth_src) || !mac_equal(h->eth_dst, p->eth_dst);
    bool ttl_changed = both_ip && h->ttl != p->ttl;
    bool src_changed = h->src != p->src || (h->has_ports && h->sport != p->sport);
    bool dst_changed = h->dst != p->dst || (h->has_ports && h->dport != p->dport);
    if (addresses_changed(h, p) && both_ip && h->has_ports == p->has_ports &&
        src_changed != dst_changed) {
        /* A NAT box rewrites one end: name just that end, before and after. */
        char was[ENDPOINT_LEN], now[ENDPOINT_LEN];
        bool ports = h->has_ports && (src_changed ? h->sport != p->sport : h->dport != p->dport);
        hop_format_endpoint(src_changed ? p->src : p->dst, h->has_ports,
                            src_changed ? p->sport : p->dport, was, sizeof was);
        hop_format_endpoint(src_changed ? h->src : h->dst, h->has_ports,
                            src_changed ? h->sport : h->dport, now, sizeof now);
        const char *fmt =
            /* TRANSLATORS: the hop table's change cell at a NAT box: device,
             * old and new address (ip:port). */
            ports ? _("IP and port rewritten by %s: %s -> %s") : _("IP rewritten by %s: %s -> %s");
        strbuf_fmt(b, fmt, d, was, now);
        kind = HOP_CHANGE_IP;
    } else if (addresses_changed(h, p)) {
        char was[NET_TEXT_LEN], now[NET_TEXT_LEN];
        hop__format_net(p, was);
        hop__format_net(h, now);
        strbuf_fmt(b,
                   both_ip ? _("IP rewritten by %s: %s becomes %s")
                           : _("addresses rewritten by %s: %s becomes %s"),
                   d, was, now);
        kind = both_ip ? HOP_CHANGE_IP : HOP_CHANGE_ADDRESSES;
    } else if (mac_changed) {
        /* TRANSLATORS: a router's hop: new MAC addresses, the same IP ones. */
        strbuf_fmt(b, both_ip ? _("MAC rewritten by %s, IP unchanged") : _("MAC rewritten by %s"),
                   d);
        kind = HOP_CHANGE_MAC;
    } else if (t->devices[hop__from_dev(t, h)].is_hub) {
        strbuf_fmt(b, _("repeated by %s"), d);
        kind = HOP_CHANGE_REPEATED;
    } else if (ttl_changed) {
        strbuf_fmt(b, _("forwarded by %s, MAC and IP unchanged"), d);
        kind = HOP_CHANGE_FORWARDED;
    } else {
        strbuf_fmt(b, _("forwarded by %s, unchanged"), d);
        kind = HOP_CHANGE_FORWARDED;
    }
    if (ttl_changed)
        /* TRANSLATORS: appended to the change cell when the TTL went down. */
        strbuf_fmt(b, _(", TTL %u -> %u"), (unsigned)p->ttl, (unsigned)h->ttl);
    return kind;
}
