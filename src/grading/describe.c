/*
 * grading/describe: the words the reports share: times as the trace prints
 * them, a packet selector in words, and the line a check shows when the
 * lecturer gave it no name.
 */
#include <stdio.h>
#include <string.h>

#include "grading/internal.h"
#include "trace/trace.h"
#include "util/i18n.h"
#include "util/text.h"
#include "wire/arp.h"
#include "wire/icmp.h"

void grade_time(strbuf *b, uint64_t ns) {
    char t[TEXT_TIME_LEN];
    strbuf_printf(b, "%s s", text_format_time(ns, t));
}

void grade_why_reason(strbuf *b, const char *why, const char *reason) {
    /* TRANSLATORS: what follows "dropped at DEVICE": the drop's explanation
     * and its reason code (no_route, arp_timeout, ...: never translated). */
    if (why && reason)
        strbuf_printf(b, _(", %s (%s)"), why, reason);
    else if (why)
        strbuf_printf(b, _(", %s"), why);
    else if (reason)
        strbuf_printf(b, _(" (%s)"), reason);
}

void grade_clause_join(strbuf *b, size_t at) {
    if (at == 0 || at >= b->len) /* no clause before, or none appended */
        return;
    strbuf out = {0};
    /* TRANSLATORS: two clauses of a report, or two items of a list, joined. */
    strbuf_printf(&out, _("%.*s; %s"), (int)at, b->s, b->s + at);
    strbuf_free(b);
    *b = out;
}

static const char *grade_icmp_name(uint8_t type) {
    switch (type) {
    case ICMP_ECHO_REQUEST:
        return _("ICMP echo request");
    case ICMP_ECHO_REPLY:
        return _("ICMP echo reply");
    case ICMP_TIME_EXCEEDED:
        return _("ICMP time exceeded");
    case ICMP_DEST_UNREACHABLE:
        return _("ICMP unreachable");
    }
    return _("ICMP message");
}

static void grade_flags(strbuf *b, uint8_t flags) {
    static const char *const names[] = {"FIN", "SYN", "RST", "PSH", "ACK", "URG"};
    bool first = true;
    for (int k = 0; k < 6; k++)
        if (flags & (1u << k)) {
            strbuf_printf(b, "%s%s", first ? "" : ",", names[k]);
            first = false;
        }
}

/* The kind of packet a selector names: "ICMP echo request", "TCP SYN", "UDP
 * packet", "packet". */
static void grade_selector_kind(strbuf *b, const expect_selector *s) {
    if (s->has & EXPECT_SEL_ICMP) {
        strbuf_puts(b, grade_icmp_name(s->icmp_type));
    } else if (s->has & EXPECT_SEL_ARP) {
        strbuf_puts(b, s->arp_op == ARP_OP_REQUEST ? _("ARP request") : _("ARP reply"));
    } else if (s->has & EXPECT_SEL_TCP_FLAGS) {
        strbuf_puts(b, "TCP ");
        grade_flags(b, s->tcp_flags);
    } else if (s->has & EXPECT_SEL_PROTO) {
        strbuf upper = {0};
        for (const char *p = s->proto; *p; p++)
            strbuf_printf(&upper, "%c", *p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p);
        /* TRANSLATORS: %s is a protocol: UDP, TCP, DNS, DHCP, ... */
        strbuf_printf(b, _("%s packet"), upper.s);
        strbuf_free(&upper);
    } else {
        strbuf_puts(b, _("packet"));
    }
}

/* "the ICMP echo request from A to C", "the 2nd TCP SYN from A", "packet #4". */
void grade_selector_text(strbuf *b, const expect_selector *s) {
    if (s->has & EXPECT_SEL_ID) {
        strbuf_printf(b, _("packet #%u"), s->id);
        return;
    }
    strbuf kind = {0}, what = {0};
    grade_selector_kind(&kind, s);
    if (s->has & EXPECT_SEL_RETRANSMISSION)
        strbuf_printf(&what, s->retransmission ? _("retransmitted %s") : _("first-sent %s"),
                      kind.s);
    else
        strbuf_puts(&what, kind.s);
    if (s->nth == 0) {
        strbuf_printf(b, _("last %s"), what.s);
    } else if (s->nth > 1) {
        /* One message per English ordinal suffix, so a language without
         * them translates each to its own ordinal ("第 %u 个 %s"). */
        unsigned tens = s->nth % 100, ones = s->nth % 10;
        strbuf_printf(b,
                      tens >= 11 && tens <= 13 ? _("%uth %s")
                      : ones == 1              ? _("%ust %s")
                      : ones == 2              ? _("%und %s")
                      : ones == 3              ? _("%urd %s")
                                               : _("%uth %s"),
                      s->nth, what.s);
    } else {
        strbuf_puts(b, what.s);
    }
    strbuf_free(&kind);
    strbuf_free(&what);
    /* TRANSLATORS: the packet's properties follow its kind, each with a
     * leading space: "ICMP echo request from A to C". */
    if (s->has & EXPECT_SEL_FROM)
        strbuf_printf(b, _(" from %s"), s->from);
    if (s->has & EXPECT_SEL_SRC)
        strbuf_printf(b, _(" src %s"), s->src);
    if (s->has & EXPECT_SEL_DST)
        strbuf_printf(b, _(" to %s"), s->dst);
    if (s->has & EXPECT_SEL_SPORT)
        strbuf_printf(b, _(" sport %u"), s->sport);
    if (s->has & EXPECT_SEL_DPORT)
        strbuf_printf(b, _(" dport %u"), s->dport);
    if (s->has & (EXPECT_SEL_MAC_SRC | EXPECT_SEL_MAC_DST)) {
        char m[18];
        if (s->has & EXPECT_SEL_MAC_SRC)
            strbuf_printf(b, _(" from MAC %s"), mac_format(s->mac_src, m));
        if (s->has & EXPECT_SEL_MAC_DST)
            strbuf_printf(b, _(" to MAC %s"), mac_format(s->mac_dst, m));
    }
}

void grade_names(strbuf *b, const char *const *names, size_t n) {
    for (size_t i = 0; i < n; i++)
        strbuf_printf(b, "%s%s", i ? " " : "", names[i]);
}

/* The text of a count: "3", "1 to 4", "at least 2", "at most 5". */
void grade_count_range(strbuf *b, const expect_check *c) {
    if (c->has_equals)
        strbuf_printf(b, "%llu", (unsigned long long)c->equals);
    else if (c->has_min && c->has_max)
        strbuf_printf(b, _("%llu to %llu"), (unsigned long long)c->min, (unsigned long long)c->max);
    else if (c->has_min)
        strbuf_printf(b, _("at least %llu"), (unsigned long long)c->min);
    else
        strbuf_printf(b, _("at most %llu"), (unsigned long long)c->max);
}

/* The header fields a header check names: " TTL 63 src 10.0.0.1 the MACs given". */
static void grade_header_fields(strbuf *b, const expect_check *c) {
    if (c->header.has & EXPECT_SEL_TTL)
        strbuf_printf(b, " TTL %u", c->header.ttl);
    if (c->header.has & EXPECT_SEL_SRC)
        strbuf_printf(b, " src %s", c->header.src);
    if (c->header.has & EXPECT_SEL_DST)
        strbuf_printf(b, " dst %s", c->header.dst);
    if (c->header.has & EXPECT_SEL_SPORT)
        strbuf_printf(b, " sport %u", c->header.sport);
    if (c->header.has & EXPECT_SEL_DPORT)
        strbuf_printf(b, " dport %u", c->header.dport);
    if (c->header.has & (EXPECT_SEL_MAC_SRC | EXPECT_SEL_MAC_DST))
        strbuf_puts(b, _(" the MACs given"));
}

static void grade_table_name(strbuf *b, const expect_check *c) {
    const char *table = trace_show_table_name((trace_show_table)c->table);
    if (c->at_end) {
        strbuf_printf(b, _("%s's %s table at the end"), c->on, table);
    } else {
        char t[TEXT_TIME_LEN];
        strbuf_printf(b, _("%s's %s table at %s s"), c->on, table, text_format_time(c->at_ns, t));
    }
    for (size_t i = 0; i < c->n_has + c->n_lacks; i++) {
        const expect_row *row = i < c->n_has ? &c->has[i] : &c->lacks[i - c->n_has];
        strbuf_puts(b, i == 0 ? "" : ";");
        strbuf_puts(b, i < c->n_has ? _(" has") : _(" lacks"));
        for (size_t f = 0; f < row->n; f++)
            strbuf_printf(b, " %s=%s", row->names[f], row->values[f]);
    }
    if (c->has_rows && c->n_has + c->n_lacks)
        strbuf_printf(b, ngettext(", %u row", ", %u rows", c->rows), c->rows);
    else if (c->has_rows)
        strbuf_printf(b, ngettext(" has %u row", " has %u rows", c->rows), c->rows);
}

/* The line of a check without a name: one sentence per kind, with the
 * packet, the places and the numbers as arguments. */
void grade_default_name(strbuf *b, const expect_check *c) {
    bool yes = c->succeeds;
    strbuf x = {0}, y = {0};
    switch (c->kind) {
    case EXPECT_PING:
        strbuf_printf(b, yes ? _("%s pings %s") : _("%s cannot ping %s"), c->on, c->to);
        if (c->has_replies)
            strbuf_printf(b, ngettext(" (%u reply)", " (%u replies)", c->replies), c->replies);
        break;
    case EXPECT_CONNECT:
        strbuf_printf(b,
                      yes ? _("%s connects to %s port %u") : _("%s cannot connect to %s port %u"),
                      c->on, c->to, c->port);
        break;
    case EXPECT_DOWNLOAD:
        strbuf_printf(b, yes ? _("%s downloads %s") : _("%s cannot download %s"), c->on,
                      c->file ? c->file : _("a file"));
        break;
    case EXPECT_HTTP:
        strbuf_printf(b, yes ? _("%s gets HTTP status %u") : _("%s cannot get HTTP status %u"),
                      c->on, c->status);
        break;
    case EXPECT_DHCP:
        if (c->address)
            strbuf_printf(
                b, yes ? _("%s gets a DHCP lease of %s") : _("%s cannot get a DHCP lease of %s"),
                c->on, c->address);
        else
            strbuf_printf(b, yes ? _("%s gets a DHCP lease") : _("%s cannot get a DHCP lease"),
                          c->on);
        break;
    case EXPECT_DNS:
        if (c->answer)
            strbuf_printf(b, yes ? _("%s resolves %s to %s") : _("%s cannot resolve %s to %s"),
                          c->on, c->dns_name, c->answer);
        else
            strbuf_printf(b, yes ? _("%s resolves %s") : _("%s cannot resolve %s"), c->on,
                          c->dns_name);
        break;
    case EXPECT_PATH:
        grade_selector_text(&x, &c->packet);
        grade_names(&y, (const char *const *)c->path, c->n_path);
        strbuf_printf(b, c->via ? _("the %s goes via %s") : _("the %s takes the path %s"), x.s,
                      y.s ? y.s : "");
        break;
    case EXPECT_HEADER:
        grade_selector_text(&x, &c->packet);
        grade_header_fields(&y, c);
        if (c->at)
            /* TRANSLATORS: the packet, then its header fields (each with a
             * leading space: " TTL 63 src 10.0.1.10"), then a device. */
            strbuf_printf(b, _("the %s has%s at %s"), x.s, y.s ? y.s : "", c->at);
        else
            strbuf_printf(b, _("the %s has%s on %s--%s"), x.s, y.s ? y.s : "", c->link.end[0],
                          c->link.end[1]);
        break;
    case EXPECT_COUNT:
        if (c->packet.has)
            grade_selector_text(&x, &c->packet);
        else
            strbuf_puts(&x, _("all"));
        grade_count_range(&y, c);
        if (c->has_link)
            strbuf_printf(b, _("%s frames on %s--%s: %s"), x.s, c->link.end[0], c->link.end[1],
                          y.s);
        else if (c->seen_by)
            strbuf_printf(b, _("%s frames seen by %s: %s"), x.s, c->seen_by, y.s);
        else
            strbuf_printf(b, _("%s frames sent by %s: %s"), x.s, c->sent_by, y.s);
        break;
    case EXPECT_DROP: {
        const char *reason = trace_reason_name((trace_reason)c->reason);
        if (c->has_count && c->count == 0)
            strbuf_printf(b, _("%s drops nothing for %s"), c->on, reason);
        else if (c->has_count)
            strbuf_printf(b, _("%s drops %u for %s"), c->on, c->count, reason);
        else
            strbuf_printf(b, _("%s drops for %s"), c->on, reason);
        if (c->packet.has) {
            grade_selector_text(&x, &c->packet);
            strbuf_printf(b, _(": the %s"), x.s);
        }
        break;
    }
    case EXPECT_TABLE:
        grade_table_name(b, c);
        break;
    case EXPECT_KINDS_:
        break;
    }
    strbuf_free(&x);
    strbuf_free(&y);
}
