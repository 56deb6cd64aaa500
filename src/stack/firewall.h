/*
 * firewall: ordered packet-filter rules on a host or router, as iptables'
 * filter table: each packet is checked against the chain it is on (in:
 * addressed to this device; out: sent by it; forward: routed through it), the
 * first matching rule decides, and the default policy decides when none
 * matches. ARP is not filtered (iptables does not see it either).
 */
#ifndef NETSIM_STACK_FIREWALL_H
#define NETSIM_STACK_FIREWALL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "model/topology.h"

typedef struct firewall {
    fw_action policy;
    const model_fw_rule *rules; /* borrowed from the model */
    size_t n_rules;
} firewall;

/* The decision for the IPv4 packet `ip` (len bytes, header already valid) on
 * `chain` (one FW_CHAIN_* bit) through interface `iface` (-1 when none).
 * *rule is set to the matching rule's index, or -1 for the default policy. */
fw_action firewall_check(const firewall *fw, uint8_t chain, int iface, const uint8_t *ip,
                         size_t len, int *rule);

/* Describes rule `index` (or the policy for -1) for a trace's why:
 * "firewall rule 1: deny icmp echo-request in" / "firewall default policy: deny". */
void firewall_describe(const firewall *fw, int index, char *buf, size_t cap);

/* The rules, numbered from 1, for state.txt. */
void firewall_write_state(const firewall *fw, FILE *out);

#endif
