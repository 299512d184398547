/*-------------------------------------------------------------------------
 *
 * api.c
 *	  SQL entry points for registering sets and looking at them:
 *	  create_parent, undo_parent, show_partitions, partition_for, and the
 *	  health figures behind the partman.sets view.
 *
 * Each entry point checks its arguments (NULL included) before it changes
 * anything, and checks that the caller has the parent owner's privileges
 * before it changes anything.
 *
 *-------------------------------------------------------------------------
 */
#include "partman.h"

#include "utils/jsonb.h"

#include "access/htup_details.h"
#include "access/relation.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "partitioning/partdesc.h"
#include "pgstat.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/partcache.h"
#include "utils/syscache.h"
#include "utils/uuid.h"

#include "sql_api.h"

PG_FUNCTION_INFO_V1(partman_create_parent);
PG_FUNCTION_INFO_V1(partman_undo_parent);
PG_FUNCTION_INFO_V1(partman_show_partitions);
PG_FUNCTION_INFO_V1(partman_partition_for);
PG_FUNCTION_INFO_V1(partman_set_health_sql);
PG_FUNCTION_INFO_V1(partman_uuid7_floor_sql);
PG_FUNCTION_INFO_V1(partman_check_default);
PG_FUNCTION_INFO_V1(partman_uuid_smaller);
PG_FUNCTION_INFO_V1(partman_uuid_larger);

static char *
text_arg_or_null(FunctionCallInfo fcinfo, int argno)
{
	return PG_ARGISNULL(argno) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(argno));
}

/*
 * The names in servers, each checked (partman_remote_server) for a set of
 * key: HASH and RANGE sets are placed on servers (a LIST partition is
 * placed one by one, with create_partition).
 */
static List *
server_list(const PartmanKey *key, ArrayType *servers)
{
	Datum	   *names;
	bool	   *nulls;
	int			n;
	List	   *result = NIL;

	if (key->strategy == PARTITION_STRATEGY_LIST)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("servers applies only to HASH and RANGE sets, and table \"%s\" is partitioned by %s",
						key->relname, partman_strategy_keyword(key->strategy)),
				 errhint("Place single partitions with partman.create_partition(..., server => ...).")));
	deconstruct_array(servers, NAMEOID, NAMEDATALEN, false, TYPALIGN_CHAR, &names, &nulls, &n);
	if (n == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("servers must name at least one server")));
	for (int i = 0; i < n; i++)
	{
		char	   *name;

		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("servers cannot contain NULL")));
		name = pstrdup(NameStr(*DatumGetName(names[i])));
		(void) partman_remote_server(name, key->owner);
		result = lappend(result, name);
	}
	return result;
}

/*
 * partman.create_parent(parent regclass, "interval" text, premake int,
 *		start_partition text, default_partition bool, retention text,
 *		retention_action text, retention_schema name, modulus int,
 *		list_values jsonb, time_zone text, sub_key text, sub_list_values
 *		jsonb, sub_modulus int, epoch text, servers name[],
 *		retention_server name) RETURNS int
 *
 * Registers parent and creates its partitions (see partman_create_set),
 * after checking that the arguments fit the parent's strategy.  With
 * sub_key, every RANGE partition is itself partitioned by LIST
 * (sub_list_values) or HASH (sub_modulus) on that column.  With epoch
 * ('seconds' or 'milliseconds'), an integer key holds Unix epoch time and
 * is partitioned by time.  With servers, HASH partition r is a foreign
 * table on servers[r % n], and the RANGE partition of grid cell k on
 * servers[k mod n] (partman_cell_server).  retention_server: where retention_action
 * 'move' moves expired partitions.  Returns the number of partitions
 * created at the top level.
 */
Datum
partman_create_parent(PG_FUNCTION_ARGS)
{
	int			spi_level;
	PartmanKey	key;
	PartmanConfig cfg;
	int			created;
	char	   *start;

	partman_require_arg(fcinfo, 0, "parent");
	partman_require_arg(fcinfo, 2, "premake");
	partman_require_arg(fcinfo, 4, "default_partition");
	partman_require_arg(fcinfo, 6, "retention_action");
	partman_require_arg(fcinfo, 10, "time_zone");

	partman_read_key(PG_GETARG_OID(0), &key);
	partman_check_owner(key.parent);

	if (key.strategy != PARTITION_STRATEGY_HASH && !PG_ARGISNULL(8))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("modulus applies only to HASH sets, and table \"%s\" is partitioned by %s",
						key.relname, partman_strategy_keyword(key.strategy))));
	if (key.strategy != PARTITION_STRATEGY_LIST && !PG_ARGISNULL(9))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("list_values applies only to LIST sets, and table \"%s\" is partitioned by %s",
						key.relname, partman_strategy_keyword(key.strategy))));
	if (key.strategy != PARTITION_STRATEGY_RANGE && !PG_ARGISNULL(3))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("start_partition applies only to RANGE sets, and table \"%s\" is partitioned by %s",
						key.relname, partman_strategy_keyword(key.strategy))));
	if (key.strategy == PARTITION_STRATEGY_HASH && PG_ARGISNULL(8))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("a HASH set needs a modulus"),
				 errhint("Pass modulus => N to create the N partitions of table \"%s\".", key.relname)));
	if (key.strategy == PARTITION_STRATEGY_LIST && PG_ARGISNULL(9))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("a LIST set needs list_values"),
				 errhint("Pass list_values => '{\"americas\": [\"US\", \"CA\"], \"europe\": [\"DE\"]}'.")));

	memset(&cfg, 0, sizeof(cfg));
	cfg.parent = key.parent;
	cfg.strategy = unconstify(char *, partman_strategy_name(key.strategy));
	cfg.key = key.attname;
	cfg.interval = text_arg_or_null(fcinfo, 1);
	cfg.premake = PG_GETARG_INT32(2);
	/* PostgreSQL allows no default partition in a HASH set */
	cfg.default_partition = PG_GETARG_BOOL(4) && key.strategy != PARTITION_STRATEGY_HASH;
	cfg.retention = text_arg_or_null(fcinfo, 5);
	cfg.retention_action = text_arg_or_null(fcinfo, 6);
	cfg.retention_schema = PG_ARGISNULL(7) ? NULL : pstrdup(NameStr(*PG_GETARG_NAME(7)));
	cfg.time_zone = text_arg_or_null(fcinfo, 10);
	cfg.epoch = text_arg_or_null(fcinfo, 14);
	cfg.require_filter = "off";
	start = text_arg_or_null(fcinfo, 3);
	cfg.sub_key = text_arg_or_null(fcinfo, 11);
	if (!PG_ARGISNULL(12))
		cfg.sub_list_values = DatumGetCString(DirectFunctionCall1(jsonb_out, PG_GETARG_DATUM(12)));
	cfg.has_sub_modulus = !PG_ARGISNULL(13);
	cfg.sub_modulus = PG_ARGISNULL(13) ? 0 : PG_GETARG_INT32(13);
	/* the sub-strategy follows from which of the two is given */
	if (cfg.sub_list_values != NULL && cfg.has_sub_modulus)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("sub_list_values and sub_modulus cannot both be given"),
				 errdetail("Sub-partitions are either LIST partitions (sub_list_values) or HASH partitions (sub_modulus).")));
	if (cfg.sub_list_values != NULL)
		cfg.sub_strategy = "list";
	else if (cfg.has_sub_modulus)
		cfg.sub_strategy = "hash";
	if (cfg.sub_strategy != NULL && cfg.sub_key == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s needs a sub_key", cfg.has_sub_modulus ? "sub_modulus" : "sub_list_values"),
				 errhint("Pass sub_key => 'column' to sub-partition every partition of table \"%s\" by that column.",
						 key.relname)));

	if (!PG_ARGISNULL(15))
		cfg.servers = server_list(&key, PG_GETARG_ARRAYTYPE_P(15));
	if (PG_NARGS() > 16 && !PG_ARGISNULL(16))
		cfg.retention_server = pstrdup(NameStr(*PG_GETARG_NAME(16)));

	spi_level = partman_spi_connect(false);
	created = partman_create_set(&key, &cfg, start,
								 PG_ARGISNULL(8) ? 0 : PG_GETARG_INT32(8),
								 PG_ARGISNULL(9) ? (Datum) 0 : PG_GETARG_DATUM(9));
	partman_spi_finish(spi_level);
	PG_RETURN_INT32(created);
}

/*
 * partman.undo_parent(parent regclass) RETURNS void
 *		Stop managing parent; its partitions stay as they are.
 */
Datum
partman_undo_parent(PG_FUNCTION_ARGS)
{
	int			spi_level;
	Oid			parent;

	partman_require_arg(fcinfo, 0, "parent");
	parent = PG_GETARG_OID(0);
	if (!SearchSysCacheExists1(RELOID, ObjectIdGetDatum(parent)))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation with OID %u does not exist", parent)));
	partman_check_owner(parent);
	spi_level = partman_spi_connect(false);
	if (!partman_config_exists(parent))
		partman_not_managed(parent);
	partman_config_delete(parent);
	partman_spi_finish(spi_level);
	PG_RETURN_VOID();
}

/* pg_get_expr() of a partition's bound, e.g. FOR VALUES FROM (...) TO (...) */
static Datum
bound_expression(Oid relid)
{
	HeapTuple	tuple = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	Datum		bound;
	bool		isnull;
	Datum		result;

	if (!HeapTupleIsValid(tuple))
		elog(ERROR, "cache lookup failed for relation %u", relid);
	bound = SysCacheGetAttr(RELOID, tuple, Anum_pg_class_relpartbound, &isnull);
	result = DirectFunctionCall2(pg_get_expr, bound, ObjectIdGetDatum(relid));
	ReleaseSysCache(tuple);
	return result;
}

static Datum
list_values_array(Oid typid, List *consts)
{
	int			n = list_length(consts);
	Datum	   *elems = palloc(sizeof(Datum) * (n + 1));
	bool	   *nulls = palloc(sizeof(bool) * (n + 1));
	int			dims[1] = {n};
	int			lbs[1] = {1};
	int			i = 0;
	ListCell   *lc;

	foreach(lc, consts)
	{
		Const	   *c = lfirst_node(Const, lc);

		nulls[i] = c->constisnull;
		elems[i] = c->constisnull ? (Datum) 0 :
			CStringGetTextDatum(partman_value_to_text(typid, c->constvalue));
		i++;
	}
	return PointerGetDatum(construct_md_array(elems, nulls, 1, dims, lbs,
											  TEXTOID, -1, false, TYPALIGN_INT));
}

/* The strategy and key type of partitioned table relid (locked by the caller). */
static void
level_key(Oid relid, char *strategy, Oid *typid)
{
	Relation	rel = relation_open(relid, NoLock);
	PartitionKey pkey = RelationGetPartitionKey(rel);

	*strategy = pkey->strategy;
	*typid = pkey->parttypid[0];
	relation_close(rel, NoLock);
}

/*
 * One row per partition of parent (at level) in bound order, the default
 * last; a partition that is itself partitioned is followed by its own
 * partitions, one level down.
 */
static void
show_level(FunctionCallInfo fcinfo, Oid parent, int level)
{
	List	   *parts = partman_list_partitions(parent);
	char		strategy;
	Oid			typid;
	ListCell   *lc;

	level_key(parent, &strategy, &typid);
	foreach(lc, parts)
	{
		PartmanPartition *part = lfirst(lc);
		PartmanRow	row = {0};
		char	   *server = partman_partition_server(part->relid);
		double		reltuples = partman_class_reltuples(part->relid);
		bool		range = !part->is_default && strategy == PARTITION_STRATEGY_RANGE;
		bool		list = !part->is_default && strategy == PARTITION_STRATEGY_LIST;
		bool		hash = !part->is_default && strategy == PARTITION_STRATEGY_HASH;

		partman_row_add(&row, ObjectIdGetDatum(part->relid));
		partman_row_add(&row, bound_expression(part->relid));
		partman_row_add_text(&row, !range ? NULL : part->lower_unbounded ? "MINVALUE" :
							 partman_value_to_text(typid, part->lower));
		partman_row_add_text(&row, !range ? NULL : part->upper_unbounded ? "MAXVALUE" :
							 partman_value_to_text(typid, part->upper));
		partman_row_add_if(&row, list, list ? list_values_array(typid, part->list_values) : (Datum) 0);
		partman_row_add_if(&row, hash, Int32GetDatum(part->modulus));
		partman_row_add_if(&row, hash, Int32GetDatum(part->remainder));
		partman_row_add(&row, BoolGetDatum(part->is_default));
		partman_row_add_if(&row, reltuples >= 0, Int64GetDatum((int64) reltuples));
		partman_row_add(&row, DirectFunctionCall1(pg_total_relation_size,
												  ObjectIdGetDatum(part->relid)));
		partman_row_add(&row, Int32GetDatum(level));
		partman_row_add(&row, ObjectIdGetDatum(parent));
		partman_row_add_if(&row, server != NULL,
						   server ? DirectFunctionCall1(namein, CStringGetDatum(server)) : (Datum) 0);
		partman_row_put(fcinfo, &row);

		if (get_rel_relkind(part->relid) == RELKIND_PARTITIONED_TABLE)
		{
			partman_lock_relation(part->relid, AccessShareLock);
			show_level(fcinfo, part->relid, level + 1);
		}
	}
}

/*
 * partman.show_partitions(parent regclass) RETURNS TABLE(partition regclass,
 *		bound text, range_from text, range_to text, list_values text[],
 *		modulus int, remainder int, is_default bool, est_rows bigint,
 *		total_bytes bigint, level int, parent_partition regclass, server name)
 *		One row per partition in bound order, the default partition last.
 *		Partitions of parent are level 1; the sub-partitions of a partition
 *		(a composite set's) follow it as level 2, with that partition as
 *		parent_partition.  server is the foreign server of a partition on
 *		another server, NULL for a local one.
 */
Datum
partman_show_partitions(PG_FUNCTION_ARGS)
{
	PartmanKey	key;

	partman_require_arg(fcinfo, 0, "parent");
	partman_read_key(PG_GETARG_OID(0), &key);
	InitMaterializedSRF(fcinfo, 0);
	show_level(fcinfo, key.parent, 1);
	return (Datum) 0;
}

/*
 * partman.partition_for(parent regclass, value text) RETURNS regclass
 *		The partition a row with this key value goes to (NULL if none), found
 *		as the executor routes rows.  value is read with the session's
 *		settings, like any literal.
 */
/* The grid of a managed RANGE set by time, in *grid; false for other tables. */
static bool
time_grid_of(const PartmanKey *key, RangeGrid *grid)
{
	PartmanConfig cfg;
	int			spi_level;
	bool		found = false;

	if (key->strategy != PARTITION_STRATEGY_RANGE || key->typid == TIMESTAMPTZOID ||
		key->typid == TIMESTAMPOID || key->typid == DATEOID)
		return false;
	spi_level = partman_spi_connect(false);
	if (partman_config_read(key->parent, &cfg) && cfg.interval != NULL)
	{
		partman_parse_grid(key, cfg.interval, cfg.time_zone, cfg.epoch, grid);
		found = true;
	}
	partman_spi_finish(spi_level);
	return found;
}

Datum
partman_partition_for(PG_FUNCTION_ARGS)
{
	PartmanKey	key;
	Datum		value = (Datum) 0;
	Oid			result;

	partman_require_arg(fcinfo, 0, "parent");
	partman_read_key(PG_GETARG_OID(0), &key);
	if (!PG_ARGISNULL(1))
	{
		char	   *input = text_to_cstring(PG_GETARG_TEXT_PP(1));
		RangeGrid	grid;
		Oid			infunc;
		Oid			ioparam;

		/* a set by time on a uuid or epoch key takes a time too */
		if (time_grid_of(&key, &grid) && partman_written_as_time(&grid, input))
			value = partman_grid_value_from_text(&key, &grid, input, grid.tz, "value");
		else
		{
			getTypeInputInfo(key.typid, &infunc, &ioparam);
			value = OidInputFunctionCall(infunc, input, ioparam, key.typmod);
		}
	}
	result = partman_route_value(key.parent, value, PG_ARGISNULL(1));
	if (!OidIsValid(result))
		PG_RETURN_NULL();
	PG_RETURN_OID(result);
}

/*
 * partman.set_health(parent regclass, OUT partitions int, OUT oldest_bound
 *		text, OUT newest_bound text, OUT future_partitions int,
 *		OUT default_rows bigint, OUT sub_partitions int,
 *		OUT missing_sub_partitions int)
 *		The figures behind partman.sets.  future_partitions counts RANGE
 *		partitions after the current cell (NULL when the caller may not read
 *		the table of an integer set); default_rows is summed over the
 *		default partition and, in a composite set, the default
 *		sub-partitions: counted when they are small (see health.c), else an
 *		estimate from statistics (the larger of reltuples and live tuples);
 *		default_rows_exact tells which, and default_rows_as_of when the
 *		statistics of an estimate last counted the rows.  sub_partitions counts the sub-partitions of
 *		the partitions (NULL when none is partitioned), other than default
 *		ones; missing_sub_partitions the LIST sub-partitions sub_list_values
 *		names and partitions lack (NULL for other sets).  gaps counts the
 *		ranges between RANGE partitions that no partition covers (NULL for
 *		other sets), and gap_from and gap_to give the bounds of the first
 *		HEALTH_MAX_GAPS of them (gaps that end at or before the retention
 *		threshold are left out); has_default whether the parent has a
 *		default partition.
 */
/* The bounds of gaps as a text[] of the key type's output. */
static Datum
bounds_array(Oid typid, const Datum *bounds, int n)
{
	Datum	   *items = palloc(sizeof(Datum) * Max(n, 1));

	for (int i = 0; i < n; i++)
		items[i] = CStringGetTextDatum(partman_value_to_text(typid, bounds[i]));
	return PointerGetDatum(construct_array(items, n, TEXTOID, -1, false, TYPALIGN_INT));
}

Datum
partman_set_health_sql(PG_FUNCTION_ARGS)
{
	PartmanHealth health;
	PartmanRow	row = {0};
	bool		gaps;

	partman_require_arg(fcinfo, 0, "parent");
	partman_set_health(PG_GETARG_OID(0), &health);

	partman_row_add(&row, Int32GetDatum(health.partitions));
	partman_row_add_text(&row, health.oldest_bound);
	partman_row_add_text(&row, health.newest_bound);
	/* counts that do not apply to the set are -1, shown as NULL */
	partman_row_add_if(&row, health.future_partitions >= 0, Int32GetDatum(health.future_partitions));
	partman_row_add_if(&row, health.has_default_rows, Int64GetDatum(health.default_rows));
	partman_row_add_if(&row, health.sub_partitions >= 0, Int32GetDatum(health.sub_partitions));
	partman_row_add_if(&row, health.missing_sub_partitions >= 0,
					   Int32GetDatum(health.missing_sub_partitions));
	gaps = health.gaps >= 0;
	partman_row_add_if(&row, gaps, Int32GetDatum(health.gaps));
	partman_row_add_if(&row, gaps, gaps ? bounds_array(health.typid, health.gap_from, health.listed_gaps) : 0);
	partman_row_add_if(&row, gaps, gaps ? bounds_array(health.typid, health.gap_to, health.listed_gaps) : 0);
	partman_row_add(&row, BoolGetDatum(health.has_default));
	partman_row_add_if(&row, health.has_default_rows, BoolGetDatum(health.default_rows_exact));
	partman_row_add_if(&row, health.has_default_rows_as_of,
					   TimestampTzGetDatum(health.default_rows_as_of));
	PG_RETURN_DATUM(partman_row_datum(fcinfo, &row));
}

/* Rows of a default partition: counted, or estimated from statistics. */
static int64
default_rows(Oid deflt, bool exact)
{
	if (exact)
		return (int64) partman_count_rows(partman_qualified_name(deflt), NULL);
	return partman_estimated_rows(deflt);
}

/* One row of check_default. */
static void
put_default_rows(FunctionCallInfo fcinfo, Oid parent, Oid deflt, int64 rows)
{
	PartmanRow	row = {0};

	partman_row_add(&row, ObjectIdGetDatum(parent));
	partman_row_add(&row, ObjectIdGetDatum(deflt));
	partman_row_add(&row, Int64GetDatum(rows));
	partman_row_put(fcinfo, &row);
}

/*
 * partman.check_default(parent regclass DEFAULT NULL, exact bool DEFAULT
 *		false) RETURNS TABLE(parent regclass, default_partition regclass,
 *		rows bigint)
 *		Rows waiting in the default partition of every managed set (or of
 *		parent, managed or not): an estimate from statistics, or with exact
 *		a count, which reads the default partitions with the caller's rights.
 *		The default sub-partitions of a composite set follow, those that
 *		hold rows.
 */
Datum
partman_check_default(PG_FUNCTION_ARGS)
{
	int			spi_level;
	List	   *parents = NIL;
	ListCell   *lc;
	bool		exact;

	partman_require_arg(fcinfo, 1, "exact");
	exact = PG_GETARG_BOOL(1);
	InitMaterializedSRF(fcinfo, 0);
	spi_level = partman_spi_connect(false);
	if (!PG_ARGISNULL(0))
		parents = list_make1_oid(PG_GETARG_OID(0));
	else
		parents = partman_config_parents();

	foreach(lc, parents)
	{
		PartmanKey	key;
		Oid			deflt;
		ListCell   *pc;

		partman_read_key(lfirst_oid(lc), &key);
		deflt = partman_default_partition(key.parent);
		/* all sets: a count skips those the caller may not read */
		if (exact && PG_ARGISNULL(0) && OidIsValid(deflt) &&
			pg_class_aclcheck(deflt, GetUserId(), ACL_SELECT) != ACLCHECK_OK)
			continue;
		if (OidIsValid(deflt))
			put_default_rows(fcinfo, key.parent, deflt, default_rows(deflt, exact));

		/* a composite set's default sub-partitions, when they hold rows */
		foreach(pc, partman_list_partitions(key.parent))
		{
			PartmanPartition *part = lfirst(pc);
			Oid			subdeflt;
			int64		rows;

			if (part->is_default || get_rel_relkind(part->relid) != RELKIND_PARTITIONED_TABLE)
				continue;
			partman_lock_relation(part->relid, AccessShareLock);
			subdeflt = partman_default_partition(part->relid);
			if (!OidIsValid(subdeflt) || (rows = default_rows(subdeflt, exact)) == 0)
				continue;
			put_default_rows(fcinfo, key.parent, subdeflt, rows);
		}
	}
	partman_spi_finish(spi_level);
	return (Datum) 0;
}

/*
 * partman.uuid7_floor(ts timestamptz) RETURNS uuid
 *		The smallest UUIDv7 of ts's millisecond: id >= uuid7_floor(t) selects
 *		the UUIDv7 keys of t and later, and prunes a UUIDv7 set's partitions.
 */
Datum
partman_uuid7_floor_sql(PG_FUNCTION_ARGS)
{
	return partman_uuid7_floor(PG_GETARG_TIMESTAMPTZ(0));
}

/*
 * partman._uuid_smaller(uuid, uuid), partman._uuid_larger(uuid, uuid)
 *		The transition functions of partman.uuid_min and uuid_max, which
 *		the key-range queries of UUIDv7 sets use (PostgreSQL 15 has no
 *		min(uuid)).  uuid sorts by its bytes.
 */
Datum
partman_uuid_smaller(PG_FUNCTION_ARGS)
{
	pg_uuid_t  *a = PG_GETARG_UUID_P(0);
	pg_uuid_t  *b = PG_GETARG_UUID_P(1);

	PG_RETURN_UUID_P(memcmp(a->data, b->data, UUID_LEN) <= 0 ? a : b);
}

Datum
partman_uuid_larger(PG_FUNCTION_ARGS)
{
	pg_uuid_t  *a = PG_GETARG_UUID_P(0);
	pg_uuid_t  *b = PG_GETARG_UUID_P(1);

	PG_RETURN_UUID_P(memcmp(a->data, b->data, UUID_LEN) >= 0 ? a : b);
}
