/*-------------------------------------------------------------------------
 *
 * advise_workload.c
 *	  The workload partman.advise_key judges query fit by: every statement
 *	  pg_stat_statements recorded in this database that reads the table,
 *	  with its calls and total execution time, and for each column of the
 *	  table how the statement restricts it (= or IN, a range, a join, a
 *	  form that cannot prune, nothing).
 *
 * Statements are read through SPI with search_path pinned, then parsed and
 * analysed (never planned or run) with the caller's search_path, as the
 * statements were written against it.  pg_stat_statements shows constants
 * as $1, $2, ...: they are analysed as parameters of unknown type, which
 * the context resolves.  Each statement is analysed in a subtransaction
 * that is always rolled back, so a statement that no longer analyses (a
 * dropped table, a text that normalisation broke) is only counted, and the
 * locks analysis takes are released at once.
 *
 * The qual walk is this file's own, deliberately simpler than the planner
 * layer's pruning analysis (src/pruning_*.c), which explains one plan: here
 * only the parse tree is at hand, and the question is which column would
 * have pruned had the table been partitioned by it.  It follows what
 * partition pruning uses: conjuncts of WHERE and of inner join conditions
 * (and of an outer join's condition for its nullable side), comparisons of
 * the bare column with a value known when execution starts (constants,
 * parameters, stable functions, outer references), IN / = ANY lists, OR
 * arms that all restrict the column, and equalities carried through
 * equality joins, as the planner's equivalence classes carry them.
 *
 *-------------------------------------------------------------------------
 */
#include "partman.h"

#include <ctype.h>

#include "access/xact.h"
#include "catalog/pg_am.h"
#include "catalog/pg_type.h"
#include "commands/defrem.h"
#include "commands/extension.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/optimizer.h"
#include "optimizer/prep.h"
#include "parser/analyze.h"
#include "parser/parser.h"
#include "parser/parsetree.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/resowner.h"

/* A row of pg_stat_statements. */
typedef struct RecordedStatement
{
	char	   *query;
	double		calls;
	double		time_ms;
} RecordedStatement;

typedef struct ReadArgs
{
	const char *sql;
	Datum		values[2];
	MemoryContext cxt;
	List	   *rows;			/* of RecordedStatement */
	int			hidden;
} ReadArgs;

/* pg_stat_statements shows other roles' texts only to pg_read_all_stats */
#define HIDDEN_TEXT "<insufficient privilege>"

/* Errors that are not about the statement or view at hand: they go on up. */
static bool
interrupting_error(const ErrorData *edata)
{
	return edata->sqlerrcode == ERRCODE_QUERY_CANCELED ||
		edata->sqlerrcode == ERRCODE_ADMIN_SHUTDOWN ||
		edata->sqlerrcode == ERRCODE_OUT_OF_MEMORY;
}

/* Run in a subtransaction: the view fails when the library is not preloaded. */
static void
read_recorded(void *arg)
{
	ReadArgs   *args = arg;
	Oid			argtypes[2] = {OIDOID, TEXTOID};
	int			rc;
	MemoryContext old;

	rc = SPI_execute_with_args(args->sql, 2, argtypes, args->values, NULL, true, 0);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "could not read pg_stat_statements: %s", SPI_result_code_string(rc));
	old = MemoryContextSwitchTo(args->cxt);
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		HeapTuple	tuple = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		RecordedStatement *row;
		bool		isnull;

		row = palloc(sizeof(RecordedStatement));
		row->query = SPI_getvalue(tuple, desc, 1);
		if (row->query == NULL)
			continue;
		if (strcmp(row->query, HIDDEN_TEXT) == 0)
		{
			args->hidden++;
			continue;
		}
		row->calls = DatumGetFloat8(SPI_getbinval(tuple, desc, 2, &isnull));
		row->time_ms = DatumGetFloat8(SPI_getbinval(tuple, desc, 3, &isnull));
		if (isnull)
			row->time_ms = 0;
		args->rows = lappend(args->rows, row);
	}
	MemoryContextSwitchTo(old);
}

/*
 * The statements pg_stat_statements recorded in this database whose text
 * mentions the table's name (analysis decides whether they read it), or
 * NIL with workload->unknown_reason set when it cannot be read.
 */
static List *
recorded_statements(const AdviseTable *table, AdviseWorkload *workload)
{
	MemoryContext cxt = CurrentMemoryContext;
	int			spi_level;
	int			rc;
	char	   *schema;
	StringInfoData sql;
	ReadArgs	args;
	ErrorData  *edata;

	if (!OidIsValid(get_extension_oid("pg_stat_statements", true)))
	{
		workload->unknown_reason = "pg_stat_statements is not installed in this database";
		workload->unknown_hint = "Add pg_stat_statements to shared_preload_libraries, run CREATE EXTENSION pg_stat_statements, and let the workload run.";
		return NIL;
	}

	spi_level = partman_spi_connect(false);
	rc = SPI_execute("SELECT n.nspname FROM pg_catalog.pg_extension e "
					 "JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) e.extnamespace "
					 "WHERE e.extname OPERATOR(pg_catalog.=) 'pg_stat_statements'", true, 1);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "could not read pg_extension: %s", SPI_result_code_string(rc));
	partman_spi_one_row("the schema of pg_stat_statements", 1);
	schema = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);

	initStringInfo(&sql);
	appendStringInfo(&sql,
					 "SELECT s.query, s.calls::pg_catalog.float8, "
					 "s.total_exec_time::pg_catalog.float8 "
					 "FROM %s.pg_stat_statements s "
					 "WHERE s.dbid OPERATOR(pg_catalog.=) $1 "
					 "AND s.calls OPERATOR(pg_catalog.>) 0 "
					 "AND (pg_catalog.strpos(pg_catalog.lower(s.query), pg_catalog.lower($2)) OPERATOR(pg_catalog.>) 0 "
					 "OR s.query OPERATOR(pg_catalog.=) '" HIDDEN_TEXT "') "
					 "ORDER BY s.queryid, s.userid",
					 partman_quote_name(schema));
	memset(&args, 0, sizeof(args));
	args.sql = sql.data;
	args.values[0] = ObjectIdGetDatum(MyDatabaseId);
	args.values[1] = CStringGetTextDatum(table->name);
	args.cxt = cxt;
	edata = partman_try_subtransaction(read_recorded, &args);
	MemoryContextSwitchTo(cxt);
	partman_spi_finish(spi_level);

	if (edata != NULL && interrupting_error(edata))
		ReThrowError(edata);
	if (edata != NULL)
	{
		workload->unknown_reason = psprintf("pg_stat_statements could not be read: %s",
											edata->message);
		workload->unknown_hint = edata->hint ? pstrdup(edata->hint) : NULL;
		return NIL;
	}
	workload->hidden = args.hidden;
	return args.rows;
}

/*
 * If p (after the word "extract") reads "($n FROM", the length up to the
 * $, and in *digits the length of "$n"; else 0.
 */
static int
extract_placeholder(const char *p, int *digits)
{
	const char *q = p;
	const char *d;

	while (isspace((unsigned char) *q))
		q++;
	if (*q++ != '(')
		return 0;
	while (isspace((unsigned char) *q))
		q++;
	if (q[0] != '$' || !isdigit((unsigned char) q[1]))
		return 0;
	d = q + 1;
	while (isdigit((unsigned char) *d))
		d++;
	if (!isspace((unsigned char) *d))
		return 0;
	while (isspace((unsigned char) *d))
		d++;
	if (pg_strncasecmp(d, "from", 4) != 0 || isalnum((unsigned char) d[4]) || d[4] == '_')
		return 0;
	*digits = 1;
	while (isdigit((unsigned char) q[*digits]))
		(*digits)++;
	return q - p;
}

/*
 * pg_stat_statements writes a typed literal such as date '2024-06-01' as
 * "date $1", which no longer parses; "$1::date" means the same.  It writes
 * extract(year FROM x) as "extract($1 FROM x)", which does not parse
 * either; any field keeps the statement's shape, so it becomes epoch.
 * Rewrites those forms for the common time types, outside quotes and
 * comments.
 */
static char *
repair_typed_placeholders(const char *query)
{
	static const char *const types[] = {"date", "time", "timestamp", "timestamptz", "interval"};
	StringInfoData out;
	const char *p = query;

	initStringInfo(&out);
	while (*p)
	{
		if (*p == '\'' || *p == '"')
		{
			char		quote = *p;

			/* a quoted string or identifier; a doubled quote stays inside */
			appendStringInfoChar(&out, *p++);
			while (*p && !(*p == quote && p[1] != quote))
			{
				if (*p == quote)
					appendStringInfoChar(&out, *p++);
				appendStringInfoChar(&out, *p++);
			}
			if (*p)
				appendStringInfoChar(&out, *p++);
		}
		else if (p[0] == '-' && p[1] == '-')
		{
			while (*p && *p != '\n')
				appendStringInfoChar(&out, *p++);
		}
		else if (p[0] == '/' && p[1] == '*')
		{
			const char *end = strstr(p + 2, "*/");
			int			len = end ? (int) (end - p) + 2 : (int) strlen(p);

			appendBinaryStringInfo(&out, p, len);
			p += len;
		}
		else if (isalpha((unsigned char) *p) || *p == '_')
		{
			const char *word = p;
			int			len;
			const char *q;
			bool		done = false;

			while (isalnum((unsigned char) *p) || *p == '_' || *p == '$')
				p++;
			len = p - word;
			if (len == 7 && pg_strncasecmp(word, "extract", 7) == 0)
			{
				int			digits;
				int			upto = extract_placeholder(p, &digits);

				if (upto > 0)
				{
					appendBinaryStringInfo(&out, word, p + upto - word);
					appendStringInfoString(&out, "epoch");
					p += upto + digits;
					continue;
				}
			}
			q = p;
			while (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r')
				q++;
			if (*q == '$' && isdigit((unsigned char) q[1]))
			{
				for (int i = 0; i < lengthof(types) && !done; i++)
				{
					if (strlen(types[i]) == len && pg_strncasecmp(word, types[i], len) == 0)
					{
						const char *digits = q + 1;

						while (isdigit((unsigned char) *digits))
							digits++;
						appendBinaryStringInfo(&out, q, digits - q);
						appendStringInfo(&out, "::%s", types[i]);
						p = digits;
						done = true;
					}
				}
			}
			if (!done)
				appendBinaryStringInfo(&out, word, len);
		}
		else
			appendStringInfoChar(&out, *p++);
	}
	return out.data;
}

/* ---------------------------------------------------------------------
 * The qual walk
 * ---------------------------------------------------------------------
 */

/* One column of one range table entry of a query level. */
typedef struct VarInfo
{
	Index		varno;
	AttrNumber	attno;
	AdviseAccess access;		/* from comparisons with known values */
	int			eclass;			/* columns joined by equality share it */
} VarInfo;

/* A conjunct, and the range table entries it may restrict (NULL: any). */
typedef struct Conjunct
{
	Node	   *clause;
	Relids		scope;
} Conjunct;

typedef struct WalkState
{
	Oid			relid;
	int			natts;
	MemoryContext outer;		/* where results go */
	bool		found;			/* the statement reads the table */
	AdviseAccess *access;		/* weakest over the table's occurrences */
	char	  **partner;
	int			next_eclass;
} WalkState;

/* The column a node is, seen through binary-compatible casts, or NULL. */
static Var *
bare_column(Node *node)
{
	while (node && IsA(node, RelabelType))
		node = (Node *) ((RelabelType *) node)->arg;
	if (node && IsA(node, Var) && ((Var *) node)->varlevelsup == 0 &&
		((Var *) node)->varattno > 0)
		return (Var *) node;
	return NULL;
}

/* A value known when execution starts: no column of this level, not volatile. */
static bool
known_value(Node *node)
{
	return !contain_vars_of_level(node, 0) && !contain_volatile_functions(node);
}

/* The btree strategy of opno for a column of type typid, or 0. */
static int
btree_strategy(Oid opno, Oid typid)
{
	Oid			opclass = GetDefaultOpClass(getBaseType(typid), BTREE_AM_OID);

	if (!OidIsValid(opclass))
		return 0;
	return get_op_opfamily_strategy(opno, get_opclass_family(opclass));
}

static VarInfo *
var_info(List **vars, Index varno, AttrNumber attno, WalkState *state)
{
	ListCell   *lc;
	VarInfo    *info;

	foreach(lc, *vars)
	{
		info = lfirst(lc);
		if (info->varno == varno && info->attno == attno)
			return info;
	}
	info = palloc0(sizeof(VarInfo));
	info->varno = varno;
	info->attno = attno;
	info->access = ADVISE_NONE;
	info->eclass = state->next_eclass++;
	*vars = lappend(*vars, info);
	return info;
}

/* Keep the strongest restriction of each column (AND). */
static List *
merge_strongest(List *into, List *from, WalkState *state)
{
	ListCell   *lc;

	foreach(lc, from)
	{
		VarInfo    *src = lfirst(lc);
		VarInfo    *dst = var_info(&into, src->varno, src->attno, state);

		dst->access = Max(dst->access, src->access);
	}
	return into;
}

/* Keep columns restricted by both, with the weaker restriction (OR). */
static List *
merge_weakest(List *a, List *b)
{
	List	   *result = NIL;
	ListCell   *la;
	ListCell   *lb;

	foreach(la, a)
	{
		VarInfo    *x = lfirst(la);

		foreach(lb, b)
		{
			VarInfo    *y = lfirst(lb);

			if (x->varno == y->varno && x->attno == y->attno)
			{
				x->access = Min(x->access, y->access);
				result = lappend(result, x);
			}
		}
	}
	return result;
}

/*
 * The columns a clause restricts in a form partition pruning uses, each
 * with the restriction (ADVISE_EQUAL or ADVISE_RANGE).
 */
static List *
clause_restrictions(Node *clause, WalkState *state)
{
	List	   *result = NIL;

	if (is_andclause(clause))
	{
		ListCell   *lc;

		foreach(lc, ((BoolExpr *) clause)->args)
			result = merge_strongest(result, clause_restrictions(lfirst(lc), state), state);
	}
	else if (is_orclause(clause))
	{
		ListCell   *lc;
		bool		first = true;

		foreach(lc, ((BoolExpr *) clause)->args)
		{
			List	   *arm = clause_restrictions(lfirst(lc), state);

			result = first ? arm : merge_weakest(result, arm);
			first = false;
		}
	}
	else if (IsA(clause, OpExpr) && list_length(((OpExpr *) clause)->args) == 2)
	{
		OpExpr	   *op = (OpExpr *) clause;
		Node	   *left = linitial(op->args);
		Node	   *right = lsecond(op->args);
		Var		   *var = bare_column(left);
		Node	   *other = right;
		int			strategy;

		if (var == NULL || !known_value(other))
		{
			var = bare_column(right);
			other = left;
		}
		if (var == NULL || !known_value(other))
			return NIL;
		strategy = btree_strategy(op->opno, var->vartype);
		if (strategy == BTEqualStrategyNumber)
			var_info(&result, var->varno, var->varattno, state)->access = ADVISE_EQUAL;
		else if (strategy != 0)
			var_info(&result, var->varno, var->varattno, state)->access = ADVISE_RANGE;
	}
	else if (IsA(clause, ScalarArrayOpExpr))
	{
		ScalarArrayOpExpr *saop = (ScalarArrayOpExpr *) clause;
		Var		   *var = bare_column(linitial(saop->args));

		if (saop->useOr && var != NULL && known_value(lsecond(saop->args)) &&
			btree_strategy(saop->opno, var->vartype) == BTEqualStrategyNumber)
			var_info(&result, var->varno, var->varattno, state)->access = ADVISE_EQUAL;
	}
	return result;
}

/* Add quals' conjuncts (nested ANDs flattened) with their scope. */
static void
add_conjuncts(Node *quals, Relids scope, List **conjuncts)
{
	if (quals == NULL)
		return;
	if (is_andclause(quals))
	{
		ListCell   *lc;

		foreach(lc, ((BoolExpr *) quals)->args)
			add_conjuncts(lfirst(lc), scope, conjuncts);
	}
	else if (IsA(quals, List))
	{
		ListCell   *lc;

		foreach(lc, (List *) quals)
			add_conjuncts(lfirst(lc), scope, conjuncts);
	}
	else
	{
		Conjunct   *c = palloc(sizeof(Conjunct));

		c->clause = quals;
		c->scope = scope;
		*conjuncts = lappend(*conjuncts, c);
	}
}

/*
 * The conjuncts of a join tree that can restrict rows of its tables: all
 * of WHERE and of inner joins; of an outer join's condition, only what it
 * says about the nullable side.  A full join's condition restricts neither.
 */
static void
collect_conjuncts(Node *node, List **conjuncts)
{
	if (node == NULL || IsA(node, RangeTblRef))
		return;
	if (IsA(node, FromExpr))
	{
		FromExpr   *from = (FromExpr *) node;
		ListCell   *lc;

		add_conjuncts(from->quals, NULL, conjuncts);
		foreach(lc, from->fromlist)
			collect_conjuncts(lfirst(lc), conjuncts);
	}
	else if (IsA(node, JoinExpr))
	{
		JoinExpr   *join = (JoinExpr *) node;

		if (join->jointype == JOIN_INNER)
			add_conjuncts(join->quals, NULL, conjuncts);
		else if (join->jointype == JOIN_LEFT)
			add_conjuncts(join->quals, get_relids_in_jointree(join->rarg, false), conjuncts);
		else if (join->jointype == JOIN_RIGHT)
			add_conjuncts(join->quals, get_relids_in_jointree(join->larg, false), conjuncts);
		collect_conjuncts(join->larg, conjuncts);
		collect_conjuncts(join->rarg, conjuncts);
	}
}

static bool
in_scope(const Conjunct *c, Index varno)
{
	return c->scope == NULL || bms_is_member(varno, c->scope);
}

/* Merge the equivalence classes of two columns. */
static void
join_classes(List *vars, int a, int b)
{
	ListCell   *lc;

	if (a == b)
		return;
	foreach(lc, vars)
	{
		VarInfo    *info = lfirst(lc);

		if (info->eclass == b)
			info->eclass = a;
	}
}

/* "table.column" for a column of a plain table, else NULL. */
static char *
column_label(Query *query, Index varno, AttrNumber attno, MemoryContext cxt)
{
	RangeTblEntry *rte = rt_fetch(varno, query->rtable);
	char	   *rel;
	char	   *att;

	if (rte->rtekind != RTE_RELATION)
		return NULL;
	rel = get_rel_name(rte->relid);
	att = get_attname(rte->relid, attno, true);
	if (rel == NULL || att == NULL)
		return NULL;
	return MemoryContextStrdup(cxt, psprintf("%s.%s", rel, att));
}

/*
 * One level of a query: for each occurrence of the table in its range
 * table, how the level's conjuncts restrict each of its columns.
 */
static void
analyse_level(Query *query, WalkState *state)
{
	List	   *occurrences = NIL;
	List	   *conjuncts = NIL;
	List	   *vars = NIL;
	ListCell   *lc;
	Index		rti = 0;

	foreach(lc, query->rtable)
	{
		RangeTblEntry *rte = lfirst(lc);

		rti++;
		if (rte->rtekind != RTE_RELATION || rte->relid != state->relid)
			continue;
		/* an INSERT's target is written, not read */
		if (query->commandType == CMD_INSERT && rti == query->resultRelation)
			continue;
		occurrences = lappend_int(occurrences, rti);
	}
	if (occurrences == NIL)
		return;
	state->found = true;

	collect_conjuncts((Node *) query->jointree, &conjuncts);

	/* restrictions by known values, and equality joins between columns */
	foreach(lc, conjuncts)
	{
		Conjunct   *c = lfirst(lc);
		ListCell   *lc2;
		OpExpr	   *op;
		Var		   *left;
		Var		   *right;

		foreach(lc2, clause_restrictions(c->clause, state))
		{
			VarInfo    *r = lfirst(lc2);
			VarInfo    *info;

			if (!in_scope(c, r->varno))
				continue;
			info = var_info(&vars, r->varno, r->attno, state);
			info->access = Max(info->access, r->access);
		}

		if (!IsA(c->clause, OpExpr) || list_length(((OpExpr *) c->clause)->args) != 2)
			continue;
		op = (OpExpr *) c->clause;
		left = bare_column(linitial(op->args));
		right = bare_column(lsecond(op->args));
		if (left && right && btree_strategy(op->opno, left->vartype) == BTEqualStrategyNumber)
			join_classes(vars,
						 var_info(&vars, left->varno, left->varattno, state)->eclass,
						 var_info(&vars, right->varno, right->varattno, state)->eclass);
	}

	foreach(lc, occurrences)
	{
		Index		occ = lfirst_int(lc);
		Bitmapset  *mentioned = NULL;
		ListCell   *lc2;

		/* the columns any conjunct that may restrict this occurrence names */
		foreach(lc2, conjuncts)
		{
			Conjunct   *c = lfirst(lc2);

			if (in_scope(c, occ))
				pull_varattnos(c->clause, occ, &mentioned);
		}

		for (AttrNumber attno = 1; attno <= state->natts; attno++)
		{
			AdviseAccess access = ADVISE_NONE;
			char	   *partner = NULL;
			VarInfo    *self = NULL;
			ListCell   *lc3;

			foreach(lc3, vars)
			{
				VarInfo    *info = lfirst(lc3);

				if (info->varno == occ && info->attno == attno)
					self = info;
			}
			if (self != NULL)
			{
				access = self->access;
				foreach(lc3, vars)
				{
					VarInfo    *other = lfirst(lc3);

					if (other == self || other->eclass != self->eclass)
						continue;
					/* an equality with a known value carries through the join */
					if (other->access == ADVISE_EQUAL)
						access = ADVISE_EQUAL;
					if (other->varno != occ && partner == NULL)
						partner = column_label(query, other->varno, other->attno, state->outer);
					if (other->varno != occ && access < ADVISE_JOIN)
						access = ADVISE_JOIN;
				}
			}
			if (access == ADVISE_NONE &&
				bms_is_member(attno - FirstLowInvalidHeapAttributeNumber, mentioned))
				access = ADVISE_UNPRUNABLE;

			/* a statement prunes only as well as its worst occurrence */
			if (access < state->access[attno - 1])
				state->access[attno - 1] = access;
			if (access == ADVISE_JOIN && state->partner[attno - 1] == NULL)
				state->partner[attno - 1] = partner;
		}
	}
}

static bool
walk_queries(Node *node, WalkState *state)
{
	if (node == NULL)
		return false;
	if (IsA(node, Query))
	{
		analyse_level((Query *) node, state);
		return query_tree_walker((Query *) node, walk_queries, state, 0);
	}
	return expression_tree_walker(node, walk_queries, state);
}

static bool
reads_rows(Node *stmt)
{
	switch (nodeTag(stmt))
	{
		case T_SelectStmt:
		case T_InsertStmt:
		case T_UpdateStmt:
		case T_DeleteStmt:
		case T_MergeStmt:
			return true;
		default:
			return false;
	}
}

/*
 * Parse and analyse one recorded statement in a subtransaction that is
 * rolled back whatever happens (releasing the locks analysis took).
 * Returns false when it does not analyse.  state->found tells whether it
 * reads the table.
 */
static bool
analyse_statement(const char *text, WalkState *state)
{
	MemoryContext outer = CurrentMemoryContext;
	ResourceOwner owner = CurrentResourceOwner;
	MemoryContext work;
	ErrorData  *volatile edata = NULL;
	post_parse_analyze_hook_type saved_hook = post_parse_analyze_hook;

	work = AllocSetContextCreate(outer, "partman advise_key statement", ALLOCSET_DEFAULT_SIZES);
	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(work);

	/*
	 * Nothing is run, so no extension needs to see this analysis; in
	 * particular pg_stat_statements would otherwise record the texts we
	 * analyse as statements of their own.
	 */
	post_parse_analyze_hook = NULL;
	PG_TRY();
	{
		List	   *raw = raw_parser(text, RAW_PARSE_DEFAULT);
		ListCell   *lc;

		foreach(lc, raw)
		{
			RawStmt    *stmt = lfirst_node(RawStmt, lc);
			Oid		   *param_types = NULL;
			int			nparams = 0;
			Query	   *query;

			if (!reads_rows(stmt->stmt))
				continue;
			query = parse_analyze_varparams(stmt, text, &param_types, &nparams, NULL);
			walk_queries((Node *) query, state);
		}
	}
	PG_CATCH();
	{
		MemoryContextSwitchTo(outer);
		edata = CopyErrorData();
		FlushErrorState();
	}
	PG_END_TRY();
	post_parse_analyze_hook = saved_hook;
	MemoryContextSwitchTo(outer);
	RollbackAndReleaseCurrentSubTransaction();
	MemoryContextSwitchTo(outer);
	CurrentResourceOwner = owner;
	MemoryContextDelete(work);
	if (edata == NULL)
		return true;
	/* a cancel, a shutdown or want of memory is not the statement's fault */
	if (interrupting_error(edata))
		ReThrowError(edata);
	FreeErrorData(edata);
	return false;
}

/*
 * partman_advise_read_workload
 *		Fill *workload (allocated in the caller's memory context) with the
 *		recorded statements that read table, or say why there are none.
 */
void
partman_advise_read_workload(const AdviseTable *table, AdviseWorkload *workload)
{
	List	   *recorded;
	ListCell   *lc;

	memset(workload, 0, sizeof(AdviseWorkload));
	recorded = recorded_statements(table, workload);
	if (workload->unknown_reason != NULL)
		return;

	foreach(lc, recorded)
	{
		RecordedStatement *row = lfirst(lc);
		WalkState	state;

		CHECK_FOR_INTERRUPTS();
		memset(&state, 0, sizeof(state));
		state.relid = table->relid;
		state.natts = table->natts;
		state.outer = CurrentMemoryContext;
		state.access = palloc(sizeof(AdviseAccess) * table->natts);
		state.partner = palloc0(sizeof(char *) * table->natts);
		for (int i = 0; i < table->natts; i++)
			state.access[i] = ADVISE_EQUAL;

		if (!analyse_statement(repair_typed_placeholders(row->query), &state))
			workload->not_analysed++;
		else if (state.found)
		{
			AdviseStatement *stmt = palloc(sizeof(AdviseStatement));

			stmt->calls = row->calls;
			stmt->time_ms = row->time_ms;
			stmt->access = state.access;
			stmt->partner = state.partner;
			workload->statements = lappend(workload->statements, stmt);
		}
	}

	if (workload->statements != NIL)
		workload->known = true;
	else if (workload->hidden > 0)
	{
		workload->unknown_reason = psprintf("pg_stat_statements hides the texts of other roles' statements from you (%d of them)",
											workload->hidden);
		workload->unknown_hint = "Call partman.advise_key as a member of pg_read_all_stats.";
	}
	else
	{
		workload->unknown_reason = psprintf("no statement that pg_stat_statements recorded reads \"%s\"",
											table->name);
		workload->unknown_hint = "Let the workload run first; statements inside functions count only with pg_stat_statements.track = all.";
	}
}
