import { describe, expect, it } from 'vitest';
import { ErrorCode, parseAddress, parseHostPort } from '../../src/protocol/index.js';

describe('parseHostPort (strict)', () => {
  it('reads host, host:port, :port, [v6]:port and a bare IPv6 address', () => {
    expect(parseHostPort('example.com')).toEqual({ host: 'example.com', port: null });
    expect(parseHostPort(' web-1:2000 ')).toEqual({ host: 'web-1', port: 2000 });
    expect(parseHostPort(':2000')).toEqual({ host: '127.0.0.1', port: 2000 });
    expect(parseHostPort('[::1]:2000')).toEqual({ host: '::1', port: 2000 });
    expect(parseHostPort('[fe80::1]')).toEqual({ host: 'fe80::1', port: null });
    expect(parseHostPort('::1')).toEqual({ host: '::1', port: null });
    expect(parseAddress('h')).toEqual({ host: 'h', port: 10000 });
  });

  it('refuses what is not host[:port], saying why', () => {
    const cases: [string, RegExp][] = [
      ['127.0.0.1:20000:70000', /more than one ":"/],
      ['h:0', /port in "h:0" must be a whole number from 1 to 65535/],
      ['h:65536', /from 1 to 65535/],
      ['h:', /from 1 to 65535, got ""/],
      ['[nothost]:1', /\[nothost\] in "\[nothost\]:1" is not an IPv6 address/],
      ['a b', /host in "a b" must not contain spaces/],
      ['a/b', /host in "a\/b" has characters no host name has/],
      ['http://h', /port in "http:\/\/h" must be/],
      ['', /address is empty/],
    ];
    for (const [text, message] of cases) expect(() => parseHostPort(text), text).toThrow(expect.objectContaining({ code: ErrorCode.USAGE, message: expect.stringMatching(message) }));
  });
});
