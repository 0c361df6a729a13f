import type { Metadata } from "next";
import { forbidden } from "next/navigation";
import { TokenCreateForm } from "@/components/admin/token-create-form";
import { TokenRevokeButton } from "@/components/admin/token-revoke-button";
import { StackCell, StackRow, StackTable } from "@/components/fleet/stack-table";
import { Timestamp } from "@/components/fleet/timestamp";
import { hasRole } from "@/lib/roles";
import { listApiTokens, TOKEN_EXPIRY_DAYS, TOKEN_SCOPE_LABELS, TOKEN_SCOPES } from "@/server/auth/api-tokens";
import { currentUser } from "@/server/auth/session";
import { createApiToken, revokeApiToken } from "./actions";

export const metadata: Metadata = { title: "API tokens" };

export default async function TokensPage() {
  const actor = await currentUser();
  if (!actor || !hasRole(actor.role, "admin")) forbidden();
  const tokens = await listApiTokens(actor);
  const scopeChoices = TOKEN_SCOPES.map((id) => ({ id, label: TOKEN_SCOPE_LABELS[id] }));
  return (
    <div className="space-y-6">
      <div className="space-y-1">
        <h1 className="text-xl font-semibold">API tokens</h1>
        <p className="text-sm text-slate-600 dark:text-slate-400">
          Bearer tokens let other tools read the JSON API (<code className="text-xs">Authorization: Bearer sy_…</code>,
          scope <code className="text-xs">read</code>) and post Alertmanager alerts (scope{" "}
          <code className="text-xs">alerts:write</code>). Only a hash is kept: a secret is shown once, when the token is
          created. Revoking a token also closes the event streams it holds open.
        </p>
      </div>
      <section
        aria-labelledby="create-token-heading"
        className="space-y-2 rounded-xl border border-slate-200 bg-white p-4 shadow-sm dark:border-slate-800 dark:bg-slate-900"
      >
        <h2 id="create-token-heading" className="font-semibold">
          Create a token
        </h2>
        <TokenCreateForm action={createApiToken} scopes={scopeChoices} expiryDays={TOKEN_EXPIRY_DAYS} />
      </section>
      <section aria-labelledby="tokens-heading" className="space-y-2">
        <h2 id="tokens-heading" className="text-lg font-semibold">
          Tokens
        </h2>
        {tokens.length === 0 ? (
          <p
            data-testid="no-tokens"
            className="rounded-xl border border-dashed border-slate-300 px-4 py-6 text-center text-sm text-slate-500 dark:border-slate-700 dark:text-slate-400"
          >
            No API tokens yet.
          </p>
        ) : (
          <StackTable
            label="API tokens"
            columns={["Name", "Prefix", "Scopes", "Created by", "Created", "Last used", "State", ""]}
          >
            {tokens.map((t) => (
              <StackRow key={t.id} data-testid={`token-${t.name}`} data-revoked={String(t.revokedAt !== null)}>
                <StackCell label="Name" head>
                  {t.name}
                </StackCell>
                <StackCell label="Prefix">
                  <code className="font-mono text-xs">{t.prefix}…</code>
                </StackCell>
                <StackCell label="Scopes" testId="token-scopes">
                  {t.scopes.join(", ")}
                </StackCell>
                <StackCell label="Created by">{t.createdBy ?? "—"}</StackCell>
                <StackCell label="Created">
                  <Timestamp iso={t.createdAt} className="text-xs" />
                </StackCell>
                <StackCell label="Last used">
                  {t.lastUsedAt ? <Timestamp iso={t.lastUsedAt} className="text-xs" /> : "never"}
                </StackCell>
                <StackCell label="State" testId="token-state">
                  {t.revokedAt ? (
                    <span className="text-slate-500 dark:text-slate-400">
                      revoked <Timestamp iso={t.revokedAt} show="full" className="text-xs" />
                    </span>
                  ) : t.expired && t.expiresAt ? (
                    <span className="text-slate-500 dark:text-slate-400">
                      expired <Timestamp iso={t.expiresAt} show="full" className="text-xs" />
                    </span>
                  ) : (
                    <span className="text-emerald-700 dark:text-emerald-300">active</span>
                  )}
                  {!t.revokedAt && !t.expired && t.expiresAt && (
                    <span className="block text-xs text-slate-500 dark:text-slate-400">
                      expires <Timestamp iso={t.expiresAt} show="full" />
                    </span>
                  )}
                </StackCell>
                <StackCell label="">
                  {!t.revokedAt && <TokenRevokeButton id={t.id} name={t.name} action={revokeApiToken} />}
                </StackCell>
              </StackRow>
            ))}
          </StackTable>
        )}
      </section>
    </div>
  );
}
