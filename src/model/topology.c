/*
 * topology: freeing the model and naming its enums. The model is plain data;
 * model_free accepts a partly built model (NULL members, zeroed counts), so
 * the loader can free it on any error path.
 */
#include "model/topology.h"

#include <stdlib.h>

const char *device_type_name(device_type t) {
    switch (t) {
    case DEVICE_HOST:
        return "host";
    case DEVICE_HUB:
        return "hub";
    case DEVICE_SWITCH:
        return "switch";
    case DEVICE_ROUTER:
        return "router";
    }
    return "unknown";
}

void model_free(model_topology *t) {
    if (!t)
        return;
    for (size_t d = 0; t->devices && d < t->n_devices; d++) {
        model_device *dev = &t->devices[d];
        for (size_t i = 0; dev->ifaces && i < dev->n_ifaces; i++)
            free(dev->ifaces[i].name);
        free(dev->ifaces);
        free(dev->routes);
        free(dev->fw_rules);
        free(dev->static_arp);
        free(dev->nat.forwards);
        free(dev->nat.pins);
        free(dev->name);
    }
    free(t->devices);
    free(t->links);
    free(t->actions);
    free(t->source);
    free(t->name);
    free(t->description);
    free(t);
}
