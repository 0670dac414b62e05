/**
 * Runs tasks one after another, each once the one before it has settled: a read-decide-write
 * sequence on the journal that must not interleave with another one of the same process (the
 * journal awaits between its statements, and the dispatcher runs many workers at once).
 */
export class Serial {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    // The next task waits for this one whether it failed or not; its caller sees the failure.
    this.tail = result.catch(() => {});
    return result;
  }
}
