/*
 * Logging through the component's LOG session. Lines longer than a LOG message are cut, never
 * overflowed. gn_warning/gn_error prefix "Warning: "/"Error: " as Genode's log does.
 */
#ifndef GNEISS_LOG_H
#define GNEISS_LOG_H

#include <gneiss/cap.h>

void gn_log_init(gn_cap_t log_session);

void gn_log(char const *fmt, ...) GN_PRINTF(1, 2);
void gn_warning(char const *fmt, ...) GN_PRINTF(1, 2);
void gn_error(char const *fmt, ...) GN_PRINTF(1, 2);

#endif
