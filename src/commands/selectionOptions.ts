import { UsageError } from "../errors.js";

/** A flag's value as commander collects it: once, repeated, or absent. */
export type ListFlag = string | readonly string[] | undefined;

/** Splits `--code 20429,30001 --code 21611` into its items. */
function items(raw: ListFlag): string[] {
  const values = raw === undefined ? [] : typeof raw === "string" ? [raw] : raw;
  return values.flatMap((value) => value.split(",")).map((item) => item.trim());
}

/** `--status 429,500`: HTTP statuses, 100–599. */
export function parseStatusList(flag: string, raw: ListFlag): Set<number> {
  return new Set(
    items(raw).map((item) => {
      const value = Number(item);
      if (!/^\d{3}$/.test(item) || value < 100 || value > 599) {
        throw new UsageError(`\`${flag}\` must list HTTP statuses such as 429, got \`${item}\``);
      }
      return value;
    }),
  );
}

/** `--code 20429,30001`: Twilio error codes, positive whole numbers. */
export function parseCodeList(flag: string, raw: ListFlag): Set<number> {
  return new Set(
    items(raw).map((item) => {
      if (!/^\d{1,6}$/.test(item) || Number(item) === 0) {
        throw new UsageError(
          `\`${flag}\` must list Twilio error codes such as 20429 or 21610, got \`${item}\``,
        );
      }
      return Number(item);
    }),
  );
}

/** `--state failed,pending`: row states out of the allowed ones. */
export function parseStateList<T extends string>(
  flag: string,
  raw: ListFlag,
  allowed: readonly T[],
): Set<T> {
  return new Set(
    items(raw).map((item) => {
      if (!(allowed as readonly string[]).includes(item)) {
        throw new UsageError(`\`${flag}\` must be one of ${allowed.join(", ")}, got \`${item}\``);
      }
      return item as T;
    }),
  );
}
