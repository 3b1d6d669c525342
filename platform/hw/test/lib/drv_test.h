/*
 * The slots and protocols of the user-level drivers of hw_timer_driver, hw_ps2 and hw_devices:
 * hw-drv-root creates the I/O port and IRQ capabilities and gives them to the drivers it starts
 * (lib/spawn.c) in these slots; hw-timer-client calls hw-pit-driver's timer service.
 */
#ifndef GNEISS_HW_TEST_DRV_TEST_H
#define GNEISS_HW_TEST_DRV_TEST_H

enum {
	DRV_SLOT_EP = 2,     /* the service endpoint (the driver: CALL, RECV; a client: CALL) */
	DRV_SLOT_PORTS = 3,  /* the first port range */
	DRV_SLOT_PORTS2 = 4, /* the second port range */
	DRV_SLOT_IRQ = 5,    /* the IRQ line (RECV: bind and ack) */
	DRV_SLOT_MMIO = 6,   /* device memory: the HPET's page (hw-dev-attack: READ only) */

	HPET_VENDOR = 0x8086, /* bits 31..16 of the HPET's capabilities register (offset 0) */

	PIT_HZ = 100, /* hw-pit-driver's tick rate: 10 ms per tick */

	/* the timer service: msg[0] the operation, the reply's msg[0] the tick count or an error */
	TIMER_ELAPSED = 1, /* (): the ticks counted since the driver started */
	TIMER_SLEEP = 2,   /* (ms): replies after at least ms of ticks (deferred), with the ticks */
	TIMER_BUSY = ~0UL, /* the reply to a second sleep while one is pending */

	ATTACK_DROP =
		1, /* hw-dev-attack asks hw-drv-root to destroy the ports of DRV_SLOT_PORTS2 */
};

#define HPET_PHYS 0xfed00000UL /* QEMU's pc machine: the HPET's page of registers */

#endif
