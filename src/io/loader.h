/*
 * io/loader.h: the topology reader moved to src/reader (reader/reader.h).
 * This forwarding header only keeps src/runner/run.c building until it
 * includes reader/reader.h; then it goes. Nothing new should include it.
 */
#include "reader/reader.h"
