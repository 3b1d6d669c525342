/*
 * Memory source: where an allocator gets its backing memory.
 *
 * The allocators of the base library never allocate by themselves. They ask a source for pieces of
 * memory and give each piece back with exactly the size they asked for, so the source decides what
 * the memory is (a RAM dataspace, a chunk of a heap, a slab slot) and whose quota pays for it.
 */
#ifndef GNEISS_MEM_SOURCE_H
#define GNEISS_MEM_SOURCE_H

#include <gneiss/error.h>
#include <gneiss/types.h>

enum {
	GN_MEM_SOURCE_ALIGN = 16 /* every piece a source returns is aligned to this */
};

typedef struct {
	/*
	 * Stores in *out a pointer to `size` bytes aligned to GN_MEM_SOURCE_ALIGN, owned by the caller
	 * until it gives them back. Errors (typically GN_ERR_OUT_OF_RAM) leave *out untouched.
	 */
	gn_err_t (*alloc)(void *ctx, size_t size, void **out);
	/* Takes back `ptr` from alloc, with the size passed to alloc. */
	void (*free)(void *ctx, void *ptr, size_t size);
	void *ctx;
} gn_mem_source_t;

#endif
