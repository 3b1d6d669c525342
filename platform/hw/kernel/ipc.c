/* Endpoints and synchronous calls (see ipc.h). */
#include "ipc.h"
#include "fault.h"
#include "ioport.h"
#include "irq.h"
#include "mem.h"
#include "msg.h"
#include "pd.h"
#include "reply.h"
#include "signal.h"
#include "syscall.h"

typedef struct {
	hw_obj_t obj;
	hw_pd_t *owner;
	gn_list_t callers;   /* HW_IPC_SEND threads, oldest first */
	gn_list_t receivers; /* HW_IPC_RECV threads, oldest first */
} endpoint_t;

enum {
	UTCB_BADGE = HW_MSG_CAPS, /* the badge's word in the UTCB's second page */
};

static endpoint_t endpoints[HW_ENDPOINTS];

hw_msg_end_t hw_ipc_end(hw_thread_t *t)
{
	return (hw_msg_end_t){.cs = &t->pd->caps, .msg = t->utcb[0], .caps = t->utcb[1]};
}

void hw_ipc_resume(hw_thread_t *t, int64_t result)
{
	if (t->faulting) {
		hw_fault_failed(t); /* a fault's reply comes through hw_fault_answer */
		return;
	}
	t->ipc = HW_IPC_NONE;
	t->blocked_on = NULL;
	t->regs.rax = (uint64_t)result;
	hw_thread_unblock(t);
}

static void queue(hw_thread_t *t, gn_list_t *list, hw_ipc_state_t state, void *on, uint64_t ticks)
{
	t->ipc = state;
	t->blocked_on = on;
	gn_list_insert_tail(list, &t->ipc_elem);
	t->regs.rax = (uint64_t)hw_error(GN_ERR_TIMEOUT);
	hw_thread_block(t, ticks);
}

void hw_ipc_cancel(hw_thread_t *t)
{
	switch (t->ipc) {
	case HW_IPC_SEND:
	case HW_IPC_RECV: gn_list_remove(&t->ipc_elem); break;
	case HW_IPC_REPLY:
		t->server->caller = NULL;
		t->server->reply_lost = true;
		t->server = NULL;
		break;
	case HW_IPC_SIGNAL: hw_signal_cancel(t); break;
	case HW_IPC_DEFERRED: hw_reply_cancel(t); break;
	case HW_IPC_NONE: break;
	}
	t->ipc = HW_IPC_NONE;
	t->blocked_on = NULL;
}

void hw_ipc_thread_ended(hw_thread_t *t)
{
	hw_thread_t *caller = t->caller;

	hw_ipc_cancel(t);
	if (caller) {
		caller->server = NULL;
		hw_ipc_resume(caller, hw_error(t->pd->ending ? GN_ERR_REVOKED : GN_ERR_NOT_FOUND));
	}
	t->caller = NULL;
	t->reply_lost = false;
}

static void destroy(endpoint_t *ep)
{
	gn_list_elem_t *e;

	while ((e = gn_list_first(&ep->callers)) || (e = gn_list_first(&ep->receivers))) {
		gn_list_remove(e);
		hw_ipc_resume(GN_LIST_ENTRY(e, hw_thread_t, ipc_elem), hw_error(GN_ERR_REVOKED));
	}
	ep->owner->objects--;
	ep->owner = NULL;
	hw_obj_destroy(&ep->obj);
}

void hw_ipc_destroy(hw_obj_t *obj)
{
	if (obj->type == HW_OBJ_ENDPOINT)
		destroy(GN_CONTAINER_OF(obj, endpoint_t, obj));
	else if (obj->type == HW_OBJ_REPLY)
		hw_reply_destroy(obj);
	else if (obj->type == HW_OBJ_MEMORY)
		hw_mem_destroy(obj);
	else if (obj->type == HW_OBJ_IO_PORTS)
		hw_ioport_destroy(obj);
	else if (obj->type == HW_OBJ_IRQ)
		hw_irq_destroy(obj);
	else if (obj->type == HW_OBJ_PD)
		hw_pd_end(GN_CONTAINER_OF(obj, hw_pd_t, obj), "destroyed by its owner");
	else
		hw_signal_destroy(obj);
}

void hw_ipc_pd_ended(hw_pd_t *pd)
{
	for (unsigned i = 0; i < HW_ENDPOINTS; i++) {
		if (endpoints[i].obj.type == HW_OBJ_ENDPOINT && endpoints[i].owner == pd)
			destroy(&endpoints[i]);
	}
	hw_reply_pd_ended(pd);
	hw_signal_pd_ended(pd);
}

static endpoint_t *create(hw_pd_t *owner)
{
	for (unsigned i = 0; i < HW_ENDPOINTS; i++) {
		endpoint_t *ep = &endpoints[i];
		if (ep->obj.type != HW_OBJ_NONE)
			continue;
		hw_obj_init(&ep->obj, HW_OBJ_ENDPOINT);
		ep->owner = owner;
		gn_list_init(&ep->callers);
		gn_list_init(&ep->receivers);
		owner->objects++;
		return ep;
	}
	return NULL;
}

hw_pd_t *hw_ipc_owner(hw_obj_t const *obj)
{
	return GN_CONTAINER_OF(obj, endpoint_t, obj)->owner;
}

hw_obj_t *hw_ipc_boot_endpoint(hw_pd_t *pd)
{
	endpoint_t *ep = create(pd);

	return ep ? &ep->obj : NULL;
}

int64_t hw_call_ep_create(hw_thread_t *t, uint64_t const arg[4])
{
	gn_err_t err = hw_object_room(t->pd);
	endpoint_t *ep;
	uint64_t idx;

	(void)arg;
	if (err != GN_OK)
		return hw_error(err);
	ep = create(t->pd);
	if (!ep)
		return hw_error(GN_ERR_LIMIT);
	if (hw_cap_insert(&t->pd->caps, &ep->obj, HW_RIGHT_CALL | HW_RIGHT_RECV | HW_RIGHT_OWNER,
		    &idx) != GN_OK)
		return hw_error(GN_ERR_OUT_OF_CAPS); /* cannot happen after hw_object_room */
	return (int64_t)idx;
}

/* The endpoint of t's capability idx with rights, and the capability's badge (may be NULL). */
static gn_err_t lookup(
	hw_thread_t *t, uint64_t idx, uint16_t rights, endpoint_t **ep, uint64_t *badge)
{
	hw_cap_slot_t s;
	gn_err_t err = hw_cap_get(&t->pd->caps, idx, &s);

	if (err == GN_OK && s.obj->type != HW_OBJ_ENDPOINT)
		err = GN_ERR_INVALID_CAP;
	if (err == GN_OK && (s.rights & rights) != rights)
		err = GN_ERR_DENIED;
	if (err != GN_OK)
		return err;
	*ep = GN_CONTAINER_OF(s.obj, endpoint_t, obj);
	if (badge)
		*badge = s.badge;
	return GN_OK;
}

/*
 * Hands caller's call (transferred) to server, which returns with it and the badge of the
 * capability it came through; the caller awaits.
 */
static void take_call(hw_thread_t *server, hw_thread_t *caller, uint64_t delivered, uint64_t badge)
{
	caller->ipc = HW_IPC_REPLY;
	caller->blocked_on = NULL;
	caller->server = server;
	server->caller = caller;
	server->regs.rax = delivered;
	server->utcb[1][UTCB_BADGE] = badge;
}

int64_t hw_call_call(hw_thread_t *t, uint64_t const arg[4])
{
	hw_msg_end_t from = hw_ipc_end(t), to;
	uint64_t info = arg[1], ticks, delivered, badge;
	hw_thread_t *server;
	endpoint_t *ep;
	gn_list_elem_t *e;
	gn_err_t err = lookup(t, arg[0], HW_RIGHT_CALL, &ep, &badge);

	if (err == GN_OK)
		err = hw_msg_check_caps(&from, info);
	if (err == GN_OK && !hw_timeout_ticks(arg[2], &ticks))
		err = GN_ERR_INVALID_ARG;
	if (err != GN_OK)
		return hw_error(err);
	e = gn_list_first(&ep->receivers);
	if (!e) {
		t->send_info = info;
		t->send_badge = badge;
		queue(t, &ep->callers, HW_IPC_SEND, ep, ticks);
		return HW_NO_REPLY;
	}
	server = GN_LIST_ENTRY(e, hw_thread_t, ipc_elem);
	to = hw_ipc_end(server);
	if (hw_msg_transfer(&from, &to, info, &delivered) != GN_OK)
		return hw_error(GN_ERR_INVALID_CAP); /* cannot happen: checked above */
	gn_list_remove(e);
	t->regs.rax = (uint64_t)hw_error(GN_ERR_TIMEOUT);
	hw_thread_block(t, ticks);
	take_call(server, t, delivered, badge);
	server->ipc = HW_IPC_NONE;
	server->blocked_on = NULL;
	hw_thread_unblock(server);
	return HW_NO_REPLY;
}

/* Answers t's caller with the reply info describes. Errors: those of hw_msg_transfer. */
static gn_err_t reply(hw_thread_t *t, uint64_t info)
{
	hw_thread_t *caller = t->caller;
	hw_msg_end_t from = hw_ipc_end(t), to = hw_ipc_end(caller);
	uint64_t delivered;
	gn_err_t err = caller->faulting ? hw_msg_check_caps(&from, info)
					: hw_msg_transfer(&from, &to, info, &delivered);

	if (err != GN_OK)
		return err;
	t->caller = NULL;
	caller->server = NULL;
	if (caller->faulting)
		hw_fault_answer(caller, from.msg, info);
	else
		hw_ipc_resume(caller, (int64_t)delivered);
	return GN_OK;
}

/* Gives server the fault message of caller (fault.h) instead of a transfer. */
static uint64_t fault_message(hw_thread_t *server, hw_thread_t const *caller)
{
	for (unsigned i = 0; i < HW_FAULT_WORDS; i++)
		server->utcb[0][i] = caller->fault[i];
	return HW_MSG_INFO(HW_FAULT_WORDS, 0);
}

void hw_ipc_fault_call(hw_thread_t *t, hw_obj_t *obj, uint64_t badge)
{
	endpoint_t *ep = GN_CONTAINER_OF(obj, endpoint_t, obj);
	gn_list_elem_t *e = gn_list_first(&ep->receivers);
	hw_thread_t *server;

	hw_thread_block(t, 0); /* its registers stay as the fault left them: RAX too */
	if (!e) {
		t->send_badge = badge;
		t->ipc = HW_IPC_SEND;
		t->blocked_on = ep;
		gn_list_insert_tail(&ep->callers, &t->ipc_elem);
		return;
	}
	server = GN_LIST_ENTRY(e, hw_thread_t, ipc_elem);
	gn_list_remove(e);
	take_call(server, t, fault_message(server, t), badge);
	server->ipc = HW_IPC_NONE;
	server->blocked_on = NULL;
	hw_thread_unblock(server);
}

/*
 * Takes the oldest queued call of ep into t, or returns false when none is queued. A queued call
 * whose capabilities went stale since it was made fails with that error and the next one is tried.
 */
static bool take_queued(hw_thread_t *t, endpoint_t *ep)
{
	gn_list_elem_t *e;

	while ((e = gn_list_first(&ep->callers))) {
		hw_thread_t *caller = GN_LIST_ENTRY(e, hw_thread_t, ipc_elem);
		hw_msg_end_t from = hw_ipc_end(caller), to = hw_ipc_end(t);
		uint64_t delivered = 0;
		gn_err_t err = caller->faulting
				       ? GN_OK
				       : hw_msg_transfer(&from, &to, caller->send_info, &delivered);

		if (caller->faulting)
			delivered = fault_message(t, caller);
		gn_list_remove(e);
		if (err != GN_OK) {
			hw_ipc_resume(caller, hw_error(err));
			continue;
		}
		take_call(t, caller, delivered, caller->send_badge);
		return true;
	}
	return false;
}

int64_t hw_call_reply_wait(hw_thread_t *t, uint64_t const arg[4])
{
	uint64_t ticks;
	endpoint_t *ep;
	gn_err_t err = lookup(t, arg[0], HW_RIGHT_RECV, &ep, NULL);

	if (err == GN_OK && !hw_timeout_ticks(arg[2], &ticks))
		err = GN_ERR_INVALID_ARG;
	if (err == GN_ERR_REVOKED && t->caller) {
		/* the endpoint went away after this thread took the call: still answer it */
		gn_err_t r = reply(t, arg[1]);

		return hw_error(r != GN_OK ? r : err);
	}
	if (err != GN_OK)
		return hw_error(err);
	if (t->reply_lost) {
		t->reply_lost = false;
		return hw_error(GN_ERR_NOT_FOUND);
	}
	if (t->caller) {
		err = reply(t, arg[1]);
		if (err != GN_OK)
			return hw_error(err);
	}
	if (take_queued(t, ep))
		return HW_NO_REPLY; /* take_call stored the result */
	queue(t, &ep->receivers, HW_IPC_RECV, ep, ticks);
	return HW_NO_REPLY;
}

/* Capability idx of t if it is an endpoint with rights, or NULL: a shorter lookup. */
static inline hw_cap_slot_t const *fast_lookup(hw_thread_t *t, uint64_t idx, uint16_t rights)
{
	hw_cap_slot_t const *s;

	if (idx >= HW_CAP_SLOTS)
		return NULL;
	s = &t->pd->caps.slots[idx];
	if (!s->obj || s->gen != s->obj->gen || s->obj->type != HW_OBJ_ENDPOINT ||
		(s->rights & rights) != rights)
		return NULL;
	return s;
}

static inline endpoint_t *ep_of(hw_cap_slot_t const *s)
{
	return GN_CONTAINER_OF(s->obj, endpoint_t, obj);
}

static inline void fast_copy(hw_thread_t *from, hw_thread_t *to, uint64_t words)
{
	for (uint64_t i = 0; i < words; i++)
		to->utcb[0][i] = from->utcb[0][i];
}

static hw_frame_t *fast_call(hw_thread_t *t, hw_cap_slot_t const *s, uint64_t info)
{
	gn_list_elem_t *e = gn_list_first(&ep_of(s)->receivers);
	hw_thread_t *server;

	if (!e)
		return NULL;
	server = GN_LIST_ENTRY(e, hw_thread_t, ipc_elem);
	if (server->sched.prio != t->sched.prio || server->cpu != t->cpu)
		return NULL;
	fast_copy(t, server, info);
	gn_list_remove(e);
	server->ipc = HW_IPC_NONE;
	server->blocked_on = NULL;
	server->caller = t;
	server->regs.rax = info;
	server->utcb[1][UTCB_BADGE] = s->badge;
	t->ipc = HW_IPC_REPLY;
	t->server = server;
	t->regs.rax = (uint64_t)hw_error(GN_ERR_TIMEOUT);
	return hw_thread_handoff(t, server);
}

static hw_frame_t *fast_reply_wait(hw_thread_t *t, endpoint_t *ep, uint64_t info)
{
	hw_thread_t *caller = t->caller;

	if (!caller || !gn_list_empty(&ep->callers) || caller->sched.prio != t->sched.prio ||
		caller->cpu != t->cpu || caller->faulting)
		return NULL;
	fast_copy(t, caller, info);
	t->caller = NULL;
	caller->server = NULL;
	caller->ipc = HW_IPC_NONE;
	caller->regs.rax = info;
	t->ipc = HW_IPC_RECV;
	t->blocked_on = ep;
	gn_list_insert_tail(&ep->receivers, &t->ipc_elem);
	t->regs.rax = (uint64_t)hw_error(GN_ERR_TIMEOUT);
	return hw_thread_handoff(t, caller);
}

hw_frame_t *hw_ipc_fast(hw_thread_t *t)
{
	uint64_t number = t->regs.rax, info = t->regs.rsi;
	hw_cap_slot_t const *s;

	if (t->regs.rdx != 0 || info > HW_FAST_WORDS)
		return NULL; /* a timeout, capabilities or a longer message */
	if (number == HW_SYS_CALL) {
		s = fast_lookup(t, t->regs.rdi, HW_RIGHT_CALL);
		return s ? fast_call(t, s, info) : NULL;
	}
	if (number == HW_SYS_REPLY_WAIT) {
		s = fast_lookup(t, t->regs.rdi, HW_RIGHT_RECV);
		return s ? fast_reply_wait(t, ep_of(s), info) : NULL;
	}
	return NULL;
}

int64_t hw_call_ep_revoke_badge(hw_thread_t *t, uint64_t const arg[4])
{
	uint64_t badge = arg[1];
	endpoint_t *ep;
	gn_list_elem_t *e, *next;
	gn_err_t err = lookup(t, arg[0], HW_RIGHT_OWNER, &ep, NULL);

	if (err == GN_OK && badge == 0)
		err = GN_ERR_INVALID_ARG;
	if (err != GN_OK)
		return hw_error(err);
	for (e = gn_list_first(&ep->callers); e; e = next) {
		hw_thread_t *caller = GN_LIST_ENTRY(e, hw_thread_t, ipc_elem);
		next = gn_list_next(&ep->callers, e);
		if (caller->send_badge == badge) {
			gn_list_remove(e);
			hw_ipc_resume(caller, hw_error(GN_ERR_REVOKED));
		}
	}
	return (int64_t)hw_pds_revoke_badge(&ep->obj, badge);
}
