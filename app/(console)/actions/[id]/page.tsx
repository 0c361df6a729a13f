import { QueryClient } from "@tanstack/react-query";
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { RunView } from "@/components/actions/run/run-view";
import type { ActionRunDetail } from "@/lib/actions/run";
import { rowId } from "@/lib/id-schema";
import { actionQuery } from "@/lib/queries";
import { getAction } from "@/server/actions/action-service";
import { requireUser } from "@/server/auth/session";
import { ServiceError } from "@/server/errors";
import { approveRun, cancelRun, controlRun, overridePreflight, rejectRun } from "../actions";
import { BackLink } from "@/components/ui/back-link";
import { QuerySeed } from "@/components/ui/query-seed";

type Props = { params: Promise<{ id: string }> };

const parseId = (raw: string) => rowId.safeParse(raw).data ?? null;

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const id = parseId((await params).id);
  return { title: id ? `Action #${id}` : "Action" };
}

export default async function ActionRunPage({ params }: Props) {
  const id = parseId((await params).id);
  if (!id) notFound();
  const user = await requireUser();
  let run: ActionRunDetail;
  try {
    run = await getAction({ kind: "user", user }, id);
  } catch (err) {
    if (err instanceof ServiceError && err.code === "not_found") notFound();
    throw err;
  }
  const queryClient = new QueryClient();
  queryClient.setQueryData(actionQuery(id).queryKey, run);
  return (
    <div className="space-y-3">
      <BackLink href="/actions" label="Actions" />
      <QuerySeed client={queryClient}>
        <RunView
          id={id}
          viewer={{ userId: user.id, role: user.role }}
          actions={{
            approve: approveRun,
            reject: rejectRun,
            override: overridePreflight,
            cancel: cancelRun,
            control: controlRun,
          }}
        />
      </QuerySeed>
    </div>
  );
}
