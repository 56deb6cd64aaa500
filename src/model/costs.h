/*
 * costs: what one item of a topology takes in memory at run time: peak RSS
 * measured with /usr/bin/time on generated topologies (docs/performance.md,
 * "The memory estimate"), rounded up by about a third. The estimate
 * (runner/resources.c) adds them up; the reader uses MODEL_COST_PORT to refuse
 * a switch's 65,535 ports before it makes them.
 */
#ifndef NETSIM_MODEL_COSTS_H
#define NETSIM_MODEL_COSTS_H

#define MODEL_COST_BASE      (16ull << 20) /* process, engine, output buffers */
#define MODEL_COST_DEVICE    1536ull       /* a device with its stack and maps (measured 740) */
#define MODEL_COST_PORT      192ull  /* a port (measured 103) or interface (176 on a router) */
#define MODEL_COST_LINK      1280ull /* a link, its queues, the traffic it carries */
#define MODEL_COST_PING_SLOT 16ull   /* ping: send time and answered flag per request */

#endif
