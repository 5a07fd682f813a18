// Loaded before anything else by main.ts: the Google client libraries need Node 22, and on an older Node they
// fail later with errors that do not say so. This module must itself run on any Node.

const REQUIRED_MAJOR = 22;

const found = process.versions.node;
if (Number(found.split('.')[0]) < REQUIRED_MAJOR) {
  process.stderr.write(`needs Node ${REQUIRED_MAJOR} or newer, found ${found}\n`);
  process.exit(1);
}
