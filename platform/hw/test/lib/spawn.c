/* Starting programs from boot modules in user space (see spawn.h). */
#include <gneiss/string.h>

#include "spawn.h"

#define STACK_VA (HW_UTCB_BASE - 0x100000) /* below the UTCBs, as mem_map requires */

enum {
	PAGE = 4096,
	PT_LOAD = 1,
	PF_X = 1,
	PF_W = 2,
	PHDRS_MAX = 16,
};

typedef struct {
	uint8_t ident[16];
	uint16_t type, machine;
	uint32_t version;
	uint64_t entry, phoff, shoff;
	uint32_t flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
} elf_header_t;

typedef struct {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
} elf_phdr_t;

hw_boot_table_t boot_table;

bool spawn_read_boot_table(void)
{
	hw_boot_table_t const *t = (hw_boot_table_t const *)main_utcb->msg;

	if (t->magic != HW_BOOT_MAGIC || t->count > HW_BOOT_MODULES)
		return false;
	gn_memcpy(&boot_table, t, sizeof(boot_table));
	return true;
}

hw_boot_module_t const *spawn_module(char const *name)
{
	for (uint64_t i = 0; i < boot_table.count; i++) {
		if (gn_strcmp(boot_table.modules[i].name, name) == 0)
			return &boot_table.modules[i];
	}
	return NULL;
}

static uint64_t round_up(uint64_t x)
{
	return (x + PAGE - 1) & ~(uint64_t)(PAGE - 1);
}

/* Checks the header and program header ph of the file [elf, elf + size). */
static char const *check_header(uint8_t const *elf, uint64_t size)
{
	elf_header_t const *h = (elf_header_t const *)elf;

	if (size < sizeof(*h) ||
		gn_memcmp(h->ident,
			"\x7f"
			"ELF",
			4) != 0 ||
		h->ident[4] != 2 || h->ident[5] != 1)
		return "not a little-endian ELF64 file";
	if (h->type != 2 || h->machine != 62)
		return "not an x86_64 executable";
	if (h->phentsize != sizeof(elf_phdr_t) || h->phnum == 0 || h->phnum > PHDRS_MAX ||
		h->phoff > size || (uint64_t)h->phnum * sizeof(elf_phdr_t) > size - h->phoff)
		return "program headers outside the file";
	return NULL;
}

static char const *check_segment(elf_phdr_t const *p, uint64_t size)
{
	if (p->filesz > p->memsz || p->offset > size || p->filesz > size - p->offset)
		return "segment outside the file";
	if (p->vaddr < HW_USER_BASE || p->memsz > STACK_VA - p->vaddr)
		return "segment outside the user range";
	if ((p->flags & PF_W) && (p->flags & PF_X))
		return "segment writable and executable";
	return NULL;
}

/* Loads segment p of elf into a fresh memory object mapped into s->pd. */
static int64_t load_segment(uint8_t const *elf, elf_phdr_t const *p, uint64_t map_va, spawn_t *s)
{
	uint64_t first = p->vaddr & ~(uint64_t)(PAGE - 1),
		 size = round_up(p->vaddr + p->memsz) - first;
	uint64_t flags = HW_MAP_READ | ((p->flags & PF_W) ? HW_MAP_WRITE : 0) |
			 ((p->flags & PF_X) ? HW_MAP_EXEC : 0);
	int64_t mem = sys_mem_create(size), r;

	if (mem < 0)
		return mem;
	s->mems[s->mem_count++] = (uint64_t)mem;
	r = sys_mem_map((uint64_t)mem, HW_CAP_PD, map_va, 0, size, HW_MAP_READ | HW_MAP_WRITE);
	if (r < 0)
		return r;
	gn_memcpy((uint8_t *)map_va + (p->vaddr - first), elf + p->offset, p->filesz);
	r = sys_mem_unmap(HW_CAP_PD, map_va);
	return r < 0 ? r : sys_mem_map((uint64_t)mem, s->pd, first, 0, size, flags);
}

static int64_t load(
	uint8_t const *elf, uint64_t size, uint64_t map_va, spawn_t *s, char const **why)
{
	elf_header_t const *h = (elf_header_t const *)elf;

	*why = check_header(elf, size);
	for (unsigned i = 0; !*why && i < h->phnum; i++) {
		elf_phdr_t const *p = (elf_phdr_t const *)(elf + h->phoff) + i;
		int64_t r;
		if (p->type != PT_LOAD || p->memsz == 0)
			continue;
		if ((*why = check_segment(p, size)))
			break;
		if (s->mem_count == SPAWN_SEGMENTS) {
			*why = "too many segments";
			break;
		}
		r = load_segment(elf, p, map_va, s);
		if (r < 0) {
			*why = "a kernel call failed";
			return r;
		}
	}
	return *why ? -GN_ERR_INVALID_ARG : 0;
}

static int64_t start(
	uint64_t entry, unsigned prio, spawn_gift_t const *gifts, unsigned count, spawn_t *s)
{
	int64_t mem = sys_mem_create(SPAWN_STACK), r;

	if (mem < 0)
		return mem;
	s->mems[s->mem_count++] = (uint64_t)mem;
	r = sys_mem_map((uint64_t)mem, s->pd, STACK_VA, 0, SPAWN_STACK, HW_MAP_READ | HW_MAP_WRITE);
	for (unsigned i = 0; r >= 0 && i < count; i++)
		r = sys_cap_give(s->pd, gifts[i].cap, gifts[i].slot, gifts[i].rights);
	if (r >= 0)
		r = sys_thread_start(s->pd, entry, STACK_VA + SPAWN_STACK, prio);
	if (r >= 0)
		s->thread = (uint64_t)r;
	return r < 0 ? r : 0;
}

int64_t spawn(hw_boot_module_t const *mod, unsigned prio, spawn_gift_t const *gifts,
	unsigned gift_count, uint64_t map_va, spawn_t *out, char const **why)
{
	uint64_t module_va = map_va + 8 * 1024 * 1024, size = round_up(mod->size), entry = 0;
	int64_t r = sys_pd_create(HW_CAP_FACTORY, mod->name, gn_strlen(mod->name));

	*out = (spawn_t){0};
	*why = "a kernel call failed";
	if (r < 0)
		return r;
	out->pd = (uint64_t)r;
	if (size > 8 * 1024 * 1024) {
		*why = "module too large";
		r = -GN_ERR_INVALID_ARG;
	} else
		r = sys_mem_map(mod->slot, HW_CAP_PD, module_va, 0, size, HW_MAP_READ);
	if (r >= 0) {
		r = load((uint8_t const *)module_va, mod->size, map_va, out, why);
		entry = r >= 0 ? ((elf_header_t const *)module_va)->entry : 0;
		sys_mem_unmap(HW_CAP_PD, module_va);
	}
	if (r >= 0)
		r = start(entry, prio, gifts, gift_count, out); /* the kernel checks the entry */
	if (r < 0)
		spawn_drop(out);
	return r;
}

void spawn_drop(spawn_t *s)
{
	for (unsigned i = 0; i < s->mem_count; i++)
		sys_cap_drop(s->mems[i]);
	if (s->pd)
		sys_cap_drop(s->pd);
	*s = (spawn_t){0};
}
