import {
  GraphQLError,
  Kind,
  type FragmentDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';

/**
 * Root fields that a request may select once: each `authorizationUrl` costs a sealing and each `exchangeCode`
 * a call to Google's token endpoint with our client secret, so aliases must not multiply them.
 */
const ONCE_PER_OPERATION = new Set(['authorizationUrl', 'exchangeCode']);

/**
 * One `authorizationUrl` and one `exchangeCode` per operation (GRAPHQL_VALIDATION_FAILED, a 400, before any
 * resolver runs). Fragments are followed; a field selected twice under one response key counts once, since
 * graphql-js merges it and runs it once.
 */
export const oneSignInFieldPerOperation: ValidationRule = (context) => ({
  OperationDefinition(node) {
    const responseKeys = new Map<string, Set<string>>();
    collectRootFields(context, node.selectionSet, responseKeys, new Set());
    for (const [field, keys] of responseKeys) {
      if (keys.size > 1) {
        context.reportError(
          new GraphQLError(`Only one ${field} per operation is allowed (found ${keys.size}).`, {
            nodes: [node],
            extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
          }),
        );
      }
    }
  },
});

function collectRootFields(
  context: ValidationContext,
  selectionSet: SelectionSetNode,
  responseKeys: Map<string, Set<string>>,
  visitedFragments: Set<string>,
): void {
  for (const selection of selectionSet.selections) {
    switch (selection.kind) {
      case Kind.FIELD: {
        const name = selection.name.value;
        if (!ONCE_PER_OPERATION.has(name)) break;
        const keys = responseKeys.get(name) ?? new Set<string>();
        keys.add(selection.alias?.value ?? name);
        responseKeys.set(name, keys);
        break;
      }
      case Kind.INLINE_FRAGMENT:
        collectRootFields(context, selection.selectionSet, responseKeys, visitedFragments);
        break;
      case Kind.FRAGMENT_SPREAD: {
        const name = selection.name.value;
        // Cycles and unknown fragments are reported by graphql-js's own rules.
        if (visitedFragments.has(name)) break;
        visitedFragments.add(name);
        const fragment: FragmentDefinitionNode | null | undefined = context.getFragment(name);
        if (fragment) collectRootFields(context, fragment.selectionSet, responseKeys, visitedFragments);
        break;
      }
    }
  }
}
