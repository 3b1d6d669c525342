/*
 * Kernel calls (see syscall.h): a table of handlers indexed by the call number, MINIX-style. A
 * handler returns the caller's result (a negated gn_err_t for a refusal), or NO_REPLY when it
 * blocked the caller with the result a timeout gives already stored, or ended the caller (exit),
 * whose registers must not be touched afterwards. Refusals of user buffers are reported on the
 * log, at most REFUSALS_LOGGED per domain, so a test sees them and a flood does not drown the log.
 */
#include <gneiss/fmt.h>

#include "exit.h"
#include "layout.h"
#include "log.h"
#include "pd.h"
#include "syscall.h"

enum {
	REFUSALS_LOGGED = 4,
};

#define NO_REPLY INT64_MIN

typedef int64_t (*handler_t)(hw_thread_t *t, uint64_t const arg[4]);

static void reply(hw_thread_t *t, int64_t value)
{
	t->regs.rax = (uint64_t)value;
}

static int64_t error(gn_err_t err)
{
	return -(int64_t)err;
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

static int64_t call_print(hw_thread_t *t, uint64_t const arg[4])
{
	char text[HW_PRINT_MAX];
	uint64_t ptr = arg[0], len = arg[1];

	if (len > HW_PRINT_MAX)
		return error(GN_ERR_INVALID_ARG);
	if (hw_pt_copy_in(&t->pd->pt, ptr, len, text) != GN_OK) {
		report_refusal(t, "print", ptr, len);
		return error(GN_ERR_DENIED);
	}
	hw_log_user(t->pd->name, text, len);
	return 0;
}

static int64_t call_yield(hw_thread_t *t, uint64_t const arg[4])
{
	(void)arg;
	hw_thread_yield(t);
	return 0;
}

static int64_t call_exit(hw_thread_t *t, uint64_t const arg[4])
{
	char how[48];

	gn_ignore(gn_fmt(how, sizeof(how), NULL, "exited with %ld", (int64_t)arg[0]));
	hw_pd_end(t->pd, how);
	return NO_REPLY;
}

static int64_t call_thread_create(hw_thread_t *t, uint64_t const arg[4])
{
	uint64_t entry = arg[0], stack_top = arg[1], prio = arg[2];
	hw_thread_t *created;

	if (!hw_pt_user_access(&t->pd->pt, entry, 1, HW_PT_EXEC) || stack_top % 16 != 0 ||
		stack_top < HW_USER_BASE + 16 ||
		!hw_pt_user_access(&t->pd->pt, stack_top - 16, 16, HW_PT_WRITE) ||
		prio > HW_PRIO_MAX)
		return error(GN_ERR_INVALID_ARG);
	if (prio > t->sched.prio)
		return error(GN_ERR_DENIED);
	if (hw_thread_create(t->pd, (unsigned)prio, entry, stack_top, arg[3], &created) != GN_OK)
		return error(GN_ERR_LIMIT);
	return created->index;
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
	hw_thread_t *target;

	if (arg[0] >= HW_PD_THREADS || t->pd->threads[arg[0]].state == HW_THREAD_FREE)
		return error(GN_ERR_INVALID_ARG);
	target = &t->pd->threads[arg[0]];
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

static int64_t call_kernel_exit(hw_thread_t *t, uint64_t const arg[4])
{
	if (arg[0] > HW_EXIT_MAX)
		return error(GN_ERR_INVALID_ARG);
	hw_log("pd '%s' ends the machine with exit value %lu (test call kernel_exit)", t->pd->name,
		arg[0]);
	hw_exit((unsigned)arg[0]);
}

static handler_t const handlers[HW_SYS_COUNT] = {
	[HW_SYS_PRINT] = call_print,
	[HW_SYS_YIELD] = call_yield,
	[HW_SYS_EXIT] = call_exit,
	[HW_SYS_THREAD_CREATE] = call_thread_create,
	[HW_SYS_THREAD_EXIT] = call_thread_exit,
	[HW_SYS_SLEEP] = call_sleep,
	[HW_SYS_WAIT] = call_wait,
	[HW_SYS_WAKE] = call_wake,
	[HW_SYS_TIME] = call_time,
	[HW_SYS_KERNEL_EXIT] = call_kernel_exit,
};

void hw_syscall(hw_thread_t *t)
{
	uint64_t number = t->regs.rax;
	uint64_t const arg[4] = {t->regs.rdi, t->regs.rsi, t->regs.rdx, t->regs.r10};
	int64_t result = number < HW_SYS_COUNT && handlers[number] ? handlers[number](t, arg)
								   : error(GN_ERR_BAD_MSG);

	if (result != NO_REPLY)
		reply(t, result);
}
