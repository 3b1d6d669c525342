/*
 * The protocol of hw-ipc-root, the test programs' root (the first boot module: it holds the boot
 * endpoint with the right to receive; every other domain may call it through HW_CAP_BOOT_EP). A
 * server registers an endpoint capability under a name; a client looks the name up and gets a
 * call-only copy. Requests: msg[0] the opcode, msg[1] the name. Replies: msg[0] 0, or 1 when the
 * name is unknown (or the root's table full).
 */
#ifndef GNEISS_HW_TEST_ROOT_H
#define GNEISS_HW_TEST_ROOT_H

#include "user.h"

enum {
	ROOT_REGISTER = 1, /* (name) + 1 cap: stores the capability under name */
	ROOT_LOOKUP = 2,   /* (name): replies with 1 cap, the one registered */
	ROOT_NAMES = 8,

	NAME_SERVER = 0x73657276, /* hw-ipc-server's endpoint */
	NAME_VICTIM = 0x76696374, /* hw-caps-victim's endpoint */
};

/* Registers cap under name through utcb. Returns 0 or the refusal. */
int64_t root_register(hw_utcb_t *utcb, uint64_t name, uint64_t cap);

/*
 * Looks name up through utcb, retrying every millisecond for up to tries attempts while it is not
 * registered yet. Returns the capability received (>= 0) or the refusal (-NOT_FOUND at the end).
 */
int64_t root_lookup(hw_utcb_t *utcb, uint64_t name, unsigned tries);

#endif
