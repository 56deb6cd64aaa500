/*
 * dns: RFC 1035 section 4 messages. Names are handled in two steps: the
 * bytes of a (possibly compressed) name are collected into an uncompressed
 * wire-form buffer of at most 255 bytes, which is then turned into text.
 *
 * Invariants of read_name: every byte is read only after checking it lies
 * below the current limit (the caller's end for the name's own bytes, the
 * message length after a pointer); a pointer must point below the start of
 * the stretch of labels it ends, so the starts strictly decrease and the loop
 * ends after at most len jumps; the collected name never exceeds 255 bytes.
 * Parse fills a local message and copies it out only on success.
 */
#include "wire/dns.h"
#include "util/text.h"

#include <string.h>

#include "wire/wire.h"

/* Header offsets and flag bits (RFC 1035 section 4.1.1). */
enum {
    OFF_ID = 0,
    OFF_FLAGS = 2,
    OFF_QDCOUNT = 4,
    OFF_ANCOUNT = 6,
    OFF_NSCOUNT = 8,
    OFF_ARCOUNT = 10,
};
enum {
    FLAG_QR = 0x8000,
    FLAG_AA = 0x0400,
    FLAG_TC = 0x0200,
    FLAG_RD = 0x0100,
    FLAG_RA = 0x0080,
    SHIFT_OPCODE = 11,
    SHIFT_Z = 4,
    MASK_OPCODE = 0x0f,
    MASK_Z = 0x07,
    MASK_RCODE = 0x0f,
};

/* A question's type and class; a record's type, class, TTL and RDLENGTH. */
enum { QUESTION_FIXED_LEN = 4, RR_FIXED_LEN = 10 };

/* The top two bits of a length byte (RFC 1035 section 4.1.4). */
enum {
    LABEL_KIND_MASK = 0xc0,
    LABEL_KIND_POINTER = 0xc0,
    POINTER_HIGH_MASK = 0x3f,
    POINTER_LEN = 2
};
#define POINTER_MAX_OFFSET 0x3fff

#define DNS_A_RDLENGTH 4

/* Label offsets emit remembers as pointer targets: plenty for the names of
 * one netsim message (later names are then simply written uncompressed). */
#define COMPRESS_TABLE_LEN 32

static bool label_byte_ok(uint8_t c) {
    return c >= 0x21 && c <= 0x7e && c != '.' && c != '\\';
}

/* Collects the name at buf[pos] into wire[0 .. *wire_len) (uncompressed, root
 * byte included) and sets *next to the byte after the name's own bytes.
 * Those own bytes must lie below `end`; after a pointer, reading may use all
 * of buf[0 .. len). */
static int read_name(const uint8_t *buf, size_t len, size_t pos, size_t end,
                     uint8_t wire[DNS_NAME_WIRE_MAX], size_t *wire_len, size_t *next) {
    size_t n = 0;
    size_t stretch_start = pos; /* pointers must point below this */
    size_t limit = end;
    bool jumped = false;
    for (;;) {
        if (pos >= limit)
            return WIRE_ERR_TRUNCATED;
        uint8_t b = buf[pos];
        if ((b & LABEL_KIND_MASK) == LABEL_KIND_POINTER) {
            if (limit - pos < POINTER_LEN)
                return WIRE_ERR_TRUNCATED;
            size_t target = (size_t)(b & POINTER_HIGH_MASK) << 8 | buf[pos + 1];
            if (target >= stretch_start || target < DNS_HEADER_LEN)
                return WIRE_ERR_MALFORMED;
            if (!jumped)
                *next = pos + POINTER_LEN;
            jumped = true;
            stretch_start = pos = target;
            limit = len;
            continue;
        }
        if ((b & LABEL_KIND_MASK) != 0)
            return WIRE_ERR_MALFORMED; /* 01 and 10 are reserved */
        if (b == 0) {
            wire[n++] = 0; /* fits: every label below left room for it */
            if (!jumped)
                *next = pos + 1;
            *wire_len = n;
            return WIRE_OK;
        }
        if (limit - pos - 1 < b)
            return WIRE_ERR_TRUNCATED;
        if (n + 1 + b + 1 > DNS_NAME_WIRE_MAX)
            return WIRE_ERR_MALFORMED;
        memcpy(wire + n, buf + pos, 1 + (size_t)b);
        n += 1 + (size_t)b;
        pos += 1 + (size_t)b;
    }
}

/* Turns a wire-form name (as read_name collects it) into text. */
static int wire_to_text(const uint8_t *wire, char text[DNS_NAME_TEXT_LEN]) {
    size_t t = 0;
    for (size_t i = 0; wire[i] != 0; i += 1 + (size_t)wire[i]) {
        if (t > 0)
            text[t++] = '.';
        for (size_t k = 1; k <= wire[i]; k++) {
            if (!label_byte_ok(wire[i + k]))
                return WIRE_ERR_UNSUPPORTED;
            text[t++] = (char)wire[i + k];
        }
    }
    text[t] = '\0';
    return WIRE_OK;
}

/* Reads a name at buf[*pos] (own bytes below `end`) as text; advances *pos. */
static int parse_name(const uint8_t *buf, size_t len, size_t *pos, size_t end,
                      char text[DNS_NAME_TEXT_LEN]) {
    uint8_t wire[DNS_NAME_WIRE_MAX];
    size_t wire_len, next;
    int err = read_name(buf, len, *pos, end, wire, &wire_len, &next);
    if (err != WIRE_OK)
        return err;
    err = wire_to_text(wire, text);
    if (err != WIRE_OK)
        return err;
    *pos = next;
    return WIRE_OK;
}

/* Parses the resource record at buf[*pos] (RFC 1035 section 4.1.3). */
static int parse_rr(const uint8_t *buf, size_t len, size_t *pos, dns_rr *rr) {
    size_t p = *pos;
    int err = parse_name(buf, len, &p, len, rr->name);
    if (err != WIRE_OK)
        return err;
    if (len - p < RR_FIXED_LEN)
        return WIRE_ERR_TRUNCATED;
    rr->type = wire_get16(buf + p);
    rr->rclass = wire_get16(buf + p + 2);
    rr->ttl = wire_get32(buf + p + 4);
    rr->rdlength = wire_get16(buf + p + 8);
    p += RR_FIXED_LEN;
    if (len - p < rr->rdlength)
        return WIRE_ERR_TRUNCATED;
    size_t rdata_end = p + rr->rdlength;
    rr->a = 0;
    rr->cname[0] = '\0';
    if (rr->type == DNS_TYPE_A) {
        if (rr->rdlength != DNS_A_RDLENGTH)
            return WIRE_ERR_MALFORMED;
        rr->a = wire_get32(buf + p);
    } else if (rr->type == DNS_TYPE_CNAME) {
        size_t q = p;
        err = parse_name(buf, len, &q, rdata_end, rr->cname);
        if (err == WIRE_ERR_TRUNCATED || (err == WIRE_OK && q != rdata_end))
            return WIRE_ERR_MALFORMED; /* the name and RDLENGTH disagree */
        if (err != WIRE_OK)
            return err;
    }
    *pos = rdata_end;
    return WIRE_OK;
}

int dns_parse(const uint8_t *buf, size_t len, dns_message *out) {
    if (len < DNS_HEADER_LEN)
        return WIRE_ERR_TRUNCATED;
    dns_message m;
    memset(&m, 0, sizeof m);
    m.id = wire_get16(buf + OFF_ID);
    uint16_t flags = wire_get16(buf + OFF_FLAGS);
    m.qr = (flags & FLAG_QR) != 0;
    m.opcode = (uint8_t)((flags >> SHIFT_OPCODE) & MASK_OPCODE);
    m.aa = (flags & FLAG_AA) != 0;
    m.tc = (flags & FLAG_TC) != 0;
    m.rd = (flags & FLAG_RD) != 0;
    m.ra = (flags & FLAG_RA) != 0;
    m.z = (uint8_t)((flags >> SHIFT_Z) & MASK_Z);
    m.rcode = (uint8_t)(flags & MASK_RCODE);
    m.qdcount = wire_get16(buf + OFF_QDCOUNT);
    m.ancount = wire_get16(buf + OFF_ANCOUNT);
    m.nscount = wire_get16(buf + OFF_NSCOUNT);
    m.arcount = wire_get16(buf + OFF_ARCOUNT);
    if (m.qdcount > DNS_MAX_QUESTIONS || m.ancount > DNS_MAX_ANSWERS)
        return WIRE_ERR_UNSUPPORTED;

    size_t pos = DNS_HEADER_LEN;
    for (size_t i = 0; i < m.qdcount; i++) {
        dns_question *q = &m.questions[i];
        int err = parse_name(buf, len, &pos, len, q->name);
        if (err != WIRE_OK)
            return err;
        if (len - pos < QUESTION_FIXED_LEN)
            return WIRE_ERR_TRUNCATED;
        q->type = wire_get16(buf + pos);
        q->qclass = wire_get16(buf + pos + 2);
        pos += QUESTION_FIXED_LEN;
    }
    for (size_t i = 0; i < m.ancount; i++) {
        int err = parse_rr(buf, len, &pos, &m.answers[i]);
        if (err != WIRE_OK)
            return err;
    }
    /* Authority and additional records (an EDNS OPT record, say): checked
     * and skipped. */
    size_t skip = (size_t)m.nscount + m.arcount;
    for (size_t i = 0; i < skip; i++) {
        dns_rr scratch;
        int err = parse_rr(buf, len, &pos, &scratch);
        if (err != WIRE_OK)
            return err;
    }
    *out = m;
    return WIRE_OK;
}

/* Converts a text name into wire form; WIRE_ERR_MALFORMED if it is not a
 * valid name (see dns.h). */
static int text_to_wire(const char *text, uint8_t wire[DNS_NAME_WIRE_MAX], size_t *wire_len) {
    size_t n = 0;
    const char *p = text;
    if (p[0] == '.' && p[1] == '\0')
        p++;
    while (*p != '\0') {
        size_t l = 0;
        while (p[l] != '\0' && p[l] != '.') {
            if (!label_byte_ok((uint8_t)p[l]))
                return WIRE_ERR_MALFORMED;
            l++;
        }
        if (l == 0 || l > DNS_LABEL_MAX || n + 1 + l + 1 > DNS_NAME_WIRE_MAX)
            return WIRE_ERR_MALFORMED;
        wire[n] = (uint8_t)l;
        memcpy(wire + n + 1, p, l);
        n += 1 + l;
        p += l;
        if (*p == '.')
            p++;
    }
    wire[n++] = 0;
    *wire_len = n;
    return WIRE_OK;
}

bool dns_name_is_valid(const char *name) {
    uint8_t wire[DNS_NAME_WIRE_MAX];
    size_t n;
    return text_to_wire(name, wire, &n) == WIRE_OK;
}

/* Emit state: the output, and the offsets of labels written uncompressed,
 * which later names may point to. */
typedef struct emitter {
    uint8_t *buf;
    size_t cap;
    size_t pos;
    uint16_t targets[COMPRESS_TABLE_LEN];
    size_t ntargets;
} emitter;

/* Whether the name at buf[off] (already written) equals wire[0 ..]. */
static bool name_at_equals(const emitter *e, size_t off, const uint8_t *wire, size_t wire_len) {
    uint8_t here[DNS_NAME_WIRE_MAX];
    size_t here_len, next;
    if (read_name(e->buf, e->pos, off, e->pos, here, &here_len, &next) != WIRE_OK)
        return false;
    return here_len == wire_len && memcmp(here, wire, wire_len) == 0;
}

static int emit_bytes(emitter *e, const void *bytes, size_t n) {
    if (e->cap - e->pos < n)
        return WIRE_ERR_TRUNCATED;
    memcpy(e->buf + e->pos, bytes, n);
    e->pos += n;
    return WIRE_OK;
}

/* Writes a name: its labels up to the longest suffix already in the message,
 * then a pointer to that suffix (or the root byte if there is none). */
static int emit_name(emitter *e, const char *text) {
    uint8_t wire[DNS_NAME_WIRE_MAX];
    size_t wire_len;
    if (text_to_wire(text, wire, &wire_len) != WIRE_OK)
        return WIRE_ERR_MALFORMED;
    size_t split = wire_len - 1; /* where the pointer goes; the root by default */
    size_t target = 0;
    for (size_t k = 0; wire[k] != 0 && split == wire_len - 1; k += 1 + (size_t)wire[k]) {
        for (size_t t = 0; t < e->ntargets; t++) {
            if (name_at_equals(e, e->targets[t], wire + k, wire_len - k)) {
                split = k;
                target = e->targets[t];
                break;
            }
        }
    }
    size_t start = e->pos;
    int err = emit_bytes(e, wire, split);
    if (err != WIRE_OK)
        return err;
    for (size_t k = 0; k < split; k += 1 + (size_t)wire[k])
        if (start + k <= POINTER_MAX_OFFSET && e->ntargets < COMPRESS_TABLE_LEN)
            e->targets[e->ntargets++] = (uint16_t)(start + k);
    if (split == wire_len - 1)
        return emit_bytes(e, wire + split, 1);
    uint8_t ptr[POINTER_LEN];
    wire_put16(ptr, (uint16_t)(LABEL_KIND_POINTER << 8 | target));
    return emit_bytes(e, ptr, POINTER_LEN);
}

static int emit_rr(emitter *e, const dns_rr *rr) {
    if (rr->type != DNS_TYPE_A && rr->type != DNS_TYPE_CNAME)
        return WIRE_ERR_UNSUPPORTED;
    int err = emit_name(e, rr->name);
    if (err != WIRE_OK)
        return err;
    uint8_t fixed[RR_FIXED_LEN];
    wire_put16(fixed, rr->type);
    wire_put16(fixed + 2, rr->rclass);
    wire_put32(fixed + 4, rr->ttl);
    wire_put16(fixed + 8, 0); /* RDLENGTH, filled in below */
    err = emit_bytes(e, fixed, sizeof fixed);
    if (err != WIRE_OK)
        return err;
    size_t rdata = e->pos;
    if (rr->type == DNS_TYPE_A) {
        uint8_t a[DNS_A_RDLENGTH];
        wire_put32(a, rr->a);
        err = emit_bytes(e, a, sizeof a);
    } else {
        err = emit_name(e, rr->cname);
    }
    if (err != WIRE_OK)
        return err;
    wire_put16(e->buf + rdata - 2, (uint16_t)(e->pos - rdata));
    return WIRE_OK;
}

int dns_emit(const dns_message *msg, uint8_t *buf, size_t cap) {
    if (msg->qdcount > DNS_MAX_QUESTIONS || msg->ancount > DNS_MAX_ANSWERS ||
        msg->opcode > MASK_OPCODE || msg->z > MASK_Z || msg->rcode > MASK_RCODE)
        return WIRE_ERR_MALFORMED;
    emitter e = {.buf = buf, .cap = cap, .pos = 0, .ntargets = 0};
    uint8_t header[DNS_HEADER_LEN];
    uint16_t flags = (uint16_t)(msg->opcode << SHIFT_OPCODE | msg->z << SHIFT_Z | msg->rcode);
    flags |= msg->qr ? FLAG_QR : 0;
    flags |= msg->aa ? FLAG_AA : 0;
    flags |= msg->tc ? FLAG_TC : 0;
    flags |= msg->rd ? FLAG_RD : 0;
    flags |= msg->ra ? FLAG_RA : 0;
    wire_put16(header + OFF_ID, msg->id);
    wire_put16(header + OFF_FLAGS, flags);
    wire_put16(header + OFF_QDCOUNT, msg->qdcount);
    wire_put16(header + OFF_ANCOUNT, msg->ancount);
    wire_put16(header + OFF_NSCOUNT, 0);
    wire_put16(header + OFF_ARCOUNT, 0);
    int err = emit_bytes(&e, header, sizeof header);
    for (size_t i = 0; err == WIRE_OK && i < msg->qdcount; i++) {
        const dns_question *q = &msg->questions[i];
        err = emit_name(&e, q->name);
        if (err == WIRE_OK) {
            uint8_t fixed[QUESTION_FIXED_LEN];
            wire_put16(fixed, q->type);
            wire_put16(fixed + 2, q->qclass);
            err = emit_bytes(&e, fixed, sizeof fixed);
        }
    }
    for (size_t i = 0; err == WIRE_OK && i < msg->ancount; i++)
        err = emit_rr(&e, &msg->answers[i]);
    return err == WIRE_OK ? (int)e.pos : err;
}

/* Copies a valid name into a text field, without a trailing dot. */
static int copy_name(char dst[DNS_NAME_TEXT_LEN], const char *name) {
    if (!dns_name_is_valid(name))
        return WIRE_ERR_MALFORMED;
    size_t n = strlen(name);
    if (n > 0 && name[n - 1] == '.')
        n--;
    memcpy(dst, name, n);
    dst[n] = '\0';
    return WIRE_OK;
}

int dns_query_init(dns_message *m, uint16_t id, const char *name, uint16_t type) {
    if (!dns_name_is_valid(name))
        return WIRE_ERR_MALFORMED;
    memset(m, 0, sizeof *m);
    m->id = id;
    m->opcode = DNS_OPCODE_QUERY;
    m->rd = true;
    m->qdcount = 1;
    copy_name(m->questions[0].name, name);
    m->questions[0].type = type;
    m->questions[0].qclass = DNS_CLASS_IN;
    return WIRE_OK;
}

int dns_response_init(dns_message *resp, const dns_message *query, uint8_t rcode) {
    if (rcode > MASK_RCODE || query->qdcount > DNS_MAX_QUESTIONS)
        return WIRE_ERR_MALFORMED;
    if (resp != query) {
        resp->id = query->id;
        resp->opcode = query->opcode;
        resp->rd = query->rd;
        resp->qdcount = query->qdcount;
        memcpy(resp->questions, query->questions, sizeof resp->questions);
    }
    resp->qr = true;
    resp->aa = true;
    resp->tc = false;
    resp->ra = true;
    resp->z = 0;
    resp->rcode = rcode;
    resp->ancount = resp->nscount = resp->arcount = 0;
    return WIRE_OK;
}

/* The next free answer with name, type, class IN and ttl set, or NULL. */
static int add_answer(dns_message *m, const char *name, uint16_t type, uint32_t ttl, dns_rr **out) {
    if (m->ancount >= DNS_MAX_ANSWERS)
        return WIRE_ERR_UNSUPPORTED;
    dns_rr *rr = &m->answers[m->ancount];
    memset(rr, 0, sizeof *rr);
    int err = copy_name(rr->name, name);
    if (err != WIRE_OK)
        return err;
    rr->type = type;
    rr->rclass = DNS_CLASS_IN;
    rr->ttl = ttl;
    *out = rr;
    return WIRE_OK;
}

int dns_add_a(dns_message *m, const char *name, ipv4_addr addr, uint32_t ttl) {
    dns_rr *rr;
    int err = add_answer(m, name, DNS_TYPE_A, ttl, &rr);
    if (err != WIRE_OK)
        return err;
    rr->rdlength = DNS_A_RDLENGTH;
    rr->a = addr;
    m->ancount++;
    return WIRE_OK;
}

int dns_add_cname(dns_message *m, const char *name, const char *target, uint32_t ttl) {
    if (!dns_name_is_valid(target))
        return WIRE_ERR_MALFORMED;
    dns_rr *rr;
    int err = add_answer(m, name, DNS_TYPE_CNAME, ttl, &rr);
    if (err != WIRE_OK)
        return err;
    copy_name(rr->cname, target);
    m->ancount++;
    return WIRE_OK;
}

bool dns_find_a(const dns_message *m, ipv4_addr *out) {
    if (m->qdcount == 0)
        return false;
    size_t count = m->ancount < DNS_MAX_ANSWERS ? m->ancount : DNS_MAX_ANSWERS;
    const char *want = m->questions[0].name;
    /* Each round either finds the address or follows one CNAME; a chain
     * longer than the answers is a loop. */
    for (size_t round = 0; round <= count; round++) {
        const char *alias = NULL;
        for (size_t i = 0; i < count; i++) {
            const dns_rr *rr = &m->answers[i];
            if (rr->rclass != DNS_CLASS_IN || !text_equal_nocase(rr->name, want))
                continue;
            if (rr->type == DNS_TYPE_A) {
                *out = rr->a;
                return true;
            }
            if (rr->type == DNS_TYPE_CNAME && alias == NULL)
                alias = rr->cname;
        }
        if (alias == NULL)
            return false;
        want = alias;
    }
    return false;
}

const char *dns_type_name(uint16_t type) {
    switch (type) {
    case DNS_TYPE_A:
        return "A";
    case DNS_TYPE_NS:
        return "NS";
    case DNS_TYPE_CNAME:
        return "CNAME";
    case DNS_TYPE_SOA:
        return "SOA";
    case DNS_TYPE_PTR:
        return "PTR";
    case DNS_TYPE_MX:
        return "MX";
    case DNS_TYPE_TXT:
        return "TXT";
    case DNS_TYPE_AAAA:
        return "AAAA";
    case DNS_TYPE_OPT:
        return "OPT";
    default:
        return NULL;
    }
}

const char *dns_rcode_name(uint8_t rcode) {
    static const char *const names[] = {"NOERROR",  "FORMERR", "SERVFAIL",
                                        "NXDOMAIN", "NOTIMP",  "REFUSED"};
    return rcode < sizeof names / sizeof names[0] ? names[rcode] : NULL;
}
