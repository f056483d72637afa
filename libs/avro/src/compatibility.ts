import { Type, types } from 'avsc';
import { messageOf } from './errors';

function describe(type: Type): string {
  return type.name ?? JSON.stringify(type.schema());
}

function writerFieldFor(writer: types.RecordType, readerField: types.Field): types.Field | undefined {
  const names = [readerField.name, ...(readerField.aliases ?? [])];
  return writer.fields.find((field) => names.includes(field.name));
}

function explainRecords(writer: types.RecordType, reader: types.RecordType, path: string): string[] {
  const issues: string[] = [];
  for (const readerField of reader.fields) {
    const fieldPath = `${path}.${readerField.name}`;
    const writerField = writerFieldFor(writer, readerField);
    if (writerField === undefined) {
      if (readerField.defaultValue() === undefined) {
        issues.push(`field ${fieldPath} is missing from the writer and has no default in the reader`);
      }
      continue;
    }
    issues.push(...explain(writerField.type, readerField.type, fieldPath));
  }
  return issues;
}

function explain(writer: Type, reader: Type, path: string): string[] {
  try {
    reader.createResolver(writer);
    return [];
  } catch (err) {
    if (writer instanceof types.RecordType && reader instanceof types.RecordType && writer.name === reader.name) {
      const issues = explainRecords(writer, reader, path);
      if (issues.length > 0) return issues;
    }
    if (writer instanceof types.ArrayType && reader instanceof types.ArrayType) {
      const issues = explain(writer.itemsType, reader.itemsType, `${path}[]`);
      if (issues.length > 0) return issues;
    }
    if (writer instanceof types.MapType && reader instanceof types.MapType) {
      const issues = explain(writer.valuesType, reader.valuesType, `${path}{}`);
      if (issues.length > 0) return issues;
    }
    const summary = `cannot read ${describe(writer)} as ${describe(reader)}`;
    const detail = messageOf(err);
    return [`field ${path}: ${detail === summary ? summary : `${summary} (${detail})`}`];
  }
}

/**
 * Why records written with `writer` cannot be read with `reader` (Avro schema
 * resolution rules, as avsc applies them), one line per incompatible field;
 * empty when they resolve.
 */
export function compatibilityIssues(writer: Type, reader: Type): string[] {
  return explain(writer, reader, reader.name ?? reader.typeName);
}
