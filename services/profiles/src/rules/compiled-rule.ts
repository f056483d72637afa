import { valueAtPath, type JsonObject } from '../model/json-values';
import { compare, type Operator } from './operators';
import { compareRelative, earliest, nextRelativeChange, type RelativeOperator } from './relative-dates';

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
  | { kind: 'group'; groupId: string | null; where: PathTest[] }
  | { kind: 'relativeDate'; subject: DateSubject; op: RelativeOperator; durationMs: number };

/** What a relative date condition reads: a trait (by path) or a computed trait's aggregate. */
export type DateSubject = { trait: string } | { aggregateId: string };

export interface GroupView {
  id: string;
  traits: JsonObject;
}

/** What a rule reads from a profile. */
export interface EvaluationContext {
  /** The time relative date conditions compare with. */
  now: number;
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
    case 'relativeDate':
      return compareRelative(rule.op, subjectValue(rule.subject, context), rule.durationMs, context.now);
  }
}

function subjectValue(subject: DateSubject, context: EvaluationContext): unknown {
  return 'trait' in subject ? valueAtPath(context.traits, subject.trait) : context.aggregate(subject.aggregateId);
}

/**
 * The first instant after context.now at which one of the rule's relative date conditions changes
 * its outcome, the profile's values staying as they are; null when none ever does. Every condition
 * counts, not only those that decide the outcome now, so the answer may be an instant at which the
 * rule as a whole does not change: evaluating then costs little and sets the next instant.
 */
export function nextTimedChange(rule: CompiledRule, context: EvaluationContext): number | null {
  switch (rule.kind) {
    case 'and':
    case 'or':
      return earliest(rule.rules.map((part) => nextTimedChange(part, context)));
    case 'not':
      return nextTimedChange(rule.rule, context);
    case 'relativeDate':
      return nextRelativeChange(rule.op, subjectValue(rule.subject, context), rule.durationMs, context.now);
    default:
      return null;
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
  /** A relative date condition: time alone can change the outcome. */
  time: boolean;
}

export function ruleDependencies(rule: CompiledRule, into?: RuleDependencies): RuleDependencies {
  const deps = into ?? { traits: new Set<string>(), aggregates: new Set<string>(), groups: false, groupTraits: false, time: false };
  switch (rule.kind) {
    case 'and':
    case 'or':
      for (const part of rule.rules) ruleDependencies(part, deps);
      break;
    case 'not':
      ruleDependencies(rule.rule, deps);
      break;
    case 'trait':
      addTraitPath(deps, rule.path);
      break;
    case 'aggregate':
      deps.aggregates.add(rule.aggregateId);
      break;
    case 'group':
      deps.groups = true;
      if (rule.where.length > 0) deps.groupTraits = true;
      break;
    case 'relativeDate':
      deps.time = true;
      if ('trait' in rule.subject) addTraitPath(deps, rule.subject.trait);
      else deps.aggregates.add(rule.subject.aggregateId);
      break;
  }
  return deps;
}

function addTraitPath(deps: RuleDependencies, path: string): void {
  deps.traits.add(path);
  deps.traits.add(path.split('.')[0] ?? path);
}
