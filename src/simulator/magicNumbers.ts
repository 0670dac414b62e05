/**
 * The magic numbers of Twilio's test credentials. The simulator honours them for every account,
 * not only test ones, so a fixture can put each refusal exactly where a test wants it.
 * Unlike Twilio, any other From is accepted: a simulator that refused real senders would make
 * rehearsals with production data impossible.
 */
type Refusal = { code: number; message: string };

// Maps, not object literals: an alphanumeric sender may well be called "constructor".
export const MAGIC_FROM: ReadonlyMap<string, Refusal> = new Map([
  [
    "+15005550001",
    {
      code: 21212,
      message:
        "The 'From' number +15005550001 is not a valid phone number, shortcode, or alphanumeric sender ID.",
    },
  ],
  [
    "+15005550007",
    {
      code: 21606,
      message:
        "The From phone number +15005550007 is not a valid, SMS-capable inbound phone number or short code for your account.",
    },
  ],
  [
    "+15005550008",
    {
      code: 21611,
      message: "This 'From' number has exceeded the maximum number of queued messages",
    },
  ],
]);

export const MAGIC_TO: ReadonlyMap<string, Refusal> = new Map([
  [
    "+15005550001",
    { code: 21211, message: "The 'To' number +15005550001 is not a valid phone number." },
  ],
  [
    "+15005550002",
    {
      code: 21612,
      message:
        "The 'To' phone number: +15005550002, is not currently reachable using the 'From' phone number via SMS.",
    },
  ],
  [
    "+15005550003",
    {
      code: 21408,
      message:
        "Permission to send an SMS has not been enabled for the region indicated by the 'To' number: +15005550003.",
    },
  ],
  ["+15005550004", { code: 21610, message: "Attempt to send to unsubscribed recipient" }],
  ["+15005550009", { code: 21614, message: "'To' number is not a valid mobile number" }],
]);
