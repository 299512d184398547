/*-------------------------------------------------------------------------
 *
 * relations.c
 *	  What PostgreSQL's catalogs say about a table that partition_table
 *	  converts or split_partition_online splits: the table and its key
 *	  column, its indexes, constraints, triggers, sequences, the objects
 *	  that depend on it and the foreign keys that reference it.  Each
 *	  reader returns plain structs (lists of them), palloc'd in the current
 *	  memory context; the engines decide what to do with them.  Nothing
 *	  here changes anything or takes a lock.
 *
 *-------------------------------------------------------------------------
 */
#include "partman.h"

#include "access/htup_details.h"
#include "catalog/pg_attribute.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

/* Run a catalog query with one oid parameter. */
static void
query_oid(const char *sql, Oid arg)
{
	Oid			argtypes[1] = {OIDOID};
	Datum		values[1] = {ObjectIdGetDatum(arg)};
	int			rc = SPI_execute_with_args(sql, 1, argtypes, values, NULL, true, 0);

	if (rc != SPI_OK_SELECT)
		elog(ERROR, "SPI_execute_with_args failed (%s): %s", SPI_result_code_string(rc), sql);
}

static char *
col(uint64 row, int column)
{
	return SPI_getvalue(SPI_tuptable->vals[row], SPI_tuptable->tupdesc, column);
}

static Oid
col_oid(uint64 row, int column)
{
	char	   *value = col(row, column);

	return value ? atooid(value) : InvalidOid;
}

static bool
col_bool(uint64 row, int column)
{
	char	   *value = col(row, column);

	return value != NULL && value[0] == 't';
}

/* Makes one struct of row of the last query's result. */
typedef void *(*RowReader) (uint64 row);

/* Each row of the last query's result, as read_row makes it, in a list. */
static List *
read_rows(RowReader read_row)
{
	List	   *result = NIL;

	for (uint64 i = 0; i < SPI_processed; i++)
		result = lappend(result, read_row(i));
	return result;
}

/* ---------------------------------------------------------------------
 * The table and its columns
 * ---------------------------------------------------------------------
 */

/*
 * partman_read_relation
 *		What pg_class says of relid, or false when there is no such relation.
 */
bool
partman_read_relation(Oid relid, PartmanRelation *rel)
{
	HeapTuple	tuple;
	Form_pg_class form;

	tuple = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	if (!HeapTupleIsValid(tuple))
		return false;
	form = (Form_pg_class) GETSTRUCT(tuple);
	rel->relname = pstrdup(NameStr(form->relname));
	rel->nspid = form->relnamespace;
	rel->owner = form->relowner;
	rel->relkind = form->relkind;
	rel->relispartition = form->relispartition;
	rel->relpersistence = form->relpersistence;
	rel->reloftype = form->reloftype;
	ReleaseSysCache(tuple);
	return true;
}

/*
 * partman_read_column
 *		What pg_attribute says of column name of relid, or false when there
 *		is no such column.
 */
bool
partman_read_column(Oid relid, const char *name, PartmanColumn *column)
{
	HeapTuple	tuple;
	Form_pg_attribute att;

	tuple = SearchSysCacheAttName(relid, name);
	if (!HeapTupleIsValid(tuple))
		return false;
	att = (Form_pg_attribute) GETSTRUCT(tuple);
	column->attnum = att->attnum;
	column->attgenerated = att->attgenerated;
	column->attname = pstrdup(NameStr(att->attname));
	column->typid = att->atttypid;
	column->typmod = att->atttypmod;
	column->collation = att->attcollation;
	ReleaseSysCache(tuple);
	return true;
}

/*
 * partman_read_table_key
 *		relid's row of pg_class in rel (ERROR 42P01 when there is none), and
 *		the table's part of key: parent, schema, name and owner.  The caller
 *		sets the strategy and reads the key column.
 */
void
partman_read_table_key(Oid relid, PartmanRelation *rel, PartmanKey *key)
{
	if (!partman_read_relation(relid, rel))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation with OID %u does not exist", relid)));
	memset(key, 0, sizeof(*key));
	key->parent = relid;
	key->nspname = get_namespace_name(rel->nspid);
	key->relname = rel->relname;
	key->owner = rel->owner;
}

/*
 * partman_read_key_column
 *		Column keycol of key->parent as the future partition key: key's
 *		attnum, attname, type, typmod and collation.  ERROR when there is no
 *		such column (42703), or it is a system or generated one (0A000).
 */
void
partman_read_key_column(PartmanKey *key, const char *keycol)
{
	PartmanColumn att;

	if (!partman_read_column(key->parent, keycol, &att))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("column \"%s\" of table \"%s\" does not exist", keycol, key->relname)));
	if (att.attnum <= 0 || att.attgenerated)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("%s column \"%s\" cannot be a partition key",
						att.attnum <= 0 ? "system" : "generated", keycol)));
	key->attnum = att.attnum;
	key->attname = att.attname;
	key->typid = att.typid;
	key->typmod = att.typmod;
	key->collation = att.collation;
}

/*
 * partman_inheritance_and_rules
 *		Whether table takes part in table inheritance (as child or parent),
 *		and whether it has rules.
 */
void
partman_inheritance_and_rules(Oid table, bool *inherits, bool *has_rules)
{
	query_oid("SELECT EXISTS (SELECT FROM pg_catalog.pg_inherits "
			  "WHERE inhrelid OPERATOR(pg_catalog.=) $1 OR inhparent OPERATOR(pg_catalog.=) $1), "
			  "EXISTS (SELECT FROM pg_catalog.pg_rewrite WHERE ev_class OPERATOR(pg_catalog.=) $1)", table);
	partman_spi_one_row("inheritance and rules", 2);
	*inherits = col_bool(0, 1);
	*has_rules = col_bool(0, 2);
}

/*
 * partman_unique_index_without
 *		The first valid unique index or exclusion constraint of table whose
 *		key columns do not include column attnum (by name), or NULL.  Sets
 *		*primary and *exclusion, and *columns to its key columns, quoted and
 *		comma-separated (NULL when they are all expressions).
 */
char *
partman_unique_index_without(Oid table, AttrNumber attnum, bool *primary, bool *exclusion,
							 char **columns)
{
	query_oid(psprintf("SELECT c.relname, i.indisprimary, i.indisexclusion, "
					   "(SELECT pg_catalog.string_agg(pg_catalog.quote_ident(a.attname), ', ' ORDER BY k.n) "
					   "FROM pg_catalog.unnest((i.indkey::pg_catalog.int2[])[0:i.indnkeyatts - 1]) WITH ORDINALITY k(attnum, n) "
					   "JOIN pg_catalog.pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) i.indrelid "
					   "AND a.attnum OPERATOR(pg_catalog.=) k.attnum) "
					   "FROM pg_catalog.pg_index i "
					   "JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) i.indexrelid "
					   "WHERE i.indrelid OPERATOR(pg_catalog.=) $1 AND (i.indisunique OR i.indisexclusion) "
					   "AND i.indisvalid AND NOT (%d OPERATOR(pg_catalog.=) ANY "
					   "((i.indkey::pg_catalog.int2[])[0:i.indnkeyatts - 1])) ORDER BY 1 LIMIT 1",
					   attnum), table);
	if (SPI_processed == 0)
		return NULL;
	*primary = col_bool(0, 2);
	*exclusion = col_bool(0, 3);
	*columns = col(0, 4);
	return col(0, 1);
}

/* ---------------------------------------------------------------------
 * Objects that depend on the table
 * ---------------------------------------------------------------------
 */

/* by PartmanDependent: each query returns the name of the first one */
static const char *const dependent_queries[] = {
	[PARTMAN_DEPENDENT_MATVIEW] =
	"SELECT v.relname FROM pg_catalog.pg_depend d "
	"JOIN pg_catalog.pg_rewrite r ON r.oid OPERATOR(pg_catalog.=) d.objid "
	"JOIN pg_catalog.pg_class v ON v.oid OPERATOR(pg_catalog.=) r.ev_class "
	"WHERE d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_rewrite'::pg_catalog.regclass "
	"AND d.refclassid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass "
	"AND d.refobjid OPERATOR(pg_catalog.=) $1 AND v.oid OPERATOR(pg_catalog.<>) $1 "
	"AND v.relkind OPERATOR(pg_catalog.=) 'm' ORDER BY 1 LIMIT 1",
	[PARTMAN_DEPENDENT_FUNCTION] =
	"SELECT p.proname FROM pg_catalog.pg_depend d "
	"JOIN pg_catalog.pg_proc p ON p.oid OPERATOR(pg_catalog.=) d.objid "
	"WHERE d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_proc'::pg_catalog.regclass "
	"AND d.refclassid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass "
	"AND d.refobjid OPERATOR(pg_catalog.=) $1 ORDER BY 1 LIMIT 1",
	[PARTMAN_DEPENDENT_PUBLICATION] =
	"SELECT p.pubname FROM pg_catalog.pg_publication_rel r "
	"JOIN pg_catalog.pg_publication p ON p.oid OPERATOR(pg_catalog.=) r.prpubid "
	"WHERE r.prrelid OPERATOR(pg_catalog.=) $1 ORDER BY 1 LIMIT 1",
};

/*
 * partman_first_dependent
 *		The name of the first object of kind that refers to table itself (a
 *		materialized view, a function with a BEGIN ATOMIC body, a
 *		publication), or NULL.
 */
char *
partman_first_dependent(Oid table, PartmanDependent kind)
{
	query_oid(dependent_queries[kind], table);
	return SPI_processed > 0 ? col(0, 1) : NULL;
}

/* partman_row_security: row-level security enabled, or any policy */
bool
partman_row_security(Oid table)
{
	query_oid("SELECT c.relrowsecurity OR EXISTS (SELECT FROM pg_catalog.pg_policy p "
			  "WHERE p.polrelid OPERATOR(pg_catalog.=) $1) FROM pg_catalog.pg_class c "
			  "WHERE c.oid OPERATOR(pg_catalog.=) $1", table);
	partman_spi_one_row("row-level security", 1);
	return col_bool(0, 1);
}

/*
 * partman_check_and_fk_constraints
 *		table's CHECK constraints and foreign keys but partition_table's
 *		bound, by name, as PartmanConstraint.
 */
static void *
constraint_row(uint64 i)
{
	PartmanConstraint *con = palloc0(sizeof(PartmanConstraint));

	con->name = col(i, 1);
	con->contype = col(i, 2)[0];
	con->self_referencing = col_bool(i, 3);
	con->validated = col_bool(i, 4);
	con->noinherit = col_bool(i, 5);
	return con;
}

List *
partman_check_and_fk_constraints(Oid table)
{
	query_oid("SELECT conname, contype, confrelid OPERATOR(pg_catalog.=) conrelid, convalidated, connoinherit "
			  "FROM pg_catalog.pg_constraint WHERE conrelid OPERATOR(pg_catalog.=) $1 "
			  "AND contype IN ('c', 'f') AND conname OPERATOR(pg_catalog.<>) '" PARTMAN_TABLE_BOUND "' ORDER BY 1",
			  table);
	return read_rows(constraint_row);
}

/*
 * partman_fks_of_others
 *		The foreign keys of other tables that reference table (top-level
 *		ones, not their partitions' clones), by name, as PartmanReference.
 */
/* (conname, relid, relkind) */
static void *
reference_row(uint64 i)
{
	PartmanReference *ref = palloc0(sizeof(PartmanReference));

	ref->conname = col(i, 1);
	ref->relid = col_oid(i, 2);
	ref->relkind = col(i, 3)[0];
	return ref;
}

List *
partman_fks_of_others(Oid table)
{
	query_oid("SELECT con.conname, c.oid, c.relkind FROM pg_catalog.pg_constraint con "
			  "JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) con.conrelid "
			  "WHERE con.contype OPERATOR(pg_catalog.=) 'f' AND con.confrelid OPERATOR(pg_catalog.=) $1 "
			  "AND con.conrelid OPERATOR(pg_catalog.<>) $1 AND con.conparentid OPERATOR(pg_catalog.=) 0 ORDER BY 1",
			  table);
	return read_rows(reference_row);
}

/*
 * partman_fks_referencing_set
 *		The top-level foreign keys that reference parent (its own included),
 *		as PartmanReference, in no particular order.
 */
/* (relid, relkind, conname) */
static void *
referencing_row(uint64 i)
{
	PartmanReference *ref = palloc0(sizeof(PartmanReference));

	ref->relid = col_oid(i, 1);
	ref->relkind = col(i, 2)[0];
	ref->conname = col(i, 3);
	return ref;
}

List *
partman_fks_referencing_set(Oid parent)
{
	(void) partman_spi_select("SELECT c.oid, c.relkind, con.conname FROM pg_catalog.pg_constraint con "
							   "JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) con.conrelid "
							   "WHERE con.contype OPERATOR(pg_catalog.=) 'f' "
							   "AND con.confrelid OPERATOR(pg_catalog.=) $1 AND con.conparentid OPERATOR(pg_catalog.=) 0",
								 1, (Oid[]) {OIDOID}, (Datum[]) {ObjectIdGetDatum(parent)}, "pg_constraint");
	return read_rows(referencing_row);
}

/* partman_dependent_views: the relations whose rules refer to table (views), by OID */
List *
partman_dependent_views(Oid table)
{
	List	   *result = NIL;

	query_oid("SELECT DISTINCT r.ev_class FROM pg_catalog.pg_depend d "
			  "JOIN pg_catalog.pg_rewrite r ON r.oid OPERATOR(pg_catalog.=) d.objid "
			  "WHERE d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_rewrite'::pg_catalog.regclass "
			  "AND d.refclassid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass "
			  "AND d.refobjid OPERATOR(pg_catalog.=) $1 AND r.ev_class OPERATOR(pg_catalog.<>) $1", table);
	for (uint64 i = 0; i < SPI_processed; i++)
		result = lappend_oid(result, col_oid(i, 1));
	return result;
}

/*
 * partman_view_definitions
 *		The plain views that refer to table, by OID, with their owner,
 *		definition and options, as PartmanViewDef.
 */
static void *
view_row(uint64 i)
{
	PartmanViewDef *view = palloc0(sizeof(PartmanViewDef));

	view->relid = col_oid(i, 1);
	view->owner = col_oid(i, 2);
	view->definition = col(i, 3);
	view->options = col(i, 4);
	return view;
}

List *
partman_view_definitions(Oid table)
{
	query_oid("SELECT DISTINCT v.oid, v.relowner, pg_catalog.pg_get_viewdef(v.oid), "
			  "pg_catalog.array_to_string(v.reloptions, ', ') FROM pg_catalog.pg_depend d "
			  "JOIN pg_catalog.pg_rewrite r ON r.oid OPERATOR(pg_catalog.=) d.objid "
			  "JOIN pg_catalog.pg_class v ON v.oid OPERATOR(pg_catalog.=) r.ev_class "
			  "WHERE d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_rewrite'::pg_catalog.regclass "
			  "AND d.refclassid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass "
			  "AND d.refobjid OPERATOR(pg_catalog.=) $1 AND v.oid OPERATOR(pg_catalog.<>) $1 "
			  "AND v.relkind OPERATOR(pg_catalog.=) 'v' ORDER BY 1", table);
	return read_rows(view_row);
}

/* ---------------------------------------------------------------------
 * Definitions, as pg_get_*def() print them
 * ---------------------------------------------------------------------
 */

/*
 * partman_index_definitions
 *		table's valid indexes, the primary key's first, then by name, as
 *		PartmanIndexDef (with the constraint each backs, if any).
 */
static void *
index_row(uint64 i)
{
	PartmanIndexDef *index = palloc0(sizeof(PartmanIndexDef));

	index->name = col(i, 1);
	index->definition = col(i, 2);
	index->conname = col(i, 3);
	index->condef = col(i, 4);
	index->replident = col_bool(i, 5);
	return index;
}

List *
partman_index_definitions(Oid table)
{
	query_oid("SELECT c.relname, pg_catalog.pg_get_indexdef(i.indexrelid), con.conname, "
			  "pg_catalog.pg_get_constraintdef(con.oid), i.indisreplident "
			  "FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) i.indexrelid "
			  "LEFT JOIN pg_catalog.pg_constraint con ON con.conindid OPERATOR(pg_catalog.=) i.indexrelid "
			  "AND con.conrelid OPERATOR(pg_catalog.=) i.indrelid AND con.contype IN ('p', 'u', 'x') "
			  "WHERE i.indrelid OPERATOR(pg_catalog.=) $1 AND i.indisvalid "
			  "ORDER BY con.contype OPERATOR(pg_catalog.=) 'p' DESC NULLS LAST, c.relname", table);
	return read_rows(index_row);
}

/* (name, definition) */
static void *
constraint_def_row(uint64 i)
{
	PartmanConstraintDef *con = palloc0(sizeof(PartmanConstraintDef));

	con->name = col(i, 1);
	con->definition = col(i, 2);
	return con;
}

/*
 * partman_constraint_definitions
 *		table's CHECK constraints and foreign keys but partition_table's
 *		bound, by kind and name, as PartmanConstraintDef.
 */
List *
partman_constraint_definitions(Oid table)
{
	query_oid("SELECT conname, pg_catalog.pg_get_constraintdef(oid) FROM pg_catalog.pg_constraint "
			  "WHERE conrelid OPERATOR(pg_catalog.=) $1 AND contype IN ('c', 'f') "
			  "AND conname OPERATOR(pg_catalog.<>) '" PARTMAN_TABLE_BOUND "' ORDER BY contype, conname", table);
	return read_rows(constraint_def_row);
}

/*
 * partman_fk_definitions
 *		table's own top-level foreign keys, as PartmanConstraintDef, in no
 *		particular order.
 */
List *
partman_fk_definitions(Oid table)
{
	(void) partman_spi_select("SELECT conname, pg_catalog.pg_get_constraintdef(oid) FROM pg_catalog.pg_constraint "
							   "WHERE conrelid OPERATOR(pg_catalog.=) $1 AND contype OPERATOR(pg_catalog.=) 'f' "
							   "AND conparentid OPERATOR(pg_catalog.=) 0",
								 1, (Oid[]) {OIDOID}, (Datum[]) {ObjectIdGetDatum(table)}, "foreign keys");
	return read_rows(constraint_def_row);
}

/* partman_bound_constraint_exists: partition_table's bound is on table */
bool
partman_bound_constraint_exists(Oid table)
{
	query_oid("SELECT FROM pg_catalog.pg_constraint WHERE conrelid OPERATOR(pg_catalog.=) $1 "
			  "AND conname OPERATOR(pg_catalog.=) '" PARTMAN_TABLE_BOUND "'", table);
	return SPI_processed > 0;
}

/*
 * partman_trigger_definitions
 *		table's user triggers, by name, with their enabled state
 *		(pg_trigger.tgenabled), as PartmanTriggerDef.
 */
static void *
trigger_row(uint64 i)
{
	PartmanTriggerDef *trigger = palloc0(sizeof(PartmanTriggerDef));

	trigger->name = col(i, 1);
	trigger->definition = col(i, 2);
	trigger->enabled = col(i, 3)[0];
	return trigger;
}

List *
partman_trigger_definitions(Oid table)
{
	query_oid("SELECT tgname, pg_catalog.pg_get_triggerdef(oid), tgenabled FROM pg_catalog.pg_trigger "
			  "WHERE tgrelid OPERATOR(pg_catalog.=) $1 AND NOT tgisinternal ORDER BY tgname", table);
	return read_rows(trigger_row);
}

/*
 * partman_column_sequences
 *		The sequences of table's columns, by column: identity (deptype i)
 *		and serial-style, OWNED BY (deptype a), as PartmanColumnSequence.
 */
static void *
sequence_row(uint64 i)
{
	PartmanColumnSequence *seq = palloc0(sizeof(PartmanColumnSequence));

	seq->attname = col(i, 1);
	seq->identity = col(i, 2)[0] == 'i';
	seq->seq = col_oid(i, 3);
	return seq;
}

List *
partman_column_sequences(Oid table)
{
	query_oid("SELECT a.attname, d.deptype, d.objid FROM pg_catalog.pg_depend d "
			  "JOIN pg_catalog.pg_class s ON s.oid OPERATOR(pg_catalog.=) d.objid "
			  "JOIN pg_catalog.pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) d.refobjid "
			  "AND a.attnum OPERATOR(pg_catalog.=) d.refobjsubid "
			  "WHERE d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass "
			  "AND d.refclassid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass "
			  "AND d.refobjid OPERATOR(pg_catalog.=) $1 AND d.refobjsubid OPERATOR(pg_catalog.>) 0 "
			  "AND s.relkind OPERATOR(pg_catalog.=) 'S' AND d.deptype IN ('i', 'a') ORDER BY 1", table);
	return read_rows(sequence_row);
}

/*
 * partman_table_properties
 *		table's replica identity (pg_class.relreplident), comment and
 *		tablespace name (NULL when none or the default).
 */
void
partman_table_properties(Oid table, char *replident, char **comment, char **tablespace)
{
	query_oid("SELECT c.relreplident, pg_catalog.obj_description(c.oid, 'pg_class'), t.spcname "
			  "FROM pg_catalog.pg_class c LEFT JOIN pg_catalog.pg_tablespace t "
			  "ON t.oid OPERATOR(pg_catalog.=) c.reltablespace WHERE c.oid OPERATOR(pg_catalog.=) $1", table);
	partman_spi_one_row("the table's properties", 3);
	*replident = col(0, 1)[0];
	*comment = col(0, 2);
	*tablespace = col(0, 3);
}

/*
 * partman_unique_key_match
 *		parent's primary key, or else a unique index on NOT NULL columns, as
 *		the condition that finds a row by the unique key of the record
 *		passed as $1 ("k1 OPERATOR(pg_catalog.=) ($1).k1 AND ..."), or NULL.
 */
char *
partman_unique_key_match(Oid parent)
{
	Oid			argtypes[1] = {OIDOID};
	Datum		values[1] = {ObjectIdGetDatum(parent)};

	(void) partman_spi_select("SELECT pg_catalog.string_agg(pg_catalog.format('%1$I OPERATOR(pg_catalog.=) ($1).%1$I', a.attname), ' AND ') "
							   "FROM (SELECT i.indexrelid, i.indkey FROM pg_catalog.pg_index i "
							   "WHERE i.indrelid OPERATOR(pg_catalog.=) $1 AND i.indisunique AND i.indisvalid "
							   "AND i.indexprs IS NULL AND i.indpred IS NULL "
							   "AND NOT EXISTS (SELECT FROM pg_catalog.pg_attribute n WHERE n.attrelid OPERATOR(pg_catalog.=) $1 "
							   "AND n.attnum OPERATOR(pg_catalog.=) ANY (i.indkey::pg_catalog.int2[]) AND NOT n.attnotnull) "
							   "ORDER BY i.indisprimary DESC, i.indexrelid LIMIT 1) x "
							   "JOIN pg_catalog.pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) $1 "
							   "AND a.attnum OPERATOR(pg_catalog.=) ANY (x.indkey::pg_catalog.int2[])",
								 1, argtypes, values, "the unique key");
	partman_spi_one_row("the unique key", 1);
	return col(0, 1);
}
