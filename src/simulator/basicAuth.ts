import type { ResolvedSimulatorOptions } from "./simulatorOptions.js";

/**
 * Twilio's two ways to authenticate: account SID + auth token, or API key SID + secret. Either
 * way the account in the path must be the simulator's own.
 */
export function isAuthorized(
  header: string | undefined,
  pathAccountSid: string,
  options: Pick<ResolvedSimulatorOptions, "accountSid" | "authToken" | "apiKeys">,
): boolean {
  if (pathAccountSid !== options.accountSid) return false;
  const match = /^Basic\s+(\S+)\s*$/i.exec(header ?? "");
  if (!match) return false;
  const decoded = Buffer.from(match[1]!, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return false;
  const username = decoded.slice(0, colon);
  const password = decoded.slice(colon + 1);
  if (username === options.accountSid) return password === options.authToken;
  return Object.hasOwn(options.apiKeys, username) && options.apiKeys[username] === password;
}
