/*
 * Loading a program into a protection domain's page tables: the segments of an image that
 * hw_elf_check accepted, and a stack. Every page gets a fresh zeroed frame of pt's memory, mapped
 * HW_PT_OWNED with the segment's rights (W^X holds: hw_elf_check refused the rest), so destroying
 * the page tables frees it. On error the pages mapped so far stay mapped, for hw_pt_destroy to
 * free; no frame leaks. Pure like pt.c: unit tests and the fuzz target run it on fake memory.
 */
#ifndef GNEISS_HW_LOAD_H
#define GNEISS_HW_LOAD_H

#include "elf.h"
#include "pt.h"

/*
 * Maps and fills the segments of image, whose file is data (checked by hw_elf_check, so every
 * range is inside it). Errors: GN_ERR_OUT_OF_RAM, GN_ERR_EXISTS (a page is mapped already).
 */
gn_err_t hw_load_image(hw_pt_t *pt, uint8_t const *data, hw_elf_image_t const *image) GN_MUST_CHECK;

/*
 * Maps size bytes (a multiple of 4 KiB) of zeroed, writable, non-executable memory below top.
 * Errors: GN_ERR_OUT_OF_RAM, GN_ERR_EXISTS, GN_ERR_INVALID_ARG (outside the user range).
 */
gn_err_t hw_load_stack(hw_pt_t *pt, uint64_t top, uint64_t size) GN_MUST_CHECK;

#endif
