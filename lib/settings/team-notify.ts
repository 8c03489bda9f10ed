import type { Node } from 'constructs';

/**
 * Who is notified of each team's alarms (`fjc:teamAlarmEmails`, JSON `{"team": "address"}`): an
 * address subscribed to that team's topic. Optional per team; a team without one still has its
 * topic (exported) for a pager or chat integration to subscribe to. Only teams of `fjc:apiTeams`.
 */
export function readTeamAlarmEmails(node: Node, teams: readonly string[]): Record<string, string> {
  const raw: unknown = node.tryGetContext('fjc:teamAlarmEmails');
  if (raw === undefined || raw === '') return {};
  let parsed: unknown = raw;
  if (typeof raw === 'string')
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw new Error('Context fjc:teamAlarmEmails must be JSON: {"team": "address"}');
    }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new Error('Context fjc:teamAlarmEmails must be JSON: {"team": "address"}');
  const emails: Record<string, string> = {};
  for (const [team, address] of Object.entries(parsed)) {
    if (!teams.includes(team))
      throw new Error(
        `Context fjc:teamAlarmEmails names team ${JSON.stringify(team)}, which fjc:apiTeams does not have`,
      );
    if (typeof address !== 'string' || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(address))
      throw new Error(`Context fjc:teamAlarmEmails.${team} must be an email address`);
    emails[team] = address;
  }
  return emails;
}
