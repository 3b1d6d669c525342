/*
 * Scenario loader.
 *
 * A scenario file is read once, line by line, into an owned gn_scenario_t; nothing else in the run
 * tool looks at its text. Every keyword has one parser in the table below, and anything the table
 * does not know is an error. A line is either blank, a comment (first non-blank character `#`) or
 * `keyword arguments`; patterns take the rest of the line verbatim except for trailing blanks, so
 * `#` inside a pattern is literal. On any error the partially built scenario is freed, so callers
 * own something only after success.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario.h"

typedef gn_err_t (*keyword_fn)(
	gn_scenario_t *sc, char *args, unsigned line, char *why, size_t why_size);

static gn_err_t grow(void **array, size_t count, size_t elem_size)
{
	void *bigger = realloc(*array, (count + 1) * elem_size);

	if (!bigger)
		return GN_ERR_OUT_OF_RAM;
	*array = bigger;
	return GN_OK;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Binary names end up as file names in the boot directory: no paths, no hidden files. */
static bool valid_binary_name(char const *name)
{
	size_t len = strlen(name);

	if (len == 0 || len > 255 || name[0] == '.' || strcmp(name, "config") == 0)
		return false;
	return strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._+-") ==
	       len;
}

static gn_err_t add_binary(
	gn_scenario_t *sc, char const *name, unsigned line, char *why, size_t why_size)
{
	if (!valid_binary_name(name)) {
		snprintf(why, why_size, "'%s' is not a valid binary name", name);
		return GN_ERR_INVALID_ARG;
	}
	for (size_t i = 0; i < sc->binary_count; i++) {
		if (strcmp(sc->binaries[i].name, name) == 0) {
			snprintf(why, why_size, "binary '%s' already listed on line %u", name,
				sc->binaries[i].line);
			return GN_ERR_INVALID_ARG;
		}
	}
	char *copy = strdup(name);
	if (!copy ||
		grow((void **)&sc->binaries, sc->binary_count, sizeof(*sc->binaries)) != GN_OK) {
		free(copy);
		return GN_ERR_OUT_OF_RAM;
	}
	sc->binaries[sc->binary_count++] = (gn_binary_t){.name = copy, .line = line};
	return GN_OK;
}

static gn_err_t kw_binaries(
	gn_scenario_t *sc, char *args, unsigned line, char *why, size_t why_size)
{
	char *save = NULL;
	bool any = false;

	for (char *name = strtok_r(args, " \t", &save); name; name = strtok_r(NULL, " \t", &save)) {
		gn_err_t err = add_binary(sc, name, line, why, why_size);
		if (err != GN_OK)
			return err;
		any = true;
	}
	if (!any) {
		snprintf(why, why_size, "'binaries' needs at least one name");
		return GN_ERR_INVALID_ARG;
	}
	return GN_OK;
}

/* Seconds as digits with an optional fraction: "10", "1.5". No signs, exponents or hex. */
static gn_err_t kw_timeout(gn_scenario_t *sc, char *args, unsigned line, char *why, size_t why_size)
{
	size_t whole = strspn(args, "0123456789");
	size_t frac = args[whole] == '.' ? strspn(args + whole + 1, "0123456789") : 0;
	size_t len = whole + (args[whole] == '.' ? 1 + frac : 0);
	double value = whole > 0 && whole < 6 && frac < 7 ? strtod(args, NULL) : 0;

	if (sc->timeout_line) {
		snprintf(why, why_size, "second 'timeout' (the first is on line %u)",
			sc->timeout_line);
		return GN_ERR_INVALID_ARG;
	}
	if (args[len] != '\0' || !(value > 0 && value <= 3600)) {
		snprintf(why, why_size, "timeout '%s' is not a number of seconds in (0, 3600]",
			args);
		return GN_ERR_INVALID_ARG;
	}
	sc->timeout_s = value;
	sc->timeout_line = line;
	return GN_OK;
}

static gn_err_t kw_exit(gn_scenario_t *sc, char *args, unsigned line, char *why, size_t why_size)
{
	size_t len = strspn(args, "0123456789");
	long code = len > 0 && len <= 3 ? strtol(args, NULL, 10) : -1;

	if (sc->has_exit) {
		snprintf(why, why_size, "second 'exit' (the first is on line %u)", sc->exit_line);
		return GN_ERR_INVALID_ARG;
	}
	if (args[len] != '\0' || code < 0 || code > 255) {
		snprintf(why, why_size, "exit code '%s' is not a number from 0 to 255", args);
		return GN_ERR_INVALID_ARG;
	}
	sc->has_exit = true;
	sc->exit_code = (int)code;
	sc->exit_line = line;
	return GN_OK;
}

static gn_err_t add_pattern(gn_pattern_t **list, size_t *count, char const *kind, char const *text,
	unsigned line, char *why, size_t why_size)
{
	gn_pattern_t p = {.line = line, .kind = kind};
	int rc;

	if (text[0] == '\0') {
		snprintf(why, why_size, "empty pattern (it would match every line)");
		return GN_ERR_INVALID_ARG;
	}
	rc = regcomp(&p.re, text, REG_EXTENDED | REG_NOSUB);
	if (rc != 0) {
		char msg[128];
		regerror(rc, &p.re, msg, sizeof(msg));
		snprintf(why, why_size, "bad regular expression '%s': %s", text, msg);
		return GN_ERR_INVALID_ARG;
	}
	p.text = strdup(text);
	if (!p.text || grow((void **)list, *count, sizeof(**list)) != GN_OK) {
		regfree(&p.re);
		free(p.text);
		return GN_ERR_OUT_OF_RAM;
	}
	(*list)[(*count)++] = p;
	return GN_OK;
}

static gn_err_t kw_expect(gn_scenario_t *sc, char *args, unsigned line, char *why, size_t why_size)
{
	return add_pattern(&sc->expects, &sc->expect_count, "expect", args, line, why, why_size);
}

static gn_err_t kw_also(gn_scenario_t *sc, char *args, unsigned line, char *why, size_t why_size)
{
	if (sc->also_count == GN_SCENARIO_ALSO_MAX) {
		snprintf(why, why_size, "more than %d 'also' lines", GN_SCENARIO_ALSO_MAX);
		return GN_ERR_INVALID_ARG;
	}
	return add_pattern(&sc->alsos, &sc->also_count, "also", args, line, why, why_size);
}

static gn_err_t kw_reject(gn_scenario_t *sc, char *args, unsigned line, char *why, size_t why_size)
{
	return add_pattern(&sc->rejects, &sc->reject_count, "reject", args, line, why, why_size);
}

/* `boot kernel` (the default) or `boot iso`: how the hw platform boots. */
static gn_err_t kw_boot(gn_scenario_t *sc, char *args, unsigned line, char *why, size_t why_size)
{
	if (sc->boot_line) {
		snprintf(why, why_size, "second 'boot' (the first is on line %u)", sc->boot_line);
		return GN_ERR_INVALID_ARG;
	}
	if (strcmp(args, "kernel") != 0 && strcmp(args, "iso") != 0) {
		snprintf(why, why_size, "boot '%s' is neither 'kernel' nor 'iso'", args);
		return GN_ERR_INVALID_ARG;
	}
	sc->boot_iso = strcmp(args, "iso") == 0;
	sc->boot_line = line;
	return GN_OK;
}

/* `cpus N` (1..8): the scenario needs N CPUs: QEMU's -smp N on hw; on linux the host must offer N. */
static gn_err_t kw_cpus(gn_scenario_t *sc, char *args, unsigned line, char *why, size_t why_size)
{
	char *end = NULL;
	unsigned long n = strtoul(args, &end, 10);

	if (sc->cpus_line) {
		snprintf(why, why_size, "second 'cpus' (the first is on line %u)", sc->cpus_line);
		return GN_ERR_INVALID_ARG;
	}
	if (end == args || *end != '\0' || n < 1 || n > 8) {
		snprintf(why, why_size, "cpus '%s' is not a number from 1 to 8", args);
		return GN_ERR_INVALID_ARG;
	}
	sc->cpus = (unsigned)n;
	sc->cpus_line = line;
	return GN_OK;
}

/* One chord "name[-name...]" of a `keys` line into out; false when it is malformed. */
static bool parse_chord(
	char *text, char out[GN_SCENARIO_CHORD_KEYS][GN_SCENARIO_KEY_NAME], char *why, size_t n)
{
	char *save = NULL;
	size_t count = 0;

	memset(out, 0, GN_SCENARIO_CHORD_KEYS * GN_SCENARIO_KEY_NAME);
	if (text[0] == '-' || text[strlen(text) - 1] == '-' || strstr(text, "--")) {
		snprintf(why, n, "key '%s': empty key name", text);
		return false;
	}
	for (char *k = strtok_r(text, "-", &save); k; k = strtok_r(NULL, "-", &save)) {
		size_t len = strlen(k);
		if (count == GN_SCENARIO_CHORD_KEYS || len >= GN_SCENARIO_KEY_NAME ||
			strspn(k, "abcdefghijklmnopqrstuvwxyz0123456789_") != len) {
			snprintf(why, n,
				"key '%s': at most %d QEMU key names (qcodes: [a-z0-9_], shorter "
				"than %d) joined by '-'",
				k, GN_SCENARIO_CHORD_KEYS, GN_SCENARIO_KEY_NAME);
			return false;
		}
		memcpy(out[count++], k, len + 1);
	}
	return true;
}

/* `keys KEY[,KEY...] REGEX`: type the keys once a log line matches REGEX (hw only). */
static gn_err_t kw_keys(gn_scenario_t *sc, char *args, unsigned line, char *why, size_t why_size)
{
	char *regex = args + strcspn(args, " \t"), *save = NULL;
	gn_keys_t k = {0};
	gn_pattern_t *after = NULL;
	size_t after_count = 0;
	gn_err_t err = GN_OK;

	if (sc->keys_count == GN_SCENARIO_KEYS_MAX) {
		snprintf(why, why_size, "more than %d 'keys' lines", GN_SCENARIO_KEYS_MAX);
		return GN_ERR_INVALID_ARG;
	}
	if (*regex != '\0')
		*regex++ = '\0';
	regex += strspn(regex, " \t");
	if (args[0] == '\0' || regex[0] == '\0') {
		snprintf(why, why_size, "'keys' needs KEY[,KEY...] and a REGEX to wait for");
		return GN_ERR_INVALID_ARG;
	}
	k.chords = calloc(GN_SCENARIO_CHORDS_MAX, sizeof(*k.chords));
	if (!k.chords)
		return GN_ERR_OUT_OF_RAM;
	for (char *c = strtok_r(args, ",", &save); err == GN_OK && c;
		c = strtok_r(NULL, ",", &save)) {
		if (k.chord_count == GN_SCENARIO_CHORDS_MAX) {
			snprintf(why, why_size, "more than %d keys on one line",
				GN_SCENARIO_CHORDS_MAX);
			err = GN_ERR_INVALID_ARG;
		} else if (!parse_chord(c, k.chords[k.chord_count++], why, why_size))
			err = GN_ERR_INVALID_ARG;
	}
	if (err == GN_OK)
		err = add_pattern(&after, &after_count, "keys", regex, line, why, why_size);
	if (err == GN_OK && grow((void **)&sc->keys, sc->keys_count, sizeof(*sc->keys)) != GN_OK) {
		regfree(&after->re);
		free(after->text);
		err = GN_ERR_OUT_OF_RAM;
	}
	if (err != GN_OK) {
		free(after);
		free(k.chords);
		return err;
	}
	k.after = *after;
	free(after);
	sc->keys[sc->keys_count++] = k;
	return GN_OK;
}

/* `platforms` and `not-on` belong to tool/test/applies; here they only need arguments. */
static gn_err_t kw_other_tool(
	gn_scenario_t *sc, char *args, unsigned line, char *why, size_t why_size)
{
	(void)sc;
	(void)line;
	if (args[0] == '\0') {
		snprintf(why, why_size, "keyword needs arguments");
		return GN_ERR_INVALID_ARG;
	}
	return GN_OK;
}

static struct {
	char const *name;
	keyword_fn parse;
} const keywords[] = {
	{"binaries", kw_binaries},
	{"timeout", kw_timeout},
	{"expect", kw_expect},
	{"also", kw_also},
	{"reject", kw_reject},
	{"exit", kw_exit},
	{"boot", kw_boot},
	{"keys", kw_keys},
	{"cpus", kw_cpus},
	{"platforms", kw_other_tool},
	{"not-on", kw_other_tool},
};

static gn_err_t parse_line(gn_scenario_t *sc, char *text, unsigned line, char *why, size_t why_size)
{
	size_t len = strlen(text);
	char *args;

	while (len > 0 &&
		(is_blank(text[len - 1]) || text[len - 1] == '\r' || text[len - 1] == '\n'))
		text[--len] = '\0';
	text += strspn(text, " \t");
	if (text[0] == '\0' || text[0] == '#')
		return GN_OK;
	args = text + strcspn(text, " \t");
	if (*args != '\0')
		*args++ = '\0';
	args += strspn(args, " \t");
	for (size_t i = 0; i < GN_ARRAY_SIZE(keywords); i++) {
		if (strcmp(text, keywords[i].name) == 0)
			return keywords[i].parse(sc, args, line, why, why_size);
	}
	snprintf(why, why_size, "unknown keyword '%s'", text);
	return GN_ERR_INVALID_ARG;
}

static gn_err_t parse_file(FILE *f, gn_scenario_t *sc, unsigned *line, char *why, size_t why_size)
{
	char *text = NULL;
	size_t cap = 0;
	ssize_t len;
	gn_err_t err = GN_OK;

	while (err == GN_OK && (len = getline(&text, &cap, f)) >= 0) {
		(*line)++;
		if ((size_t)len - (text[len - 1] == '\n') > GN_SCENARIO_LINE_MAX) {
			snprintf(why, why_size, "line longer than %d bytes", GN_SCENARIO_LINE_MAX);
			err = GN_ERR_INVALID_ARG;
		} else if (strlen(text) != (size_t)len) {
			snprintf(why, why_size, "line contains a NUL byte");
			err = GN_ERR_INVALID_ARG;
		} else {
			err = parse_line(sc, text, *line, why, why_size);
		}
	}
	if (err == GN_OK && ferror(f)) {
		snprintf(why, why_size, "read error: %s", strerror(errno));
		err = GN_ERR_IO;
	}
	free(text);
	return err;
}

gn_err_t gn_scenario_load(
	char const *path, double default_timeout_s, gn_scenario_t *sc, char *why, size_t why_size)
{
	char msg[GN_SCENARIO_MSG_MAX] = "out of memory";
	unsigned line = 0;
	gn_err_t err;
	FILE *f = fopen(path, "re");

	*sc = (gn_scenario_t){.timeout_s = default_timeout_s};
	if (!f) {
		snprintf(why, why_size, "cannot read %s: %s", path, strerror(errno));
		return GN_ERR_NOT_FOUND;
	}
	err = parse_file(f, sc, &line, msg, sizeof(msg));
	fclose(f);
	if (err == GN_OK && sc->expect_count == 0 && sc->also_count == 0 && !sc->has_exit) {
		snprintf(why, why_size,
			"%s: no 'expect' and no 'exit' line, so it could never fail", path);
		err = GN_ERR_INVALID_ARG;
	} else if (err != GN_OK) {
		snprintf(why, why_size, "%s line %u: %s", path, line, msg);
	}
	if (err != GN_OK)
		gn_scenario_free(sc);
	return err;
}

static void free_patterns(gn_pattern_t *list, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		regfree(&list[i].re);
		free(list[i].text);
	}
	free(list);
}

void gn_scenario_free(gn_scenario_t *sc)
{
	free_patterns(sc->expects, sc->expect_count);
	free_patterns(sc->alsos, sc->also_count);
	free_patterns(sc->rejects, sc->reject_count);
	for (size_t i = 0; i < sc->binary_count; i++)
		free(sc->binaries[i].name);
	free(sc->binaries);
	for (size_t i = 0; i < sc->keys_count; i++) {
		regfree(&sc->keys[i].after.re);
		free(sc->keys[i].after.text);
		free(sc->keys[i].chords);
	}
	free(sc->keys);
	*sc = (gn_scenario_t){0};
}
