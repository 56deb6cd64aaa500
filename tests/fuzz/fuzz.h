/*
 * fuzz: what the fuzz harnesses share. Each harness defines libFuzzer's entry
 * point; the same file links into a libFuzzer binary (NETSIM_FUZZ, clang) and
 * into a replay driver (replay.c, any compiler) that runs saved inputs under
 * ctest. FUZZ_CHECK is the harnesses' assertion: unlike assert it is never
 * compiled out (the project builds with -DNDEBUG), and it aborts so libFuzzer
 * saves the input as a crash.
 */
#ifndef NETSIM_TESTS_FUZZ_H
#define NETSIM_TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* The --max-memory the loader and run harnesses work under, as
 * `netsim --max-memory 256M` would: it bounds what one input can make (a
 * switch's 65,535 ports) before anything is made, so that no input takes
 * seconds under AddressSanitizer only to be refused. */
#define FUZZ_MAX_MEMORY (256ull << 20)

/* Runs one input. Returns 0; a violated property aborts. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond, what)                                                                     \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: fuzz property violated: %s (%s)\n", __FILE__, __LINE__, what,  \
                    #cond);                                                                        \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

#endif
