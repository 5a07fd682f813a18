import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { AuthorizationRequest } from '../schema/authorization-request.type';
import { ExchangeCodePayload } from '../schema/exchange-code-payload.type';
import type { GatewayContext } from './context';

@Resolver()
export class AuthResolver {
  @Query(() => AuthorizationRequest, {
    description:
      'Starts a sign-in: a Google consent URL (offline access, PKCE, one-time state valid 10 minutes) and the request secret that only this browser keeps. Needs no session.',
  })
  authorizationUrl(
    @Arg('loginHint', () => String, {
      nullable: true,
      description: 'The e-mail address of the Google account to preselect on the consent screen.',
    })
    loginHint: string | null | undefined,
    @Ctx() context: GatewayContext,
  ): AuthorizationRequest {
    return context.auth.createAuthorizationRequest(loginHint ?? null);
  }

  @Mutation(() => ExchangeCodePayload, {
    description:
      'Completes a sign-in with the `code` and `state` Google sent to the redirect URI and the `requestSecret` kept since authorizationUrl. Returns the session token, once.',
  })
  exchangeCode(
    @Arg('code', () => String, { description: 'The one-time authorization code from the redirect.' })
    code: string,
    @Arg('state', () => String, {
      description: 'The state from the redirect, as issued by authorizationUrl.',
    })
    state: string,
    @Arg('requestSecret', () => String, {
      description:
        'The requestSecret authorizationUrl (or the error carrying the consent URL) returned with this state. Never put it in a URL.',
    })
    requestSecret: string,
    @Ctx() context: GatewayContext,
  ): Promise<ExchangeCodePayload> {
    return context.auth.exchangeCode(code, state, requestSecret, { replacesSession: context.bearerToken });
  }

  @Mutation(() => Boolean, {
    description: 'Ends the session sent in the Authorization header. False when there was none to end.',
  })
  signOut(@Ctx() context: GatewayContext): Promise<boolean> {
    return context.auth.signOut(context.bearerToken);
  }

  @Mutation(() => Boolean, {
    description:
      'Revokes the Google grant at Google, deletes the stored credential and ends every session of the user.',
  })
  async disconnectGoogle(@Ctx() context: GatewayContext): Promise<boolean> {
    return context.auth.disconnect(await context.requireSession());
  }
}
