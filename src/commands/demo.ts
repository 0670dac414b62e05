import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startSimulator } from "../simulator/startSimulator.js";
import type { CommandEnv } from "./commandEnv.js";
import { send } from "./send.js";
import { parseSendOptions } from "./sendOptions.js";

export interface DemoOptions {
  rate?: string;
  journal?: string;
}

const DEMO_LIST = fileURLToPath(new URL("../../fixtures/demo.csv", import.meta.url));
const DEMO_BODY = "Hi {{first_name}}, your table is ready. Reply STOP to opt out.";
/** Any well-formed sids: the simulator takes them as an existing flow and Verify service. */
const DEMO_FLOW = `FW${"0".repeat(31)}1`;
const DEMO_SERVICE = `VA${"0".repeat(31)}1`;

/**
 * `twilio-bulk demo`: the whole pipeline against the built-in simulator, so a new user can
 * watch a list go out without an account. Nothing leaves 127.0.0.1.
 */
export async function demo(options: DemoOptions, env: CommandEnv): Promise<number> {
  const sim = await startSimulator({ latencyMs: 120, jitterMs: 80, seed: 7 });
  const journal =
    options.journal ?? join(mkdtempSync(join(tmpdir(), "twilio-bulk-demo-")), "journal.db");
  const demoEnv: CommandEnv = {
    ...env,
    env: {
      ...env.env,
      TWILIO_ACCOUNT_SID: sim.accountSid,
      TWILIO_AUTH_TOKEN: sim.authToken,
      TWILIO_API_KEY: undefined,
      TWILIO_API_SECRET: undefined,
      TWILIO_REGION: undefined,
      TWILIO_EDGE: undefined,
    },
  };
  const invocation = `twilio-bulk send ${DEMO_LIST} --from +15005550006 --body '${DEMO_BODY}' --default-country US --flow-sid ${DEMO_FLOW} --verify-service-sid ${DEMO_SERVICE} --suppress-landlines --rate ${options.rate ?? "10"} --api-url ${sim.url} --journal ${journal} --yes`;
  env.stdout.write(
    `A Twilio simulator is listening on ${sim.url} for this demo. It runs, in effect:\n  ${invocation}\n\n`,
  );
  try {
    const code = await send(
      parseSendOptions(
        DEMO_LIST,
        {
          from: "+15005550006",
          body: DEMO_BODY,
          defaultCountry: "US",
          flowSid: DEMO_FLOW,
          verifyServiceSid: DEMO_SERVICE,
          suppressLandlines: true,
          rate: options.rate ?? "10",
          apiUrl: sim.url,
          journal,
          newRun: true,
          // Nothing is paid for in a demo: it runs through as soon as it starts.
          yes: true,
        },
        demoEnv.env,
        invocation,
      ),
      demoEnv,
    );
    env.stdout.write(
      [
        "",
        `send exited ${code}${code === 1 ? " (some rows failed or were invalid, as the demo list intends)" : ""}.`,
        `The simulator received ${sim.creates().length} requests and created messages ${sim.messages().length}, calls ${sim.calls().length}, verifications ${sim.verifications().length}, Studio executions ${sim.executions().length} (lookups create nothing).`,
        "Look at the run in the demo's journal:",
        `  npx twilio-bulk report --journal ${journal}`,
        `  npx twilio-bulk report --rows --state invalid --journal ${journal}`,
        `  npx twilio-bulk report --format json --journal ${journal}   # counts by API under byApi`,
        "",
      ].join("\n"),
    );
    return code === 0 || code === 1 ? 0 : code;
  } finally {
    await sim.close();
  }
}
