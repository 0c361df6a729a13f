import "server-only";
import net from "node:net";
import { errorInWords } from "@/lib/error-words";
import type { BalancerConfig } from "@/lib/fleet-config";

/** Where HAProxy's runtime API listens: a UNIX socket on this machine, or a TCP host and port. */
export type RuntimeApiAddress = BalancerConfig["runtimeApi"];

/** The balancer could not be reached, did not answer in time, or refused a command; the message is in words. */
export class BalancerError extends Error {
  constructor(
    message: string,
    /** the system code (ECONNREFUSED, ENOENT) or HAProxy's own answer, for the log */
    readonly detail?: string,
  ) {
    super(message);
    this.name = "BalancerError";
  }
}

export function describeAddress(address: RuntimeApiAddress): string {
  return "socket" in address ? address.socket : `${address.host}:${address.port}`;
}

/**
 * Sends one command to HAProxy's runtime API and reads its answer to the end. Without `prompt`, HAProxy closes the
 * connection after answering, so EOF marks the end of the answer; the whole exchange is bounded by timeoutMs.
 */
export function runtimeCommand(address: RuntimeApiAddress, command: string, timeoutMs: number): Promise<string> {
  if (/[\r\n;]/.test(command))
    return Promise.reject(new BalancerError(`not a single command: ${JSON.stringify(command)}`));
  const where = describeAddress(address);
  return new Promise((resolve, reject) => {
    const socket = "socket" in address ? net.connect(address.socket) : net.connect(address.port, address.host);
    let answer = "";
    let settled = false;
    const finish = (error: Error | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve(answer);
    };
    const timer = setTimeout(
      () => finish(new BalancerError(`HAProxy's runtime API at ${where} did not answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
    socket.setEncoding("utf8");
    socket.on("connect", () => socket.write(`${command}\n`));
    socket.on("data", (chunk: string) => (answer += chunk));
    socket.on("end", () => finish(null));
    socket.on("error", (error) => {
      const { error: words, errorCode } = errorInWords(error);
      finish(new BalancerError(`HAProxy's runtime API at ${where} cannot be reached: ${words}`, errorCode));
    });
  });
}

/**
 * A command that changes something answers nothing on success; any text is HAProxy saying why it refused
 * ("No such server.", "Absolute weight can only be between 0 and 256 inclusive.").
 */
export async function runtimeChange(address: RuntimeApiAddress, command: string, timeoutMs: number): Promise<void> {
  const answer = (await runtimeCommand(address, command, timeoutMs)).trim();
  if (answer) {
    const words = answer.split("\n")[0]!.replace(/\.$/, "");
    throw new BalancerError(`HAProxy refused "${command}": ${words.charAt(0).toLowerCase()}${words.slice(1)}`, answer);
  }
}
