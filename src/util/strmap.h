/*
 * strmap: a hash map from strings to non-negative integers (device names to
 * device indices, for instance). Keys are borrowed: they must outlive the map.
 */
#ifndef NETSIM_UTIL_STRMAP_H
#define NETSIM_UTIL_STRMAP_H

#include <stdbool.h>
#include <stddef.h>

typedef struct strmap strmap;

/* Caller frees with strmap_free. Returns NULL on allocation failure. */
strmap *strmap_new(void);

/* NULL is a no-op. The keys themselves are not freed. */
void strmap_free(strmap *m);

/* Adds key -> value. Returns false (and changes nothing) if the key is present.
 * Exits via ns_out_of_memory on allocation failure. */
bool strmap_put(strmap *m, const char *key, int value);

/* The value for `key`, or -1 if absent. */
int strmap_get(const strmap *m, const char *key);

size_t strmap_size(const strmap *m);

#endif
