/*
 * The linux side of the capability table: capabilities are file descriptors. Only the platform
 * sees descriptors.
 */
#ifndef LX_CAP_H
#define LX_CAP_H

#include <gneiss/cap.h>

/*
 * Enters fd (ownership passes to the table) and returns a capability with one reference. The kind
 * is what the kernel says the descriptor is. A socket or memfd already in the table (same inode) is
 * not entered twice: fd is closed and the existing entry gains a reference.
 * Errors: OUT_OF_CAPS (table full; fd is closed), INVALID_CAP (fd is not a descriptor).
 */
gn_err_t lx_cap_insert(int fd, gn_cap_t *out) GN_MUST_CHECK;

/* The descriptor behind cap (still owned by the table), or -1. */
int lx_cap_fd(gn_cap_t cap);

/* The entry's generation: changes whenever the entry is reused. */
uint32_t lx_cap_gen(gn_cap_t cap);

/* Kernel identity (inode) of the object behind cap, 0 when invalid. */
uint64_t lx_cap_ident(gn_cap_t cap);

/* An entry of the table: private to cap_table.c, declared here only for lx_cap_table_provide. */
typedef struct {
	uint32_t refs;
	uint32_t gen;
	int fd;
	bool resolved; /* kind and ino are known */
	uint8_t kind;
	uint64_t ino;
} lx_cap_entry_t;

/*
 * Moves the table into storage of count entries, keeping the capabilities entered so far. A
 * component's table holds LX_CAP_TABLE_DEFAULT entries; core holds one capability for every
 * dataspace, signal context and session object of the whole system and gives its table room for
 * them at boot, before a second thread exists. storage must stay valid for good.
 * Errors: INVALID_ARG when count is not larger than the table's size now.
 */
gn_err_t lx_cap_table_provide(lx_cap_entry_t *storage, uint32_t count) GN_MUST_CHECK;

enum {
	LX_CAP_TABLE_DEFAULT = 1024
};

#endif
