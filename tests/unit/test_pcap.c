/*
 * test_pcap: the capture writer, checked byte for byte: the global and record
 * headers against hand-written little-endian bytes, whole files for two links
 * and an idle one, the 64 KiB flush (the first flush creates the file with its
 * header and replaces an old one), and the error naming path and reason.
 */
#define _POSIX_C_SOURCE 200809L /* mkdtemp, unlink, rmdir */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "sinks/pcap.h"

static const uint8_t arp_request[60] = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x00, 0x00, 0x00, 0x01, 0x01, 0x08, 0x06,
    0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x01, 0x01,
    0x0a, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x02,
};

static const uint8_t icmp_echo[98] = {
    0x02, 0x00, 0x00, 0x00, 0x02, 0x01, 0x02, 0x00, 0x00, 0x00, 0x01, 0x01, 0x08, 0x00,
    0x45, 0x00, 0x00, 0x54, 0x12, 0x34, 0x40, 0x00, 0x40, 0x01, 0x14, 0x73, 0x0a, 0x00,
    0x00, 0x01, 0x0a, 0x00, 0x00, 0x02, 0x08, 0x00, 0x22, 0xff, 0x1c, 0x2b, 0x00, 0x01,
    0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d,
    0x1e, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x2b,
    0x2c, 0x2d, 0x2e, 0x2f, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39,
    0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f, 0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47,
};

/* Magic a1b23c4d (nanoseconds), 2.4, zone 0, sigfigs 0, snaplen 65535, Ethernet. */
static const uint8_t global_header[24] = {
    0x4d, 0x3c, 0xb2, 0xa1, 0x02, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
};

static const char *const names[] = {"A.eth0--sw1.p1", "sw1.p2--B.eth0", "sw1.p3--C.eth0"};

typedef struct fixture {
    char dir[64];
} fixture;

static int setup(void **state) {
    fixture *fx = malloc(sizeof *fx);
    assert_non_null(fx);
    strcpy(fx->dir, "/tmp/netsim_test_pcap_XXXXXX");
    assert_non_null(mkdtemp(fx->dir));
    *state = fx;
    return 0;
}

static void path_of(const fixture *fx, size_t link, char *buf, size_t cap) {
    snprintf(buf, cap, "%s/%s.pcap", fx->dir, names[link]);
}

static int teardown(void **state) {
    fixture *fx = *state;
    char path[256];
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        path_of(fx, i, path, sizeof path);
        unlink(path);
    }
    assert_int_equal(rmdir(fx->dir), 0); /* fails if the sink wrote anything else */
    free(fx);
    return 0;
}

/* The whole file (caller frees); *len gets its size. */
static uint8_t *read_whole(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    size_t cap = 1024, n = 0;
    uint8_t *buf = malloc(cap);
    assert_non_null(buf);
    for (;;) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap)
            break;
        cap *= 2;
        buf = realloc(buf, cap);
        assert_non_null(buf);
    }
    assert_int_equal(ferror(f), 0);
    fclose(f);
    *len = n;
    return buf;
}

/* Appends bytes to an expected-file image. */
typedef struct image {
    uint8_t bytes[4096];
    size_t len;
} image;

static void image_add(image *im, const void *p, size_t n) {
    assert_true(im->len + n <= sizeof im->bytes);
    memcpy(im->bytes + im->len, p, n);
    im->len += n;
}

static void image_record(image *im, const uint8_t rec[16], const uint8_t *frame, size_t n) {
    image_add(im, rec, 16);
    image_add(im, frame, n);
}

static void assert_file(const fixture *fx, size_t link, const image *im) {
    char path[256];
    path_of(fx, link, path, sizeof path);
    size_t len;
    uint8_t *got = read_whole(path, &len);
    assert_int_equal(len, im->len);
    assert_memory_equal(got, im->bytes, len);
    free(got);
}

static trace_event wire(uint64_t time, int link, const uint8_t *frame, size_t len) {
    trace_event ev = {
        .time = time, .kind = TRACE_WIRE, .link = link, .frame = frame, .frame_len = len};
    return ev;
}

static void test_headers(void **state) {
    (void)state;
    uint8_t buf[24];
    pcap_global_header(buf);
    assert_memory_equal(buf, global_header, 24);

    /* 1.000006720 s = 1 s + 6720 ns; 60 bytes captured of 60. */
    static const uint8_t rec1[16] = {0x01, 0x00, 0x00, 0x00, 0x40, 0x1a, 0x00, 0x00,
                                     0x3c, 0x00, 0x00, 0x00, 0x3c, 0x00, 0x00, 0x00};
    uint8_t rec[16];
    pcap_record_header(rec, 1000006720u, 60);
    assert_memory_equal(rec, rec1, 16);

    /* 4294.967296123 s; a 70000-byte frame is cut to the snap length. */
    static const uint8_t rec2[16] = {0xc6, 0x10, 0x00, 0x00, 0x7b, 0xc4, 0xa7, 0x39,
                                     0xff, 0xff, 0x00, 0x00, 0x70, 0x11, 0x01, 0x00};
    pcap_record_header(rec, 4294967296123u, 70000);
    assert_memory_equal(rec, rec2, 16);
}

static void test_two_links_and_an_idle_one(void **state) {
    fixture *fx = *state;
    pcap_sink *sink = pcap_sink_new(fx->dir, names, 3);
    assert_non_null(sink);
    trace_bus *bus = trace_bus_new();
    trace_bus_subscribe(bus, pcap_sink_as_sink(sink));

    trace_event evs[4];
    evs[0] = wire(0, 0, arp_request, sizeof arp_request);
    evs[1] = wire(1000006720u, 1, icmp_echo, sizeof icmp_echo);
    evs[2] = wire(2500000000u, 0, arp_request, sizeof arp_request);
    evs[3] = wire(3, 2, arp_request, sizeof arp_request);
    evs[3].kind = TRACE_SEND; /* not a wire event: ignored */
    for (size_t i = 0; i < 4; i++)
        trace_emit(bus, &evs[i]);
    trace_bus_free(bus);

    ns_error err = {0};
    assert_int_equal(pcap_sink_close(sink, &err), 0);

    uint8_t rec[16];
    image link0 = {.len = 0}, link1 = {.len = 0}, idle = {.len = 0};
    image_add(&link0, global_header, 24);
    static const uint8_t rec_0s[16] = {0, 0, 0, 0, 0, 0, 0, 0, 60, 0, 0, 0, 60, 0, 0, 0};
    image_record(&link0, rec_0s, arp_request, sizeof arp_request);
    static const uint8_t rec_2_5s[16] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x65, 0xcd, 0x1d,
                                         60,   0,    0,    0,    60,   0,    0,    0};
    image_record(&link0, rec_2_5s, arp_request, sizeof arp_request);
    assert_file(fx, 0, &link0);

    image_add(&link1, global_header, 24);
    pcap_record_header(rec, 1000006720u, sizeof icmp_echo);
    assert_int_equal(rec[8], 98);
    image_record(&link1, rec, icmp_echo, sizeof icmp_echo);
    assert_file(fx, 1, &link1);

    image_add(&idle, global_header, 24);
    assert_file(fx, 2, &idle);
}

/* Past 64 KiB the buffer goes to the file before close; an old file of the
 * same name is replaced, and later flushes append. */
static void test_flush_creates_then_appends(void **state) {
    fixture *fx = *state;
    char path[256];
    path_of(fx, 0, path, sizeof path);
    FILE *old = fopen(path, "wb");
    assert_non_null(old);
    fputs("left over from an earlier run", old);
    fclose(old);

    pcap_sink *sink = pcap_sink_new(fx->dir, names, 1);
    assert_non_null(sink);
    trace_sink ts = pcap_sink_as_sink(sink);
    const size_t record = 16 + sizeof icmp_echo;
    const size_t count = 2000; /* 228 000 bytes: three flushes before close */
    size_t flushed_at = 0;
    for (size_t i = 0; i < count; i++) {
        trace_event ev = wire(1000u * i, 0, icmp_echo, sizeof icmp_echo);
        ts.emit(ts.self, &ev);
        if (!flushed_at) {
            size_t len;
            uint8_t *got = read_whole(path, &len);
            if (len > 0 && memcmp(got, global_header, 24) == 0) {
                flushed_at = i + 1;
                assert_int_equal(len, 24 + flushed_at * record);
            }
            free(got);
        }
    }
    assert_int_equal(flushed_at, 64 * 1024 / record + 1); /* the first record past 64 KiB */

    ns_error err = {0};
    assert_int_equal(pcap_sink_close(sink, &err), 0);
    size_t len;
    uint8_t *got = read_whole(path, &len);
    assert_int_equal(len, 24 + count * record);
    assert_memory_equal(got, global_header, 24);
    for (size_t i = 0; i < count; i++) {
        uint8_t rec[16];
        pcap_record_header(rec, 1000u * i, sizeof icmp_echo);
        assert_memory_equal(got + 24 + i * record, rec, 16);
        assert_memory_equal(got + 24 + i * record + 16, icmp_echo, sizeof icmp_echo);
    }
    free(got);
}

static void test_write_error(void **state) {
    fixture *fx = *state;
    char dir[128];
    snprintf(dir, sizeof dir, "%s/missing", fx->dir);
    pcap_sink *sink = pcap_sink_new(dir, names, 2);
    assert_non_null(sink);
    trace_sink ts = pcap_sink_as_sink(sink);
    trace_event ev = wire(0, 1, arp_request, sizeof arp_request);
    ts.emit(ts.self, &ev);

    ns_error err = {0};
    assert_int_equal(pcap_sink_close(sink, &err), NS_ERR_IO);
    assert_int_equal(err.code, NS_ERR_IO);
    char expected[512];
    snprintf(expected, sizeof expected, "cannot write %s/A.eth0--sw1.p1.pcap: %s", dir,
             strerror(ENOENT));
    assert_string_equal(err.message, expected);
}

static void test_close_null(void **state) {
    (void)state;
    assert_int_equal(pcap_sink_close(NULL, NULL), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_headers),
        cmocka_unit_test_setup_teardown(test_two_links_and_an_idle_one, setup, teardown),
        cmocka_unit_test_setup_teardown(test_flush_creates_then_appends, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_error, setup, teardown),
        cmocka_unit_test(test_close_null),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
