/* Deferred replies (see reply.h). */
#include "fault.h"
#include "ipc.h"
#include "msg.h"
#include "reply.h"
#include "syscall.h"

typedef struct {
	hw_obj_t obj;
	hw_pd_t *owner;
	hw_thread_t *caller; /* NULL once it ended or timed out */
} reply_t;

static reply_t replies[HW_REPLIES];

void hw_reply_cancel(hw_thread_t *t)
{
	reply_t *r = t->blocked_on;

	r->caller = NULL;
}

static void destroy(reply_t *r, gn_err_t err)
{
	hw_thread_t *caller = r->caller;

	r->caller = NULL;
	if (caller)
		hw_ipc_resume(caller, hw_error(err));
	r->owner->objects--;
	r->owner = NULL;
	hw_obj_destroy(&r->obj);
}

void hw_reply_destroy(hw_obj_t *obj)
{
	destroy(GN_CONTAINER_OF(obj, reply_t, obj), GN_ERR_NOT_FOUND);
}

void hw_reply_pd_ended(hw_pd_t *pd)
{
	for (unsigned i = 0; i < HW_REPLIES; i++) {
		if (replies[i].obj.type == HW_OBJ_REPLY && replies[i].owner == pd)
			destroy(&replies[i], GN_ERR_REVOKED);
	}
}

int64_t hw_call_reply_cap(hw_thread_t *t, uint64_t const arg[4])
{
	hw_thread_t *caller = t->caller;
	reply_t *r = NULL;
	uint64_t idx;
	gn_err_t err = GN_OK;

	(void)arg;
	if (t->reply_lost || !caller)
		err = GN_ERR_NOT_FOUND;
	if (err == GN_OK)
		err = hw_object_room(t->pd);
	for (unsigned i = 0; err == GN_OK && i < HW_REPLIES && !r; i++)
		r = replies[i].obj.type == HW_OBJ_NONE ? &replies[i] : NULL;
	if (err == GN_OK && !r)
		err = GN_ERR_LIMIT;
	if (err != GN_OK) {
		t->reply_lost = false; /* reported, like reply_wait does */
		return hw_error(err);
	}
	hw_obj_init(&r->obj, HW_OBJ_REPLY);
	r->owner = t->pd;
	r->caller = caller;
	t->pd->objects++;
	t->caller = NULL;
	caller->server = NULL;
	caller->ipc = HW_IPC_DEFERRED;
	caller->blocked_on = r;
	if (hw_cap_insert(&t->pd->caps, &r->obj, HW_RIGHT_OWNER, &idx) != GN_OK)
		return hw_error(GN_ERR_OUT_OF_CAPS); /* cannot happen after hw_object_room */
	return (int64_t)idx;
}

int64_t hw_call_reply(hw_thread_t *t, uint64_t const arg[4])
{
	hw_msg_end_t from = hw_ipc_end(t), to;
	hw_obj_t *obj, *dropped;
	reply_t *r;
	uint64_t delivered;
	gn_err_t err = hw_cap_lookup(&t->pd->caps, arg[0], HW_OBJ_REPLY, HW_RIGHT_OWNER, &obj);

	if (err == GN_OK)
		err = hw_msg_check_caps(&from, arg[1]);
	if (err != GN_OK)
		return hw_error(err);
	r = GN_CONTAINER_OF(obj, reply_t, obj);
	if (r->caller && r->caller->faulting) {
		hw_fault_answer(r->caller, from.msg, arg[1]);
		r->caller = NULL;
	} else if (r->caller) {
		to = hw_ipc_end(r->caller);
		if (hw_msg_transfer(&from, &to, arg[1], &delivered) != GN_OK)
			return hw_error(GN_ERR_INVALID_CAP); /* cannot happen: checked above */
		hw_ipc_resume(r->caller, (int64_t)delivered);
		r->caller = NULL;
	} else
		err = GN_ERR_NOT_FOUND;
	if (hw_cap_drop(&t->pd->caps, arg[0], &dropped) == GN_OK && dropped)
		destroy(r, GN_ERR_NOT_FOUND); /* no caller left to answer */
	return err == GN_OK ? 0 : hw_error(err);
}
