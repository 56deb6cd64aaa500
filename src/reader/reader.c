/*
 * reader: topology JSON -> validated model (see docs/topology-format.md).
 * This folder is the only code that knows JSON; the rest of netsim sees the
 * model (model/topology.h).
 *
 * Steps, each reporting the first error it meets, in text order where it can:
 *   1. size limit; strict syntax and nesting check (reader/json_pos), then cJSON;
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
#include "reader/reader.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reader/internal.h"
#include "reader/json_pos.h"

#define LOADER_MAX_BYTES ((size_t)64 << 20) /* 64 MiB */
#define LOADER_MAX_NAME  255

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
    if ((rc = loader__devices(ld, root)) != 0 || (rc = loader__links(ld, root)) != 0 ||
        (rc = loader__script(ld, root)) != 0 || (rc = loader__expect(ld, root)) != 0)
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
    cJSON_Delete(ld->root);
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
    ld->root = cJSON_ParseWithLengthOpts(ld->text, ld->len, &end, 0);
    if (!ld->root) {
        /* The syntax check passed, so this is cJSON running out of memory or
         * disagreeing with it; report where cJSON stopped. */
        size_t line, col;
        off = end && end >= ld->text ? (size_t)(end - ld->text) : 0;
        json_pos_line_col(ld->text, ld->len, off, &line, &col);
        return ns_error_set(ld->err, NS_ERR_INPUT,
                            _("%s:%zu:%zu: invalid JSON: rejected by the parser"), ld->source, line,
                            col);
    }
    return 0;
}

int loader_load_string(const char *text, size_t len, const char *source, model_topology **out,
                       ns_error *err) {
    if (!source)
        source = "(string)";
    loader ld = {.source = source, .text = text, .len = len, .err = err};
    int rc;
    if (len > LOADER_MAX_BYTES)
        return ns_error_set(err, NS_ERR_INPUT,
                            _("%s: larger than 64 MiB; expected a topology of at most %zu bytes"),
                            source, LOADER_MAX_BYTES);
    if ((rc = loader__parse(&ld)) != 0)
        return rc;
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

/* The whole of `path` into *buf (caller frees), at most LOADER_MAX_BYTES + 1. */
static int loader__read(const char *path, char **out, size_t *out_len, ns_error *err) {
    FILE *f = fopen(path, "rb");
    if (!f)
        return ns_error_set(err, NS_ERR_IO, _("%s: cannot read: %s"), path, strerror(errno));
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    int rc;
    if (!buf) {
        rc = ns_error_set(err, NS_ERR_NOMEM, _("%s: out of memory"), path);
        goto done;
    }
    for (;;) {
        if (len == cap) {
            if (cap > LOADER_MAX_BYTES) {
                rc = ns_error_set(err, NS_ERR_INPUT,
                                  _("%s: larger than 64 MiB; expected a topology of at most %zu "
                                    "bytes"),
                                  path, LOADER_MAX_BYTES);
                goto done;
            }
            char *bigger = realloc(buf, cap * 2);
            if (!bigger) {
                rc = ns_error_set(err, NS_ERR_NOMEM, _("%s: out of memory"), path);
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
    char *buf = NULL;
    size_t len = 0;
    int rc = loader__read(path, &buf, &len, err);
    if (rc == 0)
        rc = loader_load_string(buf, len, path, out, err);
    free(buf);
    return rc;
}

int loader_load_expect_file(const char *path, model_expect **out, ns_error *err) {
    char *buf = NULL;
    size_t len = 0;
    int rc = loader__read(path, &buf, &len, err);
    if (rc != 0)
        return rc;
    loader ld = {.source = path, .text = buf, .len = len, .err = err};
    model_expect *e = calloc(1, sizeof *e);
    if (!e || !(e->source = loader__strdup(path)))
        rc = loader__nomem(&ld);
    else if (len > LOADER_MAX_BYTES)
        rc =
            ns_error_set(err, NS_ERR_INPUT, _("%s: larger than 64 MiB; expected at most %zu bytes"),
                         path, LOADER_MAX_BYTES);
    else if ((rc = loader__parse(&ld)) == 0 && (rc = loader__check_duplicates(&ld, ld.root)) == 0)
        rc = loader__expect_file(&ld, e);
    if (rc != 0 && ld.code)
        rc = ld.code;
    cJSON_Delete(ld.root);
    free(buf);
    if (rc != 0) {
        model_expect_free(e);
        return rc;
    }
    *out = e;
    return 0;
}
