/*
 * IRQ objects: an ISA interrupt line (through the I/O APIC, ioapic.h) whose interrupts become
 * signals, Genode's IRQ session on base-hw.
 *
 * Only the root creates them, through the IRQ factory the kernel puts into its slot
 * HW_CAP_IRQ_FACTORY; there is at most one object per line (a second: EXISTS), so exactly one
 * holder acknowledges it. The kernel keeps line 2 (the PICs' cascade) and line 4 (COM1, its log);
 * a line without a route is refused too. The owning capability has RECV and OWNER: binding and
 * acknowledging need RECV, which cap_give keeps (the root hands the line to a driver) and IPC
 * drops (a copy sent on is useless). irq_bind records a signal context (object and generation) and
 * unmasks the line; an interrupt masks the line, sends the EOI and submits the context once; the
 * line stays masked until irq_ack, so a level-triggered device cannot storm and an edge that
 * comes meanwhile is held by the I/O APIC. A context that went stale by the time of an interrupt
 * unbinds the line, which then stays masked until the next bind. Destroying the object (owner's
 * drop or end) masks the line and frees it.
 */
#ifndef GNEISS_HW_IRQ_H
#define GNEISS_HW_IRQ_H

#include "thread.h"

/* Gives the root the IRQ factory (HW_CAP_IRQ_FACTORY, HW_RIGHT_CREATE). */
void hw_irq_boot(hw_pd_t *root);

/*
 * Handles vector HW_VECTOR_IRQ + line (line < HW_IRQ_LINES): mask, EOI (when the local APIC has it
 * in service), submit. False when the line has no route, so the vector is no IRQ (trap.c treats
 * it as unexpected).
 */
bool hw_irq_interrupt(unsigned line);

/* Destroys a live IRQ object. */
void hw_irq_destroy(hw_obj_t *obj);

/* Destroys every IRQ object pd owns. */
void hw_irq_pd_ended(hw_pd_t *pd);

/* Kernel calls (syscall.h). */
int64_t hw_call_irq_create(hw_thread_t *t, uint64_t const arg[4]);
int64_t hw_call_irq_bind(hw_thread_t *t, uint64_t const arg[4]);
int64_t hw_call_irq_ack(hw_thread_t *t, uint64_t const arg[4]);

#endif
