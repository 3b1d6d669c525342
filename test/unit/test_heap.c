/* Heap: exact quota accounting against a counting memory source, misuse, random stress. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gneiss/heap.h>
#include <gneiss/slab.h>

#include "counting_source.h"

/* The heap, its quota and the source agree on every byte. */
static void assert_taken(
	gn_heap_t const *heap, gn_quota_t const *quota, struct source const *src, uint64_t bytes)
{
	assert_int_equal(gn_heap_quota_used(heap), bytes);
	assert_int_equal(quota->used, bytes);
	assert_int_equal(src->bytes, bytes);
}

enum {
	CHUNK = GN_HEAP_CHUNK_DEFAULT
};

/* ---- tests ------------------------------------------------------------------------------------ */

static void init_validates(void **state)
{
	(void)state;
	struct source src = fresh_source();
	gn_quota_t quota;
	gn_quota_init(&quota, 1 << 20);
	gn_heap_t heap;

	assert_int_equal(gn_heap_init(&heap, as_source(&src), &quota, 5000), GN_ERR_INVALID_ARG);
	assert_int_equal(gn_heap_init(&heap, as_source(&src), &quota, 2048), GN_ERR_INVALID_ARG);
	assert_int_equal(gn_heap_init(&heap, as_source(&src), NULL, 0), GN_ERR_INVALID_ARG);
	assert_int_equal(gn_heap_init(&heap, as_source(&src), &quota, 8192), GN_OK);
	assert_int_equal(heap.chunk_size, 8192);
	assert_int_equal(gn_heap_init(&heap, as_source(&src), &quota, 0), GN_OK);
	assert_int_equal(heap.chunk_size, CHUNK);
	assert_taken(&heap, &quota, &src, 0);
	assert_int_equal(src.calls, 0);
}

static void chunk_taken_and_returned(void **state)
{
	(void)state;
	struct source src = fresh_source();
	gn_quota_t quota;
	gn_quota_init(&quota, 1 << 20);
	gn_heap_t heap;
	assert_int_equal(gn_heap_init(&heap, as_source(&src), &quota, 0), GN_OK);

	void *p;
	assert_int_equal(gn_heap_alloc(&heap, 1, &p), GN_OK);
	assert_int_equal((uintptr_t)p % GN_HEAP_ALIGN, 0);
	assert_taken(&heap, &quota, &src, CHUNK);
	assert_int_equal(gn_heap_free(&heap, p), GN_OK);
	assert_taken(&heap, &quota, &src, 0);
	assert_int_equal(src.pieces, 0);

	assert_int_equal(gn_heap_free(&heap, NULL), GN_OK);
	assert_int_equal(gn_heap_alloc(&heap, 0, &p), GN_ERR_INVALID_ARG);
	assert_int_equal(gn_heap_alloc(&heap, SIZE_MAX, &p), GN_ERR_OUT_OF_RAM);
	assert_int_equal(gn_heap_alloc(&heap, SIZE_MAX / 2 - 64, &p), GN_ERR_OUT_OF_RAM);
	assert_taken(&heap, &quota, &src, 0);
}

/* Small allocations share a chunk until it is full; alignment and disjointness hold. */
static void small_allocations_share_chunks(void **state)
{
	(void)state;
	struct source src = fresh_source();
	gn_quota_t quota;
	gn_quota_init(&quota, 1 << 20);
	gn_heap_t heap;
	assert_int_equal(gn_heap_init(&heap, as_source(&src), &quota, 0), GN_OK);

	/* 100-byte requests take 112 + 16 bytes each; a chunk holds (16384 - 32) / 128 of them */
	enum {
		PER_CHUNK = (CHUNK - 32) / 128
	};
	static char *p[2 * PER_CHUNK];
	for (size_t i = 0; i < PER_CHUNK; i++) {
		assert_int_equal(gn_heap_alloc(&heap, 100, (void **)&p[i]), GN_OK);
		assert_int_equal((uintptr_t)p[i] % 16, 0);
		memset(p[i], (int)i, 100);
		if (i > 0)
			assert_int_equal(p[i] - p[i - 1], 128);
	}
	assert_taken(&heap, &quota, &src, CHUNK);
	assert_int_equal(gn_heap_alloc(&heap, 100, (void **)&p[PER_CHUNK]), GN_OK);
	assert_taken(&heap, &quota, &src, 2 * CHUNK);

	for (size_t i = 0; i < PER_CHUNK; i++) {
		for (size_t j = 0; j < 100; j++)
			assert_int_equal(p[i][j], (char)i);
		assert_int_equal(gn_heap_free(&heap, p[i]), GN_OK);
	}
	assert_taken(&heap, &quota, &src, CHUNK);
	assert_int_equal(gn_heap_free(&heap, p[PER_CHUNK]), GN_OK);
	assert_taken(&heap, &quota, &src, 0);
}

/* Requests that do not fit a standard chunk get their own, rounded to the granule. */
static void large_request_gets_own_chunk(void **state)
{
	(void)state;
	struct source src = fresh_source();
	gn_quota_t quota;
	gn_quota_init(&quota, 1 << 20);
	gn_heap_t heap;
	assert_int_equal(gn_heap_init(&heap, as_source(&src), &quota, 0), GN_OK);

	/* the largest block a standard chunk holds: 16384 - 32 (chunk) - 16 (block header) */
	void *fits, *big, *small;
	assert_int_equal(gn_heap_alloc(&heap, CHUNK - 48, &fits), GN_OK);
	assert_taken(&heap, &quota, &src, CHUNK);
	assert_int_equal(gn_heap_alloc(&heap, 100000, &big), GN_OK);
	/* 100000 + 16 + 32 rounded up to 4 KiB */
	assert_taken(&heap, &quota, &src, CHUNK + 102400);
	memset(big, 0x77, 100000);
	/* the rest of the large chunk serves small requests */
	assert_int_equal(gn_heap_alloc(&heap, 1000, &small), GN_OK);
	assert_taken(&heap, &quota, &src, CHUNK + 102400);
	assert_true((char *)small >= (char *)big + 100000);
	assert_int_equal(gn_heap_free(&heap, big), GN_OK);
	assert_taken(&heap, &quota, &src, CHUNK + 102400);
	assert_int_equal(gn_heap_free(&heap, small), GN_OK);
	assert_taken(&heap, &quota, &src, CHUNK);
	assert_int_equal(gn_heap_free(&heap, fits), GN_OK);
	assert_taken(&heap, &quota, &src, 0);

	assert_int_equal(gn_heap_alloc(&heap, CHUNK - 47, &big), GN_OK);
	assert_taken(&heap, &quota, &src, CHUNK + 4096);
	gn_heap_destroy(&heap);
	assert_taken(&heap, &quota, &src, 0);
}

/* Out of quota: no source call, nothing charged. A failing source: the charge is undone. */
static void exhaustion_changes_nothing(void **state)
{
	(void)state;
	struct source src = fresh_source();
	gn_quota_t quota;
	gn_quota_init(&quota, CHUNK + 4096);
	assert_int_equal(gn_quota_withdraw(&quota, 4096), GN_OK); /* someone else's share */
	gn_heap_t heap;
	assert_int_equal(gn_heap_init(&heap, as_source(&src), &quota, 0), GN_OK);

	void *a, *b = (void *)0x99;
	assert_int_equal(gn_heap_alloc(&heap, 16000, &a), GN_OK);
	assert_int_equal(quota.used, 4096 + CHUNK);
	size_t const calls = src.calls;
	assert_int_equal(gn_heap_alloc(&heap, 1000, &b), GN_ERR_OUT_OF_RAM);
	assert_int_equal(src.calls, calls);
	assert_ptr_equal(b, (void *)0x99);
	assert_int_equal(quota.used, 4096 + CHUNK);
	assert_int_equal(gn_heap_quota_used(&heap), CHUNK);

	assert_int_equal(gn_quota_upgrade(&quota, CHUNK), GN_OK);
	src.fail_after = src.successes;
	assert_int_equal(gn_heap_alloc(&heap, 1000, &b), GN_ERR_OUT_OF_RAM);
	assert_int_equal(src.calls, calls + 1);
	assert_int_equal(quota.used, 4096 + CHUNK);
	assert_int_equal(gn_heap_quota_used(&heap), CHUNK);

	src.misalign = true;
	src.fail_after = SIZE_MAX;
	assert_int_equal(gn_heap_alloc(&heap, 1000, &b), GN_ERR_INVALID_ARG);
	assert_int_equal(quota.used, 4096 + CHUNK);
	assert_int_equal(src.pieces, 1);

	src.misalign = false;
	assert_int_equal(gn_heap_alloc(&heap, 1000, &b), GN_OK);
	assert_int_equal(quota.used, 4096 + 2 * CHUNK);
	assert_int_equal(gn_heap_free(&heap, a), GN_OK);
	assert_int_equal(gn_heap_free(&heap, b), GN_OK);
	assert_int_equal(quota.used, 4096);
	assert_int_equal(src.bytes, 0);
}

static void misuse_is_refused(void **state)
{
	(void)state;
	struct source src = fresh_source();
	gn_quota_t quota;
	gn_quota_init(&quota, 1 << 20);
	gn_heap_t heap;
	assert_int_equal(gn_heap_init(&heap, as_source(&src), &quota, 0), GN_OK);

	char *keep, *a, *b;
	assert_int_equal(gn_heap_alloc(&heap, 64, (void **)&keep), GN_OK);
	assert_int_equal(gn_heap_alloc(&heap, 64, (void **)&a), GN_OK);
	assert_int_equal(gn_heap_alloc(&heap, 64, (void **)&b), GN_OK);
	memset(b, 0x3c, 64);

	assert_int_equal(gn_heap_free(&heap, a + 8), GN_ERR_INVALID_ARG);
	assert_int_equal(gn_heap_free(&heap, a), GN_OK);
	assert_int_equal(gn_heap_free(&heap, a), GN_ERR_NOT_FOUND);
	/* freed after its upper neighbour: the stale header still says free */
	assert_int_equal(gn_heap_free(&heap, b), GN_OK);
	assert_int_equal(gn_heap_free(&heap, b), GN_ERR_NOT_FOUND);
	assert_int_equal(gn_heap_free(&heap, a), GN_ERR_NOT_FOUND);
	assert_taken(&heap, &quota, &src, CHUNK);

	/* the merged space is handed out again in one piece */
	char *ab;
	assert_int_equal(gn_heap_alloc(&heap, 64 + 16 + 64, (void **)&ab), GN_OK);
	assert_ptr_equal(ab, a);
	assert_taken(&heap, &quota, &src, CHUNK);
	assert_int_equal(gn_heap_free(&heap, ab), GN_OK);
	assert_int_equal(gn_heap_free(&heap, keep), GN_OK);
	assert_taken(&heap, &quota, &src, 0);
}

/* Freeing in any order coalesces back into an empty chunk that is returned. */
static void coalesces_in_any_order(void **state)
{
	(void)state;
	static int const orders[][4] = {
		{0, 1, 2, 3},
		{3, 2, 1, 0},
		{1, 3, 0, 2},
		{2, 0, 3, 1},
		{1, 2, 0, 3},
	};
	for (size_t o = 0; o < GN_ARRAY_SIZE(orders); o++) {
		struct source src = fresh_source();
		gn_quota_t quota;
		gn_quota_init(&quota, 1 << 20);
		gn_heap_t heap;
		assert_int_equal(gn_heap_init(&heap, as_source(&src), &quota, 0), GN_OK);
		void *p[4];
		size_t const sizes[4] = {1000, 10, 3000, 12000};
		for (int i = 0; i < 4; i++)
			assert_int_equal(gn_heap_alloc(&heap, sizes[i], &p[i]), GN_OK);
		assert_taken(&heap, &quota, &src, CHUNK);
		for (int i = 0; i < 4; i++) {
			assert_int_equal(gn_heap_free(&heap, p[orders[o][i]]), GN_OK);
			assert_taken(&heap, &quota, &src, i < 3 ? CHUNK : 0);
		}
	}
}

static void heaps_share_a_quota(void **state)
{
	(void)state;
	struct source src = fresh_source();
	gn_quota_t quota;
	gn_quota_init(&quota, 3 * CHUNK);
	gn_heap_t h1, h2;
	assert_int_equal(gn_heap_init(&h1, as_source(&src), &quota, 0), GN_OK);
	assert_int_equal(gn_heap_init(&h2, as_source(&src), &quota, 0), GN_OK);

	void *a, *b, *c, *d;
	assert_int_equal(gn_heap_alloc(&h1, 10000, &a), GN_OK);
	assert_int_equal(gn_heap_alloc(&h2, 10000, &b), GN_OK);
	assert_int_equal(gn_heap_alloc(&h1, 10000, &c), GN_OK);
	assert_int_equal(quota.used, 3 * CHUNK);
	assert_int_equal(gn_heap_alloc(&h2, 10000, &d), GN_ERR_OUT_OF_RAM);
	assert_int_equal(gn_heap_quota_used(&h1), 2 * CHUNK);
	assert_int_equal(gn_heap_quota_used(&h2), CHUNK);
	gn_heap_destroy(&h1);
	assert_int_equal(quota.used, CHUNK);
	assert_int_equal(gn_heap_alloc(&h2, 10000, &d), GN_OK);
	assert_int_equal(quota.used, 2 * CHUNK);
	gn_heap_destroy(&h2);
	assert_int_equal(quota.used, 0);
	assert_int_equal(src.bytes, 0);
	assert_int_equal(src.pieces, 0);
	/* a destroyed heap works again */
	assert_int_equal(gn_heap_alloc(&h1, 10, &a), GN_OK);
	assert_int_equal(quota.used, CHUNK);
	gn_heap_destroy(&h1);
	assert_int_equal(quota.used, 0);
}

/* A slab whose blocks come from the heap: every byte still returns to the outer source. */
static void backs_a_slab(void **state)
{
	(void)state;
	struct source src = fresh_source();
	gn_quota_t quota;
	gn_quota_init(&quota, 1 << 20);
	gn_heap_t heap;
	assert_int_equal(gn_heap_init(&heap, as_source(&src), &quota, 0), GN_OK);
	gn_slab_t slab;
	assert_int_equal(gn_slab_init(&slab, gn_heap_source(&heap), 64, 1024), GN_OK);

	void *objs[100];
	for (int i = 0; i < 100; i++)
		assert_int_equal(gn_slab_alloc(&slab, &objs[i]), GN_OK);
	assert_true(gn_heap_quota_used(&heap) >= 100 * 64);
	assert_int_equal(quota.used, src.bytes);
	for (int i = 0; i < 100; i++)
		assert_int_equal(gn_slab_free(&slab, objs[i]), GN_OK);
	gn_slab_trim(&slab);
	assert_taken(&heap, &quota, &src, 0);

	gn_mem_source_t hs = gn_heap_source(&heap);
	void *p = NULL;
	assert_int_equal(hs.alloc(hs.ctx, 0, &p), GN_ERR_INVALID_ARG);
	assert_null(p);
	assert_int_equal(hs.alloc(hs.ctx, 100, &p), GN_OK);
	assert_taken(&heap, &quota, &src, CHUNK);
	hs.free(hs.ctx, p, 100);
	assert_taken(&heap, &quota, &src, 0);
}

static uint64_t next_random(uint64_t *rng)
{
	*rng ^= *rng << 13;
	*rng ^= *rng >> 7;
	*rng ^= *rng << 17;
	return *rng;
}

struct live {
	unsigned char *p;
	size_t size;
	unsigned char tag;
};

static int by_address(void const *a, void const *b)
{
	struct live const *x = a, *y = b;
	return x->p < y->p ? -1 : x->p > y->p;
}

static void check_disjoint(struct live *live, size_t n)
{
	struct live sorted[n ? n : 1];
	memcpy(sorted, live, n * sizeof(*live));
	qsort(sorted, n, sizeof(*sorted), by_address);
	for (size_t i = 1; i < n; i++)
		assert_true(sorted[i - 1].p + sorted[i - 1].size <= sorted[i].p);
}

/*
 * Random sizes, random order. Every allocation carries its own pattern, checked on free; live
 * allocations never overlap; heap, quota and source agree throughout; at the end everything is
 * back, and the quota refused some requests on the way without changing anything.
 */
static void random_stress(void **state)
{
	(void)state;
	enum {
		MAX_LIVE = 1500
	};
	static struct live live[MAX_LIVE];
	size_t nlive = 0, refused = 0;
	uint64_t rng = 0x853c49e6748fea9bu;
	struct source src = fresh_source();
	gn_quota_t quota;
	gn_quota_init(&quota, 2 * GN_MIB);
	gn_heap_t heap;
	assert_int_equal(gn_heap_init(&heap, as_source(&src), &quota, 0), GN_OK);

	for (unsigned op = 0; op < 30000; op++) {
		uint64_t const r = next_random(&rng);
		bool const grow = nlive == 0 || (nlive < MAX_LIVE && r % 100 < 55);
		if (grow) {
			size_t size = 1 + (size_t)(r >> 12) % 700;
			if ((r >> 40) % 50 == 0)
				size = 1 + (size_t)(r >> 20) % 60000;
			unsigned char *p;
			uint64_t const before = quota.used;
			gn_err_t const err = gn_heap_alloc(&heap, size, (void **)&p);
			if (err == GN_ERR_OUT_OF_RAM) {
				refused++;
				assert_int_equal(quota.used, before);
			} else {
				assert_int_equal(err, GN_OK);
				assert_int_equal((uintptr_t)p % 16, 0);
				memset(p, (int)(op % 251), size);
				live[nlive++] = (struct live){p, size, (unsigned char)(op % 251)};
			}
		} else {
			size_t const i = (size_t)(r >> 24) % nlive;
			for (size_t j = 0; j < live[i].size; j++)
				assert_int_equal(live[i].p[j], live[i].tag);
			assert_int_equal(gn_heap_free(&heap, live[i].p), GN_OK);
			live[i] = live[--nlive];
		}
		assert_int_equal(gn_heap_quota_used(&heap), quota.used);
		assert_int_equal(src.bytes, quota.used);
		if (op % 1000 == 0)
			check_disjoint(live, nlive);
	}
	assert_true(refused > 0);
	check_disjoint(live, nlive);
	while (nlive > 0) {
		nlive--;
		for (size_t j = 0; j < live[nlive].size; j++)
			assert_int_equal(live[nlive].p[j], live[nlive].tag);
		assert_int_equal(gn_heap_free(&heap, live[nlive].p), GN_OK);
	}
	assert_taken(&heap, &quota, &src, 0);
	assert_int_equal(src.pieces, 0);
}

int main(void)
{
	struct CMUnitTest const tests[] = {
		cmocka_unit_test(init_validates),
		cmocka_unit_test(chunk_taken_and_returned),
		cmocka_unit_test(small_allocations_share_chunks),
		cmocka_unit_test(large_request_gets_own_chunk),
		cmocka_unit_test(exhaustion_changes_nothing),
		cmocka_unit_test(misuse_is_refused),
		cmocka_unit_test(coalesces_in_any_order),
		cmocka_unit_test(heaps_share_a_quota),
		cmocka_unit_test(backs_a_slab),
		cmocka_unit_test(random_stress),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
