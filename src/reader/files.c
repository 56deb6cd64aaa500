/*
 * reader/files: the content of a file server's file: inline text, {"size": N}
 * pseudo-random bytes, or {"path": "file"} read from disk now, so a missing
 * file is a load-time error. A path stays inside the topology's folder (no
 * "..", no absolute path, no symbolic link leading out), a FIFO or device is
 * refused without blocking, and one file (LOADER_MAX_FILE) and all files
 * together (LOADER_MAX_FILES) are bounded, since a run holds them in memory.
 */
#define _XOPEN_SOURCE 700 /* POSIX 2008 and realpath */

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "reader/internal.h"

#define LOADER_MAX_FILES ((size_t)64 << 20) /* all file servers' files together */

/* The directory part of the topology's path ("" for the current one). */
static void loader__source_dir(const loader *ld, char *buf, size_t cap) {
    const char *slash = strrchr(ld->source, '/');
    size_t n = slash ? (size_t)(slash - ld->source) + 1 : 0;
    snprintf(buf, cap, "%.*s", (int)n, ld->source);
}

/* The topology's folder as messages name it: "tests/errors", or "." for the
 * current directory. */
static void loader__folder_text(const char *dir, char *buf, size_t cap) {
    size_t n = strlen(dir);
    if (n > 1 && dir[n - 1] == '/')
        n--;
    snprintf(buf, cap, "%.*s", (int)(n ? n : 1), n ? dir : ".");
}

/* Whether `rel` has a ".." component ("..", "../x", "x/..", "x/../y"). */
static bool loader__has_dotdot(const char *rel) {
    for (const char *p = rel; *p;) {
        size_t n = strcspn(p, "/");
        if (n == 2 && p[0] == '.' && p[1] == '.')
            return true;
        p += n;
        if (*p)
            p++;
    }
    return false;
}

/* What a file that is not a regular one is, for "... is a directory". */
static const char *loader__file_kind(mode_t mode) {
    if (S_ISDIR(mode))
        return _("a directory");
    if (S_ISFIFO(mode))
        return _("a FIFO (named pipe)");
    if (S_ISSOCK(mode))
        return _("a socket");
    if (S_ISCHR(mode))
        return _("a character device");
    if (S_ISBLK(mode))
        return _("a block device");
    return _("a special file");
}

/* Counts `size` more bytes of file content against LOADER_MAX_FILES, the
 * bound on all file servers' files of a topology together (the run holds
 * them all in memory, and TCP copies each one it sends). `what` is the value
 * as shown in the message. */
static int loader__file_budget(loader *ld, const cJSON *node, const char *what, size_t size) {
    if (size > LOADER_MAX_FILES - ld->file_bytes)
        return loader__fail(ld, node,
                            _("%s brings the topology's files to %zu bytes; expected at most %zu "
                              "bytes (64 MiB) for all file servers' files together"),
                            what, ld->file_bytes + size, LOADER_MAX_FILES);
    ld->file_bytes += size;
    return 0;
}

/* `v` (a value as shown) and its size, e.g. "\"x\" (1 byte)", into buf[cap]. */
static void loader__sized(const char *v, size_t size, char *buf, size_t cap) {
    snprintf(buf, cap, ngettext("%s (%zu byte)", "%s (%zu bytes)", size), v, size);
}

static int loader__file_unreadable(loader *ld, const cJSON *node, const char *v, int e,
                                   const char *full) {
    if (e == ENOMEM)
        return loader__nomem(ld);
    return loader__fail(ld, node,
                        _("%s cannot be read: %s (looked for %s); expected a regular file inside "
                          "the topology's folder"),
                        v, strerror(e), full);
}

static int loader__file_too_big(loader *ld, const cJSON *node, const char *v, size_t size,
                                const char *full) {
    return loader__fail(ld, node,
                        _("%s is %zu bytes, larger than 16 MiB (looked for %s); expected a file of "
                          "at most %zu bytes"),
                        v, size, full, LOADER_MAX_FILE);
}

/* Resolves `full` (the folder `dir` plus a relative path without "..") and
 * checks that the result is inside the folder: a symbolic link may lead
 * anywhere inside it, never out. realpath only looks at names (lstat,
 * readlink), so nothing is opened yet. Returns 0 and *resolved (caller
 * frees), or an error. */
static int loader__file_resolve(loader *ld, const cJSON *node, const char *v, const char *dir,
                                const char *full, char **resolved) {
    char *rdir = realpath(dir[0] ? dir : ".", NULL);
    char *rfull = rdir ? realpath(full, NULL) : NULL;
    if (!rfull) {
        int e = errno;
        free(rdir);
        return loader__file_unreadable(ld, node, v, e, full);
    }
    size_t n = strlen(rdir);
    bool inside =
        strncmp(rfull, rdir, n) == 0 && (rfull[n] == '\0' || rfull[n] == '/' || rdir[n - 1] == '/');
    free(rdir);
    if (!inside) {
        char folder[4096];
        free(rfull);
        loader__folder_text(dir, folder, sizeof folder);
        return loader__fail(ld, node,
                            _("%s leads out of the topology's folder (%s) through a symbolic link; "
                              "expected a file inside that folder"),
                            v, folder);
    }
    *resolved = rfull;
    return 0;
}

/* Opens `resolved` without following a last symbolic link and without
 * blocking (a FIFO with no writer would block a plain open forever), and
 * accepts only a regular file of at most LOADER_MAX_FILE bytes. Returns 0
 * with *fd and its *size, or an error. */
static int loader__file_open(loader *ld, const cJSON *node, const char *v, const char *full,
                             const char *resolved, int *fd, size_t *size) {
    struct stat st;
    int f = open(resolved, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
    if (f < 0 || fstat(f, &st) != 0) {
        int e = errno;
        if (f >= 0)
            close(f);
        return loader__file_unreadable(ld, node, v, e, full);
    }
    if (!S_ISREG(st.st_mode)) {
        close(f);
        return loader__fail(ld, node,
                            _("%s is %s, not a regular file (looked for %s); expected a regular "
                              "file inside the topology's folder"),
                            v, loader__file_kind(st.st_mode), full);
    }
    if ((uintmax_t)st.st_size > LOADER_MAX_FILE) {
        close(f);
        return loader__file_too_big(ld, node, v, (size_t)st.st_size, full);
    }
    *fd = f;
    *size = (size_t)st.st_size;
    return 0;
}

/* Reads the open regular file `fd` of `hint` bytes into f: up to
 * LOADER_MAX_FILE + 1 bytes, so a file that grew since fstat is still
 * caught. Does not close fd. */
static int loader__file_read(loader *ld, const cJSON *node, const char *v, const char *full, int fd,
                             size_t hint, model_file *f) {
    size_t cap = hint + 1, len = 0;
    uint8_t *buf = malloc(cap);
    if (!buf)
        return loader__nomem(ld);
    for (;;) {
        if (len == cap) {
            if (cap > LOADER_MAX_FILE) {
                free(buf);
                return loader__file_too_big(ld, node, v, len, full);
            }
            size_t grown_cap = cap * 2 > LOADER_MAX_FILE + 1 ? LOADER_MAX_FILE + 1 : cap * 2;
            uint8_t *grown = realloc(buf, grown_cap);
            if (!grown) {
                free(buf);
                return loader__nomem(ld);
            }
            buf = grown;
            cap = grown_cap;
        }
        ssize_t got = read(fd, buf + len, cap - len);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            int e = errno;
            free(buf);
            return loader__file_unreadable(ld, node, v, e, full);
        }
        if (got == 0)
            break;
        len += (size_t)got;
    }
    char what[128];
    loader__sized(v, len, what, sizeof what);
    if (loader__file_budget(ld, node, what, len) != 0) {
        free(buf);
        return NS_ERR_INPUT;
    }
    f->source = FILE_LOADED;
    f->data = len ? buf : NULL;
    f->size = len;
    if (!len)
        free(buf);
    return 0;
}

/* {"path": "photo.jpg"}: a regular file inside the topology's folder, read
 * now so a missing file is a load-time error. The path is relative to that
 * folder, with no ".." component, and may not lead out of it through a
 * symbolic link: a topology cannot put /etc/passwd or ~/.ssh into captures.
 * A FIFO or device is refused without blocking. */
static int loader__file_path(loader *ld, const cJSON *node, model_file *f) {
    const char *rel = NULL;
    char v[96], dir[4096], folder[4096], full[8192];
    if (loader__string(ld, node, _("a file name next to the topology file, e.g. \"photo.jpg\""),
                       &rel) != 0)
        return NS_ERR_INPUT;
    loader__value_text(ld, node, v, sizeof v);
    loader__source_dir(ld, dir, sizeof dir);
    loader__folder_text(dir, folder, sizeof folder);
    if (rel[0] == '/')
        return loader__fail(ld, node,
                            _("%s is an absolute path; expected a path relative to the topology's "
                              "folder (%s), e.g. \"photo.jpg\""),
                            v, folder);
    if (loader__has_dotdot(rel))
        return loader__fail(ld, node,
                            _("%s has a \"..\" component; expected a path inside the topology's "
                              "folder (%s), e.g. \"photo.jpg\" or \"images/photo.jpg\""),
                            v, folder);
    if (strlen(rel) >= 4096)
        return loader__fail(ld, node, _("%s is too long; expected a path of at most 4095 bytes"),
                            v);
    snprintf(full, sizeof full, "%s%s", dir, rel);
    char *resolved = NULL;
    int fd = -1;
    size_t size = 0;
    if (loader__file_resolve(ld, node, v, dir, full, &resolved) != 0)
        return NS_ERR_INPUT;
    int rc = loader__file_open(ld, node, v, full, resolved, &fd, &size);
    free(resolved);
    if (rc != 0)
        return NS_ERR_INPUT;
    char what[128];
    loader__sized(v, size, what, sizeof what);
    if (size > LOADER_MAX_FILES - ld->file_bytes) /* before reading it all */
        rc = loader__file_budget(ld, node, what, size);
    else
        rc = loader__file_read(ld, node, v, full, fd, size, f);
    close(fd);
    return rc;
}

/* One entry of "files": "inline text", {"size": N} or {"path": "file"}. */
int loader__file(loader *ld, const cJSON *entry, model_file *f) {
    static const char *const keys[] = {"size", "path"};
    const char *expected = _("the content as text, {\"size\": 100000} (pseudo-random bytes) or "
                             "{\"path\": \"photo.jpg\"} (a file next to the topology)");
    char v[96], what[128];
    if (cJSON_IsString(entry)) {
        f->source = FILE_INLINE;
        if (loader__text(ld, entry, _("the file's content"), LOADER_MAX_FILE, (char **)&f->data,
                         &f->size) != 0)
            return NS_ERR_INPUT;
        loader__value_text(ld, entry, v, sizeof v);
        loader__sized(v, f->size, what, sizeof what);
        return loader__file_budget(ld, entry, what, f->size);
    }
    if (!cJSON_IsObject(entry))
        return loader__type_error(ld, entry, expected);
    if (loader__check_keys(ld, entry, keys, 2, NULL) != 0)
        return NS_ERR_INPUT;
    const cJSON *size = loader__member(entry, "size"), *path = loader__member(entry, "path");
    if (size && path)
        return loader__fail(ld, path,
                            _("\"path\" is given together with \"size\"; expected one of them"));
    if (path)
        return loader__file_path(ld, path, f);
    if (!size)
        return loader__missing(ld, entry, "size", expected);
    long long n = 0;
    if (loader__int(ld, size, 0, (long long)LOADER_MAX_FILE, &n) != 0)
        return NS_ERR_INPUT;
    loader__value_text(ld, size, v, sizeof v);
    if (loader__file_budget(ld, size, v, (size_t)n) != 0)
        return NS_ERR_INPUT;
    f->source = FILE_GENERATED;
    f->size = (size_t)n;
    return 0;
}
