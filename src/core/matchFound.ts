/** Something a list answer showed that may be an in-doubt create's. */
export interface FoundCandidate {
  sid: string;
  /** Wall-clock ms; null when Twilio gave none (then any time matches). */
  createdAt: number | null;
  /** Orders candidates created at the same time (Twilio's dates have whole seconds): lower is older. */
  rank?: number;
}

/** An in-doubt row of one search group (same recipient and sender, or contact and flow). */
export interface FoundAttempt {
  idx: number;
  /**
   * The row's request as it was sent: rows with the same identity asked for the same thing, so
   * which of them takes which of the listed resources makes no difference.
   */
  identity: string;
  /** Wall-clock ms: nothing created before this can be the row's (its first attempt, less skew). */
  from: number;
  /** Wall-clock ms: nor after this (its last attempt's start, plus the timeout and skew). */
  until: number;
  /**
   * The only listed resources that can be the row's (a message's body must be the row's); any
   * when absent. Rows with the same identity must accept the same.
   */
  accepts?: ReadonlySet<string>;
}

export interface FoundMatch {
  idx: number;
  /** The resource that is this row's, or null when none was found. */
  sid: string | null;
  /** Further resources that can only be this row's too: it was sent more than once. */
  duplicates: string[];
  /**
   * Listed resources that could be this row's, or another row's that asked for something else:
   * the list cannot tell which, so the row must stay in doubt. Empty when `sid` is set.
   */
  ambiguous: string[];
}

/**
 * Decides which listed resources are the in-doubt rows' own, for one group of rows the list
 * cannot tell apart by recipient (calls to one number from one sender, a flow's executions for
 * one contact). A resource is a row's candidate when the journal knows it nowhere and it was
 * created inside the row's window. Rows that asked for the same thing share their candidates,
 * and as many rows as possible get one: taken in order of their window's end, each takes the
 * oldest candidate left in its window (a row retried later, with a wide window, cannot take the
 * only candidate of a row with a narrow one). Candidates left over are duplicates only when
 * every row of the identity has one: else nothing says which row sent them twice. A candidate
 * inside the windows of rows that asked for different things (another URL, other flow data,
 * another run's row) cannot be told apart: such rows stay in doubt rather than go back to
 * pending and be sent again, or take another row's call. A row with no candidate at all was
 * not created. `attempts` in the order they were attempted. Pure.
 */
export function matchFound(
  attempts: readonly FoundAttempt[],
  candidates: readonly FoundCandidate[],
  knownSids: ReadonlySet<string>,
): FoundMatch[] {
  const canBe = (c: FoundCandidate, a: FoundAttempt) =>
    (c.createdAt === null || (c.createdAt >= a.from && c.createdAt <= a.until)) &&
    (a.accepts === undefined || a.accepts.has(c.sid));
  // Oldest first; a resource without a date sorts last, so dated ones are taken before it.
  const unknown = candidates
    .filter((c) => !knownSids.has(c.sid))
    .sort(
      (a, b) =>
        (a.createdAt ?? Infinity) - (b.createdAt ?? Infinity) ||
        (a.rank ?? 0) - (b.rank ?? 0) ||
        a.sid.localeCompare(b.sid),
    );
  // Which identities each candidate could belong to.
  const owners = new Map<string, Set<string>>();
  for (const c of unknown) {
    const ids = new Set(attempts.filter((a) => canBe(c, a)).map((a) => a.identity));
    if (ids.size > 0) owners.set(c.sid, ids);
  }
  const shared = new Set([...owners].filter(([, ids]) => ids.size > 1).map(([sid]) => sid));
  const results = new Map<number, FoundMatch>();
  for (const identity of new Set(attempts.map((a) => a.identity))) {
    const group = attempts.filter((a) => a.identity === identity);
    const own = unknown.filter((c) => owners.get(c.sid)?.has(identity) && !shared.has(c.sid));
    // Earliest window end first, oldest candidate first: the most rows that can have one do
    // (points to intervals), so no row goes back to pending while its message is listed.
    const byEnd = [...group].sort((a, b) => a.until - b.until || a.from - b.from || a.idx - b.idx);
    const claimed = new Map<string, FoundAttempt>();
    const taken = new Map<number, string>();
    for (const attempt of byEnd) {
      const found = own.find((c) => !claimed.has(c.sid) && canBe(c, attempt));
      if (found) {
        claimed.set(found.sid, attempt);
        taken.set(attempt.idx, found.sid);
      }
    }
    const matches = group.map((attempt): FoundMatch => {
      const sid = taken.get(attempt.idx);
      if (sid !== undefined) return { idx: attempt.idx, sid, duplicates: [], ambiguous: [] };
      const ambiguous = unknown
        .filter((c) => shared.has(c.sid) && canBe(c, attempt))
        .map((c) => c.sid);
      return { idx: attempt.idx, sid: null, duplicates: [], ambiguous };
    });
    if (matches.every((m) => m.sid !== null)) {
      for (const c of own.filter((c) => !claimed.has(c.sid))) {
        // The latest-attempted row whose window holds it (one always does: it is a candidate).
        const i = group.findLastIndex((a) => canBe(c, a));
        matches[i >= 0 ? i : matches.length - 1]!.duplicates.push(c.sid);
      }
    }
    for (const match of matches) results.set(match.idx, match);
  }
  return attempts.map((a) => results.get(a.idx)!);
}
