/*
 * udp: UDP sockets on an ip_stack (RFC 768; RFC 1122 section 4.1). A socket is
 * bound to a local port (a given one, or an ephemeral one drawn from the run's
 * seeded generator in 32768-60999, Linux's ip_local_port_range, or the range
 * set for the host); datagrams to a port with no socket are answered with ICMP
 * port unreachable by the stack.
 */
#ifndef NETSIM_STACK_UDP_H
#define NETSIM_STACK_UDP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "stack/ip_stack.h"
#include "wire/ethernet.h"
#include "wire/ipv4.h"
#include "wire/udp.h"

typedef struct udp_socket udp_socket;

/* A datagram for `s`: `data` is borrowed for the call. */
typedef void (*udp_receive_fn)(void *ctx, udp_socket *s, ipv4_addr src, uint16_t src_port,
                               const uint8_t *data, size_t len);

#define UDP_EPHEMERAL_LOW  32768 /* Linux net.ipv4.ip_local_port_range */
#define UDP_EPHEMERAL_HIGH 60999

/* The most data one datagram carries: what fits a frame of 65535 bytes
 * (netsim does not fragment). */
#define UDP_MAX_DATA (65535 - ETH_HEADER_LEN - IPV4_HEADER_LEN - UDP_HEADER_LEN)

/* Binds a socket to `port` (0: an ephemeral port) on every address of `st`.
 * Returns 0 and *out; IP_ERR_ADDRINUSE when `port` is already bound on this
 * host (bind() fails with EADDRINUSE); IP_ERR_AGAIN when port is 0 and every
 * port of the ephemeral range is bound (what sendto() or connect() on an
 * unbound socket get from Linux's inet_autobind: EAGAIN). The stack owns the
 * socket; it is freed by udp_close or when the stack is destroyed. */
int udp_bind(ip_stack *st, uint16_t port, udp_receive_fn fn, void *ctx, udp_socket **out);

/* Sends `len` bytes to dst:port from the socket's port (source address chosen
 * by the route). Returns 0, or what sendto() would fail with (traced):
 * IP_ERR_NETUNREACH (no route), IP_ERR_PERM (the firewall's out chain),
 * IP_ERR_MSGSIZE (longer than one frame). */
int udp_sendto(udp_socket *s, ipv4_addr dst, uint16_t port, const uint8_t *data, size_t len);

/* Sends `len` bytes to dst:port out of interface `iface` without routing,
 * from address `src` (0.0.0.0 allowed): what a DHCP client (no address yet)
 * and a DHCP server (answering by broadcast) need. `dst` is the limited
 * broadcast 255.255.255.255 or an address on that interface's link. Returns
 * 0, or a negative ip_err: a bad interface, a datagram too long, or the
 * firewall's out chain (traced). */
int udp_sendto_on(udp_socket *s, uint32_t iface, ipv4_addr src, ipv4_addr dst, uint16_t port,
                  const uint8_t *data, size_t len);

/* Inside a udp_receive_fn call: the interface the datagram arrived on
 * (UINT32_MAX for loopback) and the address it was sent to (a broadcast
 * address, for instance). Meaningless outside the call. */
uint32_t udp_rx_iface(const udp_socket *s);
ipv4_addr udp_rx_dst(const udp_socket *s);

/* The host's ephemeral port range (Linux's net.ipv4.ip_local_port_range),
 * used for port 0 here and meant for TCP's ephemeral ports too; lo <= hi.
 * The default is UDP_EPHEMERAL_LOW-UDP_EPHEMERAL_HIGH. */
void udp_set_ephemeral_range(ip_stack *st, uint16_t lo, uint16_t hi);
void udp_ephemeral_range(const ip_stack *st, uint16_t *lo, uint16_t *hi);

/* Closes and frees the socket; its port is free again. NULL is a no-op. */
void udp_close(udp_socket *s);

uint16_t udp_local_port(const udp_socket *s);

/* netstat-style lines for state.txt ("udp  0.0.0.0:8080  *:*"). */
void udp_write_state(const ip_stack *st, FILE *out);

/* The sockets as `netstat -an` lists them, by port: fields proto ("udp"),
 * recv_q, send_q, local, foreign (no state: UDP has none). */
void udp_show_rows(const ip_stack *st, trace_rows *rows);

/* Each socket as a row "udp": key "0.0.0.0:53", value "*:*" (as netstat shows it). */
void udp_table_rows(const ip_stack *st, ip_table_row_fn fn, void *ctx);

/* Frees every socket of the stack; called by ip_stack_destroy. */
void udp_destroy_all(ip_stack *st);

#endif
