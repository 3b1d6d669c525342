/*
 * The trace monitor's parts: its config (config.c), the policies it writes (policy.c), the
 * subjects it traces and what it reports of them (subjects.c).
 */
#ifndef TRACE_MONITOR_H
#define TRACE_MONITOR_H

#include <gneiss/env.h>
#include <gneiss/trace_format.h>
#include <gneiss/trace_buffer.h>
#include <gneiss/trace_session.h>
#include <gneiss/xml.h>

enum {
	MAX_POLICIES = 8,
	MAX_RULES = 16,
	NAME_MAX = 32,
	MAX_SUBJECTS = 64,
};

/* A <policy name=.. events=".." layout=".." payload_max=".." rpc_opcodes=".."/> of the config. */
typedef struct {
	char name[NAME_MAX];
	gn_trace_policy_t policy; /* what it means */
	uint32_t id;              /* at the TRACE session, 0: not allocated */
	gn_trace_policy_t volatile *shared;
} policy_t;

/* A <trace label.. thread=".." policy=".." buffer=".."/> of the config: what to trace. */
typedef struct {
	char label[GN_TRACE_LABEL_MAX]; /* label / label_prefix / label_suffix as in a <policy> */
	char label_prefix[GN_TRACE_LABEL_MAX];
	char label_suffix[GN_TRACE_LABEL_MAX];
	bool has_label, has_prefix, has_suffix;
	char thread[GN_THREAD_NAME_MAX]; /* empty: every thread */
	unsigned policy;                 /* index into the policies */
	uint64_t buffer;                 /* bytes */
	bool paused;                     /* traced, but recording nothing for now */
} rule_t;

typedef struct {
	uint64_t period_ms;
	uint64_t parent_levels;
	uint64_t session_ram;
	uint64_t rounds; /* 0: forever */
	bool dump;       /* records to the log for the host tool (tool/trace) */
	bool list;       /* every subject seen, once */
	policy_t policies[MAX_POLICIES];
	unsigned num_policies;
	rule_t rules[MAX_RULES];
	unsigned num_rules;
} config_t;

/* Reads node into cfg; false (with an error logged, cfg undefined) when it is invalid. */
bool config_read(gn_xml_node_t const *node, config_t *cfg);

/* The rule that wants the subject (label, thread), or NULL. */
rule_t const *config_rule_for(config_t const *cfg, char const *label, char const *thread);

extern gn_env_t *monitor_env;
extern gn_trace_session_cap_t monitor_trace;

/* Brings the TRACE session's policies in line with cfg (allocating, rewriting in place). */
gn_err_t policies_apply(config_t *cfg) GN_MUST_CHECK;

/* One round: new subjects are traced (or stopped) as cfg says; buffers are read and reported. */
void subjects_round(config_t const *cfg, uint64_t round);

#endif
