/* Intrusive AVL tree (gneiss/avl.h), checked node by node against its invariants. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include <gneiss/avl.h>

typedef struct {
	int key;
	gn_avl_node_t node;
} item_t;

static int key_of(gn_avl_node_t const *n)
{
	return GN_CONTAINER_OF(n, item_t const, node)->key;
}

static int cmp_int(int a, int b)
{
	return (a > b) - (a < b);
}

static int item_cmp(gn_avl_node_t const *a, gn_avl_node_t const *b)
{
	return cmp_int(key_of(a), key_of(b));
}

static int key_cmp(void const *key, gn_avl_node_t const *n)
{
	return cmp_int(*(int const *)key, key_of(n));
}

/*
 * Checks the subtree at n: parent links, key order within (lo, hi), stored heights and balance.
 * Recurses only as deep as the tree is high. Returns the height; counts the nodes in *count.
 */
static int check_subtree(
	gn_avl_node_t const *n, gn_avl_node_t const *parent, long lo, long hi, size_t *count)
{
	int l, r;

	if (!n)
		return 0;
	assert_ptr_equal(n->parent, parent);
	assert_true(key_of(n) > lo && key_of(n) < hi);
	l = check_subtree(n->left, n, lo, key_of(n), count);
	r = check_subtree(n->right, n, key_of(n), hi, count);
	assert_true(abs(l - r) <= 1);
	assert_int_equal(n->height, 1 + (l > r ? l : r));
	(*count)++;
	return n->height;
}

/* Fewest nodes an AVL tree of height h can have: N(h) = N(h-1) + N(h-2) + 1. */
static size_t min_nodes(int h)
{
	size_t a = 0, b = 1; /* N(0), N(1) */

	if (h == 0)
		return 0;
	for (int i = 1; i < h; i++) {
		size_t c = a + b + 1;

		a = b;
		b = c;
	}
	return b;
}

/* Checks every invariant of the tree, and that it is no higher than an AVL tree may be. */
static void check_tree(gn_avl_t const *t)
{
	size_t count = 0;
	int h = check_subtree(t->root, NULL, -(1L << 40), 1L << 40, &count);

	assert_int_equal(count, gn_avl_count(t));
	assert_int_equal(h, gn_avl_height(t));
	assert_true(count >= min_nodes(h));
}

static void make_items(item_t *items, size_t n, int stride)
{
	for (size_t i = 0; i < n; i++)
		items[i].key = (int)i * stride;
}

static void empty_tree(void **state)
{
	gn_avl_t t;
	int k = 5;

	(void)state;
	gn_avl_init(&t, item_cmp, key_cmp);
	assert_null(gn_avl_first(&t));
	assert_null(gn_avl_last(&t));
	assert_null(gn_avl_find(&t, &k));
	assert_null(gn_avl_lower_bound(&t, &k));
	assert_null(gn_avl_upper_bound(&t, &k));
	assert_int_equal(gn_avl_count(&t), 0);
	assert_int_equal(gn_avl_height(&t), 0);
	check_tree(&t);
}

static void single_node(void **state)
{
	gn_avl_t t;
	item_t a = {7};
	int k = 7, lower = 6, higher = 8;

	(void)state;
	gn_avl_init(&t, item_cmp, key_cmp);
	assert_int_equal(gn_avl_insert(&t, &a.node), GN_OK);
	check_tree(&t);
	assert_int_equal(gn_avl_height(&t), 1);
	assert_ptr_equal(gn_avl_find(&t, &k), &a.node);
	assert_null(gn_avl_find(&t, &lower));
	assert_ptr_equal(gn_avl_first(&t), &a.node);
	assert_ptr_equal(gn_avl_last(&t), &a.node);
	assert_null(gn_avl_next(&a.node));
	assert_null(gn_avl_prev(&a.node));
	assert_ptr_equal(gn_avl_lower_bound(&t, &lower), &a.node);
	assert_ptr_equal(gn_avl_lower_bound(&t, &k), &a.node);
	assert_null(gn_avl_lower_bound(&t, &higher));
	assert_null(gn_avl_upper_bound(&t, &k));
	gn_avl_remove(&t, &a.node);
	check_tree(&t);
	assert_null(t.root);
	assert_int_equal(a.node.height, 0);
	assert_null(a.node.parent);
}

static void duplicate_key_is_rejected_and_changes_nothing(void **state)
{
	gn_avl_t t;
	item_t it[3], dup = {10};
	int k = 10;

	(void)state;
	make_items(it, 3, 10);
	gn_avl_init(&t, item_cmp, key_cmp);
	for (int i = 0; i < 3; i++)
		assert_int_equal(gn_avl_insert(&t, &it[i].node), GN_OK);
	dup.node.height = 42; /* a node in no tree must stay untouched */
	assert_int_equal(gn_avl_insert(&t, &dup.node), GN_ERR_EXISTS);
	assert_int_equal(dup.node.height, 42);
	assert_int_equal(gn_avl_count(&t), 3);
	assert_ptr_equal(gn_avl_find(&t, &k), &it[1].node);
	/* the very node again is a duplicate as well */
	assert_int_equal(gn_avl_insert(&t, &it[0].node), GN_ERR_EXISTS);
	check_tree(&t);
}

static void ascending_insertion_stays_perfectly_balanced(void **state)
{
	enum {
		N = (1 << 14) - 1
	};
	static item_t it[N];
	gn_avl_t t;

	(void)state;
	make_items(it, N, 1);
	gn_avl_init(&t, item_cmp, key_cmp);
	for (int i = 0; i < N; i++)
		assert_int_equal(gn_avl_insert(&t, &it[i].node), GN_OK);
	check_tree(&t);
	assert_int_equal(gn_avl_height(&t), 14);
	/* descending removal from the top end keeps it balanced too */
	for (int i = N - 1; i >= N / 2; i--)
		gn_avl_remove(&t, &it[i].node);
	check_tree(&t);
	assert_int_equal(gn_avl_count(&t), N / 2);
}

static void iteration_both_ways(void **state)
{
	enum {
		N = 100
	};
	item_t it[N];
	gn_avl_t t;
	gn_avl_node_t *n;
	int i;

	(void)state;
	make_items(it, N, 3);
	gn_avl_init(&t, item_cmp, key_cmp);
	/* a scrambled insertion order: 37 is coprime to 100 */
	for (i = 0; i < N; i++)
		assert_int_equal(gn_avl_insert(&t, &it[(i * 37) % N].node), GN_OK);
	check_tree(&t);
	for (i = 0, n = gn_avl_first(&t); n; n = gn_avl_next(n), i++)
		assert_int_equal(key_of(n), i * 3);
	assert_int_equal(i, N);
	for (i = N, n = gn_avl_last(&t); n; n = gn_avl_prev(n))
		assert_int_equal(key_of(n), --i * 3);
	assert_int_equal(i, 0);
}

static void bounds(void **state)
{
	item_t it[5];
	gn_avl_t t;

	(void)state;
	make_items(it, 5, 10); /* 0 10 20 30 40 */
	gn_avl_init(&t, item_cmp, key_cmp);
	for (int i = 0; i < 5; i++)
		assert_int_equal(gn_avl_insert(&t, &it[i].node), GN_OK);
	for (int k = -5; k <= 45; k++) {
		gn_avl_node_t *lb = gn_avl_lower_bound(&t, &k), *ub = gn_avl_upper_bound(&t, &k);
		int want_lb = k <= 0 ? 0 : (k + 9) / 10 * 10;
		int want_ub = k < 0 ? 0 : (k / 10 + 1) * 10;

		if (want_lb > 40)
			assert_null(lb);
		else
			assert_int_equal(key_of(lb), want_lb);
		if (want_ub > 40)
			assert_null(ub);
		else
			assert_int_equal(key_of(ub), want_ub);
	}
}

static void remove_node_with_two_children_and_reinsert(void **state)
{
	item_t it[7];
	gn_avl_t t;
	int k;

	(void)state;
	make_items(it, 7, 1);
	gn_avl_init(&t, item_cmp, key_cmp);
	/* 3 at the root, 1 and 5 below it, all with two children */
	for (int order[] = {3, 1, 5, 0, 2, 4, 6}, i = 0; i < 7; i++)
		assert_int_equal(gn_avl_insert(&t, &it[order[i]].node), GN_OK);
	assert_ptr_equal(t.root, &it[3].node);
	gn_avl_remove(&t, &it[3].node); /* successor 4 is not a child of 3 */
	check_tree(&t);
	assert_ptr_equal(t.root, &it[4].node);
	gn_avl_remove(&t, &it[1].node); /* successor 2 is 1's child */
	check_tree(&t);
	k = 1;
	assert_null(gn_avl_find(&t, &k));
	assert_int_equal(gn_avl_insert(&t, &it[1].node), GN_OK);
	assert_int_equal(gn_avl_insert(&t, &it[3].node), GN_OK);
	check_tree(&t);
	assert_int_equal(gn_avl_count(&t), 7);
	for (k = 0; k < 7; k++)
		assert_ptr_equal(gn_avl_find(&t, &k), &it[k].node);
}

/* ---- randomized test against a reference model --------------------------------------------------- */

enum {
	KEYS = 1024,
	OPS = 100000
};

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 11);
}

static int int_order(void const *a, void const *b)
{
	return cmp_int(*(int const *)a, *(int const *)b);
}

/* The model: which keys are in the tree. Checks in-order traversal against the sorted model. */
static void check_against_model(gn_avl_t const *t, bool const *present)
{
	static int sorted[KEYS];
	size_t n = 0, i = 0;

	/* the model keys in sorted form, through qsort on purpose: an independent ordering */
	for (int k = KEYS - 1; k >= 0; k--)
		if (present[k])
			sorted[n++] = k;
	qsort(sorted, n, sizeof(sorted[0]), int_order);
	assert_int_equal(n, gn_avl_count(t));
	for (gn_avl_node_t *p = gn_avl_first(t); p; p = gn_avl_next(p))
		assert_int_equal(key_of(p), sorted[i++]);
	assert_int_equal(i, n);
	for (gn_avl_node_t *p = gn_avl_last(t); p; p = gn_avl_prev(p))
		assert_int_equal(key_of(p), sorted[--i]);
}

static void model_bound(bool const *present, int key, bool strict, gn_avl_node_t const *got)
{
	int k = strict ? key + 1 : key;

	if (k < 0)
		k = 0;

	while (k < KEYS && !present[k])
		k++;
	if (k >= KEYS)
		assert_null(got);
	else
		assert_int_equal(key_of(got), k);
}

static size_t model_count;

static void one_random_op(gn_avl_t *t, item_t *items, bool *present)
{
	int key = (int)(rng() % KEYS);
	uint32_t op = rng() % 8;

	if (op < 4) {
		gn_err_t err = gn_avl_insert(t, &items[key].node);

		assert_int_equal(err, present[key] ? GN_ERR_EXISTS : GN_OK);
		model_count += !present[key];
		present[key] = true;
	} else if (op < 7) {
		gn_avl_node_t *n = gn_avl_find(t, &key);

		assert_ptr_equal(n, present[key] ? &items[key].node : NULL);
		if (n)
			gn_avl_remove(t, n);
		model_count -= present[key];
		present[key] = false;
	} else {
		int probe = key - 1; /* -1 .. KEYS-2: a key below every node included */

		model_bound(present, probe, false, gn_avl_lower_bound(t, &probe));
		model_bound(present, probe, true, gn_avl_upper_bound(t, &probe));
	}
}

static void randomized_against_model(void **state)
{
	static item_t items[KEYS];
	static bool present[KEYS];
	gn_avl_t t;

	(void)state;
	make_items(items, KEYS, 1);
	gn_avl_init(&t, item_cmp, key_cmp);
	for (int i = 0; i < OPS; i++) {
		one_random_op(&t, items, present);
		check_tree(&t);
		assert_int_equal(gn_avl_count(&t), model_count);
		if (i % 64 == 0)
			check_against_model(&t, present);
	}
	check_against_model(&t, present);
	/* drain completely in random order */
	while (gn_avl_count(&t)) {
		int key = (int)(rng() % KEYS);

		if (present[key]) {
			gn_avl_remove(&t, &items[key].node);
			present[key] = false;
			check_tree(&t);
		}
	}
	assert_null(t.root);
}

int main(void)
{
	struct CMUnitTest const tests[] = {
		cmocka_unit_test(empty_tree),
		cmocka_unit_test(single_node),
		cmocka_unit_test(duplicate_key_is_rejected_and_changes_nothing),
		cmocka_unit_test(ascending_insertion_stays_perfectly_balanced),
		cmocka_unit_test(iteration_both_ways),
		cmocka_unit_test(bounds),
		cmocka_unit_test(remove_node_with_two_children_and_reinsert),
		cmocka_unit_test(randomized_against_model),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
