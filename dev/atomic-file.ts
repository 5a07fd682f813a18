import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, linkSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Files the local stand-ins keep across restarts, written so that a crash at any moment leaves either the old
 * contents or the new ones, never a torn file: write a temporary file beside the target, fsync it, then rename
 * (or link) it into place, and fsync the folder so the rename itself survives a power cut.
 */

/** Replaces `path` with `data` atomically. Synchronous: callers snapshot state and write it in the same tick. */
export function writeFileAtomic(path: string, data: Uint8Array | string, mode = 0o600): void {
  const temp = writeTemp(path, data, mode);
  try {
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
  syncFolder(dirname(path));
}

/**
 * Creates `path` with `data` unless it already exists; returns false when it did. Two processes racing get one
 * winner (link fails on an existing name), and nobody ever sees a half-written file.
 */
export function createFileOnce(path: string, data: Uint8Array | string, mode = 0o600): boolean {
  const temp = writeTemp(path, data, mode);
  try {
    linkSync(temp, path);
    syncFolder(dirname(path));
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    rmSync(temp, { force: true });
  }
}

function writeTemp(path: string, data: Uint8Array | string, mode: number): string {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const temp = join(dirname(path), `.${randomBytes(6).toString('hex')}.tmp`);
  // 'wx': a fresh file with `mode` from the first byte, never a pre-existing one someone else could read.
  const fd = openSync(temp, 'wx', mode);
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw error;
  }
  closeSync(fd);
  return temp;
}

/** Makes a rename durable; some platforms (Windows) cannot open a folder, where this is a no-op. */
function syncFolder(folder: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(folder, 'r');
    fsyncSync(fd);
  } catch {
    // Best effort: the data itself is already synced.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
