/*
 * http: request and response heads, line by line.
 */
#include "apps/http.h"

#include <stdio.h>
#include <string.h>

#include "apps/app.h"
#include "util/text.h"

/* The end of the head: just after "\r\n\r\n" or "\n\n" (or a mix), or 0. */
static size_t http_head_end(const uint8_t *buf, size_t len) {
    for (size_t i = 0; i < len; i++) {
        if (buf[i] != '\n')
            continue;
        size_t j = i + 1;
        if (j < len && buf[j] == '\r')
            j++;
        if (j < len && buf[j] == '\n')
            return j + 1;
    }
    return 0;
}

/* The next line of the head from *pos (without CRLF/LF) into line[cap];
 * false when the line is too long or holds a control character other than
 * a tab. */
static bool http_next_line(const uint8_t *buf, size_t end, size_t *pos, char *line, size_t cap) {
    size_t n = 0;
    while (*pos < end && buf[*pos] != '\n') {
        uint8_t c = buf[(*pos)++];
        if (c == '\r' && *pos < end && buf[*pos] == '\n')
            break;
        if ((c < 0x20 && c != '\t') || c == 0x7f || n + 1 >= cap)
            return false;
        line[n++] = (char)c;
    }
    if (*pos < end && buf[*pos] == '\r')
        (*pos)++;
    if (*pos < end && buf[*pos] == '\n')
        (*pos)++;
    line[n] = '\0';
    return true;
}

static bool http_is_tchar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c && strchr("!#$%&'*+-.^_`|~", c));
}

static bool http_version_ok(const char *v) {
    return strlen(v) == 8 && strncmp(v, "HTTP/", 5) == 0 && v[5] >= '0' && v[5] <= '9' &&
           v[6] == '.' && v[7] >= '0' && v[7] <= '9';
}

/* Splits "Name: value" (RFC 9112 5.1: no white space before the colon;
 * optional white space around the value). */
static bool http_split_field(char *line, char **name, char **value) {
    char *colon = strchr(line, ':');
    if (!colon || colon == line)
        return false;
    for (char *p = line; p < colon; p++)
        if (!http_is_tchar(*p))
            return false;
    *colon = '\0';
    char *v = colon + 1;
    while (*v == ' ' || *v == '\t')
        v++;
    size_t n = strlen(v);
    while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
        v[--n] = '\0';
    *name = line;
    *value = v;
    return true;
}

/* The next header field of a head ending at `end`, read into line[cap]: 1
 * with *name and *value pointing into line, 0 at the blank line (or the
 * end), -1 for a line that is too long or not "Name: value". */
static int http_next_field(const uint8_t *buf, size_t end, size_t *pos, char *line, size_t cap,
                           char **name, char **value) {
    if (*pos >= end)
        return 0;
    if (!http_next_line(buf, end, pos, line, cap))
        return -1;
    if (!line[0])
        return 0;
    return http_split_field(line, name, value) ? 1 : -1;
}

/* Finds the end of the head in buf[0..len) (*end) and reads its first line
 * into line[cap], *pos just after it: OK, INCOMPLETE while the blank line
 * has not come, BAD past HTTP_HEAD_MAX or for a first line too long. */
static http_parse_status http_head_start(const uint8_t *buf, size_t len, size_t *end, size_t *pos,
                                         char *line, size_t cap) {
    *end = http_head_end(buf, len);
    *pos = 0;
    if (*end == 0)
        return len > HTTP_HEAD_MAX ? HTTP_PARSE_BAD : HTTP_PARSE_INCOMPLETE;
    return http_next_line(buf, *end, pos, line, cap) ? HTTP_PARSE_OK : HTTP_PARSE_BAD;
}

http_parse_status http_parse_request(const uint8_t *buf, size_t len, http_request *out) {
    size_t end = 0, pos = 0;
    char line[2200];
    http_parse_status status = http_head_start(buf, len, &end, &pos, line, sizeof line);
    if (status != HTTP_PARSE_OK)
        return status;
    memset(out, 0, sizeof *out);
    out->head_len = end;
    /* request-line = method SP request-target SP HTTP-version (RFC 9112 3) */
    char *sp1 = strchr(line, ' ');
    char *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
    if (!sp1 || !sp2 || strchr(sp2 + 1, ' '))
        return HTTP_PARSE_BAD;
    size_t mlen = (size_t)(sp1 - line), tlen = (size_t)(sp2 - sp1 - 1);
    if (mlen == 0 || mlen >= sizeof out->method || tlen == 0 || tlen >= sizeof out->target ||
        strlen(sp2 + 1) >= sizeof out->version)
        return HTTP_PARSE_BAD;
    memcpy(out->method, line, mlen);
    memcpy(out->target, sp1 + 1, tlen);
    strcpy(out->version, sp2 + 1);
    for (const char *p = out->method; *p; p++)
        if (!http_is_tchar(*p))
            return HTTP_PARSE_BAD;
    if (!http_version_ok(out->version))
        return HTTP_PARSE_BAD;
    char *name, *value;
    int got;
    while ((got = http_next_field(buf, end, &pos, line, sizeof line, &name, &value)) > 0) {
        if (text_equal_nocase(name, "Host")) {
            if (out->has_host || strlen(value) >= sizeof out->host)
                return HTTP_PARSE_BAD; /* RFC 9112 3.2: more than one Host is a 400 */
            out->has_host = true;
            strcpy(out->host, value);
        }
    }
    return got < 0 ? HTTP_PARSE_BAD : HTTP_PARSE_OK;
}

http_parse_status http_parse_response(const uint8_t *buf, size_t len, http_response *out) {
    size_t end = 0, pos = 0;
    char line[2200];
    http_parse_status status = http_head_start(buf, len, &end, &pos, line, sizeof line);
    if (status != HTTP_PARSE_OK)
        return status;
    memset(out, 0, sizeof *out);
    out->head_len = end;
    /* status-line = HTTP-version SP status-code SP [reason-phrase] (RFC 9112 4) */
    if (strlen(line) < 12 || line[8] != ' ' || line[12] != ' ')
        return HTTP_PARSE_BAD;
    memcpy(out->version, line, 8);
    if (!http_version_ok(out->version))
        return HTTP_PARSE_BAD;
    out->status = 0;
    for (int i = 9; i < 12; i++) {
        if (line[i] < '0' || line[i] > '9')
            return HTTP_PARSE_BAD;
        out->status = out->status * 10 + (line[i] - '0');
    }
    snprintf(out->reason, sizeof out->reason, "%.63s", line + 13);
    char *name, *value;
    int got;
    while ((got = http_next_field(buf, end, &pos, line, sizeof line, &name, &value)) > 0) {
        if (text_equal_nocase(name, "Content-Length")) {
            size_t n = 0;
            if (!*value || out->has_length)
                return HTTP_PARSE_BAD;
            for (const char *p = value; *p; p++) {
                if (*p < '0' || *p > '9' || n > (SIZE_MAX - 9) / 10)
                    return HTTP_PARSE_BAD;
                n = n * 10 + (size_t)(*p - '0');
            }
            out->has_length = true;
            out->content_length = n;
        } else if (text_equal_nocase(name, "Content-Type")) {
            snprintf(out->content_type, sizeof out->content_type, "%.63s", value);
        }
    }
    return got < 0 ? HTTP_PARSE_BAD : HTTP_PARSE_OK;
}

const char *http_reason(int status) {
    switch (status) {
    case 200:
        return "OK";
    case 400:
        return "Bad Request";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 431:
        return "Request Header Fields Too Large";
    case 505:
        return "HTTP Version Not Supported";
    default:
        return "Unknown";
    }
}

/* The media type of a path, by its extension (text/html for a directory). */
static const char *http_content_type(const char *path) {
    size_t n = strlen(path);
    const char *dot = strrchr(path, '.');
    if (n == 0 || path[n - 1] == '/')
        return "text/html";
    if (!dot || strchr(dot, '/'))
        return "text/plain";
    static const char *const types[][2] = {
        {".html", "text/html"},     {".htm", "text/html"},         {".css", "text/css"},
        {".js", "text/javascript"}, {".json", "application/json"}, {".txt", "text/plain"},
        {".svg", "image/svg+xml"},
    };
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (text_equal_nocase(dot, types[i][0]))
            return types[i][1];
    return "text/plain";
}

static void http_error(int status, http_answer *out) {
    /* Short HTML bodies, as servers send them. */
    static const char *const bodies[] = {
        "<html><body><h1>400 Bad Request</h1></body></html>\n",
        "<html><body><h1>404 Not Found</h1></body></html>\n",
        "<html><body><h1>405 Method Not Allowed</h1></body></html>\n",
        "<html><body><h1>431 Request Header Fields Too Large</h1></body></html>\n",
        "<html><body><h1>505 HTTP Version Not Supported</h1></body></html>\n",
    };
    const char *body = status == 400   ? bodies[0]
                       : status == 404 ? bodies[1]
                       : status == 405 ? bodies[2]
                       : status == 431 ? bodies[3]
                                       : bodies[4];
    out->status = status;
    out->reason = http_reason(status);
    out->content_type = "text/html";
    out->body = (const uint8_t *)body;
    out->body_len = strlen(body);
}

void http_route(const model_http_server *pages, http_parse_status status, const http_request *req,
                http_answer *out) {
    memset(out, 0, sizeof *out);
    if (status != HTTP_PARSE_OK) {
        http_error(400, out);
        return;
    }
    if (req->version[5] != '1') {
        http_error(505, out);
        return;
    }
    if (strcmp(req->version, "HTTP/1.1") == 0 && !req->has_host) {
        http_error(400, out);
        return;
    }
    bool head = strcmp(req->method, "HEAD") == 0;
    if (!head && strcmp(req->method, "GET") != 0) {
        http_error(405, out);
        return;
    }
    /* origin-form "/path?query", or absolute-form "http://host/path" (RFC 9112 3.2). */
    const char *path = req->target;
    if (strncmp(path, "http://", 7) == 0) {
        path = strchr(path + 7, '/');
        if (!path)
            path = "/";
    }
    if (path[0] != '/') {
        http_error(400, out);
        return;
    }
    size_t plen = strcspn(path, "?#");
    out->head_only = head;
    for (size_t i = 0; i < pages->n_pages; i++) {
        const model_http_page *pg = &pages->pages[i];
        if (strlen(pg->path) == plen && strncmp(pg->path, path, plen) == 0) {
            out->status = 200;
            out->reason = http_reason(200);
            out->content_type = http_content_type(pg->path);
            out->body = (const uint8_t *)pg->body;
            out->body_len = pg->body_len;
            return;
        }
    }
    http_error(404, out);
    out->head_only = head;
}

size_t http_format_head(const http_answer *a, char *buf, size_t cap) {
    int n = snprintf(buf, cap,
                     "HTTP/1.1 %d %s\r\nServer: netsim\r\nContent-Type: %s\r\n"
                     "Content-Length: %zu\r\n%sConnection: close\r\n\r\n",
                     a->status, a->reason, a->content_type, a->body_len,
                     a->status == 405 ? "Allow: GET, HEAD\r\n" : "");
    return n > 0 && (size_t)n < cap ? (size_t)n : 0;
}
