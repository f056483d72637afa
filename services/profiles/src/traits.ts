/** Profile traits: a JSON object of trait name -> any JSON value. */
export type Traits = Record<string, unknown>;
