/*
 * The kernel's log: formatted lines on the serial console, each prefixed "[kernel] ".
 *
 * Formatting is lib/base's gn_fmt (the same code components use), into a bounded buffer: a line
 * that does not fit ends in "..." rather than overflowing. Text from the boot loader is untrusted
 * and goes through hw_log_escaped, which prints bytes outside printable ASCII as \xHH.
 */
#ifndef GNEISS_HW_LOG_H
#define GNEISS_HW_LOG_H

#include <gneiss/types.h>

enum {
	HW_LOG_LINE_MAX = 256,
	HW_LOG_USER_MAX = 256,
};

/* Prints "[kernel] " and the formatted text, then a newline. */
void hw_log(char const *fmt, ...) GN_PRINTF(1, 2);

/*
 * Copies at most n bytes of s (stopping at a NUL) into out as printable ASCII, each other byte as
 * \xHH, and NUL-terminates; stops early rather than overflow out (out_size >= 1).
 */
void hw_log_escape(char const *s, size_t n, char *out, size_t out_size);

/*
 * Prints user text as lines "[label] line": text (len bytes, untrusted) is split at each "\n" (a
 * final one ends the last line instead of starting an empty one) and escaped like hw_log_escape.
 * Nothing is printed for len 0. len is at most HW_LOG_USER_MAX. label NULL prints the text as it
 * is (the root's raw lines: core labels, ends and escapes them itself; it may write a line in
 * pieces), with control characters other than "\n" escaped all the same.
 */
void hw_log_user(char const *label, char const *text, size_t len);

/* Logs "panic: <text>", then exits with HW_EXIT_PANIC. */
GN_NORETURN void hw_panic(char const *fmt, ...) GN_PRINTF(1, 2);

#endif
