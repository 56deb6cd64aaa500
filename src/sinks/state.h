/*
 * state: the state sink, DIR/state.txt. After the run (or when it stops
 * early) every device writes its tables (ARP cache, MAC table, routes, NAT
 * mappings, sockets) through its ops->write_state, in device order, under
 * one header line with the end time. Unlike the trace sinks it reads the
 * network once at the end instead of following the trace bus.
 */
#ifndef NETSIM_SINKS_STATE_H
#define NETSIM_SINKS_STATE_H

#include <stdio.h>

#include "net/network.h"

/* Writes the device tables of `net` (borrowed) to `out` (borrowed; the
 * caller closes it). `label`, when not "", says why the run is partial and
 * marks the header "PARTIAL RUN". */
void state_write(const network *net, FILE *out, const char *label);

#endif
