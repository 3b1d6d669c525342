/*
 * The physical frame allocator: 4 KiB frames of the available memory below a limit (the reach of
 * the kernel's direct map), minus everything reserved at boot.
 *
 * A frame is usable when it lies wholly inside an available region of the memory map and touches
 * neither a region of another type nor a reserved range (the first MiB, the kernel image, the boot
 * information, the modules): where the map contradicts itself, reserved wins. Only usable frames
 * are ever handed out, and only usable frames can be freed, each once. The caller provides the
 * bitmap words (two arrays of nwords), so the kernel keeps them in .bss and unit tests on the heap.
 * Allocation takes the lowest free frame. Not thread-safe.
 */
#ifndef GNEISS_HW_FRAME_H
#define GNEISS_HW_FRAME_H

#include <gneiss/bitmap.h>
#include <gneiss/error.h>
#include <gneiss/types.h>

#include "multiboot.h"

enum {
	HW_FRAME_SIZE = 4096,
};

typedef struct {
	gn_bitmap_t used;    /* set: allocated, or not usable */
	uint64_t *usable;    /* set: usable (fixed after init) */
	size_t frames;       /* frames 0 .. frames - 1 are covered */
	size_t usable_count; /* usable frames, allocated or free */
	uint64_t ignored;    /* bytes of available memory at or above the limit or the capacity */
	uint64_t available;  /* bytes of available memory below them, before reservations */
} hw_frames_t;

/*
 * Sets up fa over the regions and reserved ranges of info, covering physical memory below limit
 * and below nwords * 64 frames. Errors: GN_ERR_INVALID_ARG (nwords or limit too small for even
 * one frame), GN_ERR_OUT_OF_RAM (no usable frame at all).
 */
gn_err_t hw_frames_init(hw_frames_t *fa, uint64_t *used_words, uint64_t *usable_words,
	size_t nwords, hw_boot_info_t const *info, uint64_t limit) GN_MUST_CHECK;

/* Allocates the lowest free frame and stores its physical address. GN_ERR_OUT_OF_RAM when none. */
gn_err_t hw_frames_alloc(hw_frames_t *fa, uint64_t *phys) GN_MUST_CHECK;

/*
 * Allocates count physically contiguous free frames (the lowest such run) and stores the first's
 * address. Errors: GN_ERR_INVALID_ARG (count 0), GN_ERR_OUT_OF_RAM (no run that long).
 */
gn_err_t hw_frames_alloc_run(hw_frames_t *fa, size_t count, uint64_t *phys) GN_MUST_CHECK;

/*
 * Frees the frame at phys. GN_ERR_INVALID_ARG when phys is not the start of a usable frame
 * (unaligned, outside, reserved), GN_ERR_NOT_FOUND when it is free already.
 */
gn_err_t hw_frames_free(hw_frames_t *fa, uint64_t phys) GN_MUST_CHECK;

/* Frames that can be allocated now. */
size_t hw_frames_free_count(hw_frames_t const *fa);

/* True when the frame at phys is usable (independent of whether it is allocated). */
bool hw_frames_usable(hw_frames_t const *fa, uint64_t phys);

#endif
