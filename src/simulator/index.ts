export type { CreateRecord } from "./createRecord.js";
export { defaultFinalizeRule, type FinalizeRule } from "./defaultFinalizeRule.js";
export type { SimMessage } from "./messageStore.js";
export type { SimulatorOptions, SimulatorOptionsPatch } from "./simulatorOptions.js";
export { type RunningSimulator, startSimulator } from "./startSimulator.js";
