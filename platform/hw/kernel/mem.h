/*
 * Memory objects (RAM dataspaces): a run of physically contiguous frames, and their mappings
 * into protection domains.
 *
 * HW_SYS_MEM_CREATE takes the frames from the frame allocator, zeroes them and charges them to
 * the creating domain (at most HW_MEM_MAX_PAGES per object, HW_PD_MEM_PAGES per domain, and one of
 * its HW_PD_OBJECTS); its capability has READ, WRITE, EXEC and OWNER. The boot modules are memory
 * objects too, made at boot over the modules' own frames (reserved, never freed), read-only
 * (READ, EXEC) and owned by no domain: the root finds them in its boot table (hw_syscall.h).
 *
 * HW_SYS_MEM_MAP maps a page-aligned part of an object into a domain the caller manages
 * (HW_RIGHT_MANAGE: its own slot 0, or a domain it created) below HW_UTCB_BASE (so never over a
 * UTCB or the first thread's stack), read-only, read-write or read-execute as the capability's
 * rights allow, never writable and executable, and only where nothing is mapped yet. W^X holds per
 * object: while it is mapped writable anywhere it cannot be mapped executable anywhere and the
 * other way round (DENIED); unmap the one to map the other. The domain
 * records each mapping (HW_PD_MAPPINGS); HW_SYS_MEM_UNMAP removes one whole mapping by its start.
 * Mapped frames are never owned by the page tables: the object keeps them.
 *
 * Device memory objects (HW_SYS_IO_MEM_CREATE, through the root's factory) are memory objects
 * over a physical range of a device (device_range.h says which): READ, WRITE and OWNER, never
 * EXEC; one object per range at a time (EXISTS); charged as one of the creator's objects but not
 * as memory; mapped uncached (HW_PT_DEVICE), never zeroed and never freed into the allocator.
 *
 * Lifetime: destroying an object (its owner drops the owning capability or ends) first unmaps it
 * from every domain, then frees its frames at once. A domain that ends just forgets its mappings.
 * Page-table frames that mappings need are the mapped domain's, not charged to the object; the
 * tables an unmap leaves empty are freed (pt.h), so they stay bounded by the domain's mappings.
 */
#ifndef GNEISS_HW_MEM_H
#define GNEISS_HW_MEM_H

#include "device_range.h"
#include "frame.h"
#include "multiboot.h"
#include "thread.h"

enum {
	HW_MEMS = HW_OBJECT_POOL,
	HW_MEM_MAX_PAGES = 4096, /* 16 MiB per object */
};

/* Sets up memory objects: frames come from and go back to frames. */
void hw_mem_init(hw_frames_t *frames);

/*
 * Makes every boot module a read-only memory object in root's space (slot HW_CAP_BOOT_MODULE - i)
 * and writes the boot table into utcb; started[i] says whether the kernel started module i.
 */
void hw_mem_boot_modules(
	hw_pd_t *root, hw_boot_info_t const *info, bool const *started, uint64_t *utcb);

/*
 * Gives root the device memory factory (HW_CAP_IO_MEM_FACTORY, HW_RIGHT_CREATE); io_mem_create
 * checks ranges against ranges (copied).
 */
void hw_mem_io_boot(hw_pd_t *root, hw_device_ranges_t const *ranges);

/* Destroys a live memory object an owning capability named: unmapped everywhere, frames freed. */
void hw_mem_destroy(hw_obj_t *obj);

/* Destroys every memory object pd owns. */
void hw_mem_pd_ended(hw_pd_t *pd);

/* Kernel calls (syscall.h). */
int64_t hw_call_mem_create(hw_thread_t *t, uint64_t const arg[6]);
int64_t hw_call_mem_map(hw_thread_t *t, uint64_t const arg[6]);
int64_t hw_call_mem_unmap(hw_thread_t *t, uint64_t const arg[6]);
int64_t hw_call_mem_size(hw_thread_t *t, uint64_t const arg[6]);
int64_t hw_call_io_mem_create(hw_thread_t *t, uint64_t const arg[6]);

#endif
