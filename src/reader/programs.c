/*
 * reader/programs: the programs the script can start (ping, traceroute,
 * arp_spoof, the UDP and TCP servers and clients, the file server and
 * download, the web server and http_get), one table row each at the end of
 * the file: the keys its action may have and the function reading them. A
 * reader starts from the program's own defaults (apps/<program>.h), so it
 * holds no default itself. A server's port is claimed on its device
 * (reader/services), so two programs cannot bind the same one; a host name
 * as a destination needs a resolver on the device.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apps/arp_spoof.h"
#include "apps/http.h"
#include "apps/ping.h"
#include "apps/traceroute.h"
#include "apps/udp_client.h"
#include "reader/internal.h"
#include "stack/udp.h"
#include "wire/ethernet.h"
#include "wire/icmp.h"
#include "wire/ipv4.h"

#define LOADER_EXPECT_TARGET                                                                       \
    _("an address such as \"10.0.0.2\" or a host name such as \"www.example.com\"")

/* "to": an address, or a host name the device resolves by DNS first; a name
 * needs a resolver on the device ("dns", or "dhcp" which may supply one). */
static int loader__target(loader *ld, const cJSON *to, size_t dev, ipv4_addr *addr, char **name) {
    const char *s = NULL;
    char v[96];
    *addr = 0;
    *name = NULL;
    if (loader__string(ld, to, LOADER_EXPECT_TARGET, &s) != 0)
        return NS_ERR_INPUT;
    if (ipv4_parse(s, addr) == 0)
        return 0;
    if (strchr(s, '/') || loader__looks_numeric(s))
        return loader__addr(ld, to, addr); /* its message explains the address */
    loader__value_text(ld, to, v, sizeof v);
    if (!loader__host_name_ok(s))
        return loader__fail(ld, to,
                            _("%s is neither an IPv4 address nor a host name; expected %s (a name "
                              "is labels of letters, digits and '-' separated by dots)"),
                            v, LOADER_EXPECT_TARGET);
    const model_device *d = &ld->t->devices[dev];
    if (!d->has_dns && !d->dhcp)
        return loader__fail(ld, to,
                            _("%s is a host name, but %s has no DNS resolver to look it up; "
                              "expected an IPv4 address, or \"dns\": \"a.b.c.d\" (or \"dhcp\": "
                              "true) on %s"),
                            v, d->name, d->name);
    if (!(*name = loader__host_name_dup(s)))
        return loader__nomem(ld);
    return 0;
}

static const char *const loader__ping_keys[] = {"at",       "on",      "do",   "to",  "count",
                                                "interval", "timeout", "size", "ttl", "id"};

/* "id": the ICMP identifier (RFC 792), 0-65535 as a number or as a
 * hexadecimal string "0x1234" (as tcpdump and Wireshark show it). */
static int loader__ping_id(loader *ld, const cJSON *obj, model_ping *p) {
    const cJSON *n = loader__member(obj, "id");
    const char *expected = _("an identifier from 0 to 65535, e.g. 4660 or \"0x1234\"");
    long long x = 0;
    if (!n)
        return 0;
    if (cJSON_IsString(n)) {
        const char *s = n->valuestring;
        char *end = NULL;
        unsigned long v = 0;
        bool hex = (s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && s[2] != '\0');
        if (hex && strspn(s + 2, "0123456789abcdefABCDEF") == strlen(s + 2) && strlen(s + 2) <= 4)
            v = strtoul(s + 2, &end, 16);
        if (!end) {
            char t[96];
            loader__value_text(ld, n, t, sizeof t);
            return loader__fail(ld, n, _("%s is not an identifier; expected %s"), t, expected);
        }
        p->id = (uint16_t)v;
    } else if (cJSON_IsNumber(n)) {
        if (loader__int(ld, n, 0, 65535, &x) != 0)
            return NS_ERR_INPUT;
        p->id = (uint16_t)x;
    } else {
        return loader__type_error(ld, n, expected);
    }
    p->has_id = true;
    return 0;
}

static int loader__ping(loader *ld, const cJSON *obj, size_t dev, model_action *a) {
    model_ping *p = &a->u.ping;
    const cJSON *to = loader__member(obj, "to");
    uint32_t ttl = ld->t->devices[dev].ttl;
    ping_defaults(p);
    if (!to)
        return loader__missing(ld, obj, "to", _("\"to\": the address to ping, e.g. \"10.0.0.2\""));
    if (loader__target(ld, to, dev, &p->to, &p->to_name) != 0 ||
        loader__opt_u32(ld, obj, "count", 1, 1000000, &p->count) != 0 ||
        loader__opt_duration(ld, obj, "interval", true, &p->interval_ns) != 0 ||
        /* 1472 = MTU 1500 - 20 (IPv4) - 8 (ICMP): netsim does not fragment. */
        loader__opt_u32(ld, obj, "size", 0, ETH_MTU - IPV4_HEADER_LEN - ICMP_HEADER_LEN,
                        &p->size) != 0 ||
        loader__opt_duration(ld, obj, "timeout", false, &p->timeout_ns) != 0 ||
        loader__opt_u32(ld, obj, "ttl", 1, 255, &ttl) != 0 || loader__ping_id(ld, obj, p) != 0)
        return NS_ERR_INPUT;
    p->ttl = (uint8_t)ttl;
    return 0;
}

static const char *const loader__traceroute_keys[] = {"at",       "on",     "do",   "to",
                                                      "max_hops", "probes", "wait", "port"};

static int loader__traceroute(loader *ld, const cJSON *obj, size_t dev, model_action *a) {
    model_traceroute *t = &a->u.traceroute;
    const cJSON *to = loader__member(obj, "to");
    traceroute_defaults(t);
    if (!to)
        return loader__missing(ld, obj, "to",
                               _("\"to\": the address to trace the route to, e.g. \"10.0.3.30\""));
    if (loader__target(ld, to, dev, &t->to, &t->to_name) != 0 ||
        loader__opt_u32(ld, obj, "max_hops", 1, 255, &t->max_hops) != 0 ||
        loader__opt_u32(ld, obj, "probes", 1, 10, &t->probes) != 0 ||
        loader__opt_duration(ld, obj, "wait", true, &t->wait_ns) != 0 ||
        loader__opt_u32(ld, obj, "port", 1, 65535, &t->port) != 0)
        return NS_ERR_INPUT;
    return 0;
}

static const char *const loader__arp_spoof_keys[] = {"at",    "on",    "do",       "victim",
                                                     "claim", "count", "interval", "gratuitous"};

static int loader__arp_spoof(loader *ld, const cJSON *obj, size_t dev, model_action *action) {
    model_arp_spoof *a = &action->u.arp_spoof;
    const cJSON *victim = loader__member(obj, "victim"), *claim = loader__member(obj, "claim");
    (void)dev;
    arp_spoof_defaults(a);
    if (loader__opt_bool(ld, obj, "gratuitous", &a->gratuitous) != 0)
        return NS_ERR_INPUT;
    if (!claim)
        return loader__missing(ld, obj, "claim",
                               _("\"claim\": the address to impersonate, e.g. the gateway "
                                 "\"10.0.0.1\""));
    if (!victim && !a->gratuitous)
        return loader__missing(ld, obj, "victim",
                               _("\"victim\": the address whose ARP cache to poison (or "
                                 "\"gratuitous\": true to tell everyone)"));
    if ((victim && loader__addr(ld, victim, &a->victim) != 0) ||
        loader__addr(ld, claim, &a->impersonate) != 0 ||
        loader__opt_u32(ld, obj, "count", 1, 1000000, &a->count) != 0 ||
        loader__opt_duration(ld, obj, "interval", true, &a->interval_ns) != 0)
        return NS_ERR_INPUT;
    return 0;
}

/* "to" (required) of the client programs. */
static int loader__client_target(loader *ld, const cJSON *obj, size_t dev, model_target *t) {
    const cJSON *to = loader__member(obj, "to");
    if (!to)
        return loader__missing(ld, obj, "to",
                               _("\"to\": the server's address or name, e.g. \"10.0.0.2\""));
    return loader__target(ld, to, dev, &t->addr, &t->name);
}

static const char *const loader__udp_server_keys[] = {"at",    "on",    "do",         "port",
                                                      "reply", "count", "close_after"};

static int loader__udp_server(loader *ld, const cJSON *obj, size_t dev, model_action *a) {
    model_udp_server *u = &a->u.udp_server;
    const cJSON *port_node = NULL, *reply = loader__member(obj, "reply");
    if (loader__port(ld, obj, "port", _("the UDP port to bind, e.g. 8080"), &u->port, &port_node) !=
            0 ||
        (reply && loader__text(ld, reply, _("the text to answer each datagram with"), UDP_MAX_DATA,
                               &u->reply, &u->reply_len) != 0) ||
        loader__opt_u32(ld, obj, "count", 1, 1000000, &u->count) != 0)
        return NS_ERR_INPUT;
    return loader__claim_port(ld, dev, LOADER_PROTO_UDP, u->port, port_node, obj, "udp_server");
}

static const char *const loader__udp_send_keys[] = {
    "at", "on", "do", "to", "port", "data", "timeout", "local_port", "connect"};

static int loader__udp_send(loader *ld, const cJSON *obj, size_t dev, model_action *a) {
    model_udp_send *u = &a->u.udp_send;
    const cJSON *port_node = NULL, *local = NULL, *data = loader__member(obj, "data");
    udp_client_defaults(u);
    if (loader__client_target(ld, obj, dev, &u->to) != 0 ||
        loader__port(ld, obj, "port", _("the server's UDP port, e.g. 8080"), &u->port,
                     &port_node) != 0)
        return NS_ERR_INPUT;
    if (data) {
        if (loader__text(ld, data, _("the text to send"), UDP_MAX_DATA, &u->data, &u->data_len) !=
            0)
            return NS_ERR_INPUT;
    } else if (!(u->data = loader__strdup(UDP_CLIENT_DEFAULT_DATA))) {
        return loader__nomem(ld);
    } else {
        u->data_len = strlen(UDP_CLIENT_DEFAULT_DATA);
    }
    if (loader__opt_duration(ld, obj, "timeout", false, &u->timeout_ns) != 0 ||
        loader__port(ld, obj, "local_port", NULL, &u->local_port, &local) != 0 ||
        loader__opt_bool(ld, obj, "connect", &u->connect) != 0)
        return NS_ERR_INPUT;
    if (local)
        return loader__claim_port(ld, dev, LOADER_PROTO_UDP, u->local_port, local, obj, "udp_send");
    return 0;
}

static const char *const loader__tcp_server_keys[] = {"at",    "on",    "do",         "port",
                                                      "reply", "count", "close_after"};

static int loader__tcp_server(loader *ld, const cJSON *obj, size_t dev, model_action *a) {
    model_tcp_server *t = &a->u.tcp_server;
    const cJSON *port_node = NULL, *reply = loader__member(obj, "reply");
    if (loader__port(ld, obj, "port", _("the TCP port to listen on, e.g. 8081"), &t->port,
                     &port_node) != 0 ||
        (reply && loader__text(ld, reply, _("the text to answer each request with"),
                               LOADER_MAX_FILE, &t->reply, &t->reply_len) != 0) ||
        loader__opt_u32(ld, obj, "count", 1, 1000000, &t->count) != 0 ||
        loader__opt_duration(ld, obj, "close_after", false, &t->close_after_ns) != 0)
        return NS_ERR_INPUT;
    return loader__claim_port(ld, dev, LOADER_PROTO_TCP, t->port, port_node, obj, "tcp_server");
}

static const char *const loader__tcp_client_keys[] = {"at",   "on",   "do",         "to",
                                                      "port", "send", "local_port", "steps"};

#define LOADER_EXPECT_STEP                                                                         \
    _("a step: {\"send\": \"text\"}, {\"after\": \"0.2s\"}, {\"close\": true} or "                 \
      "{\"connect\": true}")

/* One message to send ("send" or a send step): at least one byte. */
static int loader__tcp_message(loader *ld, const cJSON *m, char **out, size_t *len) {
    if (loader__text(ld, m, _("a message"), LOADER_MAX_FILE, out, len) != 0)
        return NS_ERR_INPUT;
    if (!(*out)[0])
        return loader__fail(ld, m,
                            _("\"\" is empty; expected a message of at least one byte (send() "
                              "of nothing sends nothing, and the answer would never come)"));
    return 0;
}

/* "send": the notes' loop, one message after the answer to the one before. */
static int loader__tcp_messages(loader *ld, const cJSON *send, model_tcp_client *t) {
    const char *expected = _("an array of messages, e.g. [\"hello\", \"exit\"]");
    if (!cJSON_IsArray(send))
        return loader__type_error(ld, send, expected);
    size_t n = loader__count(send);
    if (n == 0)
        return loader__fail(ld, send, _("[] has no messages; expected %s"), expected);
    if (!(t->messages = calloc(n, sizeof *t->messages)))
        return loader__nomem(ld);
    /* Counted before the check: a message read and then refused is freed
     * with the others (model_action_clear). */
    for (const cJSON *m = send->child; m; m = m->next)
        if (loader__tcp_message(ld, m, &t->messages[t->n_messages++], NULL) != 0)
            return NS_ERR_INPUT;
    return 0;
}

/* {"close": true} or {"connect": true}: the value must be true. */
static int loader__tcp_step_true(loader *ld, const cJSON *v) {
    if (!cJSON_IsBool(v))
        return loader__type_error(ld, v, "true");
    if (!cJSON_IsTrue(v))
        return loader__fail(ld, v, _("false does nothing; expected true (or no such step)"));
    return 0;
}

/* One step, a one-key object. `open` says whether a connection is open
 * before it (one is, from the start) and `last` is the value of the step
 * that last opened or closed one (NULL: the start), for the messages. */
static int loader__tcp_step(loader *ld, const cJSON *e, model_tcp_step *st, bool *open,
                            const cJSON **last) {
    static const char *const keys[] = {"send", "after", "close", "connect"};
    if (!cJSON_IsObject(e))
        return loader__type_error(ld, e, LOADER_EXPECT_STEP);
    if (loader__check_keys(ld, e, keys, 4, NULL) != 0)
        return NS_ERR_INPUT;
    size_t n = loader__count(e);
    if (n != 1)
        return loader__fail(ld, e,
                            _("%s has %s; expected exactly one of \"send\", \"after\", \"close\" "
                              "or \"connect\" per step"),
                            n ? "{...}" : "{}", n ? _("more than one action") : _("no action"));
    const cJSON *v = e->child;
    char where[300];
    snprintf(where, sizeof where, "%s", _("the start"));
    if (*last)
        loader__path(ld, *last, where, sizeof where);
    if (strcmp(v->string, "after") == 0) {
        st->kind = TCP_STEP_AFTER;
        return loader__duration(ld, v, true, &st->after_ns);
    }
    if (strcmp(v->string, "send") == 0) {
        st->kind = TCP_STEP_SEND;
        if (loader__tcp_message(ld, v, &st->data, &st->len) != 0)
            return NS_ERR_INPUT;
        if (*open)
            return 0;
        char t[96];
        loader__value_text(ld, v, t, sizeof t);
        return loader__fail(ld, v,
                            _("%s comes after %s closed the connection; expected {\"connect\": "
                              "true} before it, to open a new one"),
                            t, where);
    }
    if (loader__tcp_step_true(ld, v) != 0)
        return NS_ERR_INPUT;
    st->kind = strcmp(v->string, "close") == 0 ? TCP_STEP_CLOSE : TCP_STEP_CONNECT;
    if (st->kind == TCP_STEP_CLOSE && !*open)
        return loader__fail(ld, v,
                            _("true closes a connection %s already closed; expected "
                              "{\"connect\": true} before it, to open a new one"),
                            where);
    if (st->kind == TCP_STEP_CONNECT && *open)
        return loader__fail(ld, v,
                            *last ? _("true opens a connection while the one opened by %s is still "
                                      "open; expected {\"close\": true} before it (one connection "
                                      "at a time)")
                                  : _("true opens a connection while the one opened at %s is still "
                                      "open; expected {\"close\": true} before it (one connection "
                                      "at a time)"),
                            where);
    *open = st->kind == TCP_STEP_CONNECT;
    *last = v;
    return 0;
}

/* "steps": sends, pauses, closes and new connections, in order. */
static int loader__tcp_steps(loader *ld, const cJSON *steps, model_tcp_client *t) {
    const char *expected = _("an array of steps, e.g. [{\"send\": \"hello\"}, {\"after\": "
                             "\"1s\"}, {\"close\": true}]");
    if (!cJSON_IsArray(steps))
        return loader__type_error(ld, steps, expected);
    size_t n = loader__count(steps);
    if (n == 0)
        return loader__fail(ld, steps, _("[] has no steps; expected %s"), expected);
    if (!(t->steps = calloc(n, sizeof *t->steps)))
        return loader__nomem(ld);
    bool open = true;
    const cJSON *last = NULL;
    /* Counted before the check, as the messages of "send" are. */
    for (const cJSON *e = steps->child; e; e = e->next)
        if (loader__tcp_step(ld, e, &t->steps[t->n_steps++], &open, &last) != 0)
            return NS_ERR_INPUT;
    return 0;
}

static int loader__tcp_client(loader *ld, const cJSON *obj, size_t dev, model_action *a) {
    model_tcp_client *t = &a->u.tcp_client;
    const cJSON *port_node = NULL, *local = NULL;
    const cJSON *send = loader__member(obj, "send"), *steps = loader__member(obj, "steps");
    if (loader__client_target(ld, obj, dev, &t->to) != 0 ||
        loader__port(ld, obj, "port", _("the server's TCP port, e.g. 8081"), &t->port,
                     &port_node) != 0 ||
        loader__port(ld, obj, "local_port", NULL, &t->local_port, &local) != 0)
        return NS_ERR_INPUT;
    if (local &&
        loader__claim_port(ld, dev, LOADER_PROTO_TCP, t->local_port, local, obj, "tcp_client") != 0)
        return NS_ERR_INPUT;
    if (send && steps)
        return loader__fail_key(ld, steps,
                                _("\"steps\" is given together with \"send\"; expected either "
                                  "\"send\" (the notes' loop of messages) or \"steps\", not both"));
    if (steps)
        return loader__tcp_steps(ld, steps, t);
    if (!send)
        return loader__missing(ld, obj, "send",
                               _("an array of messages, e.g. [\"hello\", \"exit\"], or \"steps\", "
                                 "e.g. [{\"send\": \"hello\"}, {\"after\": \"1s\"}, {\"close\": "
                                 "true}]"));
    return loader__tcp_messages(ld, send, t);
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

static const char *const loader__file_server_keys[] = {"at", "on", "do", "port", "files"};

static int loader__file_server(loader *ld, const cJSON *obj, size_t dev, model_action *a) {
    model_file_server *fs = &a->u.file_server;
    const cJSON *port_node = NULL, *files = NULL;
    size_t n = 0;
    if (loader__port(ld, obj, "port", _("the TCP port to listen on, e.g. 8083"), &fs->port,
                     &port_node) != 0 ||
        loader__entries(ld, obj, "files",
                        _("an object of files, e.g. {\"notes.txt\": \"hello\", \"big.bin\": "
                          "{\"size\": 100000}}"),
                        &files, &n) != 0)
        return NS_ERR_INPUT;
    if (!(fs->files = calloc(n, sizeof *fs->files)))
        return loader__nomem(ld);
    for (const cJSON *e = files->child; e; e = e->next) {
        model_file *f = &fs->files[fs->n_files];
        if (!loader__file_name_ok(e->string)) {
            char q[96];
            loader__quote(e->string, q, sizeof q);
            return loader__fail_key(ld, e,
                                    _("%s is not a file name; expected 1 to 255 printable bytes "
                                      "without '/', e.g. \"notes.txt\""),
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

static const char *const loader__file_download_keys[] = {"at", "on", "do", "to", "port", "file"};

static int loader__file_download(loader *ld, const cJSON *obj, size_t dev, model_action *a) {
    model_file_download *fd = &a->u.file_download;
    const cJSON *port_node = NULL, *file = loader__member(obj, "file");
    if (loader__client_target(ld, obj, dev, &fd->to) != 0 ||
        loader__port(ld, obj, "port", _("the file server's TCP port, e.g. 8083"), &fd->port,
                     &port_node) != 0)
        return NS_ERR_INPUT;
    if (!file)
        return loader__missing(ld, obj, "file",
                               _("\"file\": the name to ask for, e.g. \"big.bin\""));
    if (loader__text(ld, file, _("a file name, e.g. \"big.bin\""), 255, &fd->file, NULL) != 0)
        return NS_ERR_INPUT;
    if (!loader__file_name_ok(fd->file)) {
        char v[96];
        loader__value_text(ld, file, v, sizeof v);
        return loader__fail(ld, file,
                            _("%s is not a file name; expected 1 to 255 printable bytes without "
                              "'/', e.g. \"big.bin\""),
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

static const char *const loader__http_server_keys[] = {"at", "on", "do", "port", "pages"};

static int loader__http_server(loader *ld, const cJSON *obj, size_t dev, model_action *a) {
    model_http_server *h = &a->u.http_server;
    const cJSON *port_node = NULL, *pages = NULL;
    size_t n = 0;
    h->port = HTTP_DEFAULT_PORT;
    if (loader__port(ld, obj, "port", NULL, &h->port, &port_node) != 0 ||
        loader__entries(ld, obj, "pages",
                        _("an object of pages, e.g. {\"/\": \"<html>...</html>\"}"), &pages,
                        &n) != 0)
        return NS_ERR_INPUT;
    if (!(h->pages = calloc(n, sizeof *h->pages)))
        return loader__nomem(ld);
    for (const cJSON *e = pages->child; e; e = e->next) {
        model_http_page *pg = &h->pages[h->n_pages];
        if (!loader__url_path_ok(e->string)) {
            char q[96];
            loader__quote(e->string, q, sizeof q);
            return loader__fail_key(ld, e,
                                    _("%s is not a URL path; expected a path starting with '/', "
                                      "without spaces, e.g. \"/index.html\""),
                                    q);
        }
        if (!(pg->path = loader__strdup(e->string)))
            return loader__nomem(ld);
        h->n_pages++;
        if (loader__text(ld, e, _("the page's content as text, e.g. \"<html>...</html>\""),
                         LOADER_MAX_FILE, &pg->body, &pg->body_len) != 0)
            return NS_ERR_INPUT;
    }
    return loader__claim_port(ld, dev, LOADER_PROTO_TCP, h->port, port_node ? port_node : obj, obj,
                              "http_server");
}

static const char *const loader__http_get_keys[] = {"at", "on", "do", "url"};

/* "url": http://host[:port][/path]. */
static int loader__http_get(loader *ld, const cJSON *obj, size_t dev, model_action *a) {
    model_http_get *h = &a->u.http_get;
    const cJSON *url = loader__member(obj, "url");
    const char *expected = _("a URL such as \"http://www.example.com/\"");
    char v[96];
    if (!url)
        return loader__missing(ld, obj, "url",
                               _("\"url\": the page to fetch, e.g. "
                                 "\"http://www.example.com/\""));
    if (loader__text(ld, url, expected, 2000, &h->url, NULL) != 0)
        return NS_ERR_INPUT;
    loader__value_text(ld, url, v, sizeof v);
    const char *s = h->url;
    if (strncmp(s, "https://", 8) == 0)
        return loader__fail(ld, url,
                            _("%s uses https, which needs TLS (not simulated); expected an "
                              "http:// URL"),
                            v);
    if (strncmp(s, "http://", 7) != 0)
        return loader__fail(ld, url, _("%s is not an http:// URL; expected %s"), v, expected);
    const char *host = s + 7;
    size_t host_len = strcspn(host, ":/");
    const char *rest = host + host_len;
    h->port = HTTP_DEFAULT_PORT;
    if (*rest == ':') {
        char *end = NULL;
        long p = strtol(rest + 1, &end, 10);
        if (end == rest + 1 || p < 1 || p > 65535 || (*end && *end != '/') || rest[1] == '+' ||
            rest[1] == '-')
            return loader__fail(ld, url,
                                _("%s has a bad port; expected a port from 1 to 65535, "
                                  "e.g. \"http://10.0.0.80:8080/\""),
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
                            _("%s has a path with spaces or control characters; expected "
                              "%s"),
                            v, expected);
    if (ipv4_parse(h->host_text, &h->host.addr) == 0)
        return 0;
    const model_device *d = &ld->t->devices[dev];
    if (!loader__host_name_ok(h->host_text) || loader__looks_numeric(h->host_text))
        return loader__fail(ld, url,
                            _("%s names no valid host; expected %s (a host name or an IPv4 "
                              "address after http://)"),
                            v, expected);
    if (!d->has_dns && !d->dhcp)
        return loader__fail(ld, url,
                            _("%s names the host \"%s\", but %s has no DNS resolver to look it up; "
                              "expected an IPv4 address, or \"dns\": \"a.b.c.d\" (or \"dhcp\": "
                              "true) on %s"),
                            v, h->host_text, d->name, d->name);
    if (!(h->host.name = loader__host_name_dup(h->host_text)))
        return loader__nomem(ld);
    return 0;
}

/* One row per program, in the order of action_kind. A new program adds its
 * reader above and its row here; script.c finds it by name. */
const loader__program loader__programs[] = {
    {ACTION_PING, LOADER_KEYS(loader__ping_keys), N_("ping"), loader__ping},
    {ACTION_TRACEROUTE, LOADER_KEYS(loader__traceroute_keys), N_("run traceroute"),
     loader__traceroute},
    {ACTION_ARP_SPOOF, LOADER_KEYS(loader__arp_spoof_keys), N_("send ARP packets"),
     loader__arp_spoof},
    {ACTION_UDP_SERVER, LOADER_KEYS(loader__udp_server_keys), N_("run a UDP server"),
     loader__udp_server},
    {ACTION_UDP_SEND, LOADER_KEYS(loader__udp_send_keys), N_("send UDP datagrams"),
     loader__udp_send},
    {ACTION_TCP_SERVER, LOADER_KEYS(loader__tcp_server_keys), N_("run a TCP server"),
     loader__tcp_server},
    {ACTION_TCP_CLIENT, LOADER_KEYS(loader__tcp_client_keys), N_("open TCP connections"),
     loader__tcp_client},
    {ACTION_FILE_SERVER, LOADER_KEYS(loader__file_server_keys), N_("run a file server"),
     loader__file_server},
    {ACTION_FILE_DOWNLOAD, LOADER_KEYS(loader__file_download_keys), N_("download files"),
     loader__file_download},
    {ACTION_HTTP_SERVER, LOADER_KEYS(loader__http_server_keys), N_("run a web server"),
     loader__http_server},
    {ACTION_HTTP_GET, LOADER_KEYS(loader__http_get_keys), N_("fetch web pages"), loader__http_get},
};

const size_t loader__n_programs = sizeof loader__programs / sizeof loader__programs[0];
