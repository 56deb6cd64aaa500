/*
 * reader/expect: the expectations of docs/grading.md, inline (a topology's
 * "expect") or in a checks file ({"expect": [...]}). One table row per check
 * kind at the end of the file: its keys and its reader. Inline, every device
 * and link name is checked against the topology (a load error with a
 * did-you-mean); a checks file is read without a topology (ld->t is NULL),
 * so its names are resolved when a check is evaluated.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reader/internal.h"
#include "trace/trace.h"
#include "wire/arp.h"
#include "wire/icmp.h"
#include "wire/tcp.h"

#define EXPECT_HINT_TIME _("a time such as \"2s\" or \"500ms\"")

/* A device name into *out (a copy); checked when the topology is known. */
static int loader__expect_device(loader *ld, const cJSON *node, char **out) {
    const char *s = NULL;
    if (loader__string(ld, node, _("the name of a device"), &s) != 0)
        return NS_ERR_INPUT;
    if (ld->t && strmap_get(ld->names, s) < 0)
        return loader__unknown_device(ld, node, s, false, _("the name of a device"));
    if (!(*out = loader__strdup(s)))
        return loader__nomem(ld);
    return 0;
}

static int loader__expect_opt_device(loader *ld, const cJSON *obj, const char *key, char **out) {
    const cJSON *n = loader__member(obj, key);
    return n ? loader__expect_device(ld, n, out) : 0;
}

/* An IPv4 address or a device name ("to", "src", "dst"). */
static int loader__expect_host(loader *ld, const cJSON *node, char **out) {
    const char *s = NULL;
    ipv4_addr a;
    if (loader__string(ld, node, _("an IPv4 address or a device name"), &s) != 0)
        return NS_ERR_INPUT;
    if (ipv4_parse(s, &a) != 0 && loader__looks_numeric(s))
        return loader__addr(ld, node, &a);
    if (ipv4_parse(s, &a) != 0 && ld->t && strmap_get(ld->names, s) < 0)
        return loader__unknown_device(ld, node, s, false, _("an IPv4 address or a device name"));
    if (!(*out = loader__strdup(s)))
        return loader__nomem(ld);
    return 0;
}

static int loader__expect_string(loader *ld, const cJSON *obj, const char *key, char **out) {
    const cJSON *n = loader__member(obj, key);
    const char *s = NULL;
    if (!n)
        return 0;
    if (loader__string(ld, n, _("a string"), &s) != 0)
        return NS_ERR_INPUT;
    if (!(*out = loader__strdup(s)))
        return loader__nomem(ld);
    return 0;
}

static int loader__expect_addr(loader *ld, const cJSON *obj, const char *key, char **out) {
    const cJSON *n = loader__member(obj, key);
    ipv4_addr a;
    if (!n)
        return 0;
    if (loader__addr(ld, n, &a) != 0)
        return NS_ERR_INPUT;
    if (!(*out = loader__strdup(n->valuestring)))
        return loader__nomem(ld);
    return 0;
}

static int loader__expect_mac(loader *ld, const cJSON *n, mac_addr *out) {
    const char *expected = _("a MAC address such as \"02:00:00:00:00:01\", or \"broadcast\"");
    const char *s = NULL;
    char v[96];
    if (loader__string(ld, n, expected, &s) != 0)
        return NS_ERR_INPUT;
    if (strcmp(s, "broadcast") == 0) {
        memset(out->b, 0xff, sizeof out->b);
        return 0;
    }
    if (mac_parse(s, out) != 0) {
        loader__value_text(ld, n, v, sizeof v);
        return loader__fail(ld, n, _("%s is not a MAC address; expected %s"), v, expected);
    }
    return 0;
}

/* "SYN,ACK": exactly these flags. */
static int loader__expect_tcp_flags(loader *ld, const cJSON *n, uint8_t *out) {
    static const char *const names[] = {"FIN", "SYN", "RST", "PSH", "ACK", "URG"};
    const char *expected =
        _("TCP flags such as \"SYN\" or \"SYN,ACK\" (FIN, SYN, RST, PSH, ACK, URG)");
    const char *s = NULL;
    char v[96];
    if (loader__string(ld, n, expected, &s) != 0)
        return NS_ERR_INPUT;
    *out = 0;
    for (const char *p = s; *p;) {
        size_t len = strcspn(p, ",");
        size_t k = 0;
        while (k < 6 && !(strlen(names[k]) == len && strncmp(p, names[k], len) == 0))
            k++;
        if (k == 6) {
            loader__value_text(ld, n, v, sizeof v);
            return loader__fail(ld, n, _("%s is not a list of TCP flags; expected %s"), v,
                                expected);
        }
        *out |= (uint8_t)(1u << k); /* TCP_FIN 0x01 ... TCP_URG 0x20, in this order */
        p += len;
        if (*p == ',')
            p++;
    }
    if (*out == 0) {
        loader__value_text(ld, n, v, sizeof v);
        return loader__fail(ld, n, _("%s is not a list of TCP flags; expected %s"), v, expected);
    }
    return 0;
}

static int loader__expect_pick(loader *ld, const cJSON *n, const char *const *names,
                               const int *values, size_t count, const char *what, int *out) {
    size_t k = 0;
    if (loader__choice(ld, n, names, count, what, &k) != 0)
        return NS_ERR_INPUT;
    *out = values[k];
    return 0;
}

static const char *const loader__selector_keys[] = {
    "id",  "from",  "proto", "icmp",    "arp",     "tcp_flags",      "src",
    "dst", "sport", "dport", "mac_src", "mac_dst", "retransmission", "nth"};

/* A packet selector (`one`: "nth" allowed) into *sel. */
static int loader__selector(loader *ld, const cJSON *n, bool one, expect_selector *sel) {
    static const char *const protos[] = {"arp", "icmp", "udp", "tcp", "dhcp", "dns"};
    static const char *const icmps[] = {"echo-request", "echo-reply", "time-exceeded",
                                        "unreachable"};
    static const int icmp_types[] = {ICMP_ECHO_REQUEST, ICMP_ECHO_REPLY, ICMP_TIME_EXCEEDED,
                                     ICMP_DEST_UNREACHABLE};
    static const char *const arps[] = {"request", "reply"};
    static const int arp_ops[] = {ARP_OP_REQUEST, ARP_OP_REPLY};
    const cJSON *m;
    size_t k = 0;
    int x = 0;
    long long id = 0;
    sel->nth = 1;
    if (!cJSON_IsObject(n))
        return loader__type_error(ld, n,
                                  _("a packet selector such as {\"from\": \"A\", \"icmp\": "
                                    "\"echo-request\"}"));
    if (loader__check_keys(ld, n, loader__selector_keys, one ? 14 : 13, NULL) != 0)
        return NS_ERR_INPUT;
    if ((m = loader__member(n, "id"))) {
        if (loader__int(ld, m, 1, UINT32_MAX, &id) != 0)
            return NS_ERR_INPUT;
        sel->id = (uint32_t)id;
        sel->has |= EXPECT_SEL_ID;
    }
    if ((m = loader__member(n, "from"))) {
        if (loader__expect_device(ld, m, &sel->from) != 0)
            return NS_ERR_INPUT;
        sel->has |= EXPECT_SEL_FROM;
    }
    if ((m = loader__member(n, "proto"))) {
        if (loader__choice(ld, m, protos, 6, _("a protocol"), &k) != 0)
            return NS_ERR_INPUT;
        if (!(sel->proto = loader__strdup(protos[k])))
            return loader__nomem(ld);
        sel->has |= EXPECT_SEL_PROTO;
    }
    if ((m = loader__member(n, "icmp"))) {
        if (loader__expect_pick(ld, m, icmps, icmp_types, 4, _("an ICMP message"), &x) != 0)
            return NS_ERR_INPUT;
        sel->icmp_type = (uint8_t)x;
        sel->has |= EXPECT_SEL_ICMP;
    }
    if ((m = loader__member(n, "arp"))) {
        if (loader__expect_pick(ld, m, arps, arp_ops, 2, _("an ARP operation"), &x) != 0)
            return NS_ERR_INPUT;
        sel->arp_op = (uint16_t)x;
        sel->has |= EXPECT_SEL_ARP;
    }
    if ((m = loader__member(n, "tcp_flags"))) {
        if (loader__expect_tcp_flags(ld, m, &sel->tcp_flags) != 0)
            return NS_ERR_INPUT;
        sel->has |= EXPECT_SEL_TCP_FLAGS;
    }
    if ((m = loader__member(n, "src"))) {
        if (loader__expect_host(ld, m, &sel->src) != 0)
            return NS_ERR_INPUT;
        sel->has |= EXPECT_SEL_SRC;
    }
    if ((m = loader__member(n, "dst"))) {
        if (loader__expect_host(ld, m, &sel->dst) != 0)
            return NS_ERR_INPUT;
        sel->has |= EXPECT_SEL_DST;
    }
    const cJSON *node;
    if (loader__port(ld, n, "sport", NULL, &sel->sport, &node) != 0)
        return NS_ERR_INPUT;
    sel->has |= node ? EXPECT_SEL_SPORT : 0;
    if (loader__port(ld, n, "dport", NULL, &sel->dport, &node) != 0)
        return NS_ERR_INPUT;
    sel->has |= node ? EXPECT_SEL_DPORT : 0;
    if ((m = loader__member(n, "mac_src"))) {
        if (loader__expect_mac(ld, m, &sel->mac_src) != 0)
            return NS_ERR_INPUT;
        sel->has |= EXPECT_SEL_MAC_SRC;
    }
    if ((m = loader__member(n, "mac_dst"))) {
        if (loader__expect_mac(ld, m, &sel->mac_dst) != 0)
            return NS_ERR_INPUT;
        sel->has |= EXPECT_SEL_MAC_DST;
    }
    if ((m = loader__member(n, "retransmission"))) {
        if (loader__opt_bool(ld, n, "retransmission", &sel->retransmission) != 0)
            return NS_ERR_INPUT;
        sel->has |= EXPECT_SEL_RETRANSMISSION;
    }
    if ((m = loader__member(n, "nth"))) {
        if (cJSON_IsString(m) && strcmp(m->valuestring, "last") == 0) {
            sel->nth = 0;
        } else if (!cJSON_IsNumber(m)) {
            return loader__type_error(ld, m, _("a match number from 1, or \"last\""));
        } else {
            if (loader__int(ld, m, 1, UINT32_MAX, &id) != 0)
                return NS_ERR_INPUT;
            sel->nth = (uint32_t)id;
        }
    }
    return 0;
}

static int loader__opt_selector(loader *ld, const cJSON *obj, const char *key, bool one,
                                bool required, expect_selector *sel) {
    const cJSON *n = loader__member(obj, key);
    sel->nth = 1;
    if (!n && required)
        return loader__missing(ld, obj, key,
                               _("a packet selector such as {\"from\": \"A\", \"icmp\": "
                                 "\"echo-request\"}"));
    return n ? loader__selector(ld, n, one, sel) : 0;
}

static int loader__expect_time(loader *ld, const cJSON *obj, const char *key, bool *has,
                               uint64_t *out) {
    const cJSON *n = loader__member(obj, key);
    if (!n)
        return 0;
    *has = true;
    return loader__duration(ld, n, false, out);
}

/* "on" (required), "by", "succeeds": what every application check has. */
static int loader__expect_app(loader *ld, const cJSON *obj, expect_check *c) {
    const cJSON *on = loader__member(obj, "on");
    c->succeeds = true;
    if (!on)
        return loader__missing(ld, obj, "on", _("\"on\": the name of a host"));
    if (loader__expect_device(ld, on, &c->on) != 0 ||
        loader__expect_time(ld, obj, "by", &c->has_by, &c->by_ns) != 0 ||
        loader__opt_bool(ld, obj, "succeeds", &c->succeeds) != 0)
        return NS_ERR_INPUT;
    return 0;
}

static int loader__expect_to(loader *ld, const cJSON *obj, expect_check *c) {
    const cJSON *to = loader__member(obj, "to");
    if (!to)
        return loader__missing(ld, obj, "to", _("\"to\": an IPv4 address or a device name"));
    return loader__expect_host(ld, to, &c->to);
}

static int loader__expect_ping(loader *ld, const cJSON *obj, expect_check *c) {
    const cJSON *r = loader__member(obj, "replies");
    if (loader__expect_app(ld, obj, c) != 0 || loader__expect_to(ld, obj, c) != 0 ||
        loader__opt_u32(ld, obj, "replies", 0, 1000000, &c->replies) != 0)
        return NS_ERR_INPUT;
    c->has_replies = r != NULL;
    return 0;
}

static int loader__expect_connect(loader *ld, const cJSON *obj, expect_check *c) {
    const cJSON *node;
    if (loader__expect_app(ld, obj, c) != 0 || loader__expect_to(ld, obj, c) != 0 ||
        loader__port(ld, obj, "port", _("the server's port, e.g. 80"), &c->port, &node) != 0)
        return NS_ERR_INPUT;
    return 0;
}

static int loader__expect_download(loader *ld, const cJSON *obj, expect_check *c) {
    if (loader__expect_app(ld, obj, c) != 0 || loader__expect_string(ld, obj, "file", &c->file))
        return NS_ERR_INPUT;
    return 0;
}

static int loader__expect_http(loader *ld, const cJSON *obj, expect_check *c) {
    c->status = 200;
    if (loader__expect_app(ld, obj, c) != 0 ||
        loader__opt_u32(ld, obj, "status", 100, 599, &c->status) != 0)
        return NS_ERR_INPUT;
    return 0;
}

static int loader__expect_dhcp(loader *ld, const cJSON *obj, expect_check *c) {
    if (loader__expect_app(ld, obj, c) != 0 ||
        loader__expect_addr(ld, obj, "address", &c->address) != 0)
        return NS_ERR_INPUT;
    return 0;
}

/* dns: "name" is the name looked up (the shown line is generated). */
static int loader__expect_dns(loader *ld, const cJSON *obj, expect_check *c) {
    const cJSON *n = loader__member(obj, "name");
    if (loader__expect_app(ld, obj, c) != 0)
        return NS_ERR_INPUT;
    if (!n)
        return loader__missing(ld, obj, "name",
                               _("\"name\": the host name, e.g. \"www.example.com\""));
    if (loader__expect_string(ld, obj, "name", &c->dns_name) != 0 ||
        loader__expect_addr(ld, obj, "answer", &c->answer) != 0)
        return NS_ERR_INPUT;
    return 0;
}

/* A non-empty list of device names. */
static int loader__expect_devices(loader *ld, const cJSON *n, char ***out, size_t *count) {
    const char *expected = _("a list of device names, e.g. [\"A\", \"sw1\", \"r1\"]");
    if (!cJSON_IsArray(n) || loader__count(n) == 0)
        return loader__type_error(ld, n, expected);
    if (!(*out = calloc(loader__count(n), sizeof **out)))
        return loader__nomem(ld);
    for (const cJSON *d = n->child; d; d = d->next)
        if (loader__expect_device(ld, d, &(*out)[(*count)++]) != 0)
            return NS_ERR_INPUT;
    return 0;
}

static int loader__expect_path(loader *ld, const cJSON *obj, expect_check *c) {
    const cJSON *path = loader__member(obj, "path"), *via = loader__member(obj, "via");
    if (loader__opt_selector(ld, obj, "packet", true, true, &c->packet) != 0)
        return NS_ERR_INPUT;
    if (path && via)
        return loader__fail_key(ld, via,
                                _("\"via\" and \"path\" both given; expected one of them"));
    if (!path && !via)
        return loader__missing(ld, obj, "path",
                               _("\"path\": the devices in order, or \"via\": devices it crosses"));
    c->via = via != NULL;
    return loader__expect_devices(ld, via ? via : path, &c->path, &c->n_path);
}

/* "link": its two ends as a fault names them; the link must exist inline. */
static int loader__expect_link(loader *ld, const cJSON *obj, expect_check *c) {
    const cJSON *l = loader__member(obj, "link");
    const char *expected = _("the link's two ends, e.g. [\"sw1\", \"r1.eth0\"]");
    if (!l)
        return 0;
    if (!cJSON_IsArray(l) || loader__count(l) != 2 || !cJSON_IsString(l->child) ||
        !cJSON_IsString(l->child->next))
        return loader__type_error(ld, l, expected);
    const char *x = l->child->valuestring, *y = l->child->next->valuestring;
    size_t which = 0;
    char v[160];
    snprintf(v, sizeof v, "[\"%.60s\", \"%.60s\"]", x, y);
    size_t found = ld->t ? model_links_joining(ld->t, x, y, &which) : 1;
    if (found == 0)
        return loader__fail(ld, l, _("%s: no link joins these; expected %s"), v, expected);
    if (found > 1)
        return loader__fail(ld, l,
                            _("%s: %zu links join these; expected the ports named, e.g. "
                              "[\"sw1.p1\", \"sw2.p1\"]"),
                            v, found);
    c->has_link = true;
    if (!(c->link.end[0] = loader__strdup(x)) || !(c->link.end[1] = loader__strdup(y)))
        return loader__nomem(ld);
    return 0;
}

static int loader__expect_header(loader *ld, const cJSON *obj, expect_check *c) {
    expect_selector *h = &c->header;
    const cJSON *m, *node;
    long long ttl = 0;
    if (loader__opt_selector(ld, obj, "packet", true, true, &c->packet) != 0 ||
        loader__expect_opt_device(ld, obj, "at", &c->at) != 0 || loader__expect_link(ld, obj, c))
        return NS_ERR_INPUT;
    if (!c->at == !c->has_link)
        return loader__missing(ld, obj, "at",
                               _("one of \"at\": the device that received it, or \"link\""));
    if ((m = loader__member(obj, "ttl"))) {
        if (loader__int(ld, m, 0, 255, &ttl) != 0)
            return NS_ERR_INPUT;
        h->ttl = (uint8_t)ttl;
        h->has |= EXPECT_SEL_TTL;
    }
    if ((m = loader__member(obj, "mac_src"))) {
        if (loader__expect_mac(ld, m, &h->mac_src) != 0)
            return NS_ERR_INPUT;
        h->has |= EXPECT_SEL_MAC_SRC;
    }
    if ((m = loader__member(obj, "mac_dst"))) {
        if (loader__expect_mac(ld, m, &h->mac_dst) != 0)
            return NS_ERR_INPUT;
        h->has |= EXPECT_SEL_MAC_DST;
    }
    if (loader__expect_addr(ld, obj, "src", &h->src) != 0 ||
        loader__expect_addr(ld, obj, "dst", &h->dst) != 0)
        return NS_ERR_INPUT;
    h->has |= (h->src ? EXPECT_SEL_SRC : 0) | (h->dst ? EXPECT_SEL_DST : 0);
    if (loader__port(ld, obj, "sport", NULL, &h->sport, &node) != 0)
        return NS_ERR_INPUT;
    h->has |= node ? EXPECT_SEL_SPORT : 0;
    if (loader__port(ld, obj, "dport", NULL, &h->dport, &node) != 0)
        return NS_ERR_INPUT;
    h->has |= node ? EXPECT_SEL_DPORT : 0;
    if (!h->has)
        return loader__missing(ld, obj, "ttl",
                               _("at least one header value: \"ttl\", \"mac_src\", \"mac_dst\", "
                                 "\"src\", \"dst\", \"sport\" or \"dport\""));
    return 0;
}

static int loader__expect_u64(loader *ld, const cJSON *obj, const char *key, bool *has,
                              uint64_t *out) {
    const cJSON *n = loader__member(obj, key);
    long long x = 0;
    if (!n)
        return 0;
    if (loader__int(ld, n, 0, 1000000000000LL, &x) != 0)
        return NS_ERR_INPUT;
    *has = true;
    *out = (uint64_t)x;
    return 0;
}

static int loader__expect_count(loader *ld, const cJSON *obj, expect_check *c) {
    if (loader__opt_selector(ld, obj, "frames", false, true, &c->packet) != 0 ||
        loader__expect_link(ld, obj, c) != 0 ||
        loader__expect_opt_device(ld, obj, "seen_by", &c->seen_by) != 0 ||
        loader__expect_opt_device(ld, obj, "sent_by", &c->sent_by) != 0 ||
        loader__expect_u64(ld, obj, "equals", &c->has_equals, &c->equals) != 0 ||
        loader__expect_u64(ld, obj, "min", &c->has_min, &c->min) != 0 ||
        loader__expect_u64(ld, obj, "max", &c->has_max, &c->max) != 0 ||
        loader__expect_time(ld, obj, "by", &c->has_by, &c->by_ns) != 0)
        return NS_ERR_INPUT;
    if ((int)c->has_link + (c->seen_by != NULL) + (c->sent_by != NULL) != 1)
        return loader__missing(ld, obj, "link",
                               _("exactly one of \"link\", \"seen_by\" or \"sent_by\""));
    if (c->has_equals == (c->has_min || c->has_max))
        return loader__missing(ld, obj, "equals", _("\"equals\", or \"min\" and/or \"max\""));
    return 0;
}

static int loader__expect_drop(loader *ld, const cJSON *obj, expect_check *c) {
    const char *names[TRACE_REASON_COUNT_];
    const cJSON *on = loader__member(obj, "on"), *r = loader__member(obj, "reason");
    const char *s = NULL;
    char v[96];
    if (!on)
        return loader__missing(ld, obj, "on", _("\"on\": the device that drops"));
    if (!r)
        return loader__missing(ld, obj, "reason",
                               _("\"reason\": a drop reason, e.g. \"no_route\""));
    if (loader__expect_device(ld, on, &c->on) != 0 ||
        loader__string(ld, r, _("a drop reason, e.g. \"no_route\""), &s) != 0)
        return NS_ERR_INPUT;
    for (size_t k = 1; k < TRACE_REASON_COUNT_; k++)
        names[k - 1] = trace_reason_name((trace_reason)k);
    c->reason = 0;
    for (size_t k = 1; k < TRACE_REASON_COUNT_; k++)
        if (strcmp(s, names[k - 1]) == 0)
            c->reason = (int)k;
    if (!c->reason) {
        loader__value_text(ld, r, v, sizeof v);
        const char *sug = suggest_closest(s, names, TRACE_REASON_COUNT_ - 1);
        if (sug)
            return loader__fail(ld, r, _("%s is not a drop reason; did you mean \"%s\"?"), v, sug);
        return loader__fail(ld, r,
                            _("%s is not a drop reason; expected a name from docs/trace-format.md, "
                              "e.g. \"no_route\" or \"ttl_expired\""),
                            v);
    }
    c->has_count = loader__member(obj, "count") != NULL;
    if (loader__opt_selector(ld, obj, "packet", false, false, &c->packet) != 0 ||
        loader__expect_time(ld, obj, "by", &c->has_by, &c->by_ns) != 0 ||
        loader__opt_u32(ld, obj, "count", 0, 1000000000, &c->count) != 0)
        return NS_ERR_INPUT;
    return 0;
}

/* One "has"/"lacks" row: an object of field names and values (strings or numbers). */
static int loader__expect_row(loader *ld, const cJSON *n, expect_row *row) {
    const char *expected = _("row fields such as {\"ip\": \"10.0.0.2\"}");
    if (!cJSON_IsObject(n) || loader__count(n) == 0)
        return loader__type_error(ld, n, expected);
    size_t count = loader__count(n);
    row->names = calloc(count, sizeof *row->names);
    row->values = calloc(count, sizeof *row->values);
    if (!row->names || !row->values)
        return loader__nomem(ld);
    for (const cJSON *f = n->child; f; f = f->next) {
        char num[48];
        const char *s = NULL;
        if (cJSON_IsNumber(f)) {
            loader__value_text(ld, f, num, sizeof num);
            s = num;
        } else if (loader__string(ld, f, _("a string or a number"), &s) != 0) {
            return NS_ERR_INPUT;
        }
        row->names[row->n] = loader__strdup(f->string);
        row->values[row->n] = loader__strdup(s);
        if (!row->names[row->n] || !row->values[row->n++])
            return loader__nomem(ld);
    }
    return 0;
}

static int loader__expect_rows(loader *ld, const cJSON *obj, const char *key, expect_row **out,
                               size_t *count) {
    const cJSON *n = loader__member(obj, key);
    if (!n)
        return 0;
    size_t total = cJSON_IsArray(n) ? loader__count(n) : 1;
    if (cJSON_IsArray(n) && total == 0)
        return loader__type_error(ld, n, _("a row's fields, or a list of them"));
    if (!(*out = calloc(total, sizeof **out)))
        return loader__nomem(ld);
    if (!cJSON_IsArray(n)) {
        *count = 1;
        return loader__expect_row(ld, n, &(*out)[0]);
    }
    for (const cJSON *r = n->child; r; r = r->next)
        if (loader__expect_row(ld, r, &(*out)[(*count)++]) != 0)
            return NS_ERR_INPUT;
    return 0;
}

static int loader__expect_table(loader *ld, const cJSON *obj, expect_check *c) {
    const char *names[TRACE_SHOW_COUNT_];
    const cJSON *on = loader__member(obj, "on"), *t = loader__member(obj, "table");
    const cJSON *at = loader__member(obj, "at"), *rows = loader__member(obj, "rows");
    size_t k = 0;
    for (size_t i = 0; i < TRACE_SHOW_COUNT_; i++)
        names[i] = trace_show_table_name((trace_show_table)i);
    if (!on)
        return loader__missing(ld, obj, "on", _("\"on\": the device whose table it is"));
    if (!t)
        return loader__missing(ld, obj, "table", _("\"table\": a table name, e.g. \"arp\""));
    if (loader__expect_device(ld, on, &c->on) != 0 ||
        loader__choice(ld, t, names, TRACE_SHOW_COUNT_, _("a table"), &k) != 0)
        return NS_ERR_INPUT;
    c->table = (uint8_t)k;
    c->at_end = !at || (cJSON_IsString(at) && strcmp(at->valuestring, "end") == 0);
    if (!c->at_end && loader__duration(ld, at, false, &c->at_ns) != 0)
        return NS_ERR_INPUT;
    c->has_rows = rows != NULL;
    if (loader__expect_rows(ld, obj, "has", &c->has, &c->n_has) != 0 ||
        loader__expect_rows(ld, obj, "lacks", &c->lacks, &c->n_lacks) != 0 ||
        loader__opt_u32(ld, obj, "rows", 0, 1000000000, &c->rows) != 0)
        return NS_ERR_INPUT;
    if (!c->n_has && !c->n_lacks && !c->has_rows)
        return loader__missing(ld, obj, "has", _("\"has\", \"lacks\" or \"rows\""));
    return 0;
}

/* One row per kind, in expect_kind order: its own keys ("check", "name",
 * "hint" and "points" are every check's) and its reader. */
typedef struct loader__expect_spec {
    const char *const *keys;
    size_t n_keys;
    int (*read)(loader *ld, const cJSON *obj, expect_check *c);
} loader__expect_spec;

#define EXPECT_COMMON "check", "name", "hint", "points"
static const char *const k_ping[] = {EXPECT_COMMON, "on", "to", "by", "succeeds", "replies"};
static const char *const k_connect[] = {EXPECT_COMMON, "on", "to", "port", "by", "succeeds"};
static const char *const k_download[] = {EXPECT_COMMON, "on", "file", "by", "succeeds"};
static const char *const k_http[] = {EXPECT_COMMON, "on", "status", "by", "succeeds"};
static const char *const k_dhcp[] = {EXPECT_COMMON, "on", "address", "by", "succeeds"};
static const char *const k_dns[] = {EXPECT_COMMON, "on", "answer", "by", "succeeds"};
static const char *const k_path[] = {EXPECT_COMMON, "packet", "path", "via"};
static const char *const k_header[] = {EXPECT_COMMON, "packet", "at",  "link",  "ttl",  "mac_src",
                                       "mac_dst",     "src",    "dst", "sport", "dport"};
static const char *const k_count[] = {EXPECT_COMMON, "frames", "link", "seen_by", "sent_by",
                                      "equals",      "min",    "max",  "by"};
static const char *const k_drop[] = {EXPECT_COMMON, "on", "reason", "packet", "by", "count"};
static const char *const k_table[] = {EXPECT_COMMON, "on", "table", "at", "has", "lacks", "rows"};

static const loader__expect_spec loader__expect_specs[EXPECT_KINDS_] = {
    {LOADER_KEYS(k_ping), loader__expect_ping},
    {LOADER_KEYS(k_connect), loader__expect_connect},
    {LOADER_KEYS(k_download), loader__expect_download},
    {LOADER_KEYS(k_http), loader__expect_http},
    {LOADER_KEYS(k_dhcp), loader__expect_dhcp},
    {LOADER_KEYS(k_dns), loader__expect_dns},
    {LOADER_KEYS(k_path), loader__expect_path},
    {LOADER_KEYS(k_header), loader__expect_header},
    {LOADER_KEYS(k_count), loader__expect_count},
    {LOADER_KEYS(k_drop), loader__expect_drop},
    {LOADER_KEYS(k_table), loader__expect_table},
};

static int loader__expect_check(loader *ld, const cJSON *obj, expect_check *c) {
    const char *kinds[EXPECT_KINDS_];
    const char *expected = _("a check such as {\"check\": \"ping\", \"on\": \"A\", \"to\": "
                             "\"10.0.0.2\"}");
    const char *s = NULL;
    char v[96], list[300];
    if (!cJSON_IsObject(obj))
        return loader__type_error(ld, obj, expected);
    const cJSON *kind = loader__member(obj, "check");
    for (size_t k = 0; k < EXPECT_KINDS_; k++)
        kinds[k] = expect_kind_name((expect_kind)k);
    if (!kind)
        return loader__missing(ld, obj, "check", _("\"check\": a check kind, e.g. \"ping\""));
    if (loader__string(ld, kind, _("a check kind, e.g. \"ping\""), &s) != 0)
        return NS_ERR_INPUT;
    size_t k = 0;
    while (k < EXPECT_KINDS_ && strcmp(s, kinds[k]) != 0)
        k++;
    if (k == EXPECT_KINDS_) {
        loader__value_text(ld, kind, v, sizeof v);
        const char *sug = suggest_closest(s, kinds, EXPECT_KINDS_);
        if (sug)
            return loader__fail(ld, kind, _("%s is not a check; did you mean \"%s\"?"), v, sug);
        loader__list(kinds, EXPECT_KINDS_, "", _(" or "), list, sizeof list);
        return loader__fail(ld, kind, _("%s is not a check; expected one of %s"), v, list);
    }
    const loader__expect_spec *spec = &loader__expect_specs[k];
    c->kind = (expect_kind)k;
    c->points = 1;
    if (loader__check_keys(ld, obj, spec->keys, spec->n_keys, NULL) != 0 ||
        (c->kind != EXPECT_DNS && loader__expect_string(ld, obj, "name", &c->name) != 0) ||
        loader__expect_string(ld, obj, "hint", &c->hint) != 0 ||
        loader__opt_u32(ld, obj, "points", 0, 1000000, &c->points) != 0)
        return NS_ERR_INPUT;
    return spec->read(ld, obj, c);
}

/* The "expect" member of `obj` into *e. */
static int loader__expect_list(loader *ld, const cJSON *obj, model_expect *e) {
    const cJSON *list = NULL;
    size_t n = 0;
    if (loader__opt_list(ld, obj, "expect", false,
                         _("an array of checks, e.g. [{\"check\": \"ping\", \"on\": \"A\", "
                           "\"to\": \"10.0.0.2\"}]"),
                         &list, &n) != 0)
        return NS_ERR_INPUT;
    if (n == 0)
        return 0;
    if (!(e->checks = calloc(n, sizeof *e->checks)))
        return loader__nomem(ld);
    for (const cJSON *c = list->child; c; c = c->next)
        if (loader__expect_check(ld, c, &e->checks[e->n_checks++]) != 0)
            return NS_ERR_INPUT;
    return 0;
}

int loader__expect(loader *ld, const cJSON *root) {
    return loader__expect_list(ld, root, &ld->t->expect);
}

int loader__expect_file(loader *ld, model_expect *e) {
    static const char *const keys[] = {"name", "description", "expect"};
    const cJSON *root = ld->root;
    if (!cJSON_IsObject(root))
        return loader__type_error(ld, root,
                                  _("an object with \"expect\", e.g. {\"expect\": [...]}"));
    if (loader__check_keys(ld, root, keys, 3, NULL) != 0 ||
        loader__expect_string(ld, root, "name", &e->name) != 0 ||
        loader__expect_string(ld, root, "description", &e->description) != 0)
        return NS_ERR_INPUT;
    if (!loader__member(root, "expect"))
        return loader__missing(ld, root, "expect", _("\"expect\": an array of checks"));
    return loader__expect_list(ld, root, e);
}
