/*
 * hw-rt-root: the root of the hw_runtime scenario (the first boot module), on the component
 * runtime: it serves the name service of rt_test.h on the boot endpoint through an entrypoint
 * (hw_ep_serve_boot). Servers announce their capabilities, clients look them up. It exits when no
 * call came for a second after the first announcement.
 */
#include <gneiss/fmt.h>
#include <gneiss/log.h>

#include "hw_rt.h"
#include "rt_test.h"

GN_RPC_SERVER(rt_root, RT_ROOT_RPCS)

enum {
	NAMES = 8,
	IDLE_MS = 1000,
};

typedef struct {
	uint64_t name[NAMES];
	gn_cap_t cap[NAMES];
	unsigned count;
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

static rt_root_ops_t const ops = {announce, lookup};
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
	gn_ep_destroy(ep);
	gn_log("idle, exiting with %u capabilities left",
		gn_cap_count() - 1 /* the boot endpoint */);
	return 0;
}
