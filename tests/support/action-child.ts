/**
 * A console process, as far as runbook actions go: requests and approves one action and keeps running it,
 * so a test can kill it mid-action. Run with `node --conditions=react-server --import tsx` and
 * DATABASE_URL, LAB_DIR, ACTION (JSON {actionId, params}), REQUESTER and APPROVER (user ids) set; INCIDENT (an
 * incident's id) links the run to that incident.
 */
import { approveAction, requestAction } from "../../server/actions/action-service";
import { findUserById } from "../../server/auth/users";

const requester = await findUserById(process.env.REQUESTER!);
const approver = await findUserById(process.env.APPROVER!);
if (!requester || !approver) throw new Error("REQUESTER and APPROVER must be user ids in the store");
const { actionId, params } = JSON.parse(process.env.ACTION!) as { actionId: string; params: unknown };
const incidentId = process.env.INCIDENT ? Number(process.env.INCIDENT) : null;
const run = await requestAction(requester, {
  actionId,
  params,
  incidentId,
  idempotencyKey: `child-${process.pid}-${Date.now()}`,
});
await approveAction(approver, run.id, { paramsHash: run.paramsHash });
console.log(JSON.stringify({ runId: run.id }));
// The runner goes on in this process until the test kills it.
setInterval(() => undefined, 1_000);
