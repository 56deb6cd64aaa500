/*
 * reader/routes: the IPv4 stack settings of a host or router: gateway, static
 * routes, TTL and ARP timers, static ARP entries. A next hop (gateway or route
 * "via") must be another address inside one of the device's subnets, so these
 * run after the device's interfaces are read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reader/internal.h"
#include "stack/ip_stack.h"

/* Writes "10.0.0.0/24 on eth0, 10.0.1.0/24 on eth1" (the addressed
 * interfaces of `dev`, or only interface `only` when >= 0) into buf[cap];
 * returns how many there are. */
size_t loader__subnets(const loader *ld, size_t dev, long only, char *buf, size_t cap) {
    const model_device *d = &ld->t->devices[dev];
    size_t used = 0, n = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < d->n_ifaces; i++) {
        const model_iface *f = &d->ifaces[i];
        if (!f->has_ip || (only >= 0 && (size_t)only != i))
            continue;
        if (n == 6) {
            loader__append(buf, cap, &used, ", ...");
        } else if (n < 6) {
            char net[IPV4_TEXT_LEN];
            ipv4_format(f->ip & ipv4_netmask(f->prefix_len), net);
            loader__append(buf, cap, &used, _("%s%s/%d on %s"), n ? ", " : "", net, f->prefix_len,
                           f->name);
        }
        n++;
    }
    return n;
}

/* Whether `a` is one of the device's own addresses. */
static bool loader__is_own(const loader *ld, size_t dev, ipv4_addr a) {
    const model_device *d = &ld->t->devices[dev];
    for (size_t i = 0; i < d->n_ifaces; i++)
        if (d->ifaces[i].has_ip && d->ifaces[i].ip == a)
            return true;
    return false;
}

/* The index of the addressed interface of `dev` whose subnet holds `a` (only
 * interface `only` when >= 0), or -1. */
long loader__subnet_of(const loader *ld, size_t dev, long only, ipv4_addr a) {
    const model_device *d = &ld->t->devices[dev];
    for (size_t i = 0; i < d->n_ifaces; i++) {
        const model_iface *f = &d->ifaces[i];
        if (f->has_ip && (only < 0 || (size_t)only == i) &&
            ipv4_same_subnet(a, f->ip, f->prefix_len))
            return (long)i;
    }
    return -1;
}

/* A next hop `a` inside the subnet of `ip`/`len` must be a host address of
 * it, not its network or broadcast address: Linux refuses such a gateway
 * ("ip route add default via 10.1.0.255": "Error: Nexthop has invalid
 * gateway.", fib_check_nh_v4_gw finds a broadcast route, not a unicast one),
 * where a simulator would send to ff:ff:ff:ff:ff:ff and hide the mistake. */
int loader__next_hop_host(loader *ld, const cJSON *value, ipv4_addr a, ipv4_addr ip, int len,
                          const char *what) {
    ipv4_addr mask = ipv4_netmask(len);
    if (len > 30 || ((a & ~mask) != 0 && (a & ~mask) != ~mask))
        return 0;
    char v[96], net[IPV4_TEXT_LEN], lo[IPV4_TEXT_LEN], hi[IPV4_TEXT_LEN];
    loader__value_text(ld, value, v, sizeof v);
    ipv4_format(ip & mask, net);
    ipv4_format((ip & mask) + 1, lo);
    ipv4_format((ip | ~mask) - 1, hi);
    return loader__fail(ld, value,
                        (a & ~mask) == 0
                            ? _("%s is the network address of %s/%d, not a router's (Linux: "
                                "\"Nexthop has invalid gateway\"); expected %s from %s to %s")
                            : _("%s is the broadcast address of %s/%d, not a router's (Linux: "
                                "\"Nexthop has invalid gateway\"); expected %s from %s to %s"),
                        v, net, len, what, lo, hi);
}

/* A next hop (gateway or route "via") must be another host address inside
 * one of the device's subnets (inside interface `only`'s when >= 0). */
static int loader__check_next_hop(loader *ld, size_t dev, long only, const cJSON *value,
                                  ipv4_addr a, const char *what) {
    const model_device *d = &ld->t->devices[dev];
    char v[96], subnets[400];
    loader__value_text(ld, value, v, sizeof v);
    if (loader__is_own(ld, dev, a))
        return loader__fail(ld, value,
                            _("%s is %s's own address; expected the address of another device in "
                              "its subnet, e.g. a router's"),
                            v, d->name);
    size_t n = loader__subnets(ld, dev, only, subnets, sizeof subnets);
    if (n == 0 && only >= 0)
        return 0; /* an interface without an address: nothing to check against */
    if (n == 0)
        return loader__fail(ld, value,
                            _("%s cannot be reached: %s has no interface with an IP address; "
                              "expected %s inside the subnet of one of its interfaces"),
                            v, d->name, what);
    long i = loader__subnet_of(ld, dev, only, a);
    if (i >= 0)
        return loader__next_hop_host(ld, value, a, d->ifaces[i].ip, d->ifaces[i].prefix_len, what);
    return loader__fail(ld, value,
                        n == 1 ? _("%s is outside every subnet of %s (%s), so Linux says \"Network "
                                   "is unreachable\"; expected %s inside it")
                               : _("%s is outside every subnet of %s (%s), so Linux says \"Network "
                                   "is unreachable\"; expected %s inside one of them"),
                        v, d->name, subnets, what);
}

int loader__gateway(loader *ld, size_t dev, const cJSON *obj) {
    const cJSON *g = loader__member(obj, "gateway");
    model_device *d = &ld->t->devices[dev];
    if (!g)
        return 0;
    if (d->dhcp) {
        char v[96];
        loader__value_text(ld, g, v, sizeof v);
        return loader__fail(ld, g,
                            _("%s: a DHCP client gets its gateway from the DHCP server (option 3, "
                              "\"router\"); expected no \"gateway\" together with \"dhcp\""),
                            v);
    }
    if (loader__addr(ld, g, &d->gateway) != 0)
        return NS_ERR_INPUT;
    if (loader__check_next_hop(ld, dev, -1, g, d->gateway, _("a gateway")) != 0)
        return NS_ERR_INPUT;
    d->has_gateway = true;
    return 0;
}

static int loader__route(loader *ld, size_t dev, const cJSON *entry, model_route *r) {
    static const char *const keys[] = {"to", "via", "interface", "metric"};
    if (!cJSON_IsObject(entry))
        return loader__type_error(
            ld, entry, _("a route such as {\"to\": \"10.0.3.0/24\", \"via\": \"10.0.2.2\"}"));
    if (loader__check_keys(ld, entry, keys, 4, NULL) != 0)
        return NS_ERR_INPUT;
    const cJSON *to = loader__member(entry, "to"), *via = loader__member(entry, "via");
    const cJSON *ifn = loader__member(entry, "interface");
    if (!to)
        return loader__missing(ld, entry, "to",
                               _("\"to\": a destination network, e.g. \"10.0.3.0/24\""));
    if (loader__prefix(ld, to, &r->dst, &r->prefix_len) != 0)
        return NS_ERR_INPUT;
    ipv4_addr mask = ipv4_netmask(r->prefix_len);
    if (r->dst & ~mask) {
        char v[96], net[IPV4_TEXT_LEN];
        loader__value_text(ld, to, v, sizeof v);
        ipv4_format(r->dst & mask, net);
        return loader__fail(ld, to,
                            _("%s has host bits set; expected the network address \"%s/%d\""), v,
                            net, r->prefix_len);
    }
    r->iface = -1;
    if (ifn) {
        long i = -1;
        if (loader__route_iface(ld, dev, ifn, &i) != 0)
            return NS_ERR_INPUT;
        r->iface = (int)i;
    }
    if (!via && !ifn)
        return loader__missing(ld, entry, "via",
                               _("a next hop \"via\": \"a.b.c.d\", or an \"interface\" for a "
                                 "directly connected network"));
    if (via) {
        if (loader__addr(ld, via, &r->via) != 0)
            return NS_ERR_INPUT;
        if (loader__check_next_hop(ld, dev, r->iface, via, r->via, _("a next hop")) != 0)
            return NS_ERR_INPUT;
        r->has_via = true;
    }
    return loader__opt_u32(ld, entry, "metric", 0, 65535, &r->metric);
}

int loader__routes(loader *ld, size_t dev, const cJSON *obj) {
    model_device *d = &ld->t->devices[dev];
    const cJSON *routes = NULL;
    size_t n = 0;
    if (loader__opt_list(ld, obj, "routes", false,
                         _("an array of routes, e.g. [{\"to\": \"0.0.0.0/0\", \"via\": "
                           "\"10.0.0.254\"}]"),
                         &routes, &n) != 0)
        return NS_ERR_INPUT;
    if (n == 0)
        return 0;
    if (!(d->routes = calloc(n, sizeof *d->routes)))
        return loader__nomem(ld);
    for (const cJSON *r = routes->child; r; r = r->next) {
        if (loader__route(ld, dev, r, &d->routes[d->n_routes]) != 0)
            return NS_ERR_INPUT;
        d->n_routes++;
    }
    return 0;
}

/* ttl and the ARP options shared by hosts and routers. */
int loader__stack_options(loader *ld, size_t dev, const cJSON *obj) {
    model_device *d = &ld->t->devices[dev];
    uint32_t ttl = IP_DEFAULT_TTL;
    d->arp_timeout_ns = ARP_DEFAULT_TIMEOUT_NS;
    d->arp_retry_ns = ARP_DEFAULT_RETRY_NS;
    d->arp_retries = ARP_DEFAULT_RETRIES;
    d->arp_queue = ARP_DEFAULT_QUEUE;
    if (loader__opt_u32(ld, obj, "ttl", 1, 255, &ttl) != 0 ||
        loader__opt_duration(ld, obj, "arp_timeout", false, &d->arp_timeout_ns) != 0 ||
        loader__opt_duration(ld, obj, "arp_retry", true, &d->arp_retry_ns) != 0 ||
        loader__opt_u32(ld, obj, "arp_retries", 1, 100, &d->arp_retries) != 0 ||
        loader__opt_u32(ld, obj, "arp_queue", 0, 10000, &d->arp_queue) != 0)
        return NS_ERR_INPUT;
    d->ttl = (uint8_t)ttl;
    return 0;
}

/* "arp": {"10.0.0.1": "02:00:00:00:00:01", ...}: permanent entries. */
int loader__static_arp(loader *ld, size_t dev, const cJSON *obj) {
    model_device *d = &ld->t->devices[dev];
    const cJSON *arp = NULL;
    size_t n = 0;
    if (loader__opt_list(ld, obj, "arp", true,
                         _("an object of static ARP entries, e.g. {\"10.0.0.1\": "
                           "\"02:00:00:00:00:01\"}"),
                         &arp, &n) != 0)
        return NS_ERR_INPUT;
    if (n == 0)
        return 0;
    if (!(d->static_arp = calloc(n, sizeof *d->static_arp)))
        return loader__nomem(ld);
    for (const cJSON *e = arp->child; e; e = e->next) {
        model_static_arp *sa = &d->static_arp[d->n_static_arp];
        char v[96];
        if (ipv4_parse(e->string, &sa->ip) != 0) {
            snprintf(v, sizeof v, "\"%s\"", e->string);
            return loader__fail_key(ld, e, _("%s is not an IPv4 address; expected %s"), v,
                                    LOADER_EXPECT_ADDR);
        }
        const char *s = NULL;
        if (loader__string(ld, e, _("a MAC address such as \"02:00:00:00:00:01\""), &s) != 0)
            return NS_ERR_INPUT;
        if (mac_parse(s, &sa->mac) != 0) {
            loader__value_text(ld, e, v, sizeof v);
            return loader__fail(ld, e,
                                _("%s is not a MAC address; expected six hex pairs such as "
                                  "\"02:00:00:00:00:01\""),
                                v);
        }
        d->n_static_arp++;
    }
    return 0;
}
