/*
 * ipcalc: the `netsim ip` address calculator. ipcalc_compute does the
 * arithmetic on host-order addresses (wire/addr parses and formats them);
 * ipcalc_print lays the result out in three aligned columns (label, dotted
 * value, binary or explanation), the layout docs/ipcalc.md shows. The
 * classification table follows RFC 6890's special-purpose registry.
 */
#include "apps/ipcalc.h"

#include <assert.h>
#include <stdarg.h>
#include <string.h>

/* Column widths of the printed layout: "Usable hosts: " and
 * "255.255.255.255/32  ", so the third column always starts at column 35. */
#define LABEL_WIDTH 14
#define VALUE_WIDTH 20

/* The special-purpose blocks, most specific first: the first block holding an
 * address is its kind (255.255.255.255 is in 240.0.0.0/4 too). The last row
 * holds every address. */
static const ipcalc_block blocks[] = {
    {0x00000000u, 8, IPCALC_KIND_THIS_NETWORK, "RFC 1122",
     "\"this network\", only a source while booting"},
    {0x0a000000u, 8, IPCALC_KIND_PRIVATE, "RFC 1918", "not routed on the Internet"},
    {0x64400000u, 10, IPCALC_KIND_SHARED, "RFC 6598", "shared address space of carrier-grade NAT"},
    {0x7f000000u, 8, IPCALC_KIND_LOOPBACK, "RFC 1122", "this machine, never sent on a link"},
    {0xa9fe0000u, 16, IPCALC_KIND_LINK_LOCAL, "RFC 3927", "self-assigned when DHCP fails"},
    {0xac100000u, 12, IPCALC_KIND_PRIVATE, "RFC 1918", "not routed on the Internet"},
    {0xc0000000u, 24, IPCALC_KIND_IETF_PROTOCOL, "RFC 6890", "IETF protocol assignments"},
    {0xc0000200u, 24, IPCALC_KIND_DOCUMENTATION, "RFC 5737",
     "TEST-NET-1, for examples in documents"},
    {0xc0a80000u, 16, IPCALC_KIND_PRIVATE, "RFC 1918", "not routed on the Internet"},
    {0xc6120000u, 15, IPCALC_KIND_BENCHMARKING, "RFC 2544", "for testing network equipment"},
    {0xc6336400u, 24, IPCALC_KIND_DOCUMENTATION, "RFC 5737",
     "TEST-NET-2, for examples in documents"},
    {0xcb007100u, 24, IPCALC_KIND_DOCUMENTATION, "RFC 5737",
     "TEST-NET-3, for examples in documents"},
    {0xe0000000u, 4, IPCALC_KIND_MULTICAST, "RFC 5771", "a group of receivers (class D)"},
    {0xffffffffu, 32, IPCALC_KIND_LIMITED_BROADCAST, "RFC 919",
     "every host on this link, never routed"},
    {0xf0000000u, 4, IPCALC_KIND_RESERVED, "RFC 1112", "reserved for future use (class E)"},
    {0x00000000u, 0, IPCALC_KIND_PUBLIC, "RFC 6890",
     "routable on the Internet (in no special-purpose block, RFC 6890)"},
};

/* Per class: leading bits, first and last address, classful prefix (-1: none). */
static const struct {
    char letter;
    const char *leading_bits;
    const char *range;
    int default_prefix;
} classes[] = {
    [IPCALC_CLASS_A] = {'A', "0", "0.0.0.0 - 127.255.255.255", 8},
    [IPCALC_CLASS_B] = {'B', "10", "128.0.0.0 - 191.255.255.255", 16},
    [IPCALC_CLASS_C] = {'C', "110", "192.0.0.0 - 223.255.255.255", 24},
    [IPCALC_CLASS_D] = {'D', "1110", "224.0.0.0 - 239.255.255.255", -1},
    [IPCALC_CLASS_E] = {'E', "1111", "240.0.0.0 - 255.255.255.255", -1},
};

ipcalc_class ipcalc_class_of(ipv4_addr a) {
    if ((a >> 31) == 0)
        return IPCALC_CLASS_A;
    if ((a >> 30) == 2)
        return IPCALC_CLASS_B;
    if ((a >> 29) == 6)
        return IPCALC_CLASS_C;
    if ((a >> 28) == 0xe)
        return IPCALC_CLASS_D;
    return IPCALC_CLASS_E;
}

const ipcalc_block *ipcalc_block_of(ipv4_addr a) {
    size_t n = sizeof blocks / sizeof blocks[0];
    for (size_t i = 0; i < n; i++)
        if (ipv4_same_subnet(a, blocks[i].base, blocks[i].prefix_len))
            return &blocks[i];
    assert(!"the last block holds every address");
    return &blocks[n - 1];
}

const char *ipcalc_kind_name(ipcalc_kind kind) {
    switch (kind) {
    case IPCALC_KIND_THIS_NETWORK:
        return "this network";
    case IPCALC_KIND_PRIVATE:
        return "private";
    case IPCALC_KIND_SHARED:
        return "shared";
    case IPCALC_KIND_LOOPBACK:
        return "loopback";
    case IPCALC_KIND_LINK_LOCAL:
        return "link-local";
    case IPCALC_KIND_IETF_PROTOCOL:
        return "IETF protocol";
    case IPCALC_KIND_DOCUMENTATION:
        return "documentation";
    case IPCALC_KIND_BENCHMARKING:
        return "benchmarking";
    case IPCALC_KIND_MULTICAST:
        return "multicast";
    case IPCALC_KIND_LIMITED_BROADCAST:
        return "limited broadcast";
    case IPCALC_KIND_RESERVED:
        return "reserved";
    case IPCALC_KIND_PUBLIC:
        return "public";
    }
    return "?";
}

void ipcalc_compute(ipv4_addr addr, int prefix_len, ipcalc_result *out) {
    assert(prefix_len == IPCALC_NO_PREFIX || (prefix_len >= 0 && prefix_len <= 32));
    ipcalc_result r;
    memset(&r, 0, sizeof r);
    r.addr = addr;
    r.addr_class = ipcalc_class_of(addr);
    r.block = ipcalc_block_of(addr);
    r.kind = r.block->kind;
    r.prefix_len = prefix_len;
    r.role = IPCALC_ROLE_NONE;
    if (prefix_len == IPCALC_NO_PREFIX) {
        /* Classes D and E were never split into network and host parts. */
        if (classes[r.addr_class].default_prefix < 0) {
            *out = r;
            return;
        }
        r.prefix_len = classes[r.addr_class].default_prefix;
        r.default_mask = true;
    }
    r.has_split = true;
    r.netmask = ipv4_netmask(r.prefix_len);
    r.wildcard = ~r.netmask;
    r.network = addr & r.netmask;
    ipv4_addr all_ones = r.network | r.wildcard;
    if (r.prefix_len == 32) {
        r.first_host = r.last_host = addr;
        r.usable_hosts = 1;
        r.role = IPCALC_ROLE_SINGLE_HOST;
    } else if (r.prefix_len == 31) {
        /* RFC 3021: a /31 is a point-to-point link whose two addresses are
         * both hosts; it has no network or broadcast address. */
        r.first_host = r.network;
        r.last_host = all_ones;
        r.usable_hosts = 2;
        r.role = IPCALC_ROLE_POINT_TO_POINT;
    } else {
        r.has_broadcast = true;
        r.broadcast = all_ones;
        r.first_host = r.network + 1;
        r.last_host = all_ones - 1;
        r.usable_hosts = (UINT64_C(1) << (32 - r.prefix_len)) - 2;
        if (addr == r.network)
            r.role = IPCALC_ROLE_NETWORK;
        else if (addr == r.broadcast)
            r.role = IPCALC_ROLE_BROADCAST;
        else
            r.role = IPCALC_ROLE_HOST;
    }
    *out = r;
}

char *ipcalc_format_binary(ipv4_addr a, int split, char *buf) {
    assert(split <= 32);
    char *p = buf;
    for (int i = 0; i < 32; i++) {
        if (i == split)
            *p++ = '|';
        else if (i > 0 && i % 8 == 0)
            *p++ = '.';
        *p++ = (a >> (31 - i)) & 1 ? '1' : '0';
    }
    if (split == 32)
        *p++ = '|';
    *p = '\0';
    return buf;
}

/* One output line: label and value padded to their columns, then the third
 * column. Every line has a third column, so no line ends in spaces. */
__attribute__((format(printf, 4, 5))) static void row(FILE *out, const char *label,
                                                      const char *value, const char *fmt, ...) {
    fprintf(out, "%-*s%-*s", LABEL_WIDTH, label, VALUE_WIDTH, value);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(out, fmt, ap);
    va_end(ap);
    fputc('\n', out);
}

/* A line with an address in dotted and binary form, split after the prefix. */
static void row_addr(FILE *out, const char *label, ipv4_addr a, int split) {
    char dotted[IPV4_TEXT_LEN], bits[IPCALC_BINARY_LEN];
    row(out, label, ipv4_format(a, dotted), "%s", ipcalc_format_binary(a, split, bits));
}

void ipcalc_print(const ipcalc_result *r, FILE *out) {
    char a[IPV4_TEXT_LEN], net[IPV4_TEXT_LEN], value[VALUE_WIDTH + 8];
    char cls = classes[r->addr_class].letter;
    if (!r->has_split) {
        row_addr(out, "Address:", r->addr, -1);
        row(out, "Netmask:", "none", "no mask given, and class %c has no network/host split", cls);
    } else {
        int len = r->prefix_len, host_bits = 32 - len;
        row_addr(out, "Address:", r->addr, len);
        row_addr(out, "Netmask:", r->netmask, len);
        row_addr(out, "Wildcard:", r->wildcard, len);
        char bits[IPCALC_BINARY_LEN];
        snprintf(value, sizeof value, "%s/%d", ipv4_format(r->network, net), len);
        row(out, "Network:", value, "%s", ipcalc_format_binary(r->network, len, bits));
        if (r->has_broadcast)
            row_addr(out, "Broadcast:", r->broadcast, len);
        else if (len == 31)
            row(out, "Broadcast:", "none", "a /31 point-to-point link has none (RFC 3021)");
        else
            row(out, "Broadcast:", "none", "a /32 is a single address");
        row_addr(out, "First host:", r->first_host, len);
        row_addr(out, "Last host:", r->last_host, len);
        snprintf(value, sizeof value, "/%d", len);
        row(out, "Prefix:", value, "%d network bit%s | %d host bit%s", len, len == 1 ? "" : "s",
            host_bits, host_bits == 1 ? "" : "s");
        snprintf(value, sizeof value, "%llu", (unsigned long long)r->usable_hosts);
        if (len <= 30)
            row(out, "Usable hosts:", value,
                "2^%d - 2: the network and broadcast addresses are not hosts", host_bits);
        else if (len == 31)
            row(out, "Usable hosts:", value, "a point-to-point link: both are hosts (RFC 3021)");
        else
            row(out, "Usable hosts:", value, "a single host");
    }
    snprintf(value, sizeof value, "%c", cls);
    row(out, "Class:", value, "leading bits %s (%s)", classes[r->addr_class].leading_bits,
        classes[r->addr_class].range);
    const ipcalc_block *b = r->block;
    if (b->kind == IPCALC_KIND_PUBLIC)
        row(out, "Type:", ipcalc_kind_name(b->kind), "%s", b->meaning);
    else
        row(out, "Type:", ipcalc_kind_name(b->kind), "%s/%d, %s: %s", ipv4_format(b->base, a),
            b->prefix_len, b->source, b->meaning);
    ipv4_format(r->network, net);
    switch (r->role) {
    case IPCALC_ROLE_NONE:
        break;
    case IPCALC_ROLE_HOST:
        row(out, "Role:", "host address", "not the network or broadcast address of %s/%d", net,
            r->prefix_len);
        break;
    case IPCALC_ROLE_NETWORK:
        row(out, "Role:", "network address", "names the subnet %s/%d: not usable by a host", net,
            r->prefix_len);
        break;
    case IPCALC_ROLE_BROADCAST:
        row(out, "Role:", "broadcast address", "reaches all hosts of %s/%d: not usable by a host",
            net, r->prefix_len);
        break;
    case IPCALC_ROLE_POINT_TO_POINT:
        row(out, "Role:", "point-to-point", "one of the 2 hosts of %s/31 (RFC 3021)", net);
        break;
    case IPCALC_ROLE_SINGLE_HOST:
        row(out, "Role:", "single host", "the only address of %s/32", net);
        break;
    }
    if (r->default_mask)
        row(out, "Note:", "no mask given", "using the classful default of class %c, /%d", cls,
            r->prefix_len);
}

/* Prints "netsim: MESSAGE" on err; returns -1 for `return usage(...)`. */
__attribute__((format(printf, 2, 3))) static int usage(FILE *err, const char *fmt, ...) {
    fputs("netsim: ", err);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(err, fmt, ap);
    va_end(ap);
    fputc('\n', err);
    return -1;
}

#define EXPECT_QUAD "expected four numbers 0-255 separated by dots (no leading zeros)"

/* ADDRESS/PREFIX: ipv4_parse_prefix decides; on failure the message names the
 * part that is wrong. */
static int parse_with_prefix(const char *text, const char *slash, ipv4_addr *addr, int *prefix,
                             FILE *err) {
    if (ipv4_parse_prefix(text, addr, prefix) == 0)
        return 0;
    size_t n = (size_t)(slash - text);
    char part[IPV4_TEXT_LEN];
    ipv4_addr ignored;
    bool address_ok = false;
    if (n < sizeof part) {
        memcpy(part, text, n);
        part[n] = '\0';
        address_ok = ipv4_parse(part, &ignored) == 0;
    }
    if (!address_ok)
        return usage(err, "bad IPv4 address \"%.*s\" in \"%s\": " EXPECT_QUAD ", e.g. 192.168.1.10",
                     (int)n, text, text);
    return usage(
        err,
        "bad prefix length \"%s\" in \"%s\": expected a number 0-32 (no leading zeros), e.g. /24",
        slash + 1, text);
}

static int parse_args(int argc, char **argv, ipv4_addr *addr, int *prefix, FILE *err) {
    if (argc < 1)
        return usage(err, "ip needs an IPv4 address, e.g. 192.168.1.10/24, 10.0.0.5 255.0.0.0 "
                          "or 172.16.5.4");
    if (argc > 2)
        return usage(err,
                     "ip takes an address and at most one netmask, got an extra argument "
                     "\"%s\"",
                     argv[2]);
    const char *text = argv[0];
    const char *slash = strchr(text, '/');
    if (slash && argc == 2)
        return usage(
            err,
            "got both a prefix length in \"%s\" and a netmask \"%s\": expected one or the other",
            text, argv[1]);
    if (slash)
        return parse_with_prefix(text, slash, addr, prefix, err);
    if (ipv4_parse(text, addr) != 0)
        return usage(err, "bad IPv4 address \"%s\": " EXPECT_QUAD ", e.g. 192.168.1.10", text);
    if (argc == 1) {
        *prefix = IPCALC_NO_PREFIX;
        return 0;
    }
    ipv4_addr mask;
    if (ipv4_parse(argv[1], &mask) != 0)
        return usage(err, "bad netmask \"%s\": " EXPECT_QUAD ", e.g. 255.255.255.0", argv[1]);
    *prefix = ipv4_mask_to_prefix(mask);
    if (*prefix < 0) {
        char bits[IPCALC_BINARY_LEN];
        return usage(err,
                     "bad netmask \"%s\" = %s: expected all its 1 bits before its 0 bits, "
                     "e.g. 255.255.255.0",
                     argv[1], ipcalc_format_binary(mask, -1, bits));
    }
    return 0;
}

int ipcalc_main(int argc, char **argv, FILE *out, FILE *err) {
    ipv4_addr addr;
    int prefix;
    if (parse_args(argc, argv, &addr, &prefix, err) != 0)
        return IPCALC_EXIT_USAGE;
    ipcalc_result r;
    ipcalc_compute(addr, prefix, &r);
    ipcalc_print(&r, out);
    return IPCALC_EXIT_OK;
}
