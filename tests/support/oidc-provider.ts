import { generateKeyPairSync, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import Provider from "oidc-provider";

/** A person the test identity provider knows: `sub` is also what is typed into its login form. */
export interface OidcTestAccount {
  sub: string;
  email: string;
  email_verified: boolean;
  name?: string;
}

export interface OidcTestProvider {
  /** http://127.0.0.1:<port>, what the console's OIDC_ISSUER is set to. */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Registers the client's redirect URI (the console's port is known only once it runs); call before signing in. */
  allowRedirect(redirectUri: string): void;
  close(): Promise<void>;
}

/**
 * Starts a real OpenID Connect provider (panva's certified `oidc-provider`) on a free loopback port, with one
 * confidential client and the given accounts. Its development login form takes any password; the login is the
 * account's `sub`. Like a provider that follows the spec for the code flow, it puts `email` and `email_verified`
 * in userinfo, not in the ID token.
 */
export async function startOidcProvider(accounts: OidcTestAccount[]): Promise<OidcTestProvider> {
  const clientId = "switchyard-test";
  const clientSecret = randomBytes(24).toString("base64url");
  const signingKey = {
    ...generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ format: "jwk" }),
    kid: "test",
    alg: "RS256",
    use: "sig",
  };
  let handler: ((req: IncomingMessage, res: ServerResponse) => void) | null = null;
  const server = createServer((req, res) => {
    if (handler) handler(req, res);
    else res.writeHead(503).end("the test identity provider has no client yet");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  const issuer = `http://127.0.0.1:${port}`;
  const byId = new Map(accounts.map((a) => [a.sub, a]));

  const build = (redirectUri: string) => {
    const provider = new Provider(issuer, {
      clients: [
        {
          client_id: clientId,
          client_secret: clientSecret,
          redirect_uris: [redirectUri],
          grant_types: ["authorization_code"],
          response_types: ["code"],
        },
      ],
      jwks: { keys: [signingKey] },
      cookies: { keys: [randomBytes(32).toString("hex")] },
      claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
      features: { devInteractions: { enabled: true } },
      async findAccount(_ctx: unknown, id: string) {
        const account = byId.get(id);
        if (!account) return undefined;
        return {
          accountId: id,
          claims: async () => ({
            sub: id,
            email: account.email,
            email_verified: account.email_verified,
            name: account.name ?? id,
          }),
        };
      },
    });
    // Development warnings (dev interactions, plain http on loopback) are expected here.
    provider.on("server_error", (_ctx: unknown, err: Error) => console.error("test identity provider:", err));
    return provider.callback();
  };

  return {
    issuer,
    clientId,
    clientSecret,
    allowRedirect: (redirectUri) => {
      handler = build(redirectUri);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
