/*-------------------------------------------------------------------------
 *
 * worker.c
 *	  The per-database background worker: a round of maintenance every
 *	  partman.bgw_interval seconds (or when partman.wake_worker() asks), with
 *	  the same engine as CALL partman.run_maintenance(), one transaction per
 *	  set (the round itself: round.c).  Started by the launcher (launcher.c) with the database's OID in
 *	  bgw_main_arg.
 *
 * SIGTERM stops it promptly (die(), also mid-statement); SIGHUP reloads the
 * settings; it sleeps on its latch with WL_EXIT_ON_PM_DEATH and uses no CPU
 * while idle.  When the database no longer has the extension, it records
 * that and exits with code 0.
 *
 *-------------------------------------------------------------------------
 */
#include "partman.h"

#include "access/xact.h"
#include "commands/extension.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "postmaster/interrupt.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "tcop/tcopprot.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

PGDLLEXPORT void partman_worker_main(Datum arg);

static PartmanWorkerSlot *my_slot;

/*
 * partman_start_background_transaction
 *		Start a transaction in a background process.  No client sends it
 *		statements, so nothing else stamps the statement time that becomes
 *		the transaction's now(): without this, now() (and partman_now())
 *		would stay at the process's first transaction for ever.
 */
void
partman_start_background_transaction(void)
{
	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
}

static void
set_state(PartmanWorkerState state)
{
	LWLockAcquire(partman_shared->lock, LW_EXCLUSIVE);
	my_slot->state = state;
	LWLockRelease(partman_shared->lock);
}

static bool
extension_installed(void)
{
	bool		installed;

	partman_start_background_transaction();
	installed = OidIsValid(get_extension_oid("partman", true));
	CommitTransactionCommand();
	return installed;
}

/* SIGHUP: read the configuration again. */
static void
reload_config_if_asked(void)
{
	if (ConfigReloadPending)
	{
		ConfigReloadPending = false;
		ProcessConfigFile(PGC_SIGHUP);
	}
}

/* Leave cleanly: the launcher then looks again after an interval. */
static void
exit_without_extension(const char *why)
{
	set_state(WORKER_NO_EXTENSION);
	if (why)
		ereport(LOG, (errmsg("partman worker exiting: %s", why)));
	proc_exit(0);
}

/*
 * One round of maintenance in round_context.  A failed round is reported
 * and retried next time, not fatal; its message goes to last_error.
 */
static void
run_round(MemoryContext round_context, char *last_error, size_t size)
{
	set_state(WORKER_RUNNING);
	pgstat_report_activity(STATE_RUNNING, "partman: maintaining partition sets");
	MemoryContextSwitchTo(round_context);
	PG_TRY();
	{
		if (partman_maintenance_round(last_error, size) < 0)
			exit_without_extension("extension partman was dropped");
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(round_context);
		edata = CopyErrorData();
		EmitErrorReport();
		FlushErrorState();
		AbortCurrentTransaction();
		strlcpy(last_error, edata->message, size);
		/* DROP EXTENSION during the round: leave quietly */
		if (!extension_installed())
			exit_without_extension(NULL);
	}
	PG_END_TRY();
	MemoryContextSwitchTo(TopMemoryContext);
	MemoryContextReset(round_context);
	pgstat_report_activity(STATE_IDLE, NULL);
}

/* Publish the round's end in the worker's slot (partman.workers). */
static void
finish_round(const char *last_error)
{
	TimestampTz finished = GetCurrentTimestamp();

	LWLockAcquire(partman_shared->lock, LW_EXCLUSIVE);
	my_slot->state = WORKER_IDLE;
	my_slot->wake = false;
	my_slot->last_run = finished;
	my_slot->next_run = TimestampTzPlusMilliseconds(finished, partman_bgw_interval * 1000L);
	strlcpy(my_slot->last_error, last_error, sizeof(my_slot->last_error));
	LWLockRelease(partman_shared->lock);
}

/*
 * Sleep until the next round is due, or wake_worker() asks.  A new
 * interval (SIGHUP) counts from the last round.
 */
static void
sleep_until_due(void)
{
	for (;;)
	{
		TimestampTz now = GetCurrentTimestamp();
		TimestampTz due;
		bool		wake;

		CHECK_FOR_INTERRUPTS();
		reload_config_if_asked();
		LWLockAcquire(partman_shared->lock, LW_EXCLUSIVE);
		wake = my_slot->wake;
		due = TimestampTzPlusMilliseconds(my_slot->last_run, partman_bgw_interval * 1000L);
		my_slot->next_run = due;
		LWLockRelease(partman_shared->lock);
		if (wake || now >= due)
			return;
		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
						 Max(1, (long) ((due - now) / 1000)), PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
	}
}

/*
 * The worker of one database: a round of maintenance every
 * partman.bgw_interval, or sooner when wake_worker() asks.
 */
void
partman_worker_main(Datum arg)
{
	Oid			dboid = DatumGetObjectId(arg);
	PartmanWorkerArgs args;
	MemoryContext round_context;

	memcpy(&args, MyBgworkerEntry->bgw_extra, sizeof(args));
	my_slot = &partman_shared->slots[args.slot];

	pqsignal(SIGHUP, SignalHandlerForConfigReload);
	pqsignal(SIGTERM, die);
	BackgroundWorkerUnblockSignals();
	BackgroundWorkerInitializeConnectionByOid(dboid, args.role, 0);
	pgstat_report_appname("partman worker");

	LWLockAcquire(partman_shared->lock, LW_EXCLUSIVE);
	my_slot->pid = MyProcPid;
	my_slot->state = WORKER_IDLE;
	LWLockRelease(partman_shared->lock);

	round_context = AllocSetContextCreate(TopMemoryContext, "partman worker round",
										  ALLOCSET_DEFAULT_SIZES);
	for (;;)
	{
		char		last_error[sizeof(my_slot->last_error)] = "";

		CHECK_FOR_INTERRUPTS();
		reload_config_if_asked();
		if (!extension_installed())
			exit_without_extension("extension partman is not installed in this database");
		run_round(round_context, last_error, sizeof(last_error));
		finish_round(last_error);
		sleep_until_due();
	}
}
