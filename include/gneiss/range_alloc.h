/*
 * Range allocator: hands out pieces of a 64-bit address or id space.
 *
 * The caller adds the ranges that may be handed out, then allocates from them by size and
 * alignment or at a fixed address; the allocator remembers the size of each allocation, so freeing
 * needs only its address. Ranges are half-open, [base, base + size), and must end at or below
 * UINT64_MAX: the very last address of the space cannot be managed.
 *
 * Bookkeeping takes one node of GN_RANGE_ALLOC_META_SIZE bytes per free range and per allocation,
 * from the `meta` source given at init (a slab with that object size, a heap, ...), so the caller
 * decides whose quota pays. Every call that fails leaves the allocator as it was, including the
 * memory it holds from `meta`. free and destroy never need metadata.
 *
 * Allocation is first fit by address, O(log n) with a balanced tree unless alignment rejects many
 * candidates. Not thread-safe.
 */
#ifndef GNEISS_RANGE_ALLOC_H
#define GNEISS_RANGE_ALLOC_H

#include <gneiss/error.h>
#include <gneiss/mem_source.h>
#include <gneiss/types.h>

enum {
	GN_RANGE_ALLOC_META_SIZE = 48 /* bytes of one metadata node */
};

struct gn_range_node;

typedef struct {
	struct gn_range_node *root;
	gn_mem_source_t meta;
	uint64_t avail; /* bytes in free ranges */
	size_t count;   /* allocations */
} gn_range_alloc_t;

/* Sets up an empty allocator that takes its metadata nodes from `meta`. */
void gn_range_alloc_init(gn_range_alloc_t *ra, gn_mem_source_t meta);

/*
 * Gives every node back to `meta`, forgetting all ranges and allocations; `ra` is then empty and
 * may be used again. Whatever the allocations stood for is the caller's to release first (see
 * gn_range_alloc_next).
 */
void gn_range_alloc_destroy(gn_range_alloc_t *ra);

/*
 * Adds [base, base + size) as free space, merging it with free neighbours.
 * Errors: GN_ERR_INVALID_ARG for size 0 or a range past UINT64_MAX, GN_ERR_EXISTS when it overlaps
 * a range already added, the meta source's error (GN_ERR_OUT_OF_RAM) when a node was needed.
 */
gn_err_t gn_range_alloc_add(gn_range_alloc_t *ra, uint64_t base, uint64_t size) GN_MUST_CHECK;

/*
 * Takes [base, base + size) out of the free space again; it may be part of a range added.
 * Errors: GN_ERR_INVALID_ARG as for add, GN_ERR_EXISTS when it overlaps an allocation,
 * GN_ERR_NOT_FOUND when part of it was never added, the meta source's error when the free range
 * had to be split.
 */
gn_err_t gn_range_alloc_remove(gn_range_alloc_t *ra, uint64_t base, uint64_t size) GN_MUST_CHECK;

/*
 * Allocates `size` bytes at the lowest address that is a multiple of 2^align_log2 and stores that
 * address in *addr. Errors: GN_ERR_INVALID_ARG for size 0 or align_log2 > 63, GN_ERR_LIMIT when no
 * free range fits, the meta source's error when a node was needed.
 */
gn_err_t gn_range_alloc_alloc(
	gn_range_alloc_t *ra, uint64_t size, unsigned align_log2, uint64_t *addr) GN_MUST_CHECK;

/* Allocates exactly [addr, addr + size). Errors as for gn_range_alloc_remove. */
gn_err_t gn_range_alloc_alloc_at(gn_range_alloc_t *ra, uint64_t addr, uint64_t size) GN_MUST_CHECK;

/*
 * Frees the allocation starting at `addr`. GN_ERR_NOT_FOUND when no allocation starts there (an
 * unknown address, an address inside an allocation, or one freed already).
 */
gn_err_t gn_range_alloc_free(gn_range_alloc_t *ra, uint64_t addr) GN_MUST_CHECK;

/*
 * Finds the allocation that contains `addr` and stores its base and size.
 * GN_ERR_NOT_FOUND when `addr` is not allocated.
 */
gn_err_t gn_range_alloc_lookup(
	gn_range_alloc_t const *ra, uint64_t addr, uint64_t *base, uint64_t *size) GN_MUST_CHECK;

/*
 * Iteration in address order: stores the allocation with the lowest base >= `from` in *base and
 * *size, GN_ERR_NOT_FOUND when there is none. Continue with from = *base + 1. The allocator may
 * change between calls, so teardown is: while (gn_range_alloc_next(ra, 0, &b, &s) == GN_OK)
 * release b, then free it.
 */
gn_err_t gn_range_alloc_next(
	gn_range_alloc_t const *ra, uint64_t from, uint64_t *base, uint64_t *size) GN_MUST_CHECK;

/* The same over the free ranges (which are always maximal: no two free ranges touch). */
gn_err_t gn_range_alloc_next_free(
	gn_range_alloc_t const *ra, uint64_t from, uint64_t *base, uint64_t *size) GN_MUST_CHECK;

/* Bytes in free ranges. */
uint64_t gn_range_alloc_avail(gn_range_alloc_t const *ra);

/* Number of allocations. */
size_t gn_range_alloc_count(gn_range_alloc_t const *ra);

#endif
