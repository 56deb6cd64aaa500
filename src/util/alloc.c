/* alloc: the one place an allocation failure is reported (util/alloc.h). */
#include "util/alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/i18n.h"

static char bound[128] = "the machine's memory";
static uint64_t limit;

/* The whole message, written when the bound is set: at the failure itself
 * nothing is formatted or translated, which could need memory. */
static char message[512] = "netsim: out of memory: an allocation failed (bound: the machine's "
                           "memory); the run was abandoned and the output directory left as it "
                           "was\n";
static void (*fatal_hook)(void *);
static void *fatal_ctx;

void ns_alloc_set_bound(const char *text) {
    snprintf(bound, sizeof bound, "%s", text);
    snprintf(message, sizeof message,
             _("netsim: out of memory: an allocation failed (bound: %s); the run was abandoned "
               "and the output directory left as it was\n"),
             text);
}

const char *ns_alloc_bound(void) {
    return bound;
}

void ns_alloc_set_limit(uint64_t bytes) {
    limit = bytes;
}

uint64_t ns_alloc_limit(void) {
    return limit;
}

void ns_alloc_on_fatal(void (*hook)(void *ctx), void *ctx) {
    fatal_hook = hook;
    fatal_ctx = ctx;
}

_Noreturn void ns_out_of_memory(void) {
    /* fputs needs no allocation: stderr is unbuffered. */
    fputs(message, stderr);
    void (*hook)(void *) = fatal_hook;
    fatal_hook = NULL; /* the hook itself may run out of memory */
    if (hook)
        hook(fatal_ctx);
    exit(NS_EXIT_NO_MEMORY);
}

void *ns_xmalloc(size_t size) {
    void *p = malloc(size ? size : 1);
    if (!p)
        ns_out_of_memory();
    return p;
}

void *ns_xcalloc(size_t n, size_t size) {
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        ns_out_of_memory();
    return p;
}

void *ns_xrealloc(void *p, size_t size) {
    void *q = realloc(p, size ? size : 1);
    if (!q)
        ns_out_of_memory();
    return q;
}

char *ns_xstrdup(const char *s) {
    size_t len = strlen(s) + 1;
    char *copy = ns_xmalloc(len);
    memcpy(copy, s, len);
    return copy;
}
