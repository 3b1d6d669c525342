/*
 * Access to dataspaces another component owns, on hw. When the owner frees a dataspace the
 * kernel destroys its memory object and unmaps it from every domain, so a plain access would
 * page-fault and core would end this component. These copy only after the kernel said the
 * object still exists (mem_size on the region's capability, hw_rm_access), piece by piece, and
 * answer REVOKED without touching a piece whose object is gone. What remains is the race of the
 * object's end between that answer and the copy (region_map.c).
 */
#include <gneiss/dataspace.h>
#include <gneiss/string.h>

#include "hw_lib.h"

typedef struct {
	uint8_t *dst;
	uint8_t const *src;
	uint8_t byte;
} access_t;

static void copy(void *ctx, size_t done, size_t len)
{
	access_t const *a = ctx;

	gn_memcpy(a->dst + done, a->src + done, len);
}

static void fill(void *ctx, size_t done, size_t len)
{
	access_t const *a = ctx;

	gn_memset(a->dst + done, a->byte, len);
}

gn_err_t gn_ds_read(void *dst, void const *attached, size_t n)
{
	access_t a = {dst, attached, 0};

	return hw_rm_access((uintptr_t)attached, n, copy, &a);
}

gn_err_t gn_ds_write(void *attached, void const *src, size_t n)
{
	access_t a = {attached, src, 0};

	return hw_rm_access((uintptr_t)attached, n, copy, &a);
}

gn_err_t gn_ds_fill(void *attached, uint8_t byte, size_t n)
{
	access_t a = {attached, NULL, byte};

	return hw_rm_access((uintptr_t)attached, n, fill, &a);
}
