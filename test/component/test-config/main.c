/*
 * The config_rom scenario's component: reads its "config" ROM (its inline <config> node, served
 * by init), logs what it found, and exits with the value the config names, which init propagates.
 */
#include <gneiss/dataspace.h>
#include <gneiss/env.h>
#include <gneiss/log.h>
#include <gneiss/rom_session.h>
#include <gneiss/xml.h>

#include "test_check.h"

gn_env_t *test_env;

void gn_component_construct(gn_env_t *env)
{
	gn_rpc_void_t none = {0};
	gn_rom_dataspace_res_t info;
	gn_cap_t rom, ds;
	uint32_t id;
	void *addr;
	size_t size;
	bool writable;
	gn_xml_node_t config, item;
	char greeting[64];
	uint64_t exit_value = 0;
	unsigned items = 0;

	test_env = env;
	/* a small first donation: a big config makes the library raise it */
	TEST_OK(gn_session(env, "ROM", "ram_quota=4K, cap_quota=2, label=\"config\"", &rom, &id));
	TEST_OK(gn_rom_session_dataspace(rom, &none, &info, NULL, &ds));
	TEST_OK(gn_ds_attach(ds, &addr, &size, &writable));
	TEST_OK(gn_xml_parse(addr, info.size, &config, NULL));
	TEST_CHECK(gn_xml_has_type(&config, "config"));
	TEST_OK(gn_xml_attr_str(&config, "greeting", greeting, sizeof(greeting)));
	TEST_OK(gn_xml_attr_u64(&config, "exit", 0, &exit_value));
	for (bool more = gn_xml_first_sub_type(&config, "item", &item); more;
		more = gn_xml_next_type(&item, "item", &item))
		items++;
	gn_log("config of %llu bytes: greeting \"%s\", %u items", (unsigned long long)info.size,
		greeting, items);
	gn_ds_detach(addr, size);
	gn_cap_drop(ds);
	gn_session_close(env, id, rom);
	gn_exit(env, (int)exit_value);
}
