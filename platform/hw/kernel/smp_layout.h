/* Where the application processors' trampoline (ap_boot.S) runs; shared with smp.c. */
#ifndef GNEISS_HW_SMP_LAYOUT_H
#define GNEISS_HW_SMP_LAYOUT_H

/* A page below 1 MiB (the SIPI's vector is its page number); never handed out by frame.c. */
#define HW_AP_TRAMPOLINE 0x7000

#endif
