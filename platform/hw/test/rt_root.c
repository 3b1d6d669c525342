/*
 * hw-rt-root: the root of the hw_runtime scenario (the first boot module), on the component
 * runtime: it serves the name service of rt_test.h on the boot endpoint through an entrypoint
 * (hw_ep_serve_boot). Servers announce their capabilities, clients look them up. As core will, it
 * hands out memory objects as dataspaces (writing into each through its own region map first)
 * and signal contexts bound to no receiver, and destroys a memory object on request. It exits
 * when no call came for a second after the first announcement.
 */
#include <gneiss/dataspace.h>
#include <gneiss/fmt.h>
#include <gneiss/log.h>
#include <gneiss/signal.h>
#include <gneiss/string.h>

#include "hw_lib.h" /* hw_cap_enter: the kernel's new slots into the capability table */
#include "hw_rt.h"
#include "rt_test.h"

GN_RPC_SERVER(rt_root, RT_ROOT_RPCS)

enum {
	NAMES = 8,
	OWNED = 16,
	MEMORY_PAGES_MAX = 16,
	IDLE_MS = 1000,
};

typedef struct {
	uint64_t name[NAMES];
	gn_cap_t cap[NAMES];
	unsigned count;
	gn_cap_t owned[OWNED]; /* memory objects and contexts the root made, GN_CAP_INVALID: free */
	gn_cap_t copies[OWNED]; /* a read-only copy of owned[i] that was handed out */
} root_t;

static gn_err_t announce(
	void *obj, gn_rpc_request_t *req, rt_name_t const *args, gn_rpc_void_t *res)
{
	root_t *root = obj;

	(void)res;
	if (root->count == NAMES)
		return GN_ERR_LIMIT;
	root->name[root->count] = args->name;
	root->cap[root->count++] = gn_cap_copy(req->caps_in[0]);
	gn_log("announced 0x%lx (kind %d)", args->name, (int)gn_cap_kind(req->caps_in[0]));
	return GN_OK;
}

static gn_err_t lookup(void *obj, gn_rpc_request_t *req, rt_name_t const *args, gn_rpc_void_t *res)
{
	root_t *root = obj;

	(void)res;
	for (unsigned i = 0; i < root->count; i++) {
		if (root->name[i] == args->name) {
			req->caps_out[0] = gn_cap_copy(root->cap[i]);
			req->num_caps_out = 1;
			return GN_OK;
		}
	}
	return GN_ERR_NOT_FOUND;
}

/* Enters the slot the kernel call returned (or its refusal) into the capability table. */
static gn_err_t enter(int64_t slot, gn_cap_t *cap)
{
	if (slot < 0)
		return hw_err(slot);
	gn_err_t const err = hw_cap_enter((uint64_t)slot, cap);
	if (err != GN_OK)
		(void)hw_syscall4(HW_SYS_CAP_DROP, (uint64_t)slot, 0, 0, 0);
	return err;
}

static int free_owned(root_t const *root)
{
	for (int i = 0; i < OWNED; i++)
		if (root->owned[i] == GN_CAP_INVALID)
			return i;
	return -1;
}

/* Writes RT_PATTERN at the start of the dataspace, through the root's own region map. */
static gn_err_t write_pattern(gn_cap_t ds)
{
	void *addr;
	size_t size;
	bool writable;
	gn_err_t err = gn_ds_attach(ds, &addr, &size, &writable);

	if (err != GN_OK)
		return err;
	gn_memcpy(addr, RT_PATTERN, RT_PATTERN_LEN);
	gn_ds_detach(addr, size);
	return writable ? GN_OK : GN_ERR_DENIED;
}

static gn_err_t memory(
	void *obj, gn_rpc_request_t *req, rt_memory_args_t const *args, rt_value_t *res)
{
	root_t *root = obj;
	int const i = free_owned(root);
	gn_cap_t ds = GN_CAP_INVALID, copy = GN_CAP_INVALID;

	if (i < 0 || !args->pages || args->pages > MEMORY_PAGES_MAX)
		return i < 0 ? GN_ERR_LIMIT : GN_ERR_INVALID_ARG;
	gn_err_t err = enter(hw_syscall4(HW_SYS_MEM_CREATE, args->pages * 4096, 0, 0, 0), &ds);
	if (err == GN_OK)
		err = write_pattern(ds);
	if (err == GN_OK && args->read_only)
		err = enter(hw_syscall4(HW_SYS_CAP_MINT, ds, HW_RIGHT_READ, 0, 0), &copy);
	if (err != GN_OK) {
		gn_cap_drop(ds);
		return err;
	}
	root->owned[i] = ds;
	root->copies[i] = copy;
	res->value = (uint64_t)i;
	req->caps_out[0] = gn_cap_copy(args->read_only ? copy : ds);
	req->num_caps_out = 1;
	return GN_OK;
}

/* Drops owned[i] and its copy: a memory object is destroyed, unmapped from every domain. */
static void drop_owned(root_t *root, unsigned i)
{
	gn_cap_drop(root->copies[i]);
	gn_cap_drop(root->owned[i]);
	root->owned[i] = root->copies[i] = GN_CAP_INVALID;
}

static gn_err_t free_memory(
	void *obj, gn_rpc_request_t *req, rt_value_t const *args, gn_rpc_void_t *res)
{
	root_t *root = obj;

	(void)req, (void)res;
	if (args->value >= OWNED || gn_cap_kind(root->owned[args->value]) != GN_CAP_KIND_DATASPACE)
		return GN_ERR_NOT_FOUND;
	drop_owned(root, (unsigned)args->value);
	return GN_OK;
}

static gn_err_t unbound_signal(
	void *obj, gn_rpc_request_t *req, rt_value_t const *args, gn_rpc_void_t *res)
{
	root_t *root = obj;
	int const i = free_owned(root);
	gn_cap_t sig = GN_CAP_INVALID;

	(void)res;
	if (i < 0)
		return GN_ERR_LIMIT;
	gn_err_t err = enter(hw_syscall4(HW_SYS_SIGNAL_CONTEXT, HW_SIGNAL_UNBOUND, 0, 0, 0), &sig);
	if (err == GN_OK && args->value) /* counted while it is bound to nothing */
		err = gn_signal_submit(sig, (uint32_t)args->value);
	if (err != GN_OK) {
		gn_cap_drop(sig);
		return err;
	}
	root->owned[i] = sig;
	req->caps_out[0] = gn_cap_copy(sig);
	req->num_caps_out = 1;
	return GN_OK;
}

static rt_root_ops_t const ops = {announce, lookup, memory, free_memory, unbound_signal};
static root_t root;

/* The modules the kernel booted, as the root's boot table lists them. */
static void list_modules(void)
{
	hw_boot_table_t const *t = hw_rt_boot_table();
	char line[160] = "";
	size_t len = 0;

	for (unsigned i = 0; t && i < t->count && len < sizeof(line); i++) {
		size_t n = 0;
		gn_ignore(gn_fmt(line + len, sizeof(line) - len, &n, "%s%s%s", i ? " " : "",
			t->modules[i].name, t->modules[i].started ? "" : " (not started)"));
		len += n;
	}
	gn_log("boot modules: %lu: %s", t ? t->count : 0, line);
}

int main(void)
{
	gn_ep_t *ep;

	list_modules();
	gn_err_t err = hw_ep_serve_boot(&ep, &root, &rt_root_iface, &ops);

	gn_log("serving the boot endpoint: %s", gn_err_name(err));
	if (err != GN_OK)
		return 1;
	while (gn_ep_dispatch(ep, IDLE_MS) != GN_ERR_TIMEOUT || root.count == 0)
		;
	for (unsigned i = 0; i < root.count; i++)
		gn_cap_drop(root.cap[i]);
	for (unsigned i = 0; i < OWNED; i++)
		drop_owned(&root, i);
	gn_ep_destroy(ep);
	gn_log("idle, exiting with %u capabilities left",
		gn_cap_count() - 1 /* the boot endpoint */);
	return 0;
}
