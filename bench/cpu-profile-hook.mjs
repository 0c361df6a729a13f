// Preloaded into a console by the bench (NODE_OPTIONS=--import <this file>; node refuses --cpu-prof there).
// The first SIGUSR2 starts V8's sampling profiler, the second stops it and writes $BENCH_CPU_PROFILE, so the
// profile covers only the measured window, not start-up.
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector";

const out = process.env.BENCH_CPU_PROFILE;
if (out) {
  const session = new Session();
  session.connect();
  let profiling = false;
  process.on("SIGUSR2", () => {
    if (!profiling) {
      profiling = true;
      session.post("Profiler.enable", () => session.post("Profiler.start"));
      return;
    }
    profiling = false;
    session.post("Profiler.stop", (err, result) => {
      if (err) console.error(`[bench] cpu profile: ${err.message}`);
      else writeFileSync(out, JSON.stringify(result.profile));
    });
  });
}
