/* Process startup of the linux platform, shared by components and core. */
#ifndef LX_START_H
#define LX_START_H

#include <gneiss/error.h>

/* The C entry called by _start; components and core each define it. */
void lx_start(void *initial_sp);

/* Gives the main thread its TLS. */
gn_err_t lx_main_thread_init(void) GN_MUST_CHECK;

/* Installs the bus-error handler behind gn_ds_read/gn_ds_write/gn_ds_fill (ds_access.c). */
gn_err_t lx_ds_access_init(void) GN_MUST_CHECK;

#endif
