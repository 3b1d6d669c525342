/* Range allocator: exact metadata use, errors that change nothing, a shadow-model stress test. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gneiss/range_alloc.h>
#include <gneiss/slab.h>

/* ---- test double: metadata from malloc, counted, with failure injection ------------------------ */

struct meta {
	size_t nodes;      /* outstanding */
	size_t successes;  /* allocations handed out so far */
	size_t fail_after; /* successes after which alloc refuses */
};

static gn_err_t meta_alloc(void *ctx, size_t size, void **out)
{
	struct meta *m = ctx;
	assert_int_equal(size, GN_RANGE_ALLOC_META_SIZE);
	if (m->successes >= m->fail_after)
		return GN_ERR_OUT_OF_RAM;
	*out = aligned_alloc(16, GN_RANGE_ALLOC_META_SIZE);
	assert_non_null(*out);
	m->nodes++;
	m->successes++;
	return GN_OK;
}

static void meta_free(void *ctx, void *ptr, size_t size)
{
	struct meta *m = ctx;
	assert_int_equal(size, GN_RANGE_ALLOC_META_SIZE);
	assert_true(m->nodes > 0);
	m->nodes--;
	free(ptr);
}

static void setup_ra(gn_range_alloc_t *ra, struct meta *m)
{
	*m = (struct meta){.fail_after = SIZE_MAX};
	gn_range_alloc_init(
		ra, (gn_mem_source_t){.alloc = meta_alloc, .free = meta_free, .ctx = m});
}

/* Lets the next `n` node allocations succeed and the one after fail. */
static void fail_after(struct meta *m, size_t n)
{
	m->fail_after = m->successes + n;
}

/* ---- snapshots: everything observable about an allocator ------------------------------------- */

enum {
	SNAP_MAX = 64
};

struct snap {
	uint64_t avail;
	size_t count, nodes, nfree, nused;
	uint64_t free[SNAP_MAX][2], used[SNAP_MAX][2];
};

static void snapshot(gn_range_alloc_t const *ra, struct meta const *m, struct snap *s)
{
	uint64_t base, size;
	memset(s, 0, sizeof(*s));
	s->avail = gn_range_alloc_avail(ra);
	s->count = gn_range_alloc_count(ra);
	s->nodes = m->nodes;
	for (uint64_t from = 0; gn_range_alloc_next_free(ra, from, &base, &size) == GN_OK;
		from = base + 1) {
		assert_true(s->nfree < SNAP_MAX);
		s->free[s->nfree][0] = base;
		s->free[s->nfree++][1] = size;
	}
	for (uint64_t from = 0; gn_range_alloc_next(ra, from, &base, &size) == GN_OK;
		from = base + 1) {
		assert_true(s->nused < SNAP_MAX);
		s->used[s->nused][0] = base;
		s->used[s->nused++][1] = size;
	}
}

static void assert_unchanged(
	gn_range_alloc_t const *ra, struct meta const *m, struct snap const *before)
{
	struct snap now;
	snapshot(ra, m, &now);
	assert_memory_equal(&now, before, sizeof(now));
}

/* The free ranges, as {base, size} pairs ending with {0, 0}. */
static void assert_free_ranges(gn_range_alloc_t const *ra, uint64_t const (*want)[2])
{
	uint64_t base, size, from = 0;
	size_t i = 0;
	for (; gn_range_alloc_next_free(ra, from, &base, &size) == GN_OK; from = base + 1, i++) {
		assert_int_not_equal(want[i][1], 0);
		assert_int_equal(base, want[i][0]);
		assert_int_equal(size, want[i][1]);
	}
	assert_int_equal(want[i][1], 0);
}

/* ---- tests ------------------------------------------------------------------------------------ */

static void add_validates_and_merges(void **state)
{
	(void)state;
	gn_range_alloc_t ra;
	struct meta m;
	setup_ra(&ra, &m);

	assert_int_equal(gn_range_alloc_add(&ra, 0x1000, 0), GN_ERR_INVALID_ARG);
	assert_int_equal(gn_range_alloc_add(&ra, UINT64_MAX - 9, 11), GN_ERR_INVALID_ARG);
	assert_int_equal(gn_range_alloc_add(&ra, 1, UINT64_MAX), GN_ERR_INVALID_ARG);
	assert_int_equal(m.nodes, 0);

	assert_int_equal(gn_range_alloc_add(&ra, 0x3000, 0x1000), GN_OK);
	assert_int_equal(gn_range_alloc_add(&ra, 0x1000, 0x1000), GN_OK);
	assert_int_equal(m.nodes, 2);
	assert_int_equal(gn_range_alloc_avail(&ra), 0x2000);

	/* overlaps in every position */
	struct snap before;
	snapshot(&ra, &m, &before);
	assert_int_equal(gn_range_alloc_add(&ra, 0x1000, 0x1000), GN_ERR_EXISTS);
	assert_int_equal(gn_range_alloc_add(&ra, 0x0800, 0x0801), GN_ERR_EXISTS);
	assert_int_equal(gn_range_alloc_add(&ra, 0x1fff, 0x10), GN_ERR_EXISTS);
	assert_int_equal(gn_range_alloc_add(&ra, 0x1800, 0x100), GN_ERR_EXISTS);
	assert_int_equal(gn_range_alloc_add(&ra, 0x0000, 0x10000), GN_ERR_EXISTS);
	assert_int_equal(gn_range_alloc_add(&ra, 0x2fff, 2), GN_ERR_EXISTS);
	assert_unchanged(&ra, &m, &before);

	/* touching ranges merge: below, above, and bridging two */
	assert_int_equal(gn_range_alloc_add(&ra, 0x0800, 0x0800), GN_OK);
	assert_int_equal(gn_range_alloc_add(&ra, 0x4000, 0x0100), GN_OK);
	assert_int_equal(m.nodes, 2);
	assert_free_ranges(&ra, (uint64_t const[][2]){{0x800, 0x1800}, {0x3000, 0x1100}, {0}});
	assert_int_equal(gn_range_alloc_add(&ra, 0x2000, 0x1000), GN_OK);
	assert_int_equal(m.nodes, 1);
	assert_free_ranges(&ra, (uint64_t const[][2]){{0x800, 0x3900}, {0}});
	assert_int_equal(gn_range_alloc_avail(&ra), 0x3900);

	/* out of metadata: a range that merges with nothing needs a node */
	snapshot(&ra, &m, &before);
	fail_after(&m, 0);
	assert_int_equal(gn_range_alloc_add(&ra, 0x10000, 0x100), GN_ERR_OUT_OF_RAM);
	assert_unchanged(&ra, &m, &before);
	/* but merging needs none */
	assert_int_equal(gn_range_alloc_add(&ra, 0x4100, 0x100), GN_OK);
	assert_int_equal(gn_range_alloc_avail(&ra), 0x3a00);

	gn_range_alloc_destroy(&ra);
	assert_int_equal(m.nodes, 0);
	assert_int_equal(gn_range_alloc_avail(&ra), 0);
}

static void alloc_first_fit_with_alignment(void **state)
{
	(void)state;
	gn_range_alloc_t ra;
	struct meta m;
	setup_ra(&ra, &m);
	uint64_t a = 0;

	assert_int_equal(gn_range_alloc_alloc(&ra, 1, 0, &a), GN_ERR_LIMIT);
	assert_int_equal(gn_range_alloc_add(&ra, 0x1010, 0x0ff0), GN_OK);
	assert_int_equal(gn_range_alloc_add(&ra, 0x4000, 0x4000), GN_OK);

	assert_int_equal(gn_range_alloc_alloc(&ra, 0, 0, &a), GN_ERR_INVALID_ARG);
	assert_int_equal(gn_range_alloc_alloc(&ra, 1, 64, &a), GN_ERR_INVALID_ARG);

	/* lowest address first; the tail stays free */
	assert_int_equal(gn_range_alloc_alloc(&ra, 0x10, 0, &a), GN_OK);
	assert_int_equal(a, 0x1010);
	assert_int_equal(m.nodes, 3);
	/* alignment skips into the range: pad, allocation and tail */
	assert_int_equal(gn_range_alloc_alloc(&ra, 0x100, 8, &a), GN_OK);
	assert_int_equal(a, 0x1100);
	assert_int_equal(m.nodes, 5);
	assert_free_ranges(
		&ra, (uint64_t const[][2]){{0x1020, 0xe0}, {0x1200, 0xe00}, {0x4000, 0x4000}, {0}});
	/* too big for the first range: the second */
	assert_int_equal(gn_range_alloc_alloc(&ra, 0x1000, 0, &a), GN_OK);
	assert_int_equal(a, 0x4000);
	/* aligned to 16 KiB: only 0x8000 would do, and it is past the end */
	assert_int_equal(gn_range_alloc_alloc(&ra, 0x10, 14, &a), GN_ERR_LIMIT);
	/* fits exactly in the pad */
	assert_int_equal(gn_range_alloc_alloc(&ra, 0xe0, 4, &a), GN_OK);
	assert_int_equal(a, 0x1020);
	assert_int_equal(gn_range_alloc_count(&ra), 4);
	assert_int_equal(gn_range_alloc_avail(&ra), 0xff0 + 0x4000 - 0x10 - 0x100 - 0x1000 - 0xe0);

	struct snap before;
	snapshot(&ra, &m, &before);
	assert_int_equal(gn_range_alloc_alloc(&ra, 0x3001, 0, &a), GN_ERR_LIMIT);
	assert_int_equal(gn_range_alloc_alloc(&ra, UINT64_MAX, 0, &a), GN_ERR_LIMIT);
	/* out of metadata at the first and at the second of two nodes needed (pad and tail) */
	for (size_t ok = 0; ok < 2; ok++) {
		fail_after(&m, ok);
		assert_int_equal(gn_range_alloc_alloc(&ra, 0x10, 10, &a), GN_ERR_OUT_OF_RAM);
		assert_unchanged(&ra, &m, &before);
	}
	/* one node suffices without a pad */
	fail_after(&m, 1);
	assert_int_equal(gn_range_alloc_alloc(&ra, 0x10, 4, &a), GN_OK);
	assert_int_equal(a, 0x1200);
	m.fail_after = SIZE_MAX;
	assert_int_equal(gn_range_alloc_alloc(&ra, 0x10, 10, &a), GN_OK);
	assert_int_equal(a, 0x1400);

	/* free everything: back to the two ranges added, two nodes */
	uint64_t base, size;
	while (gn_range_alloc_next(&ra, 0, &base, &size) == GN_OK)
		assert_int_equal(gn_range_alloc_free(&ra, base), GN_OK);
	assert_free_ranges(&ra, (uint64_t const[][2]){{0x1010, 0xff0}, {0x4000, 0x4000}, {0}});
	assert_int_equal(m.nodes, 2);
	assert_int_equal(gn_range_alloc_count(&ra), 0);
	gn_range_alloc_destroy(&ra);
	assert_int_equal(m.nodes, 0);
}

static void alloc_at_and_remove_conflicts(void **state)
{
	(void)state;
	gn_range_alloc_t ra;
	struct meta m;
	setup_ra(&ra, &m);

	assert_int_equal(gn_range_alloc_add(&ra, 0x10000, 0x10000), GN_OK);
	assert_int_equal(gn_range_alloc_add(&ra, 0x30000, 0x10000), GN_OK);
	assert_int_equal(gn_range_alloc_alloc_at(&ra, 0x18000, 0x1000), GN_OK);
	assert_int_equal(gn_range_alloc_alloc_at(&ra, 0x10000, 0x1000), GN_OK);
	assert_int_equal(gn_range_alloc_alloc_at(&ra, 0x3f000, 0x1000), GN_OK);

	struct snap before;
	snapshot(&ra, &m, &before);
	assert_int_equal(gn_range_alloc_alloc_at(&ra, 0x1000, 0), GN_ERR_INVALID_ARG);
	assert_int_equal(gn_range_alloc_alloc_at(&ra, UINT64_MAX, 1), GN_ERR_INVALID_ARG);
	assert_int_equal(gn_range_alloc_alloc_at(&ra, 0x18000, 0x1000), GN_ERR_EXISTS);
	assert_int_equal(gn_range_alloc_alloc_at(&ra, 0x17fff, 2), GN_ERR_EXISTS);
	assert_int_equal(gn_range_alloc_alloc_at(&ra, 0x18fff, 0x10), GN_ERR_EXISTS);
	assert_int_equal(gn_range_alloc_alloc_at(&ra, 0x11000, 0x20000), GN_ERR_EXISTS);
	assert_int_equal(gn_range_alloc_alloc_at(&ra, 0x0, 0x100), GN_ERR_NOT_FOUND);
	assert_int_equal(gn_range_alloc_alloc_at(&ra, 0x1f000, 0x2000), GN_ERR_NOT_FOUND);
	assert_int_equal(gn_range_alloc_alloc_at(&ra, 0x20000, 0x10000), GN_ERR_NOT_FOUND);
	assert_int_equal(gn_range_alloc_alloc_at(&ra, 0x2f000, 0x2000), GN_ERR_NOT_FOUND);
	/* a gap and an allocation: the allocation is named */
	assert_int_equal(gn_range_alloc_alloc_at(&ra, 0x1f000, 0x30000), GN_ERR_EXISTS);
	assert_unchanged(&ra, &m, &before);

	assert_int_equal(gn_range_alloc_remove(&ra, 0x18000, 0x1000), GN_ERR_EXISTS);
	assert_int_equal(gn_range_alloc_remove(&ra, 0x17000, 0x2000), GN_ERR_EXISTS);
	assert_int_equal(gn_range_alloc_remove(&ra, 0x1f000, 0x2000), GN_ERR_NOT_FOUND);
	assert_int_equal(gn_range_alloc_remove(&ra, 0, 0), GN_ERR_INVALID_ARG);
	assert_int_equal(gn_range_alloc_remove(&ra, 2, UINT64_MAX - 1), GN_ERR_INVALID_ARG);
	assert_unchanged(&ra, &m, &before);

	/* removing the middle of a free range needs a node */
	fail_after(&m, 0);
	assert_int_equal(gn_range_alloc_remove(&ra, 0x12000, 0x1000), GN_ERR_OUT_OF_RAM);
	assert_unchanged(&ra, &m, &before);
	m.fail_after = SIZE_MAX;
	assert_int_equal(gn_range_alloc_remove(&ra, 0x12000, 0x1000), GN_OK);
	/* its edges and a whole range need none */
	fail_after(&m, 0);
	assert_int_equal(gn_range_alloc_remove(&ra, 0x11000, 0x1000), GN_OK);
	assert_int_equal(gn_range_alloc_remove(&ra, 0x17000, 0x1000), GN_OK);
	assert_int_equal(gn_range_alloc_remove(&ra, 0x13000, 0x4000), GN_OK);
	assert_free_ranges(&ra, (uint64_t const[][2]){{0x19000, 0x7000}, {0x30000, 0xf000}, {0}});
	assert_int_equal(gn_range_alloc_avail(&ra), 0x7000 + 0xf000);

	/* alloc_at needs as many nodes as alloc */
	snapshot(&ra, &m, &before);
	assert_int_equal(gn_range_alloc_alloc_at(&ra, 0x31000, 0x10), GN_ERR_OUT_OF_RAM);
	fail_after(&m, 1);
	assert_int_equal(gn_range_alloc_alloc_at(&ra, 0x31000, 0x10), GN_ERR_OUT_OF_RAM);
	assert_unchanged(&ra, &m, &before);
	fail_after(&m, 1);
	assert_int_equal(gn_range_alloc_alloc_at(&ra, 0x30000, 0x10), GN_OK);
	m.fail_after = SIZE_MAX;

	/* freed allocations return to the space they came from; a removed range stays removed */
	assert_int_equal(gn_range_alloc_free(&ra, 0x10000), GN_OK);
	assert_int_equal(gn_range_alloc_free(&ra, 0x18000), GN_OK);
	assert_int_equal(gn_range_alloc_free(&ra, 0x3f000), GN_OK);
	assert_int_equal(gn_range_alloc_free(&ra, 0x30000), GN_OK);
	assert_free_ranges(&ra, (uint64_t const[][2]){{0x10000, 0x1000}, {0x18000, 0x8000},
					{0x30000, 0x10000}, {0}});
	assert_int_equal(gn_range_alloc_remove(&ra, 0x30000, 0x10000), GN_OK);
	assert_int_equal(gn_range_alloc_remove(&ra, 0x10000, 0x1000), GN_OK);
	assert_int_equal(gn_range_alloc_remove(&ra, 0x18000, 0x8000), GN_OK);
	assert_int_equal(gn_range_alloc_avail(&ra), 0);
	assert_int_equal(m.nodes, 0);
}

static void free_and_lookup(void **state)
{
	(void)state;
	gn_range_alloc_t ra;
	struct meta m;
	setup_ra(&ra, &m);
	uint64_t a, b, c, base, size;

	assert_int_equal(gn_range_alloc_add(&ra, 100, 1000), GN_OK);
	assert_int_equal(gn_range_alloc_alloc(&ra, 10, 0, &a), GN_OK);
	assert_int_equal(gn_range_alloc_alloc(&ra, 20, 0, &b), GN_OK);
	assert_int_equal(gn_range_alloc_alloc(&ra, 30, 0, &c), GN_OK);
	assert_int_equal(a, 100);
	assert_int_equal(b, 110);
	assert_int_equal(c, 130);

	assert_int_equal(gn_range_alloc_lookup(&ra, 129, &base, &size), GN_OK);
	assert_int_equal(base, 110);
	assert_int_equal(size, 20);
	assert_int_equal(gn_range_alloc_lookup(&ra, 130, &base, &size), GN_OK);
	assert_int_equal(base, 130);
	assert_int_equal(gn_range_alloc_lookup(&ra, 160, &base, &size), GN_ERR_NOT_FOUND);
	assert_int_equal(gn_range_alloc_lookup(&ra, 99, &base, &size), GN_ERR_NOT_FOUND);
	assert_int_equal(gn_range_alloc_lookup(&ra, 0, &base, &size), GN_ERR_NOT_FOUND);

	struct snap before;
	snapshot(&ra, &m, &before);
	assert_int_equal(gn_range_alloc_free(&ra, 111), GN_ERR_NOT_FOUND);  /* interior */
	assert_int_equal(gn_range_alloc_free(&ra, 160), GN_ERR_NOT_FOUND);  /* free space */
	assert_int_equal(gn_range_alloc_free(&ra, 5000), GN_ERR_NOT_FOUND); /* unmanaged */
	assert_int_equal(gn_range_alloc_free(&ra, 0), GN_ERR_NOT_FOUND);
	assert_int_equal(gn_range_alloc_free(&ra, UINT64_MAX), GN_ERR_NOT_FOUND);
	assert_unchanged(&ra, &m, &before);

	/* free the middle one: a hole between two allocations; then each side merges */
	assert_int_equal(gn_range_alloc_free(&ra, b), GN_OK);
	assert_int_equal(gn_range_alloc_free(&ra, b), GN_ERR_NOT_FOUND);
	assert_int_equal(gn_range_alloc_lookup(&ra, b, &base, &size), GN_ERR_NOT_FOUND);
	assert_int_equal(m.nodes, 4);
	assert_int_equal(gn_range_alloc_free(&ra, c), GN_OK);
	assert_int_equal(m.nodes, 2);
	assert_free_ranges(&ra, (uint64_t const[][2]){{110, 990}, {0}});
	/* the freed space is allocated again, lowest first */
	assert_int_equal(gn_range_alloc_alloc(&ra, 5, 0, &b), GN_OK);
	assert_int_equal(b, 110);
	assert_int_equal(gn_range_alloc_free(&ra, a), GN_OK);
	assert_int_equal(gn_range_alloc_free(&ra, b), GN_OK);
	assert_int_equal(m.nodes, 1);
	assert_int_equal(gn_range_alloc_avail(&ra), 1000);
	assert_int_equal(gn_range_alloc_count(&ra), 0);
	gn_range_alloc_destroy(&ra);
}

/* The whole space but its last address; alignments up to 2^63; allocations touching the top. */
static void edges_of_the_space(void **state)
{
	(void)state;
	gn_range_alloc_t ra;
	struct meta m;
	setup_ra(&ra, &m);
	uint64_t a, base, size;

	assert_int_equal(gn_range_alloc_add(&ra, 0, UINT64_MAX), GN_OK);
	assert_int_equal(gn_range_alloc_avail(&ra), UINT64_MAX);
	assert_int_equal(gn_range_alloc_add(&ra, UINT64_MAX - 1, 1), GN_ERR_EXISTS);

	assert_int_equal(gn_range_alloc_alloc(&ra, 1, 63, &a), GN_OK);
	assert_int_equal(a, 0);
	assert_int_equal(gn_range_alloc_alloc(&ra, 1, 63, &a), GN_OK);
	assert_int_equal(a, (uint64_t)1 << 63);
	assert_int_equal(gn_range_alloc_alloc(&ra, 1, 63, &a), GN_ERR_LIMIT);
	assert_int_equal(gn_range_alloc_alloc_at(&ra, UINT64_MAX - 16, 16), GN_OK);
	assert_int_equal(gn_range_alloc_lookup(&ra, UINT64_MAX - 1, &base, &size), GN_OK);
	assert_int_equal(base, UINT64_MAX - 16);
	assert_int_equal(gn_range_alloc_lookup(&ra, UINT64_MAX, &base, &size), GN_ERR_NOT_FOUND);
	assert_int_equal(gn_range_alloc_alloc(&ra, 16, 4, &a), GN_OK);
	assert_int_equal(a, 16);
	/* nothing aligned to 2^62 fits any more above 2^63 + 1 ... except 2^63 + 2^62 */
	assert_int_equal(gn_range_alloc_alloc(&ra, 1, 62, &a), GN_OK);
	assert_int_equal(a, (uint64_t)1 << 62);
	assert_int_equal(gn_range_alloc_alloc(&ra, 1, 62, &a), GN_OK);
	assert_int_equal(a, (uint64_t)3 << 62);
	assert_int_equal(gn_range_alloc_alloc(&ra, 1, 62, &a), GN_ERR_LIMIT);
	/* first fit: the range above the 16 bytes at 16 */
	assert_int_equal(gn_range_alloc_alloc(&ra, (uint64_t)1 << 62, 0, &a), GN_ERR_LIMIT);
	assert_int_equal(gn_range_alloc_alloc(&ra, ((uint64_t)1 << 62) - 32, 0, &a), GN_OK);
	assert_int_equal(a, 32);
	assert_int_equal(
		gn_range_alloc_avail(&ra), UINT64_MAX - 4 - 16 - 16 - (((uint64_t)1 << 62) - 32));

	uint64_t from = 0, n = 0;
	while (gn_range_alloc_next(&ra, from, &base, &size) == GN_OK) {
		from = base + 1;
		n++;
	}
	assert_int_equal(n, 7);
	while (gn_range_alloc_next(&ra, 0, &base, &size) == GN_OK)
		assert_int_equal(gn_range_alloc_free(&ra, base), GN_OK);
	assert_int_equal(gn_range_alloc_avail(&ra), UINT64_MAX);
	assert_int_equal(m.nodes, 1);
	assert_int_equal(gn_range_alloc_remove(&ra, 0, UINT64_MAX), GN_OK);
	assert_int_equal(m.nodes, 0);
}

static void destroy_with_allocations(void **state)
{
	(void)state;
	gn_range_alloc_t ra;
	struct meta m;
	setup_ra(&ra, &m);
	uint64_t a;

	for (uint64_t i = 0; i < 50; i++)
		assert_int_equal(gn_range_alloc_add(&ra, i * 0x1000, 0x800), GN_OK);
	for (int i = 0; i < 75; i++)
		assert_int_equal(gn_range_alloc_alloc(&ra, 0x300, 0, &a), GN_OK);
	assert_int_equal(m.nodes, 50 + 75);
	gn_range_alloc_destroy(&ra);
	assert_int_equal(m.nodes, 0);
	assert_int_equal(gn_range_alloc_count(&ra), 0);
	/* usable again */
	assert_int_equal(gn_range_alloc_add(&ra, 0, 10), GN_OK);
	assert_int_equal(gn_range_alloc_alloc(&ra, 10, 0, &a), GN_OK);
	gn_range_alloc_destroy(&ra);
	assert_int_equal(m.nodes, 0);
}

static uint64_t next_random(uint64_t *rng)
{
	*rng ^= *rng << 13;
	*rng ^= *rng >> 7;
	*rng ^= *rng << 17;
	return *rng;
}

/* ---- counting source for the slab used as the metadata source -------------------------------- */

struct counter {
	size_t bytes;
};

static gn_err_t counted_alloc(void *ctx, size_t size, void **out)
{
	*out = aligned_alloc(16, (size + 15) / 16 * 16);
	assert_non_null(*out);
	((struct counter *)ctx)->bytes += size;
	return GN_OK;
}

static void counted_free(void *ctx, void *ptr, size_t size)
{
	((struct counter *)ctx)->bytes -= size;
	free(ptr);
}

/* Ten thousand allocations with metadata from a slab, in well under a second. */
static void ten_thousand_quickly(void **state)
{
	(void)state;
	enum {
		N = 10000
	};
	static uint64_t addr[N];
	struct counter cnt = {0};
	gn_slab_t slab;
	assert_int_equal(gn_slab_init(&slab,
				 (gn_mem_source_t){
					 .alloc = counted_alloc, .free = counted_free, .ctx = &cnt},
				 GN_RANGE_ALLOC_META_SIZE, 0),
		GN_OK);
	gn_range_alloc_t ra;
	gn_range_alloc_init(&ra, gn_slab_source(&slab));
	clock_t const start = clock();

	assert_int_equal(gn_range_alloc_add(&ra, 0x100000, (uint64_t)N * 0x1000 * 2), GN_OK);
	for (int i = 0; i < N; i++) {
		assert_int_equal(
			gn_range_alloc_alloc(&ra, 0x1000 + (uint64_t)(i % 7) * 16, 12, &addr[i]),
			GN_OK);
		assert_int_equal(addr[i] % 0x1000, 0);
		if (i > 0)
			assert_true(addr[i] > addr[i - 1]);
	}
	assert_int_equal(gn_range_alloc_count(&ra), N);
	/* every other one freed, then allocated again into the holes (first fit) */
	for (int i = 0; i < N; i += 2)
		assert_int_equal(gn_range_alloc_free(&ra, addr[i]), GN_OK);
	for (int i = 0; i < N; i += 2) {
		uint64_t a;
		assert_int_equal(
			gn_range_alloc_alloc(&ra, 0x1000 + (uint64_t)(i % 7) * 16, 12, &a), GN_OK);
		assert_int_equal(a, addr[i]);
	}
	uint64_t rng = 7;
	for (int i = N - 1; i > 0; i--) {
		int const j = (int)(next_random(&rng) % (uint64_t)(i + 1));
		uint64_t const t = addr[i];
		addr[i] = addr[j];
		addr[j] = t;
	}
	for (int i = 0; i < N; i++)
		assert_int_equal(gn_range_alloc_free(&ra, addr[i]), GN_OK);

	double const seconds = (double)(clock() - start) / CLOCKS_PER_SEC;
	assert_true(seconds < 1.0);
	assert_int_equal(gn_range_alloc_avail(&ra), (uint64_t)N * 0x1000 * 2);
	assert_int_equal(gn_slab_used(&slab), 1);
	gn_range_alloc_destroy(&ra);
	assert_int_equal(gn_slab_used(&slab), 0);
	gn_slab_trim(&slab);
	assert_int_equal(cnt.bytes, 0);
}

/*
 * Random operations over a small space mirrored in a byte map (0 unmanaged, 1 free, 2+ the
 * allocation's number). Checked after every step: no allocation overlaps another or leaves the
 * managed space, avail and count match, and every so often the free ranges are exactly the maximal
 * runs of free bytes and the metadata nodes exactly one per run and per allocation.
 */
enum {
	SPACE = 4096
};

struct model {
	unsigned char map[SPACE];
	uint64_t base[SPACE], size[SPACE];
	size_t n;
	uint64_t avail;
};

static void model_mark(
	struct model *md, uint64_t base, uint64_t size, unsigned char expect, unsigned char value)
{
	for (uint64_t i = base; i < base + size; i++) {
		assert_int_equal(md->map[i], expect);
		md->map[i] = value;
	}
}

static void check_free_runs(gn_range_alloc_t const *ra, struct model const *md, struct meta *m)
{
	uint64_t base, size, from = 0;
	size_t runs = 0;
	for (uint64_t i = 0; i < SPACE; i++) {
		if (md->map[i] != 1 || (i > 0 && md->map[i - 1] == 1))
			continue;
		uint64_t end = i;
		while (end < SPACE && md->map[end] == 1)
			end++;
		assert_int_equal(gn_range_alloc_next_free(ra, from, &base, &size), GN_OK);
		assert_int_equal(base, i);
		assert_int_equal(size, end - i);
		from = base + 1;
		runs++;
	}
	assert_int_equal(gn_range_alloc_next_free(ra, from, &base, &size), GN_ERR_NOT_FOUND);
	assert_int_equal(m->nodes, runs + md->n);
}

/* What alloc_at or remove of [at, at + size) must answer, seen from the model. */
static gn_err_t model_conflict(struct model const *md, uint64_t at, uint64_t size)
{
	bool all_free = true;
	for (uint64_t k = at; k < at + size; k++) {
		unsigned char const v = k < SPACE ? md->map[k] : 0;
		if (v >= 2)
			return GN_ERR_EXISTS;
		all_free = all_free && v == 1;
	}
	return all_free ? GN_OK : GN_ERR_NOT_FOUND;
}

/* Adds [at, at + size) if it is unmanaged, or removes it if it is free. */
static void change_ranges(
	gn_range_alloc_t *ra, struct model *md, uint64_t at, uint64_t size, bool add)
{
	if (add) {
		if (at + size > SPACE)
			return; /* the model has no bytes beyond SPACE */
		bool unmanaged = true;
		for (uint64_t k = at; unmanaged && k < at + size; k++)
			unmanaged = md->map[k] == 0;
		assert_int_equal(
			gn_range_alloc_add(ra, at, size), unmanaged ? GN_OK : GN_ERR_EXISTS);
		if (unmanaged) {
			model_mark(md, at, size, 0, 1);
			md->avail += size;
		}
		return;
	}
	gn_err_t const want = model_conflict(md, at, size);
	assert_int_equal(gn_range_alloc_remove(ra, at, size), want);
	if (want == GN_OK) {
		model_mark(md, at, size, 1, 0);
		md->avail -= size;
	}
}

static void random_step(gn_range_alloc_t *ra, struct model *md, uint64_t r, bool with_ranges)
{
	uint64_t const size = 1 + (r >> 8) % 40;
	uint64_t const at = (r >> 20) % SPACE;
	uint64_t addr;

	if (r % 8 < 3 || md->n == 0) {
		unsigned const align = (unsigned)((r >> 40) % 7);
		gn_err_t const err = gn_range_alloc_alloc(ra, size, align, &addr);
		/* model: lowest aligned start of size free bytes */
		uint64_t want = UINT64_MAX;
		for (uint64_t s = 0; s + size <= SPACE && want == UINT64_MAX;
			s += (uint64_t)1 << align) {
			uint64_t k = 0;
			while (k < size && md->map[s + k] == 1)
				k++;
			if (k == size)
				want = s;
		}
		if (want == UINT64_MAX) {
			assert_int_equal(err, GN_ERR_LIMIT);
			return;
		}
		assert_int_equal(err, GN_OK);
		assert_int_equal(addr, want);
	} else if (r % 8 < 5) {
		addr = at;
		gn_err_t const err = gn_range_alloc_alloc_at(ra, at, size);
		gn_err_t const want = model_conflict(md, at, size);
		assert_int_equal(err, want);
		if (want != GN_OK)
			return;
	} else if (r % 8 == 7 && with_ranges) {
		change_ranges(ra, md, at, size, (r >> 50) & 1);
		return;
	} else {
		size_t const i = (size_t)(r >> 32) % md->n;
		uint64_t base, found;
		assert_int_equal(
			gn_range_alloc_lookup(ra, md->base[i] + md->size[i] - 1, &base, &found),
			GN_OK);
		assert_int_equal(base, md->base[i]);
		assert_int_equal(found, md->size[i]);
		if (md->size[i] > 1)
			assert_int_equal(
				gn_range_alloc_free(ra, md->base[i] + 1), GN_ERR_NOT_FOUND);
		assert_int_equal(gn_range_alloc_free(ra, md->base[i]), GN_OK);
		assert_int_equal(gn_range_alloc_free(ra, md->base[i]), GN_ERR_NOT_FOUND);
		model_mark(md, md->base[i], md->size[i], 2, 1);
		md->avail += md->size[i];
		md->n--;
		md->base[i] = md->base[md->n];
		md->size[i] = md->size[md->n];
		return;
	}
	model_mark(md, addr, size, 1, 2);
	md->base[md->n] = addr;
	md->size[md->n++] = size;
	md->avail -= size;
}

static void random_against_shadow_map(void **state)
{
	(void)state;
	static struct model md;
	gn_range_alloc_t ra;
	struct meta m;
	uint64_t rng = 0xdeadbeefcafef00du;
	setup_ra(&ra, &m);
	memset(&md, 0, sizeof(md));

	/* managed: a few ranges with unmanaged gaps, some touching each other */
	uint64_t const ranges[][2] = {{0, 700}, {700, 300}, {1100, 900}, {2100, 1500}, {3700, 396}};
	for (size_t i = 0; i < GN_ARRAY_SIZE(ranges); i++) {
		assert_int_equal(gn_range_alloc_add(&ra, ranges[i][0], ranges[i][1]), GN_OK);
		model_mark(&md, ranges[i][0], ranges[i][1], 0, 1);
		md.avail += ranges[i][1];
	}
	uint64_t const initial = md.avail;
	size_t const initial_nodes = m.nodes;
	assert_int_equal(initial_nodes, 4);

	for (int step = 0; step < 20000; step++) {
		random_step(&ra, &md, next_random(&rng), false);
		assert_int_equal(gn_range_alloc_avail(&ra), md.avail);
		assert_int_equal(gn_range_alloc_count(&ra), md.n);
		if (step % 97 == 0)
			check_free_runs(&ra, &md, &m);
	}
	check_free_runs(&ra, &md, &m);

	while (md.n > 0) {
		md.n--;
		assert_int_equal(gn_range_alloc_free(&ra, md.base[md.n]), GN_OK);
	}
	assert_int_equal(gn_range_alloc_avail(&ra), initial);
	assert_int_equal(m.nodes, initial_nodes);
	gn_range_alloc_destroy(&ra);
	assert_int_equal(m.nodes, 0);
}

/* The same with ranges added and removed at random among the allocations. */
static void random_ranges_against_shadow_map(void **state)
{
	(void)state;
	static struct model md;
	gn_range_alloc_t ra;
	struct meta m;
	uint64_t rng = 0x1234567887654321u;
	size_t adds = 0, removes = 0;
	setup_ra(&ra, &m);
	memset(&md, 0, sizeof(md));
	assert_int_equal(gn_range_alloc_add(&ra, 1000, 2000), GN_OK);
	model_mark(&md, 1000, 2000, 0, 1);
	md.avail = 2000;

	for (int step = 0; step < 30000; step++) {
		uint64_t const before = md.avail;
		size_t const count = md.n;
		random_step(&ra, &md, next_random(&rng), true);
		adds += md.avail > before && md.n == count;
		removes += md.avail < before && md.n == count;
		assert_int_equal(gn_range_alloc_avail(&ra), md.avail);
		assert_int_equal(gn_range_alloc_count(&ra), md.n);
		if (step % 101 == 0)
			check_free_runs(&ra, &md, &m);
	}
	assert_true(adds > 50 && removes > 50);
	while (md.n > 0) {
		md.n--;
		assert_int_equal(gn_range_alloc_free(&ra, md.base[md.n]), GN_OK);
		model_mark(&md, md.base[md.n], md.size[md.n], 2, 1);
		md.avail += md.size[md.n];
	}
	check_free_runs(&ra, &md, &m);
	assert_int_equal(gn_range_alloc_avail(&ra), md.avail);
	gn_range_alloc_destroy(&ra);
	assert_int_equal(m.nodes, 0);
}

int main(void)
{
	struct CMUnitTest const tests[] = {
		cmocka_unit_test(add_validates_and_merges),
		cmocka_unit_test(alloc_first_fit_with_alignment),
		cmocka_unit_test(alloc_at_and_remove_conflicts),
		cmocka_unit_test(free_and_lookup),
		cmocka_unit_test(edges_of_the_space),
		cmocka_unit_test(destroy_with_allocations),
		cmocka_unit_test(ten_thousand_quickly),
		cmocka_unit_test(random_against_shadow_map),
		cmocka_unit_test(random_ranges_against_shadow_map),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
