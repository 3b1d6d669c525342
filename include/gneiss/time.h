/* The monotonic clock. Timeouts come from the timer service; this is only for reading the time. */
#ifndef GNEISS_TIME_H
#define GNEISS_TIME_H

#include <gneiss/types.h>

/* Microseconds since an arbitrary, fixed point; never goes backwards. */
uint64_t gn_time_now_us(void);

/* Nanoseconds, same clock. */
uint64_t gn_time_now_ns(void);

#endif
