import type { RotationKind } from "./oncall-rotation";

/** The on-call board as pages show it: every level of the escalation chain, who is on call now and next. */

export interface OnCallPerson {
  id: string;
  name: string;
  email: string;
}

/** A stretch with one person on call (null: nobody), its bounds as instants and as read in the level's zone. */
export interface OnCallStretch {
  person: OnCallPerson | null;
  /** Set when an override, not the rotation, puts this person on call. */
  overrideId: number | null;
  start: string;
  startText: string;
  /** null: not within the look-ahead (60 days). */
  end: string | null;
  endText: string | null;
}

export interface OnCallOverrideView {
  id: number;
  person: OnCallPerson | null;
  start: string;
  end: string;
  startText: string;
  endText: string;
  note: string;
}

export interface OnCallRotationView {
  kind: RotationKind;
  handoffTime: string;
  handoffDay: number;
  timeZone: string;
  startDate: string;
  members: OnCallPerson[];
  updatedAt: string;
}

export interface OnCallLevelView {
  level: number;
  /** The chain's name for it: "On-call engineer", "Tech lead", … */
  target: string;
  /** The zone its times are shown in: the rotation's, UTC without one. */
  timeZone: string;
  rotation: OnCallRotationView | null;
  now: OnCallStretch;
  next: OnCallStretch[];
  /** Overrides not yet ended, in start order. */
  overrides: OnCallOverrideView[];
}

export interface OnCallBoard {
  at: string;
  levels: OnCallLevelView[];
}
