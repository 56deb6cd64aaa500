/*
 * loader: topology JSON -> validated model (see docs/topology-format.md).
 *
 * Steps, each reporting the first error it meets, in text order where it can:
 *   1. size limit; strict syntax and nesting check (io/json_pos), then cJSON;
 *   2. duplicate keys in every object (cJSON keeps both);
 *   3. top level; devices in file order (interfaces, default MACs, addresses,
 *      gateway, routes, options); duplicate MACs and IPs as they appear;
 *   4. links: (A) parse every entry and resolve its devices, (B) give switches
 *      and hubs without "ports" one port per link end naming them, (C) claim
 *      every named interface or port in file order, (D) give each bare
 *      switch/hub name its lowest free port, in file order;
 *   5. script, then a stable sort of the actions by time.
 *
 * Invariants: positions and JSON paths are computed only when an error is
 * reported (a pre-order walk of the cJSON tree gives the node's number, and
 * json_pos finds that value in the text), so loading a valid file does no
 * position work at all. Name look-ups use strmap and duplicate MAC/IP checks
 * u64map, so loading is linear in the size of the file. Every allocation made
 * here is owned by the loader struct or the model and freed in loader__free
 * or model_free, on every path.
 */
#define _XOPEN_SOURCE 700 /* POSIX 2008 and realpath */

#include "io/loader.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/json_pos.h"
#include "util/strmap.h"
#include "util/u64map.h"
#include "util/units.h"
#include "wire/addr.h"

#define LOADER_MAX_BYTES     ((size_t)64 << 20) /* 64 MiB */
#define LOADER_MAX_DEPTH     64
#define LOADER_MAX_DEVICES   0xffffffu /* the device number fills 3 bytes of a default MAC */
#define LOADER_MAX_IFACES    65535     /* the interface number fills 2 bytes */
#define LOADER_MAX_PORTS     4194304   /* switch and hub ports in all: about 1 GiB */
#define LOADER_MAX_NAME      255
#define LOADER_LIST_MAX      8 /* names listed in "expected one of ..." */
#define LOADER_IFACE_MAP_MIN 8 /* devices with more interfaces get a name map */

#define LOADER_EXPECT_PREFIX   "\"a.b.c.d/len\", e.g. \"10.0.0.1/24\""
#define LOADER_EXPECT_ADDR     "a dotted quad \"a.b.c.d\", e.g. \"10.0.0.1\""
#define LOADER_EXPECT_MAC      "six hex pairs separated by ':', e.g. \"02:00:00:00:00:01\""
#define LOADER_EXPECT_DURATION "a duration such as \"1.5ms\" (a number and a unit: ns, us, ms or s)"
#define LOADER_EXPECT_BITRATE                                                                      \
    "a bit rate such as \"100Mbps\" (a number and a unit: bps, kbps, Mbps or Gbps)"
#define LOADER_EXPECT_ENDPOINT "an endpoint: \"device\" or \"device.interface\", e.g. \"r1.eth0\""

/* A link end as read in pass A: its node, its device, and the interface or
 * port name after the last '.', or NULL for a bare device name. */
typedef struct loader__end {
    const cJSON *node;
    size_t dev;
    const char *ifname; /* borrowed from the cJSON tree */
    size_t iface;       /* resolved in pass C or D */
} loader__end;

typedef struct loader__link {
    loader__end end[2];
} loader__link;

/* What the loader keeps per device beside the model. */
typedef struct loader__dev {
    const cJSON *node;     /* the device's object */
    bool ports_given;      /* switches and hubs: "ports" was present */
    size_t mentions;       /* link ends that name this device */
    size_t next_free;      /* pass D: no free port below this index */
    const cJSON **claimed; /* per interface: the link end that took it, or NULL */
    strmap *iface_names;   /* interface name -> index, for devices with many */
} loader__dev;

/* Where an address was first seen, for "already the address of A.eth0". */
typedef struct loader__holder {
    uint32_t dev;
    uint32_t iface;
    const cJSON *node; /* the "mac"/"ip" value, or NULL for a default MAC */
} loader__holder;

typedef struct loader {
    const char *source;
    const char *text; /* the JSON text, byte order mark removed */
    size_t len;
    cJSON *root;
    ns_error *err;
    int code; /* the NS_ERR_* of the first error reported */
    model_topology *t;
    loader__dev *devs; /* t->n_devices entries */
    strmap *names;     /* device name -> index; keys are the model's names */
    u64map *macs;      /* MAC -> loader__holder */
    u64map *ips;       /* IPv4 -> loader__holder */
    u64map *binds;     /* loader__bind_key() -> loader__bind: ports bound per host */
    loader__link *links;
    size_t file_bytes; /* file servers' files so far, against LOADER_MAX_FILES */
} loader;

/* Who binds a port on a device, for "already bound by script[0]". */
typedef struct loader__bind {
    const cJSON *owner; /* the action object, or the device key ("dns_server") */
    const char *what;   /* "udp_server", "the DNS server", ... */
} loader__bind;

/* ---- small helpers ------------------------------------------------------ */

static char *loader__strdup(const char *s) {
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
}

static const cJSON *loader__member(const cJSON *obj, const char *key) {
    return cJSON_GetObjectItemCaseSensitive(obj, key);
}

static size_t loader__count(const cJSON *node) {
    size_t n = 0;
    for (const cJSON *c = node->child; c; c = c->next)
        n++;
    return n;
}

/* Appends printf-style text to buf[cap] at *used, never overflowing. */
static void loader__append(char *buf, size_t cap, size_t *used, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void loader__append(char *buf, size_t cap, size_t *used, const char *fmt, ...) {
    if (*used >= cap)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf + *used, cap - *used, fmt, ap);
    va_end(ap);
    if (n > 0)
        *used = *used + (size_t)n < cap ? *used + (size_t)n : cap - 1;
}

/* Writes `s` as a JSON string literal into buf[cap], cutting long text with
 * "..." (never inside a UTF-8 sequence). */
static void loader__quote(const char *s, char *buf, size_t cap) {
    size_t used = 0, limit = 60;
    loader__append(buf, cap, &used, "\"");
    size_t n = strlen(s);
    size_t shown = n <= limit ? n : limit - 3;
    while (shown < n && shown > 0 && ((unsigned char)s[shown] & 0xc0) == 0x80)
        shown--;
    for (size_t i = 0; i < shown; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\')
            loader__append(buf, cap, &used, "\\%c", c);
        else if (c == '\n')
            loader__append(buf, cap, &used, "\\n");
        else if (c == '\t')
            loader__append(buf, cap, &used, "\\t");
        else if (c < 0x20 || c == 0x7f)
            loader__append(buf, cap, &used, "\\u%04x", c);
        else
            loader__append(buf, cap, &used, "%c", c);
    }
    loader__append(buf, cap, &used, "%s\"", shown < n ? "..." : "");
}

/* ---- positions and paths (error path only) ------------------------------- */

/* Pre-order search for `target`; fills chain[0..*depth) with the nodes from
 * the root down to it and counts the nodes before it into *index. */
static bool loader__find(const cJSON *node, const cJSON *target, const cJSON **chain, int level,
                         int *depth, size_t *index) {
    if (level > LOADER_MAX_DEPTH + 1)
        return false;
    chain[level] = node;
    if (node == target) {
        *depth = level + 1;
        return true;
    }
    (*index)++;
    for (const cJSON *c = node->child; c; c = c->next)
        if (loader__find(c, target, chain, level + 1, depth, index))
            return true;
    return false;
}

/* A key can be written after a dot unless it is empty or holds a character
 * that would make the path ambiguous. */
static bool loader__plain_key(const char *k) {
    if (!*k)
        return false;
    for (const unsigned char *p = (const unsigned char *)k; *p; p++)
        if (*p <= ' ' || *p == '.' || *p == '/' || *p == '[' || *p == ']' || *p == '"' ||
            *p == '\\' || *p == 0x7f)
            return false;
    return true;
}

/* Writes the JSON path of `node` into buf[cap] and returns its pre-order
 * number (0 for the root). */
static size_t loader__path(const loader *ld, const cJSON *node, char *buf, size_t cap) {
    const cJSON *chain[LOADER_MAX_DEPTH + 3];
    int depth = 0;
    size_t index = 0;
    size_t used = 0;
    buf[0] = '\0';
    if (!loader__find(ld->root, node, chain, 0, &depth, &index) || depth <= 1) {
        loader__append(buf, cap, &used, "(top level)");
        return depth == 1 ? 0 : index;
    }
    for (int i = 1; i < depth; i++) {
        const cJSON *parent = chain[i - 1], *n = chain[i];
        if (cJSON_IsArray(parent)) {
            size_t k = 0;
            for (const cJSON *c = parent->child; c && c != n; c = c->next)
                k++;
            loader__append(buf, cap, &used, "[%zu]", k);
        } else if (loader__plain_key(n->string)) {
            loader__append(buf, cap, &used, "%s%s", i > 1 ? "." : "", n->string);
        } else {
            char q[96];
            loader__quote(n->string, q, sizeof q);
            loader__append(buf, cap, &used, "[%s]", q);
        }
    }
    return index;
}

/* Writes how `node` looks in the file: a quoted string, a number as written,
 * true/false/null, or {...} / [...] for containers. */
static void loader__value_text(const loader *ld, const cJSON *node, char *buf, size_t cap) {
    if (cJSON_IsString(node)) {
        loader__quote(node->valuestring, buf, cap);
    } else if (cJSON_IsNumber(node)) {
        char path[16];
        size_t index = loader__path(ld, node, path, sizeof path);
        size_t off = json_pos_value_offset(ld->text, ld->len, index, false);
        size_t n = 0;
        while (off + n < ld->len && n < 40 && strchr("0123456789+-.eE", ld->text[off + n]))
            n++;
        snprintf(buf, cap, "%.*s", (int)n, ld->text + off);
    } else if (cJSON_IsTrue(node)) {
        snprintf(buf, cap, "true");
    } else if (cJSON_IsFalse(node)) {
        snprintf(buf, cap, "false");
    } else if (cJSON_IsNull(node)) {
        snprintf(buf, cap, "null");
    } else if (cJSON_IsObject(node)) {
        snprintf(buf, cap, node->child ? "{...}" : "{}");
    } else {
        snprintf(buf, cap, node->child ? "[...]" : "[]");
    }
}

static const char *loader__type_desc(const cJSON *node) {
    if (cJSON_IsString(node))
        return "a string";
    if (cJSON_IsNumber(node))
        return "a number";
    if (cJSON_IsObject(node))
        return "an object";
    if (cJSON_IsArray(node))
        return "an array";
    if (cJSON_IsBool(node))
        return "a boolean";
    return "JSON null";
}

static int loader__vfail(loader *ld, const cJSON *pos, bool at_key, const cJSON *path_node,
                         const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));

/* Reports "SOURCE:LINE:COL: PATH: message": the position is that of `pos`
 * (its key when at_key), the path that of `path_node`. Returns NS_ERR_INPUT. */
static int loader__vfail(loader *ld, const cJSON *pos, bool at_key, const cJSON *path_node,
                         const char *fmt, va_list ap) {
    char msg[900], path[400], scratch[8];
    vsnprintf(msg, sizeof msg, fmt, ap);
    size_t index = loader__path(ld, pos, scratch, sizeof scratch);
    loader__path(ld, path_node, path, sizeof path);
    size_t off = json_pos_value_offset(ld->text, ld->len, index, at_key);
    size_t line, col;
    json_pos_line_col(ld->text, ld->len, off, &line, &col);
    ld->code = NS_ERR_INPUT;
    return ns_error_set(ld->err, NS_ERR_INPUT, "%s:%zu:%zu: %s: %s", ld->source, line, col, path,
                        msg);
}

static int loader__fail(loader *ld, const cJSON *node, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* An error about the value `node`, at its position and path. */
static int loader__fail(loader *ld, const cJSON *node, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int rc = loader__vfail(ld, node, false, node, fmt, ap);
    va_end(ap);
    return rc;
}

static int loader__fail_key(loader *ld, const cJSON *member, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* An error about the key of `member`: at the key, with the object's path. */
static int loader__fail_key(loader *ld, const cJSON *member, const char *fmt, ...) {
    const cJSON *chain[LOADER_MAX_DEPTH + 3];
    int depth = 0;
    size_t index = 0;
    const cJSON *parent = ld->root;
    if (loader__find(ld->root, member, chain, 0, &depth, &index) && depth >= 2)
        parent = chain[depth - 2];
    va_list ap;
    va_start(ap, fmt);
    int rc = loader__vfail(ld, member, true, parent, fmt, ap);
    va_end(ap);
    return rc;
}

static int loader__nomem(loader *ld) {
    ld->code = NS_ERR_NOMEM;
    return ns_error_set(ld->err, NS_ERR_NOMEM, "%s: out of memory", ld->source);
}

/* "<value> is <type>; expected <expected>". */
static int loader__type_error(loader *ld, const cJSON *node, const char *expected) {
    char v[96];
    loader__value_text(ld, node, v, sizeof v);
    return loader__fail(ld, node, "%s is %s; expected %s", v, loader__type_desc(node), expected);
}

/* "missing key "k"; expected ...", at the enclosing object. */
static int loader__missing(loader *ld, const cJSON *obj, const char *key, const char *expected) {
    return loader__fail(ld, obj, "missing key \"%s\"; expected %s", key, expected);
}

/* ---- did you mean ------------------------------------------------------- */

static unsigned char loader__fold(unsigned char c) {
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

/* Optimal string alignment distance (edits, with adjacent swaps), ignoring
 * ASCII case; SIZE_MAX for words longer than 64 bytes. */
static size_t loader__distance(const char *a, const char *b) {
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64)
        return SIZE_MAX;
    size_t rows[3][65];
    size_t *prev2 = rows[0], *prev = rows[1], *cur = rows[2];
    for (size_t j = 0; j <= lb; j++)
        prev[j] = j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            unsigned char ca = loader__fold((unsigned char)a[i - 1]);
            unsigned char cb = loader__fold((unsigned char)b[j - 1]);
            size_t best = prev[j - 1] + (ca != cb);
            if (prev[j] + 1 < best)
                best = prev[j] + 1;
            if (cur[j - 1] + 1 < best)
                best = cur[j - 1] + 1;
            if (i > 1 && j > 1 && ca == loader__fold((unsigned char)b[j - 2]) &&
                loader__fold((unsigned char)a[i - 2]) == cb && prev2[j - 2] + 1 < best)
                best = prev2[j - 2] + 1;
            cur[j] = best;
        }
        size_t *t = prev2;
        prev2 = prev;
        prev = cur;
        cur = t;
    }
    return prev[lb];
}

/* Whether `cand` is close enough to `word` to suggest: at most a third of the
 * longer word's letters wrong, and at most 3. */
static bool loader__close(const char *word, const char *cand, size_t *dist) {
    size_t la = strlen(word), lb = strlen(cand);
    size_t longer = la > lb ? la : lb;
    if ((la > lb ? la - lb : lb - la) > 3)
        return false;
    size_t d = loader__distance(word, cand);
    if (d == SIZE_MAX || d > 3 || d * 3 > longer + 1)
        return false;
    *dist = d;
    return true;
}

/* The closest of cands[0..n) to `word`, or NULL. Ties go to the first. */
static const char *loader__suggest(const char *word, const char *const *cands, size_t n) {
    const char *best = NULL;
    size_t best_d = SIZE_MAX, d;
    for (size_t i = 0; i < n; i++)
        if (loader__close(word, cands[i], &d) && d < best_d) {
            best = cands[i];
            best_d = d;
        }
    return best;
}

/* Writes "\"a\", \"b\" or \"c\"" (at most LOADER_LIST_MAX, then "...") into
 * buf[cap]; each item is prefix + cands[i]. */
static void loader__list(const char *const *cands, size_t n, const char *prefix, const char *last,
                         char *buf, size_t cap) {
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        if (i == LOADER_LIST_MAX) {
            loader__append(buf, cap, &used, ", ... (%zu in all)", n);
            break;
        }
        char q[96], item[160];
        snprintf(item, sizeof item, "%s%s", prefix, cands[i]);
        loader__quote(item, q, sizeof q);
        const char *sep = i == 0 ? "" : (i + 1 == n ? last : ", ");
        loader__append(buf, cap, &used, "%s%s", sep, q);
    }
}

/* ---- generic checks ----------------------------------------------------- */

typedef struct loader__hint {
    const char *key;
    const char *text; /* what follows `unknown key "k"` */
} loader__hint;

/* Every key of `obj` must be in keys[0..n); hints explain common mistakes. */
static int loader__check_keys(loader *ld, const cJSON *obj, const char *const *keys, size_t n,
                              const loader__hint *hints) {
    for (const cJSON *c = obj->child; c; c = c->next) {
        bool known = false;
        for (size_t i = 0; i < n && !known; i++)
            known = strcmp(c->string, keys[i]) == 0;
        if (known)
            continue;
        char q[96];
        loader__quote(c->string, q, sizeof q);
        for (const loader__hint *h = hints; h && h->key; h++)
            if (strcmp(h->key, c->string) == 0)
                return loader__fail_key(ld, c, "unknown key %s %s", q, h->text);
        const char *s = loader__suggest(c->string, keys, n);
        if (s)
            return loader__fail_key(ld, c, "unknown key %s; did you mean \"%s\"?", q, s);
        char list[512];
        loader__list(keys, n, "", " or ", list, sizeof list);
        return loader__fail_key(ld, c, "unknown key %s; expected %s%s", q, n > 1 ? "one of " : "",
                                list);
    }
    return 0;
}

/* Reports key `second` of an object as a duplicate of `first`. */
static int loader__duplicate(loader *ld, const cJSON *first, const cJSON *second) {
    char q[96], scratch[8];
    loader__quote(second->string, q, sizeof q);
    size_t index = loader__path(ld, first, scratch, sizeof scratch);
    size_t off = json_pos_value_offset(ld->text, ld->len, index, true);
    size_t line, col;
    json_pos_line_col(ld->text, ld->len, off, &line, &col);
    return loader__fail_key(
        ld, second, "duplicate key %s (first at %zu:%zu); expected each key once", q, line, col);
}

/* Finds duplicate keys in every object, reporting the first in text order:
 * each member is checked against its earlier siblings before its own value
 * is searched. Large objects use a strmap of their keys. */
static int loader__check_duplicates(loader *ld, const cJSON *node) {
    if (!cJSON_IsObject(node)) {
        for (const cJSON *c = node->child; c; c = c->next)
            if (loader__check_duplicates(ld, c) != 0)
                return NS_ERR_INPUT;
        return 0;
    }
    size_t n = loader__count(node);
    strmap *seen = n > 16 ? strmap_new() : NULL;
    if (n > 16 && !seen)
        return loader__nomem(ld);
    int rc = 0, i = 0;
    for (const cJSON *c = node->child; c && rc == 0; c = c->next, i++) {
        const cJSON *first = NULL;
        if (seen) {
            if (!strmap_put(seen, c->string, i)) {
                int k = strmap_get(seen, c->string);
                first = node->child;
                while (k-- > 0)
                    first = first->next;
            }
        } else {
            for (const cJSON *e = node->child; e != c && !first; e = e->next)
                if (strcmp(e->string, c->string) == 0)
                    first = e;
        }
        if (first)
            rc = loader__duplicate(ld, first, c);
        else
            rc = loader__check_duplicates(ld, c);
    }
    strmap_free(seen);
    return rc;
}

/* ---- values ------------------------------------------------------------- */

/* An integer lo..hi. */
static int loader__int(loader *ld, const cJSON *node, long long lo, long long hi, long long *out) {
    char expected[96], v[96];
    if (!cJSON_IsNumber(node)) {
        snprintf(expected, sizeof expected, "an integer from %lld to %lld", lo, hi);
        return loader__type_error(ld, node, expected);
    }
    double d = node->valuedouble;
    long long x = d >= -9.0e18 && d <= 9.0e18 ? (long long)d : 0;
    if (d >= -9.0e18 && d <= 9.0e18 && (double)x == d && x >= lo && x <= hi) {
        *out = x;
        return 0;
    }
    /* The number as written costs a walk of the tree (its path gives its
     * position): only on the error path, so valid files load in linear time. */
    snprintf(expected, sizeof expected, "an integer from %lld to %lld", lo, hi);
    loader__value_text(ld, node, v, sizeof v);
    if (!(d >= -9.0e18 && d <= 9.0e18))
        return loader__fail(ld, node, "%s is out of range; expected %s", v, expected);
    if ((double)x != d)
        return loader__fail(ld, node, "%s is not an integer; expected %s", v, expected);
    return loader__fail(ld, node, "%s is out of range; expected %s", v, expected);
}

/* An optional integer member: leaves *out alone when absent. */
static int loader__opt_u32(loader *ld, const cJSON *obj, const char *key, long long lo,
                           long long hi, uint32_t *out) {
    const cJSON *n = loader__member(obj, key);
    long long x = 0;
    if (!n)
        return 0;
    if (loader__int(ld, n, lo, hi, &x) != 0)
        return NS_ERR_INPUT;
    *out = (uint32_t)x;
    return 0;
}

static int loader__string(loader *ld, const cJSON *node, const char *expected, const char **out) {
    if (!cJSON_IsString(node))
        return loader__type_error(ld, node, expected);
    *out = node->valuestring;
    return 0;
}

static int loader__duration(loader *ld, const cJSON *node, bool positive, uint64_t *out) {
    const char *s = NULL;
    char v[96];
    uint64_t ns = 0;
    if (loader__string(ld, node, LOADER_EXPECT_DURATION, &s) != 0)
        return NS_ERR_INPUT;
    loader__value_text(ld, node, v, sizeof v);
    if (units_parse_duration(s, &ns) != 0)
        return loader__fail(ld, node, "%s is not a duration; expected %s", v,
                            LOADER_EXPECT_DURATION);
    if (positive && ns == 0)
        return loader__fail(ld, node, "%s is zero; expected a duration above zero, e.g. \"1s\"", v);
    *out = ns;
    return 0;
}

/* An optional probability member (a number from 0 to 1): leaves *out alone
 * when absent. */
static int loader__opt_probability(loader *ld, const cJSON *obj, const char *key, double *out) {
    const cJSON *n = loader__member(obj, key);
    const char *expected = "a probability from 0 to 1, e.g. 0.1 for 10%";
    char v[96];
    if (!n)
        return 0;
    if (!cJSON_IsNumber(n))
        return loader__type_error(ld, n, expected);
    if (!(n->valuedouble >= 0.0 && n->valuedouble <= 1.0)) {
        loader__value_text(ld, n, v, sizeof v);
        return loader__fail(ld, n, "%s is out of range; expected %s", v, expected);
    }
    *out = n->valuedouble;
    return 0;
}

/* An optional duration member: leaves *out alone when absent. */
static int loader__opt_duration(loader *ld, const cJSON *obj, const char *key, bool positive,
                                uint64_t *out) {
    const cJSON *n = loader__member(obj, key);
    return n ? loader__duration(ld, n, positive, out) : 0;
}

static int loader__bitrate(loader *ld, const cJSON *node, uint64_t *out) {
    const char *s = NULL;
    char v[96];
    if (loader__string(ld, node, LOADER_EXPECT_BITRATE, &s) != 0)
        return NS_ERR_INPUT;
    if (units_parse_bitrate(s, out) != 0) {
        loader__value_text(ld, node, v, sizeof v);
        return loader__fail(ld, node, "%s is not a bit rate above zero; expected %s", v,
                            LOADER_EXPECT_BITRATE);
    }
    return 0;
}

/* A plain dotted quad (gateway, via, ping target). */
static int loader__addr(loader *ld, const cJSON *node, ipv4_addr *out) {
    const char *s = NULL;
    char v[96];
    ipv4_addr a = 0;
    int len = 0;
    if (loader__string(ld, node, LOADER_EXPECT_ADDR, &s) != 0)
        return NS_ERR_INPUT;
    if (ipv4_parse(s, out) == 0)
        return 0;
    loader__value_text(ld, node, v, sizeof v);
    if (ipv4_parse_prefix(s, &a, &len) == 0)
        return loader__fail(ld, node,
                            "%s has a prefix length; expected a plain address, e.g. \"%.*s\"", v,
                            (int)(strchr(s, '/') - s), s);
    return loader__fail(ld, node, "%s is not an IPv4 address; expected %s", v, LOADER_EXPECT_ADDR);
}

/* "a.b.c.d/len" (interface addresses, route destinations). */
static int loader__prefix(loader *ld, const cJSON *node, ipv4_addr *addr, int *len) {
    const char *s = NULL;
    char v[96];
    ipv4_addr a = 0;
    if (loader__string(ld, node, LOADER_EXPECT_PREFIX, &s) != 0)
        return NS_ERR_INPUT;
    if (ipv4_parse_prefix(s, addr, len) == 0)
        return 0;
    loader__value_text(ld, node, v, sizeof v);
    if (ipv4_parse(s, &a) == 0)
        return loader__fail(
            ld, node, "%s has no prefix length; expected \"%s/len\", e.g. \"%s/24\"", v, s, s);
    return loader__fail(ld, node, "%s is not an IPv4 address with a prefix length; expected %s", v,
                        LOADER_EXPECT_PREFIX);
}

/* ---- devices: interfaces, addresses ------------------------------------- */

static const char *loader__iface_label(const loader *ld, uint32_t dev, uint32_t iface, char *buf,
                                       size_t cap) {
    const model_device *d = &ld->t->devices[dev];
    snprintf(buf, cap, "%s.%s", d->name, d->ifaces[iface].name);
    return buf;
}

/* Registers the MAC of devices[dev].ifaces[iface]; `node` is its "mac" value
 * or NULL for a default. Two holders of one MAC are an error at whichever of
 * them was written in the file. */
static int loader__add_mac(loader *ld, size_t dev, size_t iface, const cJSON *node) {
    mac_addr mac = ld->t->devices[dev].ifaces[iface].mac;
    bool created = false;
    loader__holder *h = u64map_put(ld->macs, mac_to_u64(mac), &created);
    if (created) {
        *h = (loader__holder){(uint32_t)dev, (uint32_t)iface, node};
        return 0;
    }
    char label[300], v[96];
    loader__iface_label(ld, h->dev, h->iface, label, sizeof label);
    if (node) {
        loader__value_text(ld, node, v, sizeof v);
        return loader__fail(ld, node,
                            "%s is already the MAC of %s%s; expected a MAC no other interface has",
                            v, label, h->node ? "" : " (its default)");
    }
    /* This default collides with an earlier explicit MAC: report that one. */
    char mine[300];
    loader__iface_label(ld, (uint32_t)dev, (uint32_t)iface, mine, sizeof mine);
    loader__value_text(ld, h->node, v, sizeof v);
    return loader__fail(ld, h->node,
                        "%s is also the default MAC of %s; expected a MAC no other interface has "
                        "(defaults are 02:DD:DD:DD:II:II by device and interface number)",
                        v, mine);
}

/* The default MAC 02:DD:DD:DD:II:II of device number d and interface number
 * i, both 1-based. */
static mac_addr loader__default_mac(size_t d, size_t i) {
    mac_addr m = {
        {0x02, (uint8_t)(d >> 16), (uint8_t)(d >> 8), (uint8_t)d, (uint8_t)(i >> 8), (uint8_t)i}};
    return m;
}

/* An interface's "mac" value (or the default when node is NULL). */
static int loader__iface_mac(loader *ld, size_t dev, size_t iface, const cJSON *node) {
    model_iface *f = &ld->t->devices[dev].ifaces[iface];
    if (!node) {
        f->mac = loader__default_mac(dev + 1, iface + 1);
        return loader__add_mac(ld, dev, iface, NULL);
    }
    const char *s = NULL;
    char v[96];
    if (loader__string(ld, node, "a MAC address: " LOADER_EXPECT_MAC, &s) != 0)
        return NS_ERR_INPUT;
    loader__value_text(ld, node, v, sizeof v);
    if (mac_parse(s, &f->mac) != 0)
        return loader__fail(ld, node, "%s is not a MAC address; expected %s", v, LOADER_EXPECT_MAC);
    if (mac_is_multicast(f->mac))
        return loader__fail(ld, node,
                            "%s is a group (multicast) address; expected a unicast MAC, whose "
                            "first byte is even, e.g. \"02:00:00:00:00:01\"",
                            v);
    if (mac_equal(f->mac, MAC_ZERO))
        return loader__fail(ld, node,
                            "%s is the all-zero address; expected a unicast MAC, e.g. "
                            "\"02:00:00:00:00:01\"",
                            v);
    return loader__add_mac(ld, dev, iface, node);
}

/* An interface's "ip" value: a host address with its prefix length. */
static int loader__iface_ip(loader *ld, size_t dev, size_t iface, const cJSON *node) {
    model_iface *f = &ld->t->devices[dev].ifaces[iface];
    ipv4_addr a = 0;
    int len = 0;
    char v[96], net[IPV4_TEXT_LEN], lo[IPV4_TEXT_LEN], hi[IPV4_TEXT_LEN];
    if (loader__prefix(ld, node, &a, &len) != 0)
        return NS_ERR_INPUT;
    loader__value_text(ld, node, v, sizeof v);
    if (len == 0)
        return loader__fail(ld, node, "%s has prefix length 0; expected a length from 1 to 32", v);
    if (ipv4_is_loopback(a))
        return loader__fail(ld, node,
                            "%s is a loopback address; expected an address outside 127.0.0.0/8 "
                            "(every device has loopback built in)",
                            v);
    if (ipv4_is_multicast(a))
        return loader__fail(
            ld, node, "%s is a multicast address (224.0.0.0/4); expected a unicast address", v);
    if ((a >> 28) == 0xf)
        return loader__fail(
            ld, node, "%s is in the reserved range 240.0.0.0/4; expected a unicast address", v);
    ipv4_addr mask = ipv4_netmask(len);
    if (len <= 30 && ((a & ~mask) == 0 || (a & ~mask) == ~mask)) {
        ipv4_format(a & mask, net);
        ipv4_format((a & mask) + 1, lo);
        ipv4_format((a | ~mask) - 1, hi);
        return loader__fail(ld, node,
                            "%s is the %s address of %s/%d; expected a host address from %s to %s",
                            v, (a & ~mask) == 0 ? "network" : "broadcast", net, len, lo, hi);
    }
    f->has_ip = true;
    f->ip = a;
    f->prefix_len = len;
    bool created = false;
    loader__holder *h = u64map_put(ld->ips, a, &created);
    if (!created) {
        char label[300];
        loader__iface_label(ld, h->dev, h->iface, label, sizeof label);
        return loader__fail(ld, node,
                            "%s is already the address of %s; expected an address no other "
                            "interface has",
                            v, label);
    }
    *h = (loader__holder){(uint32_t)dev, (uint32_t)iface, node};
    return 0;
}

/* Interface names are written after a '.' in link endpoints, so they hold
 * no '.'; keeping them to a small alphabet keeps traces readable. */
static bool loader__iface_name_ok(const char *s) {
    size_t n = strlen(s);
    if (n == 0 || n > 32)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_'))
            return false;
    }
    return true;
}

/* Allocates devices[dev].ifaces (n of them, zeroed). */
static int loader__alloc_ifaces(loader *ld, size_t dev, size_t n) {
    model_device *d = &ld->t->devices[dev];
    d->ifaces = n ? calloc(n, sizeof *d->ifaces) : NULL;
    if (n && !d->ifaces)
        return loader__nomem(ld);
    d->n_ifaces = n;
    return 0;
}

/* The interfaces of a host or router: the short form ("ip", "mac": one
 * interface eth0) or "interfaces". */
static int loader__ifaces(loader *ld, size_t dev, const cJSON *obj) {
    model_device *d = &ld->t->devices[dev];
    const cJSON *ip = loader__member(obj, "ip"), *mac = loader__member(obj, "mac");
    const cJSON *ifs = loader__member(obj, "interfaces");
    static const char *const iface_keys[] = {"ip", "mac"};
    if (ifs && (ip || mac))
        return loader__fail(
            ld, ifs,
            "\"interfaces\" is given together with \"%s\"; expected either \"ip\" "
            "(and \"mac\") for a single interface eth0, or \"interfaces\", not both",
            ip ? "ip" : "mac");
    if (!ifs) {
        if (d->type == DEVICE_ROUTER)
            return loader__missing(ld, obj, "interfaces",
                                   "\"interfaces\": {\"eth0\": {\"ip\": \"10.0.0.1/24\"}, ...}");
        if (loader__alloc_ifaces(ld, dev, 1) != 0)
            return NS_ERR_NOMEM;
        if (!(d->ifaces[0].name = loader__strdup("eth0")))
            return loader__nomem(ld);
        if (loader__iface_mac(ld, dev, 0, mac) != 0)
            return NS_ERR_INPUT;
        return ip ? loader__iface_ip(ld, dev, 0, ip) : 0;
    }
    const char *example = "an object of interfaces, e.g. {\"eth0\": {\"ip\": \"10.0.0.1/24\"}}";
    if (!cJSON_IsObject(ifs))
        return loader__type_error(ld, ifs, example);
    size_t n = loader__count(ifs);
    if (n == 0)
        return loader__fail(ld, ifs, "{} has no interfaces; expected %s", example);
    if (n > LOADER_MAX_IFACES)
        return loader__fail(ld, ifs, "{...} has %zu interfaces; expected at most %d", n,
                            LOADER_MAX_IFACES);
    if (loader__alloc_ifaces(ld, dev, n) != 0)
        return NS_ERR_NOMEM;
    size_t i = 0;
    for (const cJSON *f = ifs->child; f; f = f->next, i++) {
        char q[96];
        if (!loader__iface_name_ok(f->string)) {
            loader__quote(f->string, q, sizeof q);
            return loader__fail_key(ld, f,
                                    "%s is not an interface name; expected 1 to 32 letters, "
                                    "digits, '-' or '_', e.g. \"eth0\"",
                                    q);
        }
        if (!(d->ifaces[i].name = loader__strdup(f->string)))
            return loader__nomem(ld);
        if (!cJSON_IsObject(f))
            return loader__type_error(ld, f, "an object such as {\"ip\": \"10.0.0.1/24\"}");
        if (loader__check_keys(ld, f, iface_keys, 2, NULL) != 0)
            return NS_ERR_INPUT;
        if (loader__iface_mac(ld, dev, i, loader__member(f, "mac")) != 0)
            return NS_ERR_INPUT;
        const cJSON *fip = loader__member(f, "ip");
        if (fip && loader__iface_ip(ld, dev, i, fip) != 0)
            return NS_ERR_INPUT;
    }
    return 0;
}

/* The index of interface `name` of device `dev`, or -1. Devices with many
 * interfaces get a name map on first use, so look-ups stay O(1). */
static long loader__iface_index(loader *ld, size_t dev, const char *name) {
    model_device *d = &ld->t->devices[dev];
    loader__dev *x = &ld->devs[dev];
    if (d->n_ifaces > LOADER_IFACE_MAP_MIN) {
        if (!x->iface_names) {
            x->iface_names = strmap_new();
            if (!x->iface_names)
                return -2;
            for (size_t i = 0; i < d->n_ifaces; i++)
                strmap_put(x->iface_names, d->ifaces[i].name, (int)i);
        }
        return strmap_get(x->iface_names, name);
    }
    for (size_t i = 0; i < d->n_ifaces; i++)
        if (strcmp(d->ifaces[i].name, name) == 0)
            return (long)i;
    return -1;
}

/* Writes "10.0.0.0/24 on eth0, 10.0.1.0/24 on eth1" (the addressed
 * interfaces of `dev`, or only interface `only` when >= 0) into buf[cap];
 * returns how many there are. */
static size_t loader__subnets(const loader *ld, size_t dev, long only, char *buf, size_t cap) {
    const model_device *d = &ld->t->devices[dev];
    size_t used = 0, n = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < d->n_ifaces; i++) {
        const model_iface *f = &d->ifaces[i];
        if (!f->has_ip || (only >= 0 && (size_t)only != i))
            continue;
        if (n == 6) {
            loader__append(buf, cap, &used, ", ...");
        } else if (n < 6) {
            char net[IPV4_TEXT_LEN];
            ipv4_format(f->ip & ipv4_netmask(f->prefix_len), net);
            loader__append(buf, cap, &used, "%s%s/%d on %s", n ? ", " : "", net, f->prefix_len,
                           f->name);
        }
        n++;
    }
    return n;
}

/* Whether `a` lies in the subnet of some addressed interface of `dev` (only
 * interface `only` when >= 0). */
static bool loader__in_subnets(const loader *ld, size_t dev, long only, ipv4_addr a) {
    const model_device *d = &ld->t->devices[dev];
    for (size_t i = 0; i < d->n_ifaces; i++) {
        const model_iface *f = &d->ifaces[i];
        if (f->has_ip && (only < 0 || (size_t)only == i) &&
            ipv4_same_subnet(a, f->ip, f->prefix_len))
            return true;
    }
    return false;
}

/* Whether `a` is one of the device's own addresses. */
static bool loader__is_own(const loader *ld, size_t dev, ipv4_addr a) {
    const model_device *d = &ld->t->devices[dev];
    for (size_t i = 0; i < d->n_ifaces; i++)
        if (d->ifaces[i].has_ip && d->ifaces[i].ip == a)
            return true;
    return false;
}

/* A next hop (gateway or route "via") must be another address inside one of
 * the device's subnets (inside interface `only`'s when >= 0). */
static int loader__check_next_hop(loader *ld, size_t dev, long only, const cJSON *node, ipv4_addr a,
                                  const char *what) {
    const model_device *d = &ld->t->devices[dev];
    char v[96], subnets[400];
    loader__value_text(ld, node, v, sizeof v);
    if (loader__is_own(ld, dev, a))
        return loader__fail(ld, node,
                            "%s is %s's own address; expected the address of another device in "
                            "its subnet, e.g. a router's",
                            v, d->name);
    size_t n = loader__subnets(ld, dev, only, subnets, sizeof subnets);
    if (n == 0 && only >= 0)
        return 0; /* an interface without an address: nothing to check against */
    if (n == 0)
        return loader__fail(ld, node,
                            "%s cannot be reached: %s has no interface with an IP address; "
                            "expected %s inside the subnet of one of its interfaces",
                            v, d->name, what);
    if (loader__in_subnets(ld, dev, only, a))
        return 0;
    return loader__fail(ld, node, "%s is outside every subnet of %s (%s); expected %s inside %s", v,
                        d->name, subnets, what, n == 1 ? "it" : "one of them");
}

static int loader__gateway(loader *ld, size_t dev, const cJSON *obj) {
    const cJSON *g = loader__member(obj, "gateway");
    model_device *d = &ld->t->devices[dev];
    if (!g)
        return 0;
    if (d->dhcp) {
        char v[96];
        loader__value_text(ld, g, v, sizeof v);
        return loader__fail(ld, g,
                            "%s: a DHCP client gets its gateway from the DHCP server (option 3, "
                            "\"router\"); expected no \"gateway\" together with \"dhcp\"",
                            v);
    }
    if (loader__addr(ld, g, &d->gateway) != 0)
        return NS_ERR_INPUT;
    if (loader__check_next_hop(ld, dev, -1, g, d->gateway, "a gateway") != 0)
        return NS_ERR_INPUT;
    d->has_gateway = true;
    return 0;
}

/* Looks up the interface named by string `node`; did-you-mean otherwise. */
static int loader__route_iface(loader *ld, size_t dev, const cJSON *node, long *out) {
    const model_device *d = &ld->t->devices[dev];
    const char *s = NULL;
    if (loader__string(ld, node, "the name of one of the device's interfaces, e.g. \"eth0\"", &s) !=
        0)
        return NS_ERR_INPUT;
    long i = loader__iface_index(ld, dev, s);
    if (i == -2)
        return loader__nomem(ld);
    if (i >= 0) {
        *out = i;
        return 0;
    }
    const char **names = malloc(d->n_ifaces * sizeof *names);
    if (!names)
        return loader__nomem(ld);
    for (size_t k = 0; k < d->n_ifaces; k++)
        names[k] = d->ifaces[k].name;
    char v[96], list[512];
    loader__value_text(ld, node, v, sizeof v);
    const char *sug = loader__suggest(s, names, d->n_ifaces);
    loader__list(names, d->n_ifaces, "", " or ", list, sizeof list);
    free(names);
    if (sug)
        return loader__fail(ld, node, "%s is not an interface of %s; did you mean \"%s\"?", v,
                            d->name, sug);
    return loader__fail(ld, node, "%s is not an interface of %s; expected %s", v, d->name, list);
}

static int loader__route(loader *ld, size_t dev, const cJSON *node, model_route *r) {
    static const char *const keys[] = {"to", "via", "interface", "metric"};
    if (!cJSON_IsObject(node))
        return loader__type_error(
            ld, node, "a route such as {\"to\": \"10.0.3.0/24\", \"via\": \"10.0.2.2\"}");
    if (loader__check_keys(ld, node, keys, 4, NULL) != 0)
        return NS_ERR_INPUT;
    const cJSON *to = loader__member(node, "to"), *via = loader__member(node, "via");
    const cJSON *ifn = loader__member(node, "interface");
    if (!to)
        return loader__missing(ld, node, "to",
                               "\"to\": a destination network, e.g. \"10.0.3.0/24\"");
    if (loader__prefix(ld, to, &r->dst, &r->prefix_len) != 0)
        return NS_ERR_INPUT;
    ipv4_addr mask = ipv4_netmask(r->prefix_len);
    if (r->dst & ~mask) {
        char v[96], net[IPV4_TEXT_LEN];
        loader__value_text(ld, to, v, sizeof v);
        ipv4_format(r->dst & mask, net);
        return loader__fail(ld, to, "%s has host bits set; expected the network address \"%s/%d\"",
                            v, net, r->prefix_len);
    }
    r->iface = -1;
    if (ifn) {
        long i = -1;
        if (loader__route_iface(ld, dev, ifn, &i) != 0)
            return NS_ERR_INPUT;
        r->iface = (int)i;
    }
    if (!via && !ifn)
        return loader__missing(ld, node, "via",
                               "a next hop \"via\": \"a.b.c.d\", or an \"interface\" for a "
                               "directly connected network");
    if (via) {
        if (loader__addr(ld, via, &r->via) != 0)
            return NS_ERR_INPUT;
        if (loader__check_next_hop(ld, dev, r->iface, via, r->via, "a next hop") != 0)
            return NS_ERR_INPUT;
        r->has_via = true;
    }
    return loader__opt_u32(ld, node, "metric", 0, 65535, &r->metric);
}

static int loader__routes(loader *ld, size_t dev, const cJSON *obj) {
    const cJSON *routes = loader__member(obj, "routes");
    model_device *d = &ld->t->devices[dev];
    if (!routes)
        return 0;
    if (!cJSON_IsArray(routes))
        return loader__type_error(ld, routes,
                                  "an array of routes, e.g. [{\"to\": \"0.0.0.0/0\", \"via\": "
                                  "\"10.0.0.254\"}]");
    size_t n = loader__count(routes);
    if (n == 0)
        return 0;
    if (!(d->routes = calloc(n, sizeof *d->routes)))
        return loader__nomem(ld);
    for (const cJSON *r = routes->child; r; r = r->next) {
        if (loader__route(ld, dev, r, &d->routes[d->n_routes]) != 0)
            return NS_ERR_INPUT;
        d->n_routes++;
    }
    return 0;
}

/* ttl and the ARP options shared by hosts and routers. */
static int loader__stack_options(loader *ld, size_t dev, const cJSON *obj) {
    model_device *d = &ld->t->devices[dev];
    uint32_t ttl = 64;
    d->arp_timeout_ns = 60000000000ull;
    d->arp_retry_ns = 1000000000ull;
    d->arp_retries = 3;
    d->arp_queue = 3;
    if (loader__opt_u32(ld, obj, "ttl", 1, 255, &ttl) != 0 ||
        loader__opt_duration(ld, obj, "arp_timeout", false, &d->arp_timeout_ns) != 0 ||
        loader__opt_duration(ld, obj, "arp_retry", true, &d->arp_retry_ns) != 0 ||
        loader__opt_u32(ld, obj, "arp_retries", 1, 100, &d->arp_retries) != 0 ||
        loader__opt_u32(ld, obj, "arp_queue", 0, 10000, &d->arp_queue) != 0)
        return NS_ERR_INPUT;
    d->ttl = (uint8_t)ttl;
    return 0;
}

/* ---- devices: forwarding, static ARP, firewall -------------------------- */

static int loader__opt_bool(loader *ld, const cJSON *obj, const char *key, bool *out) {
    const cJSON *n = loader__member(obj, key);
    if (!n)
        return 0;
    if (!cJSON_IsBool(n))
        return loader__type_error(ld, n, "true or false");
    *out = cJSON_IsTrue(n);
    return 0;
}

/* "arp": {"10.0.0.1": "02:00:00:00:00:01", ...}: permanent entries. */
static int loader__static_arp(loader *ld, size_t dev, const cJSON *obj) {
    const cJSON *arp = loader__member(obj, "arp");
    model_device *d = &ld->t->devices[dev];
    if (!arp)
        return 0;
    if (!cJSON_IsObject(arp))
        return loader__type_error(ld, arp,
                                  "an object of static ARP entries, e.g. {\"10.0.0.1\": "
                                  "\"02:00:00:00:00:01\"}");
    size_t n = loader__count(arp);
    if (n == 0)
        return 0;
    if (!(d->static_arp = calloc(n, sizeof *d->static_arp)))
        return loader__nomem(ld);
    for (const cJSON *e = arp->child; e; e = e->next) {
        model_static_arp *sa = &d->static_arp[d->n_static_arp];
        char v[96];
        if (ipv4_parse(e->string, &sa->ip) != 0) {
            snprintf(v, sizeof v, "\"%s\"", e->string);
            return loader__fail_key(ld, e, "%s is not an IPv4 address; expected %s", v,
                                    LOADER_EXPECT_ADDR);
        }
        const char *s = NULL;
        if (loader__string(ld, e, "a MAC address such as \"02:00:00:00:00:01\"", &s) != 0)
            return NS_ERR_INPUT;
        if (mac_parse(s, &sa->mac) != 0) {
            loader__value_text(ld, e, v, sizeof v);
            return loader__fail(ld, e,
                                "%s is not a MAC address; expected six hex pairs such as "
                                "\"02:00:00:00:00:01\"",
                                v);
        }
        d->n_static_arp++;
    }
    return 0;
}

/* A firewall address: "a.b.c.d/len" or a plain address (a /32). */
static int loader__fw_prefix(loader *ld, const cJSON *node, ipv4_addr *addr, int *len) {
    const char *s = NULL;
    if (!cJSON_IsString(node))
        return loader__type_error(ld, node, "an address or network such as \"10.0.0.0/24\"");
    s = node->valuestring;
    if (ipv4_parse(s, addr) == 0) {
        *len = 32;
        return 0;
    }
    if (loader__prefix(ld, node, addr, len) != 0)
        return NS_ERR_INPUT;
    *addr &= ipv4_netmask(*len);
    return 0;
}

/* A port or a range: 80, or "1024-65535". */
static int loader__fw_ports(loader *ld, const cJSON *node, uint16_t *lo, uint16_t *hi) {
    const char *expected = "a port such as 80 or a range such as \"1024-65535\"";
    char v[96];
    if (cJSON_IsNumber(node)) {
        long long x = 0;
        if (loader__int(ld, node, 0, 65535, &x) != 0)
            return NS_ERR_INPUT;
        *lo = *hi = (uint16_t)x;
        return 0;
    }
    if (!cJSON_IsString(node))
        return loader__type_error(ld, node, expected);
    unsigned a = 0, b = 0;
    char tail = 0;
    if (sscanf(node->valuestring, "%5u-%5u%c", &a, &b, &tail) != 2 || a > b || b > 65535) {
        loader__value_text(ld, node, v, sizeof v);
        return loader__fail(ld, node, "%s is not a port range; expected %s", v, expected);
    }
    *lo = (uint16_t)a;
    *hi = (uint16_t)b;
    return 0;
}

static int loader__fw_rule(loader *ld, size_t dev, const cJSON *node, model_fw_rule *r) {
    static const char *const keys[] = {"action",   "protocol",  "src",       "dst",      "src_port",
                                       "dst_port", "icmp_type", "direction", "interface"};
    static const char *const actions[] = {"allow", "deny", "reject"};
    static const char *const protocols[] = {"any", "icmp", "tcp", "udp"};
    static const uint8_t protocol_numbers[] = {0, 1, 6, 17};
    static const char *const directions[] = {"any", "in", "out", "forward"};
    static const uint8_t chains[] = {FW_CHAIN_ALL, FW_CHAIN_IN, FW_CHAIN_OUT, FW_CHAIN_FORWARD};
    char v[96], list[160];
    if (!cJSON_IsObject(node))
        return loader__type_error(ld, node,
                                  "a rule such as {\"action\": \"deny\", \"protocol\": \"icmp\"}");
    if (loader__check_keys(ld, node, keys, 9, NULL) != 0)
        return NS_ERR_INPUT;
    memset(r, 0, sizeof *r);
    r->src_port_hi = r->dst_port_hi = 65535;
    r->icmp_type = -1;
    r->chains = FW_CHAIN_ALL;
    r->iface = -1;
    const cJSON *n = loader__member(node, "action");
    if (!n)
        return loader__missing(ld, node, "action", "\"action\": \"allow\", \"deny\" or \"reject\"");
    const char *s = NULL;
    size_t k;
    loader__list(actions, 3, "", " or ", list, sizeof list);
    if (loader__string(ld, n, list, &s) != 0)
        return NS_ERR_INPUT;
    for (k = 0; k < 3 && strcmp(s, actions[k]) != 0; k++)
        ;
    if (k == 3) {
        loader__value_text(ld, n, v, sizeof v);
        return loader__fail(ld, n, "%s is not a firewall action; expected %s", v, list);
    }
    r->action = k == 0 ? FW_ALLOW : k == 1 ? FW_DENY : FW_REJECT;
    if ((n = loader__member(node, "protocol"))) {
        loader__list(protocols, 4, "", " or ", list, sizeof list);
        if (loader__string(ld, n, list, &s) != 0)
            return NS_ERR_INPUT;
        for (k = 0; k < 4 && strcmp(s, protocols[k]) != 0; k++)
            ;
        if (k == 4) {
            loader__value_text(ld, n, v, sizeof v);
            return loader__fail(ld, n, "%s is not a protocol; expected %s", v, list);
        }
        r->protocol = protocol_numbers[k];
    }
    if ((n = loader__member(node, "direction"))) {
        loader__list(directions, 4, "", " or ", list, sizeof list);
        if (loader__string(ld, n, list, &s) != 0)
            return NS_ERR_INPUT;
        for (k = 0; k < 4 && strcmp(s, directions[k]) != 0; k++)
            ;
        if (k == 4) {
            loader__value_text(ld, n, v, sizeof v);
            return loader__fail(ld, n, "%s is not a direction; expected %s", v, list);
        }
        r->chains = chains[k];
    }
    if (((n = loader__member(node, "src")) &&
         loader__fw_prefix(ld, n, &r->src, &r->src_len) != 0) ||
        ((n = loader__member(node, "dst")) && loader__fw_prefix(ld, n, &r->dst, &r->dst_len) != 0))
        return NS_ERR_INPUT;
    const char *port_keys[] = {"src_port", "dst_port"};
    for (int i = 0; i < 2; i++) {
        if (!(n = loader__member(node, port_keys[i])))
            continue;
        if (r->protocol != 6 && r->protocol != 17) {
            loader__value_text(ld, n, v, sizeof v);
            return loader__fail(ld, n,
                                "%s: ports exist only for TCP and UDP; expected \"protocol\": "
                                "\"tcp\" or \"udp\" in this rule",
                                v);
        }
        if (loader__fw_ports(ld, n, i ? &r->dst_port_lo : &r->src_port_lo,
                             i ? &r->dst_port_hi : &r->src_port_hi) != 0)
            return NS_ERR_INPUT;
    }
    if ((n = loader__member(node, "icmp_type"))) {
        long long t = 0;
        if (r->protocol != 1) {
            loader__value_text(ld, n, v, sizeof v);
            return loader__fail(ld, n, "%s: an ICMP type needs \"protocol\": \"icmp\" in this rule",
                                v);
        }
        if (cJSON_IsString(n) && strcmp(n->valuestring, "echo-request") == 0)
            t = 8;
        else if (cJSON_IsString(n) && strcmp(n->valuestring, "echo-reply") == 0)
            t = 0;
        else if (cJSON_IsString(n)) {
            loader__value_text(ld, n, v, sizeof v);
            return loader__fail(ld, n,
                                "%s is not an ICMP type; expected \"echo-request\", "
                                "\"echo-reply\" or a number from 0 to 255",
                                v);
        } else if (loader__int(ld, n, 0, 255, &t) != 0)
            return NS_ERR_INPUT;
        r->icmp_type = (int)t;
    }
    if ((n = loader__member(node, "interface"))) {
        long i = -1;
        if (loader__route_iface(ld, dev, n, &i) != 0)
            return NS_ERR_INPUT;
        r->iface = (int)i;
    }
    return 0;
}

/* "firewall": {"default": "allow" | "deny", "rules": [...]}. */
static int loader__firewall(loader *ld, size_t dev, const cJSON *obj) {
    static const char *const keys[] = {"default", "rules"};
    const cJSON *fw = loader__member(obj, "firewall");
    model_device *d = &ld->t->devices[dev];
    if (!fw)
        return 0;
    if (!cJSON_IsObject(fw))
        return loader__type_error(ld, fw,
                                  "a firewall such as {\"default\": \"allow\", \"rules\": "
                                  "[{\"action\": \"deny\", \"protocol\": \"icmp\"}]}");
    if (loader__check_keys(ld, fw, keys, 2, NULL) != 0)
        return NS_ERR_INPUT;
    d->has_firewall = true;
    d->fw_default = FW_ALLOW;
    const cJSON *n = loader__member(fw, "default");
    if (n) {
        const char *s = NULL;
        char v[96];
        if (loader__string(ld, n, "\"allow\" or \"deny\"", &s) != 0)
            return NS_ERR_INPUT;
        if (strcmp(s, "allow") == 0)
            d->fw_default = FW_ALLOW;
        else if (strcmp(s, "deny") == 0)
            d->fw_default = FW_DENY;
        else {
            loader__value_text(ld, n, v, sizeof v);
            return loader__fail(ld, n, "%s is not a policy; expected \"allow\" or \"deny\"", v);
        }
    }
    const cJSON *rules = loader__member(fw, "rules");
    if (!rules)
        return 0;
    if (!cJSON_IsArray(rules))
        return loader__type_error(ld, rules, "an array of rules");
    size_t count = loader__count(rules);
    if (count == 0)
        return 0;
    if (!(d->fw_rules = calloc(count, sizeof *d->fw_rules)))
        return loader__nomem(ld);
    for (const cJSON *r = rules->child; r; r = r->next) {
        if (loader__fw_rule(ld, dev, r, &d->fw_rules[d->n_fw_rules]) != 0)
            return NS_ERR_INPUT;
        d->n_fw_rules++;
    }
    return 0;
}

/* Names and default MACs for ports p1..pN of a switch or hub. */
static int loader__make_ports(loader *ld, size_t dev, size_t n) {
    if (loader__alloc_ifaces(ld, dev, n) != 0)
        return NS_ERR_NOMEM;
    model_device *d = &ld->t->devices[dev];
    for (size_t i = 0; i < n; i++) {
        char name[24];
        snprintf(name, sizeof name, "p%zu", i + 1);
        if (!(d->ifaces[i].name = loader__strdup(name)))
            return loader__nomem(ld);
        if (loader__iface_mac(ld, dev, i, NULL) != 0)
            return NS_ERR_INPUT;
    }
    return 0;
}

/* ---- devices: services, resolver, ports ---------------------------------- */

#define LOADER_EXPECT_TARGET                                                                       \
    "an address such as \"10.0.0.2\" or a host name such as \"www.example.com\""
#define LOADER_EXPECT_RANGE "\"first-last\", e.g. \"10.0.0.100-10.0.0.199\""
#define LOADER_MAX_FILE     ((size_t)16 << 20) /* a file server's file: 16 MiB */
#define LOADER_MAX_FILES    ((size_t)64 << 20) /* all file servers' files together */
#define LOADER_MAX_DATAGRAM 65493              /* UDP data that fits one frame (stack/udp.c) */
#define LOADER_PROTO_UDP    0
#define LOADER_PROTO_TCP    1

/* A host name (RFC 1123 section 2.1, RFC 1035 section 2.3.1): dot-separated
 * labels of 1-63 letters, digits and '-', not starting or ending with '-', at
 * most 253 characters (one trailing dot allowed), and a last label that is not
 * all digits (so "10.0.2" is a mistyped address, not a name). */
static bool loader__host_name_ok(const char *s) {
    size_t n = strlen(s);
    if (n > 0 && s[n - 1] == '.')
        n--;
    if (n == 0 || n > 253)
        return false;
    size_t label = 0;
    bool digits_only = true;
    for (size_t i = 0; i <= n; i++) {
        char c = i < n ? s[i] : '.';
        if (c == '.') {
            if (label == 0 || s[i - 1] == '-')
                return false;
            label = 0;
            if (i < n)
                digits_only = true;
            continue;
        }
        bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        bool digit = c >= '0' && c <= '9';
        if (!alpha && !digit && c != '-')
            return false;
        if (label == 0 && c == '-')
            return false;
        if (++label > 63)
            return false;
        if (!digit)
            digits_only = false;
    }
    return !digits_only;
}

/* A copy of a host name without its trailing dot. */
static char *loader__host_name_dup(const char *s) {
    char *copy = loader__strdup(s);
    size_t n = copy ? strlen(copy) : 0;
    if (n > 1 && copy[n - 1] == '.')
        copy[n - 1] = '\0';
    return copy;
}

/* Whether a string holds only digits and dots: meant as an address. */
static bool loader__looks_numeric(const char *s) {
    for (; *s; s++)
        if (!((*s >= '0' && *s <= '9') || *s == '.'))
            return false;
    return true;
}

/* An address a host can send to: not 0.0.0.0, multicast or a broadcast. */
static int loader__unicast(loader *ld, const cJSON *node, ipv4_addr a) {
    char v[96];
    loader__value_text(ld, node, v, sizeof v);
    if (a == 0 || ipv4_is_multicast(a) || (a >> 28) == 0xf)
        return loader__fail(ld, node, "%s is not a unicast address; expected %s", v,
                            "the address of one host, e.g. \"10.0.0.53\"");
    return 0;
}

/* "to": an address, or a host name the device resolves by DNS first; a name
 * needs a resolver on the device ("dns", or "dhcp" which may supply one). */
static int loader__target(loader *ld, const cJSON *node, size_t dev, ipv4_addr *addr, char **name) {
    const char *s = NULL;
    char v[96];
    *addr = 0;
    *name = NULL;
    if (loader__string(ld, node, LOADER_EXPECT_TARGET, &s) != 0)
        return NS_ERR_INPUT;
    if (ipv4_parse(s, addr) == 0)
        return 0;
    if (strchr(s, '/') || loader__looks_numeric(s))
        return loader__addr(ld, node, addr); /* its message explains the address */
    loader__value_text(ld, node, v, sizeof v);
    if (!loader__host_name_ok(s))
        return loader__fail(ld, node,
                            "%s is neither an IPv4 address nor a host name; expected %s (a name "
                            "is labels of letters, digits and '-' separated by dots)",
                            v, LOADER_EXPECT_TARGET);
    const model_device *d = &ld->t->devices[dev];
    if (!d->has_dns && !d->dhcp)
        return loader__fail(ld, node,
                            "%s is a host name, but %s has no DNS resolver to look it up; "
                            "expected an IPv4 address, or \"dns\": \"a.b.c.d\" (or \"dhcp\": "
                            "true) on %s",
                            v, d->name, d->name);
    if (!(*name = loader__host_name_dup(s)))
        return loader__nomem(ld);
    return 0;
}

static uint64_t loader__bind_key(size_t dev, int proto, uint16_t port_number) {
    return (uint64_t)dev << 17 | (uint64_t)proto << 16 | port_number;
}

/* Claims proto/port on device `dev` for `owner` (its path names it); two
 * claims are an error at `node` (the "port" value, or the action when the
 * port is a default), naming both, as bind() fails with EADDRINUSE. */
static int loader__claim_port(loader *ld, size_t dev, int proto, uint16_t port_number,
                              const cJSON *node, const cJSON *owner, const char *what) {
    bool created = false;
    loader__bind *b = u64map_put(ld->binds, loader__bind_key(dev, proto, port_number), &created);
    if (created) {
        *b = (loader__bind){owner, what};
        return 0;
    }
    char v[96], other[400];
    const char *name = ld->t->devices[dev].name;
    const char *p = proto == LOADER_PROTO_TCP ? "TCP" : "UDP";
    loader__value_text(ld, node, v, sizeof v);
    loader__path(ld, b->owner, other, sizeof other);
    if (node == owner)
        return loader__fail(ld, node,
                            "%s uses %s port %u (the default of %s), already bound on %s by %s "
                            "(%s); expected a \"port\" no other program on %s binds (bind() "
                            "would fail with EADDRINUSE)",
                            v, p, port_number, what, name, other, b->what, name);
    return loader__fail(ld, node,
                        "%s is already bound on %s by %s (%s, %s port %u); expected a port no "
                        "other program on %s binds (bind() would fail with EADDRINUSE)",
                        v, name, other, b->what, p, port_number, name);
}

/* "a.b.c.d-a.b.c.d". */
static int loader__range(loader *ld, const cJSON *node, ipv4_addr *lo, ipv4_addr *hi) {
    const char *s = NULL;
    char v[96], first[32];
    if (loader__string(ld, node, LOADER_EXPECT_RANGE, &s) != 0)
        return NS_ERR_INPUT;
    loader__value_text(ld, node, v, sizeof v);
    const char *dash = strchr(s, '-');
    size_t n = dash ? (size_t)(dash - s) : 0;
    if (!dash || n >= sizeof first)
        return loader__fail(ld, node, "%s is not an address range; expected %s", v,
                            LOADER_EXPECT_RANGE);
    memcpy(first, s, n);
    first[n] = '\0';
    if (ipv4_parse(first, lo) != 0 || ipv4_parse(dash + 1, hi) != 0)
        return loader__fail(ld, node, "%s is not an address range; expected %s", v,
                            LOADER_EXPECT_RANGE);
    if (*lo > *hi)
        return loader__fail(ld, node,
                            "%s runs backwards; expected the lower address first: \"%s-%s\"", v,
                            dash + 1, first);
    return 0;
}

/* "ephemeral_ports": "32768-60999" (Linux net.ipv4.ip_local_port_range). */
static int loader__ephemeral_ports(loader *ld, size_t dev, const cJSON *obj) {
    model_device *d = &ld->t->devices[dev];
    const cJSON *n = loader__member(obj, "ephemeral_ports");
    const char *expected = "a port range within 1024-65535, e.g. \"32768-60999\"";
    d->ephemeral_lo = 32768;
    d->ephemeral_hi = 60999;
    if (!n)
        return 0;
    const char *s = NULL;
    char v[96], tail = 0;
    unsigned lo = 0, hi = 0;
    if (loader__string(ld, n, expected, &s) != 0)
        return NS_ERR_INPUT;
    loader__value_text(ld, n, v, sizeof v);
    if (sscanf(s, "%5u-%5u%c", &lo, &hi, &tail) != 2)
        return loader__fail(ld, n, "%s is not a port range; expected %s", v, expected);
    if (lo > hi)
        return loader__fail(ld, n, "%s runs backwards; expected the lower port first: \"%u-%u\"", v,
                            hi, lo);
    if (lo < 1024 || hi > 65535)
        return loader__fail(ld, n,
                            "%s is out of range; expected %s (ports below 1024 are the "
                            "well-known ports of servers)",
                            v, expected);
    d->ephemeral_lo = (uint16_t)lo;
    d->ephemeral_hi = (uint16_t)hi;
    return 0;
}

/* "dhcp": true | false | {"at": "1s"}: eth0 (the first interface) is
 * configured by DHCP, so it has no static address. */
static int loader__dhcp_client(loader *ld, size_t dev, const cJSON *obj) {
    model_device *d = &ld->t->devices[dev];
    const cJSON *n = loader__member(obj, "dhcp");
    const char *expected = "true, false or {\"at\": \"1s\"} (when the DHCP client starts)";
    static const char *const keys[] = {"at"};
    char v[96];
    if (!n)
        return 0;
    if (cJSON_IsObject(n)) {
        if (loader__check_keys(ld, n, keys, 1, NULL) != 0 ||
            loader__opt_duration(ld, n, "at", false, &d->dhcp_at_ns) != 0)
            return NS_ERR_INPUT;
        d->dhcp = true;
    } else if (cJSON_IsBool(n)) {
        d->dhcp = cJSON_IsTrue(n);
    } else {
        return loader__type_error(ld, n, expected);
    }
    if (!d->dhcp)
        return 0;
    if (d->ifaces[0].has_ip) {
        loader__value_text(ld, n, v, sizeof v);
        return loader__fail(ld, n,
                            "%s asks DHCP for an address, but %s.%s has the static address "
                            "given by \"ip\"; expected either \"dhcp\" or a static \"ip\" on "
                            "%s, not both",
                            v, d->name, d->ifaces[0].name, d->ifaces[0].name);
    }
    return loader__claim_port(ld, dev, LOADER_PROTO_UDP, 68, n, n, "the DHCP client");
}

/* "dns": "a.b.c.d": the resolver (as in /etc/resolv.conf). */
static int loader__dns_client(loader *ld, size_t dev, const cJSON *obj) {
    model_device *d = &ld->t->devices[dev];
    const cJSON *n = loader__member(obj, "dns");
    if (!n)
        return 0;
    if (loader__addr(ld, n, &d->dns) != 0 || loader__unicast(ld, n, d->dns) != 0)
        return NS_ERR_INPUT;
    d->has_dns = true;
    return 0;
}

/* The index of the addressed interface of `dev` whose subnet holds `a`, or -1. */
static long loader__iface_holding(const loader *ld, size_t dev, ipv4_addr a) {
    const model_device *d = &ld->t->devices[dev];
    for (size_t i = 0; i < d->n_ifaces; i++)
        if (d->ifaces[i].has_ip && ipv4_same_subnet(a, d->ifaces[i].ip, d->ifaces[i].prefix_len))
            return (long)i;
    return -1;
}

/* Addresses to hand out with option 6: one address or an array of them. */
static int loader__dhcp_dns_list(loader *ld, const cJSON *n, model_dhcp_server *srv) {
    const char *expected = "an address such as \"10.0.0.53\" or an array of at most 4";
    if (cJSON_IsString(n)) {
        if (loader__addr(ld, n, &srv->dns[0]) != 0 || loader__unicast(ld, n, srv->dns[0]) != 0)
            return NS_ERR_INPUT;
        srv->n_dns = 1;
        return 0;
    }
    if (!cJSON_IsArray(n))
        return loader__type_error(ld, n, expected);
    size_t count = loader__count(n);
    if (count > MODEL_DNS_SERVERS_MAX) {
        char v[16];
        loader__value_text(ld, n, v, sizeof v);
        return loader__fail(ld, n, "%s has %zu addresses; expected %s", v, count, expected);
    }
    for (const cJSON *c = n->child; c; c = c->next) {
        if (loader__addr(ld, c, &srv->dns[srv->n_dns]) != 0 ||
            loader__unicast(ld, c, srv->dns[srv->n_dns]) != 0)
            return NS_ERR_INPUT;
        srv->n_dns++;
    }
    return 0;
}

/* "dhcp_server": {"pool", "lease", "router", "dns"}. The pool lies inside
 * the subnet of one of the device's interfaces, which serves it; it holds
 * neither that subnet's network or broadcast address nor the server's own
 * address or the router's (static addresses of other devices are checked
 * once every device is read, loader__check_pools). */
static int loader__dhcp_server(loader *ld, size_t dev, const cJSON *obj) {
    static const char *const keys[] = {"pool", "lease", "router", "dns"};
    model_device *d = &ld->t->devices[dev];
    const cJSON *n = loader__member(obj, "dhcp_server");
    char v[96], subnets[400], a[IPV4_TEXT_LEN], net[IPV4_TEXT_LEN];
    if (!n)
        return 0;
    if (!cJSON_IsObject(n))
        return loader__type_error(ld, n,
                                  "a DHCP server such as {\"pool\": \"10.0.0.100-10.0.0.199\", "
                                  "\"router\": \"10.0.0.1\"}");
    if (loader__check_keys(ld, n, keys, 4, NULL) != 0)
        return NS_ERR_INPUT;
    model_dhcp_server *srv = calloc(1, sizeof *srv);
    if (!srv)
        return loader__nomem(ld);
    d->dhcp_server = srv;
    srv->lease_s = 3600;
    const cJSON *pool = loader__member(n, "pool");
    if (!pool)
        return loader__missing(ld, n, "pool",
                               "\"pool\": the addresses to hand out, e.g. "
                               "\"10.0.0.100-10.0.0.199\"");
    if (loader__range(ld, pool, &srv->pool_lo, &srv->pool_hi) != 0)
        return NS_ERR_INPUT;
    loader__value_text(ld, pool, v, sizeof v);
    long i = loader__iface_holding(ld, dev, srv->pool_lo);
    if (i < 0) {
        size_t count = loader__subnets(ld, dev, -1, subnets, sizeof subnets);
        if (count == 0)
            return loader__fail(ld, pool,
                                "%s cannot be served: %s has no interface with an IP address; "
                                "expected a static \"ip\" on the interface that serves the pool",
                                v, d->name);
        return loader__fail(ld, pool,
                            "%s is outside every subnet of %s (%s); expected a pool inside %s", v,
                            d->name, subnets, count == 1 ? "it" : "one of them");
    }
    const model_iface *f = &d->ifaces[i];
    ipv4_addr mask = ipv4_netmask(f->prefix_len);
    ipv4_format(f->ip & mask, net);
    if (!ipv4_same_subnet(srv->pool_hi, f->ip, f->prefix_len))
        return loader__fail(ld, pool,
                            "%s runs past %s/%d (the subnet of %s.%s); expected a pool inside one "
                            "subnet",
                            v, net, f->prefix_len, d->name, f->name);
    if (f->prefix_len <= 30 && (srv->pool_lo == (f->ip & mask) || srv->pool_hi == (f->ip | ~mask)))
        return loader__fail(
            ld, pool, "%s holds the %s address of %s/%d; expected host addresses only", v,
            srv->pool_lo == (f->ip & mask) ? "network" : "broadcast", net, f->prefix_len);
    for (size_t k = 0; k < d->n_ifaces; k++)
        if (d->ifaces[k].has_ip && d->ifaces[k].ip >= srv->pool_lo &&
            d->ifaces[k].ip <= srv->pool_hi)
            return loader__fail(ld, pool,
                                "%s holds %s, the server's own address (%s.%s); expected a pool "
                                "that leaves it out",
                                v, ipv4_format(d->ifaces[k].ip, a), d->name, d->ifaces[k].name);
    srv->iface = (size_t)i;
    uint64_t lease_ns = 0;
    const cJSON *lease = loader__member(n, "lease");
    if (lease) {
        if (loader__duration(ld, lease, true, &lease_ns) != 0)
            return NS_ERR_INPUT;
        if (lease_ns < 1000000000ull || lease_ns > 0xfffffffeull * 1000000000ull) {
            loader__value_text(ld, lease, v, sizeof v);
            return loader__fail(ld, lease,
                                "%s is out of range; expected a lease from \"1s\" to "
                                "\"4294967294s\" (DHCP counts whole seconds)",
                                v);
        }
        srv->lease_s = (uint32_t)(lease_ns / 1000000000ull);
    }
    const cJSON *router = loader__member(n, "router");
    if (router) {
        if (loader__addr(ld, router, &srv->router) != 0)
            return NS_ERR_INPUT;
        loader__value_text(ld, router, v, sizeof v);
        if (!ipv4_same_subnet(srv->router, f->ip, f->prefix_len))
            return loader__fail(ld, router,
                                "%s is outside %s/%d, the subnet of the pool; expected a router "
                                "the clients can reach, inside it",
                                v, net, f->prefix_len);
        if (srv->router >= srv->pool_lo && srv->router <= srv->pool_hi)
            return loader__fail(ld, router,
                                "%s is inside the pool; expected a router address the server "
                                "never hands out",
                                v);
    } else if (d->type == DEVICE_ROUTER) {
        srv->router = f->ip; /* a router serving its LAN is that LAN's gateway */
    }
    const cJSON *dns = loader__member(n, "dns");
    if (dns && loader__dhcp_dns_list(ld, dns, srv) != 0)
        return NS_ERR_INPUT;
    return loader__claim_port(ld, dev, LOADER_PROTO_UDP, 67, n, n, "the DHCP server");
}

/* Every pool against every static address of the topology (text order). */
static int loader__check_pools(loader *ld) {
    model_topology *t = ld->t;
    for (size_t s = 0; s < t->n_devices; s++) {
        const model_dhcp_server *srv = t->devices[s].dhcp_server;
        if (!srv)
            continue;
        for (size_t d = 0; d < t->n_devices; d++)
            for (size_t i = 0; i < t->devices[d].n_ifaces; i++) {
                const model_iface *f = &t->devices[d].ifaces[i];
                if (!f->has_ip || f->ip < srv->pool_lo || f->ip > srv->pool_hi)
                    continue;
                const cJSON *pool =
                    loader__member(loader__member(ld->devs[s].node, "dhcp_server"), "pool");
                char v[96], a[IPV4_TEXT_LEN];
                loader__value_text(ld, pool, v, sizeof v);
                return loader__fail(ld, pool,
                                    "%s holds %s, the static address of %s.%s; expected a pool "
                                    "that leaves out every static address",
                                    v, ipv4_format(f->ip, a), t->devices[d].name, f->name);
            }
    }
    return 0;
}

/* "dns_server": {"records": {"www.example.com": "93.184.216.34"}, "ttl": 300}. */
static int loader__dns_server(loader *ld, size_t dev, const cJSON *obj) {
    static const char *const keys[] = {"records", "ttl"};
    model_device *d = &ld->t->devices[dev];
    const cJSON *n = loader__member(obj, "dns_server");
    char v[96];
    if (!n)
        return 0;
    if (!cJSON_IsObject(n))
        return loader__type_error(ld, n,
                                  "a DNS server such as {\"records\": {\"www.example.com\": "
                                  "\"93.184.216.34\"}}");
    if (loader__check_keys(ld, n, keys, 2, NULL) != 0)
        return NS_ERR_INPUT;
    model_dns_server *srv = calloc(1, sizeof *srv);
    if (!srv)
        return loader__nomem(ld);
    d->dns_server = srv;
    srv->ttl = 300;
    if (loader__opt_u32(ld, n, "ttl", 0, 2147483647, &srv->ttl) != 0)
        return NS_ERR_INPUT;
    if (loader__subnets(ld, dev, -1, v, sizeof v) == 0) {
        loader__value_text(ld, n, v, sizeof v);
        return loader__fail(ld, n,
                            "%s cannot serve: %s has no interface with an IP address; expected "
                            "a static \"ip\" on %s (clients must know the server's address)",
                            v, d->name, d->name);
    }
    const cJSON *records = loader__member(n, "records");
    const char *expected = "an object of names and addresses, e.g. {\"www.example.com\": "
                           "\"93.184.216.34\"}";
    if (!records)
        return loader__missing(ld, n, "records", expected);
    if (!cJSON_IsObject(records))
        return loader__type_error(ld, records, expected);
    size_t count = loader__count(records);
    if (count == 0)
        return loader__claim_port(ld, dev, LOADER_PROTO_UDP, 53, n, n, "the DNS server");
    if (!(srv->records = calloc(count, sizeof *srv->records)))
        return loader__nomem(ld);
    char **folded = calloc(count, sizeof *folded);
    strmap *seen = strmap_new();
    int rc = 0;
    if (!folded || !seen) {
        rc = loader__nomem(ld);
        goto done;
    }
    size_t k = 0;
    for (const cJSON *r = records->child; r; r = r->next, k++) {
        char q[96];
        loader__quote(r->string, q, sizeof q);
        if (!loader__host_name_ok(r->string)) {
            rc = loader__fail_key(ld, r,
                                  "%s is not a host name; expected labels of letters, digits "
                                  "and '-' separated by dots, e.g. \"www.example.com\"",
                                  q);
            goto done;
        }
        model_dns_record *rec = &srv->records[k];
        if (!(rec->name = loader__host_name_dup(r->string)) ||
            !(folded[k] = loader__strdup(rec->name))) {
            rc = loader__nomem(ld);
            goto done;
        }
        srv->n_records = k + 1;
        for (char *c = folded[k]; *c; c++)
            *c = (char)loader__fold((unsigned char)*c);
        if (!strmap_put(seen, folded[k], (int)k)) {
            const cJSON *first = records->child;
            for (int j = strmap_get(seen, folded[k]); j > 0; j--)
                first = first->next;
            char other[400];
            loader__path(ld, first, other, sizeof other);
            rc = loader__fail_key(ld, r,
                                  "%s is already a record (%s); expected each name once (DNS "
                                  "names are compared without regard to case)",
                                  q, other);
            goto done;
        }
        if (loader__addr(ld, r, &rec->addr) != 0) {
            rc = NS_ERR_INPUT;
            goto done;
        }
    }
    rc = loader__claim_port(ld, dev, LOADER_PROTO_UDP, 53, n, n, "the DNS server");
done:
    strmap_free(seen);
    for (size_t j = 0; folded && j < count; j++)
        free(folded[j]);
    free(folded);
    return rc;
}

/* The keys hosts and routers share for their services, after the stack's. */
static int loader__services(loader *ld, size_t dev, const cJSON *obj) {
    if (loader__ephemeral_ports(ld, dev, obj) != 0 || loader__dns_client(ld, dev, obj) != 0 ||
        loader__dhcp_server(ld, dev, obj) != 0 || loader__dns_server(ld, dev, obj) != 0)
        return NS_ERR_INPUT;
    return 0;
}

/* A NAT box is a router whose translation is on ("type": "nat"). */
static const char *const loader__type_names[] = {"host", "hub", "switch", "router", "nat"};
static const device_type loader__types[] = {DEVICE_HOST, DEVICE_HUB, DEVICE_SWITCH, DEVICE_ROUTER,
                                            DEVICE_ROUTER};
#define LOADER_N_TYPES 5
static const char *const loader__nat_keys[] = {
    "type",      "interfaces",  "routes",    "ttl",     "arp_timeout",
    "arp_retry", "arp_retries", "arp_queue", "arp",     "firewall",
    "inside",    "outside",     "pin",       "forward", "timeouts"};

static const char *const loader__host_keys[] = {
    "type",        "ip",        "mac",         "interfaces", "gateway",        "routes", "ttl",
    "arp_timeout", "arp_retry", "arp_retries", "arp_queue",  "forwarding",     "arp",    "firewall",
    "dhcp",        "dns",       "dhcp_server", "dns_server", "ephemeral_ports"};
static const char *const loader__router_keys[] = {
    "type",      "interfaces", "routes",   "ttl", "arp_timeout", "arp_retry",  "arp_retries",
    "arp_queue", "arp",        "firewall", "dns", "dhcp_server", "dns_server", "ephemeral_ports"};
static const char *const loader__switch_keys[] = {"type", "ports", "mac_aging"};
static const char *const loader__hub_keys[] = {"type", "ports"};

static const loader__hint loader__router_hints[] = {
    {"gateway", "(a router has no gateway); expected a default route instead: \"routes\": "
                "[{\"to\": \"0.0.0.0/0\", \"via\": \"a.b.c.d\"}]"},
    {"ip", "(a router names its interfaces); expected \"interfaces\": {\"eth0\": {\"ip\": "
           "\"10.0.0.1/24\"}, ...}"},
    {"mac", "(a router names its interfaces); expected \"interfaces\": {\"eth0\": {\"mac\": "
            "\"02:00:00:00:00:01\"}, ...}"},
    {"dhcp", "(a router has static addresses; hosts may ask DHCP); expected \"interfaces\": "
             "{\"eth0\": {\"ip\": \"10.0.0.1/24\"}, ...}"},
    {NULL, NULL}};
static const loader__hint loader__switch_hints[] = {
    {"ip", "(a switch has no IP address; hosts and routers do); expected one of \"type\", "
           "\"ports\" or \"mac_aging\""},
    {"gateway", "(a switch has no IP address; hosts and routers do); expected one of \"type\", "
                "\"ports\" or \"mac_aging\""},
    {NULL, NULL}};
static const loader__hint loader__hub_hints[] = {
    {"mac_aging", "(a hub learns no addresses, it repeats every frame); expected one of \"type\" "
                  "or \"ports\""},
    {"ip", "(a hub has no IP address; hosts and routers do); expected one of \"type\" or "
           "\"ports\""},
    {NULL, NULL}};

/* "ip:port" (a NAT pin's inside endpoint, a port forward's target). */
static int loader__endpoint_addr(loader *ld, const cJSON *node, ipv4_addr *ip, uint16_t *port) {
    const char *expected = "an address and port such as \"192.168.1.2:6789\"";
    char v[96], text[64];
    if (!cJSON_IsString(node))
        return loader__type_error(ld, node, expected);
    const char *colon = strrchr(node->valuestring, ':');
    unsigned long p = 0;
    char *end = NULL;
    if (colon && (size_t)(colon - node->valuestring) < sizeof text) {
        snprintf(text, sizeof text, "%.*s", (int)(colon - node->valuestring), node->valuestring);
        p = strtoul(colon + 1, &end, 10);
    }
    if (!colon || !end || *end || end == colon + 1 || p == 0 || p > 65535 ||
        ipv4_parse(text, ip) != 0) {
        loader__value_text(ld, node, v, sizeof v);
        return loader__fail(ld, node, "%s is not an address and port; expected %s", v, expected);
    }
    *port = (uint16_t)p;
    return 0;
}

static int loader__nat_protocol(loader *ld, const cJSON *obj, uint8_t *out) {
    const cJSON *n = loader__member(obj, "protocol");
    const char *s = NULL;
    char v[96];
    if (!n)
        return loader__missing(ld, obj, "protocol", "\"protocol\": \"tcp\" or \"udp\"");
    if (loader__string(ld, n, "\"tcp\" or \"udp\"", &s) != 0)
        return NS_ERR_INPUT;
    if (strcmp(s, "tcp") == 0)
        *out = 6;
    else if (strcmp(s, "udp") == 0)
        *out = 17;
    else {
        loader__value_text(ld, n, v, sizeof v);
        return loader__fail(ld, n,
                            "%s is not a protocol NAT maps by port; expected \"tcp\" or "
                            "\"udp\"",
                            v);
    }
    return 0;
}

/* "inside", "outside", "pin", "forward", "timeouts" of a NAT box. */
static int loader__nat(loader *ld, size_t dev, const cJSON *obj) {
    model_device *d = &ld->t->devices[dev];
    model_nat *nat = &d->nat;
    nat->enabled = true;
    nat->udp_timeout_ns = 300000000000ull;
    nat->tcp_established_ns = 7440000000000ull;
    nat->tcp_transitory_ns = 240000000000ull;
    nat->icmp_timeout_ns = 60000000000ull;
    const char *sides[] = {"inside", "outside"};
    long ifc[2] = {-1, -1};
    for (int i = 0; i < 2; i++) {
        const cJSON *n = loader__member(obj, sides[i]);
        if (!n)
            return loader__missing(ld, obj, sides[i],
                                   i == 0 ? "\"inside\": the interface toward the private network"
                                          : "\"outside\": the interface toward the Internet");
        if (loader__route_iface(ld, dev, n, &ifc[i]) != 0)
            return NS_ERR_INPUT;
        if (!d->ifaces[ifc[i]].has_ip) {
            char v[96];
            loader__value_text(ld, n, v, sizeof v);
            return loader__fail(ld, n, "%s has no IP address; expected an interface with one", v);
        }
    }
    if (ifc[0] == ifc[1]) {
        char v[96];
        const cJSON *n = loader__member(obj, "outside");
        loader__value_text(ld, n, v, sizeof v);
        return loader__fail(ld, n, "%s is also the inside interface; expected another interface",
                            v);
    }
    nat->inside_iface = (uint32_t)ifc[0];
    nat->outside_iface = (uint32_t)ifc[1];
    const cJSON *timeouts = loader__member(obj, "timeouts");
    if (timeouts) {
        static const char *const keys[] = {"udp", "tcp_established", "tcp_transitory", "icmp"};
        if (!cJSON_IsObject(timeouts))
            return loader__type_error(ld, timeouts, "an object such as {\"udp\": \"300s\"}");
        if (loader__check_keys(ld, timeouts, keys, 4, NULL) != 0 ||
            loader__opt_duration(ld, timeouts, "udp", true, &nat->udp_timeout_ns) != 0 ||
            loader__opt_duration(ld, timeouts, "tcp_established", true, &nat->tcp_established_ns) !=
                0 ||
            loader__opt_duration(ld, timeouts, "tcp_transitory", true, &nat->tcp_transitory_ns) !=
                0 ||
            loader__opt_duration(ld, timeouts, "icmp", true, &nat->icmp_timeout_ns) != 0)
            return NS_ERR_INPUT;
    }
    const cJSON *pins = loader__member(obj, "pin");
    if (pins) {
        static const char *const keys[] = {"protocol", "inside", "outside_port"};
        if (!cJSON_IsArray(pins))
            return loader__type_error(ld, pins,
                                      "an array such as [{\"protocol\": \"tcp\", \"inside\": "
                                      "\"192.168.1.2:6789\", \"outside_port\": 6539}]");
        size_t n = loader__count(pins);
        if (n && !(nat->pins = calloc(n, sizeof *nat->pins)))
            return loader__nomem(ld);
        for (const cJSON *e = pins->child; e; e = e->next) {
            model_nat_pin *pin = &nat->pins[nat->n_pins];
            uint32_t outside = 0;
            if (!cJSON_IsObject(e))
                return loader__type_error(ld, e, "a pinned mapping object");
            const cJSON *in = loader__member(e, "inside");
            if (loader__check_keys(ld, e, keys, 3, NULL) != 0 ||
                loader__nat_protocol(ld, e, &pin->protocol) != 0)
                return NS_ERR_INPUT;
            if (!in)
                return loader__missing(ld, e, "inside", "\"inside\": \"192.168.1.2:6789\"");
            if (!loader__member(e, "outside_port"))
                return loader__missing(ld, e, "outside_port", "\"outside_port\": 6539");
            if (loader__endpoint_addr(ld, in, &pin->inside_ip, &pin->inside_port) != 0 ||
                loader__opt_u32(ld, e, "outside_port", 1, 65535, &outside) != 0)
                return NS_ERR_INPUT;
            pin->outside_port = (uint16_t)outside;
            nat->n_pins++;
        }
    }
    const cJSON *forwards = loader__member(obj, "forward");
    if (forwards) {
        static const char *const keys[] = {"protocol", "port", "to"};
        if (!cJSON_IsArray(forwards))
            return loader__type_error(ld, forwards,
                                      "an array such as [{\"protocol\": \"tcp\", \"port\": "
                                      "8080, \"to\": \"192.168.1.10:80\"}]");
        size_t n = loader__count(forwards);
        if (n && !(nat->forwards = calloc(n, sizeof *nat->forwards)))
            return loader__nomem(ld);
        for (const cJSON *e = forwards->child; e; e = e->next) {
            model_nat_forward *fw = &nat->forwards[nat->n_forwards];
            uint32_t port = 0;
            if (!cJSON_IsObject(e))
                return loader__type_error(ld, e, "a port forward object");
            const cJSON *to = loader__member(e, "to");
            if (loader__check_keys(ld, e, keys, 3, NULL) != 0 ||
                loader__nat_protocol(ld, e, &fw->protocol) != 0)
                return NS_ERR_INPUT;
            if (!loader__member(e, "port"))
                return loader__missing(ld, e, "port", "\"port\": the outside port, e.g. 8080");
            if (!to)
                return loader__missing(ld, e, "to", "\"to\": \"192.168.1.10:80\"");
            if (loader__opt_u32(ld, e, "port", 1, 65535, &port) != 0 ||
                loader__endpoint_addr(ld, to, &fw->inside_ip, &fw->inside_port) != 0)
                return NS_ERR_INPUT;
            fw->outside_port = (uint16_t)port;
            nat->n_forwards++;
        }
    }
    return 0;
}

static int loader__device(loader *ld, size_t dev, const cJSON *obj) {
    model_device *d = &ld->t->devices[dev];
    if (!cJSON_IsObject(obj))
        return loader__type_error(ld, obj, "a device object such as {\"type\": \"host\"}");
    const cJSON *type = loader__member(obj, "type");
    char list[256], v[96];
    loader__list(loader__type_names, LOADER_N_TYPES, "", " or ", list, sizeof list);
    if (!type) {
        char expected[300];
        snprintf(expected, sizeof expected, "\"type\": %s", list);
        return loader__missing(ld, obj, "type", expected);
    }
    const char *s = NULL;
    char expected[300];
    snprintf(expected, sizeof expected, "a device type: %s", list);
    if (loader__string(ld, type, expected, &s) != 0)
        return NS_ERR_INPUT;
    size_t k = 0;
    while (k < LOADER_N_TYPES && strcmp(s, loader__type_names[k]) != 0)
        k++;
    if (k == LOADER_N_TYPES) {
        loader__value_text(ld, type, v, sizeof v);
        const char *sug = loader__suggest(s, loader__type_names, LOADER_N_TYPES);
        if (sug)
            return loader__fail(ld, type, "%s is not a device type; did you mean \"%s\"?", v, sug);
        return loader__fail(ld, type, "%s is not a device type; expected %s", v, list);
    }
    d->type = loader__types[k];
    switch (d->type) {
    case DEVICE_HOST:
        if (loader__check_keys(ld, obj, loader__host_keys, 19, NULL) != 0 ||
            loader__ifaces(ld, dev, obj) != 0 || loader__dhcp_client(ld, dev, obj) != 0 ||
            loader__gateway(ld, dev, obj) != 0 || loader__routes(ld, dev, obj) != 0 ||
            loader__stack_options(ld, dev, obj) != 0 ||
            loader__opt_bool(ld, obj, "forwarding", &d->forwarding) != 0 ||
            loader__static_arp(ld, dev, obj) != 0 || loader__firewall(ld, dev, obj) != 0 ||
            loader__services(ld, dev, obj) != 0)
            return NS_ERR_INPUT;
        return 0;
    case DEVICE_ROUTER:
        d->forwarding = true;
        if (strcmp(s, "nat") == 0) {
            if (loader__check_keys(ld, obj, loader__nat_keys, 15, loader__router_hints) != 0 ||
                loader__ifaces(ld, dev, obj) != 0 || loader__routes(ld, dev, obj) != 0 ||
                loader__stack_options(ld, dev, obj) != 0 || loader__static_arp(ld, dev, obj) != 0 ||
                loader__firewall(ld, dev, obj) != 0 || loader__nat(ld, dev, obj) != 0)
                return NS_ERR_INPUT;
            return 0;
        }
        if (loader__check_keys(ld, obj, loader__router_keys, 14, loader__router_hints) != 0 ||
            loader__ifaces(ld, dev, obj) != 0 || loader__routes(ld, dev, obj) != 0 ||
            loader__stack_options(ld, dev, obj) != 0 || loader__static_arp(ld, dev, obj) != 0 ||
            loader__firewall(ld, dev, obj) != 0 || loader__services(ld, dev, obj) != 0)
            return NS_ERR_INPUT;
        return 0;
    case DEVICE_SWITCH:
    case DEVICE_HUB: {
        bool sw = d->type == DEVICE_SWITCH;
        if (loader__check_keys(ld, obj, sw ? loader__switch_keys : loader__hub_keys, sw ? 3 : 2,
                               sw ? loader__switch_hints : loader__hub_hints) != 0)
            return NS_ERR_INPUT;
        if (sw) {
            d->mac_aging_ns = 300000000000ull;
            if (loader__opt_duration(ld, obj, "mac_aging", false, &d->mac_aging_ns) != 0)
                return NS_ERR_INPUT;
        }
        const cJSON *ports = loader__member(obj, "ports");
        if (!ports)
            return 0; /* one port per link end naming it, made after pass A */
        long long n = 0;
        if (loader__int(ld, ports, 1, LOADER_MAX_IFACES, &n) != 0)
            return NS_ERR_INPUT;
        ld->devs[dev].ports_given = true;
        return loader__make_ports(ld, dev, (size_t)n);
    }
    }
    return 0;
}

/* Device names become parts of file names: a link's capture is
 * pcap/<device>.<interface>--<device>.<interface>.pcap, and two names of 64
 * bytes with interfaces of 32 (their limit) stay well within the 255 bytes
 * of a file name (NAME_MAX). */
#define LOADER_MAX_DEVICE_NAME 64

/* Device names are printed in traces and used in endpoints; any UTF-8 is
 * fine except control characters. */
static bool loader__device_name_ok(const char *s) {
    if (!*s)
        return false;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return false;
    return true;
}

/* One number ("ports": 65535) makes many ports: all switches' and hubs' ports
 * together are bounded before any is made. Values that are not whole numbers
 * in range are left to each device's own check. */
static int loader__port_budget(loader *ld, const cJSON *devices) {
    size_t total = 0;
    for (const cJSON *c = devices->child; c; c = c->next) {
        const cJSON *ports = cJSON_IsObject(c) ? loader__member(c, "ports") : NULL;
        if (!ports || !cJSON_IsNumber(ports) || ports->valuedouble < 1 ||
            ports->valuedouble > LOADER_MAX_IFACES)
            continue;
        total += (size_t)ports->valuedouble;
        if (total > LOADER_MAX_PORTS)
            return loader__fail(ld, ports,
                                "%d ports bring the topology's switch and hub ports to %zu; "
                                "expected at most %u in all (each port costs memory)",
                                (int)ports->valuedouble, total, LOADER_MAX_PORTS);
    }
    return 0;
}

static int loader__devices(loader *ld, const cJSON *root) {
    const cJSON *devices = loader__member(root, "devices");
    const char *example = "an object of devices, e.g. {\"A\": {\"type\": \"host\", \"ip\": "
                          "\"10.0.0.1/24\"}}";
    if (!devices)
        return loader__missing(ld, root, "devices", example);
    if (!cJSON_IsObject(devices))
        return loader__type_error(ld, devices, example);
    size_t n = loader__count(devices);
    if (n == 0)
        return loader__fail(ld, devices, "{} has no devices; expected %s", example);
    if (n > LOADER_MAX_DEVICES)
        return loader__fail(ld, devices, "{...} has %zu devices; expected at most %u", n,
                            LOADER_MAX_DEVICES);
    if (loader__port_budget(ld, devices) != 0)
        return NS_ERR_INPUT;
    model_topology *t = ld->t;
    t->devices = calloc(n, sizeof *t->devices);
    ld->devs = calloc(n, sizeof *ld->devs);
    if (!t->devices || !ld->devs)
        return loader__nomem(ld);
    t->n_devices = n;
    size_t dev = 0;
    for (const cJSON *c = devices->child; c; c = c->next, dev++) {
        if (!loader__device_name_ok(c->string)) {
            char q[96];
            loader__quote(c->string, q, sizeof q);
            return loader__fail_key(ld, c,
                                    "%s is not a device name; expected a non-empty name without "
                                    "control characters, e.g. \"A\"",
                                    q);
        }
        size_t name_len = strlen(c->string);
        if (name_len > LOADER_MAX_DEVICE_NAME) {
            char q[96];
            loader__quote(c->string, q, sizeof q);
            return loader__fail_key(ld, c,
                                    "%s is a device name of %zu bytes; expected at most %d bytes "
                                    "(link names such as \"A.eth0--sw1.p1\" become capture file "
                                    "names)",
                                    q, name_len, LOADER_MAX_DEVICE_NAME);
        }
        if (!(t->devices[dev].name = loader__strdup(c->string)))
            return loader__nomem(ld);
        strmap_put(ld->names, t->devices[dev].name, (int)dev); /* keys are unique (step 2) */
        ld->devs[dev].node = c;
        if (loader__device(ld, dev, c) != 0)
            return NS_ERR_INPUT;
    }
    return loader__check_pools(ld);
}

/* ---- links -------------------------------------------------------------- */

/* The device named by the first n bytes of s, or -1. */
static int loader__lookup_prefix(loader *ld, const char *s, size_t n) {
    char small[128];
    char *buf = n < sizeof small ? small : malloc(n + 1);
    if (!buf)
        return -2;
    memcpy(buf, s, n);
    buf[n] = '\0';
    int d = strmap_get(ld->names, buf);
    if (buf != small)
        free(buf);
    return d;
}

/* Reports an endpoint (or "on") that names no device, with a suggestion
 * from all device names, matching the whole text or the part before the
 * last '.' (then suggesting "device.interface"). */
static int loader__unknown_device(loader *ld, const cJSON *node, const char *s, bool dotted_ok,
                                  const char *expected_fallback) {
    const model_topology *t = ld->t;
    const char *dot = dotted_ok ? strrchr(s, '.') : NULL;
    char *prefix = NULL;
    if (dot && dot != s && dot[1]) {
        prefix = malloc((size_t)(dot - s) + 1);
        if (!prefix)
            return loader__nomem(ld);
        memcpy(prefix, s, (size_t)(dot - s));
        prefix[dot - s] = '\0';
    }
    const char *best = NULL;
    bool best_dotted = false;
    size_t best_d = SIZE_MAX, dist;
    for (size_t i = 0; i < t->n_devices; i++) {
        const char *name = t->devices[i].name;
        if (loader__close(s, name, &dist) && dist < best_d) {
            best = name;
            best_d = dist;
            best_dotted = false;
        }
        if (prefix && loader__close(prefix, name, &dist) && dist < best_d) {
            best = name;
            best_d = dist;
            best_dotted = true;
        }
    }
    free(prefix);
    char v[96], sug[300];
    loader__value_text(ld, node, v, sizeof v);
    if (best) {
        char text[300];
        snprintf(text, sizeof text, "%s%s%s", best, best_dotted ? "." : "",
                 best_dotted ? dot + 1 : "");
        loader__quote(text, sug, sizeof sug);
        return loader__fail(ld, node, "%s names no device; did you mean %s?", v, sug);
    }
    if (t->n_devices <= LOADER_LIST_MAX) {
        const char *names[LOADER_LIST_MAX];
        for (size_t i = 0; i < t->n_devices; i++)
            names[i] = t->devices[i].name;
        char list[512];
        loader__list(names, t->n_devices, "", " or ", list, sizeof list);
        return loader__fail(ld, node, "%s names no device; expected %s%s", v,
                            t->n_devices > 1 ? "one of " : "", list);
    }
    return loader__fail(ld, node, "%s names no device; expected %s", v, expected_fallback);
}

/* Pass A for one endpoint string: which device, and which interface name. */
static int loader__endpoint(loader *ld, const cJSON *node, loader__end *e) {
    const char *s = NULL;
    if (loader__string(ld, node, LOADER_EXPECT_ENDPOINT, &s) != 0)
        return NS_ERR_INPUT;
    e->node = node;
    e->ifname = NULL;
    int d = strmap_get(ld->names, s);
    if (d < 0) {
        const char *dot = strrchr(s, '.');
        if (dot && dot != s && dot[1]) {
            d = loader__lookup_prefix(ld, s, (size_t)(dot - s));
            if (d == -2)
                return loader__nomem(ld);
            e->ifname = dot + 1;
        }
    }
    if (d < 0)
        return loader__unknown_device(ld, node, s, true, LOADER_EXPECT_ENDPOINT);
    e->dev = (size_t)d;
    ld->devs[d].mentions++;
    return 0;
}

static int loader__link_entry(loader *ld, const cJSON *entry, size_t k) {
    static const char *const keys[] = {"ends", "delay", "bandwidth", "queue", "loss"};
    model_link *l = &ld->t->links[k];
    const cJSON *ends = entry;
    l->delay_ns = 1000;
    l->bandwidth_bps = 100000000;
    l->queue_frames = 100;
    if (cJSON_IsObject(entry)) {
        if (loader__check_keys(ld, entry, keys, 5, NULL) != 0)
            return NS_ERR_INPUT;
        ends = loader__member(entry, "ends");
        if (!ends)
            return loader__missing(ld, entry, "ends",
                                   "\"ends\": two endpoints, e.g. [\"A\", \"sw1\"]");
        if (!cJSON_IsArray(ends))
            return loader__type_error(ld, ends, "two endpoints, e.g. [\"A\", \"sw1\"]");
        const cJSON *delay = loader__member(entry, "delay");
        const cJSON *bw = loader__member(entry, "bandwidth");
        if ((delay && loader__duration(ld, delay, false, &l->delay_ns) != 0) ||
            (bw && loader__bitrate(ld, bw, &l->bandwidth_bps) != 0) ||
            loader__opt_u32(ld, entry, "queue", 1, 1000000, &l->queue_frames) != 0 ||
            loader__opt_probability(ld, entry, "loss", &l->loss) != 0)
            return NS_ERR_INPUT;
    } else if (!cJSON_IsArray(entry)) {
        return loader__type_error(ld, entry,
                                  "a link: two endpoints such as [\"A\", \"sw1\"], or an object "
                                  "such as {\"ends\": [\"A\", \"sw1\"], \"delay\": \"5us\"}");
    }
    size_t n = loader__count(ends);
    if (n != 2) {
        char v[16];
        loader__value_text(ld, ends, v, sizeof v);
        return loader__fail(ld, ends,
                            "%s has %zu endpoint%s; expected exactly two, e.g. [\"A\", \"sw1\"]", v,
                            n, n == 1 ? "" : "s");
    }
    loader__link *lk = &ld->links[k];
    if (loader__endpoint(ld, ends->child, &lk->end[0]) != 0 ||
        loader__endpoint(ld, ends->child->next, &lk->end[1]) != 0)
        return NS_ERR_INPUT;
    if (lk->end[0].dev == lk->end[1].dev) {
        char v[96], other[400];
        loader__value_text(ld, lk->end[1].node, v, sizeof v);
        loader__path(ld, lk->end[0].node, other, sizeof other);
        return loader__fail(ld, lk->end[1].node,
                            "%s is on %s, like %s; expected a link between two different devices",
                            v, ld->t->devices[lk->end[0].dev].name, other);
    }
    return 0;
}

/* Takes interface `iface` of the end's device for end `e`, or reports which
 * link end took it first. */
static int loader__claim(loader *ld, loader__end *e, size_t iface) {
    loader__dev *x = &ld->devs[e->dev];
    const model_device *d = &ld->t->devices[e->dev];
    if (x->claimed[iface]) {
        char v[96], other[400], extra[300] = "";
        loader__value_text(ld, e->node, v, sizeof v);
        loader__path(ld, x->claimed[iface], other, sizeof other);
        if (!e->ifname)
            snprintf(extra, sizeof extra, " (%s.%s)", d->name, d->ifaces[iface].name);
        bool port = d->type == DEVICE_SWITCH || d->type == DEVICE_HUB;
        return loader__fail(ld, e->node,
                            "%s%s is already connected by %s; expected each %s in one link only", v,
                            extra, other, port ? "port" : "interface");
    }
    x->claimed[iface] = e->node;
    e->iface = iface;
    return 0;
}

/* Parses "pN" (no leading zeros) into N, or returns 0. */
static size_t loader__port_number(const char *s) {
    if (s[0] != 'p' || s[1] < '1' || s[1] > '9')
        return 0;
    size_t n = 0;
    for (const char *p = s + 1; *p; p++) {
        if (*p < '0' || *p > '9' || n > LOADER_MAX_IFACES)
            return 0;
        n = n * 10 + (size_t)(*p - '0');
    }
    return n;
}

/* Pass C for one end: a named interface or port, or a host/router's only
 * interface. Bare switch/hub names wait for pass D. */
static int loader__resolve_named(loader *ld, loader__end *e) {
    const model_device *d = &ld->t->devices[e->dev];
    bool port = d->type == DEVICE_SWITCH || d->type == DEVICE_HUB;
    char v[96];
    if (!e->ifname) {
        if (port)
            return 0;
        if (d->n_ifaces == 1)
            return loader__claim(ld, e, 0);
        const char **names = malloc(d->n_ifaces * sizeof *names);
        if (!names)
            return loader__nomem(ld);
        for (size_t i = 0; i < d->n_ifaces; i++)
            names[i] = d->ifaces[i].name;
        char list[600], prefix[300];
        snprintf(prefix, sizeof prefix, "%s.", d->name);
        loader__list(names, d->n_ifaces, prefix, " or ", list, sizeof list);
        free(names);
        loader__value_text(ld, e->node, v, sizeof v);
        return loader__fail(ld, e->node,
                            "%s is ambiguous: %s has %zu interfaces; expected one of %s", v,
                            d->name, d->n_ifaces, list);
    }
    loader__value_text(ld, e->node, v, sizeof v);
    if (port) {
        size_t n = loader__port_number(e->ifname);
        if (n >= 1 && n <= d->n_ifaces)
            return loader__claim(ld, e, n - 1);
        char range[400];
        if (d->n_ifaces == 1)
            snprintf(range, sizeof range, "\"%s.p1\"", d->name);
        else
            snprintf(range, sizeof range, "\"%s.p1\" to \"%s.p%zu\"", d->name, d->name,
                     d->n_ifaces);
        return loader__fail(ld, e->node, "%s names no port of %s; expected %s%s", v, d->name, range,
                            ld->devs[e->dev].ports_given
                                ? ""
                                : " (without \"ports\" it has one port per link end naming it)");
    }
    long i = loader__iface_index(ld, e->dev, e->ifname);
    if (i == -2)
        return loader__nomem(ld);
    if (i >= 0)
        return loader__claim(ld, e, (size_t)i);
    const char **names = malloc(d->n_ifaces * sizeof *names);
    if (!names)
        return loader__nomem(ld);
    for (size_t k = 0; k < d->n_ifaces; k++)
        names[k] = d->ifaces[k].name;
    char list[600], prefix[300], sug[300];
    snprintf(prefix, sizeof prefix, "%s.", d->name);
    const char *best = loader__suggest(e->ifname, names, d->n_ifaces);
    loader__list(names, d->n_ifaces, prefix, " or ", list, sizeof list);
    free(names);
    if (best) {
        char text[400];
        snprintf(text, sizeof text, "%s.%s", d->name, best);
        loader__quote(text, sug, sizeof sug);
        return loader__fail(ld, e->node, "%s names no interface of %s; did you mean %s?", v,
                            d->name, sug);
    }
    return loader__fail(ld, e->node, "%s names no interface of %s; expected %s%s", v, d->name,
                        d->n_ifaces > 1 ? "one of " : "", list);
}

/* Pass D for one bare switch/hub end: its lowest free port. */
static int loader__resolve_bare(loader *ld, loader__end *e) {
    loader__dev *x = &ld->devs[e->dev];
    const model_device *d = &ld->t->devices[e->dev];
    while (x->next_free < d->n_ifaces && x->claimed[x->next_free])
        x->next_free++;
    if (x->next_free < d->n_ifaces)
        return loader__claim(ld, e, x->next_free);
    char v[96];
    loader__value_text(ld, e->node, v, sizeof v);
    return loader__fail(ld, e->node,
                        "%s has no free port: all %zu ports of %s are connected; expected at most "
                        "%zu links to it, or \"ports\": %zu",
                        v, d->n_ifaces, d->name, d->n_ifaces, x->mentions);
}

static int loader__links(loader *ld, const cJSON *root) {
    const cJSON *links = loader__member(root, "links");
    model_topology *t = ld->t;
    size_t n = 0;
    if (links) {
        if (!cJSON_IsArray(links))
            return loader__type_error(
                ld, links, "an array of links, e.g. [[\"A\", \"sw1\"], [\"B\", \"sw1\"]]");
        n = loader__count(links);
    }
    if (n) {
        t->links = calloc(n, sizeof *t->links);
        ld->links = calloc(n, sizeof *ld->links);
        if (!t->links || !ld->links)
            return loader__nomem(ld);
        t->n_links = n;
    }
    size_t k = 0;
    for (const cJSON *e = links ? links->child : NULL; e; e = e->next, k++) /* pass A */
        if (loader__link_entry(ld, e, k) != 0)
            return NS_ERR_INPUT;
    for (size_t d = 0; d < t->n_devices; d++) { /* pass B */
        model_device *dev = &t->devices[d];
        loader__dev *x = &ld->devs[d];
        if ((dev->type == DEVICE_SWITCH || dev->type == DEVICE_HUB) && !x->ports_given) {
            if (x->mentions > LOADER_MAX_IFACES)
                return loader__fail(ld, x->node,
                                    "{...} is named by %zu link ends; expected at most %d (a "
                                    "device has at most %d ports)",
                                    x->mentions, LOADER_MAX_IFACES, LOADER_MAX_IFACES);
            if (loader__make_ports(ld, d, x->mentions) != 0)
                return NS_ERR_INPUT;
        }
        if (dev->n_ifaces && !(x->claimed = calloc(dev->n_ifaces, sizeof *x->claimed)))
            return loader__nomem(ld);
    }
    for (k = 0; k < n; k++) /* pass C */
        for (int j = 0; j < 2; j++)
            if (loader__resolve_named(ld, &ld->links[k].end[j]) != 0)
                return NS_ERR_INPUT;
    for (k = 0; k < n; k++) /* pass D */
        for (int j = 0; j < 2; j++) {
            loader__end *e = &ld->links[k].end[j];
            const model_device *dev = &t->devices[e->dev];
            if (!e->ifname && (dev->type == DEVICE_SWITCH || dev->type == DEVICE_HUB) &&
                loader__resolve_bare(ld, e) != 0)
                return NS_ERR_INPUT;
        }
    for (k = 0; k < n; k++) {
        t->links[k].a = (model_endpoint){ld->links[k].end[0].dev, ld->links[k].end[0].iface};
        t->links[k].b = (model_endpoint){ld->links[k].end[1].dev, ld->links[k].end[1].iface};
    }
    return 0;
}

/* ---- script ------------------------------------------------------------- */

static const char *const loader__actions[] = {
    "ping",       "traceroute",  "arp_spoof",     "udp_server",  "udp_send", "tcp_server",
    "tcp_client", "file_server", "file_download", "http_server", "http_get"};
static const char *const loader__ping_keys[] = {"at",       "on",      "do",   "to", "count",
                                                "interval", "timeout", "size", "ttl"};
static const char *const loader__traceroute_keys[] = {"at",       "on",     "do",   "to",
                                                      "max_hops", "probes", "wait", "port"};
static const char *const loader__arp_spoof_keys[] = {"at",    "on",    "do",       "victim",
                                                     "claim", "count", "interval", "gratuitous"};
static const char *const loader__udp_server_keys[] = {"at", "on", "do", "port", "reply", "count"};
static const char *const loader__udp_send_keys[] = {"at",   "on",   "do",      "to",
                                                    "port", "data", "timeout", "local_port"};
static const char *const loader__tcp_server_keys[] = {"at", "on", "do", "port", "reply", "count"};
static const char *const loader__tcp_client_keys[] = {"at",   "on",   "do",        "to",
                                                      "port", "send", "local_port"};
static const char *const loader__file_server_keys[] = {"at", "on", "do", "port", "files"};
static const char *const loader__file_download_keys[] = {"at", "on", "do", "to", "port", "file"};
static const char *const loader__http_server_keys[] = {"at", "on", "do", "port", "pages"};
static const char *const loader__http_get_keys[] = {"at", "on", "do", "url"};

typedef struct loader__action_spec {
    action_kind kind;
    const char *const *keys;
    size_t n_keys;
    const char *can; /* "(they can ...)" when "on" is a switch or hub */
} loader__action_spec;

#define LOADER_KEYS(k) k, sizeof k / sizeof k[0]

/* In the order of loader__actions. */
static const loader__action_spec loader__action_specs[] = {
    {ACTION_PING, LOADER_KEYS(loader__ping_keys), "ping"},
    {ACTION_TRACEROUTE, LOADER_KEYS(loader__traceroute_keys), "run traceroute"},
    {ACTION_ARP_SPOOF, LOADER_KEYS(loader__arp_spoof_keys), "send ARP packets"},
    {ACTION_UDP_SERVER, LOADER_KEYS(loader__udp_server_keys), "run a UDP server"},
    {ACTION_UDP_SEND, LOADER_KEYS(loader__udp_send_keys), "send UDP datagrams"},
    {ACTION_TCP_SERVER, LOADER_KEYS(loader__tcp_server_keys), "run a TCP server"},
    {ACTION_TCP_CLIENT, LOADER_KEYS(loader__tcp_client_keys), "open TCP connections"},
    {ACTION_FILE_SERVER, LOADER_KEYS(loader__file_server_keys), "run a file server"},
    {ACTION_FILE_DOWNLOAD, LOADER_KEYS(loader__file_download_keys), "download files"},
    {ACTION_HTTP_SERVER, LOADER_KEYS(loader__http_server_keys), "run a web server"},
    {ACTION_HTTP_GET, LOADER_KEYS(loader__http_get_keys), "fetch web pages"},
};

/* A copy of the string value `node` into *out (and its length into *len
 * when non-NULL), at most `max` bytes. */
static int loader__text(loader *ld, const cJSON *node, const char *expected, size_t max, char **out,
                        size_t *len) {
    const char *s = NULL;
    if (loader__string(ld, node, expected, &s) != 0)
        return NS_ERR_INPUT;
    size_t n = strlen(s);
    if (n > max) {
        char v[96];
        loader__value_text(ld, node, v, sizeof v);
        return loader__fail(ld, node, "%s is %zu bytes long; expected at most %zu bytes (%s)", v, n,
                            max, expected);
    }
    if (!(*out = loader__strdup(s)))
        return loader__nomem(ld);
    if (len)
        *len = n;
    return 0;
}

/* A port number 1-65535 under `key`; `example` completes the missing-key
 * message when the key is required (NULL: optional, *out left alone). */
static int loader__port(loader *ld, const cJSON *obj, const char *key, const char *example,
                        uint16_t *out, const cJSON **node) {
    const cJSON *n = loader__member(obj, key);
    long long x = 0;
    *node = n;
    if (!n) {
        if (!example)
            return 0;
        char expected[160];
        snprintf(expected, sizeof expected, "\"%s\": %s", key, example);
        return loader__missing(ld, obj, key, expected);
    }
    if (loader__int(ld, n, 1, 65535, &x) != 0)
        return NS_ERR_INPUT;
    *out = (uint16_t)x;
    return 0;
}

static int loader__ping(loader *ld, const cJSON *obj, size_t dev, model_ping *p) {
    const cJSON *to = loader__member(obj, "to");
    uint32_t ttl = ld->t->devices[dev].ttl;
    p->count = 1;
    p->interval_ns = 1000000000ull;
    p->size = 56;
    p->timeout_ns = 10000000000ull;
    if (!to)
        return loader__missing(ld, obj, "to", "\"to\": the address to ping, e.g. \"10.0.0.2\"");
    if (loader__target(ld, to, dev, &p->to, &p->to_name) != 0 ||
        loader__opt_u32(ld, obj, "count", 1, 1000000, &p->count) != 0 ||
        loader__opt_duration(ld, obj, "interval", true, &p->interval_ns) != 0 ||
        /* 1472 = MTU 1500 - 20 (IPv4) - 8 (ICMP): netsim does not fragment. */
        loader__opt_u32(ld, obj, "size", 0, 1472, &p->size) != 0 ||
        loader__opt_duration(ld, obj, "timeout", false, &p->timeout_ns) != 0 ||
        loader__opt_u32(ld, obj, "ttl", 1, 255, &ttl) != 0)
        return NS_ERR_INPUT;
    p->ttl = (uint8_t)ttl;
    return 0;
}

static int loader__arp_spoof(loader *ld, const cJSON *obj, model_arp_spoof *a) {
    const cJSON *victim = loader__member(obj, "victim"), *claim = loader__member(obj, "claim");
    a->count = 5;
    a->interval_ns = 1000000000ull;
    if (loader__opt_bool(ld, obj, "gratuitous", &a->gratuitous) != 0)
        return NS_ERR_INPUT;
    if (!claim)
        return loader__missing(ld, obj, "claim",
                               "\"claim\": the address to impersonate, e.g. the gateway "
                               "\"10.0.0.1\"");
    if (!victim && !a->gratuitous)
        return loader__missing(ld, obj, "victim",
                               "\"victim\": the address whose ARP cache to poison (or "
                               "\"gratuitous\": true to tell everyone)");
    if ((victim && loader__addr(ld, victim, &a->victim) != 0) ||
        loader__addr(ld, claim, &a->impersonate) != 0 ||
        loader__opt_u32(ld, obj, "count", 1, 1000000, &a->count) != 0 ||
        loader__opt_duration(ld, obj, "interval", true, &a->interval_ns) != 0)
        return NS_ERR_INPUT;
    return 0;
}

static int loader__traceroute(loader *ld, const cJSON *obj, size_t dev, model_traceroute *t) {
    const cJSON *to = loader__member(obj, "to");
    t->max_hops = 30;
    t->probes = 3;
    t->wait_ns = 5000000000ull;
    t->port = 33434;
    if (!to)
        return loader__missing(ld, obj, "to",
                               "\"to\": the address to trace the route to, e.g. \"10.0.3.30\"");
    if (loader__target(ld, to, dev, &t->to, &t->to_name) != 0 ||
        loader__opt_u32(ld, obj, "max_hops", 1, 255, &t->max_hops) != 0 ||
        loader__opt_u32(ld, obj, "probes", 1, 10, &t->probes) != 0 ||
        loader__opt_duration(ld, obj, "wait", true, &t->wait_ns) != 0 ||
        loader__opt_u32(ld, obj, "port", 1, 65535, &t->port) != 0)
        return NS_ERR_INPUT;
    return 0;
}

/* "to" (required) of the client programs. */
static int loader__client_target(loader *ld, const cJSON *obj, size_t dev, model_target *t) {
    const cJSON *to = loader__member(obj, "to");
    if (!to)
        return loader__missing(ld, obj, "to",
                               "\"to\": the server's address or name, e.g. \"10.0.0.2\"");
    return loader__target(ld, to, dev, &t->addr, &t->name);
}

static int loader__udp_server(loader *ld, const cJSON *obj, size_t dev, model_udp_server *u) {
    const cJSON *port_node = NULL, *reply = loader__member(obj, "reply");
    if (loader__port(ld, obj, "port", "the UDP port to bind, e.g. 8080", &u->port, &port_node) !=
            0 ||
        (reply && loader__text(ld, reply, "the text to answer each datagram with",
                               LOADER_MAX_DATAGRAM, &u->reply, &u->reply_len) != 0) ||
        loader__opt_u32(ld, obj, "count", 1, 1000000, &u->count) != 0)
        return NS_ERR_INPUT;
    return loader__claim_port(ld, dev, LOADER_PROTO_UDP, u->port, port_node, obj, "udp_server");
}

static int loader__udp_send(loader *ld, const cJSON *obj, size_t dev, model_udp_send *u) {
    const cJSON *port_node = NULL, *local = NULL, *data = loader__member(obj, "data");
    u->timeout_ns = 5000000000ull;
    if (loader__client_target(ld, obj, dev, &u->to) != 0 ||
        loader__port(ld, obj, "port", "the server's UDP port, e.g. 8080", &u->port, &port_node) !=
            0)
        return NS_ERR_INPUT;
    if (data) {
        if (loader__text(ld, data, "the text to send", LOADER_MAX_DATAGRAM, &u->data,
                         &u->data_len) != 0)
            return NS_ERR_INPUT;
    } else if (!(u->data = loader__strdup("hello"))) {
        return loader__nomem(ld);
    } else {
        u->data_len = 5;
    }
    if (loader__opt_duration(ld, obj, "timeout", false, &u->timeout_ns) != 0 ||
        loader__port(ld, obj, "local_port", NULL, &u->local_port, &local) != 0)
        return NS_ERR_INPUT;
    if (local)
        return loader__claim_port(ld, dev, LOADER_PROTO_UDP, u->local_port, local, obj, "udp_send");
    return 0;
}

static int loader__tcp_server(loader *ld, const cJSON *obj, size_t dev, model_tcp_server *t,
                              const char *what) {
    const cJSON *port_node = NULL, *reply = loader__member(obj, "reply");
    if (loader__port(ld, obj, "port", "the TCP port to listen on, e.g. 8081", &t->port,
                     &port_node) != 0 ||
        (reply && loader__text(ld, reply, "the text to answer each request with", LOADER_MAX_FILE,
                               &t->reply, &t->reply_len) != 0) ||
        loader__opt_u32(ld, obj, "count", 1, 1000000, &t->count) != 0)
        return NS_ERR_INPUT;
    return loader__claim_port(ld, dev, LOADER_PROTO_TCP, t->port, port_node, obj, what);
}

static int loader__tcp_client(loader *ld, const cJSON *obj, size_t dev, model_tcp_client *t) {
    const cJSON *port_node = NULL, *send = loader__member(obj, "send");
    const char *expected = "an array of messages, e.g. [\"hello\", \"exit\"]";
    const cJSON *local = NULL;
    if (loader__client_target(ld, obj, dev, &t->to) != 0 ||
        loader__port(ld, obj, "port", "the server's TCP port, e.g. 8081", &t->port, &port_node) !=
            0 ||
        loader__port(ld, obj, "local_port", NULL, &t->local_port, &local) != 0)
        return NS_ERR_INPUT;
    if (local &&
        loader__claim_port(ld, dev, LOADER_PROTO_TCP, t->local_port, local, obj, "tcp_client") != 0)
        return NS_ERR_INPUT;
    if (!send)
        return loader__missing(ld, obj, "send", expected);
    if (!cJSON_IsArray(send))
        return loader__type_error(ld, send, expected);
    size_t n = loader__count(send);
    if (n == 0)
        return loader__fail(ld, send, "[] has no messages; expected %s", expected);
    if (!(t->messages = calloc(n, sizeof *t->messages)))
        return loader__nomem(ld);
    for (const cJSON *m = send->child; m; m = m->next) {
        if (loader__text(ld, m, "a message", LOADER_MAX_FILE, &t->messages[t->n_messages], NULL) !=
            0)
            return NS_ERR_INPUT;
        t->n_messages++;
        if (!t->messages[t->n_messages - 1][0])
            return loader__fail(ld, m,
                                "\"\" is empty; expected a message of at least one byte (send() "
                                "of nothing sends nothing, and the answer would never come)");
    }
    return 0;
}

/* The directory part of the topology's path ("" for the current one). */
static void loader__source_dir(const loader *ld, char *buf, size_t cap) {
    const char *slash = strrchr(ld->source, '/');
    size_t n = slash ? (size_t)(slash - ld->source) + 1 : 0;
    snprintf(buf, cap, "%.*s", (int)n, ld->source);
}

/* The topology's folder as messages name it: "tests/errors", or "." for the
 * current directory. */
static void loader__folder_text(const char *dir, char *buf, size_t cap) {
    size_t n = strlen(dir);
    if (n > 1 && dir[n - 1] == '/')
        n--;
    snprintf(buf, cap, "%.*s", (int)(n ? n : 1), n ? dir : ".");
}

/* Whether `rel` has a ".." component ("..", "../x", "x/..", "x/../y"). */
static bool loader__has_dotdot(const char *rel) {
    for (const char *p = rel; *p;) {
        size_t n = strcspn(p, "/");
        if (n == 2 && p[0] == '.' && p[1] == '.')
            return true;
        p += n;
        if (*p)
            p++;
    }
    return false;
}

/* What a file that is not a regular one is, for "... is a directory". */
static const char *loader__file_kind(mode_t mode) {
    if (S_ISDIR(mode))
        return "a directory";
    if (S_ISFIFO(mode))
        return "a FIFO (named pipe)";
    if (S_ISSOCK(mode))
        return "a socket";
    if (S_ISCHR(mode))
        return "a character device";
    if (S_ISBLK(mode))
        return "a block device";
    return "a special file";
}

/* Counts `size` more bytes of file content against LOADER_MAX_FILES, the
 * bound on all file servers' files of a topology together (the run holds
 * them all in memory, and TCP copies each one it sends). `what` is the value
 * as shown in the message. */
static int loader__file_budget(loader *ld, const cJSON *node, const char *what, size_t size) {
    if (size > LOADER_MAX_FILES - ld->file_bytes)
        return loader__fail(ld, node,
                            "%s brings the topology's files to %zu bytes; expected at most %zu "
                            "bytes (64 MiB) for all file servers' files together",
                            what, ld->file_bytes + size, LOADER_MAX_FILES);
    ld->file_bytes += size;
    return 0;
}

/* `v` (a value as shown) and its size, e.g. "\"x\" (1 byte)", into buf[cap]. */
static void loader__sized(const char *v, size_t size, char *buf, size_t cap) {
    snprintf(buf, cap, "%s (%zu byte%s)", v, size, size == 1 ? "" : "s");
}

static int loader__file_unreadable(loader *ld, const cJSON *node, const char *v, int e,
                                   const char *full) {
    if (e == ENOMEM)
        return loader__nomem(ld);
    return loader__fail(ld, node,
                        "%s cannot be read: %s (looked for %s); expected a regular file inside "
                        "the topology's folder",
                        v, strerror(e), full);
}

static int loader__file_too_big(loader *ld, const cJSON *node, const char *v, size_t size,
                                const char *full) {
    return loader__fail(ld, node,
                        "%s is %zu bytes, larger than 16 MiB (looked for %s); expected a file of "
                        "at most %zu bytes",
                        v, size, full, LOADER_MAX_FILE);
}

/* Resolves `full` (the folder `dir` plus a relative path without "..") and
 * checks that the result is inside the folder: a symbolic link may lead
 * anywhere inside it, never out. realpath only looks at names (lstat,
 * readlink), so nothing is opened yet. Returns 0 and *resolved (caller
 * frees), or an error. */
static int loader__file_resolve(loader *ld, const cJSON *node, const char *v, const char *dir,
                                const char *full, char **resolved) {
    char *rdir = realpath(dir[0] ? dir : ".", NULL);
    char *rfull = rdir ? realpath(full, NULL) : NULL;
    if (!rfull) {
        int e = errno;
        free(rdir);
        return loader__file_unreadable(ld, node, v, e, full);
    }
    size_t n = strlen(rdir);
    bool inside =
        strncmp(rfull, rdir, n) == 0 && (rfull[n] == '\0' || rfull[n] == '/' || rdir[n - 1] == '/');
    free(rdir);
    if (!inside) {
        char folder[4096];
        free(rfull);
        loader__folder_text(dir, folder, sizeof folder);
        return loader__fail(ld, node,
                            "%s leads out of the topology's folder (%s) through a symbolic link; "
                            "expected a file inside that folder",
                            v, folder);
    }
    *resolved = rfull;
    return 0;
}

/* Opens `resolved` without following a last symbolic link and without
 * blocking (a FIFO with no writer would block a plain open forever), and
 * accepts only a regular file of at most LOADER_MAX_FILE bytes. Returns 0
 * with *fd and its *size, or an error. */
static int loader__file_open(loader *ld, const cJSON *node, const char *v, const char *full,
                             const char *resolved, int *fd, size_t *size) {
    struct stat st;
    int f = open(resolved, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
    if (f < 0 || fstat(f, &st) != 0) {
        int e = errno;
        if (f >= 0)
            close(f);
        return loader__file_unreadable(ld, node, v, e, full);
    }
    if (!S_ISREG(st.st_mode)) {
        close(f);
        return loader__fail(ld, node,
                            "%s is %s, not a regular file (looked for %s); expected a regular "
                            "file inside the topology's folder",
                            v, loader__file_kind(st.st_mode), full);
    }
    if ((uintmax_t)st.st_size > LOADER_MAX_FILE) {
        close(f);
        return loader__file_too_big(ld, node, v, (size_t)st.st_size, full);
    }
    *fd = f;
    *size = (size_t)st.st_size;
    return 0;
}

/* Reads the open regular file `fd` of `hint` bytes into f: up to
 * LOADER_MAX_FILE + 1 bytes, so a file that grew since fstat is still
 * caught. Does not close fd. */
static int loader__file_read(loader *ld, const cJSON *node, const char *v, const char *full, int fd,
                             size_t hint, model_file *f) {
    size_t cap = hint + 1, len = 0;
    uint8_t *buf = malloc(cap);
    if (!buf)
        return loader__nomem(ld);
    for (;;) {
        if (len == cap) {
            if (cap > LOADER_MAX_FILE) {
                free(buf);
                return loader__file_too_big(ld, node, v, len, full);
            }
            size_t grown_cap = cap * 2 > LOADER_MAX_FILE + 1 ? LOADER_MAX_FILE + 1 : cap * 2;
            uint8_t *grown = realloc(buf, grown_cap);
            if (!grown) {
                free(buf);
                return loader__nomem(ld);
            }
            buf = grown;
            cap = grown_cap;
        }
        ssize_t got = read(fd, buf + len, cap - len);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            int e = errno;
            free(buf);
            return loader__file_unreadable(ld, node, v, e, full);
        }
        if (got == 0)
            break;
        len += (size_t)got;
    }
    char what[128];
    loader__sized(v, len, what, sizeof what);
    if (loader__file_budget(ld, node, what, len) != 0) {
        free(buf);
        return NS_ERR_INPUT;
    }
    f->source = FILE_LOADED;
    f->data = len ? buf : NULL;
    f->size = len;
    if (!len)
        free(buf);
    return 0;
}

/* {"path": "photo.jpg"}: a regular file inside the topology's folder, read
 * now so a missing file is a load-time error. The path is relative to that
 * folder, with no ".." component, and may not lead out of it through a
 * symbolic link: a topology cannot put /etc/passwd or ~/.ssh into captures.
 * A FIFO or device is refused without blocking. */
static int loader__file_path(loader *ld, const cJSON *node, model_file *f) {
    const char *rel = NULL;
    char v[96], dir[4096], folder[4096], full[8192];
    if (loader__string(ld, node, "a file name next to the topology file, e.g. \"photo.jpg\"",
                       &rel) != 0)
        return NS_ERR_INPUT;
    loader__value_text(ld, node, v, sizeof v);
    loader__source_dir(ld, dir, sizeof dir);
    loader__folder_text(dir, folder, sizeof folder);
    if (rel[0] == '/')
        return loader__fail(ld, node,
                            "%s is an absolute path; expected a path relative to the topology's "
                            "folder (%s), e.g. \"photo.jpg\"",
                            v, folder);
    if (loader__has_dotdot(rel))
        return loader__fail(ld, node,
                            "%s has a \"..\" component; expected a path inside the topology's "
                            "folder (%s), e.g. \"photo.jpg\" or \"images/photo.jpg\"",
                            v, folder);
    if (strlen(rel) >= 4096)
        return loader__fail(ld, node, "%s is too long; expected a path of at most 4095 bytes", v);
    snprintf(full, sizeof full, "%s%s", dir, rel);
    char *resolved = NULL;
    int fd = -1;
    size_t size = 0;
    if (loader__file_resolve(ld, node, v, dir, full, &resolved) != 0)
        return NS_ERR_INPUT;
    int rc = loader__file_open(ld, node, v, full, resolved, &fd, &size);
    free(resolved);
    if (rc != 0)
        return NS_ERR_INPUT;
    char what[128];
    loader__sized(v, size, what, sizeof what);
    if (size > LOADER_MAX_FILES - ld->file_bytes) /* before reading it all */
        rc = loader__file_budget(ld, node, what, size);
    else
        rc = loader__file_read(ld, node, v, full, fd, size, f);
    close(fd);
    return rc;
}

/* One entry of "files": "inline text", {"size": N} or {"path": "file"}. */
static int loader__file(loader *ld, const cJSON *entry, model_file *f) {
    static const char *const keys[] = {"size", "path"};
    const char *expected = "the content as text, {\"size\": 100000} (pseudo-random bytes) or "
                           "{\"path\": \"photo.jpg\"} (a file next to the topology)";
    char v[96], what[128];
    if (cJSON_IsString(entry)) {
        f->source = FILE_INLINE;
        if (loader__text(ld, entry, "the file's content", LOADER_MAX_FILE, (char **)&f->data,
                         &f->size) != 0)
            return NS_ERR_INPUT;
        loader__value_text(ld, entry, v, sizeof v);
        loader__sized(v, f->size, what, sizeof what);
        return loader__file_budget(ld, entry, what, f->size);
    }
    if (!cJSON_IsObject(entry))
        return loader__type_error(ld, entry, expected);
    if (loader__check_keys(ld, entry, keys, 2, NULL) != 0)
        return NS_ERR_INPUT;
    const cJSON *size = loader__member(entry, "size"), *path = loader__member(entry, "path");
    if (size && path)
        return loader__fail(ld, path,
                            "\"path\" is given together with \"size\"; expected one of them");
    if (path)
        return loader__file_path(ld, path, f);
    if (!size)
        return loader__missing(ld, entry, "size", expected);
    long long n = 0;
    if (loader__int(ld, size, 0, (long long)LOADER_MAX_FILE, &n) != 0)
        return NS_ERR_INPUT;
    loader__value_text(ld, size, v, sizeof v);
    if (loader__file_budget(ld, size, v, (size_t)n) != 0)
        return NS_ERR_INPUT;
    f->source = FILE_GENERATED;
    f->size = (size_t)n;
    return 0;
}

/* A name a client can send: printable, no '/', at most 255 bytes. */
static bool loader__file_name_ok(const char *s) {
    size_t n = strlen(s);
    if (n == 0 || n > 255)
        return false;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p == 0x7f || *p == '/')
            return false;
    return true;
}

static int loader__file_server(loader *ld, const cJSON *obj, size_t dev, model_file_server *fs) {
    const cJSON *port_node = NULL, *files = loader__member(obj, "files");
    const char *expected = "an object of files, e.g. {\"notes.txt\": \"hello\", \"big.bin\": "
                           "{\"size\": 100000}}";
    if (loader__port(ld, obj, "port", "the TCP port to listen on, e.g. 8083", &fs->port,
                     &port_node) != 0)
        return NS_ERR_INPUT;
    if (!files)
        return loader__missing(ld, obj, "files", expected);
    if (!cJSON_IsObject(files))
        return loader__type_error(ld, files, expected);
    size_t n = loader__count(files);
    if (n == 0)
        return loader__fail(ld, files, "{} has no files; expected %s", expected);
    if (!(fs->files = calloc(n, sizeof *fs->files)))
        return loader__nomem(ld);
    for (const cJSON *e = files->child; e; e = e->next) {
        model_file *f = &fs->files[fs->n_files];
        if (!loader__file_name_ok(e->string)) {
            char q[96];
            loader__quote(e->string, q, sizeof q);
            return loader__fail_key(ld, e,
                                    "%s is not a file name; expected 1 to 255 printable bytes "
                                    "without '/', e.g. \"notes.txt\"",
                                    q);
        }
        if (!(f->name = loader__strdup(e->string)))
            return loader__nomem(ld);
        fs->n_files++;
        if (loader__file(ld, e, f) != 0)
            return NS_ERR_INPUT;
    }
    return loader__claim_port(ld, dev, LOADER_PROTO_TCP, fs->port, port_node, obj, "file_server");
}

static int loader__file_download(loader *ld, const cJSON *obj, size_t dev,
                                 model_file_download *fd) {
    const cJSON *port_node = NULL, *file = loader__member(obj, "file");
    if (loader__client_target(ld, obj, dev, &fd->to) != 0 ||
        loader__port(ld, obj, "port", "the file server's TCP port, e.g. 8083", &fd->port,
                     &port_node) != 0)
        return NS_ERR_INPUT;
    if (!file)
        return loader__missing(ld, obj, "file", "\"file\": the name to ask for, e.g. \"big.bin\"");
    if (loader__text(ld, file, "a file name, e.g. \"big.bin\"", 255, &fd->file, NULL) != 0)
        return NS_ERR_INPUT;
    if (!loader__file_name_ok(fd->file)) {
        char v[96];
        loader__value_text(ld, file, v, sizeof v);
        return loader__fail(ld, file,
                            "%s is not a file name; expected 1 to 255 printable bytes without "
                            "'/', e.g. \"big.bin\"",
                            v);
    }
    return 0;
}

/* A URL path: starts with '/', printable ASCII without spaces. */
static bool loader__url_path_ok(const char *s) {
    if (s[0] != '/')
        return false;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p <= ' ' || *p >= 0x7f)
            return false;
    return true;
}

static int loader__http_server(loader *ld, const cJSON *obj, size_t dev, model_http_server *h) {
    const cJSON *port_node = NULL, *pages = loader__member(obj, "pages");
    const char *expected = "an object of pages, e.g. {\"/\": \"<html>...</html>\"}";
    h->port = 80;
    if (loader__port(ld, obj, "port", NULL, &h->port, &port_node) != 0)
        return NS_ERR_INPUT;
    if (!pages)
        return loader__missing(ld, obj, "pages", expected);
    if (!cJSON_IsObject(pages))
        return loader__type_error(ld, pages, expected);
    size_t n = loader__count(pages);
    if (n == 0)
        return loader__fail(ld, pages, "{} has no pages; expected %s", expected);
    if (!(h->pages = calloc(n, sizeof *h->pages)))
        return loader__nomem(ld);
    for (const cJSON *e = pages->child; e; e = e->next) {
        model_http_page *pg = &h->pages[h->n_pages];
        if (!loader__url_path_ok(e->string)) {
            char q[96];
            loader__quote(e->string, q, sizeof q);
            return loader__fail_key(ld, e,
                                    "%s is not a URL path; expected a path starting with '/', "
                                    "without spaces, e.g. \"/index.html\"",
                                    q);
        }
        if (!(pg->path = loader__strdup(e->string)))
            return loader__nomem(ld);
        h->n_pages++;
        if (loader__text(ld, e, "the page's content as text, e.g. \"<html>...</html>\"",
                         LOADER_MAX_FILE, &pg->body, &pg->body_len) != 0)
            return NS_ERR_INPUT;
    }
    return loader__claim_port(ld, dev, LOADER_PROTO_TCP, h->port, port_node ? port_node : obj, obj,
                              "http_server");
}

/* "url": http://host[:port][/path]. */
static int loader__http_get(loader *ld, const cJSON *obj, size_t dev, model_http_get *h) {
    const cJSON *url = loader__member(obj, "url");
    const char *expected = "a URL such as \"http://www.example.com/\"";
    char v[96];
    if (!url)
        return loader__missing(ld, obj, "url",
                               "\"url\": the page to fetch, e.g. "
                               "\"http://www.example.com/\"");
    if (loader__text(ld, url, expected, 2000, &h->url, NULL) != 0)
        return NS_ERR_INPUT;
    loader__value_text(ld, url, v, sizeof v);
    const char *s = h->url;
    if (strncmp(s, "https://", 8) == 0)
        return loader__fail(ld, url,
                            "%s uses https, which needs TLS (not simulated); expected an "
                            "http:// URL",
                            v);
    if (strncmp(s, "http://", 7) != 0)
        return loader__fail(ld, url, "%s is not an http:// URL; expected %s", v, expected);
    const char *host = s + 7;
    size_t host_len = strcspn(host, ":/");
    const char *rest = host + host_len;
    h->port = 80;
    if (*rest == ':') {
        char *end = NULL;
        long p = strtol(rest + 1, &end, 10);
        if (end == rest + 1 || p < 1 || p > 65535 || (*end && *end != '/') || rest[1] == '+' ||
            rest[1] == '-')
            return loader__fail(ld, url,
                                "%s has a bad port; expected a port from 1 to 65535, "
                                "e.g. \"http://10.0.0.80:8080/\"",
                                v);
        h->port = (uint16_t)p;
        rest = end;
    }
    if (!(h->host_text = malloc(host_len + 1)))
        return loader__nomem(ld);
    memcpy(h->host_text, host, host_len);
    h->host_text[host_len] = '\0';
    if (!(h->path = loader__strdup(*rest ? rest : "/")))
        return loader__nomem(ld);
    if (!loader__url_path_ok(h->path))
        return loader__fail(ld, url,
                            "%s has a path with spaces or control characters; expected "
                            "%s",
                            v, expected);
    if (ipv4_parse(h->host_text, &h->host.addr) == 0)
        return 0;
    const model_device *d = &ld->t->devices[dev];
    if (!loader__host_name_ok(h->host_text) || loader__looks_numeric(h->host_text))
        return loader__fail(ld, url,
                            "%s names no valid host; expected %s (a host name or an IPv4 "
                            "address after http://)",
                            v, expected);
    if (!d->has_dns && !d->dhcp)
        return loader__fail(ld, url,
                            "%s names the host \"%s\", but %s has no DNS resolver to look it up; "
                            "expected an IPv4 address, or \"dns\": \"a.b.c.d\" (or \"dhcp\": "
                            "true) on %s",
                            v, h->host_text, d->name, d->name);
    if (!(h->host.name = loader__host_name_dup(h->host_text)))
        return loader__nomem(ld);
    return 0;
}

/* Whether endpoint text `s` names end `e` of a link: "dev" or "dev.iface". */
static bool loader__names_end(const loader *ld, const char *s, const loader__end *e) {
    const model_device *d = &ld->t->devices[e->dev];
    size_t n = strlen(d->name);
    if (strcmp(s, d->name) == 0)
        return true;
    return strncmp(s, d->name, n) == 0 && s[n] == '.' &&
           strcmp(s + n + 1, d->ifaces[e->iface].name) == 0;
}

/* link_down, link_up ("link": two endpoints), device_off, device_on ("on":
 * any device): faults of the network itself. */
static int loader__fault(loader *ld, const cJSON *obj, model_action *a, const char *what) {
    static const char *const link_keys[] = {"at", "do", "link"};
    static const char *const device_keys[] = {"at", "do", "on"};
    bool is_link = strncmp(what, "link", 4) == 0;
    a->kind = strcmp(what, "link_down") == 0    ? ACTION_LINK_DOWN
              : strcmp(what, "link_up") == 0    ? ACTION_LINK_UP
              : strcmp(what, "device_off") == 0 ? ACTION_DEVICE_OFF
                                                : ACTION_DEVICE_ON;
    if (loader__check_keys(ld, obj, is_link ? link_keys : device_keys, 3, NULL) != 0)
        return NS_ERR_INPUT;
    const cJSON *at = loader__member(obj, "at");
    if (!at)
        return loader__missing(ld, obj, "at", "\"at\": when it happens, e.g. \"2s\"");
    if (loader__duration(ld, at, false, &a->at_ns) != 0)
        return NS_ERR_INPUT;
    char v[160];
    if (!is_link) {
        const cJSON *on = loader__member(obj, "on");
        const char *s = NULL;
        if (!on)
            return loader__missing(ld, obj, "on", "\"on\": the name of a device");
        if (loader__string(ld, on, "the name of a device", &s) != 0)
            return NS_ERR_INPUT;
        int d = strmap_get(ld->names, s);
        if (d < 0)
            return loader__unknown_device(ld, on, s, false, "the name of a device");
        a->device = (size_t)d;
        return 0;
    }
    const cJSON *l = loader__member(obj, "link");
    const char *expected = "the link's two ends, e.g. [\"sw1\", \"r1.eth0\"]";
    if (!l)
        return loader__missing(ld, obj, "link", expected);
    if (!cJSON_IsArray(l) || loader__count(l) != 2 || !cJSON_IsString(l->child) ||
        !cJSON_IsString(l->child->next))
        return loader__type_error(ld, l, expected);
    const char *x = l->child->valuestring, *y = l->child->next->valuestring;
    size_t found = 0, which = 0;
    for (size_t k = 0; k < ld->t->n_links; k++) {
        const loader__end *e = ld->links[k].end;
        if ((loader__names_end(ld, x, &e[0]) && loader__names_end(ld, y, &e[1])) ||
            (loader__names_end(ld, x, &e[1]) && loader__names_end(ld, y, &e[0]))) {
            found++;
            which = k;
        }
    }
    snprintf(v, sizeof v, "[\"%.60s\", \"%.60s\"]", x, y);
    if (found == 0)
        return loader__fail(ld, l, "%s: no link joins these; expected %s", v, expected);
    if (found > 1)
        return loader__fail(ld, l,
                            "%s: %zu links join these; expected the ports named, e.g. "
                            "[\"sw1.p1\", \"sw2.p1\"]",
                            v, found);
    a->u.link = which;
    a->device = ld->links[which].end[0].dev;
    return 0;
}

static int loader__action(loader *ld, const cJSON *obj, model_action *a) {
    const char *s = NULL;
    char v[96];
    if (!cJSON_IsObject(obj))
        return loader__type_error(ld, obj,
                                  "an action such as {\"at\": \"0ms\", \"on\": \"A\", \"do\": "
                                  "\"ping\", \"to\": \"10.0.0.2\"}");
    const cJSON *what = loader__member(obj, "do");
    if (!what)
        return loader__missing(ld, obj, "do", "\"do\": an action, e.g. \"ping\"");
    if (loader__string(ld, what, "an action, e.g. \"ping\"", &s) != 0)
        return NS_ERR_INPUT;
    if (strcmp(s, "link_down") == 0 || strcmp(s, "link_up") == 0 || strcmp(s, "device_off") == 0 ||
        strcmp(s, "device_on") == 0)
        return loader__fault(ld, obj, a, s);
    size_t n_actions = sizeof loader__actions / sizeof loader__actions[0];
    size_t k = 0;
    while (k < n_actions && strcmp(s, loader__actions[k]) != 0)
        k++;
    if (k == n_actions) {
        loader__value_text(ld, what, v, sizeof v);
        const char *sug = loader__suggest(s, loader__actions, n_actions);
        if (sug)
            return loader__fail(ld, what, "%s is not an action; did you mean \"%s\"?", v, sug);
        return loader__fail(ld, what,
                            "%s is not an action; expected \"ping\", \"traceroute\", "
                            "\"arp_spoof\", \"udp_server\", \"udp_send\", \"tcp_server\", "
                            "\"tcp_client\", \"file_server\", \"file_download\", "
                            "\"http_server\", \"http_get\", \"link_down\", \"link_up\", "
                            "\"device_off\" or \"device_on\"",
                            v);
    }
    const loader__action_spec *spec = &loader__action_specs[k];
    a->kind = spec->kind;
    if (loader__check_keys(ld, obj, spec->keys, spec->n_keys, NULL) != 0)
        return NS_ERR_INPUT;
    const cJSON *at = loader__member(obj, "at"), *on = loader__member(obj, "on");
    if (!at)
        return loader__missing(ld, obj, "at", "\"at\": when to start, e.g. \"0ms\"");
    if (loader__duration(ld, at, false, &a->at_ns) != 0)
        return NS_ERR_INPUT;
    if (!on)
        return loader__missing(ld, obj, "on", "\"on\": the name of a host or router");
    if (loader__string(ld, on, "the name of a host or router", &s) != 0)
        return NS_ERR_INPUT;
    int d = strmap_get(ld->names, s);
    if (d < 0)
        return loader__unknown_device(ld, on, s, false, "the name of a host or router");
    const model_device *dev = &ld->t->devices[d];
    if (dev->type != DEVICE_HOST && dev->type != DEVICE_ROUTER) {
        loader__value_text(ld, on, v, sizeof v);
        return loader__fail(ld, on, "%s is a %s; expected a host or a router (they can %s)", v,
                            device_type_name(dev->type), spec->can);
    }
    a->device = (size_t)d;
    size_t dv = (size_t)d;
    switch (a->kind) {
    case ACTION_PING:
        return loader__ping(ld, obj, dv, &a->u.ping);
    case ACTION_TRACEROUTE:
        return loader__traceroute(ld, obj, dv, &a->u.traceroute);
    case ACTION_ARP_SPOOF:
        return loader__arp_spoof(ld, obj, &a->u.arp_spoof);
    case ACTION_UDP_SERVER:
        return loader__udp_server(ld, obj, dv, &a->u.udp_server);
    case ACTION_UDP_SEND:
        return loader__udp_send(ld, obj, dv, &a->u.udp_send);
    case ACTION_TCP_SERVER:
        return loader__tcp_server(ld, obj, dv, &a->u.tcp_server, "tcp_server");
    case ACTION_TCP_CLIENT:
        return loader__tcp_client(ld, obj, dv, &a->u.tcp_client);
    case ACTION_FILE_SERVER:
        return loader__file_server(ld, obj, dv, &a->u.file_server);
    case ACTION_FILE_DOWNLOAD:
        return loader__file_download(ld, obj, dv, &a->u.file_download);
    case ACTION_HTTP_SERVER:
        return loader__http_server(ld, obj, dv, &a->u.http_server);
    case ACTION_HTTP_GET:
        return loader__http_get(ld, obj, dv, &a->u.http_get);
    case ACTION_LINK_DOWN:
    case ACTION_LINK_UP:
    case ACTION_DEVICE_OFF:
    case ACTION_DEVICE_ON:
        break; /* parsed by loader__fault */
    }
    return NS_ERR_INPUT;
}

typedef struct loader__order {
    uint64_t at_ns;
    size_t index;
} loader__order;

static int loader__order_cmp(const void *pa, const void *pb) {
    const loader__order *a = pa, *b = pb;
    if (a->at_ns != b->at_ns)
        return a->at_ns < b->at_ns ? -1 : 1;
    return a->index < b->index ? -1 : a->index > b->index;
}

static int loader__script(loader *ld, const cJSON *root) {
    const cJSON *script = loader__member(root, "script");
    model_topology *t = ld->t;
    if (!script)
        return 0;
    if (!cJSON_IsArray(script))
        return loader__type_error(ld, script,
                                  "an array of actions, e.g. [{\"at\": \"0ms\", \"on\": \"A\", "
                                  "\"do\": \"ping\", \"to\": \"10.0.0.2\"}]");
    size_t n = loader__count(script);
    if (n == 0)
        return 0;
    model_action *acts = calloc(n, sizeof *acts);
    loader__order *order = calloc(n, sizeof *order);
    int rc = 0;
    size_t k = 0, filled = 0;
    if (!acts || !order) {
        rc = loader__nomem(ld);
        goto done;
    }
    for (const cJSON *c = script->child; c; c = c->next, k++) {
        filled = k + 1;
        if ((rc = loader__action(ld, c, &acts[k])) != 0)
            goto done;
        order[k] = (loader__order){acts[k].at_ns, k};
    }
    /* qsort is not stable; the file index as the last key makes it so. */
    qsort(order, n, sizeof *order, loader__order_cmp);
    if (!(t->actions = malloc(n * sizeof *t->actions))) {
        rc = loader__nomem(ld);
        goto done;
    }
    for (k = 0; k < n; k++)
        t->actions[k] = acts[order[k].index];
    t->n_actions = n;
    filled = 0; /* the model owns the actions' strings now */
done:
    for (k = 0; acts && k < filled; k++)
        model_action_clear(&acts[k]);
    free(acts);
    free(order);
    return rc;
}

/* ---- top level ---------------------------------------------------------- */

static bool loader__dir_name_ok(const char *s) {
    size_t n = strlen(s);
    if (n == 0 || n > LOADER_MAX_NAME || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.'))
            return false;
    }
    return true;
}

/* The default name: the source's base name without ".json", with unsafe
 * characters replaced by '_' ("topology" if nothing is left). */
static char *loader__default_name(const char *source) {
    const char *base = strrchr(source, '/');
    base = base ? base + 1 : source;
    size_t n = strlen(base);
    if (n > 5 && strcmp(base + n - 5, ".json") == 0)
        n -= 5;
    if (n > LOADER_MAX_NAME)
        n = LOADER_MAX_NAME;
    char *name = malloc(n + sizeof "topology");
    if (!name)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        char c = base[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '_' || c == '.';
        name[i] = ok ? c : '_';
    }
    name[n] = '\0';
    if (!loader__dir_name_ok(name))
        strcpy(name, "topology");
    return name;
}

static int loader__top(loader *ld) {
    static const char *const keys[] = {"name", "description", "devices", "links", "script"};
    const cJSON *root = ld->root;
    model_topology *t = ld->t;
    if (!cJSON_IsObject(root))
        return loader__type_error(ld, root,
                                  "an object with \"devices\", e.g. {\"devices\": {...}}");
    if (loader__check_keys(ld, root, keys, 5, NULL) != 0)
        return NS_ERR_INPUT;
    const cJSON *name = loader__member(root, "name"), *desc = loader__member(root, "description");
    const char *s = NULL;
    const char *name_expected = "a name of letters, digits, '-', '_' and '.' (it names the output "
                                "directory), e.g. \"two-subnets\"";
    if (name) {
        if (loader__string(ld, name, name_expected, &s) != 0)
            return NS_ERR_INPUT;
        if (!loader__dir_name_ok(s)) {
            char v[96];
            loader__value_text(ld, name, v, sizeof v);
            return loader__fail(ld, name, "%s is not a safe directory name; expected %s", v,
                                name_expected);
        }
        t->name = loader__strdup(s);
    } else {
        t->name = loader__default_name(ld->source);
    }
    if (!t->name)
        return loader__nomem(ld);
    if (desc) {
        if (loader__string(ld, desc, "a string", &s) != 0)
            return NS_ERR_INPUT;
        if (!(t->description = loader__strdup(s)))
            return loader__nomem(ld);
    }
    int rc;
    if ((rc = loader__devices(ld, root)) != 0 || (rc = loader__links(ld, root)) != 0 ||
        (rc = loader__script(ld, root)) != 0)
        return rc;
    return 0;
}

/* ---- entry points ------------------------------------------------------- */

static void loader__free(loader *ld) {
    if (ld->devs)
        for (size_t d = 0; d < ld->t->n_devices; d++) {
            free(ld->devs[d].claimed);
            strmap_free(ld->devs[d].iface_names);
        }
    free(ld->devs);
    free(ld->links);
    strmap_free(ld->names);
    u64map_free(ld->macs);
    u64map_free(ld->ips);
    u64map_free(ld->binds);
    cJSON_Delete(ld->root);
}

int loader_load_string(const char *text, size_t len, const char *source, model_topology **out,
                       ns_error *err) {
    if (!source)
        source = "(string)";
    loader ld = {.source = source, .text = text, .len = len, .err = err};
    int rc;
    if (len > LOADER_MAX_BYTES)
        return ns_error_set(err, NS_ERR_INPUT,
                            "%s: larger than 64 MiB; expected a topology of at most %zu bytes",
                            source, LOADER_MAX_BYTES);
    /* RFC 8259 section 8.1: a parser may ignore a byte order mark. Columns on
     * line 1 are then counted after it, as editors show them. */
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
        ld.text += 3;
        ld.len -= 3;
    }
    char msg[512];
    size_t off;
    if (json_pos_check(ld.text, ld.len, LOADER_MAX_DEPTH, &off, msg, sizeof msg) != 0) {
        size_t line, col;
        json_pos_line_col(ld.text, ld.len, off, &line, &col);
        return ns_error_set(err, NS_ERR_INPUT, "%s:%zu:%zu: invalid JSON: %s", source, line, col,
                            msg);
    }
    const char *end = NULL;
    ld.root = cJSON_ParseWithLengthOpts(ld.text, ld.len, &end, 0);
    if (!ld.root) {
        /* The syntax check passed, so this is cJSON running out of memory or
         * disagreeing with it; report where cJSON stopped. */
        size_t line, col;
        off = end && end >= ld.text ? (size_t)(end - ld.text) : 0;
        json_pos_line_col(ld.text, ld.len, off, &line, &col);
        return ns_error_set(err, NS_ERR_INPUT, "%s:%zu:%zu: invalid JSON: rejected by the parser",
                            source, line, col);
    }
    ld.t = calloc(1, sizeof *ld.t);
    ld.names = strmap_new();
    ld.macs = u64map_new(sizeof(loader__holder));
    ld.ips = u64map_new(sizeof(loader__holder));
    ld.binds = u64map_new(sizeof(loader__bind));
    if (!ld.t || !ld.names || !ld.macs || !ld.ips || !ld.binds) {
        rc = loader__nomem(&ld);
        goto fail;
    }
    if (!(ld.t->source = loader__strdup(source))) {
        rc = loader__nomem(&ld);
        goto fail;
    }
    if ((rc = loader__check_duplicates(&ld, ld.root)) != 0 || (rc = loader__top(&ld)) != 0)
        goto fail;
    loader__free(&ld);
    *out = ld.t;
    return 0;
fail:
    if (ld.code)
        rc = ld.code; /* helpers return non-zero; the first report says which code */
    loader__free(&ld);
    model_free(ld.t);
    return rc;
}

int loader_load_file(const char *path, model_topology **out, ns_error *err) {
    FILE *f = fopen(path, "rb");
    if (!f)
        return ns_error_set(err, NS_ERR_IO, "%s: cannot read: %s", path, strerror(errno));
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    int rc;
    if (!buf) {
        rc = ns_error_set(err, NS_ERR_NOMEM, "%s: out of memory", path);
        goto done;
    }
    for (;;) {
        if (len == cap) {
            if (cap > LOADER_MAX_BYTES) {
                rc = ns_error_set(err, NS_ERR_INPUT,
                                  "%s: larger than 64 MiB; expected a topology of at most %zu "
                                  "bytes",
                                  path, LOADER_MAX_BYTES);
                goto done;
            }
            char *bigger = realloc(buf, cap * 2);
            if (!bigger) {
                rc = ns_error_set(err, NS_ERR_NOMEM, "%s: out of memory", path);
                goto done;
            }
            buf = bigger;
            cap *= 2;
        }
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0) {
            if (ferror(f)) {
                rc = ns_error_set(err, NS_ERR_IO, "%s: cannot read: %s", path, strerror(errno));
                goto done;
            }
            break;
        }
    }
    rc = loader_load_string(buf, len, path, out, err);
done:
    free(buf);
    fclose(f);
    return rc;
}
