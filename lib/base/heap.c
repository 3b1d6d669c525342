/*
 * Heap.
 *
 * A chunk is a chunk header followed by blocks that tile the rest of it. A block starts with a
 * 16-byte header: its size (header included, a multiple of 16) with flags in the low bits (USED,
 * FIRST and LAST in its chunk), and the size of the block before it, so both neighbours are found
 * in O(1). A free block also holds its links in the bin of its size class; bins are segregated by
 * powers of two, so a block in a bin above the request's always fits.
 *
 * Invariants:
 * - The blocks of a chunk tile it exactly; no two free blocks are neighbours (free merges them).
 * - A chunk whose single block is free does not exist: it goes back to the source at once.
 * - `taken` is the sum of the chunk sizes, and the heap has withdrawn exactly that from `quota`.
 * - Every free block is in exactly one bin; used blocks are in none.
 *
 * New chunks are charged to the quota before the source is asked, and a failure of the source
 * gives the charge back, so an error leaves both the heap and the quota as they were.
 */
#include <gneiss/heap.h>

typedef struct gn_heap_block block_t;
typedef struct gn_heap_chunk chunk_t;

struct gn_heap_block {
	size_t head;      /* size | flags */
	size_t prev_size; /* 0 for the first block of a chunk */
	block_t *next;    /* bin links, valid while free */
	block_t *prev;
};

struct gn_heap_chunk {
	chunk_t *next;
	chunk_t *prev;
	size_t size; /* bytes taken from the source */
	size_t reserved;
};

enum {
	USED = 1,
	FIRST = 2,
	LAST = 4,
	FLAGS = 15,
	HEADER = offsetof(block_t, next),
	MIN_BLOCK = sizeof(block_t),
	MIN_BIN_LOG2 = 5
};

_Static_assert(HEADER % GN_HEAP_ALIGN == 0 && MIN_BLOCK % GN_HEAP_ALIGN == 0, "block layout");
_Static_assert(sizeof(chunk_t) % GN_HEAP_ALIGN == 0, "chunk header size");
_Static_assert((1 << MIN_BIN_LOG2) == MIN_BLOCK, "smallest bin holds the smallest block");

static size_t round_up(size_t value, size_t align)
{
	return (value + align - 1) & ~(align - 1);
}

static size_t bsize(block_t const *b)
{
	return b->head & ~(size_t)FLAGS;
}

static block_t *next_block(block_t *b)
{
	return (block_t *)(void *)((char *)b + bsize(b));
}

static block_t *prev_block(block_t *b)
{
	return (block_t *)(void *)((char *)b - b->prev_size);
}

static unsigned bin_of(size_t size)
{
	unsigned const log2 = 63u - (unsigned)__builtin_clzll((unsigned long long)size);
	unsigned const bin = log2 - MIN_BIN_LOG2;

	return bin < GN_HEAP_BINS ? bin : GN_HEAP_BINS - 1;
}

/* ---- bins ------------------------------------------------------------------------------------- */

static void bin_insert(gn_heap_t *heap, block_t *b)
{
	block_t **bin = &heap->bins[bin_of(bsize(b))];

	b->prev = NULL;
	b->next = *bin;
	if (*bin)
		(*bin)->prev = b;
	*bin = b;
}

static void bin_remove(gn_heap_t *heap, block_t *b)
{
	if (b->prev)
		b->prev->next = b->next;
	else
		heap->bins[bin_of(bsize(b))] = b->next;
	if (b->next)
		b->next->prev = b->prev;
}

/* First free block of at least `need` bytes in the smallest size class that has one. */
static block_t *bin_find(gn_heap_t *heap, size_t need)
{
	for (unsigned i = bin_of(need); i < GN_HEAP_BINS; i++) {
		for (block_t *b = heap->bins[i]; b; b = b->next) {
			if (bsize(b) >= need)
				return b;
		}
	}
	return NULL;
}

/* ---- chunks ----------------------------------------------------------------------------------- */

static void give_back(gn_heap_t *heap, void *mem, size_t size)
{
	heap->source.free(heap->source.ctx, mem, size);
	gn_err_t const err = gn_quota_replenish(heap->quota, size);
	(void)err; /* cannot fail: the heap withdrew `size` when it took the memory */
}

/* Takes a chunk big enough for a block of `need` bytes; *out is its single (free, unbinned) block. */
static gn_err_t add_chunk(gn_heap_t *heap, size_t need, block_t **out)
{
	size_t size = heap->chunk_size;

	if (need > size - sizeof(chunk_t)) {
		if (need > SIZE_MAX - sizeof(chunk_t) - GN_HEAP_GRANULE)
			return GN_ERR_OUT_OF_RAM;
		size = round_up(need + sizeof(chunk_t), GN_HEAP_GRANULE);
	}
	gn_err_t err = gn_quota_withdraw(heap->quota, size);
	if (err != GN_OK)
		return err;

	void *mem = NULL;
	err = heap->source.alloc(heap->source.ctx, size, &mem);
	if (err == GN_OK && (uintptr_t)mem % GN_HEAP_ALIGN != 0) {
		heap->source.free(heap->source.ctx, mem, size);
		err = GN_ERR_INVALID_ARG;
	}
	if (err != GN_OK) {
		gn_err_t const undo = gn_quota_replenish(heap->quota, size);
		(void)undo; /* cannot fail: withdrawn just above */
		return err;
	}

	chunk_t *c = mem;
	c->size = size;
	c->prev = NULL;
	c->next = heap->chunks;
	if (heap->chunks)
		heap->chunks->prev = c;
	heap->chunks = c;
	heap->taken += size;

	block_t *b = (block_t *)(void *)(c + 1);
	b->head = (size - sizeof(chunk_t)) | FIRST | LAST;
	b->prev_size = 0;
	*out = b;
	return GN_OK;
}

/* Returns the chunk whose single free block is b (not in a bin) to the source. */
static void release_chunk(gn_heap_t *heap, block_t *b)
{
	chunk_t *c = (chunk_t *)(void *)b - 1;

	if (c->prev)
		c->prev->next = c->next;
	else
		heap->chunks = c->next;
	if (c->next)
		c->next->prev = c->prev;
	heap->taken -= c->size;
	give_back(heap, c, c->size);
}

/* ---- blocks ----------------------------------------------------------------------------------- */

/* Marks free, unbinned block b used, splitting off the rest beyond `need` bytes if it can. */
static void carve(gn_heap_t *heap, block_t *b, size_t need)
{
	size_t const size = bsize(b), rest = size - need;
	size_t const flags = b->head & (FIRST | LAST);

	if (rest < MIN_BLOCK) {
		b->head = size | flags | USED;
		return;
	}
	block_t *r = (block_t *)(void *)((char *)b + need);
	r->head = rest | (flags & LAST);
	r->prev_size = need;
	if (!(flags & LAST))
		next_block(r)->prev_size = rest;
	bin_insert(heap, r);
	b->head = need | (flags & FIRST) | USED;
}

/* Merges free block b with free neighbours (taking them out of their bins); returns the result. */
static block_t *merge(gn_heap_t *heap, block_t *b)
{
	if (!(b->head & LAST)) {
		block_t *n = next_block(b);
		if (!(n->head & USED)) {
			bin_remove(heap, n);
			b->head = (bsize(b) + bsize(n)) | (b->head & FIRST) | (n->head & LAST);
		}
	}
	if (!(b->head & FIRST)) {
		block_t *p = prev_block(b);
		if (!(p->head & USED)) {
			bin_remove(heap, p);
			p->head = (bsize(p) + bsize(b)) | (p->head & FIRST) | (b->head & LAST);
			b = p;
		}
	}
	if (!(b->head & LAST))
		next_block(b)->prev_size = bsize(b);
	return b;
}

/* ---- public API ------------------------------------------------------------------------------- */

gn_err_t gn_heap_init(gn_heap_t *heap, gn_mem_source_t source, gn_quota_t *quota, size_t chunk_size)
{
	if (chunk_size == 0)
		chunk_size = GN_HEAP_CHUNK_DEFAULT;
	if (!quota || chunk_size % GN_HEAP_GRANULE != 0)
		return GN_ERR_INVALID_ARG;

	*heap = (gn_heap_t){.source = source, .quota = quota, .chunk_size = chunk_size};
	return GN_OK;
}

void gn_heap_destroy(gn_heap_t *heap)
{
	while (heap->chunks) {
		chunk_t *c = heap->chunks;
		heap->chunks = c->next;
		heap->taken -= c->size;
		give_back(heap, c, c->size);
	}
	for (unsigned i = 0; i < GN_HEAP_BINS; i++)
		heap->bins[i] = NULL;
}

gn_err_t gn_heap_alloc(gn_heap_t *heap, size_t size, void **out)
{
	if (size == 0)
		return GN_ERR_INVALID_ARG;
	if (size > SIZE_MAX / 2)
		return GN_ERR_OUT_OF_RAM;

	size_t need = round_up(size, GN_HEAP_ALIGN) + HEADER;
	if (need < MIN_BLOCK)
		need = MIN_BLOCK;

	block_t *b = bin_find(heap, need);
	if (b) {
		bin_remove(heap, b);
	} else {
		gn_err_t const err = add_chunk(heap, need, &b);
		if (err != GN_OK)
			return err;
	}
	carve(heap, b, need);
	*out = (char *)b + HEADER;
	return GN_OK;
}

gn_err_t gn_heap_free(gn_heap_t *heap, void *ptr)
{
	if (!ptr)
		return GN_OK;
	if ((uintptr_t)ptr % GN_HEAP_ALIGN != 0)
		return GN_ERR_INVALID_ARG;

	block_t *b = (block_t *)(void *)((char *)ptr - HEADER);
	if (bsize(b) < MIN_BLOCK || bsize(b) % GN_HEAP_ALIGN != 0)
		return GN_ERR_INVALID_ARG;
	if (!(b->head & USED))
		return GN_ERR_NOT_FOUND;

	b->head &= ~(size_t)USED;
	b = merge(heap, b);
	if ((b->head & (FIRST | LAST)) == (FIRST | LAST))
		release_chunk(heap, b);
	else
		bin_insert(heap, b);
	return GN_OK;
}

uint64_t gn_heap_quota_used(gn_heap_t const *heap)
{
	return heap->taken;
}

static gn_err_t as_source_alloc(void *ctx, size_t size, void **out)
{
	return gn_heap_alloc(ctx, size, out);
}

static void as_source_free(void *ctx, void *ptr, size_t size)
{
	(void)size;
	gn_err_t const err = gn_heap_free(ctx, ptr);
	(void)err; /* the source interface cannot report misuse */
}

gn_mem_source_t gn_heap_source(gn_heap_t *heap)
{
	return (gn_mem_source_t){.alloc = as_source_alloc, .free = as_source_free, .ctx = heap};
}
