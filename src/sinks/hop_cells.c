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

void hop__format_net(const hop_header *h, char buf[NET_TEXT_LEN]) {
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

void hop__format_ttl(const hop_header *h, char buf[TTL_TEXT_LEN]) {
    if (h->net == HOP_NET_IPV4)
        buf[text_put_u64(buf, h->ttl)] = '\0'; /* at most 3 digits */
    else
        memcpy(buf, "-", 2);
}

static bool addresses_changed(const hop_header *h, const hop_header *p) {
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
    const hop_header *hh = hop__hdr(t, h), *ph = hop__hdr(t, p);
    bool both_ip = hh->net == HOP_NET_IPV4 && ph->net == HOP_NET_IPV4;
    bool mac_changed = !mac_equal(hh->eth_src, ph->eth_src) || !mac_equal(hh->eth_dst, ph->eth_dst);
    bool ttl_changed = both_ip && hh->ttl != ph->ttl;
    bool src_changed = hh->src != ph->src || (hh->has_ports && hh->sport != ph->sport);
    bool dst_changed = hh->dst != ph->dst || (hh->has_ports && hh->dport != ph->dport);
    if (addresses_changed(hh, ph) && both_ip && hh->has_ports == ph->has_ports &&
        src_changed != dst_changed) {
        /* A NAT box rewrites one end: name just that end, before and after. */
        char was[ENDPOINT_LEN], now[ENDPOINT_LEN];
        bool ports =
            hh->has_ports && (src_changed ? hh->sport != ph->sport : hh->dport != ph->dport);
        hop_format_endpoint(src_changed ? ph->src : ph->dst, hh->has_ports,
                            src_changed ? ph->sport : ph->dport, was, sizeof was);
        hop_format_endpoint(src_changed ? hh->src : hh->dst, hh->has_ports,
                            src_changed ? hh->sport : hh->dport, now, sizeof now);
        const char *fmt =
            /* TRANSLATORS: the hop table's change cell at a NAT box: device,
             * old and new address (ip:port). */
            ports ? _("IP and port rewritten by %s: %s -> %s") : _("IP rewritten by %s: %s -> %s");
        strbuf_fmt(b, fmt, d, was, now);
        kind = HOP_CHANGE_IP;
    } else if (addresses_changed(hh, ph)) {
        char was[NET_TEXT_LEN], now[NET_TEXT_LEN];
        hop__format_net(ph, was);
        hop__format_net(hh, now);
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
        strbuf_fmt(b, _(", TTL %u -> %u"), (unsigned)ph->ttl, (unsigned)hh->ttl);
    return kind;
}
