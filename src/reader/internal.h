/*
 * reader/internal.h: what the reader's files share; nothing outside
 * src/reader includes it. One `loader` per load holds the parse tree, the
 * model being filled and the look-up tables. Every helper takes it first and,
 * on bad input, reports the first error through reader/report (which records
 * the NS_ERR_* code in the loader) and returns non-zero, so callers only pass
 * the failure up.
 *
 * Names: the public API is loader_* (reader/reader.h); everything here is
 * loader__*. Ownership: cJSON nodes are borrowed from ld->root; whatever a
 * helper allocates belongs to the loader (freed by loader__free) or to the
 * model (model_free), on every path.
 */
#ifndef NETSIM_READER_INTERNAL_H
#define NETSIM_READER_INTERNAL_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/topology.h"
#include "reader/reader.h"
#include "util/error.h"
#include "util/i18n.h"
#include "util/strmap.h"
#include "util/suggest.h"
#include "util/u64map.h"
#include "wire/addr.h"

#define LOADER_MAX_DEPTH   64
#define LOADER_MAX_IFACES  65535 /* the interface number fills 2 bytes */
#define LOADER_LIST_MAX    8     /* names listed in "expected one of ..." */
#define LOADER_EXPECT_ADDR _("a dotted quad \"a.b.c.d\", e.g. \"10.0.0.1\"")
#define LOADER_EXPECT_PREFIX                                                                       \
    _("\"a.b.c.d/len\" or \"a.b.c.d/netmask\", e.g. \"10.0.0.1/24\" or "                           \
      "\"10.0.0.1/255.255.255.0\"")
#define LOADER_MAX_FILE  ((size_t)16 << 20) /* a file server's file: 16 MiB */
#define LOADER_PROTO_UDP 0
#define LOADER_PROTO_TCP 1

/* A static array of keys and its length, for check_keys and the tables. */
#define LOADER_KEYS(k) k, sizeof k / sizeof k[0]

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
    unsigned flags; /* LOADER_* of reader.h */
    int code;       /* the NS_ERR_* of the first error reported */
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

/* An explanation for a known mistake: `unknown key "k"` then `text`. */
typedef struct loader__hint {
    const char *key;
    const char *text; /* what follows `unknown key "k"` */
} loader__hint;

/* reader/reader.c: strips a byte order mark from ld->text, checks the JSON
 * syntax and parses it into ld->root (source, text, len and err set).
 * Returns 0, NS_ERR_INPUT with the line:column in ld->err, or NS_ERR_NOMEM. */
int loader__parse(loader *ld);

/* Frees a tree loader__parse made (its own arena, not cJSON_Delete's). NULL
 * is a no-op. */
void loader__tree_free(cJSON *root);

/* reader/report.c: text helpers (buffers are caller-owned and always
 * NUL-terminated, text is cut, never overflowed) and the error reports. The
 * loader__fail family, check_keys and check_duplicates record the first
 * error in ld and return NS_ERR_INPUT (loader__nomem: NS_ERR_NOMEM). */
void loader__append(char *buf, size_t cap, size_t *used, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void loader__quote(const char *s, char *buf, size_t cap);
size_t loader__path(const loader *ld, const cJSON *node, char *buf, size_t cap);
void loader__value_text(const loader *ld, const cJSON *node, char *buf, size_t cap);
int loader__fail(loader *ld, const cJSON *node, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int loader__fail_key(loader *ld, const cJSON *member, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int loader__nomem(loader *ld);
int loader__type_error(loader *ld, const cJSON *node, const char *expected);
int loader__missing(loader *ld, const cJSON *obj, const char *key, const char *expected);
int loader__check_keys(loader *ld, const cJSON *obj, const char *const *keys, size_t n,
                       const loader__hint *hints);
int loader__check_duplicates(loader *ld, const cJSON *node);

/* reader/suggest.c: lists of choices (did you mean: util/suggest.h). */
void loader__list(const char *const *cands, size_t n, const char *prefix, const char *last,
                  char *buf, size_t cap);

/* reader/values.c: typed values. Each returns 0 with *out set, or non-zero
 * with the error reported; strings returned through char ** are copies the
 * caller (the model) owns, the rest point into the cJSON tree. */
char *loader__strdup(const char *s);
const cJSON *loader__member(const cJSON *obj, const char *key);
size_t loader__count(const cJSON *node);
int loader__int(loader *ld, const cJSON *node, long long lo, long long hi, long long *out);
int loader__opt_u32(loader *ld, const cJSON *obj, const char *key, long long lo, long long hi,
                    uint32_t *out);
int loader__string(loader *ld, const cJSON *node, const char *expected, const char **out);
int loader__duration(loader *ld, const cJSON *node, bool positive, uint64_t *out);
int loader__opt_probability(loader *ld, const cJSON *obj, const char *key, double *out);
int loader__opt_duration(loader *ld, const cJSON *obj, const char *key, bool positive,
                         uint64_t *out);
int loader__bitrate(loader *ld, const cJSON *node, uint64_t *out);
int loader__addr(loader *ld, const cJSON *node, ipv4_addr *out);
int loader__prefix(loader *ld, const cJSON *node, ipv4_addr *addr, int *len);
int loader__netmask(loader *ld, const cJSON *node, int *len);
int loader__opt_bool(loader *ld, const cJSON *obj, const char *key, bool *out);
int loader__choice(loader *ld, const cJSON *node, const char *const *names, size_t n,
                   const char *what, size_t *out);
int loader__opt_object(loader *ld, const cJSON *obj, const char *key, const char *expected,
                       const char *const *keys, size_t n_keys, const cJSON **out);
int loader__opt_list(loader *ld, const cJSON *obj, const char *key, bool object,
                     const char *expected, const cJSON **out, size_t *n);
int loader__entries(loader *ld, const cJSON *obj, const char *key, const char *expected,
                    const cJSON **out, size_t *n);
int loader__range(loader *ld, const cJSON *node, ipv4_addr *lo, ipv4_addr *hi);
int loader__unicast(loader *ld, const cJSON *node, ipv4_addr a);
bool loader__host_name_ok(const char *s);
char *loader__host_name_dup(const char *s);
bool loader__looks_numeric(const char *s);
int loader__text(loader *ld, const cJSON *node, const char *expected, size_t max, char **out,
                 size_t *len);
int loader__port(loader *ld, const cJSON *obj, const char *key, const char *example, uint16_t *out,
                 const cJSON **node);

/* reader/interfaces.c: a device's interfaces or ports, their MACs and
 * addresses; look-up by name (-1: none, -2: out of memory). */
int loader__ifaces(loader *ld, size_t dev, const cJSON *obj);
long loader__iface_index(loader *ld, size_t dev, const char *name);
int loader__route_iface(loader *ld, size_t dev, const cJSON *node, long *out);
int loader__make_ports(loader *ld, size_t dev, size_t n);

/* reader/routes.c: gateway, routes, TTL and ARP options, static ARP. */
size_t loader__subnets(const loader *ld, size_t dev, long only, char *buf, size_t cap);
long loader__subnet_of(const loader *ld, size_t dev, long only, ipv4_addr a);
int loader__next_hop_host(loader *ld, const cJSON *value, ipv4_addr a, ipv4_addr ip, int len,
                          const char *what);
int loader__gateway(loader *ld, size_t dev, const cJSON *obj);
int loader__routes(loader *ld, size_t dev, const cJSON *obj);
int loader__stack_options(loader *ld, size_t dev, const cJSON *obj);
int loader__static_arp(loader *ld, size_t dev, const cJSON *obj);

/* reader/firewall.c: "firewall" of a host or router. */
int loader__firewall(loader *ld, size_t dev, const cJSON *obj);

/* reader/services.c: bound ports, DHCP and DNS clients and servers. */
int loader__claim_port(loader *ld, size_t dev, int proto, uint16_t port_number, const cJSON *value,
                       const cJSON *owner, const char *what);
int loader__dhcp_client(loader *ld, size_t dev, const cJSON *obj);
int loader__check_pools(loader *ld);
int loader__services(loader *ld, size_t dev, const cJSON *obj);

/* reader/nat.c: the translation settings of a "nat" device. */
int loader__nat(loader *ld, size_t dev, const cJSON *obj);

/* reader/devices.c: the "devices" object, in file order. */
int loader__devices(loader *ld, const cJSON *root);

/* reader/links.c: the "links" array; a device-name error with a suggestion. */
int loader__unknown_device(loader *ld, const cJSON *node, const char *s, bool dotted_ok,
                           const char *expected_fallback);
int loader__links(loader *ld, const cJSON *root);

/* reader/programs.c: the table of programs the script can start. A row's
 * `read` fills the program's part of `a` (a->u) from the action `obj` on
 * device `dev`, starting from the program's defaults; the script has set
 * a->kind, a->at_ns and a->device and checked the keys against `keys`. */
typedef struct loader__program {
    action_kind kind;        /* its name in "do" is action_kind_name(kind) */
    const char *const *keys; /* the keys its action may have, "at", "on" and "do" included */
    size_t n_keys;
    const char *can; /* "(they can ...)" when "on" names a switch or hub */
    int (*read)(loader *ld, const cJSON *obj, size_t dev, model_action *a);
} loader__program;

extern const loader__program loader__programs[];
extern const size_t loader__n_programs;

/* reader/files.c: one entry of a file server's "files". */
int loader__file(loader *ld, const cJSON *entry, model_file *f);

/* reader/script.c: the "script" array, sorted by time into the model. */
int loader__script(loader *ld, const cJSON *root);

/* reader/expect.c: the "expect" list of a topology (names checked against
 * it), and a checks file's top level into `e` (ld->t is NULL: names are kept
 * as written). */
int loader__expect(loader *ld, const cJSON *root);
int loader__expect_file(loader *ld, model_expect *e);

#endif
