/*
 * Protection domains: an address space built from a boot module's ELF program (or created empty
 * by the holder of the domain factory, manage.c), its threads, its capability space, and their
 * end.
 *
 * A domain owns every frame it uses (page tables, program, stacks, UTCBs, through its hw_pt_t) and
 * gives them all back when it ends, whichever way: its exit call, the exit of its last thread, or
 * a fault. It starts with the capabilities of hw_syscall.h's slot layout; the first domain started
 * is the root, which owns the boot endpoint. When it ends, its threads end first (their IPC
 * partners get errors), then the objects it owns are destroyed, which revokes every capability to
 * them, then its own capabilities go. A domain created by another (its owner) ends also when the
 * owner drops its owning capability or ends (children first); its memory mappings are forgotten
 * with its page tables, and the memory objects it owns are unmapped everywhere and freed (mem.h).
 * The root also holds the domain factory, the boot modules (main.c, mem.c) and the I/O port and
 * IRQ factories (ioport.c, irq.c); port ranges and IRQs it owns go with it. When the last
 * domain has ended, the kernel checks that every
 * frame the domains took is free again and exits with 0 (there is nothing else to run yet).
 */
#ifndef GNEISS_HW_PD_H
#define GNEISS_HW_PD_H

#include "frame.h"
#include "thread.h"

enum {
	HW_PD_IMAGE_PAGES = 1024, /* the most a program's segments may cover: 4 MiB */
};

/*
 * Sets up the domain table: page-table frames from mem, NX where nx, and frames to check against
 * when all domains have ended.
 */
void hw_pds_init(hw_pt_mem_t const *mem, bool nx, hw_frames_t const *frames);

/*
 * Creates a domain named name from the ELF program elf (size bytes, untrusted) and starts its
 * first thread at HW_PRIO_MAX with the stack below HW_USER_STACK_TOP. Errors, with why saying
 * what is wrong: GN_ERR_INVALID_ARG and GN_ERR_LIMIT (hw_elf_check refused the program, or the
 * domain table is full), GN_ERR_OUT_OF_RAM. Nothing is left behind on error.
 */
gn_err_t hw_pd_start(char const *name, uint8_t const *elf, size_t size, char *why,
	size_t why_size) GN_MUST_CHECK;

/*
 * Ends pd and all its threads, frees its memory and logs "pd 'name' <how> (...)". When it was the
 * last domain, checks the frames and exits the machine.
 */
void hw_pd_end(hw_pd_t *pd, char const *how);

/*
 * Ends pd as "exited with code". The root's code (0 .. HW_EXIT_MAX; anything else counts as
 * HW_EXIT_MAX) becomes the machine's exit value once every domain has ended: core passes init's on.
 */
void hw_pd_exit(hw_pd_t *pd, int64_t code);

/*
 * Revokes every capability to obj with badge in every domain (hw_cspace_revoke_badge), and every
 * fault handler registered with such a capability (the domain's faults then end it as without a
 * handler); returns the number of capabilities revoked in the spaces.
 */
unsigned hw_pds_revoke_badge(hw_obj_t const *obj, uint64_t badge);

/* Domain table entry i if it is in use, else NULL (i < HW_PD_MAX). */
hw_pd_t *hw_pd_slot(size_t i);

/* The root (the first domain started), or NULL before it started and after it ended. */
hw_pd_t *hw_pd_root(void);

/*
 * Creates an empty domain named name (checked by the caller) owned by owner: page tables with
 * only the kernel half, slot 0 itself (HW_RIGHT_MANAGE), no thread. It counts as one of owner's
 * objects and ends when owner drops its owning capability, when owner ends, or when its last
 * thread ends. Errors: GN_ERR_LIMIT (the domain table is full), GN_ERR_OUT_OF_RAM.
 */
gn_err_t hw_pd_create(hw_pd_t *owner, char const *name, hw_pd_t **out) GN_MUST_CHECK;

/* Domains that run. */
size_t hw_pd_count(void);

#endif
