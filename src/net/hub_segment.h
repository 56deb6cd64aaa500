/*
 * hub_segment: a collision domain: one or more hubs, the links between them
 * and the stations (non-hub ports) plugged into them, sharing one half-duplex
 * medium with CSMA/CD (IEEE 802.3 clause 4.2.3):
 *  - a station with a frame senses the carrier; if busy it defers until the
 *    medium is idle plus the inter-frame gap;
 *  - two stations that start within one propagation time of each other do not
 *    hear each other and collide: both detect it, send a 32-bit jam and back
 *    off a random number of slot times (truncated binary exponential backoff,
 *    k in [0, 2^min(n,10)), from the run's seeded generator); after 16 attempts
 *    the frame is dropped ("excessive collisions");
 *  - a frame that got through is repeated by every hub to every other port.
 * Simplification, documented in docs/topology-format.md: the whole segment has
 * one propagation time (twice the longest station link plus the hub-to-hub
 * links), and runs at its slowest link's bandwidth.
 */
#ifndef NETSIM_NET_HUB_SEGMENT_H
#define NETSIM_NET_HUB_SEGMENT_H

#include "net/network.h"

/* A new empty segment for `net` (which will own it). Exits via ns_out_of_memory on allocation
 * failure. */
hub_segment *hub_segment_new(network *net, uint32_t index);

void hub_segment_add_hub(hub_segment *seg, node *hub);

/* Adds a link of the segment; its non-hub ends become stations. */
void hub_segment_add_link(hub_segment *seg, link *l);

/* Computes the propagation time and bandwidth once all links are in. */
void hub_segment_finish(hub_segment *seg);

/* A station's frame to send (consumes f). */
void hub_segment_send(hub_segment *seg, port *station, frame *f);

/* NULL is a no-op; frees queued frames too. */
void hub_segment_free(hub_segment *seg);

#endif
