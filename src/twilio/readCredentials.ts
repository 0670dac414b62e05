import { CliError, ExitCode } from "../errors.js";

export interface Credentials {
  accountSid: string;
  /** The Basic-auth pair: the account SID and auth token, or an API key and its secret. */
  username: string;
  password: string;
  region: string | undefined;
  edge: string | undefined;
}

/** Reads credentials from the environment the way twilio-cli does; never from flags (shell history). */
export function readCredentials(env: NodeJS.ProcessEnv): Credentials {
  const accountSid = env.TWILIO_ACCOUNT_SID?.trim();
  const apiKey = env.TWILIO_API_KEY?.trim();
  const apiSecret = env.TWILIO_API_SECRET?.trim();
  const authToken = env.TWILIO_AUTH_TOKEN?.trim();
  const hint =
    "Set TWILIO_ACCOUNT_SID with TWILIO_AUTH_TOKEN, or with TWILIO_API_KEY and TWILIO_API_SECRET.";
  if (!accountSid) {
    throw new CliError(
      "no Twilio credentials: TWILIO_ACCOUNT_SID is not set",
      ExitCode.config,
      hint,
    );
  }
  if (!/^AC[0-9a-fA-F]{32}$/.test(accountSid)) {
    throw new CliError(
      "TWILIO_ACCOUNT_SID must be AC followed by 32 hexadecimal digits",
      ExitCode.config,
      hint,
    );
  }
  const region = env.TWILIO_REGION?.trim() || undefined;
  const edge = env.TWILIO_EDGE?.trim() || undefined;
  if (apiKey || apiSecret) {
    if (!apiKey || !apiSecret) {
      throw new CliError(
        `TWILIO_API_KEY and TWILIO_API_SECRET go together; only ${apiKey ? "TWILIO_API_KEY" : "TWILIO_API_SECRET"} is set`,
        ExitCode.config,
        hint,
      );
    }
    return { accountSid, username: apiKey, password: apiSecret, region, edge };
  }
  if (!authToken) {
    throw new CliError(
      "no Twilio credentials: TWILIO_AUTH_TOKEN is not set",
      ExitCode.config,
      hint,
    );
  }
  return { accountSid, username: accountSid, password: authToken, region, edge };
}
