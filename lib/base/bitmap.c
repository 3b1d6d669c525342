/*
 * Bitmap ID allocator.
 *
 * Bit i of word i / 64 is set when id i is allocated. Bits at and above `capacity` in the last
 * word stay clear and are never handed out: allocation checks the id it found against the
 * capacity. `hint` is a lower bound of the first word with a free id, so allocating ids in order
 * costs O(1) per id; freeing moves the hint down. `count` always equals the number of set bits.
 */
#include <gneiss/bitmap.h>

static uint64_t bit(size_t id)
{
	return (uint64_t)1 << (id % 64);
}

gn_err_t gn_bitmap_init(gn_bitmap_t *bm, uint64_t *words, size_t nwords, size_t capacity)
{
	if (capacity == 0 || GN_BITMAP_WORDS(capacity) > nwords)
		return GN_ERR_INVALID_ARG;
	for (size_t i = 0; i < GN_BITMAP_WORDS(capacity); i++)
		words[i] = 0;
	bm->words = words;
	bm->capacity = capacity;
	bm->count = 0;
	bm->hint = 0;
	return GN_OK;
}

gn_err_t gn_bitmap_alloc(gn_bitmap_t *bm, size_t *id)
{
	size_t const nwords = GN_BITMAP_WORDS(bm->capacity);
	size_t w = bm->hint;

	while (w < nwords && bm->words[w] == UINT64_MAX)
		w++;
	bm->hint = w;
	if (w == nwords)
		return GN_ERR_LIMIT;

	size_t const found = w * 64 + (size_t)__builtin_ctzll(~bm->words[w]);
	if (found >= bm->capacity)
		return GN_ERR_LIMIT;
	bm->words[w] |= bit(found);
	bm->count++;
	*id = found;
	return GN_OK;
}

gn_err_t gn_bitmap_alloc_at(gn_bitmap_t *bm, size_t id)
{
	if (id >= bm->capacity)
		return GN_ERR_INVALID_ARG;
	if (bm->words[id / 64] & bit(id))
		return GN_ERR_EXISTS;
	bm->words[id / 64] |= bit(id);
	bm->count++;
	return GN_OK;
}

gn_err_t gn_bitmap_free(gn_bitmap_t *bm, size_t id)
{
	if (id >= bm->capacity)
		return GN_ERR_INVALID_ARG;
	if (!(bm->words[id / 64] & bit(id)))
		return GN_ERR_NOT_FOUND;
	bm->words[id / 64] &= ~bit(id);
	bm->count--;
	if (id / 64 < bm->hint)
		bm->hint = id / 64;
	return GN_OK;
}

bool gn_bitmap_is_set(gn_bitmap_t const *bm, size_t id)
{
	return id < bm->capacity && (bm->words[id / 64] & bit(id));
}

size_t gn_bitmap_count(gn_bitmap_t const *bm)
{
	return bm->count;
}
