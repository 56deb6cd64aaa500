/*
 * reader/script: the "script" array. Each action has "at", "do" and "on" (a
 * host or router for programs; any device for "show" and faults), or "link"
 * (link faults); the keys a program accepts and its own values are read in
 * reader/programs. At the end the actions are sorted by time, stably (file
 * order breaks ties), so the builder schedules them as written.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reader/internal.h"
#include "trace/trace.h"

/* The faults of the network itself, in the order of action_kind. */
static const action_kind loader__faults[] = {ACTION_LINK_DOWN, ACTION_LINK_UP, ACTION_DEVICE_OFF,
                                             ACTION_DEVICE_ON};

#define LOADER_N_FAULTS (sizeof loader__faults / sizeof loader__faults[0])

/* "on": the name of any device, into *out (its index). */
static int loader__on_device(loader *ld, const cJSON *obj, size_t *out) {
    const cJSON *on = loader__member(obj, "on");
    const char *s = NULL;
    if (!on)
        return loader__missing(ld, obj, "on", _("\"on\": the name of a device"));
    if (loader__string(ld, on, _("the name of a device"), &s) != 0)
        return NS_ERR_INPUT;
    int d = strmap_get(ld->names, s);
    if (d < 0)
        return loader__unknown_device(ld, on, s, false, _("the name of a device"));
    *out = (size_t)d;
    return 0;
}

/* link_down, link_up ("link": two endpoints), device_off, device_on ("on":
 * any device): faults of the network itself. */
static int loader__fault(loader *ld, const cJSON *obj, model_action *a, action_kind kind) {
    static const char *const link_keys[] = {"at", "do", "link"};
    static const char *const device_keys[] = {"at", "do", "on"};
    bool is_link = kind == ACTION_LINK_DOWN || kind == ACTION_LINK_UP;
    a->kind = kind;
    if (loader__check_keys(ld, obj, is_link ? link_keys : device_keys, 3, NULL) != 0)
        return NS_ERR_INPUT;
    const cJSON *at = loader__member(obj, "at");
    if (!at)
        return loader__missing(ld, obj, "at", _("\"at\": when it happens, e.g. \"2s\""));
    if (loader__duration(ld, at, false, &a->at_ns) != 0)
        return NS_ERR_INPUT;
    char v[160];
    if (!is_link)
        return loader__on_device(ld, obj, &a->device);
    const cJSON *l = loader__member(obj, "link");
    const char *expected = _("the link's two ends, e.g. [\"sw1\", \"r1.eth0\"]");
    if (!l)
        return loader__missing(ld, obj, "link", expected);
    if (!cJSON_IsArray(l) || loader__count(l) != 2 || !cJSON_IsString(l->child) ||
        !cJSON_IsString(l->child->next))
        return loader__type_error(ld, l, expected);
    const char *x = l->child->valuestring, *y = l->child->next->valuestring;
    size_t which = 0, found = model_links_joining(ld->t, x, y, &which);
    snprintf(v, sizeof v, "[\"%.60s\", \"%.60s\"]", x, y);
    if (found == 0)
        return loader__fail(ld, l, _("%s: no link joins these; expected %s"), v, expected);
    if (found > 1)
        return loader__fail(ld, l,
                            _("%s: %zu links join these; expected the ports named, e.g. "
                              "[\"sw1.p1\", \"sw2.p1\"]"),
                            v, found);
    a->u.link = which;
    a->device = ld->links[which].end[0].dev;
    return 0;
}

/* The tables device `d` has for "show" (trace_show_table values, `neigh`
 * beside `arp`); returns how many. The devices answer for the same set
 * (node_ops.show). */
static size_t loader__show_tables_of(const model_device *d, trace_show_table *out) {
    size_t n = 0;
    out[n++] = TRACE_SHOW_INTERFACES;
    if (d->type == DEVICE_HOST || d->type == DEVICE_ROUTER) {
        out[n++] = TRACE_SHOW_ROUTE;
        out[n++] = TRACE_SHOW_ARP;
        out[n++] = TRACE_SHOW_NEIGH;
        if (d->nat)
            out[n++] = TRACE_SHOW_NAT;
        out[n++] = TRACE_SHOW_SOCKETS;
    } else if (d->type == DEVICE_SWITCH) {
        out[n++] = TRACE_SHOW_MAC;
    }
    return n;
}

/* One table name of a "show" on device `d` into a->u.show. */
static int loader__show_table(loader *ld, const cJSON *item, const model_device *d,
                              model_show *sh) {
    const char *all[TRACE_SHOW_COUNT_], *has[TRACE_SHOW_COUNT_];
    trace_show_table mine[TRACE_SHOW_COUNT_];
    size_t n_has = loader__show_tables_of(d, mine);
    char v[96], list[256];
    for (size_t k = 0; k < TRACE_SHOW_COUNT_; k++)
        all[k] = trace_show_table_name((trace_show_table)k);
    for (size_t k = 0; k < n_has; k++)
        has[k] = trace_show_table_name(mine[k]);
    loader__list(has, n_has, "", _(" or "), list, sizeof list);
    const char *s = NULL;
    if (loader__string(ld, item, _("a table name, e.g. \"arp\""), &s) != 0)
        return NS_ERR_INPUT;
    loader__value_text(ld, item, v, sizeof v);
    int found = -1;
    for (size_t k = 0; k < TRACE_SHOW_COUNT_; k++)
        if (strcmp(s, all[k]) == 0)
            found = (int)k;
    if (found < 0) {
        const char *sug = suggest_closest(s, all, TRACE_SHOW_COUNT_);
        if (sug)
            return loader__fail(ld, item, _("%s is not a table; did you mean \"%s\"?"), v, sug);
        return loader__fail(ld, item, _("%s is not a table; expected %s (the tables %s has)"), v,
                            list, d->name);
    }
    bool owned = false;
    for (size_t k = 0; k < n_has; k++)
        owned |= (int)mine[k] == found;
    if (!owned)
        return loader__fail(ld, item, _("%s: %s is a %s, which has no %s table; expected %s"), v,
                            d->name, d->nat ? _("NAT box") : device_type_name(d->type), s, list);
    for (size_t k = 0; k < sh->n_tables; k++)
        if (sh->tables[k] == (uint8_t)found)
            return loader__fail(ld, item, _("%s is listed twice; expected each table once"), v);
    sh->tables[sh->n_tables++] = (uint8_t)found;
    return 0;
}

/* "show" ("on": any device; "table": a name or a list of names): prints the
 * device's tables at that instant into the trace. */
static int loader__show(loader *ld, const cJSON *obj, model_action *a) {
    static const char *const keys[] = {"at", "do", "on", "table"};
    const char *expected = _("a table such as \"arp\", or a list such as [\"arp\", \"route\"]");
    a->kind = ACTION_SHOW;
    if (loader__check_keys(ld, obj, keys, 4, NULL) != 0)
        return NS_ERR_INPUT;
    const cJSON *at = loader__member(obj, "at");
    if (!at)
        return loader__missing(ld, obj, "at", _("\"at\": when to look, e.g. \"2s\""));
    if (loader__duration(ld, at, false, &a->at_ns) != 0 ||
        loader__on_device(ld, obj, &a->device) != 0)
        return NS_ERR_INPUT;
    const cJSON *table = loader__member(obj, "table");
    if (!table)
        return loader__missing(ld, obj, "table", expected);
    const model_device *dev = &ld->t->devices[a->device];
    if (!cJSON_IsArray(table))
        return loader__show_table(ld, table, dev, &a->u.show);
    if (loader__count(table) == 0)
        return loader__type_error(ld, table, expected);
    for (const cJSON *c = table->child; c; c = c->next)
        if (loader__show_table(ld, c, dev, &a->u.show) != 0)
            return NS_ERR_INPUT;
    return 0;
}

static const loader__program *loader__program_named(const char *name) {
    for (size_t k = 0; k < loader__n_programs; k++)
        if (strcmp(name, action_kind_name(loader__programs[k].kind)) == 0)
            return &loader__programs[k];
    return NULL;
}

/* "do" names no action: suggest a program, else list every action. */
static int loader__unknown_action(loader *ld, const cJSON *what, const char *s) {
    const char *names[ACTION_KINDS];
    size_t n = 0, used = 0;
    char v[96], list[400];
    for (size_t k = 0; k < loader__n_programs; k++)
        names[n++] = action_kind_name(loader__programs[k].kind);
    names[n++] = action_kind_name(ACTION_SHOW);
    loader__value_text(ld, what, v, sizeof v);
    const char *sug = suggest_closest(s, names, n);
    if (sug)
        return loader__fail(ld, what, _("%s is not an action; did you mean \"%s\"?"), v, sug);
    for (size_t k = 0; k < LOADER_N_FAULTS; k++)
        names[n++] = action_kind_name(loader__faults[k]);
    list[0] = '\0';
    for (size_t k = 0; k < n; k++)
        loader__append(list, sizeof list, &used, "%s\"%s\"",
                       k == 0       ? ""
                       : k + 1 == n ? _(" or ")
                                    : ", ",
                       names[k]);
    return loader__fail(ld, what, _("%s is not an action; expected %s"), v, list);
}

static int loader__action(loader *ld, const cJSON *obj, model_action *a) {
    const char *s = NULL;
    char v[96];
    if (!cJSON_IsObject(obj))
        return loader__type_error(ld, obj,
                                  _("an action such as {\"at\": \"0ms\", \"on\": \"A\", \"do\": "
                                    "\"ping\", \"to\": \"10.0.0.2\"}"));
    const cJSON *what = loader__member(obj, "do");
    if (!what)
        return loader__missing(ld, obj, "do", _("\"do\": an action, e.g. \"ping\""));
    if (loader__string(ld, what, _("an action, e.g. \"ping\""), &s) != 0)
        return NS_ERR_INPUT;
    for (size_t k = 0; k < LOADER_N_FAULTS; k++)
        if (strcmp(s, action_kind_name(loader__faults[k])) == 0)
            return loader__fault(ld, obj, a, loader__faults[k]);
    if (strcmp(s, action_kind_name(ACTION_SHOW)) == 0)
        return loader__show(ld, obj, a);
    const loader__program *spec = loader__program_named(s);
    if (!spec)
        return loader__unknown_action(ld, what, s);
    a->kind = spec->kind;
    if (loader__check_keys(ld, obj, spec->keys, spec->n_keys, NULL) != 0)
        return NS_ERR_INPUT;
    const cJSON *at = loader__member(obj, "at"), *on = loader__member(obj, "on");
    if (!at)
        return loader__missing(ld, obj, "at", _("\"at\": when to start, e.g. \"0ms\""));
    if (loader__duration(ld, at, false, &a->at_ns) != 0)
        return NS_ERR_INPUT;
    if (!on)
        return loader__missing(ld, obj, "on", _("\"on\": the name of a host or router"));
    if (loader__string(ld, on, _("the name of a host or router"), &s) != 0)
        return NS_ERR_INPUT;
    int d = strmap_get(ld->names, s);
    if (d < 0)
        return loader__unknown_device(ld, on, s, false, _("the name of a host or router"));
    const model_device *dev = &ld->t->devices[d];
    if (dev->type != DEVICE_HOST && dev->type != DEVICE_ROUTER) {
        loader__value_text(ld, on, v, sizeof v);
        return loader__fail(ld, on, _("%s is a %s; expected a host or a router (they can %s)"), v,
                            device_type_name(dev->type), _(spec->can));
    }
    a->device = (size_t)d;
    return spec->read(ld, obj, a->device, a);
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
                         _("an array of actions, e.g. [{\"at\": \"0ms\", \"on\": \"A\", "
                           "\"do\": \"ping\", \"to\": \"10.0.0.2\"}]"),
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
    /* Permuted in place, cycle by cycle (a second array of actions would be
     * the load's peak for a large script): acts[k] becomes old acts[order[k]]. */
    for (size_t i = 0; i < n; i++) {
        if (order[i].index == SIZE_MAX)
            continue;
        model_action held = acts[i];
        size_t j = i;
        for (;;) {
            size_t from = order[j].index;
            order[j].index = SIZE_MAX;
            if (from == i) {
                acts[j] = held;
                break;
            }
            acts[j] = acts[from];
            j = from;
        }
    }
    t->actions = acts;
    t->n_actions = n;
    acts = NULL;
    filled = 0; /* the model owns the actions and their strings now */
done:
    for (k = 0; acts && k < filled; k++)
        model_action_clear(&acts[k]);
    free(acts);
    free(order);
    return rc;
}
