/*-------------------------------------------------------------------------
 *
 * pruning_hook.c
 *	  The planner hook: after the planner (or the hook before ours) made a
 *	  plan, report partitioned tables it did not prune
 *	  (partman.pruning_diagnostics), refuse plans that break a set's pruning
 *	  policy (partman.set_pruning_policy), and count pruning statistics.
 *
 * Cost: a plan that reads no partitioned table costs one pass over its
 * range table.  Otherwise the plan is walked once (pruning_diagnose.c); the
 * reason analysis (pruning_reasons.c) runs only for tables that were not
 * pruned to one partition at plan time.  Policies come from
 * partman.part_config through a per-backend cache that the config guard
 * trigger invalidates (it sends a relcache invalidation for the parent).
 *
 *-------------------------------------------------------------------------
 */
#include "partman.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/namespace.h"
#include "optimizer/planner.h"
#include "parser/parse_relation.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"

static planner_hook_type prev_planner_hook = NULL;

/* explain_pruning is planning: it reports itself, the hook stays quiet */
static int	explain_depth = 0;

/* ---------------------------------------------------------------------
 * Policy cache
 * ---------------------------------------------------------------------
 */
typedef enum RequireFilter
{
	REQUIRE_OFF,
	REQUIRE_WARN,
	REQUIRE_ERROR
} RequireFilter;

typedef struct PolicyEntry
{
	Oid			relid;			/* hash key */
	RequireFilter require_filter;
	int			max_partitions; /* 0: no limit */
} PolicyEntry;

/* One table's policy (none when unmanaged), read by the catalog layer. */
static void
read_policy(Oid relid, void *result)
{
	PolicyEntry *entry = result;
	PartmanPlannerConfig cfg;
	const char *mode;

	entry->require_filter = REQUIRE_OFF;
	entry->max_partitions = 0;
	if (!partman_config_for_planner(relid, &cfg) || cfg.require_filter == NULL)
		return;
	mode = cfg.require_filter;
	entry->max_partitions = cfg.max_partitions;
	if (strcmp(mode, "warn") == 0)
		entry->require_filter = REQUIRE_WARN;
	else if (strcmp(mode, "error") == 0)
		entry->require_filter = REQUIRE_ERROR;
}

static PartmanRelidCache policies = {"partman pruning policies", sizeof(PolicyEntry)};

static PolicyEntry *
policy_of(Oid relid)
{
	return partman_relid_cache_lookup(&policies, relid, read_policy);
}

/* ---------------------------------------------------------------------
 * The hook
 * ---------------------------------------------------------------------
 */

/* Does the plan break the table's policy?  Returns the problem, or NULL. */
static char *
policy_violation(const PolicyEntry *policy, const PruningDiagnosis *diag)
{
	/* startup and run-time pruning use a key filter: allowed */
	if (diag->kind == PRUNING_STARTUP || diag->kind == PRUNING_RUNTIME)
		return NULL;
	if (policy->require_filter != REQUIRE_OFF && diag->kind == PRUNING_NONE &&
		diag->partitions_total > 1 &&
		diag->reason != PRUNING_REASON_NULL && diag->reason != PRUNING_REASON_DEFAULT_PARTITION)
		return psprintf("query would scan all %d partitions of table \"%s\"",
						diag->partitions_scanned, get_rel_name(diag->relid));
	if (policy->max_partitions > 0 && diag->partitions_scanned > policy->max_partitions)
		return psprintf("query would scan %d partitions of table \"%s\", more than its limit of %d",
						diag->partitions_scanned, get_rel_name(diag->relid),
						policy->max_partitions);
	return NULL;
}

static void
report(int elevel, const char *message, const PruningDiagnosis *diag, int limit)
{
	ereport(elevel,
			(errcode(elevel >= ERROR ? ERRCODE_PROGRAM_LIMIT_EXCEEDED : ERRCODE_WARNING),
			 errmsg_internal("%s", message),
			 diag->detail ? errdetail_internal("Reason %s: %s",
											   partman_pruning_reason_name(diag->reason),
											   diag->detail) :
			 limit > 0 ? errdetail("The pruning policy of table \"%s\" allows at most %d partitions per query.",
								   get_rel_name(diag->relid), limit) : 0,
			 diag->hint ? (diag->hint_is_rewrite ?
						   errhint("Write %s in place of %s: the plan then scans %d of %d partitions.",
								   diag->rewrite, diag->rewrite_replaces,
								   diag->rewrite_scanned, diag->partitions_total) :
						   errhint("%s", diag->hint)) : 0));
}

static void
check_plan(PlannedStmt *stmt, const char *query_string)
{
	List	   *diags = partman_diagnose_plan(stmt);
	ListCell   *lc;

	foreach(lc, diags)
	{
		PruningDiagnosis *diag = lfirst(lc);
		PolicyEntry *policy = policy_of(diag->relid);
		bool		has_policy = policy->require_filter != REQUIRE_OFF ||
			policy->max_partitions > 0;
		bool		diagnose = partman_pruning_diagnostics != 0 &&
			diag->partitions_scanned >= partman_pruning_diagnostics_min_partitions;

		if (has_policy || diagnose || partman_pruning_stats_ready())
			partman_explain_reason(stmt, diag, query_string);
		if (partman_pruning_stats_ready())
			partman_pruning_stats_count(diag->relid, diag);

		if (has_policy && !partman_pruning_policy_bypass)
		{
			char	   *violation = policy_violation(policy, diag);

			if (violation)
				report(policy->require_filter == REQUIRE_WARN &&
					   !(policy->max_partitions > 0 &&
						 diag->partitions_scanned > policy->max_partitions) ?
					   WARNING : ERROR, violation, diag, policy->max_partitions);
		}
		if (diagnose && diag->reason != PRUNING_REASON_NULL)
		{
			char	   *message;

			if (diag->kind == PRUNING_STARTUP || diag->kind == PRUNING_RUNTIME)
				message = psprintf("query plan reads up to %d of %d partitions of table \"%s\" and prunes them at %s",
								   diag->partitions_scanned, diag->partitions_total,
								   get_rel_name(diag->relid),
								   diag->kind == PRUNING_STARTUP ? "execution start" : "run time");
			else
				message = psprintf("query plan scans %d of %d partitions of table \"%s\"",
								   diag->partitions_scanned, diag->partitions_total,
								   get_rel_name(diag->relid));
			report(partman_pruning_diagnostics, message, diag, 0);
		}
	}
}

static PlannedStmt *
partman_planner(Query *parse, const char *query_string, int cursorOptions,
				ParamListInfo boundParams)
{
	PlannedStmt *stmt;

	if (prev_planner_hook)
		stmt = prev_planner_hook(parse, query_string, cursorOptions, boundParams);
	else
		stmt = standard_planner(parse, query_string, cursorOptions, boundParams);

	if (explain_depth > 0 || !partman_plan_has_partitioned(stmt))
		return stmt;

	/*
	 * Nothing wants to know: the cost stays one pass over the range table.
	 * Every leaf a plan scans has an AppendRelInfo, so a plan with fewer
	 * than min_partitions of them has nothing for diagnostics to report.
	 */
	if ((partman_pruning_diagnostics == 0 ||
		 list_length(stmt->appendRelations) < partman_pruning_diagnostics_min_partitions) &&
		!partman_pruning_stats_ready())
	{
		ListCell   *lc;
		bool		any_policy = false;

		foreach(lc, stmt->rtable)
		{
			RangeTblEntry *rte = lfirst(lc);
			PolicyEntry *policy;

			if (rte->rtekind != RTE_RELATION || rte->relkind != RELKIND_PARTITIONED_TABLE)
				continue;
			policy = policy_of(rte->relid);
			if (policy->require_filter != REQUIRE_OFF || policy->max_partitions > 0)
			{
				any_policy = true;
				break;
			}
		}
		if (!any_policy || partman_pruning_policy_bypass)
			return stmt;
	}
	check_plan(stmt, query_string);
	return stmt;
}

/* explain_pruning brackets its planning with these. */
void
partman_pruning_planning(bool start)
{
	explain_depth += start ? 1 : -1;
}

void
partman_install_planner_hook(void)
{
	prev_planner_hook = planner_hook;
	planner_hook = partman_planner;
}
