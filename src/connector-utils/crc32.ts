/**
 * CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), as zlib, Java's `java.util.zip.CRC32` and
 * PHP's `crc32` compute it. Node 20 has no `zlib.crc32` (it arrived in Node 22), and 8x8 signs the
 * CRC-32 of each webhook body.
 */
let table: Uint32Array | undefined;

function crcTable(): Uint32Array {
  if (table) return table;
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  table = t;
  return t;
}

/** The CRC-32 of `data` (a string is taken as UTF-8) as an unsigned 32-bit integer. */
export function crc32(data: string | Uint8Array): number {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const t = crcTable();
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = t[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
