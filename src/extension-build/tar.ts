import { gzipSync } from 'node:zlib';

/** A gzip'd ustar archive of in-memory files (what Cognigy uploads), without a `tar` binary. */
export function tarGz(files: Array<{ path: string; data: Buffer }>, mtime = Math.floor(Date.now() / 1000)): Buffer {
  const blocks: Buffer[] = [];
  for (const file of files) {
    if (Buffer.byteLength(file.path) > 100) throw new Error(`tar: path too long: ${file.path}`);
    const header = Buffer.alloc(512);
    const field = (value: string, offset: number, length: number) => header.write(value, offset, length, 'utf8');
    const octal = (value: number, offset: number, length: number) =>
      field(value.toString(8).padStart(length - 1, '0') + '\0', offset, length);
    field(file.path, 0, 100);
    octal(0o644, 100, 8);
    octal(0, 108, 8);
    octal(0, 116, 8);
    octal(file.data.length, 124, 12);
    octal(mtime, 136, 12);
    header.fill(' ', 148, 156); // checksum is computed with its own field as spaces
    field('0', 156, 1);
    field('ustar\u000000', 257, 8);
    let sum = 0;
    for (const byte of header) sum += byte;
    field(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8);
    blocks.push(header, file.data, Buffer.alloc((512 - (file.data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}
