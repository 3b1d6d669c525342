/*
 * libFuzzer target for the hw kernel's ELF checks and program loader (platform/hw/kernel/elf.c,
 * load.c, pt.c): boot modules are untrusted, and whatever hw_elf_check accepts is loaded without
 * further checks.
 *
 * Input: an 8-byte header (byte 0: how many frames the fake physical memory may hand out, modulo
 * 65; byte 1 bit 0: the CPU has NX; the rest reserved), then the ELF file. Checks beyond "no
 * crash": a refusal says why; an accepted image has 1..8 segments inside the user range and the
 * file, none writable and executable, no two sharing a page, at most the page limit, and the entry
 * in an executable one. Loaded (when the frames suffice), every byte of every segment reads back
 * through the page tables as the file's byte or zero, each page has exactly its segment's rights,
 * and destroying the page tables frees every frame, also after a load that ran out of memory.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <hw_syscall.h>

#include "elf.h"
#include "load.h"
#include "pt.h"

#define CHECK(cond) ((cond) ? (void)0 : abort())

enum {
	HEADER = 8,
	PAGE = 4096,
	FRAMES = 64,
	BASE = 0x100000,
	MAX_PAGES = 32,
};

static uint8_t memory[FRAMES][PAGE];
static bool used[FRAMES];
static size_t budget;

static gn_err_t alloc(void *ctx, uint64_t *phys)
{
	(void)ctx;
	for (size_t i = 0; budget > 0 && i < FRAMES; i++) {
		if (!used[i]) {
			used[i] = true;
			budget--;
			*phys = BASE + i * PAGE;
			return GN_OK;
		}
	}
	return GN_ERR_OUT_OF_RAM;
}

static void release(void *ctx, uint64_t phys)
{
	size_t i = (phys - BASE) / PAGE;

	(void)ctx;
	CHECK(phys >= BASE && i < FRAMES && phys % PAGE == 0 && used[i]);
	used[i] = false;
}

static void *virt(void *ctx, uint64_t phys)
{
	(void)ctx;
	CHECK(phys >= BASE && phys < BASE + (uint64_t)FRAMES * PAGE);
	return memory[(phys - BASE) / PAGE];
}

static hw_pt_mem_t const mem = {.alloc = alloc, .free = release, .virt = virt};

static uint64_t page_of(uint64_t x)
{
	return x - x % PAGE;
}

static void check_image(hw_elf_image_t const *img, hw_elf_limits_t lim, size_t size)
{
	CHECK(img->count >= 1 && img->count <= HW_ELF_SEGMENTS_MAX && img->pages <= MAX_PAGES);
	bool entry_ok = false;
	for (size_t i = 0; i < img->count; i++) {
		hw_elf_segment_t const *s = &img->segments[i];
		CHECK(s->memsz > 0 && s->filesz <= s->memsz);
		CHECK(s->vaddr >= lim.base && s->vaddr < lim.end && s->memsz <= lim.end - s->vaddr);
		CHECK(s->offset <= size && s->filesz <= size - s->offset);
		CHECK(!((s->rights & HW_ELF_WRITE) && (s->rights & HW_ELF_EXEC)));
		for (size_t j = 0; j < i; j++) {
			hw_elf_segment_t const *t = &img->segments[j];
			CHECK(page_of(s->vaddr + s->memsz - 1) < page_of(t->vaddr) ||
				page_of(t->vaddr + t->memsz - 1) < page_of(s->vaddr));
		}
		entry_ok = entry_ok || ((s->rights & HW_ELF_EXEC) && img->entry >= s->vaddr &&
					       img->entry - s->vaddr < s->memsz);
	}
	CHECK(entry_ok);
}

static void check_loaded(hw_pt_t const *pt, hw_elf_image_t const *img, uint8_t const *file, bool nx)
{
	for (size_t i = 0; i < img->count; i++) {
		hw_elf_segment_t const *s = &img->segments[i];
		unsigned want = (s->rights & HW_ELF_WRITE) ? HW_PT_WRITE : 0;
		want |= (s->rights & HW_ELF_EXEC) || !nx ? HW_PT_EXEC : 0;
		for (uint64_t page = page_of(s->vaddr); page < s->vaddr + s->memsz; page += PAGE) {
			uint64_t pa;
			unsigned flags;
			CHECK(hw_pt_lookup(pt, page, &pa, &flags));
			CHECK(flags == (want | HW_PT_OWNED));
		}
		for (uint64_t off = 0; off < s->memsz; off += 1 + off / 7) {
			uint8_t byte;
			CHECK(hw_pt_copy_in(pt, s->vaddr + off, 1, &byte) == GN_OK);
			CHECK(byte == (off < s->filesz ? file[s->offset + off] : 0));
		}
	}
}

static bool all_free(void)
{
	for (size_t i = 0; i < FRAMES; i++) {
		if (used[i])
			return false;
	}
	return true;
}

int LLVMFuzzerTestOneInput(uint8_t const *data, size_t size);

int LLVMFuzzerTestOneInput(uint8_t const *data, size_t size)
{
	hw_elf_limits_t lim = {HW_USER_BASE, HW_USER_IMAGE_END, MAX_PAGES};
	hw_elf_image_t img;
	char why[256];
	hw_pt_t pt;
	bool nx;
	gn_err_t err;

	if (size < HEADER)
		return 0;
	budget = data[0] % (FRAMES + 1);
	nx = data[1] & 1;
	data += HEADER;
	size -= HEADER;
	if (hw_elf_check(data, size, lim, &img, why, sizeof(why)) != GN_OK) {
		CHECK(memchr(why, '\0', sizeof(why)) && why[0] != '\0');
		return 0;
	}
	check_image(&img, lim, size);
	if (hw_pt_create(&pt, &mem, nx, NULL) != GN_OK)
		return 0;
	err = hw_load_image(&pt, data, &img);
	CHECK(err == GN_OK || err == GN_ERR_OUT_OF_RAM);
	if (err == GN_OK)
		check_loaded(&pt, &img, data, nx);
	hw_pt_destroy(&pt);
	CHECK(all_free());
	return 0;
}
