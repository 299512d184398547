/*-------------------------------------------------------------------------
 *
 * bounds.c
 *	  The grid of RANGE partition bounds, and key values as text.
 *
 * A RANGE set's partitions are the cells of a grid: cell k covers
 * [bound(k), bound(k + 1)).  Every bound partman ever computes comes from
 * partman_grid_bound(), so a set's partitions never leave gaps or overlap.
 *
 * Time grids are laid out in local wall-clock time of the set's time zone:
 * months and days follow the calendar, so daily partitions across a DST
 * change are 23 or 25 hours long.  Wall-clock times are mapped to instants
 * (for timestamptz keys) only at the end, by wall_to_instant():
 *	- a wall time that happens twice (clocks go back) maps to its first
 *	  occurrence, so the repeated hour belongs to the partition named after it;
 *	- a wall time that never happens (clocks go forward) maps to the instant
 *	  of the transition, which makes cells that fall entirely in the gap
 *	  empty; partman skips them.
 * The session's TimeZone setting is never used.
 *
 * Time grids on keys that are not time types (integer keys holding Unix
 * epoch seconds or milliseconds, uuid keys holding UUIDv7 values) are the
 * grids of a timestamptz key: their instants are only written in the key's
 * form at the end (encode_instant), and key values read back as instants
 * (decode_instant).  A UUIDv7 bound is the UUID whose 48-bit big-endian
 * millisecond timestamp is the instant and whose other bits are zero, so
 * every UUIDv7 of that millisecond or later sorts at or after it.
 *
 *-------------------------------------------------------------------------
 */
#include "partman.h"

#include <ctype.h>

#include "catalog/pg_type.h"
#include "common/int.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/lsyscache.h"
#include "utils/numeric.h"
#include "utils/timestamp.h"
#include "utils/uuid.h"

/* seconds between the Unix epoch and PostgreSQL's 2000-01-01 epoch */
#define EPOCH_DIFF_SECS \
	((pg_time_t) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * SECS_PER_DAY)

/* the largest 48-bit millisecond timestamp of a UUIDv7 */
#define UUIDV7_MAX_MS		((INT64CONST(1) << 48) - 1)

/* 2000-01-03 was a Monday: weekly cells start on Mondays */
#define FIRST_MONDAY_DAY	2

/*
 * Time cells start between January 1st of these years: well inside what
 * PostgreSQL's timestamps hold, so a cell's bounds never overflow, in any
 * zone.  partman_grid_span() derives the first and last cell from them.
 */
#define GRID_FIRST_YEAR		(-4000)
#define GRID_LAST_YEAR		200000

static int64
floor_div(int64 a, int64 b)
{
	int64		q = a / b;

	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

static bool
is_time_type(Oid typid)
{
	return typid == TIMESTAMPTZOID || typid == TIMESTAMPOID || typid == DATEOID;
}

static bool
is_integer_type(Oid typid)
{
	return typid == INT2OID || typid == INT4OID || typid == INT8OID ||
		typid == NUMERICOID;
}

static void
bound_out_of_range(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
			 errmsg("partition bound out of range")));
}

/* ---------------------------------------------------------------------
 * Wall-clock time <-> instants
 * ---------------------------------------------------------------------
 */

/* The local wall-clock time in tz at instant t. */
static Timestamp
instant_to_wall(TimestampTz t, pg_tz *tz)
{
	struct pg_tm tm;
	fsec_t		fsec;
	int			tzoff;
	Timestamp	wall;

	if (timestamp2tm(t, &tzoff, &tm, &fsec, NULL, tz) != 0 ||
		tm2timestamp(&tm, fsec, NULL, &wall) != 0)
		bound_out_of_range();
	return wall;
}

/*
 * wall_to_instant
 *		The first instant whose wall-clock time in tz is wall, or the instant
 *		of the transition when wall falls into a gap (clocks going forward).
 *
 * Walks the zone's UTC-offset segments from two days before; each segment
 * [start, boundary) has one offset.
 */
static TimestampTz
wall_to_instant(Timestamp wall, pg_tz *tz)
{
	pg_time_t	from = (pg_time_t) floor_div(wall, USECS_PER_SEC) +
		EPOCH_DIFF_SECS - 2 * SECS_PER_DAY;

	for (int i = 0; i < 16; i++)
	{
		long int	before_off;
		long int	after_off;
		int			before_dst;
		int			after_dst;
		pg_time_t	boundary;
		TimestampTz candidate;
		TimestampTz transition;
		int			found;

		found = pg_next_dst_boundary(&from, &before_off, &before_dst,
									 &boundary, &after_off, &after_dst, tz);
		candidate = wall - (int64) before_off * USECS_PER_SEC;
		if (found != 1)
			return candidate;
		transition = time_t_to_timestamptz(boundary);
		if (candidate < transition)
			return candidate;
		/* in the next segment's offset it would come before that segment */
		if (wall - (int64) after_off * USECS_PER_SEC < transition)
			return transition;
		from = boundary;
	}
	elog(ERROR, "could not map wall-clock time to an instant");
	return 0;					/* keep compiler quiet */
}

/* ---------------------------------------------------------------------
 * Instants in keys that are not time types
 * ---------------------------------------------------------------------
 */

/*
 * integer_datum
 *		value as a Datum of integer key type typid (a bound out of the
 *		type's range is an error).
 */
static Datum
integer_datum(Oid typid, int64 value)
{
	switch (typid)
	{
		case INT2OID:
			if (value < PG_INT16_MIN || value > PG_INT16_MAX)
				bound_out_of_range();
			return Int16GetDatum((int16) value);
		case INT4OID:
			if (value < PG_INT32_MIN || value > PG_INT32_MAX)
				bound_out_of_range();
			return Int32GetDatum((int32) value);
		case INT8OID:
			return Int64GetDatum(value);
		case NUMERICOID:
			return NumericGetDatum(int64_to_numeric(value));
	}
	elog(ERROR, "unsupported key type %u", typid);
	return (Datum) 0;
}

/* Key units (seconds or milliseconds) per microsecond divisor. */
static int64
encoding_scale(const RangeGrid *grid)
{
	return grid->encoding == TIME_EPOCH_SECONDS ? USECS_PER_SEC : 1000;
}

/*
 * encode_instant
 *		Instant t as a value of the key: epoch seconds or milliseconds
 *		(rounded down), or the UUIDv7 of its millisecond with all other bits
 *		zero.
 */
static Datum
encode_instant(const RangeGrid *grid, TimestampTz t)
{
	int64		scale = encoding_scale(grid);
	int64		units = floor_div(t, scale) + EPOCH_DIFF_SECS * (USECS_PER_SEC / scale);

	switch (grid->keytype)
	{
		case UUIDOID:
			{
				pg_uuid_t  *uuid = palloc0(sizeof(pg_uuid_t));

				if (units < 0 || units > UUIDV7_MAX_MS)
					bound_out_of_range();
				for (int i = 0; i < 6; i++)
					uuid->data[i] = (unsigned char) (units >> (8 * (5 - i)));
				return UUIDPGetDatum(uuid);
			}
	}
	return integer_datum(grid->keytype, units);
}

/*
 * partman_uuid7_floor
 *		The smallest UUIDv7 of instant t's millisecond (all bits after the
 *		timestamp zero): the bound a UUIDv7 set's partition starting at t
 *		has, and what a query compares such a key with to select by time.
 */
Datum
partman_uuid7_floor(TimestampTz t)
{
	RangeGrid	grid;
	int64		ms = floor_div(t, 1000) + EPOCH_DIFF_SECS * 1000;

	if (TIMESTAMP_NOT_FINITE(t) || ms < 0 || ms > UUIDV7_MAX_MS)
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("a UUIDv7 holds times from 1970-01-01 00:00 UTC to the year 10889 only")));
	memset(&grid, 0, sizeof(grid));
	grid.keytype = UUIDOID;
	grid.encoding = TIME_UUIDV7;
	return encode_instant(&grid, t);
}

/*
 * decode_instant
 *		The instant a key value holds: the start of its second or millisecond
 *		(so it lies in the same cell as the value), ERROR when it is not a
 *		timestamp PostgreSQL can hold.
 */
static TimestampTz
decode_instant(const RangeGrid *grid, Datum value)
{
	int64		scale = encoding_scale(grid);
	int64		units = 0;
	TimestampTz t;

	switch (grid->keytype)
	{
		case UUIDOID:
			{
				pg_uuid_t  *uuid = DatumGetUUIDP(value);

				for (int i = 0; i < 6; i++)
					units = (units << 8) | uuid->data[i];
				break;
			}
		case INT4OID:
			units = DatumGetInt32(value);
			break;
		case INT8OID:
			units = DatumGetInt64(value);
			break;
		case NUMERICOID:
			{
				Numeric		num = DatumGetNumeric(value);

				if (numeric_is_nan(num) || numeric_is_inf(num))
					bound_out_of_range();
				units = DatumGetInt64(DirectFunctionCall1(numeric_int8,
														  DirectFunctionCall1(numeric_floor, value)));
				break;
			}
		default:
			elog(ERROR, "unsupported key type %u", grid->keytype);
	}
	if (pg_sub_s64_overflow(units, EPOCH_DIFF_SECS * (USECS_PER_SEC / scale), &units) ||
		pg_mul_s64_overflow(units, scale, &t) || !IS_VALID_TIMESTAMP(t))
		bound_out_of_range();
	return t;
}

/*
 * The instants the key can write, as [*min, *max]: UUIDv7 timestamps start
 * at the Unix epoch and end 2^48 milliseconds later; an integer holds epoch
 * seconds from 1901 to 2038; bigint and numeric hold every timestamp.
 * Returns false when the key holds every timestamp.
 */
static bool
encoding_limits(const RangeGrid *grid, TimestampTz *min, TimestampTz *max)
{
	int64		scale = encoding_scale(grid);
	int64		shift = EPOCH_DIFF_SECS * (USECS_PER_SEC / scale);

	switch (grid->keytype)
	{
		case UUIDOID:
			*min = (0 - shift) * scale;
			*max = (UUIDV7_MAX_MS - shift) * scale;
			return true;
		case INT4OID:
			*min = ((int64) PG_INT32_MIN - shift) * scale;
			*max = ((int64) PG_INT32_MAX - shift) * scale;
			return true;
	}
	return false;
}

/*
 * time_encoding
 *		How a key writes a time grid's instants: uuid keys hold UUIDv7 values;
 *		epoch ('seconds' | 'milliseconds', or NULL) applies to integer keys
 *		wide enough to hold it.
 */
static TimeEncoding
time_encoding(const PartmanKey *key, const char *epoch)
{
	bool		ms;

	if (epoch == NULL)
		return key->typid == UUIDOID ? TIME_UUIDV7 : TIME_NATIVE;
	if (strcmp(epoch, "seconds") != 0 && strcmp(epoch, "milliseconds") != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid epoch \"%s\"", epoch),
				 errhint("Use 'seconds' or 'milliseconds'.")));
	ms = strcmp(epoch, "milliseconds") == 0;
	if (key->typid == INT8OID || key->typid == NUMERICOID ||
		(key->typid == INT4OID && !ms))
		return ms ? TIME_EPOCH_MILLISECONDS : TIME_EPOCH_SECONDS;
	if (key->typid == INT2OID || key->typid == INT4OID)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("epoch \"%s\" does not fit partition key column \"%s\" of type %s",
						epoch, key->attname, format_type_be(key->typid)),
				 errdetail("Type %s holds Unix epoch %s for less than %s.",
						   format_type_be(key->typid), epoch,
						   key->typid == INT2OID ? "a day" : "a month"),
				 errhint("Use a bigint key.")));
	ereport(ERROR,
			(errcode(ERRCODE_DATATYPE_MISMATCH),
			 errmsg("epoch applies only to integer keys, and partition key column \"%s\" is of type %s",
					key->attname, format_type_be(key->typid)),
			 errhint("%s", key->typid == UUIDOID ?
					 "A uuid key holds UUIDv7 values: omit epoch." :
					 "Omit epoch for a key of a time type.")));
	return TIME_NATIVE;			/* keep compiler quiet */
}

/* ---------------------------------------------------------------------
 * Parsing intervals and zones
 * ---------------------------------------------------------------------
 */

pg_tz *
partman_lookup_zone(const char *time_zone)
{
	pg_tz	   *tz;

	if (time_zone == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("time_zone must not be null")));
	tz = pg_tzset(time_zone);
	if (tz == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("time zone \"%s\" is not recognized", time_zone),
				 errhint("Use a name from pg_timezone_names, such as 'UTC' or 'Europe/Berlin'.")));
	return tz;
}

/* pg_partman's interval words, accepted to ease migration. */
static const char *
interval_alias(const char *interval)
{
	static const char *const aliases[][2] = {
		{"yearly", "1 year"}, {"quarterly", "3 months"}, {"monthly", "1 month"},
		{"weekly", "1 week"}, {"daily", "1 day"}, {"hourly", "1 hour"},
	};

	for (int i = 0; i < lengthof(aliases); i++)
		if (pg_strcasecmp(interval, aliases[i][0]) == 0)
			return aliases[i][1];
	return interval;
}

static bool
looks_like_integer(const char *s)
{
	while (isspace((unsigned char) *s))
		s++;
	if (*s == '+' || *s == '-')
		s++;
	if (!isdigit((unsigned char) *s))
		return false;
	while (isdigit((unsigned char) *s))
		s++;
	while (isspace((unsigned char) *s))
		s++;
	return *s == '\0';
}

static void
interval_mismatch(const PartmanKey *key, const char *interval, const char *hint)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("interval \"%s\" does not fit partition key column \"%s\" of type %s",
					interval, key->attname, format_type_be(key->typid)),
			 errhint("%s", hint)));
}

static void
parse_integer_grid(const PartmanKey *key, const char *interval, RangeGrid *grid)
{
	char	   *end;
	int64		width;

	if (!looks_like_integer(interval))
		interval_mismatch(key, interval,
						  "For an integer key, give a partition width such as '100000'.");
	errno = 0;
	width = strtoi64(interval, &end, 10);
	if (errno != 0 || width <= 0 ||
		(key->typid == INT2OID && width > PG_INT16_MAX) ||
		(key->typid == INT4OID && width > PG_INT32_MAX))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("partition width %s is out of range for type %s",
						interval, format_type_be(key->typid)),
				 errhint("Give a positive width that fits the key type.")));
	grid->kind = GRID_INTEGER;
	grid->step = width;
}

static void
parse_time_grid(const PartmanKey *key, const char *interval, RangeGrid *grid)
{
	const char *text = interval_alias(interval);
	Interval   *iv;

	if (looks_like_integer(text))
		interval_mismatch(key, interval,
						  grid->encoding == TIME_UUIDV7 ?
						  "A uuid key holds UUIDv7 values, partitioned by time: give an interval such as '1 day', '1 month' or '15 minutes'." :
						  grid->encoding != TIME_NATIVE ?
						  "A key holding epoch time is partitioned by time: give an interval such as '1 day', '1 month' or '15 minutes'." :
						  "For a time key, give an interval such as '1 day', '1 month' or '15 minutes'.");
	iv = DatumGetIntervalP(DirectFunctionCall3(interval_in,
											   CStringGetDatum(text),
											   ObjectIdGetDatum(InvalidOid),
											   Int32GetDatum(-1)));
	if (iv->month > 0 && iv->day == 0 && iv->time == 0)
	{
		grid->kind = GRID_MONTHS;
		grid->step = iv->month;
	}
	else if (iv->month == 0 && iv->day > 0 && iv->time == 0)
	{
		grid->kind = GRID_DAYS;
		grid->step = iv->day;
	}
	else if (iv->month == 0 && iv->day == 0 && iv->time > 0 &&
			 iv->time < USECS_PER_DAY)
	{
		if (key->typid == DATEOID)
			interval_mismatch(key, interval,
							  "Partitions of a date key span at least '1 day'.");
		if (iv->time % USECS_PER_MINUTE != 0 || USECS_PER_DAY % iv->time != 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("interval \"%s\" does not divide a day into whole minutes",
							interval),
					 errhint("Use an interval such as '15 minutes', '1 hour' or '6 hours'.")));
		grid->kind = GRID_WALLCLOCK;
		grid->step = iv->time;
	}
	else
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("interval \"%s\" is not a supported partition interval", interval),
				 errdetail("An interval must be positive and made of one unit: months (or years), days (or weeks), or a part of a day."),
				 errhint("Use an interval such as '1 hour', '1 day', '1 week', '1 month', '3 months' or '1 year'.")));
	if (grid->step > 12 * 1000 && grid->kind != GRID_WALLCLOCK)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("interval \"%s\" is too large", interval)));
}

/*
 * partman_parse_grid
 *		Build the grid of a RANGE set from its key, interval, time zone and
 *		epoch (NULL unless an integer key holds epoch time), or raise an
 *		ERROR that says what does not fit.
 */
void
partman_parse_grid(const PartmanKey *key, const char *interval,
				   const char *time_zone, const char *epoch, RangeGrid *grid)
{
	memset(grid, 0, sizeof(*grid));
	grid->keytype = key->typid;
	grid->tz = partman_lookup_zone(time_zone);

	if (!is_time_type(key->typid) && !is_integer_type(key->typid) &&
		key->typid != UUIDOID)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("RANGE sets on type %s are not supported",
						format_type_be(key->typid)),
				 errdetail("partman makes RANGE partitions on timestamptz, timestamp, date, smallint, integer, bigint, numeric and uuid (UUIDv7) keys.")));
	grid->encoding = time_encoding(key, epoch);
	if (interval == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("a RANGE set needs an interval"),
				 errhint("Pass \"interval\" => '1 day' for a time key or '100000' for an integer key.")));

	if (is_integer_type(key->typid) && grid->encoding == TIME_NATIVE)
		parse_integer_grid(key, interval, grid);
	else
		parse_time_grid(key, interval, grid);
}

/* ---------------------------------------------------------------------
 * Cells
 * ---------------------------------------------------------------------
 */

/* Wall-clock midnight of January 1st of year. */
static Timestamp
year_wall(int year)
{
	return (Timestamp) (date2j(year, 1, 1) - POSTGRES_EPOCH_JDATE) * USECS_PER_DAY;
}

/* Wall-clock start of time cell k. */
static Timestamp
cell_wall(const RangeGrid *grid, int64 cell)
{
	int64		units;
	Timestamp	wall;

	if (pg_mul_s64_overflow(cell, grid->step, &units))
		bound_out_of_range();
	switch (grid->kind)
	{
		case GRID_MONTHS:
			{
				struct pg_tm tm;
				int64		year = floor_div(units, MONTHS_PER_YEAR);

				if (year < GRID_FIRST_YEAR || year > GRID_LAST_YEAR)
					bound_out_of_range();
				memset(&tm, 0, sizeof(tm));
				tm.tm_year = (int) year;
				tm.tm_mon = (int) (units - year * MONTHS_PER_YEAR) + 1;
				tm.tm_mday = 1;
				if (tm2timestamp(&tm, 0, NULL, &wall) != 0)
					bound_out_of_range();
				break;
			}
		case GRID_DAYS:
			if (grid->step % 7 == 0)
				units += FIRST_MONDAY_DAY;
			if (pg_mul_s64_overflow(units, USECS_PER_DAY, &wall))
				bound_out_of_range();
			break;
		case GRID_WALLCLOCK:
			wall = units;
			break;
		default:
			elog(ERROR, "not a time grid");
			return 0;
	}
	if (wall < year_wall(GRID_FIRST_YEAR) || wall > year_wall(GRID_LAST_YEAR))
		bound_out_of_range();
	return wall;
}

/* The cell whose wall-clock span contains wall (exact for wall-clock keys). */
static int64
wall_cell(const RangeGrid *grid, Timestamp wall)
{
	switch (grid->kind)
	{
		case GRID_MONTHS:
			{
				struct pg_tm tm;
				fsec_t		fsec;

				if (timestamp2tm(wall, NULL, &tm, &fsec, NULL, NULL) != 0)
					bound_out_of_range();
				return floor_div((int64) tm.tm_year * MONTHS_PER_YEAR + tm.tm_mon - 1,
								 grid->step);
			}
		case GRID_DAYS:
			{
				int64		day = floor_div(wall, USECS_PER_DAY);

				if (grid->step % 7 == 0)
					day -= FIRST_MONDAY_DAY;
				return floor_div(day, grid->step);
			}
		case GRID_WALLCLOCK:
			return floor_div(wall, grid->step);
		case GRID_INTEGER:
			break;
	}
	elog(ERROR, "not a time grid");
	return 0;
}

/* The instant cell k starts (time grids of instants). */
static TimestampTz
cell_instant(const RangeGrid *grid, int64 cell)
{
	return wall_to_instant(cell_wall(grid, cell), grid->tz);
}

/* The cell that holds instant t (time grids of instants). */
static int64
instant_cell(const RangeGrid *grid, TimestampTz t)
{
	int64		cell = wall_cell(grid, instant_to_wall(t, grid->tz));

	/* the wall-clock guess can be one cell off around DST changes */
	while (cell_instant(grid, cell + 1) <= t)
		cell++;
	while (cell_instant(grid, cell) > t)
		cell--;
	return cell;
}

/*
 * partman_grid_bound
 *		The lower bound of cell k (and so the upper bound of cell k - 1), as a
 *		Datum of the key type.
 */
Datum
partman_grid_bound(const RangeGrid *grid, int64 cell)
{
	int64		value;

	if (grid->encoding != TIME_NATIVE)
		return encode_instant(grid, wall_to_instant(cell_wall(grid, cell), grid->tz));
	switch (grid->keytype)
	{
		case TIMESTAMPTZOID:
			return TimestampTzGetDatum(wall_to_instant(cell_wall(grid, cell), grid->tz));
		case TIMESTAMPOID:
			return TimestampGetDatum(cell_wall(grid, cell));
		case DATEOID:
			{
				int64		day = floor_div(cell_wall(grid, cell), USECS_PER_DAY);

				if (day < PG_INT32_MIN || day > PG_INT32_MAX)
					bound_out_of_range();
				return DateADTGetDatum((DateADT) day);
			}
	}

	if (pg_mul_s64_overflow(cell, grid->step, &value))
		bound_out_of_range();
	return integer_datum(grid->keytype, value);
}

/*
 * partman_grid_span
 *		The first and the last cell partman can make: their bounds fit the key
 *		type (integer grids) or lie between GRID_FIRST_YEAR and GRID_LAST_YEAR
 *		(time grids).  Key values from bound(first) up to, not including,
 *		bound(last + 1) have a cell; NULL, infinite, NaN and farther values
 *		have none.
 */
void
partman_grid_span(const RangeGrid *grid, int64 *first, int64 *last)
{
	int64		min;
	int64		max;

	if (grid->kind != GRID_INTEGER)
	{
		TimestampTz lo;
		TimestampTz hi;

		/* the cells that start from the first year up to the last one */
		*first = wall_cell(grid, year_wall(GRID_FIRST_YEAR) - 1) + 1;
		*last = wall_cell(grid, year_wall(GRID_LAST_YEAR)) - 1;
		/* and whose bounds the key can write */
		if (grid->encoding != TIME_NATIVE && encoding_limits(grid, &lo, &hi))
		{
			*first = Max(*first, instant_cell(grid, lo) + 1);
			*last = Min(*last, instant_cell(grid, hi) - 1);
		}
		return;
	}
	switch (grid->keytype)
	{
		case INT2OID:
			min = PG_INT16_MIN;
			max = PG_INT16_MAX;
			break;
		case INT4OID:
			min = PG_INT32_MIN;
			max = PG_INT32_MAX;
			break;
		default:
			/* bigint, and numeric: its cells are counted in int64 too */
			min = PG_INT64_MIN;
			max = PG_INT64_MAX;
			break;
	}
	/* C division truncates toward zero: up for min, down for max */
	*first = min / grid->step;
	*last = max / grid->step - 1;
}

/* True when cell k lies entirely in a DST gap (its bounds coincide). */
bool
partman_grid_cell_empty(const RangeGrid *grid, int64 cell)
{
	if (grid->keytype != TIMESTAMPTZOID && grid->encoding == TIME_NATIVE)
		return false;
	return cell_instant(grid, cell) == cell_instant(grid, cell + 1);
}

/* The cell that holds a key value. */
int64
partman_grid_cell_of(const RangeGrid *grid, Datum value)
{
	if (grid->encoding != TIME_NATIVE)
		return instant_cell(grid, decode_instant(grid, value));
	switch (grid->keytype)
	{
		case TIMESTAMPTZOID:
			return instant_cell(grid, DatumGetTimestampTz(value));
		case TIMESTAMPOID:
			return wall_cell(grid, DatumGetTimestamp(value));
		case DATEOID:
			{
				Timestamp	wall;

				/* infinite and very late dates have no wall-clock time */
				if (pg_mul_s64_overflow(DatumGetDateADT(value), USECS_PER_DAY, &wall))
					bound_out_of_range();
				return wall_cell(grid, wall);
			}
		case INT2OID:
			return floor_div(DatumGetInt16(value), grid->step);
		case INT4OID:
			return floor_div(DatumGetInt32(value), grid->step);
		case INT8OID:
			return floor_div(DatumGetInt64(value), grid->step);
		case NUMERICOID:
			{
				Datum		floored = DirectFunctionCall1(numeric_floor, value);

				return floor_div(DatumGetInt64(DirectFunctionCall1(numeric_int8, floored)),
								 grid->step);
			}
	}
	elog(ERROR, "unsupported key type %u", grid->keytype);
	return 0;
}

/* The cell that holds partman's "now" (time grids only). */
int64
partman_grid_now_cell(const RangeGrid *grid)
{
	TimestampTz now = partman_now();
	Timestamp	wall;

	if (grid->encoding != TIME_NATIVE)
		return instant_cell(grid, now);
	switch (grid->keytype)
	{
		case TIMESTAMPTZOID:
			return partman_grid_cell_of(grid, TimestampTzGetDatum(now));
		case TIMESTAMPOID:
		case DATEOID:
			/* a zoneless key holds wall-clock values of the set's zone */
			wall = instant_to_wall(now, grid->tz);
			return wall_cell(grid, wall);
	}
	elog(ERROR, "not a time grid");
	return 0;
}

/*
 * partman_grid_suffix
 *		The name suffix of cell k, from its wall-clock start (SPEC section 6):
 *		YYYY, YYYYMM, YYYYMMDD, YYYYMMDD_HH24, YYYYMMDD_HH24MI, or the lower
 *		bound of an integer cell ("m" for a minus sign).
 */
char *
partman_grid_suffix(const RangeGrid *grid, int64 cell)
{
	struct pg_tm tm;
	fsec_t		fsec;
	int64		lower;

	if (grid->kind == GRID_INTEGER)
	{
		if (pg_mul_s64_overflow(cell, grid->step, &lower))
			bound_out_of_range();
		if (lower < 0)
			return psprintf("m" UINT64_FORMAT, (uint64) (-(lower + 1)) + 1);
		return psprintf(INT64_FORMAT, lower);
	}

	if (timestamp2tm(cell_wall(grid, cell), NULL, &tm, &fsec, NULL, NULL) != 0)
		bound_out_of_range();
	switch (grid->kind)
	{
		case GRID_MONTHS:
			if (grid->step % MONTHS_PER_YEAR == 0)
				return psprintf("%04d", tm.tm_year);
			return psprintf("%04d%02d", tm.tm_year, tm.tm_mon);
		case GRID_DAYS:
			return psprintf("%04d%02d%02d", tm.tm_year, tm.tm_mon, tm.tm_mday);
		case GRID_WALLCLOCK:
			if (grid->step % USECS_PER_HOUR == 0)
				return psprintf("%04d%02d%02d_%02d", tm.tm_year, tm.tm_mon,
								tm.tm_mday, tm.tm_hour);
			return psprintf("%04d%02d%02d_%02d%02d", tm.tm_year, tm.tm_mon,
							tm.tm_mday, tm.tm_hour, tm.tm_min);
		case GRID_INTEGER:
			break;
	}
	return NULL;
}

/* ---------------------------------------------------------------------
 * Values as text
 * ---------------------------------------------------------------------
 */

/*
 * partman_bound_literal
 *		A bound as an ISO 8601 literal (UTC for timestamptz) that reads back
 *		the same whatever the session's DateStyle and TimeZone are.
 */
char *
partman_bound_literal(Oid typid, Datum value)
{
	char		buf[MAXDATELEN + 1];
	struct pg_tm tm;
	fsec_t		fsec;

	switch (typid)
	{
		case TIMESTAMPTZOID:
		case TIMESTAMPOID:
			if (timestamp2tm(DatumGetTimestamp(value), NULL, &tm, &fsec, NULL, NULL) != 0)
				bound_out_of_range();
			/* tm_isdst < 0 would make EncodeDateTime drop the "+00" */
			tm.tm_isdst = 0;
			EncodeDateTime(&tm, fsec, typid == TIMESTAMPTZOID, 0, NULL, USE_ISO_DATES, buf);
			return pstrdup(buf);
		case DATEOID:
			j2date(DatumGetDateADT(value) + POSTGRES_EPOCH_JDATE,
				   &tm.tm_year, &tm.tm_mon, &tm.tm_mday);
			EncodeDateOnly(&tm, USE_ISO_DATES, buf);
			return pstrdup(buf);
	}
	return partman_value_to_text(typid, value);
}

/* A value in the key type's usual output form (session settings apply). */
char *
partman_value_to_text(Oid typid, Datum value)
{
	Oid			outfunc;
	bool		varlena;

	getTypeOutputInfo(typid, &outfunc, &varlena);
	return OidOutputFunctionCall(outfunc, value);
}

/*
 * partman_int_value
 *		The value of an int2, int4 or int8 Datum in *result; false for other
 *		types.
 */
bool
partman_int_value(Oid typid, Datum value, int64 *result)
{
	switch (typid)
	{
		case INT2OID:
			*result = DatumGetInt16(value);
			return true;
		case INT4OID:
			*result = DatumGetInt32(value);
			return true;
		case INT8OID:
			*result = DatumGetInt64(value);
			return true;
	}
	return false;
}

/*
 * partman_value_from_text
 *		Parse text as a value of the key type.  A timestamptz written without
 *		an offset is read in zone (when not NULL), not in the session's zone.
 *		what names the argument in errors.  Infinite values are rejected.
 */
Datum
partman_value_from_text(const PartmanKey *key, const char *text, pg_tz *zone,
						const char *what)
{
	Oid			infunc;
	Oid			ioparam;
	Datum		value;
	bool		finite = true;
	pg_tz	   *save_tz = session_timezone;

	getTypeInputInfo(key->typid, &infunc, &ioparam);
	if (zone != NULL && key->typid == TIMESTAMPTZOID)
		session_timezone = zone;
	PG_TRY();
	{
		value = OidInputFunctionCall(infunc, unconstify(char *, text),
									 ioparam, key->typmod);
	}
	PG_FINALLY();
	{
		session_timezone = save_tz;
	}
	PG_END_TRY();

	switch (key->typid)
	{
		case TIMESTAMPTZOID:
		case TIMESTAMPOID:
			finite = !TIMESTAMP_NOT_FINITE(DatumGetTimestamp(value));
			break;
		case DATEOID:
			finite = !DATE_NOT_FINITE(DatumGetDateADT(value));
			break;
		case NUMERICOID:
			finite = !numeric_is_nan(DatumGetNumeric(value)) &&
				!numeric_is_inf(DatumGetNumeric(value));
			break;
	}
	if (!finite)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s \"%s\" is not a finite value", what, text),
				 errhint("Give a finite value of type %s.", format_type_be(key->typid))));
	return value;
}

/*
 * partman_written_as_time
 *		Whether text is a time given for a key of grid that holds times in
 *		another type (UUIDv7, epoch numbers): an ISO date (YYYY-MM-DD) at the
 *		start, which neither a uuid nor an integer starts with.
 */
bool
partman_written_as_time(const RangeGrid *grid, const char *text)
{
	if (grid == NULL || grid->encoding == TIME_NATIVE)
		return false;
	while (*text == ' ')
		text++;
	for (int i = 0; i < 10; i++)
	{
		bool		dash = (i == 4 || i == 7);

		if (text[i] == '\0' || (dash ? text[i] != '-' : !isdigit((unsigned char) text[i])))
			return false;
	}
	return true;
}

/*
 * partman_grid_value_from_text
 *		As partman_value_from_text, and for a set by time on a key that is
 *		not a time type (UUIDv7, epoch seconds or milliseconds; grid NULL or
 *		of another kind otherwise), a time written as an ISO date and time
 *		too: read in zone and written as the key's value of that instant (the
 *		UUIDv7 of its millisecond with other bits zero, the epoch number
 *		rounded down), so users need not compute keys by hand.
 */
Datum
partman_grid_value_from_text(const PartmanKey *key, const RangeGrid *grid, const char *text,
							 pg_tz *zone, const char *what)
{
	PartmanKey	time_key;

	if (!partman_written_as_time(grid, text))
		return partman_value_from_text(key, text, zone, what);
	time_key = *key;
	time_key.typid = TIMESTAMPTZOID;
	time_key.typmod = -1;
	return encode_instant(grid, DatumGetTimestampTz(partman_value_from_text(&time_key, text,
																			 zone, what)));
}

/*
 * partman_value_suffix
 *		A key value as a name suffix: YYYYMMDD (plus _HH24MI when not at
 *		midnight) for time keys, in zone for timestamptz (UTC when NULL); the
 *		number for integer keys ("m" for a minus sign, "_" for a decimal
 *		point); otherwise the value's text with other characters as "_".
 */
char *
partman_value_suffix(const PartmanKey *key, Datum value, pg_tz *zone)
{
	struct pg_tm tm;
	fsec_t		fsec;
	Timestamp	wall;
	char	   *text;

	switch (key->typid)
	{
		case TIMESTAMPTZOID:
			wall = zone ? instant_to_wall(DatumGetTimestampTz(value), zone) :
				DatumGetTimestamp(value);
			break;
		case TIMESTAMPOID:
			wall = DatumGetTimestamp(value);
			break;
		case DATEOID:
			wall = (Timestamp) DatumGetDateADT(value) * USECS_PER_DAY;
			break;
		default:
			text = pstrdup(partman_value_to_text(key->typid, value));
			if (text[0] == '-')
				text[0] = 'm';
			for (char *c = text; *c; c++)
				if (!isalnum((unsigned char) *c) && !IS_HIGHBIT_SET(*c))
					*c = '_';
			return text;
	}
	if (timestamp2tm(wall, NULL, &tm, &fsec, NULL, NULL) != 0)
		bound_out_of_range();
	if (tm.tm_hour == 0 && tm.tm_min == 0)
		return psprintf("%04d%02d%02d", tm.tm_year, tm.tm_mon, tm.tm_mday);
	return psprintf("%04d%02d%02d_%02d%02d", tm.tm_year, tm.tm_mon, tm.tm_mday,
					tm.tm_hour, tm.tm_min);
}

/*
 * partman_time_threshold
 *		now - retention, as a value of the (time) key's type: calendar units
 *		are subtracted in the set's zone, so '1 month' means a calendar month
 *		there.  Partitions whose upper bound is at or before it are expired.
 */
Datum
partman_time_threshold(const RangeGrid *grid, const char *retention)
{
	Datum		iv = DirectFunctionCall3(interval_in, CStringGetDatum(retention),
										 ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1));
	TimestampTz now = partman_now();
	Timestamp	wall;

	switch (grid->encoding != TIME_NATIVE ? TIMESTAMPTZOID : grid->keytype)
	{
		case TIMESTAMPTZOID:
			{
				pg_tz	   *save_tz = session_timezone;
				Datum		result;

				session_timezone = grid->tz;
				PG_TRY();
				{
					result = DirectFunctionCall2(timestamptz_mi_interval,
												 TimestampTzGetDatum(now), iv);
				}
				PG_FINALLY();
				{
					session_timezone = save_tz;
				}
				PG_END_TRY();
				/* rounded down, so no partition expires early */
				if (grid->encoding != TIME_NATIVE)
					return encode_instant(grid, DatumGetTimestampTz(result));
				return result;
			}
		case TIMESTAMPOID:
		case DATEOID:
			wall = DatumGetTimestamp(DirectFunctionCall2(timestamp_mi_interval,
														 TimestampGetDatum(instant_to_wall(now, grid->tz)),
														 iv));
			if (grid->keytype == TIMESTAMPOID)
				return TimestampGetDatum(wall);
			/* a date upper bound d is at or before wall when d <= floor(wall) */
			return DateADTGetDatum((DateADT) floor_div(wall, USECS_PER_DAY));
	}
	elog(ERROR, "not a time grid");
	return (Datum) 0;
}

/* newest - retention for an integer set, as a value of the key type. */
Datum
partman_integer_threshold(const RangeGrid *grid, Datum newest, const char *retention)
{
	int64		width = strtoi64(retention, NULL, 10);
	int64		value;

	switch (grid->keytype)
	{
		case INT2OID:
			return Int16GetDatum((int16) Max(PG_INT16_MIN, (int64) DatumGetInt16(newest) - width));
		case INT4OID:
			return Int32GetDatum((int32) Max(PG_INT32_MIN, (int64) DatumGetInt32(newest) - width));
		case INT8OID:
			if (pg_sub_s64_overflow(DatumGetInt64(newest), width, &value))
				value = PG_INT64_MIN;
			return Int64GetDatum(value);
		case NUMERICOID:
			return DirectFunctionCall2(numeric_sub, newest,
									   NumericGetDatum(int64_to_numeric(width)));
	}
	elog(ERROR, "not an integer grid");
	return (Datum) 0;
}
