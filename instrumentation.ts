/** Runs once when a console server starts: store, safety checks, demo accounts, collector. */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startServer } = await import("./server/startup");
  await startServer();
}
