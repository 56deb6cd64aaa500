/*
 * outdir: the output directory, made safe (docs/cli.md, "The output directory").
 *
 * A run is written into a new private staging directory beside DIR
 * (".NAME.netsim-XXXXXX", mode 0700) and moved into place when it is complete
 * or clearly labelled partial, so DIR holds either the previous run or the new
 * one, never a mix. netsim owns only what its manifest (DIR/.netsim-manifest)
 * lists: it deletes nothing else, never follows a symbolic link inside DIR
 * (every step is openat/renameat/unlinkat relative to a directory opened with
 * O_NOFOLLOW), and refuses a non-empty DIR without a manifest unless forced.
 *
 * Files opened with outdir_fopen count their bytes against the output budget
 * and remember the first write error with its file name and errno, so the run
 * can stop at once and say which file failed and why.
 */
#ifndef NETSIM_IO_OUTDIR_H
#define NETSIM_IO_OUTDIR_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "util/error.h"

#define OUTDIR_MANIFEST ".netsim-manifest"

typedef struct outdir outdir;

typedef struct outdir_options {
    const char *path;   /* DIR as the user named it */
    bool force;         /* write into a non-empty DIR without a manifest */
    uint64_t max_bytes; /* output budget for files opened here; 0: none */
    /* Called once (may be NULL) when the files reach 15/16 of max_bytes, so
     * the run can stop at once and keep the rest for its tables and labels. */
    void (*on_near_limit)(void *ctx);
    void *ctx;
} outdir_options;

/* Checks DIR (refuses "/", the current and the home directory, a non-directory,
 * a non-empty directory netsim did not write unless forced, and links or
 * special files where netsim writes its own names), creates DIR's missing
 * parents and the staging directory. Nothing of DIR is changed. Returns 0 with
 * *out set (caller frees with outdir_free), or NS_ERR_IO / NS_ERR_INPUT with
 * err set. */
int outdir_open(const outdir_options *o, outdir **out, ns_error *err);

/* The staging directory's path, where this run's files go (borrowed). */
const char *outdir_staging(const outdir *d);

/* Creates the directory `name` (relative, one level) inside the staging
 * directory. Returns 0 or NS_ERR_IO with err set. */
int outdir_mkdir(outdir *d, const char *name, ns_error *err);

/* Opens `name` (relative to the staging directory) for writing ("w") or
 * appending ("a"), never through a link. Writes are buffered, counted against
 * the budget and checked: after the first failure every write fails and
 * outdir_failed reports it. Close with fclose. NULL with err set on failure. */
FILE *outdir_fopen(outdir *d, const char *name, const char *mode, ns_error *err);

/* Reads back a file this run staged (`name` relative to the staging
 * directory, never through a link), e.g. a picture Graphviz drew, into a new
 * NUL-terminated buffer the caller frees. Returns 0 with *data and *len set,
 * or -1 when the file is missing, unreadable or larger than `max` bytes. */
int outdir_read(outdir *d, const char *name, size_t max, char **data, size_t *len);

/* Bytes written so far through outdir_fopen's files. */
uint64_t outdir_bytes(const outdir *d);

/* True once the output budget stopped a write (the files are cut there). */
bool outdir_budget_hit(const outdir *d);

/* True once a write failed for another reason; err (may be NULL) gets
 * "DIR/trace.txt: cannot write: No space left on device". */
bool outdir_failed(const outdir *d, ns_error *err);

/* Appends `text` to the staging file `name` whatever the budget (a partial
 * run's label). Returns 0 or NS_ERR_IO with err set. */
int outdir_append_label(outdir *d, const char *name, const char *text, ns_error *err);

/* Writes the manifest (`status`: "complete", "interrupted", "stopped") and
 * moves the run into place: renamed when DIR did not exist, exchanged with the
 * previous run when DIR held netsim's files only (whose files are then
 * removed), merged file by file when DIR also holds files of the user's (kept
 * untouched). `note` (note_cap bytes) receives one line for the user when
 * something was kept aside, else "". Returns 0 or NS_ERR_IO with err set. */
int outdir_commit(outdir *d, const char *status, char *note, size_t note_cap, ns_error *err);

/* Removes the staging directory unless committed, and frees. NULL is a no-op. */
void outdir_free(outdir *d);

/* The final directory's path as resolved (borrowed). */
const char *outdir_final(const outdir *d);

#endif
