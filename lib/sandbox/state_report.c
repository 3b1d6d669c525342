/*
 * The state report, as Genode's init writes it when its config has a <report> node: every child
 * with its state, its RAM and caps (assigned, quota, used, avail), the sessions it requested and
 * those it provides; children that exited stay listed (with their exit value) until the config
 * drops or restarts them. The report goes to a Report session labelled "state" at init's parent.
 *
 * Changes only mark the report stale and submit a signal to init itself, so a burst of changes is
 * written once, after the handler that made them returned. With <report delay_ms=N> the report is
 * written at most once every N ms: a change within that time is written when it is over, from a
 * one-shot timeout of a Timer session at init's parent (opened when first needed; without one,
 * the report is written at once).
 */
#include <gneiss/dataspace.h>
#include <gneiss/fmt.h>
#include <gneiss/log.h>
#include <gneiss/pd_session.h>
#include <gneiss/report_session.h>
#include <gneiss/sandbox.h>
#include <gneiss/signal.h>
#include <gneiss/string.h>
#include <gneiss/time.h>
#include <gneiss/timer_session.h>
#include <gneiss/xml_gen.h>

#include "sandbox.h"

enum {
	MAX_EXITED = MAX_CHILDREN,
	DEFAULT_BUFFER = 16 * 1024
};

typedef struct {
	char name[NAME_MAX]; /* empty: unused */
	int value;
	bool ended; /* killed or crashed rather than exited */
} exited_t;

static exited_t exited[MAX_EXITED];
static gn_cap_t stale_sig;
static gn_cap_t report;
static uint32_t report_id;
static char *buf;
static size_t buf_size;
static uint64_t buffer_opened; /* the buffer size the session was opened with */
static uint64_t written_us;    /* when the report was written last */
static gn_timer_t delay_timer;
static enum {
	DELAY_CLOSED,
	DELAY_OPENING,
	DELAY_IDLE,
	DELAY_ARMED,
	DELAY_UNAVAILABLE
} delay_state;

static bool option(gn_xml_node_t const *node, char const *name)
{
	bool value = false;

	gn_ignore(gn_xml_attr_bool(node, name, false, &value));
	return value;
}

static void close_report(void)
{
	if (!report)
		return;
	gn_ds_detach(buf, buf_size);
	gn_session_close(sandbox_env, report_id, report);
	report = GN_CAP_INVALID;
	buf = NULL;
}

static bool open_report(uint64_t buffer)
{
	char args[GN_SESSION_ARGS_MAX];
	gn_rpc_void_t none = {0};
	gn_report_dataspace_res_t info;
	gn_cap_t ds;
	void *addr;
	bool writable;

	if (report && buffer == buffer_opened)
		return true;
	close_report();
	if (gn_fmt(args, sizeof(args), NULL,
		    "ram_quota=%llu, cap_quota=%u, buffer_size=%llu, label=\"state\"",
		    (unsigned long long)gn_report_session_ram(buffer),
		    (unsigned)GN_REPORT_SESSION_CAPS, (unsigned long long)buffer) != GN_OK ||
		gn_session(sandbox_env, "Report", args, &report, &report_id) != GN_OK) {
		gn_error("cannot open the Report session for the state report");
		report = GN_CAP_INVALID;
		return false;
	}
	if (gn_report_session_dataspace(report, &none, &info, NULL, &ds) != GN_OK ||
		gn_ds_attach(ds, &addr, &buf_size, &writable) != GN_OK || !writable) {
		gn_error("the state report's dataspace is unusable");
		gn_session_close(sandbox_env, report_id, report);
		report = GN_CAP_INVALID;
		return false;
	}
	gn_cap_drop(ds);
	buf = addr;
	buffer_opened = buffer;
	if (buf_size > info.size)
		buf_size = info.size;
	return true;
}

static void quota(gn_xml_gen_t *g, char const *type, uint64_t assigned, uint64_t quota,
	uint64_t used, uint64_t requested)
{
	gn_xml_gen_node_open(g, type);
	gn_xml_gen_attr_u64(g, "assigned", assigned);
	gn_xml_gen_attr_u64(g, "quota", quota);
	gn_xml_gen_attr_u64(g, "used", used);
	gn_xml_gen_attr_u64(g, "avail", quota > used ? quota - used : 0);
	if (requested)
		gn_xml_gen_attr_u64(g, "requested", requested);
	gn_xml_gen_node_close(g);
}

void gn_sandbox_gen_state(gn_xml_gen_t *g, gn_xml_node_t const *node)
{
	gn_rpc_void_t none = {0};
	gn_pd_quota_res_t q;

	gn_xml_gen_node_open(g, "state");
	if ((option(node, "init_ram") || option(node, "init_caps")) &&
		gn_pd_session_quota(sandbox_env->pd, &none, &q, NULL, NULL) == GN_OK) {
		if (option(node, "init_ram"))
			quota(g, "ram", q.ram_quota, q.ram_quota, q.ram_used, 0);
		if (option(node, "init_caps"))
			quota(g, "caps", q.cap_quota, q.cap_quota, q.cap_used, 0);
	}
	for (unsigned i = 0; i < MAX_CHILDREN; i++) {
		child_t *c = &sandbox_children[i];
		if (!c->used)
			continue;
		gn_xml_gen_node_open(g, "child");
		gn_xml_gen_attr(g, "name", c->name);
		gn_xml_gen_attr(g, "state", "alive");
		if (c->skipped_heartbeats)
			gn_xml_gen_attr_u64(g, "skipped_heartbeats", c->skipped_heartbeats);
		if ((option(node, "child_ram") || option(node, "child_caps")) &&
			gn_pd_session_quota(c->env_caps[0], &none, &q, NULL, NULL) == GN_OK) {
			if (option(node, "child_ram"))
				quota(g, "ram", c->ram, q.ram_quota, q.ram_used, c->requested_ram);
			if (option(node, "child_caps"))
				quota(g, "caps", c->caps, q.cap_quota, q.cap_used,
					c->requested_caps);
		}
		if (option(node, "requested"))
			sessions_report(c, g, true, option(node, "session_args"));
		if (option(node, "provided"))
			sessions_report(c, g, false, option(node, "session_args"));
		gn_xml_gen_node_close(g);
	}
	for (unsigned i = 0; i < MAX_EXITED; i++) {
		if (!exited[i].name[0])
			continue;
		gn_xml_gen_node_open(g, "child");
		gn_xml_gen_attr(g, "name", exited[i].name);
		gn_xml_gen_attr(g, "state", exited[i].ended ? "ended" : "exited");
		if (!exited[i].ended) {
			char value[16];
			gn_ignore(gn_fmt(value, sizeof(value), NULL, "%d", exited[i].value));
			gn_xml_gen_attr(g, "exited", value);
		}
		gn_xml_gen_node_close(g);
	}
	gn_xml_gen_node_close(g);
}

static void write_report(void *ctx, uint64_t count);

/* Arms the delay timer to fire in us; false when there is no Timer session to be had. */
static bool delay_write(uint64_t us)
{
	gn_rpc_void_t none = {0};
	gn_cap_t sig = GN_CAP_INVALID;

	if (delay_state == DELAY_ARMED || delay_state == DELAY_OPENING)
		return true; /* opening: signals are dispatched while it waits; it arms the timer */
	if (delay_state == DELAY_CLOSED) {
		delay_state = DELAY_OPENING;
		gn_err_t err = gn_timer_open(sandbox_env, "report", &delay_timer);
		if (err == GN_OK)
			err = gn_pd_session_alloc_signal(sandbox_env->pd, &none, &none, NULL, &sig);
		if (err == GN_OK)
			err = gn_ep_sigh(sandbox_env->ep, sig, write_report, &delay_timer);
		if (err == GN_OK)
			err = gn_timer_session_sigh(
				delay_timer.session.cap, &none, &none, &sig, NULL);
		if (err != GN_OK) {
			gn_warning("no Timer session for the state report's delay_ms: %s",
				gn_err_name(err));
			delay_state = DELAY_UNAVAILABLE;
			return false;
		}
		delay_state = DELAY_IDLE;
	}
	if (delay_state != DELAY_IDLE ||
		gn_timer_session_trigger_once(delay_timer.session.cap, &(gn_timer_us_args_t){us},
			&none, NULL, NULL) != GN_OK)
		return false;
	delay_state = DELAY_ARMED;
	return true;
}

/* Whether the report must wait for its delay_ms to pass (a write is then scheduled). */
static bool delayed(gn_xml_node_t const *node, bool timeout)
{
	uint64_t delay_ms = 0;
	uint64_t const now = gn_time_now_us();

	if (timeout && delay_state == DELAY_ARMED)
		delay_state = DELAY_IDLE;
	if (gn_xml_attr_u64(node, "delay_ms", 0, &delay_ms) != GN_OK || !delay_ms ||
		delay_state == DELAY_UNAVAILABLE)
		return false;
	uint64_t const delay_us = delay_ms * 1000;
	if (written_us && now - written_us < delay_us)
		return delay_write(delay_us - (now - written_us));
	return false;
}

static void write_report(void *ctx, uint64_t count)
{
	gn_xml_node_t node;
	gn_xml_gen_t g;
	gn_rpc_void_t none = {0};
	size_t len = 0;

	(void)count;
	if (!gn_xml_first_sub_type(&sandbox_config, "report", &node)) {
		close_report();
		return;
	}
	if (delayed(&node, ctx == &delay_timer)) /* the stale signal has no ctx */
		return;
	uint64_t buffer = DEFAULT_BUFFER;
	gn_ignore(gn_xml_attr_u64(&node, "buffer", DEFAULT_BUFFER, &buffer));
	if (!open_report(buffer))
		return;
	gn_xml_gen_init(&g, buf, buf_size);
	gn_sandbox_gen_state(&g, &node);
	if (gn_xml_gen_finish(&g, &len) != GN_OK) {
		gn_error("state report exceeds its buffer of %zu bytes", buf_size);
		return;
	}
	gn_report_submit_args_t const submit = {len};
	if (gn_report_session_submit(report, &submit, &none, NULL, NULL) != GN_OK)
		gn_error("state report refused by the Report server");
	written_us = gn_time_now_us();
}

gn_err_t state_report_init(void)
{
	gn_rpc_void_t none = {0};
	gn_err_t err = gn_pd_session_alloc_signal(sandbox_env->pd, &none, &none, NULL, &stale_sig);

	return err == GN_OK ? gn_ep_sigh(sandbox_env->ep, stale_sig, write_report, NULL) : err;
}

void state_report_stale(void)
{
	if (stale_sig)
		gn_ignore(gn_signal_submit(stale_sig, 1));
}

void state_report_exited(child_t const *c, int value, bool ended)
{
	for (unsigned i = 0; i < MAX_EXITED; i++)
		if (!exited[i].name[0]) {
			exited[i] = (exited_t){.value = value, .ended = ended};
			gn_memcpy(exited[i].name, c->name, sizeof(exited[i].name));
			break;
		}
	state_report_stale();
}

void state_report_forget(char const *name, bool all_but_listed)
{
	for (unsigned i = 0; i < MAX_EXITED; i++) {
		exited_t *e = &exited[i];
		if (!e->name[0])
			continue;
		bool listed = false;
		gn_xml_node_t start;
		for (bool more = gn_xml_first_sub_type(&sandbox_config, "start", &start);
			more && !listed; more = gn_xml_next_type(&start, "start", &start))
			listed = gn_xml_attr_eq(&start, "name", e->name);
		if ((name && gn_strcmp(name, e->name) == 0) || (all_but_listed && !listed))
			e->name[0] = 0;
	}
	state_report_stale();
}
