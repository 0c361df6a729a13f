import "server-only";

/** The console's own address, for the links that notifications carry (NEXTAUTH_URL, as sign-in uses it). */
export const consoleUrl = () => process.env.NEXTAUTH_URL ?? "http://localhost:3000";
