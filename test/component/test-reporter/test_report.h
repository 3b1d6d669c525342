/*
 * What test-reporter writes and test-report-reader checks (the report_rom scenario). Report k
 * (1 .. TEST_REPORT_LAST) is exactly TEST_REPORT_BYTES(k) bytes:
 *   <state counter="k" bytes="N">xxxx...x</state>
 * with every byte of the text TEST_REPORT_FILL(k), so a torn report cannot pass for a whole one.
 * The first TEST_REPORT_LOCKSTEP reports wait for the reader's acknowledgement ("ack" report
 * <ack seen="k"/>), the rest follow at once.
 */
#ifndef TEST_REPORT_H
#define TEST_REPORT_H

#include <gneiss/types.h>

enum {
	TEST_REPORT_LAST = 10,
	TEST_REPORT_LOCKSTEP = 5,
	TEST_REPORT_BUFFER = 16384,
	TEST_REPORT_STEP = 1500,
	TEST_REPORT_ACK_BUFFER = 256,
};

#define TEST_REPORT_BYTES(k) ((uint64_t)(k)*TEST_REPORT_STEP)
#define TEST_REPORT_FILL(k) ((char)('a' + (k) % 26))

#endif
