/*
 * The hw kernel's boot-information parser and frame allocator (platform/hw/kernel/multiboot.c,
 * frame.c), on a buffer posing as physical memory. Every malformed field is refused with a message
 * naming it; a valid boot yields exactly the regions, modules and reservations written; the frame
 * allocator never hands out a reserved frame, whatever the memory map claims.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "frame.h"
#include "multiboot.h"

enum {
	MEM_SIZE = 1024 * 1024, /* the fake physical memory: [0, 1 MiB) */
	INFO = 0x500,
	MAP = 0x600,
	MODS = 0x800,
	STRINGS = 0x900,
	KERNEL_BASE = 0x10000,
	KERNEL_SIZE = 0x8000,
	MOD0 = 0x20000,
	MOD1 = 0x21000,
	FLAG_CMDLINE = 1 << 2,
	FLAG_MODS = 1 << 3,
	FLAG_MMAP = 1 << 6,
	FLAG_LOADER = 1 << 9,
};

static uint8_t *mem;
static hw_boot_info_t info;
static char why[256];
static hw_range_t const kernel = {KERNEL_BASE, KERNEL_SIZE};

static void const *fake_read(void *ctx, uint64_t phys, uint64_t size)
{
	(void)ctx;
	if (size == 0 || phys >= MEM_SIZE || size > MEM_SIZE - phys)
		return NULL;
	return mem + phys;
}

static void put32(uint64_t at, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		mem[at + i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint64_t at, uint64_t v)
{
	put32(at, (uint32_t)v);
	put32(at + 4, (uint32_t)(v >> 32));
}

static void put_region(unsigned index, uint64_t base, uint64_t size, uint32_t type)
{
	uint64_t at = MAP + index * 24;

	put32(at, 20);
	put64(at + 4, base);
	put64(at + 12, size);
	put32(at + 20, type);
	put32(INFO + 44, (index + 1) * 24);
}

static void put_module(unsigned index, uint32_t start, uint32_t end, char const *cmdline)
{
	uint32_t string = STRINGS + 0x40 * (index + 2);

	put32(MODS + index * 16, start);
	put32(MODS + index * 16 + 4, end);
	put32(MODS + index * 16 + 8, string);
	strcpy((char *)mem + string, cmdline);
	put32(INFO + 20, index + 1);
}

/* A boot as QEMU makes it: three regions, a command line, a loader name and two modules. */
static int setup(void **state)
{
	(void)state;
	mem = calloc(1, MEM_SIZE);
	put32(INFO, FLAG_CMDLINE | FLAG_MODS | FLAG_MMAP | FLAG_LOADER);
	put32(INFO + 48, MAP);
	put_region(0, 0, 0x9fc00, HW_MEM_AVAILABLE);
	put_region(1, 0x9fc00, 0x400, 2);
	put_region(2, 0xa0000, MEM_SIZE - 0xa0000, HW_MEM_AVAILABLE);
	put32(INFO + 16, STRINGS);
	strcpy((char *)mem + STRINGS, "kernel.elf32 verbose");
	put32(INFO + 64, STRINGS + 0x40);
	strcpy((char *)mem + STRINGS + 0x40, "qemu");
	put32(INFO + 24, MODS);
	put_module(0, MOD0, MOD0 + 100, "init");
	put_module(1, MOD1, MOD1 + 5000, "/boot/mod/config arg1  arg2");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(mem);
	return 0;
}

static gn_err_t parse(void)
{
	hw_phys_reader_t reader = {.read = fake_read};

	why[0] = '\0';
	return hw_multiboot_parse(reader, INFO, kernel, &info, why, sizeof(why));
}

/* Parsing must fail with err and a message containing text. */
static void refused(gn_err_t err, char const *text)
{
	assert_int_equal(parse(), err);
	if (!strstr(why, text))
		fail_msg("message '%s' lacks '%s'", why, text);
}

static bool reserved(uint64_t base, uint64_t size, hw_reserved_kind_t kind)
{
	for (size_t i = 0; i < info.reserved_count; i++) {
		if (info.reserved[i].range.base == base && info.reserved[i].range.size == size &&
			info.reserved[i].kind == kind)
			return true;
	}
	return false;
}

static void valid_boot(void **state)
{
	(void)state;
	assert_int_equal(parse(), GN_OK);
	assert_string_equal(info.cmdline, "kernel.elf32 verbose");
	assert_string_equal(info.loader, "qemu");
	assert_int_equal(info.region_count, 3);
	assert_int_equal(info.regions[1].base, 0x9fc00);
	assert_int_equal(info.regions[1].type, 2);
	assert_int_equal(info.module_count, 2);
	assert_string_equal(info.modules[0].name, "init");
	assert_string_equal(info.modules[0].args, "");
	assert_int_equal(info.modules[0].range.base, MOD0);
	assert_int_equal(info.modules[0].range.size, 100);
	assert_string_equal(info.modules[1].name, "config");
	assert_string_equal(info.modules[1].args, "arg1  arg2");
	assert_true(reserved(0, 0x100000, HW_RESERVED_LOW));
	assert_true(reserved(KERNEL_BASE, KERNEL_SIZE, HW_RESERVED_KERNEL));
	assert_true(reserved(MAP, 72, HW_RESERVED_INFO));
	assert_true(reserved(MODS, 32, HW_RESERVED_INFO));
	assert_true(reserved(STRINGS, 21, HW_RESERVED_INFO));
	assert_true(reserved(MOD1, 5000, HW_RESERVED_MODULE));
}

static void optional_fields_absent(void **state)
{
	(void)state;
	put32(INFO, FLAG_MMAP);
	assert_int_equal(parse(), GN_OK);
	assert_null(info.cmdline);
	assert_null(info.loader);
	assert_int_equal(info.module_count, 0);
}

static void structure_and_map_refused(void **state)
{
	hw_phys_reader_t reader = {.read = fake_read};

	(void)state;
	assert_int_equal(hw_multiboot_parse(reader, MEM_SIZE - 10, kernel, &info, why, sizeof(why)),
		GN_ERR_INVALID_ARG);
	assert_non_null(strstr(why, "boot information at 0xffff6 is not readable"));
	put32(INFO, FLAG_MODS);
	refused(GN_ERR_INVALID_ARG, "no memory map (flags 0x8)");
	put32(INFO, FLAG_MMAP);
	put32(INFO + 44, 0);
	refused(GN_ERR_INVALID_ARG, "the memory map has 0 bytes");
	put32(INFO + 44, 5000);
	refused(GN_ERR_INVALID_ARG, "the memory map has 5000 bytes");
	put32(INFO + 44, 72);
	put32(INFO + 48, MEM_SIZE - 8);
	refused(GN_ERR_INVALID_ARG, "is not readable");
	put32(INFO + 48, MAP);
	put32(MAP + 24, 19);
	refused(GN_ERR_INVALID_ARG, "entry at offset 24 has size 19");
	put32(MAP + 24, 60);
	refused(GN_ERR_INVALID_ARG, "entry at offset 24 has size 60");
	put32(MAP + 24, 20);
	put32(INFO + 44, 70);
	refused(GN_ERR_INVALID_ARG, "entry at offset 48 has size 20");
	put32(INFO + 44, 72);
	put64(MAP + 24 + 4, UINT64_MAX - 10);
	refused(GN_ERR_INVALID_ARG, "wraps past 2^64");
	put_region(1, 0x9fc00, 0x400, 2);
	put_region(0, 0, 0x1000, 2);
	put_region(2, 0x100000, 0x1000, 3);
	refused(GN_ERR_INVALID_ARG, "no available memory");
	for (unsigned i = 0; i < HW_MB_REGIONS_MAX + 1; i++)
		put_region(i, i * 0x1000, 0x1000, HW_MEM_AVAILABLE);
	put32(INFO + 48, 0x40000);
	memmove(mem + 0x40000, mem + MAP, (HW_MB_REGIONS_MAX + 1) * 24);
	put32(INFO + 44, (HW_MB_REGIONS_MAX + 1) * 24);
	refused(GN_ERR_LIMIT, "more than 64 regions");
}

static void strings_refused(void **state)
{
	(void)state;
	memset(mem + STRINGS, 'x', HW_MB_STRING_MAX);
	refused(GN_ERR_INVALID_ARG, "command line at 0x900 is not NUL-terminated within 1024");
	put32(INFO + 16, MEM_SIZE - 3);
	memset(mem + MEM_SIZE - 3, 'y', 3);
	refused(GN_ERR_INVALID_ARG, "command line at 0xffffd is not readable");
	put32(INFO + 16, 0x2000);
	put32(INFO + 64, MEM_SIZE + 0x1000);
	refused(GN_ERR_INVALID_ARG, "loader name at 0x101000 is not readable");
}

static void modules_refused(void **state)
{
	(void)state;
	put_module(1, MOD1, MOD1 - 1, "config");
	refused(GN_ERR_INVALID_ARG, "module 1 ends (0x20fff) before it starts (0x21000)");
	put_module(1, KERNEL_BASE + KERNEL_SIZE - 1, KERNEL_BASE + KERNEL_SIZE + 10, "config");
	refused(GN_ERR_INVALID_ARG, "module 1 (0x17fff-0x1800a) overlaps the kernel image");
	put_module(1, 0x9fc00, 0x9fd00, "config");
	refused(GN_ERR_INVALID_ARG, "lies outside available memory");
	put_module(1, 0x9f000, 0xa0000, "config");
	refused(GN_ERR_INVALID_ARG, "lies outside available memory");
	put_module(1, MOD0 + 99, MOD1, "config");
	refused(GN_ERR_INVALID_ARG, "module 1 (0x20063-0x21000) overlaps module 0");
	put_module(1, MOD1, MOD1 + 10, "/x/init arg");
	refused(GN_ERR_INVALID_ARG, "modules 0 and 1 are both named 'init'");
	put_module(1, MOD1, MOD1 + 10, "con fig");
	assert_int_equal(parse(), GN_OK);
	assert_string_equal(info.modules[1].name, "con");
	put_module(1, MOD1, MOD1 + 10, "con\x1b");
	refused(GN_ERR_INVALID_ARG, "module 1: its name has the byte 0x1b");
	put_module(1, MOD1, MOD1 + 10, "/boot/");
	refused(GN_ERR_INVALID_ARG, "gives a name of 0 characters");
	put_module(1, MOD1, MOD1 + 10, " leading");
	refused(GN_ERR_INVALID_ARG, "gives a name of 0 characters");
	put_module(1, MOD1, MOD1 + 10, "config");
	put32(MODS + 16 + 8, 0);
	refused(GN_ERR_INVALID_ARG, "module 1 has no command line");
	put_module(1, MOD1, MOD1 + 10, "config");
	put_module(1, STRINGS, STRINGS + 0x10, "config");
	refused(GN_ERR_INVALID_ARG, "overlaps the boot information at 0x900-0x915");
	put_module(1, MOD1, MOD1 + 10, "config");
	put32(INFO + 20, HW_MB_MODULES_MAX + 1);
	refused(GN_ERR_LIMIT, "the loader gave 33 modules, at most 32");
	put32(INFO + 20, 2);
	put32(INFO + 24, MEM_SIZE - 16);
	refused(GN_ERR_INVALID_ARG, "the module list at 0xffff0 (2 entries) is not readable");
}

static void empty_module_accepted(void **state)
{
	(void)state;
	put_module(1, MOD1, MOD1, "empty");
	assert_int_equal(parse(), GN_OK);
	assert_int_equal(info.modules[1].range.size, 0);
}

/* All of the fake memory lies in the first MiB, which is always reserved: no frame is usable. */
static void frames_low_memory_reserved(void **state)
{
	uint64_t used[4], usable[4];
	hw_frames_t fa;

	(void)state;
	assert_int_equal(parse(), GN_OK);
	assert_int_equal(hw_frames_init(&fa, used, usable, 4, &info, MEM_SIZE), GN_ERR_OUT_OF_RAM);
	assert_int_equal(fa.frames, MEM_SIZE / HW_FRAME_SIZE);
	assert_int_equal(fa.usable_count, 0);
}

/* A frame allocator over a map above the first MiB, with reserved ranges inside it. */
static void frames_alloc_free(void **state)
{
	hw_boot_info_t bi = {0};
	uint64_t used[8], usable[8], phys, seen[512];
	size_t count = 0;
	hw_frames_t fa;

	(void)state;
	bi.regions[bi.region_count++] = (hw_mem_region_t){0x100000, 0x100000, HW_MEM_AVAILABLE};
	bi.regions[bi.region_count++] = (hw_mem_region_t){0x1ff800, 0x800, 2}; /* claims overlap */
	bi.regions[bi.region_count++] = (hw_mem_region_t){0x300000, 0x1000, HW_MEM_AVAILABLE};
	bi.reserved[bi.reserved_count++] = (hw_reserved_t){{0x100000, 0x3001}, HW_RESERVED_KERNEL};
	bi.reserved[bi.reserved_count++] = (hw_reserved_t){{0x150000, 1}, HW_RESERVED_MODULE};
	assert_int_equal(hw_frames_init(&fa, used, usable, 8, &bi, 0x200000), GN_OK);
	assert_int_equal(fa.frames, 0x200);
	assert_int_equal(fa.ignored, 0x1000);
	assert_int_equal(fa.usable_count, 256 - 4 - 1 - 1);
	while (hw_frames_alloc(&fa, &phys) == GN_OK) {
		assert_true(phys >= 0x104000 && phys < 0x1ff000 && phys != 0x150000);
		seen[count++] = phys;
	}
	assert_int_equal(count, fa.usable_count);
	assert_int_equal(seen[0], 0x104000);
	assert_int_equal(hw_frames_free(&fa, 0x100000), GN_ERR_INVALID_ARG); /* reserved */
	assert_int_equal(hw_frames_free(&fa, 0x150000), GN_ERR_INVALID_ARG);
	assert_int_equal(hw_frames_free(&fa, 0x1ff000), GN_ERR_INVALID_ARG); /* map says reserved */
	assert_int_equal(hw_frames_free(&fa, 0x104001), GN_ERR_INVALID_ARG); /* unaligned */
	assert_int_equal(hw_frames_free(&fa, 0x300000), GN_ERR_INVALID_ARG); /* above the limit */
	assert_int_equal(hw_frames_free(&fa, 0x105000), GN_OK);
	assert_int_equal(hw_frames_free(&fa, 0x105000), GN_ERR_NOT_FOUND); /* twice */
	assert_int_equal(hw_frames_free_count(&fa), 1);
	assert_int_equal(hw_frames_alloc(&fa, &phys), GN_OK);
	assert_int_equal(phys, 0x105000);
	for (size_t i = 0; i < count; i++)
		assert_int_equal(hw_frames_free(&fa, seen[i]), GN_OK);
	assert_int_equal(hw_frames_free_count(&fa), fa.usable_count);
}

/* Runs of contiguous frames: the lowest run that fits, never across a reserved frame. */
static void frames_alloc_run(void **state)
{
	hw_boot_info_t bi = {0};
	uint64_t used[8], usable[8], phys, one;
	hw_frames_t fa;

	(void)state;
	bi.regions[bi.region_count++] = (hw_mem_region_t){0x100000, 0x100000, HW_MEM_AVAILABLE};
	bi.reserved[bi.reserved_count++] = (hw_reserved_t){{0x100000, 0x4000}, HW_RESERVED_KERNEL};
	bi.reserved[bi.reserved_count++] = (hw_reserved_t){{0x108000, 1}, HW_RESERVED_MODULE};
	assert_int_equal(hw_frames_init(&fa, used, usable, 8, &bi, 0x200000), GN_OK);
	assert_int_equal(hw_frames_alloc_run(&fa, 0, &phys), GN_ERR_INVALID_ARG);
	assert_int_equal(hw_frames_alloc(&fa, &one), GN_OK); /* 0x104000 */
	/* 0x105000..0x107fff holds 3 frames before the reserved one: 4 must go above it */
	assert_int_equal(hw_frames_alloc_run(&fa, 4, &phys), GN_OK);
	assert_int_equal(phys, 0x109000);
	assert_int_equal(hw_frames_alloc_run(&fa, 3, &phys), GN_OK);
	assert_int_equal(phys, 0x105000);
	assert_int_equal(hw_frames_free_count(&fa), 256 - 4 - 1 - 1 - 4 - 3);
	assert_int_equal(hw_frames_alloc_run(&fa, 256, &phys), GN_ERR_OUT_OF_RAM);
	for (unsigned i = 0; i < 4; i++)
		assert_int_equal(hw_frames_free(&fa, 0x109000 + i * HW_FRAME_SIZE), GN_OK);
	assert_int_equal(hw_frames_free(&fa, 0x109000), GN_ERR_NOT_FOUND);
}

static void frames_need_memory(void **state)
{
	hw_boot_info_t bi = {0};
	uint64_t used[1], usable[1];
	hw_frames_t fa;

	(void)state;
	bi.regions[bi.region_count++] = (hw_mem_region_t){0x800, 0x1000, HW_MEM_AVAILABLE};
	assert_int_equal(hw_frames_init(&fa, used, usable, 1, &bi, 1 << 20), GN_ERR_OUT_OF_RAM);
	bi.regions[0] = (hw_mem_region_t){0x100000, 0x1000, HW_MEM_AVAILABLE};
	assert_int_equal(hw_frames_init(&fa, used, usable, 1, &bi, 1 << 20), GN_ERR_OUT_OF_RAM);
	assert_int_equal(fa.ignored, 0x1000); /* beyond what one word of frames covers */
}

int main(void)
{
	struct CMUnitTest const tests[] = {
		cmocka_unit_test_setup_teardown(valid_boot, setup, teardown),
		cmocka_unit_test_setup_teardown(optional_fields_absent, setup, teardown),
		cmocka_unit_test_setup_teardown(structure_and_map_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(strings_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(modules_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(empty_module_accepted, setup, teardown),
		cmocka_unit_test_setup_teardown(frames_low_memory_reserved, setup, teardown),
		cmocka_unit_test(frames_alloc_free),
		cmocka_unit_test(frames_alloc_run),
		cmocka_unit_test(frames_need_memory),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
