import twilio from "twilio";

export interface SignedRequest {
  /** The URL Twilio called, as it signed it (see callbackUrl). */
  url: string;
  /** X-Twilio-Signature, if the request had one. */
  signature: string | undefined;
  /** The body as received. */
  rawBody: string;
  /** The form fields of a form-encoded body; {} for another body. */
  params: Record<string, string | string[]>;
}

/**
 * Whether Twilio signed this request with the account's auth token, by twilio-node's own
 * validator: it knows the variants Twilio signs (with and without the port, the legacy
 * query-string encoding) and compares in constant time. A JSON body is signed through the
 * `bodySHA256` query parameter instead of its fields.
 */
export function isSignedByTwilio(authToken: string, request: SignedRequest): boolean {
  const { url, signature, rawBody, params } = request;
  if (signature === undefined || signature === "") return false;
  try {
    if (new URL(url).searchParams.has("bodySHA256")) {
      return twilio.validateRequestWithBody(authToken, signature, url, rawBody);
    }
    return twilio.validateRequest(authToken, signature, url, params);
  } catch {
    // A URL the validator cannot parse cannot have been signed by Twilio.
    return false;
  }
}
