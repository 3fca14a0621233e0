import { deflateSync } from 'node:zlib';

/** A 64×64 RGBA PNG: a blue rounded square with a white "H" (drawn here, so no binary lives in git). */
export function defaultIcon(): Buffer {
  const size = 64;
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    for (let x = 0; x < size; x++) {
      const corner = Math.max(0, Math.hypot(Math.max(10 - x, x - 53, 0), Math.max(10 - y, y - 53, 0)) - 10);
      const inside = corner < 1;
      const bar = (x >= 18 && x < 26) || (x >= 38 && x < 46);
      const white = y >= 16 && y < 48 && (bar || (x >= 26 && x < 38 && y >= 28 && y < 36));
      const o = y * (size * 4 + 1) + 1 + x * 4;
      const [r, g, b] = white ? [255, 255, 255] : [29, 111, 224];
      raw.set([r!, g!, b!, inside ? 255 : 0], o);
    }
  }
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body) >>> 0);
    return Buffer.concat([len, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function crc32(buf: Buffer): number {
  let c = ~0;
  for (const byte of buf) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c;
}
