/*
 * u64map: open addressing with linear probing over one array of entries, each a
 * 64-bit key followed inline by its value, so one probe touches one cache line.
 *
 * Invariants:
 *  - the capacity is 0 (no table yet: a new map allocates nothing until its
 *    first put) or a power of two with size <= 0.7 * capacity, so every probe
 *    sequence ends at an empty slot;
 *  - key 0 marks an empty slot; the real key 0 lives in a side slot outside the
 *    table (zero_value, allocated when key 0 is first put; has_zero) and is
 *    visited last by iteration;
 *  - no tombstones: removal shifts the following run of entries back, so every
 *    entry is reachable from its home slot without crossing an empty slot;
 *  - values start 8 bytes into an entry whose stride is a multiple of 8, so a
 *    value is 8-byte aligned (enough for integers, doubles and pointers).
 */
#include "util/u64map.h"
#include "util/alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A new map holds no table; its first put allocates 2^2 slots, enough for the
 * one or two entries most per-host tables (ARP caches, socket tables) ever
 * hold, and it doubles from there. */
#define U64MAP_MIN_BITS 1

/* 40 bytes: every host has a few maps (ARP cache, sockets), so the fields are
 * as narrow as the tables they describe (capacity at most 2^31 slots). */
struct u64map {
    unsigned char *slots; /* capacity entries of `stride` bytes */
    void *zero_value;     /* the value of key 0, stride - 8 bytes (at least 1) */
    size_t size;          /* entries in the table plus the side slot */
    uint32_t capacity;    /* a power of two */
    uint32_t mask;        /* capacity - 1 */
    uint32_t stride;      /* sizeof(uint64_t) + value_size rounded up to 8 */
    uint8_t shift;        /* 64 - log2(capacity): a hash's top bits index the table */
    bool has_zero;
};

/* The bytes of a value slot: the value size rounded up to 8. */
static inline size_t u64map__value_bytes(const u64map *m) {
    return m->stride - sizeof(uint64_t);
}

/* The home slot of a key: Fibonacci hashing (Knuth 6.4; Linux's hash_64).
 * Multiplying by 2^64/phi carries every key bit into the top bits, which index
 * the table; folding the high half in first lets keys that differ only in their
 * high bits spread too. It costs one multiply, and consecutive keys (event ids,
 * addresses in a subnet) land evenly apart, so runs stay short. It measured
 * faster than the splitmix64 finaliser on sequential, MAC-like, IPv4, strided
 * and random key sets alike. */
static inline size_t u64map__home(const u64map *m, uint64_t k) {
    return (size_t)(((k ^ (k >> 32)) * 0x9E3779B97F4A7C15ULL) >> m->shift);
}

static inline unsigned char *u64map__slot(const u64map *m, size_t i) {
    return m->slots + i * m->stride;
}

static inline uint64_t u64map__key_at(const unsigned char *slot) {
    uint64_t k;
    memcpy(&k, slot, sizeof k);
    return k;
}

static inline void u64map__set_key(unsigned char *slot, uint64_t k) {
    memcpy(slot, &k, sizeof k);
}

/* Copies one entry. The stride is a multiple of 8 known only at run time, so a
 * word loop beats a call to memcpy for the small entries maps hold. */
static inline void u64map__copy_entry(unsigned char *dst, const unsigned char *src, size_t stride) {
    for (size_t i = 0; i < stride; i += sizeof(uint64_t)) {
        uint64_t w;
        memcpy(&w, src + i, sizeof w);
        memcpy(dst + i, &w, sizeof w);
    }
}

static void u64map__oom(void) {
    ns_out_of_memory();
}

u64map *u64map_new(size_t value_size) {
    u64map *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    if (value_size > UINT32_MAX - 2 * sizeof(uint64_t)) {
        free(m);
        return NULL;
    }
    m->stride = (uint32_t)(sizeof(uint64_t) + ((value_size + 7) & ~(size_t)7));
    /* capacity 0, slots and zero_value NULL: allocated on first use */
    return m;
}

void u64map_free(u64map *m) {
    if (!m)
        return;
    free(m->slots);
    free(m->zero_value);
    free(m);
}

/* Index of the slot holding `key` (non-zero), or of the empty slot that ends
 * its probe sequence. */
static inline size_t u64map__find(const u64map *m, uint64_t key) {
    size_t i = u64map__home(m, key);
    for (;;) {
        uint64_t k = u64map__key_at(u64map__slot(m, i));
        if (k == key || k == 0)
            return i;
        i = (i + 1) & m->mask;
    }
}

void *u64map_get(const u64map *m, uint64_t key) {
    if (key == 0)
        return m->has_zero ? m->zero_value : NULL;
    if (m->capacity == 0)
        return NULL;
    unsigned char *slot = u64map__slot(m, u64map__find(m, key));
    return u64map__key_at(slot) == key ? slot + sizeof(uint64_t) : NULL;
}

/* Doubles the table and reinserts every entry; the only place that allocates
 * after u64map_new, so pointers into the map die here (and in remove). */
static void u64map__grow(u64map *m) {
    size_t old_capacity = m->capacity;
    unsigned char *old = m->slots;
    if (old_capacity > SIZE_MAX / 2 / m->stride || old_capacity > UINT32_MAX / 2)
        u64map__oom();
    if (old_capacity == 0) { /* the first table */
        m->capacity = (uint32_t)1 << U64MAP_MIN_BITS;
        m->shift = 64 - U64MAP_MIN_BITS;
    } else {
        m->capacity = (uint32_t)old_capacity * 2;
        m->shift--;
    }
    m->mask = m->capacity - 1;
    m->slots = calloc(m->capacity, m->stride);
    if (!m->slots)
        u64map__oom();
    for (size_t i = 0; i < old_capacity; i++) {
        unsigned char *src = old + i * m->stride;
        uint64_t k = u64map__key_at(src);
        if (k != 0)
            memcpy(u64map__slot(m, u64map__find(m, k)), src, m->stride);
    }
    free(old);
}

void *u64map_put(u64map *m, uint64_t key, bool *created) {
    if (key == 0) {
        if (created)
            *created = !m->has_zero;
        size_t bytes = u64map__value_bytes(m);
        if (!m->zero_value && !(m->zero_value = malloc(bytes ? bytes : 1)))
            u64map__oom();
        if (!m->has_zero) {
            m->has_zero = true;
            m->size++;
            memset(m->zero_value, 0, bytes);
        }
        return m->zero_value;
    }
    if (m->capacity == 0)
        u64map__grow(m);
    unsigned char *slot = u64map__slot(m, u64map__find(m, key));
    if (u64map__key_at(slot) == key) {
        if (created)
            *created = false;
        return slot + sizeof(uint64_t);
    }
    /* Keep the load at or below 0.7 counting this entry: (size + 1) / cap <= 7 / 10. */
    if ((m->size + 1) * 10 > (size_t)m->capacity * 7) {
        u64map__grow(m);
        slot = u64map__slot(m, u64map__find(m, key));
    }
    u64map__set_key(slot, key);
    for (size_t w = sizeof(uint64_t); w < m->stride; w += sizeof(uint64_t))
        u64map__set_key(slot + w, 0); /* zero-fill the value, a word at a time */
    m->size++;
    if (created)
        *created = true;
    return slot + sizeof(uint64_t);
}

/* Backward-shift deletion (Knuth 6.4, Algorithm R): after emptying slot `hole`,
 * walk the run that follows it and move back every entry whose home slot is not
 * cyclically between the hole and its current position, so no probe sequence
 * is broken and no tombstone is needed. */
bool u64map_remove(u64map *m, uint64_t key) {
    if (key == 0) {
        if (!m->has_zero)
            return false;
        m->has_zero = false;
        m->size--;
        return true;
    }
    if (m->capacity == 0)
        return false;
    size_t hole = u64map__find(m, key);
    if (u64map__key_at(u64map__slot(m, hole)) != key)
        return false;
    size_t j = hole;
    for (;;) {
        j = (j + 1) & m->mask;
        unsigned char *sj = u64map__slot(m, j);
        uint64_t k = u64map__key_at(sj);
        if (k == 0)
            break;
        size_t home = u64map__home(m, k);
        /* The entry at j may fill the hole iff its home is not in (hole, j]. */
        if (((j - home) & m->mask) >= ((j - hole) & m->mask)) {
            u64map__copy_entry(u64map__slot(m, hole), sj, m->stride);
            hole = j;
        }
    }
    u64map__set_key(u64map__slot(m, hole), 0);
    m->size--;
    return true;
}

size_t u64map_size(const u64map *m) {
    return m->size;
}

void u64map_clear(u64map *m) {
    if (m->slots)
        memset(m->slots, 0, (size_t)m->capacity * m->stride);
    m->has_zero = false;
    m->size = 0;
}

/* The cursor is the next slot index to look at; index `capacity` stands for the
 * side slot of key 0, and anything beyond it is the end. */
void *u64map_next(const u64map *m, size_t *cursor, uint64_t *key) {
    size_t i = *cursor;
    for (; i < m->capacity; i++) {
        unsigned char *slot = u64map__slot(m, i);
        uint64_t k = u64map__key_at(slot);
        if (k != 0) {
            *cursor = i + 1;
            if (key)
                *key = k;
            return slot + sizeof(uint64_t);
        }
    }
    if (i == m->capacity && m->has_zero) {
        *cursor = i + 1;
        if (key)
            *key = 0;
        return m->zero_value;
    }
    *cursor = m->capacity + 1;
    return NULL;
}
