/**
 * `fjc doctor` against the real local API: each check's line, the remedies, and the exit code
 * (0 with warnings only, 1 when something a deployment needs is missing).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterYaml, runCaptured, startCliHarness, TOKENS, type CliHarness } from './harness.js';

let h: CliHarness;
beforeAll(async () => {
  h = await startCliHarness();
});
afterAll(async () => {
  await h.stop();
});

describe('fjc doctor', () => {
  it('on a fresh deployment: reachable, signed, admin, and the first cluster still to register', async () => {
    const run = await h.run(['doctor']);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain(`ok    API reachable at ${h.url}/`);
    expect(run.stdout).toContain('ok    signed call accepted; you are root');
    expect(run.stdout).toContain('ok    admin');
    expect(run.stdout).toContain('warn  no cluster is registered yet');
    expect(run.stdout).toContain('→ An admin registers the first one: fjc apply cluster.yaml');
    expect(run.stdout).toContain('warn  cluster reachability from the control plane');
  });

  it('after the first cluster is applied, lists it; a team member sees its teams', async () => {
    const cluster = await h.file('cluster.yaml', clusterYaml());
    expect((await h.run(['apply', cluster])).code).toBe(0);
    const run = await h.run(['--token', TOKENS.alice, 'doctor']);
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toContain('you are alice');
    expect(run.stdout).toContain('ok    teams: payments');
    expect(run.stdout).toContain('ok    clusters registered: eu-1');
  });

  it('fails, saying what to do, when the call is refused or the API is not there', async () => {
    const refused = await h.run(['--token', 'token-unknown-0123456789', 'doctor']);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('FAIL  signed call refused');
    const away = await runCaptured([
      '--endpoint',
      'http://127.0.0.1:1',
      '--token',
      TOKENS.root,
      'doctor',
    ]);
    expect(away.code).toBe(1);
    expect(away.stdout).toContain('FAIL  API not reachable at http://127.0.0.1:1/');
    expect(away.stdout).toContain('→ Check the endpoint');
  });
});
