/*
 * addr: MAC and IPv4 address values, their text forms and classification.
 * IPv4 addresses are uint32_t in host order (10.0.0.1 is 0x0A000001).
 */
#ifndef NETSIM_WIRE_ADDR_H
#define NETSIM_WIRE_ADDR_H

#include <stdbool.h>
#include <stdint.h>

typedef uint32_t ipv4_addr;

typedef struct mac_addr {
    uint8_t b[6];
} mac_addr;

#define MAC_TEXT_LEN  18 /* "02:00:00:00:01:01" plus NUL */
#define IPV4_TEXT_LEN 16 /* "255.255.255.255" plus NUL */

extern const mac_addr MAC_BROADCAST; /* ff:ff:ff:ff:ff:ff */
extern const mac_addr MAC_ZERO;      /* 00:00:00:00:00:00 */

bool mac_equal(mac_addr a, mac_addr b);
bool mac_is_broadcast(mac_addr a);
bool mac_is_multicast(mac_addr a); /* group bit set (broadcast included) */

/* The 48 bits as an integer, for hashing and sorting. */
uint64_t mac_to_u64(mac_addr a);
mac_addr mac_from_u64(uint64_t v);

/* Writes "xx:xx:xx:xx:xx:xx" (lower case) into buf[MAC_TEXT_LEN]; returns buf. */
char *mac_format(mac_addr a, char *buf);

/* Parses six hex pairs separated by ':' or '-'. Returns 0, or -1 if malformed. */
int mac_parse(const char *text, mac_addr *out);

/* The value 0-15 of hex digit `c` (either case), or -1. */
int hex_digit_value(char c);

/* Writes dotted quad into buf[IPV4_TEXT_LEN]; returns buf. */
char *ipv4_format(ipv4_addr a, char *buf);

#define IPV4_ENDPOINT_TEXT_LEN 22 /* "255.255.255.255:65535" plus NUL */

/* Writes "a.b.c.d:port" into buf[IPV4_ENDPOINT_TEXT_LEN]; returns buf. */
char *ipv4_format_endpoint(ipv4_addr a, uint16_t port, char *buf);

/* Parses a strict dotted quad ("10.0.0.1": four decimal parts 0-255, no leading
 * '+', no spaces, nothing after). Returns 0, or -1 if malformed. */
int ipv4_parse(const char *text, ipv4_addr *out);

/* Parses "a.b.c.d/len" with len 0-32. Returns 0, or -1 if malformed. */
int ipv4_parse_prefix(const char *text, ipv4_addr *addr, int *prefix_len);

/* Parses "a.b.c.d/len" or "a.b.c.d/m.m.m.m" (a dotted netmask, as ifconfig
 * and the notes write it): *prefix_len is the length either way. Returns 0;
 * -1 if malformed (nothing set); -2 if the netmask's 1 bits are not all
 * before its 0 bits (*addr and *mask set, *prefix_len -1). */
int ipv4_parse_prefix_or_mask(const char *text, ipv4_addr *addr, int *prefix_len, ipv4_addr *mask);

/* The netmask of a prefix length (24 -> 255.255.255.0). */
ipv4_addr ipv4_netmask(int prefix_len);

/* The prefix length of a contiguous netmask, or -1 if the mask is not contiguous. */
int ipv4_mask_to_prefix(ipv4_addr mask);

bool ipv4_same_subnet(ipv4_addr a, ipv4_addr b, int prefix_len);

bool ipv4_is_loopback(ipv4_addr a);          /* 127.0.0.0/8 */
bool ipv4_is_multicast(ipv4_addr a);         /* 224.0.0.0/4, class D */
bool ipv4_is_limited_broadcast(ipv4_addr a); /* 255.255.255.255 */

#endif
