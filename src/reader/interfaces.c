/*
 * reader/interfaces: the interfaces of a device. Hosts and routers name theirs
 * (or use the short form "ip"/"mac" for one interface eth0); switches and hubs
 * get ports p1..pN. Every interface gets a MAC (given, or the default
 * 02:DD:DD:DD:II:II from the device and interface numbers); MACs and IPv4
 * addresses must be unique across the topology, and a clash is reported at
 * whichever of the two was written in the file (u64map look-ups, so linear
 * time). Also the look-up of an interface by name, used by routes, firewall
 * rules, NAT and links.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reader/internal.h"
#include "util/text.h"

#define LOADER_IFACE_MAP_MIN 8 /* devices with more interfaces get a name map */
#define LOADER_EXPECT_MAC    _("six hex pairs separated by ':', e.g. \"02:00:00:00:00:01\"")

static const char *loader__iface_label(const loader *ld, uint32_t dev, uint32_t iface, char *buf,
                                       size_t cap) {
    const model_device *d = &ld->t->devices[dev];
    snprintf(buf, cap, "%s.%s", d->name, d->ifaces[iface].name);
    return buf;
}

/* Registers the MAC of devices[dev].ifaces[iface]; `node` is its "mac" value
 * or NULL for a default. Two holders of one MAC are an error at whichever of
 * them was written in the file. */
static int loader__add_mac(loader *ld, size_t dev, size_t iface, const cJSON *node) {
    mac_addr mac = ld->t->devices[dev].ifaces[iface].mac;
    bool created = false;
    loader__holder *h = u64map_put(ld->macs, mac_to_u64(mac), &created);
    if (created) {
        *h = (loader__holder){(uint32_t)dev, (uint32_t)iface, node};
        return 0;
    }
    char label[300], v[96];
    loader__iface_label(ld, h->dev, h->iface, label, sizeof label);
    if (node) {
        loader__value_text(ld, node, v, sizeof v);
        return loader__fail(
            ld, node, _("%s is already the MAC of %s%s; expected a MAC no other interface has"), v,
            label, h->node ? "" : _(" (its default)"));
    }
    /* This default collides with an earlier explicit MAC: report that one. */
    char mine[300];
    loader__iface_label(ld, (uint32_t)dev, (uint32_t)iface, mine, sizeof mine);
    loader__value_text(ld, h->node, v, sizeof v);
    return loader__fail(ld, h->node,
                        _("%s is also the default MAC of %s; expected a MAC no other interface has "
                          "(defaults are 02:DD:DD:DD:II:II by device and interface number)"),
                        v, mine);
}

/* The default MAC 02:DD:DD:DD:II:II of device number d and interface number
 * i, both 1-based. */
static mac_addr loader__default_mac(size_t d, size_t i) {
    mac_addr m = {
        {0x02, (uint8_t)(d >> 16), (uint8_t)(d >> 8), (uint8_t)d, (uint8_t)(i >> 8), (uint8_t)i}};
    return m;
}

/* An interface's "mac" value (or the default when node is NULL). */
static int loader__iface_mac(loader *ld, size_t dev, size_t iface, const cJSON *node) {
    model_iface *f = &ld->t->devices[dev].ifaces[iface];
    if (!node) {
        f->mac = loader__default_mac(dev + 1, iface + 1);
        return loader__add_mac(ld, dev, iface, NULL);
    }
    const char *s = NULL;
    char v[96];
    if (loader__string(
            ld, node,
            _("a MAC address: six hex pairs separated by ':', e.g. \"02:00:00:00:00:01\""),
            &s) != 0)
        return NS_ERR_INPUT;
    loader__value_text(ld, node, v, sizeof v);
    if (mac_parse(s, &f->mac) != 0)
        return loader__fail(ld, node, _("%s is not a MAC address; expected %s"), v,
                            LOADER_EXPECT_MAC);
    if (mac_is_multicast(f->mac))
        return loader__fail(ld, node,
                            _("%s is a group (multicast) address; expected a unicast MAC, whose "
                              "first byte is even, e.g. \"02:00:00:00:00:01\""),
                            v);
    if (mac_equal(f->mac, MAC_ZERO))
        return loader__fail(ld, node,
                            _("%s is the all-zero address; expected a unicast MAC, e.g. "
                              "\"02:00:00:00:00:01\""),
                            v);
    return loader__add_mac(ld, dev, iface, node);
}

/* An interface's address and prefix length: "ip" as "a.b.c.d/len" or
 * "a.b.c.d/m.m.m.m", or "ip": "a.b.c.d" with "netmask": "m.m.m.m" (the notes'
 * and ifconfig's notation); both a prefix and a netmask must agree. */
static int loader__iface_addr(loader *ld, const cJSON *node, const cJSON *mask_node, ipv4_addr *a,
                              int *len) {
    const char *s = NULL;
    char v[96], m[IPV4_TEXT_LEN], want[IPV4_TEXT_LEN];
    int mask_len = 0;
    if (loader__string(ld, node, LOADER_EXPECT_PREFIX, &s) != 0)
        return NS_ERR_INPUT;
    loader__value_text(ld, node, v, sizeof v);
    if (mask_node && loader__netmask(ld, mask_node, &mask_len) != 0)
        return NS_ERR_INPUT;
    if (ipv4_parse(s, a) == 0) {
        if (mask_node) {
            *len = mask_len;
            return 0;
        }
        return loader__fail(
            ld, node,
            _("%s has no prefix length; expected \"%s/24\" (or \"%s/255.255.255.0\"), "
              "or \"ip\": \"%s\" with \"netmask\": \"255.255.255.0\""),
            v, s, s, s);
    }
    if (loader__prefix(ld, node, a, len) != 0)
        return NS_ERR_INPUT;
    if (mask_node && mask_len != *len) {
        char mv[96];
        loader__value_text(ld, mask_node, mv, sizeof mv);
        return loader__fail(ld, mask_node,
                            _("%s (/%d) disagrees with the /%d of \"ip\": %s; expected one of them "
                              "only, e.g. \"ip\": \"%s\", \"netmask\": \"%s\""),
                            mv, mask_len, *len, v, ipv4_format(*a, m),
                            ipv4_format(ipv4_netmask(*len), want));
    }
    return 0;
}

/* An interface's "ip" value (and its "netmask", or NULL): a host address
 * with its prefix length. */
static int loader__iface_ip(loader *ld, size_t dev, size_t iface, const cJSON *node,
                            const cJSON *mask_node) {
    model_iface *f = &ld->t->devices[dev].ifaces[iface];
    ipv4_addr a = 0;
    int len = 0;
    char v[96], net[IPV4_TEXT_LEN], lo[IPV4_TEXT_LEN], hi[IPV4_TEXT_LEN];
    if (loader__iface_addr(ld, node, mask_node, &a, &len) != 0)
        return NS_ERR_INPUT;
    loader__value_text(ld, node, v, sizeof v);
    if (len == 0)
        return loader__fail(ld, node, _("%s has prefix length 0; expected a length from 1 to 32"),
                            v);
    if (ipv4_is_loopback(a))
        return loader__fail(ld, node,
                            _("%s is a loopback address; expected an address outside 127.0.0.0/8 "
                              "(every device has loopback built in)"),
                            v);
    if (ipv4_is_multicast(a))
        return loader__fail(
            ld, node, _("%s is a multicast address (224.0.0.0/4); expected a unicast address"), v);
    if ((a >> 28) == 0xf)
        return loader__fail(
            ld, node, _("%s is in the reserved range 240.0.0.0/4; expected a unicast address"), v);
    ipv4_addr mask = ipv4_netmask(len);
    if (len <= 30 && ((a & ~mask) == 0 || (a & ~mask) == ~mask)) {
        ipv4_format(a & mask, net);
        ipv4_format((a & mask) + 1, lo);
        ipv4_format((a | ~mask) - 1, hi);
        return loader__fail(
            ld, node,
            (a & ~mask) == 0
                ? _("%s is the network address of %s/%d; expected a host address from %s to %s")
                : _("%s is the broadcast address of %s/%d; expected a host address from %s to %s"),
            v, net, len, lo, hi);
    }
    f->has_ip = true;
    f->ip = a;
    f->prefix_len = len;
    bool created = false;
    loader__holder *h = u64map_put(ld->ips, a, &created);
    if (!created) {
        char label[300];
        loader__iface_label(ld, h->dev, h->iface, label, sizeof label);
        return loader__fail(ld, node,
                            _("%s is already the address of %s; expected an address no other "
                              "interface has"),
                            v, label);
    }
    *h = (loader__holder){(uint32_t)dev, (uint32_t)iface, node};
    return 0;
}

/* A "netmask" without the "ip" it belongs to. */
static int loader__mask_alone(loader *ld, const cJSON *mask) {
    char v[96];
    loader__value_text(ld, mask, v, sizeof v);
    return loader__fail(ld, mask,
                        _("%s is given without \"ip\"; expected \"ip\": \"a.b.c.d\" beside it, "
                          "e.g. \"ip\": \"10.0.0.1\", \"netmask\": %s"),
                        v, v);
}

/* Interface names are written after a '.' in link endpoints, so they hold
 * no '.'; keeping them to a small alphabet keeps traces readable. */
static bool loader__iface_name_ok(const char *s) {
    size_t n = strlen(s);
    if (n == 0 || n > 32)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_'))
            return false;
    }
    return true;
}

/* Allocates devices[dev].ifaces (n of them, zeroed). With `names` > 0 the
 * block has that many bytes more after them for the interfaces' names
 * (iface_names_inline): a port's "p7" then costs 3 bytes, not a 32-byte
 * allocation of its own. */
static int loader__alloc_ifaces(loader *ld, size_t dev, size_t n, size_t names) {
    model_device *d = &ld->t->devices[dev];
    d->ifaces = n ? calloc(1, n * sizeof *d->ifaces + names) : NULL;
    if (n && !d->ifaces)
        return loader__nomem(ld);
    d->n_ifaces = n;
    d->iface_names_inline = n && names;
    return 0;
}

/* The interfaces of a host or router: the short form ("ip", "mac": one
 * interface eth0) or "interfaces". */
int loader__ifaces(loader *ld, size_t dev, const cJSON *obj) {
    model_device *d = &ld->t->devices[dev];
    const cJSON *ip = loader__member(obj, "ip"), *mac = loader__member(obj, "mac");
    const cJSON *mask = loader__member(obj, "netmask"), *ifs = loader__member(obj, "interfaces");
    static const char *const iface_keys[] = {"ip", "netmask", "mac"};
    if (ifs && (ip || mac || mask))
        return loader__fail(
            ld, ifs,
            _("\"interfaces\" is given together with \"%s\"; expected either \"ip\" "
              "(and \"mac\") for a single interface eth0, or \"interfaces\", not both"),
            ip    ? "ip"
            : mac ? "mac"
                  : "netmask");
    if (!ifs) {
        if (d->type == DEVICE_ROUTER)
            return loader__missing(ld, obj, "interfaces",
                                   "\"interfaces\": {\"eth0\": {\"ip\": \"10.0.0.1/24\"}, ...}");
        if (loader__alloc_ifaces(ld, dev, 1, sizeof "eth0") != 0)
            return NS_ERR_NOMEM;
        d->ifaces[0].name = memcpy(d->ifaces + 1, "eth0", sizeof "eth0");
        if (loader__iface_mac(ld, dev, 0, mac) != 0)
            return NS_ERR_INPUT;
        if (mask && !ip)
            return loader__mask_alone(ld, mask);
        return ip ? loader__iface_ip(ld, dev, 0, ip, mask) : 0;
    }
    const char *example = _("an object of interfaces, e.g. {\"eth0\": {\"ip\": \"10.0.0.1/24\"}}");
    if (!cJSON_IsObject(ifs))
        return loader__type_error(ld, ifs, example);
    size_t n = loader__count(ifs);
    if (n == 0)
        return loader__fail(ld, ifs, _("{} has no interfaces; expected %s"), example);
    if (n > LOADER_MAX_IFACES)
        return loader__fail(ld, ifs, _("{...} has %zu interfaces; expected at most %d"), n,
                            LOADER_MAX_IFACES);
    if (loader__alloc_ifaces(ld, dev, n, 0) != 0)
        return NS_ERR_NOMEM;
    size_t i = 0;
    for (const cJSON *f = ifs->child; f; f = f->next, i++) {
        char q[96];
        if (!loader__iface_name_ok(f->string)) {
            loader__quote(f->string, q, sizeof q);
            return loader__fail_key(ld, f,
                                    _("%s is not an interface name; expected 1 to 32 letters, "
                                      "digits, '-' or '_', e.g. \"eth0\""),
                                    q);
        }
        if (!(d->ifaces[i].name = loader__strdup(f->string)))
            return loader__nomem(ld);
        if (!cJSON_IsObject(f))
            return loader__type_error(ld, f, _("an object such as {\"ip\": \"10.0.0.1/24\"}"));
        if (loader__check_keys(ld, f, iface_keys, 3, NULL) != 0)
            return NS_ERR_INPUT;
        if (loader__iface_mac(ld, dev, i, loader__member(f, "mac")) != 0)
            return NS_ERR_INPUT;
        const cJSON *fip = loader__member(f, "ip"), *fmask = loader__member(f, "netmask");
        if (fmask && !fip)
            return loader__mask_alone(ld, fmask);
        if (fip && loader__iface_ip(ld, dev, i, fip, fmask) != 0)
            return NS_ERR_INPUT;
    }
    return 0;
}

/* The index of interface `name` of device `dev`, or -1. Devices with many
 * interfaces get a name map on first use, so look-ups stay O(1). */
long loader__iface_index(loader *ld, size_t dev, const char *name) {
    model_device *d = &ld->t->devices[dev];
    loader__dev *x = &ld->devs[dev];
    if (d->n_ifaces > LOADER_IFACE_MAP_MIN) {
        if (!x->iface_names) {
            x->iface_names = strmap_new();
            if (!x->iface_names)
                return -2;
            for (size_t i = 0; i < d->n_ifaces; i++)
                strmap_put(x->iface_names, d->ifaces[i].name, (int)i);
        }
        return strmap_get(x->iface_names, name);
    }
    for (size_t i = 0; i < d->n_ifaces; i++)
        if (strcmp(d->ifaces[i].name, name) == 0)
            return (long)i;
    return -1;
}

/* Looks up the interface named by string `node`; did-you-mean otherwise. */
int loader__route_iface(loader *ld, size_t dev, const cJSON *node, long *out) {
    const model_device *d = &ld->t->devices[dev];
    const char *s = NULL;
    if (loader__string(ld, node, _("the name of one of the device's interfaces, e.g. \"eth0\""),
                       &s) != 0)
        return NS_ERR_INPUT;
    long i = loader__iface_index(ld, dev, s);
    if (i == -2)
        return loader__nomem(ld);
    if (i >= 0) {
        *out = i;
        return 0;
    }
    const char **names = malloc(d->n_ifaces * sizeof *names);
    if (!names)
        return loader__nomem(ld);
    for (size_t k = 0; k < d->n_ifaces; k++)
        names[k] = d->ifaces[k].name;
    char v[96], list[512];
    loader__value_text(ld, node, v, sizeof v);
    const char *sug = suggest_closest(s, names, d->n_ifaces);
    loader__list(names, d->n_ifaces, "", _(" or "), list, sizeof list);
    free(names);
    if (sug)
        return loader__fail(ld, node, _("%s is not an interface of %s; did you mean \"%s\"?"), v,
                            d->name, sug);
    return loader__fail(ld, node, _("%s is not an interface of %s; expected %s"), v, d->name, list);
}

/* Names and default MACs for ports p1..pN of a switch or hub. */
int loader__make_ports(loader *ld, size_t dev, size_t n) {
    char digits[24];
    size_t names = 0; /* "p", the number, NUL */
    for (size_t i = 1; i <= n; i++)
        names += text_put_u64(digits, i) + 2;
    if (loader__alloc_ifaces(ld, dev, n, names) != 0)
        return NS_ERR_NOMEM;
    if (n == 0)
        return 0; /* no block to put names after */
    model_device *d = &ld->t->devices[dev];
    char *at = (char *)(d->ifaces + n);
    for (size_t i = 0; i < n; i++) {
        d->ifaces[i].name = at;
        *at = 'p';
        size_t digits_len = text_put_u64(at + 1, i + 1); /* writes only the digits */
        at[1 + digits_len] = '\0';
        at += digits_len + 2;
        if (loader__iface_mac(ld, dev, i, NULL) != 0)
            return NS_ERR_INPUT;
    }
    return 0;
}
