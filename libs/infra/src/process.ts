import { ChildProcess, spawn, spawnSync, SpawnOptions } from 'node:child_process';
import { createInterface } from 'node:readline';

/**
 * Wrapper that ties a child to its parent's life: the child runs in the background of a tiny
 * shell that forwards TERM/INT and kills the child as soon as its stdin (a pipe held by the
 * parent) reaches end of file — which happens even when the parent is killed with SIGKILL.
 */
const GUARD = [
  'sig=$1; shift',
  '"$@" </dev/null & child=$!',
  "trap 'kill -$sig $child 2>/dev/null' TERM INT HUP",
  '( cat >/dev/null; kill -$sig $child 2>/dev/null ) <&3 &',
  'watcher=$!',
  'wait $child; status=$?',
  'while kill -0 $child 2>/dev/null; do wait $child; status=$?; done',
  'kill $watcher 2>/dev/null',
  'exit $status',
].join('\n');

export interface Managed {
  name: string;
  proc: ChildProcess;
  /** resolves with the exit code (or signal name) */
  exited: Promise<number | string>;
  stop(graceMs?: number): Promise<void>;
}

export type LineSink = (line: string) => void;

export function prefixLines(stream: NodeJS.ReadableStream | null, sink: LineSink): void {
  if (!stream) return;
  createInterface({ input: stream }).on('line', sink);
}

function track(name: string, proc: ChildProcess): Managed {
  const exited = new Promise<number | string>((resolve) => {
    proc.once('exit', (code, signal) => {
      proc.stdin?.destroy();
      proc.stdout?.destroy();
      proc.stderr?.destroy();
      if (proc.connected) proc.disconnect();
      resolve(code ?? signal ?? 'unknown');
    });
    proc.once('error', () => resolve('spawn-error'));
  });
  let stopping: Promise<void> | undefined;
  return {
    name,
    proc,
    exited,
    stop(graceMs = 10000) {
      stopping ??= (async () => {
        if (proc.exitCode !== null || proc.signalCode !== null) return;
        proc.kill('SIGTERM');
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<string>((r) => (timer = setTimeout(() => r('timeout'), graceMs)));
        const r = await Promise.race([exited.then(() => 'exited'), timeout]);
        clearTimeout(timer);
        if (r === 'timeout') {
          proc.kill('SIGKILL');
          await exited;
        }
      })();
      return stopping;
    },
  };
}

export interface GuardOptions {
  /** the signal that stops the program (default TERM; PostgreSQL's fast shutdown is INT) */
  stopSignal?: 'TERM' | 'INT' | 'KILL';
  /** run as this user (PostgreSQL refuses to run as root) */
  uid?: number;
  gid?: number;
}

/** Start a foreign program (redis-server, ferretdb, postgres) that dies with this process. */
export function spawnGuarded(
  name: string,
  cmd: string,
  args: string[],
  sink?: LineSink,
  opts: GuardOptions = {},
): Managed {
  const sig = opts.stopSignal ?? 'TERM';
  const proc = spawn('/bin/sh', ['-c', `exec 3<&0\n${GUARD}`, 'guard', sig, cmd, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
    ...(opts.uid !== undefined ? { uid: opts.uid, gid: opts.gid } : {}),
  });
  if (sink) {
    prefixLines(proc.stdout, sink);
    prefixLines(proc.stderr, sink);
  } else {
    proc.stdout?.resume();
    proc.stderr?.resume();
  }
  return track(name, proc);
}

/**
 * Start one of our node services. An IPC channel ties it to the parent: the service stops
 * when the channel closes (see exitWithParent in the services' bootstrap).
 */
export function spawnNode(
  name: string,
  script: string,
  env: NodeJS.ProcessEnv,
  sink?: LineSink,
  opts: SpawnOptions = {},
): Managed {
  const proc = spawn(process.execPath, [script], {
    env: { ...env, HIHI_SUPERVISED: '1' },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    ...opts,
  });
  if (sink) {
    prefixLines(proc.stdout, sink);
    prefixLines(proc.stderr, sink);
  } else {
    proc.stdout?.resume();
    proc.stderr?.resume();
  }
  return track(name, proc);
}

export function which(cmd: string): string | undefined {
  const r = spawnSync('/bin/sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  const out = r.stdout.trim();
  return r.status === 0 && out ? out : undefined;
}

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}
