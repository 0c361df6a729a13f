/** Class names shared by the incident components, so buttons and panels look the same everywhere. */

const focus = "focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-500";

export const panel =
  "rounded-xl border border-slate-200 bg-white p-4 shadow-sm dark:border-slate-800 dark:bg-slate-900";

export const btnPrimary = `inline-flex items-center justify-center gap-1.5 rounded-md bg-sky-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-sky-800 disabled:cursor-not-allowed disabled:opacity-60 dark:bg-sky-600 dark:hover:bg-sky-500 ${focus}`;

export const btnSecondary = `inline-flex items-center justify-center gap-1.5 rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-800 hover:bg-slate-50 disabled:cursor-not-allowed disabled:opacity-60 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100 dark:hover:bg-slate-800 ${focus}`;

export const btnDanger = `inline-flex items-center justify-center gap-1.5 rounded-md bg-red-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-red-800 disabled:cursor-not-allowed disabled:opacity-60 dark:bg-red-600 dark:hover:bg-red-500 ${focus}`;

export const btnSuccess = `inline-flex items-center justify-center gap-1.5 rounded-md bg-emerald-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-emerald-800 disabled:cursor-not-allowed disabled:opacity-60 dark:bg-emerald-600 dark:hover:bg-emerald-500 ${focus}`;

export const input =
  "w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm text-slate-900 placeholder:text-slate-400 dark:border-slate-700 dark:bg-slate-950 dark:text-slate-100";

export const label = "block text-sm font-medium text-slate-700 dark:text-slate-300";

export const muted = "text-slate-600 dark:text-slate-400";

/** Underlined: a link inside a sentence must not be told apart by its colour alone. */
export const link = "text-sky-700 underline underline-offset-2 hover:decoration-2 dark:text-sky-400";
