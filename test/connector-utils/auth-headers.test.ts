import { describe, expect, it } from 'vitest';
import { headersPerCredential } from 'handover-kit/connector-utils';

describe('headersPerCredential', () => {
  it('builds the headers once per credential and again when the credential changes', () => {
    const built: string[] = [];
    const headers = headersPerCredential((token) => {
      built.push(token);
      return { authorization: `Bearer ${token}` };
    });
    const first = headers('t1');
    expect(first).toEqual({ authorization: 'Bearer t1' });
    expect(headers('t1')).toBe(first);
    expect(headers('t2')).toEqual({ authorization: 'Bearer t2' });
    expect(headers('t1')).toEqual({ authorization: 'Bearer t1' });
    expect(built).toEqual(['t1', 't2', 't1']);
  });
});
