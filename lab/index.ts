/** Programmatic lab API for tests and the benchmark; lab/cli.ts is a thin wrapper over these. */
export { startLab, stopLab, resetLab, labStatus, setApiEnv, restartApi, regionPg, PG_MISSING_MESSAGE } from "./lab";
export type { LabOptions, LabStatus, RegionStatus, StartResult } from "./lab";
export { injectFault, FAULTS } from "./faults";
export type { Fault, FaultResult } from "./faults";
export { injectNetworkFault } from "./network/cuts";
export { LabError } from "./errors";
export { LAB_REGIONS, REGION_IDS } from "./regions";
export type { RegionId, RegionRole } from "./regions";
export { resolveLabDir } from "./paths";
export { resetBalancer } from "./balancer";
