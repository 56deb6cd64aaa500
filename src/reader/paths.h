/*
 * reader/paths: reads DIR/paths.json (docs/hop-table.md) back into the rows
 * hop_table_visit hands its visitors (hop_view, hop_fate_view), so a recorded
 * run and a run in memory reach a consumer (netsim diff) through one visitor
 * and one conversion. It lives in the reader because the reader is the only
 * code that knows JSON: syntax errors get the same line:column as a topology's.
 *
 * Links are numbered in order of first appearance; hop_view.link indexes the
 * table loader_paths_links returns. Fields paths.json does not carry are left
 * zero: hop_view.change is HOP_CHANGE_SENT for a hop without "prev" and
 * HOP_CHANGE_FORWARDED otherwise (change_text is exact); fates have no
 * trigger_summary. Strings are borrowed from the parsed document and live as
 * long as the loader_paths.
 */
#ifndef NETSIM_READER_PATHS_H
#define NETSIM_READER_PATHS_H

#include <stddef.h>

#include "sinks/hop_table.h"
#include "util/error.h"

typedef struct loader_paths loader_paths;

/* Parses text[0..len) (`source` names it in messages). Returns 0 and sets
 * *out (caller frees with loader_paths_free), or NS_ERR_INPUT with err set
 * ("DIR/paths.json:3:14: packets[0].hops[1]: missing key \"from\""). */
int loader_paths_read(const char *text, size_t len, const char *source, loader_paths **out,
                      ns_error *err);

/* The links the hops crossed, in order of first appearance; *n is set. */
const hop_link *loader_paths_links(const loader_paths *p, size_t *n);

/* Calls `visit` once per packet in the file's order (packet id order). */
void loader_paths_visit(const loader_paths *p, hop_table_visitor visit, void *ctx);

/* NULL is a no-op. */
void loader_paths_free(loader_paths *p);

#endif
