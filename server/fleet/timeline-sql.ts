import "server-only";

/**
 * The timeline a server is on. pg_control's lags: a primary's until the checkpoint after its promotion, a
 * replica's until its next restartpoint (minutes after pg_rewind). So a primary's comes from its WAL file name,
 * and a replica's from its WAL receiver or, without one (its primary is down), the newest timeline in pg_wal.
 */
export const TIMELINE_SQL = `case when pg_is_in_recovery() then greatest(
    (select received_tli from pg_stat_wal_receiver),
    (select timeline_id from pg_control_checkpoint()),
    (select max(('x' || substr(name, 1, 8))::bit(32)::int) from pg_ls_waldir() where name ~ '^[0-9A-F]{24}$'))
  else ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int end`;
