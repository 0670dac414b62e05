export type SmsEncoding = "GSM-7" | "UCS-2";

export interface SegmentCount {
  encoding: SmsEncoding;
  segments: number;
  /** Septets for GSM-7 (an extension character costs two), UTF-16 code units for UCS-2. */
  units: number;
}

// GSM 03.38 default alphabet, without ESC: a literal ESC in a body is not a character.
const GSM_BASIC = new Set(
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà",
);
// Reached through ESC, so each costs two septets and the pair is never split.
const GSM_EXTENSION = new Set("\f^{}\\[~]|€");

const LIMITS: Record<SmsEncoding, { single: number; part: number }> = {
  "GSM-7": { single: 160, part: 153 },
  "UCS-2": { single: 70, part: 67 },
};

/**
 * How many SMS segments a body needs, as carriers split it: GSM-7 when every character is in
 * the GSM alphabet, else UCS-2 for the whole message. Parts of a long message lose room to
 * the concatenation header, and a part boundary never cuts an escape pair or a surrogate pair.
 * An empty body is 0 segments: a media-only message is an MMS, which is not segmented.
 */
export function countSegments(body: string): SegmentCount {
  // Most bodies fit one part: count their units without a per-character list.
  const septets = gsmSeptets(body);
  if (septets !== undefined && septets <= LIMITS["GSM-7"].single) {
    return { encoding: "GSM-7", segments: septets === 0 ? 0 : 1, units: septets };
  }
  const gsm = septets === undefined ? undefined : gsmCosts(body);
  const encoding: SmsEncoding = gsm === undefined ? "UCS-2" : "GSM-7";
  const costs = gsm ?? ucs2Costs(body);
  const units = costs.reduce((sum, cost) => sum + cost, 0);
  const { single, part } = LIMITS[encoding];
  if (units === 0) return { encoding, segments: 0, units };
  if (units <= single) return { encoding, segments: 1, units };
  return { encoding, segments: packParts(costs, part), units };
}

/** The body's septets, or undefined when a character is outside the GSM alphabet. */
function gsmSeptets(body: string): number | undefined {
  let septets = 0;
  for (let i = 0; i < body.length; i++) {
    const char = body[i]!;
    // Every GSM character is one UTF-16 unit: a surrogate half is in neither set.
    if (GSM_BASIC.has(char)) septets += 1;
    else if (GSM_EXTENSION.has(char)) septets += 2;
    else return undefined;
  }
  return septets;
}

/** Septets per character, or undefined when one is outside the GSM alphabet. */
function gsmCosts(body: string): number[] | undefined {
  const costs: number[] = [];
  for (const char of body) {
    if (GSM_BASIC.has(char)) costs.push(1);
    else if (GSM_EXTENSION.has(char)) costs.push(2);
    else return undefined;
  }
  return costs;
}

/** UTF-16 code units per code point: an astral character is an unsplittable 2. */
function ucs2Costs(body: string): number[] {
  return Array.from(body, (char) => char.length);
}

function packParts(costs: number[], capacity: number): number {
  let parts = 1;
  let used = 0;
  for (const cost of costs) {
    if (used + cost > capacity) {
      parts++;
      used = 0;
    }
    used += cost;
  }
  return parts;
}
