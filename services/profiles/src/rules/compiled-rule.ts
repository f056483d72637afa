import { valueAtPath, type JsonObject } from '../model/json-values';
import { compare, type Operator } from './operators';

export interface Test {
  op: Operator;
  value: unknown;
}

/** A path into traits (or group traits) and the test its value must pass. */
export interface PathTest extends Test {
  path: string;
}

/** A segment rule after validation: references resolved (a computed trait or a "performed" condition is an aggregate id). */
export type CompiledRule =
  | { kind: 'and'; rules: CompiledRule[] }
  | { kind: 'or'; rules: CompiledRule[] }
  | { kind: 'not'; rule: CompiledRule }
  | ({ kind: 'trait' } & PathTest)
  | { kind: 'aggregate'; aggregateId: string; tests: Test[] }
  | { kind: 'group'; groupId: string | null; where: PathTest[] };

export interface GroupView {
  id: string;
  traits: JsonObject;
}

/** What a rule reads from a profile. */
export interface EvaluationContext {
  traits: JsonObject;
  aggregate(aggregateId: string): unknown;
  groups(): readonly GroupView[];
}

export function evaluateRule(rule: CompiledRule, context: EvaluationContext): boolean {
  switch (rule.kind) {
    case 'and':
      return rule.rules.every((part) => evaluateRule(part, context));
    case 'or':
      return rule.rules.some((part) => evaluateRule(part, context));
    case 'not':
      return !evaluateRule(rule.rule, context);
    case 'trait':
      return compare(rule.op, valueAtPath(context.traits, rule.path), rule.value);
    case 'aggregate': {
      const value = context.aggregate(rule.aggregateId);
      return rule.tests.every((test) => compare(test.op, value, test.value));
    }
    case 'group':
      return context
        .groups()
        .some(
          (group) =>
            (rule.groupId === null || group.id === rule.groupId) &&
            rule.where.every((test) => compare(test.op, valueAtPath(group.traits, test.path), test.value)),
        );
  }
}

/** What a rule reads: a change elsewhere cannot change its outcome, so it is not evaluated again. */
export interface RuleDependencies {
  /** Top-level trait names. */
  traits: Set<string>;
  aggregates: Set<string>;
  /** Group membership, or the traits of groups. */
  groups: boolean;
  /** The traits of groups (a change to a group re-evaluates every member). */
  groupTraits: boolean;
}

export function ruleDependencies(rule: CompiledRule, into?: RuleDependencies): RuleDependencies {
  const deps = into ?? { traits: new Set<string>(), aggregates: new Set<string>(), groups: false, groupTraits: false };
  switch (rule.kind) {
    case 'and':
    case 'or':
      for (const part of rule.rules) ruleDependencies(part, deps);
      break;
    case 'not':
      ruleDependencies(rule.rule, deps);
      break;
    case 'trait':
      deps.traits.add(rule.path);
      deps.traits.add(rule.path.split('.')[0] ?? rule.path);
      break;
    case 'aggregate':
      deps.aggregates.add(rule.aggregateId);
      break;
    case 'group':
      deps.groups = true;
      if (rule.where.length > 0) deps.groupTraits = true;
      break;
  }
  return deps;
}
