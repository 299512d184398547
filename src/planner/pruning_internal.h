/*-------------------------------------------------------------------------
 *
 * pruning_internal.h
 *	  What the planner layer's reason analysis shares between its files:
 *	  pruning_reasons.c (classifying conditions, choosing the reason),
 *	  pruning_rewrite.c (building a rewrite that returns the same rows) and
 *	  pruning_verify.c (writing it as SQL no setting changes, planning it,
 *	  and PostgreSQL's own proofs about partition bounds).
 *
 *-------------------------------------------------------------------------
 */
#ifndef PRUNING_INTERNAL_H
#define PRUNING_INTERNAL_H

#include "partman.h"

#include "nodes/primnodes.h"
#include "datatype/timestamp.h"
#include "partitioning/partdefs.h"

/* The partition key of one partitioned table, as Vars and expressions of a leaf. */
typedef struct LeafKey
{
	Oid			relid;			/* the partitioned table */
	Oid			leaf_relid;
	Index		leaf_rti;
	char		strategy;
	int			nkeys;
	AttrNumber	attno[PARTITION_MAX_KEYS];	/* in the leaf; 0 for expressions */
	Node	   *expr[PARTITION_MAX_KEYS];	/* expression keys, leaf Vars */
	Oid			opfamily[PARTITION_MAX_KEYS];
	Oid			opcintype[PARTITION_MAX_KEYS];	/* the operator class's type */
	Oid			collation[PARTITION_MAX_KEYS];
	Oid			type[PARTITION_MAX_KEYS];
	int32		typmod[PARTITION_MAX_KEYS];
	char	   *name[PARTITION_MAX_KEYS];	/* as the user writes it */
	bool		has_default;
} LeafKey;

/* One table's diagnosis in progress. */
typedef struct ReasonContext
{
	PlannedStmt *stmt;
	PruningDiagnosis *diag;
	const char *source_text;	/* the query's text, for its literals */
	LeafKey		key;
	char	   *refname;		/* qualifier for the key in a rewrite, or NULL */
	List	   *conjuncts;		/* the sample leaf's conditions (ANDed) */
	List	   *problem_conjuncts;	/* those of them that show a problem */
	bool		negation;		/* a <> or NOT IN on the key */
} ReasonContext;

/* A rewrite of some conjuncts that returns exactly the same rows. */
typedef struct Rewrite
{
	PruningReason reason;		/* the problem it removes */
	List	   *replaced;		/* conjuncts of ReasonContext.conjuncts */
	Node	   *replacement;	/* in their place (leaf Vars) */
	bool		tight;			/* prunes as far as any condition could */
	Node	   *clause;			/* the condition that showed the reason */
	int			keyno;			/* its key column */
	List	   *own_consts;		/* Consts made here, not the user's */
	/* filled in by partman_verify_rewrite */
	char	   *text;			/* the replacement as SQL */
	char	   *replaced_text;	/* what it replaces, for messages */
	int			scanned;		/* partitions the rewritten query scans */
	PruningKind kind;
} Rewrite;

/*
 * How partman_map_vars re-points Vars: those of range table entry from_rti
 * (relation from) become Vars of the column of the same name of relation
 * to, range table entry to_rti; with syn, they also print as such.
 */
typedef struct PartmanVarMap
{
	Index		from_rti;
	Oid			from;
	Index		to_rti;
	Oid			to;
	bool		syn;
	bool		ok;				/* set false when a Var could not be mapped */
} PartmanVarMap;

/* in pruning_reasons.c */
extern Node *partman_map_vars(Node *node, PartmanVarMap *map);
extern Node *partman_strip_relabel(Node *node);
extern int	partman_match_key(const LeafKey *key, Node *node);
extern bool partman_mentions_key(const LeafKey *key, Node *node);
extern int	partman_cast_of_key(const LeafKey *key, Node *node, Oid *result_type,
								bool *implicit);

/* in pruning_rewrite.c */
extern Rewrite *partman_build_rewrite(ReasonContext *ctx);

/* in pruning_verify.c */
extern Rewrite *partman_try_rewrite(ReasonContext *ctx);
extern bool partman_const_is_fixed(ReasonContext *ctx, Const *c);
extern bool partman_const_wallclock(ReasonContext *ctx, Const *c, Timestamp *wall);
extern bool partman_default_in_gap(ReasonContext *ctx);
extern char *partman_deparse_fixed(ReasonContext *ctx, Node *node);

#endif							/* PRUNING_INTERNAL_H */
