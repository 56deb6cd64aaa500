/*
 * reader/script: the "script" array. Each action has "at", "do" and "on" (a
 * host or router for programs, any device or a link for faults); the keys a
 * program accepts and its own values are read in reader/programs. At the end
 * the actions are sorted by time, stably (file order breaks ties), so the
 * builder schedules them as written.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reader/internal.h"

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

int loader__script(loader *ld, const cJSON *root) {
    model_topology *t = ld->t;
    const cJSON *script = NULL;
    size_t n = 0;
    if (loader__opt_list(ld, root, "script", false,
                         "an array of actions, e.g. [{\"at\": \"0ms\", \"on\": \"A\", "
                         "\"do\": \"ping\", \"to\": \"10.0.0.2\"}]",
                         &script, &n) != 0)
        return NS_ERR_INPUT;
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
