/**
 * The CDK app entry point (`cdk.json`: `npx tsx lib/app.ts`). The app itself is built by
 * `createFjcApp` so tests and the local runtime synthesize exactly what `cdk synth` does.
 */
import { createFjcApp } from './fjc-app.js';

createFjcApp().app.synth();
