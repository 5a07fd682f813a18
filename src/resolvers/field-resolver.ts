import type { GraphQLResolveInfo } from 'graphql';
import { Ctx, FieldResolver, Info, Root } from 'type-graphql';

/**
 * Adds `resolve` to a resolver class as the resolver of `field`, exactly as a method
 * `@FieldResolver() field(@Root() root, @Ctx() context, @Info() info)` would be, so that a table of fields resolved alike
 * needs no method per field. type-graphql takes the field's type and description from the `@Field` of that name
 * on the resolver's object type (building the schema fails when there is none). Call it at module load, before
 * the schema is built.
 */
export function addFieldResolver<TRoot, TContext>(
  resolverPrototype: object,
  field: string,
  resolve: (root: TRoot, context: TContext, info: GraphQLResolveInfo) => Promise<unknown>,
): void {
  const descriptor: PropertyDescriptor = { value: resolve, writable: true, configurable: true };
  Object.defineProperty(resolverPrototype, field, descriptor);
  Root()(resolverPrototype, field, 0);
  Ctx()(resolverPrototype, field, 1);
  Info()(resolverPrototype, field, 2);
  FieldResolver()(resolverPrototype, field, descriptor);
}
