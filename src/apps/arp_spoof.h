/*
 * arp_spoof: the attacker's program in the notes' ARP attack (as arpspoof from
 * dsniff does it): every `interval`, send the victim a forged ARP reply
 * claiming the impersonated address is at the attacker's MAC. Run it twice,
 * once each way, and give the attacker "forwarding": true, and the attacker
 * sits in the middle of the conversation and forwards it: a man in the middle.
 */
#ifndef NETSIM_APPS_ARP_SPOOF_H
#define NETSIM_APPS_ARP_SPOOF_H

#include "model/topology.h"
#include "stack/ip_stack.h"

#define ARP_SPOOF_DEFAULT_COUNT       5           /* forged replies */
#define ARP_SPOOF_DEFAULT_INTERVAL_NS (1 * SIM_S) /* between them */

/* Sets *cfg to the defaults above: no victim, no address claimed, unicast. */
void arp_spoof_defaults(model_arp_spoof *cfg);

typedef struct arp_spoof arp_spoof;

/* Starts at absolute time `at` on `st` (borrowed). Caller frees with
 * arp_spoof_free. */
arp_spoof *arp_spoof_new(ip_stack *st, const model_arp_spoof *cfg, sim_time at);

/* NULL is a no-op; the void* form is for device app lists. */
void arp_spoof_free(void *a);

#endif
