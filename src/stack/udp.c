/* udp: placeholder until UDP sockets land: every port is closed. */
#include "stack/udp.h"

#include "stack/internal.h"
#include "wire/ethernet.h"
#include "wire/icmp.h"
#include "wire/wire.h"

void udp_input(ip_stack *st, uint32_t iface, frame *f) {
    char why[64];
    snprintf(why, sizeof why, "no socket on UDP port %u",
             wire_get16(f->data + ETH_HEADER_LEN + (f->data[ETH_HEADER_LEN] & 15) * 4 + 2));
    icmp_send_error(st, f, ETH_HEADER_LEN, ICMP_DEST_UNREACHABLE, ICMP_UNREACH_PORT);
    net_trace(st->node->net, TRACE_DROP, st->node,
              iface < st->n_ifaces ? st->ifaces[iface].port : &ip_loopback_port, f, why, NULL);
    frame_free(f);
}

void udp_write_state(const ip_stack *st, FILE *out) {
    (void)st;
    (void)out;
}

void udp_destroy_all(ip_stack *st) {
    (void)st;
}
