/*
 * The rm_fault scenario's component (after Genode's test/rm_fault, with a thread in the child's
 * role): a region map of four pages with nothing attached is attached as a managed dataspace, and
 * a thread (the "child") touches it. Each touch stops the thread: core records the fault in the
 * region map and signals its handler, which runs on the entrypoint (the "parent"), reads the
 * fault's type and offset, attaches RAM there and so lets the thread continue:
 *   read at page 1     -> READ fault: a dataspace holding READ_VALUE is attached read-only;
 *   write at page 1    -> WRITE fault (read-only): it is attached again, writable;
 *   writes at page 2   -> WRITE fault: a second dataspace is attached;
 *   a jump to page 3   -> EXEC fault: never resolved; the handler checks what the thread wrote
 *                         (through its own attachments of the two dataspaces) and exits, which
 *                         ends the thread waiting for its fault.
 * Managed dataspaces need a kernel that lets core map into the component (hw); on linux the
 * scenario does not run.
 */
#include <gneiss/dataspace.h>
#include <gneiss/env.h>
#include <gneiss/log.h>
#include <gneiss/pd_session.h>
#include <gneiss/region_map.h>
#include <gneiss/rm_session.h>
#include <gneiss/thread.h>

#include "test_check.h"

gn_env_t *test_env;

enum {
	PAGE = 4096,
	MANAGED_SIZE = 4 * PAGE,
	VALUES = 16,
};

#define READ_VALUE 0x12345ull
#define WRITE_VALUE 0xab000ull

static struct {
	gn_cap_t map, ram_a, ram_b;
	uint64_t volatile *base; /* the managed dataspace, attached here */
	uint64_t *a, *b;         /* the two dataspaces, attached directly */
	unsigned faults;
	gn_thread_t child;
} t;

static char const *type_name(uint32_t type)
{
	return type == GN_RM_FAULT_READ    ? "READ"
	       : type == GN_RM_FAULT_WRITE ? "WRITE"
	       : type == GN_RM_FAULT_EXEC  ? "EXEC"
					   : "NONE";
}

static void child(void *arg)
{
	uint64_t volatile *page1 = t.base + PAGE / 8;
	uint64_t volatile *page2 = t.base + 2 * PAGE / 8;

	(void)arg;
	gn_log("child: reads at offset 0x1000");
	uint64_t const value = *page1;
	gn_log("child: read 0x%llx", (unsigned long long)value);
	gn_log("child: modifies at offset 0x1000");
	*page1 = value + 1;
	gn_log("child: writes %u values at offset 0x2000", (unsigned)VALUES);
	for (unsigned i = 0; i < VALUES; i++)
		page2[i] = WRITE_VALUE + i;
	gn_log("child: jumps to offset 0x3000");
	void (*code)(void) = (void (*)(void))(uintptr_t)(t.base + 3 * PAGE / 8);
	code();
	gn_error("child: executed managed memory");
}

static void attach(gn_cap_t ds, uint64_t at, bool writable)
{
	gn_region_map_attach_args_t const args = {.at = at, .use_at = 1, .writable = writable};
	gn_region_map_attach_res_t res;

	TEST_OK(gn_region_map_attach(t.map, &args, &res, &ds, NULL));
	TEST_CHECK(res.at == at && res.size == PAGE);
}

static void finish(void)
{
	TEST_CHECK(t.a[0] == READ_VALUE + 1);
	for (unsigned i = 0; i < VALUES; i++)
		TEST_CHECK(t.b[i] == WRITE_VALUE + i);
	gn_log("handler: sees 0x%llx and the %u values the child wrote", (unsigned long long)t.a[0],
		(unsigned)VALUES);
	gn_exit(test_env, 0);
}

static void on_fault(void *ctx, uint64_t count)
{
	gn_rpc_void_t const none = {0};
	gn_region_map_state_res_t st;

	(void)ctx;
	(void)count;
	TEST_OK(gn_region_map_state(t.map, &none, &st, NULL, NULL));
	if (st.type == GN_RM_FAULT_NONE)
		return; /* handled already */
	gn_log("handler: %s fault at offset 0x%llx", type_name(st.type),
		(unsigned long long)st.addr);
	switch (t.faults++) {
	case 0:
		TEST_CHECK(st.type == GN_RM_FAULT_READ && st.addr == PAGE);
		attach(t.ram_a, PAGE, false);
		break;
	case 1:
		TEST_CHECK(st.type == GN_RM_FAULT_WRITE && st.addr == PAGE);
		TEST_OK(gn_region_map_detach(t.map, &(gn_region_map_detach_args_t){PAGE},
			&(gn_rpc_void_t){0}, NULL, NULL));
		attach(t.ram_a, PAGE, true);
		break;
	case 2:
		TEST_CHECK(st.type == GN_RM_FAULT_WRITE && st.addr == 2 * PAGE);
		attach(t.ram_b, 2 * PAGE, true);
		break;
	default: TEST_CHECK(st.type == GN_RM_FAULT_EXEC && st.addr == 3 * PAGE); finish();
	}
}

static gn_cap_t ram(uint64_t **local)
{
	gn_pd_alloc_ram_res_t res;
	gn_cap_t ds;
	size_t size;
	bool writable;

	TEST_OK(gn_pd_session_alloc_ram(
		test_env->pd, &(gn_pd_alloc_ram_args_t){PAGE}, &res, NULL, &ds));
	TEST_OK(gn_ds_attach(ds, (void **)local, &size, &writable));
	return ds;
}

void gn_component_construct(gn_env_t *env)
{
	gn_rpc_void_t none = {0};
	gn_cap_t rm, sig, managed;
	uint32_t id;
	void *base;

	test_env = env;
	TEST_OK(gn_session(env, "RM", "ram_quota=16K, cap_quota=4, label=\"\"", &rm, &id));
	TEST_OK(gn_rm_session_create(
		rm, &(gn_rm_session_create_args_t){MANAGED_SIZE}, &none, NULL, &t.map));
	TEST_OK(gn_pd_session_alloc_signal(env->pd, &none, &none, NULL, &sig));
	TEST_OK(gn_ep_sigh(env->ep, sig, on_fault, NULL));
	TEST_OK(gn_region_map_fault_handler(t.map, &none, &none, &sig, NULL));
	TEST_OK(gn_region_map_dataspace(t.map, &none, &none, NULL, &managed));
	TEST_OK(gn_rm_attach(managed, &(gn_rm_attach_args_t){.writable = true}, &base));
	t.base = base;
	t.ram_a = ram(&t.a);
	t.ram_b = ram(&t.b);
	t.a[0] = READ_VALUE;
	gn_log("managed dataspace of %u bytes attached, nothing in it", (unsigned)MANAGED_SIZE);
	TEST_OK(gn_thread_create(env, "child", 16 * 1024, child, NULL, &t.child));
}
