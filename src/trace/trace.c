/* trace: the bus fans each event out to its sinks, in subscription order. */
#include "trace/trace.h"
#include "util/alloc.h"

#include <stdlib.h>
#include <string.h>

struct trace_bus {
    trace_sink *sinks;
    size_t n, cap;
    /* The latest frame's bytes and its memo: a flood's copies, and the
     * receive, wire and drop steps of one frame, carry the same bytes, so it
     * is decoded and described once per step, not once per event (issue 16). */
    trace_frame_memo memo;
    uint8_t *frame;
    size_t frame_len, frame_cap;
    bool have_frame;
    unsigned depth; /* trace_emit calls in progress (a sink that emits) */
};

static const char *const kind_names[] = {
    [TRACE_SEND] = "send",       [TRACE_RECEIVE] = "receive", [TRACE_REPEAT] = "repeat",
    [TRACE_COLLIDE] = "collide", [TRACE_BACKOFF] = "backoff", [TRACE_LEARN] = "learn",
    [TRACE_FLOOD] = "flood",     [TRACE_FILTER] = "filter",   [TRACE_FORWARD] = "forward",
    [TRACE_DELIVER] = "deliver", [TRACE_DROP] = "drop",       [TRACE_ARP] = "arp",
    [TRACE_TABLE] = "table",     [TRACE_STATE] = "state",     [TRACE_TRANSLATE] = "translate",
    [TRACE_APP] = "app",         [TRACE_WIRE] = "wire",       [TRACE_RUN] = "run",
    [TRACE_SHOW] = "show",
};

/* names[i] of an array of n names, or NULL when i is beyond it. */
static const char *name_at(const char *const *names, size_t n, size_t i) {
    return i < n ? names[i] : NULL;
}

#define NAME_OF(names, i) name_at(names, sizeof names / sizeof names[0], (size_t)(i))

const char *trace_kind_name(trace_kind k) {
    const char *name = NAME_OF(kind_names, k);
    return name ? name : "?";
}

static const char *const reason_names[] = {
    [TRACE_REASON_LINK_DOWN] = "link_down",
    [TRACE_REASON_LINK_LOSS] = "link_loss",
    [TRACE_REASON_PORT_UNCONNECTED] = "port_unconnected",
    [TRACE_REASON_DEVICE_OFF] = "device_off",
    [TRACE_REASON_QUEUE_FULL] = "queue_full",
    [TRACE_REASON_COLLISION_LIMIT] = "collision_limit",
    [TRACE_REASON_LATE_COLLISION] = "late_collision",
    [TRACE_REASON_NOT_IN_SEGMENT] = "not_in_segment",
    [TRACE_REASON_MAC_NOT_OURS] = "mac_not_ours",
    [TRACE_REASON_MULTICAST_NOT_JOINED] = "multicast_not_joined",
    [TRACE_REASON_UNKNOWN_ETHERTYPE] = "unknown_ethertype",
    [TRACE_REASON_TRUNCATED] = "truncated",
    [TRACE_REASON_MALFORMED] = "malformed",
    [TRACE_REASON_BAD_CHECKSUM] = "bad_checksum",
    [TRACE_REASON_UNSUPPORTED] = "unsupported",
    [TRACE_REASON_ARP_NOT_OURS] = "arp_not_ours",
    [TRACE_REASON_UNSOLICITED_ARP] = "unsolicited_arp",
    [TRACE_REASON_ARP_TIMEOUT] = "arp_timeout",
    [TRACE_REASON_ARP_QUEUE_FULL] = "arp_queue_full",
    [TRACE_REASON_IP_NOT_OURS] = "ip_not_ours",
    [TRACE_REASON_NO_ROUTE] = "no_route",
    [TRACE_REASON_TTL_EXPIRED] = "ttl_expired",
    [TRACE_REASON_PROTOCOL_UNREACHABLE] = "protocol_unreachable",
    [TRACE_REASON_FIREWALL_RULE] = "firewall_rule",
    [TRACE_REASON_FIREWALL_POLICY] = "firewall_policy",
    [TRACE_REASON_NAT_NO_MAPPING] = "nat_no_mapping",
    [TRACE_REASON_NAT_NO_PORT] = "nat_no_port",
    [TRACE_REASON_ICMP_UNHANDLED] = "icmp_unhandled",
    [TRACE_REASON_NO_SOCKET] = "no_socket",
    [TRACE_REASON_PORT_IN_USE] = "port_in_use",
    [TRACE_REASON_NO_EPHEMERAL_PORT] = "no_ephemeral_port",
    [TRACE_REASON_MESSAGE_TOO_LONG] = "message_too_long",
    [TRACE_REASON_TCP_NOT_UNICAST] = "tcp_not_unicast",
    [TRACE_REASON_TCP_NO_SYN] = "tcp_no_syn",
    [TRACE_REASON_TCP_NO_ACK] = "tcp_no_ack",
    [TRACE_REASON_TCP_UNACCEPTABLE_ACK] = "tcp_unacceptable_ack",
    [TRACE_REASON_TCP_ACK_UNSENT] = "tcp_ack_unsent",
    [TRACE_REASON_TCP_RST_IGNORED] = "tcp_rst_ignored",
    [TRACE_REASON_TCP_RST_CHALLENGE] = "tcp_rst_challenge",
    [TRACE_REASON_TCP_SYN_CHALLENGE] = "tcp_syn_challenge",
    [TRACE_REASON_TCP_OLD_SEQUENCE] = "tcp_old_sequence",
    [TRACE_REASON_TCP_OUT_OF_WINDOW] = "tcp_out_of_window",
    [TRACE_REASON_TCP_NO_DATA_STATE] = "tcp_no_data_state",
    [TRACE_REASON_STORM_STOPPED] = "storm_stopped",
    [TRACE_REASON_LINK_BROADCAST_NOT_FORWARDED] = "link_broadcast_not_forwarded",
};

_Static_assert(sizeof reason_names / sizeof reason_names[0] == TRACE_REASON_COUNT_,
               "every drop reason has a name");

const char *trace_reason_name(trace_reason r) {
    return NAME_OF(reason_names, r);
}

static const char *const table_names[] = {
    [TRACE_TABLE_ARP] = "arp", [TRACE_TABLE_MAC] = "mac", [TRACE_TABLE_ADDRESS] = "address",
    [TRACE_TABLE_NAT] = "nat", [TRACE_TABLE_TCP] = "tcp", [TRACE_TABLE_DHCP] = "dhcp",
};

_Static_assert(sizeof table_names / sizeof table_names[0] == TRACE_TABLE_COUNT_,
               "every table has a name");

const char *trace_table_name(trace_table_id t) {
    return NAME_OF(table_names, t);
}

static const char *const translation_names[] = {
    [TRACE_TRANSLATION_SNAT] = "snat",
    [TRACE_TRANSLATION_REPLY] = "reply",
    [TRACE_TRANSLATION_PORT_FORWARD] = "port_forward",
    [TRACE_TRANSLATION_ICMP_ERROR] = "icmp_error",
};

_Static_assert(sizeof translation_names / sizeof translation_names[0] == TRACE_TRANSLATION_COUNT_,
               "every translation has a name");

const char *trace_translation_name(trace_translation t) {
    return NAME_OF(translation_names, t);
}

static const char *const show_names[] = {
    [TRACE_SHOW_INTERFACES] = "interfaces",
    [TRACE_SHOW_ROUTE] = "route",
    [TRACE_SHOW_ARP] = "arp",
    [TRACE_SHOW_MAC] = "mac",
    [TRACE_SHOW_NAT] = "nat",
    [TRACE_SHOW_SOCKETS] = "sockets",
    [TRACE_SHOW_NEIGH] = "neigh",
};

_Static_assert(sizeof show_names / sizeof show_names[0] == TRACE_SHOW_COUNT_,
               "every shown table has a name");

const char *trace_show_table_name(trace_show_table t) {
    return NAME_OF(show_names, t);
}

const char *trace_row_get(const trace_row *r, const char *name) {
    for (size_t i = 0; i < r->n_fields; i++)
        if (strcmp(r->fields[i].name, name) == 0)
            return r->fields[i].value;
    return NULL;
}

trace_bus *trace_bus_new(void) {
    return calloc(1, sizeof(trace_bus));
}

void trace_bus_free(trace_bus *bus) {
    if (!bus)
        return;
    free(bus->sinks);
    free(bus->frame);
    free(bus);
}

void trace_bus_subscribe(trace_bus *bus, trace_sink sink) {
    if (bus->n == bus->cap) {
        bus->cap = bus->cap ? bus->cap * 2 : 4;
        bus->sinks = ns_xrealloc(bus->sinks, bus->cap * sizeof *bus->sinks);
    }
    bus->sinks[bus->n++] = sink;
}

bool trace_bus_active(const trace_bus *bus) {
    return bus && bus->n > 0;
}

/* The bus's memo for `ev`'s frame, kept when the bytes are the latest
 * frame's and started afresh otherwise. */
static trace_frame_memo *shared_memo(trace_bus *bus, const trace_event *ev) {
    if (bus->have_frame && ev->frame_len == bus->frame_len &&
        memcmp(ev->frame, bus->frame, ev->frame_len) == 0)
        return &bus->memo;
    if (ev->frame_len > bus->frame_cap) {
        bus->frame_cap = ev->frame_len;
        bus->frame = ns_xrealloc(bus->frame, bus->frame_cap);
    }
    if (ev->frame_len)
        memcpy(bus->frame, ev->frame, ev->frame_len);
    bus->frame_len = ev->frame_len;
    bus->have_frame = true;
    bus->memo.have_info = bus->memo.have_summary = false;
    return &bus->memo;
}

void trace_emit(trace_bus *bus, const trace_event *ev) {
    if (!bus)
        return;
    trace_frame_memo memo;
    memo.have_info = memo.have_summary = false;
    trace_event with_memo = *ev;
    /* A nested emit gets a memo of its own: the outer event's stays valid. */
    with_memo.memo = ev->frame && bus->depth == 0 ? shared_memo(bus, ev) : &memo;
    bus->depth++;
    for (size_t i = 0; i < bus->n; i++)
        bus->sinks[i].emit(bus->sinks[i].self, &with_memo);
    bus->depth--;
}

/* An event handed to a sink without trace_emit decodes into this one: still
 * correct, only not shared. */
static trace_frame_memo *memo_of(const trace_event *ev) {
    static trace_frame_memo unshared;
    if (ev->memo)
        return ev->memo;
    unshared.have_info = unshared.have_summary = false;
    return &unshared;
}

const frame_info *trace_event_frame(const trace_event *ev) {
    trace_frame_memo *m = memo_of(ev);
    if (!m->have_info) {
        frame_decode(ev->frame, ev->frame_len, &m->info);
        m->have_info = true;
    }
    return &m->info;
}

const char *trace_event_summary(const trace_event *ev) {
    trace_frame_memo *m = memo_of(ev);
    if (!m->have_summary) {
        frame_describe(ev->frame, ev->frame_len, m->summary, sizeof m->summary);
        m->have_summary = true;
    }
    return m->summary;
}
