/*
 * arp: the ARP cache and protocol (RFC 826), as Linux behaves by default:
 *  - a request is broadcast, then repeated every arp_retry until arp_retries
 *    requests went unanswered; then the entry fails, its waiting packets are
 *    dropped and each one's source is told "host unreachable";
 *  - packets waiting for an address queue on its entry (at most arp_queue; the
 *    oldest is dropped beyond that, as Linux's unres_qlen does);
 *  - on any ARP packet an existing entry for the sender is updated (the RFC's
 *    merge flag); a new entry is created only when the packet targets us;
 *  - a resolved entry lives arp_lifetime, then is looked up again (lazily).
 * Timers refer to entries by IP address, never by pointer: the cache's storage
 * moves as it grows.
 */
#include <stdlib.h>
#include <string.h>

#include "stack/internal.h"
#include "util/alloc.h"
#include "wire/arp.h"
#include "wire/ethernet.h"
#include "wire/icmp.h"
#include "wire/wire.h"

static arp_entry *entry_get(const ip_stack *st, ipv4_addr ip) {
    return u64map_get(st->arp, ip);
}

/* Traces a change of the entry for `ip`: `old_value` and `new_value` are MAC
 * texts, "incomplete", or NULL (no entry before / removed). */
static void trace_arp(ip_stack *st, uint32_t iface, ipv4_addr ip, const char *old_value,
                      const char *new_value, const char *why, const char *detail) {
    char key[IPV4_TEXT_LEN];
    trace_change c = {.table = TRACE_TABLE_ARP,
                      .key = ipv4_format(ip, key),
                      .old_value = old_value,
                      .new_value = new_value};
    net_trace_change(st->node->net, TRACE_ARP, st->node, st->ifaces[iface].port, NULL, &c, why,
                     detail);
}

static void send_frame(ip_stack *st, uint32_t iface, frame *f, mac_addr dst, const char *why) {
    memcpy(f->data, dst.b, 6);
    port *p = st->ifaces[iface].port;
    net_trace(st->node->net, TRACE_SEND, st->node, p, f, why, NULL);
    port_send(p, f);
}

static frame *arp_frame(ip_stack *st, uint32_t iface, uint16_t op, mac_addr eth_dst,
                        mac_addr target_mac, ipv4_addr target_ip) {
    const ip_iface *ifc = &st->ifaces[iface];
    frame *f = frame_new(ETH_MIN_FRAME_LEN); /* 42 bytes padded to 60 */
    eth_header eh = {.dst = eth_dst, .src = ifc->port->mac, .ethertype = ETHERTYPE_ARP};
    eth_emit(&eh, f->data);
    arp_packet ap = {.op = op,
                     .sender_mac = ifc->port->mac,
                     .sender_ip = ifc->ip,
                     .target_mac = target_mac,
                     .target_ip = target_ip};
    arp_emit(&ap, f->data + ETH_HEADER_LEN);
    f->packet_id = network_new_packet_id(st->node->net);
    return f;
}

static void on_retry(sim *s, void *a, void *b);

static void send_request(ip_stack *st, arp_entry *e) {
    char why[64] = "", text[IPV4_TEXT_LEN];
    e->requests_sent++;
    if (!net_tracing(st->node->net))
        ; /* nobody reads the why */
    else if (e->requests_sent == 1)
        snprintf(why, sizeof why, "ARP cache has no entry for %s", ipv4_format(e->ip, text));
    else
        snprintf(why, sizeof why, "no reply yet: request %u of %u", e->requests_sent,
                 st->arp_retries);
    frame *f = arp_frame(st, e->iface, ARP_OP_REQUEST, MAC_BROADCAST, MAC_ZERO, e->ip);
    send_frame(st, e->iface, f, MAC_BROADCAST, why);
    e->retry_ev = sim_schedule(st->node->net->sim, st->arp_retry, on_retry, st,
                               (void *)(uintptr_t)e->ip, NULL);
}

/* Resolution failed: drop what waited, and report it (RFC 1812 section 4.3.3.1). */
static void fail_entry(ip_stack *st, ipv4_addr ip) {
    arp_entry e = *entry_get(st, ip);
    u64map_remove(st->arp, ip);
    char why[96], detail[64], text[IPV4_TEXT_LEN];
    ipv4_format(ip, text);
    snprintf(detail, sizeof detail, "removed incomplete entry for %s", text);
    trace_arp(st, e.iface, ip, "incomplete", NULL, "resolution failed", detail);
    snprintf(why, sizeof why, "ARP: no reply from %s after %u requests", text, e.requests_sent);
    for (uint32_t i = 0; i < e.n_pending; i++) {
        /* A waiting packet is on its way out: its header was not parsed on
         * the way in (it may be our own), so it is parsed for the error here. */
        frame *f = e.pending[i];
        ipv4_header h;
        bool valid =
            ipv4_header_parse(f->data + ETH_HEADER_LEN, f->len - ETH_HEADER_LEN, &h) == WIRE_OK;
        stack_drop_and_report(st, st->ifaces[e.iface].port, f, valid ? &h : NULL,
                              TRACE_REASON_ARP_TIMEOUT, why, ICMP_DEST_UNREACHABLE,
                              ICMP_UNREACH_HOST);
    }
    free(e.pending);
}

static void on_retry(sim *s, void *a, void *b) {
    (void)s;
    ip_stack *st = a;
    ipv4_addr ip = (ipv4_addr)(uintptr_t)b;
    arp_entry *e = entry_get(st, ip);
    if (!e || e->state != ARP_INCOMPLETE)
        return;
    if (e->requests_sent < st->arp_retries)
        send_request(st, e);
    else
        fail_entry(st, ip);
}

/* A usable entry for ip, dropping it first if it has expired. */
static arp_entry *lookup(ip_stack *st, ipv4_addr ip) {
    arp_entry *e = entry_get(st, ip);
    if (e && e->state == ARP_REACHABLE && sim_now(st->node->net->sim) >= e->expires) {
        char detail[64], text[IPV4_TEXT_LEN], m[MAC_TEXT_LEN];
        snprintf(detail, sizeof detail, "entry for %s expired", ipv4_format(ip, text));
        trace_arp(st, e->iface, ip, mac_format(e->mac, m), NULL, "entry older than the ARP timeout",
                  detail);
        u64map_remove(st->arp, ip);
        return NULL;
    }
    return e;
}

void arp_resolve_and_send(ip_stack *st, uint32_t iface, ipv4_addr next_hop, frame *f) {
    network *net = st->node->net;
    const ip_iface *ifc = &st->ifaces[iface];
    if (ipv4_is_limited_broadcast(next_hop) ||
        (ifc->has_ip && ifc->prefix_len < 31 &&
         next_hop == (ifc->ip | ~ipv4_netmask(ifc->prefix_len)))) {
        send_frame(st, iface, f, MAC_BROADCAST, "IP broadcast goes to the broadcast MAC");
        return;
    }
    arp_entry *e = lookup(st, next_hop);
    if (e && e->state != ARP_INCOMPLETE) {
        send_frame(st, iface, f, e->mac, NULL);
        return;
    }
    char detail[96], text[IPV4_TEXT_LEN];
    bool tracing = net_tracing(net);
    if (tracing)
        ipv4_format(next_hop, text);
    if (!e) {
        bool created;
        e = u64map_put(st->arp, next_hop, &created);
        memset(e, 0, sizeof *e);
        e->ip = next_hop;
        e->iface = iface;
        e->state = ARP_INCOMPLETE;
        if (tracing) {
            snprintf(detail, sizeof detail, "new incomplete entry for %s", text);
            trace_arp(st, iface, next_hop, NULL, "incomplete", "next hop MAC unknown", detail);
        }
    }
    if (st->arp_queue == 0) {
        net_trace_drop(net, st->node, ifc->port, f, TRACE_REASON_ARP_QUEUE_FULL,
                       "ARP queue length is 0: nothing may wait for resolution");
        frame_free(f);
    } else {
        if (e->n_pending >= st->arp_queue) {
            /* Like Linux's unres_qlen: the oldest waiting packet makes room. */
            frame *oldest = e->pending[0];
            net_trace_drop(net, st->node, ifc->port, oldest, TRACE_REASON_ARP_QUEUE_FULL,
                           "ARP queue full: oldest waiting packet dropped");
            frame_free(oldest);
            memmove(e->pending, e->pending + 1, (e->n_pending - 1) * sizeof *e->pending);
            e->n_pending--;
        }
        frame **grown = realloc(e->pending, (e->n_pending + 1) * sizeof *grown);
        if (!grown)
            ns_out_of_memory();
        e->pending = grown;
        e->pending[e->n_pending++] = f;
        if (tracing) {
            snprintf(detail, sizeof detail, "packet #%u waits for the MAC of %s", f->packet_id,
                     text);
            trace_arp(st, iface, next_hop, "incomplete", "incomplete", "queued until ARP resolves",
                      detail);
        }
    }
    if (e->requests_sent == 0)
        send_request(st, e);
}

/* Records sender -> MAC and sends whatever waited for it. `fresh`: the entry
 * was created just now (it held nothing before). */
static void resolve(ip_stack *st, arp_entry *e, mac_addr mac, uint32_t iface, const char *how,
                    bool fresh) {
    char detail[128], text[IPV4_TEXT_LEN], m[MAC_TEXT_LEN], old[MAC_TEXT_LEN];
    bool was_known = e->state == ARP_REACHABLE;
    bool changed = !was_known || !mac_equal(e->mac, mac);
    mac_format(e->mac, old);
    sim_cancel(st->node->net->sim, e->retry_ev);
    e->retry_ev = 0;
    e->mac = mac;
    e->iface = iface;
    e->state = ARP_REACHABLE;
    e->expires = sim_now(st->node->net->sim) + st->arp_lifetime;
    if (changed && was_known) {
        /* The notes' ARP attack shows here: a known address suddenly moves. */
        snprintf(detail, sizeof detail, "%s is-at %s (was %s)", ipv4_format(e->ip, text),
                 mac_format(mac, m), old);
        trace_arp(st, iface, e->ip, old, m, "entry changed", detail);
    } else if (changed) {
        snprintf(detail, sizeof detail, "%s is-at %s", ipv4_format(e->ip, text),
                 mac_format(mac, m));
        trace_arp(st, iface, e->ip, fresh ? NULL : "incomplete", m, how, detail);
    }
    frame **pending = e->pending;
    uint32_t n = e->n_pending;
    e->pending = NULL;
    e->n_pending = 0;
    /* Sending may touch the cache (it cannot insert here, but stay safe): `e`
     * is not used after this point. */
    for (uint32_t i = 0; i < n; i++)
        send_frame(st, iface, pending[i], mac, "ARP resolved: sending the queued packet");
    free(pending);
}

void arp_receive(ip_stack *st, uint32_t iface, frame *f) {
    network *net = st->node->net;
    const ip_iface *ifc = &st->ifaces[iface];
    port *p = ifc->port;
    arp_packet ap;
    int rc = arp_parse(f->data + ETH_HEADER_LEN, f->len - ETH_HEADER_LEN, &ap);
    if (rc != WIRE_OK) {
        char why[64];
        snprintf(why, sizeof why, "bad ARP packet (%s)", wire_strerror(rc));
        net_trace_drop(net, st->node, p, f, stack_wire_reason(rc), why);
        frame_free(f);
        return;
    }
    bool for_us = ifc->has_ip && ap.target_ip == ifc->ip;
    if (for_us && ap.op == ARP_OP_REQUEST)
        net_trace(net, TRACE_DELIVER, st->node, p, f, "ARP request for this host", NULL);
    else if (for_us)
        net_trace(net, TRACE_DELIVER, st->node, p, f, "ARP reply for this host", NULL);
    /* RFC 826 "merge": whoever the packet is for, an entry we already hold for
     * the sender is refreshed with the sender's MAC. */
    bool merged = false;
    arp_entry *e = lookup(st, ap.sender_ip);
    if (e && e->state == ARP_PERMANENT) {
        /* A static entry is never overwritten: the defence against spoofing. */
        merged = true;
        if (!mac_equal(e->mac, ap.sender_mac)) {
            char detail[128], text[IPV4_TEXT_LEN], m[MAC_TEXT_LEN], kept[MAC_TEXT_LEN];
            snprintf(detail, sizeof detail, "claim %s is-at %s ignored: static entry says %s",
                     ipv4_format(ap.sender_ip, text), mac_format(ap.sender_mac, m),
                     mac_format(e->mac, kept));
            trace_arp(st, iface, ap.sender_ip, kept, kept, "static entry kept", detail);
        }
    } else if (e) {
        resolve(st, e, ap.sender_mac, iface,
                ap.op == ARP_OP_REPLY ? "learned from the ARP reply"
                                      : "updated from the sender of an ARP packet",
                false);
        merged = true;
    }
    if (!for_us) {
        if (net_tracing(net)) {
            char why[96], text[IPV4_TEXT_LEN];
            snprintf(why, sizeof why, "ARP %s for %s, not this host%s",
                     ap.op == ARP_OP_REQUEST ? "request" : "reply", ipv4_format(ap.target_ip, text),
                     merged ? "" : " (nothing learned)");
            net_trace_drop(net, st->node, p, f, TRACE_REASON_ARP_NOT_OURS, why);
        }
        frame_free(f);
        return;
    }
    if (ap.op == ARP_OP_REPLY && !merged) {
        net_trace_drop(net, st->node, p, f, TRACE_REASON_UNSOLICITED_ARP,
                       "unsolicited ARP reply ignored");
        frame_free(f);
        return;
    }
    if (!merged && ap.sender_ip != 0) {
        bool created;
        e = u64map_put(st->arp, ap.sender_ip, &created);
        memset(e, 0, sizeof *e);
        e->ip = ap.sender_ip;
        resolve(st, e, ap.sender_mac, iface, "learned from the request's sender (RFC 826)", true);
    }
    if (ap.op == ARP_OP_REQUEST) {
        frame *reply =
            arp_frame(st, iface, ARP_OP_REPLY, ap.sender_mac, ap.sender_mac, ap.sender_ip);
        send_frame(st, iface, reply, ap.sender_mac, "answering the ARP request");
    }
    frame_free(f);
}

void arp_add_static(ip_stack *st, ipv4_addr ip, mac_addr mac, uint32_t iface) {
    bool created;
    arp_entry *e = u64map_put(st->arp, ip, &created);
    memset(e, 0, sizeof *e);
    e->ip = ip;
    e->mac = mac;
    e->iface = iface;
    e->state = ARP_PERMANENT;
}

int ip_stack_arp_claim(ip_stack *st, ipv4_addr claimed, ipv4_addr victim, bool gratuitous) {
    int iface = ip_stack_iface_on_link(st, gratuitous && !victim ? claimed : victim);
    if (iface < 0)
        return -1;
    const ip_iface *ifc = &st->ifaces[iface];
    const arp_entry *v = victim ? entry_get(st, victim) : NULL;
    bool unicast = !gratuitous && v && v->state != ARP_INCOMPLETE;
    mac_addr eth_dst = unicast ? v->mac : MAC_BROADCAST;
    frame *f = frame_new(ETH_MIN_FRAME_LEN);
    eth_header eh = {.dst = eth_dst, .src = ifc->port->mac, .ethertype = ETHERTYPE_ARP};
    eth_emit(&eh, f->data);
    /* A gratuitous reply names the claimed address as both sender and target
     * (RFC 5227 section 3); a targeted one names the victim as target. */
    arp_packet ap = {.op = ARP_OP_REPLY,
                     .sender_mac = ifc->port->mac,
                     .sender_ip = claimed,
                     .target_mac = gratuitous ? MAC_BROADCAST
                                   : unicast  ? v->mac
                                              : MAC_ZERO,
                     .target_ip = gratuitous ? claimed : victim};
    arp_emit(&ap, f->data + ETH_HEADER_LEN);
    f->packet_id = network_new_packet_id(st->node->net);
    char why[96], text[IPV4_TEXT_LEN];
    snprintf(why, sizeof why, "forged ARP reply: claims %s is here%s", ipv4_format(claimed, text),
             gratuitous ? " (gratuitous, to everyone)" : "");
    send_frame(st, (uint32_t)iface, f, eth_dst, why);
    return 0;
}

void arp_forget(ip_stack *st) {
    size_t n = u64map_size(st->arp), cursor = 0, k = 0;
    uint64_t *keys = malloc((n ? n : 1) * sizeof *keys), key;
    if (!keys)
        ns_out_of_memory();
    arp_entry *e;
    while ((e = u64map_next(st->arp, &cursor, &key)))
        if (e->state != ARP_PERMANENT)
            keys[k++] = key;
    for (size_t i = 0; i < k; i++) {
        e = u64map_get(st->arp, keys[i]);
        sim_cancel(st->node->net->sim, e->retry_ev);
        for (uint32_t j = 0; j < e->n_pending; j++) {
            net_trace_drop(st->node->net, st->node, st->ifaces[e->iface].port, e->pending[j],
                           TRACE_REASON_DEVICE_OFF, "powered off while waiting for ARP");
            frame_free(e->pending[j]);
        }
        free(e->pending);
        u64map_remove(st->arp, keys[i]);
    }
    free(keys);
    if (k) {
        trace_change c = {.table = TRACE_TABLE_ARP}; /* no key: the whole table */
        net_trace_change(st->node->net, TRACE_ARP, st->node, NULL, NULL, &c, "powered off",
                         "ARP cache cleared");
    }
}

void arp_destroy(ip_stack *st) {
    size_t cursor = 0;
    uint64_t key;
    arp_entry *e;
    while ((e = u64map_next(st->arp, &cursor, &key))) {
        for (uint32_t i = 0; i < e->n_pending; i++)
            frame_free(e->pending[i]);
        free(e->pending);
    }
    u64map_free(st->arp);
}

static int by_ip(const void *a, const void *b) {
    const arp_entry *x = *(const arp_entry *const *)a, *y = *(const arp_entry *const *)b;
    return x->ip < y->ip ? -1 : x->ip > y->ip;
}

void arp_table_rows(const ip_stack *st, ip_table_row_fn fn, void *ctx) {
    size_t cursor = 0;
    uint64_t key;
    arp_entry *e;
    while ((e = u64map_next(st->arp, &cursor, &key))) {
        char ip[IPV4_TEXT_LEN], m[MAC_TEXT_LEN];
        fn(ctx, "arp", ipv4_format(e->ip, ip),
           e->state == ARP_INCOMPLETE ? "incomplete" : mac_format(e->mac, m));
    }
}

/* The cache's entries sorted by address; caller frees. */
static const arp_entry **sorted_entries(const ip_stack *st, size_t *count) {
    size_t n = u64map_size(st->arp), cursor = 0, k = 0;
    uint64_t key;
    arp_entry *e;
    const arp_entry **sorted = malloc((n ? n : 1) * sizeof *sorted);
    if (!sorted)
        ns_out_of_memory();
    while ((e = u64map_next(st->arp, &cursor, &key)))
        sorted[k++] = e;
    qsort(sorted, n, sizeof *sorted, by_ip);
    *count = n;
    return sorted;
}

/* The neighbour state `ip neigh` would print for the entry now. */
static const char *entry_state(const arp_entry *x, sim_time now) {
    switch (x->state) {
    case ARP_INCOMPLETE:
        return "INCOMPLETE";
    case ARP_PERMANENT:
        return "PERMANENT";
    case ARP_REACHABLE:
        break;
    }
    return now >= x->expires ? "STALE" : "REACHABLE";
}

void arp_show_rows(const ip_stack *st, trace_rows *rows) {
    size_t n;
    const arp_entry **sorted = sorted_entries(st, &n);
    sim_time now = sim_now(st->node->net->sim);
    for (size_t i = 0; i < n; i++) {
        char ip[IPV4_TEXT_LEN], m[MAC_TEXT_LEN];
        const arp_entry *x = sorted[i];
        trace_rows_begin(rows);
        trace_rows_add(rows, "ip", "%s", ipv4_format(x->ip, ip));
        if (x->state != ARP_INCOMPLETE)
            trace_rows_add(rows, "mac", "%s", mac_format(x->mac, m));
        trace_rows_add(rows, "dev", "%s", st->ifaces[x->iface].port->name);
        trace_rows_add(rows, "state", "%s", entry_state(x, now));
    }
    free(sorted);
}

void arp_write_state(const ip_stack *st, FILE *out) {
    size_t n;
    const arp_entry **sorted = sorted_entries(st, &n);
    sim_time now = sim_now(st->node->net->sim);
    fprintf(out, "  arp cache:%s\n", n ? "" : " (empty)");
    for (size_t i = 0; i < n; i++) {
        char ip[IPV4_TEXT_LEN], m[MAC_TEXT_LEN];
        const arp_entry *x = sorted[i];
        ipv4_format(x->ip, ip);
        if (x->state == ARP_PERMANENT)
            fprintf(out, "    %-15s %s  %s  permanent\n", ip, mac_format(x->mac, m),
                    st->ifaces[x->iface].port->name);
        else if (x->state == ARP_INCOMPLETE)
            fprintf(out, "    %-15s (incomplete)       %s\n", ip, st->ifaces[x->iface].port->name);
        else if (now >= x->expires)
            fprintf(out, "    %-15s %s  %s  expired\n", ip, mac_format(x->mac, m),
                    st->ifaces[x->iface].port->name);
        else
            fprintf(out, "    %-15s %s  %s  expires in %llu ms\n", ip, mac_format(x->mac, m),
                    st->ifaces[x->iface].port->name,
                    (unsigned long long)((x->expires - now) / SIM_MS));
    }
    free(sorted);
}
