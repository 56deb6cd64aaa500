/*
 * isqrt: integer square roots, so that netsim needs no libm: linking it costs
 * every run about 470 KB of resident memory before main (measured on an empty
 * program), for one sqrt in ping's statistics.
 */
#ifndef NETSIM_UTIL_ISQRT_H
#define NETSIM_UTIL_ISQRT_H

#include <stdint.h>

/* The largest r with r * r <= n: iputils ping's llsqrt, which it uses for
 * the "mdev" of its statistics line, by the same Newton steps. */
uint64_t isqrt_floor(uint64_t n);

#endif
