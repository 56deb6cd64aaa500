/*
 * arp: the ARP cache and protocol (RFC 826) as Linux's neighbour cache runs
 * it by default (net/core/neighbour.c, net/ipv4/arp.c):
 *  - INCOMPLETE: a request is broadcast, then repeated every arp_retry until
 *    arp_retries requests went unanswered (mcast_solicit); then the entry
 *    fails, its waiting packets are dropped and each one's source is told
 *    "host unreachable". Packets wait on the entry (at most arp_queue; the
 *    oldest is dropped beyond that, as Linux's unres_qlen does).
 *  - REACHABLE: a unicast reply (or TCP progress) confirmed the MAC; it stays
 *    so for reachable_time, drawn in [base/2, 3*base/2) from the topology's
 *    arp_timeout (base_reachable_time), re-drawn every 300 s.
 *  - STALE: the reachable time passed, or the entry was learned from a
 *    request (neigh_event_ns) or an unconfirmed packet. Still used as is.
 *  - DELAY: a STALE entry was used to send; if nothing confirms it within
 *    delay_first_probe_time (5 s), PROBE: arp_retries unicast requests to the
 *    cached MAC (ucast_solicit), arp_retry apart; no answer: the entry fails
 *    and is removed (Linux keeps it as FAILED until garbage collection).
 *  - On any ARP packet an existing entry for the sender is updated (the RFC's
 *    merge flag); a new entry is created only when the packet targets us.
 *  - Old STALE entries are garbage-collected only once the cache holds
 *    gc_thresh1 (128) entries, as Linux: then those unused for gc_stale_time
 *    (60 s) go, swept when an entry is added rather than every 15 s.
 * Every state change is a traced table change ("MAC STATE" values). Each
 * entry has one timer, as a Linux neighbour has; timers refer to entries by
 * IP address, never by pointer: the cache's storage moves as it grows.
 */
#include <stdlib.h>
#include <string.h>

#include "stack/internal.h"
#include "util/alloc.h"
#include "util/i18n.h"
#include "wire/arp.h"
#include "wire/ethernet.h"
#include "wire/icmp.h"
#include "wire/wire.h"

/* Value texts of table changes: "02:00:00:00:00:02 REACHABLE", "incomplete". */
#define ARP_VALUE_LEN (MAC_TEXT_LEN + 12)

const char *arp_state_name(arp_state s) {
    switch (s) {
    case ARP_INCOMPLETE:
        return "INCOMPLETE";
    case ARP_REACHABLE:
        return "REACHABLE";
    case ARP_STALE:
        return "STALE";
    case ARP_DELAY:
        return "DELAY";
    case ARP_PROBE:
        return "PROBE";
    case ARP_PERMANENT:
        return "PERMANENT";
    }
    return "?";
}

static arp_entry *entry_get(const ip_stack *st, ipv4_addr ip) {
    return u64map_get(st->arp, ip);
}

static sim_time now_of(const ip_stack *st) {
    return sim_now(st->node->net->sim);
}

/* The entry as a table value: "incomplete", or "MAC STATE" as `ip neigh`
 * shows it. */
static const char *entry_value(const arp_entry *e, char buf[ARP_VALUE_LEN]) {
    if (e->state == ARP_INCOMPLETE)
        return "incomplete";
    char m[MAC_TEXT_LEN];
    snprintf(buf, ARP_VALUE_LEN, "%s %s", mac_format(e->mac, m), arp_state_name(e->state));
    return buf;
}

/* Traces a change of the entry for `ip`: `old_value` and `new_value` are
 * entry values (entry_value), or NULL (no entry before / removed). */
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

/* After this time a STALE entry may be collected. It only grows while the
 * entry stays STALE (use and confirmation times only move forward). */
static sim_time collectable_at(const arp_entry *e) {
    sim_time last = e->used > e->confirmed ? e->used : e->confirmed;
    return last + ARP_GC_STALE_TIME;
}

/* Keeps st->arp_gc_floor at or below every STALE entry's collectable_at:
 * called whenever an entry becomes STALE. */
static void note_stale(ip_stack *st, const arp_entry *e) {
    sim_time at = collectable_at(e);
    if (at < st->arp_gc_floor)
        st->arp_gc_floor = at;
}

/* Moves `e` to state `to` (its MAC already set) and traces "IP OLD -> NEW"
 * with `why`. */
static void change_state(ip_stack *st, arp_entry *e, arp_state to, const char *why) {
    char old[ARP_VALUE_LEN], new[ARP_VALUE_LEN], detail[96], text[IPV4_TEXT_LEN];
    arp_state from = e->state;
    const char *old_value = entry_value(e, old);
    e->state = to;
    if (to == ARP_STALE)
        note_stale(st, e);
    if (!net_tracing(st->node->net))
        return;
    snprintf(detail, sizeof detail, "%s %s -> %s", ipv4_format(e->ip, text), arp_state_name(from),
             arp_state_name(to));
    trace_arp(st, e->iface, e->ip, old_value, entry_value(e, new), why, detail);
}

/* --- the reachable time --- */

/* Linux's neigh_rand_reach_time: uniform in [base/2, 3*base/2). */
static sim_time draw_reachable(ip_stack *st) {
    sim_time base = st->arp_base_reachable;
    return base ? rng_below(&st->arp_rng, base) + base / 2 : 0;
}

void arp_init(ip_stack *st) {
    /* An independent stream per device: seeded from the run's seed, the
     * device's name and a constant, so drawing here never shifts the draws
     * made from sim_rng (ISNs, ephemeral ports, NAT ports, losses). */
    uint64_t seed = sim_seed(st->node->net->sim) ^ 0x6e65696768626f72ull; /* "neighbor" */
    for (const char *c = st->node->name; c && *c; c++)
        seed = (seed ^ (uint8_t)*c) * 0x100000001b3ull; /* FNV-1a */
    rng_seed(&st->arp_rng, seed);
    st->arp_reachable = draw_reachable(st);
    st->arp_reachable_at = 0;
}

/* The reachable time now, re-drawn every 300 s as neigh_periodic_work does. */
static sim_time reachable_time(ip_stack *st) {
    sim_time now = now_of(st);
    if (now >= st->arp_reachable_at + ARP_REACHABLE_REDRAW) {
        st->arp_reachable = draw_reachable(st);
        st->arp_reachable_at = now;
    }
    return st->arp_reachable;
}

/* --- frames --- */

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

/* --- the entry's timer --- */

static void on_timer(sim *s, void *a, void *b);

/* Arms the entry's timer for its current state. A REACHABLE entry's timer
 * only ages it (to STALE, no frame sent), so it does not keep a run going
 * that is otherwise over; the others send requests. */
static void arm(ip_stack *st, arp_entry *e, sim_time at) {
    sim *s = st->node->net->sim;
    void *key = (void *)(uintptr_t)e->ip;
    sim_cancel(s, e->timer_ev);
    e->timer_ev = e->state == ARP_REACHABLE ? sim_schedule_background_at(s, at, on_timer, st, key)
                                            : sim_schedule_at(s, at, on_timer, st, key, NULL);
}

static void disarm(ip_stack *st, arp_entry *e) {
    sim_cancel(st->node->net->sim, e->timer_ev);
    e->timer_ev = 0;
}

/* Sends the next request for `e` and arms the retry: broadcast while
 * INCOMPLETE, unicast to the cached MAC while PROBE (Linux's arp_solicit;
 * the target MAC field stays zero either way). */
static void send_request(ip_stack *st, arp_entry *e) {
    char why[192] = "", text[IPV4_TEXT_LEN];
    e->probes++;
    bool unicast = e->state == ARP_PROBE;
    if (!net_tracing(st->node->net))
        ; /* nobody reads the why */
    else if (unicast)
        snprintf(why, sizeof why, _("checking the cached MAC: unicast request %u of %u"),
                 (unsigned)e->probes, st->arp_retries);
    else if (e->probes == 1)
        snprintf(why, sizeof why, _("ARP cache has no entry for %s"), ipv4_format(e->ip, text));
    else
        snprintf(why, sizeof why, _("no reply yet: request %u of %u"), (unsigned)e->probes,
                 st->arp_retries);
    mac_addr dst = unicast ? e->mac : MAC_BROADCAST;
    frame *f = arp_frame(st, e->iface, ARP_OP_REQUEST, dst, MAC_ZERO, e->ip);
    send_frame(st, e->iface, f, dst, why);
    arm(st, e, now_of(st) + st->arp_retry);
}

/* Resolution failed: drop what waited, and report it (RFC 1812 section
 * 4.3.3.1); the entry is removed. */
static void fail_entry(ip_stack *st, ipv4_addr ip) {
    arp_entry e = *entry_get(st, ip);
    u64map_remove(st->arp, ip);
    char why[192], detail[192], text[IPV4_TEXT_LEN], old[ARP_VALUE_LEN];
    ipv4_format(ip, text);
    if (e.state == ARP_PROBE) {
        snprintf(detail, sizeof detail, _("%s PROBE -> FAILED: entry removed"), text);
        snprintf(why, sizeof why, _("no reply to %u unicast requests"), (unsigned)e.probes);
        trace_arp(st, e.iface, ip, entry_value(&e, old), NULL, why, detail);
    } else {
        snprintf(detail, sizeof detail, _("removed incomplete entry for %s"), text);
        trace_arp(st, e.iface, ip, "incomplete", NULL, _("resolution failed"), detail);
    }
    snprintf(why, sizeof why, _("ARP: no reply from %s after %u requests"), text,
             (unsigned)e.probes);
    for (uint32_t i = 0; i < arp_pending_count(&e); i++) {
        /* A waiting packet is on its way out: its header was not parsed on
         * the way in (it may be our own), so it is parsed for the error here. */
        frame *f = e.pending->frames[i];
        ipv4_header h;
        bool valid =
            ipv4_header_parse(f->data + ETH_HEADER_LEN, f->len - ETH_HEADER_LEN, &h) == WIRE_OK;
        stack_drop_and_report(st, st->ifaces[e.iface].port, f, valid ? &h : NULL,
                              TRACE_REASON_ARP_TIMEOUT, why, ICMP_DEST_UNREACHABLE,
                              ICMP_UNREACH_HOST);
    }
    free(e.pending);
}

/* Linux's neigh_timer_handler, one case per state that runs a timer. */
static void on_timer(sim *s, void *a, void *b) {
    (void)s;
    ip_stack *st = a;
    ipv4_addr ip = (ipv4_addr)(uintptr_t)b;
    arp_entry *e = entry_get(st, ip);
    if (!e)
        return;
    e->timer_ev = 0;
    sim_time now = now_of(st), reachable = reachable_time(st);
    switch ((arp_state)e->state) {
    case ARP_REACHABLE:
        if (now < e->confirmed + reachable) {
            arm(st, e, e->confirmed + reachable); /* confirmed since: still reachable */
        } else if (now <= e->used + ARP_DELAY_FIRST_PROBE) {
            change_state(st, e, ARP_DELAY,
                         _("reachable time expired, used in the last 5 s: waiting 5 s for "
                           "confirmation"));
            arm(st, e, now + ARP_DELAY_FIRST_PROBE);
        } else {
            change_state(st, e, ARP_STALE, _("reachable time expired"));
        }
        return;
    case ARP_DELAY:
        if (now <= e->confirmed + ARP_DELAY_FIRST_PROBE) {
            change_state(st, e, ARP_REACHABLE, _("confirmed by TCP progress"));
            arm(st, e, e->confirmed + reachable);
        } else {
            change_state(st, e, ARP_PROBE, _("no confirmation: probing with unicast ARP"));
            e->probes = 0;
            send_request(st, e);
        }
        return;
    case ARP_INCOMPLETE:
    case ARP_PROBE:
        if (e->probes < st->arp_retries)
            send_request(st, e);
        else
            fail_entry(st, ip);
        return;
    case ARP_STALE:
    case ARP_PERMANENT:
        return; /* no timer runs in these states */
    }
}

/* --- garbage collection --- */

static int by_key(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Linux's neigh_periodic_work, run when an entry is added: nothing below
 * gc_thresh1 entries; above, STALE entries unused (and unconfirmed) for
 * gc_stale_time go, in address order. */
static void collect_garbage(ip_stack *st) {
    size_t n = u64map_size(st->arp), cursor = 0, k = 0;
    sim_time now = now_of(st);
    /* The floor skips the scan (once per new entry: quadratic on a router
     * with many neighbours) while no entry can qualify. */
    if (n < ARP_GC_THRESH1 || now <= st->arp_gc_floor)
        return;
    uint64_t *keys = malloc(n * sizeof *keys), key;
    if (!keys)
        ns_out_of_memory();
    arp_entry *e;
    st->arp_gc_floor = SIM_FOREVER;
    while ((e = u64map_next(st->arp, &cursor, &key))) {
        if (e->state != ARP_STALE)
            continue;
        sim_time at = collectable_at(e);
        if (now > at)
            keys[k++] = key;
        else if (at < st->arp_gc_floor)
            st->arp_gc_floor = at;
    }
    qsort(keys, k, sizeof *keys, by_key);
    for (size_t i = 0; i < k; i++) {
        e = entry_get(st, (ipv4_addr)keys[i]);
        char old[ARP_VALUE_LEN], detail[128], text[IPV4_TEXT_LEN];
        snprintf(detail, sizeof detail, _("stale entry for %s removed"), ipv4_format(e->ip, text));
        trace_arp(st, e->iface, e->ip, entry_value(e, old), NULL,
                  _("garbage collection: unused for 60 s"), detail);
        u64map_remove(st->arp, keys[i]);
    }
    free(keys);
}

/* A new entry for `ip` (INCOMPLETE until its caller says otherwise). */
static arp_entry *entry_new(ip_stack *st, ipv4_addr ip, uint32_t iface) {
    collect_garbage(st);
    bool created;
    arp_entry *e = u64map_put(st->arp, ip, &created);
    memset(e, 0, sizeof *e);
    e->ip = ip;
    e->iface = iface;
    e->state = ARP_INCOMPLETE;
    e->used = now_of(st);
    return e;
}

/* --- sending --- */

/* Sends f to the entry's MAC: a use of the entry (Linux's
 * __neigh_event_send): STALE moves to DELAY; any state but REACHABLE notes
 * the time of use. */
static void send_via(ip_stack *st, arp_entry *e, frame *f, const char *why) {
    if (e->state == ARP_STALE) {
        change_state(st, e, ARP_DELAY, _("used while STALE: waiting 5 s for confirmation"));
        arm(st, e, now_of(st) + ARP_DELAY_FIRST_PROBE);
    }
    if (e->state != ARP_REACHABLE && e->state != ARP_PERMANENT)
        e->used = now_of(st);
    send_frame(st, e->iface, f, e->mac, why);
}

void arp_resolve_and_send(ip_stack *st, uint32_t iface, ipv4_addr next_hop, frame *f) {
    network *net = st->node->net;
    const ip_iface *ifc = &st->ifaces[iface];
    if (ipv4_is_limited_broadcast(next_hop) ||
        (ifc->has_ip && ifc->prefix_len < 31 &&
         next_hop == (ifc->ip | ~ipv4_netmask(ifc->prefix_len)))) {
        send_frame(st, iface, f, MAC_BROADCAST, _("IP broadcast goes to the broadcast MAC"));
        return;
    }
    arp_entry *e = entry_get(st, next_hop);
    if (e && e->state != ARP_INCOMPLETE) {
        send_via(st, e, f, NULL);
        return;
    }
    char detail[192], text[IPV4_TEXT_LEN];
    bool tracing = net_tracing(net);
    if (tracing)
        ipv4_format(next_hop, text);
    if (!e) {
        e = entry_new(st, next_hop, iface);
        if (tracing) {
            snprintf(detail, sizeof detail, _("new incomplete entry for %s"), text);
            trace_arp(st, iface, next_hop, NULL, "incomplete", _("next hop MAC unknown"), detail);
        }
    }
    if (st->arp_queue == 0) {
        net_trace_drop(net, st->node, ifc->port, f, TRACE_REASON_ARP_QUEUE_FULL,
                       _("ARP queue length is 0: nothing may wait for resolution"));
        frame_free(f);
    } else {
        uint32_t n = arp_pending_count(e);
        if (n >= st->arp_queue) {
            /* Like Linux's unres_qlen: the oldest waiting packet makes room. */
            frame **q = e->pending->frames;
            net_trace_drop(net, st->node, ifc->port, q[0], TRACE_REASON_ARP_QUEUE_FULL,
                           _("ARP queue full: oldest waiting packet dropped"));
            frame_free(q[0]);
            memmove(q, q + 1, (n - 1) * sizeof *q);
            n--;
        }
        arp_pending *grown = realloc(e->pending, sizeof *grown + (n + 1) * sizeof grown->frames[0]);
        if (!grown)
            ns_out_of_memory();
        grown->frames[n] = f;
        grown->n = n + 1;
        e->pending = grown;
        if (tracing) {
            snprintf(detail, sizeof detail, _("packet #%u waits for the MAC of %s"), f->packet_id,
                     text);
            trace_arp(st, iface, next_hop, "incomplete", "incomplete",
                      _("queued until ARP resolves"), detail);
        }
    }
    if (e->probes == 0)
        send_request(st, e);
}

/* --- receiving --- */

/* Linux's neigh_update for what an ARP packet says: `mac` for e->ip, in
 * state `to` (REACHABLE for a unicast reply, STALE otherwise). A STALE
 * update with the MAC already held changes nothing; a new MAC is taken
 * whatever the state (Linux waits locktime, 1 s, after an update first).
 * `fresh`: the entry was created just now. Sends whatever waited. `how` is
 * a msgid (N_), translated only when someone listens. */
static void update(ip_stack *st, arp_entry *e, mac_addr mac, uint32_t iface, arp_state to,
                   const char *how, bool fresh) {
    bool had_mac = e->state != ARP_INCOMPLETE;
    bool moved = had_mac && !mac_equal(e->mac, mac);
    if (had_mac && !moved && to == ARP_STALE)
        return; /* nothing new: neigh_update keeps the state */
    char detail[256], text[IPV4_TEXT_LEN], m[MAC_TEXT_LEN], old_mac[MAC_TEXT_LEN];
    char old[ARP_VALUE_LEN], new[ARP_VALUE_LEN];
    const char *old_value = fresh ? NULL : entry_value(e, old);
    arp_state from = e->state;
    mac_format(e->mac, old_mac);
    e->mac = mac;
    e->iface = iface;
    e->state = to;
    if (to == ARP_STALE)
        note_stale(st, e);
    sim_time reachable = 0;
    if (to == ARP_REACHABLE) {
        e->confirmed = now_of(st);
        reachable = reachable_time(st);
        arm(st, e, e->confirmed + reachable);
    } else {
        disarm(st, e);
    }
    /* A reply re-confirming a REACHABLE entry changes nothing to show. */
    if (net_tracing(st->node->net) && (fresh || moved || from != to)) {
        /* TRANSLATORS: an ARP cache entry: IP address %1$s has MAC address %2$s. The
         * clauses after it (" (was ...)", ", STATE", " for N s") are appended in order. */
        int k = snprintf(detail, sizeof detail, _("%s is-at %s"), ipv4_format(e->ip, text),
                         mac_format(mac, m));
        if (moved)
            k += snprintf(detail + k, sizeof detail - (size_t)k, _(" (was %s)"), old_mac);
        if (fresh)
            /* TRANSLATORS: the entry's new state (REACHABLE...), appended to "IP is-at MAC". */
            k += snprintf(detail + k, sizeof detail - (size_t)k, _(", %s"), arp_state_name(to));
        else if (from != to)
            /* TRANSLATORS: the entry's old and new states, appended to "IP is-at MAC". */
            k += snprintf(detail + k, sizeof detail - (size_t)k, _(", %s -> %s"),
                          arp_state_name(from), arp_state_name(to));
        if (to == ARP_REACHABLE)
            /* TRANSLATORS: how long the entry stays REACHABLE, appended to "IP is-at MAC". */
            snprintf(detail + k, sizeof detail - (size_t)k, _(" for %llu.%03llu s"),
                     (unsigned long long)(reachable / SIM_S),
                     (unsigned long long)(reachable % SIM_S / SIM_MS));
        /* The notes' ARP attack shows here: a known address suddenly moves. */
        trace_arp(st, iface, e->ip, old_value, entry_value(e, new),
                  moved ? _("entry changed") : _(how), detail);
    }
    arp_pending *pending = e->pending;
    uint32_t n = arp_pending_count(e);
    e->pending = NULL;
    e->probes = 0;
    /* Each queued packet is a use of the entry (a STALE one moves to DELAY).
     * Sending cannot add or remove entries, so `e` stays valid. */
    for (uint32_t i = 0; i < n; i++)
        send_via(st, e, pending->frames[i], _("ARP resolved: sending the queued packet"));
    free(pending);
}

void arp_receive(ip_stack *st, uint32_t iface, frame *f) {
    network *net = st->node->net;
    const ip_iface *ifc = &st->ifaces[iface];
    port *p = ifc->port;
    arp_packet ap;
    int rc = arp_parse(f->data + ETH_HEADER_LEN, f->len - ETH_HEADER_LEN, &ap);
    if (rc != WIRE_OK) {
        char why[160];
        snprintf(why, sizeof why, _("bad ARP packet (%s)"), _(wire_strerror(rc)));
        net_trace_drop(net, st->node, p, f, stack_wire_reason(rc), why);
        frame_free(f);
        return;
    }
    bool for_us = ifc->has_ip && ap.target_ip == ifc->ip;
    if (for_us && net_tracing(net)) /* every ARP packet: no text when nobody reads it */
        net_trace(net, TRACE_DELIVER, st->node, p, f,
                  ap.op == ARP_OP_REQUEST ? _("ARP request for this host")
                                          : _("ARP reply for this host"),
                  NULL);
    /* Only a reply sent to our own MAC confirms the sender; a request, or a
     * reply in a broadcast, makes the entry STALE (Linux's arp_process). */
    mac_addr eth_dst;
    memcpy(eth_dst.b, f->data, 6);
    bool unicast_to_us = mac_equal(ifc->port->mac, eth_dst);
    arp_state to = ap.op == ARP_OP_REPLY && unicast_to_us ? ARP_REACHABLE : ARP_STALE;
    /* RFC 826 "merge": whoever the packet is for, an entry we already hold for
     * the sender is refreshed with the sender's MAC. */
    bool merged = false;
    arp_entry *e = entry_get(st, ap.sender_ip);
    if (e && e->state == ARP_PERMANENT) {
        /* A static entry is never overwritten: the defence against spoofing. */
        merged = true;
        if (!mac_equal(e->mac, ap.sender_mac)) {
            char detail[256], text[IPV4_TEXT_LEN], m[MAC_TEXT_LEN], kept[MAC_TEXT_LEN];
            char value[ARP_VALUE_LEN];
            snprintf(detail, sizeof detail, _("claim %s is-at %s ignored: static entry says %s"),
                     ipv4_format(ap.sender_ip, text), mac_format(ap.sender_mac, m),
                     mac_format(e->mac, kept));
            entry_value(e, value);
            trace_arp(st, iface, ap.sender_ip, value, value, _("static entry kept"), detail);
        }
    } else if (e) {
        update(st, e, ap.sender_mac, iface, to,
               ap.op == ARP_OP_REPLY ? N_("learned from the ARP reply")
                                     : N_("updated from the sender of an ARP packet"),
               false);
        merged = true;
    }
    if (!for_us) {
        if (net_tracing(net)) {
            char why[192], text[IPV4_TEXT_LEN];
            snprintf(why, sizeof why,
                     ap.op == ARP_OP_REQUEST
                         ? (merged ? _("ARP request for %s, not this host")
                                   : _("ARP request for %s, not this host (nothing learned)"))
                         : (merged ? _("ARP reply for %s, not this host")
                                   : _("ARP reply for %s, not this host (nothing learned)")),
                     ipv4_format(ap.target_ip, text));
            net_trace_drop(net, st->node, p, f, TRACE_REASON_ARP_NOT_OURS, why);
        }
        frame_free(f);
        return;
    }
    if (ap.op == ARP_OP_REPLY && !merged) {
        net_trace_drop(net, st->node, p, f, TRACE_REASON_UNSOLICITED_ARP,
                       _("unsolicited ARP reply ignored"));
        frame_free(f);
        return;
    }
    if (!merged && ap.sender_ip != 0) {
        /* neigh_event_ns: a request's sender is cached STALE, unconfirmed. */
        e = entry_new(st, ap.sender_ip, iface);
        update(st, e, ap.sender_mac, iface, ARP_STALE,
               N_("learned from the request's sender (RFC 826)"), true);
    }
    if (ap.op == ARP_OP_REQUEST) {
        frame *reply =
            arp_frame(st, iface, ARP_OP_REPLY, ap.sender_mac, ap.sender_mac, ap.sender_ip);
        send_frame(st, iface, reply, ap.sender_mac,
                   net_tracing(net) ? _("answering the ARP request") : NULL);
    }
    frame_free(f);
}

void ip_stack_confirm_neighbour(ip_stack *st, ipv4_addr dst) {
    const ip_route *r = ip_stack_lookup(st, dst);
    if (!r)
        return;
    arp_entry *e = entry_get(st, r->has_via ? r->via : dst);
    /* Linux's neigh_confirm: the time only; the timer decides. */
    if (e && e->state != ARP_INCOMPLETE && e->state != ARP_PERMANENT)
        e->confirmed = now_of(st);
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
    char why[192], text[IPV4_TEXT_LEN];
    snprintf(why, sizeof why,
             gratuitous ? _("forged ARP reply: claims %s is here (gratuitous, to everyone)")
                        : _("forged ARP reply: claims %s is here"),
             ipv4_format(claimed, text));
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
    qsort(keys, k, sizeof *keys, by_key); /* table order depends on its size */
    for (size_t i = 0; i < k; i++) {
        e = u64map_get(st->arp, keys[i]);
        disarm(st, e);
        for (uint32_t j = 0; j < arp_pending_count(e); j++) {
            net_trace_drop(st->node->net, st->node, st->ifaces[e->iface].port,
                           e->pending->frames[j], TRACE_REASON_DEVICE_OFF,
                           _("powered off while waiting for ARP"));
            frame_free(e->pending->frames[j]);
        }
        free(e->pending);
        u64map_remove(st->arp, keys[i]);
    }
    free(keys);
    if (k) {
        trace_change c = {.table = TRACE_TABLE_ARP}; /* no key: the whole table */
        net_trace_change(st->node->net, TRACE_ARP, st->node, NULL, NULL, &c, _("powered off"),
                         _("ARP cache cleared"));
    }
}

void arp_destroy(ip_stack *st) {
    size_t cursor = 0;
    uint64_t key;
    arp_entry *e;
    while ((e = u64map_next(st->arp, &cursor, &key))) {
        disarm(st, e);
        for (uint32_t i = 0; i < arp_pending_count(e); i++)
            frame_free(e->pending->frames[i]);
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
        char ip[IPV4_TEXT_LEN], value[ARP_VALUE_LEN];
        fn(ctx, "arp", ipv4_format(e->ip, ip), entry_value(e, value));
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

void arp_show_rows(const ip_stack *st, trace_rows *rows) {
    size_t n;
    const arp_entry **sorted = sorted_entries(st, &n);
    for (size_t i = 0; i < n; i++) {
        char ip[IPV4_TEXT_LEN], m[MAC_TEXT_LEN];
        const arp_entry *x = sorted[i];
        trace_rows_begin(rows);
        trace_rows_add(rows, "ip", "%s", ipv4_format(x->ip, ip));
        if (x->state != ARP_INCOMPLETE)
            trace_rows_add(rows, "mac", "%s", mac_format(x->mac, m));
        trace_rows_add(rows, "dev", "%s", st->ifaces[x->iface].port->name);
        trace_rows_add(rows, "state", "%s", arp_state_name(x->state));
    }
    free(sorted);
}

void arp_write_state(const ip_stack *st, FILE *out) {
    size_t n;
    const arp_entry **sorted = sorted_entries(st, &n);
    fprintf(out, "  arp cache:%s\n", n ? "" : " (empty)");
    for (size_t i = 0; i < n; i++) {
        /* As `ip neigh` lists it: address, MAC, device, state. */
        char ip[IPV4_TEXT_LEN], m[MAC_TEXT_LEN];
        const arp_entry *x = sorted[i];
        ipv4_format(x->ip, ip);
        const char *dev = st->ifaces[x->iface].port->name;
        if (x->state == ARP_INCOMPLETE) {
            fprintf(out, "    %-15s (incomplete)       %s  INCOMPLETE\n", ip, dev);
            continue;
        }
        fprintf(out, "    %-15s %s  %s  %s\n", ip, mac_format(x->mac, m), dev,
                arp_state_name(x->state));
    }
    free(sorted);
}
