import "server-only";
import { z } from "zod";
import { userFiguresSchema, userRequestSchema, type UserFigures, type UserRequest } from "@/lib/traffic";
import { getJson } from "../fleet/http-json";

const requestsAnswerSchema = z.object({ requests: z.array(userRequestSchema) });

/** `<usersUrl>/<name>`, keeping any path the URL has (a real fleet's synthetics may live under one). */
const endpoint = (usersUrl: string, name: string) => new URL(name, usersUrl.endsWith("/") ? usersUrl : `${usersUrl}/`);

async function readJson<T extends z.ZodType>(url: URL, schema: T, timeoutMs: number): Promise<z.output<T>> {
  const { status, body } = await getJson(url, timeoutMs);
  if (status !== 200) throw new Error(`${url.origin}${url.pathname} answered HTTP ${status}`);
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new Error(`${url.origin}${url.pathname} answered something unreadable`);
  return parsed.data;
}

/** What synthetic users in each geography saw over the last `windowSeconds` (GET <usersUrl>/figures). */
export function readUserFigures(usersUrl: string, timeoutMs: number, windowSeconds?: number): Promise<UserFigures> {
  const url = endpoint(usersUrl, "figures");
  if (windowSeconds !== undefined) url.searchParams.set("window", String(windowSeconds));
  return readJson(url, userFiguresSchema, timeoutMs);
}

/** Every request synthetic users sent since `sinceMs` (epoch ms), oldest first (GET <usersUrl>/requests?since=). */
export async function readUserRequests(usersUrl: string, sinceMs: number, timeoutMs: number): Promise<UserRequest[]> {
  const url = endpoint(usersUrl, "requests");
  url.searchParams.set("since", String(Math.floor(sinceMs)));
  return (await readJson(url, requestsAnswerSchema, timeoutMs)).requests;
}
