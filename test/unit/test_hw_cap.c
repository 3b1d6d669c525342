/*
 * The hw kernel's capability spaces and message transfer (platform/hw/kernel/cap.c, msg.c,
 * utcb.c), on the host: slots name objects with rights; the lookup tells an empty or foreign slot
 * (INVALID_CAP), a destroyed object (REVOKED, in every space and after the object's memory is
 * reused) and a missing right (DENIED) apart; only an owning capability destroys by dropping; a
 * transfer checks every capability of the sender before it changes anything, copies the payload,
 * gives the receiver copies without the receive and owner rights in its own lowest free slots,
 * and fewer when its space is full; minting gives fewer rights and a badge that only a receiving
 * capability sets and nothing changes later, and copies keep it through transfers; revoking a
 * badge revokes exactly its copies; cap_badge tells a server the badge of a live copy of its own
 * endpoint and nothing else, cap_same compares object and badge of two live slots; UTCB pages are mapped once per thread slot on fake memory and
 * zeroed again when the slot is reused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cap.h"
#include "msg.h"
#include "utcb.h"

#include "hw_fake_frames.h"

static hw_cspace_t a, b;
static hw_obj_t ep, ctx, pd;

static int setup(void **state)
{
	(void)state;
	hw_cspace_init(&a);
	hw_cspace_init(&b);
	hw_obj_init(&ep, HW_OBJ_ENDPOINT);
	hw_obj_init(&ctx, HW_OBJ_SIGNAL_CONTEXT);
	hw_obj_init(&pd, HW_OBJ_PD);
	return 0;
}

static void test_insert_and_lookup(void **state)
{
	uint64_t idx, idx2;
	hw_obj_t *obj;

	(void)state;
	assert_int_equal(hw_cap_insert(&a, &ep, HW_RIGHT_CALL | HW_RIGHT_RECV, &idx), GN_OK);
	assert_int_equal(idx, HW_CAP_FIRST_FREE);
	assert_int_equal(hw_cap_insert(&a, &ctx, HW_RIGHT_SUBMIT, &idx2), GN_OK);
	assert_int_equal(idx2, HW_CAP_FIRST_FREE + 1);
	assert_int_equal(hw_cap_lookup(&a, idx, HW_OBJ_ENDPOINT, HW_RIGHT_RECV, &obj), GN_OK);
	assert_ptr_equal(obj, &ep);
	assert_int_equal(
		hw_cap_lookup(&a, idx2, HW_OBJ_ENDPOINT, 0, &obj), GN_ERR_INVALID_CAP); /* type */
	assert_int_equal(
		hw_cap_lookup(&a, idx2, HW_OBJ_SIGNAL_CONTEXT, HW_RIGHT_RECV, &obj), GN_ERR_DENIED);
	assert_int_equal(hw_cap_lookup(&a, 200, HW_OBJ_ENDPOINT, 0, &obj), GN_ERR_INVALID_CAP);
	assert_int_equal(
		hw_cap_lookup(&a, HW_CAP_SLOTS, HW_OBJ_ENDPOINT, 0, &obj), GN_ERR_INVALID_CAP);
	assert_int_equal(hw_cap_lookup(&a, ~0ULL, HW_OBJ_ENDPOINT, 0, &obj), GN_ERR_INVALID_CAP);
	assert_int_equal(a.used, 2);
}

static void test_revocation(void **state)
{
	uint64_t ia, ib;
	hw_obj_t *obj, *destroy;
	hw_cap_slot_t slot;

	(void)state;
	assert_int_equal(hw_cap_insert(&a, &ep, HW_RIGHT_CALL | HW_RIGHT_OWNER, &ia), GN_OK);
	assert_int_equal(hw_cap_insert(&b, &ep, HW_RIGHT_CALL, &ib), GN_OK);
	/* a copy without the owner right only empties its slot */
	assert_int_equal(hw_cap_drop(&b, ib, &destroy), GN_OK);
	assert_null(destroy);
	assert_int_equal(hw_cap_get(&b, ib, &slot), GN_ERR_INVALID_CAP);
	assert_int_equal(hw_cap_insert(&b, &ep, HW_RIGHT_CALL, &ib), GN_OK);
	/* the owner's drop names the object; destroying it revokes the copy in the other space */
	assert_int_equal(hw_cap_drop(&a, ia, &destroy), GN_OK);
	assert_ptr_equal(destroy, &ep);
	hw_obj_destroy(&ep);
	assert_int_equal(hw_cap_lookup(&b, ib, HW_OBJ_ENDPOINT, 0, &obj), GN_ERR_REVOKED);
	/* the memory reused for a new object of the same type: the stale slot stays stale */
	hw_obj_init(&ep, HW_OBJ_ENDPOINT);
	assert_int_equal(hw_cap_lookup(&b, ib, HW_OBJ_ENDPOINT, 0, &obj), GN_ERR_REVOKED);
	assert_int_equal(hw_cap_get(&b, ib, &slot), GN_ERR_REVOKED);
	/* dropping a stale owning slot destroys nothing again */
	assert_int_equal(hw_cap_insert(&a, &ctx, HW_RIGHT_OWNER, &ia), GN_OK);
	hw_obj_destroy(&ctx);
	assert_int_equal(hw_cap_drop(&a, ia, &destroy), GN_OK);
	assert_null(destroy);
	assert_int_equal(hw_cap_drop(&a, ia, &destroy), GN_ERR_INVALID_CAP);
	assert_int_equal(hw_cap_drop(&a, HW_CAP_SLOTS, &destroy), GN_ERR_INVALID_CAP);
}

static void test_full_space(void **state)
{
	uint64_t idx;

	(void)state;
	assert_int_equal(hw_cspace_free_count(&a), HW_CAP_SLOTS - HW_CAP_FIRST_FREE);
	for (unsigned i = HW_CAP_FIRST_FREE; i < HW_CAP_SLOTS; i++)
		assert_int_equal(hw_cap_insert(&a, &pd, 0, &idx), GN_OK);
	assert_int_equal(hw_cspace_free_slot(&a), -1);
	assert_int_equal(hw_cap_insert(&a, &pd, 0, &idx), GN_ERR_OUT_OF_CAPS);
	assert_int_equal(hw_cspace_free_count(&a), 0);
}

static void test_transfer_rights(void **state)
{
	(void)state;
	assert_int_equal(hw_cap_transfer_rights(HW_RIGHT_CALL | HW_RIGHT_RECV | HW_RIGHT_OWNER),
		HW_RIGHT_CALL);
	assert_int_equal(hw_cap_transfer_rights(HW_RIGHT_SUBMIT | HW_RIGHT_OWNER), HW_RIGHT_SUBMIT);
	assert_int_equal(hw_cap_transfer_rights(HW_RIGHT_WAKE), HW_RIGHT_WAKE);
	assert_int_equal(hw_cap_transfer_rights(HW_RIGHT_MANAGE | HW_RIGHT_READ), HW_RIGHT_READ);
}

/* ---- minting and badges ---------------------------------------------------------------------- */

static void test_mint(void **state)
{
	hw_cap_slot_t owner, client, copy, out;
	uint64_t idx;

	(void)state;
	hw_cap_set(&a, 3, &ep, HW_RIGHT_CALL | HW_RIGHT_RECV | HW_RIGHT_OWNER);
	assert_int_equal(hw_cap_get(&a, 3, &owner), GN_OK);
	/* a badged copy: fewer rights, never the owner right, the badge set */
	assert_int_equal(hw_cap_mint(&owner, HW_RIGHTS_ALL, 0x77, &client), GN_OK);
	assert_int_equal(client.rights, HW_RIGHT_CALL | HW_RIGHT_RECV);
	assert_int_equal(client.badge, 0x77);
	assert_int_equal(hw_cap_mint(&owner, HW_RIGHT_CALL, 0x77, &client), GN_OK);
	assert_int_equal(client.rights, HW_RIGHT_CALL);
	/* no new badge over a badge, and none through a capability that may not receive */
	assert_int_equal(hw_cap_mint(&client, HW_RIGHT_CALL, 0x78, &out), GN_ERR_DENIED);
	assert_int_equal(hw_cap_mint(&client, HW_RIGHT_CALL, 0, &copy), GN_OK);
	assert_int_equal(copy.badge, 0x77);
	assert_int_equal(hw_cap_mint(&owner, HW_RIGHT_CALL, 0, &out), GN_OK);
	assert_int_equal(hw_cap_mint(&out, HW_RIGHT_CALL, 5, &copy), GN_ERR_DENIED);
	/* unknown rights, badges on other types */
	assert_int_equal(hw_cap_mint(&owner, HW_RIGHTS_ALL + 1, 0, &out), GN_ERR_INVALID_ARG);
	hw_cap_set(&a, 4, &ctx, HW_RIGHT_SUBMIT | HW_RIGHT_RECV | HW_RIGHT_OWNER);
	assert_int_equal(hw_cap_get(&a, 4, &copy), GN_OK);
	assert_int_equal(hw_cap_mint(&copy, HW_RIGHT_SUBMIT, 1, &out), GN_ERR_INVALID_ARG);
	/* a badge must fit a kernel call's result (HW_SYS_CAP_BADGE): at most HW_BADGE_MAX */
	assert_int_equal(
		hw_cap_mint(&owner, HW_RIGHT_CALL, HW_BADGE_MAX + 1ULL, &out), GN_ERR_INVALID_ARG);
	assert_int_equal(hw_cap_mint(&owner, HW_RIGHT_CALL, ~0ULL, &out), GN_ERR_INVALID_ARG);
	assert_int_equal(hw_cap_mint(&owner, HW_RIGHT_CALL, HW_BADGE_MAX, &out), GN_OK);
	assert_int_equal(out.badge, HW_BADGE_MAX);
	/* the copy lands in the lowest free slot with its badge */
	assert_int_equal(hw_cap_insert_copy(&b, &client, client.rights, &idx), GN_OK);
	assert_int_equal(idx, HW_CAP_FIRST_FREE);
	assert_int_equal(hw_cap_get(&b, idx, &out), GN_OK);
	assert_int_equal(out.badge, 0x77);
	assert_ptr_equal(out.obj, &ep);
}

static void test_revoke_badge(void **state)
{
	hw_cap_slot_t owner, b1, b2, out;
	hw_obj_t *destroy;
	uint64_t i1, i2, i3;

	(void)state;
	hw_cap_set(&a, 3, &ep, HW_RIGHT_CALL | HW_RIGHT_RECV | HW_RIGHT_OWNER);
	assert_int_equal(hw_cap_get(&a, 3, &owner), GN_OK);
	assert_int_equal(hw_cap_mint(&owner, HW_RIGHT_CALL, 1, &b1), GN_OK);
	assert_int_equal(hw_cap_mint(&owner, HW_RIGHT_CALL, 2, &b2), GN_OK);
	assert_int_equal(hw_cap_insert_copy(&a, &b1, b1.rights, &i1), GN_OK);
	assert_int_equal(hw_cap_insert_copy(&b, &b1, b1.rights, &i2), GN_OK);
	assert_int_equal(hw_cap_insert_copy(&b, &b2, b2.rights, &i3), GN_OK);
	assert_int_equal(hw_cspace_revoke_badge(&a, &ep, 0), 0);
	assert_int_equal(
		hw_cspace_revoke_badge(&a, &ep, 1) + hw_cspace_revoke_badge(&b, &ep, 1), 2);
	assert_int_equal(hw_cap_get(&a, i1, &out), GN_ERR_REVOKED);
	assert_int_equal(hw_cap_get(&b, i2, &out), GN_ERR_REVOKED);
	assert_int_equal(hw_cap_get(&b, i3, &out), GN_OK);
	assert_int_equal(hw_cap_get(&a, 3, &out), GN_OK);
	/* revoked twice counts nothing; dropping a revoked copy destroys nothing */
	assert_int_equal(hw_cspace_revoke_badge(&b, &ep, 1), 0);
	assert_int_equal(hw_cap_drop(&b, i2, &destroy), GN_OK);
	assert_null(destroy);
	/* destroying the endpoint revokes the remaining copies; its reuse revives none */
	hw_obj_destroy(&ep);
	hw_obj_init(&ep, HW_OBJ_ENDPOINT);
	assert_int_equal(hw_cap_get(&b, i3, &out), GN_ERR_REVOKED);
	assert_int_equal(hw_cap_get(&a, i1, &out), GN_ERR_REVOKED);
}

/* HW_SYS_CAP_BADGE: the badge of a live capability to the endpoint, NOT_FOUND for anything else. */
static void test_cap_badge(void **state)
{
	hw_cap_slot_t owner, b1;
	hw_obj_t other, *destroy;
	uint64_t badge = 0xdead, i1, i2;

	(void)state;
	hw_obj_init(&other, HW_OBJ_ENDPOINT);
	hw_cap_set(&a, 3, &ep, HW_RIGHT_CALL | HW_RIGHT_RECV | HW_RIGHT_OWNER);
	hw_cap_set(&a, 4, &other, HW_RIGHT_CALL);
	hw_cap_set(&a, 5, &ctx, HW_RIGHT_SUBMIT);
	assert_int_equal(hw_cap_get(&a, 3, &owner), GN_OK);
	assert_int_equal(hw_cap_mint(&owner, HW_RIGHT_CALL, 0x42, &b1), GN_OK);
	assert_int_equal(hw_cap_insert_copy(&a, &b1, b1.rights, &i1), GN_OK);
	assert_int_equal(hw_cap_insert_copy(&b, &b1, 0, &i2), GN_OK); /* no rights needed */
	assert_int_equal(hw_cap_badge(&a, i1, &ep, &badge), GN_OK);
	assert_int_equal(badge, 0x42);
	assert_int_equal(hw_cap_badge(&b, i2, &ep, &badge), GN_OK);
	assert_int_equal(badge, 0x42);
	assert_int_equal(hw_cap_badge(&a, 3, &ep, &badge), GN_OK);
	assert_int_equal(badge, 0);
	badge = 0xdead;
	assert_int_equal(hw_cap_badge(&a, 4, &ep, &badge), GN_ERR_NOT_FOUND);   /* another */
	assert_int_equal(hw_cap_badge(&a, 5, &ep, &badge), GN_ERR_NOT_FOUND);   /* another type */
	assert_int_equal(hw_cap_badge(&a, 200, &ep, &badge), GN_ERR_NOT_FOUND); /* empty */
	assert_int_equal(hw_cap_badge(&a, HW_CAP_SLOTS, &ep, &badge), GN_ERR_INVALID_CAP);
	assert_int_equal(hw_cap_badge(&a, ~0ULL, &ep, &badge), GN_ERR_INVALID_CAP);
	assert_int_equal(badge, 0xdead); /* untouched on error */
	/* revoked by its badge, then the endpoint destroyed and its memory reused */
	assert_int_equal(hw_cspace_revoke_badge(&b, &ep, 0x42), 1);
	assert_int_equal(hw_cap_badge(&b, i2, &ep, &badge), GN_ERR_NOT_FOUND);
	assert_int_equal(hw_cap_drop(&a, 3, &destroy), GN_OK);
	hw_obj_destroy(destroy);
	hw_obj_init(&ep, HW_OBJ_ENDPOINT);
	assert_int_equal(hw_cap_badge(&a, i1, &ep, &badge), GN_ERR_NOT_FOUND);
}

/* HW_SYS_CAP_SAME: one object and one badge, whatever the rights; never an empty or stale slot. */
static void test_cap_same(void **state)
{
	hw_cap_slot_t owner, b1, b2;
	bool same = true;
	uint64_t i1, i1c, i2, i3;

	(void)state;
	hw_cap_set(&a, 3, &ep, HW_RIGHT_CALL | HW_RIGHT_RECV | HW_RIGHT_OWNER);
	hw_cap_set(&a, 4, &ep, HW_RIGHT_CALL);
	hw_cap_set(&a, 5, &ctx, HW_RIGHT_SUBMIT);
	assert_int_equal(hw_cap_get(&a, 3, &owner), GN_OK);
	assert_int_equal(hw_cap_mint(&owner, HW_RIGHT_CALL, 1, &b1), GN_OK);
	assert_int_equal(hw_cap_mint(&owner, HW_RIGHT_CALL, 2, &b2), GN_OK);
	assert_int_equal(hw_cap_insert_copy(&a, &b1, b1.rights, &i1), GN_OK);
	assert_int_equal(hw_cap_insert_copy(&a, &b1, 0, &i1c), GN_OK);
	assert_int_equal(hw_cap_insert_copy(&a, &b2, b2.rights, &i2), GN_OK);
	assert_int_equal(hw_cap_same(&a, 3, 4, &same), GN_OK);
	assert_true(same);
	assert_int_equal(hw_cap_same(&a, i1, i1c, &same), GN_OK);
	assert_true(same);
	assert_int_equal(hw_cap_same(&a, i1, i1, &same), GN_OK);
	assert_true(same);
	assert_int_equal(hw_cap_same(&a, i1, i2, &same), GN_OK); /* two badges */
	assert_false(same);
	assert_int_equal(hw_cap_same(&a, 3, i1, &same), GN_OK); /* unbadged and badged */
	assert_false(same);
	assert_int_equal(hw_cap_same(&a, 3, 5, &same), GN_OK); /* two objects */
	assert_false(same);
	i3 = 200;
	assert_int_equal(hw_cap_same(&a, i3, i3, &same), GN_OK); /* empty */
	assert_false(same);
	assert_int_equal(hw_cap_same(&a, 3, HW_CAP_SLOTS, &same), GN_ERR_INVALID_CAP);
	assert_int_equal(hw_cap_same(&a, ~0ULL, 3, &same), GN_ERR_INVALID_CAP);
	/* revoked alone by its badge, then everything by the endpoint's end */
	assert_int_equal(hw_cspace_revoke_badge(&a, &ep, 1), 2);
	assert_int_equal(hw_cap_same(&a, i1, i1c, &same), GN_OK);
	assert_false(same);
	hw_obj_destroy(&ep);
	hw_obj_init(&ep, HW_OBJ_ENDPOINT);
	assert_int_equal(hw_cap_same(&a, 3, 4, &same), GN_OK);
	assert_false(same);
	assert_int_equal(hw_cap_same(&a, 3, 3, &same), GN_OK);
	assert_false(same);
}

/* ---- message transfer ------------------------------------------------------------------------ */

static uint64_t from_msg[HW_MSG_WORDS], from_caps[HW_MSG_CAPS + 1];
static uint64_t to_msg[HW_MSG_WORDS], to_caps[HW_MSG_CAPS + 1];
static hw_msg_end_t const from = {&a, from_msg, from_caps}, to = {&b, to_msg, to_caps};

static int msg_setup(void **state)
{
	setup(state);
	for (unsigned i = 0; i < HW_MSG_WORDS; i++) {
		from_msg[i] = i + 1;
		to_msg[i] = 0xeeee;
	}
	memset(from_caps, 0, sizeof(from_caps));
	memset(to_caps, 0xee, sizeof(to_caps));
	return 0;
}

static void test_msg_limits(void **state)
{
	(void)state;
	assert_int_equal(hw_msg_check(HW_MSG_INFO(HW_MSG_WORDS, HW_MSG_CAPS)), GN_OK);
	assert_int_equal(hw_msg_check(HW_MSG_INFO(HW_MSG_WORDS + 1, 0)), GN_ERR_BAD_MSG);
	assert_int_equal(hw_msg_check(HW_MSG_INFO(0, HW_MSG_CAPS + 1)), GN_ERR_BAD_MSG);
	assert_int_equal(hw_msg_check(~0ULL), GN_ERR_BAD_MSG);
	assert_int_equal(hw_msg_check(0xffff), GN_ERR_BAD_MSG);
}

static void test_msg_payload_and_caps(void **state)
{
	uint64_t e, c, delivered;
	hw_obj_t *obj;

	(void)state;
	assert_int_equal(
		hw_cap_insert(&a, &ep, HW_RIGHT_CALL | HW_RIGHT_RECV | HW_RIGHT_OWNER, &e), GN_OK);
	assert_int_equal(hw_cap_insert(&a, &ctx, HW_RIGHT_SUBMIT | HW_RIGHT_OWNER, &c), GN_OK);
	assert_int_equal(hw_cap_insert(&b, &pd, 0, &delivered), GN_OK); /* b's slot 3 is taken */
	from_caps[0] = c;
	from_caps[1] = e;
	assert_int_equal(
		hw_msg_transfer(&from, &to, HW_MSG_INFO(HW_MSG_WORDS, 2), &delivered), GN_OK);
	assert_int_equal(delivered, HW_MSG_INFO(HW_MSG_WORDS, 2));
	assert_memory_equal(to_msg, from_msg, sizeof(to_msg));
	/* the receiver's own indices, in its lowest free slots, without RECV and OWNER */
	assert_int_equal(to_caps[0], HW_CAP_FIRST_FREE + 1);
	assert_int_equal(to_caps[1], HW_CAP_FIRST_FREE + 2);
	assert_int_equal(
		hw_cap_lookup(&b, to_caps[0], HW_OBJ_SIGNAL_CONTEXT, HW_RIGHT_SUBMIT, &obj), GN_OK);
	assert_ptr_equal(obj, &ctx);
	assert_int_equal(
		hw_cap_lookup(&b, to_caps[1], HW_OBJ_ENDPOINT, HW_RIGHT_RECV, &obj), GN_ERR_DENIED);
	assert_int_equal(
		hw_cap_lookup(&b, to_caps[1], HW_OBJ_ENDPOINT, HW_RIGHT_CALL, &obj), GN_OK);
	assert_int_equal(to_caps[2], 0xeeeeeeeeeeeeeeeeULL); /* beyond the count: untouched */
}

/* A transferred copy keeps its badge (the receiver cannot strip or change it) and loses MANAGE. */
static void test_msg_badge_travels(void **state)
{
	hw_cap_slot_t owner, b1, out;
	uint64_t i1, delivered;

	(void)state;
	hw_cap_set(&a, 3, &ep, HW_RIGHT_CALL | HW_RIGHT_RECV | HW_RIGHT_OWNER);
	hw_cap_set(&a, 4, &pd, HW_RIGHT_MANAGE);
	assert_int_equal(hw_cap_get(&a, 3, &owner), GN_OK);
	assert_int_equal(hw_cap_mint(&owner, HW_RIGHT_CALL, 9, &b1), GN_OK);
	assert_int_equal(hw_cap_insert_copy(&a, &b1, b1.rights, &i1), GN_OK);
	from_caps[0] = i1;
	from_caps[1] = 4;
	assert_int_equal(hw_msg_transfer(&from, &to, HW_MSG_INFO(0, 2), &delivered), GN_OK);
	assert_int_equal(delivered, HW_MSG_INFO(0, 2));
	assert_int_equal(hw_cap_get(&b, to_caps[0], &out), GN_OK);
	assert_int_equal(out.badge, 9);
	assert_int_equal(out.rights, HW_RIGHT_CALL);
	assert_int_equal(hw_cap_get(&b, to_caps[1], &out), GN_OK);
	assert_int_equal(out.rights, 0);
}

static void test_msg_bad_sender_cap(void **state)
{
	uint64_t e, delivered = 77;

	(void)state;
	assert_int_equal(hw_cap_insert(&a, &ep, HW_RIGHT_CALL, &e), GN_OK);
	from_caps[0] = e;
	from_caps[1] = 100; /* empty */
	assert_int_equal(
		hw_msg_transfer(&from, &to, HW_MSG_INFO(4, 2), &delivered), GN_ERR_INVALID_CAP);
	from_caps[1] = HW_CAP_SLOTS;
	assert_int_equal(hw_msg_check_caps(&from, HW_MSG_INFO(4, 2)), GN_ERR_INVALID_CAP);
	hw_obj_destroy(&ep);
	assert_int_equal(
		hw_msg_transfer(&from, &to, HW_MSG_INFO(4, 1), &delivered), GN_ERR_REVOKED);
	/* nothing changed on the receiver's side */
	assert_int_equal(delivered, 77);
	assert_int_equal(b.used, 0);
	assert_int_equal(to_msg[0], 0xeeee);
	assert_int_equal(to_caps[0], 0xeeeeeeeeeeeeeeeeULL);
	assert_int_equal(hw_msg_transfer(&from, &to, HW_MSG_INFO(HW_MSG_WORDS + 1, 0), &delivered),
		GN_ERR_BAD_MSG);
}

static void test_msg_receiver_full(void **state)
{
	uint64_t idx, delivered;

	(void)state;
	for (unsigned i = HW_CAP_FIRST_FREE; i < HW_CAP_SLOTS - 2; i++)
		assert_int_equal(hw_cap_insert(&b, &pd, 0, &idx), GN_OK);
	assert_int_equal(hw_cap_insert(&a, &pd, 0, &idx), GN_OK);
	for (unsigned i = 0; i < HW_MSG_CAPS; i++)
		from_caps[i] = idx;
	assert_int_equal(hw_msg_transfer(&from, &to, HW_MSG_INFO(1, 4), &delivered), GN_OK);
	assert_int_equal(delivered, HW_MSG_INFO(1, 2));
	assert_int_equal(to_caps[0], HW_CAP_SLOTS - 2);
	assert_int_equal(to_caps[1], HW_CAP_SLOTS - 1);
	assert_int_equal(to_msg[0], 1);
	assert_int_equal(hw_msg_transfer(&from, &to, HW_MSG_INFO(0, 4), &delivered), GN_OK);
	assert_int_equal(delivered, HW_MSG_INFO(0, 0));
}

/* ---- UTCBs on a fake physical memory --------------------------------------------------------- */

static void test_utcb_map(void **state)
{
	hw_pt_t pt;
	uint64_t *pages[HW_UTCB_PAGES], *again[HW_UTCB_PAGES], pa;
	unsigned flags;
	size_t before;

	(void)state;
	assert_int_equal(hw_pt_create(&pt, &mem, true, NULL), GN_OK);
	assert_int_equal(hw_utcb_map(&pt, HW_PD_THREADS, pages), GN_ERR_INVALID_ARG);
	assert_int_equal(hw_utcb_map(&pt, 3, pages), GN_OK);
	for (unsigned i = 0; i < HW_UTCB_PAGES; i++) {
		uint64_t va = HW_UTCB_BASE + 3 * HW_UTCB_SIZE + i * PAGE;
		assert_true(hw_pt_lookup(&pt, va, &pa, &flags));
		assert_int_equal(flags, HW_PT_WRITE | HW_PT_OWNED);
		assert_ptr_equal(fake_virt(NULL, pa), pages[i]);
		for (unsigned w = 0; w < PAGE / 8; w++)
			assert_int_equal(pages[i][w], 0);
	}
	pages[0][5] = 42;
	before = fake_in_use();
	/* the slot reused: the same frames, zeroed again, nothing new allocated */
	assert_int_equal(hw_utcb_map(&pt, 3, again), GN_OK);
	assert_ptr_equal(again[0], pages[0]);
	assert_ptr_equal(again[1], pages[1]);
	assert_int_equal(again[0][5], 0);
	assert_int_equal(fake_in_use(), before);
	/* out of memory: refused, what was mapped stays owned by the tables */
	fake_budget = 1;
	assert_int_equal(hw_utcb_map(&pt, 4, pages), GN_ERR_OUT_OF_RAM);
	hw_pt_destroy(&pt);
	assert_int_equal(fake_in_use(), 0);
}

int main(void)
{
	struct CMUnitTest const tests[] = {
		cmocka_unit_test_setup(test_insert_and_lookup, setup),
		cmocka_unit_test_setup(test_revocation, setup),
		cmocka_unit_test_setup(test_full_space, setup),
		cmocka_unit_test_setup(test_transfer_rights, setup),
		cmocka_unit_test_setup(test_mint, setup),
		cmocka_unit_test_setup(test_revoke_badge, setup),
		cmocka_unit_test_setup(test_cap_badge, setup),
		cmocka_unit_test_setup(test_cap_same, setup),
		cmocka_unit_test_setup(test_msg_badge_travels, msg_setup),
		cmocka_unit_test_setup(test_msg_limits, msg_setup),
		cmocka_unit_test_setup(test_msg_payload_and_caps, msg_setup),
		cmocka_unit_test_setup(test_msg_bad_sender_cap, msg_setup),
		cmocka_unit_test_setup(test_msg_receiver_full, msg_setup),
		cmocka_unit_test_setup_teardown(test_utcb_map, fake_setup, fake_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
