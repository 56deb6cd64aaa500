#define _POSIX_C_SOURCE 200809L /* mkdir, access */
/*
 * diagrams: records frames from the trace bus and draws the lecture diagrams
 * after the run (see diagrams.h and docs/diagrams.md).
 *
 * Recording: each TRACE_WIRE event (a frame crossing a link) gets an index in
 * arrival order, which is time order. A frame is kept (decoded fields and
 * two short texts in an arena, never its bytes) when it is among the first
 * DIAGRAMS_LADDER_FRAMES (the overall ladder), among the first max_steps
 * (--steps), or belongs to one of the first DIAGRAMS_MAX_FLOWS flows that has
 * room left. Past those caps an event costs a decode and a hash look-up, and
 * once every flow is full not even that.
 *
 * Drawing: the topology and step slides are laid out by dot; path diagrams
 * are the topology with the packet's hops drawn on its links (rows from the
 * hop table, so hop numbers and change texts match trace.txt); ladders are
 * laid out here, every node pinned with pos, and rendered by neato -n2 (no
 * layout search: columns in topology order, one row per frame, time down).
 * Step slides of one run have the same nodes, edges and caption size, so dot
 * places everything identically and only the highlighted link moves.
 *
 * Rendering runs Graphviz's dot through io/graphviz.h (an argument vector:
 * no shell, file names never parsed; a timeout, a total budget and a memory
 * bound per process), one process per file (the only way its output is
 * deterministic). What to render is decided by size first: the topology's
 * devices, interfaces and links (dot_topology_size) choose dot with subnet
 * boxes, the light sfdp layout, or no rendering; path diagrams and step
 * slides are rendered only at the smallest size.
 *
 * Files: everything is written into the directory given, which netsim made
 * for this run: files are created new (O_EXCL, so nothing already there is
 * followed or overwritten), and the only files ever removed are the partial
 * pictures of dot processes that did not finish.
 */
#include "diagrams/diagrams.h"
#include "util/alloc.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "diagrams/dot.h"
#include "diagrams/graphviz.h"
#include "util/strmap.h"
#include "util/u64map.h"
#include "wire/addr.h"
#include "wire/describe.h"
#include "wire/ipv4.h"

#define NO_TEXT     SIZE_MAX
#define NO_FLOW     UINT32_MAX
#define SUMMARY_CAP 512
#define LABEL_MAX   56  /* characters of a ladder arrow's label */
#define CAPTION_MAX 110 /* characters of a step caption line */
#define PNG_DPI     "144"

/* Ladder geometry, in points (neato -n2 takes positions in points). */
#define LADDER_ROW     22.0 /* between two frames */
#define LADDER_TOP     52.0 /* from the column heads to the first frame */
#define LADDER_TIME_X  34.0 /* centre of the time column */
#define LADDER_LEFT    86.0 /* left edge of the first column head */
#define LADDER_MIN_GAP 96.0
#define LADDER_MAX_GAP 420.0
#define LABEL_CHAR_W   5.3 /* a 9 pt Helvetica character, generously */
#define HEAD_CHAR_W    7.6 /* an 11 pt bold character */
#define CAPTION_CHAR_W 7.0 /* a 12 pt character */

/* What a frame carries, for its colour. */
typedef enum {
    PROTO_OTHER,
    PROTO_ARP,
    PROTO_ICMP,
    PROTO_UDP,
    PROTO_TCP,
    PROTO_SERVICE, /* DHCP or DNS */
} proto_kind;

static const char *const proto_color[] = {
    [PROTO_OTHER] = "#6b7280", [PROTO_ARP] = "#c2410c", [PROTO_ICMP] = "#1d4ed8",
    [PROTO_UDP] = "#0f766e",   [PROTO_TCP] = "#7c3aed", [PROTO_SERVICE] = "#0e7490",
};

/* One frame that crossed a link. */
typedef struct frame_rec {
    uint64_t time;
    uint32_t link;
    uint32_t packet;
    uint32_t flow; /* index into flows, or NO_FLOW */
    size_t label;  /* arena offsets: the short label, the full summary, */
    size_t summary;
    size_t line; /* and the trace line behind it (NO_TEXT if unknown) */
    mac_addr eth_src, eth_dst;
    uint8_t side; /* the transmitting end of the link: 0 is model_link.a */
    uint8_t proto;
    uint8_t broadcast;
    uint8_t in_main; /* drawn in ladder.svg */
    uint8_t is_step; /* a step slide */
} frame_rec;

/* A flow: the frames between two IPv4 addresses (either way; ARP counts by
 * its sender and target protocol addresses). */
typedef struct flow_rec {
    ipv4_addr lo, hi;
    uint32_t n_frames;
} flow_rec;

typedef struct buf {
    char *s;
    size_t len, cap;
} buf;

struct diagrams {
    const model_topology *t;
    diagram_options o;
    strmap *dev_index; /* device name -> index (names borrowed from the model) */
    frame_rec *frames;
    size_t n_frames, cap_frames;
    uint64_t n_wire; /* frames seen on known links, kept or not */
    u64map *flow_by_key;
    flow_rec *flows;
    size_t n_flows, open_flows;
    buf text;               /* arena of NUL-terminated strings */
    char **dev_line;        /* --steps: per device, its latest send/forward line */
    uint32_t *dev_line_pkt; /* and that line's packet id */
};

/* --- small helpers --- */

static void *xcalloc(size_t n, size_t size) {
    void *p = calloc(n ? n : 1, size);
    if (!p)
        ns_out_of_memory();
    return p;
}

static char *xstrdup(const char *s) {
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (!p)
        ns_out_of_memory();
    memcpy(p, s, n);
    return p;
}

static void buf_reserve(buf *b, size_t extra) {
    if (b->len + extra + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra + 1)
        cap *= 2;
    char *s = realloc(b->s, cap);
    if (!s)
        ns_out_of_memory();
    b->s = s;
    b->cap = cap;
}

static void buf_puts(buf *b, const char *s) {
    size_t n = strlen(s);
    buf_reserve(b, n);
    memcpy(b->s + b->len, s, n + 1);
    b->len += n;
}

__attribute__((format(printf, 2, 3))) static void buf_printf(buf *b, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        ns_out_of_memory();
    buf_reserve(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

static void buf_clear(buf *b) {
    buf_reserve(b, 0);
    b->len = 0;
    b->s[0] = '\0';
}

static void buf_html(buf *b, const char *s) {
    char *e = dot_escape_html(s);
    buf_puts(b, e);
    free(e);
}

/* Stores `s` in the arena; returns its offset. */
static size_t arena_put(diagrams *d, const char *s) {
    size_t at = d->text.len;
    buf_puts(&d->text, s);
    d->text.len++; /* keep the NUL: strings are stored back to back */
    return at;
}

static const char *arena_get(const diagrams *d, size_t at) {
    return at == NO_TEXT ? NULL : d->text.s + at;
}

static void format_time(uint64_t ns, char *out, size_t cap) {
    snprintf(out, cap, "%" PRIu64 ".%09" PRIu64, ns / 1000000000u, ns % 1000000000u);
}

static const char *dev_name(const diagrams *d, size_t dev) {
    return d->t->devices[dev].name;
}

static const char *iface_name(const diagrams *d, const model_endpoint *e) {
    return d->t->devices[e->device].ifaces[e->iface].name;
}

/* The endpoint of link `l` on `side` (0: a, 1: b). */
static const model_endpoint *link_end(const diagrams *d, uint32_t l, int side) {
    return side == 0 ? &d->t->links[l].a : &d->t->links[l].b;
}

/* --- construction --- */

diagrams *diagrams_new(const model_topology *t, const diagram_options *o) {
    diagrams *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    d->t = t;
    if (o)
        d->o = *o;
    if (d->o.max_paths == 0)
        d->o.max_paths = DIAGRAMS_MAX_PATHS;
    if (d->o.max_steps == 0)
        d->o.max_steps = DIAGRAMS_MAX_STEPS;
    if (!d->o.steps)
        d->o.max_steps = 0;
    d->dev_index = strmap_new();
    d->flow_by_key = u64map_new(sizeof(uint32_t));
    d->flows = calloc(DIAGRAMS_MAX_FLOWS, sizeof *d->flows);
    if (!d->dev_index || !d->flow_by_key || !d->flows) {
        diagrams_free(d);
        return NULL;
    }
    for (size_t i = 0; i < t->n_devices; i++)
        strmap_put(d->dev_index, t->devices[i].name, (int)i);
    if (d->o.steps) {
        d->dev_line = xcalloc(t->n_devices, sizeof *d->dev_line);
        d->dev_line_pkt = xcalloc(t->n_devices, sizeof *d->dev_line_pkt);
    }
    return d;
}

void diagrams_free(diagrams *d) {
    if (!d)
        return;
    if (d->dev_line)
        for (size_t i = 0; i < d->t->n_devices; i++)
            free(d->dev_line[i]);
    free(d->dev_line);
    free(d->dev_line_pkt);
    free(d->text.s);
    free(d->flows);
    u64map_free(d->flow_by_key);
    free(d->frames);
    strmap_free(d->dev_index);
    free(d);
}

/* --- recording --- */

static bool name_equal(const char *a, const char *b) {
    return a && b && strcmp(a, b) == 0;
}

/* Which end of link `l` transmitted the event's frame: 0, 1, or -1. */
static int transmitting_side(const diagrams *d, uint32_t l, const trace_event *ev) {
    for (int side = 0; side < 2; side++) {
        const model_endpoint *e = link_end(d, l, side);
        if (name_equal(dev_name(d, e->device), ev->device) &&
            name_equal(iface_name(d, e), ev->port))
            return side;
    }
    return -1;
}

static proto_kind classify(const frame_info *fi) {
    if (fi->has_arp)
        return PROTO_ARP;
    if (!fi->has_ip)
        return PROTO_OTHER;
    if (fi->has_ports) {
        uint16_t s = fi->src_port, t = fi->dst_port;
        if (s == 53 || t == 53 || s == 67 || t == 67 || s == 68 || t == 68)
            return PROTO_SERVICE;
    }
    switch (fi->ip_protocol) {
    case IPPROTO_ICMP_NUM:
        return PROTO_ICMP;
    case IPPROTO_TCP_NUM:
        return PROTO_TCP;
    case IPPROTO_UDP_NUM:
        return PROTO_UDP;
    default:
        return PROTO_OTHER;
    }
}

static bool is_mac_text(const char *s, size_t n) {
    return n == MAC_TEXT_LEN - 1 && s[2] == ':' && s[5] == ':';
}

static bool starts_with(const char *s, size_t n, const char *prefix) {
    size_t p = strlen(prefix);
    return n >= p && memcmp(s, prefix, p) == 0;
}

/* The short arrow label of a summary: "ICMP echo request 10.0.0.1 >
 * 10.0.0.2 id=0x1c2b seq=1 ttl=64" becomes "ICMP echo request seq=1". Drops
 * "a > b" address pairs (kept as "port > port" for UDP, which has little
 * else to show), id=, xid=, ttl=, win=, len=0, "tell IP", and "from MAC" /
 * "to MAC"; cuts what is left at LABEL_MAX characters. */
static void short_label(const char *summary, char *out, size_t cap) {
    const char *tok[64];
    size_t len[64], n = 0;
    for (const char *p = summary; *p && n < 64;) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        tok[n] = p;
        while (*p && *p != ' ')
            p++;
        len[n] = (size_t)(p - tok[n]);
        n++;
    }
    bool udp = n > 0 && len[0] == 3 && memcmp(tok[0], "UDP", 3) == 0;
    buf b = {0};
    buf_puts(&b, "");
    for (size_t i = 0; i < n; i++) {
        if (i + 2 < n && len[i + 1] == 1 && tok[i + 1][0] == '>') {
            const char *ps = memchr(tok[i], ':', len[i]);
            const char *pd = memchr(tok[i + 2], ':', len[i + 2]);
            if (udp && ps && pd)
                buf_printf(&b, "%s%.*s > %.*s", b.len ? " " : "", (int)(tok[i] + len[i] - ps - 1),
                           ps + 1, (int)(tok[i + 2] + len[i + 2] - pd - 1), pd + 1);
            i += 2;
            continue;
        }
        if (starts_with(tok[i], len[i], "id=") || starts_with(tok[i], len[i], "xid=") ||
            starts_with(tok[i], len[i], "ttl=") || starts_with(tok[i], len[i], "win=") ||
            (len[i] == 5 && memcmp(tok[i], "len=0", 5) == 0))
            continue;
        if (i + 1 < n && ((len[i] == 4 && memcmp(tok[i], "tell", 4) == 0) ||
                          (((len[i] == 4 && memcmp(tok[i], "from", 4) == 0) ||
                            (len[i] == 2 && memcmp(tok[i], "to", 2) == 0)) &&
                           is_mac_text(tok[i + 1], len[i + 1])))) {
            i++;
            continue;
        }
        buf_printf(&b, "%s%.*s", b.len ? " " : "", (int)len[i], tok[i]);
    }
    if (b.len > LABEL_MAX)
        snprintf(out, cap, "%.*s...", LABEL_MAX - 3, b.s);
    else
        snprintf(out, cap, "%s", b.s);
    free(b.s);
}

/* The flow of a frame: an index into d->flows, created while there is room,
 * or NO_FLOW (not IPv4 or ARP, no room, or the flow's ladder is full). */
static uint32_t flow_of(diagrams *d, const frame_info *fi) {
    ipv4_addr a, b;
    if (fi->has_ip)
        a = fi->ip_src, b = fi->ip_dst;
    else if (fi->has_arp)
        a = fi->arp_sender_ip, b = fi->arp_target_ip;
    else
        return NO_FLOW;
    ipv4_addr lo = a < b ? a : b, hi = a < b ? b : a;
    uint64_t key = ((uint64_t)lo << 32) | hi;
    uint32_t *slot = u64map_get(d->flow_by_key, key);
    if (!slot) {
        if (d->n_flows >= DIAGRAMS_MAX_FLOWS)
            return NO_FLOW;
        slot = u64map_put(d->flow_by_key, key, NULL);
        *slot = (uint32_t)d->n_flows;
        d->flows[d->n_flows++] = (flow_rec){.lo = lo, .hi = hi, .n_frames = 0};
        d->open_flows++;
    }
    flow_rec *f = &d->flows[*slot];
    if (f->n_frames >= DIAGRAMS_LADDER_FRAMES)
        return NO_FLOW;
    if (++f->n_frames == DIAGRAMS_LADDER_FRAMES)
        d->open_flows--;
    return *slot;
}

static void record_wire(diagrams *d, const trace_event *ev) {
    if (ev->link < 0 || (size_t)ev->link >= d->t->n_links || !ev->frame)
        return;
    uint32_t l = (uint32_t)ev->link;
    int side = transmitting_side(d, l, ev);
    if (side < 0)
        return;
    uint64_t idx = d->n_wire++;
    bool in_main = idx < DIAGRAMS_LADDER_FRAMES;
    bool is_step = idx < d->o.max_steps;
    if (!in_main && !is_step && d->open_flows == 0 && d->n_flows >= DIAGRAMS_MAX_FLOWS)
        return;
    frame_info fi;
    frame_decode(ev->frame, ev->frame_len, &fi);
    uint32_t flow = flow_of(d, &fi);
    if (!in_main && !is_step && flow == NO_FLOW)
        return;
    if (d->n_frames == d->cap_frames) {
        size_t cap = d->cap_frames ? d->cap_frames * 2 : 256;
        frame_rec *f = realloc(d->frames, cap * sizeof *f);
        if (!f)
            ns_out_of_memory();
        d->frames = f;
        d->cap_frames = cap;
    }
    char summary[SUMMARY_CAP], label[SUMMARY_CAP];
    frame_describe(ev->frame, ev->frame_len, summary, sizeof summary);
    short_label(summary, label, sizeof label);
    frame_rec *r = &d->frames[d->n_frames++];
    *r = (frame_rec){.time = ev->time,
                     .link = l,
                     .packet = ev->packet_id,
                     .flow = flow,
                     .label = arena_put(d, label),
                     .summary = arena_put(d, summary),
                     .line = NO_TEXT,
                     .eth_src = fi.eth_src,
                     .eth_dst = fi.eth_dst,
                     .side = (uint8_t)side,
                     .proto = (uint8_t)classify(&fi),
                     .broadcast = mac_is_broadcast(fi.eth_dst),
                     .in_main = in_main,
                     .is_step = is_step};
    if (is_step && d->dev_line) {
        int dev = strmap_get(d->dev_index, ev->device);
        if (dev >= 0 && d->dev_line[dev] && d->dev_line_pkt[dev] == ev->packet_id)
            r->line = arena_put(d, d->dev_line[dev]);
    }
}

/* --steps: remembers a device's latest send/forward/flood/repeat line in the
 * layout of trace.txt (columns separated by two spaces, not padded), to show
 * beside the frame that follows it on a link. */
static void remember_line(diagrams *d, const trace_event *ev) {
    int dev = strmap_get(d->dev_index, ev->device);
    if (dev < 0)
        return;
    char time[32], src[MAC_TEXT_LEN], dst[MAC_TEXT_LEN], summary[SUMMARY_CAP];
    frame_info fi;
    frame_decode(ev->frame, ev->frame_len, &fi);
    frame_describe(ev->frame, ev->frame_len, summary, sizeof summary);
    format_time(ev->time, time, sizeof time);
    buf b = {0};
    buf_printf(&b, "%s  %s%s%s  %s", time, ev->device, ev->port ? "." : "",
               ev->port ? ev->port : "", trace_kind_name(ev->kind));
    if (ev->packet_id)
        buf_printf(&b, "  #%" PRIu32, ev->packet_id);
    buf_printf(&b, "  %s > %s  %s", mac_format(fi.eth_src, src), mac_format(fi.eth_dst, dst),
               summary);
    if (ev->why)
        buf_printf(&b, "  (%s)", ev->why);
    if (ev->detail)
        buf_printf(&b, "  %s", ev->detail);
    for (char *p = b.s; *p; p++)
        if ((unsigned char)*p < 0x20)
            *p = ' ';
    free(d->dev_line[dev]);
    d->dev_line[dev] = b.s;
    d->dev_line_pkt[dev] = ev->packet_id;
}

static void diagrams_emit(void *self, const trace_event *ev) {
    diagrams *d = self;
    if (ev->kind == TRACE_WIRE) {
        record_wire(d, ev);
        return;
    }
    if (!d->dev_line || d->n_wire >= d->o.max_steps || !ev->frame || !ev->device)
        return;
    if (ev->kind == TRACE_SEND || ev->kind == TRACE_FORWARD || ev->kind == TRACE_FLOOD ||
        ev->kind == TRACE_REPEAT)
        remember_line(d, ev);
}

trace_sink diagrams_as_sink(diagrams *d) {
    trace_sink s = {.emit = diagrams_emit, .self = d};
    return s;
}

/* --- output files --- */

/* The files written for rendering, by renderer. */
typedef struct file_list {
    char **paths; /* "DIR/paths/1.dot", as given to dot */
    size_t n, cap;
} file_list;

static void file_list_add(file_list *f, const char *path) {
    if (f->n == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 16;
        char **p = realloc(f->paths, cap * sizeof *p);
        if (!p)
            ns_out_of_memory();
        f->paths = p;
        f->cap = cap;
    }
    f->paths[f->n++] = xstrdup(path);
}

static void file_list_free(file_list *f) {
    for (size_t i = 0; i < f->n; i++)
        free(f->paths[i]);
    free(f->paths);
}

/* The context of one diagrams_write call. */
typedef struct writer {
    diagrams *d;
    const char *dir; /* as given */
    char *base;      /* dir, with "./" in front when it does not start with '/' so
                        that dot never takes a file name for an option */
    dot_topology *topo;
    ns_error *err;
    int rc;
    file_list dot_files;   /* rendered by dot: topology, paths */
    file_list neato_files; /* rendered by neato -n2: ladders */
    file_list step_files;  /* rendered by dot, SVG only */
    file_list png_dot;     /* --png: dot layout */
    file_list png_neato;   /* --png: neato -n2 */
    size_t topo_size;      /* dot_topology_size of the whole topology */
    size_t paths_skipped;  /* path diagrams through more than DIAGRAMS_SLIDE_DEVICES devices */
    size_t paths_too_big;  /* path diagrams over DIAGRAMS_DRAW_FULL (devices, interfaces, links) */
    char *light_dot;       /* topology.dot when drawn by sfdp (its failure is a note), or NULL */
    bool have_dot;         /* Graphviz's dot is on PATH */
    buf scratch;
} writer;

/* A new file: the directory is this run's own, so anything already at
 * `path` (a link included) is an error, never followed or overwritten. */
static FILE *open_file(writer *w, const char *path) {
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        if (w->rc == 0)
            w->rc = ns_error_set(w->err, NS_ERR_IO, "%s: cannot write: %s", path, strerror(e));
    }
    return f;
}

static void close_file(writer *w, FILE *f, const char *path) {
    if (fclose(f) != 0 && w->rc == 0)
        w->rc = ns_error_set(w->err, NS_ERR_IO, "%s: write failed: %s", path, strerror(errno));
}

static char *path_join(const char *a, const char *b) {
    size_t n = strlen(a) + strlen(b) + 2;
    char *p = malloc(n);
    if (!p)
        ns_out_of_memory();
    snprintf(p, n, "%s/%s", a, b);
    return p;
}

/* A new directory (one that exists already is an error, as for files). */
static int make_dir(writer *w, const char *path) {
    if (mkdir(path, 0777) != 0)
        return w->rc = ns_error_set(w->err, NS_ERR_IO, "%s: cannot create directory: %s", path,
                                    strerror(errno));
    return 0;
}

/* --- the topology --- */

/* topology.dot: with subnet boxes up to DIAGRAMS_DRAW_FULL, light up to
 * DIAGRAMS_DRAW_LIGHT (SVG only), and above that written with the boxes
 * (for whoever wants to give Graphviz the time) but not rendered. */
static void write_topology(writer *w) {
    char *path = path_join(w->base, "topology.dot");
    FILE *f = open_file(w, path);
    if (f) {
        bool light = w->topo_size > DIAGRAMS_DRAW_FULL && w->topo_size <= DIAGRAMS_DRAW_LIGHT;
        buf *b = &w->scratch;
        buf_clear(b);
        buf_puts(b, "<FONT POINT-SIZE=\"13\"><B>");
        buf_html(b, w->d->t->name);
        buf_puts(b, "</B></FONT>");
        dot_view v = {.label = b->s, .light = light};
        dot_write_topology(f, w->topo, &v);
        close_file(w, f, path);
        if (w->topo_size <= DIAGRAMS_DRAW_LIGHT) {
            file_list_add(&w->dot_files, path);
            if (w->d->o.png && !light) /* a bitmap of a large graph: hundreds of MB, no use */
                file_list_add(&w->png_dot, path);
        }
        if (light)
            w->light_dot = xstrdup(path);
    }
    free(path);
}

/* --- path diagrams --- */

static const char *change_color(hop_change c) {
    switch (c) {
    case HOP_CHANGE_SENT:
        return "#1d4ed8";
    case HOP_CHANGE_FORWARDED:
        return "#15803d";
    case HOP_CHANGE_REPEATED:
        return "#6b7280";
    case HOP_CHANGE_MAC:
        return "#d97706";
    case HOP_CHANGE_ADDRESSES:
        return "#a21caf";
    case HOP_CHANGE_IP:
        return "#dc2626";
    }
    return "#6b7280";
}

static const char *change_legend(hop_change c) {
    switch (c) {
    case HOP_CHANGE_SENT:
        return "sent";
    case HOP_CHANGE_FORWARDED:
        return "forwarded unchanged";
    case HOP_CHANGE_REPEATED:
        return "repeated by a hub";
    case HOP_CHANGE_MAC:
        return "MAC rewritten (router)";
    case HOP_CHANGE_ADDRESSES:
        return "addresses rewritten";
    case HOP_CHANGE_IP:
        return "IP rewritten (NAT)";
    }
    return "";
}

/* Which colour wins on a link crossed by several hops: the rewrites first. */
static int change_weight(hop_change c) {
    switch (c) {
    case HOP_CHANGE_IP:
        return 5;
    case HOP_CHANGE_ADDRESSES:
        return 4;
    case HOP_CHANGE_MAC:
        return 3;
    case HOP_CHANGE_SENT:
        return 2;
    case HOP_CHANGE_FORWARDED:
        return 1;
    case HOP_CHANGE_REPEATED:
        return 0;
    }
    return 0;
}

static void format_endpoint(ipv4_addr a, bool port, uint16_t p, char *out, size_t cap) {
    char ip[IPV4_TEXT_LEN];
    ipv4_format(a, ip);
    if (port)
        snprintf(out, cap, "%s:%u", ip, p);
    else
        snprintf(out, cap, "%s", ip);
}

/* A short mark for the edge beside the hop number: rewrites only. */
static const char *change_mark(hop_change c) {
    switch (c) {
    case HOP_CHANGE_MAC:
        return "MAC rewritten";
    case HOP_CHANGE_ADDRESSES:
        return "addresses rewritten";
    case HOP_CHANGE_IP:
        return "IP rewritten";
    case HOP_CHANGE_SENT:
    case HOP_CHANGE_FORWARDED:
    case HOP_CHANGE_REPEATED:
        break;
    }
    return NULL;
}

static void put_badge(buf *b, const hop_view *h) {
    buf_printf(
        b, "<TD BGCOLOR=\"%s\"><FONT COLOR=\"white\"><B>&#160;%" PRIu32 "&#160;</B></FONT></TD>",
        change_color(h->change), h->number);
}

/* One row of the hop table under a path diagram: number, link, what
 * happened, MAC src -> dst, IP src -> dst, TTL; the rewritten cell is drawn
 * in the hop's colour. */
static void put_hop_row(buf *b, const diagrams *d, const hop_view *h) {
    const char *c = change_color(h->change);
    const model_link *l = &d->t->links[h->link];
    const model_endpoint *from = h->from_side == 0 ? &l->a : &l->b;
    const model_endpoint *to = h->from_side == 0 ? &l->b : &l->a;
    char src[32], dst[32];
    buf_puts(b, "<TR>");
    put_badge(b, h);
    buf_puts(b, "<TD ALIGN=\"LEFT\">");
    buf_html(b, dev_name(d, from->device));
    buf_printf(b, ".%s &#8594; ", iface_name(d, from));
    buf_html(b, dev_name(d, to->device));
    buf_printf(b, ".%s</TD><TD ALIGN=\"LEFT\"><FONT COLOR=\"%s\">", iface_name(d, to), c);
    buf_html(b, h->change_text);
    bool mac_mark = h->change == HOP_CHANGE_MAC;
    bool ip_mark = h->change == HOP_CHANGE_IP || h->change == HOP_CHANGE_ADDRESSES;
    buf_printf(b, "</FONT></TD><TD ALIGN=\"LEFT\">%s%s%s%s &#8594; %s%s</TD>",
               mac_mark ? "<FONT COLOR=\"" : "", mac_mark ? c : "", mac_mark ? "\"><B>" : "",
               mac_format(h->eth_src, src), mac_format(h->eth_dst, dst),
               mac_mark ? "</B></FONT>" : "");
    if (h->addr == HOP_ADDR_NONE) {
        buf_puts(b, "<TD ALIGN=\"LEFT\">-</TD><TD>-</TD>");
    } else {
        format_endpoint(h->src, h->has_ports, h->sport, src, sizeof src);
        format_endpoint(h->dst, h->has_ports, h->dport, dst, sizeof dst);
        buf_printf(b, "<TD ALIGN=\"LEFT\">%s%s%s%s%s &#8594; %s%s</TD>",
                   ip_mark ? "<FONT COLOR=\"" : "", ip_mark ? c : "", ip_mark ? "\"><B>" : "",
                   h->addr == HOP_ADDR_ARP ? "ARP " : "", src, dst, ip_mark ? "</B></FONT>" : "");
        if (h->addr == HOP_ADDR_IPV4)
            buf_printf(b, "<TD>%u</TD>", h->ttl);
        else
            buf_puts(b, "<TD>-</TD>");
    }
    buf_puts(b, "</TR>");
}

#define PATH_TABLE_ROWS 40 /* hop table rows under a path diagram */

typedef struct path_state {
    writer *w;
    dot_link_style *styles; /* per link */
    buf *labels;            /* per link: its badges */
    int *weight;            /* per link: weight of its colour, -1 if not crossed */
    bool *show;             /* per device */
    uint32_t *touched;      /* links crossed by the current packet */
} path_state;

static void path_visit(void *ctx, uint32_t packet_id, const char *summary, const hop_view *rows,
                       size_t n_rows) {
    path_state *ps = ctx;
    writer *w = ps->w;
    const model_topology *t = w->d->t;
    if (w->rc != 0)
        return;
    bool whole = t->n_devices <= DIAGRAMS_SLIDE_DEVICES && w->topo_size <= DIAGRAMS_DRAW_FULL;
    for (size_t i = 0; i < t->n_devices; i++)
        ps->show[i] = whole;
    bool present[HOP_CHANGE_IP + 1] = {false};
    size_t n_touched = 0;
    for (size_t r = 0; r < n_rows; r++) {
        const hop_view *h = &rows[r];
        uint32_t l = h->link;
        if (l >= t->n_links)
            continue;
        ps->show[t->links[l].a.device] = true;
        ps->show[t->links[l].b.device] = true;
        dot_dir dir = h->from_side == 0 ? DOT_DIR_AB : DOT_DIR_BA;
        buf *lb = &ps->labels[l];
        if (ps->weight[l] < 0) {
            ps->touched[n_touched++] = l;
            buf_clear(lb);
            buf_puts(lb, "<TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"1\" CELLPADDING=\"1\" "
                         "BGCOLOR=\"white\"><TR>");
            ps->styles[l].dir = dir;
        } else if (ps->styles[l].dir != dir) {
            ps->styles[l].dir = DOT_DIR_BOTH;
        }
        if (change_weight(h->change) > ps->weight[l]) {
            ps->weight[l] = change_weight(h->change);
            ps->styles[l].color = change_color(h->change);
        }
        if (lb->len < 2000) { /* a link crossed over and over (a storm) keeps a few badges */
            put_badge(lb, h);
            if (change_mark(h->change))
                buf_printf(lb, "<TD><FONT COLOR=\"%s\"><B>%s</B></FONT></TD>",
                           change_color(h->change), change_mark(h->change));
        }
        present[h->change] = true;
    }
    size_t n_shown = 0;
    for (size_t i = 0; i < t->n_devices; i++)
        n_shown += ps->show[i];
    if (n_shown > DIAGRAMS_SLIDE_DEVICES) {
        w->paths_skipped++;
    } else if (!whole && dot_topology_size(w->topo, ps->show) > DIAGRAMS_DRAW_FULL) {
        w->paths_too_big++;
    } else {
        for (size_t k = 0; k < n_touched; k++) {
            uint32_t l = ps->touched[k];
            buf_puts(&ps->labels[l], "</TR></TABLE>");
            ps->styles[l].label = ps->labels[l].s;
            ps->styles[l].penwidth = 3;
        }
        /* The caption: title, legend, and the hop table. */
        buf *cap = &w->scratch;
        buf_clear(cap);
        buf_puts(cap, "<TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"0\" CELLPADDING=\"2\">"
                      "<TR><TD COLSPAN=\"6\"><FONT POINT-SIZE=\"12\">");
        buf_printf(cap, "<B>packet #%" PRIu32 ":</B> ", packet_id);
        buf_html(cap, summary);
        buf_puts(cap, "</FONT></TD></TR><TR><TD COLSPAN=\"6\"><FONT POINT-SIZE=\"9\">");
        bool first = true;
        for (int c = 0; c <= HOP_CHANGE_IP; c++) {
            if (!present[c])
                continue;
            buf_printf(cap, "%s<FONT COLOR=\"%s\">&#9632; %s</FONT>", first ? "" : "&#160;&#160;",
                       change_color((hop_change)c), change_legend((hop_change)c));
            first = false;
        }
        buf_puts(cap, "</FONT></TD></TR><TR><TD><FONT POINT-SIZE=\"9\"><B>hop</B></FONT></TD>"
                      "<TD ALIGN=\"LEFT\"><B>link</B></TD><TD ALIGN=\"LEFT\"><B>what happened</B>"
                      "</TD><TD ALIGN=\"LEFT\"><B>MAC src &#8594; dst</B></TD><TD ALIGN=\"LEFT\">"
                      "<B>IP src &#8594; dst</B></TD><TD><B>TTL</B></TD></TR>");
        for (size_t r = 0; r < n_rows && r < PATH_TABLE_ROWS; r++)
            put_hop_row(cap, w->d, &rows[r]);
        if (n_rows > PATH_TABLE_ROWS)
            buf_printf(cap,
                       "<TR><TD COLSPAN=\"6\" ALIGN=\"LEFT\">... and %zu more hops (all in "
                       "paths.json)</TD></TR>",
                       n_rows - PATH_TABLE_ROWS);
        buf_puts(cap, "</TABLE>");
        char name[40];
        snprintf(name, sizeof name, "paths/%" PRIu32 ".dot", packet_id);
        char *path = path_join(w->base, name);
        FILE *f = open_file(w, path);
        if (f) {
            dot_view v = {.links = ps->styles,
                          .dim_plain_links = true,
                          .show = whole ? NULL : ps->show,
                          .label = cap->s,
                          .label_at_bottom = true};
            dot_write_topology(f, w->topo, &v);
            close_file(w, f, path);
            file_list_add(&w->dot_files, path);
            if (w->d->o.png)
                file_list_add(&w->png_dot, path);
        }
        free(path);
    }
    for (size_t k = 0; k < n_touched; k++) {
        uint32_t l = ps->touched[k];
        ps->styles[l] = (dot_link_style){0};
        ps->weight[l] = -1;
    }
}

static void write_paths(writer *w, const hop_table *hops) {
    const model_topology *t = w->d->t;
    char *dir = path_join(w->base, "paths");
    make_dir(w, dir);
    free(dir);
    if (w->rc != 0 || !hops)
        return;
    path_state ps = {.w = w,
                     .styles = xcalloc(t->n_links, sizeof *ps.styles),
                     .labels = xcalloc(t->n_links, sizeof *ps.labels),
                     .weight = xcalloc(t->n_links, sizeof *ps.weight),
                     .show = xcalloc(t->n_devices, sizeof *ps.show),
                     .touched = xcalloc(t->n_links, sizeof *ps.touched)};
    for (size_t l = 0; l < t->n_links; l++)
        ps.weight[l] = -1;
    hop_table_visit(hops, w->d->o.max_paths, path_visit, &ps);
    for (size_t l = 0; l < t->n_links; l++)
        free(ps.labels[l].s);
    free(ps.styles);
    free(ps.labels);
    free(ps.weight);
    free(ps.show);
    free(ps.touched);
}

/* --- ladders --- */

/* Width of a column head, in points. */
static double head_width(const model_device *dev) {
    size_t n = strlen(dev->name), k = strlen(device_type_name(dev->type));
    double w = (double)n * HEAD_CHAR_W, wk = (double)k * 5.0;
    return (w > wk ? w : wk) + 24.0;
}

/* Writes a ladder of the frames frames[rows[0..n)] (time order). */
static void put_ladder(const diagrams *d, FILE *out, const uint32_t *rows, size_t n,
                       const char *title_html) {
    const model_topology *t = d->t;
    int32_t *col = xcalloc(t->n_devices, sizeof *col);
    for (size_t i = 0; i < t->n_devices; i++)
        col[i] = -1;
    for (size_t r = 0; r < n; r++) {
        const frame_rec *f = &d->frames[rows[r]];
        col[t->links[f->link].a.device] = 0;
        col[t->links[f->link].b.device] = 0;
    }
    size_t n_cols = 0;
    size_t *dev_of = xcalloc(t->n_devices, sizeof *dev_of);
    for (size_t i = 0; i < t->n_devices; i++)
        if (col[i] == 0) {
            dev_of[n_cols] = i;
            col[i] = (int32_t)n_cols++;
        }
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
        const frame_rec *f = &d->frames[rows[r]];
        int32_t a = col[t->links[f->link].a.device], b = col[t->links[f->link].b.device];
        int32_t span = a > b ? a - b : b - a;
        double need = ((double)strlen(arena_get(d, f->label)) + 4.0) * LABEL_CHAR_W + 16.0;
        if (span > 0 && need / span > gap)
            gap = need / span;
    }
    if (gap > LADDER_MAX_GAP)
        gap = LADDER_MAX_GAP;
    double x0 = LADDER_LEFT + (n_cols ? head_width(&t->devices[dev_of[0]]) / 2.0 : 0.0);
    double bottom = -LADDER_TOP - (double)(n ? n - 1 : 0) * LADDER_ROW - 18.0;

    fputs("digraph ladder {\n"
          "  graph [splines=line, outputorder=edgesfirst, pad=0.2, fontname=\"Helvetica\"",
          out);
    if (title_html)
        fprintf(out, ", labelloc=t, label=<%s>", title_html);
    fputs("];\n"
          "  node [fontname=\"Helvetica\", fontsize=11];\n"
          "  edge [fontname=\"Helvetica\", fontsize=9, arrowsize=0.7];\n",
          out);
    for (size_t c = 0; c < n_cols; c++) {
        const model_device *dev = &t->devices[dev_of[c]];
        double x = x0 + (double)c * gap;
        fprintf(out, "  h%zu [pos=\"%.1f,0\", %s, margin=\"0.08,0.03\", label=<<B>", c, x,
                dot_device_attrs(dev->type));
        dot_put_html(out, dev->name);
        fprintf(out, "</B><BR/><FONT POINT-SIZE=\"8\" COLOR=\"#555555\">%s</FONT>>];\n",
                device_type_name(dev->type));
        fprintf(out,
                "  e%zu [pos=\"%.1f,%.1f\", shape=point, width=0.01, style=invis];\n"
                "  h%zu -> e%zu [arrowhead=none, style=dashed, color=\"#9ca3af\"];\n",
                c, x, bottom, c, c);
    }
    fprintf(out,
            "  time [pos=\"%.1f,0\", shape=plaintext, fontsize=8, fontcolor=\"#6b7280\", "
            "label=\"time (s)\"];\n",
            LADDER_TIME_X);
    uint64_t last_time = UINT64_MAX;
    for (size_t r = 0; r < n; r++) {
        const frame_rec *f = &d->frames[rows[r]];
        const model_link *l = &t->links[f->link];
        int32_t from = col[f->side == 0 ? l->a.device : l->b.device];
        int32_t to = col[f->side == 0 ? l->b.device : l->a.device];
        double y = -LADDER_TOP - (double)r * LADDER_ROW;
        double xf = x0 + from * gap, xt = x0 + to * gap;
        const char *color = proto_color[f->proto];
        if (f->time != last_time) {
            char time[32];
            format_time(f->time, time, sizeof time);
            fprintf(
                out,
                "  t%zu [pos=\"%.1f,%.1f\", shape=plaintext, fontsize=8, fontcolor=\"#6b7280\", "
                "width=0.01, height=0.01, margin=0, label=\"%s\"];\n",
                r, LADDER_TIME_X, y, time);
            last_time = f->time;
        }
        fprintf(out,
                "  a%zu [pos=\"%.1f,%.1f\", shape=point, width=0.01, style=invis];\n"
                "  b%zu [pos=\"%.1f,%.1f\", shape=point, width=0.01, style=invis];\n"
                "  a%zu -> b%zu [color=\"%s\", penwidth=1.4%s];\n",
                r, xf, y, r, xt, y, r, r, color, f->broadcast ? ", style=dashed" : "");
        fprintf(out,
                "  l%zu [pos=\"%.1f,%.1f\", shape=plaintext, fontsize=9, fontcolor=\"%s\", "
                "width=0.01, height=0.01, margin=0, label=<",
                r, (xf + xt) / 2.0, y + 7.5, color);
        if (f->packet)
            fprintf(out, "<FONT COLOR=\"#6b7280\">#%" PRIu32 "</FONT> ", f->packet);
        dot_put_html(out, arena_get(d, f->label));
        fputs(">];\n", out);
    }
    fputs("}\n", out);
    free(dev_of);
    free(col);
}

static void write_ladder_file(writer *w, const char *name, const uint32_t *rows, size_t n,
                              const char *title_html) {
    char *path = path_join(w->base, name);
    FILE *f = open_file(w, path);
    if (f) {
        put_ladder(w->d, f, rows, n, title_html);
        close_file(w, f, path);
        file_list_add(&w->neato_files, path);
        if (w->d->o.png)
            file_list_add(&w->png_neato, path);
    }
    free(path);
}

static void write_ladders(writer *w) {
    diagrams *d = w->d;
    uint32_t *rows = xcalloc(d->n_frames, sizeof *rows);
    size_t n = 0;
    for (size_t i = 0; i < d->n_frames; i++)
        if (d->frames[i].in_main)
            rows[n++] = (uint32_t)i;
    buf *title = &w->scratch;
    buf_clear(title);
    buf_puts(title, "<FONT POINT-SIZE=\"13\"><B>");
    buf_html(title, d->t->name);
    buf_puts(title, "</B></FONT><BR/><FONT POINT-SIZE=\"9\">every frame on a link, time going "
                    "down (dashed: broadcast)");
    if (d->n_wire > n)
        buf_printf(title, "; the first %zu of %" PRIu64 " frames", n, d->n_wire);
    else if (n == 0)
        buf_puts(title, "; no frame crossed a link");
    buf_puts(title, "</FONT>");
    write_ladder_file(w, "ladder.dot", rows, n, title->s);
    for (size_t fl = 0; fl < d->n_flows && w->rc == 0; fl++) {
        n = 0;
        for (size_t i = 0; i < d->n_frames; i++)
            if (d->frames[i].flow == fl)
                rows[n++] = (uint32_t)i;
        char lo[IPV4_TEXT_LEN], hi[IPV4_TEXT_LEN], name[64];
        ipv4_format(d->flows[fl].lo, lo);
        ipv4_format(d->flows[fl].hi, hi);
        snprintf(name, sizeof name, "ladder-%s--%s.dot", lo, hi);
        buf_clear(title);
        buf_printf(title,
                   "<FONT POINT-SIZE=\"13\"><B>%s &#8596; %s</B></FONT><BR/><FONT "
                   "POINT-SIZE=\"9\">the frames between these two addresses, time going down",
                   lo, hi);
        if (d->flows[fl].n_frames >= DIAGRAMS_LADDER_FRAMES)
            buf_printf(title, " (the first %d)", DIAGRAMS_LADDER_FRAMES);
        buf_puts(title, "</FONT>");
        write_ladder_file(w, name, rows, n, title->s);
    }
    free(rows);
}

/* --- step slides --- */

#define CAPTION_LINES 4

/* A step's caption: which step and when, the link crossed, the Ethernet
 * addresses, what the frame carries. */
static void step_caption_lines(const diagrams *d, const frame_rec *f, size_t k, size_t n,
                               char lines[CAPTION_LINES][CAPTION_MAX + 8]) {
    const model_link *l = &d->t->links[f->link];
    const model_endpoint *from = f->side == 0 ? &l->a : &l->b;
    const model_endpoint *to = f->side == 0 ? &l->b : &l->a;
    char time[32];
    format_time(f->time, time, sizeof time);
    snprintf(lines[0], CAPTION_MAX + 8, "step %zu of %zu   t = %s s   packet #%" PRIu32, k, n, time,
             f->packet);
    snprintf(lines[1], CAPTION_MAX + 8, "%.50s.%s \xe2\x86\x92 %.50s.%s", dev_name(d, from->device),
             iface_name(d, from), dev_name(d, to->device), iface_name(d, to));
    char src[MAC_TEXT_LEN], dst[MAC_TEXT_LEN];
    snprintf(lines[2], CAPTION_MAX + 8, "Ethernet %s \xe2\x86\x92 %s%s",
             mac_format(f->eth_src, src), mac_format(f->eth_dst, dst),
             f->broadcast ? " (broadcast)" : "");
    const char *s = arena_get(d, f->summary);
    if (strlen(s) > CAPTION_MAX)
        snprintf(lines[3], CAPTION_MAX + 8, "%.*s...", CAPTION_MAX - 3, s);
    else
        snprintf(lines[3], CAPTION_MAX + 8, "%s", s);
}

/* Step slides are drawn for small topologies only: every slide is the
 * whole topology. */
static bool slides_drawn(const writer *w) {
    return w->d->t->n_devices <= DIAGRAMS_SLIDE_DEVICES && w->topo_size <= DIAGRAMS_DRAW_FULL;
}

static void write_steps(writer *w) {
    diagrams *d = w->d;
    char *dir = path_join(w->base, "steps");
    if (!d->o.steps || make_dir(w, dir) != 0) {
        free(dir);
        return;
    }
    size_t n = 0;
    for (size_t i = 0; i < d->n_frames; i++)
        n += d->frames[i].is_step;
    int digits = 3;
    for (size_t m = n; m >= 1000; m /= 10)
        digits++;
    /* One caption size for all: the layout, and so the picture, stays put. */
    size_t widest = 20;
    char lines[CAPTION_LINES][CAPTION_MAX + 8];
    size_t k = 0;
    for (size_t i = 0; i < d->n_frames; i++) {
        if (!d->frames[i].is_step)
            continue;
        step_caption_lines(d, &d->frames[i], ++k, n, lines);
        for (int j = 0; j < CAPTION_LINES; j++)
            if (strlen(lines[j]) > widest)
                widest = strlen(lines[j]);
    }
    double cap_w = (double)widest * CAPTION_CHAR_W + 24.0;
    dot_link_style *styles = xcalloc(d->t->n_links, sizeof *styles);
    steps_page_step *page = xcalloc(n, sizeof *page);
    char **names = xcalloc(n, sizeof *names);
    char **captions = xcalloc(n, sizeof *captions);
    bool render = slides_drawn(w);
    k = 0;
    for (size_t i = 0; i < d->n_frames && w->rc == 0 && render; i++) {
        const frame_rec *f = &d->frames[i];
        if (!f->is_step)
            continue;
        step_caption_lines(d, f, k + 1, n, lines);
        buf *b = &w->scratch;
        buf_clear(b);
        buf_printf(b,
                   "<TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"0\" CELLPADDING=\"2\" "
                   "FIXEDSIZE=\"TRUE\" WIDTH=\"%.0f\" HEIGHT=\"72\"><TR><TD><FONT "
                   "POINT-SIZE=\"12\"><B>",
                   cap_w);
        buf_html(b, lines[0]);
        buf_puts(b, "</B><BR/>");
        buf_html(b, lines[1]);
        buf_puts(b, "<BR/>");
        buf_html(b, lines[2]);
        buf_printf(b, "<BR/><FONT COLOR=\"%s\">", proto_color[f->proto]);
        buf_html(b, lines[3]);
        buf_puts(b, "</FONT></FONT></TD></TR></TABLE>");
        styles[f->link] = (dot_link_style){.color = proto_color[f->proto],
                                           .penwidth = 4.5,
                                           .dir = f->side == 0 ? DOT_DIR_AB : DOT_DIR_BA};
        char name[32];
        snprintf(name, sizeof name, "%0*zu.dot", digits, k + 1);
        char *rel = path_join("steps", name);
        char *path = path_join(w->base, rel);
        FILE *out = open_file(w, path);
        if (out) {
            dot_view v = {
                .links = styles, .dim_plain_links = true, .label = b->s, .label_at_bottom = true};
            dot_write_topology(out, w->topo, &v);
            close_file(w, out, path);
            file_list_add(&w->step_files, path);
        }
        styles[f->link] = (dot_link_style){0};
        snprintf(name, sizeof name, "%0*zu.svg", digits, k + 1);
        names[k] = xstrdup(name);
        buf cap = {0};
        buf_printf(&cap, "%s \xc2\xb7 %s \xc2\xb7 %s \xc2\xb7 %s", lines[0], lines[1], lines[3],
                   lines[2]);
        captions[k] = cap.s;
        page[k] = (steps_page_step){
            .svg = names[k], .caption = captions[k], .line = arena_get(d, f->line)};
        k++;
        free(path);
        free(rel);
    }
    if (w->rc == 0) {
        char *path = path_join(dir, "index.html");
        FILE *out = open_file(w, path);
        if (out) {
            char note[256];
            if (!render)
                snprintf(note, sizeof note,
                         "The topology is too large for step slides (more than %d devices, or "
                         "more than %d devices, interfaces and links).",
                         DIAGRAMS_SLIDE_DEVICES, DIAGRAMS_DRAW_FULL);
            else
                snprintf(note, sizeof note,
                         "Graphviz's dot was not installed when this run was made, so the "
                         "pictures are missing: install graphviz and run netsim again.");
            buf title = {0};
            buf_printf(&title, "%s: step by step", d->t->name);
            bool noted = !render || !w->have_dot;
            if (steps_html_write(out, title.s, page, k, noted ? note : NULL) != 0 && w->rc == 0)
                w->rc = ns_error_set(w->err, NS_ERR_IO, "%s: write failed", path);
            free(title.s);
            close_file(w, out, path);
        }
        free(path);
    }
    for (size_t i = 0; i < n; i++) {
        free(names[i]);
        free(captions[i]);
    }
    free(names);
    free(captions);
    free(page);
    free(styles);
    free(dir);
}

/* --- rendering --- */

/* The path of an executable `name` on PATH, or NULL (caller frees). */
static char *find_program(const char *name) {
    const char *path = getenv("PATH");
    if (!path || !*path)
        path = "/usr/bin:/bin";
    for (const char *p = path;;) {
        const char *end = strchr(p, ':');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        char *dir = malloc(len + 2);
        if (!dir)
            ns_out_of_memory();
        memcpy(dir, len ? p : ".", len ? len : 1);
        dir[len ? len : 1] = '\0';
        char *full = path_join(dir, name);
        free(dir);
        struct stat sb;
        if (stat(full, &sb) == 0 && S_ISREG(sb.st_mode) && access(full, X_OK) == 0)
            return full;
        free(full);
        if (!end)
            return NULL;
        p = end + 1;
    }
}

static void note_add(char *note, size_t cap, const char *text) {
    if (!note || cap == 0)
        return;
    size_t len = strlen(note);
    snprintf(note + len, cap - len, "%s%s", len ? "; " : "", text);
}

/* What to run over a list of files: the arguments before "-o OUT IN", and
 * the output's extension. */
typedef struct batch {
    const char *args[6]; /* NULL-terminated */
    const char *ext;     /* "svg" or "png" */
    const file_list *files;
} batch;

/* Pictures that were not drawn for one reason: the first one, how many,
 * and how many were not tried because another picture of the same .dot
 * failed that way (a .png after its .svg: the SVGs are drawn first). */
typedef struct tally {
    const graphviz_job *first;
    size_t n, skipped;
} tally;

static void tally_add(tally *t, const graphviz_job *j) {
    if (j->skipped) {
        t->skipped++;
        return;
    }
    if (t->n++ == 0)
        t->first = j;
}

/* A path under the output directory, as the user knows it ("paths/3.svg"). */
static const char *rel_name(const writer *w, const char *path) {
    size_t n = strlen(w->base);
    return strncmp(path, w->base, n) == 0 && path[n] == '/' ? path + n + 1 : path;
}

/* "topology.svg not drawn: WHY; topology.dot is written", or for several
 * "paths/1.svg and 3 more pictures not drawn: WHY; their .dot files are
 * written"; "(nor topology.png)", "(nor 3 .png of them)" for the skipped. */
static void note_not_drawn(const writer *w, char *note, size_t cap, const tally *t,
                           const char *why) {
    if (t->n == 0)
        return;
    char text[700], nor[128] = "";
    const char *first = rel_name(w, t->first->out);
    const char *ext = strrchr(first, '.');
    int stem = (int)(ext ? (size_t)(ext - first) : strlen(first));
    if (t->n == 1) {
        if (t->skipped)
            snprintf(nor, sizeof nor, " (nor %.*s.png)", stem, first);
        snprintf(text, sizeof text, "%s not drawn%s: %s; %.*s.dot is written", first, nor, why,
                 stem, first);
    } else {
        if (t->skipped)
            snprintf(nor, sizeof nor, " (nor %zu .png of them)", t->skipped);
        snprintf(text, sizeof text,
                 "%s and %zu more picture%s not drawn%s: %s; their .dot files are written", first,
                 t->n - 1, t->n == 2 ? "" : "s", nor, why);
    }
    note_add(note, cap, text);
}

static void format_memory(uint64_t bytes, char *out, size_t cap) {
    if (bytes >= (1ull << 30) && bytes % (1ull << 30) == 0)
        snprintf(out, cap, "%" PRIu64 " GiB", (uint64_t)(bytes >> 30));
    else
        snprintf(out, cap, "%" PRIu64 " MiB", (uint64_t)((bytes + (1u << 20) - 1) >> 20));
}

/* "exit status 1: Error: syntax error in line 3" */
static void describe_failure(const graphviz_job *j, char *out, size_t cap) {
    int st = j->status;
    snprintf(out, cap, "%s %d: %s", WIFEXITED(st) ? "exit status" : "signal",
             WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st),
             j->message[0] ? j->message : "no message");
}

/* Turns the jobs' outcomes into the error (an error exit on a diagram of
 * normal size, as before the bounds) or one note per reason (a bound, a
 * crash, an error on the light topology), plus Graphviz's first warning. */
static void report_jobs(writer *w, const graphviz_job *jobs, size_t n, const graphviz_limits *lim,
                        char *note, size_t note_cap) {
    tally timeout = {0}, memory = {0}, crashed = {0}, budget = {0}, stopped = {0}, failed = {0};
    const graphviz_job *warned = NULL;
    for (size_t k = 0; k < n; k++) {
        const graphviz_job *j = &jobs[k];
        switch (j->outcome) {
        case GRAPHVIZ_DONE:
            if (j->stderr_len && !warned)
                warned = j;
            break;
        case GRAPHVIZ_FAILED:
            if (w->light_dot && strcmp(j->in, w->light_dot) == 0) {
                tally_add(&failed, j);
            } else if (w->rc == 0) {
                int st = j->status;
                w->rc = ns_error_set(w->err, NS_ERR_IO, "Graphviz's dot failed (%s %d) on %s: %s",
                                     WIFEXITED(st) ? "exit status" : "signal",
                                     WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st), j->in,
                                     j->message[0] ? j->message : "no message");
            }
            break;
        case GRAPHVIZ_TIMEOUT:
            tally_add(&timeout, j);
            break;
        case GRAPHVIZ_MEMORY:
            tally_add(&memory, j);
            break;
        case GRAPHVIZ_BUDGET:
            tally_add(&budget, j);
            break;
        case GRAPHVIZ_CRASHED:
            tally_add(&crashed, j);
            break;
        case GRAPHVIZ_INTERRUPTED:
            tally_add(&stopped, j);
            break;
        }
    }
    if (w->rc != 0)
        return;
    char why[700], size[32];
    snprintf(why, sizeof why, "Graphviz took more than %" PRIu32 " s", lim->timeout_s);
    note_not_drawn(w, note, note_cap, &timeout, why);
    format_memory(lim->memory, size, sizeof size);
    snprintf(why, sizeof why, "Graphviz needed more than %s of memory", size);
    note_not_drawn(w, note, note_cap, &memory, why);
    if (crashed.n) {
        snprintf(why, sizeof why, "Graphviz crashed (signal %d; its memory bound is %s)",
                 WTERMSIG(crashed.first->status), size);
        note_not_drawn(w, note, note_cap, &crashed, why);
    }
    snprintf(why, sizeof why,
             "Graphviz's time for this run ran out (%" PRIu32 " s for all diagrams)",
             lim->budget_s);
    note_not_drawn(w, note, note_cap, &budget, why);
    note_not_drawn(w, note, note_cap, &stopped, "netsim was interrupted");
    if (failed.n) {
        char detail[600];
        describe_failure(failed.first, detail, sizeof detail);
        snprintf(why, sizeof why, "Graphviz failed (%s)", detail);
        note_not_drawn(w, note, note_cap, &failed, why);
    }
    if (warned) {
        snprintf(why, sizeof why, "Graphviz warned while drawing %s: %s", warned->in,
                 warned->message);
        note_add(note, note_cap, why);
    }
}

/* Runs dot once per file of every batch (io/graphviz.h: bounded, a few at
 * once); FILE.dot becomes FILE.svg or FILE.png. */
static void render_all(writer *w, const char *dot, const batch *batches, size_t n_batches,
                       char *note, size_t note_cap) {
    size_t n_jobs = 0;
    for (size_t b = 0; b < n_batches; b++)
        n_jobs += batches[b].files->n;
    graphviz_job *jobs = xcalloc(n_jobs, sizeof *jobs);
    char **outs = xcalloc(n_jobs, sizeof *outs);
    size_t k = 0;
    for (size_t b = 0; b < n_batches; b++) {
        const batch *bt = &batches[b];
        for (size_t f = 0; f < bt->files->n; f++, k++) {
            graphviz_job *j = &jobs[k];
            const char *in = bt->files->paths[f];
            buf out = {0};
            buf_printf(&out, "%.*s.%s", (int)(strlen(in) - 4), in, bt->ext); /* without ".dot" */
            size_t a = 0;
            j->argv[a++] = "dot";
            for (size_t i = 0; bt->args[i]; i++)
                j->argv[a++] = bt->args[i];
            j->argv[a++] = "-o";
            j->argv[a++] = out.s;
            j->argv[a++] = in;
            j->argv[a] = NULL;
            j->out = outs[k] = out.s;
            j->in = in;
        }
    }
    graphviz_limits lim;
    graphviz_limits_get(&lim);
    int rc = graphviz_run(dot, jobs, n_jobs, &lim, w->err);
    if (rc != 0 && w->rc == 0)
        w->rc = rc;
    report_jobs(w, jobs, n_jobs, &lim, note, note_cap);
    for (size_t i = 0; i < n_jobs; i++)
        free(outs[i]);
    free(outs);
    free(jobs);
}

/* The notes of the size limits (paths and slides left out, the light or
 * skipped topology). */
static void note_sizes(const writer *w, char *note, size_t note_cap) {
    const diagrams *d = w->d;
    char text[512];
    if (w->topo_size > DIAGRAMS_DRAW_LIGHT) {
        snprintf(text, sizeof text,
                 "topology.svg not drawn: the network has %zu devices, interfaces and links "
                 "(more than %d); topology.dot is written",
                 w->topo_size, DIAGRAMS_DRAW_LIGHT);
        note_add(note, note_cap, text);
    } else if (w->topo_size > DIAGRAMS_DRAW_FULL && w->have_dot) {
        snprintf(text, sizeof text,
                 "topology.svg is drawn by sfdp without subnet boxes%s: the network has %zu "
                 "devices, interfaces and links (more than %d)",
                 d->o.png ? " (and no topology.png)" : "", w->topo_size, DIAGRAMS_DRAW_FULL);
        note_add(note, note_cap, text);
    }
    if (d->o.steps && d->t->n_devices > DIAGRAMS_SLIDE_DEVICES) {
        snprintf(text, sizeof text,
                 "--steps: step slides are drawn for topologies of at most %d devices (this one "
                 "has %zu)",
                 DIAGRAMS_SLIDE_DEVICES, d->t->n_devices);
        note_add(note, note_cap, text);
    } else if (d->o.steps && !slides_drawn(w)) {
        snprintf(text, sizeof text,
                 "--steps: step slides are drawn for topologies of at most %d devices, "
                 "interfaces and links (this one has %zu)",
                 DIAGRAMS_DRAW_FULL, w->topo_size);
        note_add(note, note_cap, text);
    }
    if (w->paths_skipped) {
        snprintf(text, sizeof text,
                 "%zu path diagram%s not drawn: the packet went through more than %d devices",
                 w->paths_skipped, w->paths_skipped == 1 ? "" : "s", DIAGRAMS_SLIDE_DEVICES);
        note_add(note, note_cap, text);
    }
    if (w->paths_too_big) {
        snprintf(text, sizeof text,
                 "%zu path diagram%s not drawn: the devices the packet went through have more "
                 "than %d devices, interfaces and links together",
                 w->paths_too_big, w->paths_too_big == 1 ? "" : "s", DIAGRAMS_DRAW_FULL);
        note_add(note, note_cap, text);
    }
}

int diagrams_write(diagrams *d, const hop_table *hops, const char *dir, ns_error *err, char *note,
                   size_t note_cap) {
    if (note && note_cap)
        note[0] = '\0';
    writer w = {.d = d, .dir = dir, .err = err};
    w.base = dir[0] == '/' ? xstrdup(dir) : path_join(".", dir);
    w.topo = dot_topology_new(d->t);
    if (!w.topo)
        ns_out_of_memory();
    w.topo_size = dot_topology_size(w.topo, NULL);
    char *dot = find_program("dot");
    w.have_dot = dot != NULL;
    write_topology(&w);
    if (w.rc == 0)
        write_paths(&w, hops);
    if (w.rc == 0)
        write_ladders(&w);
    if (w.rc == 0)
        write_steps(&w);
    if (w.rc == 0)
        note_sizes(&w, note, note_cap);
    if (w.rc == 0 && !dot) {
        note_add(note, note_cap,
                 "Graphviz's dot is not on PATH: wrote the .dot diagrams only (install "
                 "graphviz to get .svg)");
    } else if (w.rc == 0) {
        batch batches[] = {
            {{"-Tsvg", NULL}, "svg", &w.dot_files},
            {{"-Kneato", "-n2", "-Tsvg", NULL}, "svg", &w.neato_files},
            {{"-Tsvg", NULL}, "svg", &w.step_files},
            {{"-Gdpi=" PNG_DPI, "-Tpng", NULL}, "png", &w.png_dot},
            {{"-Kneato", "-n2", "-Gdpi=" PNG_DPI, "-Tpng", NULL}, "png", &w.png_neato},
        };
        render_all(&w, dot, batches, sizeof batches / sizeof batches[0], note, note_cap);
    }
    free(dot);
    file_list_free(&w.dot_files);
    file_list_free(&w.neato_files);
    file_list_free(&w.step_files);
    file_list_free(&w.png_dot);
    file_list_free(&w.png_neato);
    free(w.scratch.s);
    free(w.light_dot);
    dot_topology_free(w.topo);
    free(w.base);
    return w.rc;
}
