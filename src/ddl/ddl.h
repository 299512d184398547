/*-------------------------------------------------------------------------
 *
 * ddl.h
 *	  The DDL layer: the only place that builds and runs statements against
 *	  user tables.  It quotes names and values, bounds every lock wait by
 *	  partman.lock_timeout, and runs as the table's owner with a pinned
 *	  search_path.  statements.c holds the text of every statement, so that
 *	  what runs, what maintenance_plan prints and what a HINT suggests are
 *	  written once.
 *
 * Included by partman.h, after the types shared by every layer.
 *
 *-------------------------------------------------------------------------
 */
#ifndef PARTMAN_DDL_H
#define PARTMAN_DDL_H

/* ---------------------------------------------------------------------
 * functions in ddl.c: the rules every statement follows; making,
 * retiring and securing partitions
 * ---------------------------------------------------------------------
 */
extern void partman_lock_relation(Oid relid, LOCKMODE mode);
/* What partman_begin_ddl changed, for partman_end_ddl to restore. */
typedef struct PartmanDdlState
{
	int			nestlevel;
	Oid			userid;
	int			sec_context;
} PartmanDdlState;

extern void partman_begin_ddl(const PartmanKey *key, PartmanDdlState *state);
extern void partman_end_ddl(const PartmanDdlState *state);
extern const char *partman_ddl_exec(const char *sql);
extern void partman_ddl_exec_list(List *statements);
extern char *partman_storage_clause(const char *text);
extern void partman_read_template(const PartmanKey *key, const PartmanConfig *cfg,
								  PartmanTemplate *tmpl);

/* ---------------------------------------------------------------------
 * functions in create.c: how a new partition is made
 * ---------------------------------------------------------------------
 */
extern List *partman_create_partition_statements(const PartmanKey *key,
												 const PartmanTemplate *tmpl,
												 const char *name, const char *bound_clause);
extern Oid	partman_create_range_partition(const PartmanKey *key,
										   const PartmanTemplate *tmpl,
										   const char *name,
										   Datum lower, Datum upper);
extern Oid	partman_create_default_partition(const PartmanKey *key,
											 const PartmanTemplate *tmpl);
extern Oid	partman_create_partition(const PartmanKey *key, const PartmanTemplate *tmpl,
									 const char *name, const char *bound_clause);
extern List *partman_secure_partition_statements(Oid relid);
extern bool partman_partition_is_secured(Oid relid);
extern void partman_copy_table_privileges(Oid from, Oid to);
extern void partman_template_add_sub(PartmanTemplate *tmpl, const PartmanConfig *cfg);
extern void partman_sub_template(const PartmanTemplate *tmpl, Oid partition,
								 PartmanTemplate *sub);

/* ddl.c, continued */
extern ErrorData *partman_try_subtransaction(void (*fn) (void *), void *arg);
extern void partman_fail_after_cleanup(ErrorData *edata, void (*cleanup) (void *),
									   void (*warn) (void *, ErrorData *), void *arg) pg_attribute_noreturn();
extern int	partman_lock_batch(void);
extern int	partman_locks_per_partition(Oid parent, const PartmanTemplate *tmpl);
extern void partman_check_lock_budget(Oid parent, const PartmanTemplate *tmpl, int64 partitions,
									  const char *what, const char *hint);
extern void partman_lock_table_filled(const ErrorData *edata, Oid parent,
									  const PartmanTemplate *tmpl, int64 partitions,
									  const char *what, const char *hint);
extern List *partman_drop_partition_statements(Oid parent, Oid relid);
extern List *partman_archive_statements(Oid relid, const char *schema);
extern List *partman_retire_statements(Oid parent, Oid relid, const char *action,
									   const char *schema, const char *how);
extern void partman_drop_partition_table(Oid parent, Oid relid);
extern void partman_retire_partition(const PartmanKey *key, Oid relid, const char *action,
									 const char *schema);

/* A foreign key of another table that references a table being replaced. */
typedef struct PartmanForeignKey
{
	Oid			relid;			/* the referencing table */
	Oid			owner;			/* its owner, who runs the statements */
	char	   *drop;			/* ALTER TABLE ... DROP CONSTRAINT */
	char	   *add;			/* ALTER TABLE ... ADD CONSTRAINT ... NOT VALID */
	char	   *validate;		/* ALTER TABLE ... VALIDATE CONSTRAINT, or NULL */
} PartmanForeignKey;

extern void partman_exec_as(Oid owner, const char *sql);
extern List *partman_referencing_fks(Oid table);
extern void partman_validate_fks(List *fks);

/* ---------------------------------------------------------------------
 * functions in statements.c: the text of every statement against user
 * tables (arguments ending in _q are qualified and quoted already)
 * ---------------------------------------------------------------------
 */
extern char *partman_sql_attach(const char *parent_q, const char *table_q,
								const char *bound_clause);
extern char *partman_sql_detach(const char *parent_q, const char *table_q, const char *how);
extern char *partman_sql_set_schema(const char *table_q, const char *schema);
extern char *partman_sql_drop_table(const char *table_q, bool if_exists);
extern char *partman_sql_truncate(const char *table_q);
extern char *partman_sql_analyze(const char *table_q);
extern char *partman_sql_rename(const char *kind, const char *object_q, const char *name);
extern char *partman_sql_create_key_index(const char *name, const char *table_q,
										  const char *column);
extern char *partman_sql_drop_index(const char *index_q, bool if_exists);
extern char *partman_sql_create_temp_like(const char *temp_q, const char *table_q);
extern char *partman_sql_create_parent_like(const char *table_q, const char *like_q,
											 const char *strategy,
											const char *column, const char *tablespace);
extern char *partman_sql_example_parent(const char *relname);
extern char *partman_sql_call_partition_table(const char *table_q, const char *column,
											  const char *interval);
extern char *partman_sql_comment_on_table(const char *table_q, const char *comment);
extern char *partman_sql_replica_identity(const char *table_q, char replident,
										  const char *index);
extern char *partman_sql_set_not_null(const char *table_q, const char *column);
extern char *partman_sql_drop_identity(const char *table_q, const char *column);
extern char *partman_sql_continue_identity(const char *table_q, const char *column,
										   const char *old_seq_q);
extern char *partman_sql_add_constraint(const char *table_q, const char *name,
										const char *definition, bool not_valid);
extern char *partman_sql_add_check(const char *table_q, const char *name,
								   const char *condition, bool not_valid, bool replace);
extern char *partman_sql_add_checks(const char *table_q, List *names, List *conditions);
extern char *partman_sql_revoke_all(const char *table_q, List *roles);
extern char *partman_sql_grant(const char *table_q, const char *privileges, const char *grantee,
							   bool with_grant_option);
extern char *partman_sql_create_partition(const char *table_q, const char *parent_q,
										  const char *bound_clause, bool foreign,
										  const char *options);
extern char *partman_sql_partition_by(const char *strategy, const char *column);
extern char *partman_sql_enable_row_security(const char *table_q);
extern char *partman_sql_drop_constraints(const char *table_q, List *names, bool if_exists);
extern char *partman_sql_drop_constraint(const char *table_q, const char *name, bool if_exists);
extern char *partman_sql_validate_constraint(const char *table_q, const char *name);
extern char *partman_sql_drop_trigger(const char *table_q, const char *name);
extern char *partman_sql_trigger_state(const char *table_q, const char *name, char tgenabled);
extern char *partman_sql_sequence_owned_by(const char *sequence_q, const char *table_q,
										   const char *column);
extern char *partman_sql_replace_view(const char *view_q, const char *options,
									  const char *definition);
extern char *partman_sql_create_staging(const char *staging_q, const char *parent_q,
										const char *column);
extern char *partman_sql_create_staging_unindexed(const char *staging_q, const char *parent_q,
												  const char *column);
extern char *partman_sql_mirror_delete(const char *staging_q, const char *key_match);
extern char *partman_sql_mirror_insert(const char *staging_q, const char *columns);
extern char *partman_sql_mirror_function(const char *function_q, const char *staging_q,
										 const char *delete_sql, const char *insert_sql);
extern List *partman_sql_mirror_triggers(const char *table_q, const char *function_q);
extern char *partman_sql_drop_function(const char *function_q, bool if_exists, bool cascade);
extern char *partman_sql_call_create_range(const char *parent_q, const char *lower,
										   const char *upper, const char *name,
										   const char *server);
extern char *partman_sql_call_drop_partition(const char *partition_q);
extern char *partman_sql_drop_foreign_table(const char *table_q);
extern char *partman_sql_call_partition_data(const char *parent_q);

/* move_partition's statements (statements.c); cols: the parent's columns, quoted */
extern char *partman_sql_move_journal(const char *journal_q, const char *rowtype_q);
extern char *partman_sql_move_capture_function(const char *function_q, const char *journal_q,
											   const char *by_name_q, const char *procedure);
extern List *partman_sql_move_capture_triggers(const char *table_q, const char *function_q,
											   bool truncate_guard);
extern char *partman_sql_move_applied(const char *applied_q, bool if_not_exists);
extern char *partman_sql_move_stage(void);
extern char *partman_sql_move_stage_copy(void);
extern char *partman_sql_move_stage_arrays(void);
extern char *partman_sql_move_apply(const char *target_q, const char *applied_q,
									const char *key_q);
extern char *partman_sql_move_reset(const char *target_q, const char *applied_q);
extern char *partman_sql_move_cursor(const char *cursor, const char *source_q,
									 const char *cols, bool as_image, bool partitioned);
extern char *partman_sql_move_journal_batch(const char *journal_q, const char *image,
											 const char *key_q, int limit);
extern char *partman_sql_shard_source_fingerprint(const char *source_q, bool partitioned,
												  const char *journal_q, const char *image,
												  const char *journal_image, Oid parent,
												  int modulus, const char *key_q);
extern char *partman_sql_move_journal_forget(const char *journal_q);
extern char *partman_sql_move_source_fingerprint(const char *source_q, const char *journal_q,
												 const char *image, const char *journal_image);
extern char *partman_sql_move_target_fingerprint(const char *target_q);
extern char *partman_sql_move_count(const char *table_q, bool with_partitions);
extern char *partman_sql_move_load_copy(const char *target_q, const char *cols);
extern char *partman_sql_move_load_images(const char *target_q);
extern char *partman_sql_move_local_target(const char *target_q, const char *parent_q);
extern char *partman_sql_create_foreign_partition(const char *table_q, const char *parent_q,
												  const char *bound, const char *options);
extern char *partman_sql_call_move_partition(const char *partition_q, const char *server);
extern char *partman_sql_set_local(List *names, List *values);

/* ---------------------------------------------------------------------
 * functions in rows.c: queries against the rows of user tables
 * ---------------------------------------------------------------------
 */
extern char *partman_column_list(Oid parent);
extern uint64 partman_move_rows(Oid parent, const char *from, const char *to,
								const char *condition);
extern uint64 partman_move_rows_locked(Oid parent, const char *from, List *to, List *parts,
									   const char *condition);
extern uint64 partman_copy_rows(Oid parent, const char *from, const char *to);
extern uint64 partman_count_rows(const char *table, const char *condition);
extern bool partman_any_row(const char *table, const char *condition);
extern char *partman_move_rows_sql(Oid parent, const char *from, const char *to,
								   const char *condition);
extern List *partman_rescue_statements(const PartmanKey *key, const PartmanTemplate *tmpl,
									   const char *name, const PartmanBound *bound);
extern Oid	partman_create_with_rescue(const PartmanKey *key,
									   const PartmanTemplate *tmpl,
									   const char *name, const PartmanBound *bound);

/* Rows of a table whose key no partition of a RANGE set can hold. */
typedef struct PartmanStrays
{
	uint64		nulls;			/* NULL keys */
	uint64		below;			/* keys before the grid's reach */
	uint64		above;			/* keys at or past its end: infinity, NaN, ... */
	char	   *lowest;			/* the smallest key below, as text */
	char	   *highest;		/* the largest key above, as text */
} PartmanStrays;

extern uint64 partman_count_strays(const PartmanKey *key, const char *table,
								   const PartmanBound *reach, PartmanStrays *strays);
extern char *partman_strays_detail(const PartmanKey *key, const PartmanStrays *strays,
								   const PartmanBound *reach);
extern bool partman_key_range(const PartmanKey *key, const char *table, const char *condition,
							  bool one_scan, Datum *min, Datum *max);

/* What partition_data reads about the keys in a default partition. */
typedef struct PartmanBatchKeys
{
	Datum		min;			/* of the keys a partition can hold */
	Datum		max;
	bool		has_offset;		/* there is a key at the batch's offset... */
	Datum		offset;			/* ...and this is it */
} PartmanBatchKeys;

extern bool partman_default_batch_keys(const PartmanKey *key, const char *table,
									   const char *placeable, int64 offset,
									   PartmanBatchKeys *keys);
extern bool partman_max_key_between(const PartmanKey *key, Datum lower, Datum upper,
									Datum *result);
extern char *partman_key_example(const PartmanKey *key, const char *table,
								 const char *condition);
extern void partman_continue_identity(const char *table_q, const char *column,
									  const char *old_seq_q);
extern char *partman_block_range(BlockNumber from, BlockNumber to);
extern uint64 partman_copy_blocks(const char *from_q, const char *to_q, const char *columns,
								  BlockNumber from, BlockNumber to);
extern void partman_fingerprints(const char *a_q, const char *b_q, const char *columns,
								 char **a, char **b);

/* ---------------------------------------------------------------------
 * functions in boundspec.c: a bound of any strategy as SQL
 * ---------------------------------------------------------------------
 */
extern char *partman_bound_clause(const PartmanKey *key, const PartmanBound *bound);
extern char *partman_bound_condition(const PartmanKey *key, const PartmanBound *bound);
extern char *partman_range_exclusion(const PartmanKey *key, const PartmanBound *bound);
extern void partman_bound_of(const PartmanPartition *part, PartmanBound *bound);
extern bool partman_bounds_overlap(const PartmanKey *key, const PartmanBound *a,
								   const PartmanBound *b);

/* ---------------------------------------------------------------------
 * functions and settings in remote.c: statements on other servers (the
 * tables behind foreign partitions), as the set's owner
 * ---------------------------------------------------------------------
 */
extern int	partman_remote_timeout_ms;

extern Oid	partman_remote_server(const char *name, Oid owner);
extern void partman_remote_check_parent(const PartmanKey *key, const PartmanTemplate *tmpl);
extern void partman_remote_create_table(const PartmanKey *key, const char *name,
										const char *server);
extern char *partman_remote_table_options(const PartmanKey *key, const char *name,
										  const char *server);
extern char *partman_partition_server(Oid relid);
extern void partman_remote_command(const char *server, Oid owner, const char *sql);
extern char **partman_remote_row(const char *server, Oid owner, const char *sql, int ncolumns);
extern void partman_remote_send(const char *server, Oid owner, const char *sql);
extern char **partman_remote_receive_row(const char *server, Oid owner, const char *sql,
										 int ncolumns);
extern void partman_remote_copy_in(const char *server, Oid owner, const char *copy_sql,
								   const char *data, size_t len);

/* the table a foreign partition reads on its server */
typedef struct PartmanRemoteTarget
{
	Oid			serverid;
	char	   *schema;
	char	   *table;
} PartmanRemoteTarget;

extern bool partman_remote_target(Oid relid, PartmanRemoteTarget *target);
extern void partman_remote_drop_table(const PartmanRemoteTarget *target, Oid owner);
extern bool partman_remote_max_key(const PartmanKey *key, Oid relid, Datum *result);
extern uint64 partman_remote_count_rows(Oid relid, Oid owner);
extern void partman_remote_clear_leftover(const PartmanKey *key, const char *name,
										  const char *server);
extern void partman_remote_reset_unreachable(void);
extern List *partman_remote_unreachable(void);

#endif							/* PARTMAN_DDL_H */
