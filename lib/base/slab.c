/*
 * Slab.
 *
 * A block is a header followed by `slots` slots of `stride` bytes. The header holds the block's
 * links in the avail list, a list of freed slots (linked through their first word), the number of
 * free slots, the index below which slots have been handed out at least once (`fresh`: slots at
 * and above it are free without being on the list, so a new block needs no initialising pass),
 * and one bit per slot that is set while the slot is allocated.
 *
 * Invariants:
 * - Every block the slab holds is in `dir`, sorted by address; the spare is one of them.
 * - A block other than the spare is in the avail list exactly when it has a free slot, and it
 *   always has a used one: a block whose last object is freed becomes the spare or goes back.
 * - `used` is the number of set bits over all blocks.
 *
 * Freeing trusts nothing about the pointer before the directory has placed it inside a block, so
 * a foreign pointer is refused without reading the memory it points to. The bit of the slot
 * tells a double free; only a pointer to a slot that was freed and handed out again is taken for
 * the new object, which no allocator can tell apart.
 *
 * Fetching a block takes the block, and a larger directory if needed, before anything changes, so
 * a failing source leaves the slab as it was.
 */
#include <gneiss/slab.h>

typedef struct gn_slab_block block_t;

struct gn_slab_block {
	block_t *next;
	block_t *prev;
	void *free_list;
	size_t nfree;
	size_t fresh;
	uint64_t in_use[];
};

enum {
	DIR_INITIAL = 8
};

static size_t round_up(size_t value, size_t align)
{
	return (value + align - 1) & ~(align - 1);
}

static size_t header_bytes(size_t slots)
{
	return round_up(sizeof(block_t) + (slots + 63) / 64 * sizeof(uint64_t), GN_SLAB_ALIGN);
}

static char *slot(gn_slab_t const *slab, block_t *b, size_t index)
{
	return (char *)b + slab->header_size + index * slab->stride;
}

static uint64_t bit(size_t index)
{
	return (uint64_t)1 << (index % 64);
}

/* ---- the avail list and the directory ---------------------------------------------------------- */

static void list_push(gn_slab_t *slab, block_t *b)
{
	b->prev = NULL;
	b->next = slab->avail;
	if (slab->avail)
		slab->avail->prev = b;
	slab->avail = b;
}

static void list_unlink(gn_slab_t *slab, block_t *b)
{
	if (b->prev)
		b->prev->next = b->next;
	else
		slab->avail = b->next;
	if (b->next)
		b->next->prev = b->prev;
}

/* Number of blocks at addresses <= p: the block that may contain p is the one before. */
static size_t dir_rank(gn_slab_t const *slab, uintptr_t p)
{
	size_t lo = 0, hi = slab->nblocks;

	while (lo < hi) {
		size_t const mid = lo + (hi - lo) / 2;
		if ((uintptr_t)slab->dir[mid] <= p)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void dir_insert(gn_slab_t *slab, block_t *b)
{
	size_t const pos = dir_rank(slab, (uintptr_t)b);

	for (size_t i = slab->nblocks; i > pos; i--)
		slab->dir[i] = slab->dir[i - 1];
	slab->dir[pos] = b;
	slab->nblocks++;
}

static void dir_remove(gn_slab_t *slab, block_t *b)
{
	size_t const pos = dir_rank(slab, (uintptr_t)b) - 1;

	for (size_t i = pos; i + 1 < slab->nblocks; i++)
		slab->dir[i] = slab->dir[i + 1];
	slab->nblocks--;
}

/* ---- blocks ----------------------------------------------------------------------------------- */

/* Memory from the source, refused (and given back) unless aligned as the source promised. */
static gn_err_t source_take(gn_slab_t *slab, size_t size, void **out)
{
	void *mem = NULL;
	gn_err_t const err = slab->source.alloc(slab->source.ctx, size, &mem);

	if (err != GN_OK)
		return err;
	if ((uintptr_t)mem % GN_SLAB_ALIGN != 0) {
		slab->source.free(slab->source.ctx, mem, size);
		return GN_ERR_INVALID_ARG;
	}
	*out = mem;
	return GN_OK;
}

static void source_give(gn_slab_t *slab, void *mem, size_t size)
{
	slab->source.free(slab->source.ctx, mem, size);
}

/* Takes a new block from the source into the directory and the avail list. */
static gn_err_t add_block(gn_slab_t *slab)
{
	block_t **dir = slab->dir;
	size_t cap = slab->dir_cap;
	void *mem;

	if (slab->nblocks == cap) {
		cap = cap ? cap * 2 : DIR_INITIAL;
		if (cap > SIZE_MAX / sizeof(*dir))
			return GN_ERR_OUT_OF_RAM;
		gn_err_t const err = source_take(slab, cap * sizeof(*dir), &mem);
		if (err != GN_OK)
			return err;
		dir = mem;
	}
	gn_err_t const err = source_take(slab, slab->block_size, &mem);
	if (err != GN_OK) {
		if (dir != slab->dir)
			source_give(slab, dir, cap * sizeof(*dir));
		return err;
	}
	if (dir != slab->dir) {
		for (size_t i = 0; i < slab->nblocks; i++)
			dir[i] = slab->dir[i];
		if (slab->dir)
			source_give(slab, slab->dir, slab->dir_cap * sizeof(*dir));
		slab->dir = dir;
		slab->dir_cap = cap;
	}

	block_t *b = mem;
	b->free_list = NULL;
	b->nfree = slab->slots;
	b->fresh = 0;
	for (size_t i = 0; i < (slab->slots + 63) / 64; i++)
		b->in_use[i] = 0;
	dir_insert(slab, b);
	list_push(slab, b);
	return GN_OK;
}

/* An empty block becomes the spare, or goes back to the source if there is one. */
static void retire(gn_slab_t *slab, block_t *b)
{
	if (!slab->spare) {
		slab->spare = b;
		return;
	}
	dir_remove(slab, b);
	source_give(slab, b, slab->block_size);
}

/* ---- public API ------------------------------------------------------------------------------- */

gn_err_t gn_slab_init(
	gn_slab_t *slab, gn_mem_source_t source, size_t object_size, size_t block_size)
{
	if (block_size == 0)
		block_size = GN_SLAB_BLOCK_DEFAULT;
	if (object_size == 0 || object_size > block_size || block_size > SIZE_MAX / 2)
		return GN_ERR_INVALID_ARG;

	size_t const min = object_size < sizeof(void *) ? sizeof(void *) : object_size;
	size_t const stride = round_up(min, GN_SLAB_ALIGN);
	if (block_size < header_bytes(1) + stride)
		return GN_ERR_INVALID_ARG;

	size_t slots = (block_size - header_bytes(1)) / stride;
	while (header_bytes(slots) + slots * stride > block_size)
		slots--;

	*slab = (gn_slab_t){
		.source = source,
		.object_size = object_size,
		.stride = stride,
		.block_size = block_size,
		.header_size = header_bytes(slots),
		.slots = slots,
	};
	return GN_OK;
}

void gn_slab_destroy(gn_slab_t *slab)
{
	for (size_t i = 0; i < slab->nblocks; i++)
		source_give(slab, slab->dir[i], slab->block_size);
	if (slab->dir)
		source_give(slab, slab->dir, slab->dir_cap * sizeof(*slab->dir));
	slab->dir = NULL;
	slab->dir_cap = 0;
	slab->nblocks = 0;
	slab->avail = NULL;
	slab->spare = NULL;
	slab->used = 0;
}

gn_err_t gn_slab_alloc(gn_slab_t *slab, void **out)
{
	if (!slab->avail) {
		if (slab->spare) {
			list_push(slab, slab->spare);
			slab->spare = NULL;
		} else {
			gn_err_t const err = add_block(slab);
			if (err != GN_OK)
				return err;
		}
	}

	block_t *b = slab->avail;
	char *obj;
	if (b->free_list) {
		obj = b->free_list;
		b->free_list = *(void **)(void *)obj;
	} else {
		obj = slot(slab, b, b->fresh++);
	}
	size_t const index = (size_t)(obj - slot(slab, b, 0)) / slab->stride;
	b->in_use[index / 64] |= bit(index);
	if (--b->nfree == 0)
		list_unlink(slab, b);
	slab->used++;
	*out = obj;
	return GN_OK;
}

gn_err_t gn_slab_free(gn_slab_t *slab, void *ptr)
{
	uintptr_t const p = (uintptr_t)ptr;
	size_t const rank = dir_rank(slab, p);
	if (rank == 0)
		return GN_ERR_INVALID_ARG;

	block_t *b = slab->dir[rank - 1];
	uintptr_t const first = (uintptr_t)slot(slab, b, 0);
	if (p < first || (p - first) % slab->stride != 0 ||
		(p - first) / slab->stride >= slab->slots)
		return GN_ERR_INVALID_ARG;
	size_t const index = (p - first) / slab->stride;
	if (!(b->in_use[index / 64] & bit(index)))
		return GN_ERR_NOT_FOUND;

	b->in_use[index / 64] &= ~bit(index);
	*(void **)ptr = b->free_list;
	b->free_list = ptr;
	slab->used--;
	if (b->nfree++ == 0)
		list_push(slab, b);
	if (b->nfree == slab->slots) {
		list_unlink(slab, b);
		retire(slab, b);
	}
	return GN_OK;
}

void gn_slab_trim(gn_slab_t *slab)
{
	if (slab->spare) {
		dir_remove(slab, slab->spare);
		source_give(slab, slab->spare, slab->block_size);
		slab->spare = NULL;
	}
	if (slab->nblocks == 0 && slab->dir) {
		source_give(slab, slab->dir, slab->dir_cap * sizeof(*slab->dir));
		slab->dir = NULL;
		slab->dir_cap = 0;
	}
}

size_t gn_slab_used(gn_slab_t const *slab)
{
	return slab->used;
}

size_t gn_slab_blocks(gn_slab_t const *slab)
{
	return slab->nblocks;
}

size_t gn_slab_slots_per_block(gn_slab_t const *slab)
{
	return slab->slots;
}

static gn_err_t as_source_alloc(void *ctx, size_t size, void **out)
{
	gn_slab_t *slab = ctx;

	if (size > slab->object_size)
		return GN_ERR_INVALID_ARG;
	return gn_slab_alloc(slab, out);
}

static void as_source_free(void *ctx, void *ptr, size_t size)
{
	(void)size;
	gn_err_t const err = gn_slab_free(ctx, ptr);
	(void)err; /* the source interface cannot report a refused pointer */
}

gn_mem_source_t gn_slab_source(gn_slab_t *slab)
{
	return (gn_mem_source_t){.alloc = as_source_alloc, .free = as_source_free, .ctx = slab};
}
