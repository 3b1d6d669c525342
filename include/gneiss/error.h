/*
 * Errors shared by the whole API.
 *
 * The first group are the wire errors every RPC reply may carry (DESIGN.md §2); the second the
 * library's own. Interfaces define their own codes from GN_ERR_INTERFACE_BASE on, so a status fits
 * one field of the reply header whatever the interface.
 */
#ifndef GNEISS_ERROR_H
#define GNEISS_ERROR_H

typedef enum {
	GN_OK = 0,

	/* wire errors */
	GN_ERR_INVALID_CAP = 1, /* the capability names no object the caller holds */
	GN_ERR_REVOKED = 2,     /* the object existed but its owner revoked it */
	GN_ERR_BAD_MSG = 3,     /* length, opcode or capability count do not fit the interface */
	GN_ERR_OUT_OF_RAM = 4,  /* the RAM quota that pays for the operation is exhausted */
	GN_ERR_OUT_OF_CAPS = 5, /* the capability quota that pays for the operation is exhausted */
	GN_ERR_DENIED = 6,      /* policy forbids the operation */

	/* library errors */
	GN_ERR_INVALID_ARG = 16, /* an argument is out of its range */
	GN_ERR_TRUNCATED = 17,   /* the output did not fit the buffer */
	GN_ERR_NOT_FOUND = 18,
	GN_ERR_EXISTS = 19,
	GN_ERR_LIMIT = 20, /* a fixed table or nesting limit was reached */
	GN_ERR_AGAIN = 21, /* the operation would block; retry after a signal */
	GN_ERR_IO = 22,    /* the platform reported a failure it could not classify */
	GN_ERR_TIMEOUT = 23,

	GN_ERR_INTERFACE_BASE = 64,
} gn_err_t;

/* Discards an error on purpose (a plain (void) cast does not silence warn_unused_result). */
static inline void gn_ignore(gn_err_t err)
{
	(void)err;
}

/* Short, stable name of an error ("OUT_OF_RAM"); never NULL. */
char const *gn_err_name(gn_err_t err);

#endif
