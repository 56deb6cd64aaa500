/*
 * resolver: a stub resolver as glibc's getaddrinfo() runs one (resolv.conf
 * defaults "timeout:5 attempts:2"): an A query for the name to the host's DNS
 * server, UDP port 53, from a fresh ephemeral port with a random query id;
 * the same query again after 5 s without an answer; failure after the second
 * timeout. An answer counts only if it comes from the server's address and
 * port 53 and carries the query's id and question (RFC 5452 section 9.1).
 * The notes' "phone book": a name goes in, an address comes out.
 */
#ifndef NETSIM_APPS_RESOLVER_H
#define NETSIM_APPS_RESOLVER_H

#include "stack/ip_stack.h"

typedef enum {
    RESOLVE_OK,
    RESOLVE_NONAME, /* NXDOMAIN: EAI_NONAME */
    RESOLVE_NODATA, /* the name exists without an A record: EAI_NODATA */
    RESOLVE_AGAIN,  /* no answer, no server, SERVFAIL...: EAI_AGAIN */
} resolve_status;

/* What gai_strerror() says: "Name or service not known", "No address
 * associated with hostname", "Temporary failure in name resolution". */
const char *resolve_strerror(resolve_status s);

/* The same as the "dns" result names it: "no_such_name" (NXDOMAIN),
 * "no_address" (no A record), "temporary_failure"; "ok" for RESOLVE_OK. */
const char *resolve_errname(resolve_status s);

typedef void (*resolver_fn)(void *ctx, resolve_status status, ipv4_addr addr);

typedef struct resolver resolver;

/* A resolver on `st` (borrowed). It must live as long as the device (its
 * ICMP listener keeps pointing at it): free it with the program that owns
 * it. */
resolver *resolver_new(ip_stack *st);

/* NULL is a no-op. */
void resolver_free(resolver *r);

/* Looks `name` (copied) up at `server` (0: no server known, which fails at
 * once with RESOLVE_AGAIN, as getaddrinfo does without a nameserver). Calls
 * fn exactly once, later or from inside this call. One look-up at a time. */
void resolver_lookup(resolver *r, ipv4_addr server, const char *name, resolver_fn fn, void *ctx);

#endif
