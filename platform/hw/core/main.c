/*
 * Core's boot on hw.
 *
 * The kernel starts core as the root: the only domain it starts itself (the boot directory's
 * hw-start module names core alone), with the domain factory, the boot modules as read-only memory
 * objects and the boot table (hw_syscall.h). Core keeps the ELF modules as binaries, offers the
 * others as ROM modules (`config` is init's), starts init with all of its account but a reserve and
 * serves from its entrypoint. When init ends, core ends with init's exit value, and the kernel, with
 * every domain gone, ends the machine.
 *
 * The RAM core hands out is the memory free when it started (the boot table says), less a share for
 * the page tables and UTCBs the kernel allocates outside any quota.
 */
#include <gneiss/dataspace.h>
#include <gneiss/signal.h>
#include <gneiss/string.h>

#include "core_hw.h"
#include "hw_lib.h"
#include "hw_rt.h"

enum {
	KERNEL_SHARE_MIN = 8 * GN_MIB,
	INIT_RESERVE = 2 * GN_MIB, /* what core keeps of its account for its own sessions */
	INIT_CAP_RESERVE = 100,
	/* core's entrypoint: an object per session it serves and per PD */
	CORE_EP_OBJECTS = CORE_MAX_SESSIONS + CORE_MAX_PDS,
	EXIT_SETUP = 70,
};

static gn_ep_t *ep;
static core_pd_t *init_pd;

gn_ep_t *core_ep(void)
{
	return ep;
}

void core_hw_print(char const *text, size_t len)
{
	while (len) {
		size_t const n = len < HW_PRINT_MAX ? len : HW_PRINT_MAX;
		if (hw_syscall4(HW_SYS_PRINT, (uint64_t)text, n, HW_PRINT_RAW, 0) < 0)
			return;
		text += n;
		len -= n;
	}
}

void core_platform_console_write(char const *text, size_t len)
{
	core_hw_print(text, len);
}

static GN_NORETURN void fatal(char const *what, gn_err_t err)
{
	core_log("Error: %s failed: %s", what, gn_err_name(err));
	gn_platform_exit(EXIT_SETUP);
}

static bool is_elf(gn_cap_t ds, uint64_t size)
{
	void *at;
	size_t mapped;
	bool writable, elf = false;

	if (size >= 4 && gn_ds_attach(ds, &at, &mapped, &writable) == GN_OK) {
		elf = gn_memcmp(at,
			      "\x7f"
			      "ELF",
			      4) == 0;
		gn_ds_detach(at, mapped);
	}
	return elf;
}

static void load_boot_modules(void)
{
	hw_boot_table_t const *t = hw_rt_boot_table();

	if (!t)
		fatal("reading the boot table", GN_ERR_NOT_FOUND);
	for (uint64_t i = 0; t && i < t->count; i++) { /* t: fatal() does not return */
		hw_boot_module_t const *m = &t->modules[i];
		gn_cap_t ds;
		if (m->started || gn_strcmp(m->name, "hw-start") == 0)
			continue; /* core itself, and the kernel's start list */
		gn_err_t err = hw_cap_enter(m->slot, &ds);
		if (err == GN_OK)
			err = is_elf(ds, m->size) ? core_hw_add_binary(m->name, ds, m->size)
						  : core_rom_add_module(m->name, ds, m->size);
		if (err != GN_OK)
			fatal("registering a boot module", err);
	}
}

void core_pd_program_ended(core_pd_t *pd, int code, int signal, char const *reason)
{
	(void)reason; /* spawn.c logged the exception before */
	if (signal)
		core_log("%s: ended by signal %d", pd->label, signal);
	if (pd == init_pd)
		gn_platform_exit(signal ? 128 + signal : code);
	if (pd->exception_sigh)
		gn_ignore(gn_signal_submit(pd->exception_sigh, 1));
}

static void start_init(void)
{
	core_pd_t *core = core_account();
	gn_cap_t env[3];
	gn_err_t err;

	if ((err = core_pd_create("init", core->ram_quota - core->ram_used - INIT_RESERVE,
		     core->cap_quota - core->cap_used - INIT_CAP_RESERVE, core, &init_pd)) !=
			GN_OK ||
		(err = core_parent_create(init_pd, "init", &env[0])) != GN_OK ||
		(err = core_cpu_create("init", init_pd, 0, 0, 0, &env[1])) != GN_OK ||
		(err = core_log_create("init", &env[2])) != GN_OK)
		fatal("creating init's environment", err);
	err = core_platform_start(init_pd, "init", env);
	if (err != GN_OK)
		fatal("starting init", err);
}

/*
 * What core hands out: the memory free when it started, less what the kernel takes outside any
 * quota for every domain's page tables and UTCBs (an eighth, at least 8 MiB), so that what a PD
 * was given is there when it asks.
 */
static uint64_t ram_to_hand_out(void)
{
	hw_boot_table_t const *t = hw_rt_boot_table();
	uint64_t const free = t ? t->free_bytes : 0;
	uint64_t const kernel = free / 8 > KERNEL_SHARE_MIN ? free / 8 : KERNEL_SHARE_MIN;

	if (free <= kernel + INIT_RESERVE)
		fatal("finding memory to hand out", GN_ERR_OUT_OF_RAM);
	return free - kernel;
}

int main(void)
{
	static hw_ep_object_t ep_objects[CORE_EP_OBJECTS];
	gn_err_t err = gn_ep_create(&ep);

	if (err == GN_OK)
		err = hw_ep_provide_objects(ep, ep_objects, CORE_EP_OBJECTS);
	if (err != GN_OK)
		fatal("creating core's entrypoint", err);
	core_account()->ram_quota = ram_to_hand_out();
	core_account()->cap_quota = CORE_CAPS;
	if ((err = core_hw_faults_init()) != GN_OK)
		fatal("setting up the fault handler", err);
	load_boot_modules();
	start_init();
	gn_ep_run(ep);
}
