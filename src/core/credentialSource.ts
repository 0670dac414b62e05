/**
 * Where a run's credentials came from, as plain data: a refusal (20003) can then say what to
 * fix, the environment variables or the twilio-cli profile, without the core reading either.
 */
export type CredentialSource =
  | { kind: "environment"; apiKey: boolean }
  | { kind: "profile"; name: string; configPath: string };

/** What to do when Twilio refuses these credentials. */
export function checkCredentialsAction(source: CredentialSource): string {
  if (source.kind === "profile") {
    return `check profile "${source.name}" in ${source.configPath} (its accountSid, apiKey and apiSecret; \`twilio profiles:create --profile ${source.name}\` makes a new key), then resume`;
  }
  return source.apiKey
    ? "check TWILIO_ACCOUNT_SID, TWILIO_API_KEY and TWILIO_API_SECRET, then resume"
    : "check TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN, then resume";
}
