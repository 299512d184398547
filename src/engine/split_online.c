/*-------------------------------------------------------------------------
 *
 * split_online.c
 *	  partman.split_partition_online: split a RANGE partition that spans
 *	  several cells of its set's grid (the legacy partition partition_table
 *	  leaves, say) into one partition per cell, while the set stays in use.
 *
 * The rows are copied, not moved, in the phases of the background
 * document's Exercise 3, each phase its own transaction or transactions:
 *
 *	1. prepare: an empty staging table, partitioned like the set, with one
 *	   partition per cell (each with the set's indexes, foreign keys and a
 *	   CHECK constraint proving its bound, all instant on empty tables), and
 *	   a trigger on the partition that writes every change of its rows
 *	   through to the staging table ("dual write");
 *	2. backfill: the partition's rows are copied in batches of blocks, one
 *	   transaction each; rows are read FOR SHARE, so a concurrent change
 *	   either commits first (and the copy sees its result) or waits for the
 *	   batch (and its trigger then finds the copied row);
 *	3. verify: row count and checksum of the partition and of the staging
 *	   table, read in one snapshot, must be equal;
 *	4. cut over, under ACCESS EXCLUSIVE on the parent and the partition
 *	   within partman.lock_timeout: the partition is detached and dropped,
 *	   and each cell detached from the staging table and attached to the
 *	   set (its CHECK constraint makes ATTACH skip the scan; its indexes and
 *	   foreign keys attach to the parent's); foreign keys of other tables
 *	   that reference the set are dropped before and added again NOT VALID
 *	   after, and validated online once the swap is committed.
 *
 * Readers and writers of the set go on during phases 1 to 3; the partition's
 * writers pay for the trigger.  A failure removes the staging table and the
 * trigger again, leaving the partition as it was.
 *
 *-------------------------------------------------------------------------
 */
#include "partman.h"

#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/partition.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "storage/bufmgr.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/timestamp.h"
#include "access/relation.h"

#define CELL_CONSTRAINT "partman_bound_check"

typedef struct Split
{
	PartmanSet	set;
	Oid			partition;
	char	   *partition_q;	/* qualified name of the partition */
	char	   *staging_name;
	char	   *staging_q;
	char	   *mirror_q;		/* the trigger function */
	char	   *columns;		/* copied columns, quoted */
	char	   *key_match;		/* unique key of OLD row: "k1 = ($1).k1 AND ..." */
	int64	   *cells;
	int			ncells;
	List	   *fks;			/* PartmanForeignKey: re-pointed at the cut-over */
} Split;

/* The statements that remove what an interrupted run left. */
static char *
leftovers(const Split *s)
{
	return psprintf("%s; %s", partman_sql_drop_table(s->staging_q, false),
					partman_sql_drop_function(s->mirror_q, false, true));
}

/* The bound of the partition's i-th cell. */
static PartmanBound
cell_bound(const Split *s, int i)
{
	PartmanBound bound;

	memset(&bound, 0, sizeof(bound));
	bound.lower = partman_grid_bound(&s->set.grid, s->cells[i]);
	bound.upper = partman_grid_bound(&s->set.grid, s->cells[i] + 1);
	return bound;
}

/* Checks, and the cells of the partition. */
static void
open_split(Split *s, Oid partition)
{
	PartmanKey *key = &s->set.key;
	Oid			parent;
	PartmanPartition *part = NULL;
	List	   *parts;
	ListCell   *lc;
	int64		first;
	int64		last;

	if (!get_rel_relispartition(partition))
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("\"%s\" is not a partition", get_rel_name(partition))));
	parent = get_partition_parent(partition, true);
	partman_open_set(parent, &s->set);
	if (!s->set.managed || !s->set.has_grid)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("split_partition_online needs a RANGE set managed by partman, and \"%s\" is not one",
						key->relname)));
	parts = partman_list_partitions(parent);
	foreach(lc, parts)
	{
		if (((PartmanPartition *) lfirst(lc))->relid == partition)
			part = lfirst(lc);
	}
	if (part == NULL || part->is_default || part->lower_unbounded || part->upper_unbounded ||
		get_rel_relkind(partition) != RELKIND_RELATION)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("partition \"%s\" is not a bounded plain RANGE partition", get_rel_name(partition))));
	first = partman_grid_cell_of(&s->set.grid, part->lower);
	last = partman_grid_cell_of(&s->set.grid, part->upper);
	if (partman_compare_keys(key, partman_grid_bound(&s->set.grid, first), part->lower) != 0 ||
		partman_compare_keys(key, partman_grid_bound(&s->set.grid, last), part->upper) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("the bounds of partition \"%s\" do not lie on the set's grid of %s",
						get_rel_name(partition), s->set.cfg.interval)));
	s->cells = partman_missing_cells(key, &s->set.grid, first, last - 1, &s->ncells);
	if (s->ncells < 2)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("partition \"%s\" spans one cell of the grid already", get_rel_name(partition))));

	s->key_match = partman_unique_key_match(parent);
	if (s->key_match == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("table \"%s\" has no primary key or unique index on NOT NULL columns", key->relname),
				 errdetail("The changes made to the partition while it is copied are written through by that key.")));
	/*
	 * Foreign keys referencing the set are dropped and added again NOT VALID
	 * around the swap (PostgreSQL would check the referencing rows when the
	 * referenced partition is detached), then validated online; the caller
	 * must own the referencing tables.  PostgreSQL 15 cannot add a NOT VALID
	 * foreign key to a partitioned table, so those are refused.
	 */
	foreach(lc, partman_fks_referencing_set(parent))
	{
		PartmanReference *ref = lfirst(lc);

		if (ref->relkind == RELKIND_PARTITIONED_TABLE)
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("partitioned table \"%s\" references table \"%s\" (foreign key \"%s\")",
							get_rel_name(ref->relid), key->relname, ref->conname),
					 errdetail("PostgreSQL checks the referencing rows when a referenced partition is detached, under the exclusive lock."),
					 errhint("Drop the foreign key for the split and add it again afterwards.")));
		partman_check_owner(ref->relid);
	}

	s->partition = partition;
	s->partition_q = partman_qualified_name(partition);
	s->staging_name = partman_partition_name(key, "split");
	s->staging_q = partman_qualified_in(key->nspname, s->staging_name);
	s->mirror_q = partman_qualified_in(key->nspname, partman_partition_name(key, "split_mirror"));
	s->columns = partman_column_list(parent);
	if (OidIsValid(get_relname_relid(s->staging_name, get_rel_namespace(parent))))
		ereport(ERROR,
				(errcode(ERRCODE_DUPLICATE_TABLE),
				 errmsg("relation \"%s\" already exists", s->staging_name),
				 errdetail("split_partition_online copies the rows into a staging table of that name."),
				 errhint("If it is left from an interrupted run: %s;", leftovers(s))));
}

/* 1. prepare: staging table, its cells, the write-through trigger */
static void
prepare(Split *s)
{
	PartmanKey *key = &s->set.key;
	char	   *parent_q = partman_qualified_name(key->parent);
	PartmanKey	staging;
	PartmanTemplate tmpl;
	char	   *mirror_delete = partman_sql_mirror_delete(s->staging_q, s->key_match);
	char	   *mirror_insert = partman_sql_mirror_insert(s->staging_q, s->columns);
	Oid			rowtype = get_rel_type_id(s->partition);
	ListCell   *lc;

	partman_ddl_exec(partman_sql_create_staging(s->staging_q, parent_q, key->attname));
	/* foreign keys, so that each cell has them when it is attached */
	foreach(lc, partman_fk_definitions(key->parent))
	{
		PartmanConstraintDef *fk = lfirst(lc);

		partman_ddl_exec(partman_sql_add_constraint(s->staging_q, fk->name, fk->definition,
													false));
	}

	staging = *key;
	staging.parent = get_relname_relid(s->staging_name, get_rel_namespace(key->parent));
	staging.relname = s->staging_name;
	partman_read_template(key, NULL, &tmpl);
	if (s->set.cfg.storage_parameters)
		tmpl.storage_parameters = partman_storage_clause(s->set.cfg.storage_parameters);
	for (int i = 0; i < s->ncells; i++)
	{
		PartmanBound bound = cell_bound(s, i);
		Oid			cell;

		cell = partman_create_partition(&staging, &tmpl,
										partman_cell_name(key, &s->set.grid, s->cells[i]),
										partman_bound_clause(key, &bound));
		partman_ddl_exec(partman_sql_add_check(partman_qualified_name(cell), CELL_CONSTRAINT,
											   partman_bound_condition(key, &bound), false, false));
	}

	/*
	 * write-through: runs as the owner, so writers need no rights on the
	 * staging table.  Its two statements are planned here once, so that one
	 * that cannot work (an operator the key's type lacks, say) fails now and
	 * not in the writers' transactions.
	 */
	if (SPI_prepare(mirror_delete, 1, &rowtype) == NULL)
		elog(ERROR, "could not plan the write-through \"%s\": %s", mirror_delete,
			 SPI_result_code_string(SPI_result));
	if (SPI_prepare(mirror_insert, 1, &rowtype) == NULL)
		elog(ERROR, "could not plan the write-through \"%s\": %s", mirror_insert,
			 SPI_result_code_string(SPI_result));
	partman_ddl_exec(partman_sql_mirror_function(s->mirror_q, s->staging_q, mirror_delete,
												 mirror_insert));
	partman_ddl_exec_list(partman_sql_mirror_triggers(s->partition_q, s->mirror_q));
}


/* 3. verify: count and checksum of both, in one snapshot */
static void
verify(Split *s)
{
	char	   *a;
	char	   *b;

	partman_fingerprints(s->partition_q, s->staging_q, s->columns, &a, &b);
	if (strcmp(a, b) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("the copy of partition \"%s\" does not match it", get_rel_name(s->partition)),
				 errdetail("Rows and checksum of the partition: %s; of the copy: %s.", a, b)));
	ereport(NOTICE,
			(errmsg("split_partition_online \"%s\", phase 3 of 4 (verify): partition and copy hold the same %s rows",
					get_rel_name(s->partition), pnstrdup(a, strchr(a, ':') - a))));
}

/* 4. cut over */
static void
cutover(void *arg)
{
	Split	   *s = arg;
	PartmanKey *key = &s->set.key;
	char	   *parent_q = partman_qualified_name(key->parent);
	Oid			deflt;
	PartmanDdlState ddl;
	ListCell   *lc;

	partman_lock_relation(key->parent, AccessExclusiveLock);
	partman_lock_relation(s->partition, AccessExclusiveLock);
	deflt = partman_default_partition(key->parent);
	if (OidIsValid(deflt))
		partman_lock_relation(deflt, AccessExclusiveLock);
	partman_begin_ddl(key, &ddl);
	s->fks = partman_referencing_fks(key->parent);
	foreach(lc, s->fks)
	{
		PartmanForeignKey *fk = lfirst(lc);

		partman_exec_as(fk->owner, fk->drop);
	}
	partman_ddl_exec(partman_sql_detach(parent_q, s->partition_q, NULL));
	partman_ddl_exec(partman_sql_drop_table(s->partition_q, false));
	for (int i = 0; i < s->ncells; i++)
	{
		PartmanBound bound = cell_bound(s, i);
		char	   *cell = partman_qualified_in(key->nspname,
												partman_cell_name(key, &s->set.grid, s->cells[i]));

		partman_ddl_exec(partman_sql_detach(s->staging_q, cell, NULL));
		partman_ddl_exec(partman_sql_attach(parent_q, cell, partman_bound_clause(key, &bound)));
		partman_ddl_exec(partman_sql_drop_constraint(cell, CELL_CONSTRAINT, false));
	}
	partman_ddl_exec(partman_sql_drop_table(s->staging_q, false));
	partman_ddl_exec(partman_sql_drop_function(s->mirror_q, false, false));
	foreach(lc, s->fks)
	{
		PartmanForeignKey *fk = lfirst(lc);

		partman_exec_as(fk->owner, fk->add);
	}
	partman_end_ddl(&ddl);
}

/* After a failure: staging table, trigger and function go. */
static void
remove_staging(void *arg)
{
	Split	   *s = arg;
	PartmanDdlState ddl;

	partman_begin_ddl(&s->set.key, &ddl);
	partman_ddl_exec(partman_sql_drop_table(s->staging_q, true));
	partman_ddl_exec(partman_sql_drop_function(s->mirror_q, true, true));
	partman_end_ddl(&ddl);
}

/* After a failed step, when removing the staging table failed too. */
static void
warn_staging_left(void *arg, ErrorData *cleanup)
{
	Split	   *s = arg;

	ereport(WARNING,
			(errmsg("the staging table \"%s\" could not be removed: %s", s->staging_name, cleanup->message),
			 errhint("%s;", leftovers(s))));
}

/* Run step(arg); when it fails, remove the staging table, commit that, then raise its error. */
static void
run_step(Split *s, void (*step) (void *), void *arg)
{
	ErrorData  *edata = partman_try_subtransaction(step, arg);

	if (edata != NULL)
		partman_fail_after_cleanup(edata, remove_staging, warn_staging_left, s);
}

static void
prepare_step(void *arg)
{
	Split	   *s = arg;
	PartmanDdlState ddl;

	/* the trigger needs a brief SHARE ROW EXCLUSIVE lock on the partition */
	partman_lock_relation(s->partition, ShareRowExclusiveLock);
	partman_begin_ddl(&s->set.key, &ddl);
	prepare(s);
	partman_end_ddl(&ddl);
}

typedef struct BackfillStep
{
	Split	   *s;
	BlockNumber from;
	BlockNumber to;
	uint64		copied;
} BackfillStep;

static void
backfill_step(void *arg)
{
	BackfillStep *b = arg;

	b->copied = partman_copy_blocks(b->s->partition_q, b->s->staging_q, b->s->columns,
									b->from, b->to);
}

static void
verify_step(void *arg)
{
	verify(arg);
}

/*
 * partman_split_online
 *		Split partition into one partition per cell of its set's grid (see
 *		the file header), copying batch_rows rows or so per transaction.
 *		Returns the number of partitions made and sets *lock_ms to the time
 *		the cut-over held its ACCESS EXCLUSIVE locks, from the lock request to
 *		the commit.  Commits between its phases: the caller checked that it
 *		runs at top level.
 */
int
partman_split_online(Oid partition, int batch_rows, double *lock_ms)
{
	int			spi_level;
	Split	   *s;
	BlockNumber nblocks;
	BlockNumber per_batch;
	PartmanProgress progress;
	char	   *name;
	TimestampTz started;
	int			created;

	spi_level = partman_spi_connect(true);
	s = palloc0(sizeof(Split));
	open_split(s, partition);
	name = get_rel_name(s->partition);

	/* 1. prepare */
	partman_progress_start(&progress, 0);
	run_step(s, prepare_step, s);
	partman_spi_commit();
	ereport(NOTICE,
			(errmsg("split_partition_online \"%s\", phase 1 of 4 (prepare): staging table \"%s\" with %d partitions, changes to the partition written through",
					name, s->staging_name, s->ncells),
			 errdetail("Took %s.", partman_progress_elapsed(&progress))));

	/* 2. backfill, one batch of blocks per transaction */
	{
		Relation	rel = relation_open(s->partition, AccessShareLock);
		double		per_block = 0;

		nblocks = RelationGetNumberOfBlocks(rel);
		if (rel->rd_rel->relpages > 0 && rel->rd_rel->reltuples > 0)
			per_block = rel->rd_rel->reltuples / rel->rd_rel->relpages;
		relation_close(rel, NoLock);
		if (per_block <= 0)
			per_block = 100;
		per_batch = (BlockNumber) Max(1, batch_rows / per_block);
	}
	partman_progress_start(&progress, 0);
	for (BlockNumber block = 0; block < nblocks; block += per_batch)
	{
		BackfillStep step = {s, block, Min(nblocks, block + per_batch), 0};
		char	   *report;

		CHECK_FOR_INTERRUPTS();
		run_step(s, backfill_step, &step);
		partman_spi_commit();
		/* the rows to copy, extrapolated from the blocks done: for the time left */
		progress.total = (uint64) ((double) (progress.done + step.copied) * nblocks / step.to);
		report = partman_progress_step(&progress, step.copied, "rows");
		ereport(NOTICE,
				(errmsg("split_partition_online \"%s\", phase 2 of 4 (backfill), batch %d of %u: copied " UINT64_FORMAT " rows %s",
						name, progress.steps, (nblocks + per_batch - 1) / per_batch,
						step.copied, report)));
	}

	/* 3. verify, 4. cut over */
	run_step(s, verify_step, s);
	started = GetCurrentTimestamp();
	run_step(s, cutover, s);
	partman_spi_commit();
	*lock_ms = (GetCurrentTimestamp() - started) / 1000.0;
	ereport(NOTICE,
			(errmsg("split_partition_online \"%s\", phase 4 of 4 (cut over): partition split into %d partitions",
					name, s->ncells),
			 errdetail("ACCESS EXCLUSIVE locks held %s.", partman_progress_duration(*lock_ms / 1000))));
	/* the re-pointed foreign keys, online */
	partman_validate_fks(s->fks);
	created = s->ncells;		/* s goes with SPI's memory */
	partman_spi_finish(spi_level);
	return created;
}
