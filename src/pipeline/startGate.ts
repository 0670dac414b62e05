/**
 * What dispatch waits on before each start: this process's own token bucket (Pacer) or the
 * account's rate shared with other senders through the journal (SharedPacer).
 */
export interface StartGate {
  readonly rate: number;
  /** Applies to the starts not yet allowed. Throws a RangeError unless 0 < rate ≤ 100,000. */
  setRate(rate: number): void;
  /** Resolves when a start is allowed; rejects with the signal's reason if it aborts first. */
  acquire(signal?: AbortSignal): Promise<void>;
}
