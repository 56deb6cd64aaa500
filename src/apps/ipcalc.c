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

#include "util/i18n.h"
#include "util/text.h"

/* The value column's display width: "255.255.255.255/32  ". The label
 * column is as wide as the widest label in the reader's language plus one
 * ("Usable hosts: " in English), so the third column starts at column 35 in
 * English and at one column in every other language. */
#define VALUE_WIDTH 20

/* The special-purpose blocks, most specific first: the first block holding an
 * address is its kind (255.255.255.255 is in 240.0.0.0/4 too). The last row
 * holds every address. */
static const ipcalc_block blocks[] = {
    {0x00000000u, 8, IPCALC_KIND_THIS_NETWORK, "RFC 1122",
     N_("\"this network\", only a source while booting")},
    {0x0a000000u, 8, IPCALC_KIND_PRIVATE, "RFC 1918", N_("not routed on the Internet")},
    {0x64400000u, 10, IPCALC_KIND_SHARED, "RFC 6598",
     N_("shared address space of carrier-grade NAT")},
    {0x7f000000u, 8, IPCALC_KIND_LOOPBACK, "RFC 1122", N_("this machine, never sent on a link")},
    {0xa9fe0000u, 16, IPCALC_KIND_LINK_LOCAL, "RFC 3927", N_("self-assigned when DHCP fails")},
    {0xac100000u, 12, IPCALC_KIND_PRIVATE, "RFC 1918", N_("not routed on the Internet")},
    {0xc0000000u, 24, IPCALC_KIND_IETF_PROTOCOL, "RFC 6890", N_("IETF protocol assignments")},
    {0xc0000200u, 24, IPCALC_KIND_DOCUMENTATION, "RFC 5737",
     N_("TEST-NET-1, for examples in documents")},
    {0xc0a80000u, 16, IPCALC_KIND_PRIVATE, "RFC 1918", N_("not routed on the Internet")},
    {0xc6120000u, 15, IPCALC_KIND_BENCHMARKING, "RFC 2544", N_("for testing network equipment")},
    {0xc6336400u, 24, IPCALC_KIND_DOCUMENTATION, "RFC 5737",
     N_("TEST-NET-2, for examples in documents")},
    {0xcb007100u, 24, IPCALC_KIND_DOCUMENTATION, "RFC 5737",
     N_("TEST-NET-3, for examples in documents")},
    {0xe0000000u, 4, IPCALC_KIND_MULTICAST, "RFC 5771", N_("a group of receivers (class D)")},
    {0xffffffffu, 32, IPCALC_KIND_LIMITED_BROADCAST, "RFC 919",
     N_("every host on this link, never routed")},
    {0xf0000000u, 4, IPCALC_KIND_RESERVED, "RFC 1112", N_("reserved for future use (class E)")},
    {0x00000000u, 0, IPCALC_KIND_PUBLIC, "RFC 6890",
     N_("routable on the Internet (in no special-purpose block, RFC 6890)")},
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
        return N_("this network");
    case IPCALC_KIND_PRIVATE:
        return N_("private");
    case IPCALC_KIND_SHARED:
        return N_("shared");
    case IPCALC_KIND_LOOPBACK:
        return N_("loopback");
    case IPCALC_KIND_LINK_LOCAL:
        return N_("link-local");
    case IPCALC_KIND_IETF_PROTOCOL:
        return N_("IETF protocol");
    case IPCALC_KIND_DOCUMENTATION:
        return N_("documentation");
    case IPCALC_KIND_BENCHMARKING:
        return N_("benchmarking");
    case IPCALC_KIND_MULTICAST:
        return N_("multicast");
    case IPCALC_KIND_LIMITED_BROADCAST:
        return N_("limited broadcast");
    case IPCALC_KIND_RESERVED:
        return N_("reserved");
    case IPCALC_KIND_PUBLIC:
        return N_("public");
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

/* The labels of the first column, translated when printed. */
typedef enum {
    L_ADDRESS,
    L_NETMASK,
    L_WILDCARD,
    L_NETWORK,
    L_BROADCAST,
    L_FIRST_HOST,
    L_LAST_HOST,
    L_PREFIX,
    L_USABLE_HOSTS,
    L_CLASS,
    L_TYPE,
    L_ROLE,
    L_NOTE,
    L_COUNT_,
} ipcalc_label;

static const char *const labels[L_COUNT_] = {
    N_("Address:"),    N_("Netmask:"),   N_("Wildcard:"), N_("Network:"),      N_("Broadcast:"),
    N_("First host:"), N_("Last host:"), N_("Prefix:"),   N_("Usable hosts:"), N_("Class:"),
    N_("Type:"),       N_("Role:"),      N_("Note:"),
};

static size_t label_width(void) {
    size_t w = 0;
    for (int i = 0; i < L_COUNT_; i++) {
        size_t n = text_width(_(labels[i]));
        w = n > w ? n : w;
    }
    return w + 1;
}

/* `text` and blanks up to `width` display columns (at least one blank). */
static void cell(FILE *out, const char *text, size_t width) {
    size_t n = text_width(text);
    fputs(text, out);
    for (size_t i = n; i < width || i == n; i++)
        fputc(' ', out);
}

/* One output line: label and value padded to their columns (by display
 * width: a Chinese character takes two), then the third column. Every line
 * has a third column, so no line ends in spaces. */
__attribute__((format(printf, 4, 5))) static void row(FILE *out, ipcalc_label label,
                                                      const char *value, const char *fmt, ...) {
    cell(out, _(labels[label]), label_width());
    cell(out, value, VALUE_WIDTH);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(out, fmt, ap);
    va_end(ap);
    fputc('\n', out);
}

/* A line with an address in dotted and binary form, split after the prefix. */
static void row_addr(FILE *out, ipcalc_label label, ipv4_addr a, int split) {
    char dotted[IPV4_TEXT_LEN], bits[IPCALC_BINARY_LEN];
    row(out, label, ipv4_format(a, dotted), "%s", ipcalc_format_binary(a, split, bits));
}

void ipcalc_print(const ipcalc_result *r, FILE *out) {
    char a[IPV4_TEXT_LEN], net[IPV4_TEXT_LEN], value[VALUE_WIDTH + 8];
    char cls = classes[r->addr_class].letter;
    if (!r->has_split) {
        row_addr(out, L_ADDRESS, r->addr, -1);
        row(out, L_NETMASK, _("none"), _("no mask given, and class %c has no network/host split"),
            cls);
    } else {
        int len = r->prefix_len, host_bits = 32 - len;
        row_addr(out, L_ADDRESS, r->addr, len);
        row_addr(out, L_NETMASK, r->netmask, len);
        row_addr(out, L_WILDCARD, r->wildcard, len);
        char bits[IPCALC_BINARY_LEN];
        snprintf(value, sizeof value, "%s/%d", ipv4_format(r->network, net), len);
        row(out, L_NETWORK, value, "%s", ipcalc_format_binary(r->network, len, bits));
        if (r->has_broadcast)
            row_addr(out, L_BROADCAST, r->broadcast, len);
        else if (len == 31)
            row(out, L_BROADCAST, _("none"), "%s",
                _("a /31 point-to-point link has none (RFC 3021)"));
        else
            row(out, L_BROADCAST, _("none"), "%s", _("a /32 is a single address"));
        row_addr(out, L_FIRST_HOST, r->first_host, len);
        row_addr(out, L_LAST_HOST, r->last_host, len);
        snprintf(value, sizeof value, "/%d", len);
        /* The two counts are measures side by side, like the binary's '|'. */
        char nbits[64], hbits[64];
        snprintf(nbits, sizeof nbits,
                 ngettext("%d network bit", "%d network bits", (unsigned long)len), len);
        snprintf(hbits, sizeof hbits,
                 ngettext("%d host bit", "%d host bits", (unsigned long)host_bits), host_bits);
        row(out, L_PREFIX, value, "%s | %s", nbits, hbits);
        snprintf(value, sizeof value, "%llu", (unsigned long long)r->usable_hosts);
        if (len <= 30)
            row(out, L_USABLE_HOSTS, value,
                _("2^%d - 2: the network and broadcast addresses are not hosts"), host_bits);
        else if (len == 31)
            row(out, L_USABLE_HOSTS, value, "%s",
                _("a point-to-point link: both are hosts (RFC 3021)"));
        else
            row(out, L_USABLE_HOSTS, value, "%s", _("a single host"));
    }
    snprintf(value, sizeof value, "%c", cls);
    /* TRANSLATORS: the class's leading bits ("110"), then its address range. */
    row(out, L_CLASS, value, _("leading bits %s (%s)"), classes[r->addr_class].leading_bits,
        classes[r->addr_class].range);
    const ipcalc_block *b = r->block;
    if (b->kind == IPCALC_KIND_PUBLIC)
        row(out, L_TYPE, _(ipcalc_kind_name(b->kind)), "%s", _(b->meaning));
    else
        /* TRANSLATORS: the block ("192.168.0.0" "/16"), the RFC that
         * reserves it, what it is for. */
        row(out, L_TYPE, _(ipcalc_kind_name(b->kind)), _("%s/%d, %s: %s"), ipv4_format(b->base, a),
            b->prefix_len, b->source, _(b->meaning));
    ipv4_format(r->network, net);
    switch (r->role) {
    case IPCALC_ROLE_NONE:
        break;
    case IPCALC_ROLE_HOST:
        row(out, L_ROLE, _("host address"), _("not the network or broadcast address of %s/%d"), net,
            r->prefix_len);
        break;
    case IPCALC_ROLE_NETWORK:
        row(out, L_ROLE, _("network address"), _("names the subnet %s/%d: not usable by a host"),
            net, r->prefix_len);
        break;
    case IPCALC_ROLE_BROADCAST:
        row(out, L_ROLE, _("broadcast address"),
            _("reaches all hosts of %s/%d: not usable by a host"), net, r->prefix_len);
        break;
    case IPCALC_ROLE_POINT_TO_POINT:
        row(out, L_ROLE, _("point-to-point"), _("one of the 2 hosts of %s/31 (RFC 3021)"), net);
        break;
    case IPCALC_ROLE_SINGLE_HOST:
        row(out, L_ROLE, _("single host"), _("the only address of %s/32"), net);
        break;
    }
    if (r->default_mask)
        row(out, L_NOTE, _("no mask given"), _("using the classful default of class %c, /%d"), cls,
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
        return usage(err,
                     _("bad IPv4 address \"%.*s\" in \"%s\": expected four numbers 0-255 "
                       "separated by dots (no leading zeros), e.g. 192.168.1.10"),
                     (int)n, text, text);
    return usage(
        err,
        _("bad prefix length \"%s\" in \"%s\": expected a number 0-32 (no leading zeros), e.g. "
          "/24"),
        slash + 1, text);
}

static int parse_args(int argc, char **argv, ipv4_addr *addr, int *prefix, FILE *err) {
    if (argc < 1)
        return usage(err, "%s",
                     _("ip needs an IPv4 address, e.g. 192.168.1.10/24, 10.0.0.5 255.0.0.0 "
                       "or 172.16.5.4"));
    if (argc > 2)
        return usage(err,
                     _("ip takes an address and at most one netmask, got an extra argument "
                       "\"%s\""),
                     argv[2]);
    const char *text = argv[0];
    const char *slash = strchr(text, '/');
    if (slash && argc == 2)
        return usage(
            err,
            _("got both a prefix length in \"%s\" and a netmask \"%s\": expected one or the "
              "other"),
            text, argv[1]);
    if (slash)
        return parse_with_prefix(text, slash, addr, prefix, err);
    if (ipv4_parse(text, addr) != 0)
        return usage(err,
                     _("bad IPv4 address \"%s\": expected four numbers 0-255 separated by dots "
                       "(no leading zeros), e.g. 192.168.1.10"),
                     text);
    if (argc == 1) {
        *prefix = IPCALC_NO_PREFIX;
        return 0;
    }
    ipv4_addr mask;
    if (ipv4_parse(argv[1], &mask) != 0)
        return usage(err,
                     _("bad netmask \"%s\": expected four numbers 0-255 separated by dots (no "
                       "leading zeros), e.g. 255.255.255.0"),
                     argv[1]);
    *prefix = ipv4_mask_to_prefix(mask);
    if (*prefix < 0) {
        char bits[IPCALC_BINARY_LEN];
        return usage(err,
                     _("bad netmask \"%s\" = %s: expected all its 1 bits before its 0 bits, "
                       "e.g. 255.255.255.0"),
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
