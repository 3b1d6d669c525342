/*
 * The Report service. Each session owns two dataspaces of its buffer's size, both paid from its
 * donation: the buffer its client writes into, and report_rom's private copy of the last report it
 * submitted. Several sessions may report under the same name; the last submit wins, and only that
 * session's copy is `current`. When that session closes, the report is gone and its readers see an
 * empty ROM (as in Genode, where a report's content goes with its origin).
 */
#include <gneiss/log.h>
#include <gneiss/parent.h>
#include <gneiss/report_session.h>
#include <gneiss/string.h>

#include "report_rom.h"

typedef struct {
	bool used;
	bool current; /* copy holds the report readers of `label` get */
	gn_cap_t cap;
	char label[GN_LABEL_MAX]; /* the report's name */
	uint64_t buffer_size;     /* as the client asked */
	uint64_t length;          /* bytes of the last report in copy */
	buffer_t buffer, copy;
} report_t;

static report_t reports[MAX_REPORTS];

GN_RPC_SERVER(gn_report_session, GN_REPORT_RPCS)

void reports_content(char const *name, char const **data, uint64_t *len)
{
	*data = NULL;
	*len = 0;
	for (unsigned i = 0; i < MAX_REPORTS; i++) {
		report_t const *r = &reports[i];
		if (r->used && r->current && gn_strcmp(r->label, name) == 0) {
			*data = r->copy.addr;
			*len = r->length;
		}
	}
}

static report_t *report_of(gn_cap_t cap)
{
	void *obj = gn_ep_lookup(rr_env->ep, cap, &gn_report_session_iface);

	for (unsigned i = 0; i < MAX_REPORTS; i++)
		if (reports[i].used && obj == &reports[i])
			return &reports[i];
	return NULL;
}

/* ---- the session interface --------------------------------------------------------------------- */

static gn_err_t dataspace(
	void *obj, gn_rpc_request_t *req, gn_rpc_void_t const *args, gn_report_dataspace_res_t *res)
{
	report_t const *r = obj;

	(void)args;
	req->caps_out[0] = gn_cap_copy(r->buffer.cap);
	req->num_caps_out = 1;
	res->size = r->buffer_size;
	return GN_OK;
}

static gn_err_t submit(
	void *obj, gn_rpc_request_t *req, gn_report_submit_args_t const *args, gn_rpc_void_t *res)
{
	report_t *r = obj;

	(void)req;
	(void)res;
	if (args->length > r->buffer_size) {
		if (rr_verbose)
			gn_log("refused a report of %llu bytes from \"%s\": its buffer holds %llu",
				(unsigned long long)args->length, r->label,
				(unsigned long long)r->buffer_size);
		return GN_ERR_INVALID_ARG;
	}
	/* the client may write its buffer meanwhile: readers only ever see this copy */
	gn_memcpy(r->copy.addr, r->buffer.addr, (size_t)args->length);
	r->length = args->length;
	for (unsigned i = 0; i < MAX_REPORTS; i++)
		if (reports[i].used && gn_strcmp(reports[i].label, r->label) == 0)
			reports[i].current = false;
	r->current = true;
	if (rr_verbose)
		log_report("report", r->label, r->copy.addr, r->length);
	roms_notify(r->label);
	return GN_OK;
}

static gn_report_session_ops_t const ops = {dataspace, submit};

/* ---- the service ------------------------------------------------------------------------------- */

static gn_err_t create(void *ctx, char const *args, gn_cap_t *cap)
{
	session_args_t a;
	uint64_t buffer_size = 0;
	report_t *r = NULL;

	(void)ctx;
	if (session_args(args, &a) != GN_OK ||
		gn_args_get_num(args, "buffer_size", &buffer_size) != GN_OK ||
		!gn_report_session_ram(buffer_size)) {
		gn_warning("refused a Report session: malformed arguments or no buffer_size of 1 "
			   "to %u bytes",
			(unsigned)GN_REPORT_BUFFER_MAX);
		return GN_ERR_DENIED;
	}
	uint64_t const price = gn_report_session_ram(buffer_size);
	if (a.caps < GN_REPORT_SESSION_CAPS)
		return GN_ERR_INSUFFICIENT_CAPS;
	if (a.ram < price) {
		if (rr_verbose)
			gn_log("Report \"%s\": a buffer of %llu bytes costs %llu, the donation is "
			       "%llu",
				a.label, (unsigned long long)buffer_size, (unsigned long long)price,
				(unsigned long long)a.ram);
		return GN_ERR_INSUFFICIENT_RAM;
	}
	for (unsigned i = 0; i < MAX_REPORTS && !r; i++)
		if (!reports[i].used)
			r = &reports[i];
	if (!r) {
		gn_warning("refused Report \"%s\": %u sessions are open", a.label,
			(unsigned)MAX_REPORTS);
		return GN_ERR_DENIED;
	}
	*r = (report_t){.buffer_size = buffer_size};
	gn_memcpy(r->label, a.label, sizeof(r->label));
	gn_err_t err = buffer_alloc(&r->buffer, price / 2);
	if (err == GN_OK)
		err = buffer_alloc(&r->copy, price / 2);
	if (err == GN_OK)
		err = gn_ep_manage(rr_env->ep, r, &gn_report_session_iface, &ops, &r->cap);
	if (err != GN_OK) {
		buffer_free(&r->buffer);
		buffer_free(&r->copy);
		return err;
	}
	r->used = true;
	*cap = gn_cap_copy(r->cap);
	return GN_OK;
}

static void close(void *ctx, gn_cap_t cap)
{
	report_t *r = report_of(cap);

	(void)ctx;
	if (!r)
		return;
	bool const was_current = r->current;
	gn_ep_dissolve(rr_env->ep, r->cap);
	gn_cap_drop(r->cap);
	buffer_free(&r->buffer);
	buffer_free(&r->copy);
	r->used = r->current = false;
	if (!was_current)
		return;
	if (rr_verbose)
		gn_log("report \"%s\" gone with its session", r->label);
	roms_notify(r->label);
}

/* the price is fixed at creation: upgrades just wait in the PD until the session closes */
gn_service_ops_t const report_service_ops = {create, NULL, close};
