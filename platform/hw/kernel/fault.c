/* Faults to a handler (see fault.h). */
#include <gneiss/fmt.h>

#include "fault.h"
#include "ipc.h"
#include "log.h"
#include "pd.h"
#include "syscall.h"

/* Whether the registered handler h can be called: a live endpoint capability. */
static bool handler_live(hw_cap_slot_t const *h)
{
	return h->obj && h->gen == h->obj->gen && h->obj->type == HW_OBJ_ENDPOINT;
}

bool hw_fault_send(hw_thread_t *t, hw_frame_t const *frame, uint64_t cr2)
{
	hw_cap_slot_t const *h = &t->pd->fault_ep;

	if (!handler_live(h))
		return false;
	t->fault[HW_FAULT_THREAD] = t->index;
	t->fault[HW_FAULT_VECTOR] = frame->vector;
	t->fault[HW_FAULT_ERROR] = frame->error;
	t->fault[HW_FAULT_RIP] = frame->rip;
	t->fault[HW_FAULT_ADDR] = frame->vector == HW_VECTOR_PF ? cr2 : 0;
	t->fault[HW_FAULT_RSP] = frame->rsp;
	t->faulting = true;
	hw_log("pd '%s' thread %u: the fault goes to its fault handler", t->pd->name, t->index);
	hw_ipc_fault_call(t, h->obj, h->badge);
	return true;
}

bool hw_fault_exit(hw_thread_t *t, int64_t code)
{
	hw_pd_t *pd = t->pd;
	hw_cap_slot_t const *h = &pd->fault_ep;

	if (pd->exiting) {
		hw_thread_block(t, 0); /* ends with its domain */
		return true;
	}
	if (!handler_live(h) || hw_ipc_owner(h->obj) == pd)
		return false;
	t->fault[HW_FAULT_THREAD] = t->index;
	t->fault[HW_FAULT_VECTOR] = HW_FAULT_EXIT;
	t->fault[HW_FAULT_ERROR] = (uint64_t)code;
	t->fault[HW_FAULT_RIP] = t->regs.rip;
	t->fault[HW_FAULT_ADDR] = 0;
	t->fault[HW_FAULT_RSP] = t->regs.rsp;
	t->faulting = true;
	pd->exiting = true;
	hw_log("pd '%s' thread %u: its exit with %ld goes to its fault handler", pd->name, t->index,
		code);
	hw_ipc_fault_call(t, h->obj, h->badge);
	return true;
}

static bool is_exit(hw_thread_t const *t)
{
	return t->fault[HW_FAULT_VECTOR] == HW_FAULT_EXIT;
}

static void end_call(hw_thread_t *t, uint8_t end)
{
	t->faulting = false;
	t->fault_end = end;
	t->ipc = HW_IPC_NONE;
	t->blocked_on = NULL;
	hw_thread_unblock(t); /* its registers stay as the fault left them */
}

void hw_fault_answer(hw_thread_t *t, uint64_t const *msg, uint64_t info)
{
	bool resume = HW_MSG_WORDS_OF(info) >= 1 && msg[0] == HW_FAULT_RESUME;

	if (is_exit(t)) {
		end_call(t, HW_FAULT_END_EXIT); /* no answer resumes an exit */
		return;
	}
	/* a fault with RIP outside the user half (a jump into the kernel half) cannot resume */
	if (resume && t->regs.rip >= HW_USER_END) {
		hw_log("pd '%s' thread %u: cannot resume at 0x%lx, outside the user half",
			t->pd->name, t->index, t->regs.rip);
		resume = false;
	}
	end_call(t, resume ? HW_FAULT_END_NONE : HW_FAULT_END_THREAD);
}

void hw_fault_failed(hw_thread_t *t)
{
	end_call(t, is_exit(t) ? HW_FAULT_END_EXIT : HW_FAULT_END_PD);
}

bool hw_fault_reap(hw_thread_t *t)
{
	hw_pd_t *pd = t->pd;
	uint8_t end = t->fault_end;

	t->fault_end = HW_FAULT_END_NONE;
	if (end == HW_FAULT_END_EXIT) {
		hw_pd_exit(pd, (int64_t)t->fault[HW_FAULT_ERROR]);
		return true;
	}
	if (end == HW_FAULT_END_PD) {
		hw_log("pd '%s' thread %u: its fault handler is gone", pd->name, t->index);
		hw_pd_end(pd, "ended by its fault");
		return true;
	}
	if (end != HW_FAULT_END_THREAD)
		return false;
	hw_log("pd '%s' thread %u: ended by its fault handler", pd->name, t->index);
	hw_thread_end(t);
	if (pd->alive == 0)
		hw_pd_end(pd, "ended: its last thread was ended by its fault handler");
	return true;
}

int64_t hw_call_fault_handler(hw_thread_t *t, uint64_t const arg[4])
{
	hw_cap_slot_t ep = {0};
	hw_obj_t *obj;
	gn_err_t err = hw_cap_lookup(&t->pd->caps, arg[0], HW_OBJ_PD, HW_RIGHT_MANAGE, &obj);

	if (err == GN_OK)
		err = hw_cap_get(&t->pd->caps, arg[1], &ep);
	if (err == GN_OK && ep.obj->type != HW_OBJ_ENDPOINT)
		err = GN_ERR_INVALID_CAP;
	if (err == GN_OK && !(ep.rights & HW_RIGHT_CALL))
		err = GN_ERR_DENIED;
	if (err != GN_OK)
		return hw_error(err);
	GN_CONTAINER_OF(obj, hw_pd_t, obj)->fault_ep = ep;
	return 0;
}
