/*-------------------------------------------------------------------------
 *
 * pruning_diagnose.c
 *	  What a plan does with each partitioned table it reads: how many leaf
 *	  partitions there are, how many the plan scans, and whether pruning
 *	  happened at plan time, when execution starts, or during execution.
 *	  Also the engine of partman.explain_pruning (sql_api/pruning.c), which
 *	  plans (never runs) a query and reports this together with the reason
 *	  from pruning_reasons.c.
 *
 * Everything is read from the finished PlannedStmt: the scan nodes name the
 * leaves, appendRelations links each leaf to its partitioned ancestors, and
 * the Append nodes' PartitionPruneInfo tells startup from run-time pruning.
 * The planner hook calls this for every query that reads a partitioned
 * table, so the common case (a point query) costs a walk of a small plan
 * and a lookup in a per-backend cache of partition counts.
 *
 *-------------------------------------------------------------------------
 */
#include "partman.h"

#include "access/table.h"
#include "catalog/partition.h"
#include "catalog/pg_class.h"
#include "catalog/pg_inherits.h"
#include "foreign/foreign.h"
#include "executor/executor.h"
#include "miscadmin.h"
#include "nodes/pathnodes.h"
#include "nodes/nodeFuncs.h"
#include "parser/parsetree.h"
#include "partitioning/partdesc.h"
#include "tcop/cmdtag.h"
#include "tcop/tcopprot.h"
#include "tcop/utility.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/partcache.h"

/* ---------------------------------------------------------------------
 * Per-backend cache of partition counts
 *
 * Counting the leaves of a sub-partitioned table opens every level, so the
 * result is kept until any relcache invalidation arrives (adding, attaching
 * or detaching a partition sends one for the table whose partitions
 * changed); see partman_relid_cache_lookup.
 * ---------------------------------------------------------------------
 */
typedef struct PartCountEntry
{
	Oid			relid;			/* hash key */
	int			leaves;
	Oid			default_oid;	/* its own default partition, if any */
} PartCountEntry;

static int	count_leaves(Oid relid, Oid *default_oid);

static void
fill_part_count(Oid relid, void *entry)
{
	PartCountEntry *counts = entry;

	counts->leaves = count_leaves(relid, &counts->default_oid);
}

static PartmanRelidCache part_counts = {"partman partition counts", sizeof(PartCountEntry)};

static PartCountEntry *
part_count(Oid relid)
{
	return partman_relid_cache_lookup(&part_counts, relid, fill_part_count);
}

/*
 * count_leaves
 *		Leaf partitions below a partitioned table, at every level; partitions
 *		being detached concurrently do not count.  Takes AccessShareLock on
 *		the sub-partitioned levels (the planner may not have locked pruned
 *		ones).
 */
static int
count_leaves(Oid relid, Oid *default_oid)
{
	Relation	rel;
	PartitionDesc desc;
	int			leaves = 0;
	int			nparts;
	Oid		   *sub = NULL;
	int			nsub = 0;

	rel = table_open(relid, AccessShareLock);
	if (rel->rd_rel->relkind != RELKIND_PARTITIONED_TABLE)
	{
		table_close(rel, AccessShareLock);
		if (default_oid)
			*default_oid = InvalidOid;
		return 1;
	}
	desc = RelationGetPartitionDesc(rel, true);
	nparts = desc->nparts;
	if (default_oid)
		*default_oid = get_default_oid_from_partdesc(desc);
	for (int i = 0; i < nparts; i++)
	{
		if (desc->is_leaf[i])
			leaves++;
		else
		{
			if (sub == NULL)
				sub = palloc(sizeof(Oid) * nparts);
			sub[nsub++] = desc->oids[i];
		}
	}
	/* the descriptor may go away once the relation is closed */
	table_close(rel, NoLock);
	for (int i = 0; i < nsub; i++)
		leaves += count_leaves(sub[i], NULL);
	if (sub)
		pfree(sub);
	return leaves;
}

/* ---------------------------------------------------------------------
 * Walking the plan
 * ---------------------------------------------------------------------
 */
typedef struct PlanWalk
{
	PlannedStmt *stmt;
	Index	   *parent_of;		/* by RT index: its appendrel parent, or 0 */
	int			nrtes;
	/* by RT index: scanned, and the scan found first */
	bool	   *scanned;
	List	  **quals;
	bool	   *under_join;
	/* partitioned RT indexes with startup / run-time pruning steps */
	Bitmapset  *startup;
	Bitmapset  *runtime;
} PlanWalk;

/* An IndexOnlyScan's quals name index columns; give them the table's Vars. */
static Node *
index_vars_to_table(Node *node, List *indextlist)
{
	if (node == NULL)
		return NULL;
	if (IsA(node, Var) && ((Var *) node)->varno == INDEX_VAR)
	{
		Var		   *var = (Var *) node;

		if (var->varattno >= 1 && var->varattno <= list_length(indextlist))
			return copyObject((Node *) ((TargetEntry *) list_nth(indextlist,
																  var->varattno - 1))->expr);
		return node;
	}
	return expression_tree_mutator(node, index_vars_to_table, (void *) indextlist);
}

/* The conditions a scan node applies to its relation's rows. */
static List *
scan_quals(Plan *plan)
{
	List	   *quals = list_copy(plan->qual);

	switch (nodeTag(plan))
	{
		case T_IndexScan:
			quals = list_concat(quals, ((IndexScan *) plan)->indexqualorig);
			break;
		case T_IndexOnlyScan:
			{
				IndexOnlyScan *ios = (IndexOnlyScan *) plan;

				quals = list_concat(quals, (List *) index_vars_to_table((Node *) ios->indexqual,
																		ios->indextlist));
				break;
			}
		case T_BitmapHeapScan:
			quals = list_concat(quals, ((BitmapHeapScan *) plan)->bitmapqualorig);
			break;
		case T_TidScan:
			quals = list_concat(quals, ((TidScan *) plan)->tidquals);
			break;
		case T_TidRangeScan:
			quals = list_concat(quals, ((TidRangeScan *) plan)->tidrangequals);
			break;
		default:
			break;
	}
	return quals;
}

static void
note_prune_info(PlanWalk *walk, PartitionPruneInfo *info)
{
	ListCell   *lc1;

	if (info == NULL)
		return;
	foreach(lc1, info->prune_infos)
	{
		ListCell   *lc2;

		foreach(lc2, (List *) lfirst(lc1))
		{
			PartitionedRelPruneInfo *pinfo = lfirst(lc2);

			if (pinfo->exec_pruning_steps != NIL)
				walk->runtime = bms_add_member(walk->runtime, pinfo->rtindex);
			if (pinfo->initial_pruning_steps != NIL)
				walk->startup = bms_add_member(walk->startup, pinfo->rtindex);
		}
	}
}

static void walk_plan(PlanWalk *walk, Plan *plan, bool under_join);

static void
walk_plans(PlanWalk *walk, List *plans, bool under_join)
{
	ListCell   *lc;

	foreach(lc, plans)
		walk_plan(walk, lfirst(lc), under_join);
}

static void
walk_plan(PlanWalk *walk, Plan *plan, bool under_join)
{
	if (plan == NULL)
		return;
	check_stack_depth();

	switch (nodeTag(plan))
	{
		case T_SeqScan:
		case T_SampleScan:
		case T_IndexScan:
		case T_IndexOnlyScan:
		case T_BitmapHeapScan:
		case T_TidScan:
		case T_TidRangeScan:
		case T_ForeignScan:
		case T_CustomScan:
			{
				Index		rti = ((Scan *) plan)->scanrelid;

				/* a join or aggregate pushed down to a server scans its relations */
				if (rti == 0 && IsA(plan, ForeignScan))
				{
					int			member = -1;

					while ((member = bms_next_member(((ForeignScan *) plan)->fs_relids, member)) >= 0)
					{
						if (member > 0 && member <= walk->nrtes && !walk->scanned[member])
						{
							walk->scanned[member] = true;
							walk->under_join[member] = under_join;
						}
					}
				}
				if (rti > 0 && rti <= walk->nrtes && !walk->scanned[rti])
				{
					walk->scanned[rti] = true;
					walk->quals[rti] = scan_quals(plan);
					walk->under_join[rti] = under_join;
				}
				break;
			}
		case T_NestLoop:
		case T_MergeJoin:
		case T_HashJoin:
			under_join = true;
			break;
		case T_Append:
			note_prune_info(walk, ((Append *) plan)->part_prune_info);
			walk_plans(walk, ((Append *) plan)->appendplans, under_join);
			break;
		case T_MergeAppend:
			note_prune_info(walk, ((MergeAppend *) plan)->part_prune_info);
			walk_plans(walk, ((MergeAppend *) plan)->mergeplans, under_join);
			break;
		case T_SubqueryScan:
			walk_plan(walk, ((SubqueryScan *) plan)->subplan, under_join);
			break;
		case T_BitmapAnd:
			walk_plans(walk, ((BitmapAnd *) plan)->bitmapplans, under_join);
			break;
		case T_BitmapOr:
			walk_plans(walk, ((BitmapOr *) plan)->bitmapplans, under_join);
			break;
		default:
			break;
	}
	if (IsA(plan, CustomScan))
		walk_plans(walk, ((CustomScan *) plan)->custom_plans, under_join);
	walk_plan(walk, plan->lefttree, under_join);
	walk_plan(walk, plan->righttree, under_join);
}

/* Is this RT entry a partitioned table the plan reads? */
static bool
is_partitioned_rte(PlannedStmt *stmt, Index rti, RangeTblEntry *rte)
{
	if (rte->rtekind != RTE_RELATION || rte->relkind != RELKIND_PARTITIONED_TABLE)
		return false;
	/* an INSERT's target is written, not read */
	if (stmt->commandType == CMD_INSERT && list_member_int(stmt->resultRelations, rti))
		return false;
	return true;
}

/*
 * partman_plan_has_partitioned
 *		Cheap test the planner hook runs on every plan.
 */
bool
partman_plan_has_partitioned(PlannedStmt *stmt)
{
	ListCell   *lc;
	Index		rti = 0;

	foreach(lc, stmt->rtable)
	{
		RangeTblEntry *rte = lfirst(lc);

		rti++;
		if (rte->rtekind == RTE_RELATION && rte->relkind == RELKIND_PARTITIONED_TABLE &&
			is_partitioned_rte(stmt, rti, rte))
			return true;
	}
	return false;
}

/* Is rti, or a partitioned table in the plan below it, in set? */
static bool
self_or_below_in(PlanWalk *walk, Index rti, Bitmapset *set)
{
	int			member = -1;

	while ((member = bms_next_member(set, member)) >= 0)
	{
		for (Index r = member; r != 0; r = walk->parent_of[r])
			if (r == rti)
				return true;
	}
	return false;
}

/*
 * partman_diagnose_plan
 *		One PruningDiagnosis per partitioned table the plan reads, in range
 *		table order; the reason is left for partman_explain_reason.  Memory is
 *		allocated in the caller's context.
 */
List *
partman_diagnose_plan(PlannedStmt *stmt)
{
	PlanWalk	walk;
	List	   *result = NIL;
	ListCell   *lc;
	Index		rti;

	memset(&walk, 0, sizeof(walk));
	walk.stmt = stmt;
	walk.nrtes = list_length(stmt->rtable);
	walk.parent_of = palloc0(sizeof(Index) * (walk.nrtes + 1));
	walk.scanned = palloc0(sizeof(bool) * (walk.nrtes + 1));
	walk.quals = palloc0(sizeof(List *) * (walk.nrtes + 1));
	walk.under_join = palloc0(sizeof(bool) * (walk.nrtes + 1));
	foreach(lc, stmt->appendRelations)
	{
		AppendRelInfo *info = lfirst(lc);

		if (info->child_relid <= walk.nrtes)
			walk.parent_of[info->child_relid] = info->parent_relid;
	}
	walk_plan(&walk, stmt->planTree, false);
	walk_plans(&walk, stmt->subplans, false);

	rti = 0;
	foreach(lc, stmt->rtable)
	{
		RangeTblEntry *rte = lfirst(lc);
		PruningDiagnosis *diag;
		PartCountEntry *counts;
		Index		parent;

		rti++;
		if (!is_partitioned_rte(stmt, rti, rte))
			continue;
		/* a partitioned table the query names without expanding it (ONLY) */
		if (!rte->inh && walk.parent_of[rti] == 0)
			continue;

		diag = palloc0(sizeof(PruningDiagnosis));
		diag->relid = rte->relid;
		diag->rti = rti;
		parent = walk.parent_of[rti];
		diag->is_root = parent == 0 ||
			rt_fetch(parent, stmt->rtable)->relkind != RELKIND_PARTITIONED_TABLE;
		counts = part_count(rte->relid);
		diag->partitions_total = counts->leaves;

		/* the scanned leaves below this table */
		for (Index leaf = 1; leaf <= walk.nrtes; leaf++)
		{
			bool		below = false;

			if (!walk.scanned[leaf])
				continue;
			for (Index r = walk.parent_of[leaf]; r != 0; r = walk.parent_of[r])
				if (r == rti)
				{
					below = true;
					break;
				}
			if (!below)
				continue;
			diag->partitions_scanned++;
			diag->leaves = bms_add_member(diag->leaves, leaf);
			if (diag->sample_leaf == 0)
			{
				diag->sample_leaf = leaf;
				diag->sample_quals = walk.quals[leaf];
			}
			diag->under_join |= walk.under_join[leaf];
			/* this table's own default partition (a level below has its own row) */
			if (walk.parent_of[leaf] == rti &&
				part_count(rte->relid)->default_oid == rt_fetch(leaf, stmt->rtable)->relid)
				diag->default_scanned = true;
		}

		if (self_or_below_in(&walk, rti, walk.runtime))
			diag->kind = PRUNING_RUNTIME;
		else if (self_or_below_in(&walk, rti, walk.startup))
			diag->kind = PRUNING_STARTUP;
		else if (diag->partitions_scanned < diag->partitions_total)
			diag->kind = PRUNING_PLAN;
		else
			diag->kind = PRUNING_NONE;
		result = lappend(result, diag);
	}
	return result;
}

const char *
partman_pruning_kind_name(PruningKind kind)
{
	switch (kind)
	{
		case PRUNING_NONE:
			return "none";
		case PRUNING_PLAN:
			return "plan";
		case PRUNING_STARTUP:
			return "startup";
		case PRUNING_RUNTIME:
			return "runtime";
	}
	return "none";
}

/* ---------------------------------------------------------------------
 * partman.explain_pruning(query text)
 * ---------------------------------------------------------------------
 */

/*
 * Plan one statement of query text without running it.  Parameters ($1...)
 * get their types from the context, as in PREPARE, and the plan is the
 * generic one.
 */
static List *
plan_query_text(const char *query)
{
	List	   *raw;
	RawStmt    *stmt;
	Oid		   *param_types = NULL;
	int			nparams = 0;
	List	   *queries;
	List	   *plans = NIL;
	ListCell   *lc;

	raw = pg_parse_query(query);
	if (list_length(raw) != 1)
		ereport(ERROR,
				(errcode(ERRCODE_SYNTAX_ERROR),
				 errmsg("partman.explain_pruning takes exactly one statement, not %d",
						list_length(raw))));
	stmt = linitial_node(RawStmt, raw);
	switch (nodeTag(stmt->stmt))
	{
		case T_SelectStmt:
		case T_InsertStmt:
		case T_UpdateStmt:
		case T_DeleteStmt:
		case T_MergeStmt:
			break;
		default:
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("partman.explain_pruning cannot plan %s",
							GetCommandTagName(CreateCommandTag(stmt->stmt))),
					 errdetail("Only SELECT, INSERT, UPDATE, DELETE and MERGE have a plan.")));
	}

	queries = pg_analyze_and_rewrite_varparams(stmt, query, &param_types, &nparams, NULL);
	partman_pruning_planning(true);
	PG_TRY();
	{
		foreach(lc, queries)
		{
			Query	   *q = lfirst(lc);

			/* a rule may add utility statements (NOTIFY); they have no plan */
			if (q->commandType == CMD_UTILITY)
				continue;
			plans = lappend(plans, pg_plan_query(q, query, CURSOR_OPT_PARALLEL_OK, NULL));
		}
	}
	PG_FINALLY();
	{
		partman_pruning_planning(false);
	}
	PG_END_TRY();
	return plans;
}

/* The OID of the foreign server of foreign table relid, else InvalidOid. */
static Oid
leaf_server(Oid relid)
{
	if (get_rel_relkind(relid) != RELKIND_FOREIGN_TABLE)
		return InvalidOid;
	return GetForeignTable(relid)->serverid;
}

/*
 * A table whose partitions are on two or more servers and a query that
 * reaches every one of them: a sentence added to the hint (which is then
 * never a rewrite alone), naming the servers.  Every server then does work
 * and must answer for the query to finish.
 */
static void
servers_note(PlannedStmt *stmt, PruningDiagnosis *diag)
{
	List	   *all = NIL;
	List	   *reached = NIL;
	ListCell   *lc;
	int			leaf = -1;
	StringInfoData names;
	char	   *note;

	while ((leaf = bms_next_member(diag->leaves, leaf)) >= 0)
	{
		Oid			server = leaf_server(rt_fetch(leaf, stmt->rtable)->relid);

		if (OidIsValid(server))
			reached = list_append_unique_oid(reached, server);
	}
	if (reached == NIL)
		return;
	foreach(lc, find_all_inheritors(diag->relid, NoLock, NULL))
	{
		Oid			server = leaf_server(lfirst_oid(lc));

		if (OidIsValid(server))
			all = list_append_unique_oid(all, server);
	}
	if (list_length(all) < 2 || list_length(reached) < list_length(all))
		return;
	initStringInfo(&names);
	foreach(lc, all)
		appendStringInfo(&names, "%s%s", names.len ? ", " : "",
						 partman_quote_name(GetForeignServer(lfirst_oid(lc))->servername));
	note = psprintf("The query reaches every server of the table (%s): each must answer.", names.data);
	if (diag->hint == NULL)
		diag->hint = note;
	else if (diag->hint_is_rewrite)
		diag->hint = psprintf("%s /* %s */", diag->hint, note);
	else
		diag->hint = psprintf("%s %s", diag->hint, note);
}

/*
 * partman_explain_query
 *		Plan query (nothing is executed) and return, for each partitioned
 *		table it reads, a PruningDiagnosis with its reason and hint filled
 *		in.  Raises the errors running the query would for privileges the
 *		caller lacks, as EXPLAIN does.
 */
List *
partman_explain_query(const char *query)
{
	List	   *result = NIL;
	ListCell   *lc;

	foreach(lc, plan_query_text(query))
	{
		PlannedStmt *stmt = lfirst(lc);
		ListCell   *lc2;

		/* what EXPLAIN checks too: the plan reveals nothing the caller may not read */
		(void) ExecCheckRTPerms(stmt->rtable, true);

		foreach(lc2, partman_diagnose_plan(stmt))
		{
			PruningDiagnosis *diag = lfirst(lc2);

			partman_explain_reason(stmt, diag, query);
			servers_note(stmt, diag);
			result = lappend(result, diag);
		}
	}
	return result;
}
