/** Something a list answer showed that may be an in-doubt create's. */
export interface FoundCandidate {
  sid: string;
  /** Wall-clock ms; null when Twilio gave none (then any time matches). */
  createdAt: number | null;
}

export interface PickOptions {
  /** Wall-clock ms when the row's first attempt now in doubt started. */
  attemptAt: number;
  nowMs: number;
  /** How far Twilio's dates may lie outside [attempt, now]. */
  skewMs: number;
  /** Sids the journal already gives to rows of the run: never another row's. */
  knownSids: ReadonlySet<string>;
}

/**
 * Of the listed resources that match an in-doubt row's request, the one that is the row's (the
 * earliest created since the attempt) and any later ones, which can only be it sent again.
 * Pure: the same list, the same answer.
 */
export function pickFound(
  candidates: readonly FoundCandidate[],
  options: PickOptions,
): { sid: string | null; duplicates: string[] } {
  const from = options.attemptAt - options.skewMs;
  const until = options.nowMs + options.skewMs;
  const inWindow = candidates
    .filter((c) => !options.knownSids.has(c.sid))
    .filter((c) => c.createdAt === null || (c.createdAt >= from && c.createdAt <= until))
    .sort((a, b) => (a.createdAt ?? 0) - (b.createdAt ?? 0) || a.sid.localeCompare(b.sid));
  const [first, ...rest] = inWindow;
  return { sid: first?.sid ?? null, duplicates: rest.map((c) => c.sid) };
}
