/*
 * Page tables (see pt.h). Entries are built only here, so a walk can trust what it finds: a
 * present entry above the leaf level always points to a table of ours (large pages are never made
 * in the user half, and a walk treats one as not mapped all the same).
 */
#include <gneiss/string.h>
#include <hw_syscall.h>

#include "pt.h"

#define PTE_PRESENT 0x1ULL
#define PTE_WRITE 0x2ULL
#define PTE_USER 0x4ULL
#define PTE_PWT 0x8ULL
#define PTE_PCD 0x10ULL
#define PTE_LARGE 0x80ULL
#define PTE_OWNED 0x200ULL /* an available bit: the frame is freed with the tables */
#define PTE_NX (1ULL << 63)
#define PTE_ADDR 0x000ffffffffff000ULL

enum {
	PAGE = 4096,
	LEVELS = 4,
};

static uint64_t *table_at(hw_pt_t const *pt, uint64_t phys)
{
	return pt->mem->virt(pt->mem->ctx, phys);
}

static unsigned index_of(uint64_t va, unsigned level)
{
	return (unsigned)(va >> (12 + 9 * level)) & (HW_PT_ENTRIES - 1);
}

/* The leaf entry for va, or NULL when a table on the way is missing. */
static uint64_t *find_leaf(hw_pt_t const *pt, uint64_t va)
{
	uint64_t const *table = table_at(pt, pt->root);

	for (unsigned level = LEVELS - 1; level > 0; level--) {
		uint64_t entry = table[index_of(va, level)];
		if (!(entry & PTE_PRESENT) || (entry & PTE_LARGE))
			return NULL;
		table = table_at(pt, entry & PTE_ADDR);
	}
	return (uint64_t *)&table[index_of(va, 0)];
}

/* The leaf entry for va, making the tables on the way where they are missing. */
static gn_err_t make_leaf(hw_pt_t *pt, uint64_t va, uint64_t **leaf)
{
	uint64_t *table = table_at(pt, pt->root);

	for (unsigned level = LEVELS - 1; level > 0; level--) {
		uint64_t *entry = &table[index_of(va, level)];
		uint64_t phys;

		if ((*entry & PTE_PRESENT) && (*entry & PTE_LARGE))
			return GN_ERR_INVALID_ARG;
		if (!(*entry & PTE_PRESENT)) {
			if (pt->mem->alloc(pt->mem->ctx, &phys) != GN_OK)
				return GN_ERR_OUT_OF_RAM;
			gn_memset(table_at(pt, phys), 0, PAGE);
			*entry = phys | PTE_PRESENT | PTE_WRITE | PTE_USER;
			pt->tables++;
		}
		table = table_at(pt, *entry & PTE_ADDR);
	}
	*leaf = &table[index_of(va, 0)];
	return GN_OK;
}

static bool empty(uint64_t const *table)
{
	for (unsigned i = 0; i < HW_PT_ENTRIES; i++) {
		if (table[i] & PTE_PRESENT)
			return false;
	}
	return true;
}

/*
 * Frees the tables on va's path that hold no present entry, from the bottom up, so unmapping
 * (or a failed map) leaves no empty table behind and tables cannot pile up.
 */
static void prune(hw_pt_t *pt, uint64_t va)
{
	uint64_t *entries[LEVELS];
	uint64_t *table = table_at(pt, pt->root);
	unsigned level;

	for (level = LEVELS - 1; level > 0; level--) {
		uint64_t *entry = &table[index_of(va, level)];

		if (!(*entry & PTE_PRESENT) || (*entry & PTE_LARGE))
			break;
		entries[level] = entry;
		table = table_at(pt, *entry & PTE_ADDR);
	}
	/* entries[level + 1 .. LEVELS - 1] lead to tables of ours; table is the lowest reached */
	for (level++; level < LEVELS; level++) {
		uint64_t phys = *entries[level] & PTE_ADDR;

		if (!empty(table_at(pt, phys)))
			return;
		*entries[level] = 0;
		pt->mem->free(pt->mem->ctx, phys);
		pt->tables--;
	}
}

static bool in_user_range(uint64_t va)
{
	return va >= HW_USER_BASE && va < HW_USER_END;
}

gn_err_t hw_pt_create(hw_pt_t *pt, hw_pt_mem_t const *mem, bool nx, uint64_t const *kernel_pml4)
{
	uint64_t *root;

	*pt = (hw_pt_t){.mem = mem, .nx = nx};
	if (mem->alloc(mem->ctx, &pt->root) != GN_OK)
		return GN_ERR_OUT_OF_RAM;
	root = table_at(pt, pt->root);
	for (unsigned i = 0; i < HW_PT_ENTRIES; i++)
		root[i] = kernel_pml4 && i >= HW_PT_KERNEL_FIRST ? kernel_pml4[i] : 0;
	return GN_OK;
}

gn_err_t hw_pt_map(hw_pt_t *pt, uint64_t va, uint64_t pa, unsigned flags)
{
	uint64_t *leaf, entry = (pa & PTE_ADDR) | PTE_PRESENT | PTE_USER;
	gn_err_t err;

	if (va % PAGE != 0 || pa % PAGE != 0 || (pa & ~PTE_ADDR) != 0 || !in_user_range(va) ||
		(flags & ~(unsigned)(HW_PT_WRITE | HW_PT_EXEC | HW_PT_OWNED | HW_PT_DEVICE)) != 0 ||
		((flags & HW_PT_WRITE) && (flags & HW_PT_EXEC)) ||
		((flags & HW_PT_DEVICE) && (flags & (HW_PT_EXEC | HW_PT_OWNED))))
		return GN_ERR_INVALID_ARG;
	err = make_leaf(pt, va, &leaf);
	if (err == GN_ERR_OUT_OF_RAM)
		prune(pt, va); /* the tables made before the frames ran out */
	if (err != GN_OK)
		return err;
	if (*leaf & PTE_PRESENT)
		return GN_ERR_EXISTS;
	entry |= (flags & HW_PT_WRITE) ? PTE_WRITE : 0;
	entry |= (flags & HW_PT_OWNED) ? PTE_OWNED : 0;
	entry |= (flags & HW_PT_DEVICE) ? PTE_PCD | PTE_PWT : 0;
	entry |= !(flags & HW_PT_EXEC) && pt->nx ? PTE_NX : 0;
	*leaf = entry;
	pt->pages++;
	pt->owned += (flags & HW_PT_OWNED) ? 1 : 0;
	return GN_OK;
}

gn_err_t hw_pt_unmap(hw_pt_t *pt, uint64_t va)
{
	uint64_t *leaf = in_user_range(va) && va % PAGE == 0 ? find_leaf(pt, va) : NULL;

	if (!leaf || !(*leaf & PTE_PRESENT))
		return GN_ERR_NOT_FOUND;
	if (*leaf & PTE_OWNED)
		return GN_ERR_DENIED;
	*leaf = 0;
	pt->pages--;
	prune(pt, va);
	return GN_OK;
}

bool hw_pt_lookup(hw_pt_t const *pt, uint64_t va, uint64_t *pa, unsigned *flags)
{
	uint64_t const *leaf = in_user_range(va) ? find_leaf(pt, va) : NULL;

	if (!leaf || (*leaf & (PTE_PRESENT | PTE_USER)) != (PTE_PRESENT | PTE_USER))
		return false;
	*pa = (*leaf & PTE_ADDR) + va % PAGE;
	*flags = ((*leaf & PTE_WRITE) ? HW_PT_WRITE : 0) | ((*leaf & PTE_NX) ? 0 : HW_PT_EXEC) |
		 ((*leaf & PTE_OWNED) ? HW_PT_OWNED : 0) | ((*leaf & PTE_PCD) ? HW_PT_DEVICE : 0);
	return true;
}

bool hw_pt_user_access(hw_pt_t const *pt, uint64_t va, uint64_t len, unsigned flags)
{
	uint64_t pa, end;
	unsigned have;

	if (!in_user_range(va) || len > HW_USER_END - va)
		return false;
	end = va + len;
	for (uint64_t page = va - va % PAGE; page < end; page += PAGE) {
		if (!hw_pt_lookup(pt, page, &pa, &have) || (have & flags) != flags ||
			(have & HW_PT_DEVICE))
			return false; /* device registers: a read may have effects, or fault */
	}
	return true;
}

gn_err_t hw_pt_copy_in(hw_pt_t const *pt, uint64_t va, uint64_t len, void *buf)
{
	uint8_t *out = buf;
	uint64_t done = 0;

	if (!hw_pt_user_access(pt, va, len, 0))
		return GN_ERR_DENIED;
	while (done < len) {
		uint64_t pa, at = va + done, chunk = PAGE - at % PAGE;
		unsigned have;

		if (chunk > len - done)
			chunk = len - done;
		if (!hw_pt_lookup(pt, at, &pa, &have))
			return GN_ERR_DENIED; /* cannot happen after the check above */
		gn_memcpy(out + done, (uint8_t const *)table_at(pt, pa - pa % PAGE) + pa % PAGE,
			chunk);
		done += chunk;
	}
	return GN_OK;
}

/* Frees the table at phys of the given level and everything below it. */
static void free_table(hw_pt_t *pt, uint64_t phys, unsigned level)
{
	uint64_t *table = table_at(pt, phys);

	for (unsigned i = 0; i < HW_PT_ENTRIES; i++) {
		uint64_t e = table[i];
		if (!(e & PTE_PRESENT))
			continue;
		if (level > 0)
			free_table(pt, e & PTE_ADDR, level - 1);
		else if (e & PTE_OWNED)
			pt->mem->free(pt->mem->ctx, e & PTE_ADDR);
		table[i] = 0;
	}
	pt->mem->free(pt->mem->ctx, phys);
}

void hw_pt_destroy(hw_pt_t *pt)
{
	uint64_t *root;

	if (pt->root == 0)
		return;
	root = table_at(pt, pt->root);
	for (unsigned i = 0; i < HW_PT_KERNEL_FIRST; i++) {
		if (root[i] & PTE_PRESENT)
			free_table(pt, root[i] & PTE_ADDR, LEVELS - 2);
		root[i] = 0;
	}
	pt->mem->free(pt->mem->ctx, pt->root);
	*pt = (hw_pt_t){.mem = pt->mem, .nx = pt->nx};
}
