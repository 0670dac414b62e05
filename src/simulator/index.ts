export type { CreateRecord } from "./createRecord.js";
export { defaultFinalizeRule, type FinalizeRule } from "./defaultFinalizeRule.js";
export type { SimMessage } from "./messageStore.js";
export type { ApiName } from "./routes.js";
export type { SimCall } from "./simCall.js";
export type { SimExecution } from "./simExecution.js";
export type { SimulatorOptions, SimulatorOptionsPatch } from "./simulatorOptions.js";
export type { SimVerification } from "./simVerification.js";
export { type RunningSimulator, startSimulator } from "./startSimulator.js";
