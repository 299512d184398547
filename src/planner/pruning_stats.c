/*-------------------------------------------------------------------------
 *
 * pruning_stats.c
 *	  Pruning statistics in shared memory: per partitioned table, how many
 *	  plans read it, how many pruned it, how many scanned all of it, the
 *	  partitions they scanned and their reasons; what the partman.pruning_stats
 *	  view reads and partman.pruning_stats_reset() forgets (their entry
 *	  points are in sql_api/pruning.c).
 *
 * Locking, as in pg_stat_statements: the hash table is protected by one
 * LWLock; counting takes it shared to find an entry and then the entry's
 * spinlock to add to it, so backends counting different tables do not
 * wait for each other.  Only a new table (or a reset) takes it exclusive.
 * When the table is full (partman.pruning_stats_max), new tables are not
 * counted and the view says how many plans went uncounted.
 *
 * Counting happens when a plan is made: a cached plan that is executed many
 * times counts once.
 *
 *-------------------------------------------------------------------------
 */
#include "partman.h"

#include "miscadmin.h"
#include "storage/ipc.h"
#include "storage/shmem.h"
#include "storage/spin.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"

typedef struct StatsKey
{
	Oid			dbid;
	Oid			relid;
} StatsKey;

typedef struct StatsEntry
{
	StatsKey	key;
	slock_t		mutex;
	int64		queries;
	int64		pruned_queries;
	int64		full_scans;
	int64		partitions_scanned;
	int64		reasons[PRUNING_REASON_COUNT];
} StatsEntry;

typedef struct StatsShared
{
	LWLock	   *lock;
	slock_t		mutex;
	int64		uncounted;		/* plans of tables that found no free entry */
} StatsShared;

static StatsShared *stats_shared = NULL;
static HTAB *stats_hash = NULL;

static shmem_request_hook_type prev_shmem_request_hook = NULL;
static shmem_startup_hook_type prev_shmem_startup_hook = NULL;

static Size
stats_size(void)
{
	return add_size(MAXALIGN(sizeof(StatsShared)),
					hash_estimate_size(partman_pruning_stats_max, sizeof(StatsEntry)));
}

static void
stats_shmem_request(void)
{
	if (prev_shmem_request_hook)
		prev_shmem_request_hook();
	RequestAddinShmemSpace(stats_size());
	RequestNamedLWLockTranche("partman_pruning_stats", 1);
}

static void
stats_shmem_startup(void)
{
	bool		found;
	HASHCTL		ctl;

	if (prev_shmem_startup_hook)
		prev_shmem_startup_hook();
	LWLockAcquire(AddinShmemInitLock, LW_EXCLUSIVE);
	stats_shared = ShmemInitStruct("partman pruning stats", sizeof(StatsShared), &found);
	if (!found)
	{
		stats_shared->lock = &(GetNamedLWLockTranche("partman_pruning_stats"))->lock;
		SpinLockInit(&stats_shared->mutex);
		stats_shared->uncounted = 0;
	}
	ctl.keysize = sizeof(StatsKey);
	ctl.entrysize = sizeof(StatsEntry);
	stats_hash = ShmemInitHash("partman pruning stats hash",
							   partman_pruning_stats_max, partman_pruning_stats_max,
							   &ctl, HASH_ELEM | HASH_BLOBS);
	LWLockRelease(AddinShmemInitLock);
}

/* Called from _PG_init while shared_preload_libraries is processed. */
void
partman_pruning_stats_request(void)
{
	prev_shmem_request_hook = shmem_request_hook;
	shmem_request_hook = stats_shmem_request;
	prev_shmem_startup_hook = shmem_startup_hook;
	shmem_startup_hook = stats_shmem_startup;
}

/* Are statistics being collected in this backend? */
bool
partman_pruning_stats_ready(void)
{
	return stats_hash != NULL && partman_track_pruning;
}

static void
add_to(StatsEntry *entry, const PruningDiagnosis *diag)
{
	SpinLockAcquire(&entry->mutex);
	entry->queries++;
	if (diag->kind != PRUNING_NONE)
		entry->pruned_queries++;
	else if (diag->partitions_scanned == diag->partitions_total)
		entry->full_scans++;
	entry->partitions_scanned += diag->partitions_scanned;
	entry->reasons[diag->reason]++;
	SpinLockRelease(&entry->mutex);
}

/*
 * partman_pruning_stats_count
 *		Count one plan's reading of one partitioned table.
 */
void
partman_pruning_stats_count(Oid relid, const PruningDiagnosis *diag)
{
	StatsKey	key;
	StatsEntry *entry;
	bool		found;

	key.dbid = MyDatabaseId;
	key.relid = relid;

	LWLockAcquire(stats_shared->lock, LW_SHARED);
	entry = hash_search(stats_hash, &key, HASH_FIND, NULL);
	if (entry != NULL)
	{
		add_to(entry, diag);
		LWLockRelease(stats_shared->lock);
		return;
	}
	LWLockRelease(stats_shared->lock);

	LWLockAcquire(stats_shared->lock, LW_EXCLUSIVE);
	entry = hash_search(stats_hash, &key, HASH_ENTER_NULL, &found);
	if (entry == NULL)
	{
		SpinLockAcquire(&stats_shared->mutex);
		stats_shared->uncounted++;
		SpinLockRelease(&stats_shared->mutex);
	}
	else
	{
		if (!found)
		{
			memset((char *) entry + sizeof(StatsKey), 0, sizeof(StatsEntry) - sizeof(StatsKey));
			SpinLockInit(&entry->mutex);
		}
		add_to(entry, diag);
	}
	LWLockRelease(stats_shared->lock);
}

static void
require_stats(void)
{
	if (stats_hash == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("partman pruning statistics are not collected"),
				 errdetail("partman was not loaded through shared_preload_libraries."),
				 errhint("Add partman to shared_preload_libraries in postgresql.conf and restart the server.")));
}

/*
 * partman_pruning_stats_read
 *		This database's statistics, one PartmanPruningStats per table (in
 *		the caller's memory context), and in *uncounted the plans that found
 *		no free entry.  Takes the hash table's lock shared, and each entry's
 *		spinlock to copy it.
 */
List *
partman_pruning_stats_read(int64 *uncounted)
{
	HASH_SEQ_STATUS seq;
	StatsEntry *entry;
	List	   *result = NIL;

	require_stats();
	LWLockAcquire(stats_shared->lock, LW_SHARED);
	hash_seq_init(&seq, stats_hash);
	while ((entry = hash_seq_search(&seq)) != NULL)
	{
		StatsEntry	copy;
		PartmanPruningStats *row;
		int			best = 0;

		if (entry->key.dbid != MyDatabaseId)
			continue;
		SpinLockAcquire(&entry->mutex);
		copy = *entry;
		SpinLockRelease(&entry->mutex);

		for (int r = 1; r < PRUNING_REASON_COUNT; r++)
			if (copy.reasons[r] > 0 && (best == 0 || copy.reasons[r] > copy.reasons[best]))
				best = r;
		row = palloc0(sizeof(PartmanPruningStats));
		row->relid = copy.key.relid;
		row->queries = copy.queries;
		row->pruned_queries = copy.pruned_queries;
		row->full_scans = copy.full_scans;
		row->avg_partitions_scanned = copy.queries > 0 ?
			(double) copy.partitions_scanned / copy.queries : 0.0;
		row->top_reason = (PruningReason) best;
		row->top_reason_count = best > 0 ? copy.reasons[best] : 0;
		result = lappend(result, row);
	}
	LWLockRelease(stats_shared->lock);

	SpinLockAcquire(&stats_shared->mutex);
	*uncounted = stats_shared->uncounted;
	SpinLockRelease(&stats_shared->mutex);
	return result;
}

/*
 * partman_pruning_stats_clear
 *		Forget this database's statistics.  Takes the hash table's lock
 *		exclusive.
 */
void
partman_pruning_stats_clear(void)
{
	HASH_SEQ_STATUS seq;
	StatsEntry *entry;

	require_stats();
	LWLockAcquire(stats_shared->lock, LW_EXCLUSIVE);
	hash_seq_init(&seq, stats_hash);
	while ((entry = hash_seq_search(&seq)) != NULL)
		if (entry->key.dbid == MyDatabaseId)
			hash_search(stats_hash, &entry->key, HASH_REMOVE, NULL);
	LWLockRelease(stats_shared->lock);
	SpinLockAcquire(&stats_shared->mutex);
	stats_shared->uncounted = 0;
	SpinLockRelease(&stats_shared->mutex);
}
