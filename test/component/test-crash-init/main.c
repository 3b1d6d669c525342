/*
 * A parent that crashes: it starts the children of its config ROM with the sandbox library, as
 * init does, and 600 ms later dereferences NULL. The parent_crash scenario shows that its children
 * go with it.
 */
#include <gneiss/dataspace.h>
#include <gneiss/log.h>
#include <gneiss/pd_session.h>
#include <gneiss/rom_session.h>
#include <gneiss/sandbox.h>
#include <gneiss/timer_session.h>

#include "test_check.h"

gn_env_t *test_env;

static char config[8192];
static gn_timer_t timer;

static void crash(void *ctx, uint64_t count)
{
	(void)ctx;
	(void)count;
	gn_log("crashing with my children running");
	/* cppcheck-suppress nullPointer ; the crash is the point */
	*(int volatile *)0 = 1;
}

void gn_component_construct(gn_env_t *env)
{
	gn_rpc_void_t none = {0};
	gn_rom_dataspace_res_t info;
	gn_cap_t rom, ds;
	uint32_t id;
	void *addr;
	size_t size;
	bool writable;
	gn_xml_node_t node;
	gn_cap_t sig;

	test_env = env;
	TEST_OK(gn_sandbox_init(env));
	TEST_OK(gn_session(env, "ROM", "ram_quota=12K, cap_quota=2, label=\"config\"", &rom, &id));
	TEST_OK(gn_rom_session_dataspace(rom, &none, &info, NULL, &ds));
	TEST_OK(gn_ds_attach(ds, &addr, &size, &writable));
	size_t const len = info.size < size ? info.size : size;
	TEST_CHECK(len < sizeof(config));
	gn_memcpy(config, addr, len);
	TEST_OK(gn_xml_parse(config, len, &node, NULL));
	TEST_CHECK(gn_sandbox_config_valid(&node));
	gn_sandbox_apply_config(&node);
	/* the entrypoint goes on serving the children meanwhile */
	TEST_OK(gn_timer_open(env, "crash", &timer));
	TEST_OK(gn_pd_session_alloc_signal(env->pd, &none, &none, NULL, &sig));
	TEST_OK(gn_ep_sigh(env->ep, sig, crash, NULL));
	TEST_OK(gn_timer_session_sigh(timer.session.cap, &none, &none, &sig, NULL));
	TEST_OK(gn_timer_session_trigger_once(
		timer.session.cap, &(gn_timer_us_args_t){600 * 1000}, &none, NULL, NULL));
}
