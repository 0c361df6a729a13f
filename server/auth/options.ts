import "server-only";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import type { OAuthConfig } from "next-auth/providers/oauth";
import { env } from "@/server/env";
import { ServiceError } from "@/server/errors";
import { clientAddress, stampPeerAddresses } from "./client-address";
import { findOidcAccount, oidcClaims, readOidcProfile, signInWithOidc } from "./oidc-link";
import { authSecret } from "./secret";
import { authenticate } from "./sign-in";
import { stampSessionEpoch } from "./session";

// Sign-ins are throttled by the socket's address; start-up may have stamped requests already (idempotent).
stampPeerAddresses();

type OidcProfile = {
  iss: string;
  sub: string;
  email?: string;
  email_verified?: unknown;
  name?: string;
  preferred_username?: string;
};

/** An optional OpenID Connect provider, configured by OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET. */
function oidcProvider(): OAuthConfig<OidcProfile>[] {
  if (!env.OIDC_ISSUER || !env.OIDC_CLIENT_ID || !env.OIDC_CLIENT_SECRET) return [];
  return [
    {
      id: "oidc",
      name: env.OIDC_NAME,
      type: "oauth",
      wellKnown: `${env.OIDC_ISSUER.replace(/\/$/, "")}/.well-known/openid-configuration`,
      clientId: env.OIDC_CLIENT_ID,
      clientSecret: env.OIDC_CLIENT_SECRET,
      authorization: { params: { scope: "openid email profile" } },
      idToken: true,
      checks: ["pkce", "state"],
      // The validated ID token names the person (iss, sub); a provider following the spec for the code flow puts
      // email and email_verified in userinfo instead, so both are read.
      userinfo: {
        request: async ({ tokens, client }) =>
          (await readOidcProfile(tokens, (t) => client.userinfo(t))) as OidcProfile,
      },
      profile: (p) => ({ id: p.sub, email: p.email ?? null, name: p.name ?? p.preferred_username ?? p.email ?? p.sub }),
    },
  ];
}

export const authOptions: NextAuthOptions = {
  secret: authSecret(),
  session: { strategy: "jwt", maxAge: 12 * 60 * 60 },
  pages: { signIn: "/signin", error: "/signin" },
  providers: [
    CredentialsProvider({
      name: "Email and password",
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      async authorize(credentials, req) {
        try {
          const user = await authenticate(credentials, { address: clientAddress(req?.headers) });
          return { id: user.id, email: user.email, name: user.name };
        } catch (err) {
          // next-auth hands the message to the sign-in form.
          if (err instanceof ServiceError) throw new Error(err.shown);
          throw err;
        }
      },
    }),
    ...oidcProvider(),
  ],
  callbacks: {
    async signIn({ account, profile }) {
      if (account?.provider !== "oidc") return true;
      // Bound to issuer + subject; a first link needs a verified email (see oidc-link.ts). Refusals show on the sign-in page.
      const outcome = await signInWithOidc(oidcClaims(profile), env.OIDC_DEFAULT_ROLE);
      return outcome.ok || `/signin?error=${outcome.code}`;
    },
    async jwt({ token, user, account, profile }) {
      if (user && account?.provider === "oidc") {
        const claims = oidcClaims(profile);
        token.sub = claims ? (await findOidcAccount(claims.issuer, claims.subject))?.id : undefined;
      } else if (user) {
        token.sub = user.id;
      }
      // At sign-in only: the session carries the account's epoch, and ends when someone ends its sessions.
      if (user) await stampSessionEpoch(token);
      return token;
    },
    session({ session, token }) {
      if (token.sub) session.user = { ...session.user, id: token.sub } as typeof session.user;
      return session;
    },
  },
};
