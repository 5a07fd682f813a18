import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildSchema, isObjectType, isInputObjectType, isEnumType } from 'graphql';
import { printGatewaySchema } from '../scripts/schema/print-schema';

const committedPath = join(__dirname, '..', 'schema', 'schema.graphql');

describe('schema/schema.graphql', () => {
  it('is exactly what the code produces (run `npm run schema` after changing a type)', async () => {
    expect(await readFile(committedPath, 'utf8')).toBe(await printGatewaySchema());
  });

  it('describes every type, field and argument', async () => {
    const schema = buildSchema(await readFile(committedPath, 'utf8'));
    const missing: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith('__') || ['String', 'Boolean', 'Int', 'Float', 'ID'].includes(type.name))
        continue;
      // The root operation types are described by their fields.
      if (!type.description && type.name !== 'Query' && type.name !== 'Mutation') missing.push(type.name);
      if (isObjectType(type) || isInputObjectType(type)) {
        for (const field of Object.values(type.getFields())) {
          if (!field.description) missing.push(`${type.name}.${field.name}`);
          for (const arg of 'args' in field ? field.args : []) {
            if (!arg.description) missing.push(`${type.name}.${field.name}(${arg.name})`);
          }
        }
      }
      if (isEnumType(type)) {
        for (const value of type.getValues())
          if (!value.description) missing.push(`${type.name}.${value.name}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
