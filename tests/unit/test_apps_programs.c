/*
 * Unit tests of the notes' programs on two real hosts A 10.0.0.1 and B
 * 10.0.0.2 (apps/udp_server, udp_client, tcp_server, tcp_client,
 * file_transfer, web), for what the scenario traces do not show: a UDP
 * server that closes after `count` datagrams (the next one is refused), a
 * reply that never comes (the client's timeout), a TCP server that stops
 * listening after `count` clients, a client without "exit" (it closes after
 * the last answer), an empty file, generated files that follow the seed,
 * an HTTP 404 and a web server port where nothing listens; and the typed
 * results the programs' lines carry (ping's replies and statistics, an
 * unanswered ARP as ping's error, both ends of a download).
 */
#include "fake_net.h"

#include "apps/file_transfer.h"
#include "apps/ping.h"
#include "apps/tcp_client.h"
#include "apps/tcp_server.h"
#include "apps/udp_client.h"
#include "apps/udp_server.h"
#include "apps/web.h"
#include "stack/tcp.h"

static const mac_addr MAC_A = {{0x02, 0x00, 0x00, 0x00, 0x00, 0x0a}};
static const mac_addr MAC_B = {{0x02, 0x00, 0x00, 0x00, 0x00, 0x0b}};
static const ipv4_addr IP_A = IP4(10, 0, 0, 1), IP_B = IP4(10, 0, 0, 2);

static node *make_host(fake_net *fx, const char *name, mac_addr mac, ipv4_addr ip) {
    model_iface ifc = fake_iface("eth0", mac, ip, 24);
    model_device d = fake_device(name, DEVICE_HOST, &ifc, 1);
    node *n = ip_device_new(fx->net, &d);
    network_add_node(fx->net, n);
    return n;
}

static void two_hosts(fake_net *fx, node **a, node **b) {
    *a = make_host(fx, "A", MAC_A, IP_A);
    *b = make_host(fx, "B", MAC_B, IP_B);
    fake_link(fx, &(*a)->ports[0], &(*b)->ports[0]);
    fake_build(fx);
}

/* The app lines of `device`, joined by '\n'. */
static char *app_lines(const fake_net *fx, const char *device) {
    size_t cap = 1, used = 0;
    for (size_t i = 0; i < fx->cap.n; i++)
        if (cap_match(&fx->cap.ev[i], TRACE_APP, device))
            cap += strlen(fx->cap.ev[i].detail) + 1;
    char *out = malloc(cap);
    if (!out)
        abort();
    out[0] = '\0';
    for (size_t i = 0; i < fx->cap.n; i++)
        if (cap_match(&fx->cap.ev[i], TRACE_APP, device)) {
            used += (size_t)sprintf(out + used, "%s\n", fx->cap.ev[i].detail);
        }
    return out;
}

static void assert_lines(const fake_net *fx, const char *device, const char *want) {
    char *got = app_lines(fx, device);
    if (strcmp(got, want) != 0)
        fail_msg("%s printed:\n%s\nwanted:\n%s", device, got, want);
    free(got);
}

static void test_udp_count_and_timeout(void **state) {
    fake_net *fx = *state;
    node *a, *b;
    two_hosts(fx, &a, &b);
    model_udp_server srv = {.port = 9, .reply = "ok", .reply_len = 2, .count = 1};
    ip_device_add_app(b, udp_server_new(ip_device_stack(b), &srv, 0), udp_server_free);
    model_udp_send first = {.to = {.addr = IP_B},
                            .port = 9,
                            .local_port = 5000,
                            .data = "one",
                            .data_len = 3,
                            .timeout_ns = 5 * SIM_S};
    model_udp_send second = first; /* connected: the server has closed */
    second.data = "two";
    second.local_port = 5001;
    second.connect = true;
    model_udp_send third = first; /* to a port where nothing is bound, not connected */
    third.port = 10;
    third.local_port = 5002;
    model_udp_send fourth = third; /* the same, connected, from second's port again */
    fourth.local_port = 5001;
    fourth.connect = true;
    ip_device_add_app(a, udp_client_new(ip_device_stack(a), NULL, &first, SIM_S), udp_client_free);
    ip_device_add_app(a, udp_client_new(ip_device_stack(a), NULL, &second, 2 * SIM_S),
                      udp_client_free);
    ip_device_add_app(a, udp_client_new(ip_device_stack(a), NULL, &third, 3 * SIM_S),
                      udp_client_free);
    ip_device_add_app(a, udp_client_new(ip_device_stack(a), NULL, &fourth, 4 * SIM_S),
                      udp_client_free);
    assert_int_equal(fake_run(fx), SIM_DONE);
    /* Linux reports port unreachable only to a connected socket: the third
     * client, which is not, hears nothing and times out. */
    assert_lines(fx, "A",
                 "sent 3 bytes to 10.0.0.2:9 from port 5000: one\n"
                 "received: ok\n"
                 "from 10.0.0.2:9\n"
                 "sent 3 bytes to 10.0.0.2:9 from port 5001: two\n"
                 "recv: Connection refused (ICMP port unreachable from 10.0.0.2)\n"
                 "sent 3 bytes to 10.0.0.2:10 from port 5002: one\n"
                 "sent 3 bytes to 10.0.0.2:10 from port 5001: one\n"
                 "recv: Connection refused (ICMP port unreachable from 10.0.0.2)\n"
                 "no reply from 10.0.0.2:10 within 5s (recvfrom timed out)\n");
    assert_lines(fx, "B", "received: one\nfrom 10.0.0.1:5000\n");
    assert_int_equal(cap_count_why(&fx->cap, TRACE_DELIVER, "A",
                                   "ICMP error about our UDP datagram, not reported: the socket is "
                                   "not connected, and Linux reports such errors only to a "
                                   "connected socket; recvfrom keeps waiting"),
                     1);
    assert_int_equal(
        cap_count_why(&fx->cap, TRACE_DELIVER, "A", "ICMP error about our UDP datagram"), 2);
}

static void test_udp_no_reply(void **state) {
    fake_net *fx = *state;
    node *a = make_host(fx, "A", MAC_A, IP_A);
    fake_node *b = fake_node_new(fx, "B", 1, MAC_B);
    b->ip[0] = IP_B;
    b->answer_arp = true; /* answers ARP, swallows the datagram */
    fake_link(fx, &a->ports[0], fake_port(b, 0));
    fake_build(fx);
    model_udp_send cfg = {.to = {.addr = IP_B},
                          .port = 9,
                          .data = "\x01hi\n",
                          .data_len = 4,
                          .timeout_ns = 2 * SIM_S};
    ip_device_add_app(a, udp_client_new(ip_device_stack(a), NULL, &cfg, 0), udp_client_free);
    assert_int_equal(fake_run(fx), SIM_DONE);
    const cap_event *e = cap_nth(&fx->cap, TRACE_APP, "A", 1);
    assert_text(e->detail, "no reply from 10.0.0.2:9 within 2s (recvfrom timed out)");
    assert_int_equal(e->time, 2 * SIM_S);
    /* Unprintable bytes are escaped: one line per line of output. */
    assert_non_null(strstr(cap_nth(&fx->cap, TRACE_APP, "A", 0)->detail, ": \\x01hi\\n"));
}

static void test_tcp_count_and_no_exit(void **state) {
    fake_net *fx = *state;
    node *a, *b;
    two_hosts(fx, &a, &b);
    model_tcp_server srv = {.port = 7, .reply = "OK", .reply_len = 2, .count = 1};
    ip_device_add_app(b, tcp_server_new(ip_device_stack(b), &srv, 0), tcp_server_free);
    char *msgs[] = {"a", "b"};
    model_tcp_client c1 = {.to = {.addr = IP_B}, .port = 7, .messages = msgs, .n_messages = 2};
    ip_device_add_app(a, tcp_client_new(ip_device_stack(a), NULL, &c1, SIM_S), tcp_client_free);
    ip_device_add_app(a, tcp_client_new(ip_device_stack(a), NULL, &c1, 100 * SIM_S),
                      tcp_client_free);
    assert_int_equal(fake_run(fx), SIM_DONE);
    char *got = app_lines(fx, "A");
    assert_non_null(strstr(got, "request: a\nresponse from the server: OK\nrequest: b\n"
                                "response from the server: OK\n"));
    /* The listener closed after its one client: the second is refused. */
    assert_non_null(strstr(got, "connect: Connection refused\n"));
    free(got);
    got = app_lines(fx, "B");
    assert_non_null(strstr(got, "request from 10.0.0.1:"));
    assert_non_null(strstr(got, "closed the connection: closing ours\n"));
    free(got);
    /* The first client closed by itself after the last answer. */
    assert_int_equal(
        cap_count_why(&fx->cap, TRACE_STATE, "A", "close: FIN sent after the queued data"), 1);
    assert_non_null(cap_find_why(&fx->cap, TRACE_STATE, "B", "listener closed"));
}

/* The time of A's app line `line`, or fails. */
static sim_time line_time(const fake_net *fx, const char *device, const char *line) {
    for (size_t i = 0; i < fx->cap.n; i++)
        if (cap_match(&fx->cap.ev[i], TRACE_APP, device) && strcmp(fx->cap.ev[i].detail, line) == 0)
            return fx->cap.ev[i].time;
    fail_msg("%s never printed \"%s\"", device, line);
    return 0;
}

/* Steps: two requests on one connection with a pause between them, a close,
 * a new connection from another port for the third request, and no close at
 * the end: that connection stays open and idle. */
static void test_tcp_steps(void **state) {
    fake_net *fx = *state;
    node *a, *b;
    two_hosts(fx, &a, &b);
    model_tcp_server srv = {.port = 7, .reply = "OK", .reply_len = 2};
    ip_device_add_app(b, tcp_server_new(ip_device_stack(b), &srv, 0), tcp_server_free);
    model_tcp_step steps[] = {
        {.kind = TCP_STEP_SEND, .data = "a", .len = 1},
        {.kind = TCP_STEP_AFTER, .after_ns = 2 * SIM_S},
        {.kind = TCP_STEP_SEND, .data = "b", .len = 1},
        {.kind = TCP_STEP_CLOSE},
        {.kind = TCP_STEP_CONNECT},
        {.kind = TCP_STEP_SEND, .data = "c", .len = 1},
    };
    model_tcp_client c = {.to = {.addr = IP_B}, .port = 7, .steps = steps, .n_steps = 6};
    ip_device_add_app(a, tcp_client_new(ip_device_stack(a), NULL, &c, SIM_S), tcp_client_free);
    assert_int_equal(fake_run(fx), SIM_DONE);
    char *got = app_lines(fx, "A");
    assert_non_null(strstr(got,
                           "request: a\nresponse from the server: OK\nrequest: b\n"
                           "response from the server: OK\nconnected to 10.0.0.2:7 from port "));
    assert_non_null(strstr(got, "\nrequest: c\nresponse from the server: OK\n"));
    free(got);
    /* "after" pauses from the answer to "a" to the request "b". */
    assert_int_equal(line_time(fx, "A", "request: b") -
                         line_time(fx, "A", "response from the server: OK"),
                     2 * SIM_S);
    /* One close only: the second connection is left open. */
    assert_int_equal(
        cap_count_why(&fx->cap, TRACE_STATE, "A", "close: FIN sent after the queued data"), 1);
    got = app_lines(fx, "B");
    assert_non_null(strstr(got, "closed the connection: closing ours\n"));
    assert_null(
        strstr(strstr(got, "closed the connection: closing ours\n") + 1, "closed the connection"));
    free(got);
}

/* Steps after a failed connect: the sends up to the next connect are
 * skipped, with a line saying so, and the next connect runs. */
static void test_tcp_steps_refused(void **state) {
    fake_net *fx = *state;
    node *a, *b;
    two_hosts(fx, &a, &b);
    model_tcp_step steps[] = {
        {.kind = TCP_STEP_SEND, .data = "a", .len = 1},
        {.kind = TCP_STEP_CLOSE},
        {.kind = TCP_STEP_CONNECT},
        {.kind = TCP_STEP_SEND, .data = "b", .len = 1},
    };
    model_tcp_client c = {.to = {.addr = IP_B}, .port = 9, .steps = steps, .n_steps = 4};
    ip_device_add_app(a, tcp_client_new(ip_device_stack(a), NULL, &c, SIM_S), tcp_client_free);
    assert_int_equal(fake_run(fx), SIM_DONE);
    assert_lines(fx, "A", "connect: Connection refused\nconnect: Connection refused\n");
}

/* The first result of `device` that begins with `head` followed by `fields`. */
static const cap_event *result_with(const fake_net *fx, const char *device, const char *head,
                                    const char *fields) {
    size_t n = strlen(head);
    for (size_t i = 0; i < fx->cap.n; i++) {
        const cap_event *e = &fx->cap.ev[i];
        if (cap_match(e, TRACE_APP, device) && e->result && strncmp(e->result, head, n) == 0 &&
            strncmp(e->result + n, fields, strlen(fields)) == 0)
            return e;
    }
    return NULL;
}

static void test_files(void **state) {
    fake_net *fx = *state;
    node *a, *b;
    two_hosts(fx, &a, &b);
    model_file files[] = {
        {.name = "empty", .source = FILE_INLINE, .size = 0},
        {.name = "r.bin", .source = FILE_GENERATED, .size = 3000},
    };
    model_file_server srv = {.port = 8083, .files = files, .n_files = 2};
    ip_device_add_app(b, file_server_new(ip_device_stack(b), &srv, 0), file_server_free);
    model_file_download d1 = {.to = {.addr = IP_B}, .port = 8083, .file = "empty"};
    model_file_download d2 = {.to = {.addr = IP_B}, .port = 8083, .file = "r.bin"};
    ip_device_add_app(a, file_download_new(ip_device_stack(a), NULL, &d1, SIM_S),
                      file_download_free);
    ip_device_add_app(a, file_download_new(ip_device_stack(a), NULL, &d2, 2 * SIM_S),
                      file_download_free);
    assert_int_equal(fake_run(fx), SIM_DONE);
    char *got = app_lines(fx, "A");
    assert_non_null(strstr(got, "the downloaded file is empty\n"));
    char *crc = strstr(got, "r.bin, 3000 bytes in ");
    assert_non_null(crc);
    crc = strstr(crc, "crc32 ");
    char *sent = app_lines(fx, "B");
    assert_non_null(strstr(sent, "sending empty: 0 bytes, crc32 00000000\n"));
    char want[64];
    snprintf(want, sizeof want, "sending r.bin: 3000 bytes, %.14s\n", crc);
    assert_non_null(strstr(sent, want)); /* both ends agree */
    /* And so do their results, which carry the CRC as printed. */
    char fact[128];
    snprintf(fact, sizeof fact, "file=r.bin server=10.0.0.2 bytes=3000 crc32=%.8s ", crc + 6);
    assert_non_null(result_with(fx, "A", "program=file_download event=finished ", fact));
    snprintf(fact, sizeof fact, "file=r.bin bytes=3000 crc32=%.8s to=10.0.0.1 ", crc + 6);
    assert_non_null(result_with(fx, "B", "program=file_server event=sending ", fact));
    assert_non_null(result_with(fx, "A", "program=file_download event=finished ",
                                "file=empty server=10.0.0.2 bytes=0 crc32=00000000 "));
    free(sent);
    free(got);
}

/* Two echo requests to B and one to 10.0.0.99, which never answers ARP:
 * each line's result, fields in the documented order. */
static void test_ping_results(void **state) {
    fake_net *fx = *state;
    node *a, *b;
    two_hosts(fx, &a, &b);
    model_ping to_b;
    ping_defaults(&to_b);
    to_b.to = IP_B;
    to_b.count = 2;
    model_ping nobody = to_b;
    nobody.to = IP4(10, 0, 0, 99);
    nobody.count = 1;
    ip_device_add_app(a, ping_new(ip_device_stack(a), &to_b, 0), ping_free_app);
    ip_device_add_app(a, ping_new(ip_device_stack(a), &nobody, 10 * SIM_S), ping_free_app);
    assert_int_equal(fake_run(fx), SIM_DONE);
    const cap_event *e = cap_find_result(&fx->cap, "A",
                                         "program=ping event=reply from=10.0.0.2 seq=1 ttl=64 "
                                         "bytes=64 time_ms=0.036 duplicate=no");
    assert_non_null(e);
    assert_text(e->detail, "64 bytes from 10.0.0.2: icmp_seq=1 ttl=64 time=0.036 ms");
    assert_non_null(cap_find_result(&fx->cap, "A",
                                    "program=ping event=statistics to=10.0.0.2 transmitted=2 "
                                    "received=2 errors=0 duplicates=0"));
    e = cap_find_result(&fx->cap, "A",
                        "program=ping event=error from=10.0.0.1 seq=1 error=unreachable "
                        "code=host duplicate=no");
    assert_non_null(e);
    assert_text(e->detail, "From 10.0.0.1 icmp_seq=1 Destination Host Unreachable");
    assert_non_null(cap_find_result(&fx->cap, "A",
                                    "program=ping event=statistics to=10.0.0.99 transmitted=1 "
                                    "received=0 errors=1 duplicates=0"));
    /* Lines without a result stay prose only: the blank line, the header. */
    assert_null(cap_find_detail(&fx->cap, TRACE_APP, "A", "")->result);
}

/* The content of a generated file follows the run's seed. */
static char *generated_crc(uint64_t seed) {
    fake_net *fx = fake_net_new(seed);
    node *a, *b;
    two_hosts(fx, &a, &b);
    model_file files[] = {{.name = "r.bin", .source = FILE_GENERATED, .size = 100}};
    model_file_server srv = {.port = 1, .files = files, .n_files = 1};
    ip_device_add_app(b, file_server_new(ip_device_stack(b), &srv, 0), file_server_free);
    model_file_download d = {.to = {.addr = IP_B}, .port = 1, .file = "r.bin"};
    ip_device_add_app(a, file_download_new(ip_device_stack(a), NULL, &d, 0), file_download_free);
    fake_run(fx);
    char *lines = app_lines(fx, "B");
    fake_net_free(fx);
    return lines;
}

static void test_generated_follows_seed(void **state) {
    (void)state;
    char *a = generated_crc(1), *b = generated_crc(1), *c = generated_crc(2);
    assert_string_equal(a, b);
    assert_string_not_equal(a, c);
    free(a);
    free(b);
    free(c);
}

static void test_http_404_and_refused(void **state) {
    fake_net *fx = *state;
    node *a, *b;
    two_hosts(fx, &a, &b);
    model_http_page page = {.path = "/", .body = "hi", .body_len = 2};
    model_http_server srv = {.port = 80, .pages = &page, .n_pages = 1};
    ip_device_add_app(b, http_server_new(ip_device_stack(b), &srv, 0), http_server_free);
    model_http_get g1 = {.url = "http://10.0.0.2/x",
                         .host = {.addr = IP_B},
                         .host_text = "10.0.0.2",
                         .port = 80,
                         .path = "/x"};
    model_http_get g2 = g1;
    g2.port = 8080;
    ip_device_add_app(a, http_get_new(ip_device_stack(a), NULL, &g1, SIM_S), http_get_free);
    ip_device_add_app(a, http_get_new(ip_device_stack(a), NULL, &g2, 2 * SIM_S), http_get_free);
    assert_int_equal(fake_run(fx), SIM_DONE);
    assert_lines(fx, "A",
                 "Connecting to 10.0.0.2:80... connected.\n"
                 "HTTP request sent, awaiting response...\n"
                 "HTTP/1.1 404 Not Found\n"
                 "ERROR 404: Not Found.\n"
                 "Connecting to 10.0.0.2:8080... failed: Connection refused.\n");
    assert_lines(fx, "B", "10.0.0.1 - - \"GET /x HTTP/1.1\" 404 49\n");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_udp_count_and_timeout, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_udp_no_reply, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_tcp_count_and_no_exit, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_tcp_steps, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_tcp_steps_refused, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_files, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_ping_results, fake_setup, fake_teardown),
        cmocka_unit_test(test_generated_follows_seed),
        cmocka_unit_test_setup_teardown(test_http_404_and_refused, fake_setup, fake_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
