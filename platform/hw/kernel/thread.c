/* Threads, blocking and the scheduler's mechanics (see thread.h). */
#include "cpu.h"
#include "exit.h"
#include "fault.h"
#include "ipc.h"
#include "layout.h"
#include "log.h"
#include "paging.h"
#include "smp.h"
#include "thread.h"
#include "utcb.h"

enum {
	RFLAGS_FIXED = 1 << 1,
	RFLAGS_IF = 1 << 9,
	/* what user mode may keep: CF PF AF ZF SF TF DF OF AC; never IOPL, NT, RF, VM, IF off */
	RFLAGS_USER = 0x1 | 0x4 | 0x10 | 0x40 | 0x80 | 0x100 | 0x400 | 0x800 | 0x40000,
};

static hw_sched_t scheds[HW_CPU_MAX]; /* a thread is on the queue of its CPU (t->cpu) */
static gn_list_t timeouts;            /* blocked threads with a deadline, earliest first */
static uint64_t now;                  /* ticks since the timer started (the boot CPU's) */
static unsigned tick_us;

void hw_threads_init_cpu(hw_cpu_t *cpu)
{
	cpu->current = NULL;
	cpu->loaded_root = hw_read_cr3();
	cpu->loaded_fs = 0;
	hw_wrmsr(HW_MSR_FS_BASE, 0);
}

void hw_threads_init(unsigned slice_ticks, unsigned tick)
{
	for (unsigned i = 0; i < HW_CPU_MAX; i++)
		hw_sched_init(&scheds[i], slice_ticks);
	gn_list_init(&timeouts);
	tick_us = tick;
	hw_threads_init_cpu(hw_cpu_self());
}

/* The CPU t runs on right now, or NULL. */
static hw_cpu_t *running_on(hw_thread_t const *t)
{
	for (unsigned i = 0; i < hw_cpu_count; i++) {
		if (hw_cpus[i].current == t)
			return &hw_cpus[i];
	}
	return NULL;
}

/* Queues a thread that is on no queue on its CPU's, and wakes that CPU if it is another. */
static void make_ready(hw_thread_t *t)
{
	hw_cpu_t *cpu = &hw_cpus[t->cpu];

	hw_sched_ready(&scheds[t->cpu], &t->sched);
	if (hw_cpu_count > 1 &&
		(!cpu->current || cpu->current->sched.prio < t->sched.prio || cpu->idle))
		hw_smp_wake(cpu);
}

uint64_t hw_time_us(void)
{
	return now * tick_us;
}

uint64_t hw_ticks_to_us(uint64_t ticks)
{
	return ticks * tick_us;
}

void hw_thread_drop_space(uint64_t root)
{
	hw_cpu_t *cpu = hw_cpu_self();

	hw_smp_shootdown(root, true);
	if (cpu->loaded_root != root)
		return;
	cpu->loaded_root = hw_paging_kernel_root();
	hw_write_cr3(cpu->loaded_root);
}

uint64_t hw_ticks_for_us(uint64_t us)
{
	return (us + tick_us - 1) / tick_us;
}

gn_err_t hw_thread_create(hw_pd_t *pd, unsigned prio, uint64_t entry, uint64_t stack_top,
	uint64_t arg, hw_thread_t **out)
{
	hw_thread_t *t = NULL;
	uint64_t *utcb[HW_UTCB_PAGES], gen;
	unsigned index;
	gn_err_t err;

	for (unsigned i = 0; i < HW_PD_THREADS && !t; i++)
		t = pd->threads[i].state == HW_THREAD_FREE ? &pd->threads[i] : NULL;
	if (!t)
		return GN_ERR_LIMIT;
	index = (unsigned)(t - pd->threads);
	err = hw_utcb_map(&pd->pt, index, utcb);
	if (err != GN_OK)
		return err;
	gen = t->obj.gen;
	*t = (hw_thread_t){
		.regs = {.rip = entry,
			.rsp = stack_top,
			.rdi = arg,
			.rsi = HW_UTCB_BASE + (uint64_t)index * HW_UTCB_SIZE,
			.cs = HW_SEL_UCODE,
			.ss = HW_SEL_UDATA,
			.rflags = RFLAGS_IF | RFLAGS_FIXED},
		.obj = {.gen = gen},
		.pd = pd,
		.index = index,
		.cpu = hw_cpu_self()->index,
		.cpu_next = hw_cpu_self()->index,
		.state = HW_THREAD_READY,
		.utcb = {utcb[0], utcb[1]},
	};
	hw_obj_init(&t->obj, HW_OBJ_THREAD);
	gn_list_elem_init(&t->timeout);
	gn_list_elem_init(&t->ipc_elem);
	hw_sched_item_init(&t->sched, prio);
	make_ready(t);
	pd->alive++;
	*out = t;
	return GN_OK;
}

void hw_thread_block(hw_thread_t *t, uint64_t ticks)
{
	hw_sched_remove(&scheds[t->cpu], &t->sched);
	t->state = HW_THREAD_BLOCKED;
	if (ticks == 0)
		return;
	t->deadline = now + ticks;
	for (gn_list_elem_t *e = gn_list_first(&timeouts); e; e = gn_list_next(&timeouts, e)) {
		if (GN_LIST_ENTRY(e, hw_thread_t, timeout)->deadline > t->deadline) {
			gn_list_insert_before(e, &t->timeout);
			return;
		}
	}
	gn_list_insert_tail(&timeouts, &t->timeout);
}

void hw_thread_unblock(hw_thread_t *t)
{
	if (t->state != HW_THREAD_BLOCKED)
		return;
	gn_list_remove(&t->timeout);
	t->deadline = 0;
	t->waiting = false;
	t->state = HW_THREAD_READY;
	make_ready(t);
}

void hw_thread_yield(hw_thread_t *t)
{
	hw_sched_yield(&scheds[t->cpu], &t->sched);
}

void hw_thread_set_cpu(hw_thread_t *t, unsigned cpu)
{
	hw_cpu_t *on = running_on(t);

	t->cpu_next = cpu;
	if (on) {
		hw_smp_wake(on); /* it moves t when it schedules next (migrate) */
		return;
	}
	if (t->state != HW_THREAD_READY) {
		t->cpu = cpu;
		return;
	}
	hw_sched_remove(&scheds[t->cpu], &t->sched);
	t->cpu = cpu;
	make_ready(t);
}

/* The running thread leaves this CPU's queue for the one it was given (hw_thread_set_cpu). */
static void migrate(hw_cpu_t *self)
{
	hw_thread_t *t = self->current;

	if (!t || t->cpu_next == t->cpu)
		return;
	self->current = NULL;
	if (t->state != HW_THREAD_READY) {
		t->cpu = t->cpu_next;
		return;
	}
	hw_sched_remove(&scheds[t->cpu], &t->sched);
	t->cpu = t->cpu_next;
	make_ready(t);
}

void hw_thread_end(hw_thread_t *t)
{
	if (t->state == HW_THREAD_FREE)
		return;
	hw_ipc_thread_ended(t);
	hw_obj_destroy(&t->obj);
	hw_sched_remove(&scheds[t->cpu], &t->sched);
	gn_list_remove(&t->timeout);
	t->pd->ticks += t->ticks;
	t->pd->preemptions += t->preemptions;
	t->pd->alive--;
	t->state = HW_THREAD_FREE;
	hw_cpu_t *on = running_on(t);
	if (on) {
		/* another CPU's thread: that CPU leaves user mode (its context saved) before the
		 * slot can be reused, and finds itself without a thread when it gets the lock */
		on->current = NULL;
		hw_smp_kick_wait(on, false);
	}
}

void hw_thread_tick(void)
{
	gn_list_elem_t *e;
	hw_cpu_t *cpu = hw_cpu_self();
	hw_thread_t *current = cpu->current;

	if (current) {
		current->ticks++;
		hw_sched_tick(&scheds[current->cpu], &current->sched);
	}
	if (cpu->index != 0)
		return; /* time and timeouts are the boot CPU's */
	now++;
	while ((e = gn_list_first(&timeouts)) &&
		GN_LIST_ENTRY(e, hw_thread_t, timeout)->deadline <= now) {
		hw_thread_t *t = GN_LIST_ENTRY(e, hw_thread_t, timeout);
		hw_ipc_cancel(t); /* its RAX holds the timeout's result already */
		hw_thread_unblock(t);
	}
}

/* Enforces what the kernel guarantees about every context it enters (see isr.S). */
static void sanitise(hw_frame_t *regs)
{
	regs->cs = HW_SEL_UCODE;
	regs->ss = HW_SEL_UDATA;
	regs->rflags = (regs->rflags & RFLAGS_USER) | RFLAGS_IF | RFLAGS_FIXED;
}

/*
 * A thread must never resume outside the user half. Its RIP is user state, so this is no
 * reason to panic: hw_fault_answer already refuses such a resume, and should a thread get here
 * anyway its domain ends by its fault (the scheduler reaps it) instead.
 */
static bool resumable(hw_thread_t *t)
{
	if (t->regs.rip < HW_USER_END)
		return true;
	hw_log("pd '%s' thread %u: would resume at 0x%lx, outside the user half", t->pd->name,
		t->index, t->regs.rip);
	t->fault_end = HW_FAULT_END_PD;
	return false;
}

/* Makes t the running thread in its address space; its context to resume. */
static hw_frame_t *enter(hw_cpu_t *cpu, hw_thread_t *t)
{
	if (t->pd->pt.root != cpu->loaded_root) {
		cpu->loaded_root = t->pd->pt.root;
		hw_write_cr3(cpu->loaded_root);
	}
	if (t->fs_base != cpu->loaded_fs) {
		/* user mode cannot change it (CR4.FSGSBASE stays clear): nothing to save */
		cpu->loaded_fs = t->fs_base;
		hw_wrmsr(HW_MSR_FS_BASE, cpu->loaded_fs);
	}
	cpu->current = t;
	cpu->save_top = (uint64_t)(&t->regs + 1);
	sanitise(&t->regs);
	return &t->regs;
}

/* True when no CPU has a ready thread (the running ones are ready too). */
static bool nothing_ready(void)
{
	for (unsigned i = 0; i < hw_cpu_count; i++) {
		if (hw_sched_pick(&scheds[i]))
			return false;
	}
	return true;
}

hw_frame_t *hw_thread_schedule(void)
{
	hw_sched_item_t *item;
	hw_cpu_t *cpu = hw_cpu_self();
	hw_thread_t *t, *prev;

	migrate(cpu);
	prev = cpu->current;
	do {
		while (!(item = hw_sched_pick(&scheds[cpu->index]))) {
			if (gn_list_empty(&timeouts) && nothing_ready()) {
				hw_log("every thread waits without a timeout: nothing can run any "
				       "more");
				hw_exit(HW_EXIT_DEADLOCK);
			}
			cpu->current = NULL;
			cpu->idle = true;
			hw_lock_release();
			hw_wait_for_interrupt();
			hw_lock_take();
			cpu->idle = false;
		}
		t = GN_CONTAINER_OF(item, hw_thread_t, sched);
	} while ((t->fault_end != HW_FAULT_END_NONE || !resumable(t)) && hw_fault_reap(t));
	if (prev && prev != t && prev->state == HW_THREAD_READY &&
		prev->regs.vector != HW_VECTOR_SYSCALL)
		prev->preemptions++;
	return enter(cpu, t);
}

hw_frame_t *hw_thread_handoff(hw_thread_t *from, hw_thread_t *to)
{
	hw_sched_item_t *a = &from->sched, *b = &to->sched;

	gn_list_remove(&to->timeout);
	to->deadline = 0;
	to->waiting = false;
	to->state = HW_THREAD_READY;
	gn_list_insert_before(&a->elem, &b->elem);
	b->ready = true;
	b->slice_left = a->slice_left;
	gn_list_remove(&a->elem);
	a->ready = false;
	from->state = HW_THREAD_BLOCKED;
	if (!resumable(to))
		return hw_thread_schedule(); /* picks to first, which ends its domain */
	return enter(hw_cpu_self(), to);
}
