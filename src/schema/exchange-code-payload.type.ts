import { Field, ObjectType } from 'type-graphql';
import type { ExchangeCodePayloadView } from '../auth/auth.service';
import { Viewer } from './viewer.type';

@ObjectType({ description: 'The result of a successful sign-in.' })
export class ExchangeCodePayload implements ExchangeCodePayloadView {
  @Field(() => String, {
    description:
      'The session token, returned this once only. Send it as `Authorization: Bearer <sessionToken>`; the gateway stores only its hash.',
  })
  sessionToken!: string;

  @Field(() => Viewer, { description: 'The account that was connected.' })
  viewer!: Viewer;
}
