/*
 * show_text: a shown table (trace_show, a script's "show") as the familiar
 * tool prints it, one formatter per table: `ifconfig` (net-tools
 * lib/interface.c), `ip route` (iproute2 ip/iproute.c print_route), `arp -a`
 * (net-tools arp.c arp_disp), a switch's `show mac address-table` (Cisco IOS
 * layout, plus the entry's age), `conntrack -L` (conntrack-tools) and
 * `netstat -an` (net-tools netstat.c). docs/apps.md shows each.
 *
 * The text trace, the viewer and the tests read the same lines. A formatter
 * reads fields by name (trace_row_get), so a row with a field more or less
 * (a neighbour state, say) needs one change here.
 */
#ifndef NETSIM_SINKS_SHOW_TEXT_H
#define NETSIM_SINKS_SHOW_TEXT_H

#include "trace/trace.h"
#include "util/strbuf.h"

/* Appends the table's lines to `out`, each ending in '\n': first the command
 * as typed ("$ arp -a"), then what the tool prints, blank lines included.
 * No line ends in a space. */
void show_text_format(const trace_show *s, strbuf *out);

#endif
