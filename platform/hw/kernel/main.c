/*
 * The hw kernel's boot: from the multiboot entry (entry.S) to the first user thread.
 *
 * Invariants: the kernel lock held (smp.h) and interrupts disabled in the kernel except while a
 * CPU idles; every kernel-mode
 * exception fatal and reported (exception.c); all output on COM1. The boot information is
 * validated completely (multiboot.c) before anything depends on it; an invalid boot is a panic
 * naming the field, never a crash. Then the kernel switches to its own page tables, checks its
 * frame allocator against the reservations, starts the timer, finds the I/O APIC through ACPI
 * (ioapic.c, every line masked), and starts each boot module that is
 * an ELF program (it begins with the ELF magic) in a protection domain of its own, named after the
 * module (only those a module named hw-start lists, when there is one: the root starts the
 * others itself); a program that fails the checks is reported and not started. The root (the
 * first domain) gets every module as a read-only memory object and the boot table (mem.c). The first user thread then
 * runs, and from there on the kernel is entered only by kernel calls, faults and interrupts
 * (trap.c). With no program among the modules the kernel exits as before: core does not exist yet.
 */
#include <gneiss/fmt.h>
#include <gneiss/string.h>

#include "apic.h"
#include "cpu_setup.h"
#include "exit.h"
#include "frame.h"
#include "ioapic.h"
#include "layout.h"
#include "log.h"
#include "mem.h"
#include "multiboot.h"
#include "paging.h"
#include "pd.h"
#include "serial.h"
#include "smp.h"
#include "test_hooks.h"

void hw_kernel_main(uint32_t magic, uint32_t info_phys);
GN_NORETURN void hw_user_resume(hw_frame_t const *frame);

extern char hw_image_start[], hw_image_end[], hw_boot_stack_top[];

enum {
	FRAME_WORDS = HW_DIRECT_MAP_SIZE / HW_FRAME_SIZE / 64,
	TEXT_MAX = 4 * 64 + 1, /* an escaped string of up to 64 bytes */
	TICK_US = 1000,
	SLICE_TICKS = 10,
	START_LIST_MAX = 4096, /* bytes of the start list read */
};

/* A boot module of this name lists the ELF modules the kernel starts; the others it leaves. */
static char const START_LIST[] = "hw-start";

static hw_boot_info_t boot_info;
static hw_frames_t frames;
static uint64_t frames_used[FRAME_WORDS], frames_usable[FRAME_WORDS];
static hw_cpu_features_t features;

static char const *region_type(uint32_t type)
{
	switch (type) {
	case HW_MEM_AVAILABLE: return "available";
	case 2: return "reserved";
	case 3: return "ACPI reclaimable";
	case 4: return "ACPI NVS";
	case 5: return "defective";
	default: return "unknown type";
	}
}

static void parse_boot_info(uint32_t magic, uint32_t info_phys)
{
	hw_range_t kernel = {.base = (uint64_t)hw_image_start,
		.size = (uint64_t)(hw_image_end - HW_KERNEL_VMA) - (uint64_t)hw_image_start};
	hw_phys_reader_t reader = {.read = hw_phys_read};
	char why[HW_LOG_LINE_MAX], text[TEXT_MAX];

	if (magic != HW_MULTIBOOT_MAGIC)
		hw_panic("not started by a multiboot loader (magic 0x%x, expected 0x%x)", magic,
			HW_MULTIBOOT_MAGIC);
	if (hw_multiboot_parse(reader, info_phys, kernel, &boot_info, why, sizeof(why)) != GN_OK)
		hw_panic("invalid boot information: %s", why);
	hw_log_escape(boot_info.loader ? boot_info.loader : "(none)", 64, text, sizeof(text));
	hw_log("boot loader: %s, kernel image 0x%lx-0x%lx", text, kernel.base,
		kernel.base + kernel.size);
	hw_log_escape(boot_info.cmdline ? boot_info.cmdline : "", 64, text, sizeof(text));
	hw_log("command line: '%s'", text);
}

static void list_memory(void)
{
	hw_log("memory map: %zu regions", boot_info.region_count);
	for (size_t i = 0; i < boot_info.region_count; i++) {
		hw_mem_region_t const *m = &boot_info.regions[i];
		hw_log("  0x%012lx-0x%012lx %s", m->base, m->base + m->size, region_type(m->type));
	}
}

static void list_modules(void)
{
	char args[TEXT_MAX];

	hw_log("modules: %zu", boot_info.module_count);
	for (size_t i = 0; i < boot_info.module_count; i++) {
		hw_module_t const *m = &boot_info.modules[i];
		hw_log_escape(m->args, 64, args, sizeof(args));
		hw_log("  module %zu: %s, 0x%lx-0x%lx, %lu bytes, args '%s'", i, m->name,
			m->range.base, m->range.base + m->range.size, m->range.size, args);
	}
}

/* Sets up the frame allocator and reports the memory summary. */
static void init_frames(void)
{
	gn_err_t err = hw_frames_init(
		&frames, frames_used, frames_usable, FRAME_WORDS, &boot_info, HW_DIRECT_MAP_SIZE);
	uint64_t usable = (uint64_t)frames.usable_count * HW_FRAME_SIZE;

	if (err != GN_OK)
		hw_panic("no usable physical memory (error %d)", err);
	hw_log("memory: %lu KiB available, %lu KiB usable after reserving %lu KiB, %zu frames free",
		frames.available / GN_KIB, usable / GN_KIB, (frames.available - usable) / GN_KIB,
		hw_frames_free_count(&frames));
	if (frames.ignored > 0)
		hw_log("memory: %lu KiB above the direct map ignored", frames.ignored / GN_KIB);
}

/*
 * Allocates every free frame, checks each against the boot reservations independently of the
 * allocator's own bookkeeping, frees them all and checks that a double free is refused.
 */
static void check_frames(void)
{
	size_t before = hw_frames_free_count(&frames), count = 0;
	uint64_t phys, first = 0;

	while (hw_frames_alloc(&frames, &phys) == GN_OK) {
		hw_range_t r = {.base = phys, .size = HW_FRAME_SIZE};
		for (size_t i = 0; i < boot_info.reserved_count; i++) {
			if (hw_range_overlaps(r, boot_info.reserved[i].range))
				hw_panic("frame allocator handed out reserved frame 0x%lx", phys);
		}
		first = count++ == 0 ? phys : first;
	}
	if (count != before)
		hw_panic("frame allocator: %zu frames free but %zu allocated", before, count);
	for (uint64_t f = 0; f < (uint64_t)frames.frames * HW_FRAME_SIZE; f += HW_FRAME_SIZE) {
		if (hw_frames_usable(&frames, f) && hw_frames_free(&frames, f) != GN_OK)
			hw_panic("frame allocator: cannot free frame 0x%lx", f);
	}
	if (hw_frames_free_count(&frames) != before || hw_frames_free(&frames, first) == GN_OK)
		hw_panic("frame allocator: inconsistent after freeing every frame");
	hw_log("frame allocator: allocated and freed all %zu free frames, none reserved", count);
}

static gn_err_t frame_alloc(void *ctx, uint64_t *phys)
{
	return hw_frames_alloc(ctx, phys);
}

static void frame_free(void *ctx, uint64_t phys)
{
	if (hw_frames_free(ctx, phys) != GN_OK)
		hw_panic("freeing frame 0x%lx, which is not allocated", phys);
}

static void *frame_virt(void *ctx, uint64_t phys)
{
	(void)ctx;
	return hw_phys_to_virt(phys);
}

static hw_pt_mem_t const pt_mem = {
	.ctx = &frames, .alloc = frame_alloc, .free = frame_free, .virt = frame_virt};

static bool is_elf(hw_module_t const *m)
{
	uint8_t const *b = hw_phys_to_virt(m->range.base);

	return m->range.size >= 4 && b[0] == 0x7f && b[1] == 'E' && b[2] == 'L' && b[3] == 'F';
}

/* The module named START_LIST, or NULL. */
static hw_module_t const *start_list(void)
{
	for (size_t i = 0; i < boot_info.module_count; i++) {
		if (gn_strcmp(boot_info.modules[i].name, START_LIST) == 0)
			return &boot_info.modules[i];
	}
	return NULL;
}

/* Whether name is a whole word of list's first START_LIST_MAX bytes (words: printable runs). */
static bool listed(hw_module_t const *list, char const *name)
{
	uint8_t const *text = hw_phys_to_virt(list->range.base);
	size_t size = list->range.size < START_LIST_MAX ? list->range.size : START_LIST_MAX;
	size_t len = gn_strlen(name);

	for (size_t i = 0; i < size;) {
		size_t j = i;
		while (j < size && text[j] > ' ' && text[j] < 0x7f)
			j++;
		if (j - i == len && gn_memcmp(text + i, name, len) == 0)
			return true;
		i = j + 1;
	}
	return false;
}

/*
 * Starts the ELF modules as protection domains (all of them, or only those a START_LIST module
 * names); returns how many started. Then the root gets every module as a memory object.
 */
static size_t start_programs(void)
{
	static bool started[HW_MB_MODULES_MAX];
	hw_module_t const *list = start_list();
	char why[HW_LOG_LINE_MAX];
	size_t count = 0;
	hw_pd_t *root;

	hw_pds_init(&pt_mem, features.nx, &frames);
	hw_mem_init(&frames);
	for (size_t i = 0; i < boot_info.module_count; i++) {
		hw_module_t const *m = &boot_info.modules[i];
		if (!is_elf(m))
			continue;
		if (list && !listed(list, m->name)) {
			hw_log("module %zu '%s' not started: left to the root", i, m->name);
			continue;
		}
		if (hw_pd_start(m->name, hw_phys_to_virt(m->range.base), m->range.size, why,
			    sizeof(why)) != GN_OK) {
			hw_log("module %zu '%s' not started: %s", i, m->name, why);
			continue;
		}
		started[i] = true;
		count++;
	}
	root = hw_pd_root();
	if (root) {
		hw_mem_boot_modules(root, &boot_info, started, root->threads[0].utcb[0]);
		hw_log("pd '%s' holds the %zu boot modules as memory objects (slots %d down) and "
		       "the "
		       "domain factory (slot %d)",
			root->name, boot_info.module_count, HW_CAP_BOOT_MODULE, HW_CAP_FACTORY);
		hw_mem_io_boot(root, &(hw_device_ranges_t){.info = &boot_info,
					     .kernel_pages = {hw_apic_phys(), hw_ioapic_phys()},
					     .phys_bits = features.phys_bits});
		hw_log("pd '%s' holds the I/O port factory (slot %d) and the IRQ factory (slot %d)",
			root->name, HW_CAP_IO_PORT_FACTORY, HW_CAP_IRQ_FACTORY);
		hw_log("pd '%s' holds the device memory factory (slot %d): below 2^%u, no RAM, "
		       "not the APICs' pages",
			root->name, HW_CAP_IO_MEM_FACTORY, features.phys_bits);
	}
	return count;
}

static void log_features(void)
{
	hw_log("cpu: nx %s, global pages %s, smep %s, smap %s, umip %s; x87 and SSE off for user "
	       "mode",
		features.nx ? "on" : "absent", features.global_pages ? "on" : "absent",
		features.smep ? "on" : "absent", features.smap ? "on" : "absent",
		features.umip ? "on" : "absent");
}

void hw_kernel_main(uint32_t magic, uint32_t info_phys)
{
	hw_serial_init();
	hw_log("Gneiss hw kernel (x86_64)");
	hw_cpu_setup(&features);
	hw_cpus[0].self = &hw_cpus[0];
	hw_cpus[0].kernel_rsp = (uint64_t)hw_boot_stack_top;
	hw_gdt_init(0, hw_cpus[0].kernel_rsp);
	hw_idt_init();
	parse_boot_info(magic, info_phys);
	hw_paging_init(&boot_info, features.nx);
	log_features();
	list_memory();
	init_frames();
	list_modules();
	check_frames();
	hw_test_hooks_run(&boot_info);
	hw_cpu_syscall_init(&hw_cpus[0]);
	hw_pic_disable();
	hw_apic_init(TICK_US);
	hw_ioapic_init(&boot_info);
	hw_cpus[0].apic_id = hw_apic_id();
	hw_threads_init(SLICE_TICKS, TICK_US);
	hw_lock_take(); /* from here on the kernel runs under its lock (smp.h) */
	hw_smp_start(&boot_info);
	if (start_programs() == 0) {
		hw_log("no core to start yet: the hw platform runs no components");
		hw_exit(0);
	}
	hw_log("scheduling: %d priorities, round robin with %d ms slices", HW_PRIORITIES,
		SLICE_TICKS * TICK_US / 1000);
	hw_frame_t *first = hw_thread_schedule();
	hw_lock_release();
	hw_user_resume(first);
}
