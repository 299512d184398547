/*-------------------------------------------------------------------------
 *
 * partition_table.c
 *	  partman.partition_table: turn an existing plain table into a managed
 *	  RANGE-partitioned table of the same name, online.
 *
 * The table's rows are not copied: the table itself becomes one partition
 * (the "legacy" partition) covering the range its rows occupy, and new
 * partitions are made after it.  The procedure runs in four transactions,
 * the phases of the background document's Exercise 3:
 *
 *	1. prepare: a NOT VALID CHECK constraint bounds the key to the legacy
 *	   partition's range (a brief ACCESS EXCLUSIVE lock: PostgreSQL takes it
 *	   to add any CHECK constraint); from then on new rows must fit it;
 *	2. verify: the constraint is validated under SHARE UPDATE EXCLUSIVE, so
 *	   reads and writes go on during the scan;
 *	3. cut over, under ACCESS EXCLUSIVE taken within partman.lock_timeout:
 *	   the table is renamed, the partitioned parent created under the
 *	   original name with the same columns, defaults, identity and owner,
 *	   the old table attached (the validated CHECK makes ATTACH skip its
 *	   scan), its indexes and constraints recreated on the parent (each
 *	   attaches the old table's matching index or constraint, nothing is
 *	   built), triggers, privileges and replica identity carried over,
 *	   dependent views recreated against the parent (CREATE OR REPLACE keeps
 *	   their OIDs and grants), foreign keys of other tables re-pointed (NOT
 *	   VALID), and the set registered with partitions made ahead;
 *	4. the re-pointed foreign keys are validated (SHARE UPDATE EXCLUSIVE on
 *	   the referencing table, online).
 *
 * Everything that can refuse is checked before step 1 and again under the
 * lock in step 3.  A failure in step 2 or 3 rolls that step back and drops
 * the CHECK constraint of step 1, so a failed call leaves the table as it
 * was.  DDL runs as the owners of the objects it changes (ddl.c).
 *
 *-------------------------------------------------------------------------
 */
#include "partman.h"

#include "access/htup_details.h"
#include "access/relation.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "commands/defrem.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "storage/bufmgr.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"

/* catalog/relations.c leaves it out of what it reads of the table */
#define BOUND_CONSTRAINT PARTMAN_TABLE_BOUND

/* What partition_table knows about the table it converts. */
typedef struct Conversion
{
	PartmanKey	key;			/* the table; key.parent becomes the new parent */
	Oid			table;			/* the original table, later the legacy partition */
	char	   *qualified;		/* its original qualified name */
	char	   *legacy;			/* its name as a partition */
	PartmanConfig cfg;
	RangeGrid	grid;
	PartmanBound bound;			/* of the legacy partition */
	int64		hi_cell;		/* first cell after the legacy partition */
} Conversion;

/* ---------------------------------------------------------------------
 * Small helpers
 * ---------------------------------------------------------------------
 */

static double
elapsed_ms(TimestampTz since)
{
	return (GetCurrentTimestamp() - since) / 1000.0;
}

/*
 * A NOTICE for a phase done: "partition_table "t", phase n of 4 (name):
 * what", with the figures that vary from run to run (time, rows/s) as
 * DETAIL.
 */
static void
report_phase(const Conversion *c, int n, const char *name, const char *what,
			 const char *detail)
{
	ereport(NOTICE,
			(errmsg("partition_table \"%s\", phase %d of 4 (%s): %s", c->key.relname, n, name, what),
			 detail ? errdetail("%s", detail) : 0));
}

/* The size of table relid as pg_size_pretty writes it, from its blocks. */
static char *
relation_size(Oid relid)
{
	Relation	rel = relation_open(relid, AccessShareLock);
	int64		bytes = (int64) RelationGetNumberOfBlocks(rel) * BLCKSZ;

	relation_close(rel, NoLock);
	return text_to_cstring(DatumGetTextPP(DirectFunctionCall1(pg_size_pretty,
															  Int64GetDatum(bytes))));
}

static void
not_supported(const Conversion *c, const char *what, const char *detail, const char *hint)
{
	partman_refuse_table(c->key.relname, "partitioned online", what, detail, hint);
}

/* ---------------------------------------------------------------------
 * Checks: everything that can refuse, before anything changes
 * ---------------------------------------------------------------------
 */

/* The table, its key column and the caller's rights; fills c->key. */
static void
read_table(Conversion *c, Oid relid, const char *keycol)
{
	PartmanRelation rel;

	partman_read_table_key(relid, &rel, &c->key);
	if (rel.relkind == RELKIND_PARTITIONED_TABLE)
	{
		char	   *column = partman_key_column(relid);

		/* partman's own set, or a table partitioned by someone else */
		if (partman_config_exists(relid))
			ereport(ERROR,
					(errcode(ERRCODE_DUPLICATE_OBJECT),
					 errmsg("table \"%s\" is already managed by partman", rel.relname),
					 errdetail("partition_table converts plain tables; this one is a partman set already."),
					 errhint("Change its settings with partman.set_config.")));
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("table \"%s\" is already partitioned, but not managed by partman", rel.relname),
				 column ? errdetail("It is partitioned by column \"%s\".", column) : 0,
				 errhint("Register it with partman.create_parent instead.")));
	}
	if (rel.relkind != RELKIND_RELATION || rel.relispartition)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("\"%s\" is not a plain table", rel.relname),
				 errdetail("partition_table takes an ordinary table that is not a partition.")));
	if (rel.relpersistence != RELPERSISTENCE_PERMANENT)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("table \"%s\" is temporary or unlogged", rel.relname),
				 errdetail("partition_table converts permanent tables only.")));
	if (OidIsValid(rel.reloftype))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("table \"%s\" is a typed table", rel.relname)));

	c->table = relid;
	c->key.strategy = PARTITION_STRATEGY_RANGE;
	c->qualified = partman_qualified_in(c->key.nspname, c->key.relname);

	partman_check_owner(relid);

	partman_read_key_column(&c->key, keycol);

	c->legacy = partman_partition_name(&c->key, "legacy");
}

/*
 * Objects that depend on the table and would go on reading the old table:
 * partman_first_dependent names the first one of each kind, which what
 * reports.
 */
static const struct
{
	PartmanDependent kind;
	const char *what;
	const char *detail;
	const char *hint;
}			dependents[] =
{
	{
		PARTMAN_DEPENDENT_MATVIEW,
		"materialized view \"%s\" depends on it",
		"A materialized view cannot be redefined in place; it would keep reading the old table only.",
		"Drop the materialized view first and create it again afterwards."
	},
	{
		PARTMAN_DEPENDENT_FUNCTION,
		"the SQL body of function \"%s\" depends on it",
		"A function body written with BEGIN ATOMIC refers to the table itself and would keep reading the old table only.",
		"Drop the function first and create it again afterwards."
	},
	{
		PARTMAN_DEPENDENT_PUBLICATION,
		"it is in publication \"%s\"",
		"New partitions would not be published, so replication would silently miss new rows.",
		"Remove the table from the publication, partition it, then add the partitioned table (with publish_via_partition_root = true)."
	},
};

/*
 * What partman cannot carry over refuses the conversion here, with what to
 * do about it; so does an object the caller may not change.  Runs before the
 * first change and again under the ACCESS EXCLUSIVE lock.
 */
static void
check_table(Conversion *c)
{
	Oid			nsp = get_rel_namespace(c->table);
	Oid			existing = get_relname_relid(c->legacy, nsp);
	bool		inherits;
	bool		has_rules;
	bool		primary;
	bool		exclusion;
	char	   *columns;
	char	   *index;
	ListCell   *lc;

	if (OidIsValid(existing) && existing != c->table)
		ereport(ERROR,
				(errcode(ERRCODE_DUPLICATE_TABLE),
				 errmsg("relation \"%s\" already exists", c->legacy),
				 errdetail("partition_table renames table \"%s\" to \"%s\" to make it the first partition.",
						   c->key.relname, c->legacy)));

	partman_inheritance_and_rules(c->table, &inherits, &has_rules);
	if (inherits)
		not_supported(c, "it takes part in table inheritance", NULL, NULL);
	if (has_rules)
		not_supported(c, "it has rules", "A rule on a table cannot move to a partitioned table.",
					  "Drop the rules, or replace them with triggers.");

	/* unique indexes and exclusion constraints must include the key column */
	index = partman_unique_index_without(c->table, c->key.attnum, &primary, &exclusion, &columns);
	if (index != NULL)
	{
		/* the hint names the index's own columns, with the key added */
		columns = columns ? psprintf("%s, %s", columns, partman_quote_name(c->key.attname)) :
			pstrdup(partman_quote_name(c->key.attname));

		not_supported(c, psprintf("unique index \"%s\" does not include column \"%s\"",
								  index, c->key.attname),
					  "PostgreSQL enforces uniqueness on a partitioned table only for keys that include the partition key.",
					  exclusion ?
					  psprintf("Replace the exclusion constraint by one that also includes column \"%s\" with operator =.",
							   c->key.attname) :
					  psprintf("Replace it by %s (%s), which includes the partition key.",
							   primary ? "a primary key" : "a unique index on", columns));
	}

	/* objects that would go on pointing at the old table */
	for (int i = 0; i < lengthof(dependents); i++)
	{
		char	   *name = partman_first_dependent(c->table, dependents[i].kind);

		if (name != NULL)
			not_supported(c, psprintf(dependents[i].what, name), dependents[i].detail,
						  dependents[i].hint);
	}
	if (partman_row_security(c->table))
		not_supported(c, "it has row-level security", NULL,
					  "Disable row-level security and drop its policies first; create them on the partitioned table afterwards.");

	/* constraints */
	foreach(lc, partman_check_and_fk_constraints(c->table))
	{
		PartmanConstraint *con = lfirst(lc);

		if (con->contype == 'c' && con->noinherit)
			not_supported(c, psprintf("check constraint \"%s\" is NO INHERIT", con->name),
						  "A partitioned table cannot have NO INHERIT constraints.", NULL);
		if (con->contype == 'f' && con->self_referencing)
			not_supported(c, psprintf("foreign key \"%s\" references the table itself", con->name),
						  "Moving a self-referencing foreign key to the partitioned table would check every row under the exclusive lock.",
						  "Drop the foreign key first and add it to the partitioned table afterwards.");
		if (con->contype == 'f' && !con->validated)
			not_supported(c, psprintf("foreign key \"%s\" is NOT VALID", con->name),
						  "PostgreSQL 15 cannot add a NOT VALID foreign key to a partitioned table.",
						  psprintf("Validate it first: %s;",
								   partman_sql_validate_constraint(c->qualified, con->name)));
	}

	/* foreign keys of other tables: their owners' rights, and no partitioned referencing table */
	foreach(lc, partman_fks_of_others(c->table))
	{
		PartmanReference *ref = lfirst(lc);

		if (ref->relkind == RELKIND_PARTITIONED_TABLE)
			not_supported(c, psprintf("partitioned table \"%s\" references it (foreign key \"%s\")",
									  get_rel_name(ref->relid), ref->conname),
						  "Re-pointing that foreign key would check every row of the referencing table under the exclusive lock.",
						  "Drop the foreign key first and add it again afterwards.");
		partman_check_owner(ref->relid);
	}

	/* dependent views are replaced by their owners */
	foreach(lc, partman_dependent_views(c->table))
		partman_check_owner(lfirst_oid(lc));
}

/* ---------------------------------------------------------------------
 * The bound of the legacy partition
 * ---------------------------------------------------------------------
 */

/* Rows whose key no partition can hold, reported with counts and examples. */
static void
strays_error(Conversion *c, const PartmanBound *reach)
{
	PartmanStrays strays;
	uint64		n = partman_count_strays(&c->key, c->qualified, reach, &strays);

	ereport(ERROR,
			(errcode(ERRCODE_CHECK_VIOLATION),
			 errmsg_plural("table \"%s\" has " UINT64_FORMAT " row that no partition can hold",
						   "table \"%s\" has " UINT64_FORMAT " rows that no partition can hold",
						   n, c->key.relname, n),
			 errdetail("%s", partman_strays_detail(&c->key, &strays, reach)),
			 errhint("Correct or delete these rows first; partition_table changed nothing.")));
}

/*
 * The legacy partition covers the cells from the one holding the smallest
 * key to one cell past the current one (now for time keys, the largest key
 * for integer keys, or the largest key if that is later): the spare cell
 * takes rows that arrive while partition_table runs, which the CHECK
 * constraint would otherwise refuse.  min and max are answered by an index
 * on the key when there is one.
 */
static void
plan_bound(Conversion *c)
{
	Datum		min;
	Datum		max;
	int64		lo;
	int64		base;

	if (!partman_key_range(&c->key, c->qualified, NULL, false, &min, &max))
	{
		/* an empty table: the current cell */
		base = c->grid.kind == GRID_INTEGER ? 0 : partman_grid_now_cell(&c->grid);
		lo = base;
	}
	else
	{
		PartmanBound reach;

		/* a key no partition can hold (infinity, ...): refuse before changing anything */
		partman_grid_reach(&c->grid, &reach);
		if (partman_compare_keys(&c->key, min, reach.lower) < 0 ||
			partman_compare_keys(&c->key, max, reach.upper) >= 0)
			strays_error(c, &reach);
		lo = partman_grid_cell_of(&c->grid, min);
		base = partman_grid_cell_of(&c->grid, max);
		if (c->grid.kind != GRID_INTEGER)
			base = Max(base, partman_grid_now_cell(&c->grid));
	}
	c->hi_cell = partman_premake_horizon(&c->grid, base, 1) + 1;
	memset(&c->bound, 0, sizeof(c->bound));
	c->bound.lower = partman_grid_bound(&c->grid, lo);
	c->bound.upper = partman_grid_bound(&c->grid, c->hi_cell);
}

/* Drop the bound constraint again, if the lock comes within lock_timeout. */
static void
drop_bound(void *arg)
{
	Conversion *c = arg;
	PartmanDdlState ddl;

	partman_lock_relation(c->table, AccessExclusiveLock);
	partman_begin_ddl(&c->key, &ddl);
	partman_ddl_exec(partman_sql_drop_constraint(partman_qualified_name(c->table),
												 BOUND_CONSTRAINT, true));
	partman_end_ddl(&ddl);
}

/* After a failed step, when dropping the constraint failed too. */
static void
warn_bound_left(void *arg, ErrorData *cleanup)
{
	Conversion *c = arg;

	ereport(WARNING,
			(errmsg("check constraint \"%s\" was left on table \"%s\"", BOUND_CONSTRAINT,
					get_rel_name(c->table)),
			 errdetail("Dropping it failed: %s", cleanup->message),
			 errhint("%s;", partman_sql_drop_constraint(partman_qualified_name(c->table),
														BOUND_CONSTRAINT, false))));
}

/* After a failed step: drop the constraint, commit that, then raise edata. */
static void
fail_after_cleanup(Conversion *c, ErrorData *edata)
{
	partman_fail_after_cleanup(edata, drop_bound, warn_bound_left, c);
}

static void
validate_bound(void *arg)
{
	Conversion *c = arg;
	PartmanDdlState ddl;

	partman_begin_ddl(&c->key, &ddl);
	partman_ddl_exec(partman_sql_validate_constraint(c->qualified, BOUND_CONSTRAINT));
	partman_end_ddl(&ddl);
}

/* A check violation of the bound, reported with a count and an example. */
static ErrorData *
outside_rows_error(Conversion *c)
{
	char	   *outside = psprintf("(%s) IS NOT TRUE", partman_bound_condition(&c->key, &c->bound));
	uint64		count = partman_count_rows(c->qualified, outside);
	char	   *example = partman_key_example(&c->key, c->qualified, outside);
	MemoryContext oldcxt = CurrentMemoryContext;
	ErrorData  *edata = NULL;

	PG_TRY();
	{
		ereport(ERROR,
				(errcode(ERRCODE_CHECK_VIOLATION),
				 errmsg_plural("table \"%s\" has " UINT64_FORMAT " row outside the range of its first partition",
							   "table \"%s\" has " UINT64_FORMAT " rows outside the range of its first partition",
							   count, c->key.relname, count),
				 errdetail("For example, a row with %s = %s. The range is %s; rows written while partition_table ran must fit it too.",
						   c->key.attname, example, partman_bound_clause(&c->key, &c->bound)),
				 errhint("A NULL key fits no range partition: set those rows' keys first.")));
	}
	PG_CATCH();
	{
		MemoryContextSwitchTo(oldcxt);
		edata = CopyErrorData();
		FlushErrorState();
	}
	PG_END_TRY();
	return edata;
}

/* ---------------------------------------------------------------------
 * The cut-over, under ACCESS EXCLUSIVE
 * ---------------------------------------------------------------------
 */

typedef struct Cutover
{
	Conversion *c;
	int			created;		/* partitions made, the default included */
	List	   *validate;		/* PartmanForeignKey: to validate afterwards */
} Cutover;

/* A free name for the legacy partition's version of object name. */
static char *
legacy_object_name(const Conversion *c, const char *name)
{
	size_t		len = strlen(c->key.relname);
	const char *rest = name;

	if (strncmp(name, c->key.relname, len) == 0 && name[len] == '_')
		rest = name + len + 1;
	for (int n = 0;; n++)
	{
		char	   *candidate = makeObjectName(c->legacy, rest, n ? psprintf("%d", n) : NULL);

		if (!OidIsValid(get_relname_relid(candidate, get_rel_namespace(c->table))))
			return candidate;
	}
}

/* What the cut-over carries over from the old table to the new parent. */
typedef struct Carried
{
	List	   *before;			/* renames and drops on the old table */
	List	   *parent_ddl;		/* constraints, indexes, triggers of the parent */
	List	   *views;			/* PartmanStatement: run by each view's owner */
	List	   *identity;		/* columns with identity... */
	List	   *identity_seqs;	/* ...and their old sequences */
	List	   *serials;		/* ALTER SEQUENCE ... OWNED BY statements */
	char		replident;
	char	   *replident_index;
	char	   *comment;
	char	   *tablespace;
} Carried;

/* Constraint name (as definition) to be added to the parent. */
static void
carry_constraint(const Conversion *c, Carried *carry, const char *name, const char *definition)
{
	carry->parent_ddl = lappend(carry->parent_ddl,
								partman_sql_add_constraint(c->qualified, name, definition, false));
}

/*
 * Indexes: renamed on the old table (it keeps them), and recreated on the
 * parent (as constraints where they back one), where each attaches the old
 * table's matching index without building anything.
 */
static void
carry_indexes(const Conversion *c, Carried *carry)
{
	ListCell   *lc;

	foreach(lc, partman_index_definitions(c->table))
	{
		PartmanIndexDef *index = lfirst(lc);

		carry->before = lappend(carry->before,
								partman_sql_rename("INDEX",
												   partman_qualified_in(c->key.nspname, index->name),
												   legacy_object_name(c, index->name)));
		if (index->conname != NULL)
			carry_constraint(c, carry, index->conname, index->condef);
		else
			carry->parent_ddl = lappend(carry->parent_ddl, index->definition);
		if (index->replident)
			carry->replident_index = pstrdup(index->name);
	}
}

/* CHECK constraints and foreign keys, recreated on the parent. */
static void
carry_constraints(const Conversion *c, Carried *carry)
{
	ListCell   *lc;

	foreach(lc, partman_constraint_definitions(c->table))
	{
		PartmanConstraintDef *con = lfirst(lc);

		carry_constraint(c, carry, con->name, con->definition);
	}
}

/* Triggers: dropped on the old table, made on the parent in the same state. */
static void
carry_triggers(const Conversion *c, Carried *carry)
{
	ListCell   *lc;

	foreach(lc, partman_trigger_definitions(c->table))
	{
		PartmanTriggerDef *trigger = lfirst(lc);
		char	   *state = partman_sql_trigger_state(c->qualified, trigger->name, trigger->enabled);

		carry->before = lappend(carry->before, partman_sql_drop_trigger(c->qualified, trigger->name));
		carry->parent_ddl = lappend(carry->parent_ddl, trigger->definition);
		if (state)
			carry->parent_ddl = lappend(carry->parent_ddl, state);
	}
}

/*
 * Sequences: an identity column's is renamed with the old table and
 * continued by the parent's own; a serial-style one (OWNED BY) becomes the
 * parent's.
 */
static void
carry_sequences(const Conversion *c, Carried *carry)
{
	ListCell   *lc;

	foreach(lc, partman_column_sequences(c->table))
	{
		PartmanColumnSequence *seq = lfirst(lc);

		if (seq->identity)
		{
			carry->identity = lappend(carry->identity, seq->attname);
			carry->identity_seqs = lappend_oid(carry->identity_seqs, seq->seq);
			carry->before = lappend(carry->before,
									partman_sql_rename("SEQUENCE", partman_qualified_name(seq->seq),
													   legacy_object_name(c, get_rel_name(seq->seq))));
		}
		else
			carry->serials = lappend(carry->serials,
									 partman_sql_sequence_owned_by(partman_qualified_name(seq->seq),
																   c->qualified, seq->attname));
	}
}

/* Views, replaced by their owners: CREATE OR REPLACE keeps OIDs and grants. */
static void
carry_views(const Conversion *c, Carried *carry)
{
	ListCell   *lc;

	foreach(lc, partman_view_definitions(c->table))
	{
		PartmanViewDef *def = lfirst(lc);
		PartmanStatement *view = palloc0(sizeof(PartmanStatement));

		view->role = def->owner;
		view->sql = partman_sql_replace_view(partman_qualified_name(def->relid), def->options,
											 def->definition);
		carry->views = lappend(carry->views, view);
	}
}

/*
 * The swap: the old table renamed, the partitioned parent created under its
 * name, identity continued, the old table attached (its validated CHECK
 * constraint makes ATTACH skip the scan), and indexes, constraints,
 * triggers, replica identity, comment and privileges given to the parent.
 * Returns the new parent.
 */
static Oid
swap_tables(Conversion *c, const Carried *carry)
{
	PartmanKey *key = &c->key;
	char	   *legacy_q = partman_qualified_in(key->nspname, c->legacy);
	char	   *replident;
	ListCell   *lc;
	ListCell   *lc2;
	Oid			parent;

	partman_ddl_exec_list(carry->before);
	partman_ddl_exec(partman_sql_rename("TABLE", c->qualified, c->legacy));
	partman_ddl_exec(partman_sql_create_parent_like(c->qualified, legacy_q, "RANGE", key->attname,
													carry->tablespace));
	parent = get_relname_relid(key->relname, get_rel_namespace(c->table));
	if (!OidIsValid(parent))
		elog(ERROR, "table \"%s\" not found after creation", key->relname);

	/* identity continues where the old table's left off; the old sequence goes */
	forboth(lc, carry->identity, lc2, carry->identity_seqs)
	{
		partman_continue_identity(c->qualified, lfirst(lc),
								  partman_qualified_name(lfirst_oid(lc2)));
		partman_ddl_exec(partman_sql_drop_identity(legacy_q, lfirst(lc)));
	}
	partman_ddl_exec_list(carry->serials);

	partman_ddl_exec(partman_sql_attach(c->qualified, legacy_q,
										partman_bound_clause(key, &c->bound)));
	partman_ddl_exec(partman_sql_drop_constraint(legacy_q, BOUND_CONSTRAINT, false));

	/* each index and constraint attaches the partition's matching one */
	partman_ddl_exec_list(carry->parent_ddl);
	replident = partman_sql_replica_identity(c->qualified, carry->replident,
											 carry->replident_index);
	if (replident)
		partman_ddl_exec(replident);
	if (carry->comment)
		partman_ddl_exec(partman_sql_comment_on_table(c->qualified, carry->comment));
	partman_copy_table_privileges(c->table, parent);
	return parent;
}

/*
 * The cut-over, under ACCESS EXCLUSIVE: read everything first, while the
 * names still point at the old table (with search_path = pg_catalog,
 * pg_get_*def() qualify the table's name, so each definition, run later,
 * names the new parent); swap; views and foreign keys of other tables by
 * their owners; partitions ahead; the set registered.
 */
static void
cutover(void *arg)
{
	Cutover    *cut = arg;
	Conversion *c = cut->c;
	PartmanKey *key = &c->key;
	Carried		carry;
	List	   *fks;
	PartmanTemplate tmpl;
	PartmanDdlState ddl;
	ListCell   *lc;

	partman_begin_ddl(key, &ddl);
	memset(&carry, 0, sizeof(carry));
	carry_indexes(c, &carry);
	carry_constraints(c, &carry);
	carry_triggers(c, &carry);
	carry_sequences(c, &carry);
	carry_views(c, &carry);
	/* foreign keys of other tables: dropped and added again, NOT VALID */
	fks = partman_referencing_fks(c->table);
	/* replica identity, comment and tablespace of the table */
	partman_table_properties(c->table, &carry.replident, &carry.comment, &carry.tablespace);

	key->parent = swap_tables(c, &carry);
	foreach(lc, carry.views)
	{
		PartmanStatement *view = lfirst(lc);

		partman_exec_as(view->role, view->sql);
	}
	foreach(lc, fks)
	{
		PartmanForeignKey *fk = lfirst(lc);

		partman_exec_as(fk->owner, fk->drop);
		partman_exec_as(fk->owner, fk->add);
	}
	cut->validate = fks;

	/* partitions ahead, after the legacy partition, and the default */
	partman_read_template(key, NULL, &tmpl);
	cut->created = partman_create_range_cells(key, &c->grid, &tmpl, c->hi_cell,
											  partman_premake_horizon(&c->grid, c->hi_cell - 1,
																	  c->cfg.premake));
	if (c->cfg.default_partition)
	{
		partman_create_default_partition(key, &tmpl);
		cut->created++;
	}
	partman_end_ddl(&ddl);

	c->cfg.parent = key->parent;
	partman_config_insert(&c->cfg);
}

/* The cut-over: lock, check again under the lock, swap. */
static void
cutover_locked(void *arg)
{
	Cutover    *cut = arg;

	partman_lock_relation(cut->c->table, AccessExclusiveLock);
	check_table(cut->c);
	cutover(cut);
}

/* ---------------------------------------------------------------------
 * The engine: the four phases
 * ---------------------------------------------------------------------
 */

/*
 * partman_partition_table_run
 *		Turn table into a RANGE-partitioned table of the same name (see the
 *		file header), partitioned by column keycol with the settings of
 *		settings (interval, premake, default_partition, retention...,
 *		time_zone, epoch; the rest is filled in here).  Sets *created to the
 *		number of partitions made and *lock_ms to the longest time an ACCESS
 *		EXCLUSIVE lock on the table was held, from the lock request to the
 *		commit.  Commits between its phases: the caller checked that it runs
 *		at top level.
 */
void
partman_partition_table_run(Oid table, const char *keycol, const PartmanConfig *settings,
							int *created, double *lock_ms)
{
	int			spi_level;
	Conversion *c;
	Cutover		cut;
	ErrorData  *edata;
	TimestampTz started;
	double		cut_ms;
	double		prepare_ms;
	PartmanDdlState ddl;
	int64		rows;
	PartmanProgress progress;
	int			nfks;
	ListCell   *lc;
	char	   *size;
	bool		replace;

	spi_level = partman_spi_connect(true);
	c = palloc0(sizeof(Conversion));
	read_table(c, table, keycol);

	c->cfg = *settings;
	c->cfg.strategy = "range";
	c->cfg.key = c->key.attname;
	c->cfg.require_filter = "off";
	partman_validate_config(&c->cfg, &c->key);
	partman_parse_grid(&c->key, c->cfg.interval, c->cfg.time_zone, c->cfg.epoch, &c->grid);
	check_table(c);
	plan_bound(c);

	/* 1. prepare: the bound as a NOT VALID constraint (brief ACCESS EXCLUSIVE) */
	started = GetCurrentTimestamp();
	partman_lock_relation(table, AccessExclusiveLock);
	partman_begin_ddl(&c->key, &ddl);
	/* a constraint left by an earlier run that could not drop it is replaced */
	replace = partman_bound_constraint_exists(table);
	partman_ddl_exec(partman_sql_add_check(c->qualified, BOUND_CONSTRAINT,
										   partman_bound_condition(&c->key, &c->bound),
										   true, replace));
	partman_end_ddl(&ddl);
	partman_spi_commit();
	prepare_ms = elapsed_ms(started);
	report_phase(c, 1, "prepare",
				 "added check constraint \"" BOUND_CONSTRAINT "\" NOT VALID",
				 psprintf("ACCESS EXCLUSIVE lock held %s.",
						  partman_progress_duration(prepare_ms / 1000)));

	/* 2. verify: validate it, reads and writes go on (one scan, so no batches) */
	rows = partman_estimated_rows(table);
	size = relation_size(table);
	ereport(NOTICE,
			(errmsg("partition_table \"%s\", phase 2 of 4 (verify): scanning the table; reads and writes go on",
					c->key.relname),
			 rows > 0 ? errdetail("%s, about " INT64_FORMAT " rows as statistics estimate them.", size, rows) :
			 errdetail("%s.", size)));
	partman_progress_start(&progress, 0);
	edata = partman_try_subtransaction(validate_bound, c);
	if (edata != NULL)
		fail_after_cleanup(c, edata->sqlerrcode == ERRCODE_CHECK_VIOLATION ?
						   outside_rows_error(c) : edata);
	partman_spi_commit();
	report_phase(c, 2, "verify", "every row is within the bound of the first partition",
				 rows > 0 ? psprintf("About %s.", partman_progress_rate(&progress, rows, "rows")) :
				 psprintf("Took %s.", partman_progress_elapsed(&progress)));

	/* 3. cut over under ACCESS EXCLUSIVE; on failure nothing of it stays */
	memset(&cut, 0, sizeof(cut));
	cut.c = c;
	started = GetCurrentTimestamp();
	edata = partman_try_subtransaction(cutover_locked, &cut);
	if (edata != NULL)
		fail_after_cleanup(c, edata);
	partman_spi_commit();
	cut_ms = elapsed_ms(started);
	report_phase(c, 3, "cut over", cut.created == 1 ? "created 1 partition" :
				 psprintf("created %d partitions", cut.created),
				 psprintf("ACCESS EXCLUSIVE lock held %s.",
						  partman_progress_duration(cut_ms / 1000)));
	ereport(NOTICE,
			(errmsg("table \"%s\" is now partitioned; its rows stay in partition \"%s\"",
					c->key.relname, c->legacy)));

	/* 4. validate the re-pointed foreign keys of other tables, online */
	partman_progress_start(&progress, 0);
	nfks = 0;
	foreach(lc, cut.validate)
		nfks += ((PartmanForeignKey *) lfirst(lc))->validate != NULL ? 1 : 0;
	partman_validate_fks(cut.validate);
	report_phase(c, 4, "foreign keys",
				 nfks == 0 ? "no foreign key of another table to validate" :
				 nfks == 1 ? "validated 1 foreign key of another table" :
				 psprintf("validated %d foreign keys of other tables", nfks),
				 nfks == 0 ? NULL :
				 psprintf("Took %s; the referencing tables stayed readable and writable.",
						  partman_progress_elapsed(&progress)));
	partman_spi_finish(spi_level);


	*created = cut.created;
	*lock_ms = Max(cut_ms, prepare_ms);
}
