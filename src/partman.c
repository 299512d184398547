/*-------------------------------------------------------------------------
 *
 * partman.c
 *	  Module entry point: settings (GUCs) and partman's notion of "now".
 *
 * Everything here works with and without shared_preload_libraries; the
 * settings are defined whenever the library is loaded.
 *
 *-------------------------------------------------------------------------
 */
#include "partman.h"

#include "access/xact.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/timestamp.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

/* partman.lock_timeout: the longest any partman DDL waits for a lock (ms) */
int			partman_lock_timeout_ms = 1000;

/* partman.maintenance_log_days: how long partman.maintenance_log keeps rows */
int			partman_maintenance_log_days = 30;

/*
 * partman.simulated_now: superuser-only; when set, partman computes premake
 * and retention as if this were the current time.  Tests use it to simulate
 * days passing without sleeping.
 */
char	   *partman_simulated_now = NULL;

/* pruning diagnostics, the guard and statistics (pruning_*.c) */
int			partman_pruning_diagnostics = 0;
int			partman_pruning_diagnostics_min_partitions = 2;
bool		partman_pruning_policy_bypass = false;
bool		partman_track_pruning = false;
int			partman_pruning_stats_max = 1000;
bool		partman_preloaded = false;

static const struct config_enum_entry pruning_diagnostics_options[] = {
	{"off", 0, false},
	{"log", LOG, false},
	{"notice", NOTICE, false},
	{"warning", WARNING, false},
	{NULL, 0, false}
};

static bool
check_simulated_now(char **newval, void **extra, GucSource source)
{
	if (*newval == NULL || (*newval)[0] == '\0')
		return true;
	/* parse with the normal input function; a bad value is an ERROR here */
	(void) DirectFunctionCall3(timestamptz_in, CStringGetDatum(*newval),
							   ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1));
	return true;
}

/*
 * partman_now
 *		The time partman's computations treat as now: the transaction's start
 *		time, or partman.simulated_now when a superuser set it.
 */
TimestampTz
partman_now(void)
{
	if (partman_simulated_now != NULL && partman_simulated_now[0] != '\0')
		return DatumGetTimestampTz(DirectFunctionCall3(timestamptz_in,
													   CStringGetDatum(partman_simulated_now),
													   ObjectIdGetDatum(InvalidOid),
													   Int32GetDatum(-1)));
	return GetCurrentTransactionStartTimestamp();
}

/*
 * partman_require_arg
 *		partman's functions are not STRICT, so that a NULL argument gets an
 *		error naming it instead of a silent NULL result.
 */
void
partman_require_arg(FunctionCallInfo fcinfo, int argno, const char *name)
{
	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s must not be null", name)));
}

/*
 * partman_nonatomic
 *		Whether a procedure was called with CALL outside a transaction
 *		block, so that it may commit.
 */
bool
partman_nonatomic(FunctionCallInfo fcinfo)
{
	return fcinfo->context && IsA(fcinfo->context, CallContext) &&
		!castNode(CallContext, fcinfo->context)->atomic;
}

/*
 * partman_require_toplevel
 *		Refuse procedure, which must commit (why says when), inside a
 *		transaction block.
 */
void
partman_require_toplevel(FunctionCallInfo fcinfo, const char *procedure, const char *why)
{
	if (!partman_nonatomic(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_ACTIVE_SQL_TRANSACTION),
				 errmsg("%s cannot run inside a transaction block", procedure),
				 errdetail("%s", why),
				 errhint("Run CALL partman.%s(...) on its own.", procedure)));
}

/*
 * partman_positive_arg
 *		An integer argument that must be given and be at least 1 (batch sizes).
 */
int32
partman_positive_arg(FunctionCallInfo fcinfo, int argno, const char *name)
{
	int32		value;

	partman_require_arg(fcinfo, argno, name);
	value = PG_GETARG_INT32(argno);
	if (value < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be positive, not %d", name, value)));
	return value;
}

void
_PG_init(void)
{
	DefineCustomIntVariable("partman.lock_timeout",
							"Longest time partman DDL waits for a lock.",
							"When the lock is not granted in time, the operation fails "
							"(or maintenance retries later) instead of making other "
							"sessions queue behind it.",
							&partman_lock_timeout_ms,
							1000, 1, 600000,
							PGC_USERSET,
							GUC_UNIT_MS,
							NULL, NULL, NULL);

	DefineCustomIntVariable("partman.remote_timeout",
							"Longest time partman waits for another server.",
							"Bounds connecting to a set's foreign server and each "
							"statement partman runs there.",
							&partman_remote_timeout_ms,
							10000, 1000, 3600000,
							PGC_USERSET,
							GUC_UNIT_MS,
							NULL, NULL, NULL);

	DefineCustomStringVariable("partman.simulated_now",
							   "Time that partman treats as now (for tests).",
							   "Empty means the transaction's start time.",
							   &partman_simulated_now,
							   "",
							   PGC_SUSET,
							   0,
							   check_simulated_now, NULL, NULL);

	DefineCustomIntVariable("partman.maintenance_log_days",
							"Days of history partman.maintenance_log keeps.",
							"run_maintenance deletes older rows.",
							&partman_maintenance_log_days,
							30, 1, 3650,
							PGC_SUSET,
							0,
							NULL, NULL, NULL);

	DefineCustomIntVariable("partman.bgw_interval",
							"Seconds between maintenance rounds of the background workers.",
							NULL,
							&partman_bgw_interval,
							600, 1, 86400,
							PGC_SIGHUP,
							GUC_UNIT_S,
							NULL, NULL, NULL);
	DefineCustomStringVariable("partman.bgw_databases",
							   "Databases the background workers maintain (comma-separated; empty: all).",
							   NULL,
							   &partman_bgw_databases,
							   "",
							   PGC_SIGHUP,
							   GUC_LIST_INPUT,
							   NULL, NULL, NULL);
	DefineCustomStringVariable("partman.bgw_role",
							   "Role the background workers connect as (empty: the bootstrap superuser).",
							   "Each set's DDL still runs as the set's owner.",
							   &partman_bgw_role,
							   "",
							   PGC_SIGHUP,
							   0,
							   NULL, NULL, NULL);
	DefineCustomIntVariable("partman.bgw_max_workers",
							"Most background workers running at once (one per database).",
							"0 starts no worker.",
							&partman_bgw_max_workers,
							4, 0, PARTMAN_MAX_DATABASES,
							PGC_SIGHUP,
							0,
							NULL, NULL, NULL);

	DefineCustomEnumVariable("partman.pruning_diagnostics",
							 "Report partitioned tables a query plan does not prune.",
							 "off, or the message level of the report: log, notice or warning.",
							 &partman_pruning_diagnostics,
							 0, pruning_diagnostics_options,
							 PGC_USERSET,
							 0,
							 NULL, NULL, NULL);
	DefineCustomIntVariable("partman.pruning_diagnostics_min_partitions",
							"Report only plans that scan at least this many partitions of a table.",
							NULL,
							&partman_pruning_diagnostics_min_partitions,
							2, 1, INT_MAX,
							PGC_USERSET,
							0,
							NULL, NULL, NULL);
	DefineCustomBoolVariable("partman.pruning_policy_bypass",
							 "Ignore the pruning policies of partition sets.",
							 "Superuser-only; give it to a role with ALTER ROLE ... SET or GRANT SET ON PARAMETER.",
							 &partman_pruning_policy_bypass,
							 false,
							 PGC_SUSET,
							 0,
							 NULL, NULL, NULL);
	DefineCustomBoolVariable("partman.track_pruning",
							 "Collect pruning statistics (partman.pruning_stats).",
							 "Needs partman in shared_preload_libraries.  Off by default: counting in shared memory costs every plan that reads a partitioned table.",
							 &partman_track_pruning,
							 false,
							 PGC_SUSET,
							 0,
							 NULL, NULL, NULL);

	MarkGUCPrefixReserved("partman");

	partman_install_planner_hook();

	/* workers, statistics and their shared state exist only when preloaded */
	if (process_shared_preload_libraries_in_progress)
	{
		/* PGC_POSTMASTER settings can only be made at server start */
		DefineCustomIntVariable("partman.pruning_stats_max",
								"Most partitioned tables partman.pruning_stats tracks.",
								NULL,
								&partman_pruning_stats_max,
								1000, 100, 1000000,
								PGC_POSTMASTER,
								0,
								NULL, NULL, NULL);
		partman_preloaded = true;
		partman_register_launcher();
		partman_pruning_stats_request();
	}
}

/*
 * partman_refuse_table
 *		ERROR (0A000) for an online conversion of table relname that cannot
 *		go ahead: "table ... cannot be <change>: <why>", with what to know
 *		(detail) and to do (hint), each optional.
 */
void
partman_refuse_table(const char *relname, const char *change, const char *why,
					 const char *detail, const char *hint)
{
	ereport(ERROR,
			(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
			 errmsg("table \"%s\" cannot be %s: %s", relname, change, why),
			 detail ? errdetail("%s", detail) : 0,
			 hint ? errhint("%s", hint) : 0));
}
