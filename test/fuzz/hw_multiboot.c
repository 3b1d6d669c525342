/*
 * libFuzzer target for the hw kernel's multiboot parser and frame allocator
 * (platform/hw/kernel/multiboot.c, frame.c).
 *
 * Input: a 12-byte header (the boot information's address, the kernel image's base and size, each
 * a little-endian u32), then the bytes of physical memory from address 0. The parser reads that
 * memory only through the reader, which refuses anything past the input. Checks beyond "no
 * crash": a parse that succeeds yields modules inside available memory, outside the kernel and
 * each other, with valid names, and a frame allocator over the result (limited to 4 MiB) hands out
 * no frame that touches a reserved range, and takes every frame back exactly once.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "frame.h"
#include "multiboot.h"

#define CHECK(cond) ((cond) ? (void)0 : abort())

enum {
	HEADER = 12,
	LIMIT = 4 * 1024 * 1024,
	WORDS = LIMIT / HW_FRAME_SIZE / 64,
};

typedef struct {
	uint8_t const *mem;
	size_t size;
} memory_t;

static hw_boot_info_t info;
static uint64_t used[WORDS], usable[WORDS];

static void const *read_mem(void *ctx, uint64_t phys, uint64_t size)
{
	memory_t const *m = ctx;

	if (size == 0 || phys >= m->size || size > m->size - phys)
		return NULL;
	return m->mem + phys;
}

static uint32_t le32(uint8_t const *b)
{
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static void check_modules(hw_range_t kernel)
{
	for (size_t i = 0; i < info.module_count; i++) {
		hw_module_t const *m = &info.modules[i];
		size_t len = strlen(m->name);
		CHECK(len > 0 && len <= HW_MB_NAME_MAX);
		CHECK(!hw_range_overlaps(m->range, kernel));
		for (size_t j = 0; j < i; j++) {
			CHECK(!hw_range_overlaps(m->range, info.modules[j].range));
			CHECK(strcmp(m->name, info.modules[j].name) != 0);
		}
		CHECK(m->args != NULL);
	}
}

static void check_frames(void)
{
	hw_frames_t fa;
	uint64_t phys;
	size_t count = 0;

	if (hw_frames_init(&fa, used, usable, WORDS, &info, LIMIT) != GN_OK)
		return;
	while (hw_frames_alloc(&fa, &phys) == GN_OK) {
		hw_range_t r = {.base = phys, .size = HW_FRAME_SIZE};
		for (size_t i = 0; i < info.reserved_count; i++)
			CHECK(!hw_range_overlaps(r, info.reserved[i].range));
		count++;
	}
	CHECK(count == fa.usable_count);
	for (uint64_t f = 0; f < (uint64_t)fa.frames * HW_FRAME_SIZE; f += HW_FRAME_SIZE) {
		if (hw_frames_usable(&fa, f)) {
			CHECK(hw_frames_free(&fa, f) == GN_OK);
			CHECK(hw_frames_free(&fa, f) == GN_ERR_NOT_FOUND);
		} else {
			CHECK(hw_frames_free(&fa, f) == GN_ERR_INVALID_ARG);
		}
	}
	CHECK(hw_frames_free_count(&fa) == fa.usable_count);
}

int LLVMFuzzerTestOneInput(uint8_t const *data, size_t size);

int LLVMFuzzerTestOneInput(uint8_t const *data, size_t size)
{
	memory_t mem;
	hw_range_t kernel;
	char why[256];

	if (size < HEADER)
		return 0;
	mem = (memory_t){.mem = data + HEADER, .size = size - HEADER};
	kernel = (hw_range_t){.base = le32(data + 4), .size = le32(data + 8)};
	hw_phys_reader_t reader = {.read = read_mem, .ctx = &mem};
	if (hw_multiboot_parse(reader, le32(data), kernel, &info, why, sizeof(why)) != GN_OK) {
		CHECK(memchr(why, '\0', sizeof(why)) && why[0] != '\0');
		return 0;
	}
	check_modules(kernel);
	check_frames();
	return 0;
}
