/*
 * Intrusive lists.
 *
 * gn_list_t is a circular doubly linked list closed by a sentinel element inside the list head, so
 * inserting and removing never test for an empty list or an end. The user embeds a gn_list_elem_t in
 * its own struct and gets back to the struct with GN_CONTAINER_OF. The list owns no memory: an element
 * lives as long as its containing struct, and must be removed before that struct goes away.
 *
 * Invariants: an element is on at most one list. An element that is on no list is linked to itself
 * (gn_list_elem_init, or after gn_list_remove), so gn_list_linked() tells the two states apart and
 * removing twice is harmless. Walking the list visits the elements from first to last, and the
 * walk ends at the sentinel, which the API never hands out (first/next/... return NULL instead).
 *
 * gn_fifo_t is a singly linked queue (enqueue at the tail, dequeue at the head) for the cases that
 * need nothing else, such as pending requests; its elements are NULL-terminated.
 *
 * Nothing here locks: a list shared between threads needs the caller's mutex.
 */
#ifndef GNEISS_LIST_H
#define GNEISS_LIST_H

#include <gneiss/types.h>

typedef struct gn_list_elem {
	struct gn_list_elem *next;
	struct gn_list_elem *prev;
} gn_list_elem_t;

typedef struct {
	gn_list_elem_t head; /* sentinel: head.next is the first element, head.prev the last */
} gn_list_t;

/* Struct of type `type` whose member `member` is the list element `elem`. */
#define GN_LIST_ENTRY(elem, type, member) GN_CONTAINER_OF(elem, type, member)

/*
 * Visits every element of `list` in order, binding it to `elem` (a gn_list_elem_t *). The body must
 * not remove `elem`; use GN_LIST_FOR_EACH_SAFE for that.
 */
#define GN_LIST_FOR_EACH(list, elem) \
	for ((elem) = gn_list_first(list); (elem); (elem) = gn_list_next((list), (elem)))

/*
 * Like GN_LIST_FOR_EACH, but the body may remove `elem` (and only `elem`): its successor is held in
 * `tmp`, another gn_list_elem_t *.
 */
#define GN_LIST_FOR_EACH_SAFE(list, elem, tmp)                                                   \
	for ((elem) = gn_list_first(list), (tmp) = (elem) ? gn_list_next((list), (elem)) : NULL; \
		(elem); (elem) = (tmp), (tmp) = (elem) ? gn_list_next((list), (elem)) : NULL)

/* Makes `list` empty. Elements that were on it are not touched. */
static inline void gn_list_init(gn_list_t *list)
{
	list->head.next = &list->head;
	list->head.prev = &list->head;
}

/* Marks `elem` as on no list. */
static inline void gn_list_elem_init(gn_list_elem_t *elem)
{
	elem->next = elem;
	elem->prev = elem;
}

/* True when `elem` is on some list (it must have been initialised or inserted before). */
static inline bool gn_list_linked(gn_list_elem_t const *elem)
{
	return elem->next != elem;
}

static inline bool gn_list_empty(gn_list_t const *list)
{
	return list->head.next == &list->head;
}

/* Links `elem` between the neighbours `prev` and `next`, which are adjacent. */
static inline void gn_list_link_between(
	gn_list_elem_t *elem, gn_list_elem_t *prev, gn_list_elem_t *next)
{
	elem->prev = prev;
	elem->next = next;
	prev->next = elem;
	next->prev = elem;
}

/* Inserts `elem`, which must be on no list, as the first element of `list`. */
static inline void gn_list_insert_head(gn_list_t *list, gn_list_elem_t *elem)
{
	gn_list_link_between(elem, &list->head, list->head.next);
}

/* Inserts `elem`, which must be on no list, as the last element of `list`. */
static inline void gn_list_insert_tail(gn_list_t *list, gn_list_elem_t *elem)
{
	gn_list_link_between(elem, list->head.prev, &list->head);
}

/* Inserts `elem`, which must be on no list, right after `pos`, which is on a list. */
static inline void gn_list_insert_after(gn_list_elem_t *pos, gn_list_elem_t *elem)
{
	gn_list_link_between(elem, pos, pos->next);
}

/* Inserts `elem`, which must be on no list, right before `pos`, which is on a list. */
static inline void gn_list_insert_before(gn_list_elem_t *pos, gn_list_elem_t *elem)
{
	gn_list_link_between(elem, pos->prev, pos);
}

/*
 * Unlinks `elem` from the list it is on and marks it as on no list. Removing an element that is on no
 * list (initialised or removed before) does nothing.
 */
static inline void gn_list_remove(gn_list_elem_t *elem)
{
	elem->prev->next = elem->next;
	elem->next->prev = elem->prev;
	gn_list_elem_init(elem);
}

/* First / last element of `list`, NULL when it is empty. */
static inline gn_list_elem_t *gn_list_first(gn_list_t const *list)
{
	return gn_list_empty(list) ? NULL : list->head.next;
}

static inline gn_list_elem_t *gn_list_last(gn_list_t const *list)
{
	return gn_list_empty(list) ? NULL : list->head.prev;
}

/* Successor / predecessor of `elem`, which is on `list`; NULL at the end. */
static inline gn_list_elem_t *gn_list_next(gn_list_t const *list, gn_list_elem_t const *elem)
{
	return elem->next == &list->head ? NULL : elem->next;
}

static inline gn_list_elem_t *gn_list_prev(gn_list_t const *list, gn_list_elem_t const *elem)
{
	return elem->prev == &list->head ? NULL : elem->prev;
}

/* Removes and returns the first element of `list`, NULL when it is empty. */
static inline gn_list_elem_t *gn_list_pop_head(gn_list_t *list)
{
	gn_list_elem_t *elem = gn_list_first(list);

	if (elem)
		gn_list_remove(elem);
	return elem;
}

/* Number of elements on `list`; walks the whole list. */
static inline size_t gn_list_count(gn_list_t const *list)
{
	size_t n = 0;

	for (gn_list_elem_t const *e = list->head.next; e != &list->head; e = e->next)
		n++;
	return n;
}

/* ---- singly linked FIFO ------------------------------------------------------------------------ */

typedef struct gn_fifo_elem {
	struct gn_fifo_elem *next;
} gn_fifo_elem_t;

typedef struct {
	gn_fifo_elem_t *head; /* next to dequeue, NULL when empty */
	gn_fifo_elem_t *tail; /* last enqueued, NULL when empty */
} gn_fifo_t;

static inline void gn_fifo_init(gn_fifo_t *fifo)
{
	fifo->head = NULL;
	fifo->tail = NULL;
}

static inline bool gn_fifo_empty(gn_fifo_t const *fifo)
{
	return fifo->head == NULL;
}

/* Appends `elem`, which must be in no queue. */
static inline void gn_fifo_enqueue(gn_fifo_t *fifo, gn_fifo_elem_t *elem)
{
	elem->next = NULL;
	if (fifo->tail)
		fifo->tail->next = elem;
	else
		fifo->head = elem;
	fifo->tail = elem;
}

/* Removes and returns the oldest element, NULL when the queue is empty. */
static inline gn_fifo_elem_t *gn_fifo_dequeue(gn_fifo_t *fifo)
{
	gn_fifo_elem_t *elem = fifo->head;

	if (!elem)
		return NULL;
	fifo->head = elem->next;
	if (!fifo->head)
		fifo->tail = NULL;
	elem->next = NULL;
	return elem;
}

/* Oldest element without removing it, NULL when the queue is empty. */
static inline gn_fifo_elem_t *gn_fifo_peek(gn_fifo_t const *fifo)
{
	return fifo->head;
}

/*
 * Removes `elem` from wherever it is in the queue (a linear search). Returns false when `elem` is not
 * in the queue, which is then unchanged.
 */
static inline bool gn_fifo_remove(gn_fifo_t *fifo, gn_fifo_elem_t *elem)
{
	gn_fifo_elem_t *prev = NULL;

	for (gn_fifo_elem_t *e = fifo->head; e; prev = e, e = e->next) {
		if (e != elem)
			continue;
		if (prev)
			prev->next = e->next;
		else
			fifo->head = e->next;
		if (fifo->tail == e)
			fifo->tail = prev;
		e->next = NULL;
		return true;
	}
	return false;
}

#endif
