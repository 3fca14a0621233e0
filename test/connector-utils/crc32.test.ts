import { describe, expect, it } from 'vitest';
import { crc32 } from 'handover-kit/connector-utils';

// Expected values computed independently with Python's zlib.crc32.
describe('crc32', () => {
  it('matches the standard check values', () => {
    expect(crc32('')).toBe(0);
    expect(crc32('a')).toBe(3904355907);
    expect(crc32('123456789')).toBe(0xcbf43926);
    expect(crc32('The quick brown fox jumps over the lazy dog')).toBe(1095738169);
  });

  it('hashes strings as UTF-8 and bytes as given', () => {
    const text = '{"k":"é€😀"}';
    expect(crc32(text)).toBe(1332882884);
    expect(crc32(Buffer.from(text, 'utf8'))).toBe(1332882884);
    const bytes = new Uint8Array(1024).map((_, i) => i % 256);
    expect(crc32(bytes)).toBe(3070970918);
  });

  it('is unsigned and changes when one byte changes', () => {
    const body =
      '{"eventType":"AGENT_JOINED","messageType":"SYSTEM","conversationId":"Aka5NMHU8MtIG7lUQOxI0DTOvM4",' +
      '"agentId":"cmalutan","agentName":"Cosmin,Malutan","timestamp":1629804577002}';
    expect(crc32(body)).toBe(1564621066); // the body of 8x8's webhook curl example
    expect(crc32(body.replace('SYSTEM', 'SYSTEn'))).not.toBe(1564621066);
    expect(crc32(body)).toBeGreaterThan(0);
  });
});
