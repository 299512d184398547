/*-------------------------------------------------------------------------
 *
 * adopt.c
 *	  partman.adopt_pg_partman: register the sets a pg_partman installation
 *	  manages with partman, and report what could not be carried over.
 *
 * pg_partman's configuration is read from its part_config table (the
 * extension's, or a copy of it; see catalog/pg_partman.c), and 4.7.2 is the
 * version tested; 5.x's columns are read when present (a copy of 5.x's
 * part_config is tested).  Sets by time on integer keys holding epoch
 * seconds or milliseconds keep their epoch, and 5.x's sets on uuid keys
 * with its uuid7_time_encoder become partman's UUIDv7 sets.  Existing
 * partitions
 * keep their pg_partman names: partman finds partitions by their bounds,
 * never by name, so only the partitions it makes later get partman's names.
 * Each set is adopted in its own subtransaction, so one that cannot be
 * adopted is reported and the others go on.
 *
 *-------------------------------------------------------------------------
 */
#include "partman.h"

#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"

/* The pg_partman settings partman looks at, one set. */
enum
{
	F_PARENT,
	F_CONTROL,
	F_TYPE,
	F_INTERVAL,
	F_PREMAKE,
	F_RETENTION,
	F_KEEP_TABLE,
	F_KEEP_INDEX,
	F_RETENTION_SCHEMA,
	F_EPOCH,
	F_TEMPLATE,
	F_CONSTRAINT_COLS,
	F_INFINITE,
	F_AUTOMATIC,
	F_PUBLICATIONS,
	F_INHERIT_PRIVILEGES,
	/* pg_partman 5.x */
	F_TIME_ENCODER,
	F_DATE_TRUNC,
	F_IGNORE_DEFAULT,
	F_MAINTENANCE_ORDER,
	F_KEEP_PUBLICATION,
	F_SUB_PARENT,
	F_COUNT
};

/* pg_partman's columns of those settings, in that order (F_SUB_PARENT follows) */
static const char *const columns[F_SUB_PARENT] = {
	"parent_table", "control", "partition_type", "partition_interval", "premake", "retention",
	"retention_keep_table", "retention_keep_index", "retention_schema", "epoch",
	"template_table", "constraint_cols", "infinite_time_partitions", "automatic_maintenance",
	"publications", "inherit_privileges",
	"time_encoder", "date_trunc_interval", "ignore_default_data", "maintenance_order",
	"retention_keep_publication"
};

typedef struct OldSet
{
	char	   *f[F_COUNT];
	Oid			config;			/* pg_partman's part_config */
	bool		disable;		/* switch pg_partman's maintenance off for it */
	List	   *carried;		/* of char * */
	List	   *not_carried;	/* of char * */
} OldSet;

static bool
is_true(const char *value)
{
	return value != NULL && strcmp(value, "true") == 0;
}

/*
 * The first time zone in which the set's newest partition lies exactly on
 * partman's grid: pg_partman laid out time partitions in the session's zone
 * of its day, most often the server's, and else UTC.  NULL if none fits.
 */
static const char *
aligned_zone(const PartmanKey *key, const char *interval, const char *epoch)
{
	const char *zones[2] = {GetConfigOption("TimeZone", false, false), "UTC"};
	Datum		lower;
	Datum		upper;
	bool		found = false;
	List	   *parts = partman_list_partitions(key->parent);
	ListCell   *lc;

	foreach(lc, parts)
	{
		PartmanPartition *part = lfirst(lc);

		if (!part->is_default && !part->lower_unbounded && !part->upper_unbounded)
		{
			lower = part->lower;
			upper = part->upper;
			found = true;
		}
	}
	for (int i = 0; i < lengthof(zones); i++)
	{
		RangeGrid	grid;
		int64		cell;

		partman_parse_grid(key, interval, zones[i], epoch, &grid);
		if (grid.kind == GRID_INTEGER)
			return "UTC";		/* integer cells do not depend on a zone */
		if (!found)
			return zones[i];
		cell = partman_grid_cell_of(&grid, lower);
		if (partman_compare_keys(key, partman_grid_bound(&grid, cell), lower) == 0 &&
			partman_compare_keys(key, partman_grid_bound(&grid, cell + 1), upper) == 0)
			return zones[i];
	}
	return NULL;
}

/*
 * What adoption requires of a pg_partman set (f, its config row): native
 * RANGE, no sub-partitioning, a parent the caller owns and partman does not
 * manage yet, a key partman can lay a time grid on.  Sets *key_out to the
 * parent's key and *epoch_out to the set's epoch ("seconds" /
 * "milliseconds") or NULL.
 */
static void
check_adoptable(char **f, PartmanKey *key_out, const char **epoch_out)
{
	PartmanKey	key;
	Oid			parent;
	const char *epoch = NULL;

	if (f[F_TYPE] == NULL || (strcmp(f[F_TYPE], "native") != 0 && strcmp(f[F_TYPE], "range") != 0))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("partition_type %s: only native RANGE sets can be adopted",
						f[F_TYPE] ? f[F_TYPE] : "NULL")));
	if (f[F_EPOCH] != NULL && strcmp(f[F_EPOCH], "none") != 0)
	{
		if (strcmp(f[F_EPOCH], "seconds") != 0 && strcmp(f[F_EPOCH], "milliseconds") != 0)
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("epoch %s: partman partitions integer keys holding epoch seconds or milliseconds only",
							f[F_EPOCH])));
		epoch = f[F_EPOCH];
	}
	if (is_true(f[F_SUB_PARENT]))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("sub-partitioning: partman would make plain partitions where pg_partman makes partitioned ones")));
	parent = DatumGetObjectId(DirectFunctionCall1(to_regclass, CStringGetTextDatum(f[F_PARENT])));
	if (!OidIsValid(parent))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("table %s does not exist", f[F_PARENT])));
	partman_read_key(parent, &key);
	partman_check_owner(parent);
	if (key.strategy != PARTITION_STRATEGY_RANGE)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("table %s is partitioned by %s, and only RANGE sets can be adopted",
						f[F_PARENT], partman_strategy_keyword(key.strategy))));
	if (partman_config_exists(parent))
		ereport(ERROR,
				(errcode(ERRCODE_DUPLICATE_OBJECT),
				 errmsg("table %s is already managed by partman", f[F_PARENT])));
	/* 5.x: only its own UUIDv7 encoder matches a grid partman knows */
	if (f[F_TIME_ENCODER] != NULL &&
		(key.typid != UUIDOID ||
		 strcmp(strrchr(f[F_TIME_ENCODER], '.') ? strrchr(f[F_TIME_ENCODER], '.') + 1 :
				f[F_TIME_ENCODER], "uuid7_time_encoder") != 0))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("time_encoder %s: partman partitions by time only keys of time types, integer keys holding epoch time and uuid keys holding UUIDv7 values",
						f[F_TIME_ENCODER])));

	*key_out = key;
	*epoch_out = epoch;
}

/* The config partman registers for the set: pg_partman's settings, translated. */
static void
translate_config(char **f, const PartmanKey *key, const char *zone, const char *epoch,
				 PartmanConfig *out)
{
	PartmanConfig cfg;

	memset(&cfg, 0, sizeof(cfg));
	cfg.parent = key->parent;
	cfg.strategy = "range";
	cfg.key = key->attname;
	cfg.interval = f[F_INTERVAL];
	cfg.premake = f[F_PREMAKE] ? pg_strtoint32(f[F_PREMAKE]) : 4;
	cfg.retention = f[F_RETENTION];
	cfg.retention_schema = f[F_RETENTION_SCHEMA];
	cfg.retention_action = cfg.retention == NULL || !is_true(f[F_KEEP_TABLE]) ? "drop" :
		cfg.retention_schema ? "archive" : "detach";
	if (strcmp(cfg.retention_action, "archive") != 0)
		cfg.retention_schema = NULL;
	cfg.time_zone = pstrdup(zone);
	cfg.epoch = epoch ? pstrdup(epoch) : NULL;
	cfg.default_partition = OidIsValid(partman_default_partition(key->parent));
	cfg.require_filter = "off";
	*out = cfg;
}

/* Record what adoption carried over from pg_partman's config. */
static void
note_carried(OldSet *old, const PartmanConfig *cfg_in, const PartmanKey *key, const char *epoch)
{
	char	  **f = old->f;
	PartmanConfig cfg = *cfg_in;

	old->carried = lappend(old->carried, psprintf("interval %s", cfg.interval));
	old->carried = lappend(old->carried, psprintf("premake %d", cfg.premake));
	if (cfg.retention)
		old->carried = lappend(old->carried,
							   psprintf("retention %s (%s%s%s)", cfg.retention, cfg.retention_action,
										cfg.retention_schema ? " to " : "",
										cfg.retention_schema ? cfg.retention_schema : ""));
	if (key->typid == TIMESTAMPTZOID || key->typid == UUIDOID || epoch != NULL)
		old->carried = lappend(old->carried, psprintf("time_zone %s", cfg.time_zone));
	if (epoch != NULL)
		old->carried = lappend(old->carried, psprintf("epoch %s", epoch));
	if (f[F_TIME_ENCODER] != NULL)
		old->carried = lappend(old->carried,
							   psprintf("time_encoder %s (partman's UUIDv7 set)", f[F_TIME_ENCODER]));
	old->carried = lappend(old->carried, cfg.default_partition ? "default partition" :
						   "no default partition");
	if (f[F_AUTOMATIC] != NULL && strcmp(f[F_AUTOMATIC], "off") == 0)
	{
		partman_config_disable_maintenance(key->parent);
		old->carried = lappend(old->carried, "automatic_maintenance off (maintenance_enabled false)");
	}
	if (is_true(f[F_INHERIT_PRIVILEGES]))
		old->carried = lappend(old->carried, "inherit_privileges (partman always copies the parent's privileges)");

}

/* Record the pg_partman settings partman has no counterpart for, and why. */
static void
note_not_carried(OldSet *old, const PartmanConfig *cfg, const PartmanKey *key, const char *epoch)
{
	char	  **f = old->f;

	if (f[F_TEMPLATE])
		old->not_carried = lappend(old->not_carried,
								   psprintf("template_table %s: partman copies new partitions' properties from the parent and the newest partition",
											f[F_TEMPLATE]));
	if (f[F_CONSTRAINT_COLS])
		old->not_carried = lappend(old->not_carried,
								   "constraint_cols: partman adds no constraints on other columns to old partitions");
	if (cfg->retention && strcmp(cfg->retention_action, "drop") != 0 && f[F_KEEP_INDEX] &&
		!is_true(f[F_KEEP_INDEX]))
		old->not_carried = lappend(old->not_carried,
								   "retention_keep_index false: tables partman detaches keep their indexes");
	if (((key->typid != INT2OID && key->typid != INT4OID && key->typid != INT8OID &&
		  key->typid != NUMERICOID) || epoch != NULL) && f[F_INFINITE] && !is_true(f[F_INFINITE]))
		old->not_carried = lappend(old->not_carried,
								   "infinite_time_partitions false: partman makes partitions ahead of now even when no new rows arrive");
	if (f[F_DATE_TRUNC])
		old->not_carried = lappend(old->not_carried,
								   psprintf("date_trunc_interval %s: partman aligns new partitions on its own grid in time_zone %s",
											f[F_DATE_TRUNC], cfg->time_zone));
	if (is_true(f[F_IGNORE_DEFAULT]))
		old->not_carried = lappend(old->not_carried,
								   "ignore_default_data true: partman moves rows out of the default partition when a new partition needs them");
	if (f[F_MAINTENANCE_ORDER])
		old->not_carried = lappend(old->not_carried,
								   psprintf("maintenance_order %s: partman maintains sets in order of parent", f[F_MAINTENANCE_ORDER]));
	if (is_true(f[F_KEEP_PUBLICATION]))
		old->not_carried = lappend(old->not_carried,
								   "retention_keep_publication true: partitions partman retires leave no publication behind");
	if (f[F_PUBLICATIONS])
		old->not_carried = lappend(old->not_carried,
								   psprintf("publications %s: partman adds new partitions to no publication",
											f[F_PUBLICATIONS]));
	old->not_carried = lappend(old->not_carried,
							   psprintf("naming: existing partitions keep pg_partman's names; new ones are named %s",
										partman_range_name(key, "<suffix>")));

}

/* Register one set; ERRORs (in a subtransaction) when it cannot be. */
static void
adopt_one(void *arg)
{
	OldSet	   *old = arg;
	char	  **f = old->f;
	PartmanKey	key;
	PartmanConfig cfg;
	const char *zone;
	const char *epoch;

	check_adoptable(f, &key, &epoch);
	zone = aligned_zone(&key, f[F_INTERVAL], epoch);
	if (zone == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("the partitions of table %s do not lie on partman's grid of %s",
						f[F_PARENT], f[F_INTERVAL]),
				 errdetail("Neither in time zone %s nor in UTC do the newest partition's bounds start and end a cell of the grid.",
						   GetConfigOption("TimeZone", false, false))));

	translate_config(f, &key, zone, epoch, &cfg);
	partman_validate_config(&cfg, &key);
	partman_config_insert(&cfg);
	note_carried(old, &cfg, &key, epoch);
	note_not_carried(old, &cfg, &key, epoch);
	if (old->disable)
	{
		partman_pg_partman_disable(old->config, f[F_PARENT]);
		old->carried = lappend(old->carried, "pg_partman's automatic_maintenance switched off");
	}
}

/* The strings of items, copied into the current memory context. */
static List *
copy_strings(List *items)
{
	List	   *copy = NIL;
	ListCell   *lc;

	foreach(lc, items)
		copy = lappend(copy, pstrdup((char *) lfirst(lc)));
	return copy;
}

/*
 * partman_adopt_sets
 *		Register every set in <schema>.part_config (pg_partman's, or a copy
 *		of it) with partman, each in its own subtransaction, and switch
 *		pg_partman's maintenance off for those adopted when disable.  Returns
 *		one PartmanAdoption per set, in the caller's memory context.  Takes
 *		the locks partman.create_parent would not: registering a set creates
 *		no partition, so it only reads the parent (ACCESS SHARE).
 */
List *
partman_adopt_sets(const char *schema, bool disable)
{
	int			spi_level;
	SPITupleTable *sets;
	uint64		nsets;
	MemoryContext cxt = CurrentMemoryContext;
	Oid			config;
	List	   *result = NIL;

	spi_level = partman_spi_connect(false);
	/* pg_partman's configuration table, or a copy of it (see the README) */
	config = partman_pg_partman_config(schema);
	sets = partman_pg_partman_sets(config, columns, lengthof(columns), &nsets);

	for (uint64 i = 0; i < nsets; i++)
	{
		OldSet		old;
		ErrorData  *edata;
		PartmanAdoption *adoption;

		memset(&old, 0, sizeof(old));
		for (int k = 0; k < F_COUNT; k++)
			old.f[k] = SPI_getvalue(sets->vals[i], sets->tupdesc, k + 1);
		old.config = config;
		old.disable = disable;
		edata = partman_try_subtransaction(adopt_one, &old);
		if (edata != NULL)
		{
			old.carried = NIL;
			old.not_carried = list_make1(edata->message);
		}

		/* SPI's memory goes at partman_spi_finish: the result is the caller's */
		MemoryContextSwitchTo(cxt);
		adoption = palloc0(sizeof(PartmanAdoption));
		adoption->parent = pstrdup(old.f[F_PARENT]);
		adoption->adopted = (edata == NULL);
		adoption->carried = copy_strings(old.carried);
		adoption->not_carried = copy_strings(old.not_carried);
		result = lappend(result, adoption);
	}
	partman_spi_finish(spi_level);
	return result;
}
