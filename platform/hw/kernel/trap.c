/*
 * What happens on each kernel entry (isr.S): the dispatch to kernel calls, user faults and
 * interrupts.
 *
 * From user mode: the saved frame becomes the running thread's context (a kernel call saves it
 * there directly, and the IPC fast path may answer it at once), the event is handled, and
 * the scheduler picks the context to resume, so every kernel call, fault and interrupt is a
 * scheduling point (a wakeup of a higher priority preempts at once). A user exception ends the
 * thread's domain with a report naming the domain, the thread and RIP; NMI, #DF and #MC mean a
 * broken machine or kernel and panic whatever the mode. From kernel mode only interrupts are
 * expected (while idling); an exception there is a kernel bug and panics (exception.c).
 *
 * Interrupts: the APIC timer ticks; an ISA line of the I/O APIC goes to its IRQ object (irq.c); a spurious APIC interrupt needs nothing; a PIC's spurious IRQ
 * 7 or 15 needs at most the master's EOI; any other vector is unexpected, reported (a few times)
 * and acknowledged if the APIC has it in service, so it cannot block lower ones.
 */
#include <gneiss/fmt.h>

#include "apic.h"
#include "cpu.h"
#include "fault.h"
#include "ipc.h"
#include "irq.h"
#include "log.h"
#include "pd.h"
#include "smp.h"
#include "syscall.h"

enum {
	UNEXPECTED_LOGGED = 8,
	PIC_IRQS = 16,
};

hw_frame_t *hw_trap_user(hw_frame_t *frame);
hw_frame_t *hw_trap_syscall(hw_frame_t *frame);
/*
 * The syscall entry saved the context in the running thread's regs already (frame). Without a
 * running thread once the lock is taken, another CPU ended it meanwhile (smp.h): the call is void.
 */
hw_frame_t *hw_trap_syscall(hw_frame_t *frame)
{
	hw_thread_t *t;
	hw_frame_t *next;

	hw_lock_take();
	t = hw_thread_current();
	if (t && frame != &t->regs)
		hw_panic("kernel call without a running thread to save it in");
	if (!t || !(next = hw_ipc_fast(t))) {
		if (t)
			hw_syscall(t);
		next = hw_thread_schedule();
	}
	hw_lock_release();
	return next;
}

void hw_trap_kernel(hw_frame_t *frame);

static unsigned long unexpected;

static void interrupt(uint64_t vector)
{
	if (vector == HW_VECTOR_TIMER) {
		hw_apic_eoi();
		hw_thread_tick();
		return;
	}
	if (vector == HW_VECTOR_SPURIOUS)
		return;
	if (vector == HW_VECTOR_KICK) {
		hw_apic_eoi(); /* answered while taking the lock; the entry also schedules */
		return;
	}
	if (vector >= HW_VECTOR_IRQ && vector < HW_VECTOR_IRQ + HW_IRQ_LINES &&
		hw_irq_interrupt((unsigned)(vector - HW_VECTOR_IRQ)))
		return;
	if (vector >= HW_VECTOR_PIC && vector < HW_VECTOR_PIC + PIC_IRQS &&
		(vector - HW_VECTOR_PIC) % 8 == 7) {
		hw_pic_spurious((unsigned)(vector - HW_VECTOR_PIC));
		return;
	}
	if (hw_apic_in_service((unsigned)vector))
		hw_apic_eoi();
	if (unexpected++ < UNEXPECTED_LOGGED)
		hw_log("unexpected interrupt vector %lu, ignored", vector);
}

static void user_fault(hw_thread_t *t, hw_frame_t *frame)
{
	char who[HW_PD_NAME_MAX + 32];
	uint64_t cr2 = hw_read_cr2();

	if (frame->vector == HW_VECTOR_NMI || frame->vector == HW_VECTOR_DF ||
		frame->vector == HW_VECTOR_MC)
		hw_exception(frame);
	gn_ignore(gn_fmt(who, sizeof(who), NULL, "pd '%s' thread %u: ", t->pd->name, t->index));
	hw_exception_report(who, frame, cr2);
	if (!hw_fault_send(t, frame, cr2))
		hw_pd_end(t->pd, "ended by its fault");
}

static void from_user(hw_thread_t *t, hw_frame_t *frame)
{
	t->regs = *frame; /* kernel calls enter by hw_trap_syscall */
	if (frame->vector < HW_EXCEPTIONS)
		user_fault(t, frame);
	else
		interrupt(frame->vector);
}

/* Without a running thread, another CPU ended it while this entry took the lock (smp.h). */
hw_frame_t *hw_trap_user(hw_frame_t *frame)
{
	hw_thread_t *t;
	hw_frame_t *next;

	hw_lock_take();
	t = hw_thread_current();
	if (t)
		from_user(t, frame);
	else if (frame->vector >= HW_EXCEPTIONS)
		interrupt(frame->vector);
	next = hw_thread_schedule();
	hw_lock_release();
	return next;
}

/* An interrupt ends an idle wait (the lock released) or, at boot, arrives before any thread. */
void hw_trap_kernel(hw_frame_t *frame)
{
	if (frame->vector < HW_EXCEPTIONS)
		hw_exception(frame);
	hw_lock_take();
	interrupt(frame->vector);
	hw_lock_release();
}
