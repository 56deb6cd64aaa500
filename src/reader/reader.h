/*
 * reader: reads a topology file (JSON, via cJSON) into a validated model.
 * src/reader is the only code that knows JSON. Errors name the file, the line and
 * column, the JSON path, the bad value and what was expected, e.g.
 *   topologies/x.json:7:18: devices.A.ip: "10.0.0.300/24" is not an IPv4 address
 *   with a prefix length; expected "a.b.c.d/len", e.g. "10.0.0.1/24"
 */
#ifndef NETSIM_READER_READER_H
#define NETSIM_READER_READER_H

#include <stddef.h>

#include "model/topology.h"
#include "util/error.h"

/* Loads `path`. Returns 0 and sets *out (caller frees with model_free), or a
 * negative NS_ERR_* code with err filled in and *out untouched. */
int loader_load_file(const char *path, model_topology **out, ns_error *err);

/* LOADER_NO_EXPECT: the topology's own "expect" list is left unread (only
 * its key is allowed), for `netsim test --expect CHECKS`, which grades with
 * CHECKS instead: a mistake in a student's own checks must not fail the load
 * of a network that works. */
#define LOADER_NO_EXPECT 1u

/* loader_load_file with LOADER_* flags (0: none). */
int loader_load_file_with(const char *path, unsigned flags, model_topology **out, ns_error *err);

/* Same from memory; `source` names the input in messages. */
int loader_load_string(const char *text, size_t len, const char *source, model_topology **out,
                       ns_error *err);

/* Loads a checks file ({"expect": [...]}, docs/grading.md). Returns 0 and
 * sets *out (caller frees with model_expect_free), or a negative NS_ERR_*
 * code with err filled in. Device and link names are not checked here: the
 * file is used with topologies it has not seen. */
int loader_load_expect_file(const char *path, model_expect **out, ns_error *err);

#endif
