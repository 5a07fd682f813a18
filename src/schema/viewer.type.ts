import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import type { ViewerView } from '../auth/auth.service';
import type { CredentialStatus as CredentialStatusValue } from '../credentials/credential.repository';

export const CredentialStatus = {
  ACTIVE: 'ACTIVE',
  NEEDS_REAUTHORIZATION: 'NEEDS_REAUTHORIZATION',
} as const satisfies Record<CredentialStatusValue, CredentialStatusValue>;

registerEnumType(CredentialStatus, {
  name: 'CredentialStatus',
  description: 'Whether the gateway can read the mailbox with the stored Google grant.',
  valuesConfig: {
    ACTIVE: { description: 'The stored grant works.' },
    NEEDS_REAUTHORIZATION: {
      description:
        'Google revoked or rejected the grant; mailbox queries answer CREDENTIALS_REVOKED with a consent URL until the user consents again.',
    },
  },
});

@ObjectType({ description: 'The signed-in user: the Google account behind the session.' })
export class Viewer implements ViewerView {
  @Field(() => ID, { description: "Google's account id." })
  id!: string;

  @Field(() => String, { description: "The Google account's e-mail address." })
  email!: string;

  @Field(() => [String], { description: 'The OAuth scopes Google granted.' })
  grantedScopes!: readonly string[];

  @Field(() => CredentialStatus, { description: 'Whether the stored grant still works.' })
  status!: CredentialStatusValue;
}
