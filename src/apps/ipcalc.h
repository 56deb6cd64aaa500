/*
 * ipcalc: the `netsim ip` address calculator for the lecture on IPv4
 * addresses. Given an address and a prefix length (or none: the classful
 * default), it computes the subnet (network, broadcast, host range, host
 * count), the address class A-E and the kind of address (private, loopback,
 * multicast, ...), and prints them as aligned "label: value" lines
 * (docs/ipcalc.md). Computing (ipcalc_compute) is separate from printing
 * (ipcalc_print) so tests can check the values. Nothing here allocates.
 */
#ifndef NETSIM_APPS_IPCALC_H
#define NETSIM_APPS_IPCALC_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "wire/addr.h"

/* Pass as prefix_len to ipcalc_compute when no mask was given. */
#define IPCALC_NO_PREFIX -1

/* "11000000.10101000.00000001|00001010" plus NUL: 32 bits, 3 dots, 1 '|'. */
#define IPCALC_BINARY_LEN 37

/* Exit statuses of ipcalc_main (the same values main.c uses). */
enum { IPCALC_EXIT_OK = 0, IPCALC_EXIT_USAGE = 2 };

/* The classful class, from the leading bits: A 0, B 10, C 110, D 1110, E 1111. */
typedef enum ipcalc_class {
    IPCALC_CLASS_A,
    IPCALC_CLASS_B,
    IPCALC_CLASS_C,
    IPCALC_CLASS_D,
    IPCALC_CLASS_E,
} ipcalc_class;

/* What kind of address it is: the special-purpose block it falls in (RFC 6890
 * and the RFCs it lists), or public when none. */
typedef enum ipcalc_kind {
    IPCALC_KIND_THIS_NETWORK,      /* 0.0.0.0/8, RFC 1122 */
    IPCALC_KIND_PRIVATE,           /* 10/8, 172.16/12, 192.168/16, RFC 1918 */
    IPCALC_KIND_SHARED,            /* 100.64.0.0/10, RFC 6598 */
    IPCALC_KIND_LOOPBACK,          /* 127.0.0.0/8, RFC 1122 */
    IPCALC_KIND_LINK_LOCAL,        /* 169.254.0.0/16, RFC 3927 */
    IPCALC_KIND_IETF_PROTOCOL,     /* 192.0.0.0/24, RFC 6890 */
    IPCALC_KIND_DOCUMENTATION,     /* TEST-NET-1/2/3, RFC 5737 */
    IPCALC_KIND_BENCHMARKING,      /* 198.18.0.0/15, RFC 2544 */
    IPCALC_KIND_MULTICAST,         /* 224.0.0.0/4, class D, RFC 5771 */
    IPCALC_KIND_LIMITED_BROADCAST, /* 255.255.255.255/32, RFC 919 */
    IPCALC_KIND_RESERVED,          /* 240.0.0.0/4, class E, RFC 1112 */
    IPCALC_KIND_PUBLIC,            /* none of the above */
} ipcalc_kind;

/* Where the address sits in its subnet. */
typedef enum ipcalc_role {
    IPCALC_ROLE_NONE,           /* no network/host split (class D or E, no mask given) */
    IPCALC_ROLE_HOST,           /* neither the network nor the broadcast address */
    IPCALC_ROLE_NETWORK,        /* the network address: not usable by a host */
    IPCALC_ROLE_BROADCAST,      /* the broadcast address: not usable by a host */
    IPCALC_ROLE_POINT_TO_POINT, /* in a /31: both addresses are hosts (RFC 3021) */
    IPCALC_ROLE_SINGLE_HOST,    /* a /32 */
} ipcalc_role;

/* A special-purpose block (or, for IPCALC_KIND_PUBLIC, 0.0.0.0/0). */
typedef struct ipcalc_block {
    ipv4_addr base;
    int prefix_len;
    ipcalc_kind kind;
    const char *source;  /* "RFC 1918" */
    const char *meaning; /* what it is for, for students (English msgid: _() it to show it) */
} ipcalc_block;

typedef struct ipcalc_result {
    ipv4_addr addr;
    ipcalc_class addr_class;
    ipcalc_kind kind;
    const ipcalc_block *block; /* static storage, never NULL */

    /* false: class D or E and no mask given. Then prefix_len is
     * IPCALC_NO_PREFIX, role is IPCALC_ROLE_NONE and the fields below are 0. */
    bool has_split;
    bool default_mask; /* no mask given: prefix_len is the class's default */
    int prefix_len;    /* 0-32 when has_split */
    ipv4_addr netmask, wildcard, network;
    bool has_broadcast; /* false for /31 and /32, which have none */
    ipv4_addr broadcast, first_host, last_host;
    uint64_t usable_hosts; /* 2^h - 2; 2 for a /31, 1 for a /32 */
    ipcalc_role role;
} ipcalc_result;

/* Everything about `addr` with `prefix_len` (0-32, or IPCALC_NO_PREFIX for
 * the classful default of classes A-C and no split for D and E), into *out. */
void ipcalc_compute(ipv4_addr addr, int prefix_len, ipcalc_result *out);

ipcalc_class ipcalc_class_of(ipv4_addr a);

/* The first special-purpose block holding `a` (static storage, never NULL). */
const ipcalc_block *ipcalc_block_of(ipv4_addr a);

/* "private", "loopback", "limited broadcast", ... (static storage; English
 * msgids, the same in every language: ipcalc_print shows _() of them). */
const char *ipcalc_kind_name(ipcalc_kind kind);

/* Writes the 32 bits of `a` into buf[IPCALC_BINARY_LEN] as four octets
 * separated by '.', with a '|' after the first `split` bits (0-32; the '|'
 * replaces the '.' on an octet boundary), or no '|' when split is negative.
 * Returns buf. */
char *ipcalc_format_binary(ipv4_addr a, int split, char *buf);

/* Prints *r (borrowed) as the aligned lines docs/ipcalc.md describes. */
void ipcalc_print(const ipcalc_result *r, FILE *out);

/* `netsim ip ARGS`: argv (borrowed) holds the arguments after "ip": ADDRESS,
 * ADDRESS/PREFIX or ADDRESS NETMASK. Prints the result on `out` and returns
 * IPCALC_EXIT_OK, or prints one line "netsim: ..." on `err`, nothing on
 * `out`, and returns IPCALC_EXIT_USAGE. */
int ipcalc_main(int argc, char **argv, FILE *out, FILE *err);

#endif
