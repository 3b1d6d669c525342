/*
 * The mappings of memory objects in one domain (mem.h has the rules): the checks of a mapping
 * request, and adding and removing a mapping in a domain's page tables and its table of mappings.
 *
 * Pure logic on hw_pt_t, like pt.c: the kernel passes a domain's tables, the unit tests fake
 * memory. The frames mapped are the memory object's, never owned by the page tables. Nothing here
 * flushes the TLB: the kernel does that for the tables it has loaded.
 */
#ifndef GNEISS_HW_MAPPING_H
#define GNEISS_HW_MAPPING_H

#include "cap.h"
#include "pt.h"

enum {
	HW_PD_MAPPINGS = 128, /* mappings in one domain */
};

/* A memory object mapped into a domain: pages of its pages at va. */
typedef struct {
	hw_obj_t *mem; /* NULL: unused */
	uint64_t va;
	uint64_t pages;
	unsigned pt_flags; /* HW_PT_WRITE, HW_PT_EXEC: how it is mapped */
} hw_mapping_t;

/*
 * The rights (HW_RIGHT_READ, _WRITE, _EXEC) a mapping with flags (HW_MAP_*) needs, and in
 * *pt_flags the page-table flags it gets; 0 when flags are invalid: unknown bits, no
 * HW_MAP_READ, or HW_MAP_WRITE with HW_MAP_EXEC.
 */
uint16_t hw_mapping_rights(uint64_t flags, unsigned *pt_flags);

/*
 * Whether [offset, offset + size) lies in an object of object_pages pages and can be mapped at
 * va: everything page-aligned, size > 0, the whole range in [HW_USER_BASE, HW_UTCB_BASE).
 */
bool hw_mapping_range_ok(uint64_t object_pages, uint64_t va, uint64_t offset, uint64_t size);

/*
 * Maps pages frames from phys at va in pt with pt_flags (checked by the two above) and records
 * it in maps as mem's. Errors: GN_ERR_LIMIT (maps is full), GN_ERR_EXISTS (a page of the range is
 * mapped), GN_ERR_OUT_OF_RAM (no frame for a table: what was mapped is unmapped again, the new
 * tables stay with pt). Nothing is recorded on error.
 */
gn_err_t hw_mapping_add(hw_pt_t *pt, hw_mapping_t maps[HW_PD_MAPPINGS], hw_obj_t *mem,
	uint64_t phys, uint64_t va, uint64_t pages, unsigned pt_flags) GN_MUST_CHECK;

/* The mapping of maps that starts at va, or NULL. */
hw_mapping_t *hw_mapping_find(hw_mapping_t maps[HW_PD_MAPPINGS], uint64_t va);

/* Unmaps map's pages from pt and empties the record. */
void hw_mapping_remove(hw_pt_t *pt, hw_mapping_t *map);

#endif
