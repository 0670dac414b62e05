/**
 * The magic numbers of Twilio's test credentials for Calls, honoured for every account (see
 * magicNumbers.ts for why). Any other From is accepted, unlike Twilio's test account, which
 * refuses every From but +15005550006.
 */
type Refusal = { code: number; message: string };

export const CALL_MAGIC_FROM: ReadonlyMap<string, Refusal> = new Map([
  [
    "+15005550001",
    { code: 21212, message: "The 'From' number +15005550001 is not a valid phone number." },
  ],
]);

export const CALL_MAGIC_TO: ReadonlyMap<string, Refusal> = new Map([
  ["+15005550001", { code: 21217, message: "Phone number does not appear to be valid" }],
  ["+15005550002", { code: 21214, message: "'To' phone number cannot be reached" }],
  [
    "+15005550003",
    {
      code: 21215,
      message:
        "Account not authorized to call +15005550003. Perhaps you need to enable some international permissions.",
    },
  ],
  ["+15005550004", { code: 21216, message: "Account not allowed to call +15005550004" }],
]);
