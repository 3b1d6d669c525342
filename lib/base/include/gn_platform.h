/*
 * What the generic library needs from a platform beyond the public API it implements (IPC,
 * entrypoint, signals, dataspaces, threads, time, wait/wake).
 */
#ifndef GN_PLATFORM_H
#define GN_PLATFORM_H

#include <gneiss/types.h>

/* Ends every thread of the component with exit code value. */
GN_NORETURN void gn_platform_exit(int value);

#endif
