/*-------------------------------------------------------------------------
 *
 * health.c
 *	  The figures behind the partman.sets view: partitions, the range they
 *	  cover, partitions ahead of now, rows waiting in default partitions,
 *	  sub-partitions, gaps.  Read from the catalogs and statistics, never by
 *	  scanning a table (but an integer set's newest key, which an index or
 *	  the newest partition answers).
 *
 *-------------------------------------------------------------------------
 */
#include "partman.h"

#include "catalog/pg_class.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "access/relation.h"
#include "catalog/pg_type.h"
#include "storage/bufmgr.h"
#include "storage/lmgr.h"
#include "utils/array.h"
#include "utils/rel.h"
#include "utils/timestamp.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

/* A row count from statistics: the larger of reltuples and live tuples. */
int64
partman_estimated_rows(Oid relid)
{
	double		reltuples = partman_class_reltuples(relid);
	int64		live = DatumGetInt64(DirectFunctionCall1(pg_stat_get_live_tuples,
														 ObjectIdGetDatum(relid)));

	return Max((int64) Max(reltuples, 0), live);
}

/*
 * Partitions, the range they cover, default partitions (with a composite
 * set's default sub-partitions) and sub-partitions, from parts.
 */
static void
count_partitions(const PartmanKey *key, List *parts, PartmanHealth *health, List **defaults)
{
	PartmanPartition *oldest = NULL;
	PartmanPartition *newest = NULL;
	ListCell   *lc;

	foreach(lc, parts)
	{
		PartmanPartition *part = lfirst(lc);

		if (part->is_default)
		{
			*defaults = lappend_oid(*defaults, part->relid);
			health->has_default = true;
			continue;
		}
		health->partitions++;
		if (get_rel_relkind(part->relid) == RELKIND_PARTITIONED_TABLE)
		{
			ListCell   *sc;

			if (health->sub_partitions < 0)
				health->sub_partitions = 0;
			partman_lock_relation(part->relid, AccessShareLock);
			foreach(sc, partman_list_partitions(part->relid))
			{
				PartmanPartition *sub = lfirst(sc);

				if (sub->is_default)
					*defaults = lappend_oid(*defaults, sub->relid);
				else
					health->sub_partitions++;
			}
		}
		if (key->strategy == PARTITION_STRATEGY_RANGE)
		{
			if (oldest == NULL)
				oldest = part;
			newest = part;
		}
	}
	if (oldest && !oldest->lower_unbounded)
		health->oldest_bound = partman_value_to_text(key->typid, oldest->lower);
	if (newest && !newest->upper_unbounded)
		health->newest_bound = partman_value_to_text(key->typid, newest->upper);
}

/*
 * A managed RANGE set's partitions after the current cell, and the
 * retention threshold below which ranges without a partition are
 * retention's doing (premake skips expired cells; the partition with the
 * newest row outlives its neighbours), not gaps.  An integer set's current
 * cell needs its newest key: without the right to read the table, neither
 * is known.  Returns whether *expired is set.
 */
static bool
time_figures(const PartmanKey *key, const PartmanConfig *cfg, List *parts,
			 PartmanHealth *health, Datum *expired)
{
	RangeGrid	grid;
	Datum		newest;
	volatile bool has_newest = false;
	int64		current;
	int64		span_first;
	int64		span_last;
	Datum		after;
	ListCell   *lc;

	partman_parse_grid(key, cfg->interval, cfg->time_zone, cfg->epoch, &grid);
	if (grid.kind == GRID_INTEGER &&
		pg_class_aclcheck(key->parent, GetUserId(), ACL_SELECT) != ACLCHECK_OK)
		return false;

	/*
	 * an integer set's newest key, read once for both uses below; the view
	 * asks no server (one that does not answer would fail it), so the
	 * newest key of a set on servers is that of its local partitions
	 */
	partman_remote_planning_off = true;
	PG_TRY();
	{
		if (grid.kind == GRID_INTEGER && cfg->retention != NULL)
			has_newest = partman_newest_key(key, &newest);
		current = has_newest ? partman_grid_cell_of(&grid, newest) :
			partman_current_cell(key, &grid);
	}
	PG_FINALLY();
	{
		partman_remote_planning_off = false;
	}
	PG_END_TRY();
	/* a newest key in a partition made by hand past the grid's end */
	partman_grid_span(&grid, &span_first, &span_last);
	after = partman_grid_bound(&grid, Min(current, span_last) + 1);

	health->future_partitions = 0;
	foreach(lc, parts)
	{
		PartmanPartition *part = lfirst(lc);

		if (!part->is_default && !part->lower_unbounded &&
			partman_compare_keys(key, part->lower, after) >= 0)
			health->future_partitions++;
	}

	if (cfg->retention != NULL && grid.kind != GRID_INTEGER)
	{
		*expired = partman_time_threshold(&grid, cfg->retention);
		return true;
	}
	if (has_newest)
	{
		*expired = partman_integer_threshold(&grid, newest, cfg->retention);
		return true;
	}
	return false;
}

/*
 * Default partitions up to this many pages in all (1 MB) are counted when
 * partman.sets is read: at most about 2 ms per set (the view may be polled,
 * over many sets), and the figure is right at once, after a rescue say,
 * where statistics lag until the next ANALYZE.  Larger ones are estimated.
 */
#define EXACT_COUNT_PAGES	128

/*
 * Count the rows of the default partitions when that is cheap and allowed:
 * plain tables the caller may read in full (USAGE on the schema, SELECT,
 * no row-level security), small
 * (EXACT_COUNT_PAGES), and not locked by DDL right now (never waited for:
 * the view then shows the estimate).  Returns false when it did not count.
 * Caller is connected to SPI.
 */
static bool
count_defaults(List *defaults, int64 *rows)
{
	BlockNumber pages = 0;
	ListCell   *lc;

	foreach(lc, defaults)
	{
		Oid			deflt = lfirst_oid(lc);
		Relation	rel;
		bool		readable;

		if (get_rel_relkind(deflt) != RELKIND_RELATION ||
			pg_namespace_aclcheck(get_rel_namespace(deflt), GetUserId(), ACL_USAGE) != ACLCHECK_OK ||
			pg_class_aclcheck(deflt, GetUserId(), ACL_SELECT) != ACLCHECK_OK ||
			!ConditionalLockRelationOid(deflt, AccessShareLock))
			return false;
		rel = relation_open(deflt, NoLock);
		readable = !rel->rd_rel->relrowsecurity;
		pages += RelationGetNumberOfBlocks(rel);
		relation_close(rel, NoLock);
		if (!readable || pages > EXACT_COUNT_PAGES)
			return false;
	}
	*rows = 0;
	foreach(lc, defaults)
		*rows += (int64) partman_count_rows(partman_qualified_name(lfirst_oid(lc)), NULL);
	return true;
}

/*
 * When the statistics behind an estimate last counted the rows of the
 * default partitions: the oldest of their last (auto)vacuum or
 * (auto)analyze.  false when one of them was never vacuumed or analyzed.
 * Caller is connected to SPI.
 */
static bool
defaults_counted_at(List *defaults, TimestampTz *at)
{
	Datum	   *oids = palloc(sizeof(Datum) * list_length(defaults));
	int			n = 0;
	ListCell   *lc;
	bool		isnull;
	Datum		value;

	foreach(lc, defaults)
		oids[n++] = ObjectIdGetDatum(lfirst_oid(lc));
	(void) partman_spi_select("SELECT CASE WHEN pg_catalog.bool_and(t IS NOT NULL) THEN pg_catalog.min(t) END "
							  "FROM (SELECT GREATEST(pg_catalog.pg_stat_get_last_vacuum_time(o), "
							  "pg_catalog.pg_stat_get_last_autovacuum_time(o), "
							  "pg_catalog.pg_stat_get_last_analyze_time(o), "
							  "pg_catalog.pg_stat_get_last_autoanalyze_time(o)) AS t "
							  "FROM pg_catalog.unnest($1) o) x",
							  1, (Oid[]) {OIDARRAYOID},
							  (Datum[]) {PointerGetDatum(construct_array(oids, n, OIDOID, sizeof(Oid), true, TYPALIGN_INT))},
							  "statistics times");
	partman_spi_one_row("statistics times", 1);
	value = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	if (!isnull)
		*at = DatumGetTimestampTz(value);
	return !isnull;
}

/*
 * partman_set_health
 *		The health figures of parent (see PartmanHealth), allocated in the
 *		caller's context.  Takes ACCESS SHARE on partitioned partitions.
 */
void
partman_set_health(Oid parent, PartmanHealth *health)
{
	int			spi_level;
	PartmanKey	key;
	PartmanConfig cfg;
	List	   *parts;
	List	   *defaults = NIL;
	ListCell   *lc;
	bool		has_expired = false;
	Datum		expired = (Datum) 0;

	memset(health, 0, sizeof(*health));
	health->future_partitions = -1;
	health->sub_partitions = -1;
	health->missing_sub_partitions = -1;
	health->gaps = -1;
	partman_read_key(parent, &key);
	health->typid = key.typid;
	parts = partman_list_partitions(key.parent);
	count_partitions(&key, parts, health, &defaults);

	spi_level = partman_spi_connect(false);
	if (key.strategy == PARTITION_STRATEGY_RANGE && partman_config_read(key.parent, &cfg) &&
		(cfg.interval != NULL))
	{
		has_expired = time_figures(&key, &cfg, parts, health, &expired);
		if (cfg.sub_strategy != NULL &&
			partman_sub_strategy_code(cfg.sub_strategy) == PARTITION_STRATEGY_LIST)
			health->missing_sub_partitions = list_length(partman_missing_subpartitions(&key, &cfg));
	}
	if (has_expired)
	{
		int16		typlen;
		bool		typbyval;

		/* out of SPI's memory, which SPI_finish frees */
		get_typlenbyval(key.typid, &typlen, &typbyval);
		expired = SPI_datumTransfer(expired, typbyval, typlen);
	}
	partman_spi_finish(spi_level);

	if (key.strategy == PARTITION_STRATEGY_RANGE)
	{
		health->gaps = partman_range_gaps(key.parent, has_expired ? &expired : NULL,
										  PARTMAN_HEALTH_MAX_GAPS, health->gap_from,
										  health->gap_to);
		health->listed_gaps = Min(health->gaps, PARTMAN_HEALTH_MAX_GAPS);
	}
	if (defaults != NIL)
	{
		health->has_default_rows = true;
		spi_level = partman_spi_connect(false);
		health->default_rows_exact = count_defaults(defaults, &health->default_rows);
		if (!health->default_rows_exact)
		{
			health->default_rows = 0;
			foreach(lc, defaults)
				health->default_rows += partman_estimated_rows(lfirst_oid(lc));
			health->has_default_rows_as_of = defaults_counted_at(defaults,
																 &health->default_rows_as_of);
		}
		partman_spi_finish(spi_level);
	}
}
