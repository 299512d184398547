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

/*
 * CREATE [FOREIGN] TABLE table PARTITION OF parent <bound clause, or
 * DEFAULT><options>, options being " PARTITION BY ...", " WITH (...)" or a
 * foreign table's " SERVER ... OPTIONS (...)", or NULL.
 */
char *
partman_sql_create_partition(const char *table_q, const char *parent_q, const char *bound_clause,
							 bool foreign, const char *options)
{
	return psprintf("CREATE %sTABLE %s PARTITION OF %s %s%s", foreign ? "FOREIGN " : "",
					table_q, parent_q, bound_clause, options ? options : "");
}

/* " PARTITION BY strategy (column)", the options of a partitioned partition */
char *
partman_sql_partition_by(const char *strategy, const char *column)
{
	return psprintf(" PARTITION BY %s (%s)", strategy, quote_identifier(column));
}

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
partman_sql_drop_foreign_table(const char *table_q)
{
	return psprintf("DROP FOREIGN TABLE %s", table_q);
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
partman_sql_create_parent_like(const char *table_q, const char *like_q, const char *strategy,
							   const char *column, const char *tablespace)
{
	return psprintf("CREATE TABLE %s (LIKE %s INCLUDING DEFAULTS INCLUDING IDENTITY "
					"INCLUDING GENERATED INCLUDING STORAGE INCLUDING COMPRESSION INCLUDING COMMENTS) "
					"PARTITION BY %s (%s)%s%s", table_q, like_q, strategy, quote_identifier(column),
					tablespace ? " TABLESPACE " : "", tablespace ? quote_identifier(tablespace) : "");
}

/* The example in the HINT for a table that is not partitioned. */
char *
partman_sql_example_parent(const char *relname)
{
	return psprintf("CREATE TABLE %s (id bigint, created_at timestamptz NOT NULL) "
					"PARTITION BY RANGE (created_at);", quote_identifier(relname));
}

/* The call that turns plain table table_q into a RANGE set on column, online. */
char *
partman_sql_call_partition_table(const char *table_q, const char *column, const char *interval)
{
	return psprintf("CALL partman.partition_table(%s, %s, %s);", quote_literal_cstr(table_q),
					quote_literal_cstr(column), quote_literal_cstr(interval));
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

/* GRANT privileges ON TABLE table TO grantee (quoted, or PUBLIC) */
char *
partman_sql_grant(const char *table_q, const char *privileges, const char *grantee,
				  bool with_grant_option)
{
	return psprintf("GRANT %s ON TABLE %s TO %s%s", privileges, table_q, grantee,
					with_grant_option ? " WITH GRANT OPTION" : "");
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
 * partman's own calls, as maintenance_plan prints them where a step does
 * more than local statements: a foreign partition made or dropped with its
 * table on its server, and partition_data for a partition whose rows in the
 * default partition are too many to move in maintenance
 * ---------------------------------------------------------------------
 */

/* create_partition of [lower, upper), values in the key type's output */
char *
partman_sql_call_create_range(const char *parent_q, const char *lower, const char *upper,
							  const char *name, const char *server)
{
	return psprintf("SELECT partman.create_partition(%s, %s, %s, name => %s%s%s)",
					quote_literal_cstr(parent_q), quote_literal_cstr(lower),
					quote_literal_cstr(upper), quote_literal_cstr(name),
					server ? ", server => " : "", server ? quote_literal_cstr(server) : "");
}

/* drop_partition of a partition (on another server: the table there too) */
char *
partman_sql_call_drop_partition(const char *partition_q)
{
	return psprintf("SELECT partman.drop_partition(%s)", quote_literal_cstr(partition_q));
}

char *
partman_sql_call_partition_data(const char *parent_q)
{
	return psprintf("CALL partman.partition_data(%s)", quote_literal_cstr(parent_q));
}

/* ---------------------------------------------------------------------
 * move_partition: the journal of a partition's changes, the batches, the
 * replay and the fingerprints (engine/move_partition.c says how they fit)
 * ---------------------------------------------------------------------
 */

/* An order-free checksum term of a row image: 60 bits of its md5 */
#define ROW_HASH(image) \
	"('x' OPERATOR(pg_catalog.||) pg_catalog.left(pg_catalog.md5(" image "), 15))" \
	"::pg_catalog.bit(60)::pg_catalog.int8::pg_catalog.numeric"

/* The journal: every change of the partition's rows, as row images. */
char *
partman_sql_move_journal(const char *journal_q, const char *rowtype_q)
{
	return psprintf("CREATE TABLE %s (seq pg_catalog.int8 GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
					"xid pg_catalog.xid8 NOT NULL DEFAULT pg_catalog.pg_current_xact_id(), "
					"sign pg_catalog.int2 NOT NULL, r %s)", journal_q, rowtype_q);
}

/*
 * The trigger function that journals a change (-1 for the old row, +1 for
 * the new), as the owner (SECURITY DEFINER: writers need no rights on the
 * journal), with a pinned search_path.  TRUNCATE is refused while the
 * partition moves: the journal holds rows, not "all rows".
 */
char *
partman_sql_move_capture_function(const char *function_q, const char *journal_q,
								   const char *by_name_q, const char *procedure)
{
	/* a partitioned table's partitions may order their columns otherwise */
	const char *old_row = by_name_q ?
		psprintf("pg_catalog.jsonb_populate_record(NULL::%s, pg_catalog.to_jsonb(OLD))", by_name_q) : "OLD";
	const char *new_row = by_name_q ?
		psprintf("pg_catalog.jsonb_populate_record(NULL::%s, pg_catalog.to_jsonb(NEW))", by_name_q) : "NEW";

	return psprintf("CREATE FUNCTION %s() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER "
					"SET search_path = pg_catalog, pg_temp AS %s",
					function_q,
					quote_literal_cstr(psprintf("BEGIN\n"
												"    IF TG_OP = 'TRUNCATE' THEN\n"
												"        RAISE EXCEPTION 'table %% is being copied by %s', TG_TABLE_NAME\n"
												"            USING ERRCODE = 'object_in_use',\n"
												"                  HINT = 'Delete its rows instead, or truncate it after the copy.';\n"
												"    END IF;\n"
												"    IF TG_OP IN ('UPDATE', 'DELETE') THEN\n"
												"        INSERT INTO %s (sign, r) VALUES (-1, %s);\n"
												"    END IF;\n"
												"    IF TG_OP IN ('UPDATE', 'INSERT') THEN\n"
												"        INSERT INTO %s (sign, r) VALUES (1, %s);\n"
												"    END IF;\n"
												"    RETURN NULL;\n"
												"END",
												procedure, journal_q, old_row, journal_q, new_row)));
}

/* The function's grants and the triggers that call it on table_q. */
List *
partman_sql_move_capture_triggers(const char *table_q, const char *function_q, bool truncate_guard)
{
	List	   *result;

	result = list_make2(psprintf("REVOKE ALL ON FUNCTION %s() FROM PUBLIC", function_q),
						psprintf("CREATE TRIGGER partman_move_capture AFTER INSERT OR UPDATE OR DELETE ON %s "
								 "FOR EACH ROW EXECUTE FUNCTION %s()", table_q, function_q));
	/* foreign tables take no TRUNCATE triggers */
	if (truncate_guard)
		result = lappend(result,
						 psprintf("CREATE TRIGGER partman_move_capture_truncate BEFORE TRUNCATE ON %s "
								  "FOR EACH STATEMENT EXECUTE FUNCTION %s()", table_q, function_q));
	return result;
}

/* The journal entries the target has applied (so that none applies twice). */
char *
partman_sql_move_applied(const char *applied_q, bool if_not_exists)
{
	return psprintf("CREATE TABLE %s%s (seq pg_catalog.int8 PRIMARY KEY)",
					if_not_exists ? "IF NOT EXISTS " : "", applied_q);
}

/* The target's session table that receives a batch of journal entries. */
char *
partman_sql_move_stage(void)
{
	return pstrdup("CREATE TEMP TABLE IF NOT EXISTS partman_move_stage "
				   "(seq pg_catalog.int8, sign pg_catalog.int4, img pg_catalog.text) ON COMMIT DROP");
}

char *
partman_sql_move_stage_copy(void)
{
	return pstrdup("COPY pg_temp.partman_move_stage (seq, sign, img) FROM STDIN");
}

char *
partman_sql_move_stage_arrays(void)
{
	return pstrdup("INSERT INTO pg_temp.partman_move_stage (seq, sign, img) "
				   "SELECT * FROM ROWS FROM (pg_catalog.unnest($1::pg_catalog.int8[]), pg_catalog.unnest($2::pg_catalog.int4[]), pg_catalog.unnest($3::pg_catalog.text[]))");
}

/*
 * Apply the staged journal entries to target_q, on the target's side, in
 * one transaction: entries applied before are dropped; per row image the
 * net count (inserts minus deletes) is applied, since rows need not have a
 * key: a negative count deletes that many rows equal to the image (found
 * through the partition key, compared as the target renders them), then a
 * positive one inserts that many copies (deletes first: an updated row's
 * new image may carry the unique key of its old one).
 */
char *
partman_sql_move_apply(const char *target_q, const char *applied_q, const char *key_q)
{
	return psprintf("DELETE FROM pg_temp.partman_move_stage s USING %2$s a WHERE s.seq OPERATOR(pg_catalog.=) a.seq; "
					"INSERT INTO %2$s (seq) SELECT seq FROM pg_temp.partman_move_stage WHERE seq IS NOT NULL; "
					"WITH d AS MATERIALIZED (SELECT (s.r)::pg_catalog.text AS img, (s.r).%3$s AS k, "
					"OPERATOR(pg_catalog.-) s.n AS n FROM (SELECT img::%1$s AS r, pg_catalog.sum(sign) AS n "
					"FROM pg_temp.partman_move_stage GROUP BY img) s WHERE s.n OPERATOR(pg_catalog.<) 0) "
					"DELETE FROM %1$s t WHERE t.ctid OPERATOR(pg_catalog.=) ANY (ARRAY("
					"SELECT m.ctid FROM (SELECT t2.ctid, t2::pg_catalog.text AS img, "
					"pg_catalog.row_number() OVER (PARTITION BY t2::pg_catalog.text) AS rn FROM %1$s t2 "
					"WHERE t2.%3$s IN (SELECT d.k FROM d)) m JOIN d ON d.img OPERATOR(pg_catalog.=) m.img "
					"WHERE m.rn OPERATOR(pg_catalog.<=) d.n)); "
					"INSERT INTO %1$s SELECT (y.r).* FROM (SELECT s.img::%1$s AS r, s.n FROM "
					"(SELECT img, pg_catalog.sum(sign) AS n FROM pg_temp.partman_move_stage GROUP BY img) s "
					"WHERE s.n OPERATOR(pg_catalog.>) 0 OFFSET 0) y, pg_catalog.generate_series(1, y.n) g; "
					"TRUNCATE pg_temp.partman_move_stage",
					target_q, applied_q, key_q);
}

/* Empty the target and its applied entries: the copy starts again. */
char *
partman_sql_move_reset(const char *target_q, const char *applied_q)
{
	return psprintf("TRUNCATE %s, %s", target_q, applied_q);
}

/*
 * The cursor that reads the partition once, in one snapshot that it also
 * returns (first column; the second says whether the row is a row, since
 * an empty partition still gives the snapshot), as columns or as one
 * record (rendered when fetched, under the move's settings).
 */
char *
partman_sql_move_cursor(const char *cursor, const char *source_q, const char *cols, bool as_image,
						bool partitioned)
{
	return psprintf("DECLARE %s NO SCROLL CURSOR WITH HOLD FOR "
					"SELECT pg_catalog.pg_current_snapshot()::pg_catalog.text, \"partman row\" IS NOT NULL, %s%s%s "
					"FROM (SELECT true AS \"partman row\", %s FROM %s%s) x "
					"RIGHT JOIN (VALUES (1)) \"partman one\"(\"partman one\") ON true",
					quote_identifier(cursor), as_image ? "ROW(" : "", cols,
					as_image ? ")" : "", cols, partitioned ? "" : "ONLY ", source_q);
}

/* Journal entries the copy's snapshot ($1) does not show, oldest first. */
char *
partman_sql_move_journal_batch(const char *journal_q, const char *image, const char *key_q, int limit)
{
	return psprintf("SELECT j.seq, j.sign, %s%s%s FROM %s j "
					"WHERE NOT pg_catalog.pg_visible_in_snapshot(j.xid, $1::pg_catalog.pg_snapshot) "
					"ORDER BY j.seq%s", image, key_q ? ", (j.r)." : "", key_q ? key_q : "", journal_q,
					limit > 0 ? psprintf(" LIMIT %d", limit) : "");
}

/* Forget entries the copy showed ($1) and entries applied ($2). */
char *
partman_sql_move_journal_forget(const char *journal_q)
{
	return psprintf("DELETE FROM %s WHERE pg_catalog.pg_visible_in_snapshot(xid, $1::pg_catalog.pg_snapshot) "
					"OR seq OPERATOR(pg_catalog.=) ANY ($2::pg_catalog.int8[])", journal_q);
}

/*
 * Rows and checksum of the partition, and of the journal entries that its
 * copy has not applied yet, in one snapshot ($1: the copy's snapshot).
 */
char *
partman_sql_move_source_fingerprint(const char *source_q, const char *journal_q,
									const char *image, const char *journal_image)
{
	return psprintf("SELECT (SELECT pg_catalog.count(*) FROM ONLY %1$s), "
					"(SELECT coalesce(pg_catalog.sum(" ROW_HASH("%3$s") "), 0) FROM ONLY %1$s), "
					"(SELECT coalesce(pg_catalog.sum(j.sign), 0) FROM %2$s j "
					"WHERE NOT pg_catalog.pg_visible_in_snapshot(j.xid, $1::pg_catalog.pg_snapshot)), "
					"(SELECT coalesce(pg_catalog.sum(j.sign OPERATOR(pg_catalog.*) " ROW_HASH("%4$s") "), 0) FROM %2$s j "
					"WHERE NOT pg_catalog.pg_visible_in_snapshot(j.xid, $1::pg_catalog.pg_snapshot))",
					source_q, journal_q, image, journal_image);
}

/* Rows and checksum of the copy, as its server renders them. */
char *
partman_sql_move_target_fingerprint(const char *target_q)
{
	return psprintf("SELECT pg_catalog.count(*), coalesce(pg_catalog.sum(" ROW_HASH("t::pg_catalog.text") "), 0) "
					"FROM ONLY %s t", target_q);
}

/*
 * The HASH remainder (modulus m) of parent's partition that key_expr routes
 * to, as PostgreSQL computes it.
 */
static char *
hash_remainder(Oid parent, int modulus, const char *key_expr)
{
	return psprintf("(SELECT r FROM pg_catalog.generate_series(0, %2$d) r "
					"WHERE pg_catalog.satisfies_hash_partition(%1$u::pg_catalog.oid, %3$d, r, %4$s) LIMIT 1)",
					parent, modulus - 1, modulus, key_expr);
}

/*
 * shard_table's verification, by remainder of the sharded table parent (one
 * row each, in order): the source's rows and checksum, and those of the
 * journal entries not applied yet, in one snapshot ($1: the copy's).
 */
char *
partman_sql_shard_source_fingerprint(const char *source_q, bool partitioned, const char *journal_q,
									 const char *image, const char *journal_image,
									 Oid parent, int modulus, const char *key_q)
{
	return psprintf("SELECT g.r, coalesce(s.n, 0), coalesce(s.h, 0), coalesce(j.n, 0), coalesce(j.h, 0) "
					"FROM pg_catalog.generate_series(0, %1$d) g(r) "
					"LEFT JOIN (SELECT %2$s AS r, pg_catalog.count(*) AS n, pg_catalog.sum(" ROW_HASH("%3$s") ") AS h "
					"FROM %4$s%5$s GROUP BY 1) s ON s.r OPERATOR(pg_catalog.=) g.r "
					"LEFT JOIN (SELECT %6$s AS r, pg_catalog.sum(j.sign) AS n, "
					"pg_catalog.sum(j.sign OPERATOR(pg_catalog.*) " ROW_HASH("%7$s") ") AS h FROM %8$s j "
					"WHERE NOT pg_catalog.pg_visible_in_snapshot(j.xid, $1::pg_catalog.pg_snapshot) GROUP BY 1) j "
					"ON j.r OPERATOR(pg_catalog.=) g.r ORDER BY g.r",
					modulus - 1, hash_remainder(parent, modulus, key_q), image,
					partitioned ? "" : "ONLY ", source_q,
					hash_remainder(parent, modulus, psprintf("(j.r).%s", key_q)), journal_image, journal_q);
}

/* The rows of table_q; with_partitions: a partitioned table's, its partitions' included */
char *
partman_sql_move_count(const char *table_q, bool with_partitions)
{
	return psprintf("SELECT pg_catalog.count(*) FROM %s%s", with_partitions ? "" : "ONLY ", table_q);
}

/* A batch of rows into a table on a server, in COPY's text format. */
char *
partman_sql_move_load_copy(const char *target_q, const char *cols)
{
	return psprintf("COPY %s (%s) FROM STDIN", target_q, cols);
}

/* A batch of row images ($1) into a local table. */
char *
partman_sql_move_load_images(const char *target_q)
{
	return psprintf("INSERT INTO %1$s SELECT (y.r).* FROM (SELECT x::%1$s AS r "
					"FROM pg_catalog.unnest($1::pg_catalog.text[]) x OFFSET 0) y", target_q);
}

/* The local table a partition moves back into. */
char *
partman_sql_move_local_target(const char *target_q, const char *parent_q)
{
	return psprintf("CREATE TABLE %s (LIKE %s INCLUDING DEFAULTS INCLUDING CONSTRAINTS "
					"INCLUDING INDEXES INCLUDING STORAGE)", target_q, parent_q);
}

/* A foreign table partition (options: " SERVER ... OPTIONS (...)"). */
char *
partman_sql_create_foreign_partition(const char *table_q, const char *parent_q,
									 const char *bound, const char *options)
{
	return psprintf("CREATE FOREIGN TABLE %s PARTITION OF %s %s%s", table_q, parent_q, bound, options);
}

/* What maintenance's move step does, as a statement of its own. */
char *
partman_sql_call_move_partition(const char *partition_q, const char *server)
{
	return psprintf("CALL partman.move_partition(%s, server => %s)",
					quote_literal_cstr(partition_q), quote_literal_cstr(server));
}

/* SET LOCAL name = 'value'; ... for each pair (settings of a remote session) */
char *
partman_sql_set_local(List *names, List *values)
{
	StringInfoData sql;
	ListCell   *n;
	ListCell   *v;

	initStringInfo(&sql);
	forboth(n, names, v, values)
		appendStringInfo(&sql, "%sSET LOCAL %s = %s", sql.len ? "; " : "",
						 quote_identifier(lfirst(n)), quote_literal_cstr(lfirst(v)));
	return sql.data;
}
