/* tcp: placeholder until TCP lands: segments are dropped. */
#include "stack/tcp.h"

#include "stack/internal.h"

void tcp_input(ip_stack *st, uint32_t iface, frame *f) {
    net_trace(st->node->net, TRACE_DROP, st->node,
              iface < st->n_ifaces ? st->ifaces[iface].port : &ip_loopback_port, f, "no TCP yet",
              NULL);
    frame_free(f);
}

void tcp_write_state(const ip_stack *st, FILE *out) {
    (void)st;
    (void)out;
}

void tcp_destroy_all(ip_stack *st) {
    (void)st;
}
