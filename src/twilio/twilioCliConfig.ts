import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { CliError, ExitCode } from "../errors.js";
import { JsonParser, JsonSyntaxError } from "../input/jsonParser.js";

/** One profile of twilio-cli's config.json, as twilio-cli 3 and later write it. */
export interface TwilioCliProfile {
  name: string;
  accountSid: string | undefined;
  apiKey: string | undefined;
  apiSecret: string | undefined;
  region: string | undefined;
  edge: string | undefined;
  /** A `projects` entry of twilio-cli 2, whose key and secret live in the system keychain. */
  legacy: boolean;
}

export interface TwilioCliConfig {
  path: string;
  /** `profiles` (by name) first, then the historical `projects` array, as twilio-cli looks them up. */
  profiles: TwilioCliProfile[];
  activeProject: string | undefined;
  /** The config-wide edge (`twilio config:set --edge`), under a profile's own. */
  edge: string | undefined;
  /** `twilio config:set --require-profile-input`: every command must name its profile. */
  requireProfileInput: boolean;
}

/** Where twilio-cli keeps its config: `$TWILIO_CONFIG_DIR`, else `~/.twilio-cli`. */
export function twilioCliConfigPath(env: NodeJS.ProcessEnv): string {
  const dir =
    env.TWILIO_CONFIG_DIR?.trim() || join(env.HOME || env.USERPROFILE || homedir(), ".twilio-cli");
  return join(dir, "config.json");
}

/**
 * Reads twilio-cli's config.json; undefined when there is none. Read by hand: the format is
 * twilio-cli-core's (src/services/config.js), which is not published as a library of its own.
 * Errors never quote the file, since it holds API secrets.
 */
export function readTwilioCliConfig(env: NodeJS.ProcessEnv): TwilioCliConfig | undefined {
  const path = twilioCliConfigPath(env);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    throw new CliError(
      `cannot read the twilio-cli configuration ${path} (${code ?? "unknown error"})`,
      ExitCode.config,
      "Make it a file you can read, or point TWILIO_CONFIG_DIR at the directory that holds config.json.",
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new CliError(
      `${path}${jsonErrorPlace(text)}: the twilio-cli configuration is not valid JSON`,
      ExitCode.config,
      "Fix the file (or recreate the profile with `twilio profiles:create`).",
    );
  }
  if (!isObject(parsed)) throw shapeError(path, "it is not a JSON object");
  return {
    path,
    profiles: [...namedProfiles(path, parsed.profiles), ...legacyProjects(path, parsed.projects)],
    activeProject: trimmed(parsed.activeProject),
    edge: trimmed(parsed.edge),
    requireProfileInput: parsed.requireProfileInput === true,
  };
}

function namedProfiles(path: string, value: unknown): TwilioCliProfile[] {
  if (value === undefined || value === null) return [];
  if (!isObject(value)) throw shapeError(path, "`profiles` is not an object");
  return Object.entries(value).map(([name, profile]) => {
    if (!isObject(profile)) throw shapeError(path, `profile "${name}" is not an object`);
    return {
      name,
      accountSid: trimmed(profile.accountSid),
      apiKey: trimmed(profile.apiKey),
      apiSecret: trimmed(profile.apiSecret),
      region: trimmed(profile.region),
      edge: trimmed(profile.edge),
      legacy: false,
    };
  });
}

function legacyProjects(path: string, value: unknown): TwilioCliProfile[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw shapeError(path, "`projects` is not an array");
  return value.filter(isObject).flatMap((project) => {
    const name = trimmed(project.id);
    if (name === undefined) return [];
    return [
      {
        name,
        accountSid: trimmed(project.accountSid),
        apiKey: undefined,
        apiSecret: undefined,
        region: trimmed(project.region),
        edge: undefined,
        legacy: true,
      },
    ];
  });
}

function shapeError(path: string, what: string): CliError {
  return new CliError(
    `${path}: not a twilio-cli configuration: ${what}`,
    ExitCode.config,
    "Fix the file (or recreate the profile with `twilio profiles:create`).",
  );
}

/**
 * `:line:column` of a syntax error, from the input's own JSON parser: V8's messages quote the
 * text around the error, which may be a secret.
 */
function jsonErrorPlace(text: string): string {
  try {
    const parser = new JsonParser({ topLevel: "value" });
    parser.write(text);
    parser.end();
  } catch (error) {
    if (error instanceof JsonSyntaxError) return `:${error.line}:${error.column}`;
  }
  return "";
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A non-empty trimmed string, as twilio-cli sanitises its fields; anything else is absent. */
function trimmed(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}
