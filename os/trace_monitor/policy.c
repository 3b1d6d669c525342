/*
 * The policies the monitor writes: one dataspace of the TRACE session per <policy> name, kept
 * across config changes and rewritten in place when its definition changes, so the threads that
 * use it record differently from their next event on, without being traced anew. Each rule is a
 * word of its own that a traced thread reads whole, so a rewrite in progress shows it only old or
 * new rules, never a torn one.
 */
#include <gneiss/dataspace.h>
#include <gneiss/log.h>
#include <gneiss/string.h>

#include "monitor.h"

typedef struct {
	char name[NAME_MAX]; /* empty: unused */
	uint32_t id;
	gn_trace_policy_t volatile *shared;
} allocated_t;

static allocated_t allocated[MAX_POLICIES * 2];

static allocated_t *named(char const *name)
{
	for (unsigned i = 0; i < GN_ARRAY_SIZE(allocated); i++)
		if (allocated[i].name[0] && gn_strcmp(allocated[i].name, name) == 0)
			return &allocated[i];
	return NULL;
}

static gn_err_t allocate(char const *name, allocated_t **out)
{
	gn_rpc_void_t none = {0};
	gn_trace_policy_id_t id;
	gn_cap_t ds;
	void *addr;
	size_t size;
	bool writable;
	allocated_t *a = NULL;

	for (unsigned i = 0; i < GN_ARRAY_SIZE(allocated) && !a; i++)
		if (!allocated[i].name[0])
			a = &allocated[i];
	if (!a)
		return GN_ERR_LIMIT;
	gn_err_t err = gn_trace_session_alloc_policy(monitor_trace.cap, &none, &id, NULL, &ds);
	if (err != GN_OK)
		return err;
	err = gn_ds_attach(ds, &addr, &size, &writable);
	gn_cap_drop(ds);
	if (err == GN_OK && (!writable || size < sizeof(gn_trace_policy_t))) {
		gn_ds_detach(addr, size);
		err = GN_ERR_DENIED;
	}
	if (err != GN_OK)
		return err;
	*a = (allocated_t){.id = id.id, .shared = addr};
	gn_ignore(gn_strlcpy(a->name, name, sizeof(a->name)));
	*out = a;
	return GN_OK;
}

static void write_policy(gn_trace_policy_t volatile *to, gn_trace_policy_t const *from)
{
	for (unsigned k = 0; k < GN_TRACE_EVENT_COUNT; k++) {
		uint32_t word;
		gn_memcpy(&word, &from->rules[k], sizeof(word));
		__atomic_store_n((uint32_t volatile *)&to->rules[k], word, __ATOMIC_RELAXED);
	}
	__atomic_store_n(&to->rpc_opcodes, from->rpc_opcodes, __ATOMIC_RELAXED);
	__atomic_store_n(&to->magic, from->magic, __ATOMIC_RELEASE);
}

gn_err_t policies_apply(config_t *cfg)
{
	for (unsigned i = 0; i < cfg->num_policies; i++) {
		policy_t *p = &cfg->policies[i];
		allocated_t *a = named(p->name);
		if (!a) {
			gn_err_t const err = allocate(p->name, &a);
			if (err != GN_OK) {
				gn_error("policy \"%s\" not allocated: %s", p->name,
					gn_err_name(err));
				return err;
			}
		}
		write_policy(a->shared, &p->policy);
		p->id = a->id;
		p->shared = a->shared;
	}
	return GN_OK;
}
