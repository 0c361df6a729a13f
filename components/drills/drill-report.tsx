"use client";

import { useQuery } from "@tanstack/react-query";
import { useServerNow } from "@/components/ui/use-server-now";
import { scoreDrill } from "@/lib/drill-score";
import { drillClockStart, type DrillView } from "@/lib/drills";
import { incidentQuery } from "@/lib/queries";
import { DrillScoreTable, ScoreSummary } from "./drill-score-table";

/**
 * The drill's scored report. An ended drill shows the score kept when it ended; a running one is scored live from its
 * incident (the same query the incident page uses, so a message sent or a status moved shows here within a second)
 * on the server's clock: a mark not reached yet is "not yet" until its target passes.
 */
export function DrillReport({ drill, serverNow }: { drill: DrillView; serverNow: string }) {
  const running = drill.status === "running";
  const { data } = useQuery({ ...incidentQuery(drill.incident?.id ?? 0), enabled: running && !!drill.incident });
  const now = useServerNow(serverNow, 0);
  const incident = (running && data?.incident) || drill.incident;
  const score =
    drill.score ??
    scoreDrill({
      severity: drill.severity,
      clockStart: drillClockStart(drill),
      incident,
      at: new Date(running ? now : Date.parse(drill.endedAt ?? serverNow)).toISOString(),
      final: !running,
    });
  return (
    <div className="space-y-3">
      <ScoreSummary score={score} final={!running} />
      <DrillScoreTable score={score} />
    </div>
  );
}
