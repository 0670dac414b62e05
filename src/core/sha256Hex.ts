import * as crypto from "node:crypto";

// crypto.hash (Node 20.12+) hashes a string in one call, in under half the time of a Hash
// object, which the pre-flight made once per row; Node 20.11 has only the object.
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: "hex") => string })
  .hash;

/** The sha256 of a string's UTF-8, as 64 lower-case hex digits. */
export function sha256Hex(text: string): string {
  if (oneShot) return oneShot("sha256", text, "hex");
  return crypto.createHash("sha256").update(text).digest("hex");
}
