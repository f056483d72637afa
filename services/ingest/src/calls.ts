/** The Segment call types, each with its own endpoint (`/v1/<type>`) and accepted inside `/v1/batch`. */
export const CALL_TYPES = ['track', 'identify', 'page', 'screen', 'group', 'alias'] as const;

export type CallType = (typeof CALL_TYPES)[number];
