/** The key → author scope mapping, by literal segments as IAM prefix policies match them. */
import { describe, expect, it } from 'vitest';
import { scopeOfKey, scopePrincipal } from '../../../functions/ingest/key-scope.js';

describe('scopeOfKey', () => {
  it.each([
    ['specs/teams/payments/orders.yaml', { kind: 'team', team: 'payments' }],
    ['specs/teams/payments/a/b/c.json', { kind: 'team', team: 'payments' }],
    // Literal, like IAM: `..` is a key segment, not a way out of the team's prefix.
    ['specs/teams/payments/../admin/x.yaml', { kind: 'team', team: 'payments' }],
    ['specs/admin/clusters.yaml', { kind: 'admin' }],
    ['specs/admin/teams/payments/x.yaml', { kind: 'admin' }],
    ['specs/fleet.yaml', { kind: 'none' }],
    ['specs/admin/', { kind: 'none' }],
    ['specs/administrators/x.yaml', { kind: 'none' }],
    ['specs/teams/x.yaml', { kind: 'none' }],
    ['specs/teams//x.yaml', { kind: 'none' }],
    ['specs/teams/Payments/x.yaml', { kind: 'none' }],
    ['specs/teams/-payments/x.yaml', { kind: 'none' }],
    [`specs/teams/${'a'.repeat(64)}/x.yaml`, { kind: 'none' }],
    ['specs/teams/payments/', { kind: 'none' }],
  ])('%s', (key, expected) => {
    expect(scopeOfKey(key)).toMatchObject(expected);
  });

  it('a scope acts as a principal of exactly its team, or as an admin, or as nobody', () => {
    expect(scopePrincipal(scopeOfKey('specs/teams/payments/a.yaml'), 'a')).toEqual({
      id: 'a',
      admin: false,
      teams: ['payments'],
    });
    expect(scopePrincipal(scopeOfKey('specs/admin/a.yaml'), 'a').admin).toBe(true);
    expect(scopePrincipal(scopeOfKey('specs/a.yaml'), 'a')).toEqual({
      id: 'a',
      admin: false,
      teams: [],
    });
  });
});
