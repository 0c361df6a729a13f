// The console's launcher (launcher.ts): a small process that starts the commands the console runs (ssh, the
// runbook's tools) on its behalf. Forking is the costly part of starting a process, and it grows with the size of
// the process that forks: from a console holding its embedded store, every ssh command blocked its event loop
// ~25-30 ms; from here it costs a few.
import { spawn } from "node:child_process";

const children = new Map();
const send = (message) => process.connected && process.send(message);

process.on("message", (m) => {
  if (m.type === "kill") return void children.get(m.id)?.kill(m.signal);
  let child;
  try {
    child = spawn(m.cmd, m.args, { stdio: ["ignore", "pipe", "pipe"] });
  } catch (err) {
    return void send({ type: "exit", id: m.id, code: null, signal: null, error: err.message });
  }
  children.set(m.id, child);
  let error = null;
  for (const stream of ["stdout", "stderr"]) {
    child[stream].setEncoding("utf8");
    child[stream].on("data", (data) => send({ type: "data", id: m.id, stream, data }));
  }
  child.on("error", (err) => (error = err.message));
  child.on("close", (code, signal) => {
    children.delete(m.id);
    send({ type: "exit", id: m.id, code: error ? null : code, signal, error });
  });
});

// The console is gone: so are the commands it started.
process.on("disconnect", () => {
  for (const child of children.values()) child.kill("SIGTERM");
  process.exit(0);
});
