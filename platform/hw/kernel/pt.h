/*
 * Page tables of a protection domain (x86_64, four levels, 4 KiB pages).
 *
 * A hw_pt_t owns the frames of its PML4 and of every table below the user half's entries; the
 * kernel half (PML4 entries 256..511) is copied from the kernel's PML4 at creation and shared,
 * never changed here. Frames come from, and go back to, a caller-given hw_pt_mem_t, through which
 * every table is also read and written: the kernel passes its frame allocator and direct map, unit
 * tests and the fuzz target a buffer posing as physical memory. Nothing here touches the CPU, so
 * the code runs unchanged on the host.
 *
 * Invariants: every user mapping lies in [HW_USER_BASE, HW_USER_END), is present, user-accessible,
 * 4 KiB, and never writable and executable at once (W^X); a non-executable mapping carries NX
 * when the CPU has it; device memory (HW_PT_DEVICE) is uncached and never executable or owned, and
 * the kernel never reads it (hw_pt_user_access refuses it). Intermediate entries are present, writable and user-accessible (the leaf
 * decides). A frame mapped HW_PT_OWNED belongs to the mapping and is freed by hw_pt_destroy.
 * hw_pt_copy_in is the only way the kernel reads user memory: it checks every page against these
 * tables and reads through mem->virt, never through the user's own addresses.
 */
#ifndef GNEISS_HW_PT_H
#define GNEISS_HW_PT_H

#include <gneiss/error.h>
#include <gneiss/types.h>

enum {
	HW_PT_WRITE = 1 << 0,
	HW_PT_EXEC = 1 << 1,
	HW_PT_OWNED = 1 << 2,  /* the frame is the mapping's: freed with the page tables */
	HW_PT_DEVICE = 1 << 3, /* device memory: uncached (PCD, PWT), never read by the kernel */
	HW_PT_ENTRIES = 512,
	HW_PT_KERNEL_FIRST = 256, /* first PML4 entry of the kernel half */
};

/* Where page-table frames come from and how the kernel reaches them. */
typedef struct {
	void *ctx;
	gn_err_t (*alloc)(void *ctx, uint64_t *phys); /* one frame, contents undefined */
	void (*free)(void *ctx, uint64_t phys);
	void *(*virt)(void *ctx, uint64_t phys); /* a pointer to the frame at phys */
} hw_pt_mem_t;

typedef struct {
	hw_pt_mem_t const *mem;
	uint64_t root; /* physical address of the PML4 (what CR3 takes) */
	bool nx;       /* the CPU supports NX: non-executable mappings get it */
	size_t tables; /* frames of tables below the root */
	size_t pages;  /* mapped pages */
	size_t owned;  /* of which are owned */
} hw_pt_t;

/*
 * Creates empty page tables: a zeroed user half, the kernel half copied from kernel_pml4 (NULL: an
 * empty kernel half, for tests). Errors: GN_ERR_OUT_OF_RAM (no frame for the root).
 */
gn_err_t hw_pt_create(
	hw_pt_t *pt, hw_pt_mem_t const *mem, bool nx, uint64_t const *kernel_pml4) GN_MUST_CHECK;

/*
 * Maps the page at va to the frame at pa, user-accessible, read-only unless HW_PT_WRITE,
 * non-executable unless HW_PT_EXEC, uncached with HW_PT_DEVICE. Errors: GN_ERR_INVALID_ARG (va or
 * pa not page-aligned, va outside the user range, HW_PT_WRITE with HW_PT_EXEC, HW_PT_DEVICE with
 * HW_PT_EXEC or HW_PT_OWNED, unknown flags), GN_ERR_EXISTS (va is
 * mapped), GN_ERR_OUT_OF_RAM (no frame for a table: the tables made for it are freed again).
 * Nothing is mapped on error.
 */
gn_err_t hw_pt_map(hw_pt_t *pt, uint64_t va, uint64_t pa, unsigned flags) GN_MUST_CHECK;

/*
 * Removes the mapping of the page at va, which must not be owned (its frame belongs to someone
 * else); the caller flushes the TLB. Tables on the way that are empty afterwards are freed, so
 * page tables never hold more tables than their mappings need. Errors: GN_ERR_NOT_FOUND (va unaligned,
 * outside the user range or not mapped), GN_ERR_DENIED (the page is owned).
 */
gn_err_t hw_pt_unmap(hw_pt_t *pt, uint64_t va) GN_MUST_CHECK;

/*
 * True when the page holding va is mapped; then *pa is the address va translates to and *flags
 * what is allowed (HW_PT_WRITE, HW_PT_EXEC as the hardware enforces it, HW_PT_OWNED) and
 * HW_PT_DEVICE for device memory.
 */
bool hw_pt_lookup(hw_pt_t const *pt, uint64_t va, uint64_t *pa, unsigned *flags);

/*
 * True when every byte of [va, va + len) is mapped user memory that allows flags (HW_PT_WRITE,
 * HW_PT_EXEC, or 0 for reading) and is no device memory. len 0 is true for any va in the user
 * range.
 */
bool hw_pt_user_access(hw_pt_t const *pt, uint64_t va, uint64_t len, unsigned flags);

/*
 * Copies [va, va + len) of user memory into buf after checking all of it with hw_pt_user_access.
 * Errors: GN_ERR_DENIED (some byte is not readable user memory, or the range wraps or leaves the
 * user half); buf is then untouched.
 */
gn_err_t hw_pt_copy_in(hw_pt_t const *pt, uint64_t va, uint64_t len, void *buf) GN_MUST_CHECK;

/* Frees every table below the root, every owned frame, and the root. pt is empty afterwards. */
void hw_pt_destroy(hw_pt_t *pt);

#endif
