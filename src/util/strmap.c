/*
 * strmap: open addressing with linear probing; each entry keeps the borrowed key
 * pointer, its 32-bit hash (to skip most string comparisons) and the value.
 *
 * Invariants: the capacity is 0 (no table until the first put) or a power of
 * two with size <= 0.7 * capacity, so every
 * probe sequence ends at an empty slot (key == NULL); entries are never removed,
 * so there are no tombstones; values are >= 0, leaving -1 free to mean "absent".
 */
#include "util/strmap.h"
#include "util/alloc.h"

#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A new map holds no table; its first put allocates this many slots. */
#define STRMAP_MIN_CAPACITY 4

typedef struct strmap_entry {
    const char *key; /* borrowed; NULL marks an empty slot */
    uint32_t hash;
    int value;
} strmap_entry;

struct strmap {
    strmap_entry *slots;
    size_t capacity; /* a power of two */
    size_t size;
};

/* 64-bit FNV-1a, folded through a finaliser because FNV's low bits (the ones
 * the mask keeps) mix poorly for keys that differ only in their last byte
 * ("h1", "h2", ...). */
static uint32_t strmap__hash(const char *key) {
    uint64_t h = 0xCBF29CE484222325ULL;
    for (const unsigned char *p = (const unsigned char *)key; *p; p++) {
        h ^= *p;
        h *= 0x100000001B3ULL;
    }
    h ^= h >> 33;
    h *= 0xFF51AFD7ED558CCDULL;
    h ^= h >> 33;
    return (uint32_t)h;
}

strmap *strmap_new(void) {
    strmap *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    return m; /* capacity 0: the first put allocates the table */
}

void strmap_free(strmap *m) {
    if (!m)
        return;
    free(m->slots);
    free(m);
}

/* The slot holding `key`, or the empty slot that ends its probe sequence. */
static strmap_entry *strmap__find(const strmap *m, const char *key, uint32_t hash) {
    size_t mask = m->capacity - 1;
    size_t i = hash & mask;
    for (;;) {
        strmap_entry *e = &m->slots[i];
        if (!e->key || (e->hash == hash && strcmp(e->key, key) == 0))
            return e;
        i = (i + 1) & mask;
    }
}

static void strmap__grow(strmap *m) {
    size_t old_capacity = m->capacity;
    strmap_entry *old = m->slots;
    if (old_capacity > SIZE_MAX / 2 / sizeof *old) {
        ns_out_of_memory();
    }
    m->capacity = old_capacity ? old_capacity * 2 : STRMAP_MIN_CAPACITY;
    m->slots = calloc(m->capacity, sizeof *m->slots);
    if (!m->slots) {
        ns_out_of_memory();
    }
    for (size_t i = 0; i < old_capacity; i++) {
        if (!old[i].key)
            continue;
        size_t mask = m->capacity - 1;
        size_t j = old[i].hash & mask;
        while (m->slots[j].key)
            j = (j + 1) & mask;
        m->slots[j] = old[i];
    }
    free(old);
}

bool strmap_put(strmap *m, const char *key, int value) {
    assert(key && value >= 0);
    uint32_t hash = strmap__hash(key);
    if (m->capacity == 0)
        strmap__grow(m);
    strmap_entry *e = strmap__find(m, key, hash);
    if (e->key)
        return false;
    if ((m->size + 1) * 10 > m->capacity * 7) {
        strmap__grow(m);
        e = strmap__find(m, key, hash);
    }
    e->key = key;
    e->hash = hash;
    e->value = value;
    m->size++;
    return true;
}

int strmap_get(const strmap *m, const char *key) {
    assert(key);
    if (m->capacity == 0)
        return -1;
    strmap_entry *e = strmap__find(m, key, strmap__hash(key));
    return e->key ? e->value : -1;
}

size_t strmap_size(const strmap *m) {
    return m->size;
}
