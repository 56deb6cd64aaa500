/* suggest: "did you mean" (util/suggest.h). */
#include "util/suggest.h"

#include <stdint.h>
#include <string.h>

unsigned char suggest_fold(unsigned char c) {
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

/* Optimal string alignment distance (edits, with adjacent swaps), ignoring
 * ASCII case; SIZE_MAX for words longer than 64 bytes. */
static size_t suggest_distance(const char *a, const char *b) {
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64)
        return SIZE_MAX;
    size_t rows[3][65];
    size_t *prev2 = rows[0], *prev = rows[1], *cur = rows[2];
    for (size_t j = 0; j <= lb; j++)
        prev[j] = j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            unsigned char ca = suggest_fold((unsigned char)a[i - 1]);
            unsigned char cb = suggest_fold((unsigned char)b[j - 1]);
            size_t best = prev[j - 1] + (ca != cb);
            if (prev[j] + 1 < best)
                best = prev[j] + 1;
            if (cur[j - 1] + 1 < best)
                best = cur[j - 1] + 1;
            if (i > 1 && j > 1 && ca == suggest_fold((unsigned char)b[j - 2]) &&
                suggest_fold((unsigned char)a[i - 2]) == cb && prev2[j - 2] + 1 < best)
                best = prev2[j - 2] + 1;
            cur[j] = best;
        }
        size_t *t = prev2;
        prev2 = prev;
        prev = cur;
        cur = t;
    }
    return prev[lb];
}

/* Whether `cand` is close enough to `word` to suggest: at most a third of the
 * longer word's letters wrong, and at most 3. */
bool suggest_close(const char *word, const char *cand, size_t *dist) {
    size_t la = strlen(word), lb = strlen(cand);
    size_t longer = la > lb ? la : lb;
    if ((la > lb ? la - lb : lb - la) > 3)
        return false;
    size_t d = suggest_distance(word, cand);
    if (d == SIZE_MAX || d > 3 || d * 3 > longer + 1)
        return false;
    *dist = d;
    return true;
}

/* The closest of cands[0..n) to `word`, or NULL. Ties go to the first. */
const char *suggest_closest(const char *word, const char *const *cands, size_t n) {
    const char *best = NULL;
    size_t best_d = SIZE_MAX, d;
    for (size_t i = 0; i < n; i++)
        if (suggest_close(word, cands[i], &d) && d < best_d) {
            best = cands[i];
            best_d = d;
        }
    return best;
}
