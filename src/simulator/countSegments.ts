// GSM 03.38: the basic set costs one septet, the extension set two (escape + char). Anything
// else switches the whole message to UCS-2, which is what surprises senders on their bill.
const GSM_BASIC =
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
  "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
const GSM_EXTENDED = "^{}\\[~]|€\f";

const basic = new Set(GSM_BASIC);
const extended = new Set(GSM_EXTENDED);

/** Number of SMS segments Twilio reports for `body`; a media-only message counts as one. */
export function countSegments(body: string): number {
  if (body === "") return 1;
  let septets = 0;
  for (const char of body) {
    if (basic.has(char)) septets += 1;
    else if (extended.has(char)) septets += 2;
    else return ucs2Segments(body);
  }
  return septets <= 160 ? 1 : Math.ceil(septets / 153);
}

function ucs2Segments(body: string): number {
  // UCS-2 counts 16-bit units: a character outside the BMP (most emoji) takes two.
  const units = body.length;
  return units <= 70 ? 1 : Math.ceil(units / 67);
}
