/* The protocol of hw-caps-victim (caps_victim.c), which hw-caps-attack probes. */
#ifndef GNEISS_HW_TEST_CAPS_TEST_H
#define GNEISS_HW_TEST_CAPS_TEST_H

enum {
	VICTIM_PING = 1,      /* (): msg[0] the calls it took so far, this one included */
	VICTIM_ECHO_CAPS = 2, /* () + caps: replies with the capabilities it received */
	VICTIM_SLOW = 3,      /* (x): sleeps 5 ms, replies msg[0] = 2x */
	VICTIM_HOLD = 4,      /* () + 1 cap: keeps it */
	VICTIM_CHECK = 5,     /* (): msg[0] = cap_info of the capability it keeps */
};

#endif
