/*-------------------------------------------------------------------------
 *
 * catalog.h
 *	  The catalog layer: what PostgreSQL's catalogs say about a set (key,
 *	  partitions, bounds; cached per backend with relcache invalidation),
 *	  and the only readers and writers of partman.part_config and
 *	  partman.maintenance_log.
 *
 * Included by partman.h, after the types shared by every layer.
 *
 *-------------------------------------------------------------------------
 */
#ifndef PARTMAN_CATALOG_H
#define PARTMAN_CATALOG_H

/* ---------------------------------------------------------------------
 * functions in catalog.c: what PostgreSQL's catalogs say about a set
 * ---------------------------------------------------------------------
 */
extern void partman_read_key(Oid parent, PartmanKey *key);
extern char *partman_key_column(Oid relid);
extern char *partman_sub_key_column(Oid parent);
extern List *partman_list_partitions(Oid parent);
extern Oid	partman_default_partition(Oid parent);
extern bool partman_range_upper(Oid parent, bool newest, Datum *bound);
extern int	partman_range_gaps(Oid parent, const Datum *after, int max, Datum *lower,
							   Datum *upper);
extern Oid	partman_route_value(Oid parent, Datum value, bool isnull);
extern int	partman_compare_keys(const PartmanKey *key, Datum a, Datum b);

/* a per-backend cache keyed by relation OID (the entry starts with the OID) */
typedef struct PartmanRelidCache
{
	const char *name;
	Size		entrysize;
	struct HTAB *hash;			/* NULL until first used or after a reset */
	bool		registered;		/* relcache callback registered */
} PartmanRelidCache;
typedef void (*PartmanRelidCacheFill) (Oid relid, void *entry);
extern void *partman_relid_cache_lookup(PartmanRelidCache *cache, Oid relid,
										PartmanRelidCacheFill fill);
extern void partman_check_owner(Oid relid);
extern Oid	partman_class_owner(Oid relid);
extern bool partman_class_rowsecurity(Oid relid);
extern double partman_class_reltuples(Oid relid);

/* ---------------------------------------------------------------------
 * functions in config.c: the partman.part_config catalog
 * ---------------------------------------------------------------------
 */
extern void partman_open_set(Oid parent, PartmanSet *set);
extern void partman_open_set_config(const PartmanConfig *cfg, PartmanSet *set);
extern List *partman_config_read_maintained(MemoryContext cxt);
extern List *partman_parse_storage(const char *text);
extern void partman_validate_config(const PartmanConfig *cfg, const PartmanKey *key);
extern bool partman_config_read(Oid parent, PartmanConfig *cfg);
/* catalog.c: a composite set's sub-partitioning key */
extern void partman_sub_key(const PartmanKey *key, const char *column,
							char strategy, PartmanKey *sub);
extern char partman_sub_strategy_code(const char *name);

/* One member of a list_values object: a partition suffix and its bound. */
typedef struct PartmanListMember
{
	char	   *suffix;
	PartmanBound bound;
} PartmanListMember;

/* config.c: list_values and sub_list_values, read */
extern List *partman_parse_list_values(const PartmanKey *key, Datum list_values,
									   const char *what);

/* What the planner reads of a set (partman_config_for_planner). */
typedef struct PartmanPlannerConfig
{
	char	   *require_filter;
	int			max_partitions;
	char	   *epoch;			/* 'seconds', 'milliseconds' or NULL */
	bool		by_time;		/* has an interval: a RANGE set by time */
} PartmanPlannerConfig;

extern bool partman_config_for_planner(Oid relid, PartmanPlannerConfig *out);
extern bool partman_config_exists(Oid parent);
extern void partman_not_managed(Oid parent);
extern void partman_config_insert(const PartmanConfig *cfg);
extern void partman_config_delete(Oid parent);
extern void partman_config_set_default(Oid parent, bool on);
extern void partman_config_read_own(Oid parent, PartmanConfig *cfg);
extern int	partman_setting(const char *name);
extern Oid	partman_setting_type(int setting);
extern void partman_config_change(PartmanConfig *cfg, int n, const int *setting,
								  const Datum *values, const bool *isnull);
extern const char *partman_strategy_name(char strategy);
extern const char *partman_strategy_keyword(char strategy);

/* The parameters of a catalog write, added in order: $1, $2, ... */
#define PARTMAN_MAX_ARGS 20
typedef struct PartmanArgs
{
	int			n;
	Oid			types[PARTMAN_MAX_ARGS];
	Datum		values[PARTMAN_MAX_ARGS];
	char		nulls[PARTMAN_MAX_ARGS];
} PartmanArgs;

extern void partman_args_add_if(PartmanArgs *args, Oid type, bool present, Datum value);
extern void partman_args_add(PartmanArgs *args, Oid type, Datum value);
extern void partman_args_text(PartmanArgs *args, const char *str);
extern void partman_args_name(PartmanArgs *args, const char *str);
extern void partman_catalog_write_args(const char *relname, const char *sql, PartmanArgs *args,
									   int expected);
extern void partman_arg_text(Datum *values, char *nulls, int i, const char *str);
extern void partman_arg_name(Datum *values, char *nulls, int i, const char *str);
extern void partman_catalog_write(const char *relname, const char *sql, int nargs,
								  Oid *argtypes, Datum *values, const char *nulls,
								  int expected);
extern void partman_catalog_delete(const char *relname, const char *sql, Oid argtype, Datum arg);
extern void partman_config_record_outcome(Oid parent, const char *error);
extern void partman_config_record_unreachable(Oid parent, List *servers);
extern void partman_config_record_idle(List *parents);
extern List *partman_config_parents(void);
extern void partman_config_disable_maintenance(Oid parent);

extern List *partman_config_pending_detaches(MemoryContext cxt);

/* ---------------------------------------------------------------------
 * functions in log.c: partman.maintenance_log
 * ---------------------------------------------------------------------
 */
extern void partman_log_step(Oid parent, const char *action, const char *partition,
							 const char *outcome, const char *detail, TimestampTz started);
extern void partman_prune_log(void);

/* ---------------------------------------------------------------------
 * functions in moves.c: partman.moves, the state of unfinished moves
 * ---------------------------------------------------------------------
 */
typedef struct PartmanMoveState
{
	Oid			partition;
	Oid			parent;
	char	   *server;			/* target server, or NULL: back to local */
	char	   *phase;			/* 'preparing' | 'copying' | 'copied' */
	char	   *snapshot;		/* the copy's snapshot, or NULL */
	int64		rows_copied;
	/* shard_table: partition is the table, parent the sharded table built */
	char	   *shard_key;		/* NULL for a move */
	char	   *servers;		/* name[] as text */
	int			modulus;
} PartmanMoveState;

extern bool partman_move_state_read(Oid partition, PartmanMoveState *state);
extern void partman_move_state_write(const PartmanMoveState *state);
extern void partman_move_state_delete(Oid partition);

/* ---------------------------------------------------------------------
 * functions in relations.c: what PostgreSQL's catalogs say about a table
 * partition_table converts or split_partition_online splits
 * ---------------------------------------------------------------------
 */
/* the NOT VALID CHECK constraint partition_table bounds the table with */
#define PARTMAN_TABLE_BOUND "partman_partition_table_bound"

/* pg_class, of one relation */
typedef struct PartmanRelation
{
	char	   *relname;
	Oid			nspid;
	Oid			owner;
	char		relkind;
	bool		relispartition;
	char		relpersistence;
	Oid			reloftype;
} PartmanRelation;

/* pg_attribute, of one column */
typedef struct PartmanColumn
{
	AttrNumber	attnum;
	char		attgenerated;
	char	   *attname;
	Oid			typid;
	int32		typmod;
	Oid			collation;
} PartmanColumn;

/* objects that refer to a table itself (partman_first_dependent) */
typedef enum PartmanDependent
{
	PARTMAN_DEPENDENT_MATVIEW,
	PARTMAN_DEPENDENT_FUNCTION, /* with a BEGIN ATOMIC body */
	PARTMAN_DEPENDENT_PUBLICATION
} PartmanDependent;

/* a CHECK constraint or foreign key of a table */
typedef struct PartmanConstraint
{
	char	   *name;
	char		contype;		/* 'c' or 'f' */
	bool		self_referencing;	/* a foreign key to its own table */
	bool		validated;
	bool		noinherit;
} PartmanConstraint;

/* a foreign key that references a table */
typedef struct PartmanReference
{
	char	   *conname;
	Oid			relid;			/* the referencing table */
	char		relkind;
} PartmanReference;

typedef struct PartmanConstraintDef
{
	char	   *name;
	char	   *definition;		/* pg_get_constraintdef */
} PartmanConstraintDef;

typedef struct PartmanIndexDef
{
	char	   *name;
	char	   *definition;		/* pg_get_indexdef */
	char	   *conname;		/* the constraint it backs, or NULL */
	char	   *condef;			/* its pg_get_constraintdef, or NULL */
	bool		replident;		/* the replica identity index */
} PartmanIndexDef;

typedef struct PartmanTriggerDef
{
	char	   *name;
	char	   *definition;		/* pg_get_triggerdef */
	char		enabled;		/* pg_trigger.tgenabled */
} PartmanTriggerDef;

typedef struct PartmanColumnSequence
{
	char	   *attname;
	bool		identity;		/* an identity column's, else OWNED BY */
	Oid			seq;
} PartmanColumnSequence;

typedef struct PartmanViewDef
{
	Oid			relid;
	Oid			owner;
	char	   *definition;		/* pg_get_viewdef */
	char	   *options;		/* reloptions, comma-separated, or NULL */
} PartmanViewDef;

extern bool partman_read_relation(Oid relid, PartmanRelation *rel);
extern bool partman_read_column(Oid relid, const char *name, PartmanColumn *column);
extern void partman_read_table_key(Oid relid, PartmanRelation *rel, PartmanKey *key);
extern void partman_read_key_column(PartmanKey *key, const char *keycol);
extern void partman_inheritance_and_rules(Oid table, bool *inherits, bool *has_rules);
extern char *partman_unique_index_without(Oid table, AttrNumber attnum, bool *primary,
										  bool *exclusion, char **columns);
extern char *partman_first_dependent(Oid table, PartmanDependent kind);
extern bool partman_row_security(Oid table);
extern List *partman_check_and_fk_constraints(Oid table);
extern List *partman_fks_of_others(Oid table);
extern List *partman_fks_referencing_set(Oid parent);
extern List *partman_dependent_views(Oid table);
extern List *partman_view_definitions(Oid table);
extern List *partman_index_definitions(Oid table);
extern List *partman_constraint_definitions(Oid table);
extern List *partman_fk_definitions(Oid table);
extern bool partman_bound_constraint_exists(Oid table);
extern List *partman_trigger_definitions(Oid table);
extern List *partman_column_sequences(Oid table);
extern void partman_table_properties(Oid table, char *replident, char **comment,
									 char **tablespace);
extern char *partman_unique_key_match(Oid parent);

/* ---------------------------------------------------------------------
 * functions in pg_partman.c: pg_partman's configuration, for adoption
 * ---------------------------------------------------------------------
 */
extern Oid	partman_pg_partman_config(const char *schema);
extern struct SPITupleTable *partman_pg_partman_sets(Oid config, const char *const *columns,
													 int ncolumns, uint64 *nsets);
extern void partman_pg_partman_disable(Oid config, const char *parent_table);

#endif							/* PARTMAN_CATALOG_H */
