/*
 * Scenario files: what a run boots and which log lines decide its verdict.
 *
 * The format is documented in test/README.md. Loading is strict: an unknown keyword, a
 * repeated `timeout` or `exit`, an empty or malformed pattern all fail, because a typo that silently
 * dropped a line would weaken the test without anyone noticing.
 */
#ifndef GNEISS_TOOL_SCENARIO_H
#define GNEISS_TOOL_SCENARIO_H

#include <regex.h>

#include <gneiss/error.h>
#include <gneiss/types.h>

enum {
	GN_SCENARIO_ALSO_MAX = 64,   /* `also` patterns per scenario */
	GN_SCENARIO_LINE_MAX = 4096, /* longest line of a scenario file, without the newline */
	GN_SCENARIO_MSG_MAX = 512,   /* room for an error message */
	GN_SCENARIO_KEYS_MAX = 8,    /* `keys` lines per scenario */
	GN_SCENARIO_CHORDS_MAX = 64, /* keys (chords) per `keys` line */
	GN_SCENARIO_CHORD_KEYS = 4,  /* keys held together in one chord (`shift-h`) */
	GN_SCENARIO_KEY_NAME = 32,   /* longest QEMU key name (qcode), with its NUL */
};

/* One `expect` or `reject` line: the compiled regex and where it was written. */
typedef struct {
	char *text; /* the pattern as written */
	regex_t re;
	unsigned line;    /* line number in the scenario file */
	char const *kind; /* its keyword: "expect", "also" or "reject" */
} gn_pattern_t;

/*
 * One `keys` line: once a log line matches `after`, the run tool types the chords in order through
 * QEMU's monitor (qmp.c); a chord is up to GN_SCENARIO_CHORD_KEYS QEMU key names (qcodes)
 * pressed together.
 */
typedef struct {
	gn_pattern_t after;
	char (*chords)[GN_SCENARIO_CHORD_KEYS][GN_SCENARIO_KEY_NAME]; /* "" ends a short chord */
	size_t chord_count;
} gn_keys_t;

/* One name of a `binaries` line. */
typedef struct {
	char *name;
	unsigned line;
} gn_binary_t;

typedef struct {
	gn_pattern_t *expects;
	size_t expect_count;
	gn_pattern_t *alsos; /* `also`: expected too, but in any order */
	size_t also_count;
	gn_pattern_t *rejects;
	size_t reject_count;
	gn_binary_t *binaries;
	size_t binary_count;
	double timeout_s;
	unsigned timeout_line; /* 0: the platform's default */
	bool has_exit;
	int exit_code;
	unsigned exit_line;
	bool boot_iso;      /* `boot iso`: the hw platform boots a GRUB ISO instead of -kernel */
	unsigned boot_line; /* 0: no `boot` line */
	gn_keys_t *keys;    /* `keys` lines (hw only) */
	unsigned cpus;      /* `cpus N`: the hw platform's machine has N CPUs (0: no line, one) */
	unsigned cpus_line;
	size_t keys_count;
} gn_scenario_t;

/*
 * Reads the scenario file at path into sc, with default_timeout_s unless the file sets one.
 * On failure, sc holds nothing to free and why says which line is wrong and how. Errors:
 * GN_ERR_NOT_FOUND (no readable file), GN_ERR_INVALID_ARG (a malformed line or a scenario that
 * could never fail), GN_ERR_OUT_OF_RAM. On success the caller owns sc (gn_scenario_free).
 */
gn_err_t gn_scenario_load(char const *path, double default_timeout_s, gn_scenario_t *sc, char *why,
	size_t why_size) GN_MUST_CHECK;

/* Releases everything gn_scenario_load allocated; sc is empty afterwards. */
void gn_scenario_free(gn_scenario_t *sc);

#endif
