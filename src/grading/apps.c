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
#include "util/i18n.h"
#include "util/text.h"
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

/* The time of a result as the trace prints it, without the unit. */
static const char *grade_when(const grade_app *a, char t[TEXT_TIME_LEN]) {
    return text_format_time(a->time, t);
}

/* "by 2.000000000 s" or "by the end of the run": the deadline a sentence
 * takes as an argument. */
static void grade_by(strbuf *b, const expect_check *c) {
    if (c->has_by) {
        char t[TEXT_TIME_LEN];
        strbuf_printf(b, _("by %s s"), text_format_time(c->by_ns, t));
    } else {
        strbuf_puts(b, _("by the end of the run"));
    }
}

/* A result's field, or `missing` when it has none. */
static const char *grade_or(const grade_app *a, const char *field, const char *missing) {
    const char *v = grade_app_get(a, field);
    return v ? v : missing;
}

/* Where the first packet of `sel` ended, as a clause after "; " (`reply`:
 * "its echo reply: ..."). Returns false when no packet matches, else whether
 * it was delivered. */
static bool grade_where_packet(const grade_run *r, const expect_selector *sel, bool reply,
                               strbuf *msg) {
    uint32_t id = grade_select(r, sel);
    if (!id)
        return false;
    grade_journey j;
    strbuf end = {0};
    grade_journey_of(r, id, &j);
    grade_end_text(&end, id, &j.end);
    size_t at = msg->len;
    if (reply)
        strbuf_printf(msg, _("its echo reply: %s"), end.s);
    else
        strbuf_puts(msg, end.s);
    grade_clause_join(msg, at);
    strbuf_free(&end);
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
    strbuf by = {0};
    char t[TEXT_TIME_LEN];
    grade_by(&by, c);
    /* TRANSLATORS: the last but one %s is "by 2.000000000 s" or "by the end
     * of the run"; the last number is how many replies came. */
    if (c->has_replies)
        strbuf_printf(msg,
                      ngettext("expected %u reply from %s %s, saw %zu",
                               "expected %u replies from %s %s, saw %zu", c->replies),
                      c->replies, c->to, by.s, replies);
    else
        strbuf_printf(msg,
                      c->succeeds ? _("expected a reply from %s %s, saw %zu")
                                  : _("expected no reply from %s %s, saw %zu"),
                      c->to, by.s, replies);
    strbuf_free(&by);
    if (first_reply)
        strbuf_printf(msg, _(" (the first at %s s)"), grade_when(first_reply, t));
    /* The error words are ping's result codes (unreachable, ...): not translated. */
    size_t at = msg->len;
    if (first_error)
        strbuf_printf(msg, _("ping said %s from %s"), grade_or(first_error, "error", "error"),
                      grade_or(first_error, "from", "?"));
    else if (failed)
        strbuf_printf(msg, _("ping failed: %s"), grade_or(failed, "error", "error"));
    grade_clause_join(msg, at);
    if (!ok && c->succeeds && replies == 0) {
        expect_selector sel = {.has = EXPECT_SEL_FROM | EXPECT_SEL_ICMP | EXPECT_SEL_DST,
                               .from = c->on,
                               .icmp_type = ICMP_ECHO_REQUEST,
                               .dst = c->to,
                               .nth = 1};
        if (grade_where_packet(r, &sel, false, msg)) {
            /* The request arrived: the answer is what went wrong. */
            expect_selector back = {.has = EXPECT_SEL_ICMP | EXPECT_SEL_SRC | EXPECT_SEL_DST,
                                    .icmp_type = ICMP_ECHO_REPLY,
                                    .src = c->to,
                                    .dst = c->on,
                                    .nth = 1};
            if (!grade_where_packet(r, &back, true, msg) && !grade_select(r, &back)) {
                at = msg->len;
                strbuf_printf(msg, _("no echo reply from %s was sent back"), c->to);
                grade_clause_join(msg, at);
            }
        }
    }
    return ok;
}

static bool grade_connect(const grade_run *r, const expect_check *c, strbuf *msg) {
    size_t i = 0;
    char port[8], t[TEXT_TIME_LEN];
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
    strbuf by = {0};
    grade_by(&by, c);
    strbuf_printf(msg,
                  c->succeeds ? _("expected a connection to %s port %u %s")
                              : _("expected no connection to %s port %u %s"),
                  c->to, c->port, by.s);
    strbuf_free(&by);
    if (connected) {
        strbuf_printf(msg, _(", saw one established at %s s"), grade_when(connected, t));
    } else if (failed) {
        strbuf_printf(msg, _(", saw it fail: %s at %s s"), grade_or(failed, "error", "error"),
                      grade_when(failed, t));
    } else {
        strbuf_puts(msg, _(", saw none"));
        expect_selector sel = {.has = EXPECT_SEL_FROM | EXPECT_SEL_DST | EXPECT_SEL_DPORT |
                                      EXPECT_SEL_PROTO,
                               .from = c->on,
                               .proto = "tcp",
                               .dst = c->to,
                               .dport = c->port,
                               .nth = 1};
        grade_where_packet(r, &sel, false, msg);
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
    char t[TEXT_TIME_LEN];
    const grade_app *a, *finished = NULL, *failed = NULL;
    while ((a = grade_next(r, c, "file_download", &i))) {
        if (c->file && !grade_is(a, "file", c->file))
            continue;
        if (grade_is(a, "event", "finished"))
            finished = finished ? finished : a;
        else if (grade_is(a, "event", "failed"))
            failed = failed ? failed : a;
    }
    strbuf by = {0};
    grade_by(&by, c);
    /* TRANSLATORS: the first %s is a file name, or "download" when the check
     * names no file. */
    strbuf_printf(msg,
                  c->succeeds ? _("expected %s to arrive intact %s")
                              : _("expected no %s to arrive intact %s"),
                  c->file ? c->file : _("download"), by.s);
    strbuf_free(&by);
    bool intact = false;
    if (finished) {
        const char *got = grade_app_get(finished, "crc32");
        const char *sent = grade_sent_crc(r, grade_app_get(finished, "file"));
        intact = got && sent && strcmp(got, sent) == 0;
        strbuf_printf(msg,
                      _(", saw it finish with %s bytes, crc32 %s (the server sent crc32 %s) at "
                        "%s s"),
                      grade_or(finished, "bytes", "?"), got ? got : "?", sent ? sent : _("none"),
                      grade_when(finished, t));
    } else if (failed) {
        strbuf_printf(msg, _(", saw it fail: %s after %s bytes at %s s"),
                      grade_or(failed, "error", "error"), grade_or(failed, "bytes", "0"),
                      grade_when(failed, t));
    } else {
        strbuf_puts(msg, _(", saw no download finish"));
    }
    return c->succeeds ? intact : !intact;
}

static bool grade_http(const grade_run *r, const expect_check *c, strbuf *msg) {
    size_t i = 0;
    char status[8], t[TEXT_TIME_LEN];
    const grade_app *a, *response = NULL, *failed = NULL;
    snprintf(status, sizeof status, "%u", c->status);
    while ((a = grade_next(r, c, "http_get", &i))) {
        if (grade_is(a, "event", "response") && (!response || grade_is(a, "status", status)))
            response = a;
        else if (grade_is(a, "event", "failed"))
            failed = failed ? failed : a;
    }
    bool ok = response && grade_is(response, "status", status);
    strbuf by = {0};
    grade_by(&by, c);
    strbuf_printf(msg,
                  c->succeeds ? _("expected an HTTP response with status %u %s")
                              : _("expected no HTTP response with status %u %s"),
                  c->status, by.s);
    strbuf_free(&by);
    if (response)
        strbuf_printf(msg, _(", saw status %s for %s at %s s"), grade_or(response, "status", "?"),
                      grade_or(response, "url", "?"), grade_when(response, t));
    else if (failed)
        strbuf_printf(msg, _(", saw the request fail: %s at %s s"),
                      grade_or(failed, "error", "error"), grade_when(failed, t));
    else
        strbuf_puts(msg, _(", saw no response"));
    return c->succeeds ? ok : !ok;
}

static bool grade_dhcp(const grade_run *r, const expect_check *c, strbuf *msg) {
    size_t i = 0;
    char t[TEXT_TIME_LEN];
    const grade_app *a, *bound = NULL, *failed = NULL;
    while ((a = grade_next(r, c, "dhcp", &i))) {
        if (grade_is(a, "event", "bound") && (!bound || grade_is(a, "address", c->address)))
            bound = a;
        else if (grade_is(a, "event", "failed"))
            failed = failed ? failed : a;
    }
    bool ok = bound && (!c->address || grade_is(bound, "address", c->address));
    strbuf by = {0};
    grade_by(&by, c);
    if (c->address)
        strbuf_printf(
            msg, c->succeeds ? _("expected a lease of %s %s") : _("expected no lease of %s %s"),
            c->address, by.s);
    else
        strbuf_printf(msg, c->succeeds ? _("expected a lease %s") : _("expected no lease %s"),
                      by.s);
    strbuf_free(&by);
    if (bound)
        strbuf_printf(msg, _(", saw a lease of %s from %s at %s s"),
                      grade_or(bound, "address", "?"), grade_or(bound, "server", "?"),
                      grade_when(bound, t));
    else if (failed)
        strbuf_printf(msg, _(", saw DHCP fail: %s at %s s"), grade_or(failed, "error", "error"),
                      grade_when(failed, t));
    else
        strbuf_puts(msg, _(", saw no lease"));
    return c->succeeds ? ok : !ok;
}

static bool grade_dns(const grade_run *r, const expect_check *c, strbuf *msg) {
    size_t i = 0;
    char t[TEXT_TIME_LEN];
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
    strbuf by = {0};
    grade_by(&by, c);
    /* TRANSLATORS: an address, then the name looked up, then the deadline. */
    if (c->answer)
        strbuf_printf(msg,
                      c->succeeds ? _("expected an answer %s for %s %s")
                                  : _("expected no answer %s for %s %s"),
                      c->answer, c->dns_name, by.s);
    else
        strbuf_printf(msg,
                      c->succeeds ? _("expected an answer for %s %s")
                                  : _("expected no answer for %s %s"),
                      c->dns_name, by.s);
    strbuf_free(&by);
    if (answer)
        strbuf_printf(msg, _(", saw %s at %s s"), grade_or(answer, "address", "?"),
                      grade_when(answer, t));
    else if (failed)
        strbuf_printf(msg, _(", saw the lookup fail: %s at %s s"),
                      grade_or(failed, "error", "error"), grade_when(failed, t));
    else
        strbuf_puts(msg, _(", saw no answer"));
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
