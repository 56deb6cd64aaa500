/*
 * dns: DNS messages (RFC 1035 section 4): a 12-byte header, then questions
 * and resource records. netsim keeps questions and answers in a fixed-size
 * host-order struct (no allocation); records of type A and CNAME carry their
 * data, other types only their header fields.
 *
 * Names are text without the trailing dot ("www.example.com"; "" is the
 * root). Labels are 1-63 bytes and the whole name at most 255 bytes in wire
 * form (RFC 1035 section 2.3.4), so at most 253 characters of text. Label
 * bytes are limited to printable ASCII other than '.' and '\' (0x21-0x7e),
 * which covers every host name (RFC 1123 section 2.1) and keeps the text
 * form unambiguous and safe to print; case is kept as it is.
 *
 * Compression (RFC 1035 section 4.1.4): parse follows pointers, and accepts
 * a pointer only if it points before the start of the labels being read (to
 * a prior occurrence, as the RFC says) and past the header. The start of
 * each stretch read thus strictly decreases, so a pointer loop is
 * WIRE_ERR_MALFORMED rather than a hang. Emit compresses: a name, or its
 * longest suffix, that was already written uncompressed in the message is
 * replaced by a pointer to it (exact byte match), as real servers do
 * ("www.example.com" answering the question is C0 0C).
 */
#ifndef NETSIM_WIRE_DNS_H
#define NETSIM_WIRE_DNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire/addr.h"

#define DNS_PORT 53

#define DNS_HEADER_LEN    12
#define DNS_LABEL_MAX     63
#define DNS_NAME_WIRE_MAX 255
#define DNS_NAME_TEXT_LEN 254 /* 253 characters and NUL */

#define DNS_MAX_QUESTIONS 4 /* more is WIRE_ERR_UNSUPPORTED */
#define DNS_MAX_ANSWERS   8

/* Types (RFC 1035 section 3.2.2; AAAA RFC 3596; OPT RFC 6891). */
#define DNS_TYPE_A     1
#define DNS_TYPE_NS    2
#define DNS_TYPE_CNAME 5
#define DNS_TYPE_SOA   6
#define DNS_TYPE_PTR   12
#define DNS_TYPE_MX    15
#define DNS_TYPE_TXT   16
#define DNS_TYPE_AAAA  28
#define DNS_TYPE_OPT   41

#define DNS_CLASS_IN 1

#define DNS_OPCODE_QUERY 0

/* Response codes (RFC 1035 section 4.1.1). */
#define DNS_RCODE_NOERROR  0
#define DNS_RCODE_FORMERR  1
#define DNS_RCODE_SERVFAIL 2
#define DNS_RCODE_NXDOMAIN 3
#define DNS_RCODE_NOTIMP   4
#define DNS_RCODE_REFUSED  5

typedef struct dns_question {
    char name[DNS_NAME_TEXT_LEN];
    uint16_t type;
    uint16_t qclass;
} dns_question;

typedef struct dns_rr {
    char name[DNS_NAME_TEXT_LEN];
    uint16_t type;
    uint16_t rclass;
    uint32_t ttl;
    uint16_t rdlength;             /* parse: as on the wire; emit computes it */
    ipv4_addr a;                   /* DNS_TYPE_A */
    char cname[DNS_NAME_TEXT_LEN]; /* DNS_TYPE_CNAME: the canonical name */
} dns_rr;

typedef struct dns_message {
    uint16_t id;
    bool qr; /* response */
    uint8_t opcode;
    bool aa, tc, rd, ra;
    uint8_t z; /* the 3 bits between RA and RCODE: zero in RFC 1035, AD and CD since RFC 4035 */
    uint8_t rcode;
    uint16_t qdcount; /* questions[0 .. qdcount) */
    uint16_t ancount; /* answers[0 .. ancount) */
    /* Authority and additional records: parse checks that they are well formed
     * and skips them, leaving their counts here; emit ignores these fields
     * and writes both counts as 0. */
    uint16_t nscount, arcount;
    dns_question questions[DNS_MAX_QUESTIONS];
    dns_rr answers[DNS_MAX_ANSWERS];
} dns_message;

/* Parses the message of `len` bytes (the UDP data) into *out, written only on
 * success. Bytes after the last record are ignored. Errors:
 *   WIRE_ERR_TRUNCATED   the message ends before the header, a name, a record
 *                        header or its RDATA does;
 *   WIRE_ERR_MALFORMED   a reserved label type (01, 10), a pointer that does
 *                        not point back to a prior name (loops included) or
 *                        into the header, a name over 255 bytes, an A RDATA
 *                        other than 4 bytes, or a CNAME whose name does not
 *                        end exactly with its RDATA;
 *   WIRE_ERR_UNSUPPORTED more than DNS_MAX_QUESTIONS questions or
 *                        DNS_MAX_ANSWERS answers, or a label byte outside
 *                        0x21-0x7e, '.' or '\'. */
int dns_parse(const uint8_t *buf, size_t len, dns_message *out);

/* Writes `msg` at buf[0 .. cap), compressing names (see above). Returns the
 * bytes written, or: WIRE_ERR_TRUNCATED if cap is too small; WIRE_ERR_MALFORMED
 * for an invalid name, qdcount or ancount over the maximum, or opcode, z or
 * rcode too wide for their bits; WIRE_ERR_UNSUPPORTED for an answer of a type
 * other than A and CNAME. On error buf[0 .. cap) may have been written. */
int dns_emit(const dns_message *msg, uint8_t *buf, size_t cap);

/* Whether `name` is a name dns_emit accepts ("" and "." are the root; one
 * trailing dot is allowed). */
bool dns_name_is_valid(const char *name);

/* Fills *m with a standard query (RD set, as a stub resolver sends it) for
 * `name` of `type`, class IN. Returns WIRE_OK or WIRE_ERR_MALFORMED (invalid
 * name; *m is then untouched). */
int dns_query_init(dns_message *m, uint16_t id, const char *name, uint16_t type);

/* Fills *resp with the response to `query` (borrowed; it may be resp itself):
 * same id, opcode, RD and questions, QR, AA and RA set, the given rcode
 * (DNS_RCODE_NXDOMAIN for a name that does not exist) and no answers yet.
 * Returns WIRE_OK or WIRE_ERR_MALFORMED (rcode over 15). */
int dns_response_init(dns_message *resp, const dns_message *query, uint8_t rcode);

/* Appends an answer "name A addr" / "name CNAME target" of class IN. Returns
 * WIRE_OK, WIRE_ERR_MALFORMED for an invalid name, or WIRE_ERR_UNSUPPORTED
 * when DNS_MAX_ANSWERS answers are already there. */
int dns_add_a(dns_message *m, const char *name, ipv4_addr addr, uint32_t ttl);
int dns_add_cname(dns_message *m, const char *name, const char *target, uint32_t ttl);

/* The IPv4 address a response gives for its first question: the A answer
 * for that name, following CNAME answers (names compared without regard to
 * ASCII case, RFC 4343). Returns true and *out, or false if there is none. */
bool dns_find_a(const dns_message *m, ipv4_addr *out);

/* "A", "NS", "CNAME", "SOA", "PTR", "MX", "TXT", "AAAA", "OPT", or NULL. */
const char *dns_type_name(uint16_t type);

/* "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED", or NULL. */
const char *dns_rcode_name(uint8_t rcode);

#endif
