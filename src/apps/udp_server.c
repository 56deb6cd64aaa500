/*
 * udp_server: bind at start; print, answer, and count each datagram.
 */
#include "apps/udp_server.h"
#include "util/alloc.h"

#include <stdlib.h>

#include "apps/app.h"
#include "stack/udp.h"
#include "util/i18n.h"

struct udp_server {
    ip_stack *st;
    const model_udp_server *cfg;
    udp_socket *sock;
    uint32_t served;
};

static void udp_server_on_datagram(void *ctx, udp_socket *s, ipv4_addr src, uint16_t src_port,
                                   const uint8_t *data, size_t len) {
    udp_server *srv = ctx;
    char text[APP_TEXT_CAP], from[24];
    app_say(srv->st, _("received: %s"), app_text(data, len, text, sizeof text));
    app_say(srv->st, _("from %s"), ipv4_format_endpoint(src, src_port, from));
    if (srv->cfg->reply)
        udp_sendto(s, src, src_port, (const uint8_t *)srv->cfg->reply, srv->cfg->reply_len);
    else
        udp_sendto(s, src, src_port, data, len);
    if (srv->cfg->count && ++srv->served >= srv->cfg->count) {
        udp_close(s);
        srv->sock = NULL;
    }
}

static void udp_server_start(sim *s, void *a, void *b) {
    (void)s;
    (void)b;
    udp_server *srv = a;
    if (udp_bind(srv->st, srv->cfg->port, udp_server_on_datagram, srv, &srv->sock) != 0)
        app_say(srv->st, _("udp_server: bind UDP port %u: Address already in use"), srv->cfg->port);
}

udp_server *udp_server_new(ip_stack *st, const model_udp_server *cfg, sim_time at) {
    udp_server *srv = calloc(1, sizeof *srv);
    if (!srv)
        ns_out_of_memory();
    srv->st = st;
    srv->cfg = cfg;
    sim_schedule_at(st->node->net->sim, at, udp_server_start, srv, NULL, NULL);
    return srv;
}

void udp_server_free(void *s) {
    free(s);
}
