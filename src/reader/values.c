/*
 * reader/values: typed JSON values. Each function reads one value (or one
 * optional member of an object) of one kind, integer in a range, string,
 * duration, bit rate, probability, address, prefix, port, address range, host
 * name, checks it and reports a precise error through reader/report when it is
 * wrong. Optional scalar members (loader__opt_u32, _duration, _bool,
 * _probability) leave *out alone when absent, so callers set the default
 * first; the optional containers (loader__opt_object, _list) give NULL.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reader/internal.h"
#include "util/units.h"

#define LOADER_EXPECT_MASK _("a netmask whose 1 bits come first, e.g. \"255.255.255.0\" (/24)")
#define LOADER_EXPECT_DURATION                                                                     \
    _("a duration such as \"1.5ms\" (a number and a unit: ns, us, ms or s)")
#define LOADER_EXPECT_BITRATE                                                                      \
    _("a bit rate such as \"100Mbps\" (a number and a unit: bps, kbps, Mbps or Gbps)")
#define LOADER_EXPECT_RANGE _("\"first-last\", e.g. \"10.0.0.100-10.0.0.199\"")

char *loader__strdup(const char *s) {
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
}

const cJSON *loader__member(const cJSON *obj, const char *key) {
    return cJSON_GetObjectItemCaseSensitive(obj, key);
}

size_t loader__count(const cJSON *node) {
    size_t n = 0;
    for (const cJSON *c = node->child; c; c = c->next)
        n++;
    return n;
}

/* An integer lo..hi. */
int loader__int(loader *ld, const cJSON *node, long long lo, long long hi, long long *out) {
    char expected[96], v[96];
    if (!cJSON_IsNumber(node)) {
        snprintf(expected, sizeof expected, _("an integer from %lld to %lld"), lo, hi);
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
    snprintf(expected, sizeof expected, _("an integer from %lld to %lld"), lo, hi);
    loader__value_text(ld, node, v, sizeof v);
    if (!(d >= -9.0e18 && d <= 9.0e18))
        return loader__fail(ld, node, _("%s is out of range; expected %s"), v, expected);
    if ((double)x != d)
        return loader__fail(ld, node, _("%s is not an integer; expected %s"), v, expected);
    return loader__fail(ld, node, _("%s is out of range; expected %s"), v, expected);
}

/* An optional integer member: leaves *out alone when absent. */
int loader__opt_u32(loader *ld, const cJSON *obj, const char *key, long long lo, long long hi,
                    uint32_t *out) {
    const cJSON *n = loader__member(obj, key);
    long long x = 0;
    if (!n)
        return 0;
    if (loader__int(ld, n, lo, hi, &x) != 0)
        return NS_ERR_INPUT;
    *out = (uint32_t)x;
    return 0;
}

int loader__string(loader *ld, const cJSON *node, const char *expected, const char **out) {
    if (!cJSON_IsString(node))
        return loader__type_error(ld, node, expected);
    *out = node->valuestring;
    return 0;
}

int loader__duration(loader *ld, const cJSON *node, bool positive, uint64_t *out) {
    const char *s = NULL;
    char v[96];
    uint64_t ns = 0;
    if (loader__string(ld, node, LOADER_EXPECT_DURATION, &s) != 0)
        return NS_ERR_INPUT;
    loader__value_text(ld, node, v, sizeof v);
    if (units_parse_duration(s, &ns) != 0)
        return loader__fail(ld, node, _("%s is not a duration; expected %s"), v,
                            LOADER_EXPECT_DURATION);
    if (positive && ns == 0)
        return loader__fail(ld, node, _("%s is zero; expected a duration above zero, e.g. \"1s\""),
                            v);
    *out = ns;
    return 0;
}

/* An optional probability member (a number from 0 to 1): leaves *out alone
 * when absent. */
int loader__opt_probability(loader *ld, const cJSON *obj, const char *key, double *out) {
    const cJSON *n = loader__member(obj, key);
    const char *expected = _("a probability from 0 to 1, e.g. 0.1 for 10%");
    char v[96];
    if (!n)
        return 0;
    if (!cJSON_IsNumber(n))
        return loader__type_error(ld, n, expected);
    if (!(n->valuedouble >= 0.0 && n->valuedouble <= 1.0)) {
        loader__value_text(ld, n, v, sizeof v);
        return loader__fail(ld, n, _("%s is out of range; expected %s"), v, expected);
    }
    *out = n->valuedouble;
    return 0;
}

/* An optional duration member: leaves *out alone when absent. */
int loader__opt_duration(loader *ld, const cJSON *obj, const char *key, bool positive,
                         uint64_t *out) {
    const cJSON *n = loader__member(obj, key);
    return n ? loader__duration(ld, n, positive, out) : 0;
}

int loader__bitrate(loader *ld, const cJSON *node, uint64_t *out) {
    const char *s = NULL;
    char v[96];
    if (loader__string(ld, node, LOADER_EXPECT_BITRATE, &s) != 0)
        return NS_ERR_INPUT;
    if (units_parse_bitrate(s, out) != 0) {
        loader__value_text(ld, node, v, sizeof v);
        return loader__fail(ld, node, _("%s is not a bit rate above zero; expected %s"), v,
                            LOADER_EXPECT_BITRATE);
    }
    return 0;
}

/* Why `s`, written as a dotted quad (digits and dots, then maybe "/len"), is
 * not one, as " (300 is more than 255)"; "" when it is not written as one
 * ("dns1") or no single reason stands out. `netsim ip` names the part too. */
static void loader__quad_problem(const char *s, char *buf, size_t cap) {
    char why[96] = "";
    size_t n = strlen(s), parts = 1;
    const char *slash = strchr(s, '/');
    size_t end = slash ? (size_t)(slash - s) : n;
    buf[0] = '\0';
    if (n && (s[0] == ' ' || s[n - 1] == ' ')) {
        snprintf(buf, cap, _(" (%s)"), _("a space at the start or end"));
        return;
    }
    if (end == 0 || strspn(s, "0123456789.") != end)
        return;
    for (size_t i = 0, start = 0; i <= end && !why[0]; i++) {
        if (i < end && s[i] != '.')
            continue;
        int len = (int)(i - start);
        if (len == 0)
            snprintf(why, sizeof why, "%s", _("an empty number between dots"));
        else if (len > 1 && s[start] == '0')
            snprintf(why, sizeof why, _("%.*s has a leading zero"), len, s + start);
        else if (len > 3 || strtoul(s + start, NULL, 10) > 255)
            snprintf(why, sizeof why, _("%.*s is more than 255"), len, s + start);
        parts += i < end;
        start = i + 1;
    }
    if (!why[0] && parts != 4)
        snprintf(why, sizeof why, _("%zu numbers, not 4"), parts);
    if (!why[0] && slash && strspn(slash + 1, "0123456789") == strlen(slash + 1)) {
        const char *len = slash + 1;
        if (!*len)
            snprintf(why, sizeof why, "%s", _("nothing after '/'"));
        else if (strlen(len) > 1 && len[0] == '0')
            snprintf(why, sizeof why, _("prefix length %s has a leading zero"), len);
        else if (strlen(len) > 2 || strtoul(len, NULL, 10) > 32)
            snprintf(why, sizeof why, _("prefix length %s is more than 32"), len);
    }
    if (why[0])
        snprintf(buf, cap, _(" (%s)"), why);
}

/* A plain dotted quad (gateway, via, ping target). */
int loader__addr(loader *ld, const cJSON *node, ipv4_addr *out) {
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
                            _("%s has a prefix length; expected a plain address, e.g. \"%.*s\""), v,
                            (int)(strchr(s, '/') - s), s);
    char why[128];
    loader__quad_problem(s, why, sizeof why);
    /* TRANSLATORS: the second %s is empty or " (300 is more than 255)". */
    return loader__fail(ld, node, _("%s is not an IPv4 address%s; expected %s"), v, why,
                        LOADER_EXPECT_ADDR);
}

/* "a.b.c.d/len" or "a.b.c.d/m.m.m.m" (interface addresses, route
 * destinations, firewall networks): one parser, ipv4_parse_prefix_or_mask. */
int loader__prefix(loader *ld, const cJSON *node, ipv4_addr *addr, int *len) {
    const char *s = NULL;
    char v[96];
    ipv4_addr a = 0, mask = 0;
    if (loader__string(ld, node, LOADER_EXPECT_PREFIX, &s) != 0)
        return NS_ERR_INPUT;
    int rc = ipv4_parse_prefix_or_mask(s, addr, len, &mask);
    if (rc == 0)
        return 0;
    loader__value_text(ld, node, v, sizeof v);
    if (rc == -2) {
        char m[IPV4_TEXT_LEN];
        size_t n = (size_t)(strchr(s, '/') - s);
        return loader__fail(ld, node,
                            _("%s has %s, which is not a netmask: its 1 bits must come first; "
                              "expected e.g. \"%.*s/255.255.255.0\" or \"%.*s/24\""),
                            v, ipv4_format(mask, m), (int)n, s, (int)n, s);
    }
    if (ipv4_parse(s, &a) == 0)
        return loader__fail(ld, node,
                            _("%s has no prefix length; expected \"%s/24\" or \"%s/255.255.255.0\" "
                              "(a prefix length or a netmask after '/')"),
                            v, s, s);
    char why[128];
    loader__quad_problem(s, why, sizeof why);
    /* TRANSLATORS: the second %s is empty or " (300 is more than 255)". */
    return loader__fail(ld, node,
                        _("%s is not an IPv4 address with a prefix length%s; expected %s"), v, why,
                        LOADER_EXPECT_PREFIX);
}

/* A dotted netmask such as "255.255.255.0" (an interface's "netmask"): its
 * prefix length. */
int loader__netmask(loader *ld, const cJSON *node, int *len) {
    const char *s = NULL;
    char v[96];
    ipv4_addr mask = 0;
    if (loader__string(ld, node, LOADER_EXPECT_MASK, &s) != 0)
        return NS_ERR_INPUT;
    loader__value_text(ld, node, v, sizeof v);
    if (ipv4_parse(s, &mask) != 0)
        return loader__fail(ld, node, _("%s is not a netmask; expected %s"), v, LOADER_EXPECT_MASK);
    if ((*len = ipv4_mask_to_prefix(mask)) < 0)
        return loader__fail(ld, node,
                            _("%s is not a netmask: its 1 bits must come first; expected e.g. "
                              "\"255.255.255.0\" (/24)"),
                            v);
    return 0;
}

int loader__opt_bool(loader *ld, const cJSON *obj, const char *key, bool *out) {
    const cJSON *n = loader__member(obj, key);
    if (!n)
        return 0;
    if (!cJSON_IsBool(n))
        return loader__type_error(ld, n, _("true or false"));
    *out = cJSON_IsTrue(n);
    return 0;
}

/* One of names[0..n) as a string (`what` names the kind in "is not a ..."):
 * its index into *out. */
int loader__choice(loader *ld, const cJSON *node, const char *const *names, size_t n,
                   const char *what, size_t *out) {
    const char *s = NULL;
    char v[96], list[160];
    size_t k;
    loader__list(names, n, "", _(" or "), list, sizeof list);
    if (loader__string(ld, node, list, &s) != 0)
        return NS_ERR_INPUT;
    for (k = 0; k < n && strcmp(s, names[k]) != 0; k++)
        ;
    if (k == n) {
        loader__value_text(ld, node, v, sizeof v);
        return loader__fail(ld, node, _("%s is not %s; expected %s"), v, what, list);
    }
    *out = k;
    return 0;
}

/* The optional object member `key` of obj (`expected` describes it), holding
 * only keys[0..n_keys): *out, or NULL when absent. */
int loader__opt_object(loader *ld, const cJSON *obj, const char *key, const char *expected,
                       const char *const *keys, size_t n_keys, const cJSON **out) {
    const cJSON *node = loader__member(obj, key);
    *out = node;
    if (!node)
        return 0;
    if (!cJSON_IsObject(node))
        return loader__type_error(ld, node, expected);
    return loader__check_keys(ld, node, keys, n_keys, NULL);
}

/* The optional member `key` of obj, an array (an object when `object`)
 * described by `expected`: *out and its number of members *n, or NULL and 0
 * when absent. */
int loader__opt_list(loader *ld, const cJSON *obj, const char *key, bool object,
                     const char *expected, const cJSON **out, size_t *n) {
    const cJSON *node = loader__member(obj, key);
    *out = node;
    *n = 0;
    if (!node)
        return 0;
    if (object ? !cJSON_IsObject(node) : !cJSON_IsArray(node))
        return loader__type_error(ld, node, expected);
    *n = loader__count(node);
    return 0;
}

/* The member `key` of obj: an object with at least one member, e.g. "files"
 * (`expected` describes it). Sets *out and its number of members *n. */
int loader__entries(loader *ld, const cJSON *obj, const char *key, const char *expected,
                    const cJSON **out, size_t *n) {
    const cJSON *node = loader__member(obj, key);
    if (!node)
        return loader__missing(ld, obj, key, expected);
    if (!cJSON_IsObject(node))
        return loader__type_error(ld, node, expected);
    *n = loader__count(node);
    if (*n == 0)
        return loader__fail(ld, node, _("{} has no %s; expected %s"), key, expected);
    *out = node;
    return 0;
}

/* "a.b.c.d-a.b.c.d". */
int loader__range(loader *ld, const cJSON *node, ipv4_addr *lo, ipv4_addr *hi) {
    const char *s = NULL;
    char v[96], first[32];
    if (loader__string(ld, node, LOADER_EXPECT_RANGE, &s) != 0)
        return NS_ERR_INPUT;
    loader__value_text(ld, node, v, sizeof v);
    const char *dash = strchr(s, '-');
    size_t n = dash ? (size_t)(dash - s) : 0;
    if (!dash || n >= sizeof first)
        return loader__fail(ld, node, _("%s is not an address range; expected %s"), v,
                            LOADER_EXPECT_RANGE);
    memcpy(first, s, n);
    first[n] = '\0';
    if (ipv4_parse(first, lo) != 0 || ipv4_parse(dash + 1, hi) != 0)
        return loader__fail(ld, node, _("%s is not an address range; expected %s"), v,
                            LOADER_EXPECT_RANGE);
    if (*lo > *hi)
        return loader__fail(ld, node,
                            _("%s runs backwards; expected the lower address first: \"%s-%s\""), v,
                            dash + 1, first);
    return 0;
}

/* An address a host can send to: not 0.0.0.0, multicast or a broadcast. */
int loader__unicast(loader *ld, const cJSON *node, ipv4_addr a) {
    char v[96];
    loader__value_text(ld, node, v, sizeof v);
    if (a == 0 || ipv4_is_multicast(a) || (a >> 28) == 0xf)
        return loader__fail(ld, node, _("%s is not a unicast address; expected %s"), v,
                            _("the address of one host, e.g. \"10.0.0.53\""));
    return 0;
}

/* A host name (RFC 1123 section 2.1, RFC 1035 section 2.3.1): dot-separated
 * labels of 1-63 letters, digits and '-', not starting or ending with '-', at
 * most 253 characters (one trailing dot allowed), and a last label that is not
 * all digits (so "10.0.2" is a mistyped address, not a name). */
bool loader__host_name_ok(const char *s) {
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
char *loader__host_name_dup(const char *s) {
    char *copy = loader__strdup(s);
    size_t n = copy ? strlen(copy) : 0;
    if (n > 1 && copy[n - 1] == '.')
        copy[n - 1] = '\0';
    return copy;
}

/* Whether a string holds only digits and dots: meant as an address. */
bool loader__looks_numeric(const char *s) {
    for (; *s; s++)
        if (!((*s >= '0' && *s <= '9') || *s == '.'))
            return false;
    return true;
}

/* A copy of the string value `node` into *out (and its length into *len
 * when non-NULL), at most `max` bytes. */
int loader__text(loader *ld, const cJSON *node, const char *expected, size_t max, char **out,
                 size_t *len) {
    const char *s = NULL;
    if (loader__string(ld, node, expected, &s) != 0)
        return NS_ERR_INPUT;
    size_t n = strlen(s);
    if (n > max) {
        char v[96];
        loader__value_text(ld, node, v, sizeof v);
        return loader__fail(ld, node, _("%s is %zu bytes long; expected at most %zu bytes (%s)"), v,
                            n, max, expected);
    }
    if (!(*out = loader__strdup(s)))
        return loader__nomem(ld);
    if (len)
        *len = n;
    return 0;
}

/* A port number 1-65535 under `key`; `example` completes the missing-key
 * message when the key is required (NULL: optional, *out left alone). */
int loader__port(loader *ld, const cJSON *obj, const char *key, const char *example, uint16_t *out,
                 const cJSON **node) {
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
