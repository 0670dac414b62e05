// CPU time, in ms, of the parts of a scale-out case, read from Linux's /proc: this process
// (the simulator runs in it), the children it has waited for (the senders), and PostgreSQL
// (every `postgres` process; the postmaster's waited-for children are its ended backends).
// Deltas around a case say what a message costs each part, and how many cores the target
// needs: on a machine with fewer, the rate is CPU-bound whatever the protocol does.

import { readdirSync, readFileSync } from "node:fs";

const TICK_MS = 10; // USER_HZ: 100 on every Linux build Node supports (getconf CLK_TCK).

/** utime, stime, cutime, cstime of one process, in ms; null once it is gone. */
function times(pid) {
  let stat;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return null;
  }
  // The command name is in parentheses and may hold spaces: fields count from after it.
  const close = stat.lastIndexOf(")");
  const fields = stat.slice(close + 2).split(" ");
  const comm = stat.slice(stat.indexOf("(") + 1, close);
  const [utime, stime, cutime, cstime] = fields.slice(11, 15).map((f) => Number(f) * TICK_MS);
  return { comm, self: utime + stime, children: cutime + cstime };
}

export function cpuSample() {
  const me = times("self");
  let postgres = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const t = times(entry);
    if (t?.comm === "postgres") postgres += t.self + t.children;
  }
  return { simulator: me?.self ?? 0, senders: me?.children ?? 0, postgres };
}

/** ms of CPU per message for each part between two samples, and the cores `rate` needs. */
export function cpuPerMessage(before, after, messages, rate) {
  const per = (key) => (after[key] - before[key]) / Math.max(1, messages);
  const parts = { senders: per("senders"), simulator: per("simulator"), postgres: per("postgres") };
  const total = parts.senders + parts.simulator + parts.postgres;
  return { ...parts, total, coresAtTarget: (total * rate) / 1000 };
}
