/*
 * The hw kernel's boot: from the multiboot entry (entry.S) to the point where core would start.
 *
 * Invariants of this milestone: one CPU, interrupts disabled throughout, every exception fatal
 * and reported (exception.c), all output on COM1. The boot information is validated completely
 * (multiboot.c) before anything depends on it; an invalid boot is a panic naming the field, never
 * a crash. After the boot the kernel lists what it found, checks its frame allocator against the
 * reservations, and exits, because there is no core to start yet (platform/hw/README.md).
 */
#include <gneiss/fmt.h>

#include "cpu_tables.h"
#include "exit.h"
#include "frame.h"
#include "layout.h"
#include "log.h"
#include "multiboot.h"
#include "paging.h"
#include "serial.h"
#include "test_hooks.h"

void hw_kernel_main(uint32_t magic, uint32_t info_phys);

extern char hw_image_start[], hw_image_end[];

enum {
	FRAME_WORDS = HW_DIRECT_MAP_SIZE / HW_FRAME_SIZE / 64,
	TEXT_MAX = 4 * 64 + 1, /* an escaped string of up to 64 bytes */
};

static hw_boot_info_t boot_info;
static hw_frames_t frames;
static uint64_t frames_used[FRAME_WORDS], frames_usable[FRAME_WORDS];

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

void hw_kernel_main(uint32_t magic, uint32_t info_phys)
{
	hw_serial_init();
	hw_log("Gneiss hw kernel (x86_64)");
	hw_gdt_init();
	hw_idt_init();
	parse_boot_info(magic, info_phys);
	hw_paging_drop_identity();
	list_memory();
	init_frames();
	list_modules();
	check_frames();
	hw_test_hooks_run(&boot_info);
	hw_log("no core to start yet: the hw platform runs no components");
	hw_exit(0);
}
