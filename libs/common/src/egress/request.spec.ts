import type { LookupAddress } from 'node:dns';
import { EgressError } from './errors';
import { parseEgressAllow } from './policy';
import { checkUrl, egressRequest, guardedLookup, Resolver } from './request';

/** A stub resolver: no DNS, no sockets. */
function stub(answers: Record<string, string[]>): Resolver & { calls: string[] } {
  const calls: string[] = [];
  const r = (async (host: string) => {
    calls.push(host);
    const list = answers[host];
    if (!list) throw new Error('ENOTFOUND');
    return list.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  }) as Resolver & { calls: string[] };
  r.calls = calls;
  return r;
}

function lookup(
  resolver: Resolver,
  host: string,
  port: number,
  allow = '',
  all = false,
): Promise<string | LookupAddress[]> {
  const fn = guardedLookup(parseEgressAllow(allow), { host, port }, resolver);
  return new Promise((resolve, reject) =>
    fn(host, { all, family: 0 }, (err, address) => (err ? reject(err) : resolve(address))),
  );
}

describe('DNS-then-connect decision (stub resolver, no sockets)', () => {
  it('hands a public address to the socket', async () => {
    await expect(lookup(stub({ 'hooks.example': ['93.184.216.34'] }), 'hooks.example', 443)).resolves.toBe(
      '93.184.216.34',
    );
  });

  it('refuses a name that resolves to a private, loopback or metadata address', async () => {
    for (const addr of ['127.0.0.1', '10.0.0.1', '169.254.169.254', '::1', 'fd00:ec2::254', '::ffff:192.168.0.1']) {
      await expect(lookup(stub({ 'evil.example': [addr] }), 'evil.example', 80)).rejects.toMatchObject({
        code: 'refused',
      });
    }
  });

  it('refuses when any of the addresses is refused (mixed answers)', async () => {
    const r = stub({ 'mixed.example': ['93.184.216.34', '127.0.0.1'] });
    await expect(lookup(r, 'mixed.example', 80, '', true)).rejects.toBeInstanceOf(EgressError);
  });

  it('decides every lookup anew, so a rebinding name fails on its second answer', async () => {
    let n = 0;
    const rebinding: Resolver = async () => [{ address: n++ === 0 ? '93.184.216.34' : '127.0.0.1', family: 4 }];
    await expect(lookup(rebinding, 'rebind.example', 80)).resolves.toBe('93.184.216.34');
    await expect(lookup(rebinding, 'rebind.example', 80)).rejects.toMatchObject({ code: 'refused' });
  });

  it('lets an allow-listed host:port reach its address; other ports stay refused', async () => {
    const r = stub({ 'ci.intranet': ['10.1.1.1'] });
    await expect(lookup(r, 'ci.intranet', 8080, 'ci.intranet:8080')).resolves.toBe('10.1.1.1');
    await expect(lookup(r, 'ci.intranet', 8081, 'ci.intranet:8080')).rejects.toMatchObject({ code: 'refused' });
  });

  it('reports an unresolvable name as dns', async () => {
    await expect(lookup(stub({}), 'nowhere.example', 80)).rejects.toMatchObject({ code: 'dns' });
  });
});

describe('URL checks before any connection', () => {
  const none = parseEgressAllow('');
  it.each([
    'http://127.0.0.1/',
    'http://2130706433/',
    'http://0x7f.1/',
    'http://0177.0.0.1/',
    'http://[::1]/',
    'http://[::ffff:127.0.0.1]/',
    'http://169.254.169.254/latest/meta-data/',
    'http://[fd00:ec2::254]/',
    'http://0.0.0.0:3000/',
    'http://100.64.0.1/',
  ])('refuses %s', (url) => {
    expect(() => checkUrl(none, url)).toThrow(expect.objectContaining({ code: 'refused' }));
  });

  it.each(['ftp://example.com/', 'file:///etc/passwd', 'gopher://x/', 'not a url', 'http://user:pw@example.com/'])(
    'refuses %s as scheme',
    (url) => {
      expect(() => checkUrl(none, url)).toThrow(expect.objectContaining({ code: 'scheme' }));
    },
  );

  it('accepts a public literal and a name (decided later, after DNS)', () => {
    expect(checkUrl(none, 'https://93.184.216.34/hook').hostname).toBe('93.184.216.34');
    expect(checkUrl(none, 'https://hooks.example/x').hostname).toBe('hooks.example');
  });

  it('never opens a socket for a refused name: the stub resolver answers and the request fails', async () => {
    const r = stub({ 'evil.example': ['127.0.0.1'] });
    await expect(
      egressRequest('http://evil.example:9/', { policy: none, resolver: r, timeoutMs: 1000 }),
    ).rejects.toMatchObject({
      code: 'refused',
    });
    expect(r.calls).toEqual(['evil.example']);
  });
});

describe('egressRequest against receivers on 127.0.0.1 (loopback only)', () => {
  const servers: import('node:http').Server[] = [];
  const hits: Record<string, number> = { listed: 0, unlisted: 0 };
  let listedPort = 0;
  let unlistedPort = 0;

  beforeAll(async () => {
    const http = await import('node:http');
    const listen = (handler: import('node:http').RequestListener): Promise<number> =>
      new Promise((resolve) => {
        const s = http.createServer(handler);
        servers.push(s);
        s.listen(0, '127.0.0.1', () => resolve((s.address() as { port: number }).port));
      });
    unlistedPort = await listen((_req, res) => {
      hits.unlisted++;
      res.end('secret');
    });
    listedPort = await listen((req, res) => {
      hits.listed++;
      if (req.url === '/redirect') {
        res.writeHead(302, { location: `http://127.0.0.1:${unlistedPort}/` });
        return res.end();
      }
      if (req.url === '/self') {
        res.writeHead(307, { location: '/ok' });
        return res.end();
      }
      if (req.url === '/loop') {
        res.writeHead(302, { location: '/loop' });
        return res.end();
      }
      if (req.url === '/big') return res.end(Buffer.alloc(200_000, 'x'));
      if (req.url === '/hang') return; // never answers
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => res.end(JSON.stringify({ method: req.method, body })));
    });
  });
  afterAll(() => servers.forEach((s) => s.close()));

  const policy = (): ReturnType<typeof parseEgressAllow> => parseEgressAllow(`127.0.0.1:${listedPort}`);

  it('delivers to a listed receiver and reports the connected address', async () => {
    const res = await egressRequest(`http://127.0.0.1:${listedPort}/ok`, {
      method: 'POST',
      body: 'hi',
      policy: policy(),
    });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body.toString())).toEqual({ method: 'POST', body: 'hi' });
    expect(res.address).toBe('127.0.0.1');
  });

  it('refuses an unlisted loopback receiver, which never receives a request', async () => {
    await expect(egressRequest(`http://127.0.0.1:${unlistedPort}/`, { policy: policy() })).rejects.toMatchObject({
      code: 'refused',
    });
    expect(hits.unlisted).toBe(0);
  });

  it('decides each redirect again: a redirect to the unlisted receiver is refused', async () => {
    await expect(egressRequest(`http://127.0.0.1:${listedPort}/redirect`, { policy: policy() })).rejects.toMatchObject({
      code: 'refused',
    });
    expect(hits.unlisted).toBe(0);
  });

  it('follows an allowed redirect (307 keeps method and body) and bounds the count', async () => {
    const res = await egressRequest(`http://127.0.0.1:${listedPort}/self`, {
      method: 'POST',
      body: 'again',
      policy: policy(),
    });
    expect(JSON.parse(res.body.toString())).toEqual({ method: 'POST', body: 'again' });
    expect(res.redirects).toBe(1);
    await expect(
      egressRequest(`http://127.0.0.1:${listedPort}/loop`, { policy: policy(), maxRedirects: 2 }),
    ).rejects.toMatchObject({ code: 'redirects' });
  });

  it('bounds the answer size and the time', async () => {
    await expect(
      egressRequest(`http://127.0.0.1:${listedPort}/big`, { policy: policy(), maxBytes: 1000 }),
    ).rejects.toMatchObject({ code: 'too_large' });
    const t0 = Date.now();
    await expect(
      egressRequest(`http://127.0.0.1:${listedPort}/hang`, { policy: policy(), timeoutMs: 300 }),
    ).rejects.toMatchObject({ code: 'timeout' });
    expect(Date.now() - t0).toBeLessThan(2000);
  });
});
