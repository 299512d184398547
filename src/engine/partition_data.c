/*-------------------------------------------------------------------------
 *
 * partition_data.c
 *	  partman.partition_data: move rows out of the default partition (or out
 *	  of a source table) into the right partitions of a RANGE set, creating
 *	  partitions as needed, one batch per transaction at top level.
 *
 * Every batch moves its rows inside one transaction: a backend killed
 * mid-run loses and doubles nothing, and a second run finishes the job.
 *
 * Default partition: PostgreSQL refuses a new partition while the default
 * partition holds rows of its bound, so a batch is a run of whole grid
 * cells: those before the one holding the batch_rows-th row, plus what the
 * earlier batches fell short of (so the batches average batch_rows).  A
 * batch that takes everything detaches the default, creates the
 * partitions, copies the rows, truncates the default and attaches it again
 * (empty: no scan).  Otherwise the batch's partitions are made in a staging
 * table without indexes, filled by one INSERT ... SELECT, the rows deleted
 * from the default by one DELETE (the batch holds the default locked, so
 * the two see the same rows; their counts must agree), and attached to the
 * set: their CHECK constraints spare ATTACH their scan, the set's indexes
 * are built on them in one pass, and PostgreSQL reads the default once per
 * batch to prove it keeps no row of the new bounds (through one CHECK
 * constraint for the batch's whole span when it makes several partitions).
 * That read is the one cost a batch cannot shed, hence batches as large as
 * batch_rows allows.  (Sets whose partitions cannot be staged, composite,
 * on other servers or with a replica identity index, hold the rows aside in
 * a temporary table instead.)  Sessions that use the set wait for the
 * batch's commit, never longer.
 *
 * Each batch looks for keys from where the previous one ended (every cell
 * before that has its partition, so no row of them can land in the
 * default): the planner then estimates the query from the statistics
 * instead of walking the key index's entries of the rows moved so far.
 * Rows that arrive meanwhile below the first batch are found by one last
 * look at the whole default.
 *
 * A key without an index: each batch would scan the whole default
 * partition several times over (its smallest and largest key, the key at
 * the batch's offset, the rows to move), so a run of several batches first
 * builds a plain index on the key of the default partition, one pass, and
 * drops it at the end.  The build holds SHARE lock on the default partition
 * (reads and writes of other partitions go on; CREATE INDEX CONCURRENTLY
 * cannot run inside a procedure).  The index has a fixed name: a run that
 * was killed leaves it, and the next run uses it and drops it.
 *
 * Source table: batches are ranges of its blocks (a TID range scan each), so
 * the total work is one pass over the table.
 *
 *-------------------------------------------------------------------------
 */
#include "partman.h"

#include "access/htup_details.h"
#include "access/relation.h"
#include "access/xact.h"
#include "catalog/pg_am.h"
#include "catalog/pg_class.h"
#include "catalog/pg_index.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "storage/bufmgr.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"


/* the CHECK constraint of a staged partition's bound, dropped once attached */
#define STAGED_CELL_CHECK "partman_bound_check"

/* One NOTICE per batch; rows/s and time left as every long operation says them. */
static void
report_batch(PartmanProgress *report, uint64 moved, int created)
{
	char	   *progress = partman_progress_step(report, moved, "rows");

	ereport(NOTICE,
			(errmsg("batch %d: moved " UINT64_FORMAT " rows, created %d partitions %s",
					report->steps, moved, created, progress)));
}

static void
create_cells(const PartmanSet *set, const PartmanTemplate *tmpl, const int64 *cells, int n)
{
	for (int i = 0; i < n; i++)
		partman_create_range_partition(&set->key, tmpl,
									   partman_cell_name(&set->key, &set->grid, cells[i]),
									   partman_grid_bound(&set->grid, cells[i]),
									   partman_grid_bound(&set->grid, cells[i] + 1));
}

/*
 * Whether relation rel has a valid btree index, without a predicate, whose
 * first column is attnum: one that answers range conditions on the key.
 */
static bool
has_key_index(Relation rel, AttrNumber attnum)
{
	List	   *indexes = RelationGetIndexList(rel);
	ListCell   *lc;
	bool		found = false;

	foreach(lc, indexes)
	{
		HeapTuple	tuple = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(lfirst_oid(lc)));
		Form_pg_index index;
		HeapTuple	classtup;

		if (!HeapTupleIsValid(tuple))
			elog(ERROR, "cache lookup failed for index %u", lfirst_oid(lc));
		index = (Form_pg_index) GETSTRUCT(tuple);
		classtup = SearchSysCache1(RELOID, ObjectIdGetDatum(index->indexrelid));
		if (!HeapTupleIsValid(classtup))
			elog(ERROR, "cache lookup failed for relation %u", index->indexrelid);
		found = index->indisvalid && index->indkey.values[0] == attnum &&
			heap_attisnull(tuple, Anum_pg_index_indpred, NULL) &&
			((Form_pg_class) GETSTRUCT(classtup))->relam == BTREE_AM_OID;
		ReleaseSysCache(classtup);
		ReleaseSysCache(tuple);
		if (found)
			break;
	}
	list_free(indexes);
	return found;
}

/*
 * key_index_begin
 *		Before the batches out of default partition deflt: when its key has no
 *		index and its rows (as estimated) make more than one batch, build one
 *		(see the file header), committing on a nonatomic connection.  Returns
 *		the index's qualified name for key_index_end, or NULL when the run
 *		needs none.  An index of that name a killed run left is used as it
 *		is.  Memory: the caller's context.
 */
static char *
key_index_begin(const PartmanSet *set, Oid deflt, int batch_rows, bool nonatomic,
				MemoryContext callcxt)
{
	char	   *name = partman_work_name("partition_data", deflt);
	Oid			nspid = get_rel_namespace(deflt);
	char	   *qualified;
	Relation	rel;
	bool		needed;
	PartmanDdlState ddl;

	qualified = MemoryContextStrdup(callcxt,
									partman_qualified_in(get_namespace_name(nspid), name));
	if (OidIsValid(get_relname_relid(name, nspid)))
		return qualified;		/* left by a run that was killed */

	rel = relation_open(deflt, AccessShareLock);
	needed = rel->rd_rel->relkind == RELKIND_RELATION &&
		!has_key_index(rel, get_attnum(deflt, set->key.attname));
	if (needed)
	{
		BlockNumber nblocks = RelationGetNumberOfBlocks(rel);
		double		per_block = 100;	/* unanalyzed: a typical narrow row */

		if (rel->rd_rel->relpages > 0 && rel->rd_rel->reltuples > 0)
			per_block = rel->rd_rel->reltuples / rel->rd_rel->relpages;
		needed = nblocks * per_block > batch_rows;
	}
	relation_close(rel, NoLock);
	if (!needed)
		return NULL;

	partman_begin_ddl(&set->key, &ddl);
	partman_ddl_exec(partman_sql_create_key_index(name, partman_qualified_name(deflt),
												  set->key.attname));
	partman_end_ddl(&ddl);
	ereport(DEBUG1,
			(errmsg("built index \"%s\" on the key of default partition \"%s\" for partition_data",
					name, get_rel_name(deflt))));
	if (nonatomic)
		partman_spi_commit();
	return qualified;
}

/*
 * After the batches: drop the index key_index_begin built or found, and
 * ANALYZE the default partition, whose row estimate the build set to the
 * rows it held then (maintenance reads it as rows parked there).
 */
static void
key_index_end(const PartmanSet *set, const char *index)
{
	PartmanDdlState ddl;
	Oid			deflt;

	if (index == NULL)
		return;
	partman_begin_ddl(&set->key, &ddl);
	partman_ddl_exec(partman_sql_drop_index(index, true));
	deflt = partman_default_partition(set->key.parent);
	if (OidIsValid(deflt))
		partman_ddl_exec(partman_sql_analyze(partman_qualified_name(deflt)));
	partman_end_ddl(&ddl);
}

/* The bound of grid cell "cell". */
static void
cell_bound(const RangeGrid *grid, int64 cell, PartmanBound *bound)
{
	memset(bound, 0, sizeof(*bound));
	bound->lower = partman_grid_bound(grid, cell);
	bound->upper = partman_grid_bound(grid, cell + 1);
}

/*
 * Prove in one scan that default partition table keeps no row of the
 * batch's span (one CHECK constraint: PostgreSQL sees that it implies the
 * default's new constraint for every partition of the span), so that making
 * or attaching each of them does not read it again.  Returns the
 * constraint's name, for release_default.
 */
static char *
prove_default(const PartmanSet *set, const char *table, const PartmanBound *span)
{
	char	   *name = partman_work_name("batch", 0);

	partman_ddl_exec(partman_sql_add_check(table, name, partman_range_exclusion(&set->key, span),
										   false, false));
	return name;
}

/* Drop the constraint prove_default added (if any), once the cells are in place. */
static void
release_default(const char *table, const char *name)
{
	if (name != NULL)
		partman_ddl_exec(partman_sql_drop_constraint(table, name, false));
}

/*
 * Whether the batch's partitions can be made in a staging table and attached
 * (move_through_staging): plain local partitions whose properties do not
 * hang on the parent's indexes.
 */
static bool
staging_fits(const PartmanTemplate *tmpl)
{
	return tmpl->sub_strategy == 0 && tmpl->server == NULL && tmpl->servers == NIL &&
		tmpl->replident != REPLICA_IDENTITY_INDEX;
}

/*
 * Part of the default moves, each row once: the batch's partitions are made
 * empty in a staging table partitioned like the set but without indexes
 * (each with a CHECK constraint of its bound), an INSERT fills them (the
 * partition itself when there is one) and a DELETE empties their rows out
 * of the default, and each is detached from the staging table and attached
 * to the set: its CHECK constraint spares ATTACH the scan of the new
 * partition, the parent's indexes are built on it in one pass each, and
 * PostgreSQL scans the default once for rows of the new bound (once for all
 * of the batch's partitions, through CHECK constraints on the default, when
 * there are several).  Returns the rows moved.
 */
static uint64
move_through_staging(const PartmanSet *set, const PartmanTemplate *tmpl, const char *table,
					 const PartmanBound *span, const int64 *missing, int nmissing)
{
	const PartmanKey *key = &set->key;
	char	   *staging_name = partman_work_name("stage", key->parent);
	char	   *staging_q = partman_qualified_in(key->nspname, staging_name);
	PartmanKey	staging = *key;
	char	  **cells = palloc(sizeof(char *) * Max(nmissing, 1));
	List	   *targets = NIL;
	List	   *parts = NIL;
	char	   *proof = NULL;
	uint64		moved;

	partman_ddl_exec(partman_sql_create_staging_unindexed(staging_q, partman_qualified_name(key->parent),
														  key->attname));
	staging.parent = get_relname_relid(staging_name, get_rel_namespace(key->parent));
	staging.relname = staging_name;
	if (!OidIsValid(staging.parent))
		elog(ERROR, "staging table \"%s\" not found after creation", staging_name);
	for (int i = 0; i < nmissing; i++)
	{
		PartmanBound bound;

		cell_bound(&set->grid, missing[i], &bound);
		cells[i] = partman_qualified_name(partman_create_partition(&staging, tmpl,
																   partman_cell_name(key, &set->grid, missing[i]),
																   partman_bound_clause(key, &bound)));
		partman_ddl_exec(partman_sql_add_check(cells[i], STAGED_CELL_CHECK,
											   partman_bound_condition(key, &bound), false, false));
		/* each partition takes its own rows: none is routed */
		targets = lappend(targets, cells[i]);
		parts = lappend(parts, partman_bound_condition(key, &bound));
	}
	/* a row of the span no new partition holds fails here, and the batch with it */
	moved = partman_move_rows_locked(key->parent, table, targets, parts,
									 partman_bound_condition(key, span));

	if (nmissing > 1)
		proof = prove_default(set, table, span);
	for (int i = 0; i < nmissing; i++)
	{
		PartmanBound bound;

		cell_bound(&set->grid, missing[i], &bound);
		partman_ddl_exec(partman_sql_detach(staging_q, cells[i], NULL));
		partman_ddl_exec(partman_sql_attach(partman_qualified_name(key->parent), cells[i],
											partman_bound_clause(key, &bound)));
		partman_ddl_exec(partman_sql_drop_constraint(cells[i], STAGED_CELL_CHECK, false));
	}
	release_default(table, proof);
	partman_ddl_exec(partman_sql_drop_table(staging_q, false));
	return moved;
}

/*
 * Part of the default moves, for partitions that cannot be staged: the
 * batch's rows are held aside in a temporary table, CHECK constraints prove
 * in one scan that the default keeps none of the new bounds (so creating
 * each partition does not scan it again, and the default never has to be
 * attached again), the partitions are created and the rows put in.
 * Returns the rows moved.
 */
static uint64
move_through_holding(const PartmanSet *set, const PartmanTemplate *tmpl, const char *table,
					 const PartmanBound *span, const int64 *missing, int nmissing)
{
	Oid			parent = set->key.parent;
	char	   *holding = partman_temp_name("partman_batch", parent);
	char	   *proof = NULL;
	uint64		moved;
	uint64		back;

	partman_ddl_exec(partman_sql_create_temp_like(holding, partman_qualified_name(parent)));
	moved = partman_move_rows_locked(parent, table, list_make1(holding),
									 list_make1(partman_bound_condition(&set->key, span)),
									 partman_bound_condition(&set->key, span));
	if (nmissing > 0)
		proof = prove_default(set, table, span);
	create_cells(set, tmpl, missing, nmissing);
	back = partman_copy_rows(parent, holding, partman_qualified_name(parent));
	if (back != moved)
		elog(ERROR, "moved " UINT64_FORMAT " rows aside but " UINT64_FORMAT " back", moved, back);
	release_default(table, proof);
	partman_ddl_exec(partman_sql_drop_table(holding, false));
	return moved;
}

/*
 * Where the next batch looks for rows: once batches have moved every row
 * from their first cell up to cell "from" (and made the partitions, so no
 * new row of those cells lands in the default), it looks from there only.
 * The planner then estimates its conditions from the statistics, instead
 * of reading the key index's low end, which holds an entry for every row
 * moved so far.
 */
typedef struct BatchStart
{
	bool		known;
	int64		from;
} BatchStart;

/*
 * Move one batch of whole cells out of the default partition, looking from
 * start (set for the next batch): the cells before the one holding the
 * rows-th row, or the first cell when it holds more.  Returns the number of
 * rows moved, 0 when the default holds no row from start on that a
 * partition could hold.  Rows outside the grid's reach (NULL, infinite or
 * too far out) stay; partman_partition_data reports them at the end.
 */
static uint64
default_batch(const PartmanSet *set, const PartmanTemplate *tmpl, int64 rows,
			  BatchStart *start, int *created)
{
	const PartmanKey *key = &set->key;
	const RangeGrid *grid = &set->grid;
	Oid			deflt = partman_default_partition(key->parent);
	char	   *table;
	char	   *parent = partman_qualified_name(key->parent);
	PartmanBatchKeys keys;
	bool		whole;
	PartmanBound look;
	int64		first;
	int64		last;
	int64	   *missing;
	int			nmissing;
	PartmanBound span;
	uint64		moved;
	PartmanDdlState ddl;

	*created = 0;
	if (!OidIsValid(deflt))
		return 0;
	partman_lock_relation(key->parent, AccessExclusiveLock);
	partman_lock_relation(deflt, AccessExclusiveLock);
	table = partman_qualified_name(deflt);

	/*
	 * Only queries an index on the key answers without a scan: min and max
	 * of the keys a partition can hold (separate aggregates) and the key at
	 * position rows.
	 */
	partman_grid_reach(grid, &look);
	if (start->known)
		look.lower = partman_grid_bound(grid, start->from);
	if (!partman_default_batch_keys(key, table, partman_bound_condition(key, &look), rows, &keys))
		return 0;				/* no row a partition could hold left */
	first = partman_grid_cell_of(grid, keys.min);
	last = partman_grid_cell_of(grid, keys.max);
	if (keys.has_offset)
		/* whole cells up to the one holding the rows-th key */
		last = Max(first, partman_grid_cell_of(grid, keys.offset) - 1);
	missing = partman_missing_cells(key, grid, first, last, &nmissing);

	memset(&span, 0, sizeof(span));
	span.lower = partman_grid_bound(grid, first);
	span.upper = partman_grid_bound(grid, last + 1);
	/* every row left fits this batch's span: it may take the whole default */
	whole = !keys.has_offset && !partman_any_row(table, partman_range_exclusion(key, &span));
	/* an emptied default is looked at whole once more, for rows below the batches' first cell */
	start->known = !whole;
	start->from = last + 1;

	partman_begin_ddl(key, &ddl);
	*created = nmissing;
	if (whole)
	{
		/* everything goes: copy, then empty the default without a scan */
		partman_ddl_exec(partman_sql_detach(parent, table, NULL));
		create_cells(set, tmpl, missing, nmissing);
		/* every row is copied (one without a partition would fail), then the default is emptied */
		moved = partman_copy_rows(key->parent, table, parent);
		partman_ddl_exec(partman_sql_truncate(table));
		partman_ddl_exec(partman_sql_attach(parent, table, "DEFAULT"));
	}
	else if (nmissing > 0 && staging_fits(tmpl))
		moved = move_through_staging(set, tmpl, table, &span, missing, nmissing);
	else
		moved = move_through_holding(set, tmpl, table, &span, missing, nmissing);
	partman_end_ddl(&ddl);
	return moved;
}

/*
 * Move the rows of blocks [from, to) of source into the set, creating the
 * partitions their keys need first (rescuing default-partition rows of
 * those bounds).  Rows outside the grid's reach stay in source.  Returns
 * the number of rows moved.
 */
static uint64
source_batch(const PartmanSet *set, const PartmanTemplate *tmpl, const char *source,
			 BlockNumber from, BlockNumber to, int *created)
{
	const PartmanKey *key = &set->key;
	const RangeGrid *grid = &set->grid;
	char	   *blocks;
	Datum		min;
	Datum		max;
	int64	   *missing;
	int			nmissing;
	PartmanBound reach;
	PartmanDdlState ddl;

	*created = 0;
	partman_grid_reach(grid, &reach);
	blocks = psprintf("%s AND %s", partman_block_range(from, to),
					  partman_bound_condition(key, &reach));
	if (partman_key_range(key, source, blocks, true, &min, &max))
	{
		missing = partman_missing_cells(key, grid, partman_grid_cell_of(grid, min),
										partman_grid_cell_of(grid, max), &nmissing);
		if (nmissing > 0)
		{
			Oid			deflt;

			partman_lock_relation(key->parent, AccessExclusiveLock);
			deflt = partman_default_partition(key->parent);
			if (OidIsValid(deflt))
				partman_lock_relation(deflt, AccessExclusiveLock);
			partman_begin_ddl(key, &ddl);
			for (int i = 0; i < nmissing; i++)
			{
				PartmanBound bound;

				cell_bound(grid, missing[i], &bound);
				(void) partman_create_with_rescue(key, tmpl, partman_cell_name(key, grid, missing[i]),
												  &bound);
			}
			partman_end_ddl(&ddl);
			*created = nmissing;
		}
	}
	return partman_move_rows(key->parent, source, partman_qualified_name(key->parent), blocks);
}

/* Blocks of source now, and blocks per batch of about batch_rows rows. */
static void
source_geometry(Oid source, int batch_rows, BlockNumber *nblocks, BlockNumber *per_batch)
{
	Relation	rel = relation_open(source, AccessShareLock);
	double		tuples_per_block = 0;

	*nblocks = RelationGetNumberOfBlocks(rel);
	if (rel->rd_rel->relpages > 0 && rel->rd_rel->reltuples > 0)
		tuples_per_block = rel->rd_rel->reltuples / rel->rd_rel->relpages;
	if (tuples_per_block <= 0)
		tuples_per_block = 100;		/* unanalyzed: a typical narrow row */
	relation_close(rel, NoLock);
	*per_batch = (BlockNumber) Max(1, batch_rows / tuples_per_block);
}

/*
 * Say how many rows stay in table (the default partition or the source)
 * because no partition of the set can hold their key, and why.
 */
static void
report_strays(const PartmanSet *set, Oid table)
{
	PartmanBound reach;
	PartmanStrays strays;
	uint64		n;

	partman_grid_reach(&set->grid, &reach);
	n = partman_count_strays(&set->key, partman_qualified_name(table), &reach, &strays);
	if (n == 0)
		return;
	ereport(WARNING,
			(errmsg_plural(UINT64_FORMAT " row stays in %s \"%s\": no partition of table \"%s\" can hold its key",
						   UINT64_FORMAT " rows stay in %s \"%s\": no partition of table \"%s\" can hold their key",
						   n, n, get_rel_relispartition(table) ? "default partition" : "source table",
						   get_rel_name(table), set->key.relname),
			 errdetail("%s", partman_strays_detail(&set->key, &strays, &reach)),
			 errhint("Correct or delete these rows; partition_data moves corrected rows when run again.")));
}

/*
 * partman_partition_data_run
 *		partition_data's engine: move the rows of parent's default partition
 *		(or of source, a plain table of the same shape) into partitions,
 *		batch_rows at a time, committing after each batch when nonatomic.
 */
void
partman_partition_data_run(Oid parent, int batch_rows, Oid source, bool nonatomic)
{
	int			spi_level;
	PartmanSet	set;
	PartmanTemplate tmpl;
	PartmanProgress report;
	MemoryContext callcxt = CurrentMemoryContext;

	spi_level = partman_spi_connect(nonatomic);
	partman_open_set(parent, &set);
	if (!set.has_grid)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("partition_data needs a RANGE set managed by partman, and \"%s\" is not one",
						set.key.relname),
				 errhint("For a LIST set, partman.create_partition makes the partition and moves the parked rows.")));
	if (OidIsValid(source))
	{
		if (get_rel_relkind(source) != RELKIND_RELATION || get_rel_relispartition(source))
			ereport(ERROR,
					(errcode(ERRCODE_WRONG_OBJECT_TYPE),
					 errmsg("source \"%s\" must be a plain table that is not a partition",
							get_rel_name(source))));
		partman_check_owner(source);
		partman_check_shape(&set.key, source);
	}
	else if (!OidIsValid(partman_default_partition(set.key.parent)))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("table \"%s\" has no default partition to move rows out of",
						set.key.relname)));

	/* the rows to move, as statistics estimate them: for the time left */
	partman_progress_start(&report, partman_estimated_rows(OidIsValid(source) ? source :
														   partman_default_partition(set.key.parent)));
	if (!OidIsValid(source))
	{
		char	   *index = key_index_begin(&set, partman_default_partition(set.key.parent),
											batch_rows, nonatomic, callcxt);
		BatchStart	start = {false, 0};

		for (;;)
		{
			int			created;
			uint64		moved;
			int64		target;

			CHECK_FOR_INTERRUPTS();
			partman_open_set(set.key.parent, &set);
			partman_read_template(&set.key, &set.cfg, &tmpl);

			/*
			 * A batch ends where a cell does, so most fall short of
			 * batch_rows: the next one makes up for it, and the batches
			 * average batch_rows (each proves its bounds by reading the
			 * default whole, so their number counts).
			 */
			target = batch_rows + Max(0, (int64) report.steps * batch_rows - (int64) report.done);
			moved = default_batch(&set, &tmpl, target, &start, &created);
			if (moved == 0 && start.known)
			{
				/* rows below the batches' first cell may have come meanwhile: look at them all */
				start.known = false;
				continue;
			}
			if (moved == 0)
				break;
			report_batch(&report, moved, created);
			if (nonatomic)
				partman_spi_commit();
		}
		partman_open_set(set.key.parent, &set);
		key_index_end(&set, index);
	}
	else
	{
		char	   *source_name = MemoryContextStrdup(callcxt, partman_qualified_name(source));
		BlockNumber nblocks;
		BlockNumber per_batch;

		source_geometry(source, batch_rows, &nblocks, &per_batch);
		for (BlockNumber block = 0; block < nblocks; block += per_batch)
		{
			int			created;
			uint64		moved;

			CHECK_FOR_INTERRUPTS();
			partman_open_set(set.key.parent, &set);
			partman_read_template(&set.key, &set.cfg, &tmpl);
			moved = source_batch(&set, &tmpl, source_name, block,
								 Min(nblocks, block + per_batch), &created);
			if (moved > 0)
				report_batch(&report, moved, created);
			if (nonatomic)
				partman_spi_commit();
		}
	}
	ereport(NOTICE,
			(errmsg("partition_data moved " UINT64_FORMAT " rows of table \"%s\" in %d batches",
					report.done, set.key.relname, report.steps)));
	report_strays(&set, OidIsValid(source) ? source :
				  partman_default_partition(set.key.parent));
	partman_spi_finish(spi_level);
}
