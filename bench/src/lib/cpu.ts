import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { repoRoot } from './service-process';

/** Linux's USER_HZ: the unit of /proc CPU times (100 on every usual kernel). */
const TICKS_PER_SECOND = 100;

interface Snapshot {
  at: number;
  bench: number;
  processes: Map<string, number | undefined>;
  machine: MachineTicks | undefined;
}

interface MachineTicks {
  /** Time the CPUs ran anything (user, nice, system, irq, softirq), steal excluded. */
  busy: number;
  /** Interrupt handling: on loopback, much of the TCP work of every process lands here. */
  irq: number;
  /** Time the hypervisor gave this machine's CPUs to someone else. */
  steal: number;
  total: number;
}

/** CPU use of each process and of the machine over one phase, in % of one core. */
export interface CpuUse {
  byProcess: Map<string, number | undefined>;
  bench: number;
  /** Busy share of all cores, in % of one core (so at most cores × 100); steal excluded. */
  machine: number | undefined;
  /** Of which interrupt handling (irq + softirq), in % of one core. */
  irq: number | undefined;
  /** CPU time taken by the hypervisor for other guests, in % of one core. */
  steal: number | undefined;
  /** Wall time measured: with it a share of a core converts to CPU seconds. */
  seconds: number;
}

function processCpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

function machineTicks(): MachineTicks | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    // cpu  user nice system idle iowait irq softirq steal ...
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = line
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    return {
      busy: user + nice + system + irq + softirq,
      irq: irq + softirq,
      steal,
      total: user + nice + system + idle + iowait + irq + softirq + steal,
    };
  } catch {
    return undefined;
  }
}

/** The broker deploy/local/kafka/kafka.sh started, if that is the one running here. */
export function localKafkaPid(): number | undefined {
  const file = join(process.env.KAFKA_DATA_DIR || join(repoRoot, 'deploy/local/kafka/data'), 'kafka.pid');
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  return Number.isInteger(pid) && processCpuSeconds(pid) !== undefined ? pid : undefined;
}

/** A phase's CPU use, as the benchmarks' reports list them. */
export interface PhaseCpu {
  name: string;
  use: CpuUse;
}

export interface CpuMeter {
  /** Starts measuring; the function returned ends it. */
  start(): () => CpuUse;
  /** Runs `run` as the phase `name` and appends its CPU use to `into`. */
  measure<T>(name: string, run: () => Promise<T>, into: PhaseCpu[]): Promise<T>;
}

export function cpuMeter(pids: () => Record<string, number | undefined>): CpuMeter {
  const snapshot = (): Snapshot => {
    const usage = process.cpuUsage();
    return {
      at: performance.now(),
      bench: (usage.user + usage.system) / 1e6,
      processes: new Map(Object.entries(pids()).map(([name, pid]) => [name, processCpuSeconds(pid)])),
      machine: machineTicks(),
    };
  };
  const start = (): (() => CpuUse) => {
    const before = snapshot();
    return () => {
      const after = snapshot();
      const seconds = (after.at - before.at) / 1000;
      const pct = (a: number | undefined, b: number | undefined): number | undefined =>
        a === undefined || b === undefined ? undefined : ((b - a) / seconds) * 100;
      const byProcess = new Map<string, number | undefined>();
      for (const [name, value] of after.processes) byProcess.set(name, pct(before.processes.get(name), value));
      const ticks = (field: keyof MachineTicks): number | undefined =>
        before.machine && after.machine ? pct(before.machine[field] / TICKS_PER_SECOND, after.machine[field] / TICKS_PER_SECOND) : undefined;
      return { byProcess, bench: pct(before.bench, after.bench) ?? 0, machine: ticks('busy'), irq: ticks('irq'), steal: ticks('steal'), seconds };
    };
  };
  return {
    start,
    async measure(name, run, into) {
      const stop = start();
      const value = await run();
      into.push({ name, use: stop() });
      return value;
    },
  };
}
