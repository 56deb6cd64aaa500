/*
 * suggest: "did you mean": the closest of some names to a misspelt word, when
 * one is close enough (an edit distance that ignores ASCII case and counts a
 * swap of neighbours as one edit). The reader uses it for keys, types and
 * names, the command line for --filter's device names.
 */
#ifndef NETSIM_UTIL_SUGGEST_H
#define NETSIM_UTIL_SUGGEST_H

#include <stdbool.h>
#include <stddef.h>

/* ASCII lower case of c; other bytes unchanged. */
unsigned char suggest_fold(unsigned char c);

/* Whether `cand` is close enough to `word` to suggest (at most a third of the
 * longer word's letters wrong, and at most 3); if so *dist is the distance. */
bool suggest_close(const char *word, const char *cand, size_t *dist);

/* The closest of cands[0..n) to `word`, or NULL. Ties go to the first. */
const char *suggest_closest(const char *word, const char *const *cands, size_t n);

#endif
