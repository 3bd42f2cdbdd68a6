import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { canConnect, freePort, waitFor } from '@hihi/infra';

/** A real OpenID Provider (oidc-provider) in its own process on a loopback port. */
export class TestOidcProvider {
  private proc?: ChildProcess;
  readonly lines: string[] = [];

  constructor(
    readonly port: number,
    readonly clientId = 'hihi-test',
    readonly clientSecret = 'a-test-client-secret-that-is-long-enough',
  ) {}

  static async create(): Promise<TestOidcProvider> {
    return new TestOidcProvider(await freePort());
  }

  get issuer(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(redirectUri: string): Promise<void> {
    this.proc = spawn(process.execPath, [join(__dirname, 'oidc-provider.mjs')], {
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'development',
        OIDC_PORT: String(this.port),
        OIDC_CLIENT_ID: this.clientId,
        OIDC_CLIENT_SECRET: this.clientSecret,
        OIDC_REDIRECT_URI: redirectUri,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const s of [this.proc.stdout, this.proc.stderr]) s?.on('data', (d: Buffer) => this.lines.push(String(d)));
    if (!(await waitFor(() => canConnect('127.0.0.1', this.port), 20000, 100)))
      throw new Error(`oidc-provider did not start:\n${this.lines.join('')}`);
  }

  async stop(): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      p.once('exit', () => resolve());
      p.kill('SIGTERM');
      setTimeout(() => p.kill('SIGKILL'), 3000).unref();
    });
  }
}

/** Cookies per host, as a browser keeps them (enough for these flows). */
export class CookieJar {
  private readonly jar = new Map<string, Map<string, string>>();

  store(url: string, res: Response): void {
    const host = new URL(url).host;
    const cookies = this.jar.get(host) ?? new Map<string, string>();
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const i = pair.indexOf('=');
      const name = pair.slice(0, i).trim();
      const value = pair.slice(i + 1).trim();
      if (/max-age=0/i.test(line) || value === '') cookies.delete(name);
      else cookies.set(name, value);
    }
    this.jar.set(host, cookies);
  }

  header(url: string): string {
    const cookies = this.jar.get(new URL(url).host);
    return cookies ? [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') : '';
  }

  get(url: string, name: string): string | undefined {
    return this.jar.get(new URL(url).host)?.get(name);
  }

  set(url: string, name: string, value: string): void {
    const host = new URL(url).host;
    const cookies = this.jar.get(host) ?? new Map<string, string>();
    cookies.set(name, value);
    this.jar.set(host, cookies);
  }
}
