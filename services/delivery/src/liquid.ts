import { Liquid } from 'liquidjs';

/**
 * One engine per service instance (it caches parsed templates). Unknown
 * variables render as empty text: a missing trait must not block a message.
 */
export function createTemplateEngine(): Liquid {
  return new Liquid({ strictVariables: false, strictFilters: true, ownPropertyOnly: true, cache: 1000 });
}
