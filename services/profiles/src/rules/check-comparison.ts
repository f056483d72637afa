import { isDateString, isPlainObject, type ValueType } from '../model/json-values';
import { parseDuration } from '../model/window';
import { isOperator, OPERATOR_SHAPES, OPERATORS, typesMatchedBy, type Operator } from './operators';
import { isRelativeOperator, RELATIVE_OPERATORS, type RelativeOperator } from './relative-dates';

export type Problems = string[];

const SCALAR_TYPES = new Set(['string', 'number', 'boolean']);
const isScalar = (value: unknown): boolean => value === null || SCALAR_TYPES.has(typeof value);

/** Why a value does not fit the operator, or null. */
function valueProblem(op: Operator, hasValue: boolean, value: unknown): string | null {
  const shape = OPERATOR_SHAPES[op];
  if (shape.value === 'none') return hasValue ? `"${op}" takes no value` : null;
  if (!hasValue) return `"${op}" needs a value`;
  switch (shape.value) {
    case 'any':
      return null;
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? null : `"${op}" compares numbers; the value must be a number`;
    case 'date':
      return isDateString(value) ? null : `"${op}" compares dates; the value must be an ISO-8601 date such as "2024-05-01T00:00:00Z"`;
    case 'string':
      return typeof value === 'string' ? null : `"${op}" needs a string value`;
    case 'scalar':
      return isScalar(value) ? null : `"${op}" needs a string, number, boolean or null value`;
    case 'list':
      return Array.isArray(value) && value.length > 0 && value.every(isScalar)
        ? null
        : `"${op}" needs a non-empty array of strings, numbers, booleans or nulls`;
  }
}

const describeTypes = (types: readonly ValueType[]): string => types.filter((t) => t !== 'null').join(' or ') || 'null';

/**
 * Checks `op` and `value` of a condition object; `subject` names what is compared in messages
 * ('trait "plan"'), `knownTypes` are the types seen for it (undefined: not known, no type check).
 * Returns the operator when it is valid.
 */
export function checkComparison(
  node: Record<string, unknown>,
  path: string,
  subject: string,
  knownTypes: readonly ValueType[] | undefined,
  problems: Problems,
): Operator | null {
  const op = node.op;
  if (op === undefined) {
    problems.push(`${path}.op: missing; comparing ${subject} needs an operator (${OPERATORS.join(', ')})`);
    return null;
  }
  if (isRelativeOperator(op)) {
    problems.push(
      `${path}.op: "${op}" compares a date with the current time, which only trait and computedTrait conditions do ` +
        `(time then moves profiles in and out); here use one of ${OPERATORS.join(', ')}`,
    );
    return null;
  }
  if (!isOperator(op)) {
    problems.push(
      `${path}.op: unknown operator ${JSON.stringify(op)}; use one of ${OPERATORS.join(', ')} ` +
        `(trait and computedTrait conditions also take ${RELATIVE_OPERATORS.join(', ')})`,
    );
    return null;
  }
  const hasValue = Object.prototype.hasOwnProperty.call(node, 'value');
  const problem = valueProblem(op, hasValue, node.value);
  if (problem !== null) {
    problems.push(`${path}.value: ${problem}`);
    return null;
  }
  if (knownTypes === undefined || knownTypes.length === 0) return op;
  const matched = typesMatchedBy(op, node.value);
  if (matched !== null && !matched.some((type) => knownTypes.includes(type))) {
    problems.push(
      `${path}: type mismatch: ${subject} holds ${describeTypes(knownTypes)} values, so "${op}" ` +
        `${hasValue ? `${JSON.stringify(node.value)} ` : ''}can never match (it needs ${describeTypes(matched)})`,
    );
    return null;
  }
  return op;
}

/**
 * Checks a relative date condition (`{ op: "within_last", value: "7d" }`): the value is a duration,
 * and what it compares must hold dates (when its types are known).
 */
export function checkRelativeComparison(
  op: RelativeOperator,
  node: Record<string, unknown>,
  path: string,
  subject: string,
  knownTypes: readonly ValueType[] | undefined,
  problems: Problems,
): { op: RelativeOperator; durationMs: number } | null {
  const durationMs = typeof node.value === 'string' ? parseDuration(node.value) : null;
  if (durationMs === null) {
    problems.push(`${path}.value: "${op}" needs a duration such as "90s", "15m", "12h", "7d" or "2w"`);
    return null;
  }
  if (knownTypes !== undefined && knownTypes.length > 0 && !knownTypes.includes('date')) {
    problems.push(`${path}: type mismatch: ${subject} holds ${describeTypes(knownTypes)} values, so "${op}" can never match (it needs date)`);
    return null;
  }
  return { op, durationMs };
}

/** Unknown keys are refused, so a typo (`"vaule"`) is not silently ignored. */
export function checkKeys(node: Record<string, unknown>, path: string, allowed: readonly string[], problems: Problems): void {
  for (const key of Object.keys(node)) {
    if (!allowed.includes(key)) problems.push(`${path}.${key}: unknown field; allowed here: ${allowed.join(', ')}`);
  }
}

export function asObject(value: unknown, path: string, what: string, problems: Problems): Record<string, unknown> | null {
  if (isPlainObject(value)) return value;
  problems.push(`${path}: must be ${what}, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`);
  return null;
}

export function nonEmptyString(value: unknown, path: string, what: string, problems: Problems): string | null {
  if (typeof value === 'string' && value.trim() !== '' && value.length <= 512) return value;
  problems.push(`${path}: ${what} must be a non-empty string of at most 512 characters`);
  return null;
}
