/*-------------------------------------------------------------------------
 *
 * pruning_verify.c
 *	  Checks a rewrite before anyone sees it, and asks PostgreSQL's own
 *	  proofs about partition bounds what the plan could have left out.
 *
 * A rewrite (pruning_rewrite.c) is written as SQL with DateStyle ISO,
 * TimeZone UTC and IntervalStyle postgres, so its literals carry explicit
 * offsets and no setting changes what they mean.  It is offered only when:
 * every value it took from the query was written so that no setting
 * changes it either; its text parses (in a query on the table) to the same
 * expression under other DateStyle, TimeZone and IntervalStyle settings;
 * and planned together with the query's other conditions on the table, it
 * scans fewer partitions, or prunes earlier, than the query.  Parsing and
 * planning run in a subtransaction: an error there means "no rewrite",
 * never a failed query.
 *
 *-------------------------------------------------------------------------
 */
#include "pruning_internal.h"

#include "access/table.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/optimizer.h"
#include "parser/analyze.h"
#include "parser/parser.h"
#include "partitioning/partbounds.h"
#include "partitioning/partdesc.h"
#include "tcop/tcopprot.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/resowner.h"
#include "utils/ruleutils.h"
#include "utils/timestamp.h"

/* ---------------------------------------------------------------------
 * Settings
 * ---------------------------------------------------------------------
 */
typedef struct Setting
{
	const char *name;
	const char *value;
} Setting;

/* how rewrites are written: literals no setting changes */
static const Setting written[] = {
	{"DateStyle", "ISO, YMD"},
	{"TimeZone", "UTC"},
	{"IntervalStyle", "postgres"},
	{"extra_float_digits", "1"},
	{NULL, NULL}
};

/* two sessions unlike most, to read literals and rewrites under */
static const Setting elsewhere[2][4] = {
	{{"DateStyle", "SQL, DMY"}, {"TimeZone", "Pacific/Kiritimati"},
	{"IntervalStyle", "sql_standard"}, {NULL, NULL}},
	{{"DateStyle", "Postgres, MDY"}, {"TimeZone", "America/St_Johns"},
	{"IntervalStyle", "iso_8601"}, {NULL, NULL}}
};

/* Apply settings for a while; pop_settings restores the session's. */
static int
push_settings(const Setting *settings)
{
	int			level = NewGUCNestLevel();

	for (const Setting *s = settings; s->name; s++)
		(void) set_config_option(s->name, s->value, PGC_USERSET, PGC_S_SESSION,
								 GUC_ACTION_SAVE, true, 0, false);
	return level;
}

static void
pop_settings(int level)
{
	AtEOXact_GUC(true, level);
}

/* ---------------------------------------------------------------------
 * Conditions as SQL
 * ---------------------------------------------------------------------
 */
/* node's leaf Vars as Vars (varno 1) of the diagnosed table, or NULL when it has others. */
static Node *
to_level(ReasonContext *ctx, Node *node)
{
	PartmanVarMap map;
	Node	   *result;

	map.from_rti = ctx->key.leaf_rti;
	map.from = ctx->key.leaf_relid;
	map.to_rti = 1;
	map.to = ctx->key.relid;
	map.syn = true;
	map.ok = true;
	result = partman_map_vars(node, &map);
	return map.ok ? result : NULL;
}

/* "(a AND b)" as "a AND b": the outer pair adds nothing to a condition. */
static char *
strip_parentheses(char *text)
{
	size_t		len = strlen(text);
	int			depth = 0;
	char		quote = 0;

	if (len < 2 || text[0] != '(' || text[len - 1] != ')')
		return text;
	for (size_t i = 0; i < len; i++)
	{
		/* a doubled quote inside a literal ends and starts it again */
		if (quote != 0)
		{
			if (text[i] == quote)
				quote = 0;
		}
		else if (text[i] == '\'' || text[i] == '"')
			quote = text[i];
		else if (text[i] == '(')
			depth++;
		else if (text[i] == ')' && --depth == 0 && i != len - 1)
			return text;		/* the first pair closes before the end */
	}
	text[len - 1] = '\0';
	return text + 1;
}

/*
 * partman_deparse_fixed
 *		A condition on the leaf as SQL on the table, its literals written
 *		with DateStyle ISO, TimeZone UTC and IntervalStyle postgres; names
 *		qualified as the query names the table when it reads several.
 */
char *
partman_deparse_fixed(ReasonContext *ctx, Node *node)
{
	Node	   *level = to_level(ctx, node);
	char	   *text;
	int			gucs;

	if (level == NULL)
		return pstrdup("(a condition on other tables)");
	/* no setting may change in parallel mode; there, the text is for messages only */
	gucs = IsInParallelMode() ? -1 : push_settings(written);
	text = deparse_expression(level,
							  deparse_context_for(ctx->refname ? ctx->refname :
												  get_rel_name(ctx->key.relid),
												  ctx->key.relid),
							  ctx->refname != NULL, false);
	if (gucs >= 0)
		pop_settings(gucs);
	/* an OR keeps them: the condition may stand next to an AND */
	if (IsA(node, BoolExpr) && ((BoolExpr *) node)->boolop == OR_EXPR)
		return text;
	return strip_parentheses(text);
}

/* ---------------------------------------------------------------------
 * Values from the query
 * ---------------------------------------------------------------------
 */

/* The string literal at offset location of text, or NULL. */
static char *
literal_at(const char *text, int location)
{
	StringInfoData buf;
	const char *p;

	if (text == NULL || location < 0 || location >= (int) strlen(text) || text[location] != '\'')
		return NULL;
	initStringInfo(&buf);
	for (p = text + location + 1;; p++)
	{
		if (*p == '\0' || *p == '\\')
			return NULL;		/* unterminated, or read differently by standard_conforming_strings */
		if (*p == '\'')
		{
			if (p[1] != '\'')
				break;
			p++;
		}
		appendStringInfoChar(&buf, *p);
	}
	return buf.data;
}

/*
 * partman_const_is_fixed
 *		Does the value mean the same under every DateStyle, TimeZone and
 *		IntervalStyle?  Numbers, booleans, uuids and strings do.  A date or
 *		time is read from the literal the query wrote, which must give this
 *		value under the session's settings and under two others.  Raises an
 *		error for a literal the other settings reject (run in a
 *		subtransaction).
 */
bool
partman_const_is_fixed(ReasonContext *ctx, Const *c)
{
	char	   *literal;
	Oid			input,
				ioparam;
	int16		typlen;
	bool		byval;

	if (c->constisnull)
		return true;
	switch (c->consttype)
	{
		case INT2OID:
		case INT4OID:
		case INT8OID:
		case NUMERICOID:
		case FLOAT4OID:
		case FLOAT8OID:
		case BOOLOID:
		case OIDOID:
		case UUIDOID:
		case TEXTOID:
		case VARCHAROID:
		case BPCHAROID:
		case NAMEOID:
		case TEXTARRAYOID:
		case INT4ARRAYOID:
			return true;
		case DATEOID:
		case TIMESTAMPOID:
		case TIMESTAMPTZOID:
		case INTERVALOID:
		case TIMEOID:
		case TIMETZOID:
			break;
		default:
			return false;
	}
	if ((literal = literal_at(ctx->source_text, c->location)) == NULL)
		return false;
	getTypeInputInfo(c->consttype, &input, &ioparam);
	get_typlenbyval(c->consttype, &typlen, &byval);
	if (!datumIsEqual(OidInputFunctionCall(input, literal, ioparam, c->consttypmod),
					  c->constvalue, byval, typlen))
		return false;
	for (int i = 0; i < 2; i++)
	{
		int			gucs = push_settings(elsewhere[i]);
		Datum		v = OidInputFunctionCall(input, literal, ioparam, c->consttypmod);

		pop_settings(gucs);
		if (!datumIsEqual(v, c->constvalue, byval, typlen))
			return false;
	}
	return true;
}

/*
 * partman_const_wallclock
 *		A timestamptz the query wrote without a time zone, like
 *		'2024-06-01': its instant follows TimeZone, but its reading on the
 *		session's clock does not.  Sets *wall to that reading when the
 *		literal gives the value under the session's settings and the same
 *		reading under two others.  Raises an error for a literal the other
 *		settings reject (run in a subtransaction).
 */
bool
partman_const_wallclock(ReasonContext *ctx, Const *c, Timestamp *wall)
{
	char	   *literal;
	Oid			input,
				ioparam;
	Timestamp	reading;

	if (c->constisnull || c->consttype != TIMESTAMPTZOID ||
		(literal = literal_at(ctx->source_text, c->location)) == NULL)
		return false;
	getTypeInputInfo(c->consttype, &input, &ioparam);
	if (DatumGetTimestampTz(OidInputFunctionCall(input, literal, ioparam, c->consttypmod)) !=
		DatumGetTimestampTz(c->constvalue))
		return false;
	reading = DatumGetTimestamp(DirectFunctionCall1(timestamptz_timestamp, c->constvalue));
	for (int i = 0; i < 2; i++)
	{
		int			gucs = push_settings(elsewhere[i]);
		Datum		v = OidInputFunctionCall(input, literal, ioparam, c->consttypmod);
		Timestamp	other = DatumGetTimestamp(DirectFunctionCall1(timestamptz_timestamp, v));

		pop_settings(gucs);
		if (other != reading)
			return false;
	}
	*wall = reading;
	return true;
}

typedef struct FixedCheck
{
	ReasonContext *ctx;
	List	   *own;
} FixedCheck;

static bool
unfixed_const_walker(Node *node, FixedCheck *check)
{
	if (node == NULL)
		return false;
	if (IsA(node, Const))
		return !list_member_ptr(check->own, node) &&
			!partman_const_is_fixed(check->ctx, (Const *) node);
	return expression_tree_walker(node, unfixed_const_walker, (void *) check);
}

/* ---------------------------------------------------------------------
 * The query's own conditions on the table
 * ---------------------------------------------------------------------
 */
static bool
nonlocal_walker(Node *node, Index *leaf_rti)
{
	if (node == NULL)
		return false;
	if (IsA(node, Var))
		return ((Var *) node)->varno != *leaf_rti || ((Var *) node)->varlevelsup != 0;
	if (IsA(node, Param) || IsA(node, SubPlan) || IsA(node, AlternativeSubPlan) ||
		IsA(node, SubLink) || IsA(node, PlaceHolderVar) || IsA(node, Aggref) ||
		IsA(node, WindowFunc) || IsA(node, GroupingFunc) || IsA(node, CurrentOfExpr))
		return true;
	return expression_tree_walker(node, nonlocal_walker, (void *) leaf_rti);
}

/* Conjuncts that read only the leaf's columns and constants, nothing volatile. */
static List *
local_conjuncts(ReasonContext *ctx, List *except)
{
	List	   *result = NIL;
	ListCell   *lc;

	foreach(lc, ctx->conjuncts)
	{
		Node	   *conjunct = lfirst(lc);

		if (list_member_ptr(except, conjunct) ||
			nonlocal_walker(conjunct, &ctx->key.leaf_rti) ||
			contain_volatile_functions(conjunct))
			continue;
		result = lappend(result, conjunct);
	}
	return result;
}

/* ---------------------------------------------------------------------
 * Planning a rewrite
 * ---------------------------------------------------------------------
 */
static Query *
analyze_probe(const char *sql)
{
	List	   *raw = raw_parser(sql, RAW_PARSE_DEFAULT);

	if (list_length(raw) != 1)
		elog(ERROR, "partman: a rewrite is not one statement");
	return parse_analyze_fixedparams(linitial_node(RawStmt, raw), sql, NULL, 0, NULL);
}

/*
 * Write the rewrite, check what it means does not depend on settings, and
 * plan it with the query's other conditions on the table.  False when any
 * check fails.
 */
static bool
verify(ReasonContext *ctx, Rewrite *rw)
{
	FixedCheck	check = {ctx, rw->own_consts};
	char	   *relname = get_rel_name(ctx->key.relid);
	char	   *sql;
	Query	   *query;
	List	   *quals;
	ListCell   *lc;
	PlannedStmt *plan;
	bool		found = false;

	if (unfixed_const_walker(rw->replacement, &check))
		return false;
	rw->text = partman_deparse_fixed(ctx, rw->replacement);
	/* backslashes read differently with standard_conforming_strings off */
	if (strchr(rw->text, '\\') != NULL)
		return false;
	rw->replaced_text = partman_deparse_fixed(ctx, (Node *) make_ands_explicit(rw->replaced));

	sql = psprintf("SELECT 1 FROM %s AS %s WHERE %s",
				   partman_qualified_in(get_namespace_name(get_rel_namespace(ctx->key.relid)),
											  relname),
				   partman_quote_name(ctx->refname ? ctx->refname : relname), rw->text);
	query = analyze_probe(sql);
	for (int i = 0; i < 2; i++)
	{
		int			gucs = push_settings(elsewhere[i]);
		Query	   *other = analyze_probe(sql);

		pop_settings(gucs);
		if (!equal(query->jointree->quals, other->jointree->quals))
			return false;
	}

	quals = list_make1(query->jointree->quals);
	foreach(lc, local_conjuncts(ctx, rw->replaced))
	{
		Node	   *level = to_level(ctx, lfirst(lc));

		if (level)
			quals = lappend(quals, level);
	}
	query->jointree->quals = (Node *) make_ands_explicit(quals);

	plan = pg_plan_query(query, sql, 0, NULL);
	foreach(lc, partman_diagnose_plan(plan))
	{
		PruningDiagnosis *d = lfirst(lc);

		if (d->rti == 1)
		{
			rw->scanned = d->partitions_scanned;
			rw->kind = d->kind;
			found = true;
		}
	}
	if (!found)
	{
		/* the conditions are contradictory: nothing is scanned */
		rw->scanned = 0;
		rw->kind = PRUNING_PLAN;
	}
	return true;
}

/*
 * partman_try_rewrite
 *		Build the rewrite of the conditions ctx found, and verify it; NULL
 *		when there is none or a check fails.  Runs in a subtransaction
 *		(not in parallel mode, where none can start).
 */
Rewrite *
partman_try_rewrite(ReasonContext *ctx)
{
	MemoryContext oldcontext = CurrentMemoryContext;
	ResourceOwner oldowner = CurrentResourceOwner;
	Rewrite    *volatile result = NULL;

	if (IsInParallelMode())
		return NULL;
	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(oldcontext);
	partman_pruning_planning(true);
	PG_TRY();
	{
		Rewrite    *rw = partman_build_rewrite(ctx);

		if (rw && verify(ctx, rw))
			result = rw;
		partman_pruning_planning(false);
		ReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(oldcontext);
		CurrentResourceOwner = oldowner;
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		partman_pruning_planning(false);
		MemoryContextSwitchTo(oldcontext);
		edata = CopyErrorData();
		FlushErrorState();
		RollbackAndReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(oldcontext);
		CurrentResourceOwner = oldowner;
		/* a cancel or shutdown is not ours to swallow */
		if (edata->sqlerrcode == ERRCODE_QUERY_CANCELED ||
			edata->sqlerrcode == ERRCODE_ADMIN_SHUTDOWN ||
			edata->sqlerrcode == ERRCODE_OUT_OF_MEMORY)
			ReThrowError(edata);
		result = NULL;
	}
	PG_END_TRY();
	return result;
}

/* ---------------------------------------------------------------------
 * PostgreSQL's proofs about partition bounds
 * ---------------------------------------------------------------------
 */

/* key <strategy> value, a Const of the key's type */
static Node *
bound_compare(const LeafKey *key, int strategy, Datum value)
{
	Oid			type = key->opcintype[0];
	Oid			opno = get_opfamily_member(key->opfamily[0], type, type, strategy);
	int16		typlen;
	bool		byval;
	Node	   *var;
	OpExpr	   *op;

	if (!OidIsValid(opno))
		return NULL;
	get_typlenbyval(type, &typlen, &byval);
	if (key->attno[0] != 0)
		var = (Node *) makeVar(key->leaf_rti, key->attno[0], key->type[0], key->typmod[0],
							   key->collation[0], 0);
	else
		var = copyObject(key->expr[0]);
	if (exprType(var) != type)
		var = (Node *) makeRelabelType((Expr *) var, type, -1, key->collation[0],
									   COERCE_IMPLICIT_CAST);
	op = (OpExpr *) make_opclause(opno, BOOLOID, false, (Expr *) var,
								  (Expr *) makeConst(type, -1, key->collation[0], typlen,
													 datumCopy(value, byval, typlen), false, byval),
								  InvalidOid, key->collation[0]);
	set_opfuncid(op);
	return (Node *) op;
}

/*
 * partman_default_in_gap
 *		For a RANGE key of one column: do the query's conditions imply that
 *		the key lies between the lowest and the highest partition bound
 *		(predtest.c)?  Then the default partition is scanned for a gap.
 */
bool
partman_default_in_gap(ReasonContext *ctx)
{
	const LeafKey *key = &ctx->key;
	Relation	rel;
	PartitionBoundInfo bounds;
	List	   *span = NIL;
	List	   *local = local_conjuncts(ctx, NIL);
	bool		result = false;

	if (key->strategy != PARTITION_STRATEGY_RANGE || key->nkeys != 1 || local == NIL)
		return false;
	rel = table_open(key->relid, AccessShareLock);
	bounds = RelationGetPartitionDesc(rel, true)->boundinfo;
	if (bounds && bounds->ndatums >= 2 &&
		bounds->kind[0][0] == PARTITION_RANGE_DATUM_VALUE &&
		bounds->kind[bounds->ndatums - 1][0] == PARTITION_RANGE_DATUM_VALUE)
	{
		Node	   *lo = bound_compare(key, BTGreaterEqualStrategyNumber, bounds->datums[0][0]);
		Node	   *hi = bound_compare(key, BTLessStrategyNumber,
									   bounds->datums[bounds->ndatums - 1][0]);

		if (lo && hi)
		{
			span = list_make2(lo, hi);
			result = predicate_implied_by(span, local, false);
		}
	}
	table_close(rel, NoLock);
	return result;
}
