/*
 * The component's local region map: which dataspace is attached where in its own address space.
 *
 * Every attachment goes through here, so the component can ask what lies at an address and detach
 * by address alone. A region is a page-aligned window of a dataspace, attached at a place the caller
 * chooses or wherever there is room, writable or read-only, never executable. Attaching over an
 * existing region fails instead of replacing it. On linux the kernel maps memfds directly; managed
 * dataspaces (region maps as dataspaces, with faults) are not possible there, as in Genode's
 * base-linux.
 */
#ifndef GNEISS_REGION_MAP_H
#define GNEISS_REGION_MAP_H

#include <gneiss/cap.h>

enum {
	GN_RM_REGIONS_MAX = 256, /* attachments a component may have at once */
	GN_RM_PAGE = 4096
};

typedef struct {
	size_t offset; /* into the dataspace; page-aligned */
	size_t size;   /* bytes from offset; 0: to the end of the dataspace */
	void *at;      /* NULL: anywhere; else page-aligned and free */
	bool writable; /* false: read-only, also for a writable dataspace */
} gn_rm_attach_args_t;

/*
 * Attaches the window of ds that args describes; *addr receives its start. Errors: INVALID_CAP
 * (not a dataspace), INVALID_ARG (unaligned, empty, or beyond the dataspace's end), DENIED
 * (writable attach of a dataspace sealed against writing), EXISTS (at overlaps a region or other
 * mapping), LIMIT (GN_RM_REGIONS_MAX reached), OUT_OF_RAM (no address space left).
 */
gn_err_t gn_rm_attach(gn_cap_t ds, gn_rm_attach_args_t const *args, void **addr) GN_MUST_CHECK;

/* Detaches the region starting at addr. Errors: NOT_FOUND when no region starts there. */
gn_err_t gn_rm_detach(void *addr) GN_MUST_CHECK;

/*
 * The region containing addr: its start, size and whether it is writable.
 * Errors: NOT_FOUND when addr lies in no region.
 */
gn_err_t gn_rm_lookup(void const *addr, void **start, size_t *size, bool *writable) GN_MUST_CHECK;

/* Number of regions attached, for leak checks. */
unsigned gn_rm_count(void);

#endif
