/*
 * Attaching dataspaces to the component's own address space (the local region map).
 *
 * On linux a dataspace is a memfd; attaching maps it shared and populated, writable unless the
 * dataspace is sealed against writing (ROMs), in which case it is attached read-only.
 */
#ifndef GNEISS_DATASPACE_H
#define GNEISS_DATASPACE_H

#include <gneiss/cap.h>

/* Size in bytes of the dataspace behind ds. Errors: INVALID_CAP. */
gn_err_t gn_ds_size(gn_cap_t ds, size_t *size) GN_MUST_CHECK;

/*
 * Attaches ds; *addr receives the local address, *size the attached size. *writable says whether it
 * could be mapped writable. Errors: INVALID_CAP, OUT_OF_RAM (no address space left).
 */
gn_err_t gn_ds_attach(gn_cap_t ds, void **addr, size_t *size, bool *writable) GN_MUST_CHECK;

/* Detaches what gn_ds_attach returned. */
void gn_ds_detach(void *addr, size_t size);

/*
 * Copies from (read), into (write) or over (fill) attached memory of a dataspace that another
 * component owns, such as a client's buffer attached by a server. Its owner may free it at any
 * moment; then its memory is gone, and a plain access would end this component (on linux: a bus
 * error). These return GN_ERR_REVOKED instead, with the bytes up to the revoked page copied; the
 * caller should detach it. A server touches memory its clients own through these only.
 */
gn_err_t gn_ds_read(void *dst, void const *attached, size_t n) GN_MUST_CHECK;
gn_err_t gn_ds_write(void *attached, void const *src, size_t n) GN_MUST_CHECK;
gn_err_t gn_ds_fill(void *attached, uint8_t byte, size_t n) GN_MUST_CHECK;

#endif
