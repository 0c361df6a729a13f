/**
 * npm run fleet:check -- [--json] [--timeout <seconds>]: what to run before trusting Switchyard with a fleet. It reads
 * the fleet file the console would read (FLEET_CONFIG, or $LAB_DIR/fleet.json), with the same validation and
 * start-up refusals, and checks each region side by side: the SSH login and the host commands Switchyard would run
 * (or, with a local transport, the same programs on this machine), its PostgreSQL server's role and replication,
 * and the region API's read endpoints. It only reads: nothing is changed on any host, server or API.
 * Exit 0: every check passes (warnings allowed); 1: a check failed; 2: bad usage, environment or fleet file.
 */
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { errorMessage } from "../lib/error-message";

const USAGE =
  "usage: npm run fleet:check -- [--json] [--timeout <seconds>]  (reads FLEET_CONFIG, or $LAB_DIR/fleet.json)";
const DEFAULT_TIMEOUT_SECONDS = 5;

type Flags = { json: boolean; timeoutMs: number } | { code: 0 | 2; line: string };

function readFlags(argv: string[]): Flags {
  let values: { json?: boolean; timeout?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { json: { type: "boolean" }, timeout: { type: "string" }, help: { type: "boolean", short: "h" } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    return { code: 2, line: `fleet not checked: ${(err as Error).message}\n${USAGE}` };
  }
  if (values.help) return { code: 0, line: USAGE };
  const timeout = values.timeout === undefined ? DEFAULT_TIMEOUT_SECONDS : Number(values.timeout);
  if (!Number.isFinite(timeout) || timeout <= 0 || timeout > 120)
    return { code: 2, line: `fleet not checked: --timeout must be a number of seconds between 0 and 120\n${USAGE}` };
  return { json: values.json ?? false, timeoutMs: Math.round(timeout * 1000) };
}

async function main(): Promise<number> {
  const flags = readFlags(process.argv.slice(2));
  if ("code" in flags) {
    (flags.code === 0 ? console.log : console.error)(flags.line);
    return flags.code;
  }

  // Imported here so that an invalid environment is reported like an invalid fleet file (exit 2).
  let server: [typeof import("../server/fleet/config"), typeof import("../server/fleet/fleet-check")];
  let file: string;
  try {
    server = await Promise.all([import("../server/fleet/config"), import("../server/fleet/fleet-check")]);
    file = server[0].fleetConfigPath();
  } catch (err) {
    console.error(`fleet not checked: ${errorMessage(err)}`);
    return 2;
  }
  const [{ readFleetConfig }, { checkFleet, renderTable, summarize, summaryLine }] = server;

  let fleet: ReturnType<typeof readFleetConfig>;
  try {
    fleet = readFleetConfig(file);
  } catch (err) {
    // The same refusal the console gives at start-up, with the file and the field.
    console.error(`fleet not checked: ${errorMessage(err)}`);
    return 2;
  }

  const started = performance.now();
  const rows = await checkFleet(fleet, { timeoutMs: flags.timeoutMs });
  const elapsedMs = Math.round(performance.now() - started);
  const summary = summarize(fleet, rows);
  if (flags.json) {
    console.log(JSON.stringify({ fleet: fleet.name, fleetFile: file, elapsedMs, summary, rows }, null, 2));
  } else {
    console.log(`Fleet file: ${file}\n`);
    console.log(renderTable(rows));
    console.log(`\n${summaryLine(fleet.name, summary, rows, elapsedMs)}`);
  }
  return summary.exitCode;
}

process.exit(await main());
