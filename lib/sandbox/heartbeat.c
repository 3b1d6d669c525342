/*
 * Heartbeat monitoring, as Genode's init does it: with <heartbeat rate_ms=".."/> in its config,
 * init submits every child's heartbeat signal at that rate (from a Timer session at its own
 * parent) and counts the rounds a child did not answer. The count shows in the state report; a
 * start node's <heartbeat restart_after_skipped="N"/> restarts a child that skipped N in a row.
 */
#include <gneiss/log.h>
#include <gneiss/signal.h>
#include <gneiss/timer_session.h>

#include "sandbox.h"

static gn_timer_t timer;
static bool timer_open;
static gn_cap_t tick_sig;
static uint64_t rate_ms;

static void tick(void *ctx, uint64_t count)
{
	(void)ctx;
	(void)count;
	for (unsigned i = 0; i < MAX_CHILDREN; i++) {
		child_t *c = &sandbox_children[i];
		gn_xml_node_t node;
		uint64_t limit = 0;
		if (!c->used || !c->heartbeat_sig)
			continue;
		if (c->heartbeat_pending) {
			c->skipped_heartbeats++;
			state_report_stale();
		}
		if (gn_xml_first_sub_type(&c->start, "heartbeat", &node) &&
			gn_xml_attr_u64(&node, "restart_after_skipped", 0, &limit) == GN_OK &&
			limit && c->skipped_heartbeats >= limit) {
			child_restart(c, "skipped heartbeats", true);
			continue;
		}
		c->heartbeat_pending = true;
		gn_ignore(gn_signal_submit(c->heartbeat_sig, 1));
	}
}

void heartbeat_configure(void)
{
	gn_xml_node_t node;
	gn_rpc_void_t none = {0};
	uint64_t rate = 0;

	if (!gn_xml_first_sub_type(&sandbox_config, "heartbeat", &node) ||
		gn_xml_attr_u64(&node, "rate_ms", 1000, &rate) != GN_OK || rate == 0)
		rate = 0;
	if (rate == rate_ms)
		return;
	rate_ms = rate;
	if (!timer_open && rate_ms) {
		if (gn_timer_open(sandbox_env, "heartbeat", &timer) != GN_OK ||
			(!tick_sig && (gn_pd_session_alloc_signal(sandbox_env->pd, &none, &none,
					       NULL, &tick_sig) != GN_OK ||
					      gn_ep_sigh(sandbox_env->ep, tick_sig, tick, NULL) !=
						      GN_OK)) ||
			gn_timer_session_sigh(timer.session.cap, &none, &none, &tick_sig, NULL) !=
				GN_OK) {
			gn_error("no Timer session for heartbeats");
			rate_ms = 0;
			return;
		}
		timer_open = true;
	}
	if (timer_open)
		gn_ignore(gn_timer_session_trigger_periodic(timer.session.cap,
			&(gn_timer_us_args_t){rate_ms * 1000}, &none, NULL, NULL));
}
