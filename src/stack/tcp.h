/*
 * tcp: TCP connections on an ip_stack, per RFC 9293: every state (LISTEN,
 * SYN-SENT, SYN-RECEIVED, ESTABLISHED, FIN-WAIT-1/2, CLOSE-WAIT, CLOSING,
 * LAST-ACK, TIME-WAIT), initial sequence numbers from the run's seeded
 * generator, segmentation by MSS, Linux's options (MSS, SACK-permitted,
 * timestamps, window scale) and windows, delayed and quick ACKs as Linux,
 * flow control (with a zero-window probe), retransmission on timeout (RFC
 * 6298: SRTT/RTTVAR, Karn's algorithm or timestamps, exponential backoff) and
 * SACK-based loss recovery (RFC 6675; NewReno without SACK), simultaneous
 * open and close, and RST for segments to a closed port.
 *
 * Every state change is traced (TRACE_STATE, detail "SYN-SENT -> ESTABLISHED")
 * and every segment sent or received shows its flags, seq, ack, window and
 * length in the trace (wire/describe).
 *
 * Ownership: the stack owns connections. A connection is freed after its
 * `closed` callback returns; applications must not use it afterwards.
 */
#ifndef NETSIM_STACK_TCP_H
#define NETSIM_STACK_TCP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "stack/ip_stack.h"

typedef struct tcp_conn tcp_conn;

typedef enum {
    TCP_CLOSED,
    TCP_LISTEN,
    TCP_SYN_SENT,
    TCP_SYN_RECEIVED,
    TCP_ESTABLISHED,
    TCP_FIN_WAIT_1,
    TCP_FIN_WAIT_2,
    TCP_CLOSE_WAIT,
    TCP_CLOSING,
    TCP_LAST_ACK,
    TCP_TIME_WAIT,
} tcp_state;

/* "LISTEN", "SYN-SENT", ... as RFC 9293 spells them. */
const char *tcp_state_name(tcp_state s);

typedef enum {
    TCP_END_NORMAL,  /* closed by both sides (after TIME-WAIT or LAST-ACK) */
    TCP_END_RESET,   /* the peer sent RST */
    TCP_END_REFUSED, /* RST in answer to our SYN: nothing listens there */
    TCP_END_TIMEOUT, /* retransmissions exhausted (or the SYN went unanswered) */
} tcp_end;

/* Callbacks of an application. Any may be NULL. `ctx` is the application's. */
typedef struct tcp_handler {
    /* Our active open completed: the connection is ESTABLISHED. */
    void (*connected)(void *ctx, tcp_conn *c);
    /* A listener got a new ESTABLISHED connection `c`; it starts with the
     * listener's handler and ctx (change them with tcp_set_handler). */
    void (*accepted)(void *ctx, tcp_conn *listener, tcp_conn *c);
    /* In-order data arrived (borrowed for the call). */
    void (*received)(void *ctx, tcp_conn *c, const uint8_t *data, size_t len);
    /* The peer closed its side (FIN): no more data will arrive, like recv()
     * returning b'' in the notes. */
    void (*peer_closed)(void *ctx, tcp_conn *c);
    /* The connection is gone; `c` is freed when this returns. */
    void (*closed)(void *ctx, tcp_conn *c, tcp_end why);
    /* All data handed to tcp_send so far has been acknowledged. */
    void (*sent)(void *ctx, tcp_conn *c);
} tcp_handler;

/* Listens on `port` on every address of `st`. Returns 0 and *out, or -1 if the
 * port is taken (EADDRINUSE). `h` is borrowed and must outlive the listener. */
int tcp_listen(ip_stack *st, uint16_t port, const tcp_handler *h, void *ctx, tcp_conn **out);

/* Starts an active open from an ephemeral port to dst:port (sends SYN).
 * Returns 0 and *out, or what connect() fails with (traced):
 * IP_ERR_NETUNREACH (no route) or IP_ERR_ADDRNOTAVAIL (every port of the
 * ephemeral range is in use). A SYN the firewall's out chain refuses does not
 * fail connect(): as in Linux (tcp_connect ignores the error), it counts as
 * lost and is retransmitted until the connection times out. */
int tcp_connect(ip_stack *st, ipv4_addr dst, uint16_t port, const tcp_handler *h, void *ctx,
                tcp_conn **out);

/* Queues `len` bytes for sending (copied); they leave as the window allows.
 * Returns the number of bytes accepted (all of them: the send buffer grows),
 * or 0 if the connection can no longer send. */
size_t tcp_send(tcp_conn *c, const uint8_t *data, size_t len);

/* tcp_connect from a given local port (bind before connect, as the notes'
 * client may do); 0 picks an ephemeral one. Returns IP_ERR_ADDRINUSE also
 * when the port is in use (bind() fails first; traced). */
int tcp_connect_from(ip_stack *st, uint16_t local_port, ipv4_addr dst, uint16_t port,
                     const tcp_handler *h, void *ctx, tcp_conn **out);

/* Graceful close: a FIN follows the queued data. A listener stops listening. */
void tcp_close(tcp_conn *c);

/* Aborts with RST. */
void tcp_abort(tcp_conn *c);

/* Turns keepalive on (idle > 0) or off (idle 0), as setsockopt SO_KEEPALIVE
 * with TCP_KEEPIDLE, TCP_KEEPINTVL and TCP_KEEPCNT: once the peer has sent
 * nothing for `idle` and nothing waits for an ACK, a probe every `interval`;
 * after `probes` unanswered ones the connection is reset and ends with
 * closed(TCP_END_TIMEOUT) ("Connection timed out"). Linux's defaults are
 * 7200 s, 75 s and 9 (net.ipv4.tcp_keepalive_*). Timing starts when the
 * connection is established. */
void tcp_set_keepalive(tcp_conn *c, sim_time idle, sim_time interval, uint32_t probes);

void tcp_set_handler(tcp_conn *c, const tcp_handler *h, void *ctx);

tcp_state tcp_conn_state(const tcp_conn *c);
ipv4_addr tcp_remote_addr(const tcp_conn *c);
uint16_t tcp_remote_port(const tcp_conn *c);
uint16_t tcp_local_port(const tcp_conn *c);

/* netstat -tn style lines for state.txt. */
void tcp_write_state(const ip_stack *st, FILE *out);

/* Listeners and connections as `netstat -an` lists them: fields proto
 * ("tcp"), recv_q, send_q (bytes not yet acknowledged), local, foreign,
 * state (netstat's names: LISTEN, SYN_SENT, ESTABLISHED, TIME_WAIT, ...). */
void tcp_show_rows(const ip_stack *st, trace_rows *rows);

/* Each listener and connection as a row "tcp": key as traced ("0.0.0.0:80",
 * "a:p > b:q"), value its state ("LISTEN", "ESTABLISHED"). */
void tcp_table_rows(const ip_stack *st, ip_table_row_fn fn, void *ctx);

/* The device lost power: every connection ends at once, without a segment
 * (the peer finds out by itself), and its application is told
 * closed(TCP_END_RESET). Listeners stay (the service comes back at boot). */
void tcp_power_off(ip_stack *st);

/* Frees every connection of the stack; called by ip_stack_destroy. */
void tcp_destroy_all(ip_stack *st);

#endif
