/*
 * pcap: captures, one classic pcap file per link (LINKTYPE_ETHERNET,
 * nanosecond timestamps: magic 0xa1b23c4d), stamped with simulated time.
 * Written by our own small writer: the format is 24 + 16 bytes of header and
 * libpcap would add a dependency for no gain (docs/trace-format.md says more).
 *
 * The sink listens for TRACE_WIRE events. To stay within file-descriptor
 * limits on huge topologies it buffers each link's records in memory and
 * appends them to the link's file when the buffer passes 64 KiB and at close.
 */
#ifndef NETSIM_SINKS_PCAP_H
#define NETSIM_SINKS_PCAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "trace/trace.h"
#include "util/error.h"

#define PCAP_MAGIC_NS          0xa1b23c4du
#define PCAP_LINKTYPE_ETHERNET 1
#define PCAP_SNAPLEN           65535

typedef struct pcap_sink pcap_sink;

/* A sink writing `dir`/<file_names[i]>.pcap for link i. `dir` must exist.
 * file_names are borrowed (must outlive the sink) and already safe as file
 * names. Files are written only as buffers fill and at pcap_sink_close; an
 * error on the way stops all writing and is reported by pcap_sink_close.
 * Returns NULL on allocation failure. */
pcap_sink *pcap_sink_new(const char *dir, const char *const *file_names, size_t n_links);

/* Opens a capture file for writing (append: false) or appending; NULL with
 * errno set on failure. */
typedef FILE *(*pcap_opener)(void *ctx, const char *path, bool append);

/* Files are opened with `open` (ctx passed along) instead of fopen, the
 * path being "dir/<name>.pcap" with the `dir` given to pcap_sink_new. */
void pcap_sink_set_opener(pcap_sink *s, pcap_opener open, void *ctx);

trace_sink pcap_sink_as_sink(pcap_sink *s);

/* Writes every link's file (a header-only file for a link that carried nothing)
 * and frees the sink. Returns 0, or NS_ERR_IO (NS_ERR_NOMEM if a buffer could
 * not grow) with err set; the sink is freed either way. NULL is a no-op
 * returning 0. */
int pcap_sink_close(pcap_sink *s, ns_error *err);

/* Writes the 24-byte global header into buf. */
void pcap_global_header(uint8_t buf[24]);

/* Writes a 16-byte record header for a frame of `len` bytes at `time_ns`
 * (captured length min(len, PCAP_SNAPLEN), original length len). */
void pcap_record_header(uint8_t buf[16], uint64_t time_ns, uint32_t len);

#endif
