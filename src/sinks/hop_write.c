/*
 * hop_write: the writers of the hop tables (layout in docs/hop-table.md): the
 * text tables (trace.txt, --packet), paths.json, and the rows handed to other
 * writers (the path diagrams). Each resolves one packet at a time and shows
 * packets in id order, never hash order.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "sinks/hop_internal.h"
#include "sinks/trace_jsonl.h"
#include "sinks/trace_text.h"
#include "util/alloc.h"
#include "util/i18n.h"

void hop__cell(text_line *l, const char *text, size_t width) {
    text_line_field(l, text, width + COLUMN_GAP);
}

void hop__json_time(strbuf *b, uint64_t ns) {
    char buf[TEXT_TIME_LEN];
    strbuf_puts(b, ", \"time\": \"");
    strbuf_puts(b, text_format_time(ns, buf));
    strbuf_puts(b, "\", \"t\": ");
    strbuf_put_u64(b, ns);
}

/* Packet indices in id order (caller frees). */
static uint32_t *packets_by_id(const hop_table *t) {
    uint32_t *idx = ns_xcalloc(t->n_packets, sizeof *idx);
    hop_order *keys = ns_xcalloc(t->n_packets, sizeof *keys);
    for (size_t i = 0; i < t->n_packets; i++)
        keys[i] = (hop_order){.time = t->packets[i].id, .key = 0, .idx = (uint32_t)i};
    qsort(keys, t->n_packets, sizeof *keys, hop__order_cmp);
    for (size_t i = 0; i < t->n_packets; i++)
        idx[i] = keys[i].idx;
    free(keys);
    return idx;
}

/* --- text --- */

static size_t max_size(size_t a, size_t b) {
    return a > b ? a : b;
}

/* Column widths of one packet's table (display columns; headers included). */
typedef struct widths {
    size_t hop, time, link, from, eth, net, ttl;
} widths;

/* TRANSLATORS: the hop table's column headings (hops.txt and the run's
 * output): hop number, time, link, transmitting port, Ethernet addresses,
 * IP addresses, TTL, what changed at this hop. */
static const char *const header[] = {N_("hop"),  N_("time"),          N_("link"),
                                     N_("from"), N_("eth src > dst"), N_("ip src > dst"),
                                     N_("ttl"),  N_("change")};

/* The "from" cell: the transmitting end's "device.port". */
static void format_port(strbuf *b, const hop_link *l, int side) {
    strbuf_clear(b);
    strbuf_puts(b, l->device[side] ? l->device[side] : "?");
    strbuf_putc(b, '.');
    strbuf_puts(b, l->port[side] ? l->port[side] : "?");
}

static const char *link_name(const hop_link *l) {
    return l->name ? l->name : "?";
}

/* The text table's link cell: the topology's own name (电脑A.eth0--交换机.p1),
 * not the capture file's, whose other characters are '_'. */
static const char *link_label(const hop_link *l) {
    return l->label ? l->label : link_name(l);
}

/* The widths count only the rows printed: not those a fold stands for
 * (`repeats`: per head row, the rows after it that repeat it; see
 * count_repeats), whose links are listed after the time instead. */
static widths table_widths(resolver *r, const uint32_t *repeats) {
    /* The hop column also holds the last row's "end". */
    widths w = {max_size(text_width(_(header[0])), text_width(_("end"))),
                text_width(_(header[1])),
                text_width(_(header[2])),
                text_width(_(header[3])),
                text_width(_(header[4])),
                text_width(_(header[5])),
                text_width(_(header[6]))};
    for (uint32_t row = 0, next = 0; row < r->n; row++) {
        if (row < next)
            continue; /* folded */
        next = row + 1 + (repeats[row] >= TRACE_TEXT_FOLD_MIN ? repeats[row] : 0);
        const hop_rec *p;
        const hop_rec *h = hop__row_hop(r, row, &p);
        const hop_header *hd = hop__hdr(r->t, h);
        const hop_link *l = &r->t->links[h->link];
        char buf[NET_TEXT_LEN];
        w.hop = max_size(w.hop, text_put_u64(buf, r->number[r->rows[row].idx]));
        w.time = max_size(w.time, strlen(text_format_time(h->time, buf)));
        w.link = max_size(w.link, text_width(link_label(l)));
        format_port(&r->text, l, h->side);
        w.from = max_size(w.from, text_width(r->text.s));
        w.eth = max_size(w.eth, 2 * (MAC_TEXT_LEN - 1) + 3);
        hop__format_net(hd, buf);
        w.net = max_size(w.net, strlen(buf));
        hop__format_ttl(hd, buf);
        w.ttl = max_size(w.ttl, strlen(buf));
    }
    return w;
}

/* One hop row of the text table. Leaves the change cell in r->text. */
static void write_hop_row(resolver *r, uint32_t row, const widths *w, text_line *l) {
    const hop_rec *pred;
    const hop_rec *h = hop__row_hop(r, row, &pred);
    const hop_header *hd = hop__hdr(r->t, h);
    const hop_link *link = &r->t->links[h->link];
    char buf[NET_TEXT_LEN], src[MAC_TEXT_LEN], dst[MAC_TEXT_LEN];
    hop__cell(l, text_format_u64(r->number[r->rows[row].idx], buf), w->hop);
    hop__cell(l, text_format_time(h->time, buf), w->time);
    hop__cell(l, link_label(link), w->link);
    format_port(&r->text, link, h->side);
    hop__cell(l, r->text.s, w->from);
    mac_format(hd->eth_src, src);
    mac_format(hd->eth_dst, dst);
    memcpy(buf, src, MAC_TEXT_LEN - 1);
    memcpy(buf + MAC_TEXT_LEN - 1, " > ", 3);
    memcpy(buf + MAC_TEXT_LEN + 2, dst, MAC_TEXT_LEN);
    hop__cell(l, buf, w->eth);
    hop__format_net(hd, buf);
    hop__cell(l, buf, w->net);
    hop__format_ttl(hd, buf);
    hop__cell(l, buf, w->ttl);
    hop__format_change(r, h, pred);
    text_line_put(l, r->text.s);
    text_line_end(l);
}

/* Whether row `row` repeats row `head` on another link: the same hop number,
 * instant, header, transmitting device and change (a flood's copies).
 * `head_change` is the head's change cell. */
static bool same_hop(resolver *r, uint32_t head, uint32_t row, const char *head_change) {
    const hop_rec *hp, *rp;
    const hop_rec *h = hop__row_hop(r, head, &hp), *x = hop__row_hop(r, row, &rp);
    const hop_link *hl = &r->t->links[h->link], *xl = &r->t->links[x->link];
    if (r->number[r->rows[head].idx] != r->number[r->rows[row].idx] || h->time != x->time ||
        h->header != x->header || !hl->device[h->side] || !xl->device[x->side] ||
        strcmp(hl->device[h->side], xl->device[x->side]) != 0)
        return false;
    hop__format_change(r, x, rp);
    return strcmp(r->text.s, head_change) == 0;
}

/* How many rows after `head` repeat it (same_hop), counted while they do.
 * The text folds them, and the visitor's rows say so (hop_view.folds).
 * `head_change` is the head's change cell; r->text is overwritten. */
static uint32_t repeats_after(resolver *r, uint32_t head, const char *head_change) {
    uint32_t k = head + 1;
    while (k < r->n && same_hop(r, head, k, head_change))
        k++;
    return k - head - 1;
}

/* repeats[row] for every head row: how many rows after it repeat it
 * (repeats_after); the rows it covers are skipped, their entries left 0. */
static void count_repeats(resolver *r, uint32_t *repeats) {
    strbuf head_change = {0};
    for (uint32_t row = 0; row < r->n;) {
        const hop_rec *pred;
        const hop_rec *h = hop__row_hop(r, row, &pred);
        hop__format_change(r, h, pred);
        strbuf_clear(&head_change);
        strbuf_puts(&head_change, r->text.s);
        uint32_t n = repeats_after(r, row, head_change.s);
        memset(repeats + row, 0, (1 + (size_t)n) * sizeof *repeats);
        repeats[row] = n;
        row += 1 + n;
    }
    strbuf_free(&head_change);
}

/* Rows [from, to) repeat the row printed just before them: each printed when
 * there are few (TRACE_TEXT_FOLD_MIN), else one line naming their links. */
static void write_hop_repeats(resolver *r, uint32_t from, uint32_t to, const widths *w,
                              text_line *l) {
    if (to - from < TRACE_TEXT_FOLD_MIN) {
        for (uint32_t row = from; row < to; row++)
            write_hop_row(r, row, w, l);
        return;
    }
    const hop_rec *pred;
    const hop_rec *h = hop__row_hop(r, from, &pred);
    char buf[TEXT_TIME_LEN];
    hop__cell(l, text_format_u64(r->number[r->rows[from].idx], buf), w->hop);
    hop__cell(l, text_format_time(h->time, buf), w->time);
    strbuf_clear(&r->text);
    /* TRANSLATORS: a hop table's folded row: N more copies of the row
     * above, on other links (a flood); the links follow. */
    strbuf_fmt(&r->text,
               ngettext("the same as above on %u more link: ",
                        "the same as above on %u more links: ", to - from),
               (unsigned)(to - from));
    text_line_put(l, r->text.s);
    for (uint32_t row = from; row < to; row++) {
        h = hop__row_hop(r, row, &pred);
        text_line_put(l, row == from ? "" : ", ");
        text_line_put(l, link_label(&r->t->links[h->link]));
    }
    text_line_end(l);
}

static void write_text_packet(resolver *r, const packet_rec *p, FILE *out) {
    hop__resolve(r, p);
    uint32_t *repeats = ns_xmalloc((r->n ? r->n : 1) * sizeof *repeats);
    count_repeats(r, repeats);
    widths w = table_widths(r, repeats);
    text_line l = {.out = out};
    strbuf_clear(&r->text);
    strbuf_fmt(&r->text, _("packet #%u: %s"), (unsigned)p->id, p->summary ? p->summary : "");
    text_line_put(&l, r->text.s);
    text_line_end(&l);

    const size_t cols[] = {w.hop, w.time, w.link, w.from, w.eth, w.net, w.ttl};
    for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++)
        hop__cell(&l, _(header[c]), cols[c]);
    text_line_put(&l, _(header[7]));
    text_line_end(&l);

    /* A row is printed, then the rows that repeat it, folded when many. */
    for (uint32_t row = 0; row < r->n; row += 1 + repeats[row]) {
        write_hop_row(r, row, &w, &l);
        write_hop_repeats(r, row + 1, row + 1 + repeats[row], &w, &l);
    }
    free(repeats);
    hop__fate_write_text(r, p, w.hop, w.time, out);
}

void hop_table_write_text(const hop_table *t, FILE *out, uint32_t only_packet) {
    resolver r;
    hop__resolver_init(&r, t);
    if (only_packet != 0) {
        const packet_rec *p = hop__packet_find(t, only_packet);
        if (p)
            write_text_packet(&r, p, out);
        else
            fprintf(out, _("packet #%u: not seen on any link\n"), (unsigned)only_packet);
    } else if (t->n_packets == 0) {
        /* Not an empty heading: a topology whose hosts never reach a link
         * (a lab's start file, say) says so. */
        fputs(_("no packet crossed a link in this run\n"), out);
    } else {
        uint32_t *by_id = packets_by_id(t);
        for (size_t i = 0; i < t->n_packets; i++) {
            if (i > 0)
                putc('\n', out);
            write_text_packet(&r, &t->packets[by_id[i]], out);
        }
        free(by_id);
    }
    hop__resolver_free(&r);
}

/* --- JSON --- */

static void json_port(strbuf *out, strbuf *b, const hop_link *l, int side) {
    format_port(b, l, side);
    json_put_string(out, b->s);
}

/* ", \"key\": \"value\"" for a value that needs no escaping. */
static void json_plain(strbuf *out, const char *key, const char *value) {
    strbuf_puts(out, ", \"");
    strbuf_puts(out, key);
    strbuf_puts(out, "\": \"");
    strbuf_puts(out, value);
    strbuf_putc(out, '"');
}

static void json_uint(strbuf *out, const char *key, uint64_t value) {
    strbuf_puts(out, ", \"");
    strbuf_puts(out, key);
    strbuf_puts(out, "\": ");
    strbuf_put_u64(out, value);
}

static void json_hop(resolver *r, uint32_t row, strbuf *out) {
    const hop_rec *pred;
    const hop_rec *h = hop__row_hop(r, row, &pred);
    const hop_header *hd = hop__hdr(r->t, h);
    uint32_t pos = r->rows[row].idx;
    const hop_link *l = &r->t->links[h->link];
    char src[MAC_TEXT_LEN], dst[MAC_TEXT_LEN];
    strbuf_puts(out, "    {\"hop\": ");
    strbuf_put_u64(out, r->number[pos]);
    if (r->pred[pos] != NO_HOP)
        json_uint(out, "prev", r->row_of[r->pred[pos]]);
    hop__json_time(out, h->time);
    strbuf_puts(out, ", \"link\": ");
    json_put_string(out, link_name(l));
    strbuf_puts(out, ", \"from\": ");
    json_port(out, &r->text, l, h->side);
    strbuf_puts(out, ", \"to\": ");
    json_port(out, &r->text, l, 1 - h->side);
    json_plain(out, "eth_src", mac_format(hd->eth_src, src));
    json_plain(out, "eth_dst", mac_format(hd->eth_dst, dst));
    if (hd->net != HOP_NET_NONE) {
        ipv4_format(hd->src, src);
        ipv4_format(hd->dst, dst);
        bool ip = hd->net == HOP_NET_IPV4;
        json_plain(out, ip ? "ip_src" : "arp_sender_ip", src);
        json_plain(out, ip ? "ip_dst" : "arp_target_ip", dst);
        if (hd->has_ports) {
            json_uint(out, "src_port", hd->sport);
            json_uint(out, "dst_port", hd->dport);
        }
        if (ip)
            json_uint(out, "ttl", hd->ttl);
    }
    strbuf_puts(out, ", \"change\": ");
    hop__format_change(r, h, pred);
    json_put_string(out, r->text.s);
    strbuf_putc(out, '}');
}

/* Packets are written one at a time from a reused buffer: paths.json is
 * streamed, never held whole (issue 16). */
#define JSON_FLUSH (1u << 16)

void hop_table_write_json(const hop_table *t, FILE *out) {
    resolver r;
    hop__resolver_init(&r, t);
    uint32_t *by_id = packets_by_id(t);
    strbuf b = {0};
    strbuf_puts(&b, "{\"packets\": [");
    for (size_t i = 0; i < t->n_packets; i++) {
        const packet_rec *p = &t->packets[by_id[i]];
        hop__resolve(&r, p);
        strbuf_puts(&b, i ? ",\n  {\"id\": " : "\n  {\"id\": ");
        strbuf_put_u64(&b, p->id);
        strbuf_puts(&b, ", \"summary\": ");
        json_put_string(&b, p->summary);
        strbuf_puts(&b, ", \"hops\": [");
        for (uint32_t row = 0; row < r.n; row++) {
            strbuf_puts(&b, row ? ",\n" : "\n");
            json_hop(&r, row, &b);
            if (b.len >= JSON_FLUSH)
                strbuf_write(&b, out);
        }
        strbuf_puts(&b, "\n  ], \"fate\": [");
        hop__fate_write_json(&r, p, &b);
        strbuf_puts(&b, "]}");
        if (b.len >= JSON_FLUSH)
            strbuf_write(&b, out);
    }
    strbuf_puts(&b, t->n_packets ? "\n]}\n" : "]}\n");
    strbuf_write(&b, out);
    strbuf_free(&b);
    free(by_id);
    hop__resolver_free(&r);
}

/* --- rows for other writers (diagrams) --- */

void hop_table_visit(const hop_table *t, size_t max_packets, hop_table_visitor visit, void *ctx) {
    resolver r;
    hop__resolver_init(&r, t);
    uint32_t *by_id = packets_by_id(t);
    size_t n_packets = max_packets && max_packets < t->n_packets ? max_packets : t->n_packets;
    size_t max_hops = 0;
    for (size_t i = 0; i < t->n_packets; i++)
        if (t->packets[i].n_hops > max_hops)
            max_hops = t->packets[i].n_hops;
    hop_view *rows = ns_xcalloc(max_hops, sizeof *rows);
    size_t *net_at = ns_xcalloc(max_hops, sizeof *net_at);
    size_t *change_at = ns_xcalloc(max_hops, sizeof *change_at);
    strbuf texts = {0};
    hop_fate_view *fates = NULL;
    size_t cap_fates = 0;
    for (size_t i = 0; i < n_packets; i++) {
        const packet_rec *p = &t->packets[by_id[i]];
        hop__resolve(&r, p);
        strbuf_clear(&texts);
        for (uint32_t row = 0; row < r.n; row++) {
            const hop_rec *pred;
            const hop_rec *h = hop__row_hop(&r, row, &pred);
            const hop_header *hd = hop__hdr(r.t, h);
            uint32_t pos = r.rows[row].idx;
            char net[NET_TEXT_LEN];
            hop_view *v = &rows[row];
            *v = (hop_view){.number = r.number[pos],
                            .prev = r.pred[pos] == NO_HOP ? UINT32_MAX : r.row_of[r.pred[pos]],
                            .time = h->time,
                            .link = h->link,
                            .from_side = h->side,
                            .eth_src = hd->eth_src,
                            .eth_dst = hd->eth_dst,
                            .addr = hd->net == HOP_NET_IPV4  ? HOP_ADDR_IPV4
                                    : hd->net == HOP_NET_ARP ? HOP_ADDR_ARP
                                                             : HOP_ADDR_NONE,
                            .src = hd->src,
                            .dst = hd->dst,
                            .has_ports = hd->has_ports,
                            .sport = hd->sport,
                            .dport = hd->dport,
                            .ttl = hd->ttl};
            v->change = hop__format_change(&r, h, pred);
            /* Texts go into one buffer that may move: offsets now, pointers after. */
            hop__format_net(hd, net);
            net_at[row] = texts.len;
            strbuf_printf(&texts, "%s%c", net, '\0');
            change_at[row] = texts.len;
            strbuf_printf(&texts, "%s%c", r.text.s, '\0');
        }
        for (uint32_t row = 0; row < r.n; row++) {
            rows[row].net_text = texts.s + net_at[row];
            rows[row].change_text = texts.s + change_at[row];
        }
        for (uint32_t row = 0; row < r.n;) {
            uint32_t n = repeats_after(&r, row, rows[row].change_text);
            rows[row].folds = n >= TRACE_TEXT_FOLD_MIN ? n : 0;
            row += 1 + n;
        }
        size_t n_fates = hop__fate_views(t, p, &fates, &cap_fates);
        visit(ctx, p->id, p->summary, rows, r.n, fates, n_fates);
    }
    free(fates);
    free(texts.s);
    free(change_at);
    free(net_at);
    free(rows);
    free(by_id);
    hop__resolver_free(&r);
}
