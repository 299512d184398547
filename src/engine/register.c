/*-------------------------------------------------------------------------
 *
 * register.c
 *	  Registering a set (create_parent's engine): its partitions are made
 *	  and its row is written in one transaction, under an ACCESS EXCLUSIVE
 *	  lock on the parent (and its default partition) taken within
 *	  partman.lock_timeout.
 *
 *-------------------------------------------------------------------------
 */
#include "partman.h"

#include "catalog/pg_class.h"
#include "miscadmin.h"
#include "utils/jsonb.h"

#define TOO_MANY_HINT \
	"Create the set with a smaller premake (or a later start_partition), then raise premake with partman.set_config: CALL partman.run_maintenance() makes the rest, committing in batches."

/* What create_partitions() makes, and how many it made. */
typedef struct NewPartitions
{
	const PartmanKey *key;
	const PartmanConfig *cfg;
	const PartmanTemplate *tmpl;
	RangeGrid  *grid;
	int64		first;
	int64		last;
	int			modulus;
	Datum		list_values;
	Oid			deflt;			/* the existing default partition, if any */
	int			created;		/* out */
} NewPartitions;

/* Composite create_parent: a progress NOTICE every this many tables. */
#define PROGRESS_TABLES 250

/*
 * The RANGE partitions of a composite set, cells first..last, with a
 * progress NOTICE every PROGRESS_TABLES tables (partitions and their
 * sub-partitions) when there are more than that.  Returns the partitions
 * made at the top level.
 */
static int
create_composite_cells(const NewPartitions *np)
{
	const PartmanTemplate *tmpl = np->tmpl;
	int			n;
	int64	   *missing = partman_missing_cells(np->key, np->grid, np->first, np->last, &n);
	int			per_partition;
	int			total;
	int			reported = 0;
	PartmanProgress progress;

	/* each RANGE partition is one table, plus its sub-partitions */
	per_partition = 1 + (tmpl->sub_strategy == PARTITION_STRATEGY_HASH ? tmpl->sub_modulus :
						 JB_ROOT_COUNT(DatumGetJsonbP(tmpl->sub_list_values)) +
						 (tmpl->sub_default ? 1 : 0));
	total = n * per_partition;
	partman_progress_start(&progress, total);
	for (int i = 0; i < n; i++)
	{
		int			made = (i + 1) * per_partition;

		CHECK_FOR_INTERRUPTS();
		partman_create_range_partition(np->key, tmpl, partman_cell_name(np->key, np->grid, missing[i]),
									   partman_grid_bound(np->grid, missing[i]),
									   partman_grid_bound(np->grid, missing[i] + 1));
		if (total > PROGRESS_TABLES && made / PROGRESS_TABLES > reported)
		{
			char	   *report = partman_progress_step(&progress, made - progress.done, "tables");

			reported = made / PROGRESS_TABLES;
			ereport(NOTICE,
					(errmsg("create_parent \"%s\": %d of %d tables made (%d of %d partitions with their sub-partitions) %s",
							np->key->relname, made, total, i + 1, n, report)));
		}
	}
	return n;
}

/* The set's partitions and default partition, as the parent's owner. */
static void
create_partitions(void *arg)
{
	NewPartitions *np = arg;
	PartmanDdlState ddl;

	partman_begin_ddl(np->key, &ddl);
	switch (np->key->strategy)
	{
		case PARTITION_STRATEGY_RANGE:
			if (np->tmpl->sub_strategy != 0)
				np->created = create_composite_cells(np);
			else
				np->created = partman_create_range_cells(np->key, np->grid, np->tmpl, np->first,
														 np->last);
			break;
		case PARTITION_STRATEGY_LIST:
			np->created = partman_create_list_partitions(np->key, np->tmpl, np->list_values);
			break;
		default:
			np->created = partman_create_hash_partitions(np->key, np->tmpl, np->modulus);
			break;
	}
	if (np->cfg->default_partition && !OidIsValid(np->deflt))
	{
		partman_create_default_partition(np->key, np->tmpl);
		np->created++;
	}
	partman_end_ddl(&ddl);
}

/*
 * partman_create_set
 *		Validate cfg against key, then create the set's partitions: RANGE sets
 *		from start (text of the key type; NULL: the current cell) to premake
 *		cells past the current one, LIST sets one partition per member of
 *		list_values (jsonb), HASH sets modulus partitions; with sub_key, each
 *		RANGE partition gets its sub-partitions.  Then the default partition
 *		(when the setting asks for it and there is none) and the set's row.
 *		Returns the number of partitions made at the top level.  Caller is
 *		connected to SPI and checked that it has the owner's privileges.
 */
int
partman_create_set(const PartmanKey *key, const PartmanConfig *cfg, const char *start,
				   int modulus, Datum list_values)
{
	RangeGrid	grid;
	PartmanTemplate tmpl;
	Oid			deflt;
	int64		current = 0;
	int64		first = 0;
	int64		last = -1;
	int64		nparts;
	NewPartitions np;
	ErrorData  *edata;

	partman_validate_config(cfg, key);
	if (key->strategy == PARTITION_STRATEGY_RANGE)
		partman_parse_grid(key, cfg->interval, cfg->time_zone, cfg->epoch, &grid);

	/* checked under the lock, so two concurrent calls cannot both pass */
	partman_lock_relation(key->parent, AccessExclusiveLock);
	if (partman_config_exists(key->parent))
		ereport(ERROR,
				(errcode(ERRCODE_DUPLICATE_OBJECT),
				 errmsg("table \"%s\" is already managed by partman", key->relname),
				 errhint("Change its settings with partman.set_config, or call partman.undo_parent first.")));
	deflt = partman_default_partition(key->parent);
	if (OidIsValid(deflt))
		partman_lock_relation(deflt, AccessExclusiveLock);

	partman_read_template(key, cfg, &tmpl);
	if (cfg->servers != NIL)
		partman_remote_check_parent(key, &tmpl);
	if (key->strategy == PARTITION_STRATEGY_RANGE)
	{
		current = partman_current_cell(key, &grid);
		first = current;
		if (start != NULL)
			first = partman_grid_cell_of(&grid,
										 partman_grid_value_from_text(key, &grid, start, grid.tz,
																 "start_partition"));
		last = partman_premake_horizon(&grid, Max(first, current), cfg->premake);
	}
	/*
	 * A function cannot commit: what does not fit in one transaction is
	 * refused (beyond PARTMAN_MAX_NEW_PARTITIONS or the largest modulus,
	 * the engines' own errors say more).
	 */
	nparts = key->strategy == PARTITION_STRATEGY_RANGE ? last - first + 1 :
		key->strategy == PARTITION_STRATEGY_HASH ? modulus :
		JB_ROOT_COUNT(DatumGetJsonbP(list_values));
	nparts += cfg->default_partition ? 1 : 0;
	if (nparts > 0 && nparts <= PARTMAN_MAX_NEW_PARTITIONS)
		partman_check_lock_budget(key->parent, &tmpl, nparts, "create_parent", TOO_MANY_HINT);

	/* in a subtransaction, so that a lock table filled anyway is rolled back first */
	memset(&np, 0, sizeof(np));
	np.key = key;
	np.cfg = cfg;
	np.tmpl = &tmpl;
	np.grid = &grid;
	np.first = first;
	np.last = last;
	np.modulus = modulus;
	np.list_values = list_values;
	np.deflt = deflt;
	edata = partman_try_subtransaction(create_partitions, &np);
	if (edata != NULL)
	{
		partman_lock_table_filled(edata, key->parent, &tmpl, nparts, "create_parent",
								  TOO_MANY_HINT);
		ReThrowError(edata);
	}

	partman_config_insert(cfg);
	return np.created;
}
