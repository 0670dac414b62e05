import type { Prng } from "./prng.js";

/** A Twilio-shaped sid: two letters and 32 hex digits, drawn from `next`, unique by `taken`. */
export function makeSid(prefix: string, next: Prng, taken: (sid: string) => boolean): string {
  for (;;) {
    let hex = "";
    for (let i = 0; i < 4; i++) {
      hex += Math.floor(next() * 2 ** 32)
        .toString(16)
        .padStart(8, "0");
    }
    // A seeded stream repeats across runs, so a sid collision within a run is the only risk.
    const sid = `${prefix}${hex}`;
    if (!taken(sid)) return sid;
  }
}
