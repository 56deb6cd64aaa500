/* arp_spoof: a timer that sends `count` forged ARP replies. */
#include "apps/arp_spoof.h"
#include "util/alloc.h"

#include <stdlib.h>

#include "apps/app.h"
#include "util/i18n.h"

struct arp_spoof {
    ip_stack *st;
    model_arp_spoof cfg;
    uint32_t sent;
};

static void tick(sim *s, void *ctx, void *unused) {
    (void)unused;
    arp_spoof *a = ctx;
    char claimed[IPV4_TEXT_LEN], victim[IPV4_TEXT_LEN];
    ipv4_format(a->cfg.impersonate, claimed);
    ipv4_format(a->cfg.victim, victim);
    if (a->sent == 0) {
        if (a->cfg.gratuitous)
            app_say(a->st, _("arpspoof: telling everyone that %s is at my MAC"), claimed);
        else
            app_say(a->st, _("arpspoof: telling %s that %s is at my MAC"), victim, claimed);
    }
    if (ip_stack_arp_claim(a->st, a->cfg.impersonate, a->cfg.victim, a->cfg.gratuitous) != 0) {
        app_say(a->st, _("arpspoof: %s is on none of my subnets"), victim);
        return;
    }
    if (++a->sent < a->cfg.count)
        sim_schedule(s, a->cfg.interval_ns, tick, a, NULL, NULL);
}

void arp_spoof_defaults(model_arp_spoof *cfg) {
    *cfg = (model_arp_spoof){.count = ARP_SPOOF_DEFAULT_COUNT,
                             .interval_ns = ARP_SPOOF_DEFAULT_INTERVAL_NS};
}

arp_spoof *arp_spoof_new(ip_stack *st, const model_arp_spoof *cfg, sim_time at) {
    arp_spoof *a = calloc(1, sizeof *a);
    if (!a)
        ns_out_of_memory();
    a->st = st;
    a->cfg = *cfg;
    sim_schedule_at(st->node->net->sim, at, tick, a, NULL, NULL);
    return a;
}

void arp_spoof_free(void *a) {
    free(a);
}
