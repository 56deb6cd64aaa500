/*
 * wire: the shared result codes of every parse function. The strings are
 * short and lower case so callers can embed them ("IPv4 (bad checksum)").
 * They are marked N_ for the catalogue but returned in English: a frame's
 * one-line summary keeps them as tcpdump would, and an explanation translates
 * them where it shows them (_(wire_strerror(rc))).
 */
#include "wire/wire.h"
#include "util/i18n.h"

const char *wire_strerror(int err) {
    switch (err) {
    case WIRE_OK:
        return "ok";
    case WIRE_ERR_TRUNCATED:
        return N_("truncated");
    case WIRE_ERR_MALFORMED:
        return N_("malformed");
    case WIRE_ERR_CHECKSUM:
        return N_("bad checksum");
    case WIRE_ERR_UNSUPPORTED:
        return N_("unsupported");
    default:
        return N_("unknown error");
    }
}
