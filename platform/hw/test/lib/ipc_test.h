/* The protocol of hw-ipc-server (ipc_server.c), used by hw-ipc-client and hw-ipc-client2. */
#ifndef GNEISS_HW_TEST_IPC_TEST_H
#define GNEISS_HW_TEST_IPC_TEST_H

enum {
	OP_ECHO = 1,         /* (words...): the words + 1 each; msg[0] of the reply is their sum */
	OP_GET_SIGNAL = 2,   /* (): replies with a capability to the server's signal context */
	OP_NOTIFY_ME = 3,    /* () + 1 signal context cap: the server submits to it twice */
	OP_SIGNAL_COUNT = 4, /* (): msg[0] the signals counted so far, msg[1] their deliveries */
	OP_DIE = 5,          /* (): the server exits without replying */
	SIGNAL_BADGE = 0x5167,
};

#endif
