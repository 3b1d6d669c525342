/*
 * Basic types of the Gneiss API.
 *
 * Only the headers a freestanding C11 compiler provides are used, so the same code builds for
 * components (no libc), for the hw kernel and for host tools.
 */
#ifndef GNEISS_TYPES_H
#define GNEISS_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GN_MUST_CHECK __attribute__((warn_unused_result))
#define GN_PRINTF(fmt_idx, args_idx) __attribute__((format(printf, fmt_idx, args_idx)))
#define GN_NORETURN _Noreturn
#define GN_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define GN_CONTAINER_OF(ptr, type, member) ((type *)((char *)(ptr)-offsetof(type, member)))

enum {
	GN_KIB = 1024,
	GN_MIB = 1024 * 1024
};

#endif
