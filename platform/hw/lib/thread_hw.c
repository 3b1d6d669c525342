/*
 * Threads on hw: the kernel's thread_create in the component's own domain, on a stack inside the
 * area the caller provides (lib/base/thread.c allocates it as a RAM dataspace of the PD session
 * and attaches it through the region map; a program without core may give any memory of its own).
 *
 * The area, from low to high addresses: the stack, then the thread-local block on the top page(s):
 * hw_tls_t (IPC buffer, waiter, trace pointer) followed by the thread's trace state. The guard
 * below the stack is the region map's: it keeps a page free below every dataspace it places
 * (region_map.c), so an overflow faults there. A thread runs on its creator's CPU unless t->cpu
 * names another (thread_cpu).
 *
 * Tracing: once it runs, a thread with a record at the CPU session (lib/base/thread.c) becomes a
 * trace subject, if the component's main thread is one (gn_trace_new_thread, with its own
 * capability's slot as its thread id: unique among the component's live threads); it stops being
 * one, dropping its trace mappings, before it marks its block done.
 *
 * Start: the thread runs at its creator's priority. It learns its own kernel capability (which the
 * kernel returns to the creator) from its block, where the creator stores it after thread_create;
 * until then the new thread yields. It then points FS at its block and tells the creator, which
 * waits for that (so gn_platform_thread_start returns once the thread runs, as on linux). End:
 * the thread leaves its entry, marks its block done and wakes a joiner, then ends in the kernel,
 * which revokes its capability. A joiner waits for the mark and then for the revocation: only
 * after that is the area no longer used and free to go.
 */
#include <gneiss/lock.h>
#include <gneiss/thread.h>
#include <gn_platform.h>

#include "hw_lib.h"

enum {
	PAGE = 4096,
};

typedef struct {
	hw_tls_t tls; /* first: FS points at the local block */
	gn_trace_thread_t trace;
} local_t;

void hw_thread_entry(void);
GN_NORETURN void hw_thread_main(hw_tls_t *l, hw_utcb_t *utcb);

static size_t page_round(size_t v)
{
	return (v + PAGE - 1) & ~(size_t)(PAGE - 1);
}

size_t gn_platform_thread_area(size_t stack_size)
{
	return page_round(stack_size) + page_round(sizeof(local_t));
}

gn_thread_t *gn_thread_myself(void)
{
	return hw_tls()->thread;
}

void hw_thread_main(hw_tls_t *l, hw_utcb_t *utcb)
{
	local_t *local = (local_t *)l;
	gn_thread_t *t = l->thread;

	l->utcb = utcb;
	while (__atomic_load_n(&l->thread_cap, __ATOMIC_ACQUIRE) == 0)
		(void)hw_syscall4(HW_SYS_YIELD, 0, 0, 0, 0);
	gn_err_t const err = hw_tls_activate(l);
	l->start_err = err;
	gn_blockade_wakeup(&l->started);
	if (err == GN_OK) {
		gn_trace_new_thread(&local->trace, t->id, t->trace_slot, (int)l->thread_cap);
		l->trace = &local->trace;
		t->entry(t->arg);
		l->trace = &gn_trace_off;
		gn_trace_thread_exit(&local->trace);
	}
	__atomic_store_n(&l->done, 1, __ATOMIC_RELEASE);
	gn_platform_wake(&l->done, 1);
	for (;;)
		(void)hw_syscall4(HW_SYS_THREAD_EXIT, 0, 0, 0, 0);
}

gn_err_t gn_platform_thread_start(gn_thread_t *t)
{
	size_t const local_size = page_round(sizeof(local_t));

	if (t->cpu != GN_CPU_ANY &&
		t->cpu >= HW_CPU_INFO_COUNT((uint64_t)hw_syscall4(HW_SYS_CPU_INFO, 0, 0, 0, 0)))
		return GN_ERR_INVALID_ARG;
	if (t->size < local_size + PAGE || (uintptr_t)t->base % 16)
		return GN_ERR_INVALID_ARG;
	local_t *local = (local_t *)((char *)t->base + t->size - local_size);
	hw_tls_t *l = &local->tls;
	unsigned const prio = hw_tls()->prio;

	*local = (local_t){.tls = {.prio = prio, .thread = t, .started = GN_BLOCKADE_INIT},
		.trace = gn_trace_off};
	int64_t const cap = hw_syscall4(HW_SYS_THREAD_CREATE, (uint64_t)hw_thread_entry,
		(uint64_t)l & ~15ul, prio, (uint64_t)l);
	if (cap < 0)
		return hw_err(cap);
	if (t->cpu !=
		GN_CPU_ANY) /* it waits for its capability below: it moves before it runs on */
		(void)hw_syscall4(HW_SYS_THREAD_CPU, (uint64_t)cap, t->cpu, 0, 0);
	t->local = l;
	__atomic_store_n(&l->thread_cap, (uint64_t)cap, __ATOMIC_RELEASE);
	gn_blockade_block(&l->started);
	if (l->start_err != GN_OK) {
		gn_platform_thread_wait(t);
		return l->start_err;
	}
	return GN_OK;
}

void gn_platform_thread_wait(gn_thread_t *t)
{
	hw_tls_t *l = t->local;

	while (!__atomic_load_n(&l->done, __ATOMIC_ACQUIRE))
		gn_platform_wait(&l->done, 0);
	/* it may still be on its way into thread_exit: the kernel revokes it once it is gone */
	while (hw_syscall4(HW_SYS_CAP_INFO, l->thread_cap, 0, 0, 0) >= 0)
		(void)hw_syscall4(HW_SYS_SLEEP, 1, 0, 0, 0);
	(void)hw_syscall4(HW_SYS_CAP_DROP, l->thread_cap, 0, 0, 0);
}
