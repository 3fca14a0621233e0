import { closeSync, fchmodSync, ftruncateSync, openSync, writeSync } from 'node:fs';

/**
 * Writes a file only its owner can read (0600), also when it already exists with wider permissions:
 * `mode` on open only applies to a new file, so the mode is set on the open descriptor before writing.
 */
export function writePrivateFile(path: string, text: string): void {
  const fd = openSync(path, 'w', 0o600);
  try {
    fchmodSync(fd, 0o600);
    ftruncateSync(fd, 0);
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
}
