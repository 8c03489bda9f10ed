import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { nodeSupportNote } from '../../../scripts/local/node-support.js';

describe('nodeSupportNote', () => {
  it('says in one line that Node 20 works and 22 is recommended', () => {
    const note = nodeSupportNote('v20.20.0');
    expect(note).toContain('Node 20.20.0, which works; Node 22+ is recommended');
    expect(note).not.toContain('\n');
  });

  it('says nothing on Node 22 and later, or for a version it cannot read', () => {
    expect(nodeSupportNote('v22.1.0')).toBeUndefined();
    expect(nodeSupportNote('v24.0.0')).toBeUndefined();
    expect(nodeSupportNote('nightly')).toBeUndefined();
  });
});

describe('the AWS SDK warning the local run turns off', () => {
  // In a child process: the SDK warns once per process.
  function sdkWarnings(env: Record<string, string>): string {
    const script =
      "const { DynamoDBClient } = require('@aws-sdk/client-dynamodb');" +
      "new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });";
    const result = spawnSync(process.execPath, ['-e', script], {
      env: { PATH: process.env.PATH ?? '', ...env },
      encoding: 'utf8',
    });
    return result.stderr;
  }

  it('is silenced by the variable scripts/local.ts sets (and shows without it on Node < 22)', () => {
    expect(sdkWarnings({ AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' })).not.toContain(
      'NodeVersionSupportWarning',
    );
    if (Number(process.versions.node.split('.')[0]) < 22)
      expect(sdkWarnings({})).toContain('NodeVersionSupportWarning');
    expect(readFileSync(new URL('../../../scripts/local.ts', import.meta.url), 'utf8')).toContain(
      "process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'",
    );
  });
});
