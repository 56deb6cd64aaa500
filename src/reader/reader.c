/*
 * reader: topology JSON -> validated model (see docs/topology-format.md).
 * This folder is the only code that knows JSON; the rest of netsim sees the
 * model (model/topology.h).
 *
 * Steps, each reporting the first error it meets, in text order where it can:
 *   1. size bound (--max-memory, LOADER_BYTES_PER_BYTE); strict syntax and
 *      nesting check (reader/json_pos), then cJSON into an arena;
 *   2. duplicate keys in every object (cJSON keeps both; reader/report);
 *   3. top level; devices in file order (reader/devices: interfaces, default
 *      MACs, addresses, gateway, routes, options, firewall, services, NAT);
 *      duplicate MACs and IPs as they appear;
 *   4. links in four passes (reader/links);
 *   5. script, then a stable sort of the actions by time (reader/script).
 *
 * Invariants: positions and JSON paths are computed only when an error is
 * reported (reader/report), so loading a valid file does no position work at
 * all. Name look-ups use strmap and duplicate MAC/IP checks u64map, so loading
 * is linear in the size of the file. Every allocation made while reading is
 * owned by the loader struct or the model and freed in loader__free or
 * model_free, on every path.
 */
#define _POSIX_C_SOURCE 200809L /* fileno */
#include "reader/reader.h"

#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "reader/internal.h"
#include "reader/json_pos.h"
#include "util/alloc.h"

#define LOADER_MAX_NAME 255
/* Memory a load takes per byte of topology text at its peak (the text, the
 * cJSON tree and the model; about 6 for the benchmark topologies), so a file
 * larger than --max-memory / 8 is refused before it is read. */
#define LOADER_BYTES_PER_BYTE 8
#define LOADER_BLOCK_FIRST    ((size_t)64 << 10)
#define LOADER_BLOCK_MAX      ((size_t)8 << 20)

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

/* cJSON's allocations during one parse come from an arena of blocks: a
 * tree of small nodes and key strings then costs no malloc header and no
 * rounding per piece (a third less memory for a large topology), and freeing
 * it is one free() per block. cJSON's hooks are global, so they are installed
 * only for the parse. The root is the parse's first allocation, so it sits at
 * the start of the first block and loader__tree_free finds the arena from it. */
typedef struct loader__block {
    struct loader__block *next;
    size_t used, cap;
    _Alignas(max_align_t) unsigned char data[];
} loader__block;

static loader__block *arena_first, *arena_last; /* the parse in progress */
static bool arena_failed;

static void *loader__arena_alloc(size_t n) {
    /* Nodes need a pointer's alignment; strings need none. */
    size_t align = n == sizeof(cJSON) ? _Alignof(cJSON) : 1;
    loader__block *b = arena_last;
    size_t at = b ? (b->used + align - 1) & ~(align - 1) : 0;
    if (!b || n > b->cap - at || at > b->cap) {
        size_t cap = b ? b->cap * 2 : LOADER_BLOCK_FIRST;
        if (cap > LOADER_BLOCK_MAX)
            cap = LOADER_BLOCK_MAX;
        if (cap < n)
            cap = n;
        loader__block *nb = malloc(sizeof *nb + cap);
        if (!nb) {
            arena_failed = true;
            return NULL;
        }
        *nb = (loader__block){.cap = cap};
        if (b)
            b->next = nb;
        else
            arena_first = nb;
        arena_last = b = nb;
        at = 0;
    }
    b->used = at + n;
    return b->data + at;
}

static void loader__arena_free(void *p) {
    (void)p; /* the whole arena goes at once, in loader__tree_free */
}

static void loader__blocks_free(loader__block *b) {
    while (b) {
        loader__block *next = b->next;
        free(b);
        b = next;
    }
}

void loader__tree_free(cJSON *root) {
    if (root)
        loader__blocks_free(
            (loader__block *)(void *)((unsigned char *)root - offsetof(loader__block, data)));
}

static int loader__top(loader *ld) {
    static const char *const keys[] = {"name",  "description", "devices",
                                       "links", "script",      "expect"};
    const cJSON *root = ld->root;
    model_topology *t = ld->t;
    if (!cJSON_IsObject(root))
        return loader__type_error(ld, root,
                                  _("an object with \"devices\", e.g. {\"devices\": {...}}"));
    if (loader__check_keys(ld, root, keys, 6, NULL) != 0)
        return NS_ERR_INPUT;
    const cJSON *name = loader__member(root, "name"), *desc = loader__member(root, "description");
    const char *s = NULL;
    const char *name_expected =
        _("a name of letters, digits, '-', '_' and '.' (it names the output "
          "directory), e.g. \"two-subnets\"");
    if (name) {
        if (loader__string(ld, name, name_expected, &s) != 0)
            return NS_ERR_INPUT;
        if (!loader__dir_name_ok(s)) {
            char v[96];
            loader__value_text(ld, name, v, sizeof v);
            return loader__fail(ld, name, _("%s is not a safe directory name; expected %s"), v,
                                name_expected);
        }
        t->name = loader__strdup(s);
    } else {
        t->name = loader__default_name(ld->source);
    }
    if (!t->name)
        return loader__nomem(ld);
    if (desc) {
        if (loader__string(ld, desc, _("a string"), &s) != 0)
            return NS_ERR_INPUT;
        if (!(t->description = loader__strdup(s)))
            return loader__nomem(ld);
    }
    int rc;
    if ((rc = loader__devices(ld, root)) != 0 || (rc = loader__links(ld, root)) != 0)
        return rc;
    /* Only interfaces look addresses up, and ports (links make a switch's
     * ports) MACs: their tables go before the script is read, where a large
     * load peaks. */
    u64map_free(ld->macs);
    u64map_free(ld->ips);
    ld->macs = ld->ips = NULL;
    if ((rc = loader__script(ld, root)) != 0)
        return rc;
    if (!(ld->flags & LOADER_NO_EXPECT) && (rc = loader__expect(ld, root)) != 0)
        return rc;
    return 0;
}

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
    loader__tree_free(ld->root);
}

/* Strips a byte order mark, checks the syntax (with line:col on error) and
 * parses ld->text into ld->root. Returns 0 or NS_ERR_INPUT with ld->err set. */
int loader__parse(loader *ld) {
    /* RFC 8259 section 8.1: a parser may ignore a byte order mark. Columns on
     * line 1 are then counted after it, as editors show them. */
    if (ld->len >= 3 && memcmp(ld->text, "\xEF\xBB\xBF", 3) == 0) {
        ld->text += 3;
        ld->len -= 3;
    }
    char msg[512];
    size_t off;
    if (json_pos_check(ld->text, ld->len, LOADER_MAX_DEPTH, &off, msg, sizeof msg) != 0) {
        size_t line, col;
        json_pos_line_col(ld->text, ld->len, off, &line, &col);
        return ns_error_set(ld->err, NS_ERR_INPUT, _("%s:%zu:%zu: invalid JSON: %s"), ld->source,
                            line, col, msg);
    }
    const char *end = NULL;
    cJSON_Hooks hooks = {.malloc_fn = loader__arena_alloc, .free_fn = loader__arena_free};
    arena_first = arena_last = NULL;
    arena_failed = false;
    cJSON_InitHooks(&hooks);
    ld->root = cJSON_ParseWithLengthOpts(ld->text, ld->len, &end, 0);
    cJSON_InitHooks(NULL);
    loader__block *first = arena_first;
    arena_first = arena_last = NULL;
    if (ld->root) {
        assert((void *)ld->root == (void *)first->data);
        return 0;
    }
    loader__blocks_free(first);
    if (arena_failed) {
        ld->code = NS_ERR_NOMEM;
        return ns_error_set(ld->err, NS_ERR_NOMEM, _("%s: out of memory parsing %zu bytes of JSON"),
                            ld->source, ld->len);
    }
    /* The syntax check passed and memory did not run out: cJSON disagrees
     * with the check (fuzz_loader looks for this); report where it stopped. */
    size_t line, col;
    off = end && end >= ld->text ? (size_t)(end - ld->text) : 0;
    json_pos_line_col(ld->text, ld->len, off, &line, &col);
    return ns_error_set(ld->err, NS_ERR_INPUT,
                        _("%s:%zu:%zu: invalid JSON: rejected by the parser"), ld->source, line,
                        col);
}

/* Loads `text`. With `owned` (the buffer holding text), the text is freed as
 * soon as it is parsed and *owned set NULL: only an error's position needs it
 * after that, so a failure then is to be loaded again with the text kept
 * (loader_load_file). Until then positions read as 1:1. */
static int loader__load(const char *text, size_t len, const char *source, char **owned,
                        unsigned flags, model_topology **out, ns_error *err) {
    loader ld = {.source = source, .text = text, .len = len, .flags = flags, .err = err};
    int rc;
    if ((rc = loader__parse(&ld)) != 0)
        return rc;
    if (owned) {
        free(*owned);
        *owned = NULL;
        ld.text = "";
        ld.len = 0;
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

int loader_load_string(const char *text, size_t len, const char *source, model_topology **out,
                       ns_error *err) {
    return loader__load(text, len, source ? source : "(string)", NULL, 0, out, err);
}

/* "FILE: larger than N bytes, ..." when `size` bytes of topology would not
 * fit in --max-memory (NS_ERR_NOMEM: exit status 5, as for the estimate). */
static int loader__check_size(const char *path, uint64_t size, ns_error *err) {
    uint64_t limit = ns_alloc_limit(), most = limit / LOADER_BYTES_PER_BYTE;
    if (!limit || size <= most)
        return 0;
    return ns_error_set(err, NS_ERR_NOMEM,
                        _("%s: larger than %llu bytes, the most %s allows (loading takes about %d "
                          "bytes of memory per byte of the file); expected a smaller file or a "
                          "larger --max-memory"),
                        path, (unsigned long long)most, ns_alloc_bound(), LOADER_BYTES_PER_BYTE);
}

/* The whole of `path` into *buf (caller frees). A regular file is read into
 * one buffer of its size; anything else (a pipe) into a doubling one. Either
 * is checked against --max-memory before it grows. */
static int loader__read(const char *path, char **out, size_t *out_len, bool *regular,
                        ns_error *err) {
    FILE *f = fopen(path, "rb");
    if (!f)
        return ns_error_set(err, NS_ERR_IO, _("%s: cannot read: %s"), path, strerror(errno));
    size_t cap = 1 << 16, len = 0;
    struct stat st;
    char *buf = NULL;
    int rc;
    *regular = fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode);
    if (*regular && st.st_size > 0) {
        if ((rc = loader__check_size(path, (uint64_t)st.st_size, err)) != 0)
            goto done;
        if ((uint64_t)st.st_size >= SIZE_MAX) {
            rc = ns_error_set(err, NS_ERR_NOMEM, _("%s: out of memory reading it"), path);
            goto done;
        }
        cap = (size_t)st.st_size + 1; /* + 1: end of file is seen without growing */
    }
    if (!(buf = malloc(cap))) {
        rc = ns_error_set(err, NS_ERR_NOMEM, _("%s: out of memory reading %zu bytes"), path, cap);
        goto done;
    }
    for (;;) {
        if (len == cap) {
            if ((rc = loader__check_size(path, (uint64_t)cap + 1, err)) != 0)
                goto done;
            char *bigger = cap <= SIZE_MAX / 2 ? realloc(buf, cap * 2) : NULL;
            if (!bigger) {
                rc = ns_error_set(err, NS_ERR_NOMEM, _("%s: out of memory reading %zu bytes"), path,
                                  cap * 2);
                goto done;
            }
            buf = bigger;
            cap *= 2;
        }
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0) {
            if (ferror(f)) {
                rc = ns_error_set(err, NS_ERR_IO, _("%s: cannot read: %s"), path, strerror(errno));
                goto done;
            }
            break;
        }
    }
    *out = buf;
    *out_len = len;
    buf = NULL;
    rc = 0;
done:
    free(buf);
    fclose(f);
    return rc;
}

int loader_load_file(const char *path, model_topology **out, ns_error *err) {
    return loader_load_file_with(path, 0, out, err);
}

int loader_load_file_with(const char *path, unsigned flags, model_topology **out, ns_error *err) {
    char *buf = NULL;
    size_t len = 0;
    bool regular = false;
    int rc = loader__read(path, &buf, &len, &regular, err);
    /* A regular file's text goes once parsed (the load's peak is then the tree
     * and the model, not the text too); if the load fails after that, the file
     * is read and loaded again, text kept, for the error's line:column. */
    if (rc == 0)
        rc = loader__load(buf, len, path, regular ? &buf : NULL, flags, out, err);
    if (rc != 0 && regular && !buf && (rc = loader__read(path, &buf, &len, &regular, err)) == 0)
        rc = loader__load(buf, len, path, NULL, flags, out, err);
    free(buf);
    return rc;
}

int loader_load_expect_file(const char *path, model_expect **out, ns_error *err) {
    char *buf = NULL;
    size_t len = 0;
    bool regular;
    int rc = loader__read(path, &buf, &len, &regular, err);
    if (rc != 0)
        return rc;
    loader ld = {.source = path, .text = buf, .len = len, .err = err};
    model_expect *e = calloc(1, sizeof *e);
    if (!e || !(e->source = loader__strdup(path)))
        rc = loader__nomem(&ld);
    else if ((rc = loader__parse(&ld)) == 0 && (rc = loader__check_duplicates(&ld, ld.root)) == 0)
        rc = loader__expect_file(&ld, e);
    if (rc != 0 && ld.code)
        rc = ld.code;
    loader__tree_free(ld.root);
    free(buf);
    if (rc != 0) {
        model_expect_free(e);
        return rc;
    }
    *out = e;
    return 0;
}
