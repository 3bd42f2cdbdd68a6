import { Managed, spawnNode } from './process';
import { ServiceName, serviceScript } from './services';
import { sleep } from './net';

/** Exit code of a service that refused its configuration: restarting would not help. */
export const EXIT_CONFIG = 78;

export interface SupervisorOptions {
  env: NodeJS.ProcessEnv;
  root: string;
  out: (service: string, line: string) => void;
  /** restart a service that crashes (with back-off) */
  restart: boolean;
  onFatal: (service: ServiceName, code: number | string) => void;
}

/** Runs the services as separate processes, prefixes their output, restarts crashed ones. */
export class Supervisor {
  private readonly running = new Map<ServiceName, Managed>();
  private stopping = false;

  constructor(private readonly opts: SupervisorOptions) {}

  start(name: ServiceName, extraEnv: NodeJS.ProcessEnv = {}): Managed {
    const m = spawnNode(name, serviceScript(name, this.opts.root), { ...this.opts.env, ...extraEnv }, (line) =>
      this.opts.out(name, line),
    );
    this.running.set(name, m);
    const startedAt = Date.now();
    void m.exited.then(async (code) => {
      if (this.stopping || this.running.get(name) !== m) return;
      this.opts.out(name, `exited (${code})`);
      const early = Date.now() - startedAt < 15000;
      if (code === EXIT_CONFIG || (code === 1 && early) || !this.opts.restart) {
        this.opts.onFatal(name, code);
        return;
      }
      const delay = early ? 5000 : 1000;
      this.opts.out(name, `restarting in ${delay / 1000} s`);
      await sleep(delay);
      if (!this.stopping && this.running.get(name) === m) this.start(name, extraEnv);
    });
    return m;
  }

  get(name: ServiceName): Managed | undefined {
    return this.running.get(name);
  }

  /** Stop the gateway first (it drains sockets), then the services. */
  async stopAll(graceMs = 12000): Promise<void> {
    this.stopping = true;
    const order: ServiceName[] = ['gateway', 'chat', 'auth'];
    const gw = this.running.get('gateway');
    if (gw) await gw.stop(graceMs);
    await Promise.all(order.slice(1).map((n) => this.running.get(n)?.stop(graceMs)));
  }
}
