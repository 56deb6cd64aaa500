/*
 * http: the little of HTTP/1.1 (RFC 9110, RFC 9112) that a GET needs, as
 * plain functions over bytes: parse a request head, choose the answer from a
 * server's pages, write the response head, parse a response head. No state,
 * no I/O: the programs in web.c use these, the unit tests call them
 * directly.
 *
 * Parsing is strict where RFC 9112 says a recipient must reject (a space
 * before the colon of a header, a bad request line, two Host headers) and
 * lenient where it allows (a bare LF ends a line, as section 2.2 permits).
 */
#ifndef NETSIM_APPS_HTTP_H
#define NETSIM_APPS_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/topology.h"

#define HTTP_HEAD_MAX     8192 /* larger heads get 431 (RFC 6585 section 5) */
#define HTTP_DEFAULT_PORT 80   /* RFC 9110 section 4.2.1 */

typedef enum {
    HTTP_PARSE_BAD = -1,       /* malformed: answer 400 */
    HTTP_PARSE_INCOMPLETE = 0, /* no blank line yet: wait for more */
    HTTP_PARSE_OK = 1,
} http_parse_status;

typedef struct http_request {
    char method[16];
    char target[2048];
    char version[16]; /* "HTTP/1.1" */
    bool has_host;
    char host[256];
    size_t head_len; /* bytes up to and including the blank line */
} http_request;

/* Parses the request head at buf[0..len). On HTTP_PARSE_OK, *out is filled. */
http_parse_status http_parse_request(const uint8_t *buf, size_t len, http_request *out);

typedef struct http_response {
    char version[16];
    int status;
    char reason[64];
    bool has_length;
    size_t content_length;
    char content_type[64]; /* "" when absent */
    size_t head_len;
} http_response;

/* Parses the response head at buf[0..len). */
http_parse_status http_parse_response(const uint8_t *buf, size_t len, http_response *out);

/* A server's answer. `body` points into the model or a static string. */
typedef struct http_answer {
    int status;
    const char *reason;
    const char *content_type;
    const uint8_t *body;
    size_t body_len;
    bool head_only; /* HEAD: the headers of a GET, no body */
} http_answer;

/* The answer of a server with `pages` to a request that parsed as `status`
 * (`req` is read only when status is HTTP_PARSE_OK): 200 with the page, 404
 * for an unknown path (the query string is ignored), 400 for a malformed
 * request or an HTTP/1.1 request without Host (RFC 9112 3.2), 405 for a
 * method other than GET and HEAD, 505 for a version other than 1.x. */
void http_route(const model_http_server *pages, http_parse_status status, const http_request *req,
                http_answer *out);

/* Writes the status line and headers (Server, Content-Type, Content-Length,
 * Connection: close, and Allow for 405) and the blank line into buf[cap].
 * Returns the length, or 0 if cap is too small. */
size_t http_format_head(const http_answer *a, char *buf, size_t cap);

/* The reason phrase of a status code (RFC 9110 section 15), or "Unknown". */
const char *http_reason(int status);

#endif
