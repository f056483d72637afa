/** The calls of the README's one-minute tour, as a test would make them. */
export interface PlatformUrls {
  ingest: string;
  journeys: string;
}

async function postJson(url: string, body: unknown, authorization: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

function expectStatus(what: string, actual: { status: number; body: unknown }, expected: number): void {
  if (actual.status !== expected) {
    throw new Error(`${what}: expected HTTP ${expected}, got ${actual.status} ${JSON.stringify(actual.body)}`);
  }
}

export async function createSource(urls: PlatformUrls, adminToken: string, name: string): Promise<string> {
  const response = await postJson(`${urls.ingest}/v1/sources`, { name }, `Bearer ${adminToken}`);
  expectStatus('create source', response, 201);
  return (response.body as { writeKey: string }).writeKey;
}

export async function createJourney(
  urls: PlatformUrls,
  adminToken: string,
  journey: { name: string; event: string; url: string; template: string },
): Promise<string> {
  const response = await postJson(
    `${urls.journeys}/v1/journeys`,
    { name: journey.name, trigger: { event: journey.event }, action: { channel: 'webhook', url: journey.url, template: journey.template } },
    `Bearer ${adminToken}`,
  );
  expectStatus('create journey', response, 201);
  return (response.body as { id: string }).id;
}

/** Tracks one event; returns the HTTP status (200 means ingest got Kafka's acknowledgement). */
export async function track(urls: PlatformUrls, writeKey: string, event: Record<string, unknown>): Promise<number> {
  const basic = Buffer.from(`${writeKey}:`).toString('base64');
  const response = await postJson(`${urls.ingest}/v1/track`, event, `Basic ${basic}`);
  return response.status;
}

/** The README tour's set-up: a source and the "welcome" journey whose webhook goes to `receiverUrl`/hook. */
export async function setUpWelcomeJourney(
  urls: PlatformUrls,
  adminToken: string,
  receiverUrl: string,
): Promise<{ writeKey: string; journeyId: string }> {
  const writeKey = await createSource(urls, adminToken, 'website');
  const journeyId = await createJourney(urls, adminToken, {
    name: 'welcome',
    event: 'Signed Up',
    url: `${receiverUrl}/hook`,
    template: 'Welcome, {{ event.properties.plan }} user!',
  });
  return { writeKey, journeyId };
}
