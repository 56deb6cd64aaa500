/*
 * app: printing for the programs. Lines go to the trace bus as TRACE_APP
 * events of the program's device; the text sink shows them as "| text".
 * A line may carry the program's result as typed fields (app_say_result).
 */
#include "apps/app.h"

#include <stdarg.h>
#include <stdio.h>

#include "util/text.h"

/* Emits the line printed from `fmt` (NULL: no line) with `result` (NULL:
 * none) as its typed facts. */
static void app_emit(ip_stack *st, const trace_row *result, const char *fmt, va_list ap) {
    network *net = st->node->net;
    if (!trace_bus_active(net->trace))
        return;
    char line[1024];
    if (fmt)
        vsnprintf(line, sizeof line, fmt, ap);
    trace_event ev = net_event(net, TRACE_APP, st->node, NULL, NULL, NULL, fmt ? line : NULL);
    ev.result = result;
    trace_emit(net->trace, &ev);
}

void app_say(ip_stack *st, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    app_emit(st, NULL, fmt, ap);
    va_end(ap);
}

trace_rows *app_result(const char *program, const char *event) {
    /* A result is one row of no shown table: the table id is never read. */
    trace_rows *r = trace_rows_new(TRACE_SHOW_COUNT_);
    trace_rows_begin(r);
    trace_rows_add(r, "program", "%s", program);
    trace_rows_add(r, "event", "%s", event);
    return r;
}

void app_say_result(ip_stack *st, trace_rows *result, const char *fmt, ...) {
    const trace_show *view = trace_rows_view(result);
    va_list ap;
    va_start(ap, fmt);
    app_emit(st, &view->rows[0], fmt, ap);
    va_end(ap);
    trace_rows_free(result);
}

/* Passes an empty va_list on to app_emit. */
static void app_emit_result(ip_stack *st, const trace_row *result, ...) {
    va_list ap;
    va_start(ap, result);
    app_emit(st, result, NULL, ap);
    va_end(ap);
}

void app_result_only(ip_stack *st, trace_rows *result) {
    app_emit_result(st, &trace_rows_view(result)->rows[0]);
    trace_rows_free(result);
}

char *app_text(const uint8_t *data, size_t len, char *out, size_t cap) {
    size_t used = 0, i = 0;
    out[0] = '\0';
    while (i < len && i < APP_TEXT_SHOWN && used + 8 < cap) {
        uint8_t c = data[i];
        uint32_t cp;
        size_t n = c >= 0x80 ? text_utf8_decode(data + i, len - i, &cp) : 0;
        if (n && used + n + 1 < cap) {
            for (size_t k = 0; k < n; k++)
                out[used++] = (char)data[i + k];
            i += n;
            continue;
        }
        if (c >= 0x20 && c < 0x7f)
            out[used++] = (char)c;
        else if (c == '\n' || c == '\r' || c == '\t') {
            out[used++] = '\\';
            out[used++] = c == '\n' ? 'n' : c == '\r' ? 'r' : 't';
        } else
            used += (size_t)snprintf(out + used, cap - used, "\\x%02x", c);
        i++;
    }
    out[used] = '\0';
    if (i < len)
        snprintf(out + used, cap - used, "... (%zu bytes)", len);
    return out;
}

bool app_connect(ip_stack *st, const char *tool, ipv4_addr to) {
    int rc = ip_stack_connect(st, to);
    if (rc == 0)
        return true;
    trace_rows *r = app_result(tool, "failed");
    trace_rows_add(r, "error", "%s", ip_stack_errname(rc));
    app_say_result(st, r, "%s: connect: %s", tool, ip_stack_strerror(rc));
    return false;
}
