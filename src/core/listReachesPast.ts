/**
 * Whether a newest-first list, as walked so far, holds everything created since `from`: only
 * once its last `page` entries (a whole page's worth) were all created before it. Twilio's
 * Calls list is newest first, but not confirmed to be strictly by date_created: a call older
 * than the window may come before one inside it, so one older entry proves nothing. Entries
 * without a date prove nothing either. Pure.
 */
export function listReachesPast(
  createdAts: readonly (number | null)[],
  from: number,
  page: number,
): boolean {
  let older = 0;
  for (let i = createdAts.length - 1; i >= 0; i--) {
    const at = createdAts[i];
    if (at === null || at === undefined || at >= from) return false;
    if (++older >= page) return true;
  }
  return false;
}
