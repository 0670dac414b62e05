import type { SqlQueries } from "./sql/sqlClient.js";

/**
 * The packed request (requestColumn.ts) a run's rows most often repeat, kept once on the run:
 * the first request its pre-flight journals. Only the pre-flight, which holds the run alone,
 * writes a run's rows, so the template is read or set once per run and then held here.
 */
export class RequestTemplate {
  private readonly byRun = new Map<number, string | null>();

  /** What to store for each packed request: '' where it is the run's template. */
  async stored(
    q: SqlQueries,
    runId: number,
    packed: readonly (string | null)[],
  ): Promise<(string | null)[]> {
    const template = await this.of(q, runId, packed.find((p) => p !== null) ?? null);
    return template === null ? [...packed] : packed.map((p) => (p === template ? "" : p));
  }

  private async of(q: SqlQueries, runId: number, first: string | null): Promise<string | null> {
    const known = this.byRun.get(runId);
    if (known != null) return known;
    const row = await q.get<{ request_template: string | null }>(
      "SELECT request_template FROM runs WHERE id = ?",
      [runId],
    );
    let template = row?.request_template ?? null;
    if (template === null && first !== null) {
      await q.run("UPDATE runs SET request_template = ? WHERE id = ?", [first, runId]);
      template = first;
    }
    this.byRun.set(runId, template);
    return template;
  }
}
