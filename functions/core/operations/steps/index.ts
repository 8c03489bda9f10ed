import type { Step } from '../operation-data.js';
import { askingAgain } from './ask-again.js';
import { resolveChosenSavepoint } from './chosen-savepoint.js';
import { cancel, awaitStopped } from './stop.js';
import { preflight } from './preflight.js';
import { locateRestorePoint, readCheckpoint } from './restore-point.js';
import { rescale } from './rescale.js';
import { retention } from './retention.js';
import { awaitSavepoint, stopWithSavepoint, triggerSavepoint } from './savepoint.js';
import { awaitStable } from './stability.js';
import type { StepDefinition } from './step.js';
import { submit } from './submit.js';
import { finishSuspend } from './suspend.js';

export type {
  Exit,
  Exits,
  StatusChange,
  StepDefinition,
  StepInput,
  StepResult,
  Wait,
} from './step.js';

/**
 * Every step by the name operations record. A step does one thing and says how it left (see
 * {@link Exits}); where that leads is the sequence table's business (../sequences.ts). Checking
 * steps ask again through transient faults (../retry-policy.ts).
 */
export const STEPS: Readonly<Record<Step, StepDefinition>> = {
  preflight,
  'trigger-savepoint': triggerSavepoint,
  'stop-with-savepoint': stopWithSavepoint,
  'await-savepoint': askingAgain(awaitSavepoint),
  'read-checkpoint': readCheckpoint,
  cancel,
  'await-stopped': askingAgain(awaitStopped),
  'locate-restore-point': locateRestorePoint,
  'resolve-chosen-savepoint': resolveChosenSavepoint,
  submit,
  rescale,
  'await-stable': askingAgain(awaitStable),
  retention,
  'finish-suspend': finishSuspend,
};
