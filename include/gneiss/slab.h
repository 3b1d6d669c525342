/*
 * Slab: an allocator of objects of one size.
 *
 * Objects live in blocks (4 KiB unless configured) that the slab takes from a memory source. A
 * block that becomes empty goes back to the source, except that the slab keeps one empty block as
 * a spare so that an object allocated and freed in turn does not cost a source call each time.
 * Besides its blocks the slab holds one directory (an array of block addresses, grown by
 * doubling) from the same source; after the last object is freed, gn_slab_trim gives back the
 * spare and the directory, so nothing stays charged.
 *
 * Allocation is O(1) unless a block must be fetched; freeing is O(log blocks) and checks the
 * pointer: one outside every block, or not at the start of a slot, is refused, and so is one
 * already free. Objects are aligned to 16 bytes. Not thread-safe.
 */
#ifndef GNEISS_SLAB_H
#define GNEISS_SLAB_H

#include <gneiss/error.h>
#include <gneiss/mem_source.h>
#include <gneiss/types.h>

enum {
	GN_SLAB_BLOCK_DEFAULT = 4096,
	GN_SLAB_ALIGN = 16
};

struct gn_slab_block;

typedef struct {
	gn_mem_source_t source;
	size_t object_size;
	size_t stride;               /* bytes per slot */
	size_t block_size;           /* bytes taken from the source per block */
	size_t header_size;          /* block header, bitmap included; slots follow it */
	size_t slots;                /* slots per block */
	size_t used;                 /* objects allocated */
	struct gn_slab_block *avail; /* blocks with a free slot, the spare excepted */
	struct gn_slab_block *spare; /* one empty block kept back, or NULL */
	struct gn_slab_block **dir;  /* every block held, spare included, by ascending address */
	size_t nblocks;
	size_t dir_cap;
} gn_slab_t;

/*
 * Sets up an empty slab for objects of `object_size` bytes in blocks of `block_size` bytes (0: the
 * default) taken from `source`. Takes no memory yet. GN_ERR_INVALID_ARG when object_size is 0 or
 * a block cannot hold a single object.
 */
gn_err_t gn_slab_init(gn_slab_t *slab, gn_mem_source_t source, size_t object_size,
	size_t block_size) GN_MUST_CHECK;

/*
 * Gives every block and the directory back to the source. All objects become invalid; the slab is
 * empty and may be used again.
 */
void gn_slab_destroy(gn_slab_t *slab);

/*
 * Allocates one object (uninitialised) into *out; the caller owns it until gn_slab_free.
 * Errors: the source's error (GN_ERR_OUT_OF_RAM) when a new block or a larger directory was
 * needed and could not be had; GN_ERR_INVALID_ARG when the source returned misaligned memory.
 */
gn_err_t gn_slab_alloc(gn_slab_t *slab, void **out) GN_MUST_CHECK;

/*
 * Frees an object from gn_slab_alloc. GN_ERR_INVALID_ARG when `ptr` does not point to the start of
 * a slot of this slab (a foreign or interior pointer), GN_ERR_NOT_FOUND when the object is free
 * already; the slab is then unchanged.
 */
gn_err_t gn_slab_free(gn_slab_t *slab, void *ptr) GN_MUST_CHECK;

/* Gives the spare block back, and the directory too if no block is left. */
void gn_slab_trim(gn_slab_t *slab);

/* Objects allocated. */
size_t gn_slab_used(gn_slab_t const *slab);

/* Blocks held, the spare included. */
size_t gn_slab_blocks(gn_slab_t const *slab);

/* Objects that fit in one block. */
size_t gn_slab_slots_per_block(gn_slab_t const *slab);

/*
 * The slab as a memory source (for example for a range allocator's metadata): alloc hands out one
 * object and fails with GN_ERR_INVALID_ARG for a size above the object size; free ignores pointers
 * the slab refuses. The slab must outlive the source.
 */
gn_mem_source_t gn_slab_source(gn_slab_t *slab);

#endif
