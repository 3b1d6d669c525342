/* Signal receivers and contexts (see signal.h). */
#include "signal.h"
#include "syscall.h"

enum {
	UTCB_BADGE = HW_MSG_CAPS, /* the badge's word in the UTCB's second page */
};

typedef struct {
	hw_obj_t obj;
	hw_pd_t *owner;
	hw_thread_t *waiter;
	gn_list_t pending; /* contexts with count > 0, in the order of their first submit */
} receiver_t;

typedef struct {
	hw_obj_t obj;
	hw_pd_t *owner;
	receiver_t *receiver;  /* NULL: not bound yet (HW_SIGNAL_UNBOUND) */
	uint64_t receiver_gen; /* receiver->obj.gen at binding: it is gone when they differ */
	uint64_t badge;
	uint64_t count;
	gn_list_elem_t elem; /* on receiver->pending while count > 0 */
} context_t;

static receiver_t receivers[HW_SIGNAL_RECEIVERS];
static context_t contexts[HW_SIGNAL_CONTEXTS];

/* Whether c's receiver was destroyed after c was bound to it (submits answer REVOKED then). */
static bool receiver_gone(context_t const *c)
{
	return c->receiver && c->receiver->obj.gen != c->receiver_gen;
}

void hw_signal_cancel(hw_thread_t *t)
{
	receiver_t *r = t->blocked_on;

	r->waiter = NULL;
}

/* Wakes r's waiter with result. */
static void resume(receiver_t *r, int64_t result)
{
	hw_thread_t *w = r->waiter;

	r->waiter = NULL;
	w->ipc = HW_IPC_NONE;
	w->blocked_on = NULL;
	w->regs.rax = (uint64_t)result;
	hw_thread_unblock(w);
}

static void destroy_receiver(receiver_t *r)
{
	gn_list_elem_t *e;

	if (r->waiter)
		resume(r, hw_error(GN_ERR_REVOKED));
	while ((e = gn_list_first(&r->pending)))
		gn_list_remove(e);
	r->owner->objects--;
	hw_obj_destroy(&r->obj);
}

static void destroy_context(context_t *c)
{
	if (gn_list_linked(&c->elem))
		gn_list_remove(&c->elem);
	c->owner->objects--;
	hw_obj_destroy(&c->obj);
}

void hw_signal_destroy(hw_obj_t *obj)
{
	if (obj->type == HW_OBJ_SIGNAL_RECEIVER)
		destroy_receiver(GN_CONTAINER_OF(obj, receiver_t, obj));
	else if (obj->type == HW_OBJ_SIGNAL_CONTEXT)
		destroy_context(GN_CONTAINER_OF(obj, context_t, obj));
}

void hw_signal_pd_ended(hw_pd_t *pd)
{
	for (unsigned i = 0; i < HW_SIGNAL_CONTEXTS; i++) {
		if (contexts[i].obj.type == HW_OBJ_SIGNAL_CONTEXT && contexts[i].owner == pd)
			destroy_context(&contexts[i]);
	}
	for (unsigned i = 0; i < HW_SIGNAL_RECEIVERS; i++) {
		if (receivers[i].obj.type == HW_OBJ_SIGNAL_RECEIVER && receivers[i].owner == pd)
			destroy_receiver(&receivers[i]);
	}
}

int64_t hw_call_signal_receiver(hw_thread_t *t, uint64_t const arg[4])
{
	gn_err_t err = hw_object_room(t->pd);
	receiver_t *r = NULL;
	uint64_t idx;

	(void)arg;
	if (err != GN_OK)
		return hw_error(err);
	for (unsigned i = 0; i < HW_SIGNAL_RECEIVERS && !r; i++)
		r = receivers[i].obj.type == HW_OBJ_NONE ? &receivers[i] : NULL;
	if (!r)
		return hw_error(GN_ERR_LIMIT);
	hw_obj_init(&r->obj, HW_OBJ_SIGNAL_RECEIVER);
	r->owner = t->pd;
	r->waiter = NULL;
	gn_list_init(&r->pending);
	t->pd->objects++;
	if (hw_cap_insert(&t->pd->caps, &r->obj, HW_RIGHT_RECV | HW_RIGHT_OWNER, &idx) != GN_OK)
		return hw_error(GN_ERR_OUT_OF_CAPS); /* cannot happen after hw_object_room */
	return (int64_t)idx;
}

/* A free context, made alive for t's domain with receiver r (NULL: unbound) and badge. */
static context_t *new_context(hw_thread_t *t, receiver_t *r, uint64_t badge)
{
	context_t *c = NULL;

	for (unsigned i = 0; i < HW_SIGNAL_CONTEXTS && !c; i++)
		c = contexts[i].obj.type == HW_OBJ_NONE ? &contexts[i] : NULL;
	if (!c)
		return NULL;
	hw_obj_init(&c->obj, HW_OBJ_SIGNAL_CONTEXT);
	c->owner = t->pd;
	c->receiver = r;
	c->receiver_gen = r ? r->obj.gen : 0;
	c->badge = badge;
	c->count = 0;
	gn_list_elem_init(&c->elem);
	t->pd->objects++;
	return c;
}

/* receiver HW_SIGNAL_UNBOUND (with badge 0) makes a context that signal_bind binds later. */
int64_t hw_call_signal_context(hw_thread_t *t, uint64_t const arg[4])
{
	hw_obj_t *obj = NULL;
	context_t *c;
	uint64_t idx;
	gn_err_t err = GN_OK;

	if (arg[0] != HW_SIGNAL_UNBOUND)
		err = hw_cap_lookup(
			&t->pd->caps, arg[0], HW_OBJ_SIGNAL_RECEIVER, HW_RIGHT_RECV, &obj);
	else if (arg[1] != 0)
		err = GN_ERR_INVALID_ARG; /* the badge comes with the binding */
	if (err == GN_OK)
		err = hw_object_room(t->pd);
	if (err != GN_OK)
		return hw_error(err);
	c = new_context(t, obj ? GN_CONTAINER_OF(obj, receiver_t, obj) : NULL, arg[1]);
	if (!c)
		return hw_error(GN_ERR_LIMIT);
	if (hw_cap_insert(&t->pd->caps, &c->obj, HW_RIGHT_SUBMIT | HW_RIGHT_OWNER, &idx) != GN_OK)
		return hw_error(GN_ERR_OUT_OF_CAPS); /* cannot happen after hw_object_room */
	return (int64_t)idx;
}

/* Gives thread w the context c's signals: the count as the result, the badge in its UTCB. */
static int64_t deliver(hw_thread_t *w, context_t *c, uint64_t count)
{
	w->utcb[1][UTCB_BADGE] = c->badge;
	return (int64_t)(count > INT64_MAX ? INT64_MAX : count);
}

/*
 * Counts one signal on c: while unbound on c alone; bound, to a waiter at once, else pending on
 * its receiver (alive: the caller checked).
 */
static void submit(context_t *c)
{
	receiver_t *r = c->receiver;

	if (r && r->waiter && c->count == 0) {
		resume(r, deliver(r->waiter, c, 1));
		return;
	}
	if (c->count < UINT64_MAX)
		c->count++;
	if (r && !gn_list_linked(&c->elem))
		gn_list_insert_tail(&r->pending, &c->elem);
}

int64_t hw_call_submit(hw_thread_t *t, uint64_t const arg[4])
{
	hw_obj_t *obj;
	context_t *c;
	gn_err_t err =
		hw_cap_lookup(&t->pd->caps, arg[0], HW_OBJ_SIGNAL_CONTEXT, HW_RIGHT_SUBMIT, &obj);

	if (err != GN_OK)
		return hw_error(err);
	c = GN_CONTAINER_OF(obj, context_t, obj);
	if (receiver_gone(c))
		return hw_error(GN_ERR_REVOKED);
	submit(c);
	return 0;
}

bool hw_signal_submit_ref(hw_obj_t *obj, uint64_t gen)
{
	context_t *c = GN_CONTAINER_OF(obj, context_t, obj);

	if (obj->type != HW_OBJ_SIGNAL_CONTEXT || obj->gen != gen || receiver_gone(c))
		return false;
	submit(c);
	return true;
}

/*
 * Binds an unbound context (any live capability to it: whoever holds one may decide where its
 * signals go, once) to a receiver the caller may wait on; the count so far is delivered then.
 */
int64_t hw_call_signal_bind(hw_thread_t *t, uint64_t const arg[4])
{
	hw_obj_t *cobj, *robj;
	context_t *c;
	receiver_t *r;
	gn_err_t err = hw_cap_lookup(&t->pd->caps, arg[0], HW_OBJ_SIGNAL_CONTEXT, 0, &cobj);

	if (err == GN_OK)
		err = hw_cap_lookup(
			&t->pd->caps, arg[1], HW_OBJ_SIGNAL_RECEIVER, HW_RIGHT_RECV, &robj);
	c = err == GN_OK ? GN_CONTAINER_OF(cobj, context_t, obj) : NULL;
	if (err == GN_OK && c->receiver)
		err = GN_ERR_EXISTS;
	if (err != GN_OK)
		return hw_error(err);
	r = GN_CONTAINER_OF(robj, receiver_t, obj);
	c->receiver = r;
	c->receiver_gen = robj->gen;
	c->badge = arg[2];
	if (c->count > 0 && r->waiter) {
		uint64_t count = c->count;
		c->count = 0;
		resume(r, deliver(r->waiter, c, count));
	} else if (c->count > 0)
		gn_list_insert_tail(&r->pending, &c->elem);
	return 0;
}

int64_t hw_call_signal_wait(hw_thread_t *t, uint64_t const arg[4])
{
	hw_obj_t *obj;
	receiver_t *r;
	gn_list_elem_t *e;
	uint64_t ticks = 0;
	gn_err_t err =
		hw_cap_lookup(&t->pd->caps, arg[0], HW_OBJ_SIGNAL_RECEIVER, HW_RIGHT_RECV, &obj);
	bool const poll = arg[1] == HW_SIGNAL_POLL;

	if (err == GN_OK && !poll && !hw_timeout_ticks(arg[1], &ticks))
		err = GN_ERR_INVALID_ARG;
	r = err == GN_OK ? GN_CONTAINER_OF(obj, receiver_t, obj) : NULL;
	if (err == GN_OK && r->waiter)
		err = GN_ERR_EXISTS; /* another thread waits on it */
	if (err != GN_OK)
		return hw_error(err);
	e = gn_list_first(&r->pending);
	if (e) {
		context_t *c = GN_LIST_ENTRY(e, context_t, elem);
		uint64_t count = c->count;
		gn_list_remove(e);
		c->count = 0;
		return deliver(t, c, count);
	}
	if (poll)
		return hw_error(GN_ERR_TIMEOUT);
	r->waiter = t;
	t->ipc = HW_IPC_SIGNAL;
	t->blocked_on = r;
	t->regs.rax = (uint64_t)hw_error(GN_ERR_TIMEOUT);
	hw_thread_block(t, ticks);
	return HW_NO_REPLY;
}
