/** What a server action returns to useActionState: a small typed result, never a thrown raw error. */
export type ActionResult<T = undefined> =
  | ({ ok: true } & (T extends undefined ? { data?: undefined } : { data: T }))
  | { ok: false; code: string; message: string; fieldErrors?: Record<string, string> };
