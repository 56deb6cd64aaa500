/*
 * rng: the seeded pseudo-random generator (xoshiro256**, seeded through
 * splitmix64). Same seed, same sequence, on every platform.
 */
#ifndef NETSIM_ENGINE_RNG_H
#define NETSIM_ENGINE_RNG_H

#include <stdint.h>

typedef struct rng {
    uint64_t s[4];
} rng;

/* Seeds the generator; any seed, 0 included, gives a valid state. */
void rng_seed(rng *r, uint64_t seed);

/* Next 64 random bits. */
uint64_t rng_next(rng *r);

/* Uniform integer in [0, bound); bound 0 returns 0. Unbiased (Lemire's method). */
uint64_t rng_below(rng *r, uint64_t bound);

/* Uniform double in [0, 1). */
double rng_unit(rng *r);

/* One step of splitmix64 on *state (as the benchmarks specify it). */
uint64_t rng_splitmix64(uint64_t *state);

#endif
