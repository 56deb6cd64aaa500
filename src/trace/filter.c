/* filter: criteria parsed from --filter, matched against trace events. */
#include "trace/filter.h"
#include "util/alloc.h"
#include "util/i18n.h"
#include "wire/dhcp.h"
#include "wire/dns.h"
#include "wire/ethernet.h"
#include "wire/ipv4.h"
#include "wire/udp.h"
#include "wire/wire.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { KIND_DEVICE, KIND_PROTO, KIND_PACKET, KINDS };

static const char *const kind_names[KINDS] = {"device", "proto", "packet"};
static const char *const protocols[] = {"arp", "icmp", "udp", "tcp", "dhcp", "dns"};
#define N_PROTOCOLS (sizeof protocols / sizeof protocols[0])

struct trace_filter {
    char **values[KINDS]; /* owned copies */
    size_t n[KINDS];
};

trace_filter *trace_filter_new(void) {
    trace_filter *f = calloc(1, sizeof *f);
    if (!f)
        ns_out_of_memory();
    return f;
}

void trace_filter_free(trace_filter *f) {
    if (!f)
        return;
    for (int k = 0; k < KINDS; k++) {
        for (size_t i = 0; i < f->n[k]; i++)
            free(f->values[k][i]);
        free(f->values[k]);
    }
    free(f);
}

static void add_value(trace_filter *f, int kind, const char *v, size_t len) {
    char **grown = realloc(f->values[kind], (f->n[kind] + 1) * sizeof *grown);
    char *copy = malloc(len + 1);
    if (!grown || !copy)
        ns_out_of_memory();
    memcpy(copy, v, len);
    copy[len] = '\0';
    f->values[kind] = grown;
    f->values[kind][f->n[kind]++] = copy;
}

size_t trace_filter_devices(const trace_filter *f, const char *const **names) {
    *names = (const char *const *)f->values[KIND_DEVICE];
    return f->n[KIND_DEVICE];
}

int trace_filter_add(trace_filter *f, const char *spec, char *msg, size_t cap) {
    const char *eq = strchr(spec, '=');
    int kind = -1;
    for (int k = 0; eq && k < KINDS; k++)
        if ((size_t)(eq - spec) == strlen(kind_names[k]) &&
            strncmp(spec, kind_names[k], (size_t)(eq - spec)) == 0)
            kind = k;
    if (kind < 0) {
        snprintf(msg, cap,
                 _("--filter \"%s\": expected device=NAME, proto=PROTOCOL or packet=ID "
                   "(several values separated by commas)"),
                 spec);
        return -1;
    }
    const char *p = eq + 1;
    do {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        char value[128];
        snprintf(value, sizeof value, "%.*s", (int)(len < 100 ? len : 100), p);
        if (len == 0) {
            snprintf(msg, cap, _("--filter \"%s\": an empty value; expected %s=VALUE"), spec,
                     kind_names[kind]);
            return -1;
        }
        if (kind == KIND_PROTO) {
            size_t i = 0;
            while (i < N_PROTOCOLS && strcmp(value, protocols[i]) != 0)
                i++;
            if (i == N_PROTOCOLS) {
                snprintf(msg, cap,
                         _("--filter \"%s\": \"%s\" is not a protocol; expected arp, icmp, "
                           "udp, tcp, dhcp or dns"),
                         spec, value);
                return -1;
            }
        } else if (kind == KIND_PACKET) {
            char *stop;
            errno = 0;
            unsigned long long id = strtoull(value, &stop, 10);
            if (errno || *stop || id == 0 || id > UINT32_MAX || value[0] == '-' ||
                value[0] == '+') {
                snprintf(msg, cap,
                         _("--filter \"%s\": \"%s\" is not a packet number; expected a "
                           "number such as 3 (the #3 of the trace)"),
                         spec, value);
                return -1;
            }
        }
        add_value(f, kind, p, len);
        p = end ? end + 1 : NULL;
    } while (p);
    return 0;
}

bool trace_filter_active(const trace_filter *f) {
    return f && (f->n[KIND_DEVICE] || f->n[KIND_PROTO] || f->n[KIND_PACKET]);
}

static bool has_value(const trace_filter *f, int kind, const char *v) {
    for (size_t i = 0; i < f->n[kind]; i++)
        if (v && strcmp(f->values[kind][i], v) == 0)
            return true;
    return false;
}

const char *trace_filter_protocol(const uint8_t *frame, size_t len) {
    if (len < ETH_HEADER_LEN)
        return "ethernet";
    uint16_t type = wire_get16(frame + ETH_OFF_TYPE);
    if (type == ETHERTYPE_ARP)
        return "arp";
    if (type != ETHERTYPE_IPV4 || len < ETH_HEADER_LEN + IPV4_HEADER_LEN)
        return "ethernet";
    const uint8_t *ip = frame + ETH_HEADER_LEN;
    size_t hlen = ipv4_get_header_len(ip);
    switch (ipv4_get_protocol(ip)) {
    case IPPROTO_ICMP_NUM:
        return "icmp";
    case IPPROTO_TCP_NUM:
        return "tcp";
    case IPPROTO_UDP_NUM:
        if (len >= ETH_HEADER_LEN + hlen + UDP_OFF_LEN) {
            unsigned sport = wire_get16(ip + hlen + UDP_OFF_SRC_PORT);
            unsigned dport = wire_get16(ip + hlen + UDP_OFF_DST_PORT);
            if (sport == DHCP_SERVER_PORT || sport == DHCP_CLIENT_PORT ||
                dport == DHCP_SERVER_PORT || dport == DHCP_CLIENT_PORT)
                return "dhcp";
            if (sport == DNS_PORT || dport == DNS_PORT)
                return "dns";
        }
        return "udp";
    default:
        return "ipv4";
    }
}

bool trace_filter_match(const trace_filter *f, const trace_event *ev) {
    if (!trace_filter_active(f) || ev->kind == TRACE_RUN)
        return true;
    if (f->n[KIND_DEVICE] && !has_value(f, KIND_DEVICE, ev->device))
        return false;
    if (f->n[KIND_PACKET]) {
        char id[16];
        snprintf(id, sizeof id, "%u", ev->packet_id);
        if (!ev->packet_id || !has_value(f, KIND_PACKET, id))
            return false;
    }
    if (f->n[KIND_PROTO]) {
        const char *proto = NULL;
        if (ev->frame)
            proto = trace_filter_protocol(ev->frame, ev->frame_len);
        else if (ev->kind == TRACE_ARP)
            proto = "arp";
        else if (ev->kind == TRACE_STATE)
            proto = "tcp";
        /* DHCP and DNS ride on UDP: asking for udp shows them too. */
        bool over_udp = proto && (strcmp(proto, "dhcp") == 0 || strcmp(proto, "dns") == 0);
        if (!has_value(f, KIND_PROTO, proto) && !(over_udp && has_value(f, KIND_PROTO, "udp")))
            return false;
    }
    return true;
}
