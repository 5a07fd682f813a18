import type { ApolloServerOptionsWithSchema, ApolloServerPlugin, BaseContext } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { GraphQLError, OperationTypeNode, type ValidationRule } from 'graphql';
import { oneSignInFieldPerOperation } from './sign-in-fields';

const MAX_TOKENS = 2000;

/**
 * Limits that reject floods before any resolver runs (GRAPHQL_VALIDATION_FAILED). Tuned so that every operation
 * in examples/operations passes with room to spare: the deepest real query (messages → edges → node → field)
 * has depth 4 and costs well under 500 with first-page selections.
 */
const ARMOR_LIMITS = (production: boolean): ConstructorParameters<typeof ApolloArmor>[0] => ({
  maxDepth: { n: 8, ignoreIntrospection: true },
  maxAliases: { n: 15 },
  maxDirectives: { n: 20 },
  // Enforced by the parser instead (parseOptions): armor's plugin reports it as a 500.
  maxTokens: { enabled: false },
  costLimit: { maxCost: 5000, ignoreIntrospection: true },
  // Outside production, "did you mean" suggestions help people exploring the API in Sandbox.
  blockFieldSuggestion: { enabled: production },
});

/** The schema has no subscriptions: say so at validation (a 400) instead of failing in execution. */
const noSubscriptions: ValidationRule = (context) => ({
  OperationDefinition(node) {
    if (
      node.operation === OperationTypeNode.SUBSCRIPTION &&
      context.getSchema().getSubscriptionType() == null
    ) {
      context.reportError(new GraphQLError('This API has no subscriptions.', { nodes: [node] }));
    }
  },
});

/** The Apollo options that enforce the query limits; spread into the ApolloServer options. */
export function queryLimits<TContext extends BaseContext>(
  production: boolean,
): Required<Pick<ApolloServerOptionsWithSchema<TContext>, 'validationRules' | 'parseOptions'>> & {
  readonly plugins: ApolloServerPlugin<TContext>[];
} {
  const armor = new ApolloArmor(ARMOR_LIMITS(production)).protect();
  return {
    validationRules: [...armor.validationRules, noSubscriptions, oneSignInFieldPerOperation],
    // The token limit lives in graphql-js's parser, so a flood is a GRAPHQL_PARSE_FAILED 400 before any work.
    parseOptions: { maxTokens: MAX_TOKENS },
    plugins: armor.plugins,
  };
}
