/*
 * dhcp: RFC 2131 section 2 messages with RFC 2132 options. Every read is
 * checked against len before it happens; parse fills a local message and
 * copies it out only when the whole option list has been walked, so *out is
 * untouched on error. Emit computes the full length first and writes nothing
 * unless it fits.
 */
#include "wire/dhcp.h"

#include <string.h>

#include "wire/wire.h"

/* Offsets of the fixed part (RFC 2131 section 2, figure 1). */
enum {
    OFF_OP = 0,
    OFF_HTYPE = 1,
    OFF_HLEN = 2,
    OFF_HOPS = 3,
    OFF_XID = 4,
    OFF_SECS = 8,
    OFF_FLAGS = 10,
    OFF_CIADDR = 12,
    OFF_YIADDR = 16,
    OFF_SIADDR = 20,
    OFF_GIADDR = 24,
    OFF_CHADDR = 28, /* 16 bytes: the MAC, then zeros */
    OFF_SNAME = 44,  /* 64 bytes */
    OFF_FILE = 108,  /* 128 bytes */
    OFF_COOKIE = DHCP_FIXED_LEN,
    OFF_OPTIONS = DHCP_FIXED_LEN + DHCP_COOKIE_LEN,
};

enum { HTYPE_ETHERNET = 1, HLEN_ETHERNET = 6, OPT_HEADER_LEN = 2 };

static const uint8_t COOKIE[DHCP_COOKIE_LEN] = {99, 130, 83, 99};

/* Applies one option (code, data[0 .. n)) to m. Unknown codes are ignored. */
static int apply_option(uint8_t code, const uint8_t *data, uint8_t n, dhcp_message *m) {
    switch (code) {
    case DHCP_OPT_MESSAGE_TYPE:
        if (n != 1)
            return WIRE_ERR_MALFORMED;
        m->message_type = data[0];
        return WIRE_OK;
    case DHCP_OPT_SUBNET_MASK:
    case DHCP_OPT_REQUESTED_IP:
    case DHCP_OPT_LEASE_TIME:
    case DHCP_OPT_SERVER_ID: {
        if (n != 4)
            return WIRE_ERR_MALFORMED;
        uint32_t v = wire_get32(data);
        if (code == DHCP_OPT_SUBNET_MASK)
            m->subnet_mask = v;
        else if (code == DHCP_OPT_REQUESTED_IP)
            m->requested_ip = v;
        else if (code == DHCP_OPT_LEASE_TIME)
            m->lease_time = v;
        else
            m->server_id = v;
        return WIRE_OK;
    }
    case DHCP_OPT_ROUTER:
        if (n == 0 || n % 4 != 0)
            return WIRE_ERR_MALFORMED;
        m->router = wire_get32(data);
        return WIRE_OK;
    case DHCP_OPT_DNS:
        if (n == 0 || n % 4 != 0)
            return WIRE_ERR_MALFORMED;
        m->dns_count = 0;
        for (size_t i = 0; i < n / 4u && i < DHCP_MAX_DNS_SERVERS; i++)
            m->dns_servers[m->dns_count++] = wire_get32(data + 4 * i);
        return WIRE_OK;
    case DHCP_OPT_OVERLOAD:
        /* The rest of the options would be in sname/file, which netsim
         * does not read (RFC 2131 section 4.1). */
        return WIRE_ERR_UNSUPPORTED;
    default:
        return WIRE_OK;
    }
}

int dhcp_parse(const uint8_t *buf, size_t len, dhcp_message *out) {
    if (len < OFF_OPTIONS)
        return WIRE_ERR_TRUNCATED;
    uint8_t op = buf[OFF_OP];
    if (op != BOOTP_OP_REQUEST && op != BOOTP_OP_REPLY)
        return WIRE_ERR_MALFORMED;
    if (buf[OFF_HTYPE] != HTYPE_ETHERNET || buf[OFF_HLEN] != HLEN_ETHERNET)
        return WIRE_ERR_UNSUPPORTED;
    if (memcmp(buf + OFF_COOKIE, COOKIE, DHCP_COOKIE_LEN) != 0)
        return WIRE_ERR_UNSUPPORTED;

    dhcp_message m;
    memset(&m, 0, sizeof m);
    m.op = op;
    m.hops = buf[OFF_HOPS];
    m.xid = wire_get32(buf + OFF_XID);
    m.secs = wire_get16(buf + OFF_SECS);
    m.broadcast = (wire_get16(buf + OFF_FLAGS) & DHCP_FLAG_BROADCAST) != 0;
    m.ciaddr = wire_get32(buf + OFF_CIADDR);
    m.yiaddr = wire_get32(buf + OFF_YIADDR);
    m.siaddr = wire_get32(buf + OFF_SIADDR);
    m.giaddr = wire_get32(buf + OFF_GIADDR);
    memcpy(m.chaddr.b, buf + OFF_CHADDR, sizeof m.chaddr.b);

    /* RFC 2132 section 2: Pad and End are single bytes; every other option
     * is code, length, then that many bytes. */
    size_t pos = OFF_OPTIONS;
    for (;;) {
        if (pos >= len)
            return WIRE_ERR_TRUNCATED; /* no End */
        uint8_t code = buf[pos];
        if (code == DHCP_OPT_END)
            break;
        if (code == DHCP_OPT_PAD) {
            pos++;
            continue;
        }
        if (len - pos < OPT_HEADER_LEN)
            return WIRE_ERR_TRUNCATED;
        uint8_t n = buf[pos + 1];
        if (len - pos - OPT_HEADER_LEN < n)
            return WIRE_ERR_TRUNCATED;
        int err = apply_option(code, buf + pos + OPT_HEADER_LEN, n, &m);
        if (err != WIRE_OK)
            return err;
        pos += OPT_HEADER_LEN + (size_t)n;
    }
    *out = m;
    return WIRE_OK;
}

/* Bytes of the options that are present, End excluded. */
static size_t options_len(const dhcp_message *m) {
    size_t n = 0;
    if (m->message_type != 0)
        n += OPT_HEADER_LEN + 1;
    if (m->server_id != 0)
        n += OPT_HEADER_LEN + 4;
    if (m->requested_ip != 0)
        n += OPT_HEADER_LEN + 4;
    if (m->lease_time != 0)
        n += OPT_HEADER_LEN + 4;
    if (m->subnet_mask != 0)
        n += OPT_HEADER_LEN + 4;
    if (m->router != 0)
        n += OPT_HEADER_LEN + 4;
    if (m->dns_count != 0)
        n += OPT_HEADER_LEN + 4u * m->dns_count;
    return n;
}

size_t dhcp_buffer_len(const dhcp_message *msg) {
    size_t n = OFF_OPTIONS + options_len(msg) + 1;
    return n < DHCP_BOOTP_LEN ? DHCP_BOOTP_LEN : n;
}

/* Writes a 4-byte option at buf; returns the bytes written. */
static size_t put_option32(uint8_t *buf, uint8_t code, uint32_t v) {
    buf[0] = code;
    buf[1] = 4;
    wire_put32(buf + OPT_HEADER_LEN, v);
    return OPT_HEADER_LEN + 4;
}

int dhcp_emit(const dhcp_message *msg, uint8_t *buf, size_t cap) {
    if (msg->dns_count > DHCP_MAX_DNS_SERVERS)
        return WIRE_ERR_MALFORMED;
    size_t total = dhcp_buffer_len(msg);
    if (cap < total)
        return WIRE_ERR_TRUNCATED;
    memset(buf, 0, total); /* sname, file, chaddr's tail, padding */
    buf[OFF_OP] = msg->op;
    buf[OFF_HTYPE] = HTYPE_ETHERNET;
    buf[OFF_HLEN] = HLEN_ETHERNET;
    buf[OFF_HOPS] = msg->hops;
    wire_put32(buf + OFF_XID, msg->xid);
    wire_put16(buf + OFF_SECS, msg->secs);
    wire_put16(buf + OFF_FLAGS, msg->broadcast ? DHCP_FLAG_BROADCAST : 0);
    wire_put32(buf + OFF_CIADDR, msg->ciaddr);
    wire_put32(buf + OFF_YIADDR, msg->yiaddr);
    wire_put32(buf + OFF_SIADDR, msg->siaddr);
    wire_put32(buf + OFF_GIADDR, msg->giaddr);
    memcpy(buf + OFF_CHADDR, msg->chaddr.b, sizeof msg->chaddr.b);
    memcpy(buf + OFF_COOKIE, COOKIE, DHCP_COOKIE_LEN);

    /* Message type and server identifier first, then the rest, in the
     * relative order dnsmasq uses. */
    size_t pos = OFF_OPTIONS;
    if (msg->message_type != 0) {
        buf[pos] = DHCP_OPT_MESSAGE_TYPE;
        buf[pos + 1] = 1;
        buf[pos + 2] = msg->message_type;
        pos += OPT_HEADER_LEN + 1;
    }
    if (msg->server_id != 0)
        pos += put_option32(buf + pos, DHCP_OPT_SERVER_ID, msg->server_id);
    if (msg->requested_ip != 0)
        pos += put_option32(buf + pos, DHCP_OPT_REQUESTED_IP, msg->requested_ip);
    if (msg->lease_time != 0)
        pos += put_option32(buf + pos, DHCP_OPT_LEASE_TIME, msg->lease_time);
    if (msg->subnet_mask != 0)
        pos += put_option32(buf + pos, DHCP_OPT_SUBNET_MASK, msg->subnet_mask);
    if (msg->router != 0)
        pos += put_option32(buf + pos, DHCP_OPT_ROUTER, msg->router);
    if (msg->dns_count != 0) {
        buf[pos] = DHCP_OPT_DNS;
        buf[pos + 1] = (uint8_t)(4u * msg->dns_count);
        pos += OPT_HEADER_LEN;
        for (size_t i = 0; i < msg->dns_count; i++, pos += 4)
            wire_put32(buf + pos, msg->dns_servers[i]);
    }
    buf[pos] = DHCP_OPT_END;
    return (int)total;
}

const char *dhcp_message_type_name(uint8_t type) {
    switch (type) {
    case DHCP_DISCOVER:
        return "Discover";
    case DHCP_OFFER:
        return "Offer";
    case DHCP_REQUEST:
        return "Request";
    case DHCP_DECLINE:
        return "Decline";
    case DHCP_ACK:
        return "ACK";
    case DHCP_NAK:
        return "NAK";
    case DHCP_RELEASE:
        return "Release";
    case DHCP_INFORM:
        return "Inform";
    default:
        return "unknown";
    }
}
