/** The dry run: exactly what the action will do, in order. */
export function PlanList({ plan }: { plan: string[] }) {
  if (!plan.length) return <p className="text-sm text-slate-600 dark:text-slate-400">No steps.</p>;
  return (
    <ol data-testid="plan" className="list-decimal space-y-1 pl-6 text-sm marker:text-slate-500">
      {plan.map((step, i) => (
        <li key={i} className="pl-1">
          <code className="font-mono text-xs break-words text-slate-800 dark:text-slate-200">{step}</code>
        </li>
      ))}
    </ol>
  );
}
