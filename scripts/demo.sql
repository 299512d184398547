-- partman demo: run by scripts/demo.sh start against database postgres (psql, ON_ERROR_STOP).
CREATE EXTENSION IF NOT EXISTS partman;
-- example tables are added here
