/*
 * What core on hw and the components it starts agree on (not the kernel's ABI: hw_syscall.h).
 *
 * Core creates each component's domain empty (HW_SYS_PD_CREATE), maps its ELF segments and the
 * main thread's stack, gives it its environment's capabilities in fixed slots (HW_SYS_CAP_GIVE) and
 * starts its first thread at the ELF entry with RSP = HW_COMPONENT_STACK_TOP - 16; the word at
 * HW_COMPONENT_STACK_TOP - 8 holds the thread's kernel priority. The component's runtime
 * (platform/hw/lib/component_start.c) takes the slots as the parent, PD, CPU and LOG capabilities,
 * as the linux runtime takes descriptors 0 to 3.
 *
 * The address space of a component: its image from 4 MiB (platform/hw/test/user.ld), the region
 * map's window for attached dataspaces and thread stacks [HW_RM_BASE, HW_RM_END), the main stack
 * with a guard page below it, then the kernel's UTCBs from HW_UTCB_BASE.
 */
#ifndef GNEISS_HW_COMPONENT_H
#define GNEISS_HW_COMPONENT_H

#include <hw_syscall.h>

enum {
	/* slot 0: the domain itself, as the kernel fills it for every domain */
	HW_CAP_MAIN_THREAD =
		HW_CAP_THREAD,          /* slot 1: the main thread (WAKE), as for boot programs */
	HW_CAP_PARENT = HW_CAP_BOOT_EP, /* slot 2: the parent capability (call only) */
	HW_CAP_PD_SESSION = 3,
	HW_CAP_CPU_SESSION = 4,
	HW_CAP_LOG_SESSION = 5,
	HW_COMPONENT_CAPS = 6, /* slots core fills: 0 .. 5 */

	HW_COMPONENT_STACK_SIZE = 256 * 1024, /* the main thread's */
};

#define HW_COMPONENT_STACK_TOP (HW_UTCB_BASE - 0x1000UL) /* a page short of the UTCBs */
#define HW_RM_BASE 0x0000000100000000UL                  /* 4 GiB, far above any image */
#define HW_RM_END (HW_COMPONENT_STACK_TOP - HW_COMPONENT_STACK_SIZE - 0x100000UL)

#endif
