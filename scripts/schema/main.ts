import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { printGatewaySchema } from './print-schema';

/** `npm run schema`: rewrites schema/schema.graphql from the code. */
async function main(): Promise<void> {
  const target = join(__dirname, '..', '..', '..', 'schema', 'schema.graphql');
  await writeFile(target, await printGatewaySchema());
  console.log(`wrote ${target}`);
}

void main();
