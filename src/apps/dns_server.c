/*
 * dns_server: parse, answer (dns_server_answer, pure), log, reply. Records
 * are searched in file order, so with few records a linear scan is the
 * simplest thing that is also deterministic.
 */
#include "apps/dns_server.h"
#include "util/alloc.h"

#include <stdlib.h>
#include <string.h>

#include "apps/app.h"
#include "stack/udp.h"
#include "util/text.h"
#include "wire/wire.h"

#define DNS_CLASS_ANY 255 /* QCLASS * (RFC 1035 3.2.5) */
#define DNS_TYPE_ANY  255 /* QTYPE * */

struct dns_server {
    ip_stack *st;
    const model_dns_server *zone;
    udp_socket *sock;
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

static void dns_server_on_datagram(void *ctx, udp_socket *s, ipv4_addr src, uint16_t src_port,
                                   const uint8_t *data, size_t len) {
    dns_server *srv = ctx;
    dns_message q, resp;
    char a[IPV4_TEXT_LEN], type_buf[12];
    if (dns_parse(data, len, &q) != WIRE_OK)
        return; /* dnsmasq drops what it cannot parse as well */
    if (!dns_server_answer(srv->zone, &q, &resp))
        return;
    if (q.qdcount >= 1) {
        const dns_question *qq = &q.questions[0];
        const char *type = dns_type_name(qq->type);
        if (!type) {
            snprintf(type_buf, sizeof type_buf, "type=%u", qq->type);
            type = type_buf;
        }
        app_say(srv->st, "query[%s] %s from %s", type, qq->name, ipv4_format(src, a));
        if (resp.rcode == DNS_RCODE_NOERROR && resp.ancount)
            app_say(srv->st, "config %s is %s", qq->name, ipv4_format(resp.answers[0].a, a));
        else if (resp.rcode == DNS_RCODE_NOERROR)
            app_say(srv->st, "config %s is NODATA", qq->name);
        else
            app_say(srv->st, "config %s is %s", qq->name, dns_rcode_name(resp.rcode));
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
        app_say(srv->st, "dns server: bind UDP port 53: Address already in use");
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
    free(s);
}
