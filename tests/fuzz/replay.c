/*
 * replay: runs a fuzz harness without libFuzzer. Linked with one harness
 * (fuzz_loader.c or fuzz_frame.c) and netsim_core by any compiler, it feeds
 * LLVMFuzzerTestOneInput every file named on the command line and every file
 * in every directory named (not recursing, in name order, so a failure
 * always reproduces the same way). A violated property aborts, as under
 * libFuzzer; built with NETSIM_SANITIZE, ASan and UBSan report the rest.
 * This is how the saved regressions (tests/fuzz/regressions/<harness>/) and
 * the seed corpora run under ctest in every build.
 *
 * Usage: replay PATH...   Exit status 0 when every input ran, 2 when a path
 * cannot be read. Files whose names start with '.' or end in ".md" are
 * skipped, so a directory can hold a README.md.
 */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

/* Reads the whole file into a buffer of exactly its size (so ASan sees a
 * read past the end). Returns 0, or -1 with errno set. */
static int read_file(const char *path, uint8_t **data, size_t *size) {
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    size_t cap = 4096, len = 0;
    uint8_t *buf = malloc(cap);
    while (buf) {
        if (len == cap) {
            uint8_t *bigger = realloc(buf, cap * 2);
            if (!bigger)
                break;
            buf = bigger;
            cap *= 2;
        }
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0)
            break;
    }
    int failed = !buf || ferror(f);
    fclose(f);
    if (failed) {
        free(buf);
        errno = errno ? errno : ENOMEM;
        return -1;
    }
    uint8_t *exact = malloc(len ? len : 1);
    if (!exact) {
        free(buf);
        errno = ENOMEM;
        return -1;
    }
    memcpy(exact, buf, len);
    free(buf);
    *data = exact;
    *size = len;
    return 0;
}

static int skipped(const char *name) {
    size_t n = strlen(name);
    return name[0] == '.' || (n >= 3 && strcmp(name + n - 3, ".md") == 0);
}

static int run_file(const char *path, size_t *count) {
    uint8_t *data = NULL;
    size_t size = 0;
    if (read_file(path, &data, &size) != 0) {
        fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
        return -1;
    }
    LLVMFuzzerTestOneInput(data, size);
    free(data);
    (*count)++;
    return 0;
}

static int run_dir(const char *dir, size_t *count) {
    struct dirent **names = NULL;
    int n = scandir(dir, &names, NULL, alphasort);
    if (n < 0) {
        fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
        return -1;
    }
    int rc = 0;
    for (int i = 0; i < n; i++) {
        const char *name = names[i]->d_name;
        size_t len = strlen(dir) + 1 + strlen(name) + 1;
        char *path = malloc(len);
        struct stat st;
        if (!path) {
            rc = -1;
        } else {
            snprintf(path, len, "%s/%s", dir, name);
            if (!skipped(name) && stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
                run_file(path, count) != 0)
                rc = -1;
        }
        free(path);
        free(names[i]);
    }
    free(names);
    return rc;
}

int main(int argc, char **argv) {
    size_t count = 0;
    int rc = 0;
    if (argc < 2) {
        fprintf(stderr, "usage: replay PATH...\n");
        return 2;
    }
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
            rc = -1;
        } else if (S_ISDIR(st.st_mode)) {
            if (run_dir(argv[i], &count) != 0)
                rc = -1;
        } else if (run_file(argv[i], &count) != 0) {
            rc = -1;
        }
    }
    printf("replay: %zu inputs, no property violated\n", count);
    return rc == 0 ? 0 : 2;
}
