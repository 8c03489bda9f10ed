import { existsSync } from 'node:fs';
import { describe, expect, inject, it } from 'vitest';

describe('the Flink cluster under test', () => {
  it('has a registered TaskManager', async () => {
    const response = await fetch(`${inject('flinkUrl')}/overview`);
    expect(response.status).toBe(200);
    const overview = (await response.json()) as { taskmanagers: number; 'slots-total': number };
    expect(overview.taskmanagers).toBeGreaterThanOrEqual(1);
    expect(overview['slots-total']).toBeGreaterThanOrEqual(1);
  });

  it('reports its version', () => {
    expect(inject('flinkVersion')).toMatch(/^\d+\.\d+/);
  });

  it('has the example job jar built', () => {
    expect(existsSync(inject('exampleJar'))).toBe(true);
    expect(inject('exampleJar')).toMatch(/\.jar$/);
  });
});
