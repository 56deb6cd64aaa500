/*
 * app: printing for the programs. Lines go to the trace bus as TRACE_APP
 * events of the program's device; the text sink shows them as "| text".
 */
#include "apps/app.h"

#include <stdarg.h>
#include <stdio.h>

#include "util/text.h"

void app_say(ip_stack *st, const char *fmt, ...) {
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    net_trace(st->node->net, TRACE_APP, st->node, NULL, NULL, NULL, line);
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
    app_say(st, "%s: connect: %s", tool, ip_stack_strerror(rc));
    return false;
}
