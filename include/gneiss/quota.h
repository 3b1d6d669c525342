/*
 * Quota guard: an exact limit on a resource and the part of it in use.
 *
 * A quota never lets `used` exceed `limit`, and no operation wraps around: every failing call
 * leaves both numbers as they were. The guard counts; it does not own anything. The heap charges
 * the bytes it takes from its memory source here, core charges a PD's dataspaces, a server a
 * session's state. The errors speak of RAM because that is what most quotas guard; a capability
 * quota's user translates GN_ERR_OUT_OF_RAM into GN_ERR_OUT_OF_CAPS.
 *
 * A quota is not thread-safe: whoever shares one between threads serialises the calls.
 */
#ifndef GNEISS_QUOTA_H
#define GNEISS_QUOTA_H

#include <gneiss/error.h>
#include <gneiss/types.h>

typedef struct {
	uint64_t limit;
	uint64_t used;
} gn_quota_t;

/* Sets the limit to `limit` with nothing used. */
void gn_quota_init(gn_quota_t *quota, uint64_t limit);

/* Marks `amount` more as used. GN_ERR_OUT_OF_RAM when that would exceed the limit. */
gn_err_t gn_quota_withdraw(gn_quota_t *quota, uint64_t amount) GN_MUST_CHECK;

/*
 * Gives back `amount` previously withdrawn. GN_ERR_INVALID_ARG when `amount` is more than is used:
 * that is a bug of the caller, and the quota stays as it was.
 */
gn_err_t gn_quota_replenish(gn_quota_t *quota, uint64_t amount) GN_MUST_CHECK;

/* Raises the limit by `amount`. GN_ERR_INVALID_ARG when the limit would not fit 64 bits. */
gn_err_t gn_quota_upgrade(gn_quota_t *quota, uint64_t amount) GN_MUST_CHECK;

/*
 * Lowers the limit to `new_limit`. GN_ERR_INVALID_ARG when `new_limit` is above the current limit,
 * GN_ERR_OUT_OF_RAM when more than `new_limit` is in use (the owner must first free or yield).
 */
gn_err_t gn_quota_try_lower_limit(gn_quota_t *quota, uint64_t new_limit) GN_MUST_CHECK;

/*
 * Moves `amount` of limit from `from` to `to`, both or neither. GN_ERR_OUT_OF_RAM when `from` has
 * less than `amount` available, GN_ERR_INVALID_ARG when `to`'s limit would not fit 64 bits or
 * `from` and `to` are the same quota.
 */
gn_err_t gn_quota_transfer(gn_quota_t *from, gn_quota_t *to, uint64_t amount) GN_MUST_CHECK;

/* What can still be withdrawn: limit - used (0 if a caller broke the invariant by hand). */
uint64_t gn_quota_avail(gn_quota_t const *quota);

#endif
