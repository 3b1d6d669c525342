/* Slab: block accounting against a counting memory source, misuse refused, random stress. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gneiss/slab.h>

#include "counting_source.h"

enum {
	DIR_BYTES = 8 * sizeof(void *) /* the directory's first size */
};

/* ---- tests ------------------------------------------------------------------------------------ */

static void init_validates(void **state)
{
	(void)state;
	struct source src = fresh_source();
	gn_slab_t slab;

	assert_int_equal(gn_slab_init(&slab, as_source(&src), 0, 4096), GN_ERR_INVALID_ARG);
	assert_int_equal(gn_slab_init(&slab, as_source(&src), 4097, 4096), GN_ERR_INVALID_ARG);
	assert_int_equal(gn_slab_init(&slab, as_source(&src), 4096, 0), GN_ERR_INVALID_ARG);
	assert_int_equal(gn_slab_init(&slab, as_source(&src), 64, 64), GN_ERR_INVALID_ARG);
	assert_int_equal(gn_slab_init(&slab, as_source(&src), 8, SIZE_MAX), GN_ERR_INVALID_ARG);

	assert_int_equal(gn_slab_init(&slab, as_source(&src), 16, 0), GN_OK);
	assert_int_equal(slab.block_size, GN_SLAB_BLOCK_DEFAULT);
	size_t const slots = gn_slab_slots_per_block(&slab);
	/* as many 16-byte slots as fit beside a header with one bit per slot */
	assert_true(slots > 240 && slots < 256);
	assert_true(slab.header_size + slots * 16 <= 4096);
	assert_true(slab.header_size + (slots + 1) * 16 > 4096 - 16);
	assert_int_equal(src.pieces, 0); /* init takes nothing */

	assert_int_equal(gn_slab_init(&slab, as_source(&src), 1, 256), GN_OK);
	assert_int_equal(slab.stride, 16); /* a slot holds at least the free-list link, aligned */
	assert_int_equal(gn_slab_init(&slab, as_source(&src), 17, 256), GN_OK);
	assert_int_equal(slab.stride, 32);
}

/* Objects are distinct, aligned, inside their block; blocks come one at a time. */
static void fills_blocks_in_turn(void **state)
{
	(void)state;
	struct source src = fresh_source();
	gn_slab_t slab;
	assert_int_equal(gn_slab_init(&slab, as_source(&src), 40, 1024), GN_OK);
	size_t const slots = gn_slab_slots_per_block(&slab);
	assert_true(slots >= 20 && slots <= 64);

	char *objs[64] = {0};
	for (size_t i = 0; i < slots; i++) {
		assert_int_equal(gn_slab_alloc(&slab, (void **)&objs[i]), GN_OK);
		assert_int_equal((uintptr_t)objs[i] % GN_SLAB_ALIGN, 0);
		memset(objs[i], (int)i, 40);
	}
	assert_int_equal(gn_slab_blocks(&slab), 1);
	assert_int_equal(src.bytes, 1024 + DIR_BYTES);
	char *const block = objs[0] - slab.header_size;
	for (size_t i = 0; i < slots; i++) {
		assert_true(objs[i] >= block + slab.header_size);
		assert_true(objs[i] + 40 <= block + 1024);
		for (size_t j = 0; j < 40; j++)
			assert_int_equal(objs[i][j], (char)i);
	}

	assert_int_equal(gn_slab_alloc(&slab, (void **)&objs[slots]), GN_OK);
	assert_int_equal(gn_slab_blocks(&slab), 2);
	assert_int_equal(gn_slab_used(&slab), slots + 1);
	assert_int_equal(src.bytes, 2 * 1024 + DIR_BYTES);
	gn_slab_destroy(&slab);
	assert_int_equal(src.bytes, 0);
	assert_int_equal(src.pieces, 0);
	assert_int_equal(gn_slab_used(&slab), 0);
}

/* An emptied block stays as the one spare; a second empty block goes back to the source. */
static void keeps_one_spare(void **state)
{
	(void)state;
	struct source src = fresh_source();
	gn_slab_t slab;
	assert_int_equal(gn_slab_init(&slab, as_source(&src), 100, 512), GN_OK);
	size_t const slots = gn_slab_slots_per_block(&slab);
	void *objs[3][8];
	assert_true(slots <= 8);

	for (size_t b = 0; b < 3; b++)
		for (size_t i = 0; i < slots; i++)
			assert_int_equal(gn_slab_alloc(&slab, &objs[b][i]), GN_OK);
	assert_int_equal(src.bytes, 3 * 512 + DIR_BYTES);

	for (size_t i = 0; i < slots; i++)
		assert_int_equal(gn_slab_free(&slab, objs[1][i]), GN_OK);
	assert_int_equal(gn_slab_blocks(&slab), 3); /* spare */
	assert_int_equal(src.bytes, 3 * 512 + DIR_BYTES);
	for (size_t i = 0; i < slots; i++)
		assert_int_equal(gn_slab_free(&slab, objs[0][i]), GN_OK);
	assert_int_equal(gn_slab_blocks(&slab), 2);
	assert_int_equal(src.bytes, 2 * 512 + DIR_BYTES);

	/* the spare serves the next allocation without a source call */
	size_t const calls = src.successes;
	void *again;
	assert_int_equal(gn_slab_alloc(&slab, &again), GN_OK);
	assert_int_equal(src.successes, calls);
	assert_int_equal(gn_slab_free(&slab, again), GN_OK);

	for (size_t i = 0; i < slots; i++)
		assert_int_equal(gn_slab_free(&slab, objs[2][i]), GN_OK);
	assert_int_equal(gn_slab_used(&slab), 0);
	assert_int_equal(gn_slab_blocks(&slab), 1);
	assert_int_equal(src.bytes, 512 + DIR_BYTES);
	gn_slab_trim(&slab);
	assert_int_equal(gn_slab_blocks(&slab), 0);
	assert_int_equal(src.bytes, 0);
	gn_slab_trim(&slab); /* nothing left to trim */
	assert_int_equal(src.pieces, 0);
}

static void one_slot_per_block(void **state)
{
	(void)state;
	struct source src = fresh_source();
	gn_slab_t slab;
	assert_int_equal(gn_slab_init(&slab, as_source(&src), 3000, 4096), GN_OK);
	assert_int_equal(gn_slab_slots_per_block(&slab), 1);

	void *a, *b, *c;
	assert_int_equal(gn_slab_alloc(&slab, &a), GN_OK);
	assert_int_equal(gn_slab_alloc(&slab, &b), GN_OK);
	assert_int_equal(gn_slab_alloc(&slab, &c), GN_OK);
	assert_int_equal(src.bytes, 3 * 4096 + DIR_BYTES);
	assert_int_equal(gn_slab_free(&slab, b), GN_OK);
	assert_int_equal(gn_slab_free(&slab, b), GN_ERR_NOT_FOUND); /* still the spare */
	assert_int_equal(gn_slab_free(&slab, a), GN_OK);
	assert_int_equal(src.bytes, 2 * 4096 + DIR_BYTES);
	assert_int_equal(gn_slab_free(&slab, c), GN_OK);
	assert_int_equal(gn_slab_free(&slab, a), GN_ERR_INVALID_ARG); /* its block went back */
	assert_int_equal(gn_slab_used(&slab), 0);
	gn_slab_destroy(&slab);
	assert_int_equal(src.pieces, 0);
}

/* Misuse is refused and the slab stays as it was. */
static void refuses_bad_pointers(void **state)
{
	(void)state;
	struct source src = fresh_source();
	gn_slab_t slab;
	assert_int_equal(gn_slab_init(&slab, as_source(&src), 48, 1024), GN_OK);

	void *foreign_before_any_block = malloc(64);
	assert_int_equal(gn_slab_free(&slab, foreign_before_any_block), GN_ERR_INVALID_ARG);
	assert_int_equal(gn_slab_free(&slab, NULL), GN_ERR_INVALID_ARG);

	char *a, *b;
	assert_int_equal(gn_slab_alloc(&slab, (void **)&a), GN_OK);
	assert_int_equal(gn_slab_alloc(&slab, (void **)&b), GN_OK);
	memset(a, 0xa5, 48);
	memset(b, 0x5a, 48);
	size_t const bytes = src.bytes;

	char stack_obj[64];
	char *heap_obj = malloc(4096);
	gn_err_t expect = GN_ERR_INVALID_ARG;
	assert_int_equal(gn_slab_free(&slab, stack_obj + 16), expect);
	assert_int_equal(gn_slab_free(&slab, heap_obj + 2048), expect);
	assert_int_equal(gn_slab_free(&slab, foreign_before_any_block), expect);
	assert_int_equal(gn_slab_free(&slab, a + 1), expect);    /* interior */
	assert_int_equal(gn_slab_free(&slab, a + 16), expect);   /* interior, aligned */
	assert_int_equal(gn_slab_free(&slab, a - 16), expect);   /* block header */
	assert_int_equal(gn_slab_free(&slab, a + 1024), expect); /* past the block */
	assert_int_equal(gn_slab_free(&slab, (void *)UINTPTR_MAX), expect);
	/* a slot of the block never handed out */
	assert_int_equal(gn_slab_free(&slab, b + slab.stride), GN_ERR_NOT_FOUND);

	assert_int_equal(gn_slab_used(&slab), 2);
	assert_int_equal(src.bytes, bytes);
	for (int i = 0; i < 48; i++) {
		assert_int_equal((unsigned char)a[i], 0xa5);
		assert_int_equal((unsigned char)b[i], 0x5a);
	}

	assert_int_equal(gn_slab_free(&slab, a), GN_OK);
	assert_int_equal(gn_slab_free(&slab, a), GN_ERR_NOT_FOUND); /* double free */
	assert_int_equal(gn_slab_used(&slab), 1);
	/* the slot is handed out exactly once more */
	char *c;
	assert_int_equal(gn_slab_alloc(&slab, (void **)&c), GN_OK);
	assert_ptr_equal(c, a);
	char *d;
	assert_int_equal(gn_slab_alloc(&slab, (void **)&d), GN_OK);
	assert_ptr_not_equal(d, a);
	assert_ptr_not_equal(d, b);

	free(heap_obj);
	free(foreign_before_any_block);
	gn_slab_destroy(&slab);
	assert_int_equal(src.pieces, 0);
}

/* A source that runs dry: the allocation fails, and neither the slab nor the source changed. */
static void source_exhaustion_changes_nothing(void **state)
{
	(void)state;
	struct source src = fresh_source();
	gn_slab_t slab;
	assert_int_equal(gn_slab_init(&slab, as_source(&src), 200, 256), GN_OK);
	assert_int_equal(gn_slab_slots_per_block(&slab), 1);

	src.fail_after = 0;
	void *p = (void *)0x1234;
	assert_int_equal(gn_slab_alloc(&slab, &p), GN_ERR_OUT_OF_RAM);
	assert_ptr_equal(p, (void *)0x1234);
	assert_int_equal(src.pieces, 0);

	/* directory and first block, then seven more blocks fill the directory */
	void *objs[9];
	src.fail_after = 1;
	assert_int_equal(gn_slab_alloc(&slab, &objs[0]), GN_ERR_OUT_OF_RAM);
	assert_int_equal(src.pieces, 0); /* the new directory went back too */
	src.fail_after = SIZE_MAX;
	for (int i = 0; i < 8; i++)
		assert_int_equal(gn_slab_alloc(&slab, &objs[i]), GN_OK);
	assert_int_equal(src.bytes, 8 * 256 + DIR_BYTES);

	/* the ninth block needs a bigger directory: fail at the directory, then at the block */
	for (size_t allowed = 0; allowed < 2; allowed++) {
		src.fail_after = src.successes + allowed;
		assert_int_equal(gn_slab_alloc(&slab, &objs[8]), GN_ERR_OUT_OF_RAM);
		assert_int_equal(src.bytes, 8 * 256 + DIR_BYTES);
		assert_int_equal(src.pieces, 9);
		assert_int_equal(gn_slab_used(&slab), 8);
		assert_int_equal(gn_slab_blocks(&slab), 8);
	}
	src.fail_after = SIZE_MAX;
	assert_int_equal(gn_slab_alloc(&slab, &objs[8]), GN_OK);
	assert_int_equal(src.bytes, 9 * 256 + 2 * DIR_BYTES);
	assert_int_equal(src.pieces, 10);

	/* all objects still free correctly after the failures */
	for (int i = 0; i < 9; i++)
		assert_int_equal(gn_slab_free(&slab, objs[i]), GN_OK);
	gn_slab_trim(&slab);
	assert_int_equal(src.pieces, 0);
	assert_int_equal(src.bytes, 0);
}

static void misaligned_source_is_refused(void **state)
{
	(void)state;
	struct source src = fresh_source();
	gn_slab_t slab;
	assert_int_equal(gn_slab_init(&slab, as_source(&src), 32, 512), GN_OK);
	src.misalign = true;
	void *p;
	assert_int_equal(gn_slab_alloc(&slab, &p), GN_ERR_INVALID_ARG);
	assert_int_equal(src.pieces, 0);
	assert_int_equal(gn_slab_blocks(&slab), 0);
	src.misalign = false;
	assert_int_equal(gn_slab_alloc(&slab, &p), GN_OK);
	gn_slab_destroy(&slab);
	assert_int_equal(src.pieces, 0);
}

static void works_as_memory_source(void **state)
{
	(void)state;
	struct source src = fresh_source();
	gn_slab_t slab;
	assert_int_equal(gn_slab_init(&slab, as_source(&src), 48, 0), GN_OK);
	gn_mem_source_t ms = gn_slab_source(&slab);

	void *p = NULL;
	assert_int_equal(ms.alloc(ms.ctx, 49, &p), GN_ERR_INVALID_ARG);
	assert_null(p);
	assert_int_equal(gn_slab_used(&slab), 0);
	assert_int_equal(ms.alloc(ms.ctx, 48, &p), GN_OK);
	assert_int_equal(gn_slab_used(&slab), 1);
	int local;
	ms.free(ms.ctx, &local, 48); /* refused silently */
	assert_int_equal(gn_slab_used(&slab), 1);
	ms.free(ms.ctx, p, 48);
	assert_int_equal(gn_slab_used(&slab), 0);
	gn_slab_destroy(&slab);
	assert_int_equal(src.pieces, 0);
}

static uint64_t next_random(uint64_t *rng)
{
	*rng ^= *rng << 13;
	*rng ^= *rng >> 7;
	*rng ^= *rng << 17;
	return *rng;
}

/*
 * Thousands of random allocations and frees. Each live object is filled with a pattern of its
 * own, checked when it is freed; no two live objects may overlap; at the end the source holds only
 * the spare and the directory, and nothing after a trim.
 */
static void random_stress(void **state)
{
	(void)state;
	enum {
		MAX_LIVE = 3000,
		OBJ = 72
	};
	static unsigned char *live[MAX_LIVE];
	static unsigned tag[MAX_LIVE];
	size_t nlive = 0;
	uint64_t rng = 0x2545f4914f6cdd1du;
	struct source src = fresh_source();
	gn_slab_t slab;
	assert_int_equal(gn_slab_init(&slab, as_source(&src), OBJ, 2048), GN_OK);

	for (unsigned op = 0; op < 40000; op++) {
		uint64_t const r = next_random(&rng);
		bool const grow =
			nlive == 0 || (nlive < MAX_LIVE && r % 100 < (op < 20000 ? 60 : 40));
		if (grow) {
			unsigned char *p;
			assert_int_equal(gn_slab_alloc(&slab, (void **)&p), GN_OK);
			memset(p, (int)(op & 0xff), OBJ);
			tag[nlive] = op & 0xff;
			live[nlive++] = p;
		} else {
			size_t const i = (size_t)(r >> 20) % nlive;
			for (size_t j = 0; j < OBJ; j++)
				assert_int_equal(live[i][j], tag[i]);
			size_t const blocks = gn_slab_blocks(&slab);
			assert_int_equal(gn_slab_free(&slab, live[i]), GN_OK);
			/* a double free: of a free slot, or into a block that went back */
			assert_int_equal(gn_slab_free(&slab, live[i]),
				gn_slab_blocks(&slab) == blocks ? GN_ERR_NOT_FOUND
								: GN_ERR_INVALID_ARG);
			live[i] = live[--nlive];
			tag[i] = tag[nlive];
		}
		assert_int_equal(gn_slab_used(&slab), nlive);
		size_t const slots = gn_slab_slots_per_block(&slab);
		assert_true(gn_slab_blocks(&slab) * slots >= nlive);
		/* never more than one block without an object, plus partly used ones */
		assert_true(gn_slab_blocks(&slab) <= nlive + 1);
	}

	/* live objects are pairwise disjoint: sort by address and compare neighbours */
	for (size_t i = 1; i < nlive; i++) {
		unsigned char *p = live[i];
		size_t j = i;
		while (j > 0 && live[j - 1] > p) {
			live[j] = live[j - 1];
			j--;
		}
		live[j] = p;
	}
	for (size_t i = 1; i < nlive; i++)
		assert_true(live[i - 1] + OBJ <= live[i]);

	while (nlive > 0)
		assert_int_equal(gn_slab_free(&slab, live[--nlive]), GN_OK);
	assert_int_equal(gn_slab_used(&slab), 0);
	assert_int_equal(gn_slab_blocks(&slab), 1);
	assert_int_equal(src.bytes, 2048 + slab.dir_cap * sizeof(void *));
	gn_slab_trim(&slab);
	assert_int_equal(src.bytes, 0);
	assert_int_equal(src.pieces, 0);
}

int main(void)
{
	struct CMUnitTest const tests[] = {
		cmocka_unit_test(init_validates),
		cmocka_unit_test(fills_blocks_in_turn),
		cmocka_unit_test(keeps_one_spare),
		cmocka_unit_test(one_slot_per_block),
		cmocka_unit_test(refuses_bad_pointers),
		cmocka_unit_test(source_exhaustion_changes_nothing),
		cmocka_unit_test(misaligned_source_is_refused),
		cmocka_unit_test(works_as_memory_source),
		cmocka_unit_test(random_stress),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
