/*
 * Heap: allocations of any size, 16-byte aligned.
 *
 * The heap takes memory from a memory source in chunks: GN_HEAP_CHUNK_DEFAULT bytes (or the size
 * given at init), or, for a request that does not fit such a chunk, a chunk of its own, rounded up
 * to GN_HEAP_GRANULE. Each chunk is charged to a quota before the source is asked, and the quota
 * gets it back when the chunk returns to the source, which happens as soon as the chunk holds no
 * allocation. So quota used by the heap is exactly the bytes it holds from the source
 * (gn_heap_quota_used), and a component whose heap is empty holds nothing.
 *
 * A server keeps one heap per session, over the session's donated quota, so one client cannot
 * exhaust the memory others paid for. Not thread-safe.
 */
#ifndef GNEISS_HEAP_H
#define GNEISS_HEAP_H

#include <gneiss/error.h>
#include <gneiss/mem_source.h>
#include <gneiss/quota.h>
#include <gneiss/types.h>

enum {
	GN_HEAP_ALIGN = 16,
	GN_HEAP_GRANULE = 4096, /* chunk sizes are multiples of this */
	GN_HEAP_CHUNK_DEFAULT = 16 * GN_KIB,
	GN_HEAP_BINS = 32
};

struct gn_heap_chunk;
struct gn_heap_block;

typedef struct {
	gn_mem_source_t source;
	gn_quota_t *quota;
	size_t chunk_size;
	uint64_t taken; /* bytes held from the source, all charged to quota */
	struct gn_heap_chunk *chunks;
	struct gn_heap_block *bins[GN_HEAP_BINS]; /* free blocks by size class */
} gn_heap_t;

/*
 * Sets up an empty heap over `source`, charging `quota`; both must outlive the heap. `chunk_size`
 * 0 means GN_HEAP_CHUNK_DEFAULT; otherwise it must be a multiple of GN_HEAP_GRANULE
 * (GN_ERR_INVALID_ARG). Takes no memory yet.
 */
gn_err_t gn_heap_init(gn_heap_t *heap, gn_mem_source_t source, gn_quota_t *quota,
	size_t chunk_size) GN_MUST_CHECK;

/*
 * Gives every chunk back to the source and its size back to the quota. All allocations become
 * invalid; the heap is empty and may be used again.
 */
void gn_heap_destroy(gn_heap_t *heap);

/*
 * Allocates `size` bytes (uninitialised, aligned to GN_HEAP_ALIGN) into *out; the caller owns them
 * until gn_heap_free. Errors: GN_ERR_INVALID_ARG for size 0 or when the source returned
 * misaligned memory, GN_ERR_OUT_OF_RAM when the quota cannot pay for a new chunk (or `size` could
 * never fit), else the source's error. On error nothing is charged.
 */
gn_err_t gn_heap_alloc(gn_heap_t *heap, size_t size, void **out) GN_MUST_CHECK;

/*
 * Frees an allocation; NULL is accepted and ignored. A chunk left empty goes back to the source.
 * Detected misuse, with the heap unchanged: GN_ERR_INVALID_ARG for a misaligned pointer or a
 * corrupt block header, GN_ERR_NOT_FOUND for a block that is free already. Other foreign pointers
 * are not detected.
 */
gn_err_t gn_heap_free(gn_heap_t *heap, void *ptr) GN_MUST_CHECK;

/* Bytes the heap holds from its source (and has charged to its quota). */
uint64_t gn_heap_quota_used(gn_heap_t const *heap);

/*
 * The heap as a memory source (for a slab's blocks, a range allocator's metadata); alloc and free
 * map to gn_heap_alloc and gn_heap_free. The heap must outlive the source.
 */
gn_mem_source_t gn_heap_source(gn_heap_t *heap);

#endif
