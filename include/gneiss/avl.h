/*
 * Intrusive AVL tree.
 *
 * The user embeds a gn_avl_node_t in its own struct and supplies two comparisons: one between two
 * nodes (for insertion) and one between a key and a node (for lookups). Keys are unique. The tree
 * owns no memory and never allocates; a node lives as long as its containing struct and must be
 * removed before that struct goes away. Operations are iterative: no recursion, O(log n) time, and
 * the height stays below 1.45 log2(n + 2). Nothing here locks.
 *
 * The comparisons return <0, 0 or >0 like memcmp, must be consistent with each other and must not
 * change while a node is in the tree.
 */
#ifndef GNEISS_AVL_H
#define GNEISS_AVL_H

#include <gneiss/error.h>
#include <gneiss/types.h>

typedef struct gn_avl_node {
	struct gn_avl_node *left;
	struct gn_avl_node *right;
	struct gn_avl_node *parent;
	int height; /* of the subtree rooted here: 1 for a leaf, 0 while in no tree */
} gn_avl_node_t;

/* Order of node a relative to node b. */
typedef int (*gn_avl_cmp_fn)(gn_avl_node_t const *a, gn_avl_node_t const *b);

/* Order of `key` relative to the key of `node`. */
typedef int (*gn_avl_key_cmp_fn)(void const *key, gn_avl_node_t const *node);

typedef struct {
	gn_avl_node_t *root;
	gn_avl_cmp_fn cmp;
	gn_avl_key_cmp_fn key_cmp;
	size_t count;
} gn_avl_t;

/* Makes `tree` empty, ordered by `cmp` and searched by `key_cmp`. */
void gn_avl_init(gn_avl_t *tree, gn_avl_cmp_fn cmp, gn_avl_key_cmp_fn key_cmp);

/*
 * Inserts `node`, which must be in no tree. Errors: GN_ERR_EXISTS when a node with an equal key is
 * in the tree already (the tree and `node` are then unchanged).
 */
gn_err_t gn_avl_insert(gn_avl_t *tree, gn_avl_node_t *node) GN_MUST_CHECK;

/* Removes `node`, which must be in `tree`; afterwards it is in no tree and may be inserted again. */
void gn_avl_remove(gn_avl_t *tree, gn_avl_node_t *node);

/* Node whose key equals `key`, or NULL. */
gn_avl_node_t *gn_avl_find(gn_avl_t const *tree, void const *key);

/* First node whose key is >= `key` (lower bound) / > `key` (upper bound), or NULL. */
gn_avl_node_t *gn_avl_lower_bound(gn_avl_t const *tree, void const *key);
gn_avl_node_t *gn_avl_upper_bound(gn_avl_t const *tree, void const *key);

/* Smallest / largest node, NULL when the tree is empty. */
gn_avl_node_t *gn_avl_first(gn_avl_t const *tree);
gn_avl_node_t *gn_avl_last(gn_avl_t const *tree);

/* In-order successor / predecessor of `node`, which is in a tree; NULL at the end. */
gn_avl_node_t *gn_avl_next(gn_avl_node_t const *node);
gn_avl_node_t *gn_avl_prev(gn_avl_node_t const *node);

/* Number of nodes, and height of the tree (0 when empty). */
size_t gn_avl_count(gn_avl_t const *tree);
int gn_avl_height(gn_avl_t const *tree);

#endif
