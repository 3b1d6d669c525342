/*
 * The manager's plan: the managed init's base config and the <grow> rules, with the quota each
 * ruled child has in the config the manager generates (plan.c reads them, decides on requests and
 * generates the config; main.c does the sessions).
 */
#ifndef MANAGER_H
#define MANAGER_H

#include <gneiss/env.h>
#include <gneiss/xml.h>

enum {
	MAX_RULES = 16,
	NAME_MAX = 64, /* as init's child names */
};

/* What became of a child's request in the last state report (logged after it was committed). */
typedef enum {
	VERDICT_NONE,
	VERDICT_RAISED,
	VERDICT_REFUSED /* beyond max: the request waits */
} verdict_t;

/* One resource (RAM or caps) of a ruled child. */
typedef struct {
	bool grows;        /* the rule has a max for it */
	uint64_t step;     /* a raise is rounded up to a multiple of it */
	uint64_t max;      /* never raised beyond */
	uint64_t base;     /* its value in the base config */
	uint64_t value;    /* its value in the generated config */
	uint64_t refused;  /* the request last logged as beyond max (0: none) */
	verdict_t verdict; /* of the state report just read */
	uint64_t requested;
} quota_t;

typedef struct {
	char child[NAME_MAX];
	quota_t ram, caps;
} rule_t;

typedef struct {
	gn_xml_node_t managed; /* the base <config>, in the manager's config buffer in force */
	unsigned num_rules;
	rule_t rules[MAX_RULES];
} plan_t;

/*
 * Reads the manager's config into *plan: its <managed><config> (checked as init checks a config)
 * and its <grow> rules, each value the base. Every problem is logged as an error with its line
 * and column; false when there was any (*plan is then unusable).
 */
bool plan_read(gn_xml_node_t const *config, plan_t *plan);

/* Gives the rules of next that old had too the values old raised them to, within next's max. */
void plan_carry(plan_t *next, plan_t const *old);

/*
 * Decides on the requests of init's state report: raises the value of each ruled child that asks
 * for more, when it fits the rule's max, and sets each quota's verdict. Errors are logged; false
 * when the report is malformed (*plan is then half-changed: decide on a copy). *changed tells
 * whether a value changed.
 */
bool plan_decide(plan_t *plan, gn_xml_node_t const *state, bool *changed);

/* Logs the verdicts of the last plan_decide. */
void plan_log(plan_t const *plan);

/* A RAM quota as Genode writes it ("3M", "512K", or bytes) or caps (a number) into buf. */
void quota_str(char *buf, size_t size, uint64_t v, bool ram);

/*
 * Writes the config for the managed init into buf: the base config with the ram and caps of each
 * ruled start node replaced by its value, every other node copied verbatim. *len is its length.
 * Errors: GN_ERR_TRUNCATED when it does not fit, GN_ERR_LIMIT for an attribute too long to copy.
 */
gn_err_t plan_generate(plan_t const *plan, char *buf, size_t size, size_t *len) GN_MUST_CHECK;

#endif
