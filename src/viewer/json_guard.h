/*
 * json_guard: a stream that makes JSON safe inside an HTML <script> element.
 * Everything written to it reaches the underlying stream unchanged except
 * "</", written "<\/", and U+2028 / U+2029, written "\u2028" / "\u2029"
 * (HTML ends a script at "</script"; older JavaScript reads the two line
 * separators as line ends). Both only ever occur inside JSON strings, where
 * the escapes mean the same characters, so the JSON's value is unchanged.
 */
#ifndef NETSIM_VIEWER_JSON_GUARD_H
#define NETSIM_VIEWER_JSON_GUARD_H

#include <stdio.h>

/* A stream writing to `out` (borrowed; must outlive it). fclose flushes it
 * and frees it, leaving `out` open. Exits via ns_out_of_memory on allocation
 * failure. */
FILE *json_guard_open(FILE *out);

#endif
