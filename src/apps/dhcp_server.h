/*
 * dhcp_server: a DHCP server (RFC 2131 section 4.3) for one pool on one
 * interface, logging as dnsmasq does ("DHCPOFFER(eth0) 10.0.0.100
 * 02:00:00:02:00:01"). It answers by broadcast to 255.255.255.255:68 while
 * the client has no address (ciaddr 0; netsim's client sets the broadcast
 * flag), and by unicast to ciaddr otherwise.
 *
 * The pool (dhcp_pool) is plain logic, tested on its own: an offer reserves
 * an address for the client's MAC, a request turns it into a lease, a
 * release frees it. Leases do not expire during a run (runs are short; the
 * client does not renew either).
 */
#ifndef NETSIM_APPS_DHCP_SERVER_H
#define NETSIM_APPS_DHCP_SERVER_H

#include <stdbool.h>

#include "model/topology.h"
#include "stack/ip_stack.h"

#define DHCP_SERVER_DEFAULT_LEASE_S 3600 /* one hour, as dnsmasq leases */

typedef struct dhcp_pool dhcp_pool;

/* A pool of lo..hi (inclusive, lo <= hi). Caller frees with dhcp_pool_free. */
dhcp_pool *dhcp_pool_new(ipv4_addr lo, ipv4_addr hi);

/* NULL is a no-op. */
void dhcp_pool_free(dhcp_pool *p);

/* The address to offer `mac` (RFC 2131 4.3.1): the one it holds or was
 * offered; else `requested` (option 50; 0 if none) when it is in the pool
 * and free; else the lowest free address. The address is then reserved for
 * `mac`. Returns 0 when the pool is exhausted. */
ipv4_addr dhcp_pool_offer(dhcp_pool *p, mac_addr mac, ipv4_addr requested);

/* A DHCPREQUEST for `ip` by `mac`: true, and `ip` is leased to `mac`, when
 * `ip` is what `mac` was offered or holds, or is in the pool and free; false
 * (a DHCPNAK) otherwise. */
bool dhcp_pool_request(dhcp_pool *p, mac_addr mac, ipv4_addr ip);

/* DHCPRELEASE, or the client chose another server: `mac`'s address is free. */
void dhcp_pool_release(dhcp_pool *p, mac_addr mac);

/* The address leased (not merely offered) to `mac`, or 0. */
ipv4_addr dhcp_pool_lease_of(const dhcp_pool *p, mac_addr mac);

typedef struct dhcp_server dhcp_server;

/* A server on `st` (borrowed) per `cfg` (borrowed from the model, which must
 * outlive it), binding UDP port 67 at time `at`. Caller frees with
 * dhcp_server_free (void* for device app lists). */
dhcp_server *dhcp_server_new(ip_stack *st, const model_dhcp_server *cfg, sim_time at);
void dhcp_server_free(void *s);

#endif
