/*
 * Capabilities.
 *
 * A gn_cap_t names an entry of the component's capability table. The entry holds the kind, a
 * reference count and the platform's native handle (a file descriptor on linux, a kernel capability
 * index on hw); native handles never leave the platform layer. Index 0 is the invalid capability.
 *
 * Ownership: every function that hands out a capability gives the caller one reference, which the
 * caller drops with gn_cap_drop(). The last drop releases the native handle.
 *
 * Each kind of capability has its own wrapper type (GN_CAP_TYPE), so that passing a ROM session
 * where a LOG session is expected fails to compile.
 */
#ifndef GNEISS_CAP_H
#define GNEISS_CAP_H

#include <gneiss/error.h>
#include <gneiss/types.h>

typedef uint32_t gn_cap_t;

enum {
	GN_CAP_INVALID = 0
};

typedef enum {
	GN_CAP_KIND_NONE = 0,
	GN_CAP_KIND_OBJECT, /* an RPC object */
	GN_CAP_KIND_SIGNAL, /* a signal context */
	GN_CAP_KIND_DATASPACE,
} gn_cap_kind_t;

#define GN_CAP_TYPE(name)     \
	typedef struct {      \
		gn_cap_t cap; \
	} name

/* True when cap names a live entry of the table. */
bool gn_cap_valid(gn_cap_t cap);

/* Kind of the capability (GN_CAP_KIND_NONE when invalid). */
gn_cap_kind_t gn_cap_kind(gn_cap_t cap);

/* Takes one more reference; returns cap (GN_CAP_INVALID stays invalid). */
gn_cap_t gn_cap_copy(gn_cap_t cap);

/* Drops one reference; the last one closes the native handle. Dropping GN_CAP_INVALID is a no-op. */
void gn_cap_drop(gn_cap_t cap);

/* True when a and b name the same kernel object (e.g. a capability that came back to its owner). */
bool gn_cap_same(gn_cap_t a, gn_cap_t b);

/* Number of live entries, for leak checks. */
unsigned gn_cap_count(void);

#endif
