/*
 * Starting a program from a boot module entirely in user space, as core will: the root maps the
 * module (a read-only memory object, hw_syscall.h's boot table) into its own space, checks the
 * ELF program as untrusted input, creates an empty domain, gives each loadable segment a fresh
 * memory object that it fills through a temporary mapping of its own and then maps into the new
 * domain with the segment's rights (read-only, read-write or read-execute), maps a stack, gives
 * the domain the capabilities it should start with, and starts its thread.
 */
#ifndef GNEISS_HW_TEST_SPAWN_H
#define GNEISS_HW_TEST_SPAWN_H

#include "user.h"

enum {
	SPAWN_SEGMENTS = 8,
	SPAWN_GIFTS = 4,
	SPAWN_STACK = 16 * 1024,
};

/* A capability the new domain starts with: a copy of cap in its slot, with at most rights. */
typedef struct {
	uint64_t cap;
	uint64_t slot;
	uint64_t rights;
} spawn_gift_t;

/* A program started: its domain and the memory objects the root keeps for it. */
typedef struct {
	uint64_t pd;
	uint64_t thread;
	uint64_t mems[SPAWN_SEGMENTS + 1]; /* the segments', then the stack's */
	unsigned mem_count;
} spawn_t;

/* The boot table the kernel left in the root's first UTCB, copied before its first IPC. */
extern hw_boot_table_t boot_table;

/* Copies the boot table out of main_utcb; false when there is none (not the root). */
bool spawn_read_boot_table(void);

/* The module of the boot table named name, or NULL. */
hw_boot_module_t const *spawn_module(char const *name);

/*
 * Starts module mod as a domain of the same name at priority prio, with the capabilities of
 * gifts. map_va is a free 16 MiB-aligned area of the caller's space for temporary mappings.
 * Returns 0 or the refusal (a kernel call's, or -INVALID_ARG for an ELF it does not accept: the
 * reason in *why); what was created is dropped again on failure.
 */
int64_t spawn(hw_boot_module_t const *mod, unsigned prio, spawn_gift_t const *gifts,
	unsigned gift_count, uint64_t map_va, spawn_t *out, char const **why);

/* Drops what spawn created (the domain ends if it still runs; the frames go back). */
void spawn_drop(spawn_t *s);

#endif
