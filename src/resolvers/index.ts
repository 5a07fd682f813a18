import type { GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { AuthResolver } from './auth.resolver';
import { LabelResolver } from './label.resolver';
import { MessageBodyResolver } from './message-body.resolver';
import { MessageResolver } from './message.resolver';
import { ThreadResolver } from './thread.resolver';
import { ViewerResolver } from './viewer.resolver';

/** The gateway's schema, built from the type-graphql classes. The one list of resolvers. */
export function buildGatewaySchema(): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: [
      AuthResolver,
      ViewerResolver,
      MessageResolver,
      MessageBodyResolver,
      ThreadResolver,
      LabelResolver,
    ],
    validate: false,
  });
}
