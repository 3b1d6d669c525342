/*
 * ROM session: read-only data by name (the last element of the session label). The dataspace is
 * sealed against writing, so no reader can change what others see. A dynamic ROM signals its
 * sigh when new content is available; the client then asks for the dataspace again.
 */
#ifndef GNEISS_ROM_SESSION_H
#define GNEISS_ROM_SESSION_H

#include <gneiss/rpc.h>

typedef struct {
	uint64_t size; /* bytes of content (the dataspace may be larger) */
} gn_rom_dataspace_res_t;

#define GN_ROM_RPCS(X, P)                                               \
	X(P, dataspace, 1, gn_rpc_void_t, gn_rom_dataspace_res_t, 0, 1) \
	X(P, sigh, 2, gn_rpc_void_t, gn_rpc_void_t, 1, 0)

GN_RPC_CLIENT(gn_rom_session, GN_ROM_RPCS)
GN_CAP_TYPE(gn_rom_session_cap_t);

#endif
