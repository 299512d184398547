/*-------------------------------------------------------------------------
 *
 * pruning_reasons.c
 *	  Why a partitioned table was not pruned further, from the conditions
 *	  the plan applies to one of its scanned leaves, and what to do about
 *	  it: the reason codes of partman.explain_pruning, the planner hook's
 *	  diagnostics and its guard.
 *
 * The conditions are read after planning, as the leaf's scan node applies
 * them (Vars of the leaf, constants folded).  Each conjunct that mentions
 * the partition key is classified; the strongest finding (PruningReason is
 * ordered by precedence) becomes the reason.  Then:
 *
 * - A hint is an executable rewrite only when it returns exactly the same
 *   rows as the query for all data and all settings, and only once it has
 *   been planned and scans fewer partitions (or prunes earlier) than the
 *   query: pruning_rewrite.c builds it, pruning_verify.c checks it.
 *   Anything less certain is advice in words.
 * - A query whose key conditions PostgreSQL's pruning uses in full is
 *   pruned as far as it can be: every partition left in the plan may hold
 *   matching rows.  That is not a failure (reason NULL), unless
 *   PostgreSQL's own proof over the partition bounds (predtest.c) shows a
 *   scanned partition cannot hold one.
 *
 *-------------------------------------------------------------------------
 */
#include "pruning_internal.h"

#include "access/table.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_operator.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_type.h"
#include "nodes/makefuncs.h"
#include "nodes/pathnodes.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/optimizer.h"
#include "parser/parsetree.h"
#include "partitioning/partbounds.h"
#include "partitioning/partdesc.h"
#include "rewrite/rewriteManip.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/partcache.h"
#include "utils/ruleutils.h"

static const char *const reason_names[PRUNING_REASON_COUNT] = {
	[PRUNING_REASON_NULL] = NULL,
	[PRUNING_REASON_NO_KEY_FILTER] = "no_key_filter",
	[PRUNING_REASON_JOIN_WITHOUT_KEY_FILTER] = "join_without_key_filter",
	[PRUNING_REASON_OR_WITH_OTHER_COLUMN] = "or_with_other_column",
	[PRUNING_REASON_PARTIAL_KEY] = "partial_key",
	[PRUNING_REASON_KEY_IN_EXPRESSION] = "key_in_expression",
	[PRUNING_REASON_KEY_TYPE_COERCION] = "key_type_coercion",
	[PRUNING_REASON_COLLATION_MISMATCH] = "collation_mismatch",
	[PRUNING_REASON_RANGE_ON_HASH_KEY] = "range_predicate_on_hash_key",
	[PRUNING_REASON_LIST_ON_MULTI_COLUMN_HASH_KEY] = "list_on_multi_column_hash_key",
	[PRUNING_REASON_NEGATION] = "negation",
	[PRUNING_REASON_VOLATILE_FUNCTION] = "volatile_function",
	[PRUNING_REASON_CROSS_TYPE_COMPARISON] = "cross_type_comparison",
	[PRUNING_REASON_STABLE_FUNCTION] = "stable_function",
	[PRUNING_REASON_PARAMETER] = "parameter",
	[PRUNING_REASON_DEFAULT_PARTITION] = "default_partition",
};

const char *
partman_pruning_reason_name(PruningReason reason)
{
	return reason_names[reason];
}

/* What the conjuncts showed. */
typedef struct Findings
{
	uint32		filter_keys;	/* key columns with any condition on them */
	uint32		usable_keys;	/* key columns compared in a way pruning uses */
	uint32		equal_keys;		/* key columns with =, IN or IS NULL */
	PruningReason problem;		/* strongest problem found, or NULL */
	int			key;			/* key column of the problem */
	Node	   *clause;			/* the condition showing it */
	Node	   *value;			/* the value compared with the key */
	Node	   *other_arm;		/* an OR arm without the key */
	Node	   *or_clause;		/* the OR it is an arm of */
	Oid			value_collation;
	bool		extern_param;	/* the parameter is a $n of the statement */
	bool		bad_operator;	/* the key is compared with an operator pruning does not use */
	Oid			cast_type;		/* the type the key was converted to */
} Findings;

/* ---------------------------------------------------------------------
 * Recognising the key
 * ---------------------------------------------------------------------
 */
/*
 * partman_map_vars
 *		A copy of node whose Vars are re-pointed as map says (see
 *		PartmanVarMap).  A Var of another relation, of an outer query or a
 *		system or whole-row Var cannot be: it stays, and map->ok turns false.
 */
Node *
partman_map_vars(Node *node, PartmanVarMap *map)
{
	if (node == NULL)
		return NULL;
	if (IsA(node, Var))
	{
		Var		   *var = copyObject((Var *) node);

		if (var->varno != map->from_rti || var->varlevelsup != 0 || var->varattno <= 0)
			map->ok = false;
		else
		{
			var->varno = map->to_rti;
			var->varattno = get_attnum(map->to, get_attname(map->from, var->varattno, false));
			var->varnosyn = map->syn ? var->varno : 0;
			var->varattnosyn = map->syn ? var->varattno : 0;
		}
		return (Node *) var;
	}
	return expression_tree_mutator(node, partman_map_vars, (void *) map);
}

static void
read_leaf_key(PlannedStmt *stmt, const PruningDiagnosis *diag, LeafKey *key)
{
	Relation	rel = table_open(diag->relid, AccessShareLock);
	PartitionKey pk = RelationGetPartitionKey(rel);
	PartitionDesc desc = RelationGetPartitionDesc(rel, true);
	ListCell   *exprs = list_head(pk->partexprs);
	PartmanVarMap map;

	memset(key, 0, sizeof(*key));
	key->relid = diag->relid;
	key->leaf_rti = diag->sample_leaf;
	key->leaf_relid = rt_fetch(diag->sample_leaf, stmt->rtable)->relid;
	key->strategy = pk->strategy;
	key->nkeys = pk->partnatts;
	key->has_default = OidIsValid(get_default_oid_from_partdesc(desc));
	/* the key expressions' parent Vars (varno 1) as Vars of the leaf */
	memset(&map, 0, sizeof(map));
	map.from_rti = 1;
	map.from = diag->relid;
	map.to_rti = key->leaf_rti;
	map.to = key->leaf_relid;
	map.ok = true;
	for (int i = 0; i < pk->partnatts; i++)
	{
		key->opfamily[i] = pk->partopfamily[i];
		key->opcintype[i] = pk->partopcintype[i];
		key->collation[i] = pk->partcollation[i];
		key->type[i] = pk->parttypid[i];
		key->typmod[i] = pk->parttypmod[i];
		if (pk->partattrs[i] != 0)
		{
			char	   *name = get_attname(diag->relid, pk->partattrs[i], false);

			key->attno[i] = get_attnum(key->leaf_relid, name);
			key->name[i] = pstrdup(partman_quote_name(name));
		}
		else
		{
			Node	   *expr = lfirst(exprs);

			exprs = lnext(pk->partexprs, exprs);
			key->expr[i] = partman_map_vars(expr, &map);
			key->name[i] = deparse_expression(expr,
											  deparse_context_for(get_rel_name(diag->relid),
																  diag->relid),
											  false, false);
		}
	}
	table_close(rel, NoLock);
}

Node *
partman_strip_relabel(Node *node)
{
	while (node && IsA(node, RelabelType))
		node = (Node *) ((RelabelType *) node)->arg;
	return node;
}

/* Which key column node is (binary-compatible relabeling aside), or -1. */
int
partman_match_key(const LeafKey *key, Node *node)
{
	node = partman_strip_relabel(node);
	for (int i = 0; i < key->nkeys; i++)
	{
		if (key->attno[i] != 0)
		{
			if (node && IsA(node, Var) && ((Var *) node)->varno == key->leaf_rti &&
				((Var *) node)->varattno == key->attno[i] &&
				((Var *) node)->varlevelsup == 0)
				return i;
		}
		else if (equal(node, key->expr[i]))
			return i;
	}
	return -1;
}

static bool
mentions_key_walker(Node *node, const LeafKey *key)
{
	if (node == NULL)
		return false;
	if (partman_match_key(key, node) >= 0)
		return true;
	return expression_tree_walker(node, mentions_key_walker, (void *) key);
}

bool
partman_mentions_key(const LeafKey *key, Node *node)
{
	return mentions_key_walker(node, key);
}

/* The key columns node mentions, as a bit mask. */
static bool
key_bits_walker(Node *node, void *context)
{
	struct
	{
		const LeafKey *key;
		uint32		bits;
	}		   *c = context;
	int			keyno;

	if (node == NULL)
		return false;
	if ((keyno = partman_match_key(c->key, node)) >= 0)
	{
		c->bits |= (uint32) 1 << keyno;
		return false;
	}
	return expression_tree_walker(node, key_bits_walker, context);
}

static uint32
key_bits(const LeafKey *key, Node *node)
{
	struct
	{
		const LeafKey *key;
		uint32		bits;
	}			c = {key, 0};

	(void) key_bits_walker(node, &c);
	return c.bits;
}

/* Params in a value: 1 for $n of the statement, 2 for values of execution. */
static bool
param_kinds_walker(Node *node, int *kinds)
{
	if (node == NULL)
		return false;
	if (IsA(node, Param))
		*kinds |= ((Param *) node)->paramkind == PARAM_EXTERN ? 1 : 2;
	else if (IsA(node, SubPlan) || IsA(node, AlternativeSubPlan))
		*kinds |= 2;
	return expression_tree_walker(node, param_kinds_walker, (void *) kinds);
}

/* The key itself under a cast, e.g. (user_id)::numeric: which key, or -1. */
int
partman_cast_of_key(const LeafKey *key, Node *node, Oid *result_type, bool *implicit)
{
	node = partman_strip_relabel(node);
	if (node == NULL)
		return -1;
	if (IsA(node, FuncExpr))
	{
		FuncExpr   *f = (FuncExpr *) node;

		if ((f->funcformat == COERCE_IMPLICIT_CAST || f->funcformat == COERCE_EXPLICIT_CAST) &&
			list_length(f->args) >= 1)
		{
			*result_type = f->funcresulttype;
			*implicit = f->funcformat == COERCE_IMPLICIT_CAST;
			return partman_match_key(key, linitial(f->args));
		}
	}
	else if (IsA(node, CoerceViaIO))
	{
		CoerceViaIO *c = (CoerceViaIO *) node;

		*result_type = c->resulttype;
		*implicit = c->coerceformat == COERCE_IMPLICIT_CAST;
		return partman_match_key(key, (Node *) c->arg);
	}
	return -1;
}

/* ---------------------------------------------------------------------
 * Classifying conjuncts
 * ---------------------------------------------------------------------
 */
typedef struct Classify
{
	ReasonContext *ctx;
	Findings   *f;
	Node	   *conjunct;		/* the top-level conjunct being read */
} Classify;

static void
found(Classify *c, PruningReason problem, int keyno, Node *clause, Node *value)
{
	Findings   *f = c->f;

	if (!list_member_ptr(c->ctx->problem_conjuncts, c->conjunct))
		c->ctx->problem_conjuncts = lappend(c->ctx->problem_conjuncts, c->conjunct);
	if (f->problem == PRUNING_REASON_NULL || problem < f->problem)
	{
		f->problem = problem;
		f->key = keyno;
		f->clause = clause;
		f->value = value;
	}
}

/* Is opno "<>" for the key's type, the negator of its equality? */
static bool
is_key_inequality(const LeafKey *key, int keyno, Oid opno)
{
	Oid			neg = get_negator(opno);
	int			strategy;
	Oid			lefttype,
				righttype;

	if (!OidIsValid(neg) || !op_in_opfamily(neg, key->opfamily[keyno]))
		return false;
	get_op_opfamily_properties(neg, key->opfamily[keyno], false, &strategy,
							   &lefttype, &righttype);
	return strategy == (key->strategy == PARTITION_STRATEGY_HASH ?
						HTEqualStrategyNumber : BTEqualStrategyNumber);
}

/* Is opno an ordering operator (<, <=, >, >=) of some btree family? */
static bool
is_ordering(Oid opno)
{
	List	   *interps = get_op_btree_interpretation(opno);
	ListCell   *lc;

	foreach(lc, interps)
	{
		OpBtreeInterpretation *i = lfirst(lc);

		if (i->strategy != BTEqualStrategyNumber && i->strategy != ROWCOMPARE_NE)
			return true;
	}
	return false;
}

/* key <op> value, where the key side is exactly key column keyno. */
static void
classify_comparison(Classify *c, Node *clause, int keyno, Oid opno,
					Oid inputcollid, Node *value)
{
	const LeafKey *key = &c->ctx->key;
	Findings   *f = c->f;
	int			params = 0;

	f->filter_keys |= (uint32) 1 << keyno;
	if (OidIsValid(key->collation[keyno]) && OidIsValid(inputcollid) &&
		inputcollid != key->collation[keyno])
	{
		f->value_collation = inputcollid;
		found(c, PRUNING_REASON_COLLATION_MISMATCH, keyno, clause, value);
		return;
	}
	if (!op_in_opfamily(opno, key->opfamily[keyno]))
	{
		if (is_key_inequality(key, keyno, opno))
		{
			/* LIST pruning uses <> and NOT IN; RANGE and HASH cannot */
			if (key->strategy == PARTITION_STRATEGY_LIST)
				f->usable_keys |= (uint32) 1 << keyno;
			else
				c->ctx->negation = true;
		}
		else if (key->strategy == PARTITION_STRATEGY_HASH && is_ordering(opno))
			found(c, PRUNING_REASON_RANGE_ON_HASH_KEY, keyno, clause, value);
		else
		{
			f->bad_operator = true;
			found(c, PRUNING_REASON_KEY_IN_EXPRESSION, keyno, clause, value);
		}
		return;
	}
	/* PostgreSQL 15 finds hash partitions of several columns only for one value of each */
	if (key->strategy == PARTITION_STRATEGY_HASH && key->nkeys > 1 && IsA(clause, ScalarArrayOpExpr))
	{
		found(c, PRUNING_REASON_LIST_ON_MULTI_COLUMN_HASH_KEY, keyno, clause, value);
		return;
	}
	f->usable_keys |= (uint32) 1 << keyno;
	{
		int			strategy;
		Oid			lefttype,
					righttype;

		get_op_opfamily_properties(opno, key->opfamily[keyno], false, &strategy,
								   &lefttype, &righttype);
		if (strategy == (key->strategy == PARTITION_STRATEGY_HASH ?
						 HTEqualStrategyNumber : BTEqualStrategyNumber))
			f->equal_keys |= (uint32) 1 << keyno;
	}
	(void) param_kinds_walker(value, &params);
	if (contain_volatile_functions(value))
		found(c, PRUNING_REASON_VOLATILE_FUNCTION, keyno, clause, value);
	else if (params)
	{
		if (!(params & 2))
			f->extern_param = true;
		found(c, PRUNING_REASON_PARAMETER, keyno, clause, value);
	}
	else if (contain_mutable_functions(value))
		found(c, PRUNING_REASON_STABLE_FUNCTION, keyno, clause, value);
	else if (op_volatile(opno) != PROVOLATILE_IMMUTABLE)
		found(c, PRUNING_REASON_CROSS_TYPE_COMPARISON, keyno, clause, value);
}

/* A comparison whose key side is not the bare key. */
static void
classify_key_expression(Classify *c, Node *clause, Node *keyside, Node *value)
{
	const LeafKey *key = &c->ctx->key;
	Oid			cast_type;
	bool		implicit;
	int			keyno;
	uint32		bits = key_bits(key, keyside);

	c->f->filter_keys |= bits;
	keyno = partman_cast_of_key(key, keyside, &cast_type, &implicit);
	/* user_id = 100.0: the parser converted the key to the value's type */
	if (keyno >= 0 && implicit && !partman_mentions_key(key, value))
	{
		c->f->cast_type = cast_type;
		found(c, PRUNING_REASON_KEY_TYPE_COERCION, keyno, clause, value);
		return;
	}
	for (keyno = 0; keyno < key->nkeys; keyno++)
		if (bits & ((uint32) 1 << keyno))
			break;
	found(c, PRUNING_REASON_KEY_IN_EXPRESSION, keyno < key->nkeys ? keyno : 0, clause, value);
}

static void classify(Classify *c, Node *node);

static void
classify_or(Classify *c, BoolExpr *or)
{
	const LeafKey *key = &c->ctx->key;
	ListCell   *lc;
	Node	   *without = NULL;
	int			with = 0;
	Findings	arms;
	Findings   *outer = c->f;
	uint32		usable = ~(uint32) 0,
				equal = ~(uint32) 0;

	foreach(lc, or->args)
	{
		if (partman_mentions_key(key, lfirst(lc)))
			with++;
		else if (without == NULL)
			without = lfirst(lc);
	}
	if (with == 0)
		return;
	/*
	 * An arm without the key can match in any partition: the OR restricts
	 * nothing, and the key filter, if any, comes from other conjuncts.
	 */
	if (without != NULL)
	{
		if (outer->other_arm == NULL)
		{
			outer->other_arm = without;
			outer->or_clause = (Node *) or;
		}
		return;
	}

	/* a key column is usable when every arm uses it */
	foreach(lc, or->args)
	{
		memset(&arms, 0, sizeof(arms));
		c->f = &arms;
		classify(c, lfirst(lc));
		c->f = outer;
		usable &= arms.usable_keys;
		equal &= arms.equal_keys;
		outer->filter_keys |= arms.filter_keys;
		outer->bad_operator |= arms.bad_operator;
		if (arms.problem != PRUNING_REASON_NULL)
		{
			if (arms.problem == PRUNING_REASON_PARAMETER && arms.extern_param)
				outer->extern_param = true;
			if (arms.problem == PRUNING_REASON_KEY_TYPE_COERCION)
				outer->cast_type = arms.cast_type;
			if (arms.problem == PRUNING_REASON_COLLATION_MISMATCH)
				outer->value_collation = arms.value_collation;
			found(c, arms.problem, arms.key, arms.clause, arms.value);
		}
	}
	outer->usable_keys |= usable;
	outer->equal_keys |= equal;
	/* an OR of values of some of the columns of a hash key of several */
	if (key->strategy == PARTITION_STRATEGY_HASH && key->nkeys > 1 &&
		(equal & (((uint32) 1 << key->nkeys) - 1)) != (((uint32) 1 << key->nkeys) - 1))
		found(c, PRUNING_REASON_LIST_ON_MULTI_COLUMN_HASH_KEY, 0, (Node *) or, NULL);
}

static void
classify(Classify *c, Node *node)
{
	const LeafKey *key = &c->ctx->key;
	Findings   *f = c->f;
	int			keyno;

	if (node == NULL)
		return;
	if (IsA(node, List))
	{
		ListCell   *lc;

		foreach(lc, (List *) node)
			classify(c, lfirst(lc));
		return;
	}
	if (IsA(node, BoolExpr))
	{
		BoolExpr   *b = (BoolExpr *) node;

		if (b->boolop == AND_EXPR)
			classify(c, (Node *) b->args);
		else if (b->boolop == OR_EXPR)
			classify_or(c, b);
		else if (partman_mentions_key(key, node))
		{
			/* NOT of a boolean key prunes; the planner pushes NOT into the rest */
			if ((keyno = partman_match_key(key, linitial(b->args))) >= 0)
			{
				f->filter_keys |= (uint32) 1 << keyno;
				f->usable_keys |= (uint32) 1 << keyno;
				f->equal_keys |= (uint32) 1 << keyno;
			}
			else
			{
				f->filter_keys |= key_bits(key, node);
				found(c, PRUNING_REASON_KEY_IN_EXPRESSION, 0, node, NULL);
			}
		}
		return;
	}
	if (!partman_mentions_key(key, node))
		return;

	if (IsA(node, OpExpr) && list_length(((OpExpr *) node)->args) == 2)
	{
		OpExpr	   *op = (OpExpr *) node;
		Node	   *left = linitial(op->args);
		Node	   *right = lsecond(op->args);

		if ((keyno = partman_match_key(key, left)) >= 0 && !partman_mentions_key(key, right))
			classify_comparison(c, node, keyno, op->opno, op->inputcollid, right);
		else if ((keyno = partman_match_key(key, right)) >= 0 && !partman_mentions_key(key, left))
			classify_comparison(c, node, keyno, op->opno, op->inputcollid, left);
		else if (!partman_mentions_key(key, right))
			classify_key_expression(c, node, left, right);
		else if (!partman_mentions_key(key, left))
			classify_key_expression(c, node, right, left);
		else
		{
			f->filter_keys |= key_bits(key, node);
			found(c, PRUNING_REASON_KEY_IN_EXPRESSION, 0, node, NULL);
		}
		return;
	}
	if (IsA(node, ScalarArrayOpExpr))
	{
		ScalarArrayOpExpr *sa = (ScalarArrayOpExpr *) node;
		Node	   *left = linitial(sa->args);
		Node	   *right = lsecond(sa->args);

		keyno = partman_match_key(key, left);
		if (keyno >= 0 && !partman_mentions_key(key, right))
		{
			if (sa->useOr || is_key_inequality(key, keyno, sa->opno) ||
				key->strategy != PARTITION_STRATEGY_HASH)
				classify_comparison(c, node, keyno, sa->opno, sa->inputcollid, right);
			else
				found(c, PRUNING_REASON_RANGE_ON_HASH_KEY, keyno, node, right);
		}
		else if (keyno < 0 && !partman_mentions_key(key, right))
			classify_key_expression(c, node, left, right);
		else
		{
			f->filter_keys |= key_bits(key, node);
			found(c, PRUNING_REASON_KEY_IN_EXPRESSION, 0, node, NULL);
		}
		return;
	}
	if (IsA(node, NullTest) && (keyno = partman_match_key(key, (Node *) ((NullTest *) node)->arg)) >= 0)
	{
		f->filter_keys |= (uint32) 1 << keyno;
		f->usable_keys |= (uint32) 1 << keyno;
		if (((NullTest *) node)->nulltesttype == IS_NULL)
			f->equal_keys |= (uint32) 1 << keyno;
		return;
	}
	/* IS [NOT] TRUE / FALSE of a boolean key: pruning reads them, not IS UNKNOWN */
	if (IsA(node, BooleanTest) &&
		(keyno = partman_match_key(key, (Node *) ((BooleanTest *) node)->arg)) >= 0)
	{
		f->filter_keys |= (uint32) 1 << keyno;
		if (((BooleanTest *) node)->booltesttype == IS_UNKNOWN ||
			((BooleanTest *) node)->booltesttype == IS_NOT_UNKNOWN)
			found(c, PRUNING_REASON_KEY_IN_EXPRESSION, keyno, node, NULL);
		else
			f->usable_keys |= (uint32) 1 << keyno;
		return;
	}
	/* a boolean key by itself */
	if ((keyno = partman_match_key(key, node)) >= 0)
	{
		f->filter_keys |= (uint32) 1 << keyno;
		f->usable_keys |= (uint32) 1 << keyno;
		f->equal_keys |= (uint32) 1 << keyno;
		return;
	}
	/* anything else that uses the key: a function of it, LIKE, ... */
	f->filter_keys |= key_bits(key, node);
	found(c, PRUNING_REASON_KEY_IN_EXPRESSION, 0, node, NULL);
}

/* ---------------------------------------------------------------------
 * Sentences
 * ---------------------------------------------------------------------
 */

/* The key columns in mask, as "a, b". */
static char *
key_names(const LeafKey *key, uint32 mask)
{
	StringInfoData buf;

	initStringInfo(&buf);
	for (int i = 0; i < key->nkeys; i++)
		if (mask & ((uint32) 1 << i))
			appendStringInfo(&buf, "%s%s", buf.len ? ", " : "", key->name[i]);
	return buf.data;
}

static const char *
filter_operators(const LeafKey *key)
{
	return key->strategy == PARTITION_STRATEGY_RANGE ?
		"=, <, <=, >, >=, BETWEEN or IN" : "= or IN";
}

/* A condition of the plan as text, for a message. */
static char *
condition_text(ReasonContext *ctx, Node *node)
{
	return node ? partman_deparse_fixed(ctx, node) : pstrdup("");
}

/*
 * For a set by time on a key that holds time in another type (UUIDv7,
 * epoch numbers), how to select by time so that partitions are pruned:
 * compare the key itself with the key's value of the time.  NULL for other
 * keys.
 */
static char *
time_key_advice(const LeafKey *key, int keyno)
{
	PartmanPlannerConfig cfg;
	const char *name = key->name[keyno];
	const char *type = format_type_be(key->type[keyno]);

	if (key->nkeys != 1 || key->strategy != PARTITION_STRATEGY_RANGE ||
		!partman_config_for_planner(key->relid, &cfg) || !cfg.by_time)
		return NULL;
	if (key->type[keyno] == UUIDOID)
		return psprintf(" %s holds UUIDv7 values: to select by time, compare %s itself with the UUIDv7 of the time, for example %s >= partman.uuid7_floor(now() - interval '1 day').",
						name, name, name);
	if (cfg.epoch != NULL && strcmp(cfg.epoch, "milliseconds") == 0)
		return psprintf(" %s holds epoch milliseconds: to select by time, compare %s itself with a number of milliseconds, for example %s >= (extract(epoch FROM now() - interval '1 day') * 1000)::%s.",
						name, name, name, type);
	if (cfg.epoch != NULL)
		return psprintf(" %s holds epoch seconds: to select by time, compare %s itself with a number of seconds, for example %s >= extract(epoch FROM now() - interval '1 day')::%s.",
						name, name, name, type);
	return NULL;
}

/* Fill in diag's reason sentence and advice from the findings. */
static void
describe(ReasonContext *ctx, Findings *f)
{
	PruningDiagnosis *diag = ctx->diag;
	const LeafKey *key = &ctx->key;
	const char *name = key->name[f->key];
	uint32		all = ((uint32) 1 << key->nkeys) - 1;
	char	   *advice;

	switch (diag->reason)
	{
		case PRUNING_REASON_NULL:
		case PRUNING_REASON_COUNT:
			return;
		case PRUNING_REASON_NO_KEY_FILTER:
			diag->detail = psprintf("The query has no condition on the partition key %s.",
									key_names(key, all));
			diag->hint = psprintf("Add a condition that compares %s with constants (%s).",
								  key->nkeys > 1 ? key_names(key, all) : name,
								  filter_operators(key));
			break;
		case PRUNING_REASON_JOIN_WITHOUT_KEY_FILTER:
			diag->detail = psprintf("The table is joined, but no condition restricts its partition key %s.",
									key_names(key, all));
			diag->hint = psprintf("Add a condition on %s; a join condition prunes only the inner side of a nested loop, while it runs.",
								  key_names(key, all));
			break;
		case PRUNING_REASON_OR_WITH_OTHER_COLUMN:
			diag->detail = psprintf("An OR has an arm without a condition on %s, %s, so every partition may hold matching rows.",
									name, condition_text(ctx, f->other_arm));
			diag->hint = psprintf("No condition on %s can prune this OR as it stands. Add a condition on %s to every arm if the query allows it; splitting the arms into a UNION ALL returns rows that match both arms twice.",
								  name, name);
			break;
		case PRUNING_REASON_PARTIAL_KEY:
			{
				uint32		missing = key->strategy == PARTITION_STRATEGY_HASH ?
					all & ~f->equal_keys : 1;

				diag->detail = key->strategy == PARTITION_STRATEGY_HASH ?
					psprintf("The partitions are hashed on %s together, and the query gives no value for %s.",
							 key_names(key, all), key_names(key, missing)) :
					psprintf("The partitions are ranges of (%s), compared column by column, and the query has no condition on the leading column %s.",
							 key_names(key, all), key->name[0]);
				diag->hint = key->strategy == PARTITION_STRATEGY_HASH ?
					psprintf("Add = or IN conditions on %s as well.", key_names(key, missing)) :
					psprintf("Add a condition on %s (%s); conditions on the later key columns prune only among rows with the same %s.",
							 key->name[0], filter_operators(key), key->name[0]);
				break;
			}
		case PRUNING_REASON_KEY_IN_EXPRESSION:
			if (f->bad_operator)
				diag->detail = psprintf("The condition %s compares the partition key %s with an operator that partition pruning does not use.",
										condition_text(ctx, f->clause), name);
			else
				diag->detail = psprintf("The partition key %s is used inside an expression, %s, which cannot be compared with partition bounds.",
										name, condition_text(ctx, f->clause));
			diag->hint = psprintf("partman knows no condition on %s alone that selects the same rows. If the rows wanted lie in a range or a list of values of %s, compare %s itself with them (%s); a condition that matches rows in every partition cannot prune.",
								  name, name, name, filter_operators(key));
			if ((advice = time_key_advice(key, f->key)) != NULL)
				diag->hint = psprintf("%s%s", diag->hint, advice);
			break;
		case PRUNING_REASON_KEY_TYPE_COERCION:
			diag->detail = psprintf("The partition key %s (%s) is converted to %s to be compared with a value of that type, so partitions cannot be pruned by it.",
									name, format_type_be(key->type[f->key]),
									format_type_be(f->cast_type));
			diag->hint = psprintf("Compare %s with a value of its own type, %s, that selects the same rows; mind the conversion (for an integer, < 1.5 is < 2 and = 1.5 matches no row; for char(n), trailing spaces do not count).",
								  name, format_type_be(key->type[f->key]));
			if ((advice = time_key_advice(key, f->key)) != NULL)
				diag->hint = psprintf("%s%s", diag->hint, advice);
			break;
		case PRUNING_REASON_COLLATION_MISMATCH:
			diag->detail = psprintf("The comparison on %s uses collation \"%s\", but the partition key uses collation \"%s\".",
									name, get_collation_name(f->value_collation),
									get_collation_name(key->collation[f->key]));
			diag->hint = psprintf("Compare %s in the partition key's collation \"%s\". For = and IN that finds the same rows when both collations are deterministic; for <, >, BETWEEN the order of the collations differs.",
								  name, get_collation_name(key->collation[f->key]));
			break;
		case PRUNING_REASON_RANGE_ON_HASH_KEY:
			diag->detail = psprintf("%s is a hash partition key, and hash partitions are found only from = and IN, not from a range of values.",
									name);
			diag->hint = key->nkeys > 1 ?
				psprintf("Hash partitions of (%s) are found only from one value of each column: run the query once for each value of %s with = conditions on every column, or partition by RANGE if range queries matter.",
						 key_names(key, all), name) :
				psprintf("List the values instead (%s IN (...)), or partition by RANGE if range queries matter.",
						 name);
			break;
		case PRUNING_REASON_LIST_ON_MULTI_COLUMN_HASH_KEY:
			diag->detail = psprintf("The partitions are hashed on %s together, and the condition %s gives a list of values for %s; PostgreSQL finds hash partitions of several columns only from one value for each column.",
									key_names(key, all), condition_text(ctx, f->clause), name);
			diag->hint = psprintf("Run the query once for each combination of values of %s (a UNION ALL of those queries returns each row once, as a row has one value in each column), or hash on fewer columns.",
								  key_names(key, all));
			break;
		case PRUNING_REASON_NEGATION:
			diag->detail = psprintf("The condition %s excludes values of %s, and RANGE pruning does not use <> or NOT IN.",
									condition_text(ctx, f->clause), name);
			diag->hint = psprintf("Write the excluded values as ranges of %s (%s < v OR %s > v).",
								  name, name, name);
			break;
		case PRUNING_REASON_VOLATILE_FUNCTION:
			diag->detail = psprintf("The value compared with %s comes from a volatile function, %s, which is computed again for every row and never used for pruning.",
									name, condition_text(ctx, f->value));
			diag->hint = psprintf("If one value for the whole query is meant, compute it once in a scalar subquery, %s = (SELECT ...): partitions are then pruned while the query runs. That can return other rows than computing it for every row, so partman does not rewrite it.",
								  name);
			break;
		case PRUNING_REASON_CROSS_TYPE_COMPARISON:
			diag->detail = psprintf("%s is compared with a value of another type, %s, with an operator that depends on settings such as TimeZone, so partitions are pruned %s, not at plan time.",
									name, f->value ? format_type_be(exprType(f->value)) : "",
									diag->kind == PRUNING_NONE ? "nowhere" : "when execution starts");
			diag->hint = psprintf("Compare %s with a value of its own type, %s, to prune at plan time; which value that is depends on the session's settings, so partman does not write it.",
								  name, format_type_be(key->type[f->key]));
			break;
		case PRUNING_REASON_STABLE_FUNCTION:
			diag->detail = psprintf("The value compared with %s comes from a stable function, %s, so partitions are pruned when execution starts, not at plan time.",
									name, condition_text(ctx, f->value));
			diag->hint = pstrdup("Nothing to fix: execution prunes the partitions. A constant value prunes them at plan time.");
			break;
		case PRUNING_REASON_PARAMETER:
			if (f->extern_param)
			{
				diag->detail = psprintf("The value compared with %s is a parameter of the statement, so a generic plan prunes partitions when execution starts, not at plan time.",
										name);
				diag->hint = pstrdup("Nothing to fix: execution prunes the partitions. plan_cache_mode = force_custom_plan prunes them at plan time instead.");
			}
			else
			{
				diag->detail = psprintf("The value compared with %s is known only while the query runs (a subquery's result or the outer side of a nested loop), so partitions are pruned then.",
										name);
				diag->hint = pstrdup("Nothing to fix: execution prunes the partitions while the query runs.");
			}
			break;
		case PRUNING_REASON_DEFAULT_PARTITION:
			if (key->strategy == PARTITION_STRATEGY_LIST)
			{
				diag->detail = psprintf("The condition on %s asks for values that no partition lists, so the default partition, which may hold them, is scanned.",
										name);
				diag->hint = pstrdup("Create partitions for those values (partman.create_partition) if they are meant to have their own; otherwise nothing to fix.");
			}
			else
			{
				diag->detail = psprintf("The condition on %s reaches values between partitions that no partition covers (a gap), so the default partition, which may hold them, is scanned.",
										name);
				diag->hint = pstrdup("Create the missing partitions (partman.show_partitions lists the bounds, partman.create_partition makes one).");
			}
			break;
	}
}

/* The text of a rewrite's hint: the condition, with what it replaces and its effect. */
static void
describe_rewrite(ReasonContext *ctx, Rewrite *rw)
{
	PruningDiagnosis *diag = ctx->diag;
	char	   *replaced = pstrdup(rw->replaced_text);

	/* a comment cannot hold its own end */
	for (char *p = replaced; (p = strstr(p, "*/")) != NULL; p++)
		p[1] = ' ';
	diag->rewrite = rw->text;
	diag->rewrite_replaces = rw->replaced_text;
	diag->rewrite_scanned = rw->scanned;
	diag->hint_is_rewrite = true;
	diag->hint = psprintf("%s /* in place of %s: scans %d of %d partitions */",
						  rw->text, replaced, rw->scanned, diag->partitions_total);
}

/* ---------------------------------------------------------------------
 * The verdict
 * ---------------------------------------------------------------------
 */

/* How the query names the table: for conditions that must not be ambiguous. */
static char *
reference_name(PlannedStmt *stmt, PruningDiagnosis *diag)
{
	RangeTblEntry *root;
	Index		root_rti = diag->rti;
	int			relations = 0;
	ListCell   *lc;
	Bitmapset  *children = NULL;
	Index		rti = 0;
	bool		climbed = true;

	/* partitions of the plan's tables are not named by the query */
	foreach(lc, stmt->appendRelations)
		children = bms_add_member(children, ((AppendRelInfo *) lfirst(lc))->child_relid);
	/* a sub-partitioned level is named by the table the query names */
	while (climbed)
	{
		climbed = false;
		foreach(lc, stmt->appendRelations)
		{
			AppendRelInfo *info = lfirst(lc);

			if (info->child_relid == root_rti)
			{
				root_rti = info->parent_relid;
				climbed = true;
				break;
			}
		}
	}
	root = rt_fetch(root_rti, stmt->rtable);
	if (root->alias)
		return root->alias->aliasname;
	foreach(lc, stmt->rtable)
	{
		RangeTblEntry *rte = lfirst(lc);

		if (bms_is_member(++rti, children))
			continue;
		if (rte->rtekind == RTE_RELATION || rte->rtekind == RTE_SUBQUERY ||
			rte->rtekind == RTE_FUNCTION || rte->rtekind == RTE_VALUES ||
			rte->rtekind == RTE_CTE || rte->rtekind == RTE_TABLEFUNC)
			relations++;
	}
	return relations > 1 ? root->eref->aliasname : NULL;
}

/* Earlier pruning ranks lower: plan time, execution start, run time, never. */
static int
kind_rank(PruningKind kind)
{
	switch (kind)
	{
		case PRUNING_PLAN:
			return 0;
		case PRUNING_STARTUP:
			return 1;
		case PRUNING_RUNTIME:
			return 2;
		case PRUNING_NONE:
			break;
	}
	return 3;
}

/*
 * partman_explain_reason
 *		Sets diag->reason, detail and hint.  Opens the partitioned table and
 *		its scanned partitions (AccessShareLock, which the planner already
 *		holds); a rewrite is planned in a subtransaction (pruning_verify.c).
 *		source_text is the query's text (may be NULL).  Memory is allocated
 *		in the caller's context.
 */
void
partman_explain_reason(PlannedStmt *stmt, PruningDiagnosis *diag, const char *source_text)
{
	ReasonContext ctx;
	Findings	f;
	Classify	c;
	LeafKey    *key = &ctx.key;
	uint32		all;
	Rewrite    *rw = NULL;

	diag->reason = PRUNING_REASON_NULL;
	diag->detail = diag->hint = NULL;
	diag->rewrite = diag->rewrite_replaces = NULL;
	diag->rewrite_scanned = 0;
	diag->hint_is_rewrite = false;
	/* pruned as far as it goes */
	if (diag->partitions_scanned == 0 ||
		(diag->kind == PRUNING_PLAN && diag->partitions_scanned <= 1))
		return;

	memset(&ctx, 0, sizeof(ctx));
	ctx.stmt = stmt;
	ctx.diag = diag;
	ctx.source_text = source_text;
	read_leaf_key(stmt, diag, key);
	ctx.refname = reference_name(stmt, diag);
	ctx.conjuncts = make_ands_implicit((Expr *) make_ands_explicit(diag->sample_quals));
	all = ((uint32) 1 << key->nkeys) - 1;

	memset(&f, 0, sizeof(f));
	c.ctx = &ctx;
	c.f = &f;
	{
		ListCell   *lc;

		foreach(lc, ctx.conjuncts)
		{
			c.conjunct = lfirst(lc);
			classify(&c, c.conjunct);
		}
	}

	/*
	 * A problem the planner could not see past: a rewrite of the conditions
	 * that show it, offered when planned it prunes more.  A rewrite that
	 * selects the same rows as tightly as any condition could, and prunes no
	 * more, shows those conditions cost nothing: the verdict is then the one
	 * for conditions pruning reads.
	 */
	if (f.problem != PRUNING_REASON_NULL || ctx.negation)
	{
		rw = partman_try_rewrite(&ctx);
		if (rw && (rw->scanned < diag->partitions_scanned ||
				   (rw->scanned == diag->partitions_scanned &&
					kind_rank(rw->kind) < kind_rank(diag->kind))))
		{
			diag->reason = rw->reason;
			if (rw->reason != f.problem)
			{
				f.clause = rw->clause;
				f.key = rw->keyno;
				f.value = NULL;
			}
			describe(&ctx, &f);
			describe_rewrite(&ctx, rw);
			return;
		}
		if (rw && rw->tight && f.problem != PRUNING_REASON_NULL)
		{
			ListCell   *lc;
			bool		covered = true;

			foreach(lc, ctx.problem_conjuncts)
				if (!list_member_ptr(rw->replaced, lfirst(lc)))
					covered = false;
			if (covered)
				f.problem = PRUNING_REASON_NULL;
		}
	}

	if (f.problem != PRUNING_REASON_NULL)
		diag->reason = f.problem;
	else if (f.filter_keys == 0)
		diag->reason = f.other_arm ? PRUNING_REASON_OR_WITH_OTHER_COLUMN :
			diag->under_join ? PRUNING_REASON_JOIN_WITHOUT_KEY_FILTER :
			PRUNING_REASON_NO_KEY_FILTER;
	/* RANGE prunes only from the leading column on, HASH only with every column */
	else if ((key->strategy == PARTITION_STRATEGY_RANGE && !(f.filter_keys & 1)) ||
			 (key->strategy == PARTITION_STRATEGY_HASH && (f.filter_keys & all) != all))
		diag->reason = PRUNING_REASON_PARTIAL_KEY;
	else if (diag->default_scanned && key->nkeys == 1 &&
			 ((key->strategy == PARTITION_STRATEGY_LIST && (f.equal_keys & 1)) ||
			  partman_default_in_gap(&ctx)))
		diag->reason = PRUNING_REASON_DEFAULT_PARTITION;
	describe(&ctx, &f);
}
