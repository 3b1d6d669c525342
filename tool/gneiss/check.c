/*
 * `gneiss check`: validates init configs offline with the checker init itself uses
 * (include/gneiss/init_config.h), so a config that passes here is one init accepts.
 *
 * Each file is read whole and checked on its own. Every problem is printed on stdout as
 * `file:line:col: message`; a valid file prints nothing. When some file had problems, a summary
 * line follows on stderr. Exit status: 0 when every file is valid, 1 when some file has problems,
 * 2 for a malformed command line or a file that cannot be read (the other files are still checked).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gneiss/init_config.h>
#include <gneiss/xml.h>

/* Called by main.c, which declares it too: the tool has no header for one function. */
int gn_check_main(int argc, char **argv);

enum {
	CHECK_OK = 0,
	CHECK_PROBLEMS = 1,
	CHECK_USAGE = 2,
};

static int short_usage(void)
{
	fprintf(stderr, "usage: gneiss check [OPTIONS] CONFIG... (--help explains)\n");
	return CHECK_USAGE;
}

static int help(void)
{
	static char const text[] =
		"usage: gneiss check [OPTIONS] CONFIG...\n"
		"Checks init configs: a <config>, or a Genode package <runtime> whose binary is\n"
		"init; '-' reads stdin. Prints every problem as FILE:LINE:COL: MESSAGE on stdout\n"
		"and nothing for a valid file; a summary line on stderr when there were problems.\n"
		"Exit status: 0 all valid, 1 problems found, 2 bad usage or unreadable file.\n"
		"  --ram SIZE          RAM init may give its children (64M); default: unchecked\n"
		"  --caps N            caps init may give its children; default: unchecked\n"
		"  --reserve-ram SIZE  RAM init keeps for itself; default: the config's\n"
		"                      <resource name=\"RAM\" preserve=...>, else 320K\n"
		"  --reserve-caps N    caps init keeps for itself; default: the config's\n"
		"                      <resource name=\"CAP\" preserve=...>, else 20\n"
		"  --runtime-quota     take a <runtime>'s ram and caps as what is available\n";

	fputs(text, stdout);
	return CHECK_OK;
}

/* A number as configs write them (decimal or 0x hex, suffix K, M or G). */
static bool parse_size(char const *s, uint64_t *v)
{
	gn_xml_attr_t a = {"value", 5, s, strlen(s)};

	return gn_xml_value_u64(&a, v) == GN_OK;
}

static void print_problem(void *ctx, unsigned line, unsigned column, char const *message)
{
	printf("%s:%u:%u: %s\n", (char const *)ctx, line, column, message);
}

/* Reads the whole file (stdin for "-") into a malloc'd buffer; NULL with errno set on failure. */
static char *read_all(char const *path, size_t *len)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	size_t cap = 0, n = 0, got;
	char *buf = NULL;
	int err = 0;

	if (!f)
		return NULL;
	do {
		if (n == cap) {
			char *more = realloc(buf, cap = cap ? 2 * cap : 4096);

			if (!more) {
				err = ENOMEM;
				break;
			}
			buf = more;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got > 0);
	if (!err && ferror(f))
		err = errno ? errno : EIO;
	if (f != stdin)
		fclose(f);
	if (err) {
		free(buf);
		errno = err;
		return NULL;
	}
	*len = n;
	return buf;
}

/* Parses the options into opts; returns the index of the first file, or -1 when malformed. */
static int parse_options(int argc, char **argv, gn_init_config_opts_t *opts)
{
	int i = 1;

	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		char const *opt = argv[i];
		uint64_t *target = strcmp(opt, "--ram") == 0            ? &opts->avail_ram
				   : strcmp(opt, "--caps") == 0         ? &opts->avail_caps
				   : strcmp(opt, "--reserve-ram") == 0  ? &opts->reserve_ram
				   : strcmp(opt, "--reserve-caps") == 0 ? &opts->reserve_caps
									: NULL;

		if (strcmp(opt, "--") == 0)
			return i + 1;
		if (strcmp(opt, "--runtime-quota") == 0) {
			opts->runtime_quota = true;
			continue;
		}
		if (!target) {
			fprintf(stderr, "gneiss check: unknown option '%s'\n", opt);
			return -1;
		}
		if (i + 1 >= argc || !parse_size(argv[i + 1], target)) {
			fprintf(stderr, "gneiss check: %s needs a number (like 64M)\n", opt);
			return -1;
		}
		i++;
	}
	return i;
}

int gn_check_main(int argc, char **argv)
{
	gn_init_config_opts_t opts;
	unsigned bad_files = 0, problems = 0;
	bool unreadable = false;
	int first;

	if (argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0))
		return help();
	gn_init_config_opts_default(&opts);
	first = parse_options(argc, argv, &opts);
	if (first < 0)
		return short_usage();
	if (first >= argc) {
		fprintf(stderr, "gneiss check: no config given\n");
		return short_usage();
	}
	for (int i = first; i < argc; i++) {
		char const *name = strcmp(argv[i], "-") == 0 ? "<stdin>" : argv[i];
		size_t len = 0;
		char *buf = read_all(argv[i], &len);
		unsigned n;

		if (!buf) {
			fprintf(stderr, "gneiss check: cannot read %s: %s\n", argv[i],
				strerror(errno));
			unreadable = true;
			continue;
		}
		n = gn_init_config_check_opts(buf, len, &opts, print_problem, (void *)name);
		free(buf);
		problems += n;
		bad_files += n > 0;
	}
	fflush(stdout);
	if (problems)
		fprintf(stderr, "gneiss check: %u problem%s in %u of %d file%s\n", problems,
			problems == 1 ? "" : "s", bad_files, argc - first,
			argc - first == 1 ? "" : "s");
	return unreadable ? CHECK_USAGE : problems ? CHECK_PROBLEMS : CHECK_OK;
}
