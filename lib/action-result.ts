/** What a server action returns to its form or button: a small typed result, never a thrown raw error. */
export type ActionResult<T = undefined> =
  | ({ ok: true } & ([T] extends [undefined | void] ? { data?: undefined } : { data: T }))
  | { ok: false; code: string; message: string; fieldErrors?: Record<string, string> };
