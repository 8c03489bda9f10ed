import {
  ExecutionAlreadyExists,
  InvalidArn,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { SfnStateMachine } from '../../../functions/adapters/sfn-state-machine.js';
import type { ExecutionAction } from '../../../functions/core/ports/index.js';

const ARN = 'arn:aws:states:eu-west-1:123456789012:stateMachine:fjc-control-loop';
const sfn = mockClient(SFNClient);
const actions: ExecutionAction[] = [
  { jobName: 'counter', clusterRef: 'local', kind: 'upgrade', operationId: 'op-1', owner: 'w-1' },
];

beforeEach(() => {
  sfn.reset();
});
afterAll(() => {
  sfn.restore();
});

describe('SfnStateMachine', () => {
  it('starts one execution named after the correlation id, with the actions as input', async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: `${ARN}:x`, startDate: new Date() });
    const correlationId = `Root=1-abc/def:${'x'.repeat(100)}`;
    await new SfnStateMachine(new SFNClient({ region: 'eu-west-1' }), ARN).start({
      correlationId,
      actions,
    });
    const calls = sfn.commandCalls(StartExecutionCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]?.args[0].input;
    expect(input?.stateMachineArn).toBe(ARN);
    expect(input?.name).toBe(`Root-1-abc-def-${'x'.repeat(100)}`.slice(0, 80));
    expect(input?.name).toMatch(/^[A-Za-z0-9_-]{80}$/);
    expect(JSON.parse(input?.input ?? '')).toEqual({ correlationId, actions });
  });

  it('treats an execution that already exists as started (a retried reconcile)', async () => {
    sfn
      .on(StartExecutionCommand)
      .rejects(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));
    await expect(
      new SfnStateMachine(new SFNClient({ region: 'eu-west-1' }), ARN).start({
        correlationId: 'c-1',
        actions,
      }),
    ).resolves.toBeUndefined();
  });

  it('lets any other failure through', async () => {
    sfn.on(StartExecutionCommand).rejects(new InvalidArn({ message: 'bad arn', $metadata: {} }));
    await expect(
      new SfnStateMachine(new SFNClient({ region: 'eu-west-1' }), 'arn:bad').start({
        correlationId: 'c-2',
        actions,
      }),
    ).rejects.toBeInstanceOf(InvalidArn);
  });
});
