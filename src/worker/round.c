/*-------------------------------------------------------------------------
 *
 * round.c
 *	  The background worker's round of maintenance: every enabled set in a
 *	  transaction of its own (one per batch when a set is too big for one),
 *	  then the detaches deferred to DETACH ... CONCURRENTLY, each a top-level
 *	  command, then the idle sets' timestamps and the log pruning.
 *
 * The worker owns these transactions; what a set needs and how it is done
 * is maintenance.c's.  Every transaction stamps the statement clock first
 * (partman_start_background_transaction), since no client does it here.
 *
 *-------------------------------------------------------------------------
 */
#include "partman.h"

#include "access/xact.h"
#include "catalog/pg_class.h"
#include "catalog/pg_extension.h"
#include "commands/extension.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "storage/lmgr.h"
#include "tcop/tcopprot.h"
#include "tcop/utility.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"

/*
 * A transaction of the round, with SPI and a snapshot.  It first takes a
 * share lock on the extension, so a concurrent DROP EXTENSION is waited for
 * rather than met half-way; false (and no transaction) when the extension
 * is gone.
 */
static int	round_spi_level;

static bool
round_begin(void)
{
	Oid			extension;

	/* a worker has no client statements: stamp the clock partman_now() reads */
	partman_start_background_transaction();
	extension = get_extension_oid("partman", true);
	if (OidIsValid(extension))
	{
		LockDatabaseObject(ExtensionRelationId, extension, 0, AccessShareLock);
		/* it may have been dropped while we waited */
		extension = get_extension_oid("partman", true);
	}
	if (!OidIsValid(extension))
	{
		CommitTransactionCommand();
		return false;
	}
	round_spi_level = partman_spi_connect(false);
	PushActiveSnapshot(GetTransactionSnapshot());
	return true;
}

static void
round_end(void)
{
	PopActiveSnapshot();
	partman_spi_finish(round_spi_level);
	CommitTransactionCommand();
}

/*
 * Run one utility statement as a top-level command of its own, as role,
 * with partman.lock_timeout; outside any transaction.
 */
static void
run_toplevel(const char *sql, Oid role)
{
	Oid			save_userid;
	int			save_sec_context;
	RawStmt    *raw;
	List	   *plans;
	char		timeout[32];

	MemoryContext command_context;
	MemoryContext save_portal_context = PortalContext;
	MemoryContext caller = CurrentMemoryContext;

	/*
	 * Commands that commit internally (DETACH ... CONCURRENTLY) keep what
	 * must survive in PortalContext, which a background worker has no
	 * portal to provide: give them one.
	 */
	command_context = AllocSetContextCreate(TopMemoryContext, "partman top-level command",
											ALLOCSET_DEFAULT_SIZES);
	PortalContext = command_context;
	snprintf(timeout, sizeof(timeout), "%d", partman_lock_timeout_ms);
	partman_start_background_transaction();
	(void) set_config_option("lock_timeout", timeout, PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SET, true, 0, false);
	(void) set_config_option("search_path", "pg_catalog, pg_temp", PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SET, true, 0, false);
	GetUserIdAndSecContext(&save_userid, &save_sec_context);
	SetUserIdAndSecContext(role, save_sec_context | SECURITY_LOCAL_USERID_CHANGE);
	PushActiveSnapshot(GetTransactionSnapshot());
	/* parse and plan trees must outlive the command's own commits too */
	MemoryContextSwitchTo(command_context);
	raw = linitial_node(RawStmt, pg_parse_query(sql));
	plans = pg_plan_queries(pg_analyze_and_rewrite_fixedparams(raw, sql, NULL, 0, NULL),
							sql, CURSOR_OPT_PARALLEL_OK, NULL);
	ProcessUtility(linitial_node(PlannedStmt, plans), sql, false, PROCESS_UTILITY_TOPLEVEL,
				   NULL, NULL, None_Receiver, NULL);
	if (ActiveSnapshotSet())
		PopActiveSnapshot();
	SetUserIdAndSecContext(save_userid, save_sec_context);
	CommitTransactionCommand();
	MemoryContextSwitchTo(caller);
	PortalContext = save_portal_context;
	MemoryContextDelete(command_context);
}

/*
 * The statements of a deferred detach, read in a transaction of their own
 * and copied to the caller's context.  Not inlined into the caller's
 * PG_TRY block, where its locals would be clobbered.
 */
static pg_noinline List *
deferred_statements(const PartmanDeferredDetach *detach, char **partition)
{
	MemoryContext caller = CurrentMemoryContext;
	List	   *statements;
	List	   *result = NIL;
	ListCell   *lc;
	MemoryContext old;

	partman_start_background_transaction();
	statements = partman_deferred_detach_statements(detach, partition);
	old = MemoryContextSwitchTo(caller);
	*partition = pstrdup(*partition);
	foreach(lc, statements)
		result = lappend(result, pstrdup(lfirst(lc)));
	MemoryContextSwitchTo(old);
	CommitTransactionCommand();
	return result;
}

/*
 * Carry out the detaches deferred during the round, each as DETACH ...
 * CONCURRENTLY at top level (and SET SCHEMA for archive).  A failure is
 * logged and the others go on; a detach left pending by a failure is
 * finished by the next round (FINALIZE).
 */
static void
run_deferred_detaches(List *deferred, char *last_error, Size len)
{
	ListCell   *lc;

	foreach(lc, deferred)
	{
		PartmanDeferredDetach *detach = lfirst(lc);
		TimestampTz started = GetCurrentTimestamp();
		MemoryContext oldcontext = CurrentMemoryContext;
		char	   *partition;
		List	   *statements;
		ErrorData  *volatile failure = NULL;

		CHECK_FOR_INTERRUPTS();
		statements = deferred_statements(detach, &partition);
		PG_TRY();
		{
			ListCell   *sc;

			foreach(sc, statements)
				run_toplevel(lfirst(sc), detach->owner);
		}
		PG_CATCH();
		{
			MemoryContextSwitchTo(oldcontext);
			failure = CopyErrorData();
			FlushErrorState();
			AbortCurrentTransaction();
			MemoryContextSwitchTo(oldcontext);
		}
		PG_END_TRY();

		if (failure)
			snprintf(last_error, len, "%s: %s", partition, failure->message);
		if (round_begin())
		{
			partman_log_deferred_detach(detach, partition, failure ? failure->message : NULL,
										started);
			round_end();
		}
	}
}

/* Finish detaches that an interrupted DETACH ... CONCURRENTLY left pending. */
static void
finalize_pending_detaches(void)
{
	List	   *statements;
	ListCell   *lc;

	if (!round_begin())
		return;
	statements = partman_finalize_statements(CurrentMemoryContext);
	round_end();

	foreach(lc, statements)
	{
		PartmanStatement *statement = lfirst(lc);

		run_toplevel(statement->sql, statement->role);
	}
}

/*
 * partman_maintenance_round
 *		The background worker's round: every enabled set, each in its own
 *		transaction, then the idle sets' timestamps and the log pruning.
 *		Returns how many sets failed or were skipped (last_error gets the
 *		last such message), or -1 when the extension is gone.  Runs outside
 *		any transaction.
 */
int
partman_maintenance_round(char *last_error, Size len)
{
	MemoryContext cxt = CurrentMemoryContext;
	List	   *deferred = NIL;
	PartmanMaintainRun run = {false, true, &deferred, cxt, last_error, len};
	List	   *parents;
	List	   *idle = NIL;
	ListCell   *lc;
	int			failed = 0;

	finalize_pending_detaches();

	if (!round_begin())
		return -1;
	parents = partman_sets_to_maintain(InvalidOid, cxt);
	round_end();

	foreach(lc, parents)
	{
		PartmanConfig *cfg = lfirst(lc);
		PartmanSetOutcome outcome;
		bool		more = false;

		CHECK_FOR_INTERRUPTS();
		if (!round_begin())
			return -1;
		/* the set may have been dropped since the list was read */
		if (SearchSysCacheExists1(RELOID, ObjectIdGetDatum(cfg->parent)))
		{
			outcome = partman_maintain_set(cfg, &run, &more);
			/* a set too big for one transaction: one per batch */
			while (more)
			{
				round_end();
				CHECK_FOR_INTERRUPTS();
				if (!round_begin())
					return -1;
				outcome = partman_maintain_set(cfg, &run, &more);
			}
			if (outcome == PARTMAN_SET_IDLE)
			{
				MemoryContext old = MemoryContextSwitchTo(cxt);

				idle = lappend_oid(idle, cfg->parent);
				MemoryContextSwitchTo(old);
			}
			else if (outcome == PARTMAN_SET_FAILED)
				failed++;
		}
		round_end();
	}
	run_deferred_detaches(deferred, last_error, len);

	if (!round_begin())
		return -1;
	partman_maintenance_finish(idle);
	round_end();
	return failed;
}
