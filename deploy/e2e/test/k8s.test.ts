import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { requiredVariables } from '@cjo/config';
import { parseAllDocuments, parse } from 'yaml';
import { appServices, defaultPortOf, repoRoot } from './service-configs';

interface Container {
  name: string;
  image: string;
  ports: Array<{ name: string; containerPort: number }>;
  env?: Array<{ name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }>;
  envFrom?: Array<{ configMapRef?: { name: string }; secretRef?: { name: string } }>;
  readinessProbe?: { httpGet?: { path: string; port: string | number } };
  livenessProbe?: { httpGet?: { path: string; port: string | number } };
}

interface Manifest {
  kind: string;
  metadata: { name: string };
  spec: {
    terminationGracePeriodSeconds?: number;
    template?: { spec: { containers: Container[]; terminationGracePeriodSeconds?: number } };
    ports?: Array<{ port: number; targetPort: string | number }>;
  };
}

interface Kustomization {
  resources: string[];
  configMapGenerator: Array<{ name: string; literals: string[] }>;
  secretGenerator: Array<{ name: string; literals: string[] }>;
}

const dir = join(repoRoot, 'deploy', 'k8s');
const kustomization = parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as Kustomization;
const manifests = kustomization.resources.flatMap((file) =>
  parseAllDocuments(readFileSync(join(dir, file), 'utf8')).map((doc) => doc.toJSON() as Manifest),
);

/** Keys each generated ConfigMap or Secret holds, by name. */
const generatedKeys = new Map(
  [...kustomization.configMapGenerator, ...kustomization.secretGenerator].map((generator) => [
    generator.name,
    generator.literals.map((literal) => literal.slice(0, literal.indexOf('='))),
  ]),
);

function manifest(kind: string, name: string): Manifest {
  const found = manifests.find((m) => m.kind === kind && m.metadata.name === name);
  if (found === undefined) throw new Error(`deploy/k8s has no ${kind} ${name}`);
  return found;
}

function containerOf(name: string): { container: Container; grace: number | undefined } {
  const spec = manifest('Deployment', `cjo-${name}`).spec.template?.spec;
  const container = spec?.containers[0];
  if (container === undefined) throw new Error(`Deployment cjo-${name} has no container`);
  return { container, grace: spec?.terminationGracePeriodSeconds };
}

/** Every variable the container sees: literal env, secret refs, and whole ConfigMaps/Secrets. */
function visibleVariables(container: Container): Set<string> {
  const names = new Set((container.env ?? []).map((variable) => variable.name));
  for (const source of container.envFrom ?? []) {
    const ref = source.configMapRef?.name ?? source.secretRef?.name;
    for (const key of (ref === undefined ? undefined : generatedKeys.get(ref)) ?? []) names.add(key);
  }
  return names;
}

describe('deploy/k8s', () => {
  it('has exactly one Deployment and one Service per service', () => {
    const names = (kind: string) => manifests.filter((m) => m.kind === kind).map((m) => m.metadata.name).sort();
    const expected = appServices.map(([name]) => `cjo-${name}`).sort();
    expect(names('Deployment')).toEqual(expected);
    expect(names('Service')).toEqual(expected);
  });

  describe.each(appServices)('%s', (name, schema) => {
    const { container, grace } = containerOf(name);
    const literal = (variable: string) => container.env?.find((entry) => entry.name === variable)?.value;

    it('gets every variable its config requires, secrets from Secrets', () => {
      const visible = visibleVariables(container);
      expect(requiredVariables(schema).filter((variable) => !visible.has(variable))).toEqual([]);
      // A secret written as a literal would end up in `kubectl get deployment -o yaml`.
      expect(literal('CJO_ADMIN_TOKEN')).toBeUndefined();
      expect(literal('DATABASE_URL')).toBeUndefined();
    });

    it('runs its own entry point on its own port, exposed by its Service', () => {
      const port = defaultPortOf(schema);
      expect(literal('SERVICE')).toBe(name);
      expect(Number(literal('PORT'))).toBe(port);
      expect(container.ports).toEqual([{ name: 'http', containerPort: port }]);
      expect(manifest('Service', `cjo-${name}`).spec.ports).toEqual([{ name: 'http', port, targetPort: 'http' }]);
    });

    it('probes readiness and liveness, and gives a graceful stop more time than the service takes', () => {
      expect(container.readinessProbe?.httpGet?.path).toBe('/health/ready');
      expect(container.livenessProbe?.httpGet?.path).toBe('/health/live');
      // The service's own stop timeout is 30 s (createLifecycle's default).
      expect(grace).toBeGreaterThan(30);
    });
  });
});
