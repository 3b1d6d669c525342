/*
 * The kernel's address-space layout and exit codes, shared by the assembly entry and the C code.
 *
 * Virtual memory after the boot (entry.S builds it with 2 MiB pages):
 *   0 .. 4 GiB                          identity map, used only until hw_paging_init()
 *   HW_DIRECT_MAP .. + 4 GiB            all physical memory below 4 GiB (the kernel's window on it)
 *   HW_KERNEL_VMA .. + 1 GiB            the first GiB of physical memory: the kernel image lives at
 *                                       HW_KERNEL_VMA + its physical address (-mcmodel=kernel)
 * paging.c then replaces these tables with the kernel's own (4 KiB pages for the image, with the
 * permissions of its sections). The lower half belongs to the protection domains: user memory lies
 * in [HW_USER_BASE, HW_USER_END) (hw_syscall.h).
 */
#ifndef GNEISS_HW_LAYOUT_H
#define GNEISS_HW_LAYOUT_H

#ifdef __ASSEMBLER__
#define HW_UL(x) x
#else
#define HW_UL(x) x##UL
#endif

#define HW_KERNEL_VMA HW_UL(0xffffffff80000000)
#define HW_DIRECT_MAP HW_UL(0xffff800000000000)
#define HW_DIRECT_MAP_SIZE HW_UL(0x100000000)

/*
 * Exit values the kernel reports through isa-debug-exit (it writes value + 1 to port 0xf4, and
 * QEMU exits with status 2 * (value + 1) + 1, see exit.c). Values 0 .. HW_EXIT_MAX are possible.
 */
#define HW_EXIT_MAX 126
#define HW_EXIT_PANIC 120    /* a fault, an invalid boot or any other kernel panic */
#define HW_EXIT_DEADLOCK 121 /* every user thread waits for ever: nothing can run again */

#define HW_DEBUG_EXIT_PORT 0xf4
#define HW_COM1 0x3f8

#endif
