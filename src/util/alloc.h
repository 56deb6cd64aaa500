/*
 * alloc: what happens when memory runs out. Every allocation failure in netsim
 * ends in ns_out_of_memory: one clear message naming the bound that was hit,
 * the registered clean-up (the unfinished output folder is removed, so the
 * previous run stays as it was), and exit status NS_EXIT_NO_MEMORY. Never an
 * abort, never a half-written output directory.
 */
#ifndef NETSIM_UTIL_ALLOC_H
#define NETSIM_UTIL_ALLOC_H

#include <stddef.h>
#include <stdint.h>

/* The exit status after an allocation failure (docs/cli.md). */
#define NS_EXIT_NO_MEMORY 5

/* Prints "netsim: out of memory ..." on stderr, runs the clean-up hook and
 * exits with NS_EXIT_NO_MEMORY. Safe to call from any depth. */
_Noreturn void ns_out_of_memory(void);

/* The bound named in the message, e.g. "--max-memory 2 GiB" (copied). */
void ns_alloc_set_bound(const char *text);

/* The bound's text, as set (borrowed; "the machine's memory" by default). */
const char *ns_alloc_bound(void);

/* The bound in bytes, 0 for none (--max-memory): for checks that can tell in
 * advance that an input will not fit, such as the topology reader's. */
void ns_alloc_set_limit(uint64_t bytes);
uint64_t ns_alloc_limit(void);

/* One clean-up to run before exiting on an allocation failure (NULL: none).
 * `ctx` is borrowed and must live until the hook is replaced. */
void ns_alloc_on_fatal(void (*hook)(void *ctx), void *ctx);

/* malloc, calloc, realloc and strdup that never return NULL. */
void *ns_xmalloc(size_t size);
void *ns_xcalloc(size_t n, size_t size);
void *ns_xrealloc(void *p, size_t size);
char *ns_xstrdup(const char *s);

#endif
