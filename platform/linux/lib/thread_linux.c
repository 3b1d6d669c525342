/*
 * Threads on linux: clone(2) with exactly the flag set the seccomp policy allows, on a stack inside
 * the thread's RAM dataspace (lib/base/thread.c allocates and frees it).
 *
 * The area, from low to high addresses: a guard page (PROT_NONE, so a stack that overflows faults
 * and the component ends instead of writing over whatever lies below), the stack, and the
 * thread-local block on the top page(s): the thread's lx_tls_t, which CLONE_SETTLS makes %fs point
 * to (IPC buffer, private RPC channels), and the start handshake.
 *
 * The thread id word: the kernel writes the new thread's id into tls.tid before clone returns
 * (CLONE_PARENT_SETTID) and clears it with a futex wake once the thread is gone
 * (CLONE_CHILD_CLEARTID); after that the kernel touches the area no more, so join may unmap it. The
 * kernel's wake is a shared futex on a shared mapping (the dataspace is a memfd), keyed by the
 * memfd's page, so the joiner must wait with a shared futex too: a private wait would never see it.
 *
 * A new thread first pins itself to its CPU (sched_setaffinity on itself, the only form the policy
 * allows), tells its creator whether that worked, runs its entry, closes its RPC channels (so no
 * server keeps a dead thread's channel) and leaves with exit, never exit_group.
 */
#include <linux/sched.h>

#include <gneiss/lock.h>
#include <gneiss/thread.h>
#include <gn_platform.h>
#include <lx.h>
#include <lx_tls.h>

#include "../seccomp/policy.h"

enum {
	PAGE = 4096,
	GUARD = PAGE,
	MASK_WORDS = 16 /* CPUs 0..1023 */
};

typedef struct {
	lx_tls_t tls; /* %fs points here; tls.tid is the thread id word */
	gn_blockade_t started;
	gn_err_t start_err;
} local_t;

long lx_clone(void (*fn)(void *), void *stack, unsigned long flags, void *arg, int *parent_tid,
	void *tls, int *child_tid);

static size_t page_round(size_t v)
{
	return (v + PAGE - 1) & ~(size_t)(PAGE - 1);
}

size_t gn_platform_thread_area(size_t stack_size)
{
	return GUARD + page_round(stack_size) + page_round(sizeof(local_t));
}

gn_thread_t *gn_thread_myself(void)
{
	return lx_tls()->thread;
}

static gn_err_t pin(uint32_t cpu)
{
	uint64_t mask[MASK_WORDS] = {0};

	if (cpu == GN_CPU_ANY)
		return GN_OK;
	if (cpu >= MASK_WORDS * 64)
		return GN_ERR_INVALID_ARG;
	mask[cpu / 64] = 1ull << (cpu % 64);
	return lx_err(lx_syscall3(__NR_sched_setaffinity, 0, sizeof(mask), mask));
}

/* The new thread, on its own stack (called from lx_clone's child half). */
static GN_NORETURN void thread_main(void *arg)
{
	local_t *l = arg;
	gn_thread_t *t = l->tls.thread;
	gn_err_t const err = pin(t->cpu);

	l->start_err = err;
	gn_blockade_wakeup(&l->started);
	if (err == GN_OK) {
		gn_trace_new_thread(&l->tls.trace_state, t->id, t->trace_slot, (int)lx_gettid());
		l->tls.trace = &l->tls.trace_state;
		t->entry(t->arg);
	}
	l->tls.trace = &gn_trace_off;
	gn_trace_thread_exit(&l->tls.trace_state);
	lx_tls_release(&l->tls);
	for (;;)
		lx_syscall1(__NR_exit, 0);
}

gn_err_t gn_platform_thread_start(gn_thread_t *t)
{
	size_t const local_size = page_round(sizeof(local_t));

	if (t->size < GUARD + PAGE + local_size)
		return GN_ERR_INVALID_ARG;
	local_t *l = (local_t *)((char *)t->base + t->size - local_size);
	long ret = lx_mprotect(t->base, GUARD, LX_PROT_NONE);
	if (ret < 0)
		return lx_err(ret);
	lx_tls_init(&l->tls);
	l->tls.thread = t;
	l->started = (gn_blockade_t)GN_BLOCKADE_INIT;
	l->start_err = GN_OK;

	ret = lx_clone(thread_main, l, GN_SECCOMP_THREAD_CLONE_FLAGS, l, &l->tls.tid, &l->tls,
		&l->tls.tid);
	if (ret < 0)
		return ret == -LX_EAGAIN ? GN_ERR_LIMIT : lx_err(ret);
	t->local = l;
	gn_blockade_block(&l->started);
	if (l->start_err != GN_OK) {
		gn_platform_thread_wait(t);
		return l->start_err;
	}
	return GN_OK;
}

void gn_platform_thread_wait(gn_thread_t *t)
{
	local_t *l = t->local;
	uint32_t *word = (uint32_t *)&l->tls.tid;

	for (;;) {
		uint32_t const tid = __atomic_load_n(word, __ATOMIC_ACQUIRE);
		if (tid == 0)
			return;
		(void)lx_futex(word, LX_FUTEX_WAIT, tid, NULL); /* shared: see above */
	}
}
