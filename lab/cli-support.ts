import { LabError } from "./errors";

/** `--lab-dir <dir>` taken out of a command line, wherever it stands. */
export function takeLabDir(argv: readonly string[]): { labDir: string | undefined; args: string[] } {
  const args = [...argv];
  const flag = args.indexOf("--lab-dir");
  if (flag < 0) return { labDir: undefined, args };
  const labDir = args[flag + 1];
  if (!labDir) throw new LabError("--lab-dir needs a directory");
  args.splice(flag, 2);
  return { labDir, args };
}

/** Runs a command line's work and exits: 0 when it succeeds, 2 with the message for a LabError, else 1. */
export function runCli(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error instanceof LabError ? `lab: ${error.message}` : error);
      process.exit(error instanceof LabError ? 2 : 1);
    },
  );
}
