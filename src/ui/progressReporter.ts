import cliProgress from "cli-progress";
import type { Clock } from "../core/clock.js";
import type { StateCounts } from "../core/rowState.js";
import { formatDuration } from "./formatDuration.js";

export interface ProgressReporter {
  /** `total`: rows this command will try to finish; `base`: counts before it started. */
  start(total: number): void;
  update(counts: StateCounts, done: number): void;
  stop(): void;
}

export interface ProgressTarget {
  stream: NodeJS.WritableStream & { isTTY?: boolean };
  clock: Clock;
  /** Seconds between log lines when the stream is not a terminal (cron, CI, a pipe). */
  logEverySeconds?: number;
  label?: string;
}

/**
 * A bar on a terminal; off a terminal, one plain log line every few seconds, since a bar's
 * carriage returns turn a cron mail or a CI log into noise.
 */
export function createProgressReporter(target: ProgressTarget): ProgressReporter {
  return target.stream.isTTY ? barReporter(target) : logReporter(target);
}

function barReporter({ stream, clock, label = "sending" }: ProgressTarget): ProgressReporter {
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: `${label} {bar} {value}/{total} | sent {sent} | failed {failed} | in doubt {in_doubt} | {rate}/s | ETA {eta_formatted}`,
      hideCursor: true,
      barsize: 24,
      etaBuffer: 200,
      fps: 5,
    },
    cliProgress.Presets.shades_classic,
  );
  let startedAt = 0;
  return {
    start(total) {
      startedAt = clock.now();
      bar.start(total, 0, { sent: 0, failed: 0, in_doubt: 0, rate: "0.0" });
    },
    update(counts, done) {
      const elapsed = (clock.now() - startedAt) / 1000;
      bar.update(done, {
        sent: counts.sent,
        failed: counts.failed,
        in_doubt: counts.in_doubt,
        rate: (elapsed > 0 ? done / elapsed : 0).toFixed(1),
      });
    },
    stop() {
      bar.stop();
    },
  };
}

function logReporter({
  stream,
  clock,
  logEverySeconds = 5,
  label = "sending",
}: ProgressTarget): ProgressReporter {
  let total = 0;
  let startedAt = 0;
  let lastLog = 0;
  const line = (counts: StateCounts, done: number) => {
    const elapsed = clock.now() - startedAt;
    const rate = elapsed > 0 ? (done * 1000) / elapsed : 0;
    const eta = rate > 0 ? ((total - done) / rate) * 1000 : Number.POSITIVE_INFINITY;
    stream.write(
      `[${new Date().toISOString()}] ${label} ${done}/${total}: sent ${counts.sent}, failed ${counts.failed}, in doubt ${counts.in_doubt}, ${rate.toFixed(1)}/s, ETA ${formatDuration(eta)}\n`,
    );
  };
  return {
    start(n) {
      total = n;
      startedAt = clock.now();
      lastLog = startedAt;
    },
    update(counts, done) {
      if (clock.now() - lastLog >= logEverySeconds * 1000) {
        lastLog = clock.now();
        line(counts, done);
      }
    },
    stop() {},
  };
}
