/* firewall: first-match rule evaluation and the texts that explain it. */
#include "stack/firewall.h"

#include <string.h>

#include "util/i18n.h"
#include "wire/icmp.h"
#include "wire/ipv4.h"
#include "wire/udp.h"
#include "wire/wire.h"

static bool in_prefix(ipv4_addr a, ipv4_addr net, int len) {
    return len == 0 || ipv4_same_subnet(a, net, len);
}

static bool matches(const model_fw_rule *r, uint8_t chain, int iface, const uint8_t *ip,
                    size_t len) {
    if (!(r->chains & chain) || (r->iface >= 0 && r->iface != iface))
        return false;
    uint8_t protocol = ipv4_get_protocol(ip);
    if (r->protocol && r->protocol != protocol)
        return false;
    if (!in_prefix(ipv4_get_src(ip), r->src, r->src_len) ||
        !in_prefix(ipv4_get_dst(ip), r->dst, r->dst_len))
        return false;
    size_t hlen = ipv4_get_header_len(ip);
    const uint8_t *l4 = ip + hlen;
    bool have_l4 = len >= hlen + 4; /* the ports, or ICMP's type and code */
    if (protocol == IPPROTO_TCP_NUM || protocol == IPPROTO_UDP_NUM) {
        /* TCP's ports sit where UDP's do. */
        uint16_t sport = have_l4 ? wire_get16(l4 + UDP_OFF_SRC_PORT) : 0;
        uint16_t dport = have_l4 ? wire_get16(l4 + UDP_OFF_DST_PORT) : 0;
        if (sport < r->src_port_lo || sport > r->src_port_hi || dport < r->dst_port_lo ||
            dport > r->dst_port_hi)
            return false;
    }
    if (r->icmp_type >= 0 &&
        (!have_l4 || protocol != IPPROTO_ICMP_NUM || l4[ICMP_OFF_TYPE] != r->icmp_type))
        return false;
    return true;
}

fw_action firewall_check(const firewall *fw, uint8_t chain, int iface, const uint8_t *ip,
                         size_t len, int *rule) {
    for (size_t i = 0; i < fw->n_rules; i++)
        if (matches(&fw->rules[i], chain, iface, ip, len)) {
            *rule = (int)i;
            return fw->rules[i].action;
        }
    *rule = -1;
    return fw->policy;
}

static const char *action_name(fw_action a) {
    return a == FW_ALLOW ? "allow" : a == FW_DENY ? "deny" : "reject";
}

static void describe_rule(const model_fw_rule *r, char *buf, size_t cap) {
    char a[IPV4_TEXT_LEN];
    size_t used = (size_t)snprintf(buf, cap, "%s", action_name(r->action));
#define ADD(...)                                                                                   \
    do {                                                                                           \
        if (used < cap)                                                                            \
            used += (size_t)snprintf(buf + used, cap - used, __VA_ARGS__);                         \
    } while (0)
    const char *proto = ipv4_protocol_name(r->protocol);
    if (r->protocol)
        ADD(" %s", proto ? proto : "?");
    if (r->icmp_type == ICMP_ECHO_REQUEST)
        ADD(" echo-request");
    else if (r->icmp_type == ICMP_ECHO_REPLY)
        ADD(" echo-reply");
    else if (r->icmp_type >= 0)
        ADD(" type %d", r->icmp_type);
    if (r->src_len)
        ADD(" from %s/%d", ipv4_format(r->src, a), r->src_len);
    if (r->dst_len)
        ADD(" to %s/%d", ipv4_format(r->dst, a), r->dst_len);
    if (r->src_port_lo != 0 || r->src_port_hi != 65535)
        ADD(r->src_port_lo == r->src_port_hi ? " sport %u" : " sport %u-%u", r->src_port_lo,
            r->src_port_hi);
    if (r->dst_port_lo != 0 || r->dst_port_hi != 65535)
        ADD(r->dst_port_lo == r->dst_port_hi ? " dport %u" : " dport %u-%u", r->dst_port_lo,
            r->dst_port_hi);
    if (r->chains == FW_CHAIN_IN)
        ADD(" in");
    else if (r->chains == FW_CHAIN_OUT)
        ADD(" out");
    else if (r->chains == FW_CHAIN_FORWARD)
        ADD(" forward");
#undef ADD
}

void firewall_describe(const firewall *fw, int index, char *buf, size_t cap) {
    if (index < 0) {
        /* TRANSLATORS: %s is the policy keyword as the topology writes it (allow, deny, reject). */
        snprintf(buf, cap, _("firewall default policy: %s"), action_name(fw->policy));
        return;
    }
    char rule[160];
    describe_rule(&fw->rules[index], rule, sizeof rule);
    /* TRANSLATORS: %2$s is the rule in the topology's syntax ("deny tcp dport 80 in"). */
    snprintf(buf, cap, _("firewall rule %d: %s"), index + 1, rule);
}

void firewall_write_state(const firewall *fw, FILE *out) {
    fprintf(out, "  firewall (first match wins, default %s):\n", action_name(fw->policy));
    for (size_t i = 0; i < fw->n_rules; i++) {
        char rule[160];
        describe_rule(&fw->rules[i], rule, sizeof rule);
        fprintf(out, "    %zu  %s\n", i + 1, rule);
    }
}
