/*
 * Capability spaces: per-domain tables of references to kernel objects, with rights.
 *
 * Every kernel object starts with a hw_obj_t: its type and a generation. A slot refers to an
 * object and remembers the generation it saw; destroying an object (hw_obj_destroy) increments the
 * generation, so every slot that refers to it, in every space, becomes stale at once and answers
 * GN_ERR_REVOKED: revocation without a list of the copies, and no slot can ever reach the next
 * object that reuses the memory (its generation differs). Objects live in the kernel's fixed
 * pools; an object's memory is reused only through hw_obj_init, which keeps the generation going.
 *
 * Rights (HW_RIGHT_*) travel with a slot. A copy made for another space (IPC transfer) loses
 * HW_RIGHT_RECV, HW_RIGHT_OWNER and HW_RIGHT_MANAGE: only the creator's first capability receives
 * on an endpoint or waits on a signal receiver, only it destroys the object by dropping, and a
 * domain that sends its own capability (slot 0 may manage itself) hands over no control of it.
 *
 * Badges: a slot referring to an endpoint may carry a badge, set once by minting a copy of an
 * unbadged capability (seL4's mint); copies of it keep it. A receiver learns the badge of the
 * capability a call came through. All copies minted with one badge form a group the endpoint's
 * owner revokes at once (hw_cspace_revoke_badge marks each slot stale by itself) without
 * destroying the endpoint; destroying it revokes every copy, badged or not, by its generation.
 *
 * Pure logic without CPU access or allocation: the kernel and the unit tests use it alike. Nothing
 * here blocks or fails halfway: each function checks, then changes.
 */
#ifndef GNEISS_HW_CAP_H
#define GNEISS_HW_CAP_H

#include <gneiss/error.h>
#include <gneiss/types.h>
#include <hw_syscall.h>

typedef struct {
	uint8_t type; /* HW_OBJ_*; HW_OBJ_NONE while not alive */
	uint64_t gen; /* incremented when the object is destroyed */
} hw_obj_t;

typedef struct {
	hw_obj_t *obj;  /* NULL: the slot is empty */
	uint64_t gen;   /* obj->gen when the slot was filled; HW_CAP_GEN_REVOKED: revoked alone */
	uint64_t badge; /* endpoints: what a receiver learns of a call through it (0: none) */
	uint16_t rights;
} hw_cap_slot_t;

/* A slot generation no object ever has: the slot alone was revoked (hw_cspace_revoke_badge). */
#define HW_CAP_GEN_REVOKED UINT64_MAX

typedef struct {
	hw_cap_slot_t slots[HW_CAP_SLOTS];
	unsigned used; /* slots not empty (stale ones count until dropped) */
} hw_cspace_t;

/* Makes obj alive as type (its generation continues from its last life). */
void hw_obj_init(hw_obj_t *obj, uint8_t type);

/* Ends obj's life: every slot referring to it becomes stale. */
void hw_obj_destroy(hw_obj_t *obj);

/* Empties every slot of cs. */
void hw_cspace_init(hw_cspace_t *cs);

/*
 * Finds the object of slot idx, which must be of type and carry all of rights, in *obj. Errors:
 * GN_ERR_INVALID_CAP (idx out of range, the slot empty or of another type), GN_ERR_REVOKED (the
 * object was destroyed), GN_ERR_DENIED (a right is missing).
 */
gn_err_t hw_cap_lookup(hw_cspace_t const *cs, uint64_t idx, uint8_t type, uint16_t rights,
	hw_obj_t **obj) GN_MUST_CHECK;

/* Like hw_cap_lookup for any type and no rights: *slot is the slot's copy. */
gn_err_t hw_cap_get(hw_cspace_t const *cs, uint64_t idx, hw_cap_slot_t *slot) GN_MUST_CHECK;

/* The lowest empty slot of cs at or above HW_CAP_FIRST_FREE, or -1 when there is none. */
int hw_cspace_free_slot(hw_cspace_t const *cs);

/* Empty slots of cs at or above HW_CAP_FIRST_FREE. */
unsigned hw_cspace_free_count(hw_cspace_t const *cs);

/* Fills the empty slot idx with obj (alive) and rights. */
void hw_cap_set(hw_cspace_t *cs, unsigned idx, hw_obj_t *obj, uint16_t rights);

/*
 * Fills the lowest free slot with obj and rights and stores its index in *idx. Errors:
 * GN_ERR_OUT_OF_CAPS (no free slot).
 */
gn_err_t hw_cap_insert(
	hw_cspace_t *cs, hw_obj_t *obj, uint16_t rights, uint64_t *idx) GN_MUST_CHECK;

/*
 * Empties slot idx; when it held the owning capability of a live object, *destroy is that object
 * (the caller destroys it, which needs the object's own teardown), else NULL. Errors:
 * GN_ERR_INVALID_CAP (out of range or empty).
 */
gn_err_t hw_cap_drop(hw_cspace_t *cs, uint64_t idx, hw_obj_t **destroy) GN_MUST_CHECK;

/* The rights a copy of a capability with rights gets in another space. */
uint16_t hw_cap_transfer_rights(uint16_t rights);

/*
 * Fills the lowest free slot of cs with a copy of src (a live slot of any space: its object,
 * generation and badge) with rights, and stores its index in *idx. Errors: GN_ERR_OUT_OF_CAPS.
 */
gn_err_t hw_cap_insert_copy(
	hw_cspace_t *cs, hw_cap_slot_t const *src, uint16_t rights, uint64_t *idx) GN_MUST_CHECK;

/* Fills the empty slot idx of cs with a copy of src (object, generation, badge) with rights. */
void hw_cap_set_copy(hw_cspace_t *cs, unsigned idx, hw_cap_slot_t const *src, uint16_t rights);

/*
 * Minting (HW_SYS_CAP_MINT): the rights and badge of a copy of src with at most rights and badge,
 * in *out. A copy never owns; a badge is for endpoints only, is set only through a capability
 * that may receive (the server's side: a client cannot forge the badge of another object) and
 * cannot be changed once set (badge 0 keeps it). A badge is at most HW_BADGE_MAX, so that
 * HW_SYS_CAP_BADGE can return it as a result. Errors: GN_ERR_INVALID_ARG (rights outside
 * HW_RIGHTS_ALL, a badge above HW_BADGE_MAX or for another type), GN_ERR_DENIED (a badge through
 * a capability without HW_RIGHT_RECV, or one that differs from src's).
 */
gn_err_t hw_cap_mint(hw_cap_slot_t const *src, uint64_t rights, uint64_t badge,
	hw_cap_slot_t *out) GN_MUST_CHECK;

/*
 * Revokes every slot of cs that refers to obj with badge (not 0): each answers GN_ERR_REVOKED
 * from then on, until dropped, while the object and its other capabilities live on. Returns how
 * many it revoked.
 */
unsigned hw_cspace_revoke_badge(hw_cspace_t *cs, hw_obj_t const *obj, uint64_t badge);

/*
 * HW_SYS_CAP_BADGE: the badge of slot idx (0: unbadged) in *badge when the slot is a live
 * capability to obj (the caller checked that obj is the endpoint it may receive on). Errors:
 * GN_ERR_INVALID_CAP (idx out of range), GN_ERR_NOT_FOUND (the slot is empty, stale, revoked by
 * its badge, or names another object).
 */
gn_err_t hw_cap_badge(
	hw_cspace_t const *cs, uint64_t idx, hw_obj_t const *obj, uint64_t *badge) GN_MUST_CHECK;

/*
 * HW_SYS_CAP_SAME: in *same whether slots a and b are both live and name the same object with the
 * same badge (rights do not matter; a slot compared with itself is the same when it is live).
 * Errors: GN_ERR_INVALID_CAP (an index out of range).
 */
gn_err_t hw_cap_same(hw_cspace_t const *cs, uint64_t a, uint64_t b, bool *same) GN_MUST_CHECK;

#endif
