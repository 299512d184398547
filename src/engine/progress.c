/*-------------------------------------------------------------------------
 *
 * progress.c
 *	  The progress figures of the long operations (partition_data,
 *	  partition_table, split_partition_online, composite create_parent):
 *	  rows per second and the time left, formatted in one place so that
 *	  every NOTICE reads the same.  The NOTICEs themselves are the callers';
 *	  client_min_messages = warning silences them.
 *
 *-------------------------------------------------------------------------
 */
#include "partman.h"

#include "lib/stringinfo.h"
#include "utils/timestamp.h"

/*
 * partman_progress_start
 *		Begin counting: total is the number of rows (or tables) expected,
 *		0 when not known (then no time left is given).
 */
void
partman_progress_start(PartmanProgress *p, uint64 total)
{
	memset(p, 0, sizeof(*p));
	p->total = total;
	p->started = GetCurrentTimestamp();
	p->step_started = p->started;
}

/* Seconds from since to now. */
static double
seconds_since(TimestampTz since)
{
	return (GetCurrentTimestamp() - since) / 1000000.0;
}

/*
 * partman_progress_duration
 *		A duration as people read it: "850 ms", "12 s", "3 min 5 s",
 *		"2 h 10 min".  palloc'd.
 */
char *
partman_progress_duration(double seconds)
{
	long		s = (long) (seconds + 0.5);

	if (seconds < 1)
		return psprintf("%.0f ms", seconds * 1000);
	if (s < 60)
		return psprintf("%ld s", s);
	if (s < 3600)
		return psprintf("%ld min %ld s", s / 60, s % 60);
	return psprintf("%ld h %ld min", s / 3600, (s % 3600) / 60);
}

/*
 * partman_progress_step
 *		Count a step (a batch) of n units done since the previous step, and
 *		return what to say about it: "(R rows/s); D rows so far", and when
 *		the total is known and not yet reached ", about T left" (at the rate
 *		of the whole run so far).  unit names what is counted ("rows",
 *		"tables").  palloc'd.
 */
char *
partman_progress_step(PartmanProgress *p, uint64 n, const char *unit)
{
	double		step_secs = seconds_since(p->step_started);
	double		run_secs = seconds_since(p->started);
	StringInfoData buf;

	p->steps++;
	p->done += n;
	p->step_started = GetCurrentTimestamp();
	initStringInfo(&buf);
	appendStringInfo(&buf, "(%.0f %s/s); " UINT64_FORMAT " %s so far",
					 step_secs > 0 ? n / step_secs : (double) n, unit, p->done, unit);
	if (p->total > p->done && p->done > 0 && run_secs > 0)
		appendStringInfo(&buf, " of about " UINT64_FORMAT ", about %s left", p->total,
						 partman_progress_duration((p->total - p->done) * run_secs / p->done));
	return buf.data;
}

/* The time since the run started, as partman_progress_duration writes it. */
char *
partman_progress_elapsed(const PartmanProgress *p)
{
	return partman_progress_duration(seconds_since(p->started));
}

/*
 * partman_progress_rate
 *		What a run that did n units in all says at its end: "N rows in T
 *		(R rows/s)".  palloc'd.
 */
char *
partman_progress_rate(const PartmanProgress *p, uint64 n, const char *unit)
{
	double		secs = seconds_since(p->started);

	return psprintf(UINT64_FORMAT " %s in %s (%.0f %s/s)", n, unit,
					partman_progress_duration(secs),
					secs > 0 ? n / secs : (double) n, unit);
}
