/*
 * Unit tests of wire/dns (RFC 1035 section 4) against fixed messages: a stub
 * resolver's query for www.example.com A (id 0x1234, RD), the authoritative
 * answer 93.184.216.34 with its name compressed to C0 0C, an answer through
 * a CNAME (www.example.com -> example.com, both compressed: C0 0C, C0 10),
 * an NXDOMAIN for nosuch.example.com, and a dig-style query with an EDNS OPT
 * record and the AD bit. They were written from RFC 1035 with Python,
 * wrapped in UDP/IPv4/Ethernet with correct checksums and decoded by
 * `tshark -V` (checksum validation on) as exactly those queries and
 * responses, without malformed or expert warnings; the UDP checksums tshark
 * verified are checked below against the frames built here.
 *
 * Both directions (emit == bytes, parse == struct), every truncation, the
 * compression pointer rules with malicious loops, name length limits, a
 * deterministic fuzz with a round-trip check, and the frame_describe lines.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "wire/describe.h"
#include "wire/dns.h"
#include "wire/ethernet.h"
#include "wire/ipv4.h"
#include "wire/udp.h"
#include "wire/wire.h"

static const uint8_t QUERY[] = {
    0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x03, 0x77, 0x77, 0x77, 0x07, 0x65, 0x78, 0x61, 0x6d, 0x70,
    0x6c, 0x65, 0x03, 0x63, 0x6f, 0x6d, 0x00, 0x00, 0x01, 0x00, 0x01,
};
static const uint8_t RESPONSE[] = {
    0x12, 0x34, 0x85, 0x80, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x03,
    0x77, 0x77, 0x77, 0x07, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x03, 0x63,
    0x6f, 0x6d, 0x00, 0x00, 0x01, 0x00, 0x01, 0xc0, 0x0c, 0x00, 0x01, 0x00, 0x01,
    0x00, 0x00, 0x01, 0x2c, 0x00, 0x04, 0x5d, 0xb8, 0xd8, 0x22,
};
static const uint8_t CNAME_RESPONSE[] = {
    0xbe, 0xef, 0x85, 0x80, 0x00, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x03, 0x77, 0x77, 0x77,
    0x07, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x03, 0x63, 0x6f, 0x6d, 0x00, 0x00, 0x01, 0x00,
    0x01, 0xc0, 0x0c, 0x00, 0x05, 0x00, 0x01, 0x00, 0x00, 0x01, 0x2c, 0x00, 0x02, 0xc0, 0x10, 0xc0,
    0x10, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x3c, 0x00, 0x04, 0x5d, 0xb8, 0xd8, 0x22,
};
static const uint8_t NXDOMAIN[] = {
    0x43, 0x21, 0x85, 0x83, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x06, 0x6e, 0x6f, 0x73, 0x75, 0x63, 0x68, 0x07, 0x65, 0x78, 0x61, 0x6d,
    0x70, 0x6c, 0x65, 0x03, 0x63, 0x6f, 0x6d, 0x00, 0x00, 0x01, 0x00, 0x01,
};
static const uint8_t EDNS_QUERY[] = {
    0x12, 0x34, 0x01, 0x20, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x77, 0x77,
    0x77, 0x07, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x03, 0x63, 0x6f, 0x6d, 0x00, 0x00,
    0x01, 0x00, 0x01, 0x00, 0x00, 0x29, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

#define EXAMPLE_IP 0x5db8d822u /* 93.184.216.34 */
#define CLIENT_IP  0x0a000001u /* 10.0.0.1 */
#define SERVER_IP  0x0a000035u /* 10.0.0.53 */

static const struct {
    const char *name;
    const uint8_t *bytes;
    size_t len;
} FIXTURES[] = {
    {"query", QUERY, sizeof QUERY},
    {"response", RESPONSE, sizeof RESPONSE},
    {"cname", CNAME_RESPONSE, sizeof CNAME_RESPONSE},
    {"nxdomain", NXDOMAIN, sizeof NXDOMAIN},
    {"edns", EDNS_QUERY, sizeof EDNS_QUERY},
};
#define NFIXTURES (sizeof FIXTURES / sizeof FIXTURES[0])

/* Parses an exact-size heap copy, so the sanitizer catches a read even one
 * byte past the end. */
static int parse_copy(const uint8_t *bytes, size_t len, dns_message *out) {
    uint8_t *copy = malloc(len ? len : 1);
    if (len)
        memcpy(copy, bytes, len);
    int r = dns_parse(copy, len, out);
    free(copy);
    return r;
}

/* Emits into a heap buffer of exactly `cap` bytes and compares the result. */
static void assert_emits(const dns_message *m, const uint8_t *want, size_t len) {
    uint8_t *buf = malloc(len);
    int n = dns_emit(m, buf, len);
    if (n != (int)len || memcmp(buf, want, len) != 0) {
        for (int i = 0; i < n; i++)
            if (buf[i] != want[i])
                fail_msg("emit: %d bytes (want %zu), first difference at %d", n, len, i);
        fail_msg("emit: %d bytes (want %zu)", n, len);
    }
    free(buf);
}

static void assert_dns_equal(const dns_message *a, const dns_message *b) {
    assert_int_equal(a->id, b->id);
    assert_int_equal(a->qr, b->qr);
    assert_int_equal(a->opcode, b->opcode);
    assert_int_equal(a->aa, b->aa);
    assert_int_equal(a->tc, b->tc);
    assert_int_equal(a->rd, b->rd);
    assert_int_equal(a->ra, b->ra);
    assert_int_equal(a->z, b->z);
    assert_int_equal(a->rcode, b->rcode);
    assert_int_equal(a->qdcount, b->qdcount);
    assert_int_equal(a->ancount, b->ancount);
    for (size_t i = 0; i < a->qdcount; i++) {
        assert_string_equal(a->questions[i].name, b->questions[i].name);
        assert_int_equal(a->questions[i].type, b->questions[i].type);
        assert_int_equal(a->questions[i].qclass, b->questions[i].qclass);
    }
    for (size_t i = 0; i < a->ancount; i++) {
        const dns_rr *x = &a->answers[i], *y = &b->answers[i];
        assert_string_equal(x->name, y->name);
        assert_int_equal(x->type, y->type);
        assert_int_equal(x->rclass, y->rclass);
        assert_int_equal(x->ttl, y->ttl);
        assert_int_equal(x->a, y->a);
        assert_string_equal(x->cname, y->cname);
    }
}

/* ---- emit ---- */

static void test_emit_query(void **state) {
    (void)state;
    dns_message m;
    assert_int_equal(dns_query_init(&m, 0x1234, "www.example.com", DNS_TYPE_A), WIRE_OK);
    assert_emits(&m, QUERY, sizeof QUERY);
    /* A fully qualified name with its trailing dot is the same name. */
    assert_int_equal(dns_query_init(&m, 0x1234, "www.example.com.", DNS_TYPE_A), WIRE_OK);
    assert_string_equal(m.questions[0].name, "www.example.com");
    assert_emits(&m, QUERY, sizeof QUERY);
    /* The root: one zero byte. */
    static const uint8_t root_ns[] = {0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
                                      0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01};
    assert_int_equal(dns_query_init(&m, 1, ".", DNS_TYPE_NS), WIRE_OK);
    assert_string_equal(m.questions[0].name, "");
    assert_emits(&m, root_ns, sizeof root_ns);
}

static void test_emit_responses(void **state) {
    (void)state;
    dns_message q, r;
    assert_int_equal(dns_parse(QUERY, sizeof QUERY, &q), WIRE_OK);
    assert_int_equal(dns_response_init(&r, &q, DNS_RCODE_NOERROR), WIRE_OK);
    assert_int_equal(dns_add_a(&r, "www.example.com", EXAMPLE_IP, 300), WIRE_OK);
    assert_emits(&r, RESPONSE, sizeof RESPONSE);
    /* In place, the query becomes the response. */
    assert_int_equal(dns_response_init(&q, &q, DNS_RCODE_NOERROR), WIRE_OK);
    assert_int_equal(dns_add_a(&q, "www.example.com", EXAMPLE_IP, 300), WIRE_OK);
    assert_emits(&q, RESPONSE, sizeof RESPONSE);

    /* The CNAME's owner and target, and the A record's owner, all point
     * into the question. */
    assert_int_equal(dns_query_init(&q, 0xbeef, "www.example.com", DNS_TYPE_A), WIRE_OK);
    assert_int_equal(dns_response_init(&r, &q, DNS_RCODE_NOERROR), WIRE_OK);
    assert_int_equal(dns_add_cname(&r, "www.example.com", "example.com", 300), WIRE_OK);
    assert_int_equal(dns_add_a(&r, "example.com", EXAMPLE_IP, 60), WIRE_OK);
    assert_emits(&r, CNAME_RESPONSE, sizeof CNAME_RESPONSE);

    assert_int_equal(dns_query_init(&q, 0x4321, "nosuch.example.com", DNS_TYPE_A), WIRE_OK);
    assert_int_equal(dns_response_init(&r, &q, DNS_RCODE_NXDOMAIN), WIRE_OK);
    assert_emits(&r, NXDOMAIN, sizeof NXDOMAIN);
}

static void test_emit_compression(void **state) {
    (void)state;
    /* A name sharing nothing is written whole; one sharing "example.com"
     * with an earlier uncompressed name points to it; the same name twice
     * points to the first. Letter case counts: "EXAMPLE.com" is new bytes. */
    dns_message m;
    assert_int_equal(dns_query_init(&m, 7, "a.example.com", DNS_TYPE_A), WIRE_OK);
    assert_int_equal(dns_response_init(&m, &m, DNS_RCODE_NOERROR), WIRE_OK);
    assert_int_equal(dns_add_cname(&m, "a.example.com", "b.example.net", 5), WIRE_OK);
    assert_int_equal(dns_add_a(&m, "b.example.net", 0x01020304u, 5), WIRE_OK);
    assert_int_equal(dns_add_a(&m, "c.EXAMPLE.com", 0x01020305u, 5), WIRE_OK);
    uint8_t buf[256];
    int n = dns_emit(&m, buf, sizeof buf);
    /* clang-format off */
    static const uint8_t want[] = {
        0x00, 0x07, 0x85, 0x80, 0x00, 0x01, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00,
        /* 12: question a.example.com A IN; "example" at 14, "com" at 22 */
        0x01, 'a', 0x07, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0x03, 'c', 'o', 'm', 0x00,
        0x00, 0x01, 0x00, 0x01,
        /* 31: C0 0C CNAME IN TTL 5, RDLENGTH 15: b.example.net written out at 43 */
        0xc0, 0x0c, 0x00, 0x05, 0x00, 0x01, 0x00, 0x00, 0x00, 0x05, 0x00, 0x0f,
        0x01, 'b', 0x07, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0x03, 'n', 'e', 't', 0x00,
        /* 58: b.example.net points to the CNAME's RDATA at 43 (0x2b) */
        0xc0, 0x2b, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x05, 0x00, 0x04,
        0x01, 0x02, 0x03, 0x04,
        /* 74: c.EXAMPLE.com: only "com" matches, at 22 (0x16) */
        0x01, 'c', 0x07, 'E', 'X', 'A', 'M', 'P', 'L', 'E', 0xc0, 0x16,
        0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x05, 0x00, 0x04, 0x01, 0x02, 0x03, 0x05,
    };
    /* clang-format on */
    assert_int_equal(n, sizeof want);
    assert_memory_equal(buf, want, sizeof want);
    dns_message back;
    assert_int_equal(dns_parse(buf, (size_t)n, &back), WIRE_OK);
    assert_dns_equal(&back, &m);
}

static void test_emit_errors(void **state) {
    (void)state;
    dns_message m;
    assert_int_equal(dns_parse(CNAME_RESPONSE, sizeof CNAME_RESPONSE, &m), WIRE_OK);
    /* Every buffer too small by any amount; the exact-size heap block
     * catches a write past cap. */
    for (size_t cap = 0; cap < sizeof CNAME_RESPONSE; cap++) {
        uint8_t *buf = malloc(cap ? cap : 1);
        int r = dns_emit(&m, buf, cap);
        free(buf);
        if (r != WIRE_ERR_TRUNCATED)
            fail_msg("cap %zu: %d", cap, r);
    }
    uint8_t buf[512];
    dns_message bad = m;
    bad.opcode = 16;
    assert_int_equal(dns_emit(&bad, buf, sizeof buf), WIRE_ERR_MALFORMED);
    bad = m;
    bad.rcode = 16;
    assert_int_equal(dns_emit(&bad, buf, sizeof buf), WIRE_ERR_MALFORMED);
    bad = m;
    bad.z = 8;
    assert_int_equal(dns_emit(&bad, buf, sizeof buf), WIRE_ERR_MALFORMED);
    bad = m;
    bad.qdcount = DNS_MAX_QUESTIONS + 1;
    assert_int_equal(dns_emit(&bad, buf, sizeof buf), WIRE_ERR_MALFORMED);
    bad = m;
    bad.ancount = DNS_MAX_ANSWERS + 1;
    assert_int_equal(dns_emit(&bad, buf, sizeof buf), WIRE_ERR_MALFORMED);
    bad = m;
    strcpy(bad.answers[1].name, "a..b");
    assert_int_equal(dns_emit(&bad, buf, sizeof buf), WIRE_ERR_MALFORMED);
    bad = m;
    strcpy(bad.answers[0].cname, "has space");
    assert_int_equal(dns_emit(&bad, buf, sizeof buf), WIRE_ERR_MALFORMED);
    bad = m;
    bad.answers[1].type = DNS_TYPE_AAAA; /* no RDATA to write */
    assert_int_equal(dns_emit(&bad, buf, sizeof buf), WIRE_ERR_UNSUPPORTED);
    /* Flags and counts are written as given; authority/additional are not. */
    bad = m;
    bad.tc = true;
    bad.opcode = 2;
    bad.z = 5;
    bad.nscount = 3;
    assert_int_equal(dns_emit(&bad, buf, sizeof buf), (int)sizeof CNAME_RESPONSE);
    assert_int_equal(wire_get16(buf + 2),
                     0x8000 | 2 << 11 | 0x0400 | 0x0200 | 0x0100 | 0x0080 | 5 << 4);
    assert_int_equal(wire_get16(buf + 8), 0);
}

static void test_names_valid(void **state) {
    (void)state;
    char l63[64], l64[65], long_name[300];
    memset(l63, 'a', 63);
    l63[63] = '\0';
    memset(l64, 'a', 64);
    l64[64] = '\0';
    assert_true(dns_name_is_valid(""));
    assert_true(dns_name_is_valid("."));
    assert_true(dns_name_is_valid("localhost"));
    assert_true(dns_name_is_valid("_dns._udp.Example-1.com."));
    assert_true(dns_name_is_valid(l63));
    assert_false(dns_name_is_valid(l64));
    assert_false(dns_name_is_valid(".com"));
    assert_false(dns_name_is_valid("a..com"));
    assert_false(dns_name_is_valid("a.com.."));
    assert_false(dns_name_is_valid(".."));
    assert_false(dns_name_is_valid("a b.com"));
    assert_false(dns_name_is_valid("a\\.com"));
    assert_false(dns_name_is_valid("caf\xc3\xa9.com"));
    /* 253 characters (255 bytes on the wire) is the longest name. */
    snprintf(long_name, sizeof long_name, "%s.%s.%s.%.61s", l63, l63, l63, l63);
    assert_int_equal(strlen(long_name), 253);
    assert_true(dns_name_is_valid(long_name));
    strcat(long_name, "."); /* the trailing dot adds nothing on the wire */
    assert_true(dns_name_is_valid(long_name));
    snprintf(long_name, sizeof long_name, "%s.%s.%s.%.62s", l63, l63, l63, l63);
    assert_false(dns_name_is_valid(long_name));

    dns_message m;
    memset(&m, 0x5a, sizeof m);
    assert_int_equal(dns_query_init(&m, 1, "a..com", DNS_TYPE_A), WIRE_ERR_MALFORMED);
    assert_int_equal(m.id, 0x5a5a); /* untouched */
    assert_int_equal(dns_query_init(&m, 1, "example.com", DNS_TYPE_A), WIRE_OK);
    assert_int_equal(dns_add_a(&m, l64, 1, 1), WIRE_ERR_MALFORMED);
    assert_int_equal(dns_add_cname(&m, "x.com", "bad name", 1), WIRE_ERR_MALFORMED);
    assert_int_equal(m.ancount, 0);
    for (int i = 0; i < DNS_MAX_ANSWERS; i++)
        assert_int_equal(dns_add_a(&m, "example.com", (ipv4_addr)i, 1), WIRE_OK);
    assert_int_equal(dns_add_a(&m, "example.com", 9, 1), WIRE_ERR_UNSUPPORTED);
    assert_int_equal(dns_add_cname(&m, "example.com", "x.com", 1), WIRE_ERR_UNSUPPORTED);
    assert_int_equal(m.ancount, DNS_MAX_ANSWERS);
    assert_int_equal(dns_response_init(&m, &m, 16), WIRE_ERR_MALFORMED);
}

/* ---- parse ---- */

static void test_parse_query(void **state) {
    (void)state;
    dns_message m;
    assert_int_equal(parse_copy(QUERY, sizeof QUERY, &m), WIRE_OK);
    assert_int_equal(m.id, 0x1234);
    assert_false(m.qr);
    assert_int_equal(m.opcode, DNS_OPCODE_QUERY);
    assert_false(m.aa);
    assert_false(m.tc);
    assert_true(m.rd);
    assert_false(m.ra);
    assert_int_equal(m.z, 0);
    assert_int_equal(m.rcode, 0);
    assert_int_equal(m.qdcount, 1);
    assert_int_equal(m.ancount, 0);
    assert_int_equal(m.nscount, 0);
    assert_int_equal(m.arcount, 0);
    assert_string_equal(m.questions[0].name, "www.example.com");
    assert_int_equal(m.questions[0].type, DNS_TYPE_A);
    assert_int_equal(m.questions[0].qclass, DNS_CLASS_IN);
    ipv4_addr a;
    assert_false(dns_find_a(&m, &a));

    /* dig's query: AD is the middle Z bit; the OPT record is skipped. */
    assert_int_equal(parse_copy(EDNS_QUERY, sizeof EDNS_QUERY, &m), WIRE_OK);
    assert_int_equal(m.z, 2);
    assert_int_equal(m.arcount, 1);
    assert_string_equal(m.questions[0].name, "www.example.com");
    /* Re-emitted, it is the plain query plus the AD bit. */
    uint8_t buf[64];
    assert_int_equal(dns_emit(&m, buf, sizeof buf), (int)sizeof QUERY);
    assert_int_equal(wire_get16(buf + 2), 0x0120);
    assert_memory_equal(buf + 4, QUERY + 4, sizeof QUERY - 4);
}

static void test_parse_responses(void **state) {
    (void)state;
    dns_message m;
    ipv4_addr a = 0;
    assert_int_equal(parse_copy(RESPONSE, sizeof RESPONSE, &m), WIRE_OK);
    assert_true(m.qr);
    assert_true(m.aa);
    assert_true(m.rd);
    assert_true(m.ra);
    assert_int_equal(m.rcode, DNS_RCODE_NOERROR);
    assert_int_equal(m.ancount, 1);
    assert_string_equal(m.answers[0].name, "www.example.com");
    assert_int_equal(m.answers[0].type, DNS_TYPE_A);
    assert_int_equal(m.answers[0].rclass, DNS_CLASS_IN);
    assert_int_equal(m.answers[0].ttl, 300);
    assert_int_equal(m.answers[0].rdlength, 4);
    assert_int_equal(m.answers[0].a, EXAMPLE_IP);
    assert_true(dns_find_a(&m, &a));
    assert_int_equal(a, EXAMPLE_IP);

    assert_int_equal(parse_copy(CNAME_RESPONSE, sizeof CNAME_RESPONSE, &m), WIRE_OK);
    assert_int_equal(m.id, 0xbeef);
    assert_int_equal(m.ancount, 2);
    assert_string_equal(m.answers[0].name, "www.example.com");
    assert_int_equal(m.answers[0].type, DNS_TYPE_CNAME);
    assert_int_equal(m.answers[0].rdlength, 2);
    assert_string_equal(m.answers[0].cname, "example.com");
    assert_string_equal(m.answers[1].name, "example.com");
    assert_int_equal(m.answers[1].ttl, 60);
    a = 0;
    assert_true(dns_find_a(&m, &a));
    assert_int_equal(a, EXAMPLE_IP);

    assert_int_equal(parse_copy(NXDOMAIN, sizeof NXDOMAIN, &m), WIRE_OK);
    assert_int_equal(m.id, 0x4321);
    assert_int_equal(m.rcode, DNS_RCODE_NXDOMAIN);
    assert_int_equal(m.ancount, 0);
    assert_string_equal(m.questions[0].name, "nosuch.example.com");
    assert_false(dns_find_a(&m, &a));

    /* The same answer with its name written out in full parses the same. */
    uint8_t full[sizeof RESPONSE + 15];
    memcpy(full, RESPONSE, 33);
    memcpy(full + 33, RESPONSE + 12, 17);
    memcpy(full + 50, RESPONSE + 35, sizeof RESPONSE - 35);
    dns_message plain;
    assert_int_equal(parse_copy(full, sizeof full, &plain), WIRE_OK);
    assert_int_equal(parse_copy(RESPONSE, sizeof RESPONSE, &m), WIRE_OK);
    assert_dns_equal(&plain, &m);
    /* Bytes after the last record (padding) are ignored. */
    uint8_t padded[sizeof RESPONSE + 3] = {0};
    memcpy(padded, RESPONSE, sizeof RESPONSE);
    assert_int_equal(parse_copy(padded, sizeof padded, &m), WIRE_OK);
}

static void test_find_a(void **state) {
    (void)state;
    dns_message m;
    ipv4_addr a = 0;
    /* Case does not matter (RFC 4343); class does. */
    assert_int_equal(dns_query_init(&m, 1, "WWW.Example.COM", DNS_TYPE_A), WIRE_OK);
    dns_response_init(&m, &m, DNS_RCODE_NOERROR);
    dns_add_cname(&m, "www.example.com", "Web.Example.com", 1);
    dns_add_a(&m, "other.example.com", 0x01010101u, 1);
    dns_add_a(&m, "web.example.COM", 0x02020202u, 1);
    assert_true(dns_find_a(&m, &a));
    assert_int_equal(a, 0x02020202u);
    m.answers[2].rclass = 3; /* CHAOS */
    assert_false(dns_find_a(&m, &a));
    /* A CNAME loop ends. */
    assert_int_equal(dns_query_init(&m, 1, "a.test", DNS_TYPE_A), WIRE_OK);
    dns_response_init(&m, &m, DNS_RCODE_NOERROR);
    dns_add_cname(&m, "a.test", "b.test", 1);
    dns_add_cname(&m, "b.test", "a.test", 1);
    assert_false(dns_find_a(&m, &a));
    m.qdcount = 0;
    assert_false(dns_find_a(&m, &a));
}

/* Every prefix of every fixture is truncated, and *out stays untouched. */
static void test_every_prefix(void **state) {
    (void)state;
    for (size_t f = 0; f < NFIXTURES; f++) {
        for (size_t len = 0; len < FIXTURES[f].len; len++) {
            dns_message m;
            m.id = 0x5a5a;
            int r = parse_copy(FIXTURES[f].bytes, len, &m);
            if (r != WIRE_ERR_TRUNCATED)
                fail_msg("%s cut to %zu bytes: %d", FIXTURES[f].name, len, r);
            assert_int_equal(m.id, 0x5a5a);
        }
        dns_message m;
        assert_int_equal(parse_copy(FIXTURES[f].bytes, FIXTURES[f].len, &m), WIRE_OK);
    }
}

/* A message: a header with the given counts, then `body`. */
static int parse_body(uint16_t qd, uint16_t an, const uint8_t *body, size_t n, dns_message *out) {
    uint8_t buf[600];
    assert_true(n <= sizeof buf - DNS_HEADER_LEN);
    memset(buf, 0, DNS_HEADER_LEN);
    buf[2] = 0x81; /* QR RD */
    wire_put16(buf + 4, qd);
    wire_put16(buf + 6, an);
    memcpy(buf + DNS_HEADER_LEN, body, n);
    return parse_copy(buf, DNS_HEADER_LEN + n, out);
}

static void test_pointers(void **state) {
    (void)state;
    dns_message m;
    static const struct {
        uint16_t qd, an;
        uint8_t body[40];
        size_t n;
        int err;
        const char *what;
    } cases[] = {
        /* A pointer to itself. */
        {1, 0, {0xc0, 0x0c, 0x00, 0x01, 0x00, 0x01}, 6, WIRE_ERR_MALFORMED, "self"},
        /* Labels, then a pointer back to the name's own start. */
        {1, 0, {0x01, 'a', 0xc0, 0x0c, 0x00, 0x01, 0x00, 0x01}, 8, WIRE_ERR_MALFORMED, "own start"},
        /* A pointer forward, past the end, into the header. */
        {1, 0, {0xc0, 0x10, 0x00, 0x01, 0x00, 0x01, 0x00}, 7, WIRE_ERR_MALFORMED, "forward"},
        {1, 0, {0xff, 0xff, 0x00, 0x01, 0x00, 0x01}, 6, WIRE_ERR_MALFORMED, "past the end"},
        {1, 0, {0xc0, 0x04, 0x00, 0x01, 0x00, 0x01}, 6, WIRE_ERR_MALFORMED, "into the header"},
        /* 12: question "a". 19: an answer whose TXT RDATA at 31 holds "c" and
         * a pointer to 31. 35: an answer named by a pointer to 31: reached
         * that way, the pointer at 33 points back into the stretch being read
         * (31 is before 33 but not before 31). Only the 255-byte limit would
         * end this loop if pointers merely had to point before themselves. */
        {1,
         2,
         {0x01, 'a',  0x00, 0x00, 0x01, 0x00, 0x01, 0xc0, 0x0c, 0x00, 0x10, 0x00, 0x01,
          0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x01, 'c',  0xc0, 0x1f, 0xc0, 0x1f, 0x00,
          0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x01, 0x02, 0x03, 0x04},
         39,
         WIRE_ERR_MALFORMED,
         "loop behind a pointer"},
        /* A pointer into the name's own label data (to the 00 inside "a\0"). */
        {1,
         0,
         {0x02, 'a', 0x00, 0xc0, 0x0e, 0x00, 0x01, 0x00, 0x01},
         9,
         WIRE_ERR_MALFORMED,
         "own data"},
        /* Reserved label types 01 and 10. */
        {1, 0, {0x41, 'a', 0x00, 0x00, 0x01, 0x00, 0x01}, 7, WIRE_ERR_MALFORMED, "type 01"},
        {1, 0, {0x81, 'a', 0x00, 0x00, 0x01, 0x00, 0x01}, 7, WIRE_ERR_MALFORMED, "type 10"},
        /* A pointer cut in half. */
        {1, 0, {0x01, 'a', 0xc0}, 3, WIRE_ERR_TRUNCATED, "half a pointer"},
        /* Label bytes netsim cannot print as a name. */
        {1,
         0,
         {0x03, 'a', ' ', 'b', 0x00, 0x00, 0x01, 0x00, 0x01},
         9,
         WIRE_ERR_UNSUPPORTED,
         "space"},
        {1, 0, {0x03, 'a', '.', 'b', 0x00, 0x00, 0x01, 0x00, 0x01}, 9, WIRE_ERR_UNSUPPORTED, "dot"},
        {1, 0, {0x02, 'a', 0x00, 0x00, 0x00, 0x01, 0x00, 0x01}, 8, WIRE_ERR_UNSUPPORTED, "NUL"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int r = parse_body(cases[i].qd, cases[i].an, cases[i].body, cases[i].n, &m);
        if (r != cases[i].err)
            fail_msg("%s: %d, expected %d", cases[i].what, r, cases[i].err);
    }

    /* A pointer to a pointer is fine when each points further back: the
     * second answer's name points to the first answer's C0 0C. */
    uint8_t chain[sizeof RESPONSE + 16];
    memcpy(chain, RESPONSE, sizeof RESPONSE);
    chain[7] = 2;
    static const uint8_t second[] = {0xc0, 0x21, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00,
                                     0x00, 0x3c, 0x00, 0x04, 0x0a, 0x00, 0x00, 0x07};
    memcpy(chain + sizeof RESPONSE, second, sizeof second);
    assert_int_equal(parse_copy(chain, sizeof chain, &m), WIRE_OK);
    assert_string_equal(m.answers[1].name, "www.example.com");
    assert_int_equal(m.answers[1].a, 0x0a000007u);
}

static void test_name_lengths(void **state) {
    (void)state;
    /* Labels of 63, 63, 63 and 61 bytes: 255 bytes on the wire, the most. */
    uint8_t body[300];
    size_t n = 0;
    static const uint8_t lens[] = {63, 63, 63, 61};
    for (size_t i = 0; i < 4; i++) {
        body[n++] = lens[i];
        memset(body + n, 'a' + (int)i, lens[i]);
        n += lens[i];
    }
    body[n++] = 0;
    body[n++] = 0x00;
    body[n++] = 0x01;
    body[n++] = 0x00;
    body[n++] = 0x01;
    dns_message m;
    assert_int_equal(parse_body(1, 0, body, n, &m), WIRE_OK);
    assert_int_equal(strlen(m.questions[0].name), 253);
    assert_int_equal(m.questions[0].name[64], 'b');
    uint8_t out[300];
    assert_int_equal(dns_emit(&m, out, sizeof out), DNS_HEADER_LEN + (int)n);
    assert_memory_equal(out + DNS_HEADER_LEN, body, n);

    /* One more byte is too long. */
    body[192] = 62;
    memmove(body + 194 + 61, body + 193 + 61, 5);
    body[193 + 61] = 'd';
    assert_int_equal(parse_body(1, 0, body, n + 1, &m), WIRE_ERR_MALFORMED);

    /* Too long only through a pointer: 61 x's, then a pointer to the
     * question's 193-byte name of three 63-byte labels. */
    n = 0;
    for (size_t i = 0; i < 3; i++) {
        body[n++] = 63;
        memset(body + n, 'a' + (int)i, 63);
        n += 63;
    }
    body[n++] = 0;
    memcpy(body + n, "\x00\x01\x00\x01", 4);
    n += 4;
    body[n++] = 61;
    memset(body + n, 'x', 61);
    n += 61;
    body[n++] = 0xc0;
    body[n++] = 0x0c;
    memcpy(body + n, "\x00\x01\x00\x01\x00\x00\x00\x01\x00\x04\x01\x02\x03\x04", 14);
    n += 14;
    assert_int_equal(parse_body(1, 1, body, n, &m), WIRE_OK); /* 62 + 193 = 255 */
    assert_int_equal(strlen(m.answers[0].name), 253);
    body[197] = 62; /* the answer's label one byte longer: 256 */
    memmove(body + 198 + 62, body + 198 + 61, 16);
    body[198 + 61] = 'x';
    assert_int_equal(parse_body(1, 1, body, n + 1, &m), WIRE_ERR_MALFORMED);
}

static void test_rdata_and_counts(void **state) {
    (void)state;
    dns_message m;
    uint8_t buf[sizeof CNAME_RESPONSE + 1];

    /* An A record of 5 bytes. */
    memset(buf, 0, sizeof buf);
    memcpy(buf, RESPONSE, sizeof RESPONSE);
    buf[44] = 5;
    assert_int_equal(parse_copy(buf, sizeof RESPONSE + 1, &m), WIRE_ERR_MALFORMED);

    /* A CNAME whose RDLENGTH is longer or shorter than its name. */
    memcpy(buf, CNAME_RESPONSE, sizeof CNAME_RESPONSE);
    buf[44] = 3;
    assert_int_equal(parse_copy(buf, sizeof CNAME_RESPONSE, &m), WIRE_ERR_MALFORMED);
    buf[44] = 1;
    assert_int_equal(parse_copy(buf, sizeof CNAME_RESPONSE, &m), WIRE_ERR_MALFORMED);

    /* A record of another type keeps its header; its RDATA is skipped. */
    memcpy(buf, RESPONSE, sizeof RESPONSE);
    buf[36] = DNS_TYPE_TXT;
    assert_int_equal(parse_copy(buf, sizeof RESPONSE, &m), WIRE_OK);
    assert_int_equal(m.answers[0].type, DNS_TYPE_TXT);
    assert_int_equal(m.answers[0].rdlength, 4);
    assert_int_equal(m.answers[0].a, 0);

    /* More questions or answers than the struct holds. */
    memcpy(buf, QUERY, sizeof QUERY);
    buf[5] = DNS_MAX_QUESTIONS + 1;
    assert_int_equal(parse_copy(buf, sizeof QUERY, &m), WIRE_ERR_UNSUPPORTED);
    memcpy(buf, QUERY, sizeof QUERY);
    buf[7] = DNS_MAX_ANSWERS + 1;
    assert_int_equal(parse_copy(buf, sizeof QUERY, &m), WIRE_ERR_UNSUPPORTED);
    /* Authority records that are not there. */
    memcpy(buf, RESPONSE, sizeof RESPONSE);
    buf[9] = 1;
    assert_int_equal(parse_copy(buf, sizeof RESPONSE, &m), WIRE_ERR_TRUNCATED);
}

static void test_names(void **state) {
    (void)state;
    assert_string_equal(dns_type_name(DNS_TYPE_A), "A");
    assert_string_equal(dns_type_name(DNS_TYPE_CNAME), "CNAME");
    assert_string_equal(dns_type_name(DNS_TYPE_AAAA), "AAAA");
    assert_null(dns_type_name(99));
    assert_string_equal(dns_rcode_name(DNS_RCODE_NOERROR), "NOERROR");
    assert_string_equal(dns_rcode_name(DNS_RCODE_NXDOMAIN), "NXDOMAIN");
    assert_string_equal(dns_rcode_name(DNS_RCODE_REFUSED), "REFUSED");
    assert_null(dns_rcode_name(6));
}

/* A fixed linear congruential generator, so the damage is the same every run. */
static uint32_t lcg_next(uint32_t *s) {
    *s = *s * 1664525u + 1013904223u;
    return *s >> 8;
}

/* Random damage to every fixture: parse never reads out of bounds (exact
 * copies under the sanitizers) and never hangs, and whatever it accepts
 * emits and parses back to the same message. */
static void test_fuzz_round_trip(void **state) {
    (void)state;
    uint32_t seed = 1035;
    size_t accepted = 0;
    for (size_t f = 0; f < NFIXTURES; f++) {
        for (int i = 0; i < 4000; i++) {
            uint8_t buf[64];
            size_t len = FIXTURES[f].len;
            memcpy(buf, FIXTURES[f].bytes, len);
            int changes = 1 + (int)(lcg_next(&seed) % 3);
            for (int c = 0; c < changes; c++)
                buf[lcg_next(&seed) % len] = (uint8_t)lcg_next(&seed);
            if (lcg_next(&seed) % 4 == 0)
                len = lcg_next(&seed) % (len + 1);
            dns_message m;
            int r = parse_copy(buf, len, &m);
            assert_true(r == WIRE_OK || r == WIRE_ERR_TRUNCATED || r == WIRE_ERR_MALFORMED ||
                        r == WIRE_ERR_UNSUPPORTED);
            if (r != WIRE_OK)
                continue;
            bool simple = true;
            for (size_t k = 0; k < m.ancount; k++)
                simple &= m.answers[k].type == DNS_TYPE_A || m.answers[k].type == DNS_TYPE_CNAME;
            if (!simple)
                continue;
            uint8_t out[4096];
            int n = dns_emit(&m, out, sizeof out);
            if (n <= 0)
                fail_msg("fixture %s case %d: accepted but emit gives %d", FIXTURES[f].name, i, n);
            dns_message back;
            assert_int_equal(dns_parse(out, (size_t)n, &back), WIRE_OK);
            assert_dns_equal(&back, &m);
            accepted++;
        }
    }
    assert_true(accepted > 1000); /* the round trip was really exercised */
}

/* ---- describe ---- */

enum { FRAME_CAP = 700, OFF_UDP_SUM = 40 };

/* Wraps a DNS message as the pcap fixtures were: 10.0.0.1:49152 to
 * 10.0.0.53:53 (or back), IP id 1, TTL 64, no DF. */
static size_t build_frame(const uint8_t *payload, size_t len, bool to_server, uint8_t *frame) {
    static const mac_addr client = {{0x02, 0, 0, 0, 0x01, 0x01}};
    static const mac_addr server = {{0x02, 0, 0, 0, 0x00, 0x35}};
    ipv4_addr src = to_server ? CLIENT_IP : SERVER_IP, dst = to_server ? SERVER_IP : CLIENT_IP;
    eth_header eth = {.dst = to_server ? server : client,
                      .src = to_server ? client : server,
                      .ethertype = ETHERTYPE_IPV4};
    eth_emit(&eth, frame);
    ipv4_header ip = {
        .total_len = (uint16_t)(IPV4_HEADER_LEN + UDP_HEADER_LEN + len),
        .id = 1,
        .ttl = 64,
        .protocol = IPPROTO_UDP_NUM,
        .src = src,
        .dst = dst,
    };
    ipv4_emit(&ip, frame + ETH_HEADER_LEN);
    uint8_t *udp = frame + ETH_HEADER_LEN + IPV4_HEADER_LEN;
    memcpy(udp + UDP_HEADER_LEN, payload, len);
    udp_header u = {.src_port = to_server ? 49152 : DNS_PORT,
                    .dst_port = to_server ? DNS_PORT : 49152};
    udp_emit(&u, udp, UDP_HEADER_LEN + len, src, dst);
    size_t n = ETH_HEADER_LEN + IPV4_HEADER_LEN + UDP_HEADER_LEN + len;
    while (n < ETH_MIN_FRAME_LEN)
        frame[n++] = 0;
    return n;
}

static char *describe_copy(const uint8_t *frame, size_t len) {
    static char text[256];
    uint8_t *copy = malloc(len ? len : 1);
    if (len)
        memcpy(copy, frame, len);
    memset(text, 0x7f, sizeof text);
    frame_describe(copy, len, text, sizeof text);
    assert_true(strlen(text) < sizeof text);
    free(copy);
    return text;
}

static char *describe_message(const dns_message *m, bool to_server) {
    uint8_t payload[512], frame[FRAME_CAP];
    int n = dns_emit(m, payload, sizeof payload);
    assert_true(n > 0);
    return describe_copy(frame, build_frame(payload, (size_t)n, to_server, frame));
}

static void test_describe_fixtures(void **state) {
    (void)state;
    static const struct {
        uint16_t udp_sum; /* as tshark verified it */
        bool to_server;
        const char *text;
    } want[NFIXTURES] = {
        {0xcea0, true, "DNS query A www.example.com id=0x1234"},
        {0x3008, false, "DNS response A www.example.com = 93.184.216.34 id=0x1234"},
        {0x1daf, false,
         "DNS response A www.example.com = CNAME example.com, 93.184.216.34 id=0xbeef"},
        {0xa271, false, "DNS response nosuch.example.com NXDOMAIN id=0x4321"},
        {0xbe40, true, "DNS query A www.example.com id=0x1234"},
    };
    for (size_t f = 0; f < NFIXTURES; f++) {
        uint8_t frame[FRAME_CAP];
        size_t n = build_frame(FIXTURES[f].bytes, FIXTURES[f].len, want[f].to_server, frame);
        assert_int_equal(wire_get16(frame + OFF_UDP_SUM), want[f].udp_sum);
        assert_string_equal(describe_copy(frame, n), want[f].text);
        frame_info fi;
        frame_decode(frame, n, &fi);
        assert_int_equal(fi.has_ports, 1);
        assert_int_equal(want[f].to_server ? fi.dst_port : fi.src_port, DNS_PORT);
    }
}

static void test_describe_variants(void **state) {
    (void)state;
    dns_message m;
    dns_query_init(&m, 0x1234, "www.example.com", DNS_TYPE_AAAA);
    assert_string_equal(describe_message(&m, true), "DNS query AAAA www.example.com id=0x1234");
    m.questions[0].type = 99;
    assert_string_equal(describe_message(&m, true), "DNS query TYPE99 www.example.com id=0x1234");
    dns_query_init(&m, 1, "", DNS_TYPE_NS);
    assert_string_equal(describe_message(&m, true), "DNS query NS . id=0x0001");
    m.qdcount = 0;
    assert_string_equal(describe_message(&m, true), "DNS query id=0x0001");

    dns_query_init(&m, 0x1234, "www.example.com", DNS_TYPE_A);
    dns_response_init(&m, &m, DNS_RCODE_NOERROR);
    assert_string_equal(describe_message(&m, false),
                        "DNS response A www.example.com (no answer) id=0x1234");
    dns_add_a(&m, "www.example.com", 0x01020304u, 1);
    dns_add_a(&m, "www.example.com", 0x01020305u, 1);
    assert_string_equal(describe_message(&m, false),
                        "DNS response A www.example.com = 1.2.3.4, 1.2.3.5 id=0x1234");
    m.rcode = DNS_RCODE_SERVFAIL;
    m.ancount = 0;
    assert_string_equal(describe_message(&m, false),
                        "DNS response www.example.com SERVFAIL id=0x1234");
    m.rcode = 9;
    assert_string_equal(describe_message(&m, false),
                        "DNS response www.example.com rcode 9 id=0x1234");
    m.qdcount = 0;
    assert_string_equal(describe_message(&m, false), "DNS response rcode 9 id=0x1234");

    /* A long answer list is cut at the buffer, NUL-terminated. */
    char name[64];
    dns_query_init(&m, 2, "a.example.com", DNS_TYPE_A);
    dns_response_init(&m, &m, DNS_RCODE_NOERROR);
    for (int i = 0; i < DNS_MAX_ANSWERS; i++) {
        snprintf(name, sizeof name, "%.40s%d.example.com", "cname-cname-cname-cname-cname-cname-",
                 i);
        dns_add_cname(&m, i == 0 ? "a.example.com" : m.answers[i - 1].cname, name, 1);
    }
    const char *text = describe_message(&m, false);
    assert_int_equal(strlen(text), 255);
    assert_memory_equal(text, "DNS response A a.example.com = CNAME cname-", 43);
}

static void test_describe_damaged(void **state) {
    (void)state;
    uint8_t frame[FRAME_CAP];
    size_t n = build_frame(QUERY, 20, true, frame);
    assert_string_equal(describe_copy(frame, n),
                        "DNS (truncated) 10.0.0.1:49152 > 10.0.0.53:53 ttl=64");
    uint8_t loop[sizeof QUERY];
    memcpy(loop, QUERY, sizeof loop);
    loop[12] = 0xc0; /* the question's name points to itself */
    loop[13] = 0x0c;
    n = build_frame(loop, sizeof loop, false, frame);
    assert_string_equal(describe_copy(frame, n),
                        "DNS (malformed) 10.0.0.53:53 > 10.0.0.1:49152 ttl=64");

    /* Every prefix of a response frame, exact-size copies. */
    n = build_frame(CNAME_RESPONSE, sizeof CNAME_RESPONSE, false, frame);
    for (size_t len = 0; len <= n; len++) {
        const char *want = len < 14  ? "Ethernet (truncated)"
                           : len < n ? "IPv4 (truncated)"
                                     : "DNS response A www.example.com = CNAME example.com, "
                                       "93.184.216.34 id=0xbeef";
        const char *got = describe_copy(frame, len);
        if (strcmp(got, want) != 0)
            fail_msg("len %zu: \"%s\"", len, got);
    }
    /* Random damage inside the DNS message only (IP and UDP stay valid). */
    uint32_t seed = 53;
    for (int i = 0; i < 3000; i++) {
        uint8_t payload[sizeof CNAME_RESPONSE];
        memcpy(payload, CNAME_RESPONSE, sizeof payload);
        for (int c = 0; c < 3; c++)
            payload[lcg_next(&seed) % sizeof payload] = (uint8_t)lcg_next(&seed);
        n = build_frame(payload, sizeof payload, false, frame);
        const char *got = describe_copy(frame, n);
        if (strncmp(got, "DNS ", 4) != 0)
            fail_msg("case %d: \"%s\"", i, got);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_emit_query),
        cmocka_unit_test(test_emit_responses),
        cmocka_unit_test(test_emit_compression),
        cmocka_unit_test(test_emit_errors),
        cmocka_unit_test(test_names_valid),
        cmocka_unit_test(test_parse_query),
        cmocka_unit_test(test_parse_responses),
        cmocka_unit_test(test_find_a),
        cmocka_unit_test(test_every_prefix),
        cmocka_unit_test(test_pointers),
        cmocka_unit_test(test_name_lengths),
        cmocka_unit_test(test_rdata_and_counts),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_fuzz_round_trip),
        cmocka_unit_test(test_describe_fixtures),
        cmocka_unit_test(test_describe_variants),
        cmocka_unit_test(test_describe_damaged),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
