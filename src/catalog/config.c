/*-------------------------------------------------------------------------
 *
 * config.c
 *	  The partman.part_config catalog: reading and writing rows, the one
 *	  validation every row passes (whether written by create_parent,
 *	  set_config or a plain UPDATE), the guard trigger and the event
 *	  trigger that forgets dropped sets.
 *
 * Privileges: everyone may read part_config; PUBLIC may UPDATE only the
 * settings columns, and the guard trigger lets only the parent's owner (or
 * a member of the owner role) change a row.  Rows are added and removed,
 * and maintenance's outcome recorded, only by partman's functions, which
 * check the caller's ownership themselves and then write as the catalog's
 * owner (partman_catalog_write), as for partman.maintenance_log.
 * Callers are connected to SPI.
 *
 *-------------------------------------------------------------------------
 */
#include "partman.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/reloptions.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "commands/defrem.h"
#include "commands/event_trigger.h"
#include "miscadmin.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "foreign/foreign.h"
#include "lib/stringinfo.h"
#include "nodes/makefuncs.h"
#include "parser/parse_relation.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/rel.h"
#include "utils/formatting.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"
#include "utils/array.h"
#include "utils/datum.h"
#include "utils/memutils.h"

PG_FUNCTION_INFO_V1(partman_config_guard);
PG_FUNCTION_INFO_V1(partman_forget_dropped);

const char *
partman_strategy_name(char strategy)
{
	switch (strategy)
	{
		case PARTITION_STRATEGY_RANGE:
			return "range";
		case PARTITION_STRATEGY_LIST:
			return "list";
		case PARTITION_STRATEGY_HASH:
			return "hash";
	}
	return "unknown";
}

/* RANGE, LIST or HASH, as in PARTITION BY */
const char *
partman_strategy_keyword(char strategy)
{
	switch (strategy)
	{
		case PARTITION_STRATEGY_RANGE:
			return "RANGE";
		case PARTITION_STRATEGY_LIST:
			return "LIST";
		case PARTITION_STRATEGY_HASH:
			return "HASH";
	}
	return "unknown";
}

/*
 * partman_catalog_write
 *		Run one statement that writes partman's table relname, as that
 *		table's owner (the extension's owner), and check that SPI returned
 *		expected: partman writes the catalog rows PUBLIC may not write with
 *		the catalog's own rights, after it checked the caller's.
 */
void
partman_catalog_write(const char *relname, const char *sql, int nargs, Oid *argtypes,
					  Datum *values, const char *nulls, int expected)
{
	Oid			relid = get_relname_relid(relname, get_namespace_oid("partman", false));
	Oid			save_userid;
	int			save_sec_context;
	int			rc;

	if (!OidIsValid(relid))
		elog(ERROR, "partman.%s does not exist", relname);
	GetUserIdAndSecContext(&save_userid, &save_sec_context);
	SetUserIdAndSecContext(partman_class_owner(relid),
						   save_sec_context | SECURITY_LOCAL_USERID_CHANGE);
	rc = SPI_execute_with_args(sql, nargs, argtypes, values, nulls, false, 0);
	SetUserIdAndSecContext(save_userid, save_sec_context);
	if (rc != expected)
		elog(ERROR, "could not write partman.%s: %s", relname, SPI_result_code_string(rc));
}

/*
 * partman_catalog_delete
 *		Run sql, a DELETE from partman.relname with one parameter (arg, of
 *		type argtype), as partman_catalog_write does.
 */
void
partman_catalog_delete(const char *relname, const char *sql, Oid argtype, Datum arg)
{
	partman_catalog_write(relname, sql, 1, &argtype, &arg, NULL, SPI_OK_DELETE);
}

/* partman_args_add_if: the next parameter, of type, value or NULL when not present */
void
partman_args_add_if(PartmanArgs *args, Oid type, bool present, Datum value)
{
	if (args->n >= PARTMAN_MAX_ARGS)
		elog(ERROR, "a catalog write has more than %d parameters", PARTMAN_MAX_ARGS);
	args->types[args->n] = type;
	args->values[args->n] = present ? value : (Datum) 0;
	args->nulls[args->n] = present ? ' ' : 'n';
	args->n++;
}

void
partman_args_add(PartmanArgs *args, Oid type, Datum value)
{
	partman_args_add_if(args, type, true, value);
}

/* partman_args_text: str as text, or NULL */
void
partman_args_text(PartmanArgs *args, const char *str)
{
	partman_args_add_if(args, TEXTOID, str != NULL, str ? CStringGetTextDatum(str) : (Datum) 0);
}

/* partman_args_name: str as name, or NULL */
void
partman_args_name(PartmanArgs *args, const char *str)
{
	partman_args_add_if(args, NAMEOID, str != NULL,
						str ? DirectFunctionCall1(namein, CStringGetDatum(str)) : (Datum) 0);
}

/* partman_catalog_write_args: partman_catalog_write with args as its parameters */
void
partman_catalog_write_args(const char *relname, const char *sql, PartmanArgs *args, int expected)
{
	partman_catalog_write(relname, sql, args->n, args->types, args->values, args->nulls, expected);
}

/* Argument i of a catalog write: str as text, or NULL. */
void
partman_arg_text(Datum *values, char *nulls, int i, const char *str)
{
	nulls[i] = str ? ' ' : 'n';
	if (str)
		values[i] = CStringGetTextDatum(str);
}

/* Argument i of a catalog write: str as name, or NULL. */
void
partman_arg_name(Datum *values, char *nulls, int i, const char *str)
{
	nulls[i] = str ? ' ' : 'n';
	if (str)
		values[i] = DirectFunctionCall1(namein, CStringGetDatum(str));
}

static void check_setting_applies(const PartmanKey *key, const char *name);

static void
invalid_setting(const char *setting, const char *value, const char *hint)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid value for %s: \"%s\"", setting, value ? value : "NULL"),
			 hint ? errhint("%s", hint) : 0));
}

/* A copy of s without leading and trailing blanks. */
static char *
trim_blanks(const char *s)
{
	size_t		len;

	while (*s == ' ' || *s == '\t')
		s++;
	len = strlen(s);
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	return pnstrdup(s, len);
}

/*
 * partman_parse_storage
 *		Parse "name=value, ..." storage parameters and validate them as a
 *		heap's reloptions.  Returns them as a List of DefElem (names in lower
 *		case), NIL when there are none.
 */
List *
partman_parse_storage(const char *text)
{
	List	   *defs = NIL;
	char	   *copy = pstrdup(text);
	char	   *item;
	char	   *save = NULL;

	for (item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save))
	{
		char	   *eq = strchr(item, '=');
		char	   *name;
		char	   *value;

		if (eq == NULL)
			invalid_setting("storage_parameters", text,
							"Write storage parameters as name=value pairs separated by commas, for example 'fillfactor=90, autovacuum_enabled=off'.");
		*eq = '\0';
		name = trim_blanks(item);
		name = asc_tolower(name, strlen(name));
		value = trim_blanks(eq + 1);
		if (*name == '\0' || *value == '\0')
			invalid_setting("storage_parameters", text,
							"Write storage parameters as name=value pairs separated by commas.");
		defs = lappend(defs, makeDefElem(name, (Node *) makeString(value), -1));
	}
	if (defs == NIL)
		return NIL;

	/* PostgreSQL's own validation of heap storage parameters */
	(void) heap_reloptions(RELKIND_RELATION,
						   transformRelOptions((Datum) 0, defs, NULL, NULL, false, false),
						   true);
	return defs;
}

/*
 * Positive retention: an interval for sets by time (time keys, and keys
 * holding epoch time or UUIDv7 values), an integer for integer keys.
 */
static void
validate_retention(const PartmanKey *key, const char *epoch, const char *retention)
{
	if (key->typid == TIMESTAMPTZOID || key->typid == TIMESTAMPOID ||
		key->typid == DATEOID || key->typid == UUIDOID || epoch != NULL)
	{
		Interval   *iv = DatumGetIntervalP(DirectFunctionCall3(interval_in,
															   CStringGetDatum(retention),
															   ObjectIdGetDatum(InvalidOid),
															   Int32GetDatum(-1)));

		if (iv->month < 0 || iv->day < 0 || iv->time < 0 ||
			(iv->month == 0 && iv->day == 0 && iv->time == 0))
			invalid_setting("retention", retention,
							"Retention is a positive interval such as '90 days'.");
	}
	else
	{
		char	   *end;
		int64		value;

		errno = 0;
		value = strtoi64(retention, &end, 10);
		if (errno != 0 || *end != '\0' || value <= 0)
			invalid_setting("retention", retention,
							"For an integer key, retention is a positive number of key values, such as '1000000'.");
	}
}

/*
 * Composite sets: sub_strategy 'list' with sub_list_values, or 'hash' with
 * sub_modulus, on a column sub_key of a RANGE set other than its key.
 */
static void
validate_sub(const PartmanConfig *cfg, const PartmanKey *key)
{
	int			spi_level;
	char		strategy;
	PartmanKey	sub;

	if (key->strategy != PARTITION_STRATEGY_RANGE)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("sub-partitioning applies only to RANGE sets, and table \"%s\" is partitioned by %s",
						key->relname, partman_strategy_keyword(key->strategy)),
				 errhint("Sub-partition the partitions of a table declared with PARTITION BY RANGE.")));
	if (cfg->sub_key == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("sub-partitioning of table \"%s\" needs a sub_key", key->relname),
				 errhint("Pass sub_key => 'column' with sub_list_values or sub_modulus.")));
	if (cfg->sub_strategy == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("sub_key of table \"%s\" needs sub_list_values or sub_modulus",
						key->relname),
				 errhint("Pass sub_list_values for LIST sub-partitions or sub_modulus for HASH sub-partitions.")));
	strategy = partman_sub_strategy_code(cfg->sub_strategy);
	if (strategy == 0)
		invalid_setting("sub_strategy", cfg->sub_strategy, "Use 'list' or 'hash'.");
	partman_sub_key(key, cfg->sub_key, strategy, &sub);

	if (cfg->sub_list_values != NULL && cfg->has_sub_modulus)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("sub_list_values and sub_modulus cannot both be given"),
				 errdetail("Sub-partitions are either LIST partitions (sub_list_values) or HASH partitions (sub_modulus).")));
	if (strategy == PARTITION_STRATEGY_LIST)
	{
		if (cfg->sub_list_values == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("LIST sub-partitioning needs sub_list_values"),
					 errhint("Pass sub_list_values => '{\"click\": [\"click\"], \"other\": [\"pageview\", \"signup\"]}'.")));
		/* the same reading create_parent and maintenance do */
		spi_level = partman_spi_connect(false);
		(void) partman_parse_list_values(&sub,
										 DirectFunctionCall1(jsonb_in,
															 CStringGetDatum(cfg->sub_list_values)),
										 "sub_list_values");
		partman_spi_finish(spi_level);
	}
	else
	{
		if (!cfg->has_sub_modulus)
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("HASH sub-partitioning needs sub_modulus")));
		if (cfg->sub_modulus <= 0 || cfg->sub_modulus > PARTMAN_MAX_HASH_MODULUS)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("sub_modulus must be between 1 and %d, not %d",
							PARTMAN_MAX_HASH_MODULUS, cfg->sub_modulus)));
	}
}

/*
 * partman_validate_config
 *		Check a part_config row against its table; ERROR on the first
 *		problem.  This is the only place settings are validated.
 */
void
partman_validate_config(const PartmanConfig *cfg, const PartmanKey *key)
{
	const char *strategy = partman_strategy_name(key->strategy);

	if (cfg->strategy == NULL || strcmp(cfg->strategy, strategy) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("strategy \"%s\" does not match table \"%s\", which is partitioned by %s",
						cfg->strategy ? cfg->strategy : "NULL", key->relname,
						partman_strategy_keyword(key->strategy))));
	if (cfg->key == NULL || strcmp(cfg->key, key->attname) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("key \"%s\" does not match the partition key column \"%s\" of table \"%s\"",
						cfg->key ? cfg->key : "NULL", key->attname, key->relname)));

	(void) partman_lookup_zone(cfg->time_zone);
	if (key->strategy == PARTITION_STRATEGY_RANGE)
	{
		RangeGrid	grid;

		partman_parse_grid(key, cfg->interval, cfg->time_zone, cfg->epoch, &grid);
	}
	else if (cfg->interval != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("interval applies only to RANGE sets, and table \"%s\" is partitioned by %s",
						key->relname, partman_strategy_keyword(key->strategy))));
	else if (cfg->epoch != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("epoch applies only to RANGE sets, and table \"%s\" is partitioned by %s",
						key->relname, partman_strategy_keyword(key->strategy))));

	/* maintenance keeps a default partition when this is on */
	if (cfg->default_partition && key->strategy == PARTITION_STRATEGY_HASH)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("default_partition applies only to RANGE and LIST sets, and table \"%s\" is partitioned by HASH",
						key->relname),
				 errdetail("PostgreSQL allows no default partition in a table partitioned by HASH.")));
	if (cfg->premake < 0 || cfg->premake > PARTMAN_MAX_PREMAKE)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("premake must be between 0 and %d, not %d",
						PARTMAN_MAX_PREMAKE, cfg->premake)));

	if (cfg->retention != NULL)
	{
		if (key->strategy != PARTITION_STRATEGY_RANGE)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("retention applies only to RANGE sets, and table \"%s\" is partitioned by %s",
							key->relname, partman_strategy_keyword(key->strategy))));
		validate_retention(key, cfg->epoch, cfg->retention);
	}
	if (cfg->retention_action == NULL ||
		(strcmp(cfg->retention_action, "drop") != 0 &&
		 strcmp(cfg->retention_action, "detach") != 0 &&
		 strcmp(cfg->retention_action, "archive") != 0 &&
		 strcmp(cfg->retention_action, "move") != 0))
		invalid_setting("retention_action", cfg->retention_action,
						"Use 'drop', 'detach', 'archive' or 'move'.");
	/* set before 'move' with set_config, so allowed with any action */
	if (cfg->retention_server != NULL)
	{
		ForeignServer *server = GetForeignServerByName(cfg->retention_server, false);

		if (strcmp(GetForeignDataWrapper(server->fdwid)->fdwname, "postgres_fdw") != 0)
			ereport(ERROR,
					(errcode(ERRCODE_WRONG_OBJECT_TYPE),
					 errmsg("server \"%s\" is not a postgres_fdw server", cfg->retention_server)));
	}
	if (strcmp(cfg->retention_action, "move") == 0)
	{
		if (cfg->retention_server == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("retention_action 'move' needs a retention_server"),
					 errhint("Set retention_server first: partman.set_config(parent, 'retention_server', 'archive_server').")));
		if (key->strategy != PARTITION_STRATEGY_RANGE)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("retention_action 'move' applies only to RANGE sets")));
	}
	if (strcmp(cfg->retention_action, "archive") == 0)
	{
		if (cfg->retention_schema == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("retention_action 'archive' needs a retention_schema")));
		(void) get_namespace_oid(cfg->retention_schema, false);
	}
	else if (cfg->retention_schema != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("retention_schema applies only to retention_action 'archive'")));

	if (cfg->require_filter == NULL ||
		(strcmp(cfg->require_filter, "off") != 0 &&
		 strcmp(cfg->require_filter, "warn") != 0 &&
		 strcmp(cfg->require_filter, "error") != 0))
		invalid_setting("require_filter", cfg->require_filter,
						"Use 'off', 'warn' or 'error'.");
	if (cfg->max_rescue_rows < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("max_rescue_rows must not be negative, not %d", cfg->max_rescue_rows)));
	if (cfg->has_max_partitions && cfg->max_partitions <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("max_partitions must be positive, not %d", cfg->max_partitions)));
	if (cfg->storage_parameters != NULL)
		(void) partman_parse_storage(cfg->storage_parameters);
	if (cfg->sub_strategy != NULL || cfg->sub_key != NULL ||
		cfg->sub_list_values != NULL || cfg->has_sub_modulus)
		validate_sub(cfg, key);
}

/* ---------------------------------------------------------------------
 * Rows
 * ---------------------------------------------------------------------
 */

/*
 * Column numbers of part_config, remembered per column name (the callers
 * pass string literals, so the pointer identifies the name): maintenance
 * decodes every set's row, and the trigger each row it writes: searching
 * some 25 names per row (SPI_fnumber) and reading each column of a tuple
 * with NULLs from its start (heap_getattr) were a tenth of the instructions
 * of a run with nothing to do.  A remembered number is used only when
 * the descriptor still has that name there (trigger descriptors keep
 * dropped columns, SPI's do not).
 */
typedef struct ColumnSlot
{
	const char *column;
	int			attno;
	uint32		checked;		/* descriptor generation it was checked in */
} ColumnSlot;

static ColumnSlot column_slots[40];
static int	ncolumn_slots = 0;
static int	next_slot = 0;		/* rows are read column by column in the same
								 * order: the slot after the last one used */

/*
 * The descriptor rows are read with now: a slot's number is checked against
 * it by name once.  SPI's descriptors (RECORD) and the table's (its row
 * type, dropped columns included) differ in type; a change of columns
 * changes natts.
 */
static TupleDesc current_desc = NULL;
static Oid	current_typid = InvalidOid;
static int	current_natts = -1;
static uint32 desc_generation = 1;

static void
use_desc(TupleDesc desc)
{
	if (desc != current_desc || desc->tdtypeid != current_typid || desc->natts != current_natts)
	{
		current_desc = desc;
		current_typid = desc->tdtypeid;
		current_natts = desc->natts;
		desc_generation++;
	}
}

static int
column_number(TupleDesc desc, const char *column)
{
	ColumnSlot *slot = NULL;
	int			attno;

	if (next_slot < ncolumn_slots && column_slots[next_slot].column == column)
		slot = &column_slots[next_slot];
	else
	{
		for (int i = 0; i < ncolumn_slots; i++)
		{
			if (column_slots[i].column == column)
			{
				slot = &column_slots[i];
				break;
			}
		}
	}
	if (slot != NULL)
		next_slot = (int) (slot - column_slots) + 1;
	if (slot != NULL && slot->checked == desc_generation && desc == current_desc)
		return slot->attno;
	if (slot != NULL && slot->attno > 0 && slot->attno <= desc->natts)
	{
		Form_pg_attribute att = TupleDescAttr(desc, slot->attno - 1);

		if (!att->attisdropped && strcmp(NameStr(att->attname), column) == 0)
		{
			slot->checked = desc == current_desc ? desc_generation : 0;
			return slot->attno;
		}
	}
	attno = SPI_fnumber(desc, column);
	if (attno <= 0)
		elog(ERROR, "partman.part_config has no column \"%s\"", column);
	if (slot == NULL && ncolumn_slots < (int) lengthof(column_slots))
	{
		slot = &column_slots[ncolumn_slots++];
		slot->column = column;
		next_slot = ncolumn_slots;
	}
	if (slot != NULL)
	{
		slot->attno = attno;
		slot->checked = desc == current_desc ? desc_generation : 0;
	}
	return attno;
}

/* A part_config row, deformed once: each column is then read in O(1). */
typedef struct ConfigRow
{
	TupleDesc	desc;
	Datum	   *values;
	bool	   *nulls;
} ConfigRow;

/* A column as text (NULL for NULL); text columns without an output function call. */
static char *
text_column(const ConfigRow *row, const char *column)
{
	int			i = column_number(row->desc, column) - 1;
	Oid			typid = TupleDescAttr(row->desc, i)->atttypid;
	Oid			output;
	bool		varlena;

	if (row->nulls[i])
		return NULL;
	if (typid == TEXTOID)
		return TextDatumGetCString(row->values[i]);
	getTypeOutputInfo(typid, &output, &varlena);
	return OidOutputFunctionCall(output, row->values[i]);
}

static Datum
binary_column(const ConfigRow *row, const char *column, bool *isnull)
{
	int			i = column_number(row->desc, column) - 1;

	*isnull = row->nulls[i];
	return row->values[i];
}

/* Decode a part_config tuple (from SPI or a trigger). */
static void
config_from_tuple(HeapTuple tuple, TupleDesc desc, PartmanConfig *cfg)
{
	bool		isnull;
	Datum		d;
	ConfigRow	r;
	ConfigRow  *row = &r;

	use_desc(desc);
	r.desc = desc;
	r.values = palloc(sizeof(Datum) * desc->natts);
	r.nulls = palloc(sizeof(bool) * desc->natts);
	heap_deform_tuple(tuple, desc, r.values, r.nulls);
	memset(cfg, 0, sizeof(*cfg));
	cfg->parent = DatumGetObjectId(binary_column(row, "parent", &isnull));
	cfg->strategy = text_column(row, "strategy");
	cfg->key = text_column(row, "key");
	cfg->interval = text_column(row, "interval");
	d = binary_column(row, "premake", &isnull);
	cfg->premake = isnull ? 0 : DatumGetInt32(d);
	cfg->retention = text_column(row, "retention");
	cfg->retention_action = text_column(row, "retention_action");
	cfg->retention_schema = text_column(row, "retention_schema");
	cfg->retention_server = text_column(row, "retention_server");
	cfg->time_zone = text_column(row, "time_zone");
	cfg->epoch = text_column(row, "epoch");
	d = binary_column(row, "default_partition", &isnull);
	cfg->default_partition = !isnull && DatumGetBool(d);
	cfg->require_filter = text_column(row, "require_filter");
	d = binary_column(row, "max_rescue_rows", &isnull);
	cfg->max_rescue_rows = isnull ? 0 : DatumGetInt32(d);
	d = binary_column(row, "max_partitions", &isnull);
	cfg->has_max_partitions = !isnull;
	cfg->max_partitions = isnull ? 0 : DatumGetInt32(d);
	cfg->storage_parameters = text_column(row, "storage_parameters");
	(void) binary_column(row, "last_error", &isnull);
	cfg->failing = !isnull;
	cfg->sub_strategy = text_column(row, "sub_strategy");
	cfg->sub_key = text_column(row, "sub_key");
	cfg->sub_list_values = text_column(row, "sub_list_values");
	d = binary_column(row, "sub_modulus", &isnull);
	cfg->has_sub_modulus = !isnull;
	cfg->sub_modulus = isnull ? 0 : DatumGetInt32(d);
	d = binary_column(row, "servers", &isnull);
	cfg->servers = NIL;
	if (!isnull)
	{
		Datum	   *names;
		int			n;

		deconstruct_array(DatumGetArrayTypeP(d), NAMEOID, NAMEDATALEN, false, TYPALIGN_CHAR,
						  &names, NULL, &n);
		for (int i = 0; i < n; i++)
			cfg->servers = lappend(cfg->servers, pstrdup(NameStr(*DatumGetName(names[i]))));
	}
	pfree(r.values);
	pfree(r.nulls);
}

/*
 * partman_config_read
 *		Read parent's row into *cfg (allocated in the caller's context).
 *		Returns false when parent is not managed.
 */
bool
partman_config_read(Oid parent, PartmanConfig *cfg)
{
	Oid			argtypes[1] = {REGCLASSOID};
	Datum		values[1] = {ObjectIdGetDatum(parent)};
	int			rc;

	/* maintenance reads every set's row: plan the query once per backend */
	static SPIPlanPtr plan = NULL;

	if (plan == NULL)
	{
		SPIPlanPtr	fresh = SPI_prepare("SELECT * FROM partman.part_config "
										"WHERE parent OPERATOR(pg_catalog.=) $1",
										1, argtypes);

		if (fresh == NULL)
			elog(ERROR, "could not plan partman.part_config query: %s",
				 SPI_result_code_string(SPI_result));
		if (SPI_keepplan(fresh) != 0)
			elog(ERROR, "could not keep partman.part_config plan");
		plan = fresh;
	}
	/* not read-only: a fresh snapshot sees rows committed while we waited for a lock */
	rc = SPI_execute_plan(plan, values, NULL, false, 1);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "could not read partman.part_config: %s", SPI_result_code_string(rc));
	if (SPI_processed == 0)
		return false;
	config_from_tuple(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, cfg);
	return true;
}

bool
partman_config_exists(Oid parent)
{
	PartmanConfig cfg;

	return partman_config_read(parent, &cfg);
}

/* The next parameter: servers (a List of char *) as name[], NIL as NULL. */
static void
args_servers(PartmanArgs *args, List *servers)
{
	Datum	   *names = palloc(sizeof(Datum) * (list_length(servers) + 1));
	int			n = 0;
	ListCell   *lc;

	foreach(lc, servers)
		names[n++] = DirectFunctionCall1(namein, CStringGetDatum(lfirst(lc)));
	partman_args_add_if(args, NAMEARRAYOID, servers != NIL,
						PointerGetDatum(construct_array(names, n, NAMEOID, NAMEDATALEN, false,
														TYPALIGN_CHAR)));
}

void
partman_config_insert(const PartmanConfig *cfg)
{
	PartmanArgs args = {0};

	partman_args_add(&args, REGCLASSOID, ObjectIdGetDatum(cfg->parent));
	partman_args_text(&args, cfg->strategy);
	partman_args_text(&args, cfg->key);
	partman_args_text(&args, cfg->interval);
	partman_args_add(&args, INT4OID, Int32GetDatum(cfg->premake));
	partman_args_text(&args, cfg->retention);
	partman_args_text(&args, cfg->retention_action);
	partman_args_name(&args, cfg->retention_schema);
	partman_args_text(&args, cfg->time_zone);
	partman_args_add(&args, BOOLOID, BoolGetDatum(cfg->default_partition));
	partman_args_text(&args, cfg->sub_strategy);
	partman_args_text(&args, cfg->sub_key);
	partman_args_text(&args, cfg->sub_list_values);
	partman_args_add_if(&args, INT4OID, cfg->has_sub_modulus, Int32GetDatum(cfg->sub_modulus));
	partman_args_text(&args, cfg->epoch);
	args_servers(&args, cfg->servers);
	partman_args_name(&args, cfg->retention_server);

	/* the caller's ownership of the parent is checked: PUBLIC may not INSERT */
	partman_catalog_write_args("part_config", "INSERT INTO partman.part_config (parent, strategy, key, \"interval\", "
						  "premake, retention, retention_action, retention_schema, time_zone, "
						  "default_partition, sub_strategy, sub_key, sub_list_values, sub_modulus, epoch, servers, "
						  "retention_server) "
						  "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::pg_catalog.jsonb, $14, $15, $16, $17)",
						  &args, SPI_OK_INSERT);
}

/* Delete parent's row; the caller checked its ownership (PUBLIC may not DELETE). */
void
partman_config_delete(Oid parent)
{
	partman_catalog_delete("part_config", "DELETE FROM partman.part_config "
						   "WHERE parent OPERATOR(pg_catalog.=) $1",
						   REGCLASSOID, ObjectIdGetDatum(parent));
}

/*
 * partman_config_set_default
 *		Record whether the set has a default partition, after partman made or
 *		removed it, as the caller (the guard trigger checks ownership).
 */
void
partman_config_set_default(Oid parent, bool on)
{
	Oid			argtypes[2] = {REGCLASSOID, BOOLOID};
	Datum		values[2] = {ObjectIdGetDatum(parent), BoolGetDatum(on)};
	int			rc;

	rc = SPI_execute_with_args("UPDATE partman.part_config SET default_partition = $2 "
							   "WHERE parent OPERATOR(pg_catalog.=) $1",
							   2, argtypes, values, NULL, false, 0);
	if (rc != SPI_OK_UPDATE)
		elog(ERROR, "could not update partman.part_config: %s", SPI_result_code_string(rc));
}

void
partman_not_managed(Oid parent)
{
	ereport(ERROR,
			(errcode(ERRCODE_UNDEFINED_OBJECT),
			 errmsg("table \"%s\" is not managed by partman", get_rel_name(parent)),
			 errhint("Register it with partman.create_parent first.")));
}

/* A managed RANGE set's grid. */
static void
open_grid(PartmanSet *set)
{
	if (set->managed && set->key.strategy == PARTITION_STRATEGY_RANGE &&
		set->cfg.interval != NULL)
	{
		partman_parse_grid(&set->key, set->cfg.interval, set->cfg.time_zone, set->cfg.epoch,
						   &set->grid);
		set->has_grid = true;
		set->zone = set->grid.tz;
	}
}

/*
 * partman_open_set
 *		What an operation needs to know about a partitioned table: its key,
 *		its config row (when managed) and, for managed RANGE sets, its grid.
 *		Checks that the caller has the owner's privileges.
 */
void
partman_open_set(Oid parent, PartmanSet *set)
{
	memset(set, 0, sizeof(*set));
	partman_read_key(parent, &set->key);
	partman_check_owner(parent);
	set->managed = partman_config_read(parent, &set->cfg);
	open_grid(set);
}

/* The same for a managed set whose config row the caller read already. */
void
partman_open_set_config(const PartmanConfig *cfg, PartmanSet *set)
{
	memset(set, 0, sizeof(*set));
	partman_read_key(cfg->parent, &set->key);
	partman_check_owner(cfg->parent);
	set->managed = true;
	set->cfg = *cfg;
	open_grid(set);
}

/*
 * partman_config_read_maintained
 *		The config rows of every set with maintenance_enabled whose owner's
 *		privileges the caller has, in one query, allocated in cxt.
 */
List *
partman_config_read_maintained(MemoryContext cxt)
{
	List	   *result = NIL;
	MemoryContext old;
	int			rc;

	rc = SPI_execute("SELECT c.* FROM partman.part_config c "
					 "WHERE c.maintenance_enabled "
					 "  AND pg_catalog.pg_has_role((SELECT r.relowner FROM pg_catalog.pg_class r "
					 "       WHERE r.oid OPERATOR(pg_catalog.=) c.parent), 'USAGE') "
					 "ORDER BY c.parent", true, 0);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "could not read partman.part_config: %s", SPI_result_code_string(rc));
	old = MemoryContextSwitchTo(cxt);
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		PartmanConfig *cfg = palloc(sizeof(PartmanConfig));

		config_from_tuple(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, cfg);
		result = lappend(result, cfg);
	}
	MemoryContextSwitchTo(old);
	return result;
}

/*
 * partman_config_record_outcome
 *		Stamp last_maintenance on parent's row, with last_error = error (NULL
 *		after a run that succeeded) and no unreachable servers.
 */
void
partman_config_record_outcome(Oid parent, const char *error)
{
	PartmanArgs args = {0};

	partman_args_add(&args, REGCLASSOID, ObjectIdGetDatum(parent));
	partman_args_text(&args, error);
	partman_args_add(&args, TIMESTAMPTZOID, TimestampTzGetDatum(partman_now()));
	/* maintenance's own columns: PUBLIC may not write them */
	partman_catalog_write_args("part_config", "UPDATE partman.part_config SET last_maintenance = $3, last_error = $2, "
							   "unreachable_servers = NULL WHERE parent OPERATOR(pg_catalog.=) $1",
							   &args, SPI_OK_UPDATE);
}

/*
 * partman_config_record_unreachable
 *		After a failed run, the servers that did not answer it (servers, a
 *		List of char *; NIL records NULL).  partman_config_record_outcome
 *		clears them.
 */
void
partman_config_record_unreachable(Oid parent, List *servers)
{
	PartmanArgs args = {0};

	partman_args_add(&args, REGCLASSOID, ObjectIdGetDatum(parent));
	args_servers(&args, servers);
	partman_catalog_write_args("part_config", "UPDATE partman.part_config SET unreachable_servers = $2 "
							   "WHERE parent OPERATOR(pg_catalog.=) $1",
							   &args, SPI_OK_UPDATE);
}

/* Stamp last_maintenance on sets that needed nothing, in one statement. */
void
partman_config_record_idle(List *parents)
{
	Oid			argtypes[2] = {REGCLASSARRAYOID, TIMESTAMPTZOID};
	Datum		values[2];
	Datum	   *items;
	ListCell   *lc;

	if (parents == NIL)
		return;
	items = palloc(sizeof(Datum) * list_length(parents));
	foreach(lc, parents)
		items[foreach_current_index(lc)] = ObjectIdGetDatum(lfirst_oid(lc));
	values[0] = PointerGetDatum(construct_array(items, list_length(parents), REGCLASSOID,
												sizeof(Oid), true, TYPALIGN_INT));
	values[1] = TimestampTzGetDatum(partman_now());
	partman_catalog_write("part_config", "UPDATE partman.part_config SET last_maintenance = $2 "
						  "WHERE parent OPERATOR(pg_catalog.=) ANY ($1)",
						  2, argtypes, values, NULL, SPI_OK_UPDATE);
}

/*
 * partman_config_pending_detaches
 *		The detaches an interrupted DETACH ... CONCURRENTLY left pending in
 *		managed sets, as PartmanDeferredDetach (schema NULL) allocated in
 *		cxt.
 */
List *
partman_config_pending_detaches(MemoryContext cxt)
{
	List	   *pending = NIL;
	int			rc;

	rc = SPI_execute("SELECT i.inhparent, i.inhrelid, c.relowner FROM pg_catalog.pg_inherits i "
					 "JOIN partman.part_config p ON p.parent OPERATOR(pg_catalog.=) i.inhparent "
					 "JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) i.inhparent "
					 "WHERE i.inhdetachpending", true, 0);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "could not read pg_inherits: %s", SPI_result_code_string(rc));
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		MemoryContext old = MemoryContextSwitchTo(cxt);
		PartmanDeferredDetach *detach = palloc0(sizeof(PartmanDeferredDetach));
		bool		isnull;

		detach->parent = DatumGetObjectId(SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1, &isnull));
		detach->relid = DatumGetObjectId(SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 2, &isnull));
		detach->owner = DatumGetObjectId(SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 3, &isnull));
		pending = lappend(pending, detach);
		MemoryContextSwitchTo(old);
	}
	return pending;
}

/*
 * partman_config_parents
 *		The parents of every managed set, in OID order.
 */
List *
partman_config_parents(void)
{
	List	   *parents = NIL;
	int			rc = SPI_execute("SELECT parent FROM partman.part_config ORDER BY parent",
								 true, 0);

	if (rc != SPI_OK_SELECT)
		elog(ERROR, "could not read partman.part_config: %s", SPI_result_code_string(rc));
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		bool		isnull;

		parents = lappend_oid(parents,
							  DatumGetObjectId(SPI_getbinval(SPI_tuptable->vals[i],
															 SPI_tuptable->tupdesc, 1, &isnull)));
	}
	return parents;
}

/*
 * partman_config_disable_maintenance
 *		maintenance_enabled = false for parent's row, as the caller (the
 *		guard trigger checks ownership).
 */
void
partman_config_disable_maintenance(Oid parent)
{
	int			rc;

	rc = SPI_execute_with_args("UPDATE partman.part_config SET maintenance_enabled = false "
							   "WHERE parent OPERATOR(pg_catalog.=) $1",
							   1, (Oid[]) {REGCLASSOID}, (Datum[]) {ObjectIdGetDatum(parent)},
							   NULL, false, 0);
	if (rc != SPI_OK_UPDATE)
		elog(ERROR, "could not update partman.part_config: %s", SPI_result_code_string(rc));
}

/* ---------------------------------------------------------------------
 * Triggers, and changing settings
 * ---------------------------------------------------------------------
 */

static bool
same_text(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* True when two rows of a set have the same settings. */
static bool
same_settings(const PartmanConfig *a, const PartmanConfig *b)
{
	return a->premake == b->premake &&
		same_text(a->retention, b->retention) &&
		same_text(a->retention_action, b->retention_action) &&
		same_text(a->retention_schema, b->retention_schema) &&
		same_text(a->retention_server, b->retention_server) &&
		a->default_partition == b->default_partition &&
		same_text(a->require_filter, b->require_filter) &&
		a->max_rescue_rows == b->max_rescue_rows &&
		a->has_max_partitions == b->has_max_partitions &&
		a->max_partitions == b->max_partitions &&
		same_text(a->storage_parameters, b->storage_parameters) &&
		same_text(a->sub_list_values, b->sub_list_values) &&
		a->has_sub_modulus == b->has_sub_modulus &&
		a->sub_modulus == b->sub_modulus;
}

/*
 * The key and sub_key of a set follow the catalog, not the names stored in
 * part_config: after ALTER TABLE ... RENAME COLUMN, a row written with the
 * old name stores the column's current name instead.  That is an UPDATE
 * leaving the stored name in place (set_config, maintenance stamping its
 * run), or an INSERT naming no column of the table any more (a row dumped
 * before the rename and restored).  oldcfg is NULL for an INSERT.  Returns
 * the tuple to store; *newcfg is updated to match.
 */
static HeapTuple
follow_renames(HeapTuple tuple, TupleDesc desc, const PartmanConfig *oldcfg,
			   PartmanConfig *newcfg)
{
	int			attnos[2];
	Datum		values[2];
	bool		nulls[2] = {false, false};
	int			n = 0;
	char	   *column = partman_key_column(newcfg->parent);

	if (column != NULL && newcfg->key != NULL && !same_text(newcfg->key, column) &&
		(oldcfg != NULL ? same_text(oldcfg->key, newcfg->key) :
		 get_attnum(newcfg->parent, newcfg->key) == InvalidAttrNumber))
	{
		attnos[n] = SPI_fnumber(desc, "key");
		values[n++] = CStringGetTextDatum(column);
		newcfg->key = column;
	}
	if (newcfg->sub_key != NULL &&
		(oldcfg == NULL || same_text(oldcfg->sub_key, newcfg->sub_key)) &&
		get_attnum(newcfg->parent, newcfg->sub_key) == InvalidAttrNumber &&
		(column = partman_sub_key_column(newcfg->parent)) != NULL)
	{
		attnos[n] = SPI_fnumber(desc, "sub_key");
		values[n++] = CStringGetTextDatum(column);
		newcfg->sub_key = column;
	}
	if (n == 0)
		return tuple;
	return heap_modify_tuple_by_cols(tuple, desc, n, attnos, values, nulls);
}

/* One column of a tuple as text (NULL for NULL), without decoding the rest. */
static char *
text_attr(HeapTuple tuple, TupleDesc desc, const char *column)
{
	int			attno = column_number(desc, column);
	Oid			typid = TupleDescAttr(desc, attno - 1)->atttypid;
	bool		isnull;
	Datum		d = heap_getattr(tuple, attno, desc, &isnull);
	Oid			output;
	bool		varlena;

	if (isnull)
		return NULL;
	if (typid == TEXTOID)
		return TextDatumGetCString(d);
	getTypeOutputInfo(typid, &output, &varlena);
	return OidOutputFunctionCall(output, d);
}

/*
 * Whether an UPDATE of part_config changes only maintenance's own columns
 * (last_maintenance, last_error): every other column holds the same bytes.
 * Maintenance stamps every set it looked at; this spares those rows the
 * full decoding and checks of the guard.  A value stored differently but
 * equal (toasted, say) takes the full path, which is right either way.
 */
static bool
outcome_only_update(HeapTuple oldtup, HeapTuple newtup, TupleDesc desc)
{
	int			natts = desc->natts;
	int			stamp;
	int			error;
	Datum	   *ov = palloc(sizeof(Datum) * natts);
	Datum	   *nv = palloc(sizeof(Datum) * natts);
	bool	   *on = palloc(sizeof(bool) * natts);
	bool	   *nn = palloc(sizeof(bool) * natts);
	bool		same = true;

	use_desc(desc);
	stamp = column_number(desc, "last_maintenance");
	error = column_number(desc, "last_error");
	heap_deform_tuple(oldtup, desc, ov, on);
	heap_deform_tuple(newtup, desc, nv, nn);
	for (int i = 0; i < natts && same; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);

		if (att->attisdropped || i + 1 == stamp || i + 1 == error)
			continue;
		same = on[i] == nn[i] &&
			(on[i] || datumIsEqual(ov[i], nv[i], att->attbyval, att->attlen));
	}
	pfree(ov);
	pfree(nv);
	pfree(on);
	pfree(nn);
	return same;
}

/*
 * partman._config_guard(): BEFORE INSERT OR UPDATE OR DELETE trigger on
 * partman.part_config.  Checks ownership, keeps the identity of a set
 * (parent, strategy, key, interval, time zone) fixed, and validates the row.
 * The key and sub_key may change only to follow a rename of their column.
 */
Datum
partman_config_guard(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	TupleDesc	desc;
	PartmanConfig newcfg;
	PartmanConfig oldcfg;
	PartmanKey	key;
	HeapTuple	result;
	bool		key_follows = true;
	bool		sub_key_follows = true;

	if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_FOR_ROW(trigdata->tg_event))
		elog(ERROR, "partman._config_guard must be called as a row trigger");
	desc = trigdata->tg_relation->rd_att;

	if (TRIGGER_FIRED_BY_DELETE(trigdata->tg_event))
	{
		config_from_tuple(trigdata->tg_trigtuple, desc, &oldcfg);
		/* the row of a table that was just dropped may always go */
		if (SearchSysCacheExists1(RELOID, ObjectIdGetDatum(oldcfg.parent)))
		{
			partman_check_owner(oldcfg.parent);
			/* planner hooks forget the set's pruning policy */
			CacheInvalidateRelcacheByRelid(oldcfg.parent);
		}
		return PointerGetDatum(trigdata->tg_trigtuple);
	}

	/* maintenance recording its outcome: the owner check and renames only */
	if (TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event) &&
		outcome_only_update(trigdata->tg_trigtuple, trigdata->tg_newtuple, desc))
	{
		bool		isnull;

		memset(&newcfg, 0, sizeof(newcfg));
		newcfg.parent = DatumGetObjectId(heap_getattr(trigdata->tg_newtuple,
													  column_number(desc, "parent"),
													  desc, &isnull));
		newcfg.key = text_attr(trigdata->tg_newtuple, desc, "key");
		newcfg.sub_key = text_attr(trigdata->tg_newtuple, desc, "sub_key");
		oldcfg = newcfg;
		partman_check_owner(newcfg.parent);
		return PointerGetDatum(follow_renames(trigdata->tg_newtuple, desc, &oldcfg, &newcfg));
	}

	result = TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event) ?
		trigdata->tg_newtuple : trigdata->tg_trigtuple;
	config_from_tuple(result, desc, &newcfg);
	partman_check_owner(newcfg.parent);
	if (TRIGGER_FIRED_BY_INSERT(trigdata->tg_event))
		result = follow_renames(result, desc, NULL, &newcfg);

	if (TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event))
	{
		config_from_tuple(trigdata->tg_trigtuple, desc, &oldcfg);
		result = follow_renames(result, desc, &oldcfg, &newcfg);
		/* a changed name must be the column's current one */
		key_follows = same_text(oldcfg.key, newcfg.key) ||
			same_text(newcfg.key, partman_key_column(newcfg.parent));
		sub_key_follows = same_text(oldcfg.sub_key, newcfg.sub_key) ||
			(oldcfg.sub_key != NULL &&
			 get_attnum(newcfg.parent, oldcfg.sub_key) == InvalidAttrNumber &&
			 same_text(newcfg.sub_key, partman_sub_key_column(newcfg.parent)));
		/* maintenance recording its outcome changes no setting: nothing to check */
		if (oldcfg.parent == newcfg.parent &&
			same_text(oldcfg.strategy, newcfg.strategy) &&
			key_follows &&
			same_text(oldcfg.interval, newcfg.interval) &&
			same_text(oldcfg.time_zone, newcfg.time_zone) &&
			same_text(oldcfg.epoch, newcfg.epoch) &&
			same_text(oldcfg.sub_strategy, newcfg.sub_strategy) &&
			sub_key_follows &&
			same_settings(&oldcfg, &newcfg))
			return PointerGetDatum(result);
	}
	partman_read_key(newcfg.parent, &key);

	if (TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event))
	{
		if (oldcfg.parent != newcfg.parent ||
			!same_text(oldcfg.strategy, newcfg.strategy) ||
			!key_follows ||
			!same_text(oldcfg.interval, newcfg.interval) ||
			!same_text(oldcfg.time_zone, newcfg.time_zone) ||
			!same_text(oldcfg.epoch, newcfg.epoch))
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("parent, strategy, key, interval, time_zone and epoch of a partition set cannot be changed"),
					 errdetail("The existing partitions of table \"%s\" were made with them.",
							   key.relname),
					 errhint("Call partman.undo_parent and partman.create_parent to start a new set.")));
		if (!same_text(oldcfg.sub_strategy, newcfg.sub_strategy) || !sub_key_follows)
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("sub_strategy and sub_key of a partition set cannot be changed"),
					 errdetail("The existing partitions of table \"%s\" were sub-partitioned with them.",
							   key.relname),
					 errhint("Call partman.undo_parent and partman.create_parent to start a new set.")));
		/* an UPDATE of a setting meaningless for the strategy, as set_config refuses it */
		if (oldcfg.premake != newcfg.premake)
			check_setting_applies(&key, "premake");
		if (!same_text(oldcfg.retention, newcfg.retention))
			check_setting_applies(&key, "retention");
		if (!same_text(oldcfg.retention_action, newcfg.retention_action))
			check_setting_applies(&key, "retention_action");
		if (!same_text(oldcfg.retention_schema, newcfg.retention_schema))
			check_setting_applies(&key, "retention_schema");
		if (oldcfg.max_rescue_rows != newcfg.max_rescue_rows)
			check_setting_applies(&key, "max_rescue_rows");
		if (oldcfg.default_partition != newcfg.default_partition)
			check_setting_applies(&key, "default_partition");
	}
	partman_validate_config(&newcfg, &key);
	/* the pruning policy may have changed: planner hooks read it again */
	CacheInvalidateRelcacheByRelid(newcfg.parent);
	return PointerGetDatum(result);
}

/*
 * partman._forget_dropped(): sql_drop event trigger.  Deletes the rows of
 * sets whose parent table was dropped (DROP TABLE, DROP SCHEMA, DROP OWNED),
 * as the catalog's owner: whoever may drop a table may forget its set, and
 * PUBLIC may not DELETE from part_config.
 */
Datum
partman_forget_dropped(PG_FUNCTION_ARGS)
{
	Oid			nsp;
	int			spi_level;

	if (!CALLED_AS_EVENT_TRIGGER(fcinfo))
		elog(ERROR, "partman._forget_dropped must be called as an event trigger");
	/* DROP EXTENSION drops the catalog too; nothing to forget then */
	nsp = get_namespace_oid("partman", true);
	if (!OidIsValid(nsp) || !OidIsValid(get_relname_relid("part_config", nsp)))
		PG_RETURN_VOID();
	spi_level = partman_spi_connect(false);
	partman_catalog_write("part_config", "DELETE FROM partman.part_config c "
						  "USING pg_catalog.pg_event_trigger_dropped_objects() d "
						  "WHERE d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass "
						  "AND d.objsubid OPERATOR(pg_catalog.=) 0 "
						  "AND d.objid OPERATOR(pg_catalog.=) c.parent::pg_catalog.oid",
						  0, NULL, NULL, NULL, SPI_OK_DELETE);
	partman_spi_finish(spi_level);
	PG_RETURN_VOID();
}

/* The settings set_config may change: column, type, and whether it takes NULL. */
static const struct
{
	const char *name;
	Oid			typid;
	bool		nullable;
}			settable[] =
{
	{"premake", INT4OID, false},
	{"retention", TEXTOID, true},
	{"retention_action", TEXTOID, false},
	{"retention_schema", NAMEOID, true},
	{"default_partition", BOOLOID, false},
	{"maintenance_enabled", BOOLOID, false},
	{"require_filter", TEXTOID, false},
	{"max_partitions", INT4OID, true},
	{"max_rescue_rows", INT4OID, false},
	{"storage_parameters", TEXTOID, true},
	{"sub_list_values", JSONBOID, true},
	{"sub_modulus", INT4OID, true},
	{"retention_server", NAMEOID, true},
};

/* Set setting number i of *cfg to a value of its column's type. */
static void
apply_setting(PartmanConfig *cfg, int i, Datum value, bool isnull)
{
	const char *name = settable[i].name;

	if (strcmp(name, "premake") == 0)
		cfg->premake = DatumGetInt32(value);
	else if (strcmp(name, "retention") == 0)
		cfg->retention = isnull ? NULL : TextDatumGetCString(value);
	else if (strcmp(name, "retention_action") == 0)
		cfg->retention_action = TextDatumGetCString(value);
	else if (strcmp(name, "retention_schema") == 0)
		cfg->retention_schema = isnull ? NULL : pstrdup(NameStr(*DatumGetName(value)));
	else if (strcmp(name, "retention_server") == 0)
		cfg->retention_server = isnull ? NULL : pstrdup(NameStr(*DatumGetName(value)));
	else if (strcmp(name, "default_partition") == 0)
		cfg->default_partition = DatumGetBool(value);
	else if (strcmp(name, "require_filter") == 0)
		cfg->require_filter = TextDatumGetCString(value);
	else if (strcmp(name, "max_partitions") == 0)
	{
		cfg->has_max_partitions = !isnull;
		cfg->max_partitions = isnull ? 0 : DatumGetInt32(value);
	}
	else if (strcmp(name, "max_rescue_rows") == 0)
		cfg->max_rescue_rows = DatumGetInt32(value);
	else if (strcmp(name, "storage_parameters") == 0)
		cfg->storage_parameters = isnull ? NULL : TextDatumGetCString(value);
	else if (strcmp(name, "sub_list_values") == 0)
		cfg->sub_list_values = isnull ? NULL :
			DatumGetCString(DirectFunctionCall1(jsonb_out, value));
	else if (strcmp(name, "sub_modulus") == 0)
	{
		cfg->has_sub_modulus = !isnull;
		cfg->sub_modulus = isnull ? 0 : DatumGetInt32(value);
	}
	/* maintenance_enabled: any boolean will do */
}

/* The config row of a set the caller may change, or the error saying why not. */
void
partman_config_read_own(Oid parent, PartmanConfig *cfg)
{
	partman_check_owner(parent);
	if (!partman_config_read(parent, cfg))
		partman_not_managed(parent);
}

/*
 * partman_setting
 *		The number of setting name, which set_config may change; ERROR
 *		saying why when it is none.
 */
int
partman_setting(const char *name)
{
	for (int i = 0; i < lengthof(settable); i++)
		if (strcmp(name, settable[i].name) == 0)
			return i;
	if (strcmp(name, "interval") == 0 || strcmp(name, "time_zone") == 0 ||
		strcmp(name, "epoch") == 0 ||
		strcmp(name, "strategy") == 0 || strcmp(name, "key") == 0 ||
		strcmp(name, "parent") == 0 || strcmp(name, "sub_strategy") == 0 ||
		strcmp(name, "sub_key") == 0)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("setting \"%s\" cannot be changed after create_parent", name),
				 errhint("Call partman.undo_parent and partman.create_parent to start a new set.")));
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("unrecognized setting \"%s\"", name),
			 errhint("Settings are premake, retention, retention_action, retention_schema, default_partition, maintenance_enabled, require_filter, max_partitions, max_rescue_rows, storage_parameters, sub_list_values, sub_modulus and retention_server.")));
	return -1;
}

/* The type of setting number i (its column's). */
Oid
partman_setting_type(int setting)
{
	return settable[setting].typid;
}

/*
 * Refuse a setting that means nothing for the set's strategy (premake on a
 * HASH set, say): accepting it would let the caller believe it does
 * something.  SQLSTATE 22023 (invalid_parameter_value), as validate_config
 * refuses the other strategy mismatches (interval, retention on a LIST or
 * HASH set): the argument is wrong for this set, not a feature partman lacks.
 */
static void
check_setting_applies(const PartmanKey *key, const char *name)
{
	const char *detail = NULL;

	if (key->strategy == PARTITION_STRATEGY_RANGE)
		return;
	if (strcmp(name, "premake") == 0)
		detail = "partman makes partitions ahead of time only in RANGE sets; the partitions of a LIST or HASH set are the ones create_parent and create_partition make.";
	else if (strcmp(name, "retention") == 0 || strcmp(name, "retention_action") == 0 ||
			 strcmp(name, "retention_schema") == 0)
		detail = "Retention retires RANGE partitions whose range has expired; the partitions of a LIST or HASH set do not expire.";
	else if (strcmp(name, "max_rescue_rows") == 0)
		detail = "It limits the rows maintenance moves out of a default partition when it makes a RANGE partition ahead of time; maintenance makes no partitions in a LIST or HASH set.";
	else if (strcmp(name, "default_partition") == 0 && key->strategy == PARTITION_STRATEGY_HASH)
		detail = "PostgreSQL allows no default partition in a table partitioned by HASH.";
	if (detail != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("setting \"%s\" does not apply to table \"%s\", which is partitioned by %s",
						name, key->relname, partman_strategy_keyword(key->strategy)),
				 errdetail("%s", detail)));
}

/*
 * partman_config_change
 *		Change n settings of a managed set, whose row the caller read into
 *		*cfg, to values of their columns' types (settings by number, see
 *		partman_setting).  The new row is validated here, before the UPDATE,
 *		so a bad value is reported as the caller's error and not from inside
 *		partman's statement (the guard trigger's own check then passes).
 */
void
partman_config_change(PartmanConfig *cfg, int n, const int *setting, const Datum *values,
					  const bool *isnull)
{
	PartmanKey	key;
	Oid			argtypes[3];
	Datum		args[3];
	char		nulls[3];
	StringInfoData sql;
	int			rc;

	Assert(n < lengthof(args));
	partman_read_key(cfg->parent, &key);
	for (int i = 0; i < n; i++)
		check_setting_applies(&key, settable[setting[i]].name);
	for (int i = 0; i < n; i++)
	{
		if (isnull[i] && !settable[setting[i]].nullable)
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("setting \"%s\" cannot be NULL", settable[setting[i]].name)));
		apply_setting(cfg, setting[i], values[i], isnull[i]);
	}
	/* the key follows the catalog after a rename, as the guard will store it */
	cfg->key = key.attname;
	if (cfg->sub_key != NULL && get_attnum(cfg->parent, cfg->sub_key) == InvalidAttrNumber)
	{
		char	   *column = partman_sub_key_column(cfg->parent);

		if (column != NULL)
			cfg->sub_key = column;
	}
	partman_validate_config(cfg, &key);

	initStringInfo(&sql);
	appendStringInfoString(&sql, "UPDATE partman.part_config SET ");
	argtypes[0] = REGCLASSOID;
	args[0] = ObjectIdGetDatum(cfg->parent);
	nulls[0] = ' ';
	for (int i = 0; i < n; i++)
	{
		/* column names from settable, which need no quoting */
		appendStringInfo(&sql, "%s%s = $%d", i ? ", " : "", settable[setting[i]].name, i + 2);
		argtypes[i + 1] = settable[setting[i]].typid;
		args[i + 1] = values[i];
		nulls[i + 1] = isnull[i] ? 'n' : ' ';
	}
	appendStringInfoString(&sql, " WHERE parent OPERATOR(pg_catalog.=) $1");
	rc = SPI_execute_with_args(sql.data, n + 1, argtypes, args, nulls, false, 0);
	if (rc != SPI_OK_UPDATE || SPI_processed != 1)
		elog(ERROR, "could not update partman.part_config: %s", SPI_result_code_string(rc));
}

/*
 * partman_config_for_planner
 *		What the planner hook and the pruning diagnostics read of a set:
 *		require_filter (palloc'd), max_partitions (0 when NULL), epoch and
 *		whether it has an interval (a set by time), read straight through
 *		part_config's primary key, without SPI: the planner hook asks while a
 *		query is being planned.  false when relid is not managed or
 *		partman's catalog is not there.
 */
bool
partman_config_for_planner(Oid relid, PartmanPlannerConfig *out)
{
	Oid			nsp = get_namespace_oid("partman", true);
	Oid			config;
	Oid			index;
	Relation	rel;
	SysScanDesc scan;
	ScanKeyData skey;
	HeapTuple	tuple;
	bool		found;

	memset(out, 0, sizeof(*out));
	if (!OidIsValid(nsp))
		return false;
	config = get_relname_relid("part_config", nsp);
	index = get_relname_relid("part_config_pkey", nsp);
	if (!OidIsValid(config) || !OidIsValid(index))
		return false;

	rel = table_open(config, AccessShareLock);
	ScanKeyInit(&skey, 1, BTEqualStrategyNumber, F_OIDEQ, ObjectIdGetDatum(relid));
	scan = systable_beginscan(rel, index, true, NULL, 1, &skey);
	tuple = systable_getnext(scan);
	found = HeapTupleIsValid(tuple);
	if (found)
	{
		TupleDesc	desc = RelationGetDescr(rel);
		bool		isnull;
		Datum		d;

		d = heap_getattr(tuple, attnameAttNum(rel, "require_filter", false), desc, &isnull);
		if (!isnull)
			out->require_filter = TextDatumGetCString(d);
		d = heap_getattr(tuple, attnameAttNum(rel, "max_partitions", false), desc, &isnull);
		if (!isnull)
			out->max_partitions = DatumGetInt32(d);
		d = heap_getattr(tuple, attnameAttNum(rel, "epoch", false), desc, &isnull);
		if (!isnull)
			out->epoch = TextDatumGetCString(d);
		(void) heap_getattr(tuple, attnameAttNum(rel, "interval", false), desc, &isnull);
		out->by_time = !isnull;
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	return found;
}

/*
 * partman_parse_list_values
 *		Read list_values, a jsonb object that maps partition suffixes to
 *		non-empty arrays of values (JSON null stands for SQL NULL), as a List
 *		of PartmanListMember in suffix order, each value read as key's type.
 *		ERROR on the first problem, naming the setting as what.  Caller is
 *		connected to SPI.
 */
List *
partman_parse_list_values(const PartmanKey *key, Datum list_values, const char *what)
{
	Oid			argtypes[1] = {JSONBOID};
	Datum		values[1] = {list_values};
	SPITupleTable *tuptable;
	uint64		nrows;
	List	   *result = NIL;

	(void) partman_spi_select("SELECT pg_catalog.jsonb_typeof($1), "
							   "(SELECT pg_catalog.count(*) FROM pg_catalog.jsonb_each($1) e "
							   " WHERE CASE WHEN pg_catalog.jsonb_typeof(e.value) OPERATOR(pg_catalog.<>) 'array' THEN true "
							   "   WHEN pg_catalog.jsonb_array_length(e.value) OPERATOR(pg_catalog.=) 0 THEN true "
							   /* values are scalars: a nested array or object is no value */
							   "   ELSE EXISTS (SELECT FROM pg_catalog.jsonb_array_elements(e.value) x "
							   "     WHERE pg_catalog.jsonb_typeof(x) OPERATOR(pg_catalog.=) ANY ('{array,object}')) END) "
							   "WHERE pg_catalog.jsonb_typeof($1) OPERATOR(pg_catalog.=) 'object'",
								 1, argtypes, values, what);
	if (SPI_processed == 0 ||
		strcmp(SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2), "0") != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a JSON object that maps each partition suffix to a non-empty array of values", what),
				 errhint("For example: '{\"americas\": [\"US\", \"CA\"], \"europe\": [\"DE\", \"FR\"]}'.")));

	(void) partman_spi_select("SELECT e.key, pg_catalog.array_agg(v.value ORDER BY v.ord) "
							   "FROM pg_catalog.jsonb_each($1) e, "
							   "LATERAL pg_catalog.jsonb_array_elements_text(e.value) WITH ORDINALITY v(value, ord) "
							   "GROUP BY e.key ORDER BY e.key",
								 1, argtypes, values, what);
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must name at least one partition", what)));

	tuptable = SPI_tuptable;
	nrows = SPI_processed;
	for (uint64 row = 0; row < nrows; row++)
	{
		PartmanListMember *member = palloc0(sizeof(PartmanListMember));
		char	   *suffix = SPI_getvalue(tuptable->vals[row], tuptable->tupdesc, 1);
		bool		isnull;
		ArrayType  *arr = DatumGetArrayTypeP(SPI_getbinval(tuptable->vals[row], tuptable->tupdesc,
														   2, &isnull));
		Datum	   *items;
		bool	   *nulls;
		int			n;

		if (strlen(suffix) == 0 || strlen(suffix) > NAMEDATALEN - 12)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_NAME),
					 errmsg("list partition suffix \"%s\" must have 1 to %d bytes",
							suffix, NAMEDATALEN - 12)));
		member->suffix = suffix;
		deconstruct_array(arr, TEXTOID, -1, false, TYPALIGN_INT, &items, &nulls, &n);
		for (int i = 0; i < n; i++)
		{
			if (nulls[i])
				member->bound.has_null = true;
			else
				member->bound.values = lappend(member->bound.values,
											   DatumGetPointer(partman_value_from_text(key, TextDatumGetCString(items[i]),
																					   NULL, "list value")));
		}
		result = lappend(result, member);
	}
	return result;
}
