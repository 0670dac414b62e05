import { Metadata, type NumberType } from "libphonenumber-js/max";

/**
 * What libphonenumber-js (max metadata) says of a number already written `+<digits>`, read off
 * the same metadata with every pattern compiled once per country. Its own `isValid` compiles a
 * RegExp for each pattern it tries, on every call: most of the pre-flight's time on a large
 * list, where nearly every number is already E.164.
 *
 * Undefined when libphonenumber would read the digits as another number (a national prefix it
 * strips, a non-geographic calling code) or would not read them at all: the caller then asks
 * libphonenumber itself. `test/core/classifyE164.test.ts` holds the two answers side by side.
 */
export function classifyE164(text: string): E164Class | undefined {
  if (!E164_SHAPE.test(text)) return undefined;
  const code = callingCodeOf(text);
  if (code === undefined) return undefined;
  const national = text.slice(1 + code.callingCode.length);
  if (national.length < MIN_NATIONAL || national.length > MAX_NATIONAL) return undefined;
  if (code.nationalPrefix?.test(national)) return undefined;
  const found = countryOf(code, national);
  const plan = found?.plan ?? code.countries[0]!.plan;
  const type = found?.type !== undefined ? found.type : typeOf(plan, national);
  return plan.hasTypes
    ? { valid: type !== undefined, type }
    : { valid: plan.nationalNumber.test(national), type: undefined };
}

export interface E164Class {
  /** What `parsePhoneNumber(text).isValid()` answers. */
  valid: boolean;
  /** What `parsePhoneNumber(text).getType()` answers. */
  type: NumberType;
}

// Digits after `+`, the first not 0 (libphonenumber gives up on +0…); a calling code and at
// least two national digits.
const E164_SHAPE = /^\+[1-9]\d{2,}$/;
// libphonenumber's MIN_LENGTH_FOR_NSN and MAX_LENGTH_FOR_NSN: outside them it reads nothing.
const MIN_NATIONAL = 2;
const MAX_NATIONAL = 17;
const MAX_CALLING_CODE = 3;
// The order getNumberType tries them in, fixed line first.
const OTHER_TYPES = [
  "MOBILE",
  "PREMIUM_RATE",
  "TOLL_FREE",
  "SHARED_COST",
  "VOIP",
  "PERSONAL_NUMBER",
  "PAGER",
  "UAN",
  "VOICEMAIL",
] as const;

interface TypePattern {
  name: Exclude<NumberType, undefined>;
  pattern: RegExp;
  lengths: readonly number[] | undefined;
}

interface Plan {
  nationalNumber: RegExp;
  hasTypes: boolean;
  fixedLine: TypePattern | undefined;
  /** Present in the metadata (an empty pattern means "the same as fixed line"). */
  hasMobile: boolean;
  mobileSameAsFixed: boolean;
  mobile: TypePattern | undefined;
  others: TypePattern[];
}

interface CallingCode {
  callingCode: string;
  /** The main country first, as libphonenumber lists them. */
  countries: { country: string; leadingDigits: RegExp | undefined; plan: Plan }[];
  /** The main country's national prefix, which parsing would strip. */
  nationalPrefix: RegExp | undefined;
}

/** The parts of libphonenumber's Metadata read here; its typings declare only a few. */
interface RawMetadata {
  hasCallingCode(callingCode: string): boolean | undefined;
  getCountryCodesForCallingCode(callingCode: string): string[] | undefined;
  selectNumberingPlan(country: string): void;
  numberingPlan: RawPlan;
}
interface RawPlan {
  nationalNumberPattern(): string;
  nationalPrefixForParsing(): string | undefined;
  leadingDigits(): string | undefined;
  hasTypes(): boolean;
  type(name: string): { pattern(): string; possibleLengths(): number[] | undefined } | undefined;
}

const metadata = new Metadata() as unknown as RawMetadata;
/** Compiled on first use, false for digits that are no calling code: a list reaches few. */
const callingCodes = new Map<string, CallingCode | false>();

/** The calling code libphonenumber reads, shortest first; undefined for a non-geographic one. */
function callingCodeOf(text: string): CallingCode | undefined {
  for (let length = 1; length <= MAX_CALLING_CODE; length++) {
    const digits = text.slice(1, 1 + length);
    let code = callingCodes.get(digits);
    if (code === undefined) {
      code = metadata.hasCallingCode(digits) ? compileCallingCode(digits) : false;
      callingCodes.set(digits, code);
    }
    if (code !== false) return code.countries.length > 0 ? code : undefined;
  }
  return undefined;
}

/** A non-geographic calling code (+800, +882 …) has no countries. */
function compileCallingCode(callingCode: string): CallingCode {
  const countries = (metadata.getCountryCodesForCallingCode(callingCode) ?? []).map((country) => {
    metadata.selectNumberingPlan(country);
    const raw = metadata.numberingPlan;
    const leading = raw.leadingDigits();
    return {
      country,
      leadingDigits: leading ? new RegExp(`^(?:${leading})`) : undefined,
      plan: compilePlan(raw),
      nationalPrefix: raw.nationalPrefixForParsing(),
    };
  });
  const nationalPrefix = countries[0]?.nationalPrefix;
  return {
    callingCode,
    countries,
    nationalPrefix: nationalPrefix ? new RegExp(`^(?:${nationalPrefix})`) : undefined,
  };
}

function compilePlan(raw: RawPlan): Plan {
  const typePattern = (name: TypePattern["name"]): TypePattern | undefined => {
    const type = raw.type(name);
    if (!type?.pattern()) return undefined;
    return { name, pattern: entirely(type.pattern()), lengths: type.possibleLengths() };
  };
  const mobile = raw.type("MOBILE");
  return {
    nationalNumber: entirely(raw.nationalNumberPattern()),
    hasTypes: raw.hasTypes(),
    fixedLine: typePattern("FIXED_LINE"),
    hasMobile: mobile !== undefined,
    mobileSameAsFixed: mobile !== undefined && mobile.pattern() === "",
    mobile: typePattern("MOBILE"),
    others: OTHER_TYPES.map(typePattern).filter((type) => type !== undefined),
  };
}

/** libphonenumber's matchesEntirely, compiled once. */
function entirely(pattern: string): RegExp {
  return new RegExp(`^(?:${pattern})$`);
}

/**
 * libphonenumber's getCountryByNationalNumber: the first country whose leading digits match,
 * or, for one without leading digits, whose number types do. The type is kept when it was
 * what decided, so it is not worked out twice.
 */
function countryOf(
  code: CallingCode,
  national: string,
): { plan: Plan; type: NumberType | undefined } | undefined {
  if (code.countries.length === 1) return { plan: code.countries[0]!.plan, type: undefined };
  for (const { leadingDigits, plan } of code.countries) {
    if (leadingDigits !== undefined) {
      if (leadingDigits.test(national)) return { plan, type: undefined };
    } else {
      const type = typeOf(plan, national);
      if (type !== undefined) return { plan, type };
    }
  }
  return undefined;
}

/** libphonenumber's getNumberType. */
function typeOf(plan: Plan, national: string): NumberType {
  if (!plan.nationalNumber.test(national)) return undefined;
  if (plan.fixedLine !== undefined && isType(plan.fixedLine, national)) {
    if (plan.mobileSameAsFixed || !plan.hasMobile) return "FIXED_LINE_OR_MOBILE";
    if (plan.mobile !== undefined && isType(plan.mobile, national)) return "FIXED_LINE_OR_MOBILE";
    return "FIXED_LINE";
  }
  for (const type of plan.others) {
    if (isType(type, national)) return type.name;
  }
  return undefined;
}

function isType(type: TypePattern, national: string): boolean {
  if (type.lengths !== undefined && !type.lengths.includes(national.length)) return false;
  return type.pattern.test(national);
}
