import "server-only";
import type { ActionId } from "@/lib/actions/catalog";
import { cdnDisable, cdnEnable, cdnRollout, cdnSwitchProvider } from "./catalog/cdn";
import { failback } from "./catalog/db-failback";
import { failover } from "./catalog/db-failover";
import { fencePrimary } from "./catalog/db-fence-primary";
import { promoteReplica } from "./catalog/db-promote-replica";
import { rebuildReplica } from "./catalog/db-rebuild-replica";
import { recreateSlot } from "./catalog/db-recreate-slot";
import { repointApp } from "./catalog/db-repoint-app";
import { switchover } from "./catalog/db-switchover";
import { verifyPrimary } from "./catalog/db-verify-primary";
import { mirrorsCleanup, mirrorsResync, mirrorsTestFailover } from "./catalog/mirrors";
import { drainRegion } from "./catalog/traffic/drain-region";
import { restoreRegion } from "./catalog/traffic/restore-region";
import { setWeights } from "./catalog/traffic/set-weights";
import type { ActionModule } from "./module";

/** Every runbook action's module, by id. */
const modules: { [A in ActionId]: ActionModule<A> } = {
  "db.failover": failover,
  "db.failback": failback,
  "db.promote-replica": promoteReplica,
  "db.fence-primary": fencePrimary,
  "db.switchover": switchover,
  "db.repoint-app": repointApp,
  "db.verify-primary": verifyPrimary,
  "db.recreate-slot": recreateSlot,
  "db.rebuild-replica": rebuildReplica,
  "cdn.disable": cdnDisable,
  "cdn.enable": cdnEnable,
  "cdn.switch-provider": cdnSwitchProvider,
  "cdn.rollout": cdnRollout,
  "mirrors.test-failover": mirrorsTestFailover,
  "mirrors.resync": mirrorsResync,
  "mirrors.cleanup": mirrorsCleanup,
  "traffic.drain-region": drainRegion,
  "traffic.restore-region": restoreRegion,
  "traffic.set-weights": setWeights,
};

export function moduleFor<A extends ActionId>(id: A): ActionModule<A> {
  return modules[id] as unknown as ActionModule<A>;
}
