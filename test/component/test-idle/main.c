/*
 * A long-running child for reconfiguration tests: logs that it started, then follows its config
 * ROM, logging each version it sees (attribute "value") and its RAM quota. With a `session`
 * attribute in its first config it opens a session of that service and keeps it.
 */
#include <gneiss/dataspace.h>
#include <gneiss/env.h>
#include <gneiss/log.h>
#include <gneiss/pd_session.h>
#include <gneiss/rom_session.h>
#include <gneiss/xml.h>

#include "test_check.h"

gn_env_t *test_env;
static gn_cap_t rom;

static void config_changed(void *ctx, uint64_t count)
{
	gn_rpc_void_t none = {0};
	gn_rom_dataspace_res_t info;
	gn_pd_quota_res_t q;
	gn_cap_t ds;
	void *addr;
	size_t size;
	bool writable;
	gn_xml_node_t config;
	char value[32] = "";

	(void)ctx;
	(void)count;
	TEST_OK(gn_rom_session_dataspace(rom, &none, &info, NULL, &ds));
	TEST_OK(gn_ds_attach(ds, &addr, &size, &writable));
	TEST_OK(gn_xml_parse(addr, info.size, &config, NULL));
	if (gn_xml_has_attr(&config, "value"))
		TEST_OK(gn_xml_attr_str(&config, "value", value, sizeof(value)));
	TEST_OK(gn_pd_session_quota(test_env->pd, &none, &q, NULL, NULL));
	gn_log("config value=\"%s\", RAM quota %llu", value, (unsigned long long)q.ram_quota);
	gn_ds_detach(addr, size);
	gn_cap_drop(ds);
}

void gn_component_construct(gn_env_t *env)
{
	gn_rpc_void_t none = {0};
	gn_rom_dataspace_res_t info;
	gn_cap_t ds, sig, session;
	uint32_t id;
	void *addr;
	size_t size;
	bool writable;
	gn_xml_node_t config;
	char service[32];

	test_env = env;
	gn_log("started");
	TEST_OK(gn_session(env, "ROM", "ram_quota=8K, cap_quota=2, label=\"config\"", &rom, &id));
	TEST_OK(gn_pd_session_alloc_signal(env->pd, &none, &none, NULL, &sig));
	TEST_OK(gn_ep_sigh(env->ep, sig, config_changed, NULL));
	TEST_OK(gn_rom_session_sigh(rom, &none, &none, &sig, NULL));
	config_changed(NULL, 0);

	TEST_OK(gn_rom_session_dataspace(rom, &none, &info, NULL, &ds));
	TEST_OK(gn_ds_attach(ds, &addr, &size, &writable));
	TEST_OK(gn_xml_parse(addr, info.size, &config, NULL));
	if (gn_xml_attr_str(&config, "session", service, sizeof(service)) == GN_OK) {
		TEST_OK(gn_session(
			env, service, "ram_quota=8K, cap_quota=3, label=\"\"", &session, &id));
		gn_log("opened a %s session", service);
	}
	gn_ds_detach(addr, size);
	gn_cap_drop(ds);
}
