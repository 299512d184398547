/*-------------------------------------------------------------------------
 *
 * operations.c
 *	  SQL entry points that change one set's partitions: create_partition,
 *	  attach_partition, detach_partition, drop_partition, split_partition,
 *	  merge_partitions, split_hash_partition and move_partition.  Each checks its arguments,
 *	  reads a new partition's bound from them, opens the set (which checks
 *	  that the caller has the owner's privileges) and hands over to the
 *	  operation in engine/operations.c.
 *
 *-------------------------------------------------------------------------
 */
#include "partman.h"

#include "catalog/namespace.h"
#include "catalog/partition.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

PG_FUNCTION_INFO_V1(partman_create_partition_sql);
PG_FUNCTION_INFO_V1(partman_attach_partition);
PG_FUNCTION_INFO_V1(partman_detach_partition);
PG_FUNCTION_INFO_V1(partman_drop_partition);
PG_FUNCTION_INFO_V1(partman_split_partition);
PG_FUNCTION_INFO_V1(partman_merge_partitions);
PG_FUNCTION_INFO_V1(partman_split_hash_partition);
PG_FUNCTION_INFO_V1(partman_move_partition);
PG_FUNCTION_INFO_V1(partman_shard_table);

/* ---------------------------------------------------------------------
 * Bounds from arguments
 * ---------------------------------------------------------------------
 */

/* The set's grid, or NULL */
static const RangeGrid *
set_grid(const PartmanSet *set)
{
	return set->has_grid ? &set->grid : NULL;
}

static void
range_bound_from_args(PartmanSet *set, FunctionCallInfo fcinfo, int arg_from,
					  int arg_to, PartmanBound *bound)
{
	const PartmanKey *key = &set->key;
	char	   *from = PG_ARGISNULL(arg_from) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(arg_from));
	char	   *to = PG_ARGISNULL(arg_to) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(arg_to));

	if (from && to)
	{
		bound->lower = partman_grid_value_from_text(key, set_grid(set), from, set->zone, "range_from");
		bound->upper = partman_grid_value_from_text(key, set_grid(set), to, set->zone, "range_to");
		if (partman_compare_keys(key, bound->lower, bound->upper) >= 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("range_from must be less than range_to"),
					 errdetail("range_from is %s and range_to is %s.", from, to)));
		return;
	}
	if (set->has_grid && to == NULL)
	{
		int64		cell;

		if (from)
			cell = partman_grid_cell_of(&set->grid,
										partman_grid_value_from_text(key, set_grid(set), from, set->zone, "range_from"));
		else
		{
			/* the cell after the newest partition, or the current cell */
			List	   *parts = partman_list_partitions(key->parent);
			ListCell   *lc;
			bool		found = false;

			cell = 0;
			foreach(lc, parts)
			{
				PartmanPartition *part = lfirst(lc);

				if (!part->is_default && !part->upper_unbounded)
				{
					cell = partman_grid_cell_of(&set->grid, part->upper);
					if (partman_compare_keys(key, partman_grid_bound(&set->grid, cell),
											 part->upper) < 0)
						cell++;
					found = true;
				}
			}
			if (!found)
				cell = partman_current_cell(key, &set->grid);
		}
		bound->lower = partman_grid_bound(&set->grid, cell);
		bound->upper = partman_grid_bound(&set->grid, cell + 1);
		return;
	}
	ereport(ERROR,
			(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
			 errmsg("range_from and range_to are required for a partition of table \"%s\"",
					key->relname),
			 errhint("Tables managed with partman.create_parent may omit them: partman then makes the next partition of the set.")));
}

static void
list_bound_from_args(PartmanSet *set, FunctionCallInfo fcinfo, int arg_list,
					 PartmanBound *bound)
{
	ArrayType  *arr;
	Datum	   *items;
	bool	   *nulls;
	int			n;

	if (PG_ARGISNULL(arg_list))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("list_values is required for a partition of LIST table \"%s\"",
						set->key.relname)));
	arr = PG_GETARG_ARRAYTYPE_P(arg_list);
	if (ARR_NDIM(arr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("list_values must be a one-dimensional array")));
	deconstruct_array(arr, TEXTOID, -1, false, TYPALIGN_INT, &items, &nulls, &n);
	if (n == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("list_values must not be empty")));
	for (int i = 0; i < n; i++)
	{
		Datum		value;
		ListCell   *lc;

		if (nulls[i])
		{
			bound->has_null = true;
			continue;
		}
		value = partman_value_from_text(&set->key, TextDatumGetCString(items[i]),
										set->zone, "list value");
		foreach(lc, bound->values)
			if (partman_compare_keys(&set->key, PointerGetDatum(lfirst(lc)), value) == 0)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("list value \"%s\" is given twice", TextDatumGetCString(items[i]))));
		bound->values = lappend(bound->values, DatumGetPointer(value));
	}
}

/* The greatest modulus among the set's hash partitions. */
static int
set_modulus(const PartmanKey *key)
{
	List	   *parts = partman_list_partitions(key->parent);
	ListCell   *lc;
	int			modulus = 0;

	foreach(lc, parts)
		modulus = Max(modulus, ((PartmanPartition *) lfirst(lc))->modulus);
	return modulus;
}

static void
hash_bound_from_args(PartmanSet *set, FunctionCallInfo fcinfo, int arg_remainder,
					 PartmanBound *bound)
{
	if (PG_ARGISNULL(arg_remainder))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("remainder is required for a partition of HASH table \"%s\"",
						set->key.relname)));
	bound->modulus = set_modulus(&set->key);
	bound->remainder = PG_GETARG_INT32(arg_remainder);
	if (bound->modulus == 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("HASH table \"%s\" has no partitions to take the modulus from",
						set->key.relname),
				 errhint("Create its partitions with partman.create_parent(..., modulus => N).")));
	if (bound->remainder < 0 || bound->remainder >= bound->modulus)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("remainder must be between 0 and %d, not %d",
						bound->modulus - 1, bound->remainder)));
}

/*
 * The bound of a new partition from range_from / range_to / list_values /
 * remainder arguments; those that do not fit the set's strategy are errors.
 */
static void
bound_from_args(PartmanSet *set, FunctionCallInfo fcinfo, int arg_from, int arg_to,
				int arg_list, int arg_remainder, PartmanBound *bound)
{
	char		strategy = set->key.strategy;

	memset(bound, 0, sizeof(*bound));
	if (strategy != PARTITION_STRATEGY_RANGE && !PG_ARGISNULL(arg_from))
		partman_wrong_strategy(set, "range_from", NULL);
	if (strategy != PARTITION_STRATEGY_RANGE && !PG_ARGISNULL(arg_to))
		partman_wrong_strategy(set, "range_to", NULL);
	if (strategy != PARTITION_STRATEGY_LIST && !PG_ARGISNULL(arg_list))
		partman_wrong_strategy(set, "list_values", NULL);
	if (strategy != PARTITION_STRATEGY_HASH && !PG_ARGISNULL(arg_remainder))
		partman_wrong_strategy(set, "remainder", NULL);

	switch (strategy)
	{
		case PARTITION_STRATEGY_RANGE:
			range_bound_from_args(set, fcinfo, arg_from, arg_to, bound);
			break;
		case PARTITION_STRATEGY_LIST:
			list_bound_from_args(set, fcinfo, arg_list, bound);
			break;
		case PARTITION_STRATEGY_HASH:
			hash_bound_from_args(set, fcinfo, arg_remainder, bound);
			break;
	}
}

/* An array of regclass */
static Datum
oid_array(Oid *oids, int n)
{
	Datum	   *items = palloc(sizeof(Datum) * n);

	for (int i = 0; i < n; i++)
		items[i] = ObjectIdGetDatum(oids[i]);
	return PointerGetDatum(construct_array(items, n, REGCLASSOID, sizeof(Oid), true,
										   TYPALIGN_INT));
}

/* ---------------------------------------------------------------------
 * SQL entry points
 * ---------------------------------------------------------------------
 */

/*
 * partman.create_partition(parent regclass, range_from text, range_to text,
 *		list_values text[], remainder int, name text, is_default bool,
 *		server name) RETURNS regclass
 *
 * With is_default, the set's default partition (maintenance makes it this
 * way when default_partition is on and the default is missing).  See
 * partman_op_create.
 */
Datum
partman_create_partition_sql(PG_FUNCTION_ARGS)
{
	int			spi_level;
	PartmanSet	set;
	PartmanBound bound;
	char	   *name = NULL;
	Oid			relid;
	bool		is_default;

	partman_require_arg(fcinfo, 0, "parent");
	partman_require_arg(fcinfo, 6, "is_default");
	is_default = PG_GETARG_BOOL(6);
	spi_level = partman_spi_connect(false);
	partman_open_set(PG_GETARG_OID(0), &set);
	if (is_default)
	{
		if (!PG_ARGISNULL(1) || !PG_ARGISNULL(2) || !PG_ARGISNULL(3) || !PG_ARGISNULL(4))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("a default partition takes no range_from, range_to, list_values or remainder")));
		if (set.key.strategy == PARTITION_STRATEGY_HASH)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TABLE_DEFINITION),
					 errmsg("HASH table \"%s\" cannot have a default partition",
							set.key.relname),
					 errdetail("PostgreSQL allows no default partition in a table partitioned by HASH.")));
		memset(&bound, 0, sizeof(bound));
		bound.is_default = true;
	}
	else
		bound_from_args(&set, fcinfo, 1, 2, 3, 4, &bound);
	if (!PG_ARGISNULL(5))
	{
		name = text_to_cstring(PG_GETARG_TEXT_PP(5));
		if (strlen(name) == 0 || strlen(name) >= NAMEDATALEN)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_NAME),
					 errmsg("partition name \"%s\" must have 1 to %d bytes", name, NAMEDATALEN - 1)));
	}
	relid = partman_op_create(&set, &bound, name,
							  PG_ARGISNULL(7) ? NULL : NameStr(*PG_GETARG_NAME(7)));
	partman_spi_finish(spi_level);
	PG_RETURN_OID(relid);
}

/*
 * partman.attach_partition(parent regclass, source regclass, range_from text,
 *		range_to text, list_values text[], remainder int) RETURNS regclass
 *		See partman_op_attach.
 */
Datum
partman_attach_partition(PG_FUNCTION_ARGS)
{
	int			spi_level;
	PartmanSet	set;
	PartmanBound bound;
	Oid			source;

	partman_require_arg(fcinfo, 0, "parent");
	partman_require_arg(fcinfo, 1, "source");
	spi_level = partman_spi_connect(false);
	partman_open_set(PG_GETARG_OID(0), &set);
	source = PG_GETARG_OID(1);
	if (!SearchSysCacheExists1(RELOID, ObjectIdGetDatum(source)))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation with OID %u does not exist", source)));
	if (get_rel_relkind(source) != RELKIND_RELATION || get_rel_relispartition(source))
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("\"%s\" is not a plain table that can become a partition",
						get_rel_name(source)),
				 errdetail("attach_partition takes an ordinary table that is not a partition yet.")));
	partman_check_owner(source);
	partman_check_shape(&set.key, source);
	bound_from_args(&set, fcinfo, 2, 3, 4, 5, &bound);
	partman_op_attach(&set, source, &bound);
	partman_spi_finish(spi_level);
	PG_RETURN_OID(source);
}

/*
 * partman.detach_partition(partition regclass, action text, archive_schema
 *		name) RETURNS regclass
 *
 * action: 'detach' (keep as a plain table), 'archive' (detach and move to
 * archive_schema, or the set's retention_schema), 'drop'.  Returns the
 * detached table (NULL after 'drop').  See partman_op_detach.
 */
Datum
partman_detach_partition(PG_FUNCTION_ARGS)
{
	int			spi_level;
	PartmanSet	set;
	PartmanPartition *part;
	char	   *action;
	char	   *schema = NULL;
	Oid			relid;

	partman_require_arg(fcinfo, 0, "partition");
	partman_require_arg(fcinfo, 1, "action");
	relid = PG_GETARG_OID(0);
	action = text_to_cstring(PG_GETARG_TEXT_PP(1));
	if (strcmp(action, "detach") != 0 && strcmp(action, "archive") != 0 &&
		strcmp(action, "drop") != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid value for action: \"%s\"", action),
				 errhint("Use 'detach', 'archive' or 'drop'.")));
	spi_level = partman_spi_connect(false);
	part = partman_open_partition(relid, &set);
	if (strcmp(action, "archive") == 0)
	{
		schema = PG_ARGISNULL(2) ? (set.managed ? set.cfg.retention_schema : NULL) :
			pstrdup(NameStr(*PG_GETARG_NAME(2)));
		if (schema == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("action 'archive' needs an archive_schema")));
		(void) get_namespace_oid(schema, false);
	}
	else if (!PG_ARGISNULL(2))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("archive_schema applies only to action 'archive'")));
	partman_op_detach(&set, part, action, schema);
	partman_spi_finish(spi_level);
	if (strcmp(action, "drop") == 0)
		PG_RETURN_NULL();
	PG_RETURN_OID(relid);
}

/*
 * partman.drop_partition(partition regclass, only_if_empty bool) RETURNS void
 *		See partman_op_drop.
 */
Datum
partman_drop_partition(PG_FUNCTION_ARGS)
{
	int			spi_level;
	PartmanSet	set;
	PartmanPartition *part;

	partman_require_arg(fcinfo, 0, "partition");
	partman_require_arg(fcinfo, 1, "only_if_empty");
	spi_level = partman_spi_connect(false);
	part = partman_open_partition(PG_GETARG_OID(0), &set);
	partman_op_drop(&set, part, PG_GETARG_BOOL(1));
	partman_spi_finish(spi_level);
	PG_RETURN_VOID();
}

/*
 * partman.split_partition(partition regclass, split_at text) RETURNS regclass[]
 *		The partition (which keeps its name) and the new one above split_at.
 *		See partman_op_split.
 */
Datum
partman_split_partition(PG_FUNCTION_ARGS)
{
	int			spi_level;
	PartmanSet	set;
	PartmanPartition *part;
	Oid			result[2];

	partman_require_arg(fcinfo, 0, "partition");
	partman_require_arg(fcinfo, 1, "split_at");
	spi_level = partman_spi_connect(false);
	part = partman_open_partition(PG_GETARG_OID(0), &set);
	partman_op_split(&set, part, text_to_cstring(PG_GETARG_TEXT_PP(1)), result);
	partman_spi_finish(spi_level);
	PG_RETURN_DATUM(oid_array(result, 2));
}

/*
 * partman.merge_partitions(partitions regclass[]) RETURNS regclass
 *		The first partition given, which now holds the others' rows.  The
 *		partitions must be distinct partitions of one table, none of them
 *		itself partitioned.  See partman_op_merge.
 */
Datum
partman_merge_partitions(PG_FUNCTION_ARGS)
{
	int			spi_level;
	PartmanSet	set;
	ArrayType  *arr;
	Datum	   *items;
	bool	   *nulls;
	Oid		   *relids;
	int			n;
	Oid			parent = InvalidOid;
	Oid			result;

	partman_require_arg(fcinfo, 0, "partitions");
	arr = PG_GETARG_ARRAYTYPE_P(0);
	if (ARR_NDIM(arr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("partitions must be a one-dimensional array")));
	deconstruct_array(arr, REGCLASSOID, sizeof(Oid), true, TYPALIGN_INT, &items, &nulls, &n);
	if (n < 2)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("merge_partitions needs at least two partitions")));
	spi_level = partman_spi_connect(false);
	relids = palloc(sizeof(Oid) * n);
	for (int i = 0; i < n; i++)
	{
		Oid			this_parent;

		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("partitions must not contain NULL")));
		relids[i] = DatumGetObjectId(items[i]);
		if (!SearchSysCacheExists1(RELOID, ObjectIdGetDatum(relids[i])) ||
			!get_rel_relispartition(relids[i]))
			ereport(ERROR,
					(errcode(ERRCODE_WRONG_OBJECT_TYPE),
					 errmsg("\"%s\" is not a partition",
							get_rel_name(relids[i]) ? get_rel_name(relids[i]) : "?")));
		this_parent = get_partition_parent(relids[i], false);
		if (OidIsValid(parent) && this_parent != parent)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("partitions \"%s\" and \"%s\" belong to different tables",
							get_rel_name(relids[0]), get_rel_name(relids[i]))));
		parent = this_parent;
		partman_refuse_subpartitioned(relids[i], "merge_partitions");
		for (int j = 0; j < i; j++)
			if (relids[j] == relids[i])
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("partition \"%s\" is given twice", get_rel_name(relids[i]))));
	}
	partman_open_set(parent, &set);
	result = partman_op_merge(&set, relids, n);
	partman_spi_finish(spi_level);
	PG_RETURN_OID(result);
}

/*
 * partman.split_hash_partition(partition regclass) RETURNS regclass[]
 *		The two partitions of modulus 2m.  See partman_op_split_hash.
 */
Datum
partman_split_hash_partition(PG_FUNCTION_ARGS)
{
	int			spi_level;
	PartmanSet	set;
	PartmanPartition *part;
	Oid			result[2];

	partman_require_arg(fcinfo, 0, "partition");
	spi_level = partman_spi_connect(false);
	part = partman_open_partition(PG_GETARG_OID(0), &set);
	partman_op_split_hash(&set, part, result);
	partman_spi_finish(spi_level);
	PG_RETURN_DATUM(oid_array(result, 2));
}

/*
 * PROCEDURE partman.move_partition(partition regclass, server name,
 *		batch_rows int DEFAULT 50000, keep_source bool DEFAULT false)
 *
 * Moves the partition to server (NULL: back to a local table), online and
 * resumable (engine/move_partition.c).  At top level each batch commits;
 * inside a transaction block everything runs in that transaction.
 */
Datum
partman_move_partition(PG_FUNCTION_ARGS)
{
	int			spi_level;
	bool		nonatomic = partman_nonatomic(fcinfo);
	char	   *server = PG_ARGISNULL(1) ? NULL : pstrdup(NameStr(*PG_GETARG_NAME(1)));
	int			batch_rows;

	partman_require_arg(fcinfo, 0, "partition");
	batch_rows = partman_positive_arg(fcinfo, 2, "batch_rows");
	partman_require_arg(fcinfo, 3, "keep_source");
	spi_level = partman_spi_connect(nonatomic);
	(void) partman_move_partition_run(PG_GETARG_OID(0), server, batch_rows, PG_GETARG_BOOL(3),
									  nonatomic);
	partman_spi_finish(spi_level);
	PG_RETURN_VOID();
}

/*
 * PROCEDURE partman.shard_table(source regclass, key text, servers name[],
 *		modulus int DEFAULT NULL, batch_rows int DEFAULT 50000)
 *
 * Makes source a HASH set on key whose partition r lives on
 * servers[r % n], online and resumable (engine/shard_table.c).
 */
Datum
partman_shard_table(PG_FUNCTION_ARGS)
{
	int			spi_level;
	bool		nonatomic = partman_nonatomic(fcinfo);
	Datum	   *names;
	bool	   *nulls;
	int			n;
	List	   *servers = NIL;
	int			batch_rows;

	partman_require_arg(fcinfo, 0, "source");
	partman_require_arg(fcinfo, 1, "key");
	partman_require_arg(fcinfo, 2, "servers");
	batch_rows = partman_positive_arg(fcinfo, 4, "batch_rows");
	if (!PG_ARGISNULL(3))
		(void) partman_positive_arg(fcinfo, 3, "modulus");
	deconstruct_array(PG_GETARG_ARRAYTYPE_P(2), NAMEOID, NAMEDATALEN, false, TYPALIGN_CHAR,
					  &names, &nulls, &n);
	for (int i = 0; i < n; i++)
	{
		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("servers cannot contain NULL")));
		servers = lappend(servers, pstrdup(NameStr(*DatumGetName(names[i]))));
	}
	if (servers == NIL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("servers must name at least one server")));
	spi_level = partman_spi_connect(nonatomic);
	(void) partman_shard_table_run(PG_GETARG_OID(0), text_to_cstring(PG_GETARG_TEXT_PP(1)), servers,
								   PG_ARGISNULL(3) ? 0 : PG_GETARG_INT32(3), batch_rows, nonatomic);
	partman_spi_finish(spi_level);
	PG_RETURN_VOID();
}
