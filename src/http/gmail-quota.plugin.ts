import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { GmailQuotaCosts } from '../quota/gmail-costs';
import { MAX_MESSAGES_PER_OPERATION, planGmailCalls } from '../quota/gmail-plan';
import type { GatewayContext } from '../resolvers/context';

/**
 * The Gmail budget around each request: once the operation is known, its Gmail plan is computed (refusing an
 * operation that asks for more than {@link MAX_MESSAGES_PER_OPERATION} messages and threads, before any resolver runs) and
 * handed to the request's quota as the reservation to make; when the answer goes out, the quota settles and the
 * response carries `extensions.gmailQuota`. Always on, in every mode.
 */
export function gmailQuotaPlugin(costs: GmailQuotaCosts): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request, contextValue }) {
          if (!operation) return;
          const plan = planGmailCalls(schema, document, operation, request.variables, costs);
          if (plan === null) return;
          if (plan.messages > MAX_MESSAGES_PER_OPERATION) {
            throw new GraphQLError(
              `This operation asks for ${plan.messages} messages and threads across its messages, message, threads and thread fields; one operation may ask for at most ${MAX_MESSAGES_PER_OPERATION}.`,
              { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } },
            );
          }
          contextValue.gmailQuota.plan(plan.units);
        },
        async willSendResponse({ response, contextValue }) {
          const report = await contextValue.gmailQuota.settle();
          if (report === null || response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          result.extensions = { ...result.extensions, gmailQuota: report };
        },
      };
    },
  };
}
