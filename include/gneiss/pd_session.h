/*
 * PD session: a protection domain's RAM and capability quota, and what it pays for — RAM
 * dataspaces, signal contexts — plus, on linux, starting the domain's program.
 *
 * Accounting is exact: every dataspace is charged its page-rounded size and one capability, every
 * signal context one capability; freeing refunds both. A request beyond the quota fails with
 * OUT_OF_RAM or OUT_OF_CAPS and changes nothing.
 */
#ifndef GNEISS_PD_SESSION_H
#define GNEISS_PD_SESSION_H

#include <gneiss/rpc.h>

enum {
	GN_PD_BINARY_NAME_MAX = 64
};

typedef struct {
	uint64_t size;
} gn_pd_alloc_ram_args_t;

typedef struct {
	uint64_t size; /* what was charged */
} gn_pd_alloc_ram_res_t;

typedef struct {
	uint64_t ram_quota, ram_used;
	uint64_t cap_quota, cap_used;
} gn_pd_quota_res_t;

typedef struct {
	uint64_t ram;
	uint64_t caps;
} gn_pd_transfer_args_t;

typedef struct {
	char binary[GN_PD_BINARY_NAME_MAX]; /* a boot module */
} gn_pd_start_args_t;

/*
 * transfer_quota: moves RAM and caps from this PD to the PD of the capability passed, which must be
 * a PD whose reference account this PD is, or this PD's own reference account (a parent and its
 * children); anything else is DENIED.
 * start: runs the binary in this PD, sandboxed, with capabilities [parent, cpu, log] as its
 * environment. Only one program per PD.
 * ref_account: makes the PD of the capability passed this PD's reference account, so that a parent
 * whose own parent created the PD (a nested init) can give it quota. Only for a fresh PD (nothing
 * used, not started), and only towards its current reference account or a PD that has that same
 * reference account; anything else is DENIED. Quota the PD has already (its session's donation)
 * is charged to the new reference account and refunded to the old one (OUT_OF_* when the new one
 * cannot pay).
 */
#define GN_PD_RPCS(X, P)                                                        \
	X(P, alloc_ram, 1, gn_pd_alloc_ram_args_t, gn_pd_alloc_ram_res_t, 0, 1) \
	X(P, free_ram, 2, gn_rpc_void_t, gn_rpc_void_t, 1, 0)                   \
	X(P, quota, 3, gn_rpc_void_t, gn_pd_quota_res_t, 0, 0)                  \
	X(P, transfer_quota, 4, gn_pd_transfer_args_t, gn_rpc_void_t, 1, 0)     \
	X(P, alloc_signal, 5, gn_rpc_void_t, gn_rpc_void_t, 0, 1)               \
	X(P, free_signal, 6, gn_rpc_void_t, gn_rpc_void_t, 1, 0)                \
	X(P, start, 7, gn_pd_start_args_t, gn_rpc_void_t, 3, 0)                 \
	X(P, ref_account, 8, gn_rpc_void_t, gn_rpc_void_t, 1, 0)

GN_RPC_CLIENT(gn_pd_session, GN_PD_RPCS)
GN_CAP_TYPE(gn_pd_session_cap_t);

#endif
