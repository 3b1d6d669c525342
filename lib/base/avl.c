/*
 * Intrusive AVL tree.
 *
 * Invariants, which hold between any two calls:
 * - in-order traversal visits the nodes in strictly increasing key order (keys are unique);
 * - every node's `height` is 1 + the larger height of its children (an absent child counts 0);
 * - at every node the heights of the two subtrees differ by at most one;
 * - `parent` links are the reverse of the child links; the root's parent is NULL;
 * - `count` is the number of nodes.
 *
 * An insertion or removal changes the links of one node position, so only the heights on the path
 * from there to the root can be wrong or out of balance. fixup() walks that path upwards, restoring
 * height and balance with at most two rotations per node, and stops at the first node whose subtree
 * height did not change: above it nothing changed. Every walk is a loop bounded by the height, so
 * neither stack depth nor time exceeds O(log n). Insertion checks for a duplicate before it links
 * anything, so a failed insertion leaves the tree as it was.
 */
#include <gneiss/avl.h>

static int height(gn_avl_node_t const *n)
{
	return n ? n->height : 0;
}

static void update_height(gn_avl_node_t *n)
{
	int l = height(n->left), r = height(n->right);

	n->height = 1 + (l > r ? l : r);
}

/* Makes `new_child` take the place of `old_child` below `parent` (or at the root). */
static void replace_child(gn_avl_t *tree, gn_avl_node_t *parent, gn_avl_node_t const *old_child,
	gn_avl_node_t *new_child)
{
	if (!parent)
		tree->root = new_child;
	else if (parent->left == old_child)
		parent->left = new_child;
	else
		parent->right = new_child;
	if (new_child)
		new_child->parent = parent;
}

/* Lifts x's right child above x; returns the new root of the subtree. */
static gn_avl_node_t *rotate_left(gn_avl_t *tree, gn_avl_node_t *x)
{
	gn_avl_node_t *y = x->right;

	x->right = y->left;
	if (y->left)
		y->left->parent = x;
	replace_child(tree, x->parent, x, y);
	y->left = x;
	x->parent = y;
	update_height(x);
	update_height(y);
	return y;
}

/* Lifts x's left child above x; returns the new root of the subtree. */
static gn_avl_node_t *rotate_right(gn_avl_t *tree, gn_avl_node_t *x)
{
	gn_avl_node_t *y = x->left;

	x->left = y->right;
	if (y->right)
		y->right->parent = x;
	replace_child(tree, x->parent, x, y);
	y->right = x;
	x->parent = y;
	update_height(x);
	update_height(y);
	return y;
}

/* Restores height and balance at n, whose subtrees are valid AVL trees; returns the subtree root. */
static gn_avl_node_t *rebalance(gn_avl_t *tree, gn_avl_node_t *n)
{
	int balance = height(n->left) - height(n->right);

	if (balance > 1) {
		if (height(n->left->left) < height(n->left->right))
			rotate_left(tree, n->left);
		return rotate_right(tree, n);
	}
	if (balance < -1) {
		if (height(n->right->right) < height(n->right->left))
			rotate_right(tree, n->right);
		return rotate_left(tree, n);
	}
	update_height(n);
	return n;
}

static void fixup(gn_avl_t *tree, gn_avl_node_t *n)
{
	while (n) {
		int old = n->height;

		n = rebalance(tree, n);
		if (n->height == old)
			return;
		n = n->parent;
	}
}

void gn_avl_init(gn_avl_t *tree, gn_avl_cmp_fn cmp, gn_avl_key_cmp_fn key_cmp)
{
	tree->root = NULL;
	tree->cmp = cmp;
	tree->key_cmp = key_cmp;
	tree->count = 0;
}

gn_err_t gn_avl_insert(gn_avl_t *tree, gn_avl_node_t *node)
{
	gn_avl_node_t *parent = NULL, **link = &tree->root;

	while (*link) {
		int c = tree->cmp(node, *link);

		if (c == 0)
			return GN_ERR_EXISTS;
		parent = *link;
		link = c < 0 ? &parent->left : &parent->right;
	}
	node->left = NULL;
	node->right = NULL;
	node->parent = parent;
	node->height = 1;
	*link = node;
	tree->count++;
	fixup(tree, parent);
	return GN_OK;
}

static gn_avl_node_t *leftmost(gn_avl_node_t *n)
{
	while (n && n->left)
		n = n->left;
	return n;
}

static gn_avl_node_t *rightmost(gn_avl_node_t *n)
{
	while (n && n->right)
		n = n->right;
	return n;
}

/*
 * Puts z's successor y, the leftmost node of z's right subtree, in z's place. Returns the lowest
 * node whose subtree lost a node.
 */
static gn_avl_node_t *replace_by_successor(gn_avl_t *tree, gn_avl_node_t *z)
{
	gn_avl_node_t *y = leftmost(z->right), *start = y;

	if (y->parent != z) {
		start = y->parent;
		start->left = y->right;
		if (y->right)
			y->right->parent = start;
		y->right = z->right;
		z->right->parent = y;
	}
	y->left = z->left;
	z->left->parent = y;
	replace_child(tree, z->parent, z, y);
	y->height = z->height;
	return start;
}

void gn_avl_remove(gn_avl_t *tree, gn_avl_node_t *node)
{
	gn_avl_node_t *start;

	if (node->left && node->right) {
		start = replace_by_successor(tree, node);
	} else {
		start = node->parent;
		replace_child(tree, node->parent, node, node->left ? node->left : node->right);
	}
	node->left = NULL;
	node->right = NULL;
	node->parent = NULL;
	node->height = 0;
	tree->count--;
	fixup(tree, start);
}

gn_avl_node_t *gn_avl_find(gn_avl_t const *tree, void const *key)
{
	gn_avl_node_t *n = tree->root;

	while (n) {
		int c = tree->key_cmp(key, n);

		if (c == 0)
			return n;
		n = c < 0 ? n->left : n->right;
	}
	return NULL;
}

/* First node whose key is >= key (strict == false) or > key (strict == true). */
static gn_avl_node_t *bound(gn_avl_t const *tree, void const *key, bool strict)
{
	gn_avl_node_t *n = tree->root, *best = NULL;

	while (n) {
		int c = tree->key_cmp(key, n);

		if (c < 0 || (c == 0 && !strict)) {
			best = n;
			n = n->left;
		} else {
			n = n->right;
		}
	}
	return best;
}

gn_avl_node_t *gn_avl_lower_bound(gn_avl_t const *tree, void const *key)
{
	return bound(tree, key, false);
}

gn_avl_node_t *gn_avl_upper_bound(gn_avl_t const *tree, void const *key)
{
	return bound(tree, key, true);
}

gn_avl_node_t *gn_avl_first(gn_avl_t const *tree)
{
	return leftmost(tree->root);
}

gn_avl_node_t *gn_avl_last(gn_avl_t const *tree)
{
	return rightmost(tree->root);
}

gn_avl_node_t *gn_avl_next(gn_avl_node_t const *node)
{
	gn_avl_node_t *p;

	if (node->right)
		return leftmost(node->right);
	for (p = node->parent; p && node == p->right; p = p->parent)
		node = p;
	return p;
}

gn_avl_node_t *gn_avl_prev(gn_avl_node_t const *node)
{
	gn_avl_node_t *p;

	if (node->left)
		return rightmost(node->left);
	for (p = node->parent; p && node == p->left; p = p->parent)
		node = p;
	return p;
}

size_t gn_avl_count(gn_avl_t const *tree)
{
	return tree->count;
}

int gn_avl_height(gn_avl_t const *tree)
{
	return height(tree->root);
}
