/*
 * The main thread of a program on hw: its thread-local block, the boot endpoint in the capability
 * table, main(), and the end of the domain.
 */
#include <gneiss/string.h>
#include <gn_platform.h>

#include "hw_lib.h"
#include "hw_rt.h"

enum {
	EXIT_NO_TLS = 125,
	EXIT_NO_BOOT_EP = 126,
};

GN_NORETURN void hw_rt_start(hw_utcb_t *utcb);

static hw_tls_t main_tls;
static gn_cap_t boot_ep;
static hw_boot_table_t boot_table; /* magic 0: none */

gn_err_t hw_tls_activate(hw_tls_t *t)
{
	t->self = t;
	t->trace = &gn_trace_off;
	return hw_err(hw_syscall4(HW_SYS_FS_BASE, (uint64_t)t, 0, 0, 0));
}

void gn_platform_exit(int value)
{
	for (;;)
		(void)hw_syscall4(HW_SYS_EXIT, (uint64_t)(int64_t)value, 0, 0, 0);
}

gn_cap_t hw_rt_boot_ep(void)
{
	return boot_ep;
}

hw_boot_table_t const *hw_rt_boot_table(void)
{
	return boot_table.magic == HW_BOOT_MAGIC ? &boot_table : NULL;
}

/* Only the root's UTCB starts with the table; anyone else's is zero. */
static void keep_boot_table(hw_utcb_t const *utcb)
{
	hw_boot_table_t const *t = (hw_boot_table_t const *)(void const *)utcb->msg;

	if (t->magic != HW_BOOT_MAGIC || t->count > HW_BOOT_MODULES)
		return;
	gn_memcpy(&boot_table, t, sizeof(boot_table));
	for (unsigned i = 0; i < HW_BOOT_MODULES; i++) /* terminated, whatever the kernel wrote */
		boot_table.modules[i].name[HW_BOOT_NAME - 1] = 0;
}

void hw_rt_start(hw_utcb_t *utcb)
{
	keep_boot_table(utcb);
	main_tls.utcb = utcb;
	main_tls.thread_cap = HW_CAP_THREAD;
	main_tls.prio = HW_PRIO_MAX; /* the kernel starts every boot program there */
	if (hw_tls_activate(&main_tls) != GN_OK)
		gn_platform_exit(EXIT_NO_TLS);
	if (hw_cap_enter(HW_CAP_BOOT_EP, &boot_ep) != GN_OK)
		gn_platform_exit(EXIT_NO_BOOT_EP);
	gn_platform_exit(main());
}
