import { formatRate, formatRatio } from "@/lib/units";

/** Traffic figures as the traffic components show them; "—" when unknown. */
export const requests = (v: number | null | undefined) => (v == null ? "—" : `${formatRate(v)} req/s`);
export const ratio = (v: number | null | undefined) => (v == null ? "—" : formatRatio(v));
export const millis = (v: number | null | undefined) => (v == null ? "—" : `${Math.round(v)} ms`);
