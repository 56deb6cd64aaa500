/*
 * reader/nat: the translation settings of a NAT box ("type": "nat", a router
 * with translation on): inside and outside interfaces, mapping timeouts
 * (defaults as Linux conntrack), pinned mappings and port forwards.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reader/internal.h"
#include "wire/ipv4.h"

/* "ip:port" (a NAT pin's inside endpoint, a port forward's target). */
static int loader__endpoint_addr(loader *ld, const cJSON *node, ipv4_addr *ip, uint16_t *port) {
    const char *expected = _("an address and port such as \"192.168.1.2:6789\"");
    char v[96], text[64];
    if (!cJSON_IsString(node))
        return loader__type_error(ld, node, expected);
    const char *colon = strrchr(node->valuestring, ':');
    unsigned long p = 0;
    char *end = NULL;
    if (colon && (size_t)(colon - node->valuestring) < sizeof text) {
        snprintf(text, sizeof text, "%.*s", (int)(colon - node->valuestring), node->valuestring);
        p = strtoul(colon + 1, &end, 10);
    }
    if (!colon || !end || *end || end == colon + 1 || p == 0 || p > 65535 ||
        ipv4_parse(text, ip) != 0) {
        loader__value_text(ld, node, v, sizeof v);
        return loader__fail(ld, node, _("%s is not an address and port; expected %s"), v, expected);
    }
    *port = (uint16_t)p;
    return 0;
}

static int loader__nat_protocol(loader *ld, const cJSON *obj, uint8_t *out) {
    const cJSON *n = loader__member(obj, "protocol");
    const char *s = NULL;
    char v[96];
    if (!n)
        return loader__missing(ld, obj, "protocol", _("\"protocol\": \"tcp\" or \"udp\""));
    if (loader__string(ld, n, _("\"tcp\" or \"udp\""), &s) != 0)
        return NS_ERR_INPUT;
    if (strcmp(s, "tcp") == 0)
        *out = IPPROTO_TCP_NUM;
    else if (strcmp(s, "udp") == 0)
        *out = IPPROTO_UDP_NUM;
    else {
        loader__value_text(ld, n, v, sizeof v);
        return loader__fail(ld, n,
                            _("%s is not a protocol NAT maps by port; expected \"tcp\" or "
                              "\"udp\""),
                            v);
    }
    return 0;
}

/* "inside", "outside", "pin", "forward", "timeouts" of a NAT box. */
int loader__nat(loader *ld, size_t dev, const cJSON *obj) {
    model_device *d = &ld->t->devices[dev];
    model_nat *nat = d->nat = calloc(1, sizeof *nat);
    if (!nat)
        return loader__nomem(ld);
    nat->enabled = true;
    nat->udp_timeout_ns = NAT_DEFAULT_UDP_TIMEOUT_NS;
    nat->tcp_established_ns = NAT_DEFAULT_TCP_ESTABLISHED_NS;
    nat->tcp_transitory_ns = NAT_DEFAULT_TCP_TRANSITORY_NS;
    nat->icmp_timeout_ns = NAT_DEFAULT_ICMP_TIMEOUT_NS;
    const char *sides[] = {"inside", "outside"};
    long ifc[2] = {-1, -1};
    for (int i = 0; i < 2; i++) {
        const cJSON *n = loader__member(obj, sides[i]);
        if (!n)
            return loader__missing(ld, obj, sides[i],
                                   i == 0
                                       ? _("\"inside\": the interface toward the private network")
                                       : _("\"outside\": the interface toward the Internet"));
        if (loader__route_iface(ld, dev, n, &ifc[i]) != 0)
            return NS_ERR_INPUT;
        if (!d->ifaces[ifc[i]].has_ip) {
            char v[96];
            loader__value_text(ld, n, v, sizeof v);
            return loader__fail(ld, n, _("%s has no IP address; expected an interface with one"),
                                v);
        }
    }
    if (ifc[0] == ifc[1]) {
        char v[96];
        const cJSON *n = loader__member(obj, "outside");
        loader__value_text(ld, n, v, sizeof v);
        return loader__fail(ld, n, _("%s is also the inside interface; expected another interface"),
                            v);
    }
    nat->inside_iface = (uint32_t)ifc[0];
    nat->outside_iface = (uint32_t)ifc[1];
    const cJSON *timeouts = loader__member(obj, "timeouts");
    if (timeouts) {
        static const char *const keys[] = {"udp", "tcp_established", "tcp_transitory", "icmp"};
        if (!cJSON_IsObject(timeouts))
            return loader__type_error(ld, timeouts, _("an object such as {\"udp\": \"300s\"}"));
        if (loader__check_keys(ld, timeouts, keys, 4, NULL) != 0 ||
            loader__opt_duration(ld, timeouts, "udp", true, &nat->udp_timeout_ns) != 0 ||
            loader__opt_duration(ld, timeouts, "tcp_established", true, &nat->tcp_established_ns) !=
                0 ||
            loader__opt_duration(ld, timeouts, "tcp_transitory", true, &nat->tcp_transitory_ns) !=
                0 ||
            loader__opt_duration(ld, timeouts, "icmp", true, &nat->icmp_timeout_ns) != 0)
            return NS_ERR_INPUT;
    }
    const cJSON *pins = loader__member(obj, "pin");
    if (pins) {
        static const char *const keys[] = {"protocol", "inside", "outside_port"};
        if (!cJSON_IsArray(pins))
            return loader__type_error(ld, pins,
                                      _("an array such as [{\"protocol\": \"tcp\", \"inside\": "
                                        "\"192.168.1.2:6789\", \"outside_port\": 6539}]"));
        size_t n = loader__count(pins);
        if (n && !(nat->pins = calloc(n, sizeof *nat->pins)))
            return loader__nomem(ld);
        for (const cJSON *e = pins->child; e; e = e->next) {
            model_nat_pin *pin = &nat->pins[nat->n_pins];
            uint32_t outside = 0;
            if (!cJSON_IsObject(e))
                return loader__type_error(ld, e, _("a pinned mapping object"));
            const cJSON *in = loader__member(e, "inside");
            if (loader__check_keys(ld, e, keys, 3, NULL) != 0 ||
                loader__nat_protocol(ld, e, &pin->protocol) != 0)
                return NS_ERR_INPUT;
            if (!in)
                return loader__missing(ld, e, "inside", "\"inside\": \"192.168.1.2:6789\"");
            if (!loader__member(e, "outside_port"))
                return loader__missing(ld, e, "outside_port", "\"outside_port\": 6539");
            if (loader__endpoint_addr(ld, in, &pin->inside_ip, &pin->inside_port) != 0 ||
                loader__opt_u32(ld, e, "outside_port", 1, 65535, &outside) != 0)
                return NS_ERR_INPUT;
            pin->outside_port = (uint16_t)outside;
            nat->n_pins++;
        }
    }
    const cJSON *forwards = loader__member(obj, "forward");
    if (forwards) {
        static const char *const keys[] = {"protocol", "port", "to"};
        if (!cJSON_IsArray(forwards))
            return loader__type_error(ld, forwards,
                                      _("an array such as [{\"protocol\": \"tcp\", \"port\": "
                                        "8080, \"to\": \"192.168.1.10:80\"}]"));
        size_t n = loader__count(forwards);
        if (n && !(nat->forwards = calloc(n, sizeof *nat->forwards)))
            return loader__nomem(ld);
        for (const cJSON *e = forwards->child; e; e = e->next) {
            model_nat_forward *fw = &nat->forwards[nat->n_forwards];
            uint32_t port = 0;
            if (!cJSON_IsObject(e))
                return loader__type_error(ld, e, _("a port forward object"));
            const cJSON *to = loader__member(e, "to");
            if (loader__check_keys(ld, e, keys, 3, NULL) != 0 ||
                loader__nat_protocol(ld, e, &fw->protocol) != 0)
                return NS_ERR_INPUT;
            if (!loader__member(e, "port"))
                return loader__missing(ld, e, "port", _("\"port\": the outside port, e.g. 8080"));
            if (!to)
                return loader__missing(ld, e, "to", "\"to\": \"192.168.1.10:80\"");
            if (loader__opt_u32(ld, e, "port", 1, 65535, &port) != 0 ||
                loader__endpoint_addr(ld, to, &fw->inside_ip, &fw->inside_port) != 0)
                return NS_ERR_INPUT;
            fw->outside_port = (uint16_t)port;
            nat->n_forwards++;
        }
    }
    return 0;
}
