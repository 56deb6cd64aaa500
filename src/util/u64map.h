/*
 * u64map: a hash map from 64-bit keys (MAC addresses, IPv4 addresses, ids) to
 * fixed-size values stored inline. Open addressing with linear probing and
 * backward-shift deletion, so there are no tombstones.
 *
 * Invariant: iteration order depends on insertion history, never use it for
 * output directly; collect and sort the keys first.
 * Pointers returned by get/put stay valid only until the next put or remove.
 */
#ifndef NETSIM_UTIL_U64MAP_H
#define NETSIM_UTIL_U64MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct u64map u64map;

/* A new empty map whose values are `value_size` bytes. Caller frees with u64map_free.
 * Returns NULL on allocation failure. */
u64map *u64map_new(size_t value_size);

/* NULL is a no-op. */
void u64map_free(u64map *m);

/* The value stored under `key`, or NULL. */
void *u64map_get(const u64map *m, uint64_t key);

/* The value slot for `key`, created zero-filled if absent (then *created is set
 * true, when `created` is non-NULL). Exits via ns_out_of_memory on allocation failure. */
void *u64map_put(u64map *m, uint64_t key, bool *created);

/* Removes `key`; returns whether it was present. */
bool u64map_remove(u64map *m, uint64_t key);

size_t u64map_size(const u64map *m);

/* Removes every entry, keeping the allocation. */
void u64map_clear(u64map *m);

/* Iteration: start with *cursor = 0; each call returns the next value and sets
 * *key, or returns NULL at the end. The map must not change during iteration. */
void *u64map_next(const u64map *m, size_t *cursor, uint64_t *key);

#endif
