/*
 * pcap: one classic pcap file per link, written by our own small writer
 * (format: https://www.tcpdump.org/manpages/pcap-savefile.5.html; nanosecond
 * variant, magic 0xa1b23c4d).
 *
 * Invariants:
 * - Every multi-byte header field is written little-endian on purpose, so the
 *   files are byte-identical on every host (readers detect the order from the
 *   magic).
 * - At most one file is open at any time: records are buffered per link and a
 *   buffer is appended to its file (open, write, close) when it passes 64 KiB,
 *   when all buffers together pass PCAP_MEMORY_LIMIT, and at close.
 * - A link's first write truncates its file and starts with the global header,
 *   so a capture left by an earlier run is replaced, never appended to.
 * - After the first error nothing more is written; the error (naming the path
 *   and the system's reason) is reported by pcap_sink_close.
 */
#include "sinks/pcap.h"

#include <assert.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PCAP_VERSION_MAJOR 2
#define PCAP_VERSION_MINOR 4
#define PCAP_FLUSH_AT      (64u * 1024u)         /* per link: append once past this */
#define PCAP_MEMORY_LIMIT  (32u * 1024u * 1024u) /* all links: flush and release past this */

typedef struct pcap_link {
    uint8_t *buf; /* records not yet in the file */
    size_t len, cap;
    bool created; /* the file exists with its global header */
} pcap_link;

struct pcap_sink {
    char *dir;
    pcap_opener open; /* NULL: fopen */
    void *open_ctx;
    const char *const *file_names;
    size_t n_links;
    pcap_link *links;
    size_t buffered; /* bytes allocated across all link buffers */
    bool failed;
    ns_error err; /* the first error, once failed */
};

static void put_le16(uint8_t *p, uint16_t v) {
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put_le32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

void pcap_global_header(uint8_t buf[24]) {
    put_le32(buf, PCAP_MAGIC_NS);
    put_le16(buf + 4, PCAP_VERSION_MAJOR);
    put_le16(buf + 6, PCAP_VERSION_MINOR);
    put_le32(buf + 8, 0);  /* thiszone: timestamps are (simulated) UTC */
    put_le32(buf + 12, 0); /* sigfigs: always 0 */
    put_le32(buf + 16, PCAP_SNAPLEN);
    put_le32(buf + 20, PCAP_LINKTYPE_ETHERNET);
}

void pcap_record_header(uint8_t buf[16], uint64_t time_ns, uint32_t len) {
    uint32_t incl = len > PCAP_SNAPLEN ? PCAP_SNAPLEN : len;
    put_le32(buf, (uint32_t)(time_ns / 1000000000u));
    put_le32(buf + 4, (uint32_t)(time_ns % 1000000000u));
    put_le32(buf + 8, incl);
    put_le32(buf + 12, len);
}

static void fail(pcap_sink *s, int code, const char *path, int errnum) {
    if (s->failed)
        return;
    s->failed = true;
    if (code == NS_ERR_IO)
        ns_error_set(&s->err, code, "cannot write %s: %s", path, strerror(errnum));
    else
        ns_error_set(&s->err, code, "out of memory buffering the capture %s", path);
}

/* "dir/name.pcap"; caller frees. NULL on allocation failure. */
static char *link_path(const pcap_sink *s, size_t i) {
    size_t n = strlen(s->dir) + 1 + strlen(s->file_names[i]) + sizeof ".pcap";
    char *path = malloc(n);
    if (path)
        snprintf(path, n, "%s/%s.pcap", s->dir, s->file_names[i]);
    return path;
}

/* Appends link i's buffered records to its file, creating it (with the global
 * header) on the first call. Returns false after recording an error. */
static bool flush_link(pcap_sink *s, size_t i) {
    pcap_link *l = &s->links[i];
    char *path = link_path(s, i);
    if (!path) {
        fail(s, NS_ERR_NOMEM, s->file_names[i], 0);
        return false;
    }
    errno = 0;
    FILE *f =
        s->open ? s->open(s->open_ctx, path, l->created) : fopen(path, l->created ? "ab" : "wb");
    bool ok = f != NULL;
    if (ok && !l->created) {
        uint8_t header[24];
        pcap_global_header(header);
        ok = fwrite(header, 1, sizeof header, f) == sizeof header;
    }
    if (ok && l->len > 0)
        ok = fwrite(l->buf, 1, l->len, f) == l->len;
    int errnum = errno;
    /* fclose flushes stdio's buffer, where a full disk is often first noticed. */
    if (f && fclose(f) != 0 && ok) {
        ok = false;
        errnum = errno;
    }
    if (ok) {
        l->created = true;
        l->len = 0;
    } else {
        fail(s, NS_ERR_IO, path, errnum ? errnum : EIO);
    }
    free(path);
    return ok;
}

/* Writes out every link's records and releases the buffers, bounding memory
 * when many links are busy at once. */
static void flush_all_and_release(pcap_sink *s) {
    for (size_t i = 0; i < s->n_links && !s->failed; i++) {
        pcap_link *l = &s->links[i];
        if (l->len > 0)
            flush_link(s, i);
        free(l->buf);
        l->buf = NULL;
        l->len = l->cap = 0;
    }
    s->buffered = 0;
}

static bool reserve(pcap_sink *s, pcap_link *l, size_t extra) {
    if (l->cap - l->len >= extra)
        return true;
    size_t cap = l->cap ? l->cap : 2048;
    while (cap - l->len < extra)
        cap *= 2;
    uint8_t *grown = realloc(l->buf, cap);
    if (!grown)
        return false;
    s->buffered += cap - l->cap;
    l->buf = grown;
    l->cap = cap;
    return true;
}

static void pcap_emit(void *self, const trace_event *ev) {
    pcap_sink *s = self;
    if (ev->kind != TRACE_WIRE || s->failed)
        return;
    assert(ev->link >= 0 && (size_t)ev->link < s->n_links);
    if (ev->link < 0 || (size_t)ev->link >= s->n_links)
        return;
    size_t i = (size_t)ev->link;
    pcap_link *l = &s->links[i];

    uint32_t len = ev->frame_len > UINT32_MAX ? UINT32_MAX : (uint32_t)ev->frame_len;
    size_t incl = len > PCAP_SNAPLEN ? PCAP_SNAPLEN : len;
    if (!reserve(s, l, 16 + incl)) {
        fail(s, NS_ERR_NOMEM, s->file_names[i], 0);
        return;
    }
    pcap_record_header(l->buf + l->len, ev->time, len);
    if (incl > 0)
        memcpy(l->buf + l->len + 16, ev->frame, incl);
    l->len += 16 + incl;

    if (l->len > PCAP_FLUSH_AT)
        flush_link(s, i);
    if (s->buffered > PCAP_MEMORY_LIMIT)
        flush_all_and_release(s);
}

pcap_sink *pcap_sink_new(const char *dir, const char *const *file_names, size_t n_links) {
    pcap_sink *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    size_t dir_len = strlen(dir);
    s->dir = malloc(dir_len + 1);
    s->links = calloc(n_links ? n_links : 1, sizeof *s->links);
    if (!s->dir || !s->links) {
        free(s->dir);
        free(s->links);
        free(s);
        return NULL;
    }
    memcpy(s->dir, dir, dir_len + 1);
    s->file_names = file_names;
    s->n_links = n_links;
    return s;
}

void pcap_sink_set_opener(pcap_sink *s, pcap_opener open, void *ctx) {
    s->open = open;
    s->open_ctx = ctx;
}

trace_sink pcap_sink_as_sink(pcap_sink *s) {
    return (trace_sink){.emit = pcap_emit, .self = s};
}

int pcap_sink_close(pcap_sink *s, ns_error *err) {
    if (!s)
        return 0;
    for (size_t i = 0; i < s->n_links && !s->failed; i++) {
        if (!s->links[i].created || s->links[i].len > 0)
            flush_link(s, i);
    }
    int rc = 0;
    if (s->failed)
        rc = ns_error_set(err, s->err.code, "%s", s->err.message);
    for (size_t i = 0; i < s->n_links; i++)
        free(s->links[i].buf);
    free(s->links);
    free(s->dir);
    free(s);
    return rc;
}
