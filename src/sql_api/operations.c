/*-------------------------------------------------------------------------
 *
 * operations.c
 *	  SQL entry points that change one set's partitions: create_partition,
 *	  attach_partition, detach_partition, drop_partition, split_partition,
 *	  merge_partitions and split_hash_partition.
 *
 * Each runs in the caller's transaction: a failure rolls back every step, so
 * a failed call changes nothing and rows are never lost.  Locks are taken up
 * front, each within partman.lock_timeout, and held until the transaction
 * ends; DDL runs as the parent's owner (see ddl.c).
 *
 * A bound that has to be proven (attach, and the re-attach steps of split and
 * merge) is proven by a NOT VALID CHECK constraint that is then validated, so
 * ATTACH PARTITION finds it and does not scan the table again.
 *
 *-------------------------------------------------------------------------
 */
#include "partman.h"

#include "access/htup_details.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_attribute.h"
#include "catalog/pg_class.h"
#include "catalog/pg_inherits.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "catalog/partition.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/syscache.h"

PG_FUNCTION_INFO_V1(partman_create_partition_sql);
PG_FUNCTION_INFO_V1(partman_attach_partition);
PG_FUNCTION_INFO_V1(partman_detach_partition);
PG_FUNCTION_INFO_V1(partman_drop_partition);
PG_FUNCTION_INFO_V1(partman_split_partition);
PG_FUNCTION_INFO_V1(partman_merge_partitions);
PG_FUNCTION_INFO_V1(partman_split_hash_partition);

#define HELPER_CONSTRAINT "partman_bound_check"

static void
wrong_strategy(const PartmanSet *set, const char *what, const char *fits)
{
	ereport(ERROR,
			(errcode(ERRCODE_WRONG_OBJECT_TYPE),
			 errmsg("%s does not apply to table \"%s\", which is partitioned by %s",
					what, set->key.relname, partman_strategy_keyword(set->key.strategy)),
			 fits ? errhint("%s", fits) : 0));
}

/*
 * Find the set and the bound of an existing partition; the caller must have
 * the parent owner's privileges.
 */
static PartmanPartition *
open_partition(Oid relid, PartmanSet *set)
{
	List	   *parts;
	ListCell   *lc;

	if (!SearchSysCacheExists1(RELOID, ObjectIdGetDatum(relid)))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation with OID %u does not exist", relid)));
	if (!get_rel_relispartition(relid))
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("\"%s\" is not a partition", get_rel_name(relid))));
	partman_open_set(get_partition_parent(relid, false), set);
	parts = partman_list_partitions(set->key.parent);
	foreach(lc, parts)
	{
		PartmanPartition *part = lfirst(lc);

		if (part->relid == relid)
			return part;
	}
	ereport(ERROR,
			(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
			 errmsg("partition \"%s\" is being detached", get_rel_name(relid))));
	return NULL;
}

/*
 * Splitting and merging move rows between the tables named, which a
 * composite set's partition (a partitioned table) does not hold itself.
 */
static void
refuse_subpartitioned(Oid relid, const char *what)
{
	if (get_rel_relkind(relid) == RELKIND_PARTITIONED_TABLE)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("%s does not support partition \"%s\", which is itself partitioned",
						what, get_rel_name(relid)),
				 errhint("Split or merge its sub-partitions, or detach it and attach new partitions.")));
}

/* ---------------------------------------------------------------------
 * Bounds from arguments
 * ---------------------------------------------------------------------
 */

static void
range_bound_from_args(PartmanSet *set, FunctionCallInfo fcinfo, int arg_from,
					  int arg_to, PartmanBound *bound)
{
	const PartmanKey *key = &set->key;
	char	   *from = PG_ARGISNULL(arg_from) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(arg_from));
	char	   *to = PG_ARGISNULL(arg_to) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(arg_to));

	if (from && to)
	{
		bound->lower = partman_value_from_text(key, from, set->zone, "range_from");
		bound->upper = partman_value_from_text(key, to, set->zone, "range_to");
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
										partman_value_from_text(key, from, set->zone, "range_from"));
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
		wrong_strategy(set, "range_from", NULL);
	if (strategy != PARTITION_STRATEGY_RANGE && !PG_ARGISNULL(arg_to))
		wrong_strategy(set, "range_to", NULL);
	if (strategy != PARTITION_STRATEGY_LIST && !PG_ARGISNULL(arg_list))
		wrong_strategy(set, "list_values", NULL);
	if (strategy != PARTITION_STRATEGY_HASH && !PG_ARGISNULL(arg_remainder))
		wrong_strategy(set, "remainder", NULL);

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

/* The default name of a new partition with this bound. */
static char *
default_name(const PartmanSet *set, const PartmanBound *bound)
{
	const PartmanKey *key = &set->key;

	switch (key->strategy)
	{
		case PARTITION_STRATEGY_RANGE:
			if (set->has_grid)
			{
				int64		cell = partman_grid_cell_of(&set->grid, bound->lower);

				if (partman_compare_keys(key, partman_grid_bound(&set->grid, cell), bound->lower) == 0 &&
					partman_compare_keys(key, partman_grid_bound(&set->grid, cell + 1), bound->upper) == 0)
					return partman_cell_name(key, &set->grid, cell);
			}
			return partman_range_name(key, partman_value_suffix(key, bound->lower, set->zone));
		case PARTITION_STRATEGY_LIST:
			/* named after its first value */
			return partman_list_name(key, bound->values == NIL ? NULL :
									 partman_value_suffix(key, PointerGetDatum(linitial(bound->values)),
														  NULL));
		case PARTITION_STRATEGY_HASH:
			return partman_hash_name(key, bound->remainder);
	}
	return NULL;
}

/* ---------------------------------------------------------------------
 * Steps shared by the operations
 * ---------------------------------------------------------------------
 */

/*
 * Refuse a new partition whose bound overlaps an existing partition, naming
 * that partition, before any statement runs: PostgreSQL's own error would
 * quote partman's internal statement instead.  One pass over the
 * partitions; the caller holds a lock on the parent.
 */
static void
check_overlap(const PartmanSet *set, const PartmanBound *bound, const char *name)
{
	List	   *parts = partman_list_partitions(set->key.parent);
	ListCell   *lc;

	foreach(lc, parts)
	{
		PartmanBound existing;

		partman_bound_of(lfirst(lc), &existing);
		if (partman_bounds_overlap(&set->key, &existing, bound))
		{
			char	   *other = get_rel_name(((PartmanPartition *) lfirst(lc))->relid);

			ereport(ERROR,
					(errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
					 errmsg("new partition \"%s\" would overlap existing partition \"%s\" of table \"%s\"",
							name, other, set->key.relname),
					 errdetail("The new partition is %s; \"%s\" is %s.",
							   partman_bound_clause(&set->key, bound), other,
							   partman_bound_clause(&set->key, &existing)),
					 set->key.strategy == PARTITION_STRATEGY_RANGE ?
					 errhint("Choose a range outside the existing partitions, or split \"%s\" with partman.split_partition.",
							 other) : 0));
		}
	}
}

static void
lock_default(Oid parent)
{
	Oid			deflt = partman_default_partition(parent);

	if (OidIsValid(deflt))
		partman_lock_relation(deflt, AccessExclusiveLock);
}

/*
 * A managed set whose default partition was dropped or detached through
 * partman no longer has one by choice: default_partition becomes false, so
 * neither the health view nor maintenance takes it for missing.
 */
static void
forget_default(const PartmanSet *set, const PartmanPartition *part)
{
	if (part->is_default && set->managed && set->cfg.default_partition)
		partman_config_set_default(set->key.parent, false);
}

static void
run_sql(void *sql)
{
	partman_ddl_exec(sql);
}

/*
 * Prove that every row of table satisfies bound with a validated CHECK
 * constraint (so ATTACH does not scan again).  When some do not, ERROR with
 * how many and an example.  The check is validated in a subtransaction so the
 * count can be reported.
 */
static void
prove_bound(const PartmanKey *key, Oid relid, const PartmanBound *bound)
{
	char	   *table = partman_qualified_name(relid);
	char	   *condition = partman_bound_condition(key, bound);
	ErrorData  *edata;

	partman_ddl_exec(partman_sql_add_check(table, HELPER_CONSTRAINT, condition, true, false));

	edata = partman_try_subtransaction(run_sql,
									   partman_sql_validate_constraint(table, HELPER_CONSTRAINT));
	if (edata != NULL && edata->sqlerrcode != ERRCODE_CHECK_VIOLATION)
		ReThrowError(edata);

	if (edata != NULL)
	{
		char	   *outside = psprintf("(%s) IS NOT TRUE", condition);
		uint64		count = partman_count_rows(table, outside);
		char	   *example = partman_key_example(key, table, outside);

		ereport(ERROR,
				(errcode(ERRCODE_CHECK_VIOLATION),
				 errmsg_plural("table \"%s\" has " UINT64_FORMAT " row outside the partition bound",
							   "table \"%s\" has " UINT64_FORMAT " rows outside the partition bound",
							   count, get_rel_name(relid), count),
				 errdetail("For example, a row with %s = %s. The bound is %s.",
						   key->attname, example, partman_bound_clause(key, bound)),
				 errhint("Move those rows elsewhere first, or choose a bound that covers them.")));
	}
}

/* ATTACH relid with bound, proving it first; drops the helper constraint. */
static void
attach_proven(const PartmanKey *key, Oid relid, const PartmanBound *bound)
{
	char	   *table = partman_qualified_name(relid);

	prove_bound(key, relid, bound);
	partman_ddl_exec(partman_sql_attach(partman_qualified_name(key->parent), table,
										partman_bound_clause(key, bound)));
	partman_ddl_exec(partman_sql_drop_constraint(table, HELPER_CONSTRAINT, false));
}

static void
detach(const PartmanKey *key, Oid relid)
{
	partman_ddl_exec(partman_sql_detach(partman_qualified_name(key->parent),
										partman_qualified_name(relid), NULL));
}

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
 *		list_values text[], remainder int, name text, is_default bool)
 *		RETURNS regclass
 *
 * With is_default, the set's default partition (maintenance makes it this
 * way when default_partition is on and the default is missing), and a
 * managed set's default_partition setting becomes true.  A bound that
 * overlaps an existing partition, or a name that is taken, is refused
 * before anything runs.
 *
 * Locks: ACCESS EXCLUSIVE on the parent and its default partition until
 * commit (PostgreSQL's CREATE TABLE ... PARTITION OF needs it).
 */
Datum
partman_create_partition_sql(PG_FUNCTION_ARGS)
{
	int			spi_level;
	PartmanSet	set;
	PartmanBound bound;
	PartmanTemplate tmpl;
	char	   *name;
	Oid			relid;
	Oid			deflt;
	bool		is_default;
	PartmanDdlState ddl;

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
	else if (is_default)
		name = partman_default_name(&set.key, 1);
	else
		name = default_name(&set, &bound);

	partman_lock_relation(set.key.parent, AccessExclusiveLock);
	lock_default(set.key.parent);
	/* under the lock, so a concurrent call cannot slip in between */
	deflt = partman_default_partition(set.key.parent);
	if (is_default && OidIsValid(deflt))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
				 errmsg("table \"%s\" already has a default partition, \"%s\"",
						set.key.relname, get_rel_name(deflt))));
	check_overlap(&set, &bound, name);
	if (OidIsValid(get_relname_relid(name, get_rel_namespace(set.key.parent))))
		ereport(ERROR,
				(errcode(ERRCODE_DUPLICATE_TABLE),
				 errmsg("relation \"%s\" already exists", name),
				 errhint("Pass another name with name => '...'.")));

	partman_read_template(&set.key, set.managed ? &set.cfg : NULL, &tmpl);
	partman_begin_ddl(&set.key, &ddl);
	if (is_default)
		relid = partman_create_partition(&set.key, &tmpl, name, "DEFAULT");
	else
		relid = partman_create_with_rescue(&set.key, &tmpl, name, &bound);
	partman_end_ddl(&ddl);
	/* part_config says what the set has, for the health view and maintenance */
	if (is_default && set.managed && !set.cfg.default_partition)
		partman_config_set_default(set.key.parent, true);
	partman_spi_finish(spi_level);
	PG_RETURN_OID(relid);
}

/* Check that source has exactly the parent's columns, types and NOT NULLs. */
void
partman_check_shape(const PartmanKey *key, Oid source)
{
	char	   *srcname = get_rel_name(source);

	for (int pass = 0; pass < 2; pass++)
	{
		Oid			from = pass == 0 ? key->parent : source;
		Oid			to = pass == 0 ? source : key->parent;

		for (AttrNumber attnum = 1;; attnum++)
		{
			HeapTuple	tuple = SearchSysCache2(ATTNUM, ObjectIdGetDatum(from), Int16GetDatum(attnum));
			Form_pg_attribute att;
			HeapTuple	other;
			Form_pg_attribute oatt;

			if (!HeapTupleIsValid(tuple))
				break;
			att = (Form_pg_attribute) GETSTRUCT(tuple);
			if (att->attisdropped)
			{
				ReleaseSysCache(tuple);
				continue;
			}
			other = SearchSysCacheAttName(to, NameStr(att->attname));
			if (!HeapTupleIsValid(other))
				ereport(ERROR,
						(errcode(ERRCODE_DATATYPE_MISMATCH),
						 pass == 0 ?
						 errmsg("table \"%s\" lacks column \"%s\" of table \"%s\"",
								srcname, NameStr(att->attname), key->relname) :
						 errmsg("table \"%s\" has column \"%s\", which table \"%s\" does not have",
								srcname, NameStr(att->attname), key->relname),
						 errhint("A partition must have exactly the columns of its parent.")));
			oatt = (Form_pg_attribute) GETSTRUCT(other);
			if (pass == 0 && (att->atttypid != oatt->atttypid || att->atttypmod != oatt->atttypmod))
				ereport(ERROR,
						(errcode(ERRCODE_DATATYPE_MISMATCH),
						 errmsg("column \"%s\" of table \"%s\" has type %s, but the parent's column has type %s",
								NameStr(att->attname), srcname,
								format_type_with_typemod(oatt->atttypid, oatt->atttypmod),
								format_type_with_typemod(att->atttypid, att->atttypmod))));
			if (pass == 0 && att->attnotnull && !oatt->attnotnull)
				ereport(ERROR,
						(errcode(ERRCODE_NOT_NULL_VIOLATION),
						 errmsg("column \"%s\" of table \"%s\" must be NOT NULL, as it is in table \"%s\"",
								NameStr(att->attname), srcname, key->relname),
						 errhint("%s;", partman_sql_set_not_null(partman_qualified_name(source),
																 NameStr(att->attname)))));
			ReleaseSysCache(other);
			ReleaseSysCache(tuple);
		}
	}
}

/*
 * partman.attach_partition(parent regclass, source regclass, range_from text,
 *		range_to text, list_values text[], remainder int) RETURNS regclass
 *
 * Locks: ACCESS EXCLUSIVE on source (it is not a partition yet, so nobody
 * reads it through the parent).  In a set without a default partition, only
 * SHARE UPDATE EXCLUSIVE on the parent, so reads and writes of the set go
 * on; with one, ACCESS EXCLUSIVE on the parent and the default partition,
 * since rows of the new bound found there are moved into source first.
 */
Datum
partman_attach_partition(PG_FUNCTION_ARGS)
{
	int			spi_level;
	PartmanSet	set;
	PartmanBound bound;
	Oid			source;
	Oid			deflt;
	PartmanDdlState ddl;

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

	partman_lock_relation(source, AccessExclusiveLock);
	deflt = partman_default_partition(set.key.parent);
	/*
	 * With a default partition, rows move out of it: sessions must not plan
	 * with the old partition list and run after we commit, so they wait
	 * behind ACCESS EXCLUSIVE.  Without one, SHARE UPDATE EXCLUSIVE lets the
	 * set's readers and writers go on.
	 */
	partman_lock_relation(set.key.parent, OidIsValid(deflt) ? AccessExclusiveLock :
						  ShareUpdateExclusiveLock);
	lock_default(set.key.parent);

	/* before the proof, which scans source */
	check_overlap(&set, &bound, get_rel_name(source));
	partman_begin_ddl(&set.key, &ddl);
	prove_bound(&set.key, source, &bound);
	if (OidIsValid(deflt))
	{
		uint64		moved = partman_move_rows(set.key.parent, partman_qualified_name(deflt),
											  partman_qualified_name(source),
											  partman_bound_condition(&set.key, &bound));

		if (moved > 0)
			ereport(NOTICE,
					(errmsg("moved " UINT64_FORMAT " rows from default partition \"%s\" into \"%s\"",
							moved, get_rel_name(deflt), get_rel_name(source))));
	}
	partman_ddl_exec(partman_sql_attach(partman_qualified_name(set.key.parent),
										partman_qualified_name(source),
										partman_bound_clause(&set.key, &bound)));
	partman_ddl_exec(partman_sql_drop_constraint(partman_qualified_name(source),
												 HELPER_CONSTRAINT, false));
	partman_end_ddl(&ddl);
	partman_spi_finish(spi_level);
	PG_RETURN_OID(source);
}

/*
 * partman.detach_partition(partition regclass, action text, archive_schema
 *		name) RETURNS regclass
 *
 * action: 'detach' (keep as a plain table), 'archive' (detach and move to
 * archive_schema, or the set's retention_schema), 'drop'.  Returns the
 * detached table (NULL after 'drop').  Locks: ACCESS EXCLUSIVE on the parent
 * and the partition (and the default partition, which PostgreSQL locks too)
 * until commit.  DETACH ... CONCURRENTLY cannot run inside
 * a function; maintenance plans use it where PostgreSQL allows.
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
	PartmanDdlState ddl;

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
	part = open_partition(relid, &set);
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

	partman_lock_relation(set.key.parent, AccessExclusiveLock);
	partman_lock_relation(part->relid, AccessExclusiveLock);
	lock_default(set.key.parent);
	partman_begin_ddl(&set.key, &ddl);
	partman_retire_partition(&set.key, relid, action, schema);
	partman_end_ddl(&ddl);
	forget_default(&set, part);
	partman_spi_finish(spi_level);
	if (strcmp(action, "drop") == 0)
		PG_RETURN_NULL();
	PG_RETURN_OID(relid);
}

/*
 * partman.drop_partition(partition regclass, only_if_empty bool) RETURNS void
 *		Locks: ACCESS EXCLUSIVE on the parent and the partition until commit.
 */
Datum
partman_drop_partition(PG_FUNCTION_ARGS)
{
	int			spi_level;
	PartmanSet	set;
	PartmanPartition *part;
	PartmanDdlState ddl;

	partman_require_arg(fcinfo, 0, "partition");
	partman_require_arg(fcinfo, 1, "only_if_empty");
	spi_level = partman_spi_connect(false);
	part = open_partition(PG_GETARG_OID(0), &set);
	partman_lock_relation(set.key.parent, AccessExclusiveLock);
	partman_lock_relation(part->relid, AccessExclusiveLock);
	lock_default(set.key.parent);
	if (PG_GETARG_BOOL(1))
	{
		uint64		rows = 0;
		List	   *tables = find_all_inheritors(part->relid, NoLock, NULL);
		ListCell   *lc;

		/* a composite set's partition holds its rows in its sub-partitions */
		foreach(lc, tables)
			rows += partman_count_rows(partman_qualified_name(lfirst_oid(lc)), NULL);
		if (rows > 0)
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("%spartition \"%s\" is not empty", part->is_default ? "default " : "",
							get_rel_name(part->relid)),
					 errdetail("It holds " UINT64_FORMAT " rows.", rows),
					 errhint("Move the rows first (partman.partition_data), or call with only_if_empty => false.")));
	}
	partman_begin_ddl(&set.key, &ddl);
	partman_drop_partition_table(set.key.parent, part->relid);
	partman_end_ddl(&ddl);
	forget_default(&set, part);
	partman_spi_finish(spi_level);
	PG_RETURN_VOID();
}

/*
 * partman.split_partition(partition regclass, split_at text) RETURNS regclass[]
 *		Split a RANGE partition [lo, hi) into [lo, split_at), which keeps the
 *		partition's name, and a new partition [split_at, hi).  Locks: ACCESS
 *		EXCLUSIVE on the parent, the partition and the default partition until
 *		commit; the rows of the upper part are moved once.
 */
Datum
partman_split_partition(PG_FUNCTION_ARGS)
{
	int			spi_level;
	PartmanSet	set;
	PartmanPartition *part;
	PartmanBound lower_part;
	PartmanBound upper_part;
	PartmanTemplate tmpl;
	Datum		split;
	Oid			result[2];
	char	   *name;
	PartmanDdlState ddl;

	partman_require_arg(fcinfo, 0, "partition");
	partman_require_arg(fcinfo, 1, "split_at");
	spi_level = partman_spi_connect(false);
	part = open_partition(PG_GETARG_OID(0), &set);
	refuse_subpartitioned(part->relid, "split_partition");
	if (set.key.strategy != PARTITION_STRATEGY_RANGE)
		wrong_strategy(&set, "split_partition", set.key.strategy == PARTITION_STRATEGY_HASH ?
					   "Use partman.split_hash_partition for a HASH partition." : NULL);
	if (part->is_default)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("the default partition \"%s\" cannot be split", get_rel_name(part->relid)),
				 errhint("Create partitions for its rows with partman.create_partition; they are moved there.")));
	split = partman_value_from_text(&set.key, text_to_cstring(PG_GETARG_TEXT_PP(1)), set.zone, "split_at");
	if ((!part->lower_unbounded && partman_compare_keys(&set.key, split, part->lower) <= 0) ||
		(!part->upper_unbounded && partman_compare_keys(&set.key, split, part->upper) >= 0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("split_at must lie strictly inside the range of partition \"%s\"",
						get_rel_name(part->relid)),
				 errdetail("The partition is %s.", partman_bound_clause(&set.key, &(PartmanBound)
																		{.lower = part->lower,.upper = part->upper,
																		 .lower_unbounded = part->lower_unbounded,
																		 .upper_unbounded = part->upper_unbounded}))));

	partman_bound_of(part, &lower_part);
	lower_part.upper = split;
	lower_part.upper_unbounded = false;
	partman_bound_of(part, &upper_part);
	upper_part.lower = split;
	upper_part.lower_unbounded = false;
	name = upper_part.upper_unbounded ?
		partman_range_name(&set.key, partman_value_suffix(&set.key, split, set.zone)) :
		default_name(&set, &upper_part);

	partman_lock_relation(set.key.parent, AccessExclusiveLock);
	partman_lock_relation(part->relid, AccessExclusiveLock);
	lock_default(set.key.parent);
	partman_read_template(&set.key, set.managed ? &set.cfg : NULL, &tmpl);

	partman_begin_ddl(&set.key, &ddl);
	detach(&set.key, part->relid);
	result[0] = part->relid;
	result[1] = partman_create_partition(&set.key, &tmpl, name,
										 partman_bound_clause(&set.key, &upper_part));
	(void) partman_move_rows(set.key.parent, partman_qualified_name(part->relid),
							 partman_qualified_name(result[1]),
							 partman_bound_condition(&set.key, &upper_part));
	attach_proven(&set.key, part->relid, &lower_part);
	partman_end_ddl(&ddl);
	partman_spi_finish(spi_level);
	PG_RETURN_DATUM(oid_array(result, 2));
}

/*
 * partman.merge_partitions(partitions regclass[]) RETURNS regclass
 *		Merge adjacent RANGE partitions, or LIST partitions, into the first
 *		partition given, which keeps its name.  Locks: ACCESS EXCLUSIVE on
 *		the parent and every partition until commit.
 */
Datum
partman_merge_partitions(PG_FUNCTION_ARGS)
{
	int			spi_level;
	PartmanSet	set;
	ArrayType  *arr;
	Datum	   *items;
	bool	   *nulls;
	int			n;
	List	   *parts;
	List	   *chosen = NIL;
	ListCell   *lc;
	PartmanPartition *target = NULL;
	PartmanPartition *prev = NULL;
	PartmanBound merged;
	Oid			parent = InvalidOid;
	Oid			result;
	PartmanDdlState ddl;

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
	for (int i = 0; i < n; i++)
	{
		Oid			relid;
		Oid			this_parent;

		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("partitions must not contain NULL")));
		relid = DatumGetObjectId(items[i]);
		if (!SearchSysCacheExists1(RELOID, ObjectIdGetDatum(relid)) || !get_rel_relispartition(relid))
			ereport(ERROR,
					(errcode(ERRCODE_WRONG_OBJECT_TYPE),
					 errmsg("\"%s\" is not a partition", get_rel_name(relid) ? get_rel_name(relid) : "?")));
		this_parent = get_partition_parent(relid, false);
		if (OidIsValid(parent) && this_parent != parent)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("partitions \"%s\" and \"%s\" belong to different tables",
							get_rel_name(DatumGetObjectId(items[0])), get_rel_name(relid))));
		parent = this_parent;
		refuse_subpartitioned(relid, "merge_partitions");
		for (int j = 0; j < i; j++)
			if (DatumGetObjectId(items[j]) == relid)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("partition \"%s\" is given twice", get_rel_name(relid))));
	}
	partman_open_set(parent, &set);
	if (set.key.strategy == PARTITION_STRATEGY_HASH)
		wrong_strategy(&set, "merge_partitions", "HASH partitions cannot be merged; each holds one remainder.");

	/* the chosen partitions, in bound order */
	parts = partman_list_partitions(parent);
	foreach(lc, parts)
	{
		PartmanPartition *part = lfirst(lc);

		for (int i = 0; i < n; i++)
			if (DatumGetObjectId(items[i]) == part->relid)
			{
				if (part->is_default)
					ereport(ERROR,
							(errcode(ERRCODE_WRONG_OBJECT_TYPE),
							 errmsg("the default partition \"%s\" cannot be merged",
									get_rel_name(part->relid))));
				chosen = lappend(chosen, part);
			}
	}

	memset(&merged, 0, sizeof(merged));
	foreach(lc, chosen)
	{
		PartmanPartition *part = lfirst(lc);
		PartmanBound b;

		partman_bound_of(part, &b);
		if (part->relid == DatumGetObjectId(items[0]))
			target = part;
		if (prev == NULL)
			merged = b;
		else if (set.key.strategy == PARTITION_STRATEGY_RANGE)
		{
			if (prev->upper_unbounded || part->lower_unbounded ||
				partman_compare_keys(&set.key, prev->upper, part->lower) != 0)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("partitions \"%s\" and \"%s\" are not adjacent",
								get_rel_name(prev->relid), get_rel_name(part->relid)),
						 errhint("Merge only neighbouring RANGE partitions; include those in between.")));
			merged.upper = b.upper;
			merged.upper_unbounded = b.upper_unbounded;
		}
		else
		{
			merged.values = list_concat(merged.values, b.values);
			merged.has_null |= b.has_null;
		}
		prev = part;
	}

	partman_lock_relation(parent, AccessExclusiveLock);
	foreach(lc, chosen)
		partman_lock_relation(((PartmanPartition *) lfirst(lc))->relid, AccessExclusiveLock);
	lock_default(parent);

	partman_begin_ddl(&set.key, &ddl);
	foreach(lc, chosen)
		detach(&set.key, ((PartmanPartition *) lfirst(lc))->relid);
	foreach(lc, chosen)
	{
		Oid			relid = ((PartmanPartition *) lfirst(lc))->relid;

		if (relid == target->relid)
			continue;

		(void) partman_copy_rows(parent, partman_qualified_name(relid),
								 partman_qualified_name(target->relid));
		partman_ddl_exec(partman_sql_drop_table(partman_qualified_name(relid), false));
	}
	attach_proven(&set.key, target->relid, &merged);
	partman_end_ddl(&ddl);
	/* target lives in SPI's memory, which SPI_finish frees */
	result = target->relid;
	partman_spi_finish(spi_level);
	PG_RETURN_OID(result);
}

/*
 * partman.split_hash_partition(partition regclass) RETURNS regclass[]
 *		Modulus m, remainder r becomes two partitions with modulus 2m and
 *		remainders r and r + m; every row is routed to one of them.  Locks:
 *		ACCESS EXCLUSIVE on the parent and the partition until commit.
 */
Datum
partman_split_hash_partition(PG_FUNCTION_ARGS)
{
	int			spi_level;
	PartmanSet	set;
	PartmanPartition *part;
	PartmanTemplate tmpl;
	PartmanBound halves[2];
	Oid			result[2];
	char	   *old_name;
	uint64		before;
	uint64		copied;
	PartmanDdlState ddl;

	partman_require_arg(fcinfo, 0, "partition");
	spi_level = partman_spi_connect(false);
	part = open_partition(PG_GETARG_OID(0), &set);
	refuse_subpartitioned(part->relid, "split_hash_partition");
	if (set.key.strategy != PARTITION_STRATEGY_HASH)
		wrong_strategy(&set, "split_hash_partition",
					   set.key.strategy == PARTITION_STRATEGY_RANGE ?
					   "Use partman.split_partition for a RANGE partition." : NULL);
	if (part->modulus * 2 > PARTMAN_MAX_HASH_MODULUS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("modulus %d would exceed the limit of %d", part->modulus * 2,
						PARTMAN_MAX_HASH_MODULUS)));
	for (int i = 0; i < 2; i++)
	{
		memset(&halves[i], 0, sizeof(PartmanBound));
		halves[i].modulus = part->modulus * 2;
		halves[i].remainder = part->remainder + i * part->modulus;
	}

	partman_lock_relation(set.key.parent, AccessExclusiveLock);
	partman_lock_relation(part->relid, AccessExclusiveLock);
	partman_read_template(&set.key, set.managed ? &set.cfg : NULL, &tmpl);
	partman_begin_ddl(&set.key, &ddl);
	/* free the name <parent>_h<r> for the new half */
	old_name = psprintf("partman_split_%u", part->relid);
	partman_ddl_exec(partman_sql_rename("TABLE", partman_qualified_name(part->relid), old_name));
	detach(&set.key, part->relid);
	for (int i = 0; i < 2; i++)
		result[i] = partman_create_partition(&set.key, &tmpl, default_name(&set, &halves[i]),
											 partman_bound_clause(&set.key, &halves[i]));
	before = partman_count_rows(partman_qualified_name(part->relid), NULL);
	copied = partman_copy_rows(set.key.parent, partman_qualified_name(part->relid),
							   partman_qualified_name(set.key.parent));
	if (copied != before)
		elog(ERROR, "copied " UINT64_FORMAT " of " UINT64_FORMAT " rows", copied, before);
	partman_ddl_exec(partman_sql_drop_table(partman_qualified_name(part->relid), false));
	partman_end_ddl(&ddl);
	partman_spi_finish(spi_level);
	PG_RETURN_DATUM(oid_array(result, 2));
}
