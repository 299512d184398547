/*-------------------------------------------------------------------------
 *
 * advise_key.c
 *	  The engine of partman.advise_key(source, purpose) (entry point in
 *	  sql_api/advise.c): which column to partition or shard a table by,
 *	  judged as the background document's Exercise 2
 *	  judges shard keys (distribution, query fit, cross-partition work) and
 *	  by its best practices (the key must be in most queries' WHERE clause;
 *	  fewer than 1000 partitions; RANGE by time for data that ages).
 *
 * The data comes from advise_stats.c (pg_stats), the workload from
 * advise_workload.c (pg_stat_statements); this file turns them into one
 * row per candidate, best first.  Nothing here reads table data or
 * changes anything.
 *
 * How a candidate is scored (0 to 1), and why:
 *	- partition: 0.40 query fit + 0.35 manageability + 0.25 distribution.
 *	  A statement that does not prune still runs, scanning every
 *	  partition's index; what only the right key gives is partitions that
 *	  age as a whole (retention by DROP, quiet old partitions).
 *	- shard: fit^0.6 * distribution^0.4.  A statement that cannot be routed
 *	  reaches every server, and a hot server cannot be compensated by
 *	  anything else: either failing sinks the key.
 *	Without a workload, fit is unknown and the score is the data alone
 *	(partition: 0.6 manageability + 0.4 distribution; shard: distribution),
 *	and no verdict is better than "maybe".
 *	Statements weigh by their share of calls and of total execution time:
 *	half each for partitioning, where an unpruned statement costs in
 *	proportion to its work; 3/4 calls for sharding, where every statement
 *	that fans out pays a round trip to every server.
 *
 *-------------------------------------------------------------------------
 */
#include "partman.h"

#include <math.h>

#include "catalog/pg_class.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "storage/lmgr.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/rls.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"

/* Shard balance is judged for the document's four servers (SHARD_COUNT). */
#define SHARD_COUNT			4
/* Partitions worth having hold about this many rows ... */
#define TARGET_ROWS			1000000.0
/* ... and a set should have fewer than this many (the document's advice). */
#define MAX_PARTITIONS		1000
/* ... but at least this many over the horizon when they are small. */
#define MIN_PARTITIONS		4
/* A column with at most this many values is a LIST key. */
#define LIST_MAX_VALUES		50
/* |correlation| with the physical order from which values follow insertion */
#define CORRELATED			0.8
/* Two-column keys are proposed when this share of the workload uses both. */
#define PAIR_MIN_SHARE		0.05

#define THRESHOLD_GOOD		0.6
#define THRESHOLD_MAYBE		0.35

typedef enum Purpose
{
	PURPOSE_PARTITION,
	PURPOSE_SHARD
} Purpose;

typedef enum Verdict
{
	VERDICT_GOOD,
	VERDICT_MAYBE,
	VERDICT_POOR
} Verdict;

static const char *const verdict_names[] = {"good", "maybe", "poor"};

/* What advise_key knows while it judges. */
typedef struct Advice
{
	Purpose		purpose;
	AdviseTable table;
	AdviseWorkload workload;
	int			nstatements;
	AdviseStatement **statements;
	double	   *weight;			/* per statement, summing to 1 */
} Advice;

typedef struct Candidate
{
	AdviseColumn *col;
	AdviseColumn *col2;			/* the second column of a two-column key */
	char		strategy;		/* 'r', 'l', 'h' */
	char		sub_strategy;	/* of col2 in a composite set, or 0 */
	char	   *interval;
	int			parts;			/* modulus, or the values of a LIST key */
	double		fit;
	double		cross;
	double		dist;
	double		manage;
	double		score;
	const char *dist_label;
	bool		disqualified;
	Verdict		verdict;
	List	   *reasons;
} Candidate;

/* ---------------------------------------------------------------------
 * Small helpers
 * ---------------------------------------------------------------------
 */

static int
percent(double share)
{
	return (int) rint(share * 100.0);
}

/* A count rounded to two significant digits, with thousands separators. */
static char *
about(double n)
{
	char		digits[64];
	StringInfoData out;
	int			len;

	if (n >= 100)
	{
		double		scale = pow(10, floor(log10(n)) - 1);

		n = rint(n / scale) * scale;
	}
	snprintf(digits, sizeof(digits), "%.0f", rint(n));
	len = strlen(digits);
	initStringInfo(&out);
	for (int i = 0; i < len; i++)
	{
		if (i > 0 && (len - i) % 3 == 0)
			appendStringInfoChar(&out, ',');
		appendStringInfoChar(&out, digits[i]);
	}
	return out.data;
}

static char *
partitions(int n)
{
	return psprintf("%d partition%s", n, n == 1 ? "" : "s");
}

static const char *
unit(const Advice *advice)
{
	return advice->purpose == PURPOSE_SHARD ? "shard" : "partition";
}

static bool
correlated(const AdviseColumn *col)
{
	return col->has_correlation && fabs(col->correlation) >= CORRELATED;
}

static void
reason(Candidate *cand, const char *fmt,...) pg_attribute_printf(2, 3);

static void
reason(Candidate *cand, const char *fmt,...)
{
	StringInfoData buf;

	initStringInfo(&buf);
	for (;;)
	{
		va_list		args;
		int			needed;

		va_start(args, fmt);
		needed = appendStringInfoVA(&buf, fmt, args);
		va_end(args);
		if (needed == 0)
			break;
		enlargeStringInfo(&buf, needed);
	}
	cand->reasons = lappend(cand->reasons, buf.data);
}

/* An interval's length in seconds (a month as 1/12 of a year). */
static double
interval_seconds(const char *text)
{
	Interval   *span = DatumGetIntervalP(DirectFunctionCall3(interval_in,
															 CStringGetDatum(text),
															 ObjectIdGetDatum(InvalidOid),
															 Int32GetDatum(-1)));

	return span->month * (DAYS_PER_YEAR / MONTHS_PER_YEAR) * SECS_PER_DAY +
		span->day * (double) SECS_PER_DAY + (double) span->time / USECS_PER_SEC;
}

/* ---------------------------------------------------------------------
 * Strategy, interval and distribution: from the data
 * ---------------------------------------------------------------------
 */

static bool
low_cardinality(const AdviseColumn *col)
{
	return col->has_btree && col->ndistinct <= LIST_MAX_VALUES;
}

/* The strategy a column calls for; false when it cannot be a key. */
static bool
choose_strategy(const Advice *advice, Candidate *cand)
{
	AdviseColumn *col = cand->col;

	if (col->is_time && col->has_btree)
		cand->strategy = 'r';
	else if (advice->purpose == PURPOSE_PARTITION && col->is_integer && correlated(col) &&
			 !low_cardinality(col))
		cand->strategy = 'r';
	else if (low_cardinality(col))
		cand->strategy = 'l';
	else if (col->has_hash)
		cand->strategy = 'h';
	else
		return false;
	return true;
}

static const char *
strategy_name(char strategy)
{
	switch (strategy)
	{
		case 'r':
			return "range";
		case 'l':
			return "list";
		default:
			return "hash";
	}
}

/* The ladder of intervals a time RANGE set is offered. */
static const struct
{
	const char *name;
	double		seconds;
}			ladder[] =
{
	{"1 hour", SECS_PER_HOUR},
	{"1 day", SECS_PER_DAY},
	{"1 week", 7 * SECS_PER_DAY},
	{"1 month", DAYS_PER_YEAR / MONTHS_PER_YEAR * SECS_PER_DAY},
	{"3 months", DAYS_PER_YEAR / 4 * SECS_PER_DAY},
	{"1 year", DAYS_PER_YEAR * SECS_PER_DAY},
};

/*
 * The interval of a time RANGE key, from the table's growth: the finest
 * step whose partitions hold about TARGET_ROWS rows and number at most
 * MAX_PARTITIONS over the horizon (the set's retention, else the data's
 * span or a year, whichever is longer).  When no step makes partitions
 * that big, the coarsest that still cuts the horizon into MIN_PARTITIONS,
 * so that pruning and retention have pieces to work with.
 */
static void
suggest_interval(const Advice *advice, Candidate *cand)
{
	AdviseColumn *col = cand->col;
	double		span = col->has_span ? col->max_value - col->min_value : 0;
	double		rows = advice->table.rows * (1 - col->null_frac);
	double		horizon;
	double		rate;
	const char *horizon_text;
	int			pick = -1;

	if (span <= 0 || rows <= 0)
	{
		cand->interval = "1 month";
		reason(cand, "the span of %s's values is unknown: '1 month' is a neutral start",
			   col->name);
		return;
	}
	rate = rows / span;
	if (advice->table.retention && advice->table.current_key &&
		strcmp(advice->table.current_key, col->name) == 0)
	{
		horizon = interval_seconds(advice->table.retention);
		horizon_text = psprintf("the set's retention of %s", advice->table.retention);
	}
	else if (span > ladder[lengthof(ladder) - 1].seconds)
	{
		horizon = span;
		horizon_text = "the span of its values so far";
	}
	else
	{
		horizon = ladder[lengthof(ladder) - 1].seconds;
		horizon_text = "a year";
	}
	for (int i = 0; i < lengthof(ladder); i++)
	{
		if (horizon / ladder[i].seconds <= MAX_PARTITIONS &&
			rate * ladder[i].seconds >= TARGET_ROWS)
		{
			pick = i;
			break;
		}
	}
	for (int i = lengthof(ladder) - 1; i >= 0 && pick < 0; i--)
		if (horizon / ladder[i].seconds >= MIN_PARTITIONS)
			pick = i;
	if (pick < 0)
		pick = 0;
	cand->interval = (char *) ladder[pick].name;
	reason(cand, "interval '%s': about %s rows per partition, %s for %s "
		   "(aim: about a million rows each, %d to %d partitions)",
		   ladder[pick].name, about(rate * ladder[pick].seconds),
		   partitions((int) ceil(horizon / ladder[pick].seconds)), horizon_text,
		   MIN_PARTITIONS, MAX_PARTITIONS);
}

/* The width of an integer RANGE key, by the same aims as suggest_interval. */
static void
integer_width(const Advice *advice, Candidate *cand)
{
	AdviseColumn *col = cand->col;
	double		span = col->has_span ? col->max_value - col->min_value + 1 : 0;
	double		rows = advice->table.rows * (1 - col->null_frac);
	double		width;

	if (span <= 0 || rows <= 0)
	{
		cand->interval = "1000000";
		return;
	}
	width = pow(10, ceil(log10(Max(TARGET_ROWS * span / rows, 1))));
	if (span / width > MAX_PARTITIONS)
		width = pow(10, ceil(log10(span / MAX_PARTITIONS)));
	else if (span / width < MIN_PARTITIONS)
		width = pow(10, floor(log10(Max(span / MIN_PARTITIONS, 1))));
	cand->interval = psprintf("%.0f", width);
	reason(cand, "width %s: about %s rows per partition, %s for the values so far",
		   cand->interval, about(rows * Min(width / span, 1)),
		   partitions((int) ceil(span / width)));
}

/*
 * How evenly rows spread over the partitions or shards, into cand->dist
 * (1 even, towards 0 worse) and cand->dist_label, with the reasons.
 */
static void
judge_distribution(const Advice *advice, Candidate *cand)
{
	AdviseColumn *col = cand->col;
	bool		shard = (advice->purpose == PURPOSE_SHARD);
	double		nonnull = 1 - col->null_frac;
	double		rows_per_value = advice->table.rows * nonnull / Max(col->ndistinct, 1);
	double		largest;
	double		even;
	double		ratio;

	cand->dist = 1;
	cand->dist_label = "even";

	if (col->null_frac >= 0.5)
	{
		cand->dist = 0.1;
		cand->dist_label = "mostly null";
		cand->disqualified = true;
		reason(cand, "%d%% of rows have no %s: they would all land in one %s",
			   percent(col->null_frac), col->name, unit(advice));
		return;
	}
	if (col->ndistinct <= 1)
	{
		cand->dist = 0;
		cand->dist_label = "one value";
		cand->disqualified = true;
		reason(cand, "%s has a single value: every row would land in one %s",
			   col->name, unit(advice));
		return;
	}

	if (cand->strategy == 'r')
	{
		if (shard && correlated(col))
		{
			cand->dist = 0.1;
			cand->dist_label = "time skew";
			cand->disqualified = true;
			reason(cand, "time skew: %s follows insertion order (correlation %.2f), so new rows "
				   "all go to the shard holding the newest range while older shards go cold",
				   col->name, col->correlation);
		}
		else if (!correlated(col))
		{
			cand->dist = 0.8;
			reason(cand, "%s does not follow insertion order (correlation %.2f): every range "
				   "keeps receiving rows", col->name, col->correlation);
		}
	}
	else
	{
		int			n = cand->parts;

		if (shard && correlated(col) && rows_per_value >= 100)
		{
			cand->dist = 0.1;
			cand->dist_label = "time skew";
			cand->disqualified = true;
			reason(cand, "time skew: %s follows insertion order (correlation %.2f) and each "
				   "value covers about %s consecutive rows, so each period's writes all go "
				   "to one shard", col->name, col->correlation, about(rows_per_value));
			return;
		}
		if (cand->strategy == 'l' && !shard)
		{
			/* one partition per value */
			n = (int) Max(col->ndistinct, 1);
			largest = Max(col->top_freq, nonnull / n);
		}
		else
			/* values hashed or grouped onto n partitions or servers */
			largest = Max(col->top_freq + (nonnull - col->top_freq) / n,
						  nonnull / Min(col->ndistinct, n));
		/* NULLs share one partition (or the default one) */
		if (col->null_frac >= 0.05)
			largest += col->null_frac;
		even = 1.0 / n;
		ratio = largest / even;
		cand->dist = (cand->strategy == 'l' && !shard) ? 1 / sqrt(ratio) : 1 / ratio;
		if (ratio < 1.25)
		{
			if (col->ndistinct >= advice->table.rows * 0.99)
				reason(cand, "even: every value is distinct, and %s spreads them evenly over %d %ss",
					   cand->strategy == 'h' ? "hashing" : "grouping", n, unit(advice));
			else
				reason(cand, "even: about %s distinct values over %d %ss, none holding much more than its share",
					   about(col->ndistinct), n, unit(advice));
		}
		else if (col->top_value != NULL && col->top_freq >= 0.05 &&
				 col->top_freq >= 10 * nonnull / Max(col->ndistinct, 1))
		{
			cand->dist_label = "skewed";
			reason(cand, "skew: %s = %s holds %d%% of rows; the %s holding it would carry "
				   "%.1f times an even share of %d%s",
				   col->name, col->top_value, percent(col->top_freq), unit(advice), ratio, n,
				   shard ? " (give it a shard of its own, as the document advises for large tenants)" :
				   cand->strategy == 'l' ? "" : " (a LIST partition of its own for it, or a larger modulus, evens the rest)");
		}
		else
		{
			cand->dist_label = "uneven";
			reason(cand, "uneven: about %s values, the most common (%s) holding %d%% of rows",
				   about(col->ndistinct), col->top_value ? col->top_value : "?",
				   percent(col->top_freq));
		}
	}
	if (col->null_frac >= 0.05)
	{
		cand->dist *= nonnull;
		reason(cand, "%d%% of rows have no %s: they would all land in %s",
			   percent(col->null_frac), col->name,
			   shard ? "one shard" : "the default partition");
	}
}

/* What a partitioning key is worth beyond pruning: partitions that age. */
static void
judge_manageability(const Advice *advice, Candidate *cand)
{
	AdviseColumn *col = cand->col;

	if (advice->purpose != PURPOSE_PARTITION)
		return;
	if (cand->strategy == 'r' && col->is_time && correlated(col))
	{
		cand->manage = 1.0;
		reason(cand, "RANGE by time follows insertion order (correlation %.2f): old partitions "
			   "can be detached or dropped whole for retention", col->correlation);
	}
	else if (cand->strategy == 'r' && col->is_time)
		cand->manage = 0.4;
	else if (cand->strategy == 'r')
	{
		cand->manage = 0.6;
		reason(cand, "%s grows with insertion order (correlation %.2f): its partitions age "
			   "like time partitions, but retention by age needs a time column",
			   col->name, col->correlation);
	}
	else if (cand->strategy == 'l')
	{
		cand->manage = 0.4;
		reason(cand, "LIST: a partition per value (or group of values), which can be "
			   "detached or moved on its own");
	}
	else
	{
		cand->manage = 0.1;
		reason(cand, "HASH (modulus %d) spreads rows but gives no partition that can be "
			   "archived or dropped on its own", cand->parts);
	}
}

/*
 * PostgreSQL requires the partition key in every unique index of a
 * partitioned table; say which would have to change.
 */
static void
judge_unique_indexes(const Advice *advice, Candidate *cand)
{
	ListCell   *lc;

	if (advice->table.current_key)
		return;
	foreach(lc, advice->table.unique_indexes)
	{
		AdviseIndex *index = lfirst(lc);
		StringInfoData columns;
		int			attnum = -1;

		if (bms_is_member(cand->col->attnum, index->attnums) &&
			(cand->col2 == NULL || bms_is_member(cand->col2->attnum, index->attnums)))
			continue;
		initStringInfo(&columns);
		while ((attnum = bms_next_member(index->attnums, attnum)) >= 0)
			appendStringInfo(&columns, "%s%s", columns.len > 0 ? ", " : "",
							 get_attname(advice->table.relid, attnum, false));
		reason(cand, "unique index %s (%s) would have to include %s%s: PostgreSQL requires "
			   "the key in every unique index of a partitioned table",
			   index->name, columns.data, cand->col->name,
			   cand->col2 ? psprintf(" and %s", cand->col2->name) : "");
	}
}

/* ---------------------------------------------------------------------
 * Query fit: from the workload
 * ---------------------------------------------------------------------
 */

/* How much of one statement a key on this column with this strategy serves. */
static double
statement_fit(AdviseAccess access, char strategy)
{
	switch (access)
	{
		case ADVISE_EQUAL:
			return 1;
		case ADVISE_RANGE:
			/* LIST bounds are sorted too: ranges prune them; hashes are not */
			return strategy == 'h' ? 0 : 1;
		case ADVISE_JOIN:
			/* co-located or partition-wise, but still every shard/partition */
			return 0.5;
		default:
			return 0;
	}
}

static bool
prunes(AdviseAccess access)
{
	return access == ADVISE_EQUAL || access == ADVISE_RANGE;
}

/*
 * The column (other than except) that the most weight of the statements
 * in mask filters on, or NULL.
 */
static const char *
most_filtered(const Advice *advice, const bool *mask, const AdviseColumn *except)
{
	ListCell   *lc;
	const char *best = NULL;
	double		best_share = 0;

	foreach(lc, advice->table.columns)
	{
		AdviseColumn *col = lfirst(lc);
		double		share = 0;

		if (col == except)
			continue;
		for (int i = 0; i < advice->nstatements; i++)
			if (mask[i] && prunes(advice->statements[i]->access[col->attnum - 1]))
				share += advice->weight[i];
		if (share > best_share)
		{
			best_share = share;
			best = col->name;
		}
	}
	return best;
}

static void
describe_cross(const Advice *advice, Candidate *cand, const bool *mask)
{
	const char *other;

	if (cand->cross <= 0)
		return;
	/* a two-column key: what the statements that miss it filter on instead */
	other = most_filtered(advice, mask, cand->col2 ? NULL : cand->col);
	if (advice->purpose == PURPOSE_SHARD)
		reason(cand, "%d%% of the workload would reach every shard%s%s%s",
			   percent(cand->cross), other ? " (most of it filters on " : "",
			   other ? other : "", other ? ")" : "");
	else
		reason(cand, "%d%% of the workload would scan every partition%s%s%s",
			   percent(cand->cross), other ? " (most of it filters on " : "",
			   other ? other : "", other ? ": keep an index on it)" : "");
}

/* Query fit of a one-column key. */
static void
judge_fit(const Advice *advice, Candidate *cand)
{
	int			att = cand->col->attnum - 1;
	double		equal = 0;
	double		range = 0;
	double		join = 0;
	double		unprunable = 0;
	const char *partner = NULL;
	double		partner_weight = 0;
	bool	   *mask = palloc0(sizeof(bool) * Max(advice->nstatements, 1));

	cand->fit = 0;
	cand->cross = 0;
	for (int i = 0; i < advice->nstatements; i++)
	{
		AdviseStatement *stmt = advice->statements[i];
		double		w = advice->weight[i];
		double		f = statement_fit(stmt->access[att], cand->strategy);

		cand->fit += w * f;
		if (f < 1)
		{
			cand->cross += w;
			mask[i] = true;
		}
		switch (stmt->access[att])
		{
			case ADVISE_EQUAL:
				equal += w;
				break;
			case ADVISE_RANGE:
				range += w;
				break;
			case ADVISE_JOIN:
				join += w;
				if (stmt->partner[att] && w > partner_weight)
				{
					partner = stmt->partner[att];
					partner_weight = w;
				}
				break;
			case ADVISE_UNPRUNABLE:
				unprunable += w;
				break;
			case ADVISE_NONE:
				break;
		}
	}

	if (percent(equal) > 0)
		reason(cand, "%d%% of the workload filters on %s with = or IN: %s",
			   percent(equal), cand->col->name,
			   advice->purpose == PURPOSE_SHARD ? "one shard answers it" :
			   "it prunes to one partition");
	if (percent(range) > 0)
		reason(cand, "%d%% filters on %s with a range: %s",
			   percent(range), cand->col->name,
			   cand->strategy == 'h' ? "a HASH key cannot prune ranges" :
			   advice->purpose == PURPOSE_SHARD ? "the shards holding that range answer it" :
			   "it prunes to the partitions the range covers");
	if (percent(join) > 0)
		reason(cand, "%d%% joins %s with %s: %s",
			   percent(join), cand->col->name, partner ? partner : "another table",
			   advice->purpose == PURPOSE_SHARD ?
			   "co-located when that table is sharded by it too" :
			   "a partition-wise join when that table is partitioned the same way");
	if (percent(unprunable) > 0)
		reason(cand, "%d%% filters on %s in a form that cannot prune (a function of the column, "
			   "<>, LIKE, or OR with another column)", percent(unprunable), cand->col->name);
	describe_cross(advice, cand, mask);
}

/* ---------------------------------------------------------------------
 * Candidates
 * ---------------------------------------------------------------------
 */

static void
score_and_verdict(const Advice *advice, Candidate *cand)
{
	bool		known = advice->workload.known;

	if (advice->purpose == PURPOSE_PARTITION)
		cand->score = known ?
			0.40 * cand->fit + 0.35 * cand->manage + 0.25 * cand->dist :
			0.6 * cand->manage + 0.4 * cand->dist;
	else
		cand->score = known ? pow(cand->fit, 0.6) * pow(cand->dist, 0.4) : cand->dist;
	if (cand->col2)
		cand->score = Max(cand->score - 0.05, 0);

	if (cand->score >= THRESHOLD_GOOD)
		cand->verdict = VERDICT_GOOD;
	else if (cand->score >= THRESHOLD_MAYBE)
		cand->verdict = VERDICT_MAYBE;
	else
		cand->verdict = VERDICT_POOR;

	if (cand->disqualified)
		cand->verdict = VERDICT_POOR;
	else if (known && advice->purpose == PURPOSE_SHARD && cand->cross >= 0.5 &&
			 cand->verdict != VERDICT_POOR)
	{
		cand->verdict = VERDICT_POOR;
		reason(cand, "poor: most of the workload would reach every shard");
	}
	if (!known)
	{
		if (cand->verdict == VERDICT_GOOD)
			cand->verdict = VERDICT_MAYBE;
		reason(cand, "query fit unknown (%s): judged by the data alone",
			   advice->workload.unknown_reason);
	}
}

static Candidate *
judge_column(const Advice *advice, AdviseColumn *col)
{
	Candidate  *cand = palloc0(sizeof(Candidate));

	cand->col = col;
	if (!choose_strategy(advice, cand))
		return NULL;
	if (cand->strategy == 'h')
		cand->parts = advice->purpose == PURPOSE_SHARD ? SHARD_COUNT :
			Min(Max(pow(2, ceil(log2(Max(advice->table.rows / TARGET_ROWS, 1)))), 4), 64);
	else if (cand->strategy == 'l')
		cand->parts = advice->purpose == PURPOSE_SHARD ? SHARD_COUNT : (int) Max(col->ndistinct, 1);

	if (advice->table.current_key && strcmp(advice->table.current_key, col->name) == 0)
		reason(cand, "\"%s\" is partitioned by %s today", advice->table.name, col->name);
	judge_distribution(advice, cand);
	judge_manageability(advice, cand);
	judge_unique_indexes(advice, cand);
	if (cand->strategy == 'r' && col->is_time)
		suggest_interval(advice, cand);
	else if (cand->strategy == 'r')
		integer_width(advice, cand);
	if (advice->workload.known)
		judge_fit(advice, cand);
	score_and_verdict(advice, cand);
	return cand;
}

/*
 * judge_two_columns
 *		The end of judging a two-column candidate: its fit and the workload
 *		it crosses, from served[i] (how much of statement i it serves, 0 to
 *		1; one it does not serve at all crosses every partition), then its
 *		unique indexes, score and verdict.
 */
static Candidate *
judge_two_columns(const Advice *advice, Candidate *cand, const double *served)
{
	bool	   *mask = palloc0(sizeof(bool) * advice->nstatements);

	for (int i = 0; i < advice->nstatements; i++)
	{
		cand->fit += advice->weight[i] * served[i];
		if (served[i] == 0)
		{
			cand->cross += advice->weight[i];
			mask[i] = true;
		}
	}
	judge_unique_indexes(advice, cand);
	describe_cross(advice, cand, mask);
	score_and_verdict(advice, cand);
	return cand;
}

/* A new candidate: a key of col and col2, partitioned by strategy. */
static Candidate *
two_column_candidate(AdviseColumn *col, AdviseColumn *col2, char strategy)
{
	Candidate  *cand = palloc0(sizeof(Candidate));

	cand->col = col;
	cand->col2 = col2;
	cand->strategy = strategy;
	return cand;
}

/* The best RANGE candidate on a time column whose values follow the rows' order, or NULL. */
static Candidate *
best_time_candidate(List *singles)
{
	Candidate  *time = NULL;
	ListCell   *lc;

	foreach(lc, singles)
	{
		Candidate  *c = lfirst(lc);

		if (c->strategy == 'r' && c->col->is_time && correlated(c->col) && !c->disqualified &&
			(time == NULL || c->score > time->score))
			time = c;
	}
	return time;
}

/*
 * The LIST or HASH candidate that the largest share of the workload (in
 * *best_share) filters on with = together with a condition that prunes
 * time, or NULL.
 */
static Candidate *
best_sub_candidate(const Advice *advice, List *singles, const Candidate *time, double *best_share)
{
	Candidate  *sub = NULL;
	int			t = time->col->attnum - 1;
	ListCell   *lc;

	*best_share = 0;
	foreach(lc, singles)
	{
		Candidate  *c = lfirst(lc);
		double		share = 0;

		if (c == time || c->strategy == 'r' || c->disqualified)
			continue;
		for (int i = 0; i < advice->nstatements; i++)
			if (prunes(advice->statements[i]->access[t]) &&
				advice->statements[i]->access[c->col->attnum - 1] == ADVISE_EQUAL)
				share += advice->weight[i];
		if (share > *best_share)
		{
			*best_share = share;
			sub = c;
		}
	}
	return sub;
}

/*
 * Partitioning: a RANGE set on the best time column with LIST or HASH
 * sub-partitions on the column the workload most often filters on
 * together with it (partman's composite sets).  A statement that filters
 * on one of the two prunes one level of the two.
 */
static Candidate *
composite_candidate(const Advice *advice, List *singles)
{
	Candidate  *time = best_time_candidate(singles);
	Candidate  *sub;
	Candidate  *cand;
	double		best_share;
	double	   *served;
	int			t;
	int			s;
	double		nparts;

	if (time == NULL)
		return NULL;
	sub = best_sub_candidate(advice, singles, time, &best_share);
	if (sub == NULL || best_share < PAIR_MIN_SHARE)
		return NULL;

	cand = two_column_candidate(time->col, sub->col, 'r');
	cand->sub_strategy = sub->strategy;
	cand->interval = time->interval;
	cand->parts = sub->parts;
	cand->manage = time->manage;
	cand->dist = Min(time->dist, sub->dist);
	cand->dist_label = time->dist < sub->dist ? time->dist_label : sub->dist_label;
	t = time->col->attnum - 1;
	s = sub->col->attnum - 1;
	/* a statement that prunes one level is half served */
	served = palloc0(sizeof(double) * advice->nstatements);
	for (int i = 0; i < advice->nstatements; i++)
		served[i] = (prunes(advice->statements[i]->access[t]) ? 0.5 : 0) +
			(advice->statements[i]->access[s] == ADVISE_EQUAL ? 0.5 : 0);
	reason(cand, "a RANGE set on %s with %s sub-partitions on %s: %d%% of the workload "
		   "filters on both and reaches one sub-partition; a statement that filters on one "
		   "of them prunes one level only",
		   time->col->name, sub->strategy == 'l' ? "LIST" : "HASH", sub->col->name,
		   percent(best_share));
	if (sub->dist < time->dist)
		reason(cand, "distribution as %s's (%s)", sub->col->name, sub->dist_label);
	nparts = sub->parts;
	for (int i = 0; i < lengthof(ladder); i++)
		if (strcmp(ladder[i].name, time->interval) == 0)
			nparts *= ceil(DAYS_PER_YEAR * SECS_PER_DAY / ladder[i].seconds);
	reason(cand, "a second level to manage: about %s partitions a year (%d per range)",
		   about(nparts), sub->parts);
	if (nparts > MAX_PARTITIONS)
		cand->disqualified = true;
	return judge_two_columns(advice, cand, served);
}

/*
 * The two HASH-able candidates the largest share of the workload
 * (returned) restricts together by equality, the more useful first.
 */
static double
best_pair(const Advice *advice, List *singles, Candidate **first, Candidate **second)
{
	double		best_share = 0;
	ListCell   *la;
	ListCell   *lb;

	foreach(la, singles)
	{
		Candidate  *x = lfirst(la);

		if (!x->col->has_hash || x->disqualified)
			continue;
		for_each_cell(lb, singles, lnext(singles, la))
		{
			Candidate  *y = lfirst(lb);
			double		share = 0;

			if (!y->col->has_hash || y->disqualified)
				continue;
			for (int i = 0; i < advice->nstatements; i++)
				if (advice->statements[i]->access[x->col->attnum - 1] == ADVISE_EQUAL &&
					advice->statements[i]->access[y->col->attnum - 1] == ADVISE_EQUAL)
					share += advice->weight[i];
			if (share > best_share)
			{
				best_share = share;
				/* the more useful column first */
				*first = x->fit >= y->fit ? x : y;
				*second = x->fit >= y->fit ? y : x;
			}
		}
	}
	return best_share;
}

/*
 * Sharding: a HASH key of the two columns the workload most often
 * restricts together by equality.  Such a key routes only statements that
 * give both.
 */
static Candidate *
pair_candidate(const Advice *advice, List *singles)
{
	Candidate  *first = NULL;
	Candidate  *second = NULL;
	double		best_share = best_pair(advice, singles, &first, &second);
	Candidate  *cand;
	double	   *served;
	int			a;
	int			b;

	if (first == NULL || best_share < PAIR_MIN_SHARE)
		return NULL;

	cand = two_column_candidate(first->col, second->col, 'h');
	cand->parts = SHARD_COUNT;
	cand->dist = Max(first->dist, second->dist);
	cand->dist_label = first->dist >= second->dist ? first->dist_label : second->dist_label;
	a = first->col->attnum - 1;
	b = second->col->attnum - 1;
	/* a statement that does not give both reaches every shard */
	served = palloc0(sizeof(double) * advice->nstatements);
	for (int i = 0; i < advice->nstatements; i++)
		served[i] = advice->statements[i]->access[a] == ADVISE_EQUAL &&
			advice->statements[i]->access[b] == ADVISE_EQUAL ? 1 : 0;
	reason(cand, "HASH on both columns: %d%% of the workload gives both with = or IN and "
		   "reaches one shard; a statement that gives only one reaches every shard",
		   percent(best_share));
	return judge_two_columns(advice, cand, served);
}

static int
candidate_cmp(const ListCell *a, const ListCell *b)
{
	const Candidate *x = lfirst(a);
	const Candidate *y = lfirst(b);
	char	   *kx;
	char	   *ky;

	if (x->verdict != y->verdict)
		return x->verdict < y->verdict ? -1 : 1;
	if (rint(x->score * 100) != rint(y->score * 100))
		return x->score > y->score ? -1 : 1;
	kx = psprintf("%s,%s", x->col->name, x->col2 ? x->col2->name : "");
	ky = psprintf("%s,%s", y->col->name, y->col2 ? y->col2->name : "");
	return strcmp(kx, ky);
}

/* ---------------------------------------------------------------------
 * partman.advise_key(source regclass, purpose text)
 * ---------------------------------------------------------------------
 */

/* Statement weights: shares of calls and of total time (see the header). */
static void
weigh_statements(Advice *advice)
{
	double		calls = 0;
	double		time = 0;
	double		by_calls = advice->purpose == PURPOSE_SHARD ? 0.75 : 0.5;
	ListCell   *lc;
	int			i = 0;

	advice->nstatements = list_length(advice->workload.statements);
	advice->statements = palloc(sizeof(AdviseStatement *) * Max(advice->nstatements, 1));
	advice->weight = palloc0(sizeof(double) * Max(advice->nstatements, 1));
	foreach(lc, advice->workload.statements)
	{
		AdviseStatement *stmt = lfirst(lc);

		advice->statements[i++] = stmt;
		calls += stmt->calls;
		time += stmt->time_ms;
	}
	if (time <= 0)
		by_calls = 1;
	for (i = 0; i < advice->nstatements; i++)
	{
		AdviseStatement *stmt = advice->statements[i];

		advice->weight[i] = (calls > 0 ? by_calls * stmt->calls / calls : 0) +
			(time > 0 ? (1 - by_calls) * stmt->time_ms / time : 0);
	}
}

/* NOTICEs on what the workload could not tell. */
static void
report_workload(const Advice *advice)
{
	if (!advice->workload.known)
		ereport(NOTICE,
				(errmsg("query fit of table \"%s\" is unknown: %s",
						advice->table.name, advice->workload.unknown_reason),
				 errdetail("Candidates are ranked by their statistics alone."),
				 advice->workload.unknown_hint ? errhint("%s", advice->workload.unknown_hint) : 0));
	else if (advice->workload.hidden > 0)
		ereport(NOTICE,
				(errmsg("query fit of table \"%s\" counts only the statements you may see",
						advice->table.name),
				 errdetail_plural("pg_stat_statements hides the text of %d statement of other roles from you.",
								  "pg_stat_statements hides the texts of %d statements of other roles from you.",
								  advice->workload.hidden, advice->workload.hidden),
				 errhint("Call partman.advise_key as a member of pg_read_all_stats.")));
	if (advice->workload.not_analysed > 0)
		ereport(NOTICE,
				(errmsg_plural("%d recorded statement that mentions \"%s\" could not be analysed and is left out",
							   "%d recorded statements that mention \"%s\" could not be analysed and are left out",
							   advice->workload.not_analysed,
							   advice->workload.not_analysed, advice->table.name),
				 errdetail_plural("Its text no longer parses, or names objects that are gone or not on your search_path.",
								  "Their texts no longer parse, or name objects that are gone or not on your search_path.",
								  advice->workload.not_analysed)));
}

/* Every column judged, plus the best pair when the workload is known, best first. */
static List *
ranked_candidates(Advice *advice)
{
	List	   *candidates = NIL;
	ListCell   *lc;

	foreach(lc, advice->table.columns)
	{
		Candidate  *cand = judge_column(advice, lfirst(lc));

		if (cand != NULL)
			candidates = lappend(candidates, cand);
	}
	if (advice->workload.known)
	{
		Candidate  *pair = advice->purpose == PURPOSE_PARTITION ?
			composite_candidate(advice, candidates) :
			pair_candidate(advice, candidates);

		if (pair != NULL)
			candidates = lappend(candidates, pair);
	}
	list_sort(candidates, candidate_cmp);
	return candidates;
}

/* The result row of a candidate; the best one (first) says when the table is small. */
static AdviseRow *
candidate_row(const Advice *advice, Candidate *cand, bool first)
{
	AdviseRow  *row = palloc0(sizeof(AdviseRow));
	bool		shard = (advice->purpose == PURPOSE_SHARD);

	if (first && advice->table.rows < TARGET_ROWS)
		cand->reasons = lappend(cand->reasons,
								psprintf("\"%s\" holds about %s rows: %s pays off for much larger tables; this ranking is for when it grows",
										 advice->table.name, about(advice->table.rows),
										 shard ? "sharding" : "partitioning"));
	row->key = cand->col2 ?
		psprintf("%s, %s", partman_quote_name(cand->col->name),
				 partman_quote_name(cand->col2->name)) :
		pstrdup(partman_quote_name(cand->col->name));
	row->strategy = cand->sub_strategy ?
		psprintf("%s + %s", strategy_name(cand->strategy),
				 strategy_name(cand->sub_strategy)) :
		pstrdup(strategy_name(cand->strategy));
	row->interval = cand->interval;
	row->score = psprintf("%.2f", cand->score);
	row->distribution = cand->dist_label;
	if (advice->workload.known)
	{
		row->query_fit = psprintf("%s: fits %d%% of the workload",
								  cand->fit >= THRESHOLD_GOOD ? "good" :
								  cand->fit >= 0.3 ? "partial" : "poor",
								  percent(cand->fit));
		row->cross_partition = psprintf("%d%% of the workload %s",
										percent(cand->cross),
										shard ? "reaches every shard" :
										"scans every partition");
	}
	else
	{
		row->query_fit = "unknown";
		row->cross_partition = "unknown";
	}
	row->verdict = verdict_names[cand->verdict];
	row->reasons = cand->reasons;
	return row;
}

/*
 * partman_advise
 *		The candidate keys of table relid (checked by the caller: a table
 *		whose statistics the caller may read, locked ACCESS SHARE), best
 *		first, as AdviseRows, for partitioning, or sharding when shard.
 *		Reads pg_stats, the catalog and pg_stat_statements; never table data.
 *		Takes for a moment (in a subtransaction rolled back at once) the locks
 *		parse analysis of each recorded statement takes.
 */
List *
partman_advise(Oid relid, bool shard)
{
	Advice		advice;
	List	   *rows = NIL;
	ListCell   *lc;

	memset(&advice, 0, sizeof(advice));
	advice.purpose = shard ? PURPOSE_SHARD : PURPOSE_PARTITION;
	partman_advise_read_table(relid, &advice.table);
	partman_advise_read_workload(&advice.table, &advice.workload);
	report_workload(&advice);
	weigh_statements(&advice);
	foreach(lc, ranked_candidates(&advice))
		rows = lappend(rows, candidate_row(&advice, lfirst(lc), foreach_current_index(lc) == 0));
	return rows;
}
