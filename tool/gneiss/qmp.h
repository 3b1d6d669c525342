/*
 * Typing keys into the hw platform's machine through QEMU's monitor protocol (QMP).
 *
 * A scenario with `keys` lines boots QEMU with a QMP server on a Unix socket in the boot directory
 * (GN_QMP_SOCKET; QEMU runs there, so the relative name is short enough for sun_path whatever the
 * directory). When a log line matches a `keys` line's pattern, the run tool connects, negotiates
 * capabilities and sends one `send-key` command per chord (the keys of a chord are pressed
 * together and released after QEMU's hold time; QEMU queues the commands in order). Every read
 * waits at most GN_QMP_TIMEOUT_MS; QEMU refusing a key (an unknown qcode) is an error.
 */
#ifndef GNEISS_TOOL_QMP_H
#define GNEISS_TOOL_QMP_H

#include "scenario.h"

#define GN_QMP_SOCKET ".qmp.sock"

enum {
	GN_QMP_TIMEOUT_MS = 3000,
};

/*
 * Types the chords of k into the QEMU whose QMP socket is GN_QMP_SOCKET in boot_dir. Errors:
 * GN_ERR_IO (no connection, a timeout, QEMU's error reply; why says which).
 */
gn_err_t gn_qmp_send_keys(
	char const *boot_dir, gn_keys_t const *k, char *why, size_t why_size) GN_MUST_CHECK;

#endif
