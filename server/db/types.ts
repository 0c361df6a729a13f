import "server-only";

/** The one query interface the rest of the server uses; `pg` and PGlite both satisfy it. */
export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: T[]; rowCount: number }>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface Db extends Queryable {
  readonly driver: "pg" | "pglite";
  /** Runs fn in one transaction: commits when it resolves, rolls back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** The embedded store only: a consistent copy of its data directory, a gzipped tarball. */
  dumpDataDir?(): Promise<Uint8Array>;
  close(): Promise<void>;
}
