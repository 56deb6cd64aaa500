/*
 * icmp: echo (RFC 792) and error reporting (RFC 792; RFC 1812 section
 * 4.3.2.7 for when never to send an error).
 */
#include <stdlib.h>
#include <string.h>

#include "stack/internal.h"
#include "util/alloc.h"
#include "util/i18n.h"
#include "wire/ethernet.h"
#include "wire/icmp.h"
#include "wire/ipv4.h"
#include "wire/udp.h"
#include "wire/wire.h"

static void drop(ip_stack *st, uint32_t iface, frame *f, trace_reason reason, const char *why) {
    const port *p = iface < st->n_ifaces ? st->ifaces[iface].port : &ip_loopback_port;
    net_trace_drop(st->node->net, st->node, p, f, reason, why);
    frame_free(f);
}

static const port *port_of(const ip_stack *st, uint32_t iface) {
    return iface < st->n_ifaces ? st->ifaces[iface].port : &ip_loopback_port;
}

static const icmp_listener *find_listener(const ip_stack *st, uint8_t about, uint16_t id) {
    for (uint32_t i = 0; i < st->n_listeners; i++)
        if (st->listeners[i].about == about && st->listeners[i].id == id)
            return &st->listeners[i];
    return NULL;
}

static bool is_error_type(uint8_t type) {
    return type == ICMP_DEST_UNREACHABLE || type == ICMP_TIME_EXCEEDED ||
           type == ICMP_SOURCE_QUENCH || type == ICMP_REDIRECT || type == ICMP_PARAMETER_PROBLEM;
}

void icmp_receive(ip_stack *st, uint32_t iface, frame *f, const ipv4_header *ip) {
    const ipv4_header h = *ip;
    const uint8_t *msg = f->data + ETH_HEADER_LEN + h.header_len;
    size_t len = h.total_len - h.header_len;
    icmp_header ih;
    int rc = icmp_parse(msg, len, &ih);
    if (rc != WIRE_OK) {
        char why[160];
        snprintf(why, sizeof why, _("bad ICMP message (%s)"), _(wire_strerror(rc)));
        drop(st, iface, f, stack_wire_reason(rc), why);
        return;
    }
    network *net = st->node->net;
    icmp_notice n = {.type = ih.type,
                     .code = ih.code,
                     .from = h.src,
                     .about = IPPROTO_ICMP_NUM,
                     .id = ih.id,
                     .seq = ih.seq,
                     .ttl = h.ttl,
                     .data_len = (uint32_t)len,
                     .packet_id = f->packet_id};
    if (ih.type == ICMP_ECHO_REQUEST) {
        net_trace(net, TRACE_DELIVER, st->node, port_of(st, iface), f,
                  _("echo request for this host: replying"), NULL);
        /* The reply carries the request's identifier, sequence and data back. */
        uint8_t *reply = malloc(len);
        if (!reply)
            ns_out_of_memory();
        memcpy(reply, msg, len);
        icmp_header rh = {.type = ICMP_ECHO_REPLY, .id = ih.id, .seq = ih.seq};
        icmp_emit(&rh, reply, len);
        /* Reply from the address the request was sent to (RFC 1122 3.2.2.6). */
        ipv4_addr src =
            ip_stack_iface_of_addr(st, h.dst) >= 0 || ipv4_is_loopback(h.dst) ? h.dst : 0;
        ip_send_route r = ip_stack_route_for(st, h.src);
        if (src)
            r.src = src;
        r.dont_fragment = false; /* Linux's ICMP socket: IP_PMTUDISC_DONT (icmp_init) */
        ip_stack_send_routed(st, &r, h.src, IPPROTO_ICMP_NUM, reply, len, 0, NULL);
        free(reply);
        frame_free(f);
        return;
    }
    if (ih.type == ICMP_ECHO_REPLY) {
        const icmp_listener *l = find_listener(st, IPPROTO_ICMP_NUM, ih.id);
        if (!l) {
            drop(st, iface, f, TRACE_REASON_NO_SOCKET, _("echo reply nobody is waiting for"));
            return;
        }
        net_trace(net, TRACE_DELIVER, st->node, port_of(st, iface), f, _("echo reply for ping"),
                  NULL);
        l->fn(l->ctx, &n);
        frame_free(f);
        return;
    }
    if (is_error_type(ih.type) && len >= ICMP_HEADER_LEN + IPV4_HEADER_LEN + ICMP_QUOTED_PAYLOAD) {
        /* The error quotes our packet's IP header and first 8 bytes: enough to
         * find the echo identifier or the UDP ports it is about. */
        const uint8_t *inner = msg + ICMP_HEADER_LEN;
        size_t inner_hlen = ipv4_get_header_len(inner);
        const icmp_listener *l = NULL;
        if (len >= ICMP_HEADER_LEN + inner_hlen + ICMP_QUOTED_PAYLOAD) {
            const uint8_t *l4 = inner + inner_hlen;
            n.about = ipv4_get_protocol(inner);
            if (n.about == IPPROTO_ICMP_NUM && l4[ICMP_OFF_TYPE] == ICMP_ECHO_REQUEST) {
                n.id = wire_get16(l4 + ICMP_OFF_ID);
                n.seq = wire_get16(l4 + ICMP_OFF_SEQ);
                l = find_listener(st, IPPROTO_ICMP_NUM, n.id);
            } else if (n.about == IPPROTO_UDP_NUM) {
                n.id = wire_get16(l4 + UDP_OFF_SRC_PORT);
                n.seq = wire_get16(l4 + UDP_OFF_DST_PORT);
                l = find_listener(st, IPPROTO_UDP_NUM, n.id);
            }
        }
        if (l && l->unreported) {
            net_trace(net, TRACE_DELIVER, st->node, port_of(st, iface), f,
                      _("ICMP error about our UDP datagram, not reported: the socket is not "
                        "connected, and Linux reports such errors only to a connected socket; "
                        "recvfrom keeps waiting"),
                      NULL);
            frame_free(f);
            return;
        }
        if (l) {
            net_trace(net, TRACE_DELIVER, st->node, port_of(st, iface), f,
                      n.about == IPPROTO_UDP_NUM ? _("ICMP error about our UDP datagram")
                                                 : _("ICMP error about our echo request"),
                      NULL);
            l->fn(l->ctx, &n);
            frame_free(f);
            return;
        }
        drop(st, iface, f, TRACE_REASON_NO_SOCKET,
             _("ICMP error about a packet no application waits for"));
        return;
    }
    drop(st, iface, f, TRACE_REASON_ICMP_UNHANDLED, _("ICMP type not handled"));
}

void icmp_send_error(ip_stack *st, const frame *f, const ipv4_header *ip, uint8_t type,
                     uint8_t code) {
    const ipv4_header h = *ip;
    const uint8_t *header = f->data + ETH_HEADER_LEN;
    /* RFC 1812 4.3.2.7: never about an ICMP error, a broadcast or multicast
     * destination, a non-initial fragment, or a source that names no host. */
    const uint8_t *payload = header + h.header_len;
    size_t payload_len = h.total_len - h.header_len;
    if (h.protocol == IPPROTO_ICMP_NUM && payload_len >= 1 && is_error_type(payload[ICMP_OFF_TYPE]))
        return;
    if (ipv4_is_limited_broadcast(h.dst) || ipv4_is_multicast(h.dst) || h.frag_offset != 0 ||
        h.src == 0 || ipv4_is_limited_broadcast(h.src) || ipv4_is_multicast(h.src))
        return;
    /* Quote the IP header and the first 8 bytes of its payload (RFC 792). */
    size_t quoted =
        h.header_len + (payload_len < ICMP_QUOTED_PAYLOAD ? payload_len : ICMP_QUOTED_PAYLOAD);
    size_t len = ICMP_HEADER_LEN + quoted;
    uint8_t msg[ICMP_HEADER_LEN + IPV4_MAX_HEADER_LEN + ICMP_QUOTED_PAYLOAD];
    memset(msg, 0, sizeof msg);
    memcpy(msg + ICMP_HEADER_LEN, header, quoted);
    icmp_header eh = {.type = type, .code = code};
    icmp_emit(&eh, msg, len);
    ip_send_route r = ip_stack_route_for(st, h.src);
    r.dont_fragment = false; /* Linux's ICMP socket: IP_PMTUDISC_DONT (icmp_init) */
    ip_stack_send_routed(st, &r, h.src, IPPROTO_ICMP_NUM, msg, len, 0, NULL);
}
