/*
 * test_runner_resources: the memory estimate adds up its parts exactly
 * (docs/cli.md, "Bounds"), and the default event bound grows with the
 * topology while an explicit --max-events, 0 included, is kept as given.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "runner/resources.h"

/* Two hosts of one interface on a switch of 4 ports, two links, a ping of 10. */
static void test_estimate_parts(void **state) {
    (void)state;
    model_device devices[3] = {{.n_ifaces = 1}, {.n_ifaces = 1}, {.n_ifaces = 4}};
    model_link links[2] = {0};
    model_action ping = {.kind = ACTION_PING};
    ping.u.ping.count = 10;
    model_topology t = {.devices = devices,
                        .n_devices = 3,
                        .links = links,
                        .n_links = 2,
                        .actions = &ping,
                        .n_actions = 1};
    resources_estimate e;
    resources_estimate_of(&t, &e);
    assert_int_equal(e.base, 16u << 20);
    assert_int_equal(e.devices, 3 * 1536);
    assert_int_equal(e.ports, 6 * 192);
    assert_int_equal(e.links, 2 * 1280);
    assert_int_equal(e.files, 0);
    assert_int_equal(e.apps, 10 * 16);
    assert_int_equal(e.total, (16u << 20) + 3 * 1536 + 6 * 192 + 2 * 1280 + 160);
}

static void test_check_names_largest_part(void **state) {
    (void)state;
    model_device devices[1] = {{.n_ifaces = 65535}};
    model_topology t = {.source = "big.json", .devices = devices, .n_devices = 1};
    ns_error err = {0};
    assert_int_equal(resources_check(&t, 0, &err), 0);          /* 0: no limit */
    assert_int_equal(resources_check(&t, 1ull << 30, &err), 0); /* 28 MiB fits in 1 GiB */
    assert_int_equal(resources_check(&t, 20u << 20, &err), NS_ERR_NOMEM);
    assert_string_equal(err.message,
                        "big.json: the run would need about 29 MiB of memory (netsim itself: 16 "
                        "MiB), more than the limit of 20 MiB; make the topology smaller or raise "
                        "--max-memory");
}

static void test_max_events(void **state) {
    (void)state;
    model_topology small = {.n_devices = 1000}, large = {.n_devices = 1010101};
    /* The default: 100,000,000 until 250 a device is more (400,000 devices). */
    assert_int_equal(resources_max_events(&small, RESOURCES_EVENTS_DEFAULT), 100000000u);
    assert_int_equal(resources_max_events(&large, RESOURCES_EVENTS_DEFAULT), 252525250u);
    model_topology edge = {.n_devices = 400000}, above = {.n_devices = 400001};
    assert_int_equal(resources_max_events(&edge, RESOURCES_EVENTS_DEFAULT), 100000000u);
    assert_int_equal(resources_max_events(&above, RESOURCES_EVENTS_DEFAULT), 100000250u);
    /* Given: kept, whatever the topology; 0 is no limit. */
    assert_int_equal(resources_max_events(&large, 4), 4);
    assert_int_equal(resources_max_events(&large, 0), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_estimate_parts),
        cmocka_unit_test(test_check_names_largest_part),
        cmocka_unit_test(test_max_events),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
