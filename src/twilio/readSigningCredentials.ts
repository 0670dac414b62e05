import { CliError, ExitCode } from "../errors.js";

export interface SigningCredentials {
  accountSid: string;
  authToken: string;
}

/**
 * What checks a status callback: the account SID it must name and the auth token it is signed
 * with. Twilio signs callbacks with the account's auth token even when the messages were sent
 * with an API key, so an API key and secret cannot stand in for it.
 */
export function readSigningCredentials(env: NodeJS.ProcessEnv): SigningCredentials {
  const accountSid = env.TWILIO_ACCOUNT_SID?.trim();
  const authToken = env.TWILIO_AUTH_TOKEN?.trim();
  if (!accountSid || !/^AC[0-9a-fA-F]{32}$/.test(accountSid)) {
    throw new CliError(
      accountSid
        ? "TWILIO_ACCOUNT_SID must be AC followed by 32 hexadecimal digits"
        : "no Twilio account: TWILIO_ACCOUNT_SID is not set",
      ExitCode.config,
      "Set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN: callbacks that name another account are refused.",
    );
  }
  if (!authToken) {
    const withKey = Boolean(env.TWILIO_API_KEY?.trim());
    throw new CliError(
      withKey
        ? "listen needs TWILIO_AUTH_TOKEN: Twilio signs status callbacks with the account's auth token, also for messages sent with an API key, and TWILIO_API_KEY / TWILIO_API_SECRET cannot check that signature"
        : "listen needs TWILIO_AUTH_TOKEN to check that each callback was signed by Twilio",
      ExitCode.config,
      "Set TWILIO_AUTH_TOKEN to the auth token of the account in TWILIO_ACCOUNT_SID (Console → Account → API keys & tokens).",
    );
  }
  return { accountSid, authToken };
}
