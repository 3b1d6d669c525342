/*
 * Log matching: the verdict logic of a run, without any I/O.
 *
 * Each log line is first checked against every `reject` pattern (any match ends the run), then
 * against the next awaited `expect` pattern only, then against the `also` patterns not yet seen. So
 * expects match in order, each on a line after the one the previous matched, alsos match in any
 * order, and one line satisfies at most one pattern.
 */
#ifndef GNEISS_TOOL_MATCH_H
#define GNEISS_TOOL_MATCH_H

#include <stdint.h>

#include "scenario.h"

typedef enum {
	GN_MATCH_AWAITING, /* some expect is still awaited */
	GN_MATCH_ALL_SEEN, /* every expect matched; stays so unless a reject follows */
	GN_MATCH_REJECTED, /* a reject pattern matched; final */
} gn_match_state_t;

typedef struct {
	gn_scenario_t const *sc; /* borrowed, must outlive the matcher */
	size_t next_expect;      /* index of the awaited expect */
	uint64_t alsos_seen;     /* bit i: also pattern i matched */
	size_t lines;            /* log lines seen so far */
	gn_pattern_t const *rejected_by;
	size_t rejected_at; /* log line number of the rejected line */
	gn_match_state_t state;
} gn_match_t;

/* Starts matching the log of a run of sc. */
void gn_match_init(gn_match_t *m, gn_scenario_t const *sc);

/* Feeds the next log line (NUL-terminated, as echoed) and returns the resulting state. */
gn_match_state_t gn_match_line(gn_match_t *m, char const *line);

/* The expect still awaited, else the first also not seen, or NULL when all are seen. */
gn_pattern_t const *gn_match_awaited(gn_match_t const *m);

#endif
