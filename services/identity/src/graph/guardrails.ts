import type { Identifier } from '../identifiers';
import type { IdentityRules } from '../rules/identity-rules';

/** merge_protection: two different userIds; limit_exceeded: too many identifiers of one type. */
export type ConflictKind = 'merge_protection' | 'limit_exceeded';

interface ProfileIdentifiers {
  profileId: string;
  identifiers: readonly Identifier[];
}

/**
 * Why two profiles must not become one, or null when they may. Two profiles that each carry a
 * different userId never merge, whatever ties them (a shared email, a shared device); nor do two
 * whose identifiers together exceed a type's limit.
 */
export function mergeProblem(
  a: ProfileIdentifiers,
  b: ProfileIdentifiers,
  rules: IdentityRules,
): { kind: ConflictKind; reason: string } | null {
  const userIdsOf = (p: ProfileIdentifiers) => p.identifiers.filter((i) => i.type === 'userId').map((i) => i.value);
  const [userA] = userIdsOf(a);
  const [userB] = userIdsOf(b);
  if (userA !== undefined && userB !== undefined && userA !== userB) {
    return {
      kind: 'merge_protection',
      reason: `profile ${a.profileId} has userId ${userA} and profile ${b.profileId} has userId ${userB}`,
    };
  }
  const counts = new Map<string, number>();
  for (const identifier of [...a.identifiers, ...b.identifiers]) counts.set(identifier.type, (counts.get(identifier.type) ?? 0) + 1);
  const over = [...counts.entries()]
    .filter(([type, count]) => count > rules.limitOf(type))
    .sort(([x], [y]) => rules.rankOf(x) - rules.rankOf(y));
  const [first] = over;
  if (first === undefined) return null;
  const [type, count] = first;
  return { kind: 'limit_exceeded', reason: `together they would have ${count} ${type} (limit ${rules.limitOf(type)})` };
}
