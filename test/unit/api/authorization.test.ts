/** The authorization rules and the team directory, decision by decision. */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  authorize,
  decide,
  type AccessRequest,
  type Principal,
} from '../../../functions/core/authorization.js';
import { errorResponse } from '../../../functions/api/errors.js';
import { StaticTeamDirectory } from '../../../functions/api/team-directory.js';
import { ConfigurationError, ForbiddenError } from '../../../functions/commons/errors.js';
import { captureLogger } from './harness.js';

const member: Principal = { id: 'alice', teams: ['payments', 'search'], admin: false };
const outsider: Principal = { id: 'bob', teams: ['other'], admin: false };
const admin: Principal = { id: 'root', teams: [], admin: true };
const loner: Principal = { id: 'nobody', teams: [], admin: false };

const job = (permission: 'job:read' | 'job:write', teams: string[]): AccessRequest => ({
  permission,
  resource: 'job/orders',
  teams,
});

describe('decide', () => {
  it.each([
    ['member reads own team', member, job('job:read', ['payments']), true],
    ['member writes own team', member, job('job:write', ['payments']), true],
    ['member moves job between own teams', member, job('job:write', ['payments', 'search']), true],
    ['member hands job to a foreign team', member, job('job:write', ['payments', 'other']), false],
    ['member takes a foreign job', member, job('job:write', ['other', 'payments']), false],
    ['outsider reads', outsider, job('job:read', ['payments']), false],
    ['outsider writes', outsider, job('job:write', ['payments']), false],
    ['admin reads anything', admin, job('job:read', ['payments']), true],
    ['admin writes anything', admin, job('job:write', ['x', 'y']), true],
    ['admin reads a trail without owner', admin, job('job:read', []), true],
    ['member reads a trail without owner', member, job('job:read', []), false],
    ['loner lists', loner, job('job:read', []), false],
    [
      'anyone reads clusters',
      loner,
      { permission: 'cluster:read', resource: 'c', teams: [] },
      true,
    ],
    [
      'member writes clusters',
      member,
      { permission: 'cluster:write', resource: 'c', teams: [] },
      false,
    ],
    [
      'admin writes clusters',
      admin,
      { permission: 'cluster:write', resource: 'c', teams: [] },
      true,
    ],
    [
      'member probes clusters',
      member,
      { permission: 'cluster:probe', resource: 'clusters/c', teams: [] },
      false,
    ],
    [
      'admin probes clusters',
      admin,
      { permission: 'cluster:probe', resource: 'clusters/c', teams: [] },
      true,
    ],
  ] as const)('%s', (_name, principal, request, allowed) => {
    const decision = decide(principal, request);
    expect(decision.allowed).toBe(allowed);
    expect(decision.reason).not.toBe('');
  });

  it('names the missing teams once', () => {
    expect(decide(outsider, job('job:write', ['payments', 'payments'])).reason).toBe(
      'not a member of team payments',
    );
  });
});

describe('authorize', () => {
  it('logs an audit line for an allow and returns', () => {
    const logger = captureLogger();
    authorize(logger, member, job('job:read', ['payments']), 'cid-1');
    expect(logger.lines).toEqual([
      {
        level: 'info',
        message: 'authorization',
        attributes: {
          audit: 'authorization',
          principal: 'alice',
          permission: 'job:read',
          resource: 'job/orders',
          teams: ['payments'],
          allowed: true,
          reason: 'member of team payments',
          correlationId: 'cid-1',
        },
      },
    ]);
  });

  it('logs an audit line for a deny and throws 403', () => {
    const logger = captureLogger();
    let thrown: unknown;
    try {
      authorize(logger, outsider, job('job:write', ['payments']), 'cid-2');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ForbiddenError);
    expect(errorResponse(thrown, 'cid-2').status).toBe(403);
    expect(logger.lines[0]?.attributes).toMatchObject({ allowed: false, principal: 'bob' });
  });
});

describe('StaticTeamDirectory', () => {
  const directory = new StaticTeamDirectory({
    admins: ['arn:aws:iam::*:role/fjc-admin'],
    teams: {
      payments: ['arn:aws:sts::111122223333:assumed-role/payments-*/*', 'alice'],
      search: ['alice', 'a.c'],
    },
  });

  it('maps principals by whole-string glob patterns', async () => {
    expect(await directory.membership('alice')).toEqual({
      teams: ['payments', 'search'],
      admin: false,
    });
    expect(
      await directory.membership('arn:aws:sts::111122223333:assumed-role/payments-ci/run-42'),
    ).toEqual({ teams: ['payments'], admin: false });
    expect(await directory.membership('arn:aws:iam::999:role/fjc-admin')).toEqual({
      teams: [],
      admin: true,
    });
    // Patterns are literal apart from `*`, and anchored.
    expect((await directory.membership('abc')).teams).toEqual([]);
    expect((await directory.membership('xalice')).teams).toEqual([]);
    expect((await directory.membership('arn:aws:iam::999:role/fjc-admin-2')).admin).toBe(false);
  });

  it('is empty by default, and refuses bad configuration naming the problem', async () => {
    expect(await new StaticTeamDirectory().membership('x')).toEqual({ teams: [], admin: false });
    expect(() => new StaticTeamDirectory({ teams: { Payments: ['x'] } })).toThrow(
      ConfigurationError,
    );
    expect(() => new StaticTeamDirectory({ admins: [''] })).toThrow(/admins\[0\]/);
    expect(() => StaticTeamDirectory.fromJson('{', 'FJC_API_TEAMS')).toThrow(
      /FJC_API_TEAMS is not valid JSON/,
    );
    expect(() => StaticTeamDirectory.fromJson('[]', 'FJC_API_TEAMS')).toThrow(/\(root\)/);
  });

  it('reads a JSON file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fjc-teams-'));
    const file = join(dir, 'teams.json');
    await writeFile(file, JSON.stringify({ teams: { payments: ['alice'] } }));
    const fromFile = await StaticTeamDirectory.fromFile(file);
    expect((await fromFile.membership('alice')).teams).toEqual(['payments']);
  });
});
