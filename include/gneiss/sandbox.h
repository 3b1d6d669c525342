/*
 * Child management as init does it (Genode's sandbox library): starts, routes, accounts, reports,
 * reconfigures and destroys the children that a config in Genode's init language lists, and
 * brokers their sessions along its routes with quota donated client -> parent -> server. init
 * (os/init) is this library plus the reading of its config ROM; doc/init-language.md says what of
 * the language is supported.
 *
 * A sandbox keeps no pointer into memory it does not own except the config: the caller keeps the
 * buffer of each config it applies unchanged until the next gn_sandbox_apply_config() returned.
 * There is one sandbox per component: its tables are static, and everything it does runs in the
 * entrypoint of the component's main thread (RPCs of its children, signals), never blocking on a
 * child.
 */
#ifndef GNEISS_SANDBOX_H
#define GNEISS_SANDBOX_H

#include <gneiss/env.h>
#include <gneiss/xml.h>
#include <gneiss/xml_gen.h>

/* Sets the sandbox up in env (its parent interface, its state report). */
gn_err_t gn_sandbox_init(gn_env_t *env) GN_MUST_CHECK;

/*
 * The checks of `gneiss check` against what the sandbox can give its children (its own free quota
 * plus what its children hold now). Each problem is logged as an error `config:LINE:COL: what`.
 */
bool gn_sandbox_config_valid(gn_xml_node_t const *config);

/*
 * Brings the children in line with config (Genode's rules): a child no longer listed stops, one
 * whose version changed or whose sessions would now be routed elsewhere restarts, a changed inline
 * <config> reaches the child as a ROM update, a changed quota is applied (raised at once, lowered
 * by taking back what the child does not use and asking it to yield the rest); new start nodes
 * start. Every other child keeps running, undisturbed. The first call starts the children.
 */
void gn_sandbox_apply_config(gn_xml_node_t const *config);

/*
 * Writes the <state> node of the state report as Genode's init does, with what the attributes of
 * report (a <report> node: init_ram, init_caps, child_ram, child_caps, requested, provided,
 * session_args) ask for.
 */
void gn_sandbox_gen_state(gn_xml_gen_t *g, gn_xml_node_t const *report);

#endif
