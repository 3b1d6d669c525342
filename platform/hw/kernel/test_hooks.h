/*
 * Kernel test hooks, driven by a boot module named `hw-test` (test/scenario/hw_*): its text is one
 * command that makes the kernel do something a test needs to observe, once it has booted.
 *
 *   fault ud2 | fault page | fault gp | fault divide   raise that exception in kernel mode
 *   fault write-text | fault exec-data               break the kernel's W^X: #PF in kernel mode
 *   fault stack-overflow                             run into the kernel stack's guard page: #DF
 *   interrupts                                       raise unused and spurious vectors, go on
 *   exit N                                           exit with value N (0..126)
 *   triple-fault                                     reset the machine without any report
 *
 * A malformed or unknown command is a panic naming it. The command runs after the kernel switched
 * to its own page tables, before any program starts.
 */
#ifndef GNEISS_HW_TEST_HOOKS_H
#define GNEISS_HW_TEST_HOOKS_H

#include "multiboot.h"

/* Runs the command of the `hw-test` module, if info has one; returns only when there is none or
 * the command lets the boot go on. */
void hw_test_hooks_run(hw_boot_info_t const *info);

#endif
