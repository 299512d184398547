/*-------------------------------------------------------------------------
 *
 * pruning_reasons.c
 *	  Why a partitioned table was not pruned further, from the conditions
 *	  the plan applies to one of its scanned leaves, and the rewrite that
 *	  would let PostgreSQL prune: the reason codes of partman.explain_pruning,
 *	  the planner hook's diagnostics and its guard.
 *
 * The conditions are read after planning, as the leaf's scan node applies
 * them (Vars of the leaf, constants folded).  Each conjunct that mentions
 * the partition key is classified; the strongest finding (PruningReason is
 * ordered by precedence) becomes the reason.
 *
 *-------------------------------------------------------------------------
 */
#include "partman.h"

#include "access/table.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_type.h"
#include "lib/stringinfo.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/optimizer.h"
#include "parser/parsetree.h"
#include "partitioning/partbounds.h"
#include "partitioning/partdesc.h"
#include "rewrite/rewriteManip.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/fmgrprotos.h"
#include "utils/lsyscache.h"
#include "utils/partcache.h"
#include "utils/ruleutils.h"

static const char *const reason_names[PRUNING_REASON_COUNT] = {
	[PRUNING_REASON_NULL] = NULL,
	[PRUNING_REASON_NO_KEY_FILTER] = "no_key_filter",
	[PRUNING_REASON_JOIN_WITHOUT_KEY_FILTER] = "join_without_key_filter",
	[PRUNING_REASON_OR_WITH_OTHER_COLUMN] = "or_with_other_column",
	[PRUNING_REASON_KEY_IN_EXPRESSION] = "key_in_expression",
	[PRUNING_REASON_COLLATION_MISMATCH] = "collation_mismatch",
	[PRUNING_REASON_RANGE_ON_HASH_KEY] = "range_predicate_on_hash_key",
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

/* The partition key of one table, as Vars and expressions of a leaf. */
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
	Oid			collation[PARTITION_MAX_KEYS];
	Oid			type[PARTITION_MAX_KEYS];
	char	   *name[PARTITION_MAX_KEYS];	/* as the user writes it */
} LeafKey;

/* What the conjuncts showed. */
typedef struct Findings
{
	bool		has_key_filter; /* a conjunct that restricts the key */
	uint32		usable_keys;	/* key columns compared in a way pruning uses */
	PruningReason problem;		/* strongest problem found, or NULL */
	int			key;			/* key column of the problem */
	Node	   *clause;			/* the conjunct showing it */
	Node	   *value;			/* the value compared with the key */
	Node	   *other_arm;		/* an OR arm without the key */
	Oid			value_collation;
	/* extract(field from key) = n seen anywhere */
	int			year,
				month,
				day;
} Findings;

/* ---------------------------------------------------------------------
 * Recognising the key
 * ---------------------------------------------------------------------
 */
typedef struct VarMap
{
	Index		leaf_rti;
	Oid			parent;
	Oid			leaf;
} VarMap;

/* Parent Vars (varno 1) of a key expression as Vars of the leaf. */
static Node *
parent_to_leaf(Node *node, VarMap *map)
{
	if (node == NULL)
		return NULL;
	if (IsA(node, Var))
	{
		Var		   *var = copyObject((Var *) node);
		char	   *name = get_attname(map->parent, var->varattno, false);

		var->varno = map->leaf_rti;
		var->varattno = get_attnum(map->leaf, name);
		var->varnosyn = 0;
		var->varattnosyn = 0;
		return (Node *) var;
	}
	return expression_tree_mutator(node, parent_to_leaf, (void *) map);
}

static void
read_leaf_key(PlannedStmt *stmt, const PruningDiagnosis *diag, LeafKey *key)
{
	Relation	rel = table_open(diag->relid, AccessShareLock);
	PartitionKey pk = RelationGetPartitionKey(rel);
	ListCell   *exprs = list_head(pk->partexprs);
	VarMap		map;

	memset(key, 0, sizeof(*key));
	key->relid = diag->relid;
	key->leaf_rti = diag->sample_leaf;
	key->leaf_relid = rt_fetch(diag->sample_leaf, stmt->rtable)->relid;
	key->strategy = pk->strategy;
	key->nkeys = pk->partnatts;
	map.leaf_rti = key->leaf_rti;
	map.parent = diag->relid;
	map.leaf = key->leaf_relid;
	for (int i = 0; i < pk->partnatts; i++)
	{
		key->opfamily[i] = pk->partopfamily[i];
		key->collation[i] = pk->partcollation[i];
		key->type[i] = pk->parttypid[i];
		if (pk->partattrs[i] != 0)
		{
			char	   *name = get_attname(diag->relid, pk->partattrs[i], false);

			key->attno[i] = get_attnum(key->leaf_relid, name);
			key->name[i] = pstrdup(quote_identifier(name));
		}
		else
		{
			Node	   *expr = lfirst(exprs);

			exprs = lnext(pk->partexprs, exprs);
			key->expr[i] = parent_to_leaf(expr, &map);
			key->name[i] = deparse_expression(expr,
											  deparse_context_for(get_rel_name(diag->relid),
																  diag->relid),
											  false, false);
		}
	}
	table_close(rel, NoLock);
}

static Node *
strip_relabel(Node *node)
{
	while (node && IsA(node, RelabelType))
		node = (Node *) ((RelabelType *) node)->arg;
	return node;
}

/* Which key column node is (binary-compatible relabeling aside), or -1. */
static int
match_key(const LeafKey *key, Node *node)
{
	node = strip_relabel(node);
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
	if (match_key(key, node) >= 0)
		return true;
	return expression_tree_walker(node, mentions_key_walker, (void *) key);
}

static bool
mentions_key(const LeafKey *key, Node *node)
{
	return mentions_key_walker(node, key);
}

static bool
contains_param_walker(Node *node, void *context)
{
	if (node == NULL)
		return false;
	if (IsA(node, Param))
		return true;
	return expression_tree_walker(node, contains_param_walker, context);
}

/* The key itself under a cast, e.g. (user_id)::numeric: which key, or -1. */
static int
cast_of_key(const LeafKey *key, Node *node, Oid *result_type, bool *implicit)
{
	node = strip_relabel(node);
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
			return match_key(key, linitial(f->args));
		}
	}
	else if (IsA(node, CoerceViaIO))
	{
		CoerceViaIO *c = (CoerceViaIO *) node;

		*result_type = c->resulttype;
		*implicit = c->coerceformat == COERCE_IMPLICIT_CAST;
		return match_key(key, (Node *) c->arg);
	}
	return -1;
}

/* ---------------------------------------------------------------------
 * Classifying conjuncts
 * ---------------------------------------------------------------------
 */
static void
found(Findings *f, PruningReason problem, int keyno, Node *clause, Node *value)
{
	if (f->problem == PRUNING_REASON_NULL || problem < f->problem)
	{
		f->problem = problem;
		f->key = keyno;
		f->clause = clause;
		f->value = value;
	}
}

static char *
func_name_of(Node *node)
{
	node = strip_relabel(node);
	if (node && IsA(node, FuncExpr))
		return get_func_name(((FuncExpr *) node)->funcid);
	return NULL;
}

/* An integer constant, whatever its numeric type. */
static bool
const_int(Node *node, int *result)
{
	Const	   *c;
	Oid			out;
	bool		varlena;
	char	   *text;
	char	   *end;
	long		v;

	node = strip_relabel(node);
	if (node == NULL || !IsA(node, Const) || ((Const *) node)->constisnull)
		return false;
	c = (Const *) node;
	getTypeOutputInfo(c->consttype, &out, &varlena);
	text = OidOutputFunctionCall(out, c->constvalue);
	v = strtol(text, &end, 10);
	if (end == text || (*end != '\0' && strcmp(end, ".0") != 0 && strspn(end, ".0") != strlen(end)))
		return false;
	*result = (int) v;
	return true;
}

/* extract(field from key) = n, or date_part: remember field and n. */
static bool
note_extract(const LeafKey *key, Findings *f, Node *fn, Node *value)
{
	char	   *name = func_name_of(fn);
	FuncExpr   *func;
	Const	   *field;
	Oid			cast_type;
	bool		implicit;
	int			n;
	char	   *fieldname;

	if (name == NULL || (strcmp(name, "date_part") != 0 && strcmp(name, "extract") != 0))
		return false;
	func = (FuncExpr *) strip_relabel(fn);
	if (list_length(func->args) != 2 || !IsA(linitial(func->args), Const))
		return false;
	if (match_key(key, lsecond(func->args)) < 0 &&
		cast_of_key(key, lsecond(func->args), &cast_type, &implicit) < 0)
		return false;
	field = linitial(func->args);
	if (field->constisnull || !const_int(value, &n))
		return false;
	fieldname = TextDatumGetCString(field->constvalue);
	if (pg_strcasecmp(fieldname, "year") == 0)
		f->year = n;
	else if (pg_strcasecmp(fieldname, "month") == 0)
		f->month = n;
	else if (pg_strcasecmp(fieldname, "day") == 0)
		f->day = n;
	return true;
}

static bool
is_equality(Oid opno)
{
	char	   *name = get_opname(opno);

	return name && strcmp(name, "=") == 0;
}

static bool
is_ordering(Oid opno)
{
	char	   *name = get_opname(opno);

	return name && (strcmp(name, "<") == 0 || strcmp(name, "<=") == 0 ||
					strcmp(name, ">") == 0 || strcmp(name, ">=") == 0);
}

/* key <op> value, where the key side is exactly key column keyno. */
static void
classify_comparison(const LeafKey *key, Findings *f, Node *clause, int keyno,
					Oid opno, Oid inputcollid, Node *value)
{
	Oid			opfamily = key->opfamily[keyno];

	if (OidIsValid(key->collation[keyno]) && OidIsValid(inputcollid) &&
		inputcollid != key->collation[keyno])
	{
		f->has_key_filter = true;
		f->value_collation = inputcollid;
		found(f, PRUNING_REASON_COLLATION_MISMATCH, keyno, clause, value);
		return;
	}
	if (!op_in_opfamily(opno, opfamily))
	{
		if (key->strategy == PARTITION_STRATEGY_HASH && is_ordering(opno))
		{
			f->has_key_filter = true;
			found(f, PRUNING_REASON_RANGE_ON_HASH_KEY, keyno, clause, value);
		}
		/* <> and foreign operators prune nothing: not a key filter */
		return;
	}
	f->has_key_filter = true;
	f->usable_keys |= (uint32) 1 << keyno;
	if (contain_volatile_functions(value))
		found(f, PRUNING_REASON_VOLATILE_FUNCTION, keyno, clause, value);
	else if (contains_param_walker(value, NULL))
		found(f, PRUNING_REASON_PARAMETER, keyno, clause, value);
	else if (contain_mutable_functions(value))
		found(f, PRUNING_REASON_STABLE_FUNCTION, keyno, clause, value);
	else if (op_volatile(opno) != PROVOLATILE_IMMUTABLE)
		found(f, PRUNING_REASON_CROSS_TYPE_COMPARISON, keyno, clause, value);
}

/* A comparison whose key side is not the bare key. */
static void
classify_key_expression(const LeafKey *key, Findings *f, Node *clause,
						Node *keyside, Oid opno, Node *value)
{
	Oid			cast_type;
	bool		implicit;
	int			keyno;

	f->has_key_filter = true;
	keyno = cast_of_key(key, keyside, &cast_type, &implicit);
	/* user_id = 100.0: the parser cast the key to the value's type */
	if (keyno >= 0 && implicit && !mentions_key(key, value))
	{
		found(f, PRUNING_REASON_CROSS_TYPE_COMPARISON, keyno, clause, value);
		return;
	}
	if (is_equality(opno))
		(void) note_extract(key, f, keyside, value);
	for (keyno = 0; keyno < key->nkeys; keyno++)
		if (mentions_key(key, keyside))
			break;
	found(f, PRUNING_REASON_KEY_IN_EXPRESSION, keyno < key->nkeys ? keyno : 0, clause, value);
}

static void classify(const LeafKey *key, Findings *f, Node *node);

static void
classify_or(const LeafKey *key, Findings *f, BoolExpr *or)
{
	ListCell   *lc;
	Node	   *without = NULL;
	int			with = 0;

	foreach(lc, or->args)
	{
		if (mentions_key(key, lfirst(lc)))
			with++;
		else if (without == NULL)
			without = lfirst(lc);
	}
	if (with == 0)
		return;
	if (without != NULL)
	{
		f->has_key_filter = true;
		if (f->problem == PRUNING_REASON_NULL || PRUNING_REASON_OR_WITH_OTHER_COLUMN < f->problem)
			f->other_arm = without;
		found(f, PRUNING_REASON_OR_WITH_OTHER_COLUMN, 0, (Node *) or, NULL);
		return;
	}
	foreach(lc, or->args)
		classify(key, f, lfirst(lc));
}

static void
classify(const LeafKey *key, Findings *f, Node *node)
{
	if (node == NULL)
		return;
	if (IsA(node, List))
	{
		ListCell   *lc;

		foreach(lc, (List *) node)
			classify(key, f, lfirst(lc));
		return;
	}
	if (IsA(node, BoolExpr))
	{
		BoolExpr   *b = (BoolExpr *) node;

		if (b->boolop == AND_EXPR)
			classify(key, f, (Node *) b->args);
		else if (b->boolop == OR_EXPR)
			classify_or(key, f, b);
		return;
	}
	if (!mentions_key(key, node))
		return;

	if (IsA(node, OpExpr) && list_length(((OpExpr *) node)->args) == 2)
	{
		OpExpr	   *op = (OpExpr *) node;
		Node	   *left = linitial(op->args);
		Node	   *right = lsecond(op->args);
		int			keyno;

		if ((keyno = match_key(key, left)) >= 0 && !mentions_key(key, right))
			classify_comparison(key, f, node, keyno, op->opno, op->inputcollid, right);
		else if ((keyno = match_key(key, right)) >= 0 && !mentions_key(key, left))
			classify_comparison(key, f, node, keyno, op->opno, op->inputcollid, left);
		else if (!mentions_key(key, right))
			classify_key_expression(key, f, node, left, op->opno, right);
		else if (!mentions_key(key, left))
			classify_key_expression(key, f, node, right, op->opno, left);
		return;
	}
	if (IsA(node, ScalarArrayOpExpr))
	{
		ScalarArrayOpExpr *sa = (ScalarArrayOpExpr *) node;
		Node	   *left = linitial(sa->args);
		Node	   *right = lsecond(sa->args);
		int			keyno = match_key(key, left);

		if (keyno >= 0 && sa->useOr && !mentions_key(key, right))
			classify_comparison(key, f, node, keyno, sa->opno, sa->inputcollid, right);
		else if (keyno < 0 && !mentions_key(key, right))
			classify_key_expression(key, f, node, left, sa->opno, right);
		return;
	}
	if (IsA(node, NullTest) && match_key(key, (Node *) ((NullTest *) node)->arg) >= 0)
	{
		f->has_key_filter = true;
		f->usable_keys |= (uint32) 1 << match_key(key, (Node *) ((NullTest *) node)->arg);
		return;
	}
	/* a boolean key by itself */
	if (match_key(key, node) >= 0)
	{
		f->has_key_filter = true;
		f->usable_keys |= (uint32) 1 << match_key(key, node);
		return;
	}
	/* anything else that uses the key: a function of it, LIKE, ... */
	f->has_key_filter = true;
	found(f, PRUNING_REASON_KEY_IN_EXPRESSION, 0, node, NULL);
}

/* ---------------------------------------------------------------------
 * Hints
 * ---------------------------------------------------------------------
 */

/* An expression over the leaf as SQL text, column names unqualified. */
static char *
deparse_leaf(const LeafKey *key, Node *node)
{
	Node	   *copy = copyObject(node);

	ChangeVarNodes(copy, key->leaf_rti, 1, 0);
	return deparse_expression(copy, deparse_context_for(get_rel_name(key->leaf_relid),
														key->leaf_relid),
							  false, false);
}

static char *
day_literal(int y, int m, int d)
{
	return psprintf("'%04d-%02d-%02d'", y, m, d);
}

/* key >= lo AND key < hi, for the day, month or year given. */
static char *
calendar_range(const char *name, int y, int m, int d)
{
	int			y2 = y,
				m2 = m,
				d2 = d;

	if (m == 0)
	{
		m = d = m2 = d2 = 1;
		y2 = y + 1;
	}
	else if (d == 0)
	{
		d = d2 = 1;
		m2 = m + 1;
		if (m2 > 12)
		{
			m2 = 1;
			y2++;
		}
	}
	else
		j2date(date2j(y, m, d) + 1, &y2, &m2, &d2);
	return psprintf("%s >= %s AND %s < %s", name, day_literal(y, m, d),
					name, day_literal(y2, m2, d2));
}

/* The broken-down time of a date, timestamp or timestamptz constant. */
static bool
const_tm(Node *node, struct pg_tm *tm)
{
	Const	   *c;
	fsec_t		fsec;
	int			tz;

	node = strip_relabel(node);
	if (node == NULL || !IsA(node, Const) || ((Const *) node)->constisnull)
		return false;
	c = (Const *) node;
	memset(tm, 0, sizeof(*tm));
	switch (c->consttype)
	{
		case DATEOID:
			if (DATE_NOT_FINITE(DatumGetDateADT(c->constvalue)))
				return false;
			j2date(DatumGetDateADT(c->constvalue) + POSTGRES_EPOCH_JDATE,
				   &tm->tm_year, &tm->tm_mon, &tm->tm_mday);
			return true;
		case TIMESTAMPOID:
			return !TIMESTAMP_NOT_FINITE(DatumGetTimestamp(c->constvalue)) &&
				timestamp2tm(DatumGetTimestamp(c->constvalue), NULL, tm, &fsec, NULL, NULL) == 0;
		case TIMESTAMPTZOID:
			return !TIMESTAMP_NOT_FINITE(DatumGetTimestampTz(c->constvalue)) &&
				timestamp2tm(DatumGetTimestampTz(c->constvalue), &tz, tm, &fsec, NULL, NULL) == 0;
		default:
			return false;
	}
}

/* date_trunc('unit', key) = value: the range of key it means. */
static char *
date_trunc_range(const char *name, FuncExpr *func, Node *value)
{
	struct pg_tm tm;
	char	   *unit;
	int			y,
				m,
				d,
				h = 0;
	bool		hourly = false;

	if (list_length(func->args) < 2 || !IsA(linitial(func->args), Const) ||
		((Const *) linitial(func->args))->constisnull || !const_tm(value, &tm))
		return NULL;
	unit = TextDatumGetCString(((Const *) linitial(func->args))->constvalue);
	y = tm.tm_year;
	m = tm.tm_mon;
	d = tm.tm_mday;
	if (pg_strcasecmp(unit, "year") == 0)
		return calendar_range(name, y, 0, 0);
	if (pg_strcasecmp(unit, "month") == 0)
		return calendar_range(name, y, m, 0);
	if (pg_strcasecmp(unit, "day") == 0)
		return calendar_range(name, y, m, d);
	if (pg_strcasecmp(unit, "quarter") == 0 || pg_strcasecmp(unit, "week") == 0)
	{
		int			y2,
					m2,
					d2;

		if (pg_strcasecmp(unit, "week") == 0)
			j2date(date2j(y, m, d) + 7, &y2, &m2, &d2);
		else
		{
			y2 = y + (m + 2) / 12;
			m2 = (m + 2) % 12 + 1;
			d2 = d;
		}
		return psprintf("%s >= %s AND %s < %s", name, day_literal(y, m, d),
						name, day_literal(y2, m2, d2));
	}
	if (pg_strcasecmp(unit, "hour") == 0)
	{
		int			y2,
					m2,
					d2;

		h = tm.tm_hour;
		hourly = true;
		j2date(date2j(y, m, d) + (h + 1) / 24, &y2, &m2, &d2);
		return psprintf("%s >= '%04d-%02d-%02d %02d:00' AND %s < '%04d-%02d-%02d %02d:00'",
						name, y, m, d, h, name, y2, m2, d2, (h + 1) % 24);
	}
	(void) hourly;
	return NULL;
}

/* lower(key) = 'us' on a LIST key: the list values it can mean. */
static char *
case_folded_list(const LeafKey *key, int keyno, const char *fname, Node *value)
{
	Relation	rel;
	PartitionDesc desc;
	PartitionBoundInfo bounds;
	StringInfoData buf;
	char	   *want;
	int			matches = 0;
	Oid			coll = OidIsValid(key->collation[keyno]) ? key->collation[keyno] :
		DEFAULT_COLLATION_OID;

	value = strip_relabel(value);
	if (key->strategy != PARTITION_STRATEGY_LIST || value == NULL || !IsA(value, Const) ||
		((Const *) value)->constisnull ||
		(key->type[keyno] != TEXTOID && key->type[keyno] != VARCHAROID &&
		 key->type[keyno] != BPCHAROID))
		return NULL;
	want = TextDatumGetCString(((Const *) value)->constvalue);

	rel = table_open(key->relid, AccessShareLock);
	desc = RelationGetPartitionDesc(rel, true);
	bounds = desc->boundinfo;
	initStringInfo(&buf);
	for (int i = 0; bounds && i < bounds->ndatums; i++)
	{
		Datum		v = bounds->datums[i][0];
		Datum		folded = strcmp(fname, "lower") == 0 ?
			DirectFunctionCall1Coll(lower, coll, v) :
			DirectFunctionCall1Coll(upper, coll, v);

		if (strcmp(TextDatumGetCString(folded), want) == 0)
		{
			appendStringInfo(&buf, "%s%s", matches++ ? ", " : "",
							 quote_literal_cstr(TextDatumGetCString(v)));
		}
	}
	table_close(rel, NoLock);
	if (matches == 0)
		return NULL;
	if (matches == 1)
		return psprintf("%s = %s", key->name[keyno], buf.data);
	return psprintf("%s IN (%s)", key->name[keyno], buf.data);
}

/* The rewrite of a condition that has the key inside an expression. */
static char *
key_expression_rewrite(const LeafKey *key, Findings *f)
{
	OpExpr	   *op;
	Node	   *keyside;
	char	   *fname;
	const char *name = key->name[f->key];
	Oid			cast_type;
	bool		implicit;

	if (f->year != 0)
		return calendar_range(name, f->year, f->month, f->month ? f->day : 0);
	if (f->clause == NULL || !IsA(f->clause, OpExpr) || f->value == NULL ||
		!is_equality(((OpExpr *) f->clause)->opno))
		return NULL;
	op = (OpExpr *) f->clause;
	keyside = strip_relabel(linitial(op->args)) == strip_relabel(f->value) ?
		lsecond(op->args) : linitial(op->args);
	if (!IsA(strip_relabel(f->value), Const))
		return NULL;

	fname = func_name_of(keyside);
	if (fname && strcmp(fname, "date_trunc") == 0)
		return date_trunc_range(name, (FuncExpr *) strip_relabel(keyside), f->value);
	if (fname && (strcmp(fname, "lower") == 0 || strcmp(fname, "upper") == 0) &&
		match_key(key, linitial(((FuncExpr *) strip_relabel(keyside))->args)) >= 0)
		return case_folded_list(key, f->key, fname, f->value);
	if (cast_of_key(key, keyside, &cast_type, &implicit) >= 0)
	{
		Const	   *c = (Const *) strip_relabel(f->value);
		Oid			out;
		bool		varlena;
		char	   *text;
		struct pg_tm tm;

		if (c->constisnull)
			return NULL;
		/* created_at::date = '2024-06-15': that day's range */
		if (cast_type == DATEOID &&
			(key->type[f->key] == TIMESTAMPOID || key->type[f->key] == TIMESTAMPTZOID) &&
			const_tm((Node *) c, &tm))
			return calendar_range(name, tm.tm_year, tm.tm_mon, tm.tm_mday);
		/* order_date::text = '2024-06-15': compare the key itself */
		getTypeOutputInfo(c->consttype, &out, &varlena);
		text = OidOutputFunctionCall(out, c->constvalue);
		return psprintf("%s = %s", name, quote_literal_cstr(text));
	}
	return NULL;
}

static const char *
filter_operators(const LeafKey *key)
{
	return key->strategy == PARTITION_STRATEGY_RANGE ?
		"=, <, <=, >, >=, BETWEEN or IN" : "= or IN";
}

/* Fill in diag's reason sentence and hint from the findings. */
static void
describe(PlannedStmt *stmt, PruningDiagnosis *diag, const LeafKey *key, Findings *f)
{
	const char *name = key->name[f->key];
	char	   *rewrite = NULL;

	switch (diag->reason)
	{
		case PRUNING_REASON_NULL:
		case PRUNING_REASON_COUNT:
			return;
		case PRUNING_REASON_NO_KEY_FILTER:
			diag->detail = psprintf("The query has no condition on the partition key %s.", name);
			diag->hint = psprintf("Add a condition that compares %s with constants (%s).",
								  name, filter_operators(key));
			break;
		case PRUNING_REASON_JOIN_WITHOUT_KEY_FILTER:
			diag->detail = psprintf("The table is joined, but no condition restricts its partition key %s.",
									name);
			diag->hint = psprintf("Add a condition on %s; a join condition prunes only the inner side of a nested loop, while it runs.",
								  name);
			break;
		case PRUNING_REASON_OR_WITH_OTHER_COLUMN:
			diag->detail = psprintf("An OR has an arm without a condition on %s, so any partition may hold matching rows.",
									name);
			diag->hint = psprintf("Give every arm of the OR a condition on %s, or run the arm %s as a separate query combined with UNION ALL.",
								  name, f->other_arm ? deparse_leaf(key, f->other_arm) : "");
			break;
		case PRUNING_REASON_KEY_IN_EXPRESSION:
			diag->detail = psprintf("The partition key %s is used inside an expression, which cannot be compared with partition bounds.",
									name);
			rewrite = key_expression_rewrite(key, f);
			if (rewrite == NULL && f->year == 0 && (f->month != 0 || f->day != 0))
				diag->hint = psprintf("Compare %s with one range per year instead, e.g. %s >= 'YYYY-MM-DD' AND %s < 'YYYY-MM-DD'.",
									  name, name, name);
			else if (rewrite == NULL)
				diag->hint = psprintf("Compare %s itself with a value: move the computation to the other side of the comparison.",
									  name);
			break;
		case PRUNING_REASON_COLLATION_MISMATCH:
			diag->detail = psprintf("The comparison on %s uses collation \"%s\", but the partition key uses collation \"%s\".",
									name, get_collation_name(f->value_collation),
									get_collation_name(key->collation[f->key]));
			diag->hint = psprintf("Compare %s with the partition key's collation \"%s\" (drop the COLLATE clause).",
								  name, get_collation_name(key->collation[f->key]));
			break;
		case PRUNING_REASON_RANGE_ON_HASH_KEY:
			diag->detail = psprintf("%s is a hash partition key, and hash partitions are pruned only by = and IN.",
									name);
			diag->hint = psprintf("List the values instead (%s IN (...)), or partition by RANGE if range queries matter.",
								  name);
			break;
		case PRUNING_REASON_VOLATILE_FUNCTION:
			diag->detail = psprintf("The value compared with %s comes from a volatile function, which is never used for pruning.",
									name);
			if (f->clause && IsA(f->clause, OpExpr))
				rewrite = psprintf("%s %s (SELECT %s)", name,
								   get_opname(((OpExpr *) f->clause)->opno),
								   deparse_leaf(key, f->value));
			else
				diag->hint = pstrdup("Compute the value once in a scalar subquery, (SELECT ...), so partitions are pruned while the query runs.");
			break;
		case PRUNING_REASON_CROSS_TYPE_COMPARISON:
			diag->detail = psprintf("%s is compared with a value of another type, so pruning waits until execution starts or does not happen.",
									name);
			/* a cast can change which rows match, so this is advice, not a rewrite */
			if (f->value)
				diag->hint = psprintf("Compare %s with a value of its own type, %s, e.g. CAST(%s AS %s); that comparison prunes at plan time.",
									  name, format_type_be(key->type[f->key]),
									  deparse_leaf(key, f->value),
									  format_type_be(key->type[f->key]));
			break;
		case PRUNING_REASON_STABLE_FUNCTION:
			diag->detail = psprintf("The value compared with %s comes from a stable function, so partitions are pruned when execution starts, not at plan time.",
									name);
			diag->hint = pstrdup("Nothing to fix: execution prunes the partitions. A constant value prunes them at plan time.");
			break;
		case PRUNING_REASON_PARAMETER:
			diag->detail = psprintf("The value compared with %s is a parameter, so partitions are pruned when execution starts or while it runs, not at plan time.",
									name);
			diag->hint = pstrdup("Nothing to fix: execution prunes the partitions. plan_cache_mode = force_custom_plan prunes them at plan time instead.");
			break;
		case PRUNING_REASON_DEFAULT_PARTITION:
			diag->detail = pstrdup("The default partition is scanned because the condition reaches values outside every partition's bounds.");
			diag->hint = pstrdup("Create partitions for those values (partman.run_maintenance or partman.create_partition), or narrow the condition.");
			break;
	}
	if (rewrite)
	{
		diag->hint = rewrite;
		diag->hint_is_rewrite = true;
	}
}

/*
 * partman_explain_reason
 *		Sets diag->reason, detail and hint.  Opens the partitioned table
 *		(AccessShareLock, which the planner already holds).
 */
void
partman_explain_reason(PlannedStmt *stmt, PruningDiagnosis *diag)
{
	LeafKey		key;
	Findings	f;

	diag->reason = PRUNING_REASON_NULL;
	diag->detail = diag->hint = NULL;
	diag->hint_is_rewrite = false;
	/* pruned as far as it goes */
	if (diag->partitions_scanned == 0 ||
		(diag->kind == PRUNING_PLAN && diag->partitions_scanned <= 1))
		return;

	read_leaf_key(stmt, diag, &key);
	memset(&f, 0, sizeof(f));
	classify(&key, &f, (Node *) diag->sample_quals);

	/*
	 * Conditions on key columns prune only in combination: RANGE needs the
	 * first column, HASH every column.
	 */
	if (f.problem == PRUNING_REASON_NULL && f.has_key_filter &&
		((key.strategy == PARTITION_STRATEGY_RANGE && !(f.usable_keys & 1)) ||
		 (key.strategy == PARTITION_STRATEGY_HASH &&
		  f.usable_keys != ((uint32) 1 << key.nkeys) - 1)))
		f.has_key_filter = false;

	if (f.problem != PRUNING_REASON_NULL)
		diag->reason = f.problem;
	else if (!f.has_key_filter)
		diag->reason = diag->under_join ? PRUNING_REASON_JOIN_WITHOUT_KEY_FILTER :
			PRUNING_REASON_NO_KEY_FILTER;
	else if (diag->default_scanned)
		diag->reason = PRUNING_REASON_DEFAULT_PARTITION;
	describe(stmt, diag, &key, &f);
}
