/*
 * reader/suggest: "did you mean" and lists of choices. A misspelt key, device
 * type, action or name gets the closest candidate when one is close enough (an
 * edit distance that ignores ASCII case and counts a swap of neighbours as one
 * edit), and otherwise the list of what was expected, cut after
 * LOADER_LIST_MAX items. Pure string work: no JSON, no loader state.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "reader/internal.h"

unsigned char loader__fold(unsigned char c) {
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

/* Optimal string alignment distance (edits, with adjacent swaps), ignoring
 * ASCII case; SIZE_MAX for words longer than 64 bytes. */
static size_t loader__distance(const char *a, const char *b) {
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
            unsigned char ca = loader__fold((unsigned char)a[i - 1]);
            unsigned char cb = loader__fold((unsigned char)b[j - 1]);
            size_t best = prev[j - 1] + (ca != cb);
            if (prev[j] + 1 < best)
                best = prev[j] + 1;
            if (cur[j - 1] + 1 < best)
                best = cur[j - 1] + 1;
            if (i > 1 && j > 1 && ca == loader__fold((unsigned char)b[j - 2]) &&
                loader__fold((unsigned char)a[i - 2]) == cb && prev2[j - 2] + 1 < best)
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
bool loader__close(const char *word, const char *cand, size_t *dist) {
    size_t la = strlen(word), lb = strlen(cand);
    size_t longer = la > lb ? la : lb;
    if ((la > lb ? la - lb : lb - la) > 3)
        return false;
    size_t d = loader__distance(word, cand);
    if (d == SIZE_MAX || d > 3 || d * 3 > longer + 1)
        return false;
    *dist = d;
    return true;
}

/* The closest of cands[0..n) to `word`, or NULL. Ties go to the first. */
const char *loader__suggest(const char *word, const char *const *cands, size_t n) {
    const char *best = NULL;
    size_t best_d = SIZE_MAX, d;
    for (size_t i = 0; i < n; i++)
        if (loader__close(word, cands[i], &d) && d < best_d) {
            best = cands[i];
            best_d = d;
        }
    return best;
}

/* Writes "\"a\", \"b\" or \"c\"" (at most LOADER_LIST_MAX, then "...") into
 * buf[cap]; each item is prefix + cands[i]. */
void loader__list(const char *const *cands, size_t n, const char *prefix, const char *last,
                  char *buf, size_t cap) {
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        if (i == LOADER_LIST_MAX) {
            loader__append(buf, cap, &used, _(", ... (%zu in all)"), n);
            break;
        }
        char q[96], item[160];
        snprintf(item, sizeof item, "%s%s", prefix, cands[i]);
        loader__quote(item, q, sizeof q);
        const char *sep = i == 0 ? "" : (i + 1 == n ? last : ", ");
        loader__append(buf, cap, &used, "%s%s", sep, q);
    }
}
