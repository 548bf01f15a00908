import { describe, expect, it } from 'vitest';
import { parseHealthAddress } from './health.js';

describe('parseHealthAddress', () => {
  it('reads HOST:PORT, a bracketed IPv6 host, and :PORT for every interface', () => {
    expect(parseHealthAddress('127.0.0.1:9090')).toEqual({ host: '127.0.0.1', port: 9090 });
    expect(parseHealthAddress('[::1]:9090')).toEqual({ host: '::1', port: 9090 });
    expect(parseHealthAddress(':9090')).toEqual({ host: '', port: 9090 });
  });

  it('refuses an address without a port, or with one past 65535', () => {
    expect(parseHealthAddress('9090')).toBeUndefined();
    expect(parseHealthAddress('localhost')).toBeUndefined();
    expect(parseHealthAddress('127.0.0.1:70000')).toBeUndefined();
  });
});
