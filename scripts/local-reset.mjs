// `npm run local:reset`: deletes local mode's data folder (LOCAL_DATA_DIR, `.local` by default), so the next
// start begins with an empty store, a new encryption key and an emulator that has forgotten every grant.
// Plain Node, no build step, the same on every platform.
import { rmSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import process from 'node:process';

const dir = resolve(process.env.LOCAL_DATA_DIR?.trim() || '.local');
// A slip such as LOCAL_DATA_DIR=. must not delete the project: never a folder that holds the current one.
const hereFromDir = relative(dir, process.cwd());
if (hereFromDir === '' || !(hereFromDir.startsWith('..') || isAbsolute(hereFromDir))) {
  process.stderr.write(`local:reset: refusing to delete ${dir}, which holds the current folder\n`);
  process.exit(1);
}
rmSync(dir, { recursive: true, force: true });
process.stdout.write(`local:reset: deleted ${dir}\n`);
