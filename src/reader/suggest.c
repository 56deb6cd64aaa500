/*
 * reader/suggest: lists of choices. A misspelt key, device type, action or
 * name gets the closest candidate when one is close enough (util/suggest),
 * and otherwise the list of what was expected, cut after LOADER_LIST_MAX
 * items. Pure string work: no JSON, no loader state.
 */
#include <stdio.h>
#include <string.h>

#include "reader/internal.h"

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
