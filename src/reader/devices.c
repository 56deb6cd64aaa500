/*
 * reader/devices: the "devices" object. Devices are read in file order, which
 * fixes their numbers (default MACs, stable ids in the builder). Each value
 * of "type" is one row of loader__device_kinds: the keys it may have and the
 * function reading them; the other files read the parts (interfaces,
 * routes, firewall, services, NAT). Limits (device count, name
 * length, all switch and hub ports together) are checked before anything
 * large is allocated.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/devices.h"
#include "model/costs.h"
#include "reader/internal.h"
#include "util/alloc.h"

#define LOADER_MAX_DEVICES 0xffffffu /* the device number fills 3 bytes of a default MAC */
#define LOADER_MAX_PORTS   4194304   /* switch and hub ports in all: about 1 GiB */

/* A router's keys (its services included: the notes' home router hands out
 * addresses and answers DNS) and the translation's. */
static const char *const loader__nat_keys[] = {
    "type",        "interfaces",      "routes", "ttl",      "arp_timeout", "arp_retry",
    "arp_retries", "arp_queue",       "arp",    "firewall", "dns",         "dhcp_server",
    "dns_server",  "ephemeral_ports", "inside", "outside",  "pin",         "forward",
    "timeouts"};

static const char *const loader__host_keys[] = {
    "type",     "ip",          "netmask",   "mac",         "interfaces", "gateway",        "routes",
    "ttl",      "arp_timeout", "arp_retry", "arp_retries", "arp_queue",  "forwarding",     "arp",
    "firewall", "dhcp",        "dns",       "dhcp_server", "dns_server", "ephemeral_ports"};

static const char *const loader__router_keys[] = {
    "type",      "interfaces", "routes",   "ttl", "arp_timeout", "arp_retry",  "arp_retries",
    "arp_queue", "arp",        "firewall", "dns", "dhcp_server", "dns_server", "ephemeral_ports"};

static const char *const loader__switch_keys[] = {"type", "ports", "mac_aging"};

static const char *const loader__hub_keys[] = {"type", "ports"};

static const loader__hint loader__router_hints[] = {
    {"gateway", N_("(a router has no gateway); expected a default route instead: \"routes\": "
                   "[{\"to\": \"0.0.0.0/0\", \"via\": \"a.b.c.d\"}]")},
    {"ip", N_("(a router names its interfaces); expected \"interfaces\": {\"eth0\": {\"ip\": "
              "\"10.0.0.1/24\"}, ...}")},
    {"netmask", N_("(a router names its interfaces); expected \"interfaces\": {\"eth0\": {\"ip\": "
                   "\"10.0.0.1\", \"netmask\": \"255.255.255.0\"}, ...}")},
    {"mac", N_("(a router names its interfaces); expected \"interfaces\": {\"eth0\": {\"mac\": "
               "\"02:00:00:00:00:01\"}, ...}")},
    {"dhcp", N_("(a router has static addresses; hosts may ask DHCP); expected \"interfaces\": "
                "{\"eth0\": {\"ip\": \"10.0.0.1/24\"}, ...}")},
    {NULL, NULL}};

/* A router's hints, but a home router's outside address often comes from
 * the provider's DHCP: say that here it is static, and which key serves
 * DHCP instead. */
static const loader__hint loader__nat_hints[] = {
    {"gateway", N_("(a NAT box has no gateway); expected a default route toward the provider "
                   "instead: \"routes\": [{\"to\": \"0.0.0.0/0\", \"via\": \"a.b.c.d\"}]")},
    {"ip", N_("(a NAT box names its interfaces); expected \"interfaces\": {\"eth0\": {\"ip\": "
              "\"192.168.1.1/24\"}, \"eth1\": {\"ip\": \"116.226.52.212/24\"}}")},
    {"mac", N_("(a NAT box names its interfaces); expected \"interfaces\": {\"eth0\": {\"mac\": "
               "\"02:00:00:00:00:01\"}, ...}")},
    {"dhcp", N_("(a NAT box's addresses, the outside one included, are static here; to hand out "
                "addresses on the inside use \"dhcp_server\"); expected \"interfaces\": {\"eth1\": "
                "{\"ip\": \"116.226.52.212/24\"}, ...}")},
    {NULL, NULL}};

static const loader__hint loader__switch_hints[] = {
    {"ip", N_("(a switch has no IP address; hosts and routers do); expected one of \"type\", "
              "\"ports\" or \"mac_aging\"")},
    {"gateway", N_("(a switch has no IP address; hosts and routers do); expected one of \"type\", "
                   "\"ports\" or \"mac_aging\"")},
    {NULL, NULL}};

static const loader__hint loader__hub_hints[] = {
    {"mac_aging",
     N_("(a hub learns no addresses, it repeats every frame); expected one of \"type\" "
        "or \"ports\"")},
    {"ip", N_("(a hub has no IP address; hosts and routers do); expected one of \"type\" or "
              "\"ports\"")},
    {NULL, NULL}};

static int loader__host(loader *ld, size_t dev, const cJSON *obj) {
    model_device *d = &ld->t->devices[dev];
    if (loader__ifaces(ld, dev, obj) != 0 || loader__dhcp_client(ld, dev, obj) != 0 ||
        loader__gateway(ld, dev, obj) != 0 || loader__routes(ld, dev, obj) != 0 ||
        loader__stack_options(ld, dev, obj) != 0 ||
        loader__opt_bool(ld, obj, "forwarding", &d->forwarding) != 0 ||
        loader__static_arp(ld, dev, obj) != 0 || loader__firewall(ld, dev, obj) != 0 ||
        loader__services(ld, dev, obj) != 0)
        return NS_ERR_INPUT;
    return 0;
}

/* What routers and NAT boxes share: a forwarding stack. */
static int loader__forwarding_stack(loader *ld, size_t dev, const cJSON *obj) {
    ld->t->devices[dev].forwarding = true;
    if (loader__ifaces(ld, dev, obj) != 0 || loader__routes(ld, dev, obj) != 0 ||
        loader__stack_options(ld, dev, obj) != 0 || loader__static_arp(ld, dev, obj) != 0 ||
        loader__firewall(ld, dev, obj) != 0)
        return NS_ERR_INPUT;
    return 0;
}

static int loader__router(loader *ld, size_t dev, const cJSON *obj) {
    if (loader__forwarding_stack(ld, dev, obj) != 0)
        return NS_ERR_INPUT;
    return loader__services(ld, dev, obj);
}

/* A NAT box is a router whose translation is on, with a router's services
 * (the notes' 家用路由器: NAT, DHCP server, DNS): they are read once the
 * inside and outside interfaces are known, which they are checked against. */
static int loader__nat_box(loader *ld, size_t dev, const cJSON *obj) {
    if (loader__forwarding_stack(ld, dev, obj) != 0 || loader__nat(ld, dev, obj) != 0)
        return NS_ERR_INPUT;
    return loader__services(ld, dev, obj);
}

/* "ports": a number makes them now; without it, one port per link end
 * naming the device is made after pass A. */
static int loader__ports(loader *ld, size_t dev, const cJSON *obj) {
    const cJSON *ports = loader__member(obj, "ports");
    long long n = 0;
    if (!ports)
        return 0;
    if (loader__int(ld, ports, 1, LOADER_MAX_IFACES, &n) != 0)
        return NS_ERR_INPUT;
    ld->devs[dev].ports_given = true;
    return loader__make_ports(ld, dev, (size_t)n);
}

static int loader__switch(loader *ld, size_t dev, const cJSON *obj) {
    model_device *d = &ld->t->devices[dev];
    d->mac_aging_ns = SWITCH_DEFAULT_MAC_AGING_NS;
    if (loader__opt_duration(ld, obj, "mac_aging", false, &d->mac_aging_ns) != 0)
        return NS_ERR_INPUT;
    return loader__ports(ld, dev, obj);
}

/* One row per value of "type": its keys, the hints for keys it lacks, and
 * the function reading the rest once the keys are checked. */
typedef struct loader__device_kind {
    const char *name;
    device_type type;
    const char *const *keys;
    size_t n_keys;
    const loader__hint *hints; /* NULL: none */
    int (*read)(loader *ld, size_t dev, const cJSON *obj);
} loader__device_kind;

static const loader__device_kind loader__device_kinds[] = {
    {"host", DEVICE_HOST, LOADER_KEYS(loader__host_keys), NULL, loader__host},
    {"hub", DEVICE_HUB, LOADER_KEYS(loader__hub_keys), loader__hub_hints, loader__ports},
    {"switch", DEVICE_SWITCH, LOADER_KEYS(loader__switch_keys), loader__switch_hints,
     loader__switch},
    {"router", DEVICE_ROUTER, LOADER_KEYS(loader__router_keys), loader__router_hints,
     loader__router},
    {"nat", DEVICE_ROUTER, LOADER_KEYS(loader__nat_keys), loader__nat_hints, loader__nat_box},
};

#define LOADER_N_KINDS (sizeof loader__device_kinds / sizeof loader__device_kinds[0])

/* The error for a device whose "type" is missing, not a string or not a
 * type netsim knows (the list of types is written only then). */
static int loader__bad_type(loader *ld, const cJSON *obj, const cJSON *type,
                            const char *const *names) {
    char list[256], v[96], expected[300];
    loader__list(names, LOADER_N_KINDS, "", _(" or "), list, sizeof list);
    if (!type) {
        snprintf(expected, sizeof expected, "\"type\": %s", list);
        return loader__missing(ld, obj, "type", expected);
    }
    const char *s = NULL;
    snprintf(expected, sizeof expected, _("a device type: %s"), list);
    if (loader__string(ld, type, expected, &s) != 0)
        return NS_ERR_INPUT;
    loader__value_text(ld, type, v, sizeof v);
    const char *sug = suggest_closest(s, names, LOADER_N_KINDS);
    if (sug)
        return loader__fail(ld, type, _("%s is not a device type; did you mean \"%s\"?"), v, sug);
    return loader__fail(ld, type, _("%s is not a device type; expected %s"), v, list);
}

static int loader__device(loader *ld, size_t dev, const cJSON *obj) {
    if (!cJSON_IsObject(obj))
        return loader__type_error(ld, obj, _("a device object such as {\"type\": \"host\"}"));
    const cJSON *type = loader__member(obj, "type");
    const char *names[LOADER_N_KINDS];
    for (size_t k = 0; k < LOADER_N_KINDS; k++)
        names[k] = loader__device_kinds[k].name;
    size_t k = 0;
    while (cJSON_IsString(type) && k < LOADER_N_KINDS && strcmp(type->valuestring, names[k]) != 0)
        k++;
    if (!cJSON_IsString(type) || k == LOADER_N_KINDS)
        return loader__bad_type(ld, obj, type, names);
    const loader__device_kind *kind = &loader__device_kinds[k];
    ld->t->devices[dev].type = kind->type;
    if (loader__check_keys(ld, obj, kind->keys, kind->n_keys, kind->hints) != 0)
        return NS_ERR_INPUT;
    return kind->read(ld, dev, obj);
}

/* Device names become parts of file names: a link's capture is
 * pcap/<device>.<interface>--<device>.<interface>.pcap, and two names of 64
 * bytes with interfaces of 32 (their limit) stay well within the 255 bytes
 * of a file name (NAME_MAX). */
#define LOADER_MAX_DEVICE_NAME 64

/* Device names are printed in traces and used in endpoints; any UTF-8 is
 * fine except control characters. */
static bool loader__device_name_ok(const char *s) {
    if (!*s)
        return false;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return false;
    return true;
}

/* The most switch and hub ports the topology may have: LOADER_MAX_PORTS, or
 * fewer when --max-memory cannot hold that many at MODEL_COST_PORT each
 * (beside netsim itself). One switch's worth is always let through: a bound
 * too small for netsim itself is the estimate's to name. */
static size_t loader__ports_most(bool *by_memory) {
    uint64_t limit = ns_alloc_limit();
    uint64_t fit = limit > MODEL_COST_BASE ? (limit - MODEL_COST_BASE) / MODEL_COST_PORT : 0;
    if (fit < LOADER_MAX_IFACES)
        fit = LOADER_MAX_IFACES;
    *by_memory = limit && fit < LOADER_MAX_PORTS;
    return *by_memory ? (size_t)fit : LOADER_MAX_PORTS;
}

/* One number ("ports": 65535) makes many ports: all switches' and hubs' ports
 * together are bounded before any is made, so that a small file cannot spend
 * seconds making ports the memory estimate refuses afterwards. Values that
 * are not whole numbers in range are left to each device's own check. */
static int loader__port_budget(loader *ld, const cJSON *devices) {
    bool by_memory;
    size_t total = 0, most = loader__ports_most(&by_memory);
    for (const cJSON *c = devices->child; c; c = c->next) {
        const cJSON *ports = cJSON_IsObject(c) ? loader__member(c, "ports") : NULL;
        if (!ports || !cJSON_IsNumber(ports) || ports->valuedouble < 1 ||
            ports->valuedouble > LOADER_MAX_IFACES)
            continue;
        total += (size_t)ports->valuedouble;
        if (total <= most)
            continue;
        if (!by_memory)
            return loader__fail(ld, ports,
                                _("%d ports bring the topology's switch and hub ports to %zu; "
                                  "expected at most %u in all (each port costs memory)"),
                                (int)ports->valuedouble, total, LOADER_MAX_PORTS);
        int rc = loader__fail(ld, ports,
                              _("%d ports bring the topology's switch and hub ports to %zu, "
                                "more than %s holds at about %llu bytes a port; expected at most "
                                "%zu in all or a larger --max-memory"),
                              (int)ports->valuedouble, total, ns_alloc_bound(),
                              (unsigned long long)MODEL_COST_PORT, most);
        ld->code = NS_ERR_NOMEM; /* exit status 5, as for the memory estimate */
        return rc;
    }
    return 0;
}

int loader__devices(loader *ld, const cJSON *root) {
    const cJSON *devices = NULL;
    size_t n = 0;
    if (loader__entries(ld, root, "devices",
                        _("an object of devices, e.g. {\"A\": {\"type\": \"host\", \"ip\": "
                          "\"10.0.0.1/24\"}}"),
                        &devices, &n) != 0)
        return NS_ERR_INPUT;
    if (n > LOADER_MAX_DEVICES)
        return loader__fail(ld, devices, _("{...} has %zu devices; expected at most %u"), n,
                            LOADER_MAX_DEVICES);
    if (loader__port_budget(ld, devices) != 0)
        return NS_ERR_INPUT;
    model_topology *t = ld->t;
    t->devices = calloc(n, sizeof *t->devices);
    ld->devs = calloc(n, sizeof *ld->devs);
    if (!t->devices || !ld->devs)
        return loader__nomem(ld);
    t->n_devices = n;
    size_t dev = 0;
    for (const cJSON *c = devices->child; c; c = c->next, dev++) {
        if (!loader__device_name_ok(c->string)) {
            char q[96];
            loader__quote(c->string, q, sizeof q);
            return loader__fail_key(ld, c,
                                    _("%s is not a device name; expected a non-empty name without "
                                      "control characters, e.g. \"A\""),
                                    q);
        }
        size_t name_len = strlen(c->string);
        if (name_len > LOADER_MAX_DEVICE_NAME) {
            char q[96];
            loader__quote(c->string, q, sizeof q);
            return loader__fail_key(ld, c,
                                    _("%s is a device name of %zu bytes; expected at most %d bytes "
                                      "(link names such as \"A.eth0--sw1.p1\" become capture file "
                                      "names)"),
                                    q, name_len, LOADER_MAX_DEVICE_NAME);
        }
        if (!(t->devices[dev].name = loader__strdup(c->string)))
            return loader__nomem(ld);
        strmap_put(ld->names, t->devices[dev].name, (int)dev); /* keys are unique (step 2) */
        ld->devs[dev].node = c;
        if (loader__device(ld, dev, c) != 0)
            return NS_ERR_INPUT;
    }
    return loader__check_pools(ld);
}
