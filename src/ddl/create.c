/*-------------------------------------------------------------------------
 *
 * create.c
 *	  How a new partition is made: the CREATE TABLE ... PARTITION OF, and
 *	  what it copies from its parent (privileges, or the row-level security
 *	  closure; replica identity; storage parameters; a composite set's
 *	  sub-partitions).
 *
 * One builder, two users: partman_create_partition_statements returns the
 * statements for the dry run (maintenance_plan) before the partition
 * exists, and partman_create_partition runs the same builders, reading the
 * new table once it exists.  The two texts differ only where PostgreSQL
 * decides after the CREATE: the name of the partition's copy of the replica
 * identity index is predicted with PostgreSQL's own naming rule, and the
 * run uses the name PostgreSQL chose.
 *
 *-------------------------------------------------------------------------
 */
#include "partman.h"

#include "access/htup_details.h"
#include "access/relation.h"
#include "catalog/dependency.h"
#include "catalog/namespace.h"
#include "catalog/partition.h"
#include "catalog/pg_class.h"
#include "catalog/pg_index.h"
#include "commands/defrem.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/syscache.h"

/* ---------------------------------------------------------------------
 * Privileges and row-level security
 * ---------------------------------------------------------------------
 */

/* Table privileges in the order GRANT lists them. */
static const struct
{
	AclMode		bit;
	const char *name;
}			table_privileges[] =
{
	{ACL_SELECT, "SELECT"}, {ACL_INSERT, "INSERT"}, {ACL_UPDATE, "UPDATE"},
	{ACL_DELETE, "DELETE"}, {ACL_TRUNCATE, "TRUNCATE"},
	{ACL_REFERENCES, "REFERENCES"}, {ACL_TRIGGER, "TRIGGER"},
};

static char *
privilege_list(AclMode mode)
{
	StringInfoData buf;

	initStringInfo(&buf);
	for (int i = 0; i < lengthof(table_privileges); i++)
		if (mode & table_privileges[i].bit)
			appendStringInfo(&buf, "%s%s", buf.len ? ", " : "", table_privileges[i].name);
	return buf.data;
}

static const char *
grantee_name(Oid roleid)
{
	if (roleid == ACL_ID_PUBLIC)
		return "PUBLIC";
	return quote_identifier(GetUserNameFromId(roleid, false));
}

/* relid's ACL, or NULL for the built-in default (owner only). */
static Acl *
relation_acl(Oid relid, Oid *owner)
{
	HeapTuple	tuple = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	bool		isnull;
	Datum		acl;
	Acl		   *result = NULL;

	if (!HeapTupleIsValid(tuple))
		elog(ERROR, "cache lookup failed for relation %u", relid);
	if (owner)
		*owner = ((Form_pg_class) GETSTRUCT(tuple))->relowner;
	acl = SysCacheGetAttr(RELOID, tuple, Anum_pg_class_relacl, &isnull);
	if (!isnull)
		result = DatumGetAclPCopy(acl);
	ReleaseSysCache(tuple);
	return result;
}

/*
 * The ACL of a new partition: its own when it exists (relid valid), else
 * the one PostgreSQL will give it when *owner (the set's owner, as whom DDL
 * runs) creates it in schema nspid (ALTER DEFAULT PRIVILEGES); NULL for the
 * built-in default.  Sets *owner to the table's owner.
 */
static Acl *
new_table_acl(Oid relid, Oid nspid, Oid *owner)
{
	if (OidIsValid(relid))
		return relation_acl(relid, owner);
	return get_user_default_acl(OBJECT_TABLE, *owner, nspid);
}

/* Grantees of acl other than owner, as quoted names (PUBLIC too). */
static List *
other_grantees(const Acl *acl, Oid owner)
{
	List	   *oids = NIL;
	List	   *result = NIL;
	ListCell   *lc;

	if (acl != NULL)
		for (int i = 0; i < ACL_NUM(acl); i++)
			if (ACL_DAT(acl)[i].ai_grantee != owner)
				oids = list_append_unique_oid(oids, ACL_DAT(acl)[i].ai_grantee);
	foreach(lc, oids)
		result = lappend(result, unconstify(char *, grantee_name(lfirst_oid(lc))));
	return result;
}

/*
 * The statements that make table's ACL equal to parent_acl, table's being
 * acl (owned by owner): revoke what the table got (its owner's defaults and
 * any ALTER DEFAULT PRIVILEGES), then grant the parent's items.
 */
static List *
privilege_statements(const Acl *parent_acl, const Acl *acl, Oid owner, const char *table)
{
	List	   *revoke = list_make2("PUBLIC", unconstify(char *, grantee_name(owner)));
	List	   *result;

	revoke = list_concat(revoke, other_grantees(acl, owner));
	result = list_make1(partman_sql_revoke_all(table, revoke));
	for (int i = 0; i < ACL_NUM(parent_acl); i++)
	{
		const AclItem *item = &ACL_DAT(parent_acl)[i];
		AclMode		privs = ACLITEM_GET_PRIVS(*item);
		AclMode		options = ACLITEM_GET_GOPTIONS(*item);

		if (privs & ~options)
			result = lappend(result, partman_sql_grant(table, privilege_list(privs & ~options),
													   grantee_name(item->ai_grantee), false));
		if (options)
			result = lappend(result, partman_sql_grant(table, privilege_list(options),
													   grantee_name(item->ai_grantee), true));
	}
	return result;
}

/*
 * Row-level security.  Policies live on the parent and apply only to queries
 * that name it: a query that names a partition sees every row of it.  So a
 * partition of a parent with row-level security gets no privileges (only its
 * owner reads it directly) and has row-level security enabled with no
 * policy, which denies every row to anyone a later GRANT lets in.  Queries
 * through the parent are unaffected: PostgreSQL checks privileges and
 * policies of the table the query names.  Not FORCE: the owner (and members
 * of its role) may read every partition anyway, and partman moves rows
 * between partitions with the owner's rights.
 */
static List *
closing_statements(const Acl *acl, Oid owner, const char *table)
{
	List	   *roles = other_grantees(acl, owner);
	List	   *result = NIL;

	if (roles != NIL)
		result = lappend(result, partman_sql_revoke_all(table, roles));
	return lappend(result, partman_sql_enable_row_security(table));
}

/* Whether partition relid is closed as above. */
bool
partman_partition_is_secured(Oid relid)
{
	Oid			owner;
	Acl		   *acl = relation_acl(relid, &owner);

	return partman_class_rowsecurity(relid) && other_grantees(acl, owner) == NIL;
}

/* The statements that close partition relid as above. */
List *
partman_secure_partition_statements(Oid relid)
{
	Oid			owner;
	Acl		   *acl = relation_acl(relid, &owner);

	return closing_statements(acl, owner, partman_qualified_name(relid));
}

/*
 * partman_copy_table_privileges
 *		Give table to the privileges of table from (partition_table: the new
 *		parent gets the converted table's).  Caller is inside
 *		partman_begin_ddl().
 */
void
partman_copy_table_privileges(Oid from, Oid to)
{
	Acl		   *from_acl = relation_acl(from, NULL);
	Oid			owner;
	Acl		   *acl;

	if (from_acl == NULL)
		return;
	acl = relation_acl(to, &owner);
	partman_ddl_exec_list(privilege_statements(from_acl, acl, owner, partman_qualified_name(to)));
}

/* ---------------------------------------------------------------------
 * Replica identity
 * ---------------------------------------------------------------------
 */

/* The partition's index that inherits from the parent's index parent_index. */
static Oid
child_index_of(Oid relid, Oid parent_index)
{
	Relation	rel = relation_open(relid, NoLock);
	List	   *indexes = RelationGetIndexList(rel);
	ListCell   *lc;
	Oid			result = InvalidOid;

	foreach(lc, indexes)
	{
		if (get_partition_parent(lfirst_oid(lc), true) == parent_index)
		{
			result = lfirst_oid(lc);
			break;
		}
	}
	relation_close(rel, NoLock);
	return result;
}

/*
 * The name PostgreSQL gives the copy of index on a new partition called
 * relname in nspid: <table>_pkey for a primary key, <table>_<columns>_key
 * for a unique constraint, <table>_<columns>_idx for an index (DefineIndex,
 * which names cloned indexes so).  A replica identity index has plain
 * columns only.
 */
static char *
predicted_index_name(Oid index, const char *relname, Oid nspid)
{
	HeapTuple	tuple = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(index));
	Form_pg_index form;
	char		columns[NAMEDATALEN * 2] = "";
	const char *label;
	bool		constraint;

	if (!HeapTupleIsValid(tuple))
		elog(ERROR, "cache lookup failed for index %u", index);
	form = (Form_pg_index) GETSTRUCT(tuple);
	for (int i = 0; i < form->indnkeyatts && strlen(columns) < NAMEDATALEN; i++)
	{
		char	   *column = get_attname(form->indrelid, form->indkey.values[i], false);

		if (i > 0)
			strlcat(columns, "_", sizeof(columns));
		strlcat(columns, column, sizeof(columns));
	}
	constraint = form->indisprimary || OidIsValid(get_index_constraint(index));
	label = form->indisprimary ? "pkey" : constraint ? "key" : "idx";
	ReleaseSysCache(tuple);
	return ChooseRelationName(relname, form->indisprimary ? NULL : columns, label, nspid,
							  constraint);
}

/* The REPLICA IDENTITY statement a new partition needs, or NULL. */
static char *
replica_identity_statement(const PartmanTemplate *tmpl, Oid relid, const char *relname,
						   Oid nspid, const char *table)
{
	char	   *index = NULL;

	if (tmpl->replident == REPLICA_IDENTITY_INDEX && OidIsValid(tmpl->replident_index))
	{
		if (OidIsValid(relid))
		{
			Oid			child = child_index_of(relid, tmpl->replident_index);

			if (OidIsValid(child))
				index = get_rel_name(child);
		}
		else
			index = predicted_index_name(tmpl->replident_index, relname, nspid);
	}
	return partman_sql_replica_identity(table, tmpl->replident, index);
}

/* ---------------------------------------------------------------------
 * Composite sets
 * ---------------------------------------------------------------------
 */

/*
 * partman_template_add_sub
 *		Give a template the set's sub-partitioning, if it has one.  The
 *		default_partition setting applies to the sub-level too (LIST only:
 *		PostgreSQL allows no default HASH partition).
 */
void
partman_template_add_sub(PartmanTemplate *tmpl, const PartmanConfig *cfg)
{
	if (cfg == NULL || cfg->sub_strategy == NULL)
		return;
	tmpl->sub_strategy = partman_sub_strategy_code(cfg->sub_strategy);
	tmpl->sub_key = pstrdup(cfg->sub_key);
	if (cfg->sub_list_values != NULL)
		tmpl->sub_list_values = DirectFunctionCall1(jsonb_in,
													CStringGetDatum(cfg->sub_list_values));
	tmpl->sub_modulus = cfg->sub_modulus;
	tmpl->sub_default = cfg->default_partition &&
		tmpl->sub_strategy == PARTITION_STRATEGY_LIST;
}

/*
 * partman_sub_template
 *		The template of the sub-partitions of partition, a composite set's
 *		partition (InvalidOid: one not made yet): the same properties, no
 *		further sub-partitioning, and the replica identity index that
 *		partition inherited.
 */
void
partman_sub_template(const PartmanTemplate *tmpl, Oid partition, PartmanTemplate *sub)
{
	*sub = *tmpl;
	sub->sub_strategy = 0;
	if (tmpl->replident == REPLICA_IDENTITY_INDEX && OidIsValid(partition))
		sub->replident_index = child_index_of(partition, tmpl->replident_index);
}

/* One sub-partition of a composite set's new partition. */
typedef struct SubPartition
{
	PartmanKey	key;			/* the new partition's sub-partitioning */
	char	   *name;
	char	   *bound_clause;
} SubPartition;

/*
 * The sub-partitions of new partition name of key's set: one per
 * sub_list_values member and a default one (as the set's default_partition
 * setting says), or sub_modulus HASH partitions.  Named after the partition
 * as partitions are named after their parent.
 */
static List *
sub_partitions(const PartmanKey *key, const PartmanTemplate *tmpl, const char *name)
{
	PartmanKey	sub;
	List	   *result = NIL;

	partman_sub_key(key, tmpl->sub_key, tmpl->sub_strategy, &sub);
	sub.parent = InvalidOid;
	sub.relname = pstrdup(name);
	if (tmpl->sub_strategy == PARTITION_STRATEGY_LIST)
	{
		ListCell   *lc;

		foreach(lc, partman_parse_list_values(&sub, tmpl->sub_list_values, "sub_list_values"))
		{
			PartmanListMember *member = lfirst(lc);
			SubPartition *part = palloc(sizeof(SubPartition));

			part->key = sub;
			part->name = partman_partition_name(&sub, member->suffix);
			part->bound_clause = partman_bound_clause(&sub, &member->bound);
			result = lappend(result, part);
		}
		if (tmpl->sub_default)
		{
			SubPartition *part = palloc(sizeof(SubPartition));

			part->key = sub;
			part->name = partman_default_name(&sub, 1);
			part->bound_clause = "DEFAULT";
			result = lappend(result, part);
		}
		return result;
	}
	for (int remainder = 0; remainder < tmpl->sub_modulus; remainder++)
	{
		SubPartition *part = palloc(sizeof(SubPartition));
		PartmanBound bound;

		memset(&bound, 0, sizeof(bound));
		bound.modulus = tmpl->sub_modulus;
		bound.remainder = remainder;
		part->key = sub;
		part->name = partman_hash_name(&sub, remainder);
		part->bound_clause = partman_bound_clause(&sub, &bound);
		result = lappend(result, part);
	}
	return result;
}

/* ---------------------------------------------------------------------
 * The partition
 * ---------------------------------------------------------------------
 */

static bool
is_composite(const PartmanTemplate *tmpl, const char *bound_clause)
{
	return tmpl->sub_strategy != 0 && strcmp(bound_clause, "DEFAULT") != 0;
}

/* CREATE [FOREIGN] TABLE name PARTITION OF parent ... */
static char *
create_statement(const PartmanKey *key, const PartmanTemplate *tmpl, const char *name,
				 const char *bound_clause)
{
	const char *options = NULL;

	/* storage parameters go to the leaves: a partitioned table keeps none */
	if (tmpl->server != NULL)
		options = partman_remote_table_options(key, name, tmpl->server);
	else if (is_composite(tmpl, bound_clause))
		options = partman_sql_partition_by(partman_strategy_keyword(tmpl->sub_strategy),
										   tmpl->sub_key);
	else if (tmpl->storage_parameters)
		options = psprintf(" WITH (%s)", tmpl->storage_parameters);
	return partman_sql_create_partition(partman_qualified_in(key->nspname, name),
										partman_qualified_in(key->nspname, key->relname),
										bound_clause, tmpl->server != NULL, options);
}

/*
 * What a new partition copies from its parent, once made: the statements,
 * for the partition relid (InvalidOid: as it will be made, named name).
 */
static List *
property_statements(const PartmanKey *key, const PartmanTemplate *tmpl, const char *name,
					Oid relid)
{
	Oid			nspid = get_namespace_oid(key->nspname, false);
	char	   *table = partman_qualified_in(key->nspname, name);
	List	   *result = NIL;
	char	   *replica;
	Oid			owner = key->owner;

	if (tmpl->row_security)
		result = closing_statements(new_table_acl(relid, nspid, &owner), owner, table);
	else if (tmpl->has_acl)
		result = privilege_statements(DatumGetAclP(tmpl->relacl),
									  new_table_acl(relid, nspid, &owner), owner, table);
	if (tmpl->server == NULL &&
		(replica = replica_identity_statement(tmpl, relid, name, nspid, table)) != NULL)
		result = lappend(result, replica);
	return result;
}

/*
 * partman_create_partition_statements
 *		The statements partman_create_partition runs to make partition name
 *		with bound_clause ("FOR VALUES ..." or "DEFAULT"), as maintenance_plan
 *		prints them: the CREATE, what the partition copies from its parent,
 *		and in a composite set its sub-partitions.  A foreign partition's
 *		table on its server is made first (remote.c), and is not listed.
 */
List *
partman_create_partition_statements(const PartmanKey *key, const PartmanTemplate *tmpl,
									const char *name, const char *bound_clause)
{
	List	   *result = list_make1(create_statement(key, tmpl, name, bound_clause));
	ListCell   *lc;

	result = list_concat(result, property_statements(key, tmpl, name, InvalidOid));
	if (is_composite(tmpl, bound_clause))
	{
		PartmanTemplate sub;

		partman_sub_template(tmpl, InvalidOid, &sub);
		foreach(lc, sub_partitions(key, tmpl, name))
		{
			SubPartition *part = lfirst(lc);

			result = list_concat(result,
								 partman_create_partition_statements(&part->key, &sub, part->name,
																	 part->bound_clause));
		}
	}
	return result;
}

/*
 * partman_create_partition
 *		Create a partition with the given bound clause ("FOR VALUES ..." or
 *		"DEFAULT") and give it the parent's properties.  In a composite set
 *		(the template says how), a partition other than the default is
 *		itself partitioned and gets its sub-partitions.  With a server, it
 *		is a foreign table there, reading a table partman makes on that
 *		server (remote.c).  Returns its OID.  Caller holds the locks and is
 *		inside partman_begin_ddl().
 */
Oid
partman_create_partition(const PartmanKey *key, const PartmanTemplate *tmpl,
						 const char *name, const char *bound_clause)
{
	Oid			relid;
	ListCell   *lc;

	/* on a server: the table there first, then the foreign table that reads it */
	if (tmpl->server != NULL)
	{
		/* an empty table a failed commit left there is made again */
		partman_remote_clear_leftover(key, name, tmpl->server);
		partman_remote_create_table(key, name, tmpl->server);
	}
	partman_ddl_exec(create_statement(key, tmpl, name, bound_clause));
	relid = get_relname_relid(name, get_namespace_oid(key->nspname, false));
	if (!OidIsValid(relid))
		elog(ERROR, "partition \"%s\" not found after creation", name);
	partman_ddl_exec_list(property_statements(key, tmpl, name, relid));
	if (is_composite(tmpl, bound_clause))
	{
		PartmanTemplate sub;

		partman_sub_template(tmpl, relid, &sub);
		foreach(lc, sub_partitions(key, tmpl, name))
		{
			SubPartition *part = lfirst(lc);

			part->key.parent = relid;
			(void) partman_create_partition(&part->key, &sub, part->name, part->bound_clause);
		}
	}
	return relid;
}

/*
 * partman_create_range_partition
 *		CREATE TABLE name PARTITION OF parent FOR VALUES FROM (lower) TO
 *		(upper).  Caller holds the locks and is inside partman_begin_ddl().
 */
Oid
partman_create_range_partition(const PartmanKey *key, const PartmanTemplate *tmpl,
							   const char *name, Datum lower, Datum upper)
{
	PartmanBound bound;

	memset(&bound, 0, sizeof(bound));
	bound.lower = lower;
	bound.upper = upper;
	return partman_create_partition(key, tmpl, name, partman_bound_clause(key, &bound));
}

Oid
partman_create_default_partition(const PartmanKey *key, const PartmanTemplate *tmpl)
{
	return partman_create_partition(key, tmpl, partman_default_name(key, 1), "DEFAULT");
}
