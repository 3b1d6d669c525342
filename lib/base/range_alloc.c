/*
 * Range allocator.
 *
 * One AVL tree, ordered by base, holds a node for every free range and every allocation.
 * Invariants:
 * - Nodes never overlap, have size > 0 and end at or below UINT64_MAX, so `base + size` never
 *   wraps, nor does `base + 1`.
 * - Free ranges are maximal: add and free merge a free range with free neighbours it touches.
 *   Hence a range that is entirely free lies inside one free node, which is the node with the
 *   greatest base at or below the range's base.
 * - `max_free` of a node is the largest size of a free node in its subtree, so the search for a
 *   fit skips subtrees that cannot hold the request.
 * - `avail` is the sum of the free nodes' sizes, `count` the number of allocations.
 *
 * Each operation validates, then takes from the meta source every node it will need (at most
 * two), then commits with steps that cannot fail. Changing a node's base in place is allowed only
 * when its order among the other nodes stays the same. The tree code is recursive; its depth is
 * bounded by the tree height (below 90 even for 2^64 nodes).
 */
#include <gneiss/range_alloc.h>

typedef struct gn_range_node node_t;

struct gn_range_node {
	node_t *left;
	node_t *right;
	uint64_t base;
	uint64_t size;
	uint64_t max_free;
	int height;
	bool used;
};

_Static_assert(sizeof(node_t) <= GN_RANGE_ALLOC_META_SIZE, "GN_RANGE_ALLOC_META_SIZE too small");

/* ---- AVL tree, augmented with max_free -------------------------------------------------------- */

static int height(node_t const *n)
{
	return n ? n->height : 0;
}

static uint64_t max_free(node_t const *n)
{
	return n ? n->max_free : 0;
}

static uint64_t max_u64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

static uint64_t node_end(node_t const *n)
{
	return n->base + n->size;
}

static void update(node_t *n)
{
	int const hl = height(n->left), hr = height(n->right);

	n->height = 1 + (hl > hr ? hl : hr);
	n->max_free =
		max_u64(n->used ? 0 : n->size, max_u64(max_free(n->left), max_free(n->right)));
}

static node_t *rotate_right(node_t *n)
{
	node_t *l = n->left;

	n->left = l->right;
	l->right = n;
	update(n);
	update(l);
	return l;
}

static node_t *rotate_left(node_t *n)
{
	node_t *r = n->right;

	n->right = r->left;
	r->left = n;
	update(n);
	update(r);
	return r;
}

static node_t *rebalance(node_t *n)
{
	int const balance = height(n->left) - height(n->right);

	update(n);
	if (balance > 1) {
		if (height(n->left->left) < height(n->left->right))
			n->left = rotate_left(n->left);
		return rotate_right(n);
	}
	if (balance < -1) {
		if (height(n->right->right) < height(n->right->left))
			n->right = rotate_right(n->right);
		return rotate_left(n);
	}
	return n;
}

static node_t *insert(node_t *root, node_t *n)
{
	if (!root) {
		n->left = NULL;
		n->right = NULL;
		update(n);
		return n;
	}
	if (n->base < root->base)
		root->left = insert(root->left, n);
	else
		root->right = insert(root->right, n);
	return rebalance(root);
}

static node_t *unlink_min(node_t *root, node_t **min)
{
	if (!root->left) {
		*min = root;
		return root->right;
	}
	root->left = unlink_min(root->left, min);
	return rebalance(root);
}

/* Takes the node with the given base (which must exist) out of the tree. */
static node_t *unlink_node(node_t *root, uint64_t base)
{
	if (base < root->base) {
		root->left = unlink_node(root->left, base);
		return rebalance(root);
	}
	if (base > root->base) {
		root->right = unlink_node(root->right, base);
		return rebalance(root);
	}
	if (!root->right)
		return root->left;

	node_t *min;
	node_t *right = unlink_min(root->right, &min);
	min->left = root->left;
	min->right = right;
	return rebalance(min);
}

/* Recomputes max_free on the path to the node with the given base after it changed in place. */
static void refresh(node_t *root, uint64_t base)
{
	if (!root)
		return;
	if (base < root->base)
		refresh(root->left, base);
	else if (base > root->base)
		refresh(root->right, base);
	update(root);
}

/* The node with the greatest base <= key, or NULL. */
static node_t *find_le(node_t *n, uint64_t key)
{
	node_t *best = NULL;

	while (n) {
		if (n->base <= key) {
			best = n;
			n = n->right;
		} else {
			n = n->left;
		}
	}
	return best;
}

/* The node with the smallest base >= key, or NULL. */
static node_t *find_ge(node_t *n, uint64_t key)
{
	node_t *best = NULL;

	while (n) {
		if (n->base >= key) {
			best = n;
			n = n->left;
		} else {
			n = n->right;
		}
	}
	return best;
}

/* ---- helpers ---------------------------------------------------------------------------------- */

static bool valid_range(uint64_t base, uint64_t size)
{
	return size > 0 && size <= UINT64_MAX - base;
}

static void release(gn_range_alloc_t *ra, node_t *n)
{
	ra->meta.free(ra->meta.ctx, n, GN_RANGE_ALLOC_META_SIZE);
}

/* Takes `count` (<= 2) nodes from the meta source: all of them or none. */
static gn_err_t take_nodes(gn_range_alloc_t *ra, unsigned count, node_t *out[2])
{
	for (unsigned i = 0; i < count; i++) {
		void *mem = NULL;
		gn_err_t const err = ra->meta.alloc(ra->meta.ctx, GN_RANGE_ALLOC_META_SIZE, &mem);
		if (err != GN_OK) {
			while (i--)
				release(ra, out[i]);
			return err;
		}
		out[i] = mem;
	}
	return GN_OK;
}

static void set_node(node_t *n, uint64_t base, uint64_t size, bool used)
{
	n->base = base;
	n->size = size;
	n->used = used;
}

/* The free node holding all of [base, end), or NULL. */
static node_t *free_node_holding(gn_range_alloc_t const *ra, uint64_t base, uint64_t end)
{
	node_t *n = find_le(ra->root, base);

	return n && !n->used && node_end(n) >= end ? n : NULL;
}

/* Why [base, end) is not inside a free node: it overlaps an allocation, or was never added. */
static gn_err_t conflict(gn_range_alloc_t const *ra, uint64_t base, uint64_t end)
{
	node_t *n = find_le(ra->root, base);

	if (!n || node_end(n) <= base)
		n = find_ge(ra->root, base + 1);
	for (; n && n->base < end; n = find_ge(ra->root, n->base + 1)) {
		if (n->used)
			return GN_ERR_EXISTS;
	}
	return GN_ERR_NOT_FOUND;
}

/* Lowest address in free node n that is a multiple of align and starts `size` free bytes. */
static bool fits(node_t const *n, uint64_t size, uint64_t align, uint64_t *addr)
{
	uint64_t const mask = align - 1;

	if (n->base > UINT64_MAX - mask)
		return false;
	uint64_t const aligned = (n->base + mask) & ~mask;
	uint64_t const skip = aligned - n->base;
	if (skip > n->size || n->size - skip < size)
		return false;
	*addr = aligned;
	return true;
}

/* First free node, in address order, that fits the request. */
static node_t *find_fit(node_t *n, uint64_t size, uint64_t align, uint64_t *addr)
{
	if (!n || n->max_free < size)
		return NULL;

	node_t *found = find_fit(n->left, size, align, addr);
	if (found)
		return found;
	if (!n->used && fits(n, size, align, addr))
		return n;
	return find_fit(n->right, size, align, addr);
}

/* Turns [addr, addr + size) of free node f into an allocation. */
static gn_err_t take(gn_range_alloc_t *ra, node_t *f, uint64_t addr, uint64_t size)
{
	uint64_t const f_end = node_end(f), end = addr + size;
	bool const pad = f->base<addr, tail = f_end> end;
	node_t *fresh[2];
	unsigned next = 0;

	gn_err_t const err = take_nodes(ra, (unsigned)pad + (unsigned)tail, fresh);
	if (err != GN_OK)
		return err;

	if (pad) {
		f->size = addr - f->base;
		refresh(ra->root, f->base);
		set_node(fresh[next], addr, size, true);
		ra->root = insert(ra->root, fresh[next++]);
	} else {
		set_node(f, addr, size, true);
		refresh(ra->root, addr);
	}
	if (tail) {
		set_node(fresh[next], end, f_end - end, false);
		ra->root = insert(ra->root, fresh[next]);
	}
	ra->avail -= size;
	ra->count++;
	return GN_OK;
}

/* ---- public API ------------------------------------------------------------------------------- */

void gn_range_alloc_init(gn_range_alloc_t *ra, gn_mem_source_t meta)
{
	ra->root = NULL;
	ra->meta = meta;
	ra->avail = 0;
	ra->count = 0;
}

static void release_tree(gn_range_alloc_t *ra, node_t *n)
{
	if (!n)
		return;
	release_tree(ra, n->left);
	release_tree(ra, n->right);
	release(ra, n);
}

void gn_range_alloc_destroy(gn_range_alloc_t *ra)
{
	release_tree(ra, ra->root);
	ra->root = NULL;
	ra->avail = 0;
	ra->count = 0;
}

gn_err_t gn_range_alloc_add(gn_range_alloc_t *ra, uint64_t base, uint64_t size)
{
	if (!valid_range(base, size))
		return GN_ERR_INVALID_ARG;

	uint64_t const end = base + size;
	node_t *pred = find_le(ra->root, end - 1);
	if (pred && node_end(pred) > base)
		return GN_ERR_EXISTS;
	node_t *succ = find_ge(ra->root, end);
	bool const join_pred = pred && !pred->used && node_end(pred) == base;
	bool const join_succ = succ && !succ->used && succ->base == end;

	if (join_pred && join_succ) {
		pred->size += size + succ->size;
		ra->root = unlink_node(ra->root, succ->base);
		release(ra, succ);
		refresh(ra->root, pred->base);
	} else if (join_pred) {
		pred->size += size;
		refresh(ra->root, pred->base);
	} else if (join_succ) {
		set_node(succ, base, succ->size + size, false);
		refresh(ra->root, base);
	} else {
		node_t *n[2];
		gn_err_t const err = take_nodes(ra, 1, n);
		if (err != GN_OK)
			return err;
		set_node(n[0], base, size, false);
		ra->root = insert(ra->root, n[0]);
	}
	ra->avail += size;
	return GN_OK;
}

gn_err_t gn_range_alloc_remove(gn_range_alloc_t *ra, uint64_t base, uint64_t size)
{
	if (!valid_range(base, size))
		return GN_ERR_INVALID_ARG;

	uint64_t const end = base + size;
	node_t *f = free_node_holding(ra, base, end);
	if (!f)
		return conflict(ra, base, end);

	uint64_t const f_end = node_end(f);
	bool const pad = f->base<base, tail = f_end> end;
	if (pad && tail) {
		node_t *n[2];
		gn_err_t const err = take_nodes(ra, 1, n);
		if (err != GN_OK)
			return err;
		f->size = base - f->base;
		refresh(ra->root, f->base);
		set_node(n[0], end, f_end - end, false);
		ra->root = insert(ra->root, n[0]);
	} else if (pad) {
		f->size = base - f->base;
		refresh(ra->root, f->base);
	} else if (tail) {
		set_node(f, end, f_end - end, false);
		refresh(ra->root, end);
	} else {
		ra->root = unlink_node(ra->root, base);
		release(ra, f);
	}
	ra->avail -= size;
	return GN_OK;
}

gn_err_t gn_range_alloc_alloc(
	gn_range_alloc_t *ra, uint64_t size, unsigned align_log2, uint64_t *addr)
{
	if (size == 0 || align_log2 > 63)
		return GN_ERR_INVALID_ARG;

	uint64_t found;
	node_t *f = find_fit(ra->root, size, (uint64_t)1 << align_log2, &found);
	if (!f)
		return GN_ERR_LIMIT;

	gn_err_t const err = take(ra, f, found, size);
	if (err != GN_OK)
		return err;
	*addr = found;
	return GN_OK;
}

gn_err_t gn_range_alloc_alloc_at(gn_range_alloc_t *ra, uint64_t addr, uint64_t size)
{
	if (!valid_range(addr, size))
		return GN_ERR_INVALID_ARG;

	node_t *f = free_node_holding(ra, addr, addr + size);
	if (!f)
		return conflict(ra, addr, addr + size);
	return take(ra, f, addr, size);
}

gn_err_t gn_range_alloc_free(gn_range_alloc_t *ra, uint64_t addr)
{
	node_t *u = find_le(ra->root, addr);
	if (!u || u->base != addr || !u->used)
		return GN_ERR_NOT_FOUND;

	uint64_t const size = u->size;
	node_t *pred = addr > 0 ? find_le(ra->root, addr - 1) : NULL;
	node_t *succ = find_ge(ra->root, node_end(u));
	bool const join_pred = pred && !pred->used && node_end(pred) == addr;
	bool const join_succ = succ && !succ->used && succ->base == node_end(u);

	u->used = false;
	if (join_succ) {
		u->size += succ->size;
		ra->root = unlink_node(ra->root, succ->base);
		release(ra, succ);
	}
	if (join_pred) {
		pred->size += u->size;
		ra->root = unlink_node(ra->root, addr);
		release(ra, u);
		refresh(ra->root, pred->base);
	} else {
		refresh(ra->root, addr);
	}
	ra->avail += size;
	ra->count--;
	return GN_OK;
}

gn_err_t gn_range_alloc_lookup(
	gn_range_alloc_t const *ra, uint64_t addr, uint64_t *base, uint64_t *size)
{
	node_t const *n = find_le(ra->root, addr);
	if (!n || !n->used || node_end(n) <= addr)
		return GN_ERR_NOT_FOUND;
	*base = n->base;
	*size = n->size;
	return GN_OK;
}

static gn_err_t next_of_kind(
	gn_range_alloc_t const *ra, uint64_t from, bool used, uint64_t *base, uint64_t *size)
{
	node_t const *n = find_ge(ra->root, from);

	while (n && n->used != used)
		n = find_ge(ra->root, n->base + 1);
	if (!n)
		return GN_ERR_NOT_FOUND;
	*base = n->base;
	*size = n->size;
	return GN_OK;
}

gn_err_t gn_range_alloc_next(
	gn_range_alloc_t const *ra, uint64_t from, uint64_t *base, uint64_t *size)
{
	return next_of_kind(ra, from, true, base, size);
}

gn_err_t gn_range_alloc_next_free(
	gn_range_alloc_t const *ra, uint64_t from, uint64_t *base, uint64_t *size)
{
	return next_of_kind(ra, from, false, base, size);
}

uint64_t gn_range_alloc_avail(gn_range_alloc_t const *ra)
{
	return ra->avail;
}

size_t gn_range_alloc_count(gn_range_alloc_t const *ra)
{
	return ra->count;
}
