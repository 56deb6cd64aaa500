/* addr: MAC and IPv4 values, their strict text forms and classification. */
#include "wire/addr.h"

#include <string.h>

#include "util/text.h"

const mac_addr MAC_BROADCAST = {{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}};
const mac_addr MAC_ZERO = {{0, 0, 0, 0, 0, 0}};

bool mac_equal(mac_addr a, mac_addr b) {
    return memcmp(a.b, b.b, 6) == 0;
}

bool mac_is_broadcast(mac_addr a) {
    return mac_equal(a, MAC_BROADCAST);
}

bool mac_is_multicast(mac_addr a) {
    return (a.b[0] & 1) != 0;
}

uint64_t mac_to_u64(mac_addr a) {
    uint64_t v = 0;
    for (int i = 0; i < 6; i++)
        v = v << 8 | a.b[i];
    return v;
}

mac_addr mac_from_u64(uint64_t v) {
    mac_addr a;
    for (int i = 5; i >= 0; i--) {
        a.b[i] = (uint8_t)v;
        v >>= 8;
    }
    return a;
}

/* By hand, not snprintf: a full trace formats two MACs per line, millions
 * of times (issue 16). */
char *mac_format(mac_addr a, char *buf) {
    static const char hex[] = "0123456789abcdef";
    char *p = buf;
    for (int i = 0; i < 6; i++) {
        if (i)
            *p++ = ':';
        *p++ = hex[a.b[i] >> 4];
        *p++ = hex[a.b[i] & 15];
    }
    *p = '\0';
    return buf;
}

int hex_digit_value(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int mac_parse(const char *text, mac_addr *out) {
    mac_addr a;
    char sep = 0;
    for (int i = 0; i < 6; i++) {
        int hi = hex_digit_value(text[0]);
        int lo = hi < 0 ? -1 : hex_digit_value(text[1]);
        if (hi < 0 || lo < 0)
            return -1;
        a.b[i] = (uint8_t)(hi << 4 | lo);
        text += 2;
        if (i == 5)
            break;
        if (*text != ':' && *text != '-')
            return -1;
        if (sep && *text != sep) /* no mixing of ':' and '-' */
            return -1;
        sep = *text++;
    }
    if (*text != '\0')
        return -1;
    *out = a;
    return 0;
}

/* Writes the dotted quad at `p` without a NUL; returns the end. By hand,
 * not snprintf, for the same reason as mac_format. */
static char *put_quad(char *p, ipv4_addr a) {
    for (int shift = 24; shift >= 0; shift -= 8) {
        p += text_put_u64(p, (a >> shift) & 255);
        if (shift)
            *p++ = '.';
    }
    return p;
}

char *ipv4_format(ipv4_addr a, char *buf) {
    *put_quad(buf, a) = '\0';
    return buf;
}

char *ipv4_format_endpoint(ipv4_addr a, uint16_t port, char *buf) {
    char *p = put_quad(buf, a);
    *p++ = ':';
    p[text_put_u64(p, port)] = '\0';
    return buf;
}

/* Parses one decimal part of a dotted quad: 1-3 digits, value <= 255, no
 * leading zeros (inet_pton rejects "010" too, to avoid octal confusion). */
static const char *parse_octet(const char *p, unsigned *out) {
    unsigned v = 0;
    int digits = 0;
    while (*p >= '0' && *p <= '9') {
        if (digits == 1 && v == 0)
            return NULL;
        v = v * 10 + (unsigned)(*p - '0');
        if (++digits > 3 || v > 255)
            return NULL;
        p++;
    }
    if (digits == 0)
        return NULL;
    *out = v;
    return p;
}

static const char *parse_quad(const char *p, ipv4_addr *out) {
    ipv4_addr a = 0;
    for (int i = 0; i < 4; i++) {
        unsigned octet;
        p = parse_octet(p, &octet);
        if (!p)
            return NULL;
        a = a << 8 | octet;
        if (i < 3 && *p++ != '.')
            return NULL;
    }
    *out = a;
    return p;
}

int ipv4_parse(const char *text, ipv4_addr *out) {
    ipv4_addr a;
    const char *end = parse_quad(text, &a);
    if (!end || *end != '\0')
        return -1;
    *out = a;
    return 0;
}

int ipv4_parse_prefix(const char *text, ipv4_addr *addr, int *prefix_len) {
    ipv4_addr a;
    const char *p = parse_quad(text, &a);
    if (!p || *p++ != '/')
        return -1;
    unsigned len;
    const char *end = parse_octet(p, &len);
    if (!end || *end != '\0' || len > 32)
        return -1;
    *addr = a;
    *prefix_len = (int)len;
    return 0;
}

int ipv4_parse_prefix_or_mask(const char *text, ipv4_addr *addr, int *prefix_len, ipv4_addr *mask) {
    ipv4_addr a, m;
    const char *p = parse_quad(text, &a);
    if (!p || *p != '/')
        return -1;
    if (!strchr(p + 1, '.'))
        return ipv4_parse_prefix(text, addr, prefix_len);
    if (ipv4_parse(p + 1, &m) != 0)
        return -1;
    *addr = a;
    *mask = m;
    *prefix_len = ipv4_mask_to_prefix(m);
    return *prefix_len < 0 ? -2 : 0;
}

ipv4_addr ipv4_netmask(int prefix_len) {
    if (prefix_len <= 0)
        return 0;
    if (prefix_len >= 32)
        return 0xffffffffu;
    return 0xffffffffu << (32 - prefix_len);
}

int ipv4_mask_to_prefix(ipv4_addr mask) {
    int len = 0;
    while (len < 32 && (mask & (0x80000000u >> len)))
        len++;
    return ipv4_netmask(len) == mask ? len : -1;
}

bool ipv4_same_subnet(ipv4_addr a, ipv4_addr b, int prefix_len) {
    ipv4_addr m = ipv4_netmask(prefix_len);
    return (a & m) == (b & m);
}

bool ipv4_is_loopback(ipv4_addr a) {
    return (a >> 24) == 127;
}

bool ipv4_is_multicast(ipv4_addr a) {
    return (a >> 28) == 0xe;
}

bool ipv4_is_limited_broadcast(ipv4_addr a) {
    return a == 0xffffffffu;
}
