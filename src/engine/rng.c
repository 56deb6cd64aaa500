/*
 * rng: xoshiro256** 1.0 (Blackman and Vigna, https://prng.di.unimi.it/), its
 * state filled by four splitmix64 steps from the seed. Only fixed-width integer
 * arithmetic is used, so a seed gives the same sequence on every platform.
 *
 * Invariant: the state is never all zeros (splitmix64 is a bijection of its
 * counter, and four consecutive outputs are never all zero).
 */
#include "engine/rng.h"

static inline uint64_t rng__rotl(uint64_t x, int k) {
    return (x << k) | (x >> (64 - k));
}

uint64_t rng_splitmix64(uint64_t *state) {
    uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

void rng_seed(rng *r, uint64_t seed) {
    uint64_t st = seed;
    for (int i = 0; i < 4; i++)
        r->s[i] = rng_splitmix64(&st);
}

uint64_t rng_next(rng *r) {
    uint64_t *s = r->s;
    uint64_t result = rng__rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rng__rotl(s[3], 45);
    return result;
}

/* The full 128-bit product x * y as (high, low) halves. */
static inline void rng__mul128(uint64_t x, uint64_t y, uint64_t *hi, uint64_t *lo) {
#ifdef __SIZEOF_INT128__
    __extension__ unsigned __int128 p = (unsigned __int128)x * y;
    *hi = (uint64_t)(p >> 64);
    *lo = (uint64_t)p;
#else
    uint64_t x0 = x & 0xFFFFFFFFu, x1 = x >> 32, y0 = y & 0xFFFFFFFFu, y1 = y >> 32;
    uint64_t p00 = x0 * y0, p01 = x0 * y1, p10 = x1 * y0, p11 = x1 * y1;
    uint64_t mid = (p00 >> 32) + (p01 & 0xFFFFFFFFu) + (p10 & 0xFFFFFFFFu);
    *hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
    *lo = (mid << 32) | (p00 & 0xFFFFFFFFu);
#endif
}

/* Lemire, "Fast Random Integer Generation in an Interval" (2019): the high half
 * of x * bound is uniform once the few low halves below 2^64 mod bound are
 * rejected. Draws one value almost always; bound 0 draws nothing. */
uint64_t rng_below(rng *r, uint64_t bound) {
    if (bound == 0)
        return 0;
    uint64_t hi, lo;
    rng__mul128(rng_next(r), bound, &hi, &lo);
    if (lo < bound) {
        uint64_t threshold = (0 - bound) % bound; /* 2^64 mod bound */
        while (lo < threshold)
            rng__mul128(rng_next(r), bound, &hi, &lo);
    }
    return hi;
}

/* The top 53 bits scaled by 2^-53: every value k / 2^53, k < 2^53, equally likely. */
double rng_unit(rng *r) {
    return (double)(rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}
