/* Intrusive doubly linked list and singly linked FIFO (gneiss/list.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include <gneiss/list.h>

typedef struct {
	int value;
	gn_list_elem_t elem;
} item_t;

/* Expected contents of an empty list. */
static int const none[1];

static int value_of(gn_list_elem_t const *e)
{
	return GN_LIST_ENTRY(e, item_t const, elem)->value;
}

/* Checks that list holds exactly the values in want, in both directions, with consistent links. */
static void expect_list(gn_list_t const *list, int const *want, size_t n)
{
	gn_list_elem_t *e;
	size_t i = 0;

	GN_LIST_FOR_EACH(list, e)
	{
		assert_true(i < n);
		assert_int_equal(value_of(e), want[i]);
		assert_ptr_equal(e->next->prev, e);
		assert_ptr_equal(e->prev->next, e);
		i++;
	}
	assert_int_equal(i, n);
	for (e = gn_list_last(list); e; e = gn_list_prev(list, e))
		assert_int_equal(value_of(e), want[--i]);
	assert_int_equal(i, 0);
	assert_int_equal(gn_list_count(list), n);
	assert_int_equal(gn_list_empty(list), n == 0);
}

static void make_items(item_t *items, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		items[i].value = (int)i;
		gn_list_elem_init(&items[i].elem);
	}
}

static void empty_list(void **state)
{
	gn_list_t list;

	(void)state;
	gn_list_init(&list);
	assert_true(gn_list_empty(&list));
	assert_null(gn_list_first(&list));
	assert_null(gn_list_last(&list));
	assert_null(gn_list_pop_head(&list));
	assert_int_equal(gn_list_count(&list), 0);
	expect_list(&list, none, 0);
}

static void insert_head_tail_after_before(void **state)
{
	gn_list_t list;
	item_t it[6];

	(void)state;
	make_items(it, 6);
	gn_list_init(&list);
	gn_list_insert_tail(&list, &it[2].elem);
	gn_list_insert_head(&list, &it[0].elem);
	gn_list_insert_tail(&list, &it[4].elem);
	gn_list_insert_after(&it[0].elem, &it[1].elem);
	gn_list_insert_before(&it[4].elem, &it[3].elem);
	gn_list_insert_after(&it[4].elem, &it[5].elem);
	expect_list(&list, (int[]){0, 1, 2, 3, 4, 5}, 6);
	assert_ptr_equal(gn_list_first(&list), &it[0].elem);
	assert_ptr_equal(gn_list_last(&list), &it[5].elem);
	assert_null(gn_list_next(&list, &it[5].elem));
	assert_null(gn_list_prev(&list, &it[0].elem));
	assert_ptr_equal(gn_list_next(&list, &it[2].elem), &it[3].elem);
	assert_ptr_equal(gn_list_prev(&list, &it[2].elem), &it[1].elem);
}

static void remove_first_middle_last_only(void **state)
{
	gn_list_t list;
	item_t it[4];

	(void)state;
	make_items(it, 4);
	gn_list_init(&list);
	for (int i = 0; i < 4; i++)
		gn_list_insert_tail(&list, &it[i].elem);
	gn_list_remove(&it[0].elem);
	expect_list(&list, (int[]){1, 2, 3}, 3);
	gn_list_remove(&it[2].elem);
	expect_list(&list, (int[]){1, 3}, 2);
	gn_list_remove(&it[3].elem);
	expect_list(&list, (int[]){1}, 1);
	gn_list_remove(&it[1].elem);
	expect_list(&list, none, 0);
	assert_null(gn_list_first(&list));
}

static void removed_element_is_unlinked_and_removing_twice_is_harmless(void **state)
{
	gn_list_t list;
	item_t it[3];

	(void)state;
	make_items(it, 3);
	gn_list_init(&list);
	assert_false(gn_list_linked(&it[1].elem));
	for (int i = 0; i < 3; i++)
		gn_list_insert_tail(&list, &it[i].elem);
	assert_true(gn_list_linked(&it[1].elem));
	gn_list_remove(&it[1].elem);
	assert_false(gn_list_linked(&it[1].elem));
	gn_list_remove(&it[1].elem);
	expect_list(&list, (int[]){0, 2}, 2);
	/* and it can go onto another list */
	gn_list_t other;
	gn_list_init(&other);
	gn_list_insert_head(&other, &it[1].elem);
	expect_list(&other, (int[]){1}, 1);
	expect_list(&list, (int[]){0, 2}, 2);
}

static void pop_head_is_fifo_order(void **state)
{
	gn_list_t list;
	item_t it[3];

	(void)state;
	make_items(it, 3);
	gn_list_init(&list);
	for (int i = 0; i < 3; i++)
		gn_list_insert_tail(&list, &it[i].elem);
	for (int i = 0; i < 3; i++) {
		gn_list_elem_t *e = gn_list_pop_head(&list);

		assert_ptr_equal(e, &it[i].elem);
		assert_false(gn_list_linked(e));
	}
	assert_null(gn_list_pop_head(&list));
	assert_true(gn_list_empty(&list));
}

static void safe_iteration_removes_while_walking(void **state)
{
	gn_list_t list;
	item_t it[8];
	gn_list_elem_t *e, *tmp;
	int visited = 0;

	(void)state;
	make_items(it, 8);
	gn_list_init(&list);
	for (int i = 0; i < 8; i++)
		gn_list_insert_tail(&list, &it[i].elem);
	GN_LIST_FOR_EACH_SAFE(&list, e, tmp)
	{
		visited++;
		if (value_of(e) % 2 == 0)
			gn_list_remove(e);
	}
	assert_int_equal(visited, 8);
	expect_list(&list, (int[]){1, 3, 5, 7}, 4);
	GN_LIST_FOR_EACH_SAFE(&list, e, tmp)
	{
		gn_list_remove(e);
	}
	expect_list(&list, none, 0);
	/* over an empty list the body never runs */
	GN_LIST_FOR_EACH_SAFE(&list, e, tmp)
	{
		fail();
	}
	GN_LIST_FOR_EACH(&list, e)
	{
		fail();
	}
}

static void many_elements_count(void **state)
{
	enum {
		N = 1000
	};
	static item_t it[N];
	static int want[N];
	gn_list_t list;
	size_t n = 0;

	(void)state;
	make_items(it, N);
	gn_list_init(&list);
	/* even values appended, odd ones prepended: 999 997 ... 1 0 2 4 ... 998 */
	for (int i = 0; i < N; i++) {
		if (i % 2)
			gn_list_insert_head(&list, &it[i].elem);
		else
			gn_list_insert_tail(&list, &it[i].elem);
	}
	for (int i = N - 1; i >= 1; i -= 2)
		want[n++] = i;
	for (int i = 0; i < N; i += 2)
		want[n++] = i;
	expect_list(&list, want, N);
}

static void fifo_order_and_empty(void **state)
{
	gn_fifo_t q;
	gn_fifo_elem_t e[4];

	(void)state;
	gn_fifo_init(&q);
	assert_true(gn_fifo_empty(&q));
	assert_null(gn_fifo_dequeue(&q));
	assert_null(gn_fifo_peek(&q));
	for (int i = 0; i < 4; i++)
		gn_fifo_enqueue(&q, &e[i]);
	assert_false(gn_fifo_empty(&q));
	assert_ptr_equal(gn_fifo_peek(&q), &e[0]);
	for (int i = 0; i < 2; i++)
		assert_ptr_equal(gn_fifo_dequeue(&q), &e[i]);
	/* refill after partial drain keeps order */
	gn_fifo_enqueue(&q, &e[0]);
	assert_ptr_equal(gn_fifo_dequeue(&q), &e[2]);
	assert_ptr_equal(gn_fifo_dequeue(&q), &e[3]);
	assert_ptr_equal(gn_fifo_dequeue(&q), &e[0]);
	assert_true(gn_fifo_empty(&q));
	assert_null(gn_fifo_dequeue(&q));
	/* empty again: the tail must have been reset */
	gn_fifo_enqueue(&q, &e[1]);
	assert_ptr_equal(gn_fifo_peek(&q), &e[1]);
	assert_ptr_equal(gn_fifo_dequeue(&q), &e[1]);
	assert_true(gn_fifo_empty(&q));
}

static void fifo_remove_anywhere(void **state)
{
	gn_fifo_t q;
	gn_fifo_elem_t e[4], stranger;

	(void)state;
	gn_fifo_init(&q);
	assert_false(gn_fifo_remove(&q, &e[0]));
	for (int i = 0; i < 4; i++)
		gn_fifo_enqueue(&q, &e[i]);
	assert_false(gn_fifo_remove(&q, &stranger));
	assert_true(gn_fifo_remove(&q, &e[3])); /* the tail */
	assert_true(gn_fifo_remove(&q, &e[1])); /* the middle */
	assert_false(gn_fifo_remove(&q, &e[1]));
	gn_fifo_enqueue(&q, &e[3]);             /* tail must be e[2] now */
	assert_true(gn_fifo_remove(&q, &e[0])); /* the head */
	assert_ptr_equal(gn_fifo_dequeue(&q), &e[2]);
	assert_ptr_equal(gn_fifo_dequeue(&q), &e[3]);
	assert_null(gn_fifo_dequeue(&q));
	gn_fifo_enqueue(&q, &e[0]);
	assert_true(gn_fifo_remove(&q, &e[0])); /* the only one */
	assert_true(gn_fifo_empty(&q));
	gn_fifo_enqueue(&q, &e[1]);
	assert_ptr_equal(gn_fifo_peek(&q), &e[1]);
	assert_ptr_equal(gn_fifo_dequeue(&q), &e[1]);
}

int main(void)
{
	struct CMUnitTest const tests[] = {
		cmocka_unit_test(empty_list),
		cmocka_unit_test(insert_head_tail_after_before),
		cmocka_unit_test(remove_first_middle_last_only),
		cmocka_unit_test(removed_element_is_unlinked_and_removing_twice_is_harmless),
		cmocka_unit_test(pop_head_is_fifo_order),
		cmocka_unit_test(safe_iteration_removes_while_walking),
		cmocka_unit_test(many_elements_count),
		cmocka_unit_test(fifo_order_and_empty),
		cmocka_unit_test(fifo_remove_anywhere),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
