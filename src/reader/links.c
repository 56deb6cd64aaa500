/*
 * reader/links: the "links" array, in four passes so that the result does not
 * depend on the order of the links beyond what the file says:
 *   (A) parse every entry and resolve its devices;
 *   (B) give switches and hubs without "ports" one port per link end naming
 *       them;
 *   (C) claim every named interface or port in file order;
 *   (D) give each bare switch/hub name its lowest free port, in file order.
 * An interface or port is in one link at most; a second claim names the first.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/network.h"
#include "reader/internal.h"

#define LOADER_EXPECT_ENDPOINT                                                                     \
    _("an endpoint: \"device\" or \"device.interface\", e.g. \"r1.eth0\"")

/* The device named by the first n bytes of s, or -1. */
static int loader__lookup_prefix(loader *ld, const char *s, size_t n) {
    char small[128];
    char *buf = n < sizeof small ? small : malloc(n + 1);
    if (!buf)
        return -2;
    memcpy(buf, s, n);
    buf[n] = '\0';
    int d = strmap_get(ld->names, buf);
    if (buf != small)
        free(buf);
    return d;
}

/* Reports an endpoint (or "on") that names no device, with a suggestion
 * from all device names, matching the whole text or the part before the
 * last '.' (then suggesting "device.interface"). */
int loader__unknown_device(loader *ld, const cJSON *value, const char *s, bool dotted_ok,
                           const char *expected_fallback) {
    const model_topology *t = ld->t;
    const char *dot = dotted_ok ? strrchr(s, '.') : NULL;
    char *prefix = NULL;
    if (dot && dot != s && dot[1]) {
        prefix = malloc((size_t)(dot - s) + 1);
        if (!prefix)
            return loader__nomem(ld);
        memcpy(prefix, s, (size_t)(dot - s));
        prefix[dot - s] = '\0';
    }
    const char *best = NULL;
    bool best_dotted = false;
    size_t best_d = SIZE_MAX, dist;
    for (size_t i = 0; i < t->n_devices; i++) {
        const char *name = t->devices[i].name;
        if (suggest_close(s, name, &dist) && dist < best_d) {
            best = name;
            best_d = dist;
            best_dotted = false;
        }
        if (prefix && suggest_close(prefix, name, &dist) && dist < best_d) {
            best = name;
            best_d = dist;
            best_dotted = true;
        }
    }
    free(prefix);
    char v[96], sug[300];
    loader__value_text(ld, value, v, sizeof v);
    if (best) {
        char text[300];
        snprintf(text, sizeof text, "%s%s%s", best, best_dotted ? "." : "",
                 best_dotted ? dot + 1 : "");
        loader__quote(text, sug, sizeof sug);
        return loader__fail(ld, value, _("%s names no device; did you mean %s?"), v, sug);
    }
    if (t->n_devices <= LOADER_LIST_MAX) {
        const char *names[LOADER_LIST_MAX];
        for (size_t i = 0; i < t->n_devices; i++)
            names[i] = t->devices[i].name;
        char list[512];
        loader__list(names, t->n_devices, "", _(" or "), list, sizeof list);
        return loader__fail(ld, value, _("%s names no device; expected %s%s"), v,
                            t->n_devices > 1 ? _("one of ") : "", list);
    }
    return loader__fail(ld, value, _("%s names no device; expected %s"), v, expected_fallback);
}

/* Pass A for one endpoint string: which device, and which interface name. */
static int loader__endpoint(loader *ld, const cJSON *value, loader__end *e) {
    const char *s = NULL;
    if (loader__string(ld, value, LOADER_EXPECT_ENDPOINT, &s) != 0)
        return NS_ERR_INPUT;
    e->node = value;
    e->ifname = NULL;
    int d = strmap_get(ld->names, s);
    if (d < 0) {
        const char *dot = strrchr(s, '.');
        if (dot && dot != s && dot[1]) {
            d = loader__lookup_prefix(ld, s, (size_t)(dot - s));
            if (d == -2)
                return loader__nomem(ld);
            e->ifname = dot + 1;
        }
    }
    if (d < 0)
        return loader__unknown_device(ld, value, s, true, LOADER_EXPECT_ENDPOINT);
    e->dev = (size_t)d;
    ld->devs[d].mentions++;
    return 0;
}

static int loader__link_entry(loader *ld, const cJSON *entry, size_t k) {
    static const char *const keys[] = {"ends", "delay", "bandwidth", "queue", "loss"};
    model_link *l = &ld->t->links[k];
    const cJSON *ends = entry;
    l->delay_ns = LINK_DEFAULT_DELAY_NS;
    l->bandwidth_bps = LINK_DEFAULT_BANDWIDTH_BPS;
    l->queue_frames = LINK_DEFAULT_QUEUE_FRAMES;
    if (cJSON_IsObject(entry)) {
        if (loader__check_keys(ld, entry, keys, 5, NULL) != 0)
            return NS_ERR_INPUT;
        ends = loader__member(entry, "ends");
        if (!ends)
            return loader__missing(ld, entry, "ends",
                                   _("\"ends\": two endpoints, e.g. [\"A\", \"sw1\"]"));
        if (!cJSON_IsArray(ends))
            return loader__type_error(ld, ends, _("two endpoints, e.g. [\"A\", \"sw1\"]"));
        const cJSON *delay = loader__member(entry, "delay");
        const cJSON *bw = loader__member(entry, "bandwidth");
        if ((delay && loader__duration(ld, delay, false, &l->delay_ns) != 0) ||
            (bw && loader__bitrate(ld, bw, &l->bandwidth_bps) != 0) ||
            loader__opt_u32(ld, entry, "queue", 1, 1000000, &l->queue_frames) != 0 ||
            loader__opt_probability(ld, entry, "loss", &l->loss) != 0)
            return NS_ERR_INPUT;
    } else if (!cJSON_IsArray(entry)) {
        return loader__type_error(ld, entry,
                                  _("a link: two endpoints such as [\"A\", \"sw1\"], or an object "
                                    "such as {\"ends\": [\"A\", \"sw1\"], \"delay\": \"5us\"}"));
    }
    size_t n = loader__count(ends);
    if (n != 2) {
        char v[16];
        loader__value_text(ld, ends, v, sizeof v);
        return loader__fail(
            ld, ends,
            ngettext("%s has %zu endpoint; expected exactly two, e.g. [\"A\", \"sw1\"]",
                     "%s has %zu endpoints; expected exactly two, e.g. [\"A\", \"sw1\"]", n),
            v, n);
    }
    loader__link *lk = &ld->links[k];
    if (loader__endpoint(ld, ends->child, &lk->end[0]) != 0 ||
        loader__endpoint(ld, ends->child->next, &lk->end[1]) != 0)
        return NS_ERR_INPUT;
    if (lk->end[0].dev == lk->end[1].dev) {
        char v[96], other[400];
        loader__value_text(ld, lk->end[1].node, v, sizeof v);
        loader__path(ld, lk->end[0].node, other, sizeof other);
        return loader__fail(
            ld, lk->end[1].node,
            _("%s is on %s, like %s; expected a link between two different devices"), v,
            ld->t->devices[lk->end[0].dev].name, other);
    }
    return 0;
}

/* Takes interface `iface` of the end's device for end `e`, or reports which
 * link end took it first. */
static int loader__claim(loader *ld, loader__end *e, size_t iface) {
    loader__dev *x = &ld->devs[e->dev];
    const model_device *d = &ld->t->devices[e->dev];
    if (x->claimed[iface]) {
        char v[96], other[400], extra[300] = "";
        loader__value_text(ld, e->node, v, sizeof v);
        loader__path(ld, x->claimed[iface], other, sizeof other);
        if (!e->ifname)
            snprintf(extra, sizeof extra, " (%s.%s)", d->name, d->ifaces[iface].name);
        bool is_port = d->type == DEVICE_SWITCH || d->type == DEVICE_HUB;
        return loader__fail(ld, e->node,
                            is_port
                                ? _("%s%s is already connected by %s; expected each port in one "
                                    "link only")
                                : _("%s%s is already connected by %s; expected each interface in "
                                    "one link only"),
                            v, extra, other);
    }
    x->claimed[iface] = e->node;
    e->iface = iface;
    return 0;
}

/* Parses "pN" (no leading zeros) into N, or returns 0. */
static size_t loader__port_number(const char *s) {
    if (s[0] != 'p' || s[1] < '1' || s[1] > '9')
        return 0;
    size_t n = 0;
    for (const char *p = s + 1; *p; p++) {
        if (*p < '0' || *p > '9' || n > LOADER_MAX_IFACES)
            return 0;
        n = n * 10 + (size_t)(*p - '0');
    }
    return n;
}

/* Pass C for one end: a named interface or port, or a host/router's only
 * interface. Bare switch/hub names wait for pass D. */
static int loader__resolve_named(loader *ld, loader__end *e) {
    const model_device *d = &ld->t->devices[e->dev];
    bool is_port = d->type == DEVICE_SWITCH || d->type == DEVICE_HUB;
    char v[96];
    if (!e->ifname) {
        if (is_port)
            return 0;
        if (d->n_ifaces == 1)
            return loader__claim(ld, e, 0);
        const char **names = malloc(d->n_ifaces * sizeof *names);
        if (!names)
            return loader__nomem(ld);
        for (size_t i = 0; i < d->n_ifaces; i++)
            names[i] = d->ifaces[i].name;
        char list[600], prefix[300];
        snprintf(prefix, sizeof prefix, "%s.", d->name);
        loader__list(names, d->n_ifaces, prefix, _(" or "), list, sizeof list);
        free(names);
        loader__value_text(ld, e->node, v, sizeof v);
        return loader__fail(ld, e->node,
                            _("%s is ambiguous: %s has %zu interfaces; expected one of %s"), v,
                            d->name, d->n_ifaces, list);
    }
    loader__value_text(ld, e->node, v, sizeof v);
    if (is_port) {
        size_t n = loader__port_number(e->ifname);
        if (n >= 1 && n <= d->n_ifaces)
            return loader__claim(ld, e, n - 1);
        char range[400];
        if (d->n_ifaces == 1)
            snprintf(range, sizeof range, "\"%s.p1\"", d->name);
        else
            snprintf(range, sizeof range, _("\"%s.p1\" to \"%s.p%zu\""), d->name, d->name,
                     d->n_ifaces);
        return loader__fail(ld, e->node, _("%s names no port of %s; expected %s%s"), v, d->name,
                            range,
                            ld->devs[e->dev].ports_given
                                ? ""
                                : _(" (without \"ports\" it has one port per link end naming it)"));
    }
    long i = loader__iface_index(ld, e->dev, e->ifname);
    if (i == -2)
        return loader__nomem(ld);
    if (i >= 0)
        return loader__claim(ld, e, (size_t)i);
    const char **names = malloc(d->n_ifaces * sizeof *names);
    if (!names)
        return loader__nomem(ld);
    for (size_t k = 0; k < d->n_ifaces; k++)
        names[k] = d->ifaces[k].name;
    char list[600], prefix[300], sug[300];
    snprintf(prefix, sizeof prefix, "%s.", d->name);
    const char *best = suggest_closest(e->ifname, names, d->n_ifaces);
    loader__list(names, d->n_ifaces, prefix, _(" or "), list, sizeof list);
    free(names);
    if (best) {
        char text[400];
        snprintf(text, sizeof text, "%s.%s", d->name, best);
        loader__quote(text, sug, sizeof sug);
        return loader__fail(ld, e->node, _("%s names no interface of %s; did you mean %s?"), v,
                            d->name, sug);
    }
    return loader__fail(ld, e->node, _("%s names no interface of %s; expected %s%s"), v, d->name,
                        d->n_ifaces > 1 ? _("one of ") : "", list);
}

/* Pass D for one bare switch/hub end: its lowest free port. */
static int loader__resolve_bare(loader *ld, loader__end *e) {
    loader__dev *x = &ld->devs[e->dev];
    const model_device *d = &ld->t->devices[e->dev];
    while (x->next_free < d->n_ifaces && x->claimed[x->next_free])
        x->next_free++;
    if (x->next_free < d->n_ifaces)
        return loader__claim(ld, e, x->next_free);
    char v[96];
    loader__value_text(ld, e->node, v, sizeof v);
    return loader__fail(
        ld, e->node,
        ngettext("%s has no free port: the %zu port of %s is connected; expected at most "
                 "%zu link to it, or \"ports\": %zu",
                 "%s has no free port: all %zu ports of %s are connected; expected at most "
                 "%zu links to it, or \"ports\": %zu",
                 d->n_ifaces),
        v, d->n_ifaces, d->name, d->n_ifaces, x->mentions);
}

int loader__links(loader *ld, const cJSON *root) {
    const cJSON *links = loader__member(root, "links");
    model_topology *t = ld->t;
    size_t n = 0;
    if (links) {
        if (!cJSON_IsArray(links))
            return loader__type_error(
                ld, links, _("an array of links, e.g. [[\"A\", \"sw1\"], [\"B\", \"sw1\"]]"));
        n = loader__count(links);
    }
    if (n) {
        t->links = calloc(n, sizeof *t->links);
        ld->links = calloc(n, sizeof *ld->links);
        if (!t->links || !ld->links)
            return loader__nomem(ld);
        t->n_links = n;
    }
    size_t k = 0;
    for (const cJSON *e = links ? links->child : NULL; e; e = e->next, k++) /* pass A */
        if (loader__link_entry(ld, e, k) != 0)
            return NS_ERR_INPUT;
    for (size_t d = 0; d < t->n_devices; d++) { /* pass B */
        model_device *dev = &t->devices[d];
        loader__dev *x = &ld->devs[d];
        if ((dev->type == DEVICE_SWITCH || dev->type == DEVICE_HUB) && !x->ports_given) {
            if (x->mentions > LOADER_MAX_IFACES)
                return loader__fail(ld, x->node,
                                    _("{...} is named by %zu link ends; expected at most %d (a "
                                      "device has at most %d ports)"),
                                    x->mentions, LOADER_MAX_IFACES, LOADER_MAX_IFACES);
            if (loader__make_ports(ld, d, x->mentions) != 0)
                return NS_ERR_INPUT;
        }
        if (dev->n_ifaces && !(x->claimed = calloc(dev->n_ifaces, sizeof *x->claimed)))
            return loader__nomem(ld);
    }
    for (k = 0; k < n; k++) /* pass C */
        for (int j = 0; j < 2; j++)
            if (loader__resolve_named(ld, &ld->links[k].end[j]) != 0)
                return NS_ERR_INPUT;
    for (k = 0; k < n; k++) /* pass D */
        for (int j = 0; j < 2; j++) {
            loader__end *e = &ld->links[k].end[j];
            const model_device *dev = &t->devices[e->dev];
            if (!e->ifname && (dev->type == DEVICE_SWITCH || dev->type == DEVICE_HUB) &&
                loader__resolve_bare(ld, e) != 0)
                return NS_ERR_INPUT;
        }
    for (k = 0; k < n; k++) {
        t->links[k].a = (model_endpoint){ld->links[k].end[0].dev, ld->links[k].end[0].iface};
        t->links[k].b = (model_endpoint){ld->links[k].end[1].dev, ld->links[k].end[1].iface};
    }
    return 0;
}
