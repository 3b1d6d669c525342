/*
 * The hw platform's machine: QEMU booting the Gneiss kernel with the boot directory as modules.
 *
 * A boot directory on hw is booted as multiboot modules, in a fixed order: the scenario's binaries
 * in the order the scenario lists them, then every other regular file sorted by name (config and
 * the ROMs). Each module's command line is its file name, which the kernel takes as the module's
 * name, so names are restricted to [A-Za-z0-9._+-] (QEMU separates -initrd modules with commas
 * and arguments with spaces, GRUB's config has its own quoting). Either QEMU loads the kernel and
 * the modules itself (-kernel and -initrd, with the boot directory as QEMU's working directory),
 * or the run tool builds a GRUB rescue ISO in the boot directory's hidden `.iso/` and QEMU boots
 * that from its CD-ROM drive. Both run headless with COM1 on stdout (COM2 exists, on a null
 * line), no reboot, and the isa-debug-exit device through which the kernel reports its exit
 * value (see platform/hw/kernel/exit.h for the encoding this file undoes). A scenario with
 * `keys` lines adds a QMP server on a socket in the boot directory (qmp.h).
 */
#ifndef GNEISS_TOOL_QEMU_H
#define GNEISS_TOOL_QEMU_H

#include <limits.h>

#include "child.h"
#include "scenario.h"

enum {
	GN_QEMU_MODULES_MAX = 32, /* what the kernel accepts (HW_MB_MODULES_MAX) */
	GN_QEMU_ARGV_MAX = 32,
	GN_QEMU_MEMORY_MIB = 128,
};

typedef struct {
	char qemu[PATH_MAX];                             /* qemu-system-x86_64 found on PATH */
	char modules[GN_QEMU_MODULES_MAX][NAME_MAX + 1]; /* in boot order */
	size_t module_count;
	char initrd[GN_QEMU_MODULES_MAX * (NAME_MAX + 1)]; /* -initrd's argument */
	char smp[16];                                      /* -smp's argument */
	char iso[PATH_MAX];                                /* the ISO, when booting one */
	char const *argv[GN_QEMU_ARGV_MAX]; /* QEMU's command line, NULL-terminated */
} gn_qemu_t;

/*
 * Prepares q to boot the boot directory boot_dir of sc with the kernel image at kernel: finds
 * QEMU, lists the modules, builds the ISO when sc says `boot iso`, and assembles the command line.
 * Errors: GN_ERR_NOT_FOUND (QEMU or GRUB's tools are not installed; why names the Debian package),
 * GN_ERR_INVALID_ARG (a module name the hw platform cannot pass, too many modules), GN_ERR_IO;
 * why says which.
 */
gn_err_t gn_qemu_prepare(gn_qemu_t *q, gn_scenario_t const *sc, char const *boot_dir,
	char const *kernel, char *why, size_t why_size) GN_MUST_CHECK;

/*
 * Turns how QEMU ended into how the kernel ended. True when the kernel exited through
 * isa-debug-exit (*kernel gets its exit value); false when QEMU ended otherwise (reset or triple
 * fault, QEMU's own failure, a signal), with why describing it.
 */
bool gn_qemu_kernel_status(
	gn_child_status_t qemu, gn_child_status_t *kernel, char *why, size_t why_size);

#endif
