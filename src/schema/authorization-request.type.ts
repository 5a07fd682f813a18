import { Field, GraphQLISODateTime, ObjectType } from 'type-graphql';
import type { AuthorizationRequestView } from '../auth/auth.service';

@ObjectType({ description: 'A Google consent URL for the server-side OAuth flow, with its one-time state.' })
export class AuthorizationRequest implements AuthorizationRequestView {
  @Field(() => String, {
    description:
      'Send the browser here. Google redirects back to the configured redirect URI with `code` and `state`; pass both to `exchangeCode`.',
  })
  url!: string;

  @Field(() => String, {
    description:
      'The one-time state embedded in `url`. Keep it (e.g. in sessionStorage) and check that the callback carries the same value before calling `exchangeCode`.',
  })
  state!: string;

  @Field(() => String, {
    description:
      'A secret bound to this state, for the browser that asked only: keep it beside the state (e.g. in sessionStorage), never put it in a URL, and pass it to `exchangeCode`. Without it the state is refused, so a leaked callback URL cannot be redeemed elsewhere.',
  })
  requestSecret!: string;

  @Field(() => GraphQLISODateTime, { description: 'After this instant the state is no longer accepted.' })
  expiresAt!: Date;
}
