/*-------------------------------------------------------------------------
 *
 * worker.h
 *	  The background workers: the launcher, one worker per database, their
 *	  shared state, and the worker's round (its transactions, its clock).
 *	  The round calls maintenance and nothing else.
 *
 * Included by partman.h, after the types shared by every layer.
 *
 *-------------------------------------------------------------------------
 */
#ifndef PARTMAN_WORKER_H
#define PARTMAN_WORKER_H

/* ---------------------------------------------------------------------
 * functions in launcher.c, worker.c and round.c
 * ---------------------------------------------------------------------
 */
#define PARTMAN_MAX_DATABASES	64

extern void partman_start_background_transaction(void);

typedef enum PartmanWorkerState
{
	WORKER_FREE = 0,			/* slot unused */
	WORKER_STOPPED,				/* slot assigned, no worker yet */
	WORKER_STARTING,
	WORKER_IDLE,
	WORKER_RUNNING,
	WORKER_NO_EXTENSION,		/* exited: partman is not installed there */
	WORKER_CRASHED				/* exited otherwise; restarted with backoff */
} PartmanWorkerState;

typedef struct PartmanWorkerSlot
{
	Oid			dboid;
	char		dbname[NAMEDATALEN];
	PartmanWorkerState state;
	pid_t		pid;
	bool		wake;			/* wake_worker() asked for a round now */
	TimestampTz last_run;
	TimestampTz next_run;
	char		last_error[256];
} PartmanWorkerSlot;

typedef struct PartmanShared
{
	LWLock	   *lock;
	pid_t		launcher_pid;
	PartmanWorkerSlot slots[PARTMAN_MAX_DATABASES];
} PartmanShared;

/* what the launcher passes a worker in bgw_extra */
typedef struct PartmanWorkerArgs
{
	int			slot;
	Oid			role;
} PartmanWorkerArgs;

extern int	partman_bgw_interval;
extern char *partman_bgw_databases;
extern char *partman_bgw_role;
extern int	partman_bgw_max_workers;
extern PartmanShared *partman_shared;

extern void partman_register_launcher(void);
extern PartmanShared *partman_require_shared(void);
extern const char *partman_worker_state_name(PartmanWorkerState state);
extern bool partman_wake_database_worker(void);
extern void partman_copy_worker_slots(PartmanWorkerSlot copy[PARTMAN_MAX_DATABASES]);

extern int	partman_maintenance_round(char *last_error, Size len);

#endif							/* PARTMAN_WORKER_H */
