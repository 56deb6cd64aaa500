/*
 * grading/apps: the application checks (ping, connect, download, http,
 * dhcp, dns), read from the programs' typed result facts
 * (trace_event.result: "program", "event" and per program its fields, as
 * docs/trace-format.md lists them). A failed ping also says where its first
 * echo request ended (packet #id, device, reason, time).
 */
#include <stdlib.h>
#include <string.h>

#include "grading/internal.h"
#include "wire/icmp.h"

/* The next result of `program` on c->on by c->by after index *i, or NULL. */
static const grade_app *grade_next(const grade_run *r, const expect_check *c, const char *program,
                                   size_t *i) {
    for (; *i < r->n_apps; (*i)++) {
        const grade_app *a = &r->apps[*i];
        const char *p = grade_app_get(a, "program");
        if (a->device && strcmp(a->device, c->on) == 0 && p && strcmp(p, program) == 0 &&
            !(c->has_by && a->time > c->by_ns)) {
            (*i)++;
            return a;
        }
    }
    return NULL;
}

static bool grade_is(const grade_app *a, const char *field, const char *value) {
    const char *v = grade_app_get(a, field);
    return v && value && strcmp(v, value) == 0;
}

static bool grade_addr_is(const grade_run *r, const grade_app *a, const char *field,
                          const char *text) {
    const char *v = grade_app_get(a, field);
    ipv4_addr x;
    return v && ipv4_parse(v, &x) == 0 && grade_host_is(r, text, x);
}

/* " at 0.001000000 s" */
static void grade_at(strbuf *b, const grade_app *a) {
    strbuf_puts(b, " at ");
    grade_time(b, a->time);
}

/* "by 2.000000000 s" or "by the end of the run". */
static void grade_by(strbuf *b, const expect_check *c) {
    if (c->has_by) {
        strbuf_puts(b, " by ");
        grade_time(b, c->by_ns);
    } else {
        strbuf_puts(b, " by the end of the run");
    }
}

/* Where the first packet of `sel` ended, after "; " and `label`. Returns
 * false when no packet matches, else whether it was delivered. */
static bool grade_where_packet(const grade_run *r, const expect_selector *sel, const char *label,
                               strbuf *msg) {
    uint32_t id = grade_select(r, sel);
    if (!id)
        return false;
    grade_journey j;
    grade_journey_of(r, id, &j);
    strbuf_printf(msg, "; %s", label);
    grade_end_text(msg, id, &j.end);
    bool delivered = j.end.known && j.end.kind == HOP_FATE_DELIVERED;
    free(j.devices);
    return delivered;
}

static bool grade_ping(const grade_run *r, const expect_check *c, strbuf *msg) {
    size_t i = 0, replies = 0;
    const grade_app *a, *first_error = NULL, *first_reply = NULL, *failed = NULL;
    while ((a = grade_next(r, c, "ping", &i))) {
        if (grade_is(a, "event", "reply") && !grade_is(a, "duplicate", "yes") &&
            grade_addr_is(r, a, "from", c->to)) {
            replies++;
            first_reply = first_reply ? first_reply : a;
        } else if (grade_is(a, "event", "error")) {
            first_error = first_error ? first_error : a;
        } else if (grade_is(a, "event", "failed") || grade_is(a, "event", "send_failed")) {
            failed = failed ? failed : a;
        }
    }
    bool ok = c->succeeds ? replies > 0 : replies == 0;
    if (c->has_replies)
        ok = replies == c->replies;
    if (c->has_replies)
        strbuf_printf(msg, "expected %u repl%s from %s", c->replies, c->replies == 1 ? "y" : "ies",
                      c->to);
    else
        strbuf_printf(msg, "expected %s reply from %s", c->succeeds ? "a" : "no", c->to);
    grade_by(msg, c);
    strbuf_printf(msg, ", saw %zu", replies);
    if (first_reply) {
        strbuf_puts(msg, " (the first");
        grade_at(msg, first_reply);
        strbuf_puts(msg, ")");
    }
    if (first_error)
        strbuf_printf(
            msg, "; ping said %s from %s",
            grade_app_get(first_error, "error") ? grade_app_get(first_error, "error") : "error",
            grade_app_get(first_error, "from") ? grade_app_get(first_error, "from") : "?");
    else if (failed)
        strbuf_printf(msg, "; ping failed: %s",
                      grade_app_get(failed, "error") ? grade_app_get(failed, "error") : "error");
    if (!ok && c->succeeds && replies == 0) {
        expect_selector sel = {.has = EXPECT_SEL_FROM | EXPECT_SEL_ICMP | EXPECT_SEL_DST,
                               .from = c->on,
                               .icmp_type = ICMP_ECHO_REQUEST,
                               .dst = c->to,
                               .nth = 1};
        if (grade_where_packet(r, &sel, "", msg)) {
            /* The request arrived: the answer is what went wrong. */
            expect_selector back = {.has = EXPECT_SEL_ICMP | EXPECT_SEL_SRC | EXPECT_SEL_DST,
                                    .icmp_type = ICMP_ECHO_REPLY,
                                    .src = c->to,
                                    .dst = c->on,
                                    .nth = 1};
            if (!grade_where_packet(r, &back, "its echo reply: ", msg) && !grade_select(r, &back))
                strbuf_printf(msg, "; no echo reply from %s was sent back", c->to);
        }
    }
    return ok;
}

static bool grade_connect(const grade_run *r, const expect_check *c, strbuf *msg) {
    size_t i = 0;
    char port[8];
    const grade_app *a, *connected = NULL, *failed = NULL;
    snprintf(port, sizeof port, "%u", c->port);
    /* tcp_client's results, and every client's active opens (program "tcp"). */
    for (int k = 0; k < 2; k++)
        for (i = 0; (a = grade_next(r, c, k ? "tcp" : "tcp_client", &i));) {
            if (!grade_addr_is(r, a, "to", c->to) || !grade_is(a, "port", port))
                continue;
            if (grade_is(a, "event", "connected") || grade_is(a, "event", "established"))
                connected = connected && connected->time <= a->time ? connected : a;
            else if (grade_is(a, "event", "failed"))
                failed = failed ? failed : a;
        }
    strbuf_printf(msg, "expected %s connection to %s port %u", c->succeeds ? "a" : "no", c->to,
                  c->port);
    grade_by(msg, c);
    if (connected) {
        strbuf_puts(msg, ", saw one established");
        grade_at(msg, connected);
    } else if (failed) {
        strbuf_printf(msg, ", saw it fail: %s",
                      grade_app_get(failed, "error") ? grade_app_get(failed, "error") : "error");
        grade_at(msg, failed);
    } else {
        strbuf_puts(msg, ", saw none");
        expect_selector sel = {.has = EXPECT_SEL_FROM | EXPECT_SEL_DST | EXPECT_SEL_DPORT |
                                      EXPECT_SEL_PROTO,
                               .from = c->on,
                               .proto = "tcp",
                               .dst = c->to,
                               .dport = c->port,
                               .nth = 1};
        grade_where_packet(r, &sel, "", msg);
    }
    return c->succeeds ? connected != NULL : connected == NULL;
}

/* The crc32 the server sent for `file`, from any file server's facts. */
static const char *grade_sent_crc(const grade_run *r, const char *file) {
    for (size_t i = 0; i < r->n_apps; i++)
        if (grade_is(&r->apps[i], "program", "file_server") &&
            grade_is(&r->apps[i], "event", "sending") && grade_is(&r->apps[i], "file", file))
            return grade_app_get(&r->apps[i], "crc32");
    return NULL;
}

static bool grade_download(const grade_run *r, const expect_check *c, strbuf *msg) {
    size_t i = 0;
    const grade_app *a, *finished = NULL, *failed = NULL;
    while ((a = grade_next(r, c, "file_download", &i))) {
        if (c->file && !grade_is(a, "file", c->file))
            continue;
        if (grade_is(a, "event", "finished"))
            finished = finished ? finished : a;
        else if (grade_is(a, "event", "failed"))
            failed = failed ? failed : a;
    }
    strbuf_printf(msg, "expected %s%s to arrive intact", c->succeeds ? "" : "no ",
                  c->file ? c->file : "download");
    grade_by(msg, c);
    bool intact = false;
    if (finished) {
        const char *got = grade_app_get(finished, "crc32");
        const char *sent = grade_sent_crc(r, grade_app_get(finished, "file"));
        intact = got && sent && strcmp(got, sent) == 0;
        strbuf_printf(msg, ", saw it finish with %s bytes, crc32 %s (the server sent crc32 %s)",
                      grade_app_get(finished, "bytes") ? grade_app_get(finished, "bytes") : "?",
                      got ? got : "?", sent ? sent : "none");
        grade_at(msg, finished);
    } else if (failed) {
        strbuf_printf(msg, ", saw it fail: %s after %s bytes",
                      grade_app_get(failed, "error") ? grade_app_get(failed, "error") : "error",
                      grade_app_get(failed, "bytes") ? grade_app_get(failed, "bytes") : "0");
        grade_at(msg, failed);
    } else {
        strbuf_puts(msg, ", saw no download finish");
    }
    return c->succeeds ? intact : !intact;
}

static bool grade_http(const grade_run *r, const expect_check *c, strbuf *msg) {
    size_t i = 0;
    char status[8];
    const grade_app *a, *response = NULL, *failed = NULL;
    snprintf(status, sizeof status, "%u", c->status);
    while ((a = grade_next(r, c, "http_get", &i))) {
        if (grade_is(a, "event", "response") && (!response || grade_is(a, "status", status)))
            response = a;
        else if (grade_is(a, "event", "failed"))
            failed = failed ? failed : a;
    }
    bool ok = response && grade_is(response, "status", status);
    strbuf_printf(msg, "expected %s HTTP response with status %u", c->succeeds ? "an" : "no",
                  c->status);
    grade_by(msg, c);
    if (response) {
        strbuf_printf(msg, ", saw status %s for %s", grade_app_get(response, "status"),
                      grade_app_get(response, "url") ? grade_app_get(response, "url") : "?");
        grade_at(msg, response);
    } else if (failed) {
        strbuf_printf(msg, ", saw the request fail: %s",
                      grade_app_get(failed, "error") ? grade_app_get(failed, "error") : "error");
        grade_at(msg, failed);
    } else {
        strbuf_puts(msg, ", saw no response");
    }
    return c->succeeds ? ok : !ok;
}

static bool grade_dhcp(const grade_run *r, const expect_check *c, strbuf *msg) {
    size_t i = 0;
    const grade_app *a, *bound = NULL, *failed = NULL;
    while ((a = grade_next(r, c, "dhcp", &i))) {
        if (grade_is(a, "event", "bound") && (!bound || grade_is(a, "address", c->address)))
            bound = a;
        else if (grade_is(a, "event", "failed"))
            failed = failed ? failed : a;
    }
    bool ok = bound && (!c->address || grade_is(bound, "address", c->address));
    strbuf_printf(msg, "expected %s lease%s%s", c->succeeds ? "a" : "no", c->address ? " of " : "",
                  c->address ? c->address : "");
    grade_by(msg, c);
    if (bound) {
        strbuf_printf(msg, ", saw a lease of %s from %s", grade_app_get(bound, "address"),
                      grade_app_get(bound, "server") ? grade_app_get(bound, "server") : "?");
        grade_at(msg, bound);
    } else if (failed) {
        strbuf_printf(msg, ", saw DHCP fail: %s",
                      grade_app_get(failed, "error") ? grade_app_get(failed, "error") : "error");
        grade_at(msg, failed);
    } else {
        strbuf_puts(msg, ", saw no lease");
    }
    return c->succeeds ? ok : !ok;
}

static bool grade_dns(const grade_run *r, const expect_check *c, strbuf *msg) {
    size_t i = 0;
    const grade_app *a, *answer = NULL, *failed = NULL;
    while ((a = grade_next(r, c, "dns", &i))) {
        if (!grade_is(a, "name", c->dns_name))
            continue;
        if (grade_is(a, "event", "answer") && (!answer || grade_is(a, "address", c->answer)))
            answer = a;
        else if (grade_is(a, "event", "failed"))
            failed = failed ? failed : a;
    }
    bool ok = answer && (!c->answer || grade_is(answer, "address", c->answer));
    strbuf_printf(msg, "expected %s%s%s", c->succeeds ? "an answer" : "no answer",
                  c->answer ? " " : "", c->answer ? c->answer : "");
    strbuf_printf(msg, " for %s", c->dns_name);
    grade_by(msg, c);
    if (answer) {
        strbuf_printf(msg, ", saw %s", grade_app_get(answer, "address"));
        grade_at(msg, answer);
    } else if (failed) {
        strbuf_printf(msg, ", saw the lookup fail: %s",
                      grade_app_get(failed, "error") ? grade_app_get(failed, "error") : "error");
        grade_at(msg, failed);
    } else {
        strbuf_puts(msg, ", saw no answer");
    }
    return c->succeeds ? ok : !ok;
}

bool grade_app_check(grade_run *r, const expect_check *c, strbuf *msg) {
    switch (c->kind) {
    case EXPECT_PING:
        return grade_ping(r, c, msg);
    case EXPECT_CONNECT:
        return grade_connect(r, c, msg);
    case EXPECT_DOWNLOAD:
        return grade_download(r, c, msg);
    case EXPECT_HTTP:
        return grade_http(r, c, msg);
    case EXPECT_DHCP:
        return grade_dhcp(r, c, msg);
    case EXPECT_DNS:
        return grade_dns(r, c, msg);
    default:
        return false;
    }
}
