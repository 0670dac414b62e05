import { createPrng, deriveSeed } from "./prng.js";

/**
 * The kinds of recipient a rehearsal list mixes. `normal` numbers are NANP 555-0100…0199,
 * reserved for fiction, so a list sent with live credentials by mistake reaches nobody; their
 * last four digits also pick the simulator's delivery outcome (see defaultFinalizeRule).
 */
export const REHEARSAL_KINDS = {
  normal: { to: null, code: null },
  valid: { to: "+15005550006", code: null },
  invalid: { to: "+15005550001", code: 21211 },
  no_route: { to: "+15005550002", code: 21612 },
  region: { to: "+15005550003", code: 21408 },
  opted_out: { to: "+15005550004", code: 21610 },
  landline: { to: "+15005550009", code: 21614 },
} as const satisfies Record<string, { to: string | null; code: number | null }>;

export type RehearsalKind = keyof typeof REHEARSAL_KINDS;

/** Weights, not shares: `{ normal: 8, invalid: 2 }` is 80 % and 20 %. */
export type RehearsalMix = Partial<Record<RehearsalKind, number>>;

export const DEFAULT_REHEARSAL_MIX: Readonly<Record<RehearsalKind, number>> = {
  normal: 80,
  valid: 10,
  invalid: 2,
  no_route: 2,
  region: 2,
  opted_out: 2,
  landline: 2,
};

export interface RehearsalRow {
  to: string;
  from: string;
  body: string;
  kind: RehearsalKind;
  /** What Twilio (or the simulator) answers the create: `sent`, or `failed <code>`. */
  expected: string;
}

const PHRASES = [
  "Your appointment is confirmed for tomorrow at 10:00.",
  "Reminder: your order ships today. Reply STOP to opt out.",
  "Thanks for your visit! Tell us how we did.",
  "Your verification code is 482913. It expires in 10 minutes.",
  "Le rendez-vous est confirmé à 14h. À bientôt !",
  // Outside GSM-7: the whole message becomes UCS-2 (70 characters a segment).
  "Order ready ✓ Pick it up at the front desk 🙂",
  // Long enough for two GSM-7 segments.
  "This is a longer rehearsal message that goes past the 160 characters of one SMS segment, so it is sent as two parts and the rate meter charges two segments for it.",
];

/**
 * A rehearsal list, one row at a time, the same for the same seed: every row goes to one of
 * Twilio's magic test numbers (each refused with its own error) or a fictional number, in the
 * given mix. Every body is distinct (it carries the row number), so no row is a duplicate of
 * another for `send`'s To-and-body check.
 */
export function* rehearsalRows(options: {
  rows: number;
  seed: number;
  mix?: RehearsalMix;
  from?: string;
}): Generator<RehearsalRow> {
  const kinds = weighted(options.mix ?? DEFAULT_REHEARSAL_MIX);
  const pick = createPrng(deriveSeed(options.seed, 0));
  const digits = createPrng(deriveSeed(options.seed, 1));
  const words = createPrng(deriveSeed(options.seed, 2));
  const from = options.from ?? "+15005550006";
  for (let n = 1; n <= options.rows; n++) {
    const kind = choose(kinds, pick());
    const { to, code } = REHEARSAL_KINDS[kind];
    const phrase = PHRASES[Math.floor(words() * PHRASES.length)]!;
    yield {
      to: to ?? `+1202555${String(100 + Math.floor(digits() * 100)).padStart(4, "0")}`,
      from,
      body: `[${n}] ${phrase}`,
      kind,
      expected: code === null ? "sent" : `failed ${code}`,
    };
  }
}

type Cumulative = { kind: RehearsalKind; upTo: number }[];

function weighted(mix: RehearsalMix): Cumulative {
  const entries = Object.entries(mix).filter(([, w]) => (w ?? 0) > 0) as [RehearsalKind, number][];
  const total = entries.reduce((sum, [, w]) => sum + w, 0);
  if (total <= 0) throw new RangeError("a rehearsal mix must give some kind a weight above 0");
  let sum = 0;
  return entries.map(([kind, w]) => {
    sum += w / total;
    return { kind, upTo: sum };
  });
}

function choose(kinds: Cumulative, draw: number): RehearsalKind {
  for (const { kind, upTo } of kinds) if (draw < upTo) return kind;
  // Rounding can leave the last bound a hair below 1.
  return kinds[kinds.length - 1]!.kind;
}
