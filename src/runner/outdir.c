#define _GNU_SOURCE /* fopencookie, renameat2, mkdtemp */
/*
 * outdir: the output directory, made safe (io/outdir.h). Every file-system step
 * inside DIR or the staging directory goes through a directory descriptor and
 * O_NOFOLLOW / AT_SYMLINK_NOFOLLOW, so a link planted there is never followed.
 */
#include "runner/outdir.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <dirent.h>

#include "util/alloc.h"
#include "util/i18n.h"

#define MANIFEST_HEADER "netsim output manifest 1"
#define MANIFEST_MAX    (64u << 20) /* a larger "manifest" is not ours */

typedef enum { MODE_NEW, MODE_EXCHANGE, MODE_MERGE } commit_mode;

/* A sorted list of relative paths, "d path" for directories, "f path" for files. */
typedef struct path_list {
    char **items;
    size_t len, cap;
} path_list;

struct outdir {
    char final[PATH_MAX];   /* DIR, resolved */
    char staging[PATH_MAX]; /* .NAME.netsim-XXXXXX beside it */
    int staging_fd;
    commit_mode mode;
    bool force;
    bool committed;
    path_list old; /* the previous run's manifest (MODE_EXCHANGE, MODE_MERGE) */
    uint64_t max_bytes, bytes;
    void (*on_near_limit)(void *ctx);
    void *ctx;
    bool budget_hit, failed;
    char failure[2 * PATH_MAX];
    char shown[PATH_MAX]; /* DIR as the user wrote it, for messages */
};

/* --- path lists --- */

static void list_add(path_list *l, char kind, const char *rel) {
    if (l->len == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->items = ns_xrealloc(l->items, l->cap * sizeof *l->items);
    }
    size_t n = strlen(rel);
    char *item = ns_xmalloc(n + 3);
    item[0] = kind;
    item[1] = ' ';
    memcpy(item + 2, rel, n + 1);
    l->items[l->len++] = item;
}

static int cmp_items(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list_sort(path_list *l) {
    if (l->len > 1)
        qsort(l->items, l->len, sizeof *l->items, cmp_items);
}

static bool list_has(const path_list *l, char kind, const char *rel) {
    size_t n = strlen(rel);
    char stack_buf[512];
    char *key = n + 3 <= sizeof stack_buf ? stack_buf : ns_xmalloc(n + 3);
    key[0] = kind;
    key[1] = ' ';
    memcpy(key + 2, rel, n + 1);
    const char *k = key;
    bool found = l->len && bsearch(&k, l->items, l->len, sizeof *l->items, cmp_items) != NULL;
    if (key != stack_buf)
        free(key);
    return found;
}

static void list_free(path_list *l) {
    for (size_t i = 0; i < l->len; i++)
        free(l->items[i]);
    free(l->items);
    *l = (path_list){0};
}

/* "a/b" + "c" -> "a/b/c" into buf; "" + "c" -> "c". */
static void join(char *buf, size_t cap, const char *rel, const char *name) {
    snprintf(buf, cap, "%s%s%s", rel, *rel ? "/" : "", name);
}

/* --- directory walking (sorted, never through links) --- */

/* The names in the directory `fd` (borrowed, not closed), sorted, without
 * "." and "..". Returns the count; *names is freed with names_free. */
static size_t read_names(int fd, char ***names) {
    *names = NULL;
    int dup_fd = dup(fd);
    if (dup_fd < 0)
        return 0;
    DIR *dir = fdopendir(dup_fd);
    if (!dir) {
        close(dup_fd);
        return 0;
    }
    rewinddir(dir);
    size_t len = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(dir))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (len == cap) {
            cap = cap ? cap * 2 : 16;
            *names = ns_xrealloc(*names, cap * sizeof **names);
        }
        (*names)[len++] = ns_xstrdup(e->d_name);
    }
    closedir(dir);
    if (len > 1)
        qsort(*names, len, sizeof **names, cmp_items);
    return len;
}

static void names_free(char **names, size_t n) {
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

static int open_dir_at(int fd, const char *name) {
    return openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

/* Adds every entry below the directory `fd` to `l`: "d", "f" or "o" (anything
 * else: a link, a FIFO) and the relative path. */
static void list_tree(int fd, const char *rel, path_list *l) {
    char **names;
    size_t n = read_names(fd, &names);
    for (size_t i = 0; i < n; i++) {
        char path[PATH_MAX];
        join(path, sizeof path, rel, names[i]);
        struct stat sb;
        if (fstatat(fd, names[i], &sb, AT_SYMLINK_NOFOLLOW) != 0)
            continue;
        if (S_ISDIR(sb.st_mode)) {
            list_add(l, 'd', path);
            int sub = open_dir_at(fd, names[i]);
            if (sub >= 0) {
                list_tree(sub, path, l);
                close(sub);
            }
        } else {
            list_add(l, S_ISREG(sb.st_mode) ? 'f' : 'o', path); /* 'o': a link, a FIFO... */
        }
    }
    names_free(names, n);
}

/* Removes what lies below the directory `fd`: everything when `only` is NULL
 * (the staging directory, all ours), else only the regular files and (empty)
 * directories `only` lists. Links are removed as links, never followed.
 * Returns true when the directory is left empty. */
static bool remove_tree(int fd, const char *rel, const path_list *only) {
    char **names;
    size_t n = read_names(fd, &names);
    bool empty = true;
    for (size_t i = 0; i < n; i++) {
        char path[PATH_MAX];
        join(path, sizeof path, rel, names[i]);
        struct stat sb;
        if (fstatat(fd, names[i], &sb, AT_SYMLINK_NOFOLLOW) != 0) {
            empty = false;
            continue;
        }
        bool removed = false;
        if (S_ISDIR(sb.st_mode)) {
            if (!only || list_has(only, 'd', path)) {
                int sub = open_dir_at(fd, names[i]);
                if (sub >= 0) {
                    if (remove_tree(sub, path, only))
                        removed = unlinkat(fd, names[i], AT_REMOVEDIR) == 0;
                    close(sub);
                }
            }
        } else if (!only || (S_ISREG(sb.st_mode) &&
                             (list_has(only, 'f', path) || strcmp(path, OUTDIR_MANIFEST) == 0))) {
            removed = unlinkat(fd, names[i], 0) == 0;
        }
        empty &= removed;
    }
    names_free(names, n);
    return empty;
}

/* --- checking DIR --- */

/* realpath of `path` into out, or false. */
static bool resolve_existing(const char *path, char out[PATH_MAX]) {
    return path && realpath(path, out) != NULL;
}

/* mkdir -p of `path`'s parents and of path itself when make_last. */
static int make_parents(const char *path, bool make_last, ns_error *err) {
    char buf[PATH_MAX];
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
        return ns_error_set(err, NS_ERR_IO, _("%s: output path too long"), path);
    for (char *p = buf + 1;; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        if (*p == '\0' && !make_last)
            break;
        char saved = *p;
        *p = '\0';
        if (mkdir(buf, 0777) != 0 && errno != EEXIST)
            return ns_error_set(err, NS_ERR_IO, _("%s: cannot create directory: %s"), buf,
                                strerror(errno));
        *p = saved;
        if (saved == '\0')
            break;
    }
    return 0;
}

/* DIR resolved to an absolute path without links: realpath when it exists,
 * else its (created) parent's realpath and its last component. */
static int resolve_final(const char *given, char out[PATH_MAX], bool *exists, ns_error *err) {
    char path[PATH_MAX];
    size_t len = strlen(given);
    if (len == 0)
        return ns_error_set(err, NS_ERR_INPUT, _("--out needs a directory name, got \"\""));
    if (snprintf(path, sizeof path, "%s", given) >= (int)sizeof path)
        return ns_error_set(err, NS_ERR_IO, _("%s: output path too long"), given);
    while (len > 1 && path[len - 1] == '/')
        path[--len] = '\0';
    struct stat sb;
    if (stat(path, &sb) == 0) {
        if (!S_ISDIR(sb.st_mode))
            return ns_error_set(err, NS_ERR_IO,
                                _("%s: exists and is not a directory; name a directory for the "
                                  "outputs (--out DIR)"),
                                given);
        if (!resolve_existing(path, out))
            return ns_error_set(err, NS_ERR_IO, _("%s: cannot resolve: %s"), given,
                                strerror(errno));
        *exists = true;
        return 0;
    }
    if (errno != ENOENT)
        return ns_error_set(err, NS_ERR_IO, _("%s: cannot create directory: %s"), given,
                            strerror(errno));
    *exists = false;
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    if (strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
        return ns_error_set(err, NS_ERR_IO, _("%s: no such directory"), given);
    char parent[PATH_MAX];
    if (slash == path)
        snprintf(parent, sizeof parent, "/");
    else if (slash)
        snprintf(parent, sizeof parent, "%.*s", (int)(slash - path), path);
    else
        snprintf(parent, sizeof parent, ".");
    if (strcmp(parent, ".") != 0 && strcmp(parent, "/") != 0) {
        int rc = make_parents(parent, true, err);
        if (rc != 0)
            return rc;
        if (stat(parent, &sb) != 0 || !S_ISDIR(sb.st_mode))
            return ns_error_set(err, NS_ERR_IO, _("%s: cannot create directory: %s"), given,
                                strerror(ENOTDIR));
    }
    char real_parent[PATH_MAX];
    if (!resolve_existing(parent, real_parent))
        return ns_error_set(err, NS_ERR_IO, _("%s: cannot resolve: %s"), parent, strerror(errno));
    if (snprintf(out, PATH_MAX, "%s%s%s", real_parent, strcmp(real_parent, "/") ? "/" : "", base) >=
        PATH_MAX)
        return ns_error_set(err, NS_ERR_IO, _("%s: output path too long"), given);
    return 0;
}

/* Refuses "/", the current directory and the home directory: netsim's outputs
 * need a directory of their own, and a mistake there would touch everything. */
static int refuse_special(const char *given, const char *final, ns_error *err) {
    char real[PATH_MAX];
    const char *what = NULL;
    if (strcmp(final, "/") == 0)
        what = _("the root directory");
    else if (resolve_existing(".", real) && strcmp(real, final) == 0)
        what = _("the current directory");
    else if (resolve_existing(getenv("HOME"), real) && strcmp(real, final) == 0)
        what = _("the home directory");
    else {
        const struct passwd *pw = getpwuid(getuid());
        if (pw && resolve_existing(pw->pw_dir, real) && strcmp(real, final) == 0)
            what = _("the home directory");
    }
    if (!what)
        return 0;
    return ns_error_set(err, NS_ERR_IO,
                        _("--out %s: refusing to write into %s; netsim needs a directory of its "
                          "own, e.g. --out out/run1"),
                        given, what);
}

/* Reads DIR's manifest into `l`. Returns false when there is none (or it is
 * not a regular file, or not netsim's). */
static bool read_manifest(int dir_fd, path_list *l) {
    int fd = openat(dir_fd, OUTDIR_MANIFEST, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return false;
    struct stat sb;
    FILE *f = NULL;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size > MANIFEST_MAX ||
        !(f = fdopen(fd, "r"))) {
        close(fd);
        return false;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    bool ours = false;
    for (size_t i = 0; (n = getline(&line, &cap, f)) >= 0; i++) {
        if (n > 0 && line[n - 1] == '\n')
            line[--n] = '\0';
        if (i == 0)
            ours = strcmp(line, MANIFEST_HEADER) == 0;
        else if (ours && n > 2 && (line[0] == 'd' || line[0] == 'f') && line[1] == ' ')
            list_add(l, line[0], line + 2);
    }
    free(line);
    fclose(f);
    if (!ours)
        list_free(l);
    list_sort(l);
    return ours;
}

/* Names netsim writes at the top of DIR: a link or a file of the user's under
 * one of these names is never written through or replaced. */
static bool is_output_name(const char *name) {
    static const char *const exact[] = {
        "trace.txt", "trace.jsonl",  "state.txt",    "paths.json",   "pcap",      "paths",
        "steps",     "topology.dot", "topology.svg", "topology.png", "view.html", OUTDIR_MANIFEST};
    for (size_t i = 0; i < sizeof exact / sizeof *exact; i++)
        if (strcmp(name, exact[i]) == 0)
            return true;
    return strncmp(name, "ladder", 6) == 0;
}

/* Looks at what DIR holds: netsim's files only (exchange), or also the user's
 * (merge, allowed with a manifest or --force). */
static int check_existing(outdir *d, const char *given, ns_error *err) {
    int fd = open(d->final, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return ns_error_set(err, NS_ERR_IO, _("%s: cannot open: %s"), given, strerror(errno));
    bool has_manifest = read_manifest(fd, &d->old);
    path_list present = {0};
    list_tree(fd, "", &present);
    char **names;
    size_t n = read_names(fd, &names);
    size_t foreign = 0;
    char shown[3][64];
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        struct stat sb;
        if (fstatat(fd, names[i], &sb, AT_SYMLINK_NOFOLLOW) != 0)
            continue;
        bool dir = S_ISDIR(sb.st_mode), reg = S_ISREG(sb.st_mode);
        bool ours = false;
        if (strcmp(names[i], OUTDIR_MANIFEST) == 0)
            ours = has_manifest && reg;
        else if (dir || reg)
            ours = list_has(&d->old, dir ? 'd' : 'f', names[i]);
        if (!dir && !reg && is_output_name(names[i]))
            rc = ns_error_set(err, NS_ERR_IO,
                              _("%s/%s is a %s, not netsim's: netsim never writes through or "
                                "replaces it; remove it or choose another --out"),
                              given, names[i],
                              S_ISLNK(sb.st_mode) ? _("symbolic link") : _("special file"));
        if (!ours) {
            if (foreign < 3)
                snprintf(shown[foreign], sizeof shown[foreign], "%s", names[i]);
            foreign++;
        }
    }
    /* Below the top, anything the manifest does not list is the user's too. */
    bool nested_foreign = false;
    for (size_t i = 0; i < present.len; i++)
        if (strchr(present.items[i] + 2, '/') &&
            !list_has(&d->old, present.items[i][0], present.items[i] + 2))
            nested_foreign = true;
    names_free(names, n);
    list_free(&present);
    close(fd);
    if (rc != 0)
        return rc;
    if (foreign > 0 && !has_manifest && !d->force) {
        char list[256];
        snprintf(list, sizeof list, "%s%s%s%s%s", shown[0], foreign > 1 ? ", " : "",
                 foreign > 1 ? shown[1] : "", foreign > 2 ? ", " : "", foreign > 2 ? shown[2] : "");
        char more[48] = "";
        if (foreign > 3)
            snprintf(more, sizeof more, _(" and %zu more"), foreign - 3);
        return ns_error_set(err, NS_ERR_IO,
                            _("%s: not empty and not written by netsim (it holds %s%s); netsim "
                              "writes only into a new directory or one of its own runs: choose "
                              "another --out, or add --force to write into it anyway (files netsim "
                              "did not make are never deleted)"),
                            given, list, more);
    }
    if (n == 0)
        d->mode = MODE_EXCHANGE; /* an empty directory: nothing to keep */
    else
        d->mode = foreign > 0 || nested_foreign ? MODE_MERGE : MODE_EXCHANGE;
    return 0;
}

/* Creates the private staging directory beside DIR and opens it. */
static int make_staging(outdir *d, const char *given, ns_error *err) {
    char template[PATH_MAX];
    const char *slash = strrchr(d->final, '/');
    int plen = (int)(slash - d->final);
    if (snprintf(template, sizeof template, "%.*s/.%s.netsim-XXXXXX", plen, d->final, slash + 1) >=
        (int)sizeof template)
        return ns_error_set(err, NS_ERR_IO, _("%s: output path too long"), given);
    if (!mkdtemp(template))
        return ns_error_set(err, NS_ERR_IO, _("%s: cannot create a directory beside it: %s"), given,
                            strerror(errno));
    memcpy(d->staging, template, sizeof d->staging);
    if ((d->staging_fd = open_dir_at(AT_FDCWD, d->staging)) < 0)
        return ns_error_set(err, NS_ERR_IO, _("%s: cannot open: %s"), d->staging, strerror(errno));
    return 0;
}

int outdir_open(const outdir_options *o, outdir **out, ns_error *err) {
    *out = NULL;
    outdir *d = ns_xcalloc(1, sizeof *d);
    d->staging_fd = -1;
    d->force = o->force;
    d->max_bytes = o->max_bytes;
    d->on_near_limit = o->on_near_limit;
    d->ctx = o->ctx;
    snprintf(d->shown, sizeof d->shown, "%s", o->path);
    for (size_t len = strlen(d->shown); len > 1 && d->shown[len - 1] == '/';)
        d->shown[--len] = '\0';
    bool exists = false;
    int rc = resolve_final(o->path, d->final, &exists, err);
    if (rc == 0)
        rc = refuse_special(o->path, d->final, err);
    if (rc == 0 && exists)
        rc = check_existing(d, o->path, err);
    if (rc == 0 && !exists)
        d->mode = MODE_NEW;
    if (rc == 0)
        rc = make_staging(d, o->path, err);
    if (rc != 0) {
        outdir_free(d); /* removes the staging directory if it was made */
        return rc;
    }
    *out = d;
    return 0;
}

const char *outdir_staging(const outdir *d) {
    return d->staging;
}

const char *outdir_final(const outdir *d) {
    return d->final;
}

int outdir_mkdir(outdir *d, const char *name, ns_error *err) {
    if (mkdirat(d->staging_fd, name, 0777) != 0 && errno != EEXIST)
        return ns_error_set(err, NS_ERR_IO, _("%s/%s: cannot create directory: %s"), d->shown, name,
                            strerror(errno));
    return 0;
}

/* --- counted, checked files --- */

typedef struct out_file {
    outdir *d;
    int fd;
    char name[];
} out_file;

static void record_failure(outdir *d, const char *name, int errnum) {
    if (d->failed || d->budget_hit)
        return;
    d->failed = true;
    snprintf(d->failure, sizeof d->failure, _("%s/%s: cannot write: %s"), d->shown, name,
             strerror(errnum));
}

static bool write_all(int fd, const char *buf, size_t size, int *errnum) {
    while (size > 0) {
        ssize_t n = write(fd, buf, size);
        if (n < 0 && errno == EINTR)
            continue; /* a signal (SIGINT) asks to stop, not to lose bytes */
        if (n <= 0) {
            *errnum = n < 0 ? errno : EIO;
            return false;
        }
        buf += n;
        size -= (size_t)n;
    }
    return true;
}

static ssize_t out_file_write(void *cookie, const char *buf, size_t size) {
    out_file *f = cookie;
    outdir *d = f->d;
    if (d->failed || d->budget_hit)
        return -1;
    size_t allowed = size;
    if (d->max_bytes && d->bytes + size > d->max_bytes)
        allowed = (size_t)(d->max_bytes - d->bytes);
    int errnum = 0;
    if (!write_all(f->fd, buf, allowed, &errnum)) {
        record_failure(d, f->name, errnum);
        return -1;
    }
    d->bytes += allowed;
    if (d->on_near_limit && d->max_bytes && d->bytes >= d->max_bytes - d->max_bytes / 16) {
        void (*hook)(void *) = d->on_near_limit;
        d->on_near_limit = NULL;
        hook(d->ctx);
    }
    if (allowed < size) {
        d->budget_hit = true; /* the file is cut here; the run labels itself partial */
        return -1;
    }
    return (ssize_t)size;
}

static int out_file_close(void *cookie) {
    out_file *f = cookie;
    int rc = close(f->fd);
    if (rc != 0)
        record_failure(f->d, f->name, errno);
    free(f);
    return rc;
}

/* Opens `name` below the staging directory, walking its directories with
 * O_NOFOLLOW. Returns the descriptor or -1 with errno set. */
static int open_below(int root, const char *name, int flags) {
    char buf[PATH_MAX];
    snprintf(buf, sizeof buf, "%s", name);
    int fd = root;
    char *part = buf;
    for (char *slash; (slash = strchr(part, '/'));) {
        *slash = '\0';
        int next = open_dir_at(fd, part);
        int saved = errno;
        if (fd != root)
            close(fd);
        if (next < 0) {
            errno = saved;
            return -1;
        }
        fd = next;
        part = slash + 1;
    }
    int file = openat(fd, part, flags | O_NOFOLLOW | O_CLOEXEC, 0666);
    int saved = errno;
    if (fd != root)
        close(fd);
    errno = saved;
    return file;
}

FILE *outdir_fopen(outdir *d, const char *name, const char *mode, ns_error *err) {
    bool append = mode[0] == 'a';
    int fd = open_below(d->staging_fd, name,
                        O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC | O_EXCL));
    if (fd < 0) {
        ns_error_set(err, NS_ERR_IO, _("%s/%s: cannot write: %s"), d->shown, name, strerror(errno));
        return NULL;
    }
    size_t len = strlen(name);
    out_file *f = ns_xmalloc(sizeof *f + len + 1);
    f->d = d;
    f->fd = fd;
    memcpy(f->name, name, len + 1);
    FILE *stream = fopencookie(
        f, "w", (cookie_io_functions_t){.write = out_file_write, .close = out_file_close});
    if (!stream)
        ns_out_of_memory();
    setvbuf(stream, NULL, _IOFBF, 1 << 20); /* 1 MiB: a full trace is written in few large writes */
    return stream;
}

int outdir_read(outdir *d, const char *name, size_t max, char **data, size_t *len) {
    int fd = open_below(d->staging_fd, name, O_RDONLY | O_NONBLOCK);
    struct stat st;
    if (fd < 0)
        return -1;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_size > max) {
        close(fd);
        return -1;
    }
    size_t size = (size_t)st.st_size, got = 0;
    char *buf = ns_xmalloc(size + 1);
    while (got < size) {
        ssize_t n = read(fd, buf + got, size - got);
        if (n <= 0) {
            if (n < 0 && errno == EINTR)
                continue;
            break;
        }
        got += (size_t)n;
    }
    close(fd);
    if (got != size) {
        free(buf);
        return -1;
    }
    buf[size] = '\0';
    *data = buf;
    *len = size;
    return 0;
}

uint64_t outdir_bytes(const outdir *d) {
    return d->bytes;
}

bool outdir_budget_hit(const outdir *d) {
    return d->budget_hit;
}

bool outdir_failed(const outdir *d, ns_error *err) {
    if (d->failed)
        ns_error_set(err, NS_ERR_IO, "%s", d->failure);
    return d->failed;
}

int outdir_append_label(outdir *d, const char *name, const char *text, ns_error *err) {
    int fd = open_below(d->staging_fd, name, O_WRONLY | O_APPEND);
    int errnum = 0;
    if (fd < 0 || !write_all(fd, text, strlen(text), &errnum)) {
        int e = fd < 0 ? errno : errnum;
        if (fd >= 0)
            close(fd);
        return ns_error_set(err, NS_ERR_IO, _("%s/%s: cannot write: %s"), d->shown, name,
                            strerror(e));
    }
    close(fd);
    return 0;
}

/* --- committing --- */

static int write_manifest(outdir *d, const path_list *files, const char *status, ns_error *err) {
    int fd = openat(d->staging_fd, OUTDIR_MANIFEST,
                    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        if (fd >= 0)
            close(fd);
        return ns_error_set(err, NS_ERR_IO, _("%s/%s: cannot write: %s"), d->shown, OUTDIR_MANIFEST,
                            strerror(errno));
    }
    fprintf(f, "%s\n", MANIFEST_HEADER);
    fprintf(f, "# what netsim wrote here; netsim replaces or removes these files only\n");
    fprintf(f, "status %s\n", status);
    for (size_t i = 0; i < files->len; i++)
        if (files->items[i][0] != 'o') /* netsim makes no links: none is ever listed */
            fprintf(f, "%s\n", files->items[i]);
    if (ferror(f) | (fclose(f) != 0))
        return ns_error_set(err, NS_ERR_IO, _("%s/%s: cannot write: %s"), d->shown, OUTDIR_MANIFEST,
                            strerror(errno));
    return 0;
}

/* Moves the new tree `rel` of the staging directory into DIR, entry by entry,
 * keeping every entry of the user's. Returns the number of entries kept aside
 * (left in the staging directory because a user's entry holds the name). */
static size_t merge_into(outdir *d, int from, int to, const char *rel) {
    char **names;
    size_t n = read_names(from, &names), kept = 0;
    for (size_t i = 0; i < n; i++) {
        char path[PATH_MAX];
        join(path, sizeof path, rel, names[i]);
        if (strcmp(path, OUTDIR_MANIFEST) == 0)
            continue; /* moved last, when the run is in place */
        struct stat mine, theirs;
        if (fstatat(from, names[i], &mine, AT_SYMLINK_NOFOLLOW) != 0)
            continue;
        if (fstatat(to, names[i], &theirs, AT_SYMLINK_NOFOLLOW) != 0) {
            if (renameat(from, names[i], to, names[i]) != 0)
                kept++;
            continue;
        }
        if (S_ISDIR(mine.st_mode) && S_ISDIR(theirs.st_mode)) {
            int a = open_dir_at(from, names[i]), b = open_dir_at(to, names[i]);
            if (a >= 0 && b >= 0)
                kept += merge_into(d, a, b, path);
            else
                kept++;
            if (a >= 0)
                close(a);
            if (b >= 0)
                close(b);
        } else if (S_ISREG(mine.st_mode) && S_ISREG(theirs.st_mode) &&
                   (list_has(&d->old, 'f', path) || d->force)) {
            if (renameat(from, names[i], to, names[i]) != 0)
                kept++;
        } else {
            kept++; /* a link, a special file or a directory of the user's: untouched */
        }
    }
    names_free(names, n);
    return kept;
}

/* After a merge: the previous run's files that this run did not write again. */
static void remove_stale(outdir *d, int to, const path_list *now) {
    path_list stale = {0};
    for (size_t i = 0; i < d->old.len; i++) {
        const char *item = d->old.items[i];
        if (!list_has(now, item[0], item + 2))
            list_add(&stale, item[0], item + 2);
    }
    list_sort(&stale);
    if (stale.len)
        remove_tree(to, "", &stale);
    list_free(&stale);
}

int outdir_commit(outdir *d, const char *status, char *note, size_t note_cap, ns_error *err) {
    if (note && note_cap)
        note[0] = '\0';
    path_list files = {0};
    list_tree(d->staging_fd, "", &files);
    list_sort(&files);
    int rc = write_manifest(d, &files, status, err);
    mode_t mask = umask(0);
    umask(mask);
    if (rc == 0 && fchmod(d->staging_fd, 0777 & ~mask) != 0)
        rc = ns_error_set(err, NS_ERR_IO, "%s: %s", d->staging, strerror(errno));
    if (rc == 0 && d->mode == MODE_NEW) {
        if (renameat(AT_FDCWD, d->staging, AT_FDCWD, d->final) == 0)
            d->committed = true;
        else if (errno != ENOTEMPTY && errno != EEXIST)
            rc = ns_error_set(err, NS_ERR_IO, _("%s: cannot move the run into place: %s"), d->shown,
                              strerror(errno));
        else /* another run made DIR meanwhile: replace it as a rerun would */
            rc = check_existing(d, d->shown, err);
    }
    if (rc == 0 && d->mode == MODE_EXCHANGE) {
        if (renameat2(AT_FDCWD, d->staging, AT_FDCWD, d->final, RENAME_EXCHANGE) == 0) {
            /* The staging path now holds the previous run (and staging_fd, the
             * new one in place): remove what the previous run's manifest lists. */
            d->committed = true;
            int old_fd = open_dir_at(AT_FDCWD, d->staging);
            bool emptied = old_fd >= 0 && remove_tree(old_fd, "", &d->old);
            if (old_fd >= 0)
                close(old_fd);
            if (emptied)
                rmdir(d->staging);
            else if (note)
                snprintf(note, note_cap,
                         _("files that appeared in %s during the run were kept in %s"), d->final,
                         d->staging);
        } else {
            d->mode = MODE_MERGE; /* a file system without exchange: merge instead */
        }
    }
    if (rc == 0 && d->mode == MODE_MERGE) {
        int to = open(d->final, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (to < 0) {
            rc = ns_error_set(err, NS_ERR_IO, _("%s: cannot open: %s"), d->shown, strerror(errno));
        } else {
            size_t kept = merge_into(d, d->staging_fd, to, "");
            remove_stale(d, to, &files);
            if (renameat(d->staging_fd, OUTDIR_MANIFEST, to, OUTDIR_MANIFEST) != 0)
                rc = ns_error_set(err, NS_ERR_IO, _("%s/%s: cannot write: %s"), d->final,
                                  OUTDIR_MANIFEST, strerror(errno));
            d->committed = rc == 0;
            close(to);
            if (kept == 0)
                remove_tree(d->staging_fd, "", NULL), rmdir(d->staging);
            else if (note)
                snprintf(note, note_cap,
                         _("%zu of netsim's files were not put in %s because files of yours hold "
                           "their names; they are in %s"),
                         kept, d->final, d->staging);
        }
    }
    list_free(&files);
    return rc;
}

void outdir_free(outdir *d) {
    if (!d)
        return;
    if (!d->committed && d->staging_fd >= 0)
        remove_tree(d->staging_fd, "", NULL);
    if (!d->committed && d->staging[0])
        rmdir(d->staging);
    if (d->staging_fd >= 0)
        close(d->staging_fd);
    list_free(&d->old);
    free(d);
}
