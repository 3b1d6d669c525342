/*
 * The ds scenario: RAM dataspaces charged exactly (page-rounded size and one capability each),
 * refunded exactly, refused beyond the quota without changing anything, and shared with another
 * component that writes into them.
 */
#include <gneiss/dataspace.h>
#include <gneiss/env.h>
#include <gneiss/log.h>
#include <gneiss/pd_session.h>
#include <gneiss/region_map.h>

#include "test_check.h"
#include "test_rpc.h"

gn_env_t *test_env;

enum {
	PAGE = 4096,
	MAX_DS = 64
};

static gn_pd_quota_res_t quota(void)
{
	gn_pd_quota_res_t q;
	gn_rpc_void_t none = {0};

	TEST_OK(gn_pd_session_quota(test_env->pd, &none, &q, NULL, NULL));
	return q;
}

static gn_cap_t alloc(uint64_t size, uint64_t *charged)
{
	gn_pd_alloc_ram_res_t res;
	gn_cap_t ds;

	TEST_OK(gn_pd_session_alloc_ram(
		test_env->pd, &(gn_pd_alloc_ram_args_t){size}, &res, NULL, &ds));
	*charged = res.size;
	return ds;
}

static void release(gn_cap_t ds)
{
	gn_rpc_void_t none = {0};

	TEST_OK(gn_pd_session_free_ram(test_env->pd, &none, &none, &ds, NULL));
	gn_cap_drop(ds);
}

static void exact_accounting(void)
{
	static uint64_t const sizes[] = {1, PAGE, PAGE + 1, 5000, 1024 * 1024};
	gn_cap_t ds[GN_ARRAY_SIZE(sizes)];
	gn_pd_quota_res_t const before = quota();
	uint64_t expect = 0;

	for (unsigned i = 0; i < GN_ARRAY_SIZE(sizes); i++) {
		uint64_t charged;
		ds[i] = alloc(sizes[i], &charged);
		TEST_CHECK(charged == (sizes[i] + PAGE - 1) / PAGE * PAGE);
		expect += charged;
		size_t size;
		TEST_OK(gn_ds_size(ds[i], &size));
		TEST_CHECK(size == charged);
	}
	gn_pd_quota_res_t const used = quota();
	TEST_CHECK(used.ram_used - before.ram_used == expect);
	TEST_CHECK(used.cap_used - before.cap_used == GN_ARRAY_SIZE(sizes));
	gn_log("accounting: %u dataspaces charged %llu bytes and %u caps, exactly",
		(unsigned)GN_ARRAY_SIZE(sizes), (unsigned long long)expect,
		(unsigned)GN_ARRAY_SIZE(sizes));
	for (unsigned i = 0; i < GN_ARRAY_SIZE(sizes); i++)
		release(ds[i]);
	gn_pd_quota_res_t const after = quota();
	TEST_CHECK(after.ram_used == before.ram_used && after.cap_used == before.cap_used);
	gn_log("accounting: freeing refunded every byte and cap");
}

static void exhaustion(void)
{
	gn_pd_quota_res_t const q = quota();
	uint64_t const left = q.ram_quota - q.ram_used;
	gn_rpc_void_t none = {0};
	gn_pd_alloc_ram_res_t res;
	gn_cap_t ds = GN_CAP_INVALID, big;
	uint64_t charged;

	TEST_EXPECT(gn_pd_session_alloc_ram(
			    test_env->pd, &(gn_pd_alloc_ram_args_t){left + PAGE}, &res, NULL, &ds),
		GN_ERR_OUT_OF_RAM);
	gn_pd_quota_res_t const unchanged = quota();
	TEST_CHECK(unchanged.ram_used == q.ram_used && unchanged.cap_used == q.cap_used);
	TEST_EXPECT(gn_pd_session_alloc_ram(
			    test_env->pd, &(gn_pd_alloc_ram_args_t){0}, &res, NULL, &ds),
		GN_ERR_INVALID_ARG);
	TEST_EXPECT(gn_pd_session_alloc_ram(
			    test_env->pd, &(gn_pd_alloc_ram_args_t){~0ull}, &res, NULL, &ds),
		GN_ERR_INVALID_ARG);

	big = alloc(left, &charged); /* every remaining byte is usable... */
	TEST_CHECK(quota().ram_used == q.ram_quota);
	TEST_EXPECT(gn_pd_session_alloc_ram(
			    test_env->pd, &(gn_pd_alloc_ram_args_t){1}, &res, NULL, &ds),
		GN_ERR_OUT_OF_RAM); /* ...and not one more */
	release(big);
	TEST_EXPECT(gn_pd_session_free_ram(test_env->pd, &none, &none, &test_env->log, NULL),
		GN_ERR_INVALID_CAP);
	gn_log("exhaustion: %llu bytes left were allocatable, one page more was refused",
		(unsigned long long)left);
}

static void sharing(void)
{
	gn_rpc_void_t none = {0};
	gn_cap_t session, ds;
	uint32_t id;
	uint64_t charged;
	void *addr;
	size_t size;
	bool writable;

	TEST_OK(gn_session(
		test_env, "Test", "ram_quota=8K, cap_quota=3, label=\"\"", &session, &id));
	ds = alloc(64 * 1024, &charged);
	TEST_OK(gn_ds_attach(ds, &addr, &size, &writable));
	TEST_CHECK(writable && size == 64 * 1024);
	for (size_t i = 0; i < size; i++)
		TEST_CHECK(((uint8_t *)addr)[i] == 0);
	TEST_OK(test_rpc_session_fill(session, &(test_rpc_fill_args_t){0x5a}, &none, &ds, NULL));
	for (size_t i = 0; i < size; i++)
		TEST_CHECK(((uint8_t *)addr)[i] == 0x5a);
	gn_log("sharing: the server's writes to a %zu-byte dataspace are visible here", size);
	gn_ds_detach(addr, size);
	release(ds);
	gn_session_close(test_env, id, session);
}

static void region_map(void)
{
	uint64_t charged;
	gn_cap_t ds = alloc(16 * PAGE, &charged);
	unsigned const regions = gn_rm_count();
	void *whole, *window, *again, *start;
	size_t size;
	bool writable;

	TEST_OK(gn_rm_attach(ds, &(gn_rm_attach_args_t){.writable = true}, &whole));
	TEST_OK(gn_rm_attach(ds, &(gn_rm_attach_args_t){PAGE, 2 * PAGE, NULL, true}, &window));
	((uint8_t *)window)[0] = 0xa5;
	((uint8_t *)window)[PAGE + 7] = 0x5a;
	TEST_CHECK(((uint8_t *)whole)[PAGE] == 0xa5 && ((uint8_t *)whole)[2 * PAGE + 7] == 0x5a);
	TEST_OK(gn_rm_lookup((uint8_t *)window + PAGE + 7, &start, &size, &writable));
	TEST_CHECK(start == window && size == 2 * PAGE && writable);
	gn_log("region map: a 2-page window at offset 1 page aliases the whole attachment");

	TEST_OK(gn_rm_detach(window));
	TEST_EXPECT(gn_rm_attach(ds, &(gn_rm_attach_args_t){0, PAGE, whole, true}, &again),
		GN_ERR_EXISTS);
	TEST_OK(gn_rm_detach(whole));
	TEST_OK(gn_rm_attach(ds, &(gn_rm_attach_args_t){0, 0, whole, false}, &again));
	TEST_CHECK(again == whole && ((uint8_t *)again)[PAGE] == 0xa5);
	TEST_OK(gn_rm_lookup(again, &start, &size, &writable));
	TEST_CHECK(size == 16 * PAGE && !writable);
	gn_log("region map: fixed placement works, never over an existing region, read-only kept");

	TEST_EXPECT(gn_rm_attach(ds, &(gn_rm_attach_args_t){1, 0, NULL, true}, &window),
		GN_ERR_INVALID_ARG);
	TEST_EXPECT(
		gn_rm_attach(ds, &(gn_rm_attach_args_t){15 * PAGE, 2 * PAGE, NULL, true}, &window),
		GN_ERR_INVALID_ARG);
	TEST_EXPECT(gn_rm_attach(ds, &(gn_rm_attach_args_t){16 * PAGE, 0, NULL, true}, &window),
		GN_ERR_INVALID_ARG);
	TEST_EXPECT(gn_rm_attach(test_env->log, &(gn_rm_attach_args_t){.writable = true}, &window),
		GN_ERR_INVALID_CAP);
	TEST_EXPECT(gn_rm_detach((uint8_t *)again + PAGE), GN_ERR_NOT_FOUND);
	TEST_OK(gn_rm_detach(again));
	TEST_CHECK(gn_rm_count() == regions);
	release(ds);
	gn_log("region map: bad windows and foreign capabilities refused, nothing left attached");
}

void gn_component_construct(gn_env_t *env)
{
	test_env = env;
	exact_accounting();
	exhaustion();
	sharing();
	region_map();
	gn_exit(env, 0);
}
