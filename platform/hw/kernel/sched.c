/* The scheduler's policy (see sched.h). */
#include "sched.h"

void hw_sched_init(hw_sched_t *s, unsigned slice_ticks)
{
	for (unsigned p = 0; p < HW_PRIORITIES; p++)
		gn_list_init(&s->queues[p]);
	s->slice = slice_ticks > 0 ? slice_ticks : 1;
}

void hw_sched_item_init(hw_sched_item_t *item, unsigned prio)
{
	gn_list_elem_init(&item->elem);
	item->prio = prio > HW_PRIO_MAX ? HW_PRIO_MAX : prio;
	item->slice_left = 0;
	item->ready = false;
}

void hw_sched_ready(hw_sched_t *s, hw_sched_item_t *item)
{
	if (item->ready)
		return;
	item->slice_left = s->slice;
	item->ready = true;
	gn_list_insert_tail(&s->queues[item->prio], &item->elem);
}

void hw_sched_remove(hw_sched_t *s, hw_sched_item_t *item)
{
	(void)s;
	if (!item->ready)
		return;
	gn_list_remove(&item->elem);
	item->ready = false;
}

hw_sched_item_t *hw_sched_pick(hw_sched_t const *s)
{
	for (unsigned p = HW_PRIORITIES; p > 0; p--) {
		gn_list_elem_t *first = gn_list_first(&s->queues[p - 1]);
		if (first)
			return GN_LIST_ENTRY(first, hw_sched_item_t, elem);
	}
	return NULL;
}

void hw_sched_yield(hw_sched_t *s, hw_sched_item_t *item)
{
	if (!item->ready)
		return;
	gn_list_remove(&item->elem);
	item->ready = false;
	hw_sched_ready(s, item);
}

bool hw_sched_tick(hw_sched_t *s, hw_sched_item_t *running)
{
	if (!running->ready)
		return false;
	if (running->slice_left > 1) {
		running->slice_left--;
		return false;
	}
	hw_sched_yield(s, running);
	return true;
}
