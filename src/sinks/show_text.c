/* show_text: each shown table in its tool's layout (see show_text.h). */
#include "sinks/show_text.h"

#include <stdlib.h>
#include <string.h>

/* A field's value, or `fallback` when the row has none. */
static const char *get(const trace_row *r, const char *name, const char *fallback) {
    const char *v = trace_row_get(r, name);
    return v ? v : fallback;
}

/* Ends the current line: drops trailing spaces, adds '\n'. */
static void end_line(strbuf *out) {
    while (out->len > 0 && out->s[out->len - 1] == ' ')
        out->s[--out->len] = '\0';
    strbuf_puts(out, "\n");
}

/* `ifconfig`'s byte count in parentheses: "(180.0 B)", "(1.5 KiB)". */
static void put_scaled(strbuf *out, const char *bytes) {
    static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    unsigned long long b = strtoull(bytes, NULL, 10), tenths = b * 10;
    size_t u = 0;
    for (unsigned long long limit = 1024; u + 1 < 5 && b > limit; limit *= 1024)
        u++;
    for (size_t k = 0; k < u; k++)
        tenths /= 1024;
    strbuf_printf(out, "(%llu.%llu %s)", tenths / 10, tenths % 10, units[u]);
}

/* net-tools ifconfig: flags 4163 = UP|BROADCAST|RUNNING|MULTICAST; without
 * a working link RUNNING goes; a device powered off is not UP either. */
static void format_interfaces(const trace_show *s, strbuf *out) {
    strbuf_puts(out, "$ ifconfig\n");
    for (size_t i = 0; i < s->n_rows; i++) {
        const trace_row *r = &s->rows[i];
        bool up = strcmp(get(r, "up", "yes"), "yes") == 0;
        bool running = up && strcmp(get(r, "link", "yes"), "yes") == 0;
        unsigned flags = 0x1002u | (up ? 0x1u : 0) | (running ? 0x40u : 0);
        strbuf_printf(out, "%s: flags=%u<%s%sBROADCAST,%sMULTICAST>  mtu %s", get(r, "name", "?"),
                      flags, up ? "UP" : "", up ? "," : "", running ? "RUNNING," : "",
                      get(r, "mtu", "1500"));
        end_line(out);
        const char *inet = trace_row_get(r, "inet");
        if (inet) {
            strbuf_printf(out, "        inet %s  netmask %s", inet, get(r, "netmask", "?"));
            const char *bcast = trace_row_get(r, "broadcast");
            if (bcast)
                strbuf_printf(out, "  broadcast %s", bcast);
            end_line(out);
        }
        strbuf_printf(out, "        ether %s  txqueuelen 1000  (Ethernet)", get(r, "mac", "?"));
        end_line(out);
        strbuf_printf(out, "        RX packets %s  bytes %s ", get(r, "rx_packets", "0"),
                      get(r, "rx_bytes", "0"));
        put_scaled(out, get(r, "rx_bytes", "0"));
        end_line(out);
        strbuf_puts(out, "        RX errors 0  dropped 0  overruns 0  frame 0\n");
        strbuf_printf(out, "        TX packets %s  bytes %s ", get(r, "tx_packets", "0"),
                      get(r, "tx_bytes", "0"));
        put_scaled(out, get(r, "tx_bytes", "0"));
        end_line(out);
        strbuf_puts(out, "        TX errors 0  dropped 0 overruns 0  carrier 0  collisions 0\n");
        strbuf_puts(out, "\n");
    }
}

/* iproute2 print_route: each attribute as "name value " in a fixed order. */
static void format_route(const trace_show *s, strbuf *out) {
    static const char *const attrs[] = {"via", "dev", "proto", "scope", "src", "metric"};
    strbuf_puts(out, "$ ip route\n");
    for (size_t i = 0; i < s->n_rows; i++) {
        const trace_row *r = &s->rows[i];
        strbuf_printf(out, "%s", get(r, "dst", "?"));
        for (size_t k = 0; k < sizeof attrs / sizeof attrs[0]; k++) {
            const char *v = trace_row_get(r, attrs[k]);
            if (v)
                strbuf_printf(out, " %s %s", attrs[k], v);
        }
        end_line(out);
    }
}

/* net-tools arp_disp (`arp -a`, numeric: the host name is "?"). */
static void format_arp(const trace_show *s, strbuf *out) {
    strbuf_puts(out, "$ arp -a\n");
    for (size_t i = 0; i < s->n_rows; i++) {
        const trace_row *r = &s->rows[i];
        const char *mac = trace_row_get(r, "mac");
        strbuf_printf(out, "? (%s) at ", get(r, "ip", "?"));
        if (mac)
            strbuf_printf(out, "%s [ether] ", mac);
        else
            strbuf_puts(out, "<incomplete> ");
        if (strcmp(get(r, "state", ""), "PERMANENT") == 0)
            strbuf_puts(out, "PERM ");
        strbuf_printf(out, "on %s", get(r, "dev", "?"));
        end_line(out);
    }
}

/* iproute2 print_neigh (`ip neigh`): address, device, MAC when known, and
 * the neighbour state, as this machine's `ip neigh` prints them. */
static void format_neigh(const trace_show *s, strbuf *out) {
    strbuf_puts(out, "$ ip neigh\n");
    for (size_t i = 0; i < s->n_rows; i++) {
        const trace_row *r = &s->rows[i];
        const char *mac = trace_row_get(r, "mac");
        strbuf_printf(out, "%s dev %s ", get(r, "ip", "?"), get(r, "dev", "?"));
        if (mac)
            strbuf_printf(out, "lladdr %s ", mac);
        strbuf_puts(out, get(r, "state", "?"));
        end_line(out);
    }
}

/* "02:00:00:00:00:01" as Cisco writes it: "0200.0000.0001". */
static void put_cisco_mac(strbuf *out, const char *mac) {
    char dotted[16];
    size_t k = 0;
    for (size_t i = 0; mac[i] && k < 14; i++) {
        if (mac[i] == ':')
            continue;
        if (k == 4 || k == 9)
            dotted[k++] = '.';
        dotted[k++] = mac[i];
    }
    dotted[k] = '\0';
    strbuf_printf(out, "%-14s", dotted);
}

/* Cisco IOS `show mac address-table`, with an Age column (seconds since the
 * entry was last refreshed; Nexus switches show one). */
static void format_mac(const trace_show *s, strbuf *out) {
    strbuf_puts(out, "# show mac address-table\n");
    strbuf_puts(out, "          Mac Address Table\n");
    strbuf_puts(out, "-------------------------------------------\n");
    strbuf_puts(out, "\n");
    strbuf_puts(out, "Vlan    Mac Address       Type        Ports   Age\n");
    strbuf_puts(out, "----    -----------       --------    -----   ---\n");
    for (size_t i = 0; i < s->n_rows; i++) {
        const trace_row *r = &s->rows[i];
        strbuf_printf(out, "%4s    ", get(r, "vlan", "1"));
        put_cisco_mac(out, get(r, "mac", "?"));
        strbuf_printf(out, "    %-8s    %-5s   %s", get(r, "type", "DYNAMIC"), get(r, "port", "?"),
                      get(r, "age", "0"));
        end_line(out);
    }
    strbuf_printf(out, "Total Mac Addresses for this criterion: %zu\n", s->n_rows);
}

/* One conntrack tuple: "src=.. dst=.. sport=.. dport=.. " or, for ICMP,
 * "src=.. dst=.. type=.. code=.. id=.. "; `p` is "" or "reply_". */
static void put_tuple(strbuf *out, const trace_row *r, bool reply) {
    static const char *const names[] = {"src", "dst", "sport", "dport", "type", "code", "id"};
    static const char *const replies[] = {"reply_src",  "reply_dst",  "reply_sport", "reply_dport",
                                          "reply_type", "reply_code", "reply_id"};
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
        const char *v = trace_row_get(r, reply ? replies[k] : names[k]);
        if (v)
            strbuf_printf(out, "%s=%s ", names[k], v);
    }
}

/* conntrack-tools `conntrack -L` (libnetfilter_conntrack's default output). */
static void format_nat(const trace_show *s, strbuf *out) {
    strbuf_puts(out, "$ conntrack -L\n");
    for (size_t i = 0; i < s->n_rows; i++) {
        const trace_row *r = &s->rows[i];
        const char *state = trace_row_get(r, "state");
        const char *status = get(r, "status", "");
        strbuf_printf(out, "%-8s %s %s ", get(r, "proto", "?"), get(r, "proto_num", "0"),
                      get(r, "timeout", "0"));
        if (state)
            strbuf_printf(out, "%s ", state);
        put_tuple(out, r, false);
        if (strcmp(status, "UNREPLIED") == 0)
            strbuf_puts(out, "[UNREPLIED] ");
        put_tuple(out, r, true);
        if (strcmp(status, "ASSURED") == 0)
            strbuf_puts(out, "[ASSURED] ");
        strbuf_puts(out, "mark=0 use=1");
        end_line(out);
    }
}

/* net-tools netstat: "%-5s %6ld %6ld %-23s %-23s %-11s" per socket. */
static void format_sockets(const trace_show *s, strbuf *out) {
    strbuf_puts(out, "$ netstat -an\n");
    strbuf_puts(out, "Active Internet connections (servers and established)\n");
    strbuf_puts(out, "Proto Recv-Q Send-Q Local Address           Foreign Address         State\n");
    for (size_t i = 0; i < s->n_rows; i++) {
        const trace_row *r = &s->rows[i];
        strbuf_printf(out, "%-5s %6s %6s %-23s %-23s %s", get(r, "proto", "?"),
                      get(r, "recv_q", "0"), get(r, "send_q", "0"), get(r, "local", "?"),
                      get(r, "foreign", "?"), get(r, "state", ""));
        end_line(out);
    }
}

void show_text_format(const trace_show *s, strbuf *out) {
    switch (s->table) {
    case TRACE_SHOW_INTERFACES:
        format_interfaces(s, out);
        return;
    case TRACE_SHOW_ROUTE:
        format_route(s, out);
        return;
    case TRACE_SHOW_ARP:
        format_arp(s, out);
        return;
    case TRACE_SHOW_MAC:
        format_mac(s, out);
        return;
    case TRACE_SHOW_NAT:
        format_nat(s, out);
        return;
    case TRACE_SHOW_SOCKETS:
        format_sockets(s, out);
        return;
    case TRACE_SHOW_NEIGH:
        format_neigh(s, out);
        return;
    case TRACE_SHOW_COUNT_:
        break;
    }
    strbuf_puts(out, "(unknown table)\n");
}
