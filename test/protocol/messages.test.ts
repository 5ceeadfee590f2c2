import { describe, expect, it } from 'vitest';
import { authProof, verifyProof } from '../../src/protocol/auth.js';
import { ErrorCode, encodeDoneFrame, encodeFrame, encodeRunFrame, outFrameOfQuoted, parseAddress, parseClientMessage, parseServerMessage, formatAddress } from '../../src/protocol/index.js';

describe('parseClientMessage', () => {
  it('accepts each frame type', () => {
    expect(parseClientMessage('{"type":"hello","protocol":1}')).toEqual({ ok: true, value: { type: 'hello', protocol: 1, client: undefined } });
    expect(parseClientMessage('{"type":"run","id":7,"cmd":"cpu","timeout":500}')).toEqual({ ok: true, value: { type: 'run', id: 7, cmd: 'cpu', timeout: 500 } });
    expect(parseClientMessage('{"type":"cancel","id":"a"}')).toEqual({ ok: true, value: { type: 'cancel', id: 'a' } });
    expect(parseClientMessage('{"type":"bye"}')).toEqual({ ok: true, value: { type: 'bye' } });
  });

  it.each([
    ['not json', 'frame is not valid JSON'],
    ['[1]', 'frame must be a JSON object'],
    ['{}', 'frame has no "type"'],
    ['{"type":"zap"}', 'unknown frame type "zap"'],
    ['{"type":"run","id":-1,"cmd":"x"}', 'run.id must be'],
    ['{"type":"run","id":1,"cmd":5}', 'run.cmd must be a string'],
    ['{"type":"run","id":1,"cmd":"x","timeout":0}', 'run.timeout must be a positive number'],
    ['{"type":"auth","hmac":"xyz"}', 'auth.hmac must be 64 hex characters'],
  ])('rejects %s with a message', (line, message) => {
    const parsed = parseClientMessage(line);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toContain(message);
  });

  it('round-trips through the encoder as one line', () => {
    const frame = { type: 'run', id: 1, cmd: 'echo a\nb' } as const;
    const line = encodeFrame(frame);
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toContain('\n');
    expect(parseClientMessage(line.slice(0, -1))).toEqual({ ok: true, value: frame });
  });
});

describe('parseServerMessage', () => {
  it('validates done and error frames', () => {
    expect(parseServerMessage('{"type":"done","id":1,"exitCode":0,"durationMs":3}').ok).toBe(true);
    expect(parseServerMessage('{"type":"done","id":1,"exitCode":"0","durationMs":3}').ok).toBe(false);
    expect(parseServerMessage('{"type":"error","code":"NOPE","message":"x"}').ok).toBe(false);
    expect(parseServerMessage('{"type":"error","code":"BAD_FRAME","message":"x","fatal":true}')).toEqual({ ok: true, value: { type: 'error', code: 'BAD_FRAME', message: 'x', fatal: true } });
  });

  it('reads out and done frames field by field: unknown keys dropped, known ones of the wrong type refused', () => {
    expect(parseServerMessage('{"type":"out","id":1,"stream":"stdout","data":"hi","extra":{"x":1}}'))
      .toEqual({ ok: true, value: { type: 'out', id: 1, stream: 'stdout', data: 'hi' } });
    const done = '{"type":"done","id":"a","exitCode":null,"durationMs":5,"signal":"SIGTERM","truncated":true,"error":{"code":"TIMEOUT","message":"t","more":1},"extra":2}';
    expect(parseServerMessage(done)).toEqual({
      ok: true,
      value: { type: 'done', id: 'a', exitCode: null, durationMs: 5, signal: 'SIGTERM', truncated: true, error: { code: 'TIMEOUT', message: 't' } },
    });
    expect(parseServerMessage('{"type":"done","id":1,"exitCode":0,"durationMs":3,"signal":9}')).toEqual({ ok: false, message: 'malformed done.signal' });
    expect(parseServerMessage('{"type":"done","id":1,"exitCode":0,"durationMs":3,"truncated":"yes"}')).toEqual({ ok: false, message: 'malformed done.truncated' });
    expect(parseServerMessage('{"type":"done","id":1,"exitCode":0,"durationMs":3,"error":{"code":"TIMEOUT"}}')).toEqual({ ok: false, message: 'malformed done.error' });
  });
});

describe('auth', () => {
  it('proves a token without sending it, and checks in constant time', () => {
    const proof = authProof('s3cret', 'nonce');
    expect(proof).toMatch(/^[0-9a-f]{64}$/);
    expect(proof).not.toContain('s3cret');
    expect(verifyProof('s3cret', 'nonce', proof)).toBe(true);
    expect(verifyProof('s3cret', 'other', proof)).toBe(false);
    expect(verifyProof('wrong', 'nonce', proof)).toBe(false);
    expect(verifyProof('s3cret', 'nonce', 'abcd')).toBe(false);
  });
});

describe('parseAddress', () => {
  it.each([
    ['127.0.0.1:10001', { host: '127.0.0.1', port: 10001 }],
    ['localhost', { host: 'localhost', port: 10000 }],
    [':9000', { host: '127.0.0.1', port: 9000 }],
    ['[::1]:9000', { host: '::1', port: 9000 }],
    ['::1', { host: '::1', port: 10000 }],
  ])('parses %s', (text, address) => {
    expect(parseAddress(text)).toEqual(address);
  });

  it.each([['host:0', 'from 1 to 65535'], ['host:99999', 'got "99999"'], ['host:abc', 'got "abc"'], ['', 'address is empty']])('rejects %s', (text, message) => {
    expect(() => parseAddress(text)).toThrow(message);
  });

  it('formats IPv6 with brackets', () => {
    expect(formatAddress({ host: '::1', port: 1 })).toBe('[::1]:1');
  });
});

describe('hello features and done data', () => {
  it('reads features from both hellos, ignoring what is not a string', () => {
    expect(parseClientMessage('{"type":"hello","protocol":1,"features":["data",3]}')).toEqual({ ok: true, value: { type: 'hello', protocol: 1, client: undefined, features: ['data'] } });
    const hello = parseServerMessage('{"type":"hello","protocol":1,"server":"s","hostname":"h","auth":"none","nonce":"n","features":["data"]}');
    expect(hello.ok && hello.value.type === 'hello' && hello.value.features).toEqual(['data']);
  });

  it('checks the fields of a known kind, drops an unknown kind', () => {
    const done = (data: unknown): string => JSON.stringify({ type: 'done', id: 1, exitCode: 0, durationMs: 1, data });
    const good = parseServerMessage(done({ kind: 'hostname', hostname: 'web-1' }));
    expect(good.ok && good.value.type === 'done' && good.value.data).toEqual({ kind: 'hostname', hostname: 'web-1' });
    const cpu = { kind: 'cpu', usagePercent: null, windowMs: 250, model: 'x', cores: 2, load1: 1, load5: 1, load15: null };
    expect(parseServerMessage(done(cpu)).ok).toBe(true);
    const wrong = parseServerMessage(done({ ...cpu, cores: '2' }));
    expect(wrong.ok ? '' : wrong.message).toBe('malformed done.data.cores of a cpu answer is missing or of the wrong type');
    expect(parseServerMessage(done({ kind: 'ip', addresses: [{ name: 'lo', family: 'IPv5', address: '::1', cidr: null, internal: true }] })).ok).toBe(false);
    expect(parseServerMessage(done([1])).ok).toBe(false);
    const future = parseServerMessage(done({ kind: 'gpu', temperatureCelsius: 60 }));
    expect(future.ok && future.value.type === 'done' && 'data' in future.value).toBe(false);
  });

  it('encodeRunFrame writes what encodeFrame writes for the same run frame', () => {
    expect(encodeRunFrame(7, 'echo "x"\n', {})).toBe(encodeFrame({ type: 'run', id: 7, cmd: 'echo "x"\n' }));
    expect(encodeRunFrame('a-1', 'ls', { timeout: 500, stdin: true })).toBe(encodeFrame({ type: 'run', id: 'a-1', cmd: 'ls', timeout: 500, stdin: true }));
    expect(encodeRunFrame(8, 'ls', { timeout: undefined, stdin: undefined })).toBe(encodeFrame({ type: 'run', id: 8, cmd: 'ls' }));
  });

  it('outFrameOfQuoted and encodeDoneFrame write what encodeFrame writes for the same frames', () => {
    expect(outFrameOfQuoted(3, 'stdout', JSON.stringify('x\n'))).toBe(encodeFrame({ type: 'out', id: 3, stream: 'stdout', data: 'x\n' }));
    expect(outFrameOfQuoted('r"1', 'stderr', JSON.stringify('é \u2028 \u0000 "q"'))).toBe(encodeFrame({ type: 'out', id: 'r"1', stream: 'stderr', data: 'é \u2028 \u0000 "q"' }));
    const frames = [
      { id: 1, exitCode: 0, durationMs: 0 },
      { id: 'b-2', exitCode: null, durationMs: 12, signal: 'SIGKILL', truncated: true, error: { code: ErrorCode.TIMEOUT, message: 'timed out "x"' } },
      { id: 4, exitCode: 1, durationMs: 3, truncated: false, data: { kind: 'hostname', hostname: 'vm' } },
    ] as const;
    for (const done of frames) expect(encodeDoneFrame(done)).toBe(encodeFrame({ type: 'done', ...done }));
    const piece = (stream: 'stdout' | 'stderr', text: string) => ({ stream, quoted: JSON.stringify(text) });
    expect(encodeDoneFrame(frames[1], piece('stderr', 'é\u2028"'))).toBe(encodeFrame({ type: 'done', ...frames[1], stderr: 'é\u2028"' }));
  });

  it('reads a done frame\'s piece of output (done-output), and refuses one that is not text', () => {
    expect(parseServerMessage('{"type":"done","id":1,"exitCode":0,"durationMs":0,"stdout":"x\\n"}')).toEqual({ ok: true, value: { type: 'done', id: 1, exitCode: 0, durationMs: 0, stdout: 'x\n' } });
    expect(parseServerMessage('{"type":"done","id":1,"exitCode":0,"durationMs":0,"stderr":3}')).toEqual({ ok: false, message: 'malformed done.stderr' });
    expect(encodeDoneFrame({ id: 1, exitCode: 0, durationMs: 0 }, { stream: 'stdout', quoted: JSON.stringify('x\n') })).toBe(encodeFrame({ type: 'done', id: 1, exitCode: 0, durationMs: 0, stdout: 'x\n' }));
  });
});
