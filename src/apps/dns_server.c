/*
 * dns_server: parse, answer (dns_server_answer, pure) or forward
 * (dns_server_forwards, pure), log, reply. Records are searched in file
 * order, so with few records a linear scan is the simplest thing that is
 * also deterministic.
 *
 * Invariants of the forwarder: each query in flight upstream is one
 * `dns_forward` on the server's list, holding its own socket (a fresh port)
 * and its timer; both are gone, and the entry freed, when the answer is
 * relayed or the timer fires.
 */
#include "apps/dns_server.h"
#include "util/alloc.h"

#include <stdlib.h>
#include <string.h>

#include "apps/app.h"
#include "stack/udp.h"
#include "util/i18n.h"
#include "util/text.h"
#include "wire/wire.h"

#define DNS_CLASS_ANY 255 /* QCLASS * (RFC 1035 3.2.5) */
#define DNS_TYPE_ANY  255 /* QTYPE * */

/* dnsmasq forgets a forwarded query after TIMEOUT (10 s, src/config.h);
 * the client's own resolver has asked again by then. */
#define DNS_FORWARD_TIMEOUT (10 * SIM_S)

typedef struct dns_forward dns_forward;

struct dns_server {
    ip_stack *st;
    const model_dns_server *zone;
    udp_socket *sock;
    dns_forward *forwards; /* queries in flight upstream, newest first */
};

/* One query forwarded upstream, under a new id from a new port (as dnsmasq
 * sends them, RFC 5452 section 9.2), waiting for the answer to relay. */
struct dns_forward {
    dns_server *srv;
    dns_forward *next;
    udp_socket *sock;
    sim_event_id timer;
    uint16_t id;        /* the id sent upstream */
    uint16_t client_id; /* the client's id, put back in the answer */
    ipv4_addr client;
    uint16_t client_port;
    char name[DNS_NAME_TEXT_LEN];
};

static const model_dns_record *dns_server_find(const model_dns_server *zone, const char *name) {
    for (size_t i = 0; i < zone->n_records; i++)
        if (text_equal_nocase(zone->records[i].name, name))
            return &zone->records[i];
    return NULL;
}

bool dns_server_answer(const model_dns_server *zone, const dns_message *query, dns_message *resp) {
    if (query->qr)
        return false;
    if (query->qdcount != 1) {
        dns_response_init(resp, query, DNS_RCODE_FORMERR);
        return true;
    }
    if (query->opcode != DNS_OPCODE_QUERY) {
        dns_response_init(resp, query, DNS_RCODE_NOTIMP);
        return true;
    }
    const dns_question *q = &query->questions[0];
    if (q->qclass != DNS_CLASS_IN && q->qclass != DNS_CLASS_ANY) {
        dns_response_init(resp, query, DNS_RCODE_REFUSED);
        return true;
    }
    const model_dns_record *r = dns_server_find(zone, q->name);
    if (!r) {
        dns_response_init(resp, query, DNS_RCODE_NXDOMAIN);
        return true;
    }
    dns_response_init(resp, query, DNS_RCODE_NOERROR);
    if (q->type == DNS_TYPE_A || q->type == DNS_TYPE_ANY)
        dns_add_a(resp, q->name, r->addr, zone->ttl); /* the name as asked, like real servers */
    return true;
}

bool dns_server_forwards(const model_dns_server *zone, const dns_message *query) {
    return zone->has_upstream && !query->qr && query->qdcount == 1 &&
           query->opcode == DNS_OPCODE_QUERY && !dns_server_find(zone, query->questions[0].name);
}

/* "query[A] www.example.com from 192.168.1.100", as dnsmasq logs it. */
static void dns_server_log_query(dns_server *srv, const dns_question *qq, ipv4_addr src) {
    char a[IPV4_TEXT_LEN], type_buf[12];
    const char *type = dns_type_name(qq->type);
    if (!type) {
        snprintf(type_buf, sizeof type_buf, "type=%u", qq->type);
        type = type_buf;
    }
    app_say(srv->st, _("query[%s] %s from %s"), type, qq->name, ipv4_format(src, a));
}

static void dns_forward_free(dns_forward *fw) {
    dns_server *srv = fw->srv;
    dns_forward **pp = &srv->forwards;
    while (*pp != fw)
        pp = &(*pp)->next;
    *pp = fw->next;
    sim_cancel(srv->st->node->net->sim, fw->timer);
    udp_close(fw->sock);
    free(fw);
}

static void dns_forward_on_timeout(sim *s, void *a, void *b) {
    (void)s;
    (void)b;
    dns_forward *fw = a;
    fw->timer = 0;
    dns_forward_free(fw); /* no answer: forgotten, as dnsmasq does */
}

/* The upstream server's answer: relayed to the client with the client's id
 * (the rest of the message as it came), logged as dnsmasq does ("reply
 * www.example.com is 93.184.216.34"). Anything else on the port is ignored
 * (RFC 5452 section 9.1: source, port, id and question must match). */
static void dns_forward_on_answer(void *ctx, udp_socket *s, ipv4_addr src, uint16_t src_port,
                                  const uint8_t *data, size_t len) {
    (void)s;
    dns_forward *fw = ctx;
    dns_server *srv = fw->srv;
    dns_message m;
    char a[IPV4_TEXT_LEN];
    if (src != srv->zone->upstream || src_port != DNS_PORT || dns_parse(data, len, &m) != WIRE_OK ||
        !m.qr || m.id != fw->id || m.qdcount != 1 ||
        !text_equal_nocase(m.questions[0].name, fw->name))
        return;
    ipv4_addr addr = 0;
    if (m.rcode != DNS_RCODE_NOERROR)
        app_say(srv->st, _("reply %s is %s"), fw->name, dns_rcode_name(m.rcode));
    else if (dns_find_a(&m, &addr))
        app_say(srv->st, _("reply %s is %s"), fw->name, ipv4_format(addr, a));
    else
        app_say(srv->st, _("reply %s is NODATA"), fw->name);
    uint8_t buf[512]; /* RFC 1035 4.2.1: UDP messages are at most 512 bytes */
    if (len <= sizeof buf && srv->sock) {
        memcpy(buf, data, len);
        wire_put16(buf, fw->client_id); /* the id is the header's first field */
        udp_sendto(srv->sock, fw->client, fw->client_port, buf, len);
    }
    dns_forward_free(fw);
}

/* Sends the client's query on upstream from a fresh port under a fresh id,
 * the rest of it as it came: "forwarded www.example.com to 93.184.216.53". */
static void dns_server_forward(dns_server *srv, const dns_message *q, ipv4_addr src,
                               uint16_t src_port, const uint8_t *data, size_t len) {
    char a[IPV4_TEXT_LEN];
    uint8_t buf[512];
    if (len > sizeof buf)
        return;
    dns_forward *fw = calloc(1, sizeof *fw);
    if (!fw)
        ns_out_of_memory();
    fw->srv = srv;
    fw->client_id = q->id;
    fw->client = src;
    fw->client_port = src_port;
    snprintf(fw->name, sizeof fw->name, "%s", q->questions[0].name);
    fw->next = srv->forwards;
    srv->forwards = fw;
    if (udp_bind(srv->st, 0, dns_forward_on_answer, fw, &fw->sock) != 0) {
        dns_forward_free(fw); /* no free port: traced by the stack; the client asks again */
        return;
    }
    fw->id = (uint16_t)rng_below(sim_rng(srv->st->node->net->sim), 65536);
    memcpy(buf, data, len);
    wire_put16(buf, fw->id);
    app_say(srv->st, _("forwarded %s to %s"), fw->name, ipv4_format(srv->zone->upstream, a));
    fw->timer = sim_schedule(srv->st->node->net->sim, DNS_FORWARD_TIMEOUT, dns_forward_on_timeout,
                             fw, NULL, NULL);
    if (udp_sendto(fw->sock, srv->zone->upstream, DNS_PORT, buf, len) != 0)
        dns_forward_free(fw); /* no route: the stack traced why */
}

static void dns_server_on_datagram(void *ctx, udp_socket *s, ipv4_addr src, uint16_t src_port,
                                   const uint8_t *data, size_t len) {
    dns_server *srv = ctx;
    dns_message q, resp;
    char a[IPV4_TEXT_LEN];
    if (dns_parse(data, len, &q) != WIRE_OK)
        return; /* dnsmasq drops what it cannot parse as well */
    if (dns_server_forwards(srv->zone, &q)) {
        dns_server_log_query(srv, &q.questions[0], src);
        dns_server_forward(srv, &q, src, src_port, data, len);
        return;
    }
    if (!dns_server_answer(srv->zone, &q, &resp))
        return;
    if (q.qdcount >= 1) {
        const dns_question *qq = &q.questions[0];
        dns_server_log_query(srv, qq, src);
        if (resp.rcode == DNS_RCODE_NOERROR && resp.ancount)
            app_say(srv->st, _("config %s is %s"), qq->name, ipv4_format(resp.answers[0].a, a));
        else if (resp.rcode == DNS_RCODE_NOERROR)
            app_say(srv->st, _("config %s is NODATA"), qq->name);
        else
            app_say(srv->st, _("config %s is %s"), qq->name, dns_rcode_name(resp.rcode));
    }
    uint8_t buf[512]; /* RFC 1035 4.2.1: UDP messages are at most 512 bytes */
    int n = dns_emit(&resp, buf, sizeof buf);
    if (n > 0)
        udp_sendto(s, src, src_port, buf, (size_t)n);
}

static void dns_server_start(sim *s, void *a, void *b) {
    (void)s;
    (void)b;
    dns_server *srv = a;
    if (udp_bind(srv->st, DNS_PORT, dns_server_on_datagram, srv, &srv->sock) != 0)
        app_say(srv->st, _("dns server: bind UDP port 53: Address already in use"));
}

dns_server *dns_server_new(ip_stack *st, const model_dns_server *zone, sim_time at) {
    dns_server *srv = calloc(1, sizeof *srv);
    if (!srv)
        ns_out_of_memory();
    srv->st = st;
    srv->zone = zone;
    sim_schedule_at(st->node->net->sim, at, dns_server_start, srv, NULL, NULL);
    return srv;
}

void dns_server_free(void *s) {
    dns_server *srv = s;
    if (!srv)
        return;
    /* Their sockets are the stack's, freed with it; their timers never
     * outlive the run. */
    for (dns_forward *fw = srv->forwards, *next; fw; fw = next) {
        next = fw->next;
        free(fw);
    }
    free(srv);
}
