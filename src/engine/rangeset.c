/*-------------------------------------------------------------------------
 *
 * rangeset.c
 *	  RANGE sets as a whole: which cells of the grid exist as partitions,
 *	  which cell is "current" (now, or the newest key value), and making the
 *	  missing cells.  create_parent and maintenance both come through here.
 *
 *-------------------------------------------------------------------------
 */
#include "partman.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/lsyscache.h"

/*
 * While partman_remote_planning_off is set (maintenance planning outside a
 * subtransaction), partman_newest_key asks no server: it skips foreign
 * partitions and sets partman_remote_skipped.
 */
bool		partman_remote_planning_off = false;
bool		partman_remote_skipped = false;

static int
cmp_int64(const void *a, const void *b)
{
	int64		x = *(const int64 *) a;
	int64		y = *(const int64 *) b;

	return (x > y) - (x < y);
}

/*
 * Cells that already exist as partitions with exactly the grid's bounds,
 * sorted.  Partitions with other bounds are left to PostgreSQL's overlap
 * check when a cell would collide with them; so are partitions made by hand
 * beyond the grid's reach, which no cell can match.
 */
static int64 *
existing_cells(const PartmanKey *key, const RangeGrid *grid, int *ncells)
{
	List	   *parts = partman_list_partitions(key->parent);
	int64	   *cells = palloc(sizeof(int64) * (list_length(parts) + 1));
	ListCell   *lc;
	int			n = 0;
	PartmanBound reach;

	partman_grid_reach(grid, &reach);
	foreach(lc, parts)
	{
		PartmanPartition *part = lfirst(lc);
		int64		cell;

		if (part->is_default || part->lower_unbounded || part->upper_unbounded ||
			partman_compare_keys(key, part->lower, reach.lower) < 0 ||
			partman_compare_keys(key, part->upper, reach.upper) > 0)
			continue;
		cell = partman_grid_cell_of(grid, part->lower);
		if (partman_compare_keys(key, partman_grid_bound(grid, cell), part->lower) == 0 &&
			partman_compare_keys(key, partman_grid_bound(grid, cell + 1), part->upper) == 0)
			cells[n++] = cell;
	}
	qsort(cells, n, sizeof(int64), cmp_int64);
	*ncells = n;
	return cells;
}

/* The name of cell k's partition: <parent>_p<suffix>. */
char *
partman_cell_name(const PartmanKey *key, const RangeGrid *grid, int64 cell)
{
	return partman_range_name(key, partman_grid_suffix(grid, cell));
}

/*
 * partman_missing_cells
 *		The cells first..last that have no partition yet, skipping cells that
 *		DST makes empty; *n is set to their number.
 */
int64 *
partman_missing_cells(const PartmanKey *key, const RangeGrid *grid,
					  int64 first, int64 last, int *n)
{
	int			nexisting;
	int64	   *existing = existing_cells(key, grid, &nexisting);
	int64	   *missing;
	Datum		lower;

	*n = 0;
	if (last < first)
		return NULL;
	if (last - first + 1 > PARTMAN_MAX_NEW_PARTITIONS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("this would create " INT64_FORMAT " partitions of table \"%s\", more than the limit of %d",
						last - first + 1, key->relname, PARTMAN_MAX_NEW_PARTITIONS),
				 errhint("Choose a later start_partition, a smaller premake or a longer interval.")));

	missing = palloc(sizeof(int64) * (last - first + 1));
	lower = partman_grid_bound(grid, first);
	for (int64 cell = first; cell <= last; cell++)
	{
		Datum		upper = partman_grid_bound(grid, cell + 1);

		CHECK_FOR_INTERRUPTS();
		if (partman_compare_keys(key, lower, upper) < 0 &&
			bsearch(&cell, existing, nexisting, sizeof(int64), cmp_int64) == NULL)
			missing[(*n)++] = cell;
		lower = upper;
	}
	return missing;
}

/*
 * partman_create_range_cells
 *		Create the partitions for cells first..last that do not exist yet.
 *		Returns how many were made.  The caller holds AccessExclusiveLock on
 *		the parent and its default partition and is inside
 *		partman_begin_ddl().
 */
int
partman_create_range_cells(const PartmanKey *key, const RangeGrid *grid,
						   const PartmanTemplate *tmpl, int64 first, int64 last)
{
	int			n;
	int64	   *missing = partman_missing_cells(key, grid, first, last, &n);

	for (int i = 0; i < n; i++)
	{
		PartmanTemplate placed = *tmpl;

		placed.server = partman_cell_server(tmpl->servers, missing[i]);
		partman_create_range_partition(key, &placed, partman_cell_name(key, grid, missing[i]),
									   partman_grid_bound(grid, missing[i]),
									   partman_grid_bound(grid, missing[i] + 1));
	}
	return n;
}

/*
 * partman_cell_server
 *		The server of cell's partition in a RANGE set placed on servers
 *		(NULL when servers is NIL): servers[cell mod n].  Cells are counted
 *		on the grid (from 2000-01-01 for time sets, from 0 for integer
 *		sets), so a partition's server follows from its bounds alone, not
 *		from when or by whom it was made: consecutive partitions alternate.
 */
const char *
partman_cell_server(List *servers, int64 cell)
{
	int64		n = list_length(servers);

	if (n == 0)
		return NULL;
	return list_nth(servers, (int) (((cell % n) + n) % n));
}

/*
 * partman_grid_reach
 *		The bound that covers every cell partman can make for this grid (see
 *		partman_grid_span): a key outside it (NULL, infinite, NaN, or too far
 *		out) has no partition in the set and can only stay in a default
 *		partition.
 */
void
partman_grid_reach(const RangeGrid *grid, PartmanBound *reach)
{
	int64		first;
	int64		last;

	partman_grid_span(grid, &first, &last);
	memset(reach, 0, sizeof(*reach));
	reach->lower = partman_grid_bound(grid, first);
	reach->upper = partman_grid_bound(grid, last + 1);
}

/*
 * partman_premake_horizon
 *		The cell premake partitions ahead of cell: cells that a DST gap makes
 *		empty hold no partition, so they do not count.
 */
int64
partman_premake_horizon(const RangeGrid *grid, int64 cell, int premake)
{
	for (int made = 0; made < premake;)
	{
		CHECK_FOR_INTERRUPTS();
		cell++;
		if (!partman_grid_cell_empty(grid, cell))
			made++;
	}
	return cell;
}

/*
 * partman_newest_key
 *		The largest key value in the set's range partitions, found by asking
 *		the partitions from the newest down (one index or partition scan each,
 *		never the whole table); the default partition is not consulted.
 *		Returns false when the partitions hold no rows or the caller may not
 *		read the table.
 */
bool
partman_newest_key(const PartmanKey *key, Datum *result)
{
	List	   *parts;

	if (pg_class_aclcheck(key->parent, GetUserId(), ACL_SELECT) != ACLCHECK_OK)
		return false;
	parts = partman_list_partitions(key->parent);
	for (int i = list_length(parts) - 1; i >= 0; i--)
	{
		PartmanPartition *part = list_nth(parts, i);

		if (part->is_default || part->lower_unbounded || part->upper_unbounded)
			continue;
		/* a partition on another server is asked through partman's connection */
		if (get_rel_relkind(part->relid) == RELKIND_FOREIGN_TABLE)
		{
			if (partman_remote_planning_off)
			{
				partman_remote_skipped = true;
				continue;
			}
			if (partman_remote_max_key(key, part->relid, result))
				return true;
			continue;
		}
		if (partman_max_key_between(key, part->lower, part->upper, result))
			return true;
	}
	return false;
}

/*
 * partman_current_cell
 *		The cell premake counts from: the cell of now for time sets, the cell
 *		of the newest key for integer sets (of the oldest partition, or of 0,
 *		when there are no rows).
 */
int64
partman_current_cell(const PartmanKey *key, const RangeGrid *grid)
{
	Datum		newest;
	List	   *parts;
	ListCell   *lc;

	if (grid->kind != GRID_INTEGER)
		return partman_grid_now_cell(grid);
	if (partman_newest_key(key, &newest))
		return partman_grid_cell_of(grid, newest);
	parts = partman_list_partitions(key->parent);
	foreach(lc, parts)
	{
		PartmanPartition *part = lfirst(lc);

		if (!part->is_default && !part->lower_unbounded)
			return partman_grid_cell_of(grid, part->lower);
	}
	return 0;
}
