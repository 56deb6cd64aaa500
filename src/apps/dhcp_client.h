/*
 * dhcp_client: a DHCP client (RFC 2131 section 4.4) for one interface,
 * printing what ISC dhclient prints ("DHCPDISCOVER on eth0 to
 * 255.255.255.255 port 67 interval 4", "DHCPOFFER of 10.0.0.100 from
 * 10.0.0.1", "bound to 10.0.0.100 -- lease 3600 seconds.").
 *
 * From 0.0.0.0:68 it broadcasts DHCPDISCOVER to 255.255.255.255:67 with the
 * broadcast flag set (it cannot receive unicast before it has an address),
 * takes the first DHCPOFFER, broadcasts DHCPREQUEST naming that server, and
 * on DHCPACK configures the interface (address, mask, default route) and
 * hands the DNS server to the host's netconf. Unanswered messages are sent
 * again after 4, 8, 16 and 32 s (RFC 2131 4.1's doubling, without its random
 * +-1 s); after the last wait it gives up. DHCPNAK restarts from DISCOVER.
 * Either way the host's configuration then settles, so its waiting programs
 * start. The lease is not renewed (T1, T2) within a run.
 */
#ifndef NETSIM_APPS_DHCP_CLIENT_H
#define NETSIM_APPS_DHCP_CLIENT_H

#include "apps/netconf.h"
#include "stack/ip_stack.h"

typedef struct dhcp_client dhcp_client;

/* A client for interface `iface` of netconf_stack(nc), starting at `at`.
 * `nc` is borrowed and must outlive it. Caller frees with dhcp_client_free
 * (void* for device app lists). */
dhcp_client *dhcp_client_new(netconf *nc, uint32_t iface, sim_time at);
void dhcp_client_free(void *c);

#endif
