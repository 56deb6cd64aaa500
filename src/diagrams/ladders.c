/*
 * ladders: DIR/ladder.dot, a sequence diagram of the run, and
 * ladder-A--B.dot, the same for the packets between two IPv4 addresses (the
 * flows the recorder kept). One arrow per end-to-end packet (a packet id),
 * from the device that sent it to the one it was delivered to, not one per
 * cable; one column per end, for the devices that take part only, in order
 * of first appearance (a sender first), so arrows cross few lifelines; TCP
 * sequence and acknowledgement numbers relative to each direction's ISN, as
 * Wireshark shows them; a TTL under 64 (traceroute's probes) shown; a drop
 * marked. Rows are one per packet, not to scale: idle time takes no room.
 *
 * Laid out here, every node pinned with pos, and rendered by neato -n2: no
 * layout search, so a ladder of hundreds of packets draws in a moment and
 * always the same way.
 */
#include "diagrams/internal.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"
#include "util/i18n.h"
#include "wire/tcp.h"

/* Geometry, in points (neato -n2 takes positions in points). */
#define LADDER_ROW     22.0 /* between two frames */
#define LADDER_TOP     52.0 /* from the column heads to the first frame */
#define LADDER_TIME_X  34.0 /* centre of the time column */
#define LADDER_LEFT    86.0 /* left edge of the first column head */
#define LADDER_MIN_GAP 96.0
#define LADDER_MAX_GAP 420.0
#define LABEL_CHAR_W   5.3 /* a 9 pt Helvetica character, generously */
#define HEAD_CHAR_W    7.6 /* an 11 pt bold character */

/* Width of a column head, in points. */
static double head_width(const model_device *dev) {
    size_t n = strlen(dev->name), k = text_width(dot_device_type_label(dev->type));
    double w = (double)n * HEAD_CHAR_W, wk = (double)k * 5.0;
    return (w > wk ? w : wk) + 24.0;
}

/* The device that owns IPv4 address `ip`, or DG_NO_DEVICE. */
static uint32_t owner_of(const model_topology *t, ipv4_addr ip) {
    for (size_t i = 0; ip && i < t->n_devices; i++)
        for (size_t k = 0; k < t->devices[i].n_ifaces; k++)
            if (t->devices[i].ifaces[k].has_ip && t->devices[i].ifaces[k].ip == ip)
                return (uint32_t)i;
    return DG_NO_DEVICE;
}

/* The far end of a packet: where it was delivered; else (a drop, or a
 * segment no application took) the owner of its destination address; else
 * the last device that got it from a link. */
static uint32_t far_end(const model_topology *t, const packet_rec *p) {
    if (p->deliver != DG_NO_DEVICE)
        return p->deliver;
    uint32_t o = owner_of(t, p->ip_dst);
    return o != DG_NO_DEVICE ? o : p->last_rx;
}

/* The first sequence number of each direction of each TCP connection in a
 * ladder: its SYN's, else the first seen (as Wireshark does). */
typedef struct tcp_base {
    ipv4_addr src, dst;
    uint16_t sport, dport;
    uint32_t seq;
} tcp_base;

static const tcp_base *find_base(const tcp_base *b, size_t n, ipv4_addr src, uint16_t sport,
                                 ipv4_addr dst, uint16_t dport) {
    for (size_t i = 0; i < n; i++)
        if (b[i].src == src && b[i].sport == sport && b[i].dst == dst && b[i].dport == dport)
            return &b[i];
    return NULL;
}

/* "SYN/ACK seq=0 ack=1 len=5": a TCP arrow's label, relative numbers
 * where the base is known. A SYN names its ports: it opens a connection. */
static void tcp_label(strbuf *b, const packet_rec *p, const tcp_base *bases, size_t n_bases) {
    static const struct {
        uint8_t bit;
        const char *name;
    } flags[] = {
        {TCP_SYN, "SYN"}, {TCP_FIN, "FIN"}, {TCP_RST, "RST"}, {TCP_PSH, "PSH"}, {TCP_ACK, "ACK"}};
    if ((p->tcp_flags & (TCP_SYN | TCP_ACK)) == TCP_SYN)
        strbuf_printf(b, "%u &gt; %u ", p->src_port, p->dst_port);
    const char *sep = "";
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
        if (p->tcp_flags & flags[i].bit) {
            strbuf_printf(b, "%s%s", sep, flags[i].name);
            sep = "/";
        }
    const tcp_base *mine =
        find_base(bases, n_bases, p->ip_src, p->src_port, p->ip_dst, p->dst_port);
    /* The other side sends to the addresses it sees, as delivered. */
    const tcp_base *theirs =
        find_base(bases, n_bases, p->rx_dst, p->rx_dport, p->rx_src, p->rx_sport);
    strbuf_printf(b, " seq=%" PRIu32, p->tcp_seq - (mine ? mine->seq : 0));
    if (p->tcp_flags & TCP_ACK)
        strbuf_printf(b, " ack=%" PRIu32, p->tcp_ack - (theirs ? theirs->seq : 0));
    if (p->tcp_len)
        strbuf_printf(b, " len=%u", p->tcp_len);
}

/* One arrow of a ladder, resolved. */
typedef struct arrow {
    const packet_rec *p;
    int32_t from, to; /* columns */
    bool lost;        /* dropped before its far end: the arrow stops halfway */
    char *label;      /* HTML-like, escaped */
    size_t label_len; /* characters shown, for the width */
} arrow;

/* Adds device `dev` as the next column unless it has one. */
static void add_column(int32_t *col, size_t *dev_of, size_t *n_cols, uint32_t dev) {
    if (col[dev] < 0) {
        dev_of[*n_cols] = dev;
        col[dev] = (int32_t)(*n_cols)++;
    }
}

/* Resolves the packets packets[rows[0..n)] (send order) into arrows and
 * columns; returns the number of arrows (packets with two distinct ends). */
static size_t resolve(const diagrams *d, const uint32_t *rows, size_t n, arrow *arrows,
                      int32_t *col, size_t *dev_of, size_t *n_cols) {
    const model_topology *t = d->t;
    tcp_base *bases = ns_xcalloc(n ? n : 1, sizeof *bases);
    size_t n_bases = 0, k = 0;
    for (size_t r = 0; r < n; r++) {
        const packet_rec *p = &d->packets[rows[r]];
        if (!p->has_tcp)
            continue;
        tcp_base *b =
            (tcp_base *)find_base(bases, n_bases, p->ip_src, p->src_port, p->ip_dst, p->dst_port);
        if (!b) {
            b = &bases[n_bases++];
            *b = (tcp_base){p->ip_src, p->ip_dst, p->src_port, p->dst_port, p->tcp_seq};
        } else if (p->tcp_flags & TCP_SYN) {
            b->seq = p->tcp_seq; /* a SYN after other segments: a new connection */
        }
    }
    strbuf b = {0};
    for (size_t r = 0; r < n; r++) {
        const packet_rec *p = &d->packets[rows[r]];
        uint32_t to = far_end(t, p);
        if (to == DG_NO_DEVICE || to == p->src)
            continue;
        add_column(col, dev_of, n_cols, p->src);
        add_column(col, dev_of, n_cols, to);
        arrow *a = &arrows[k++];
        bool dropped = p->deliver == DG_NO_DEVICE && p->drop != DG_NO_DEVICE;
        *a = (arrow){.p = p, .from = col[p->src], .to = col[to], .lost = dropped && p->drop != to};
        strbuf_clear(&b);
        strbuf_printf(&b, "<FONT COLOR=\"#6b7280\">#%" PRIu32 "</FONT> ", p->id);
        if (p->has_tcp)
            tcp_label(&b, p, bases, n_bases);
        else
            dg_put_html(&b, dg_text(d, p->label));
        if (!p->has_tcp && p->ttl > 0 && p->ttl < 64)
            strbuf_printf(&b, " ttl=%u", p->ttl);
        if (dropped) {
            const char *why = trace_reason_name((trace_reason)p->drop_reason);
            strbuf_puts(&b, " <FONT COLOR=\"#b91c1c\">&#215; dropped at ");
            dg_put_html(&b, dg_dev_name(d, p->drop));
            if (why) {
                strbuf_puts(&b, " (");
                dg_put_html(&b, why);
                strbuf_puts(&b, ")");
            }
            strbuf_puts(&b, "</FONT>");
        }
        size_t shown = 0; /* characters outside tags and entities count once */
        for (const char *c = b.s; *c; c++) {
            if (*c == '<')
                c = strchr(c, '>');
            else if (*c == '&')
                c = strchr(c, ';'), shown++;
            else
                shown++;
            if (!c)
                break;
        }
        a->label = ns_xstrdup(b.s);
        a->label_len = shown;
    }
    strbuf_free(&b);
    free(bases);
    return k;
}

/* Writes a ladder of the packets packets[rows[0..n)] (send order). */
static void put_ladder(const diagrams *d, FILE *out, const uint32_t *rows, size_t n_rows,
                       const char *title_html) {
    const model_topology *t = d->t;
    int32_t *col = ns_xcalloc(t->n_devices, sizeof *col);
    for (size_t i = 0; i < t->n_devices; i++)
        col[i] = -1;
    size_t n_cols = 0;
    size_t *dev_of = ns_xcalloc(t->n_devices, sizeof *dev_of);
    arrow *arrows = ns_xcalloc(n_rows ? n_rows : 1, sizeof *arrows);
    size_t n = resolve(d, rows, n_rows, arrows, col, dev_of, &n_cols);
    /* One gap between neighbouring columns, wide enough for every head and
     * for every label spread over the columns its arrow spans. */
    double gap = LADDER_MIN_GAP;
    for (size_t c = 0; c + 1 < n_cols; c++) {
        double need =
            (head_width(&t->devices[dev_of[c]]) + head_width(&t->devices[dev_of[c + 1]])) / 2.0 +
            16.0;
        if (need > gap)
            gap = need;
    }
    for (size_t r = 0; r < n; r++) {
        int32_t span = arrows[r].from > arrows[r].to ? arrows[r].from - arrows[r].to
                                                     : arrows[r].to - arrows[r].from;
        double need = (double)arrows[r].label_len * LABEL_CHAR_W + 16.0;
        if (span > 0 && need / span > gap)
            gap = need / span;
    }
    if (gap > LADDER_MAX_GAP)
        gap = LADDER_MAX_GAP;
    double x0 = LADDER_LEFT + (n_cols ? head_width(&t->devices[dev_of[0]]) / 2.0 : 0.0);
    double bottom = -LADDER_TOP - (double)(n ? n - 1 : 0) * LADDER_ROW - 18.0;

    const char *font = dot_font(t);
    fprintf(out,
            "digraph ladder {\n"
            "  graph [splines=line, outputorder=edgesfirst, pad=0.2, fontname=\"%s\"",
            font);
    if (title_html)
        fprintf(out, ", labelloc=t, label=<%s>", title_html);
    fprintf(out,
            "];\n"
            "  node [fontname=\"%s\", fontsize=11];\n"
            "  edge [fontname=\"%s\", fontsize=9, arrowsize=0.7];\n",
            font, font);
    for (size_t c = 0; c < n_cols; c++) {
        const model_device *dev = &t->devices[dev_of[c]];
        double x = x0 + (double)c * gap;
        fprintf(out, "  h%zu [pos=\"%.1f,0\", %s, margin=\"0.08,0.03\", label=<<B>", c, x,
                dot_device_attrs(dev->type));
        dot_put_html(out, dev->name);
        fputs("</B><BR/><FONT POINT-SIZE=\"8\" COLOR=\"#555555\">", out);
        dot_put_html(out, dot_device_type_label(dev->type));
        fputs("</FONT>>];\n", out);
        fprintf(out,
                "  e%zu [pos=\"%.1f,%.1f\", shape=point, width=0.01, style=invis];\n"
                "  h%zu -> e%zu [arrowhead=none, style=dashed, color=\"#9ca3af\"];\n",
                c, x, bottom, c, c);
    }
    /* TRANSLATORS: the heading of a ladder diagram's time column, in seconds. */
    const char *time_head = _("time (s)");
    fprintf(out,
            "  time [pos=\"%.1f,0\", shape=plaintext, fontsize=8, fontcolor=\"#6b7280\", "
            "label=",
            LADDER_TIME_X);
    if (i18n_current() == I18N_EN) {
        fprintf(out, "\"%s\"", time_head); /* as it always was */
    } else {
        fputc('<', out); /* other languages: escaped as any text, ASCII only */
        dot_put_html(out, time_head);
        fputc('>', out);
    }
    fputs("];\n", out);
    uint64_t last_time = UINT64_MAX;
    for (size_t r = 0; r < n; r++) {
        const arrow *a = &arrows[r];
        double y = -LADDER_TOP - (double)r * LADDER_ROW;
        double xf = x0 + a->from * gap, xt = x0 + a->to * gap;
        if (a->lost)
            xt = (xf + xt) / 2.0;
        const char *color = dg_proto_color[a->p->proto];
        if (a->p->time != last_time) {
            char time[TEXT_TIME_LEN];
            text_format_time(a->p->time, time);
            fprintf(
                out,
                "  t%zu [pos=\"%.1f,%.1f\", shape=plaintext, fontsize=8, fontcolor=\"#6b7280\", "
                "width=0.01, height=0.01, margin=0, label=\"%s\"];\n",
                r, LADDER_TIME_X, y, time);
            last_time = a->p->time;
        }
        fprintf(out,
                "  a%zu [pos=\"%.1f,%.1f\", shape=point, width=0.01, style=invis];\n"
                "  b%zu [pos=\"%.1f,%.1f\", shape=%s, width=0.01, %s];\n"
                "  a%zu -> b%zu [color=\"%s\", penwidth=1.4%s%s];\n",
                r, xf, y, r, xt, y, a->lost ? "plaintext" : "point",
                a->lost ? "height=0.01, margin=0, fontsize=11, fontcolor=\"#b91c1c\", "
                          "label=<<B>&#215;</B>>"
                        : "style=invis",
                r, r, color, a->p->broadcast ? ", style=dashed" : "",
                a->lost ? ", arrowhead=none" : "");
        fprintf(out,
                "  l%zu [pos=\"%.1f,%.1f\", shape=plaintext, fontsize=9, fontcolor=\"%s\", "
                "width=0.01, height=0.01, margin=0, label=<%s>];\n",
                r, (x0 + a->from * gap + x0 + a->to * gap) / 2.0, y + 7.5, color, a->label);
    }
    fputs("}\n", out);
    for (size_t r = 0; r < n; r++)
        free(arrows[r].label);
    free(arrows);
    free(dev_of);
    free(col);
}

static void write_ladder_file(writer *w, const char *name, const uint32_t *rows, size_t n,
                              const char *title_html) {
    char *path = dg_path_join(w->base, name);
    FILE *f = dg_open_file(w, path);
    if (f) {
        put_ladder(w->d, f, rows, n, title_html);
        dg_close_file(w, f, path);
        dg_file_list_add(&w->neato_files, path);
        if (w->d->o.png)
            dg_file_list_add(&w->png_neato, path);
    }
    free(path);
}

void dg_write_ladders(writer *w) {
    diagrams *d = w->d;
    uint32_t *rows = ns_xcalloc(d->n_packets ? d->n_packets : 1, sizeof *rows);
    size_t n = 0;
    for (size_t i = 0; i < d->n_packets; i++)
        if (d->packets[i].in_main)
            rows[n++] = (uint32_t)i;
    strbuf *title = &w->scratch;
    strbuf_clear(title);
    strbuf_puts(title, "<FONT POINT-SIZE=\"13\"><B>");
    dg_put_html(title, d->t->name);
    strbuf_puts(title, "</B></FONT><BR/><FONT POINT-SIZE=\"9\">");
    char text[256];
    if (d->more_packets)
        snprintf(text, sizeof text,
                 _("one arrow per packet, sender to receiver, time going down (dashed: "
                   "broadcast); only the first %zu packets"),
                 n);
    else
        snprintf(text, sizeof text, "%s",
                 n == 0 ? _("one arrow per packet, sender to receiver, time going down (dashed: "
                            "broadcast); no packet was sent")
                        : _("one arrow per packet, sender to receiver, time going down (dashed: "
                            "broadcast)"));
    dg_put_html(title, text);
    strbuf_puts(title, "</FONT>");
    write_ladder_file(w, "ladder.dot", rows, n, title->s);
    for (size_t fl = 0; fl < d->n_flows && w->rc == 0; fl++) {
        n = 0;
        for (size_t i = 0; i < d->n_packets; i++)
            if (d->packets[i].flow == fl)
                rows[n++] = (uint32_t)i;
        char lo[IPV4_TEXT_LEN], hi[IPV4_TEXT_LEN], name[64];
        ipv4_format(d->flows[fl].lo, lo);
        ipv4_format(d->flows[fl].hi, hi);
        snprintf(name, sizeof name, "ladder-%s--%s.dot", lo, hi);
        strbuf_clear(title);
        strbuf_printf(title,
                      "<FONT POINT-SIZE=\"13\"><B>%s &#8596; %s</B></FONT><BR/><FONT "
                      "POINT-SIZE=\"9\">",
                      lo, hi);
        if (d->flows[fl].n_packets >= DIAGRAMS_LADDER_FRAMES)
            snprintf(text, sizeof text,
                     _("the packets between these two addresses, end to end, time going down "
                       "(the first %d)"),
                     DIAGRAMS_LADDER_FRAMES);
        else
            snprintf(text, sizeof text, "%s",
                     _("the packets between these two addresses, end to end, time going down"));
        dg_put_html(title, text);
        strbuf_puts(title, "</FONT>");
        write_ladder_file(w, name, rows, n, title->s);
    }
    free(rows);
}
