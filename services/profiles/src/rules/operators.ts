import { isDeepStrictEqual } from 'node:util';
import { isDateString, typesOf, type ValueType } from '../model/json-values';

export const OPERATORS = [
  'eq',
  'neq',
  'gt',
  'gte',
  'lt',
  'lte',
  'before',
  'after',
  'in',
  'not_in',
  'contains',
  'not_contains',
  'starts_with',
  'ends_with',
  'exists',
  'not_exists',
] as const;

export type Operator = (typeof OPERATORS)[number];

export function isOperator(text: unknown): text is Operator {
  return typeof text === 'string' && (OPERATORS as readonly string[]).includes(text);
}

/** What an operator's `value` must be, and which stored types it can be true for (null: any). */
export interface OperatorShape {
  value: 'none' | 'any' | 'number' | 'date' | 'string' | 'list' | 'scalar';
  /** Types of the compared value the operator can ever be true for; null: decided by the value's own type. */
  accepts: ValueType[] | null;
}

export const OPERATOR_SHAPES: Readonly<Record<Operator, OperatorShape>> = {
  eq: { value: 'any', accepts: null },
  neq: { value: 'any', accepts: null },
  gt: { value: 'number', accepts: ['number'] },
  gte: { value: 'number', accepts: ['number'] },
  lt: { value: 'number', accepts: ['number'] },
  lte: { value: 'number', accepts: ['number'] },
  before: { value: 'date', accepts: ['date'] },
  after: { value: 'date', accepts: ['date'] },
  in: { value: 'list', accepts: null },
  not_in: { value: 'list', accepts: null },
  contains: { value: 'scalar', accepts: ['string', 'array'] },
  not_contains: { value: 'scalar', accepts: ['string', 'array'] },
  starts_with: { value: 'string', accepts: ['string'] },
  ends_with: { value: 'string', accepts: ['string'] },
  exists: { value: 'none', accepts: null },
  not_exists: { value: 'none', accepts: null },
};

function contains(actual: unknown, expected: unknown): boolean {
  if (typeof actual === 'string') return typeof expected === 'string' && actual.includes(expected);
  if (Array.isArray(actual)) return actual.some((item) => isDeepStrictEqual(item, expected));
  return false;
}

function compareDates(actual: unknown, expected: unknown, test: (a: number, b: number) => boolean): boolean {
  return isDateString(actual) && isDateString(expected) && test(Date.parse(actual), Date.parse(expected));
}

function compareNumbers(actual: unknown, expected: unknown, test: (a: number, b: number) => boolean): boolean {
  return typeof actual === 'number' && typeof expected === 'number' && test(actual, expected);
}

/**
 * Whether `actual` (undefined when the trait or property is absent) satisfies the comparison.
 * A value of the wrong type never matches; the negative operators (neq, not_in, not_contains,
 * not_exists) are the exact negation of their positive twin, so they match an absent value.
 */
export function compare(op: Operator, actual: unknown, expected: unknown): boolean {
  switch (op) {
    case 'exists':
      return actual !== undefined && actual !== null;
    case 'not_exists':
      return !compare('exists', actual, expected);
    case 'eq':
      return actual !== undefined && isDeepStrictEqual(actual, expected);
    case 'neq':
      return !compare('eq', actual, expected);
    case 'gt':
      return compareNumbers(actual, expected, (a, b) => a > b);
    case 'gte':
      return compareNumbers(actual, expected, (a, b) => a >= b);
    case 'lt':
      return compareNumbers(actual, expected, (a, b) => a < b);
    case 'lte':
      return compareNumbers(actual, expected, (a, b) => a <= b);
    case 'before':
      return compareDates(actual, expected, (a, b) => a < b);
    case 'after':
      return compareDates(actual, expected, (a, b) => a > b);
    case 'in':
      return actual !== undefined && Array.isArray(expected) && expected.some((item) => isDeepStrictEqual(item, actual));
    case 'not_in':
      return !compare('in', actual, expected);
    case 'contains':
      return contains(actual, expected);
    case 'not_contains':
      return !contains(actual, expected);
    case 'starts_with':
      return typeof actual === 'string' && typeof expected === 'string' && actual.startsWith(expected);
    case 'ends_with':
      return typeof actual === 'string' && typeof expected === 'string' && actual.endsWith(expected);
  }
}

/** The stored types a comparison could be true for, used to catch a rule that can never match. */
export function typesMatchedBy(op: Operator, expected: unknown): readonly ValueType[] | null {
  const shape = OPERATOR_SHAPES[op];
  if (shape.accepts !== null) return shape.accepts;
  if (op === 'eq' || op === 'neq') return typesOf(expected);
  if ((op === 'in' || op === 'not_in') && Array.isArray(expected)) return [...new Set(expected.flatMap(typesOf))];
  return null;
}
