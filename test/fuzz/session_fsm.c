/*
 * libFuzzer target for the session state machine (gneiss/session_fsm.h).
 *
 * The input is a sequence of operations for the world in session_fsm_world.h: session requests
 * (valid, malformed, too poor, reserved or duplicate ids), routing decisions, announcements,
 * session_cap, upgrades, closes, deliveries and responses from the right and the wrong server and
 * from the parent's parent, deaths and restarts of children, drains with injected transfer
 * failures, single steps (so that events meet pending actions), and ROM generation. After every
 * operation the machine must agree with the world's independent ledger: quota conserved (donated
 * == held by servers + held by the parent + refunded + kept + lost), every record where its state
 * says, one record per client id and per server id, the per-child bounds kept, and no event taken
 * while actions are pending. At the end every child dies and the parent's parent closes what is
 * left: then no record may remain and every unit of quota must be accounted for.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "session_fsm_world.h"

enum {
	OPS_MAX = 4096
};

static world_t world;

static void verdict(char const *what, unsigned op)
{
	if (!what)
		return;
	fprintf(stderr, "session_fsm: %s (after operation %u)\n", what, op);
	abort();
}

int LLVMFuzzerTestOneInput(uint8_t const *data, size_t size);

int LLVMFuzzerTestOneInput(uint8_t const *data, size_t size)
{
	gn_session_fsm_config_t const cfg = world_config();
	world_bytes_t in = {data, size};
	unsigned op = 0;

	world_init(&world, &cfg);
	for (; in.n && op < OPS_MAX; op++) {
		world_op(&world, &in);
		verdict(world_check(&world), op);
	}
	verdict(world_finish(&world), op);
	return 0;
}
