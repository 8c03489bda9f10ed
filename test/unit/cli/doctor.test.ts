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
    // Nothing to probe yet.
    expect(run.stdout).not.toContain('from the control plane');
  });

  it('after the first cluster is applied, lists it; a team member sees its teams', async () => {
    const cluster = await h.file('cluster.yaml', clusterYaml());
    expect((await h.run(['apply', cluster])).code).toBe(0);
    const run = await h.run(['--token', TOKENS.alice, 'doctor']);
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toContain('you are alice');
    expect(run.stdout).toContain('ok    teams: payments');
    expect(run.stdout).toContain('ok    clusters registered: eu-1');
    expect(run.stdout).toContain(
      'warn  clusters not probed from the control plane (REST, secrets, checkpoint storage): the probe needs an admin',
    );
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

  it('shows an admin each cluster as the control plane sees it, failures with their remedies', async () => {
    const asked: string[][] = [];
    const probed = await startCliHarness({
      probe: {
        probe: (names) => {
          asked.push([...names]);
          return Promise.resolve({
            clusters: [
              {
                cluster: 'eu-1',
                ok: true,
                flinkVersion: '2.3.0',
                flinkVersionSupported: true,
                checks: [
                  { check: 'record', outcome: 'ok', detail: 'registered, version 1' },
                  { check: 'secret', outcome: 'skipped', detail: 'no secret named (auth none)' },
                  {
                    check: 'rest',
                    outcome: 'ok',
                    detail: 'REST API at http://127.0.0.1:8081 reachable, Flink 2.3.0',
                  },
                ],
              },
              {
                cluster: 'us-1',
                ok: false,
                checks: [
                  { check: 'record', outcome: 'ok', detail: 'registered, version 1' },
                  {
                    check: 'rest',
                    outcome: 'failed',
                    detail: 'REST API at http://127.0.0.1:1 not reachable: connection refused',
                    remedy: 'Check that the JobManager is up.',
                  },
                ],
              },
            ],
          });
        },
      },
    });
    try {
      for (const [name, url] of [
        ['eu-1', 'http://127.0.0.1:8081'],
        ['us-1', 'http://127.0.0.1:1'],
      ] as const)
        expect(
          (await probed.run(['apply', await probed.file(`${name}.yaml`, clusterYaml(name, url))]))
            .code,
        ).toBe(0);
      const run = await probed.run(['doctor']);
      expect(run.code, run.stdout).toBe(1);
      expect(asked).toEqual([['eu-1', 'us-1']]);
      expect(run.stdout).toContain('ok    cluster eu-1 from the control plane, Flink 2.3.0\n');
      expect(run.stdout).toContain('      secret  skip  no secret named (auth none)\n');
      expect(run.stdout).toContain('FAIL  cluster us-1 from the control plane: a check failed\n');
      expect(run.stdout).toContain(
        '      rest    FAIL  REST API at http://127.0.0.1:1 not reachable: connection refused\n' +
          '                    → Check that the JobManager is up.\n',
      );

      // An API from before the probe: said, not failed.
      const older = await probed.run(['doctor'], {
        fetch: (input, init) =>
          (input instanceof Request ? input.url : input.toString()).includes('/v1/clusters/probe')
            ? Promise.resolve(
                new Response(
                  '{"error":{"code":"NOT_FOUND","message":"No route","correlationId":"x"}}',
                  { status: 404, headers: { 'content-type': 'application/json' } },
                ),
              )
            : fetch(input, init),
      });
      expect(older.code, older.stdout).toBe(0);
      expect(older.stdout).toContain('warn  clusters not probed: this API has no probe yet');
    } finally {
      await probed.stop();
    }
  });
});
