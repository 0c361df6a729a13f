import { beforeEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import type { Role } from "@/lib/roles";
import type { User } from "@/server/auth/users";
import { conflict, storeUnavailable } from "@/server/errors";

/** Who is calling: the session a request would carry (null: nobody signed in). */
const session = vi.hoisted(() => ({ role: null as Role | null }));

// The real requireUser reads next-auth's session from the request; here it reads `session`, and refuses the same way.
vi.mock("@/server/auth/session", async () => {
  const { hasRole } = await import("@/lib/roles");
  const { forbidden, unauthenticated } = await import("@/server/errors");
  return {
    requireUser: async (atLeast: Role = "viewer"): Promise<User> => {
      if (!session.role) throw unauthenticated();
      if (!hasRole(session.role, atLeast)) throw forbidden(`This needs the ${atLeast} role; you are ${session.role}.`);
      return {
        id: "7d3c0e8e-0000-4000-8000-000000000001",
        email: "lee@switchyard.local",
        name: "Lee Lead",
        role: session.role,
        demo: false,
        createdAt: new Date(0),
      };
    },
  };
});

const { byId, formAction, serverAction } = await import("./server-action");

/** The action as a hand-made POST reaches it: with any arguments at all. */
const asPosted = <T>(action: (...args: never) => Promise<T>) => action as (...args: unknown[]) => Promise<T>;

const noteInput = byId.extend({
  text: z.string().trim().min(1, "Write something."),
  pinned: z.boolean().default(false),
});

/** A server action that records what reached its work, so a test can tell whether it ran. */
function noteAction() {
  const done: { input: unknown; actor: string }[] = [];
  const action = serverAction({ role: "engineer", input: noteInput }, async (input, actor) => {
    done.push({ input, actor: actor.name });
    return { saved: input.text };
  });
  return { action, done };
}

beforeEach(() => {
  session.role = "engineer";
});

describe("serverAction", () => {
  it("runs the work with the parsed input and the caller, and answers its result", async () => {
    const { action, done } = noteAction();
    expect(await action({ id: 12, text: "  paged the DBA  " })).toEqual({ ok: true, data: { saved: "paged the DBA" } });
    expect(done).toEqual([{ input: { id: 12, text: "paged the DBA", pinned: false }, actor: "Lee Lead" }]);
  });

  it("refuses a caller below the role before it reads the input, and the work does not run", async () => {
    const { action, done } = noteAction();
    session.role = "viewer";
    expect(await action({ id: 12, text: "" })).toEqual({
      ok: false,
      code: "forbidden",
      message: "This needs the engineer role; you are viewer.",
    });
    session.role = null;
    expect(await action({ id: 12, text: "x" })).toMatchObject({ ok: false, code: "unauthenticated" });
    expect(done).toEqual([]);
  });

  it("answers an invalid input with each field's problem, and the work does not run", async () => {
    const { action, done } = noteAction();
    const answer = await action({ id: 0, text: " " });
    expect(answer).toEqual({
      ok: false,
      code: "invalid",
      message: `id: must be a whole number from 1 to 2147483647`,
      fieldErrors: { id: "must be a whole number from 1 to 2147483647", text: "Write something." },
    });
    expect(await asPosted(action)(undefined)).toMatchObject({ ok: false, code: "invalid", fieldErrors: {} });
    expect(done).toEqual([]);
  });

  it("names a field as the form labels it, or not at all when its message names it", async () => {
    const action = serverAction(
      { role: "viewer", input: z.object({ forSeconds: z.number().max(86_400) }), labels: { forSeconds: "For" } },
      async () => undefined,
    );
    expect(await action({ forSeconds: 90_000 })).toMatchObject({
      code: "invalid",
      message: "For: Too big: expected number to be <=86400",
    });
    const sentence = serverAction(
      { role: "viewer", input: z.object({ name: z.string().min(1, "Name the token.") }), labels: { name: "" } },
      async () => undefined,
    );
    expect(await sentence({ name: "" })).toMatchObject({
      message: "Name the token.",
      fieldErrors: { name: "Name the token." },
    });
  });

  it("turns the work's expected errors into results, and lets any other error through to the error page", async () => {
    const refused = serverAction({ role: "viewer", input: byId }, async ({ id }) => {
      throw conflict(`INC-${id} was moved to Mitigating meanwhile; look again before changing it.`);
    });
    expect(await refused({ id: 3 })).toEqual({
      ok: false,
      code: "conflict",
      message: "INC-3 was moved to Mitigating meanwhile; look again before changing it.",
    });
    const storeDown = serverAction({ role: "viewer", input: byId }, async () => {
      throw storeUnavailable("connect ECONNREFUSED 127.0.0.1:5432", "connection refused");
    });
    const answer = await storeDown({ id: 3 });
    expect(answer).toMatchObject({ ok: false, code: "unavailable" });
    expect(JSON.stringify(answer)).not.toContain("5432");
    const broken = serverAction({ role: "viewer", input: byId }, async () => {
      throw new TypeError("a bug");
    });
    await expect(broken({ id: 3 })).rejects.toThrow("a bug");
  });

  it("takes no argument when its schema takes none", async () => {
    const action = serverAction({ role: "viewer", input: z.undefined() }, async (_input, actor) => actor.role);
    expect(await action()).toEqual({ ok: true, data: "engineer" });
    expect(await asPosted(action)({})).toMatchObject({ ok: false, code: "invalid" });
  });
});

describe("formAction", () => {
  const roleInput = z.object({ userId: z.uuid("Pick a user."), role: z.enum(["viewer", "engineer", "lead", "admin"]) });
  function roleForm() {
    const done: unknown[] = [];
    const action = formAction(
      { role: "admin", input: roleInput, fromForm: (form) => ({ userId: form.get("userId"), role: form.get("role") }) },
      async (input) => {
        done.push(input);
        return { role: input.role };
      },
    );
    return { action, done };
  }
  const form = (fields: Record<string, string>) => {
    const f = new FormData();
    for (const [k, v] of Object.entries(fields)) f.append(k, v);
    return f;
  };

  it("reads the posted fields through the schema", async () => {
    session.role = "admin";
    const { action, done } = roleForm();
    expect(await action(null, form({ userId: "7d3c0e8e-0000-4000-8000-000000000002", role: "lead" }))).toEqual({
      ok: true,
      data: { role: "lead" },
    });
    expect(await action(null, form({ userId: "", role: "lead" }))).toMatchObject({
      ok: false,
      code: "invalid",
      message: "userId: Pick a user.",
      fieldErrors: { userId: "Pick a user." },
    });
    expect(done).toHaveLength(1);
  });

  it("refuses a caller below the role even when the POST carries no form at all", async () => {
    const { action, done } = roleForm();
    // A hand-made POST with the form as the only argument: the previous state is the form, the form is missing.
    const handMade = asPosted(action);
    expect(await handMade(form({ userId: "7d3c0e8e-0000-4000-8000-000000000002", role: "admin" }))).toMatchObject({
      ok: false,
      code: "forbidden",
    });
    session.role = "admin";
    expect(await handMade(form({ userId: "7d3c0e8e-0000-4000-8000-000000000002", role: "admin" }))).toMatchObject({
      ok: false,
      code: "invalid",
    });
    expect(done).toEqual([]);
  });
});
