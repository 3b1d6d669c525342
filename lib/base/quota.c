/*
 * Quota guard.
 *
 * Invariant: used <= limit. Each function checks with subtractions that cannot wrap (the
 * invariant guarantees limit - used is defined) before it changes a field, so an error leaves the
 * quota untouched. gn_quota_avail alone tolerates a quota whose fields a caller set by hand.
 */
#include <gneiss/quota.h>

void gn_quota_init(gn_quota_t *quota, uint64_t limit)
{
	quota->limit = limit;
	quota->used = 0;
}

uint64_t gn_quota_avail(gn_quota_t const *quota)
{
	return quota->limit > quota->used ? quota->limit - quota->used : 0;
}

gn_err_t gn_quota_withdraw(gn_quota_t *quota, uint64_t amount)
{
	if (amount > gn_quota_avail(quota))
		return GN_ERR_OUT_OF_RAM;
	quota->used += amount;
	return GN_OK;
}

gn_err_t gn_quota_replenish(gn_quota_t *quota, uint64_t amount)
{
	if (amount > quota->used)
		return GN_ERR_INVALID_ARG;
	quota->used -= amount;
	return GN_OK;
}

gn_err_t gn_quota_upgrade(gn_quota_t *quota, uint64_t amount)
{
	if (amount > UINT64_MAX - quota->limit)
		return GN_ERR_INVALID_ARG;
	quota->limit += amount;
	return GN_OK;
}

gn_err_t gn_quota_try_lower_limit(gn_quota_t *quota, uint64_t new_limit)
{
	if (new_limit > quota->limit)
		return GN_ERR_INVALID_ARG;
	if (quota->used > new_limit)
		return GN_ERR_OUT_OF_RAM;
	quota->limit = new_limit;
	return GN_OK;
}

gn_err_t gn_quota_transfer(gn_quota_t *from, gn_quota_t *to, uint64_t amount)
{
	if (from == to)
		return GN_ERR_INVALID_ARG;
	if (amount > gn_quota_avail(from))
		return GN_ERR_OUT_OF_RAM;
	if (amount > UINT64_MAX - to->limit)
		return GN_ERR_INVALID_ARG;
	from->limit -= amount;
	to->limit += amount;
	return GN_OK;
}
