/**
 * What a long-running command (the bench, the chaos soak) started, stopped in reverse order on every way out:
 * `own` registers a stop and returns it (stopping early removes it), `cleanup` stops the rest once, and SIGINT or
 * SIGTERM stops everything and exits 130.
 */
export function ownership(tag: string, what: string) {
  const stack: { name: string; stop: () => Promise<void> }[] = [];
  let cleaning: Promise<void> | null = null;

  function own(name: string, stop: () => Promise<void>): () => Promise<void> {
    const entry = { name, stop };
    stack.push(entry);
    return async () => {
      const i = stack.indexOf(entry);
      if (i >= 0) stack.splice(i, 1);
      await stop();
    };
  }

  function cleanup(): Promise<void> {
    cleaning ??= (async () => {
      for (let e = stack.pop(); e; e = stack.pop()) {
        try {
          await e.stop();
        } catch (err) {
          console.error(`[${tag}] stopping ${e.name} failed: ${(err as Error).message}`);
        }
      }
    })();
    return cleaning;
  }

  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      console.error(`\n[${tag}] ${signal}: stopping what ${what} started`);
      void cleanup().finally(() => process.exit(130));
    });
  }
  return { own, cleanup };
}
