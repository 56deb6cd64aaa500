/* isqrt: integer square roots (util/isqrt.h). */
#include "util/isqrt.h"

uint64_t isqrt_floor(uint64_t n) {
    if (n < 2)
        return n;
    /* Newton's steps from above decrease until they pass the root; the first
     * start below 2^32 keeps x * x and n / x in range. */
    uint64_t x = n < (1ull << 32) ? n : (1ull << 32) - 1, prev;
    do {
        prev = x;
        x = (x + n / x) / 2;
    } while (x < prev);
    return prev;
}
