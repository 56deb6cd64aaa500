/*
 * reader/services: the services of a host or router: ephemeral port range,
 * DHCP client, DNS resolver, DHCP server and DNS server. Also the table of
 * ports bound per device (loader__claim_port), shared with the script's
 * programs: two programs binding one port on one device are an error, as
 * bind() fails with EADDRINUSE. A DHCP pool is checked against the server's
 * own interfaces here and against every static address of the topology once
 * all devices are read (loader__check_pools). On a NAT box the pool must lie
 * on the inside: handing private addresses to the Internet side makes no
 * sense. A DNS server may forward the names it has no record of to an
 * upstream server (dnsmasq's "server="); a DHCP server on a device that runs
 * a DNS server names that device as the DNS server (option 6) unless told
 * otherwise, as dnsmasq does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apps/dhcp_server.h"
#include "apps/dns_server.h"
#include "reader/internal.h"
#include "stack/udp.h"
#include "wire/dhcp.h"
#include "wire/dns.h"

static uint64_t loader__bind_key(size_t dev, int proto, uint16_t port_number) {
    return (uint64_t)dev << 17 | (uint64_t)proto << 16 | port_number;
}

/* Claims proto/port on device `dev` for `owner` (its path names it); two
 * claims are an error at `value` (the "port" value, or the action when the
 * port is a default), naming both, as bind() fails with EADDRINUSE. */
int loader__claim_port(loader *ld, size_t dev, int proto, uint16_t port_number, const cJSON *value,
                       const cJSON *owner, const char *what) {
    bool created = false;
    loader__bind *b = u64map_put(ld->binds, loader__bind_key(dev, proto, port_number), &created);
    if (created) {
        *b = (loader__bind){owner, what};
        return 0;
    }
    char v[96], other[400];
    const char *name = ld->t->devices[dev].name;
    const char *p = proto == LOADER_PROTO_TCP ? "TCP" : "UDP";
    loader__value_text(ld, value, v, sizeof v);
    loader__path(ld, b->owner, other, sizeof other);
    if (value == owner)
        return loader__fail(ld, value,
                            _("%s uses %s port %u (the default of %s), already bound on %s by %s "
                              "(%s); expected a \"port\" no other program on %s binds (bind() "
                              "would fail with EADDRINUSE)"),
                            v, p, port_number, what, name, other, b->what, name);
    return loader__fail(ld, value,
                        _("%s is already bound on %s by %s (%s, %s port %u); expected a port no "
                          "other program on %s binds (bind() would fail with EADDRINUSE)"),
                        v, name, other, b->what, p, port_number, name);
}

/* "ephemeral_ports": "32768-60999" (Linux net.ipv4.ip_local_port_range). */
static int loader__ephemeral_ports(loader *ld, size_t dev, const cJSON *obj) {
    model_device *d = &ld->t->devices[dev];
    const cJSON *n = loader__member(obj, "ephemeral_ports");
    const char *expected = _("a port range within 1024-65535, e.g. \"32768-60999\"");
    d->ephemeral_lo = UDP_EPHEMERAL_LOW;
    d->ephemeral_hi = UDP_EPHEMERAL_HIGH;
    if (!n)
        return 0;
    const char *s = NULL;
    char v[96], tail = 0;
    unsigned lo = 0, hi = 0;
    if (loader__string(ld, n, expected, &s) != 0)
        return NS_ERR_INPUT;
    loader__value_text(ld, n, v, sizeof v);
    if (sscanf(s, "%5u-%5u%c", &lo, &hi, &tail) != 2)
        return loader__fail(ld, n, _("%s is not a port range; expected %s"), v, expected);
    if (lo > hi)
        return loader__fail(ld, n, _("%s runs backwards; expected the lower port first: \"%u-%u\""),
                            v, hi, lo);
    if (lo < 1024 || hi > 65535)
        return loader__fail(ld, n,
                            _("%s is out of range; expected %s (ports below 1024 are the "
                              "well-known ports of servers)"),
                            v, expected);
    d->ephemeral_lo = (uint16_t)lo;
    d->ephemeral_hi = (uint16_t)hi;
    return 0;
}

/* "dhcp": true | false | {"at": "1s"}: eth0 (the first interface) is
 * configured by DHCP, so it has no static address. */
int loader__dhcp_client(loader *ld, size_t dev, const cJSON *obj) {
    model_device *d = &ld->t->devices[dev];
    const cJSON *n = loader__member(obj, "dhcp");
    const char *expected = _("true, false or {\"at\": \"1s\"} (when the DHCP client starts)");
    static const char *const keys[] = {"at"};
    char v[96];
    if (!n)
        return 0;
    if (cJSON_IsObject(n)) {
        if (loader__check_keys(ld, n, keys, 1, NULL) != 0 ||
            loader__opt_duration(ld, n, "at", false, &d->dhcp_at_ns) != 0)
            return NS_ERR_INPUT;
        d->dhcp = true;
    } else if (cJSON_IsBool(n)) {
        d->dhcp = cJSON_IsTrue(n);
    } else {
        return loader__type_error(ld, n, expected);
    }
    if (!d->dhcp)
        return 0;
    if (d->ifaces[0].has_ip) {
        loader__value_text(ld, n, v, sizeof v);
        return loader__fail(ld, n,
                            _("%s asks DHCP for an address, but %s.%s has the static address "
                              "given by \"ip\"; expected either \"dhcp\" or a static \"ip\" on "
                              "%s, not both"),
                            v, d->name, d->ifaces[0].name, d->ifaces[0].name);
    }
    return loader__claim_port(ld, dev, LOADER_PROTO_UDP, DHCP_CLIENT_PORT, n, n,
                              _("the DHCP client"));
}

/* "dns": "a.b.c.d": the resolver (as in /etc/resolv.conf). */
static int loader__dns_client(loader *ld, size_t dev, const cJSON *obj) {
    model_device *d = &ld->t->devices[dev];
    const cJSON *n = loader__member(obj, "dns");
    if (!n)
        return 0;
    if (loader__addr(ld, n, &d->dns) != 0 || loader__unicast(ld, n, d->dns) != 0)
        return NS_ERR_INPUT;
    d->has_dns = true;
    return 0;
}

/* Addresses to hand out with option 6: one address or an array of them. */
static int loader__dhcp_dns_list(loader *ld, const cJSON *n, model_dhcp_server *srv) {
    const char *expected = _("an address such as \"10.0.0.53\" or an array of at most 4");
    if (cJSON_IsString(n)) {
        if (loader__addr(ld, n, &srv->dns[0]) != 0 || loader__unicast(ld, n, srv->dns[0]) != 0)
            return NS_ERR_INPUT;
        srv->n_dns = 1;
        return 0;
    }
    if (!cJSON_IsArray(n))
        return loader__type_error(ld, n, expected);
    size_t count = loader__count(n);
    if (count > MODEL_DNS_SERVERS_MAX) {
        char v[16];
        loader__value_text(ld, n, v, sizeof v);
        return loader__fail(ld, n, _("%s has %zu addresses; expected %s"), v, count, expected);
    }
    for (const cJSON *c = n->child; c; c = c->next) {
        if (loader__addr(ld, c, &srv->dns[srv->n_dns]) != 0 ||
            loader__unicast(ld, c, srv->dns[srv->n_dns]) != 0)
            return NS_ERR_INPUT;
        srv->n_dns++;
    }
    return 0;
}

/* "dhcp_server": {"pool", "lease", "router", "dns"}. The pool lies inside
 * the subnet of one of the device's interfaces, which serves it; it holds
 * neither that subnet's network or broadcast address nor the server's own
 * address or the router's (static addresses of other devices are checked
 * once every device is read, loader__check_pools). */
static int loader__dhcp_server(loader *ld, size_t dev, const cJSON *obj) {
    static const char *const keys[] = {"pool", "lease", "router", "dns"};
    model_device *d = &ld->t->devices[dev];
    const cJSON *n = NULL;
    char v[96], subnets[400], a[IPV4_TEXT_LEN], net[IPV4_TEXT_LEN];
    if (loader__opt_object(ld, obj, "dhcp_server",
                           _("a DHCP server such as {\"pool\": \"10.0.0.100-10.0.0.199\", "
                             "\"router\": \"10.0.0.1\"}"),
                           keys, 4, &n) != 0)
        return NS_ERR_INPUT;
    if (!n)
        return 0;
    model_dhcp_server *srv = calloc(1, sizeof *srv);
    if (!srv)
        return loader__nomem(ld);
    d->dhcp_server = srv;
    srv->lease_s = DHCP_SERVER_DEFAULT_LEASE_S;
    const cJSON *pool = loader__member(n, "pool");
    if (!pool)
        return loader__missing(ld, n, "pool",
                               _("\"pool\": the addresses to hand out, e.g. "
                                 "\"10.0.0.100-10.0.0.199\""));
    if (loader__range(ld, pool, &srv->pool_lo, &srv->pool_hi) != 0)
        return NS_ERR_INPUT;
    loader__value_text(ld, pool, v, sizeof v);
    long i = loader__subnet_of(ld, dev, -1, srv->pool_lo);
    if (i < 0) {
        size_t count = loader__subnets(ld, dev, -1, subnets, sizeof subnets);
        if (count == 0)
            return loader__fail(ld, pool,
                                _("%s cannot be served: %s has no interface with an IP address; "
                                  "expected a static \"ip\" on the interface that serves the pool"),
                                v, d->name);
        return loader__fail(ld, pool,
                            count == 1 ? _("%s is outside every subnet of %s (%s); expected a pool "
                                           "inside it")
                                       : _("%s is outside every subnet of %s (%s); expected a pool "
                                           "inside one of them"),
                            v, d->name, subnets);
    }
    const model_iface *f = &d->ifaces[i];
    ipv4_addr mask = ipv4_netmask(f->prefix_len);
    ipv4_format(f->ip & mask, net);
    if (d->nat && (uint32_t)i == d->nat->outside_iface) {
        const model_iface *in = &d->ifaces[d->nat->inside_iface];
        char in_net[IPV4_TEXT_LEN];
        ipv4_format(in->ip & ipv4_netmask(in->prefix_len), in_net);
        return loader__fail(ld, pool,
                            _("%s is in %s/%d, the subnet of %s.%s, the NAT box's \"outside\" "
                              "interface (toward the Internet); expected a pool in the subnet of "
                              "its \"inside\" interface %s (%s/%d), where its private hosts ask"),
                            v, net, f->prefix_len, d->name, f->name, in->name, in_net,
                            in->prefix_len);
    }
    if (!ipv4_same_subnet(srv->pool_hi, f->ip, f->prefix_len))
        return loader__fail(
            ld, pool,
            _("%s runs past %s/%d (the subnet of %s.%s); expected a pool inside one "
              "subnet"),
            v, net, f->prefix_len, d->name, f->name);
    if (f->prefix_len <= 30 && (srv->pool_lo == (f->ip & mask) || srv->pool_hi == (f->ip | ~mask)))
        return loader__fail(
            ld, pool,
            srv->pool_lo == (f->ip & mask)
                ? _("%s holds the network address of %s/%d; expected host addresses only")
                : _("%s holds the broadcast address of %s/%d; expected host addresses only"),
            v, net, f->prefix_len);
    for (size_t k = 0; k < d->n_ifaces; k++)
        if (d->ifaces[k].has_ip && d->ifaces[k].ip >= srv->pool_lo &&
            d->ifaces[k].ip <= srv->pool_hi)
            return loader__fail(ld, pool,
                                _("%s holds %s, the server's own address (%s.%s); expected a pool "
                                  "that leaves it out"),
                                v, ipv4_format(d->ifaces[k].ip, a), d->name, d->ifaces[k].name);
    srv->iface = (size_t)i;
    uint64_t lease_ns = 0;
    const cJSON *lease = loader__member(n, "lease");
    if (lease) {
        if (loader__duration(ld, lease, true, &lease_ns) != 0)
            return NS_ERR_INPUT;
        if (lease_ns < 1000000000ull || lease_ns > 0xfffffffeull * 1000000000ull) {
            loader__value_text(ld, lease, v, sizeof v);
            return loader__fail(ld, lease,
                                _("%s is out of range; expected a lease from \"1s\" to "
                                  "\"4294967294s\" (DHCP counts whole seconds)"),
                                v);
        }
        srv->lease_s = (uint32_t)(lease_ns / 1000000000ull);
    }
    const cJSON *router = loader__member(n, "router");
    if (router) {
        if (loader__addr(ld, router, &srv->router) != 0)
            return NS_ERR_INPUT;
        loader__value_text(ld, router, v, sizeof v);
        if (!ipv4_same_subnet(srv->router, f->ip, f->prefix_len))
            return loader__fail(ld, router,
                                _("%s is outside %s/%d, the subnet of the pool; expected a router "
                                  "the clients can reach, inside it"),
                                v, net, f->prefix_len);
        if (loader__next_hop_host(ld, router, srv->router, f->ip, f->prefix_len, _("a router")) !=
            0)
            return NS_ERR_INPUT;
        if (srv->router >= srv->pool_lo && srv->router <= srv->pool_hi)
            return loader__fail(ld, router,
                                _("%s is inside the pool; expected a router address the server "
                                  "never hands out"),
                                v);
    } else if (d->type == DEVICE_ROUTER) {
        srv->router = f->ip; /* a router serving its LAN is that LAN's gateway */
    }
    const cJSON *dns = loader__member(n, "dns");
    if (dns && loader__dhcp_dns_list(ld, dns, srv) != 0)
        return NS_ERR_INPUT;
    return loader__claim_port(ld, dev, LOADER_PROTO_UDP, DHCP_SERVER_PORT, n, n,
                              _("the DHCP server"));
}

/* Every pool against every static address of the topology (text order). */
int loader__check_pools(loader *ld) {
    model_topology *t = ld->t;
    for (size_t s = 0; s < t->n_devices; s++) {
        const model_dhcp_server *srv = t->devices[s].dhcp_server;
        if (!srv)
            continue;
        for (size_t d = 0; d < t->n_devices; d++)
            for (size_t i = 0; i < t->devices[d].n_ifaces; i++) {
                const model_iface *f = &t->devices[d].ifaces[i];
                if (!f->has_ip || f->ip < srv->pool_lo || f->ip > srv->pool_hi)
                    continue;
                const cJSON *pool =
                    loader__member(loader__member(ld->devs[s].node, "dhcp_server"), "pool");
                char v[96], a[IPV4_TEXT_LEN];
                loader__value_text(ld, pool, v, sizeof v);
                return loader__fail(ld, pool,
                                    _("%s holds %s, the static address of %s.%s; expected a pool "
                                      "that leaves out every static address"),
                                    v, ipv4_format(f->ip, a), t->devices[d].name, f->name);
            }
    }
    return 0;
}

/* "upstream": "a.b.c.d": the server a forwarder asks (dnsmasq's "server="):
 * a unicast address that is not the device's own (it would ask itself). */
static int loader__dns_upstream(loader *ld, size_t dev, const cJSON *n, model_dns_server *srv) {
    const model_device *d = &ld->t->devices[dev];
    const cJSON *up = loader__member(n, "upstream");
    char v[96];
    if (!up)
        return 0;
    if (loader__addr(ld, up, &srv->upstream) != 0 || loader__unicast(ld, up, srv->upstream) != 0)
        return NS_ERR_INPUT;
    for (size_t k = 0; k < d->n_ifaces; k++)
        if (d->ifaces[k].has_ip && d->ifaces[k].ip == srv->upstream) {
            loader__value_text(ld, up, v, sizeof v);
            return loader__fail(ld, up,
                                _("%s is %s's own address (%s.%s); expected another DNS server "
                                  "to forward queries to (it would ask itself)"),
                                v, d->name, d->name, d->ifaces[k].name);
        }
    srv->has_upstream = true;
    return 0;
}

/* "dns_server": {"records": {"www.example.com": "93.184.216.34"}, "ttl": 300,
 * "upstream": "93.184.216.53"}: records, an upstream server, or both. */
static int loader__dns_server(loader *ld, size_t dev, const cJSON *obj) {
    static const char *const keys[] = {"records", "ttl", "upstream"};
    model_device *d = &ld->t->devices[dev];
    const cJSON *n = NULL;
    char v[96];
    if (loader__opt_object(ld, obj, "dns_server",
                           _("a DNS server such as {\"records\": {\"www.example.com\": "
                             "\"93.184.216.34\"}} or a forwarder such as {\"upstream\": "
                             "\"93.184.216.53\"}"),
                           keys, 3, &n) != 0)
        return NS_ERR_INPUT;
    if (!n)
        return 0;
    model_dns_server *srv = calloc(1, sizeof *srv);
    if (!srv)
        return loader__nomem(ld);
    d->dns_server = srv;
    srv->ttl = DNS_SERVER_DEFAULT_TTL;
    if (loader__opt_u32(ld, n, "ttl", 0, 2147483647, &srv->ttl) != 0)
        return NS_ERR_INPUT;
    if (loader__subnets(ld, dev, -1, v, sizeof v) == 0) {
        loader__value_text(ld, n, v, sizeof v);
        return loader__fail(ld, n,
                            _("%s cannot serve: %s has no interface with an IP address; expected "
                              "a static \"ip\" on %s (clients must know the server's address)"),
                            v, d->name, d->name);
    }
    if (loader__dns_upstream(ld, dev, n, srv) != 0)
        return NS_ERR_INPUT;
    const cJSON *records = loader__member(n, "records");
    const char *expected = _("an object of names and addresses, e.g. {\"www.example.com\": "
                             "\"93.184.216.34\"}");
    if (!records && srv->has_upstream)
        return loader__claim_port(ld, dev, LOADER_PROTO_UDP, DNS_PORT, n, n, _("the DNS server"));
    if (!records)
        return loader__missing(ld, n, "records",
                               _("an object of names and addresses, e.g. {\"www.example.com\": "
                                 "\"93.184.216.34\"}, or \"upstream\": the server to forward "
                                 "queries to, e.g. \"93.184.216.53\""));
    if (!cJSON_IsObject(records))
        return loader__type_error(ld, records, expected);
    size_t count = loader__count(records);
    if (count == 0)
        return loader__claim_port(ld, dev, LOADER_PROTO_UDP, DNS_PORT, n, n, _("the DNS server"));
    if (!(srv->records = calloc(count, sizeof *srv->records)))
        return loader__nomem(ld);
    char **folded = calloc(count, sizeof *folded);
    strmap *seen = strmap_new();
    int rc = 0;
    if (!folded || !seen) {
        rc = loader__nomem(ld);
        goto done;
    }
    size_t k = 0;
    for (const cJSON *r = records->child; r; r = r->next, k++) {
        char q[96];
        loader__quote(r->string, q, sizeof q);
        if (!loader__host_name_ok(r->string)) {
            rc = loader__fail_key(ld, r,
                                  _("%s is not a host name; expected labels of letters, digits "
                                    "and '-' separated by dots, e.g. \"www.example.com\""),
                                  q);
            goto done;
        }
        model_dns_record *rec = &srv->records[k];
        if (!(rec->name = loader__host_name_dup(r->string)) ||
            !(folded[k] = loader__strdup(rec->name))) {
            rc = loader__nomem(ld);
            goto done;
        }
        srv->n_records = k + 1;
        for (char *c = folded[k]; *c; c++)
            *c = (char)suggest_fold((unsigned char)*c);
        if (!strmap_put(seen, folded[k], (int)k)) {
            const cJSON *first = records->child;
            for (int j = strmap_get(seen, folded[k]); j > 0; j--)
                first = first->next;
            char other[400];
            loader__path(ld, first, other, sizeof other);
            rc = loader__fail_key(ld, r,
                                  _("%s is already a record (%s); expected each name once (DNS "
                                    "names are compared without regard to case)"),
                                  q, other);
            goto done;
        }
        if (loader__addr(ld, r, &rec->addr) != 0) {
            rc = NS_ERR_INPUT;
            goto done;
        }
    }
    rc = loader__claim_port(ld, dev, LOADER_PROTO_UDP, DNS_PORT, n, n, _("the DNS server"));
done:
    strmap_free(seen);
    for (size_t j = 0; folded && j < count; j++)
        free(folded[j]);
    free(folded);
    return rc;
}

/* A DHCP server without "dns" on a device that runs a DNS server hands out
 * its own address on the served subnet (option 6), as dnsmasq does by
 * default: the home router is its hosts' DNS server. */
static void loader__dhcp_dns_default(loader *ld, size_t dev, const cJSON *obj) {
    model_device *d = &ld->t->devices[dev];
    model_dhcp_server *srv = d->dhcp_server;
    if (!srv || !d->dns_server || loader__member(loader__member(obj, "dhcp_server"), "dns"))
        return;
    srv->dns[0] = d->ifaces[srv->iface].ip;
    srv->n_dns = 1;
}

/* The keys hosts, routers and NAT boxes share for their services, after the
 * stack's. */
int loader__services(loader *ld, size_t dev, const cJSON *obj) {
    if (loader__ephemeral_ports(ld, dev, obj) != 0 || loader__dns_client(ld, dev, obj) != 0 ||
        loader__dhcp_server(ld, dev, obj) != 0 || loader__dns_server(ld, dev, obj) != 0)
        return NS_ERR_INPUT;
    loader__dhcp_dns_default(ld, dev, obj);
    return 0;
}
