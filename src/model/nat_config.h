/*
 * nat_config: the model of a NAT box's translation settings (part of the
 * topology model; plain data).
 */
#ifndef NETSIM_MODEL_NAT_CONFIG_H
#define NETSIM_MODEL_NAT_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire/addr.h"

/* A NAT mapping's idle timeouts when the topology gives none. */
#define NAT_DEFAULT_UDP_TIMEOUT_NS     300000000000ull  /* 300 s (RFC 4787 REQ-5: at least 2 min) */
#define NAT_DEFAULT_TCP_ESTABLISHED_NS 7440000000000ull /* 7440 s (RFC 5382 REQ-5: 2 h 4 min) */
#define NAT_DEFAULT_TCP_TRANSITORY_NS  240000000000ull  /* 240 s (RFC 5382: 4 min) */
#define NAT_DEFAULT_ICMP_TIMEOUT_NS    60000000000ull   /* 60 s (RFC 5508 REQ-1) */

/* A static port forward (DNAT): outside_port on the outside address goes to
 * inside_ip:inside_port. */
typedef struct model_nat_forward {
    uint8_t protocol; /* IPPROTO_TCP_NUM or IPPROTO_UDP_NUM */
    uint16_t outside_port;
    ipv4_addr inside_ip;
    uint16_t inside_port;
} model_nat_forward;

/* A pinned mapping: inside_ip:inside_port always leaves as outside_port. */
typedef struct model_nat_pin {
    uint8_t protocol;
    ipv4_addr inside_ip;
    uint16_t inside_port;
    uint16_t outside_port;
} model_nat_pin;

typedef struct model_nat {
    bool enabled;
    uint32_t inside_iface; /* index into the device's interfaces */
    uint32_t outside_iface;
    model_nat_forward *forwards;
    size_t n_forwards;
    model_nat_pin *pins;
    size_t n_pins;
    uint64_t udp_timeout_ns;     /* default 300 s (RFC 4787 REQ-5: at least 2 min) */
    uint64_t tcp_established_ns; /* default 7440 s (RFC 5382 REQ-5: 2 h 4 min) */
    uint64_t tcp_transitory_ns;  /* default 240 s (RFC 5382: 4 min) */
    uint64_t icmp_timeout_ns;    /* default 60 s (RFC 5508 REQ-1) */
} model_nat;

#endif
