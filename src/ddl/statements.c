/*-------------------------------------------------------------------------
 *
 * statements.c
 *	  The text of every statement partman runs against user tables, and of
 *	  the calls maintenance_plan prints: one builder per kind of statement,
 *	  so a statement is written in one place whether it is run, printed in
 *	  the dry run, or shown in a HINT.
 *
 * Builders are pure: they only format.  Table arguments ending in _q are
 * already qualified and quoted (partman_qualified_name); other names and
 * values are quoted here.  Callers run the statements (partman_ddl_exec)
 * inside partman_begin_ddl(), see ddl.c.
 *
 *-------------------------------------------------------------------------
 */
#include "partman.h"

#include "catalog/pg_class.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"

/* ---------------------------------------------------------------------
 * Partitions
 * ---------------------------------------------------------------------
 */

/* ALTER TABLE parent ATTACH PARTITION table <bound clause, or DEFAULT> */
char *
partman_sql_attach(const char *parent_q, const char *table_q, const char *bound_clause)
{
	return psprintf("ALTER TABLE %s ATTACH PARTITION %s %s", parent_q, table_q, bound_clause);
}

/* ALTER TABLE parent DETACH PARTITION table [CONCURRENTLY | FINALIZE] */
char *
partman_sql_detach(const char *parent_q, const char *table_q, const char *how)
{
	return psprintf("ALTER TABLE %s DETACH PARTITION %s%s%s", parent_q, table_q,
					how ? " " : "", how ? how : "");
}

/* ALTER TABLE table SET SCHEMA schema */
char *
partman_sql_set_schema(const char *table_q, const char *schema)
{
	return psprintf("ALTER TABLE %s SET SCHEMA %s", table_q, quote_identifier(schema));
}

/* ---------------------------------------------------------------------
 * Tables
 * ---------------------------------------------------------------------
 */

char *
partman_sql_drop_table(const char *table_q, bool if_exists)
{
	return psprintf("DROP TABLE %s%s", if_exists ? "IF EXISTS " : "", table_q);
}

char *
partman_sql_truncate(const char *table_q)
{
	return psprintf("TRUNCATE %s", table_q);
}

char *
partman_sql_analyze(const char *table_q)
{
	return psprintf("ANALYZE %s", table_q);
}

/* ALTER TABLE | INDEX | SEQUENCE object RENAME TO name */
char *
partman_sql_rename(const char *kind, const char *object_q, const char *name)
{
	return psprintf("ALTER %s %s RENAME TO %s", kind, object_q, quote_identifier(name));
}

/*
 * A plain index on column of table_q, named name (unquoted, in the table's
 * schema); partition_data's index for a default partition whose key has none.
 */
char *
partman_sql_create_key_index(const char *name, const char *table_q, const char *column)
{
	return psprintf("CREATE INDEX IF NOT EXISTS %s ON ONLY %s (%s)",
					quote_identifier(name), table_q, quote_identifier(column));
}

char *
partman_sql_drop_index(const char *index_q, bool if_exists)
{
	return psprintf("DROP INDEX %s%s", if_exists ? "IF EXISTS " : "", index_q);
}

/* A temporary table shaped like table_q, gone at commit. */
char *
partman_sql_create_temp_like(const char *temp_q, const char *table_q)
{
	return psprintf("CREATE TEMP TABLE %s (LIKE %s) ON COMMIT DROP", temp_q, table_q);
}

/*
 * The partitioned table that takes the place of table like_q (partition_table):
 * the same columns, defaults, identity, generated columns, storage,
 * compression and comments, partitioned by RANGE on column.
 */
char *
partman_sql_create_parent_like(const char *table_q, const char *like_q, const char *column,
							   const char *tablespace)
{
	return psprintf("CREATE TABLE %s (LIKE %s INCLUDING DEFAULTS INCLUDING IDENTITY "
					"INCLUDING GENERATED INCLUDING STORAGE INCLUDING COMPRESSION INCLUDING COMMENTS) "
					"PARTITION BY RANGE (%s)%s%s", table_q, like_q, quote_identifier(column),
					tablespace ? " TABLESPACE " : "", tablespace ? quote_identifier(tablespace) : "");
}

/* The example in the HINT for a table that is not partitioned. */
char *
partman_sql_example_parent(const char *relname)
{
	return psprintf("CREATE TABLE %s (id bigint, created_at timestamptz NOT NULL) "
					"PARTITION BY RANGE (created_at);", quote_identifier(relname));
}

char *
partman_sql_comment_on_table(const char *table_q, const char *comment)
{
	return psprintf("COMMENT ON TABLE %s IS %s", table_q, quote_literal_cstr(comment));
}

/*
 * The statement that gives table_q replica identity replident
 * (REPLICA_IDENTITY_*), with index for USING INDEX; NULL for the default.
 */
char *
partman_sql_replica_identity(const char *table_q, char replident, const char *index)
{
	switch (replident)
	{
		case REPLICA_IDENTITY_FULL:
			return psprintf("ALTER TABLE %s REPLICA IDENTITY FULL", table_q);
		case REPLICA_IDENTITY_NOTHING:
			return psprintf("ALTER TABLE %s REPLICA IDENTITY NOTHING", table_q);
		case REPLICA_IDENTITY_INDEX:
			if (index != NULL)
				return psprintf("ALTER TABLE %s REPLICA IDENTITY USING INDEX %s", table_q,
								quote_identifier(index));
			break;
	}
	return NULL;
}

/* ---------------------------------------------------------------------
 * Columns, constraints, triggers, sequences, views
 * ---------------------------------------------------------------------
 */

char *
partman_sql_set_not_null(const char *table_q, const char *column)
{
	return psprintf("ALTER TABLE %s ALTER COLUMN %s SET NOT NULL", table_q,
					quote_identifier(column));
}

char *
partman_sql_drop_identity(const char *table_q, const char *column)
{
	return psprintf("ALTER TABLE %s ALTER COLUMN %s DROP IDENTITY", table_q,
					quote_identifier(column));
}

/*
 * The query that continues the identity sequence of column of table_q
 * where old_seq_q, the sequence it replaces, left off.
 */
char *
partman_sql_continue_identity(const char *table_q, const char *column, const char *old_seq_q)
{
	return psprintf("SELECT pg_catalog.setval(pg_catalog.pg_get_serial_sequence(%s, %s), "
					"last_value, is_called) FROM %s",
					quote_literal_cstr(table_q), quote_literal_cstr(column), old_seq_q);
}

/* ALTER TABLE table ADD CONSTRAINT name <definition, as pg_get_constraintdef> [NOT VALID] */
char *
partman_sql_add_constraint(const char *table_q, const char *name, const char *definition,
						   bool not_valid)
{
	return psprintf("ALTER TABLE %s ADD CONSTRAINT %s %s%s", table_q, quote_identifier(name),
					definition, not_valid ? " NOT VALID" : "");
}

/*
 * ALTER TABLE table [DROP CONSTRAINT name,] ADD CONSTRAINT name CHECK
 * (condition) [NOT VALID]: with replace, a constraint of that name left by
 * an earlier run goes first.
 */
char *
partman_sql_add_check(const char *table_q, const char *name, const char *condition,
					  bool not_valid, bool replace)
{
	const char *qname = quote_identifier(name);

	return psprintf("ALTER TABLE %s %s%s%sADD CONSTRAINT %s CHECK (%s)%s", table_q,
					replace ? "DROP CONSTRAINT " : "", replace ? qname : "", replace ? ", " : "",
					qname, condition, not_valid ? " NOT VALID" : "");
}

/* One ALTER TABLE adding a CHECK constraint per name and condition. */
char *
partman_sql_add_checks(const char *table_q, List *names, List *conditions)
{
	StringInfoData sql;
	ListCell   *nc;
	ListCell   *cc;

	initStringInfo(&sql);
	appendStringInfo(&sql, "ALTER TABLE %s", table_q);
	forboth(nc, names, cc, conditions)
		appendStringInfo(&sql, "%s ADD CONSTRAINT %s CHECK (%s)", foreach_current_index(nc) ? "," : "",
						 quote_identifier(lfirst(nc)), (char *) lfirst(cc));
	return sql.data;
}

/* REVOKE ALL ON TABLE table FROM each of roles (names already quoted, or PUBLIC) */
char *
partman_sql_revoke_all(const char *table_q, List *roles)
{
	StringInfoData sql;
	ListCell   *lc;

	initStringInfo(&sql);
	appendStringInfo(&sql, "REVOKE ALL ON TABLE %s FROM ", table_q);
	foreach(lc, roles)
		appendStringInfo(&sql, "%s%s", foreach_current_index(lc) ? ", " : "", (char *) lfirst(lc));
	return sql.data;
}

/* ALTER TABLE table ENABLE ROW LEVEL SECURITY */
char *
partman_sql_enable_row_security(const char *table_q)
{
	return psprintf("ALTER TABLE %s ENABLE ROW LEVEL SECURITY", table_q);
}

/* One ALTER TABLE dropping each constraint of names. */
char *
partman_sql_drop_constraints(const char *table_q, List *names, bool if_exists)
{
	StringInfoData sql;
	ListCell   *lc;

	initStringInfo(&sql);
	appendStringInfo(&sql, "ALTER TABLE %s", table_q);
	foreach(lc, names)
		appendStringInfo(&sql, "%s DROP CONSTRAINT %s%s", foreach_current_index(lc) ? "," : "",
						 if_exists ? "IF EXISTS " : "", quote_identifier(lfirst(lc)));
	return sql.data;
}

char *
partman_sql_drop_constraint(const char *table_q, const char *name, bool if_exists)
{
	return partman_sql_drop_constraints(table_q, list_make1(pstrdup(name)), if_exists);
}

char *
partman_sql_validate_constraint(const char *table_q, const char *name)
{
	return psprintf("ALTER TABLE %s VALIDATE CONSTRAINT %s", table_q, quote_identifier(name));
}

char *
partman_sql_drop_trigger(const char *table_q, const char *name)
{
	return psprintf("DROP TRIGGER %s ON %s", quote_identifier(name), table_q);
}

/*
 * The statement that gives trigger name of table_q the state tgenabled
 * (pg_trigger's 'D', 'A', 'R'); NULL for 'O', the state a new trigger has.
 */
char *
partman_sql_trigger_state(const char *table_q, const char *name, char tgenabled)
{
	if (tgenabled == 'O')
		return NULL;
	return psprintf("ALTER TABLE %s %s TRIGGER %s", table_q,
					tgenabled == 'D' ? "DISABLE" : tgenabled == 'A' ? "ENABLE ALWAYS" : "ENABLE REPLICA",
					quote_identifier(name));
}

char *
partman_sql_sequence_owned_by(const char *sequence_q, const char *table_q, const char *column)
{
	return psprintf("ALTER SEQUENCE %s OWNED BY %s.%s", sequence_q, table_q,
					quote_identifier(column));
}

/* CREATE OR REPLACE VIEW view [WITH (options)] AS definition */
char *
partman_sql_replace_view(const char *view_q, const char *options, const char *definition)
{
	bool		with = options != NULL && options[0] != '\0';

	return psprintf("CREATE OR REPLACE VIEW %s%s%s%s AS %s", view_q, with ? " WITH (" : "",
					with ? options : "", with ? ")" : "", definition);
}

/* ---------------------------------------------------------------------
 * split_partition_online: the staging table and its write-through trigger
 * ---------------------------------------------------------------------
 */

/* An empty table shaped and partitioned like the set, with its indexes. */
char *
partman_sql_create_staging(const char *staging_q, const char *parent_q, const char *column)
{
	return psprintf("CREATE TABLE %s (LIKE %s INCLUDING DEFAULTS INCLUDING GENERATED INCLUDING CONSTRAINTS "
					"INCLUDING INDEXES) PARTITION BY RANGE (%s)", staging_q, parent_q,
					quote_identifier(column));
}

/*
 * A table partitioned like parent_q, with its columns, defaults, generated
 * columns and CHECK constraints but no index: partition_data fills
 * partitions made in it, and ATTACH builds the set's indexes on them.
 */
char *
partman_sql_create_staging_unindexed(const char *staging_q, const char *parent_q,
									 const char *column)
{
	return psprintf("CREATE TABLE %s (LIKE %s INCLUDING DEFAULTS INCLUDING GENERATED INCLUDING CONSTRAINTS) "
					"PARTITION BY RANGE (%s)", staging_q, parent_q, quote_identifier(column));
}

/* The write-through's removal of the copy of the row $1 (key_match finds it). */
char *
partman_sql_mirror_delete(const char *staging_q, const char *key_match)
{
	return psprintf("DELETE FROM %s WHERE %s", staging_q, key_match);
}

/* The write-through's copy of the row $1. */
char *
partman_sql_mirror_insert(const char *staging_q, const char *columns)
{
	return psprintf("INSERT INTO %s (%s) SELECT %s FROM (SELECT ($1).*) o ON CONFLICT DO NOTHING",
					staging_q, columns, columns);
}

/*
 * The trigger function that writes every change of a partition's rows
 * through to the staging table, as its owner (SECURITY DEFINER, so writers
 * need no rights on the staging table), with a pinned search_path.
 */
char *
partman_sql_mirror_function(const char *function_q, const char *staging_q,
							const char *delete_sql, const char *insert_sql)
{
	return psprintf("CREATE FUNCTION %s() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER "
					"SET search_path = pg_catalog, pg_temp AS %s",
					function_q,
					quote_literal_cstr(psprintf("BEGIN\n"
												"    IF TG_OP = 'TRUNCATE' THEN\n"
												"        TRUNCATE %s;\n"
												"        RETURN NULL;\n"
												"    END IF;\n"
												"    IF TG_OP IN ('UPDATE', 'DELETE') THEN\n"
												"        EXECUTE %s USING OLD;\n"
												"    END IF;\n"
												"    IF TG_OP IN ('UPDATE', 'INSERT') THEN\n"
												"        EXECUTE %s USING NEW;\n"
												"    END IF;\n"
												"    RETURN NULL;\n"
												"END",
												staging_q, quote_literal_cstr(delete_sql),
												quote_literal_cstr(insert_sql))));
}

/* The function's grants and the two triggers that call it on table_q. */
List *
partman_sql_mirror_triggers(const char *table_q, const char *function_q)
{
	return list_make3(psprintf("REVOKE ALL ON FUNCTION %s() FROM PUBLIC", function_q),
					  psprintf("CREATE TRIGGER partman_split_mirror AFTER INSERT OR UPDATE OR DELETE ON %s "
							   "FOR EACH ROW EXECUTE FUNCTION %s()", table_q, function_q),
					  psprintf("CREATE TRIGGER partman_split_mirror_truncate AFTER TRUNCATE ON %s "
							   "FOR EACH STATEMENT EXECUTE FUNCTION %s()", table_q, function_q));
}

/* DROP FUNCTION function() [CASCADE], the trigger function above */
char *
partman_sql_drop_function(const char *function_q, bool if_exists, bool cascade)
{
	return psprintf("DROP FUNCTION %s%s()%s", if_exists ? "IF EXISTS " : "", function_q,
					cascade ? " CASCADE" : "");
}

/* ---------------------------------------------------------------------
 * partman's own calls, as maintenance_plan prints them: each does on its
 * own what run_maintenance does in the step
 * ---------------------------------------------------------------------
 */

char *
partman_sql_call_create_default(const char *parent_q, const char *name)
{
	return psprintf("SELECT partman.create_partition(%s, is_default => true, name => %s)",
					quote_literal_cstr(parent_q), quote_literal_cstr(name));
}

/* create_partition of [lower, upper), values in the key type's output */
char *
partman_sql_call_create_range(const char *parent_q, const char *lower, const char *upper,
							  const char *name)
{
	return psprintf("SELECT partman.create_partition(%s, %s, %s, name => %s)",
					quote_literal_cstr(parent_q), quote_literal_cstr(lower),
					quote_literal_cstr(upper), quote_literal_cstr(name));
}

/* create_partition of a LIST partition: values as text, and NULL when has_null */
char *
partman_sql_call_create_list(const char *parent_q, List *values, bool has_null,
							 const char *name)
{
	StringInfoData list;
	ListCell   *lc;

	initStringInfo(&list);
	foreach(lc, values)
		appendStringInfo(&list, "%s%s", list.len ? ", " : "",
						 quote_literal_cstr(lfirst(lc)));
	if (has_null)
		appendStringInfo(&list, "%sNULL", list.len ? ", " : "");
	return psprintf("SELECT partman.create_partition(%s, list_values => ARRAY[%s]::pg_catalog.text[], name => %s)",
					quote_literal_cstr(parent_q), list.data, quote_literal_cstr(name));
}

char *
partman_sql_call_partition_data(const char *parent_q)
{
	return psprintf("CALL partman.partition_data(%s)", quote_literal_cstr(parent_q));
}
