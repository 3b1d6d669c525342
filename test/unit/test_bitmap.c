/* Bitmap id allocator: lowest-first allocation, fixed capacity, misuse refused without change. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdint.h>

#include <gneiss/bitmap.h>

static void init_checks_capacity_and_clears(void **state)
{
	(void)state;
	uint64_t words[3] = {UINT64_MAX, UINT64_MAX, UINT64_MAX};
	gn_bitmap_t bm;

	assert_int_equal(GN_BITMAP_WORDS(0), 0);
	assert_int_equal(GN_BITMAP_WORDS(1), 1);
	assert_int_equal(GN_BITMAP_WORDS(64), 1);
	assert_int_equal(GN_BITMAP_WORDS(65), 2);
	assert_int_equal(GN_BITMAP_WORDS(SIZE_MAX), SIZE_MAX / 64 + 1);

	assert_int_equal(gn_bitmap_init(&bm, words, 3, 0), GN_ERR_INVALID_ARG);
	assert_int_equal(gn_bitmap_init(&bm, words, 3, 193), GN_ERR_INVALID_ARG);
	assert_int_equal(gn_bitmap_init(&bm, words, 2, 129), GN_ERR_INVALID_ARG);
	assert_int_equal(words[0], UINT64_MAX); /* refused init touched nothing */

	assert_int_equal(gn_bitmap_init(&bm, words, 3, 100), GN_OK);
	assert_int_equal(words[0], 0);
	assert_int_equal(words[1], 0);
	assert_int_equal(words[2], UINT64_MAX); /* beyond the words the capacity needs */
	assert_int_equal(gn_bitmap_count(&bm), 0);
	for (size_t id = 0; id < 200; id++)
		assert_false(gn_bitmap_is_set(&bm, id));
}

static void alloc_lowest_until_full(void **state)
{
	(void)state;
	uint64_t words[2];
	gn_bitmap_t bm;
	size_t id = 12345;

	assert_int_equal(gn_bitmap_init(&bm, words, 2, 70), GN_OK);
	for (size_t i = 0; i < 70; i++) {
		assert_int_equal(gn_bitmap_alloc(&bm, &id), GN_OK);
		assert_int_equal(id, i);
		assert_true(gn_bitmap_is_set(&bm, i));
		assert_int_equal(gn_bitmap_count(&bm), i + 1);
	}
	id = 12345;
	assert_int_equal(gn_bitmap_alloc(&bm, &id), GN_ERR_LIMIT);
	assert_int_equal(id, 12345);
	assert_int_equal(gn_bitmap_count(&bm), 70);
	assert_false(gn_bitmap_is_set(&bm, 70)); /* bits past the capacity are never handed out */
	assert_int_equal(words[1] >> 6, 0);

	assert_int_equal(gn_bitmap_free(&bm, 65), GN_OK);
	assert_int_equal(gn_bitmap_free(&bm, 3), GN_OK);
	assert_int_equal(gn_bitmap_count(&bm), 68);
	assert_int_equal(gn_bitmap_alloc(&bm, &id), GN_OK);
	assert_int_equal(id, 3);
	assert_int_equal(gn_bitmap_alloc(&bm, &id), GN_OK);
	assert_int_equal(id, 65);
	assert_int_equal(gn_bitmap_alloc(&bm, &id), GN_ERR_LIMIT);
}

static void exact_multiple_of_64(void **state)
{
	(void)state;
	uint64_t words[1];
	gn_bitmap_t bm;
	size_t id;

	assert_int_equal(gn_bitmap_init(&bm, words, 1, 64), GN_OK);
	for (size_t i = 0; i < 64; i++)
		assert_int_equal(gn_bitmap_alloc(&bm, &id), GN_OK);
	assert_int_equal(id, 63);
	assert_int_equal(words[0], UINT64_MAX);
	assert_int_equal(gn_bitmap_alloc(&bm, &id), GN_ERR_LIMIT);
	assert_int_equal(gn_bitmap_alloc_at(&bm, 64), GN_ERR_INVALID_ARG);
}

static void alloc_at_and_errors(void **state)
{
	(void)state;
	uint64_t words[2];
	gn_bitmap_t bm;
	size_t id;

	assert_int_equal(gn_bitmap_init(&bm, words, 2, 100), GN_OK);
	assert_int_equal(gn_bitmap_alloc_at(&bm, 0), GN_OK);
	assert_int_equal(gn_bitmap_alloc_at(&bm, 99), GN_OK);
	assert_int_equal(gn_bitmap_alloc_at(&bm, 1), GN_OK);
	assert_int_equal(gn_bitmap_alloc_at(&bm, 99), GN_ERR_EXISTS);
	assert_int_equal(gn_bitmap_alloc_at(&bm, 100), GN_ERR_INVALID_ARG);
	assert_int_equal(gn_bitmap_alloc_at(&bm, SIZE_MAX), GN_ERR_INVALID_ARG);
	assert_int_equal(gn_bitmap_count(&bm), 3);

	assert_int_equal(gn_bitmap_alloc(&bm, &id), GN_OK);
	assert_int_equal(id, 2);

	assert_int_equal(gn_bitmap_free(&bm, 50), GN_ERR_NOT_FOUND);
	assert_int_equal(gn_bitmap_free(&bm, 100), GN_ERR_INVALID_ARG);
	assert_int_equal(gn_bitmap_free(&bm, SIZE_MAX), GN_ERR_INVALID_ARG);
	assert_int_equal(gn_bitmap_count(&bm), 4);
	assert_int_equal(gn_bitmap_free(&bm, 99), GN_OK);
	assert_int_equal(gn_bitmap_free(&bm, 99), GN_ERR_NOT_FOUND); /* double free */
	assert_int_equal(gn_bitmap_count(&bm), 3);
	assert_false(gn_bitmap_is_set(&bm, 99));
	assert_false(gn_bitmap_is_set(&bm, SIZE_MAX));
}

/* Random operations against a byte-per-id model; the lowest free id is recomputed each time. */
static void random_against_model(void **state)
{
	(void)state;
	enum {
		CAP = 300
	};
	uint64_t words[GN_BITMAP_WORDS(CAP)];
	unsigned char model[CAP] = {0};
	size_t count = 0;
	uint64_t rng = 88172645463325252u;
	gn_bitmap_t bm;

	assert_int_equal(gn_bitmap_init(&bm, words, GN_BITMAP_WORDS(CAP), CAP), GN_OK);
	for (int i = 0; i < 50000; i++) {
		rng ^= rng << 13;
		rng ^= rng >> 7;
		rng ^= rng << 17;
		size_t const target = (size_t)(rng >> 16) % (CAP + 3);
		size_t id;
		switch (rng % 3) {
		case 0: {
			size_t lowest = 0;
			while (lowest < CAP && model[lowest])
				lowest++;
			if (lowest == CAP) {
				assert_int_equal(gn_bitmap_alloc(&bm, &id), GN_ERR_LIMIT);
			} else {
				assert_int_equal(gn_bitmap_alloc(&bm, &id), GN_OK);
				assert_int_equal(id, lowest);
				model[id] = 1;
				count++;
			}
			break;
		}
		case 1:
			if (target >= CAP) {
				assert_int_equal(
					gn_bitmap_alloc_at(&bm, target), GN_ERR_INVALID_ARG);
			} else if (model[target]) {
				assert_int_equal(gn_bitmap_alloc_at(&bm, target), GN_ERR_EXISTS);
			} else {
				assert_int_equal(gn_bitmap_alloc_at(&bm, target), GN_OK);
				model[target] = 1;
				count++;
			}
			break;
		default:
			if (target >= CAP) {
				assert_int_equal(gn_bitmap_free(&bm, target), GN_ERR_INVALID_ARG);
			} else if (!model[target]) {
				assert_int_equal(gn_bitmap_free(&bm, target), GN_ERR_NOT_FOUND);
			} else {
				assert_int_equal(gn_bitmap_free(&bm, target), GN_OK);
				model[target] = 0;
				count--;
			}
		}
		assert_int_equal(gn_bitmap_count(&bm), count);
		assert_int_equal(gn_bitmap_is_set(&bm, target), target < CAP && model[target]);
	}
	for (size_t id = 0; id < CAP; id++)
		assert_int_equal(gn_bitmap_is_set(&bm, id), model[id]);
}

int main(void)
{
	struct CMUnitTest const tests[] = {
		cmocka_unit_test(init_checks_capacity_and_clears),
		cmocka_unit_test(alloc_lowest_until_full),
		cmocka_unit_test(exact_multiple_of_64),
		cmocka_unit_test(alloc_at_and_errors),
		cmocka_unit_test(random_against_model),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
