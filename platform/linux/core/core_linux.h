/* What core's linux files share. */
#ifndef CORE_LINUX_H
#define CORE_LINUX_H

#include "../../../core/core.h"

/* Takes a block of host uids no other running core uses (uid_block.c). */
gn_err_t core_linux_reserve_uids(void) GN_MUST_CHECK;

/* The host uid of the n-th program core starts. */
uint32_t core_linux_uid(uint32_t n);

/* Registers an executable boot module (path_fd: O_PATH descriptor, kept by core). */
gn_err_t core_linux_add_binary(char const *name, int path_fd, uint64_t writable) GN_MUST_CHECK;

/* Seals a dataspace against every change (ROM modules). */
gn_err_t core_linux_seal(gn_cap_t ds) GN_MUST_CHECK;

#endif
