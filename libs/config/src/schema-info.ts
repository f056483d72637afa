import { KindGuard, type TObject, type TSchema } from '@sinclair/typebox';

export function isSecret(schema: TSchema | undefined): boolean {
  return schema !== undefined && (schema as { secret?: unknown }).secret === true;
}

/** Keys the environment must provide: required by the schema and without a default. */
export function requiredVariables(schema: TObject): string[] {
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties)
    .filter(([key, property]) => required.has(key) && property.default === undefined)
    .map(([key]) => key);
}

/** A human description of what a variable must hold, for error messages. */
export function describeExpected(schema: TSchema): string {
  if (KindGuard.IsUnion(schema) && schema.anyOf.every((s) => KindGuard.IsLiteral(s))) {
    return `one of ${schema.anyOf.map((s) => JSON.stringify(s.const)).join(', ')}`;
  }
  if (KindGuard.IsLiteral(schema)) return JSON.stringify(schema.const);
  if (KindGuard.IsInteger(schema) || KindGuard.IsNumber(schema)) {
    const kind = KindGuard.IsInteger(schema) ? 'an integer' : 'a number';
    const range = [
      schema.minimum === undefined ? undefined : `>= ${schema.minimum}`,
      schema.maximum === undefined ? undefined : `<= ${schema.maximum}`,
    ].filter((part) => part !== undefined);
    return range.length === 0 ? kind : `${kind} ${range.join(' and ')}`;
  }
  if (KindGuard.IsBoolean(schema)) return 'true or false';
  if (KindGuard.IsArray(schema)) return `a comma-separated list of ${describeExpected(schema.items)}`;
  if (KindGuard.IsString(schema)) {
    const rules = [
      schema.minLength === undefined ? undefined : `at least ${schema.minLength} characters`,
      schema.format === undefined ? undefined : `format ${schema.format}`,
      schema.pattern === undefined ? undefined : `matching ${schema.pattern}`,
    ].filter((part) => part !== undefined);
    return rules.length === 0 ? 'a string' : `a string (${rules.join(', ')})`;
  }
  return 'a valid value';
}
