import "server-only";

/**
 * Acknowledges, in Switchyard, the page PagerDuty knows by `dedupKey` (its incident's incident_key): called by
 * POST /api/v1/integrations/pagerduty on a verified `incident.acknowledged`. A placeholder: the escalation rewrite
 * replaces this body; the signature is the contract.
 */
export async function acknowledgePageFromPagerDuty(dedupKey: string): Promise<"acknowledged" | "already" | "unknown"> {
  void dedupKey;
  throw new Error("not wired yet");
}
