import 'reflect-metadata';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { buildGatewaySchema } from '../../src/resolvers';

export const SCHEMA_BANNER =
  '# Generated from the type-graphql classes in src/ by `npm run schema`. Do not edit.\n';

/** The committed schema/schema.graphql, as the code produces it: sorted, with the banner. */
export async function printGatewaySchema(): Promise<string> {
  return `${SCHEMA_BANNER}\n${printSchema(lexicographicSortSchema(await buildGatewaySchema()))}\n`;
}
