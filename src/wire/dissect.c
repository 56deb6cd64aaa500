/*
 * dissect: frame -> layers -> fields for the packet inspector (see dissect.h).
 *
 * Offsets are named here only where the wire parsers keep none (option
 * lists, DNS records, HTTP lines); checksums are verified with the wire
 * layer's own functions; typed values (DNS names, DHCP message names) come
 * from the wire parsers. Field names follow Wireshark's, so what a student
 * sees here is what the capture shows there.
 *
 * Invariant: no field reaches past the frame: every layer checks its length
 * before reading, and a short layer ends the dissection with a "Truncated"
 * field instead.
 */
#include "wire/dissect.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "wire/addr.h"
#include "wire/arp.h"
#include "wire/checksum.h"
#include "wire/dhcp.h"
#include "wire/dns.h"
#include "wire/ethernet.h"
#include "wire/icmp.h"
#include "wire/ipv4.h"
#include "wire/tcp.h"
#include "wire/udp.h"
#include "wire/wire.h"

#define HTTP_PORT     80
#define HTTP_ALT_PORT 8080
#define VALUE_CAP     512

typedef struct dissector {
    const uint8_t *f; /* the whole frame */
    size_t len;
    const dissect_visitor *v;
} dissector;

static void layer(const dissector *d, const char *name, size_t off, size_t len) {
    d->v->layer(d->v->ctx, name, off, len);
}

/* Reports one field; the value is printf-formatted. */
__attribute__((format(printf, 7, 8))) static void field(const dissector *d, const char *name,
                                                        size_t off, size_t len, const char *meaning,
                                                        const char *bits, const char *fmt, ...) {
    char value[VALUE_CAP];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(value, sizeof value, fmt, ap);
    va_end(ap);
    dissect_field x = {
        .name = name, .off = off, .len = len, .value = value, .meaning = meaning, .bits = bits};
    d->v->field(d->v->ctx, &x);
}

/* A layer too short for its header: named, with what is there. */
static void truncated(const dissector *d, const char *name, size_t off) {
    layer(d, name, off, d->len - off);
    field(d, "Truncated", off, d->len - off, "the frame ends inside this header", NULL, "%zu bytes",
          d->len - off);
}

/* Whether `avail` bytes at `off` hold the `need` bytes of a header; if not,
 * the layer is reported truncated. */
static bool fits(const dissector *d, const char *name, size_t off, size_t avail, size_t need) {
    if (avail >= need)
        return true;
    truncated(d, name, off);
    return false;
}

/* The bits of `mask` within a field `width` bits wide, as Wireshark draws
 * them: "0100 ....", "...0 0000 0000 0000". */
static const char *bits_text(char *buf, unsigned width, uint32_t mask, uint32_t value) {
    size_t k = 0;
    for (unsigned i = 0; i < width; i++) {
        uint32_t bit = 1u << (width - 1 - i);
        if (i && i % 4 == 0)
            buf[k++] = ' ';
        buf[k++] = (mask & bit) ? ((value & bit) ? '1' : '0') : '.';
    }
    buf[k] = '\0';
    return buf;
}

/* "correct", or "incorrect, should be 0x1234". `verify` is the checksum
 * computed over the data with the field as it is (0 when correct); the
 * right value follows by ones' complement arithmetic: verify = ~(S + field),
 * so the field should be ~S = ~(~verify - field). */
static const char *checksum_meaning(char *buf, size_t cap, uint16_t verify, uint16_t field_value) {
    if (verify == 0)
        return "correct";
    uint16_t should = checksum_finish((uint32_t)(uint16_t)~verify + (uint16_t)~field_value);
    snprintf(buf, cap, "incorrect, should be 0x%04x", should);
    return buf;
}

static void field_mac(const dissector *d, const char *name, size_t off, const char *meaning) {
    mac_addr m;
    char text[MAC_TEXT_LEN];
    memcpy(m.b, d->f + off, 6);
    field(d, name, off, 6, meaning, NULL, "%s", mac_format(m, text));
}

static void field_ipv4(const dissector *d, const char *name, size_t off) {
    char text[IPV4_TEXT_LEN];
    field(d, name, off, 4, NULL, NULL, "%s", ipv4_format(wire_get32(d->f + off), text));
}

static void field_u8(const dissector *d, const char *name, size_t off, const char *meaning) {
    field(d, name, off, 1, meaning, NULL, "%u", d->f[off]);
}

static void field_u16(const dissector *d, const char *name, size_t off, const char *meaning) {
    field(d, name, off, 2, meaning, NULL, "%u", wire_get16(d->f + off));
}

static void field_data(const dissector *d, const char *name, size_t off, size_t len) {
    field(d, name, off, len, NULL, NULL, "%zu bytes", len);
}

/* A payload no dissector here knows. */
static void data_layer(const dissector *d, size_t off, size_t len) {
    if (len == 0)
        return;
    layer(d, "Data", off, len);
    field_data(d, "Data", off, len);
}

/* --- application protocols --- */

static const char *dhcp_option_name(uint8_t code) {
    switch (code) {
    case DHCP_OPT_SUBNET_MASK:
        return "Subnet Mask";
    case DHCP_OPT_ROUTER:
        return "Router";
    case DHCP_OPT_DNS:
        return "Domain Name Server";
    case 12:
        return "Host Name";
    case DHCP_OPT_REQUESTED_IP:
        return "Requested IP Address";
    case DHCP_OPT_LEASE_TIME:
        return "IP Address Lease Time";
    case DHCP_OPT_OVERLOAD:
        return "Option Overload";
    case DHCP_OPT_MESSAGE_TYPE:
        return "DHCP Message Type";
    case DHCP_OPT_SERVER_ID:
        return "DHCP Server Identifier";
    case 55:
        return "Parameter Request List";
    case 61:
        return "Client identifier";
    case DHCP_OPT_END:
        return "End";
    }
    return "Unknown";
}

/* One DHCP option's value: addresses, the message type by name, the lease
 * in seconds; other options as hex. */
static void dhcp_option(const dissector *d, size_t off, uint8_t code, size_t len) {
    char name[64], value[VALUE_CAP] = "", meaning[64];
    const uint8_t *p = d->f + off + 2;
    const char *why = NULL;
    snprintf(name, sizeof name, "Option: (%u) %s", code, dhcp_option_name(code));
    if (code == DHCP_OPT_MESSAGE_TYPE && len == 1) {
        snprintf(value, sizeof value, "%s (%u)", dhcp_message_type_name(p[0]), p[0]);
    } else if ((code == DHCP_OPT_SUBNET_MASK || code == DHCP_OPT_ROUTER || code == DHCP_OPT_DNS ||
                code == DHCP_OPT_REQUESTED_IP || code == DHCP_OPT_SERVER_ID) &&
               len >= 4 && len % 4 == 0) {
        for (size_t k = 0; k + 4 <= len; k += 4) {
            char ip[IPV4_TEXT_LEN];
            size_t used = strlen(value);
            snprintf(value + used, sizeof value - used, "%s%s", k ? ", " : "",
                     ipv4_format(wire_get32(p + k), ip));
        }
    } else if (code == DHCP_OPT_LEASE_TIME && len == 4) {
        uint32_t s = wire_get32(p);
        snprintf(value, sizeof value, "%u s", s);
        if (s == UINT32_MAX)
            why = "infinite";
        else {
            snprintf(meaning, sizeof meaning, "%u h %u min %u s", s / 3600, s / 60 % 60, s % 60);
            why = meaning;
        }
    } else {
        for (size_t k = 0; k < len && 2 * k + 3 < sizeof value; k++)
            snprintf(value + 2 * k, 3, "%02x", p[k]);
    }
    field(d, name, off, 2 + len, why, NULL, "%s", value);
}

static void dissect_dhcp(const dissector *d, size_t off, size_t len) {
    static const char *const name = "Dynamic Host Configuration Protocol";
    if (!fits(d, name, off, len, DHCP_FIXED_LEN + DHCP_COOKIE_LEN))
        return;
    const uint8_t *p = d->f + off;
    layer(d, name, off, len);
    field_u8(d, "Message type", off,
             p[0] == BOOTP_OP_REQUEST ? "Boot Request"
             : p[0] == BOOTP_OP_REPLY ? "Boot Reply"
                                      : "unknown");
    field(d, "Hardware type", off + 1, 1, p[1] == 1 ? "Ethernet" : NULL, NULL, "0x%02x", p[1]);
    field_u8(d, "Hardware address length", off + 2, NULL);
    field_u8(d, "Hops", off + 3, NULL);
    field(d, "Transaction ID", off + 4, 4, NULL, NULL, "0x%08x", wire_get32(p + 4));
    field_u16(d, "Seconds elapsed", off + 8, NULL);
    uint16_t flags = wire_get16(p + 10);
    field(d, "Bootp flags", off + 10, 2, flags & DHCP_FLAG_BROADCAST ? "Broadcast" : "Unicast",
          NULL, "0x%04x", flags);
    field_ipv4(d, "Client IP address", off + 12);
    field_ipv4(d, "Your (client) IP address", off + 16);
    field_ipv4(d, "Next server IP address", off + 20);
    field_ipv4(d, "Relay agent IP address", off + 24);
    field_mac(d, "Client MAC address", off + 28, NULL);
    field_data(d, "Client hardware address padding", off + 34, 10);
    field(d, "Server host name", off + 44, 64, NULL, NULL, "%s", p[44] ? "(given)" : "not given");
    field(d, "Boot file name", off + 108, 128, NULL, NULL, "%s", p[108] ? "(given)" : "not given");
    uint32_t cookie = wire_get32(p + DHCP_FIXED_LEN);
    field(d, "Magic cookie", off + DHCP_FIXED_LEN, 4, cookie == 0x63825363 ? "DHCP" : "not DHCP's",
          NULL, "0x%08x", cookie);
    size_t pos = DHCP_FIXED_LEN + DHCP_COOKIE_LEN;
    while (pos < len) {
        uint8_t code = p[pos];
        if (code == DHCP_OPT_PAD) {
            pos++;
            continue;
        }
        if (code == DHCP_OPT_END) {
            field(d, "Option: (255) End", off + pos, 1, NULL, NULL, "255");
            pos++;
            break;
        }
        if (pos + 2 > len || pos + 2 + p[pos + 1] > len) {
            field_data(d, "Truncated option", off + pos, len - pos);
            return;
        }
        dhcp_option(d, off + pos, code, p[pos + 1]);
        pos += 2u + p[pos + 1];
    }
    if (pos < len)
        field_data(d, "Padding", off + pos, len - pos);
}

/* Where the name at buf[pos] ends in place: after its zero label or its
 * compression pointer. 0 when it runs past len (dns_parse has already
 * checked the rest). */
static size_t dns_name_end(const uint8_t *buf, size_t len, size_t pos) {
    while (pos < len) {
        uint8_t n = buf[pos];
        if (n == 0)
            return pos + 1;
        if ((n & 0xc0) == 0xc0)
            return pos + 2 <= len ? pos + 2 : 0;
        pos += 1u + n;
    }
    return 0;
}

static const char *dns_type_text(uint16_t type, char *buf, size_t cap) {
    const char *name = dns_type_name(type);
    if (name)
        return name;
    snprintf(buf, cap, "%u", type);
    return buf;
}

static void dissect_dns(const dissector *d, size_t off, size_t len) {
    static const char *const name = "Domain Name System";
    if (!fits(d, name, off, len, DNS_HEADER_LEN))
        return;
    const uint8_t *p = d->f + off;
    layer(d, name, off, len);
    field(d, "Transaction ID", off, 2, NULL, NULL, "0x%04x", wire_get16(p));
    uint16_t flags = wire_get16(p + 2);
    bool response = flags & 0x8000;
    const char *rcode = dns_rcode_name(flags & 0xf);
    char meaning[128];
    snprintf(meaning, sizeof meaning, "%s%s%s%s%s%s%s",
             (flags >> 11 & 0xf) == DNS_OPCODE_QUERY ? "Standard query" : "Query",
             response ? " response, " : "", response ? (rcode ? rcode : "unknown rcode") : "",
             flags & 0x0400 ? ", authoritative" : "", flags & 0x0200 ? ", truncated" : "",
             flags & 0x0100 ? ", recursion desired" : "",
             flags & 0x0080 ? ", recursion available" : "");
    field(d, "Flags", off + 2, 2, meaning, NULL, "0x%04x", flags);
    field_u16(d, "Questions", off + 4, NULL);
    field_u16(d, "Answer RRs", off + 6, NULL);
    field_u16(d, "Authority RRs", off + 8, NULL);
    field_u16(d, "Additional RRs", off + 10, NULL);
    dns_message m;
    if (dns_parse(p, len, &m) != WIRE_OK) {
        field_data(d, "Malformed", off + DNS_HEADER_LEN, len - DNS_HEADER_LEN);
        return;
    }
    size_t pos = DNS_HEADER_LEN;
    char type[8];
    for (uint16_t i = 0; i < m.qdcount; i++) {
        size_t end = dns_name_end(p, len, pos);
        const dns_question *q = &m.questions[i];
        field(d, "Query", off + pos, end + 4 - pos, NULL, NULL, "%s: type %s, class %s",
              q->name[0] ? q->name : "<Root>", dns_type_text(q->type, type, sizeof type),
              q->qclass == DNS_CLASS_IN ? "IN" : "other");
        pos = end + 4;
    }
    for (uint16_t i = 0; i < m.ancount; i++) {
        size_t end = dns_name_end(p, len, pos);
        size_t rr_len = end + 10 + wire_get16(p + end + 8) - pos;
        const dns_rr *rr = &m.answers[i];
        char data[DNS_NAME_TEXT_LEN + 16] = "";
        if (rr->type == DNS_TYPE_A) {
            char ip[IPV4_TEXT_LEN];
            snprintf(data, sizeof data, ", addr %s", ipv4_format(rr->a, ip));
        } else if (rr->type == DNS_TYPE_CNAME) {
            snprintf(data, sizeof data, ", cname %s", rr->cname);
        }
        field(d, "Answer", off + pos, rr_len, NULL, NULL, "%s: type %s, class %s%s, TTL %u",
              rr->name, dns_type_text(rr->type, type, sizeof type),
              rr->rclass == DNS_CLASS_IN ? "IN" : "other", data, rr->ttl);
        pos += rr_len;
    }
}

/* A line of HTTP as text without its line end (which the field's bytes
 * include): anything but printable ASCII shown as '.'. */
static void http_line(const dissector *d, const char *name, size_t off, size_t len,
                      size_t text_len) {
    char text[VALUE_CAP];
    size_t n = text_len < sizeof text - 1 ? text_len : sizeof text - 1;
    for (size_t k = 0; k < n; k++) {
        uint8_t c = d->f[off + k];
        text[k] = c >= 0x20 && c < 0x7f ? (char)c : '.';
    }
    text[n] = '\0';
    field(d, name, off, len, NULL, NULL, "%s", text);
}

static bool starts_with(const uint8_t *p, size_t len, const char *prefix) {
    size_t n = strlen(prefix);
    return len >= n && memcmp(p, prefix, n) == 0;
}

static bool looks_like_http(const uint8_t *p, size_t len) {
    static const char *const starts[] = {"GET ", "HEAD ", "POST ", "PUT ", "DELETE ", "HTTP/"};
    for (size_t i = 0; i < sizeof starts / sizeof *starts; i++)
        if (starts_with(p, len, starts[i]))
            return true;
    return false;
}

/* The request or status line, each header line, the blank line, the body. */
static void dissect_http(const dissector *d, size_t off, size_t len) {
    const uint8_t *p = d->f + off;
    layer(d, "Hypertext Transfer Protocol", off, len);
    size_t pos = 0;
    bool first = true;
    while (pos < len) {
        const uint8_t *nl = memchr(p + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - p) + 1 : len;
        size_t text = end - pos;
        while (text > 0 && (p[pos + text - 1] == '\n' || p[pos + text - 1] == '\r'))
            text--;
        if (text == 0 && nl) {
            field(d, "End of headers", off + pos, end - pos, NULL, NULL, "\\r\\n");
            pos = end;
            break;
        }
        const char *name = !first                         ? "Header"
                           : starts_with(p, len, "HTTP/") ? "Status Line"
                                                          : "Request Line";
        http_line(d, name, off + pos, end - pos, text);
        first = false;
        pos = end;
    }
    if (pos < len)
        field_data(d, "Body", off + pos, len - pos);
}

/* --- transport --- */

static const char *port_service(uint16_t port) {
    switch (port) {
    case DNS_PORT:
        return "DNS";
    case DHCP_SERVER_PORT:
        return "DHCP server (BOOTP)";
    case DHCP_CLIENT_PORT:
        return "DHCP client (BOOTP)";
    case HTTP_PORT:
        return "HTTP";
    }
    return NULL;
}

static void dissect_udp(const dissector *d, size_t off, size_t len, ipv4_addr src, ipv4_addr dst) {
    static const char *const name = "User Datagram Protocol";
    if (!fits(d, name, off, len, UDP_HEADER_LEN))
        return;
    const uint8_t *p = d->f + off;
    uint16_t sport = wire_get16(p), dport = wire_get16(p + 2), ulen = wire_get16(p + 4);
    uint16_t sum = wire_get16(p + 6);
    layer(d, name, off, UDP_HEADER_LEN);
    field_u16(d, "Source Port", off, port_service(sport));
    field_u16(d, "Destination Port", off + 2, port_service(dport));
    bool fits = ulen >= UDP_HEADER_LEN && ulen <= len;
    field_u16(d, "Length", off + 4, fits ? NULL : "does not fit the IP payload");
    char meaning[48];
    field(d, "Checksum", off + 6, 2,
          sum == 0 ? "none (not computed)"
          : fits   ? checksum_meaning(meaning, sizeof meaning, udp_checksum(p, ulen, src, dst), sum)
                   : "not verified",
          NULL, "0x%04x", sum);
    if (!fits)
        return;
    size_t data = off + UDP_HEADER_LEN, data_len = ulen - UDP_HEADER_LEN;
    if (sport == DNS_PORT || dport == DNS_PORT)
        dissect_dns(d, data, data_len);
    else if (sport == DHCP_SERVER_PORT || dport == DHCP_SERVER_PORT || sport == DHCP_CLIENT_PORT ||
             dport == DHCP_CLIENT_PORT)
        dissect_dhcp(d, data, data_len);
    else
        data_layer(d, data, data_len);
}

/* "SYN, ACK", "FIN, ACK" in Wireshark's order (bit order, lowest first), or "none". */
static const char *tcp_flag_names(uint8_t flags, char *buf, size_t cap) {
    static const struct {
        uint8_t bit;
        const char *name;
    } names[] = {{TCP_FIN, "FIN"}, {TCP_SYN, "SYN"}, {TCP_RST, "RST"}, {TCP_PSH, "PSH"},
                 {TCP_ACK, "ACK"}, {TCP_URG, "URG"}, {TCP_ECE, "ECE"}, {TCP_CWR, "CWR"}};
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (flags & names[i].bit) {
            size_t used = strlen(buf);
            snprintf(buf + used, cap - used, "%s%s", used ? ", " : "", names[i].name);
        }
    if (!buf[0])
        snprintf(buf, cap, "none");
    return buf;
}

/* The option list p[0 .. len) at frame offset off (RFC 9293 3.1, RFC 7323, RFC 2018). */
static void tcp_options_fields(const dissector *d, size_t off, size_t len) {
    const uint8_t *p = d->f + off;
    size_t pos = 0;
    while (pos < len) {
        uint8_t kind = p[pos];
        if (kind == 0) {
            field(d, "Option: End of Option List (EOL)", off + pos, len - pos, NULL, NULL, "0");
            return;
        }
        if (kind == 1) {
            field(d, "Option: No-Operation (NOP)", off + pos, 1, NULL, NULL, "1");
            pos++;
            continue;
        }
        size_t olen = pos + 1 < len ? p[pos + 1] : 0;
        if (olen < 2 || pos + olen > len) {
            field_data(d, "Malformed option", off + pos, len - pos);
            return;
        }
        const uint8_t *o = p + pos;
        char meaning[48];
        if (kind == 2 && olen == 4)
            field(d, "Option: Maximum segment size", off + pos, olen, NULL, NULL, "%u bytes",
                  wire_get16(o + 2));
        else if (kind == 3 && olen == 3) {
            snprintf(meaning, sizeof meaning, "multiply by %lu", 1ul << (o[2] > 14 ? 14 : o[2]));
            field(d, "Option: Window scale", off + pos, olen, meaning, NULL, "%u", o[2]);
        } else if (kind == 4 && olen == 2)
            field(d, "Option: SACK permitted", off + pos, olen, NULL, NULL, "yes");
        else if (kind == 5)
            field(d, "Option: SACK", off + pos, olen, NULL, NULL, "%zu blocks", (olen - 2) / 8);
        else if (kind == 8 && olen == 10)
            field(d, "Option: Timestamps", off + pos, olen, NULL, NULL, "TSval %u, TSecr %u",
                  wire_get32(o + 2), wire_get32(o + 6));
        else
            field(d, "Option: unknown", off + pos, olen, NULL, NULL, "kind %u", kind);
        pos += olen;
    }
}

static void dissect_tcp(const dissector *d, size_t off, size_t len, ipv4_addr src, ipv4_addr dst) {
    static const char *const name = "Transmission Control Protocol";
    if (!fits(d, name, off, len, TCP_HEADER_LEN))
        return;
    const uint8_t *p = d->f + off;
    size_t hlen = (size_t)(p[12] >> 4) * 4;
    bool hlen_ok = hlen >= TCP_HEADER_LEN && hlen <= len;
    uint16_t sport = wire_get16(p), dport = wire_get16(p + 2), sum = wire_get16(p + 16);
    uint8_t flags = p[13];
    layer(d, name, off, hlen_ok ? hlen : TCP_HEADER_LEN);
    field_u16(d, "Source Port", off, port_service(sport));
    field_u16(d, "Destination Port", off + 2, port_service(dport));
    field(d, "Sequence Number", off + 4, 4, NULL, NULL, "%u", wire_get32(p + 4));
    field(d, "Acknowledgment Number", off + 8, 4, flags & TCP_ACK ? NULL : "not used (no ACK)",
          NULL, "%u", wire_get32(p + 8));
    char bits[24], names[48], meaning[48];
    field(d, "Header Length", off + 12, 1, hlen_ok ? NULL : "does not fit the segment",
          bits_text(bits, 8, 0xf0, p[12]), "%zu bytes (%u)", hlen, p[12] >> 4);
    field(d, "Flags", off + 12, 2, tcp_flag_names(flags, names, sizeof names), NULL, "0x%03x",
          wire_get16(p + 12) & 0x0fff);
    field_u16(d, "Window", off + 14, NULL);
    field(d, "Checksum", off + 16, 2,
          checksum_meaning(meaning, sizeof meaning, tcp_checksum(p, len, src, dst), sum), NULL,
          "0x%04x", sum);
    field_u16(d, "Urgent Pointer", off + 18, NULL);
    if (!hlen_ok)
        return;
    tcp_options_fields(d, off + TCP_HEADER_LEN, hlen - TCP_HEADER_LEN);
    size_t data = off + hlen, data_len = len - hlen;
    if (data_len == 0)
        return;
    bool web = sport == HTTP_PORT || dport == HTTP_PORT || sport == HTTP_ALT_PORT ||
               dport == HTTP_ALT_PORT;
    if (web && looks_like_http(d->f + data, data_len))
        dissect_http(d, data, data_len);
    else
        data_layer(d, data, data_len);
}

/* --- ICMP --- */

/* RFC 792's names of the message types (RFC 1812 for code 13). */
static const char *icmp_type_name(uint8_t type) {
    switch (type) {
    case ICMP_ECHO_REPLY:
        return "Echo Reply";
    case ICMP_DEST_UNREACHABLE:
        return "Destination Unreachable";
    case 4:
        return "Source Quench";
    case 5:
        return "Redirect";
    case ICMP_ECHO_REQUEST:
        return "Echo Request";
    case ICMP_TIME_EXCEEDED:
        return "Time Exceeded";
    case 12:
        return "Parameter Problem";
    case 13:
        return "Timestamp";
    case 14:
        return "Timestamp Reply";
    }
    return "unknown";
}

static const char *icmp_code_name(uint8_t type, uint8_t code) {
    static const char *const unreachable[] = {"net unreachable",
                                              "host unreachable",
                                              "protocol unreachable",
                                              "port unreachable",
                                              "fragmentation needed and DF set",
                                              "source route failed"};
    if (type == ICMP_DEST_UNREACHABLE && code < sizeof unreachable / sizeof *unreachable)
        return unreachable[code];
    if (type == ICMP_DEST_UNREACHABLE && code == ICMP_UNREACH_FILTERED)
        return "communication administratively prohibited";
    if (type == ICMP_TIME_EXCEEDED)
        return code == ICMP_TIME_EXCEEDED_TTL          ? "time to live exceeded in transit"
               : code == ICMP_TIME_EXCEEDED_REASSEMBLY ? "fragment reassembly time exceeded"
                                                       : "unknown";
    return code == 0 ? NULL : "unknown";
}

static void dissect_ipv4(const dissector *d, size_t off, bool quoted);

/* The first 8 bytes of the datagram an ICMP error quotes: ports, or ICMP's header. */
static void quoted_transport(const dissector *d, size_t off, uint8_t protocol) {
    if (d->len - off < 8)
        return;
    if (protocol == IPPROTO_UDP_NUM || protocol == IPPROTO_TCP_NUM) {
        layer(d,
              protocol == IPPROTO_UDP_NUM ? "User Datagram Protocol (quoted)"
                                          : "Transmission Control Protocol (quoted)",
              off, 8);
        field_u16(d, "Source Port", off, port_service(wire_get16(d->f + off)));
        field_u16(d, "Destination Port", off + 2, port_service(wire_get16(d->f + off + 2)));
        if (protocol == IPPROTO_TCP_NUM)
            field(d, "Sequence Number", off + 4, 4, NULL, NULL, "%u", wire_get32(d->f + off + 4));
        else
            field_u16(d, "Length", off + 4, NULL);
    } else if (protocol == IPPROTO_ICMP_NUM) {
        layer(d, "Internet Control Message Protocol (quoted)", off, 8);
        field_u8(d, "Type", off, icmp_type_name(d->f[off]));
        field_u8(d, "Code", off + 1, icmp_code_name(d->f[off], d->f[off + 1]));
        field(d, "Identifier", off + 4, 2, NULL, NULL, "0x%04x", wire_get16(d->f + off + 4));
        field_u16(d, "Sequence Number", off + 6, NULL);
    }
}

static void dissect_icmp(const dissector *d, size_t off, size_t len) {
    static const char *const name = "Internet Control Message Protocol";
    if (!fits(d, name, off, len, ICMP_HEADER_LEN))
        return;
    const uint8_t *p = d->f + off;
    uint8_t type = p[0], code = p[1];
    bool echo = type == ICMP_ECHO_REQUEST || type == ICMP_ECHO_REPLY;
    bool error = type == ICMP_DEST_UNREACHABLE || type == ICMP_TIME_EXCEEDED || type == 12 ||
                 type == 4 || type == 5;
    layer(d, name, off, error ? ICMP_HEADER_LEN : len);
    field_u8(d, "Type", off, icmp_type_name(type));
    field_u8(d, "Code", off + 1, icmp_code_name(type, code));
    char meaning[48];
    uint16_t sum = wire_get16(p + 2);
    field(d, "Checksum", off + 2, 2,
          checksum_meaning(meaning, sizeof meaning, checksum_compute(p, len), sum), NULL, "0x%04x",
          sum);
    if (echo) {
        field(d, "Identifier", off + 4, 2, NULL, NULL, "0x%04x (%u)", wire_get16(p + 4),
              wire_get16(p + 4));
        field_u16(d, "Sequence Number", off + 6, NULL);
        if (len > ICMP_HEADER_LEN)
            field_data(d, "Data", off + ICMP_HEADER_LEN, len - ICMP_HEADER_LEN);
        return;
    }
    field(d, type == ICMP_DEST_UNREACHABLE && code == 4 ? "Next-hop MTU" : "Unused", off + 4, 4,
          NULL, NULL, "0x%08x", wire_get32(p + 4));
    if (error && len >= ICMP_HEADER_LEN + IPV4_HEADER_LEN)
        dissect_ipv4(d, off + ICMP_HEADER_LEN, true);
    else if (len > ICMP_HEADER_LEN)
        field_data(d, "Data", off + ICMP_HEADER_LEN, len - ICMP_HEADER_LEN);
}

/* --- IPv4 and ARP --- */

static const char *ip_flags_meaning(uint8_t flags) {
    static const char *const names[] = {"none",
                                        "More fragments",
                                        "Don't fragment",
                                        "Don't fragment, More fragments",
                                        "Reserved bit set",
                                        "Reserved bit set, More fragments",
                                        "Reserved bit set, Don't fragment",
                                        "Reserved bit set, Don't fragment, More fragments"};
    return names[flags & 7];
}

/* RFC 791 3.1; `quoted`: the header inside an ICMP error, followed by the
 * first 8 bytes of its payload only. */
static void dissect_ipv4(const dissector *d, size_t off, bool quoted) {
    const char *name =
        quoted ? "Internet Protocol Version 4 (quoted)" : "Internet Protocol Version 4";
    size_t avail = d->len - off;
    if (!fits(d, name, off, avail, IPV4_HEADER_LEN))
        return;
    const uint8_t *p = d->f + off;
    size_t ihl = (size_t)(p[0] & 0xf) * 4;
    uint16_t total = wire_get16(p + 2);
    bool hlen_ok = ihl >= IPV4_HEADER_LEN && ihl <= avail;
    size_t hlen = hlen_ok ? ihl : IPV4_HEADER_LEN;
    layer(d, name, off, hlen);
    char bits[24], meaning[64];
    field(d, "Version", off, 1, (p[0] >> 4) == 4 ? NULL : "not 4: not IPv4",
          bits_text(bits, 8, 0xf0, p[0]), "%u", p[0] >> 4);
    field(d, "Header Length", off, 1, hlen_ok ? NULL : "impossible", bits_text(bits, 8, 0x0f, p[0]),
          "%zu bytes (%u)", ihl, p[0] & 0xf);
    static const char *const ecn[] = {"Not-ECT", "ECT(1)", "ECT(0)", "CE"};
    snprintf(meaning, sizeof meaning, "DSCP %u%s, ECN %s", p[1] >> 2,
             (p[1] >> 2) == 0 ? " (CS0, best effort)" : "", ecn[p[1] & 3]);
    field(d, "Differentiated Services Field", off + 1, 1, meaning, NULL, "0x%02x", p[1]);
    field_u16(d, "Total Length", off + 2, total >= hlen ? NULL : "shorter than the header");
    field(d, "Identification", off + 4, 2, NULL, NULL, "0x%04x (%u)", wire_get16(p + 4),
          wire_get16(p + 4));
    uint16_t frag = wire_get16(p + 6);
    field(d, "Flags", off + 6, 1, ip_flags_meaning((uint8_t)(frag >> 13)),
          bits_text(bits, 8, 0xe0, p[6]), "0x%u", frag >> 13);
    field(d, "Fragment Offset", off + 6, 2, (frag & 0x1fff) ? "bytes / 8 into the original" : NULL,
          bits_text(bits, 16, 0x1fff, frag), "%u", frag & 0x1fff);
    field_u8(d, "Time to Live", off + 8, NULL);
    const char *proto = ipv4_protocol_name(p[9]);
    field_u8(d, "Protocol", off + 9, proto ? proto : "unknown");
    uint16_t sum = wire_get16(p + 10);
    field(d, "Header Checksum", off + 10, 2,
          checksum_meaning(meaning, sizeof meaning, checksum_compute(p, hlen), sum), NULL, "0x%04x",
          sum);
    field_ipv4(d, "Source Address", off + 12);
    field_ipv4(d, "Destination Address", off + 16);
    if (hlen > IPV4_HEADER_LEN)
        field_data(d, "Options", off + IPV4_HEADER_LEN, hlen - IPV4_HEADER_LEN);
    if (quoted) {
        quoted_transport(d, off + hlen, p[9]);
        return;
    }
    if ((p[0] >> 4) != 4 || !hlen_ok || total < hlen)
        return;
    size_t end = total < avail ? total : avail;
    size_t data = off + hlen, data_len = end - hlen;
    if (frag & 0x3fff) { /* a fragment: its transport header or checksum is not all here */
        data_layer(d, data, data_len);
        return;
    }
    ipv4_addr src = wire_get32(p + 12), dst = wire_get32(p + 16);
    if (p[9] == IPPROTO_ICMP_NUM)
        dissect_icmp(d, data, data_len);
    else if (p[9] == IPPROTO_UDP_NUM)
        dissect_udp(d, data, data_len, src, dst);
    else if (p[9] == IPPROTO_TCP_NUM)
        dissect_tcp(d, data, data_len, src, dst);
    else
        data_layer(d, data, data_len);
}

static void dissect_arp(const dissector *d, size_t off) {
    static const char *const name = "Address Resolution Protocol";
    if (!fits(d, name, off, d->len - off, ARP_PACKET_LEN))
        return;
    const uint8_t *p = d->f + off;
    uint16_t op = wire_get16(p + 6);
    layer(d, name, off, ARP_PACKET_LEN);
    field_u16(d, "Hardware type", off, wire_get16(p) == 1 ? "Ethernet" : "unknown");
    field(d, "Protocol type", off + 2, 2, wire_get16(p + 2) == ETHERTYPE_IPV4 ? "IPv4" : "unknown",
          NULL, "0x%04x", wire_get16(p + 2));
    field_u8(d, "Hardware size", off + 4, NULL);
    field_u8(d, "Protocol size", off + 5, NULL);
    field_u16(d, "Opcode", off + 6,
              op == ARP_OP_REQUEST ? "request"
              : op == ARP_OP_REPLY ? "reply"
                                   : "unknown");
    field_mac(d, "Sender MAC address", off + 8, NULL);
    field_ipv4(d, "Sender IP address", off + 14);
    field_mac(d, "Target MAC address", off + 18,
              op == ARP_OP_REQUEST ? "unknown yet: what the request asks" : NULL);
    field_ipv4(d, "Target IP address", off + 24);
}

/* --- Ethernet --- */

static const char *mac_kind(const uint8_t *b) {
    static const uint8_t all_ones[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    if (memcmp(b, all_ones, 6) == 0)
        return "broadcast";
    return b[0] & 1 ? "multicast" : "unicast";
}

/* Where the network layer's packet ends, so the rest is Ethernet padding. */
static size_t payload_end(const dissector *d, uint16_t ethertype) {
    size_t avail = d->len - ETH_HEADER_LEN;
    if (ethertype == ETHERTYPE_ARP && avail >= ARP_PACKET_LEN)
        return ETH_HEADER_LEN + ARP_PACKET_LEN;
    if (ethertype == ETHERTYPE_IPV4 && avail >= IPV4_HEADER_LEN) {
        size_t total = wire_get16(d->f + ETH_HEADER_LEN + 2);
        if (total >= IPV4_HEADER_LEN && total <= avail)
            return ETH_HEADER_LEN + total;
    }
    return d->len;
}

void dissect_frame(const uint8_t *frame, size_t len, const dissect_visitor *v) {
    dissector d = {.f = frame, .len = len, .v = v};
    static const char *const name = "Ethernet II";
    if (!fits(&d, name, 0, len, ETH_HEADER_LEN))
        return;
    uint16_t type = wire_get16(frame + 12);
    layer(&d, name, 0, ETH_HEADER_LEN);
    field_mac(&d, "Destination", 0, mac_kind(frame));
    field_mac(&d, "Source", 6, NULL);
    field(&d, "Type", 12, 2,
          type == ETHERTYPE_IPV4  ? "IPv4"
          : type == ETHERTYPE_ARP ? "ARP"
                                  : "unknown",
          NULL, "0x%04x", type);
    size_t end = payload_end(&d, type);
    if (end < len)
        field(&d, "Padding", end, len - end, "zeros up to the 60-byte minimum frame", NULL,
              "%zu bytes", len - end);
    if (type == ETHERTYPE_ARP)
        dissect_arp(&d, ETH_HEADER_LEN);
    else if (type == ETHERTYPE_IPV4)
        dissect_ipv4(&d, ETH_HEADER_LEN, false);
    else
        data_layer(&d, ETH_HEADER_LEN, len - ETH_HEADER_LEN);
}
