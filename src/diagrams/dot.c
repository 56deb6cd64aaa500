/*
 * dot: escaping for Graphviz and the topology graph (see dot.h).
 *
 * Subnets: every host or router interface and every switch or hub is an
 * element of a union-find; a link joins its two ends (a switch or hub as a
 * whole, a host or router by the one interface), so each set is a broadcast
 * domain. A domain's label is the sorted set of IPv4 subnets of its hosts'
 * interfaces (of its routers' when it has no host address). A domain with a
 * label and at least one host, switch or hub becomes a cluster; a domain of
 * router interfaces only (a point-to-point link between routers) labels its
 * links instead. Work is O(n log n) in devices, interfaces and links.
 *
 * Invariants: every string written comes from a fixed literal, a number, an
 * address formatted here, or one of the two escapers; ids are generated.
 */
#include "diagrams/dot.h"
#include "util/alloc.h"
#include "util/i18n.h"
#include "util/isqrt.h"
#include "util/text.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/strbuf.h"
#include "wire/addr.h"

/* --- escaping --- */

char *dot_escape_html(const char *s) {
    strbuf b = {0};
    strbuf_clear(&b); /* "" for an empty name, never NULL */
    const unsigned char *p = (const unsigned char *)s;
    const unsigned char *end = p + strlen(s);
    while (*p) {
        unsigned char c = *p;
        char ent[16];
        if (c >= 0x80) {
            uint32_t cp; /* U+FFFD for a byte that is not valid UTF-8 */
            p += text_utf8_next(p, (size_t)(end - p), &cp);
            snprintf(ent, sizeof ent, "&#%lu;", (unsigned long)cp);
            strbuf_puts(&b, ent);
            continue;
        }
        p++;
        if (c < 0x20 || c == 0x7f)
            strbuf_puts(&b, " ");
        else if (c == '&')
            strbuf_puts(&b, "&amp;");
        else if (c == '<')
            strbuf_puts(&b, "&lt;");
        else if (c == '>')
            strbuf_puts(&b, "&gt;");
        else if (c == '"')
            strbuf_puts(&b, "&quot;");
        else if (c == '\'')
            strbuf_puts(&b, "&#39;");
        else if (c == '\\')
            strbuf_puts(&b, "\\\\");
        else
            strbuf_put(&b, (const char *)&c, 1);
    }
    return b.s;
}

void dot_put_html(FILE *out, const char *s) {
    char *e = dot_escape_html(s);
    fputs(e, out);
    free(e);
}

/* --- device kinds --- */

const char *dot_device_attrs(device_type type) {
    switch (type) {
    case DEVICE_HOST:
        return "shape=box, style=\"rounded,filled\", fillcolor=\"#dbeafe\", color=\"#1d4ed8\"";
    case DEVICE_SWITCH:
        return "shape=box3d, style=\"filled\", fillcolor=\"#dcfce7\", color=\"#15803d\"";
    case DEVICE_HUB:
        return "shape=hexagon, style=\"filled\", fillcolor=\"#fef3c7\", color=\"#b45309\"";
    case DEVICE_ROUTER:
        return "shape=cylinder, style=\"filled\", fillcolor=\"#fee2e2\", color=\"#b91c1c\"";
    }
    return "shape=box";
}

const char *dot_device_type_label(device_type type) {
    switch (type) {
    case DEVICE_HOST:
        return _("host");
    case DEVICE_SWITCH:
        return _("switch");
    case DEVICE_HUB:
        return _("hub");
    case DEVICE_ROUTER:
        return _("router");
    }
    return device_type_name(type);
}

const char *dot_device_kind_label(const model_device *dev) {
    if (dev->type == DEVICE_ROUTER && dev->nat)
        return _("NAT router");
    return dot_device_type_label(dev->type);
}

/* Graphviz finds a font for each character through fontconfig; the names
 * below are the first it tries. English outputs of ASCII names keep
 * Helvetica alone, byte for byte as before. Chinese text gets Noto Sans CJK
 * SC named after it: fontconfig's own fallback would find a CJK font too
 * when one is installed, but may pick the Japanese one (Noto Sans CJK JP),
 * whose Han characters take the Japanese forms. */
#define FONT     "Helvetica"
#define FONT_CJK "Helvetica,Noto Sans CJK SC"

static bool has_non_ascii(const char *s) {
    for (; s && *s; s++)
        if ((unsigned char)*s >= 0x80)
            return true;
    return false;
}

const char *dot_font(const model_topology *t) {
    if (i18n_current() != I18N_EN || has_non_ascii(t->name))
        return FONT_CJK;
    for (size_t i = 0; i < t->n_devices; i++) {
        if (has_non_ascii(t->devices[i].name))
            return FONT_CJK;
        for (size_t k = 0; k < t->devices[i].n_ifaces; k++)
            if (has_non_ascii(t->devices[i].ifaces[k].name))
                return FONT_CJK;
    }
    return FONT;
}

const char *dot_device_fill(device_type type) {
    switch (type) {
    case DEVICE_HOST:
        return "#dbeafe";
    case DEVICE_SWITCH:
        return "#dcfce7";
    case DEVICE_HUB:
        return "#fef3c7";
    case DEVICE_ROUTER:
        return "#fee2e2";
    }
    return "#ffffff";
}

/* --- subnets --- */

struct dot_topology {
    const model_topology *t;
    size_t *elem_base;    /* per device: its first union-find element */
    uint8_t **connected;  /* per device, per interface: a link uses it */
    int32_t *cluster;     /* per device: cluster index, or -1 */
    char **cluster_label; /* per cluster: "192.168.1.0/24, ..." */
    size_t n_clusters;
    const char **link_note; /* per link: the subnet of a router-to-router domain, or NULL */
    char **domain_label;    /* per union-find root: its label, or NULL (owned) */
    size_t n_elems;
};

static bool is_l2(device_type type) {
    return type == DEVICE_SWITCH || type == DEVICE_HUB;
}

static size_t uf_find(size_t *parent, size_t x) {
    while (parent[x] != x) {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    return x;
}

static void uf_union(size_t *parent, size_t a, size_t b) {
    a = uf_find(parent, a);
    b = uf_find(parent, b);
    if (a != b)
        parent[a < b ? b : a] = a < b ? a : b; /* the smaller index is the root */
}

static size_t elem_of(const dot_topology *d, size_t dev, size_t iface) {
    return d->elem_base[dev] + (is_l2(d->t->devices[dev].type) ? 0 : iface);
}

/* An IPv4 subnet seen on an interface of a domain. */
typedef struct subnet_ref {
    size_t root;
    int rank; /* 0: a host's, 1: a router's */
    ipv4_addr net;
    int prefix_len;
} subnet_ref;

static int subnet_ref_cmp(const void *a, const void *b) {
    const subnet_ref *x = a, *y = b;
    if (x->root != y->root)
        return x->root < y->root ? -1 : 1;
    if (x->rank != y->rank)
        return x->rank - y->rank;
    if (x->net != y->net)
        return x->net < y->net ? -1 : 1;
    return x->prefix_len - y->prefix_len;
}

/* Labels every domain from its sorted subnet references. */
static void label_domains(dot_topology *d, subnet_ref *refs, size_t n_refs) {
    qsort(refs, n_refs, sizeof *refs, subnet_ref_cmp);
    for (size_t i = 0; i < n_refs;) {
        size_t root = refs[i].root;
        int rank = refs[i].rank;
        strbuf b = {0};
        for (; i < n_refs && refs[i].root == root; i++) {
            if (refs[i].rank != rank)
                continue; /* routers' subnets only when the domain has no host address */
            if (i > 0 && refs[i - 1].root == root && refs[i - 1].rank == rank &&
                refs[i - 1].net == refs[i].net && refs[i - 1].prefix_len == refs[i].prefix_len)
                continue;
            char ip[IPV4_TEXT_LEN], text[IPV4_TEXT_LEN + 8];
            snprintf(text, sizeof text, "%s/%d", ipv4_format(refs[i].net, ip), refs[i].prefix_len);
            if (b.len)
                strbuf_puts(&b, ", ");
            strbuf_puts(&b, text);
        }
        d->domain_label[root] = b.s;
    }
}

dot_topology *dot_topology_new(const model_topology *t) {
    dot_topology *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    d->t = t;
    d->elem_base = ns_xcalloc(t->n_devices, sizeof *d->elem_base);
    d->connected = ns_xcalloc(t->n_devices, sizeof *d->connected);
    d->cluster = ns_xcalloc(t->n_devices, sizeof *d->cluster);
    d->link_note = ns_xcalloc(t->n_links, sizeof *d->link_note);
    for (size_t i = 0; i < t->n_devices; i++) {
        const model_device *dev = &t->devices[i];
        d->elem_base[i] = d->n_elems;
        d->n_elems += is_l2(dev->type) || dev->n_ifaces == 0 ? 1 : dev->n_ifaces;
        d->connected[i] = ns_xcalloc(dev->n_ifaces, 1);
    }
    d->domain_label = ns_xcalloc(d->n_elems, sizeof *d->domain_label);
    size_t *parent = ns_xcalloc(d->n_elems, sizeof *parent);
    for (size_t e = 0; e < d->n_elems; e++)
        parent[e] = e;
    for (size_t i = 0; i < t->n_links; i++) {
        const model_link *l = &t->links[i];
        d->connected[l->a.device][l->a.iface] = 1;
        d->connected[l->b.device][l->b.iface] = 1;
        uf_union(parent, elem_of(d, l->a.device, l->a.iface), elem_of(d, l->b.device, l->b.iface));
    }

    /* Subnets per domain. */
    size_t n_refs = 0;
    for (size_t i = 0; i < t->n_devices; i++)
        n_refs += t->devices[i].n_ifaces;
    subnet_ref *refs = ns_xcalloc(n_refs, sizeof *refs);
    n_refs = 0;
    for (size_t i = 0; i < t->n_devices; i++) {
        const model_device *dev = &t->devices[i];
        if (is_l2(dev->type))
            continue;
        for (size_t k = 0; k < dev->n_ifaces; k++) {
            const model_iface *f = &dev->ifaces[k];
            if (!f->has_ip)
                continue;
            refs[n_refs++] = (subnet_ref){.root = uf_find(parent, elem_of(d, i, k)),
                                          .rank = dev->type == DEVICE_ROUTER,
                                          .net = f->ip & ipv4_netmask(f->prefix_len),
                                          .prefix_len = f->prefix_len};
        }
    }
    label_domains(d, refs, n_refs);
    free(refs);

    /* Cluster members: switches, hubs, and hosts within one domain. */
    int32_t *domain_cluster = ns_xcalloc(d->n_elems, sizeof *domain_cluster);
    for (size_t e = 0; e < d->n_elems; e++)
        domain_cluster[e] = -1;
    d->cluster_label = ns_xcalloc(t->n_devices, sizeof *d->cluster_label);
    for (size_t i = 0; i < t->n_devices; i++) {
        const model_device *dev = &t->devices[i];
        d->cluster[i] = -1;
        if (dev->type == DEVICE_ROUTER)
            continue;
        size_t root = SIZE_MAX;
        bool single = true;
        for (size_t k = 0; k < (is_l2(dev->type) ? 1 : dev->n_ifaces); k++) {
            if (!is_l2(dev->type) && !d->connected[i][k] && dev->n_ifaces > 1)
                continue; /* an unplugged interface of a multi-homed host */
            size_t r = uf_find(parent, elem_of(d, i, k));
            if (root != SIZE_MAX && r != root)
                single = false;
            root = r;
        }
        if (dev->n_ifaces == 0 && !is_l2(dev->type))
            root = uf_find(parent, d->elem_base[i]);
        if (!single || root == SIZE_MAX || !d->domain_label[root])
            continue;
        if (domain_cluster[root] < 0) {
            domain_cluster[root] = (int32_t)d->n_clusters;
            d->cluster_label[d->n_clusters++] = d->domain_label[root];
        }
        d->cluster[i] = domain_cluster[root];
    }
    /* Domains without a cluster (routers only) label their links. */
    for (size_t i = 0; i < t->n_links; i++) {
        const model_link *l = &t->links[i];
        size_t root = uf_find(parent, elem_of(d, l->a.device, l->a.iface));
        if (domain_cluster[root] < 0)
            d->link_note[i] = d->domain_label[root];
    }
    free(domain_cluster);
    free(parent);
    return d;
}

void dot_topology_free(dot_topology *d) {
    if (!d)
        return;
    for (size_t e = 0; e < d->n_elems; e++)
        free(d->domain_label[e]);
    free(d->domain_label);
    for (size_t i = 0; i < d->t->n_devices; i++)
        free(d->connected[i]);
    free(d->connected);
    free(d->cluster_label); /* the strings are the domain labels */
    free(d->link_note);
    free(d->cluster);
    free(d->elem_base);
    free(d);
}

size_t dot_topology_cluster_count(const dot_topology *d) {
    return d->n_clusters;
}

size_t dot_topology_size(const dot_topology *d, const bool *show) {
    const model_topology *t = d->t;
    size_t n = 0;
    for (size_t i = 0; i < t->n_devices; i++) {
        if (show && !show[i])
            continue;
        const model_device *dev = &t->devices[i];
        n++;
        for (size_t k = 0; k < dev->n_ifaces; k++)
            n += !is_l2(dev->type) || d->connected[i][k];
    }
    for (size_t i = 0; i < t->n_links; i++)
        n += !show || (show[t->links[i].a.device] && show[t->links[i].b.device]);
    return n;
}

/* --- writing --- */

char *dot_node_id(char *out, size_t cap, size_t device) {
    snprintf(out, cap, "n%zu", device + 1);
    return out;
}

char *dot_port_id(char *out, size_t cap, size_t iface) {
    snprintf(out, cap, "i%zu", iface);
    return out;
}

char *dot_edge_id(char *out, size_t cap, const model_link *l) {
    char a[DOT_ID_LEN], ap[DOT_ID_LEN], b[DOT_ID_LEN], bp[DOT_ID_LEN];
    snprintf(out, cap, "%s:%s--%s:%s", dot_node_id(a, sizeof a, l->a.device),
             dot_port_id(ap, sizeof ap, l->a.iface), dot_node_id(b, sizeof b, l->b.device),
             dot_port_id(bp, sizeof bp, l->b.iface));
    return out;
}

#define EDGE_COLOR "#5b6770"
#define DIM_COLOR  "#b4bcc5"
#define NOTE_COLOR "#555555"

static void put_iface_row(FILE *out, const model_device *dev, size_t k) {
    const model_iface *f = &dev->ifaces[k];
    char port_id[DOT_ID_LEN];
    fprintf(out, "<TR><TD PORT=\"%s\"", dot_port_id(port_id, sizeof port_id, k));
    if (is_l2(dev->type)) {
        fputs("><FONT POINT-SIZE=\"9\">", out);
        dot_put_html(out, f->name);
        fputs("</FONT></TD></TR>", out);
        return;
    }
    char mac[MAC_TEXT_LEN], ip[IPV4_TEXT_LEN];
    fputs(" ALIGN=\"LEFT\"><FONT POINT-SIZE=\"9\">", out);
    dot_put_html(out, f->name);
    if (f->has_ip)
        fprintf(out, " %s/%d", ipv4_format(f->ip, ip), f->prefix_len);
    if (dev->type == DEVICE_ROUTER && dev->nat &&
        (k == dev->nat->inside_iface || k == dev->nat->outside_iface)) {
        fputc(' ', out);
        /* TRANSLATORS: a NAT router's interface toward the inside (private) network,
           or toward the outside (the Internet). */
        dot_put_html(out, k == dev->nat->inside_iface ? _("(inside)") : _("(outside)"));
    }
    fprintf(out, "<BR ALIGN=\"LEFT\"/>%s</FONT></TD></TR>", mac_format(f->mac, mac));
}

static void put_device(FILE *out, const dot_topology *d, size_t i, const char *indent) {
    const model_device *dev = &d->t->devices[i];
    char id[DOT_ID_LEN];
    dot_node_id(id, sizeof id, i);
    fprintf(out,
            "%s%s [id=\"%s\", %s, label=<<TABLE BORDER=\"0\" CELLBORDER=\"0\" "
            "CELLSPACING=\"0\" CELLPADDING=\"1\"><TR><TD><B>",
            indent, id, id, dot_device_attrs(dev->type));
    dot_put_html(out, dev->name);
    fputs("</B> <FONT POINT-SIZE=\"8\" COLOR=\"" NOTE_COLOR "\">", out);
    dot_put_html(out, dot_device_kind_label(dev));
    fputs("</FONT></TD></TR>", out);
    for (size_t k = 0; k < dev->n_ifaces; k++)
        if (!is_l2(dev->type) || d->connected[i][k])
            put_iface_row(out, dev, k);
    if (dev->type == DEVICE_HOST && dev->has_gateway) {
        char gw[IPV4_TEXT_LEN], text[IPV4_TEXT_LEN + 64];
        /* TRANSLATORS: a host's default gateway under its interfaces in a diagram. */
        snprintf(text, sizeof text, _("gateway %s"), ipv4_format(dev->gateway, gw));
        fputs("<TR><TD ALIGN=\"LEFT\"><FONT POINT-SIZE=\"8\" COLOR=\"" NOTE_COLOR "\">", out);
        dot_put_html(out, text);
        fputs("</FONT></TD></TR>", out);
    }
    fputs("</TABLE>>];\n", out);
}

static bool shown(const dot_view *v, size_t dev) {
    return !v || !v->show || v->show[dev];
}

static void put_cluster(FILE *out, const dot_topology *d, const dot_view *v, int32_t c,
                        size_t first) {
    fprintf(out,
            "  subgraph cluster_%d {\n"
            "    graph [id=\"cluster_%d\", label=<<B>",
            (int)c + 1, (int)c + 1);
    dot_put_html(out, d->cluster_label[c]);
    fputs("</B>>, style=\"rounded,filled\", fillcolor=\"#f4f7fa\", color=\"#9cb4cc\", "
          "fontcolor=\"#35506b\", labeljust=l, labelloc=t, margin=10];\n",
          out);
    for (size_t i = first; i < d->t->n_devices; i++)
        if (d->cluster[i] == c && shown(v, i))
            put_device(out, d, i, "    ");
    fputs("  }\n", out);
}

static const char *dir_name(dot_dir dir) {
    switch (dir) {
    case DOT_DIR_AB:
        return "forward";
    case DOT_DIR_BA:
        return "back";
    case DOT_DIR_BOTH:
        return "both";
    case DOT_DIR_NONE:
        break;
    }
    return "none";
}

static void put_link(FILE *out, const dot_topology *d, const dot_view *v, size_t i) {
    const model_link *l = &d->t->links[i];
    const dot_link_style *s = v && v->links ? &v->links[i] : NULL;
    char a[DOT_ID_LEN], ap[DOT_ID_LEN], b[DOT_ID_LEN], bp[DOT_ID_LEN];
    fprintf(out, "  %s:%s -- %s:%s [id=\"l%zu\"", dot_node_id(a, sizeof a, l->a.device),
            dot_port_id(ap, sizeof ap, l->a.iface), dot_node_id(b, sizeof b, l->b.device),
            dot_port_id(bp, sizeof bp, l->b.iface), i);
    if (s && s->color)
        fprintf(out, ", color=\"%s\", fontcolor=\"%s\"", s->color, s->color);
    else if (v && v->dim_plain_links)
        fputs(", color=\"" DIM_COLOR "\", penwidth=1", out);
    if (s && s->penwidth > 0)
        fprintf(out, ", penwidth=%.1f", s->penwidth);
    if (s && s->dir != DOT_DIR_NONE)
        fprintf(out, ", dir=%s, arrowsize=0.8", dir_name(s->dir));
    if (s && s->label)
        fprintf(out, ", label=<%s>", s->label);
    else if (d->link_note[i]) {
        fputs(", label=<<FONT POINT-SIZE=\"8\" COLOR=\"#35506b\">", out);
        dot_put_html(out, d->link_note[i]);
        fputs("</FONT>>", out);
    }
    fputs("];\n", out);
}

/* Hosts hanging off one switch or hub, on one side of it: more than
 * GRID_MIN of them are drawn as a grid of ceil(sqrt(n / 2)) columns (a host
 * is about three times as wide as tall, so the block comes out roughly
 * square) instead of one tall column, by invisible edges that push every
 * R-th host one rank further from the switch. */
#define GRID_MIN 4

static size_t isqrt_ceil(size_t n) {
    size_t r = (size_t)isqrt_floor(n);
    return r * r < n || r == 0 ? r + 1 : r;
}

static void put_grids(FILE *out, const dot_topology *d, const dot_view *v) {
    const model_topology *t = d->t;
    size_t *degree = ns_xcalloc(t->n_devices, sizeof *degree);
    for (size_t i = 0; i < t->n_links; i++) {
        degree[t->links[i].a.device]++;
        degree[t->links[i].b.device]++;
    }
    /* Leaf links, grouped by (switch, side): a counting sort keeps file order. */
    size_t *count = ns_xcalloc(2 * t->n_devices + 1, sizeof *count);
    size_t *leaf = ns_xcalloc(t->n_links, sizeof *leaf);
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < t->n_links; i++) {
            const model_link *l = &t->links[i];
            for (int side = 0; side < 2; side++) {
                size_t host = side == 0 ? l->a.device : l->b.device;
                size_t sw = side == 0 ? l->b.device : l->a.device;
                if (t->devices[host].type != DEVICE_HOST || degree[host] != 1 ||
                    !is_l2(t->devices[sw].type) || !shown(v, host) || !shown(v, sw))
                    continue;
                size_t group = 2 * sw + (size_t)side;
                if (pass == 0)
                    count[group + 1]++;
                else
                    leaf[count[group]++] = host;
            }
        }
        if (pass == 0)
            for (size_t g = 0; g < 2 * t->n_devices; g++)
                count[g + 1] += count[g];
    }
    /* After the second pass count[g] is the end of group g (its start is count[g - 1]). */
    for (size_t g = 0; g < 2 * t->n_devices; g++) {
        size_t begin = g ? count[g - 1] : 0, n = count[g] - begin;
        if (n <= GRID_MIN)
            continue;
        size_t cols = isqrt_ceil((n + 1) / 2), rows = (n + cols - 1) / cols;
        for (size_t k = 0; k + rows < n; k++) {
            size_t near = leaf[begin + k], far = leaf[begin + k + rows];
            /* A host written first in its link sits before the switch. */
            char a[DOT_ID_LEN], b[DOT_ID_LEN];
            dot_node_id(a, sizeof a, g % 2 == 0 ? far : near);
            dot_node_id(b, sizeof b, g % 2 == 0 ? near : far);
            fprintf(out, "  %s -- %s [style=invis];\n", a, b);
        }
    }
    free(leaf);
    free(count);
    free(degree);
}

void dot_write_topology(FILE *out, const dot_topology *d, const dot_view *v) {
    const model_topology *t = d->t;
    bool light = v && v->light;
    const char *font = dot_font(t);
    if (light)
        fprintf(out,
                "graph topology {\n"
                "  graph [layout=sfdp, overlap=prism, splines=false, outputorder=edgesfirst, "
                "fontname=\"%s\", fontsize=11, pad=0.2",
                font);
    else
        fprintf(out,
                "graph topology {\n"
                "  graph [rankdir=LR, fontname=\"%s\", fontsize=11, nodesep=0.3, "
                "ranksep=0.45, pad=0.2, newrank=true",
                font);
    if (v && v->label)
        fprintf(out, ", labelloc=%s, label=<%s>", v->label_at_bottom ? "b" : "t", v->label);
    fprintf(out,
            "];\n"
            "  node [fontname=\"%s\", fontsize=11, margin=\"0.08,0.04\", penwidth=1.2];\n"
            "  edge [fontname=\"%s\", fontsize=9, color=\"" EDGE_COLOR "\", penwidth=1.6];\n",
            font, font);
    bool *done = ns_xcalloc(d->n_clusters, sizeof *done);
    for (size_t i = 0; i < t->n_devices; i++) {
        if (!shown(v, i))
            continue;
        int32_t c = light ? -1 : d->cluster[i];
        if (c < 0) {
            put_device(out, d, i, "  ");
        } else if (!done[c]) {
            done[c] = true;
            put_cluster(out, d, v, c, i);
        }
    }
    free(done);
    for (size_t i = 0; i < t->n_links; i++)
        if (shown(v, t->links[i].a.device) && shown(v, t->links[i].b.device))
            put_link(out, d, v, i);
    if (v && v->extra)
        fputs(v->extra, out);
    if (!light)
        put_grids(out, d, v);
    fputs("}\n", out);
}
