#!/usr/bin/env node
// The `fjc` launcher (package.json "bin"): runs the TypeScript CLI in this process through tsx's
// ESM loader, so there is no build step and no second Node process. Everything is resolved
// relative to this file, so it works from any working directory.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../scripts/cli/main.ts');
process.exitCode = await runCli(process.argv.slice(2));
