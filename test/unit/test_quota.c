/* Quota guard: exact numbers, refusals that change nothing, no wrap-around. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdint.h>

#include <gneiss/quota.h>

static void assert_quota(gn_quota_t const *q, uint64_t limit, uint64_t used)
{
	assert_int_equal(q->limit, limit);
	assert_int_equal(q->used, used);
	assert_int_equal(gn_quota_avail(q), limit - used);
}

static void init_sets_limit(void **state)
{
	(void)state;
	gn_quota_t q = {.limit = 7, .used = 3};
	gn_quota_init(&q, 100);
	assert_quota(&q, 100, 0);
}

static void withdraw_and_replenish_exact(void **state)
{
	(void)state;
	gn_quota_t q;
	gn_quota_init(&q, 4096);

	assert_int_equal(gn_quota_withdraw(&q, 1000), GN_OK);
	assert_int_equal(gn_quota_withdraw(&q, 96), GN_OK);
	assert_quota(&q, 4096, 1096);
	assert_int_equal(gn_quota_withdraw(&q, 3000), GN_OK);
	assert_quota(&q, 4096, 4096);
	assert_int_equal(gn_quota_withdraw(&q, 0), GN_OK);
	assert_int_equal(gn_quota_replenish(&q, 4000), GN_OK);
	assert_quota(&q, 4096, 96);
	assert_int_equal(gn_quota_replenish(&q, 96), GN_OK);
	assert_quota(&q, 4096, 0);
}

static void withdraw_beyond_limit_changes_nothing(void **state)
{
	(void)state;
	gn_quota_t q;
	gn_quota_init(&q, 100);

	assert_int_equal(gn_quota_withdraw(&q, 101), GN_ERR_OUT_OF_RAM);
	assert_quota(&q, 100, 0);
	assert_int_equal(gn_quota_withdraw(&q, 60), GN_OK);
	assert_int_equal(gn_quota_withdraw(&q, 41), GN_ERR_OUT_OF_RAM);
	assert_quota(&q, 100, 60);
	/* an amount that would wrap used around to a small number */
	assert_int_equal(gn_quota_withdraw(&q, UINT64_MAX - 10), GN_ERR_OUT_OF_RAM);
	assert_int_equal(gn_quota_withdraw(&q, UINT64_MAX), GN_ERR_OUT_OF_RAM);
	assert_quota(&q, 100, 60);
	assert_int_equal(gn_quota_withdraw(&q, 40), GN_OK);
	assert_quota(&q, 100, 100);
}

static void replenish_more_than_used_is_refused(void **state)
{
	(void)state;
	gn_quota_t q;
	gn_quota_init(&q, 100);

	assert_int_equal(gn_quota_replenish(&q, 1), GN_ERR_INVALID_ARG);
	assert_quota(&q, 100, 0);
	assert_int_equal(gn_quota_withdraw(&q, 10), GN_OK);
	assert_int_equal(gn_quota_replenish(&q, 11), GN_ERR_INVALID_ARG);
	assert_int_equal(gn_quota_replenish(&q, UINT64_MAX), GN_ERR_INVALID_ARG);
	assert_quota(&q, 100, 10);
	assert_int_equal(gn_quota_replenish(&q, 10), GN_OK);
	assert_quota(&q, 100, 0);
}

static void upgrade_raises_limit_without_overflow(void **state)
{
	(void)state;
	gn_quota_t q;
	gn_quota_init(&q, 100);

	assert_int_equal(gn_quota_withdraw(&q, 100), GN_OK);
	assert_int_equal(gn_quota_upgrade(&q, 50), GN_OK);
	assert_quota(&q, 150, 100);
	assert_int_equal(gn_quota_withdraw(&q, 50), GN_OK);
	assert_quota(&q, 150, 150);

	assert_int_equal(gn_quota_upgrade(&q, UINT64_MAX - 149), GN_ERR_INVALID_ARG);
	assert_quota(&q, 150, 150);
	assert_int_equal(gn_quota_upgrade(&q, UINT64_MAX - 150), GN_OK);
	assert_quota(&q, UINT64_MAX, 150);
	assert_int_equal(gn_quota_upgrade(&q, 1), GN_ERR_INVALID_ARG);
	assert_int_equal(gn_quota_upgrade(&q, 0), GN_OK);
	assert_quota(&q, UINT64_MAX, 150);
}

static void lower_limit_only_down_to_used(void **state)
{
	(void)state;
	gn_quota_t q;
	gn_quota_init(&q, 1000);
	assert_int_equal(gn_quota_withdraw(&q, 300), GN_OK);

	assert_int_equal(gn_quota_try_lower_limit(&q, 299), GN_ERR_OUT_OF_RAM);
	assert_quota(&q, 1000, 300);
	assert_int_equal(gn_quota_try_lower_limit(&q, 1001), GN_ERR_INVALID_ARG);
	assert_quota(&q, 1000, 300);
	assert_int_equal(gn_quota_try_lower_limit(&q, 500), GN_OK);
	assert_quota(&q, 500, 300);
	assert_int_equal(gn_quota_try_lower_limit(&q, 500), GN_OK);
	assert_int_equal(gn_quota_try_lower_limit(&q, 300), GN_OK);
	assert_quota(&q, 300, 300);
	assert_int_equal(gn_quota_withdraw(&q, 1), GN_ERR_OUT_OF_RAM);
	assert_int_equal(gn_quota_replenish(&q, 300), GN_OK);
	assert_int_equal(gn_quota_try_lower_limit(&q, 0), GN_OK);
	assert_quota(&q, 0, 0);
	assert_int_equal(gn_quota_withdraw(&q, 1), GN_ERR_OUT_OF_RAM);
}

static void transfer_moves_limit_atomically(void **state)
{
	(void)state;
	gn_quota_t a, b;
	gn_quota_init(&a, 1000);
	gn_quota_init(&b, 10);
	assert_int_equal(gn_quota_withdraw(&a, 400), GN_OK);

	assert_int_equal(gn_quota_transfer(&a, &b, 600), GN_OK);
	assert_quota(&a, 400, 400);
	assert_quota(&b, 610, 0);

	assert_int_equal(gn_quota_transfer(&a, &b, 1), GN_ERR_OUT_OF_RAM);
	assert_quota(&a, 400, 400);
	assert_quota(&b, 610, 0);

	assert_int_equal(gn_quota_transfer(&b, &b, 1), GN_ERR_INVALID_ARG);
	assert_quota(&b, 610, 0);

	gn_quota_t full;
	gn_quota_init(&full, UINT64_MAX - 5);
	assert_int_equal(gn_quota_transfer(&b, &full, 6), GN_ERR_INVALID_ARG);
	assert_quota(&b, 610, 0);
	assert_quota(&full, UINT64_MAX - 5, 0);
	assert_int_equal(gn_quota_transfer(&b, &full, 5), GN_OK);
	assert_quota(&b, 605, 0);
	assert_quota(&full, UINT64_MAX, 0);
}

static void avail_tolerates_broken_invariant(void **state)
{
	(void)state;
	gn_quota_t q = {.limit = 10, .used = 20};
	assert_int_equal(gn_quota_avail(&q), 0);
	assert_int_equal(gn_quota_withdraw(&q, 1), GN_ERR_OUT_OF_RAM);
	assert_int_equal(q.used, 20);
}

/* A random sequence against a plain model; no call may ever break used <= limit. */
static void random_sequence_matches_model(void **state)
{
	(void)state;
	uint64_t rng = 0x9e3779b97f4a7c15u;
	uint64_t limit = 1 << 20, used = 0;
	gn_quota_t q;
	gn_quota_init(&q, limit);

	for (int i = 0; i < 20000; i++) {
		rng ^= rng << 13;
		rng ^= rng >> 7;
		rng ^= rng << 17;
		uint64_t const amount = (rng >> 8) % (1 << 16);
		switch (rng % 4) {
		case 0:
			assert_int_equal(gn_quota_withdraw(&q, amount),
				amount <= limit - used ? GN_OK : GN_ERR_OUT_OF_RAM);
			if (amount <= limit - used)
				used += amount;
			break;
		case 1:
			assert_int_equal(gn_quota_replenish(&q, amount),
				amount <= used ? GN_OK : GN_ERR_INVALID_ARG);
			if (amount <= used)
				used -= amount;
			break;
		case 2:
			assert_int_equal(gn_quota_upgrade(&q, amount), GN_OK);
			limit += amount;
			break;
		default: {
			uint64_t const target = limit > amount ? limit - amount : 0;
			assert_int_equal(gn_quota_try_lower_limit(&q, target),
				used <= target ? GN_OK : GN_ERR_OUT_OF_RAM);
			if (used <= target)
				limit = target;
		}
		}
		assert_quota(&q, limit, used);
	}
}

int main(void)
{
	struct CMUnitTest const tests[] = {
		cmocka_unit_test(init_sets_limit),
		cmocka_unit_test(withdraw_and_replenish_exact),
		cmocka_unit_test(withdraw_beyond_limit_changes_nothing),
		cmocka_unit_test(replenish_more_than_used_is_refused),
		cmocka_unit_test(upgrade_raises_limit_without_overflow),
		cmocka_unit_test(lower_limit_only_down_to_used),
		cmocka_unit_test(transfer_moves_limit_atomically),
		cmocka_unit_test(avail_tolerates_broken_invariant),
		cmocka_unit_test(random_sequence_matches_model),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
