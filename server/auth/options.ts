import "server-only";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import type { OAuthConfig } from "next-auth/providers/oauth";
import { getDb } from "@/server/db";
import { env } from "@/server/env";
import { ServiceError } from "@/server/errors";
import { clientAddress, stampPeerAddresses } from "./client-address";
import { authSecret } from "./secret";
import { authenticate } from "./sign-in";
import { findCredentials, insertUser } from "./users";

// Sign-ins are throttled by the socket's address; start-up may have stamped requests already (idempotent).
stampPeerAddresses();

type OidcProfile = { sub: string; email?: string; name?: string; preferred_username?: string };

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
          if (err instanceof ServiceError) throw new Error(err.message);
          throw err;
        }
      },
    }),
    ...oidcProvider(),
  ],
  callbacks: {
    async signIn({ user, account }) {
      if (account?.provider !== "oidc") return true;
      if (!user.email) return false;
      // First OIDC sign-in creates the account with the default role; an admin raises it.
      if (!(await findCredentials(user.email))) {
        const db = await getDb();
        await db.transaction((tx) => insertUser(tx, { email: user.email!, name: user.name ?? user.email!, role: env.OIDC_DEFAULT_ROLE }));
      }
      return true;
    },
    async jwt({ token, user, account }) {
      if (user && account?.provider === "oidc" && user.email) {
        token.sub = (await findCredentials(user.email))?.id;
      } else if (user) {
        token.sub = user.id;
      }
      return token;
    },
    session({ session, token }) {
      if (token.sub) session.user = { ...session.user, id: token.sub } as typeof session.user;
      return session;
    },
  },
};
