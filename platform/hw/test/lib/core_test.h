/*
 * The protocol between hw-core-root and the instances of hw-core-child it starts (hw_core). Each
 * child calls its slot 2 (a badged copy of the root's endpoint) with CORE_HELLO and gets its mode
 * and, in mode CORE_MODE_FULL, three capabilities: an unbound signal context the root has
 * submitted twice already, a badged copy of the root's endpoint (an "object" of the root's) and a
 * read-only copy of a memory object whose first word is CORE_DS_WORD.
 */
#ifndef GNEISS_HW_TEST_CORE_TEST_H
#define GNEISS_HW_TEST_CORE_TEST_H

enum {
	CORE_HELLO = 1,    /* (): msg[0] the mode; caps as above */
	CORE_SUBMIT = 2,   /* (): the root submits the context once more before it replies */
	CORE_ECHO_CAP = 3, /* () + 1 cap: the root tells (msg[0]) cap_badge of it on its endpoint */

	CORE_MODE_FULL = 0,   /* the checks of a component, then exit 42 */
	CORE_MODE_EXIT = 1,   /* exit 7 at once (the root drops the reply capability unused) */
	CORE_MODE_TWO = 2,    /* exit 9 while a second thread exits 5 (the first exit wins) */
	CORE_MODE_ORPHAN = 3, /* exit 3; the root destroys the handler's endpoint meanwhile */

	CORE_SIGNAL_BADGE = 0xc0de,
	CORE_OBJECT_BADGE = 0x0b1ec7,
	CORE_DS_WORD = 0xda7a,
};

#endif
