/*
 * hw-root-spawn: the root of hw_root_spawn. The kernel started only it (the scenario's hw-start
 * module names it alone) and handed it every boot module as a read-only memory object with a
 * table in its first UTCB. It starts hw-spawn-server and hw-spawn-client from their modules in
 * user space (lib/spawn.c: ELF checks, memory objects per segment, mappings with the segments'
 * rights, a stack, a thread), giving the server an endpoint it may receive on (slot 2) and the
 * client a badged call-only copy of it (slot 2). It waits until both have exited, drops what it
 * created and exits; the kernel then finds every frame free.
 */
#include "spawn.h"

#define MAP_VA 0x100000000UL /* 16 MiB of the user half for temporary mappings */

enum {
	BADGE = 0x5eed,
	PRIO = HW_PRIO_MAX - 1,
	WAIT_MS = 5000,
};

static unsigned failed;

static void check(char const *what, int64_t r)
{
	out("%s: %s", what, result_name(r));
	failed += r < 0;
}

static void list_modules(void)
{
	out("boot table: %lu modules", boot_table.count);
	for (uint64_t i = 0; i < boot_table.count; i++) {
		hw_boot_module_t const *m = &boot_table.modules[i];
		out("  module %lu '%s': %lu bytes in slot %lu, cap_info 0x%lx, %s", i, m->name,
			m->size, m->slot, (uint64_t)sys_cap_info(m->slot),
			m->started ? "started by the kernel" : "left to me");
	}
}

static bool start(char const *name, uint64_t cap, uint64_t rights, spawn_t *s)
{
	hw_boot_module_t const *mod = spawn_module(name);
	spawn_gift_t gift = {.cap = cap, .slot = HW_CAP_BOOT_EP, .rights = rights};
	char const *why = "";
	int64_t r = mod ? spawn(mod, PRIO, &gift, 1, MAP_VA, s, &why) : -GN_ERR_NOT_FOUND;

	out("started '%s' from its module: %s%s%s (%u memory objects)", name, result_name(r),
		r < 0 ? ", " : "", r < 0 ? why : "", s->mem_count);
	failed += r < 0;
	return r >= 0;
}

/* Waits until the domain of pd has ended (its capability answers REVOKED). */
static void wait_for(char const *name, uint64_t pd)
{
	unsigned ms = 0;

	while (sys_cap_info(pd) >= 0 && ms++ < WAIT_MS)
		sys_sleep(1000);
	out("'%s' has ended: %s", name, result_name(sys_cap_info(pd)));
	failed += sys_cap_info(pd) != -GN_ERR_REVOKED;
}

int main(void)
{
	spawn_t server, client;
	int64_t ep, badged;

	if (!spawn_read_boot_table()) {
		out("no boot table");
		return 1;
	}
	list_modules();
	ep = sys_ep_create();
	badged = sys_cap_mint((uint64_t)ep, HW_RIGHT_CALL, BADGE);
	out("endpoint in slot %ld, a copy badged 0x%x in slot %ld (cap_info 0x%lx)", ep, BADGE,
		badged, (uint64_t)sys_cap_info((uint64_t)badged));
	if (ep < 0 || badged < 0)
		return 1;
	if (!start("hw-spawn-server", (uint64_t)ep, HW_RIGHT_CALL | HW_RIGHT_RECV, &server) ||
		!start("hw-spawn-client", (uint64_t)badged, HW_RIGHT_CALL, &client))
		return 1;
	wait_for("hw-spawn-client", client.pd);
	wait_for("hw-spawn-server", server.pd);
	spawn_drop(&client);
	spawn_drop(&server);
	check("drop the badged copy", sys_cap_drop((uint64_t)badged));
	check("drop the endpoint", sys_cap_drop((uint64_t)ep));
	out("%u checks failed", failed);
	return failed ? 1 : 0;
}
