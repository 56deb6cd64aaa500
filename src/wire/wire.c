/*
 * wire: the shared result codes of every parse function. The strings are
 * short and lower case so callers can embed them ("IPv4 (bad checksum)").
 */
#include "wire/wire.h"

const char *wire_strerror(int err) {
    switch (err) {
    case WIRE_OK:
        return "ok";
    case WIRE_ERR_TRUNCATED:
        return "truncated";
    case WIRE_ERR_MALFORMED:
        return "malformed";
    case WIRE_ERR_CHECKSUM:
        return "bad checksum";
    case WIRE_ERR_UNSUPPORTED:
        return "unsupported";
    default:
        return "unknown error";
    }
}
