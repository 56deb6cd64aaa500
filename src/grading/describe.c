/*
 * grading/describe: the words the reports share: times as the trace prints
 * them, a packet selector in words, and the line a check shows when the
 * lecturer gave it no name.
 */
#include <stdio.h>
#include <string.h>

#include "grading/internal.h"
#include "trace/trace.h"
#include "util/text.h"
#include "wire/arp.h"
#include "wire/icmp.h"

void grade_time(strbuf *b, uint64_t ns) {
    char t[TEXT_TIME_LEN];
    strbuf_printf(b, "%s s", text_format_time(ns, t));
}

static const char *grade_icmp_name(uint8_t type) {
    switch (type) {
    case ICMP_ECHO_REQUEST:
        return "echo request";
    case ICMP_ECHO_REPLY:
        return "echo reply";
    case ICMP_TIME_EXCEEDED:
        return "time exceeded";
    case ICMP_DEST_UNREACHABLE:
        return "unreachable";
    }
    return "message";
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

/* "the ICMP echo request from A to C", "the 2nd TCP SYN from A", "packet #4". */
void grade_selector_text(strbuf *b, const expect_selector *s) {
    if (s->has & EXPECT_SEL_ID) {
        strbuf_printf(b, "packet #%u", s->id);
        return;
    }
    if (s->nth == 0) {
        strbuf_puts(b, "last ");
    } else if (s->nth > 1) {
        unsigned tens = s->nth % 100, ones = s->nth % 10;
        const char *suffix = tens >= 11 && tens <= 13 ? "th"
                             : ones == 1              ? "st"
                             : ones == 2              ? "nd"
                             : ones == 3              ? "rd"
                                                      : "th";
        strbuf_printf(b, "%u%s ", s->nth, suffix);
    }
    if (s->has & EXPECT_SEL_RETRANSMISSION)
        strbuf_puts(b, s->retransmission ? "retransmitted " : "first-sent ");
    if (s->has & EXPECT_SEL_ICMP)
        strbuf_printf(b, "ICMP %s", grade_icmp_name(s->icmp_type));
    else if (s->has & EXPECT_SEL_ARP)
        strbuf_printf(b, "ARP %s", s->arp_op == ARP_OP_REQUEST ? "request" : "reply");
    else if (s->has & EXPECT_SEL_TCP_FLAGS) {
        strbuf_puts(b, "TCP ");
        grade_flags(b, s->tcp_flags);
    } else if (s->has & EXPECT_SEL_PROTO) {
        for (const char *p = s->proto; *p; p++)
            strbuf_printf(b, "%c", *p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p);
        strbuf_puts(b, " packet");
    } else {
        strbuf_puts(b, "packet");
    }
    if (s->has & EXPECT_SEL_FROM)
        strbuf_printf(b, " from %s", s->from);
    if (s->has & EXPECT_SEL_SRC)
        strbuf_printf(b, " src %s", s->src);
    if (s->has & EXPECT_SEL_DST)
        strbuf_printf(b, " to %s", s->dst);
    if (s->has & EXPECT_SEL_SPORT)
        strbuf_printf(b, " sport %u", s->sport);
    if (s->has & EXPECT_SEL_DPORT)
        strbuf_printf(b, " dport %u", s->dport);
    if (s->has & (EXPECT_SEL_MAC_SRC | EXPECT_SEL_MAC_DST)) {
        char m[18];
        if (s->has & EXPECT_SEL_MAC_SRC)
            strbuf_printf(b, " from MAC %s", mac_format(s->mac_src, m));
        if (s->has & EXPECT_SEL_MAC_DST)
            strbuf_printf(b, " to MAC %s", mac_format(s->mac_dst, m));
    }
}

static void grade_list(strbuf *b, char *const *names, size_t n) {
    for (size_t i = 0; i < n; i++)
        strbuf_printf(b, "%s%s", i ? " " : "", names[i]);
}

static void grade_link_text(strbuf *b, const expect_link *l) {
    strbuf_printf(b, "%s--%s", l->end[0], l->end[1]);
}

void grade_default_name(strbuf *b, const expect_check *c) {
    const char *no = c->succeeds ? "" : " cannot";
    switch (c->kind) {
    case EXPECT_PING:
        strbuf_printf(b, "%s%s ping%s %s", c->on, no, c->succeeds ? "s" : "", c->to);
        if (c->has_replies)
            strbuf_printf(b, " (%u repl%s)", c->replies, c->replies == 1 ? "y" : "ies");
        break;
    case EXPECT_CONNECT:
        strbuf_printf(b, "%s%s connect%s to %s port %u", c->on, no, c->succeeds ? "s" : "", c->to,
                      c->port);
        break;
    case EXPECT_DOWNLOAD:
        strbuf_printf(b, "%s%s download%s %s", c->on, no, c->succeeds ? "s" : "",
                      c->file ? c->file : "a file");
        break;
    case EXPECT_HTTP:
        strbuf_printf(b, "%s%s get%s HTTP status %u", c->on, no, c->succeeds ? "s" : "", c->status);
        break;
    case EXPECT_DHCP:
        strbuf_printf(b, "%s%s get%s a DHCP lease", c->on, no, c->succeeds ? "s" : "");
        if (c->address)
            strbuf_printf(b, " of %s", c->address);
        break;
    case EXPECT_DNS:
        strbuf_printf(b, "%s%s resolve%s %s", c->on, no, c->succeeds ? "s" : "", c->dns_name);
        if (c->answer)
            strbuf_printf(b, " to %s", c->answer);
        break;
    case EXPECT_PATH:
        strbuf_puts(b, "the ");
        grade_selector_text(b, &c->packet);
        strbuf_puts(b, c->via ? " goes via " : " takes the path ");
        grade_list(b, c->path, c->n_path);
        break;
    case EXPECT_HEADER:
        strbuf_puts(b, "the ");
        grade_selector_text(b, &c->packet);
        strbuf_puts(b, " has");
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
            strbuf_puts(b, " the MACs given");
        if (c->at)
            strbuf_printf(b, " at %s", c->at);
        else {
            strbuf_puts(b, " on ");
            grade_link_text(b, &c->link);
        }
        break;
    case EXPECT_COUNT:
        if (c->packet.has)
            grade_selector_text(b, &c->packet);
        else
            strbuf_puts(b, "all");
        if (c->has_link) {
            strbuf_puts(b, " frames on ");
            grade_link_text(b, &c->link);
        } else {
            strbuf_printf(b, " frames %s %s", c->seen_by ? "seen by" : "sent by",
                          c->seen_by ? c->seen_by : c->sent_by);
        }
        if (c->has_equals)
            strbuf_printf(b, ": %llu", (unsigned long long)c->equals);
        else if (c->has_min && c->has_max)
            strbuf_printf(b, ": %llu to %llu", (unsigned long long)c->min,
                          (unsigned long long)c->max);
        else if (c->has_min)
            strbuf_printf(b, ": at least %llu", (unsigned long long)c->min);
        else
            strbuf_printf(b, ": at most %llu", (unsigned long long)c->max);
        break;
    case EXPECT_DROP:
        if (c->has_count && c->count == 0)
            strbuf_printf(b, "%s drops nothing for %s", c->on,
                          trace_reason_name((trace_reason)c->reason));
        else if (c->has_count)
            strbuf_printf(b, "%s drops %u for %s", c->on, c->count,
                          trace_reason_name((trace_reason)c->reason));
        else
            strbuf_printf(b, "%s drops for %s", c->on, trace_reason_name((trace_reason)c->reason));
        if (c->packet.has) {
            strbuf_puts(b, ": the ");
            grade_selector_text(b, &c->packet);
        }
        break;
    case EXPECT_TABLE:
        strbuf_printf(b, "%s's %s table", c->on, trace_show_table_name((trace_show_table)c->table));
        if (c->at_end)
            strbuf_puts(b, " at the end");
        else {
            strbuf_puts(b, " at ");
            grade_time(b, c->at_ns);
        }
        for (size_t i = 0; i < c->n_has + c->n_lacks; i++) {
            const expect_row *row = i < c->n_has ? &c->has[i] : &c->lacks[i - c->n_has];
            strbuf_puts(b, i == 0 ? "" : ";");
            strbuf_puts(b, i < c->n_has ? " has" : " lacks");
            for (size_t f = 0; f < row->n; f++)
                strbuf_printf(b, " %s=%s", row->names[f], row->values[f]);
        }
        if (c->has_rows)
            strbuf_printf(b, "%s %u row%s", c->n_has + c->n_lacks ? "," : " has", c->rows,
                          c->rows == 1 ? "" : "s");
        break;
    case EXPECT_KINDS_:
        break;
    }
}
