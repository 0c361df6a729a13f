import { z } from "zod";
import { actionIds } from "./actions/catalog";
import { liveCheckIds } from "./live-checks";
import { incidentPhases, severities } from "./severity";

/** The shape of a runbook file in runbooks/: sections of steps, each with its command, action and live check. */

const slug = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "must be lower-case words joined by hyphens");

export const stepSchema = z.strictObject({
  id: slug,
  title: z.string().min(1),
  detail: z.string().min(1).optional(),
  command: z.string().min(1).optional(),
  commandKind: z.enum(["shell", "sql", "http"]).optional(),
  /** a runbook action Switchyard can run for this step, e.g. db.promote-replica */
  action: z.enum(actionIds, { error: `must be one of Switchyard's actions: ${actionIds.join(", ")}` }).optional(),
  /** the later steps of this runbook that its action does too: a plan's verified run ticks them all */
  covers: z.array(slug).min(1).optional(),
  /** a live check that ticks the step by itself when it holds */
  check: z
    .strictObject({
      id: z.enum(liveCheckIds),
      /** a stability timer: the check must hold this long without a break before the step ticks */
      holdMinutes: z
        .number()
        .int()
        .min(1)
        .max(24 * 60)
        .optional(),
    })
    .optional(),
  /** only for these severities (default: all) */
  severities: z.array(z.enum(severities)).min(1).optional(),
});

export const sectionSchema = z.strictObject({
  phase: z.enum(incidentPhases).optional(),
  title: z.string().min(1),
  steps: z.array(stepSchema).min(1),
});

export const runbookSchema = z
  .strictObject({
    id: slug,
    kind: z.enum(["response", "scenario", "procedure", "troubleshooting"]),
    title: z.string().min(1),
    summary: z.string().min(1),
    /** where in the operations runbook it comes from */
    source: z.string().min(1),
    defaultSeverity: z.enum(severities).optional(),
    symptoms: z.array(z.string().min(1)).default([]),
    sections: z.array(sectionSchema).min(1),
  })
  .superRefine((rb, ctx) => {
    const seen = new Set<string>();
    rb.sections.forEach((section, si) => {
      if ((rb.kind === "scenario" || rb.kind === "response") && !section.phase) {
        ctx.addIssue({
          code: "custom",
          path: ["sections", si, "phase"],
          message: `a ${rb.kind} section needs an incident phase`,
        });
      }
      section.steps.forEach((step, i) => {
        if (seen.has(step.id))
          ctx.addIssue({
            code: "custom",
            path: ["sections", si, "steps", i, "id"],
            message: `duplicate step id ${step.id}`,
          });
        seen.add(step.id);
        if (step.covers && !step.action)
          ctx.addIssue({
            code: "custom",
            path: ["sections", si, "steps", i, "covers"],
            message: "covers without an action",
          });
        if (step.commandKind && !step.command)
          ctx.addIssue({
            code: "custom",
            path: ["sections", si, "steps", i, "commandKind"],
            message: "commandKind without a command",
          });
      });
    });
    rb.sections.forEach((section, si) =>
      section.steps.forEach((step, i) =>
        step.covers?.forEach((id, ci) => {
          if (!seen.has(id))
            ctx.addIssue({
              code: "custom",
              path: ["sections", si, "steps", i, "covers", ci],
              message: `covers unknown step ${id}`,
            });
        }),
      ),
    );
    if (rb.kind === "scenario" && !rb.defaultSeverity)
      ctx.addIssue({ code: "custom", path: ["defaultSeverity"], message: "a scenario needs a default severity" });
  });

export type Runbook = z.infer<typeof runbookSchema>;
export type RunbookStep = z.infer<typeof stepSchema>;

/** Describes a problem as "file: step <id> (sections.1.steps.0.check.id): message". */
export function describeRunbookIssues(file: string, raw: unknown, error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const [s, si, st, i] = issue.path;
      let where = "";
      if (s === "sections" && st === "steps" && typeof si === "number" && typeof i === "number") {
        const step = (raw as { sections?: { steps?: { id?: string }[] }[] })?.sections?.[si]?.steps?.[i];
        where = ` step ${step?.id ?? `#${i + 1}`}`;
      }
      return `${file}:${where} (${issue.path.join(".") || "root"}) ${issue.message}`;
    })
    .join("\n");
}

export function parseRunbook(file: string, raw: unknown): Runbook {
  const parsed = runbookSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`Malformed runbook ${describeRunbookIssues(file, raw, parsed.error)}`);
  return parsed.data;
}
