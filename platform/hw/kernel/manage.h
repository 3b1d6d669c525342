/*
 * Domain management by the root: empty domains, threads in them, capabilities given to them
 * (the rules are manage.c's opening comment; the ABI hw_syscall.h).
 */
#ifndef GNEISS_HW_MANAGE_H
#define GNEISS_HW_MANAGE_H

#include "thread.h"

/* Kernel calls (syscall.h). */
int64_t hw_call_pd_create(hw_thread_t *t, uint64_t const arg[4]);
int64_t hw_call_thread_start(hw_thread_t *t, uint64_t const arg[4]);
int64_t hw_call_cap_give(hw_thread_t *t, uint64_t const arg[4]);
int64_t hw_call_thread_time(hw_thread_t *t, uint64_t const arg[4]);

#endif
