/* Capability spaces (see cap.h). */
#include "cap.h"

void hw_obj_init(hw_obj_t *obj, uint8_t type)
{
	obj->type = type;
}

void hw_obj_destroy(hw_obj_t *obj)
{
	obj->type = HW_OBJ_NONE;
	obj->gen++;
}

void hw_cspace_init(hw_cspace_t *cs)
{
	for (unsigned i = 0; i < HW_CAP_SLOTS; i++)
		cs->slots[i] = (hw_cap_slot_t){0};
	cs->used = 0;
}

gn_err_t hw_cap_get(hw_cspace_t const *cs, uint64_t idx, hw_cap_slot_t *slot)
{
	hw_cap_slot_t const *s;

	if (idx >= HW_CAP_SLOTS || !cs->slots[idx].obj)
		return GN_ERR_INVALID_CAP;
	s = &cs->slots[idx];
	if (s->gen != s->obj->gen)
		return GN_ERR_REVOKED;
	*slot = *s;
	return GN_OK;
}

gn_err_t hw_cap_lookup(
	hw_cspace_t const *cs, uint64_t idx, uint8_t type, uint16_t rights, hw_obj_t **obj)
{
	hw_cap_slot_t s;
	gn_err_t err = hw_cap_get(cs, idx, &s);

	if (err != GN_OK)
		return err;
	if (s.obj->type != type)
		return GN_ERR_INVALID_CAP;
	if ((s.rights & rights) != rights)
		return GN_ERR_DENIED;
	*obj = s.obj;
	return GN_OK;
}

int hw_cspace_free_slot(hw_cspace_t const *cs)
{
	if (cs->used >= HW_CAP_SLOTS)
		return -1;
	for (unsigned i = HW_CAP_FIRST_FREE; i < HW_CAP_SLOTS; i++) {
		if (!cs->slots[i].obj)
			return (int)i;
	}
	return -1;
}

unsigned hw_cspace_free_count(hw_cspace_t const *cs)
{
	unsigned n = 0;

	for (unsigned i = HW_CAP_FIRST_FREE; i < HW_CAP_SLOTS; i++)
		n += cs->slots[i].obj == NULL;
	return n;
}

void hw_cap_set(hw_cspace_t *cs, unsigned idx, hw_obj_t *obj, uint16_t rights)
{
	cs->slots[idx] = (hw_cap_slot_t){.obj = obj, .gen = obj->gen, .rights = rights};
	cs->used++;
}

gn_err_t hw_cap_insert(hw_cspace_t *cs, hw_obj_t *obj, uint16_t rights, uint64_t *idx)
{
	int slot = hw_cspace_free_slot(cs);

	if (slot < 0)
		return GN_ERR_OUT_OF_CAPS;
	hw_cap_set(cs, (unsigned)slot, obj, rights);
	*idx = (uint64_t)slot;
	return GN_OK;
}

gn_err_t hw_cap_drop(hw_cspace_t *cs, uint64_t idx, hw_obj_t **destroy)
{
	hw_cap_slot_t *s;

	if (idx >= HW_CAP_SLOTS || !cs->slots[idx].obj)
		return GN_ERR_INVALID_CAP;
	s = &cs->slots[idx];
	*destroy = (s->rights & HW_RIGHT_OWNER) && s->gen == s->obj->gen ? s->obj : NULL;
	*s = (hw_cap_slot_t){0};
	cs->used--;
	return GN_OK;
}

uint16_t hw_cap_transfer_rights(uint16_t rights)
{
	return rights & (uint16_t) ~(HW_RIGHT_RECV | HW_RIGHT_OWNER | HW_RIGHT_MANAGE);
}

gn_err_t hw_cap_insert_copy(
	hw_cspace_t *cs, hw_cap_slot_t const *src, uint16_t rights, uint64_t *idx)
{
	int slot = hw_cspace_free_slot(cs);

	if (slot < 0)
		return GN_ERR_OUT_OF_CAPS;
	cs->slots[slot] = (hw_cap_slot_t){
		.obj = src->obj, .gen = src->gen, .badge = src->badge, .rights = rights};
	cs->used++;
	*idx = (uint64_t)slot;
	return GN_OK;
}

void hw_cap_set_copy(hw_cspace_t *cs, unsigned idx, hw_cap_slot_t const *src, uint16_t rights)
{
	cs->slots[idx] = (hw_cap_slot_t){
		.obj = src->obj, .gen = src->gen, .badge = src->badge, .rights = rights};
	cs->used++;
}

gn_err_t hw_cap_mint(hw_cap_slot_t const *src, uint64_t rights, uint64_t badge, hw_cap_slot_t *out)
{
	if (rights & ~(uint64_t)HW_RIGHTS_ALL)
		return GN_ERR_INVALID_ARG;
	if (badge > HW_BADGE_MAX || (badge != 0 && src->obj->type != HW_OBJ_ENDPOINT))
		return GN_ERR_INVALID_ARG;
	if (badge != 0 &&
		((src->badge != 0 && badge != src->badge) || !(src->rights & HW_RIGHT_RECV)))
		return GN_ERR_DENIED;
	*out = *src;
	out->rights = src->rights & (uint16_t)rights & (uint16_t)~HW_RIGHT_OWNER;
	out->badge = src->badge != 0 ? src->badge : badge;
	return GN_OK;
}

unsigned hw_cspace_revoke_badge(hw_cspace_t *cs, hw_obj_t const *obj, uint64_t badge)
{
	unsigned n = 0;

	for (unsigned i = 0; i < HW_CAP_SLOTS && badge != 0; i++) {
		hw_cap_slot_t *s = &cs->slots[i];
		if (s->obj == obj && s->badge == badge && s->gen == obj->gen) {
			s->gen = HW_CAP_GEN_REVOKED;
			n++;
		}
	}
	return n;
}

/* Whether slot s is live: it names an object that was not destroyed, and was not revoked alone. */
static bool live(hw_cap_slot_t const *s)
{
	return s->obj && s->gen == s->obj->gen;
}

gn_err_t hw_cap_badge(hw_cspace_t const *cs, uint64_t idx, hw_obj_t const *obj, uint64_t *badge)
{
	hw_cap_slot_t const *s;

	if (idx >= HW_CAP_SLOTS)
		return GN_ERR_INVALID_CAP;
	s = &cs->slots[idx];
	if (!live(s) || s->obj != obj)
		return GN_ERR_NOT_FOUND;
	*badge = s->badge;
	return GN_OK;
}

gn_err_t hw_cap_same(hw_cspace_t const *cs, uint64_t a, uint64_t b, bool *same)
{
	hw_cap_slot_t const *x, *y;

	if (a >= HW_CAP_SLOTS || b >= HW_CAP_SLOTS)
		return GN_ERR_INVALID_CAP;
	x = &cs->slots[a];
	y = &cs->slots[b];
	*same = live(x) && live(y) && x->obj == y->obj && x->badge == y->badge;
	return GN_OK;
}
