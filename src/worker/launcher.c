/*-------------------------------------------------------------------------
 *
 * launcher.c
 *	  The background worker launcher, the workers' shared state, and what
 *	  the SQL functions that read and poke it (wake_worker, the workers
 *	  view; entry points in sql_api/workers.c) ask of it.
 *
 * The launcher is a static background worker, registered when partman is in
 * shared_preload_libraries.  It connects to no database (it only reads the
 * shared catalog pg_database) and keeps one slot per database:
 *
 *	  (no slot) --start--> STARTING --worker attaches--> IDLE <--> RUNNING
 *	  RUNNING/IDLE --worker exits 0, extension absent--> NO_EXTENSION
 *	  RUNNING/IDLE --worker exits otherwise, or is killed--> CRASHED
 *	  NO_EXTENSION: started again one interval later (CREATE EXTENSION is
 *		picked up within one interval)
 *	  CRASHED: started again after a backoff of 1 s, doubling per crash up to
 *		one interval
 *	  a database that is dropped, or leaves partman.bgw_databases: STOPPED
 *		(its worker is terminated) and the slot is freed
 *
 * At most partman.bgw_max_workers workers run at once (0: none).  The
 * launcher wakes when a worker starts or stops (bgw_notify_pid) and at least
 * every 5 s (every interval when shorter) to look for new databases.
 *
 * Locking: PartmanShared->lock protects the slots.  Workers write their own
 * slot's state and timestamps; only the launcher assigns and frees slots.
 *
 *-------------------------------------------------------------------------
 */
#include "partman.h"

#include "access/heapam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/pg_database.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "postmaster/interrupt.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "storage/lwlock.h"
#include "storage/proc.h"
#include "storage/procarray.h"
#include "storage/shmem.h"
#include "commands/dbcommands.h"
#include "commands/defrem.h"
#include "tcop/tcopprot.h"
#include "tcop/utility.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"
#include "utils/varlena.h"

PGDLLEXPORT void partman_launcher_main(Datum arg);

/* settings (PGC_SIGHUP) */
int			partman_bgw_interval = 600;
char	   *partman_bgw_databases = NULL;
char	   *partman_bgw_role = NULL;
int			partman_bgw_max_workers = 4;

PartmanShared *partman_shared = NULL;

static shmem_request_hook_type prev_shmem_request_hook = NULL;
static ProcessUtility_hook_type prev_process_utility_hook = NULL;
static shmem_startup_hook_type prev_shmem_startup_hook = NULL;

/* the launcher's own view of its workers (handles are process-local) */
typedef struct LauncherSlot
{
	BackgroundWorkerHandle *handle;
	int			crashes;
	TimestampTz start_after;
} LauncherSlot;

static LauncherSlot launcher_slots[PARTMAN_MAX_DATABASES];

static Size
shared_size(void)
{
	return sizeof(PartmanShared);
}

static void
partman_shmem_request(void)
{
	if (prev_shmem_request_hook)
		prev_shmem_request_hook();
	RequestAddinShmemSpace(shared_size());
	RequestNamedLWLockTranche("partman", 1);
}

static void
partman_shmem_startup(void)
{
	bool		found;

	if (prev_shmem_startup_hook)
		prev_shmem_startup_hook();
	LWLockAcquire(AddinShmemInitLock, LW_EXCLUSIVE);
	partman_shared = ShmemInitStruct("partman", shared_size(), &found);
	if (!found)
	{
		memset(partman_shared, 0, shared_size());
		partman_shared->lock = &(GetNamedLWLockTranche("partman"))->lock;
	}
	LWLockRelease(AddinShmemInitLock);
}

/*
 * A worker connected to a database would make DROP DATABASE, ALTER DATABASE
 * ... RENAME and CREATE DATABASE ... TEMPLATE fail with "being accessed by
 * other users": stop it first.  The statement then holds the database's
 * lock, so the restarted worker cannot connect until it is done.
 */
static void
stop_worker_of(const char *dbname)
{
	Oid			dboid;
	pid_t		pid = 0;

	if (partman_shared == NULL || dbname == NULL)
		return;
	dboid = get_database_oid(dbname, true);
	if (!OidIsValid(dboid))
		return;
	LWLockAcquire(partman_shared->lock, LW_SHARED);
	for (int i = 0; i < PARTMAN_MAX_DATABASES; i++)
		if (partman_shared->slots[i].state != WORKER_FREE &&
			partman_shared->slots[i].dboid == dboid)
			pid = partman_shared->slots[i].pid;
	LWLockRelease(partman_shared->lock);
	if (pid != 0)
		(void) kill(pid, SIGTERM);
}

static void
partman_process_utility(PlannedStmt *pstmt, const char *queryString, bool readOnlyTree,
						ProcessUtilityContext context, ParamListInfo params,
						QueryEnvironment *queryEnv, DestReceiver *dest, QueryCompletion *qc)
{
	Node	   *stmt = pstmt->utilityStmt;

	if (IsA(stmt, DropdbStmt))
		stop_worker_of(((DropdbStmt *) stmt)->dbname);
	else if (IsA(stmt, RenameStmt) && ((RenameStmt *) stmt)->renameType == OBJECT_DATABASE)
		stop_worker_of(((RenameStmt *) stmt)->subname);
	else if (IsA(stmt, CreatedbStmt))
	{
		ListCell   *lc;

		foreach(lc, ((CreatedbStmt *) stmt)->options)
		{
			DefElem    *opt = lfirst_node(DefElem, lc);

			if (strcmp(opt->defname, "template") == 0 && opt->arg != NULL)
				stop_worker_of(defGetString(opt));
		}
	}

	if (prev_process_utility_hook)
		prev_process_utility_hook(pstmt, queryString, readOnlyTree, context, params,
								  queryEnv, dest, qc);
	else
		standard_ProcessUtility(pstmt, queryString, readOnlyTree, context, params,
								queryEnv, dest, qc);
}

/*
 * partman_register_launcher
 *		Called from _PG_init while shared_preload_libraries is processed.
 */
void
partman_register_launcher(void)
{
	BackgroundWorker worker;

	prev_shmem_request_hook = shmem_request_hook;
	shmem_request_hook = partman_shmem_request;
	prev_shmem_startup_hook = shmem_startup_hook;
	shmem_startup_hook = partman_shmem_startup;
	prev_process_utility_hook = ProcessUtility_hook;
	ProcessUtility_hook = partman_process_utility;

	memset(&worker, 0, sizeof(worker));
	worker.bgw_flags = BGWORKER_SHMEM_ACCESS | BGWORKER_BACKEND_DATABASE_CONNECTION;
	worker.bgw_start_time = BgWorkerStart_RecoveryFinished;
	worker.bgw_restart_time = 5;
	snprintf(worker.bgw_library_name, BGW_MAXLEN, "partman");
	snprintf(worker.bgw_function_name, BGW_MAXLEN, "partman_launcher_main");
	snprintf(worker.bgw_name, BGW_MAXLEN, "partman launcher");
	snprintf(worker.bgw_type, BGW_MAXLEN, "partman launcher");
	RegisterBackgroundWorker(&worker);
}

/* The shared state, or an ERROR saying how to get it. */
PartmanShared *
partman_require_shared(void)
{
	if (partman_shared == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("partman background workers are not running"),
				 errhint("Add partman to shared_preload_libraries in postgresql.conf and restart the server.")));
	return partman_shared;
}

/* The state as the partman.workers view shows it. */
const char *
partman_worker_state_name(PartmanWorkerState state)
{
	switch (state)
	{
		case WORKER_STARTING:
			return "starting";
		case WORKER_IDLE:
			return "idle";
		case WORKER_RUNNING:
			return "running";
		case WORKER_NO_EXTENSION:
			return "no extension";
		case WORKER_CRASHED:
			return "crashed";
		case WORKER_STOPPED:
			return "stopped";
		case WORKER_FREE:
			break;
	}
	return "free";
}

/* ---------------------------------------------------------------------
 * The launcher
 * ---------------------------------------------------------------------
 */

typedef struct DatabaseEntry
{
	Oid			oid;
	char		name[NAMEDATALEN];
} DatabaseEntry;

/* Is name in the partman.bgw_databases allow-list (empty: everything)? */
static bool
database_allowed(const char *name)
{
	char	   *copy;
	List	   *names;
	ListCell   *lc;
	bool		allowed = false;

	if (partman_bgw_databases == NULL || partman_bgw_databases[0] == '\0')
		return true;
	copy = pstrdup(partman_bgw_databases);
	if (!SplitIdentifierString(copy, ',', &names))
		return false;
	foreach(lc, names)
		if (strcmp((char *) lfirst(lc), name) == 0)
			allowed = true;
	return allowed;
}

/* The databases that should have a worker, read from pg_database. */
static List *
wanted_databases(void)
{
	List	   *result = NIL;
	Relation	rel;
	TableScanDesc scan;
	HeapTuple	tuple;
	MemoryContext caller = CurrentMemoryContext;

	partman_start_background_transaction();
	PushActiveSnapshot(GetTransactionSnapshot());
	rel = table_open(DatabaseRelationId, AccessShareLock);
	scan = table_beginscan_catalog(rel, 0, NULL);
	while ((tuple = heap_getnext(scan, ForwardScanDirection)) != NULL)
	{
		Form_pg_database db = (Form_pg_database) GETSTRUCT(tuple);

		if (db->datistemplate || !db->datallowconn || !database_allowed(NameStr(db->datname)))
			continue;
		{
			MemoryContext old = MemoryContextSwitchTo(caller);
			DatabaseEntry *entry = palloc(sizeof(DatabaseEntry));

			entry->oid = db->oid;
			strlcpy(entry->name, NameStr(db->datname), NAMEDATALEN);
			result = lappend(result, entry);
			MemoryContextSwitchTo(old);
		}
	}
	table_endscan(scan);
	table_close(rel, AccessShareLock);
	PopActiveSnapshot();
	CommitTransactionCommand();
	return result;
}

/* The role the workers connect as (InvalidOid: the bootstrap superuser). */
static Oid
worker_role(void)
{
	Oid			role = InvalidOid;

	if (partman_bgw_role == NULL || partman_bgw_role[0] == '\0')
		return InvalidOid;
	partman_start_background_transaction();
	role = get_role_oid(partman_bgw_role, true);
	CommitTransactionCommand();
	if (!OidIsValid(role))
		ereport(WARNING,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("role \"%s\" in partman.bgw_role does not exist; workers are not started",
						partman_bgw_role)));
	return role;
}

static bool
start_worker(int slot, Oid dboid, Oid role)
{
	BackgroundWorker worker;
	PartmanWorkerArgs args;

	memset(&worker, 0, sizeof(worker));
	worker.bgw_flags = BGWORKER_SHMEM_ACCESS | BGWORKER_BACKEND_DATABASE_CONNECTION;
	worker.bgw_start_time = BgWorkerStart_RecoveryFinished;
	worker.bgw_restart_time = BGW_NEVER_RESTART;	/* the launcher decides */
	snprintf(worker.bgw_library_name, BGW_MAXLEN, "partman");
	snprintf(worker.bgw_function_name, BGW_MAXLEN, "partman_worker_main");
	snprintf(worker.bgw_name, BGW_MAXLEN, "partman worker for database %u", dboid);
	snprintf(worker.bgw_type, BGW_MAXLEN, "partman worker");
	worker.bgw_main_arg = ObjectIdGetDatum(dboid);
	worker.bgw_notify_pid = MyProcPid;
	args.slot = slot;
	args.role = role;
	memcpy(worker.bgw_extra, &args, sizeof(args));
	return RegisterDynamicBackgroundWorker(&worker, &launcher_slots[slot].handle);
}

/* Whether the database dboid is in databases (a List of DatabaseEntry). */
static bool
database_wanted(List *databases, Oid dboid)
{
	ListCell   *lc;

	foreach(lc, databases)
		if (((DatabaseEntry *) lfirst(lc))->oid == dboid)
			return true;
	return false;
}

/*
 * Slot i's worker has stopped: a clean exit means "no extension here" (look
 * again after an interval); any other exit is a crash, restarted after a
 * backoff that doubles up to one interval.
 */
static void
note_worker_exit(int i, TimestampTz now)
{
	PartmanWorkerSlot *slot = &partman_shared->slots[i];
	LauncherSlot *mine = &launcher_slots[i];

	pfree(mine->handle);
	mine->handle = NULL;
	slot->pid = 0;
	if (slot->state == WORKER_NO_EXTENSION)
	{
		mine->crashes = 0;
		mine->start_after = TimestampTzPlusMilliseconds(now, partman_bgw_interval * 1000L);
	}
	else if (slot->state != WORKER_STOPPED)
	{
		long		backoff = Min(1000L << Min(mine->crashes, 20),
								  partman_bgw_interval * 1000L);

		slot->state = WORKER_CRASHED;
		mine->crashes++;
		mine->start_after = TimestampTzPlusMilliseconds(now, backoff);
		ereport(LOG,
				(errmsg("partman worker for database %u exited; starting it again in %ld ms",
						slot->dboid, backoff)));
	}
}

/*
 * Note the workers that exited, stop those of databases no longer wanted
 * and free their slots.  Returns how many workers still run.  Caller holds
 * the shared lock.
 */
static int
reap_workers(List *databases, TimestampTz now)
{
	int			running = 0;

	for (int i = 0; i < PARTMAN_MAX_DATABASES; i++)
	{
		PartmanWorkerSlot *slot = &partman_shared->slots[i];
		LauncherSlot *mine = &launcher_slots[i];
		pid_t		pid;

		if (slot->state == WORKER_FREE)
			continue;
		if (mine->handle && GetBackgroundWorkerPid(mine->handle, &pid) == BGWH_STOPPED)
			note_worker_exit(i, now);
		if (!database_wanted(databases, slot->dboid))
		{
			if (mine->handle)
				TerminateBackgroundWorker(mine->handle);
			else
			{
				slot->state = WORKER_FREE;
				slot->dboid = InvalidOid;
			}
			continue;
		}
		if (mine->handle)
			running++;
	}
	return running;
}

/* Give each wanted database without a slot a free one.  Caller holds the shared lock. */
static void
assign_slots(List *databases, TimestampTz now)
{
	ListCell   *lc;

	foreach(lc, databases)
	{
		DatabaseEntry *db = lfirst(lc);
		int			free_slot = -1;
		bool		has_slot = false;

		for (int i = 0; i < PARTMAN_MAX_DATABASES; i++)
		{
			if (partman_shared->slots[i].state != WORKER_FREE &&
				partman_shared->slots[i].dboid == db->oid)
				has_slot = true;
			else if (partman_shared->slots[i].state == WORKER_FREE && free_slot < 0)
				free_slot = i;
		}
		if (has_slot || free_slot < 0)
			continue;
		memset(&partman_shared->slots[free_slot], 0, sizeof(PartmanWorkerSlot));
		partman_shared->slots[free_slot].dboid = db->oid;
		strlcpy(partman_shared->slots[free_slot].dbname, db->name, NAMEDATALEN);
		partman_shared->slots[free_slot].state = WORKER_STOPPED;
		launcher_slots[free_slot].crashes = 0;
		launcher_slots[free_slot].start_after = now;
	}
}

/*
 * Start the workers that are due, up to bgw_max_workers running at once.
 * Returns how long to sleep at most (sleep_ms, or less when a start is due
 * sooner).  Caller holds the shared lock.
 */
static long
start_due_workers(int running, Oid role, TimestampTz now, long sleep_ms)
{
	for (int i = 0; i < PARTMAN_MAX_DATABASES; i++)
	{
		PartmanWorkerSlot *slot = &partman_shared->slots[i];
		LauncherSlot *mine = &launcher_slots[i];

		if (slot->state == WORKER_FREE || mine->handle != NULL)
			continue;
		if (mine->start_after > now)
		{
			long		wait_ms = (long) ((mine->start_after - now) / 1000);

			sleep_ms = Min(sleep_ms, Max(wait_ms, 10));
			continue;
		}
		if (running >= partman_bgw_max_workers)
			break;
		slot->state = WORKER_STARTING;
		if (start_worker(i, slot->dboid, role))
			running++;
		else
		{
			/* no free background worker slot: try again soon */
			slot->state = WORKER_STOPPED;
			mine->start_after = TimestampTzPlusMilliseconds(now, 1000);
		}
	}
	return sleep_ms;
}

/* One pass: note exits, free slots of vanished databases, start workers. */
static long
launcher_pass(void)
{
	List	   *databases = wanted_databases();
	TimestampTz now = GetCurrentTimestamp();
	/* look for new databases every 5 s, or every interval when shorter */
	long		sleep_ms = Min(5000L, partman_bgw_interval * 1000L);
	Oid			role = worker_role();
	int			running;

	if (partman_bgw_role && partman_bgw_role[0] != '\0' && !OidIsValid(role))
		return sleep_ms;

	LWLockAcquire(partman_shared->lock, LW_EXCLUSIVE);
	running = reap_workers(databases, now);
	assign_slots(databases, now);
	sleep_ms = start_due_workers(running, role, now, sleep_ms);
	LWLockRelease(partman_shared->lock);
	list_free_deep(databases);
	return sleep_ms;
}

void
partman_launcher_main(Datum arg)
{
	pqsignal(SIGHUP, SignalHandlerForConfigReload);
	pqsignal(SIGTERM, die);
	BackgroundWorkerUnblockSignals();

	/* no database: pg_database is a shared catalog */
	BackgroundWorkerInitializeConnection(NULL, NULL, 0);
	pgstat_report_appname("partman launcher");

	LWLockAcquire(partman_shared->lock, LW_EXCLUSIVE);
	partman_shared->launcher_pid = MyProcPid;
	/* after a launcher restart, no worker handle survives: forget all slots */
	for (int i = 0; i < PARTMAN_MAX_DATABASES; i++)
		partman_shared->slots[i].state = WORKER_FREE;
	LWLockRelease(partman_shared->lock);
	ereport(LOG, (errmsg("partman launcher started")));

	for (;;)
	{
		long		sleep_ms;

		CHECK_FOR_INTERRUPTS();
		if (ConfigReloadPending)
		{
			TimestampTz latest;

			ConfigReloadPending = false;
			ProcessConfigFile(PGC_SIGHUP);
			/* a shorter interval also shortens the waits already scheduled */
			latest = TimestampTzPlusMilliseconds(GetCurrentTimestamp(),
												 partman_bgw_interval * 1000L);
			for (int i = 0; i < PARTMAN_MAX_DATABASES; i++)
				launcher_slots[i].start_after = Min(launcher_slots[i].start_after, latest);
		}
		sleep_ms = launcher_pass();
		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
						 sleep_ms, PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
	}
}

/* ---------------------------------------------------------------------
 * What the SQL functions ask of the workers
 * ---------------------------------------------------------------------
 */

/*
 * partman_wake_database_worker
 *		Make this database's worker run maintenance now (its slot's wake
 *		flag, and its latch).  False when the database has no running
 *		worker.  Takes the slots' lock exclusive.
 */
bool
partman_wake_database_worker(void)
{
	PartmanShared *shared = partman_require_shared();
	pid_t		pid = 0;

	LWLockAcquire(shared->lock, LW_EXCLUSIVE);
	for (int i = 0; i < PARTMAN_MAX_DATABASES; i++)
	{
		PartmanWorkerSlot *slot = &shared->slots[i];

		if (slot->state != WORKER_FREE && slot->dboid == MyDatabaseId && slot->pid != 0)
		{
			slot->wake = true;
			pid = slot->pid;
		}
	}
	LWLockRelease(shared->lock);
	if (pid != 0)
	{
		PGPROC	   *proc = BackendPidGetProc(pid);

		if (proc == NULL)
			pid = 0;
		else
			SetLatch(&proc->procLatch);
	}
	return pid != 0;
}

/*
 * partman_copy_worker_slots
 *		A consistent copy of every slot (free ones included) into copy.
 *		Takes the slots' lock shared.
 */
void
partman_copy_worker_slots(PartmanWorkerSlot copy[PARTMAN_MAX_DATABASES])
{
	PartmanShared *shared = partman_require_shared();

	LWLockAcquire(shared->lock, LW_SHARED);
	memcpy(copy, shared->slots, sizeof(PartmanWorkerSlot) * PARTMAN_MAX_DATABASES);
	LWLockRelease(shared->lock);
}
