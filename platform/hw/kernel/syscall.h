/*
 * Kernel calls (the ABI is hw_syscall.h). Each handler decodes and checks every argument against
 * the caller's own domain first (numbers against their ranges, buffers against its page tables,
 * thread indices against its table), and only then acts; a refusal changes nothing but the
 * caller's RAX. User memory is only ever read through hw_pt_copy_in.
 */
#ifndef GNEISS_HW_SYSCALL_KERNEL_H
#define GNEISS_HW_SYSCALL_KERNEL_H

#include "thread.h"

/* Carries out the kernel call that thread t made (its saved registers hold the arguments). */
void hw_syscall(hw_thread_t *t);

#endif
