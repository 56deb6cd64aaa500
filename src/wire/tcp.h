/*
 * tcp: the TCP header and its options (RFC 9293 section 3.1; MSS RFC 9293
 * 3.7.1, window scale RFC 7323 section 2, SACK-permitted RFC 2018, timestamps
 * RFC 7323 section 3). The checksum covers the same pseudo-header as UDP's.
 */
#ifndef NETSIM_WIRE_TCP_H
#define NETSIM_WIRE_TCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire/addr.h"

#define TCP_HEADER_LEN     20 /* without options */
#define TCP_MAX_HEADER_LEN 60

/* Field offsets (RFC 9293 section 3.1, figure 1). */
enum {
    TCP_OFF_SRC_PORT = 0,
    TCP_OFF_DST_PORT = 2,
    TCP_OFF_SEQ = 4,
    TCP_OFF_ACK = 8,
    TCP_OFF_DATA_OFF = 12, /* high nibble: header length in 32-bit words */
    TCP_OFF_FLAGS = 13,
    TCP_OFF_WINDOW = 14,
    TCP_OFF_CHECKSUM = 16,
    TCP_OFF_URGENT = 18,
};

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_PSH 0x08
#define TCP_ACK 0x10
#define TCP_URG 0x20
#define TCP_ECE 0x40
#define TCP_CWR 0x80

/* At most 4 SACK blocks fit in 40 option bytes, 3 beside timestamps
 * (RFC 2018 section 3). */
#define TCP_MAX_SACK_BLOCKS 4

/* One SACK block (RFC 2018 section 3): the bytes [left, right) arrived. */
typedef struct tcp_sack_block {
    uint32_t left, right;
} tcp_sack_block;

typedef struct tcp_options {
    uint16_t mss;        /* 0: absent */
    int8_t window_scale; /* -1: absent; else the shift count 0-14 */
    bool sack_permitted;
    bool has_timestamps;
    uint32_t ts_val, ts_ecr;
    uint8_t sack_count; /* SACK blocks in sack[]; 0: no SACK option */
    tcp_sack_block sack[TCP_MAX_SACK_BLOCKS];
} tcp_options;

typedef struct tcp_header {
    uint16_t src_port;
    uint16_t dst_port;
    uint32_t seq;
    uint32_t ack;
    uint8_t header_len; /* bytes, options included; set by parse, computed by emit */
    uint8_t flags;      /* TCP_FIN | TCP_SYN | ... */
    uint16_t window;
    uint16_t checksum; /* as read by parse; emit computes it */
    uint16_t urgent;
    tcp_options opt;
} tcp_header;

/* Options as absent (mss 0, window_scale -1, nothing else). */
tcp_options tcp_options_none(void);

/* Parses the segment of `len` bytes (the whole IP payload) from src to dst:
 * data offset within [20, len], checksum over pseudo-header and segment,
 * options (unknown kinds are skipped by their length; a malformed option list
 * is WIRE_ERR_MALFORMED). The data is buf[header_len .. len). */
int tcp_parse(const uint8_t *buf, size_t len, ipv4_addr src, ipv4_addr dst, tcp_header *out);

/* Reads the option list opt[0 .. len) into *out (which starts as
 * tcp_options_none()): unknown kinds are skipped by their length, a malformed
 * list is WIRE_ERR_MALFORMED. */
int tcp_options_parse(const uint8_t *opt, size_t len, tcp_options *out);

/* Room for tcp_options_text. */
#define TCP_OPTIONS_TEXT_LEN 160

/* tcpdump's words for the options, without the NOPs: "mss 1460,sackOK,TS val
 * 1 ecr 0,wscale 7", "TS val 9 ecr 8,sack 1 {100:200}"; "" when none. */
char *tcp_options_text(const tcp_options *opt, char *buf, size_t cap);

/* The header length `opt` needs: 20 plus the options, padded to 4 bytes. */
size_t tcp_header_len_for(const tcp_options *opt);

/* Writes the header and options at buf for a segment of `len` bytes in all,
 * whose data is already at buf + tcp_header_len_for(&h->opt), and computes the
 * checksum. Options are written in Linux's order: MSS, SACK-permitted,
 * timestamps, NOP, window scale, then NOP, NOP and the SACK blocks. */
void tcp_emit(const tcp_header *h, uint8_t *buf, size_t len, ipv4_addr src, ipv4_addr dst);

/* The checksum over the pseudo-header and buf[0 .. len) (the field itself
 * included as it is in buf): 0 when the segment's checksum is correct. */
uint16_t tcp_checksum(const uint8_t *buf, size_t len, ipv4_addr src, ipv4_addr dst);

/* Room for tcp_flags_text: all eight letters and the NUL. */
#define TCP_FLAGS_TEXT_LEN 9

/* tcpdump's flag letters for `flags` ("S", "S.", "P.", "F.", "R", ".", in
 * tcpdump's order F S R P . U E W; "none" when no bit is set) into
 * buf[TCP_FLAGS_TEXT_LEN]; returns buf. */
char *tcp_flags_text(uint8_t flags, char *buf);

#endif
