/*
 * json_pos: byte positions in JSON text, for error messages. cJSON reports no
 * positions, so the loader asks this module instead. It knows JSON text only
 * (no cJSON): it checks syntax strictly (RFC 8259) and finds the offset of the
 * n-th value of a document in pre-order, which is the order in which cJSON
 * links its nodes (children in text order, duplicate keys included).
 *
 * Offsets are byte offsets into `text`; lines and columns are 1-based and
 * counted in bytes (a tab or a UTF-8 sequence of several bytes counts as its
 * number of bytes). Callers strip a UTF-8 byte order mark before calling.
 */
#ifndef NETSIM_READER_JSON_POS_H
#define NETSIM_READER_JSON_POS_H

#include <stdbool.h>
#include <stddef.h>

#define JSON_POS_DEPTH_CAP 256 /* the largest max_depth json_pos_check accepts */

/* Checks that text[0..len) is one JSON value (RFC 8259; no comments, no
 * trailing commas, no raw control characters in strings, no leading zeros,
 * no "\u0000") with objects and arrays nested at most `max_depth` deep
 * (1..JSON_POS_DEPTH_CAP). Returns 0 if so. Otherwise returns -1, sets
 * *offset to the first offending byte and writes a sentence into msg[cap] such
 * as "unexpected '}' (JSON allows no comma before '}'); expected a key in
 * double quotes". */
int json_pos_check(const char *text, size_t len, int max_depth, size_t *offset, char *msg,
                   size_t cap);

/* In text that passed json_pos_check: the offset of the value with pre-order
 * number `index` (the whole document is 0), or, when `key` is true and that
 * value is an object member, the offset of its key's opening quote. Returns
 * `len` if there are not that many values. */
size_t json_pos_value_offset(const char *text, size_t len, size_t index, bool key);

/* The 1-based line and byte column of `offset` (clamped to len). */
void json_pos_line_col(const char *text, size_t len, size_t offset, size_t *line, size_t *col);

#endif
