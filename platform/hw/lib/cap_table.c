/*
 * The capability table of a component on hw.
 *
 * A gn_cap_t is the index of the kernel slot it names (HW_CAP_SLOTS per domain), so no
 * translation is needed on the way into a kernel call; index 0 (the domain's own capability, which
 * no component sees) doubles as GN_CAP_INVALID. The table adds what the kernel does not keep: a
 * reference count per slot (the last gn_cap_drop empties the slot) and the kind, asked from the
 * kernel (cap_info) when first needed; gn_cap_same asks the kernel too (cap_same). Slots the
 * runtime fills for itself (its threads, endpoints, signal receivers, the copies ep_signal.c
 * keeps) never enter the table and stay invisible to gn_cap_*.
 *
 * Invariants: an entry with refs > 0 names a slot the kernel filled for this component; it is
 * entered only right after the kernel filled it (a received or created capability), so it never
 * names a slot that is still in use by somebody else. All operations hold the table's mutex; the
 * mutex waits through wait.c, which uses no capability of this table.
 */
#include <gneiss/lock.h>

#include "hw_lib.h"

typedef struct {
	uint32_t refs;
	uint8_t kind; /* GN_CAP_KIND_NONE: not asked yet */
} entry_t;

static entry_t table[HW_CAP_SLOTS];
static gn_mutex_t table_lock = GN_MUTEX_INIT;

static entry_t *entry(gn_cap_t cap)
{
	if (cap == GN_CAP_INVALID || cap >= HW_CAP_SLOTS || table[cap].refs == 0)
		return NULL;
	return &table[cap];
}

static gn_cap_kind_t kind_of(int64_t info)
{
	switch (info & 0xff) {
	case HW_OBJ_ENDPOINT: return GN_CAP_KIND_OBJECT;
	case HW_OBJ_SIGNAL_CONTEXT: return GN_CAP_KIND_SIGNAL;
	case HW_OBJ_MEMORY: return GN_CAP_KIND_DATASPACE;
	default: return GN_CAP_KIND_NONE;
	}
}

gn_err_t hw_cap_enter(uint64_t slot, gn_cap_t *out)
{
	gn_err_t err = GN_ERR_INVALID_CAP;

	if (slot == GN_CAP_INVALID || slot >= HW_CAP_SLOTS)
		return err;
	gn_mutex_lock(&table_lock);
	if (table[slot].refs == 0) {
		table[slot] = (entry_t){1, GN_CAP_KIND_NONE};
		*out = (gn_cap_t)slot;
		err = GN_OK;
	}
	gn_mutex_unlock(&table_lock);
	return err;
}

bool gn_cap_valid(gn_cap_t cap)
{
	return entry(cap) != NULL;
}

gn_cap_kind_t gn_cap_kind(gn_cap_t cap)
{
	gn_cap_kind_t kind = GN_CAP_KIND_NONE;

	gn_mutex_lock(&table_lock);
	entry_t *e = entry(cap);
	if (e && e->kind == GN_CAP_KIND_NONE) {
		/* a revoked object has no kind: asked again next time, it stays none */
		int64_t const info = hw_syscall4(HW_SYS_CAP_INFO, cap, 0, 0, 0);
		e->kind = info < 0 ? GN_CAP_KIND_NONE : (uint8_t)kind_of(info);
	}
	if (e)
		kind = (gn_cap_kind_t)e->kind;
	gn_mutex_unlock(&table_lock);
	return kind;
}

gn_cap_t gn_cap_copy(gn_cap_t cap)
{
	gn_mutex_lock(&table_lock);
	entry_t *e = entry(cap);
	if (e)
		e->refs++;
	gn_mutex_unlock(&table_lock);
	return e ? cap : GN_CAP_INVALID;
}

void gn_cap_drop(gn_cap_t cap)
{
	gn_mutex_lock(&table_lock);
	entry_t *e = entry(cap);
	if (e && --e->refs == 0) {
		e->kind = GN_CAP_KIND_NONE;
		/* under the lock: the slot must be empty before anyone may enter it again */
		(void)hw_syscall4(HW_SYS_CAP_DROP, cap, 0, 0, 0);
	}
	gn_mutex_unlock(&table_lock);
}

/*
 * The kernel compares what the slots name (cap_same): the same object with the same badge, so two
 * capabilities of one entrypoint's endpoint are the same only for the same RPC object.
 */
bool gn_cap_same(gn_cap_t a, gn_cap_t b)
{
	gn_mutex_lock(&table_lock);
	bool const valid = entry(a) && entry(b);
	bool const same = valid && (a == b || hw_syscall4(HW_SYS_CAP_SAME, a, b, 0, 0) == 1);
	gn_mutex_unlock(&table_lock);
	return same;
}

unsigned gn_cap_count(void)
{
	unsigned n = 0;

	gn_mutex_lock(&table_lock);
	for (gn_cap_t i = 1; i < HW_CAP_SLOTS; i++)
		n += table[i].refs != 0;
	gn_mutex_unlock(&table_lock);
	return n;
}
