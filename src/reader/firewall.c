/*
 * reader/firewall: "firewall": {"default", "rules"} of a host or router. Each
 * rule has an action and optional matches (protocol, addresses, ports, ICMP
 * type, direction, interface); ports need TCP or UDP and an ICMP type needs
 * ICMP, so a rule that could never match is an error here, not a silent no-op.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reader/internal.h"
#include "wire/icmp.h"
#include "wire/ipv4.h"

/* A firewall address: "a.b.c.d/len" or a plain address (a /32). */
static int loader__fw_prefix(loader *ld, const cJSON *node, ipv4_addr *addr, int *len) {
    const char *s = NULL;
    if (!cJSON_IsString(node))
        return loader__type_error(ld, node, _("an address or network such as \"10.0.0.0/24\""));
    s = node->valuestring;
    if (ipv4_parse(s, addr) == 0) {
        *len = 32;
        return 0;
    }
    if (loader__prefix(ld, node, addr, len) != 0)
        return NS_ERR_INPUT;
    *addr &= ipv4_netmask(*len);
    return 0;
}

/* A port or a range: 80, or "1024-65535". */
static int loader__fw_ports(loader *ld, const cJSON *node, uint16_t *lo, uint16_t *hi) {
    const char *expected = _("a port such as 80 or a range such as \"1024-65535\"");
    char v[96];
    if (cJSON_IsNumber(node)) {
        long long x = 0;
        if (loader__int(ld, node, 0, 65535, &x) != 0)
            return NS_ERR_INPUT;
        *lo = *hi = (uint16_t)x;
        return 0;
    }
    if (!cJSON_IsString(node))
        return loader__type_error(ld, node, expected);
    unsigned a = 0, b = 0;
    char tail = 0;
    if (sscanf(node->valuestring, "%5u-%5u%c", &a, &b, &tail) != 2 || a > b || b > 65535) {
        loader__value_text(ld, node, v, sizeof v);
        return loader__fail(ld, node, _("%s is not a port range; expected %s"), v, expected);
    }
    *lo = (uint16_t)a;
    *hi = (uint16_t)b;
    return 0;
}

static int loader__fw_rule(loader *ld, size_t dev, const cJSON *node, model_fw_rule *r) {
    static const char *const keys[] = {"action",   "protocol",  "src",       "dst",      "src_port",
                                       "dst_port", "icmp_type", "direction", "interface"};
    static const char *const actions[] = {"allow", "deny", "reject"};
    static const char *const protocols[] = {"any", "icmp", "tcp", "udp"};
    static const uint8_t protocol_numbers[] = {0, IPPROTO_ICMP_NUM, IPPROTO_TCP_NUM,
                                               IPPROTO_UDP_NUM};
    static const char *const directions[] = {"any", "in", "out", "forward"};
    static const uint8_t chains[] = {FW_CHAIN_ALL, FW_CHAIN_IN, FW_CHAIN_OUT, FW_CHAIN_FORWARD};
    char v[96];
    if (!cJSON_IsObject(node))
        return loader__type_error(
            ld, node, _("a rule such as {\"action\": \"deny\", \"protocol\": \"icmp\"}"));
    if (loader__check_keys(ld, node, keys, 9, NULL) != 0)
        return NS_ERR_INPUT;
    memset(r, 0, sizeof *r);
    r->src_port_hi = r->dst_port_hi = 65535;
    r->icmp_type = -1;
    r->chains = FW_CHAIN_ALL;
    r->iface = -1;
    const cJSON *n = loader__member(node, "action");
    if (!n)
        return loader__missing(ld, node, "action",
                               _("\"action\": \"allow\", \"deny\" or \"reject\""));
    size_t k = 0;
    if (loader__choice(ld, n, actions, 3, _("a firewall action"), &k) != 0)
        return NS_ERR_INPUT;
    r->action = k == 0 ? FW_ALLOW : k == 1 ? FW_DENY : FW_REJECT;
    if ((n = loader__member(node, "protocol"))) {
        if (loader__choice(ld, n, protocols, 4, _("a protocol"), &k) != 0)
            return NS_ERR_INPUT;
        r->protocol = protocol_numbers[k];
    }
    if ((n = loader__member(node, "direction"))) {
        if (loader__choice(ld, n, directions, 4, _("a direction"), &k) != 0)
            return NS_ERR_INPUT;
        r->chains = chains[k];
    }
    if (((n = loader__member(node, "src")) &&
         loader__fw_prefix(ld, n, &r->src, &r->src_len) != 0) ||
        ((n = loader__member(node, "dst")) && loader__fw_prefix(ld, n, &r->dst, &r->dst_len) != 0))
        return NS_ERR_INPUT;
    const char *port_keys[] = {"src_port", "dst_port"};
    for (int i = 0; i < 2; i++) {
        if (!(n = loader__member(node, port_keys[i])))
            continue;
        if (r->protocol != IPPROTO_TCP_NUM && r->protocol != IPPROTO_UDP_NUM) {
            loader__value_text(ld, n, v, sizeof v);
            return loader__fail(ld, n,
                                _("%s: ports exist only for TCP and UDP; expected \"protocol\": "
                                  "\"tcp\" or \"udp\" in this rule"),
                                v);
        }
        if (loader__fw_ports(ld, n, i ? &r->dst_port_lo : &r->src_port_lo,
                             i ? &r->dst_port_hi : &r->src_port_hi) != 0)
            return NS_ERR_INPUT;
    }
    if ((n = loader__member(node, "icmp_type"))) {
        long long t = 0;
        if (r->protocol != IPPROTO_ICMP_NUM) {
            loader__value_text(ld, n, v, sizeof v);
            return loader__fail(ld, n,
                                _("%s: an ICMP type needs \"protocol\": \"icmp\" in this rule"), v);
        }
        if (cJSON_IsString(n) && strcmp(n->valuestring, "echo-request") == 0)
            t = ICMP_ECHO_REQUEST;
        else if (cJSON_IsString(n) && strcmp(n->valuestring, "echo-reply") == 0)
            t = ICMP_ECHO_REPLY;
        else if (cJSON_IsString(n)) {
            loader__value_text(ld, n, v, sizeof v);
            return loader__fail(ld, n,
                                _("%s is not an ICMP type; expected \"echo-request\", "
                                  "\"echo-reply\" or a number from 0 to 255"),
                                v);
        } else if (loader__int(ld, n, 0, 255, &t) != 0)
            return NS_ERR_INPUT;
        r->icmp_type = (int)t;
    }
    if ((n = loader__member(node, "interface"))) {
        long i = -1;
        if (loader__route_iface(ld, dev, n, &i) != 0)
            return NS_ERR_INPUT;
        r->iface = (int)i;
    }
    return 0;
}

/* "firewall": {"default": "allow" | "deny", "rules": [...]}. */
int loader__firewall(loader *ld, size_t dev, const cJSON *obj) {
    static const char *const keys[] = {"default", "rules"};
    static const char *const policies[] = {"allow", "deny"};
    model_device *d = &ld->t->devices[dev];
    const cJSON *fw = NULL, *rules = NULL;
    if (loader__opt_object(ld, obj, "firewall",
                           _("a firewall such as {\"default\": \"allow\", \"rules\": "
                             "[{\"action\": \"deny\", \"protocol\": \"icmp\"}]}"),
                           keys, 2, &fw) != 0)
        return NS_ERR_INPUT;
    if (!fw)
        return 0;
    d->has_firewall = true;
    d->fw_default = FW_ALLOW;
    const cJSON *n = loader__member(fw, "default");
    size_t k = 0, count = 0;
    if (n) {
        if (loader__choice(ld, n, policies, 2, _("a policy"), &k) != 0)
            return NS_ERR_INPUT;
        d->fw_default = k == 0 ? FW_ALLOW : FW_DENY;
    }
    if (loader__opt_list(ld, fw, "rules", false, _("an array of rules"), &rules, &count) != 0)
        return NS_ERR_INPUT;
    if (count == 0)
        return 0;
    if (!(d->fw_rules = calloc(count, sizeof *d->fw_rules)))
        return loader__nomem(ld);
    for (const cJSON *r = rules->child; r; r = r->next) {
        if (loader__fw_rule(ld, dev, r, &d->fw_rules[d->n_fw_rules]) != 0)
            return NS_ERR_INPUT;
        d->n_fw_rules++;
    }
    return 0;
}
