/*
 * test_loader_services: the loader's keys for transport and services, field
 * by field: DHCP and DNS servers and clients, the ephemeral port range, the
 * programs' actions with their defaults, targets given as names, http URLs
 * split into host, port and path, files inline, generated and read next to
 * the topology (from a temporary directory), and the errors a JSON file
 * cannot easily show (a datagram too long). Every model is freed, so a
 * sanitizer build also checks the paths that fail half-way leak nothing.
 */
#define _POSIX_C_SOURCE 200809L /* mkdtemp */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "model/topology.h"
#include "reader/reader.h"
#include "wire/addr.h"

static model_topology *load_ok(const char *json, const char *source) {
    model_topology *t = NULL;
    ns_error err = {0};
    int rc = loader_load_string(json, strlen(json), source, &t, &err);
    if (rc != 0)
        fail_msg("unexpected error: %s", err.message);
    return t;
}

static void assert_ip(ipv4_addr a, const char *text) {
    char buf[IPV4_TEXT_LEN];
    assert_string_equal(ipv4_format(a, buf), text);
}

static const char *const SERVICES =
    "{\"devices\": {"
    " \"C\": {\"type\": \"host\", \"dhcp\": {\"at\": \"1.5s\"}, \"ephemeral_ports\": "
    "\"40000-40009\"},"
    " \"E\": {\"type\": \"host\", \"dhcp\": true, \"dns\": \"10.0.1.53\"},"
    " \"F\": {\"type\": \"host\", \"dhcp\": false, \"ip\": \"10.0.0.7/24\"},"
    " \"r1\": {\"type\": \"router\", \"interfaces\": {\"eth0\": {\"ip\": \"10.0.0.1/24\"},"
    "          \"eth1\": {\"ip\": \"10.0.1.1/24\"}},"
    "        \"dhcp_server\": {\"pool\": \"10.0.0.100-10.0.0.150\", \"dns\": \"10.0.1.53\"}},"
    " \"S\": {\"type\": \"host\", \"ip\": \"10.0.1.2/24\", \"gateway\": \"10.0.1.1\","
    "        \"dhcp_server\": {\"pool\": \"10.0.1.10-10.0.1.20\", \"lease\": \"2.9s\","
    "                          \"router\": \"10.0.1.1\", \"dns\": [\"10.0.1.53\", \"10.0.1.54\"]}},"
    " \"D\": {\"type\": \"host\", \"ip\": \"10.0.1.53/24\", \"dns\": \"10.0.1.53\","
    "        \"dns_server\": {\"records\": {\"www.example.com.\": \"93.184.216.34\","
    "                                     \"A.lab\": \"10.0.0.7\"}, \"ttl\": 60}}}}";

static void test_services(void **state) {
    (void)state;
    model_topology *t = load_ok(SERVICES, "s.json");
    const model_device *c = &t->devices[0], *e = &t->devices[1], *f = &t->devices[2];
    const model_device *r1 = &t->devices[3], *s = &t->devices[4], *d = &t->devices[5];
    assert_true(c->dhcp);
    assert_int_equal(c->dhcp_at_ns, 1500000000ull);
    assert_false(c->ifaces[0].has_ip);
    assert_int_equal(c->ephemeral_lo, 40000);
    assert_int_equal(c->ephemeral_hi, 40009);
    assert_false(c->has_dns);
    assert_true(e->dhcp);
    assert_int_equal(e->dhcp_at_ns, 0);
    assert_true(e->has_dns);
    assert_ip(e->dns, "10.0.1.53");
    assert_int_equal(e->ephemeral_lo, 32768); /* Linux's default range */
    assert_int_equal(e->ephemeral_hi, 60999);
    assert_false(f->dhcp);
    assert_null(f->dhcp_server);
    assert_null(f->dns_server);
    /* A router serving its LAN is the clients' gateway unless told otherwise. */
    assert_non_null(r1->dhcp_server);
    assert_int_equal(r1->dhcp_server->iface, 0);
    assert_ip(r1->dhcp_server->pool_lo, "10.0.0.100");
    assert_ip(r1->dhcp_server->pool_hi, "10.0.0.150");
    assert_int_equal(r1->dhcp_server->lease_s, 3600);
    assert_ip(r1->dhcp_server->router, "10.0.0.1");
    assert_int_equal(r1->dhcp_server->n_dns, 1);
    assert_ip(r1->dhcp_server->dns[0], "10.0.1.53");
    /* A host has no default router; the lease counts whole seconds. */
    assert_int_equal(s->dhcp_server->lease_s, 2);
    assert_ip(s->dhcp_server->router, "10.0.1.1");
    assert_int_equal(s->dhcp_server->n_dns, 2);
    assert_ip(s->dhcp_server->dns[1], "10.0.1.54");
    assert_non_null(d->dns_server);
    assert_int_equal(d->dns_server->ttl, 60);
    assert_int_equal(d->dns_server->n_records, 2);
    assert_string_equal(d->dns_server->records[0].name, "www.example.com"); /* no trailing dot */
    assert_ip(d->dns_server->records[0].addr, "93.184.216.34");
    assert_string_equal(d->dns_server->records[1].name, "A.lab"); /* case kept */
    model_free(t);

    /* A host serving DHCP defaults to no router option; ttl defaults to 300;
     * it runs a DNS server, so it names itself as the DNS server (option 6),
     * as dnsmasq does, unless "dns" says otherwise, even as []. */
    t = load_ok("{\"devices\": {\"S\": {\"type\": \"host\", \"ip\": \"10.0.0.2/24\","
                " \"dhcp_server\": {\"pool\": \"10.0.0.9-10.0.0.9\"},"
                " \"dns_server\": {\"records\": {}}}}}",
                "s.json");
    assert_int_equal(t->devices[0].dhcp_server->router, 0);
    assert_int_equal(t->devices[0].dhcp_server->n_dns, 1);
    assert_ip(t->devices[0].dhcp_server->dns[0], "10.0.0.2");
    assert_int_equal(t->devices[0].dns_server->ttl, 300);
    assert_int_equal(t->devices[0].dns_server->n_records, 0);
    assert_false(t->devices[0].dns_server->has_upstream);
    model_free(t);
    t = load_ok("{\"devices\": {\"S\": {\"type\": \"host\", \"ip\": \"10.0.0.2/24\","
                " \"dhcp_server\": {\"pool\": \"10.0.0.9-10.0.0.9\", \"dns\": []},"
                " \"dns_server\": {\"records\": {}}}}}",
                "s.json");
    assert_int_equal(t->devices[0].dhcp_server->n_dns, 0);
    model_free(t);
}

/* The notes' home router: a NAT box with a router's services. Its DHCP
 * server serves the inside interface, naming the box's inside address as
 * gateway and DNS server; its DNS server forwards to an upstream server and
 * needs no records. */
static void test_nat_box_services(void **state) {
    (void)state;
    model_topology *t = load_ok(
        "{\"devices\": {\"home\": {\"type\": \"nat\","
        " \"interfaces\": {\"eth0\": {\"ip\": \"116.226.52.212/24\"},"
        "                  \"eth1\": {\"ip\": \"192.168.1.1/24\"}},"
        " \"inside\": \"eth1\", \"outside\": \"eth0\", \"ephemeral_ports\": \"50000-50099\","
        " \"dhcp_server\": {\"pool\": \"192.168.1.100-192.168.1.199\"},"
        " \"dns_server\": {\"upstream\": \"119.29.29.29\"}, \"dns\": \"119.29.29.29\"}}}",
        "home.json");
    const model_device *d = &t->devices[0];
    assert_non_null(d->nat);
    assert_true(d->nat->enabled);
    assert_true(d->forwarding);
    assert_int_equal(d->dhcp_server->iface, 1);
    assert_ip(d->dhcp_server->router, "192.168.1.1");
    assert_int_equal(d->dhcp_server->n_dns, 1);
    assert_ip(d->dhcp_server->dns[0], "192.168.1.1");
    assert_true(d->dns_server->has_upstream);
    assert_ip(d->dns_server->upstream, "119.29.29.29");
    assert_int_equal(d->dns_server->n_records, 0);
    assert_true(d->has_dns);
    assert_int_equal(d->ephemeral_lo, 50000);
    model_free(t);
}

static const char *const PROGRAMS =
    "{\"devices\": {"
    " \"A\": {\"type\": \"host\", \"ip\": \"10.0.0.1/24\", \"dns\": \"10.0.0.2\"},"
    " \"B\": {\"type\": \"host\", \"ip\": \"10.0.0.2/24\"}},"
    " \"links\": [[\"A\", \"B\"]],"
    " \"script\": ["
    "  {\"at\": \"0s\", \"on\": \"B\", \"do\": \"udp_server\", \"port\": 8080},"
    "  {\"at\": \"0s\", \"on\": \"B\", \"do\": \"udp_server\", \"port\": 8081, \"reply\": \"hi\","
    "   \"count\": 2},"
    "  {\"at\": \"1s\", \"on\": \"A\", \"do\": \"udp_send\", \"to\": \"10.0.0.2\", \"port\": 8080},"
    "  {\"at\": \"1s\", \"on\": \"A\", \"do\": \"udp_send\", \"to\": \"Www.Example.com.\","
    "   \"port\": 8080, \"data\": \"x\", \"timeout\": \"0s\", \"local_port\": 7788},"
    "  {\"at\": \"0s\", \"on\": \"B\", \"do\": \"tcp_server\", \"port\": 8081},"
    "  {\"at\": \"2s\", \"on\": \"A\", \"do\": \"tcp_client\", \"to\": \"10.0.0.2\", \"port\": "
    "8081,"
    "   \"send\": [\"hello\", \"exit\"]},"
    "  {\"at\": \"0s\", \"on\": \"B\", \"do\": \"file_server\", \"port\": 8083,"
    "   \"files\": {\"a.txt\": \"abc\", \"big.bin\": {\"size\": 1000}, \"empty\": \"\"}},"
    "  {\"at\": \"3s\", \"on\": \"A\", \"do\": \"file_download\", \"to\": \"10.0.0.2\","
    "   \"port\": 8083, \"file\": \"big.bin\"},"
    "  {\"at\": \"0s\", \"on\": \"B\", \"do\": \"http_server\", \"pages\": {\"/\": \"<p>\"}},"
    "  {\"at\": \"4s\", \"on\": \"A\", \"do\": \"http_get\", \"url\": \"http://www.example.com\"},"
    "  {\"at\": \"4s\", \"on\": \"A\", \"do\": \"http_get\","
    "   \"url\": \"http://10.0.0.2:8080/a/b.html?q=1\"},"
    "  {\"at\": \"5s\", \"on\": \"A\", \"do\": \"ping\", \"to\": \"b.lab\"},"
    "  {\"at\": \"5s\", \"on\": \"A\", \"do\": \"traceroute\", \"to\": \"b.lab\"}"
    "]}";

/* The action `do` at position `i` (the model sorts by time, ties in file order). */
static const model_action *action(const model_topology *t, size_t i, action_kind kind) {
    assert_true(i < t->n_actions);
    assert_int_equal(t->actions[i].kind, kind);
    return &t->actions[i];
}

static void test_programs(void **state) {
    (void)state;
    model_topology *t = load_ok(PROGRAMS, "p.json");
    assert_int_equal(t->n_actions, 13);
    /* at 0 s: udp_server x2, tcp_server, file_server, http_server (file order) */
    const model_udp_server *us = &action(t, 0, ACTION_UDP_SERVER)->u.udp_server;
    assert_int_equal(us->port, 8080);
    assert_null(us->reply);
    assert_int_equal(us->count, 0);
    us = &action(t, 1, ACTION_UDP_SERVER)->u.udp_server;
    assert_string_equal(us->reply, "hi");
    assert_int_equal(us->reply_len, 2);
    assert_int_equal(us->count, 2);
    const model_tcp_server *ts = &action(t, 2, ACTION_TCP_SERVER)->u.tcp_server;
    assert_int_equal(ts->port, 8081); /* UDP and TCP 8081 are different ports */
    assert_null(ts->reply);
    const model_file_server *fs = &action(t, 3, ACTION_FILE_SERVER)->u.file_server;
    assert_int_equal(fs->n_files, 3);
    assert_string_equal(fs->files[0].name, "a.txt");
    assert_int_equal(fs->files[0].source, FILE_INLINE);
    assert_int_equal(fs->files[0].size, 3);
    assert_memory_equal(fs->files[0].data, "abc", 3);
    assert_int_equal(fs->files[1].source, FILE_GENERATED);
    assert_int_equal(fs->files[1].size, 1000);
    assert_null(fs->files[1].data);
    assert_int_equal(fs->files[2].size, 0);
    const model_http_server *hs = &action(t, 4, ACTION_HTTP_SERVER)->u.http_server;
    assert_int_equal(hs->port, 80);
    assert_string_equal(hs->pages[0].path, "/");
    assert_int_equal(hs->pages[0].body_len, 3);
    /* at 1 s */
    const model_udp_send *u = &action(t, 5, ACTION_UDP_SEND)->u.udp_send;
    assert_ip(u->to.addr, "10.0.0.2");
    assert_null(u->to.name);
    assert_string_equal(u->data, "hello");
    assert_int_equal(u->timeout_ns, 5000000000ull);
    assert_int_equal(u->local_port, 0);
    u = &action(t, 6, ACTION_UDP_SEND)->u.udp_send;
    assert_int_equal(u->to.addr, 0);
    assert_string_equal(u->to.name, "Www.Example.com"); /* trailing dot dropped */
    assert_int_equal(u->timeout_ns, 0);
    assert_int_equal(u->local_port, 7788);
    const model_tcp_client *tc = &action(t, 7, ACTION_TCP_CLIENT)->u.tcp_client;
    assert_int_equal(tc->n_messages, 2);
    assert_string_equal(tc->messages[1], "exit");
    const model_file_download *fd = &action(t, 8, ACTION_FILE_DOWNLOAD)->u.file_download;
    assert_string_equal(fd->file, "big.bin");
    assert_int_equal(fd->port, 8083);
    const model_http_get *g = &action(t, 9, ACTION_HTTP_GET)->u.http_get;
    assert_string_equal(g->host.name, "www.example.com");
    assert_string_equal(g->host_text, "www.example.com");
    assert_int_equal(g->port, 80);
    assert_string_equal(g->path, "/");
    g = &action(t, 10, ACTION_HTTP_GET)->u.http_get;
    assert_null(g->host.name);
    assert_ip(g->host.addr, "10.0.0.2");
    assert_int_equal(g->port, 8080);
    assert_string_equal(g->path, "/a/b.html?q=1");
    assert_string_equal(action(t, 11, ACTION_PING)->u.ping.to_name, "b.lab");
    const model_traceroute *tr = &action(t, 12, ACTION_TRACEROUTE)->u.traceroute;
    assert_string_equal(tr->to_name, "b.lab");
    /* traceroute(8)'s defaults, as docs/topology-format.md gives them */
    assert_int_equal(tr->max_hops, 30);
    assert_int_equal(tr->probes, 3);
    assert_int_equal(tr->wait_ns, 5000000000ull);
    assert_int_equal(tr->port, 33434);
    assert_string_equal(action_kind_name(ACTION_FILE_DOWNLOAD), "file_download");
    model_free(t);
}

/* arp_spoof with only "claim" and "gratuitous": the documented defaults. */
static void test_arp_spoof_defaults(void **state) {
    (void)state;
    model_topology *t =
        load_ok("{\"devices\": {\"M\": {\"type\": \"host\", \"ip\": \"10.0.0.6/24\"}},"
                " \"script\": [{\"at\": \"0s\", \"on\": \"M\", \"do\": \"arp_spoof\","
                " \"claim\": \"10.0.0.1\", \"gratuitous\": true}]}",
                "a.json");
    const model_arp_spoof *a = &action(t, 0, ACTION_ARP_SPOOF)->u.arp_spoof;
    assert_int_equal(a->count, 5);
    assert_int_equal(a->interval_ns, 1000000000ull);
    assert_int_equal(a->victim, 0);
    assert_ip(a->impersonate, "10.0.0.1");
    assert_true(a->gratuitous);
    model_free(t);
}

/* Files named by "path" are read relative to the topology's directory. */
static void test_file_path(void **state) {
    (void)state;
    char dir[] = "/tmp/netsim-loader-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char file[128], source[128];
    snprintf(file, sizeof file, "%s/photo.jpg", dir);
    snprintf(source, sizeof source, "%s/t.json", dir);
    FILE *fp = fopen(file, "wb");
    assert_non_null(fp);
    const uint8_t bytes[5] = {0xff, 0xd8, 0x00, 0x01, 0xd9};
    assert_int_equal(fwrite(bytes, 1, sizeof bytes, fp), sizeof bytes);
    fclose(fp);
    const char *json = "{\"devices\": {\"S\": {\"type\": \"host\", \"ip\": \"10.0.0.9/24\"}},"
                       " \"script\": [{\"at\": \"0s\", \"on\": \"S\", \"do\": \"file_server\","
                       " \"port\": 8083, \"files\": {\"photo.jpg\": {\"path\": \"photo.jpg\"}}}]}";
    model_topology *t = load_ok(json, source);
    const model_file *f = &t->actions[0].u.file_server.files[0];
    assert_int_equal(f->source, FILE_LOADED);
    assert_int_equal(f->size, 5);
    assert_memory_equal(f->data, bytes, 5);
    model_free(t);
    /* Relative to the topology, not to the working directory. */
    model_topology *none = NULL;
    ns_error err = {0};
    assert_int_equal(loader_load_string(json, strlen(json), "elsewhere.json", &none, &err),
                     NS_ERR_INPUT);
    assert_non_null(strstr(err.message, "\"photo.jpg\" cannot be read: No such file or directory "
                                        "(looked for photo.jpg)"));
    unlink(file);
    rmdir(dir);
}

static void test_errors(void **state) {
    (void)state;
    /* A datagram one byte over what fits a frame. */
    size_t n = 65494;
    char *json = malloc(n + 300);
    assert_non_null(json);
    int k = snprintf(json, 300,
                     "{\"devices\": {\"A\": {\"type\": \"host\", \"ip\": \"10.0.0.1/24\"}},"
                     " \"script\": [{\"at\": \"0s\", \"on\": \"A\", \"do\": \"udp_send\","
                     " \"to\": \"10.0.0.2\", \"port\": 9, \"data\": \"");
    memset(json + k, 'x', n);
    strcpy(json + k + n, "\"}]}");
    model_topology *t = NULL;
    ns_error err = {0};
    assert_int_equal(loader_load_string(json, strlen(json), "t.json", &t, &err), NS_ERR_INPUT);
    assert_non_null(strstr(err.message, "script[0].data: \"xxx"));
    assert_non_null(strstr(err.message, "is 65494 bytes long; expected at most 65493 bytes"));
    /* Exactly what fits is fine. */
    strcpy(json + k + n - 1, "\"}]}");
    t = load_ok(json, "t.json");
    assert_int_equal(t->actions[0].u.udp_send.data_len, 65493);
    model_free(t);
    free(json);

    /* An error in a later action frees what earlier ones allocated (the
     * sanitizer build checks), and reports the later one. */
    const char *two =
        "{\"devices\": {\"A\": {\"type\": \"host\", \"ip\": \"10.0.0.1/24\"}},"
        " \"script\": [{\"at\": \"0s\", \"on\": \"A\", \"do\": \"tcp_client\","
        " \"to\": \"10.0.0.2\", \"port\": 1, \"send\": [\"a\", \"b\"]},"
        " {\"at\": \"0s\", \"on\": \"A\", \"do\": \"http_get\", \"url\": \"http://a b/\"}]}";
    assert_int_equal(loader_load_string(two, strlen(two), "t.json", &t, &err), NS_ERR_INPUT);
    assert_non_null(strstr(err.message, "script[1].url: "));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_services),  cmocka_unit_test(test_nat_box_services),
        cmocka_unit_test(test_programs),  cmocka_unit_test(test_arp_spoof_defaults),
        cmocka_unit_test(test_file_path), cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
