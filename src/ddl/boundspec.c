/*-------------------------------------------------------------------------
 *
 * boundspec.c
 *	  A partition bound of any strategy, as partman's operations handle it:
 *	  built from user arguments, written as a FOR VALUES clause, and written
 *	  as the row condition it stands for (to move rows, and to prove a bound
 *	  with a CHECK constraint before ATTACH).
 *
 * Conditions use the operators of the partition key's own operator family
 * and collation, written as OPERATOR(schema.op), so they mean exactly what
 * PostgreSQL's partition constraint means, whatever the search_path.
 *
 *-------------------------------------------------------------------------
 */
#include "partman.h"

#include "access/htup_details.h"
#include "access/stratnum.h"
#include "access/relation.h"
#include "catalog/namespace.h"
#include "catalog/pg_am.h"
#include "catalog/pg_class.h"
#include "commands/defrem.h"
#include "catalog/pg_operator.h"
#include "lib/stringinfo.h"
#include "executor/spi.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/partcache.h"
#include "utils/rel.h"
#include "utils/ruleutils.h"
#include "utils/syscache.h"

/*
 * The key's operator for a btree strategy, as "OPERATOR(schema.op)".  A
 * table that is not partitioned yet (partition_table) uses the default
 * btree operator class of the key's type, as PARTITION BY will.
 */
static char *
key_operator(const PartmanKey *key, int16 strategy)
{
	Relation	rel = relation_open(key->parent, NoLock);
	Oid			opfamily;
	Oid			intype;
	Oid			opno;
	HeapTuple	tuple;
	char	   *result;
	Form_pg_operator form;

	if (rel->rd_rel->relkind == RELKIND_PARTITIONED_TABLE)
	{
		PartitionKey pkey = RelationGetPartitionKey(rel);

		opfamily = pkey->partopfamily[0];
		intype = pkey->partopcintype[0];
	}
	else
	{
		Oid			opclass = GetDefaultOpClass(key->typid, BTREE_AM_OID);

		if (!OidIsValid(opclass))
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_OBJECT),
					 errmsg("type %s has no default btree operator class", format_type_be(key->typid))));
		opfamily = get_opclass_family(opclass);
		intype = get_opclass_input_type(opclass);
	}
	relation_close(rel, NoLock);
	opno = get_opfamily_member(opfamily, intype, intype, strategy);
	if (!OidIsValid(opno))
		elog(ERROR, "missing operator %d(%u,%u) in opfamily %u",
			 strategy, intype, intype, opfamily);
	tuple = SearchSysCache1(OPEROID, ObjectIdGetDatum(opno));
	if (!HeapTupleIsValid(tuple))
		elog(ERROR, "cache lookup failed for operator %u", opno);
	form = (Form_pg_operator) GETSTRUCT(tuple);
	result = psprintf("OPERATOR(%s.%s)",
					  quote_identifier(get_namespace_name(form->oprnamespace)),
					  NameStr(form->oprname));
	ReleaseSysCache(tuple);
	return result;
}

/* A key value as a typed, quoted literal: '...'::schema.type */
static char *
typed_literal(const PartmanKey *key, Datum value)
{
	return psprintf("%s::%s",
					quote_literal_cstr(partman_bound_literal(key->typid, value)),
					format_type_with_typemod(key->typid, key->typmod));
}

static Oid
get_attcollation_for(const PartmanKey *key)
{
	HeapTuple	tuple = SearchSysCache2(ATTNUM, ObjectIdGetDatum(key->parent),
										Int16GetDatum(key->attnum));
	Oid			result;

	if (!HeapTupleIsValid(tuple))
		elog(ERROR, "cache lookup failed for attribute %d of relation %u",
			 key->attnum, key->parent);
	result = ((Form_pg_attribute) GETSTRUCT(tuple))->attcollation;
	ReleaseSysCache(tuple);
	return result;
}

/* The key column, with the partition key's collation when it has one. */
static char *
key_column(const PartmanKey *key)
{
	if (OidIsValid(key->collation) &&
		key->collation != get_attcollation_for(key))
		return psprintf("%s COLLATE %s", quote_identifier(key->attname),
						generate_collation_name(key->collation));
	return pstrdup(quote_identifier(key->attname));
}

/*
 * partman_bound_clause
 *		"FOR VALUES FROM (...) TO (...)", "FOR VALUES IN (...)",
 *		"FOR VALUES WITH (MODULUS m, REMAINDER r)" or "DEFAULT".
 */
char *
partman_bound_clause(const PartmanKey *key, const PartmanBound *bound)
{
	StringInfoData buf;
	ListCell   *lc;

	initStringInfo(&buf);
	if (bound->is_default)
		return "DEFAULT";
	switch (key->strategy)
	{
		case PARTITION_STRATEGY_RANGE:
			appendStringInfo(&buf, "FOR VALUES FROM (%s) TO (%s)",
							 bound->lower_unbounded ? "MINVALUE" :
							 quote_literal_cstr(partman_bound_literal(key->typid, bound->lower)),
							 bound->upper_unbounded ? "MAXVALUE" :
							 quote_literal_cstr(partman_bound_literal(key->typid, bound->upper)));
			break;
		case PARTITION_STRATEGY_LIST:
			appendStringInfoString(&buf, "FOR VALUES IN (");
			foreach(lc, bound->values)
				appendStringInfo(&buf, "%s%s", foreach_current_index(lc) ? ", " : "",
								 quote_literal_cstr(partman_bound_literal(key->typid,
																		  PointerGetDatum(lfirst(lc)))));
			if (bound->has_null)
				appendStringInfo(&buf, "%sNULL", bound->values ? ", " : "");
			appendStringInfoChar(&buf, ')');
			break;
		case PARTITION_STRATEGY_HASH:
			appendStringInfo(&buf, "FOR VALUES WITH (MODULUS %d, REMAINDER %d)",
							 bound->modulus, bound->remainder);
			break;
	}
	return buf.data;
}

/*
 * partman_bound_condition
 *		A boolean SQL expression over the key column that is true exactly for
 *		the rows the bound accepts.
 */
char *
partman_bound_condition(const PartmanKey *key, const PartmanBound *bound)
{
	StringInfoData buf;
	char	   *col = key_column(key);
	ListCell   *lc;

	initStringInfo(&buf);
	switch (key->strategy)
	{
		case PARTITION_STRATEGY_RANGE:
			appendStringInfo(&buf, "(%s IS NOT NULL", col);
			if (!bound->lower_unbounded)
				appendStringInfo(&buf, " AND %s %s %s", col,
								 key_operator(key, BTGreaterEqualStrategyNumber),
								 typed_literal(key, bound->lower));
			if (!bound->upper_unbounded)
				appendStringInfo(&buf, " AND %s %s %s", col,
								 key_operator(key, BTLessStrategyNumber),
								 typed_literal(key, bound->upper));
			appendStringInfoChar(&buf, ')');
			break;
		case PARTITION_STRATEGY_LIST:
			{
				/* written as PostgreSQL writes a list partition's constraint */
				char	   *eq = key_operator(key, BTEqualStrategyNumber);

				appendStringInfoChar(&buf, '(');
				foreach(lc, bound->values)
					appendStringInfo(&buf, "%s%s %s %s", foreach_current_index(lc) ? " OR " : "",
									 col, eq, typed_literal(key, PointerGetDatum(lfirst(lc))));
				if (bound->has_null)
					appendStringInfo(&buf, "%s%s IS NULL", bound->values ? " OR " : "", col);
				appendStringInfoChar(&buf, ')');
				break;
			}
		case PARTITION_STRATEGY_HASH:
			appendStringInfo(&buf, "pg_catalog.satisfies_hash_partition(%u::pg_catalog.oid, %d, %d, %s)",
							 key->parent, bound->modulus, bound->remainder,
							 quote_identifier(key->attname));
			break;
	}
	return buf.data;
}

/*
 * partman_range_exclusion
 *		The negation of a RANGE bound's condition, written the way PostgreSQL
 *		normalizes the default partition's new constraint when a partition is
 *		created: a default partition with this CHECK constraint is not scanned
 *		again for that partition.
 */
char *
partman_range_exclusion(const PartmanKey *key, const PartmanBound *bound)
{
	char	   *col = key_column(key);

	return psprintf("(%s IS NULL OR %s %s %s OR %s %s %s)",
					col,
					col, key_operator(key, BTLessStrategyNumber), typed_literal(key, bound->lower),
					col, key_operator(key, BTGreaterEqualStrategyNumber), typed_literal(key, bound->upper));
}

/* The bound of an existing partition, as a PartmanBound. */
void
partman_bound_of(const PartmanPartition *part, PartmanBound *bound)
{
	ListCell   *lc;

	memset(bound, 0, sizeof(*bound));
	bound->is_default = part->is_default;
	bound->lower_unbounded = part->lower_unbounded;
	bound->upper_unbounded = part->upper_unbounded;
	bound->lower = part->lower;
	bound->upper = part->upper;
	foreach(lc, part->list_values)
	{
		Const	   *c = lfirst_node(Const, lc);

		if (c->constisnull)
			bound->has_null = true;
		else
			bound->values = lappend(bound->values, DatumGetPointer(c->constvalue));
	}
	bound->modulus = part->modulus;
	bound->remainder = part->remainder;
}

/*
 * partman_bounds_overlap
 *		Whether a row could satisfy both bounds, decided as PostgreSQL decides
 *		it when a partition is created (a default bound overlaps none here).
 *		HASH moduli of one table divide each other, so two HASH bounds
 *		overlap when their remainders agree modulo the smaller modulus.
 */
bool
partman_bounds_overlap(const PartmanKey *key, const PartmanBound *a, const PartmanBound *b)
{
	ListCell   *la;
	ListCell   *lb;

	if (a->is_default || b->is_default)
		return false;
	switch (key->strategy)
	{
		case PARTITION_STRATEGY_RANGE:
			/* a.lower < b.upper and b.lower < a.upper, unbounded sides aside */
			if (!a->lower_unbounded && !b->upper_unbounded &&
				partman_compare_keys(key, a->lower, b->upper) >= 0)
				return false;
			if (!b->lower_unbounded && !a->upper_unbounded &&
				partman_compare_keys(key, b->lower, a->upper) >= 0)
				return false;
			return true;
		case PARTITION_STRATEGY_LIST:
			if (a->has_null && b->has_null)
				return true;
			foreach(la, a->values)
				foreach(lb, b->values)
					if (partman_compare_keys(key, PointerGetDatum(lfirst(la)),
											 PointerGetDatum(lfirst(lb))) == 0)
						return true;
			return false;
		case PARTITION_STRATEGY_HASH:
			{
				int			modulus = Min(a->modulus, b->modulus);

				return modulus > 0 && a->remainder % modulus == b->remainder % modulus;
			}
	}
	return false;
}
