/*
 * libFuzzer target for the hw kernel's capability spaces and message transfer
 * (platform/hw/kernel/cap.c, msg.c): capability indices and message counts come from user
 * programs, and so does the order in which objects are created, copied and destroyed.
 *
 * Input: a sequence of 4-byte operations on three spaces and a pool of eight objects: byte 0
 * selects the operation (create an object and its owning capability, drop a slot, transfer a
 * message between two spaces, look a slot up, destroy an object as its owner's end would, mint a
 * copy with fewer rights and perhaps a badge, revoke one badge of an object everywhere), the
 * other bytes its space, index, type, rights or counts; a transfer takes its capability indices
 * from the next bytes. Checks beyond "no crash": a space's count of used slots is the number of
 * filled slots; a lookup never returns a destroyed object, one of another type, or rights the slot
 * lacks; a refused transfer leaves the receiver's space and UTCB untouched; a delivered one has
 * the payload, at most the capabilities sent, each naming the sender's object with the
 * transferred rights and the sender's badge; a minted copy has no right its source lacks, never
 * the owner right, and a badge only on an endpoint through a receiving capability, never changed;
 * after a badge is revoked no live copy with it remains; only a live owning capability's drop
 * names an object to destroy; cap_same and cap_badge (checked with every lookup) agree with their
 * definitions (live slots, one object, one badge) and refuse indices out of range.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <hw_syscall.h>

#include "cap.h"
#include "msg.h"

#define CHECK(cond) ((cond) ? (void)0 : abort())

enum {
	SPACES = 3,
	OBJECTS = 8,
	OP = 4,
};

static hw_cspace_t spaces[SPACES];
static hw_obj_t objects[OBJECTS];
static uint64_t msg[SPACES][HW_MSG_WORDS], caps[SPACES][HW_MSG_CAPS];

static void check_space(hw_cspace_t const *cs)
{
	unsigned used = 0;

	for (unsigned i = 0; i < HW_CAP_SLOTS; i++)
		used += cs->slots[i].obj != NULL;
	CHECK(used == cs->used);
}

static bool live(hw_cap_slot_t const *s)
{
	return s->obj && s->gen == s->obj->gen;
}

/* cap_same of slots a and b, and cap_badge of slot a for object obj, against their definitions. */
static void compare(hw_cspace_t const *cs, uint64_t a, uint64_t b, hw_obj_t const *obj)
{
	hw_cap_slot_t const *x = &cs->slots[a], *y = &cs->slots[b];
	bool same = !live(x);
	uint64_t badge = ~0ULL;

	CHECK(hw_cap_same(cs, a, b, &same) == GN_OK);
	CHECK(same == (live(x) && live(y) && x->obj == y->obj && x->badge == y->badge));
	if (hw_cap_badge(cs, a, obj, &badge) == GN_OK)
		CHECK(live(x) && x->obj == obj && badge == x->badge);
	else
		CHECK(!live(x) || x->obj != obj);
	CHECK(hw_cap_same(cs, a, (uint64_t)b << 40 | HW_CAP_SLOTS, &same) == GN_ERR_INVALID_CAP);
	CHECK(hw_cap_badge(cs, (uint64_t)a << 40 | HW_CAP_SLOTS, obj, &badge) ==
		GN_ERR_INVALID_CAP);
}

static void lookup(uint8_t const *op)
{
	hw_cspace_t *cs = &spaces[op[1] % SPACES];
	uint8_t type = op[3] % 6, rights = op[3] >> 3;
	hw_obj_t *obj = NULL;

	compare(cs, op[2], op[3], &objects[op[1] % OBJECTS]);
	if (hw_cap_lookup(cs, op[2], type, rights, &obj) != GN_OK)
		return;
	CHECK(obj->type == type && obj->type != HW_OBJ_NONE);
	CHECK(cs->slots[op[2]].gen == obj->gen && (cs->slots[op[2]].rights & rights) == rights);
}

static void transfer(uint8_t const *op, uint8_t const *idx, size_t n)
{
	unsigned f = op[1] % SPACES, t = (op[1] / SPACES) % SPACES;
	uint64_t info = HW_MSG_INFO(op[2] * 3, op[3] % 6), delivered;
	hw_msg_end_t from = {&spaces[f], msg[f], caps[f]}, to = {&spaces[t], msg[t], caps[t]};
	hw_cspace_t before;
	uint64_t before_msg[HW_MSG_WORDS], before_caps[HW_MSG_CAPS];

	if (f == t)
		return; /* a thread never sends to itself */
	for (unsigned i = 0; i < HW_MSG_CAPS; i++)
		caps[f][i] = i < n ? (idx[i] & 0x80 ? (uint64_t)idx[i] << 56 : idx[i]) : 0;
	memcpy(&before, &spaces[t], sizeof(before));
	memcpy(before_msg, msg[t], sizeof(before_msg));
	memcpy(before_caps, caps[t], sizeof(before_caps));
	if (hw_msg_transfer(&from, &to, info, &delivered) != GN_OK) {
		CHECK(memcmp(&before, &spaces[t], sizeof(before)) == 0);
		CHECK(memcmp(before_msg, msg[t], sizeof(before_msg)) == 0);
		CHECK(memcmp(before_caps, caps[t], sizeof(before_caps)) == 0);
		return;
	}
	CHECK(HW_MSG_WORDS_OF(delivered) == HW_MSG_WORDS_OF(info));
	CHECK(HW_MSG_CAPS_OF(delivered) <= HW_MSG_CAPS_OF(info));
	CHECK(memcmp(msg[t], msg[f], HW_MSG_WORDS_OF(info) * 8) == 0);
	for (unsigned i = 0; i < HW_MSG_CAPS_OF(delivered); i++) {
		hw_cap_slot_t const *s = &spaces[f].slots[caps[f][i]], *d;
		CHECK(caps[t][i] < HW_CAP_SLOTS);
		d = &spaces[t].slots[caps[t][i]];
		CHECK(d->obj == s->obj && d->gen == s->gen);
		CHECK(d->rights == hw_cap_transfer_rights(s->rights));
		CHECK(d->badge == s->badge);
	}
}

/* Mints a copy of a slot with op[3]'s rights and a badge of op[3] >> 6 (0..3). */
static void mint(uint8_t const *op)
{
	hw_cspace_t *cs = &spaces[op[1] % SPACES];
	uint64_t badge = op[3] >> 6, idx;
	hw_cap_slot_t src, copy;

	if (hw_cap_get(cs, op[2], &src) != GN_OK ||
		hw_cap_mint(&src, (uint64_t)op[3] << 2, badge, &copy) != GN_OK)
		return;
	CHECK(copy.obj == src.obj && copy.gen == src.gen);
	CHECK((copy.rights & ~src.rights) == 0 && !(copy.rights & HW_RIGHT_OWNER));
	CHECK(src.badge == 0 ? copy.badge == badge : copy.badge == src.badge);
	CHECK(badge == 0 || src.obj->type == HW_OBJ_ENDPOINT);
	CHECK(badge == 0 || (src.rights & HW_RIGHT_RECV));
	if (hw_cap_insert_copy(cs, &copy, copy.rights, &idx) == GN_OK)
		CHECK(cs->slots[idx].badge == copy.badge);
}

/* Revokes badge op[2] % 4 of object op[1] in every space: no live copy with it is left. */
static void revoke(uint8_t const *op)
{
	hw_obj_t const *obj = &objects[op[1] % OBJECTS];
	uint64_t badge = op[2] % 4;

	for (unsigned s = 0; s < SPACES; s++)
		(void)hw_cspace_revoke_badge(&spaces[s], obj, badge);
	for (unsigned s = 0; s < SPACES && badge != 0; s++) {
		for (unsigned i = 0; i < HW_CAP_SLOTS; i++) {
			hw_cap_slot_t out;
			if (spaces[s].slots[i].obj == obj && spaces[s].slots[i].badge == badge)
				CHECK(hw_cap_get(&spaces[s], i, &out) == GN_ERR_REVOKED);
		}
	}
}

static void create(uint8_t const *op)
{
	hw_obj_t *obj = &objects[op[2] % OBJECTS];
	uint64_t idx;

	if (obj->type != HW_OBJ_NONE)
		return;
	if (hw_cspace_free_slot(&spaces[op[1] % SPACES]) < 0)
		return;
	hw_obj_init(obj, (uint8_t)(1 + op[3] % 5));
	CHECK(hw_cap_insert(&spaces[op[1] % SPACES], obj, (uint8_t)(op[3] >> 3) | HW_RIGHT_OWNER,
		      &idx) == GN_OK);
}

static void drop(uint8_t const *op)
{
	hw_cspace_t *cs = &spaces[op[1] % SPACES];
	uint64_t idx = op[3] & 0x80 ? (uint64_t)op[2] << 40 : op[2];
	bool owner = idx < HW_CAP_SLOTS && cs->slots[idx].obj &&
		     (cs->slots[idx].rights & HW_RIGHT_OWNER) &&
		     cs->slots[idx].gen == cs->slots[idx].obj->gen;
	hw_obj_t *destroy = NULL;

	if (hw_cap_drop(cs, idx, &destroy) != GN_OK)
		return;
	CHECK((destroy != NULL) == owner);
	if (destroy) {
		CHECK(destroy->type != HW_OBJ_NONE);
		hw_obj_destroy(destroy);
	}
}

int LLVMFuzzerTestOneInput(uint8_t const *data, size_t size);

int LLVMFuzzerTestOneInput(uint8_t const *data, size_t size)
{
	for (unsigned s = 0; s < SPACES; s++) {
		hw_cspace_init(&spaces[s]);
		for (unsigned w = 0; w < HW_MSG_WORDS; w++)
			msg[s][w] = s * 1000 + w;
	}
	for (unsigned o = 0; o < OBJECTS; o++)
		objects[o] = (hw_obj_t){0};
	for (size_t at = 0; at + OP <= size; at += OP) {
		uint8_t const *op = data + at;
		switch (op[0] % 7) {
		case 0: create(op); break;
		case 1: drop(op); break;
		case 2: transfer(op, data + at + OP, size - at - OP); break;
		case 3: lookup(op); break;
		case 5: mint(op); break;
		case 6: revoke(op); break;
		default:
			if (objects[op[1] % OBJECTS].type != HW_OBJ_NONE)
				hw_obj_destroy(&objects[op[1] % OBJECTS]);
			break;
		}
	}
	for (unsigned s = 0; s < SPACES; s++)
		check_space(&spaces[s]);
	return 0;
}
