/**
 * The URL Twilio signed for a callback, rebuilt from the request the listener received.
 * Without a public URL, the address the request was sent to (its Host header, which the
 * signature covers, so a forged one only fails the check). With one (a tunnel or a reverse
 * proxy in front of the listener), the public URL stands for the listener's root: a request
 * for `/status?x=1` behind `https://example.com/hooks` was signed as
 * `https://example.com/hooks/status?x=1`, and one for `/` as `https://example.com/hooks`.
 */
export function callbackUrl(target: string, via: { publicUrl: URL } | { host: string }): string {
  const parsed = new URL(target, "http://listener.invalid");
  const path = parsed.pathname;
  const query = parsed.search;
  if ("host" in via) return `http://${via.host}${path}${query}`;
  const { origin, pathname } = via.publicUrl;
  if (path === "/") return `${origin}${pathname}${query}`;
  return `${origin}${pathname.replace(/\/+$/, "")}${path}${query}`;
}
