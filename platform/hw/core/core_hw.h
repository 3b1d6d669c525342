/* What core's hw files share. */
#ifndef CORE_HW_H
#define CORE_HW_H

#include <hw_component.h>

#include "../../../core/core.h"

/* Registers ELF boot module name (module: a read-only memory object of size bytes). */
gn_err_t core_hw_add_binary(char const *name, gn_cap_t module, uint64_t size) GN_MUST_CHECK;

/*
 * Faults and exits of the programs core starts (fault.c): every program's domain has core's fault
 * endpoint, with a badge of its own, as its fault handler. core_hw_faults_init creates the
 * endpoint and the thread that takes the messages; the entrypoint's signal handler then calls
 * core_hw_program_fault or core_hw_program_exit for each, on the entrypoint's thread. An exit was
 * answered already; a fault comes with reply, the kernel slot of a reply capability through which
 * the faulting thread waits (core_hw_fault_answer answers it: resume or end, and empties it).
 */
gn_err_t core_hw_faults_init(void) GN_MUST_CHECK;
uint64_t core_hw_fault_ep(void);
void core_hw_program_exit(uint64_t badge, int code);
void core_hw_program_fault(uint64_t badge, uint64_t const fault[HW_FAULT_WORDS], uint64_t reply);
void core_hw_fault_answer(uint64_t reply, bool resume);

/*
 * Enters the slot a creating kernel call returned (or its error) into core's capability table as
 * *cap; a slot the table cannot take is dropped again (ram.c).
 */
gn_err_t core_hw_enter(int64_t slot, gn_cap_t *cap) GN_MUST_CHECK;

/* Core's capability (slot) of the domain pd's program runs in; 0: none. */
uint64_t core_hw_domain(core_pd_t const *pd);

/* Writes text on the console as it is (the kernel's raw print, in pieces of HW_PRINT_MAX). */
void core_hw_print(char const *text, size_t len);

#endif
