import "server-only";

/**
 * POSTs JSON to a webhook (pager, Slack, alerts) with a timeout and a few retries: again after a network error,
 * a 5xx or a 429, not after another 4xx, which would answer the same. Says whether it was delivered, never throws.
 */
export async function postJson(
  url: string,
  body: unknown,
  attempts = 3,
): Promise<{ delivered: boolean; detail: string }> {
  let detail = "";
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(5000),
      });
      if (res.ok) return { delivered: true, detail: `HTTP ${res.status}` };
      detail = `HTTP ${res.status}`;
      if (res.status < 500 && res.status !== 429) break;
    } catch (err) {
      detail = (err as Error).message;
    }
    if (attempt < attempts) await new Promise((r) => setTimeout(r, 300 * attempt));
  }
  return { delivered: false, detail };
}
