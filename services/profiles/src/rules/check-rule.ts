import { aggregateId, type AggregateSpec } from '../model/aggregate';
import type { ValueType } from '../model/json-values';
import type { KeyedAggregate } from '../model/profile';
import { asObject, checkComparison, checkKeys, checkRelativeComparison, nonEmptyString, type Problems } from './check-comparison';
import { checkEventName, checkFilters, checkTraitName, checkWindow } from './check-filters';
import type { CompiledRule, DateSubject, PathTest, Test } from './compiled-rule';
import { isRelativeOperator, type RelativeOperator } from './relative-dates';
import type { RuleCatalog } from './rule-catalog';
import { hintFor } from './suggest';

export const MAX_RULE_DEPTH = 10;
export const MAX_RULE_CONDITIONS = 100;

const KINDS = ['and', 'or', 'not', 'trait', 'computedTrait', 'performed', 'group'] as const;

export type RuleCheck =
  | { ok: true; rule: CompiledRule; aggregates: KeyedAggregate[] }
  | { ok: false; problems: string[] };

interface Walk {
  catalog: RuleCatalog;
  problems: Problems;
  aggregates: Map<string, AggregateSpec>;
  conditions: number;
}

const testOf = (op: Test['op'], value: unknown): Test => ({ op, value: op === 'exists' || op === 'not_exists' ? null : value });

/**
 * Validates a segment rule and compiles it. Every problem is reported at once, each prefixed with
 * its JSON path (`rule.and[1].op: unknown operator "greater"; …`), so one 400 answer lists them all.
 */
export function checkRule(raw: unknown, catalog: RuleCatalog, path = 'rule'): RuleCheck {
  const walk: Walk = { catalog, problems: [], aggregates: new Map(), conditions: 0 };
  const rule = checkNode(raw, path, 1, walk);
  if (walk.conditions > MAX_RULE_CONDITIONS) {
    walk.problems.push(`${path}: ${walk.conditions} conditions; a rule holds at most ${MAX_RULE_CONDITIONS}`);
  }
  if (rule === null || walk.problems.length > 0) return { ok: false, problems: walk.problems };
  return { ok: true, rule, aggregates: [...walk.aggregates].map(([id, spec]) => ({ id, spec })) };
}

function checkNode(raw: unknown, path: string, depth: number, walk: Walk): CompiledRule | null {
  const node = asObject(raw, path, `a condition object with one of ${KINDS.join(', ')}`, walk.problems);
  if (node === null) return null;
  if (depth > MAX_RULE_DEPTH) {
    walk.problems.push(`${path}: rules nest at most ${MAX_RULE_DEPTH} levels deep`);
    return null;
  }
  const kinds = KINDS.filter((kind) => Object.prototype.hasOwnProperty.call(node, kind));
  if (kinds.length !== 1) {
    const keys = Object.keys(node);
    walk.problems.push(
      kinds.length === 0
        ? `${path}: not a condition: it needs exactly one of ${KINDS.join(', ')}` +
            (keys.length === 0
              ? ' (got an empty object)'
              : `; got ${keys.join(', ')}` +
                (keys.includes('op')
                  ? ' (a comparison names what it compares: "trait" or "computedTrait")'
                  : hintFor(keys[0] ?? '', KINDS)))
        : `${path}: a condition has exactly one of ${KINDS.join(', ')}; this one has ${kinds.join(' and ')} (wrap them in "and")`,
    );
    return null;
  }
  const kind = kinds[0];
  switch (kind) {
    case 'and':
    case 'or':
      return checkGroupOf(kind, node, path, depth, walk);
    case 'not':
      checkKeys(node, path, ['not'], walk.problems);
      walk.conditions += 1;
      {
        const inner = checkNode(node.not, `${path}.not`, depth + 1, walk);
        return inner === null ? null : { kind: 'not', rule: inner };
      }
    case 'trait':
      return checkTrait(node, path, walk);
    case 'computedTrait':
      return checkComputedTrait(node, path, walk);
    case 'performed':
      return checkPerformed(node, path, walk);
    case 'group':
      return checkGroupCondition(node, path, walk);
    default:
      return null;
  }
}

function checkGroupOf(kind: 'and' | 'or', node: Record<string, unknown>, path: string, depth: number, walk: Walk): CompiledRule | null {
  checkKeys(node, path, [kind], walk.problems);
  const parts = node[kind];
  if (!Array.isArray(parts)) {
    walk.problems.push(`${path}.${kind}: must be an array of conditions`);
    return null;
  }
  if (parts.length === 0) {
    walk.problems.push(`${path}.${kind}: empty group: "${kind}" needs at least one condition`);
    return null;
  }
  walk.conditions += 1;
  const rules = parts.map((part, index) => checkNode(part, `${path}.${kind}[${index}]`, depth + 1, walk));
  const compiled = rules.filter((rule): rule is CompiledRule => rule !== null);
  return compiled.length === rules.length ? { kind, rules: compiled } : null;
}

function checkTrait(node: Record<string, unknown>, path: string, walk: Walk): CompiledRule | null {
  checkKeys(node, path, ['trait', 'op', 'value'], walk.problems);
  walk.conditions += 1;
  const trait = checkTraitName(node.trait, `${path}.trait`, 'profile', walk.catalog, walk.problems);
  if (trait === null) return null;
  const { op: relative } = node;
  if (isRelativeOperator(relative)) return relativeDate(relative, node, path, `trait "${trait.name}"`, trait.types, { trait: trait.name }, walk);
  const op = checkComparison(node, path, `trait "${trait.name}"`, trait.types, walk.problems);
  return op === null ? null : { kind: 'trait', path: trait.name, ...testOf(op, node.value) };
}

function checkComputedTrait(node: Record<string, unknown>, path: string, walk: Walk): CompiledRule | null {
  checkKeys(node, path, ['computedTrait', 'op', 'value'], walk.problems);
  walk.conditions += 1;
  const name = nonEmptyString(node.computedTrait, `${path}.computedTrait`, 'the computed trait name', walk.problems);
  if (name === null) return null;
  const ref = walk.catalog.computedTrait(name);
  if (ref === undefined) {
    walk.problems.push(
      `${path}.computedTrait: unknown computed trait ${JSON.stringify(name)}${hintFor(name, walk.catalog.computedTraitNames())}; ` +
        'create it with POST /v1/computed-traits first',
    );
    return null;
  }
  const subject = `computed trait "${name}"`;
  const types = ref.valueTypes ?? undefined;
  const { op: relative } = node;
  let compiled: CompiledRule | null;
  if (isRelativeOperator(relative)) {
    compiled = relativeDate(relative, node, path, subject, types, { aggregateId: ref.aggregateId }, walk);
  } else {
    const op = checkComparison(node, path, subject, types, walk.problems);
    compiled = op === null ? null : { kind: 'aggregate', aggregateId: ref.aggregateId, tests: [testOf(op, node.value)] };
  }
  if (compiled !== null) walk.aggregates.set(ref.aggregateId, ref.spec);
  return compiled;
}

function relativeDate(
  op: RelativeOperator,
  node: Record<string, unknown>,
  path: string,
  subject: string,
  types: readonly ValueType[] | undefined,
  dateSubject: DateSubject,
  walk: Walk,
): CompiledRule | null {
  const checked = checkRelativeComparison(op, node, path, subject, types, walk.problems);
  return checked === null ? null : { kind: 'relativeDate', subject: dateSubject, ...checked };
}

function checkCount(value: unknown, path: string, minimum: number, problems: Problems): number | null {
  if (value === undefined) return null;
  if (typeof value === 'number' && Number.isInteger(value) && value >= minimum && value <= 1_000_000_000) return value;
  problems.push(`${path}: must be an integer of at least ${minimum}`);
  return null;
}

/** `{ performed: "Order Completed", where?, atLeast?, atMost?, within? }`: a count aggregate, maybe windowed. */
function checkPerformed(node: Record<string, unknown>, path: string, walk: Walk): CompiledRule | null {
  checkKeys(node, path, ['performed', 'where', 'atLeast', 'atMost', 'within'], walk.problems);
  walk.conditions += 1;
  const before = walk.problems.length;
  const event = checkEventName(node.performed, `${path}.performed`, walk.catalog, walk.problems);
  const where = event === null ? [] : checkFilters(node.where, `${path}.where`, event, walk.catalog, walk.problems);
  const atLeast = checkCount(node.atLeast, `${path}.atLeast`, 1, walk.problems);
  const atMost = checkCount(node.atMost, `${path}.atMost`, 0, walk.problems);
  if (atLeast !== null && atMost !== null && atLeast > atMost) {
    walk.problems.push(`${path}: atLeast (${atLeast}) is more than atMost (${atMost}), so it can never match`);
  }
  const windowMs = node.within === undefined ? null : checkWindow(node.within, `${path}.within`, walk.catalog, walk.problems);
  if (event === null || walk.problems.length > before) return null;
  const spec: AggregateSpec = { fn: 'count', event, property: null, where, windowMs };
  const id = aggregateId(spec);
  walk.aggregates.set(id, spec);
  const tests: Test[] = [];
  if (atLeast !== null || atMost === null) tests.push({ op: 'gte', value: atLeast ?? 1 });
  if (atMost !== null) tests.push({ op: 'lte', value: atMost });
  return { kind: 'aggregate', aggregateId: id, tests };
}

/** `{ group: { id?, where? } }`: a member of that group, or of any group whose traits pass `where`. */
function checkGroupCondition(node: Record<string, unknown>, path: string, walk: Walk): CompiledRule | null {
  checkKeys(node, path, ['group'], walk.problems);
  walk.conditions += 1;
  const group = asObject(node.group, `${path}.group`, 'an object { id?, where? }', walk.problems);
  if (group === null) return null;
  checkKeys(group, `${path}.group`, ['id', 'where'], walk.problems);
  const before = walk.problems.length;
  const groupId = group.id === undefined ? null : nonEmptyString(group.id, `${path}.group.id`, 'the group id', walk.problems);
  const where: PathTest[] = [];
  if (group.where !== undefined) {
    if (!Array.isArray(group.where) || group.where.length === 0) {
      walk.problems.push(`${path}.group.where: must be a non-empty array of { trait, op, value } conditions (or left out)`);
    } else {
      group.where.forEach((item, index) => {
        const itemPath = `${path}.group.where[${index}]`;
        const condition = asObject(item, itemPath, 'a { trait, op, value } condition', walk.problems);
        if (condition === null) return;
        checkKeys(condition, itemPath, ['trait', 'op', 'value'], walk.problems);
        const trait = checkTraitName(condition.trait, `${itemPath}.trait`, 'group', walk.catalog, walk.problems);
        if (trait === null) return;
        const op = checkComparison(condition, itemPath, `group trait "${trait.name}"`, trait.types, walk.problems);
        if (op !== null) where.push({ path: trait.name, ...testOf(op, condition.value) });
      });
    }
  }
  if (walk.problems.length > before) return null;
  return { kind: 'group', groupId, where };
}
