import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * The behaviour every store driver must give the services. Each driver's test file sets the environment
 * (DATABASE_URL or DATA_DIR) first; server modules read it when imported.
 */
export function storeContract(label: string) {
  describe(`store on ${label}`, () => {
    let mods: {
      db: typeof import("@/server/db");
      migrate: typeof import("@/server/db/migrate");
      users: typeof import("@/server/auth/users");
      userService: typeof import("@/server/auth/user-service");
      signIn: typeof import("@/server/auth/sign-in");
      verify: typeof import("@/server/audit/verify-audit");
    };
    let admin: import("@/server/auth/users").User;
    let viewer: import("@/server/auth/users").User;

    beforeAll(async () => {
      process.env.SIGNIN_MAX_FAILURES = "3";
      mods = {
        db: await import("@/server/db"),
        migrate: await import("@/server/db/migrate"),
        users: await import("@/server/auth/users"),
        userService: await import("@/server/auth/user-service"),
        signIn: await import("@/server/auth/sign-in"),
        verify: await import("@/server/audit/verify-audit"),
      };
      const db = await mods.db.getDb();
      admin = await db.transaction((tx) =>
        mods.users.insertUser(tx, { email: "Ada@Example.test", name: "Ada", role: "admin", password: "correct horse" }),
      );
      viewer = await db.transaction((tx) =>
        mods.users.insertUser(tx, { email: "mo@example.test", name: "Mo", role: "viewer", password: "battery staple" }),
      );
    });

    afterAll(async () => (await mods.db.getDb()).close());

    it("applies every migration once and finds nothing to apply the second time", async () => {
      const db = await mods.db.getDb();
      const r = await db.query<{ version: string }>("select version from schema_migrations order by version");
      expect(r.rows.map((x) => x.version)).toContain("0001-users-and-regions");
      expect(await mods.migrate.migrate(db)).toEqual([]);
    });

    it("rolls a transaction back when its work throws", async () => {
      const db = await mods.db.getDb();
      await expect(
        db.transaction(async (tx) => {
          await mods.users.insertUser(tx, { email: "ghost@example.test", name: "Ghost", role: "viewer" });
          throw new Error("boom");
        }),
      ).rejects.toThrow("boom");
      const r = await db.query("select 1 from users where email = 'ghost@example.test'");
      expect(r.rowCount).toBe(0);
    });

    it("lets an admin change a role, with an audit row in a valid chain", async () => {
      const updated = await mods.userService.setUserRole(admin, { userId: viewer.id, role: "engineer" });
      expect(updated.role).toBe("engineer");
      const db = await mods.db.getDb();
      const audit = await db.query<{ action: string; target: string; detail: { from: string; to: string } }>(
        "select action, target, detail from audit_log order by id desc limit 1",
      );
      expect(audit.rows[0]).toEqual({
        action: "user.set-role",
        target: "mo@example.test",
        detail: { from: "viewer", to: "engineer" },
      });
      expect(await mods.verify.verifyAuditChain(db)).toMatchObject({ ok: true });
    });

    it("refuses a role change by a non-admin and changes nothing", async () => {
      const db = await mods.db.getDb();
      const before = await db.query("select count(*)::int as n from audit_log");
      const engineer = { ...viewer, role: "engineer" as const };
      await expect(
        mods.userService.setUserRole(engineer, { userId: engineer.id, role: "admin" }),
      ).rejects.toMatchObject({ code: "forbidden" });
      const after = await db.query("select count(*)::int as n from audit_log");
      expect(after.rows).toEqual(before.rows);
      const role = await db.query<{ role: string }>("select role from users where id = $1", [viewer.id]);
      expect(role.rows[0]?.role).toBe("engineer");
    });

    it("never demotes the last admin", async () => {
      await expect(mods.userService.setUserRole(admin, { userId: admin.id, role: "viewer" })).rejects.toMatchObject({
        code: "conflict",
      });
      const db = await mods.db.getDb();
      const r = await db.query<{ role: string }>("select role from users where id = $1", [admin.id]);
      expect(r.rows[0]?.role).toBe("admin");
    });

    it("signs in with the right password, case-insensitively on the email", async () => {
      const user = await mods.signIn.authenticate({ email: "ADA@example.test", password: "correct horse" });
      expect(user.id).toBe(admin.id);
      expect(user).not.toHaveProperty("passwordHash");
    });

    it("refuses a wrong password, and locks the account after too many failures", async () => {
      const wrong = { email: "mo@example.test", password: "nope" };
      for (let i = 0; i < 3; i++)
        await expect(mods.signIn.authenticate(wrong)).rejects.toMatchObject({ code: "unauthenticated" });
      await expect(
        mods.signIn.authenticate({ email: "mo@example.test", password: "battery staple" }),
      ).rejects.toMatchObject({ code: "rate_limited" });
      // Another account is not affected.
      await expect(
        mods.signIn.authenticate({ email: "ada@example.test", password: "correct horse" }),
      ).resolves.toMatchObject({ id: admin.id });
    });

    it("refuses to change, remove or truncate audit rows, naming the rule", async () => {
      const db = await mods.db.getDb();
      const rule =
        /audit_log is append-only: (UPDATE|DELETE|TRUNCATE) is refused \(rule: audit rows are never changed or removed\)/;
      await expect(
        db.query("update audit_log set detail = '{}' where id = (select min(id) from audit_log)"),
      ).rejects.toThrow(rule);
      await expect(db.query("delete from audit_log where id = (select max(id) from audit_log)")).rejects.toThrow(rule);
      await expect(db.query("truncate audit_log")).rejects.toThrow(rule);
      await expect(db.query("delete from audit_checkpoint")).rejects.toThrow(/audit_checkpoint is never removed/);
      expect(await mods.verify.verifyAuditChain(db)).toMatchObject({ ok: true });
    });

    it("catches the newest rows cut off behind the trigger's back, through the signed checkpoint", async () => {
      const db = await mods.db.getDb();
      await mods.userService.setUserRole(admin, { userId: viewer.id, role: "viewer" });
      await mods.userService.setUserRole(admin, { userId: viewer.id, role: "engineer" });
      const intact = await mods.verify.verifyAuditChain(db);
      expect(intact.ok).toBe(true);
      const newest = await db.query<{ id: number }>("select id::int as id from audit_log order by id desc limit 2");
      const saved = await db.query<{ rows: unknown }>("select json_agg(a) as rows from audit_log a where id >= $1", [
        newest.rows[1]!.id,
      ]);
      await db.exec("alter table audit_log disable trigger audit_log_append_only");
      try {
        await db.query("delete from audit_log where id >= $1", [newest.rows[1]!.id]);
        expect(await mods.verify.verifyAuditChain(db)).toMatchObject({
          ok: false,
          rows: intact.rows - 2,
          brokenAt: newest.rows[0]!.id,
          reason: expect.stringMatching(/^the newest 2 rows were removed: /),
        });
        // Put back exactly as they were: intact again.
        await db.query("insert into audit_log select * from json_populate_recordset(null::audit_log, $1::json)", [
          JSON.stringify(saved.rows[0]!.rows),
        ]);
      } finally {
        await db.exec("alter table audit_log enable trigger audit_log_append_only");
      }
      expect(await mods.verify.verifyAuditChain(db)).toEqual(intact);
    });

    it("detects a tampered audit row (the trigger disabled by the superuser)", async () => {
      const db = await mods.db.getDb();
      await mods.userService.setUserRole(admin, { userId: viewer.id, role: "lead" });
      await db.exec("alter table audit_log disable trigger audit_log_append_only");
      await db.query(
        'update audit_log set detail = \'{"from":"viewer","to":"admin"}\' where id = (select min(id) from audit_log)',
      );
      await db.exec("alter table audit_log enable trigger audit_log_append_only");
      const result = await mods.verify.verifyAuditChain(db);
      expect(result.ok).toBe(false);
    });
  });
}
