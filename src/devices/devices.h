/*
 * devices: the constructors of every device kind. Each returns a node the
 * caller hands to network_add_node (which then owns it).
 *  - host:   one IPv4 stack, forwarding off; runs applications.
 *  - router: the same stack with forwarding on (RFC 1812).
 *  - switch: a learning bridge (IEEE 802.1D): learns source MACs per port,
 *            floods broadcast and unknown unicast, filters local traffic,
 *            ages entries out lazily.
 *  - hub:    a repeater; its work is done by the hub segment it belongs to.
 */
#ifndef NETSIM_DEVICES_DEVICES_H
#define NETSIM_DEVICES_DEVICES_H

#include "model/topology.h"
#include "net/network.h"
#include "stack/ip_stack.h"

/* How long a switch keeps a learned MAC address: IEEE 802.1D's default. */
#define SWITCH_DEFAULT_MAC_AGING_NS (300 * SIM_S)

/* A host or a router, by d->type. `net` is borrowed. Exits via ns_out_of_memory on allocation
 * failure. */
node *ip_device_new(network *net, const model_device *d);

/* The stack of a host or router node. */
ip_stack *ip_device_stack(node *n);

/* Gives the device an application to free when the device is freed. */
void ip_device_add_app(node *n, void *app, void (*free_app)(void *));

node *switch_new(network *net, const model_device *d);

node *hub_new(network *net, const model_device *d);

#endif
