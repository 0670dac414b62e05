import type { CredentialSource } from "../core/credentialSource.js";
import { CliError, ExitCode } from "../errors.js";
import {
  readTwilioCliConfig,
  type TwilioCliConfig,
  type TwilioCliProfile,
  twilioCliConfigPath,
} from "./twilioCliConfig.js";

export interface Credentials {
  accountSid: string;
  /** The Basic-auth pair: the account SID and auth token, or an API key and its secret. */
  username: string;
  password: string;
  region: string | undefined;
  edge: string | undefined;
  /** Where they came from, for what a refusal tells the operator to check. */
  source?: CredentialSource;
}

const ENV_HINT =
  "Set TWILIO_ACCOUNT_SID with TWILIO_AUTH_TOKEN, or with TWILIO_API_KEY and TWILIO_API_SECRET; or pass --profile NAME to use a twilio-cli profile.";

/**
 * Credentials the way twilio-cli finds them, never from a secret on the command line (shell
 * history): `--profile NAME` reads that profile of twilio-cli's config.json; without it the
 * TWILIO_* environment variables win, then the config's active profile.
 */
export function readCredentials(env: NodeJS.ProcessEnv, profile?: string): Credentials {
  if (profile !== undefined) return namedProfile(env, profile);
  const names = ["TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_API_KEY", "TWILIO_API_SECRET"];
  // A partial environment is a mistake to report, not a reason to use another account.
  if (names.some((name) => env[name]?.trim())) return fromEnvironment(env);
  const config = readTwilioCliConfig(env);
  if (config && config.profiles.length > 0) return activeProfile(env, config);
  throw new CliError(
    "no Twilio credentials: TWILIO_ACCOUNT_SID is not set",
    ExitCode.config,
    ENV_HINT,
  );
}

function fromEnvironment(env: NodeJS.ProcessEnv): Credentials {
  const accountSid = env.TWILIO_ACCOUNT_SID?.trim();
  const apiKey = env.TWILIO_API_KEY?.trim();
  const apiSecret = env.TWILIO_API_SECRET?.trim();
  const authToken = env.TWILIO_AUTH_TOKEN?.trim();
  if (!accountSid) {
    throw new CliError(
      "no Twilio credentials: TWILIO_ACCOUNT_SID is not set",
      ExitCode.config,
      ENV_HINT,
    );
  }
  if (!isAccountSid(accountSid)) {
    throw new CliError(
      "TWILIO_ACCOUNT_SID must be AC followed by 32 hexadecimal digits",
      ExitCode.config,
      ENV_HINT,
    );
  }
  const region = env.TWILIO_REGION?.trim() || undefined;
  const edge = env.TWILIO_EDGE?.trim() || undefined;
  if (apiKey || apiSecret) {
    if (!apiKey || !apiSecret) {
      throw new CliError(
        `TWILIO_API_KEY and TWILIO_API_SECRET go together; only ${apiKey ? "TWILIO_API_KEY" : "TWILIO_API_SECRET"} is set`,
        ExitCode.config,
        ENV_HINT,
      );
    }
    return {
      accountSid,
      username: apiKey,
      password: apiSecret,
      region,
      edge,
      source: { kind: "environment", apiKey: true },
    };
  }
  if (!authToken) {
    throw new CliError(
      "no Twilio credentials: TWILIO_AUTH_TOKEN is not set",
      ExitCode.config,
      ENV_HINT,
    );
  }
  return {
    accountSid,
    username: accountSid,
    password: authToken,
    region,
    edge,
    source: { kind: "environment", apiKey: false },
  };
}

function namedProfile(env: NodeJS.ProcessEnv, name: string): Credentials {
  const config = readTwilioCliConfig(env);
  if (!config) {
    throw new CliError(
      `profile "${name}": there is no twilio-cli configuration at ${twilioCliConfigPath(env)}`,
      ExitCode.config,
      `Create the profile with \`twilio profiles:create --profile ${name}\`, or set TWILIO_CONFIG_DIR to the directory that holds twilio-cli's config.json.`,
    );
  }
  const found = config.profiles.find((profile) => profile.name === name.trim());
  if (!found) {
    const known = config.profiles.map((profile) => profile.name);
    throw new CliError(
      `profile "${name}" is not in ${config.path}; ${known.length > 0 ? `its profiles: ${known.join(", ")}` : "it has no profiles"}`,
      ExitCode.config,
      "Pass one of them to --profile, or create it with `twilio profiles:create`.",
    );
  }
  return fromProfile(env, config, found);
}

/** twilio-cli's choice without --profile: the `activeProject`, else the first of `projects`. */
function activeProfile(env: NodeJS.ProcessEnv, config: TwilioCliConfig): Credentials {
  const known = config.profiles.map((profile) => profile.name).join(", ");
  if (config.requireProfileInput) {
    throw new CliError(
      `${config.path} requires a profile on every command (requireProfileInput)`,
      ExitCode.config,
      `Pass --profile NAME (its profiles: ${known}), or set the TWILIO_* environment variables.`,
    );
  }
  const chosen =
    config.profiles.find((profile) => profile.name === config.activeProject) ??
    config.profiles.find((profile) => profile.legacy);
  if (!chosen) {
    throw new CliError(
      `no Twilio credentials: no TWILIO_* environment variables, and ${config.path} has no active profile`,
      ExitCode.config,
      `Pass --profile NAME (its profiles: ${known}), or run \`twilio profiles:use NAME\`.`,
    );
  }
  return fromProfile(env, config, chosen);
}

function fromProfile(
  env: NodeJS.ProcessEnv,
  config: TwilioCliConfig,
  profile: TwilioCliProfile,
): Credentials {
  const where = `profile "${profile.name}" in ${config.path}`;
  const { accountSid, apiKey, apiSecret } = profile;
  if (!apiKey || !apiSecret) {
    throw new CliError(
      `${where} has no API key ${apiKey ? "secret" : "and secret"} in the file`,
      ExitCode.config,
      profile.legacy
        ? `twilio-cli before 3.0 kept them in the system keychain, which twilio-bulk does not read. Recreate the profile with a current twilio-cli (\`twilio profiles:create --profile ${profile.name}\` stores the key in config.json), or set TWILIO_ACCOUNT_SID, TWILIO_API_KEY and TWILIO_API_SECRET instead.`
        : `Recreate it with \`twilio profiles:create --profile ${profile.name}\`, or set TWILIO_ACCOUNT_SID, TWILIO_API_KEY and TWILIO_API_SECRET instead.`,
    );
  }
  if (!accountSid || !isAccountSid(accountSid)) {
    throw new CliError(
      `${where}: accountSid must be AC followed by 32 hexadecimal digits`,
      ExitCode.config,
      `Recreate it with \`twilio profiles:create --profile ${profile.name}\`.`,
    );
  }
  return {
    accountSid,
    username: apiKey,
    password: apiSecret,
    region: profile.region,
    // twilio-cli's order: the environment, then the profile, then the config-wide setting.
    edge: env.TWILIO_EDGE?.trim() || profile.edge || config.edge,
    source: { kind: "profile", name: profile.name, configPath: config.path },
  };
}

function isAccountSid(value: string): boolean {
  return /^AC[0-9a-fA-F]{32}$/.test(value);
}
