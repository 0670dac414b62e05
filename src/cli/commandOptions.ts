import { type Command, Option } from "commander";

/** What --rate and --max-attempts govern: every API's requests unless a command says otherwise. */
export const SEND_WORDING = {
  rate: "requests started per second (decimals allowed)",
  maxAttempts:
    "attempts per row for answers that are safe to retry (429, a refused connection), per command",
};

export function scheduleOptions(
  command: Command,
  wording: typeof SEND_WORDING & { timeout?: string } = SEND_WORDING,
): Command {
  return command
    .option("--rate <mps>", wording.rate, "1")
    .option("--burst <n>", "starts allowed back to back after an idle spell", "1")
    .option(
      "--concurrency <n>",
      "requests in flight at most (default: enough for the rate at 1 s latency, at most 100)",
    )
    .option("--max-attempts <n>", wording.maxAttempts, "3")
    .option("--timeout <seconds>", wording.timeout ?? "per-request timeout", "30")
    .addOption(apiUrlOption())
    .addOption(journalOption())
    .addOption(profileOption())
    .option(
      "--break-lock",
      "take the run over from whatever process holds it (if that one still runs, rows could be sent twice)",
    );
}

/** `--quiet-hours` and `--timezone`: shared by send and retry. */
export function quietHoursOptions(command: Command): Command {
  return command
    .option(
      "--quiet-hours <HH:MM-HH:MM>",
      "hold rows whose recipient's local time is in this window (exits 4 with them pending)",
    )
    .option(
      "--timezone <zone>",
      "IANA zone of rows without a timezone column, e.g. America/New_York (needs --quiet-hours)",
    )
    .option(
      "--wait-quiet-hours",
      "sleep until the window ends and send the held rows, instead of exiting 4",
    );
}

/** For every command that talks to Twilio. */
export function profileOption(): Option {
  return new Option(
    "--profile <name>",
    "credentials of this twilio-cli profile (~/.twilio-cli/config.json, or $TWILIO_CONFIG_DIR)",
  );
}

/** `--api`, each API's own defaults and the list of APIs, from the operations' registry. */
export function apiOptions(
  command: Command,
  apis: typeof import("../operations/registry.js"),
): void {
  command
    .option(
      "--api <api>",
      `the API of rows without an api column: ${apis.API_NAMES.join(", ")}`,
      apis.DEFAULT_API,
    )
    .option(
      "--suppress-landlines",
      "lookup: suppress numbers a lookup finds to be landlines or invalid (asks every lookup for line_type_intelligence too)",
    );
  for (const flag of apis.operationFlags()) command.option(flag.flag, flag.description);
  const lines = Object.values(apis.OPERATIONS).map(
    (op) =>
      `  ${op.name.padEnd(9)} ${op.summary}${op.rate ? `\n            rate: ${op.rate.note}` : ""}`,
  );
  command.addHelpText("after", `\nAPIs (--api, or an api column per row):\n${lines.join("\n")}\n`);
}

/** `--rate` for commands that send rows: one rate for every API, with Twilio's own limits. */
export function rateWording(apis: typeof import("../operations/registry.js")): string {
  const limits = Object.values(apis.OPERATIONS).flatMap((op) =>
    op.rate?.max !== undefined ? [`${op.name} ${op.rate.max}/s`] : [],
  );
  const note = limits.length > 0 ? `; Twilio's own limits: ${limits.join(", ")} by default` : "";
  return `requests started per second, whatever their API (decimals allowed)${note}`;
}

/** Which APIs reconcile can search, and why not the others: from the operations. */
export function reconcileHelp(apis: typeof import("../operations/registry.js")): string {
  const ops = Object.values(apis.OPERATIONS).filter((op) => op.safety === "create");
  const searched = ops.filter((op) => op.reconcile.kind !== "unsupported").map((op) => op.name);
  const lines = [`\nAPIs it searches: ${searched.join(", ")}.`];
  for (const op of ops) {
    if (op.reconcile.kind === "unsupported") lines.push(`  ${op.name}: ${op.reconcile.reason}.`);
  }
  return `${lines.join("\n")}\n`;
}

/** `--state`, `--status`, `--code`: repeatable, comma-separated; shared by retry and report. */
export function selectionOptions(command: Command, states: string): Command {
  const collect = (value: string, previous: string[] = []) => [...previous, value];
  return command
    .option("--status <statuses>", "rows whose last answer had this HTTP status, e.g. 429", collect)
    .option("--code <codes>", "rows with this Twilio error code, e.g. 20429,30001", collect)
    .option("--state <states>", `rows in this state: ${states}`, collect);
}

/** `--journal`: a file path or a PostgreSQL URL, for every command that reads or writes runs. */
export function journalOption(): Option {
  return new Option("--journal <path>", "the journal file").env("TWILIO_BULK_JOURNAL");
}

/** `--api-url`: the simulator's origin, or any Twilio-compatible one, instead of Twilio's. */
export function apiUrlOption(): Option {
  return new Option("--api-url <url>", "send requests to this origin instead of Twilio's").env(
    "TWILIO_BULK_API_URL",
  );
}
