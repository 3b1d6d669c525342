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
	hw_cspace_t const *cs, uint64_t idx, uint8_t type, uint8_t rights, hw_obj_t **obj)
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

void hw_cap_set(hw_cspace_t *cs, unsigned idx, hw_obj_t *obj, uint8_t rights)
{
	cs->slots[idx] = (hw_cap_slot_t){.obj = obj, .gen = obj->gen, .rights = rights};
	cs->used++;
}

gn_err_t hw_cap_insert(hw_cspace_t *cs, hw_obj_t *obj, uint8_t rights, uint64_t *idx)
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

uint8_t hw_cap_transfer_rights(uint8_t rights)
{
	return rights & (uint8_t) ~(HW_RIGHT_RECV | HW_RIGHT_OWNER);
}
