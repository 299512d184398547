/*-------------------------------------------------------------------------
 *
 * pruning_rewrite.c
 *	  Rewrites of conditions that PostgreSQL cannot prune with into ones it
 *	  can, each returning exactly the same rows as the original for all
 *	  data and all settings.  Nothing here is shown before
 *	  pruning_verify.c has planned it.
 *
 * The rule for every rewrite below: it is a logical equivalence over the
 * key's type, never an approximation.  Where the original depends on the
 * session's TimeZone (a timestamptz cast to date, date_trunc or extract of
 * a timestamptz), no condition on fixed instants is equivalent, so the
 * rewrite keeps the original condition and adds a range of the key that it
 * implies in every time zone (a day's margin covers every UTC offset);
 * such a rewrite is marked not tight.  Values taken from the query are
 * used only when their literal means the same under any DateStyle and
 * TimeZone (partman_const_is_fixed).
 *
 *-------------------------------------------------------------------------
 */
#include "pruning_internal.h"

#include <math.h>

#include "access/stratnum.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_operator.h"
#include "catalog/pg_type.h"
#include "datatype/timestamp.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/optimizer.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/numeric.h"
#include "utils/timestamp.h"

/* at most this many values in an IN list a rewrite writes */
#define MAX_LISTED_VALUES 64

typedef struct Build
{
	ReasonContext *ctx;
	Rewrite    *rw;
} Build;

/* ---------------------------------------------------------------------
 * Building blocks
 * ---------------------------------------------------------------------
 */
static Const *
own_const(Build *b, Oid type, Datum value)
{
	int16		typlen;
	bool		byval;
	Const	   *c;

	get_typlenbyval(type, &typlen, &byval);
	c = makeConst(type, -1, get_typcollation(type), typlen, value, false, byval);
	b->rw->own_consts = lappend(b->rw->own_consts, c);
	return c;
}

static Const *
own_array(Build *b, Oid elemtype, Datum *values, int n)
{
	int16		typlen;
	bool		byval;
	char		align;
	ArrayType  *array;

	get_typlenbyvalalign(elemtype, &typlen, &byval, &align);
	array = construct_array(values, n, elemtype, typlen, byval, align);
	return own_const(b, get_array_type(elemtype), PointerGetDatum(array));
}

/* The key column as an operand of its operator class (varchar as text). */
static Node *
key_operand(const LeafKey *key, int keyno)
{
	Node	   *node;

	if (key->attno[keyno] != 0)
		node = (Node *) makeVar(key->leaf_rti, key->attno[keyno], key->type[keyno],
								key->typmod[keyno], key->collation[keyno], 0);
	else
		node = copyObject(key->expr[keyno]);
	if (exprType(node) != key->opcintype[keyno])
		node = (Node *) makeRelabelType((Expr *) node, key->opcintype[keyno], -1,
										key->collation[keyno], COERCE_IMPLICIT_CAST);
	return node;
}

/* key <strategy> value, with the key's own btree (or hash) operator. */
static Node *
key_compare(const LeafKey *key, int keyno, int strategy, Node *value)
{
	Oid			type = key->opcintype[keyno];
	Oid			opno;
	OpExpr	   *op;

	/* a hash operator family has equality alone, under its own number */
	if (key->strategy == PARTITION_STRATEGY_HASH)
	{
		if (strategy != BTEqualStrategyNumber)
			return NULL;
		strategy = HTEqualStrategyNumber;
	}
	opno = get_opfamily_member(key->opfamily[keyno], type, type, strategy);
	if (!OidIsValid(opno))
		return NULL;
	op = (OpExpr *) make_opclause(opno, BOOLOID, false, (Expr *) key_operand(key, keyno),
								  (Expr *) value, InvalidOid, key->collation[keyno]);
	set_opfuncid(op);
	return (Node *) op;
}

/* key = ANY (array), with the key's own equality. */
static Node *
key_in(Build *b, int keyno, Datum *values, int n)
{
	const LeafKey *key = &b->ctx->key;
	Oid			type = key->opcintype[keyno];
	int			eq = key->strategy == PARTITION_STRATEGY_HASH ?
		HTEqualStrategyNumber : BTEqualStrategyNumber;
	Oid			opno = get_opfamily_member(key->opfamily[keyno], type, type, eq);
	ScalarArrayOpExpr *sa;

	if (!OidIsValid(opno) || n < 1)
		return NULL;
	if (n == 1)
		return key_compare(key, keyno, BTEqualStrategyNumber, (Node *) own_const(b, type, values[0]));
	sa = makeNode(ScalarArrayOpExpr);
	sa->opno = opno;
	sa->opfuncid = get_opcode(opno);
	sa->useOr = true;
	sa->inputcollid = key->collation[keyno];
	sa->args = list_make2(key_operand(key, keyno), own_array(b, type, values, n));
	sa->location = -1;
	return (Node *) sa;
}

static Node *
and2(Node *a, Node *b)
{
	if (a == NULL)
		return b;
	if (b == NULL)
		return a;
	return (Node *) make_andclause(list_make2(a, b));
}

/* key >= lo AND key < hi, either side optional. */
static Node *
key_range(Build *b, int keyno, Datum *lo, Datum *hi)
{
	const LeafKey *key = &b->ctx->key;
	Node	   *l = NULL,
			   *h = NULL;

	if (lo)
		l = key_compare(key, keyno, BTGreaterEqualStrategyNumber,
						(Node *) own_const(b, key->opcintype[keyno], *lo));
	if (hi)
		h = key_compare(key, keyno, BTLessStrategyNumber,
						(Node *) own_const(b, key->opcintype[keyno], *hi));
	if ((lo && !l) || (hi && !h))
		return NULL;
	return and2(l, h);
}

/*
 * span_range
 *		The key range of f(key) <strategy> C, where f maps the keys from lo
 *		up to hi to C and keeps their order: = is [lo, hi), >= is [lo, ...)
 *		and <= is (..., hi); > is [above, ...) and < is (..., below), where
 *		above and below are hi and lo unless a margin widens the range.
 *		NULL for another strategy, or when a bound cannot be compared.
 */
static Node *
span_range(Build *b, int keyno, int strategy, Datum lo, Datum hi, Datum above, Datum below)
{
	switch (strategy)
	{
		case BTEqualStrategyNumber:
			return key_range(b, keyno, &lo, &hi);
		case BTGreaterEqualStrategyNumber:
			return key_range(b, keyno, &lo, NULL);
		case BTGreaterStrategyNumber:
			return key_range(b, keyno, &above, NULL);
		case BTLessStrategyNumber:
			return key_range(b, keyno, NULL, &below);
		case BTLessEqualStrategyNumber:
			return key_range(b, keyno, NULL, &hi);
	}
	return NULL;
}

static void
note(Build *b, PruningReason reason, bool tight, Node *clause, int keyno)
{
	Rewrite    *rw = b->rw;

	if (rw->reason == PRUNING_REASON_NULL || reason < rw->reason)
	{
		rw->reason = reason;
		rw->clause = clause;
		rw->keyno = keyno;
	}
	if (!tight)
		rw->tight = false;
}

/* The btree strategy of a comparison operator, as if the key were on the left. */
static int
comparison_strategy(Oid opno, bool key_on_right)
{
	List	   *interps = get_op_btree_interpretation(opno);
	ListCell   *lc;

	foreach(lc, interps)
	{
		OpBtreeInterpretation *i = lfirst(lc);
		int			s = i->strategy;

		if (s < BTLessStrategyNumber || s > BTGreaterStrategyNumber)
			continue;
		if (key_on_right)
			s = BTMaxStrategyNumber + 1 - s;
		return s;
	}
	return 0;
}

/* An OpExpr of two arguments, split into the side matching want() and the other. */
typedef struct Sides
{
	Node	   *keyside;
	Node	   *other;
	bool		key_on_right;
	int			strategy;		/* btree strategy with the key side on the left */
} Sides;

static bool
split_sides(OpExpr *op, bool (*want) (Node *, void *), void *arg, Sides *s)
{
	Node	   *l,
			   *r;

	if (list_length(op->args) != 2)
		return false;
	l = linitial(op->args);
	r = lsecond(op->args);
	if (want(l, arg))
	{
		s->keyside = l;
		s->other = r;
		s->key_on_right = false;
	}
	else if (want(r, arg))
	{
		s->keyside = r;
		s->other = l;
		s->key_on_right = true;
	}
	else
		return false;
	s->strategy = comparison_strategy(op->opno, s->key_on_right);
	return s->strategy != 0;
}

/*
 * A comparison of a key side (which want() accepts, or else the left
 * argument) with another: an OpExpr of two arguments, either side, or
 * key op ANY (array).
 */
typedef struct Comparison
{
	Node	   *keyside;
	Node	   *other;
	Oid			opno;
	Oid			inputcollid;
	bool		list;			/* op ANY (other) */
} Comparison;

static bool
split_comparison(Node *node, bool (*want) (Node *, void *), void *arg, Comparison *cmp)
{
	if (IsA(node, OpExpr) && list_length(((OpExpr *) node)->args) == 2)
	{
		OpExpr	   *op = (OpExpr *) node;

		cmp->keyside = linitial(op->args);
		cmp->other = lsecond(op->args);
		if (!want(cmp->keyside, arg))
		{
			cmp->keyside = lsecond(op->args);
			cmp->other = linitial(op->args);
		}
		cmp->opno = op->opno;
		cmp->inputcollid = op->inputcollid;
		cmp->list = false;
	}
	else if (IsA(node, ScalarArrayOpExpr) && ((ScalarArrayOpExpr *) node)->useOr)
	{
		ScalarArrayOpExpr *sa = (ScalarArrayOpExpr *) node;

		cmp->keyside = linitial(sa->args);
		cmp->other = lsecond(sa->args);
		cmp->opno = sa->opno;
		cmp->inputcollid = sa->inputcollid;
		cmp->list = true;
	}
	else
		return false;
	return true;
}

/* A Const of the query whose value a rewrite may use. */
static Const *
fixed_const(Build *b, Node *node)
{
	node = partman_strip_relabel(node);
	if (node == NULL || !IsA(node, Const) || ((Const *) node)->constisnull)
		return NULL;
	if (!partman_const_is_fixed(b->ctx, (Const *) node))
		return NULL;
	return (Const *) node;
}

/* An integral value of an integer, numeric or float Const. */
static bool
const_integral(Const *c, int64 *result)
{
	if (partman_int_value(c->consttype, c->constvalue, result))
		return true;
	switch (c->consttype)
	{
		case FLOAT8OID:
		case FLOAT4OID:
			{
				double		d = c->consttype == FLOAT8OID ? DatumGetFloat8(c->constvalue) :
					DatumGetFloat4(c->constvalue);

				if (isnan(d) || isinf(d) || d != floor(d) || fabs(d) > 1e15)
					return false;
				*result = (int64) d;
				return true;
			}
		case NUMERICOID:
			{
				Numeric		n = DatumGetNumeric(c->constvalue);
				char	   *text;

				if (numeric_is_nan(n) || numeric_is_inf(n))
					return false;
				if (!DatumGetBool(DirectFunctionCall2(numeric_eq, c->constvalue,
													  DirectFunctionCall1(numeric_floor, c->constvalue))))
					return false;
				text = DatumGetCString(DirectFunctionCall1(numeric_out,
														   DirectFunctionCall1(numeric_floor, c->constvalue)));
				if (strlen(text) > 15)
					return false;
				*result = strtoll(text, NULL, 10);
				return true;
			}
		default:
			return false;
	}
}

/* Datum of a key type (date, timestamp, timestamptz) for a UTC calendar day. */
static bool
day_datum(Oid type, int y, int m, int d, int64 shift_usecs, Datum *result)
{
	int			jd;
	Timestamp	ts;

	if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 || d > day_tab[isleap(y)][m - 1])
		return false;
	jd = date2j(y, m, d) - POSTGRES_EPOCH_JDATE;
	ts = (Timestamp) jd * USECS_PER_DAY + shift_usecs;
	switch (type)
	{
		case DATEOID:
			if (shift_usecs % USECS_PER_DAY != 0)
				return false;
			*result = DateADTGetDatum(jd + (int) (shift_usecs / USECS_PER_DAY));
			return true;
		case TIMESTAMPOID:
			*result = TimestampGetDatum(ts);
			return true;
		case TIMESTAMPTZOID:
			*result = TimestampTzGetDatum(ts);
			return true;
		default:
			return false;
	}
}

/* ---------------------------------------------------------------------
 * extract(year / month / day FROM key): whole calendar ranges
 * ---------------------------------------------------------------------
 */
typedef struct ExtractCmp
{
	Node	   *conjunct;
	int			keyno;
	char		field;			/* 'y', 'm', 'd' */
	int			strategy;
	int64		value;
} ExtractCmp;

/*
 * unit_call_arg
 *		When node is a call of one of the nfuncs functions funcs with a unit
 *		(a constant, not NULL) and one more argument, that argument (with
 *		relabelings stripped); else NULL.
 */
static Node *
unit_call_arg(Node *node, const Oid *funcs, int nfuncs)
{
	FuncExpr   *f;
	bool		found = false;

	node = partman_strip_relabel(node);
	if (node == NULL || !IsA(node, FuncExpr))
		return NULL;
	f = (FuncExpr *) node;
	for (int i = 0; i < nfuncs; i++)
		found |= f->funcid == funcs[i];
	if (!found || list_length(f->args) != 2 || !IsA(linitial(f->args), Const) ||
		((Const *) linitial(f->args))->constisnull)
		return NULL;
	return partman_strip_relabel(lsecond(f->args));
}

/* extract(unit FROM x) and date_part('unit', x) */
static const Oid extract_funcs[] = {
	F_EXTRACT_TEXT_DATE, F_EXTRACT_TEXT_TIMESTAMP, F_EXTRACT_TEXT_TIMESTAMPTZ,
	F_DATE_PART_TEXT_TIMESTAMP, F_DATE_PART_TEXT_TIMESTAMPTZ, F_DATE_PART_TEXT_DATE
};

static bool
is_extract_of_key(Node *node, void *arg)
{
	Build	   *b = arg;
	Node	   *x = unit_call_arg(node, extract_funcs, lengthof(extract_funcs));

	if (x == NULL)
		return false;
	/* a date key reaches date_part(text, timestamp) through the immutable cast */
	if (IsA(x, FuncExpr) && ((FuncExpr *) x)->funcid == F_TIMESTAMP_DATE)
		x = linitial(((FuncExpr *) x)->args);
	return partman_match_key(&b->ctx->key, x) >= 0;
}

static bool
read_extract(Build *b, Node *conjunct, ExtractCmp *e)
{
	Sides		s;
	FuncExpr   *f;
	Node	   *x;
	char	   *field;
	Const	   *c;

	if (!IsA(conjunct, OpExpr) ||
		!split_sides((OpExpr *) conjunct, is_extract_of_key, b, &s))
		return false;
	f = (FuncExpr *) partman_strip_relabel(s.keyside);
	x = partman_strip_relabel(lsecond(f->args));
	if (IsA(x, FuncExpr))
		x = linitial(((FuncExpr *) x)->args);
	e->keyno = partman_match_key(&b->ctx->key, x);
	field = TextDatumGetCString(((Const *) linitial(f->args))->constvalue);
	if (pg_strcasecmp(field, "year") == 0)
		e->field = 'y';
	else if (pg_strcasecmp(field, "month") == 0)
		e->field = 'm';
	else if (pg_strcasecmp(field, "day") == 0)
		e->field = 'd';
	else
		return false;
	if ((c = fixed_const(b, s.other)) == NULL || !const_integral(c, &e->value))
		return false;
	e->conjunct = conjunct;
	e->strategy = s.strategy;
	return true;
}

/*
 * The conjuncts that compare extract(field FROM key) with integers become
 * ranges of the key: a year = Y (with month = M, day = D) becomes one
 * range, year < Y and the like a bound each.  A timestamptz key's fields
 * depend on TimeZone: the original stays, with a range around it.
 */
static void
rewrite_extracts(Build *b, List **parts)
{
	ReasonContext *ctx = b->ctx;
	List	   *cmps = NIL;
	ExtractCmp *year = NULL,
			   *month = NULL,
			   *day = NULL;
	ListCell   *lc;

	foreach(lc, ctx->conjuncts)
	{
		ExtractCmp	e;

		if (list_member_ptr(b->rw->replaced, lfirst(lc)) || !read_extract(b, lfirst(lc), &e))
			continue;
		{
			ExtractCmp *copy = palloc(sizeof(ExtractCmp));

			*copy = e;
			cmps = lappend(cmps, copy);
		}
	}
	foreach(lc, cmps)
	{
		ExtractCmp *e = lfirst(lc);

		if (e->strategy != BTEqualStrategyNumber)
			continue;
		if (e->field == 'y' && !year)
			year = e;
		else if (e->field == 'm' && !month)
			month = e;
		else if (e->field == 'd' && !day)
			day = e;
	}
	if (year && month && year->keyno != month->keyno)
		month = NULL;
	if (day && (!month || day->keyno != month->keyno))
		day = NULL;

	foreach(lc, cmps)
	{
		ExtractCmp *e = lfirst(lc);
		int			keyno = e->keyno;
		Oid			type = ctx->key.opcintype[keyno];
		bool		tz = type == TIMESTAMPTZOID;
		int64		margin = tz ? USECS_PER_DAY : 0;
		Datum		lo,
					hi;
		bool		has_lo = false,
					has_hi = false;
		Node	   *range;
		List	   *originals = NIL;

		if (e->field != 'y' || (type != DATEOID && type != TIMESTAMPOID && !tz))
			continue;
		if (e->value < 1 || e->value > 9998)
			continue;
		if (e == year)
		{
			int			y = (int) e->value,
						m = month ? (int) month->value : 1,
						d = day ? (int) day->value : 1;
			int			y2 = y,
						m2 = m,
						d2 = d;

			if (!day_datum(type, y, m, d, -margin, &lo))
				continue;
			if (day)
				j2date(date2j(y, m, d) + 1, &y2, &m2, &d2);
			else if (month)
			{
				m2 = m + 1;
				if (m2 > 12)
				{
					m2 = 1;
					y2++;
				}
			}
			else
				y2 = y + 1;
			if (!day_datum(type, y2, m2, d2, margin, &hi))
				continue;
			has_lo = has_hi = true;
			originals = list_make1(e->conjunct);
			if (month)
				originals = lappend(originals, month->conjunct);
			if (day)
				originals = lappend(originals, day->conjunct);
		}
		else
		{
			int			y = (int) e->value;

			switch (e->strategy)
			{
				case BTGreaterEqualStrategyNumber:
					has_lo = day_datum(type, y, 1, 1, -margin, &lo);
					break;
				case BTGreaterStrategyNumber:
					has_lo = day_datum(type, y + 1, 1, 1, -margin, &lo);
					break;
				case BTLessStrategyNumber:
					has_hi = day_datum(type, y, 1, 1, margin, &hi);
					break;
				case BTLessEqualStrategyNumber:
					has_hi = day_datum(type, y + 1, 1, 1, margin, &hi);
					break;
				default:
					break;
			}
			if (!has_lo && !has_hi)
				continue;
			originals = list_make1(e->conjunct);
		}
		range = key_range(b, keyno, has_lo ? &lo : NULL, has_hi ? &hi : NULL);
		if (range == NULL)
			continue;
		if (tz)
			range = and2(range, (Node *) make_ands_explicit(originals));
		b->rw->replaced = list_concat(b->rw->replaced, originals);
		*parts = lappend(*parts, range);
		note(b, PRUNING_REASON_KEY_IN_EXPRESSION, !tz, e->conjunct, keyno);
	}
}

/* ---------------------------------------------------------------------
 * Conditions inside one conjunct
 * ---------------------------------------------------------------------
 */
static bool
is_key(Node *node, void *arg)
{
	return partman_match_key(&((Build *) arg)->ctx->key, node) >= 0;
}

/* date_trunc('unit', x) */
static const Oid trunc_funcs[] = {F_DATE_TRUNC_TEXT_TIMESTAMP, F_DATE_TRUNC_TEXT_TIMESTAMPTZ};

static bool
is_trunc_of_key(Node *node, void *arg)
{
	Node	   *x = unit_call_arg(node, trunc_funcs, lengthof(trunc_funcs));

	if (x == NULL)
		return false;
	if (IsA(x, FuncExpr) && (((FuncExpr *) x)->funcid == F_TIMESTAMP_DATE ||
							 ((FuncExpr *) x)->funcid == F_TIMESTAMPTZ_DATE))
		x = linitial(((FuncExpr *) x)->args);
	return partman_match_key(&((Build *) arg)->ctx->key, x) >= 0;
}

/* The date_trunc units a rewrite knows, with their length. */
static const struct
{
	const char *name;
	int			months;
	int			days;
	int64		usecs;
}			trunc_units[] =
{
	{"year", 12, 0, 0},
	{"quarter", 3, 0, 0},
	{"month", 1, 0, 0},
	{"week", 0, 7, 0},
	{"day", 0, 1, 0},
	{"hour", 0, 0, USECS_PER_HOUR},
	{"minute", 0, 0, USECS_PER_MINUTE},
};

/* The length of a date_trunc unit as an interval (months, days or microseconds). */
static bool
trunc_unit(const char *unit, Interval *span)
{
	memset(span, 0, sizeof(*span));
	for (int i = 0; i < lengthof(trunc_units); i++)
		if (pg_strcasecmp(unit, trunc_units[i].name) == 0)
		{
			span->month = trunc_units[i].months;
			span->day = trunc_units[i].days;
			span->time = trunc_units[i].usecs;
			return true;
		}
	return false;
}

/*
 * date_trunc('unit', key) <op> C.  For date and timestamp keys, with C on
 * a unit boundary: = C is [C, C + unit), >= C is key >= C, > C is key >=
 * C + unit, and so on.  For timestamptz keys the truncation happens in
 * the session's time zone: = C keeps the original, with a range around
 * [C, C + unit) that two days' margin makes true in any zone.
 */
static Node *
rewrite_trunc(Build *b, OpExpr *op)
{
	const LeafKey *key = &b->ctx->key;
	Sides		s;
	FuncExpr   *f;
	Node	   *x;
	int			keyno;
	Oid			type;
	Const	   *c;
	Interval	span;
	char	   *unit;
	Timestamp	t,
				next;
	Datum		lo,
				hi;
	Node	   *range;

	if (!split_sides(op, is_trunc_of_key, b, &s))
		return NULL;
	f = (FuncExpr *) partman_strip_relabel(s.keyside);
	x = partman_strip_relabel(lsecond(f->args));
	if (IsA(x, FuncExpr))
		x = linitial(((FuncExpr *) x)->args);
	keyno = partman_match_key(key, x);
	type = key->opcintype[keyno];
	unit = TextDatumGetCString(((Const *) linitial(f->args))->constvalue);
	if (!trunc_unit(unit, &span))
		return NULL;

	/*
	 * A date key the parser took through timestamptz: both sides are read
	 * on the session's clock, so a value written without a time zone (and
	 * only such a value) selects the same dates in every time zone.
	 */
	if (type == DATEOID && f->funcid == F_DATE_TRUNC_TEXT_TIMESTAMPTZ)
	{
		Node	   *v = partman_strip_relabel(s.other);

		if (!IsA(v, Const) || !partman_const_wallclock(b->ctx, (Const *) v, &t))
			return NULL;
	}
	else
	{
		if ((c = fixed_const(b, s.other)) == NULL ||
			(c->consttype != TIMESTAMPOID && c->consttype != TIMESTAMPTZOID))
			return NULL;
		t = DatumGetTimestamp(c->constvalue);
	}
	if (TIMESTAMP_NOT_FINITE(t))
		return NULL;

	if (type == TIMESTAMPTZOID)
	{
		int64		usecs;

		if (s.strategy != BTEqualStrategyNumber)
			return NULL;
		usecs = span.time + (int64) span.day * USECS_PER_DAY +
			(int64) span.month * 31 * USECS_PER_DAY + 2 * USECS_PER_DAY;
		if (span.month == 12)
			usecs += USECS_PER_DAY;
		lo = TimestampTzGetDatum(t - 2 * USECS_PER_DAY);
		hi = TimestampTzGetDatum(t + usecs);
		range = key_range(b, keyno, &lo, &hi);
		if (range == NULL)
			return NULL;
		note(b, PRUNING_REASON_KEY_IN_EXPRESSION, false, (Node *) op, keyno);
		return and2(range, (Node *) op);
	}
	if (type != DATEOID && type != TIMESTAMPOID)
		return NULL;
	/* a date has no hours: truncating it below a day leaves it as it is */
	if (type == DATEOID && span.month == 0 && span.day == 0)
	{
		span.time = 0;
		span.day = 1;
	}
	if (DatumGetTimestamp(DirectFunctionCall2(timestamp_trunc, CStringGetTextDatum(unit),
											  TimestampGetDatum(t))) != t)
		return NULL;
	if (type == DATEOID && t % USECS_PER_DAY != 0)
		return NULL;
	next = DatumGetTimestamp(DirectFunctionCall2(timestamp_pl_interval, TimestampGetDatum(t),
												 PointerGetDatum(&span)));
	if (type == DATEOID)
	{
		lo = DateADTGetDatum((DateADT) (t / USECS_PER_DAY));
		hi = DateADTGetDatum((DateADT) (next / USECS_PER_DAY));
	}
	else
	{
		lo = TimestampGetDatum(t);
		hi = TimestampGetDatum(next);
	}
	range = span_range(b, keyno, s.strategy, lo, hi, hi, lo);
	if (range)
		note(b, PRUNING_REASON_KEY_IN_EXPRESSION, true, (Node *) op, keyno);
	return range;
}

static bool
is_date_cast_of_key(Node *node, void *arg)
{
	FuncExpr   *f;

	node = partman_strip_relabel(node);
	if (node == NULL || !IsA(node, FuncExpr))
		return false;
	f = (FuncExpr *) node;
	return (f->funcid == F_DATE_TIMESTAMP || f->funcid == F_DATE_TIMESTAMPTZ) &&
		partman_match_key(&((Build *) arg)->ctx->key, linitial(f->args)) >= 0;
}

/*
 * key::date <op> D.  A timestamp key: = D is [D, D + 1 day) and so on.  A
 * timestamptz key's date is the session's local date: the original stays,
 * with a range a day wider on each side.
 */
static Node *
rewrite_date_cast(Build *b, OpExpr *op)
{
	const LeafKey *key = &b->ctx->key;
	Sides		s;
	int			keyno;
	Oid			type;
	Const	   *c;
	DateADT		d;
	bool		tz;
	int64		margin;
	Node	   *range;

	if (!split_sides(op, is_date_cast_of_key, b, &s))
		return NULL;
	keyno = partman_match_key(key, linitial(((FuncExpr *) partman_strip_relabel(s.keyside))->args));
	type = key->opcintype[keyno];
	tz = type == TIMESTAMPTZOID;
	margin = tz ? USECS_PER_DAY : 0;
	if ((type != TIMESTAMPOID && !tz) || (c = fixed_const(b, s.other)) == NULL ||
		c->consttype != DATEOID)
		return NULL;
	d = DatumGetDateADT(c->constvalue);
	if (DATE_NOT_FINITE(d) || d < -(POSTGRES_EPOCH_JDATE - 2) || d > 2900000)
		return NULL;
	/* the margin widens every bound outwards */
	range = span_range(b, keyno, s.strategy,
					   TimestampGetDatum((Timestamp) d * USECS_PER_DAY - margin),
					   TimestampGetDatum((Timestamp) (d + 1) * USECS_PER_DAY + margin),
					   TimestampGetDatum((Timestamp) (d + 1) * USECS_PER_DAY - margin),
					   TimestampGetDatum((Timestamp) d * USECS_PER_DAY + margin));
	if (range == NULL)
		return NULL;
	note(b, PRUNING_REASON_KEY_IN_EXPRESSION, !tz, (Node *) op, keyno);
	return tz ? and2(range, (Node *) op) : range;
}

/*
 * key::text = 'literal' for a key whose text form no setting changes
 * (integers, uuid): key = the value, when the literal is exactly the key's
 * text form of it.  Others, like '042', match no row and are left out.
 */
static bool
is_text_of_key(Node *node, void *arg)
{
	Build	   *b = arg;
	Oid			type;
	bool		implicit;
	int			keyno;

	node = partman_strip_relabel(node);
	if (node == NULL || !IsA(node, CoerceViaIO) || ((CoerceViaIO *) node)->resulttype != TEXTOID)
		return false;
	keyno = partman_cast_of_key(&b->ctx->key, node, &type, &implicit);
	if (keyno < 0)
		return false;
	type = b->ctx->key.opcintype[keyno];
	return type == INT2OID || type == INT4OID || type == INT8OID || type == UUIDOID;
}

/* The key's value whose text form is exactly text, if any. */
static bool
value_of_text(Oid type, const char *text, Datum *result)
{
	Oid			input,
				ioparam,
				output;
	bool		varlena;
	size_t		len = strlen(text);

	/* what the input function would reject: it must not raise */
	if (len == 0 || len > 40)
		return false;
	for (const char *p = text; *p; p++)
	{
		bool		ok = (*p >= '0' && *p <= '9') || (p == text && *p == '-' && type != UUIDOID) ||
			(type == UUIDOID && ((*p >= 'a' && *p <= 'f') || *p == '-'));

		if (!ok)
			return false;
	}
	if (type == UUIDOID && len != 36)
		return false;
	if (type != UUIDOID && len > (type == INT8OID ? 19 : type == INT4OID ? 10 : 5))
		return false;
	if (type != UUIDOID)
	{
		int64		v = strtoll(text, NULL, 10);

		if ((type == INT2OID && (v < PG_INT16_MIN || v > PG_INT16_MAX)) ||
			(type == INT4OID && (v < PG_INT32_MIN || v > PG_INT32_MAX)) ||
			(len == 19 && text[0] != '-' && strcmp(text, "9223372036854775807") > 0))
			return false;
	}
	else
	{
		for (int i = 0; i < 36; i++)
			if ((i == 8 || i == 13 || i == 18 || i == 23) != (text[i] == '-'))
				return false;
	}
	getTypeInputInfo(type, &input, &ioparam);
	*result = OidInputFunctionCall(input, (char *) text, ioparam, -1);
	getTypeOutputInfo(type, &output, &varlena);
	return strcmp(OidOutputFunctionCall(output, *result), text) == 0;
}

static Node *
rewrite_text_cast(Build *b, Node *node)
{
	const LeafKey *key = &b->ctx->key;
	Comparison	cmp;
	Node	   *other;
	int			keyno;
	Oid			type;
	bool		implicit;
	Datum	   *values;
	int			n = 0;
	Node	   *result;

	if (!split_comparison(node, is_text_of_key, b, &cmp) || !is_text_of_key(cmp.keyside, b) ||
		cmp.opno != TextEqualOperator ||
		(OidIsValid(cmp.inputcollid) && !get_collation_isdeterministic(cmp.inputcollid)))
		return NULL;
	keyno = partman_cast_of_key(key, cmp.keyside, &type, &implicit);
	type = key->opcintype[keyno];
	other = partman_strip_relabel(cmp.other);
	if (!IsA(other, Const) || ((Const *) other)->constisnull)
		return NULL;
	if (!cmp.list)
	{
		values = palloc(sizeof(Datum));
		if (value_of_text(type, TextDatumGetCString(((Const *) other)->constvalue), &values[0]))
			n = 1;
	}
	else
	{
		Datum	   *elems;
		bool	   *nulls;
		int			nelems;

		deconstruct_array(DatumGetArrayTypeP(((Const *) other)->constvalue), TEXTOID, -1,
						  false, TYPALIGN_INT, &elems, &nulls, &nelems);
		if (nelems > MAX_LISTED_VALUES)
			return NULL;
		values = palloc(sizeof(Datum) * Max(nelems, 1));
		for (int i = 0; i < nelems; i++)
		{
			/* a NULL element makes a non-match NULL instead of false: same rows */
			if (!nulls[i] && value_of_text(type, TextDatumGetCString(elems[i]), &values[n]))
				n++;
		}
	}
	if (n == 0)
		return NULL;
	result = key_in(b, keyno, values, n);
	if (result)
		note(b, PRUNING_REASON_KEY_IN_EXPRESSION, true, node, keyno);
	return result;
}

/*
 * The key converted to the value's type: an integer key compared with a
 * numeric (or, for int2 and int4, whose values a double holds exactly, a
 * float) becomes a comparison with the integers that select the same rows;
 * a char(n) key compared with text, a comparison with the same string as
 * char(n) (trailing spaces do not count in either).
 */
static bool
is_coerced_key(Node *node, void *arg)
{
	Build	   *b = arg;
	Oid			to;
	bool		implicit;
	int			keyno = partman_cast_of_key(&b->ctx->key, node, &to, &implicit);
	Oid			from;

	if (keyno < 0 || !implicit)
		return false;
	from = b->ctx->key.opcintype[keyno];
	if (from == INT2OID || from == INT4OID || from == INT8OID)
		return to == NUMERICOID || (to == FLOAT8OID && from != INT8OID);
	return from == BPCHAROID && to == TEXTOID;
}

static bool
int_fits(Oid type, int64 v)
{
	if (type == INT2OID)
		return v >= PG_INT16_MIN && v <= PG_INT16_MAX;
	if (type == INT4OID)
		return v >= PG_INT32_MIN && v <= PG_INT32_MAX;
	return v > PG_INT64_MIN && v < PG_INT64_MAX;
}

static Datum
int_datum(Oid type, int64 v)
{
	if (type == INT2OID)
		return Int16GetDatum((int16) v);
	if (type == INT4OID)
		return Int32GetDatum((int32) v);
	return Int64GetDatum(v);
}

/* floor and ceiling of a numeric or float Const, within +-1e15 */
static bool
const_floor_ceil(Const *c, int64 *lo, int64 *hi)
{
	double		d;

	if (c->consttype == NUMERICOID)
	{
		Numeric		n = DatumGetNumeric(c->constvalue);
		Datum		f,
					ce;
		char	   *ft,
				   *ct;

		if (numeric_is_nan(n) || numeric_is_inf(n))
			return false;
		f = DirectFunctionCall1(numeric_floor, c->constvalue);
		ce = DirectFunctionCall1(numeric_ceil, c->constvalue);
		ft = DatumGetCString(DirectFunctionCall1(numeric_out, f));
		ct = DatumGetCString(DirectFunctionCall1(numeric_out, ce));
		if (strlen(ft) > 16 || strlen(ct) > 16)
			return false;
		*lo = strtoll(ft, NULL, 10);
		*hi = strtoll(ct, NULL, 10);
		return true;
	}
	if (c->consttype == FLOAT8OID)
		d = DatumGetFloat8(c->constvalue);
	else if (c->consttype == FLOAT4OID)
		d = DatumGetFloat4(c->constvalue);
	else
		return false;
	if (isnan(d) || isinf(d) || fabs(d) > 1e15)
		return false;
	*lo = (int64) floor(d);
	*hi = (int64) ceil(d);
	return true;
}

static Node *
rewrite_coercion(Build *b, Node *node)
{
	const LeafKey *key = &b->ctx->key;
	int			keyno;
	Oid			type,
				to;
	bool		implicit;
	Node	   *result = NULL;

	if (IsA(node, OpExpr))
	{
		OpExpr	   *op = (OpExpr *) node;
		Sides		s;
		Const	   *c;

		if (!split_sides(op, is_coerced_key, b, &s) || (c = fixed_const(b, s.other)) == NULL)
			return NULL;
		keyno = partman_cast_of_key(key, s.keyside, &to, &implicit);
		type = key->opcintype[keyno];
		if (type == BPCHAROID)
		{
			char	   *str = TextDatumGetCString(c->constvalue);
			size_t		len = strlen(str);

			if ((len > 0 && str[len - 1] == ' ') ||
				(OidIsValid(op->inputcollid) && !get_collation_isdeterministic(op->inputcollid)) ||
				op->inputcollid != key->collation[keyno])
				return NULL;
			result = key_compare(key, keyno, s.strategy,
								 (Node *) own_const(b, BPCHAROID,
													DirectFunctionCall3(bpcharin, CStringGetDatum(str),
																		ObjectIdGetDatum(InvalidOid),
																		Int32GetDatum(-1))));
		}
		else
		{
			int64		fl,
						ce;
			int64		v;
			int			strategy = s.strategy;

			if (!const_floor_ceil(c, &fl, &ce))
				return NULL;
			switch (strategy)
			{
				case BTEqualStrategyNumber:
					if (fl != ce)
						return NULL;	/* no integer equals it */
					v = fl;
					break;
				case BTLessStrategyNumber:
				case BTGreaterEqualStrategyNumber:
					v = ce;
					break;
				default:
					v = fl;
					break;
			}
			if (!int_fits(type, v))
				return NULL;
			result = key_compare(key, keyno, strategy, (Node *) own_const(b, type, int_datum(type, v)));
		}
	}
	else if (IsA(node, ScalarArrayOpExpr) && ((ScalarArrayOpExpr *) node)->useOr)
	{
		ScalarArrayOpExpr *sa = (ScalarArrayOpExpr *) node;
		Node	   *arr = partman_strip_relabel(lsecond(sa->args));
		Datum	   *elems;
		bool	   *nulls;
		int			nelems;
		Datum	   *values;
		int			n = 0;
		int16		typlen;
		bool		byval;
		char		align;

		if (!is_coerced_key(linitial(sa->args), b) || !IsA(arr, Const) ||
			((Const *) arr)->constisnull ||
			comparison_strategy(sa->opno, false) != BTEqualStrategyNumber)
			return NULL;
		keyno = partman_cast_of_key(key, linitial(sa->args), &to, &implicit);
		type = key->opcintype[keyno];
		if (type == BPCHAROID)
			return NULL;
		get_typlenbyvalalign(to, &typlen, &byval, &align);
		deconstruct_array(DatumGetArrayTypeP(((Const *) arr)->constvalue), to, typlen, byval,
						  align, &elems, &nulls, &nelems);
		if (nelems > MAX_LISTED_VALUES)
			return NULL;
		values = palloc(sizeof(Datum) * Max(nelems, 1));
		for (int i = 0; i < nelems; i++)
		{
			Const	   *c;
			int64		fl,
						ce;

			if (nulls[i])
				continue;
			c = makeConst(to, -1, InvalidOid, typlen, elems[i], false, byval);
			/* values no integer equals match no row either way */
			if (const_floor_ceil(c, &fl, &ce) && fl == ce && int_fits(type, fl))
				values[n++] = int_datum(type, fl);
		}
		result = key_in(b, keyno, values, n);
	}
	if (result)
		note(b, PRUNING_REASON_KEY_TYPE_COERCION, true, node, keyno);
	return result;
}

/*
 * = or IN in another collation than the key's: with both collations
 * deterministic, equality is equality of bytes in either, so the same
 * comparison in the key's collation finds the same rows.
 */
static Node *
rewrite_collation(Build *b, Node *node)
{
	const LeafKey *key = &b->ctx->key;
	Comparison	cmp;
	Node	   *value;
	Oid			keycoll,
				colcoll;
	int			keyno;
	Node	   *result;

	if (!split_comparison(node, is_key, b, &cmp))
		return NULL;
	keyno = partman_match_key(key, cmp.keyside);
	value = cmp.other;
	if (keyno < 0 || partman_mentions_key(key, value))
		return NULL;
	keycoll = key->collation[keyno];
	if (!OidIsValid(keycoll) || !OidIsValid(cmp.inputcollid) || cmp.inputcollid == keycoll ||
		!get_collation_isdeterministic(keycoll) || !get_collation_isdeterministic(cmp.inputcollid) ||
		!op_in_opfamily(cmp.opno, key->opfamily[keyno]) ||
		comparison_strategy(cmp.opno, false) != BTEqualStrategyNumber)
		return NULL;
	if (contain_volatile_functions(value))
		return NULL;

	/* the collation a plain column reference gives the comparison */
	colcoll = exprCollation(partman_strip_relabel(cmp.keyside));
	value = partman_strip_relabel(value);
	if (IsA(value, CollateExpr))
		value = (Node *) ((CollateExpr *) value)->arg;
	if (IsA(value, Const))
	{
		Const	   *c = copyObject((Const *) value);

		if (!partman_const_is_fixed(b->ctx, (Const *) value))
			return NULL;
		c->constcollid = get_typcollation(c->consttype);
		b->rw->own_consts = lappend(b->rw->own_consts, c);
		value = (Node *) c;
	}
	if (colcoll != keycoll || !IsA(value, Const) || get_typcollation(exprType(value)) != keycoll)
	{
		CollateExpr *ce = makeNode(CollateExpr);

		ce->arg = (Expr *) value;
		ce->collOid = keycoll;
		ce->location = -1;
		value = (Node *) ce;
	}
	if (IsA(node, OpExpr))
	{
		OpExpr	   *op = (OpExpr *) make_opclause(cmp.opno, BOOLOID, false,
												  (Expr *) key_operand(key, keyno), (Expr *) value,
												  InvalidOid, keycoll);

		set_opfuncid(op);
		result = (Node *) op;
	}
	else
	{
		ScalarArrayOpExpr *sa = copyObject((ScalarArrayOpExpr *) node);

		sa->args = list_make2(key_operand(key, keyno), value);
		sa->inputcollid = keycoll;
		result = (Node *) sa;
	}
	note(b, PRUNING_REASON_COLLATION_MISMATCH, true, node, keyno);
	return result;
}

/*
 * key <> v on a RANGE key of integers or dates: key < v OR key >= v + 1,
 * which leaves out a partition that holds v alone; NOT IN likewise.
 */
static Node *
rewrite_negation(Build *b, Node *node)
{
	const LeafKey *key = &b->ctx->key;
	Datum	   *values;
	int			n = 0;
	int			keyno;
	Oid			type;
	List	   *parts = NIL;

	if (key->strategy != PARTITION_STRATEGY_RANGE)
		return NULL;
	if (IsA(node, OpExpr) && list_length(((OpExpr *) node)->args) == 2)
	{
		OpExpr	   *op = (OpExpr *) node;
		Sides		s;
		Const	   *c;

		Node	   *l = linitial(op->args),
				   *r = lsecond(op->args);
		Oid			neg = get_negator(op->opno);

		/* <> has no btree strategy of its own: its negator is = */
		if (!OidIsValid(neg) || comparison_strategy(neg, false) != BTEqualStrategyNumber)
			return NULL;
		if (is_key(l, b))
		{
			s.keyside = l;
			s.other = r;
		}
		else if (is_key(r, b))
		{
			s.keyside = r;
			s.other = l;
		}
		else
			return NULL;
		keyno = partman_match_key(key, s.keyside);
		if ((c = fixed_const(b, s.other)) == NULL || op->inputcollid != key->collation[keyno])
			return NULL;
		if (c->consttype != key->opcintype[keyno])
			return NULL;
		values = palloc(sizeof(Datum));
		values[n++] = c->constvalue;
	}
	else if (IsA(node, ScalarArrayOpExpr) && !((ScalarArrayOpExpr *) node)->useOr)
	{
		ScalarArrayOpExpr *sa = (ScalarArrayOpExpr *) node;
		Node	   *arr = partman_strip_relabel(lsecond(sa->args));
		Oid			neg = get_negator(sa->opno);
		bool	   *nulls;
		int16		typlen;
		bool		byval;
		char		align;

		keyno = partman_match_key(key, linitial(sa->args));
		if (keyno < 0 || !OidIsValid(neg) ||
			comparison_strategy(neg, false) != BTEqualStrategyNumber ||
			!IsA(arr, Const) || ((Const *) arr)->constisnull ||
			get_element_type(((Const *) arr)->consttype) != key->opcintype[keyno])
			return NULL;
		get_typlenbyvalalign(key->opcintype[keyno], &typlen, &byval, &align);
		deconstruct_array(DatumGetArrayTypeP(((Const *) arr)->constvalue), key->opcintype[keyno],
						  typlen, byval, align, &values, &nulls, &n);
		if (n > MAX_LISTED_VALUES)
			return NULL;
		for (int i = 0; i < n; i++)
			if (nulls[i])
				return NULL;	/* NOT IN with a NULL matches no row */
	}
	else
		return NULL;

	type = key->opcintype[keyno];
	if (type != INT2OID && type != INT4OID && type != INT8OID && type != DATEOID)
		return NULL;
	for (int i = 0; i < n; i++)
	{
		Datum		next;
		Node	   *below,
				   *above;

		if (type == DATEOID)
		{
			DateADT		d = DatumGetDateADT(values[i]);

			if (DATE_NOT_FINITE(d) || d >= 2900000)
				return NULL;
			next = DateADTGetDatum(d + 1);
		}
		else
		{
			int64		v = type == INT2OID ? DatumGetInt16(values[i]) :
				type == INT4OID ? DatumGetInt32(values[i]) : DatumGetInt64(values[i]);

			if (!int_fits(type, v + 1))
				return NULL;
			next = int_datum(type, v + 1);
		}
		below = key_compare(key, keyno, BTLessStrategyNumber,
							(Node *) own_const(b, type, values[i]));
		above = key_compare(key, keyno, BTGreaterEqualStrategyNumber,
							(Node *) own_const(b, type, next));
		if (!below || !above)
			return NULL;
		parts = lappend(parts, make_orclause(list_make2(below, above)));
	}
	note(b, PRUNING_REASON_NEGATION, true, node, keyno);
	return (Node *) make_ands_explicit(parts);
}

/*
 * (a, b) > (x, y) and the like, whose first column is a key column: the
 * comparison column by column, a > x OR (a = x AND b > y), which pruning
 * reads.  NULLs give NULL either way.
 */
static Node *
rewrite_row_compare(Build *b, RowCompareExpr *rc)
{
	const LeafKey *key = &b->ctx->key;
	int			n = list_length(rc->opnos);
	Node	   *result = NULL;
	int			keyno = partman_match_key(key, linitial(rc->largs));

	if (keyno < 0 || n > 8)
		return NULL;
	for (int i = n - 1; i >= 0; i--)
	{
		Oid			opno = list_nth_oid(rc->opnos, i);
		Oid			family = list_nth_oid(rc->opfamilies, i);
		Oid			coll = list_nth_oid(rc->inputcollids, i);
		Node	   *l = list_nth(rc->largs, i);
		Node	   *r = list_nth(rc->rargs, i);
		int			strategy;
		Oid			lefttype,
					righttype,
					strict,
					eq;
		OpExpr	   *cmp,
				   *equal;

		if (contain_volatile_functions(r) || contain_volatile_functions(l))
			return NULL;
		get_op_opfamily_properties(opno, family, false, &strategy, &lefttype, &righttype);
		/* the last column keeps the operator; the others compare strictly */
		if (i < n - 1)
			strategy = strategy <= BTLessEqualStrategyNumber ? BTLessStrategyNumber :
				BTGreaterStrategyNumber;
		strict = get_opfamily_member(family, lefttype, righttype, strategy);
		eq = get_opfamily_member(family, lefttype, righttype, BTEqualStrategyNumber);
		if (!OidIsValid(strict) || !OidIsValid(eq))
			return NULL;
		cmp = (OpExpr *) make_opclause(strict, BOOLOID, false, (Expr *) copyObject(l),
									   (Expr *) copyObject(r), InvalidOid, coll);
		set_opfuncid(cmp);
		if (result == NULL)
			result = (Node *) cmp;
		else
		{
			equal = (OpExpr *) make_opclause(eq, BOOLOID, false, (Expr *) copyObject(l),
											 (Expr *) copyObject(r), InvalidOid, coll);
			set_opfuncid(equal);
			result = (Node *) make_orclause(list_make2(cmp,
													   make_andclause(list_make2(equal, result))));
		}
	}
	note(b, PRUNING_REASON_KEY_IN_EXPRESSION, true, (Node *) rc, keyno);
	return result;
}

/*
 * key IS UNKNOWN is key IS NULL; key IS DISTINCT FROM c (not NULL) is key
 * <> c OR key IS NULL, and NOT (key IS DISTINCT FROM c) is key = c: forms
 * pruning reads.
 */
static Node *
rewrite_null_forms(Build *b, Node *node)
{
	const LeafKey *key = &b->ctx->key;
	bool		negated = false;
	DistinctExpr *d;
	Node	   *keyside,
			   *value;
	int			keyno;
	Oid			neg;

	if (IsA(node, BooleanTest))
	{
		BooleanTest *bt = (BooleanTest *) node;
		NullTest   *nt;

		if ((bt->booltesttype != IS_UNKNOWN && bt->booltesttype != IS_NOT_UNKNOWN) ||
			(keyno = partman_match_key(key, (Node *) bt->arg)) < 0)
			return NULL;
		nt = makeNode(NullTest);
		nt->arg = (Expr *) copyObject(bt->arg);
		nt->nulltesttype = bt->booltesttype == IS_UNKNOWN ? IS_NULL : IS_NOT_NULL;
		nt->argisrow = false;
		nt->location = -1;
		note(b, PRUNING_REASON_KEY_IN_EXPRESSION, true, node, keyno);
		return (Node *) nt;
	}
	if (IsA(node, BoolExpr) && ((BoolExpr *) node)->boolop == NOT_EXPR &&
		IsA(linitial(((BoolExpr *) node)->args), DistinctExpr))
	{
		negated = true;
		d = linitial(((BoolExpr *) node)->args);
	}
	else if (IsA(node, DistinctExpr))
		d = (DistinctExpr *) node;
	else
		return NULL;
	keyside = linitial(d->args);
	value = lsecond(d->args);
	if (partman_match_key(key, keyside) < 0)
	{
		keyside = lsecond(d->args);
		value = linitial(d->args);
	}
	keyno = partman_match_key(key, keyside);
	if (keyno < 0 || fixed_const(b, value) == NULL || d->inputcollid != key->collation[keyno] ||
		!op_in_opfamily(d->opno, key->opfamily[keyno]))
		return NULL;
	note(b, PRUNING_REASON_KEY_IN_EXPRESSION, true, node, keyno);
	if (negated)
	{
		OpExpr	   *op = (OpExpr *) make_opclause(d->opno, BOOLOID, false, (Expr *) copyObject(keyside),
												  (Expr *) copyObject(value), InvalidOid, d->inputcollid);

		set_opfuncid(op);
		return (Node *) op;
	}
	neg = get_negator(d->opno);
	if (!OidIsValid(neg))
		return NULL;
	{
		OpExpr	   *op = (OpExpr *) make_opclause(neg, BOOLOID, false, (Expr *) copyObject(keyside),
												  (Expr *) copyObject(value), InvalidOid, d->inputcollid);
		NullTest   *nt = makeNode(NullTest);

		set_opfuncid(op);
		nt->arg = (Expr *) copyObject(keyside);
		nt->nulltesttype = IS_NULL;
		nt->location = -1;
		return (Node *) make_orclause(list_make2(op, nt));
	}
}

/* One condition that is neither AND nor OR. */
static Node *
rewrite_atom(Build *b, Node *node)
{
	Node	   *r = NULL;

	if (IsA(node, RowCompareExpr))
		r = rewrite_row_compare(b, (RowCompareExpr *) node);
	else if (IsA(node, BooleanTest) || IsA(node, DistinctExpr) || IsA(node, BoolExpr))
		r = rewrite_null_forms(b, node);
	else if (IsA(node, OpExpr))
	{
		OpExpr	   *op = (OpExpr *) node;

		if ((r = rewrite_trunc(b, op)) == NULL &&
			(r = rewrite_date_cast(b, op)) == NULL &&
			(r = rewrite_text_cast(b, node)) == NULL &&
			(r = rewrite_coercion(b, node)) == NULL &&
			(r = rewrite_collation(b, node)) == NULL)
			r = rewrite_negation(b, node);
	}
	else if (IsA(node, ScalarArrayOpExpr))
	{
		if ((r = rewrite_text_cast(b, node)) == NULL &&
			(r = rewrite_coercion(b, node)) == NULL &&
			(r = rewrite_collation(b, node)) == NULL)
			r = rewrite_negation(b, node);
	}
	return r ? r : node;
}

/* A conjunct with its rewritable conditions rewritten (the same node if none). */
static Node *
rewrite_tree(Build *b, Node *node)
{
	if (IsA(node, BoolExpr) && ((BoolExpr *) node)->boolop != NOT_EXPR)
	{
		BoolExpr   *be = (BoolExpr *) node;
		List	   *args = NIL;
		bool		changed = false;
		ListCell   *lc;

		foreach(lc, be->args)
		{
			Node	   *arg = rewrite_tree(b, lfirst(lc));

			changed |= arg != lfirst(lc);
			args = lappend(args, arg);
		}
		if (!changed)
			return node;
		return be->boolop == AND_EXPR ? (Node *) make_andclause(args) :
			(Node *) make_orclause(args);
	}
	if (!partman_mentions_key(&b->ctx->key, node))
		return node;
	return rewrite_atom(b, node);
}

/*
 * A hash key compared with a bounded range of integers or dates: the
 * values of the range, listed (at most MAX_LISTED_VALUES).
 */
static void
rewrite_hash_ranges(Build *b, List **parts)
{
	ReasonContext *ctx = b->ctx;
	const LeafKey *key = &ctx->key;

	if (key->strategy != PARTITION_STRATEGY_HASH)
		return;
	for (int keyno = 0; keyno < key->nkeys; keyno++)
	{
		Oid			type = key->opcintype[keyno];
		List	   *used = NIL;
		bool		has_lo = false,
					has_hi = false;
		int64		lo = 0,
					hi = 0;
		ListCell   *lc;
		Datum	   *values;
		Node	   *list;

		if (type != INT2OID && type != INT4OID && type != INT8OID && type != DATEOID)
			continue;
		foreach(lc, ctx->conjuncts)
		{
			Sides		s;
			Const	   *c;
			int64		v;

			if (!IsA(lfirst(lc), OpExpr) || list_member_ptr(b->rw->replaced, lfirst(lc)) ||
				!split_sides(lfirst(lc), is_key, b, &s) ||
				partman_match_key(key, s.keyside) != keyno ||
				s.strategy == BTEqualStrategyNumber ||
				((OpExpr *) lfirst(lc))->inputcollid != InvalidOid ||
				(c = fixed_const(b, s.other)) == NULL)
				continue;
			if (type == DATEOID)
			{
				if (c->consttype != DATEOID || DATE_NOT_FINITE(DatumGetDateADT(c->constvalue)))
					continue;
				v = DatumGetDateADT(c->constvalue);
			}
			else if (c->consttype == INT2OID || c->consttype == INT4OID || c->consttype == INT8OID)
				(void) const_integral(c, &v);
			else
				continue;
			switch (s.strategy)
			{
				case BTGreaterStrategyNumber:
					v++;
					/* FALLTHROUGH */
				case BTGreaterEqualStrategyNumber:
					if (!has_lo || v > lo)
						lo = v;
					has_lo = true;
					break;
				case BTLessStrategyNumber:
					v--;
					/* FALLTHROUGH */
				case BTLessEqualStrategyNumber:
					if (!has_hi || v < hi)
						hi = v;
					has_hi = true;
					break;
			}
			used = lappend(used, lfirst(lc));
		}
		if (!has_lo || !has_hi || lo > hi || hi - lo >= MAX_LISTED_VALUES ||
			(type != DATEOID && (!int_fits(type, lo) || !int_fits(type, hi))))
			continue;
		values = palloc(sizeof(Datum) * (hi - lo + 1));
		for (int64 v = lo; v <= hi; v++)
			values[v - lo] = type == DATEOID ? DateADTGetDatum((DateADT) v) : int_datum(type, v);
		list = key_in(b, keyno, values, (int) (hi - lo + 1));
		if (list == NULL)
			continue;
		b->rw->replaced = list_concat(b->rw->replaced, used);
		*parts = lappend(*parts, list);
		/* several columns: PostgreSQL 15 finds no partition from a list of one */
		note(b, PRUNING_REASON_RANGE_ON_HASH_KEY, key->nkeys == 1, linitial(used), keyno);
	}
}

/*
 * partman_build_rewrite
 *		The rewrite of every condition on the key partman knows how to
 *		rewrite, as one replacement for the conjuncts it changes; NULL if
 *		there is none.  May raise an error (a value that does not convert):
 *		the caller runs it in a subtransaction.
 */
Rewrite *
partman_build_rewrite(ReasonContext *ctx)
{
	Build		b;
	List	   *parts = NIL;
	ListCell   *lc;

	b.ctx = ctx;
	b.rw = palloc0(sizeof(Rewrite));
	b.rw->tight = true;
	b.rw->keyno = 0;

	rewrite_extracts(&b, &parts);
	rewrite_hash_ranges(&b, &parts);
	foreach(lc, ctx->conjuncts)
	{
		Node	   *conjunct = lfirst(lc);
		Node	   *r;

		if (list_member_ptr(b.rw->replaced, conjunct))
			continue;
		r = rewrite_tree(&b, conjunct);
		if (r != conjunct)
		{
			b.rw->replaced = lappend(b.rw->replaced, conjunct);
			parts = lappend(parts, r);
		}
	}
	if (parts == NIL)
		return NULL;
	b.rw->replacement = (Node *) make_ands_explicit(parts);
	return b.rw;
}
