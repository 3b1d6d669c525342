/*
 * RM session: region maps that are not an address space of their own but can be attached like a
 * dataspace (a managed dataspace), as Genode's RM service.
 *
 * A session creates region maps of a size fixed at creation; each costs the session
 * GN_RM_MAP_PRICE_RAM bytes and GN_RM_MAP_PRICE_CAPS capabilities of its donation (OUT_OF_RAM or
 * OUT_OF_CAPS beyond it: upgrade the session), refunded by destroy. A region map holds attachments
 * of dataspaces, or of another region map's managed dataspace (a sub region map), each a
 * page-aligned window [at, at + size) inside [0, size of the map) over [offset, offset + size) of
 * what is attached; attachments never overlap (EXISTS), never leave the map (INVALID_ARG), never
 * make a region map contain itself (DENIED) and nest at most GN_RM_DEPTH_MAX maps deep (LIMIT).
 *
 * The managed dataspace (gn_region_map_dataspace) is attached like any dataspace
 * (gn_rm_attach): where the region map has something attached, the memory appears; an access where
 * it has nothing (or too few rights) is a fault of that region map: the thread stops, the map's
 * state says READ, WRITE or EXEC at which offset, its fault handler is signalled, and once an
 * attach covers the offset the thread continues. Detaching takes the memory away from every view
 * at once. On linux, where every component maps its dataspaces itself, managed dataspaces cannot
 * be attached (as in Genode's base-linux): the region maps are kept, nothing more.
 */
#ifndef GNEISS_RM_SESSION_H
#define GNEISS_RM_SESSION_H

#include <gneiss/rpc.h>

enum {
	GN_RM_MAP_PRICE_RAM = 4096,
	GN_RM_MAP_PRICE_CAPS = 2,   /* the region map's and its managed dataspace's */
	GN_RM_DEPTH_MAX = 4,        /* region maps nested in one another, the outermost included */
	GN_RM_ATTACHMENTS_MAX = 16, /* per region map */
};

typedef struct {
	uint64_t size; /* of the region map: page-aligned, > 0 */
} gn_rm_session_create_args_t;

/*
 * create: a new, empty region map (its capability). Errors: INVALID_ARG (size), OUT_OF_RAM,
 * OUT_OF_CAPS (the session's donation), LIMIT (core's table).
 * destroy: the region map of the capability (created by this session: else INVALID_CAP) goes: it
 * is detached from every map it is attached to, every view of its managed dataspace loses its
 * memory, and threads waiting for one of its faults end (or, where it was attached inside another
 * map, wait on as that map's faults).
 */
#define GN_RM_SESSION_RPCS(X, P)                                          \
	X(P, create, 1, gn_rm_session_create_args_t, gn_rpc_void_t, 0, 1) \
	X(P, destroy, 2, gn_rpc_void_t, gn_rpc_void_t, 1, 0)

GN_RPC_CLIENT(gn_rm_session, GN_RM_SESSION_RPCS)

typedef enum {
	GN_RM_FAULT_NONE = 0,
	GN_RM_FAULT_READ = 1,
	GN_RM_FAULT_WRITE = 2,
	GN_RM_FAULT_EXEC = 3,
} gn_rm_fault_type_t;

typedef struct {
	uint64_t size;   /* 0: from offset to the end of the dataspace */
	uint64_t offset; /* into the dataspace, page-aligned */
	uint64_t at;     /* with use_at: page-aligned offset in the region map */
	uint8_t use_at;  /* 0: the lowest place where it fits */
	uint8_t writable;
	uint8_t pad[6];
} gn_region_map_attach_args_t;

typedef struct {
	uint64_t at; /* where it was attached */
	uint64_t size;
} gn_region_map_attach_res_t;

typedef struct {
	uint64_t at;
} gn_region_map_detach_args_t;

typedef struct {
	uint32_t type; /* gn_rm_fault_type_t of the oldest fault waiting, NONE: none */
	uint32_t pad;
	uint64_t addr; /* its offset in the region map */
} gn_region_map_state_res_t;

/*
 * attach: the dataspace passed (a RAM or ROM dataspace, or a managed one). Errors: INVALID_CAP
 * (not a dataspace), INVALID_ARG (unaligned, empty, beyond the dataspace or the map), EXISTS
 * (overlap, or no room without use_at), DENIED (writable over a read-only dataspace, or a region map
 * into itself), LIMIT (GN_RM_ATTACHMENTS_MAX, or nested deeper than GN_RM_DEPTH_MAX).
 * detach: the attachment starting at at (NOT_FOUND).
 * fault_handler: the signal context submitted at each fault of this map (and at once if one
 * waits). state: the oldest fault waiting. dataspace: the managed dataspace.
 */
#define GN_REGION_MAP_RPCS(X, P)                                                       \
	X(P, attach, 1, gn_region_map_attach_args_t, gn_region_map_attach_res_t, 1, 0) \
	X(P, detach, 2, gn_region_map_detach_args_t, gn_rpc_void_t, 0, 0)              \
	X(P, fault_handler, 3, gn_rpc_void_t, gn_rpc_void_t, 1, 0)                     \
	X(P, state, 4, gn_rpc_void_t, gn_region_map_state_res_t, 0, 0)                 \
	X(P, dataspace, 5, gn_rpc_void_t, gn_rpc_void_t, 0, 1)

GN_RPC_CLIENT(gn_region_map, GN_REGION_MAP_RPCS)
GN_CAP_TYPE(gn_region_map_cap_t);

/*
 * The managed dataspace, as the runtime uses it (platform/hw/lib/region_map.c), not components:
 * info gives its size; back makes the window [va, va + size) of the calling component's domain
 * (the PD session passed: the component's own, env->pd) show [offset, offset + size) of the
 * region map, core mapping what is attached there when it is touched; unback ends the window that
 * starts at va. Errors of back: INVALID_CAP/DENIED (no PD session, or one without a program),
 * INVALID_ARG (unaligned, outside the map or the component's window for attachments), EXISTS
 * (overlaps another window of the domain), LIMIT. Its opcodes lie far from every other
 * interface's, so that asking any other object for them is BAD_MSG.
 */
enum {
	GN_MANAGED_DS_OPCODES = 0x4d445300 /* "MDS" */
};

typedef struct {
	uint64_t size;
} gn_managed_ds_info_res_t;

typedef struct {
	uint64_t va, offset, size;
	uint8_t writable;
	uint8_t pad[7];
} gn_managed_ds_back_args_t;

typedef struct {
	uint64_t va;
} gn_managed_ds_unback_args_t;

#define GN_MANAGED_DS_RPCS(X, P)                                                              \
	X(P, info, GN_MANAGED_DS_OPCODES + 1, gn_rpc_void_t, gn_managed_ds_info_res_t, 0, 0)  \
	X(P, back, GN_MANAGED_DS_OPCODES + 2, gn_managed_ds_back_args_t, gn_rpc_void_t, 1, 0) \
	X(P, unback, GN_MANAGED_DS_OPCODES + 3, gn_managed_ds_unback_args_t, gn_rpc_void_t, 1, 0)

GN_RPC_CLIENT(gn_managed_ds, GN_MANAGED_DS_RPCS)

#endif
