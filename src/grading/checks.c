/*
 * grading/checks: each check kind evaluated against one run's facts
 * (grading/facts), to pass or fail with a message: what was expected, what
 * was seen instead, and where to look (packet #id, device, reason code, time
 * as the trace prints it). A name the topology lacks (a checks file used
 * with a student's topology) fails the check with "no device X in this
 * topology".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grading/internal.h"
#include "net/network.h"
#include "util/i18n.h"
#include "util/text.h"

/* --- names and addresses ------------------------------------------------ */

static const model_device *grade_device(const grade_run *r, const char *name) {
    for (size_t i = 0; i < r->t->n_devices; i++)
        if (strcmp(r->t->devices[i].name, name) == 0)
            return &r->t->devices[i];
    return NULL;
}

/* Whether `text` (an IPv4 address or a device name) denotes address `a`. */
bool grade_host_is(const grade_run *r, const char *text, ipv4_addr a) {
    ipv4_addr x;
    if (ipv4_parse(text, &x) == 0)
        return x == a;
    const model_device *d = grade_device(r, text);
    for (size_t i = 0; d && i < d->n_ifaces; i++)
        if (d->ifaces[i].has_ip && d->ifaces[i].ip == a)
            return true;
    return false;
}

/* The first name in names[n] that is neither an address nor a device (host:
 * addresses allowed), or NULL. */
static const char *grade_unknown(const grade_run *r, const char *const *names, size_t n,
                                 bool host) {
    ipv4_addr x;
    for (size_t i = 0; i < n; i++)
        if (names[i] && !(host && ipv4_parse(names[i], &x) == 0) && !grade_device(r, names[i]))
            return names[i];
    return NULL;
}

/* The net's link named by `l`, or -1 (*why says no link or several). */
static long grade_link(const grade_run *r, const expect_link *l, strbuf *why) {
    size_t which = 0, found = model_links_joining(r->t, l->end[0], l->end[1], &which);
    if (found != 1) {
        strbuf_printf(why,
                      found ? _("more than one link joins %s and %s in this topology")
                            : _("no link joins %s and %s in this topology"),
                      l->end[0], l->end[1]);
        return -1;
    }
    const model_link *ml = &r->t->links[which];
    const model_device *da = &r->t->devices[ml->a.device], *db = &r->t->devices[ml->b.device];
    const char *pa = da->ifaces[ml->a.iface].name, *pb = db->ifaces[ml->b.iface].name;
    for (uint32_t i = 0; i < r->net->n_links; i++) {
        const link *k = r->net->links[i];
        for (int s = 0; s < 2; s++)
            if (strcmp(k->end[s]->owner->name, da->name) == 0 && strcmp(k->end[s]->name, pa) == 0 &&
                strcmp(k->end[1 - s]->owner->name, db->name) == 0 &&
                strcmp(k->end[1 - s]->name, pb) == 0)
                return (long)i;
    }
    strbuf_printf(why, _("no link joins %s and %s in this topology"), l->end[0], l->end[1]);
    return -1;
}

/* --- packets ------------------------------------------------------------ */

static bool grade_matches(const grade_run *r, const grade_packet *p, uint32_t id,
                          const expect_selector *s) {
    const frame_info *f = &p->first;
    if (!p->seen)
        return false;
    if ((s->has & EXPECT_SEL_ID) && id != s->id)
        return false;
    if ((s->has & EXPECT_SEL_FROM) && strcmp(p->from, s->from) != 0)
        return false;
    if (s->has & EXPECT_SEL_PROTO) {
        bool over_udp = strcmp(p->proto, "dhcp") == 0 || strcmp(p->proto, "dns") == 0;
        if (strcmp(p->proto, s->proto) != 0 && !(over_udp && strcmp(s->proto, "udp") == 0))
            return false;
    }
    if ((s->has & EXPECT_SEL_ICMP) && (!f->has_icmp || f->icmp_type != s->icmp_type))
        return false;
    if ((s->has & EXPECT_SEL_ARP) && (!f->has_arp || f->arp_op != s->arp_op))
        return false;
    if ((s->has & EXPECT_SEL_TCP_FLAGS) && (!f->has_tcp || f->tcp_flags != s->tcp_flags))
        return false;
    ipv4_addr src = f->has_arp ? f->arp_sender_ip : f->ip_src;
    ipv4_addr dst = f->has_arp ? f->arp_target_ip : f->ip_dst;
    bool addressed = f->has_ip || f->has_arp;
    if ((s->has & EXPECT_SEL_SRC) && !(addressed && grade_host_is(r, s->src, src)))
        return false;
    if ((s->has & EXPECT_SEL_DST) && !(addressed && grade_host_is(r, s->dst, dst)))
        return false;
    if ((s->has & EXPECT_SEL_SPORT) && (!f->has_ports || f->src_port != s->sport))
        return false;
    if ((s->has & EXPECT_SEL_DPORT) && (!f->has_ports || f->dst_port != s->dport))
        return false;
    if ((s->has & EXPECT_SEL_MAC_SRC) && !mac_equal(f->eth_src, s->mac_src))
        return false;
    if ((s->has & EXPECT_SEL_MAC_DST) && !mac_equal(f->eth_dst, s->mac_dst))
        return false;
    if ((s->has & EXPECT_SEL_RETRANSMISSION) && p->retransmission != s->retransmission)
        return false;
    return true;
}

/* The id of the selected packet (its nth match, 0: the last), or 0. */
uint32_t grade_select(const grade_run *r, const expect_selector *s) {
    uint32_t seen = 0, last = 0;
    for (uint32_t id = 1; id < r->n_packets; id++)
        if (grade_matches(r, &r->packets[id], id, s)) {
            last = id;
            if (++seen == s->nth)
                return id;
        }
    return s->nth == 0 ? last : 0;
}

static const grade_drop *grade_drop_of(const grade_run *r, uint32_t id) {
    for (size_t i = 0; i < r->n_drops; i++)
        if (r->drops[i].packet == id)
            return &r->drops[i];
    return NULL;
}

/* The fate a path check follows: the first delivery, else the first drop,
 * else the first of any kind. */
static const grade_fate *grade_main_fate(const grade_packet *p) {
    for (size_t i = 0; i < p->n_fates; i++)
        if (p->fates[i].kind == HOP_FATE_DELIVERED)
            return &p->fates[i];
    for (size_t i = 0; i < p->n_fates; i++)
        if (p->fates[i].kind == HOP_FATE_DROPPED)
            return &p->fates[i];
    return p->n_fates ? &p->fates[0] : NULL;
}

void grade_journey_of(const grade_run *r, uint32_t id, grade_journey *j) {
    const grade_packet *p = &r->packets[id];
    *j = (grade_journey){.last_hop = SIZE_MAX};
    j->devices = calloc(p->n_hops + 2, sizeof *j->devices);
    if (!j->devices)
        return;
    const grade_fate *f = grade_main_fate(p);
    if (f) {
        j->end = (grade_end){f->kind, f->time, f->device, f->where, f->why, f->reason, true};
        for (size_t i = 0; i < p->n_hops; i++)
            if (f->device && strcmp(p->hops[i].rx, f->device) == 0 && p->hops[i].time <= f->time)
                j->last_hop = i;
        if (j->last_hop == SIZE_MAX && f->kind == HOP_FATE_IN_FLIGHT && p->n_hops)
            j->last_hop = p->n_hops - 1;
    } else {
        const grade_drop *d = grade_drop_of(r, id);
        if (d)
            j->end = (grade_end){HOP_FATE_DROPPED, d->time,   d->device, d->device,
                                 d->why,           d->reason, true};
    }
    /* Walk back from the last hop to the first, then write the chain forward. */
    size_t chain = 0;
    size_t *back = calloc(p->n_hops + 1, sizeof *back);
    if (!back)
        return;
    for (size_t h = j->last_hop; h != SIZE_MAX && chain < p->n_hops;
         h = p->hops[h].prev == UINT32_MAX ? SIZE_MAX : p->hops[h].prev)
        back[chain++] = h;
    j->devices[0] = chain ? p->hops[back[chain - 1]].tx : p->from;
    for (size_t k = 0; k < chain; k++)
        j->devices[1 + k] = p->hops[back[chain - 1 - k]].rx;
    j->n = 1 + chain;
    free(back);
}

/* "packet #4 dropped at r1.eth1, no route to host (no_route) at 0.000052400 s" */
void grade_end_text(strbuf *b, uint32_t id, const grade_end *e) {
    char t[TEXT_TIME_LEN];
    if (!e->known) {
        strbuf_printf(b, _("packet #%u has no recorded end"), id);
        return;
    }
    const char *at = e->where ? e->where : e->device;
    strbuf tail = {0};
    switch (e->kind) {
    case HOP_FATE_DELIVERED:
        strbuf_printf(b, _("packet #%u delivered at %s at %s s"), id, at,
                      text_format_time(e->time, t));
        break;
    case HOP_FATE_DROPPED:
        grade_why_reason(&tail, e->why, trace_reason_name(e->reason));
        /* TRANSLATORS: a packet id, a device, ", why (reason code)", a time. */
        strbuf_printf(b, _("packet #%u dropped at %s%s at %s s"), id, at, tail.s ? tail.s : "",
                      text_format_time(e->time, t));
        break;
    case HOP_FATE_FILTERED:
        grade_why_reason(&tail, e->why, NULL);
        /* TRANSLATORS: a packet id, a switch port, ", why", a time. */
        strbuf_printf(b, _("packet #%u filtered at %s%s at %s s"), id, at, tail.s ? tail.s : "",
                      text_format_time(e->time, t));
        break;
    case HOP_FATE_RECEIVED:
        strbuf_printf(b, _("packet #%u received at %s, taken by nothing at %s s"), id, at,
                      text_format_time(e->time, t));
        break;
    case HOP_FATE_IN_FLIGHT:
        strbuf_printf(b, _("packet #%u still in flight when the run ended"), id);
        break;
    }
    strbuf_free(&tail);
}

static void grade_fail_unknown(strbuf *msg, const char *name) {
    strbuf_printf(msg, _("no device %s in this topology"), name);
}

/* "saw no ICMP echo request from A in the run" */
static void grade_none_seen(strbuf *msg, const expect_selector *s) {
    strbuf what = {0};
    grade_selector_text(&what, s);
    strbuf_printf(msg, _("saw no %s in the run"), what.s);
    strbuf_free(&what);
}

/* --- path, header, count, drop, table ----------------------------------- */

static bool grade_path(grade_run *r, const expect_check *c, strbuf *msg) {
    strbuf want = {0};
    grade_names(&want, (const char *const *)c->path, c->n_path);
    strbuf_printf(msg, c->via ? _("expected a path via %s") : _("expected path %s"),
                  want.s ? want.s : "");
    strbuf_free(&want);
    size_t at = msg->len;
    uint32_t id = grade_select(r, &c->packet);
    if (!id) {
        grade_none_seen(msg, &c->packet);
        grade_clause_join(msg, at);
        return false;
    }
    grade_journey j;
    grade_journey_of(r, id, &j);
    bool ok;
    if (c->via) {
        size_t k = 0;
        for (size_t i = 0; i < j.n && k < c->n_path; i++)
            if (strcmp(j.devices[i], c->path[k]) == 0)
                k++;
        ok = k == c->n_path;
    } else {
        ok = j.n == c->n_path;
        for (size_t i = 0; ok && i < j.n; i++)
            ok = strcmp(j.devices[i], c->path[i]) == 0;
    }
    /* Delivered where the path ends, or dropped there: a path check is about
     * the journey's places; the end says the rest. */
    strbuf seen = {0}, end = {0};
    grade_names(&seen, j.devices, j.n);
    grade_end_text(&end, id, &j.end);
    /* TRANSLATORS: the devices the packet crossed, then how it ended. */
    strbuf_printf(msg, _("saw %s: %s"), seen.s ? seen.s : "", end.s);
    grade_clause_join(msg, at);
    strbuf_free(&seen);
    strbuf_free(&end);
    free(j.devices);
    return ok;
}

static void grade_header_values(strbuf *b, const expect_selector *h, const grade_hop *hop) {
    char x[32];
    bool first = true;
#define GRADE_SEP() (first ? (first = false, "") : ", ")
    if (h->has & EXPECT_SEL_TTL) {
        if (hop && hop->has_ip)
            strbuf_printf(b, "%sTTL %u", GRADE_SEP(), hop->ttl);
        else if (hop)
            strbuf_printf(b, "%s%s", GRADE_SEP(), _("no TTL (not IPv4)"));
        else
            strbuf_printf(b, "%sTTL %u", GRADE_SEP(), h->ttl);
    }
    if (h->has & EXPECT_SEL_MAC_SRC)
        strbuf_printf(b, "%sMAC src %s", GRADE_SEP(),
                      mac_format(hop ? hop->eth_src : h->mac_src, x));
    if (h->has & EXPECT_SEL_MAC_DST)
        strbuf_printf(b, "%sMAC dst %s", GRADE_SEP(),
                      mac_format(hop ? hop->eth_dst : h->mac_dst, x));
    if (h->has & EXPECT_SEL_SRC)
        strbuf_printf(b, "%ssrc %s", GRADE_SEP(), hop ? ipv4_format(hop->src, x) : h->src);
    if (h->has & EXPECT_SEL_DST)
        strbuf_printf(b, "%sdst %s", GRADE_SEP(), hop ? ipv4_format(hop->dst, x) : h->dst);
    if (h->has & EXPECT_SEL_SPORT)
        strbuf_printf(b, "%ssport %u", GRADE_SEP(), hop ? hop->sport : h->sport);
    if (h->has & EXPECT_SEL_DPORT)
        strbuf_printf(b, "%sdport %u", GRADE_SEP(), hop ? hop->dport : h->dport);
#undef GRADE_SEP
}

static bool grade_header_ok(const expect_selector *h, const grade_hop *hop) {
    ipv4_addr a;
    if ((h->has & EXPECT_SEL_TTL) && (!hop->has_ip || hop->ttl != h->ttl))
        return false;
    if ((h->has & EXPECT_SEL_MAC_SRC) && !mac_equal(hop->eth_src, h->mac_src))
        return false;
    if ((h->has & EXPECT_SEL_MAC_DST) && !mac_equal(hop->eth_dst, h->mac_dst))
        return false;
    if ((h->has & EXPECT_SEL_SRC) && (ipv4_parse(h->src, &a) != 0 || !hop->has_ip || hop->src != a))
        return false;
    if ((h->has & EXPECT_SEL_DST) && (ipv4_parse(h->dst, &a) != 0 || !hop->has_ip || hop->dst != a))
        return false;
    if ((h->has & EXPECT_SEL_SPORT) && (!hop->has_ports || hop->sport != h->sport))
        return false;
    if ((h->has & EXPECT_SEL_DPORT) && (!hop->has_ports || hop->dport != h->dport))
        return false;
    return true;
}

static bool grade_header(grade_run *r, const expect_check *c, strbuf *msg) {
    long li = -1;
    if (c->has_link && (li = grade_link(r, &c->link, msg)) < 0)
        return false;
    strbuf want = {0}, end = {0};
    grade_header_values(&want, &c->header, NULL);
    /* TRANSLATORS: header fields ("TTL 63, src 10.0.1.10"), then a place. */
    if (c->at)
        strbuf_printf(msg, _("expected %s at %s"), want.s ? want.s : "", c->at);
    else
        strbuf_printf(msg, _("expected %s on %s--%s"), want.s ? want.s : "", c->link.end[0],
                      c->link.end[1]);
    strbuf_free(&want);
    uint32_t id = grade_select(r, &c->packet);
    if (!id) {
        grade_none_seen(&end, &c->packet);
        strbuf_printf(msg, _(", saw none: %s"), end.s);
        strbuf_free(&end);
        return false;
    }
    const grade_packet *p = &r->packets[id];
    const grade_hop *hop = NULL;
    for (size_t i = 0; i < p->n_hops && !hop; i++)
        if (c->at ? strcmp(p->hops[i].rx, c->at) == 0 : p->hops[i].link == (uint32_t)li)
            hop = &p->hops[i];
    if (!hop) {
        grade_journey j;
        grade_journey_of(r, id, &j);
        grade_end_text(&end, id, &j.end);
        strbuf_printf(msg, _(", saw none: %s"), end.s);
        strbuf_free(&end);
        free(j.devices);
        return false;
    }
    strbuf seen = {0};
    char t[TEXT_TIME_LEN];
    grade_header_values(&seen, &c->header, hop);
    /* TRANSLATORS: header fields, packet id, hop number, sending and
     * receiving device, time. */
    strbuf_printf(msg, _(", saw %s: packet #%u hop %u (%s to %s) at %s s"), seen.s ? seen.s : "",
                  id, hop->number, hop->tx, hop->rx, text_format_time(hop->time, t));
    strbuf_free(&seen);
    return grade_header_ok(&c->header, hop);
}

static bool grade_count(grade_run *r, const expect_check *c, strbuf *msg) {
    long li = -1;
    if (c->has_link && (li = grade_link(r, &c->link, msg)) < 0)
        return false;
    uint64_t n = 0;
    uint32_t ids[4];
    size_t n_ids = 0;
    for (uint32_t id = 1; id < r->n_packets; id++) {
        const grade_packet *p = &r->packets[id];
        if (!grade_matches(r, p, id, &c->packet))
            continue;
        uint64_t before = n;
        for (size_t i = 0; i < p->n_hops; i++) {
            const grade_hop *h = &p->hops[i];
            if (c->has_by && h->time > c->by_ns)
                continue;
            if (c->has_link
                    ? h->link == (uint32_t)li
                    : strcmp(c->seen_by ? h->rx : h->tx, c->seen_by ? c->seen_by : c->sent_by) == 0)
                n++;
        }
        if (n > before && n_ids < 4)
            ids[n_ids++] = id;
    }
    bool ok = c->has_equals ? n == c->equals
                            : (!c->has_min || n >= c->min) && (!c->has_max || n <= c->max);
    uint64_t shown = c->has_equals ? c->equals : c->has_max ? c->max : c->min;
    strbuf range = {0}, ids_text = {0};
    grade_count_range(&range, c);
    /* TRANSLATORS: "1", "1 to 4", "at least 2" or "at most 5", then how many
     * frames were seen. */
    strbuf_printf(msg,
                  ngettext("expected %s frame, saw %llu", "expected %s frames, saw %llu",
                           (unsigned long)shown),
                  range.s, (unsigned long long)n);
    strbuf_free(&range);
    for (size_t i = 0; i < n_ids; i++)
        strbuf_printf(&ids_text, "%s#%u", i ? ", " : "", ids[i]);
    if (n_ids == 4)
        strbuf_puts(&ids_text, ", ...");
    if (n_ids)
        strbuf_printf(msg, _(" (packets %s)"), ids_text.s);
    strbuf_free(&ids_text);
    if (c->has_by) {
        char t[TEXT_TIME_LEN];
        strbuf_printf(msg, _(" by %s s"), text_format_time(c->by_ns, t));
    }
    return ok;
}

static void grade_drop_text(strbuf *b, const grade_drop *d) {
    strbuf where = {0}, tail = {0};
    char t[TEXT_TIME_LEN];
    strbuf_printf(&where, "%s%s%s", d->device, d->port ? "." : "", d->port ? d->port : "");
    grade_why_reason(&tail, d->why, trace_reason_name(d->reason));
    if (d->packet)
        strbuf_printf(b, _("packet #%u dropped at %s%s at %s s"), d->packet, where.s,
                      tail.s ? tail.s : "", text_format_time(d->time, t));
    else
        /* TRANSLATORS: a device, ", why (reason code)", a time. */
        strbuf_printf(b, _("dropped at %s%s at %s s"), where.s, tail.s ? tail.s : "",
                      text_format_time(d->time, t));
    strbuf_free(&where);
    strbuf_free(&tail);
}

static bool grade_drop_check(grade_run *r, const expect_check *c, strbuf *msg) {
    const grade_drop *first = NULL, *other = NULL;
    uint64_t n = 0;
    for (size_t i = 0; i < r->n_drops; i++) {
        const grade_drop *d = &r->drops[i];
        if (!d->device || strcmp(d->device, c->on) != 0 || (c->has_by && d->time > c->by_ns))
            continue;
        if (c->packet.has && !(d->packet < r->n_packets &&
                               grade_matches(r, &r->packets[d->packet], d->packet, &c->packet)))
            continue;
        if ((int)d->reason != c->reason) {
            other = other ? other : d;
            continue;
        }
        first = first ? first : d;
        n++;
    }
    const char *reason = trace_reason_name((trace_reason)c->reason);
    bool ok = c->has_count ? n == c->count : n >= 1;
    /* TRANSLATORS: a device, a reason code (no_route, ...), how many were seen. */
    if (c->has_count)
        strbuf_printf(msg,
                      ngettext("expected %u drop at %s for %s, saw %llu",
                               "expected %u drops at %s for %s, saw %llu", c->count),
                      c->count, c->on, reason, (unsigned long long)n);
    else
        strbuf_printf(msg, _("expected a drop at %s for %s, saw %llu"), c->on, reason,
                      (unsigned long long)n);
    strbuf text = {0};
    if (first || other)
        grade_drop_text(&text, first ? first : other);
    if (first)
        strbuf_printf(msg, _(": the first, %s"), text.s);
    else if (other)
        strbuf_printf(msg, _("; another drop there: %s"), text.s);
    strbuf_free(&text);
    return ok;
}

static bool grade_row_matches(const grade_table *g, size_t row, const expect_row *want) {
    for (size_t f = 0; f < want->n; f++) {
        bool found = false;
        for (size_t k = 0; k < g->n_fields[row] && !found; k++)
            found = strcmp(g->names[row][k], want->names[f]) == 0 &&
                    strcmp(g->values[row][k], want->values[f]) == 0;
        if (!found)
            return false;
    }
    return true;
}

static void grade_row_text(strbuf *b, char **names, char **values, size_t n) {
    for (size_t f = 0; f < n; f++)
        strbuf_printf(b, "%s%s=%s", f ? " " : "", names[f], values[f]);
}

static bool grade_table_check(grade_run *r, size_t check, const expect_check *c, strbuf *msg) {
    const char *table = trace_show_table_name((trace_show_table)c->table);
    grade_probe_now(r, check); /* at the end, unless a probe took it already */
    const grade_table *g = &r->tables[check];
    if (!g->exists) {
        strbuf_printf(msg, _("%s has no %s table"), c->on, table);
        return false;
    }
    bool ok = !c->has_rows || g->n_rows == c->rows;
    char t[TEXT_TIME_LEN];
    /* TRANSLATORS: a device, a table (route, arp, mac, ...), a time. */
    strbuf_printf(msg, _("%s's %s table at %s s:"), c->on, table, text_format_time(g->time, t));
    if (c->has_rows && g->n_rows != c->rows)
        strbuf_printf(msg, _(" expected %u rows, saw %zu;"), c->rows, g->n_rows);
    for (size_t i = 0; i < c->n_has; i++) {
        bool found = false;
        for (size_t k = 0; k < g->n_rows && !found; k++)
            found = grade_row_matches(g, k, &c->has[i]);
        if (!found) {
            strbuf row = {0};
            grade_row_text(&row, c->has[i].names, c->has[i].values, c->has[i].n);
            strbuf_printf(msg, _(" expected a row with %s, saw none;"), row.s ? row.s : "");
            strbuf_free(&row);
            ok = false;
        }
    }
    for (size_t i = 0; i < c->n_lacks; i++)
        for (size_t k = 0; k < g->n_rows; k++)
            if (grade_row_matches(g, k, &c->lacks[i])) {
                strbuf row = {0};
                grade_row_text(&row, c->lacks[i].names, c->lacks[i].values, c->lacks[i].n);
                strbuf_printf(msg, _(" expected no row with %s, saw one;"), row.s ? row.s : "");
                strbuf_free(&row);
                ok = false;
                break;
            }
    strbuf_printf(msg, ngettext(" %zu row", " %zu rows", g->n_rows), g->n_rows);
    for (size_t k = 0; k < g->n_rows && k < 4; k++) {
        strbuf_puts(msg, k ? "; " : ": ");
        grade_row_text(msg, g->names[k], g->values[k], g->n_fields[k]);
    }
    if (g->n_rows > 4)
        strbuf_puts(msg, "; ...");
    return ok;
}

/* --- one check ------------------------------------------------------------ */

/* The names a check uses, for "no device X in this topology". */
static const char *grade_check_unknown(const grade_run *r, const expect_check *c) {
    const char *devices[] = {c->on, c->packet.from, c->at, c->seen_by, c->sent_by};
    const char *hosts[] = {c->to, c->packet.src, c->packet.dst};
    const char *bad = grade_unknown(r, devices, 5, false);
    if (!bad)
        bad = grade_unknown(r, hosts, 3, true);
    if (!bad)
        bad = grade_unknown(r, (const char *const *)c->path, c->n_path, false);
    return bad;
}

void grade_evaluate(grade_run *r, size_t check, grade_check *out) {
    const expect_check *c = &r->e->checks[check];
    strbuf name = {0}, msg = {0};
    if (c->name)
        strbuf_puts(&name, c->name);
    else
        grade_default_name(&name, c);
    const char *bad = grade_check_unknown(r, c);
    bool ok = false;
    if (bad) {
        grade_fail_unknown(&msg, bad);
    } else {
        switch (c->kind) {
        case EXPECT_PATH:
            ok = grade_path(r, c, &msg);
            break;
        case EXPECT_HEADER:
            ok = grade_header(r, c, &msg);
            break;
        case EXPECT_COUNT:
            ok = grade_count(r, c, &msg);
            break;
        case EXPECT_DROP:
            ok = grade_drop_check(r, c, &msg);
            break;
        case EXPECT_TABLE:
            ok = grade_table_check(r, check, c, &msg);
            break;
        case EXPECT_PING:
        case EXPECT_CONNECT:
        case EXPECT_DOWNLOAD:
        case EXPECT_HTTP:
        case EXPECT_DHCP:
        case EXPECT_DNS:
            ok = grade_app_check(r, c, &msg);
            break;
        case EXPECT_KINDS_:
            break;
        }
    }
    *out = (grade_check){.name = strbuf_take(&name),
                         .kind = grade_strdup(expect_kind_name(c->kind)),
                         .pass = ok,
                         .message = strbuf_take(&msg),
                         .hint = grade_strdup(c->hint),
                         .points = c->points};
}
