import { type Command, Option } from "commander";
import type { CommandEnv } from "../commands/commandEnv.js";
import type { SetExit } from "./buildProgram.js";
import { journalOption } from "./commandOptions.js";

/** `suppress list|add|remove|import`: the numbers never to text again. */
export function addSuppressCommand(program: Command, env: CommandEnv, setExit: SetExit): void {
  const suppress = program
    .command("suppress")
    .description("the numbers never to text again: list, add, remove, import");
  const countryOption = () =>
    new Option("--default-country <code>", "ISO country for numbers written without +country");
  suppress
    .command("list")
    .description("list the suppressed numbers with why and since when")
    .addOption(journalOption())
    .option("--json", "print the list as JSON on stdout")
    .action(async (raw: { journal?: string; json?: boolean }) => {
      const { suppressList } = await import("../commands/suppress.js");
      setExit(await suppressList(raw, env));
    });
  suppress
    .command("add")
    .description("suppress numbers")
    .argument("<number...>", "phone numbers")
    .addOption(journalOption())
    .addOption(countryOption())
    .option("--reason <text>", "why (shown when a row is skipped)")
    .action(async (numbers: string[], raw: Record<string, string | undefined>) => {
      const { suppressAdd } = await import("../commands/suppress.js");
      setExit(await suppressAdd(numbers, raw, env));
    });
  suppress
    .command("remove")
    .description("take numbers off the list: later runs may text them again")
    .argument("<number...>", "phone numbers")
    .addOption(journalOption())
    .addOption(countryOption())
    .action(async (numbers: string[], raw: Record<string, string | undefined>) => {
      const { suppressRemove } = await import("../commands/suppress.js");
      setExit(await suppressRemove(numbers, raw, env));
    });
  suppress
    .command("import")
    .description("suppress every number of a file: one a line, or a CSV with a to or number column")
    .argument("<file>", "the file; - reads standard input")
    .addOption(journalOption())
    .addOption(countryOption())
    .option("--reason <text>", "why (default: imported from <file>)")
    .option("--delimiter <char>", "CSV field delimiter: , ; or \\t (default: told from the header)")
    .action(async (file: string, raw: Record<string, string | undefined>) => {
      const { suppressImport } = await import("../commands/suppress.js");
      setExit(await suppressImport(file, raw, env));
    });
}
