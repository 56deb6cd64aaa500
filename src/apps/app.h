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

/* Bytes app_text shows before cutting with "...". */
#define APP_TEXT_SHOWN 200
/* A buffer big enough for app_text's output. */
#define APP_TEXT_CAP (APP_TEXT_SHOWN * 4 + 64)

/* Prints one line of program output on the device of `st`. */
void app_say(ip_stack *st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Writes `data` into out[cap] as text: printable ASCII and UTF-8 as they are,
 * \n, \r and \t as those escapes, other bytes as \xNN; after APP_TEXT_SHOWN
 * bytes it stops with "... (N bytes)". Returns out. */
char *app_text(const uint8_t *data, size_t len, char *out, size_t cap);

/* connect() of a datagram socket to `to`, as ping and traceroute do first:
 * true, or false after printing "<tool>: connect: Network is unreachable"
 * when no route leads there. */
bool app_connect(ip_stack *st, const char *tool, ipv4_addr to);

#endif
