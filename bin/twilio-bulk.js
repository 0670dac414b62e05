#!/usr/bin/env node
// Thin launcher: everything, including the one error boundary, lives in src/cli.ts.
import { main } from "../dist/cli.js";

process.exitCode = await main(process.argv.slice(2));
