/*
 * app: what the programs in apps/ share. A program prints by emitting
 * TRACE_APP lines on its device (never stdout), and shows the bytes it
 * received as text the way a terminal would, with the unprintable ones
 * escaped so every line stays one line.
 */
#ifndef NETSIM_APPS_APP_H
#define NETSIM_APPS_APP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stack/ip_stack.h"
#include "trace/rows.h"

/* Bytes app_text shows before cutting with "...". */
#define APP_TEXT_SHOWN 200
/* A buffer big enough for app_text's output. */
#define APP_TEXT_CAP (APP_TEXT_SHOWN * 4 + 64)

/* Prints one line of program output on the device of `st`. */
void app_say(ip_stack *st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A program's result for the line it prints next (trace_event.result): a
 * row whose first fields are "program" and "event" (both string literals,
 * kept as pointers). Add the event's fields with trace_rows_add (names as
 * docs/trace-format.md lists them, values as strings); app_say_result prints
 * the line with it and frees it. Aborts on allocation failure. */
trace_rows *app_result(const char *program, const char *event);

/* app_say, with the typed result `result` (consumed: freed here) on the
 * line's event. The prose line is the same as without it. */
void app_say_result(ip_stack *st, trace_rows *result, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A result with no line of its own (a resolver's answer, traceroute's end):
 * a TRACE_APP event whose `detail` is NULL, which the text trace does not
 * show. `result` is consumed. */
void app_result_only(ip_stack *st, trace_rows *result);

/* Writes `data` into out[cap] as text: printable ASCII and UTF-8 as they are,
 * \n, \r and \t as those escapes, other bytes as \xNN; after APP_TEXT_SHOWN
 * bytes it stops with "... (N bytes)". Returns out. */
char *app_text(const uint8_t *data, size_t len, char *out, size_t cap);

/* connect() of a datagram socket to `to`, as ping and traceroute do first:
 * true, or false after printing "<tool>: connect: Network is unreachable"
 * when no route leads there, with the result program <tool>, event
 * "failed", error "network_unreachable". */
bool app_connect(ip_stack *st, const char *tool, ipv4_addr to);

#endif
