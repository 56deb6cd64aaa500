/*
 * trace_text: the human trace, one aligned line per step:
 *
 *   time         where      action   #pkt   eth src > dst                          what why
 *   0.000000000  A.eth0     send     #1     02:00:00:00:01:01 > ff:ff:ff:ff:ff:ff  ARP
 * who-has 10.0.0.2 tell 10.0.0.1  (ARP cache miss)
 *
 * Application lines (TRACE_APP) are printed as "time  device  | text" so ping's
 * output stands out, and a shown table (TRACE_SHOW) as such lines, one per
 * line of the tool's output (sinks/show_text); TRACE_WIRE events are not shown, nor a
 * program's result that has no line (TRACE_APP with a result and no detail).
 * The exact layout is documented in docs/trace-format.md.
 */
#ifndef NETSIM_SINKS_TRACE_TEXT_H
#define NETSIM_SINKS_TRACE_TEXT_H

#include <stdio.h>

#include "trace/trace.h"

/* The text views fold repeats: when at least this many devices in a row
 * repeat the steps just printed (a broadcast reaching every host), or a
 * hop table's rows or fates repeat the one above on other links, they
 * become one line naming them all; fewer are printed as they are. */
#define TRACE_TEXT_FOLD_MIN 8

typedef struct text_sink text_sink;

/* A sink writing to `out` (borrowed; the caller closes it). `where_width` is the
 * width of the "device.port" column (the longest name in the network).
 * Returns NULL on allocation failure; caller frees with text_sink_free. */
text_sink *text_sink_new(FILE *out, int where_width);

/* The bus-facing side; valid while the text_sink lives. */
trace_sink text_sink_as_sink(text_sink *s);

/* Frees the sink (not the FILE). NULL is a no-op. */
void text_sink_free(text_sink *s);

#endif
