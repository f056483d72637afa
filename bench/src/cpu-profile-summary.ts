/**
 * Summarises a V8 .cpuprofile (node --cpu-prof): self time by package or
 * workspace folder, the same with Node's internals charged to the package
 * that called them, and the functions with the most self time.
 *
 *   pnpm exec tsx bench/src/cpu-profile-summary.ts <file.cpuprofile>... [--top=30] [--last=<seconds>]
 *
 * node --cpu-prof writes one file per thread (tsx's loader runs in a worker), so a
 * glob often names several: each is summarised on its own. --last=<seconds> keeps the
 * profile's final seconds only, leaving out start-up and warm-up.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Where a frame belongs: an npm package, a workspace package (libs/x, services/x), a node: module, or a V8 pseudo-frame. */
function areaOf(frame: ProfileNode['callFrame']): string {
  const { url, functionName } = frame;
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  const dependency = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (dependency) return dependency[1] ?? url;
  const workspace = /\/((?:libs|services|bench|deploy)\/[^/]+)\//.exec(url);
  if (workspace) return workspace[1] ?? url;
  if (url.startsWith('node:')) return url.split('/').slice(0, 2).join('/');
  return url;
}

/** Whether an area is code of the application or a dependency (not Node's own, native or V8). */
function isPackageArea(area: string): boolean {
  return !area.startsWith('(') && !area.startsWith('node:') && area !== 'tsx' && area !== 'esbuild';
}

function shortUrl(url: string): string {
  return url.replace(/^.*node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?/, '').replace(/^file:\/\/.*?\/((?:libs|services|bench|deploy)\/)/, '$1');
}

/** Self time per node, over the last `lastSeconds` of the profile only when given (skips start-up and warm-up). */
function selfTimes(profile: Profile, lastSeconds: number | undefined): Map<number, number> {
  const offsets: number[] = [];
  let at = 0;
  for (const delta of profile.timeDeltas) offsets.push((at += delta));
  const from = lastSeconds === undefined ? -Infinity : at - lastSeconds * 1e6;
  const selfTime = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    if ((offsets[i] ?? 0) >= from) selfTime.set(id, (selfTime.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  return selfTime;
}

function summarise(file: string, top: number, lastSeconds: number | undefined): void {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfTime = selfTimes(profile, lastSeconds);
  const total = [...selfTime.values()].reduce((a, b) => a + b, 0);

  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  /** The nearest frame, this one or a caller, that belongs to a package: Node internals and native code are charged to it. */
  const ownerOf = (id: number): string => {
    const own = nodes.get(id);
    const ownArea = own === undefined ? '(unknown)' : areaOf(own.callFrame);
    if (ownArea === '(idle)' || ownArea === '(garbage collector)' || ownArea === '(program)') return ownArea;
    for (let current: number | undefined = id; current !== undefined; current = parents.get(current)) {
      const frame = nodes.get(current)?.callFrame;
      if (frame !== undefined && isPackageArea(areaOf(frame))) return areaOf(frame);
    }
    return `${ownArea} (no package caller)`;
  };
  const byOwner = new Map<string, number>();
  for (const [id, micros] of selfTime) {
    const owner = ownerOf(id);
    byOwner.set(owner, (byOwner.get(owner) ?? 0) + micros);
  }

  const byArea = new Map<string, number>();
  const byFunction = new Map<string, number>();
  for (const [id, micros] of selfTime) {
    const frame = nodes.get(id)?.callFrame;
    if (frame === undefined) continue;
    const area = areaOf(frame);
    byArea.set(area, (byArea.get(area) ?? 0) + micros);
    const name = `${frame.functionName || '(anonymous)'}  ${shortUrl(frame.url)}${frame.url ? `:${frame.lineNumber + 1}` : ''}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + micros);
  }
  const busy = total - (byArea.get('(idle)') ?? 0);
  const list = (entries: Map<string, number>): string =>
    [...entries]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, micros]) => `${((micros / total) * 100).toFixed(1).padStart(5)}%  ${(micros / 1e6).toFixed(2).padStart(7)} s  ${name}`)
      .join('\n');
  process.stdout.write(
    `${file}\nsampled ${(total / 1e6).toFixed(1)} s, busy ${(busy / 1e6).toFixed(1)} s (${((busy / total) * 100).toFixed(0)}%)\n\n` +
      `self time by area\n${list(byArea)}\n\n` +
      `self time charged to the nearest package frame (Node internals and native code count for their caller)\n${list(byOwner)}\n\n` +
      `self time by function\n${list(byFunction)}\n`,
  );
}

function main(): void {
  const args = process.argv.slice(2);
  const option = (name: string) => args.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
  const top = Number(option('top') ?? 30);
  const last = option('last') === undefined ? undefined : Number(option('last'));
  const files = args.filter((arg) => !arg.startsWith('--'));
  if (files.length === 0 || !Number.isInteger(top) || top < 1 || (last !== undefined && !(last > 0))) {
    process.stderr.write('usage: tsx bench/src/cpu-profile-summary.ts <file.cpuprofile>... [--top=30] [--last=<seconds>]\n');
    process.exit(2);
  }
  for (const file of files) summarise(file, top, last);
}

main();
