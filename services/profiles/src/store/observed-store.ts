import type { Queryable } from '@cjo/db';
import type { ValueType } from '../model/json-values';
import type { TraitEntity } from '../rules/rule-catalog';

export interface ObservedTrait {
  entity: TraitEntity;
  name: string;
  type: ValueType;
}

export interface ObservedProperty {
  event: string;
  /** '' for the event itself. */
  property: string;
  type: ValueType | '';
}

export async function recordObservations(
  db: Queryable,
  traits: readonly ObservedTrait[],
  properties: readonly ObservedProperty[],
): Promise<void> {
  if (traits.length > 0) {
    await db.query(
      `INSERT INTO observed_traits (entity, name, type)
       SELECT x.entity, x.name, x.type FROM jsonb_to_recordset($1::jsonb) AS x(entity text, name text, type text)
       ON CONFLICT DO NOTHING`,
      [JSON.stringify(traits)],
    );
  }
  if (properties.length > 0) {
    await db.query(
      `INSERT INTO observed_properties (event, property, type)
       SELECT x.event, x.property, x.type FROM jsonb_to_recordset($1::jsonb) AS x(event text, property text, type text)
       ON CONFLICT DO NOTHING`,
      [JSON.stringify(properties)],
    );
  }
}

export async function loadObservations(db: Queryable): Promise<{ traits: ObservedTrait[]; properties: ObservedProperty[] }> {
  const traits = await db.query<ObservedTrait>('SELECT entity, name, type FROM observed_traits');
  const properties = await db.query<ObservedProperty>('SELECT event, property, type FROM observed_properties');
  return { traits: traits.rows, properties: properties.rows };
}
