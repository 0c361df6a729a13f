/**
 * Where the console listens: loopback unless HOST says otherwise. Listening anywhere else makes it reachable
 * from the network, which the console allows only without demo accounts and with a real NEXTAUTH_SECRET
 * (server/auth/secret.ts).
 */
export function listenHost(host: string | undefined): string {
  return host?.trim() || "127.0.0.1";
}

/** Whether only this machine can reach an address the console listens on. */
export function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
