/*
 * Kernel calls (see syscall.h): a table of handlers indexed by the call number, MINIX-style, and
 * the calls of threads and capabilities. Refusals of user buffers are reported on the log, at
 * most REFUSALS_LOGGED per domain, so a test sees them and a flood does not drown the log.
 */
#include <gneiss/fmt.h>

#include "fault.h"
#include "ioport.h"
#include "irq.h"
#include "ipc.h"
#include "log.h"
#include "manage.h"
#include "mem.h"
#include "pd.h"
#include "reply.h"
#include "signal.h"
#include "smp.h"
#include "syscall.h"

enum {
	REFUSALS_LOGGED = 4,
};

#define NO_REPLY HW_NO_REPLY
#define error hw_error

static void reply(hw_thread_t *t, int64_t value)
{
	t->regs.rax = (uint64_t)value;
}

static void report_refusal(hw_thread_t *t, char const *call, uint64_t ptr, uint64_t len)
{
	hw_pd_t *pd = t->pd;

	if (pd->refusals < REFUSALS_LOGGED)
		hw_log("pd '%s' thread %u: %s refused: 0x%lx (%lu bytes) is not readable memory of "
		       "the domain",
			pd->name, t->index, call, ptr, len);
	else if (pd->refusals == REFUSALS_LOGGED)
		hw_log("pd '%s': further refusals are not reported", pd->name);
	if (pd->refusals <= REFUSALS_LOGGED)
		pd->refusals++;
}

/*
 * flags 0 prints "[pd] text"; HW_PRINT_RAW the text alone, for the root only (core labels its
 * lines itself).
 */
static int64_t call_print(hw_thread_t *t, uint64_t const arg[4])
{
	char text[HW_PRINT_MAX];
	uint64_t ptr = arg[0], len = arg[1], flags = arg[2];

	if (len > HW_PRINT_MAX || (flags & ~(uint64_t)HW_PRINT_RAW))
		return error(GN_ERR_INVALID_ARG);
	if ((flags & HW_PRINT_RAW) && t->pd != hw_pd_root())
		return error(GN_ERR_DENIED);
	if (hw_pt_copy_in(&t->pd->pt, ptr, len, text) != GN_OK) {
		report_refusal(t, "print", ptr, len);
		return error(GN_ERR_DENIED);
	}
	hw_log_user((flags & HW_PRINT_RAW) ? NULL : t->pd->name, text, len);
	return 0;
}

static int64_t call_yield(hw_thread_t *t, uint64_t const arg[4])
{
	(void)arg;
	hw_thread_yield(t);
	return 0;
}

/* With a fault handler, the handler hears of the exit first (fault.h). */
static int64_t call_exit(hw_thread_t *t, uint64_t const arg[4])
{
	if (hw_fault_exit(t, (int64_t)arg[0]))
		return NO_REPLY;
	hw_pd_exit(t->pd, (int64_t)arg[0]);
	return NO_REPLY;
}

static int64_t call_thread_create(hw_thread_t *t, uint64_t const arg[4])
{
	uint64_t entry = arg[0], stack_top = arg[1], prio = arg[2], idx;
	hw_thread_t *created;
	gn_err_t err;

	if (!hw_pt_user_access(&t->pd->pt, entry, 1, HW_PT_EXEC) || stack_top % 16 != 0 ||
		stack_top < HW_USER_BASE + 16 ||
		!hw_pt_user_access(&t->pd->pt, stack_top - 16, 16, HW_PT_WRITE) ||
		prio > HW_PRIO_MAX)
		return error(GN_ERR_INVALID_ARG);
	if (prio > t->sched.prio)
		return error(GN_ERR_DENIED);
	if (t->pd->alive >= HW_PD_THREADS)
		return error(GN_ERR_LIMIT);
	if (hw_cspace_free_slot(&t->pd->caps) < 0)
		return error(GN_ERR_OUT_OF_CAPS);
	err = hw_thread_create(t->pd, (unsigned)prio, entry, stack_top, arg[3], &created);
	if (err != GN_OK)
		return error(err);
	if (hw_cap_insert(&t->pd->caps, &created->obj, HW_RIGHT_WAKE, &idx) != GN_OK)
		return error(GN_ERR_OUT_OF_CAPS); /* cannot happen: checked above */
	return (int64_t)idx;
}

static int64_t call_thread_exit(hw_thread_t *t, uint64_t const arg[4])
{
	hw_pd_t *pd = t->pd;

	(void)arg;
	hw_thread_end(t);
	if (pd->alive == 0)
		hw_pd_end(pd, "ended: its last thread exited");
	return NO_REPLY;
}

static int64_t call_sleep(hw_thread_t *t, uint64_t const arg[4])
{
	if (arg[0] > HW_SLEEP_MAX_US)
		return error(GN_ERR_INVALID_ARG);
	if (arg[0] == 0)
		return 0;
	reply(t, 0);
	hw_thread_block(t, hw_ticks_for_us(arg[0]));
	return NO_REPLY;
}

static int64_t call_wait(hw_thread_t *t, uint64_t const arg[4])
{
	if (arg[0] > HW_SLEEP_MAX_US)
		return error(GN_ERR_INVALID_ARG);
	if (t->wake_pending) {
		t->wake_pending = false;
		return 0;
	}
	reply(t, error(GN_ERR_TIMEOUT)); /* what the caller gets unless a wake comes first */
	t->waiting = true;
	hw_thread_block(t, hw_ticks_for_us(arg[0]));
	return NO_REPLY;
}

static int64_t call_wake(hw_thread_t *t, uint64_t const arg[4])
{
	hw_obj_t *obj;
	hw_thread_t *target;
	gn_err_t err = hw_cap_lookup(&t->pd->caps, arg[0], HW_OBJ_THREAD, HW_RIGHT_WAKE, &obj);

	if (err != GN_OK)
		return error(err);
	target = GN_CONTAINER_OF(obj, hw_thread_t, obj);
	if (!target->waiting) {
		target->wake_pending = true;
		return 0;
	}
	reply(target, 0);
	hw_thread_unblock(target);
	return 0;
}

static int64_t call_time(hw_thread_t *t, uint64_t const arg[4])
{
	(void)t;
	(void)arg;
	return (int64_t)hw_time_us();
}

static int64_t call_cpu_info(hw_thread_t *t, uint64_t const arg[4])
{
	hw_cpu_t const *cpu = hw_cpu_self();

	(void)t;
	(void)arg;
	return (int64_t)HW_CPU_INFO(cpu->index, hw_cpu_count, cpu->apic_id & 0xff);
}

static int64_t call_thread_cpu(hw_thread_t *t, uint64_t const arg[4])
{
	hw_obj_t *obj;
	gn_err_t err = hw_cap_lookup(&t->pd->caps, arg[0], HW_OBJ_THREAD, HW_RIGHT_WAKE, &obj);

	if (err == GN_OK && arg[1] >= hw_cpu_count)
		err = GN_ERR_INVALID_ARG;
	if (err != GN_OK)
		return error(err);
	hw_thread_set_cpu(GN_CONTAINER_OF(obj, hw_thread_t, obj), (unsigned)arg[1]);
	return 0;
}

static int64_t call_cap_drop(hw_thread_t *t, uint64_t const arg[4])
{
	hw_obj_t *destroy;
	gn_err_t err = hw_cap_drop(&t->pd->caps, arg[0], &destroy);

	if (err != GN_OK)
		return error(err);
	if (destroy)
		hw_ipc_destroy(destroy);
	return 0;
}

static int64_t call_cap_info(hw_thread_t *t, uint64_t const arg[4])
{
	hw_cap_slot_t slot;
	gn_err_t err = hw_cap_get(&t->pd->caps, arg[0], &slot);

	if (err != GN_OK)
		return error(err);
	return (int64_t)HW_CAP_INFO(slot.obj->type, slot.rights);
}

static int64_t call_cap_mint(hw_thread_t *t, uint64_t const arg[4])
{
	hw_cap_slot_t src, copy;
	uint64_t idx;
	gn_err_t err = hw_cap_get(&t->pd->caps, arg[0], &src);

	if (err == GN_OK)
		err = hw_cap_mint(&src, arg[1], arg[2], &copy);
	if (err == GN_OK)
		err = hw_cap_insert_copy(&t->pd->caps, &copy, copy.rights, &idx);
	return err == GN_OK ? (int64_t)idx : error(err);
}

/* Only the server (RECV on ep) learns which of its objects a capability names. */
static int64_t call_cap_badge(hw_thread_t *t, uint64_t const arg[4])
{
	hw_obj_t *ep;
	uint64_t badge;
	gn_err_t err = hw_cap_lookup(&t->pd->caps, arg[1], HW_OBJ_ENDPOINT, HW_RIGHT_RECV, &ep);

	if (err == GN_OK)
		err = hw_cap_badge(&t->pd->caps, arg[0], ep, &badge);
	return err == GN_OK ? (int64_t)badge : error(err); /* badge <= HW_BADGE_MAX (cap_mint) */
}

static int64_t call_cap_same(hw_thread_t *t, uint64_t const arg[4])
{
	bool same;
	gn_err_t err = hw_cap_same(&t->pd->caps, arg[0], arg[1], &same);

	return err == GN_OK ? (int64_t)same : error(err);
}

/* Any canonical lower-half address: TLS may lie anywhere the domain maps memory. */
static int64_t call_fs_base(hw_thread_t *t, uint64_t const arg[4])
{
	if (arg[0] >= HW_USER_CANONICAL_END)
		return error(GN_ERR_INVALID_ARG);
	t->fs_base = arg[0];
	return 0;
}

static hw_handler_t const handlers[HW_SYS_COUNT] = {
	[HW_SYS_PRINT] = call_print,
	[HW_SYS_YIELD] = call_yield,
	[HW_SYS_EXIT] = call_exit,
	[HW_SYS_THREAD_CREATE] = call_thread_create,
	[HW_SYS_THREAD_EXIT] = call_thread_exit,
	[HW_SYS_SLEEP] = call_sleep,
	[HW_SYS_WAIT] = call_wait,
	[HW_SYS_WAKE] = call_wake,
	[HW_SYS_TIME] = call_time,
	[HW_SYS_CAP_DROP] = call_cap_drop,
	[HW_SYS_CAP_INFO] = call_cap_info,
	[HW_SYS_EP_CREATE] = hw_call_ep_create,
	[HW_SYS_CALL] = hw_call_call,
	[HW_SYS_REPLY_WAIT] = hw_call_reply_wait,
	[HW_SYS_SIGNAL_RECEIVER] = hw_call_signal_receiver,
	[HW_SYS_SIGNAL_CONTEXT] = hw_call_signal_context,
	[HW_SYS_SUBMIT] = hw_call_submit,
	[HW_SYS_SIGNAL_WAIT] = hw_call_signal_wait,
	[HW_SYS_FS_BASE] = call_fs_base,
	[HW_SYS_CAP_MINT] = call_cap_mint,
	[HW_SYS_EP_REVOKE_BADGE] = hw_call_ep_revoke_badge,
	[HW_SYS_REPLY_CAP] = hw_call_reply_cap,
	[HW_SYS_REPLY] = hw_call_reply,
	[HW_SYS_MEM_CREATE] = hw_call_mem_create,
	[HW_SYS_MEM_MAP] = hw_call_mem_map,
	[HW_SYS_MEM_UNMAP] = hw_call_mem_unmap,
	[HW_SYS_PD_CREATE] = hw_call_pd_create,
	[HW_SYS_THREAD_START] = hw_call_thread_start,
	[HW_SYS_CAP_GIVE] = hw_call_cap_give,
	[HW_SYS_FAULT_HANDLER] = hw_call_fault_handler,
	[HW_SYS_IO_PORT_CREATE] = hw_call_io_port_create,
	[HW_SYS_PORT_IN] = hw_call_port_in,
	[HW_SYS_PORT_OUT] = hw_call_port_out,
	[HW_SYS_IRQ_CREATE] = hw_call_irq_create,
	[HW_SYS_IRQ_BIND] = hw_call_irq_bind,
	[HW_SYS_IRQ_ACK] = hw_call_irq_ack,
	[HW_SYS_CPU_INFO] = call_cpu_info,
	[HW_SYS_THREAD_CPU] = call_thread_cpu,
	[HW_SYS_MEM_SIZE] = hw_call_mem_size,
	[HW_SYS_CAP_BADGE] = call_cap_badge,
	[HW_SYS_CAP_SAME] = call_cap_same,
	[HW_SYS_SIGNAL_BIND] = hw_call_signal_bind,
	[HW_SYS_THREAD_TIME] = hw_call_thread_time,
	[HW_SYS_IO_MEM_CREATE] = hw_call_io_mem_create,
};

void hw_syscall(hw_thread_t *t)
{
	uint64_t number = t->regs.rax;
	uint64_t const arg[6] = {
		t->regs.rdi, t->regs.rsi, t->regs.rdx, t->regs.r10, t->regs.r8, t->regs.r9};
	int64_t result = number < HW_SYS_COUNT && handlers[number] ? handlers[number](t, arg)
								   : error(GN_ERR_BAD_MSG);

	if (result != NO_REPLY)
		reply(t, result);
}
