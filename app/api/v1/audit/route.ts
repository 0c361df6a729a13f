import { auditFilterParams } from "@/lib/audit";
import { auditCsv } from "@/lib/audit-csv";
import { auditChainStatus, listAudit } from "@/server/audit/audit-service";
import { requireCaller } from "@/server/auth/caller";
import { jsonRoute } from "@/server/boundary";
import { invalid } from "@/server/errors";

export const dynamic = "force-dynamic";

/**
 * GET /api/v1/audit?action=&actor=&target=&from=&to=&limit= → { rows, chain }, newest first.
 * &format=csv or &format=json downloads the same rows as a file.
 */
export async function GET(request: Request) {
  try {
    const caller = await requireCaller(request);
    const q = new URL(request.url).searchParams;
    const format = q.get("format") || null;
    if (format !== null && format !== "csv" && format !== "json") throw invalid("format must be csv or json");
    const filters = auditFilterParams(q);
    const rows = await listAudit(caller, filters);
    const chain = await auditChainStatus(caller);
    if (format === null) return Response.json({ rows, chain }, { headers: { "cache-control": "no-store" } });
    const file = `switchyard-audit-${new Date().toISOString().slice(0, 10)}.${format}`;
    const headers = { "cache-control": "no-store", "content-disposition": `attachment; filename="${file}"` };
    if (format === "json")
      return Response.json({ exportedAt: new Date().toISOString(), filters, chain, rows }, { headers });
    return new Response(auditCsv(rows), { headers: { ...headers, "content-type": "text/csv; charset=utf-8" } });
  } catch (err) {
    return jsonRoute(() => Promise.reject(err));
  }
}
