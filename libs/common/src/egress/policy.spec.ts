import { decideAddress, parseEgressAllow } from './policy';

describe('EGRESS_ALLOW and the address decision', () => {
  it('parses host:port entries, IPv6 in brackets, and ignores blanks', () => {
    const p = parseEgressAllow(' 127.0.0.1:8080, [::1]:9000,,Intranet.Example:443 ');
    expect([...p.allow]).toEqual(['127.0.0.1:8080', '[0:0:0:0:0:0:0:1]:9000', 'intranet.example:443']);
  });

  it.each(['127.0.0.1', 'host:0', 'host:70000', 'http://host:80', ':80', '::1:80'])('refuses the entry %p', (entry) => {
    expect(() => parseEgressAllow(entry)).toThrow(/EGRESS_ALLOW/);
  });

  it('refuses a non-public address unless the host:port or the address:port is listed', () => {
    const none = parseEgressAllow('');
    expect(decideAddress(none, { host: '127.0.0.1', port: 8080 }, '127.0.0.1')).toEqual({
      ok: false,
      class: 'loopback',
    });
    expect(decideAddress(none, { host: 'hooks.example', port: 443 }, '93.184.216.34').ok).toBe(true);

    const allow = parseEgressAllow('127.0.0.1:8080,intranet.example:443');
    expect(decideAddress(allow, { host: '127.0.0.1', port: 8080 }, '127.0.0.1').ok).toBe(true);
    // the same address on another port is not listed
    expect(decideAddress(allow, { host: '127.0.0.1', port: 8081 }, '127.0.0.1').ok).toBe(false);
    // a name that resolves to a listed address:port
    expect(decideAddress(allow, { host: 'rebind.example', port: 8080 }, '127.0.0.1').ok).toBe(true);
    expect(decideAddress(allow, { host: 'rebind.example', port: 8080 }, '10.0.0.1').ok).toBe(false);
    // a listed name may reach its intranet address
    expect(decideAddress(allow, { host: 'INTRANET.example', port: 443 }, '10.0.0.7').ok).toBe(true);
    // the other spellings of 127.0.0.1 match the listed entry, and no others
    expect(decideAddress(allow, { host: 'other.example', port: 8080 }, '::ffff:127.0.0.1').ok).toBe(false);
    expect(decideAddress(allow, { host: '2130706433', port: 8080 }, '127.0.0.1').ok).toBe(true);
  });

  it('never treats metadata addresses as public', () => {
    const none = parseEgressAllow('');
    for (const a of ['169.254.169.254', 'fd00:ec2::254', '::ffff:169.254.169.254', '64:ff9b::a9fe:a9fe']) {
      expect(decideAddress(none, { host: 'metadata.example', port: 80 }, a).ok).toBe(false);
    }
  });
});
