/*
 * launch: at -> settled -> resolved -> start.
 */
#include "apps/launch.h"

#include "apps/app.h"

static void launch_on_resolved(void *ctx, resolve_status status, ipv4_addr addr) {
    launch *l = ctx;
    if (status != RESOLVE_OK) {
        app_say(l->st, "%s: %s: %s", l->tool, l->name, resolve_strerror(status));
        return;
    }
    l->fn(l->ctx, addr);
}

static void launch_on_settled(void *ctx) {
    launch *l = ctx;
    if (!l->name) {
        l->fn(l->ctx, l->addr);
        return;
    }
    if (!l->res)
        l->res = resolver_new(l->st);
    resolver_lookup(l->res, netconf_dns(l->nc), l->name, launch_on_resolved, l);
}

static void launch_on_time(sim *s, void *a, void *b) {
    (void)s;
    (void)b;
    launch *l = a;
    if (l->nc)
        netconf_when_settled(l->nc, launch_on_settled, l);
    else
        launch_on_settled(l);
}

void launch_start_at(launch *l, ip_stack *st, netconf *nc, const char *tool, const char *name,
                     ipv4_addr addr, sim_time at, launch_fn fn, void *ctx) {
    *l = (launch){
        .st = st, .nc = nc, .tool = tool, .name = name, .addr = addr, .fn = fn, .ctx = ctx};
    sim_schedule_at(st->node->net->sim, at, launch_on_time, l, NULL, NULL);
}

void launch_cleanup(launch *l) {
    resolver_free(l->res);
    l->res = NULL;
}
