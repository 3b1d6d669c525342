/*
 * The hw kernel's pure parts for user protection domains (platform/hw/kernel/elf.c, pt.c, load.c,
 * sched.c), on the host: the ELF checks accept a well-formed static program and refuse each
 * malformed field with a message naming it; page tables built from a fake physical memory map
 * user pages with the rights asked for, refuse W+X, foreign ranges and double mappings, read user
 * memory only where every byte is mapped, and give back every frame; memory-object mappings are
 * checked (rights, ranges), refuse overlaps and a full table, unwind when a table frame is
 * missing, and leave the object's frames alone when removed; a program loads with its
 * bytes and zeroed bss; the scheduler runs the highest priority, round robin within it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "elf.h"
#include "load.h"
#include "mapping.h"
#include "pt.h"
#include "sched.h"

#include "hw_fake_frames.h"

/* ---- ELF files -------------------------------------------------------------------------------- */

enum {
	PT_LOAD = 1,
	PT_INTERP = 3,
	PT_NOTE = 4,
	PT_TLS = 7,
	PT_GNU_STACK = 0x6474e551,
	R = 4,
	W = 2,
	X = 1,
	FILE_SIZE = 0x4000,
	TEXT = 0x400000,
};

typedef struct {
	uint32_t type, flags;
	uint64_t offset, vaddr, filesz, memsz;
} phdr_t;

static uint8_t file[FILE_SIZE];
static char why[256];
static hw_elf_image_t image;
static hw_elf_limits_t const limits = {HW_USER_BASE, HW_USER_IMAGE_END, 16};

static void put(size_t at, uint64_t v, unsigned bytes)
{
	for (unsigned i = 0; i < bytes; i++)
		file[at + i] = (uint8_t)(v >> (8 * i));
}

static void put_phdr(unsigned i, phdr_t p)
{
	size_t at = 64 + i * 56;

	put(at, p.type, 4);
	put(at + 4, p.flags, 4);
	put(at + 8, p.offset, 8);
	put(at + 16, p.vaddr, 8);
	put(at + 24, p.vaddr, 8);
	put(at + 32, p.filesz, 8);
	put(at + 40, p.memsz, 8);
	put(at + 48, PAGE, 8);
	put(56, i + 1 > file[56] ? i + 1 : file[56], 2);
}

/* A program like user.ld makes: text, rodata, data with bss over three pages. */
static void make_program(void)
{
	static uint8_t const ident[] = {0x7f, 'E', 'L', 'F', 2, 1, 1};

	memset(file, 0, sizeof(file));
	memcpy(file, ident, sizeof(ident));
	put(16, 2, 2);  /* ET_EXEC */
	put(18, 62, 2); /* EM_X86_64 */
	put(20, 1, 4);
	put(24, TEXT + 0x10, 8); /* entry */
	put(32, 64, 8);          /* phoff */
	put(52, 64, 2);
	put(54, 56, 2);
	put_phdr(0, (phdr_t){PT_LOAD, R | X, 0x1000, TEXT, 0x20, 0x20});
	put_phdr(1, (phdr_t){PT_LOAD, R, 0x2000, TEXT + 0x1000, 0x10, 0x10});
	put_phdr(2, (phdr_t){PT_LOAD, R | W, 0x3000, TEXT + 0x2000, 0x8, 0x2100});
	put_phdr(3, (phdr_t){PT_GNU_STACK, R | W, 0, 0, 0, 0});
	for (unsigned i = 0; i < 0x20; i++)
		file[0x1000 + i] = (uint8_t)(0x90 + i);
	memcpy(file + 0x2000, "read-only data!", 0x10);
	memcpy(file + 0x3000, "data 123", 8);
}

static gn_err_t check(void)
{
	why[0] = '\0';
	return hw_elf_check(file, sizeof(file), limits, &image, why, sizeof(why));
}

static void refused(gn_err_t err, char const *text)
{
	assert_int_equal(check(), err);
	if (!strstr(why, text))
		fail_msg("message '%s' lacks '%s'", why, text);
	make_program();
}

static void elf_valid(void **state)
{
	(void)state;
	make_program();
	assert_int_equal(check(), GN_OK);
	assert_int_equal(image.entry, TEXT + 0x10);
	assert_int_equal(image.count, 3);
	assert_int_equal(image.pages, 1 + 1 + 3);
	assert_int_equal(image.segments[0].rights, HW_ELF_READ | HW_ELF_EXEC);
	assert_int_equal(image.segments[2].rights, HW_ELF_READ | HW_ELF_WRITE);
	assert_int_equal(image.segments[2].memsz, 0x2100);
	put_phdr(4, (phdr_t){PT_LOAD, R, 0, TEXT + 0x8000, 0, 0}); /* empty: dropped */
	put_phdr(5, (phdr_t){PT_NOTE, R, 0x3f00, 0, 0x10, 0x10});  /* ignored */
	assert_int_equal(check(), GN_OK);
	assert_int_equal(image.count, 3);
}

static void elf_header_refused(void **state)
{
	(void)state;
	make_program();
	assert_int_equal(
		hw_elf_check(file, 63, limits, &image, why, sizeof(why)), GN_ERR_INVALID_ARG);
	assert_non_null(strstr(why, "63 bytes are too few"));
	file[1] = 'e';
	refused(GN_ERR_INVALID_ARG, "byte 1 of e_ident is 0x65");
	file[4] = 1;
	refused(GN_ERR_INVALID_ARG, "not a little-endian ELF64");
	file[5] = 2;
	refused(GN_ERR_INVALID_ARG, "byte 5 of e_ident");
	put(16, 3, 2);
	refused(GN_ERR_INVALID_ARG, "not a static x86_64 executable (type 3, machine 62");
	put(18, 3, 2);
	refused(GN_ERR_INVALID_ARG, "machine 3");
	put(54, 32, 2);
	refused(GN_ERR_INVALID_ARG, "program headers of 32 bytes");
	put(56, 0, 2);
	refused(GN_ERR_INVALID_ARG, "0 program headers");
	put(56, HW_ELF_PHDRS_MAX + 1, 2);
	refused(GN_ERR_LIMIT, "17 program headers");
	put(32, FILE_SIZE - 100, 8);
	refused(GN_ERR_INVALID_ARG, "end past the file");
	put(32, UINT64_MAX - 10, 8);
	refused(GN_ERR_INVALID_ARG, "end past the file");
	put(24, TEXT + 0x1000, 8);
	refused(GN_ERR_INVALID_ARG, "entry point 0x401000 is in no executable segment");
	put(24, TEXT + 0x20, 8);
	refused(GN_ERR_INVALID_ARG, "entry point 0x400020");
}

static void elf_segments_refused(void **state)
{
	(void)state;
	make_program();
	put_phdr(1, (phdr_t){PT_LOAD, R, 0x2000, TEXT + 0x1000, 0x11, 0x10});
	refused(GN_ERR_INVALID_ARG, "segment 1 takes 0x11 bytes from the file but has 0x10");
	put_phdr(1, (phdr_t){PT_LOAD, R, 0x3ff8, TEXT + 0x1000, 0x10, 0x10});
	refused(GN_ERR_INVALID_ARG, "segment 1 (file offset 0x3ff8, 0x10 bytes) ends past");
	put_phdr(1, (phdr_t){PT_LOAD, R, UINT64_MAX - 4, TEXT + 0x1000, 0x10, 0x10});
	refused(GN_ERR_INVALID_ARG, "ends past the file");
	put_phdr(1, (phdr_t){PT_LOAD, R, 0x2000, 0x1000, 0x10, 0x10});
	refused(GN_ERR_INVALID_ARG, "segment 1 (0x1000, 0x10 bytes) lies outside the user range");
	put_phdr(1, (phdr_t){PT_LOAD, R, 0x2000, HW_USER_IMAGE_END - 8, 0x10, 0x10});
	refused(GN_ERR_INVALID_ARG, "lies outside the user range");
	put_phdr(1, (phdr_t){PT_LOAD, R, 0x2000, 0xffffffff80100000UL, 0x10, 0x10});
	refused(GN_ERR_INVALID_ARG, "lies outside the user range");
	put_phdr(1, (phdr_t){PT_LOAD, R, 0x2000, TEXT + 0x1000, 0x10, UINT64_MAX - 0x100});
	refused(GN_ERR_INVALID_ARG, "lies outside the user range");
	put_phdr(1, (phdr_t){PT_LOAD, R | W | X, 0x2000, TEXT + 0x1000, 0x10, 0x10});
	refused(GN_ERR_INVALID_ARG, "segment 1 is writable and executable (W^X)");
	put_phdr(1, (phdr_t){PT_LOAD, R, 0x2000, TEXT + 0x10, 0x10, 0x10});
	refused(GN_ERR_INVALID_ARG, "loadable segments 0 (0x400000-0x400020) and 1 (0x400010");
	put_phdr(1, (phdr_t){PT_LOAD, R, 0x2000, TEXT + 0x800, 0x10, 0x10});
	refused(GN_ERR_INVALID_ARG, "share a page");
	put_phdr(2, (phdr_t){PT_LOAD, R | W, 0x3000, TEXT + 0x2000, 0x8, 16 * PAGE});
	refused(GN_ERR_LIMIT, "the segments need more than 16 pages");
	put_phdr(3, (phdr_t){PT_INTERP, R, 0x3000, 0, 8, 8});
	refused(GN_ERR_INVALID_ARG, "program header 3 asks for dynamic linking");
	put_phdr(3, (phdr_t){PT_TLS, R, 0x3000, TEXT + 0x2000, 8, 8});
	refused(GN_ERR_INVALID_ARG, "program header 3 asks for thread-local storage");
	put_phdr(3, (phdr_t){PT_GNU_STACK, R | W | X, 0, 0, 0, 0});
	refused(GN_ERR_INVALID_ARG, "program header 3 asks for an executable stack");
	for (unsigned i = 0; i < 3; i++)
		put_phdr(i, (phdr_t){PT_NOTE, R, 0x1000, 0, 0x10, 0x10});
	refused(GN_ERR_INVALID_ARG, "no loadable segment");
	for (unsigned i = 3; i < HW_ELF_SEGMENTS_MAX + 1; i++)
		put_phdr(i, (phdr_t){PT_LOAD, R, 0x2000, TEXT + i * PAGE, 0x10, 0x10});
	refused(GN_ERR_LIMIT, "more than 8 loadable segments");
}

/* ---- page tables ------------------------------------------------------------------------------ */

static void pt_map_and_lookup(void **state)
{
	uint64_t kernel[HW_PT_ENTRIES] = {0}, pa, frame;
	uint64_t const *root;
	unsigned flags;
	hw_pt_t pt;

	(void)state;
	kernel[HW_PT_KERNEL_FIRST] = 0x1003;
	kernel[511] = 0x2003;
	kernel[0] = 0x3003; /* the lower half is the domain's: never copied */
	assert_int_equal(hw_pt_create(&pt, &mem, true, kernel), GN_OK);
	root = fake_virt(NULL, pt.root);
	assert_int_equal(root[0], 0);
	assert_int_equal(root[HW_PT_KERNEL_FIRST], 0x1003);
	assert_int_equal(root[511], 0x2003);
	assert_int_equal(fake_alloc(NULL, &frame), GN_OK);
	assert_int_equal(hw_pt_map(&pt, TEXT, 0x7000, HW_PT_EXEC), GN_OK); /* not owned */
	assert_int_equal(hw_pt_map(&pt, TEXT + PAGE, frame, HW_PT_WRITE | HW_PT_OWNED), GN_OK);
	assert_int_equal(pt.tables, 3);
	assert_int_equal(pt.pages, 2);
	assert_int_equal(pt.owned, 1);
	assert_true(hw_pt_lookup(&pt, TEXT + 0x123, &pa, &flags));
	assert_int_equal(pa, 0x7123);
	assert_int_equal(flags, HW_PT_EXEC);
	assert_true(hw_pt_lookup(&pt, TEXT + PAGE, &pa, &flags));
	assert_int_equal(pa, frame);
	assert_int_equal(flags, HW_PT_WRITE | HW_PT_OWNED);
	assert_false(hw_pt_lookup(&pt, TEXT + 2 * PAGE, &pa, &flags));
	assert_false(hw_pt_lookup(&pt, 0xffffffff80100000UL, &pa, &flags));
	hw_pt_destroy(&pt);

	assert_int_equal(hw_pt_create(&pt, &mem, false, NULL), GN_OK);
	assert_int_equal(hw_pt_map(&pt, TEXT, 0x7000, HW_PT_WRITE), GN_OK);
	assert_true(hw_pt_lookup(&pt, TEXT, &pa, &flags));
	assert_int_equal(flags, HW_PT_WRITE | HW_PT_EXEC); /* without NX, everything executes */
	hw_pt_destroy(&pt);
	assert_int_equal(fake_in_use(), 0);
}

/* Unmapping: only unowned pages, only where mapped; tables stay while they hold an entry. */
static void pt_unmap(void **state)
{
	hw_pt_t pt;
	uint64_t frame, pa;
	unsigned flags;

	(void)state;
	assert_int_equal(hw_pt_create(&pt, &mem, true, NULL), GN_OK);
	assert_int_equal(fake_alloc(NULL, &frame), GN_OK);
	assert_int_equal(hw_pt_map(&pt, TEXT, 0x7000, 0), GN_OK);
	assert_int_equal(hw_pt_map(&pt, TEXT + PAGE, frame, HW_PT_WRITE | HW_PT_OWNED), GN_OK);
	assert_int_equal(hw_pt_unmap(&pt, TEXT + 1), GN_ERR_NOT_FOUND);
	assert_int_equal(hw_pt_unmap(&pt, TEXT + 2 * PAGE), GN_ERR_NOT_FOUND);
	assert_int_equal(hw_pt_unmap(&pt, 0xffffffff80100000UL), GN_ERR_NOT_FOUND);
	assert_int_equal(hw_pt_unmap(&pt, TEXT + PAGE), GN_ERR_DENIED); /* owned */
	assert_int_equal(hw_pt_unmap(&pt, TEXT), GN_OK);
	assert_false(hw_pt_lookup(&pt, TEXT, &pa, &flags));
	assert_int_equal(hw_pt_unmap(&pt, TEXT), GN_ERR_NOT_FOUND);
	assert_int_equal(pt.pages, 1);
	assert_int_equal(pt.tables, 3);
	assert_int_equal(hw_pt_map(&pt, TEXT, 0x8000, HW_PT_EXEC), GN_OK); /* mappable again */
	hw_pt_destroy(&pt);
	assert_int_equal(fake_in_use(), 0);
}

/* Tables that become empty on unmap are freed, so map/unmap loops cannot pile tables up. */
static void pt_unmap_frees_tables(void **state)
{
	hw_pt_t pt;

	(void)state;
	assert_int_equal(hw_pt_create(&pt, &mem, true, NULL), GN_OK);
	for (uint64_t i = 0; i < 100; i++) {
		uint64_t va = TEXT + i * 0x40000000UL;

		assert_int_equal(hw_pt_map(&pt, va, 0x7000, 0), GN_OK);
		assert_int_equal(hw_pt_unmap(&pt, va), GN_OK);
		assert_int_equal(pt.tables, 0);
		assert_int_equal(fake_in_use(), 1); /* the root */
	}
	assert_int_equal(hw_pt_map(&pt, TEXT, 0x7000, 0), GN_OK);
	assert_int_equal(hw_pt_map(&pt, TEXT + PAGE, 0x8000, 0), GN_OK);
	assert_int_equal(hw_pt_unmap(&pt, TEXT), GN_OK);
	assert_int_equal(pt.tables, 3); /* the other page still needs them */
	assert_int_equal(hw_pt_unmap(&pt, TEXT + PAGE), GN_OK);
	assert_int_equal(pt.tables, 0);
	hw_pt_destroy(&pt);
	assert_int_equal(fake_in_use(), 0);
}

/* Memory-object mappings (mapping.c): checks, overlap, limit, rollback, removal. */
static void mapping_checks(void **state)
{
	unsigned f = 99;

	(void)state;
	assert_int_equal(hw_mapping_rights(HW_MAP_READ, &f), HW_RIGHT_READ);
	assert_int_equal(f, 0);
	assert_int_equal(
		hw_mapping_rights(HW_MAP_READ | HW_MAP_WRITE, &f), HW_RIGHT_READ | HW_RIGHT_WRITE);
	assert_int_equal(f, HW_PT_WRITE);
	assert_int_equal(
		hw_mapping_rights(HW_MAP_READ | HW_MAP_EXEC, &f), HW_RIGHT_READ | HW_RIGHT_EXEC);
	assert_int_equal(f, HW_PT_EXEC);
	assert_int_equal(hw_mapping_rights(HW_MAP_READ | HW_MAP_WRITE | HW_MAP_EXEC, &f), 0);
	assert_int_equal(hw_mapping_rights(HW_MAP_WRITE, &f), 0);
	assert_int_equal(hw_mapping_rights(0, &f), 0);
	assert_int_equal(hw_mapping_rights(HW_MAP_READ | 8, &f), 0);
	assert_true(hw_mapping_range_ok(4, TEXT, 0, 4 * PAGE));
	assert_true(hw_mapping_range_ok(4, TEXT, 3 * PAGE, PAGE));
	assert_false(hw_mapping_range_ok(4, TEXT, 3 * PAGE, 2 * PAGE)); /* past the end */
	assert_false(hw_mapping_range_ok(4, TEXT, 5 * PAGE, 0));
	assert_false(hw_mapping_range_ok(4, TEXT, 0, 0));
	assert_false(hw_mapping_range_ok(4, TEXT + 1, 0, PAGE));
	assert_false(hw_mapping_range_ok(4, TEXT, 1, PAGE));
	assert_false(hw_mapping_range_ok(4, TEXT, 0, PAGE + 1));
	assert_false(hw_mapping_range_ok(4, TEXT, ~0ULL - PAGE + 1, 2 * PAGE)); /* wraps */
	assert_false(hw_mapping_range_ok(4, 0, 0, PAGE));
	assert_false(hw_mapping_range_ok(4, HW_UTCB_BASE, 0, PAGE));
	assert_false(hw_mapping_range_ok(4, HW_UTCB_BASE - PAGE, 0, 2 * PAGE));
	assert_true(hw_mapping_range_ok(4, HW_UTCB_BASE - PAGE, 0, PAGE));
	assert_false(hw_mapping_range_ok(4, HW_USER_END - PAGE, 0, PAGE)); /* the stack */
	assert_false(hw_mapping_range_ok(4, 0xffff800000000000ULL, 0, PAGE));
}

static void mapping_add_remove(void **state)
{
	hw_mapping_t maps[HW_PD_MAPPINGS] = {0};
	hw_obj_t obj = {.type = HW_OBJ_MEMORY};
	uint64_t pa, object = 0x40000000; /* frames of the object: never the allocator's */
	unsigned flags;
	size_t before;
	hw_pt_t pt;

	(void)state;
	assert_int_equal(hw_pt_create(&pt, &mem, true, NULL), GN_OK);
	assert_int_equal(hw_mapping_add(&pt, maps, &obj, object, TEXT, 2, HW_PT_WRITE), GN_OK);
	assert_true(hw_pt_lookup(&pt, TEXT + PAGE + 5, &pa, &flags));
	assert_int_equal(pa, object + PAGE + 5);
	assert_int_equal(flags, HW_PT_WRITE); /* not owned */
	assert_int_equal(hw_mapping_add(&pt, maps, &obj, object, TEXT + PAGE, 1, 0), GN_ERR_EXISTS);
	assert_ptr_equal(hw_mapping_find(maps, TEXT), &maps[0]);
	assert_null(hw_mapping_find(maps, TEXT + PAGE));
	/* the table of mappings fills up */
	for (unsigned i = 1; i < HW_PD_MAPPINGS; i++)
		assert_int_equal(
			hw_mapping_add(&pt, maps, &obj, object, TEXT + (2 + i) * PAGE, 1, 0),
			GN_OK);
	assert_int_equal(
		hw_mapping_add(&pt, maps, &obj, object, TEXT + 100 * PAGE, 1, 0), GN_ERR_LIMIT);
	for (unsigned i = 1; i < HW_PD_MAPPINGS; i++)
		hw_mapping_remove(&pt, &maps[i]);
	/* out of frames for a table in the middle of a range: what was mapped goes again (the first
	 * page's table exists, the second page needs a new one) */
	before = pt.pages;
	fake_budget = 0;
	assert_int_equal(
		hw_mapping_add(&pt, maps, &obj, object, TEXT + 0x1ff000, 2, 0), GN_ERR_OUT_OF_RAM);
	assert_int_equal(pt.pages, before);
	assert_false(hw_pt_lookup(&pt, TEXT + 0x1ff000, &pa, &flags));
	assert_null(hw_mapping_find(maps, TEXT + 0x1ff000));
	fake_budget = FAKE_FRAMES;
	hw_mapping_remove(&pt, &maps[0]);
	assert_null(maps[0].mem);
	assert_false(hw_pt_lookup(&pt, TEXT, &pa, &flags));
	assert_int_equal(pt.pages, 0);
	hw_pt_destroy(&pt); /* frees the tables, not the object's frames */
	assert_int_equal(fake_in_use(), 0);
}

static void pt_map_refused(void **state)
{
	hw_pt_t pt;

	(void)state;
	assert_int_equal(hw_pt_create(&pt, &mem, true, NULL), GN_OK);
	assert_int_equal(hw_pt_map(&pt, TEXT + 1, 0x7000, 0), GN_ERR_INVALID_ARG);
	assert_int_equal(hw_pt_map(&pt, TEXT, 0x7001, 0), GN_ERR_INVALID_ARG);
	assert_int_equal(hw_pt_map(&pt, TEXT, 1ULL << 52, 0), GN_ERR_INVALID_ARG);
	assert_int_equal(hw_pt_map(&pt, 0, 0x7000, 0), GN_ERR_INVALID_ARG);
	assert_int_equal(hw_pt_map(&pt, HW_USER_BASE - PAGE, 0x7000, 0), GN_ERR_INVALID_ARG);
	assert_int_equal(hw_pt_map(&pt, HW_USER_END, 0x7000, 0), GN_ERR_INVALID_ARG);
	assert_int_equal(hw_pt_map(&pt, 0xffffffff80100000UL, 0x7000, 0), GN_ERR_INVALID_ARG);
	assert_int_equal(
		hw_pt_map(&pt, TEXT, 0x7000, HW_PT_WRITE | HW_PT_EXEC), GN_ERR_INVALID_ARG);
	assert_int_equal(hw_pt_map(&pt, TEXT, 0x7000, 1 << 7), GN_ERR_INVALID_ARG);
	assert_int_equal(pt.tables, 0); /* nothing was built for a refused mapping */
	assert_int_equal(hw_pt_map(&pt, HW_USER_BASE, 0x7000, 0), GN_OK);
	assert_int_equal(hw_pt_map(&pt, HW_USER_END - PAGE, 0x8000, 0), GN_OK);
	assert_int_equal(hw_pt_map(&pt, HW_USER_END - PAGE, 0x9000, 0), GN_ERR_EXISTS);
	hw_pt_destroy(&pt);
	assert_int_equal(fake_in_use(), 0);
}

static void pt_out_of_memory(void **state)
{
	hw_pt_t pt;
	uint64_t pa;
	unsigned flags;

	(void)state;
	fake_budget = 0;
	assert_int_equal(hw_pt_create(&pt, &mem, true, NULL), GN_ERR_OUT_OF_RAM);
	fake_budget = 3; /* the root and two of the three tables a first mapping needs */
	assert_int_equal(hw_pt_create(&pt, &mem, true, NULL), GN_OK);
	assert_int_equal(hw_pt_map(&pt, TEXT, 0x7000, 0), GN_ERR_OUT_OF_RAM);
	assert_false(hw_pt_lookup(&pt, TEXT, &pa, &flags));
	assert_int_equal(pt.tables, 0); /* the two tables made are freed again */
	assert_int_equal(fake_in_use(), 1);
	hw_pt_destroy(&pt);
	assert_int_equal(fake_in_use(), 0);
	assert_int_equal(pt.root, 0);
	hw_pt_destroy(&pt); /* twice is harmless */
}

static void pt_user_access(void **state)
{
	uint8_t buf[2 * PAGE];
	hw_pt_t pt;
	uint64_t a, b;

	(void)state;
	assert_int_equal(hw_pt_create(&pt, &mem, true, NULL), GN_OK);
	assert_int_equal(fake_alloc(NULL, &a), GN_OK);
	assert_int_equal(fake_alloc(NULL, &b), GN_OK);
	memset(fake_virt(NULL, a), 'a', PAGE);
	memset(fake_virt(NULL, b), 'b', PAGE);
	assert_int_equal(hw_pt_map(&pt, TEXT, a, HW_PT_OWNED), GN_OK);
	assert_int_equal(hw_pt_map(&pt, TEXT + PAGE, b, HW_PT_WRITE | HW_PT_OWNED), GN_OK);
	assert_true(hw_pt_user_access(&pt, TEXT, 2 * PAGE, 0));
	assert_false(hw_pt_user_access(&pt, TEXT, 2 * PAGE, HW_PT_WRITE));
	assert_true(hw_pt_user_access(&pt, TEXT + PAGE, PAGE, HW_PT_WRITE));
	assert_false(hw_pt_user_access(&pt, TEXT, 1, HW_PT_EXEC));
	assert_false(hw_pt_user_access(&pt, TEXT, 2 * PAGE + 1, 0));
	assert_false(hw_pt_user_access(&pt, TEXT - 1, 2, 0));
	assert_true(hw_pt_user_access(&pt, TEXT + 5, 0, 0));
	assert_false(hw_pt_user_access(&pt, 0, 0, 0));
	assert_int_equal(hw_pt_copy_in(&pt, TEXT + PAGE - 3, 6, buf), GN_OK);
	assert_memory_equal(buf, "aaabbb", 6);
	memset(buf, 'z', sizeof(buf));
	assert_int_equal(hw_pt_copy_in(&pt, TEXT + PAGE - 3, PAGE + 4, buf), GN_ERR_DENIED);
	assert_int_equal(buf[0], 'z'); /* untouched when refused */
	assert_int_equal(hw_pt_copy_in(&pt, TEXT, 0, buf), GN_OK);
	assert_int_equal(hw_pt_copy_in(&pt, UINT64_MAX - 2, 8, buf), GN_ERR_DENIED);
	assert_int_equal(hw_pt_copy_in(&pt, TEXT, UINT64_MAX, buf), GN_ERR_DENIED);
	assert_int_equal(hw_pt_copy_in(&pt, HW_USER_END - 8, 16, buf), GN_ERR_DENIED);
	assert_int_equal(hw_pt_copy_in(&pt, 0xffff800000000000UL, 8, buf), GN_ERR_DENIED);
	hw_pt_destroy(&pt);
	assert_int_equal(fake_in_use(), 0); /* the owned frames went with the tables */
}

/* ---- loading ---------------------------------------------------------------------------------- */

static void load_program(void **state)
{
	uint8_t got[0x20];
	unsigned flags;
	uint64_t pa;
	hw_pt_t pt;

	(void)state;
	make_program();
	assert_int_equal(check(), GN_OK);
	assert_int_equal(hw_pt_create(&pt, &mem, true, NULL), GN_OK);
	assert_int_equal(hw_load_image(&pt, file, &image), GN_OK);
	assert_int_equal(hw_load_stack(&pt, HW_USER_STACK_TOP, 2 * PAGE), GN_OK);
	assert_int_equal(pt.owned, 5 + 2);
	assert_int_equal(hw_pt_copy_in(&pt, TEXT, 0x20, got), GN_OK);
	assert_memory_equal(got, file + 0x1000, 0x20);
	assert_int_equal(hw_pt_copy_in(&pt, TEXT + 0x20, 8, got), GN_OK);
	assert_memory_equal(got, "\0\0\0\0\0\0\0\0", 8); /* the rest of the page is zero */
	assert_int_equal(hw_pt_copy_in(&pt, TEXT + 0x1000, 0x10, got), GN_OK);
	assert_string_equal((char *)got, "read-only data!");
	assert_int_equal(hw_pt_copy_in(&pt, TEXT + 0x2000, 0x10, got), GN_OK);
	assert_memory_equal(got, "data 123\0\0\0\0\0\0\0\0", 0x10);
	assert_int_equal(hw_pt_copy_in(&pt, TEXT + 0x40f8, 8, got), GN_OK); /* bss, third page */
	assert_memory_equal(got, "\0\0\0\0\0\0\0\0", 8);
	assert_true(hw_pt_lookup(&pt, TEXT, &pa, &flags));
	assert_int_equal(flags, HW_PT_EXEC | HW_PT_OWNED);
	assert_true(hw_pt_lookup(&pt, TEXT + 0x1000, &pa, &flags));
	assert_int_equal(flags, HW_PT_OWNED);
	assert_true(hw_pt_lookup(&pt, TEXT + 0x4000, &pa, &flags));
	assert_int_equal(flags, HW_PT_WRITE | HW_PT_OWNED);
	assert_false(hw_pt_lookup(&pt, TEXT + 0x5000, &pa, &flags));
	assert_true(hw_pt_user_access(&pt, HW_USER_STACK_TOP - 2 * PAGE, 2 * PAGE, HW_PT_WRITE));
	assert_false(hw_pt_user_access(&pt, HW_USER_STACK_TOP - 3 * PAGE, 1, 0)); /* guard */
	assert_int_equal(hw_load_image(&pt, file, &image), GN_ERR_EXISTS);
	assert_int_equal(hw_load_stack(&pt, HW_USER_STACK_TOP, PAGE + 1), GN_ERR_INVALID_ARG);
	hw_pt_destroy(&pt);
	assert_int_equal(fake_in_use(), 0);
}

static void load_out_of_memory(void **state)
{
	hw_pt_t pt;

	(void)state;
	make_program();
	assert_int_equal(check(), GN_OK);
	/* the root, three tables and five pages: every smaller budget fails and leaks nothing */
	for (size_t budget = 1; budget <= 9; budget++) {
		fake_budget = budget;
		assert_int_equal(hw_pt_create(&pt, &mem, true, NULL), GN_OK);
		assert_int_equal(
			hw_load_image(&pt, file, &image), budget < 9 ? GN_ERR_OUT_OF_RAM : GN_OK);
		hw_pt_destroy(&pt);
		assert_int_equal(fake_in_use(), 0);
	}
}

/* ---- the scheduler ---------------------------------------------------------------------------- */

static void sched_priorities(void **state)
{
	hw_sched_item_t low, high1, high2;
	hw_sched_t s;

	(void)state;
	hw_sched_init(&s, 2);
	hw_sched_item_init(&low, 1);
	hw_sched_item_init(&high1, HW_PRIO_MAX);
	hw_sched_item_init(&high2, HW_PRIO_MAX + 5); /* clamped */
	assert_int_equal(high2.prio, HW_PRIO_MAX);
	assert_null(hw_sched_pick(&s));
	hw_sched_ready(&s, &low);
	assert_ptr_equal(hw_sched_pick(&s), &low);
	hw_sched_ready(&s, &high1);
	hw_sched_ready(&s, &high2);
	hw_sched_ready(&s, &high2);                  /* twice is harmless */
	assert_ptr_equal(hw_sched_pick(&s), &high1); /* a higher priority preempts */
	assert_false(hw_sched_tick(&s, &high1));     /* one tick of two */
	assert_ptr_equal(hw_sched_pick(&s), &high1);
	assert_true(hw_sched_tick(&s, &high1)); /* slice used up: to the tail */
	assert_ptr_equal(hw_sched_pick(&s), &high2);
	hw_sched_yield(&s, &high2);
	assert_ptr_equal(hw_sched_pick(&s), &high1);
	hw_sched_remove(&s, &high1);
	hw_sched_remove(&s, &high1);
	assert_ptr_equal(hw_sched_pick(&s), &high2);
	hw_sched_remove(&s, &high2);
	assert_ptr_equal(hw_sched_pick(&s), &low); /* only now */
	assert_false(hw_sched_tick(&s, &high2));   /* not ready: nothing to charge */
	hw_sched_ready(&s, &high1);
	assert_int_equal(high1.slice_left, 2); /* a fresh slice */
	assert_ptr_equal(hw_sched_pick(&s), &high1);
}

static void sched_round_robin(void **state)
{
	hw_sched_item_t items[3];
	unsigned ran[3] = {0};
	hw_sched_t s;

	(void)state;
	hw_sched_init(&s, 0); /* at least one tick */
	assert_int_equal(s.slice, 1);
	hw_sched_init(&s, 3);
	for (unsigned i = 0; i < 3; i++) {
		hw_sched_item_init(&items[i], 2);
		hw_sched_ready(&s, &items[i]);
	}
	for (unsigned tick = 0; tick < 90; tick++) {
		hw_sched_item_t *running = hw_sched_pick(&s);
		ran[running - items]++;
		hw_sched_tick(&s, running);
	}
	assert_int_equal(ran[0], 30);
	assert_int_equal(ran[1], 30);
	assert_int_equal(ran[2], 30);
}

int main(void)
{
	struct CMUnitTest const tests[] = {
		cmocka_unit_test(elf_valid),
		cmocka_unit_test(elf_header_refused),
		cmocka_unit_test(elf_segments_refused),
		cmocka_unit_test_setup_teardown(pt_map_and_lookup, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(pt_map_refused, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(pt_unmap, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(pt_unmap_frees_tables, fake_setup, fake_teardown),
		cmocka_unit_test(mapping_checks),
		cmocka_unit_test_setup_teardown(mapping_add_remove, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(pt_out_of_memory, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(pt_user_access, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(load_program, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(load_out_of_memory, fake_setup, fake_teardown),
		cmocka_unit_test(sched_priorities),
		cmocka_unit_test(sched_round_robin),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
