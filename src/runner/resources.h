/*
 * resources: what a topology will cost before it runs, so that a small file
 * cannot take the machine (docs/cli.md, "Bounds"). The estimate adds up what
 * the model asks for: devices and their ports, links, files a file server
 * holds (and the copies TCP keeps while sending them), ping records. It is
 * deliberately simple and errs high; the real use is bounded again at run time
 * (an allocation failure ends the run with a message, util/alloc.h).
 */
#ifndef NETSIM_RUNNER_RESOURCES_H
#define NETSIM_RUNNER_RESOURCES_H

#include <stddef.h>
#include <stdint.h>

#include "model/topology.h"
#include "util/error.h"

/* Bytes the run of `t` is expected to need, by part. */
typedef struct resources_estimate {
    uint64_t base;    /* the process, the engine and the outputs' buffers */
    uint64_t devices; /* device stacks and tables */
    uint64_t ports;   /* switch and hub ports, interfaces */
    uint64_t links;   /* links and their queues */
    uint64_t files;   /* file servers' files, with TCP's copies */
    uint64_t apps;    /* programs' records (ping's per-request times, ...) */
    uint64_t total;
} resources_estimate;

void resources_estimate_of(const model_topology *t, resources_estimate *e);

/* 0 when the estimate is at most max_memory (0: no limit); else NS_ERR_NOMEM
 * with a message naming the estimate, its largest part and --max-memory. */
int resources_check(const model_topology *t, uint64_t max_memory, ns_error *err);

/* --max-events when none was given: resources_max_events then picks the
 * bound from the topology. */
#define RESOURCES_EVENTS_DEFAULT UINT64_MAX

/* The event bound of a run of `t`: `asked`, or for RESOURCES_EVENTS_DEFAULT
 * 100,000,000 or 250 events a device, whichever is more. A bound that grows
 * with the topology lets a large network run (a campus of 1,000,000 hosts
 * takes 121 events a host) while a small runaway one still stops within
 * seconds. 0 stays 0: no limit. */
uint64_t resources_max_events(const model_topology *t, uint64_t asked);

/* "2 GiB", "340 MiB", "12 KiB": a byte count as people read it. */
void resources_format_bytes(char *buf, size_t cap, uint64_t bytes);

#endif
