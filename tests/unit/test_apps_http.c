/*
 * Unit tests of apps/http: request heads (a browser-like GET, bare LF line
 * ends, incomplete heads, and each malformation RFC 9112 says to reject),
 * the server's choice of answer (200, 404, 405, 400 without Host, 505,
 * query strings, HEAD), the exact bytes of a response head, and response
 * heads as the client parses them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "apps/http.h"

static http_parse_status parse_req(const char *text, http_request *r) {
    return http_parse_request((const uint8_t *)text, strlen(text), r);
}

static http_parse_status parse_resp(const char *text, http_response *r) {
    return http_parse_response((const uint8_t *)text, strlen(text), r);
}

static void test_request_ok(void **state) {
    (void)state;
    http_request r;
    const char *get = "GET /index.html?x=1 HTTP/1.1\r\nHost: www.example.com\r\n"
                      "User-Agent: curl/8.0\r\nAccept: */*\r\n\r\n";
    assert_int_equal(parse_req(get, &r), HTTP_PARSE_OK);
    assert_string_equal(r.method, "GET");
    assert_string_equal(r.target, "/index.html?x=1");
    assert_string_equal(r.version, "HTTP/1.1");
    assert_true(r.has_host);
    assert_string_equal(r.host, "www.example.com");
    assert_int_equal(r.head_len, strlen(get));
    /* Bare LF ends lines too (RFC 9112 2.2); the header name is any case and
     * the value loses its surrounding white space. */
    assert_int_equal(parse_req("HEAD / HTTP/1.0\nhOsT:   a.b  \n\n", &r), HTTP_PARSE_OK);
    assert_string_equal(r.method, "HEAD");
    assert_string_equal(r.host, "a.b");
    /* HTTP/1.0 needs no Host. */
    assert_int_equal(parse_req("GET / HTTP/1.0\r\n\r\n", &r), HTTP_PARSE_OK);
    assert_false(r.has_host);
}

static void test_request_incomplete(void **state) {
    (void)state;
    http_request r;
    assert_int_equal(parse_req("", &r), HTTP_PARSE_INCOMPLETE);
    assert_int_equal(parse_req("GET / HTTP/1.1\r\nHost: a\r\n", &r), HTTP_PARSE_INCOMPLETE);
    assert_int_equal(parse_req("GET / HTTP/1.1\r\nHost: a\r\n\r", &r), HTTP_PARSE_INCOMPLETE);
    /* A head that never ends within HTTP_HEAD_MAX is refused. */
    static uint8_t big[HTTP_HEAD_MAX + 2];
    memset(big, 'a', sizeof big);
    assert_int_equal(http_parse_request(big, sizeof big, &r), HTTP_PARSE_BAD);
}

static void test_request_bad(void **state) {
    (void)state;
    http_request r;
    static const char *const bad[] = {
        "GET /\r\n\r\n",                                /* no version */
        "GET  / HTTP/1.1\r\nHost: a\r\n\r\n",           /* two spaces */
        "GET / HTTP/1.1 x\r\nHost: a\r\n\r\n",          /* three parts */
        "GET / HTTP/11\r\nHost: a\r\n\r\n",             /* bad version */
        "G(T / HTTP/1.1\r\nHost: a\r\n\r\n",            /* method not a token */
        "GET / HTTP/1.1\r\nHost : a\r\n\r\n",           /* space before colon */
        "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", /* two Host headers */
        "GET / HTTP/1.1\r\nno colon here\r\n\r\n",      /* not a field */
        "GET / HTTP/1.1\r\nX: a\rb\r\n\r\n",            /* bare CR inside */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (parse_req(bad[i], &r) != HTTP_PARSE_BAD)
            fail_msg("accepted bad request %zu: %s", i, bad[i]);
}

static const model_http_page PAGES[] = {
    {.path = "/", .body = "<html>home</html>", .body_len = 17},
    {.path = "/notes.txt", .body = "hello", .body_len = 5},
};
static const model_http_server SERVER = {
    .port = 80, .pages = (model_http_page *)PAGES, .n_pages = 2};

static void route(const char *text, http_answer *a) {
    http_request r;
    memset(&r, 0, sizeof r);
    http_parse_status st = parse_req(text, &r);
    assert_int_not_equal(st, HTTP_PARSE_INCOMPLETE);
    http_route(&SERVER, st, &r, a);
}

static void test_route(void **state) {
    (void)state;
    http_answer a;
    route("GET / HTTP/1.1\r\nHost: w\r\n\r\n", &a);
    assert_int_equal(a.status, 200);
    assert_string_equal(a.content_type, "text/html");
    assert_int_equal(a.body_len, 17);
    assert_memory_equal(a.body, "<html>home</html>", 17);
    route("GET /notes.txt?v=2 HTTP/1.1\r\nHost: w\r\n\r\n", &a);
    assert_int_equal(a.status, 200);
    assert_string_equal(a.content_type, "text/plain");
    route("GET http://w/notes.txt HTTP/1.1\r\nHost: w\r\n\r\n", &a); /* absolute-form */
    assert_int_equal(a.status, 200);
    route("GET /missing HTTP/1.1\r\nHost: w\r\n\r\n", &a);
    assert_int_equal(a.status, 404);
    assert_string_equal(a.reason, "Not Found");
    route("POST / HTTP/1.1\r\nHost: w\r\n\r\n", &a);
    assert_int_equal(a.status, 405);
    route("GET / HTTP/1.1\r\n\r\n", &a); /* HTTP/1.1 without Host: RFC 9112 3.2 */
    assert_int_equal(a.status, 400);
    route("GET / HTTP/2.0\r\nHost: w\r\n\r\n", &a);
    assert_int_equal(a.status, 505);
    route("GET x HTTP/1.1\r\nHost: w\r\n\r\n", &a);
    assert_int_equal(a.status, 400);
    route("GET / HTTP/1.1\r\nHost : w\r\n\r\n", &a);
    assert_int_equal(a.status, 400);
    route("HEAD / HTTP/1.1\r\nHost: w\r\n\r\n", &a);
    assert_int_equal(a.status, 200);
    assert_true(a.head_only);
    assert_int_equal(a.body_len, 17); /* Content-Length of the GET */
}

static void test_format_head(void **state) {
    (void)state;
    http_answer a;
    char buf[512];
    route("GET / HTTP/1.1\r\nHost: w\r\n\r\n", &a);
    size_t n = http_format_head(&a, buf, sizeof buf);
    const char *want = "HTTP/1.1 200 OK\r\nServer: netsim\r\nContent-Type: text/html\r\n"
                       "Content-Length: 17\r\nConnection: close\r\n\r\n";
    assert_int_equal(n, strlen(want));
    assert_memory_equal(buf, want, n);
    route("DELETE / HTTP/1.1\r\nHost: w\r\n\r\n", &a);
    n = http_format_head(&a, buf, sizeof buf);
    buf[n] = '\0';
    assert_non_null(strstr(buf, "HTTP/1.1 405 Method Not Allowed\r\n"));
    assert_non_null(strstr(buf, "Allow: GET, HEAD\r\n"));
    assert_int_equal(http_format_head(&a, buf, 20), 0); /* too small */
}

static void test_response(void **state) {
    (void)state;
    http_response r;
    const char *ok =
        "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\ncontent-length: 17\r\n\r\n<html>";
    assert_int_equal(parse_resp(ok, &r), HTTP_PARSE_OK);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.reason, "OK");
    assert_string_equal(r.version, "HTTP/1.1");
    assert_true(r.has_length);
    assert_int_equal(r.content_length, 17);
    assert_string_equal(r.content_type, "text/html");
    assert_int_equal(r.head_len, strlen(ok) - strlen("<html>"));
    assert_int_equal(parse_resp("HTTP/1.0 404 Not Found\n\n", &r), HTTP_PARSE_OK);
    assert_int_equal(r.status, 404);
    assert_false(r.has_length);
    assert_int_equal(parse_resp("HTTP/1.1 200 OK\r\n", &r), HTTP_PARSE_INCOMPLETE);
    assert_int_equal(parse_resp("HTTP/1.1 2x0 OK\r\n\r\n", &r), HTTP_PARSE_BAD);
    assert_int_equal(parse_resp("HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n", &r),
                     HTTP_PARSE_BAD);
    assert_int_equal(
        parse_resp("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\n", &r),
        HTTP_PARSE_BAD);
    assert_int_equal(parse_resp("SSH-2.0-OpenSSH\r\n\r\n", &r), HTTP_PARSE_BAD);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_request_ok),  cmocka_unit_test(test_request_incomplete),
        cmocka_unit_test(test_request_bad), cmocka_unit_test(test_route),
        cmocka_unit_test(test_format_head), cmocka_unit_test(test_response),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
