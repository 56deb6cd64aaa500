/*
 * grading/diff_dir: the two files netsim diff reads from an output directory
 * of `netsim run`, read-only and without following a symbolic link out of
 * the directory (openat with O_NOFOLLOW, then a regular-file check), as
 * runner/outdir never follows one when writing. Kept apart from diff_run.c
 * because <unistd.h> declares link(), which the network's `link` type hides.
 */
#define _POSIX_C_SOURCE 200809L /* openat, O_NOFOLLOW, O_CLOEXEC */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "grading/diff_internal.h"
#include "util/i18n.h"
#include "util/strbuf.h"

/* Reads DIR/name, a regular file inside dir (O_NOFOLLOW: a symbolic link is
 * refused, never followed out of the directory). Caller frees *text. */
static int read_inside(int dir, const char *dir_path, const char *name, char **text, size_t *len,
                       ns_error *err) {
    int fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    struct stat st;
    if (fd < 0 && errno == ELOOP)
        return ns_error_set(err, NS_ERR_IO,
                            _("%s/%s is a symbolic link; netsim diff reads only regular files "
                              "inside an output directory"),
                            dir_path, name);
    if (fd < 0)
        return ns_error_set(err, NS_ERR_IO,
                            _("cannot read %s/%s: %s (is it an output directory of "
                              "netsim run?)"),
                            dir_path, name, strerror(errno));
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return ns_error_set(err, NS_ERR_IO, _("%s/%s is not a regular file"), dir_path, name);
    }
    strbuf b = {0};
    char buf[65536];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0)
        strbuf_put(&b, buf, (size_t)n);
    int saved = errno;
    close(fd);
    if (n < 0) {
        strbuf_free(&b);
        return ns_error_set(err, NS_ERR_IO, _("cannot read %s/%s: %s"), dir_path, name,
                            strerror(saved));
    }
    *len = b.len;
    *text = strbuf_take(&b);
    return 0;
}

int diff_dir_read(const char *path, char **paths, size_t *paths_len, char **state, ns_error *err) {
    int dir = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0)
        return ns_error_set(err, NS_ERR_IO, _("cannot open %s: %s"), path, strerror(errno));
    size_t state_len = 0;
    *paths = *state = NULL;
    int rc = read_inside(dir, path, "paths.json", paths, paths_len, err);
    if (rc == 0 && (rc = read_inside(dir, path, "state.txt", state, &state_len, err)) != 0) {
        free(*paths);
        *paths = NULL;
    }
    close(dir);
    return rc;
}
