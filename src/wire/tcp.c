/*
 * tcp: the TCP header (RFC 9293 section 3.1) and its options, parsed and
 * emitted over plain bytes. The checksum covers the pseudo-header of RFC 9293
 * section 3.1 ("Checksum": source and destination address, zero, protocol 6,
 * TCP length) and then the whole segment, as UDP's does.
 *
 * Options are written exactly as Linux's tcp_options_write lays them out, so a
 * SYN from netsim and one from Linux look alike in Wireshark: MSS (4 bytes);
 * SACK-permitted and timestamps sharing one 12-byte block ("04 02 08 0a" or,
 * without SACK-permitted, "01 01 08 0a"); SACK-permitted alone padded with two
 * NOPs in front; window scale behind one NOP. Every block is a multiple of 4
 * bytes, so no end-of-list padding is ever needed.
 */
#include "wire/tcp.h"

#include <stdio.h>
#include <string.h>

#include "wire/checksum.h"
#include "wire/ipv4.h"
#include "wire/wire.h"

/* Option kinds and their fixed lengths (RFC 9293 3.2, RFC 7323, RFC 2018). */
enum {
    OPT_EOL = 0,
    OPT_NOP = 1,
    OPT_MSS = 2,
    OPT_MSS_LEN = 4,
    OPT_WS = 3,
    OPT_WS_LEN = 3,
    OPT_SACK_PERM = 4,
    OPT_SACK_PERM_LEN = 2,
    OPT_SACK = 5,
    OPT_TS = 8,
    OPT_TS_LEN = 10,
};

/* RFC 7323 section 2.3: a shift count above 14 is used as 14. */
#define WS_MAX_SHIFT 14

tcp_options tcp_options_none(void) {
    tcp_options o = {.mss = 0, .window_scale = -1};
    return o;
}

uint16_t tcp_checksum(const uint8_t *buf, size_t len, ipv4_addr src, ipv4_addr dst) {
    uint32_t sum = ipv4_pseudo_header_sum(src, dst, IPPROTO_TCP_NUM, (uint16_t)len);
    return checksum_finish(checksum_add(sum, buf, len));
}

/* Reads the option list opt[0 .. len). Unknown kinds are skipped by their
 * length byte; a known kind with the wrong length, a length below 2 or one
 * running past the header is WIRE_ERR_MALFORMED. EOL ends the list. */
int tcp_options_parse(const uint8_t *opt, size_t len, tcp_options *out) {
    size_t i = 0;
    while (i < len) {
        uint8_t kind = opt[i];
        if (kind == OPT_EOL)
            break;
        if (kind == OPT_NOP) {
            i++;
            continue;
        }
        if (i + 1 >= len)
            return WIRE_ERR_MALFORMED;
        uint8_t olen = opt[i + 1];
        if (olen < 2 || i + olen > len)
            return WIRE_ERR_MALFORMED;
        const uint8_t *v = opt + i + 2;
        switch (kind) {
        case OPT_MSS:
            if (olen != OPT_MSS_LEN)
                return WIRE_ERR_MALFORMED;
            out->mss = wire_get16(v);
            break;
        case OPT_WS:
            if (olen != OPT_WS_LEN)
                return WIRE_ERR_MALFORMED;
            out->window_scale = (int8_t)(v[0] > WS_MAX_SHIFT ? WS_MAX_SHIFT : v[0]);
            break;
        case OPT_SACK_PERM:
            if (olen != OPT_SACK_PERM_LEN)
                return WIRE_ERR_MALFORMED;
            out->sack_permitted = true;
            break;
        case OPT_TS:
            if (olen != OPT_TS_LEN)
                return WIRE_ERR_MALFORMED;
            out->has_timestamps = true;
            out->ts_val = wire_get32(v);
            out->ts_ecr = wire_get32(v + 4);
            break;
        case OPT_SACK: /* RFC 2018 section 3: 2 + 8n bytes */
            if (olen < 10 || (olen - 2) % 8 != 0 || (olen - 2) / 8 > TCP_MAX_SACK_BLOCKS)
                return WIRE_ERR_MALFORMED;
            out->sack_count = (uint8_t)((olen - 2) / 8);
            for (size_t b = 0; b < out->sack_count; b++) {
                out->sack[b].left = wire_get32(v + 8 * b);
                out->sack[b].right = wire_get32(v + 8 * b + 4);
            }
            break;
        default:
            break;
        }
        i += olen;
    }
    return WIRE_OK;
}

int tcp_parse(const uint8_t *buf, size_t len, ipv4_addr src, ipv4_addr dst, tcp_header *out) {
    if (len < TCP_HEADER_LEN)
        return WIRE_ERR_TRUNCATED;
    size_t header_len = (size_t)(buf[TCP_OFF_DATA_OFF] >> 4) * 4;
    if (header_len < TCP_HEADER_LEN)
        return WIRE_ERR_MALFORMED;
    if (header_len > len)
        return WIRE_ERR_TRUNCATED;
    if (tcp_checksum(buf, len, src, dst) != 0)
        return WIRE_ERR_CHECKSUM;
    tcp_header h = {
        .src_port = wire_get16(buf + TCP_OFF_SRC_PORT),
        .dst_port = wire_get16(buf + TCP_OFF_DST_PORT),
        .seq = wire_get32(buf + TCP_OFF_SEQ),
        .ack = wire_get32(buf + TCP_OFF_ACK),
        .header_len = (uint8_t)header_len,
        .flags = buf[TCP_OFF_FLAGS],
        .window = wire_get16(buf + TCP_OFF_WINDOW),
        .checksum = wire_get16(buf + TCP_OFF_CHECKSUM),
        .urgent = wire_get16(buf + TCP_OFF_URGENT),
        .opt = tcp_options_none(),
    };
    int rc = tcp_options_parse(buf + TCP_HEADER_LEN, header_len - TCP_HEADER_LEN, &h.opt);
    if (rc != WIRE_OK)
        return rc;
    *out = h;
    return WIRE_OK;
}

size_t tcp_header_len_for(const tcp_options *opt) {
    size_t len = TCP_HEADER_LEN;
    if (opt->mss)
        len += 4;
    if (opt->has_timestamps)
        len += 12; /* with SACK-permitted or two NOPs in front */
    else if (opt->sack_permitted)
        len += 4; /* two NOPs, SACK-permitted */
    if (opt->window_scale >= 0)
        len += 4; /* NOP, window scale */
    if (opt->sack_count)
        len += 4 + 8u * opt->sack_count; /* NOP, NOP, SACK */
    return len;
}

/* Writes the options at p in Linux's layout; returns the bytes written. */
static size_t tcp_emit_options(const tcp_options *opt, uint8_t *p) {
    uint8_t *start = p;
    if (opt->mss) {
        p[0] = OPT_MSS;
        p[1] = OPT_MSS_LEN;
        wire_put16(p + 2, opt->mss);
        p += 4;
    }
    if (opt->has_timestamps) {
        if (opt->sack_permitted) {
            p[0] = OPT_SACK_PERM;
            p[1] = OPT_SACK_PERM_LEN;
        } else {
            p[0] = OPT_NOP;
            p[1] = OPT_NOP;
        }
        p[2] = OPT_TS;
        p[3] = OPT_TS_LEN;
        wire_put32(p + 4, opt->ts_val);
        wire_put32(p + 8, opt->ts_ecr);
        p += 12;
    } else if (opt->sack_permitted) {
        p[0] = OPT_NOP;
        p[1] = OPT_NOP;
        p[2] = OPT_SACK_PERM;
        p[3] = OPT_SACK_PERM_LEN;
        p += 4;
    }
    if (opt->window_scale >= 0) {
        p[0] = OPT_NOP;
        p[1] = OPT_WS;
        p[2] = OPT_WS_LEN;
        p[3] = (uint8_t)opt->window_scale;
        p += 4;
    }
    if (opt->sack_count) {
        p[0] = OPT_NOP;
        p[1] = OPT_NOP;
        p[2] = OPT_SACK;
        p[3] = (uint8_t)(2 + 8 * opt->sack_count);
        p += 4;
        for (size_t b = 0; b < opt->sack_count; b++) {
            wire_put32(p, opt->sack[b].left);
            wire_put32(p + 4, opt->sack[b].right);
            p += 8;
        }
    }
    return (size_t)(p - start);
}

void tcp_emit(const tcp_header *h, uint8_t *buf, size_t len, ipv4_addr src, ipv4_addr dst) {
    size_t header_len = tcp_header_len_for(&h->opt);
    wire_put16(buf + TCP_OFF_SRC_PORT, h->src_port);
    wire_put16(buf + TCP_OFF_DST_PORT, h->dst_port);
    wire_put32(buf + TCP_OFF_SEQ, h->seq);
    wire_put32(buf + TCP_OFF_ACK, h->ack);
    buf[TCP_OFF_DATA_OFF] = (uint8_t)((header_len / 4) << 4); /* reserved bits zero */
    buf[TCP_OFF_FLAGS] = h->flags;
    wire_put16(buf + TCP_OFF_WINDOW, h->window);
    wire_put16(buf + TCP_OFF_CHECKSUM, 0);
    wire_put16(buf + TCP_OFF_URGENT, h->urgent);
    tcp_emit_options(&h->opt, buf + TCP_HEADER_LEN);
    wire_put16(buf + TCP_OFF_CHECKSUM, tcp_checksum(buf, len, src, dst));
}

char *tcp_options_text(const tcp_options *opt, char *buf, size_t cap) {
    size_t n = 0;
    buf[0] = '\0';
#define OPT_APPEND(...)                                                                            \
    do {                                                                                           \
        if (n < cap) {                                                                             \
            int w_ = snprintf(buf + n, cap - n, __VA_ARGS__);                                      \
            n += w_ > 0 ? (size_t)w_ : 0;                                                          \
        }                                                                                          \
    } while (0)
    if (opt->mss)
        OPT_APPEND("%smss %u", n ? "," : "", opt->mss);
    if (opt->sack_permitted)
        OPT_APPEND("%ssackOK", n ? "," : "");
    if (opt->has_timestamps)
        OPT_APPEND("%sTS val %lu ecr %lu", n ? "," : "", (unsigned long)opt->ts_val,
                   (unsigned long)opt->ts_ecr);
    if (opt->window_scale >= 0)
        OPT_APPEND("%swscale %d", n ? "," : "", opt->window_scale);
    if (opt->sack_count) {
        OPT_APPEND("%ssack %u", n ? "," : "", opt->sack_count);
        for (size_t b = 0; b < opt->sack_count; b++)
            OPT_APPEND(" {%lu:%lu}", (unsigned long)opt->sack[b].left,
                       (unsigned long)opt->sack[b].right);
    }
#undef OPT_APPEND
    return buf;
}

char *tcp_flags_text(uint8_t flags, char *buf) {
    /* tcpdump's order (print-tcp.c tcp_flag_values): F S R P . U E W. */
    static const struct {
        uint8_t bit;
        char letter;
    } order[] = {
        {TCP_FIN, 'F'}, {TCP_SYN, 'S'}, {TCP_RST, 'R'}, {TCP_PSH, 'P'},
        {TCP_ACK, '.'}, {TCP_URG, 'U'}, {TCP_ECE, 'E'}, {TCP_CWR, 'W'},
    };
    size_t n = 0;
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
        if (flags & order[i].bit)
            buf[n++] = order[i].letter;
    if (n == 0)
        strcpy(buf, "none");
    else
        buf[n] = '\0';
    return buf;
}
