import "server-only";
import { serverRegion } from "@/lib/balancer-layout";
import type { ServerStat } from "./balancer";

/**
 * HAProxy's `show stat` answer: CSV whose first line is `# pxname,svname,…`. Columns are found by name, so the
 * versions that add columns read the same. Only the servers of the geography backends (`geo_*`, as
 * lib/balancer-layout.ts names them) are kept; the FRONTEND and BACKEND summary rows are not servers.
 */
export function parseShowStat(csv: string): ServerStat[] {
  const lines = csv.split("\n").filter((l) => l.trim() !== "");
  const header = lines[0];
  if (!header?.startsWith("# ")) throw new Error("HAProxy's statistics have no header line");
  const columns = header.slice(2).split(",");
  const index = new Map(columns.map((name, i) => [name, i]));
  const rows: ServerStat[] = [];
  for (const line of lines.slice(1)) {
    const fields = line.split(",");
    const text = (name: string) => {
      const i = index.get(name);
      return i === undefined ? "" : (fields[i] ?? "");
    };
    const count = (name: string) => {
      const n = Number(text(name));
      return Number.isFinite(n) ? n : 0;
    };
    const backend = text("pxname");
    const server = text("svname");
    if (!backend.startsWith("geo_") || server === "FRONTEND" || server === "BACKEND") continue;
    const responses = ["hrsp_1xx", "hrsp_2xx", "hrsp_3xx", "hrsp_4xx", "hrsp_5xx", "hrsp_other"].reduce(
      (sum, name) => sum + count(name),
      0,
    );
    rows.push({
      backend,
      server,
      region: serverRegion(server),
      backup: text("bck") === "1",
      status: text("status"),
      // uweight is the weight as set (2.6+); weight is the effective one, scaled by slowstart
      weight: count(text("uweight") !== "" ? "uweight" : "weight"),
      check: checkOf(text("check_status"), text("check_code"), text("last_chk")),
      responses,
      responses5xx: count("hrsp_5xx"),
      connectionErrors: count("econ") + count("wretr") + count("wredis"),
      avgResponseMs: responses > 0 && text("rtime") !== "" ? count("rtime") : null,
      currentSessions: count("scur"),
    });
  }
  return rows;
}

/** "L7OK 200", "L7STS 503", "L4CON connection refused", "L7TOUT timeout"; a check in progress is marked "* ". */
function checkOf(status: string, code: string, lastCheck: string): string | null {
  const name = status.replace(/^\* /, "");
  if (!name) return null;
  // HAProxy shows code 0 while the next check of the server runs: the last real code is gone until it ends
  if (code && code !== "0") return `${name} ${code}`;
  const words = lastCheck.trim();
  return words ? `${name} ${words.charAt(0).toLowerCase()}${words.slice(1)}` : name;
}
