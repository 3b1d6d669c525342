/*
 * Bitmap ID allocator: ids 0 .. capacity-1 over caller-provided words.
 *
 * For small, dense id spaces (capability slots, session ids, signal contexts). The caller owns
 * the words and keeps them alive as long as the bitmap; the bitmap allocates nothing. Allocation
 * takes the lowest free id.
 */
#ifndef GNEISS_BITMAP_H
#define GNEISS_BITMAP_H

#include <gneiss/error.h>
#include <gneiss/types.h>

/* Words needed for `capacity` ids. */
#define GN_BITMAP_WORDS(capacity) ((capacity) / 64 + ((capacity) % 64 != 0))

typedef struct {
	uint64_t *words;
	size_t capacity; /* ids 0 .. capacity-1 */
	size_t count;    /* ids allocated */
	size_t hint;     /* no word below this index has a free id */
} gn_bitmap_t;

/*
 * Sets up `bm` over `nwords` words at `words`, all ids free (the words are cleared).
 * GN_ERR_INVALID_ARG when `capacity` is 0 or needs more than `nwords` words.
 */
gn_err_t gn_bitmap_init(
	gn_bitmap_t *bm, uint64_t *words, size_t nwords, size_t capacity) GN_MUST_CHECK;

/* Allocates the lowest free id into *id. GN_ERR_LIMIT when all ids are taken. */
gn_err_t gn_bitmap_alloc(gn_bitmap_t *bm, size_t *id) GN_MUST_CHECK;

/* Allocates `id`. GN_ERR_INVALID_ARG when it is out of range, GN_ERR_EXISTS when taken. */
gn_err_t gn_bitmap_alloc_at(gn_bitmap_t *bm, size_t id) GN_MUST_CHECK;

/* Frees `id`. GN_ERR_INVALID_ARG when it is out of range, GN_ERR_NOT_FOUND when it is free. */
gn_err_t gn_bitmap_free(gn_bitmap_t *bm, size_t id) GN_MUST_CHECK;

/* True when `id` is allocated; false for free or out-of-range ids. */
bool gn_bitmap_is_set(gn_bitmap_t const *bm, size_t id);

/* Number of allocated ids. */
size_t gn_bitmap_count(gn_bitmap_t const *bm);

#endif
