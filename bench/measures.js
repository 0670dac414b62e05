// Measures on arrival times (ms) shared by the pacing and scale-out benchmarks.

/** The most arrivals in any half-open window [t, t + windowMs), checking every arrival as t. */
export function maxInWindow(times, windowMs) {
  let most = 0;
  let end = 0;
  for (let i = 0; i < times.length; i++) {
    while (end < times.length && times[end] < times[i] + windowMs) end++;
    most = Math.max(most, end - i);
  }
  return most;
}

export function analyse(times, rate, burst) {
  const at = [...times].sort((a, b) => a - b);
  const n = at.length;
  const spanMs = n > 1 ? at[n - 1] - at[0] : Number.NaN;
  const achieved = ((n - 1) * 1000) / spanMs;
  const worst1s = maxInWindow(at, 1000);
  return {
    n,
    achieved,
    ratio: achieved / rate,
    worst1s,
    worst1sRatio: worst1s / (rate + burst),
    worst100ms: maxInWindow(at, 100),
    ideal100ms: Math.floor(rate / 10 + burst),
  };
}
