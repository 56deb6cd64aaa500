/*
 * builder: turns a validated topology model into a running network: one
 * device per model device (in file order, so ids and traces are stable), the
 * links, the hub segments, and the script's actions scheduled on the engine.
 */
#ifndef NETSIM_RUNNER_BUILDER_H
#define NETSIM_RUNNER_BUILDER_H

#include "model/topology.h"
#include "net/network.h"
#include "util/error.h"

/* Populates the empty network `net` from `t` (borrowed: it must outlive the
 * network, whose names point into it). Returns 0, or NS_ERR_INPUT with err set
 * when the topology cannot run (hubs wired in a loop). */
int builder_build(const model_topology *t, network *net, ns_error *err);

#endif
