/*
 * reader/report: error messages. Every error the reader reports reads
 * "SOURCE:LINE:COL: PATH: message", where PATH is the JSON path of the value
 * (devices.A.interfaces.eth0.ip, script[2].to) and LINE:COL its place in the
 * text. Also the checks every object gets: unknown keys (with a hint or a
 * suggestion) and duplicate keys (cJSON keeps both).
 *
 * Invariant: positions and paths are computed only when an error is reported
 * (a pre-order walk of the cJSON tree gives the node's number, and json_pos
 * finds that value in the text), so loading a valid file does no position work
 * at all. The first report wins: it records its NS_ERR_* code in the loader.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "reader/internal.h"
#include "reader/json_pos.h"
#include "util/text.h"

void loader__append(char *buf, size_t cap, size_t *used, const char *fmt, ...) {
    if (*used >= cap)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf + *used, cap - *used, fmt, ap);
    va_end(ap);
    if (n > 0)
        *used = *used + (size_t)n < cap ? *used + (size_t)n : cap - 1;
}

/* Appends len bytes of s to buf[cap] as loader__append would (cut at cap - 1,
 * always NUL-terminated), without a format: loader__quote runs for every
 * character of the names it quotes. */
static void loader__put(char *buf, size_t cap, size_t *used, const char *s, size_t len) {
    if (*used >= cap)
        return;
    size_t room = cap - 1 - *used;
    if (len > room)
        len = room;
    memcpy(buf + *used, s, len);
    *used += len;
    buf[*used] = '\0';
}

/* Writes `s` as a JSON string literal into buf[cap], cutting long text with
 * "..." (never inside a UTF-8 sequence). */
void loader__quote(const char *s, char *buf, size_t cap) {
    static const char hex[] = "0123456789abcdef";
    size_t used = 0, limit = 60;
    loader__put(buf, cap, &used, "\"", 1);
    size_t n = strlen(s);
    size_t shown = n <= limit ? n : text_utf8_cut(s, n, limit - 3);
    for (size_t i = 0; i < shown; i++) {
        unsigned char c = (unsigned char)s[i];
        char esc[6] = {'\\', (char)c};
        size_t len = 2;
        if (c == '\n')
            esc[1] = 'n';
        else if (c == '\t')
            esc[1] = 't';
        else if (c < 0x20 || c == 0x7f) { /* \u00XX, as "\\u%04x" */
            memcpy(esc + 1, "u00", 3);
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 15];
            len = 6;
        } else if (c != '"' && c != '\\') {
            esc[0] = (char)c;
            len = 1;
        }
        loader__put(buf, cap, &used, esc, len);
    }
    if (shown < n)
        loader__put(buf, cap, &used, "...", 3);
    loader__put(buf, cap, &used, "\"", 1);
}

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
size_t loader__path(const loader *ld, const cJSON *node, char *buf, size_t cap) {
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
void loader__value_text(const loader *ld, const cJSON *node, char *buf, size_t cap) {
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
        return _("a string");
    if (cJSON_IsNumber(node))
        return _("a number");
    if (cJSON_IsObject(node))
        return _("an object");
    if (cJSON_IsArray(node))
        return _("an array");
    if (cJSON_IsBool(node))
        return _("a boolean");
    return _("JSON null");
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

/* An error about the value `node`, at its position and path. */
int loader__fail(loader *ld, const cJSON *node, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int rc = loader__vfail(ld, node, false, node, fmt, ap);
    va_end(ap);
    return rc;
}

/* An error about the key of `member`: at the key, with the object's path. */
int loader__fail_key(loader *ld, const cJSON *member, const char *fmt, ...) {
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

int loader__nomem(loader *ld) {
    ld->code = NS_ERR_NOMEM;
    return ns_error_set(ld->err, NS_ERR_NOMEM, _("%s: out of memory"), ld->source);
}

/* "<value> is <type>; expected <expected>". */
int loader__type_error(loader *ld, const cJSON *node, const char *expected) {
    char v[96];
    loader__value_text(ld, node, v, sizeof v);
    return loader__fail(ld, node, _("%s is %s; expected %s"), v, loader__type_desc(node), expected);
}

/* "missing key "k"; expected ...", at the enclosing object. */
int loader__missing(loader *ld, const cJSON *obj, const char *key, const char *expected) {
    return loader__fail(ld, obj, _("missing key \"%s\"; expected %s"), key, expected);
}

/* Every key of `obj` must be in keys[0..n); hints explain common mistakes. */
int loader__check_keys(loader *ld, const cJSON *obj, const char *const *keys, size_t n,
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
                return loader__fail_key(ld, c, _("unknown key %s %s"), q, _(h->text));
        const char *s = suggest_closest(c->string, keys, n);
        if (s)
            return loader__fail_key(ld, c, _("unknown key %s; did you mean \"%s\"?"), q, s);
        char list[512];
        loader__list(keys, n, "", _(" or "), list, sizeof list);
        return loader__fail_key(ld, c, _("unknown key %s; expected %s%s"), q,
                                n > 1 ? _("one of ") : "", list);
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
        ld, second, _("duplicate key %s (first at %zu:%zu); expected each key once"), q, line, col);
}

/* Finds duplicate keys in every object, reporting the first in text order:
 * each member is checked against its earlier siblings before its own value
 * is searched. Large objects use a strmap of their keys. */
int loader__check_duplicates(loader *ld, const cJSON *node) {
    if (!cJSON_IsObject(node)) {
        for (const cJSON *c = node->child; c; c = c->next)
            if (loader__check_duplicates(ld, c) != 0)
                return NS_ERR_INPUT;
        return 0;
    }
    size_t n = 0; /* counted up to 17 only: a large object's members are many cache misses */
    for (const cJSON *c = node->child; c && n <= 16; c = c->next)
        n++;
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
        else if (!(node == ld->root && (ld->flags & LOADER_NO_EXPECT) &&
                   strcmp(c->string, "expect") == 0))
            rc = loader__check_duplicates(ld, c);
    }
    strmap_free(seen);
    return rc;
}
