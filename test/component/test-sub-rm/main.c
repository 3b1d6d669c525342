/*
 * The sub_rm scenario's component (after Genode's test/sub_rm): a region map filled with
 * attachments of one RAM dataspace at offsets, attached as a managed dataspace and read and
 * written through; the same region map attached inside another one and seen through that; the
 * refusals (beyond the map, overlapping, cycles, too deep, a PD that is not the caller's, no
 * dataspace); a detach that takes the memory away from both views, a touch there that becomes a
 * fault of the inner map, and the attach that lets it continue.
 * Managed dataspaces need a kernel that lets core map into the component (hw); on linux the
 * scenario does not run.
 */
#include <gneiss/dataspace.h>
#include <gneiss/env.h>
#include <gneiss/log.h>
#include <gneiss/pd_session.h>
#include <gneiss/region_map.h>
#include <gneiss/rm_session.h>
#include <gneiss/signal.h>
#include <gneiss/string.h>
#include <gneiss/thread.h>

#include "test_check.h"

gn_env_t *test_env;

enum {
	PAGE = 4096,
	SUB_SIZE = 1024 * 1024,
	TOP_SIZE = 2 * SUB_SIZE,
	DS_SIZE = 4 * PAGE,
	AT_1 = PAGE,
	AT_2 = 0x40000,
	AT_3 = 0x80000,
	AT_4 = 0xc0000,
	SUB_IN_TOP = 0x100000,
};

static char const pattern_1[] = "Pattern to verify dataspace content";
static char const pattern_2[] = "A second pattern to verify dataspace content";
static char const written[] = "written through the managed dataspace";

static gn_rpc_void_t none;

static struct {
	gn_cap_t rm, sub, top, sig, done, ds;
	char *sub_base, *top_base, *direct;
	gn_thread_t toucher;
} t;

static gn_cap_t create(uint64_t size)
{
	gn_cap_t map;

	TEST_OK(gn_rm_session_create(
		t.rm, &(gn_rm_session_create_args_t){size}, &none, NULL, &map));
	return map;
}

static gn_cap_t managed(gn_cap_t map)
{
	gn_cap_t ds;

	TEST_OK(gn_region_map_dataspace(map, &none, &none, NULL, &ds));
	return ds;
}

static gn_err_t attach_at(gn_cap_t map, gn_cap_t ds, uint64_t at, uint64_t offset, uint64_t size)
{
	gn_region_map_attach_args_t const a = {size, offset, at, 1, 1, {0}};
	gn_region_map_attach_res_t res;
	gn_err_t const err = gn_region_map_attach(map, &a, &res, &ds, NULL);

	TEST_CHECK(err != GN_OK || res.at == at);
	return err;
}

static char *attach_locally(gn_cap_t ds)
{
	void *at;

	TEST_OK(gn_rm_attach(ds, &(gn_rm_attach_args_t){.writable = true}, &at));
	return at;
}

static void check(char const *at, char const *pattern)
{
	TEST_CHECK(gn_strcmp(at, pattern) == 0);
}

static void populate(void)
{
	gn_pd_alloc_ram_res_t res;

	TEST_OK(gn_pd_session_alloc_ram(
		test_env->pd, &(gn_pd_alloc_ram_args_t){DS_SIZE}, &res, NULL, &t.ds));
	t.direct = attach_locally(t.ds);
	gn_memcpy(t.direct, pattern_1, sizeof(pattern_1));
	gn_memcpy(t.direct + PAGE, pattern_2, sizeof(pattern_2));

	TEST_OK(attach_at(t.sub, t.ds, AT_1, 0, 0));
	t.sub_base = attach_locally(managed(t.sub));
	check(t.sub_base + AT_1, pattern_1);
	TEST_OK(attach_at(t.sub, t.ds, AT_2, 0, 0));
	check(t.sub_base + AT_2, pattern_1);
	gn_log("sub rm: the dataspace attached at 0x1000 and 0x40000 shows its pattern at both");
	TEST_OK(attach_at(t.sub, t.ds, AT_3, PAGE, 0));
	check(t.sub_base + AT_3, pattern_2);
	TEST_OK(attach_at(t.sub, t.ds, AT_4, PAGE, 2 * PAGE));
	check(t.sub_base + AT_4, pattern_2);
	gn_log("sub rm: attachments with an offset, and with an offset and a size, show page 1");
	gn_memcpy(t.sub_base + AT_2 + 100, written, sizeof(written));
	check(t.direct + 100, written);
	check(t.sub_base + AT_1 + 100, written);
	gn_log("sub rm: a write through one view reaches the dataspace and the other view");
}

static void refusals(void)
{
	gn_cap_t const sub_ds = managed(t.sub), top_ds = managed(t.top);

	TEST_EXPECT(attach_at(t.sub, t.ds, SUB_SIZE - PAGE, 0, 0), GN_ERR_INVALID_ARG);
	TEST_EXPECT(attach_at(t.sub, t.ds, SUB_SIZE, 0, PAGE), GN_ERR_INVALID_ARG);
	TEST_EXPECT(attach_at(t.sub, t.ds, AT_1 + PAGE, 0, 0), GN_ERR_EXISTS);
	TEST_EXPECT(attach_at(t.sub, t.ds, AT_1 - PAGE, 0, 2 * PAGE), GN_ERR_EXISTS);
	TEST_EXPECT(attach_at(t.sub, t.ds, 0x100, 0, 0), GN_ERR_INVALID_ARG);
	TEST_EXPECT(attach_at(t.sub, t.ds, 0x200000 - PAGE, DS_SIZE, 0), GN_ERR_INVALID_ARG);
	TEST_EXPECT(attach_at(t.sub, test_env->log, 0x200000, 0, 0), GN_ERR_INVALID_CAP);
	gn_log("refused: beyond the map, overlapping, unaligned, beyond the dataspace, no "
	       "dataspace");

	TEST_EXPECT(attach_at(t.sub, sub_ds, 0x400000 - PAGE, 0, PAGE), GN_ERR_INVALID_ARG);
	TEST_EXPECT(attach_at(t.sub, sub_ds, 0xe0000, 0, PAGE), GN_ERR_DENIED);
	TEST_EXPECT(attach_at(t.sub, top_ds, 0xe0000, 0, PAGE), GN_ERR_DENIED);
	gn_cap_t const m3 = create(4 * SUB_SIZE), m4 = create(8 * SUB_SIZE);
	gn_cap_t const m5 = create(16 * SUB_SIZE);
	TEST_OK(attach_at(m3, top_ds, 0, 0, 0));
	TEST_OK(attach_at(m4, managed(m3), 0, 0, 0));
	TEST_EXPECT(attach_at(m5, managed(m4), 0, 0, 0), GN_ERR_LIMIT);
	TEST_EXPECT(gn_rm_session_create(t.rm, &(gn_rm_session_create_args_t){PAGE}, &none, NULL,
			    &(gn_cap_t){0}),
		GN_ERR_OUT_OF_RAM);
	gn_log("refused: a region map inside itself, a cycle, nesting deeper than %u, beyond the "
	       "session's quota",
		(unsigned)GN_RM_DEPTH_MAX);

	/* the runtime passes its own PD; core checks what it gets */
	gn_managed_ds_back_args_t const good = {
		(uintptr_t)t.sub_base + 0x10000000, 0, PAGE, 1, {0}};
	gn_managed_ds_back_args_t low = good;
	gn_cap_t other;
	uint32_t id;
	low.va = 0x10000;
	TEST_EXPECT(
		gn_managed_ds_back(sub_ds, &good, &none, &test_env->log, NULL), GN_ERR_INVALID_CAP);
	TEST_EXPECT(
		gn_managed_ds_back(sub_ds, &low, &none, &test_env->pd, NULL), GN_ERR_INVALID_ARG);
	TEST_OK(gn_session(
		test_env, "PD", "ram_quota=64K, cap_quota=4, label=\"other\"", &other, &id));
	TEST_EXPECT(gn_managed_ds_back(sub_ds, &good, &none, &other, NULL), GN_ERR_DENIED);
	TEST_EXPECT(gn_managed_ds_unback(sub_ds, &(gn_managed_ds_unback_args_t){good.va}, &none,
			    &test_env->pd, NULL),
		GN_ERR_NOT_FOUND);
	gn_session_close(test_env, id, other);
	gn_log("refused: a window backed for a LOG session, outside the component's window, for a "
	       "PD without a program");
	gn_rpc_void_t const *d = &none;
	TEST_OK(gn_rm_session_destroy(t.rm, d, &none, &m5, NULL));
	TEST_OK(gn_rm_session_destroy(t.rm, d, &none, &m4, NULL));
	TEST_OK(gn_rm_session_destroy(t.rm, d, &none, &m3, NULL));
}

static void nested(void)
{
	TEST_OK(attach_at(t.top, managed(t.sub), SUB_IN_TOP, 0, 0));
	t.top_base = attach_locally(managed(t.top));
	check(t.top_base + SUB_IN_TOP + AT_1, pattern_1);
	check(t.top_base + SUB_IN_TOP + AT_3, pattern_2);
	gn_memcpy(t.top_base + SUB_IN_TOP + AT_4 + 200, written, sizeof(written));
	check(t.sub_base + AT_3 + 200, written);
	check(t.direct + PAGE + 200, written);
	gn_log("nested: the sub rm inside a region map of %u bytes shows the same memory",
		(unsigned)TOP_SIZE);
}

/*
 * The thread's touch of the detached place waits until the handler (on the entrypoint) attached
 * it again; then it tells the entrypoint it is done.
 */
static void toucher(void *arg)
{
	(void)arg;
	check(t.top_base + SUB_IN_TOP + AT_2, pattern_1);
	TEST_OK(gn_signal_submit(t.done, 1));
}

static void on_fault(void *ctx, uint64_t count)
{
	gn_region_map_state_res_t sub, top;

	(void)ctx;
	(void)count;
	TEST_OK(gn_region_map_state(t.sub, &none, &sub, NULL, NULL));
	TEST_OK(gn_region_map_state(t.top, &none, &top, NULL, NULL));
	if (sub.type == GN_RM_FAULT_NONE)
		return;
	TEST_CHECK(sub.type == GN_RM_FAULT_READ && sub.addr == AT_2);
	TEST_CHECK(top.type == GN_RM_FAULT_NONE);
	gn_log("fault: READ at 0x%llx of the sub rm, none of the outer one",
		(unsigned long long)sub.addr);
	TEST_OK(attach_at(t.sub, t.ds, AT_2, 0, 0));
}

static void finish(void *ctx, uint64_t count)
{
	(void)ctx;
	(void)count;
	TEST_OK(gn_thread_join(&t.toucher));
	unsigned const regions = gn_rm_count();
	gn_log("fault: the thread continued after the attach");
	TEST_OK(gn_rm_detach(t.top_base));
	TEST_OK(gn_rm_detach(t.sub_base));
	TEST_OK(gn_rm_session_destroy(t.rm, &none, &none, &t.top, NULL));
	TEST_OK(gn_rm_session_destroy(t.rm, &none, &none, &t.sub, NULL));
	/* destroying revoked every copy of its capability: the kernel refuses to send it */
	TEST_EXPECT(gn_rm_session_destroy(t.rm, &none, &none, &t.sub, NULL), GN_ERR_REVOKED);
	TEST_CHECK(gn_rm_count() == regions - 2);
	gn_log("detached and destroyed: both region maps gone");
	gn_exit(test_env, 0);
}

static void detach_and_fault(void)
{
	TEST_OK(gn_pd_session_alloc_signal(test_env->pd, &none, &none, NULL, &t.sig));
	TEST_OK(gn_ep_sigh(test_env->ep, t.sig, on_fault, NULL));
	TEST_OK(gn_region_map_fault_handler(t.sub, &none, &none, &t.sig, NULL));
	TEST_OK(gn_region_map_fault_handler(t.top, &none, &none, &t.sig, NULL));
	TEST_OK(gn_region_map_detach(
		t.sub, &(gn_region_map_detach_args_t){AT_2}, &none, NULL, NULL));
	TEST_EXPECT(gn_region_map_detach(
			    t.sub, &(gn_region_map_detach_args_t){AT_2}, &none, NULL, NULL),
		GN_ERR_NOT_FOUND);
	gn_log("detached 0x40000: a thread touches it through the outer map");
	TEST_OK(gn_pd_session_alloc_signal(test_env->pd, &none, &none, NULL, &t.done));
	TEST_OK(gn_ep_sigh(test_env->ep, t.done, finish, NULL));
	TEST_OK(gn_thread_create(test_env, "toucher", 16 * 1024, toucher, NULL, &t.toucher));
}

void gn_component_construct(gn_env_t *env)
{
	gn_cap_t rm;
	uint32_t id;

	test_env = env;
	TEST_OK(gn_session(env, "RM", "ram_quota=20K, cap_quota=11, label=\"\"", &rm, &id));
	t.rm = rm;
	gn_cap_t const once = create(SUB_SIZE);
	TEST_OK(gn_rm_session_destroy(rm, &none, &none, &once, NULL));
	gn_log("created and destroyed a region map");
	t.sub = create(SUB_SIZE);
	t.top = create(TOP_SIZE);
	populate();
	nested();
	refusals();
	detach_and_fault();
}
