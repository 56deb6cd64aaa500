/*
 * dns_server: an authoritative DNS server for the names of its records
 * (RFC 1035 sections 4.3.1-4.3.2, for one flat zone), the notes' "phone
 * book". It answers A queries on UDP port 53, logging as dnsmasq does with
 * log-queries ("query[A] www.example.com from 10.0.0.10", "config
 * www.example.com is 93.184.216.34"): NXDOMAIN for a name it does not know,
 * NOERROR without answers (NODATA) for a known name asked another type.
 *
 * With an upstream server it is also a forwarder, as dnsmasq on a home
 * router: a name it has no record of is asked upstream, from a fresh port
 * of its own under a fresh query id (RFC 5452 section 9.2), and the answer
 * is relayed to the client with the client's id ("forwarded www.example.com
 * to 93.184.216.53", "reply www.example.com is 93.184.216.34"). A query
 * unanswered for 10 s is forgotten (the client's resolver asks again).
 */
#ifndef NETSIM_APPS_DNS_SERVER_H
#define NETSIM_APPS_DNS_SERVER_H

#include <stdbool.h>

#include "model/topology.h"
#include "stack/ip_stack.h"
#include "wire/dns.h"

/* The answer to `query` from `zone` (both borrowed) into *resp (which may
 * not be query). Returns false when no answer is due (the message is itself
 * a response). Otherwise resp has the query's id, question and RD, AA set:
 * FORMERR unless there is exactly one question, NOTIMP for an opcode other
 * than QUERY, REFUSED for a class other than IN (or ANY), NXDOMAIN for an
 * unknown name, else NOERROR with the A record when the type is A (or ANY).
 * Names compare without regard to ASCII case (RFC 4343). */
bool dns_server_answer(const model_dns_server *zone, const dns_message *query, dns_message *resp);

/* Whether `query` goes upstream: the zone has an upstream server, and the
 * query is one standard question about a name without a record here. */
bool dns_server_forwards(const model_dns_server *zone, const dns_message *query);

#define DNS_SERVER_DEFAULT_TTL 300 /* seconds: the TTL of its answers */

typedef struct dns_server dns_server;

/* A server on `st` per `zone` (borrowed from the model), binding UDP port 53
 * at `at`. Caller frees with dns_server_free (void* for device app lists). */
dns_server *dns_server_new(ip_stack *st, const model_dns_server *zone, sim_time at);
void dns_server_free(void *s);

#endif
