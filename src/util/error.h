/*
 * error: the caller-supplied error record. Functions that can fail on bad input
 * return 0 or a negative NS_ERR_* code and write one complete, human-readable
 * message here; only main.c prints it.
 */
#ifndef NETSIM_UTIL_ERROR_H
#define NETSIM_UTIL_ERROR_H

#include <stddef.h>

enum {
    NS_OK = 0,
    NS_ERR_INPUT = -1, /* the topology (or an argument) is invalid */
    NS_ERR_IO = -2,    /* a file could not be read or written */
    NS_ERR_NOMEM = -3,
};

typedef struct ns_error {
    int code;
    char message[1024];
} ns_error;

/* Formats the message (printf-style) into err (if non-NULL) and returns code. */
int ns_error_set(ns_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
